//! The HTTP application: routes, per-request GraphQL context, and serving.

use async_graphql::http::GraphiQLSource;
use async_graphql_axum::rejection::GraphQLRejection;
use async_graphql_axum::{GraphQLRequest, GraphQLResponse};
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
use tower_http::LatencyUnit;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::trace::{DefaultMakeSpan, DefaultOnResponse, TraceLayer};
use tracing::Level;

use crate::auth::Authenticator;
use crate::config::{Config, TrainingConfig};
use crate::db::{self, StatementCounter};
use crate::error::ApiError;
use crate::graphql::{ApiSchema, MAX_COMPLEXITY, MAX_DEPTH, build_schema};
use crate::loaders::RequestLoaders;
use crate::locale::RequestLocale;
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
    let router = router(build_schema(), db.clone(), config, auth).await;
    Ok(App { router, db, statements })
}

/// Connects, migrates and imports the seed data into an empty database (unless switched
/// off): the start-up shared by the server and the admin commands.
pub async fn prepare_database(config: &Config) -> anyhow::Result<(DatabaseConnection, StatementCounter)> {
    let (db, statements) = db::connect(&config.database_url).await?;
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

/// Builds the routes over a schema and database.
pub async fn router(schema: ApiSchema, db: DatabaseConnection, config: &Config, auth: Authenticator) -> Router {
    let enum_values = Arc::new(enum_values(&schema).await);
    // One INFO line per request with method, path, status and duration.
    let trace = TraceLayer::new_for_http()
        .make_span_with(DefaultMakeSpan::new().level(Level::INFO))
        .on_request(())
        .on_response(DefaultOnResponse::new().level(Level::INFO).latency_unit(LatencyUnit::Millis));
    Router::new()
        .route("/graphql", get(graphql_get).post(graphql_post))
        .route("/health", get(health))
        .layer(RequestBodyLimitLayer::new(MAX_BODY_BYTES))
        .layer(trace)
        .layer(axum::middleware::from_fn(request_id::assign))
        .with_state(AppState {
            schema,
            db,
            request_timeout: config.request_timeout,
            auth: Arc::new(auth),
            training: config.training.clone(),
            sql_statement_header: config.sql_statement_header,
            enum_values,
        })
}

/// The largest request body accepted, in bytes; larger ones get HTTP 413 before they are
/// read. It leaves room for a bulk import's 10 MB of records after JSON escaping.
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

/// Serves the router until the process receives Ctrl-C or SIGTERM, recording each
/// connection's peer address for [`ClientAddress`].
pub async fn serve(listener: TcpListener, router: Router) -> anyhow::Result<()> {
    axum::serve(listener, router.into_make_service_with_connect_info::<SocketAddr>())
        .with_graceful_shutdown(shutdown_signal())
        .await?;
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
    tracing::info!("shutting down");
}

/// Gives errors raised by the GraphQL executor itself (syntax, unknown fields, wrong
/// argument types) a machine code too: `GRAPHQL_VALIDATION_FAILED` before execution, and
/// `BAD_USER_INPUT` for a value rejected while resolving a field.
fn add_missing_code(error: &mut async_graphql::ServerError, enum_values: &HashMap<String, Vec<String>>) {
    if error.extensions.as_ref().is_some_and(|extensions| extensions.get("code").is_some()) {
        return;
    }
    let code = if error.message.starts_with("Query is too complex")
        || error.message.starts_with("Query is nested too deep")
    {
        error.message = format!(
            "{} The limits are a depth of {MAX_DEPTH} and a complexity of {MAX_COMPLEXITY}, where each field costs 1 and a connection multiplies the cost of its fields by its page size; request smaller pages or fewer nested lists.",
            error.message
        );
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
    parameters: Result<axum::extract::Query<HashMap<String, String>>, axum::extract::rejection::QueryRejection>,
    request: Result<GraphQLRequest, GraphQLRejection>,
) -> Response {
    // async-graphql 7 reads the operation name of a GET request from `operation_name`;
    // the GraphQL-over-HTTP convention, which POST bodies follow, is `operationName`.
    let request = request.map(|request| {
        let mut request = request.into_inner();
        if request.operation_name.is_none()
            && let Ok(axum::extract::Query(parameters)) = &parameters
        {
            request.operation_name = parameters.get("operationName").cloned();
        }
        request
    });
    let wants_html = headers
        .get(header::ACCEPT)
        .and_then(|accept| accept.to_str().ok())
        .is_some_and(|accept| accept.contains("text/html"));
    match request {
        Ok(request) if !wants_html => {
            if is_mutation(&request) {
                let mut response = error_response(
                    StatusCode::METHOD_NOT_ALLOWED,
                    &request_id,
                    "METHOD_NOT_ALLOWED",
                    "Mutations are accepted only over POST; send the request as a POST with a JSON body.",
                );
                response.headers_mut().insert(header::ALLOW, HeaderValue::from_static("POST"));
                return response;
            }
            execute(&state, &request_id, &headers, client, request).await
        }
        _ => Html(GraphiQLSource::build().endpoint("/graphql").finish()).into_response(),
    }
}

async fn graphql_post(
    State(state): State<AppState>,
    request_id: RequestId,
    client: ClientAddress,
    headers: HeaderMap,
    request: Result<GraphQLRequest, GraphQLRejection>,
) -> Response {
    match request {
        Ok(request) => execute(&state, &request_id, &headers, client, request.into_inner()).await,
        Err(rejection) => bad_request(&request_id, &rejection),
    }
}

/// Builds the coded JSON 400 response for a body that is not a GraphQL request.
fn bad_request(request_id: &RequestId, rejection: &GraphQLRejection) -> Response {
    let message = format!(
        "The request is not a valid GraphQL request ({}); send a JSON object with a `query` string and optional `variables` and `operationName`.",
        rejection.0
    );
    error_response(StatusCode::BAD_REQUEST, request_id, "BAD_REQUEST", &message)
}

/// Builds a JSON response with one error, for a request refused before execution.
fn error_response(status: StatusCode, request_id: &RequestId, code: &str, message: &str) -> Response {
    let body = serde_json::json!({ "errors": [{
        "message": message,
        "extensions": { "code": code, "requestId": request_id.as_str() },
    }] });
    (status, axum::Json(body)).into_response()
}

/// Checks whether the operation a request selects is a mutation.
fn is_mutation(request: &async_graphql::Request) -> bool {
    let Ok(document) = async_graphql::parser::parse_query(&request.query) else { return false };
    let operation = match (&document.operations, request.operation_name.as_deref()) {
        (async_graphql::parser::types::DocumentOperations::Single(operation), _) => Some(operation),
        (async_graphql::parser::types::DocumentOperations::Multiple(operations), Some(name)) => operations.get(name),
        (async_graphql::parser::types::DocumentOperations::Multiple(operations), None) => {
            operations.values().next().filter(|_| operations.len() == 1)
        }
    };
    operation.is_some_and(|operation| operation.node.ty == async_graphql::parser::types::OperationType::Mutation)
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
        _ => StatusCode::INTERNAL_SERVER_ERROR,
    };
    let mut error = error.extend();
    error.extensions.get_or_insert_with(Default::default).set("requestId", request_id.as_str());
    let body = serde_json::json!({ "errors": [{ "message": error.message, "extensions": error.extensions }] });
    let mut response = (status, axum::Json(body)).into_response();
    if status == StatusCode::UNAUTHORIZED {
        response
            .headers_mut()
            .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer error=\"invalid_token\""));
    }
    response
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
    request: async_graphql::Request,
) -> Response {
    let (mut response, statements) =
        db::count_statements(execute_request(state, request_id, headers, client, request)).await;
    if state.sql_statement_header {
        response.headers_mut().insert(SQL_STATEMENTS_HEADER, HeaderValue::from(statements));
    }
    response
}

