//! The root query type: one list and one lookup per kind, plus Relay `node` and `nodes`.

use async_graphql::futures_util::future::try_join_all;
use async_graphql::{Context, ID, Interface, Object, Result};
use entities::{
    accreditations, countries, course_offerings, courses, enrolments, events, initiatives, members, networks, officers,
    organizations, publications, quality_certifications, targets, topics,
};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

use super::common::{audience, database, root_page, viewer};
use super::content::{Event, EventConnection, Initiative, InitiativeConnection, Publication, PublicationConnection};
use super::filters::{self, *};
use super::members::{Member, MemberConnection, members_listing, require_member};
use super::organizations::{
    Organization, OrganizationConnection, PoliceInstitution, PoliceInstitutionConnection, QualityCertification,
    QualityCertificationConnection,
};
use super::places::{
    Country, CountryConnection, Network, NetworkConnection, Target, TargetConnection, Topic, TopicConnection,
};
use super::records::{Enrolment, Officer};
use super::training::{Accreditation, Course, CourseConnection, CourseOffering, CourseOfferingConnection};
use crate::enums::OrganizationKind;
use crate::error::{ApiError, ApiResult};
use crate::ids::{decode_global_id, shorten};
use crate::loaders::load_by_id;
use crate::locale::{Locale, request_locale};
use crate::pagination::PageArgs;

/// An object with a global id, fetchable with `node(id:)`.
#[derive(Interface)]
#[graphql(field(name = "id", ty = "ID", desc = "Opaque global id, stable for the life of the record."))]
pub enum Node {
    /// A country.
    Country(Country),
    /// A topic.
    Topic(Topic),
    /// A network.
    Network(Network),
    /// An organization.
    Organization(Organization),
    /// A police institution.
    PoliceInstitution(PoliceInstitution),
    /// A quality certification.
    QualityCertification(QualityCertification),
    /// A publication.
    Publication(Publication),
    /// An initiative.
    Initiative(Initiative),
    /// A course.
    Course(Course),
    /// An accreditation.
    Accreditation(Accreditation),
    /// A course offering.
    CourseOffering(CourseOffering),
    /// An event.
    Event(Event),
    /// A target.
    Target(Target),
    /// A member; visible to signed-in members only.
    Member(Member),
    /// An officer's training record; visible to the officer, their institution's coordinators and admins.
    Officer(Officer),
    /// An enrolment; visible to the officer, their institution's coordinators and admins.
    Enrolment(Enrolment),
}

/// The graph's catalogue, reference data, members and lookups by id.
#[derive(Default)]
pub struct CoreQuery;

fn not_found(kind: &str, key_name: &str, key: &str) -> ApiError {
    ApiError::NotFound(format!("No {kind} has {key_name} \"{}\".", shorten(key)))
}

