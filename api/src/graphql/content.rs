//! Publications, initiatives with their evidence ratings, and events.

use async_graphql::{Context, ID, Object, Result, SimpleObject};
use entities::{
    countries, course_offerings, events, evidence_ratings, initiatives, networks, organizations, publications,
};
use serde_json::Value;

use super::common::{PartialDate, connection, nested_page, strings};
use super::lifecycle::EditorialState;
use super::organizations::Organization;
use super::places::{Country, Network, Topic, partial_date};
use super::relations::*;
use super::training::CourseOffering;
use crate::enums::{EventKind, EventStatus, EvidenceLevel, InitiativeKind, PublicationKind, stored};
use crate::ids::encode_global_id;
use crate::loaders::{load_by_id, load_list};
use crate::locale::{Locale, LocalizedText, localized_field};
use crate::pagination::PageArgs;

/// A link to a publication's file or page in one language.
#[derive(SimpleObject, Clone, Debug)]
pub struct PublicationLink {
    /// Language of the linked file or page (ISO 639-1), when known.
    pub language: Option<String>,
    /// Address of the file or page.
    pub url: String,
}

/// A standard identifier of a publication.
#[derive(SimpleObject, Clone, Debug)]
pub struct PublicationIdentifier {
    /// Identifier scheme: `doi`, `isbn`, `sales_number`, `document_symbol`,
    /// `report_number` or `document_number`.
    pub scheme: String,
    /// The identifier.
    pub value: String,
}

/// A report, guide, manual, article, news item, blog post, video, infographic or data set.
#[derive(Clone, Debug)]
pub struct Publication(pub publications::Model);

connection!(
    PublicationConnection,
    PublicationEdge,
    Publication,
    publications::Model,
    "A page of publications.",
    "A publication in a page, with its cursor."
);

/// A report, guide, manual, article, news item, blog post, video, infographic or data set.
#[Object]
impl Publication {
    /// Opaque global id; pass it to `node` to fetch this publication again.
    pub async fn id(&self) -> ID {
        ID(encode_global_id("Publication", self.0.id))
    }

    /// The record's place in the editorial life cycle: status, visibility, version and history.
    async fn editorial(&self) -> EditorialState {
        crate::editorial_state!(self.0, "publication", "publications")
    }

    /// Stable key, such as `pub-unodc-gsh-2013`.
    async fn slug(&self) -> &str {
        &self.0.slug
    }

    /// Title; translations are the publisher's own where known.
    async fn title(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Locale to return; defaults to the request's `Accept-Language`.")] locale: Option<Locale>,
        #[graphql(desc = "Fall back to English, then any translation, when `locale` is missing. Defaults to true.")]
        fallback: Option<bool>,
    ) -> LocalizedText {
        localized_field(ctx, &self.0.titles, locale, fallback)
    }

    /// Language the title was first published in (ISO 639-1).
    async fn original_language(&self) -> &str {
        &self.0.original_language
    }

    /// Kind of publication.
    async fn kind(&self) -> Result<PublicationKind> {
        Ok(stored("publications.kind", &self.0.kind)?)
    }

    /// The publisher, when it is a known organization.
    async fn publisher(&self, ctx: &Context<'_>) -> Result<Option<Organization>> {
        Ok(load_by_id::<organizations::Entity>(ctx, self.0.publisher_id).await?.map(Organization))
    }

    /// Publisher's name as printed on the publication.
    async fn publisher_name(&self) -> Option<&str> {
        self.0.publisher_name.as_deref()
    }

    /// Organizations that published it with the publisher.
    async fn co_publishers(&self, ctx: &Context<'_>) -> Result<Vec<Organization>> {
        Ok(load_list::<PublicationCoPublishers>(ctx, self.0.id).await?.into_iter().map(Organization).collect())
    }

    /// Organizations the publication is about or credits.
    async fn related_organizations(&self, ctx: &Context<'_>) -> Result<Vec<Organization>> {
        Ok(load_list::<PublicationRelatedOrganizations>(ctx, self.0.id).await?.into_iter().map(Organization).collect())
    }

    /// Year of publication.
    async fn year(&self) -> Option<i32> {
        self.0.published_year
    }

    /// Languages the publication is available in (ISO 639-1).
    async fn languages(&self) -> Vec<String> {
        strings(&self.0.languages)
    }

    /// Files or pages of the publication, one per language where known.
    async fn links(&self) -> Vec<PublicationLink> {
        let items = self.0.links.as_array().cloned().unwrap_or_default();
        items
            .iter()
            .filter_map(|link| {
                Some(PublicationLink {
                    language: link.get("language").and_then(Value::as_str).map(str::to_owned),
                    url: link.get("url")?.as_str()?.to_owned(),
                })
            })
            .collect()
    }

