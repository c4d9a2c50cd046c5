//! Mutations on the records networks keep about their own work: events, targets and
//! quality certifications, created and updated. Life-cycle changes are shared by every
//! kind and live in the lifecycle module. This module contains the steps the three kinds
//! share, and each kind's inputs, checks and resolvers are in its own submodule.

pub mod certifications;
pub mod events;
pub mod targets;

use async_graphql::{ID, MaybeUndefined, MergedObject};
use chrono::NaiveDate;
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ActiveModelBehavior, ActiveModelTrait, ConnectionTrait, DatabaseTransaction, EntityTrait, IntoActiveModel,
    QueryFilter, TransactionTrait,
};
use serde_json::{Value as Json, json};

use super::editorial::{Checks, UserErrorCode, check_version, duplicate_or};
use super::write_support::{apply_reference, apply_text, free_slug, random_suffix, slug_from};
use crate::enums::DatePrecision;
use crate::error::ApiResult;
use crate::ids::{decode_global_id, encode_global_id};

/// Mutations on events, targets and quality certifications.
#[derive(MergedObject, Default)]
pub struct NetworkContentMutations(
    events::EventMutations,
    targets::TargetMutations,
    certifications::QualityCertificationMutations,
);

/// Type names accepted where an input names an organization.
const ORGANIZATION_TYPES: [&str; 2] = ["Organization", "PoliceInstitution"];

/// An editorial row these mutations write, with what the shared steps need of it.
trait Row: Clone + Send + Sync + 'static {
    /// The row's entity.
    type Entity: EntityTrait<Model = Self>;
    /// The row's active model.
    type Active: ActiveModelTrait<Entity = Self::Entity> + ActiveModelBehavior + Send + 'static;
    /// GraphQL type name in global ids.
    const TYPE_NAME: &'static str;
    /// Table holding the rows.
    const TABLE: &'static str;
    /// Name of the kind in revision history.
    const ENTITY_TYPE: &'static str;

    fn id_column() -> <Self::Entity as EntityTrait>::Column;
    fn id(&self) -> i32;
    fn version(&self) -> i32;
    fn slug(&self) -> &str;
    fn set_slug(&mut self, slug: String);
    /// Moves the row to its next version, updated now.
    fn bump_version(&mut self);
    /// Recomputes the search and sort columns from the row's texts and slug.
    fn derive_columns(&mut self);
}

macro_rules! row {
    ($module:ident, $type_name:literal, $table:literal, $entity_type:literal, $derive:ident) => {
        impl Row for $module::Model {
            type Entity = $module::Entity;
            type Active = $module::ActiveModel;
            const TYPE_NAME: &'static str = $type_name;
            const TABLE: &'static str = $table;
            const ENTITY_TYPE: &'static str = $entity_type;

            fn id_column() -> $module::Column {
                $module::Column::Id
            }

            fn id(&self) -> i32 {
                self.id
            }

            fn version(&self) -> i32 {
                self.version
            }

            fn slug(&self) -> &str {
                &self.slug
            }

            fn set_slug(&mut self, slug: String) {
                self.slug = slug;
            }

            fn bump_version(&mut self) {
                self.version += 1;
                self.updated_at = Utc::now();
            }

            fn derive_columns(&mut self) {
                $derive(self);
            }
        }
    };
}

use row;

/// Loads the row a global id names, reporting ids of another type and ids that name nothing.
async fn load<M: Row>(db: &impl ConnectionTrait, checks: &mut Checks, id: &ID) -> ApiResult<Option<M>> {
    let row = match decode_global_id(id) {
        Ok((type_name, row)) if type_name == M::TYPE_NAME => row,
        _ => {
            checks.add(
                "id",
                UserErrorCode::Invalid,
                format!("\"{}\" is not the id of a {}", id.as_str(), M::TYPE_NAME),
            );
            return Ok(None);
        }
    };
    let found = M::Entity::find().filter(Expr::col(M::id_column()).eq(row)).one(db).await?;
    if found.is_none() {
        checks.add("id", UserErrorCode::NotFound, format!("no {} has the id \"{}\"", M::TYPE_NAME, id.as_str()));
    }
    Ok(found)
}