async fn one<E>(ctx: &Context<'_>, column: E::Column, key: &str, kind: &str, key_name: &str) -> ApiResult<E::Model>
where
    E: EntityTrait,
{
    let mut select = E::find().filter(column.eq(key.trim()));
    if let Some(visible) = audience(ctx)?.condition(E::default().table_name()) {
        select = select.filter(visible);
    }
    select.one(database(ctx)?).await?.ok_or_else(|| not_found(kind, key_name, key))
}

/// Loads the object a global id names.
async fn load_node(ctx: &Context<'_>, global_id: &str) -> ApiResult<Option<Node>> {
    let (type_name, row_id) = decode_global_id(global_id)?;
    let id = Some(row_id);
    let node = match type_name.as_str() {
        "Country" => load_by_id::<countries::Entity>(ctx, id).await?.map(|m| Node::Country(Country(m))),
        "Topic" => load_by_id::<topics::Entity>(ctx, id).await?.map(|m| Node::Topic(Topic(m))),
        "Network" => load_by_id::<networks::Entity>(ctx, id).await?.map(|m| Node::Network(Network(m))),
        "Organization" => {
            load_by_id::<organizations::Entity>(ctx, id).await?.map(|m| Node::Organization(Organization(m)))
        }
        "PoliceInstitution" => load_by_id::<organizations::Entity>(ctx, id)
            .await?
            .filter(|m| m.kind == OrganizationKind::PoliceInstitution.as_db())
            .map(|m| Node::PoliceInstitution(PoliceInstitution(m))),
        "QualityCertification" => load_by_id::<quality_certifications::Entity>(ctx, id)
            .await?
            .map(|m| Node::QualityCertification(QualityCertification(m))),
        "Publication" => load_by_id::<publications::Entity>(ctx, id).await?.map(|m| Node::Publication(Publication(m))),
        "Initiative" => load_by_id::<initiatives::Entity>(ctx, id).await?.map(|m| Node::Initiative(Initiative(m))),
        "Course" => load_by_id::<courses::Entity>(ctx, id).await?.map(|m| Node::Course(Course(m))),
        "Accreditation" => {
            load_by_id::<accreditations::Entity>(ctx, id).await?.map(|m| Node::Accreditation(Accreditation(m)))
        }
        "CourseOffering" => {
            load_by_id::<course_offerings::Entity>(ctx, id).await?.map(|m| Node::CourseOffering(CourseOffering(m)))
        }
        "Event" => load_by_id::<events::Entity>(ctx, id).await?.map(|m| Node::Event(Event(m))),
        "Target" => load_by_id::<targets::Entity>(ctx, id).await?.map(|m| Node::Target(Target(m))),
        // The member directory is for members: anyone else gets null, as for a missing record.
        "Member" if viewer(ctx)?.reads_members_only() => {
            load_by_id::<members::Entity>(ctx, id).await?.filter(|m| m.active).map(|m| Node::Member(Member(m)))
        }
        "Member" => None,
        "Officer" => load_by_id::<officers::Entity>(ctx, id).await?.map(|m| Node::Officer(Officer(m))),
        "Enrolment" => load_by_id::<enrolments::Entity>(ctx, id).await?.map(|m| Node::Enrolment(Enrolment(m))),
        _ => {
            return Err(ApiError::bad_input(
                "id",
                format!("Invalid ID \"{}\": pass an `id` value returned by this API unchanged.", shorten(global_id)),
            ));
        }
    };
    Ok(node)
}

/// Loads the record a type name and row id name, whatever its status, for the payloads
/// of mutations: their callers may change the record, so they may see it.
pub async fn load_node_unrestricted(
    db: &sea_orm::DatabaseConnection,
    type_name: &str,
    id: i32,
) -> ApiResult<Option<Node>> {
    Ok(match type_name {
        "Country" => countries::Entity::find_by_id(id).one(db).await?.map(|m| Node::Country(Country(m))),
        "Topic" => topics::Entity::find_by_id(id).one(db).await?.map(|m| Node::Topic(Topic(m))),
        "Network" => networks::Entity::find_by_id(id).one(db).await?.map(|m| Node::Network(Network(m))),
        "Organization" => {
            organizations::Entity::find_by_id(id).one(db).await?.map(|m| Node::Organization(Organization(m)))
        }
        "PoliceInstitution" => {
            organizations::Entity::find_by_id(id).one(db).await?.map(|m| Node::PoliceInstitution(PoliceInstitution(m)))
        }
        "QualityCertification" => quality_certifications::Entity::find_by_id(id)
            .one(db)
            .await?
            .map(|m| Node::QualityCertification(QualityCertification(m))),
        "Publication" => publications::Entity::find_by_id(id).one(db).await?.map(|m| Node::Publication(Publication(m))),
        "Initiative" => initiatives::Entity::find_by_id(id).one(db).await?.map(|m| Node::Initiative(Initiative(m))),
        "Course" => courses::Entity::find_by_id(id).one(db).await?.map(|m| Node::Course(Course(m))),
        "CourseOffering" => {
            course_offerings::Entity::find_by_id(id).one(db).await?.map(|m| Node::CourseOffering(CourseOffering(m)))
        }
        "Event" => events::Entity::find_by_id(id).one(db).await?.map(|m| Node::Event(Event(m))),
        "Target" => targets::Entity::find_by_id(id).one(db).await?.map(|m| Node::Target(Target(m))),
        _ => None,
    })
}

/// Read access to the networks' graph.
#[Object]
#[allow(clippy::too_many_arguments, reason = "list fields take a filter, an order and the four Relay paging arguments")]
impl CoreQuery {
    /// Fetches any object by its global id; null when it no longer exists.
    async fn node(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "A global id from an `id` field.")] id: ID,
    ) -> Result<Option<Node>> {
        Ok(load_node(ctx, &id).await?)
    }

    /// Fetches objects by global ids, in the order given, with null for those that no
    /// longer exist; at most 100 ids.
    async fn nodes(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Global ids from `id` fields.")] ids: Vec<ID>,
    ) -> Result<Vec<Option<Node>>> {
        let max_ids = super::common::max_page_size(ctx);
        if ids.len() > usize::try_from(max_ids).unwrap_or_default() {
            return Err(ApiError::bad_input(
                "ids",
                format!("{} ids were passed; pass at most {max_ids} per request.", ids.len()),
            )
            .into());
        }
        Ok(try_join_all(ids.iter().map(|id| load_node(ctx, id))).await?)
    }

    /// The signed-in member making the request; null for anonymous callers and for valid
    /// tokens whose subject matches no active member.
    async fn viewer(&self, ctx: &Context<'_>) -> Result<Option<Member>> {
        let Some(id) = viewer(ctx)?.member_id() else { return Ok(None) };
        Ok(load_by_id::<members::Entity>(ctx, Some(id)).await?.map(Member))
    }

    /// Active members of the networks, in the order they joined: visible to signed-in members only.
    #[graphql(complexity = "super::common::page_cost(first, last) * child_complexity")]
    async fn members(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Number of rows to return after `after`: at most 100, 20 by default.")] first: Option<i32>,
        #[graphql(desc = "Cursor after which to start.")] after: Option<String>,
        #[graphql(desc = "Number of rows to return before `before`: at most 100.")] last: Option<i32>,
        #[graphql(desc = "Cursor before which to stop.")] before: Option<String>,
    ) -> Result<MemberConnection> {
        require_member(ctx)?;
        Ok(root_page(ctx, members_listing(), PageArgs::new(first, after, last, before)).await?.into())
    }

    /// The locale this request's texts default to, negotiated from `Accept-Language`.
    async fn request_locale(&self, ctx: &Context<'_>) -> Locale {
        request_locale(ctx)
    }

    /// OAS member states.
    #[graphql(complexity = "super::common::page_cost(first, last) * child_complexity")]
    async fn countries(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Conditions the countries must meet.")] filter: Option<CountryFilter>,
        #[graphql(desc = "Order of the list; defaults to NAME.")] order_by: Option<CountryOrderBy>,
        #[graphql(desc = "Number of rows to return after `after`: at most 100, 20 by default.")] first: Option<i32>,
        #[graphql(desc = "Cursor of the row after which the page starts (`pageInfo.endCursor` of the previous page).")]
        after: Option<String>,
        #[graphql(desc = "Number of rows to return before `before`, at most 100.")] last: Option<i32>,
        #[graphql(desc = "Cursor of the row before which the page ends (`pageInfo.startCursor` of the next page).")]
        before: Option<String>,
    ) -> Result<CountryConnection> {
        let listing = filters::countries(filter.unwrap_or_default(), order_by.unwrap_or_default())?;
        Ok(root_page(ctx, listing, PageArgs::new(first, after, last, before)).await?.into())
    }

    /// A country by ISO 3166-1 alpha-3 or alpha-2 code.
    async fn country(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "ISO 3166-1 code, such as `COL` or `CO`.")] code: String,
    ) -> Result<Country> {
        let upper = code.trim().to_ascii_uppercase();
        let column = if upper.len() == 2 { countries::Column::Iso2 } else { countries::Column::Iso3 };
        Ok(Country(one::<countries::Entity>(ctx, column, &upper, "country", "code").await?))
    }

    /// Topics of the taxonomy.
    #[graphql(complexity = "super::common::page_cost(first, last) * child_complexity")]
    async fn topics(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Conditions the topics must meet.")] filter: Option<TopicFilter>,
        #[graphql(desc = "Number of rows to return after `after`: at most 100, 20 by default.")] first: Option<i32>,
        #[graphql(desc = "Cursor of the row after which the page starts (`pageInfo.endCursor` of the previous page).")]
        after: Option<String>,
        #[graphql(desc = "Number of rows to return before `before`, at most 100.")] last: Option<i32>,
        #[graphql(desc = "Cursor of the row before which the page ends (`pageInfo.startCursor` of the next page).")]
        before: Option<String>,
    ) -> Result<TopicConnection> {
        let keys = KeyResolver::new(database(ctx)?, audience(ctx)?);
        let listing = filters::topics(&keys, filter.unwrap_or_default()).await?;
        Ok(root_page(ctx, listing, PageArgs::new(first, after, last, before)).await?.into())
    }

    /// A topic by slug.
    async fn topic(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Slug, such as `topic-homicide-reduction`.")] slug: String,
    ) -> Result<Topic> {
        Ok(Topic(one::<topics::Entity>(ctx, topics::Column::Slug, &slug, "topic", "slug").await?))
    }

    /// The OAS networks.
    #[graphql(complexity = "super::common::page_cost(first, last) * child_complexity")]
    async fn networks(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Text in any language, matched without regard to case or accents.")] search: Option<String>,
        #[graphql(desc = "Number of rows to return after `after`: at most 100, 20 by default.")] first: Option<i32>,
        #[graphql(desc = "Cursor of the row after which the page starts (`pageInfo.endCursor` of the previous page).")]
        after: Option<String>,
        #[graphql(desc = "Number of rows to return before `before`, at most 100.")] last: Option<i32>,
        #[graphql(desc = "Cursor of the row before which the page ends (`pageInfo.startCursor` of the next page).")]
        before: Option<String>,
    ) -> Result<NetworkConnection> {
        let listing = filters::networks(search.as_deref())?;
        Ok(root_page(ctx, listing, PageArgs::new(first, after, last, before)).await?.into())
    }

    /// A network by slug.
    async fn network(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Slug, such as `network-redppol`.")] slug: String,
    ) -> Result<Network> {
        Ok(Network(one::<networks::Entity>(ctx, networks::Column::Slug, &slug, "network", "slug").await?))
    }

    /// Organizations of every kind, police institutions included.
    #[graphql(complexity = "super::common::page_cost(first, last) * child_complexity")]
    async fn organizations(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Conditions the organizations must meet.")] filter: Option<OrganizationFilter>,
        #[graphql(desc = "Number of rows to return after `after`: at most 100, 20 by default.")] first: Option<i32>,
        #[graphql(desc = "Cursor of the row after which the page starts (`pageInfo.endCursor` of the previous page).")]
        after: Option<String>,
        #[graphql(desc = "Number of rows to return before `before`, at most 100.")] last: Option<i32>,
        #[graphql(desc = "Cursor of the row before which the page ends (`pageInfo.startCursor` of the next page).")]
        before: Option<String>,
    ) -> Result<OrganizationConnection> {
        let keys = KeyResolver::new(database(ctx)?, audience(ctx)?);
        let listing = filters::organizations(&keys, filter.unwrap_or_default()).await?;
        Ok(root_page(ctx, listing, PageArgs::new(first, after, last, before)).await?.into())
    }

    /// An organization by slug.
    async fn organization(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Slug, such as `org-oas-dps`.")] slug: String,
    ) -> Result<Organization> {
        Ok(Organization(
            one::<organizations::Entity>(ctx, organizations::Column::Slug, &slug, "organization", "slug").await?,
        ))
    }

    /// Police institutions of the member states.
    #[graphql(complexity = "super::common::page_cost(first, last) * child_complexity")]
    async fn police_institutions(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Conditions the institutions must meet.")] filter: Option<PoliceInstitutionFilter>,
        #[graphql(desc = "Number of rows to return after `after`: at most 100, 20 by default.")] first: Option<i32>,
        #[graphql(desc = "Cursor of the row after which the page starts (`pageInfo.endCursor` of the previous page).")]
        after: Option<String>,
        #[graphql(desc = "Number of rows to return before `before`, at most 100.")] last: Option<i32>,
        #[graphql(desc = "Cursor of the row before which the page ends (`pageInfo.startCursor` of the next page).")]
        before: Option<String>,
    ) -> Result<PoliceInstitutionConnection> {
        let keys = KeyResolver::new(database(ctx)?, audience(ctx)?);
        let listing = filters::police_institutions(&keys, filter.unwrap_or_default()).await?;
        Ok(root_page(ctx, listing, PageArgs::new(first, after, last, before)).await?.into())
    }

    /// A police institution by slug.
    async fn police_institution(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Slug, such as `inst-pnc-col`.")] slug: String,
    ) -> Result<PoliceInstitution> {
        let model =
            one::<organizations::Entity>(ctx, organizations::Column::Slug, &slug, "police institution", "slug").await?;
        if model.kind != OrganizationKind::PoliceInstitution.as_db() {
            return Err(not_found("police institution", "slug", &slug).into());
        }
        Ok(PoliceInstitution(model))
    }

    /// Quality certifications and accreditations of police institutions.
    #[graphql(complexity = "super::common::page_cost(first, last) * child_complexity")]
    async fn quality_certifications(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Conditions the certifications must meet.")] filter: Option<QualityCertificationFilter>,
        #[graphql(desc = "Number of rows to return after `after`: at most 100, 20 by default.")] first: Option<i32>,
        #[graphql(desc = "Cursor of the row after which the page starts (`pageInfo.endCursor` of the previous page).")]
        after: Option<String>,
        #[graphql(desc = "Number of rows to return before `before`, at most 100.")] last: Option<i32>,
        #[graphql(desc = "Cursor of the row before which the page ends (`pageInfo.startCursor` of the next page).")]
        before: Option<String>,
    ) -> Result<QualityCertificationConnection> {
        let keys = KeyResolver::new(database(ctx)?, audience(ctx)?);
        let listing = filters::quality_certifications(&keys, filter.unwrap_or_default()).await?;
        Ok(root_page(ctx, listing, PageArgs::new(first, after, last, before)).await?.into())
    }

    /// A quality certification by slug.
    async fn quality_certification(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Slug, such as `cert-pnc-col-iso9001-oas`.")] slug: String,
    ) -> Result<QualityCertification> {
        Ok(QualityCertification(
            one::<quality_certifications::Entity>(
                ctx,
                quality_certifications::Column::Slug,
                &slug,
                "quality certification",
                "slug",
            )
            .await?,
        ))
    }

    /// Publications: reports, guides, manuals, articles, news, videos and data sets.
    #[graphql(complexity = "super::common::page_cost(first, last) * child_complexity")]
    async fn publications(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Conditions the publications must meet.")] filter: Option<PublicationFilter>,
        #[graphql(desc = "Order of the list; defaults to NEWEST.")] order_by: Option<PublicationOrderBy>,
        #[graphql(desc = "Number of rows to return after `after`: at most 100, 20 by default.")] first: Option<i32>,
        #[graphql(desc = "Cursor of the row after which the page starts (`pageInfo.endCursor` of the previous page).")]
        after: Option<String>,
        #[graphql(desc = "Number of rows to return before `before`, at most 100.")] last: Option<i32>,
        #[graphql(desc = "Cursor of the row before which the page ends (`pageInfo.startCursor` of the next page).")]
        before: Option<String>,
    ) -> Result<PublicationConnection> {
        let keys = KeyResolver::new(database(ctx)?, audience(ctx)?);
        let listing = filters::publications(&keys, filter.unwrap_or_default(), order_by.unwrap_or_default()).await?;
        Ok(root_page(ctx, listing, PageArgs::new(first, after, last, before)).await?.into())
    }

    /// A publication by slug.
    async fn publication(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Slug, such as `pub-unodc-gsh-2013`.")] slug: String,
    ) -> Result<Publication> {
        Ok(Publication(
            one::<publications::Entity>(ctx, publications::Column::Slug, &slug, "publication", "slug").await?,
        ))
    }

    /// Programs, practices, policies, laws and initiatives, with their evidence.
    #[graphql(complexity = "super::common::page_cost(first, last) * child_complexity")]
    async fn initiatives(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Conditions the initiatives must meet.")] filter: Option<InitiativeFilter>,
        #[graphql(desc = "Order of the list; defaults to NAME.")] order_by: Option<InitiativeOrderBy>,
        #[graphql(desc = "Number of rows to return after `after`: at most 100, 20 by default.")] first: Option<i32>,
        #[graphql(desc = "Cursor of the row after which the page starts (`pageInfo.endCursor` of the previous page).")]
        after: Option<String>,
        #[graphql(desc = "Number of rows to return before `before`, at most 100.")] last: Option<i32>,
        #[graphql(desc = "Cursor of the row before which the page ends (`pageInfo.startCursor` of the next page).")]
        before: Option<String>,
    ) -> Result<InitiativeConnection> {
        let keys = KeyResolver::new(database(ctx)?, audience(ctx)?);
        let listing = filters::initiatives(&keys, filter.unwrap_or_default(), order_by.unwrap_or_default()).await?;
        Ok(root_page(ctx, listing, PageArgs::new(first, after, last, before)).await?.into())
    }

    /// An initiative by slug.
    async fn initiative(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Slug, such as `init-fica-vivo`.")] slug: String,
    ) -> Result<Initiative> {
        Ok(Initiative(one::<initiatives::Entity>(ctx, initiatives::Column::Slug, &slug, "initiative", "slug").await?))
    }

    /// The course catalogue.
    #[graphql(complexity = "super::common::page_cost(first, last) * child_complexity")]
    async fn courses(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Conditions the courses must meet.")] filter: Option<CourseFilter>,
        #[graphql(desc = "Order of the list; defaults to TITLE.")] order_by: Option<CourseOrderBy>,
        #[graphql(desc = "Number of rows to return after `after`: at most 100, 20 by default.")] first: Option<i32>,
        #[graphql(desc = "Cursor of the row after which the page starts (`pageInfo.endCursor` of the previous page).")]
        after: Option<String>,
        #[graphql(desc = "Number of rows to return before `before`, at most 100.")] last: Option<i32>,
        #[graphql(desc = "Cursor of the row before which the page ends (`pageInfo.startCursor` of the next page).")]
        before: Option<String>,
    ) -> Result<CourseConnection> {
        let keys = KeyResolver::new(database(ctx)?, audience(ctx)?);
        let listing = filters::courses(&keys, filter.unwrap_or_default(), order_by.unwrap_or_default()).await?;
        Ok(root_page(ctx, listing, PageArgs::new(first, after, last, before)).await?.into())
    }

    /// A course by catalogue code.
    async fn course(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Catalogue code, such as `REDPPOL-OS`.")] code: String,
    ) -> Result<Course> {
        Ok(Course(one::<courses::Entity>(ctx, courses::Column::Code, &code, "course", "code").await?))
    }

    /// Editions of courses.
    #[graphql(complexity = "super::common::page_cost(first, last) * child_complexity")]
    async fn course_offerings(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Conditions the offerings must meet.")] filter: Option<CourseOfferingFilter>,
        #[graphql(desc = "Order of the list; defaults to STARTS_FIRST.")] order_by: Option<CourseOfferingOrderBy>,
        #[graphql(desc = "Number of rows to return after `after`: at most 100, 20 by default.")] first: Option<i32>,
        #[graphql(desc = "Cursor of the row after which the page starts (`pageInfo.endCursor` of the previous page).")]
        after: Option<String>,
        #[graphql(desc = "Number of rows to return before `before`, at most 100.")] last: Option<i32>,
        #[graphql(desc = "Cursor of the row before which the page ends (`pageInfo.startCursor` of the next page).")]
        before: Option<String>,
    ) -> Result<CourseOfferingConnection> {
        let database = database(ctx)?;
        let keys = KeyResolver::new(database, audience(ctx)?);
        let listing =
            filters::course_offerings(&keys, database, filter.unwrap_or_default(), order_by.unwrap_or_default())
                .await?;
        Ok(root_page(ctx, listing, PageArgs::new(first, after, last, before)).await?.into())
    }

    /// A course offering by slug.
    async fn course_offering(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Slug, such as `offering-redppol-onsite-2019-ecu`.")] slug: String,
    ) -> Result<CourseOffering> {
        Ok(CourseOffering(
            one::<course_offerings::Entity>(ctx, course_offerings::Column::Slug, &slug, "course offering", "slug")
                .await?,
        ))
    }

    /// Events: launches, assemblies, ministerial meetings, trainings and forums.
    #[graphql(complexity = "super::common::page_cost(first, last) * child_complexity")]
    async fn events(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Conditions the events must meet.")] filter: Option<EventFilter>,
        #[graphql(desc = "Order of the list; defaults to LATEST.")] order_by: Option<EventOrderBy>,
        #[graphql(desc = "Number of rows to return after `after`: at most 100, 20 by default.")] first: Option<i32>,
        #[graphql(desc = "Cursor of the row after which the page starts (`pageInfo.endCursor` of the previous page).")]
        after: Option<String>,
        #[graphql(desc = "Number of rows to return before `before`, at most 100.")] last: Option<i32>,
        #[graphql(desc = "Cursor of the row before which the page ends (`pageInfo.startCursor` of the next page).")]
        before: Option<String>,
    ) -> Result<EventConnection> {
        let keys = KeyResolver::new(database(ctx)?, audience(ctx)?);
        let listing = filters::events(&keys, filter.unwrap_or_default(), order_by.unwrap_or_default()).await?;
        Ok(root_page(ctx, listing, PageArgs::new(first, after, last, before)).await?.into())
    }

    /// An event by slug.
    async fn event(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Slug, such as `evt-mispa-5-2015`.")] slug: String,
    ) -> Result<Event> {
        Ok(Event(one::<events::Entity>(ctx, events::Column::Slug, &slug, "event", "slug").await?))
    }

    /// The networks' quantified goals.
    #[graphql(complexity = "super::common::page_cost(first, last) * child_complexity")]
    async fn targets(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Conditions the targets must meet.")] filter: Option<TargetFilter>,
        #[graphql(desc = "Number of rows to return after `after`: at most 100, 20 by default.")] first: Option<i32>,
        #[graphql(desc = "Cursor of the row after which the page starts (`pageInfo.endCursor` of the previous page).")]
        after: Option<String>,
        #[graphql(desc = "Number of rows to return before `before`, at most 100.")] last: Option<i32>,
        #[graphql(desc = "Cursor of the row before which the page ends (`pageInfo.startCursor` of the next page).")]
        before: Option<String>,
    ) -> Result<TargetConnection> {
        let keys = KeyResolver::new(database(ctx)?, audience(ctx)?);
        let listing = filters::targets(&keys, filter.unwrap_or_default()).await?;
        Ok(root_page(ctx, listing, PageArgs::new(first, after, last, before)).await?.into())
    }

    /// A target by slug.
    async fn target(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Slug, such as `target-redppol-onsite-340`.")] slug: String,
    ) -> Result<Target> {
        Ok(Target(one::<targets::Entity>(ctx, targets::Column::Slug, &slug, "target", "slug").await?))
    }
}
