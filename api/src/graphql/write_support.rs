//! Building blocks shared by the create and update mutations: the versioned save with its
//! revision, loading a record for an update, slugs, and optional-field updates.

use std::str::FromStr;

use async_graphql::{ID, MaybeUndefined};
use chrono::Utc;
use entities::{countries, networks, organizations, topics};
use std::collections::HashSet;

use sea_orm::sea_query::{Expr, ExprTrait, LikeExpr, Query};
use sea_orm::{
    ActiveModelBehavior, ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel, QueryFilter,
    TransactionTrait,
};
use serde_json::{Map, Value as Json, json};

use super::editorial::{
    Checks, UserError, UserErrorCode, changes, check_version, duplicate_or, record_revision, resolve_id,
};
use crate::auth::Viewer;
use crate::enums::{ContentStatus, RevisionAction, Visibility};
use crate::error::{ApiError, ApiResult};
use crate::ids::{decode_global_id, encode_global_id};
use crate::text::{fold, like_escape};

/// Columns every editorial model has, for the shared save path.
pub trait EditorialRow: Clone + Send + Sync + serde::Serialize {
    /// Returns the row id.
    fn row_id(&self) -> i32;
    /// Returns the row's version.
    fn row_version(&self) -> i32;
    /// Sets the row's version.
    fn set_version(&mut self, version: i32);
    /// Sets the update time to now.
    fn set_updated_now(&mut self);
}

macro_rules! editorial_row {
    ($($module:ident),+) => {
        $(impl EditorialRow for $module::Model {
            fn row_id(&self) -> i32 {
                self.id
            }

            fn row_version(&self) -> i32 {
                self.version
            }

            fn set_version(&mut self, version: i32) {
                self.version = version;
            }

            fn set_updated_now(&mut self) {
                self.updated_at = Utc::now();
            }
        })+
    };
}
editorial_row!(countries, topics, organizations, networks);

/// The outcome of a save: the stored row, or the problems and the current row.
pub enum Saved<M> {
    /// The row as stored.
    Stored(M),
    /// The problems found, with the current row when there is one.
    Rejected(Checks, Option<M>),
}

impl<M> Saved<M> {
    /// Splits the outcome into the row a payload returns and its user errors: the stored row
    /// with none, or the current row (if any) with the problems found.
    pub fn into_parts(self) -> (Option<M>, Vec<UserError>) {
        match self {
            Saved::Stored(model) => (Some(model), Vec::new()),
            Saved::Rejected(checks, current) => (current, checks.errors),
        }
    }
}

/// Returns the editorial columns of a new row: draft status, the visibility, the time of
/// creation and the member creating it.
pub fn new_editorial_columns(
    viewer: &Viewer,
    visibility: Visibility,
) -> (String, String, chrono::DateTime<Utc>, Option<i32>) {
    (ContentStatus::Draft.as_db().to_owned(), visibility.as_db().to_owned(), Utc::now(), viewer.member_id())
}

