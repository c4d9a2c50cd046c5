//! The HTTP application: routes, per-request GraphQL context, and serving.

use async_graphql::http::GraphiQLSource;
use axum::Router;
use axum::extract::{ConnectInfo, FromRequestParts, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use std::collections::HashMap;
use std::convert::Infallible;
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use sea_orm::DatabaseConnection;
use tokio::net::TcpListener;

use crate::auth::Authenticator;
use crate::config::{Config, TrainingConfig};
use crate::db::{self, StatementCounter};
use crate::error::ApiError;
use crate::graphql::ApiSchema;
use crate::http_protocol;
use crate::loaders::RequestLoaders;
use crate::locale::RequestLocale;
use crate::rate_limit::RateLimiter;
use crate::request_id::{self, RequestId};

/// Shared state of the HTTP handlers.
#[derive(Clone)]
pub struct AppState {
    schema: ApiSchema,
    db: DatabaseConnection,
    request_timeout: Duration,
    auth: Arc<Authenticator>,
    training: TrainingConfig,
    /// Whether responses carry the `X-SQL-Statements` header (`SQL_STATEMENT_HEADER`).
    sql_statement_header: bool,
    /// Each enum's values, named in errors about a misspelt value.
    enum_values: Arc<HashMap<String, Vec<String>>>,
    /// The Prometheus metrics that `/metrics` serves.
    metrics: crate::metrics::Metrics,
    /// Whether the debug-build fault injection is on (`FAULT_INJECTION`).
    fault_injection: bool,
    /// The per-client budgets of query cost (`RATE_LIMIT_*`).
    rate_limiter: RateLimiter,
    /// Limits on what one request may cost (`MAX_QUERY_DEPTH`, `MAX_BODY_BYTES`, …).
    limits: crate::limits::LimitsConfig,
}

/// The IP address of the peer that opened the request's TCP connection, put in every
/// GraphQL request's data. It is `None` when the router runs without connect info, that
/// is, when it was not served through `into_make_service_with_connect_info::<SocketAddr>()`.
///
/// `X-Forwarded-For` and similar headers are deliberately not read, because any client can
/// send them. Behind a reverse proxy this is therefore the proxy's address, shared by every
/// client that comes through it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ClientAddress(pub Option<IpAddr>);

impl<S: Send + Sync> FromRequestParts<S> for ClientAddress {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        let peer = parts.extensions.get::<ConnectInfo<SocketAddr>>().map(|ConnectInfo(address)| address.ip());
        Ok(ClientAddress(peer))
    }
}

/// A built application: its router, database and statement counter.
pub struct App {
    /// The HTTP routes.
    pub router: Router,
    /// The database connection pool.
    pub db: DatabaseConnection,
    /// Statements sent since start-up.
    pub statements: StatementCounter,
    /// Whether shutdown has begun, which `/ready` reports.
    pub lifecycle: crate::ops::shutdown::Lifecycle,
}

/// Connects, migrates, imports the seed data into an empty database (unless switched
/// off), and builds the routes.
pub async fn build(config: &Config) -> anyhow::Result<App> {
    let (db, statements) = prepare_database(config).await?;
    let auth = Authenticator::new(config.oauth.clone())?;
    match &config.oauth {
        Some(oauth) => tracing::info!(
            issuer = %oauth.issuer,
            audience = %oauth.audience,
            introspection = oauth.introspection_client.is_some(),
            "accepting access tokens from the identity provider"
        ),
        None => tracing::info!("no identity provider configured (OAUTH_ISSUER); accepting API tokens only"),
    }
    let lifecycle = crate::ops::shutdown::Lifecycle::default();
    let metrics = crate::metrics::Metrics::new(db.clone(), statements.clone(), config.ops.metrics_token.clone());
    let schema = crate::graphql::build_schema_with(&config.limits);
    let router = router(schema, db.clone(), config, auth, metrics, lifecycle.clone()).await;
    Ok(App { router, db, statements, lifecycle })
}

