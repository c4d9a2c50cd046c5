//! Creating and updating initiatives with their evidence ratings: drafts, validation,
//! permissions, revision history, versions and publishing.

use entities::{evidence_ratings, initiatives, revisions};
use integration_tests::{TestApp, on_both};
use sea_orm::{EntityTrait, PaginatorTrait};
use serde_json::{Value, json};

use crate::people::{People, post_preview};

/// The initiative fields these tests read.
const FIELDS: &str = "id slug kind international startYear endYear jurisdiction notes
    countries { id } participatingCountries { id } implementingOrganizations { id } partnerOrganizations { id }
    topics { id } network { id }
    evidence { outcome registry level studyCount reviewed { text precision } sourceUrl }
    editorial { status visibility version }";

/// Records the tests link to, by global id.
struct Refs {
    colombia: String,
    brazil: String,
    topic: String,
    organizations: [String; 2],
}

impl Refs {
    async fn read(app: &TestApp) -> Refs {
        let data = app
            .data(
                r#"{ co: country(code: "CO") { id } br: country(code: "BR") { id }
                    topics(first: 1) { nodes { id } } organizations(first: 2) { nodes { id } } }"#,
                json!({}),
            )
            .await;
        let id = |value: &Value| value.as_str().unwrap().to_owned();
        Refs {
            colombia: id(&data["co"]["id"]),
            brazil: id(&data["br"]["id"]),
            topic: id(&data["topics"]["nodes"][0]["id"]),
            organizations: [id(&data["organizations"]["nodes"][0]["id"]), id(&data["organizations"]["nodes"][1]["id"])],
        }
    }
}

/// Builds a complete, valid creation input owned by `network`.
fn valid_input(network: &str, refs: &Refs) -> Value {
    json!({
        "networkId": network,
        "names": [{ "locale": "EN", "text": "Safe Schools Program" }, { "locale": "ES", "text": "Programa Escuelas Seguras" }],
        "officialName": "Programa Escuelas Seguras",
        "originalLanguage": "es",
        "kind": "PROGRAM",
        "countryIds": [refs.colombia],
        "participatingCountryIds": [refs.brazil],
        "jurisdiction": "Medellín",
        "startYear": 2015,
        "endYear": 2020,
        "organizations": [
            { "organizationId": refs.organizations[0], "role": "IMPLEMENTING" },
            { "organizationId": refs.organizations[1], "role": "PARTNER" },
        ],
        "topicIds": [refs.topic],
        "summaries": [{ "locale": "EN", "text": "Mentoring and safe routes for pupils." }],
        "evidence": [
            {
                "outcome": "homicides",
                "level": "PROMISING",
                "studyCount": 2,
                "reviewed": "2019-05",
                "sourceUrl": "https://www.oas.org/evaluation",
            },
            { "level": "NOT_EVALUATED" },
        ],
        "sources": ["https://www.oas.org/"],
    })
}

/// Runs `createInitiative` or `updateInitiative` as `token`, with the `Preview: drafts`
/// header when `preview` is set. An editor's mutation shows a draft's nested lists, such as
/// its evidence, in the payload even without the header.
async fn mutate(app: &TestApp, token: &str, mutation: &str, input: Value, preview: bool) -> Value {
    let input_type = if mutation == "createInitiative" { "CreateInitiativeInput" } else { "UpdateInitiativeInput" };
    let query = format!(
        "mutation($input: {input_type}!) {{ {mutation}(input: $input) {{
            initiative {{ {FIELDS} }} userErrors {{ field code message }} }} }}"
    );
    let authorization = format!("Bearer {token}");
    let mut headers = vec![("Authorization", authorization.as_str())];
    if preview {
        headers.push(("Preview", "drafts"));
    }
    let (status, body) = app.post_with_headers(&query, json!({ "input": input }), &headers).await;
    assert_eq!(status, 200, "{body:#}");
    body
}

async fn create(app: &TestApp, token: &str, input: Value) -> Value {
    mutate(app, token, "createInitiative", input, false).await
}

async fn update(app: &TestApp, token: &str, input: Value) -> Value {
    mutate(app, token, "updateInitiative", input, false).await
}

