//! GraphQL over HTTP: media types chosen by `Accept`, the status code of every malformed or
//! refused request with its stable code, and a server that keeps responding afterwards.

use integration_tests::{TestApp, on_both};
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};

const GRAPHQL_RESPONSE_JSON: &str = "application/graphql-response+json";

/// Sends a raw POST body with these headers; returns status, headers and JSON body.
async fn post_raw(
    app: &TestApp,
    body: impl Into<reqwest::Body>,
    headers: &[(&str, &str)],
) -> (u16, reqwest::header::HeaderMap, Value) {
    let mut request = app.client().post(app.url()).body(body);
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let response = request.send().await.expect("send the request");
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let text = response.text().await.expect("read the response body");
    let body = serde_json::from_str(&text).unwrap_or_else(|err| panic!("the body {text:?} is not JSON: {err}"));
    (status, headers, body)
}

fn content_type(headers: &reqwest::header::HeaderMap) -> &str {
    headers.get("content-type").and_then(|value| value.to_str().ok()).unwrap_or_default()
}

async fn assert_still_answers(app: &TestApp) {
    let data = app.data("{ countries(first: 1) { totalCount } }", json!({})).await;
    assert_eq!(data["countries"]["totalCount"], 35, "the server still responds");
}

const JSON: (&str, &str) = ("Content-Type", "application/json");
const TYPENAME: &str = r#"{"query":"{ __typename }"}"#;

async fn accept_chooses_the_media_type(app: &TestApp) {
    let cases: [(Option<&str>, &str); 6] = [
        (None, "application/json; charset=utf-8"),
        (Some("*/*"), "application/json; charset=utf-8"),
        (Some("application/json"), "application/json; charset=utf-8"),
        (Some(GRAPHQL_RESPONSE_JSON), "application/graphql-response+json; charset=utf-8"),
        (
            Some("application/json, application/graphql-response+json"),
            "application/graphql-response+json; charset=utf-8",
        ),
        (Some("application/graphql-response+json;q=0.5, application/json"), "application/json; charset=utf-8"),
    ];
    for (accept, expected) in cases {
        let mut headers = vec![JSON];
        headers.extend(accept.map(|accept| ("Accept", accept)));
        let (status, response_headers, body) = post_raw(app, TYPENAME, &headers).await;
        assert_eq!(status, 200, "Accept {accept:?}: {body}");
        assert_eq!(content_type(&response_headers), expected, "Accept {accept:?}");
        assert_eq!(body, json!({ "data": { "__typename": "Query" } }));
    }
    let (status, headers, body) = post_raw(app, TYPENAME, &[JSON, ("Accept", "text/plain")]).await;
    assert_eq!(status, 406, "{body}");
    assert_eq!(body["errors"][0]["extensions"]["code"], "NOT_ACCEPTABLE");
    assert!(body["errors"][0]["extensions"]["requestId"].is_string());
    assert_eq!(content_type(&headers), "application/json; charset=utf-8");
    assert_still_answers(app).await;
}
on_both!(media_types, accept_chooses_the_media_type);

/// A body, its request headers, and the expected status, code and words of the message.
type MalformedCase = (&'static [u8], &'static [(&'static str, &'static str)], u16, &'static str, &'static str);

