//! Events, targets and quality certifications: their editors create and change them as
//! drafts, every input problem is listed at once, stale versions are rejected, and the
//! generic `publish` makes them public.

use integration_tests::{TestApp, on_both};
use serde_json::{Value, json};

use crate::people::{People, global_id, post_preview};

const EVENT: &str = "event { id slug editorial { status visibility version } name { text } kind status
    starts { text precision } ends { text precision } city country { id } hosts { id } networks { id }
    courseOffering { id } summary { text } sources }";
const TARGET: &str = "target { id slug editorial { status visibility version } network { id } metric { text }
    modality targetValue unit timeframe sourceType notes sources }";
const CERTIFICATION: &str = "qualityCertification { id slug editorial { status visibility version }
    institution { id } standard scope certificationBody { id } certificationBodyName
    issued { text precision } expires { text precision } status statusNote network { id } note sources }";

/// Runs `mutation(input)` as `token` and returns the whole response body.
async fn mutate(app: &TestApp, token: &str, mutation: &str, selection: &str, input: Value) -> Value {
    let input_type = format!("{}{}Input", mutation[..1].to_uppercase(), &mutation[1..]);
    let query = format!(
        "mutation($input: {input_type}!) {{ {mutation}(input: $input) {{ {selection} userErrors {{ field code message }} }} }}"
    );
    let (status, body) = app.post_as(Some(token), &query, json!({ "input": input })).await;
    assert_eq!(status, 200, "{body:#}");
    body
}

/// Runs a mutation that must succeed and returns its record.
async fn accepted(app: &TestApp, token: &str, mutation: &str, selection: &str, record: &str, input: Value) -> Value {
    let body = mutate(app, token, mutation, selection, input).await;
    assert!(body.get("errors").is_none(), "unexpected errors: {body:#}");
    assert_eq!(body["data"][mutation]["userErrors"], json!([]), "{body:#}");
    body["data"][mutation][record].clone()
}

/// Lists a payload's user errors as sorted `(field path, code)` pairs.
fn problems(payload: &Value) -> Vec<(String, String)> {
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

fn forbidden(body: &Value) -> bool {
    body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
}

/// Returns whether `node(id)` finds the record for `token` (`None`: anonymous) without the preview.
async fn visible(app: &TestApp, token: Option<&str>, id: &str) -> bool {
    let (_, body) = app.post_as(token, "query($id: ID!) { node(id: $id) { id } }", json!({ "id": id })).await;
    assert!(body.get("errors").is_none(), "unexpected errors: {body:#}");
    !body["data"]["node"].is_null()
}

/// Returns whether `node(id)` finds the record for `token` with the draft preview.
async fn previewed(app: &TestApp, token: &str, id: &str) -> bool {
    let body = post_preview(app, token, "query($id: ID!) { node(id: $id) { id } }", json!({ "id": id })).await;
    !body["data"]["node"].is_null()
}

/// Returns a record's revisions, newest first, as read by `token` with the preview.
async fn revisions(app: &TestApp, token: &str, type_name: &str, id: &str) -> Value {
    let query = format!(
        "query($id: ID!) {{ node(id: $id) {{ ... on {type_name} {{ editorial {{ revisions {{
            nodes {{ action changes {{ field oldValue newValue }} }} }} }} }} }} }}"
    );
    let body = post_preview(app, token, &query, json!({ "id": id })).await;
    assert!(body.get("errors").is_none(), "unexpected errors: {body:#}");
    body["data"]["node"]["editorial"]["revisions"]["nodes"].clone()
}

/// Finds one field's change in a revision.
fn change<'a>(revision: &'a Value, field: &str) -> Option<&'a Value> {
    revision["changes"].as_array().unwrap().iter().find(|change| change["field"] == field)
}

