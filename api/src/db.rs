//! Database connection, migrations and the SQL statement counter.

use std::cell::Cell;
use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use anyhow::Context as _;
use migration::{Migrator, MigratorTrait};
use sea_orm::{
    ConnectOptions, ConnectionTrait, Database, DatabaseConnection, DatabaseTransaction, DbBackend, TransactionTrait,
};

/// Counts SQL statements sent on a connection. Tests read it to prove that a request's
/// statement count follows its nesting depth, not its row count.
#[derive(Clone, Debug, Default)]
pub struct StatementCounter(Arc<AtomicU64>);

impl StatementCounter {
    /// Returns the number of statements sent so far.
    pub fn get(&self) -> u64 {
        self.0.load(Ordering::Relaxed)
    }
}

tokio::task_local! {
    /// Statements sent so far by the future that [`count_statements`] runs.
    static TASK_STATEMENTS: Cell<u64>;
    /// Set while [`uncounted`] runs a future, whose statements neither counter counts.
    static UNCOUNTED: ();
}

/// Runs `future` and returns its output with the number of SQL statements it sent.
///
/// Only statements sent from within `future`'s own task are counted, so work handed to
/// `tokio::spawn` is not. The request loaders run their batch loads inside the request's
/// task (see `crate::loaders::LoadDriver`), so a GraphQL request run through here is
/// counted in full.
pub async fn count_statements<F: Future>(future: F) -> (F::Output, u64) {
    TASK_STATEMENTS
        .scope(Cell::new(0), async move {
            let output = future.await;
            (output, TASK_STATEMENTS.with(Cell::get))
        })
        .await
}

/// Runs `future` without counting its statements, neither in [`StatementCounter`] nor in
/// [`count_statements`], so that bookkeeping outside a request's data path (the rate
/// limiter's counter) leaves the reported counts unchanged. Statements are still logged.
pub async fn uncounted<F: Future>(future: F) -> F::Output {
    UNCOUNTED.scope((), future).await
}

/// Connects to `url`, creating the SQLite file's folder when needed, and counts every
/// statement sent on the connection, except those that [`uncounted`] runs.
pub async fn connect(url: &str) -> anyhow::Result<(DatabaseConnection, StatementCounter)> {
    connect_with(url, crate::ops::DEFAULT_ACQUIRE_TIMEOUT).await
}

/// Connects as [`connect`] does, with the longest wait for a pooled connection (opening a
/// new one included), after which a statement fails instead of hanging while the database
/// is unreachable. Pooled connections are pinged before each use, so connections that
/// died in an outage are dropped and replaced once the database is back.
pub async fn connect_with(
    url: &str,
    acquire_timeout: std::time::Duration,
) -> anyhow::Result<(DatabaseConnection, StatementCounter)> {
    if let Some(path) = sqlite_file(url)
        && let Some(parent) = std::path::Path::new(path).parent()
        && !parent.as_os_str().is_empty()
    {
        std::fs::create_dir_all(parent)
            .with_context(|| format!("could not create the database folder {}", parent.display()))?;
    }
    let url = with_create_mode(url);
    let mut options = ConnectOptions::new(url.clone());
    options.sqlx_logging(false);
    // sea-orm 2.0 passes both settings to sqlx's pool acquire timeout, which bounds the
    // wait for a free connection and the opening of a new one.
    options.acquire_timeout(acquire_timeout).connect_timeout(acquire_timeout).test_before_acquire(true);
    let mut db = Database::connect(options)
        .await
        .with_context(|| format!("could not connect to the database at {}", redact(&url)))?;
    let counter = StatementCounter::default();
    let counted = counter.clone();
    db.set_metric_callback(move |info| {
        if UNCOUNTED.try_with(|()| ()).is_err() {
            counted.0.fetch_add(1, Ordering::Relaxed);
            // Outside `count_statements` there is no task counter, and nothing to add to.
            let _ = TASK_STATEMENTS.try_with(|count| count.set(count.get() + 1));
        }
        // Statement text only: bound values can hold personal data and are never logged.
        tracing::debug!(target: "api::sql", elapsed_ms = info.elapsed.as_millis() as u64, failed = info.failed, sql = %info.statement.sql, "sql statement");
    });
    Ok((db, counter))
}

