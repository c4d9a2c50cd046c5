//! The synthetic catalogue: police institutions spread over the countries, courses of the
//! police network with their accreditations, and offerings from 2015 to 2027.

use chrono::NaiveDate;
use sea_orm::DatabaseTransaction;
use serde_json::{Value as Json, json};

use super::support::{Rng, Rows, add_days, days_between, timestamp};
use super::vocabulary::{LEVELS, Language, TOPICS, institution_names};
use super::{AS_OF, FIRST_DAY, LAST_DAY, NextIds, Reference, SOURCE_NOTE, Sizes, take_id};
use crate::import::convert::{all_texts, search_text};
use crate::locale::default_text;
use crate::text::fold;

/// The police institutions (the seed's and the synthetic ones), and the synthetic courses
/// and offerings.
pub(super) struct Catalogue {
    pub(super) institutions: Vec<Institution>,
    pub(super) courses: Vec<Course>,
    pub(super) offerings: Vec<Offering>,
}

/// Adds the scale's police institutions, courses with their accreditations, and
/// offerings, and returns them.
pub(super) async fn add_catalogue(
    txn: &DatabaseTransaction,
    reference: &Reference,
    ids: &mut NextIds,
    sizes: &Sizes,
    seed: u64,
) -> anyhow::Result<Catalogue> {
    let institutions = add_institutions(txn, reference, ids, sizes, seed).await?;
    let courses = add_courses(txn, reference, ids, sizes, seed).await?;
    let offerings = add_offerings(txn, reference, &institutions, &courses, ids, sizes, seed).await?;
    Ok(Catalogue { institutions, courses, offerings })
}

/// A police institution officers can belong to and offerings can take place at.
pub(super) struct Institution {
    pub(super) id: i32,
    /// Index into [`Reference::countries`].
    pub(super) country: usize,
    pub(super) synthetic: bool,
    /// Relative number of officers.
    pub(super) size: f64,
}

/// Adds synthetic police institutions until the database has the scale's total, spread
/// over the countries by their profile weights, and returns every police institution.
async fn add_institutions(
    txn: &DatabaseTransaction,
    reference: &Reference,
    ids: &mut NextIds,
    sizes: &Sizes,
    seed: u64,
) -> anyhow::Result<Vec<Institution>> {
    let mut rng = Rng::new(seed, 1);
    let mut institutions: Vec<Institution> = reference
        .institutions
        .iter()
        .map(|&(id, country)| Institution { id, country, synthetic: false, size: 8.0 })
        .collect();
    let wanted = sizes.institutions.saturating_sub(institutions.len());
    let weights: Vec<f64> = reference.countries.iter().map(|country| f64::from(country.profile.weight)).collect();
    let per_country = apportion(wanted, &weights);

    let mut rows = Rows::new("organizations", &ORGANIZATION_COLUMNS);
    let created = timestamp(AS_OF, 0);
    let sources = json!([SOURCE_NOTE]);
    for (country_index, (country, count)) in reference.countries.iter().zip(per_country).enumerate() {
        let profile = country.profile;
        for number in 1..=count {
            let id = take_id(&mut ids.organization);
            // Federations get state forces beside the municipal ones.
            let state = profile.federal && number % 3 == 1;
            let (official, english) = institution_names(profile.language, state, number);
            let english = format!("{english}, {}", country.name);
            let mut names = serde_json::Map::new();
            names.insert("en".to_owned(), Json::String(english));
            if profile.language != Language::En {
                names.insert(profile.language.code().to_owned(), Json::String(official.clone()));
            }
            let names = Json::Object(names);
            let mut search = all_texts(&names);
            search.push(official.as_str());
            let slug = format!("synthetic-{}-police-{number:03}", country.iso3.to_lowercase());
            let founded_year = 1900 + rng.below(111) as i32;
            rows.push(vec![
                id.into(),
                slug.into(),
                true.into(),
                false.into(),
                sources.clone().into(),
                search_text(search.into_iter().map(Some)).into(),
                fold(&official).into(),
                created.into(),
                created.into(),
                names.into(),
                json!({}).into(),
                "police_institution".into(),
                Some(country.id).into(),
                country.capital.clone().into(),
                founded_year.to_string().into(),
                "Synthetic police institution for benchmarks.".into(),
                Some(official).into(),
                Some(profile.language.code()).into(),
                Some(if state { "state_police" } else { "municipal_police" }).into(),
                Some(if state { "state" } else { "municipal" }).into(),
                true.into(),
                Some(founded_year).into(),
                "published".into(),
                "public".into(),
                1.into(),
            ]);
            institutions.push(Institution {
                id,
                country: country_index,
                synthetic: true,
                size: if state { 3.0 } else { 1.0 },
            });
        }
    }
    rows.flush(txn).await?;
    Ok(institutions)
}

