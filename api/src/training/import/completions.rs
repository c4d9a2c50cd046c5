//! Completions files: one officer's result in one course offering per row, matched to the
//! officer's enrolment in that offering.

use std::collections::{BTreeSet, HashMap};

use chrono::{NaiveDate, Utc};
use sea_orm::sea_query::{Expr, ExprTrait, Func, Query};
use sea_orm::{ConnectionTrait, DatabaseConnection, DatabaseTransaction};

use super::fields::{self, Change};
use super::lookup::{self, Offering};
use super::officers::MAX_EXTERNAL_REF;
use super::parse::{Cell, Columns, RawRow};
use super::{
    Caller, KEYS_PER_LOOKUP, MAX_SLUG, ROWS_PER_STATEMENT, RowErrorCode, RowErrors, Written, check_institution,
    values_list,
};
use crate::error::{ApiError, ApiResult};
use crate::training::{begin_write, certificates, enrolment, progress};

/// The columns of a completions file.
pub(super) const COLUMNS: Columns = Columns {
    names: &["institution", "external_ref", "offering", "outcome", "completed_on", "score", "result"],
    required: &["institution", "external_ref", "offering", "outcome", "completed_on"],
};
const INSTITUTION: usize = 0;
const EXTERNAL_REF: usize = 1;
const OFFERING: usize = 2;
const OUTCOME: usize = 3;
const COMPLETED_ON: usize = 4;
const SCORE: usize = 5;
const RESULT: usize = 6;

/// Maximum characters of a result text.
const MAX_RESULT: usize = 500;

/// Outcomes a completion can record, which are also the enrolment statuses it sets.
const OUTCOMES: [&str; 2] = ["completed", "failed"];

/// A checked row of a completions file.
#[derive(Debug)]
pub(super) struct CompletionRow {
    /// The row's line in the file.
    pub line: u64,
    officer_id: i32,
    offering: Offering,
    status: &'static str,
    completed_on: NaiveDate,
    score: Change<Option<f64>>,
    result: Change<Option<String>>,
}

/// The fields of an enrolment that an import compares and writes.
#[derive(Clone, Debug, PartialEq)]
struct CompletionValues {
    status: String,
    completed_on: Option<NaiveDate>,
    score: Option<f64>,
    result: Option<String>,
}

/// A row whose fields passed, before its officer is looked up.
struct Pending {
    line: u64,
    officer: (i32, String),
    /// The institution's slug, for messages.
    institution: String,
    offering: Offering,
    status: &'static str,
    completed_on: NaiveDate,
    score: Change<Option<f64>>,
    result: Change<Option<String>>,
}

/// Checks every row, records each problem in `errors`, and returns the rows that passed.
pub(super) async fn check(
    db: &DatabaseConnection,
    rows: &[RawRow],
    caller: &Caller,
    errors: &mut RowErrors,
) -> ApiResult<Vec<CompletionRow>> {
    let mut institution_slugs = BTreeSet::new();
    let mut offering_slugs = BTreeSet::new();
    for row in rows {
        if let Cell::Text(slug) = &row.cells[INSTITUTION] {
            institution_slugs.insert(slug.clone());
        }
        if let Cell::Text(slug) = &row.cells[OFFERING] {
            offering_slugs.insert(slug.clone());
        }
    }
    let institutions = lookup::institutions(db, &institution_slugs).await?;
    let offerings = lookup::offerings(db, &offering_slugs).await?;
    let today = Utc::now().date_naive();

    // The first line of each (institution, external_ref, offering) key.
    let mut first_lines: HashMap<(String, String, String), u64> = HashMap::new();
    let mut pending = Vec::with_capacity(rows.len());
    for row in rows {
        let line = row.line;
        let institution = check_institution(errors, line, &row.cells[INSTITUTION], &institutions, caller);
        let external_ref = fields::required(
            errors,
            line,
            "external_ref",
            &row.cells[EXTERNAL_REF],
            MAX_EXTERNAL_REF,
            "the institution's own id for the officer",
        );
        let offering = offering(errors, line, &row.cells[OFFERING], &offerings);
        let status = outcome(errors, line, &row.cells[OUTCOME]);
        let completed_on = fields::past_date(errors, line, "completed_on", &row.cells[COMPLETED_ON], today);
        let score = fields::score(errors, line, "score", &row.cells[SCORE]);
        let result = fields::optional(errors, line, "result", &row.cells[RESULT], MAX_RESULT);

        if let (Cell::Text(slug), Some(external_ref), Cell::Text(offering)) =
            (&row.cells[INSTITUTION], &external_ref, &row.cells[OFFERING])
        {
            let key = (slug.clone(), external_ref.clone(), offering.clone());
            match first_lines.get(&key) {
                Some(first) => errors.add(
                    line,
                    "offering",
                    RowErrorCode::Duplicate,
                    format!(
                        "line {first} already has the result of officer {external_ref} of {slug} in {offering}; keep one row per officer and offering"
                    ),
                ),
                None => {
                    first_lines.insert(key, line);
                }
            }
        }

        if let (Some(institution), Some(external_ref), Some(offering), Some(status), Some(completed_on)) =
            (institution, external_ref, offering, status, completed_on)
            && let Cell::Text(slug) = &row.cells[INSTITUTION]
            && !errors.has(line)
        {
            pending.push(Pending {
                line,
                officer: (institution.id, external_ref),
                institution: slug.clone(),
                offering,
                status,
                completed_on,
                score,
                result,
            });
        }
    }

    let keys: BTreeSet<(i32, String)> = pending.iter().map(|row| row.officer.clone()).collect();
    let officers = lookup::officers(db, &keys).await?;
    let mut checked = Vec::with_capacity(pending.len());
    for row in pending {
        let Some(officer_id) = officers.get(&row.officer) else {
            errors.add(
                row.line,
                "external_ref",
                RowErrorCode::NotFound,
                format!(
                    "{} has no officer with external_ref {}; import the officer with an officers file first",
                    row.institution, row.officer.1
                ),
            );
            continue;
        };
        checked.push(CompletionRow {
            line: row.line,
            officer_id: *officer_id,
            offering: row.offering,
            status: row.status,
            completed_on: row.completed_on,
            score: row.score,
            result: row.result,
        });
    }
    Ok(checked)
}

