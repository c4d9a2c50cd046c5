//! Reading CSV and JSON Lines into raw rows of text cells, before any field is checked.

use std::collections::HashSet;

use serde_json::Value as Json;

use super::{FileError, Format, RowError, RowErrorCode};

/// One cell of a row, as the file gives it.
#[derive(Clone, Debug, PartialEq)]
pub(super) enum Cell {
    /// The column is not in the CSV header, or the key is not in the JSON object.
    Absent,
    /// An empty CSV cell, a JSON `null`, or text that is only whitespace.
    Blank,
    /// Trimmed, non-empty text. JSON numbers arrive here in their JSON spelling.
    Text(String),
    /// A value of the wrong JSON type, already reported as a row error.
    Invalid,
}

impl Cell {
    fn from_text(text: &str) -> Cell {
        let text = text.trim();
        if text.is_empty() { Cell::Blank } else { Cell::Text(text.to_owned()) }
    }
}

/// A row that could be split into cells, one per column of the file kind.
#[derive(Debug)]
pub(super) struct RawRow {
    /// Line of the file where the row starts, counting from 1.
    pub line: u64,
    /// Cells in the order of the kind's column list.
    pub cells: Vec<Cell>,
}

/// The rows of a file, and the problems found while splitting them.
#[derive(Debug, Default)]
pub(super) struct ParsedFile {
    /// Rows split into cells, including rows that also have errors.
    pub rows: Vec<RawRow>,
    /// Number of data rows in the file: the header and blank lines are not rows.
    pub row_count: usize,
    /// Problems found while splitting; a row with one of these may be missing from `rows`.
    pub errors: Vec<RowError>,
}

/// The columns of one kind of file.
pub(super) struct Columns {
    /// Every accepted column, in the order cells are stored.
    pub names: &'static [&'static str],
    /// Columns a CSV header must contain.
    pub required: &'static [&'static str],
}

/// Splits `data` into rows of cells, in the order of `columns.names`.
pub(super) fn parse(data: &str, format: Format, columns: &Columns) -> Result<ParsedFile, FileError> {
    let data = data.strip_prefix('\u{feff}').unwrap_or(data);
    match format {
        Format::Csv => parse_csv(data, columns),
        Format::JsonLines => Ok(parse_json_lines(data, columns)),
    }
}

fn parse_csv(data: &str, columns: &Columns) -> Result<ParsedFile, FileError> {
    // Flexible, so that a row with a wrong number of cells becomes a row error instead of
    // ending the whole read.
    let mut reader = csv::ReaderBuilder::new().flexible(true).from_reader(data.as_bytes());
    let header = reader.headers().map_err(|err| csv_error(&err))?.clone();
    if header.is_empty() {
        return Err(FileError {
            line: Some(1),
            message: format!(
                "the file is empty; CSV data starts with a header row naming its columns, such as {}",
                columns.names.join(",")
            ),
        });
    }
    let positions = header_positions(&header, columns)?;

    let mut parsed = ParsedFile::default();
    let mut lines = LineCounter { data: data.as_bytes(), offset: 0, line: 1 };
    let mut record = csv::StringRecord::new();
    loop {
        match reader.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(err) => return Err(csv_error(&err)),
        }
        // The reader skips empty lines itself; lines of spaces are skipped here.
        if record.len() == 1 && record[0].trim().is_empty() {
            continue;
        }
        let line = lines.line_at(record.position().map_or(0, |position| position.byte() as usize));
        parsed.row_count += 1;
        if record.len() != header.len() {
            parsed.errors.push(RowError {
                line,
                field: None,
                code: RowErrorCode::Invalid,
                message: format!(
                    "the row has {} cells but the header has {} columns; put quotes around values that contain commas",
                    record.len(),
                    header.len()
                ),
            });
            continue;
        }
        let cells = positions
            .iter()
            .map(|position| position.map_or(Cell::Absent, |index| Cell::from_text(&record[index])))
            .collect();
        parsed.rows.push(RawRow { line, cells });
    }
    Ok(parsed)
}

/// Finds the line of each CSV record from its byte offset.
///
/// The reader's own line number of a record that follows skipped empty lines is the
/// line of the first empty one (csv 1.4), so the line is counted here instead.
struct LineCounter<'a> {
    data: &'a [u8],
    /// Byte offset up to which lines were counted.
    offset: usize,
    /// Line number at `offset`, counting from 1.
    line: u64,
}

impl LineCounter<'_> {
    /// Returns the line where the record at byte offset `start` begins, skipping the line
    /// breaks of empty lines before it. Offsets must not decrease between calls.
    fn line_at(&mut self, start: usize) -> u64 {
        let mut start = start.clamp(self.offset, self.data.len());
        while start < self.data.len() && matches!(self.data[start], b'\n' | b'\r') {
            start += 1;
        }
        let breaks = self.data[self.offset..start].iter().filter(|byte| **byte == b'\n').count();
        self.line += breaks as u64;
        self.offset = start;
        self.line
    }
}

/// Maps each column of the kind to its position in the CSV header, or reports every
/// unknown, repeated or missing column at once.
fn header_positions(header: &csv::StringRecord, columns: &Columns) -> Result<Vec<Option<usize>>, FileError> {
    let names: Vec<&str> = header.iter().map(str::trim).collect();
    let mut problems = Vec::new();
    let unknown: Vec<String> =
        names.iter().filter(|name| !columns.names.contains(name)).map(|name| format!("\"{name}\"")).collect();
    if !unknown.is_empty() {
        problems.push(format!(
            "the header has unknown columns {}; the accepted columns are {}",
            unknown.join(", "),
            columns.names.join(", ")
        ));
    }
    let mut seen = HashSet::new();
    let repeated: Vec<&str> = names.iter().copied().filter(|name| !seen.insert(*name)).collect();
    if !repeated.is_empty() {
        problems.push(format!("the header repeats the columns {}; keep one of each", repeated.join(", ")));
    }
    let missing: Vec<&str> = columns.required.iter().copied().filter(|name| !names.contains(name)).collect();
    if !missing.is_empty() {
        problems.push(format!("the header lacks the required columns {}; add them", missing.join(", ")));
    }
    if !problems.is_empty() {
        return Err(FileError { line: Some(1), message: problems.join(". ") });
    }
    Ok(columns.names.iter().map(|column| names.iter().position(|name| name == column)).collect())
}

