//! Fixed-window cost counters: in memory for SQLite, in the `rate_limit_counters` table
//! for PostgreSQL.
//!
//! A charge is admitted when the client's points spent in the current window plus the
//! charge fit its budget. An admitted charge is added, and a rejected one adds nothing,
//! so a client refused for one expensive query can still run cheaper ones.

use std::collections::HashMap;
use std::sync::Mutex;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::Duration;

use sea_orm::{ConnectionTrait, DatabaseConnection, DbBackend, Statement};

use crate::db;
use crate::error::ApiError;

/// One fixed window: windows start at whole multiples of their length since the Unix
/// epoch, so every replica puts a moment in the same window without coordination.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Window {
    /// Unix time in seconds at which the window started.
    pub start: i64,
    /// Length in seconds, at least 1.
    pub seconds: i64,
}

impl Window {
    /// Returns the window of `length_seconds` that contains the Unix time `now`.
    pub fn containing(now: i64, length_seconds: u64) -> Window {
        let seconds = i64::try_from(length_seconds).unwrap_or(i64::MAX).max(1);
        Window { start: now - now.rem_euclid(seconds), seconds }
    }

    /// Returns the whole seconds from `now` until the window ends, at least 1.
    pub fn seconds_left(&self, now: i64) -> u64 {
        let left = self.start.saturating_add(self.seconds).saturating_sub(now);
        u64::try_from(left).unwrap_or(0).max(1)
    }
}

/// The state of one client's counter after a charge.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Spent {
    /// Points charged in the window so far, this charge included when admitted.
    pub points: u64,
    /// Whether the charge fitted the budget and was added.
    pub admitted: bool,
}

/// The store of the counters.
pub(crate) enum Counters {
    /// In this process, for SQLite, where one database file serves one process.
    Memory(Mutex<MemoryCounters>),
    /// In PostgreSQL, shared by every replica.
    Postgres(PostgresCounters),
}

impl Counters {
    /// Picks the store for the connection's database.
    pub fn for_database(db: &DatabaseConnection) -> Counters {
        match db.get_database_backend() {
            DbBackend::Postgres => Counters::Postgres(PostgresCounters { db: db.clone(), pruned: AtomicI64::new(0) }),
            _ => Counters::Memory(Mutex::new(MemoryCounters::default())),
        }
    }

    /// Charges `cost` points to `client` in `window` if they fit `budget`.
    pub async fn charge(&self, client: &str, cost: u64, budget: u64, window: Window) -> Result<Spent, ApiError> {
        match self {
            Counters::Memory(counters) => {
                let mut counters = counters.lock().map_err(|_| {
                    ApiError::Unexpected("a thread panicked while it held the rate limiter's counters".into())
                })?;
                Ok(counters.charge(client, cost, budget, window))
            }
            Counters::Postgres(counters) => counters.charge(client, cost, budget, window).await,
        }
    }
}

/// The maximum number of clients the in-memory counters track in one window. Further clients share one
/// counter, so a flood of distinct addresses cannot grow memory without bound.
const MAX_TRACKED_CLIENTS: usize = 100_000;
/// The counter shared by clients beyond [`MAX_TRACKED_CLIENTS`].
const OVERFLOW_CLIENT: &str = "overflow";

/// Counters of the current window, for one process.
#[derive(Debug, Default)]
pub(crate) struct MemoryCounters {
    /// Start of the window that `points` counts.
    window_start: i64,
    /// Points spent per client key in that window.
    points: HashMap<String, u64>,
}

impl MemoryCounters {
    fn charge(&mut self, client: &str, cost: u64, budget: u64, window: Window) -> Spent {
        // Windows are the same for every client, so a new window makes every counter
        // stale: clearing them all is the pruning.
        if window.start > self.window_start {
            self.window_start = window.start;
            self.points.clear();
        }
        let client = if self.points.len() >= MAX_TRACKED_CLIENTS && !self.points.contains_key(client) {
            if !self.points.contains_key(OVERFLOW_CLIENT) {
                tracing::warn!(
                    tracked = MAX_TRACKED_CLIENTS,
                    "the rate limiter tracks its maximum number of clients in this window; further clients share one budget until it ends"
                );
            }
            OVERFLOW_CLIENT
        } else {
            client
        };
        let spent = self.points.entry(client.to_owned()).or_insert(0);
        let admitted = spent.saturating_add(cost) <= budget;
        if admitted {
            *spent += cost;
        }
        Spent { points: *spent, admitted }
    }
}

/// The maximum time a charge waits for the database before the request fails with
/// `SERVICE_UNAVAILABLE`.
const CHARGE_TIMEOUT: Duration = Duration::from_secs(5);
/// Rows one pruning statement deletes at most.
const PRUNE_BATCH: u64 = 5_000;
/// Pruning statements one replica sends at most per window.
const PRUNE_BATCHES: usize = 20;

/// Charges a client in one statement: the row lock of the upsert makes concurrent charges
/// of one client, on one replica or several, see each other's points. The insert values
/// are computed by the caller for a client's first charge in the window.
const CHARGE_SQL: &str = "INSERT INTO rate_limit_counters AS counter (client, window_start, points, admitted) \
     VALUES ($1, $2, $3, $4) \
     ON CONFLICT (client, window_start) DO UPDATE SET \
     points = CASE WHEN counter.points + $5 <= $6 THEN counter.points + $5 ELSE counter.points END, \
     admitted = counter.points + $5 <= $6 \
     RETURNING points, admitted";