/// Creates a valid draft as `token`, an editor, and returns the initiative.
async fn create_draft(app: &TestApp, token: &str, network: &str, refs: &Refs) -> Value {
    let body = mutate(app, token, "createInitiative", valid_input(network, refs), false).await;
    assert!(body.get("errors").is_none(), "unexpected errors: {body:#}");
    let payload = &body["data"]["createInitiative"];
    assert_eq!(payload["userErrors"], json!([]), "{payload:#}");
    payload["initiative"].clone()
}

/// Lists the user errors of a payload as sorted `(field path, code)` pairs.
fn problems(payload: &Value) -> Vec<(String, String)> {
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
    problems
}

fn pairs(expected: &[(&str, &str)]) -> Vec<(String, String)> {
    expected.iter().map(|(field, code)| ((*field).to_owned(), (*code).to_owned())).collect()
}

/// Counts the stored initiatives, evidence ratings and revisions.
async fn row_counts(app: &TestApp) -> [u64; 3] {
    [
        initiatives::Entity::find().count(&app.db).await.unwrap(),
        evidence_ratings::Entity::find().count(&app.db).await.unwrap(),
        revisions::Entity::find().count(&app.db).await.unwrap(),
    ]
}

fn forbidden(body: &Value) -> bool {
    body["errors"].as_array().is_some_and(|errors| errors.iter().any(|e| e["extensions"]["code"] == "FORBIDDEN"))
}

/// Reads an initiative by id with the draft preview, as `token`.
async fn preview_node(app: &TestApp, token: &str, id: &str) -> Value {
    let query = format!("query($id: ID!) {{ node(id: $id) {{ ... on Initiative {{ {FIELDS} }} }} }}");
    let body = post_preview(app, token, &query, json!({ "id": id })).await;
    assert!(body.get("errors").is_none(), "unexpected errors: {body:#}");
    body["data"]["node"].clone()
}

async fn editor_creates_draft_initiative(app: &TestApp) {
    let people = People::create(app).await;
    let refs = Refs::read(app).await;
    let created = create_draft(app, &people.editor, &people.prevention, &refs).await;

    assert_eq!(created["editorial"]["status"], "DRAFT", "a new initiative is a draft: {created:#}");
    assert_eq!(created["editorial"]["version"], 1, "a new initiative is at version 1");
    assert_eq!(created["editorial"]["visibility"], "PUBLIC", "visibility defaults to PUBLIC");
    assert_eq!(created["slug"], "safe-schools-program", "the slug comes from the English name");
    assert_eq!(created["kind"], "PROGRAM");
    assert_eq!(created["network"]["id"], people.prevention, "the initiative belongs to the given network");
    assert_eq!(created["countries"], json!([{ "id": refs.colombia }]), "countries carry the implementing role");
    assert_eq!(
        created["participatingCountries"],
        json!([{ "id": refs.brazil }]),
        "participating countries keep their own role"
    );
    assert_eq!(created["implementingOrganizations"], json!([{ "id": refs.organizations[0] }]));
    assert_eq!(created["partnerOrganizations"], json!([{ "id": refs.organizations[1] }]));
    assert_eq!(created["topics"], json!([{ "id": refs.topic }]));
    assert_eq!(
        created["evidence"][0],
        json!({
            "outcome": "homicides", "registry": null, "level": "PROMISING", "studyCount": 2,
            "reviewed": { "text": "2019-05", "precision": "MONTH" }, "sourceUrl": "https://www.oas.org/evaluation",
        }),
        "the first rating keeps every field and the month precision"
    );
    assert_eq!(created["evidence"][1]["level"], "NOT_EVALUATED", "ratings keep their input order");
    assert!(created["evidence"][1]["reviewed"].is_null(), "a rating without a date has no reviewed date");
    let id = created["id"].as_str().unwrap().to_owned();

    let lookup = "query($id: ID!) { node(id: $id) { id } initiatives(first: 100) { nodes { slug } } }";
    let anonymous = app.data(lookup, json!({ "id": id })).await;
    assert!(anonymous["node"].is_null(), "anonymous callers do not see the draft by id");
    let listed = |data: &Value| {
        data["initiatives"]["nodes"].as_array().unwrap().iter().any(|node| node["slug"] == "safe-schools-program")
    };
    assert!(!listed(&anonymous), "anonymous callers do not see the draft in the list");
    let (_, member) = app.post_as(Some(&people.member), lookup, json!({ "id": id })).await;
    assert!(member["data"]["node"].is_null(), "members do not see the draft: {member:#}");
    let preview = post_preview(app, &people.editor, lookup, json!({ "id": id })).await;
    assert_eq!(preview["data"]["node"]["id"], id, "the editor sees the draft with the preview");
    assert!(listed(&preview["data"]), "the editor's preview lists the draft");

    let publish = "mutation($input: TransitionInput!) { publish(input: $input) {
        node { ... on Initiative { editorial { status version } } } userErrors { code } } }";
    let (_, published) =
        app.post_as(Some(&people.editor), publish, json!({ "input": { "id": id, "expectedVersion": 1 } })).await;
    let payload = &published["data"]["publish"];
    assert_eq!(payload["userErrors"], json!([]), "{published:#}");
    assert_eq!(payload["node"]["editorial"], json!({ "status": "PUBLISHED", "version": 2 }));
    let anonymous = app.data(lookup, json!({ "id": id })).await;
    assert_eq!(anonymous["node"]["id"], id, "the published initiative is visible to everyone");
    assert!(listed(&anonymous), "the published initiative is listed for everyone");
    let by_slug = app.data(r#"{ initiative(slug: "safe-schools-program") { evidence { level } } }"#, json!({})).await;
    assert_eq!(by_slug["initiative"]["evidence"].as_array().unwrap().len(), 2, "both ratings are readable");
}

