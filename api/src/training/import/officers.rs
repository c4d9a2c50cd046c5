//! Officers files: one officer or instructor per row, matched by institution and
//! `external_ref`.

use std::collections::{BTreeSet, HashMap};

use chrono::Utc;
use sea_orm::sea_query::{Expr, ExprTrait, Query};
use sea_orm::{ConnectionTrait, DatabaseConnection, DatabaseTransaction};

use super::fields::{self, Change};
use super::lookup::{self, Institution};
use super::parse::{Cell, Columns, RawRow};
use super::{
    Caller, KEYS_PER_LOOKUP, ROWS_PER_STATEMENT, RowErrorCode, RowErrors, Written, check_institution, values_list,
};
use crate::error::{ApiError, ApiResult};
use crate::text::fold;
use crate::training::{begin_write, progress};

/// The columns of an officers file.
pub(super) const COLUMNS: Columns = Columns {
    names: &["institution", "external_ref", "name", "role", "rank", "country", "email"],
    required: &["institution", "external_ref", "name"],
};
const INSTITUTION: usize = 0;
const EXTERNAL_REF: usize = 1;
const NAME: usize = 2;
const ROLE: usize = 3;
const RANK: usize = 4;
const COUNTRY: usize = 5;
const EMAIL: usize = 6;

/// Maximum characters of an `external_ref`.
pub(super) const MAX_EXTERNAL_REF: usize = 100;
/// Maximum characters of a name as printed on certificates.
const MAX_NAME: usize = 200;
/// Maximum characters of a rank.
const MAX_RANK: usize = 100;
/// Maximum characters of an email address, as in RFC 5321's limit on a forward path.
const MAX_EMAIL: usize = 254;

/// Roles an officer record can have, as stored.
const ROLES: [&str; 2] = ["officer", "instructor"];

/// A checked row of an officers file.
#[derive(Debug)]
pub(super) struct OfficerRow {
    /// The row's line in the file.
    pub line: u64,
    institution_id: i32,
    external_ref: String,
    name: String,
    role: Change<String>,
    rank: Change<Option<String>>,
    country: Change<i32>,
    /// The country of a new officer whose row leaves `country` out: the institution's.
    new_country: i32,
    email: Change<Option<String>>,
}

/// The fields of an officer that an import compares and writes.
#[derive(Clone, Debug, PartialEq)]
struct OfficerValues {
    display_name: String,
    role: String,
    rank: Option<String>,
    country_id: i32,
    email: Option<String>,
}

/// Checks every row, records each problem in `errors`, and returns the rows that passed.
pub(super) async fn check(
    db: &DatabaseConnection,
    rows: &[RawRow],
    caller: &Caller,
    errors: &mut RowErrors,
) -> ApiResult<Vec<OfficerRow>> {
    let mut slugs = BTreeSet::new();
    let mut codes = BTreeSet::new();
    for row in rows {
        if let Cell::Text(slug) = &row.cells[INSTITUTION] {
            slugs.insert(slug.clone());
        }
        if let Cell::Text(code) = &row.cells[COUNTRY] {
            codes.insert(code.to_ascii_uppercase());
        }
    }
    let institutions = lookup::institutions(db, &slugs).await?;
    let countries = lookup::countries(db, &codes).await?;

    // The first line of each (institution, external_ref) key.
    let mut first_lines: HashMap<(String, String), u64> = HashMap::new();
    let mut checked = Vec::with_capacity(rows.len());
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
        let name = fields::required(
            errors,
            line,
            "name",
            &row.cells[NAME],
            MAX_NAME,
            "the officer's name as it is printed on certificates",
        );
        let role = role(errors, line, &row.cells[ROLE]);
        let rank = fields::optional(errors, line, "rank", &row.cells[RANK], MAX_RANK);
        let email = fields::optional(errors, line, "email", &row.cells[EMAIL], MAX_EMAIL);
        if let Change::Set(Some(address)) = &email {
            fields::email(errors, line, "email", address);
        }
        let country = country(errors, line, &row.cells[COUNTRY], &countries, institution);

        if let (Cell::Text(slug), Some(external_ref)) = (&row.cells[INSTITUTION], &external_ref) {
            let key = (slug.clone(), external_ref.clone());
            match first_lines.get(&key) {
                Some(first) => errors.add(
                    line,
                    "external_ref",
                    RowErrorCode::Duplicate,
                    format!("line {first} already has the officer {external_ref} of {slug}; keep one row per officer"),
                ),
                None => {
                    first_lines.insert(key, line);
                }
            }
        }

        if let (Some(institution), Some(external_ref), Some(name), Some((country, new_country))) =
            (institution, external_ref, name, country)
            && !errors.has(line)
        {
            checked.push(OfficerRow {
                line,
                institution_id: institution.id,
                external_ref,
                name,
                role,
                rank,
                country,
                new_country,
                email,
            });
        }
    }
    Ok(checked)
}

