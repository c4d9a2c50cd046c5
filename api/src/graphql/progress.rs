//! Progress of the networks' targets towards officers trained, read from the maintained
//! `progress_counts` table, with disclosure control of small breakdown cells.

use std::cmp::Reverse;
use std::collections::HashMap;
use std::sync::Arc;

use async_graphql::dataloader::Loader;
use async_graphql::{Context, Object, Result};
use entities::{countries, courses, progress_counts, targets};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{DatabaseConnection, EntityTrait, QueryFilter};

use super::common::viewer;
use super::places::Country;
use super::training::Course;
use crate::auth::Audience;
use crate::config::TrainingConfig;
use crate::enums::{Modality, stored};
use crate::error::{ApiError, ApiResult};
use crate::loaders::{FromDb, LoadError, load_by_id, loader};
use crate::training::progress::{ANY_MODALITY, COUNTRY, COURSE, MODALITY, TOTAL, YEAR};

/// The unit of targets that count distinct officers who completed training.
pub const OFFICERS_UNIT: &str = "officers";

/// A network and a scope of `progress_counts`: an offering modality or `any`.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct ProgressScope {
    /// The network's id.
    pub network_id: i32,
    /// The stored modality, or `any` for every modality.
    pub modality: String,
}

/// Loads the `progress_counts` rows of several scopes with one statement.
pub struct ProgressLoader {
    db: DatabaseConnection,
}

impl FromDb for ProgressLoader {
    fn from_db(db: DatabaseConnection, _audience: Audience) -> Self {
        // Counts carry no names, so every caller may read them; the countries and courses
        // they point to load through the audience-aware by-id loaders.
        ProgressLoader { db }
    }
}

impl Loader<ProgressScope> for ProgressLoader {
    type Value = Arc<Vec<progress_counts::Model>>;
    type Error = LoadError;

    async fn load(
        &self,
        keys: &[ProgressScope],
    ) -> Result<HashMap<ProgressScope, Arc<Vec<progress_counts::Model>>>, LoadError> {
        let networks: Vec<i32> = keys.iter().map(|key| key.network_id).collect();
        let modalities: Vec<String> = keys.iter().map(|key| key.modality.clone()).collect();
        // Filtering the two columns separately can also read other scopes of the same
        // networks, which no key requested. Those rows are dropped below.
        let rows = progress_counts::Entity::find()
            .filter(Expr::col(progress_counts::Column::NetworkId).is_in(networks))
            .filter(Expr::col(progress_counts::Column::Modality).is_in(modalities))
            .all(&self.db)
            .await
            .map_err(|err| Arc::new(ApiError::from(err)))?;
        let mut by_scope: HashMap<ProgressScope, Vec<progress_counts::Model>> =
            keys.iter().map(|key| (key.clone(), Vec::new())).collect();
        for row in rows {
            let scope = ProgressScope { network_id: row.network_id, modality: row.modality.clone() };
            if let Some(list) = by_scope.get_mut(&scope) {
                list.push(row);
            }
        }
        Ok(by_scope.into_iter().map(|(scope, rows)| (scope, Arc::new(rows))).collect())
    }
}

