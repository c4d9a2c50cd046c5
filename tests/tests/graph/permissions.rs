//! The permission table: every operation run as every kind of caller, each cell checked.

use integration_tests::{TestApp, on_both};
use serde_json::{Value, json};

use crate::people::{People, create_draft, global_id, published};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Outcome {
    /// The operation ran and returned its object.
    Ok,
    /// The object is not visible to the caller: null, as if it did not exist.
    Hidden,
    /// The operation was rejected with FORBIDDEN.
    Forbidden,
}
use Outcome::{Forbidden as F, Hidden as H, Ok as O};

const CALLERS: [&str; 7] =
    ["anonymous", "member", "partner", "editor", "police editor", "admin", "admin read-only token"];

/// Each row: the operation, then the expected outcome per caller, in the order of CALLERS.
const TABLE: [(&str, [Outcome; 7]); 23] = [
    ("read a public publication", [O, O, O, O, O, O, O]),
    ("read a members-only publication", [H, O, O, O, O, O, O]),
    ("read a draft without preview", [H, H, H, H, H, H, H]),
    ("read a draft in preview", [F, F, F, O, H, O, F]),
    ("create a publication", [F, F, F, O, F, O, F]),
    ("create a police network publication", [F, F, F, F, O, O, F]),
    ("update a publication", [F, F, F, O, F, O, F]),
    ("publish a publication", [F, F, F, O, F, O, F]),
    ("archive a publication", [F, F, F, O, F, O, F]),
    ("archive a police network course", [F, F, F, F, O, O, F]),
    ("archive a country", [F, F, F, F, F, O, F]),
    ("create an initiative", [F, F, F, O, F, O, F]),
    ("create a police network course", [F, F, F, F, O, O, F]),
    ("create a police network offering", [F, F, F, F, O, O, F]),
    ("create an event", [F, F, F, O, F, O, F]),
    ("create a police network target", [F, F, F, F, O, O, F]),
    ("create a police network certification", [F, F, F, F, O, O, F]),
    ("create a topic", [F, F, F, F, F, O, F]),
    ("read revision history", [F, F, F, O, F, O, F]),
    ("read another member's email", [H, F, F, O, F, O, F]),
    ("list members", [F, O, O, O, O, O, O]),
    ("create a member", [F, F, F, F, F, O, F]),
    ("issue an API token", [F, F, F, F, F, O, F]),
];

struct Fixture {
    people: People,
    public: String,
    members_only: String,
    draft: String,
}

fn outcome(body: &Value, path: &[&str]) -> Outcome {
    if let Some(error) = body["errors"].as_array().and_then(|errors| errors.first()) {
        assert_eq!(error["extensions"]["code"], "FORBIDDEN", "unexpected error: {body:#}");
        return Outcome::Forbidden;
    }
    if let Some(payload) = path.first().map(|name| &body["data"][*name]) {
        assert!(
            payload["userErrors"].as_array().is_none_or(Vec::is_empty),
            "an allowed operation reported user errors: {body:#}"
        );
    }
    let mut value = &body["data"];
    for key in path {
        value = &value[*key];
    }
    if value.is_null() { Outcome::Hidden } else { Outcome::Ok }
}

