//! Mutations on the training catalogue: create and update courses (with their
//! accreditations) and course offerings. Life-cycle changes are shared by every kind and
//! live in the lifecycle module.
//!
//! A course belongs to its network, and an offering belongs to its course's network, so
//! the caller must edit that network to create or change either.

pub mod courses;
pub mod offerings;

use async_graphql::{Context, ID, Object};
use sea_orm::sea_query::{Expr, ExprTrait, Query};
use sea_orm::{ConnectionTrait, EntityTrait, PrimaryKeyTrait};
use serde_json::Value as Json;

use self::courses::{CoursePayload, CreateCourseInput, UpdateCourseInput};
use self::offerings::{CourseOfferingPayload, CreateCourseOfferingInput, UpdateCourseOfferingInput};
use super::editorial::{Checks, UserErrorCode, require_editor, resolve_ids};
use super::write_support::{
    apply_reference, apply_text, conflict_checks, free_slug, random_suffix, slug_from, slug_with_max,
};
use crate::auth::Viewer;
use crate::error::{ApiError, ApiResult};
use crate::ids::{decode_global_id, encode_global_id};

const ORGANIZATION_TYPES: [&str; 2] = ["Organization", "PoliceInstitution"];

/// How many times a create retries a derived slug that a concurrent create took.
const SLUG_ATTEMPTS: u32 = 5;

/// A link table between a record and rows of another table.
struct LinkTable {
    /// The input field that lists the links.
    field: &'static str,
    table: &'static str,
    /// The column holding the record's id.
    left: &'static str,
    /// The column holding the linked row's id.
    right: &'static str,
    /// The role of these links, for tables with a role column.
    role: Option<&'static str>,
    /// Global id types accepted in the input.
    types: &'static [&'static str],
    /// The table holding the linked rows.
    target: &'static str,
    /// Global id type written in revision history.
    type_name: &'static str,
}

impl LinkTable {
    /// Resolves the input's global ids to sorted row ids.
    async fn resolve(&self, db: &impl ConnectionTrait, checks: &mut Checks, ids: &[ID]) -> ApiResult<Vec<i32>> {
        let mut rows = resolve_ids(db, checks, self.field, ids, self.types, self.target).await?;
        rows.sort_unstable();
        Ok(rows)
    }

    /// Reads the stored links of record `id`, sorted.
    async fn read(&self, db: &impl ConnectionTrait, id: i32) -> ApiResult<Vec<i32>> {
        let mut select =
            Query::select().column(self.right).from(self.table).and_where(Expr::col(self.left).eq(id)).take();
        if let Some(role) = self.role {
            select.and_where(Expr::col("role").eq(role));
        }
        let mut list = Vec::new();
        for row in db.query_all(&select).await? {
            list.push(row.try_get::<i32>("", self.right)?);
        }
        list.sort_unstable();
        Ok(list)
    }

    /// Replaces the links of record `id` with `list`.
    async fn write(&self, db: &impl ConnectionTrait, id: i32, list: &[i32]) -> ApiResult<()> {
        let mut delete = Query::delete().from_table(self.table).and_where(Expr::col(self.left).eq(id)).take();
        if let Some(role) = self.role {
            delete.and_where(Expr::col("role").eq(role));
        }
        db.execute(&delete).await?;
        if list.is_empty() {
            return Ok(());
        }
        let mut insert = Query::insert().into_table(self.table).take();
        match self.role {
            Some(role) => {
                insert.columns([self.left, self.right, "role"]);
                for right in list {
                    insert
                        .values([id.into(), (*right).into(), role.into()])
                        .map_err(|err| ApiError::Unexpected(err.to_string()))?;
                }
            }
            None => {
                insert.columns([self.left, self.right]);
                for right in list {
                    insert.values([id.into(), (*right).into()]).map_err(|err| ApiError::Unexpected(err.to_string()))?;
                }
            }
        }
        db.execute(&insert).await?;
        Ok(())
    }

