//! Countries, topics, organizations (police institutions among them) and networks.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use crate::table_helpers::{content_table, create, fk, index};

/// Creates the reference tables that every other record points at.
pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261204_000001_create_reference_tables"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let countries = content_table("countries")
            .col(text_uniq("iso2"))
            .col(text_uniq("iso3"))
            .col(json_binary("names"))
            .col(text_null("capital"))
            .col(text_null("seat_of_government"))
            .col(text("region"))
            .col(json_binary("subregional_groupings"))
            .col(integer_null("oas_member_since"))
            .col(boolean("oas_founding_member"))
            .col(text("oas_status"))
            .col(text_null("status_note"))
            .col(date_null("status_effective_on"))
            .take();
        create(manager, countries, vec![index("countries", &["region"]), index("countries", &["oas_status"])]).await?;

        let topics = content_table("topics")
            .col(integer_null("parent_id"))
            .col(json_binary("labels"))
            .foreign_key(&mut fk("topics", "parent_id", "topics", ForeignKeyAction::Restrict))
            .take();
        create(manager, topics, vec![index("topics", &["parent_id"])]).await?;

        // Police institutions are organizations of kind `police_institution`: one table keeps
        // a venue, a publisher and a certified institution addressable by the same key, and
        // the police-only columns stay null for other kinds.
        let organizations = content_table("organizations")
            .col(json_binary("names"))
            .col(json_binary("acronyms"))
            .col(text("kind"))
            .col(integer_null("country_id"))
            .col(text_null("city"))
            .col(text_null("website"))
            .col(integer_null("parent_id"))
            .col(text_null("founded"))
            .col(text_null("note"))
            .col(text_null("official_name"))
            .col(text_null("official_name_language"))
            .col(text_null("police_kind"))
            .col(text_null("level"))
            .col(boolean("active").default(true))
            .col(integer_null("founded_year"))
            .col(double_null("latitude"))
            .col(double_null("longitude"))
            .foreign_key(&mut fk("organizations", "country_id", "countries", ForeignKeyAction::Restrict))
            .foreign_key(&mut fk("organizations", "parent_id", "organizations", ForeignKeyAction::Restrict))
            .take();
        create(
            manager,
            organizations,
            vec![
                index("organizations", &["kind", "country_id"]),
                index("organizations", &["country_id"]),
                index("organizations", &["parent_id"]),
            ],
        )
        .await?;

        let networks = content_table("networks")
            .col(text_null("acronym"))
            .col(json_binary("names"))
            .col(json_binary("short_names"))
            .col(integer_null("coordinating_organization_id"))
            .col(integer_null("founded_year"))
            .col(date_null("launched_on"))
            .col(boolean("launch_date_verified").default(false))
            .col(text_null("website"))
            .col(json_binary("summaries"))
            .col(json_binary("activities"))
            .col(json_binary("pillars"))
            .col(json_binary("legal_basis"))
            .col(json_binary("reported_results"))
            .col(json_binary("unverified_claims"))
            .col(json_binary("details"))
            .col(text_null("notes"))
            .foreign_key(&mut fk(
                "networks",
                "coordinating_organization_id",
                "organizations",
                ForeignKeyAction::Restrict,
            ))
            .take();
        create(manager, networks, vec![]).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in ["networks", "organizations", "topics", "countries"] {
            manager.drop_table(Table::drop().table(table).to_owned()).await?;
        }
        Ok(())
    }
}
