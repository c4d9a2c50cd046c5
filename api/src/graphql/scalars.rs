//! Custom scalars.

use async_graphql::{InputValueError, InputValueResult, Scalar, ScalarType, Value};
use chrono::NaiveDate;

/// A calendar date in ISO 8601 form, `YYYY-MM-DD`, such as `2017-11-29`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Date(pub NaiveDate);

/// A calendar date in ISO 8601 form, `YYYY-MM-DD`, such as `2017-11-29`.
#[Scalar(name = "Date")]
impl ScalarType for Date {
    fn parse(value: Value) -> InputValueResult<Self> {
        let Value::String(text) = &value else {
            return Err(InputValueError::custom(format!("expected a date string such as \"2025-01-31\", got {value}")));
        };
        NaiveDate::parse_from_str(text, "%Y-%m-%d").map(Date).map_err(|_| {
            InputValueError::custom(format!("\"{text}\" is not a date; write it as YYYY-MM-DD, such as \"2025-01-31\""))
        })
    }

    fn to_value(&self) -> Value {
        Value::String(self.0.format("%Y-%m-%d").to_string())
    }
}

impl From<NaiveDate> for Date {
    fn from(date: NaiveDate) -> Self {
        Date(date)
    }
}
