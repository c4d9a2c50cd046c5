//! Mutations that import officers and course completions in bulk, from CSV or JSON Lines
//! sent in the request. The command line imports bigger files with the same code.

use async_graphql::{Context, Enum, InputObject, Object, SimpleObject};

use super::common::{database, viewer};
use super::editorial::{UserError, UserErrorCode};
use super::records::require_manager;
use crate::error::{ApiError, ApiResult};
use crate::training::import::{
    self, Caller, Format, ImportError, ImportReport, Mode, RecordKind, RowError, RowErrorCode,
};

/// Maximum size of `data` in one mutation, in bytes.
pub const MAX_DATA_BYTES: usize = 10_000_000;
/// Maximum number of row errors listed in one report; `unlistedRowErrors` counts the rest.
pub const MAX_LISTED_ROW_ERRORS: usize = 1_000;

/// The format of an import file.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum RecordFormat {
    /// Comma-separated values in UTF-8, with a header row naming the columns.
    Csv,
    /// One JSON object per line, with the same field names as the CSV columns; blank
    /// lines are skipped.
    JsonLines,
}

/// A file of training records to import.
#[derive(InputObject)]
pub struct RecordImportInput {
    /// The format of `data`.
    pub format: RecordFormat,
    /// The file's content, at most 10 MB (10,000,000 bytes) of UTF-8. Import bigger files
    /// with the `api import-officers` and `api import-completions` commands.
    pub data: String,
    /// Whether to write the valid rows when other rows have errors. By default any row
    /// error means nothing is written.
    #[graphql(default)]
    pub skip_invalid: bool,
}

/// A problem with one row of an import file.
#[derive(SimpleObject)]
pub struct RecordRowError {
    /// Line of the file where the row starts, counting from 1; in CSV the header is line 1.
    pub line: i32,
    /// The column or JSON field at fault; null when the whole row cannot be read.
    pub field: Option<String>,
    /// Stable machine code.
    pub code: RowErrorCode,
    /// Explanation that names the value and the fix.
    pub message: String,
}

/// The outcome of an import, counted in rows of the file. `rows` always equals the sum of
/// `created`, `updated`, `unchanged` and `rejected`.
#[derive(SimpleObject)]
pub struct RecordImportReport {
    /// Data rows in the file; the CSV header and blank lines are not rows.
    pub rows: i32,
    /// Rows that created a record.
    pub created: i32,
    /// Rows that changed a stored record.
    pub updated: i32,
    /// Rows already stored exactly as given.
    pub unchanged: i32,
    /// Rows not written: the rows with errors, or every row when a row error stopped an
    /// all-or-nothing import.
    pub rejected: i32,
    /// Rows with at least one error.
    pub invalid_rows: i32,
    /// The problems found, ordered by line: the first 1,000.
    pub row_errors: Vec<RecordRowError>,
    /// Problems found beyond the 1,000 listed in `rowErrors`.
    pub unlisted_row_errors: i32,
}

/// The result of an import. `report` is null when the file cannot be read at all, such as
/// a CSV header with an unknown column, and `userErrors` then gives the reason.
#[derive(SimpleObject)]
pub struct RecordImportPayload {
    /// What the import did with each row.
    pub report: Option<RecordImportReport>,
    /// Problems with the input as a whole; problems with single rows are in `report`.
    pub user_errors: Vec<UserError>,
}

/// Bulk imports of training records.
#[derive(Default)]
pub struct RecordImportMutations;

#[Object]
impl RecordImportMutations {
    /// Creates or updates officers and instructors from a file, matched by institution and
    /// `external_ref`. Needs a coordinator or admin (with the ENROLMENTS scope on API
    /// tokens), and each row's institution must be one the caller manages. When the request
    /// times out, the import still runs to its end. Importing the same file again is safe
    /// and reports what is already stored as unchanged.
    async fn import_officers(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The mutation's input.")] input: RecordImportInput,
    ) -> async_graphql::Result<RecordImportPayload> {
        Ok(run(ctx, RecordKind::Officers, input).await?)
    }

    /// Records completed and failed course offerings of existing officers from a file,
    /// creating or updating each officer's enrolment in the offering. Certificates are
    /// issued for completions, and seat counts are recounted. The same permissions and
    /// time-out behaviour as `importOfficers` apply.
    async fn import_completions(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The mutation's input.")] input: RecordImportInput,
    ) -> async_graphql::Result<RecordImportPayload> {
        Ok(run(ctx, RecordKind::Completions, input).await?)
    }
}

async fn run(ctx: &Context<'_>, kind: RecordKind, input: RecordImportInput) -> ApiResult<RecordImportPayload> {
    let viewer = viewer(ctx)?;
    require_manager(viewer, "Importing training records")?;
    if input.data.len() > MAX_DATA_BYTES {
        let command = match kind {
            RecordKind::Officers => "api import-officers FILE",
            RecordKind::Completions => "api import-completions FILE",
        };
        return Err(ApiError::bad_input(
            "input.data",
            format!(
                "data has {} bytes, more than the maximum of 10 MB ({MAX_DATA_BYTES} bytes); split the file, or import it on the server with the command `{command}`",
                input.data.len()
            ),
        ));
    }
    let db = database(ctx)?.clone();
    let caller = Caller::Viewer(Box::new(viewer.clone()));
    let format = match input.format {
        RecordFormat::Csv => Format::Csv,
        RecordFormat::JsonLines => Format::JsonLines,
    };
    let mode = if input.skip_invalid { Mode::SkipInvalid } else { Mode::AllOrNothing };
    let data = input.data;
    // A task of its own, so that a request cut off by its time-out leaves the import to
    // finish instead of stopping it between two committed batches.
    let task = tokio::spawn(async move { import::import(&db, kind, &data, format, mode, &caller).await });
    let outcome = task.await.map_err(|err| ApiError::Unexpected(format!("the import task failed: {err}")))?;
    match outcome {
        Ok(report) => Ok(RecordImportPayload { report: Some(report.into()), user_errors: Vec::new() }),
        Err(ImportError::File(err)) => Ok(RecordImportPayload {
            report: None,
            user_errors: vec![UserError {
                field: vec!["input".to_owned(), "data".to_owned()],
                code: UserErrorCode::Invalid,
                message: format!("{err}; nothing was imported"),
            }],
        }),
        Err(ImportError::Api(err)) => Err(err),
    }
}

impl From<ImportReport> for RecordImportReport {
    fn from(report: ImportReport) -> Self {
        let count = |value: usize| i32::try_from(value).unwrap_or(i32::MAX);
        let unlisted = report.row_errors.len().saturating_sub(MAX_LISTED_ROW_ERRORS);
        RecordImportReport {
            rows: count(report.rows),
            created: count(report.created),
            updated: count(report.updated),
            unchanged: count(report.unchanged),
            rejected: count(report.rejected),
            invalid_rows: count(report.invalid_rows),
            row_errors: report.row_errors.into_iter().take(MAX_LISTED_ROW_ERRORS).map(RecordRowError::from).collect(),
            unlisted_row_errors: count(unlisted),
        }
    }
}

impl From<RowError> for RecordRowError {
    fn from(error: RowError) -> Self {
        RecordRowError {
            line: i32::try_from(error.line).unwrap_or(i32::MAX),
            field: error.field,
            code: error.code,
            message: error.message,
        }
    }
}
