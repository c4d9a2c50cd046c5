//! The per-client cost counters of the rate limiter on PostgreSQL, shared by every replica.
//!
//! The table is `UNLOGGED`: the counters need no crash safety, because losing them only
//! gives every client a fresh budget, and unlogged writes skip the write-ahead log.
//! SQLite gets no table, because there one database file serves one process, which keeps
//! its counters in memory.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::DbBackend;

/// Creates `rate_limit_counters` on PostgreSQL.
pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261205_000007_create_rate_limit_counters"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        if manager.get_database_backend() != DbBackend::Postgres {
            return Ok(());
        }
        let db = manager.get_connection();
        // One row per client and fixed window: `points` is the cost charged so far, and
        // `admitted` whether the latest charge fitted the budget.
        db.execute_unprepared(
            "CREATE UNLOGGED TABLE rate_limit_counters (
                client TEXT NOT NULL,
                window_start BIGINT NOT NULL,
                points BIGINT NOT NULL,
                admitted BOOLEAN NOT NULL,
                CONSTRAINT pk_rate_limit_counters PRIMARY KEY (client, window_start)
            )",
        )
        .await?;
        db.execute_unprepared("CREATE INDEX ix_rate_limit_counters_window_start ON rate_limit_counters (window_start)")
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        if manager.get_database_backend() != DbBackend::Postgres {
            return Ok(());
        }
        manager.drop_table(Table::drop().table("rate_limit_counters").take()).await
    }
}
