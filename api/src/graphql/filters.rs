//! Typed filter and order inputs for each root list, and their translation into listings.
//!
//! Filters name records by their stable keys (country codes, slugs, course codes). A key
//! that names nothing is a client error, not an empty result, so a typo never looks like
//! missing data.

use async_graphql::{Enum, InputObject};
use chrono::NaiveDate;
use entities::{countries, networks, organizations, topics};
use sea_orm::sea_query::{Expr, ExprTrait, Func, LikeExpr, Query, SelectStatement};
use sea_orm::{ColumnTrait, Condition, DatabaseConnection, EntityTrait, QueryFilter, QuerySelect};

use super::scalars::Date;
use crate::auth::Audience;
use crate::enums::{
    CertificationStatus, EventKind, EvidenceLevel, InitiativeKind, JurisdictionLevel, Modality, OasStatus,
    OfferingStatus, OrganizationKind, PoliceKind, PublicationKind, Region,
};
use crate::error::{ApiError, ApiResult};
use crate::pagination::{Listing, Ordering};
use crate::text::{fold, like_escape};

/// Order of countries.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum CountryOrderBy {
    /// By English short name, A to Z.
    #[default]
    Name,
    /// By ISO 3166-1 alpha-3 code.
    Code,
    /// By year of joining the OAS, earliest first.
    MemberSince,
}

/// Conditions on countries; all given conditions must hold.
#[derive(InputObject, Clone, Debug, Default)]
pub struct CountryFilter {
    /// Only countries of this region.
    pub region: Option<Region>,
    /// Only countries with this OAS participation status.
    pub oas_status: Option<OasStatus>,
    /// Text in any language, matched without regard to case or accents (`peru` finds `Perú`).
    pub search: Option<String>,
}

/// Conditions on topics; all given conditions must hold.
#[derive(InputObject, Clone, Debug, Default)]
pub struct TopicFilter {
    /// Only direct subtopics of the topic with this slug.
    pub parent: Option<String>,
    /// Only root topics (those without a parent).
    pub roots_only: Option<bool>,
    /// Text in any language, matched without regard to case or accents.
    pub search: Option<String>,
}

/// Conditions on organizations; all given conditions must hold.
#[derive(InputObject, Clone, Debug, Default)]
pub struct OrganizationFilter {
    /// Only organizations of these kinds.
    pub kinds: Option<Vec<OrganizationKind>>,
    /// Only organizations based in the country with this ISO 3166-1 alpha-3 or alpha-2 code.
    pub country: Option<String>,
    /// Text in any language, matched without regard to case or accents.
    pub search: Option<String>,
}

/// Conditions on police institutions; all given conditions must hold.
#[derive(InputObject, Clone, Debug, Default)]
pub struct PoliceInstitutionFilter {
    /// Only institutions of the country with this ISO 3166-1 alpha-3 or alpha-2 code.
    pub country: Option<String>,
    /// Only institutions of these kinds.
    pub kinds: Option<Vec<PoliceKind>>,
    /// Only institutions at this level of government.
    pub level: Option<JurisdictionLevel>,
    /// Only institutions with a certification whose standard contains this text, such as
    /// `ISO 9001`.
    pub certification_standard: Option<String>,
    /// Only active (true) or dissolved (false) institutions.
    pub active: Option<bool>,
    /// Text in any language, matched without regard to case or accents.
    pub search: Option<String>,
}

/// Conditions on quality certifications; all given conditions must hold.
#[derive(InputObject, Clone, Debug, Default)]
pub struct QualityCertificationFilter {
    /// Only certifications of institutions in the country with this ISO code.
    pub country: Option<String>,
    /// Only certifications of the institution with this slug.
    pub institution: Option<String>,
    /// Only certifications whose standard contains this text, such as `ISO 9001`.
    pub standard: Option<String>,
    /// Only certifications with these statuses.
    pub statuses: Option<Vec<CertificationStatus>>,
    /// Only active certifications issued on or before this date (the first day of an imprecise
    /// issue date) and not expired on it. `validity(date:)` gives the exact result per record.
    pub valid_on: Option<Date>,
    /// Only records an independent source confirmed (true) or not (false).
    pub verified: Option<bool>,
}

