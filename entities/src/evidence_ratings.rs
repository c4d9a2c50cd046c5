//! One evidence rating of an initiative, for one outcome from one source.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

/// One evidence rating of an initiative, for one outcome from one source.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "evidence_ratings")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub initiative_id: i32,
    pub position: i32,
    pub outcome: Option<String>,
    pub registry: Option<String>,
    pub rating_as_stated: Option<String>,
    pub level: String,
    pub study_count: Option<i32>,
    pub reviewed_on: Option<Date>,
    pub reviewed_precision: String,
    pub method: Option<String>,
    pub basis: Option<String>,
    pub source_url: Option<String>,
}

/// Relations are resolved by the API's batch loaders, not through sea-orm joins.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
