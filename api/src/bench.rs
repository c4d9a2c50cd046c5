//! `api bench`: a load test of the main read operations against a running server.
//!
//! The benchmark reads its inputs from the server's database: a course with a deep list
//! of enrolments and a valid certificate code. It issues a one-day API token with the
//! ADMIN and ENROLMENTS scopes to a benchmark member. Then it runs each operation on its
//! own, a warm-up followed by a measured period with a fixed number of requests in flight. It reads
//! each request's SQL statement count from the `X-SQL-Statements` header, which the
//! server sends when started with `SQL_STATEMENT_HEADER=true`, and revokes the token at
//! the end.

use std::fmt::Write as _;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Context as _;
use entities::members;
use sea_orm::{ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, Statement};
use serde_json::{Value, json};

use crate::auth::TokenScope;

/// Display name of the member the benchmark's API tokens belong to.
const BENCH_MEMBER: &str = "Benchmark client (api bench)";
/// Rows per page of enrolments, and the row whose cursor the deep page starts after.
const PAGE_SIZE: u64 = 50;
const DEEP_ROW: u64 = 10_000;
/// Maximum wait for the server to start responding.
const SERVER_START_TIMEOUT: Duration = Duration::from_secs(30);
/// Characters of an error body printed in the report.
const ERROR_EXCERPT: usize = 600;

/// Settings of one benchmark run.
#[derive(Clone, Debug)]
pub struct BenchOptions {
    /// GraphQL endpoint of the server under test.
    pub url: String,
    /// Requests in flight at once.
    pub concurrency: usize,
    /// Length of each operation's measured period.
    pub duration: Duration,
    /// Length of each operation's warm-up, whose requests are not measured.
    pub warm_up: Duration,
    /// Process id of the server, for its peak resident memory.
    pub server_pid: Option<u32>,
}

/// The measurements of one operation.
#[derive(Debug)]
pub struct OperationResult {
    /// Name of the operation in the report.
    pub name: &'static str,
    /// Requests completed in the measured period, failed ones included.
    pub requests: u64,
    /// Requests per second over the measured period.
    pub requests_per_second: f64,
    /// Median latency.
    pub p50: Duration,
    /// 99th-percentile latency (nearest rank).
    pub p99: Duration,
    /// Minimum, mean and maximum SQL statements per request, when the server sent the header.
    pub statements: Option<(u64, f64, u64)>,
    /// Requests that failed: an HTTP status other than 200, or a body with `errors`.
    pub errors: u64,
    /// The start of the first failed request's body.
    pub first_error: Option<String>,
}

/// The results of a benchmark run.
#[derive(Debug)]
pub struct BenchReport {
    /// The settings the run used.
    pub options: BenchOptions,
    /// Catalogue code of the course whose enrolments are paged, and its enrolment count.
    pub course: (String, u64),
    /// Each operation's measurements, in the order they ran.
    pub operations: Vec<OperationResult>,
    /// The server's peak resident set size in KiB (`VmHWM`), read after the last operation.
    pub server_peak_kib: Option<u64>,
}

impl BenchReport {
    /// Formats the results as a Markdown table, followed by any error bodies.
    pub fn markdown(&self) -> String {
        let mut text = String::new();
        let _ = writeln!(
            text,
            "{} requests in flight, {} s warm-up and {} s measured per operation; paged course {} ({} enrolments).\n",
            self.options.concurrency,
            self.options.warm_up.as_secs(),
            self.options.duration.as_secs(),
            self.course.0,
            self.course.1
        );
        text.push_str("| operation | requests/s | p50 (ms) | p99 (ms) | SQL statements per request | errors |\n");
        text.push_str("|---|---:|---:|---:|---:|---:|\n");
        for result in &self.operations {
            let statements = match result.statements {
                Some((minimum, _, maximum)) if minimum == maximum => minimum.to_string(),
                Some((minimum, mean, maximum)) => format!("{mean:.1} ({minimum}–{maximum})"),
                None => "not reported".to_owned(),
            };
            let _ = writeln!(
                text,
                "| {} | {:.1} | {:.1} | {:.1} | {statements} | {} |",
                result.name,
                result.requests_per_second,
                milliseconds(result.p50),
                milliseconds(result.p99),
                result.errors
            );
        }
        if let Some(kib) = self.server_peak_kib {
            let _ = writeln!(text, "\nServer peak resident memory (VmHWM): {:.1} MiB", kib as f64 / 1024.0);
        }
        for result in &self.operations {
            if let Some(body) = &result.first_error {
                let _ = writeln!(text, "\nFirst error of {}: {body}", result.name);
            }
        }
        text
    }
}

