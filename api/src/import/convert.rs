//! Conversion of data-set records into rows, with every field check in one place.

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, NaiveDate, Utc};
use entities::{
    countries, course_offerings, courses, events, initiatives, networks, organizations, publications,
    quality_certifications, targets, topics,
};
use sea_orm::QueryResult;
use sea_orm::sea_query::Value;
use serde_json::{Value as Json, json};

use super::records::*;
use super::{ImportError, Keys};
use crate::enums::*;
use crate::locale::{Locale, default_text};
use crate::text::fold;

/// The kinds of record that other records can reference.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Kind {
    /// A country.
    Country,
    /// A topic.
    Topic,
    /// An organization or police institution.
    Organization,
    /// A network.
    Network,
    /// A quality certification.
    Certification,
    /// A publication.
    Publication,
    /// An initiative.
    Initiative,
    /// A course.
    Course,
    /// A course offering.
    Offering,
    /// An event.
    Event,
    /// A target.
    Target,
}

impl Kind {
    /// Each kind's table, for reading the slugs already stored.
    pub const TABLES: [(Kind, &'static str); 11] = [
        (Kind::Country, "countries"),
        (Kind::Topic, "topics"),
        (Kind::Organization, "organizations"),
        (Kind::Network, "networks"),
        (Kind::Certification, "quality_certifications"),
        (Kind::Publication, "publications"),
        (Kind::Initiative, "initiatives"),
        (Kind::Course, "courses"),
        (Kind::Offering, "course_offerings"),
        (Kind::Event, "events"),
        (Kind::Target, "targets"),
    ];

    /// Returns the word for the kind in error messages.
    pub fn noun(self) -> &'static str {
        match self {
            Kind::Country => "country",
            Kind::Topic => "topic",
            Kind::Organization => "organization",
            Kind::Network => "network",
            Kind::Certification => "certification",
            Kind::Publication => "publication",
            Kind::Initiative => "initiative",
            Kind::Course => "course",
            Kind::Offering => "course offering",
            Kind::Event => "event",
            Kind::Target => "target",
        }
    }

    /// Returns the file whose records have this kind.
    pub fn file(self) -> &'static str {
        match self {
            Kind::Country => "countries.json",
            Kind::Topic => "topics.json",
            Kind::Organization => "organizations.json or police_institutions.json",
            Kind::Network => "networks.json",
            Kind::Certification => "quality_certifications.json",
            Kind::Publication => "publications.json",
            Kind::Initiative => "initiatives.json",
            Kind::Course => "courses.json",
            Kind::Offering => "course_offerings.json",
            Kind::Event => "events.json",
            Kind::Target => "targets.json",
        }
    }
}

/// A data-set record, identified by its string id.
pub trait Record {
    /// Returns the record's `id`.
    fn id(&self) -> &str;
}

macro_rules! record {
    ($($record:ty),+) => {
        $(impl Record for $record {
            fn id(&self) -> &str {
                &self.id
            }
        })+
    };
}
record!(
    CountryRecord,
    TopicRecord,
    OrganizationRecord,
    InstitutionRecord,
    NetworkRecord,
    CertificationRecord,
    PublicationRecord,
    InitiativeRecord,
    CourseRecord,
    OfferingRecord,
    EventRecord,
    TargetRecord
);

/// The record being converted, for error messages.
pub struct At<'a> {
    file: &'a str,
    record: &'a str,
}

impl At<'_> {
    /// Builds an error on one field of this record.
    pub fn error(&self, field: &str, message: impl Into<String>) -> ImportError {
        ImportError {
            file: self.file.to_owned(),
            record: self.record.to_owned(),
            field: field.to_owned(),
            message: message.into(),
        }
    }

    fn text(&self, field: &str, value: &str) -> Result<String, ImportError> {
        let trimmed = value.trim();
        if trimmed.is_empty() {
            return Err(self.error(field, "is empty; give a value or leave the field out"));
        }
        if trimmed.chars().count() > 20_000 {
            return Err(self.error(field, "is longer than 20,000 characters; shorten it"));
        }
        Ok(trimmed.to_owned())
    }

    fn opt_text(&self, field: &str, value: Option<&String>) -> Result<Option<String>, ImportError> {
        value.map(|v| self.text(field, v)).transpose()
    }

    fn texts(&self, field: &str, texts: &Texts, required: bool) -> Result<Json, ImportError> {
        let mut map = serde_json::Map::new();
        for (code, text) in texts {
            let Some(locale) = Locale::ALL.into_iter().find(|l| l.code() == code) else {
                return Err(self.error(field, format!("unknown locale \"{code}\"; use en, es, pt or fr")));
            };
            if let Some(text) = text {
                map.insert(locale.code().to_owned(), Json::String(self.text(&format!("{field}.{code}"), text)?));
            }
        }
        if required && map.is_empty() {
            return Err(self.error(field, "has no translation; give the text in at least one of en, es, pt or fr"));
        }
        Ok(Json::Object(map))
    }

    fn enumerated<T>(
        &self,
        field: &str,
        value: &str,
        parse: fn(&str) -> Option<T>,
        allowed: fn() -> String,
    ) -> Result<T, ImportError> {
        parse(value).ok_or_else(|| self.error(field, format!("unknown value \"{value}\"; use one of: {}", allowed())))
    }

    fn url(&self, field: &str, value: &str) -> Result<String, ImportError> {
        let value = value.trim();
        let valid = (value.starts_with("https://") || value.starts_with("http://"))
            && value.len() > "https://".len()
            && !value.chars().any(char::is_whitespace);
        if !valid {
            return Err(self.error(
                field,
                format!("\"{value}\" is not an http(s) URL; write the full address, such as https://www.oas.org/"),
            ));
        }
        Ok(value.to_owned())
    }

    fn sources(&self, sources: &[String]) -> Result<Json, ImportError> {
        let mut checked = Vec::with_capacity(sources.len());
        for (i, source) in sources.iter().enumerate() {
            // A source is a URL, or a plain description where no public address exists.
            let source = self.text(&format!("sources[{i}]"), source)?;
            if source.contains("://") {
                self.url(&format!("sources[{i}]"), &source)?;
            }
            checked.push(Json::String(source));
        }
        Ok(Json::Array(checked))
    }

    fn language(&self, field: &str, code: &str) -> Result<String, ImportError> {
        let valid = code.len() == 2 && code.chars().all(|c| c.is_ascii_lowercase());
        if !valid {
            return Err(self
                .error(field, format!("\"{code}\" is not an ISO 639-1 code; use two lower-case letters such as es")));
        }
        Ok(code.to_owned())
    }

    fn languages(&self, field: &str, codes: &[String]) -> Result<Json, ImportError> {
        let codes = codes.iter().map(|c| self.language(field, c).map(Json::String)).collect::<Result<Vec<_>, _>>()?;
        Ok(Json::Array(codes))
    }

    fn year(&self, field: &str, year: Option<i32>) -> Result<Option<i32>, ImportError> {
        match year {
            Some(y) if !(1800..=2100).contains(&y) => {
                Err(self.error(field, format!("{y} is not a plausible year; use a year from 1800 to 2100")))
            }
            other => Ok(other),
        }
    }

    fn count(&self, field: &str, value: Option<i32>) -> Result<Option<i32>, ImportError> {
        match value {
            Some(v) if v < 0 => Err(self.error(field, format!("{v} is negative; counts start at 0"))),
            other => Ok(other),
        }
    }

    /// Parses `YYYY`, `YYYY-MM` or `YYYY-MM-DD`, which must match `precision`.
    fn partial_date(
        &self,
        field: &str,
        value: Option<&str>,
        precision: DatePrecision,
    ) -> Result<Option<NaiveDate>, ImportError> {
        let Some(value) = value else { return Ok(None) };
        if precision == DatePrecision::Unknown {
            return Err(
                self.error(field, "has a date but the precision is unknown; set the precision to day, month or year")
            );
        }
        let (expected, text) = match precision {
            DatePrecision::Day => ("YYYY-MM-DD", value.to_owned()),
            DatePrecision::Month => ("YYYY-MM", format!("{value}-01")),
            _ => ("YYYY", format!("{value}-01-01")),
        };
        let parsed = NaiveDate::parse_from_str(&text, "%Y-%m-%d").ok().filter(|_| value.len() == expected.len());
        parsed.map(Some).ok_or_else(|| {
            self.error(field, format!("\"{value}\" is not a {precision:?}-precision date; write it as {expected}"))
        })
    }

    fn date(&self, field: &str, value: Option<&str>) -> Result<Option<NaiveDate>, ImportError> {
        self.partial_date(field, value, DatePrecision::Day)
    }

    fn precision(&self, field: &str, value: &str) -> Result<DatePrecision, ImportError> {
        self.enumerated(field, value, DatePrecision::from_db, DatePrecision::db_values)
    }

    fn range(&self, field: &str, start: Option<NaiveDate>, end: Option<NaiveDate>) -> Result<(), ImportError> {
        if let (Some(start), Some(end)) = (start, end)
            && end < start
        {
            return Err(
                self.error(field, format!("ends on {end}, before it starts on {start}; swap or correct the dates"))
            );
        }
        Ok(())
    }
}

