//! The API's error type and the stable machine codes that clients see in `extensions.code`.
//!
//! Services and resolvers return [`ApiError`]. Its conversion into a GraphQL error is the one
//! place where internal failures are logged, and it never passes database text to a client.

use async_graphql::ErrorExtensions;

/// Stable machine codes; front ends translate them, so they are never renamed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ErrorCode {
    /// The request is malformed: a bad argument, cursor, id or page size.
    BadUserInput,
    /// A key or id names nothing.
    NotFound,
    /// A credential was sent but is invalid, expired or revoked.
    Unauthenticated,
    /// The caller is known but lacks the role or scope the operation needs.
    Forbidden,
    /// A service the request depends on, such as the identity provider, did not respond.
    ServiceUnavailable,
    /// The client made too many failed attempts; it may try again after the time given in
    /// `extensions.retryAfterSeconds`.
    RateLimited,
    /// Something failed inside the server; details are in the server log only.
    Internal,
}

impl ErrorCode {
    /// Returns the code as clients see it.
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::BadUserInput => "BAD_USER_INPUT",
            ErrorCode::NotFound => "NOT_FOUND",
            ErrorCode::Unauthenticated => "UNAUTHENTICATED",
            ErrorCode::Forbidden => "FORBIDDEN",
            ErrorCode::ServiceUnavailable => "SERVICE_UNAVAILABLE",
            ErrorCode::RateLimited => "RATE_LIMITED",
            ErrorCode::Internal => "INTERNAL",
        }
    }
}

/// A failure that can reach a GraphQL client.
///
/// It deliberately does not implement `Display`: async-graphql turns any `Display` type
/// into an error whose message is that text, which would skip the code and could publish
/// database text. The only conversion is the one below, through [`ErrorExtensions`].
#[derive(Debug)]
pub enum ApiError {
    /// Invalid input; the message names the value and how to fix it.
    BadInput {
        /// The argument or input field at fault, as a dotted path.
        field: Option<String>,
        /// A human message that is safe to show.
        message: String,
    },
    /// Nothing exists under the given key or id.
    NotFound(String),
    /// The credential is invalid; the message gives the reason without echoing the credential.
    Unauthenticated(String),
    /// The caller may not do this; the message names the role or scope needed.
    Forbidden(String),
    /// A dependency failed; the message is safe to show, the details are logged.
    ServiceUnavailable(String),
    /// The client reached a limit on failed attempts; the message gives the seconds to wait.
    RateLimited {
        /// A human message that is safe to show.
        message: String,
        /// Seconds until the client's current window ends and attempts are accepted again.
        retry_after_seconds: u64,
    },
    /// A database failure; clients see only a fixed message.
    Db(sea_orm::DbErr),
    /// Any other unexpected failure; clients see only a fixed message.
    Unexpected(String),
}

/// Result alias for resolvers and services.
pub type ApiResult<T> = Result<T, ApiError>;

impl ApiError {
    /// Builds a bad-input error for one argument or input field.
    pub fn bad_input(field: impl Into<String>, message: impl Into<String>) -> Self {
        ApiError::BadInput { field: Some(field.into()), message: message.into() }
    }

    /// Returns the machine code of this error.
    pub fn code(&self) -> ErrorCode {
        match self {
            ApiError::BadInput { .. } => ErrorCode::BadUserInput,
            ApiError::NotFound(_) => ErrorCode::NotFound,
            ApiError::Unauthenticated(_) => ErrorCode::Unauthenticated,
            ApiError::Forbidden(_) => ErrorCode::Forbidden,
            ApiError::ServiceUnavailable(_) => ErrorCode::ServiceUnavailable,
            ApiError::RateLimited { .. } => ErrorCode::RateLimited,
            ApiError::Db(_) | ApiError::Unexpected(_) => ErrorCode::Internal,
        }
    }
}

impl From<sea_orm::DbErr> for ApiError {
    fn from(err: sea_orm::DbErr) -> Self {
        ApiError::Db(err)
    }
}

impl ApiError {
    /// Describes the error for the server log, internals included.
    pub fn describe(&self) -> String {
        match self {
            ApiError::BadInput { message, .. }
            | ApiError::NotFound(message)
            | ApiError::Unauthenticated(message)
            | ApiError::Forbidden(message)
            | ApiError::ServiceUnavailable(message)
            | ApiError::RateLimited { message, .. } => message.clone(),
            ApiError::Db(err) => format!("database error: {err}"),
            ApiError::Unexpected(message) => format!("unexpected error: {message}"),
        }
    }
}

impl From<ApiError> for async_graphql::Error {
    fn from(err: ApiError) -> Self {
        err.extend()
    }
}

impl ErrorExtensions for ApiError {
    fn extend(&self) -> async_graphql::Error {
        let code = self.code();
        let message = match self {
            ApiError::BadInput { message, .. }
            | ApiError::NotFound(message)
            | ApiError::Unauthenticated(message)
            | ApiError::Forbidden(message)
            | ApiError::ServiceUnavailable(message)
            | ApiError::RateLimited { message, .. } => message.clone(),
            ApiError::Db(_) | ApiError::Unexpected(_) => {
                tracing::error!(error = %self.describe(), "request failed inside the server");
                "An internal error occurred; the server log has the details.".to_owned()
            }
        };
        async_graphql::Error::new(message).extend_with(|_, extensions| {
            extensions.set("code", code.as_str());
            if let ApiError::BadInput { field: Some(field), .. } = self {
                extensions.set("field", field.as_str());
            }
            if let ApiError::RateLimited { retry_after_seconds, .. } = self {
                extensions.set("retryAfterSeconds", *retry_after_seconds);
            }
        })
    }
}