    /// Standard identifiers such as DOI or ISBN.
    async fn identifiers(&self) -> Vec<PublicationIdentifier> {
        let Some(map) = self.0.identifiers.as_object() else { return Vec::new() };
        map.iter()
            .filter_map(|(scheme, value)| {
                Some(PublicationIdentifier { scheme: scheme.clone(), value: value.as_str()?.to_owned() })
            })
            .collect()
    }

    /// Digital Object Identifier, such as `10.1093/aje/kwr428`.
    async fn doi(&self) -> Option<String> {
        self.0.identifiers.get("doi").and_then(Value::as_str).map(str::to_owned)
    }

    /// International Standard Book Number.
    async fn isbn(&self) -> Option<String> {
        self.0.identifiers.get("isbn").and_then(Value::as_str).map(str::to_owned)
    }

    /// Series the publication belongs to.
    async fn series(&self) -> Option<&str> {
        self.0.series.as_deref()
    }

    /// Edition label.
    async fn edition(&self) -> Option<&str> {
        self.0.edition.as_deref()
    }

    /// Citation as the source recommends it.
    async fn citation(&self) -> Option<&str> {
        self.0.citation.as_deref()
    }

    /// Licence under which it may be reused, when known.
    async fn license(&self) -> Option<&str> {
        self.0.license.as_deref()
    }

    /// Summary of the publication, written for the network's readers.
    async fn summary(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Locale to return; defaults to the request's `Accept-Language`.")] locale: Option<Locale>,
        #[graphql(desc = "Fall back to English, then any translation, when `locale` is missing. Defaults to true.")]
        fallback: Option<bool>,
    ) -> LocalizedText {
        localized_field(ctx, &self.0.abstracts, locale, fallback)
    }

    /// Topics of the publication.
    async fn topics(&self, ctx: &Context<'_>) -> Result<Vec<Topic>> {
        Ok(load_list::<PublicationTopics>(ctx, self.0.id).await?.into_iter().map(Topic).collect())
    }

    /// Countries the publication covers; empty for hemispheric or global publications.
    async fn countries(&self, ctx: &Context<'_>) -> Result<Vec<Country>> {
        Ok(load_list::<PublicationCountries>(ctx, self.0.id).await?.into_iter().map(Country).collect())
    }

    /// Initiatives the publication evaluates or describes.
    async fn initiatives(&self, ctx: &Context<'_>) -> Result<Vec<Initiative>> {
        Ok(load_list::<PublicationInitiatives>(ctx, self.0.id).await?.into_iter().map(Initiative).collect())
    }

    /// Editorial notes.
    async fn notes(&self) -> Option<&str> {
        self.0.notes.as_deref()
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

    /// The network whose editors maintain the publication.
    async fn network(&self, ctx: &Context<'_>) -> Result<Option<Network>> {
        Ok(load_by_id::<networks::Entity>(ctx, self.0.network_id).await?.map(Network))
    }
}

/// A program, practice, policy, law or initiative of a member state or city.
#[derive(Clone, Debug)]
pub struct Initiative(pub initiatives::Model);

connection!(
    InitiativeConnection,
    InitiativeEdge,
    Initiative,
    initiatives::Model,
    "A page of initiatives.",
    "An initiative in a page, with its cursor."
);

/// A program, practice, policy, law or initiative of a member state or city.
#[Object]
impl Initiative {
    /// Opaque global id; pass it to `node` to fetch this initiative again.
    pub async fn id(&self) -> ID {
        ID(encode_global_id("Initiative", self.0.id))
    }

    /// The record's place in the editorial life cycle: status, visibility, version and history.
    async fn editorial(&self) -> EditorialState {
        crate::editorial_state!(self.0, "initiative", "initiatives")
    }

    /// Stable key to cite, such as `init-fica-vivo`.
    async fn slug(&self) -> &str {
        &self.0.slug
    }

    /// Name of the initiative.
    async fn name(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Locale to return; defaults to the request's `Accept-Language`.")] locale: Option<Locale>,
        #[graphql(desc = "Fall back to English, then any translation, when `locale` is missing. Defaults to true.")]
        fallback: Option<bool>,
    ) -> LocalizedText {
        localized_field(ctx, &self.0.names, locale, fallback)
    }

    /// Official name in its original language, spelled as the source spells it.
    async fn official_name(&self) -> Option<&str> {
        self.0.official_name.as_deref()
    }

    /// Original language of the initiative (ISO 639-1).
    async fn original_language(&self) -> &str {
        &self.0.original_language
    }

    /// Kind of initiative.
    async fn kind(&self) -> Result<InitiativeKind> {
        Ok(stored("initiatives.kind", &self.0.kind)?)
    }

    /// True for a regional or international initiative not tied to one country.
    async fn international(&self) -> bool {
        self.0.international
    }