fn at<'a>(file: &'a str, record: &'a str) -> At<'a> {
    At { file, record }
}

/// Rows with a slug and timestamps, so that an unchanged record compares equal.
pub trait Stamped {
    /// Returns the row id.
    fn row_id(&self) -> i32;
    /// Copies the id and creation time from the stored row; sets the update time to
    /// `updated`, or keeps the stored one when `None`.
    fn stamp(&mut self, stored: &Self, updated: Option<DateTime<Utc>>);
}

/// Editorial rows keep their life-cycle state when re-imported, and a changed row gets
/// the next version, so that an editor's pending update still detects the import.
/// Columns listed after `keeping` belong to other writers (such as an offering's seat
/// count, kept by enrolments) and are never overwritten by an import.
macro_rules! stamped_editorial {
    ($($module:ident $(keeping [$($kept:ident),+])?),+ $(,)?) => {
        $(impl Stamped for $module::Model {
            fn row_id(&self) -> i32 {
                self.id
            }

            fn stamp(&mut self, stored: &Self, updated: Option<DateTime<Utc>>) {
                self.id = stored.id;
                self.created_at = stored.created_at;
                self.updated_at = updated.unwrap_or(stored.updated_at);
                self.editorial_status.clone_from(&stored.editorial_status);
                self.visibility.clone_from(&stored.visibility);
                self.status_changed_at = stored.status_changed_at;
                self.published_at = stored.published_at;
                self.status_changed_by_id = stored.status_changed_by_id;
                self.version = if updated.is_some() { stored.version + 1 } else { stored.version };
                $($(self.$kept = stored.$kept;)+)?
            }
        })+
    };
}
stamped_editorial!(
    countries,
    topics,
    organizations,
    networks,
    quality_certifications,
    publications,
    initiatives,
    courses,
    course_offerings keeping [seats_taken],
    events,
    targets
);

/// Folds every given text, for the `search_text` column.
pub(crate) fn search_text<'a>(parts: impl IntoIterator<Item = Option<&'a str>>) -> String {
    parts.into_iter().flatten().map(fold).filter(|s| !s.is_empty()).collect::<Vec<_>>().join(" \u{1f} ")
}

/// Lists every translation of a locale map.
pub(crate) fn all_texts(map: &Json) -> Vec<&str> {
    map.as_object().map(|m| m.values().filter_map(Json::as_str).collect()).unwrap_or_default()
}

fn strings(values: &[String]) -> Json {
    Json::Array(values.iter().map(|v| Json::String(v.trim().to_owned())).collect())
}