async fn malformed_requests_get_400_or_415(app: &TestApp) {
    let cases: [MalformedCase; 17] = [
        (b"{\"query\": ", &[JSON], 400, "BAD_REQUEST", "not valid JSON"),
        (b"{\"query\":\"{ requestLocale \xff }\"}", &[JSON], 400, "BAD_REQUEST", "UTF-8"),
        (b"[{\"query\":\"{ requestLocale }\"}]", &[JSON], 400, "BAD_REQUEST", "one operation per request"),
        (b"\"{ requestLocale }\"", &[JSON], 400, "BAD_REQUEST", "not an object"),
        (b"", &[JSON], 400, "BAD_REQUEST", "empty"),
        (b"{\"notquery\":\"{ requestLocale }\"}", &[JSON], 400, "BAD_REQUEST", "no `query`"),
        (b"{\"query\":{\"obj\":\"ect\"}}", &[JSON], 400, "BAD_REQUEST", "`query` parameter is a JSON object"),
        (b"{\"query\":0}", &[JSON], 400, "BAD_REQUEST", "`query` parameter is a JSON number"),
        (b"{\"query\":\"{ requestLocale }\",\"variables\":\"{}\"}", &[JSON], 400, "BAD_REQUEST", "`variables`"),
        (b"{\"query\":\"{ requestLocale }\",\"variables\":[1]}", &[JSON], 400, "BAD_REQUEST", "`variables`"),
        (b"{\"query\":\"{ requestLocale }\",\"extensions\":false}", &[JSON], 400, "BAD_REQUEST", "`extensions`"),
        (b"{\"query\":\"{ requestLocale }\",\"operationName\":0}", &[JSON], 400, "BAD_REQUEST", "`operationName`"),
        (
            b"{\"query\":\"{ requestLocale }\"}",
            &[("Content-Type", "text/plain")],
            415,
            "UNSUPPORTED_MEDIA_TYPE",
            "text/plain",
        ),
        (b"{\"query\":\"{ requestLocale }\"}", &[], 415, "UNSUPPORTED_MEDIA_TYPE", "missing"),
        (
            b"{\"query\":\"{ requestLocale }\"}",
            &[("Content-Type", "application/json; charset=iso-8859-1")],
            415,
            "UNSUPPORTED_MEDIA_TYPE",
            "UTF-8",
        ),
        (
            b"query=%7B%7D",
            &[("Content-Type", "application/x-www-form-urlencoded")],
            415,
            "UNSUPPORTED_MEDIA_TYPE",
            "application/json",
        ),
        (
            b"{\"query\":\"{ requestLocale }\"}",
            &[("Content-Type", "application/graphql")],
            415,
            "UNSUPPORTED_MEDIA_TYPE",
            "application/json",
        ),
    ];
    for (body, headers, expected_status, code, named) in cases {
        let body_text = String::from_utf8_lossy(body).into_owned();
        for accept in ["application/json", GRAPHQL_RESPONSE_JSON] {
            let mut headers = headers.to_vec();
            headers.push(("Accept", accept));
            let (status, response_headers, response) = post_raw(app, body.to_vec(), &headers).await;
            assert_eq!(status, expected_status, "{body_text} ({accept}): {response}");
            let error = &response["errors"][0];
            assert_eq!(error["extensions"]["code"], code, "{body_text}: {response}");
            assert!(error["extensions"]["requestId"].is_string(), "{response}");
            let message = error["message"].as_str().unwrap();
            assert!(message.contains(named), "{body_text}: message {message:?} should mention {named:?}");
            assert!(
                content_type(&response_headers).starts_with(accept),
                "{body_text}: {:?}",
                content_type(&response_headers)
            );
        }
    }
    assert_still_answers(app).await;
}
on_both!(malformed_requests, malformed_requests_get_400_or_415);

/// Checks that a document failing before execution gets 200 under `application/json`, 400 under
/// `application/graphql-response+json`, never with a `data` entry.
async fn request_errors_follow_the_media_type(app: &TestApp) {
    let cases = [
        (json!({ "query": "{" }), "GRAPHQL_VALIDATION_FAILED"),
        (json!({ "query": "{ notAField }" }), "GRAPHQL_VALIDATION_FAILED"),
        (json!({ "query": "query Q { requestLocale }", "operationName": "Other" }), "GRAPHQL_VALIDATION_FAILED"),
        (json!({ "query": "query A { requestLocale } query B { __typename }" }), "GRAPHQL_VALIDATION_FAILED"),
        (
            json!({ "query": "query($id: ID!) { __typename }", "variables": { "id": null } }),
            "GRAPHQL_VALIDATION_FAILED",
        ),
        (json!({ "query": "query($code: String!) { country(code: $code) { code } }" }), "GRAPHQL_VALIDATION_FAILED"),
        (
            json!({ "query": "query($n: Int) { countries(first: $n) { totalCount } }", "variables": { "n": "ten" } }),
            "GRAPHQL_VALIDATION_FAILED",
        ),
        (json!({ "query": "{ requestLocale @include(if: true) @include(if: true) }" }), "GRAPHQL_VALIDATION_FAILED"),
    ];
    for (body, code) in cases {
        for (accept, expected_status) in [("application/json", 200), (GRAPHQL_RESPONSE_JSON, 400)] {
            let (status, _, response) = post_raw(app, body.to_string(), &[JSON, ("Accept", accept)]).await;
            assert_eq!(status, expected_status, "{body} ({accept}): {response}");
            assert!(response.get("data").is_none(), "{body}: a request error has no data: {response}");
            assert_eq!(response["errors"][0]["extensions"]["code"], code, "{body}: {response}");
            assert!(response["errors"][0]["extensions"]["requestId"].is_string());
        }
    }
    assert_still_answers(app).await;
}
on_both!(request_errors, request_errors_follow_the_media_type);

