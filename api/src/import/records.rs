//! The data-set file format: one JSON array per kind, records linked by string ids.
//!
//! Unknown fields are rejected so that a misspelt field never drops data silently; the
//! networks file is the exception, because its extra facts are kept whole in `details`.

#![allow(missing_docs, reason = "record fields are the data-set fields, named as in the JSON files")]

use std::collections::BTreeMap;

use serde::Deserialize;
use serde_json::Value;

/// A text per locale code; `null` entries mean "no translation known".
pub type Texts = BTreeMap<String, Option<String>>;

/// A record of `countries.json`.
#[derive(Deserialize, Debug)]
#[serde(deny_unknown_fields)]
pub struct CountryRecord {
    pub id: String,
    pub iso3: String,
    pub iso2: String,
    pub names: Texts,
    pub capital: Option<String>,
    pub seat_of_government: Option<String>,
    pub region: String,
    #[serde(default)]
    pub subregional_groupings: Vec<String>,
    pub oas_member_since: Option<i32>,
    pub oas_founding_member: bool,
    pub oas_status: String,
    pub status_note: Option<String>,
    pub status_effective_date: Option<String>,
    pub sources: Vec<String>,
}

/// A record of `topics.json`.
#[derive(Deserialize, Debug)]
#[serde(deny_unknown_fields)]
pub struct TopicRecord {
    pub id: String,
    pub labels: Texts,
    pub parent_id: Option<String>,
}

/// A record of `networks.json`.
#[derive(Deserialize, Debug)]
pub struct NetworkRecord {
    pub id: String,
    pub acronym: Option<String>,
    pub names: Texts,
    #[serde(default)]
    pub short_names: Texts,
    pub coordinating_org_id: Option<String>,
    pub founded_year: Option<i32>,
    pub official_launch_date: Option<String>,
    #[serde(default)]
    pub official_launch_date_verified: bool,
    pub website: Option<String>,
    #[serde(default)]
    pub summaries: Texts,
    #[serde(default)]
    pub activities: Vec<String>,
    #[serde(default)]
    pub pillars: Vec<Value>,
    #[serde(default)]
    pub legal_basis: Vec<Value>,
    #[serde(default)]
    pub reported_results: Vec<Value>,
    #[serde(default)]
    pub unverified_claims: Vec<String>,
    pub notes: Option<String>,
    pub sources: Vec<String>,
    /// Every other field, kept as published facts without a typed shape.
    #[serde(flatten)]
    pub details: BTreeMap<String, Value>,
}

/// A record of `organizations.json`.
#[derive(Deserialize, Debug)]
#[serde(deny_unknown_fields)]
pub struct OrganizationRecord {
    pub id: String,
    pub names: Texts,
    #[serde(default)]
    pub acronyms: Texts,
    pub kind: String,
    pub country_id: Option<String>,
    pub city: Option<String>,
    pub website: Option<String>,
    pub parent_id: Option<String>,
    pub founded_date: Option<String>,
    pub note: Option<String>,
    pub sources: Vec<String>,
}

/// A record of `police_institutions.json`.
#[derive(Deserialize, Debug)]
#[serde(deny_unknown_fields)]
pub struct InstitutionRecord {
    pub id: String,
    pub official_name: String,
    pub official_name_language: String,
    pub names: Texts,
    pub acronym: Option<String>,
    pub country_id: String,
    pub kind: String,
    pub level: String,
    pub active: bool,
    pub founded_year: Option<i32>,
    pub founded_year_source: Option<String>,
    pub website: Option<String>,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
    pub note: Option<String>,
    pub sources: Vec<String>,
}

/// A record of `quality_certifications.json`.
#[derive(Deserialize, Debug)]
#[serde(deny_unknown_fields)]
pub struct CertificationRecord {
    pub id: String,
    pub institution_id: String,
    pub standard: String,
    pub scope: Option<String>,
    pub certifying_body_id: Option<String>,
    pub certifying_body_name: Option<String>,
    pub issued: Option<String>,
    pub issued_precision: String,
    pub expires: Option<String>,
    pub expires_precision: String,
    pub status: String,
    pub status_note: Option<String>,
    pub network_id: Option<String>,
    pub verified: bool,
    pub note: Option<String>,
    pub sources: Vec<String>,
}

/// A file or page of a publication in one language.
#[derive(Deserialize, Debug)]
#[serde(deny_unknown_fields)]
pub struct LinkRecord {
    pub language: Option<String>,
    pub url: String,
}

/// A record of `publications.json`.
#[derive(Deserialize, Debug)]
#[serde(deny_unknown_fields)]
pub struct PublicationRecord {
    pub id: String,
    pub titles: Texts,
    pub original_language: String,
    pub kind: String,
    pub publisher_name: Option<String>,
    pub publisher_id: Option<String>,
    #[serde(default)]
    pub co_publisher_ids: Vec<String>,
    pub year: Option<i32>,
    #[serde(default)]
    pub languages: Vec<String>,
    #[serde(default)]
    pub topic_ids: Vec<String>,
    #[serde(default)]
    pub country_ids: Vec<String>,
    #[serde(default)]
    pub related_initiative_ids: Vec<String>,
    #[serde(default)]
    pub related_org_ids: Vec<String>,
    #[serde(default)]
    pub links: Vec<LinkRecord>,
    #[serde(default)]
    pub identifiers: BTreeMap<String, String>,
    pub series: Option<String>,
    pub edition: Option<String>,
    pub citation: Option<String>,
    pub license: Option<String>,
    #[serde(default)]
    pub abstracts: Texts,
    pub notes: Option<String>,
    /// The network whose editors maintain the publication.
    pub network_id: Option<String>,
    pub sources: Vec<String>,
}