/// Converts a country.
pub fn country(r: &CountryRecord, _keys: &Keys, now: DateTime<Utc>) -> Result<countries::Model, ImportError> {
    let at = at("countries.json", &r.id);
    if !(r.iso3.len() == 3 && r.iso3.chars().all(|c| c.is_ascii_uppercase())) {
        return Err(at.error(
            "iso3",
            format!("\"{}\" is not an ISO 3166-1 alpha-3 code; use three upper-case letters such as COL", r.iso3),
        ));
    }
    if !(r.iso2.len() == 2 && r.iso2.chars().all(|c| c.is_ascii_uppercase())) {
        return Err(at.error(
            "iso2",
            format!("\"{}\" is not an ISO 3166-1 alpha-2 code; use two upper-case letters such as CO", r.iso2),
        ));
    }
    let names = at.texts("names", &r.names, true)?;
    at.enumerated("region", &r.region, Region::from_db, Region::db_values)?;
    at.enumerated("oas_status", &r.oas_status, OasStatus::from_db, OasStatus::db_values)?;
    let mut search = all_texts(&names);
    search.extend([r.iso3.as_str(), r.iso2.as_str()]);
    Ok(countries::Model {
        id: 0,
        slug: r.id.clone(),
        illustrative: false,
        verified: true,
        sources: at.sources(&r.sources)?,
        search_text: search_text(search.into_iter().map(Some)),
        sort_name: fold(&default_text(&names)),
        created_at: now,
        updated_at: now,
        iso2: r.iso2.clone(),
        iso3: r.iso3.clone(),
        names,
        capital: at.opt_text("capital", r.capital.as_ref())?,
        seat_of_government: at.opt_text("seat_of_government", r.seat_of_government.as_ref())?,
        region: r.region.clone(),
        subregional_groupings: strings(&r.subregional_groupings),
        oas_member_since: at.year("oas_member_since", r.oas_member_since)?,
        oas_founding_member: r.oas_founding_member,
        oas_status: r.oas_status.clone(),
        status_note: at.opt_text("status_note", r.status_note.as_ref())?,
        status_effective_on: at.date("status_effective_date", r.status_effective_date.as_deref())?,
        editorial_status: "published".to_owned(),
        visibility: "public".to_owned(),
        version: 1,
        status_changed_at: None,
        published_at: None,
        status_changed_by_id: None,
    })
}

/// Orders topics so that every parent comes before its children; rejects cycles.
pub fn topic_order(records: &[TopicRecord]) -> Result<Vec<&TopicRecord>, ImportError> {
    let parents: HashMap<&str, Option<&str>> =
        records.iter().map(|r| (r.id.as_str(), r.parent_id.as_deref())).collect();
    parent_first(records, |r| r.id.as_str(), &parents, "topics.json")
}

/// Orders organizations so that every parent comes before its units; rejects cycles.
pub fn organization_order(records: &[OrganizationRecord]) -> Result<Vec<&OrganizationRecord>, ImportError> {
    let parents: HashMap<&str, Option<&str>> =
        records.iter().map(|r| (r.id.as_str(), r.parent_id.as_deref())).collect();
    parent_first(records, |r| r.id.as_str(), &parents, "organizations.json")
}

fn parent_first<'a, T>(
    records: &'a [T],
    id: fn(&T) -> &str,
    parents: &HashMap<&str, Option<&str>>,
    file: &str,
) -> Result<Vec<&'a T>, ImportError> {
    let depth = |start: &str| -> Result<usize, ImportError> {
        let mut depth = 0;
        let mut current = start;
        while let Some(Some(parent)) = parents.get(current) {
            depth += 1;
            if depth > parents.len() {
                return Err(
                    at(file, start).error("parent_id", "the parent chain loops back to this record; break the cycle")
                );
            }
            current = parent;
        }
        Ok(depth)
    };
    let mut ordered = records.iter().map(|r| Ok((depth(id(r))?, r))).collect::<Result<Vec<_>, ImportError>>()?;
    ordered.sort_by_key(|(depth, _)| *depth);
    Ok(ordered.into_iter().map(|(_, r)| r).collect())
}

/// Converts a topic.
pub fn topic(r: &TopicRecord, keys: &Keys, now: DateTime<Utc>) -> Result<topics::Model, ImportError> {
    let at = at("topics.json", &r.id);
    let labels = at.texts("labels", &r.labels, true)?;
    let mut search = all_texts(&labels);
    search.push(r.id.as_str());
    Ok(topics::Model {
        id: 0,
        slug: r.id.clone(),
        illustrative: false,
        verified: true,
        sources: json!([]),
        search_text: search_text(search.into_iter().map(Some)),
        sort_name: fold(&default_text(&labels)),
        created_at: now,
        updated_at: now,
        parent_id: keys.opt(Kind::Topic, r.parent_id.as_deref(), &at, "parent_id")?,
        labels,
        editorial_status: "published".to_owned(),
        visibility: "public".to_owned(),
        version: 1,
        status_changed_at: None,
        published_at: None,
        status_changed_by_id: None,
    })
}

/// Converts an organization other than a police institution.
pub fn organization(
    r: &OrganizationRecord,
    keys: &Keys,
    now: DateTime<Utc>,
) -> Result<organizations::Model, ImportError> {
    let at = at("organizations.json", &r.id);
    let kind = at.enumerated("kind", &r.kind, OrganizationKind::from_db, OrganizationKind::db_values)?;
    if kind == OrganizationKind::PoliceInstitution {
        return Err(at.error(
            "kind",
            "police institutions belong in police_institutions.json, which records their level and kind",
        ));
    }
    let names = at.texts("names", &r.names, true)?;
    let acronyms = at.texts("acronyms", &r.acronyms, false)?;
    let mut search = all_texts(&names);
    search.extend(all_texts(&acronyms));
    Ok(organizations::Model {
        id: 0,
        slug: r.id.clone(),
        illustrative: false,
        verified: true,
        sources: at.sources(&r.sources)?,
        search_text: search_text(search.into_iter().map(Some)),
        sort_name: fold(&default_text(&names)),
        created_at: now,
        updated_at: now,
        names,
        acronyms,
        kind: r.kind.clone(),
        country_id: keys.opt(Kind::Country, r.country_id.as_deref(), &at, "country_id")?,
        city: at.opt_text("city", r.city.as_ref())?,
        website: r.website.as_deref().map(|w| at.url("website", w)).transpose()?,
        parent_id: keys.opt(Kind::Organization, r.parent_id.as_deref(), &at, "parent_id")?,
        founded: at.opt_text("founded_date", r.founded_date.as_ref())?,
        note: at.opt_text("note", r.note.as_ref())?,
        official_name: None,
        official_name_language: None,
        police_kind: None,
        level: None,
        active: true,
        founded_year: None,
        latitude: None,
        longitude: None,
        editorial_status: "published".to_owned(),
        visibility: "public".to_owned(),
        version: 1,
        status_changed_at: None,
        published_at: None,
        status_changed_by_id: None,
    })
}

