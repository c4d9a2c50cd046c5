//! Test harness: starts the real server on a random loopback port over a fresh database,
//! on SQLite or on a throwaway PostgreSQL cluster, and talks GraphQL to it over HTTP.

#![allow(clippy::expect_used, reason = "a setup failure fails the test, with the step named")]

pub mod graphql_http;
pub mod oidc;
pub mod postgres;

use std::net::SocketAddr;
use std::sync::atomic::{AtomicU32, Ordering};

use api::config::Config;
use api::db::StatementCounter;
use sea_orm::DatabaseConnection;
use serde_json::{Value, json};

/// The database a test runs on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    /// A fresh SQLite file in a temporary folder.
    Sqlite,
    /// A fresh database on the harness's PostgreSQL cluster.
    Postgres,
}

/// A running server with its own database.
pub struct TestApp {
    /// Address the server listens on.
    pub address: SocketAddr,
    /// Direct connection to the server's database, for setup and checks.
    pub db: DatabaseConnection,
    /// Counts every SQL statement the server sends.
    pub statements: StatementCounter,
    /// Which database this is.
    pub backend: Backend,
    /// The server's database URL, for a second server on the same database.
    pub database_url: String,
    client: reqwest::Client,
    _dir: Option<tempfile::TempDir>,
    server: tokio::task::JoinHandle<()>,
}

impl Drop for TestApp {
    fn drop(&mut self) {
        self.server.abort();
    }
}

static DATABASE_NUMBER: AtomicU32 = AtomicU32::new(0);

impl TestApp {
    /// Starts a server with the seed data imported; `None` when the backend is PostgreSQL
    /// and no cluster could be started here (the reason is printed).
    pub async fn spawn(backend: Backend) -> Option<TestApp> {
        TestApp::spawn_with(backend, true).await
    }

    /// Starts a server, importing the seed data or leaving the tables empty.
    pub async fn spawn_with(backend: Backend, import_seed: bool) -> Option<TestApp> {
        TestApp::spawn_configured(backend, import_seed, None).await
    }

    /// Starts a server that also accepts access tokens from the identity provider `oauth`.
    pub async fn spawn_configured(
        backend: Backend,
        import_seed: bool,
        oauth: Option<api::config::OAuthConfig>,
    ) -> Option<TestApp> {
        TestApp::spawn_full(backend, import_seed, oauth, api::config::TrainingConfig::default()).await
    }

    /// Starts a server with the seed data and these training-record settings.
    pub async fn spawn_with_training(backend: Backend, training: api::config::TrainingConfig) -> Option<TestApp> {
        TestApp::spawn_full(backend, true, None, training).await
    }

    async fn spawn_full(
        backend: Backend,
        import_seed: bool,
        oauth: Option<api::config::OAuthConfig>,
        training: api::config::TrainingConfig,
    ) -> Option<TestApp> {
        TestApp::spawn_adjusted(backend, |config| {
            config.import_seed = import_seed;
            config.oauth = oauth;
            config.training = training;
        })
        .await
    }

    /// Starts a server with the seed data and the test settings, changed by `adjust`
    /// before the server is built.
    pub async fn spawn_adjusted(backend: Backend, adjust: impl FnOnce(&mut Config)) -> Option<TestApp> {
        if std::env::var_os("TEST_LOG").is_some() {
            // Server logs go to standard error, filtered by RUST_LOG.
            api::telemetry::init().expect("TEST_LOG needs a valid RUST_LOG and LOG_FORMAT");
        }
        let (database_url, dir) = match backend {
            Backend::Sqlite => {
                let dir = tempfile::tempdir().expect("create a temporary folder for the SQLite file");
                let url = format!("sqlite://{}?mode=rwc", dir.path().join("test.db").display());
                (url, Some(dir))
            }
            Backend::Postgres => {
                let cluster = postgres::cluster().await?;
                let number = DATABASE_NUMBER.fetch_add(1, Ordering::Relaxed);
                let name = format!("test_{}_{number}", std::process::id());
                (cluster.create_database(&name).await, None)
            }
        };
        let mut config = Config {
            database_url,
            listen_addr: "127.0.0.1:0".parse().expect("loopback address"),
            request_timeout: std::time::Duration::from_secs(60),
            // Every response reports its SQL statements, which tests may compare with `statements`.
            sql_statement_header: true,
            ..Config::default()
        };
        adjust(&mut config);
        let database_url = config.database_url.clone();
        let app = api::app::build(&config).await.expect("build the application");
        let listener = tokio::net::TcpListener::bind(config.listen_addr).await.expect("bind a loopback port");
        let address = listener.local_addr().expect("read the bound address");
        // Served as `api::app::serve` does, so that resolvers see each client's address.
        let service = app.router.into_make_service_with_connect_info::<SocketAddr>();
        let server = tokio::spawn(async move {
            let _ = axum::serve(listener, service).await;
        });
        Some(TestApp {
            address,
            db: app.db,
            statements: app.statements,
            backend,
            database_url,
            client: reqwest::Client::new(),
            _dir: dir,
            server,
        })
    }

    /// Returns the GraphQL endpoint URL.
    pub fn url(&self) -> String {
        format!("http://{}/graphql", self.address)
    }

    /// Posts a query with variables and returns the whole JSON response.
    pub async fn post(&self, query: &str, variables: Value) -> Value {
        self.post_with_language(query, variables, None).await
    }

