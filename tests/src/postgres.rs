//! A throwaway PostgreSQL cluster for the test run, started from the machine's binaries.
//!
//! `TEST_DATABASE_URL` (an admin URL such as `postgres://postgres@127.0.0.1:5432/postgres`)
//! points the tests at an existing server instead. Otherwise the harness runs `initdb` and
//! `postgres` from `PG_BIN` or the newest `/usr/lib/postgresql/*/bin`, on a free loopback
//! port, as the `postgres` system user when the tests run as root (initdb refuses root).
//! A shell watchdog stops the server and deletes its files once the test process exits.
//! Without binaries the PostgreSQL tests are skipped with a message, unless
//! `REQUIRE_POSTGRES=1`, which turns that into a failure.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use sea_orm::{ConnectionTrait, Database};

/// A running PostgreSQL server that tests can create databases on.
pub struct Cluster {
    admin_url: String,
}

impl Cluster {
    /// Creates an empty database and returns its URL.
    pub async fn create_database(&self, name: &str) -> String {
        let admin = Database::connect(&self.admin_url).await.expect("connect to the test cluster");
        admin
            .execute_unprepared(&format!("CREATE DATABASE \"{name}\" ENCODING 'UTF8' TEMPLATE template0"))
            .await
            .expect("create a test database");
        admin.close().await.ok();
        let base = self.admin_url.rsplit_once('/').map_or(self.admin_url.as_str(), |(base, _)| base);
        format!("{base}/{name}")
    }
}

static CLUSTER: OnceLock<Option<Cluster>> = OnceLock::new();

/// Returns the run's cluster, starting it on first use; `None` when PostgreSQL tests are
/// skipped on this machine.
pub async fn cluster() -> Option<&'static Cluster> {
    // Starting the cluster blocks for a few seconds; run it off the async workers.
    tokio::task::spawn_blocking(|| CLUSTER.get_or_init(start).as_ref()).await.ok().flatten()
}

fn start() -> Option<Cluster> {
    if let Ok(url) = std::env::var("TEST_DATABASE_URL") {
        return Some(Cluster { admin_url: url });
    }
    let required = std::env::var("REQUIRE_POSTGRES").is_ok_and(|v| v == "1");
    let Some(bin) = find_binaries() else {
        let message = "PostgreSQL server binaries not found (set PG_BIN or install PostgreSQL); the PostgreSQL half of the integration tests is SKIPPED";
        assert!(!required, "{message}, but REQUIRE_POSTGRES=1 requires it");
        eprintln!("\n*** {message} ***\n");
        return None;
    };
    match launch(&bin) {
        Ok(cluster) => Some(cluster),
        Err(err) => panic!("could not start a PostgreSQL test cluster from {}: {err}", bin.display()),
    }
}

fn find_binaries() -> Option<PathBuf> {
    if let Ok(dir) = std::env::var("PG_BIN") {
        return Some(PathBuf::from(dir));
    }
    let mut versions: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .ok()?
        .filter_map(|entry| {
            let entry = entry.ok()?;
            let version = entry.file_name().to_str()?.parse::<u32>().ok()?;
            let bin = entry.path().join("bin");
            bin.join("initdb").exists().then_some((version, bin))
        })
        .collect();
    versions.sort();
    versions.pop().map(|(_, bin)| bin)
}

fn running_as_root() -> bool {
    Command::new("id").arg("-u").output().is_ok_and(|out| String::from_utf8_lossy(&out.stdout).trim() == "0")
}

/// Builds a command that runs as the `postgres` user when the tests run as root.
fn as_server_user(root: bool, program: &str) -> Command {
    if root {
        let mut command = Command::new("runuser");
        command.args(["-u", "postgres", "--", program]);
        command
    } else {
        Command::new(program)
    }
}

fn launch(bin: &Path) -> Result<Cluster, String> {
    let root = running_as_root();
    let base = std::env::temp_dir().join(format!("oas-networks-pg-{}", std::process::id()));
    let data = base.join("data");
    std::fs::create_dir_all(&base).map_err(|e| format!("create {}: {e}", base.display()))?;
    if root {
        let status = Command::new("chown").args(["postgres:", &base.display().to_string()]).status();
        if !status.is_ok_and(|s| s.success()) {
            return Err(format!("could not give {} to the postgres user", base.display()));
        }
    }

    let initdb = bin.join("initdb");
    let output = as_server_user(root, &initdb.display().to_string())
        .args([
            "-D",
            &data.display().to_string(),
            "-U",
            "postgres",
            "-A",
            "trust",
            "-E",
            "UTF8",
            "--no-locale",
            "--no-sync",
        ])
        .output()
        .map_err(|e| format!("run initdb: {e}"))?;
    if !output.status.success() {
        return Err(format!("initdb failed: {}", String::from_utf8_lossy(&output.stderr)));
    }

    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map_err(|e| format!("find a free port: {e}"))?
        .port();
    let postgres = bin.join("postgres");
    // The watchdog loop ends when the test process is gone, then stops the server fast and
    // deletes the cluster's files.
    let script = format!(
        "'{postgres}' -D '{data}' -p {port} -h 127.0.0.1 -k '{base}' -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200 & pid=$!; \
         while [ -d /proc/{test_pid} ] && kill -0 $pid 2>/dev/null; do sleep 1; done; \
         kill -INT $pid 2>/dev/null; wait $pid; rm -rf '{base}'",
        postgres = postgres.display(),
        data = data.display(),
        base = base.display(),
        test_pid = std::process::id(),
    );
    let log = std::fs::File::create(std::env::temp_dir().join(format!("oas-networks-pg-{}.log", std::process::id())))
        .map_err(|e| format!("create the server log: {e}"))?;
    let log_err = log.try_clone().map_err(|e| format!("clone the log handle: {e}"))?;
    as_server_user(root, "sh")
        .args(["-c", &script])
        .stdin(Stdio::null())
        .stdout(log)
        .stderr(log_err)
        .spawn()
        .map_err(|e| format!("start postgres: {e}"))?;

    let ready = bin.join("pg_isready");
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let status =
            Command::new(&ready).args(["-h", "127.0.0.1", "-p", &port.to_string(), "-U", "postgres", "-q"]).status();
        if status.is_ok_and(|s| s.success()) {
            break;
        }
        if Instant::now() > deadline {
            return Err(format!("the server on port {port} was not ready within 60 seconds"));
        }
        std::thread::sleep(Duration::from_millis(200));
    }
    Ok(Cluster { admin_url: format!("postgres://postgres@127.0.0.1:{port}/postgres") })
}
