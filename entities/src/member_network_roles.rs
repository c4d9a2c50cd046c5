//! A role a member has in one network, such as editor.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

/// A role a member has in one network, such as editor.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "member_network_roles")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub member_id: i32,
    #[sea_orm(primary_key, auto_increment = false)]
    pub network_id: i32,
    #[sea_orm(primary_key, auto_increment = false)]
    pub role: String,
}

/// Relations are resolved by the API's batch loaders, not through sea-orm joins.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
