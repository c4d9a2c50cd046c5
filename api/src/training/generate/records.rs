//! Synthetic officers with their enrolments and the certificates of completed ones.

use std::collections::BTreeMap;
use std::time::Instant;

use chrono::{DateTime, NaiveDate, TimeDelta, Utc};
use sea_orm::sea_query::Value;
use sea_orm::{DatabaseConnection, DatabaseTransaction, TransactionTrait};

use super::catalogue::{Catalogue, Course, Institution, Modality, Offering, Stage};
use super::support::{Rng, Rows, Weighted, add_days, days_between, mix, random_time, timestamp};
use super::vocabulary::{email, person_name, rank};
use super::{AS_OF, Country, NextIds, Reference, Sizes, reset_sequences, take_id};
use crate::text::fold;
use crate::training::certificates::seeded_code;

/// Every enrolment the generator writes has this source.
const ENROLMENT_SOURCE: &str = "generated";
/// Officers generated and written together, with their enrolments and certificates.
const OFFICERS_PER_CHUNK: u64 = 1_000;
/// Officer chunks in one transaction.
const CHUNKS_PER_TRANSACTION: u64 = 20;

/// An enrolment status, as stored.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Status {
    Applied,
    Enrolled,
    Waitlisted,
    Completed,
    Failed,
    Withdrawn,
}

impl Status {
    fn as_db(self) -> &'static str {
        match self {
            Status::Applied => "applied",
            Status::Enrolled => "enrolled",
            Status::Waitlisted => "waitlisted",
            Status::Completed => "completed",
            Status::Failed => "failed",
            Status::Withdrawn => "withdrawn",
        }
    }

    fn holds_seat(self) -> bool {
        matches!(self, Status::Enrolled | Status::Completed | Status::Failed)
    }
}

/// Statuses drawn for enrolments in ended offerings, with weights in percent of all
/// enrolments. Together with [`OPEN_STATUSES`] they give 55% completed, 10% failed, 15%
/// enrolled, 5% withdrawn and 10% applied. The remaining 5% are waitlisted: requests for
/// a seat in a full offering, which [`Demand`] sizes to make up that share.
const ENDED_STATUSES: [(Status, f64); 4] =
    [(Status::Completed, 55.0), (Status::Failed, 10.0), (Status::Applied, 7.0), (Status::Withdrawn, 4.0)];
/// Statuses drawn for enrolments in offerings open for enrolment or running.
const OPEN_STATUSES: [(Status, f64); 3] = [(Status::Enrolled, 15.0), (Status::Applied, 3.0), (Status::Withdrawn, 1.0)];
/// Share of all enrolments that end up waitlisted.
const WAITLISTED_SHARE: f64 = 0.05;

/// Counts of what [`add_training_records`] wrote.
pub(super) struct Records {
    pub(super) officers: u64,
    pub(super) enrolments: u64,
    pub(super) certificates: u64,
    pub(super) by_status: BTreeMap<&'static str, u64>,
    /// Enrolments per synthetic course, in the order of the courses.
    pub(super) per_course: Vec<u64>,
}

/// The offerings of one stage that enrolments go to, and the statuses drawn there.
struct StageDemand {
    /// Indexes into the offerings.
    offerings: Vec<usize>,
    weights: Weighted,
    statuses: &'static [(Status, f64)],
    status_weights: Weighted,
}

/// The destinations of enrolments: a weighted table of offerings for each stage that
/// takes enrolments, and the share of enrolments each stage gets.
struct Demand {
    stages: Vec<StageDemand>,
    stage_weights: Weighted,
}

