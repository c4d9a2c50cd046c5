//! The queries a website makes: a country page, the course catalogue, the certification map.

use integration_tests::{TestApp, on_both};
use serde_json::json;

async fn root_fields_return_the_seed_content(app: &TestApp) {
    let data = app
        .data(
            "{ countries { totalCount } topics { totalCount } networks { totalCount } organizations { totalCount }
               policeInstitutions { totalCount } qualityCertifications { totalCount } publications { totalCount }
               initiatives { totalCount } courses { totalCount } courseOfferings { totalCount } events { totalCount }
               targets { totalCount } }",
            json!({}),
        )
        .await;
    let expected = [
        ("countries", super::seed::records("countries.json").len()),
        ("topics", super::seed::records("topics.json").len()),
        ("networks", super::seed::records("networks.json").len()),
        (
            "organizations",
            super::seed::records("organizations.json").len() + super::seed::records("police_institutions.json").len(),
        ),
        ("policeInstitutions", super::seed::records("police_institutions.json").len()),
        ("qualityCertifications", super::seed::records("quality_certifications.json").len()),
        ("publications", super::seed::records("publications.json").len()),
        ("initiatives", super::seed::records("initiatives.json").len()),
        ("courses", super::seed::records("courses.json").len()),
        ("courseOfferings", super::seed::records("course_offerings.json").len()),
        ("events", super::seed::records("events.json").len()),
        ("targets", super::seed::records("targets.json").len()),
    ];
    for (field, count) in expected {
        assert_eq!(data[field]["totalCount"], json!(count), "totalCount of {field}");
    }
}
on_both!(root_fields, root_fields_return_the_seed_content);

async fn lookups_by_key_return_the_record(app: &TestApp) {
    let data = app
        .data(
            r#"{ byAlpha3: country(code: "COL") { code iso2 name { text } region oasStatus }
                 byAlpha2: country(code: "co") { code }
                 topic(slug: "topic-homicide-reduction") { slug label { text } }
                 network(slug: "network-redppol") { acronym pillars targets { targetValue } }
                 organization(slug: "org-oas-dps") { kind }
                 policeInstitution(slug: "inst-pnc-col") { officialName acronym level kind country { code } }
                 qualityCertification(slug: "cert-pep-bcs-mex-calea") { standard status issued { text precision } verified }
                 publication(slug: "pub-unodc-gsh-2013") { kind year identifiers { scheme value } }
                 initiative(slug: "init-fica-vivo") { officialName kind countries { code } evidence { level basis } }
                 course(code: "REDPPOL-OS") { hours modality accreditations { role university { slug } } }
                 courseOffering(slug: "offering-redppol-onsite-2019-ecu") { participants starts { text } ends { text } timeZone venue { slug } }
                 event(slug: "evt-mispa-5-2015") { city kind starts { text } country { code } }
                 target(slug: "target-redppol-onsite-340") { targetValue verified network { slug } } }"#,
            json!({}),
        )
        .await;
    assert_eq!(data["byAlpha3"]["name"]["text"], "Colombia");
    assert_eq!(data["byAlpha3"]["iso2"], "CO");
    assert_eq!(data["byAlpha3"]["region"], "SOUTH_AMERICA");
    assert_eq!(data["byAlpha2"]["code"], "COL");
    assert_eq!(data["topic"]["slug"], "topic-homicide-reduction");
    assert_eq!(data["network"]["acronym"], "REDPPOL");
    assert_eq!(data["network"]["pillars"].as_array().map(Vec::len), Some(4));
    assert_eq!(data["network"]["targets"].as_array().map(Vec::len), Some(3));
    assert_eq!(data["organization"]["kind"], "INTERGOVERNMENTAL");
    assert_eq!(data["policeInstitution"]["officialName"], "Policía Nacional de Colombia");
    assert_eq!(data["policeInstitution"]["acronym"], "PONAL");
    assert_eq!(data["policeInstitution"]["level"], "NATIONAL");
    assert_eq!(data["policeInstitution"]["country"]["code"], "COL");
    assert_eq!(data["qualityCertification"]["status"], "ACTIVE");
    assert_eq!(data["qualityCertification"]["issued"], json!({"text": "2020", "precision": "YEAR"}));
    assert_eq!(data["publication"]["identifiers"], json!([{"scheme": "sales_number", "value": "E.14.IV.1"}]));
    assert_eq!(data["initiative"]["officialName"], "Programa Fica Vivo!");
    assert_eq!(data["initiative"]["countries"], json!([{"code": "BRA"}]));
    assert_eq!(data["initiative"]["evidence"][0]["level"], "PROMISING");
    assert_eq!(data["course"]["hours"], 180);
    assert_eq!(data["course"]["accreditations"], json!([{"role": "CERTIFYING", "university": {"slug": "org-usp"}}]));
    assert_eq!(data["courseOffering"]["participants"], 64);
    assert_eq!(data["courseOffering"]["starts"]["text"], "2019-09-30");
    assert_eq!(data["courseOffering"]["timeZone"], "America/Guayaquil");
    assert_eq!(data["courseOffering"]["venue"]["slug"], "org-espol-ecu");
    assert_eq!(data["event"]["city"], "Lima");
    assert_eq!(data["event"]["country"]["code"], "PER");
    assert_eq!(data["target"]["targetValue"], 340);
    assert_eq!(data["target"]["verified"], false);
}
on_both!(lookups, lookups_by_key_return_the_record);