/// Checks a role: absent keeps the stored role, and blank means `officer`.
fn role(errors: &mut RowErrors, line: u64, cell: &Cell) -> Change<String> {
    match cell {
        Cell::Absent | Cell::Invalid => Change::Keep,
        Cell::Blank => Change::Set(ROLES[0].to_owned()),
        Cell::Text(text) => {
            let role = text.to_ascii_lowercase();
            if ROLES.contains(&role.as_str()) {
                Change::Set(role)
            } else {
                errors.add(
                    line,
                    "role",
                    RowErrorCode::Invalid,
                    format!("\"{text}\" is not a role; write officer or instructor, or leave role empty for officer"),
                );
                Change::Keep
            }
        }
    }
}

/// Resolves the country cell to the change it makes and to the country of a new officer.
/// Absent keeps the stored country, and blank means the institution's country. Returns
/// `None` after reporting a problem, or when the institution is unknown.
fn country(
    errors: &mut RowErrors,
    line: u64,
    cell: &Cell,
    countries: &HashMap<String, i32>,
    institution: Option<Institution>,
) -> Option<(Change<i32>, i32)> {
    let given = match cell {
        Cell::Invalid => return None,
        Cell::Absent | Cell::Blank => None,
        Cell::Text(text) => {
            let code = text.to_ascii_uppercase();
            if !(code.len() == 3 && code.chars().all(|c| c.is_ascii_uppercase())) {
                errors.add(
                    line,
                    "country",
                    RowErrorCode::Invalid,
                    format!("\"{text}\" is not an ISO 3166-1 alpha-3 code; use three letters such as COL"),
                );
                return None;
            }
            match countries.get(&code) {
                Some(id) => Some(*id),
                None => {
                    errors.add(
                        line,
                        "country",
                        RowErrorCode::NotFound,
                        format!(
                            "no country has the code {code}; use the ISO 3166-1 alpha-3 code of a country of the Americas, such as COL"
                        ),
                    );
                    return None;
                }
            }
        }
    };
    let institution = institution?;
    let Some(new_country) = given.or(institution.country_id) else {
        errors.add(
            line,
            "country",
            RowErrorCode::Required,
            "the institution has no country on record, so country is required; give the officer's country as an ISO 3166-1 alpha-3 code such as COL",
        );
        return None;
    };
    let change = match cell {
        Cell::Absent => Change::Keep,
        _ => Change::Set(new_country),
    };
    Some((change, new_country))
}

/// Writes one batch of checked rows in one transaction: creates new officers, updates
/// changed ones and leaves the others alone.
pub(super) async fn write(db: &DatabaseConnection, rows: &[OfficerRow]) -> ApiResult<Written> {
    let txn = begin_write(db).await?;
    let keys: BTreeSet<(i32, String)> = rows.iter().map(|row| (row.institution_id, row.external_ref.clone())).collect();
    let stored = stored_officers(&txn, &keys).await?;

    let mut written = Written::default();
    let mut new = Vec::new();
    let mut changed = Vec::new();
    let mut moved = Vec::new();
    for row in rows {
        let Some((id, stored)) = stored.get(&(row.institution_id, row.external_ref.clone())) else {
            new.push(row);
            continue;
        };
        let next = OfficerValues {
            display_name: row.name.clone(),
            role: row.role.apply(stored.role.clone()),
            rank: row.rank.apply(stored.rank.clone()),
            country_id: row.country.apply(stored.country_id),
            email: row.email.apply(stored.email.clone()),
        };
        if next == *stored {
            written.unchanged += 1;
            continue;
        }
        if next.country_id != stored.country_id {
            moved.push(*id);
        }
        changed.push((*id, next));
    }

    // Progress counts break completions down by the officer's country.
    let snapshot = progress::before(&txn, &moved).await?;
    insert(&txn, &new).await?;
    update(&txn, &changed).await?;
    progress::after(&txn, snapshot).await?;
    txn.commit().await?;
    written.created = new.len();
    written.updated = changed.len();
    Ok(written)
}

