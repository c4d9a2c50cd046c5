//! The editorial write path: life cycle, visibility everywhere a record appears, preview,
//! validation, versions, revision history and personal data.

use integration_tests::{TestApp, on_both};
use serde_json::{Value, json};

use crate::people::{PAYLOAD, People, create_draft, global_id, post_preview, transition};

/// Everywhere an anonymous caller could meet a publication: node, lookup by slug, the root
/// list and its count, and a nested connection with its count.
async fn sightings(app: &TestApp, token: Option<&str>, headers: &[(&str, &str)], id: &str, slug: &str) -> Value {
    let query = "query($id: ID!) {
        node(id: $id) { id }
        all: publications(first: 100) { totalCount nodes { slug } }
        country(code: \"CO\") { publications(first: 100) { totalCount nodes { slug } } }
    }";
    let authorization = token.map(|token| format!("Bearer {token}"));
    let mut all_headers = headers.to_vec();
    if let Some(value) = &authorization {
        all_headers.push(("Authorization", value.as_str()));
    }
    let (_, body) = app.post_with_headers(query, json!({ "id": id }), &all_headers).await;
    assert!(body.get("errors").is_none(), "unexpected errors: {body:#}");
    let data = &body["data"];
    let listed = |connection: &Value| connection["nodes"].as_array().unwrap().iter().any(|node| node["slug"] == slug);
    json!({
        "node": !data["node"].is_null(),
        "listed": listed(&data["all"]),
        "nested": listed(&data["country"]["publications"]),
        "total": data["all"]["totalCount"],
        "nestedTotal": data["country"]["publications"]["totalCount"],
    })
}

async fn country_id(app: &TestApp, code: &str) -> String {
    let data = app.data("query($code: String!) { country(code: $code) { id } }", json!({ "code": code })).await;
    data["country"]["id"].as_str().unwrap().to_owned()
}

async fn editor_takes_a_publication_through_its_life_cycle(app: &TestApp) {
    let people = People::create(app).await;
    let colombia = country_id(app, "CO").await;
    let before = sightings(app, None, &[], "UHVibGljYXRpb246OTk5OQ", "none").await;

    let (_, body) = app
        .post_as(
            Some(&people.editor),
            &format!("mutation($input: CreatePublicationInput!) {{ createPublication(input: $input) {{ {PAYLOAD} }} }}"),
            json!({ "input": {
                "networkId": people.prevention,
                "titles": [{ "locale": "ES", "text": "Guía municipal de prevención" }, { "locale": "EN", "text": "Municipal prevention guide" }],
                "kind": "GUIDE",
                "originalLanguage": "es",
                "countryIds": [colombia],
                "year": 2026,
            } }),
        )
        .await;
    let created = &body["data"]["createPublication"]["publication"];
    assert_eq!(created["editorial"]["status"], "DRAFT", "{body:#}");
    assert_eq!(created["editorial"]["version"], 1);
    assert_eq!(created["slug"], "municipal-prevention-guide", "the slug comes from the English title");
    let id = created["id"].as_str().unwrap().to_owned();
    let slug = created["slug"].as_str().unwrap().to_owned();

    let hidden = json!({ "node": false, "listed": false, "nested": false,
        "total": before["total"], "nestedTotal": before["nestedTotal"] });
    assert_eq!(sightings(app, None, &[], &id, &slug).await, hidden, "anonymous callers never see a draft");
    assert_eq!(sightings(app, Some(&people.member), &[], &id, &slug).await, hidden, "members never see a draft");
    let total = before["total"].as_i64().unwrap() + 1;
    let nested_total = before["nestedTotal"].as_i64().unwrap() + 1;
    let seen = json!({ "node": true, "listed": true, "nested": true, "total": total, "nestedTotal": nested_total });
    let preview = [("Preview", "drafts")];
    assert_eq!(
        sightings(app, Some(&people.editor), &preview, &id, &slug).await,
        seen,
        "the preview shows the draft in every list, count and nested field"
    );

    let submitted = transition(app, &people.editor, "submitForReview", &id, 1).await;
    assert_eq!(submitted["publication"]["editorial"]["status"], "IN_REVIEW", "{submitted:#}");
    assert_eq!(sightings(app, None, &[], &id, &slug).await, hidden, "a record in review stays hidden");

    let published = transition(app, &people.editor, "publish", &id, 2).await;
    assert_eq!(published["publication"]["editorial"]["status"], "PUBLISHED", "{published:#}");
    assert_eq!(sightings(app, None, &[], &id, &slug).await, seen, "a published public record is seen by everyone");

    let archived = transition(app, &people.editor, "archive", &id, 3).await;
    assert_eq!(archived["publication"]["editorial"]["status"], "ARCHIVED", "{archived:#}");
    assert_eq!(sightings(app, None, &[], &id, &slug).await, hidden, "an archived record is hidden");
    assert_eq!(
        sightings(app, Some(&people.editor), &preview, &id, &slug).await,
        seen,
        "editors preview archived records"
    );

    let again = transition(app, &people.editor, "archive", &id, 4).await;
    assert_eq!(again["userErrors"][0]["code"], "INVALID_TRANSITION", "{again:#}");

    let restored = transition(app, &people.editor, "restore", &id, 4).await;
    assert_eq!(restored["publication"]["editorial"]["status"], "DRAFT", "{restored:#}");
    assert_eq!(restored["publication"]["editorial"]["version"], 5);

    let history = post_preview(
        app,
        &people.editor,
        "query($id: ID!) { node(id: $id) { ... on Publication { editorial { revisions { totalCount nodes { version action actor changes { field oldValue newValue } } } } } } }",
        json!({ "id": id }),
    )
    .await;
    let revisions = &history["data"]["node"]["editorial"]["revisions"];
    assert_eq!(revisions["totalCount"], 5, "{history:#}");
    let actions: Vec<&str> =
        revisions["nodes"].as_array().unwrap().iter().map(|r| r["action"].as_str().unwrap()).collect();
    assert_eq!(actions, ["RESTORE", "ARCHIVE", "PUBLISH", "SUBMIT", "CREATE"], "newest first");
    let publish = &revisions["nodes"][2];
    assert_eq!(publish["actor"], "Erin Editor (API token \"test token\")");
    assert_eq!(publish["changes"], json!([{ "field": "status", "oldValue": "in_review", "newValue": "published" }]));
    let create = &revisions["nodes"][4];
    let year = create["changes"].as_array().unwrap().iter().find(|change| change["field"] == "year").unwrap();
    assert_eq!(year["newValue"], 2026);
}

