//! GraphQL over HTTP, as the GraphQL-over-HTTP specification (draft) describes it: reading
//! a request from a POST body or GET query string, choosing the response's media type from
//! `Accept`, and the status codes of refused requests.
//!
//! Every response body is UTF-8 JSON with `; charset=utf-8` in its `Content-Type`.
//! `application/graphql-response+json` is served when the client accepts it, and
//! `application/json` when the client asks for it, sends no `Accept` or accepts anything.
//! A request that fails before execution (a syntax error, an invalid document, variables
//! that do not coerce, an unknown operation, a limit) has no `data` entry. With
//! `application/graphql-response+json` it gets status 400, and with `application/json`
//! status 200, which is what clients of that older media type expect.

use std::collections::HashMap;

use axum::extract::{Query, Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, Uri, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value};

use crate::limits::{DocumentRejection, GRAPHQL_VALIDATION_FAILED, QUERY_TOO_COMPLEX};
use crate::request_id::RequestId;

/// The media type of the GraphQL-over-HTTP specification.
pub const GRAPHQL_RESPONSE_JSON: &str = "application/graphql-response+json";

/// The media type of a response body.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MediaType {
    /// `application/graphql-response+json`, whose status codes follow the outcome.
    GraphQLResponseJson,
    /// `application/json`, the older media type: requests that reach GraphQL get status 200.
    Json,
}

impl MediaType {
    /// Returns the `Content-Type` header value of this media type.
    pub fn content_type(self) -> HeaderValue {
        match self {
            MediaType::GraphQLResponseJson => {
                HeaderValue::from_static("application/graphql-response+json; charset=utf-8")
            }
            MediaType::Json => HeaderValue::from_static("application/json; charset=utf-8"),
        }
    }
}

/// Chooses the response's media type from the `Accept` header. A missing or empty header,
/// `*/*` and `application/*` give `application/json`. When both JSON types are acceptable
/// with the same quality, `application/graphql-response+json` wins. `None` means that
/// neither is acceptable, which gets status 406.
pub fn negotiate(headers: &HeaderMap) -> Option<MediaType> {
    let mut accepts = headers.get_all(header::ACCEPT).iter().filter_map(|value| value.to_str().ok()).peekable();
    if accepts.peek().is_none_or(|value| value.trim().is_empty()) {
        return Some(MediaType::Json);
    }
    // The best candidate so far: its quality, then a preference for the newer type.
    let mut best: Option<(u16, MediaType)> = None;
    for range in accepts.flat_map(|value| value.split(',')) {
        let mut parts = range.split(';');
        let essence = parts.next().unwrap_or_default().trim().to_ascii_lowercase();
        let media_type = match essence.as_str() {
            GRAPHQL_RESPONSE_JSON => MediaType::GraphQLResponseJson,
            "application/json" | "application/*" | "*/*" => MediaType::Json,
            _ => continue,
        };
        let quality = parts.filter_map(|parameter| parameter.trim().strip_prefix("q=")).map(parse_quality).next();
        let quality = quality.unwrap_or(1000);
        if quality == 0 {
            continue;
        }
        let better = match best {
            None => true,
            Some((best_quality, best_type)) => {
                quality > best_quality
                    || (quality == best_quality
                        && media_type == MediaType::GraphQLResponseJson
                        && best_type == MediaType::Json)
            }
        };
        if better {
            best = Some((quality, media_type));
        }
    }
    best.map(|(_, media_type)| media_type)
}

/// Reads a quality value such as `0.5` as thousandths; an invalid one counts as 0.
fn parse_quality(text: &str) -> u16 {
    text.trim().parse::<f32>().map_or(0, |quality| (quality.clamp(0.0, 1.0) * 1000.0).round() as u16)
}

/// A request rejected before it reaches GraphQL, with its status and stable code.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HttpRejection {
    /// The HTTP status.
    pub status: StatusCode,
    /// The machine code in `extensions.code`.
    pub code: &'static str,
    /// A message that names the problem and the fix.
    pub message: String,
}

impl HttpRejection {
    fn bad_request(message: impl Into<String>) -> HttpRejection {
        HttpRejection { status: StatusCode::BAD_REQUEST, code: "BAD_REQUEST", message: message.into() }
    }

    /// Builds the JSON response of this rejection.
    pub fn into_response(self, request_id: &RequestId) -> Response {
        error_response(self.status, request_id, self.code, &self.message, None)
    }
}

