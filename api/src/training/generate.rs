//! A deterministic synthetic data set at the program's real scale, for benchmarks and tests.
//!
//! `api generate` adds police institutions, courses with accreditations, course offerings,
//! officers, enrolments and certificates to a database that contains the seed data set and
//! no officers yet. Every value comes from one seeded random generator and a fixed reference
//! date ([`AS_OF`]), never from the clock, so the same seed gives the same rows with the
//! same ids. Ids are written explicitly, counting up from the largest id in each table.
//!
//! Rows are generated in id order and written with multi-row INSERT statements inside
//! large transactions, a thousand officers (and their enrolments and certificates) at a
//! time, so that memory never holds more than one such chunk of rows.
//!
//! Enrolments go to the synthetic offerings only, so the seed's real offerings keep their
//! records. Offerings that ended before [`AS_OF`] have completed, failed, withdrawn and
//! unanswered applications. Offerings open for enrolment or running on that day have
//! enrolled officers, applications and withdrawals. Offerings whose enrolment opens later
//! have none. An offering with a capacity never gets more seat-holding enrolments than its
//! seats, and the requests beyond them are waitlisted.

use std::collections::BTreeMap;
use std::fmt;
use std::time::{Duration, Instant};

use anyhow::Context as _;
use chrono::NaiveDate;
use sea_orm::sea_query::{Expr, Func, Query};
use sea_orm::{ConnectionTrait, DatabaseConnection, DatabaseTransaction, DbBackend, TransactionTrait};
use serde_json::Value as Json;

use crate::locale::default_text;
use crate::training::enrolment::recount_seats;
use catalogue::{Modality, add_catalogue};
use records::add_training_records;
use support::date;
use vocabulary::{Profile, profile};

mod catalogue;
mod records;
mod support;
mod vocabulary;

/// The day on which the synthetic records stand: statuses and timestamps are as of this
/// date, whatever day the generator runs.
pub const AS_OF: NaiveDate = date(2026, 12, 1);
/// First and last day of the synthetic offerings.
const FIRST_DAY: NaiveDate = date(2015, 1, 1);
const LAST_DAY: NaiveDate = date(2027, 12, 31);

/// Slug of the police network whose catalogue the generator extends.
const POLICE_NETWORK: &str = "network-redppol";
/// The source note on every synthetic organization, course and offering.
const SOURCE_NOTE: &str =
    "Synthetic benchmark data made by `api generate`; it describes no real institution, course or offering.";

/// The size of the data set to generate.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Scale {
    /// The program's real scale: 500 police institutions, 2,000 offerings in the police
    /// network, 200,000 officers and 1,000,000 enrolments.
    Full,
    /// A proportionally small set for tests: 40 institutions, 100 offerings, 2,000
    /// officers and 10,000 enrolments.
    Small,
}

impl Scale {
    fn sizes(self) -> Sizes {
        match self {
            Scale::Full => {
                Sizes { institutions: 500, offerings: 2_000, courses: 60, officers: 200_000, enrolments: 1_000_000 }
            }
            Scale::Small => Sizes { institutions: 40, offerings: 100, courses: 6, officers: 2_000, enrolments: 10_000 },
        }
    }

    fn name(self) -> &'static str {
        match self {
            Scale::Full => "full",
            Scale::Small => "small",
        }
    }
}

/// Totals the generated data set reaches: police institutions and offerings count the
/// seed's too, courses count the synthetic ones only.
struct Sizes {
    institutions: usize,
    offerings: usize,
    courses: usize,
    officers: u64,
    enrolments: u64,
}