    /// Countries where the initiative is carried out.
    async fn countries(&self, ctx: &Context<'_>) -> Result<Vec<Country>> {
        Ok(load_list::<InitiativeCountries>(ctx, self.0.id).await?.into_iter().map(Country).collect())
    }

    /// Countries taking part in a multinational initiative.
    async fn participating_countries(&self, ctx: &Context<'_>) -> Result<Vec<Country>> {
        Ok(load_list::<InitiativeParticipants>(ctx, self.0.id).await?.into_iter().map(Country).collect())
    }

    /// Sub-national jurisdiction, such as a state or city.
    async fn jurisdiction(&self) -> Option<&str> {
        self.0.jurisdiction.as_deref()
    }

    /// First year of the initiative.
    async fn start_year(&self) -> Option<i32> {
        self.0.start_year
    }

    /// Last year of the initiative; null while it runs or when unknown.
    async fn end_year(&self) -> Option<i32> {
        self.0.end_year
    }

    /// Implementing body as the sources name it.
    async fn implementing_organization_name(&self) -> Option<&str> {
        self.0.implementing_organization_name.as_deref()
    }

    /// Organizations implementing the initiative.
    async fn implementing_organizations(&self, ctx: &Context<'_>) -> Result<Vec<Organization>> {
        Ok(load_list::<InitiativeImplementers>(ctx, self.0.id).await?.into_iter().map(Organization).collect())
    }

    /// Organizations supporting the initiative.
    async fn partner_organizations(&self, ctx: &Context<'_>) -> Result<Vec<Organization>> {
        Ok(load_list::<InitiativePartners>(ctx, self.0.id).await?.into_iter().map(Organization).collect())
    }

    /// Topics of the initiative.
    async fn topics(&self, ctx: &Context<'_>) -> Result<Vec<Topic>> {
        Ok(load_list::<InitiativeTopics>(ctx, self.0.id).await?.into_iter().map(Topic).collect())
    }

    /// Population the initiative targets.
    async fn target_population(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Locale to return; defaults to the request's `Accept-Language`.")] locale: Option<Locale>,
        #[graphql(desc = "Fall back to English, then any translation, when `locale` is missing. Defaults to true.")]
        fallback: Option<bool>,
    ) -> LocalizedText {
        localized_field(ctx, &self.0.target_populations, locale, fallback)
    }

    /// What the initiative does.
    async fn summary(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Locale to return; defaults to the request's `Accept-Language`.")] locale: Option<Locale>,
        #[graphql(desc = "Fall back to English, then any translation, when `locale` is missing. Defaults to true.")]
        fallback: Option<bool>,
    ) -> LocalizedText {
        localized_field(ctx, &self.0.summaries, locale, fallback)
    }

    /// Evidence ratings: one per outcome and source registry. An initiative never
    /// evaluated has one rating of level `NOT_EVALUATED`.
    async fn evidence(&self, ctx: &Context<'_>) -> Result<Vec<EvidenceRating>> {
        Ok(load_list::<InitiativeEvidence>(ctx, self.0.id).await?.into_iter().map(EvidenceRating).collect())
    }

    /// Publications that evaluate or describe the initiative, newest first.
    #[graphql(complexity = "super::common::page_cost(first, last) * child_complexity")]
    async fn related_publications(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Number of rows to return after `after`: at most 100, 20 by default.")] first: Option<i32>,
        #[graphql(desc = "Cursor of the row after which the page starts (`pageInfo.endCursor` of the previous page).")]
        after: Option<String>,
        #[graphql(desc = "Number of rows to return before `before`, at most 100.")] last: Option<i32>,
        #[graphql(desc = "Cursor of the row before which the page ends (`pageInfo.startCursor` of the next page).")]
        before: Option<String>,
    ) -> Result<PublicationConnection> {
        let args = PageArgs::new(first, after, last, before);
        Ok(nested_page::<InitiativePublications>(ctx, self.0.id, args).await?.into())
    }

    /// Law or decree the initiative rests on.
    async fn legal_basis(&self) -> Option<&str> {
        self.0.legal_basis.as_deref()
    }

    /// The OAS network that runs the initiative, if one does.
    async fn network(&self, ctx: &Context<'_>) -> Result<Option<Network>> {
        Ok(load_by_id::<networks::Entity>(ctx, self.0.network_id).await?.map(Network))
    }

