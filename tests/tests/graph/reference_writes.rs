//! Reference data (countries, topics, organizations, police institutions, networks): only
//! admins create and change it, and drafts stay hidden until published.

use integration_tests::{TestApp, on_both};
use serde_json::{Value, json};

use crate::people::{People, post_preview};

const CREATE_COUNTRY: &str = "mutation($input: CreateCountryInput!) { createCountry(input: $input) {
    country { id code editorial { status version } } userErrors { field code message } } }";

fn codes(payload: &Value) -> Vec<(String, String)> {
    let mut found: Vec<(String, String)> = payload["userErrors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|error| {
            let path: Vec<&str> = error["field"].as_array().unwrap().iter().map(|p| p.as_str().unwrap()).collect();
            (path.join("."), error["code"].as_str().unwrap().to_owned())
        })
        .collect();
    found.sort();
    found
}

fn pairs(expected: &[(&str, &str)]) -> Vec<(String, String)> {
    expected.iter().map(|(field, code)| ((*field).to_owned(), (*code).to_owned())).collect()
}

async fn admins_create_and_publish_a_country(app: &TestApp) {
    let people = People::create(app).await;
    let input = json!({ "iso3": "XKX", "iso2": "XK", "names": [{ "locale": "EN", "text": "Testland" }],
        "region": "CARIBBEAN", "oasStatus": "ACTIVE", "sources": ["https://www.oas.org/"] });

    let (_, body) = app.post_as(Some(&people.editor), CREATE_COUNTRY, json!({ "input": input })).await;
    assert_eq!(body["errors"][0]["extensions"]["code"], "FORBIDDEN", "editors may not create countries: {body:#}");

    let (_, body) = app.post_as(Some(&people.admin), CREATE_COUNTRY, json!({ "input": input })).await;
    let created = &body["data"]["createCountry"]["country"];
    assert_eq!(created["editorial"]["status"], "DRAFT", "{body:#}");
    assert_eq!(created["code"], "XKX");

    let lookup = r#"{ country(code: "XKX") { id } }"#;
    let hidden = app.post(lookup, json!({})).await;
    assert_eq!(hidden["errors"][0]["extensions"]["code"], "NOT_FOUND", "a draft country is hidden: {hidden:#}");
    let preview = post_preview(app, &people.admin, lookup, json!({})).await;
    assert_eq!(preview["data"]["country"]["id"], created["id"], "admins see it in the preview");
    let by_country = r#"{ publications(filter: { country: "XKX" }) { totalCount } }"#;
    let filtered = app.post(by_country, json!({})).await;
    assert_eq!(
        filtered["errors"][0]["extensions"]["code"], "BAD_USER_INPUT",
        "a filter on a draft country fails as on a missing one: {filtered:#}"
    );

    let (_, body) = app.post_as(Some(&people.admin), CREATE_COUNTRY, json!({ "input": input })).await;
    let duplicate = &body["data"]["createCountry"];
    assert_eq!(codes(duplicate), pairs(&[("input.iso3", "DUPLICATE")]), "{body:#}");

    let publish = "mutation($input: TransitionInput!) { publish(input: $input) { userErrors { code } } }";
    let (_, body) = app
        .post_as(Some(&people.admin), publish, json!({ "input": { "id": created["id"], "expectedVersion": 1 } }))
        .await;
    assert_eq!(body["data"]["publish"]["userErrors"], json!([]), "{body:#}");
    let seen = app.data(lookup, json!({})).await;
    assert_eq!(seen["country"]["id"], created["id"], "the published country is public");
    let filtered = app.data(by_country, json!({})).await;
    assert_eq!(filtered["publications"]["totalCount"], 0, "the filter accepts the published country");
}

on_both!(country_life_cycle, admins_create_and_publish_a_country);

async fn invalid_reference_data_lists_every_problem(app: &TestApp) {
    let people = People::create(app).await;
    let input = json!({ "iso3": "co", "iso2": "COL", "names": [], "region": "SOUTH_AMERICA", "oasStatus": "ACTIVE",
        "oasMemberSince": 1500, "sources": ["ftp://x"] });
    let (_, body) = app.post_as(Some(&people.admin), CREATE_COUNTRY, json!({ "input": input })).await;
    let payload = &body["data"]["createCountry"];
    assert!(payload["country"].is_null(), "{body:#}");
    let expected = [
        ("input.iso2", "INVALID"),
        ("input.iso3", "INVALID"),
        ("input.names", "REQUIRED"),
        ("input.oasMemberSince", "INVALID"),
        ("input.sources.0", "INVALID"),
    ];
    assert_eq!(codes(payload), pairs(&expected), "{body:#}");

    let police = "mutation($input: CreatePoliceInstitutionInput!) { createPoliceInstitution(input: $input) {
        policeInstitution { id } userErrors { field code } } }";
    let colombia = app.data(r#"{ country(code: "COL") { id } }"#, json!({})).await["country"]["id"].clone();
    let input = json!({ "officialName": " ", "officialNameLanguage": "Spanish", "names": [{ "locale": "EN", "text": "X" }],
        "countryId": colombia, "kind": "NATIONAL_POLICE", "level": "NATIONAL", "latitude": 91.0, "longitude": -200.0 });
    let (_, body) = app.post_as(Some(&people.admin), police, json!({ "input": input })).await;
    let expected = [
        ("input.latitude", "INVALID"),
        ("input.longitude", "INVALID"),
        ("input.officialName", "REQUIRED"),
        ("input.officialNameLanguage", "INVALID"),
    ];
    assert_eq!(codes(&body["data"]["createPoliceInstitution"]), pairs(&expected), "{body:#}");

    let organization = "mutation($input: CreateOrganizationInput!) { createOrganization(input: $input) {
        organization { id } userErrors { field code } } }";
    let input = json!({ "names": [{ "locale": "EN", "text": "Not a police force" }], "kind": "POLICE_INSTITUTION" });
    let (_, body) = app.post_as(Some(&people.admin), organization, json!({ "input": input })).await;
    assert_eq!(codes(&body["data"]["createOrganization"]), pairs(&[("input.kind", "INVALID")]), "{body:#}");
}