/// Inserts a new row in `txn` and returns it. When a concurrent create took the slug
/// derived from `derived_from`, the row gets a free one with a random suffix. A given slug
/// that is taken becomes a DUPLICATE user error, and the result is `None`.
async fn insert_row<M>(
    txn: &DatabaseTransaction,
    checks: &mut Checks,
    mut model: M,
    derived_from: Option<&str>,
) -> ApiResult<Option<M>>
where
    M: Row + IntoActiveModel<M::Active>,
{
    let mut attempts = 0;
    loop {
        let mut active = model.clone().into_active_model();
        active.not_set(M::id_column());
        // A savepoint keeps the transaction usable on PostgreSQL after a unique violation.
        let savepoint = txn.begin().await?;
        match active.insert(&savepoint).await {
            Ok(inserted) => {
                savepoint.commit().await?;
                return Ok(Some(inserted));
            }
            Err(err) => {
                savepoint.rollback().await?;
                attempts += 1;
                let duplicate = matches!(err.sql_err(), Some(sea_orm::SqlErr::UniqueConstraintViolation(_)));
                if let Some(base) = derived_from
                    && duplicate
                    && attempts < 5
                {
                    let free = free_slug(txn, M::TABLE, base).await?;
                    model.set_slug(format!("{free}-{}", random_suffix()?));
                    model.derive_columns();
                    continue;
                }
                duplicate_or(err, checks, "slug", model.slug())?;
                return Ok(None);
            }
        }
    }
}

/// Writes `model` over its row in a new transaction if the row is still at `current`'s
/// version. The version condition makes the write itself the check, so two concurrent
/// updates of one version cannot both succeed.
async fn update_row<M>(
    db: &sea_orm::DatabaseConnection,
    current: &M,
    model: &M,
    expected: i32,
) -> ApiResult<Result<DatabaseTransaction, (Option<M>, Checks)>>
where
    M: Row + IntoActiveModel<M::Active>,
{
    let txn = db.begin().await?;
    let mut active = model.clone().into_active_model().reset_all();
    active.not_set(M::id_column());
    let update = M::Entity::update_many()
        .set(active)
        .filter(Expr::col(M::id_column()).eq(current.id()))
        .filter(Expr::col("version").eq(current.version()))
        .exec(&txn)
        .await;
    let updated = match update {
        Ok(result) => result.rows_affected,
        Err(err) => {
            let mut checks = Checks::default();
            duplicate_or(err, &mut checks, "slug", model.slug())?;
            return Ok(Err((Some(current.clone()), checks)));
        }
    };
    if updated == 0 {
        txn.rollback().await?;
        return Ok(Err(conflict::<M>(db, current.id(), expected).await?));
    }
    Ok(Ok(txn))
}

/// Reports a lost race: the row's current state and a CONFLICT user error.
async fn conflict<M: Row>(db: &impl ConnectionTrait, id: i32, expected: i32) -> ApiResult<(Option<M>, Checks)> {
    let mut checks = Checks::default();
    let current = M::Entity::find().filter(Expr::col(M::id_column()).eq(id)).one(db).await?;
    let version = current.as_ref().map_or(expected, Row::version);
    check_version(&mut checks, version, expected);
    if checks.passed() {
        // The row changed and changed back within the race; report it as a conflict anyway.
        checks.add(
            "expectedVersion",
            UserErrorCode::Conflict,
            "the record changed while this update ran; reload it and try again",
        );
    }
    Ok((current, checks))
}