on_both!(create_draft_and_publish, editor_creates_draft_initiative);

async fn invalid_initiative_lists_every_problem(app: &TestApp) {
    let people = People::create(app).await;
    let refs = Refs::read(app).await;
    let before = row_counts(app).await;

    let mut input = valid_input(&people.prevention, &refs);
    input["slug"] = json!("Bad Slug");
    input["names"] = json!([]);
    input["originalLanguage"] = json!("spanish");
    input["startYear"] = json!(2020);
    input["endYear"] = json!(2010);
    input["participatingCountryIds"] = json!([refs.colombia]);
    input["organizations"] = json!([
        { "organizationId": refs.organizations[0], "role": "IMPLEMENTING" },
        { "organizationId": refs.organizations[0], "role": "PARTNER" },
    ]);
    input["topicIds"] = json!(["VG9waWM6OTk5OTk"]);
    input["evidence"] =
        json!([{ "level": "EFFECTIVE", "studyCount": -1, "reviewed": "May 2019", "sourceUrl": "www.oas.org" }]);
    let body = create(app, &people.editor, input).await;
    let payload = &body["data"]["createInitiative"];
    assert!(payload["initiative"].is_null(), "nothing is returned: {body:#}");
    let expected = pairs(&[
        ("input.endYear", "INVALID"),
        ("input.evidence.0.reviewed", "INVALID"),
        ("input.evidence.0.sourceUrl", "INVALID"),
        ("input.evidence.0.studyCount", "INVALID"),
        ("input.names", "REQUIRED"),
        ("input.organizations.1.organizationId", "INVALID"),
        ("input.originalLanguage", "INVALID"),
        ("input.participatingCountryIds.0", "INVALID"),
        ("input.slug", "INVALID"),
        ("input.topicIds.0", "NOT_FOUND"),
    ]);
    assert_eq!(problems(payload), expected, "{body:#}");
    for error in payload["userErrors"].as_array().unwrap() {
        assert!(error["message"].as_str().unwrap().len() > 20, "each message explains the fix: {error}");
    }

    let mut input = valid_input(&people.prevention, &refs);
    input["evidence"] = json!([]);
    let body = create(app, &people.editor, input).await;
    let payload = &body["data"]["createInitiative"];
    assert_eq!(problems(payload), pairs(&[("input.evidence", "REQUIRED")]), "one rating is required: {body:#}");

    assert_eq!(row_counts(app).await, before, "no initiative, rating or revision was written");
}

on_both!(validation, invalid_initiative_lists_every_problem);