/// Returns the progress of `target`, or `None` when its unit is not officers.
pub async fn target_progress(ctx: &Context<'_>, target: &targets::Model) -> ApiResult<Option<TargetProgress>> {
    if target.unit != OFFICERS_UNIT {
        return Ok(None);
    }
    let scope = ProgressScope {
        network_id: target.network_id,
        modality: target.modality.clone().unwrap_or_else(|| ANY_MODALITY.to_owned()),
    };
    let rows = loader::<ProgressLoader>(ctx)?.load_one(scope).await?.unwrap_or_default();
    let minimum_cell_size = ctx
        .data::<TrainingConfig>()
        .map_err(|_| ApiError::Unexpected("training settings missing from the GraphQL context".into()))?
        .min_cell_size;
    let disclosure = Disclosure { minimum_cell_size, everything: viewer(ctx)?.is_admin() };

    let mut officers = 0;
    let mut countries = Vec::new();
    let mut years = Vec::new();
    let mut courses = Vec::new();
    let mut modalities = Vec::new();
    for row in rows.iter() {
        match row.dimension.as_str() {
            TOTAL => officers = row.officers,
            COUNTRY => countries.push((numeric_key(row)?, row.officers)),
            YEAR => years.push((numeric_key(row)?, row.officers)),
            COURSE => courses.push((numeric_key(row)?, row.officers)),
            MODALITY => modalities.push((row.key.clone(), row.officers)),
            other => {
                return Err(ApiError::Unexpected(format!("progress_counts contains the unknown dimension {other:?}")));
            }
        }
    }
    // A target of one modality counts only that modality, which is its whole total.
    if let Some(modality) = &target.modality
        && officers > 0
    {
        modalities = vec![(modality.clone(), officers)];
    }

    Ok(Some(TargetProgress {
        officers,
        target_value: target.target_value,
        minimum_cell_size,
        by_country: disclosure.apply(countries),
        by_year: disclosure.apply(years),
        by_course: disclosure.apply(courses),
        by_modality: disclosure.apply(modalities),
    }))
}

/// Parses a key that contains a country id, a course id or a year.
fn numeric_key(row: &progress_counts::Model) -> ApiResult<i32> {
    row.key.parse().map_err(|_| {
        ApiError::Unexpected(format!(
            "progress_counts contains the {} key {:?}, which is not a number",
            row.dimension, row.key
        ))
    })
}

/// How much of a breakdown a caller may see.
struct Disclosure {
    /// Minimum number of officers a cell needs to show its value to callers who are not admins.
    minimum_cell_size: i64,
    /// Whether the caller sees every value (admins).
    everything: bool,
}

/// A breakdown cell as shown to the caller.
#[derive(Clone, Debug, PartialEq)]
struct BreakdownCell<K> {
    key: K,
    officers: Option<i64>,
    suppressed: bool,
}

impl Disclosure {
    /// Suppresses the cells this caller may not see and sorts the rest: shown cells by
    /// officers descending then key, suppressed cells after them by key alone.
    ///
    /// A cell below the minimum size is suppressed (primary suppression). While the
    /// suppressed cells together hold fewer officers than the minimum and some cell is
    /// still shown, the smallest shown cell is suppressed too (secondary suppression). A
    /// lone small cell could otherwise be recovered by subtracting the shown cells from
    /// the total. Suppressed cells are not ordered by their size, so their position does
    /// not disclose it either.
    fn apply<K: Ord>(&self, cells: Vec<(K, i64)>) -> Vec<BreakdownCell<K>> {
        let mut cells = cells;
        cells.sort_by(|(a_key, a_officers), (b_key, b_officers)| {
            Reverse(a_officers).cmp(&Reverse(b_officers)).then_with(|| a_key.cmp(b_key))
        });
        let mut suppressed: Vec<bool> =
            cells.iter().map(|(_, officers)| !self.everything && *officers < self.minimum_cell_size).collect();
        while suppressed.contains(&true) {
            let suppressed_officers: i64 = cells
                .iter()
                .zip(&suppressed)
                .filter(|(_, suppressed)| **suppressed)
                .map(|((_, officers), _)| officers)
                .sum();
            if suppressed_officers >= self.minimum_cell_size {
                break;
            }
            // Cells are sorted largest first, so the last shown cell is the smallest.
            match suppressed.iter().rposition(|suppressed| !*suppressed) {
                Some(smallest_shown) => suppressed[smallest_shown] = true,
                None => break,
            }
        }
        let mut disclosed: Vec<BreakdownCell<K>> = cells
            .into_iter()
            .zip(suppressed)
            .map(|((key, officers), suppressed)| BreakdownCell {
                key,
                officers: (!suppressed).then_some(officers),
                suppressed,
            })
            .collect();
        // Shown cells keep their order; suppressed ones move after them, ordered by key.
        disclosed.sort_by(|a, b| match (a.suppressed, b.suppressed) {
            (false, false) => std::cmp::Ordering::Equal,
            (true, true) => a.key.cmp(&b.key),
            (suppressed, _) => suppressed.cmp(&b.suppressed),
        });
        disclosed
    }
}