/// Resolves an offering slug.
fn offering(errors: &mut RowErrors, line: u64, cell: &Cell, offerings: &HashMap<String, Offering>) -> Option<Offering> {
    let slug = fields::required(
        errors,
        line,
        "offering",
        cell,
        MAX_SLUG,
        "the slug of the course offering, such as offering-redppol-onsite-2017-hnd",
    )?;
    match offerings.get(&slug) {
        Some(offering) => Some(*offering),
        None => {
            errors.add(
                line,
                "offering",
                RowErrorCode::NotFound,
                format!(
                    "no course offering has the slug \"{slug}\"; copy the slug from the query {{ courseOfferings {{ nodes {{ slug }} }} }}"
                ),
            );
            None
        }
    }
}

/// Checks an outcome and returns the enrolment status it sets.
fn outcome(errors: &mut RowErrors, line: u64, cell: &Cell) -> Option<&'static str> {
    let text = fields::required(errors, line, "outcome", cell, MAX_SLUG, "completed or failed")?;
    let lower = text.to_ascii_lowercase();
    let status = OUTCOMES.into_iter().find(|outcome| *outcome == lower);
    if status.is_none() {
        errors.add(
            line,
            "outcome",
            RowErrorCode::Invalid,
            format!("\"{text}\" is not an outcome; write completed or failed"),
        );
    }
    status
}

/// Writes one batch of checked rows in one transaction: creates enrolments, updates
/// changed ones and leaves the others alone, then brings certificates, seat counts and
/// progress counts in line.
pub(super) async fn write(db: &DatabaseConnection, rows: &[CompletionRow]) -> ApiResult<Written> {
    let txn = begin_write(db).await?;
    let stored = stored_enrolments(&txn, rows).await?;

    let mut written = Written::default();
    let mut new = Vec::new();
    let mut changed = Vec::new();
    let mut officers = BTreeSet::new();
    let mut offerings = BTreeSet::new();
    for row in rows {
        let next = match stored.get(&(row.officer_id, row.offering.id)) {
            None => {
                new.push(row);
                officers.insert(row.officer_id);
                offerings.insert(row.offering.id);
                continue;
            }
            Some((id, stored)) => {
                let next = CompletionValues {
                    status: row.status.to_owned(),
                    completed_on: Some(row.completed_on),
                    score: row.score.apply(stored.score),
                    result: row.result.apply(stored.result.clone()),
                };
                if next == *stored {
                    written.unchanged += 1;
                    continue;
                }
                (*id, next)
            }
        };
        officers.insert(row.officer_id);
        offerings.insert(row.offering.id);
        changed.push(next);
    }

    let officers: Vec<i32> = officers.into_iter().collect();
    let offerings: Vec<i32> = offerings.into_iter().collect();
    let snapshot = progress::before(&txn, &officers).await?;
    let mut enrolments = insert(&txn, &new).await?;
    update(&txn, &changed).await?;
    enrolments.extend(changed.iter().map(|(id, _)| *id));
    certificates::sync(&txn, &enrolments).await?;
    enrolment::recount_seats(&txn, &offerings).await?;
    progress::after(&txn, snapshot).await?;
    txn.commit().await?;
    written.created = new.len();
    written.updated = changed.len();
    Ok(written)
}