/// Connects, migrates and imports the seed data into an empty database (unless switched
/// off): the start-up shared by the server and the admin commands.
pub async fn prepare_database(config: &Config) -> anyhow::Result<(DatabaseConnection, StatementCounter)> {
    let acquire_timeout = config.ops.acquire_timeout_for(&config.database_url, config.request_timeout);
    let (db, statements) = db::connect_with(&config.database_url, acquire_timeout).await?;
    // Replicas starting together on one PostgreSQL database take turns, so that only the
    // first one migrates and imports the seed data.
    let start_up = db::StartUpLock::acquire(&db).await?;
    db::migrate(&db).await?;
    if config.import_seed {
        let report = crate::import::import_seed_if_empty(&db).await?;
        if let Some(report) = report {
            tracing::info!(created = report.created, "imported the seed data set into an empty database");
        }
    }
    start_up.release().await?;
    Ok((db, statements))
}

/// Builds the routes over a schema and database, with the operational routes (`/ready`,
/// `/metrics`) and the layers every request passes: request id, log span and metrics,
/// security headers, panic guard and CORS, from the outside in.
pub async fn router(
    schema: ApiSchema,
    db: DatabaseConnection,
    config: &Config,
    auth: Authenticator,
    metrics: crate::metrics::Metrics,
    lifecycle: crate::ops::shutdown::Lifecycle,
) -> Router {
    let enum_values = Arc::new(enum_values(&schema).await);
    let readiness = crate::ops::ready::Readiness::new(db.clone(), lifecycle);
    let routes = Router::new()
        .route("/graphql", get(graphql_get).post(graphql_post).fallback(crate::http_protocol::method_not_allowed))
        .route("/health", get(health))
        .route("/ready", get(crate::ops::ready::ready).with_state(readiness))
        .route("/metrics", get(crate::metrics::serve_metrics).with_state(metrics.clone()))
        // A declared length above the limit is rejected at once. A body without one is read
        // up to the limit and then rejected (axum's DefaultBodyLimit). Both get a JSON 413.
        .layer(axum::extract::DefaultBodyLimit::max(config.limits.max_body_bytes))
        .layer(axum::middleware::from_fn_with_state(
            config.limits.max_body_bytes,
            crate::http_protocol::reject_oversized_body,
        ));
    // The CORS layer responds to preflight requests itself, so it sits inside the layers
    // that add security headers and log every request.
    let routes = match crate::ops::headers::cors_layer(&config.ops.cors_allowed_origins) {
        Some(cors) => routes.layer(cors),
        None => routes,
    };
    routes
        .layer(axum::middleware::from_fn(crate::ops::panic::catch_panics))
        .layer(axum::middleware::from_fn(crate::ops::headers::security_headers))
        .layer(axum::middleware::from_fn_with_state(metrics.clone(), crate::telemetry::request_span))
        .layer(axum::middleware::from_fn(request_id::assign))
        .with_state(AppState {
            schema,
            rate_limiter: RateLimiter::new(&config.rate_limit, &db),
            db,
            request_timeout: config.request_timeout,
            auth: Arc::new(auth),
            training: config.training.clone(),
            sql_statement_header: config.sql_statement_header,
            enum_values,
            metrics,
            fault_injection: config.ops.fault_injection,
            limits: config.limits.clone(),
        })
}

/// The default of `MAX_BODY_BYTES`: the largest request body accepted, in bytes. It leaves
/// room for a bulk import's 10 MB of records after JSON escaping.
pub const MAX_BODY_BYTES: usize = 32 * 1024 * 1024;

/// Lists the values of every enum in the schema, read by introspection.
async fn enum_values(schema: &ApiSchema) -> HashMap<String, Vec<String>> {
    let response = schema.execute("{ __schema { types { name enumValues { name } } } }").await;
    let data = response.data.into_json().unwrap_or_default();
    let mut values = HashMap::new();
    for ty in data["__schema"]["types"].as_array().into_iter().flatten() {
        let (Some(name), Some(items)) = (ty["name"].as_str(), ty["enumValues"].as_array()) else { continue };
        values.insert(
            name.to_owned(),
            items.iter().filter_map(|item| item["name"].as_str().map(str::to_owned)).collect(),
        );
    }
    values
}