async fn run(app: &TestApp, fixture: &Fixture, operation: &str, caller: usize, token: Option<&str>) -> Outcome {
    let people = &fixture.people;
    let node = "query($id: ID!) { node(id: $id) { id } }";
    let mutation = |name: &str, input: &str| {
        let record = if input == "TransitionInput" { "node" } else { "publication" };
        format!("mutation($input: {input}!) {{ {name}(input: $input) {{ {record} {{ id }} userErrors {{ code }} }} }}")
    };
    let (body, path): (Value, Vec<&str>) = match operation {
        "read a public publication" => {
            (app.post_as(token, node, json!({ "id": fixture.public })).await.1, vec!["node"])
        }
        "read a members-only publication" => {
            (app.post_as(token, node, json!({ "id": fixture.members_only })).await.1, vec!["node"])
        }
        "read a draft without preview" => {
            (app.post_as(token, node, json!({ "id": fixture.draft })).await.1, vec!["node"])
        }
        "read a draft in preview" => {
            let authorization = token.map(|token| format!("Bearer {token}"));
            let mut headers = vec![("Preview", "drafts")];
            if let Some(value) = &authorization {
                headers.push(("Authorization", value.as_str()));
            }
            let (status, body) = app.post_with_headers(node, json!({ "id": fixture.draft }), &headers).await;
            if body.get("errors").is_some() {
                assert_eq!(status, 403, "a refused preview is a 403: {body:#}");
            }
            (body, vec!["node"])
        }
        "create a publication" | "create a police network publication" => {
            let network = if operation == "create a publication" { &people.prevention } else { &people.police };
            let input = json!({ "networkId": network, "titles": [{ "locale": "ES", "text": "Nueva guía" }],
                "kind": "GUIDE", "originalLanguage": "es" });
            let query = mutation("createPublication", "CreatePublicationInput");
            (app.post_as(token, &query, json!({ "input": input })).await.1, vec!["createPublication", "publication"])
        }
        "update a publication" | "publish a publication" | "archive a publication" => {
            let draft = create_draft(app, &people.admin, &people.prevention, "Borrador", "PUBLIC").await;
            let (name, input, extra) = match operation {
                "update a publication" => ("updatePublication", "UpdatePublicationInput", json!({ "year": 2024 })),
                "publish a publication" => ("publish", "TransitionInput", json!({})),
                _ => ("archive", "TransitionInput", json!({})),
            };
            let mut variables = json!({ "id": draft["id"], "expectedVersion": 1 });
            variables.as_object_mut().unwrap().extend(extra.as_object().unwrap().clone());
            let query = mutation(name, input);
            let record = if input == "TransitionInput" { "node" } else { "publication" };
            (app.post_as(token, &query, json!({ "input": variables })).await.1, vec![name, record])
        }
        "archive a police network course" | "archive a country" => {
            // Each caller gets its own record, so that one caller's change leaves the next one's intact.
            let list = if operation == "archive a country" { "countries" } else { "courses" };
            let records = app
                .post_as(
                    Some(&people.admin),
                    &format!("{{ {list}(first: 10) {{ nodes {{ id editorial {{ version }} }} }} }}"),
                    json!({}),
                )
                .await
                .1;
            let record = &records["data"][list]["nodes"][caller];
            let query = mutation("archive", "TransitionInput");
            let input = json!({ "id": record["id"], "expectedVersion": record["editorial"]["version"] });
            (app.post_as(token, &query, json!({ "input": input })).await.1, vec!["archive", "node"])
        }
        "create an initiative"
        | "create a police network course"
        | "create a police network offering"
        | "create an event"
        | "create a police network target"
        | "create a police network certification"
        | "create a topic" => {
            let (name, input_type, record, input) = creation(app, fixture, operation, caller).await;
            let query = format!(
                "mutation($input: {input_type}!) {{ {name}(input: $input) {{ {record} {{ id }} userErrors {{ code }} }} }}"
            );
            (app.post_as(token, &query, json!({ "input": input })).await.1, vec![name, record])
        }
        "read revision history" => {
            let query =
                "query($id: ID!) { node(id: $id) { ... on Publication { editorial { revisions { totalCount } } } } }";
            (app.post_as(token, query, json!({ "id": fixture.public })).await.1, vec!["node", "editorial", "revisions"])
        }
        "read another member's email" => {
            let id = global_id("Member", people.editor_id);
            let query = "query($id: ID!) { node(id: $id) { ... on Member { email } } }";
            let body = app.post_as(token, query, json!({ "id": id })).await.1;
            // A visible member whose email was withheld has an error on the field.
            (body, vec!["node", "email"])
        }
        "list members" => (app.post_as(token, "{ members { totalCount } }", json!({})).await.1, vec!["members"]),
        "create a member" => {
            let query = "mutation($input: CreateMemberInput!) { createMember(input: $input) { member { id } } }";
            let input = json!({ "kind": "PERSON", "displayName": "New Person" });
            (app.post_as(token, query, json!({ "input": input })).await.1, vec!["createMember", "member"])
        }
        "issue an API token" => {
            let query = "mutation($input: CreateApiTokenInput!) { createApiToken(input: $input) { token } }";
            let input =
                json!({ "memberId": global_id("Member", people.member_id), "name": "sync", "scopes": ["READ"] });
            (app.post_as(token, query, json!({ "input": input })).await.1, vec!["createApiToken", "token"])
        }
        other => panic!("no operation named {other:?}"),
    };
    outcome(&body, &path)
}