/// Publishes a record through the generic life-cycle mutation and returns the user errors.
async fn publish(app: &TestApp, token: &str, id: &str, version: i64) -> Value {
    let query = "mutation($input: TransitionInput!) { publish(input: $input) { userErrors { field code message } } }";
    let (_, body) = app.post_as(Some(token), query, json!({ "input": { "id": id, "expectedVersion": version } })).await;
    assert!(body.get("errors").is_none(), "unexpected errors: {body:#}");
    body["data"]["publish"]["userErrors"].clone()
}

/// Counts every row of a root list, drafts included, as an admin.
async fn count(app: &TestApp, people: &People, list: &str) -> i64 {
    let body = post_preview(app, &people.admin, &format!("{{ {list} {{ totalCount }} }}"), json!({})).await;
    body["data"][list]["totalCount"].as_i64().unwrap()
}

/// Ids from the seed data that the inputs refer to.
struct Seed {
    colombia: String,
    organization: String,
    police_institution: String,
    police_institution_slug: String,
    offering: String,
}

impl Seed {
    async fn read(app: &TestApp) -> Seed {
        let data = app
            .data(
                r#"{ country(code: "CO") { id }
                    organizations(first: 1, filter: { kinds: [INTERGOVERNMENTAL] }) { nodes { id } }
                    policeInstitutions(first: 1) { nodes { id slug } }
                    courseOfferings(first: 1) { nodes { id } } }"#,
                json!({}),
            )
            .await;
        let text = |value: &Value| value.as_str().unwrap().to_owned();
        Seed {
            colombia: text(&data["country"]["id"]),
            organization: text(&data["organizations"]["nodes"][0]["id"]),
            police_institution: text(&data["policeInstitutions"]["nodes"][0]["id"]),
            police_institution_slug: text(&data["policeInstitutions"]["nodes"][0]["slug"]),
            offering: text(&data["courseOfferings"]["nodes"][0]["id"]),
        }
    }

    /// Builds a global id for the organization's row under the PoliceInstitution type name.
    fn organization_as_police_institution(&self) -> String {
        use base64::Engine as _;
        let decoded = base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(&self.organization).unwrap();
        let row: i32 = String::from_utf8(decoded).unwrap().split_once(':').unwrap().1.parse().unwrap();
        global_id("PoliceInstitution", row)
    }
}

// Events