impl Demand {
    /// Weighs the offerings so that each stage gets its share of `enrolments`. Offerings
    /// with a capacity get enough requests to fill their seats and leave the waitlisted
    /// share over, and virtual offerings share the rest by their course's popularity.
    /// Returns `None` when no offering takes enrolments.
    fn new(offerings: &[Offering], courses: &[Course], enrolments: u64, rng: &mut Rng) -> Option<Demand> {
        let mut stages = Vec::new();
        let mut stage_shares = Vec::new();
        for (stage, statuses) in [(Stage::Ended, &ENDED_STATUSES[..]), (Stage::Open, &OPEN_STATUSES[..])] {
            let members: Vec<usize> = (0..offerings.len()).filter(|&index| offerings[index].stage == stage).collect();
            if members.is_empty() {
                continue;
            }
            let percent: f64 = statuses.iter().map(|(_, weight)| weight).sum();
            let seat_percent: f64 =
                statuses.iter().filter(|(status, _)| status.holds_seat()).map(|(_, weight)| weight).sum();
            let share = percent / (100.0 * (1.0 - WAITLISTED_SHARE));
            let expected = enrolments as f64 * share;
            let seats: f64 = members.iter().filter_map(|&index| offerings[index].capacity).map(f64::from).sum();
            let popularity: f64 = members
                .iter()
                .filter(|&&index| offerings[index].capacity.is_none())
                .map(|&index| courses[offerings[index].course].popularity)
                .sum();
            // Requests for seats beyond the seats make up the waitlisted share, but
            // offerings with a capacity never take more than half of a stage's enrolments
            // while virtual ones are there to take the rest.
            let waitlisted = expected * WAITLISTED_SHARE / (1.0 - WAITLISTED_SHARE);
            let limited_demand = if popularity > 0.0 {
                ((waitlisted + seats) / (seat_percent / percent)).min(expected * 0.5)
            } else {
                expected
            };
            let mut weights = Vec::with_capacity(members.len());
            for &index in &members {
                let offering = &offerings[index];
                let jitter = 0.75 + 0.5 * rng.unit();
                weights.push(match offering.capacity {
                    Some(capacity) => limited_demand * f64::from(capacity) / seats,
                    None => (expected - limited_demand) * courses[offering.course].popularity / popularity * jitter,
                });
            }
            stages.push(StageDemand {
                offerings: members,
                weights: Weighted::new(weights)?,
                statuses,
                status_weights: Weighted::new(statuses.iter().map(|(_, weight)| *weight).collect())?,
            });
            stage_shares.push(share);
        }
        Some(Demand { stages, stage_weights: Weighted::new(stage_shares)? })
    }

    /// Draws an offering and the status requested in it.
    fn draw(&self, rng: &mut Rng) -> (usize, Status) {
        let stage = &self.stages[self.stage_weights.sample(rng)];
        let offering = stage.offerings[stage.weights.sample(rng)];
        (offering, stage.statuses[stage.status_weights.sample(rng)].0)
    }
}

/// Adds the scale's officers with their enrolments and the certificates of completed
/// enrolments, in id order, writing a chunk of officers at a time.
pub(super) async fn add_training_records(
    db: &DatabaseConnection,
    catalogue: &Catalogue,
    reference: &Reference,
    ids: &mut NextIds,
    sizes: &Sizes,
    seed: u64,
) -> anyhow::Result<Records> {
    let Some(institution_weights) =
        Weighted::new(catalogue.institutions.iter().map(|institution| institution.size).collect())
    else {
        anyhow::bail!("the database has no police institutions with a country; import the seed data set first");
    };
    let mut rng = Rng::new(seed, 4);
    let demand = Demand::new(&catalogue.offerings, &catalogue.courses, sizes.enrolments, &mut rng);
    let mut writer = Writer {
        seed,
        rng,
        course_ids: catalogue.courses.iter().map(|course| course.id).collect(),
        offerings: catalogue.offerings.clone(),
        taking_enrolments: catalogue.offerings.iter().filter(|offering| offering.stage != Stage::Upcoming).count()
            as u64,
        remaining: if demand.is_some() { sizes.enrolments } else { 0 },
        demand,
        officer_rows: Rows::new("officers", &OFFICER_COLUMNS),
        enrolment_rows: Rows::new("enrolments", &ENROLMENT_COLUMNS),
        certificate_rows: Rows::new("certificates", &CERTIFICATE_COLUMNS),
        records: Records {
            officers: 0,
            enrolments: 0,
            certificates: 0,
            by_status: BTreeMap::new(),
            per_course: vec![0; catalogue.courses.len()],
        },
    };

    let started = Instant::now();
    let mut txn = db.begin().await?;
    for officer_index in 0..sizes.officers {
        let institution = &catalogue.institutions[institution_weights.sample(&mut writer.rng)];
        let country = &reference.countries[institution.country];
        let id = take_id(&mut ids.officer);
        let officers_left = sizes.officers - officer_index;
        writer.officer(id, institution, country, officers_left, ids);

        let written = officer_index + 1;
        if written.is_multiple_of(OFFICERS_PER_CHUNK) || written == sizes.officers {
            writer.flush(&txn).await?;
        }
        if written.is_multiple_of(OFFICERS_PER_CHUNK * CHUNKS_PER_TRANSACTION) || written == sizes.officers {
            reset_sequences(&txn, &["officers", "enrolments", "certificates"]).await?;
            txn.commit().await?;
            tracing::info!(
                officers = written,
                of = sizes.officers,
                enrolments = writer.records.enrolments,
                certificates = writer.records.certificates,
                elapsed_seconds = started.elapsed().as_secs(),
                "wrote officers, enrolments and certificates"
            );
            txn = db.begin().await?;
        }
    }
    txn.commit().await?;
    Ok(writer.records)
}