const ORGANIZATION_COLUMNS: [&str; 25] = [
    "id",
    "slug",
    "illustrative",
    "verified",
    "sources",
    "search_text",
    "sort_name",
    "created_at",
    "updated_at",
    "names",
    "acronyms",
    "kind",
    "country_id",
    "city",
    "founded",
    "note",
    "official_name",
    "official_name_language",
    "police_kind",
    "level",
    "active",
    "founded_year",
    "editorial_status",
    "visibility",
    "version",
];

/// Splits `total` in proportion to `weights` by the largest-remainder method, so that
/// the parts add up to `total` exactly and do not depend on the seed.
fn apportion(total: usize, weights: &[f64]) -> Vec<usize> {
    let sum: f64 = weights.iter().sum();
    if sum <= 0.0 {
        return vec![0; weights.len()];
    }
    let exact: Vec<f64> = weights.iter().map(|weight| total as f64 * weight / sum).collect();
    let mut parts: Vec<usize> = exact.iter().map(|share| share.floor() as usize).collect();
    let mut by_remainder: Vec<usize> = (0..weights.len()).collect();
    by_remainder
        .sort_by(|&a, &b| (exact[b] - exact[b].floor()).total_cmp(&(exact[a] - exact[a].floor())).then(a.cmp(&b)));
    let missing = total - parts.iter().sum::<usize>();
    for &index in by_remainder.iter().take(missing) {
        parts[index] += 1;
    }
    parts
}

/// The delivery mode of a course, as stored.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Modality {
    OnSite,
    Virtual,
    Blended,
}

impl Modality {
    pub(super) fn as_db(self) -> &'static str {
        match self {
            Modality::OnSite => "on_site",
            Modality::Virtual => "virtual",
            Modality::Blended => "blended",
        }
    }
}

/// A synthetic course.
pub(super) struct Course {
    pub(super) id: i32,
    pub(super) code: String,
    pub(super) modality: Modality,
    languages: &'static [&'static str],
    /// Relative demand for the course's virtual offerings.
    pub(super) popularity: f64,
    pub(super) accreditations: u64,
}