/// Converts a police institution into an organization of kind `police_institution`.
pub fn institution(
    r: &InstitutionRecord,
    keys: &Keys,
    now: DateTime<Utc>,
) -> Result<organizations::Model, ImportError> {
    let at = at("police_institutions.json", &r.id);
    at.enumerated("kind", &r.kind, PoliceKind::from_db, PoliceKind::db_values)?;
    at.enumerated("level", &r.level, JurisdictionLevel::from_db, JurisdictionLevel::db_values)?;
    let names = at.texts("names", &r.names, true)?;
    let official_name = at.text("official_name", &r.official_name)?;
    if let Some(latitude) = r.latitude
        && !(-90.0..=90.0).contains(&latitude)
    {
        return Err(at.error("latitude", format!("{latitude} is outside -90 to 90")));
    }
    if let Some(longitude) = r.longitude
        && !(-180.0..=180.0).contains(&longitude)
    {
        return Err(at.error("longitude", format!("{longitude} is outside -180 to 180")));
    }
    let mut sources = r.sources.clone();
    if let Some(source) = &r.founded_year_source
        && !sources.contains(source)
    {
        sources.push(source.clone());
    }
    let acronyms = match &r.acronym {
        Some(acronym) => json!({ "en": at.text("acronym", acronym)? }),
        None => json!({}),
    };
    let mut search = all_texts(&names);
    search.push(official_name.as_str());
    search.extend(r.acronym.as_deref());
    Ok(organizations::Model {
        id: 0,
        slug: r.id.clone(),
        illustrative: false,
        verified: true,
        sources: at.sources(&sources)?,
        search_text: search_text(search.into_iter().map(Some)),
        sort_name: fold(&official_name),
        created_at: now,
        updated_at: now,
        names,
        acronyms,
        kind: OrganizationKind::PoliceInstitution.as_db().to_owned(),
        country_id: Some(keys.id(Kind::Country, &r.country_id, &at, "country_id")?),
        city: None,
        website: r.website.as_deref().map(|w| at.url("website", w)).transpose()?,
        parent_id: None,
        founded: r.founded_year.map(|y| y.to_string()),
        note: at.opt_text("note", r.note.as_ref())?,
        official_name_language: Some(at.language("official_name_language", &r.official_name_language)?),
        official_name: Some(official_name),
        police_kind: Some(r.kind.clone()),
        level: Some(r.level.clone()),
        active: r.active,
        founded_year: at.year("founded_year", r.founded_year)?,
        latitude: r.latitude,
        longitude: r.longitude,
        editorial_status: "published".to_owned(),
        visibility: "public".to_owned(),
        version: 1,
        status_changed_at: None,
        published_at: None,
        status_changed_by_id: None,
    })
}

/// Converts a network; facts without a typed column go to `details`.
pub fn network(r: &NetworkRecord, keys: &Keys, now: DateTime<Utc>) -> Result<networks::Model, ImportError> {
    let at = at("networks.json", &r.id);
    let names = at.texts("names", &r.names, true)?;
    let short_names = at.texts("short_names", &r.short_names, false)?;
    let mut pillars: Vec<(i64, String)> = Vec::new();
    for (i, pillar) in r.pillars.iter().enumerate() {
        let name = pillar
            .get("name")
            .and_then(Json::as_str)
            .ok_or_else(|| at.error(&format!("pillars[{i}].name"), "is missing; give each pillar a name"))?;
        let order = pillar.get("order").and_then(Json::as_i64).unwrap_or(i64::try_from(i).unwrap_or_default());
        pillars.push((order, name.to_owned()));
    }
    pillars.sort();
    let mut search = all_texts(&names);
    search.extend(all_texts(&short_names));
    search.extend(r.acronym.as_deref());
    Ok(networks::Model {
        id: 0,
        slug: r.id.clone(),
        illustrative: false,
        verified: true,
        sources: at.sources(&r.sources)?,
        search_text: search_text(search.into_iter().map(Some)),
        sort_name: fold(&default_text(&names)),
        created_at: now,
        updated_at: now,
        acronym: at.opt_text("acronym", r.acronym.as_ref())?,
        names,
        short_names,
        coordinating_organization_id: keys.opt(
            Kind::Organization,
            r.coordinating_org_id.as_deref(),
            &at,
            "coordinating_org_id",
        )?,
        founded_year: at.year("founded_year", r.founded_year)?,
        launched_on: at.date("official_launch_date", r.official_launch_date.as_deref())?,
        launch_date_verified: r.official_launch_date_verified,
        website: r.website.as_deref().map(|w| at.url("website", w)).transpose()?,
        summaries: at.texts("summaries", &r.summaries, false)?,
        activities: strings(&r.activities),
        pillars: Json::Array(pillars.into_iter().map(|(_, name)| Json::String(name)).collect()),
        legal_basis: Json::Array(r.legal_basis.clone()),
        reported_results: Json::Array(r.reported_results.clone()),
        unverified_claims: strings(&r.unverified_claims),
        details: Json::Object(r.details.iter().map(|(k, v)| (k.clone(), v.clone())).collect()),
        notes: at.opt_text("notes", r.notes.as_ref())?,
        editorial_status: "published".to_owned(),
        visibility: "public".to_owned(),
        version: 1,
        status_changed_at: None,
        published_at: None,
        status_changed_by_id: None,
    })
}

/// Converts a quality certification.
pub fn certification(
    r: &CertificationRecord,
    keys: &Keys,
    now: DateTime<Utc>,
) -> Result<quality_certifications::Model, ImportError> {
    let at = at("quality_certifications.json", &r.id);
    at.enumerated("status", &r.status, CertificationStatus::from_db, CertificationStatus::db_values)?;
    let issued_precision = at.precision("issued_precision", &r.issued_precision)?;
    let expires_precision = at.precision("expires_precision", &r.expires_precision)?;
    let issued_on = at.partial_date("issued", r.issued.as_deref(), issued_precision)?;
    let expires_on = at.partial_date("expires", r.expires.as_deref(), expires_precision)?;
    at.range("expires", issued_on, expires_on)?;
    let standard = at.text("standard", &r.standard)?;
    let body_name = at.opt_text("certifying_body_name", r.certifying_body_name.as_ref())?;
    Ok(quality_certifications::Model {
        id: 0,
        slug: r.id.clone(),
        illustrative: false,
        verified: r.verified,
        sources: at.sources(&r.sources)?,
        search_text: search_text([Some(standard.as_str()), r.scope.as_deref(), body_name.as_deref()]),
        sort_name: fold(&format!("{} {}", standard, r.id)),
        created_at: now,
        updated_at: now,
        institution_id: keys.id(Kind::Organization, &r.institution_id, &at, "institution_id")?,
        standard,
        scope: at.opt_text("scope", r.scope.as_ref())?,
        certifying_body_id: keys.opt(Kind::Organization, r.certifying_body_id.as_deref(), &at, "certifying_body_id")?,
        certifying_body_name: body_name,
        issued_on,
        issued_precision: r.issued_precision.clone(),
        expires_on,
        expires_precision: r.expires_precision.clone(),
        status: r.status.clone(),
        status_note: at.opt_text("status_note", r.status_note.as_ref())?,
        network_id: keys.opt(Kind::Network, r.network_id.as_deref(), &at, "network_id")?,
        note: at.opt_text("note", r.note.as_ref())?,
        editorial_status: "published".to_owned(),
        visibility: "public".to_owned(),
        version: 1,
        status_changed_at: None,
        published_at: None,
        status_changed_by_id: None,
    })
}

