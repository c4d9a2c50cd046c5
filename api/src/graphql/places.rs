//! Countries, the topic tree, the two networks and their targets.

use async_graphql::{Context, ID, Object, Result, SimpleObject};
use entities::{countries, networks, organizations, targets, topics};
use serde_json::Value;

use super::common::{PartialDate, strings};
use super::common::{connection, nested_page};
use super::content::{EventConnection, InitiativeConnection, PublicationConnection};
use super::lifecycle::EditorialState;
use super::organizations::{
    Organization, OrganizationConnection, PoliceInstitutionConnection, QualityCertificationConnection,
};
use super::relations::*;
use super::scalars::Date;
use super::training::{CourseConnection, CourseOfferingConnection};
use crate::enums::{Modality, OasStatus, Region, stored};
use crate::ids::encode_global_id;
use crate::loaders::{load_by_id, load_list};
use crate::locale::{Locale, LocalizedText, localized_field};
use crate::pagination::PageArgs;

/// An OAS member state.
#[derive(Clone, Debug)]
pub struct Country(pub countries::Model);

connection!(
    CountryConnection,
    CountryEdge,
    Country,
    countries::Model,
    "A page of countries.",
    "A country in a page, with its cursor."
);

/// An OAS member state.
#[Object]
impl Country {
    /// Opaque global id; pass it to `node` to fetch this country again.
    pub async fn id(&self) -> ID {
        ID(encode_global_id("Country", self.0.id))
    }

    /// The record's place in the editorial life cycle: status, visibility, version and history.
    async fn editorial(&self) -> EditorialState {
        crate::editorial_state!(self.0, "country", "countries")
    }

    /// ISO 3166-1 alpha-3 code, such as `COL`; the stable key for `country(code:)`.
    async fn code(&self) -> &str {
        &self.0.iso3
    }

    /// ISO 3166-1 alpha-2 code, such as `CO`.
    async fn iso2(&self) -> &str {
        &self.0.iso2
    }

    /// Data-set key, such as `country-col`.
    async fn slug(&self) -> &str {
        &self.0.slug
    }

    /// Short name of the state.
    async fn name(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Locale to return; defaults to the request's `Accept-Language`.")] locale: Option<Locale>,
        #[graphql(desc = "Fall back to English, then any translation, when `locale` is missing. Defaults to true.")]
        fallback: Option<bool>,
    ) -> LocalizedText {
        localized_field(ctx, &self.0.names, locale, fallback)
    }

    /// Capital city, in its usual English spelling.
    async fn capital(&self) -> Option<&str> {
        self.0.capital.as_deref()
    }

    /// Seat of government, where it differs from the capital.
    async fn seat_of_government(&self) -> Option<&str> {
        self.0.seat_of_government.as_deref()
    }

    /// Region of the Americas.
    async fn region(&self) -> Result<Region> {
        Ok(stored("countries.region", &self.0.region)?)
    }

    /// Subregional groupings the state belongs to, such as `CARICOM` or `SICA`.
    async fn subregional_groupings(&self) -> Vec<String> {
        strings(&self.0.subregional_groupings)
    }

    /// Year the state joined the OAS.
    async fn oas_member_since(&self) -> Option<i32> {
        self.0.oas_member_since
    }

    /// Whether the state signed the OAS Charter in 1948.
    async fn oas_founding_member(&self) -> bool {
        self.0.oas_founding_member
    }

    /// The state's participation in the OAS today.
    async fn oas_status(&self) -> Result<OasStatus> {
        Ok(stored("countries.oas_status", &self.0.oas_status)?)
    }

    /// Explanation of a status other than active.
    async fn status_note(&self) -> Option<&str> {
        self.0.status_note.as_deref()
    }

    /// Date the current status took effect, when it is not plain membership.
    async fn status_effective_on(&self) -> Option<Date> {
        self.0.status_effective_on.map(Date)
    }

