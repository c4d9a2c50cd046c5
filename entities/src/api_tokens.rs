//! An API token: stored as a SHA-256 hash, scoped, expiring and revocable.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

/// An API token: stored as a SHA-256 hash, scoped, expiring and revocable.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "api_tokens")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub member_id: i32,
    pub name: String,
    pub prefix: String,
    #[sea_orm(unique)]
    pub token_hash: String,
    pub scopes: Json,
    pub expires_at: DateTimeUtc,
    pub revoked_at: Option<DateTimeUtc>,
    pub last_used_at: Option<DateTimeUtc>,
    pub created_by_id: Option<i32>,
    pub created_at: DateTimeUtc,
}

/// Relations are resolved by the API's batch loaders, not through sea-orm joins.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