on_both!(life_cycle, editor_takes_a_publication_through_its_life_cycle);

async fn members_only_content_stays_with_members(app: &TestApp) {
    let people = People::create(app).await;
    let colombia = country_id(app, "CO").await;
    let draft = create_draft(app, &people.editor, &people.prevention, "Internal protocol", "MEMBERS_ONLY").await;
    let id = draft["id"].as_str().unwrap().to_owned();
    let update = app
        .post_as(
            Some(&people.editor),
            &format!(
                "mutation($input: UpdatePublicationInput!) {{ updatePublication(input: $input) {{ {PAYLOAD} }} }}"
            ),
            json!({ "input": { "id": id, "expectedVersion": 1, "countryIds": [colombia] } }),
        )
        .await
        .1;
    assert_eq!(update["data"]["updatePublication"]["publication"]["editorial"]["version"], 2, "{update:#}");
    transition(app, &people.editor, "publish", &id, 2).await;

    let anonymous = sightings(app, None, &[], &id, "internal-protocol").await;
    assert_eq!(anonymous["node"], false);
    assert_eq!(anonymous["listed"], false);
    assert_eq!(anonymous["nested"], false);
    let member = sightings(app, Some(&people.member), &[], &id, "internal-protocol").await;
    assert_eq!(member["node"], true);
    assert_eq!(member["listed"], true);
    assert_eq!(member["nested"], true);
    assert_eq!(member["total"].as_i64().unwrap(), anonymous["total"].as_i64().unwrap() + 1, "counts differ by one");
    assert_eq!(member["nestedTotal"].as_i64().unwrap(), anonymous["nestedTotal"].as_i64().unwrap() + 1);

    let lookup = app.post(r#"{ publication(slug: "internal-protocol") { id } }"#, json!({})).await;
    assert_eq!(lookup["errors"][0]["extensions"]["code"], "NOT_FOUND", "the slug lookup hides it: {lookup:#}");
    let (_, lookup) =
        app.post_as(Some(&people.member), r#"{ publication(slug: "internal-protocol") { id } }"#, json!({})).await;
    assert_eq!(lookup["data"]["publication"]["id"], id);
}

on_both!(members_only, members_only_content_stays_with_members);

async fn invalid_input_lists_every_problem_and_writes_nothing(app: &TestApp) {
    let people = People::create(app).await;
    let count = "{ publications { totalCount } }";
    let before = app.post_as(Some(&people.admin), count, json!({})).await.1;
    let (_, body) = app
        .post_as(
            Some(&people.editor),
            &format!(
                "mutation($input: CreatePublicationInput!) {{ createPublication(input: $input) {{ {PAYLOAD} }} }}"
            ),
            json!({ "input": {
                "networkId": people.prevention,
                "slug": "Bad Slug",
                "titles": [{ "locale": "EN", "text": "  " }, { "locale": "EN", "text": "Twice" }],
                "kind": "GUIDE",
                "originalLanguage": "english",
                "year": 1200,
                "links": [{ "url": "www.oas.org" }],
                "topicIds": ["VG9waWM6OTk5OTk"],
                "countryIds": [people.prevention],
                "identifiers": [{ "scheme": "issn", "value": "1234" }],
            } }),
        )
        .await;
    let payload = &body["data"]["createPublication"];
    assert!(payload["publication"].is_null(), "{body:#}");
    let mut problems: Vec<(String, String)> = payload["userErrors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|error| {
            let field: Vec<&str> =
                error["field"].as_array().unwrap().iter().map(|part| part.as_str().unwrap()).collect();
            (field.join("."), error["code"].as_str().unwrap().to_owned())
        })
        .collect();
    problems.sort();
    let expected = [
        ("input.countryIds.0", "INVALID"),
        ("input.identifiers.0.scheme", "INVALID"),
        ("input.links.0.url", "INVALID"),
        ("input.originalLanguage", "INVALID"),
        ("input.slug", "INVALID"),
        ("input.titles.0.text", "REQUIRED"),
        ("input.titles.1.locale", "INVALID"),
        ("input.topicIds.0", "NOT_FOUND"),
        ("input.year", "INVALID"),
    ];
    let expected: Vec<(String, String)> = expected.iter().map(|(f, c)| ((*f).to_owned(), (*c).to_owned())).collect();
    assert_eq!(problems, expected, "{body:#}");
    for error in payload["userErrors"].as_array().unwrap() {
        assert!(error["message"].as_str().unwrap().len() > 20, "each message explains the fix: {error}");
    }
    let after = app.post_as(Some(&people.admin), count, json!({})).await.1;
    assert_eq!(before, after, "nothing was written");
}

on_both!(validation, invalid_input_lists_every_problem_and_writes_nothing);

async fn stale_version_is_rejected_with_the_current_one(app: &TestApp) {
    let people = People::create(app).await;
    let draft = create_draft(app, &people.editor, &people.prevention, "Versioned", "PUBLIC").await;
    let id = draft["id"].as_str().unwrap();
    let update =
        |version: i64, series: &str| json!({ "input": { "id": id, "expectedVersion": version, "series": series } });
    let query = "mutation($input: UpdatePublicationInput!) { updatePublication(input: $input) { publication { editorial { version } series } userErrors { field code message } } }";
    let first = app.post_as(Some(&people.editor), query, update(1, "First")).await.1;
    assert_eq!(
        first["data"]["updatePublication"]["publication"],
        json!({ "editorial": { "version": 2 }, "series": "First" })
    );
    let stale = app.post_as(Some(&people.admin), query, update(1, "Stale")).await.1;
    let payload = &stale["data"]["updatePublication"];
    assert_eq!(payload["userErrors"][0]["code"], "CONFLICT", "{stale:#}");
    assert_eq!(payload["userErrors"][0]["field"], json!(["input", "expectedVersion"]));
    assert!(payload["userErrors"][0]["message"].as_str().unwrap().contains("version 2"));
    assert_eq!(
        payload["publication"],
        json!({ "editorial": { "version": 2 }, "series": "First" }),
        "the current state comes back"
    );

    let cleared = app
        .post_as(Some(&people.editor), query, json!({ "input": { "id": id, "expectedVersion": 2, "series": null } }))
        .await
        .1;
    assert_eq!(
        cleared["data"]["updatePublication"]["publication"],
        json!({ "editorial": { "version": 3 }, "series": null })
    );
}

on_both!(versions, stale_version_is_rejected_with_the_current_one);

async fn concurrent_updates_of_one_version_let_one_win(app: &TestApp) {
    let people = People::create(app).await;
    let draft = create_draft(app, &people.editor, &people.prevention, "Contested", "PUBLIC").await;
    let id = draft["id"].as_str().unwrap().to_owned();
    let query = "mutation($input: UpdatePublicationInput!) { updatePublication(input: $input) { publication { editorial { version } series } userErrors { code } } }";
    let tokens = [&people.editor, &people.admin, &people.editor, &people.admin, &people.editor, &people.admin];
    let attempts = tokens.iter().enumerate().map(|(i, token)| {
        let variables = json!({ "input": { "id": id, "expectedVersion": 1, "series": format!("Edit {i}") } });
        async move { app.post_as(Some(token), query, variables).await.1 }
    });
    let results = integration_tests::join_all(attempts).await;
    let mut winners = Vec::new();
    let mut conflicts = 0;
    for result in &results {
        let payload = &result["data"]["updatePublication"];
        match payload["userErrors"].as_array().map(Vec::len) {
            Some(0) => winners.push(payload["publication"]["series"].as_str().unwrap().to_owned()),
            _ => {
                assert_eq!(payload["userErrors"][0]["code"], "CONFLICT", "{result:#}");
                conflicts += 1;
            }
        }
    }
    assert_eq!(winners.len(), 1, "exactly one update wins: {results:#?}");
    assert_eq!(conflicts, tokens.len() - 1);
    let stored = post_preview(
        app,
        &people.editor,
        "query($id: ID!) { node(id: $id) { ... on Publication { series editorial { version revisions { totalCount } } } } }",
        json!({ "id": id }),
    )
    .await;
    assert_eq!(stored["data"]["node"]["editorial"]["version"], 2);
    assert_eq!(stored["data"]["node"]["series"], winners[0].as_str(), "the winner's change is stored");
    assert_eq!(
        stored["data"]["node"]["editorial"]["revisions"]["totalCount"], 2,
        "one create and one update are recorded"
    );
}

on_both!(concurrent_updates, concurrent_updates_of_one_version_let_one_win);

async fn burst_of_creates_is_all_or_nothing_per_mutation(app: &TestApp) {
    let people = People::create(app).await;
    let topic = app.data("{ topics(first: 1) { nodes { id } } }", json!({})).await["topics"]["nodes"][0]["id"].clone();
    let query =
        format!("mutation($input: CreatePublicationInput!) {{ createPublication(input: $input) {{ {PAYLOAD} }} }}");
    let attempts = (0..40).map(|i| {
        // Every fourth create names a topic that does not exist and must leave nothing behind.
        let topics = if i % 4 == 3 { json!(["VG9waWM6OTk5OTk"]) } else { json!([topic]) };
        let variables = json!({ "input": {
            "networkId": people.prevention,
            "titles": [{ "locale": "EN", "text": format!("Burst {i}") }],
            "kind": "REPORT",
            "originalLanguage": "en",
            "topicIds": topics,
        } });
        let query = query.clone();
        let token = people.editor.clone();
        async move { app.post_as(Some(&token), &query, variables).await.1 }
    });
    let results = integration_tests::join_all(attempts).await;
    let created = results.iter().filter(|r| !r["data"]["createPublication"]["publication"].is_null()).count();
    for result in &results {
        assert!(result.get("errors").is_none(), "no request failed: {result:#}");
    }
    assert_eq!(created, 30, "the 30 valid creates succeed and the 10 invalid ones fail");
    let check = app
        .post_as(
            Some(&people.editor),
            r#"{ publications(first: 100, filter: { search: "Burst" }) { totalCount nodes { topics { id } editorial { revisions { totalCount } } } } }"#,
            json!({}),
        )
        .await
        .1;
    let found = &check["data"]["publications"];
    assert_eq!(found["totalCount"], 0, "drafts stay hidden without the preview: {check:#}");
    let (_, check) = app
        .post_with_headers(
            r#"{ publications(first: 100, filter: { search: "Burst" }) { totalCount nodes { topics { id } editorial { revisions { totalCount } } } } }"#,
            json!({}),
            &[("Authorization", &format!("Bearer {}", people.editor)), ("Preview", "drafts")],
        )
        .await;
    let found = &check["data"]["publications"];
    assert_eq!(found["totalCount"], 30, "{check:#}");
    for node in found["nodes"].as_array().unwrap() {
        assert_eq!(node["topics"], json!([{ "id": topic }]), "each create wrote its links");
        assert_eq!(node["editorial"]["revisions"]["totalCount"], 1, "each create recorded its revision");
    }
}

on_both!(create_burst, burst_of_creates_is_all_or_nothing_per_mutation);

async fn personal_data_is_guarded_on_every_path(app: &TestApp) {
    let people = People::create(app).await;
    let member_id = global_id("Member", people.member_id);
    let editor_id = global_id("Member", people.editor_id);
    let query = "query($ids: [ID!]!) {
        viewer { email }
        nodes(ids: $ids) { ... on Member { displayName email } }
        members(first: 100) { nodes { displayName email } }
    }";
    let (_, body) = app.post_as(Some(&people.member), query, json!({ "ids": [member_id, editor_id] })).await;
    assert_eq!(body["data"]["viewer"]["email"], "alice.member@example.org", "members read their own email");
    assert_eq!(body["data"]["nodes"][0]["email"], "alice.member@example.org");
    assert!(body["data"]["nodes"][1]["email"].is_null(), "another member's email is withheld");
    let errors = body["errors"].as_array().unwrap();
    assert!(errors.iter().all(|error| error["extensions"]["code"] == "FORBIDDEN"), "{body:#}");
    let withheld_paths: Vec<&Value> = errors.iter().map(|error| &error["path"]).collect();
    assert!(withheld_paths.contains(&&json!(["nodes", 1, "email"])), "{body:#}");
    let listed = body["data"]["members"]["nodes"].as_array().unwrap();
    let others = listed.iter().filter(|node| node["displayName"] != "Alice Member").count();
    assert_eq!(errors.len(), 1 + others, "one error per withheld email: {body:#}");

    let (_, body) = app.post_as(Some(&people.admin), query, json!({ "ids": [member_id, editor_id] })).await;
    assert!(body.get("errors").is_none(), "admins read every email: {body:#}");
    assert_eq!(body["data"]["nodes"][1]["email"], "erin.editor@example.org");

    // Without `members`, which anonymous callers may not list and whose failure, being
    // non-null, would make all of `data` null.
    let anonymous_query = "query($ids: [ID!]!) { viewer { email } nodes(ids: $ids) { ... on Member { email } } }";
    let (_, body) = app.post_as(None, anonymous_query, json!({ "ids": [member_id, editor_id] })).await;
    assert!(body["data"]["viewer"].is_null());
    assert_eq!(body["data"]["nodes"], json!([null, null]), "anonymous callers cannot reach members at all");
}

