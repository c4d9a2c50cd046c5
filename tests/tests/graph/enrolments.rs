//! Officers and enrolments through GraphQL: seats under concurrency, the waiting list,
//! results with certificates, and who may read personal records.

use api::auth::TokenScope;
use integration_tests::{TestApp, on_both};
use sea_orm::{ConnectionTrait, Statement};
use serde_json::{Value, json};

const OFFERING: &str = "offering-redppol-onsite-2019-ecu";
const COLOMBIA: &str = "inst-pnc-col";
const HONDURAS: &str = "inst-pn-hnd";

/// Reads one integer from the database.
async fn scalar(app: &TestApp, sql: &str) -> i64 {
    let row =
        app.db.query_one_raw(Statement::from_string(app.db.get_database_backend(), sql.to_owned())).await.unwrap();
    row.unwrap().try_get_by_index::<i64>(0).unwrap()
}

async fn execute(app: &TestApp, sql: &str) {
    app.db.execute_unprepared(sql).await.unwrap();
}

/// Makes the seed offering run until 2031 with `capacity` seats, so that it takes enrolments.
async fn open_offering(app: &TestApp, capacity: i32) -> String {
    execute(
        app,
        &format!(
            "UPDATE course_offerings SET starts_on = '2024-01-08', ends_on = '2031-03-28', capacity = {capacity}, \
             enrolment_closes_on = NULL, status = 'scheduled' WHERE slug = '{OFFERING}'"
        ),
    )
    .await;
    let data = app.data("{ courseOfferings(first: 100) { nodes { id slug } } }", json!({})).await;
    data["courseOfferings"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|node| node["slug"] == OFFERING)
        .map(|node| node["id"].as_str().unwrap().to_owned())
        .expect("the seed offering is listed")
}

async fn institution_id(app: &TestApp, slug: &str) -> String {
    let data = app.data(&format!("{{ policeInstitution(slug: \"{slug}\") {{ id }} }}"), json!({})).await;
    data["policeInstitution"]["id"].as_str().unwrap().to_owned()
}

/// Posts as `token` and returns the data, failing on any error.
async fn data_as(app: &TestApp, token: &str, query: &str, variables: Value) -> Value {
    let (status, body) = app.post_as(Some(token), query, variables).await;
    assert_eq!(status, 200, "{body:#}");
    assert!(body.get("errors").is_none(), "{body:#}");
    body["data"].clone()
}

const CREATE_OFFICER: &str = r#"mutation($input: CreateOfficerInput!) {
    createOfficer(input: $input) { officer { id displayName version country { code } } userErrors { field code message } } }"#;

const ENROL: &str = r#"mutation($offering: ID!, $officer: ID!) {
    enrol(input: { offeringId: $offering, officerId: $officer }) {
        enrolment { id status version } userErrors { field code message } } }"#;

async fn create_officer(app: &TestApp, token: &str, institution: &str, name: &str) -> String {
    let data = data_as(
        app,
        token,
        CREATE_OFFICER,
        json!({ "input": { "institutionId": institution, "name": name, "rank": "Subcomisario" } }),
    )
    .await;
    let payload = &data["createOfficer"];
    assert_eq!(payload["userErrors"], json!([]), "{payload:#}");
    payload["officer"]["id"].as_str().unwrap().to_owned()
}

/// A coordinator of the Colombian police with a token for training records.
async fn coordinator(app: &TestApp) -> String {
    let id = app.create_coordinator("Academia ECSAN", &[COLOMBIA]).await;
    app.create_token(id, &[TokenScope::Enrolments]).await
}

