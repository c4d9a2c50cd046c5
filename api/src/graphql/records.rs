//! Training records: officers and instructors, their enrolments in course offerings, and
//! the certificates issued on completion.
//!
//! These are personal data. Every read goes through the request's audience, which lets
//! an officer see their own records, an institution's coordinators see its officers'
//! records, and admins see all; everyone else sees none. Totals such as seats taken and
//! target progress are public; rows are not.

use async_graphql::{Context, ID, InputObject, MaybeUndefined, Object, Result, SimpleObject};
use chrono::{DateTime, Utc};
use entities::{certificates, countries, course_offerings, courses, enrolments, members, officers, organizations};
use sea_orm::sea_query::{Expr, ExprTrait, LikeExpr, Query};
use sea_orm::{
    ActiveModelTrait, ActiveValue, ColumnTrait, ConnectionTrait, DatabaseTransaction, EntityTrait, IntoActiveModel,
    PaginatorTrait, QueryFilter,
};

use super::common::{connection, database, nested_page, root_page, viewer};
use super::editorial::{Checks, SHORT_TEXT, UserError, UserErrorCode, check_version, resolve_id};
use super::members::{Member, email};
use super::organizations::PoliceInstitution;
use super::places::Country;
use super::relations::{EnrolmentCertificates, OfficerEnrolments};
use super::scalars::Date;
use super::training::{Course, CourseOffering};
use crate::auth::{TokenScope, Viewer};
use crate::enums::{CertificateStatus, EnrolmentStatus, OfferingStatus, OfficerRole, stored};
use crate::error::{ApiError, ApiResult};
use crate::ids::encode_global_id;
use crate::loaders::{load_by_id, load_list};
use crate::pagination::{Listing, Ordering, PageArgs};
use crate::text::{fold, like_escape};
use crate::training::{begin_write, certificates as certificate_codes, enrolment, progress};

/// A police officer or instructor with training records.
#[derive(Clone, Debug)]
pub struct Officer(pub officers::Model);

/// A police officer or instructor with training records: personal data, visible to the
/// officer, to coordinators of the officer's institution and to admins.
#[Object]
impl Officer {
    /// Opaque global id.
    pub async fn id(&self) -> ID {
        ID(encode_global_id("Officer", self.0.id))
    }

    /// The name as printed on certificates.
    async fn display_name(&self) -> &str {
        &self.0.display_name
    }

    /// Officer or instructor.
    async fn role(&self) -> Result<OfficerRole> {
        Ok(stored("officers.role", &self.0.role)?)
    }

    /// Rank within the institution, as the institution writes it.
    async fn rank(&self) -> Option<&str> {
        self.0.rank.as_deref()
    }

    /// The institution's own identifier for the officer, used to match bulk imports.
    async fn external_ref(&self) -> Option<&str> {
        self.0.external_ref.as_deref()
    }

    /// Contact address.
    async fn email(&self) -> Option<&str> {
        self.0.email.as_deref()
    }

    /// The police institution the officer serves in.
    async fn institution(&self, ctx: &Context<'_>) -> Result<Option<PoliceInstitution>> {
        Ok(load_by_id::<organizations::Entity>(ctx, Some(self.0.institution_id)).await?.map(PoliceInstitution))
    }

    /// The country the officer serves in.
    async fn country(&self, ctx: &Context<'_>) -> Result<Option<Country>> {
        Ok(load_by_id::<countries::Entity>(ctx, Some(self.0.country_id)).await?.map(Country))
    }

    /// The member account the officer signs in with, when one is linked.
    async fn member(&self, ctx: &Context<'_>) -> Result<Option<Member>> {
        Ok(load_by_id::<members::Entity>(ctx, self.0.member_id).await?.map(Member))
    }

    /// Whether the record is current; inactive officers keep their history.
    async fn active(&self) -> bool {
        self.0.active
    }

    /// The record's version, for `expectedVersion` in updateOfficer.
    async fn version(&self) -> i32 {
        self.0.version
    }

    /// When the record was last changed.
    async fn updated_at(&self) -> DateTime<Utc> {
        self.0.updated_at
    }

    /// The officer's enrolments, oldest first.
    #[graphql(complexity = "super::common::page_cost(first, last) * child_complexity")]
    async fn enrolments(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Number of rows to return after `after`: at most 100, 20 by default.")] first: Option<i32>,
        #[graphql(desc = "Cursor after which to start.")] after: Option<String>,
        #[graphql(desc = "Number of rows to return before `before`: at most 100.")] last: Option<i32>,
        #[graphql(desc = "Cursor before which to stop.")] before: Option<String>,
    ) -> Result<EnrolmentConnection> {
        let args = PageArgs::new(first, after, last, before);
        Ok(nested_page::<OfficerEnrolments>(ctx, self.0.id, args).await?.into())
    }
}

connection!(OfficerConnection, OfficerEdge, Officer, officers::Model, "A page of officers.", "An officer in a page.");

/// An officer's place in a course offering.
#[derive(Clone, Debug)]
pub struct Enrolment(pub enrolments::Model);

/// An officer's place in a course offering, from application to result: personal data,
/// visible to the officer, to coordinators of the officer's institution and to admins.
#[Object]
impl Enrolment {
    /// Opaque global id.
    pub async fn id(&self) -> ID {
        ID(encode_global_id("Enrolment", self.0.id))
    }

    /// Status of the enrolment.
    async fn status(&self) -> Result<EnrolmentStatus> {
        Ok(stored("enrolments.status", &self.0.status)?)
    }

    /// The officer.
    async fn officer(&self, ctx: &Context<'_>) -> Result<Option<Officer>> {
        Ok(load_by_id::<officers::Entity>(ctx, Some(self.0.officer_id)).await?.map(Officer))
    }

    /// The course offering; null when the caller may not see it (a draft, for example).
    async fn offering(&self, ctx: &Context<'_>) -> Result<Option<CourseOffering>> {
        Ok(load_by_id::<course_offerings::Entity>(ctx, Some(self.0.offering_id)).await?.map(CourseOffering))
    }

    /// The offering's course; null when the caller may not see it.
    async fn course(&self, ctx: &Context<'_>) -> Result<Option<Course>> {
        Ok(load_by_id::<courses::Entity>(ctx, Some(self.0.course_id)).await?.map(Course))
    }

