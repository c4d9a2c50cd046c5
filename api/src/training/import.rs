//! Bulk import of officers and course completions from CSV or JSON Lines, shared by the
//! `importOfficers` and `importCompletions` mutations and the `import-officers` and
//! `import-completions` commands. `data/RECORDS.md` describes both file formats.
//!
//! An import runs in two phases. First every row is read and checked, and every problem
//! becomes a [`RowError`] with its line and column. Keys are looked up in batches of
//! [`KEYS_PER_LOOKUP`]. Then the valid rows are written in transactions of [`BATCH_ROWS`]
//! rows, each with multi-row statements. By default a single row error stops the import
//! before anything is written. With `skip_invalid`, the valid rows are written and the
//! others are reported as rejected.
//!
//! Rows are matched to stored records by key: officers by institution and `external_ref`,
//! completions by officer and offering. A record is written only when a value differs, so
//! importing the same file again changes nothing and reports every row as unchanged.

mod completions;
mod fields;
mod lookup;
mod officers;
mod parse;

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use anyhow::Context as _;
use sea_orm::DatabaseConnection;
use sea_orm::sea_query::{IntoIden, TableRef, Value, ValueTuple};

use crate::auth::Viewer;
use crate::error::ApiError;

/// Keys per look-up statement: few enough for any statement size limit, many enough that
/// a 200,000-row file needs a few hundred statements per key kind.
const KEYS_PER_LOOKUP: usize = 500;
/// Rows written per transaction. Each transaction also updates progress counts,
/// certificates and seat counts for its own rows, so a failure loses at most one batch.
const BATCH_ROWS: usize = 2_000;
/// Rows per multi-row INSERT or UPDATE. With at most 13 columns this binds at most 13,000
/// parameters, below both SQLite's default limit of 32,766 and PostgreSQL's of 65,535.
const ROWS_PER_STATEMENT: usize = 1_000;
/// Maximum characters of a slug, as the editorial checks allow.
const MAX_SLUG: usize = 120;

/// The file formats an import reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// Comma-separated values with a header row naming the columns.
    Csv,
    /// One JSON object per line; blank lines are skipped.
    JsonLines,
}

impl Format {
    /// Returns the format that a file extension stands for: `.csv`, `.jsonl` or `.ndjson`.
    pub fn from_path(path: &Path) -> Option<Format> {
        let extension = path.extension()?.to_str()?.to_ascii_lowercase();
        match extension.as_str() {
            "csv" => Some(Format::Csv),
            "jsonl" | "ndjson" => Some(Format::JsonLines),
            _ => None,
        }
    }
}

/// The kinds of records a file holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RecordKind {
    /// Officers and instructors of police institutions.
    Officers,
    /// Completed or failed course offerings of existing officers.
    Completions,
}

/// Stable codes of row errors, which front ends translate.
#[derive(async_graphql::Enum, Clone, Copy, Debug, PartialEq, Eq)]
#[graphql(name = "RecordRowErrorCode")]
pub enum RowErrorCode {
    /// A required value is missing or empty.
    Required,
    /// A value has the wrong form, such as a bad date, number or email address.
    Invalid,
    /// A text is longer than allowed.
    TooLong,
    /// A key names no record, such as an unknown institution, offering or officer.
    NotFound,
    /// An earlier row of the same file has the same key.
    Duplicate,
    /// The caller does not manage the training records of the row's institution.
    Forbidden,
}

impl RowErrorCode {
    /// Returns the code as clients see it.
    pub fn as_str(self) -> &'static str {
        match self {
            RowErrorCode::Required => "REQUIRED",
            RowErrorCode::Invalid => "INVALID",
            RowErrorCode::TooLong => "TOO_LONG",
            RowErrorCode::NotFound => "NOT_FOUND",
            RowErrorCode::Duplicate => "DUPLICATE",
            RowErrorCode::Forbidden => "FORBIDDEN",
        }
    }
}