async fn seats_hold_under_concurrent_enrolment(app: &TestApp) {
    let offering = open_offering(app, 30).await;
    let token = coordinator(app).await;
    let institution = institution_id(app, COLOMBIA).await;
    let mut officers = Vec::new();
    for i in 0..100 {
        officers.push(create_officer(app, &token, &institution, &format!("Agente {i:03}")).await);
    }
    let requests = officers.iter().map(|officer| {
        let token = token.clone();
        let offering = offering.clone();
        let officer = officer.clone();
        async move {
            let (status, body) =
                app.post_as(Some(&token), ENROL, json!({ "offering": offering, "officer": officer })).await;
            assert_eq!(status, 200, "{body:#}");
            assert!(body.get("errors").is_none(), "{body:#}");
            assert_eq!(body["data"]["enrol"]["userErrors"], json!([]), "{body:#}");
            body["data"]["enrol"]["enrolment"]["status"].as_str().unwrap().to_owned()
        }
    });
    let statuses = integration_tests::join_all(requests.into_iter()).await;
    let enrolled = statuses.iter().filter(|status| *status == "ENROLLED").count();
    let waitlisted = statuses.iter().filter(|status| *status == "WAITLISTED").count();
    assert_eq!((enrolled, waitlisted), (30, 70), "{statuses:?}");
    let enrolled_count = scalar(
        app,
        &format!(
            "SELECT COUNT(*) FROM enrolments e JOIN course_offerings o ON o.id = e.offering_id \
             WHERE o.slug = '{OFFERING}' AND e.status = 'enrolled'"
        ),
    )
    .await;
    assert_eq!(enrolled_count, 30);
    let data = app
        .data(
            &format!(
                "{{ node(id: \"{offering}\") {{ ... on CourseOffering {{ seatsTaken seatsAvailable capacity }} }} }}"
            ),
            json!({}),
        )
        .await;
    assert_eq!(data["node"], json!({ "seatsTaken": 30, "seatsAvailable": 0, "capacity": 30 }));

    // Withdrawing a seated officer gives the seat to the officer who waited longest.
    let list = data_as(
        app,
        &token,
        r#"query($offering: ID!) { enrolments(first: 100, filter: { offeringId: $offering }) {
            nodes { id status version waitlistedAt officer { displayName } } } }"#,
        json!({ "offering": offering }),
    )
    .await;
    let nodes = list["enrolments"]["nodes"].as_array().unwrap();
    assert_eq!(nodes.len(), 100);
    let seated = nodes.iter().find(|node| node["status"] == "ENROLLED").unwrap();
    let mut waiting: Vec<&Value> = nodes.iter().filter(|node| node["status"] == "WAITLISTED").collect();
    waiting.sort_by_key(|node| {
        (node["waitlistedAt"].as_str().unwrap().to_owned(), node["id"].as_str().unwrap().to_owned())
    });
    let withdraw = data_as(
        app,
        &token,
        r#"mutation($id: ID!, $version: Int!) { withdrawEnrolment(input: { id: $id, expectedVersion: $version }) {
            enrolment { status } userErrors { code } } }"#,
        json!({ "id": seated["id"], "version": seated["version"] }),
    )
    .await;
    assert_eq!(withdraw["withdrawEnrolment"]["enrolment"]["status"], "WITHDRAWN", "{withdraw:#}");
    let first_waiting = data_as(
        app,
        &token,
        r#"query($id: ID!) { node(id: $id) { ... on Enrolment { status enrolledAt } } }"#,
        json!({ "id": waiting[0]["id"] }),
    )
    .await;
    assert_eq!(first_waiting["node"]["status"], "ENROLLED", "the first waitlisted officer gets the seat");
    let second_waiting = data_as(
        app,
        &token,
        r#"query($id: ID!) { node(id: $id) { ... on Enrolment { status } } }"#,
        json!({ "id": waiting[1]["id"] }),
    )
    .await;
    assert_eq!(second_waiting["node"]["status"], "WAITLISTED");
    let data = app
        .data(&format!("{{ node(id: \"{offering}\") {{ ... on CourseOffering {{ seatsTaken }} }} }}"), json!({}))
        .await;
    assert_eq!(data["node"]["seatsTaken"], 30);
}
on_both!(seats, seats_hold_under_concurrent_enrolment);

