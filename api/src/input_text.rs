//! Refuses the NUL character (U+0000) in a request's text inputs before anything runs.
//!
//! PostgreSQL cannot store NUL in text and fails any statement that binds it, and no
//! stored value contains one, so a NUL in a search, key or field value can only be a
//! mistake. Refusing it here gives both databases the same clear client error instead of a
//! database failure deep inside a resolver.

use async_graphql::{Name, Value, Variables};

use crate::limits::DocumentRejection;

/// Finds a NUL character in the request's variables or in the string literals of its
/// document, and returns the rejection that names where it is.
pub fn check_request(request: &async_graphql::Request) -> Result<(), DocumentRejection> {
    if let Some(path) = nul_in_variables(&request.variables) {
        return Err(rejection(format!(
            "The variable `{path}` contains the NUL character (U+0000), which no text in this API may hold; remove it from the value."
        )));
    }
    if nul_in_document(&request.query) {
        return Err(rejection(
            "The query text contains the NUL character (U+0000), raw or as a \\u0000 escape in a string, which no text in this API may hold; remove it."
                .to_owned(),
        ));
    }
    Ok(())
}

fn rejection(message: String) -> DocumentRejection {
    DocumentRejection { code: "BAD_USER_INPUT", limit: None, max: None, actual: None, message }
}

/// Returns the path of the first variable value that contains a NUL, such as `filter.search`.
fn nul_in_variables(variables: &Variables) -> Option<String> {
    // Iterative, so that deeply nested values cannot exhaust the stack.
    let mut pending: Vec<(String, &Value)> =
        variables.iter().map(|(name, value): (&Name, &Value)| (name.to_string(), value)).collect();
    while let Some((path, value)) = pending.pop() {
        match value {
            Value::String(text) if text.contains('\0') => return Some(path),
            Value::List(items) => {
                pending.extend(items.iter().enumerate().map(|(index, item)| (format!("{path}.{index}"), item)));
            }
            Value::Object(fields) => {
                pending.extend(fields.iter().map(|(name, item)| (format!("{path}.{name}"), item)));
            }
            _ => {}
        }
    }
    None
}

/// Reports whether the document contains a NUL character, written raw or as a `\u0000`
/// escape inside a string literal. An escaped backslash followed by `u0000` is text, not
/// NUL, so the scan follows escapes instead of searching for the six characters.
fn nul_in_document(query: &str) -> bool {
    if query.contains('\0') {
        return true;
    }
    let bytes = query.as_bytes();
    let mut at = 0;
    let mut in_string = false;
    while at < bytes.len() {
        match bytes[at] {
            b'"' if !in_string && bytes[at..].starts_with(b"\"\"\"") => {
                // Block strings take no escapes; skip to their end.
                at += 3;
                while at < bytes.len() && !bytes[at..].starts_with(b"\"\"\"") {
                    at += if bytes[at..].starts_with(b"\\\"\"\"") { 4 } else { 1 };
                }
                at += 3;
                continue;
            }
            b'#' if !in_string => {
                while at < bytes.len() && bytes[at] != b'\n' {
                    at += 1;
                }
            }
            b'"' => in_string = !in_string,
            b'\\' if in_string => {
                let escape = &bytes[at + 1..];
                if escape.len() >= 5 && escape[0] == b'u' && escape[1..5].iter().all(|digit| *digit == b'0') {
                    return true;
                }
                if escape.starts_with(b"u{") {
                    let digits: Vec<u8> = escape[2..].iter().copied().take_while(|byte| *byte != b'}').collect();
                    if !digits.is_empty() && digits.iter().all(|digit| *digit == b'0') {
                        return true;
                    }
                }
                at += 1;
            }
            _ => {}
        }
        at += 1;
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(query: &str, variables: serde_json::Value) -> async_graphql::Request {
        async_graphql::Request::new(query).variables(Variables::from_json(variables))
    }

    #[test]
    fn finds_nul_in_nested_variables() {
        let found =
            check_request(&request("query($f: F) { a }", serde_json::json!({ "f": { "list": ["ok", "a\u{0}b"] } })));
        let Err(rejection) = found else { panic!("a NUL in a nested list is refused") };
        assert_eq!(rejection.code, "BAD_USER_INPUT");
        assert!(rejection.message.contains("`f.list.1`"), "{}", rejection.message);
        assert!(check_request(&request("{ a }", serde_json::json!({ "f": "plain text" }))).is_ok());
    }

    #[test]
    fn finds_nul_escapes_in_string_literals_only() {
        assert!(nul_in_document(r#"{ a(s: "x\u0000y") }"#));
        assert!(nul_in_document(r#"{ a(s: "x\u{0}y") }"#));
        assert!(nul_in_document("{ a(s: \"x\0y\") }"));
        // An escaped backslash followed by u0000 is six characters of text.
        assert!(!nul_in_document(r#"{ a(s: "x\\u0000y") }"#));
        assert!(!nul_in_document(r#"{ a(s: """x\u0000y""") }"#));
        assert!(!nul_in_document("# \\u0000 in a comment\n{ a }"));
        assert!(!nul_in_document(r#"{ a(s: "\u0041") }"#));
    }
}
