//! The operational endpoints and layers over HTTP: `/ready`, `/metrics`, security headers,
//! CORS and the panic guard, on SQLite and on PostgreSQL.

use integration_tests::{Backend, TestApp};
use serde_json::{Value, json};

const ORIGIN: &str = "https://www.oas.org";
const METRICS_TOKEN: &str = "metrics-test-token";

/// Runs a test body on both backends against a server with CORS for [`ORIGIN`], a metrics
/// token and (in debug builds) fault injection.
macro_rules! on_both_configured {
    ($name:ident, $body:ident) => {
        mod $name {
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                let app = super::spawn(integration_tests::Backend::Sqlite).await.expect("SQLite always starts");
                super::$body(&app).await;
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                let Some(app) = super::spawn(integration_tests::Backend::Postgres).await else { return };
                super::$body(&app).await;
            }
        }
    };
}

async fn spawn(backend: Backend) -> Option<TestApp> {
    TestApp::spawn_adjusted(backend, |config| {
        config.ops.cors_allowed_origins = api::ops::headers::parse_origins(ORIGIN).expect("a valid origin");
        config.ops.metrics_token = Some(api::ops::MetricsToken(METRICS_TOKEN.to_owned()));
        config.ops.fault_injection = true;
    })
    .await
}

fn base(app: &TestApp) -> String {
    format!("http://{}", app.address)
}

async fn ready_reports_database_and_migrations(app: &TestApp) {
    let response = app.client().get(format!("{}/ready", base(app))).send().await.unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.json::<Value>().await.unwrap(), json!({ "ready": true }));
    let health = app.client().get(format!("{}/health", base(app))).send().await.unwrap();
    assert_eq!(health.status(), 200);
}
on_both_configured!(ready_endpoint, ready_reports_database_and_migrations);

