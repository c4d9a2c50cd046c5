//! Limits on what one request may cost: each one exceeded by one is rejected before it runs
//! with `QUERY_TOO_COMPLEX` naming the setting, its maximum and the request's value, and a
//! request just under it runs. After every rejected request the server keeps responding.

use api::limits::LimitsConfig;
use integration_tests::{TestApp, on_both};
use serde_json::{Value, json};

const GRAPHQL_RESPONSE_JSON: &str = "application/graphql-response+json";

/// Runs a test body on SQLite and PostgreSQL against a server with these limits.
macro_rules! on_both_limited {
    ($name:ident, $body:ident, $limits:expr) => {
        mod $name {
            use integration_tests::{Backend, TestApp};

            async fn spawn(backend: Backend) -> Option<TestApp> {
                TestApp::spawn_adjusted(backend, |config| config.limits = $limits).await
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                let app = spawn(Backend::Sqlite).await.expect("SQLite always starts");
                super::$body(&app).await;
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                let Some(app) = spawn(Backend::Postgres).await else { return };
                super::$body(&app).await;
            }
        }
    };
}

/// Posts a query with an optional `Accept` header; returns status, content type and body.
async fn send(app: &TestApp, query: &str, accept: Option<&str>) -> (u16, String, Value) {
    let mut request = app.client().post(app.url()).json(&json!({ "query": query }));
    if let Some(accept) = accept {
        request = request.header("Accept", accept);
    }
    let response = request.send().await.expect("send the GraphQL request");
    let status = response.status().as_u16();
    let content_type = response.headers().get("content-type").and_then(|value| value.to_str().ok()).unwrap_or_default();
    let content_type = content_type.to_owned();
    (status, content_type, response.json().await.expect("parse the response as JSON"))
}

/// Checks that `query` is rejected by `setting` with these values, with status 200 under
/// `application/json` and 400 under `application/graphql-response+json`, and no `data`.
async fn assert_rejected(app: &TestApp, query: &str, setting: &str, max: usize, actual: usize) {
    for (accept, expected_status) in [(None, 200), (Some(GRAPHQL_RESPONSE_JSON), 400)] {
        let (status, content_type, body) = send(app, query, accept).await;
        assert_eq!(status, expected_status, "{setting} with Accept {accept:?}: {body}");
        assert!(content_type.ends_with("charset=utf-8"), "{content_type}");
        assert!(body.get("data").is_none(), "a rejected request has no data: {body}");
        let error = &body["errors"][0];
        assert_eq!(error["extensions"]["code"], "QUERY_TOO_COMPLEX", "{setting}: {body}");
        assert_eq!(error["extensions"]["limit"], setting, "{body}");
        assert_eq!(error["extensions"]["max"], max, "{setting}: {body}");
        assert_eq!(error["extensions"]["actual"], actual, "{setting}: {body}");
        assert!(error["extensions"]["requestId"].is_string(), "{body}");
        let message = error["message"].as_str().expect("a message");
        assert!(message.contains(setting), "the message names the setting: {message}");
        assert!(message.contains(&max.to_string()), "the message names the maximum: {message}");
        assert!(message.contains(&actual.to_string()), "the message names the value: {message}");
    }
    assert_still_answers(app).await;
}

/// Checks that `query` runs without errors.
async fn assert_runs(app: &TestApp, query: &str) {
    let response = app.post(query, json!({})).await;
    assert!(response.get("errors").is_none(), "{query} should run: {response}");
}

async fn assert_still_answers(app: &TestApp) {
    let data = app.data("{ countries(first: 1) { totalCount } }", json!({})).await;
    assert_eq!(data["countries"]["totalCount"], 35, "the server still responds");
}

/// Small limits on the document itself.
fn document_limits() -> LimitsConfig {
    LimitsConfig {
        max_aliases: 2,
        max_root_fields: 3,
        max_directives: 2,
        max_query_bytes: 2_048,
        max_query_tokens: 60,
        max_query_nesting: 6,
        ..LimitsConfig::default()
    }
}

