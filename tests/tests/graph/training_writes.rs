//! Creating and updating courses (with their accreditations) and course offerings: drafts,
//! permissions, validation, revision history, versions and publishing.

use entities::{accreditations, course_offerings, course_topics, courses, offering_organizations, revisions};
use integration_tests::{TestApp, on_both};
use sea_orm::{EntityTrait, PaginatorTrait};
use serde_json::{Value, json};

use crate::people::{People, post_preview};

/// The course fields these tests read.
const COURSE: &str = "course { id code slug hours modality level modules languages topics { slug }
    editorial { status visibility version } }
    userErrors { field code message }";

/// The offering fields these tests read.
const OFFERING: &str = "courseOffering { id slug edition status capacity city timeZone
    starts { text precision } ends { text precision } enrolmentOpensOn enrolmentClosesOn
    venue { slug } country { code } academicPartners { slug } participatingInstitutions { slug }
    editorial { status visibility version } }
    userErrors { field code message }";

/// Records the tests link to, by global id.
struct Refs {
    usp: String,
    uba: String,
    venue: String,
    colombia: String,
    police_training: String,
    cybercrime: String,
    seed_course: String,
    seed_offering: String,
}

impl Refs {
    async fn read(app: &TestApp) -> Refs {
        let data = app
            .data(
                r#"{ usp: organization(slug: "org-usp") { id } uba: organization(slug: "org-uba") { id }
                    venue: organization(slug: "org-itp-hnd") { id } co: country(code: "CO") { id }
                    training: topic(slug: "topic-police-training") { id } cyber: topic(slug: "topic-cybercrime") { id }
                    course(code: "REDPPOL-OS") { id }
                    courseOffering(slug: "offering-redppol-onsite-2019-ecu") { id } }"#,
                json!({}),
            )
            .await;
        let id = |key: &str| data[key]["id"].as_str().unwrap().to_owned();
        Refs {
            usp: id("usp"),
            uba: id("uba"),
            venue: id("venue"),
            colombia: id("co"),
            police_training: id("training"),
            cybercrime: id("cyber"),
            seed_course: id("course"),
            seed_offering: id("courseOffering"),
        }
    }
}

/// Runs one of the four mutations as `token` and returns the whole response.
async fn mutate(app: &TestApp, token: &str, mutation: &str, input: Value) -> Value {
    let (input_type, payload) = match mutation {
        "createCourse" => ("CreateCourseInput", COURSE),
        "updateCourse" => ("UpdateCourseInput", COURSE),
        "createCourseOffering" => ("CreateCourseOfferingInput", OFFERING),
        _ => ("UpdateCourseOfferingInput", OFFERING),
    };
    let query = format!("mutation($input: {input_type}!) {{ {mutation}(input: $input) {{ {payload} }} }}");
    let (status, body) = app.post_as(Some(token), &query, json!({ "input": input })).await;
    assert_eq!(status, 200, "{body:#}");
    body
}

/// Runs a mutation that must succeed and returns the record it returns.
async fn accepted(app: &TestApp, token: &str, mutation: &str, record: &str, input: Value) -> Value {
    let body = mutate(app, token, mutation, input).await;
    assert!(body.get("errors").is_none(), "unexpected errors: {body:#}");
    let payload = &body["data"][mutation];
    assert_eq!(payload["userErrors"], json!([]), "{body:#}");
    payload[record].clone()
}

/// Builds the input of a valid course in `network`.
fn course_input(network: &str, code: &str, refs: &Refs) -> Value {
    json!({
        "code": code,
        "networkId": network,
        "titles": [
            { "locale": "EN", "text": "Community Policing in Practice" },
            { "locale": "ES", "text": "Policía comunitaria en la práctica" },
        ],
        "modality": "ON_SITE",
        "hours": 40,
        "languages": ["es", "en"],
        "level": "patrol supervisors",
        "modules": ["Problem-oriented policing", "Working with neighbourhood councils"],
        "descriptions": [{ "locale": "EN", "text": "A one-week course on community policing." }],
        "topicIds": [refs.police_training],
        "accreditations": [{ "universityId": refs.usp, "credits": 4.5, "role": "ACCREDITING" }],
        "sources": ["https://www.oas.org/redppol/"],
    })
}