    /// When the officer applied, or was first enrolled or waitlisted.
    async fn applied_at(&self) -> DateTime<Utc> {
        self.0.applied_at
    }

    /// When the officer got a seat.
    async fn enrolled_at(&self) -> Option<DateTime<Utc>> {
        self.0.enrolled_at
    }

    /// When the officer joined the waiting list; the list is served in this order.
    async fn waitlisted_at(&self) -> Option<DateTime<Utc>> {
        self.0.waitlisted_at
    }

    /// When the officer withdrew.
    async fn withdrawn_at(&self) -> Option<DateTime<Utc>> {
        self.0.withdrawn_at
    }

    /// The day the officer completed (or failed) the course.
    async fn completed_on(&self) -> Option<Date> {
        self.0.completed_on.map(Date)
    }

    /// Final score, from 0 to 100, when the course grades one.
    async fn score(&self) -> Option<f64> {
        self.0.score
    }

    /// Result as the course reports it, such as a grade or a note.
    async fn result(&self) -> Option<&str> {
        self.0.result.as_deref()
    }

    /// The certificate issued for a completion.
    async fn certificate(&self, ctx: &Context<'_>) -> Result<Option<Certificate>> {
        Ok(load_list::<EnrolmentCertificates>(ctx, self.0.id).await?.into_iter().next().map(Certificate))
    }

    /// The record's version, for `expectedVersion` in withdrawEnrolment and recordResult.
    async fn version(&self) -> i32 {
        self.0.version
    }

    /// When the record was last changed.
    async fn updated_at(&self) -> DateTime<Utc> {
        self.0.updated_at
    }
}

connection!(
    EnrolmentConnection,
    EnrolmentEdge,
    Enrolment,
    enrolments::Model,
    "A page of enrolments.",
    "An enrolment in a page."
);

/// A certificate of completion.
#[derive(Clone, Debug)]
pub struct Certificate(pub certificates::Model);

/// A certificate of completion, as its holder and their institution see it. Anyone can
/// check a certificate's code with `verifyCertificate`.
#[Object]
impl Certificate {
    /// The verification code printed on the certificate.
    async fn code(&self) -> &str {
        &self.0.code
    }

    /// The holder's name as printed.
    async fn holder_name(&self) -> &str {
        &self.0.holder_name
    }

    /// The day the certificate was issued: the day of completion.
    async fn issued_on(&self) -> Date {
        Date(self.0.issued_on)
    }

    /// Whether the certificate is valid or was revoked.
    async fn status(&self) -> Result<CertificateStatus> {
        Ok(stored("certificates.status", &self.0.status)?)
    }
}

/// Conditions that listed officers must meet.
#[derive(InputObject, Default)]
pub struct OfficerFilter {
    /// Officers of this police institution.
    pub institution_id: Option<ID>,
    /// Officers serving in this country (ISO 3166-1 alpha-3 code, such as `COL`).
    pub country_code: Option<String>,
    /// Officers or instructors.
    pub role: Option<OfficerRole>,
    /// Words of the name, without regard to case or accents.
    pub search: Option<String>,
}

/// Conditions that listed enrolments must meet.
#[derive(InputObject, Default)]
pub struct EnrolmentFilter {
    /// Enrolments in offerings of this course.
    pub course_id: Option<ID>,
    /// Enrolments in this offering.
    pub offering_id: Option<ID>,
    /// Enrolments of this officer.
    pub officer_id: Option<ID>,
    /// Enrolments of officers of this police institution.
    pub institution_id: Option<ID>,
    /// Enrolments in any of these statuses.
    pub status: Option<Vec<EnrolmentStatus>>,
}

/// Reads a filter id of one type; a wrong type is a bad argument.
fn filter_id(field: &str, id: &ID, type_names: &[&str]) -> ApiResult<i32> {
    match crate::ids::decode_global_id(id) {
        Ok((type_name, row)) if type_names.contains(&type_name.as_str()) => Ok(row),
        _ => Err(ApiError::bad_input(
            field,
            format!(
                "\"{}\" is not the id of a {}; copy the `id` field of one.",
                crate::ids::shorten(id),
                type_names.join(" or ")
            ),
        )),
    }
}

/// Lists officers by name.
fn officers_listing(filter: OfficerFilter) -> ApiResult<Listing> {
    let mut listing = Listing::new("officers", Ordering::by_name("officers"));
    if let Some(id) = &filter.institution_id {
        let id = filter_id("filter.institutionId", id, &["PoliceInstitution", "Organization"])?;
        listing = listing.filter(Expr::col(("officers", "institution_id")).eq(id));
    }
    if let Some(code) = &filter.country_code {
        let countries = Query::select()
            .column("id")
            .from("countries")
            .and_where(Expr::col("iso3").eq(code.trim().to_ascii_uppercase()))
            .take();
        listing = listing.filter(Expr::col(("officers", "country_id")).in_subquery(countries));
    }
    if let Some(role) = filter.role {
        listing = listing.filter(Expr::col(("officers", "role")).eq(role.as_db()));
    }
    if let Some(search) = filter.search.as_deref().map(fold).filter(|words| !words.is_empty()) {
        for word in search.split_whitespace() {
            let pattern = format!("%{}%", like_escape(word));
            listing = listing.filter(Expr::col(("officers", "sort_name")).like(LikeExpr::new(pattern).escape('\\')));
        }
    }
    Ok(listing)
}

/// Lists enrolments in the order they were created.
fn enrolments_listing(filter: EnrolmentFilter) -> ApiResult<Listing> {
    let mut listing = Listing::new("enrolments", Ordering::by_id("enrolments"));
    let column = |name: &'static str| Expr::col(("enrolments", name));
    if let Some(id) = &filter.course_id {
        listing = listing.filter(column("course_id").eq(filter_id("filter.courseId", id, &["Course"])?));
    }
    if let Some(id) = &filter.offering_id {
        listing = listing.filter(column("offering_id").eq(filter_id("filter.offeringId", id, &["CourseOffering"])?));
    }
    if let Some(id) = &filter.officer_id {
        listing = listing.filter(column("officer_id").eq(filter_id("filter.officerId", id, &["Officer"])?));
    }
    if let Some(id) = &filter.institution_id {
        let id = filter_id("filter.institutionId", id, &["PoliceInstitution", "Organization"])?;
        let officers =
            Query::select().column("id").from("officers").and_where(Expr::col("institution_id").eq(id)).take();
        listing = listing.filter(column("officer_id").in_subquery(officers));
    }
    if let Some(statuses) = &filter.status {
        listing = listing.filter(column("status").is_in(statuses.iter().map(|status| status.as_db())));
    }
    Ok(listing)
}