/// Order of publications.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum PublicationOrderBy {
    /// Newest year first; undated ones last.
    #[default]
    Newest,
    /// Oldest year first; undated ones first.
    Oldest,
    /// By folded English title, A to Z.
    Title,
}

/// Conditions on publications; all given conditions must hold.
#[derive(InputObject, Clone, Debug, Default)]
pub struct PublicationFilter {
    /// Only publications of these kinds.
    pub kinds: Option<Vec<PublicationKind>>,
    /// Only publications about the country with this ISO code.
    pub country: Option<String>,
    /// Only publications tagged with the topic with this slug or any of its subtopics.
    pub topic: Option<String>,
    /// Only publications available in this language (ISO 639-1, such as `es`).
    pub language: Option<String>,
    /// Only publications from this year on.
    pub year_from: Option<i32>,
    /// Only publications up to this year.
    pub year_to: Option<i32>,
    /// Only publications of the publisher with this slug.
    pub publisher: Option<String>,
    /// Text in any language, matched without regard to case or accents.
    pub search: Option<String>,
}

/// Order of initiatives.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum InitiativeOrderBy {
    /// By folded English name, A to Z.
    #[default]
    Name,
    /// Latest start year first; undated ones last.
    Newest,
    /// Earliest start year first; undated ones first.
    Oldest,
}

/// Conditions on initiatives; all given conditions must hold.
#[derive(InputObject, Clone, Debug, Default)]
pub struct InitiativeFilter {
    /// Only initiatives of these kinds.
    pub kinds: Option<Vec<InitiativeKind>>,
    /// Only initiatives carried out in, or joined by, the country with this ISO code.
    pub country: Option<String>,
    /// Only initiatives tagged with the topic with this slug or any of its subtopics.
    pub topic: Option<String>,
    /// Only initiatives with at least one evidence rating at one of these levels.
    pub evidence_levels: Option<Vec<EvidenceLevel>>,
    /// Only initiatives that started in or after this year.
    pub start_year_from: Option<i32>,
    /// Only initiatives that started in or before this year.
    pub start_year_to: Option<i32>,
    /// Text in any language, matched without regard to case or accents.
    pub search: Option<String>,
}

/// Order of courses.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum CourseOrderBy {
    /// By folded English title, A to Z.
    #[default]
    Title,
    /// By catalogue code.
    Code,
}

/// Conditions on courses; all given conditions must hold.
#[derive(InputObject, Clone, Debug, Default)]
pub struct CourseFilter {
    /// Only courses delivered this way.
    pub modality: Option<Modality>,
    /// Only courses of the network with this slug.
    pub network: Option<String>,
    /// Only courses tagged with the topic with this slug or any of its subtopics.
    pub topic: Option<String>,
    /// Text in any language, matched without regard to case or accents.
    pub search: Option<String>,
}

/// Order of course offerings.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum CourseOfferingOrderBy {
    /// Earliest start first; undated ones first.
    #[default]
    StartsFirst,
    /// Latest start first; undated ones last.
    StartsLast,
}

/// Conditions on course offerings; all given conditions must hold.
#[derive(InputObject, Clone, Debug, Default)]
pub struct CourseOfferingFilter {
    /// Only offerings of the course with this code.
    pub course: Option<String>,
    /// Only offerings delivered this way.
    pub modality: Option<Modality>,
    /// Only offerings held in the country with this ISO code.
    pub country: Option<String>,
    /// Only offerings hosted by the organization with this slug.
    pub venue: Option<String>,
    /// Only offerings with this status.
    pub status: Option<OfferingStatus>,
    /// Only offerings starting on or after this date.
    pub starts_from: Option<Date>,
    /// Only offerings starting on or before this date.
    pub starts_to: Option<Date>,
}

/// Order of events.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum EventOrderBy {
    /// Latest first; undated ones last.
    #[default]
    Latest,
    /// Earliest first; undated ones first.
    Earliest,
}

/// Conditions on events; all given conditions must hold.
#[derive(InputObject, Clone, Debug, Default)]
pub struct EventFilter {
    /// Only events of these kinds.
    pub kinds: Option<Vec<EventKind>>,
    /// Only events held in the country with this ISO code.
    pub country: Option<String>,
    /// Only events of the network with this slug.
    pub network: Option<String>,
    /// Only events starting in or after this year.
    pub year_from: Option<i32>,
    /// Only events starting in or before this year.
    pub year_to: Option<i32>,
    /// Text in any language, matched without regard to case or accents.
    pub search: Option<String>,
}