    /// Editorial notes.
    async fn notes(&self) -> Option<&str> {
        self.0.notes.as_deref()
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

/// How well an initiative works for one outcome, according to one source.
#[derive(Clone, Debug)]
pub struct EvidenceRating(pub evidence_ratings::Model);

/// How well an initiative works for one outcome, according to one source.
#[Object]
impl EvidenceRating {
    /// Outcome rated, such as `homicides`; null when the source rates the initiative as a whole.
    async fn outcome(&self) -> Option<&str> {
        self.0.outcome.as_deref()
    }

    /// Evidence registry or clearinghouse that issued the rating, such as CrimeSolutions;
    /// null for a rating drawn from a single study.
    async fn registry(&self) -> Option<&str> {
        self.0.registry.as_deref()
    }

    /// The rating in the source's own words, when it uses a rating scale.
    async fn rating_as_stated(&self) -> Option<&str> {
        self.0.rating_as_stated.as_deref()
    }

    /// The rating normalized to one scale across sources.
    async fn level(&self) -> Result<EvidenceLevel> {
        Ok(stored("evidence_ratings.level", &self.0.level)?)
    }

    /// Number of studies behind the rating, when stated.
    async fn study_count(&self) -> Option<i32> {
        self.0.study_count
    }

    /// Date of the review, as precise as it is known.
    async fn reviewed(&self) -> Result<Option<PartialDate>> {
        partial_date(self.0.reviewed_on, &self.0.reviewed_precision)
    }

    /// Evaluation method, such as a randomized trial or a synthetic control.
    async fn method(&self) -> Option<&str> {
        self.0.method.as_deref()
    }

    /// What the evidence found, in brief.
    async fn basis(&self) -> Option<&str> {
        self.0.basis.as_deref()
    }

    /// Address of the rating or study.
    async fn source_url(&self) -> Option<&str> {
        self.0.source_url.as_deref()
    }
}

/// An in-person meeting, launch, assembly or other dated event.
#[derive(Clone, Debug)]
pub struct Event(pub events::Model);

connection!(
    EventConnection,
    EventEdge,
    Event,
    events::Model,
    "A page of events.",
    "An event in a page, with its cursor."
);

/// An in-person meeting, launch, assembly or other dated event.
#[Object]
impl Event {
    /// Opaque global id; pass it to `node` to fetch this event again.
    pub async fn id(&self) -> ID {
        ID(encode_global_id("Event", self.0.id))
    }

    /// The record's place in the editorial life cycle: status, visibility, version and history.
    async fn editorial(&self) -> EditorialState {
        crate::editorial_state!(self.0, "event", "events")
    }

    /// Stable key, such as `evt-mispa-5-2015`.
    async fn slug(&self) -> &str {
        &self.0.slug
    }

    /// Name of the event.
    async fn name(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Locale to return; defaults to the request's `Accept-Language`.")] locale: Option<Locale>,
        #[graphql(desc = "Fall back to English, then any translation, when `locale` is missing. Defaults to true.")]
        fallback: Option<bool>,
    ) -> LocalizedText {
        localized_field(ctx, &self.0.names, locale, fallback)
    }

    /// Kind of event.
    async fn kind(&self) -> Result<EventKind> {
        Ok(stored("events.kind", &self.0.kind)?)
    }

    /// Whether the event took place.
    async fn status(&self) -> Result<EventStatus> {
        Ok(stored("events.status", &self.0.status)?)
    }

    /// First day, as precise as it is known.
    async fn starts(&self) -> Result<Option<PartialDate>> {
        partial_date(self.0.starts_on, &self.0.date_precision)
    }

    /// Last day, as precise as it is known.
    async fn ends(&self) -> Result<Option<PartialDate>> {
        partial_date(self.0.ends_on, &self.0.date_precision)
    }

    /// City where it was held.
    async fn city(&self) -> Option<&str> {
        self.0.city.as_deref()
    }

    /// Country where it was held.
    async fn country(&self, ctx: &Context<'_>) -> Result<Option<Country>> {
        Ok(load_by_id::<countries::Entity>(ctx, self.0.country_id).await?.map(Country))
    }

    /// Organizations that organized or hosted it.
    async fn hosts(&self, ctx: &Context<'_>) -> Result<Vec<Organization>> {
        Ok(load_list::<EventHosts>(ctx, self.0.id).await?.into_iter().map(Organization).collect())
    }

    /// Networks the event belongs to.
    async fn networks(&self, ctx: &Context<'_>) -> Result<Vec<Network>> {
        Ok(load_list::<EventNetworks>(ctx, self.0.id).await?.into_iter().map(Network).collect())
    }

    /// The course offering this event records, for training events.
    async fn course_offering(&self, ctx: &Context<'_>) -> Result<Option<CourseOffering>> {
        Ok(load_by_id::<course_offerings::Entity>(ctx, self.0.offering_id).await?.map(CourseOffering))
    }

    /// What happened.
    async fn summary(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Locale to return; defaults to the request's `Accept-Language`.")] locale: Option<Locale>,
        #[graphql(desc = "Fall back to English, then any translation, when `locale` is missing. Defaults to true.")]
        fallback: Option<bool>,
    ) -> LocalizedText {
        localized_field(ctx, &self.0.summaries, locale, fallback)
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