/// A problem with one row of an import file.
#[derive(Clone, Debug, PartialEq)]
pub struct RowError {
    /// Line of the file where the row starts, counting from 1. In CSV data the header is
    /// line 1.
    pub line: u64,
    /// The column or JSON field at fault; `None` when the whole row is unreadable.
    pub field: Option<String>,
    /// Stable machine code.
    pub code: RowErrorCode,
    /// Explanation that names the value and the fix.
    pub message: String,
}

impl std::fmt::Display for RowError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.field {
            Some(field) => write!(f, "line {}, {field}: {}: {}", self.line, self.code.as_str(), self.message),
            None => write!(f, "line {}: {}: {}", self.line, self.code.as_str(), self.message),
        }
    }
}

/// A problem that makes the whole file unreadable, such as an unknown CSV column.
#[derive(Clone, Debug, PartialEq)]
pub struct FileError {
    /// The line at fault, when there is one.
    pub line: Option<u64>,
    /// Explanation that names the problem and the fix.
    pub message: String,
}

impl std::fmt::Display for FileError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.line {
            Some(line) => write!(f, "line {line}: {}", self.message),
            None => f.write_str(&self.message),
        }
    }
}

/// Why an import did not run to its report.
#[derive(Debug)]
pub enum ImportError {
    /// The file cannot be read at all; nothing was written.
    File(FileError),
    /// The database failed. Batches committed before the failure stay written, and
    /// importing the file again writes the rest.
    Api(ApiError),
}

impl From<ApiError> for ImportError {
    fn from(err: ApiError) -> Self {
        ImportError::Api(err)
    }
}

impl From<sea_orm::DbErr> for ImportError {
    fn from(err: sea_orm::DbErr) -> Self {
        ImportError::Api(err.into())
    }
}

impl From<FileError> for ImportError {
    fn from(err: FileError) -> Self {
        ImportError::File(err)
    }
}

/// The outcome of an import, counted in rows. `rows` always equals the sum of `created`,
/// `updated`, `unchanged` and `rejected`.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ImportReport {
    /// Data rows in the file; the CSV header and blank lines are not rows.
    pub rows: usize,
    /// Rows that created a record.
    pub created: usize,
    /// Rows that changed a stored record.
    pub updated: usize,
    /// Rows already stored exactly as given.
    pub unchanged: usize,
    /// Rows not written: the rows with errors, or every row when a row error stopped an
    /// all-or-nothing import.
    pub rejected: usize,
    /// Rows with at least one error.
    pub invalid_rows: usize,
    /// Every problem found, ordered by line.
    pub row_errors: Vec<RowError>,
}

impl ImportReport {
    /// Returns the counts in one line, such as `rows 3, created 2, updated 0, unchanged 1,
    /// rejected 0`.
    pub fn summary(&self) -> String {
        format!(
            "rows {}, created {}, updated {}, unchanged {}, rejected {} ({} with errors)",
            self.rows, self.created, self.updated, self.unchanged, self.rejected, self.invalid_rows
        )
    }
}

/// Numbers of rows one write created, updated or left unchanged.
#[derive(Clone, Copy, Debug, Default)]
struct Written {
    created: usize,
    updated: usize,
    unchanged: usize,
}

/// Who runs an import, which decides the institutions whose records it may write.
#[derive(Clone, Debug)]
pub enum Caller {
    /// An operator on the command line, who may write records of every institution.
    Operator,
    /// A GraphQL caller, who may write records of the institutions it manages.
    Viewer(Box<Viewer>),
}

impl Caller {
    fn manages(&self, institution: i32) -> bool {
        match self {
            Caller::Operator => true,
            Caller::Viewer(viewer) => viewer.manages_training_of(institution),
        }
    }
}

/// Whether an import writes the valid rows of a file that also has invalid rows.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Mode {
    /// Any row error means nothing is written.
    #[default]
    AllOrNothing,
    /// Valid rows are written, and rows with errors are reported as rejected.
    SkipInvalid,
}

