//! A course accredited or certified by a university.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

/// A course accredited or certified by a university.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "accreditations")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub course_id: i32,
    pub university_id: i32,
    pub credits: Option<f64>,
    pub role: String,
}

/// Relations are resolved by the API's batch loaders, not through sea-orm joins.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