/// Builds the input of a valid offering of `course`.
fn offering_input(course: &str, refs: &Refs) -> Value {
    json!({
        "courseId": course,
        "edition": 1,
        "modality": "ON_SITE",
        "venueId": refs.venue,
        "city": "La Paz",
        "countryId": refs.colombia,
        "starts": "2026-09-07",
        "ends": "2026-09-18",
        "timeZone": "America/Tegucigalpa",
        "enrolmentOpensOn": "2026-06-01",
        "enrolmentClosesOn": "2026-07-31",
        "capacity": 30,
        "academicPartnerIds": [refs.uba],
        "sources": ["https://www.oas.org/redppol/"],
    })
}

/// Sorted `(field path, code)` pairs of a payload's user errors.
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

/// Counts the rows every mutation here may write.
async fn row_counts(app: &TestApp) -> [u64; 6] {
    [
        courses::Entity::find().count(&app.db).await.unwrap(),
        course_topics::Entity::find().count(&app.db).await.unwrap(),
        accreditations::Entity::find().count(&app.db).await.unwrap(),
        course_offerings::Entity::find().count(&app.db).await.unwrap(),
        offering_organizations::Entity::find().count(&app.db).await.unwrap(),
        revisions::Entity::find().count(&app.db).await.unwrap(),
    ]
}

fn forbidden(body: &Value) -> bool {
    body["errors"].as_array().is_some_and(|errors| errors.iter().any(|e| e["extensions"]["code"] == "FORBIDDEN"))
}

/// Publishes a record through the generic life-cycle mutation and returns its new status.
async fn publish(app: &TestApp, token: &str, id: &str, version: i64) -> Value {
    let query = "mutation($input: TransitionInput!) { publish(input: $input) {
        node { ... on Course { editorial { status } } ... on CourseOffering { editorial { status } } }
        userErrors { field code message } } }";
    let (_, body) = app.post_as(Some(token), query, json!({ "input": { "id": id, "expectedVersion": version } })).await;
    assert!(body.get("errors").is_none(), "unexpected errors: {body:#}");
    assert_eq!(body["data"]["publish"]["userErrors"], json!([]), "{body:#}");
    body["data"]["publish"]["node"]["editorial"]["status"].clone()
}

/// Reads a record's revisions, newest first, as the given editor with the draft preview.
async fn revisions_of(app: &TestApp, token: &str, id: &str) -> Vec<Value> {
    let query = "query($id: ID!) { node(id: $id) {
        ... on Course { editorial { revisions { nodes { action changes { field oldValue newValue } } } } }
        ... on CourseOffering { editorial { revisions { nodes { action changes { field oldValue newValue } } } } } } }";
    let body = post_preview(app, token, query, json!({ "id": id })).await;
    assert!(body.get("errors").is_none(), "unexpected errors: {body:#}");
    body["data"]["node"]["editorial"]["revisions"]["nodes"].as_array().unwrap().clone()
}

/// Returns one field's change in a revision.
fn change<'a>(revision: &'a Value, field: &str) -> &'a Value {
    revision["changes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|change| change["field"] == field)
        .unwrap_or_else(|| panic!("no change of {field} in {revision:#}"))
}

/// Reads a course's accreditations with the draft preview, because the accreditations of
/// a draft are hidden like the draft itself.
async fn accreditations_of(app: &TestApp, token: &str, code: &str) -> Vec<Value> {
    let query = "query($code: String!) { course(code: $code) { accreditations { university { slug } credits role } } }";
    let body = post_preview(app, token, query, json!({ "code": code })).await;
    assert!(body.get("errors").is_none(), "unexpected errors: {body:#}");
    body["data"]["course"]["accreditations"].as_array().unwrap().clone()
}

