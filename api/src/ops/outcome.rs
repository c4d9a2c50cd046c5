//! The outcome of a GraphQL request (`ok` or its first error code), kept in the response's
//! extensions for metrics, and the rule that turns a database outage into HTTP 503.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::Response;

use crate::error::ErrorCode;

/// The `Retry-After` value of a 503 response, in seconds.
pub const RETRY_AFTER_SECONDS: u64 = 5;

/// Result of one GraphQL request: its first error code, and whether the rule for database
/// outages applies.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Outcome {
    /// `None` when the request had no errors, else the code of its first error.
    pub first_code: Option<String>,
    /// Whether every error was `SERVICE_UNAVAILABLE` and the response has no data.
    pub unavailable: bool,
}

impl Outcome {
    /// Builds the outcome of a request that failed with one error of this code.
    pub fn failed(code: &str) -> Outcome {
        Outcome { first_code: Some(code.to_owned()), unavailable: code == ErrorCode::ServiceUnavailable.as_str() }
    }

    /// Reads the outcome of an executed request. "No data" means `data` is null or every
    /// root field in it is null, so nothing the client asked for came back.
    pub fn of(response: &async_graphql::Response) -> Outcome {
        let code_of = |error: &async_graphql::ServerError| {
            error
                .extensions
                .as_ref()
                .and_then(|extensions| extensions.get("code"))
                .and_then(|code| match code {
                    async_graphql::Value::String(code) => Some(code.clone()),
                    _ => None,
                })
                .unwrap_or_else(|| ErrorCode::Internal.as_str().to_owned())
        };
        let first_code = response.errors.first().map(code_of);
        let no_data = match &response.data {
            async_graphql::Value::Null => true,
            async_graphql::Value::Object(fields) => fields.values().all(|value| *value == async_graphql::Value::Null),
            _ => false,
        };
        let unavailable = !response.errors.is_empty()
            && no_data
            && response.errors.iter().all(|error| code_of(error) == ErrorCode::ServiceUnavailable.as_str());
        Outcome { first_code, unavailable }
    }

    /// Stores the outcome in the response and, for a request that failed only because a
    /// dependency was unavailable, sets HTTP 503 with `Retry-After`, so that load
    /// balancers and clients back off.
    pub fn apply(self, response: &mut Response) {
        if self.unavailable {
            *response.status_mut() = StatusCode::SERVICE_UNAVAILABLE;
            response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(RETRY_AFTER_SECONDS));
        }
        response.extensions_mut().insert(self);
    }

    /// Returns the metrics label: `ok`, or the first error code.
    pub fn label(&self) -> &str {
        self.first_code.as_deref().unwrap_or("ok")
    }
}

/// Guesses the outcome of a response built before execution, from its status, for
/// responses that carry no [`Outcome`].
pub fn from_status(status: StatusCode) -> Outcome {
    let code = match status.as_u16() {
        200..=299 => return Outcome { first_code: None, unavailable: false },
        400 => "BAD_REQUEST",
        401 => "UNAUTHENTICATED",
        403 => "FORBIDDEN",
        405 => "METHOD_NOT_ALLOWED",
        406 => "NOT_ACCEPTABLE",
        413 => "PAYLOAD_TOO_LARGE",
        415 => "UNSUPPORTED_MEDIA_TYPE",
        429 => "RATE_LIMITED",
        503 => "SERVICE_UNAVAILABLE",
        _ => "INTERNAL",
    };
    Outcome::failed(code)
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, reason = "a failed unwrap is a failed test")]
mod tests {
    use super::*;

    fn error(code: &str) -> async_graphql::ServerError {
        let mut error = async_graphql::ServerError::new("failed", None);
        error.extensions.get_or_insert_with(Default::default).set("code", code);
        error
    }

    #[test]
    fn outage_without_data_is_unavailable() {
        let response = async_graphql::Response::from_errors(vec![error("SERVICE_UNAVAILABLE")]);
        let outcome = Outcome::of(&response);
        assert!(outcome.unavailable);
        assert_eq!(outcome.label(), "SERVICE_UNAVAILABLE");
    }

    #[test]
    fn mixed_errors_are_not_unavailable() {
        let response = async_graphql::Response::from_errors(vec![error("SERVICE_UNAVAILABLE"), error("NOT_FOUND")]);
        assert!(!Outcome::of(&response).unavailable);
    }

    #[test]
    fn partial_data_is_not_unavailable() {
        let mut data = async_graphql::indexmap::IndexMap::new();
        data.insert(async_graphql::Name::new("countries"), async_graphql::Value::Null);
        data.insert(async_graphql::Name::new("health"), async_graphql::Value::from("ok"));
        let mut response = async_graphql::Response::new(async_graphql::Value::Object(data));
        response.errors.push(error("SERVICE_UNAVAILABLE"));
        assert!(!Outcome::of(&response).unavailable);
    }

    #[test]
    fn success_is_ok() {
        let response = async_graphql::Response::new(async_graphql::Value::Null);
        assert_eq!(Outcome::of(&response).label(), "ok");
    }
}
