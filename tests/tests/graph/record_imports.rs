//! Bulk imports of officers and completions through `importOfficers` and
//! `importCompletions`: both file formats, re-imports that change nothing, rejected rows,
//! permissions, certificates and seat counts.

use api::auth::TokenScope;
use entities::{certificates, course_offerings, enrolments, officers};
use integration_tests::{TestApp, on_both};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder};
use serde_json::{Value, json};

const COLOMBIA: &str = "inst-pnc-col";
const HONDURAS: &str = "inst-pn-hnd";
const ECUADOR_2019: &str = "offering-redppol-onsite-2019-ecu";
const COMMUNITY_POLICING: &str = "offering-ill-cp-2026-1";

const REPORT: &str = "report { rows created updated unchanged rejected invalidRows unlistedRowErrors
    rowErrors { line field code message } }
    userErrors { field code message }";

/// Issues a token with the ENROLMENTS scope to a new coordinator of `institutions`.
async fn coordinator(app: &TestApp, name: &str, institutions: &[&str]) -> String {
    let id = app.create_coordinator(name, institutions).await;
    app.create_token(id, &[TokenScope::Enrolments]).await
}

/// Runs `importOfficers` or `importCompletions` as `token` and returns its payload.
async fn import(app: &TestApp, token: &str, mutation: &str, format: &str, data: &str, skip_invalid: bool) -> Value {
    let query = format!("mutation($input: RecordImportInput!) {{ {mutation}(input: $input) {{ {REPORT} }} }}");
    let input = json!({ "format": format, "data": data, "skipInvalid": skip_invalid });
    let (status, body) = app.post_as(Some(token), &query, json!({ "input": input })).await;
    assert_eq!(status, 200, "{body:#}");
    assert!(body.get("errors").is_none(), "{body:#}");
    body["data"][mutation].clone()
}

/// Imports a file that must have no row errors and returns its report.
async fn import_clean(app: &TestApp, token: &str, mutation: &str, format: &str, data: &str) -> Value {
    let payload = import(app, token, mutation, format, data, false).await;
    assert_eq!(payload["userErrors"], json!([]), "{payload:#}");
    assert_eq!(payload["report"]["rowErrors"], json!([]), "{payload:#}");
    payload["report"].clone()
}

/// Returns the counts of a report as (rows, created, updated, unchanged, rejected).
fn counts(report: &Value) -> (i64, i64, i64, i64, i64) {
    let count = |key: &str| report[key].as_i64().unwrap_or_else(|| panic!("{key} missing from {report:#}"));
    (count("rows"), count("created"), count("updated"), count("unchanged"), count("rejected"))
}