async fn document_limits_reject_one_over(app: &TestApp) {
    assert_rejected(app, "{ a: requestLocale b: requestLocale c: requestLocale }", "MAX_ALIASES", 2, 3).await;
    assert_runs(app, "{ a: requestLocale b: requestLocale }").await;
    // Aliases in fragments count too.
    let in_fragment = "{ a: requestLocale ...F } fragment F on Query { b: requestLocale c: __typename }";
    assert_rejected(app, in_fragment, "MAX_ALIASES", 2, 3).await;

    let fields = "{ requestLocale __typename ...F } fragment F on Query { x: requestLocale t: __typename }";
    assert_rejected(app, fields, "MAX_ROOT_FIELDS", 3, 4).await;
    assert_runs(app, "{ requestLocale ...F } fragment F on Query { x: requestLocale __typename }").await;

    let flood = "{ requestLocale @include(if: true) __typename @skip(if: false) c: countries @include(if: true) { totalCount } }";
    assert_rejected(app, flood, "MAX_DIRECTIVES", 2, 3).await;
    let repeated = "{ requestLocale @include(if: true) @include(if: true) @include(if: true) }";
    assert_rejected(app, repeated, "MAX_DIRECTIVES", 2, 3).await;
    assert_runs(app, "{ requestLocale @include(if: true) __typename @skip(if: false) }").await;

    let padded = |length: usize| {
        let mut query = String::from("{ requestLocale }\n#");
        query.push_str(&"x".repeat(length - query.len()));
        query
    };
    assert_rejected(app, &padded(2_049), "MAX_QUERY_BYTES", 2_048, 2_049).await;
    assert_runs(app, &padded(2_048)).await;

    // `{ countries ( first : 1 ) { nodes {` and `} } }` are 13 tokens around the codes.
    let tokens =
        |codes: usize| format!("{{ countries(first: 1) {{ nodes {{ {} }} }} }}", vec!["code"; codes].join(" "));
    assert_rejected(app, &tokens(48), "MAX_QUERY_TOKENS", 60, 61).await;
    assert_runs(app, &tokens(47)).await;

    let nested = |parents: usize| {
        format!("{{ topics(first: 1) {{ nodes {{ {}slug{} }} }} }}", "parent { ".repeat(parents), " }".repeat(parents))
    };
    assert_rejected(app, &nested(4), "MAX_QUERY_NESTING", 6, 7).await;
    assert_runs(app, &nested(3)).await;
}
on_both_limited!(document_limits, document_limits_reject_one_over, super::document_limits());

/// Small limits on depth, complexity and page size.
fn cost_limits() -> LimitsConfig {
    LimitsConfig { max_query_depth: 5, max_query_complexity: 50, max_page_size: 5, ..LimitsConfig::default() }
}

async fn cost_limits_reject_one_over(app: &TestApp) {
    let nested = |parents: usize| {
        format!("{{ topics(first: 1) {{ nodes {{ {}slug{} }} }} }}", "parent { ".repeat(parents), " }".repeat(parents))
    };
    assert_rejected(app, &nested(3), "MAX_QUERY_DEPTH", 5, 6).await;
    assert_runs(app, &nested(2)).await;

    // 5 countries × (nodes 1 + code 1 + 4 initiatives × (nodes 1 + slug 1)) = 50.
    let costly = "{ countries(first: 5) { nodes { code initiatives(first: 4) { nodes { slug } } } } }";
    assert_runs(app, costly).await;
    let one_more = "{ countries(first: 5) { nodes { code initiatives(first: 4) { nodes { slug } } } } requestLocale }";
    assert_rejected(app, one_more, "MAX_QUERY_COMPLEXITY", 50, 51).await;

    let data = app.data("{ countries(first: 5) { nodes { code } } }", json!({})).await;
    assert_eq!(data["countries"]["nodes"].as_array().map(Vec::len), Some(5));
    for query in [
        "{ countries(first: 6) { nodes { code } } }",
        "{ countries(first: 1) { nodes { initiatives(last: 6) { totalCount } } } }",
        r#"{ nodes(ids: ["a", "b", "c", "d", "e", "f"]) { id } }"#,
    ] {
        let error = app.error(query, json!({})).await;
        assert_eq!(error["extensions"]["code"], "BAD_USER_INPUT", "{query}: {error}");
        assert!(error["message"].as_str().unwrap().contains("at most 5"), "{query}: {error}");
    }
    assert_still_answers(app).await;
}
on_both_limited!(cost_limits, cost_limits_reject_one_over, super::cost_limits());

/// Sets the complexity limit to 0, below what `MAX_QUERY_COMPLEXITY` accepts, so that every
/// query with a field is rejected with its computed complexity.
fn measuring_limits() -> LimitsConfig {
    LimitsConfig { max_query_complexity: 0, ..LimitsConfig::default() }
}