/// Reads the stored officers with these keys, with their ids.
async fn stored_officers(
    txn: &DatabaseTransaction,
    keys: &BTreeSet<(i32, String)>,
) -> ApiResult<HashMap<(i32, String), (i32, OfficerValues)>> {
    let mut by_institution: HashMap<i32, Vec<String>> = HashMap::new();
    for (institution, external_ref) in keys {
        by_institution.entry(*institution).or_default().push(external_ref.clone());
    }
    let mut stored = HashMap::new();
    for (institution, refs) in by_institution {
        for chunk in refs.chunks(KEYS_PER_LOOKUP) {
            let select = Query::select()
                .columns(["id", "external_ref", "display_name", "role", "rank", "country_id", "email"])
                .from("officers")
                .and_where(Expr::col("institution_id").eq(institution))
                .and_where(Expr::col("external_ref").is_in(chunk.iter().cloned()))
                .take();
            for row in txn.query_all(&select).await? {
                let values = OfficerValues {
                    display_name: row.try_get("", "display_name")?,
                    role: row.try_get("", "role")?,
                    rank: row.try_get("", "rank")?,
                    country_id: row.try_get("", "country_id")?,
                    email: row.try_get("", "email")?,
                };
                stored.insert((institution, row.try_get("", "external_ref")?), (row.try_get("", "id")?, values));
            }
        }
    }
    Ok(stored)
}

async fn insert(txn: &DatabaseTransaction, rows: &[&OfficerRow]) -> ApiResult<()> {
    let now = Utc::now();
    for chunk in rows.chunks(ROWS_PER_STATEMENT) {
        let mut insert = Query::insert();
        insert.into_table("officers").columns([
            "institution_id",
            "country_id",
            "external_ref",
            "role",
            "rank",
            "display_name",
            "sort_name",
            "email",
            "active",
            "version",
            "created_at",
            "updated_at",
        ]);
        for row in chunk {
            insert
                .values([
                    row.institution_id.into(),
                    row.country.apply(row.new_country).into(),
                    row.external_ref.clone().into(),
                    row.role.apply(ROLES[0].to_owned()).into(),
                    row.rank.apply(None).into(),
                    row.name.clone().into(),
                    fold(&row.name).into(),
                    row.email.apply(None).into(),
                    true.into(),
                    1.into(),
                    now.into(),
                    now.into(),
                ])
                .map_err(|err| ApiError::Unexpected(format!("could not build the officer insert: {err}")))?;
        }
        txn.execute(&insert).await?;
    }
    Ok(())
}

async fn update(txn: &DatabaseTransaction, rows: &[(i32, OfficerValues)]) -> ApiResult<()> {
    let now = Utc::now();
    for chunk in rows.chunks(ROWS_PER_STATEMENT) {
        let values = chunk
            .iter()
            .map(|(id, next)| {
                vec![
                    (*id).into(),
                    next.display_name.clone().into(),
                    fold(&next.display_name).into(),
                    next.role.clone().into(),
                    next.rank.clone().into(),
                    next.country_id.into(),
                    next.email.clone().into(),
                ]
            })
            .collect();
        let update = Query::update()
            .table("officers")
            .value("display_name", Expr::col(("v", "column2")))
            .value("sort_name", Expr::col(("v", "column3")))
            .value("role", Expr::col(("v", "column4")))
            .value("rank", Expr::col(("v", "column5")))
            .value("country_id", Expr::col(("v", "column6")))
            .value("email", Expr::col(("v", "column7")))
            .value("version", Expr::col(("officers", "version")).add(1))
            .value("updated_at", now)
            .from(values_list(values, "v"))
            .and_where(Expr::col(("officers", "id")).equals(("v", "column1")))
            .take();
        txn.execute(&update).await?;
    }
    Ok(())
}