fn csv_error(err: &csv::Error) -> FileError {
    let line = err.position().map(csv::Position::line);
    FileError { line, message: format!("the CSV data cannot be read: {err}") }
}

fn parse_json_lines(data: &str, columns: &Columns) -> ParsedFile {
    let mut parsed = ParsedFile::default();
    for (index, text) in data.lines().enumerate() {
        if text.trim().is_empty() {
            continue;
        }
        let line = index as u64 + 1;
        parsed.row_count += 1;
        let object = match serde_json::from_str::<Json>(text) {
            Ok(Json::Object(object)) => object,
            Ok(_) => {
                parsed.errors.push(row_error(
                    line,
                    None,
                    "the line is not a JSON object; write one {…} object per line",
                ));
                continue;
            }
            Err(err) => {
                parsed.errors.push(row_error(
                    line,
                    None,
                    &format!("the line is not valid JSON ({err}); write one JSON object per line"),
                ));
                continue;
            }
        };
        for key in object.keys() {
            if !columns.names.contains(&key.as_str()) {
                parsed.errors.push(row_error(
                    line,
                    Some(key),
                    &format!("\"{key}\" is not a known field; the accepted fields are {}", columns.names.join(", ")),
                ));
            }
        }
        let cells = columns
            .names
            .iter()
            .map(|name| match object.get(*name) {
                None => Cell::Absent,
                Some(Json::Null) => Cell::Blank,
                Some(Json::String(text)) => Cell::from_text(text),
                Some(Json::Number(number)) => Cell::Text(number.to_string()),
                Some(other) => {
                    parsed.errors.push(row_error(
                        line,
                        Some(name),
                        &format!("{name} is {other}; give a string or a number"),
                    ));
                    Cell::Invalid
                }
            })
            .collect();
        parsed.rows.push(RawRow { line, cells });
    }
    parsed
}

fn row_error(line: u64, field: Option<&str>, message: &str) -> RowError {
    RowError { line, field: field.map(str::to_owned), code: RowErrorCode::Invalid, message: message.to_owned() }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, reason = "a failed unwrap is a failed test")]
mod tests {
    use super::*;

    const COLUMNS: Columns = Columns { names: &["institution", "external_ref", "rank"], required: &["institution"] };

    #[test]
    fn csv_rows_keep_their_file_lines() {
        let data = "\u{feff}institution,external_ref\r\ninst-a, 17 \r\n\r\n\n\"inst-b\",\"two\nlines\"\n   \ninst-c,\n";
        let parsed = parse(data, Format::Csv, &COLUMNS).unwrap();
        assert_eq!(parsed.row_count, 3);
        assert!(parsed.errors.is_empty(), "{:?}", parsed.errors);
        let lines: Vec<u64> = parsed.rows.iter().map(|row| row.line).collect();
        assert_eq!(lines, [2, 5, 8]);
        assert_eq!(parsed.rows[0].cells, [Cell::Text("inst-a".into()), Cell::Text("17".into()), Cell::Absent]);
        assert_eq!(parsed.rows[1].cells[1], Cell::Text("two\nlines".into()));
        assert_eq!(parsed.rows[2].cells[1], Cell::Blank);
    }

    #[test]
    fn csv_header_problems_are_listed_together() {
        let err = parse("external_ref,colour,colour\n", Format::Csv, &COLUMNS).unwrap_err();
        assert_eq!(err.line, Some(1));
        assert!(err.message.contains("unknown columns \"colour\", \"colour\""), "{}", err.message);
        assert!(err.message.contains("repeats the columns colour"), "{}", err.message);
        assert!(err.message.contains("lacks the required columns institution"), "{}", err.message);
        assert!(parse("", Format::Csv, &COLUMNS).unwrap_err().message.contains("empty"));
    }

    #[test]
    fn csv_row_with_extra_cells_is_a_row_error() {
        let parsed = parse("institution,rank\ninst-a,Major,extra\n", Format::Csv, &COLUMNS).unwrap();
        assert_eq!(parsed.row_count, 1);
        assert!(parsed.rows.is_empty());
        assert_eq!(parsed.errors[0].line, 2);
    }

    #[test]
    fn json_lines_skip_blank_lines_and_report_bad_ones() {
        let data = "{\"institution\":\"inst-a\",\"external_ref\":17,\"rank\":null}\n\n[1]\n{\"institution\":true,\"x\":1}\nnot json\r\n";
        let parsed = parse(data, Format::JsonLines, &COLUMNS).unwrap();
        assert_eq!(parsed.row_count, 4);
        assert_eq!(parsed.rows.len(), 2);
        assert_eq!(parsed.rows[0].cells, [Cell::Text("inst-a".into()), Cell::Text("17".into()), Cell::Blank]);
        assert_eq!(parsed.rows[1].line, 4);
        assert_eq!(parsed.rows[1].cells[0], Cell::Invalid);
        let errors: Vec<(u64, Option<&str>)> =
            parsed.errors.iter().map(|error| (error.line, error.field.as_deref())).collect();
        assert_eq!(errors, [(3, None), (4, Some("x")), (4, Some("institution")), (5, None)]);
    }
}
