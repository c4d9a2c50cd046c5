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

/// Creates the cluster folder `base`, owned by the `postgres` user when the tests run as
/// root, and runs initdb for a data directory `data` inside it.
fn init_cluster(root: bool, bin: &Path, base: &Path, data: &Path) -> Result<(), String> {
    std::fs::create_dir_all(base).map_err(|e| format!("create {}: {e}", base.display()))?;
    if root {
        let status = Command::new("chown").args(["postgres:", &base.display().to_string()]).status();
        if !status.is_ok_and(|s| s.success()) {
            return Err(format!("could not give {} to the postgres user", base.display()));
        }
    }

    let initdb = bin.join("initdb").display().to_string();
    let data = data.display().to_string();
    let output = as_server_user(root, &initdb)
        .args(["-D", &data, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--no-locale", "--no-sync"])
        .output()
        .map_err(|e| format!("run initdb: {e}"))?;
    if !output.status.success() {
        return Err(format!("initdb failed: {}", String::from_utf8_lossy(&output.stderr)));
    }
    Ok(())
}

/// Returns a loopback port that was free a moment ago, for a server to bind next.
fn free_port() -> Result<u16, String> {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .map(|address| address.port())
        .map_err(|e| format!("find a free port: {e}"))
}

fn launch(bin: &Path) -> Result<Cluster, String> {
    let root = running_as_root();
    let base = std::env::temp_dir().join(format!("oas-networks-pg-{}", std::process::id()));
    let data = base.join("data");
    init_cluster(root, bin, &base, &data)?;
    let port = free_port()?;

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

/// How [`PrivateCluster::stop`] shuts the server down (`pg_ctl stop -m`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StopMode {
    /// Disconnects every session with `admin_shutdown` and writes a checkpoint.
    Fast,
    /// Kills the server processes at once, as a crash does; the next start recovers from
    /// the write-ahead log.
    Immediate,
}

/// A PostgreSQL cluster of one test's own, on its own data folder and loopback port, that
/// the test may stop and start again without disturbing the tests that share [`cluster`].
///
/// It runs from the same binaries, as the same user, as the shared cluster. Unlike that one
/// it keeps `synchronous_commit` on, so a commit that returned survives an immediate stop.
/// Dropping it stops the server and deletes its files, and a shell watchdog does the same
/// if the test process dies first.
pub struct PrivateCluster {
    server: std::sync::Arc<PrivateServer>,
    admin: Cluster,
}

/// The binaries, user, folders and port of a private cluster.
struct PrivateServer {
    bin: PathBuf,
    root: bool,
    base: PathBuf,
    data: PathBuf,
    port: u16,
}

static PRIVATE_NUMBER: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);

impl PrivateCluster {
    /// Creates and starts a private cluster; `None` when PostgreSQL tests are skipped here
    /// (no server binaries, unless `REQUIRE_POSTGRES=1`, which makes that a failure).
    pub async fn launch() -> Option<PrivateCluster> {
        tokio::task::spawn_blocking(|| {
            let required = std::env::var("REQUIRE_POSTGRES").is_ok_and(|v| v == "1");
            let Some(bin) = find_binaries() else {
                let message = "PostgreSQL server binaries not found (set PG_BIN or install PostgreSQL); this test needs a private cluster and is SKIPPED";
                assert!(!required, "{message}, but REQUIRE_POSTGRES=1 requires it");
                eprintln!("\n*** {message} ***\n");
                return None;
            };
            match PrivateCluster::init(bin) {
                Ok(cluster) => Some(cluster),
                Err(err) => panic!("could not start a private PostgreSQL cluster: {err}"),
            }
        })
        .await
        .ok()
        .flatten()
    }

    fn init(bin: PathBuf) -> Result<PrivateCluster, String> {
        let root = running_as_root();
        let number = PRIVATE_NUMBER.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let base = std::env::temp_dir().join(format!("oas-networks-pg-{}-private-{number}", std::process::id()));
        let data = base.join("data");

        init_cluster(root, &bin, &base, &data)?;
        let data_arg = data.display().to_string();
        let port = free_port()?;

        // The watchdog stops the server and deletes the files once the test process is gone.
        let pg_ctl = bin.join("pg_ctl").display().to_string();
        let script = format!(
            "while [ -d /proc/{test_pid} ]; do sleep 1; done; '{pg_ctl}' -D '{data_arg}' -m immediate stop >/dev/null 2>&1; rm -rf '{base}'",
            test_pid = std::process::id(),
            base = base.display(),
        );
        as_server_user(root, "sh")
            .args(["-c", &script])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| format!("start the watchdog: {e}"))?;

        let admin = Cluster { admin_url: format!("postgres://postgres@127.0.0.1:{port}/postgres") };
        let server = PrivateServer { bin, root, base, data, port };
        server.start_blocking()?;
        Ok(PrivateCluster { server: std::sync::Arc::new(server), admin })
    }

    /// Returns the cluster's admin connection, to create databases on.
    pub fn admin(&self) -> &Cluster {
        &self.admin
    }

    /// Returns the loopback port the server listens on, the same after every restart.
    pub fn port(&self) -> u16 {
        self.server.port
    }

    /// Starts the server on its data folder and port, and waits until it accepts
    /// connections (at most 60 seconds).
    pub async fn start(&self) {
        let server = std::sync::Arc::clone(&self.server);
        tokio::task::spawn_blocking(move || server.start_blocking())
            .await
            .expect("join the cluster start")
            .unwrap_or_else(|err| panic!("could not start the private cluster: {err}"));
    }

    /// Stops the server and waits until it is down.
    pub async fn stop(&self, mode: StopMode) {
        let server = std::sync::Arc::clone(&self.server);
        tokio::task::spawn_blocking(move || server.stop_blocking(mode))
            .await
            .expect("join the cluster stop")
            .unwrap_or_else(|err| panic!("could not stop the private cluster: {err}"));
    }
}

