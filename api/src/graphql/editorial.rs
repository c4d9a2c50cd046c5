//! The editorial write path shared by every kind with a life cycle: user errors, input
//! checks, version checks, state transitions and revision history.

use async_graphql::{Enum, ID, InputObject, Json as JsonScalar, Object, SimpleObject};
use chrono::{DateTime, Utc};
use entities::revisions;
use sea_orm::sea_query::{Expr, ExprTrait, Query};
use sea_orm::{ActiveValue, ConnectionTrait, DatabaseTransaction, EntityTrait};
use serde_json::{Map, Value as Json};

use super::common::connection;
use crate::auth::Viewer;
use crate::enums::{ContentStatus, RevisionAction, stored};
use crate::error::ApiResult;
use crate::ids::decode_global_id;
use crate::locale::Locale;

/// Stable codes of user errors, which front ends translate.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum UserErrorCode {
    /// A required value is missing or empty.
    Required,
    /// A value has the wrong form, such as a bad URL, date or language code.
    Invalid,
    /// A text is longer than allowed.
    TooLong,
    /// A referenced record does not exist.
    NotFound,
    /// Another record already uses this unique value.
    Duplicate,
    /// The record changed since the version the caller edited; reload it and reapply the change.
    Conflict,
    /// The record's current status does not allow this change.
    InvalidTransition,
}

/// A problem with the input of a mutation, reported beside the unchanged record.
#[derive(SimpleObject, Clone, Debug)]
pub struct UserError {
    /// Path to the input field at fault, such as `["input", "titles", "0", "text"]`.
    pub field: Vec<String>,
    /// Stable machine code.
    pub code: UserErrorCode,
    /// Human-readable explanation that names the value and the fix.
    pub message: String,
}

/// A text in one locale.
#[derive(InputObject, Clone, Debug)]
pub struct LocalizedTextInput {
    /// The text's locale.
    pub locale: Locale,
    /// The text.
    pub text: String,
}

/// Collects every problem in a mutation's input, so that one response lists them all.
#[derive(Default)]
pub struct Checks {
    /// The problems found so far.
    pub errors: Vec<UserError>,
}

/// Maximum length, in characters, of a single-line text such as a title or a name.
pub const SHORT_TEXT: usize = 500;
/// Maximum length, in characters, of a multi-line text such as a summary or notes.
pub const LONG_TEXT: usize = 20_000;

impl Checks {
    /// Records one problem.
    pub fn add(&mut self, field: &str, code: UserErrorCode, message: impl Into<String>) {
        let field = std::iter::once("input").chain(field.split('.')).map(str::to_owned).collect();
        self.errors.push(UserError { field, code, message: message.into() });
    }

    /// Whether no problem was found.
    pub fn passed(&self) -> bool {
        self.errors.is_empty()
    }

    /// Trims a required text and checks its length.
    pub fn text(&mut self, field: &str, value: &str, max: usize) -> String {
        let trimmed = value.trim();
        if trimmed.is_empty() {
            self.add(field, UserErrorCode::Required, format!("{field} is empty; give a value"));
        } else if trimmed.chars().count() > max {
            self.add(field, UserErrorCode::TooLong, format!("{field} is longer than {max} characters; shorten it"));
        }
        trimmed.to_owned()
    }

    /// Trims an optional text; an empty one clears the field.
    pub fn opt_text(&mut self, field: &str, value: Option<&str>, max: usize) -> Option<String> {
        let value = value.map(str::trim).filter(|value| !value.is_empty())?;
        Some(self.text(field, value, max))
    }

    /// Checks a per-locale text list and returns it as a locale map.
    pub fn texts(&mut self, field: &str, values: &[LocalizedTextInput], max: usize, required: bool) -> Json {
        let mut map = Map::new();
        for (i, value) in values.iter().enumerate() {
            let code = value.locale.code();
            if map.contains_key(code) {
                self.add(
                    &format!("{field}.{i}.locale"),
                    UserErrorCode::Invalid,
                    format!("{field} has two texts in locale {code}; give one per locale"),
                );
                continue;
            }
            let text = self.text(&format!("{field}.{i}.text"), &value.text, max);
            map.insert(code.to_owned(), Json::String(text));
        }
        if required && map.is_empty() {
            self.add(
                field,
                UserErrorCode::Required,
                format!("{field} is empty; give the text in at least one of en, es, pt or fr"),
            );
        }
        Json::Object(map)
    }

    /// Checks an ISO 639-1 language code.
    pub fn language(&mut self, field: &str, code: &str) -> String {
        let code = code.trim();
        if !(code.len() == 2 && code.chars().all(|c| c.is_ascii_lowercase())) {
            self.add(
                field,
                UserErrorCode::Invalid,
                format!("\"{code}\" is not an ISO 639-1 language code; use two lower-case letters such as es"),
            );
        }
        code.to_owned()
    }

