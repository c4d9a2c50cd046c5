//! `GET /ready`: whether this process should receive traffic.

use std::collections::HashSet;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse as _, Response};
use migration::{Migrator, MigratorTrait as _};
use sea_orm::{ConnectionTrait as _, DatabaseConnection, Statement};

use super::shutdown::Lifecycle;

/// Maximum time the database checks may take before `/ready` reports the database as
/// unavailable.
pub const READY_TIMEOUT: Duration = Duration::from_secs(2);

/// The state of the readiness check.
#[derive(Clone)]
pub struct Readiness {
    db: DatabaseConnection,
    lifecycle: Lifecycle,
    /// Set once every known migration was found applied. The server never reverts
    /// migrations, so later checks only run a trivial query.
    migrated: Arc<AtomicBool>,
}

impl Readiness {
    /// Builds the check over a database and the server's shutdown state.
    pub fn new(db: DatabaseConnection, lifecycle: Lifecycle) -> Readiness {
        Readiness { db, lifecycle, migrated: Arc::new(AtomicBool::new(false)) }
    }
}

/// Returns 200 `{"ready":true}` when the database responds within [`READY_TIMEOUT`], every
/// migration this binary contains is applied, and shutdown has not begun. Otherwise it
/// returns 503 with the failed check (`shutdown`, `database` or `migrations`) and a message.
pub async fn ready(State(readiness): State<Readiness>) -> Response {
    if readiness.lifecycle.is_shutting_down() {
        return not_ready("shutdown", "The server is shutting down.".to_owned());
    }
    // Uncounted, so that load balancers' checks leave the SQL statement counts unchanged.
    match tokio::time::timeout(READY_TIMEOUT, crate::db::uncounted(check_database(&readiness))).await {
        Err(_) => {
            not_ready("database", format!("The database did not answer within {} seconds.", READY_TIMEOUT.as_secs()))
        }
        Ok(Err(error)) => {
            tracing::warn!(error = %error, "readiness check: the database is unavailable");
            not_ready("database", "The database is unavailable.".to_owned())
        }
        Ok(Ok(0)) => (StatusCode::OK, Json(serde_json::json!({ "ready": true }))).into_response(),
        Ok(Ok(missing)) => not_ready(
            "migrations",
            format!("{missing} database migrations are not applied yet; the server or `api migrate` applies them."),
        ),
    }
}

/// Runs a trivial query and returns the number of known migrations not yet applied.
async fn check_database(readiness: &Readiness) -> Result<usize, sea_orm::DbErr> {
    let backend = readiness.db.get_database_backend();
    if readiness.migrated.load(Ordering::Relaxed) {
        readiness.db.execute_raw(Statement::from_string(backend, "SELECT 1")).await?;
        return Ok(0);
    }
    let rows =
        readiness.db.query_all_raw(Statement::from_string(backend, "SELECT version FROM seaql_migrations")).await?;
    let applied: HashSet<String> = rows.iter().filter_map(|row| row.try_get::<String>("", "version").ok()).collect();
    let missing = Migrator::migrations().iter().filter(|migration| !applied.contains(migration.name())).count();
    if missing == 0 {
        readiness.migrated.store(true, Ordering::Relaxed);
    }
    Ok(missing)
}

fn not_ready(check: &str, message: String) -> Response {
    let body = serde_json::json!({ "ready": false, "check": check, "message": message });
    (StatusCode::SERVICE_UNAVAILABLE, Json(body)).into_response()
}
