//! Turns a panic inside one request into one `INTERNAL` error response, so that the
//! server keeps serving the other requests.

use std::any::Any;
use std::cell::RefCell;
use std::panic::AssertUnwindSafe;

use async_graphql::futures_util::FutureExt as _;
use axum::extract::Request;
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::{IntoResponse as _, Response};

use crate::request_id::RequestId;

/// Middleware that catches a panic in any route below it. GraphQL requests have their own
/// guard around execution; this one covers everything else.
pub async fn catch_panics(request: Request, next: Next) -> Response {
    let request_id = request.extensions().get::<RequestId>().cloned().unwrap_or_else(RequestId::generate);
    match AssertUnwindSafe(next.run(request)).catch_unwind().await {
        Ok(response) => response,
        Err(payload) => panic_response(&request_id, payload.as_ref()),
    }
}

thread_local! {
    /// Source location of the last panic inside a request on this thread, stored by the
    /// hook that [`install_hook`] sets and read by [`panic_response`]. A request's panic is
    /// caught in the same poll, on the same thread, that raised it.
    static REQUEST_PANIC_LOCATION: RefCell<Option<String>> = const { RefCell::new(None) };
}

/// Replaces the default panic output (plain text on standard error) with log events, so
/// that JSON logs stay JSON. A panic inside a request's span is left to [`panic_response`],
/// which logs it once with the request id. Any other panic is logged here at error level.
pub fn install_hook() {
    std::panic::set_hook(Box::new(|info| {
        let location = info.location().map(ToString::to_string);
        let in_request = tracing::Span::current().metadata().is_some_and(|span| span.name() == REQUEST_SPAN);
        if in_request {
            REQUEST_PANIC_LOCATION.with(|cell| *cell.borrow_mut() = location);
        } else {
            let message = payload_text(info.payload());
            tracing::error!(panic = %message, location = location.as_deref().unwrap_or("unknown"), "a thread panicked");
        }
    }));
}

/// The name of the span that `crate::telemetry::request_span` opens for each request.
pub const REQUEST_SPAN: &str = "request";

fn payload_text(payload: &(dyn Any + Send)) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|message| (*message).to_owned())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "a panic without a message".to_owned())
}

/// Logs a request's panic once at error level and builds its HTTP 500 response: a JSON
/// body with one error of code `INTERNAL` and the request id.
pub fn panic_response(request_id: &RequestId, payload: &(dyn Any + Send)) -> Response {
    let message = payload_text(payload);
    let location = REQUEST_PANIC_LOCATION.with(|cell| cell.borrow_mut().take());
    tracing::error!(
        request_id = %request_id,
        panic = %message,
        location = location.as_deref().unwrap_or("unknown"),
        "the request panicked; it failed with INTERNAL"
    );
    let body = serde_json::json!({ "errors": [{
        "message": "An internal error occurred; the server log has the details.",
        "extensions": { "code": "INTERNAL", "requestId": request_id.as_str() },
    }] });
    let mut response = (StatusCode::INTERNAL_SERVER_ERROR, axum::Json(body)).into_response();
    response.extensions_mut().insert(super::outcome::Outcome::failed("INTERNAL"));
    response
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, reason = "a failed unwrap is a failed test")]
mod tests {
    use super::*;
    use axum::Router;
    use axum::routing::get;

    #[allow(clippy::panic, reason = "the handler panics on purpose")]
    async fn panicking() -> &'static str {
        panic!("handler failure")
    }

    #[tokio::test]
    async fn route_panic_becomes_internal_json() {
        let router = Router::new()
            .route("/boom", get(panicking))
            .route("/fine", get(|| async { "ok" }))
            .layer(axum::middleware::from_fn(catch_panics))
            .layer(axum::middleware::from_fn(crate::request_id::assign));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind a loopback port");
        let address = listener.local_addr().expect("read the bound address");
        let server = tokio::spawn(async move { axum::serve(listener, router).await });

        let client = reqwest::Client::new();
        let response = client.get(format!("http://{address}/boom")).send().await.expect("send the request");
        assert_eq!(response.status(), 500);
        let request_id = response.headers()["x-request-id"].to_str().expect("text header").to_owned();
        let body: serde_json::Value = response.json().await.expect("a JSON body");
        assert_eq!(body["errors"][0]["extensions"]["code"], "INTERNAL");
        assert_eq!(body["errors"][0]["extensions"]["requestId"], request_id.as_str());

        let response = client.get(format!("http://{address}/fine")).send().await.expect("send the request");
        assert_eq!(response.status(), 200, "the server keeps serving after a panic");
        server.abort();
    }
}