/// Adds the scale's synthetic courses to the police network, each with one or two
/// accreditations by seed universities.
async fn add_courses(
    txn: &DatabaseTransaction,
    reference: &Reference,
    ids: &mut NextIds,
    sizes: &Sizes,
    seed: u64,
) -> anyhow::Result<Vec<Course>> {
    let mut rng = Rng::new(seed, 2);
    let mut rows = Rows::new("courses", &COURSE_COLUMNS);
    let mut accreditation_rows = Rows::new("accreditations", &["id", "course_id", "university_id", "credits", "role"]);
    let created = timestamp(AS_OF, 0);
    let sources = json!([SOURCE_NOTE]);
    let mut courses = Vec::new();
    for index in 0..sizes.courses {
        let topic = &TOPICS[(index / LEVELS.len()) % TOPICS.len()];
        let round = index / (LEVELS.len() * TOPICS.len());
        let level_index = index % LEVELS.len();
        let level = &LEVELS[level_index];
        let modality = course_modality(index / LEVELS.len(), level_index);
        let id = take_id(&mut ids.course);
        let suffix = if round > 0 { format!(" {}", round + 1) } else { String::new() };
        let titles = json!({
            "en": format!("{}: {}{suffix}", topic.en, level.en),
            "es": format!("{}: {}{suffix}", topic.es, level.es),
            "pt": format!("{}: {}{suffix}", topic.pt, level.pt),
            "fr": format!("{} : {}{suffix}", topic.fr, level.fr),
        });
        let code = if round > 0 {
            format!("SYN-{}-{}-{}", topic.code, level_index + 1, round + 1)
        } else {
            format!("SYN-{}-{}", topic.code, level_index + 1)
        };
        let languages: &'static [&'static str] =
            if index % 4 == 3 { &["es", "en", "pt", "fr"] } else { &["es", "en", "pt"] };
        let hours = match modality {
            Modality::Virtual => 20 + 4 * rng.below(11) as i32,
            Modality::Blended => 40 + 8 * rng.below(11) as i32,
            Modality::OnSite => 40 + 20 * rng.below(8) as i32,
        };
        let mut search = all_texts(&titles);
        search.push(code.as_str());
        let description = format!(
            "Synthetic {} course on {} for the benchmark data set.",
            modality.as_db().replace('_', "-"),
            topic.en.to_lowercase()
        );
        rows.push(vec![
            id.into(),
            format!("synthetic-course-{}", code.to_lowercase()).into(),
            true.into(),
            false.into(),
            sources.clone().into(),
            search_text(search.into_iter().map(Some)).into(),
            fold(&default_text(&titles)).into(),
            created.into(),
            created.into(),
            code.clone().into(),
            titles.into(),
            reference.network_id.into(),
            modality.as_db().into(),
            Some(hours).into(),
            json!(languages).into(),
            Some(level.stored).into(),
            json!([]).into(),
            json!([]).into(),
            json!([]).into(),
            json!({ "en": description }).into(),
            Some("Synthetic course for benchmarks.").into(),
            "published".into(),
            "public".into(),
            1.into(),
        ]);

        let mut accreditations = 0;
        if !reference.universities.is_empty() {
            let certifying = reference.universities[index % reference.universities.len()];
            accreditation_rows.push(vec![
                take_id(&mut ids.accreditation).into(),
                id.into(),
                certifying.into(),
                Option::<f64>::None.into(),
                "certifying".into(),
            ]);
            accreditations += 1;
            let accrediting = reference.universities[(index * 7 + 3) % reference.universities.len()];
            if level_index > 0 && accrediting != certifying {
                let credits = f64::from(2 + 2 * rng.below(4) as i32);
                accreditation_rows.push(vec![
                    take_id(&mut ids.accreditation).into(),
                    id.into(),
                    accrediting.into(),
                    Some(credits).into(),
                    "accrediting".into(),
                ]);
                accreditations += 1;
            }
        }
        // The first course is the flagship of the virtual campus, with three times the
        // demand of the others, so that one course has a deep list of enrolments.
        let popularity = if index == 0 { 3.0 } else { 0.5 + rng.unit() };
        courses.push(Course { id, code, modality, languages, popularity, accreditations });
    }
    rows.flush(txn).await?;
    accreditation_rows.flush(txn).await?;
    Ok(courses)
}

const COURSE_COLUMNS: [&str; 24] = [
    "id",
    "slug",
    "illustrative",
    "verified",
    "sources",
    "search_text",
    "sort_name",
    "created_at",
    "updated_at",
    "code",
    "titles",
    "network_id",
    "modality",
    "hours",
    "languages",
    "level",
    "prerequisites",
    "learning_outcomes",
    "modules",
    "descriptions",
    "notes",
    "editorial_status",
    "visibility",
    "version",
];

/// Returns the modality of a course: fundamentals are virtual, advanced practice is
/// virtual or blended, and the training of trainers on site or blended, alternating by topic.
fn course_modality(topic: usize, level: usize) -> Modality {
    match (level, topic % 2) {
        (0, _) | (1, 0) => Modality::Virtual,
        (2, 0) => Modality::OnSite,
        _ => Modality::Blended,
    }
}

/// The state of an offering on [`AS_OF`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Stage {
    /// Ended before that day.
    Ended,
    /// Open for enrolment or running.
    Open,
    /// Enrolment opens later.
    Upcoming,
}

/// A synthetic offering, with what the enrolment generator needs to know about it.
#[derive(Clone)]
pub(super) struct Offering {
    pub(super) id: i32,
    pub(super) course: usize,
    pub(super) modality: Modality,
    pub(super) starts: NaiveDate,
    pub(super) ends: NaiveDate,
    pub(super) opens: NaiveDate,
    pub(super) closes: NaiveDate,
    pub(super) capacity: Option<i32>,
    /// Seat-holding enrolments generated so far.
    pub(super) seats_taken: i32,
    pub(super) stage: Stage,
}

