//! A real OAuth 2.0 / OpenID Connect authorization server for the tests: the `oidc-provider`
//! package from the npm registry, run by `tests/oidc/server.mjs` on a loopback port.
//!
//! The first use runs `npm ci` in `tests/oidc` when its `node_modules` is missing, so a fresh
//! clone needs only Node.js 20.19 or later on the PATH.

use std::path::PathBuf;
use std::process::Stdio;
use std::sync::Mutex;

use serde_json::Value;
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};

/// The audience of tokens issued for the API.
pub const AUDIENCE: &str = "urn:oas-networks:api";
/// A resource whose tokens are opaque and reach the API by introspection.
pub const OPAQUE_RESOURCE: &str = "urn:oas-networks:api:opaque";
/// A resource of another API, whose tokens the API must reject.
pub const OTHER_RESOURCE: &str = "urn:other-api";
/// The API's own client at the provider, allowed to introspect tokens for the API.
pub const INTROSPECTION_CLIENT: (&str, &str) = ("oas-api", "oas-api-secret");

static INSTALL: Mutex<bool> = Mutex::new(false);

fn peer_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("oidc")
}

/// Installs the peer's npm packages once per test run, when they are missing.
fn ensure_installed() {
    let mut installed = INSTALL.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    if *installed || peer_dir().join("node_modules/oidc-provider/package.json").exists() {
        *installed = true;
        return;
    }
    let status = std::process::Command::new("npm")
        .args(["ci", "--no-audit", "--no-fund", "--loglevel=error"])
        .current_dir(peer_dir())
        .status()
        .expect("run `npm ci` in tests/oidc: the OAuth tests need Node.js 20.19+ and npm on the PATH");
    assert!(status.success(), "`npm ci` in tests/oidc failed with {status}");
    *installed = true;
}

/// A running authorization server; it stops when this value is dropped.
pub struct OidcPeer {
    /// The issuer URL, such as `http://127.0.0.1:40123`.
    pub issuer: String,
    port: u16,
    child: Child,
    http: reqwest::Client,
}

impl OidcPeer {
    /// Starts the server on a free port.
    pub async fn start() -> OidcPeer {
        OidcPeer::start_on(0).await
    }

    /// Starts the server on `port` (0: a free one).
    pub async fn start_on(port: u16) -> OidcPeer {
        ensure_installed();
        let mut child = Command::new("node")
            .arg("server.mjs")
            .current_dir(peer_dir())
            .env("PORT", port.to_string())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .kill_on_drop(true)
            .spawn()
            .expect("start `node tests/oidc/server.mjs`: the OAuth tests need Node.js 20.19+ on the PATH");
        let stdout = child.stdout.take().expect("the peer's stdout is piped");
        let mut line = String::new();
        BufReader::new(stdout).read_line(&mut line).await.expect("read the peer's issuer line");
        let started: Value =
            serde_json::from_str(&line).unwrap_or_else(|_| panic!("the OAuth peer did not start; it printed {line:?}"));
        let issuer = started["issuer"].as_str().expect("the issuer line names the issuer").to_owned();
        let port = issuer.rsplit(':').next().and_then(|port| port.parse().ok()).expect("the issuer has a port");
        OidcPeer { issuer, port, child, http: reqwest::Client::new() }
    }

    /// The port the server listens on, for a restart on the same address.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// Stops the server and waits for it to exit.
    pub async fn stop(mut self) {
        // Closing stdin is the peer's signal to exit; the kill covers a peer that hangs.
        drop(self.child.stdin.take());
        if tokio::time::timeout(std::time::Duration::from_secs(5), self.child.wait()).await.is_err() {
            self.child.kill().await.ok();
        }
    }

    /// The resource-server settings that make the API accept this provider's tokens.
    pub fn api_config(&self) -> api::config::OAuthConfig {
        api::config::OAuthConfig {
            issuer: self.issuer.clone(),
            audience: AUDIENCE.to_owned(),
            introspection_client: Some((INTROSPECTION_CLIENT.0.to_owned(), INTROSPECTION_CLIENT.1.to_owned())),
            clock_skew: std::time::Duration::ZERO,
            jwks_min_refresh: std::time::Duration::ZERO,
        }
    }

    /// Gets an access token with the client-credentials grant; the token's subject is the
    /// client id. Clients: `partner-app`, `short-lived` (2-second tokens), `alice-member`,
    /// `erin-editor`, `adam-admin`.
    pub async fn client_token(&self, client: &str, resource: &str) -> String {
        let response = self
            .http
            .post(format!("{}/token", self.issuer))
            .basic_auth(client, Some(format!("{client}-secret")))
            .form(&[("grant_type", "client_credentials"), ("resource", resource), ("scope", "api")])
            .send()
            .await
            .expect("request a client-credentials token");
        let body: Value = response.json().await.expect("parse the token response");
        body["access_token"].as_str().unwrap_or_else(|| panic!("no access_token in {body}")).to_owned()
    }

    /// Gets an end user's access token through the authorization-code flow with PKCE, which
    /// the peer drives against its own endpoints; the token's subject is `subject`.
    pub async fn user_token(&self, subject: &str, resource: &str) -> String {
        let response = self
            .http
            .get(format!("{}/test-support/user-token", self.issuer))
            .query(&[("sub", subject), ("resource", resource), ("client_id", "web-app")])
            .send()
            .await
            .expect("request a user token");
        let body: Value = response.json().await.expect("parse the token response");
        body["access_token"].as_str().unwrap_or_else(|| panic!("no access_token in {body}")).to_owned()
    }
}