/// Root lists of training records.
#[derive(Default)]
pub struct RecordQueries;

/// Root lists of training records.
#[Object]
#[allow(clippy::too_many_arguments, reason = "list fields take a filter and the four Relay paging arguments")]
impl RecordQueries {
    /// Officers and instructors by name: the caller's own record, the officers of the
    /// institutions the caller coordinates, or every officer for admins. Others get an
    /// empty list.
    #[graphql(complexity = "super::common::page_cost(first, last) * child_complexity")]
    async fn officers(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Conditions the officers must meet.")] filter: Option<OfficerFilter>,
        #[graphql(desc = "Number of rows to return after `after`: at most 100, 20 by default.")] first: Option<i32>,
        #[graphql(desc = "Cursor after which to start.")] after: Option<String>,
        #[graphql(desc = "Number of rows to return before `before`: at most 100.")] last: Option<i32>,
        #[graphql(desc = "Cursor before which to stop.")] before: Option<String>,
    ) -> Result<OfficerConnection> {
        let listing = officers_listing(filter.unwrap_or_default())?;
        Ok(root_page(ctx, listing, PageArgs::new(first, after, last, before)).await?.into())
    }

    /// Enrolments in the order they were made, with the same visibility as officers.
    #[graphql(complexity = "super::common::page_cost(first, last) * child_complexity")]
    async fn enrolments(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Conditions the enrolments must meet.")] filter: Option<EnrolmentFilter>,
        #[graphql(desc = "Number of rows to return after `after`: at most 100, 20 by default.")] first: Option<i32>,
        #[graphql(desc = "Cursor after which to start.")] after: Option<String>,
        #[graphql(desc = "Number of rows to return before `before`: at most 100.")] last: Option<i32>,
        #[graphql(desc = "Cursor before which to stop.")] before: Option<String>,
    ) -> Result<EnrolmentConnection> {
        let listing = enrolments_listing(filter.unwrap_or_default())?;
        Ok(root_page(ctx, listing, PageArgs::new(first, after, last, before)).await?.into())
    }
}

/// Input of createOfficer.
#[derive(InputObject)]
pub struct CreateOfficerInput {
    /// The police institution the officer serves in.
    pub institution_id: ID,
    /// The name as it should be printed on certificates.
    pub name: String,
    /// Officer (the default) or instructor.
    pub role: Option<OfficerRole>,
    /// Rank within the institution.
    pub rank: Option<String>,
    /// The institution's own identifier for the officer; unique within the institution.
    pub external_ref: Option<String>,
    /// The country the officer serves in (ISO 3166-1 alpha-3); defaults to the institution's.
    pub country_code: Option<String>,
    /// Contact address.
    pub email: Option<String>,
    /// The member account the officer signs in with, so they can see their own records.
    pub member_id: Option<ID>,
}

/// Input of updateOfficer: only the fields given change; null clears an optional field.
#[derive(InputObject)]
pub struct UpdateOfficerInput {
    /// The officer.
    pub id: ID,
    /// The version you loaded; a different stored version means someone else changed it.
    pub expected_version: i32,
    /// Move the officer to another police institution.
    pub institution_id: Option<ID>,
    /// The name as printed on future certificates; issued certificates keep theirs.
    pub name: Option<String>,
    /// Officer or instructor.
    pub role: Option<OfficerRole>,
    /// Rank within the institution.
    pub rank: MaybeUndefined<String>,
    /// The institution's own identifier for the officer.
    pub external_ref: MaybeUndefined<String>,
    /// The country the officer serves in (ISO 3166-1 alpha-3).
    pub country_code: Option<String>,
    /// Contact address.
    pub email: MaybeUndefined<String>,
    /// The member account the officer signs in with.
    pub member_id: MaybeUndefined<ID>,
    /// Whether the record is current.
    pub active: Option<bool>,
}

/// Result of createOfficer and updateOfficer.
#[derive(SimpleObject)]
pub struct OfficerPayload {
    /// The officer as stored; on errors, the unchanged record (null for a failed create).
    pub officer: Option<Officer>,
    /// Problems with the input; empty on success.
    pub user_errors: Vec<UserError>,
}

impl OfficerPayload {
    fn rejected(officer: Option<officers::Model>, checks: Checks) -> Self {
        OfficerPayload { officer: officer.map(Officer), user_errors: checks.errors }
    }
}

/// Input of enrol.
#[derive(InputObject)]
pub struct EnrolInput {
    /// The course offering.
    pub offering_id: ID,
    /// The officer.
    pub officer_id: ID,
}

/// Input of applyForOffering.
#[derive(InputObject)]
pub struct ApplyInput {
    /// The course offering to apply for.
    pub offering_id: ID,
}

/// Input of withdrawEnrolment.
#[derive(InputObject)]
pub struct WithdrawInput {
    /// The enrolment.
    pub id: ID,
    /// The version you loaded.
    pub expected_version: i32,
}

/// Outcome a result records.
#[derive(async_graphql::Enum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// Completed the course; a certificate is issued.
    Completed,
    /// Did not pass.
    Failed,
}

/// Input of recordResult.
#[derive(InputObject)]
pub struct RecordResultInput {
    /// The enrolment.
    pub id: ID,
    /// The version you loaded.
    pub expected_version: i32,
    /// Completed or failed.
    pub outcome: Outcome,
    /// The day of completion; not in the future.
    pub completed_on: Date,
    /// Final score from 0 to 100.
    pub score: Option<f64>,
    /// Result as the course reports it, such as a grade.
    pub result: Option<String>,
}

/// Result of the enrolment mutations.
#[derive(SimpleObject)]
pub struct EnrolmentPayload {
    /// The enrolment as stored; on errors, the unchanged record, if any.
    pub enrolment: Option<Enrolment>,
    /// Problems with the input; empty on success.
    pub user_errors: Vec<UserError>,
}

impl EnrolmentPayload {
    fn rejected(enrolment: Option<enrolments::Model>, checks: Checks) -> Self {
        EnrolmentPayload { enrolment: enrolment.map(Enrolment), user_errors: checks.errors }
    }