/// A record's rows in one link table.
pub struct Links {
    /// The link table.
    pub table: &'static str,
    /// The column holding the record's id.
    pub left_column: &'static str,
    /// The column holding the linked ids.
    pub right_column: &'static str,
    /// The role of these links, for tables with a role column.
    pub role: Option<&'static str>,
    /// The linked row ids.
    pub right_ids: Vec<i32>,
}

fn ids(keys: &Keys, kind: Kind, values: &[String], at: &At<'_>, field: &str) -> Result<Vec<i32>, ImportError> {
    values.iter().enumerate().map(|(i, key)| keys.id(kind, key, at, &format!("{field}[{i}]"))).collect()
}

/// Converts a publication.
pub fn publication(r: &PublicationRecord, keys: &Keys, now: DateTime<Utc>) -> Result<publications::Model, ImportError> {
    let at = at("publications.json", &r.id);
    at.enumerated("kind", &r.kind, PublicationKind::from_db, PublicationKind::db_values)?;
    let titles = at.texts("titles", &r.titles, true)?;
    let abstracts = at.texts("abstracts", &r.abstracts, false)?;
    let mut links = Vec::new();
    for (i, link) in r.links.iter().enumerate() {
        let language = link.language.as_deref().map(|l| at.language(&format!("links[{i}].language"), l)).transpose()?;
        links.push(json!({ "language": language, "url": at.url(&format!("links[{i}].url"), &link.url)? }));
    }
    const SCHEMES: [&str; 6] = ["doi", "isbn", "sales_number", "document_symbol", "report_number", "document_number"];
    let mut identifiers = serde_json::Map::new();
    for (scheme, value) in &r.identifiers {
        if !SCHEMES.contains(&scheme.as_str()) {
            return Err(at.error(
                "identifiers",
                format!("unknown identifier scheme \"{scheme}\"; use one of: {}", SCHEMES.join(", ")),
            ));
        }
        identifiers.insert(scheme.clone(), Json::String(at.text(&format!("identifiers.{scheme}"), value)?));
    }
    let mut search = all_texts(&titles);
    search.extend([r.publisher_name.as_deref(), r.series.as_deref()].into_iter().flatten());
    Ok(publications::Model {
        id: 0,
        slug: r.id.clone(),
        illustrative: false,
        verified: true,
        sources: at.sources(&r.sources)?,
        search_text: search_text(search.into_iter().map(Some)),
        sort_name: fold(&default_text(&titles)),
        created_at: now,
        updated_at: now,
        original_language: at.language("original_language", &r.original_language)?,
        titles,
        kind: r.kind.clone(),
        publisher_id: keys.opt(Kind::Organization, r.publisher_id.as_deref(), &at, "publisher_id")?,
        publisher_name: at.opt_text("publisher_name", r.publisher_name.as_ref())?,
        published_year: at.year("year", r.year)?,
        languages: at.languages("languages", &r.languages)?,
        links: Json::Array(links),
        identifiers: Json::Object(identifiers),
        series: at.opt_text("series", r.series.as_ref())?,
        edition: at.opt_text("edition", r.edition.as_ref())?,
        citation: at.opt_text("citation", r.citation.as_ref())?,
        license: at.opt_text("license", r.license.as_ref())?,
        abstracts,
        notes: at.opt_text("notes", r.notes.as_ref())?,
        editorial_status: "published".to_owned(),
        visibility: "public".to_owned(),
        version: 1,
        status_changed_at: None,
        published_at: None,
        status_changed_by_id: None,
        network_id: keys.opt(Kind::Network, r.network_id.as_deref(), &at, "network_id")?,
    })
}

/// Lists a publication's link rows.
pub fn publication_links(r: &PublicationRecord, keys: &Keys) -> Result<Vec<Links>, ImportError> {
    let at = at("publications.json", &r.id);
    Ok(vec![
        Links {
            table: "publication_topics",
            left_column: "publication_id",
            right_column: "topic_id",
            role: None,
            right_ids: ids(keys, Kind::Topic, &r.topic_ids, &at, "topic_ids")?,
        },
        Links {
            table: "publication_countries",
            left_column: "publication_id",
            right_column: "country_id",
            role: None,
            right_ids: ids(keys, Kind::Country, &r.country_ids, &at, "country_ids")?,
        },
        Links {
            table: "publication_organizations",
            left_column: "publication_id",
            right_column: "organization_id",
            role: Some("co_publisher"),
            right_ids: ids(keys, Kind::Organization, &r.co_publisher_ids, &at, "co_publisher_ids")?,
        },
        Links {
            table: "publication_organizations",
            left_column: "publication_id",
            right_column: "organization_id",
            role: Some("related"),
            right_ids: ids(keys, Kind::Organization, &r.related_org_ids, &at, "related_org_ids")?,
        },
        Links {
            table: "publication_initiatives",
            left_column: "publication_id",
            right_column: "initiative_id",
            role: None,
            right_ids: ids(keys, Kind::Initiative, &r.related_initiative_ids, &at, "related_initiative_ids")?,
        },
    ])
}

