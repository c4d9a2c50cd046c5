//! Progress counts behind the networks' targets, maintained as enrolments and officers
//! change.
//!
//! `progress_counts` stores, per network and scope, the number of distinct officers in
//! each breakdown cell. A scope is an offering modality (`on_site`, `virtual`, `blended`)
//! or [`ANY_MODALITY`]. An officer is in a cell when at least one of their completed
//! enrolments, in an offering of a course of that network, falls into it:
//!
//! | dimension | key | in scopes |
//! |---|---|---|
//! | `total` | empty | all |
//! | `country` | the officer's `country_id` | all |
//! | `year` | the year of `completed_on`; completions without a date are in no year | all |
//! | `course` | the offering's `course_id` | all |
//! | `modality` | the offering's modality | `any` only |
//!
//! Writers wrap each change in [`before`] and [`after`]. Those two calls compute the cells
//! of the changed officers before and after the change and apply only the difference, so
//! the counts stay exact without recounting. [`rebuild`] recomputes everything in SQL
//! after bulk loads.
//!
//! NOTE: only changes to enrolments and officers are tracked. Moving a course to another
//! network or changing an offering's modality leaves the counts stale until the next
//! [`rebuild`].

use std::collections::{BTreeMap, BTreeSet, HashMap};

use anyhow::Context as _;
use chrono::{Datelike, NaiveDate};
use sea_orm::sea_query::{Expr, ExprTrait, LockType, OnConflict, Order, Query};
use sea_orm::{ConnectionTrait, DatabaseConnection, DatabaseTransaction, DbBackend, TransactionTrait};

use crate::error::{ApiError, ApiResult};

/// The scope of counts over every modality, stored in `progress_counts.modality`.
pub const ANY_MODALITY: &str = "any";
/// The dimension of the single cell that counts every officer of a scope; its key is empty.
pub const TOTAL: &str = "total";
/// The dimension keyed by the officer's country id.
pub const COUNTRY: &str = "country";
/// The dimension keyed by the year of completion.
pub const YEAR: &str = "year";
/// The dimension keyed by the course id.
pub const COURSE: &str = "course";
/// The dimension keyed by the offering's modality, stored in the [`ANY_MODALITY`] scope only.
pub const MODALITY: &str = "modality";

/// Officer ids per statement when reading or locking officers.
const OFFICERS_PER_STATEMENT: usize = 500;
/// Cells per upsert. Each row binds 5 parameters, far below PostgreSQL's limit of 65,535
/// bound parameters and SQLite's default of 32,766.
const CELLS_PER_STATEMENT: usize = 1_000;

/// One row of `progress_counts` without its count.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
struct Cell {
    network_id: i32,
    modality: String,
    dimension: &'static str,
    key: String,
}

impl Cell {
    fn new(network_id: i32, modality: &str, dimension: &'static str, key: String) -> Cell {
        Cell { network_id, modality: modality.to_owned(), dimension, key }
    }
}

/// The progress cells of some officers before a change, from [`before`].
pub struct Snapshot {
    /// The locked officers, sorted and without duplicates.
    officers: Vec<i32>,
    /// For each cell, how many of those officers were in it.
    cells: BTreeMap<Cell, i64>,
}

/// Locks `officers` for the rest of the transaction and records the progress cells their
/// completed enrolments put them in.
///
/// On PostgreSQL the officers' rows are locked in id order, so two writers that touch the
/// same officers queue instead of deadlocking. On SQLite the transaction must come from
/// [`super::begin_write`], which already holds the database's write lock.
pub async fn before(txn: &DatabaseTransaction, officers: &[i32]) -> ApiResult<Snapshot> {
    let mut officers = officers.to_vec();
    officers.sort_unstable();
    officers.dedup();
    if txn.get_database_backend() == DbBackend::Postgres {
        for chunk in officers.chunks(OFFICERS_PER_STATEMENT) {
            let lock = Query::select()
                .column("id")
                .from("officers")
                .and_where(Expr::col("id").is_in(chunk.iter().copied()))
                .order_by("id", Order::Asc)
                .lock(LockType::Update)
                .take();
            txn.query_all(&lock).await?;
        }
    }
    let cells = cells_of(txn, &officers).await?;
    Ok(Snapshot { officers, cells })
}