async fn police_editor_creates_and_publishes(app: &TestApp) {
    let people = People::create(app).await;
    let refs = Refs::read(app).await;

    let course = accepted(
        app,
        &people.police_editor,
        "createCourse",
        "course",
        course_input(&people.police, "POL-CP-301", &refs),
    )
    .await;
    assert_eq!(course["editorial"]["status"], "DRAFT", "a new course starts as a draft");
    assert_eq!(course["editorial"]["version"], 1, "a new course starts at version 1");
    assert_eq!(course["editorial"]["visibility"], "PUBLIC", "visibility defaults to PUBLIC");
    assert_eq!(course["slug"], "community-policing-in-practice", "the slug comes from the English title");
    assert_eq!(course["topics"], json!([{ "slug": "topic-police-training" }]), "the topic is linked");
    assert_eq!(
        accreditations_of(app, &people.police_editor, "POL-CP-301").await,
        [json!({ "university": { "slug": "org-usp" }, "credits": 4.5, "role": "ACCREDITING" })],
        "the accreditation is stored"
    );
    let course_id = course["id"].as_str().unwrap().to_owned();

    let lookup = r#"{ course(code: "POL-CP-301") { id } }"#;
    let anonymous = app.post(lookup, json!({})).await;
    assert_eq!(anonymous["errors"][0]["extensions"]["code"], "NOT_FOUND", "anonymous callers miss the draft");
    let node = app.data("query($id: ID!) { node(id: $id) { id } }", json!({ "id": course_id })).await;
    assert!(node["node"].is_null(), "node hides the draft from anonymous callers");
    let preview = post_preview(app, &people.police_editor, lookup, json!({})).await;
    assert_eq!(preview["data"]["course"]["id"], course_id, "the editor previews the draft");

    let offering = accepted(
        app,
        &people.police_editor,
        "createCourseOffering",
        "courseOffering",
        offering_input(&course_id, &refs),
    )
    .await;
    assert_eq!(offering["editorial"]["status"], "DRAFT", "a new offering starts as a draft");
    assert_eq!(offering["editorial"]["version"], 1, "a new offering starts at version 1");
    assert_eq!(
        offering["slug"], "offering-community-policing-in-practice-2026-09-07",
        "the slug comes from the course's slug and the start date"
    );
    assert_eq!(offering["status"], "SCHEDULED", "the scheduling status defaults to SCHEDULED");
    assert_eq!(offering["starts"], json!({ "text": "2026-09-07", "precision": "DAY" }), "the precision is read");
    assert_eq!(offering["ends"], json!({ "text": "2026-09-18", "precision": "DAY" }));
    assert_eq!(offering["enrolmentClosesOn"], "2026-07-31");
    assert_eq!(offering["venue"], json!({ "slug": "org-itp-hnd" }), "the venue is linked");
    assert_eq!(offering["country"], json!({ "code": "COL" }), "the country is linked");
    assert_eq!(offering["academicPartners"], json!([{ "slug": "org-uba" }]), "the academic partner is linked");
    let offering_id = offering["id"].as_str().unwrap().to_owned();
    let slug = offering["slug"].as_str().unwrap().to_owned();

    let by_slug = "query($slug: String!) { courseOffering(slug: $slug) { id } }";
    let anonymous = app.post(by_slug, json!({ "slug": slug })).await;
    assert_eq!(anonymous["errors"][0]["extensions"]["code"], "NOT_FOUND", "anonymous callers miss the draft offering");
    let preview = post_preview(app, &people.police_editor, by_slug, json!({ "slug": slug })).await;
    assert_eq!(preview["data"]["courseOffering"]["id"], offering_id, "the editor previews the draft offering");

    let created = revisions_of(app, &people.police_editor, &course_id).await;
    assert_eq!(created.len(), 1, "one revision after the create");
    assert_eq!(created[0]["action"], "CREATE");
    assert_eq!(change(&created[0], "code")["newValue"], "POL-CP-301");
    assert_eq!(change(&created[0], "topicIds")["newValue"], json!([refs.police_training]), "links as global ids");
    let accreditation = &change(&created[0], "accreditations")["newValue"][0];
    assert_eq!(accreditation["universityId"], refs.usp, "accreditations name the university by global id");
    assert_eq!(accreditation["credits"], 4.5);
    assert_eq!(accreditation["role"], "accrediting");
    let created = revisions_of(app, &people.police_editor, &offering_id).await;
    assert_eq!(created[0]["action"], "CREATE");
    assert_eq!(change(&created[0], "starts")["newValue"], "2026-09-07");
    assert_eq!(change(&created[0], "academicPartnerIds")["newValue"], json!([refs.uba]));

    assert_eq!(publish(app, &people.police_editor, &course_id, 1).await, "PUBLISHED", "the course is published");
    assert_eq!(publish(app, &people.police_editor, &offering_id, 1).await, "PUBLISHED", "the offering is published");
    let seen = app
        .data(
            r#"query($slug: String!) { course(code: "POL-CP-301") { id offerings { nodes { id } } }
                courseOffering(slug: $slug) { id } }"#,
            json!({ "slug": slug }),
        )
        .await;
    assert_eq!(seen["course"]["id"], course_id, "anonymous callers see the published course");
    assert_eq!(seen["courseOffering"]["id"], offering_id, "anonymous callers see the published offering");
    assert_eq!(seen["course"]["offerings"]["nodes"], json!([{ "id": offering_id }]), "the course lists its offering");
}