/// Inserts a new row, or writes a changed one if its version is still `current`'s, and
/// records the revision, all in one transaction.
#[allow(clippy::too_many_arguments, reason = "the save path needs the whole context of one mutation")]
pub async fn save<E>(
    db: &sea_orm::DatabaseConnection,
    viewer: &Viewer,
    entity_type: &str,
    current: Option<(E::Model, Map<String, Json>)>,
    mut model: E::Model,
    after: Map<String, Json>,
    unique: (&str, &str),
    mut checks: Checks,
) -> ApiResult<Saved<E::Model>>
where
    E: EntityTrait,
    E::Model: EditorialRow + IntoActiveModel<E::ActiveModel>,
    E::ActiveModel: ActiveModelTrait<Entity = E> + ActiveModelBehavior + Send,
{
    let id_column = <E::Column as FromStr>::from_str("id").ok();
    let version_column = <E::Column as FromStr>::from_str("version").ok();
    let (Some(id_column), Some(version_column)) = (id_column, version_column) else {
        return Err(crate::error::ApiError::Unexpected(format!("{entity_type} has no id or version column")));
    };
    let txn = db.begin().await?;
    let Some((current, before)) = current else {
        let mut active = model.clone().into_active_model();
        active.not_set(id_column);
        let savepoint = txn.begin().await?;
        let inserted = match active.insert(&savepoint).await {
            Ok(inserted) => {
                savepoint.commit().await?;
                inserted
            }
            Err(err) => {
                savepoint.rollback().await?;
                duplicate_or(err, &mut checks, unique.0, unique.1)?;
                return Ok(Saved::Rejected(checks, None));
            }
        };
        let changed = changes(&Map::new(), &after);
        record_revision(&txn, viewer, entity_type, inserted.row_id(), 1, RevisionAction::Create, changed).await?;
        txn.commit().await?;
        return Ok(Saved::Stored(inserted));
    };

    let changed = changes(&before, &after);
    if changed.is_empty() {
        return Ok(Saved::Stored(current));
    }
    model.set_version(current.row_version() + 1);
    model.set_updated_now();
    let active = model.clone().into_active_model().reset_all();
    let update = E::update_many()
        .set(active)
        .filter(id_column.eq(current.row_id()))
        .filter(version_column.eq(current.row_version()))
        .exec(&txn)
        .await;
    let updated = match update {
        Ok(result) => result.rows_affected,
        Err(err) => {
            duplicate_or(err, &mut checks, unique.0, unique.1)?;
            return Ok(Saved::Rejected(checks, Some(current)));
        }
    };
    if updated == 0 {
        txn.rollback().await?;
        let latest = E::find().filter(id_column.eq(current.row_id())).one(db).await?;
        let checks = conflict_checks(latest.as_ref().map(EditorialRow::row_version), current.row_version());
        return Ok(Saved::Rejected(checks, latest));
    }
    let version = model.row_version();
    record_revision(&txn, viewer, entity_type, current.row_id(), version, RevisionAction::Update, changed).await?;
    txn.commit().await?;
    Ok(Saved::Stored(model))
}

/// Loads the row a global id names, for an update, and checks its version.
pub async fn load_for_update<E>(
    db: &sea_orm::DatabaseConnection,
    checks: &mut Checks,
    id: &ID,
    type_names: &[&str],
    expected_version: i32,
) -> ApiResult<(Option<E::Model>, bool)>
where
    E: EntityTrait,
    E::Model: EditorialRow,
{
    let row = match decode_global_id(id) {
        Ok((type_name, row)) if type_names.contains(&type_name.as_str()) => row,
        _ => {
            let kinds = type_names.join(" or ");
            checks.add("id", UserErrorCode::Invalid, format!("\"{}\" is not the id of a {kinds}", id.as_str()));
            return Ok((None, false));
        }
    };
    let Some(id_column) = <E::Column as FromStr>::from_str("id").ok() else { return Ok((None, false)) };
    let found = E::find().filter(id_column.eq(row)).one(db).await?;
    let Some(found) = found else {
        checks.add("id", UserErrorCode::NotFound, format!("no {} has the id \"{}\"", type_names[0], id.as_str()));
        return Ok((None, false));
    };
    let current = check_version(checks, found.row_version(), expected_version);
    Ok((Some(found), current))
}

/// Encodes an optional row id as a global id, for revision snapshots.
pub fn global(type_name: &str, id: Option<i32>) -> Json {
    json!(id.map(|id| encode_global_id(type_name, id)))
}

/// Trims each text and stores the list as JSON.
pub fn strings_json(values: &[String]) -> Json {
    Json::Array(values.iter().map(|value| Json::String(value.trim().to_owned())).collect())
}

/// Derives a slug from a text: folded, with hyphens between words, at most 80 bytes, or
/// `fallback` when the text has no letters or digits.
pub fn slug_from(text: &str, fallback: &str) -> String {
    slug_with_max(text, 80, fallback)
}