/// Progress of a target that counts officers: distinct officers who completed at least
/// one offering of a course of the target's network, of the target's modality when it has
/// one.
pub struct TargetProgress {
    officers: i64,
    target_value: i64,
    minimum_cell_size: i64,
    by_country: Vec<BreakdownCell<i32>>,
    by_year: Vec<BreakdownCell<i32>>,
    by_course: Vec<BreakdownCell<i32>>,
    by_modality: Vec<BreakdownCell<String>>,
}

/// Progress of a target that counts officers: distinct officers who completed at least
/// one offering of a course of the target's network, of the target's modality when it has
/// one.
/// Breakdown cells with fewer officers than `minimumCellSize` show no value to callers
/// who are not admins.
#[Object]
impl TargetProgress {
    /// Distinct officers who completed; always shown.
    async fn officers(&self) -> i64 {
        self.officers
    }

    /// `officers` as a percentage of the target's `targetValue`, rounded to 2 decimals.
    /// It exceeds 100 once the target is met, and is 0 for a target value that is not
    /// positive.
    async fn percentage(&self) -> f64 {
        if self.target_value <= 0 {
            return 0.0;
        }
        (self.officers as f64 / self.target_value as f64 * 10_000.0).round() / 100.0
    }

    /// Minimum number of officers a breakdown cell needs to show its value to callers who
    /// are not admins. Smaller cells are suppressed, and so are as many further cells as it
    /// takes to keep them from being worked out from the total.
    async fn minimum_cell_size(&self) -> i64 {
        self.minimum_cell_size
    }

    /// Officers per country, as recorded on each officer. The cells add up to `officers`.
    async fn by_country(&self) -> Vec<CountryProgress> {
        self.by_country.iter().cloned().map(CountryProgress).collect()
    }

    /// Officers per year of completion; an officer counts in every year in which they
    /// completed a course. Completions without a date count in no year.
    async fn by_year(&self) -> Vec<YearProgress> {
        self.by_year.iter().cloned().map(YearProgress).collect()
    }

    /// Officers per course completed; an officer counts under every course they completed.
    async fn by_course(&self) -> Vec<CourseProgress> {
        self.by_course.iter().cloned().map(CourseProgress).collect()
    }

    /// Officers per modality of the offerings they completed; an officer counts under every
    /// modality they completed. A target of one modality has that modality's cell only.
    async fn by_modality(&self) -> Vec<ModalityProgress> {
        self.by_modality.iter().cloned().map(ModalityProgress).collect()
    }
}

/// Officers of one country who completed, within a target's progress.
pub struct CountryProgress(BreakdownCell<i32>);

/// Officers of one country who completed, within a target's progress.
#[Object]
impl CountryProgress {
    /// The officers' country; null when the caller may not see it.
    async fn country(&self, ctx: &Context<'_>) -> Result<Option<Country>> {
        Ok(load_by_id::<countries::Entity>(ctx, Some(self.0.key)).await?.map(Country))
    }

    /// Distinct officers; null when suppressed.
    async fn officers(&self) -> Option<i64> {
        self.0.officers
    }

    /// Whether `officers` is withheld to protect small groups of officers.
    async fn suppressed(&self) -> bool {
        self.0.suppressed
    }
}

/// Officers who completed in one calendar year, within a target's progress.
pub struct YearProgress(BreakdownCell<i32>);

/// Officers who completed in one calendar year, within a target's progress.
#[Object]
impl YearProgress {
    /// The year of completion.
    async fn year(&self) -> i32 {
        self.0.key
    }

    /// Distinct officers; null when suppressed.
    async fn officers(&self) -> Option<i64> {
        self.0.officers
    }