on_both!(create_and_publish, police_editor_creates_and_publishes);

async fn other_network_editor_is_forbidden(app: &TestApp) {
    let people = People::create(app).await;
    let refs = Refs::read(app).await;
    let before = row_counts(app).await;

    let body = mutate(app, &people.editor, "createCourse", course_input(&people.police, "POL-CP-302", &refs)).await;
    assert!(forbidden(&body), "a prevention editor may not create a police course: {body:#}");
    let body = mutate(app, &people.member, "createCourse", course_input(&people.police, "POL-CP-303", &refs)).await;
    assert!(forbidden(&body), "a member may not create a course: {body:#}");
    let body = mutate(app, &people.editor, "createCourseOffering", offering_input(&refs.seed_course, &refs)).await;
    assert!(forbidden(&body), "a prevention editor may not add an offering to a police course: {body:#}");
    let body = mutate(app, &people.member, "createCourseOffering", offering_input(&refs.seed_course, &refs)).await;
    assert!(forbidden(&body), "a member may not create an offering: {body:#}");
    let update = json!({ "id": refs.seed_course, "expectedVersion": 1, "hours": 10 });
    let body = mutate(app, &people.editor, "updateCourse", update).await;
    assert!(forbidden(&body), "a prevention editor may not change a police course: {body:#}");
    let update = json!({ "id": refs.seed_offering, "expectedVersion": 1, "capacity": 10 });
    let body = mutate(app, &people.editor, "updateCourseOffering", update).await;
    assert!(forbidden(&body), "a prevention editor may not change a police offering: {body:#}");
    assert_eq!(row_counts(app).await, before, "nothing was written");

    // Moving an offering to another network's course needs the editor role in both networks.
    let prevention_course =
        accepted(app, &people.editor, "createCourse", "course", course_input(&people.prevention, "PRV-CP-1", &refs))
            .await;
    let prevention_course = prevention_course["id"].as_str().unwrap();
    let offering = accepted(
        app,
        &people.police_editor,
        "createCourseOffering",
        "courseOffering",
        offering_input(&refs.seed_course, &refs),
    )
    .await;
    let offering_id = offering["id"].as_str().unwrap();
    let move_input = json!({ "id": offering_id, "expectedVersion": 1, "courseId": prevention_course });
    let body = mutate(app, &people.police_editor, "updateCourseOffering", move_input.clone()).await;
    assert!(forbidden(&body), "the police editor may not move an offering to a prevention course: {body:#}");
    let body = mutate(app, &people.editor, "updateCourseOffering", move_input.clone()).await;
    assert!(forbidden(&body), "the prevention editor may not take a police offering: {body:#}");
    let moved = accepted(app, &people.admin, "updateCourseOffering", "courseOffering", move_input).await;
    assert_eq!(moved["editorial"]["version"], 2, "an admin edits both networks and moves the offering");
}

on_both!(forbidden_writes, other_network_editor_is_forbidden);

