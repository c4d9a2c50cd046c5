//! A person or partner application known to the API, with its roles.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

/// A person or partner application known to the API, with its roles.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "members")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    #[sea_orm(unique)]
    pub subject: Option<String>,
    pub kind: String,
    pub display_name: String,
    pub email: Option<String>,
    pub organization_id: Option<i32>,
    pub is_admin: bool,
    pub active: bool,
    pub version: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

/// Relations are resolved by the API's batch loaders, not through sea-orm joins.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
