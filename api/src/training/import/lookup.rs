//! Batched look-ups of the records that import rows name by key: institutions, countries,
//! offerings and officers.

use std::collections::{BTreeSet, HashMap};

use sea_orm::sea_query::{Expr, ExprTrait, Query, SelectStatement};
use sea_orm::{ConnectionTrait, QueryResult};

use super::KEYS_PER_LOOKUP;
use crate::error::ApiResult;

/// A police institution named by a row.
#[derive(Clone, Copy, Debug)]
pub(super) struct Institution {
    /// The organization's id.
    pub id: i32,
    /// Whether the organization is a police institution rather than another kind.
    pub is_police: bool,
    /// The institution's country, when one is recorded.
    pub country_id: Option<i32>,
}

/// A course offering named by a row.
#[derive(Clone, Copy, Debug)]
pub(super) struct Offering {
    /// The offering's id.
    pub id: i32,
    /// The course it is an edition of.
    pub course_id: i32,
}

/// Runs `select` for each chunk of `keys` and passes every returned row to `read`.
async fn in_chunks<K: Clone>(
    db: &impl ConnectionTrait,
    keys: &[K],
    select: impl Fn(&[K]) -> SelectStatement,
    mut read: impl FnMut(QueryResult) -> ApiResult<()>,
) -> ApiResult<()> {
    for chunk in keys.chunks(KEYS_PER_LOOKUP) {
        for row in db.query_all(&select(chunk)).await? {
            read(row)?;
        }
    }
    Ok(())
}

/// Finds organizations by slug. Organizations of other kinds are returned too, so that
/// a row naming one can be told it is not a police institution.
pub(super) async fn institutions(
    db: &impl ConnectionTrait,
    slugs: &BTreeSet<String>,
) -> ApiResult<HashMap<String, Institution>> {
    let slugs: Vec<String> = slugs.iter().cloned().collect();
    let mut found = HashMap::new();
    let select = |chunk: &[String]| {
        Query::select()
            .columns(["id", "slug", "kind", "country_id"])
            .from("organizations")
            .and_where(Expr::col("slug").is_in(chunk.iter().cloned()))
            .take()
    };
    in_chunks(db, &slugs, select, |row| {
        let kind: String = row.try_get("", "kind")?;
        let institution = Institution {
            id: row.try_get("", "id")?,
            is_police: kind == "police_institution",
            country_id: row.try_get("", "country_id")?,
        };
        found.insert(row.try_get("", "slug")?, institution);
        Ok(())
    })
    .await?;
    Ok(found)
}

/// Finds countries by ISO 3166-1 alpha-3 code, given in upper case.
pub(super) async fn countries(db: &impl ConnectionTrait, codes: &BTreeSet<String>) -> ApiResult<HashMap<String, i32>> {
    let codes: Vec<String> = codes.iter().cloned().collect();
    let mut found = HashMap::new();
    let select = |chunk: &[String]| {
        Query::select()
            .columns(["id", "iso3"])
            .from("countries")
            .and_where(Expr::col("iso3").is_in(chunk.iter().cloned()))
            .take()
    };
    in_chunks(db, &codes, select, |row| {
        found.insert(row.try_get("", "iso3")?, row.try_get("", "id")?);
        Ok(())
    })
    .await?;
    Ok(found)
}

/// Finds course offerings by slug.
pub(super) async fn offerings(
    db: &impl ConnectionTrait,
    slugs: &BTreeSet<String>,
) -> ApiResult<HashMap<String, Offering>> {
    let slugs: Vec<String> = slugs.iter().cloned().collect();
    let mut found = HashMap::new();
    let select = |chunk: &[String]| {
        Query::select()
            .columns(["id", "slug", "course_id"])
            .from("course_offerings")
            .and_where(Expr::col("slug").is_in(chunk.iter().cloned()))
            .take()
    };
    in_chunks(db, &slugs, select, |row| {
        let offering = Offering { id: row.try_get("", "id")?, course_id: row.try_get("", "course_id")? };
        found.insert(row.try_get("", "slug")?, offering);
        Ok(())
    })
    .await?;
    Ok(found)
}

/// Finds officers by institution and `external_ref`, and returns their ids by that key.
pub(super) async fn officers(
    db: &impl ConnectionTrait,
    keys: &BTreeSet<(i32, String)>,
) -> ApiResult<HashMap<(i32, String), i32>> {
    let mut by_institution: HashMap<i32, Vec<String>> = HashMap::new();
    for (institution, external_ref) in keys {
        by_institution.entry(*institution).or_default().push(external_ref.clone());
    }
    let mut found = HashMap::new();
    for (institution, refs) in by_institution {
        let select = |chunk: &[String]| {
            Query::select()
                .columns(["id", "external_ref"])
                .from("officers")
                .and_where(Expr::col("institution_id").eq(institution))
                .and_where(Expr::col("external_ref").is_in(chunk.iter().cloned()))
                .take()
        };
        in_chunks(db, &refs, select, |row| {
            found.insert((institution, row.try_get("", "external_ref")?), row.try_get("", "id")?);
            Ok(())
        })
        .await?;
    }
    Ok(found)
}
