//! The `X-SQL-Statements` response header counts every statement a request sends, batch
//! loads and authentication included.

use api::auth::TokenScope;
use integration_tests::{TestApp, on_both};
use serde_json::json;

/// Nested lists, so that the count includes the batch loads of every level.
const NESTED: &str = r#"{ courses(first: 20) { nodes { code offerings(first: 5) { nodes { slug
    venue { name { text } country { code } } } } accreditations { university { slug } } } } }"#;

/// Sends `query` and returns the header's value with the change of the server's counter.
async fn header_and_counter(app: &TestApp, query: &str, token: Option<&str>) -> (u64, u64) {
    let before = app.statements.get();
    let mut request = app.client().post(app.url()).json(&json!({ "query": query }));
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    let response = request.send().await.unwrap();
    let header = response.headers().get("x-sql-statements").cloned();
    let body: serde_json::Value = response.json().await.unwrap();
    let counted = app.statements.get() - before;
    assert!(body.get("errors").is_none(), "{body:#}");
    let header = header.expect("the response has an X-SQL-Statements header");
    (header.to_str().unwrap().parse().unwrap(), counted)
}

async fn header_matches_statement_counter(app: &TestApp) {
    let (header, counted) = header_and_counter(app, NESTED, None).await;
    assert_eq!(header, counted, "anonymous nested query");
    assert!(header >= 3, "courses, offerings and venues take a statement each, got {header}");

    let admin = app.create_member("Header Admin", None, true, &[]).await;
    let token = app.create_token(admin, &[TokenScope::Admin, TokenScope::Read]).await;
    let (header, counted) = header_and_counter(app, NESTED, Some(&token)).await;
    assert_eq!(header, counted, "query with an API token, whose lookup is counted too");

    let (header, counted) = header_and_counter(app, "{ __typename }", None).await;
    assert_eq!(header, counted, "query without database fields");
    assert_eq!(header, 0);
}
on_both!(statement_header, header_matches_statement_counter);
