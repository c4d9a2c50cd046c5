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
    let (type_name, digits) = text.split_once(':').ok_or_else(invalid)?;
    let id = digits.parse::<i32>().map_err(|_| invalid())?;
    // Only the form the API issues is accepted (no sign, leading zero or space), so that
    // each object has one id and clients that cache by id never hold it twice.
    if type_name.is_empty() || id <= 0 || digits != id.to_string() {
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
        // No stored value contains NUL, and PostgreSQL refuses it in text.
        if !(value.is_i64() || value.as_str().is_some_and(|text| !text.contains('\0'))) {
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
            &URL_SAFE_NO_PAD.encode("Country:05"),
            &URL_SAFE_NO_PAD.encode("Country:+5"),
            &URL_SAFE_NO_PAD.encode("Country: 5"),
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

/// Property tests of global-id and cursor decoding over generated input: decoding does not
/// panic, every failure is a client error about the value, and encoding round-trips.
#[cfg(test)]
#[allow(clippy::expect_used, reason = "a failed expectation is a failed test")]
mod properties {
    use proptest::prelude::*;

    use super::*;
    use crate::error::ErrorCode;

    /// Type names that the API issues global ids for.
    const TYPE_NAMES: [&str; 17] = [
        "Accreditation",
        "ApiToken",
        "Country",
        "Course",
        "CourseOffering",
        "Enrolment",
        "Event",
        "Initiative",
        "Member",
        "Network",
        "Officer",
        "Organization",
        "PoliceInstitution",
        "Publication",
        "QualityCertification",
        "Target",
        "Topic",
    ];

    /// Maximum length in characters of an error message for any input: the fixed text plus
    /// the value cut to 60 characters by `shorten`.
    const MAX_MESSAGE_CHARS: usize = 260;

    /// Checks that `error` is a bad-input error on `field` whose message starts with `prefix`
    /// and quotes the shortened `input`.
    fn assert_rejected_as_bad_input(error: &ApiError, field: &str, prefix: &str, input: &str) {
        assert_eq!(error.code(), ErrorCode::BadUserInput, "{error:?}");
        let ApiError::BadInput { field: Some(named), message } = error else {
            panic!("expected a bad-input error naming a field, got {error:?}");
        };
        assert_eq!(named, field);
        assert!(message.starts_with(prefix), "message {message:?} should start with {prefix:?}");
        assert!(message.contains(&shorten(input)), "message {message:?} should quote the value");
        assert!(message.chars().count() <= MAX_MESSAGE_CHARS, "message is too long: {message:?}");
    }

    fn check_global_id(input: &str) {
        match decode_global_id(input) {
            Ok((type_name, id)) => {
                assert!(!type_name.is_empty(), "{input:?} decoded to an empty type name");
                assert!(id > 0, "{input:?} decoded to row id {id}");
                let canonical = encode_global_id(&type_name, id);
                assert_eq!(decode_global_id(&canonical).ok(), Some((type_name, id)));
            }
            Err(error) => assert_rejected_as_bad_input(&error, "id", "Invalid ID \"", input),
        }
    }

    fn check_cursor(argument: &str, input: &str) {
        match Cursor::decode(argument, input) {
            Ok(cursor) => {
                assert!(cursor.value.is_string() || cursor.value.is_i64(), "{input:?} decoded to {cursor:?}");
                assert_eq!(Cursor::decode(argument, &cursor.encode()).ok(), Some(cursor));
            }
            Err(error) => {
                assert_rejected_as_bad_input(&error, argument, "Invalid cursor \"", input);
                let ApiError::BadInput { message, .. } = &error else { unreachable!("checked above") };
                assert!(message.contains(&format!("`{argument}`")), "message {message:?} names the argument");
            }
        }
    }

    /// Unpadded URL-safe base64 of arbitrary bytes.
    fn base64_of_bytes() -> impl Strategy<Value = String> {
        proptest::collection::vec(any::<u8>(), 0..300).prop_map(|bytes| URL_SAFE_NO_PAD.encode(bytes))
    }

    /// Very long input: one character repeated, or base64 of many bytes.
    fn long_input() -> impl Strategy<Value = String> {
        prop_oneof![
            (any::<char>(), 1_000..50_000usize).prop_map(|(ch, count)| ch.to_string().repeat(count)),
            proptest::collection::vec(any::<u8>(), 5_000..40_000).prop_map(|bytes| URL_SAFE_NO_PAD.encode(bytes)),
        ]
    }

    /// Generates a valid encoded value cut at any character and followed by any text.
    fn corrupted(valid: String) -> impl Strategy<Value = String> {
        let length = valid.len();
        (0..=length, any::<String>()).prop_map(move |(cut, tail)| format!("{}{tail}", &valid[..cut]))
    }

    /// Text of a global id before encoding: a type name or other text, a colon or not, a number
    /// or other text.
    fn global_id_text() -> impl Strategy<Value = String> {
        let type_name = prop_oneof![proptest::sample::select(TYPE_NAMES.to_vec()).prop_map(str::to_owned), ".*"];
        let id = prop_oneof![
            any::<i64>().prop_map(|id| id.to_string()),
            Just("+1".to_owned()),
            Just("00".to_owned()),
            Just(" 1".to_owned()),
            Just("1.0".to_owned()),
            Just("99999999999999999999999".to_owned()),
            ".*",
        ];
        (type_name, prop_oneof![Just(":"), Just(""), Just("::")], id)
            .prop_map(|(type_name, separator, id)| format!("{type_name}{separator}{id}"))
    }

    /// Arbitrary JSON values, nested a few levels deep.
    fn json_value() -> impl Strategy<Value = Value> {
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::from),
            any::<i64>().prop_map(Value::from),
            any::<u64>().prop_map(Value::from),
            any::<f64>().prop_map(Value::from),
            any::<String>().prop_map(Value::from),
        ];
        leaf.prop_recursive(3, 24, 4, |inner| {
            prop_oneof![
                proptest::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
                proptest::collection::btree_map(".{0,8}", inner, 0..3)
                    .prop_map(|map| Value::Object(map.into_iter().collect())),
            ]
        })
    }

    /// JSON texts shaped like a cursor, with each of the three parts valid or not.
    fn cursor_json() -> impl Strategy<Value = String> {
        let ordering = prop_oneof![".*".prop_map(Value::from), json_value()];
        let value = prop_oneof![any::<i64>().prop_map(Value::from), ".*".prop_map(Value::from), json_value()];
        let id = prop_oneof![
            any::<i32>().prop_map(Value::from),
            any::<i64>().prop_map(Value::from),
            any::<u64>().prop_map(Value::from),
            any::<f64>().prop_map(Value::from),
            json_value(),
        ];
        let parts = proptest::collection::vec(json_value(), 0..5).prop_map(|parts| Value::Array(parts).to_string());
        prop_oneof![
            3 => (ordering, value, id).prop_map(|(ordering, value, id)| serde_json::json!([ordering, value, id]).to_string()),
            1 => parts,
            1 => (1..200usize).prop_map(|depth| format!("{}{}", "[".repeat(depth), "]".repeat(depth))),
        ]
    }

    fn any_cursor() -> impl Strategy<Value = Cursor> {
        // Stored text never contains NUL, so a cursor never carries one.
        let text = any::<String>().prop_map(|text| text.replace('\0', ""));
        let value = prop_oneof![any::<i64>().prop_map(Value::from), text.prop_map(Value::from)];
        (any::<String>(), value, any::<i32>()).prop_map(|(ordering, value, id)| Cursor { ordering, value, id })
    }

    proptest! {
        #[test]
        fn global_id_decoding_rejects_any_text(input in any::<String>()) {
            check_global_id(&input);
        }

        #[test]
        fn global_id_decoding_rejects_any_base64(input in base64_of_bytes()) {
            check_global_id(&input);
        }

        #[test]
        fn global_id_decoding_checks_the_decoded_text(text in global_id_text()) {
            check_global_id(&URL_SAFE_NO_PAD.encode(text));
        }

        #[test]
        fn global_id_decoding_rejects_corrupted_tails(
            input in (proptest::sample::select(TYPE_NAMES.to_vec()), 1..=i32::MAX)
                .prop_flat_map(|(type_name, id)| corrupted(encode_global_id(type_name, id)))
        ) {
            check_global_id(&input);
        }

        #[test]
        fn global_id_decoding_rejects_long_input(input in long_input()) {
            check_global_id(&input);
        }

        #[test]
        fn global_ids_round_trip(
            type_name in prop_oneof![proptest::sample::select(TYPE_NAMES.to_vec()).prop_map(str::to_owned), "[A-Z][A-Za-z]{0,40}"],
            id in prop_oneof![1..=i32::MAX, Just(1), Just(i32::MAX)],
        ) {
            prop_assert_eq!(decode_global_id(&encode_global_id(&type_name, id)).ok(), Some((type_name, id)));
        }

        #[test]
        fn global_ids_of_non_positive_rows_are_rejected(
            type_name in proptest::sample::select(TYPE_NAMES.to_vec()),
            id in prop_oneof![i32::MIN..=0, Just(0), Just(i32::MIN)],
        ) {
            let encoded = encode_global_id(type_name, id);
            let error = decode_global_id(&encoded).expect_err("row ids start at 1");
            assert_rejected_as_bad_input(&error, "id", "Invalid ID \"", &encoded);
        }

        #[test]
        fn cursor_decoding_rejects_any_text(input in any::<String>(), before in any::<bool>()) {
            check_cursor(if before { "before" } else { "after" }, &input);
        }

        #[test]
        fn cursor_decoding_rejects_any_base64(input in base64_of_bytes()) {
            check_cursor("after", &input);
        }

        #[test]
        fn cursor_decoding_checks_the_json(json in cursor_json()) {
            check_cursor("before", &URL_SAFE_NO_PAD.encode(json));
        }

        #[test]
        fn cursor_decoding_rejects_corrupted_tails(input in any_cursor().prop_flat_map(|cursor| corrupted(cursor.encode()))) {
            check_cursor("after", &input);
        }

        #[test]
        fn cursor_decoding_rejects_long_input(input in long_input()) {
            check_cursor("after", &input);
        }

        #[test]
        fn cursors_round_trip(cursor in any_cursor()) {
            prop_assert_eq!(Cursor::decode("after", &cursor.encode()).ok(), Some(cursor));
        }
    }

    #[test]
    fn cursors_round_trip_extreme_values() {
        let values = [i64::MIN, i64::from(i32::MIN), -1, 0, 1, i64::from(i32::MAX), i64::MAX].map(Value::from);
        for value in values.into_iter().chain([Value::from(""), Value::from("\u{202e}\u{1f600}e\u{301}")]) {
            for id in [i32::MIN, -1, 0, 1, i32::MAX] {
                let cursor = Cursor { ordering: "publications.NEWEST".into(), value: value.clone(), id };
                assert_eq!(Cursor::decode("after", &cursor.encode()).ok(), Some(cursor));
            }
        }
    }

    #[test]
    fn cursors_holding_nul_are_rejected() {
        let cursor = Cursor { ordering: "publications.NEWEST".into(), value: Value::from("a\u{0}b"), id: 1 };
        let error = Cursor::decode("after", &cursor.encode()).expect_err("no stored text holds NUL");
        assert_eq!(error.code(), crate::error::ErrorCode::BadUserInput);
    }

    #[test]
    fn cursor_ids_beyond_i32_are_rejected() {
        for id in [i64::from(i32::MAX) + 1, i64::from(i32::MIN) - 1, i64::MAX, i64::MIN] {
            let encoded = URL_SAFE_NO_PAD.encode(serde_json::json!(["countries.NAME", "peru", id]).to_string());
            let error = Cursor::decode("after", &encoded).expect_err("the row id must fit in 32 bits");
            assert_rejected_as_bad_input(&error, "after", "Invalid cursor \"", &encoded);
        }
    }
}