    /// Posts a query with an `Accept-Language` header.
    pub async fn post_with_language(&self, query: &str, variables: Value, language: Option<&str>) -> Value {
        let mut request = self.client.post(self.url()).json(&json!({ "query": query, "variables": variables }));
        if let Some(language) = language {
            request = request.header("Accept-Language", language);
        }
        let response = request.send().await.expect("send the GraphQL request");
        response.json().await.expect("parse the GraphQL response as JSON")
    }

    /// Posts a query that must succeed and returns its `data`.
    pub async fn data(&self, query: &str, variables: Value) -> Value {
        let response = self.post(query, variables).await;
        assert!(response.get("errors").is_none(), "unexpected errors: {response:#}");
        response["data"].clone()
    }

    /// Posts a query that must fail and returns its first error.
    pub async fn error(&self, query: &str, variables: Value) -> Value {
        let response = self.post(query, variables).await;
        let errors = response["errors"].as_array().unwrap_or_else(|| panic!("expected errors, got {response:#}"));
        errors[0].clone()
    }

    /// Posts a query with extra headers (such as `Authorization`) and returns the HTTP
    /// status with the JSON body.
    pub async fn post_with_headers(&self, query: &str, variables: Value, headers: &[(&str, &str)]) -> (u16, Value) {
        let mut request = self.client.post(self.url()).json(&json!({ "query": query, "variables": variables }));
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        let response = request.send().await.expect("send the GraphQL request");
        let status = response.status().as_u16();
        (status, response.json().await.expect("parse the GraphQL response as JSON"))
    }

    /// Posts a query with a bearer token (`None`: anonymous) and returns status and body.
    pub async fn post_as(&self, token: Option<&str>, query: &str, variables: Value) -> (u16, Value) {
        let authorization = token.map(|token| format!("Bearer {token}"));
        let headers: Vec<(&str, &str)> = authorization.iter().map(|value| ("Authorization", value.as_str())).collect();
        self.post_with_headers(query, variables, &headers).await
    }

    /// Creates a member through the admin command's code and returns its id.
    pub async fn create_member(&self, name: &str, subject: Option<&str>, admin: bool, editor_of: &[&str]) -> i32 {
        let new = api::admin::NewMember {
            name: name.to_owned(),
            subject: subject.map(str::to_owned),
            email: Some(format!("{}@example.org", name.to_lowercase().replace(' ', "."))),
            is_admin: admin,
            editor_of: editor_of.iter().map(|slug| (*slug).to_owned()).collect(),
            coordinator_of: Vec::new(),
            application: false,
        };
        api::admin::create_member(&self.db, new).await.expect("create a member")
    }

    /// Creates a training coordinator of the police institutions with these slugs, as
    /// `create-member --coordinator` does, and returns the member's id.
    pub async fn create_coordinator(&self, name: &str, institutions: &[&str]) -> i32 {
        let new = api::admin::NewMember {
            name: name.to_owned(),
            subject: None,
            email: None,
            is_admin: false,
            editor_of: Vec::new(),
            coordinator_of: institutions.iter().map(|slug| (*slug).to_owned()).collect(),
            application: true,
        };
        api::admin::create_member(&self.db, new).await.expect("create a coordinator")
    }

    /// Issues an API token for a member and returns its secret.
    pub async fn create_token(&self, member: i32, scopes: &[api::auth::TokenScope]) -> String {
        api::admin::create_token(&self.db, member, "test token", scopes, 30).await.expect("issue an API token")
    }

    /// Returns the raw HTTP client for header-level checks.
    pub fn client(&self) -> &reqwest::Client {
        &self.client
    }
}

/// Creates a fresh empty database on the harness's PostgreSQL cluster and returns its URL;
/// `None` when PostgreSQL tests are skipped here.
pub async fn fresh_postgres_database() -> Option<String> {
    let cluster = postgres::cluster().await?;
    let number = DATABASE_NUMBER.fetch_add(1, Ordering::Relaxed);
    Some(cluster.create_database(&format!("test_{}_{number}", std::process::id())).await)
}

/// Runs one async test body on SQLite and on PostgreSQL.
#[macro_export]
macro_rules! on_both {
    ($name:ident, $body:ident) => {
        mod $name {
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                let app = $crate::TestApp::spawn($crate::Backend::Sqlite).await.expect("SQLite always starts");
                super::$body(&app).await;
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                let Some(app) = $crate::TestApp::spawn($crate::Backend::Postgres).await else { return };
                super::$body(&app).await;
            }
        }
    };
}

/// Joins futures without pulling in another crate; they run concurrently on the runtime.
pub async fn join_all<F>(futures: impl Iterator<Item = F>) -> Vec<F::Output>
where
    F: std::future::Future,
{
    let mut pinned: Vec<std::pin::Pin<Box<F>>> = futures.map(Box::pin).collect();
    let mut outputs: Vec<Option<F::Output>> = pinned.iter().map(|_| None).collect();
    std::future::poll_fn(|cx| {
        let mut pending = false;
        for (future, output) in pinned.iter_mut().zip(outputs.iter_mut()) {
            if output.is_none() {
                match future.as_mut().poll(cx) {
                    std::task::Poll::Ready(value) => *output = Some(value),
                    std::task::Poll::Pending => pending = true,
                }
            }
        }
        if pending { std::task::Poll::Pending } else { std::task::Poll::Ready(()) }
    })
    .await;
    outputs.into_iter().map(|output| output.expect("every future finished")).collect()
}
