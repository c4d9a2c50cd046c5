//! An in-person meeting, launch or other dated event.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

/// An in-person meeting, launch or other dated event.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "events")]
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
    pub names: Json,
    pub kind: String,
    pub starts_on: Option<Date>,
    pub ends_on: Option<Date>,
    pub date_precision: String,
    pub city: Option<String>,
    pub country_id: Option<i32>,
    pub status: String,
    pub summaries: Json,
    pub offering_id: Option<i32>,
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