fn milliseconds(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1000.0
}

/// One operation: its name, whether it needs the benchmark token, and the request bodies
/// its requests cycle through.
struct Operation {
    name: &'static str,
    authenticated: bool,
    bodies: Vec<Value>,
}

/// The catalogue page: 50 courses with their next offerings, venues and countries.
const CATALOGUE: &str = "{ courses(first: 50) { nodes { code title { text } modality
    upcomingOfferings(first: 5) { nodes { slug starts { text } ends { text } capacity
    venue { name { text } country { code name { text } } } country { code } } } } } }";

/// An enrolment looked up by global id, with its officer and offering.
const NODE: &str = "query ($id: ID!) { node(id: $id) { id ... on Enrolment { status appliedAt completedOn score
    officer { displayName rank } offering { slug } course { code } } } }";

/// A page of one course's enrolments, each with its officer, offering and certificate.
const ENROLMENTS: &str = "query ($code: String!, $after: String) { course(code: $code) {
    enrolments(first: 50, after: $after) { pageInfo { endCursor hasNextPage }
    nodes { id status appliedAt completedOn score officer { displayName country { code } }
    offering { slug } certificate { code } } } } }";

/// Every target with its progress and all breakdowns.
const TARGETS: &str = "{ targets { nodes { slug progress { officers percentage
    byCountry { country { code } officers suppressed } byYear { year officers }
    byCourse { course { code } officers } byModality { modality officers } } } } }";

/// A certificate check, as a member of the public makes it.
const VERIFY: &str = "query ($code: String!) { verifyCertificate(code: $code) { code status holderName issuedOn
    course { code title { text } } } }";

/// Runs the benchmark against the server at `options.url`, whose database is `db`.
pub async fn run(db: &DatabaseConnection, options: BenchOptions) -> anyhow::Result<BenchReport> {
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(options.concurrency)
        .timeout(Duration::from_secs(120))
        .build()
        .context("could not build the HTTP client")?;
    wait_for_server(&client, &options.url).await?;
    let course = busiest_course(db).await?;
    let certificate = valid_certificate(db).await?;
    let member = bench_member(db).await?;
    let token = crate::admin::create_token(db, member, "api bench", &[TokenScope::Admin, TokenScope::Enrolments], 1)
        .await
        .context("could not issue the benchmark's API token")?;
    tracing::info!(member_id = member, course = %course.0, enrolments = course.1, "issued a one-day API token for the benchmark");

    let measured = measure_all(&client, &options, &token, &course.0, &certificate).await;
    let revoked = revoke(&client, &options.url, &token).await;
    let operations = measured?;
    revoked.context("could not revoke the benchmark's API token; revoke it with revokeApiToken")?;
    let server_peak_kib = options.server_pid.map(peak_resident_kib).transpose()?;
    Ok(BenchReport { options, course, operations, server_peak_kib })
}

/// Prepares the inputs that come from the server, then measures every operation.
async fn measure_all(
    client: &reqwest::Client,
    options: &BenchOptions,
    token: &str,
    course: &str,
    certificate: &str,
) -> anyhow::Result<Vec<OperationResult>> {
    let (deep_cursor, enrolment_ids) = page_to_deep_row(client, &options.url, token, course).await?;
    let operations = [
        Operation {
            name: "catalogue page (50 courses)",
            authenticated: false,
            bodies: vec![json!({ "query": CATALOGUE })],
        },
        Operation {
            name: "node(id:) lookup of an enrolment",
            authenticated: true,
            bodies: enrolment_ids.iter().map(|id| json!({ "query": NODE, "variables": { "id": id } })).collect(),
        },
        Operation {
            name: "course enrolments, first page of 50",
            authenticated: true,
            bodies: vec![json!({ "query": ENROLMENTS, "variables": { "code": course, "after": null } })],
        },
        Operation {
            name: "course enrolments, page of 50 after row 10,000",
            authenticated: true,
            bodies: vec![json!({ "query": ENROLMENTS, "variables": { "code": course, "after": deep_cursor } })],
        },
        Operation {
            name: "target progress with breakdowns",
            authenticated: false,
            bodies: vec![json!({ "query": TARGETS })],
        },
        Operation {
            name: "certificate verification",
            authenticated: false,
            bodies: vec![json!({ "query": VERIFY, "variables": { "code": certificate } })],
        },
    ];
    let mut results = Vec::with_capacity(operations.len());
    for operation in operations {
        tracing::info!(operation = operation.name, "measuring");
        let token = operation.authenticated.then_some(token);
        let result = measure(client, options, token, operation).await;
        if result.statements.is_none() {
            tracing::warn!(
                "the server sent no X-SQL-Statements header; start it with SQL_STATEMENT_HEADER=true to count statements"
            );
        }
        results.push(result);
    }
    Ok(results)
}