async fn an_officer_applies_is_enrolled_completes_and_is_certified(app: &TestApp) {
    let offering = open_offering(app, 2).await;
    let token = coordinator(app).await;
    let institution = institution_id(app, COLOMBIA).await;
    let member = app.create_member("María Fernanda Ospina", Some("mfo"), false, &[]).await;
    let own_token = app.create_token(member, &[TokenScope::Read]).await;
    let member_id = api::ids::encode_global_id("Member", member);
    let data = data_as(
        app,
        &token,
        CREATE_OFFICER,
        json!({ "input": { "institutionId": institution, "name": "María Fernanda Ospina", "memberId": member_id,
                           "externalRef": "PNC-1001", "role": "OFFICER" } }),
    )
    .await;
    let officer = data["createOfficer"]["officer"]["id"].as_str().unwrap().to_owned();
    assert_eq!(data["createOfficer"]["officer"]["country"]["code"], "COL", "the institution's country is the default");

    // The same reference twice in one institution is a duplicate.
    let duplicate = data_as(
        app,
        &token,
        CREATE_OFFICER,
        json!({ "input": { "institutionId": institution, "name": "Otra Persona", "externalRef": "PNC-1001" } }),
    )
    .await;
    assert_eq!(duplicate["createOfficer"]["userErrors"][0]["code"], "DUPLICATE", "{duplicate:#}");

    let applied = data_as(
        app,
        &own_token,
        r#"mutation($offering: ID!) { applyForOffering(input: { offeringId: $offering }) {
            enrolment { id status } userErrors { field code message } } }"#,
        json!({ "offering": offering }),
    )
    .await;
    assert_eq!(applied["applyForOffering"]["enrolment"]["status"], "APPLIED", "{applied:#}");

    let enrolled = data_as(app, &token, ENROL, json!({ "offering": offering, "officer": officer })).await;
    assert_eq!(enrolled["enrol"]["enrolment"]["status"], "ENROLLED", "{enrolled:#}");
    let enrolment = enrolled["enrol"]["enrolment"]["id"].as_str().unwrap().to_owned();
    let version = enrolled["enrol"]["enrolment"]["version"].as_i64().unwrap();

    // Enrolling twice is refused.
    let again = data_as(app, &token, ENROL, json!({ "offering": offering, "officer": officer })).await;
    assert_eq!(again["enrol"]["userErrors"][0]["code"], "INVALID_TRANSITION", "{again:#}");

    const RESULT: &str = r#"mutation($input: RecordResultInput!) { recordResult(input: $input) {
        enrolment { status completedOn score version certificate { code holderName issuedOn status } }
        userErrors { field code message } } }"#;
    let stale = data_as(
        app,
        &token,
        RESULT,
        json!({ "input": { "id": enrolment, "expectedVersion": version - 1, "outcome": "COMPLETED", "completedOn": "2024-03-28" } }),
    )
    .await;
    assert_eq!(stale["recordResult"]["userErrors"][0]["code"], "CONFLICT", "{stale:#}");
    let future = data_as(
        app,
        &token,
        RESULT,
        json!({ "input": { "id": enrolment, "expectedVersion": version, "outcome": "COMPLETED", "completedOn": "2999-01-01", "score": 140.0 } }),
    )
    .await;
    let fields: Vec<&Value> =
        future["recordResult"]["userErrors"].as_array().unwrap().iter().map(|e| &e["field"]).collect();
    assert_eq!(fields, [&json!(["input", "completedOn"]), &json!(["input", "score"])], "{future:#}");

    let early = data_as(
        app,
        &token,
        RESULT,
        json!({ "input": { "id": enrolment, "expectedVersion": version, "outcome": "COMPLETED", "completedOn": "2024-01-07" } }),
    )
    .await;
    assert_eq!(early["recordResult"]["userErrors"][0]["field"], json!(["input", "completedOn"]), "{early:#}");
    assert_eq!(early["recordResult"]["enrolment"]["status"], "ENROLLED", "{early:#}");

    let done = data_as(
        app,
        &token,
        RESULT,
        json!({ "input": { "id": enrolment, "expectedVersion": version, "outcome": "COMPLETED", "completedOn": "2024-03-28", "score": 91.5 } }),
    )
    .await;
    let saved = &done["recordResult"]["enrolment"];
    assert_eq!(saved["status"], "COMPLETED", "{done:#}");
    assert_eq!(saved["certificate"]["holderName"], "María Fernanda Ospina");
    assert_eq!(saved["certificate"]["status"], "VALID");
    assert_eq!(saved["certificate"]["issuedOn"], "2024-03-28");
    let code = saved["certificate"]["code"].as_str().unwrap();
    assert_eq!(code.len(), 23, "{code}");

    // The officer sees their own history through `viewer`.
    let own = data_as(
        app,
        &own_token,
        "{ viewer { officer { displayName enrolments { nodes { status certificate { code } } } } } }",
        json!({}),
    )
    .await;
    assert_eq!(own["viewer"]["officer"]["enrolments"]["nodes"][0]["certificate"]["code"], code, "{own:#}");

    // Correcting the result to a failure revokes the certificate, which keeps its code.
    let failed = data_as(
        app,
        &token,
        RESULT,
        json!({ "input": { "id": enrolment, "expectedVersion": saved["version"], "outcome": "FAILED", "completedOn": "2024-03-28" } }),
    )
    .await;
    assert_eq!(failed["recordResult"]["enrolment"]["certificate"]["status"], "REVOKED", "{failed:#}");
    assert_eq!(failed["recordResult"]["enrolment"]["certificate"]["code"], code);
}
on_both!(life_cycle, an_officer_applies_is_enrolled_completes_and_is_certified);

