//! Organizations, police institutions (organizations of a police kind) and their quality
//! certifications.

use async_graphql::{Context, ID, Object, Result};
use entities::{countries, networks, organizations, quality_certifications};
use serde_json::Value;

use super::common::{PartialDate, connection, nested_page, strings};
use super::content::{EventConnection, InitiativeConnection, PublicationConnection};
use super::lifecycle::EditorialState;
use super::places::{Country, Network, partial_date};
use super::records::OfficerConnection;
use super::relations::*;
use super::scalars::Date;
use super::training::{Accreditation, CourseOfferingConnection};
use crate::enums::{CertificationStatus, JurisdictionLevel, OrganizationKind, PoliceKind, stored};
use crate::ids::encode_global_id;
use crate::loaders::{load_by_id, load_list};
use crate::locale::{Locale, LocalizedText, localized_field};
use crate::pagination::PageArgs;

/// An intergovernmental body, ministry, NGO, university, police academy, donor or police
/// institution.
#[derive(Clone, Debug)]
pub struct Organization(pub organizations::Model);

connection!(
    OrganizationConnection,
    OrganizationEdge,
    Organization,
    organizations::Model,
    "A page of organizations.",
    "An organization in a page, with its cursor."
);

/// An intergovernmental body, ministry, NGO, university, police academy, donor or police
/// institution.
#[Object]
impl Organization {
    /// Opaque global id; pass it to `node` to fetch this organization again.
    pub async fn id(&self) -> ID {
        ID(encode_global_id("Organization", self.0.id))
    }

    /// The record's place in the editorial life cycle: status, visibility, version and history.
    async fn editorial(&self) -> EditorialState {
        crate::editorial_state!(self.0, "organization", "organizations")
    }

    /// Stable key, such as `org-oas-dps`.
    async fn slug(&self) -> &str {
        &self.0.slug
    }

    /// Name of the organization.
    async fn name(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Locale to return; defaults to the request's `Accept-Language`.")] locale: Option<Locale>,
        #[graphql(desc = "Fall back to English, then any translation, when `locale` is missing. Defaults to true.")]
        fallback: Option<bool>,
    ) -> LocalizedText {
        localized_field(ctx, &self.0.names, locale, fallback)
    }

    /// Acronym, which may differ by language (`OAS`, `OEA`).
    async fn acronym(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Locale to return; defaults to the request's `Accept-Language`.")] locale: Option<Locale>,
        #[graphql(desc = "Fall back to English, then any translation, when `locale` is missing. Defaults to true.")]
        fallback: Option<bool>,
    ) -> LocalizedText {
        localized_field(ctx, &self.0.acronyms, locale, fallback)
    }

    /// Kind of organization.
    async fn kind(&self) -> Result<OrganizationKind> {
        Ok(stored("organizations.kind", &self.0.kind)?)
    }

    /// Country of the organization or of its headquarters; null for bodies based outside
    /// the OAS member states.
    async fn country(&self, ctx: &Context<'_>) -> Result<Option<Country>> {
        Ok(load_by_id::<countries::Entity>(ctx, self.0.country_id).await?.map(Country))
    }

    /// City of the organization or of its headquarters.
    async fn city(&self) -> Option<&str> {
        self.0.city.as_deref()
    }

    /// Public website.
    async fn website(&self) -> Option<&str> {
        self.0.website.as_deref()
    }

    /// The organization this one belongs to.
    async fn parent(&self, ctx: &Context<'_>) -> Result<Option<Organization>> {
        Ok(load_by_id::<organizations::Entity>(ctx, self.0.parent_id).await?.map(Organization))
    }

    /// Organizations that belong to this one, A to Z.
    async fn units(&self, ctx: &Context<'_>) -> Result<Vec<Organization>> {
        Ok(load_list::<OrganizationUnits>(ctx, self.0.id).await?.into_iter().map(Organization).collect())
    }

    /// Founding date as the sources give it (`1948`, `1948-04-30`).
    async fn founded(&self) -> Option<&str> {
        self.0.founded.as_deref()
    }

    /// Editorial note.
    async fn note(&self) -> Option<&str> {
        self.0.note.as_deref()
    }

