//! A link between `offering_id` and `organization_id`, with the role of the link.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

/// A link between `offering_id` and `organization_id`, with the role of the link.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "offering_organizations")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub offering_id: i32,
    #[sea_orm(primary_key, auto_increment = false)]
    pub organization_id: i32,
    #[sea_orm(primary_key, auto_increment = false)]
    pub role: String,
}

/// Relations are resolved by the API's batch loaders, not through sea-orm joins.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
