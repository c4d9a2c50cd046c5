//! The committed SDL matches the code, and the schema documents itself.

use serde_json::Value;

#[test]
fn schema_file_matches_the_code() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../schema.graphql");
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == api::graphql::sdl(),
        "schema.graphql is out of date; regenerate it with `cargo run -p api -- print-schema > schema.graphql` and review the diff"
    );
}

#[tokio::test]
async fn every_type_field_argument_and_value_is_described() {
    let query = "{ __schema { types { name kind description
        fields { name description args { name description } }
        inputFields { name description }
        enumValues { name description } } } }";
    let response = api::graphql::build_schema().execute(query).await;
    let data = response.data.into_json().unwrap();
    let mut missing = Vec::new();
    let described = |value: &Value| value["description"].as_str().is_some_and(|d| !d.trim().is_empty());
    for ty in data["__schema"]["types"].as_array().unwrap() {
        let name = ty["name"].as_str().unwrap();
        if name.starts_with("__") || ["String", "Int", "Float", "Boolean", "ID"].contains(&name) {
            continue;
        }
        if !described(ty) {
            missing.push(name.to_owned());
        }
        for field in
            ty["fields"].as_array().into_iter().flatten().chain(ty["inputFields"].as_array().into_iter().flatten())
        {
            if !described(field) {
                missing.push(format!("{name}.{}", field["name"]));
            }
            for arg in field["args"].as_array().into_iter().flatten() {
                if !described(arg) {
                    missing.push(format!("{name}.{}({})", field["name"], arg["name"]));
                }
            }
        }
        for value in ty["enumValues"].as_array().into_iter().flatten() {
            if !described(value) {
                missing.push(format!("{name}.{}", value["name"]));
            }
        }
    }
    assert!(missing.is_empty(), "undocumented schema members: {missing:#?}");
}
