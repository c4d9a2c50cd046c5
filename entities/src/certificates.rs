//! A certificate issued for a completed enrolment, with its public verification code.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

/// A certificate issued for a completed enrolment, with its public verification code.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "certificates")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    #[sea_orm(unique)]
    pub enrolment_id: i32,
    #[sea_orm(unique)]
    pub code: String,
    pub holder_name: String,
    pub course_id: i32,
    pub issued_on: Date,
    pub status: String,
    pub created_at: DateTimeUtc,
}

/// Relations are resolved by the API's batch loaders, not through sea-orm joins.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
