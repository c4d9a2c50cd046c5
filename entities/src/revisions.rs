//! One recorded change to a record: who, when, which action, and each changed field's old and new value.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

/// One recorded change to a record: who, when, which action, and each changed field's old and new value.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "revisions")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub entity_type: String,
    pub entity_id: i32,
    pub version: i32,
    pub action: String,
    pub actor_id: Option<i32>,
    pub actor: String,
    pub changes: Json,
    pub created_at: DateTimeUtc,
}

/// Relations are resolved by the API's batch loaders, not through sea-orm joins.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