async fn initiative_writes_need_network_editor(app: &TestApp) {
    let people = People::create(app).await;
    let refs = Refs::read(app).await;
    let before = row_counts(app).await;

    let body = create(app, &people.police_editor, valid_input(&people.prevention, &refs)).await;
    assert!(forbidden(&body), "an editor of another network may not create: {body:#}");
    let body = create(app, &people.member, valid_input(&people.prevention, &refs)).await;
    assert!(forbidden(&body), "a member may not create: {body:#}");
    let mut without_network = valid_input(&people.prevention, &refs);
    without_network.as_object_mut().unwrap().remove("networkId");
    let body = create(app, &people.editor, without_network.clone()).await;
    assert!(forbidden(&body), "only admins create initiatives without a network: {body:#}");
    assert_eq!(row_counts(app).await, before, "rejected creates write nothing");

    let body = create(app, &people.admin, without_network).await;
    let payload = &body["data"]["createInitiative"];
    assert_eq!(payload["userErrors"], json!([]), "an admin creates without a network: {body:#}");
    assert!(payload["initiative"]["network"].is_null(), "the admin's initiative has no network");

    let created = create_draft(app, &people.editor, &people.prevention, &refs).await;
    let id = created["id"].as_str().unwrap();
    let body = update(app, &people.police_editor, json!({ "id": id, "expectedVersion": 1, "notes": "x" })).await;
    assert!(forbidden(&body), "an editor of another network may not update: {body:#}");
    let body = update(app, &people.member, json!({ "id": id, "expectedVersion": 1, "notes": "x" })).await;
    assert!(forbidden(&body), "a member may not update: {body:#}");
    let body = update(app, &people.editor, json!({ "id": id, "expectedVersion": 1, "networkId": people.police })).await;
    assert!(forbidden(&body), "moving to a network the editor does not edit is rejected: {body:#}");
    let body = update(app, &people.editor, json!({ "id": id, "expectedVersion": 1, "networkId": null })).await;
    assert!(forbidden(&body), "only admins remove the network: {body:#}");

    let current = preview_node(app, &people.editor, id).await;
    assert_eq!(current["editorial"]["version"], 1, "rejected updates leave the version");
    assert!(current["notes"].is_null(), "rejected updates leave the notes");
    assert_eq!(current["network"]["id"], people.prevention, "rejected updates leave the network");
}

on_both!(permissions, initiative_writes_need_network_editor);

async fn update_replaces_lists_and_records_revision(app: &TestApp) {
    let people = People::create(app).await;
    let refs = Refs::read(app).await;
    let created = create_draft(app, &people.editor, &people.prevention, &refs).await;
    let id = created["id"].as_str().unwrap();

    let body = mutate(
        app,
        &people.editor,
        "updateInitiative",
        json!({
            "id": id,
            "expectedVersion": 1,
            "countryIds": [refs.brazil],
            "participatingCountryIds": [],
            "organizations": [],
            "jurisdiction": "Bogotá",
            "evidence": [{ "level": "EFFECTIVE", "registry": "CrimeSolutions", "reviewed": "2021" }],
        }),
        true,
    )
    .await;
    let updated = &body["data"]["updateInitiative"]["initiative"];
    assert_eq!(body["data"]["updateInitiative"]["userErrors"], json!([]), "{body:#}");
    assert_eq!(updated["editorial"]["version"], 2, "the update gives the next version");
    assert_eq!(updated["countries"], json!([{ "id": refs.brazil }]), "the country list is replaced");
    assert_eq!(updated["participatingCountries"], json!([]), "an empty list clears the participants");
    assert_eq!(updated["implementingOrganizations"], json!([]), "an empty organization list clears both roles");
    assert_eq!(updated["partnerOrganizations"], json!([]));
    assert_eq!(updated["topics"], json!([{ "id": refs.topic }]), "lists left out are kept");
    assert_eq!(updated["jurisdiction"], "Bogotá");
    assert_eq!(
        updated["evidence"],
        json!([{
            "outcome": null, "registry": "CrimeSolutions", "level": "EFFECTIVE", "studyCount": null,
            "reviewed": { "text": "2021", "precision": "YEAR" }, "sourceUrl": null,
        }]),
        "the evidence list is replaced as a whole"
    );

    let history = post_preview(
        app,
        &people.editor,
        "query($id: ID!) { node(id: $id) { ... on Initiative { editorial { revisions { nodes { action changes { field oldValue newValue } } } } } } }",
        json!({ "id": id }),
    )
    .await;
    let nodes = history["data"]["node"]["editorial"]["revisions"]["nodes"].as_array().unwrap();
    let actions: Vec<&str> = nodes.iter().map(|node| node["action"].as_str().unwrap()).collect();
    assert_eq!(actions, ["UPDATE", "CREATE"], "{history:#}");
    let change =
        |field: &str| nodes[0]["changes"].as_array().unwrap().iter().find(|change| change["field"] == field).cloned();
    assert_eq!(
        change("countryIds"),
        Some(json!({ "field": "countryIds", "oldValue": [refs.colombia], "newValue": [refs.brazil] })),
        "the revision records the old and new countries"
    );
    assert_eq!(
        change("jurisdiction"),
        Some(json!({ "field": "jurisdiction", "oldValue": "Medellín", "newValue": "Bogotá" }))
    );
    let evidence = change("evidence").expect("the revision records the evidence");
    assert_eq!(evidence["oldValue"].as_array().unwrap().len(), 2, "the old evidence list is recorded");
    assert_eq!(evidence["oldValue"][0]["reviewed"], "2019-05", "dates are recorded in their input form");
    assert_eq!(
        evidence["newValue"],
        json!([{
            "outcome": null, "registry": "CrimeSolutions", "ratingAsStated": null, "level": "effective",
            "studyCount": null, "reviewed": "2021", "method": null, "basis": null, "sourceUrl": null,
        }]),
        "the new evidence list is recorded"
    );
    let organizations = change("organizations").expect("the revision records the organizations");
    assert_eq!(
        organizations["oldValue"],
        json!([
            { "organizationId": refs.organizations[0], "role": "implementing" },
            { "organizationId": refs.organizations[1], "role": "partner" },
        ])
    );
    assert!(change("names").is_none(), "unchanged fields are not recorded");
    assert!(change("topicIds").is_none(), "unchanged links are not recorded");

    let body = update(app, &people.editor, json!({ "id": id, "expectedVersion": 2, "startYear": 2030 })).await;
    let payload = &body["data"]["updateInitiative"];
    assert_eq!(
        problems(payload),
        pairs(&[("input.startYear", "INVALID")]),
        "a start after the stored end year is reported on startYear: {body:#}"
    );
    let body = update(app, &people.editor, json!({ "id": id, "expectedVersion": 2, "evidence": [] })).await;
    let payload = &body["data"]["updateInitiative"];
    assert_eq!(problems(payload), pairs(&[("input.evidence", "REQUIRED")]), "evidence cannot be emptied: {body:#}");

    let cleared = json!({ "id": id, "expectedVersion": 2, "jurisdiction": null });
    let body = mutate(app, &people.editor, "updateInitiative", cleared, true).await;
    let cleared = &body["data"]["updateInitiative"]["initiative"];
    assert!(cleared["jurisdiction"].is_null(), "null clears the jurisdiction: {body:#}");
    assert_eq!(cleared["editorial"]["version"], 3, "clearing a field gives the next version");
    assert_eq!(cleared["evidence"].as_array().unwrap().len(), 1, "evidence left out is kept");
}

