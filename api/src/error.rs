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
    /// A service the request depends on, such as the database or the identity provider,
    /// did not respond.
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
            ApiError::Db(err) if database_unreachable(err) => ErrorCode::ServiceUnavailable,
            ApiError::Db(_) | ApiError::Unexpected(_) => ErrorCode::Internal,
        }
    }
}

/// The message clients get while the database cannot be reached.
pub const DATABASE_UNAVAILABLE: &str = "The database is unavailable; try again shortly.";

/// Checks whether a database error means that the database cannot be reached, as opposed
/// to a failed statement. These errors are: no pooled connection within the acquire
/// timeout, a closed pool, and a failed or lost connection (refused, reset, I/O or TLS
/// errors). PostgreSQL's connection exceptions (SQLSTATE class 08) and shutdown codes
/// (57P01 `admin_shutdown`, 57P02 `crash_shutdown`, 57P03 `cannot_connect_now`) count too.
pub fn database_unreachable(err: &sea_orm::DbErr) -> bool {
    use sea_orm::{DbErr, RuntimeErr};
    match err {
        DbErr::ConnectionAcquire(_) | DbErr::Conn(_) => true,
        DbErr::Exec(RuntimeErr::SqlxError(err)) | DbErr::Query(RuntimeErr::SqlxError(err)) => sqlx_unreachable(err),
        _ => false,
    }
}

fn sqlx_unreachable(err: &sea_orm::sqlx::Error) -> bool {
    use sea_orm::sqlx::Error;
    match err {
        Error::Io(_) | Error::Tls(_) | Error::PoolTimedOut | Error::PoolClosed | Error::WorkerCrashed => true,
        Error::Database(err) => err.code().is_some_and(|code| code.starts_with("08") || code.starts_with("57P0")),
        _ => false,
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
            ApiError::Db(err) if database_unreachable(err) => {
                tracing::error!(error = %self.describe(), "the database is unavailable; the request failed with SERVICE_UNAVAILABLE");
                DATABASE_UNAVAILABLE.to_owned()
            }
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

#[cfg(test)]
mod tests {
    use super::*;
    use sea_orm::{ConnAcquireErr, DbErr, RuntimeErr};
    use std::sync::Arc;

    fn sqlx(err: sea_orm::sqlx::Error) -> DbErr {
        DbErr::Query(RuntimeErr::SqlxError(Arc::new(err)))
    }

    #[test]
    fn unreachable_database_is_unavailable() {
        let refused = std::io::Error::from(std::io::ErrorKind::ConnectionRefused);
        for err in [
            DbErr::ConnectionAcquire(ConnAcquireErr::Timeout),
            DbErr::ConnectionAcquire(ConnAcquireErr::ConnectionClosed),
            sqlx(sea_orm::sqlx::Error::Io(refused)),
            sqlx(sea_orm::sqlx::Error::PoolTimedOut),
        ] {
            let error = ApiError::Db(err);
            assert_eq!(error.code(), ErrorCode::ServiceUnavailable, "{error:?}");
            let extended = error.extend();
            assert_eq!(extended.message, DATABASE_UNAVAILABLE);
        }
    }

    #[test]
    fn failed_statements_stay_internal() {
        for err in [sqlx(sea_orm::sqlx::Error::RowNotFound), DbErr::Custom("broken".into()), DbErr::RecordNotInserted] {
            let error = ApiError::Db(err);
            assert_eq!(error.code(), ErrorCode::Internal, "{error:?}");
            assert!(!error.extend().message.contains("broken"), "database text never reaches clients");
        }
    }
}
