//! Per-client rate limits priced by query cost: the header fields, HTTP 429 when a budget
//! is spent, separate budgets per token, throttled failed authentication, the window
//! reset, and one budget shared by servers on one PostgreSQL database.

use std::time::Duration;

use api::auth::TokenScope;
use api::rate_limit::RateLimitConfig;
use integration_tests::{Backend, TestApp};
use serde_json::{Value, json};

/// Costs 1 point: one field.
const CHEAP: &str = "{ __typename }";
/// Costs 100 points: a connection's page size of 50 times its two fields, `nodes` and `code`.
const EXPENSIVE: &str = "{ countries(first: 50) { nodes { code } } }";

/// A response's status, rate-limit header fields and body.
struct Priced {
    status: u16,
    /// `q` and `w` of `RateLimit-Policy`.
    policy: Option<(u64, u64)>,
    /// `r` and `t` of `RateLimit`.
    remaining: Option<(u64, u64)>,
    retry_after: Option<u64>,
    request_id: Option<String>,
    statements: Option<u64>,
    body: Value,
}

impl Priced {
    fn remaining_points(&self) -> u64 {
        self.remaining.unwrap_or_else(|| panic!("no RateLimit header, status {}: {:#}", self.status, self.body)).0
    }
}

/// Reads the integer parameter `name` of a one-item structured field such as
/// `"cost";r=99940;t=42`.
fn parameter(field: &str, name: &str) -> Option<u64> {
    field.split(';').skip(1).find_map(|pair| pair.strip_prefix(name)?.strip_prefix('=')?.parse().ok())
}

/// Posts a query, with a bearer credential when given, and returns what the rate limiter shows.
async fn send(app: &TestApp, credential: Option<&str>, query: &str) -> Priced {
    let mut request = app.client().post(app.url()).json(&json!({ "query": query }));
    if let Some(credential) = credential {
        request = request.header("Authorization", format!("Bearer {credential}"));
    }
    let response = request.send().await.expect("send the GraphQL request");
    let header = |name: &str| response.headers().get(name).and_then(|value| value.to_str().ok()).map(str::to_owned);
    let policy = header("ratelimit-policy");
    let state = header("ratelimit");
    if let Some(policy) = &policy {
        assert!(policy.starts_with("\"cost\";"), "RateLimit-Policy names the policy \"cost\": {policy}");
    }
    if let Some(state) = &state {
        assert!(state.starts_with("\"cost\";"), "RateLimit names the policy \"cost\": {state}");
    }
    let priced = Priced {
        status: response.status().as_u16(),
        policy: policy.map(|field| (parameter(&field, "q").unwrap(), parameter(&field, "w").unwrap())),
        remaining: state.map(|field| (parameter(&field, "r").unwrap(), parameter(&field, "t").unwrap())),
        retry_after: header("retry-after").map(|value| value.parse().expect("Retry-After is whole seconds")),
        request_id: header("x-request-id"),
        statements: header("x-sql-statements").map(|value| value.parse().expect("X-SQL-Statements is a count")),
        body: Value::Null,
    };
    Priced { body: response.json().await.expect("parse the GraphQL response as JSON"), ..priced }
}

/// Starts a server with these rate-limit settings; `None` when PostgreSQL is unavailable.
async fn spawn_limited(backend: Backend, settings: RateLimitConfig) -> Option<TestApp> {
    TestApp::spawn_adjusted(backend, |config| config.rate_limit = settings).await
}

fn settings(points: u64, window_seconds: u64) -> RateLimitConfig {
    RateLimitConfig {
        points,
        authenticated_points: 5_000,
        window: Duration::from_secs(window_seconds),
        failed_authentication_cost: 40,
    }
}

/// Issues an API token for a new member.
async fn token(app: &TestApp, name: &str) -> String {
    let member = app.create_member(name, None, false, &[]).await;
    app.create_token(member, &[TokenScope::Read]).await
}

/// Checks that `priced` is a coded 429 response with the seconds to wait.
fn assert_rate_limited(priced: &Priced, window_seconds: u64) {
    assert_eq!(priced.status, 429, "{:#}", priced.body);
    let error = &priced.body["errors"][0];
    assert_eq!(error["extensions"]["code"], "RATE_LIMITED", "{error:#}");
    let retry = error["extensions"]["retryAfterSeconds"].as_u64().expect("retryAfterSeconds is a number");
    assert!((1..=window_seconds).contains(&retry), "retryAfterSeconds {retry} lies within the window");
    assert_eq!(priced.retry_after, Some(retry), "Retry-After matches retryAfterSeconds");
    assert_eq!(priced.remaining.map(|(_, reset)| reset), Some(retry), "RateLimit's t matches Retry-After");
    let request_id = priced.request_id.as_deref().expect("the response has X-Request-Id");
    assert_eq!(error["extensions"]["requestId"], request_id);
    assert!(priced.body.get("data").is_none(), "no resolver ran, so there is no data entry: {:#}", priced.body);
}

