//! Checks of single cells: required and optional texts, email addresses, dates and scores.

use chrono::NaiveDate;

use super::parse::Cell;
use super::{RowErrorCode, RowErrors};

/// A row's change to one optional field of a stored record.
#[derive(Clone, Debug, PartialEq)]
pub(super) enum Change<T> {
    /// The file does not give the field, so a stored value stays as it is.
    Keep,
    /// The field's new value.
    Set(T),
}

impl<T: Clone> Change<T> {
    /// Returns the value after the change, given the stored one.
    pub fn apply(&self, stored: T) -> T {
        match self {
            Change::Keep => stored,
            Change::Set(value) => value.clone(),
        }
    }
}

/// Checks a required text of at most `max` characters. `hint` describes the expected value, such as
/// "the slug of the officer's police institution".
pub(super) fn required(
    errors: &mut RowErrors,
    line: u64,
    field: &str,
    cell: &Cell,
    max: usize,
    hint: &str,
) -> Option<String> {
    match cell {
        Cell::Absent | Cell::Blank => {
            errors.add(line, field, RowErrorCode::Required, format!("{field} is empty; give {hint}"));
            None
        }
        Cell::Invalid => None,
        Cell::Text(text) => length(errors, line, field, text, max).then(|| text.clone()),
    }
}

/// Checks an optional text of at most `max` characters: absent keeps the stored value,
/// and blank clears it.
pub(super) fn optional(
    errors: &mut RowErrors,
    line: u64,
    field: &str,
    cell: &Cell,
    max: usize,
) -> Change<Option<String>> {
    match cell {
        Cell::Absent | Cell::Invalid => Change::Keep,
        Cell::Blank => Change::Set(None),
        Cell::Text(text) => {
            length(errors, line, field, text, max);
            Change::Set(Some(text.clone()))
        }
    }
}

/// Checks that `text` has at most `max` characters, and reports it otherwise.
fn length(errors: &mut RowErrors, line: u64, field: &str, text: &str, max: usize) -> bool {
    let count = text.chars().count();
    if count > max {
        errors.add(
            line,
            field,
            RowErrorCode::TooLong,
            format!("{field} has {count} characters, more than the maximum of {max}; shorten it"),
        );
        return false;
    }
    true
}

/// Checks that an email address has a plausible form: one `@` between a local part and a
/// domain with a dot, and no spaces. Whether the mailbox exists is not checked.
pub(super) fn email(errors: &mut RowErrors, line: u64, field: &str, address: &str) {
    let plausible = match address.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && !domain.contains('@')
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !domain.contains("..")
                && !address.chars().any(|c| c.is_whitespace() || c.is_control())
        }
        None => false,
    };
    if !plausible {
        errors.add(
            line,
            field,
            RowErrorCode::Invalid,
            format!("\"{address}\" is not an email address; write it as name@example.org, or leave {field} empty"),
        );
    }
}

/// Parses a required `YYYY-MM-DD` date that is not after `today`.
pub(super) fn past_date(
    errors: &mut RowErrors,
    line: u64,
    field: &str,
    cell: &Cell,
    today: NaiveDate,
) -> Option<NaiveDate> {
    let text = required(errors, line, field, cell, 100, "the date as YYYY-MM-DD, such as 2025-01-31")?;
    let bytes = text.as_bytes();
    let shape = bytes.len() == 10
        && bytes[4] == b'-'
        && bytes[7] == b'-'
        && bytes.iter().enumerate().all(|(i, b)| i == 4 || i == 7 || b.is_ascii_digit());
    if !shape {
        errors.add(
            line,
            field,
            RowErrorCode::Invalid,
            format!("\"{text}\" is not a date; write it as YYYY-MM-DD, such as 2025-01-31"),
        );
        return None;
    }
    let Ok(date) = NaiveDate::parse_from_str(&text, "%Y-%m-%d") else {
        errors.add(
            line,
            field,
            RowErrorCode::Invalid,
            format!("{text} is not a day of the calendar; check the month and day"),
        );
        return None;
    };
    if date > today {
        errors.add(
            line,
            field,
            RowErrorCode::Invalid,
            format!("{text} is in the future (today is {today} in UTC); give the day the course was completed"),
        );
        return None;
    }
    Some(date)
}

/// Checks an optional score from 0 to 100: absent keeps the stored score, and blank
/// clears it.
pub(super) fn score(errors: &mut RowErrors, line: u64, field: &str, cell: &Cell) -> Change<Option<f64>> {
    let text = match cell {
        Cell::Absent | Cell::Invalid => return Change::Keep,
        Cell::Blank => return Change::Set(None),
        Cell::Text(text) => text,
    };
    match text.parse::<f64>() {
        Ok(score) if score.is_finite() && (0.0..=100.0).contains(&score) => Change::Set(Some(score)),
        Ok(_) => {
            errors.add(
                line,
                field,
                RowErrorCode::Invalid,
                format!("{text} is outside the range of scores; give a number from 0 to 100"),
            );
            Change::Keep
        }
        Err(_) => {
            errors.add(
                line,
                field,
                RowErrorCode::Invalid,
                format!("\"{text}\" is not a number; give a score from 0 to 100 with a dot for decimals, such as 87.5"),
            );
            Change::Keep
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2025, 6, 30).unwrap_or_default()
    }

    #[test]
    fn dates_must_be_padded_and_past() {
        let mut errors = RowErrors::default();
        let date = |errors: &mut RowErrors, text: &str| {
            past_date(errors, 2, "completed_on", &Cell::Text(text.into()), today())
        };
        assert_eq!(date(&mut errors, "2025-06-30"), NaiveDate::from_ymd_opt(2025, 6, 30));
        assert!(errors.list.is_empty());
        for bad in ["2025-6-30", "30/06/2025", "2025-02-30", "2025-07-01", "2025-06-30T10:00"] {
            assert_eq!(date(&mut errors, bad), None, "{bad}");
        }
        assert_eq!(errors.list.len(), 5);
        assert!(errors.list[2].message.contains("not a day of the calendar"), "{}", errors.list[2].message);
        assert!(errors.list[3].message.contains("in the future"), "{}", errors.list[3].message);
        assert_eq!(errors.list[4].code, RowErrorCode::Invalid);
    }

    #[test]
    fn scores_run_from_0_to_100() {
        let mut errors = RowErrors::default();
        let mut check = |text: &str| score(&mut errors, 3, "score", &Cell::Text(text.into()));
        assert_eq!(check("87.5"), Change::Set(Some(87.5)));
        assert_eq!(check("0"), Change::Set(Some(0.0)));
        assert_eq!(check("100"), Change::Set(Some(100.0)));
        assert_eq!(check("100.5"), Change::Keep);
        assert_eq!(check("87,5"), Change::Keep);
        assert_eq!(check("NaN"), Change::Keep);
        assert_eq!(errors.list.len(), 3);
        assert_eq!(score(&mut errors, 4, "score", &Cell::Blank), Change::Set(None));
        assert_eq!(score(&mut errors, 4, "score", &Cell::Absent), Change::Keep);
    }

    #[test]
    fn email_needs_a_local_part_and_a_domain() {
        let mut errors = RowErrors::default();
        for good in ["ana.perez@policia.gov.co", "a+b@x.org"] {
            email(&mut errors, 2, "email", good);
        }
        assert!(errors.list.is_empty());
        for bad in ["ana", "@x.org", "ana@x", "ana@x..org", "ana @x.org", "a@b@x.org", "ana@.x.org"] {
            email(&mut errors, 2, "email", bad);
        }
        assert_eq!(errors.list.len(), 7);
    }
}