/// Conditions on targets; all given conditions must hold.
#[derive(InputObject, Clone, Debug, Default)]
pub struct TargetFilter {
    /// Only targets of the network with this slug.
    pub network: Option<String>,
    /// Only targets counting this modality.
    pub modality: Option<Modality>,
}

fn col(table: &'static str, column: &'static str) -> Expr {
    Expr::col((table, column))
}

/// Adds a case- and accent-insensitive text match on the table's `search_text` column.
///
/// NOTE: `LIKE '%…%'` scans the table, because no B-tree index serves a substring match.
/// That is cheap at the data set's size, hundreds of rows. A trigram index on PostgreSQL
/// would be the next step for tables that grow to many thousands.
pub fn search(listing: Listing, text: Option<&str>) -> ApiResult<Listing> {
    let Some(text) = text else { return Ok(listing) };
    let folded = fold(text);
    if folded.is_empty() {
        return Err(ApiError::bad_input("filter.search", "`search` is empty; pass some text or leave it out."));
    }
    if folded.chars().count() > 200 {
        return Err(ApiError::bad_input("filter.search", "`search` is longer than 200 characters; shorten it."));
    }
    let pattern = format!("%{}%", like_escape(&folded));
    let table = listing.table;
    Ok(listing.filter(col(table, "search_text").like(LikeExpr::new(pattern).escape('\\'))))
}

/// `id IN (SELECT link_column FROM link WHERE other_column IN ids)`.
fn linked(
    table: &'static str,
    link: &'static str,
    link_column: &'static str,
    other_column: &'static str,
    ids: Vec<i32>,
) -> Expr {
    let subquery: SelectStatement =
        Query::select().column(link_column).from(link).and_where(Expr::col(other_column).is_in(ids)).take();
    col(table, "id").in_subquery(subquery)
}

fn db_values<T: Copy>(values: &[T], as_db: fn(T) -> &'static str) -> Vec<&'static str> {
    values.iter().map(|value| as_db(*value)).collect()
}

/// Resolves keys in filters to row ids, rejecting keys that name nothing.
pub struct KeyResolver<'a> {
    db: &'a DatabaseConnection,
    audience: &'a Audience,
}

impl<'a> KeyResolver<'a> {
    /// Resolves against `db` the keys of records `audience` may see, so that a filter on a
    /// hidden record fails as one on a missing record does.
    pub fn new(db: &'a DatabaseConnection, audience: &'a Audience) -> Self {
        KeyResolver { db, audience }
    }

    /// Returns the condition for rows of `table` that the audience may see; true when all may be.
    fn visible(&self, table: &str) -> Condition {
        match self.audience.condition(table) {
            Some(visible) => Condition::all().add(visible),
            None => Condition::all(),
        }
    }

    /// Resolves an ISO 3166-1 alpha-3 or alpha-2 code.
    pub async fn country(&self, field: &str, code: &str) -> ApiResult<i32> {
        let code = code.trim().to_ascii_uppercase();
        let found = countries::Entity::find()
            .select_only()
            .column(countries::Column::Id)
            .filter(countries::Column::Iso3.eq(code.as_str()).or(countries::Column::Iso2.eq(code.as_str())))
            .filter(self.visible("countries"))
            .into_tuple::<i32>()
            .one(self.db)
            .await?;
        found.ok_or_else(|| {
            ApiError::bad_input(
                field,
                format!(
                    "Unknown country code \"{}\"; pass an ISO 3166-1 alpha-3 code of an OAS member state, such as COL.",
                    crate::ids::shorten(&code)
                ),
            )
        })
    }

    /// Resolves an organization slug.
    pub async fn organization(&self, field: &str, slug: &str) -> ApiResult<i32> {
        let found = organizations::Entity::find()
            .select_only()
            .column(organizations::Column::Id)
            .filter(organizations::Column::Slug.eq(slug))
            .filter(self.visible("organizations"))
            .into_tuple::<i32>()
            .one(self.db)
            .await?;
        found.ok_or_else(|| unknown_key(field, "organization", slug))
    }

