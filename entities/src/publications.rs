//! A report, guide, article or other published resource.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

/// A report, guide, article or other published resource.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "publications")]
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
    pub titles: Json,
    pub original_language: String,
    pub kind: String,
    pub publisher_id: Option<i32>,
    pub publisher_name: Option<String>,
    pub published_year: Option<i32>,
    pub languages: Json,
    pub links: Json,
    pub identifiers: Json,
    pub series: Option<String>,
    pub edition: Option<String>,
    pub citation: Option<String>,
    pub license: Option<String>,
    pub abstracts: Json,
    pub notes: Option<String>,
    pub editorial_status: String,
    pub visibility: String,
    pub version: i32,
    pub status_changed_at: Option<DateTimeUtc>,
    pub published_at: Option<DateTimeUtc>,
    pub status_changed_by_id: Option<i32>,
    pub network_id: Option<i32>,
}

/// Relations are resolved by the API's batch loaders, not through sea-orm joins.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