async fn remaining_falls_by_cost(app: &TestApp) {
    let first = send(app, None, CHEAP).await;
    assert_eq!(first.status, 200, "{:#}", first.body);
    assert_eq!(first.policy, Some((1_000, 60)));
    let (remaining, reset) = first.remaining.expect("a priced response has RateLimit");
    assert!(remaining < 1_000, "the first request was charged");
    assert!((1..=60).contains(&reset), "t {reset} lies within the window");

    let second = send(app, None, CHEAP).await;
    let cheap_cost = remaining - second.remaining_points();
    assert_eq!(cheap_cost, 1_000 - remaining, "equal queries cost the same");
    assert_eq!(cheap_cost, 1, "one field costs the minimum of 1");

    let expensive = send(app, None, EXPENSIVE).await;
    assert_eq!(expensive.status, 200, "{:#}", expensive.body);
    let expensive_cost = second.remaining_points() - expensive.remaining_points();
    assert_eq!(expensive_cost, 100, "a page of 50 countries times two fields costs 100");

    // A query that fails validation costs the minimum.
    let invalid = send(app, None, "{ noSuchField }").await;
    assert_eq!(expensive.remaining_points() - invalid.remaining_points(), 1, "{:#}", invalid.body);
    let syntax_error = send(app, None, "{ countries(").await;
    assert_eq!(invalid.remaining_points() - syntax_error.remaining_points(), 1, "{:#}", syntax_error.body);
    // 100 × (1 + 100 × 2) = 20,100 exceeds the complexity limit of 20,000 and the budget.
    let too_complex = "{ countries(first: 100) { nodes { initiatives(first: 100) { nodes { slug } } } } }";
    let too_complex = send(app, None, too_complex).await;
    assert_eq!(too_complex.body["errors"][0]["extensions"]["code"], "QUERY_TOO_COMPLEX", "{:#}", too_complex.body);
    assert_eq!(syntax_error.remaining_points() - too_complex.remaining_points(), 1, "{:#}", too_complex.body);
}

async fn spent_budget_gives_429(app: &TestApp) {
    let mut last = send(app, None, EXPENSIVE).await;
    for _ in 0..20 {
        if last.status != 200 {
            break;
        }
        last = send(app, None, EXPENSIVE).await;
    }
    assert_rate_limited(&last, 60);
    let left = last.remaining_points();
    assert!(left < 110, "the rejected query did not fit the {left} points left");

    // The rejected query was not charged, and a cheaper one still fits.
    let again = send(app, None, EXPENSIVE).await;
    assert_rate_limited(&again, 60);
    assert_eq!(again.remaining_points(), left, "a rejected request costs nothing");
    if left > 0 {
        let cheap = send(app, None, CHEAP).await;
        assert_eq!(cheap.status, 200, "{:#}", cheap.body);
        assert_eq!(cheap.remaining_points(), left - 1);
    }

    // An API token is another client, with the authenticated budget.
    let secret = token(app, "Rate Limited Reader").await;
    let with_token = send(app, Some(&secret), EXPENSIVE).await;
    assert_eq!(with_token.status, 200, "{:#}", with_token.body);
    assert_eq!(with_token.policy, Some((5_000, 60)));
    assert!(with_token.remaining_points() < 5_000);
    let other = token(app, "Other Reader").await;
    let with_other = send(app, Some(&other), CHEAP).await;
    assert_eq!(with_other.remaining_points(), 4_999, "each token has its own budget");
}