/// Returns the complexity the server computes for `query`.
async fn complexity(app: &TestApp, query: &str) -> u64 {
    let error = app.error(query, json!({})).await;
    assert_eq!(error["extensions"]["limit"], "MAX_QUERY_COMPLEXITY", "{query}: {error}");
    error["extensions"]["actual"].as_u64().expect("the computed complexity")
}

async fn connections_multiply_by_page_size(app: &TestApp) {
    // Each field costs 1; a connection multiplies its selection by its page size.
    let nested = "{ countries(first: 100) { nodes { initiatives(first: 100) { nodes { slug } } } } }";
    assert_eq!(complexity(app, nested).await, 100 * (1 + 100 * (1 + 1)));
    let backward = "{ countries(last: 3) { nodes { code } } }";
    assert_eq!(complexity(app, backward).await, 3 * (1 + 1));
    let default_size = "{ countries { nodes { code } } }";
    assert_eq!(complexity(app, default_size).await, 20 * (1 + 1), "20 rows when no size is given");
}
on_both_limited!(cost_model, connections_multiply_by_page_size, super::measuring_limits());

fn closed_introspection() -> LimitsConfig {
    LimitsConfig { introspection: false, ..LimitsConfig::default() }
}

async fn introspection_can_be_switched_off(app: &TestApp) {
    for query in [
        "{ __schema { queryType { name } } }",
        r#"{ __type(name: "Country") { name } }"#,
        "{ ...F } fragment F on Query { __schema { types { name } } }",
    ] {
        for (accept, expected_status) in [(None, 200), (Some(GRAPHQL_RESPONSE_JSON), 400)] {
            let (status, _, body) = send(app, query, accept).await;
            assert_eq!(status, expected_status, "{query}: {body}");
            let error = &body["errors"][0];
            assert_eq!(error["extensions"]["code"], "GRAPHQL_VALIDATION_FAILED", "{query}: {body}");
            assert_eq!(error["extensions"]["limit"], "INTROSPECTION", "{body}");
            assert!(error["message"].as_str().unwrap().contains("INTROSPECTION=false"), "{body}");
        }
    }
    let data = app.data("{ __typename countries(first: 1) { nodes { __typename } } }", json!({})).await;
    assert_eq!(data["__typename"], "Query");
    assert_still_answers(app).await;
}
on_both_limited!(introspection_off, introspection_can_be_switched_off, super::closed_introspection());

async fn introspection_is_on_by_default(app: &TestApp) {
    let data = app.data("{ __schema { queryType { name } } }", json!({})).await;
    assert_eq!(data["__schema"]["queryType"]["name"], "Query");
}
on_both!(introspection_on, introspection_is_on_by_default);

async fn default_limits_are_named(app: &TestApp) {
    let nested = "{ countries(first: 100) { nodes { initiatives(first: 100) { nodes { slug } } } } }";
    let error = app.error(nested, json!({})).await;
    assert_eq!(error["extensions"]["limit"], "MAX_QUERY_COMPLEXITY");
    assert_eq!(error["extensions"]["max"], 20_000);
    assert_eq!(error["extensions"]["actual"], 20_100);
    let many: Vec<String> = (0..31).map(|index| format!("a{index}: requestLocale")).collect();
    let error = app.error(&format!("{{ {} }}", many.join(" ")), json!({})).await;
    assert_eq!(
        (error["extensions"]["limit"].as_str(), error["extensions"]["max"].as_u64()),
        (Some("MAX_ALIASES"), Some(30))
    );
    assert_still_answers(app).await;
}
on_both!(default_limits, default_limits_are_named);

async fn recursive_fragments_are_rejected(app: &TestApp) {
    let cases = [
        "{ ...A } fragment A on Query { requestLocale ...B } fragment B on Query { ...A }",
        "{ ...A } fragment A on Query { countries { nodes { ...C } } } fragment C on Country { code initiatives { nodes { countries { ...C } } } }",
        "{ ...A } fragment A on Query { ...A }",
    ];
    for query in cases {
        for accept in [None, Some(GRAPHQL_RESPONSE_JSON)] {
            let (status, _, body) = send(app, query, accept).await;
            assert_eq!(status, if accept.is_some() { 400 } else { 200 }, "{query}: {body}");
            let error = &body["errors"][0];
            assert_eq!(error["extensions"]["code"], "GRAPHQL_VALIDATION_FAILED", "{query}: {body}");
            assert!(error["message"].as_str().unwrap().contains("must not form a cycle"), "{body}");
        }
    }
    assert_still_answers(app).await;
}
on_both!(recursive_fragments, recursive_fragments_are_rejected);