/// Adds offerings to the synthetic courses until the police network has the scale's
/// total, spread from 2015 to 2027.
async fn add_offerings(
    txn: &DatabaseTransaction,
    reference: &Reference,
    institutions: &[Institution],
    courses: &[Course],
    ids: &mut NextIds,
    sizes: &Sizes,
    seed: u64,
) -> anyhow::Result<Vec<Offering>> {
    let mut rng = Rng::new(seed, 3);
    let wanted = sizes.offerings.saturating_sub(usize::try_from(reference.network_offerings).unwrap_or_default());
    if courses.is_empty() || wanted == 0 {
        return Ok(Vec::new());
    }
    // Draw each offering's course and start, then number the editions of each course in
    // date order, so that ids follow the course and the date.
    let mut drafts = Vec::with_capacity(wanted);
    for index in 0..wanted {
        let course = index % courses.len();
        let length = match courses[course].modality {
            Modality::OnSite => 10 + rng.below(21),
            Modality::Blended => 35 + rng.below(56),
            Modality::Virtual => 28 + rng.below(43),
        };
        // One offering in twenty is open for enrolment or running on the reference day,
        // so that enrolled officers and fresh applications exist at any scale.
        let starts = if index % 20 == 0 {
            add_days(AS_OF, rng.below(111) as i64 - 20)
        } else {
            let last_start = add_days(LAST_DAY, -(length as i64));
            add_days(FIRST_DAY, rng.below(days_between(FIRST_DAY, last_start) as u64 + 1) as i64)
        };
        drafts.push((course, starts, length));
    }
    drafts.sort_by_key(|&(course, starts, _)| (course, starts));

    let mut rows = Rows::new("course_offerings", &OFFERING_COLUMNS);
    let created = timestamp(AS_OF, 0);
    let sources = json!([SOURCE_NOTE]);
    let mut offerings = Vec::with_capacity(wanted);
    let mut edition = 0;
    for (position, &(course_index, starts, length)) in drafts.iter().enumerate() {
        edition = if position > 0 && drafts[position - 1].0 == course_index { edition + 1 } else { 1 };
        let course = &courses[course_index];
        let id = take_id(&mut ids.offering);
        let ends = add_days(starts, length as i64);
        let (opens, closes) = match course.modality {
            Modality::Virtual => (add_days(starts, -180), add_days(starts, -1)),
            _ => (add_days(starts, -120), add_days(starts, -14)),
        };
        let stage = if ends < AS_OF {
            Stage::Ended
        } else if opens <= AS_OF {
            Stage::Open
        } else {
            Stage::Upcoming
        };
        let language = course.languages[rng.index(course.languages.len())];
        let slug = format!("synthetic-offering-{}-{edition:02}", course.code.to_lowercase());
        let (venue, country, city, time_zone, platform, capacity) = if course.modality == Modality::Virtual {
            (None, None, None, "UTC", Some("OAS virtual campus"), None)
        } else {
            let venue = &institutions[rng.index(institutions.len())];
            let country = &reference.countries[venue.country];
            let capacity = 20 + rng.below(21) as i32;
            (Some(venue.id), Some(country.id), country.capital.clone(), country.profile.time_zone, None, Some(capacity))
        };
        rows.push(vec![
            id.into(),
            slug.clone().into(),
            true.into(),
            false.into(),
            sources.clone().into(),
            search_text([city.as_deref(), platform, Some(slug.as_str())]).into(),
            fold(&slug).into(),
            created.into(),
            created.into(),
            course.id.into(),
            Some(edition).into(),
            course.modality.as_db().into(),
            venue.into(),
            platform.into(),
            city.into(),
            country.into(),
            Some(starts).into(),
            Some(ends).into(),
            "day".into(),
            Some(time_zone).into(),
            Some(opens).into(),
            Some(closes).into(),
            capacity.into(),
            0.into(),
            "scheduled".into(),
            Some(language).into(),
            "published".into(),
            "public".into(),
            1.into(),
        ]);
        offerings.push(Offering {
            id,
            course: course_index,
            modality: course.modality,
            starts,
            ends,
            opens,
            closes,
            capacity,
            seats_taken: 0,
            stage,
        });
    }
    rows.flush(txn).await?;
    Ok(offerings)
}

const OFFERING_COLUMNS: [&str; 29] = [
    "id",
    "slug",
    "illustrative",
    "verified",
    "sources",
    "search_text",
    "sort_name",
    "created_at",
    "updated_at",
    "course_id",
    "edition",
    "modality",
    "venue_id",
    "platform",
    "city",
    "country_id",
    "starts_on",
    "ends_on",
    "date_precision",
    "time_zone",
    "enrolment_opens_on",
    "enrolment_closes_on",
    "capacity",
    "seats_taken",
    "status",
    "language",
    "editorial_status",
    "visibility",
    "version",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn apportion_adds_up_and_follows_weights() {
        let parts = apportion(465, &[1.0, 6.0, 0.0, 18.0]);
        assert_eq!(parts.iter().sum::<usize>(), 465);
        assert_eq!(parts[2], 0);
        assert!(parts[3] > parts[1]);
        assert!(parts[1] > parts[0]);
    }
}