    /// Returns the links as global ids, for revision history.
    fn snapshot(&self, list: &[i32]) -> Json {
        Json::from(list.iter().map(|id| encode_global_id(self.type_name, *id)).collect::<Vec<_>>())
    }
}

/// Loads the row a global id of `type_name` names, or reports why it cannot.
async fn load_row<E>(
    db: &impl ConnectionTrait,
    checks: &mut Checks,
    field: &str,
    id: &ID,
    type_name: &str,
) -> ApiResult<Option<E::Model>>
where
    E: EntityTrait,
    <E::PrimaryKey as PrimaryKeyTrait>::ValueType: From<i32>,
{
    let row = match decode_global_id(id) {
        Ok((found, row)) if found == type_name => row,
        _ => {
            checks.add(
                field,
                UserErrorCode::Invalid,
                format!("\"{}\" is not the id of a {type_name}; copy the `id` field of one", id.as_str()),
            );
            return Ok(None);
        }
    };
    let found = E::find_by_id(row).one(db).await?;
    if found.is_none() {
        checks.add(field, UserErrorCode::NotFound, format!("no {type_name} has the id \"{}\"", id.as_str()));
    }
    Ok(found)
}

/// Rejects callers who edit in no network before any input is read.
fn require_some_editor(viewer: &Viewer) -> ApiResult<()> {
    if viewer.is_editor() { Ok(()) } else { require_editor(viewer, None) }
}

fn languages(checks: &mut Checks, field: &str, values: &[String]) -> Json {
    Json::Array(
        values
            .iter()
            .enumerate()
            .map(|(i, code)| Json::String(checks.language(&format!("{field}.{i}"), code)))
            .collect(),
    )
}

/// Checks a list of required texts, such as a course's modules.
fn text_list(checks: &mut Checks, field: &str, values: &[String], max: usize) -> Json {
    Json::Array(
        values
            .iter()
            .enumerate()
            .map(|(i, value)| Json::String(checks.text(&format!("{field}.{i}"), value, max)))
            .collect(),
    )
}

/// Checks a count such as a capacity, which starts at 0.
fn count(checks: &mut Checks, field: &str, value: Option<i32>) -> Option<i32> {
    if let Some(value) = value
        && value < 0
    {
        checks.add(field, UserErrorCode::Invalid, format!("{value} is negative; {field} counts from 0"));
    }
    value
}

fn is_unique_violation(err: &sea_orm::DbErr) -> bool {
    matches!(err.sql_err(), Some(sea_orm::SqlErr::UniqueConstraintViolation(_)))
}

/// Mutations on courses and course offerings.
#[derive(Default)]
pub struct TrainingMutations;

#[Object]
impl TrainingMutations {
    /// Creates a course, with its topics and accreditations, as a draft in a network you edit.
    async fn create_course(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The mutation's input.")] input: CreateCourseInput,
    ) -> async_graphql::Result<CoursePayload> {
        Ok(courses::create_course(ctx, input).await?)
    }

    /// Changes a course's fields, if `expectedVersion` is still its version.
    async fn update_course(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The mutation's input.")] input: UpdateCourseInput,
    ) -> async_graphql::Result<CoursePayload> {
        Ok(courses::update_course(ctx, input).await?)
    }

    /// Creates an offering of a course whose network you edit, as a draft.
    async fn create_course_offering(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The mutation's input.")] input: CreateCourseOfferingInput,
    ) -> async_graphql::Result<CourseOfferingPayload> {
        Ok(offerings::create_offering(ctx, input).await?)
    }

    /// Changes a course offering's fields, if `expectedVersion` is still its version.
    async fn update_course_offering(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The mutation's input.")] input: UpdateCourseOfferingInput,
    ) -> async_graphql::Result<CourseOfferingPayload> {
        Ok(offerings::update_offering(ctx, input).await?)
    }
}