/// Serves the application until the process receives Ctrl-C or SIGTERM, recording each
/// connection's peer address for [`ClientAddress`]. On the signal `/ready` turns 503, new
/// connections are refused, and in-flight requests get up to `grace` to finish. Then the
/// database pool is closed.
pub async fn serve(listener: TcpListener, app: App, grace: Duration) -> anyhow::Result<()> {
    crate::ops::shutdown::serve(listener, app.router, app.lifecycle, grace, shutdown_signal()).await?;
    app.db.close().await.ok();
    Ok(())
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(err) => {
                tracing::warn!(error = %err, "could not listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
}

/// Gives errors raised by the GraphQL executor itself (syntax, unknown fields, wrong
/// argument types) a machine code too: `GRAPHQL_VALIDATION_FAILED` before execution, and
/// `BAD_USER_INPUT` for a value rejected while resolving a field.
fn add_missing_code(error: &mut async_graphql::ServerError, enum_values: &HashMap<String, Vec<String>>) {
    if error.extensions.as_ref().is_some_and(|extensions| extensions.get("code").is_some()) {
        return;
    }
    // MAX_QUERY_DEPTH and MAX_QUERY_COMPLEXITY errors come coded from `limits::CostLimits`.
    // The executor's own check of selection sets and fragment spreads nested more than 32
    // levels (async-graphql's default recursion depth) is reported as a limit too.
    let code = if error.message.starts_with("The recursion depth of the query cannot be greater than") {
        error.message = "Selections, inline fragments and fragment spreads nest more than 32 levels deep; select fewer nested levels or flatten the fragments.".to_owned();
        "QUERY_TOO_COMPLEX"
    } else if error.path.is_empty() {
        "GRAPHQL_VALIDATION_FAILED"
    } else {
        "BAD_USER_INPUT"
    };
    if let Some(readable) = syntax_error_message(error) {
        error.message = readable;
    }
    if let Some(hint) = enum_hint(&error.message, enum_values) {
        error.message = format!("{} {hint}", error.message);
    }
    if error.message.contains("expected type \"Date") && !error.message.contains("YYYY-MM-DD") {
        error.message = format!("{}; write dates as YYYY-MM-DD, such as 2025-01-31.", error.message);
    }
    error.extensions.get_or_insert_with(Default::default).set("code", code);
}

/// Rewrites the parser's multi-line report of a syntax error into one sentence.
fn syntax_error_message(error: &async_graphql::ServerError) -> Option<String> {
    if !error.message.trim_start().starts_with("-->") {
        return None;
    }
    let expected = error.message.rsplit("= ").next().unwrap_or_default().trim();
    let position =
        error.locations.first().map(|at| format!(" at line {}, column {}", at.line, at.column)).unwrap_or_default();
    Some(format!("The query has a syntax error{position}: {expected}; check the brackets and quotes there."))
}

/// Names the valid values after an error about a misspelt enum value.
fn enum_hint(message: &str, enum_values: &HashMap<String, Vec<String>>) -> Option<String> {
    let rest = message.split("enumeration type \"").nth(1)?;
    let name = rest.split('"').next()?;
    let values = enum_values.get(name)?;
    Some(format!("Valid values of {name}: {}.", values.join(", ")))
}

async fn health() -> &'static str {
    "ok"
}

/// Serves GraphiQL to browsers and GraphQL queries over GET to everything else.
async fn graphql_get(
    State(state): State<AppState>,
    request_id: RequestId,
    client: ClientAddress,
    headers: HeaderMap,
    uri: axum::http::Uri,
) -> Response {
    let wants_html = headers
        .get(header::ACCEPT)
        .and_then(|accept| accept.to_str().ok())
        .is_some_and(|accept| accept.contains("text/html"));
    if wants_html {
        return Html(GraphiQLSource::build().endpoint("/graphql").finish()).into_response();
    }
    let Some(media_type) = http_protocol::negotiate(&headers) else {
        return http_protocol::not_acceptable(&headers).into_response(&request_id);
    };
    let request = match http_protocol::parse_query_string(&uri) {
        Ok(request) => prepare_request(&state, &request_id, request),
        Err(rejection) => Err(Box::new(rejection.into_response(&request_id))),
    };
    let mut request = match request {
        Ok(request) => request,
        Err(response) => return http_protocol::apply_media_type(*response, media_type),
    };
    if crate::ops::operation_of(&mut request).1 == "mutation" {
        let mut response = error_response(
            StatusCode::METHOD_NOT_ALLOWED,
            &request_id,
            "METHOD_NOT_ALLOWED",
            "Mutations are accepted only over POST; send the request as a POST with a JSON body.",
        );
        response.headers_mut().insert(header::ALLOW, HeaderValue::from_static("POST"));
        return http_protocol::apply_media_type(response, media_type);
    }
    let response = execute(&state, &request_id, &headers, client, request).await;
    http_protocol::apply_media_type(response, media_type)
}

/// Runs a GraphQL request sent as a JSON body.
async fn graphql_post(
    State(state): State<AppState>,
    request_id: RequestId,
    client: ClientAddress,
    headers: HeaderMap,
    body: Result<axum::body::Bytes, axum::extract::rejection::BytesRejection>,
) -> Response {
    let Some(media_type) = http_protocol::negotiate(&headers) else {
        return http_protocol::not_acceptable(&headers).into_response(&request_id);
    };
    let request = read_post_request(&state, &request_id, &headers, body);
    let response = match request {
        Ok(request) => execute(&state, &request_id, &headers, client, request).await,
        Err(response) => *response,
    };
    http_protocol::apply_media_type(response, media_type)
}

/// Reads and checks a POST request: its media type, body size and JSON shape, then the
/// limits on its document.
fn read_post_request(
    state: &AppState,
    request_id: &RequestId,
    headers: &HeaderMap,
    body: Result<axum::body::Bytes, axum::extract::rejection::BytesRejection>,
) -> Result<async_graphql::Request, Box<Response>> {
    use axum::extract::rejection::{BytesRejection, FailedToBufferBody};

    http_protocol::check_content_type(headers).map_err(|rejection| Box::new(rejection.into_response(request_id)))?;
    let body = match body {
        Ok(body) => body,
        Err(BytesRejection::FailedToBufferBody(FailedToBufferBody::LengthLimitError(_))) => {
            return Err(Box::new(http_protocol::body_too_large(request_id, state.limits.max_body_bytes)));
        }
        Err(rejection) => {
            let message = format!("The request body could not be read ({rejection}); send it again.");
            return Err(Box::new(error_response(StatusCode::BAD_REQUEST, request_id, "BAD_REQUEST", &message)));
        }
    };
    let request =
        http_protocol::parse_body(&body).map_err(|rejection| Box::new(rejection.into_response(request_id)))?;
    prepare_request(state, request_id, request)
}

/// Checks a request's document against the limits, before anything else parses it, and
/// gives it the request's page-size limit and introspection setting.
fn prepare_request(
    state: &AppState,
    request_id: &RequestId,
    mut request: async_graphql::Request,
) -> Result<async_graphql::Request, Box<Response>> {
    if let Err(rejection) = crate::limits::check_document(&mut request, &state.limits) {
        tracing::info!(limit = rejection.limit, actual = rejection.actual, "rejected a request before execution");
        return Err(Box::new(http_protocol::document_rejected(request_id, rejection)));
    }
    if let Err(rejection) = crate::input_text::check_request(&request) {
        return Err(Box::new(http_protocol::document_rejected(request_id, rejection)));
    }
    if let Err(rejection) = crate::variables::check_required(&mut request) {
        return Err(Box::new(http_protocol::document_rejected(request_id, rejection)));
    }
    if !state.limits.introspection {
        request = request.disable_introspection();
    }
    Ok(request.data(crate::limits::MaxPageSize(state.limits.max_page_size)))
}

/// Builds a JSON response with one error, for a request refused before execution.
fn error_response(status: StatusCode, request_id: &RequestId, code: &str, message: &str) -> Response {
    http_protocol::error_response(status, request_id, code, message, None)
}

/// The header that requests the draft preview: `Preview: drafts`.
const PREVIEW_HEADER: &str = "preview";

/// Builds the JSON response for a request rejected before execution.
fn rejected(request_id: &RequestId, error: &ApiError) -> Response {
    use async_graphql::ErrorExtensions as _;
    let status = match error {
        ApiError::Unauthenticated(_) => StatusCode::UNAUTHORIZED,
        ApiError::Forbidden(_) => StatusCode::FORBIDDEN,
        ApiError::BadInput { .. } => StatusCode::BAD_REQUEST,
        ApiError::ServiceUnavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
        ApiError::RateLimited { .. } => StatusCode::TOO_MANY_REQUESTS,
        // Such as authentication's database lookups while the database is unreachable.
        _ if error.code() == crate::error::ErrorCode::ServiceUnavailable => StatusCode::SERVICE_UNAVAILABLE,
        _ => StatusCode::INTERNAL_SERVER_ERROR,
    };
    let outcome = crate::ops::outcome::Outcome::failed(error.code().as_str());
    let mut error = error.extend();
    error.extensions.get_or_insert_with(Default::default).set("requestId", request_id.as_str());
    let body = serde_json::json!({ "errors": [{ "message": error.message, "extensions": error.extensions }] });
    let mut response = (status, axum::Json(body)).into_response();
    if status == StatusCode::UNAUTHORIZED {
        response
            .headers_mut()
            .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer error=\"invalid_token\""));
    }
    if status == StatusCode::SERVICE_UNAVAILABLE {
        let retry_after = HeaderValue::from(crate::ops::outcome::RETRY_AFTER_SECONDS);
        response.headers_mut().insert(header::RETRY_AFTER, retry_after);
    }
    response.extensions_mut().insert(outcome);
    response
}

