//! The importer: idempotent on re-run, and a bad record leaves the database as it was.

use api::import::{Dataset, import};
use integration_tests::{TestApp, on_both};
use serde_json::json;

async fn reimport_changes_nothing(app: &TestApp) {
    let dataset = Dataset::embedded().unwrap();
    let before = app.data("{ publications { totalCount } organizations { totalCount } }", json!({})).await;
    let report = import(&app.db, &dataset).await.unwrap();
    assert_eq!(report.created, 0);
    assert_eq!(report.updated, 0);
    assert_eq!(report.unchanged as usize, dataset.len());
    let after = app.data("{ publications { totalCount } organizations { totalCount } }", json!({})).await;
    assert_eq!(before, after);
}
on_both!(reimport, reimport_changes_nothing);

async fn bad_record_fails_the_whole_import(app: &TestApp) {
    let dir = tempfile::tempdir().unwrap();
    // A valid new topic, written before courses in import order, must not survive the
    // failure of a later file.
    std::fs::write(
        dir.path().join("topics.json"),
        json!([{ "id": "topic-new", "labels": { "en": "New" }, "parent_id": null }]).to_string(),
    )
    .unwrap();
    std::fs::write(
        dir.path().join("courses.json"),
        json!([{ "id": "course-bad", "code": "BAD-1", "titles": { "en": "Bad" }, "network_id": "network-redppol", "modality": "online", "sources": [] }]).to_string(),
    )
    .unwrap();
    let dataset = Dataset::from_dir(dir.path()).unwrap();
    let error = import(&app.db, &dataset).await.unwrap_err().to_string();
    for part in ["courses.json", "course-bad", "modality", "online", "on_site"] {
        assert!(error.contains(part), "the error {error:?} should name {part:?}");
    }
    let response = app.post(r#"{ topic(slug: "topic-new") { slug } }"#, json!({})).await;
    assert_eq!(response["errors"][0]["extensions"]["code"], "NOT_FOUND", "nothing was written");
}
on_both!(bad_record, bad_record_fails_the_whole_import);

async fn unknown_reference_is_named(app: &TestApp) {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("publications.json"),
        json!([{ "id": "pub-new", "titles": { "en": "New" }, "original_language": "en", "kind": "report",
                 "publisher_name": null, "publisher_id": null, "year": 2020, "topic_ids": ["topic-missing"],
                 "series": null, "edition": null, "citation": null, "license": null, "notes": null, "sources": [] }])
        .to_string(),
    )
    .unwrap();
    let dataset = Dataset::from_dir(dir.path()).unwrap();
    let error = import(&app.db, &dataset).await.unwrap_err().to_string();
    for part in ["publications.json", "pub-new", "topic_ids[0]", "topic-missing"] {
        assert!(error.contains(part), "the error {error:?} should name {part:?}");
    }
}
on_both!(unknown_reference, unknown_reference_is_named);

async fn later_run_applies_a_change(app: &TestApp) {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("topics.json"), json!([{ "id": "topic-homicide-reduction", "labels": { "en": "Homicide reduction (renamed)" }, "parent_id": null }]).to_string()).unwrap();
    let report = import(&app.db, &Dataset::from_dir(dir.path()).unwrap()).await.unwrap();
    assert_eq!((report.created, report.updated, report.unchanged), (0, 1, 0));
    let data = app.data(r#"{ topic(slug: "topic-homicide-reduction") { label { text } } }"#, json!({})).await;
    assert_eq!(data["topic"]["label"]["text"], "Homicide reduction (renamed)");
}
on_both!(later_change, later_run_applies_a_change);

async fn every_bad_record_is_reported(app: &TestApp) {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("topics.json"),
        json!([
            { "id": "topic-a", "labels": { "xx": "A" }, "parent_id": null },
            { "id": "topic-b", "labels": { "en": "B" }, "parent_id": "topic-nowhere" },
            { "id": "topic-a", "labels": { "en": "A again" }, "parent_id": null }
        ])
        .to_string(),
    )
    .unwrap();
    let error = import(&app.db, &Dataset::from_dir(dir.path()).unwrap()).await.unwrap_err().to_string();
    assert!(error.starts_with("3 problem(s)"), "{error}");
    assert!(error.contains("unknown locale \"xx\""), "{error}");
    assert!(error.contains("topic-nowhere"), "{error}");
    assert!(error.contains("appears twice"), "{error}");
}
on_both!(all_errors, every_bad_record_is_reported);

async fn country_in_two_roles_is_rejected(app: &TestApp) {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("initiatives.json"),
        json!([{ "id": "init-new", "names": { "en": "New" }, "official_name": null, "original_language": "en",
                 "kind": "program", "country_ids": ["country-col"], "participating_country_ids": ["country-col"],
                 "jurisdiction": null, "start_year": 2020, "end_year": null, "implementing_organization_name": null,
                 "evidence": [{ "outcome": null, "registry": null, "rating_as_stated": null, "level": "not_evaluated",
                                "study_count": null, "reviewed": null, "method": null, "basis": null, "source_url": null }],
                 "legal_basis": null, "network_id": null, "notes": null, "sources": [] }])
        .to_string(),
    )
    .unwrap();
    let error = import(&app.db, &Dataset::from_dir(dir.path()).unwrap()).await.unwrap_err().to_string();
    assert!(error.contains("participating_country_ids"), "{error}");
    assert!(error.contains("country-col"), "{error}");
}
on_both!(two_roles, country_in_two_roles_is_rejected);