async fn event_moves_from_draft_to_published(app: &TestApp) {
    let people = People::create(app).await;
    let seed = Seed::read(app).await;
    let input = json!({
        "names": [{ "locale": "EN", "text": "Regional prevention forum 2026" }, { "locale": "ES", "text": "Foro regional de prevención 2026" }],
        "kind": "FORUM",
        "status": "PLANNED",
        "datePrecision": "DAY",
        "starts": "2026-05-12",
        "ends": "2026-05-14",
        "city": "Bogotá",
        "countryId": seed.colombia,
        "hostIds": [seed.organization],
        "networkIds": [people.prevention],
        "courseOfferingId": seed.offering,
        "summaries": [{ "locale": "EN", "text": "Municipal teams compare prevention plans." }],
        "sources": ["https://www.oas.org/"],
    });
    let created = accepted(app, &people.editor, "createEvent", EVENT, "event", input).await;
    assert_eq!(created["editorial"]["status"], "DRAFT", "a new event is a draft: {created:#}");
    assert_eq!(created["editorial"]["version"], 1, "a new event starts at version 1");
    assert_eq!(created["editorial"]["visibility"], "PUBLIC", "visibility defaults to PUBLIC");
    assert_eq!(created["slug"], "regional-prevention-forum-2026", "the slug comes from the English name");
    assert_eq!(created["starts"], json!({ "text": "2026-05-12", "precision": "DAY" }), "the start is stored");
    assert_eq!(created["ends"]["text"], "2026-05-14", "the end is stored");
    assert_eq!(created["status"], "PLANNED", "the event's own status is stored");
    assert_eq!(created["networks"], json!([{ "id": people.prevention }]), "the owning network is linked");
    assert_eq!(created["hosts"], json!([{ "id": seed.organization }]), "the host is linked");
    assert_eq!(created["courseOffering"]["id"], seed.offering, "the offering is linked");
    let id = created["id"].as_str().unwrap().to_owned();

    assert!(!visible(app, None, &id).await, "anonymous callers do not see a draft event");
    assert!(!visible(app, Some(&people.member), &id).await, "members do not see a draft event");
    assert!(previewed(app, &people.editor, &id).await, "the editor sees the draft with the preview");

    let update = json!({ "id": id, "expectedVersion": 1, "city": "Medellín", "datePrecision": "MONTH",
        "starts": "2026-05", "ends": null });
    let updated = accepted(app, &people.editor, "updateEvent", EVENT, "event", update).await;
    assert_eq!(updated["editorial"]["version"], 2, "an update moves to version 2");
    assert_eq!(updated["city"], "Medellín", "the city changed");
    assert_eq!(updated["starts"], json!({ "text": "2026-05", "precision": "MONTH" }), "the start is now a month");
    assert!(updated["ends"].is_null(), "null cleared the end");

    let history = revisions(app, &people.editor, "Event", &id).await;
    assert_eq!(history[0]["action"], "UPDATE", "the newest revision is the update: {history:#}");
    assert_eq!(history[1]["action"], "CREATE", "the oldest revision is the create");
    assert_eq!(
        change(&history[0], "city"),
        Some(&json!({ "field": "city", "oldValue": "Bogotá", "newValue": "Medellín" })),
        "the update records the old and new city"
    );
    assert_eq!(
        change(&history[0], "ends"),
        Some(&json!({ "field": "ends", "oldValue": "2026-05-14", "newValue": null })),
        "the update records the cleared end"
    );
    assert_eq!(
        change(&history[1], "networkIds").map(|change| &change["newValue"]),
        Some(&json!([people.prevention])),
        "the create records the networks as global ids"
    );

    let stale =
        mutate(app, &people.admin, "updateEvent", EVENT, json!({ "id": id, "expectedVersion": 1, "city": "Cali" }))
            .await;
    let payload = &stale["data"]["updateEvent"];
    assert_eq!(
        problems(payload),
        pairs(&[("input.expectedVersion", "CONFLICT")]),
        "a stale version conflicts: {stale:#}"
    );
    assert_eq!(payload["event"]["city"], "Medellín", "the conflict returns the current event");
    assert_eq!(payload["event"]["editorial"]["version"], 2, "the conflict leaves the version");

    assert_eq!(publish(app, &people.editor, &id, 2).await, json!([]), "the editor publishes the event");
    assert!(visible(app, None, &id).await, "a published public event is seen by everyone");
}

on_both!(event_life_cycle, event_moves_from_draft_to_published);