async fn metrics_count_requests_by_operation(app: &TestApp) {
    let unauthorized = app.client().get(format!("{}/metrics", base(app))).send().await.unwrap();
    assert_eq!(unauthorized.status(), 401, "/metrics without the token");
    let wrong = app.client().get(format!("{}/metrics", base(app))).bearer_auth("wrong").send().await.unwrap();
    assert_eq!(wrong.status(), 401, "/metrics with a wrong token");

    for _ in 0..2 {
        app.data("query CountryCodes { countries(first: 2) { nodes { code } } }", json!({})).await;
    }
    let long_name = format!("Q{}", "x".repeat(64));
    app.data(&format!("query {long_name} {{ __typename }}"), json!({})).await;
    let (status, _) = app.post_as(None, "{ country(code: 1) { code } }", json!({})).await;
    assert_eq!(status, 200);
    let (status, _) = app.post_as(Some("oasn_not-a-real-token"), "{ __typename }", json!({})).await;
    assert_eq!(status, 401);

    let response = app.client().get(format!("{}/metrics", base(app))).bearer_auth(METRICS_TOKEN).send().await.unwrap();
    assert_eq!(response.status(), 200);
    let content_type = response.headers()["content-type"].to_str().unwrap().to_owned();
    assert!(content_type.starts_with("application/openmetrics-text"), "{content_type}");
    let text = response.text().await.unwrap();
    let has = |line: &str| text.lines().any(|candidate| candidate == line);
    assert!(
        has(r#"oas_api_graphql_requests_total{operation="CountryCodes",operation_type="query",outcome="ok"} 2"#),
        "{text}"
    );
    assert!(
        has(r#"oas_api_graphql_requests_total{operation="other",operation_type="query",outcome="ok"} 1"#),
        "{text}"
    );
    assert!(
        has(
            r#"oas_api_graphql_requests_total{operation="other",operation_type="query",outcome="GRAPHQL_VALIDATION_FAILED"} 1"#
        ),
        "{text}"
    );
    assert!(
        text.contains(
            r#"oas_api_graphql_requests_total{operation="other",operation_type="query",outcome="UNAUTHENTICATED"} 1"#
        ),
        "{text}"
    );
    assert!(text.contains(r#"oas_api_graphql_request_duration_seconds_count{operation_type="query"} "#), "{text}");
    assert!(text.contains(r#"oas_api_http_responses_total{class="2xx"} "#), "{text}");
    assert!(text.contains(r#"oas_api_http_responses_total{class="4xx"} "#), "{text}");
    let statements = text
        .lines()
        .find_map(|line| line.strip_prefix("oas_api_db_statements_total "))
        .and_then(|value| value.parse::<u64>().ok())
        .expect("the statement counter");
    assert!(statements > 0, "the seed import and the queries sent statements");
    for state in ["in_use", "idle", "max"] {
        assert!(text.contains(&format!("oas_api_db_pool_connections{{state=\"{state}\"}} ")), "{state}: {text}");
    }
}
on_both_configured!(metrics_endpoint, metrics_count_requests_by_operation);

async fn security_headers_on_every_response(app: &TestApp) {
    let api_policy = "default-src 'none'; frame-ancestors 'none'";
    let graphql = app.client().post(app.url()).json(&json!({ "query": "{ __typename }" })).send().await.unwrap();
    let ready = app.client().get(format!("{}/ready", base(app))).send().await.unwrap();
    let missing = app.client().get(format!("{}/no-such-path", base(app))).send().await.unwrap();
    for (name, response) in [("graphql", &graphql), ("ready", &ready), ("404", &missing)] {
        let headers = response.headers();
        assert_eq!(headers["x-content-type-options"], "nosniff", "{name}");
        assert_eq!(headers["referrer-policy"], "no-referrer", "{name}");
        assert_eq!(headers["x-frame-options"], "DENY", "{name}");
        assert_eq!(headers["content-security-policy"], api_policy, "{name}");
        assert_eq!(headers["cache-control"], "no-store", "{name}");
        assert!(headers.contains_key("x-request-id"), "{name}");
    }

    let page = app.client().get(app.url()).header("Accept", "text/html").send().await.unwrap();
    let policy = page.headers()["content-security-policy"].to_str().unwrap().to_owned();
    let html = page.text().await.unwrap();
    assert!(html.contains("unpkg.com"), "the GraphiQL page loads from unpkg.com");
    assert!(policy.contains("script-src https://unpkg.com 'sha256-"), "{policy}");
    assert!(policy.contains("connect-src 'self'"), "{policy}");
    assert!(policy.contains("frame-ancestors 'none'"), "{policy}");
    assert!(!policy.contains("'unsafe-eval'"), "{policy}");
}
on_both_configured!(security_headers, security_headers_on_every_response);

async fn cors_answers_listed_origins_only(app: &TestApp) {
    let preflight = app
        .client()
        .request(reqwest::Method::OPTIONS, app.url())
        .header("Origin", ORIGIN)
        .header("Access-Control-Request-Method", "POST")
        .header("Access-Control-Request-Headers", "authorization,content-type,preview")
        .send()
        .await
        .unwrap();
    assert!(preflight.status().is_success(), "{}", preflight.status());
    let headers = preflight.headers();
    assert_eq!(headers["access-control-allow-origin"], ORIGIN);
    let methods = headers["access-control-allow-methods"].to_str().unwrap();
    assert!(methods.contains("POST"), "{methods}");
    assert!(methods.contains("GET"), "{methods}");
    let allowed = headers["access-control-allow-headers"].to_str().unwrap().to_lowercase();
    for header in ["authorization", "content-type", "accept", "accept-language", "preview"] {
        assert!(allowed.contains(header), "{header} in {allowed}");
    }
    assert_eq!(headers["access-control-max-age"], "600");

    let listed = post_from_origin(app, ORIGIN).await;
    assert_eq!(listed.headers()["access-control-allow-origin"], ORIGIN);
    let exposed = listed.headers()["access-control-expose-headers"].to_str().unwrap().to_lowercase();
    for header in
        ["x-request-id", "content-language", "ratelimit", "ratelimit-policy", "retry-after", "x-sql-statements"]
    {
        assert!(exposed.contains(header), "{header} in {exposed}");
    }

    let other = post_from_origin(app, "https://elsewhere.example").await;
    assert!(!other.headers().contains_key("access-control-allow-origin"), "an unlisted origin gets no CORS headers");
}
on_both_configured!(cors_listed_origins, cors_answers_listed_origins_only);

async fn no_cors_headers_by_default(app: &TestApp) {
    let response = post_from_origin(app, ORIGIN).await;
    assert_eq!(response.status(), 200);
    assert!(!response.headers().contains_key("access-control-allow-origin"));
}
integration_tests::on_both!(cors_off_by_default, no_cors_headers_by_default);

#[cfg(debug_assertions)]
async fn panic_fails_one_request(app: &TestApp) {
    let (status, body) =
        app.post_with_headers("query Boom { __typename }", json!({}), &[("X-Fault-Injection", "panic")]).await;
    assert_eq!(status, 500);
    let errors = body["errors"].as_array().expect("an errors list");
    assert_eq!(errors.len(), 1, "{body}");
    assert_eq!(errors[0]["extensions"]["code"], "INTERNAL");
    assert!(errors[0]["extensions"]["requestId"].as_str().is_some_and(|id| id.len() == 32), "{body}");
    assert!(!errors[0]["message"].as_str().unwrap().contains("fault injection"), "panic text stays in the log");

    let data = app.data("{ countries(first: 1) { nodes { code } } }", json!({})).await;
    assert_eq!(data["countries"]["nodes"].as_array().unwrap().len(), 1, "the server keeps serving");

    let metrics = app.client().get(format!("{}/metrics", base(app))).bearer_auth(METRICS_TOKEN).send().await.unwrap();
    let text = metrics.text().await.unwrap();
    assert!(text.contains(r#"operation="Boom",operation_type="query",outcome="INTERNAL"} 1"#), "{text}");
    assert!(text.contains(r#"oas_api_http_responses_total{class="5xx"} 1"#), "{text}");
}
#[cfg(debug_assertions)]
on_both_configured!(panic_guard, panic_fails_one_request);

/// Checks that a server without fault injection ignores the header.
async fn fault_header_ignored_when_off(app: &TestApp) {
    let (status, body) = app.post_with_headers("{ __typename }", json!({}), &[("X-Fault-Injection", "panic")]).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["data"]["__typename"], "Query");
}
integration_tests::on_both!(fault_injection_off, fault_header_ignored_when_off);

/// Sends a trivial query with an `Origin` header, as a browser on that origin does.
async fn post_from_origin(app: &TestApp, origin: &str) -> reqwest::Response {
    app.client()
        .post(app.url())
        .header("Origin", origin)
        .json(&json!({ "query": "{ __typename }" }))
        .send()
        .await
        .unwrap()
}