/// Runs one GraphQL request as its caller, with its own loaders and negotiated locale.
async fn execute_request(
    state: &AppState,
    request_id: &RequestId,
    headers: &HeaderMap,
    client: ClientAddress,
    request: async_graphql::Request,
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
            return rejected(
                request_id,
                &ApiError::Unauthenticated("Authentication failed: the Authorization header is not valid text.".into()),
            );
        }
    };
    let viewer = match state.auth.authenticate(&state.db, authorization).await {
        Ok(viewer) => viewer,
        Err(error) => {
            // The reason never contains the credential itself.
            tracing::info!(reason = %error.describe(), "rejected the request's credential");
            return rejected(request_id, &error);
        }
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
    let preview = preview || (viewer.is_editor() && is_mutation(&request));
    let audience = match viewer.audience(preview) {
        Ok(audience) => audience,
        Err(error) => return rejected(request_id, &error),
    };
    let accept_language = headers.get(header::ACCEPT_LANGUAGE).and_then(|value| value.to_str().ok());
    let locale = RequestLocale::from_accept_language(accept_language);
    let (loaders, driver) = RequestLoaders::new(state.db.clone(), audience.clone());
    let request = request.data(state.db.clone()).data(loaders).data(locale).data(viewer).data(audience);
    let request = request.data(state.training.clone()).data(client).data(request_id.clone());
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
    for error in &mut response.errors {
        add_missing_code(error, &state.enum_values);
        error.extensions.get_or_insert_with(Default::default).set("requestId", request_id.as_str());
    }
    let response: GraphQLResponse = response.into();
    let mut response = response.into_response();
    response.headers_mut().insert(header::CONTENT_LANGUAGE, HeaderValue::from_static(locale.locale.code()));
    // Responses depend on the caller and the preview, so shared caches must key on them too.
    response.headers_mut().insert(header::VARY, HeaderValue::from_static("Accept-Language, Authorization, Preview"));
    response
}
