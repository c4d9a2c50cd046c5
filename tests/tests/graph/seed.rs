//! Reads the shipped seed files directly, so that expected values come from the data,
//! not from the API under test.

use serde_json::Value;

/// Loads one seed file as a JSON array.
pub fn records(file: &str) -> Vec<Value> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../data/seed").join(file);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()));
    serde_json::from_str::<Value>(&text).expect("seed file is JSON").as_array().expect("seed file is an array").clone()
}

/// Returns the ids of records for which `keep` holds, sorted.
pub fn ids_where(file: &str, keep: impl Fn(&Value) -> bool) -> Vec<String> {
    let mut ids: Vec<String> =
        records(file).iter().filter(|r| keep(r)).map(|r| r["id"].as_str().unwrap_or_default().to_owned()).collect();
    ids.sort();
    ids
}

/// Returns whether a JSON array field contains `value`.
pub fn contains(record: &Value, field: &str, value: &str) -> bool {
    record[field].as_array().is_some_and(|items| items.iter().any(|item| item == value))
}

/// Returns the sorted `slug`s of a connection's `nodes`.
pub fn slugs(connection: &Value) -> Vec<String> {
    let mut slugs: Vec<String> = connection["nodes"]
        .as_array()
        .expect("the connection has nodes")
        .iter()
        .map(|node| node["slug"].as_str().expect("each node has a slug").to_owned())
        .collect();
    slugs.sort();
    slugs
}
