//! Typed filters and accent-insensitive text search, checked against the seed files.

use integration_tests::{TestApp, on_both};
use serde_json::{Value, json};

use super::seed::{contains, ids_where, records, slugs};

/// Returns a topic's slug with the slugs of all its descendants.
fn topic_tree(root: &str) -> Vec<String> {
    let topics = records("topics.json");
    let mut tree = vec![root.to_owned()];
    let mut i = 0;
    while i < tree.len() {
        let parent = tree[i].clone();
        for topic in &topics {
            if topic["parent_id"] == json!(parent) {
                tree.push(topic["id"].as_str().unwrap().to_owned());
            }
        }
        i += 1;
    }
    tree
}

async fn search_ignores_case_and_accents(app: &TestApp) {
    for (text, expected) in [
        ("policia", "Policía Nacional de Colombia"),
        ("POLICÍA NACIONAL DE", "Policía Nacional de Colombia"),
        ("polícia federal", "Polícia Federal"),
    ] {
        let data = app.data("query($t: String) { policeInstitutions(first: 100, filter: { search: $t }) { nodes { officialName } } }", json!({ "t": text })).await;
        let names: Vec<&str> = data["policeInstitutions"]["nodes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|n| n["officialName"].as_str().unwrap())
            .collect();
        assert!(names.contains(&expected), "{text:?} should find {expected:?}, found {names:?}");
    }
    let data = app.data(r#"{ organizations(first: 100, filter: { search: "seguranca publica" }) { nodes { name(locale: PT) { text } } } }"#, json!({})).await;
    let names: Vec<&str> =
        data["organizations"]["nodes"].as_array().unwrap().iter().filter_map(|n| n["name"]["text"].as_str()).collect();
    assert!(names.iter().any(|n| n.contains("Segurança Pública")), "found {names:?}");
    let data = app.data(r#"{ initiatives(filter: { search: "fica vivo" }) { nodes { slug } } }"#, json!({})).await;
    assert_eq!(slugs(&data["initiatives"]), vec!["init-fica-vivo"]);
    let data = app.data(r#"{ courses(filter: { search: "ciberdelito" }) { nodes { code } } }"#, json!({})).await;
    assert_eq!(data["courses"]["nodes"], json!([{"code": "ILL-CY-104"}]), "Spanish title matches");
    let data = app.data(r#"{ countries(filter: { search: "100%_" }) { totalCount } }"#, json!({})).await;
    assert_eq!(data["countries"]["totalCount"], 0, "LIKE wildcards are matched literally");
}
on_both!(search, search_ignores_case_and_accents);

async fn effective_initiatives_in_a_topic(app: &TestApp) {
    let tree = topic_tree("topic-violence-prevention");
    let expected = ids_where("initiatives.json", |r| {
        r["evidence"].as_array().unwrap().iter().any(|e| e["level"] == "effective")
            && r["topic_ids"].as_array().unwrap().iter().any(|t| tree.iter().any(|s| t == s))
    });
    assert!(!expected.is_empty(), "the seed has effective violence-prevention initiatives");
    let data = app
        .data(
            r#"{ initiatives(first: 100, filter: { topic: "topic-violence-prevention", evidenceLevels: [EFFECTIVE] }) {
                   totalCount nodes { slug evidence { level registry sourceUrl } } } }"#,
            json!({}),
        )
        .await;
    assert_eq!(slugs(&data["initiatives"]), expected);
    assert_eq!(data["initiatives"]["totalCount"], json!(expected.len()));
}
on_both!(effective_in_topic, effective_initiatives_in_a_topic);

async fn filters_match_the_seed(app: &TestApp) {
    let data = app
        .data(
            r#"{ bra: publications(first: 100, filter: { country: "BRA" }) { nodes { slug } }
                 years: publications(first: 100, filter: { yearFrom: 2010, yearTo: 2015 }) { nodes { slug } }
                 guides: publications(first: 100, filter: { kinds: [GUIDE, MANUAL] }) { nodes { slug } }
                 spanish: publications(first: 100, filter: { language: "es" }) { nodes { slug } }
                 virtual: courses(first: 100, filter: { modality: VIRTUAL }) { nodes { slug } }
                 col: events(first: 100, filter: { country: "COL" }) { nodes { slug } }
                 laws: initiatives(first: 100, filter: { kinds: [LAW] }) { nodes { slug } }
                 caribbean: countries(first: 100, filter: { region: CARIBBEAN }) { nodes { slug } }
                 valid: qualityCertifications(first: 100, filter: { validOn: "2024-06-01" }) { nodes { slug } }
                 federal: policeInstitutions(first: 100, filter: { level: FEDERAL }) { nodes { slug } } }"#,
            json!({}),
        )
        .await;
    let year = |r: &Value| r["year"].as_i64().unwrap_or(0);
    let checks = [
        ("bra", ids_where("publications.json", |r| contains(r, "country_ids", "country-bra"))),
        ("years", ids_where("publications.json", |r| (2010..=2015).contains(&year(r)))),
        ("guides", ids_where("publications.json", |r| r["kind"] == "guide" || r["kind"] == "manual")),
        ("spanish", ids_where("publications.json", |r| contains(r, "languages", "es"))),
        ("virtual", ids_where("courses.json", |r| r["modality"] == "virtual")),
        ("col", ids_where("events.json", |r| r["country_id"] == "country-col")),
        ("laws", ids_where("initiatives.json", |r| r["kind"] == "law")),
        ("caribbean", ids_where("countries.json", |r| r["region"] == "Caribbean")),
        (
            "valid",
            ids_where("quality_certifications.json", |r| {
                r["status"] == "active" && r["issued"].as_str().is_some_and(|d| d <= "2024")
            }),
        ),
        ("federal", ids_where("police_institutions.json", |r| r["level"] == "federal")),
    ];
    for (alias, expected) in checks {
        assert!(!expected.is_empty(), "{alias}: the seed has matching records");
        assert_eq!(slugs(&data[alias]), expected, "{alias}");
    }
}
on_both!(filters, filters_match_the_seed);

async fn validity_is_answered_for_a_date(app: &TestApp) {
    let data = app
        .data(
            r#"{ qualityCertification(slug: "cert-pep-bcs-mex-calea") {
                   before: validity(date: "2019-12-31") during: validity(date: "2020-06-01") after: validity(date: "2024-06-01") } }"#,
            json!({}),
        )
        .await;
    // Issued in 2020 (year precision): unknown within 2020, valid after it, not before it.
    assert_eq!(data["qualityCertification"], json!({ "before": "NOT_VALID", "during": "UNKNOWN", "after": "VALID" }));
}
on_both!(validity, validity_is_answered_for_a_date);