/// Checks a date written `YYYY-MM-DD`, `YYYY-MM` or `YYYY` against its precision and
/// returns its first day, which is how imprecise dates are stored.
fn partial_date(
    checks: &mut Checks,
    field: &str,
    precision_field: &str,
    value: Option<&str>,
    precision: DatePrecision,
) -> Option<NaiveDate> {
    let value = value.map(str::trim).filter(|value| !value.is_empty())?;
    let (form, first_day) = match precision {
        DatePrecision::Unknown => {
            checks.add(
                field,
                UserErrorCode::Invalid,
                format!(
                    "{field} is \"{value}\" but {precision_field} is UNKNOWN; set {precision_field} to DAY, MONTH or YEAR, or leave {field} out"
                ),
            );
            return None;
        }
        DatePrecision::Day => ("YYYY-MM-DD", value.to_owned()),
        DatePrecision::Month => ("YYYY-MM", format!("{value}-01")),
        DatePrecision::Year => ("YYYY", format!("{value}-01-01")),
    };
    let parsed = NaiveDate::parse_from_str(&first_day, "%Y-%m-%d").ok().filter(|_| value.len() == form.len());
    if parsed.is_none() {
        // A value in the right form that still fails to parse names a day the calendar lacks.
        let in_form = value.len() == form.len()
            && value.chars().zip(form.chars()).all(|(c, f)| if f == '-' { c == '-' } else { c.is_ascii_digit() });
        let message = if in_form {
            format!("\"{value}\" is not a calendar date; check the month and day")
        } else {
            format!(
                "\"{value}\" is not a {}-precision date; write it as {form} or change {precision_field}",
                precision.as_db().to_uppercase()
            )
        };
        checks.add(field, UserErrorCode::Invalid, message);
    }
    parsed
}

/// Writes a stored date as precisely as it is known, or `None` when it is unknown.
fn date_text(date: Option<NaiveDate>, precision: &str) -> Option<String> {
    let format = match DatePrecision::from_db(precision)? {
        DatePrecision::Day => "%Y-%m-%d",
        DatePrecision::Month => "%Y-%m",
        DatePrecision::Year => "%Y",
        DatePrecision::Unknown => return None,
    };
    date.map(|date| date.format(format).to_string())
}

/// Reports an end before a start.
fn check_range(checks: &mut Checks, field: &str, start: Option<NaiveDate>, end: Option<NaiveDate>) {
    if let (Some(start), Some(end)) = (start, end)
        && end < start
    {
        checks.add(
            field,
            UserErrorCode::Invalid,
            format!("{field} falls on {end}, before the start on {start}; swap or correct the dates"),
        );
    }
}

/// The date a field will hold after an update: the new text, none, or the stored date.
fn date_after(change: &MaybeUndefined<String>, stored: Option<NaiveDate>, precision: &str) -> Option<String> {
    match change {
        MaybeUndefined::Undefined => date_text(stored, precision),
        MaybeUndefined::Null => None,
        MaybeUndefined::Value(text) => Some(text.clone()),
    }
}

fn global_ids(type_name: &str, ids: &[i32]) -> Json {
    Json::from(ids.iter().map(|id| encode_global_id(type_name, *id)).collect::<Vec<_>>())
}

fn global_id(type_name: &str, id: Option<i32>) -> Json {
    json!(id.map(|id| encode_global_id(type_name, id)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn message(value: &str, precision: DatePrecision) -> String {
        let mut checks = Checks::default();
        partial_date(&mut checks, "issued", "issuedPrecision", Some(value), precision);
        checks.errors.first().map(|error| error.message.clone()).unwrap_or_default()
    }

    #[test]
    fn impossible_days_are_named_as_such() {
        assert!(message("2024-02-31", DatePrecision::Day).contains("not a calendar date"));
        assert!(message("2024-13", DatePrecision::Month).contains("not a calendar date"));
    }

    #[test]
    fn wrong_forms_name_the_expected_form() {
        assert!(message("2024/02/01", DatePrecision::Day).contains("write it as YYYY-MM-DD"));
        assert!(message("2024-02", DatePrecision::Day).contains("write it as YYYY-MM-DD"));
        assert!(message("2024-02-01", DatePrecision::Year).contains("write it as YYYY"));
        assert_eq!(message("2024-02-29", DatePrecision::Day), "", "a leap day is a valid date");
    }
}