/// Generates officers with their enrolments and certificates into row buffers.
struct Writer {
    seed: u64,
    rng: Rng,
    /// Row ids of the synthetic courses.
    course_ids: Vec<i32>,
    /// The destinations of enrolments, or `None` when no offering takes enrolments.
    demand: Option<Demand>,
    /// The synthetic offerings, with the seats taken so far.
    offerings: Vec<Offering>,
    /// Offerings that take enrolments, which caps the enrolments of one officer.
    taking_enrolments: u64,
    /// Enrolments still to generate.
    remaining: u64,
    officer_rows: Rows,
    enrolment_rows: Rows,
    certificate_rows: Rows,
    records: Records,
}

impl Writer {
    /// Generates one officer of `institution`, with enrolments and certificates.
    fn officer(
        &mut self,
        id: i32,
        institution: &Institution,
        country: &Country,
        officers_left: u64,
        ids: &mut NextIds,
    ) {
        let rng = &mut self.rng;
        let language = country.profile.officer_language(rng);
        let name = person_name(language, rng);
        let rank = rank(language, rng);
        let email = rng.chance(0.7).then(|| email(&name, id));
        let role = if rng.chance(0.01) { "instructor" } else { "officer" };
        let active = rng.chance(0.97);

        let count = enrolment_count(self.remaining, officers_left, rng).min(self.taking_enrolments);
        let first_application = self.enrolments(id, &name.display, count, ids);
        // The officer's record exists from some time before the first application.
        let created_at = match first_application {
            Some(applied_at) => applied_at - TimeDelta::days(self.rng.between(1, 365)),
            None => timestamp(AS_OF, 0),
        };
        self.officer_rows.push(vec![
            id.into(),
            institution.id.into(),
            country.id.into(),
            Some(format!("SYN-{id:07}")).into(),
            role.into(),
            Some(rank).into(),
            name.display.clone().into(),
            fold(&name.display).into(),
            email.into(),
            active.into(),
            1.into(),
            created_at.into(),
            created_at.into(),
        ]);
        self.records.officers += 1;
    }