/// Deletes up to [`PRUNE_BATCH`] rows of windows that ended before `$1`, through the index
/// on `window_start`.
const PRUNE_SQL: &str = "DELETE FROM rate_limit_counters WHERE ctid IN \
     (SELECT ctid FROM rate_limit_counters WHERE window_start < $1 LIMIT $2)";

/// Counters in PostgreSQL's `rate_limit_counters` table.
pub(crate) struct PostgresCounters {
    db: DatabaseConnection,
    /// Start of the newest window in which this replica pruned old rows.
    pruned: AtomicI64,
}

impl PostgresCounters {
    async fn charge(&self, client: &str, cost: u64, budget: u64, window: Window) -> Result<Spent, ApiError> {
        let fits = cost <= budget;
        let statement = Statement::from_sql_and_values(
            DbBackend::Postgres,
            CHARGE_SQL,
            [
                client.into(),
                window.start.into(),
                points_value(if fits { cost } else { 0 }).into(),
                fits.into(),
                points_value(cost).into(),
                points_value(budget).into(),
            ],
        );
        let row = tokio::time::timeout(CHARGE_TIMEOUT, db::uncounted(self.db.query_one_raw(statement)))
            .await
            .map_err(|_| {
                tracing::warn!(timeout_seconds = CHARGE_TIMEOUT.as_secs(), "the rate limit charge timed out");
                unavailable()
            })?
            .map_err(|err| {
                tracing::warn!(error = %err, "the rate limit charge failed");
                unavailable()
            })?
            .ok_or_else(|| ApiError::Unexpected("the rate limit charge returned no row".into()))?;
        let points = row.try_get::<i64>("", "points").map_err(ApiError::from)?;
        let admitted = row.try_get::<bool>("", "admitted").map_err(ApiError::from)?;
        if self.pruned.swap(window.start, Ordering::Relaxed) < window.start {
            self.prune_in_background(window.start);
        }
        Ok(Spent { points: u64::try_from(points).unwrap_or(0), admitted })
    }

    /// Deletes rows of ended windows in a background task, so the request does not wait.
    fn prune_in_background(&self, before: i64) {
        let db = self.db.clone();
        tokio::spawn(db::uncounted(async move {
            for _ in 0..PRUNE_BATCHES {
                let statement = Statement::from_sql_and_values(
                    DbBackend::Postgres,
                    PRUNE_SQL,
                    [before.into(), points_value(PRUNE_BATCH).into()],
                );
                match db.execute_raw(statement).await {
                    Ok(result) if result.rows_affected() < PRUNE_BATCH => return,
                    Ok(_) => {}
                    Err(err) => {
                        tracing::warn!(error = %err, before, "could not delete old rate limit counters; the next window tries again");
                        return;
                    }
                }
            }
        }));
    }
}

/// Converts points to the `BIGINT` the table stores; settings stay far below its maximum.
fn points_value(points: u64) -> i64 {
    i64::try_from(points).unwrap_or(i64::MAX)
}

fn unavailable() -> ApiError {
    ApiError::ServiceUnavailable(
        "The request could not be checked against its rate limit because the database is unavailable; try again \
         in a few seconds."
            .into(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn windows_align_to_their_length() {
        let window = Window::containing(1_800_000_123, 60);
        assert_eq!(window, Window { start: 1_800_000_120, seconds: 60 });
        assert_eq!(window.seconds_left(1_800_000_123), 57);
        assert_eq!(window.seconds_left(1_800_000_120), 60);
        assert_eq!(window.seconds_left(1_800_000_179), 1);
        // A moment after the window ended still reports at least one second.
        assert_eq!(window.seconds_left(1_800_000_200), 1);
        assert_eq!(Window::containing(42, 0), Window { start: 42, seconds: 1 });
        assert_eq!(Window::containing(-1, 60).start, -60);
    }

    #[test]
    fn memory_counters_admit_what_fits() {
        let mut counters = MemoryCounters::default();
        let window = Window::containing(1_000, 60);
        assert_eq!(counters.charge("a", 60, 100, window), Spent { points: 60, admitted: true });
        assert_eq!(counters.charge("a", 50, 100, window), Spent { points: 60, admitted: false });
        assert_eq!(counters.charge("a", 40, 100, window), Spent { points: 100, admitted: true });
        assert_eq!(counters.charge("a", 1, 100, window), Spent { points: 100, admitted: false });
        assert_eq!(counters.charge("b", 1, 100, window), Spent { points: 1, admitted: true });
        assert_eq!(counters.charge("c", 101, 100, window), Spent { points: 0, admitted: false });
    }

    #[test]
    fn memory_counters_reset_with_window() {
        let mut counters = MemoryCounters::default();
        let first = Window::containing(1_000, 60);
        let next = Window::containing(1_060, 60);
        counters.charge("a", 100, 100, first);
        counters.charge("b", 10, 100, first);
        assert_eq!(counters.charge("a", 1, 100, next), Spent { points: 1, admitted: true });
        assert_eq!(counters.points.len(), 1, "the new window dropped the other client's counter");
        // A charge computed just before the window changed counts in the newer window.
        assert_eq!(counters.charge("a", 1, 100, first), Spent { points: 2, admitted: true });
    }

    #[test]
    fn memory_counters_share_one_budget_when_full() {
        let mut counters = MemoryCounters::default();
        let window = Window::containing(1_000, 60);
        for client in 0..MAX_TRACKED_CLIENTS {
            counters.charge(&client.to_string(), 1, 100, window);
        }
        assert_eq!(counters.charge("late", 60, 100, window), Spent { points: 60, admitted: true });
        assert_eq!(counters.charge("later", 60, 100, window), Spent { points: 60, admitted: false });
        assert_eq!(counters.points.len(), MAX_TRACKED_CLIENTS + 1);
    }
}