    /// Resolves a network slug.
    pub async fn network(&self, field: &str, slug: &str) -> ApiResult<i32> {
        let found = networks::Entity::find()
            .select_only()
            .column(networks::Column::Id)
            .filter(networks::Column::Slug.eq(slug))
            .filter(self.visible("networks"))
            .into_tuple::<i32>()
            .one(self.db)
            .await?;
        found.ok_or_else(|| unknown_key(field, "network", slug))
    }

    /// Resolves a topic slug to the topic and all its descendants.
    pub async fn topic_tree(&self, field: &str, slug: &str) -> ApiResult<Vec<i32>> {
        let all: Vec<(i32, String, Option<i32>)> = topics::Entity::find()
            .select_only()
            .columns([topics::Column::Id, topics::Column::Slug, topics::Column::ParentId])
            .filter(self.visible("topics"))
            .into_tuple()
            .all(self.db)
            .await?;
        let root = all
            .iter()
            .find(|(_, s, _)| s == slug)
            .map(|(id, _, _)| *id)
            .ok_or_else(|| unknown_key(field, "topic", slug))?;
        let mut tree = vec![root];
        let mut frontier = vec![root];
        while let Some(parent) = frontier.pop() {
            for (id, _, _) in all.iter().filter(|(_, _, p)| *p == Some(parent)) {
                if !tree.contains(id) {
                    tree.push(*id);
                    frontier.push(*id);
                }
            }
        }
        Ok(tree)
    }
}

fn unknown_key(field: &str, kind: &str, key: &str) -> ApiError {
    ApiError::bad_input(
        field,
        format!("Unknown {kind} slug \"{}\"; pass the `slug` of an existing {kind}.", crate::ids::shorten(key)),
    )
}

/// Builds the countries listing.
pub fn countries(filter: CountryFilter, order: CountryOrderBy) -> ApiResult<Listing> {
    let ordering = match order {
        CountryOrderBy::Name => Ordering::by_name("countries"),
        CountryOrderBy::Code => Ordering {
            name: "CODE",
            expr: col("countries", "iso3"),
            kind: crate::pagination::SortKind::Text,
            descending: false,
        },
        CountryOrderBy::MemberSince => Ordering::by_int("MEMBER_SINCE", "countries", "oas_member_since", false),
    };
    let mut listing = Listing::new("countries", ordering);
    if let Some(region) = filter.region {
        listing = listing.filter(col("countries", "region").eq(region.as_db()));
    }
    if let Some(status) = filter.oas_status {
        listing = listing.filter(col("countries", "oas_status").eq(status.as_db()));
    }
    search(listing, filter.search.as_deref())
}

/// Builds the topics listing.
pub async fn topics(keys: &KeyResolver<'_>, filter: TopicFilter) -> ApiResult<Listing> {
    let mut listing = Listing::new("topics", Ordering::by_name("topics"));
    if let Some(parent) = &filter.parent {
        let tree = keys.topic_tree("filter.parent", parent).await?;
        listing = listing.filter(col("topics", "parent_id").eq(tree[0]));
    }
    if filter.roots_only == Some(true) {
        listing = listing.filter(col("topics", "parent_id").is_null());
    }
    search(listing, filter.search.as_deref())
}

/// Builds the organizations listing.
pub async fn organizations(keys: &KeyResolver<'_>, filter: OrganizationFilter) -> ApiResult<Listing> {
    let mut listing = Listing::new("organizations", Ordering::by_name("organizations"));
    if let Some(kinds) = &filter.kinds {
        listing = listing.filter(col("organizations", "kind").is_in(db_values(kinds, OrganizationKind::as_db)));
    }
    if let Some(code) = &filter.country {
        let id = keys.country("filter.country", code).await?;
        listing = listing.filter(col("organizations", "country_id").eq(id));
    }
    search(listing, filter.search.as_deref())
}

