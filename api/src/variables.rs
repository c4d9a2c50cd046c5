//! Rejects a request that leaves out a variable its operation requires.
//!
//! async-graphql 7 checks the type of each variable given, but runs an operation whose
//! required variable (non-null, without a default) is missing, and fails only the fields
//! that use it. The GraphQL specification makes that a request error, like a value of the
//! wrong type.

use crate::limits::{DocumentRejection, GRAPHQL_VALIDATION_FAILED, selected_operation};

/// Checks that the selected operation receives every required variable. A document that
/// does not parse, or names no operation that exists, passes here and fails validation.
pub fn check_required(request: &mut async_graphql::Request) -> Result<(), DocumentRejection> {
    let operation_name = request.operation_name.clone();
    let given_names: Vec<String> = request.variables.keys().map(ToString::to_string).collect();
    let Ok(document) = request.parsed_query() else { return Ok(()) };
    let Some(operation) = selected_operation(document, operation_name.as_deref()) else { return Ok(()) };
    let missing = operation.variable_definitions.iter().find(|definition| {
        let definition = &definition.node;
        !definition.var_type.node.nullable
            && definition.default_value.is_none()
            && !given_names.iter().any(|name| name == definition.name.node.as_str())
    });
    match missing {
        None => Ok(()),
        Some(definition) => Err(DocumentRejection {
            code: GRAPHQL_VALIDATION_FAILED,
            limit: None,
            max: None,
            actual: None,
            message: format!(
                "The variable `${}` of type `{}` is required but missing; add it to `variables`.",
                definition.node.name.node, definition.node.var_type.node
            ),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rejection(query: &str, variables: serde_json::Value) -> Option<String> {
        let mut request = async_graphql::Request::new(query).variables(async_graphql::Variables::from_json(variables));
        check_required(&mut request).err().map(|rejection| rejection.message)
    }

    #[test]
    fn missing_required_variable_is_named() {
        let message = rejection("query($code: String!) { country(code: $code) { code } }", serde_json::json!({}));
        assert_eq!(
            message.as_deref(),
            Some("The variable `$code` of type `String!` is required but missing; add it to `variables`.")
        );
    }

    #[test]
    fn optional_defaulted_and_given_variables_pass() {
        assert_eq!(rejection("query($n: Int) { __typename }", serde_json::json!({})), None);
        assert_eq!(rejection("query($n: Int! = 5) { __typename }", serde_json::json!({})), None);
        assert_eq!(rejection("query($n: Int!) { __typename }", serde_json::json!({ "n": 1 })), None);
        assert_eq!(rejection("query A($n: Int!) { __typename } query B { __typename }", serde_json::json!({})), None);
    }
}