    /// Generates `count` enrolments of one officer in distinct offerings, in the order
    /// of their start dates, and returns the time of the first application.
    fn enrolments(&mut self, officer_id: i32, holder: &str, count: u64, ids: &mut NextIds) -> Option<DateTime<Utc>> {
        let Some(demand) = &self.demand else { return None };
        let mut picks: Vec<(usize, Status)> = Vec::with_capacity(count as usize);
        // Draws that repeat an offering are dropped. 100 draws find 10 distinct offerings
        // unless nearly all demand goes to fewer, which neither scale produces.
        for _ in 0..100 {
            if picks.len() as u64 == count {
                break;
            }
            let (offering, status) = demand.draw(&mut self.rng);
            if !picks.iter().any(|&(taken, _)| taken == offering) {
                picks.push((offering, status));
            }
        }
        picks.sort_by_key(|&(offering, _)| (self.offerings[offering].starts, offering));
        self.remaining -= picks.len() as u64;

        let mut first_application: Option<DateTime<Utc>> = None;
        for (index, requested) in picks {
            let offering = &mut self.offerings[index];
            let mut status = requested;
            if status.holds_seat() {
                match offering.capacity {
                    Some(capacity) if offering.seats_taken >= capacity => status = Status::Waitlisted,
                    _ => offering.seats_taken += 1,
                }
            }
            let enrolment_id = take_id(&mut ids.enrolment);
            let course_id = self.course_ids[offering.course];
            let enrolment = enrolment_row(enrolment_id, officer_id, course_id, offering, status, &mut self.rng);
            first_application =
                Some(first_application.map_or(enrolment.applied_at, |first| first.min(enrolment.applied_at)));
            if let Some(completed_on) = enrolment.completed_on {
                self.certificate_rows.push(vec![
                    take_id(&mut ids.certificate).into(),
                    enrolment_id.into(),
                    seeded_code(mix(self.seed ^ mix(enrolment_id as u64))).into(),
                    holder.into(),
                    course_id.into(),
                    completed_on.into(),
                    "valid".into(),
                    timestamp(completed_on, 18 * 3600).into(),
                ]);
                self.records.certificates += 1;
            }
            self.enrolment_rows.push(enrolment.values);
            self.records.enrolments += 1;
            *self.records.by_status.entry(status.as_db()).or_default() += 1;
            self.records.per_course[offering.course] += 1;
        }
        first_application
    }

    /// Writes the buffered rows: officers first, then their enrolments, then the
    /// certificates, so that every foreign key points at a row already written.
    async fn flush(&mut self, txn: &DatabaseTransaction) -> anyhow::Result<()> {
        self.officer_rows.flush(txn).await?;
        self.enrolment_rows.flush(txn).await?;
        self.certificate_rows.flush(txn).await
    }
}

const OFFICER_COLUMNS: [&str; 13] = [
    "id",
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
];

const ENROLMENT_COLUMNS: [&str; 16] = [
    "id",
    "officer_id",
    "offering_id",
    "course_id",
    "status",
    "applied_at",
    "enrolled_at",
    "waitlisted_at",
    "withdrawn_at",
    "completed_on",
    "score",
    "result",
    "source",
    "version",
    "created_at",
    "updated_at",
];

const CERTIFICATE_COLUMNS: [&str; 8] =
    ["id", "enrolment_id", "code", "holder_name", "course_id", "issued_on", "status", "created_at"];

/// An enrolment's column values, and its completion day when it was completed.
struct EnrolmentRow {
    values: Vec<Value>,
    applied_at: DateTime<Utc>,
    completed_on: Option<NaiveDate>,
}

