//! Puts the fields of a response in the order the query selected them.
//!
//! async-graphql 7 resolves the fields of a query in parallel and adds each to its object
//! when it finishes, so the order of a response's fields changed from one request to the
//! next. The GraphQL specification recommends the order of the query, which is also what
//! snapshot tests and people reading responses expect.

use std::collections::HashSet;

use async_graphql::indexmap::IndexMap;
use async_graphql::parser::types::{ExecutableDocument, Selection, SelectionSet};
use async_graphql::{Name, Value};

/// Reorders the fields of `data` to follow the selected operation of `document`.
pub fn order_fields(data: &mut Value, document: &ExecutableDocument, operation_name: Option<&str>) {
    if let Some(operation) = crate::limits::selected_operation(document, operation_name) {
        order_value(data, &[&operation.selection_set.node], document);
    }
}

/// Orders one value, selected by the merged selection sets `sets`.
fn order_value(value: &mut Value, sets: &[&SelectionSet], document: &ExecutableDocument) {
    match value {
        Value::List(items) => {
            for item in items {
                order_value(item, sets, document);
            }
        }
        Value::Object(fields) => {
            let mut selected: IndexMap<&Name, Vec<&SelectionSet>> = IndexMap::new();
            let mut spread = HashSet::new();
            for set in sets {
                collect(set, document, &mut selected, &mut spread);
            }
            let mut ordered = IndexMap::with_capacity(fields.len());
            for (key, subsets) in &selected {
                if let Some(mut field) = fields.swap_remove(*key) {
                    order_value(&mut field, subsets, document);
                    ordered.insert((*key).clone(), field);
                }
            }
            // Fields the query did not name, if any, keep their place at the end.
            ordered.extend(fields.drain(..));
            *fields = ordered;
        }
        _ => {}
    }
}

/// Adds the response keys of `set` in query order, with the selection sets of each key,
/// following fragment spreads and inline fragments. Each named fragment is read once.
fn collect<'a>(
    set: &'a SelectionSet,
    document: &'a ExecutableDocument,
    selected: &mut IndexMap<&'a Name, Vec<&'a SelectionSet>>,
    spread: &mut HashSet<&'a Name>,
) {
    for selection in &set.items {
        match &selection.node {
            Selection::Field(field) => {
                let key = &field.node.response_key().node;
                selected.entry(key).or_default().push(&field.node.selection_set.node);
            }
            Selection::FragmentSpread(fragment) => {
                let name = &fragment.node.fragment_name.node;
                if spread.insert(name)
                    && let Some(definition) = document.fragments.get(name)
                {
                    collect(&definition.node.selection_set.node, document, selected, spread);
                }
            }
            Selection::InlineFragment(fragment) => {
                collect(&fragment.node.selection_set.node, document, selected, spread);
            }
        }
    }
}

#[cfg(test)]
#[allow(clippy::expect_used, reason = "a failed expectation is a failed test")]
mod tests {
    use super::*;

    #[test]
    fn fields_follow_the_query() {
        let document = async_graphql::parser::parse_query(
            "query { b a: alias { z ...F } c } fragment F on T { y ... on T { x } }",
        )
        .expect("parse");
        let mut data = Value::from_json(serde_json::json!({
            "c": 3, "a": [{ "x": 1, "z": 2, "y": 3 }], "b": 1
        }))
        .expect("a JSON value");
        order_fields(&mut data, &document, None);
        let text = serde_json::to_string(&data).expect("JSON");
        assert_eq!(text, r#"{"b":1,"a":[{"z":2,"y":3,"x":1}],"c":3}"#);
    }
}
