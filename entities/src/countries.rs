//! An OAS member state.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

/// An OAS member state.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "countries")]
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
    pub iso2: String,
    #[sea_orm(unique)]
    pub iso3: String,
    pub names: Json,
    pub capital: Option<String>,
    pub seat_of_government: Option<String>,
    pub region: String,
    pub subregional_groupings: Json,
    pub oas_member_since: Option<i32>,
    pub oas_founding_member: bool,
    pub oas_status: String,
    pub status_note: Option<String>,
    pub status_effective_on: Option<Date>,
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