    fn done(enrolment: enrolments::Model) -> Self {
        EnrolmentPayload { enrolment: Some(Enrolment(enrolment)), user_errors: Vec::new() }
    }
}

/// Rejects callers who manage no institution's training records; `action` names what
/// they tried, such as "Enrolling officers".
pub(crate) fn require_manager(viewer: &Viewer, action: &str) -> ApiResult<()> {
    if viewer.manages_training() {
        return Ok(());
    }
    let manager = viewer.member.as_ref().is_some_and(|m| m.is_admin || !m.coordinated_institutions.is_empty());
    Err(ApiError::Forbidden(if manager && viewer.token_lacks(TokenScope::Enrolments) {
        format!(
            "{action} needs an API token with the ENROLMENTS scope; this token lacks it, so issue one with that scope."
        )
    } else {
        format!("{action} is for coordinators of the officer's police institution and for admins.")
    }))
}

/// Reports an institution the caller does not manage.
fn not_manager(checks: &mut Checks, field: &str) {
    checks.add(
        field,
        UserErrorCode::Invalid,
        "you do not coordinate this police institution's training records; ask an admin to add you as its coordinator",
    );
}

/// Resolves a country code to its row id.
async fn country_by_code(
    db: &impl ConnectionTrait,
    checks: &mut Checks,
    field: &str,
    code: &str,
) -> ApiResult<Option<i32>> {
    let code = code.trim().to_ascii_uppercase();
    let found = countries::Entity::find().filter(countries::Column::Iso3.eq(code.as_str())).one(db).await?;
    if found.is_none() {
        checks.add(
            field,
            UserErrorCode::NotFound,
            format!("\"{code}\" is not the ISO 3166-1 alpha-3 code of an OAS member state, such as COL"),
        );
    }
    Ok(found.map(|country| country.id))
}

/// Resolves a police institution id, reporting other organizations.
async fn institution(
    db: &impl ConnectionTrait,
    checks: &mut Checks,
    field: &str,
    id: &ID,
) -> ApiResult<Option<organizations::Model>> {
    let Some(row) =
        resolve_id(db, checks, field, Some(id), &["PoliceInstitution", "Organization"], "organizations").await?
    else {
        return Ok(None);
    };
    let found = organizations::Entity::find_by_id(row).one(db).await?;
    match found {
        Some(org) if org.kind == "police_institution" => Ok(Some(org)),
        Some(org) => {
            checks.add(field, UserErrorCode::Invalid, format!("{} is not a police institution; pick one", org.slug));
            Ok(None)
        }
        None => Ok(None),
    }
}

/// Checks that a member exists and has no officer record yet (other than `current`).
async fn free_member(
    db: &impl ConnectionTrait,
    checks: &mut Checks,
    id: &ID,
    current: Option<i32>,
) -> ApiResult<Option<i32>> {
    let Some(member) = resolve_id(db, checks, "memberId", Some(id), &["Member"], "members").await? else {
        return Ok(None);
    };
    let linked = officers::Entity::find().filter(officers::Column::MemberId.eq(member)).one(db).await?;
    if let Some(other) = linked.filter(|other| Some(other.id) != current) {
        checks.add(
            "memberId",
            UserErrorCode::Duplicate,
            format!("this member already signs in as officer {}; unlink it there first", other.display_name),
        );
    }
    Ok(Some(member))
}

/// Reports a duplicate external reference within one institution.
async fn check_external_ref(
    db: &impl ConnectionTrait,
    checks: &mut Checks,
    institution: i32,
    external_ref: Option<&str>,
    current: Option<i32>,
) -> ApiResult<()> {
    let Some(external_ref) = external_ref else { return Ok(()) };
    let existing = officers::Entity::find()
        .filter(officers::Column::InstitutionId.eq(institution))
        .filter(officers::Column::ExternalRef.eq(external_ref))
        .one(db)
        .await?;
    if existing.is_some_and(|other| Some(other.id) != current) {
        checks.add(
            "externalRef",
            UserErrorCode::Duplicate,
            format!("another officer of this institution has the reference \"{external_ref}\"; use a different one"),
        );
    }
    Ok(())
}

/// Decodes a global id of one type for a mutation, or reports it.
fn decode_for(checks: &mut Checks, field: &str, id: &ID, type_name: &str) -> Option<i32> {
    match crate::ids::decode_global_id(id) {
        Ok((found, row)) if found == type_name => Some(row),
        _ => {
            checks.add(
                field,
                UserErrorCode::Invalid,
                format!("\"{}\" is not the id of a {type_name}; copy the `id` field of one", crate::ids::shorten(id)),
            );
            None
        }
    }
}

/// The offering row read under its lock, with its seat count.
struct LockedOffering {
    offering: course_offerings::Model,
    seats_taken: i64,
}

impl LockedOffering {
    fn has_free_seat(&self) -> bool {
        self.offering.capacity.is_none_or(|capacity| self.seats_taken < i64::from(capacity))
    }
}

/// Locks an offering's row until the transaction ends, then reads it and counts its
/// seats in fresh statements, so that they see every enrolment committed before the lock
/// was granted. Returns `None` when the offering does not exist.
async fn lock_offering(txn: &DatabaseTransaction, offering: i32) -> ApiResult<Option<LockedOffering>> {
    let lock = Query::update()
        .table("course_offerings")
        .value("seats_taken", Expr::col("seats_taken"))
        .and_where(Expr::col("id").eq(offering))
        .take();
    if txn.execute(&lock).await?.rows_affected() == 0 {
        return Ok(None);
    }
    let Some(offering) = course_offerings::Entity::find_by_id(offering).one(txn).await? else { return Ok(None) };
    let seats_taken = enrolments::Entity::find()
        .filter(enrolments::Column::OfferingId.eq(offering.id))
        .filter(enrolments::Column::Status.is_in(enrolment::SEAT_HOLDING))
        .count(txn)
        .await?;
    Ok(Some(LockedOffering { offering, seats_taken: i64::try_from(seats_taken).unwrap_or(i64::MAX) }))
}

/// Gives free seats of a locked offering to the officers who waited longest.
async fn fill_free_seats(txn: &DatabaseTransaction, locked: &LockedOffering, now: DateTime<Utc>) -> ApiResult<()> {
    let Some(capacity) = locked.offering.capacity else {
        // Without a capacity, nobody waits: promote everyone.
        return promote(txn, locked.offering.id, None, now).await;
    };
    let free = i64::from(capacity) - locked.seats_taken;
    if free > 0 {
        promote(txn, locked.offering.id, Some(u64::try_from(free).unwrap_or(0)), now).await?;
    }
    Ok(())
}

