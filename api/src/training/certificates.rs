//! Certificates: issued once per completed enrolment, each with a random verification code
//! that anyone may check.

use chrono::Utc;
use sea_orm::sea_query::{Expr, ExprTrait, OnConflict, Query};
use sea_orm::{ConnectionTrait, DatabaseTransaction};

use crate::error::{ApiError, ApiResult};

/// Letters of Crockford's base 32: digits and capitals without I, L, O and U, so that a
/// code read aloud or retyped from paper has no look-alike characters.
const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
/// Characters of a code; 20 base-32 characters carry 100 random bits.
const CODE_CHARS: usize = 20;
/// Characters between the hyphens of a printed code.
const GROUP: usize = 5;

/// Returns a new random verification code, printed as four groups of five characters
/// such as `7QK2M-D9XWA-04HTB-ZR6PE`.
pub fn new_code() -> ApiResult<String> {
    let mut bytes = [0u8; CODE_CHARS];
    getrandom::fill(&mut bytes)
        .map_err(|err| ApiError::Unexpected(format!("the operating system's random source failed: {err}")))?;
    Ok(format_code(bytes.iter().map(|byte| ALPHABET[usize::from(byte & 31)])))
}

/// Returns a code derived from `seed`, for the synthetic data set, which must be the same
/// on every run.
pub fn seeded_code(mut seed: u64) -> String {
    let mut chars = Vec::with_capacity(CODE_CHARS);
    for _ in 0..CODE_CHARS {
        // splitmix64 steps, so that neighbouring seeds give unrelated codes.
        seed = seed.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = seed;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^= z >> 31;
        chars.push(ALPHABET[(z & 31) as usize]);
    }
    format_code(chars.into_iter())
}

fn format_code(chars: impl Iterator<Item = u8>) -> String {
    let mut code = String::with_capacity(CODE_CHARS + CODE_CHARS / GROUP);
    for (index, char) in chars.enumerate() {
        if index > 0 && index % GROUP == 0 {
            code.push('-');
        }
        code.push(char::from(char));
    }
    code
}

/// Normalizes a code as typed by a person: case, spaces and hyphens do not matter, and
/// the look-alikes O, I and L read as 0, 1 and 1. Returns `None` when the text cannot be
/// a code at all.
pub fn normalize_code(typed: &str) -> Option<String> {
    let mut chars = Vec::with_capacity(CODE_CHARS);
    for char in typed.chars() {
        let char = match char.to_ascii_uppercase() {
            ' ' | '-' => continue,
            'O' => '0',
            'I' | 'L' => '1',
            other => other,
        };
        if !char.is_ascii() || !ALPHABET.contains(&(char as u8)) || chars.len() == CODE_CHARS {
            return None;
        }
        chars.push(char as u8);
    }
    (chars.len() == CODE_CHARS).then(|| format_code(chars.into_iter()))
}

/// Brings the certificates of `enrolments` in line with their status: a completed
/// enrolment gets a certificate (or its revoked one back), and a certificate whose
/// enrolment is no longer completed is revoked. Certificates are never deleted, so a
/// printed code always gets a result when verified.
pub async fn sync(txn: &DatabaseTransaction, enrolments: &[i32]) -> ApiResult<()> {
    for chunk in enrolments.chunks(500) {
        let completed = || {
            Query::select()
                .column("id")
                .from("enrolments")
                .and_where(Expr::col("id").is_in(chunk.iter().copied()))
                .and_where(Expr::col("status").eq("completed"))
                .take()
        };
        let in_chunk = Expr::col(("certificates", "enrolment_id")).is_in(chunk.iter().copied());
        txn.execute(
            &Query::update()
                .table("certificates")
                .value("status", "revoked")
                .and_where(in_chunk.clone())
                .and_where(Expr::col(("certificates", "enrolment_id")).not_in_subquery(completed()))
                .take(),
        )
        .await?;
        txn.execute(
            &Query::update()
                .table("certificates")
                .value("status", "valid")
                .and_where(in_chunk)
                .and_where(Expr::col(("certificates", "enrolment_id")).in_subquery(completed()))
                .take(),
        )
        .await?;
        let missing = Query::select()
            .column(("enrolments", "id"))
            .column(("enrolments", "course_id"))
            .column(("enrolments", "completed_on"))
            .column(("officers", "display_name"))
            .from("enrolments")
            .inner_join("officers", Expr::col(("officers", "id")).equals(("enrolments", "officer_id")))
            .and_where(Expr::col(("enrolments", "id")).is_in(chunk.iter().copied()))
            .and_where(Expr::col(("enrolments", "status")).eq("completed"))
            .and_where(
                Expr::col(("enrolments", "id"))
                    .not_in_subquery(Query::select().column("enrolment_id").from("certificates").take()),
            )
            .take();
        let rows = txn.query_all(&missing).await?;
        if rows.is_empty() {
            continue;
        }
        let today = Utc::now().date_naive();
        let mut insert = Query::insert();
        insert
            .into_table("certificates")
            .columns(["enrolment_id", "code", "holder_name", "course_id", "issued_on", "status"])
            .on_conflict(OnConflict::column("enrolment_id").do_nothing().to_owned());
        for row in rows {
            let enrolment: i32 = row.try_get("", "id")?;
            let course: i32 = row.try_get("", "course_id")?;
            let completed_on: Option<chrono::NaiveDate> = row.try_get("", "completed_on")?;
            let holder: String = row.try_get("", "display_name")?;
            insert
                .values([
                    enrolment.into(),
                    new_code()?.into(),
                    holder.into(),
                    course.into(),
                    completed_on.unwrap_or(today).into(),
                    "valid".into(),
                ])
                .map_err(|err| ApiError::Unexpected(format!("could not build the certificate insert: {err}")))?;
        }
        txn.execute(&insert).await?;
    }
    Ok(())
}

#[cfg(test)]
#[allow(clippy::unwrap_used, reason = "a failed unwrap is a failed test")]
mod tests {
    use super::*;

    #[test]
    fn codes_are_grouped_and_read_back_from_typed_variants() {
        let code = new_code().unwrap();
        assert_eq!(code.len(), 23);
        assert_eq!(code.matches('-').count(), 3);
        assert_eq!(normalize_code(&code).as_deref(), Some(code.as_str()));
        let typed = code.to_lowercase().replace('-', " ").replace('0', "o").replace('1', "l");
        assert_eq!(normalize_code(&typed).as_deref(), Some(code.as_str()));
        assert_eq!(normalize_code("not a code"), None);
        assert_eq!(normalize_code(&format!("{code}X")), None);
        assert_ne!(new_code().unwrap(), code);
    }

    #[test]
    fn seeded_codes_repeat_per_seed_and_differ_between_seeds() {
        assert_eq!(seeded_code(7), seeded_code(7));
        assert_ne!(seeded_code(7), seeded_code(8));
        assert!(normalize_code(&seeded_code(7)).is_some());
    }
}