/// Converts an initiative.
pub fn initiative(r: &InitiativeRecord, keys: &Keys, now: DateTime<Utc>) -> Result<initiatives::Model, ImportError> {
    let at = at("initiatives.json", &r.id);
    at.enumerated("kind", &r.kind, InitiativeKind::from_db, InitiativeKind::db_values)?;
    let names = at.texts("names", &r.names, true)?;
    let start_year = at.year("start_year", r.start_year)?;
    let end_year = at.year("end_year", r.end_year)?;
    if let (Some(start), Some(end)) = (start_year, end_year)
        && end < start
    {
        return Err(at.error("end_year", format!("{end} is before start_year {start}; correct one of them")));
    }
    if r.evidence.is_empty() {
        return Err(at.error(
            "evidence",
            "is empty; give at least one rating, with level not_evaluated when no evaluation is known",
        ));
    }
    let summaries = at.texts("summaries", &r.summaries, false)?;
    let mut search = all_texts(&names);
    search.extend(
        [r.official_name.as_deref(), r.jurisdiction.as_deref(), r.implementing_organization_name.as_deref()]
            .into_iter()
            .flatten(),
    );
    Ok(initiatives::Model {
        id: 0,
        slug: r.id.clone(),
        illustrative: false,
        verified: true,
        sources: at.sources(&r.sources)?,
        search_text: search_text(search.into_iter().map(Some)),
        sort_name: fold(&default_text(&names)),
        created_at: now,
        updated_at: now,
        names,
        official_name: at.opt_text("official_name", r.official_name.as_ref())?,
        original_language: at.language("original_language", &r.original_language)?,
        kind: r.kind.clone(),
        international: r.international,
        jurisdiction: at.opt_text("jurisdiction", r.jurisdiction.as_ref())?,
        start_year,
        end_year,
        implementing_organization_name: at
            .opt_text("implementing_organization_name", r.implementing_organization_name.as_ref())?,
        target_populations: at.texts("target_populations", &r.target_populations, false)?,
        summaries,
        legal_basis: at.opt_text("legal_basis", r.legal_basis.as_ref())?,
        network_id: keys.opt(Kind::Network, r.network_id.as_deref(), &at, "network_id")?,
        notes: at.opt_text("notes", r.notes.as_ref())?,
        editorial_status: "published".to_owned(),
        visibility: "public".to_owned(),
        version: 1,
        status_changed_at: None,
        published_at: None,
        status_changed_by_id: None,
    })
}

/// Lists an initiative's link rows.
pub fn initiative_links(r: &InitiativeRecord, keys: &Keys) -> Result<Vec<Links>, ImportError> {
    let at = at("initiatives.json", &r.id);
    // A record appears once in each list of its parent, so a country or organization
    // takes one role per initiative.
    if let Some(twice) = r.country_ids.iter().find(|id| r.participating_country_ids.contains(id)) {
        return Err(at.error(
            "participating_country_ids",
            format!("\"{twice}\" is also in country_ids; list each country under one role"),
        ));
    }
    let mut seen_organizations = std::collections::BTreeSet::new();
    for (i, link) in r.organizations.iter().enumerate() {
        if !seen_organizations.insert(link.organization_id.as_str()) {
            return Err(at.error(
                &format!("organizations[{i}].organization_id"),
                format!("\"{}\" is listed twice; give each organization one role", link.organization_id),
            ));
        }
    }
    let mut by_role: BTreeMap<&'static str, Vec<i32>> =
        BTreeMap::from([("implementing", Vec::new()), ("partner", Vec::new())]);
    for (i, link) in r.organizations.iter().enumerate() {
        let role = at.enumerated(
            &format!("organizations[{i}].role"),
            &link.role,
            InitiativeRole::from_db,
            InitiativeRole::db_values,
        )?;
        let id =
            keys.id(Kind::Organization, &link.organization_id, &at, &format!("organizations[{i}].organization_id"))?;
        by_role.entry(role.as_db()).or_default().push(id);
    }
    let mut links = vec![
        Links {
            table: "initiative_topics",
            left_column: "initiative_id",
            right_column: "topic_id",
            role: None,
            right_ids: ids(keys, Kind::Topic, &r.topic_ids, &at, "topic_ids")?,
        },
        Links {
            table: "initiative_countries",
            left_column: "initiative_id",
            right_column: "country_id",
            role: Some("implementing"),
            right_ids: ids(keys, Kind::Country, &r.country_ids, &at, "country_ids")?,
        },
        Links {
            table: "initiative_countries",
            left_column: "initiative_id",
            right_column: "country_id",
            role: Some("participating"),
            right_ids: ids(keys, Kind::Country, &r.participating_country_ids, &at, "participating_country_ids")?,
        },
    ];
    for (role, right_ids) in by_role {
        links.push(Links {
            table: "initiative_organizations",
            left_column: "initiative_id",
            right_column: "organization_id",
            role: Some(role),
            right_ids,
        });
    }
    Ok(links)
}