/// An organization's part in an initiative.
#[derive(Deserialize, Debug)]
#[serde(deny_unknown_fields)]
pub struct InitiativeOrganizationRecord {
    pub organization_id: String,
    pub role: String,
}

/// One evidence rating of an initiative.
#[derive(Deserialize, Debug)]
#[serde(deny_unknown_fields)]
pub struct EvidenceRecord {
    pub outcome: Option<String>,
    pub registry: Option<String>,
    pub rating_as_stated: Option<String>,
    pub level: String,
    pub study_count: Option<i32>,
    pub reviewed: Option<String>,
    pub method: Option<String>,
    pub basis: Option<String>,
    pub source_url: Option<String>,
}

/// A record of `initiatives.json`.
#[derive(Deserialize, Debug)]
#[serde(deny_unknown_fields)]
pub struct InitiativeRecord {
    pub id: String,
    pub names: Texts,
    pub official_name: Option<String>,
    pub original_language: String,
    pub kind: String,
    #[serde(default)]
    pub international: bool,
    #[serde(default)]
    pub country_ids: Vec<String>,
    #[serde(default)]
    pub participating_country_ids: Vec<String>,
    pub jurisdiction: Option<String>,
    pub start_year: Option<i32>,
    pub end_year: Option<i32>,
    pub implementing_organization_name: Option<String>,
    #[serde(default)]
    pub organizations: Vec<InitiativeOrganizationRecord>,
    #[serde(default)]
    pub topic_ids: Vec<String>,
    #[serde(default)]
    pub target_populations: Texts,
    #[serde(default)]
    pub summaries: Texts,
    pub evidence: Vec<EvidenceRecord>,
    pub legal_basis: Option<String>,
    pub network_id: Option<String>,
    pub notes: Option<String>,
    pub sources: Vec<String>,
}

/// A university's accreditation of a course.
#[derive(Deserialize, Debug)]
#[serde(deny_unknown_fields)]
pub struct AccreditationRecord {
    pub university_id: String,
    pub credits: Option<f64>,
    pub role: String,
}

/// A record of `courses.json`.
#[derive(Deserialize, Debug)]
#[serde(deny_unknown_fields)]
pub struct CourseRecord {
    pub id: String,
    pub code: String,
    pub titles: Texts,
    pub network_id: String,
    pub modality: String,
    pub hours: Option<i32>,
    pub duration_note: Option<String>,
    #[serde(default)]
    pub languages: Vec<String>,
    pub language_note: Option<String>,
    #[serde(default)]
    pub topic_ids: Vec<String>,
    pub level: Option<String>,
    #[serde(default)]
    pub prerequisites: Vec<String>,
    #[serde(default)]
    pub learning_outcomes: Vec<String>,
    #[serde(default)]
    pub modules: Vec<String>,
    #[serde(default)]
    pub descriptions: Texts,
    #[serde(default)]
    pub accreditations: Vec<AccreditationRecord>,
    pub funded_by_id: Option<String>,
    pub delivery_note: Option<String>,
    #[serde(default)]
    pub illustrative: bool,
    pub notes: Option<String>,
    pub sources: Vec<String>,
}

/// A record of `course_offerings.json`.
#[derive(Deserialize, Debug)]
#[serde(deny_unknown_fields)]
pub struct OfferingRecord {
    pub id: String,
    pub course_id: String,
    pub edition: Option<i32>,
    pub modality: String,
    pub venue_id: Option<String>,
    pub platform: Option<String>,
    pub city: Option<String>,
    pub country_id: Option<String>,
    pub start: Option<String>,
    pub end: Option<String>,
    pub date_precision: String,
    pub time_zone: Option<String>,
    pub enrolment_opens: Option<String>,
    pub enrolment_closes: Option<String>,
    pub capacity: Option<i32>,
    pub status: String,
    pub language: Option<String>,
    pub participating_member_states: Option<i32>,
    pub participants: Option<i32>,
    #[serde(default)]
    pub academic_partner_ids: Vec<String>,
    #[serde(default)]
    pub participating_institution_ids: Vec<String>,
    pub funded_by: Option<String>,
    #[serde(default)]
    pub illustrative: bool,
    pub notes: Option<String>,
    pub sources: Vec<String>,
}

/// A record of `events.json`.
#[derive(Deserialize, Debug)]
#[serde(deny_unknown_fields)]
pub struct EventRecord {
    pub id: String,
    pub names: Texts,
    pub kind: String,
    pub start: Option<String>,
    pub end: Option<String>,
    pub date_precision: String,
    pub city: Option<String>,
    pub country_id: Option<String>,
    #[serde(default)]
    pub host_ids: Vec<String>,
    #[serde(default)]
    pub network_ids: Vec<String>,
    pub offering_id: Option<String>,
    pub status: String,
    #[serde(default)]
    pub summaries: Texts,
    pub verified: bool,
    pub sources: Vec<String>,
}

/// A record of `targets.json`.
#[derive(Deserialize, Debug)]
#[serde(deny_unknown_fields)]
pub struct TargetRecord {
    pub id: String,
    pub network_id: String,
    pub metrics: Texts,
    pub modality: Option<String>,
    pub target_value: i64,
    pub unit: String,
    pub timeframe: Option<String>,
    pub source_type: Option<String>,
    pub verified: bool,
    pub notes: Option<String>,
    pub sources: Vec<String>,
}
