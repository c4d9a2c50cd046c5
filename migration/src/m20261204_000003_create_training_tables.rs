//! The course catalogue (courses, accreditations, offerings), events and the networks' targets.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use crate::table_helpers::{content_table, create, fk, index, link_table};

/// Creates the training catalogue tables.
pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261204_000003_create_training_tables"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let courses = content_table("courses")
            .col(text_uniq("code"))
            .col(json_binary("titles"))
            .col(integer("network_id"))
            .col(text("modality"))
            .col(integer_null("hours"))
            .col(text_null("duration_note"))
            .col(json_binary("languages"))
            .col(text_null("language_note"))
            .col(text_null("level"))
            .col(json_binary("prerequisites"))
            .col(json_binary("learning_outcomes"))
            .col(json_binary("modules"))
            .col(json_binary("descriptions"))
            .col(integer_null("funded_by_id"))
            .col(text_null("delivery_note"))
            .col(text_null("notes"))
            .foreign_key(&mut fk("courses", "network_id", "networks", ForeignKeyAction::Restrict))
            .foreign_key(&mut fk("courses", "funded_by_id", "organizations", ForeignKeyAction::Restrict))
            .take();
        create(manager, courses, vec![index("courses", &["network_id"]), index("courses", &["modality"])]).await?;

        manager
            .create_table(link_table("course_topics", ("course_id", "courses"), ("topic_id", "topics"), false))
            .await?;
        manager.create_index(index("course_topics", &["topic_id"])).await?;

        let accreditations = Table::create()
            .table("accreditations")
            .col(pk_auto("id"))
            .col(integer("course_id"))
            .col(integer("university_id"))
            .col(double_null("credits"))
            .col(text("role"))
            .foreign_key(&mut fk("accreditations", "course_id", "courses", ForeignKeyAction::Cascade))
            .foreign_key(&mut fk("accreditations", "university_id", "organizations", ForeignKeyAction::Restrict))
            .index(
                Index::create()
                    .name("ux_accreditations_course_university")
                    .col("course_id")
                    .col("university_id")
                    .unique(),
            )
            .take();
        create(manager, accreditations, vec![index("accreditations", &["university_id"])]).await?;

        let offerings = content_table("course_offerings")
            .col(integer("course_id"))
            .col(integer_null("edition"))
            .col(text("modality"))
            .col(integer_null("venue_id"))
            .col(text_null("platform"))
            .col(text_null("city"))
            .col(integer_null("country_id"))
            .col(date_null("starts_on"))
            .col(date_null("ends_on"))
            .col(text("date_precision"))
            .col(text_null("time_zone"))
            .col(date_null("enrolment_opens_on"))
            .col(date_null("enrolment_closes_on"))
            .col(integer_null("capacity"))
            .col(text("status"))
            .col(text_null("language"))
            .col(integer_null("participating_member_states"))
            .col(integer_null("participants"))
            .col(text_null("funded_by"))
            .col(text_null("notes"))
            .foreign_key(&mut fk("course_offerings", "course_id", "courses", ForeignKeyAction::Cascade))
            .foreign_key(&mut fk("course_offerings", "venue_id", "organizations", ForeignKeyAction::Restrict))
            .foreign_key(&mut fk("course_offerings", "country_id", "countries", ForeignKeyAction::Restrict))
            .take();
        create(
            manager,
            offerings,
            vec![
                index("course_offerings", &["course_id", "starts_on"]),
                index("course_offerings", &["venue_id"]),
                index("course_offerings", &["country_id"]),
                index("course_offerings", &["starts_on"]),
            ],
        )
        .await?;

        manager
            .create_table(link_table(
                "offering_organizations",
                ("offering_id", "course_offerings"),
                ("organization_id", "organizations"),
                true,
            ))
            .await?;
        manager.create_index(index("offering_organizations", &["organization_id"])).await?;

        let events = content_table("events")
            .col(json_binary("names"))
            .col(text("kind"))
            .col(date_null("starts_on"))
            .col(date_null("ends_on"))
            .col(text("date_precision"))
            .col(text_null("city"))
            .col(integer_null("country_id"))
            .col(text("status"))
            .col(json_binary("summaries"))
            .col(integer_null("offering_id"))
            .foreign_key(&mut fk("events", "country_id", "countries", ForeignKeyAction::Restrict))
            .foreign_key(&mut fk("events", "offering_id", "course_offerings", ForeignKeyAction::SetNull))
            .take();
        create(
            manager,
            events,
            vec![index("events", &["kind"]), index("events", &["country_id"]), index("events", &["starts_on"])],
        )
        .await?;

        for (name, left, right) in [
            ("event_organizations", ("event_id", "events"), ("organization_id", "organizations")),
            ("event_networks", ("event_id", "events"), ("network_id", "networks")),
        ] {
            manager.create_table(link_table(name, left, right, false)).await?;
            manager.create_index(index(name, &[right.0])).await?;
        }

        let targets = content_table("targets")
            .col(integer("network_id"))
            .col(json_binary("metrics"))
            .col(text_null("modality"))
            .col(big_integer("target_value"))
            .col(text("unit"))
            .col(text_null("timeframe"))
            .col(text_null("source_type"))
            .col(text_null("notes"))
            .foreign_key(&mut fk("targets", "network_id", "networks", ForeignKeyAction::Cascade))
            .take();
        create(manager, targets, vec![index("targets", &["network_id"])]).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            "targets",
            "event_networks",
            "event_organizations",
            "events",
            "offering_organizations",
            "course_offerings",
            "accreditations",
            "course_topics",
            "courses",
        ] {
            manager.drop_table(Table::drop().table(table).to_owned()).await?;
        }
        Ok(())
    }
}