/// A child row as column-value pairs, in insert order.
pub type ChildRow = Vec<(&'static str, Value)>;

/// Converts an initiative's evidence ratings into rows of `evidence_ratings`.
pub fn evidence(r: &InitiativeRecord, initiative_id: i32) -> Result<Vec<ChildRow>, ImportError> {
    let at = at("initiatives.json", &r.id);
    let mut rows = Vec::new();
    for (i, e) in r.evidence.iter().enumerate() {
        let field = |name: &str| format!("evidence[{i}].{name}");
        at.enumerated(&field("level"), &e.level, EvidenceLevel::from_db, EvidenceLevel::db_values)?;
        let precision = match e.reviewed.as_deref().map(str::len) {
            Some(10) => DatePrecision::Day,
            Some(7) => DatePrecision::Month,
            Some(_) => DatePrecision::Year,
            None => DatePrecision::Unknown,
        };
        let reviewed = at.partial_date(&field("reviewed"), e.reviewed.as_deref(), precision)?;
        let source_url = e.source_url.as_deref().map(|u| at.url(&field("source_url"), u)).transpose()?;
        rows.push(vec![
            ("initiative_id", Value::Int(Some(initiative_id))),
            ("position", Value::Int(Some(i32::try_from(i).unwrap_or(i32::MAX)))),
            ("outcome", Value::String(at.opt_text(&field("outcome"), e.outcome.as_ref())?)),
            ("registry", Value::String(at.opt_text(&field("registry"), e.registry.as_ref())?)),
            ("rating_as_stated", Value::String(at.opt_text(&field("rating_as_stated"), e.rating_as_stated.as_ref())?)),
            ("level", Value::String(Some(e.level.clone()))),
            ("study_count", Value::Int(at.count(&field("study_count"), e.study_count)?)),
            ("reviewed_on", Value::ChronoDate(reviewed)),
            ("reviewed_precision", Value::String(Some(precision.as_db().to_owned()))),
            ("method", Value::String(at.opt_text(&field("method"), e.method.as_ref())?)),
            ("basis", Value::String(at.opt_text(&field("basis"), e.basis.as_ref())?)),
            ("source_url", Value::String(source_url)),
        ]);
    }
    Ok(rows)
}

/// Reads a stored child row with the same columns and types as `template`.
pub fn read_child(row: &QueryResult, template: &ChildRow) -> Result<ChildRow, sea_orm::DbErr> {
    template
        .iter()
        .map(|(column, value)| {
            let read = match value {
                Value::Int(_) => Value::Int(row.try_get::<Option<i32>>("", column)?),
                Value::Double(_) => Value::Double(row.try_get::<Option<f64>>("", column)?),
                Value::ChronoDate(_) => Value::ChronoDate(row.try_get::<Option<NaiveDate>>("", column)?),
                _ => Value::String(row.try_get::<Option<String>>("", column)?),
            };
            Ok((*column, read))
        })
        .collect()
}

/// Converts a course.
pub fn course(r: &CourseRecord, keys: &Keys, now: DateTime<Utc>) -> Result<courses::Model, ImportError> {
    let at = at("courses.json", &r.id);
    at.enumerated("modality", &r.modality, Modality::from_db, Modality::db_values)?;
    let code = at.text("code", &r.code)?;
    if code.len() > 40 || !code.chars().all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '-') {
        return Err(at.error(
            "code",
            format!("\"{code}\" is not a catalogue code; use up to 40 upper-case letters, digits and hyphens"),
        ));
    }
    let titles = at.texts("titles", &r.titles, true)?;
    if let Some(hours) = r.hours
        && !(1..=5000).contains(&hours)
    {
        return Err(at.error("hours", format!("{hours} is not a plausible number of class hours; use 1 to 5000")));
    }
    let descriptions = at.texts("descriptions", &r.descriptions, false)?;
    let mut search = all_texts(&titles);
    search.push(code.as_str());
    Ok(courses::Model {
        id: 0,
        slug: r.id.clone(),
        illustrative: r.illustrative,
        verified: true,
        sources: at.sources(&r.sources)?,
        search_text: search_text(search.into_iter().map(Some)),
        sort_name: fold(&default_text(&titles)),
        created_at: now,
        updated_at: now,
        code,
        titles,
        network_id: keys.id(Kind::Network, &r.network_id, &at, "network_id")?,
        modality: r.modality.clone(),
        hours: r.hours,
        duration_note: at.opt_text("duration_note", r.duration_note.as_ref())?,
        languages: at.languages("languages", &r.languages)?,
        language_note: at.opt_text("language_note", r.language_note.as_ref())?,
        level: at.opt_text("level", r.level.as_ref())?,
        prerequisites: strings(&r.prerequisites),
        learning_outcomes: strings(&r.learning_outcomes),
        modules: strings(&r.modules),
        descriptions,
        funded_by_id: keys.opt(Kind::Organization, r.funded_by_id.as_deref(), &at, "funded_by_id")?,
        delivery_note: at.opt_text("delivery_note", r.delivery_note.as_ref())?,
        notes: at.opt_text("notes", r.notes.as_ref())?,
        editorial_status: "published".to_owned(),
        visibility: "public".to_owned(),
        version: 1,
        status_changed_at: None,
        published_at: None,
        status_changed_by_id: None,
    })
}

/// Lists a course's link rows.
pub fn course_links(r: &CourseRecord, keys: &Keys) -> Result<Vec<Links>, ImportError> {
    let at = at("courses.json", &r.id);
    Ok(vec![Links {
        table: "course_topics",
        left_column: "course_id",
        right_column: "topic_id",
        role: None,
        right_ids: ids(keys, Kind::Topic, &r.topic_ids, &at, "topic_ids")?,
    }])
}

/// Converts a course's accreditations into rows of `accreditations`.
pub fn accreditations(r: &CourseRecord, keys: &Keys, course_id: i32) -> Result<Vec<ChildRow>, ImportError> {
    let at = at("courses.json", &r.id);
    let mut rows = Vec::new();
    for (i, a) in r.accreditations.iter().enumerate() {
        at.enumerated(
            &format!("accreditations[{i}].role"),
            &a.role,
            AccreditationRole::from_db,
            AccreditationRole::db_values,
        )?;
        if let Some(credits) = a.credits
            && !(0.0..=1000.0).contains(&credits)
        {
            return Err(at.error(&format!("accreditations[{i}].credits"), format!("{credits} is outside 0 to 1000")));
        }
        rows.push(vec![
            ("course_id", Value::Int(Some(course_id))),
            (
                "university_id",
                Value::Int(Some(keys.id(
                    Kind::Organization,
                    &a.university_id,
                    &at,
                    &format!("accreditations[{i}].university_id"),
                )?)),
            ),
            ("credits", Value::Double(a.credits)),
            ("role", Value::String(Some(a.role.clone()))),
        ]);
    }
    Ok(rows)
}