    /// The police-institution view of this organization; null unless its kind is
    /// `POLICE_INSTITUTION`.
    async fn police_institution(&self) -> Option<PoliceInstitution> {
        (self.0.kind == OrganizationKind::PoliceInstitution.as_db()).then(|| PoliceInstitution(self.0.clone()))
    }

    /// Publications this organization published, newest first.
    #[graphql(complexity = "super::common::page_cost(first, last) * child_complexity")]
    async fn publications(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Number of rows to return after `after`: at most 100, 20 by default.")] first: Option<i32>,
        #[graphql(desc = "Cursor of the row after which the page starts (`pageInfo.endCursor` of the previous page).")]
        after: Option<String>,
        #[graphql(desc = "Number of rows to return before `before`, at most 100.")] last: Option<i32>,
        #[graphql(desc = "Cursor of the row before which the page ends (`pageInfo.startCursor` of the next page).")]
        before: Option<String>,
    ) -> Result<PublicationConnection> {
        Ok(nested_page::<OrganizationPublications>(ctx, self.0.id, PageArgs::new(first, after, last, before))
            .await?
            .into())
    }

    /// Initiatives this organization implements or supports, A to Z.
    #[graphql(complexity = "super::common::page_cost(first, last) * child_complexity")]
    async fn initiatives(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Number of rows to return after `after`: at most 100, 20 by default.")] first: Option<i32>,
        #[graphql(desc = "Cursor of the row after which the page starts (`pageInfo.endCursor` of the previous page).")]
        after: Option<String>,
        #[graphql(desc = "Number of rows to return before `before`, at most 100.")] last: Option<i32>,
        #[graphql(desc = "Cursor of the row before which the page ends (`pageInfo.startCursor` of the next page).")]
        before: Option<String>,
    ) -> Result<InitiativeConnection> {
        Ok(nested_page::<OrganizationInitiatives>(ctx, self.0.id, PageArgs::new(first, after, last, before))
            .await?
            .into())
    }

    /// Course offerings this organization hosted as venue, latest first.
    #[graphql(complexity = "super::common::page_cost(first, last) * child_complexity")]
    async fn hosted_offerings(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Number of rows to return after `after`: at most 100, 20 by default.")] first: Option<i32>,
        #[graphql(desc = "Cursor of the row after which the page starts (`pageInfo.endCursor` of the previous page).")]
        after: Option<String>,
        #[graphql(desc = "Number of rows to return before `before`, at most 100.")] last: Option<i32>,
        #[graphql(desc = "Cursor of the row before which the page ends (`pageInfo.startCursor` of the next page).")]
        before: Option<String>,
    ) -> Result<CourseOfferingConnection> {
        Ok(nested_page::<OrganizationOfferings>(ctx, self.0.id, PageArgs::new(first, after, last, before))
            .await?
            .into())
    }

    /// Events this organization organized, latest first.
    #[graphql(complexity = "super::common::page_cost(first, last) * child_complexity")]
    async fn events(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Number of rows to return after `after`: at most 100, 20 by default.")] first: Option<i32>,
        #[graphql(desc = "Cursor of the row after which the page starts (`pageInfo.endCursor` of the previous page).")]
        after: Option<String>,
        #[graphql(desc = "Number of rows to return before `before`, at most 100.")] last: Option<i32>,
        #[graphql(desc = "Cursor of the row before which the page ends (`pageInfo.startCursor` of the next page).")]
        before: Option<String>,
    ) -> Result<EventConnection> {
        Ok(nested_page::<OrganizationEvents>(ctx, self.0.id, PageArgs::new(first, after, last, before)).await?.into())
    }

    /// Courses this university accredits or certifies; empty for other kinds.
    async fn accreditations(&self, ctx: &Context<'_>) -> Result<Vec<Accreditation>> {
        Ok(load_list::<UniversityAccreditations>(ctx, self.0.id).await?.into_iter().map(Accreditation).collect())
    }

    /// Whether this record was made up to fill a gap in the public record.
    async fn illustrative(&self) -> bool {
        self.0.illustrative
    }