/// Recomputes the cells of the snapshot's officers and applies the difference to
/// `progress_counts`, in the transaction that [`before`] locked them in.
pub async fn after(txn: &DatabaseTransaction, snapshot: Snapshot) -> ApiResult<()> {
    let now = cells_of(txn, &snapshot.officers).await?;
    apply(txn, differences(&snapshot.cells, &now)).await
}

/// Returns the change of each cell's count from `old` to `new`, without the cells that
/// did not change.
fn differences(old: &BTreeMap<Cell, i64>, new: &BTreeMap<Cell, i64>) -> BTreeMap<Cell, i64> {
    let mut deltas = new.clone();
    for (cell, count) in old {
        *deltas.entry(cell.clone()).or_insert(0) -= count;
    }
    deltas.retain(|_, delta| *delta != 0);
    deltas
}

/// Counts, for each cell, how many of `officers` are in it, with one statement per chunk
/// of officers.
async fn cells_of(txn: &DatabaseTransaction, officers: &[i32]) -> ApiResult<BTreeMap<Cell, i64>> {
    let mut counts = BTreeMap::new();
    for chunk in officers.chunks(OFFICERS_PER_STATEMENT) {
        let completions = Query::select()
            .column(("enrolments", "officer_id"))
            .column(("courses", "network_id"))
            .column(("course_offerings", "modality"))
            .column(("course_offerings", "course_id"))
            .column(("officers", "country_id"))
            .column(("enrolments", "completed_on"))
            .from("enrolments")
            .inner_join("course_offerings", Expr::col(("course_offerings", "id")).equals(("enrolments", "offering_id")))
            .inner_join("courses", Expr::col(("courses", "id")).equals(("course_offerings", "course_id")))
            .inner_join("officers", Expr::col(("officers", "id")).equals(("enrolments", "officer_id")))
            .and_where(Expr::col(("enrolments", "status")).eq("completed"))
            .and_where(Expr::col(("enrolments", "officer_id")).is_in(chunk.iter().copied()))
            .take();
        // An officer with several completions in one cell counts once, hence a set per officer.
        let mut by_officer: HashMap<i32, BTreeSet<Cell>> = HashMap::new();
        for row in txn.query_all(&completions).await? {
            let officer: i32 = row.try_get("", "officer_id")?;
            let completion = Completion {
                network_id: row.try_get("", "network_id")?,
                modality: row.try_get("", "modality")?,
                course_id: row.try_get("", "course_id")?,
                country_id: row.try_get("", "country_id")?,
                completed_on: row.try_get("", "completed_on")?,
            };
            completion.add_cells(by_officer.entry(officer).or_default());
        }
        for cell in by_officer.into_values().flatten() {
            *counts.entry(cell).or_insert(0) += 1;
        }
    }
    Ok(counts)
}

/// One completed enrolment, with what places it in cells.
struct Completion {
    network_id: i32,
    modality: String,
    course_id: i32,
    country_id: i32,
    completed_on: Option<NaiveDate>,
}

impl Completion {
    /// Adds the cells this completion puts its officer in, in its modality's scope and in
    /// the scope of any modality. Keys are written as [`rebuild`] writes them in SQL.
    fn add_cells(&self, cells: &mut BTreeSet<Cell>) {
        for scope in [self.modality.as_str(), ANY_MODALITY] {
            let cell = |dimension, key| Cell::new(self.network_id, scope, dimension, key);
            cells.insert(cell(TOTAL, String::new()));
            cells.insert(cell(COUNTRY, self.country_id.to_string()));
            cells.insert(cell(COURSE, self.course_id.to_string()));
            if let Some(completed_on) = self.completed_on {
                cells.insert(cell(YEAR, completed_on.year().to_string()));
            }
        }
        cells.insert(Cell::new(self.network_id, ANY_MODALITY, MODALITY, self.modality.clone()));
    }
}