/// Enrols the first `count` waitlisted officers of an offering (all when `None`).
async fn promote(txn: &DatabaseTransaction, offering: i32, count: Option<u64>, now: DateTime<Utc>) -> ApiResult<()> {
    let mut first = Query::select()
        .column("id")
        .from("enrolments")
        .and_where(Expr::col("offering_id").eq(offering))
        .and_where(Expr::col("status").eq("waitlisted"))
        .order_by("waitlisted_at", sea_orm::Order::Asc)
        .order_by("id", sea_orm::Order::Asc)
        .take();
    if let Some(count) = count {
        first.limit(count);
    }
    // Read first, then update by id: MySQL-style LIMIT inside IN is not portable.
    let ids: Vec<i32> =
        txn.query_all(&first).await?.iter().map(|row| row.try_get::<i32>("", "id")).collect::<Result<_, _>>()?;
    if ids.is_empty() {
        return Ok(());
    }
    txn.execute(
        &Query::update()
            .table("enrolments")
            .value("status", "enrolled")
            .value("enrolled_at", now)
            .value("updated_at", now)
            .value("version", Expr::col("version").add(1))
            .and_where(Expr::col("id").is_in(ids))
            .take(),
    )
    .await?;
    Ok(())
}

/// Checks that an offering takes enrolments today.
fn check_open(checks: &mut Checks, field: &str, offering: &course_offerings::Model, today: chrono::NaiveDate) {
    if offering.editorial_status != "published" {
        checks.add(field, UserErrorCode::Invalid, "this offering is not published; enrol in a published offering");
    } else if offering.status == OfferingStatus::Cancelled.as_db() {
        checks.add(field, UserErrorCode::Invalid, "this offering was cancelled; pick another edition of the course");
    } else if let Some(closes) = offering.enrolment_closes_on.filter(|closes| *closes < today) {
        checks.add(field, UserErrorCode::Invalid, format!("enrolment closed on {closes}; pick a later edition"));
    } else if let Some(ends) = offering.ends_on.filter(|ends| *ends < today) {
        checks.add(field, UserErrorCode::Invalid, format!("this offering ended on {ends}; pick a later edition"));
    }
}

/// Mutations on training records.
#[derive(Default)]
pub struct RecordMutations;

/// Mutations on training records.
#[Object]
impl RecordMutations {
    /// Creates an officer or instructor record: for coordinators of the institution and admins.
    async fn create_officer(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The mutation's input.")] input: CreateOfficerInput,
    ) -> Result<OfficerPayload> {
        let viewer = viewer(ctx)?;
        require_manager(viewer, "Changing training records")?;
        let db = database(ctx)?;
        let mut checks = Checks::default();
        let institution = institution(db, &mut checks, "institutionId", &input.institution_id).await?;
        if institution.as_ref().is_some_and(|institution| !viewer.manages_training_of(institution.id)) {
            not_manager(&mut checks, "institutionId");
        }
        let name = checks.text("name", &input.name, SHORT_TEXT);
        let rank = checks.opt_text("rank", input.rank.as_deref(), SHORT_TEXT);
        let external_ref = checks.opt_text("externalRef", input.external_ref.as_deref(), 100);
        let email = email(&mut checks, input.email.as_deref());
        let country = match &input.country_code {
            Some(code) => country_by_code(db, &mut checks, "countryCode", code).await?,
            None => institution.as_ref().and_then(|institution| institution.country_id),
        };
        if let Some(institution) = &institution {
            check_external_ref(db, &mut checks, institution.id, external_ref.as_deref(), None).await?;
            if country.is_none() && input.country_code.is_none() {
                checks.add("countryCode", UserErrorCode::Required, "the institution has no country; give countryCode");
            }
        }
        let member = match &input.member_id {
            Some(id) => free_member(db, &mut checks, id, None).await?,
            None => None,
        };
        let (Some(institution), Some(country), true) = (institution, country, checks.passed()) else {
            return Ok(OfficerPayload::rejected(None, checks));
        };
        let now = Utc::now();
        let officer = officers::ActiveModel {
            id: ActiveValue::NotSet,
            member_id: ActiveValue::Set(member),
            institution_id: ActiveValue::Set(institution.id),
            country_id: ActiveValue::Set(country),
            external_ref: ActiveValue::Set(external_ref),
            role: ActiveValue::Set(input.role.unwrap_or(OfficerRole::Officer).as_db().to_owned()),
            rank: ActiveValue::Set(rank),
            sort_name: ActiveValue::Set(fold(&name)),
            display_name: ActiveValue::Set(name),
            email: ActiveValue::Set(email),
            active: ActiveValue::Set(true),
            version: ActiveValue::Set(1),
            created_at: ActiveValue::Set(now),
            updated_at: ActiveValue::Set(now),
        };
        let txn = begin_write(db).await?;
        let officer = officer.insert(&txn).await;
        let officer = match officer {
            Ok(officer) => officer,
            Err(err) => {
                txn.rollback().await?;
                // A concurrent create took the reference or the member first.
                tracing::info!(error = %err, "officer insert rejected");
                checks.add(
                    "externalRef",
                    UserErrorCode::Duplicate,
                    "another officer took this reference or member just now; reload and retry",
                );
                return Ok(OfficerPayload::rejected(None, checks));
            }
        };
        txn.commit().await?;
        Ok(OfficerPayload { officer: Some(Officer(officer)), user_errors: Vec::new() })
    }