async fn invalid_course_lists_every_problem(app: &TestApp) {
    let people = People::create(app).await;
    let refs = Refs::read(app).await;
    let before = row_counts(app).await;

    let body = mutate(
        app,
        &people.police_editor,
        "createCourse",
        json!({
            "code": "pol cp 1",
            "slug": "Bad Slug",
            "networkId": people.police,
            "titles": [{ "locale": "EN", "text": " " }],
            "modality": "VIRTUAL",
            "hours": 0,
            "languages": ["english"],
            "modules": [""],
            "topicIds": ["VG9waWM6OTk5OTk"],
            "accreditations": [
                { "universityId": refs.police_training, "role": "CERTIFYING" },
                { "universityId": refs.usp, "credits": -1, "role": "CERTIFYING" },
                { "universityId": refs.usp, "role": "ACCREDITING" },
            ],
            "fundedById": "T3JnYW5pemF0aW9uOjk5OTk5",
            "sources": ["ftp//x://"],
        }),
    )
    .await;
    assert!(body.get("errors").is_none(), "input problems are user errors: {body:#}");
    let payload = &body["data"]["createCourse"];
    assert!(payload["course"].is_null(), "no course comes back: {body:#}");
    let expected = pairs(&[
        ("input.accreditations.0.universityId", "INVALID"),
        ("input.accreditations.1.credits", "INVALID"),
        ("input.accreditations.2.universityId", "DUPLICATE"),
        ("input.code", "INVALID"),
        ("input.fundedById", "NOT_FOUND"),
        ("input.hours", "INVALID"),
        ("input.languages.0", "INVALID"),
        ("input.modules.0", "REQUIRED"),
        ("input.slug", "INVALID"),
        ("input.sources.0", "INVALID"),
        ("input.titles.0.text", "REQUIRED"),
        ("input.topicIds.0", "NOT_FOUND"),
    ]);
    assert_eq!(problems(payload), expected, "{body:#}");
    for error in payload["userErrors"].as_array().unwrap() {
        assert!(error["message"].as_str().unwrap().len() > 20, "each message explains the fix: {error}");
    }
    assert_eq!(row_counts(app).await, before, "nothing was written");

    let body =
        mutate(app, &people.police_editor, "createCourse", course_input(&people.police, "REDPPOL-OS", &refs)).await;
    let payload = &body["data"]["createCourse"];
    assert_eq!(problems(payload), pairs(&[("input.code", "DUPLICATE")]), "catalogue codes are unique: {body:#}");
    assert!(payload["userErrors"][0]["message"].as_str().unwrap().contains("REDPPOL-OS"), "the message names the code");
    assert_eq!(row_counts(app).await, before, "nothing was written for the duplicate");
}

on_both!(course_validation, invalid_course_lists_every_problem);

async fn invalid_offering_lists_every_problem(app: &TestApp) {
    let people = People::create(app).await;
    let refs = Refs::read(app).await;
    let before = row_counts(app).await;

    let body = mutate(
        app,
        &people.police_editor,
        "createCourseOffering",
        json!({
            "courseId": refs.seed_course,
            "slug": "Bad Slug",
            "edition": 0,
            "modality": "VIRTUAL",
            "starts": "2026-03",
            "ends": "2026-02",
            "timeZone": "Bogota",
            "enrolmentOpensOn": "2026-02-01",
            "enrolmentClosesOn": "2026-01-15",
            "capacity": -1,
            "participants": -3,
            "language": "spanish",
            "venueId": "T3JnYW5pemF0aW9uOjk5OTk5",
            "countryId": refs.usp,
            "academicPartnerIds": [refs.police_training],
        }),
    )
    .await;
    assert!(body.get("errors").is_none(), "input problems are user errors: {body:#}");
    let payload = &body["data"]["createCourseOffering"];
    assert!(payload["courseOffering"].is_null(), "no offering comes back: {body:#}");
    let expected = pairs(&[
        ("input.academicPartnerIds.0", "INVALID"),
        ("input.capacity", "INVALID"),
        ("input.countryId", "INVALID"),
        ("input.edition", "INVALID"),
        ("input.ends", "INVALID"),
        ("input.enrolmentClosesOn", "INVALID"),
        ("input.language", "INVALID"),
        ("input.participants", "INVALID"),
        ("input.slug", "INVALID"),
        ("input.timeZone", "INVALID"),
        ("input.venueId", "NOT_FOUND"),
    ]);
    assert_eq!(problems(payload), expected, "{body:#}");
    for error in payload["userErrors"].as_array().unwrap() {
        assert!(error["message"].as_str().unwrap().len() > 20, "each message explains the fix: {error}");
    }

    let cases = [
        (json!({ "starts": "2026-03-01", "ends": "2026-04" }), "ends", "share one precision"),
        (json!({ "starts": "2026-03", "datePrecision": "UNKNOWN" }), "starts", "UNKNOWN"),
        (json!({ "starts": "2026-3-1" }), "starts", "YYYY-MM-DD, YYYY-MM or YYYY"),
        (json!({ "starts": "2026-02-30", "datePrecision": "DAY" }), "starts", "day-precision"),
        (json!({ "courseId": refs.usp }), "courseId", "not the id of a Course"),
    ];
    for (dates, field, words) in cases {
        let mut input = json!({ "courseId": refs.seed_course, "modality": "VIRTUAL" });
        input.as_object_mut().unwrap().extend(dates.as_object().unwrap().clone());
        let body = mutate(app, &people.police_editor, "createCourseOffering", input).await;
        let payload = &body["data"]["createCourseOffering"];
        assert_eq!(problems(payload), pairs(&[(&format!("input.{field}"), "INVALID")]), "{dates}: {body:#}");
        let message = payload["userErrors"][0]["message"].as_str().unwrap();
        assert!(message.contains(words), "the message for {dates} says \"{words}\": {message}");
    }
    assert_eq!(row_counts(app).await, before, "nothing was written");
}