/// Reads the stored enrolments of the batch's officers in the batch's offerings, with
/// their ids, keyed by officer and offering.
async fn stored_enrolments(
    txn: &DatabaseTransaction,
    rows: &[CompletionRow],
) -> ApiResult<HashMap<(i32, i32), (i32, CompletionValues)>> {
    let officers: Vec<i32> = rows.iter().map(|row| row.officer_id).collect::<BTreeSet<_>>().into_iter().collect();
    let offerings: BTreeSet<i32> = rows.iter().map(|row| row.offering.id).collect();
    let mut stored = HashMap::new();
    for chunk in officers.chunks(KEYS_PER_LOOKUP) {
        let select = Query::select()
            .columns(["id", "officer_id", "offering_id", "status", "completed_on", "score", "result"])
            .from("enrolments")
            .and_where(Expr::col("officer_id").is_in(chunk.iter().copied()))
            .and_where(Expr::col("offering_id").is_in(offerings.iter().copied()))
            .take();
        for row in txn.query_all(&select).await? {
            let values = CompletionValues {
                status: row.try_get("", "status")?,
                completed_on: row.try_get("", "completed_on")?,
                score: row.try_get("", "score")?,
                result: row.try_get("", "result")?,
            };
            let key = (row.try_get("", "officer_id")?, row.try_get("", "offering_id")?);
            stored.insert(key, (row.try_get("", "id")?, values));
        }
    }
    Ok(stored)
}

/// Creates enrolments for new completions and returns their ids.
async fn insert(txn: &DatabaseTransaction, rows: &[&CompletionRow]) -> ApiResult<Vec<i32>> {
    let now = Utc::now();
    let mut ids = Vec::with_capacity(rows.len());
    for chunk in rows.chunks(ROWS_PER_STATEMENT) {
        let mut insert = Query::insert();
        insert
            .into_table("enrolments")
            .columns([
                "officer_id",
                "offering_id",
                "course_id",
                "status",
                "applied_at",
                "enrolled_at",
                "completed_on",
                "score",
                "result",
                "source",
                "version",
                "created_at",
                "updated_at",
            ])
            .returning_col("id");
        for row in chunk {
            insert
                .values([
                    row.officer_id.into(),
                    row.offering.id.into(),
                    row.offering.course_id.into(),
                    row.status.into(),
                    now.into(),
                    now.into(),
                    row.completed_on.into(),
                    row.score.apply(None).into(),
                    row.result.apply(None).into(),
                    "import".into(),
                    1.into(),
                    now.into(),
                    now.into(),
                ])
                .map_err(|err| ApiError::Unexpected(format!("could not build the enrolment insert: {err}")))?;
        }
        for row in txn.query_all(&insert).await? {
            ids.push(row.try_get("", "id")?);
        }
    }
    Ok(ids)
}

/// Writes the new values of changed enrolments. An enrolment that never had a seat gets
/// `enrolled_at` now, since a result means the officer took part.
async fn update(txn: &DatabaseTransaction, rows: &[(i32, CompletionValues)]) -> ApiResult<()> {
    let now = Utc::now();
    for chunk in rows.chunks(ROWS_PER_STATEMENT) {
        let values = chunk
            .iter()
            .map(|(id, next)| {
                vec![
                    (*id).into(),
                    next.status.clone().into(),
                    next.completed_on.into(),
                    next.score.into(),
                    next.result.clone().into(),
                ]
            })
            .collect();
        let update = Query::update()
            .table("enrolments")
            .value("status", Expr::col(("v", "column2")))
            .value("completed_on", Expr::col(("v", "column3")))
            .value("score", Expr::col(("v", "column4")))
            .value("result", Expr::col(("v", "column5")))
            .value("enrolled_at", Func::coalesce([Expr::col(("enrolments", "enrolled_at")), Expr::val(now)]))
            .value("version", Expr::col(("enrolments", "version")).add(1))
            .value("updated_at", now)
            .from(values_list(values, "v"))
            .and_where(Expr::col(("enrolments", "id")).equals(("v", "column1")))
            .take();
        txn.execute(&update).await?;
    }
    Ok(())
}
