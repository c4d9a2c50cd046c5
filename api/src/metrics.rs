//! Prometheus metrics, served at `GET /metrics` in the OpenMetrics text format.
//!
//! Each application has its own [`Metrics`] registry in its state, so servers that share a
//! process (as in the tests) count separately.

use std::collections::HashSet;
use std::fmt;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse as _, Response};
use prometheus_client::collector::Collector;
use prometheus_client::encoding::{DescriptorEncoder, EncodeMetric as _};
use prometheus_client::metrics::counter::{ConstCounter, Counter};
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::ConstGauge;
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use prometheus_client::registry::Registry;
use sea_orm::{DatabaseConnection, DbBackend};
use sha2::{Digest as _, Sha256};

use crate::db::StatementCounter;
use crate::ops::MetricsToken;

/// Maximum number of distinct operation names with their own label value. Later new names
/// are counted under `other`, so that clients cannot grow the metrics without bound.
pub const MAX_OPERATION_NAMES: usize = 200;

/// The prefix of every metric name.
const PREFIX: &str = "oas_api";

/// The reasons of `oas_api_rate_limited_total`: the query-cost budget, and the failed
/// authentication charge.
const RATE_LIMIT_REASONS: [&str; 2] = ["query_cost", "failed_authentication"];

type Labels = Vec<(&'static str, String)>;

/// The application's metrics.
#[derive(Clone)]
pub struct Metrics(Arc<Inner>);

struct Inner {
    registry: Registry,
    requests: Family<Labels, Counter>,
    latency: Family<Labels, Histogram>,
    rate_limited: Family<Labels, Counter>,
    responses: Family<Labels, Counter>,
    operation_names: Mutex<HashSet<String>>,
    token: Option<MetricsToken>,
}

impl fmt::Debug for Metrics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Metrics").finish_non_exhaustive()
    }
}

impl Metrics {
    /// Builds the registry. The database collector reads the statement counter and the
    /// pool's connections at each scrape; `token`, when set, is required to read them.
    pub fn new(db: DatabaseConnection, statements: StatementCounter, token: Option<MetricsToken>) -> Metrics {
        let mut registry = Registry::with_prefix(PREFIX);
        let requests = Family::<Labels, Counter>::default();
        registry.register(
            "graphql_requests",
            "GraphQL requests by operation name, operation type and outcome (ok or the first error code)",
            requests.clone(),
        );
        let latency =
            Family::<Labels, Histogram>::new_with_constructor(|| Histogram::new(exponential_buckets(0.005, 2.0, 13)));
        registry.register(
            "graphql_request_duration_seconds",
            "Time to execute a GraphQL request, by operation type",
            latency.clone(),
        );
        let rate_limited = Family::<Labels, Counter>::default();
        // Created at zero, so that dashboards and alerts find every reason before its first rejection.
        for reason in RATE_LIMIT_REASONS {
            let _ = rate_limited.get_or_create(&vec![("reason", reason.to_owned())]);
        }
        registry.register("rate_limited", "Requests rejected by a rate limit, by reason", rate_limited.clone());
        let responses = Family::<Labels, Counter>::default();
        registry.register("http_responses", "HTTP responses by status class (2xx to 5xx)", responses.clone());
        registry.register_collector(Box::new(DatabaseCollector { db, statements }));
        Metrics(Arc::new(Inner {
            registry,
            requests,
            latency,
            rate_limited,
            responses,
            operation_names: Mutex::new(HashSet::new()),
            token,
        }))
    }

    /// Counts one executed GraphQL request and its duration.
    pub fn graphql_request(&self, operation: Option<&str>, operation_type: &str, outcome: &str, elapsed: Duration) {
        let operation = self.operation_label(operation);
        let labels = vec![
            ("operation", operation),
            ("operation_type", operation_type.to_owned()),
            ("outcome", outcome.to_owned()),
        ];
        self.0.requests.get_or_create(&labels).inc();
        self.0
            .latency
            .get_or_create(&vec![("operation_type", operation_type.to_owned())])
            .observe(elapsed.as_secs_f64());
    }

    /// Counts one request rejected by a rate limit; `reason` names the limit, such as
    /// `query_cost`, and is one of [`RATE_LIMIT_REASONS`].
    pub fn rate_limited(&self, reason: &str) {
        self.0.rate_limited.get_or_create(&vec![("reason", reason.to_owned())]).inc();
    }

    /// Counts one HTTP response by its status class.
    pub fn http_response(&self, status: StatusCode) {
        let class = format!("{}xx", status.as_u16() / 100);
        self.0.responses.get_or_create(&vec![("class", class)]).inc();
    }

    /// Returns the label of an operation name: the name itself when it is a GraphQL name of
    /// at most 64 characters and one of the first [`MAX_OPERATION_NAMES`] names seen, else
    /// `other`.
    fn operation_label(&self, operation: Option<&str>) -> String {
        let Some(name) = operation.filter(|name| is_operation_name(name)) else { return "other".to_owned() };
        let Ok(mut names) = self.0.operation_names.lock() else { return "other".to_owned() };
        if names.contains(name) || names.len() < MAX_OPERATION_NAMES && names.insert(name.to_owned()) {
            name.to_owned()
        } else {
            "other".to_owned()
        }
    }

    /// Encodes every metric in the OpenMetrics text format.
    pub fn encode(&self) -> Result<String, fmt::Error> {
        let mut text = String::new();
        prometheus_client::encoding::text::encode(&mut text, &self.0.registry)?;
        Ok(text)
    }
}