    /// Changes an officer record: for coordinators of the officer's institution (and of
    /// the new one, when moving) and admins. A change of country moves the officer's
    /// completions in the target progress figures.
    async fn update_officer(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The mutation's input.")] input: UpdateOfficerInput,
    ) -> Result<OfficerPayload> {
        let viewer = viewer(ctx)?;
        require_manager(viewer, "Changing training records")?;
        let db = database(ctx)?;
        let mut checks = Checks::default();
        let Some(id) = decode_for(&mut checks, "id", &input.id, "Officer") else {
            return Ok(OfficerPayload::rejected(None, checks));
        };
        let current = officers::Entity::find_by_id(id).one(db).await?;
        let Some(current) = current.filter(|officer| viewer.manages_training_of(officer.institution_id)) else {
            checks.add(
                "id",
                UserErrorCode::NotFound,
                format!("no officer you manage has the id \"{}\"", input.id.as_str()),
            );
            return Ok(OfficerPayload::rejected(None, checks));
        };
        let mut model = current.clone();
        if let Some(id) = &input.institution_id
            && let Some(institution) = institution(db, &mut checks, "institutionId", id).await?
        {
            if !viewer.manages_training_of(institution.id) {
                not_manager(&mut checks, "institutionId");
            }
            model.institution_id = institution.id;
        }
        if let Some(name) = &input.name {
            model.display_name = checks.text("name", name, SHORT_TEXT);
            model.sort_name = fold(&model.display_name);
        }
        if let Some(role) = input.role {
            model.role = role.as_db().to_owned();
        }
        match &input.rank {
            MaybeUndefined::Undefined => {}
            MaybeUndefined::Null => model.rank = None,
            MaybeUndefined::Value(rank) => model.rank = checks.opt_text("rank", Some(rank), SHORT_TEXT),
        }
        match &input.external_ref {
            MaybeUndefined::Undefined => {}
            MaybeUndefined::Null => model.external_ref = None,
            MaybeUndefined::Value(value) => model.external_ref = checks.opt_text("externalRef", Some(value), 100),
        }
        match &input.email {
            MaybeUndefined::Undefined => {}
            MaybeUndefined::Null => model.email = None,
            MaybeUndefined::Value(value) => model.email = email(&mut checks, Some(value)),
        }
        if let Some(code) = &input.country_code
            && let Some(country) = country_by_code(db, &mut checks, "countryCode", code).await?
        {
            model.country_id = country;
        }
        match &input.member_id {
            MaybeUndefined::Undefined => {}
            MaybeUndefined::Null => model.member_id = None,
            MaybeUndefined::Value(id) => model.member_id = free_member(db, &mut checks, id, Some(current.id)).await?,
        }
        if let Some(active) = input.active {
            model.active = active;
        }
        check_external_ref(db, &mut checks, model.institution_id, model.external_ref.as_deref(), Some(current.id))
            .await?;
        check_version(&mut checks, current.version, input.expected_version);
        if !checks.passed() {
            return Ok(OfficerPayload::rejected(Some(current), checks));
        }
        if model == current {
            return Ok(OfficerPayload { officer: Some(Officer(current)), user_errors: Vec::new() });
        }
        model.version = current.version + 1;
        model.updated_at = Utc::now();
        let txn = begin_write(db).await?;
        let snapshot = progress::before(&txn, &[current.id]).await?;
        let mut active = model.clone().into_active_model().reset_all();
        active.id = ActiveValue::Unchanged(current.id);
        let updated = officers::Entity::update_many()
            .set(active)
            .filter(officers::Column::Id.eq(current.id))
            .filter(officers::Column::Version.eq(current.version))
            .exec(&txn)
            .await?;
        if updated.rows_affected == 0 {
            txn.rollback().await?;
            let stored = officers::Entity::find_by_id(current.id).one(db).await?;
            let mut checks = Checks::default();
            check_version(&mut checks, stored.as_ref().map_or(0, |s| s.version), input.expected_version);
            return Ok(OfficerPayload::rejected(stored, checks));
        }
        progress::after(&txn, snapshot).await?;
        txn.commit().await?;
        Ok(OfficerPayload { officer: Some(Officer(model)), user_errors: Vec::new() })
    }

    /// Applies for a course offering as the signed-in officer. The application waits
    /// for a coordinator of the officer's institution to enrol it.
    async fn apply_for_offering(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The mutation's input.")] input: ApplyInput,
    ) -> Result<EnrolmentPayload> {
        let viewer = viewer(ctx)?;
        let Some(officer) = viewer.own_officer() else {
            return Err(ApiError::Forbidden(
                "Only officers apply for themselves: the caller has no officer record. Coordinators use `enrol`."
                    .into(),
            )
            .into());
        };
        let db = database(ctx)?;
        let mut checks = Checks::default();
        let Some(offering_id) = decode_for(&mut checks, "offeringId", &input.offering_id, "CourseOffering") else {
            return Ok(EnrolmentPayload::rejected(None, checks));
        };
        let now = Utc::now();
        let txn = begin_write(db).await?;
        let Some(locked) = lock_offering(&txn, offering_id).await? else {
            txn.rollback().await?;
            checks.add("offeringId", UserErrorCode::NotFound, "no course offering has this id");
            return Ok(EnrolmentPayload::rejected(None, checks));
        };
        check_open(&mut checks, "offeringId", &locked.offering, now.date_naive());
        let existing = enrolments::Entity::find()
            .filter(enrolments::Column::OfficerId.eq(officer))
            .filter(enrolments::Column::OfferingId.eq(offering_id))
            .one(&txn)
            .await?;
        if let Some(existing) = &existing
            && existing.status != EnrolmentStatus::Withdrawn.as_db()
        {
            checks.add(
                "offeringId",
                UserErrorCode::Duplicate,
                format!("you already have an enrolment in this offering, with status {}", existing.status),
            );
        }
        if !checks.passed() {
            txn.rollback().await?;
            return Ok(EnrolmentPayload::rejected(existing, checks));
        }
        let saved = match existing {
            Some(existing) => {
                let mut active = existing.clone().into_active_model();
                active.status = ActiveValue::Set(EnrolmentStatus::Applied.as_db().to_owned());
                active.applied_at = ActiveValue::Set(now);
                active.withdrawn_at = ActiveValue::Set(None);
                active.version = ActiveValue::Set(existing.version + 1);
                active.updated_at = ActiveValue::Set(now);
                active.update(&txn).await?
            }
            None => new_enrolment(officer, &locked.offering, EnrolmentStatus::Applied, now).insert(&txn).await?,
        };
        txn.commit().await?;
        Ok(EnrolmentPayload::done(saved))
    }