/// Counts of the rows one run of the generator wrote.
#[derive(Debug)]
pub struct Summary {
    /// The size that was generated.
    pub scale: Scale,
    /// The seed of the random generator.
    pub seed: u64,
    /// Synthetic police institutions added.
    pub institutions: u64,
    /// Police institutions in the database afterwards, the seed's included.
    pub institutions_total: u64,
    /// Synthetic courses added.
    pub courses: u64,
    /// Accreditations of the synthetic courses.
    pub accreditations: u64,
    /// Synthetic offerings added.
    pub offerings: u64,
    /// Offerings of the police network's courses afterwards, the seed's included.
    pub offerings_total: u64,
    /// Officers added.
    pub officers: u64,
    /// Enrolments added.
    pub enrolments: u64,
    /// Enrolments added, per stored status.
    pub by_status: BTreeMap<&'static str, u64>,
    /// Certificates added, one per completed enrolment.
    pub certificates: u64,
    /// The virtual course with the most enrolments, with their number.
    pub busiest_virtual_course: Option<(String, u64)>,
    /// Time the whole run took.
    pub elapsed: Duration,
}

impl fmt::Display for Summary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let seconds = self.elapsed.as_secs_f64();
        writeln!(
            f,
            "Generated the {} synthetic data set with seed {} in {seconds:.1} s:",
            self.scale.name(),
            self.seed
        )?;
        writeln!(
            f,
            "  police institutions  {} added, {} in total",
            thousands(self.institutions),
            thousands(self.institutions_total)
        )?;
        writeln!(
            f,
            "  courses              {} added, with {} accreditations",
            thousands(self.courses),
            thousands(self.accreditations)
        )?;
        writeln!(
            f,
            "  course offerings     {} added, {} in the police network",
            thousands(self.offerings),
            thousands(self.offerings_total)
        )?;
        writeln!(f, "  officers             {}", thousands(self.officers))?;
        let statuses = self
            .by_status
            .iter()
            .map(|(status, count)| format!("{status} {}", thousands(*count)))
            .collect::<Vec<_>>()
            .join(", ");
        writeln!(f, "  enrolments           {} ({statuses})", thousands(self.enrolments))?;
        writeln!(f, "  certificates         {}", thousands(self.certificates))?;
        if let Some((code, count)) = &self.busiest_virtual_course {
            writeln!(f, "  busiest virtual course: {code}, with {} enrolments", thousands(*count))?;
        }
        Ok(())
    }
}

/// Formats a count with comma thousands separators, such as `1,000,000`.
fn thousands(value: u64) -> String {
    let digits = value.to_string();
    let mut formatted = String::with_capacity(digits.len() + digits.len() / 3);
    for (index, digit) in digits.chars().enumerate() {
        if index > 0 && (digits.len() - index).is_multiple_of(3) {
            formatted.push(',');
        }
        formatted.push(digit);
    }
    formatted
}

/// Fills `db` with the synthetic data set of `scale`, drawn from `seed`, then recounts
/// every offering's seats and rebuilds the progress counts.
///
/// The database must contain the seed data set and no officers. Fails, having written
/// nothing, when officers or synthetic records are already there.
///
/// NOTE: the catalogue and every 20,000 officers are committed as they are written, so a
/// run that fails part way leaves those rows behind. Start again on a fresh database.
pub async fn generate(db: &DatabaseConnection, scale: Scale, seed: u64) -> anyhow::Result<Summary> {
    let started = Instant::now();
    let sizes = scale.sizes();
    check_fresh(db).await?;
    let reference = Reference::read(db).await?;

    let txn = db.begin().await?;
    let mut ids = NextIds::read(&txn).await?;
    let catalogue = add_catalogue(&txn, &reference, &mut ids, &sizes, seed).await?;
    reset_sequences(&txn, &["organizations", "courses", "accreditations", "course_offerings"]).await?;
    txn.commit().await?;
    let added_institutions = catalogue.institutions.iter().filter(|institution| institution.synthetic).count() as u64;
    tracing::info!(
        institutions = added_institutions,
        courses = catalogue.courses.len(),
        offerings = catalogue.offerings.len(),
        elapsed_seconds = started.elapsed().as_secs(),
        "added the synthetic catalogue"
    );

    let records = add_training_records(db, &catalogue, &reference, &mut ids, &sizes, seed).await?;

    let txn = db.begin().await?;
    let all_offerings = txn
        .query_all(&Query::select().column("id").from("course_offerings").take())
        .await?
        .iter()
        .map(|row| row.try_get::<i32>("", "id"))
        .collect::<Result<Vec<_>, _>>()?;
    recount_seats(&txn, &all_offerings).await.map_err(|err| anyhow::anyhow!(err.describe()))?;
    txn.commit().await?;
    tracing::info!(offerings = all_offerings.len(), "recounted the seats of every offering");
    crate::training::progress::rebuild(db).await.context("could not rebuild the progress counts")?;
    tracing::info!(elapsed_seconds = started.elapsed().as_secs(), "rebuilt the progress counts");
    if db.get_database_backend() == DbBackend::Postgres {
        // Fresh planner statistics, so that the first queries after a bulk load do not run
        // on the estimates of empty tables until autovacuum catches up.
        db.execute_unprepared(
            "ANALYZE organizations, courses, accreditations, course_offerings, officers, enrolments, certificates, progress_counts",
        )
        .await
        .context("could not analyze the generated tables")?;
    }

    let mut busiest_virtual_course = None;
    for (course, count) in catalogue.courses.iter().zip(&records.per_course) {
        let busier = busiest_virtual_course.as_ref().is_none_or(|(_, most)| count > most);
        if course.modality == Modality::Virtual && busier {
            busiest_virtual_course = Some((course.code.clone(), *count));
        }
    }
    Ok(Summary {
        scale,
        seed,
        institutions: added_institutions,
        institutions_total: catalogue.institutions.len() as u64,
        courses: catalogue.courses.len() as u64,
        accreditations: catalogue.courses.iter().map(|course| course.accreditations).sum(),
        offerings: catalogue.offerings.len() as u64,
        offerings_total: reference.network_offerings + catalogue.offerings.len() as u64,
        officers: records.officers,
        enrolments: records.enrolments,
        by_status: records.by_status,
        certificates: records.certificates,
        busiest_virtual_course,
        elapsed: started.elapsed(),
    })
}