/// Garbage ids and cursors fail as client errors with HTTP 200 under both media types,
/// never `INTERNAL` or 500. The rest of the data comes back where the failed field is
/// nullable, and `data` is null where it is not (`countries` and `nodes` are non-null).
async fn garbage_arguments_are_client_errors(app: &TestApp) {
    let cases = [
        (r#"{ node(id: "garbage") { id } requestLocale }"#, true),
        (r#"{ node(id: "Q291bnRyeTo5OTk5OTk5OTk5OTk5") { id } requestLocale }"#, true),
        (r#"{ nodes(ids: ["", "%%%"]) { id } requestLocale }"#, false),
        (r#"{ countries(after: "garbage") { totalCount } requestLocale }"#, false),
        (r#"{ countries(before: "eyJvIjoxfQ") { totalCount } requestLocale }"#, false),
    ];
    for (query, rest_runs) in cases {
        for accept in ["application/json", GRAPHQL_RESPONSE_JSON] {
            let body = json!({ "query": query }).to_string();
            let (status, _, response) = post_raw(app, body, &[JSON, ("Accept", accept)]).await;
            assert_eq!(status, 200, "{query} ({accept}): {response}");
            if rest_runs {
                assert!(response["data"]["requestLocale"].is_string(), "{query}: the rest ran: {response}");
            } else {
                assert!(response["data"].is_null(), "{query}: the null reaches data: {response}");
            }
            let code = &response["errors"][0]["extensions"]["code"];
            assert_eq!(code, "BAD_USER_INPUT", "{query}: {response}");
        }
    }
    assert_still_answers(app).await;
}
on_both!(garbage_arguments, garbage_arguments_are_client_errors);

async fn get_requests_follow_the_specification(app: &TestApp) {
    let get = |parameters: Vec<(&'static str, String)>, accept: &'static str| {
        app.client().get(app.url()).query(&parameters).header("Accept", accept).send()
    };
    let query = "query Type($name: String!) { __type(name: $name) { name } }";
    let response = get(
        vec![("query", query.to_owned()), ("variables", json!({ "name": "Country" }).to_string())],
        GRAPHQL_RESPONSE_JSON,
    )
    .await
    .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(content_type(response.headers()), "application/graphql-response+json; charset=utf-8");
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["data"]["__type"]["name"], "Country", "{body}");

    let cases = [
        (vec![("operationName", "Q".to_owned())], 400, "BAD_REQUEST"),
        (vec![("query", "{ requestLocale }".to_owned()), ("variables", "[1]".to_owned())], 400, "BAD_REQUEST"),
        (vec![("query", "{ requestLocale }".to_owned()), ("variables", "{".to_owned())], 400, "BAD_REQUEST"),
        (vec![("query", "{ requestLocale }".to_owned()), ("extensions", "1".to_owned())], 400, "BAD_REQUEST"),
        (vec![("query", "{".to_owned())], 400, "GRAPHQL_VALIDATION_FAILED"),
        (vec![("query", "mutation { __typename }".to_owned())], 405, "METHOD_NOT_ALLOWED"),
    ];
    for (parameters, expected_status, code) in cases {
        let response = get(parameters.clone(), GRAPHQL_RESPONSE_JSON).await.unwrap();
        assert_eq!(response.status().as_u16(), expected_status, "{parameters:?}");
        if expected_status == 405 {
            assert_eq!(response.headers()["allow"], "POST");
        }
        let body: Value = response.json().await.unwrap();
        assert_eq!(body["errors"][0]["extensions"]["code"], code, "{parameters:?}: {body}");
    }
    let response = get(vec![("query", "{ requestLocale }".to_owned())], "text/plain").await.unwrap();
    assert_eq!(response.status(), 406);
    let page = app.client().get(app.url()).header("Accept", "text/html").send().await.unwrap();
    assert!(page.text().await.unwrap().to_lowercase().contains("graphiql"), "browsers get GraphiQL");
    assert_still_answers(app).await;
}
on_both!(get_requests, get_requests_follow_the_specification);

async fn other_methods_get_405(app: &TestApp) {
    for method in [reqwest::Method::PUT, reqwest::Method::DELETE, reqwest::Method::PATCH, reqwest::Method::OPTIONS] {
        let response = app.client().request(method.clone(), app.url()).send().await.unwrap();
        assert_eq!(response.status(), 405, "{method}");
        assert_eq!(response.headers()["allow"], "GET, POST", "{method}");
        let body: Value = response.json().await.unwrap();
        assert_eq!(body["errors"][0]["extensions"]["code"], "METHOD_NOT_ALLOWED", "{method}: {body}");
        assert!(body["errors"][0]["extensions"]["requestId"].is_string());
    }
    assert_still_answers(app).await;
}
on_both!(other_methods, other_methods_get_405);

fn small_body_limit() -> api::limits::LimitsConfig {
    api::limits::LimitsConfig { max_body_bytes: 4_096, ..api::limits::LimitsConfig::default() }
}

/// Sends a chunked POST, which declares no length, over a raw connection and returns the
/// response's status line and body.
async fn post_chunked(app: &TestApp, body: &str) -> (String, String) {
    let mut stream = tokio::net::TcpStream::connect(app.address).await.expect("connect to the server");
    let mut request = format!(
        "POST /graphql HTTP/1.1\r\nHost: {}\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n",
        app.address
    );
    for chunk in body.as_bytes().chunks(1_000) {
        request.push_str(&format!("{:x}\r\n{}\r\n", chunk.len(), String::from_utf8_lossy(chunk)));
    }
    request.push_str("0\r\n\r\n");
    // The server may respond and close before reading everything, so a failed write is fine.
    let _ = stream.write_all(request.as_bytes()).await;
    let mut response = Vec::new();
    let _ = stream.read_to_end(&mut response).await;
    let response = String::from_utf8_lossy(&response).into_owned();
    let status_line = response.lines().next().unwrap_or_default().to_owned();
    let body = response.split("\r\n\r\n").nth(1).unwrap_or_default().to_owned();
    (status_line, body)
}

async fn oversized_bodies_get_a_coded_413(app: &TestApp) {
    let padded = |length: usize| {
        let prefix = r#"{"query":"{ requestLocale }","variables":{"p":""#;
        let suffix = r#""}}"#;
        format!("{prefix}{}{suffix}", "x".repeat(length - prefix.len() - suffix.len()))
    };
    let (status, headers, body) = post_raw(app, padded(4_097), &[JSON]).await;
    assert_eq!(status, 413, "{body}");
    assert_eq!(content_type(&headers), "application/json; charset=utf-8");
    let error = &body["errors"][0];
    assert_eq!(error["extensions"]["code"], "PAYLOAD_TOO_LARGE", "{body}");
    assert_eq!(error["extensions"]["limit"], "MAX_BODY_BYTES");
    assert_eq!(error["extensions"]["max"], 4_096);
    assert!(error["extensions"]["requestId"].is_string());
    assert!(error["message"].as_str().unwrap().contains("4096"), "{body}");
    let (status, _, body) = post_raw(app, padded(4_096), &[JSON]).await;
    assert_eq!(status, 200, "a body of exactly the limit is read: {body}");

    let (status_line, body) = post_chunked(app, &padded(10_000)).await;
    assert!(status_line.contains(" 413 "), "{status_line}");
    assert!(body.contains("PAYLOAD_TOO_LARGE"), "{body}");
    let (status_line, body) = post_chunked(app, &padded(4_000)).await;
    assert!(status_line.contains(" 200 "), "{status_line}: {body}");
    assert_still_answers(app).await;
}

mod oversized_body {
    use integration_tests::{Backend, TestApp};

    async fn spawn(backend: Backend) -> Option<TestApp> {
        TestApp::spawn_adjusted(backend, |config| config.limits = super::small_body_limit()).await
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn sqlite() {
        let app = spawn(Backend::Sqlite).await.expect("SQLite always starts");
        super::oversized_bodies_get_a_coded_413(&app).await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn postgres() {
        let Some(app) = spawn(Backend::Postgres).await else { return };
        super::oversized_bodies_get_a_coded_413(&app).await;
    }
}

/// Response fields come in the order the query selected them, as the GraphQL
/// specification recommends, not sorted by name.
async fn fields_keep_the_query_order(app: &TestApp) {
    let query = r#"{ requestLocale country(code: "COL") { name { text } code } __typename }"#;
    let body = json!({ "query": query }).to_string();
    let response = app.client().post(app.url()).header("Content-Type", "application/json").body(body).send().await;
    let text = response.expect("send the request").text().await.expect("read the response body");
    let position = |key: &str| text.find(&format!("\"{key}\"")).unwrap_or_else(|| panic!("{key} in {text}"));
    assert!(position("requestLocale") < position("country"), "{text}");
    assert!(position("country") < position("name"), "{text}");
    assert!(position("name") < position("code"), "{text}");
    assert!(position("code") < position("__typename"), "{text}");
}
on_both!(field_order, fields_keep_the_query_order);