    /// Enrols an officer in a course offering: for coordinators of the officer's
    /// institution and admins. The officer gets a seat while the offering has one, and
    /// joins the waiting list otherwise; an application becomes an enrolment.
    async fn enrol(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The mutation's input.")] input: EnrolInput,
    ) -> Result<EnrolmentPayload> {
        let viewer = viewer(ctx)?;
        require_manager(viewer, "Changing training records")?;
        let db = database(ctx)?;
        let mut checks = Checks::default();
        let offering_id = decode_for(&mut checks, "offeringId", &input.offering_id, "CourseOffering");
        let officer_id = decode_for(&mut checks, "officerId", &input.officer_id, "Officer");
        let (Some(offering_id), Some(officer_id)) = (offering_id, officer_id) else {
            return Ok(EnrolmentPayload::rejected(None, checks));
        };
        let officer = officers::Entity::find_by_id(officer_id).one(db).await?;
        let Some(officer) = officer.filter(|officer| viewer.manages_training_of(officer.institution_id)) else {
            checks.add("officerId", UserErrorCode::NotFound, "no officer you manage has this id");
            return Ok(EnrolmentPayload::rejected(None, checks));
        };
        if !officer.active {
            checks.add("officerId", UserErrorCode::Invalid, "this officer's record is inactive; reactivate it first");
            return Ok(EnrolmentPayload::rejected(None, checks));
        }
        let now = Utc::now();
        let txn = begin_write(db).await?;
        let Some(locked) = lock_offering(&txn, offering_id).await? else {
            txn.rollback().await?;
            checks.add("offeringId", UserErrorCode::NotFound, "no course offering has this id");
            return Ok(EnrolmentPayload::rejected(None, checks));
        };
        check_open(&mut checks, "offeringId", &locked.offering, now.date_naive());
        let existing = enrolments::Entity::find()
            .filter(enrolments::Column::OfficerId.eq(officer.id))
            .filter(enrolments::Column::OfferingId.eq(offering_id))
            .one(&txn)
            .await?;
        if let Some(existing) = &existing
            && ![EnrolmentStatus::Applied.as_db(), EnrolmentStatus::Withdrawn.as_db()]
                .contains(&existing.status.as_str())
        {
            checks.add(
                "officerId",
                UserErrorCode::InvalidTransition,
                format!("the officer is already in this offering, with status {}", existing.status),
            );
        }
        if !checks.passed() {
            txn.rollback().await?;
            return Ok(EnrolmentPayload::rejected(existing, checks));
        }
        let status = if locked.has_free_seat() { EnrolmentStatus::Enrolled } else { EnrolmentStatus::Waitlisted };
        let saved = match existing {
            Some(existing) => {
                let mut active = existing.clone().into_active_model();
                seat(&mut active, status, now);
                active.withdrawn_at = ActiveValue::Set(None);
                active.version = ActiveValue::Set(existing.version + 1);
                active.updated_at = ActiveValue::Set(now);
                active.update(&txn).await?
            }
            None => new_enrolment(officer.id, &locked.offering, status, now).insert(&txn).await?,
        };
        enrolment::recount_seats(&txn, &[offering_id]).await?;
        txn.commit().await?;
        Ok(EnrolmentPayload::done(saved))
    }

    /// Withdraws an application or enrolment: for the officer and for coordinators of
    /// the officer's institution. A freed seat goes to the officer who waited longest.
    async fn withdraw_enrolment(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The mutation's input.")] input: WithdrawInput,
    ) -> Result<EnrolmentPayload> {
        let viewer = viewer(ctx)?;
        let db = database(ctx)?;
        let mut checks = Checks::default();
        let Some(id) = decode_for(&mut checks, "id", &input.id, "Enrolment") else {
            return Ok(EnrolmentPayload::rejected(None, checks));
        };
        let Some(found) = visible_enrolment(db, viewer, id, true).await? else {
            checks.add(
                "id",
                UserErrorCode::NotFound,
                format!("no enrolment you may change has the id \"{}\"", input.id.as_str()),
            );
            return Ok(EnrolmentPayload::rejected(None, checks));
        };
        let now = Utc::now();
        let txn = begin_write(db).await?;
        let allowed = [EnrolmentStatus::Applied, EnrolmentStatus::Enrolled, EnrolmentStatus::Waitlisted];
        let refusal = |status: &str| format!("an enrolment with status {status} cannot be withdrawn");
        let (locked, current, status) =
            match relock(&txn, &mut checks, &found, input.expected_version, &allowed, refusal).await? {
                Ok(locked) => locked,
                Err(current) => {
                    txn.rollback().await?;
                    return Ok(EnrolmentPayload::rejected(current, checks));
                }
            };
        let mut active = current.clone().into_active_model();
        active.status = ActiveValue::Set(EnrolmentStatus::Withdrawn.as_db().to_owned());
        active.withdrawn_at = ActiveValue::Set(Some(now));
        active.version = ActiveValue::Set(current.version + 1);
        active.updated_at = ActiveValue::Set(now);
        let saved = active.update(&txn).await?;
        let freed = LockedOffering {
            seats_taken: locked.seats_taken - i64::from(status.holds_seat()),
            offering: locked.offering,
        };
        fill_free_seats(&txn, &freed, now).await?;
        enrolment::recount_seats(&txn, &[saved.offering_id]).await?;
        txn.commit().await?;
        Ok(EnrolmentPayload::done(saved))
    }

