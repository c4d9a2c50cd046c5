//! An officer's place in a course offering, from application to result.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

/// An officer's place in a course offering, from application to result.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "enrolments")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub officer_id: i32,
    pub offering_id: i32,
    pub course_id: i32,
    pub status: String,
    pub applied_at: DateTimeUtc,
    pub enrolled_at: Option<DateTimeUtc>,
    pub waitlisted_at: Option<DateTimeUtc>,
    pub withdrawn_at: Option<DateTimeUtc>,
    pub completed_on: Option<Date>,
    pub score: Option<f64>,
    pub result: Option<String>,
    pub source: String,
    pub version: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

/// Relations are resolved by the API's batch loaders, not through sea-orm joins.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