/// Converts a course offering.
pub fn offering(r: &OfferingRecord, keys: &Keys, now: DateTime<Utc>) -> Result<course_offerings::Model, ImportError> {
    let at = at("course_offerings.json", &r.id);
    at.enumerated("modality", &r.modality, Modality::from_db, Modality::db_values)?;
    at.enumerated("status", &r.status, OfferingStatus::from_db, OfferingStatus::db_values)?;
    let precision = at.precision("date_precision", &r.date_precision)?;
    let starts_on = at.partial_date("start", r.start.as_deref(), precision)?;
    let ends_on = at.partial_date("end", r.end.as_deref(), precision)?;
    at.range("end", starts_on, ends_on)?;
    let opens = at.date("enrolment_opens", r.enrolment_opens.as_deref())?;
    let closes = at.date("enrolment_closes", r.enrolment_closes.as_deref())?;
    at.range("enrolment_closes", opens, closes)?;
    if let Some(zone) = &r.time_zone
        && !(zone == "UTC" || zone.split('/').count() >= 2 && !zone.contains(char::is_whitespace))
    {
        return Err(at.error(
            "time_zone",
            format!("\"{zone}\" is not an IANA time zone; use a name such as America/Bogota or UTC"),
        ));
    }
    Ok(course_offerings::Model {
        id: 0,
        slug: r.id.clone(),
        illustrative: r.illustrative,
        verified: true,
        sources: at.sources(&r.sources)?,
        search_text: search_text([r.city.as_deref(), r.platform.as_deref(), Some(r.id.as_str())]),
        sort_name: fold(&r.id),
        created_at: now,
        updated_at: now,
        course_id: keys.id(Kind::Course, &r.course_id, &at, "course_id")?,
        edition: r.edition,
        modality: r.modality.clone(),
        venue_id: keys.opt(Kind::Organization, r.venue_id.as_deref(), &at, "venue_id")?,
        platform: at.opt_text("platform", r.platform.as_ref())?,
        city: at.opt_text("city", r.city.as_ref())?,
        country_id: keys.opt(Kind::Country, r.country_id.as_deref(), &at, "country_id")?,
        starts_on,
        ends_on,
        date_precision: r.date_precision.clone(),
        time_zone: r.time_zone.clone(),
        enrolment_opens_on: opens,
        enrolment_closes_on: closes,
        capacity: at.count("capacity", r.capacity)?,
        seats_taken: 0,
        status: r.status.clone(),
        language: r.language.as_deref().map(|l| at.language("language", l)).transpose()?,
        participating_member_states: at.count("participating_member_states", r.participating_member_states)?,
        participants: at.count("participants", r.participants)?,
        funded_by: at.opt_text("funded_by", r.funded_by.as_ref())?,
        notes: at.opt_text("notes", r.notes.as_ref())?,
        editorial_status: "published".to_owned(),
        visibility: "public".to_owned(),
        version: 1,
        status_changed_at: None,
        published_at: None,
        status_changed_by_id: None,
    })
}

/// Lists an offering's link rows.
pub fn offering_links(r: &OfferingRecord, keys: &Keys) -> Result<Vec<Links>, ImportError> {
    let at = at("course_offerings.json", &r.id);
    Ok(vec![
        Links {
            table: "offering_organizations",
            left_column: "offering_id",
            right_column: "organization_id",
            role: Some("academic_partner"),
            right_ids: ids(keys, Kind::Organization, &r.academic_partner_ids, &at, "academic_partner_ids")?,
        },
        Links {
            table: "offering_organizations",
            left_column: "offering_id",
            right_column: "organization_id",
            role: Some("participating_institution"),
            right_ids: ids(
                keys,
                Kind::Organization,
                &r.participating_institution_ids,
                &at,
                "participating_institution_ids",
            )?,
        },
    ])
}

/// Converts an event.
pub fn event(r: &EventRecord, keys: &Keys, now: DateTime<Utc>) -> Result<events::Model, ImportError> {
    let at = at("events.json", &r.id);
    at.enumerated("kind", &r.kind, EventKind::from_db, EventKind::db_values)?;
    at.enumerated("status", &r.status, EventStatus::from_db, EventStatus::db_values)?;
    let precision = at.precision("date_precision", &r.date_precision)?;
    let starts_on = at.partial_date("start", r.start.as_deref(), precision)?;
    let ends_on = at.partial_date("end", r.end.as_deref(), precision)?;
    at.range("end", starts_on, ends_on)?;
    let names = at.texts("names", &r.names, true)?;
    let mut search = all_texts(&names);
    search.extend(r.city.as_deref());
    Ok(events::Model {
        id: 0,
        slug: r.id.clone(),
        illustrative: false,
        verified: r.verified,
        sources: at.sources(&r.sources)?,
        search_text: search_text(search.into_iter().map(Some)),
        sort_name: fold(&default_text(&names)),
        created_at: now,
        updated_at: now,
        names,
        kind: r.kind.clone(),
        starts_on,
        ends_on,
        date_precision: r.date_precision.clone(),
        city: at.opt_text("city", r.city.as_ref())?,
        country_id: keys.opt(Kind::Country, r.country_id.as_deref(), &at, "country_id")?,
        status: r.status.clone(),
        summaries: at.texts("summaries", &r.summaries, false)?,
        offering_id: keys.opt(Kind::Offering, r.offering_id.as_deref(), &at, "offering_id")?,
        editorial_status: "published".to_owned(),
        visibility: "public".to_owned(),
        version: 1,
        status_changed_at: None,
        published_at: None,
        status_changed_by_id: None,
    })
}

/// Lists an event's link rows.
pub fn event_links(r: &EventRecord, keys: &Keys) -> Result<Vec<Links>, ImportError> {
    let at = at("events.json", &r.id);
    Ok(vec![
        Links {
            table: "event_organizations",
            left_column: "event_id",
            right_column: "organization_id",
            role: None,
            right_ids: ids(keys, Kind::Organization, &r.host_ids, &at, "host_ids")?,
        },
        Links {
            table: "event_networks",
            left_column: "event_id",
            right_column: "network_id",
            role: None,
            right_ids: ids(keys, Kind::Network, &r.network_ids, &at, "network_ids")?,
        },
    ])
}

/// Converts a target.
pub fn target(r: &TargetRecord, keys: &Keys, now: DateTime<Utc>) -> Result<targets::Model, ImportError> {
    let at = at("targets.json", &r.id);
    if let Some(modality) = &r.modality {
        at.enumerated("modality", modality, Modality::from_db, Modality::db_values)?;
    }
    if r.target_value <= 0 {
        return Err(at.error("target_value", format!("{} is not positive; a target counts at least 1", r.target_value)));
    }
    let metrics = at.texts("metrics", &r.metrics, true)?;
    Ok(targets::Model {
        id: 0,
        slug: r.id.clone(),
        illustrative: false,
        verified: r.verified,
        sources: at.sources(&r.sources)?,
        search_text: search_text(all_texts(&metrics).into_iter().map(Some)),
        sort_name: fold(&default_text(&metrics)),
        created_at: now,
        updated_at: now,
        network_id: keys.id(Kind::Network, &r.network_id, &at, "network_id")?,
        metrics,
        modality: r.modality.clone(),
        target_value: r.target_value,
        unit: at.text("unit", &r.unit)?,
        timeframe: at.opt_text("timeframe", r.timeframe.as_ref())?,
        source_type: at.opt_text("source_type", r.source_type.as_ref())?,
        notes: at.opt_text("notes", r.notes.as_ref())?,
        editorial_status: "published".to_owned(),
        visibility: "public".to_owned(),
        version: 1,
        status_changed_at: None,
        published_at: None,
        status_changed_by_id: None,
    })
}
