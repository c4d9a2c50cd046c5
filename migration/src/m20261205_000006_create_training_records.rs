//! Training records: officers and instructors, their enrolments in course offerings,
//! certificates, institution coordinators, the maintained progress counts behind the
//! networks' targets, and the failed-verification counters that throttle code guessing.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use crate::table_helpers::{create, fk, index};

/// Creates the training-record tables.
pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261205_000006_create_training_records"
    }
}

fn unique(table: &'static str, columns: &[&'static str]) -> IndexCreateStatement {
    let mut index = index(table, columns);
    index.name(format!("ux_{table}_{}", columns.join("_"))).unique();
    index
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let coordinators = Table::create()
            .table("member_institution_roles")
            .col(integer("member_id"))
            .col(integer("institution_id"))
            .col(text("role"))
            .primary_key(
                Index::create().name("pk_member_institution_roles").col("member_id").col("institution_id").col("role"),
            )
            .foreign_key(&mut fk("member_institution_roles", "member_id", "members", ForeignKeyAction::Cascade))
            .foreign_key(&mut fk(
                "member_institution_roles",
                "institution_id",
                "organizations",
                ForeignKeyAction::Cascade,
            ))
            .take();
        create(manager, coordinators, vec![index("member_institution_roles", &["institution_id"])]).await?;

        let officers = Table::create()
            .table("officers")
            .col(pk_auto("id"))
            .col(integer_null("member_id"))
            .col(integer("institution_id"))
            .col(integer("country_id"))
            .col(text_null("external_ref"))
            .col(text("role"))
            .col(text_null("rank"))
            .col(text("display_name"))
            .col(text("sort_name"))
            .col(text_null("email"))
            .col(boolean("active").default(true))
            .col(integer("version").default(1))
            .col(timestamp_with_time_zone("created_at").default(Expr::current_timestamp()))
            .col(timestamp_with_time_zone("updated_at").default(Expr::current_timestamp()))
            .foreign_key(&mut fk("officers", "member_id", "members", ForeignKeyAction::SetNull))
            .foreign_key(&mut fk("officers", "institution_id", "organizations", ForeignKeyAction::Restrict))
            .foreign_key(&mut fk("officers", "country_id", "countries", ForeignKeyAction::Restrict))
            .take();
        create(
            manager,
            officers,
            vec![
                unique("officers", &["member_id"]),
                unique("officers", &["institution_id", "external_ref"]),
                index("officers", &["institution_id", "sort_name"]),
                index("officers", &["country_id"]),
                index("officers", &["sort_name"]),
            ],
        )
        .await?;

        let enrolments = Table::create()
            .table("enrolments")
            .col(pk_auto("id"))
            .col(integer("officer_id"))
            .col(integer("offering_id"))
            .col(integer("course_id"))
            .col(text("status"))
            .col(timestamp_with_time_zone("applied_at"))
            .col(timestamp_with_time_zone_null("enrolled_at"))
            .col(timestamp_with_time_zone_null("waitlisted_at"))
            .col(timestamp_with_time_zone_null("withdrawn_at"))
            .col(date_null("completed_on"))
            .col(double_null("score"))
            .col(text_null("result"))
            .col(text("source"))
            .col(integer("version").default(1))
            .col(timestamp_with_time_zone("created_at").default(Expr::current_timestamp()))
            .col(timestamp_with_time_zone("updated_at").default(Expr::current_timestamp()))
            .foreign_key(&mut fk("enrolments", "officer_id", "officers", ForeignKeyAction::Cascade))
            .foreign_key(&mut fk("enrolments", "offering_id", "course_offerings", ForeignKeyAction::Cascade))
            .foreign_key(&mut fk("enrolments", "course_id", "courses", ForeignKeyAction::Cascade))
            .take();
        create(
            manager,
            enrolments,
            vec![
                unique("enrolments", &["officer_id", "offering_id"]),
                index("enrolments", &["offering_id", "status", "waitlisted_at"]),
                index("enrolments", &["course_id", "id"]),
                index("enrolments", &["offering_id", "id"]),
            ],
        )
        .await?;

        let certificates = Table::create()
            .table("certificates")
            .col(pk_auto("id"))
            .col(integer("enrolment_id"))
            .col(text("code"))
            .col(text("holder_name"))
            .col(integer("course_id"))
            .col(date("issued_on"))
            .col(text("status"))
            .col(timestamp_with_time_zone("created_at").default(Expr::current_timestamp()))
            .foreign_key(&mut fk("certificates", "enrolment_id", "enrolments", ForeignKeyAction::Cascade))
            .foreign_key(&mut fk("certificates", "course_id", "courses", ForeignKeyAction::Cascade))
            .take();
        create(
            manager,
            certificates,
            vec![unique("certificates", &["enrolment_id"]), unique("certificates", &["code"])],
        )
        .await?;

        let progress = Table::create()
            .table("progress_counts")
            .col(integer("network_id"))
            .col(text("modality"))
            .col(text("dimension"))
            .col(text("key"))
            .col(big_integer("officers"))
            .primary_key(
                Index::create()
                    .name("pk_progress_counts")
                    .col("network_id")
                    .col("modality")
                    .col("dimension")
                    .col("key"),
            )
            .foreign_key(&mut fk("progress_counts", "network_id", "networks", ForeignKeyAction::Cascade))
            .take();
        create(manager, progress, vec![]).await?;

        let failures = Table::create()
            .table("verification_failures")
            .col(text("client"))
            .col(big_integer("window_start"))
            .col(integer("failures"))
            .primary_key(Index::create().name("pk_verification_failures").col("client").col("window_start"))
            .take();
        create(manager, failures, vec![index("verification_failures", &["window_start"])]).await?;

        manager
            .alter_table(Table::alter().table("course_offerings").add_column(integer("seats_taken").default(0)).take())
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.alter_table(Table::alter().table("course_offerings").drop_column("seats_taken").take()).await?;
        for table in [
            "verification_failures",
            "progress_counts",
            "certificates",
            "enrolments",
            "officers",
            "member_institution_roles",
        ] {
            manager.drop_table(Table::drop().table(table).take()).await?;
        }
        Ok(())
    }
}
