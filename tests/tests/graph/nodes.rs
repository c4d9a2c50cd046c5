//! Relay object identification: every type's global id round-trips through `node` and `nodes`.

use integration_tests::{TestApp, on_both};
use serde_json::{Value, json};

const LISTS: [&str; 12] = [
    "countries",
    "topics",
    "networks",
    "organizations",
    "policeInstitutions",
    "qualityCertifications",
    "publications",
    "initiatives",
    "courses",
    "courseOfferings",
    "events",
    "targets",
];

async fn every_type_round_trips_through_node(app: &TestApp) {
    let selection: String =
        LISTS.iter().map(|list| format!("{list}(first: 100) {{ nodes {{ __typename id }} }} ")).collect();
    let mut data = app
        .data(
            &format!("{{ {selection} course(code: \"REDPPOL-OS\") {{ accreditations {{ __typename id }} }} }}"),
            json!({}),
        )
        .await;
    let mut all: Vec<Value> = Vec::new();
    for list in LISTS {
        let nodes = data[list]["nodes"].as_array().cloned().unwrap_or_default();
        assert!(!nodes.is_empty(), "{list} is empty");
        all.extend(nodes);
    }
    all.extend(data["course"]["accreditations"].as_array_mut().map(std::mem::take).unwrap_or_default());

    for chunk in all.chunks(100) {
        let ids: Vec<&Value> = chunk.iter().map(|n| &n["id"]).collect();
        let back = app.data("query($ids: [ID!]!) { nodes(ids: $ids) { __typename id } }", json!({ "ids": ids })).await;
        assert_eq!(back["nodes"].as_array().unwrap(), chunk, "nodes(ids:) returns the same objects in order");
    }
    for node in all.iter().step_by(7) {
        let back = app.data("query($id: ID!) { node(id: $id) { __typename id } }", json!({ "id": node["id"] })).await;
        assert_eq!(&back["node"], node);
    }
}
on_both!(node_round_trip, every_type_round_trips_through_node);

async fn node_of_wrong_kind_is_null(app: &TestApp) {
    let data = app.data(r#"{ organization(slug: "org-oas-dps") { id } }"#, json!({})).await;
    let organization_id = data["organization"]["id"].as_str().unwrap();
    let (_, row) = api::ids::decode_global_id(organization_id).unwrap();
    let as_institution = api::ids::encode_global_id("PoliceInstitution", row);
    let missing = api::ids::encode_global_id("Country", 999_999);
    let data = app
        .data(
            "query($a: ID!, $b: ID!) { a: node(id: $a) { id } b: node(id: $b) { id } }",
            json!({ "a": as_institution, "b": missing }),
        )
        .await;
    assert_eq!(data["a"], Value::Null, "an organization that is not a police institution");
    assert_eq!(data["b"], Value::Null, "a row that does not exist");
}
on_both!(node_wrong_kind, node_of_wrong_kind_is_null);
