//! Log setup: `RUST_LOG` filters (default `info`), `LOG_FORMAT=json` switches to JSON lines.

use tracing_subscriber::EnvFilter;

/// Installs the global subscriber; a second call (as in tests) is a no-op. An invalid
/// `RUST_LOG` or `LOG_FORMAT` is an error that names the variable.
pub fn init() -> anyhow::Result<()> {
    let filter = match crate::config::non_empty_var("RUST_LOG") {
        None => EnvFilter::new("info"),
        Some(directives) => EnvFilter::try_new(&directives).map_err(|error| {
            anyhow::anyhow!("RUST_LOG is not a valid log filter ({error}), got {directives:?}; use a level such as info or targets such as api=debug")
        })?,
    };
    let json = match crate::config::non_empty_var("LOG_FORMAT").map(|format| format.to_ascii_lowercase()) {
        None => false,
        Some(format) if format == "json" => true,
        Some(format) if format == "text" => false,
        Some(format) => anyhow::bail!("LOG_FORMAT must be json or text, got {format:?}"),
    };
    // Colour codes only for a terminal, so that log files stay plain text.
    let ansi = std::io::IsTerminal::is_terminal(&std::io::stderr());
    let builder = tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr).with_ansi(ansi);
    let _ = if json { builder.json().try_init() } else { builder.try_init() };
    Ok(())
}

/// Middleware that runs each HTTP request in a `request` span and logs one line when it
/// ends. The span carries `request_id`, `method` and `path` (never the query string, which
/// can hold variables), and the GraphQL pipeline records `operation`, `operation_type` and
/// `caller` on it. The final line adds `status` and `duration_ms`. Every log line written
/// while the request runs, errors included, carries the span's fields. Headers and bodies
/// are never logged, so credentials and variables stay out of the logs.
pub async fn request_span(
    axum::extract::State(metrics): axum::extract::State<crate::metrics::Metrics>,
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    use tracing::Instrument as _;
    use tracing::field::Empty;

    let request_id = request.extensions().get::<crate::request_id::RequestId>().cloned();
    let span = tracing::info_span!(
        crate::ops::panic::REQUEST_SPAN,
        request_id = request_id.as_ref().map(crate::request_id::RequestId::as_str),
        method = %request.method(),
        path = request.uri().path(),
        operation = Empty,
        operation_type = Empty,
        caller = Empty,
        status = Empty,
        duration_ms = Empty,
    );
    let started = std::time::Instant::now();
    let response = next.run(request).instrument(span.clone()).await;
    let status = response.status();
    span.record("status", status.as_u16());
    span.record("duration_ms", started.elapsed().as_millis() as u64);
    span.in_scope(|| tracing::info!("request finished"));
    metrics.http_response(status);
    response
}

/// Records the caller kind of the current request on its span: `anonymous`, `api_token`,
/// `access_token` (a member signed in at the identity provider) or `unregistered` (a valid
/// access token that matches no active member).
pub fn record_caller(viewer: &crate::auth::Viewer) {
    let kind = match (&viewer.credential, &viewer.member) {
        (crate::auth::Credential::Anonymous, _) => "anonymous",
        (crate::auth::Credential::ApiToken { .. }, _) => "api_token",
        (crate::auth::Credential::AccessToken { .. }, Some(_)) => "access_token",
        (crate::auth::Credential::AccessToken { .. }, None) => "unregistered",
    };
    tracing::Span::current().record("caller", kind);
}

/// Records on the current request's span that its credential was rejected, as caller
/// `invalid_credential`.
pub fn record_rejected_credential() {
    tracing::Span::current().record("caller", "invalid_credential");
}
