//! Statement counts: a request costs one statement per level of nesting, whatever the
//! number of rows.

use integration_tests::{TestApp, on_both};
use serde_json::{Value, json};

/// Writes 50 synthetic courses with two offerings each, hosted by seed venues in several
/// countries, and imports them through the real importer.
async fn add_catalogue(app: &TestApp) {
    let venues = [
        ("org-itp-hnd", "country-hnd"),
        ("org-espol-ecu", "country-ecu"),
        ("org-mip-dom", "country-dom"),
        ("org-usp", "country-bra"),
    ];
    let mut courses = Vec::new();
    let mut offerings = Vec::new();
    for i in 0..50 {
        courses.push(json!({
            "id": format!("course-load-{i:02}"), "code": format!("LOAD-{i:02}"),
            "titles": { "en": format!("Load course {i:02}"), "es": format!("Curso de carga {i:02}") },
            "network_id": "network-redppol", "modality": "on_site", "hours": 40, "illustrative": true, "sources": []
        }));
        for edition in 0..2 {
            let (venue, country) = venues[(i + edition) % venues.len()];
            offerings.push(json!({
                "id": format!("offering-load-{i:02}-{edition}"), "course_id": format!("course-load-{i:02}"), "edition": edition + 1,
                "modality": "on_site", "venue_id": venue, "platform": null, "city": null, "country_id": country,
                "start": format!("2027-0{}-01", edition + 1), "end": null, "date_precision": "day", "time_zone": null,
                "enrolment_opens": null, "enrolment_closes": null, "capacity": 30, "status": "scheduled", "language": "es",
                "participating_member_states": null, "participants": null, "funded_by": null, "illustrative": true, "notes": null, "sources": []
            }));
        }
    }
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("courses.json"), serde_json::to_string(&courses).unwrap()).unwrap();
    std::fs::write(dir.path().join("course_offerings.json"), serde_json::to_string(&offerings).unwrap()).unwrap();
    let dataset = api::import::Dataset::from_dir(dir.path()).unwrap();
    let report = api::import::import(&app.db, &dataset).await.unwrap();
    assert_eq!(report.created, 150);
}

/// Runs a query and returns its data with the number of statements it sent.
async fn counted(app: &TestApp, query: &str) -> (Value, u64) {
    let before = app.statements.get();
    let data = app.data(query, json!({})).await;
    (data, app.statements.get() - before)
}

const CATALOGUE: &str = r#"{ courses(first: FIRST, filter: { search: "load course" }) { nodes { code title { text }
    offerings(first: 5) { nodes { slug starts { text } venue { name { text } country { code name { text } } } } } } } }"#;

async fn catalogue_costs_one_statement_per_level(app: &TestApp) {
    add_catalogue(app).await;
    let (data, statements) = counted(app, &CATALOGUE.replace("FIRST", "50")).await;
    let courses = data["courses"]["nodes"].as_array().unwrap();
    assert_eq!(courses.len(), 50);
    for course in courses {
        let offerings = course["offerings"]["nodes"].as_array().unwrap();
        assert_eq!(offerings.len(), 2, "{course}");
        for offering in offerings {
            assert!(offering["venue"]["country"]["code"].is_string(), "{offering}");
        }
    }
    // courses, offerings per course (one windowed statement), venues, countries
    eprintln!("{:?}: catalogue of 50 courses took {statements} SQL statements", app.backend);
    assert!(statements <= 5, "the catalogue took {statements} statements");
    let (_, few) = counted(app, &CATALOGUE.replace("FIRST", "5")).await;
    assert_eq!(few, statements, "5 courses and 50 courses cost the same number of statements");
}
on_both!(catalogue, catalogue_costs_one_statement_per_level);

async fn publications_page_costs_one_statement_per_relation(app: &TestApp) {
    let query = |first: u32| {
        format!(
            "{{ publications(first: {first}) {{ nodes {{ slug title {{ text }} topics {{ slug label {{ text }} }} countries {{ code }} publisher {{ name {{ text }} }} }} }} }}"
        )
    };
    let (data, statements) = counted(app, &query(30)).await;
    let nodes = data["publications"]["nodes"].as_array().unwrap();
    assert_eq!(nodes.len(), 30);
    assert!(nodes.iter().any(|n| !n["topics"].as_array().unwrap().is_empty()));
    assert!(nodes.iter().any(|n| !n["countries"].as_array().unwrap().is_empty()));
    assert!(nodes.iter().any(|n| n["publisher"].is_object()));
    // publications, topics, countries, publishers
    eprintln!("{:?}: page of 30 publications took {statements} SQL statements", app.backend);
    assert!(statements <= 5, "the publications page took {statements} statements");
    let (_, few) = counted(app, &query(3)).await;
    assert!(few <= statements);
}
on_both!(publications_page, publications_page_costs_one_statement_per_relation);