async fn invalid_event_lists_every_problem(app: &TestApp) {
    let people = People::create(app).await;
    let seed = Seed::read(app).await;
    let before = count(app, &people, "events").await;

    let input = json!({
        "slug": "Bad Slug",
        "names": [{ "locale": "EN", "text": "  " }],
        "kind": "MEETING",
        "status": "HELD",
        "datePrecision": "DAY",
        "starts": "2026-05-12",
        "ends": "2026-05-01",
        "countryId": people.prevention,
        "hostIds": [global_id("Organization", 99_999)],
        "networkIds": [people.prevention],
        "courseOfferingId": seed.colombia,
        "sources": ["ftp://files.example.org/report"],
    });
    let body = mutate(app, &people.editor, "createEvent", EVENT, input).await;
    let payload = &body["data"]["createEvent"];
    assert!(payload["event"].is_null(), "no event comes back: {body:#}");
    let expected = [
        ("input.countryId", "INVALID"),
        ("input.courseOfferingId", "INVALID"),
        ("input.ends", "INVALID"),
        ("input.hostIds.0", "NOT_FOUND"),
        ("input.names.0.text", "REQUIRED"),
        ("input.slug", "INVALID"),
        ("input.sources.0", "INVALID"),
    ];
    assert_eq!(problems(payload), pairs(&expected), "every problem is listed: {body:#}");
    for error in payload["userErrors"].as_array().unwrap() {
        assert!(error["message"].as_str().unwrap().len() > 20, "each message explains the fix: {error}");
    }

    let input = json!({
        "names": [{ "locale": "EN", "text": "Undated meeting" }],
        "kind": "MEETING",
        "status": "HELD",
        "datePrecision": "UNKNOWN",
        "starts": "2026",
        "ends": "2026-13",
        "networkIds": [],
    });
    let body = mutate(app, &people.editor, "createEvent", EVENT, input).await;
    let expected = [("input.ends", "INVALID"), ("input.networkIds", "REQUIRED"), ("input.starts", "INVALID")];
    assert_eq!(
        problems(&body["data"]["createEvent"]),
        pairs(&expected),
        "dates need a precision and editors must name a network: {body:#}"
    );

    let input = json!({ "names": [{ "locale": "EN", "text": "Month meeting" }], "kind": "MEETING", "status": "HELD",
        "datePrecision": "MONTH", "starts": "2026-05-12", "networkIds": [people.prevention] });
    let body = mutate(app, &people.editor, "createEvent", EVENT, input).await;
    assert_eq!(
        problems(&body["data"]["createEvent"]),
        pairs(&[("input.starts", "INVALID")]),
        "a day does not match MONTH precision: {body:#}"
    );

    assert_eq!(count(app, &people, "events").await, before, "nothing was written");
}

on_both!(event_validation, invalid_event_lists_every_problem);

async fn event_writes_need_network_editors(app: &TestApp) {
    let people = People::create(app).await;
    let input = |networks: Value| {
        json!({ "names": [{ "locale": "EN", "text": "Network meeting" }], "kind": "MEETING", "status": "HELD",
            "datePrecision": "UNKNOWN", "networkIds": networks })
    };

    let body = mutate(app, &people.police_editor, "createEvent", EVENT, input(json!([people.prevention]))).await;
    assert!(forbidden(&body), "an editor of another network may not create: {body:#}");
    let body =
        mutate(app, &people.editor, "createEvent", EVENT, input(json!([people.prevention, people.police]))).await;
    assert!(forbidden(&body), "an editor must edit every network named: {body:#}");
    let body = mutate(app, &people.member, "createEvent", EVENT, input(json!([people.prevention]))).await;
    assert!(forbidden(&body), "a member may not create: {body:#}");

    let unowned = accepted(app, &people.admin, "createEvent", EVENT, "event", input(json!([]))).await;
    assert_eq!(unowned["networks"], json!([]), "an admin may create an event without networks");

    let created = accepted(app, &people.editor, "createEvent", EVENT, "event", input(json!([people.prevention]))).await;
    let id = created["id"].as_str().unwrap().to_owned();
    let body = mutate(
        app,
        &people.police_editor,
        "updateEvent",
        EVENT,
        json!({ "id": id, "expectedVersion": 1, "city": "Lima" }),
    )
    .await;
    assert!(forbidden(&body), "an editor of another network may not update: {body:#}");
    let both = json!({ "id": id, "expectedVersion": 1, "networkIds": [people.prevention, people.police] });
    let body = mutate(app, &people.editor, "updateEvent", EVENT, both.clone()).await;
    assert!(forbidden(&body), "an editor may not add a network they do not edit: {body:#}");
    let none = json!({ "id": id, "expectedVersion": 1, "networkIds": [] });
    let body = mutate(app, &people.editor, "updateEvent", EVENT, none).await;
    assert_eq!(
        problems(&body["data"]["updateEvent"]),
        pairs(&[("input.networkIds", "REQUIRED")]),
        "an editor may not leave the event without networks: {body:#}"
    );

    let shared = accepted(app, &people.admin, "updateEvent", EVENT, "event", both).await;
    assert_eq!(shared["editorial"]["version"], 2, "an admin adds the police network");
    let update = json!({ "id": id, "expectedVersion": 2, "city": "Lima" });
    let changed = accepted(app, &people.police_editor, "updateEvent", EVENT, "event", update).await;
    assert_eq!(changed["city"], "Lima", "an editor of any owning network may update");
    let body = mutate(
        app,
        &people.editor,
        "updateEvent",
        EVENT,
        json!({ "id": unowned["id"], "expectedVersion": 1, "city": "Quito" }),
    )
    .await;
    assert!(forbidden(&body), "only admins change an event without networks: {body:#}");
}

