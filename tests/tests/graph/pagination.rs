//! Keyset pagination: forwards and backwards over ties, without gaps or repeats.

use integration_tests::{TestApp, on_both};
use serde_json::{Value, json};

/// Walks a root list page by page, forwards or backwards, and returns the slugs in list order.
async fn walk(app: &TestApp, list: &str, order: &str, size: i32, backward: bool) -> Vec<String> {
    let mut slugs: Vec<String> = Vec::new();
    let mut cursor: Option<String> = None;
    for _ in 0..200 {
        let query = if backward {
            format!(
                "query($c: String) {{ {list}(orderBy: {order}, last: {size}, before: $c) {{ edges {{ cursor node {{ slug }} }} pageInfo {{ hasPreviousPage startCursor }} }} }}"
            )
        } else {
            format!(
                "query($c: String) {{ {list}(orderBy: {order}, first: {size}, after: $c) {{ edges {{ cursor node {{ slug }} }} pageInfo {{ hasNextPage endCursor }} }} }}"
            )
        };
        let data = app.data(&query, json!({ "c": cursor })).await;
        let page = &data[list];
        let mut page_slugs: Vec<String> =
            page["edges"].as_array().unwrap().iter().map(|e| e["node"]["slug"].as_str().unwrap().to_owned()).collect();
        if backward {
            page_slugs.extend(slugs);
            slugs = page_slugs;
            if page["pageInfo"]["hasPreviousPage"] != json!(true) {
                return slugs;
            }
            cursor = page["pageInfo"]["startCursor"].as_str().map(str::to_owned);
        } else {
            slugs.extend(page_slugs);
            if page["pageInfo"]["hasNextPage"] != json!(true) {
                return slugs;
            }
            cursor = page["pageInfo"]["endCursor"].as_str().map(str::to_owned);
        }
    }
    panic!("{list} did not end within 200 pages");
}

async fn pages_cover_the_list_exactly(app: &TestApp) {
    // Publications by year and initiatives by start year have many ties, so the id
    // tie-breaker decides the order inside each year.
    for (list, order) in [
        ("publications", "NEWEST"),
        ("publications", "OLDEST"),
        ("publications", "TITLE"),
        ("initiatives", "NEWEST"),
        ("events", "EARLIEST"),
        ("countries", "MEMBER_SINCE"),
    ] {
        let data = app
            .data(&format!("{{ {list}(orderBy: {order}, first: 100) {{ totalCount nodes {{ slug }} }} }}"), json!({}))
            .await;
        let full: Vec<String> =
            data[list]["nodes"].as_array().unwrap().iter().map(|n| n["slug"].as_str().unwrap().to_owned()).collect();
        assert_eq!(json!(full.len()), data[list]["totalCount"]);
        for size in [1, 3, 7] {
            assert_eq!(walk(app, list, order, size, false).await, full, "{list} {order} forwards by {size}");
            assert_eq!(walk(app, list, order, size, true).await, full, "{list} {order} backwards by {size}");
        }
    }
}
on_both!(root_pages, pages_cover_the_list_exactly);

async fn nested_pages_cover_the_list_exactly(app: &TestApp) {
    let full = app.data(r#"{ country(code: "USA") { initiatives(first: 100) { nodes { slug } } } }"#, json!({})).await;
    let full: Vec<Value> = full["country"]["initiatives"]["nodes"].as_array().unwrap().clone();
    assert!(full.len() > 3);
    let mut seen: Vec<Value> = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let data = app
            .data(
                r#"query($c: String) { country(code: "USA") { initiatives(first: 2, after: $c) { nodes { slug } pageInfo { hasNextPage endCursor } } } }"#,
                json!({ "c": cursor }),
            )
            .await;
        let page = &data["country"]["initiatives"];
        seen.extend(page["nodes"].as_array().unwrap().iter().cloned());
        if page["pageInfo"]["hasNextPage"] != json!(true) {
            break;
        }
        cursor = page["pageInfo"]["endCursor"].as_str().map(str::to_owned);
    }
    assert_eq!(seen, full);
}
on_both!(nested_pages, nested_pages_cover_the_list_exactly);