/// Collects the row errors of a file and the lines they are on.
#[derive(Default)]
struct RowErrors {
    list: Vec<RowError>,
    lines: HashSet<u64>,
}

impl RowErrors {
    fn add(&mut self, line: u64, field: &str, code: RowErrorCode, message: impl Into<String>) {
        self.push(RowError { line, field: Some(field.to_owned()), code, message: message.into() });
    }

    fn push(&mut self, error: RowError) {
        self.lines.insert(error.line);
        self.list.push(error);
    }

    fn has(&self, line: u64) -> bool {
        self.lines.contains(&line)
    }
}

/// Imports a file of `kind` records from `data`: checks every row, then writes the valid
/// rows unless `mode` is all-or-nothing and some row has an error.
pub async fn import(
    db: &DatabaseConnection,
    kind: RecordKind,
    data: &str,
    format: Format,
    mode: Mode,
    caller: &Caller,
) -> Result<ImportReport, ImportError> {
    let columns = match kind {
        RecordKind::Officers => &officers::COLUMNS,
        RecordKind::Completions => &completions::COLUMNS,
    };
    let parsed = parse::parse(data, format, columns)?;
    let mut errors = RowErrors::default();
    for error in parsed.errors {
        errors.push(error);
    }
    let mut report = ImportReport { rows: parsed.row_count, ..ImportReport::default() };

    // NOTE: each batch reads the stored records it matches before it writes. On PostgreSQL,
    // a record that another request creates in between makes the batch fail with a unique
    // violation, and importing the file again then matches that record.
    let written = match kind {
        RecordKind::Officers => {
            let rows = officers::check(db, &parsed.rows, caller, &mut errors).await?;
            let rows = writable(rows, &errors, mode, |row| row.line);
            let mut written = Written::default();
            for batch in rows.chunks(BATCH_ROWS) {
                written.add(officers::write(db, batch).await?);
            }
            written
        }
        RecordKind::Completions => {
            let rows = completions::check(db, &parsed.rows, caller, &mut errors).await?;
            let rows = writable(rows, &errors, mode, |row| row.line);
            let mut written = Written::default();
            for batch in rows.chunks(BATCH_ROWS) {
                written.add(completions::write(db, batch).await?);
            }
            written
        }
    };

    report.invalid_rows = errors.lines.len();
    report.created = written.created;
    report.updated = written.updated;
    report.unchanged = written.unchanged;
    report.rejected = report.rows - written.created - written.updated - written.unchanged;
    // A stable sort keeps each line's errors in column order.
    errors.list.sort_by_key(|error| error.line);
    report.row_errors = errors.list;
    tracing::info!(
        kind = ?kind,
        rows = report.rows,
        created = report.created,
        updated = report.updated,
        unchanged = report.unchanged,
        rejected = report.rejected,
        "imported training records"
    );
    Ok(report)
}

/// Checks a row's institution slug: it must name a police institution that the caller
/// manages.
fn check_institution(
    errors: &mut RowErrors,
    line: u64,
    cell: &parse::Cell,
    institutions: &HashMap<String, lookup::Institution>,
    caller: &Caller,
) -> Option<lookup::Institution> {
    let slug = fields::required(
        errors,
        line,
        "institution",
        cell,
        MAX_SLUG,
        "the slug of the officer's police institution, such as inst-pnc-col",
    )?;
    let message = match institutions.get(&slug) {
        Some(institution) if institution.is_police && caller.manages(institution.id) => return Some(*institution),
        Some(institution) if institution.is_police => {
            errors.add(
                line,
                "institution",
                RowErrorCode::Forbidden,
                format!(
                    "you do not manage the training records of {slug}; remove its rows, or ask an admin to make you a coordinator of it"
                ),
            );
            return None;
        }
        Some(_) => {
            format!("{slug} is an organization but not a police institution; give the slug of a police institution")
        }
        None => format!(
            "no police institution has the slug \"{slug}\"; copy the slug from the query {{ policeInstitutions {{ nodes {{ slug }} }} }}"
        ),
    };
    errors.add(line, "institution", RowErrorCode::NotFound, message);
    None
}