    /// Checks an http(s) URL.
    pub fn url(&mut self, field: &str, value: &str) -> String {
        let value = value.trim();
        let valid = (value.starts_with("https://") || value.starts_with("http://"))
            && value.len() > "https://".len()
            && value.len() <= 2_000
            && !value.chars().any(char::is_whitespace);
        if !valid {
            self.add(
                field,
                UserErrorCode::Invalid,
                format!("\"{value}\" is not an http(s) URL; write the full address, such as https://www.oas.org/"),
            );
        }
        value.to_owned()
    }

    /// Checks a plausible publication or start year.
    pub fn year(&mut self, field: &str, year: Option<i32>) -> Option<i32> {
        if let Some(year) = year
            && !(1800..=2100).contains(&year)
        {
            self.add(
                field,
                UserErrorCode::Invalid,
                format!("{year} is not a plausible year; use one from 1800 to 2100"),
            );
        }
        year
    }

    /// Checks a slug: lower-case letters, digits and hyphens.
    pub fn slug(&mut self, field: &str, value: &str) -> String {
        let value = value.trim();
        let valid = !value.is_empty()
            && value.len() <= 120
            && value.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
            && !value.starts_with('-')
            && !value.ends_with('-');
        if !valid {
            self.add(
                field,
                UserErrorCode::Invalid,
                format!("\"{value}\" is not a valid slug; use up to 120 lower-case letters, digits and single hyphens, such as homicide-study-2024"),
            );
        }
        value.to_owned()
    }

    /// Checks a list of sources: URLs, or plain descriptions where no address exists.
    pub fn sources(&mut self, field: &str, values: &[String]) -> Json {
        let mut sources = Vec::with_capacity(values.len());
        for (i, value) in values.iter().enumerate() {
            let path = format!("{field}.{i}");
            let source = self.text(&path, value, SHORT_TEXT * 4);
            if source.contains("://") {
                self.url(&path, &source);
            }
            sources.push(Json::String(source));
        }
        Json::Array(sources)
    }
}

/// Resolves global ids of one record type to row ids, reporting wrong types and ids that
/// name nothing. `types` lists the accepted type names, and `table` contains their rows.
pub async fn resolve_ids(
    db: &impl ConnectionTrait,
    checks: &mut Checks,
    field: &str,
    ids: &[ID],
    types: &[&str],
    table: &'static str,
) -> ApiResult<Vec<i32>> {
    let mut requested = Vec::new();
    for (i, id) in ids.iter().enumerate() {
        match decode_global_id(id) {
            Ok((type_name, row)) if types.contains(&type_name.as_str()) => requested.push((i, row, id)),
            _ => checks.add(
                &format!("{field}.{i}"),
                UserErrorCode::Invalid,
                format!("\"{}\" is not the id of {}; copy the `id` field of one", id.as_str(), with_article(types)),
            ),
        }
    }
    if requested.is_empty() {
        return Ok(Vec::new());
    }
    let select = Query::select()
        .column("id")
        .from(table)
        .and_where(Expr::col("id").is_in(requested.iter().map(|(_, row, _)| *row)))
        .take();
    let mut found = std::collections::HashSet::new();
    for row in db.query_all(&select).await? {
        found.insert(row.try_get::<i32>("", "id")?);
    }
    let mut rows = Vec::new();
    for (i, row, id) in requested {
        if found.contains(&row) {
            if !rows.contains(&row) {
                rows.push(row);
            }
        } else {
            checks.add(
                &format!("{field}.{i}"),
                UserErrorCode::NotFound,
                format!("no {} has the id \"{}\"", types.join(" or "), id.as_str()),
            );
        }
    }
    Ok(rows)
}

/// Joins type names with "or" after the right indefinite article, such as "an Organization or
/// PoliceInstitution".
fn with_article(types: &[&str]) -> String {
    let names = types.join(" or ");
    let article = if names.starts_with(['A', 'E', 'I', 'O', 'U']) { "an" } else { "a" };
    format!("{article} {names}")
}

/// Resolves one optional global id.
pub async fn resolve_id(
    db: &impl ConnectionTrait,
    checks: &mut Checks,
    field: &str,
    id: Option<&ID>,
    types: &[&str],
    table: &'static str,
) -> ApiResult<Option<i32>> {
    let Some(id) = id else { return Ok(None) };
    let mut nested = Checks::default();
    let rows = resolve_ids(db, &mut nested, field, std::slice::from_ref(id), types, table).await?;
    for mut error in nested.errors {
        // The list helper appends an index; a single id has none.
        error.field.pop();
        checks.errors.push(error);
    }
    Ok(rows.first().copied())
}

/// Checks that `expected` is the stored version, and otherwise reports the conflict.
pub fn check_version(checks: &mut Checks, current: i32, expected: i32) -> bool {
    if current == expected {
        return true;
    }
    checks.add(
        "expectedVersion",
        UserErrorCode::Conflict,
        format!(
            "the record is at version {current}, not {expected}: someone changed it since you loaded it; reload it, reapply your change and send version {current}"
        ),
    );
    false
}

