//! An organization; police institutions are organizations of kind `police_institution`.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

/// An organization; police institutions are organizations of kind `police_institution`.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "organizations")]
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
    pub acronyms: Json,
    pub kind: String,
    pub country_id: Option<i32>,
    pub city: Option<String>,
    pub website: Option<String>,
    pub parent_id: Option<i32>,
    pub founded: Option<String>,
    pub note: Option<String>,
    pub official_name: Option<String>,
    pub official_name_language: Option<String>,
    pub police_kind: Option<String>,
    pub level: Option<String>,
    pub active: bool,
    pub founded_year: Option<i32>,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
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
