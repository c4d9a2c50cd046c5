//! A role a member has at one police institution, such as training coordinator.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

/// A role a member has at one police institution, such as training coordinator.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "member_institution_roles")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub member_id: i32,
    #[sea_orm(primary_key, auto_increment = false)]
    pub institution_id: i32,
    #[sea_orm(primary_key, auto_increment = false)]
    pub role: String,
}

/// Relations are resolved by the API's batch loaders, not through sea-orm joins.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