async fn deep_nesting_never_overflows_the_stack(app: &TestApp) {
    // Thousands of nested brackets, in an argument value and in selections; the scanner
    // rejects them before the recursive parser reads them.
    let value = format!("{{ nodes(ids: {}\"x\"{}) {{ id }} }}", "[".repeat(4_000), "]".repeat(4_000));
    let error = app.error(&value, json!({})).await;
    assert_eq!(error["extensions"]["limit"], "MAX_QUERY_NESTING", "{error}");
    assert_eq!(error["extensions"]["actual"], 4_002);
    let selections = format!("{{ topics {{ nodes {{ {}slug{} }} }} }}", "parent { ".repeat(3_000), " }".repeat(3_000));
    let error = app.error(&selections, json!({})).await;
    assert_eq!(error["extensions"]["limit"], "MAX_QUERY_NESTING", "{error}");
    let over_get = app.client().get(app.url()).query(&[("query", &value)]).send().await.unwrap();
    assert_eq!(over_get.status(), 200);
    let body: Value = over_get.json().await.unwrap();
    assert_eq!(body["errors"][0]["extensions"]["limit"], "MAX_QUERY_NESTING", "a GET is checked too: {body}");
    let huge = "[".repeat(100_000);
    let error = app.error(&huge, json!({})).await;
    assert_eq!(error["extensions"]["limit"], "MAX_QUERY_BYTES", "{error}");

    // Just under the nesting limit the parser runs, and the validator rejects the value.
    let at_limit = format!("{{ nodes(ids: {}\"x\"{}) {{ id }} }}", "[".repeat(62), "]".repeat(62));
    let error = app.error(&at_limit, json!({})).await;
    assert_eq!(error["extensions"]["code"], "GRAPHQL_VALIDATION_FAILED", "{error}");

    // Deeply nested variables are refused by the JSON reader's own depth limit.
    let variables = format!(
        "{{\"query\":\"{{ requestLocale }}\",\"variables\":{{\"v\":{}1{}}}}}",
        "[".repeat(5_000),
        "]".repeat(5_000)
    );
    let response =
        app.client().post(app.url()).header("Content-Type", "application/json").body(variables).send().await.unwrap();
    assert_eq!(response.status(), 400);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["errors"][0]["extensions"]["code"], "BAD_REQUEST", "{body}");
    assert_still_answers(app).await;
}
on_both!(deep_nesting, deep_nesting_never_overflows_the_stack);

/// Unwraps list and non-null wrappers of an introspected type to its named type.
fn named_type(ty: &Value) -> (&str, &str) {
    let mut ty = ty;
    while ty["name"].is_null() && !ty["ofType"].is_null() {
        ty = &ty["ofType"];
    }
    (ty["kind"].as_str().unwrap_or_default(), ty["name"].as_str().unwrap_or_default())
}

/// Returns a literal that validates for an argument of the introspected type `ty`, or
/// `None` for an input object, which the probe does not build.
fn sample_argument(ty: &Value, schema: &Value) -> Option<String> {
    let (kind, name) = named_type(ty);
    match (kind, name) {
        ("SCALAR", "Int") => Some("1".to_owned()),
        ("SCALAR", "Float") => Some("1.0".to_owned()),
        ("SCALAR", "Boolean") => Some("true".to_owned()),
        ("SCALAR", "Date") => Some("\"2025-01-31\"".to_owned()),
        ("SCALAR", _) => Some("\"x\"".to_owned()),
        ("ENUM", _) => {
            let types = schema["types"].as_array()?;
            let found = types.iter().find(|candidate| candidate["name"] == name)?;
            found["enumValues"][0]["name"].as_str().map(str::to_owned)
        }
        _ => None,
    }
}

