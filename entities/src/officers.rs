//! A police officer or instructor with training records, linked to a member where one exists.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

/// A police officer or instructor with training records, linked to a member where one exists.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "officers")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub member_id: Option<i32>,
    pub institution_id: i32,
    pub country_id: i32,
    pub external_ref: Option<String>,
    pub role: String,
    pub rank: Option<String>,
    pub display_name: String,
    pub sort_name: String,
    pub email: Option<String>,
    pub active: bool,
    pub version: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

/// Relations are resolved by the API's batch loaders, not through sea-orm joins.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