/// Builds the rejection of a request whose `Accept` header names neither JSON media type.
pub fn not_acceptable(headers: &HeaderMap) -> HttpRejection {
    let accept = headers.get(header::ACCEPT).and_then(|value| value.to_str().ok()).unwrap_or_default();
    HttpRejection {
        status: StatusCode::NOT_ACCEPTABLE,
        code: "NOT_ACCEPTABLE",
        message: format!(
            "The Accept header {accept:?} names no media type this endpoint serves; accept application/graphql-response+json or application/json."
        ),
    }
}

/// Checks that a POST body is declared as JSON in UTF-8: `application/json` with no charset
/// or `charset=utf-8`.
pub fn check_content_type(headers: &HeaderMap) -> Result<(), HttpRejection> {
    let unsupported = |found: &str| HttpRejection {
        status: StatusCode::UNSUPPORTED_MEDIA_TYPE,
        code: "UNSUPPORTED_MEDIA_TYPE",
        message: format!(
            "The request body's Content-Type is {found}; send the GraphQL request as a JSON object with `Content-Type: application/json`."
        ),
    };
    let Some(value) = headers.get(header::CONTENT_TYPE) else { return Err(unsupported("missing")) };
    let Ok(value) = value.to_str() else { return Err(unsupported("not valid text")) };
    let mut parts = value.split(';');
    let essence = parts.next().unwrap_or_default().trim();
    if !essence.eq_ignore_ascii_case("application/json") {
        return Err(unsupported(&format!("{value:?}")));
    }
    for parameter in parts {
        let Some((name, charset)) = parameter.split_once('=') else { continue };
        let charset = charset.trim().trim_matches('"');
        if name.trim().eq_ignore_ascii_case("charset") && !charset.eq_ignore_ascii_case("utf-8") {
            return Err(HttpRejection {
                status: StatusCode::UNSUPPORTED_MEDIA_TYPE,
                code: "UNSUPPORTED_MEDIA_TYPE",
                message: format!("The request body's charset is {charset:?}; encode the JSON body as UTF-8."),
            });
        }
    }
    Ok(())
}

/// The shape of a valid request, named in every message about a malformed one.
const REQUEST_SHAPE: &str = "send one JSON object with a `query` string and optional `variables` (an object), `operationName` (a string) and `extensions` (an object)";

/// Reads a POST body: one JSON object with a `query` string and optional `variables`,
/// `operationName` and `extensions`. A JSON array, a batch of requests, is rejected.
pub fn parse_body(body: &[u8]) -> Result<async_graphql::Request, HttpRejection> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Err(HttpRejection::bad_request(format!("The request body is empty; {REQUEST_SHAPE}.")));
    }
    if let Err(error) = std::str::from_utf8(body) {
        return Err(HttpRejection::bad_request(format!(
            "The request body is not valid UTF-8 (at byte {}); encode the JSON body as UTF-8.",
            error.valid_up_to()
        )));
    }
    let value: Value = serde_json::from_slice(body).map_err(|error| {
        HttpRejection::bad_request(format!("The request body is not valid JSON ({error}); {REQUEST_SHAPE}."))
    })?;
    let fields = match value {
        Value::Object(fields) => fields,
        Value::Array(_) => {
            return Err(HttpRejection::bad_request(
                "The request body is a JSON array, a batch of requests, and this server does not accept batches; send one operation per request.",
            ));
        }
        other => {
            return Err(HttpRejection::bad_request(format!(
                "The request body is a JSON {}, not an object; {REQUEST_SHAPE}.",
                json_type(&other)
            )));
        }
    };
    build_request(
        fields.get("query").cloned(),
        fields.get("operationName").cloned(),
        fields.get("variables").cloned(),
        fields.get("extensions").cloned(),
    )
}

/// Reads a GET request's URL parameters: `query`, `operationName`, and `variables` and
/// `extensions` as JSON text.
pub fn parse_query_string(uri: &Uri) -> Result<async_graphql::Request, HttpRejection> {
    let Query(parameters) = Query::<HashMap<String, String>>::try_from_uri(uri).map_err(|error| {
        HttpRejection::bad_request(format!(
            "The URL parameters cannot be read ({error}); encode them as a URL query string."
        ))
    })?;
    let json_parameter = |name: &str| -> Result<Option<Value>, HttpRejection> {
        match parameters.get(name).map(String::as_str) {
            None | Some("") => Ok(None),
            Some(text) => serde_json::from_str(text).map(Some).map_err(|error| {
                HttpRejection::bad_request(format!(
                    "The `{name}` parameter is not valid JSON ({error}); pass it as a URL-encoded JSON object."
                ))
            }),
        }
    };
    let variables = json_parameter("variables")?;
    let extensions = json_parameter("extensions")?;
    build_request(
        parameters.get("query").cloned().map(Value::String),
        parameters.get("operationName").cloned().map(Value::String),
        variables,
        extensions,
    )
}