/// Fails unless the database has no officers and no synthetic records yet.
async fn check_fresh(db: &DatabaseConnection) -> anyhow::Result<()> {
    use sea_orm::sea_query::ExprTrait as _;
    let officers = count(db, Query::select().expr(Expr::col("id").count()).from("officers").take()).await?;
    if officers > 0 {
        anyhow::bail!(
            "the database already has {officers} officers; the generator fills a fresh database only, so point DATABASE_URL at a new SQLite file or an empty PostgreSQL database"
        );
    }
    let synthetic = count(
        db,
        Query::select()
            .expr(Expr::col("id").count())
            .from("organizations")
            .and_where(Expr::col("slug").like("synthetic-%"))
            .take(),
    )
    .await?;
    if synthetic > 0 {
        anyhow::bail!(
            "the database already has {synthetic} synthetic organizations from an earlier run that did not finish; point DATABASE_URL at a new SQLite file or an empty PostgreSQL database"
        );
    }
    Ok(())
}

async fn count(db: &impl ConnectionTrait, query: sea_orm::sea_query::SelectStatement) -> anyhow::Result<i64> {
    let row = db.query_one(&query).await?.context("a COUNT query returned no row")?;
    Ok(row.try_get_by_index::<i64>(0)?)
}

/// Records of the seed data set that synthetic rows refer to.
struct Reference {
    network_id: i32,
    countries: Vec<Country>,
    /// Police institutions of the seed, as `(id, index into countries)`.
    institutions: Vec<(i32, usize)>,
    /// Universities, which accredit synthetic courses.
    universities: Vec<i32>,
    /// Offerings of the police network's courses before the generator runs.
    network_offerings: u64,
}

/// A country of the seed, with the profile the generator uses for it.
struct Country {
    id: i32,
    iso3: String,
    name: String,
    capital: Option<String>,
    profile: &'static Profile,
}