async fn country_page_shows_its_institutions_and_initiatives(app: &TestApp) {
    let data = app
        .data(
            r#"{ country(code: "BRA") { name { text } policeInstitutions { totalCount nodes { slug } }
                 initiatives(first: 50) { totalCount nodes { slug } } publications(first: 50) { nodes { slug } } } }"#,
            json!({}),
        )
        .await;
    let institutions = super::seed::ids_where("police_institutions.json", |r| r["country_id"] == "country-bra");
    assert_eq!(super::seed::slugs(&data["country"]["policeInstitutions"]), institutions);
    let initiatives = super::seed::ids_where("initiatives.json", |r| {
        super::seed::contains(r, "country_ids", "country-bra")
            || super::seed::contains(r, "participating_country_ids", "country-bra")
    });
    assert_eq!(super::seed::slugs(&data["country"]["initiatives"]), initiatives);
    assert_eq!(data["country"]["initiatives"]["totalCount"], json!(initiatives.len()));
    let publications =
        super::seed::ids_where("publications.json", |r| super::seed::contains(r, "country_ids", "country-bra"));
    assert_eq!(super::seed::slugs(&data["country"]["publications"]), publications);
}
on_both!(country_page, country_page_shows_its_institutions_and_initiatives);

async fn certification_map_lists_institutions_with_certifications(app: &TestApp) {
    let data = app
        .data(
            r#"{ policeInstitutions(first: 100, filter: { certificationStandard: "iso 9001" }) {
                   nodes { slug country { code } certifications { standard status validity(date: "2025-01-01") } } } }"#,
            json!({}),
        )
        .await;
    let expected = super::seed::ids_where("quality_certifications.json", |r| {
        r["standard"].as_str().is_some_and(|s| s.contains("ISO 9001"))
    })
    .len();
    let nodes = data["policeInstitutions"]["nodes"].as_array().unwrap();
    assert_eq!(nodes.len(), expected);
    for node in nodes {
        let certifications = node["certifications"].as_array().unwrap();
        assert!(certifications.iter().any(|c| c["standard"] == "ISO 9001:2015"), "{node}");
        assert!(
            certifications.iter().all(|c| c["validity"] == "NOT_VALID"),
            "in-progress certifications are not valid: {node}"
        );
    }
}
on_both!(certification_map, certification_map_lists_institutions_with_certifications);

async fn graphiql_is_served_to_browsers(app: &TestApp) {
    let page = app.client().get(app.url()).header("Accept", "text/html").send().await.unwrap();
    assert_eq!(page.status(), 200);
    assert!(page.text().await.unwrap().to_lowercase().contains("graphiql"));
    let get = app.client().get(format!("{}?query=%7BrequestLocale%7D", app.url())).send().await.unwrap();
    assert_eq!(get.status(), 200);
    let body: serde_json::Value = get.json().await.unwrap();
    assert_eq!(body["data"]["requestLocale"], "EN");
}
on_both!(graphiql, graphiql_is_served_to_browsers);

async fn network_lists_the_certifications_it_supported(app: &TestApp) {
    let data = app
        .data(r#"{ network(slug: "network-redppol") { qualityCertifications(first: 100) { totalCount nodes { slug } } } }"#, json!({}))
        .await;
    let expected = super::seed::ids_where("quality_certifications.json", |r| r["network_id"] == "network-redppol");
    assert_eq!(super::seed::slugs(&data["network"]["qualityCertifications"]), expected);
    assert_eq!(data["network"]["qualityCertifications"]["totalCount"], json!(expected.len()));
}
on_both!(network_certifications, network_lists_the_certifications_it_supported);

async fn upcoming_offerings_start_today_or_later(app: &TestApp) {
    let dir = tempfile::tempdir().unwrap();
    let today = chrono_today();
    let offerings = json!([
        { "id": "offering-future", "course_id": "course-redppol-onsite", "modality": "on_site", "start": "2099-03-01",
          "date_precision": "day", "status": "scheduled", "sources": [] },
        { "id": "offering-today", "course_id": "course-redppol-onsite", "modality": "on_site", "start": today,
          "date_precision": "day", "status": "scheduled", "sources": [] }
    ]);
    std::fs::write(dir.path().join("course_offerings.json"), offerings.to_string()).unwrap();
    api::import::import(&app.db, &api::import::Dataset::from_dir(dir.path()).unwrap()).await.unwrap();
    let data = app
        .data(r#"{ course(code: "REDPPOL-OS") { upcomingOfferings { nodes { slug availability } } } }"#, json!({}))
        .await;
    let slugs: Vec<&str> = data["course"]["upcomingOfferings"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["slug"].as_str().unwrap())
        .collect();
    assert_eq!(slugs, ["offering-today", "offering-future"], "past editions are left out, earliest first");
}
on_both!(upcoming_offerings, upcoming_offerings_start_today_or_later);

/// Returns today's UTC date as `YYYY-MM-DD`, the date both databases use for CURRENT_DATE
/// when the server runs in UTC.
fn chrono_today() -> String {
    let output = std::process::Command::new("date").args(["-u", "+%Y-%m-%d"]).output().unwrap();
    String::from_utf8(output.stdout).unwrap().trim().to_owned()
}