    /// Police institutions of this country, A to Z.
    #[graphql(complexity = "super::common::page_cost(first, last) * child_complexity")]
    async fn police_institutions(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Number of rows to return after `after`: at most 100, 20 by default.")] first: Option<i32>,
        #[graphql(desc = "Cursor of the row after which the page starts (`pageInfo.endCursor` of the previous page).")]
        after: Option<String>,
        #[graphql(desc = "Number of rows to return before `before`, at most 100.")] last: Option<i32>,
        #[graphql(desc = "Cursor of the row before which the page ends (`pageInfo.startCursor` of the next page).")]
        before: Option<String>,
    ) -> Result<PoliceInstitutionConnection> {
        Ok(nested_page::<CountryInstitutions>(ctx, self.0.id, PageArgs::new(first, after, last, before)).await?.into())
    }

    /// Organizations based in this country (police institutions included), A to Z.
    #[graphql(complexity = "super::common::page_cost(first, last) * child_complexity")]
    async fn organizations(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Number of rows to return after `after`: at most 100, 20 by default.")] first: Option<i32>,
        #[graphql(desc = "Cursor of the row after which the page starts (`pageInfo.endCursor` of the previous page).")]
        after: Option<String>,
        #[graphql(desc = "Number of rows to return before `before`, at most 100.")] last: Option<i32>,
        #[graphql(desc = "Cursor of the row before which the page ends (`pageInfo.startCursor` of the next page).")]
        before: Option<String>,
    ) -> Result<OrganizationConnection> {
        Ok(nested_page::<CountryOrganizations>(ctx, self.0.id, PageArgs::new(first, after, last, before)).await?.into())
    }