on_both!(personal_data, personal_data_is_guarded_on_every_path);

async fn offerings_are_hidden_with_their_course(app: &TestApp) {
    let people = People::create(app).await;
    let course =
        r#"{ course(code: "REDPPOL-OS") { id editorial { version } offerings(first: 100) { nodes { id } } } }"#;
    let data = app.data(course, json!({})).await;
    let offering = data["course"]["offerings"]["nodes"][0]["id"].clone();
    assert!(offering.is_string(), "the seed course has offerings: {data:#}");
    let node = "query($id: ID!) { node(id: $id) { id } }";
    assert_eq!(app.data(node, json!({ "id": offering })).await["node"]["id"], offering);

    let archive = "mutation($input: TransitionInput!) { archive(input: $input) { userErrors { code } } }";
    let input = json!({ "id": data["course"]["id"], "expectedVersion": data["course"]["editorial"]["version"] });
    let (_, body) = app.post_as(Some(&people.admin), archive, json!({ "input": input })).await;
    assert_eq!(body["data"]["archive"]["userErrors"], json!([]), "{body:#}");

    let hidden = app.data(node, json!({ "id": offering })).await;
    assert!(hidden["node"].is_null(), "a published offering of an archived course is hidden: {hidden:#}");
    let listed = app.data("{ courseOfferings(first: 100) { nodes { id } } }", json!({})).await;
    let ids: Vec<&Value> = listed["courseOfferings"]["nodes"].as_array().unwrap().iter().map(|n| &n["id"]).collect();
    assert!(!ids.contains(&&offering), "the root list leaves it out too");
}

on_both!(offerings_follow_course, offerings_are_hidden_with_their_course);
