//! Members and their roles, API tokens, revision history, and the editorial columns
//! (life-cycle status, visibility, version, owning network) of publications and initiatives.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use crate::table_helpers::{create, fk, index};

/// Creates the identity tables and adds the editorial columns.
pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261204_000004_create_identity_and_editorial_tables"
    }
}

/// Tables whose rows go through the editorial life cycle.
const EDITORIAL_TABLES: [&str; 2] = ["publications", "initiatives"];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let members = Table::create()
            .table("members")
            .col(pk_auto("id"))
            .col(text_null("subject").unique_key())
            .col(text("kind"))
            .col(text("display_name"))
            .col(text_null("email"))
            .col(integer_null("organization_id"))
            .col(boolean("is_admin").default(false))
            .col(boolean("active").default(true))
            .col(integer("version").default(1))
            .col(timestamp_with_time_zone("created_at").default(Expr::current_timestamp()))
            .col(timestamp_with_time_zone("updated_at").default(Expr::current_timestamp()))
            .foreign_key(&mut fk("members", "organization_id", "organizations", ForeignKeyAction::SetNull))
            .take();
        create(manager, members, vec![]).await?;

        let roles = Table::create()
            .table("member_network_roles")
            .col(integer("member_id"))
            .col(integer("network_id"))
            .col(text("role"))
            .primary_key(Index::create().name("pk_member_network_roles").col("member_id").col("network_id").col("role"))
            .foreign_key(&mut fk("member_network_roles", "member_id", "members", ForeignKeyAction::Cascade))
            .foreign_key(&mut fk("member_network_roles", "network_id", "networks", ForeignKeyAction::Cascade))
            .take();
        create(manager, roles, vec![index("member_network_roles", &["network_id"])]).await?;

        let tokens = Table::create()
            .table("api_tokens")
            .col(pk_auto("id"))
            .col(integer("member_id"))
            .col(text("name"))
            .col(text("prefix"))
            .col(text_uniq("token_hash"))
            .col(json_binary("scopes"))
            .col(timestamp_with_time_zone("expires_at"))
            .col(timestamp_with_time_zone_null("revoked_at"))
            .col(timestamp_with_time_zone_null("last_used_at"))
            .col(integer_null("created_by_id"))
            .col(timestamp_with_time_zone("created_at").default(Expr::current_timestamp()))
            .foreign_key(&mut fk("api_tokens", "member_id", "members", ForeignKeyAction::Cascade))
            .foreign_key(&mut fk("api_tokens", "created_by_id", "members", ForeignKeyAction::SetNull))
            .take();
        create(manager, tokens, vec![index("api_tokens", &["member_id"])]).await?;

        let revisions = Table::create()
            .table("revisions")
            .col(pk_auto("id"))
            .col(text("entity_type"))
            .col(integer("entity_id"))
            .col(integer("version"))
            .col(text("action"))
            .col(integer_null("actor_id"))
            .col(text("actor"))
            .col(json_binary("changes"))
            .col(timestamp_with_time_zone("created_at").default(Expr::current_timestamp()))
            .foreign_key(&mut fk("revisions", "actor_id", "members", ForeignKeyAction::SetNull))
            .take();
        create(manager, revisions, vec![index("revisions", &["entity_type", "entity_id"])]).await?;

        let db = manager.get_connection();
        for table in EDITORIAL_TABLES {
            // SQLite adds one column per ALTER TABLE statement. Existing rows came from
            // the reviewed data set, so they start out published and public.
            for column in [
                ColumnDef::new("editorial_status").text().not_null().default("published").take(),
                ColumnDef::new("visibility").text().not_null().default("public").take(),
                ColumnDef::new("version").integer().not_null().default(1).take(),
                ColumnDef::new("status_changed_at").timestamp_with_time_zone().null().take(),
                ColumnDef::new("published_at").timestamp_with_time_zone().null().take(),
            ] {
                manager.alter_table(Table::alter().table(table).add_column(column).take()).await?;
            }
            // sea-query cannot add a foreign key to an existing SQLite table, but both
            // databases accept an inline REFERENCES clause on ADD COLUMN.
            db.execute_unprepared(&format!(
                "ALTER TABLE {table} ADD COLUMN status_changed_by_id integer REFERENCES members (id) ON DELETE SET NULL"
            ))
            .await?;
            manager.create_index(index(table, &["editorial_status", "visibility"])).await?;
        }
        db.execute_unprepared(
            "ALTER TABLE publications ADD COLUMN network_id integer REFERENCES networks (id) ON DELETE RESTRICT",
        )
        .await?;
        manager.create_index(index("publications", &["network_id"])).await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_index(Index::drop().name("ix_publications_network_id").table("publications").to_owned()).await?;
        for table in EDITORIAL_TABLES {
            manager
                .drop_index(
                    Index::drop().name(format!("ix_{table}_editorial_status_visibility")).table(table).to_owned(),
                )
                .await?;
            let mut columns = vec![
                "editorial_status",
                "visibility",
                "version",
                "status_changed_at",
                "published_at",
                "status_changed_by_id",
            ];
            if table == "publications" {
                columns.push("network_id");
            }
            for column in columns {
                manager.alter_table(Table::alter().table(table).drop_column(column).take()).await?;
            }
        }
        for table in ["revisions", "api_tokens", "member_network_roles", "members"] {
            manager.drop_table(Table::drop().table(table).take()).await?;
        }
        Ok(())
    }
}