/// Checks the type of each request parameter and builds the GraphQL request.
fn build_request(
    query: Option<Value>,
    operation_name: Option<Value>,
    variables: Option<Value>,
    extensions: Option<Value>,
) -> Result<async_graphql::Request, HttpRejection> {
    let query = match query {
        Some(Value::String(query)) if !query.trim().is_empty() => query,
        Some(Value::String(_)) | None | Some(Value::Null) => {
            return Err(HttpRejection::bad_request(
                "The request has no `query`; send the GraphQL document in the `query` parameter.",
            ));
        }
        Some(other) => {
            return Err(HttpRejection::bad_request(format!(
                "The `query` parameter is a JSON {}; send the GraphQL document as a string.",
                json_type(&other)
            )));
        }
    };
    let mut request = async_graphql::Request::new(query);
    match operation_name {
        None | Some(Value::Null) => {}
        Some(Value::String(name)) if name.is_empty() => {}
        Some(Value::String(name)) => request = request.operation_name(name),
        Some(other) => {
            return Err(HttpRejection::bad_request(format!(
                "The `operationName` parameter is a JSON {}; send the operation's name as a string, or leave it out.",
                json_type(&other)
            )));
        }
    }
    match variables {
        None | Some(Value::Null) => {}
        Some(Value::Object(variables)) => {
            request = request.variables(async_graphql::Variables::from_json(Value::Object(variables)));
        }
        Some(other) => {
            return Err(HttpRejection::bad_request(format!(
                "The `variables` parameter is a JSON {}; send the variables as an object of names and values, or leave it out.",
                json_type(&other)
            )));
        }
    }
    match extensions {
        // No extension of this server reads request extensions, so a valid map is ignored.
        None | Some(Value::Null | Value::Object(_)) => {}
        Some(other) => {
            return Err(HttpRejection::bad_request(format!(
                "The `extensions` parameter is a JSON {}; send an object, or leave it out.",
                json_type(&other)
            )));
        }
    }
    Ok(request)
}

fn json_type(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

/// Marks a response to a request that failed before execution, so that
/// [`apply_media_type`] can give it status 400 under `application/graphql-response+json`.
#[derive(Clone, Copy, Debug)]
pub struct RequestError;

/// Codes of errors that mean the request failed before execution.
const REQUEST_ERROR_CODES: [&str; 4] = [GRAPHQL_VALIDATION_FAILED, QUERY_TOO_COMPLEX, "BAD_USER_INPUT", "RATE_LIMITED"];

/// The JSON body of a GraphQL response, with only the entries that have content.
#[derive(serde::Serialize)]
struct ResponseBody<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    data: Option<&'a async_graphql::Value>,
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    errors: &'a [async_graphql::ServerError],
    #[serde(skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    extensions: &'a std::collections::BTreeMap<String, async_graphql::Value>,
}

/// Converts an executed (or rejected) GraphQL response into an HTTP response with status
/// 200 and `application/json`. A response without data whose errors all come from parsing,
/// validation, variable coercion or a limit is a request error: its body has no `data`
/// entry and it carries the [`RequestError`] marker.
pub fn graphql_response(response: async_graphql::Response) -> Response {
    let request_error = response.data == async_graphql::Value::Null
        && !response.errors.is_empty()
        && response.errors.iter().all(|error| {
            error.path.is_empty()
                && error
                    .extensions
                    .as_ref()
                    .and_then(|extensions| extensions.get("code"))
                    .is_some_and(|code| matches!(code, async_graphql::Value::String(code) if REQUEST_ERROR_CODES.contains(&code.as_str())))
        });

    // Serialized straight from async-graphql's values, which keep their fields in order.
    // A serde_json map would sort them by name.
    let body = ResponseBody {
        data: (!request_error).then_some(&response.data),
        errors: &response.errors,
        extensions: &response.extensions,
    };
    let mut http = (StatusCode::OK, axum::Json(body)).into_response();
    let headers = http.headers_mut();
    headers.insert(header::CONTENT_TYPE, MediaType::Json.content_type());
    if response.is_ok()
        && let Some(cache_control) = response.cache_control.value()
        && let Ok(value) = HeaderValue::from_str(&cache_control)
    {
        headers.insert(header::CACHE_CONTROL, value);
    }
    headers.extend(response.http_headers);
    if request_error {
        http.extensions_mut().insert(RequestError);
    }
    http
}

