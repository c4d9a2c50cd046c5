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
        parse_date(text).map(Date).ok_or_else(|| {
            InputValueError::custom(format!("\"{text}\" is not a date; write it as YYYY-MM-DD, such as \"2025-01-31\""))
        })
    }

    // Checked during validation too, so that a bad literal or variable fails the whole
    // request once, before any field runs.
    fn is_valid(value: &Value) -> bool {
        matches!(value, Value::String(text) if parse_date(text).is_some())
    }

    fn to_value(&self) -> Value {
        Value::String(self.0.format("%Y-%m-%d").to_string())
    }
}

/// Parses exactly `YYYY-MM-DD`, with both month and day written with two digits.
fn parse_date(text: &str) -> Option<NaiveDate> {
    let bytes = text.as_bytes();
    let shape = bytes.len() == 10
        && bytes[4] == b'-'
        && bytes[7] == b'-'
        && bytes.iter().enumerate().all(|(i, b)| i == 4 || i == 7 || b.is_ascii_digit());
    if !shape {
        return None;
    }
    NaiveDate::parse_from_str(text, "%Y-%m-%d").ok()
}

impl From<NaiveDate> for Date {
    fn from(date: NaiveDate) -> Self {
        Date(date)
    }
}

#[cfg(test)]
mod tests {
    use super::parse_date;

    #[test]
    fn dates_must_be_padded_iso() {
        assert!(parse_date("2025-01-31").is_some());
        for bad in ["2025-1-31", "2025-01-3", "2025/01/31", "2025-02-30", "+2025-01-31", "", "2025-01-31T00:00"] {
            assert!(parse_date(bad).is_none(), "accepted {bad:?}");
        }
    }
}