/// Pages through the course's enrolments to the cursor of row [`DEEP_ROW`], and returns
/// it with the id of the first enrolment of each page, for the lookups by id.
async fn page_to_deep_row(
    client: &reqwest::Client,
    url: &str,
    token: &str,
    course: &str,
) -> anyhow::Result<(String, Vec<String>)> {
    let mut after: Option<String> = None;
    let mut ids = Vec::new();
    for page in 0..DEEP_ROW / PAGE_SIZE {
        let body = json!({ "query": ENROLMENTS, "variables": { "code": course, "after": after } });
        let data = graphql(client, url, Some(token), &body).await?;
        let enrolments = &data["course"]["enrolments"];
        if let Some(id) = enrolments["nodes"][0]["id"].as_str() {
            ids.push(id.to_owned());
        }
        let Some(cursor) = enrolments["pageInfo"]["endCursor"].as_str() else {
            anyhow::bail!(
                "the enrolments of course {course} ended on page {} of 50, before row {DEEP_ROW}; run the benchmark on the full generated data set",
                page + 1
            );
        };
        after = Some(cursor.to_owned());
    }
    let cursor = after.context("no page of enrolments was read")?;
    Ok((cursor, ids))
}

/// A request's outcome, as one worker saw it.
struct Sample {
    latency: Duration,
    statements: Option<u64>,
    error: Option<String>,
}

/// Runs `operation` with `options.concurrency` requests in flight: first for the warm-up,
/// then for the measured period.
async fn measure(
    client: &reqwest::Client,
    options: &BenchOptions,
    token: Option<&str>,
    operation: Operation,
) -> OperationResult {
    let bodies = Arc::new(operation.bodies);
    let authorization = token.map(|token| format!("Bearer {token}"));
    run_workers(client, options, authorization.as_deref(), &bodies, options.warm_up).await;
    let started = Instant::now();
    let samples = run_workers(client, options, authorization.as_deref(), &bodies, options.duration).await;
    let elapsed = started.elapsed();

    let mut latencies: Vec<Duration> = samples.iter().map(|sample| sample.latency).collect();
    latencies.sort_unstable();
    let counts: Vec<u64> = samples.iter().filter_map(|sample| sample.statements).collect();
    let statements = (counts.len() == samples.len() && !counts.is_empty()).then(|| {
        let minimum = counts.iter().copied().min().unwrap_or_default();
        let maximum = counts.iter().copied().max().unwrap_or_default();
        (minimum, counts.iter().sum::<u64>() as f64 / counts.len() as f64, maximum)
    });
    let errors = samples.iter().filter(|sample| sample.error.is_some()).count() as u64;
    OperationResult {
        name: operation.name,
        requests: samples.len() as u64,
        requests_per_second: samples.len() as f64 / elapsed.as_secs_f64(),
        p50: percentile(&latencies, 50),
        p99: percentile(&latencies, 99),
        statements,
        errors,
        first_error: samples.into_iter().find_map(|sample| sample.error),
    }
}

/// Returns the nearest-rank `percent` percentile of sorted `values`.
fn percentile(values: &[Duration], percent: usize) -> Duration {
    if values.is_empty() {
        return Duration::ZERO;
    }
    let rank = (values.len() * percent).div_ceil(100).max(1);
    values[rank - 1]
}