/// Returns the status a transition leads to, or reports why the current status forbids it.
pub fn transition(checks: &mut Checks, current: ContentStatus, action: RevisionAction) -> Option<ContentStatus> {
    use ContentStatus::*;
    let next = match (action, current) {
        (RevisionAction::Submit, Draft) => InReview,
        (RevisionAction::Publish, Draft | InReview) => Published,
        (RevisionAction::Unpublish, Published | InReview) => Draft,
        (RevisionAction::Archive, Draft | InReview | Published) => Archived,
        (RevisionAction::Restore, Archived) => Draft,
        _ => {
            checks.add(
                "id",
                UserErrorCode::InvalidTransition,
                format!(
                    "a record in status {} cannot be given the action {}; {}",
                    current.as_db(),
                    action.as_db(),
                    match action {
                        RevisionAction::Submit => "only drafts can be submitted for review",
                        RevisionAction::Publish => "only drafts and records in review can be published",
                        RevisionAction::Unpublish => "only published records and records in review go back to draft",
                        RevisionAction::Archive => "the record is already archived",
                        _ => "only archived records can be restored",
                    }
                ),
            );
            return None;
        }
    };
    Some(next)
}

/// Lists the fields that differ between two snapshots, as `{field, old, new}` objects.
pub fn changes(old: &Map<String, Json>, new: &Map<String, Json>) -> Vec<Json> {
    let mut changed = Vec::new();
    for (field, value) in new {
        let before = old.get(field).cloned().unwrap_or(Json::Null);
        if before != *value {
            changed.push(serde_json::json!({ "field": field, "old": before, "new": value }));
        }
    }
    changed
}

/// Appends one revision to a record's history.
pub async fn record_revision(
    txn: &DatabaseTransaction,
    viewer: &Viewer,
    entity_type: &str,
    entity_id: i32,
    version: i32,
    action: RevisionAction,
    changes: Vec<Json>,
) -> ApiResult<()> {
    let revision = revisions::ActiveModel {
        id: ActiveValue::NotSet,
        entity_type: ActiveValue::Set(entity_type.to_owned()),
        entity_id: ActiveValue::Set(entity_id),
        version: ActiveValue::Set(version),
        action: ActiveValue::Set(action.as_db().to_owned()),
        actor_id: ActiveValue::Set(viewer.member_id()),
        actor: ActiveValue::Set(viewer.actor()),
        changes: ActiveValue::Set(Json::Array(changes)),
        created_at: ActiveValue::Set(Utc::now()),
    };
    revisions::Entity::insert(revision).exec(txn).await?;
    Ok(())
}

/// Rejects a write by a caller who may not change records of `network`.
pub fn require_editor(viewer: &Viewer, network: Option<i32>) -> ApiResult<()> {
    super::lifecycle::require_owner_editor(viewer, network.as_slice())
}

/// One recorded change to a record.
pub struct Revision(pub revisions::Model);

connection!(
    RevisionConnection,
    RevisionEdge,
    Revision,
    revisions::Model,
    "A page of revisions, newest first.",
    "A revision in a page."
);

/// One recorded change to a record: who made it, when, and what changed.
#[Object]
impl Revision {
    /// The version the record reached with this change.
    async fn version(&self) -> i32 {
        self.0.version
    }

    /// What the change did.
    async fn action(&self) -> async_graphql::Result<RevisionAction> {
        Ok(stored("revisions.action", &self.0.action)?)
    }

    /// Who made the change: the member's display name, and the API token's name when one was used.
    async fn actor(&self) -> &str {
        &self.0.actor
    }

    /// When the change was made.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }

    /// Each changed field with its old and new value, as JSON.
    async fn changes(&self) -> Vec<FieldChange> {
        self.0
            .changes
            .as_array()
            .into_iter()
            .flatten()
            .map(|change| FieldChange {
                field: change["field"].as_str().unwrap_or_default().to_owned(),
                old_value: JsonScalar(change["old"].clone()),
                new_value: JsonScalar(change["new"].clone()),
            })
            .collect()
    }
}

/// One field's value before and after a change.
#[derive(SimpleObject)]
pub struct FieldChange {
    /// The field's name, as in the record's input type.
    pub field: String,
    /// The value before the change; null for a new record. Enum values appear as stored, in
    /// lower case (`draft`, `public`), and links as lists of global ids.
    pub old_value: JsonScalar<Json>,
    /// The value after the change, written as `oldValue` is.
    pub new_value: JsonScalar<Json>,
}

/// Maps a unique-constraint failure to a user error, and passes other failures on.
pub fn duplicate_or(err: sea_orm::DbErr, checks: &mut Checks, field: &str, value: &str) -> ApiResult<()> {
    if matches!(err.sql_err(), Some(sea_orm::SqlErr::UniqueConstraintViolation(_))) {
        checks.add(
            field,
            UserErrorCode::Duplicate,
            format!("\"{value}\" is already used by another record; choose another"),
        );
        return Ok(());
    }
    Err(err.into())
}
