//! The police training catalogue: courses, their accreditations and their offerings.

use async_graphql::{Context, ID, Object, Result};
use chrono::{NaiveDate, Utc};
use entities::{accreditations, countries, course_offerings, courses, networks, organizations};

use super::common::{PartialDate, connection, nested_page, strings};
use super::content::Event;
use super::lifecycle::EditorialState;
use super::organizations::Organization;
use super::places::{Country, Network, Topic, partial_date};
use super::records::EnrolmentConnection;
use super::relations::*;
use super::scalars::Date;
use crate::enums::{AccreditationRole, Modality, OfferingAvailability, OfferingStatus, stored};
use crate::ids::encode_global_id;
use crate::loaders::{load_by_id, load_list};
use crate::locale::{Locale, LocalizedText, localized_field};
use crate::pagination::PageArgs;

/// A course of the police training curriculum.
#[derive(Clone, Debug)]
pub struct Course(pub courses::Model);

connection!(
    CourseConnection,
    CourseEdge,
    Course,
    courses::Model,
    "A page of courses.",
    "A course in a page, with its cursor."
);

/// A course of the police training curriculum.
#[Object]
impl Course {
    /// Opaque global id; pass it to `node` to fetch this course again.
    pub async fn id(&self) -> ID {
        ID(encode_global_id("Course", self.0.id))
    }

    /// The record's place in the editorial life cycle: status, visibility, version and history.
    async fn editorial(&self) -> EditorialState {
        crate::editorial_state!(self.0, "course", "courses")
    }

    /// Catalogue code, such as `REDPPOL-OS`; the stable key for `course(code:)`.
    async fn code(&self) -> &str {
        &self.0.code
    }

    /// Data-set key, such as `course-redppol-onsite`.
    async fn slug(&self) -> &str {
        &self.0.slug
    }

    /// Title of the course.
    async fn title(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Locale to return; defaults to the request's `Accept-Language`.")] locale: Option<Locale>,
        #[graphql(desc = "Fall back to English, then any translation, when `locale` is missing. Defaults to true.")]
        fallback: Option<bool>,
    ) -> LocalizedText {
        localized_field(ctx, &self.0.titles, locale, fallback)
    }

    /// What the course covers.
    async fn description(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Locale to return; defaults to the request's `Accept-Language`.")] locale: Option<Locale>,
        #[graphql(desc = "Fall back to English, then any translation, when `locale` is missing. Defaults to true.")]
        fallback: Option<bool>,
    ) -> LocalizedText {
        localized_field(ctx, &self.0.descriptions, locale, fallback)
    }

    /// The network whose curriculum includes the course.
    async fn network(&self, ctx: &Context<'_>) -> Result<Option<Network>> {
        Ok(load_by_id::<networks::Entity>(ctx, Some(self.0.network_id)).await?.map(Network))
    }

    /// How the course is delivered.
    async fn modality(&self) -> Result<Modality> {
        Ok(stored("courses.modality", &self.0.modality)?)
    }

    /// Class hours.
    async fn hours(&self) -> Option<i32> {
        self.0.hours
    }

    /// How the hours are spread, in words.
    async fn duration_note(&self) -> Option<&str> {
        self.0.duration_note.as_deref()
    }

    /// Languages the course is taught in (ISO 639-1).
    async fn languages(&self) -> Vec<String> {
        strings(&self.0.languages)
    }

    /// How the languages are used, such as simultaneous interpretation.
    async fn language_note(&self) -> Option<&str> {
        self.0.language_note.as_deref()
    }

    /// Level or audience, such as `mid-level officers`.
    async fn level(&self) -> Option<&str> {
        self.0.level.as_deref()
    }

    /// Requirements a participant must meet.
    async fn prerequisites(&self) -> Vec<String> {
        strings(&self.0.prerequisites)
    }

    /// What participants can do after the course.
    async fn learning_outcomes(&self) -> Vec<String> {
        strings(&self.0.learning_outcomes)
    }

    /// Modules of the course, in teaching order.
    async fn modules(&self) -> Vec<String> {
        strings(&self.0.modules)
    }

