//! Maintained counts of distinct officers who completed training, per network, modality
//! and breakdown cell.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

/// Distinct officers who completed training, for one network, modality and breakdown cell.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "progress_counts")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub network_id: i32,
    #[sea_orm(primary_key, auto_increment = false)]
    pub modality: String,
    #[sea_orm(primary_key, auto_increment = false)]
    pub dimension: String,
    #[sea_orm(primary_key, auto_increment = false)]
    pub key: String,
    pub officers: i64,
}

/// Relations are resolved by the API's batch loaders, not through sea-orm joins.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