/// Sends requests from `options.concurrency` workers until `period` has passed, and
/// returns every completed request's sample.
async fn run_workers(
    client: &reqwest::Client,
    options: &BenchOptions,
    authorization: Option<&str>,
    bodies: &Arc<Vec<Value>>,
    period: Duration,
) -> Vec<Sample> {
    let deadline = Instant::now() + period;
    let concurrency = options.concurrency;
    let mut workers = tokio::task::JoinSet::new();
    for worker in 0..concurrency {
        let client = client.clone();
        let url = options.url.clone();
        let authorization = authorization.map(str::to_owned);
        let bodies = Arc::clone(bodies);
        workers.spawn(async move {
            // Workers start at different bodies, so that they rarely send the same one at once.
            let mut next = worker * bodies.len() / concurrency;
            let mut samples = Vec::new();
            while Instant::now() < deadline {
                let body = &bodies[next % bodies.len()];
                next += 1;
                samples.push(send(&client, &url, authorization.as_deref(), body).await);
            }
            samples
        });
    }
    let mut samples = Vec::new();
    while let Some(finished) = workers.join_next().await {
        match finished {
            Ok(worker_samples) => samples.extend(worker_samples),
            Err(err) => tracing::error!(error = %err, "a benchmark worker failed"),
        }
    }
    samples
}

/// Sends one request and records its latency, statement count and any failure.
async fn send(client: &reqwest::Client, url: &str, authorization: Option<&str>, body: &Value) -> Sample {
    let started = Instant::now();
    let mut request = client.post(url).json(body);
    if let Some(authorization) = authorization {
        request = request.header(reqwest::header::AUTHORIZATION, authorization);
    }
    let response = match request.send().await {
        Ok(response) => response,
        Err(err) => {
            return Sample {
                latency: started.elapsed(),
                statements: None,
                error: Some(format!("request failed: {err}")),
            };
        }
    };
    let status = response.status();
    let statements = response
        .headers()
        .get("x-sql-statements")
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.parse().ok());
    let text = response.text().await;
    let latency = started.elapsed();
    let error = match text {
        Err(err) => Some(format!("reading the response failed: {err}")),
        Ok(text) => {
            let has_errors = serde_json::from_str::<Value>(&text).map_or(true, |body| body.get("errors").is_some());
            (!status.is_success() || has_errors)
                .then(|| format!("HTTP {status}: {}", text.chars().take(ERROR_EXCERPT).collect::<String>()))
        }
    };
    Sample { latency, statements, error }
}

/// Waits up to [`SERVER_START_TIMEOUT`] for the server to respond to a trivial query, so
/// that the benchmark can be started right after the server.
async fn wait_for_server(client: &reqwest::Client, url: &str) -> anyhow::Result<()> {
    let started = Instant::now();
    let body = json!({ "query": "{ __typename }" });
    loop {
        match graphql(client, url, None, &body).await {
            Ok(_) => return Ok(()),
            Err(err) if started.elapsed() >= SERVER_START_TIMEOUT => {
                return Err(
                    err.context(format!("the server did not respond within {} s", SERVER_START_TIMEOUT.as_secs()))
                );
            }
            Err(_) => tokio::time::sleep(Duration::from_millis(250)).await,
        }
    }
}

/// Sends one request that must succeed and returns its `data`.
async fn graphql(client: &reqwest::Client, url: &str, token: Option<&str>, body: &Value) -> anyhow::Result<Value> {
    let mut request = client.post(url).json(body);
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    let response =
        request.send().await.with_context(|| format!("could not reach the server at {url}; start it first"))?;
    let status = response.status();
    let body: Value =
        response.json().await.with_context(|| format!("the server at {url} sent a body that is not JSON"))?;
    if !status.is_success() || body.get("errors").is_some() {
        anyhow::bail!("the server at {url} returned HTTP {status} with {body}");
    }
    Ok(body["data"].clone())
}