on_both!(offering_validation, invalid_offering_lists_every_problem);

async fn course_update_records_revision(app: &TestApp) {
    let people = People::create(app).await;
    let refs = Refs::read(app).await;
    let course =
        accepted(app, &people.police_editor, "createCourse", "course", course_input(&people.police, "POL-UP-1", &refs))
            .await;
    let id = course["id"].as_str().unwrap().to_owned();

    let updated = accepted(
        app,
        &people.police_editor,
        "updateCourse",
        "course",
        json!({
            "id": id,
            "expectedVersion": 1,
            "hours": 60,
            "level": null,
            "topicIds": [refs.cybercrime],
            "accreditations": [
                { "universityId": refs.uba, "role": "CERTIFYING" },
                { "universityId": refs.usp, "credits": 6, "role": "ACCREDITING" },
            ],
        }),
    )
    .await;
    assert_eq!(updated["editorial"]["version"], 2, "the update makes version 2");
    assert_eq!(updated["hours"], 60, "the hours change");
    assert!(updated["level"].is_null(), "null clears the level");
    assert_eq!(updated["topics"], json!([{ "slug": "topic-cybercrime" }]), "topicIds replace the topics");
    let stored = accreditations_of(app, &people.police_editor, "POL-UP-1").await;
    assert_eq!(stored.len(), 2, "accreditations replace the list: {stored:#?}");
    let uba = stored.iter().find(|a| a["university"]["slug"] == "org-uba");
    assert_eq!(uba.map(|a| &a["role"]), Some(&json!("CERTIFYING")), "the new university is added");
    let usp = stored.iter().find(|a| a["university"]["slug"] == "org-usp");
    assert_eq!(usp.map(|a| &a["credits"]), Some(&json!(6.0)), "the kept accreditation has its new credits");
    assert_eq!(usp.map(|a| &a["role"]), Some(&json!("ACCREDITING")), "the kept accreditation keeps its role");

    let history = revisions_of(app, &people.police_editor, &id).await;
    assert_eq!(history.len(), 2, "create and update are recorded");
    let update = &history[0];
    assert_eq!(update["action"], "UPDATE");
    assert_eq!(change(update, "hours"), &json!({ "field": "hours", "oldValue": 40, "newValue": 60 }));
    assert_eq!(change(update, "level")["oldValue"], "patrol supervisors");
    assert!(change(update, "level")["newValue"].is_null(), "the cleared level is recorded as null");
    assert_eq!(change(update, "topicIds")["oldValue"], json!([refs.police_training]));
    assert_eq!(change(update, "topicIds")["newValue"], json!([refs.cybercrime]));
    assert_eq!(change(update, "accreditations")["oldValue"].as_array().unwrap().len(), 1);
    assert_eq!(change(update, "accreditations")["newValue"].as_array().unwrap().len(), 2);
    let fields: Vec<&str> =
        update["changes"].as_array().unwrap().iter().map(|c| c["field"].as_str().unwrap()).collect();
    assert!(!fields.contains(&"titles"), "unchanged fields are left out: {fields:?}");

    let body =
        mutate(app, &people.police_editor, "updateCourse", json!({ "id": id, "expectedVersion": 1, "hours": 5 })).await;
    let payload = &body["data"]["updateCourse"];
    assert_eq!(
        problems(payload),
        pairs(&[("input.expectedVersion", "CONFLICT")]),
        "a stale version conflicts: {body:#}"
    );
    assert_eq!(payload["course"]["hours"], 60, "the current state comes back unchanged");
    assert_eq!(payload["course"]["editorial"]["version"], 2, "the version is unchanged");
    assert_eq!(revisions_of(app, &people.police_editor, &id).await.len(), 2, "a conflict records no revision");

    let body = mutate(
        app,
        &people.police_editor,
        "updateCourse",
        json!({ "id": id, "expectedVersion": 2, "code": "POL-UP-1" }),
    )
    .await;
    assert_eq!(
        body["data"]["updateCourse"]["course"]["editorial"]["version"], 2,
        "an update without changes keeps the version"
    );
}