/// Builds a valid create mutation for one kind: its name, input type, payload field and
/// input. Unique keys include the caller's index, so that every caller's attempt is valid.
async fn creation(
    app: &TestApp,
    fixture: &Fixture,
    operation: &str,
    caller: usize,
) -> (&'static str, &'static str, &'static str, Value) {
    let people = &fixture.people;
    let name = |text: &str| json!([{ "locale": "EN", "text": format!("{text} {caller}") }]);
    match operation {
        "create an initiative" => (
            "createInitiative",
            "CreateInitiativeInput",
            "initiative",
            json!({ "networkId": people.prevention, "names": name("Safe streets"), "originalLanguage": "en",
                "kind": "PROGRAM", "evidence": [{ "level": "PROMISING" }] }),
        ),
        "create a police network course" => (
            "createCourse",
            "CreateCourseInput",
            "course",
            json!({ "code": format!("TEST-{caller}"), "networkId": people.police, "titles": name("Community policing"),
                "modality": "VIRTUAL" }),
        ),
        "create a police network offering" => {
            let course = app.data(r#"{ course(code: "REDPPOL-OS") { id } }"#, json!({})).await;
            (
                "createCourseOffering",
                "CreateCourseOfferingInput",
                "courseOffering",
                json!({ "courseId": course["course"]["id"], "modality": "VIRTUAL" }),
            )
        }
        "create an event" => (
            "createEvent",
            "CreateEventInput",
            "event",
            json!({ "names": name("Regional meeting"), "kind": "LAUNCH", "status": "PLANNED", "datePrecision": "YEAR",
                "starts": "2027", "networkIds": [people.prevention] }),
        ),
        "create a police network target" => (
            "createTarget",
            "CreateTargetInput",
            "target",
            json!({ "networkId": people.police, "metrics": name("Officers trained"), "targetValue": 100, "unit": "officers" }),
        ),
        "create a police network certification" => {
            let institutions = app.data("{ policeInstitutions(first: 1) { nodes { id } } }", json!({})).await;
            (
                "createQualityCertification",
                "CreateQualityCertificationInput",
                "qualityCertification",
                json!({ "institutionId": institutions["policeInstitutions"]["nodes"][0]["id"],
                    "standard": format!("ISO 9001:2015 unit {caller}"), "issuedPrecision": "UNKNOWN",
                    "expiresPrecision": "UNKNOWN", "status": "ACTIVE", "networkId": people.police }),
            )
        }
        _ => ("createTopic", "CreateTopicInput", "topic", json!({ "labels": name("Gang exit") })),
    }
}

async fn every_caller_gets_exactly_its_rights(app: &TestApp) {
    let people = People::create(app).await;
    let public = published(app, &people.editor, &people.prevention, "Public guide", "PUBLIC").await;
    let members_only = published(app, &people.editor, &people.prevention, "Members guide", "MEMBERS_ONLY").await;
    let draft = create_draft(app, &people.editor, &people.prevention, "Draft guide", "PUBLIC").await;
    let fixture = Fixture { public, members_only, draft: draft["id"].as_str().unwrap().to_owned(), people };
    let tokens = [
        None,
        Some(fixture.people.member.as_str()),
        Some(fixture.people.partner.as_str()),
        Some(fixture.people.editor.as_str()),
        Some(fixture.people.police_editor.as_str()),
        Some(fixture.people.admin.as_str()),
        Some(fixture.people.admin_read_only.as_str()),
    ];
    let mut wrong = Vec::new();
    for (operation, expected) in TABLE {
        for (index, ((caller, token), expected)) in CALLERS.iter().zip(tokens).zip(expected).enumerate() {
            let actual = run(app, &fixture, operation, index, token).await;
            if actual != expected {
                wrong.push(format!("{operation} as {caller}: expected {expected:?}, got {actual:?}"));
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "{} of {} cells are wrong:\n{}",
        wrong.len(),
        TABLE.len() * CALLERS.len(),
        wrong.join("\n")
    );
}

on_both!(permission_table, every_caller_gets_exactly_its_rights);