/// Checks that `name` matches `[A-Za-z_][A-Za-z0-9_]{0,63}`.
pub fn is_operation_name(name: &str) -> bool {
    let mut bytes = name.bytes();
    bytes.next().is_some_and(|first| first.is_ascii_alphabetic() || first == b'_')
        && name.len() <= 64
        && bytes.all(|byte| byte.is_ascii_alphanumeric() || byte == b'_')
}

/// Serves `GET /metrics`. With `METRICS_TOKEN` set, a request without that bearer token
/// gets HTTP 401.
pub async fn serve_metrics(State(metrics): State<Metrics>, headers: HeaderMap) -> Response {
    if let Some(MetricsToken(expected)) = &metrics.0.token {
        let presented = headers
            .get(header::AUTHORIZATION)
            .and_then(|value| value.to_str().ok())
            .and_then(|value| value.split_once(' '))
            .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
            .map(|(_, token)| token)
            .unwrap_or_default();
        // Comparing hashes keeps the time of the comparison independent of the token.
        if Sha256::digest(presented.trim()) != Sha256::digest(expected) {
            let mut response =
                (StatusCode::UNAUTHORIZED, "GET /metrics requires Authorization: Bearer <METRICS_TOKEN>\n")
                    .into_response();
            response.headers_mut().insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
            return response;
        }
    }
    match metrics.encode() {
        Ok(text) => {
            let content_type = "application/openmetrics-text; version=1.0.0; charset=utf-8";
            ([(header::CONTENT_TYPE, HeaderValue::from_static(content_type))], text).into_response()
        }
        Err(error) => {
            tracing::error!(error = %error, "could not encode the metrics");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}

/// Reads the database figures at each scrape.
struct DatabaseCollector {
    db: DatabaseConnection,
    statements: StatementCounter,
}

impl fmt::Debug for DatabaseCollector {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DatabaseCollector").finish_non_exhaustive()
    }
}

impl Collector for DatabaseCollector {
    fn encode(&self, mut encoder: DescriptorEncoder) -> Result<(), fmt::Error> {
        let statements = ConstCounter::new(self.statements.get());
        let metric = encoder.encode_descriptor(
            "db_statements",
            "SQL statements sent to the database since start-up",
            None,
            statements.metric_type(),
        )?;
        statements.encode(metric)?;

        let Some((size, idle, max)) = pool_figures(&self.db) else { return Ok(()) };
        let in_use = size.saturating_sub(idle);
        let mut family = encoder.encode_descriptor(
            "db_pool_connections",
            "Database pool connections: in_use, idle, and max (the pool's limit)",
            None,
            prometheus_client::metrics::MetricType::Gauge,
        )?;
        for (state, value) in [("in_use", in_use), ("idle", idle), ("max", max)] {
            let gauge = ConstGauge::new(i64::from(value));
            gauge.encode(family.encode_family(&[("state", state)])?)?;
        }
        Ok(())
    }
}

/// Returns the pool's open connections, idle connections and limit.
fn pool_figures(db: &DatabaseConnection) -> Option<(u32, u32, u32)> {
    match db.get_database_backend() {
        DbBackend::Postgres => {
            let pool = db.get_postgres_connection_pool();
            Some((
                pool.size(),
                u32::try_from(pool.num_idle()).unwrap_or(u32::MAX),
                pool.options().get_max_connections(),
            ))
        }
        DbBackend::Sqlite => {
            let pool = db.get_sqlite_connection_pool();
            Some((
                pool.size(),
                u32::try_from(pool.num_idle()).unwrap_or(u32::MAX),
                pool.options().get_max_connections(),
            ))
        }
        _ => None,
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, reason = "a failed unwrap is a failed test")]
mod tests {
    use super::*;

    #[test]
    fn operation_names_follow_graphql_form() {
        assert!(is_operation_name("Countries"));
        assert!(is_operation_name("_private2"));
        assert!(is_operation_name(&"a".repeat(64)));
        assert!(!is_operation_name(&"a".repeat(65)));
        assert!(!is_operation_name("2fast"));
        assert!(!is_operation_name("with space"));
        assert!(!is_operation_name(""));
    }

    #[tokio::test]
    async fn counters_appear_in_the_text_format() {
        let (db, statements) = crate::db::connect("sqlite::memory:").await.expect("connect to an in-memory SQLite");
        let metrics = Metrics::new(db, statements, None);
        metrics.rate_limited("query_cost");
        metrics.rate_limited("query_cost");
        metrics.http_response(StatusCode::SERVICE_UNAVAILABLE);
        for number in 0..MAX_OPERATION_NAMES + 5 {
            let name = format!("Operation{number}");
            metrics.graphql_request(Some(&name), "query", "ok", Duration::from_millis(3));
        }
        let text = metrics.encode().expect("encode the metrics");
        assert!(text.contains("oas_api_rate_limited_total{reason=\"query_cost\"} 2"), "{text}");
        assert!(text.contains("oas_api_rate_limited_total{reason=\"failed_authentication\"} 0"), "{text}");
        assert!(text.contains("oas_api_http_responses_total{class=\"5xx\"} 1"), "{text}");
        assert!(text.contains("operation=\"Operation0\",operation_type=\"query\",outcome=\"ok\"} 1"), "{text}");
        assert!(text.contains("operation=\"other\",operation_type=\"query\",outcome=\"ok\"} 5"), "{text}");
        let last_named = format!("operation=\"Operation{}\"", MAX_OPERATION_NAMES - 1);
        assert!(text.contains(&last_named), "the first {MAX_OPERATION_NAMES} names get their own label");
        assert!(!text.contains(&format!("operation=\"Operation{MAX_OPERATION_NAMES}\"")), "later names go to other");
        assert!(text.ends_with("# EOF\n"), "{text}");
    }
}
