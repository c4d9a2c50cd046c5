//! The server binary's shutdown and logs, run as a child process on a temporary SQLite file.

#![allow(clippy::unwrap_used, clippy::expect_used, reason = "a failed unwrap is a failed test")]

use std::io::{BufRead as _, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

/// A running `api serve` child and the JSON log lines it has written so far.
struct Server {
    child: Child,
    address: String,
    logs: Arc<Mutex<Vec<String>>>,
    _dir: tempfile::TempDir,
}

impl Server {
    /// Starts `api serve` with JSON logs on a fresh SQLite file without seed data, and
    /// waits (at most 120 s) for the `listening` line with the bound address.
    fn start(extra_env: &[(&str, &str)]) -> Server {
        let dir = tempfile::tempdir().expect("create a temporary folder");
        let database = format!("sqlite://{}", dir.path().join("serve.db").display());
        let mut command = Command::new(env!("CARGO_BIN_EXE_api"));
        command
            .arg("serve")
            .env("DATABASE_URL", &database)
            .env("LISTEN_ADDR", "127.0.0.1:0")
            .env("IMPORT_SEED", "false")
            .env("LOG_FORMAT", "json")
            .env("RUST_LOG", "info")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped());
        for (name, value) in extra_env {
            command.env(name, value);
        }

        let mut child = command.spawn().expect("start api serve");
        let stderr = child.stderr.take().expect("piped standard error");
        let logs = Arc::new(Mutex::new(Vec::new()));
        let collected = Arc::clone(&logs);
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                collected.lock().unwrap().push(line);
            }
        });

        let mut server = Server { child, address: String::new(), logs, _dir: dir };
        let line = server.wait_for_log(|line| message(line) == "listening", Duration::from_secs(120));
        let parsed: Value = serde_json::from_str(&line).expect("a JSON log line");
        server.address = parsed["fields"]["address"].as_str().expect("the listening line has the address").to_owned();
        server
    }

    fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.address)
    }

    /// Waits for a log line that matches, failing the test after `timeout`.
    fn wait_for_log(&mut self, matches: impl Fn(&str) -> bool, timeout: Duration) -> String {
        let deadline = Instant::now() + timeout;
        loop {
            if let Some(line) = self.logs.lock().unwrap().iter().find(|line| matches(line)) {
                return line.clone();
            }
            if let Ok(Some(status)) = self.child.try_wait() {
                panic!("the server exited with {status} before the expected log line:\n{}", self.log_text());
            }
            assert!(Instant::now() < deadline, "expected log line not written in time:\n{}", self.log_text());
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Sends SIGTERM to the child by its process id.
    fn terminate(&self) {
        let status = Command::new("kill").args(["-TERM", &self.child.id().to_string()]).status().expect("run kill");
        assert!(status.success(), "kill -TERM failed");
    }

    /// Waits for the child to exit, at most `timeout`, and returns its exit code.
    fn wait_exit(&mut self, timeout: Duration) -> Option<i32> {
        let deadline = Instant::now() + timeout;
        loop {
            if let Some(status) = self.child.try_wait().expect("poll the child") {
                return status.code();
            }
            assert!(Instant::now() < deadline, "the server did not exit within {timeout:?}:\n{}", self.log_text());
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    fn log_text(&self) -> String {
        self.logs.lock().unwrap().join("\n")
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        // Only this test's own child, which may still run after a failed assertion.
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Returns the `message` field of a JSON log line, or "" for other lines.
fn message(line: &str) -> String {
    serde_json::from_str::<Value>(line)
        .ok()
        .and_then(|value| value["fields"]["message"].as_str().map(str::to_owned))
        .unwrap_or_default()
}

const QUERY: &str = "query Health { __typename }";

#[cfg(debug_assertions)]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_lets_in_flight_request_finish() {
    let mut server = Server::start(&[("FAULT_INJECTION", "true"), ("SHUTDOWN_GRACE_SECONDS", "20")]);
    let client = reqwest::Client::new();
    let slow = client
        .post(server.url("/graphql"))
        .header("X-Fault-Injection", "delay-ms=1500")
        .json(&json!({ "query": QUERY }))
        .send();
    let slow = tokio::spawn(slow);
    server.wait_for_log(|line| message(line).starts_with("fault injection: delaying"), Duration::from_secs(30));

    server.terminate();
    let response = slow.await.expect("join the request").expect("the in-flight request completes");
    assert_eq!(response.status(), 200);
    let body: Value = response.json().await.expect("a JSON body");
    assert_eq!(body["data"]["__typename"], "Query", "{body}");

    assert_eq!(server.wait_exit(Duration::from_secs(20)), Some(0), "exit code after SIGTERM");
    let logs = server.log_text();
    assert!(logs.contains("every in-flight request finished"), "{logs}");
    assert!(client.get(server.url("/health")).send().await.is_err(), "no connections after shutdown");
}

#[cfg(debug_assertions)]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shutdown_grace_bounds_slow_request() {
    let mut server = Server::start(&[("FAULT_INJECTION", "true"), ("SHUTDOWN_GRACE_SECONDS", "1")]);
    let client = reqwest::Client::new();
    let long_request = client
        .post(server.url("/graphql"))
        .header("X-Fault-Injection", "delay-ms=60000")
        .json(&json!({ "query": QUERY }))
        .send();
    let long_request = tokio::spawn(long_request);
    server.wait_for_log(|line| message(line).starts_with("fault injection: delaying"), Duration::from_secs(30));

    server.terminate();
    // Bounded well below the request's 60 s delay: the grace period, not the request, ends the process.
    assert_eq!(server.wait_exit(Duration::from_secs(20)), Some(0), "exit code after the grace period");
    let outcome = long_request.await.expect("join the request");
    assert!(outcome.is_err(), "the held request is cut off, not answered: {outcome:?}");
    let logs = server.log_text();
    assert!(logs.contains("did not finish within SHUTDOWN_GRACE_SECONDS"), "{logs}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn json_logs_carry_request_fields_not_secrets() {
    let mut server = Server::start(&[]);
    let client = reqwest::Client::new();
    let token = "oasn_chosen-for-the-log-test-7f3a9c";
    let variable = "variable-value-kept-out-of-logs";

    let rejected = client
        .post(server.url("/graphql"))
        .bearer_auth(token)
        .json(&json!({ "query": "query Probe($v: String) { __typename }", "variables": { "v": variable } }))
        .send()
        .await
        .expect("send the request with a token");
    assert_eq!(rejected.status(), 401);
    let rejected_id = rejected.headers()["x-request-id"].to_str().unwrap().to_owned();

    let anonymous = client
        .post(server.url("/graphql"))
        .json(&json!({ "query": "query Probe($v: String) { __typename }", "variables": { "v": variable }, "operationName": "Probe" }))
        .send()
        .await
        .expect("send the anonymous request");
    assert_eq!(anonymous.status(), 200);
    let anonymous_id = anonymous.headers()["x-request-id"].to_str().unwrap().to_owned();

    let finished = |id: &str| {
        let id = id.to_owned();
        move |line: &str| message(line) == "request finished" && line.contains(&id)
    };
    let line = server.wait_for_log(finished(&anonymous_id), Duration::from_secs(10));
    let parsed: Value = serde_json::from_str(&line).unwrap();
    let span = &parsed["span"];
    assert_eq!(span["request_id"], anonymous_id.as_str(), "{line}");
    assert_eq!(span["method"], "POST", "{line}");
    assert_eq!(span["path"], "/graphql", "{line}");
    assert_eq!(span["operation"], "Probe", "{line}");
    assert_eq!(span["operation_type"], "query", "{line}");
    assert_eq!(span["caller"], "anonymous", "{line}");
    assert_eq!(span["status"], 200, "{line}");
    assert!(span["duration_ms"].is_u64(), "{line}");

    let line = server.wait_for_log(finished(&rejected_id), Duration::from_secs(10));
    let parsed: Value = serde_json::from_str(&line).unwrap();
    assert_eq!(parsed["span"]["status"], 401, "{line}");
    assert_eq!(parsed["span"]["caller"], "invalid_credential", "{line}");

    server.terminate();
    assert_eq!(server.wait_exit(Duration::from_secs(30)), Some(0));
    let logs = server.log_text();
    assert!(logs.contains(&rejected_id), "the rejected request's id is logged");
    assert!(!logs.contains(token), "the bearer token never reaches the log:\n{logs}");
    assert!(!logs.contains("chosen-for-the-log-test"), "no part of the token reaches the log");
    assert!(!logs.contains(variable), "variables never reach the log");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ready_turns_unavailable_at_shutdown() {
    let dir = tempfile::tempdir().expect("create a temporary folder");
    let config = api::config::Config {
        database_url: format!("sqlite://{}?mode=rwc", dir.path().join("ready.db").display()),
        import_seed: false,
        ..api::config::Config::default()
    };
    let app = api::app::build(&config).await.expect("build the application");
    let lifecycle = app.lifecycle.clone();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind a loopback port");
    let address = listener.local_addr().expect("read the bound address");
    let server = tokio::spawn(async move { axum::serve(listener, app.router).await });
    let client = reqwest::Client::new();

    let ready = client.get(format!("http://{address}/ready")).send().await.expect("GET /ready");
    assert_eq!(ready.status(), 200);
    assert_eq!(ready.json::<Value>().await.unwrap(), json!({ "ready": true }));

    lifecycle.begin_shutdown();
    let ready = client.get(format!("http://{address}/ready")).send().await.expect("GET /ready");
    assert_eq!(ready.status(), 503);
    let body: Value = ready.json().await.unwrap();
    assert_eq!(body["ready"], false);
    assert_eq!(body["check"], "shutdown");

    let health = client.get(format!("http://{address}/health")).send().await.expect("GET /health");
    assert_eq!(health.status(), 200, "the process is still alive");
    server.abort();
}

#[cfg(debug_assertions)]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn panic_logged_once_as_json() {
    let mut server = Server::start(&[("FAULT_INJECTION", "true")]);
    let client = reqwest::Client::new();
    let response = client
        .post(server.url("/graphql"))
        .header("X-Fault-Injection", "panic")
        .json(&json!({ "query": QUERY }))
        .send()
        .await
        .expect("send the panicking request");
    assert_eq!(response.status(), 500);
    let request_id = response.headers()["x-request-id"].to_str().unwrap().to_owned();
    let body: Value = response.json().await.expect("a JSON body");
    assert_eq!(body["errors"][0]["extensions"]["code"], "INTERNAL");
    assert_eq!(body["errors"][0]["extensions"]["requestId"], request_id.as_str());

    let after = client.post(server.url("/graphql")).json(&json!({ "query": QUERY })).send().await.unwrap();
    assert_eq!(after.status(), 200, "the server keeps serving");
    server.wait_for_log(
        |line| message(line) == "request finished" && line.contains("\"status\":200"),
        Duration::from_secs(10),
    );

    server.terminate();
    assert_eq!(server.wait_exit(Duration::from_secs(30)), Some(0));
    let logs = server.log_text();
    let panics: Vec<&str> = logs.lines().filter(|line| line.contains("panicked")).collect();
    assert_eq!(panics.len(), 1, "one log line for the panic:\n{logs}");
    let parsed: Value = serde_json::from_str(panics[0]).expect("the panic is logged as JSON");
    assert_eq!(parsed["level"], "ERROR");
    assert_eq!(parsed["fields"]["request_id"], request_id.as_str());
    assert!(parsed["fields"]["location"].as_str().unwrap().contains("fault.rs"), "{}", panics[0]);
    for line in logs.lines() {
        assert!(serde_json::from_str::<Value>(line).is_ok(), "every standard error line is JSON: {line}");
    }
}
