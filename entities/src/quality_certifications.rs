//! A police institution's certified or accredited process.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

/// A police institution's certified or accredited process.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "quality_certifications")]
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
    pub institution_id: i32,
    pub standard: String,
    pub scope: Option<String>,
    pub certifying_body_id: Option<i32>,
    pub certifying_body_name: Option<String>,
    pub issued_on: Option<Date>,
    pub issued_precision: String,
    pub expires_on: Option<Date>,
    pub expires_precision: String,
    pub status: String,
    pub status_note: Option<String>,
    pub network_id: Option<i32>,
    pub note: Option<String>,
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