/// Builds the police institutions listing.
pub async fn police_institutions(keys: &KeyResolver<'_>, filter: PoliceInstitutionFilter) -> ApiResult<Listing> {
    let mut listing = Listing::new("organizations", Ordering::by_name("organizations"))
        .filter(col("organizations", "kind").eq(OrganizationKind::PoliceInstitution.as_db()));
    if let Some(code) = &filter.country {
        let id = keys.country("filter.country", code).await?;
        listing = listing.filter(col("organizations", "country_id").eq(id));
    }
    if let Some(kinds) = &filter.kinds {
        listing = listing.filter(col("organizations", "police_kind").is_in(db_values(kinds, PoliceKind::as_db)));
    }
    if let Some(level) = filter.level {
        listing = listing.filter(col("organizations", "level").eq(level.as_db()));
    }
    if let Some(active) = filter.active {
        listing = listing.filter(col("organizations", "active").eq(active));
    }
    if let Some(standard) = &filter.certification_standard {
        let pattern = format!("%{}%", like_escape(&standard.trim().to_lowercase()));
        let subquery = Query::select()
            .column("institution_id")
            .from("quality_certifications")
            .and_where(Expr::expr(Func::lower(Expr::col("standard"))).like(LikeExpr::new(pattern).escape('\\')))
            .take();
        listing = listing.filter(col("organizations", "id").in_subquery(subquery));
    }
    search(listing, filter.search.as_deref())
}

/// Builds the quality certifications listing.
pub async fn quality_certifications(keys: &KeyResolver<'_>, filter: QualityCertificationFilter) -> ApiResult<Listing> {
    let table = "quality_certifications";
    let mut listing = Listing::new(table, Ordering::by_name(table));
    if let Some(code) = &filter.country {
        let id = keys.country("filter.country", code).await?;
        let subquery =
            Query::select().column("id").from("organizations").and_where(Expr::col("country_id").eq(id)).take();
        listing = listing.filter(col(table, "institution_id").in_subquery(subquery));
    }
    if let Some(slug) = &filter.institution {
        let id = keys.organization("filter.institution", slug).await?;
        listing = listing.filter(col(table, "institution_id").eq(id));
    }
    if let Some(standard) = &filter.standard {
        let pattern = format!("%{}%", like_escape(&standard.trim().to_lowercase()));
        listing =
            listing.filter(Expr::expr(Func::lower(col(table, "standard"))).like(LikeExpr::new(pattern).escape('\\')));
    }
    if let Some(statuses) = &filter.statuses {
        listing = listing.filter(col(table, "status").is_in(db_values(statuses, CertificationStatus::as_db)));
    }
    if let Some(Date(date)) = filter.valid_on {
        listing = listing
            .filter(col(table, "status").eq(CertificationStatus::Active.as_db()))
            .filter(col(table, "issued_on").lte(date))
            .filter(col(table, "expires_on").is_null().or(col(table, "expires_on").gte(date)));
    }
    if let Some(verified) = filter.verified {
        listing = listing.filter(col(table, "verified").eq(verified));
    }
    Ok(listing)
}

/// Builds the publications listing.
pub async fn publications(
    keys: &KeyResolver<'_>,
    filter: PublicationFilter,
    order: PublicationOrderBy,
) -> ApiResult<Listing> {
    let table = "publications";
    let ordering = match order {
        PublicationOrderBy::Newest => Ordering::by_int("NEWEST", table, "published_year", true),
        PublicationOrderBy::Oldest => Ordering::by_int("OLDEST", table, "published_year", false),
        PublicationOrderBy::Title => Ordering::by_name(table),
    };
    let mut listing = Listing::new(table, ordering);
    if let Some(kinds) = &filter.kinds {
        listing = listing.filter(col(table, "kind").is_in(db_values(kinds, PublicationKind::as_db)));
    }
    if let Some(code) = &filter.country {
        let id = keys.country("filter.country", code).await?;
        listing = listing.filter(linked(table, "publication_countries", "publication_id", "country_id", vec![id]));
    }
    if let Some(slug) = &filter.topic {
        let tree = keys.topic_tree("filter.topic", slug).await?;
        listing = listing.filter(linked(table, "publication_topics", "publication_id", "topic_id", tree));
    }
    if let Some(language) = &filter.language {
        let Some(locale) = crate::locale::Locale::from_code(language) else {
            return Err(ApiError::bad_input(
                "filter.language",
                format!("Unknown language \"{}\"; pass en, es, pt or fr.", crate::ids::shorten(language)),
            ));
        };
        // Languages are stored as a JSON array of codes; matching the quoted code is exact.
        let pattern = format!("%\"{}\"%", locale.code());
        listing = listing.filter(col(table, "languages").cast_as("TEXT").like(pattern));
    }
    if let Some(year) = filter.year_from {
        listing = listing.filter(col(table, "published_year").gte(year));
    }
    if let Some(year) = filter.year_to {
        listing = listing.filter(col(table, "published_year").lte(year));
    }
    if let Some(slug) = &filter.publisher {
        let id = keys.organization("filter.publisher", slug).await?;
        listing = listing.filter(col(table, "publisher_id").eq(id));
    }
    search(listing, filter.search.as_deref())
}

