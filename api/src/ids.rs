//! Opaque global ids (Relay object identification) and pagination cursors.
//!
//! Both are unpadded URL-safe base64 so that clients treat them as opaque strings: a
//! global id wraps `TypeName:databaseId`, a cursor wraps the ordering name, the sort value
//! and the row id of the last row a client saw.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::Value;

use crate::error::ApiError;

/// Encodes the global id of row `id` of GraphQL type `type_name`.
pub fn encode_global_id(type_name: &str, id: i32) -> String {
    URL_SAFE_NO_PAD.encode(format!("{type_name}:{id}"))
}

/// Decodes a global id into its type name and row id.
pub fn decode_global_id(global_id: &str) -> Result<(String, i32), ApiError> {
    let invalid = || {
        ApiError::bad_input(
            "id",
            format!("Invalid ID \"{}\": pass an `id` value returned by this API unchanged.", shorten(global_id)),
        )
    };
    let bytes = URL_SAFE_NO_PAD.decode(global_id.trim()).map_err(|_| invalid())?;
    let text = String::from_utf8(bytes).map_err(|_| invalid())?;
    let (type_name, id) = text.split_once(':').ok_or_else(invalid)?;
    let id = id.parse::<i32>().map_err(|_| invalid())?;
    if type_name.is_empty() || id <= 0 {
        return Err(invalid());
    }
    Ok((type_name.to_owned(), id))
}

/// A position in an ordered list: the ordering it belongs to, the sort value and the row id.
#[derive(Clone, Debug, PartialEq)]
pub struct Cursor {
    /// Name of the ordering the cursor was issued for.
    pub ordering: String,
    /// The row's sort value (a number or a string).
    pub value: Value,
    /// The row's id, which breaks ties between equal sort values.
    pub id: i32,
}

impl Cursor {
    /// Encodes the cursor as an opaque string.
    pub fn encode(&self) -> String {
        let json = serde_json::json!([self.ordering, self.value, self.id]);
        URL_SAFE_NO_PAD.encode(json.to_string())
    }

    /// Decodes a cursor received in the `after` or `before` argument named `argument`.
    pub fn decode(argument: &str, encoded: &str) -> Result<Cursor, ApiError> {
        let invalid = || {
            ApiError::bad_input(
                argument,
                format!(
                    "Invalid cursor \"{}\" in `{argument}`: pass a `cursor` or `pageInfo` value returned by this API unchanged.",
                    shorten(encoded)
                ),
            )
        };
        let bytes = URL_SAFE_NO_PAD.decode(encoded.trim()).map_err(|_| invalid())?;
        let json: Value = serde_json::from_slice(&bytes).map_err(|_| invalid())?;
        let Value::Array(parts) = json else { return Err(invalid()) };
        let [Value::String(ordering), value, Value::Number(id)] = parts.as_slice() else { return Err(invalid()) };
        if !(value.is_string() || value.is_i64()) {
            return Err(invalid());
        }
        let id = id.as_i64().and_then(|id| i32::try_from(id).ok()).ok_or_else(invalid)?;
        Ok(Cursor { ordering: ordering.clone(), value: value.clone(), id })
    }
}

/// Cuts a client-supplied value to a length that is safe to echo in an error message.
pub fn shorten(value: &str) -> String {
    const MAX_CHARS: usize = 60;
    if value.chars().count() <= MAX_CHARS {
        value.to_owned()
    } else {
        format!("{}…", value.chars().take(MAX_CHARS).collect::<String>())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn global_id_round_trips() {
        let id = encode_global_id("Country", 42);
        assert_eq!(decode_global_id(&id).ok(), Some(("Country".to_owned(), 42)));
    }

    #[test]
    fn garbage_global_ids_are_rejected() {
        for garbage in [
            "",
            "!!!",
            "Q291bnRyeQ",
            &URL_SAFE_NO_PAD.encode("Country:x"),
            &URL_SAFE_NO_PAD.encode("Country:-1"),
            &URL_SAFE_NO_PAD.encode(":1"),
        ] {
            assert!(decode_global_id(garbage).is_err(), "accepted {garbage:?}");
        }
    }

    #[test]
    fn cursor_round_trips_text_and_numbers() {
        for value in [Value::from("policia"), Value::from(2017)] {
            let cursor = Cursor { ordering: "NAME".into(), value, id: 7 };
            assert_eq!(Cursor::decode("after", &cursor.encode()).ok(), Some(cursor));
        }
    }

    #[test]
    fn garbage_cursors_are_rejected() {
        for garbage in [
            "",
            "abc",
            &URL_SAFE_NO_PAD.encode("[1,2,3]"),
            &URL_SAFE_NO_PAD.encode("[\"NAME\",null,1]"),
            &URL_SAFE_NO_PAD.encode("[\"NAME\",1,99999999999]"),
        ] {
            assert!(Cursor::decode("after", garbage).is_err(), "accepted {garbage:?}");
        }
    }
}
