//! A course of the police training curriculum.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

/// A course of the police training curriculum.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "courses")]
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
    #[sea_orm(unique)]
    pub code: String,
    pub titles: Json,
    pub network_id: i32,
    pub modality: String,
    pub hours: Option<i32>,
    pub duration_note: Option<String>,
    pub languages: Json,
    pub language_note: Option<String>,
    pub level: Option<String>,
    pub prerequisites: Json,
    pub learning_outcomes: Json,
    pub modules: Json,
    pub descriptions: Json,
    pub funded_by_id: Option<i32>,
    pub delivery_note: Option<String>,
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