/// Builds the response of a request rejected by [`crate::limits::check_document`].
pub fn document_rejected(request_id: &RequestId, rejection: DocumentRejection) -> Response {
    let mut error = rejection.into_server_error();
    error.extensions.get_or_insert_with(Default::default).set("requestId", request_id.as_str());
    graphql_response(async_graphql::Response::from_errors(vec![error]))
}

/// Gives a `/graphql` response the negotiated media type: a JSON body gets its
/// `Content-Type`, and a request error under `application/graphql-response+json` gets
/// status 400.
pub fn apply_media_type(mut response: Response, media_type: MediaType) -> Response {
    let is_json = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|value| value.starts_with("application/json") || value.starts_with(GRAPHQL_RESPONSE_JSON));
    if is_json {
        response.headers_mut().insert(header::CONTENT_TYPE, media_type.content_type());
    }
    if media_type == MediaType::GraphQLResponseJson
        && response.status() == StatusCode::OK
        && response.extensions().get::<RequestError>().is_some()
    {
        *response.status_mut() = StatusCode::BAD_REQUEST;
    }
    response
}

/// Builds a JSON response with one error, the request id in its extensions, and
/// `application/json; charset=utf-8`.
pub fn error_response(
    status: StatusCode,
    request_id: &RequestId,
    code: &str,
    message: &str,
    extra: Option<Map<String, Value>>,
) -> Response {
    let mut extensions = extra.unwrap_or_default();
    extensions.insert("code".to_owned(), Value::from(code));
    extensions.insert("requestId".to_owned(), Value::from(request_id.as_str()));
    let body = serde_json::json!({ "errors": [{ "message": message, "extensions": extensions }] });
    let mut response = (status, axum::Json(body)).into_response();
    response.headers_mut().insert(header::CONTENT_TYPE, MediaType::Json.content_type());
    response
}

/// Builds the 413 response for a body larger than `MAX_BODY_BYTES`.
pub fn body_too_large(request_id: &RequestId, max_body_bytes: usize) -> Response {
    let mut extra = Map::new();
    extra.insert("limit".to_owned(), Value::from("MAX_BODY_BYTES"));
    extra.insert("max".to_owned(), Value::from(max_body_bytes));
    let message = format!(
        "The request body is larger than the maximum of {max_body_bytes} bytes set by MAX_BODY_BYTES; send less data per request, for example a bulk import in several parts."
    );
    error_response(StatusCode::PAYLOAD_TOO_LARGE, request_id, "PAYLOAD_TOO_LARGE", &message, Some(extra))
}

/// Middleware that rejects a body whose `Content-Length` exceeds `MAX_BODY_BYTES` with 413
/// before reading any of it. Bodies without a length are cut off by the handler's limited
/// read instead (axum's `DefaultBodyLimit`), which also ends in [`body_too_large`].
pub async fn reject_oversized_body(State(max_body_bytes): State<usize>, request: Request, next: Next) -> Response {
    let declared = request
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.trim().parse::<u64>().ok());
    if declared.is_some_and(|length| length > max_body_bytes as u64) {
        let request_id = request.extensions().get::<RequestId>().cloned().unwrap_or_else(RequestId::generate);
        return body_too_large(&request_id, max_body_bytes);
    }
    next.run(request).await
}

/// Rejects a request to `/graphql` with a method other than GET and POST: 405 with
/// `Allow: GET, POST`.
pub async fn method_not_allowed(request_id: RequestId) -> Response {
    let mut response = error_response(
        StatusCode::METHOD_NOT_ALLOWED,
        &request_id,
        "METHOD_NOT_ALLOWED",
        "This endpoint accepts GET and POST only; send queries as a POST with a JSON body, or as a GET with URL parameters.",
        None,
    );
    response.headers_mut().insert(header::ALLOW, HeaderValue::from_static("GET, POST"));
    response
}

#[cfg(test)]
#[allow(clippy::expect_used, clippy::unwrap_used, reason = "a failed expectation is a failed test")]
mod tests {
    use super::*;

    fn accept(value: &str) -> Option<MediaType> {
        let mut headers = HeaderMap::new();
        headers.insert(header::ACCEPT, HeaderValue::from_str(value).expect("a valid header"));
        negotiate(&headers)
    }

