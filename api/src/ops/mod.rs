//! Operability: readiness, graceful shutdown, panic handling, CORS and security headers,
//! the per-request outcome behind the HTTP status, and the settings of all of them.

pub mod fault;
pub mod headers;
pub mod outcome;
pub mod panic;
pub mod ready;
pub mod shutdown;

use std::fmt;
use std::time::Duration;

use axum::http::HeaderValue;

use crate::config::{non_empty_var, seconds_var};

/// Settings of failure handling, shutdown and the operational endpoints.
#[derive(Clone, Debug)]
pub struct OpsConfig {
    /// `DATABASE_ACQUIRE_TIMEOUT_SECONDS`: the longest time a request waits for a pooled
    /// database connection, opening a new one included, before it fails with
    /// `SERVICE_UNAVAILABLE` (1 to 120). `None` when unset: 5 seconds on PostgreSQL, and
    /// the request timeout on SQLite, whose one connection makes requests queue.
    pub database_acquire_timeout: Option<Duration>,
    /// `SHUTDOWN_GRACE_SECONDS`: after SIGTERM or Ctrl-C, the longest time in-flight requests
    /// may take to finish before the process exits anyway (default 20, 0 to 3600).
    pub shutdown_grace: Duration,
    /// `CORS_ALLOWED_ORIGINS`: the origins browsers may call the API from, such as
    /// `https://www.oas.org`; empty by default, which sends no CORS headers at all.
    pub cors_allowed_origins: Vec<HeaderValue>,
    /// `METRICS_TOKEN`: when set, `GET /metrics` requires `Authorization: Bearer <token>`.
    pub metrics_token: Option<MetricsToken>,
    /// Whether requests may inject faults with the `X-Fault-Injection` header. It has an
    /// effect in debug builds only, where `FAULT_INJECTION=true` switches it on; release
    /// builds contain no fault-injection code.
    pub fault_injection: bool,
}

/// The bearer token that `/metrics` requires; its `Debug` output hides the value.
#[derive(Clone)]
pub struct MetricsToken(pub String);

impl fmt::Debug for MetricsToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("MetricsToken(***)")
    }
}

/// The default of `DATABASE_ACQUIRE_TIMEOUT_SECONDS` on PostgreSQL.
pub const DEFAULT_ACQUIRE_TIMEOUT: Duration = Duration::from_secs(5);

impl Default for OpsConfig {
    fn default() -> Self {
        OpsConfig {
            database_acquire_timeout: None,
            shutdown_grace: Duration::from_secs(20),
            cors_allowed_origins: Vec::new(),
            metrics_token: None,
            fault_injection: false,
        }
    }
}

impl OpsConfig {
    /// Reads the settings from the environment; an invalid value is an error naming the
    /// variable and the expected form.
    pub fn from_env() -> anyhow::Result<OpsConfig> {
        let acquire = match non_empty_var("DATABASE_ACQUIRE_TIMEOUT_SECONDS") {
            None => None,
            Some(_) => Some(Duration::from_secs(seconds_var("DATABASE_ACQUIRE_TIMEOUT_SECONDS", 5, 1, 120)?)),
        };
        let grace_seconds = seconds_var("SHUTDOWN_GRACE_SECONDS", 20, 0, 3600)?;
        let origins = std::env::var("CORS_ALLOWED_ORIGINS").unwrap_or_default();
        let cors_allowed_origins = headers::parse_origins(&origins)?;
        let metrics_token = non_empty_var("METRICS_TOKEN").map(MetricsToken);
        Ok(OpsConfig {
            database_acquire_timeout: acquire,
            shutdown_grace: Duration::from_secs(grace_seconds),
            cors_allowed_origins,
            metrics_token,
            fault_injection: fault::enabled_by_env()?,
        })
    }
}

impl OpsConfig {
    /// Returns the wait for a database connection: the configured one, else the request
    /// timeout on SQLite, whose one connection makes requests queue behind each other, and
    /// 5 seconds on PostgreSQL.
    pub fn acquire_timeout_for(&self, database_url: &str, request_timeout: Duration) -> Duration {
        match self.database_acquire_timeout {
            Some(timeout) => timeout,
            None if crate::db::is_sqlite(database_url) => request_timeout,
            None => DEFAULT_ACQUIRE_TIMEOUT,
        }
    }
}

/// Returns the name and type (`query`, `mutation` or `subscription`) of the operation a
/// request selects. The name is `operationName`, or else the name of the document's only
/// operation. The type is `unknown` when the document does not parse or selects no operation.
/// The parsed document stays in the request, so execution does not parse it again.
pub fn operation_of(request: &mut async_graphql::Request) -> (Option<String>, &'static str) {
    use async_graphql::parser::types::{DocumentOperations, OperationType};

    let requested_name = request.operation_name.clone();
    let Ok(document) = request.parsed_query() else {
        return (requested_name, "unknown");
    };
    let (name, operation) = match (&document.operations, requested_name.as_deref()) {
        (DocumentOperations::Single(operation), name) => (name.map(str::to_owned), Some(operation)),
        (DocumentOperations::Multiple(operations), Some(name)) => (Some(name.to_owned()), operations.get(name)),
        (DocumentOperations::Multiple(operations), None) if operations.len() == 1 => {
            let first = operations.iter().next();
            (first.map(|(name, _)| name.to_string()), first.map(|(_, operation)| operation))
        }
        (DocumentOperations::Multiple(_), None) => (None, None),
    };
    let operation_type = match operation.map(|operation| operation.node.ty) {
        Some(OperationType::Query) => "query",
        Some(OperationType::Mutation) => "mutation",
        Some(OperationType::Subscription) => "subscription",
        None => "unknown",
    };
    (name, operation_type)
}

/// Records the operation name (when it is a valid GraphQL name) and type on the current
/// request's log span.
pub fn record_operation(name: Option<&str>, operation_type: &str) {
    let span = tracing::Span::current();
    if let Some(name) = name.filter(|name| crate::metrics::is_operation_name(name)) {
        span.record("operation", name);
    }
    span.record("operation_type", operation_type);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn acquire_timeout_depends_on_database() {
        let request_timeout = Duration::from_secs(30);
        let unset = OpsConfig::default();
        assert_eq!(unset.acquire_timeout_for("sqlite://data/x.db", request_timeout), request_timeout);
        assert_eq!(unset.acquire_timeout_for("postgres://db/x", request_timeout), DEFAULT_ACQUIRE_TIMEOUT);
        let set = OpsConfig { database_acquire_timeout: Some(Duration::from_secs(7)), ..OpsConfig::default() };
        assert_eq!(set.acquire_timeout_for("sqlite://data/x.db", request_timeout), Duration::from_secs(7));
        assert_eq!(set.acquire_timeout_for("postgres://db/x", request_timeout), Duration::from_secs(7));
    }
}