async fn personal_records_are_seen_only_by_those_who_need_them(app: &TestApp) {
    let offering = open_offering(app, 10).await;
    let colombia = coordinator(app).await;
    let honduras_id = app.create_coordinator("Academia Honduras", &[HONDURAS]).await;
    let honduras = app.create_token(honduras_id, &[TokenScope::Enrolments]).await;
    let honduras_read_only = app.create_token(honduras_id, &[TokenScope::Read]).await;
    let admin_id = app.create_member("Ada Admin", None, true, &[]).await;
    let admin = app.create_token(admin_id, &[TokenScope::Enrolments, TokenScope::Admin]).await;
    let admin_without_scope = app.create_token(admin_id, &[TokenScope::Read, TokenScope::Admin]).await;
    let member_id = app.create_member("Alice Member", Some("alice"), false, &[]).await;
    let member = app.create_token(member_id, &[TokenScope::Read]).await;

    let col = institution_id(app, COLOMBIA).await;
    let hnd = institution_id(app, HONDURAS).await;
    let officer = create_officer(app, &colombia, &col, "Juan Pérez").await;
    let other = create_officer(app, &honduras, &hnd, "Ana López").await;
    data_as(app, &colombia, ENROL, json!({ "offering": offering, "officer": officer })).await;
    data_as(app, &honduras, ENROL, json!({ "offering": offering, "officer": other })).await;

    // A coordinator cannot create officers or enrol them in another institution.
    let foreign =
        data_as(app, &honduras, CREATE_OFFICER, json!({ "input": { "institutionId": col, "name": "Intruso" } })).await;
    assert_eq!(foreign["createOfficer"]["userErrors"][0]["field"], json!(["input", "institutionId"]), "{foreign:#}");
    let foreign = data_as(app, &honduras, ENROL, json!({ "offering": offering, "officer": officer })).await;
    assert_eq!(foreign["enrol"]["userErrors"][0]["code"], "NOT_FOUND", "{foreign:#}");

    const NAMES: &str = r#"query($offering: ID!) { node(id: $offering) { ... on CourseOffering { seatsTaken
        enrolments(first: 10) { nodes { officer { displayName } } } } }
        officers(first: 10) { nodes { displayName } } }"#;
    let names = |data: &Value| -> (Vec<String>, Vec<String>) {
        let pick = |nodes: &Value, path: &[&str]| {
            nodes
                .as_array()
                .unwrap()
                .iter()
                .map(|node| path.iter().fold(node, |value, key| &value[*key]).as_str().unwrap().to_owned())
                .collect::<Vec<_>>()
        };
        (
            pick(&data["node"]["enrolments"]["nodes"], &["officer", "displayName"]),
            pick(&data["officers"]["nodes"], &["displayName"]),
        )
    };
    let variables = json!({ "offering": offering });
    let anonymous = app.data(NAMES, variables.clone()).await;
    assert_eq!(anonymous["node"]["seatsTaken"], 2, "totals are public");
    assert_eq!(names(&anonymous), (vec![], vec![]), "rows are not");
    for (token, expected) in [
        (&member, (vec![], vec![])),
        (&honduras_read_only, (vec![], vec![])),
        (&admin_without_scope, (vec![], vec![])),
        (&colombia, (vec!["Juan Pérez".to_owned()], vec!["Juan Pérez".to_owned()])),
        (&honduras, (vec!["Ana López".to_owned()], vec!["Ana López".to_owned()])),
        (
            &admin,
            (
                vec!["Juan Pérez".to_owned(), "Ana López".to_owned()],
                vec!["Ana López".to_owned(), "Juan Pérez".to_owned()],
            ),
        ),
    ] {
        let data = data_as(app, token, NAMES, variables.clone()).await;
        assert_eq!(names(&data), expected, "{data:#}");
    }
    // `node` hides other institutions' officers like missing records.
    let hidden = data_as(app, &honduras, r#"query($id: ID!) { node(id: $id) { id } }"#, json!({ "id": officer })).await;
    assert_eq!(hidden["node"], Value::Null);

    // Mutations on training records need the scope.
    let (_, body) =
        app.post_as(Some(&honduras_read_only), ENROL, json!({ "offering": offering, "officer": other })).await;
    assert_eq!(body["errors"][0]["extensions"]["code"], "FORBIDDEN", "{body:#}");
    assert!(body["errors"][0]["message"].as_str().unwrap().contains("ENROLMENTS"), "{body:#}");
    let (_, body) = app.post_as(None, ENROL, json!({ "offering": offering, "officer": other })).await;
    assert_eq!(body["errors"][0]["extensions"]["code"], "FORBIDDEN", "{body:#}");
}
on_both!(personal_data, personal_records_are_seen_only_by_those_who_need_them);