/// Adds `deltas` to `progress_counts` and deletes the rows that reach 0.
///
/// Cells go in key order. PostgreSQL inserts the rows of a `VALUES` list in list order,
/// so concurrent writers lock the cells they share in the same order, which keeps them
/// from deadlocking on those rows.
async fn apply(txn: &DatabaseTransaction, deltas: BTreeMap<Cell, i64>) -> ApiResult<()> {
    let deltas: Vec<(Cell, i64)> = deltas.into_iter().collect();
    for chunk in deltas.chunks(CELLS_PER_STATEMENT) {
        let mut upsert = Query::insert();
        upsert
            .into_table("progress_counts")
            .columns(["network_id", "modality", "dimension", "key", "officers"])
            .on_conflict(
                OnConflict::columns(["network_id", "modality", "dimension", "key"])
                    .value(
                        "officers",
                        Expr::col(("progress_counts", "officers")).add(Expr::col(("excluded", "officers"))),
                    )
                    .to_owned(),
            );
        for (cell, delta) in chunk {
            upsert
                .values([
                    cell.network_id.into(),
                    cell.modality.clone().into(),
                    cell.dimension.into(),
                    cell.key.clone().into(),
                    (*delta).into(),
                ])
                .map_err(|err| ApiError::Unexpected(format!("could not build the progress count upsert: {err}")))?;
        }
        txn.execute(&upsert).await?;
    }

    // Only a cell that lost officers can have reached 0.
    let decreased: Vec<&Cell> = deltas.iter().filter(|(_, delta)| *delta < 0).map(|(cell, _)| cell).collect();
    for chunk in decreased.chunks(CELLS_PER_STATEMENT) {
        let columns = ["network_id", "modality", "dimension", "key"].map(Expr::col);
        let keys = chunk.iter().map(|cell| {
            Expr::tuple([
                Expr::val(cell.network_id),
                Expr::val(cell.modality.as_str()),
                Expr::val(cell.dimension),
                Expr::val(cell.key.as_str()),
            ])
        });
        let delete = Query::delete()
            .from_table("progress_counts")
            .and_where(Expr::col("officers").lte(0))
            .and_where(Expr::tuple(columns).is_in(keys))
            .take();
        txn.execute(&delete).await?;
    }
    Ok(())
}

/// Recomputes every progress count from the enrolments, in one transaction.
pub async fn rebuild(db: &DatabaseConnection) -> anyhow::Result<()> {
    rebuild_and_count(db).await.map(|_| ())
}

/// Recomputes every progress count from the enrolments, in one transaction, and returns
/// the number of cells written.
///
/// Two statements do the work: a `DELETE` of every row, then one `INSERT … SELECT` that
/// reads the completed enrolments once and groups them per dimension with
/// `COUNT(DISTINCT officer_id)`.
pub async fn rebuild_and_count(db: &DatabaseConnection) -> anyhow::Result<u64> {
    let backend = db.get_database_backend();
    let txn = db.begin().await.context("could not begin the progress rebuild")?;
    if backend == DbBackend::Postgres {
        // Writers that apply differences wait until the rebuilt counts are committed, then
        // add their changes on top. Reads of the old counts go on meanwhile.
        txn.execute_unprepared("LOCK TABLE progress_counts IN EXCLUSIVE MODE")
            .await
            .context("could not lock progress_counts for the rebuild")?;
    }
    txn.execute_unprepared("DELETE FROM progress_counts").await.context("could not clear progress_counts")?;
    let inserted = txn
        .execute_unprepared(&rebuild_sql(backend))
        .await
        .context("could not recount progress_counts from the enrolments")?
        .rows_affected();
    txn.commit().await.context("could not commit the rebuilt progress counts")?;
    Ok(inserted)
}

