//! One edition of a course.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

/// One edition of a course.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "course_offerings")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    #[sea_orm(unique)]
    pub slug: String,
    pub illustrative: bool,
    pub verified: bool,
    pub sources: Json,
    pub search_text: String,
    pub sort_name: String,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub course_id: i32,
    pub edition: Option<i32>,
    pub modality: String,
    pub venue_id: Option<i32>,
    pub platform: Option<String>,
    pub city: Option<String>,
    pub country_id: Option<i32>,
    pub starts_on: Option<Date>,
    pub ends_on: Option<Date>,
    pub date_precision: String,
    pub time_zone: Option<String>,
    pub enrolment_opens_on: Option<Date>,
    pub enrolment_closes_on: Option<Date>,
    pub capacity: Option<i32>,
    pub seats_taken: i32,
    pub status: String,
    pub language: Option<String>,
    pub participating_member_states: Option<i32>,
    pub participants: Option<i32>,
    pub funded_by: Option<String>,
    pub notes: Option<String>,
    pub editorial_status: String,
    pub visibility: String,
    pub version: i32,
    pub status_changed_at: Option<DateTimeUtc>,
    pub published_at: Option<DateTimeUtc>,
    pub status_changed_by_id: Option<i32>,
}

/// Relations are resolved by the API's batch loaders, not through sea-orm joins.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