/// Checks every connection field of the schema, by introspection: its complexity is its
/// page size times the cost of its selection, for `first` and for `last`. Complexity is
/// computed during validation, before any resolver runs, so no database is needed.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_connection_multiplies_by_page_size() {
    const INTROSPECTION: &str =
        "{ __schema { queryType { name } types { name kind interfaces { name } enumValues { name }
        fields { name type { kind name ofType { kind name ofType { kind name ofType { kind name } } } }
          args { name type { kind name ofType { kind name ofType { kind name } } } } } } } }";
    let introspected = api::graphql::build_schema().execute(INTROSPECTION).await;
    let schema = introspected.data.into_json().expect("introspection as JSON")["__schema"].clone();
    let measuring = api::graphql::build_schema_with(&measuring_limits());
    let types = schema["types"].as_array().expect("the schema's types");
    let is_node = |name: &str| {
        types.iter().any(|ty| {
            ty["name"] == name
                && ty["interfaces"].as_array().is_some_and(|list| list.iter().any(|i| i["name"] == "Node"))
        })
    };
    // How a selection on each object type is reached from the root: directly on Query,
    // through `node(id:)` for Node types, or through a field without required arguments
    // of such a type.
    let mut reach: std::collections::HashMap<String, (String, String)> = std::collections::HashMap::new();
    reach.insert("Query".to_owned(), (String::new(), String::new()));
    for ty in types.iter().filter(|ty| ty["kind"] == "OBJECT") {
        let name = ty["name"].as_str().unwrap_or_default();
        if is_node(name) {
            reach.insert(name.to_owned(), (format!("node(id: \"x\") {{ ... on {name} {{ "), " } }".to_owned()));
        }
    }
    let direct: Vec<(String, (String, String))> =
        reach.iter().map(|(name, path)| (name.clone(), path.clone())).collect();
    for (parent, (open, close)) in direct {
        let fields =
            types.iter().find(|ty| ty["name"] == parent.as_str()).and_then(|ty| ty["fields"].as_array()).cloned();
        for field in fields.unwrap_or_default() {
            let (kind, target) = named_type(&field["type"]);
            let required =
                field["args"].as_array().is_some_and(|args| args.iter().any(|arg| arg["type"]["kind"] == "NON_NULL"));
            if kind == "OBJECT" && !required && !reach.contains_key(target) {
                let name = field["name"].as_str().unwrap_or_default();
                reach.insert(target.to_owned(), (format!("{open}{name} {{ "), format!(" }}{close}")));
            }
        }
    }

    let complexity = |query: String| {
        let measuring = measuring.clone();
        async move {
            let response = serde_json::to_value(measuring.execute(query.as_str()).await).expect("the response as JSON");
            response["errors"][0]["extensions"]["actual"].as_u64().ok_or_else(|| format!("{query}: {response}"))
        }
    };
    let mut checked = Vec::new();
    let mut failures = Vec::new();
    for ty in types.iter().filter(|ty| ty["kind"] == "OBJECT") {
        let parent = ty["name"].as_str().unwrap_or_default();
        for field in ty["fields"].as_array().cloned().unwrap_or_default() {
            let (_, target) = named_type(&field["type"]);
            if !target.ends_with("Connection") {
                continue;
            }
            let name = field["name"].as_str().unwrap_or_default();
            let Some((open, close)) = reach.get(parent) else {
                failures.push(format!("{parent}.{name}: no path from the root reaches {parent}"));
                continue;
            };
            let mut required = Vec::new();
            for arg in field["args"].as_array().cloned().unwrap_or_default() {
                if arg["type"]["kind"] == "NON_NULL" {
                    match sample_argument(&arg["type"], &schema) {
                        Some(value) => required.push(format!("{}: {value}", arg["name"].as_str().unwrap_or_default())),
                        None => failures.push(format!("{parent}.{name}: no sample for argument {}", arg["name"])),
                    }
                }
            }
            let probe = |size: &str| {
                let mut args = required.clone();
                args.push(size.to_owned());
                format!("{{ {open}{name}({}) {{ totalCount }}{close} }}", args.join(", "))
            };
            let results = (
                complexity(probe("first: 1")).await,
                complexity(probe("first: 7")).await,
                complexity(probe("last: 7")).await,
            );
            match results {
                (Ok(one), Ok(seven), Ok(last)) if seven == one + 6 && last == seven => {
                    checked.push(format!("{parent}.{name}"))
                }
                other => failures.push(format!("{parent}.{name}: complexities {other:?} for first 1, first 7, last 7")),
            }
        }
    }
    assert!(failures.is_empty(), "connections not priced by page size:\n{}", failures.join("\n"));
    assert!(checked.len() >= 40, "every connection field was probed: {checked:?}");
}