/// Builds the response for a request whose credential was rejected, after charging
/// `RATE_LIMIT_FAILED_AUTH_COST` to its address: HTTP 401 while the address has budget
/// left, HTTP 429 once it has spent it, so guessing tokens is throttled.
async fn failed_authentication(
    state: &AppState,
    request_id: &RequestId,
    client: ClientAddress,
    error: &ApiError,
) -> Response {
    if !matches!(error, ApiError::Unauthenticated(_)) {
        return rejected(request_id, error);
    }
    crate::telemetry::record_rejected_credential();
    match state.rate_limiter.charge_failed_authentication(client).await {
        Ok(None) => rejected(request_id, error),
        Ok(Some(charge)) if charge.admitted => {
            let mut response = rejected(request_id, error);
            charge.apply(&mut response);
            response
        }
        Ok(Some(charge)) => {
            state.metrics.rate_limited("failed_authentication");
            let mut response = rejected(request_id, &charge.error(true));
            charge.apply(&mut response);
            response
        }
        Err(unavailable) => rejected(request_id, &unavailable),
    }
}

/// The response header that carries a request's SQL statement count when
/// `SQL_STATEMENT_HEADER` is on.
const SQL_STATEMENTS_HEADER: &str = "x-sql-statements";

/// Runs one GraphQL request, counting the SQL statements it sends (authentication and
/// every batch load included), and returns the count in `X-SQL-Statements` when the
/// setting is on.
async fn execute(
    state: &AppState,
    request_id: &RequestId,
    headers: &HeaderMap,
    client: ClientAddress,
    mut request: async_graphql::Request,
) -> Response {
    use async_graphql::futures_util::FutureExt as _;

    let started = std::time::Instant::now();
    let (operation_name, operation_type) = crate::ops::operation_of(&mut request);
    crate::ops::record_operation(operation_name.as_deref(), operation_type);
    let is_mutation = operation_type == "mutation";
    let guarded = async {
        crate::ops::fault::inject(state.fault_injection, headers).await;
        execute_request(state, request_id, headers, client, request, is_mutation).await
    };
    // A panic fails this request alone, with INTERNAL, and the server keeps serving.
    let (result, statements) = db::count_statements(std::panic::AssertUnwindSafe(guarded).catch_unwind()).await;
    let mut response = result.unwrap_or_else(|panic| crate::ops::panic::panic_response(request_id, panic.as_ref()));
    if state.sql_statement_header {
        response.headers_mut().insert(SQL_STATEMENTS_HEADER, HeaderValue::from(statements));
    }
    let outcome = response.extensions().get::<crate::ops::outcome::Outcome>().cloned();
    let outcome = outcome.unwrap_or_else(|| crate::ops::outcome::from_status(response.status()));
    state.metrics.graphql_request(operation_name.as_deref(), operation_type, outcome.label(), started.elapsed());
    response
}