on_both!(reference_validation, invalid_reference_data_lists_every_problem);

async fn topic_updates_keep_history_and_reject_cycles(app: &TestApp) {
    let people = People::create(app).await;
    let create = "mutation($input: CreateTopicInput!) { createTopic(input: $input) {
        topic { id slug editorial { version } } userErrors { field code } } }";
    let (_, body) = app
        .post_as(
            Some(&people.admin),
            create,
            json!({ "input": { "labels": [{ "locale": "EN", "text": "Gang exit" }] } }),
        )
        .await;
    let parent = body["data"]["createTopic"]["topic"].clone();
    assert_eq!(parent["slug"], "topic-gang-exit", "{body:#}");
    let input = json!({ "labels": [{ "locale": "EN", "text": "Mentoring" }], "parentId": parent["id"] });
    let (_, body) = app.post_as(Some(&people.admin), create, json!({ "input": input })).await;
    let child = body["data"]["createTopic"]["topic"].clone();

    let update = "mutation($input: UpdateTopicInput!) { updateTopic(input: $input) {
        topic { editorial { version } label { text } } userErrors { field code message } } }";
    let cycle = json!({ "id": parent["id"], "expectedVersion": 1, "parentId": child["id"] });
    let (_, body) = app.post_as(Some(&people.admin), update, json!({ "input": cycle })).await;
    assert_eq!(codes(&body["data"]["updateTopic"]), pairs(&[("input.parentId", "INVALID")]), "{body:#}");

    let relabel = json!({ "id": parent["id"], "expectedVersion": 1,
        "labels": [{ "locale": "EN", "text": "Gang exit programs" }, { "locale": "ES", "text": "Salida de pandillas" }] });
    let (_, body) = app.post_as(Some(&people.admin), update, json!({ "input": relabel.clone() })).await;
    assert_eq!(body["data"]["updateTopic"]["topic"]["editorial"]["version"], 2, "{body:#}");
    let (_, body) = app.post_as(Some(&people.admin), update, json!({ "input": relabel })).await;
    assert_eq!(codes(&body["data"]["updateTopic"]), pairs(&[("input.expectedVersion", "CONFLICT")]), "{body:#}");

    let history = post_preview(
        app,
        &people.admin,
        "query($id: ID!) { node(id: $id) { ... on Topic { editorial { revisions { nodes { action changes { field } } } } } } }",
        json!({ "id": parent["id"] }),
    )
    .await;
    let revisions = &history["data"]["node"]["editorial"]["revisions"]["nodes"];
    assert_eq!(revisions[0]["action"], "UPDATE", "{history:#}");
    assert_eq!(revisions[0]["changes"], json!([{ "field": "labels" }]));
    assert_eq!(revisions[1]["action"], "CREATE");

    let (_, body) = app
        .post_as(Some(&people.editor), update, json!({ "input": { "id": parent["id"], "expectedVersion": 2 } }))
        .await;
    assert_eq!(body["errors"][0]["extensions"]["code"], "FORBIDDEN", "editors may not change topics: {body:#}");
}

on_both!(topic_writes, topic_updates_keep_history_and_reject_cycles);

async fn admins_update_a_network(app: &TestApp) {
    let people = People::create(app).await;
    let update = "mutation($input: UpdateNetworkInput!) { updateNetwork(input: $input) {
        network { acronym website editorial { version } } userErrors { field code } } }";
    let input = json!({ "id": people.police, "expectedVersion": 1,
        "fields": { "website": "https://www.oas.org/redppol", "pillars": ["Training", "Quality"] } });
    let (_, body) = app.post_as(Some(&people.police_editor), update, json!({ "input": input.clone() })).await;
    assert_eq!(
        body["errors"][0]["extensions"]["code"], "FORBIDDEN",
        "network editors may not change the network: {body:#}"
    );

    let (_, body) = app.post_as(Some(&people.admin), update, json!({ "input": input })).await;
    let network = &body["data"]["updateNetwork"]["network"];
    assert_eq!(network["website"], "https://www.oas.org/redppol", "{body:#}");
    assert_eq!(network["editorial"]["version"], 2);
    let pillars = app.data(r#"{ networks(search: "redppol") { nodes { pillars } } }"#, json!({})).await;
    assert_eq!(pillars["networks"]["nodes"][0]["pillars"], json!(["Training", "Quality"]), "{pillars:#}");

    let bad = json!({ "id": people.police, "expectedVersion": 2, "fields": { "website": "redppol", "names": [] } });
    let (_, body) = app.post_as(Some(&people.admin), update, json!({ "input": bad })).await;
    let expected = [("input.fields.names", "REQUIRED"), ("input.fields.website", "INVALID")];
    assert_eq!(codes(&body["data"]["updateNetwork"]), pairs(&expected), "{body:#}");
}

on_both!(network_update, admins_update_a_network);