/// Derives a slug from a text as [`slug_from`] does, at most `max` bytes.
pub fn slug_with_max(text: &str, max: usize, fallback: &str) -> String {
    let folded = fold(text);
    let mut slug = String::new();
    for word in folded.split(|c: char| !c.is_ascii_alphanumeric()).filter(|word| !word.is_empty()) {
        if slug.len() + word.len() + 1 > max {
            break;
        }
        if !slug.is_empty() {
            slug.push('-');
        }
        slug.push_str(word);
    }
    if slug.is_empty() { fallback.to_owned() } else { slug }
}

/// Returns four random hex digits, to separate slugs derived at the same moment.
pub fn random_suffix() -> ApiResult<String> {
    let mut bytes = [0u8; 2];
    getrandom::fill(&mut bytes).map_err(|err| ApiError::Unexpected(format!("random source failed: {err}")))?;
    Ok(bytes.iter().map(|byte| format!("{byte:02x}")).collect())
}

/// Returns `base`, or `base-2`, `base-3`, … when `table` already has it as a slug.
pub async fn free_slug(db: &impl ConnectionTrait, table: &'static str, base: &str) -> ApiResult<String> {
    let pattern = format!("{}%", like_escape(base));
    let select = Query::select()
        .column("slug")
        .from(table)
        .and_where(Expr::col("slug").like(LikeExpr::new(pattern).escape('\\')))
        .take();
    let mut taken = HashSet::new();
    for row in db.query_all(&select).await? {
        taken.insert(row.try_get::<String>("", "slug")?);
    }
    if !taken.contains(base) {
        return Ok(base.to_owned());
    }
    Ok((2..).map(|n| format!("{base}-{n}")).find(|slug| !taken.contains(slug)).unwrap_or_default())
}

/// Applies an optional reference change of an update: absent keeps, null clears, an id is
/// resolved.
pub async fn apply_reference(
    db: &impl ConnectionTrait,
    checks: &mut Checks,
    field: &str,
    change: &MaybeUndefined<ID>,
    column: &mut Option<i32>,
    types: &[&str],
    table: &'static str,
) -> ApiResult<()> {
    match change {
        MaybeUndefined::Undefined => {}
        MaybeUndefined::Null => *column = None,
        MaybeUndefined::Value(id) => *column = resolve_id(db, checks, field, Some(id), types, table).await?,
    }
    Ok(())
}

/// Encodes row ids as global ids, for revision snapshots.
pub fn global_ids(type_name: &str, ids: &[i32]) -> Json {
    Json::from(ids.iter().map(|id| encode_global_id(type_name, *id)).collect::<Vec<_>>())
}

/// Builds the user errors of an update whose versioned write matched no row.
pub fn conflict_checks(stored: Option<i32>, expected: i32) -> Checks {
    let mut checks = Checks::default();
    check_version(&mut checks, stored.unwrap_or(expected), expected);
    if checks.passed() {
        // The row changed and changed back within the race; report it as a conflict anyway.
        let message = "the record changed while this update ran; reload it and try again";
        checks.add("expectedVersion", UserErrorCode::Conflict, message);
    }
    checks
}

/// Applies an optional text field of an update: absent keeps, null clears, a value is checked.
pub fn apply_text(
    checks: &mut Checks,
    field: &str,
    value: &MaybeUndefined<String>,
    column: &mut Option<String>,
    max: usize,
) {
    match value {
        MaybeUndefined::Undefined => {}
        MaybeUndefined::Null => *column = None,
        MaybeUndefined::Value(text) => *column = checks.opt_text(field, Some(text), max),
    }
}

/// Applies an optional URL field of an update: absent keeps, null clears, a value is checked.
pub fn apply_url(checks: &mut Checks, field: &str, value: &MaybeUndefined<String>, column: &mut Option<String>) {
    match value {
        MaybeUndefined::Undefined => {}
        MaybeUndefined::Null => *column = None,
        MaybeUndefined::Value(url) => *column = Some(checks.url(field, url)),
    }
}