    #[test]
    fn negotiation_prefers_the_graphql_response_type() {
        assert_eq!(negotiate(&HeaderMap::new()), Some(MediaType::Json));
        assert_eq!(accept("*/*"), Some(MediaType::Json));
        assert_eq!(accept("application/json"), Some(MediaType::Json));
        assert_eq!(accept("application/graphql-response+json"), Some(MediaType::GraphQLResponseJson));
        assert_eq!(accept("application/json, application/graphql-response+json"), Some(MediaType::GraphQLResponseJson));
        assert_eq!(accept("application/graphql-response+json;q=0.5, application/json"), Some(MediaType::Json));
        assert_eq!(accept("Application/JSON; charset=utf-8"), Some(MediaType::Json));
        assert_eq!(accept("text/html, */*;q=0.8"), Some(MediaType::Json));
        assert_eq!(accept("text/plain"), None);
        assert_eq!(accept("application/json;q=0"), None);
    }

    #[test]
    fn content_type_must_be_json_in_utf8() {
        let check = |value: &str| {
            let mut headers = HeaderMap::new();
            headers.insert(header::CONTENT_TYPE, HeaderValue::from_str(value).expect("a valid header"));
            check_content_type(&headers).map_err(|rejection| rejection.status)
        };
        assert_eq!(check("application/json"), Ok(()));
        assert_eq!(check("application/json; charset=UTF-8"), Ok(()));
        assert_eq!(check("application/json;charset=\"utf-8\""), Ok(()));
        assert_eq!(check("application/json; charset=latin1"), Err(StatusCode::UNSUPPORTED_MEDIA_TYPE));
        assert_eq!(check("text/plain;charset=UTF-8"), Err(StatusCode::UNSUPPORTED_MEDIA_TYPE));
        assert_eq!(
            check_content_type(&HeaderMap::new()).map_err(|rejection| rejection.status),
            Err(StatusCode::UNSUPPORTED_MEDIA_TYPE)
        );
    }

    #[test]
    fn body_parameters_are_type_checked() {
        let parse = |body: &str| {
            parse_body(body.as_bytes()).map(|request| request.query).map_err(|rejection| rejection.message)
        };
        assert_eq!(
            parse(r#"{"query":"{ a }","variables":null,"operationName":null,"extensions":null}"#),
            Ok("{ a }".to_owned())
        );
        assert_eq!(
            parse(r#"{"query":"{ a }","variables":{"x":1},"extensions":{"some":"value"}}"#),
            Ok("{ a }".to_owned())
        );
        let cases = [
            ("", "empty"),
            ("{\"query\": ", "not valid JSON"),
            ("[{\"query\":\"{ a }\"}]", "one operation per request"),
            ("\"text\"", "a JSON string, not an object"),
            (r#"{"notquery":"{ a }"}"#, "no `query`"),
            (r#"{"query":1}"#, "`query` parameter is a JSON number"),
            (r#"{"query":"{ a }","variables":"x"}"#, "`variables` parameter is a JSON string"),
            (r#"{"query":"{ a }","variables":[1]}"#, "`variables` parameter is a JSON array"),
            (r#"{"query":"{ a }","operationName":false}"#, "`operationName` parameter is a JSON boolean"),
            (r#"{"query":"{ a }","extensions":0}"#, "`extensions` parameter is a JSON number"),
        ];
        for (body, expected) in cases {
            let message = parse(body).expect_err(body);
            assert!(message.contains(expected), "{body}: {message}");
        }
        let invalid = parse_body(b"{\"query\":\"\xff\"}").expect_err("invalid UTF-8");
        assert!(invalid.message.contains("UTF-8"), "{}", invalid.message);
    }

    #[test]
    fn query_string_parameters_are_decoded() {
        let uri: Uri = "/graphql?query=%7B%20a%20%7D&operationName=Q&variables=%7B%22x%22%3A1%7D".parse().unwrap();
        let request = parse_query_string(&uri).expect("a valid GET request");
        assert_eq!(request.query, "{ a }");
        assert_eq!(request.operation_name.as_deref(), Some("Q"));
        let bad: Uri = "/graphql?query=%7B%20a%20%7D&variables=%5B1%5D".parse().unwrap();
        assert!(parse_query_string(&bad).expect_err("variables must be an object").message.contains("array"));
        let missing: Uri = "/graphql?operationName=Q".parse().unwrap();
        assert_eq!(parse_query_string(&missing).expect_err("query is required").status, StatusCode::BAD_REQUEST);
    }
}