on_both!(event_permissions, event_writes_need_network_editors);

// Targets

async fn target_moves_from_draft_to_published(app: &TestApp) {
    let people = People::create(app).await;
    let input = json!({
        "networkId": people.police,
        "metrics": [{ "locale": "EN", "text": "Officers trained in quality management" }],
        "modality": "VIRTUAL",
        "targetValue": 120,
        "unit": "officers",
        "timeframe": "2026-2027",
        "sourceType": "work_plan",
        "sources": ["https://www.oas.org/"],
    });
    let created = accepted(app, &people.police_editor, "createTarget", TARGET, "target", input).await;
    assert_eq!(created["editorial"]["status"], "DRAFT", "a new target is a draft: {created:#}");
    assert_eq!(created["editorial"]["version"], 1, "a new target starts at version 1");
    assert_eq!(created["slug"], "officers-trained-in-quality-management", "the slug comes from the metric");
    assert_eq!(created["network"]["id"], people.police, "the owning network is stored");
    assert_eq!(created["modality"], "VIRTUAL", "the modality is stored");
    assert_eq!(created["targetValue"], 120, "the value is stored");
    let id = created["id"].as_str().unwrap().to_owned();

    assert!(!visible(app, None, &id).await, "anonymous callers do not see a draft target");
    assert!(!visible(app, Some(&people.member), &id).await, "members do not see a draft target");
    assert!(previewed(app, &people.police_editor, &id).await, "the editor sees the draft with the preview");

    let update = json!({ "id": id, "expectedVersion": 1, "targetValue": 150, "modality": null, "notes": "Raised." });
    let updated = accepted(app, &people.police_editor, "updateTarget", TARGET, "target", update).await;
    assert_eq!(updated["editorial"]["version"], 2, "an update moves to version 2");
    assert_eq!(updated["targetValue"], 150, "the value changed");
    assert!(updated["modality"].is_null(), "null cleared the modality");

    let history = revisions(app, &people.police_editor, "Target", &id).await;
    assert_eq!(history[0]["action"], "UPDATE", "the newest revision is the update: {history:#}");
    assert_eq!(
        change(&history[0], "targetValue"),
        Some(&json!({ "field": "targetValue", "oldValue": 120, "newValue": 150 })),
        "the update records the old and new value"
    );
    assert_eq!(
        change(&history[0], "modality"),
        Some(&json!({ "field": "modality", "oldValue": "virtual", "newValue": null })),
        "the update records the cleared modality"
    );

    let stale =
        mutate(app, &people.admin, "updateTarget", TARGET, json!({ "id": id, "expectedVersion": 1, "targetValue": 9 }))
            .await;
    let payload = &stale["data"]["updateTarget"];
    assert_eq!(
        problems(payload),
        pairs(&[("input.expectedVersion", "CONFLICT")]),
        "a stale version conflicts: {stale:#}"
    );
    assert_eq!(payload["target"]["targetValue"], 150, "the conflict returns the current target");

    assert_eq!(publish(app, &people.police_editor, &id, 2).await, json!([]), "the editor publishes the target");
    assert!(visible(app, None, &id).await, "a published public target is seen by everyone");
}

on_both!(target_life_cycle, target_moves_from_draft_to_published);