/// Returns each row error as (line, field, code).
fn row_errors(report: &Value) -> Vec<(i64, String, String)> {
    report["rowErrors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|error| {
            (
                error["line"].as_i64().unwrap(),
                error["field"].as_str().unwrap_or("").to_owned(),
                error["code"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

async fn officers_by_ref(app: &TestApp) -> Vec<officers::Model> {
    officers::Entity::find().order_by_asc(officers::Column::ExternalRef).all(&app.db).await.unwrap()
}

async fn country_id(app: &TestApp, iso3: &str) -> i32 {
    let country = entities::countries::Entity::find()
        .filter(entities::countries::Column::Iso3.eq(iso3))
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    country.id
}

async fn seats_taken(app: &TestApp, slug: &str) -> i32 {
    let offering = course_offerings::Entity::find()
        .filter(course_offerings::Column::Slug.eq(slug))
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    offering.seats_taken
}

async fn certificate_count(app: &TestApp) -> u64 {
    certificates::Entity::find().count(&app.db).await.unwrap()
}

const OFFICERS_CSV: &str = "institution,external_ref,name,role,rank,country,email
inst-pnc-col,CO-001,Ana María Pérez,instructor,Capitán,,ana.perez@policia.gov.co
inst-pnc-col,CO-002,Luis Gómez,,Subteniente,PER,
inst-pnc-col,CO-003,\"Rojas, Carla\",officer,,col,carla@example.org
";

async fn officers_by_csv_and_json_lines(app: &TestApp) {
    let token = coordinator(app, "Academia ECSAN", &[COLOMBIA]).await;
    let report = import_clean(app, &token, "importOfficers", "CSV", OFFICERS_CSV).await;
    assert_eq!(counts(&report), (3, 3, 0, 0, 0));

    let stored = officers_by_ref(app).await;
    assert_eq!(stored.len(), 3);
    let colombia = country_id(app, "COL").await;
    assert_eq!(stored[0].display_name, "Ana María Pérez");
    assert_eq!(stored[0].sort_name, "ana maria perez");
    assert_eq!(stored[0].role, "instructor");
    assert_eq!(stored[0].rank.as_deref(), Some("Capitán"));
    assert_eq!(stored[0].country_id, colombia, "a blank country is the institution's");
    assert_eq!(stored[0].email.as_deref(), Some("ana.perez@policia.gov.co"));
    assert_eq!(stored[1].role, "officer", "a blank role is officer");
    assert_eq!(stored[1].country_id, country_id(app, "PER").await);
    assert_eq!(stored[1].email, None);
    assert_eq!(stored[2].display_name, "Rojas, Carla");
    assert_eq!(stored[2].country_id, colombia, "codes are read without regard to case");
    assert!(stored.iter().all(|officer| officer.version == 1 && officer.active));

    // JSON Lines with a byte order mark and a blank line: one new officer, one changed
    // rank, one row equal to what is stored. A field left out keeps its stored value, and
    // null clears it.
    let lines = [
        "\u{feff}{\"institution\":\"inst-pnc-col\",\"external_ref\":\"CO-001\",\"name\":\"Ana María Pérez\",\"role\":\"instructor\",\"rank\":\"Mayor\"}",
        "",
        "{\"institution\":\"inst-pnc-col\",\"external_ref\":\"CO-002\",\"name\":\"Luis Gómez\",\"rank\":\"Subteniente\",\"country\":\"PER\",\"email\":null}",
        "{\"institution\":\"inst-pnc-col\",\"external_ref\":4,\"name\":\"Jorge Ruiz\"}",
    ];
    let report = import_clean(app, &token, "importOfficers", "JSON_LINES", &lines.join("\n")).await;
    assert_eq!(counts(&report), (3, 1, 1, 1, 0));

    let stored = officers_by_ref(app).await;
    assert_eq!(stored.len(), 4);
    let find = |external_ref: &str| {
        stored.iter().find(|officer| officer.external_ref.as_deref() == Some(external_ref)).unwrap()
    };
    assert_eq!(find("CO-001").rank.as_deref(), Some("Mayor"));
    assert_eq!(find("CO-001").email.as_deref(), Some("ana.perez@policia.gov.co"), "a left-out email is kept");
    assert_eq!(find("CO-001").version, 2);
    assert_eq!(find("CO-002").version, 1, "an unchanged officer keeps its version");
    assert_eq!(find("CO-003").version, 1);
    let number = find("4");
    assert_eq!(number.display_name, "Jorge Ruiz", "a JSON number is read as text");
    assert_eq!(number.role, "officer");
    assert_eq!(number.country_id, colombia);
}
on_both!(officers_by_csv_and_json_lines, officers_by_csv_and_json_lines);

const COMPLETIONS_CSV: &str = "institution,external_ref,offering,outcome,completed_on,score,result
inst-pnc-col,CO-001,offering-redppol-onsite-2019-ecu,completed,2019-06-14,92.5,Approved with distinction
inst-pnc-col,CO-002,offering-redppol-onsite-2019-ecu,failed,2019-06-14,48,
inst-pnc-col,CO-003,offering-redppol-onsite-2019-ecu,completed,2019-06-14,,
inst-pnc-col,CO-003,offering-ill-cp-2026-1,COMPLETED,2020-02-01,75,
";

async fn completions_issue_certificates_and_recount_seats(app: &TestApp) {
    let token = coordinator(app, "Academia ECSAN", &[COLOMBIA]).await;
    import_clean(app, &token, "importOfficers", "CSV", OFFICERS_CSV).await;
    let certificates_before = certificate_count(app).await;
    let seats_before = seats_taken(app, ECUADOR_2019).await;

    let report = import_clean(app, &token, "importCompletions", "CSV", COMPLETIONS_CSV).await;
    assert_eq!(counts(&report), (4, 4, 0, 0, 0));

    let stored = enrolments::Entity::find().order_by_asc(enrolments::Column::Id).all(&app.db).await.unwrap();
    assert_eq!(stored.len(), 4);
    assert!(stored.iter().all(|enrolment| enrolment.source == "import"), "{stored:#?}");
    assert!(stored.iter().all(|enrolment| enrolment.enrolled_at.is_some()), "{stored:#?}");
    let statuses: Vec<&str> = stored.iter().map(|enrolment| enrolment.status.as_str()).collect();
    assert_eq!(statuses, ["completed", "failed", "completed", "completed"]);
    assert_eq!(stored[0].score, Some(92.5));
    assert_eq!(stored[0].result.as_deref(), Some("Approved with distinction"));
    assert_eq!(stored[0].completed_on.map(|date| date.to_string()).as_deref(), Some("2019-06-14"));
    assert_eq!(stored[2].score, None);

    assert_eq!(certificate_count(app).await, certificates_before + 3, "one certificate per completed row");
    let issued = certificates::Entity::find().all(&app.db).await.unwrap();
    let holders: Vec<&str> = issued.iter().map(|certificate| certificate.holder_name.as_str()).collect();
    assert!(holders.contains(&"Ana María Pérez"), "{holders:?}");
    assert!(issued.iter().all(|certificate| certificate.status == "valid"));
    assert_eq!(seats_taken(app, ECUADOR_2019).await, seats_before + 3, "completed and failed officers hold a seat");
    assert_eq!(seats_taken(app, COMMUNITY_POLICING).await, 1);

    // A corrected result updates the enrolment and issues the certificate it now earns; a
    // left-out score keeps the stored one.
    let correction = "institution,external_ref,offering,outcome,completed_on\n\
                      inst-pnc-col,CO-002,offering-redppol-onsite-2019-ecu,completed,2019-06-15\n";
    let report = import_clean(app, &token, "importCompletions", "CSV", correction).await;
    assert_eq!(counts(&report), (1, 0, 1, 0, 0));
    let corrected = enrolments::Entity::find_by_id(stored[1].id).one(&app.db).await.unwrap().unwrap();
    assert_eq!(corrected.status, "completed");
    assert_eq!(corrected.score, Some(48.0));
    assert_eq!(corrected.version, 2);
    assert_eq!(certificate_count(app).await, certificates_before + 4);
    assert_eq!(seats_taken(app, ECUADOR_2019).await, seats_before + 3);
}
on_both!(completions_issue_certificates_and_recount_seats, completions_issue_certificates_and_recount_seats);

async fn reimport_changes_nothing(app: &TestApp) {
    let token = coordinator(app, "Academia ECSAN", &[COLOMBIA]).await;
    import_clean(app, &token, "importOfficers", "CSV", OFFICERS_CSV).await;
    import_clean(app, &token, "importCompletions", "CSV", COMPLETIONS_CSV).await;
    let officers_before = officers_by_ref(app).await;
    let enrolments_before = enrolments::Entity::find().order_by_asc(enrolments::Column::Id).all(&app.db).await.unwrap();
    let certificates_before = certificates::Entity::find().all(&app.db).await.unwrap();
    let seats_before = seats_taken(app, ECUADOR_2019).await;

    let report = import_clean(app, &token, "importOfficers", "CSV", OFFICERS_CSV).await;
    assert_eq!(counts(&report), (3, 0, 0, 3, 0));
    let report = import_clean(app, &token, "importCompletions", "CSV", COMPLETIONS_CSV).await;
    assert_eq!(counts(&report), (4, 0, 0, 4, 0));

    assert_eq!(officers_by_ref(app).await, officers_before, "versions and timestamps stay as they were");
    let enrolments_after = enrolments::Entity::find().order_by_asc(enrolments::Column::Id).all(&app.db).await.unwrap();
    assert_eq!(enrolments_after, enrolments_before);
    assert_eq!(certificates::Entity::find().all(&app.db).await.unwrap(), certificates_before);
    assert_eq!(seats_taken(app, ECUADOR_2019).await, seats_before);
}
on_both!(reimport_changes_nothing, reimport_changes_nothing);

async fn bad_rows_reject_the_file_unless_skipped(app: &TestApp) {
    let token = coordinator(app, "Academia ECSAN", &[COLOMBIA]).await;
    let long_ref = "R".repeat(101);
    let officers = format!(
        "institution,external_ref,name,role,rank,country,email
inst-pnc-col,CO-010,Good One,,,,
inst-pnc-col,CO-011,,,,,
inst-pnc-col,{long_ref},Too Long,,,,
inst-unknown,CO-012,Lost Officer,,,,
inst-pnc-col,CO-013,Bad Mail,,,,not-an-address
inst-pnc-col,CO-010,Good One Again,,,,
inst-pnc-col,CO-014,Wrong Role,chief,,XXX,
inst-pnc-col,CO-015,Good Two,,,,
org-usp,CO-016,Not Police,,,,
"
    );
    let payload = import(app, &token, "importOfficers", "CSV", &officers, false).await;
    let report = &payload["report"];
    assert_eq!(counts(report), (9, 0, 0, 0, 9), "{report:#}");
    assert_eq!(report["invalidRows"], 7);
    assert_eq!(
        row_errors(report),
        [
            (3, "name".into(), "REQUIRED".into()),
            (4, "external_ref".into(), "TOO_LONG".into()),
            (5, "institution".into(), "NOT_FOUND".into()),
            (6, "email".into(), "INVALID".into()),
            (7, "external_ref".into(), "DUPLICATE".into()),
            (8, "role".into(), "INVALID".into()),
            (8, "country".into(), "NOT_FOUND".into()),
            (10, "institution".into(), "NOT_FOUND".into()),
        ]
    );
    let messages: Vec<&str> =
        report["rowErrors"].as_array().unwrap().iter().map(|error| error["message"].as_str().unwrap()).collect();
    assert!(messages[2].contains("\"inst-unknown\""), "{}", messages[2]);
    assert!(messages[3].contains("not-an-address"), "{}", messages[3]);
    assert!(messages[4].contains("line 2"), "the duplicate names the first line: {}", messages[4]);
    assert!(messages[7].contains("not a police institution"), "{}", messages[7]);
    assert_eq!(officers_by_ref(app).await, [], "an all-or-nothing import with errors writes nothing");

    let payload = import(app, &token, "importOfficers", "CSV", &officers, true).await;
    let report = &payload["report"];
    assert_eq!(counts(report), (9, 2, 0, 0, 7), "{report:#}");
    assert_eq!(report["rowErrors"].as_array().unwrap().len(), 8, "skipped rows are still reported");
    let refs: Vec<String> = officers_by_ref(app).await.into_iter().filter_map(|officer| officer.external_ref).collect();
    assert_eq!(refs, ["CO-010", "CO-015"]);

    let completions = "\n{\"institution\":\"inst-pnc-col\",\"external_ref\":\"CO-010\",\"offering\":\"offering-redppol-onsite-2019-ecu\",\"outcome\":\"completed\",\"completed_on\":\"2019-06-14\"}
{\"institution\":\"inst-pnc-col\",\"external_ref\":\"CO-015\",\"offering\":\"offering-redppol-onsite-2019-ecu\",\"outcome\":\"completed\",\"completed_on\":\"2999-01-01\",\"score\":101}
{\"institution\":\"inst-pnc-col\",\"external_ref\":\"CO-099\",\"offering\":\"offering-redppol-onsite-2019-ecu\",\"outcome\":\"passed\",\"completed_on\":\"2019-02-30\"}
{\"institution\":\"inst-pnc-col\",\"external_ref\":\"CO-015\",\"offering\":\"offering-missing\",\"outcome\":\"failed\",\"completed_on\":\"2019-06-14\",\"grade\":\"B\"}
{\"institution\":\"inst-pnc-col\",\"external_ref\":\"CO-098\",\"offering\":\"offering-redppol-onsite-2019-ecu\",\"outcome\":\"failed\",\"completed_on\":\"2019-06-14\"}
not json
";
    let payload = import(app, &token, "importCompletions", "JSON_LINES", completions, false).await;
    let report = &payload["report"];
    assert_eq!(counts(report), (6, 0, 0, 0, 6), "{report:#}");
    assert_eq!(
        row_errors(report),
        [
            (3, "completed_on".into(), "INVALID".into()),
            (3, "score".into(), "INVALID".into()),
            (4, "outcome".into(), "INVALID".into()),
            (4, "completed_on".into(), "INVALID".into()),
            (5, "grade".into(), "INVALID".into()),
            (5, "offering".into(), "NOT_FOUND".into()),
            (6, "external_ref".into(), "NOT_FOUND".into()),
            (7, "".into(), "INVALID".into()),
        ]
    );
    assert_eq!(enrolments::Entity::find().count(&app.db).await.unwrap(), 0);

    let payload = import(app, &token, "importCompletions", "JSON_LINES", completions, true).await;
    assert_eq!(counts(&payload["report"]), (6, 1, 0, 0, 5), "{payload:#}");
    assert_eq!(enrolments::Entity::find().count(&app.db).await.unwrap(), 1);

    // A header with an unknown column makes the whole file unreadable.
    let payload = import(app, &token, "importOfficers", "CSV", "institution,external_ref,name,badge\n", true).await;
    assert_eq!(payload["report"], Value::Null);
    assert_eq!(payload["userErrors"][0]["field"], json!(["input", "data"]));
    assert_eq!(payload["userErrors"][0]["code"], "INVALID");
    let message = payload["userErrors"][0]["message"].as_str().unwrap();
    assert!(message.contains("\"badge\""), "{message}");
}
on_both!(bad_rows_reject_the_file_unless_skipped, bad_rows_reject_the_file_unless_skipped);

async fn other_institutions_rows_are_forbidden(app: &TestApp) {
    let token = coordinator(app, "Academia ECSAN", &[COLOMBIA]).await;
    let file = "institution,external_ref,name
inst-pnc-col,CO-001,Ana Pérez
inst-pn-hnd,HN-001,José Martínez
inst-pn-hnd,HN-002,María López
";
    let payload = import(app, &token, "importOfficers", "CSV", file, false).await;
    let report = &payload["report"];
    assert_eq!(counts(report), (3, 0, 0, 0, 3));
    assert_eq!(
        row_errors(report),
        [(3, "institution".into(), "FORBIDDEN".into()), (4, "institution".into(), "FORBIDDEN".into())]
    );
    let message = report["rowErrors"][0]["message"].as_str().unwrap();
    assert!(message.contains(HONDURAS), "{message}");

    let payload = import(app, &token, "importOfficers", "CSV", file, true).await;
    assert_eq!(counts(&payload["report"]), (3, 1, 0, 0, 2));

    // Honduras's coordinator manages its rows, and a completion cannot reach an officer of
    // another institution.
    let honduras = coordinator(app, "Academia Honduras", &[HONDURAS]).await;
    let payload = import(app, &honduras, "importOfficers", "CSV", file, true).await;
    assert_eq!(counts(&payload["report"]), (3, 2, 0, 0, 1));
    let completion = "institution,external_ref,offering,outcome,completed_on\n\
                      inst-pnc-col,CO-001,offering-redppol-onsite-2019-ecu,completed,2019-06-14\n";
    let payload = import(app, &honduras, "importCompletions", "CSV", completion, false).await;
    assert_eq!(row_errors(&payload["report"]), [(2, "institution".into(), "FORBIDDEN".into())]);
    assert_eq!(officers::Entity::find().count(&app.db).await.unwrap(), 3);
    assert_eq!(enrolments::Entity::find().count(&app.db).await.unwrap(), 0);
}
on_both!(other_institutions_rows_are_forbidden, other_institutions_rows_are_forbidden);

async fn import_needs_a_training_manager(app: &TestApp) {
    let coordinator_id = app.create_coordinator("Academia ECSAN", &[COLOMBIA]).await;
    let read_only = app.create_token(coordinator_id, &[TokenScope::Read]).await;
    let member_id = app.create_member("Alice Member", None, false, &[]).await;
    let member = app.create_token(member_id, &[TokenScope::Read, TokenScope::Enrolments]).await;
    let query = format!("mutation($input: RecordImportInput!) {{ importOfficers(input: $input) {{ {REPORT} }} }}");
    let input = json!({ "input": { "format": "CSV", "data": OFFICERS_CSV } });
    for (caller, token) in
        [("without the scope", Some(read_only.as_str())), ("without a role", Some(&member)), ("anonymous", None)]
    {
        let (status, body) = app.post_as(token, &query, input.clone()).await;
        assert_eq!(status, 200, "{caller}: {body:#}");
        assert_eq!(body["errors"][0]["extensions"]["code"], "FORBIDDEN", "{caller}: {body:#}");
        assert_eq!(body["data"], Value::Null, "{caller}: {body:#}");
    }
    let (_, body) = app.post_as(Some(&read_only), &query, input).await;
    let message = body["errors"][0]["message"].as_str().unwrap();
    assert!(message.contains("ENROLMENTS"), "{message}");
    assert_eq!(officers::Entity::find().count(&app.db).await.unwrap(), 0);
}
on_both!(import_needs_a_training_manager, import_needs_a_training_manager);

async fn large_files_span_batches_and_cap_errors(app: &TestApp) {
    let token = coordinator(app, "Academia ECSAN", &[COLOMBIA]).await;
    // 4,500 valid rows span three write transactions; 1,100 rows without a name exceed the
    // 1,000 listed row errors.
    let mut file = String::from("institution,external_ref,name\n");
    for i in 0..4_500 {
        file.push_str(&format!("inst-pnc-col,BULK-{i:05},Agente {i:05}\n"));
    }
    for i in 0..1_100 {
        file.push_str(&format!("inst-pnc-col,EMPTY-{i:05},\n"));
    }
    let payload = import(app, &token, "importOfficers", "CSV", &file, true).await;
    let report = &payload["report"];
    assert_eq!(counts(report), (5_600, 4_500, 0, 0, 1_100));
    assert_eq!(report["rowErrors"].as_array().unwrap().len(), 1_000);
    assert_eq!(report["unlistedRowErrors"], 100);
    assert_eq!(report["rowErrors"][0]["line"], 4_502);
    assert_eq!(officers::Entity::find().count(&app.db).await.unwrap(), 4_500);

    let payload = import(app, &token, "importOfficers", "CSV", &file, true).await;
    assert_eq!(counts(&payload["report"]), (5_600, 0, 0, 4_500, 1_100));

    let mut completions = String::from("institution,external_ref,offering,outcome,completed_on\n");
    for i in 0..4_500 {
        let outcome = if i % 3 == 0 { "failed" } else { "completed" };
        completions.push_str(&format!("inst-pnc-col,BULK-{i:05},{COMMUNITY_POLICING},{outcome},2021-03-01\n"));
    }
    let certificates_before = certificate_count(app).await;
    let report = import_clean(app, &token, "importCompletions", "CSV", &completions).await;
    assert_eq!(counts(&report), (4_500, 4_500, 0, 0, 0));
    assert_eq!(certificate_count(app).await, certificates_before + 3_000);
    assert_eq!(seats_taken(app, COMMUNITY_POLICING).await, 4_500, "completions are facts beyond the capacity of 500");
}
on_both!(large_files_span_batches_and_cap_errors, large_files_span_batches_and_cap_errors);

async fn data_over_the_limit_is_rejected(app: &TestApp) {
    let token = coordinator(app, "Academia ECSAN", &[COLOMBIA]).await;
    let mut data = String::from("institution,external_ref,name\n");
    while data.len() <= 10_000_000 {
        data.push_str("inst-pnc-col,CO-000000000001,Nombre de relleno para superar el límite\n");
    }
    let query = format!("mutation($input: RecordImportInput!) {{ importOfficers(input: $input) {{ {REPORT} }} }}");
    let (status, body) = app.post_as(Some(&token), &query, json!({ "input": { "format": "CSV", "data": data } })).await;
    assert_eq!(status, 200, "the HTTP layer passes bodies over 10 MB on to the mutation: {body:#}");
    let error = &body["errors"][0];
    assert_eq!(error["extensions"]["code"], "BAD_USER_INPUT", "{body:#}");
    assert_eq!(error["extensions"]["field"], "input.data");
    let message = error["message"].as_str().unwrap();
    assert!(message.contains("10 MB"), "{message}");
    assert!(message.contains("api import-officers"), "{message}");
    assert_eq!(officers::Entity::find().count(&app.db).await.unwrap(), 0);
}
on_both!(data_over_the_limit_is_rejected, data_over_the_limit_is_rejected);