async fn failed_authentication_throttled(app: &TestApp) {
    // Each invalid credential costs 40 of the address's 100 points.
    let first = send(app, Some("oasn_invalid"), CHEAP).await;
    assert_eq!(first.status, 401, "{:#}", first.body);
    assert_eq!(first.body["errors"][0]["extensions"]["code"], "UNAUTHENTICATED");
    assert_eq!(first.remaining_points(), 60);
    let second = send(app, Some("oasn_invalid"), CHEAP).await;
    assert_eq!(second.status, 401, "{:#}", second.body);
    assert_eq!(second.remaining_points(), 20);
    let third = send(app, Some("oasn_invalid"), CHEAP).await;
    assert_rate_limited(&third, 60);
    let message = third.body["errors"][0]["message"].as_str().unwrap();
    assert!(message.contains("invalid credentials"), "{message}");

    // A valid token is its own client and is not throttled.
    let secret = token(app, "Valid Reader").await;
    let valid = send(app, Some(&secret), CHEAP).await;
    assert_eq!(valid.status, 200, "{:#}", valid.body);
}

async fn budget_refills_after_window(app: &TestApp) {
    let mut last = send(app, None, EXPENSIVE).await;
    for _ in 0..20 {
        if last.status != 200 {
            break;
        }
        last = send(app, None, EXPENSIVE).await;
    }
    assert_rate_limited(&last, 1);
    // The one-second window ends within about a second; poll for at most five.
    let mut passed = false;
    for _ in 0..50 {
        tokio::time::sleep(Duration::from_millis(100)).await;
        let retry = send(app, None, EXPENSIVE).await;
        if retry.status == 200 {
            passed = true;
            break;
        }
        assert_rate_limited(&retry, 1);
    }
    assert!(passed, "the budget refilled after the one-second window");
}

async fn charge_sends_no_counted_statement(app: &TestApp) {
    let before = app.statements.get();
    let priced = send(app, None, CHEAP).await;
    assert_eq!(priced.status, 200, "{:#}", priced.body);
    assert!(priced.remaining.is_some(), "the request was priced");
    assert_eq!(priced.statements, Some(0), "X-SQL-Statements leaves out the charge");
    assert_eq!(app.statements.get(), before, "the statement counter leaves out the charge");
}

/// Runs a test body on SQLite and PostgreSQL with these rate-limit settings.
macro_rules! limited_on_both {
    ($name:ident, $body:ident, $settings:expr) => {
        mod $name {
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                let app = super::spawn_limited(integration_tests::Backend::Sqlite, $settings)
                    .await
                    .expect("SQLite always starts");
                super::$body(&app).await;
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                let Some(app) = super::spawn_limited(integration_tests::Backend::Postgres, $settings).await else {
                    return;
                };
                super::$body(&app).await;
            }
        }
    };
}

limited_on_both!(remaining_falls, remaining_falls_by_cost, super::settings(1_000, 60));
limited_on_both!(spent_budget, spent_budget_gives_429, super::settings(300, 60));
limited_on_both!(failed_authentication, failed_authentication_throttled, super::settings(100, 60));
limited_on_both!(window_reset, budget_refills_after_window, super::settings(300, 1));
limited_on_both!(uncounted_charge, charge_sends_no_counted_statement, super::settings(1_000, 60));

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn off_sends_no_header_fields() {
    let app = spawn_limited(Backend::Sqlite, RateLimitConfig::off()).await.expect("SQLite always starts");
    let priced = send(&app, None, EXPENSIVE).await;
    assert_eq!(priced.status, 200, "{:#}", priced.body);
    assert_eq!(priced.policy, None);
    assert_eq!(priced.remaining, None);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_replicas_share_budget() {
    let Some(first) = spawn_limited(Backend::Postgres, settings(300, 60)).await else { return };
    let url = first.database_url.clone();
    let second = TestApp::spawn_adjusted(Backend::Postgres, |config| {
        config.database_url = url;
        config.rate_limit = settings(300, 60);
    })
    .await
    .expect("the second server starts on the first one's database");

    let on_first = send(&first, None, EXPENSIVE).await;
    assert_eq!(on_first.status, 200, "{:#}", on_first.body);
    let cost = 300 - on_first.remaining_points();
    let on_second = send(&second, None, EXPENSIVE).await;
    assert_eq!(on_second.status, 200, "{:#}", on_second.body);
    assert_eq!(on_second.remaining_points(), 300 - 2 * cost, "the second server saw the first one's charge");

    let mut last = send(&first, None, EXPENSIVE).await;
    for _ in 0..10 {
        if last.status != 200 {
            break;
        }
        last = send(&second, None, EXPENSIVE).await;
    }
    assert_rate_limited(&last, 60);
    let on_other = send(&first, None, EXPENSIVE).await;
    assert_rate_limited(&on_other, 60);
    let on_other = send(&second, None, EXPENSIVE).await;
    assert_rate_limited(&on_other, 60);
}