async fn invalid_target_lists_every_problem(app: &TestApp) {
    let people = People::create(app).await;
    let before = count(app, &people, "targets").await;
    let input = json!({
        "slug": "-bad-",
        "networkId": people.police,
        "metrics": [],
        "targetValue": 0,
        "unit": " ",
        "sources": ["http://"],
    });
    let body = mutate(app, &people.police_editor, "createTarget", TARGET, input).await;
    let payload = &body["data"]["createTarget"];
    assert!(payload["target"].is_null(), "no target comes back: {body:#}");
    let expected = [
        ("input.metrics", "REQUIRED"),
        ("input.slug", "INVALID"),
        ("input.sources.0", "INVALID"),
        ("input.targetValue", "INVALID"),
        ("input.unit", "REQUIRED"),
    ];
    assert_eq!(problems(payload), pairs(&expected), "every problem is listed: {body:#}");

    let input = json!({ "networkId": global_id("Network", 99_999), "metrics": [{ "locale": "EN", "text": "Courses" }],
        "targetValue": 3, "unit": "courses" });
    let body = mutate(app, &people.police_editor, "createTarget", TARGET, input).await;
    assert_eq!(
        problems(&body["data"]["createTarget"]),
        pairs(&[("input.networkId", "NOT_FOUND")]),
        "an unknown network is reported: {body:#}"
    );
    assert_eq!(count(app, &people, "targets").await, before, "nothing was written");
}

on_both!(target_validation, invalid_target_lists_every_problem);

async fn target_writes_need_network_editors(app: &TestApp) {
    let people = People::create(app).await;
    let input = |network: &str| {
        json!({ "networkId": network, "metrics": [{ "locale": "EN", "text": "Forums held" }], "targetValue": 4,
            "unit": "forums" })
    };
    let body = mutate(app, &people.editor, "createTarget", TARGET, input(&people.police)).await;
    assert!(forbidden(&body), "an editor of another network may not create: {body:#}");
    let body = mutate(app, &people.member, "createTarget", TARGET, input(&people.police)).await;
    assert!(forbidden(&body), "a member may not create: {body:#}");

    let created = accepted(app, &people.police_editor, "createTarget", TARGET, "target", input(&people.police)).await;
    let id = created["id"].as_str().unwrap().to_owned();
    let body = mutate(
        app,
        &people.editor,
        "updateTarget",
        TARGET,
        json!({ "id": id, "expectedVersion": 1, "targetValue": 5 }),
    )
    .await;
    assert!(forbidden(&body), "an editor of another network may not update: {body:#}");
    let body = mutate(
        app,
        &people.police_editor,
        "updateTarget",
        TARGET,
        json!({ "id": id, "expectedVersion": 1, "networkId": people.prevention }),
    )
    .await;
    assert!(forbidden(&body), "an editor may not move a target to a network they do not edit: {body:#}");
    let moved = json!({ "id": id, "expectedVersion": 1, "networkId": people.prevention });
    let moved = accepted(app, &people.admin, "updateTarget", TARGET, "target", moved).await;
    assert_eq!(moved["network"]["id"], people.prevention, "an admin moves the target");
}

on_both!(target_permissions, target_writes_need_network_editors);

// Quality certifications

