//! Writing rows in bulk, drawing random values, and date arithmetic for the generator.

use anyhow::Context as _;
use chrono::{DateTime, Days, NaiveDate, NaiveTime, TimeDelta, Utc};
use sea_orm::sea_query::{Expr, Query, Value};
use sea_orm::{ConnectionTrait, DatabaseTransaction};

/// Rows in one INSERT statement at most. PostgreSQL accepts 65,535 bound parameters per
/// statement and SQLite (since 3.32) 32,766, so wide tables get fewer rows.
const ROWS_PER_INSERT: usize = 1_000;
const MAX_PARAMETERS: usize = 32_766;

/// Rows waiting to be written to one table with multi-row INSERT statements.
pub(super) struct Rows {
    pub(super) table: &'static str,
    pub(super) columns: &'static [&'static str],
    pub(super) pending: Vec<Vec<Value>>,
}

impl Rows {
    pub(super) fn new(table: &'static str, columns: &'static [&'static str]) -> Rows {
        Rows { table, columns, pending: Vec::new() }
    }

    pub(super) fn push(&mut self, row: Vec<Value>) {
        debug_assert_eq!(row.len(), self.columns.len(), "a row of {} has the wrong number of values", self.table);
        self.pending.push(row);
    }

    /// Writes every pending row, [`ROWS_PER_INSERT`] rows a statement at most.
    pub(super) async fn flush(&mut self, txn: &DatabaseTransaction) -> anyhow::Result<()> {
        let per_statement = (MAX_PARAMETERS / self.columns.len()).clamp(1, ROWS_PER_INSERT);
        let mut rows = std::mem::take(&mut self.pending).into_iter().peekable();
        while rows.peek().is_some() {
            let mut insert = Query::insert();
            insert.into_table(self.table).columns(self.columns.iter().copied());
            for row in rows.by_ref().take(per_statement) {
                insert
                    .values(row.into_iter().map(Expr::from))
                    .with_context(|| format!("could not build an insert into {}", self.table))?;
            }
            txn.execute(&insert).await.with_context(|| format!("could not insert rows into {}", self.table))?;
        }
        Ok(())
    }
}

/// The increment of splitmix64.
pub(super) const GOLDEN_GAMMA: u64 = 0x9E37_79B9_7F4A_7C15;

/// The splitmix64 output function: a bijective mix of 64 bits.
pub(super) fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// A splitmix64 random generator. Each part of the data set draws from its own stream, so
/// that a change in one part leaves the values of the others as they were.
pub(super) struct Rng(u64);

impl Rng {
    pub(super) fn new(seed: u64, stream: u64) -> Rng {
        Rng(mix(seed.wrapping_add(GOLDEN_GAMMA)) ^ mix(stream.wrapping_add(1).wrapping_mul(GOLDEN_GAMMA)))
    }

    pub(super) fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(GOLDEN_GAMMA);
        mix(self.0)
    }

    /// Returns a number from 0 to `bound - 1` (0 when `bound` is 0).
    pub(super) fn below(&mut self, bound: u64) -> u64 {
        ((u128::from(self.next_u64()) * u128::from(bound)) >> 64) as u64
    }

    /// Returns an index into a slice of `len` items.
    pub(super) fn index(&mut self, len: usize) -> usize {
        self.below(len as u64) as usize
    }

    /// Returns a number from `low` to `high`, both included.
    pub(super) fn between(&mut self, low: i64, high: i64) -> i64 {
        if high <= low {
            return low;
        }
        low + self.below((high - low) as u64 + 1) as i64
    }

    /// Returns a number in [0, 1).
    pub(super) fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    pub(super) fn chance(&mut self, probability: f64) -> bool {
        self.unit() < probability
    }
}

/// Draws indexes in proportion to their weights.
pub(super) struct Weighted {
    pub(super) cumulative: Vec<f64>,
}

impl Weighted {
    /// Returns `None` when no weight is positive.
    pub(super) fn new(weights: Vec<f64>) -> Option<Weighted> {
        let mut total = 0.0;
        let cumulative: Vec<f64> = weights
            .into_iter()
            .map(|weight| {
                total += weight.max(0.0);
                total
            })
            .collect();
        (total > 0.0).then_some(Weighted { cumulative })
    }

    pub(super) fn sample(&self, rng: &mut Rng) -> usize {
        let total = self.cumulative.last().copied().unwrap_or_default();
        let target = rng.unit() * total;
        self.cumulative.partition_point(|&sum| sum <= target).min(self.cumulative.len() - 1)
    }
}

pub(super) const fn date(year: i32, month: u32, day: u32) -> NaiveDate {
    match NaiveDate::from_ymd_opt(year, month, day) {
        Some(date) => date,
        None => panic!("invalid constant date"),
    }
}

pub(super) fn add_days(day: NaiveDate, days: i64) -> NaiveDate {
    if days >= 0 {
        day.checked_add_days(Days::new(days as u64)).unwrap_or(NaiveDate::MAX)
    } else {
        day.checked_sub_days(Days::new(days.unsigned_abs())).unwrap_or(NaiveDate::MIN)
    }
}

pub(super) fn days_between(first: NaiveDate, last: NaiveDate) -> i64 {
    (last - first).num_days()
}

/// Returns the UTC time `seconds` after midnight of `day`.
pub(super) fn timestamp(day: NaiveDate, seconds: i64) -> DateTime<Utc> {
    day.and_time(NaiveTime::MIN).and_utc() + TimeDelta::seconds(seconds)
}

/// Returns a random time on a random day from `first` to `last`.
pub(super) fn random_time(first: NaiveDate, last: NaiveDate, rng: &mut Rng) -> DateTime<Utc> {
    let day = add_days(first, rng.between(0, days_between(first, last)));
    timestamp(day, rng.between(0, 86_399))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn random_streams_repeat_per_seed() {
        let draws = |seed| {
            let mut rng = Rng::new(seed, 4);
            (0..8).map(|_| rng.below(1_000)).collect::<Vec<_>>()
        };
        assert_eq!(draws(1), draws(1));
        assert_ne!(draws(1), draws(2));
    }
}