/// Builds the initiatives listing.
pub async fn initiatives(
    keys: &KeyResolver<'_>,
    filter: InitiativeFilter,
    order: InitiativeOrderBy,
) -> ApiResult<Listing> {
    let table = "initiatives";
    let ordering = match order {
        InitiativeOrderBy::Name => Ordering::by_name(table),
        InitiativeOrderBy::Newest => Ordering::by_int("NEWEST", table, "start_year", true),
        InitiativeOrderBy::Oldest => Ordering::by_int("OLDEST", table, "start_year", false),
    };
    let mut listing = Listing::new(table, ordering);
    if let Some(kinds) = &filter.kinds {
        listing = listing.filter(col(table, "kind").is_in(db_values(kinds, InitiativeKind::as_db)));
    }
    if let Some(code) = &filter.country {
        let id = keys.country("filter.country", code).await?;
        listing = listing.filter(linked(table, "initiative_countries", "initiative_id", "country_id", vec![id]));
    }
    if let Some(slug) = &filter.topic {
        let tree = keys.topic_tree("filter.topic", slug).await?;
        listing = listing.filter(linked(table, "initiative_topics", "initiative_id", "topic_id", tree));
    }
    if let Some(levels) = &filter.evidence_levels {
        let subquery = Query::select()
            .column("initiative_id")
            .from("evidence_ratings")
            .and_where(Expr::col("level").is_in(db_values(levels, EvidenceLevel::as_db)))
            .take();
        listing = listing.filter(col(table, "id").in_subquery(subquery));
    }
    if let Some(year) = filter.start_year_from {
        listing = listing.filter(col(table, "start_year").gte(year));
    }
    if let Some(year) = filter.start_year_to {
        listing = listing.filter(col(table, "start_year").lte(year));
    }
    search(listing, filter.search.as_deref())
}

/// Builds the courses listing.
pub async fn courses(keys: &KeyResolver<'_>, filter: CourseFilter, order: CourseOrderBy) -> ApiResult<Listing> {
    let table = "courses";
    let ordering = match order {
        CourseOrderBy::Title => Ordering::by_name(table),
        CourseOrderBy::Code => Ordering {
            name: "CODE",
            expr: col(table, "code"),
            kind: crate::pagination::SortKind::Text,
            descending: false,
        },
    };
    let mut listing = Listing::new(table, ordering);
    if let Some(modality) = filter.modality {
        listing = listing.filter(col(table, "modality").eq(modality.as_db()));
    }
    if let Some(slug) = &filter.network {
        let id = keys.network("filter.network", slug).await?;
        listing = listing.filter(col(table, "network_id").eq(id));
    }
    if let Some(slug) = &filter.topic {
        let tree = keys.topic_tree("filter.topic", slug).await?;
        listing = listing.filter(linked(table, "course_topics", "course_id", "topic_id", tree));
    }
    search(listing, filter.search.as_deref())
}