    /// Records an enrolled officer's result: for coordinators of the officer's
    /// institution and admins. A completion issues a certificate and counts toward the
    /// network's targets; correcting a completion to a failure revokes the certificate.
    async fn record_result(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The mutation's input.")] input: RecordResultInput,
    ) -> Result<EnrolmentPayload> {
        let viewer = viewer(ctx)?;
        require_manager(viewer, "Changing training records")?;
        let db = database(ctx)?;
        let mut checks = Checks::default();
        let Some(id) = decode_for(&mut checks, "id", &input.id, "Enrolment") else {
            return Ok(EnrolmentPayload::rejected(None, checks));
        };
        let Some(found) = visible_enrolment(db, viewer, id, false).await? else {
            checks.add(
                "id",
                UserErrorCode::NotFound,
                format!("no enrolment you manage has the id \"{}\"", input.id.as_str()),
            );
            return Ok(EnrolmentPayload::rejected(None, checks));
        };
        let now = Utc::now();
        if input.completed_on.0 > now.date_naive() {
            checks.add(
                "completedOn",
                UserErrorCode::Invalid,
                format!("{} is in the future; give the day the course ended for the officer", input.completed_on.0),
            );
        }
        if let Some(score) = input.score
            && !(0.0..=100.0).contains(&score)
        {
            checks.add("score", UserErrorCode::Invalid, format!("{score} is outside 0 to 100; give a percentage"));
        }
        let result = checks.opt_text("result", input.result.as_deref(), SHORT_TEXT);
        let txn = begin_write(db).await?;
        // Officers before offerings, in every transaction that takes both locks.
        let snapshot = progress::before(&txn, &[found.officer_id]).await?;
        let allowed = [EnrolmentStatus::Enrolled, EnrolmentStatus::Completed, EnrolmentStatus::Failed];
        let refusal =
            |status: &str| format!("only enrolled officers get a result; this enrolment's status is {status}");
        let (locked, current, _) =
            match relock(&txn, &mut checks, &found, input.expected_version, &allowed, refusal).await? {
                Ok(locked) => locked,
                Err(current) => {
                    txn.rollback().await?;
                    return Ok(EnrolmentPayload::rejected(current, checks));
                }
            };
        if let Some(starts) = locked.offering.starts_on.filter(|starts| input.completed_on.0 < *starts) {
            checks.add(
                "completedOn",
                UserErrorCode::Invalid,
                format!(
                    "{} is before the offering starts on {starts}; give the day the officer completed it",
                    input.completed_on.0
                ),
            );
            txn.rollback().await?;
            return Ok(EnrolmentPayload::rejected(Some(current), checks));
        }
        let outcome = match input.outcome {
            Outcome::Completed => EnrolmentStatus::Completed,
            Outcome::Failed => EnrolmentStatus::Failed,
        };
        let mut active = current.clone().into_active_model();
        active.status = ActiveValue::Set(outcome.as_db().to_owned());
        active.completed_on = ActiveValue::Set(Some(input.completed_on.0));
        active.score = ActiveValue::Set(input.score);
        active.result = ActiveValue::Set(result);
        active.version = ActiveValue::Set(current.version + 1);
        active.updated_at = ActiveValue::Set(now);
        let saved = active.update(&txn).await?;
        certificate_codes::sync(&txn, &[saved.id]).await?;
        enrolment::recount_seats(&txn, &[saved.offering_id]).await?;
        progress::after(&txn, snapshot).await?;
        txn.commit().await?;
        Ok(EnrolmentPayload::done(saved))
    }
}

/// An enrolment read again under its offering's lock, with the offering and its status.
type Relocked = (LockedOffering, enrolments::Model, EnrolmentStatus);

/// Locks the offering of `found`, reads the enrolment again and checks the caller's
/// expected version and that its status is one of `allowed`. On a problem, the checks say
/// why and the error holds the stored enrolment, if it still exists, for the payload.
async fn relock(
    txn: &DatabaseTransaction,
    checks: &mut Checks,
    found: &enrolments::Model,
    expected_version: i32,
    allowed: &[EnrolmentStatus],
    refusal: impl FnOnce(&str) -> String,
) -> ApiResult<Result<Relocked, Option<enrolments::Model>>> {
    let Some(locked) = lock_offering(txn, found.offering_id).await? else {
        checks.add("id", UserErrorCode::NotFound, "the enrolment's offering no longer exists");
        return Ok(Err(None));
    };
    let Some(current) = enrolments::Entity::find_by_id(found.id).one(txn).await? else {
        checks.add("id", UserErrorCode::NotFound, "the enrolment no longer exists");
        return Ok(Err(None));
    };
    check_version(checks, current.version, expected_version);
    let status: EnrolmentStatus = stored("enrolments.status", &current.status)?;
    if checks.passed() && !allowed.contains(&status) {
        checks.add("id", UserErrorCode::InvalidTransition, refusal(&current.status));
    }
    if !checks.passed() {
        return Ok(Err(Some(current)));
    }
    Ok(Ok((locked, current, status)))
}

/// Loads an enrolment the caller may change: as a coordinator of its officer's
/// institution or an admin, or (with `own`) as the officer.
async fn visible_enrolment(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    id: i32,
    own: bool,
) -> ApiResult<Option<enrolments::Model>> {
    let Some(found) = enrolments::Entity::find_by_id(id).one(db).await? else { return Ok(None) };
    if own && viewer.own_officer() == Some(found.officer_id) {
        return Ok(Some(found));
    }
    let officer = officers::Entity::find_by_id(found.officer_id).one(db).await?;
    Ok(officer.filter(|officer| viewer.manages_training_of(officer.institution_id)).map(|_| found))
}

/// Marks an enrolment as seated or waiting.
fn seat(active: &mut enrolments::ActiveModel, status: EnrolmentStatus, now: DateTime<Utc>) {
    active.status = ActiveValue::Set(status.as_db().to_owned());
    if status == EnrolmentStatus::Enrolled {
        active.enrolled_at = ActiveValue::Set(Some(now));
    } else {
        active.waitlisted_at = ActiveValue::Set(Some(now));
    }
}

/// Builds a new enrolment row of `officer` in `offering`.
fn new_enrolment(
    officer: i32,
    offering: &course_offerings::Model,
    status: EnrolmentStatus,
    now: DateTime<Utc>,
) -> enrolments::ActiveModel {
    let mut active = enrolments::ActiveModel {
        id: ActiveValue::NotSet,
        officer_id: ActiveValue::Set(officer),
        offering_id: ActiveValue::Set(offering.id),
        course_id: ActiveValue::Set(offering.course_id),
        status: ActiveValue::Set(status.as_db().to_owned()),
        applied_at: ActiveValue::Set(now),
        enrolled_at: ActiveValue::Set(None),
        waitlisted_at: ActiveValue::Set(None),
        withdrawn_at: ActiveValue::Set(None),
        completed_on: ActiveValue::Set(None),
        score: ActiveValue::Set(None),
        result: ActiveValue::Set(None),
        source: ActiveValue::Set("api".to_owned()),
        version: ActiveValue::Set(1),
        created_at: ActiveValue::Set(now),
        updated_at: ActiveValue::Set(now),
    };
    if status != EnrolmentStatus::Applied {
        seat(&mut active, status, now);
    }
    active
}

/// Lists enrolments of one course in creation order, for `Course.enrolments`.
pub fn course_enrolments_listing() -> Listing {
    Listing::new("enrolments", Ordering::by_id("enrolments"))
}

/// Orders officers by their folded name, for the officers listing of an institution.
pub fn officers_by_name() -> Listing {
    Listing::new("officers", Ordering::by_name("officers"))
}
