//! Database schema migrations for the network graph, shared by SQLite and PostgreSQL.

pub use sea_orm_migration::prelude::*;

mod m20261204_000001_create_reference_tables;
mod m20261204_000002_create_content_tables;
mod m20261204_000003_create_training_tables;
mod m20261204_000004_create_identity_and_editorial_tables;
mod m20261204_000005_add_editorial_columns_everywhere;
mod m20261205_000006_create_training_records;
mod m20261205_000007_create_rate_limit_counters;
mod table_helpers;

/// Applies every migration in order; the server runs it at start-up.
pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261204_000001_create_reference_tables::Migration),
            Box::new(m20261204_000002_create_content_tables::Migration),
            Box::new(m20261204_000003_create_training_tables::Migration),
            Box::new(m20261204_000004_create_identity_and_editorial_tables::Migration),
            Box::new(m20261204_000005_add_editorial_columns_everywhere::Migration),
            Box::new(m20261205_000006_create_training_records::Migration),
            Box::new(m20261205_000007_create_rate_limit_counters::Migration),
        ]
    }
}