impl Reference {
    async fn read(db: &DatabaseConnection) -> anyhow::Result<Reference> {
        use sea_orm::sea_query::ExprTrait as _;
        let network = db
            .query_one(&Query::select().column("id").from("networks").and_where(Expr::col("slug").eq(POLICE_NETWORK)).take())
            .await?
            .with_context(|| {
                format!(
                    "the network {POLICE_NETWORK} is missing; the generator extends the seed data set, so start from a fresh database with IMPORT_SEED=true"
                )
            })?;
        let network_id: i32 = network.try_get("", "id")?;

        let mut countries = Vec::new();
        let rows = db
            .query_all(
                &Query::select()
                    .columns(["id", "iso3", "names", "capital"])
                    .from("countries")
                    .order_by("id", sea_orm::Order::Asc)
                    .take(),
            )
            .await?;
        for row in rows {
            let iso3: String = row.try_get("", "iso3")?;
            let names: Json = row.try_get("", "names")?;
            countries.push(Country {
                id: row.try_get("", "id")?,
                profile: profile(&iso3),
                iso3,
                name: default_text(&names),
                capital: row.try_get("", "capital")?,
            });
        }

        let mut institutions = Vec::new();
        let rows = db
            .query_all(
                &Query::select()
                    .columns(["id", "country_id"])
                    .from("organizations")
                    .and_where(Expr::col("kind").eq("police_institution"))
                    .order_by("id", sea_orm::Order::Asc)
                    .take(),
            )
            .await?;
        for row in rows {
            let country_id: Option<i32> = row.try_get("", "country_id")?;
            if let Some(country) = countries.iter().position(|country| Some(country.id) == country_id) {
                institutions.push((row.try_get("", "id")?, country));
            }
        }

        let universities = db
            .query_all(
                &Query::select()
                    .column("id")
                    .from("organizations")
                    .and_where(Expr::col("kind").eq("university"))
                    .order_by("id", sea_orm::Order::Asc)
                    .take(),
            )
            .await?
            .iter()
            .map(|row| row.try_get::<i32>("", "id"))
            .collect::<Result<Vec<_>, _>>()?;

        let network_offerings = count(
            db,
            Query::select()
                .expr(Expr::col(("course_offerings", "id")).count())
                .from("course_offerings")
                .inner_join("courses", Expr::col(("courses", "id")).equals(("course_offerings", "course_id")))
                .and_where(Expr::col(("courses", "network_id")).eq(network_id))
                .take(),
        )
        .await?;
        Ok(Reference {
            network_id,
            countries,
            institutions,
            universities,
            network_offerings: u64::try_from(network_offerings).unwrap_or_default(),
        })
    }
}

/// The next free id of every table the generator writes.
struct NextIds {
    organization: i32,
    course: i32,
    accreditation: i32,
    offering: i32,
    officer: i32,
    enrolment: i32,
    certificate: i32,
}

impl NextIds {
    async fn read(txn: &DatabaseTransaction) -> anyhow::Result<NextIds> {
        use sea_orm::sea_query::ExprTrait as _;
        let next = async |table: &'static str| -> anyhow::Result<i32> {
            let query = Query::select().expr(Func::coalesce([Expr::col("id").max(), Expr::val(0)])).from(table).take();
            let row = txn.query_one(&query).await?.context("a MAX query returned no row")?;
            Ok(row.try_get_by_index::<i32>(0)? + 1)
        };
        Ok(NextIds {
            organization: next("organizations").await?,
            course: next("courses").await?,
            accreditation: next("accreditations").await?,
            offering: next("course_offerings").await?,
            officer: next("officers").await?,
            enrolment: next("enrolments").await?,
            certificate: next("certificates").await?,
        })
    }
}

/// Takes the next id from `counter`.
fn take_id(counter: &mut i32) -> i32 {
    let id = *counter;
    *counter += 1;
    id
}

/// Moves PostgreSQL's id sequences past the ids written explicitly, so that rows created
/// later through the API get fresh ids. SQLite's AUTOINCREMENT follows by itself.
async fn reset_sequences(txn: &DatabaseTransaction, tables: &[&str]) -> anyhow::Result<()> {
    if txn.get_database_backend() != DbBackend::Postgres {
        return Ok(());
    }
    for table in tables {
        txn.execute_unprepared(&format!(
            "SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT MAX(id) FROM {table})) WHERE EXISTS (SELECT 1 FROM {table})"
        ))
        .await
        .with_context(|| format!("could not move the id sequence of {table}"))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thousands_groups_digits() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1_000), "1,000");
        assert_eq!(thousands(1_000_000), "1,000,000");
    }
}
