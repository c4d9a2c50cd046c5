//! One of the two OAS networks.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

/// One of the two OAS networks.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "networks")]
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
    pub acronym: Option<String>,
    pub names: Json,
    pub short_names: Json,
    pub coordinating_organization_id: Option<i32>,
    pub founded_year: Option<i32>,
    pub launched_on: Option<Date>,
    pub launch_date_verified: bool,
    pub website: Option<String>,
    pub summaries: Json,
    pub activities: Json,
    pub pillars: Json,
    pub legal_basis: Json,
    pub reported_results: Json,
    pub unverified_claims: Json,
    pub details: Json,
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