    /// Whether `officers` is withheld to protect small groups of officers.
    async fn suppressed(&self) -> bool {
        self.0.suppressed
    }
}

/// Officers who completed one course, within a target's progress.
pub struct CourseProgress(BreakdownCell<i32>);

/// Officers who completed one course, within a target's progress.
#[Object]
impl CourseProgress {
    /// The course; null when the caller may not see it, though its officers still count.
    async fn course(&self, ctx: &Context<'_>) -> Result<Option<Course>> {
        Ok(load_by_id::<courses::Entity>(ctx, Some(self.0.key)).await?.map(Course))
    }

    /// Distinct officers; null when suppressed.
    async fn officers(&self) -> Option<i64> {
        self.0.officers
    }

    /// Whether `officers` is withheld to protect small groups of officers.
    async fn suppressed(&self) -> bool {
        self.0.suppressed
    }
}

/// Officers who completed offerings of one modality, within a target's progress.
pub struct ModalityProgress(BreakdownCell<String>);

/// Officers who completed offerings of one modality, within a target's progress.
#[Object]
impl ModalityProgress {
    /// The modality of the offerings.
    async fn modality(&self) -> Result<Modality> {
        Ok(stored("progress_counts.key", &self.0.key)?)
    }

    /// Distinct officers; null when suppressed.
    async fn officers(&self) -> Option<i64> {
        self.0.officers
    }

    /// Whether `officers` is withheld to protect small groups of officers.
    async fn suppressed(&self) -> bool {
        self.0.suppressed
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn public(minimum_cell_size: i64) -> Disclosure {
        Disclosure { minimum_cell_size, everything: false }
    }

    fn values(cells: &[BreakdownCell<&'static str>]) -> Vec<(&'static str, Option<i64>)> {
        cells.iter().map(|cell| (cell.key, cell.officers)).collect()
    }

    #[test]
    fn large_cells_are_all_shown_in_order() {
        let cells = public(5).apply(vec![("b", 7), ("a", 9), ("c", 7)]);
        assert_eq!(values(&cells), [("a", Some(9)), ("b", Some(7)), ("c", Some(7))]);
        assert!(cells.iter().all(|cell| !cell.suppressed));
    }

    #[test]
    fn lone_small_cell_hides_smallest_shown_cell() {
        let cells = public(5).apply(vec![("a", 20), ("b", 8), ("c", 2), ("d", 6)]);
        assert_eq!(values(&cells), [("a", Some(20)), ("b", Some(8)), ("c", None), ("d", None)]);
        assert_eq!(cells.iter().filter(|cell| cell.suppressed).count(), 2);
    }

    #[test]
    fn small_cells_that_reach_minimum_together_suffice() {
        let cells = public(5).apply(vec![("a", 20), ("b", 3), ("c", 2)]);
        assert_eq!(values(&cells), [("a", Some(20)), ("b", None), ("c", None)]);
    }

    #[test]
    fn suppression_repeats_until_minimum_is_reached() {
        // 1 + 1 = 2 stays under 10, so the smallest shown cells go one by one: 12 makes 14.
        let cells = public(10).apply(vec![("a", 30), ("b", 12), ("c", 1), ("d", 1), ("e", 15)]);
        assert_eq!(values(&cells), [("a", Some(30)), ("e", Some(15)), ("b", None), ("c", None), ("d", None)]);
    }

    #[test]
    fn everything_suppressed_when_no_cell_is_large() {
        let cells = public(5).apply(vec![("a", 1), ("b", 2)]);
        assert_eq!(values(&cells), [("a", None), ("b", None)]);
    }

    #[test]
    fn admins_see_every_value() {
        let cells = Disclosure { minimum_cell_size: 5, everything: true }.apply(vec![("a", 1), ("b", 20)]);
        assert_eq!(values(&cells), [("b", Some(20)), ("a", Some(1))]);
        assert!(cells.iter().all(|cell| !cell.suppressed));
    }
}