    /// Initiatives carried out in this country or joined by it, A to Z.
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
        Ok(nested_page::<CountryInitiatives>(ctx, self.0.id, PageArgs::new(first, after, last, before)).await?.into())
    }

    /// Publications about this country, newest first.
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
        Ok(nested_page::<CountryPublications>(ctx, self.0.id, PageArgs::new(first, after, last, before)).await?.into())
    }

    /// Events held in this country, latest first.
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
        Ok(nested_page::<CountryEvents>(ctx, self.0.id, PageArgs::new(first, after, last, before)).await?.into())
    }

    /// Course offerings held in this country, latest first.
    #[graphql(complexity = "super::common::page_cost(first, last) * child_complexity")]
    async fn course_offerings(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Number of rows to return after `after`: at most 100, 20 by default.")] first: Option<i32>,
        #[graphql(desc = "Cursor of the row after which the page starts (`pageInfo.endCursor` of the previous page).")]
        after: Option<String>,
        #[graphql(desc = "Number of rows to return before `before`, at most 100.")] last: Option<i32>,
        #[graphql(desc = "Cursor of the row before which the page ends (`pageInfo.startCursor` of the next page).")]
        before: Option<String>,
    ) -> Result<CourseOfferingConnection> {
        Ok(nested_page::<CountryOfferings>(ctx, self.0.id, PageArgs::new(first, after, last, before)).await?.into())
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

/// A node of the multilingual topic tree.
#[derive(Clone, Debug)]
pub struct Topic(pub topics::Model);

connection!(
    TopicConnection,
    TopicEdge,
    Topic,
    topics::Model,
    "A page of topics.",
    "A topic in a page, with its cursor."
);

/// A node of the multilingual topic tree.
#[Object]
impl Topic {
    /// Opaque global id; pass it to `node` to fetch this topic again.
    pub async fn id(&self) -> ID {
        ID(encode_global_id("Topic", self.0.id))
    }

    /// The record's place in the editorial life cycle: status, visibility, version and history.
    async fn editorial(&self) -> EditorialState {
        crate::editorial_state!(self.0, "topic", "topics")
    }

    /// Stable key, such as `topic-homicide-reduction`.
    async fn slug(&self) -> &str {
        &self.0.slug
    }

    /// Label of the topic.
    async fn label(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Locale to return; defaults to the request's `Accept-Language`.")] locale: Option<Locale>,
        #[graphql(desc = "Fall back to English, then any translation, when `locale` is missing. Defaults to true.")]
        fallback: Option<bool>,
    ) -> LocalizedText {
        localized_field(ctx, &self.0.labels, locale, fallback)
    }

    /// The broader topic; null for a root topic.
    async fn parent(&self, ctx: &Context<'_>) -> Result<Option<Topic>> {
        Ok(load_by_id::<topics::Entity>(ctx, self.0.parent_id).await?.map(Topic))
    }

    /// Direct subtopics, A to Z.
    async fn children(&self, ctx: &Context<'_>) -> Result<Vec<Topic>> {
        Ok(load_list::<TopicChildren>(ctx, self.0.id).await?.into_iter().map(Topic).collect())
    }

    /// Publications tagged with this topic, newest first, without those of its subtopics; the root lists' `topic` filter
    /// includes subtopics.
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
        Ok(nested_page::<TopicPublications>(ctx, self.0.id, PageArgs::new(first, after, last, before)).await?.into())
    }

    /// Initiatives tagged with this topic, A to Z, without those of its subtopics; the root lists' `topic` filter
    /// includes subtopics.
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
        Ok(nested_page::<TopicInitiatives>(ctx, self.0.id, PageArgs::new(first, after, last, before)).await?.into())
    }

    /// Courses tagged with this topic, A to Z, without those of its subtopics; the root lists' `topic` filter
    /// includes subtopics.
    #[graphql(complexity = "super::common::page_cost(first, last) * child_complexity")]
    async fn courses(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Number of rows to return after `after`: at most 100, 20 by default.")] first: Option<i32>,
        #[graphql(desc = "Cursor of the row after which the page starts (`pageInfo.endCursor` of the previous page).")]
        after: Option<String>,
        #[graphql(desc = "Number of rows to return before `before`, at most 100.")] last: Option<i32>,
        #[graphql(desc = "Cursor of the row before which the page ends (`pageInfo.startCursor` of the next page).")]
        before: Option<String>,
    ) -> Result<CourseConnection> {
        Ok(nested_page::<TopicCourses>(ctx, self.0.id, PageArgs::new(first, after, last, before)).await?.into())
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

/// A legal instrument that created or mandates a network.
#[derive(SimpleObject, Clone, Debug)]
pub struct LegalInstrument {
    /// Reference of the instrument, such as `AG/RES. 2866 (XLIV-O/14)`.
    pub instrument: String,
    /// Body that adopted it.
    pub body: Option<String>,
    /// Session in which it was adopted.
    pub session: Option<String>,
    /// Effect of the instrument on the network.
    pub effect: Option<String>,
    /// Addresses of the sources.
    pub sources: Vec<String>,
}

/// A result a network reported, as the source states it.
#[derive(SimpleObject, Clone, Debug)]
pub struct ReportedResult {
    /// Year the figure refers to.
    pub as_of_year: Option<i32>,
    /// Quantity counted.
    pub metric: String,
    /// The figure.
    pub value: Option<f64>,
    /// Qualifier of the figure, such as `more than`.
    pub qualifier: Option<String>,
    /// Address of the source.
    pub source: Option<String>,
}

/// One of the two OAS networks.
#[derive(Clone, Debug)]
pub struct Network(pub networks::Model);

connection!(
    NetworkConnection,
    NetworkEdge,
    Network,
    networks::Model,
    "A page of networks.",
    "A network in a page, with its cursor."
);

/// One of the two OAS networks.
#[Object]
impl Network {
    /// Opaque global id; pass it to `node` to fetch this network again.
    pub async fn id(&self) -> ID {
        ID(encode_global_id("Network", self.0.id))
    }

    /// The record's place in the editorial life cycle: status, visibility, version and history.
    async fn editorial(&self) -> EditorialState {
        crate::editorial_state!(self.0, "network", "networks")
    }

    /// Stable key, such as `network-redppol`.
    async fn slug(&self) -> &str {
        &self.0.slug
    }

    /// Acronym, such as `REDPPOL`.
    async fn acronym(&self) -> Option<&str> {
        self.0.acronym.as_deref()
    }

    /// Official name.
    async fn name(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Locale to return; defaults to the request's `Accept-Language`.")] locale: Option<Locale>,
        #[graphql(desc = "Fall back to English, then any translation, when `locale` is missing. Defaults to true.")]
        fallback: Option<bool>,
    ) -> LocalizedText {
        localized_field(ctx, &self.0.names, locale, fallback)
    }

    /// Short name in common use, such as `Inter-American Police Network`.
    async fn short_name(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Locale to return; defaults to the request's `Accept-Language`.")] locale: Option<Locale>,
        #[graphql(desc = "Fall back to English, then any translation, when `locale` is missing. Defaults to true.")]
        fallback: Option<bool>,
    ) -> LocalizedText {
        localized_field(ctx, &self.0.short_names, locale, fallback)
    }

    /// What the network is and does.
    async fn summary(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Locale to return; defaults to the request's `Accept-Language`.")] locale: Option<Locale>,
        #[graphql(desc = "Fall back to English, then any translation, when `locale` is missing. Defaults to true.")]
        fallback: Option<bool>,
    ) -> LocalizedText {
        localized_field(ctx, &self.0.summaries, locale, fallback)
    }

    /// The organization that coordinates the network.
    async fn coordinating_organization(&self, ctx: &Context<'_>) -> Result<Option<Organization>> {
        Ok(load_by_id::<organizations::Entity>(ctx, self.0.coordinating_organization_id).await?.map(Organization))
    }

    /// Year the network was created.
    async fn founded_year(&self) -> Option<i32> {
        self.0.founded_year
    }

    /// Date of the official launch.
    async fn launched_on(&self) -> Option<Date> {
        self.0.launched_on.map(Date)
    }

    /// Whether an independent source confirms the launch date.
    async fn launch_date_verified(&self) -> bool {
        self.0.launch_date_verified
    }

    /// Public website.
    async fn website(&self) -> Option<&str> {
        self.0.website.as_deref()
    }

    /// Activities the network carries out.
    async fn activities(&self) -> Vec<String> {
        strings(&self.0.activities)
    }

    /// The network's pillars or lines of work, in order.
    async fn pillars(&self) -> Vec<String> {
        strings(&self.0.pillars)
    }

    /// Legal instruments that created or mandate the network.
    async fn legal_basis(&self) -> Vec<LegalInstrument> {
        let items = self.0.legal_basis.as_array().cloned().unwrap_or_default();
        items
            .iter()
            .filter_map(|item| {
                Some(LegalInstrument {
                    instrument: item.get("instrument")?.as_str()?.to_owned(),
                    body: text_of(item, "body"),
                    session: text_of(item, "session"),
                    effect: text_of(item, "effect"),
                    sources: item.get("sources").map(strings).unwrap_or_default(),
                })
            })
            .collect()
    }

    /// Results the network reported, with their sources.
    async fn reported_results(&self) -> Vec<ReportedResult> {
        let items = self.0.reported_results.as_array().cloned().unwrap_or_default();
        items
            .iter()
            .filter_map(|item| {
                Some(ReportedResult {
                    as_of_year: item.get("as_of_year").and_then(Value::as_i64).and_then(|y| i32::try_from(y).ok()),
                    metric: item.get("metric")?.as_str()?.to_owned(),
                    value: item.get("value").and_then(Value::as_f64),
                    qualifier: text_of(item, "qualifier"),
                    source: text_of(item, "source"),
                })
            })
            .collect()
    }

    /// Claims about the network that no independent source confirmed.
    async fn unverified_claims(&self) -> Vec<String> {
        strings(&self.0.unverified_claims)
    }

    /// Further facts from the data set (name variants, fund, partners) as JSON without a
    /// stable shape. Typed fields will replace them as front ends need them.
    async fn details(&self) -> async_graphql::Json<Value> {
        async_graphql::Json(self.0.details.clone())
    }

    /// Editorial notes.
    async fn notes(&self) -> Option<&str> {
        self.0.notes.as_deref()
    }

    /// The network's courses, A to Z.
    #[graphql(complexity = "super::common::page_cost(first, last) * child_complexity")]
    async fn courses(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Number of rows to return after `after`: at most 100, 20 by default.")] first: Option<i32>,
        #[graphql(desc = "Cursor of the row after which the page starts (`pageInfo.endCursor` of the previous page).")]
        after: Option<String>,
        #[graphql(desc = "Number of rows to return before `before`, at most 100.")] last: Option<i32>,
        #[graphql(desc = "Cursor of the row before which the page ends (`pageInfo.startCursor` of the next page).")]
        before: Option<String>,
    ) -> Result<CourseConnection> {
        Ok(nested_page::<NetworkCourses>(ctx, self.0.id, PageArgs::new(first, after, last, before)).await?.into())
    }

    /// Events of the network, latest first.
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
        Ok(nested_page::<NetworkEvents>(ctx, self.0.id, PageArgs::new(first, after, last, before)).await?.into())
    }

    /// Initiatives the network runs, A to Z.
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
        Ok(nested_page::<NetworkInitiatives>(ctx, self.0.id, PageArgs::new(first, after, last, before)).await?.into())
    }

    /// Quality certifications the network's program supported, by standard.
    #[graphql(complexity = "super::common::page_cost(first, last) * child_complexity")]
    async fn quality_certifications(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Number of rows to return after `after`: at most 100, 20 by default.")] first: Option<i32>,
        #[graphql(desc = "Cursor of the row after which the page starts (`pageInfo.endCursor` of the previous page).")]
        after: Option<String>,
        #[graphql(desc = "Number of rows to return before `before`, at most 100.")] last: Option<i32>,
        #[graphql(desc = "Cursor of the row before which the page ends (`pageInfo.startCursor` of the next page).")]
        before: Option<String>,
    ) -> Result<QualityCertificationConnection> {
        let args = PageArgs::new(first, after, last, before);
        Ok(nested_page::<NetworkCertifications>(ctx, self.0.id, args).await?.into())
    }

    /// The network's quantified goals.
    async fn targets(&self, ctx: &Context<'_>) -> Result<Vec<Target>> {
        Ok(load_list::<NetworkTargets>(ctx, self.0.id).await?.into_iter().map(Target).collect())
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

fn text_of(item: &Value, key: &str) -> Option<String> {
    item.get(key).and_then(Value::as_str).map(str::to_owned)
}

/// A network's quantified goal, such as officers trained on site.
#[derive(Clone, Debug)]
pub struct Target(pub targets::Model);

connection!(
    TargetConnection,
    TargetEdge,
    Target,
    targets::Model,
    "A page of targets.",
    "A target in a page, with its cursor."
);

/// A network's quantified goal, such as officers trained on site.
#[Object]
impl Target {
    /// Opaque global id; pass it to `node` to fetch this target again.
    pub async fn id(&self) -> ID {
        ID(encode_global_id("Target", self.0.id))
    }

    /// The record's place in the editorial life cycle: status, visibility, version and history.
    async fn editorial(&self) -> EditorialState {
        crate::editorial_state!(self.0, "target", "targets")
    }

    /// Stable key, such as `target-redppol-onsite-340`.
    async fn slug(&self) -> &str {
        &self.0.slug
    }

    /// The network the target belongs to.
    async fn network(&self, ctx: &Context<'_>) -> Result<Option<Network>> {
        Ok(load_by_id::<networks::Entity>(ctx, Some(self.0.network_id)).await?.map(Network))
    }

    /// What is counted.
    async fn metric(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Locale to return; defaults to the request's `Accept-Language`.")] locale: Option<Locale>,
        #[graphql(desc = "Fall back to English, then any translation, when `locale` is missing. Defaults to true.")]
        fallback: Option<bool>,
    ) -> LocalizedText {
        localized_field(ctx, &self.0.metrics, locale, fallback)
    }

    /// Training modality the target counts, when it counts one.
    async fn modality(&self) -> Result<Option<Modality>> {
        Ok(self.0.modality.as_deref().map(|m| stored("targets.modality", m)).transpose()?)
    }

    /// The goal, in `unit`.
    async fn target_value(&self) -> i64 {
        self.0.target_value
    }

    /// Unit of `targetValue`, such as `officers`.
    async fn unit(&self) -> &str {
        &self.0.unit
    }

    /// Progress towards the target, counted from completed enrolments; null when the
    /// target's unit is not `officers`.
    async fn progress(&self, ctx: &Context<'_>) -> Result<Option<super::progress::TargetProgress>> {
        Ok(super::progress::target_progress(ctx, &self.0).await?)
    }

    /// Period the target covers, when stated.
    async fn timeframe(&self) -> Option<&str> {
        self.0.timeframe.as_deref()
    }

    /// Kind of source the figure comes from.
    async fn source_type(&self) -> Option<&str> {
        self.0.source_type.as_deref()
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

/// Builds a partial date; shared with the other object modules.
pub fn partial_date(date: Option<chrono::NaiveDate>, precision: &str) -> Result<Option<PartialDate>> {
    Ok(PartialDate::from_stored(date, precision)?)
}
