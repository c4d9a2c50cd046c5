//! Public certificate verification: what a code returns, typed variants, revocation,
//! errors, and the throttle on failed attempts.

use api::auth::TokenScope;
use api::config::TrainingConfig;
use entities::{certificates, course_offerings, courses, enrolments, officers, organizations};
use integration_tests::{TestApp, on_both};
use sea_orm::prelude::{ChronoDate, ChronoUtc};
use sea_orm::{ActiveModelTrait, ActiveValue, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel, QueryFilter};
use serde_json::{Value, json};

const VERIFY: &str = r#"query ($code: String!) { verifyCertificate(code: $code) {
    code status holderName issuedOn
    course { code title { text locale } hours modality
        accreditations { university { text locale } credits role } } } }"#;

/// A well-formed code that no test issues: random codes hit it with odds of 2^-100.
const UNKNOWN_CODE: &str = "00000-00000-00000-00000";

/// The officer's email, which must never appear in a verification.
const EMAIL: &str = "ana.gomez@example.org";

/// An officer's completed enrolment and the certificate issued for it.
struct Issued {
    enrolment: i32,
    code: String,
}

/// Creates an officer of the Colombian National Police with a completed enrolment in the
/// seed REDPPOL on-site course, and issues its certificate.
async fn issue_certificate(app: &TestApp, name: &str) -> Issued {
    let institution = organizations::Entity::find()
        .filter(organizations::Column::Slug.eq("inst-pnc-col"))
        .one(&app.db)
        .await
        .unwrap()
        .expect("the seed police institution inst-pnc-col exists");
    let course = courses::Entity::find()
        .filter(courses::Column::Slug.eq("course-redppol-onsite"))
        .one(&app.db)
        .await
        .unwrap()
        .expect("the seed course course-redppol-onsite exists");
    let offering = course_offerings::Entity::find()
        .filter(course_offerings::Column::Slug.eq("offering-redppol-onsite-2019-ecu"))
        .one(&app.db)
        .await
        .unwrap()
        .expect("the seed offering offering-redppol-onsite-2019-ecu exists");
    let now = ChronoUtc::now();

    let txn = api::training::begin_write(&app.db).await.unwrap();
    let officer = officers::ActiveModel {
        member_id: ActiveValue::Set(None),
        institution_id: ActiveValue::Set(institution.id),
        country_id: ActiveValue::Set(institution.country_id.expect("inst-pnc-col has a country")),
        external_ref: ActiveValue::Set(Some(format!("PNC-{name}"))),
        role: ActiveValue::Set("officer".into()),
        rank: ActiveValue::Set(Some("Mayor".into())),
        display_name: ActiveValue::Set(name.into()),
        sort_name: ActiveValue::Set(name.to_lowercase()),
        email: ActiveValue::Set(Some(EMAIL.into())),
        active: ActiveValue::Set(true),
        version: ActiveValue::Set(1),
        created_at: ActiveValue::Set(now),
        updated_at: ActiveValue::Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await
    .unwrap();
    let enrolment = enrolments::ActiveModel {
        officer_id: ActiveValue::Set(officer.id),
        offering_id: ActiveValue::Set(offering.id),
        course_id: ActiveValue::Set(course.id),
        status: ActiveValue::Set("completed".into()),
        applied_at: ActiveValue::Set(now),
        enrolled_at: ActiveValue::Set(Some(now)),
        completed_on: ActiveValue::Set(Some(ChronoDate::from_ymd_opt(2019, 11, 29).unwrap())),
        score: ActiveValue::Set(Some(91.5)),
        result: ActiveValue::Set(Some("passed".into())),
        source: ActiveValue::Set("api".into()),
        version: ActiveValue::Set(1),
        created_at: ActiveValue::Set(now),
        updated_at: ActiveValue::Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await
    .unwrap();
    api::training::certificates::sync(&txn, &[enrolment.id]).await.unwrap();
    txn.commit().await.unwrap();

    let certificate = certificates::Entity::find()
        .filter(certificates::Column::EnrolmentId.eq(enrolment.id))
        .one(&app.db)
        .await
        .unwrap()
        .expect("sync issued a certificate for the completed enrolment");
    Issued { enrolment: enrolment.id, code: certificate.code }
}

/// Changes an enrolment's status and brings its certificate in line, as the write paths do.
async fn set_enrolment_status(app: &TestApp, enrolment: i32, status: &str) {
    let txn = api::training::begin_write(&app.db).await.unwrap();
    let mut row = enrolments::Entity::find_by_id(enrolment).one(&txn).await.unwrap().unwrap().into_active_model();
    row.status = ActiveValue::Set(status.into());
    row.update(&txn).await.unwrap();
    api::training::certificates::sync(&txn, &[enrolment]).await.unwrap();
    txn.commit().await.unwrap();
}

/// Verifies `code` anonymously and returns the whole response.
async fn verify(app: &TestApp, code: &str) -> Value {
    app.post(VERIFY, json!({ "code": code })).await
}

/// Returns the field names of a GraphQL object type, sorted.
async fn field_names(app: &TestApp, type_name: &str) -> Vec<String> {
    let data = app
        .data("query ($name: String!) { __type(name: $name) { fields { name } } }", json!({ "name": type_name }))
        .await;
    let mut names: Vec<String> = data["__type"]["fields"]
        .as_array()
        .unwrap_or_else(|| panic!("type {type_name} is missing: {data}"))
        .iter()
        .map(|field| field["name"].as_str().unwrap().to_owned())
        .collect();
    names.sort();
    names
}

async fn verification_shows_printed_fields(app: &TestApp) {
    let issued = issue_certificate(app, "Ana Gómez Restrepo").await;

    let response = verify(app, &issued.code).await;
    assert!(response.get("errors").is_none(), "unexpected errors: {response:#}");
    let verification = &response["data"]["verifyCertificate"];
    assert_eq!(verification["code"], issued.code.as_str());
    assert_eq!(verification["status"], "VALID");
    assert_eq!(verification["holderName"], "Ana Gómez Restrepo");
    assert_eq!(verification["issuedOn"], "2019-11-29");
    let course = &verification["course"];
    assert_eq!(course["code"], "REDPPOL-OS");
    assert_eq!(course["title"]["text"], "REDPPOL On-Site Police Training Course");
    assert_eq!(course["hours"], 180);
    assert_eq!(course["modality"], "ON_SITE");
    let accreditations = course["accreditations"].as_array().unwrap();
    assert_eq!(accreditations.len(), 1, "{course:#}");
    assert_eq!(accreditations[0]["role"], "CERTIFYING");
    assert_eq!(accreditations[0]["credits"], Value::Null);
    assert_eq!(accreditations[0]["university"]["locale"], "EN");
    assert!(accreditations[0]["university"]["text"].as_str().is_some_and(|name| !name.is_empty()));

    let text = response.to_string();
    assert!(!text.contains(EMAIL), "the officer's email leaked: {text}");
    assert!(!text.contains("91.5"), "the score leaked: {text}");
    assert!(!text.contains("Mayor"), "the rank leaked: {text}");
}
on_both!(verification_fields, verification_shows_printed_fields);

async fn verification_types_expose_only_certificate_fields(app: &TestApp) {
    assert_eq!(
        field_names(app, "CertificateVerification").await,
        ["code", "course", "holderName", "issuedOn", "status"]
    );
    assert_eq!(field_names(app, "CertifiedCourse").await, ["accreditations", "code", "hours", "modality", "title"]);
    assert_eq!(field_names(app, "CertifiedAccreditation").await, ["credits", "role", "university"]);
}
on_both!(verification_types, verification_types_expose_only_certificate_fields);

async fn typed_variants_verify_the_same_certificate(app: &TestApp) {
    let issued = issue_certificate(app, "Luis Pérez").await;
    let typed = format!("  {}  ", issued.code.to_lowercase().replace('-', " "));

    let response = verify(app, &typed).await;
    assert!(response.get("errors").is_none(), "unexpected errors: {response:#}");
    assert_eq!(response["data"]["verifyCertificate"]["code"], issued.code.as_str());
    assert_eq!(response["data"]["verifyCertificate"]["holderName"], "Luis Pérez");

    let spanish = app.post_with_language(VERIFY, json!({ "code": typed }), Some("es")).await;
    assert_eq!(
        spanish["data"]["verifyCertificate"]["course"]["title"]["text"],
        "Curso Presencial de Capacitación Policial de la REDPPOL"
    );

    let variables = json!({ "code": typed }).to_string();
    let query = [("query", VERIFY), ("variables", variables.as_str())];
    let over_get = app.client().get(app.url()).query(&query).send().await.unwrap();
    assert_eq!(over_get.status(), 200);
    let over_get: Value = over_get.json().await.unwrap();
    assert_eq!(over_get["data"]["verifyCertificate"]["code"], issued.code.as_str(), "{over_get:#}");
}
on_both!(typed_variants, typed_variants_verify_the_same_certificate);

async fn failed_enrolment_revokes_the_certificate(app: &TestApp) {
    let issued = issue_certificate(app, "Marta Ruiz").await;
    set_enrolment_status(app, issued.enrolment, "failed").await;

    let response = verify(app, &issued.code).await;
    assert!(response.get("errors").is_none(), "unexpected errors: {response:#}");
    assert_eq!(response["data"]["verifyCertificate"]["status"], "REVOKED");
    assert_eq!(response["data"]["verifyCertificate"]["holderName"], "Marta Ruiz");

    set_enrolment_status(app, issued.enrolment, "completed").await;
    let response = verify(app, &issued.code).await;
    assert_eq!(response["data"]["verifyCertificate"]["status"], "VALID", "{response:#}");
}
on_both!(revoked_certificate, failed_enrolment_revokes_the_certificate);

async fn unpublished_course_is_still_shown(app: &TestApp) {
    let issued = issue_certificate(app, "Rosa Díaz").await;
    let course = courses::Entity::find().filter(courses::Column::Code.eq("REDPPOL-OS")).one(&app.db).await.unwrap();
    let mut course = course.unwrap().into_active_model();
    course.editorial_status = ActiveValue::Set("draft".into());
    course.visibility = ActiveValue::Set("members_only".into());
    course.update(&app.db).await.unwrap();

    let hidden = app.post(r#"{ course(code: "REDPPOL-OS") { code } }"#, json!({})).await;
    assert!(hidden["data"]["course"].is_null(), "an anonymous caller sees the draft course: {hidden:#}");
    let response = verify(app, &issued.code).await;
    assert!(response.get("errors").is_none(), "unexpected errors: {response:#}");
    assert_eq!(response["data"]["verifyCertificate"]["course"]["code"], "REDPPOL-OS");
}
on_both!(unpublished_course, unpublished_course_is_still_shown);

async fn unknown_code_is_not_found(app: &TestApp) {
    let response = verify(app, "00000 00000 00000 0000o").await;
    let error = &response["errors"][0];
    assert_eq!(error["extensions"]["code"], "NOT_FOUND", "{response:#}");
    let message = error["message"].as_str().unwrap();
    assert!(message.contains(UNKNOWN_CODE), "{message}");
    assert!(message.contains("printed certificate"), "{message}");
    assert_eq!(response["data"], Value::Null, "{response:#}");
}
on_both!(unknown_code, unknown_code_is_not_found);

async fn malformed_code_is_bad_input(app: &TestApp) {
    for garbage in ["not a code", "7QK2M-D9XWA-04HTB", "7QK2M-D9XWA-04HTB-ZR6PE-0", "7QK2M-D9XWA-04HTB-ZR6P!", ""] {
        let response = verify(app, garbage).await;
        let error = &response["errors"][0];
        assert_eq!(error["extensions"]["code"], "BAD_USER_INPUT", "{garbage:?}: {response:#}");
        assert_eq!(error["extensions"]["field"], "code", "{garbage:?}: {response:#}");
        let message = error["message"].as_str().unwrap();
        assert!(message.contains(&format!("\"{garbage}\"")), "{message}");
        assert!(message.contains("four groups of five letters and digits"), "{message}");
    }
}
on_both!(malformed_code, malformed_code_is_bad_input);

/// Three failed attempts per client and window. The window is a day long, so that the
/// attempts of one test almost surely fall in one fixed window.
fn strict_throttle() -> TrainingConfig {
    TrainingConfig {
        verify_failure_limit: 3,
        verify_failure_window: std::time::Duration::from_secs(86_400),
        ..TrainingConfig::default()
    }
}

/// Returns the `extensions.code` of every error in a response, in order.
fn error_codes(response: &Value) -> Vec<String> {
    response["errors"]
        .as_array()
        .map(|errors| errors.iter().map(|error| error["extensions"]["code"].as_str().unwrap().to_owned()).collect())
        .unwrap_or_default()
}

async fn throttle_rejects_after_failed_attempts(app: &TestApp) {
    let issued = issue_certificate(app, "Jorge Castro").await;
    let backend = app.db.get_database_backend();
    let old_window = "INSERT INTO verification_failures (client, window_start, failures) VALUES ('old window', 0, 5)";
    app.db.execute_raw(sea_orm::Statement::from_string(backend, old_window)).await.unwrap();

    // Successful verifications never count.
    for _ in 0..5 {
        let response = verify(app, &issued.code).await;
        assert!(response.get("errors").is_none(), "unexpected errors: {response:#}");
    }
    // Malformed and unknown codes both count.
    assert_eq!(error_codes(&verify(app, UNKNOWN_CODE).await), ["NOT_FOUND"]);
    assert_eq!(error_codes(&verify(app, "garbage").await), ["BAD_USER_INPUT"]);
    assert_eq!(error_codes(&verify(app, "11111-11111-11111-11111").await), ["NOT_FOUND"]);

    // The fourth attempt is rejected, even with a valid code, with HTTP 200.
    let (status, response) = app.post_with_headers(VERIFY, json!({ "code": issued.code }), &[]).await;
    assert_eq!(status, 200);
    assert_eq!(error_codes(&response), ["RATE_LIMITED"], "{response:#}");
    let retry_after = response["errors"][0]["extensions"]["retryAfterSeconds"].as_u64();
    assert!(retry_after.is_some_and(|seconds| seconds > 0), "{response:#}");
    assert_eq!(error_codes(&verify(app, "garbage").await), ["RATE_LIMITED"]);

    // A signed-in member is another client.
    let member = app.create_member("Vera Verifier", None, false, &[]).await;
    let token = app.create_token(member, &[TokenScope::Read]).await;
    let (status, response) = app.post_as(Some(&token), VERIFY, json!({ "code": issued.code })).await;
    assert_eq!(status, 200);
    assert!(response.get("errors").is_none(), "unexpected errors: {response:#}");
    assert_eq!(response["data"]["verifyCertificate"]["status"], "VALID");

    // Other queries are not throttled.
    let data = app.data("{ countries { totalCount } }", json!({})).await;
    assert_eq!(data["countries"]["totalCount"], 35);

    // Only digests of the client keys are stored, and the old window was deleted.
    let rows =
        app.db.query_all_raw(sea_orm::Statement::from_string(backend, "SELECT client FROM verification_failures"));
    let clients: Vec<String> = rows.await.unwrap().iter().map(|row| row.try_get("", "client").unwrap()).collect();
    assert!(!clients.is_empty());
    assert!(!clients.contains(&"old window".to_owned()), "{clients:?}");
    for client in clients {
        assert_eq!(client.len(), 64, "{client}");
        assert!(client.chars().all(|char| char.is_ascii_hexdigit()), "{client}");
    }
}

async fn throttle_counts_concurrent_attempts(app: &TestApp) {
    let member = app.create_member("Gus Guesser", None, false, &[]).await;
    let token = app.create_token(member, &[TokenScope::Read]).await;

    let mut attempts = tokio::task::JoinSet::new();
    for digit in 1..=8 {
        let request = app
            .client()
            .post(app.url())
            .bearer_auth(&token)
            .json(&json!({ "query": VERIFY, "variables": { "code": format!("{digit}0000-00000-00000-00000") } }));
        attempts.spawn(async move { request.send().await.unwrap().json::<Value>().await.unwrap() });
    }
    let mut codes = Vec::new();
    while let Some(response) = attempts.join_next().await {
        codes.extend(error_codes(&response.unwrap()));
    }
    codes.sort();
    let expected = ["NOT_FOUND"; 3].into_iter().chain(["RATE_LIMITED"; 5]);
    assert_eq!(codes, expected.collect::<Vec<_>>(), "three attempts fail, the other five are rejected");
}

/// Runs the throttle tests on both databases with [`strict_throttle`] settings.
mod throttle {
    use integration_tests::{Backend, TestApp};

    async fn spawn(backend: Backend) -> Option<TestApp> {
        TestApp::spawn_with_training(backend, super::strict_throttle()).await
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn sqlite() {
        let app = spawn(Backend::Sqlite).await.expect("SQLite always starts");
        super::throttle_rejects_after_failed_attempts(&app).await;
        super::throttle_counts_concurrent_attempts(&app).await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn postgres() {
        let Some(app) = spawn(Backend::Postgres).await else { return };
        super::throttle_rejects_after_failed_attempts(&app).await;
        super::throttle_counts_concurrent_attempts(&app).await;
    }
}