    /// Topics of the course.
    async fn topics(&self, ctx: &Context<'_>) -> Result<Vec<Topic>> {
        Ok(load_list::<CourseTopics>(ctx, self.0.id).await?.into_iter().map(Topic).collect())
    }

    /// Editions of the course, latest first.
    #[graphql(complexity = "super::common::page_cost(first, last) * child_complexity")]
    async fn offerings(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Number of rows to return after `after`: at most 100, 20 by default.")] first: Option<i32>,
        #[graphql(desc = "Cursor of the row after which the page starts (`pageInfo.endCursor` of the previous page).")]
        after: Option<String>,
        #[graphql(desc = "Number of rows to return before `before`, at most 100.")] last: Option<i32>,
        #[graphql(desc = "Cursor of the row before which the page ends (`pageInfo.startCursor` of the next page).")]
        before: Option<String>,
    ) -> Result<CourseOfferingConnection> {
        Ok(nested_page::<CourseOfferings>(ctx, self.0.id, PageArgs::new(first, after, last, before)).await?.into())
    }

    /// Editions that start today (the database's current date) or later, earliest first;
    /// the catalogue's "next offerings".
    #[graphql(complexity = "super::common::page_cost(first, last) * child_complexity")]
    async fn upcoming_offerings(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Number of rows to return after `after`: at most 100, 20 by default.")] first: Option<i32>,
        #[graphql(desc = "Cursor of the row after which the page starts (`pageInfo.endCursor` of the previous page).")]
        after: Option<String>,
        #[graphql(desc = "Number of rows to return before `before`, at most 100.")] last: Option<i32>,
        #[graphql(desc = "Cursor of the row before which the page ends (`pageInfo.startCursor` of the next page).")]
        before: Option<String>,
    ) -> Result<CourseOfferingConnection> {
        let args = PageArgs::new(first, after, last, before);
        Ok(nested_page::<CourseUpcomingOfferings>(ctx, self.0.id, args).await?.into())
    }

    /// Enrolments in every edition of the course, oldest first: personal data, listing
    /// only the officers the caller may see (their own record, their institution's
    /// officers for coordinators, everyone for admins).
    #[graphql(complexity = "super::common::page_cost(first, last) * child_complexity")]
    async fn enrolments(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Number of rows to return after `after`: at most 100, 20 by default.")] first: Option<i32>,
        #[graphql(desc = "Cursor of the row after which the page starts (`pageInfo.endCursor` of the previous page).")]
        after: Option<String>,
        #[graphql(desc = "Number of rows to return before `before`, at most 100.")] last: Option<i32>,
        #[graphql(desc = "Cursor of the row before which the page ends (`pageInfo.startCursor` of the next page).")]
        before: Option<String>,
    ) -> Result<EnrolmentConnection> {
        let args = PageArgs::new(first, after, last, before);
        Ok(nested_page::<CourseEnrolments>(ctx, self.0.id, args).await?.into())
    }

    /// Universities that accredit or certify the course.
    async fn accreditations(&self, ctx: &Context<'_>) -> Result<Vec<Accreditation>> {
        Ok(load_list::<CourseAccreditations>(ctx, self.0.id).await?.into_iter().map(Accreditation).collect())
    }

    /// The organization that funds the course.
    async fn funded_by(&self, ctx: &Context<'_>) -> Result<Option<Organization>> {
        Ok(load_by_id::<organizations::Entity>(ctx, self.0.funded_by_id).await?.map(Organization))
    }