on_both!(course_updates, course_update_records_revision);

async fn offering_update_records_revision(app: &TestApp) {
    let people = People::create(app).await;
    let refs = Refs::read(app).await;
    let offering = accepted(
        app,
        &people.police_editor,
        "createCourseOffering",
        "courseOffering",
        offering_input(&refs.seed_course, &refs),
    )
    .await;
    let id = offering["id"].as_str().unwrap().to_owned();

    let updated = accepted(
        app,
        &people.police_editor,
        "updateCourseOffering",
        "courseOffering",
        json!({
            "id": id,
            "expectedVersion": 1,
            "starts": "2026-10",
            "ends": "2026-11",
            "status": "POSTPONED",
            "capacity": 25,
            "city": null,
            "participatingInstitutionIds": [refs.venue],
        }),
    )
    .await;
    assert_eq!(updated["editorial"]["version"], 2, "the update makes version 2");
    assert_eq!(
        updated["starts"],
        json!({ "text": "2026-10", "precision": "MONTH" }),
        "the precision follows the dates"
    );
    assert_eq!(updated["status"], "POSTPONED", "the scheduling status changes");
    assert_eq!(updated["editorial"]["status"], "DRAFT", "the editorial status stays apart");
    assert!(updated["city"].is_null(), "null clears the city");
    assert_eq!(updated["participatingInstitutions"], json!([{ "slug": "org-itp-hnd" }]));
    assert_eq!(updated["academicPartners"], json!([{ "slug": "org-uba" }]), "lists left out are kept");

    let history = revisions_of(app, &people.police_editor, &id).await;
    let update = &history[0];
    assert_eq!(update["action"], "UPDATE");
    assert_eq!(
        change(update, "starts"),
        &json!({ "field": "starts", "oldValue": "2026-09-07", "newValue": "2026-10" })
    );
    assert_eq!(change(update, "datePrecision")["newValue"], "month");
    assert_eq!(change(update, "capacity")["oldValue"], 30);
    assert_eq!(change(update, "participatingInstitutionIds")["newValue"], json!([refs.venue]));

    let body = mutate(
        app,
        &people.police_editor,
        "updateCourseOffering",
        json!({ "id": id, "expectedVersion": 2, "ends": "2026-09" }),
    )
    .await;
    let payload = &body["data"]["updateCourseOffering"];
    assert_eq!(problems(payload), pairs(&[("input.ends", "INVALID")]), "the end may not precede the stored start");
    assert_eq!(payload["courseOffering"]["ends"]["text"], "2026-11", "the rejected update changes nothing");

    let stale = json!({ "id": id, "expectedVersion": 1, "capacity": 5 });
    let body = mutate(app, &people.police_editor, "updateCourseOffering", stale).await;
    let payload = &body["data"]["updateCourseOffering"];
    assert_eq!(
        problems(payload),
        pairs(&[("input.expectedVersion", "CONFLICT")]),
        "a stale version conflicts: {body:#}"
    );
    assert_eq!(payload["courseOffering"]["capacity"], 25, "the current state comes back unchanged");
    assert_eq!(payload["courseOffering"]["editorial"]["version"], 2, "the version is unchanged");

    assert_eq!(publish(app, &people.police_editor, &id, 2).await, "PUBLISHED", "the offering is published");
    let slug = updated["slug"].as_str().unwrap();
    let seen = app.data("query($slug: String!) { courseOffering(slug: $slug) { id } }", json!({ "slug": slug })).await;
    assert_eq!(seen["courseOffering"]["id"], id, "anonymous callers see the published offering");
}

on_both!(offering_updates, offering_update_records_revision);