    /// False when no independent source confirmed this record.
    async fn verified(&self) -> bool {
        self.0.verified
    }

    /// Addresses of the public sources this record is based on.
    async fn sources(&self) -> Vec<String> {
        strings(&self.0.sources)
    }
}

/// A police force or law-enforcement agency of a member state: an organization of kind
/// `POLICE_INSTITUTION`, with its level, kind, location and certifications.
#[derive(Clone, Debug)]
pub struct PoliceInstitution(pub organizations::Model);

connection!(
    PoliceInstitutionConnection,
    PoliceInstitutionEdge,
    PoliceInstitution,
    organizations::Model,
    "A page of police institutions.",
    "A police institution in a page, with its cursor."
);

/// A police force or law-enforcement agency of a member state: an organization of kind
/// `POLICE_INSTITUTION`, with its level, kind, location and certifications.
#[Object]
impl PoliceInstitution {
    /// Opaque global id; pass it to `node` to fetch this institution again.
    pub async fn id(&self) -> ID {
        ID(encode_global_id("PoliceInstitution", self.0.id))
    }

    /// The record's place in the editorial life cycle: status, visibility, version and history.
    async fn editorial(&self) -> EditorialState {
        crate::editorial_state!(self.0, "organization", "organizations")
    }

    /// Stable key, such as `inst-pnc-col`.
    async fn slug(&self) -> &str {
        &self.0.slug
    }

    /// Official name in the institution's own language, spelled as the institution spells
    /// it (`Policía Nacional de Colombia`); never translated.
    async fn official_name(&self) -> &str {
        self.0.official_name.as_deref().unwrap_or_default()
    }

    /// Language of `officialName` (ISO 639-1, such as `es` or `nl`).
    async fn official_name_language(&self) -> Option<&str> {
        self.0.official_name_language.as_deref()
    }

    /// Name in the requested locale; the official name where that is the locale's own.
    async fn name(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Locale to return; defaults to the request's `Accept-Language`.")] locale: Option<Locale>,
        #[graphql(desc = "Fall back to English, then any translation, when `locale` is missing. Defaults to true.")]
        fallback: Option<bool>,
    ) -> LocalizedText {
        localized_field(ctx, &self.0.names, locale, fallback)
    }

    /// Acronym, such as `PONAL`.
    async fn acronym(&self) -> Option<String> {
        self.0.acronyms.get("en").and_then(Value::as_str).map(str::to_owned)
    }

    /// Kind of police institution.
    async fn kind(&self) -> Result<Option<PoliceKind>> {
        Ok(self.0.police_kind.as_deref().map(|kind| stored("organizations.police_kind", kind)).transpose()?)
    }

    /// Level of government the institution serves.
    async fn level(&self) -> Result<Option<JurisdictionLevel>> {
        Ok(self.0.level.as_deref().map(|level| stored("organizations.level", level)).transpose()?)
    }

    /// False for an institution that has been dissolved or merged.
    async fn active(&self) -> bool {
        self.0.active
    }

    /// Year the institution was founded.
    async fn founded_year(&self) -> Option<i32> {
        self.0.founded_year
    }

    /// Latitude of the headquarters (WGS 84), when known.
    async fn latitude(&self) -> Option<f64> {
        self.0.latitude
    }

    /// Longitude of the headquarters (WGS 84), when known.
    async fn longitude(&self) -> Option<f64> {
        self.0.longitude
    }

    /// Country of the institution.
    async fn country(&self, ctx: &Context<'_>) -> Result<Option<Country>> {
        Ok(load_by_id::<countries::Entity>(ctx, self.0.country_id).await?.map(Country))
    }

    /// Public website.
    async fn website(&self) -> Option<&str> {
        self.0.website.as_deref()
    }

    /// Editorial note on its founding or history.
    async fn note(&self) -> Option<&str> {
        self.0.note.as_deref()
    }

    /// The same record as a plain organization.
    async fn organization(&self) -> Organization {
        Organization(self.0.clone())
    }

    /// Quality certifications and accreditations of the institution's processes.
    async fn certifications(&self, ctx: &Context<'_>) -> Result<Vec<QualityCertification>> {
        Ok(load_list::<InstitutionCertifications>(ctx, self.0.id)
            .await?
            .into_iter()
            .map(QualityCertification)
            .collect())
    }

