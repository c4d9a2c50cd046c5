//! Client errors carry a stable code and a message that names the value and the fix.

use integration_tests::{TestApp, on_both};
use serde_json::json;

async fn bad_arguments_get_coded_errors(app: &TestApp) {
    let cases = [
        ("{ countries(first: 101) { totalCount } }", "BAD_USER_INPUT", "101"),
        ("{ countries(first: -1) { totalCount } }", "BAD_USER_INPUT", "-1"),
        ("{ countries(first: 2, last: 2) { totalCount } }", "BAD_USER_INPUT", "not both"),
        (r#"{ countries(after: "garbage") { totalCount } }"#, "BAD_USER_INPUT", "garbage"),
        (r#"{ node(id: "not-an-id") { id } }"#, "BAD_USER_INPUT", "not-an-id"),
        (r#"{ country(code: "XYZ") { code } }"#, "NOT_FOUND", "XYZ"),
        (r#"{ course(code: "NOPE-1") { code } }"#, "NOT_FOUND", "NOPE-1"),
        (r#"{ publications(filter: { country: "ZZZ" }) { totalCount } }"#, "BAD_USER_INPUT", "ZZZ"),
        (r#"{ publications(filter: { topic: "topic-nothing" }) { totalCount } }"#, "BAD_USER_INPUT", "topic-nothing"),
        (r#"{ country(code: "COL") { initiatives(first: 500) { totalCount } } }"#, "BAD_USER_INPUT", "500"),
    ];
    for (query, code, named) in cases {
        let error = app.error(query, json!({})).await;
        assert_eq!(error["extensions"]["code"], code, "{query}: {error}");
        let message = error["message"].as_str().unwrap();
        assert!(message.contains(named), "{query}: message {message:?} should name {named:?}");
    }
}
on_both!(coded_errors, bad_arguments_get_coded_errors);

async fn cursor_of_another_ordering_is_rejected(app: &TestApp) {
    let data = app.data("{ publications(orderBy: NEWEST, first: 1) { pageInfo { endCursor } } }", json!({})).await;
    let cursor = data["publications"]["pageInfo"]["endCursor"].clone();
    let error = app
        .error("query($c: String) { publications(orderBy: TITLE, after: $c) { totalCount } }", json!({ "c": cursor }))
        .await;
    assert_eq!(error["extensions"]["code"], "BAD_USER_INPUT");
    assert!(error["message"].as_str().unwrap().contains("NEWEST"));
}
on_both!(cursor_ordering, cursor_of_another_ordering_is_rejected);

async fn executor_errors_get_codes_too(app: &TestApp) {
    let cases = [
        ("{ countries { nope } }", "GRAPHQL_VALIDATION_FAILED"),
        ("{ countries(first: \"ten\") { totalCount } }", "GRAPHQL_VALIDATION_FAILED"),
        ("{ countries( }", "GRAPHQL_VALIDATION_FAILED"),
        (
            r#"{ qualityCertification(slug: "cert-pep-bcs-mex-calea") { validity(date: "31/01/2025") } }"#,
            "GRAPHQL_VALIDATION_FAILED",
        ),
    ];
    for (query, code) in cases {
        let error = app.error(query, json!({})).await;
        assert_eq!(error["extensions"]["code"], code, "{query}: {error}");
    }
    let error = app
        .error(
            "query($d: Date!) { qualityCertification(slug: \"cert-pep-bcs-mex-calea\") { validity(date: $d) } }",
            json!({ "d": "yesterday" }),
        )
        .await;
    assert!(error["extensions"]["code"].is_string(), "{error}");
}
on_both!(executor_codes, executor_errors_get_codes_too);

async fn cursor_of_another_list_is_rejected(app: &TestApp) {
    let data = app.data("{ courses(first: 1) { pageInfo { endCursor } } }", json!({})).await;
    let cursor = data["courses"]["pageInfo"]["endCursor"].clone();
    let error = app.error("query($c: String) { countries(after: $c) { totalCount } }", json!({ "c": cursor })).await;
    assert_eq!(error["extensions"]["code"], "BAD_USER_INPUT");
    assert!(error["message"].as_str().unwrap().contains("courses by NAME"), "{error}");
}
on_both!(cursor_list, cursor_of_another_list_is_rejected);

async fn expensive_query_is_rejected_before_running(app: &TestApp) {
    let nested = "countries(first: 100) { nodes { initiatives(first: 100) { nodes { slug countries { code } } } } }";
    let error = app.error(&format!("{{ {nested} }}"), json!({})).await;
    assert_eq!(error["extensions"]["code"], "QUERY_TOO_COMPLEX", "{error}");
    assert!(error["message"].as_str().unwrap().contains("20000"), "the message names the limit: {error}");

    let deep = "{ topics { nodes { parent { parent { parent { parent { parent { parent { parent { parent { parent { parent { parent { parent { parent { parent { slug } } } } } } } } } } } } } } } } }";
    let error = app.error(deep, json!({})).await;
    assert_eq!(error["extensions"]["code"], "QUERY_TOO_COMPLEX", "{error}");

    let data = app.data("{ countries(first: 1) { totalCount } }", json!({})).await;
    assert_eq!(data["countries"]["totalCount"], 35, "the server still answers");
}
on_both!(too_complex, expensive_query_is_rejected_before_running);

async fn malformed_body_gets_a_coded_400(app: &TestApp) {
    for body in ["{\"query\": ", "[1, 2]", "not json at all"] {
        let response =
            app.client().post(app.url()).header("Content-Type", "application/json").body(body).send().await.unwrap();
        assert_eq!(response.status(), 400, "{body}");
        let json: serde_json::Value = response.json().await.unwrap();
        assert_eq!(json["errors"][0]["extensions"]["code"], "BAD_REQUEST", "{body}: {json}");
    }
}
on_both!(malformed_body, malformed_body_gets_a_coded_400);

async fn bad_date_variable_fails_before_execution(app: &TestApp) {
    let query =
        r#"query($d: Date!) { policeInstitution(slug: "inst-pep-bcs-mex") { certifications { validity(date: $d) } } }"#;
    for bad in ["2026/12/04", "2026-12-4", "tomorrow"] {
        let response = app.post(query, json!({ "d": bad })).await;
        assert!(response.get("data").is_none_or(serde_json::Value::is_null), "no field ran for {bad}: {response}");
        let errors = response["errors"].as_array().unwrap();
        assert_eq!(errors.len(), 1, "one error for {bad}: {response}");
        assert_eq!(errors[0]["extensions"]["code"], "GRAPHQL_VALIDATION_FAILED", "{bad}");
        assert!(errors[0]["message"].as_str().unwrap().contains("YYYY-MM-DD"), "{bad}: {response}");
    }
    let data = app.data(query, json!({ "d": "2026-12-04" })).await;
    assert_eq!(data["policeInstitution"]["certifications"][0]["validity"], "VALID");
}
on_both!(bad_date, bad_date_variable_fails_before_execution);

async fn misspelt_enum_lists_the_values(app: &TestApp) {
    let error = app.error("{ initiatives(filter: { evidenceLevels: [EFECTIVE] }) { totalCount } }", json!({})).await;
    let message = error["message"].as_str().unwrap();
    assert!(message.contains("EFFECTIVE, PROMISING"), "{message}");
    assert_eq!(error["extensions"]["code"], "GRAPHQL_VALIDATION_FAILED");
}
on_both!(enum_hint, misspelt_enum_lists_the_values);

async fn syntax_error_reads_as_a_sentence(app: &TestApp) {
    let error = app.error("{ countries( }", json!({})).await;
    let message = error["message"].as_str().unwrap();
    assert!(message.starts_with("The query has a syntax error at line 1"), "{message}");
    assert!(!message.contains('\n'), "{message}");
    let response = app.client().post(app.url()).json(&json!({ "foo": 1 })).send().await.unwrap();
    assert_eq!(response.status(), 400);
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body["errors"][0]["extensions"]["code"], "BAD_REQUEST");
}
on_both!(syntax_error, syntax_error_reads_as_a_sentence);

async fn an_oversized_body_is_refused_before_it_is_read(app: &TestApp) {
    let padding = "x".repeat(api::app::MAX_BODY_BYTES);
    let body =
        serde_json::to_vec(&json!({ "query": "{ requestLocale }", "variables": { "padding": padding } })).unwrap();
    let response = app.client().post(app.url()).header("Content-Type", "application/json").body(body).send().await;
    match response {
        Ok(response) => assert_eq!(response.status().as_u16(), 413),
        // The server may answer 413 and close the connection before the client has
        // written the whole body; the client then sees the write fail instead.
        Err(err) => assert!(err.is_request(), "{err:?}"),
    }
    let data = app.data("{ requestLocale }", json!({})).await;
    assert!(data["requestLocale"].is_string(), "the server keeps answering");
}
on_both!(oversized_body, an_oversized_body_is_refused_before_it_is_read);

/// Checks one response: its whole `data`, and one error per expected path.
fn assert_field_errors(response: &serde_json::Value, data: serde_json::Value, paths: &[serde_json::Value]) {
    assert_eq!(response["data"], data, "{response:#}");
    let errors = response["errors"].as_array().unwrap_or_else(|| panic!("expected errors, got {response:#}"));
    let found: Vec<&serde_json::Value> = errors.iter().map(|error| &error["path"]).collect();
    assert_eq!(found, paths.iter().collect::<Vec<_>>(), "{response:#}");
}

async fn failed_fields_become_null(app: &TestApp) {
    // A nullable field that fails is null, beside the fields that succeeded.
    let response = app.post(r#"{ a: node(id: "garbage") { id } b: country(code: "COL") { code } }"#, json!({})).await;
    assert_field_errors(&response, json!({ "a": null, "b": { "code": "COL" } }), &[json!(["a"])]);

    let response = app.post(r#"{ node(id: "garbage") { id } }"#, json!({})).await;
    assert_field_errors(&response, json!({ "node": null }), &[json!(["node"])]);

    // A non-null field that fails makes its nullable parent null (`node`, unlike
    // `country(code:)`, is nullable).
    let response = app
        .post(
            r#"{ requestLocale country: node(id: "Q291bnRyeTox") {
                ... on Country { code policeInstitutions(first: 101) { totalCount } } } }"#,
            json!({}),
        )
        .await;
    assert_field_errors(
        &response,
        json!({ "requestLocale": "EN", "country": null }),
        &[json!(["country", "policeInstitutions"])],
    );

    // Through non-null list items and a non-null root field, the null reaches `data`.
    let response = app
        .post(
            "{ requestLocale countries(first: 2) { nodes { code policeInstitutions(first: 101) { totalCount } } } }",
            json!({}),
        )
        .await;
    assert_field_errors(
        &response,
        serde_json::Value::Null,
        &[
            json!(["countries", "nodes", 0, "policeInstitutions"]),
            json!(["countries", "nodes", 1, "policeInstitutions"]),
        ],
    );

    let response = app.post("{ requestLocale countries(first: 101) { totalCount } }", json!({})).await;
    assert_field_errors(&response, serde_json::Value::Null, &[json!(["countries"])]);
}
on_both!(failed_fields, failed_fields_become_null);