/// Builds the `INSERT … SELECT` that recounts every cell. Keys are text, written as
/// [`Completion::add_cells`] writes them.
fn rebuild_sql(backend: DbBackend) -> String {
    let year = match backend {
        DbBackend::Postgres => "CAST(CAST(EXTRACT(YEAR FROM e.completed_on) AS INTEGER) AS TEXT)",
        // SQLite stores dates as `YYYY-MM-DD` text; the integer cast drops leading zeros.
        _ => "CAST(CAST(strftime('%Y', e.completed_on) AS INTEGER) AS TEXT)",
    };
    // One SELECT per scope and dimension: the scope, the dimension, the key, and the
    // columns the cell depends on besides the network. `modality` is the offering's.
    let any = format!("'{ANY_MODALITY}'");
    let groups: [(&str, &str, &str, &[&str]); 9] = [
        ("modality", TOTAL, "''", &["modality"]),
        (&any, TOTAL, "''", &[]),
        ("modality", COUNTRY, "CAST(country_id AS TEXT)", &["modality", "country_id"]),
        (&any, COUNTRY, "CAST(country_id AS TEXT)", &["country_id"]),
        ("modality", COURSE, "CAST(course_id AS TEXT)", &["modality", "course_id"]),
        (&any, COURSE, "CAST(course_id AS TEXT)", &["course_id"]),
        ("modality", YEAR, "year", &["modality", "year"]),
        (&any, YEAR, "year", &["year"]),
        (&any, MODALITY, "modality", &["modality"]),
    ];
    let selects: Vec<String> = groups
        .iter()
        .map(|(scope, dimension, key, columns)| {
            let dated = if *dimension == YEAR { " WHERE year IS NOT NULL" } else { "" };
            let grouped: String = columns.iter().map(|column| format!(", {column}")).collect();
            format!(
                "SELECT network_id, {scope}, '{dimension}', {key}, COUNT(DISTINCT officer_id) \
                 FROM completions{dated} GROUP BY network_id{grouped}"
            )
        })
        .collect();
    format!(
        "WITH completions AS MATERIALIZED (\
            SELECT e.officer_id, c.network_id, o.modality, o.course_id, f.country_id, {year} AS year \
            FROM enrolments e \
            JOIN course_offerings o ON o.id = e.offering_id \
            JOIN courses c ON c.id = o.course_id \
            JOIN officers f ON f.id = e.officer_id \
            WHERE e.status = 'completed') \
        INSERT INTO progress_counts (network_id, modality, dimension, \"key\", officers) {}",
        selects.join(" UNION ALL ")
    )
}

#[cfg(test)]
#[allow(clippy::unwrap_used, reason = "a failed unwrap is a failed test")]
mod tests {
    use super::*;

    fn completion(modality: &str, course_id: i32, year: Option<i32>) -> Completion {
        Completion {
            network_id: 1,
            modality: modality.to_owned(),
            course_id,
            country_id: 7,
            completed_on: year.map(|year| NaiveDate::from_ymd_opt(year, 6, 1).unwrap()),
        }
    }

    #[test]
    fn completion_cells_cover_both_scopes() {
        let mut cells = BTreeSet::new();
        completion("virtual", 3, Some(2024)).add_cells(&mut cells);
        let keys: Vec<(&str, &str, &str)> =
            cells.iter().map(|cell| (cell.modality.as_str(), cell.dimension, cell.key.as_str())).collect();
        assert_eq!(
            keys,
            [
                ("any", "country", "7"),
                ("any", "course", "3"),
                ("any", "modality", "virtual"),
                ("any", "total", ""),
                ("any", "year", "2024"),
                ("virtual", "country", "7"),
                ("virtual", "course", "3"),
                ("virtual", "total", ""),
                ("virtual", "year", "2024"),
            ]
        );
    }

    #[test]
    fn undated_completion_has_no_year() {
        let mut cells = BTreeSet::new();
        completion("on_site", 3, None).add_cells(&mut cells);
        assert!(cells.iter().all(|cell| cell.dimension != YEAR));
        assert_eq!(cells.len(), 7);
    }

    #[test]
    fn differences_drop_unchanged_cells() {
        let cell = |key: &str| Cell::new(1, "any", COUNTRY, key.to_owned());
        let old = BTreeMap::from([(cell("1"), 2), (cell("2"), 1)]);
        let new = BTreeMap::from([(cell("1"), 2), (cell("3"), 1)]);
        let deltas = differences(&old, &new);
        assert_eq!(deltas, BTreeMap::from([(cell("2"), -1), (cell("3"), 1)]));
    }

    #[test]
    fn rebuild_groups_by_every_key_column() {
        let sql = rebuild_sql(DbBackend::Sqlite);
        assert_eq!(sql.matches("SELECT network_id").count(), 9);
        assert!(sql.contains("'any', 'year', year, COUNT(DISTINCT officer_id) FROM completions WHERE year IS NOT NULL GROUP BY network_id, year"));
        assert!(sql.contains("modality, 'country', CAST(country_id AS TEXT), COUNT(DISTINCT officer_id) FROM completions GROUP BY network_id, modality, country_id"));
    }
}