    /// The institution's officers and instructors with training records, by name:
    /// personal data, listed for the institution's coordinators and admins (and an
    /// officer sees their own record).
    #[graphql(complexity = "super::common::page_cost(first, last) * child_complexity")]
    async fn officers(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Number of rows to return after `after`: at most 100, 20 by default.")] first: Option<i32>,
        #[graphql(desc = "Cursor of the row after which the page starts (`pageInfo.endCursor` of the previous page).")]
        after: Option<String>,
        #[graphql(desc = "Number of rows to return before `before`, at most 100.")] last: Option<i32>,
        #[graphql(desc = "Cursor of the row before which the page ends (`pageInfo.startCursor` of the next page).")]
        before: Option<String>,
    ) -> Result<OfficerConnection> {
        let args = PageArgs::new(first, after, last, before);
        Ok(nested_page::<InstitutionOfficers>(ctx, self.0.id, args).await?.into())
    }

    /// Course offerings the institution hosted as venue, latest first.
    #[graphql(complexity = "super::common::page_cost(first, last) * child_complexity")]
    async fn hosted_offerings(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Number of rows to return after `after`: at most 100, 20 by default.")] first: Option<i32>,
        #[graphql(desc = "Cursor of the row after which the page starts (`pageInfo.endCursor` of the previous page).")]
        after: Option<String>,
        #[graphql(desc = "Number of rows to return before `before`, at most 100.")] last: Option<i32>,
        #[graphql(desc = "Cursor of the row before which the page ends (`pageInfo.startCursor` of the next page).")]
        before: Option<String>,
    ) -> Result<CourseOfferingConnection> {
        Ok(nested_page::<OrganizationOfferings>(ctx, self.0.id, PageArgs::new(first, after, last, before))
            .await?
            .into())
    }

    /// Initiatives the institution implements or supports, A to Z.
    #[graphql(complexity = "super::common::page_cost(first, last) * child_complexity")]
    async fn initiatives(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Number of rows to return after `after`: at most 100, 20 by default.")] first: Option<i32>,
        #[graphql(desc = "Cursor of the row after which the page starts (`pageInfo.endCursor` of the previous page).")]
        after: Option<String>,
        #[graphql(desc = "Number of rows to return before `before`, at most 100.")] last: Option<i32>,
        #[graphql(desc = "Cursor of the row before which the page ends (`pageInfo.startCursor` of the next page).")]
        before: Option<String>,
    ) -> Result<InitiativeConnection> {
        Ok(nested_page::<OrganizationInitiatives>(ctx, self.0.id, PageArgs::new(first, after, last, before))
            .await?
            .into())
    }

    /// Whether this record was made up to fill a gap in the public record.
    async fn illustrative(&self) -> bool {
        self.0.illustrative
    }

    /// False when no independent source confirmed this record.
    async fn verified(&self) -> bool {
        self.0.verified
    }

    /// Addresses of the public sources this record is based on.
    async fn sources(&self) -> Vec<String> {
        strings(&self.0.sources)
    }
}

/// Whether a certification is in force on a date.
#[derive(async_graphql::Enum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Validity {
    /// In force on the date.
    Valid,
    /// Not in force on the date.
    NotValid,
    /// The known dates and status cannot settle it.
    Unknown,
}

/// A police institution's certified process or accreditation, such as ISO 9001:2015.
#[derive(Clone, Debug)]
pub struct QualityCertification(pub quality_certifications::Model);

connection!(
    QualityCertificationConnection,
    QualityCertificationEdge,
    QualityCertification,
    quality_certifications::Model,
    "A page of quality certifications.",
    "A quality certification in a page, with its cursor."
);

