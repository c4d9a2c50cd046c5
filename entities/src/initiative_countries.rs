//! A link between `initiative_id` and `country_id`, with the role of the link.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

/// A link between `initiative_id` and `country_id`, with the role of the link.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "initiative_countries")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub initiative_id: i32,
    #[sea_orm(primary_key, auto_increment = false)]
    pub country_id: i32,
    #[sea_orm(primary_key, auto_increment = false)]
    pub role: String,
}

/// Relations are resolved by the API's batch loaders, not through sea-orm joins.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