/// Runs one GraphQL request as its caller, with its own loaders and negotiated locale.
async fn execute_request(
    state: &AppState,
    request_id: &RequestId,
    headers: &HeaderMap,
    client: ClientAddress,
    request: async_graphql::Request,
    is_mutation: bool,
) -> Response {
    if request.query.trim().is_empty() {
        return error_response(
            StatusCode::BAD_REQUEST,
            request_id,
            "BAD_REQUEST",
            "The request has no `query`; send the GraphQL document in the `query` field.",
        );
    }
    let authorization = match headers.get(header::AUTHORIZATION).map(|value| value.to_str()) {
        None => None,
        Some(Ok(value)) => Some(value),
        Some(Err(_)) => {
            let error =
                ApiError::Unauthenticated("Authentication failed: the Authorization header is not valid text.".into());
            return failed_authentication(state, request_id, client, &error).await;
        }
    };
    let viewer = match state.auth.authenticate(&state.db, authorization).await {
        Ok(viewer) => viewer,
        Err(error) => {
            // The reason never contains the credential itself.
            tracing::info!(reason = %error.describe(), "rejected the request's credential");
            return failed_authentication(state, request_id, client, &error).await;
        }
    };
    // The rate-limit extension charges the validated cost through this ticket.
    let rate_limit = state.rate_limiter.ticket(&viewer, client);
    let request = match &rate_limit {
        Some(ticket) => request.data(Arc::clone(ticket)),
        None => request,
    };
    let preview = match headers.get(PREVIEW_HEADER).map(|value| value.to_str().map(str::trim)) {
        None => false,
        Some(Ok("drafts")) => true,
        Some(_) => {
            return rejected(
                request_id,
                &ApiError::bad_input(
                    "Preview",
                    "The Preview header accepts one value, `drafts`; send `Preview: drafts` or leave the header out.",
                ),
            );
        }
    };
    // An editor's mutation returns the changed record as its editors see it, nested drafts
    // included, so payloads show what was just written.
    let preview = preview || (viewer.is_editor() && is_mutation);
    let audience = match viewer.audience(preview) {
        Ok(audience) => audience,
        Err(error) => return rejected(request_id, &error),
    };
    let accept_language = headers.get(header::ACCEPT_LANGUAGE).and_then(|value| value.to_str().ok());
    let locale = RequestLocale::from_accept_language(accept_language);
    crate::telemetry::record_caller(&viewer);
    let (loaders, driver) = RequestLoaders::new(state.db.clone(), audience.clone());
    let request = request.data(state.db.clone()).data(loaders).data(locale).data(viewer).data(audience);
    let mut request = request.data(state.training.clone()).data(client).data(request_id.clone());
    // Kept to put the response's fields back in query order after parallel execution.
    let document = request.parsed_query().ok().cloned();
    let operation_name = request.operation_name.clone();
    let mut response =
        match tokio::time::timeout(state.request_timeout, driver.run(state.schema.execute(request))).await {
            Ok(response) => response,
            Err(_) => {
                tracing::warn!(timeout_seconds = state.request_timeout.as_secs(), "request timed out");
                let message = format!(
                    "The request did not finish within {} seconds; request smaller pages or fewer nested fields.",
                    state.request_timeout.as_secs()
                );
                let error = async_graphql::ServerError::new(message, None);
                let mut response = async_graphql::Response::from_errors(vec![error]);
                if let Some(error) = response.errors.first_mut() {
                    error.extensions.get_or_insert_with(Default::default).set("code", "TIMEOUT");
                }
                response
            }
        };
    if let Some(document) = &document {
        crate::graphql::field_order::order_fields(&mut response.data, document, operation_name.as_deref());
    }
    for error in &mut response.errors {
        add_missing_code(error, &state.enum_values);
        error.extensions.get_or_insert_with(Default::default).set("requestId", request_id.as_str());
    }
    let outcome = crate::ops::outcome::Outcome::of(&response);
    let mut response = http_protocol::graphql_response(response);
    // HTTP 503 with Retry-After when the request failed only because the database is down.
    outcome.apply(&mut response);
    response.headers_mut().insert(header::CONTENT_LANGUAGE, HeaderValue::from_static(locale.locale.code()));
    // Responses depend on the caller and the preview, so shared caches must key on them too.
    response.headers_mut().insert(header::VARY, HeaderValue::from_static("Accept-Language, Authorization, Preview"));
    if let Some(ticket) = &rate_limit
        && ticket.finish(&mut response).await
    {
        state.metrics.rate_limited("query_cost");
    }
    response
}