async fn a_deep_page_of_enrolments_costs_one_statement(app: &TestApp) {
    let offering = open_offering(app, 500).await;
    let token = coordinator(app).await;
    let institution = institution_id(app, COLOMBIA).await;
    for i in 0..120 {
        let officer = create_officer(app, &token, &institution, &format!("Cadete {i:03}")).await;
        data_as(app, &token, ENROL, json!({ "offering": offering, "officer": officer })).await;
    }
    const PAGE: &str = r#"query($after: String) { course(code: "REDPPOL-OS") { enrolments(first: 50, after: $after) {
        nodes { status } pageInfo { endCursor hasNextPage } } } }"#;
    let mut after = Value::Null;
    let mut seen = 0;
    let mut costs = Vec::new();
    loop {
        let before = app.statements.get();
        let data = data_as(app, &token, PAGE, json!({ "after": after })).await;
        // Statements sent besides the request's own: authentication reads the token,
        // its member and roles, and may record the token's use.
        costs.push(app.statements.get() - before);
        let page = &data["course"]["enrolments"];
        seen += page["nodes"].as_array().unwrap().len();
        if !page["pageInfo"]["hasNextPage"].as_bool().unwrap() {
            break;
        }
        after = page["pageInfo"]["endCursor"].clone();
    }
    assert_eq!(seen, 120);
    let deepest = *costs.last().unwrap();
    assert!(costs.iter().skip(1).all(|cost| *cost == deepest), "every later page costs the same: {costs:?}");
}
on_both!(deep_pages, a_deep_page_of_enrolments_costs_one_statement);