/// Returns the rows to write: none in all-or-nothing mode when any row has an error, and
/// otherwise the rows without errors.
fn writable<R>(rows: Vec<R>, errors: &RowErrors, mode: Mode, line: impl Fn(&R) -> u64) -> Vec<R> {
    if mode == Mode::AllOrNothing && !errors.lines.is_empty() {
        return Vec::new();
    }
    rows.into_iter().filter(|row| !errors.has(line(row))).collect()
}

impl Written {
    fn add(&mut self, other: Written) {
        self.created += other.created;
        self.updated += other.updated;
        self.unchanged += other.unchanged;
    }
}

/// An import file read from disk, with its format.
#[derive(Debug)]
pub struct RecordFile {
    /// Where the file was read from, for messages.
    pub path: PathBuf,
    /// The file's content.
    pub data: String,
    /// The file's format.
    pub format: Format,
}

impl RecordFile {
    /// Reads the file at `path`, with the format taken from its extension unless `format`
    /// is given.
    pub fn read(path: &Path, format: Option<Format>) -> anyhow::Result<RecordFile> {
        let Some(format) = format.or_else(|| Format::from_path(path)) else {
            anyhow::bail!(
                "cannot tell the format of {} from its extension; name the file .csv, .jsonl or .ndjson, or pass --format csv or --format jsonl",
                path.display()
            );
        };
        let bytes = std::fs::read(path).with_context(|| format!("could not read {}", path.display()))?;
        let data = String::from_utf8(bytes).map_err(|err| {
            let valid = &err.as_bytes()[..err.utf8_error().valid_up_to()];
            let line = valid.iter().filter(|byte| **byte == b'\n').count() + 1;
            anyhow::anyhow!(
                "{} is not UTF-8 text: line {line} has bytes of another encoding; save the file as UTF-8 and import it again",
                path.display()
            )
        })?;
        Ok(RecordFile { path: path.to_owned(), data, format })
    }
}

/// Imports a file read from disk as an operator, who may write records of every
/// institution.
pub async fn import_file(
    db: &DatabaseConnection,
    kind: RecordKind,
    file: &RecordFile,
    mode: Mode,
) -> anyhow::Result<ImportReport> {
    let path = file.path.display();
    match import(db, kind, &file.data, file.format, mode, &Caller::Operator).await {
        Ok(report) => Ok(report),
        Err(ImportError::File(err)) => Err(anyhow::anyhow!("{path}: {err}; nothing was imported")),
        Err(ImportError::Api(err)) => Err(anyhow::anyhow!(
            "the import of {path} failed: {}; batches written before the failure stay written, and importing the file again writes the rest",
            err.describe()
        )),
    }
}

/// Builds a `VALUES` list named `alias` for a multi-row UPDATE … FROM. Its columns are
/// named `column1`, `column2` and so on, on SQLite and PostgreSQL alike.
fn values_list(rows: Vec<Vec<Value>>, alias: &'static str) -> TableRef {
    TableRef::ValuesList(rows.into_iter().map(ValueTuple::Many).collect(), alias.into_iden())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn format_follows_the_extension() {
        assert_eq!(Format::from_path(Path::new("officers.CSV")), Some(Format::Csv));
        assert_eq!(Format::from_path(Path::new("a/completions.jsonl")), Some(Format::JsonLines));
        assert_eq!(Format::from_path(Path::new("completions.ndjson")), Some(Format::JsonLines));
        assert_eq!(Format::from_path(Path::new("officers.txt")), None);
        assert_eq!(Format::from_path(Path::new("officers")), None);
    }
}
