//! Training records: enrolments with enforced capacity, certificates, progress counts
//! behind the networks' targets, bulk imports of records, and the synthetic data set used
//! by the benchmark.

pub mod certificates;
pub mod enrolment;
pub mod generate;
pub mod import;
pub mod progress;

use sea_orm::{ConnectionTrait, DatabaseConnection, DatabaseTransaction, DbBackend, TransactionTrait};

use crate::error::ApiResult;

/// Begins a transaction that writes training records.
///
/// On SQLite, a transaction that reads before it writes can fail to take the write lock
/// when another writer went first, and that failure is not retried. A first statement
/// that writes nothing but asks for the write lock makes SQLite wait its busy timeout
/// for the lock instead, so concurrent enrolments queue rather than fail. PostgreSQL
/// locks the rows each statement touches and needs no such step.
pub async fn begin_write(db: &DatabaseConnection) -> ApiResult<DatabaseTransaction> {
    let txn = db.begin().await?;
    if txn.get_database_backend() == DbBackend::Sqlite {
        txn.execute_unprepared("UPDATE progress_counts SET officers = officers WHERE 1 = 0").await?;
    }
    Ok(txn)
}
