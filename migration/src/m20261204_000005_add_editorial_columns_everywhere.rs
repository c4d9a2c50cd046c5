//! Gives every remaining kind in the graph the editorial columns publications and
//! initiatives have, so that each can be drafted, published, archived and restored.

use sea_orm_migration::prelude::*;

use crate::table_helpers::index;

/// Adds the editorial columns to the reference and training tables.
pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261204_000005_add_editorial_columns_everywhere"
    }
}

/// Tables that gain a life cycle here; publications and initiatives have one already.
const TABLES: [&str; 9] = [
    "countries",
    "topics",
    "organizations",
    "networks",
    "quality_certifications",
    "courses",
    "course_offerings",
    "events",
    "targets",
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        for table in TABLES {
            // Existing rows came from the reviewed data set, so they start out published and
            // public. SQLite adds one column per ALTER TABLE statement.
            for column in [
                ColumnDef::new("editorial_status").text().not_null().default("published").take(),
                ColumnDef::new("visibility").text().not_null().default("public").take(),
                ColumnDef::new("version").integer().not_null().default(1).take(),
                ColumnDef::new("status_changed_at").timestamp_with_time_zone().null().take(),
                ColumnDef::new("published_at").timestamp_with_time_zone().null().take(),
            ] {
                manager.alter_table(Table::alter().table(table).add_column(column).take()).await?;
            }
            db.execute_unprepared(&format!(
                "ALTER TABLE {table} ADD COLUMN status_changed_by_id integer REFERENCES members (id) ON DELETE SET NULL"
            ))
            .await?;
            manager.create_index(index(table, &["editorial_status", "visibility"])).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in TABLES {
            manager
                .drop_index(
                    Index::drop().name(format!("ix_{table}_editorial_status_visibility")).table(table).to_owned(),
                )
                .await?;
            for column in [
                "editorial_status",
                "visibility",
                "version",
                "status_changed_at",
                "published_at",
                "status_changed_by_id",
            ] {
                manager.alter_table(Table::alter().table(table).drop_column(column).take()).await?;
            }
        }
        Ok(())
    }
}