on_both!(update_and_revision, update_replaces_lists_and_records_revision);

async fn stale_initiative_version_conflicts(app: &TestApp) {
    let people = People::create(app).await;
    let refs = Refs::read(app).await;
    let created = create_draft(app, &people.editor, &people.prevention, &refs).await;
    let id = created["id"].as_str().unwrap();

    let first = update(app, &people.editor, json!({ "id": id, "expectedVersion": 1, "notes": "First" })).await;
    assert_eq!(first["data"]["updateInitiative"]["initiative"]["editorial"]["version"], 2, "{first:#}");
    let before = row_counts(app).await;

    let stale = update(
        app,
        &people.admin,
        json!({ "id": id, "expectedVersion": 1, "notes": "Stale", "evidence": [{ "level": "HARMFUL" }] }),
    )
    .await;
    let payload = &stale["data"]["updateInitiative"];
    assert_eq!(problems(payload), pairs(&[("input.expectedVersion", "CONFLICT")]), "{stale:#}");
    assert!(
        payload["userErrors"][0]["message"].as_str().unwrap().contains("version 2"),
        "the message names the current version"
    );
    assert_eq!(payload["initiative"]["notes"], "First", "the current state comes back");
    assert_eq!(payload["initiative"]["editorial"]["version"], 2, "the current version comes back");

    let current = preview_node(app, &people.editor, id).await;
    assert_eq!(current["notes"], "First", "the stale update changed nothing");
    let levels: Vec<&str> =
        current["evidence"].as_array().unwrap().iter().map(|rating| rating["level"].as_str().unwrap()).collect();
    assert_eq!(levels, ["PROMISING", "NOT_EVALUATED"], "the stale update left the evidence");
    assert_eq!(row_counts(app).await, before, "no row or revision was written");
}

on_both!(versions, stale_initiative_version_conflicts);