/// Builds an enrolment with timestamps that fit its offering's dates and [`AS_OF`]:
/// applications arrive while enrolment is open, decisions follow within ten days and
/// before the start, and completions fall within the offering's dates.
fn enrolment_row(
    id: i32,
    officer_id: i32,
    course_id: i32,
    offering: &Offering,
    status: Status,
    rng: &mut Rng,
) -> EnrolmentRow {
    let before_reference_day = timestamp(AS_OF, 0) - TimeDelta::seconds(1);
    let last_application_day =
        if offering.stage == Stage::Open { offering.closes.min(add_days(AS_OF, -1)) } else { offering.closes };
    let applied_at = random_time(offering.opens, last_application_day.max(offering.opens), rng);
    let decision_limit = timestamp(offering.starts, 8 * 3600).min(before_reference_day);
    let decided_at =
        (applied_at + TimeDelta::seconds(rng.between(3_600, 10 * 86_400))).min(decision_limit).max(applied_at);
    let end_of_course = timestamp(offering.ends, 18 * 3600);

    let mut enrolled_at = None;
    let mut waitlisted_at = None;
    let mut withdrawn_at = None;
    let mut completed_on = None;
    let mut score = None;
    let mut result = None;
    let updated_at = match status {
        Status::Applied => applied_at,
        Status::Enrolled => {
            enrolled_at = Some(decided_at);
            decided_at
        }
        Status::Waitlisted => {
            waitlisted_at = Some(decided_at);
            decided_at
        }
        Status::Withdrawn => {
            // Half of the withdrawals leave a seat they had, the others an application.
            let since = if rng.chance(0.5) {
                enrolled_at = Some(decided_at);
                decided_at
            } else {
                applied_at
            };
            let until = if offering.stage == Stage::Ended { end_of_course } else { before_reference_day };
            let span = (until - since).num_seconds().max(0);
            let at = since + TimeDelta::seconds(rng.between(0, span));
            withdrawn_at = Some(at);
            at
        }
        Status::Completed => {
            enrolled_at = Some(decided_at);
            let day = match offering.modality {
                // Virtual courses are self-paced, so officers finish from halfway on.
                Modality::Virtual => {
                    let halfway = add_days(offering.starts, days_between(offering.starts, offering.ends) / 2);
                    add_days(halfway, rng.between(0, days_between(halfway, offering.ends)))
                }
                Modality::OnSite | Modality::Blended => offering.ends,
            };
            completed_on = Some(day);
            score = Some(rng.between(700, 1_000) as f64 / 10.0);
            result = Some("passed");
            timestamp(day, 18 * 3600)
        }
        Status::Failed => {
            enrolled_at = Some(decided_at);
            score = Some(rng.between(300, 699) as f64 / 10.0);
            result = Some("failed");
            end_of_course
        }
    };
    let values = vec![
        id.into(),
        officer_id.into(),
        offering.id.into(),
        course_id.into(),
        status.as_db().into(),
        applied_at.into(),
        enrolled_at.into(),
        waitlisted_at.into(),
        withdrawn_at.into(),
        completed_on.into(),
        score.into(),
        result.into(),
        ENROLMENT_SOURCE.into(),
        1.into(),
        applied_at.into(),
        updated_at.into(),
    ];
    EnrolmentRow { values, applied_at, completed_on }
}

/// Distributions of the number of offerings per officer, from 1 to 10, in percent: one
/// with a mean a little above 5 and one a little below. Switching between them keeps the
/// running total on course for the scale's exact number of enrolments.
const MORE_ENROLMENTS: [u64; 10] = [8, 10, 12, 13, 13, 12, 10, 8, 7, 7];
const FEWER_ENROLMENTS: [u64; 10] = [10, 11, 12, 13, 13, 12, 10, 8, 6, 5];

/// Draws how many offerings the next officer takes, from 1 to 10, so that the
/// `remaining` enrolments can still be spread over the `officers_left` (this one
/// included) at 1 to 10 each.
fn enrolment_count(remaining: u64, officers_left: u64, rng: &mut Rng) -> u64 {
    if remaining == 0 || officers_left == 0 {
        return 0;
    }
    let lowest = remaining.saturating_sub(10 * (officers_left - 1)).max(1);
    let highest = remaining.saturating_sub(officers_left - 1).clamp(1, 10);
    let table = if remaining > 5 * officers_left { &MORE_ENROLMENTS } else { &FEWER_ENROLMENTS };
    let mut draw = rng.below(100);
    let mut count = 1;
    for (index, percent) in table.iter().enumerate() {
        if draw < *percent {
            count = index as u64 + 1;
            break;
        }
        draw -= percent;
    }
    count.max(lowest).min(highest)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn enrolment_counts_reach_the_exact_total() {
        let mut rng = Rng::new(7, 0);
        let officers = 20_000;
        let mut remaining = 100_000;
        for officer in 0..officers {
            let count = enrolment_count(remaining, officers - officer, &mut rng);
            assert!((1..=10).contains(&count), "officer {officer} got {count} enrolments");
            remaining -= count;
        }
        assert_eq!(remaining, 0);
    }
}