/// Returns the code and enrolment count of the course with the most enrolments. Fails
/// when it has too few for the deep page.
async fn busiest_course(db: &DatabaseConnection) -> anyhow::Result<(String, u64)> {
    let sql = "SELECT c.code, COUNT(*) AS enrolments FROM enrolments e JOIN courses c ON c.id = e.course_id \
               GROUP BY c.code ORDER BY COUNT(*) DESC, c.code LIMIT 1";
    let row = db
        .query_one_raw(Statement::from_string(db.get_database_backend(), sql))
        .await?
        .context("the database has no enrolments; fill it with `api generate` first")?;
    let code: String = row.try_get("", "code")?;
    let count = u64::try_from(row.try_get::<i64>("", "enrolments")?).unwrap_or_default();
    if count < DEEP_ROW + PAGE_SIZE {
        anyhow::bail!(
            "the course with the most enrolments, {code}, has {count}, fewer than the {} the deep page needs; run `api generate --scale full` on a fresh database",
            DEEP_ROW + PAGE_SIZE
        );
    }
    Ok((code, count))
}

/// Returns the code of a valid certificate.
async fn valid_certificate(db: &DatabaseConnection) -> anyhow::Result<String> {
    let sql = "SELECT code FROM certificates WHERE status = 'valid' ORDER BY id LIMIT 1";
    let row = db
        .query_one_raw(Statement::from_string(db.get_database_backend(), sql))
        .await?
        .context("the database has no valid certificate; fill it with `api generate` first")?;
    Ok(row.try_get("", "code")?)
}

/// Returns the id of the benchmark's admin member, creating it on the first run.
async fn bench_member(db: &DatabaseConnection) -> anyhow::Result<i32> {
    let existing = members::Entity::find()
        .filter(members::Column::DisplayName.eq(BENCH_MEMBER))
        .filter(members::Column::IsAdmin.eq(true))
        .filter(members::Column::Active.eq(true))
        .one(db)
        .await?;
    if let Some(member) = existing {
        return Ok(member.id);
    }
    let new = crate::admin::NewMember {
        name: BENCH_MEMBER.to_owned(),
        subject: None,
        email: None,
        is_admin: true,
        editor_of: Vec::new(),
        coordinator_of: Vec::new(),
        application: true,
    };
    crate::admin::create_member(db, new).await.context("could not create the benchmark member")
}

/// Revokes the benchmark's token through the server, as an admin would.
async fn revoke(client: &reqwest::Client, url: &str, token: &str) -> anyhow::Result<()> {
    let tokens =
        graphql(client, url, Some(token), &json!({ "query": "{ viewer { apiTokens { id prefix revokedAt } } }" }))
            .await?;
    let listed = tokens["viewer"]["apiTokens"].as_array().cloned().unwrap_or_default();
    let Some(id) = listed
        .iter()
        .filter(|listed| listed["revokedAt"].is_null())
        .find(|listed| listed["prefix"].as_str().is_some_and(|prefix| token.starts_with(prefix)))
        .and_then(|listed| listed["id"].as_str())
    else {
        anyhow::bail!("the benchmark's token is not among its member's tokens");
    };
    let mutation = "mutation ($id: ID!) { revokeApiToken(input: { id: $id }) { userErrors { field code message } } }";
    let data = graphql(client, url, Some(token), &json!({ "query": mutation, "variables": { "id": id } })).await?;
    let errors = &data["revokeApiToken"]["userErrors"];
    if errors.as_array().is_some_and(|errors| !errors.is_empty()) {
        anyhow::bail!("revokeApiToken returned {errors}");
    }
    tracing::info!("revoked the benchmark's API token");
    Ok(())
}

/// Reads a process's peak resident set size (`VmHWM`, in KiB) from `/proc`.
fn peak_resident_kib(pid: u32) -> anyhow::Result<u64> {
    let path = format!("/proc/{pid}/status");
    let status = std::fs::read_to_string(&path)
        .with_context(|| format!("could not read {path}; is {pid} the id of the running server?"))?;
    let line =
        status.lines().find(|line| line.starts_with("VmHWM:")).with_context(|| format!("{path} has no VmHWM line"))?;
    line.split_whitespace()
        .nth(1)
        .and_then(|kib| kib.parse().ok())
        .with_context(|| format!("could not read the VmHWM value in {line:?}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentile_uses_nearest_rank() {
        let values: Vec<Duration> = (1..=200).map(Duration::from_millis).collect();
        assert_eq!(percentile(&values, 50), Duration::from_millis(100));
        assert_eq!(percentile(&values, 99), Duration::from_millis(198));
        assert_eq!(percentile(&values[..1], 99), Duration::from_millis(1));
        assert_eq!(percentile(&[], 50), Duration::ZERO);
    }
}