/// Serializes start-up (migrations and the seed import) between replicas on PostgreSQL.
///
/// The lock is a transaction-scoped advisory lock held by one pooled connection while the
/// migrations run on the others, so it is released even if the process dies. SQLite
/// needs none, because one SQLite file serves one process.
pub struct StartUpLock(Option<DatabaseTransaction>);

/// Advisory lock key for start-up; any constant shared by all replicas works.
const START_UP_LOCK_KEY: i64 = 0x4f41_535f_4e45_5457;

impl StartUpLock {
    /// Waits until no other replica is starting up.
    pub async fn acquire(db: &DatabaseConnection) -> anyhow::Result<StartUpLock> {
        if db.get_database_backend() != DbBackend::Postgres {
            return Ok(StartUpLock(None));
        }
        let txn = db.begin().await.context("could not open the start-up transaction")?;
        txn.execute_unprepared(&format!("SELECT pg_advisory_xact_lock({START_UP_LOCK_KEY})"))
            .await
            .context("could not take the start-up lock")?;
        Ok(StartUpLock(Some(txn)))
    }

    /// Lets the next replica start up.
    pub async fn release(self) -> anyhow::Result<()> {
        if let Some(txn) = self.0 {
            txn.commit().await.context("could not release the start-up lock")?;
        }
        Ok(())
    }
}

/// Applies pending migrations.
pub async fn migrate(db: &DatabaseConnection) -> anyhow::Result<()> {
    Migrator::up(db, None).await.context("could not apply the database migrations")
}

/// Adds `mode=rwc` to an SQLite file URL without a mode, so that a new file is created
/// instead of failing with "unable to open database file".
fn with_create_mode(url: &str) -> String {
    if sqlite_file(url).is_none() || url.contains("mode=") {
        return url.to_owned();
    }
    let separator = if url.contains('?') { '&' } else { '?' };
    format!("{url}{separator}mode=rwc")
}

/// Checks whether `url` names an SQLite database, a file or in memory.
pub fn is_sqlite(url: &str) -> bool {
    url.starts_with("sqlite:")
}

/// Returns the file path of an `sqlite:` URL, or `None` for other URLs and in-memory databases.
fn sqlite_file(url: &str) -> Option<&str> {
    let rest = url.strip_prefix("sqlite://").or_else(|| url.strip_prefix("sqlite:"))?;
    let path = rest.split('?').next()?;
    (!path.is_empty() && !path.starts_with(":memory:")).then_some(path)
}

/// Hides the password of a database URL for logs and errors.
pub fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme_end), Some(at)) if at > scheme_end => {
            let credentials = &url[scheme_end + 3..at];
            match credentials.split_once(':') {
                Some((user, _)) => format!("{}{user}:***{}", &url[..scheme_end + 3], &url[at..]),
                None => url.to_owned(),
            }
        }
        _ => url.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redact_hides_password() {
        assert_eq!(redact("postgres://app:secret@localhost/db"), "postgres://app:***@localhost/db");
        assert_eq!(redact("sqlite://data/x.db"), "sqlite://data/x.db");
    }

    #[test]
    fn sqlite_urls_get_create_mode() {
        assert_eq!(with_create_mode("sqlite:///tmp/x.db"), "sqlite:///tmp/x.db?mode=rwc");
        assert_eq!(with_create_mode("sqlite://x.db?cache=shared"), "sqlite://x.db?cache=shared&mode=rwc");
        assert_eq!(with_create_mode("sqlite://x.db?mode=ro"), "sqlite://x.db?mode=ro");
        assert_eq!(with_create_mode("postgres://h/db"), "postgres://h/db");
    }

    #[tokio::test]
    async fn uncounted_statements_skip_both_counters() {
        let (db, counter) = connect("sqlite::memory:").await.unwrap_or_else(|err| panic!("connect: {err:#}"));
        let select = || sea_orm::Statement::from_string(DbBackend::Sqlite, "SELECT 1");
        let ((), in_task) = count_statements(async {
            let _ = uncounted(db.execute_raw(select())).await;
            let _ = db.execute_raw(select()).await;
        })
        .await;
        assert_eq!(in_task, 1);
        assert_eq!(counter.get(), 1);
    }

    #[test]
    fn sqlite_file_skips_memory() {
        assert_eq!(sqlite_file("sqlite://data/x.db?mode=rwc"), Some("data/x.db"));
        assert_eq!(sqlite_file("sqlite::memory:"), None);
        assert_eq!(sqlite_file("postgres://x"), None);
    }
}
