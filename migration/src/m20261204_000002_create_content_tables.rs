//! Certifications, publications, and initiatives with their evidence.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use crate::table_helpers::{content_table, create, fk, index, link_table};

/// Link tables: name, left column and table, right column and table, whether rows carry a role.
type Link = (&'static str, (&'static str, &'static str), (&'static str, &'static str), bool);

const LINKS: [Link; 7] = [
    ("publication_topics", ("publication_id", "publications"), ("topic_id", "topics"), false),
    ("publication_countries", ("publication_id", "publications"), ("country_id", "countries"), false),
    ("publication_organizations", ("publication_id", "publications"), ("organization_id", "organizations"), true),
    ("publication_initiatives", ("publication_id", "publications"), ("initiative_id", "initiatives"), false),
    ("initiative_topics", ("initiative_id", "initiatives"), ("topic_id", "topics"), false),
    ("initiative_countries", ("initiative_id", "initiatives"), ("country_id", "countries"), true),
    ("initiative_organizations", ("initiative_id", "initiatives"), ("organization_id", "organizations"), true),
];

/// Creates the editorial content tables and their link tables.
pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261204_000002_create_content_tables"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let certifications = content_table("quality_certifications")
            .col(integer("institution_id"))
            .col(text("standard"))
            .col(text_null("scope"))
            .col(integer_null("certifying_body_id"))
            .col(text_null("certifying_body_name"))
            .col(date_null("issued_on"))
            .col(text("issued_precision"))
            .col(date_null("expires_on"))
            .col(text("expires_precision"))
            .col(text("status"))
            .col(text_null("status_note"))
            .col(integer_null("network_id"))
            .col(text_null("note"))
            .foreign_key(&mut fk(
                "quality_certifications",
                "institution_id",
                "organizations",
                ForeignKeyAction::Cascade,
            ))
            .foreign_key(&mut fk(
                "quality_certifications",
                "certifying_body_id",
                "organizations",
                ForeignKeyAction::Restrict,
            ))
            .foreign_key(&mut fk("quality_certifications", "network_id", "networks", ForeignKeyAction::Restrict))
            .take();
        create(
            manager,
            certifications,
            vec![
                index("quality_certifications", &["institution_id"]),
                index("quality_certifications", &["standard"]),
                index("quality_certifications", &["status"]),
            ],
        )
        .await?;

        let publications = content_table("publications")
            .col(json_binary("titles"))
            .col(text("original_language"))
            .col(text("kind"))
            .col(integer_null("publisher_id"))
            .col(text_null("publisher_name"))
            .col(integer_null("published_year"))
            .col(json_binary("languages"))
            .col(json_binary("links"))
            .col(json_binary("identifiers"))
            .col(text_null("series"))
            .col(text_null("edition"))
            .col(text_null("citation"))
            .col(text_null("license"))
            .col(json_binary("abstracts"))
            .col(text_null("notes"))
            .foreign_key(&mut fk("publications", "publisher_id", "organizations", ForeignKeyAction::Restrict))
            .take();
        create(
            manager,
            publications,
            vec![
                index("publications", &["kind"]),
                index("publications", &["published_year"]),
                index("publications", &["publisher_id"]),
            ],
        )
        .await?;

        let initiatives = content_table("initiatives")
            .col(json_binary("names"))
            .col(text_null("official_name"))
            .col(text("original_language"))
            .col(text("kind"))
            .col(boolean("international"))
            .col(text_null("jurisdiction"))
            .col(integer_null("start_year"))
            .col(integer_null("end_year"))
            .col(text_null("implementing_organization_name"))
            .col(json_binary("target_populations"))
            .col(json_binary("summaries"))
            .col(text_null("legal_basis"))
            .col(integer_null("network_id"))
            .col(text_null("notes"))
            .foreign_key(&mut fk("initiatives", "network_id", "networks", ForeignKeyAction::Restrict))
            .take();
        create(manager, initiatives, vec![index("initiatives", &["kind"]), index("initiatives", &["start_year"])])
            .await?;

        let evidence = Table::create()
            .table("evidence_ratings")
            .col(pk_auto("id"))
            .col(integer("initiative_id"))
            .col(integer("position"))
            .col(text_null("outcome"))
            .col(text_null("registry"))
            .col(text_null("rating_as_stated"))
            .col(text("level"))
            .col(integer_null("study_count"))
            .col(date_null("reviewed_on"))
            .col(text("reviewed_precision"))
            .col(text_null("method"))
            .col(text_null("basis"))
            .col(text_null("source_url"))
            .foreign_key(&mut fk("evidence_ratings", "initiative_id", "initiatives", ForeignKeyAction::Cascade))
            .take();
        create(
            manager,
            evidence,
            vec![index("evidence_ratings", &["initiative_id"]), index("evidence_ratings", &["level", "initiative_id"])],
        )
        .await?;

        for (name, left, right, with_role) in LINKS {
            manager.create_table(link_table(name, left, right, with_role)).await?;
            // The primary key serves lookups by the left id; this index serves the reverse.
            manager.create_index(index(name, &[right.0])).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            "initiative_organizations",
            "initiative_countries",
            "initiative_topics",
            "publication_initiatives",
            "publication_organizations",
            "publication_countries",
            "publication_topics",
            "evidence_ratings",
            "initiatives",
            "publications",
            "quality_certifications",
        ] {
            manager.drop_table(Table::drop().table(table).to_owned()).await?;
        }
        Ok(())
    }
}
