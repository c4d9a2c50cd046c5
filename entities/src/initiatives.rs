//! A program, practice, policy, law or initiative of a member state or city.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

/// A program, practice, policy, law or initiative of a member state or city.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "initiatives")]
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
    pub official_name: Option<String>,
    pub original_language: String,
    pub kind: String,
    pub international: bool,
    pub jurisdiction: Option<String>,
    pub start_year: Option<i32>,
    pub end_year: Option<i32>,
    pub implementing_organization_name: Option<String>,
    pub target_populations: Json,
    pub summaries: Json,
    pub legal_basis: Option<String>,
    pub network_id: Option<i32>,
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