async fn certification_moves_from_draft_to_published(app: &TestApp) {
    let people = People::create(app).await;
    let seed = Seed::read(app).await;
    let input = json!({
        "institutionId": seed.police_institution,
        "standard": "ISO 9001:2015",
        "scope": "Complaints handling",
        "certificationBodyId": seed.organization,
        "issued": "2024-03",
        "issuedPrecision": "MONTH",
        "expires": "2027",
        "expiresPrecision": "YEAR",
        "status": "ACTIVE",
        "networkId": people.police,
        "sources": ["https://www.oas.org/"],
    });
    let created = accepted(
        app,
        &people.police_editor,
        "createQualityCertification",
        CERTIFICATION,
        "qualityCertification",
        input,
    )
    .await;
    assert_eq!(created["editorial"]["status"], "DRAFT", "a new certification is a draft: {created:#}");
    assert_eq!(created["editorial"]["version"], 1, "a new certification starts at version 1");
    assert_eq!(
        created["slug"],
        format!("{}-iso-9001-2015", seed.police_institution_slug),
        "the slug comes from the institution and the standard"
    );
    assert_eq!(created["institution"]["id"], seed.police_institution, "the institution is linked");
    assert_eq!(created["issued"], json!({ "text": "2024-03", "precision": "MONTH" }), "the issue date is stored");
    assert_eq!(created["expires"], json!({ "text": "2027", "precision": "YEAR" }), "the expiry is stored");
    assert_eq!(created["status"], "ACTIVE", "the certification's own status is stored");
    let id = created["id"].as_str().unwrap().to_owned();

    assert!(!visible(app, None, &id).await, "anonymous callers do not see a draft certification");
    assert!(!visible(app, Some(&people.member), &id).await, "members do not see a draft certification");
    assert!(previewed(app, &people.police_editor, &id).await, "the editor sees the draft with the preview");

    let update = json!({ "id": id, "expectedVersion": 1, "status": "SUSPENDED", "statusNote": "Audit pending",
        "certificationBodyId": null });
    let updated = accepted(
        app,
        &people.police_editor,
        "updateQualityCertification",
        CERTIFICATION,
        "qualityCertification",
        update,
    )
    .await;
    assert_eq!(updated["editorial"]["version"], 2, "an update moves to version 2");
    assert_eq!(updated["status"], "SUSPENDED", "the status changed");
    assert!(updated["certificationBody"].is_null(), "null cleared the certification body");

    let history = revisions(app, &people.police_editor, "QualityCertification", &id).await;
    assert_eq!(history[0]["action"], "UPDATE", "the newest revision is the update: {history:#}");
    assert_eq!(
        change(&history[0], "status"),
        Some(&json!({ "field": "status", "oldValue": "active", "newValue": "suspended" })),
        "the update records the old and new status"
    );
    assert_eq!(
        change(&history[1], "institutionId").map(|change| &change["newValue"]),
        Some(&json!(seed.police_institution)),
        "the create records the institution as a global id"
    );

    let stale = mutate(
        app,
        &people.admin,
        "updateQualityCertification",
        CERTIFICATION,
        json!({ "id": id, "expectedVersion": 1, "status": "WITHDRAWN" }),
    )
    .await;
    let payload = &stale["data"]["updateQualityCertification"];
    assert_eq!(
        problems(payload),
        pairs(&[("input.expectedVersion", "CONFLICT")]),
        "a stale version conflicts: {stale:#}"
    );
    assert_eq!(payload["qualityCertification"]["status"], "SUSPENDED", "the conflict returns the current record");

    assert_eq!(publish(app, &people.police_editor, &id, 2).await, json!([]), "the editor publishes the certification");
    assert!(visible(app, None, &id).await, "a published public certification is seen by everyone");
}

on_both!(certification_life_cycle, certification_moves_from_draft_to_published);

async fn invalid_certification_lists_every_problem(app: &TestApp) {
    let people = People::create(app).await;
    let seed = Seed::read(app).await;
    let before = count(app, &people, "qualityCertifications").await;
    let input = json!({
        "institutionId": seed.organization,
        "standard": "",
        "certificationBodyId": global_id("Organization", 99_999),
        "issued": "2024-03-05",
        "issuedPrecision": "MONTH",
        "expiresPrecision": "UNKNOWN",
        "status": "ACTIVE",
        "networkId": people.police,
        "sources": ["https://www.oas.org/", " "],
    });
    let body = mutate(app, &people.police_editor, "createQualityCertification", CERTIFICATION, input).await;
    let payload = &body["data"]["createQualityCertification"];
    assert!(payload["qualityCertification"].is_null(), "no certification comes back: {body:#}");
    let expected = [
        ("input.certificationBodyId", "NOT_FOUND"),
        ("input.institutionId", "INVALID"),
        ("input.issued", "INVALID"),
        ("input.sources.1", "REQUIRED"),
        ("input.standard", "REQUIRED"),
    ];
    assert_eq!(problems(payload), pairs(&expected), "every problem is listed: {body:#}");

    let input = json!({
        "institutionId": seed.organization_as_police_institution(),
        "standard": "ISO 9001:2015",
        "issued": "2024",
        "issuedPrecision": "YEAR",
        "expires": "2020",
        "expiresPrecision": "YEAR",
        "status": "ACTIVE",
        "networkId": people.police,
    });
    let body = mutate(app, &people.police_editor, "createQualityCertification", CERTIFICATION, input).await;
    assert_eq!(
        problems(&body["data"]["createQualityCertification"]),
        pairs(&[("input.expires", "INVALID"), ("input.institutionId", "INVALID")]),
        "an expiry before the issue and an organization that is no police institution are reported: {body:#}"
    );
    assert_eq!(count(app, &people, "qualityCertifications").await, before, "nothing was written");
}