impl QualityCertification {
    /// Decides validity on `date`: an active certification is valid from its issue date
    /// to its expiry date; without an issue date, or with an imprecise one that contains
    /// `date`, the result is unknown.
    pub fn validity_on(&self, date: Date) -> Result<Validity> {
        let status: CertificationStatus = stored("quality_certifications.status", &self.0.status)?;
        if status != CertificationStatus::Active {
            return Ok(Validity::NotValid);
        }
        let issued = PartialDate::from_stored(self.0.issued_on, &self.0.issued_precision)?;
        let expires = PartialDate::from_stored(self.0.expires_on, &self.0.expires_precision)?;
        let Some(issued) = issued else { return Ok(Validity::Unknown) };
        if date < issued.earliest {
            return Ok(Validity::NotValid);
        }
        if let Some(expires) = &expires
            && date > expires.latest
        {
            return Ok(Validity::NotValid);
        }
        let issue_uncertain = date <= issued.latest && issued.earliest != issued.latest;
        let expiry_uncertain = expires.as_ref().is_some_and(|e| date >= e.earliest && e.earliest != e.latest);
        Ok(if issue_uncertain || expiry_uncertain { Validity::Unknown } else { Validity::Valid })
    }
}

/// A police institution's certified process or accreditation, such as ISO 9001:2015.
#[Object]
impl QualityCertification {
    /// Opaque global id; pass it to `node` to fetch this certification again.
    pub async fn id(&self) -> ID {
        ID(encode_global_id("QualityCertification", self.0.id))
    }

    /// The record's place in the editorial life cycle: status, visibility, version and history.
    async fn editorial(&self) -> EditorialState {
        crate::editorial_state!(self.0, "quality_certification", "quality_certifications")
    }

    /// Stable key, such as `cert-pnc-col-iso9001-oas`.
    async fn slug(&self) -> &str {
        &self.0.slug
    }

    /// The certified institution.
    async fn institution(&self, ctx: &Context<'_>) -> Result<Option<PoliceInstitution>> {
        Ok(load_by_id::<organizations::Entity>(ctx, Some(self.0.institution_id)).await?.map(PoliceInstitution))
    }

    /// Standard certified against, such as `ISO 9001:2015`.
    async fn standard(&self) -> &str {
        &self.0.standard
    }

    /// The certified processes, or the scope as the source states it.
    async fn scope(&self) -> Option<&str> {
        self.0.scope.as_deref()
    }

    /// The certification or accreditation body, when it is a known organization.
    async fn certification_body(&self, ctx: &Context<'_>) -> Result<Option<Organization>> {
        Ok(load_by_id::<organizations::Entity>(ctx, self.0.certifying_body_id).await?.map(Organization))
    }

    /// Name of the certification body as the source gives it.
    async fn certification_body_name(&self) -> Option<&str> {
        self.0.certifying_body_name.as_deref()
    }

    /// Date of issue, as precise as it is known.
    async fn issued(&self) -> Result<Option<PartialDate>> {
        partial_date(self.0.issued_on, &self.0.issued_precision)
    }

    /// Date of expiry, as precise as it is known.
    async fn expires(&self) -> Result<Option<PartialDate>> {
        partial_date(self.0.expires_on, &self.0.expires_precision)
    }

    /// Status of the certification.
    async fn status(&self) -> Result<CertificationStatus> {
        Ok(stored("quality_certifications.status", &self.0.status)?)
    }

    /// Status as the source words it.
    async fn status_note(&self) -> Option<&str> {
        self.0.status_note.as_deref()
    }

    /// Whether the certification is in force on `date`.
    async fn validity(&self, #[graphql(desc = "Date to check, such as `2025-01-31`.")] date: Date) -> Result<Validity> {
        self.validity_on(date)
    }

    /// The network whose program supported the certification.
    async fn network(&self, ctx: &Context<'_>) -> Result<Option<Network>> {
        Ok(load_by_id::<networks::Entity>(ctx, self.0.network_id).await?.map(Network))
    }

    /// Editorial note.
    async fn note(&self) -> Option<&str> {
        self.0.note.as_deref()
    }

    /// Whether this record was made up to fill a gap in the public record.
    async fn illustrative(&self) -> bool {
        self.0.illustrative
    }

    /// False when no independent source confirmed this record.
    async fn verified(&self) -> bool {
        self.0.verified
    }

    /// Addresses of the public sources this record is based on.
    async fn sources(&self) -> Vec<String> {
        strings(&self.0.sources)
    }
}
