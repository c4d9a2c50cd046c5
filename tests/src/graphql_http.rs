//! The `graphql-http` package's audit of the GraphQL-over-HTTP specification, run by
//! `tests/graphql-http/audit.mjs` with Node.js against a running server.
//!
//! The first use runs `npm ci` in `tests/graphql-http` when its `node_modules` is missing.

use std::path::PathBuf;
use std::sync::Mutex;

use serde::Deserialize;

static INSTALL: Mutex<bool> = Mutex::new(false);

fn audit_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("graphql-http")
}

/// Installs the audit's npm packages once per test run, when they are missing.
fn ensure_installed() {
    let mut installed = INSTALL.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    if *installed || audit_dir().join("node_modules/graphql-http/package.json").exists() {
        *installed = true;
        return;
    }
    let status = std::process::Command::new("npm")
        .args(["ci", "--no-audit", "--no-fund", "--loglevel=error"])
        .current_dir(audit_dir())
        .status()
        .expect("run `npm ci` in tests/graphql-http: the audit needs Node.js 20.19+ and npm on the PATH");
    assert!(status.success(), "`npm ci` in tests/graphql-http failed with {status}");
    *installed = true;
}

/// The result of one audit.
#[derive(Clone, Debug, Deserialize)]
pub struct AuditResult {
    /// The audit's stable id, such as `22EB`.
    pub id: String,
    /// The requirement, starting with its level (`MUST`, `SHOULD` or `MAY`).
    pub name: String,
    /// `ok`, `notice`, `warn` (a SHOULD or MAY not met) or `error` (a MUST not met).
    pub status: String,
    /// Why the audit failed; absent when it passed.
    #[serde(default)]
    pub reason: Option<String>,
}

/// Runs every server audit against the GraphQL endpoint `url` and returns the results.
pub async fn audit(url: &str) -> Vec<AuditResult> {
    tokio::task::block_in_place(ensure_installed);
    let output = tokio::process::Command::new("node")
        .arg(audit_dir().join("audit.mjs"))
        .arg(url)
        .output()
        .await
        .expect("run `node tests/graphql-http/audit.mjs`: the audit needs Node.js on the PATH");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "the audit failed with {}: {}{}",
        output.status,
        stdout,
        String::from_utf8_lossy(&output.stderr)
    );
    stdout
        .lines()
        .filter(|line| !line.trim().is_empty())
        .map(|line| serde_json::from_str(line).unwrap_or_else(|err| panic!("read the audit line {line:?}: {err}")))
        .collect()
}
