//! The `graphql-http` package's audit of the GraphQL-over-HTTP specification passes: no
//! MUST requirement fails, and no SHOULD or MAY requirement is reported as a warning.

use integration_tests::{Backend, TestApp};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn graphql_http_audit_passes() {
    let app = TestApp::spawn(Backend::Sqlite).await.expect("SQLite always starts");
    let results = integration_tests::graphql_http::audit(&app.url()).await;
    assert!(results.len() > 50, "the audit ran its checks: {results:?}");

    let listed = |status: &str| -> Vec<String> {
        results
            .iter()
            .filter(|result| result.status == status)
            .map(|result| format!("{} {}: {}", result.id, result.name, result.reason.as_deref().unwrap_or_default()))
            .collect()
    };
    let errors = listed("error");
    assert!(errors.is_empty(), "MUST requirements failed:\n{}", errors.join("\n"));
    let warnings = listed("warn");
    assert!(warnings.is_empty(), "SHOULD or MAY requirements failed:\n{}", warnings.join("\n"));

    let data = app.data("{ countries(first: 1) { totalCount } }", serde_json::json!({})).await;
    assert_eq!(data["countries"]["totalCount"], 35, "the server still answers after the audit");
}