on_both!(certification_validation, invalid_certification_lists_every_problem);

async fn certification_writes_need_network_editors(app: &TestApp) {
    let people = People::create(app).await;
    let seed = Seed::read(app).await;
    let input = |network: Value| {
        json!({ "institutionId": seed.police_institution, "standard": "ISO 9001:2015", "issuedPrecision": "UNKNOWN",
            "expiresPrecision": "UNKNOWN", "status": "IN_PROGRESS", "networkId": network })
    };
    let create = "createQualityCertification";
    let update = "updateQualityCertification";
    let record = "qualityCertification";

    let body = mutate(app, &people.editor, create, CERTIFICATION, input(json!(people.police))).await;
    assert!(forbidden(&body), "an editor of another network may not create: {body:#}");
    let body = mutate(app, &people.police_editor, create, CERTIFICATION, input(Value::Null)).await;
    assert!(forbidden(&body), "an editor may not create a certification without a network: {body:#}");
    let body = mutate(app, &people.member, create, CERTIFICATION, input(json!(people.police))).await;
    assert!(forbidden(&body), "a member may not create: {body:#}");

    let unowned = accepted(app, &people.admin, create, CERTIFICATION, record, input(Value::Null)).await;
    assert!(unowned["network"].is_null(), "an admin may create a certification without a network");
    let unowned_id = unowned["id"].as_str().unwrap().to_owned();
    let body = mutate(
        app,
        &people.police_editor,
        update,
        CERTIFICATION,
        json!({ "id": unowned_id, "expectedVersion": 1, "scope": "All" }),
    )
    .await;
    assert!(forbidden(&body), "only admins change a certification without a network: {body:#}");

    let owned = accepted(app, &people.police_editor, create, CERTIFICATION, record, input(json!(people.police))).await;
    assert_ne!(owned["slug"], unowned["slug"], "a second derived slug gets a suffix");
    let owned_id = owned["id"].as_str().unwrap().to_owned();
    let body = mutate(
        app,
        &people.editor,
        update,
        CERTIFICATION,
        json!({ "id": owned_id, "expectedVersion": 1, "scope": "All" }),
    )
    .await;
    assert!(forbidden(&body), "an editor of another network may not update: {body:#}");
    let body = mutate(
        app,
        &people.police_editor,
        update,
        CERTIFICATION,
        json!({ "id": owned_id, "expectedVersion": 1, "networkId": null }),
    )
    .await;
    assert!(forbidden(&body), "an editor may not leave the certification to admins: {body:#}");
    let adopted = json!({ "id": unowned_id, "expectedVersion": 1, "networkId": people.police });
    let adopted = accepted(app, &people.admin, update, CERTIFICATION, record, adopted).await;
    assert_eq!(adopted["network"]["id"], people.police, "an admin gives the certification a network");
    let changed = json!({ "id": unowned_id, "expectedVersion": 2, "scope": "All processes" });
    let changed = accepted(app, &people.police_editor, update, CERTIFICATION, record, changed).await;
    assert_eq!(changed["scope"], "All processes", "the network's editor may now change it");
}

on_both!(certification_permissions, certification_writes_need_network_editors);