    /// What is known of the course's delivery, when it is not confirmed.
    async fn delivery_note(&self) -> Option<&str> {
        self.0.delivery_note.as_deref()
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

/// A course accredited or certified by a university.
#[derive(Clone, Debug)]
pub struct Accreditation(pub accreditations::Model);

/// A course accredited or certified by a university.
#[Object]
impl Accreditation {
    /// Opaque global id; pass it to `node` to fetch this accreditation again.
    pub async fn id(&self) -> ID {
        ID(encode_global_id("Accreditation", self.0.id))
    }

    /// The accredited course.
    async fn course(&self, ctx: &Context<'_>) -> Result<Option<Course>> {
        Ok(load_by_id::<courses::Entity>(ctx, Some(self.0.course_id)).await?.map(Course))
    }

    /// The accrediting or certifying university.
    async fn university(&self, ctx: &Context<'_>) -> Result<Option<Organization>> {
        Ok(load_by_id::<organizations::Entity>(ctx, Some(self.0.university_id)).await?.map(Organization))
    }

    /// Academic credits awarded, when stated.
    async fn credits(&self) -> Option<f64> {
        self.0.credits
    }

    /// What the university does for the course.
    async fn role(&self) -> Result<AccreditationRole> {
        Ok(stored("accreditations.role", &self.0.role)?)
    }
}

/// One edition of a course: dates, venue or platform, capacity and availability.
#[derive(Clone, Debug)]
pub struct CourseOffering(pub course_offerings::Model);

connection!(
    CourseOfferingConnection,
    CourseOfferingEdge,
    CourseOffering,
    course_offerings::Model,
    "A page of course offerings.",
    "A course offering in a page, with its cursor."
);

impl CourseOffering {
    /// Derives the offering's availability on `today`.
    pub fn availability_on(&self, today: NaiveDate) -> Result<OfferingAvailability> {
        let today = Date(today);
        let status: OfferingStatus = stored("course_offerings.status", &self.0.status)?;
        if status != OfferingStatus::Scheduled {
            return Ok(OfferingAvailability::NotRunning);
        }
        let Some(starts) = PartialDate::from_stored(self.0.starts_on, &self.0.date_precision)? else {
            return Ok(OfferingAvailability::Unscheduled);
        };
        let ends = PartialDate::from_stored(self.0.ends_on, &self.0.date_precision)?;
        let last_day = ends.map_or(starts.latest, |ends| ends.latest);
        if today > last_day {
            return Ok(OfferingAvailability::Finished);
        }
        // With a start known only to the month or year, an offering counts as running from
        // the first day of that period.
        if today >= starts.earliest {
            return Ok(OfferingAvailability::InProgress);
        }
        let opens = self.0.enrolment_opens_on;
        let closes = self.0.enrolment_closes_on;
        let open = opens.is_some_and(|opens| today.0 >= opens) && closes.is_none_or(|closes| today.0 <= closes);
        Ok(if open { OfferingAvailability::OpenForEnrolment } else { OfferingAvailability::Upcoming })
    }
}

/// One edition of a course: dates, venue or platform, capacity and availability.
#[Object]
impl CourseOffering {
    /// Opaque global id; pass it to `node` to fetch this offering again.
    pub async fn id(&self) -> ID {
        ID(encode_global_id("CourseOffering", self.0.id))
    }

    /// The record's place in the editorial life cycle: status, visibility, version and history.
    async fn editorial(&self) -> EditorialState {
        crate::editorial_state!(self.0, "course_offering", "course_offerings")
    }

    /// Stable key, such as `offering-redppol-onsite-2019-ecu`.
    async fn slug(&self) -> &str {
        &self.0.slug
    }

    /// The course this is an edition of.
    async fn course(&self, ctx: &Context<'_>) -> Result<Option<Course>> {
        Ok(load_by_id::<courses::Entity>(ctx, Some(self.0.course_id)).await?.map(Course))
    }

    /// Edition number, counting from 1.
    async fn edition(&self) -> Option<i32> {
        self.0.edition
    }

    /// How this edition is delivered.
    async fn modality(&self) -> Result<Modality> {
        Ok(stored("course_offerings.modality", &self.0.modality)?)
    }

    /// The institution that hosts an on-site edition.
    async fn venue(&self, ctx: &Context<'_>) -> Result<Option<Organization>> {
        Ok(load_by_id::<organizations::Entity>(ctx, self.0.venue_id).await?.map(Organization))
    }

    /// Learning platform of a virtual edition.
    async fn platform(&self) -> Option<&str> {
        self.0.platform.as_deref()
    }

    /// City of an on-site edition.
    async fn city(&self) -> Option<&str> {
        self.0.city.as_deref()
    }

    /// Country of an on-site edition.
    async fn country(&self, ctx: &Context<'_>) -> Result<Option<Country>> {
        Ok(load_by_id::<countries::Entity>(ctx, self.0.country_id).await?.map(Country))
    }

    /// First day, as precise as it is known, in the offering's time zone.
    async fn starts(&self) -> Result<Option<PartialDate>> {
        partial_date(self.0.starts_on, &self.0.date_precision)
    }

    /// Last day, as precise as it is known, in the offering's time zone.
    async fn ends(&self) -> Result<Option<PartialDate>> {
        partial_date(self.0.ends_on, &self.0.date_precision)
    }

    /// IANA time zone of the dates, such as `America/Tegucigalpa`.
    async fn time_zone(&self) -> Option<&str> {
        self.0.time_zone.as_deref()
    }

    /// First day of enrolment.
    async fn enrolment_opens_on(&self) -> Option<Date> {
        self.0.enrolment_opens_on.map(Date)
    }

    /// Last day of enrolment.
    async fn enrolment_closes_on(&self) -> Option<Date> {
        self.0.enrolment_closes_on.map(Date)
    }

    /// Seats available.
    async fn capacity(&self) -> Option<i32> {
        self.0.capacity
    }

    /// Seats held: officers enrolled, plus those who completed or failed this edition.
    async fn seats_taken(&self) -> i32 {
        self.0.seats_taken
    }

    /// Seats still free; null when the offering has no capacity limit.
    async fn seats_available(&self) -> Option<i32> {
        self.0.capacity.map(|capacity| (capacity - self.0.seats_taken).max(0))
    }

    /// Enrolments in this edition, oldest first: personal data, listing only the officers
    /// the caller may see.
    #[graphql(complexity = "super::common::page_cost(first, last) * child_complexity")]
    async fn enrolments(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Number of rows to return after `after`: at most 100, 20 by default.")] first: Option<i32>,
        #[graphql(desc = "Cursor of the row after which the page starts (`pageInfo.endCursor` of the previous page).")]
        after: Option<String>,
        #[graphql(desc = "Number of rows to return before `before`, at most 100.")] last: Option<i32>,
        #[graphql(desc = "Cursor of the row before which the page ends (`pageInfo.startCursor` of the next page).")]
        before: Option<String>,
    ) -> Result<EnrolmentConnection> {
        let args = PageArgs::new(first, after, last, before);
        Ok(nested_page::<OfferingEnrolments>(ctx, self.0.id, args).await?.into())
    }

    /// Status as the organizers set it.
    async fn status(&self) -> Result<OfferingStatus> {
        Ok(stored("course_offerings.status", &self.0.status)?)
    }

    /// Where the offering stands today (UTC date), from its status, dates and enrolment window.
    async fn availability(&self) -> Result<OfferingAvailability> {
        self.availability_on(Utc::now().date_naive())
    }

    /// Language of instruction (ISO 639-1).
    async fn language(&self) -> Option<&str> {
        self.0.language.as_deref()
    }

    /// Number of member states whose officers took part, as reported.
    async fn participating_member_states(&self) -> Option<i32> {
        self.0.participating_member_states
    }

    /// Number of participants, as reported.
    async fn participants(&self) -> Option<i32> {
        self.0.participants
    }

    /// Universities that teach or design this edition.
    async fn academic_partners(&self, ctx: &Context<'_>) -> Result<Vec<Organization>> {
        Ok(load_list::<OfferingAcademicPartners>(ctx, self.0.id).await?.into_iter().map(Organization).collect())
    }

    /// Institutions that sent participants.
    async fn participating_institutions(&self, ctx: &Context<'_>) -> Result<Vec<Organization>> {
        Ok(load_list::<OfferingParticipants>(ctx, self.0.id).await?.into_iter().map(Organization).collect())
    }

    /// Who funded this edition, as the source names it.
    async fn funded_by_name(&self) -> Option<&str> {
        self.0.funded_by.as_deref()
    }

    /// Events that record this edition.
    async fn events(&self, ctx: &Context<'_>) -> Result<Vec<Event>> {
        Ok(load_list::<OfferingEvents>(ctx, self.0.id).await?.into_iter().map(Event).collect())
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