impl PrivateServer {
    fn start_blocking(&self) -> Result<(), String> {
        let pg_ctl = self.bin.join("pg_ctl").display().to_string();
        let options = format!(
            "-p {port} -h 127.0.0.1 -k '{base}' -c fsync=off -c max_connections=100",
            port = self.port,
            base = self.base.display()
        );
        let log = self.base.join("server.log").display().to_string();
        let output = as_server_user(self.root, &pg_ctl)
            .args(["-D", &self.data.display().to_string(), "-l", &log, "-o", &options, "-w", "-t", "60", "start"])
            .stdin(Stdio::null())
            .output()
            .map_err(|e| format!("run pg_ctl start: {e}"))?;
        if !output.status.success() {
            let server_log = std::fs::read_to_string(&log).unwrap_or_default();
            return Err(format!("pg_ctl start failed: {}{server_log}", String::from_utf8_lossy(&output.stderr)));
        }
        Ok(())
    }

    fn stop_blocking(&self, mode: StopMode) -> Result<(), String> {
        let pg_ctl = self.bin.join("pg_ctl").display().to_string();
        let mode = match mode {
            StopMode::Fast => "fast",
            StopMode::Immediate => "immediate",
        };
        let output = as_server_user(self.root, &pg_ctl)
            .args(["-D", &self.data.display().to_string(), "-m", mode, "-w", "-t", "60", "stop"])
            .stdin(Stdio::null())
            .output()
            .map_err(|e| format!("run pg_ctl stop: {e}"))?;
        if !output.status.success() {
            return Err(format!("pg_ctl stop failed: {}", String::from_utf8_lossy(&output.stderr)));
        }
        Ok(())
    }
}

impl Drop for PrivateCluster {
    fn drop(&mut self) {
        // A stopped server makes pg_ctl fail, which is fine here.
        let _ = self.server.stop_blocking(StopMode::Immediate);
        let _ = std::fs::remove_dir_all(&self.server.base);
    }
}