/// Builds the course offerings listing.
pub async fn course_offerings(
    keys: &KeyResolver<'_>,
    db: &DatabaseConnection,
    filter: CourseOfferingFilter,
    order: CourseOfferingOrderBy,
) -> ApiResult<Listing> {
    let table = "course_offerings";
    let ordering = match order {
        CourseOfferingOrderBy::StartsFirst => Ordering::by_date("STARTS_FIRST", table, "starts_on", false),
        CourseOfferingOrderBy::StartsLast => Ordering::by_date("STARTS_LAST", table, "starts_on", true),
    };
    let mut listing = Listing::new(table, ordering);
    if let Some(code) = &filter.course {
        let found = entities::courses::Entity::find()
            .select_only()
            .column(entities::courses::Column::Id)
            .filter(entities::courses::Column::Code.eq(code.trim()))
            .into_tuple::<i32>()
            .one(db)
            .await?;
        let id = found.ok_or_else(|| {
            ApiError::bad_input(
                "filter.course",
                format!(
                    "Unknown course code \"{}\"; pass the `code` of an existing course.",
                    crate::ids::shorten(code)
                ),
            )
        })?;
        listing = listing.filter(col(table, "course_id").eq(id));
    }
    if let Some(modality) = filter.modality {
        listing = listing.filter(col(table, "modality").eq(modality.as_db()));
    }
    if let Some(code) = &filter.country {
        let id = keys.country("filter.country", code).await?;
        listing = listing.filter(col(table, "country_id").eq(id));
    }
    if let Some(slug) = &filter.venue {
        let id = keys.organization("filter.venue", slug).await?;
        listing = listing.filter(col(table, "venue_id").eq(id));
    }
    if let Some(status) = filter.status {
        listing = listing.filter(col(table, "status").eq(status.as_db()));
    }
    if let Some(Date(date)) = filter.starts_from {
        listing = listing.filter(col(table, "starts_on").gte(date));
    }
    if let Some(Date(date)) = filter.starts_to {
        listing = listing.filter(col(table, "starts_on").lte(date));
    }
    Ok(listing)
}

/// Builds the events listing.
pub async fn events(keys: &KeyResolver<'_>, filter: EventFilter, order: EventOrderBy) -> ApiResult<Listing> {
    let table = "events";
    let ordering = match order {
        EventOrderBy::Latest => Ordering::by_date("LATEST", table, "starts_on", true),
        EventOrderBy::Earliest => Ordering::by_date("EARLIEST", table, "starts_on", false),
    };
    let mut listing = Listing::new(table, ordering);
    if let Some(kinds) = &filter.kinds {
        listing = listing.filter(col(table, "kind").is_in(db_values(kinds, EventKind::as_db)));
    }
    if let Some(code) = &filter.country {
        let id = keys.country("filter.country", code).await?;
        listing = listing.filter(col(table, "country_id").eq(id));
    }
    if let Some(slug) = &filter.network {
        let id = keys.network("filter.network", slug).await?;
        listing = listing.filter(linked(table, "event_networks", "event_id", "network_id", vec![id]));
    }
    if let Some(year) = filter.year_from {
        let first_day = calendar_day("filter.yearFrom", year, 1, 1)?;
        listing = listing.filter(col(table, "starts_on").gte(first_day));
    }
    if let Some(year) = filter.year_to {
        let last_day = calendar_day("filter.yearTo", year, 12, 31)?;
        listing = listing.filter(col(table, "starts_on").lte(last_day));
    }
    search(listing, filter.search.as_deref())
}

/// Builds a day of a filter's year, refusing years outside 0 to 9999: the range of the
/// `Date` scalar, and within what both databases store.
fn calendar_day(field: &str, year: i32, month: u32, day: u32) -> ApiResult<NaiveDate> {
    (0..=9999)
        .contains(&year)
        .then(|| NaiveDate::from_ymd_opt(year, month, day))
        .flatten()
        .ok_or_else(|| ApiError::bad_input(field, format!("Year {year} is out of range; pass a year from 0 to 9999.")))
}

/// Builds the targets listing.
pub async fn targets(keys: &KeyResolver<'_>, filter: TargetFilter) -> ApiResult<Listing> {
    let table = "targets";
    let mut listing = Listing::new(table, Ordering::by_int("ID", table, "id", false));
    if let Some(slug) = &filter.network {
        let id = keys.network("filter.network", slug).await?;
        listing = listing.filter(col(table, "network_id").eq(id));
    }
    if let Some(modality) = filter.modality {
        listing = listing.filter(col(table, "modality").eq(modality.as_db()));
    }
    Ok(listing)
}

/// Builds the networks listing.
pub fn networks(search_text: Option<&str>) -> ApiResult<Listing> {
    search(Listing::new("networks", Ordering::by_name("networks")), search_text)
}
