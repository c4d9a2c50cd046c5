//! Create and update of course offerings, with their organizations.

use async_graphql::{Context, ID, InputObject, MaybeUndefined, SimpleObject};
use chrono::{NaiveDate, Utc};
use entities::{course_offerings, courses};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ActiveModelTrait, ActiveValue, ConnectionTrait, EntityTrait, IntoActiveModel, QueryFilter, TransactionTrait,
};
use serde_json::{Map, Value as Json, json};

use super::{
    LinkTable, ORGANIZATION_TYPES, SLUG_ATTEMPTS, apply_reference, apply_text, conflict_checks, count, free_slug,
    is_unique_violation, load_row, random_suffix, require_some_editor, slug_with_max,
};
use crate::enums::{ContentStatus, DatePrecision, Modality, OfferingStatus, RevisionAction, Visibility};
use crate::error::ApiResult;
use crate::graphql::common::{database, viewer};
use crate::graphql::editorial::{
    Checks, LONG_TEXT, SHORT_TEXT, UserError, UserErrorCode, changes, check_version, duplicate_or, record_revision,
    require_editor, resolve_id,
};
use crate::graphql::lifecycle::{owner_networks, require_owner_editor};
use crate::graphql::scalars::Date;
use crate::graphql::training::CourseOffering;
use crate::ids::encode_global_id;
use crate::import::convert::search_text;
use crate::text::fold;

const OFFERING_LINKS: [LinkTable; 2] = [
    LinkTable {
        field: "academicPartnerIds",
        table: "offering_organizations",
        left: "offering_id",
        right: "organization_id",
        role: Some("academic_partner"),
        types: &ORGANIZATION_TYPES,
        target: "organizations",
        type_name: "Organization",
    },
    LinkTable {
        field: "participatingInstitutionIds",
        table: "offering_organizations",
        left: "offering_id",
        right: "organization_id",
        role: Some("participating_institution"),
        types: &ORGANIZATION_TYPES,
        target: "organizations",
        type_name: "Organization",
    },
];

/// A new course offering, which starts as a draft.
#[derive(InputObject)]
pub struct CreateCourseOfferingInput {
    /// The course this is an edition of. You must edit in the course's network.
    pub course_id: ID,
    /// Stable key, derived from the course's slug and the start date when left out.
    pub slug: Option<String>,
    /// Edition number, counting from 1.
    pub edition: Option<i32>,
    /// Delivery mode of this edition.
    pub modality: Modality,
    /// Status as the organizers set it, SCHEDULED by default.
    #[graphql(default_with = "OfferingStatus::Scheduled")]
    pub status: OfferingStatus,
    /// Readers allowed once it is published, PUBLIC by default.
    #[graphql(default_with = "Visibility::Public")]
    pub visibility: Visibility,
    /// The institution that hosts an on-site edition.
    pub venue_id: Option<ID>,
    /// Learning platform of a virtual edition.
    pub platform: Option<String>,
    /// City of an on-site edition.
    pub city: Option<String>,
    /// Country of an on-site edition.
    pub country_id: Option<ID>,
    /// First day, as precise as it is known: `YYYY-MM-DD`, `YYYY-MM` or `YYYY`.
    pub starts: Option<String>,
    /// Last day, to the same precision as `starts` and not before it.
    pub ends: Option<String>,
    /// Precision of `starts` and `ends`. When left out, their form sets it, and it is UNKNOWN
    /// without dates.
    pub date_precision: Option<DatePrecision>,
    /// IANA time zone of the dates, such as `America/Bogota`, or `UTC`.
    pub time_zone: Option<String>,
    /// First day of enrolment.
    pub enrolment_opens_on: Option<Date>,
    /// Last day of enrolment, not before the first.
    pub enrolment_closes_on: Option<Date>,
    /// Seats available, 0 or more.
    pub capacity: Option<i32>,
    /// Language of instruction (ISO 639-1).
    pub language: Option<String>,
    /// Number of member states whose officers took part, as reported, 0 or more.
    pub participating_member_states: Option<i32>,
    /// Number of participants, as reported, 0 or more.
    pub participants: Option<i32>,
    /// Universities that teach or design this edition.
    #[graphql(default)]
    pub academic_partner_ids: Vec<ID>,
    /// Institutions that sent participants.
    #[graphql(default)]
    pub participating_institution_ids: Vec<ID>,
    /// Name of the funder of this edition, as the source gives it.
    pub funded_by_name: Option<String>,
    /// Editorial notes.
    pub notes: Option<String>,
    /// Sources of the record's facts: URLs, or descriptions where no address exists.
    #[graphql(default)]
    pub sources: Vec<String>,
}

/// Changes to a course offering. Fields left out keep their value, and `null` clears an
/// optional field.
#[derive(InputObject)]
pub struct UpdateCourseOfferingInput {
    /// The offering's id.
    pub id: ID,
    /// The `version` you loaded. A newer stored version rejects the update with CONFLICT.
    pub expected_version: i32,
    /// New course. You must edit in the networks of both courses.
    pub course_id: Option<ID>,
    /// New stable key.
    pub slug: Option<String>,
    /// New edition number.
    pub edition: MaybeUndefined<i32>,
    /// New modality.
    pub modality: Option<Modality>,
    /// New status as the organizers set it.
    pub status: Option<OfferingStatus>,
    /// New visibility.
    pub visibility: Option<Visibility>,
    /// New venue.
    pub venue_id: MaybeUndefined<ID>,
    /// New platform.
    pub platform: MaybeUndefined<String>,
    /// New city.
    pub city: MaybeUndefined<String>,
    /// New country.
    pub country_id: MaybeUndefined<ID>,
    /// New first day. The stored `ends` must have its precision unless you change `ends` too.
    pub starts: MaybeUndefined<String>,
    /// New last day.
    pub ends: MaybeUndefined<String>,
    /// New precision of `starts` and `ends`.
    pub date_precision: Option<DatePrecision>,
    /// New time zone.
    pub time_zone: MaybeUndefined<String>,
    /// New first day of enrolment.
    pub enrolment_opens_on: MaybeUndefined<Date>,
    /// New last day of enrolment.
    pub enrolment_closes_on: MaybeUndefined<Date>,
    /// New capacity.
    pub capacity: MaybeUndefined<i32>,
    /// New language of instruction.
    pub language: MaybeUndefined<String>,
    /// New number of participating member states.
    pub participating_member_states: MaybeUndefined<i32>,
    /// New number of participants.
    pub participants: MaybeUndefined<i32>,
    /// New academic partners, replacing the list.
    pub academic_partner_ids: Option<Vec<ID>>,
    /// New participating institutions, replacing the list.
    pub participating_institution_ids: Option<Vec<ID>>,
    /// New funder name.
    pub funded_by_name: MaybeUndefined<String>,
    /// New notes.
    pub notes: MaybeUndefined<String>,
    /// New sources.
    pub sources: Option<Vec<String>>,
}

/// The result of a course offering mutation.
#[derive(SimpleObject)]
pub struct CourseOfferingPayload {
    /// The offering after the change, or its current state after a conflict. Null when the
    /// input named no offering.
    pub course_offering: Option<CourseOffering>,
    /// Problems with the input, empty when the change was made.
    pub user_errors: Vec<UserError>,
}

impl CourseOfferingPayload {
    fn rejected(offering: Option<course_offerings::Model>, checks: Checks) -> CourseOfferingPayload {
        CourseOfferingPayload { course_offering: offering.map(CourseOffering), user_errors: checks.errors }
    }
}

/// An offering's dates: first and last day, stored as the first day of their period, and
/// the precision they share.
struct Schedule {
    starts_on: Option<NaiveDate>,
    ends_on: Option<NaiveDate>,
    precision: DatePrecision,
}

/// Returns the precision a date's form shows: `YYYY-MM-DD`, `YYYY-MM` or `YYYY`.
fn precision_of(text: &str) -> Option<DatePrecision> {
    match text.len() {
        10 => Some(DatePrecision::Day),
        7 => Some(DatePrecision::Month),
        4 => Some(DatePrecision::Year),
        _ => None,
    }
}

/// Returns the form a date of `precision` is written in.
fn date_form(precision: DatePrecision) -> &'static str {
    match precision {
        DatePrecision::Day => "YYYY-MM-DD",
        DatePrecision::Month => "YYYY-MM",
        _ => "YYYY",
    }
}

/// Parses a date written exactly in the form of `precision`, to the first day it can mean.
fn parse_partial(text: &str, precision: DatePrecision) -> Option<NaiveDate> {
    let form = date_form(precision);
    let shaped = text.len() == form.len()
        && text.bytes().zip(form.bytes()).all(|(c, f)| if f == b'-' { c == b'-' } else { c.is_ascii_digit() });
    if !shaped {
        return None;
    }
    let full = match precision {
        DatePrecision::Day => text.to_owned(),
        DatePrecision::Month => format!("{text}-01"),
        _ => format!("{text}-01-01"),
    };
    NaiveDate::parse_from_str(&full, "%Y-%m-%d").ok()
}

/// Writes a stored first day in the form of its precision, as the input takes it.
fn partial_text(date: Option<NaiveDate>, precision: DatePrecision) -> Option<String> {
    let date = date?;
    match precision {
        DatePrecision::Day => Some(date.format("%Y-%m-%d").to_string()),
        DatePrecision::Month => Some(date.format("%Y-%m").to_string()),
        DatePrecision::Year => Some(date.format("%Y").to_string()),
        DatePrecision::Unknown => None,
    }
}

fn precision_word(precision: DatePrecision) -> &'static str {
    match precision {
        DatePrecision::Day => "day",
        DatePrecision::Month => "month",
        DatePrecision::Year => "year",
        DatePrecision::Unknown => "unknown",
    }
}

/// Checks `starts` and `ends` as the importer does: both in the form of one precision, a
/// known precision when a date is given, and `ends` not before `starts`. Without an
/// explicit precision, the form of the first well-formed date sets it, and `fallback`
/// applies when neither date is given.
fn schedule(
    checks: &mut Checks,
    starts: Option<&str>,
    ends: Option<&str>,
    precision: Option<DatePrecision>,
    fallback: DatePrecision,
) -> Schedule {
    let starts = starts.map(str::trim);
    let ends = ends.map(str::trim);
    let derived = starts.and_then(precision_of).or_else(|| ends.and_then(precision_of));
    let effective = match (precision, derived) {
        (Some(precision), _) => precision,
        (None, Some(derived)) => derived,
        // Every given date is malformed, and each one is reported below.
        (None, None) if starts.is_some() || ends.is_some() => DatePrecision::Day,
        (None, None) => fallback,
    };
    let mut parse = |field: &str, text: Option<&str>| {
        let text = text?;
        if effective == DatePrecision::Unknown {
            checks.add(
                field,
                UserErrorCode::Invalid,
                format!("{field} is \"{text}\" but datePrecision is UNKNOWN; set datePrecision to DAY, MONTH or YEAR"),
            );
            return None;
        }
        let parsed = parse_partial(text, effective);
        if parsed.is_none() {
            let form = date_form(effective);
            let message = if precision.is_some() {
                format!("\"{text}\" is not a {}-precision date; write it as {form}", precision_word(effective))
            } else if precision_of(text).is_some() {
                format!(
                    "\"{text}\" is not a {}-precision date; starts and ends share one precision, so write it as {form} or set datePrecision",
                    precision_word(effective)
                )
            } else {
                format!("\"{text}\" is not a date; write it as YYYY-MM-DD, YYYY-MM or YYYY")
            };
            checks.add(field, UserErrorCode::Invalid, message);
        }
        parsed
    };
    let starts_on = parse("starts", starts);
    let ends_on = parse("ends", ends);
    if let (Some(start), Some(end)) = (starts_on, ends_on)
        && end < start
    {
        checks.add(
            "ends",
            UserErrorCode::Invalid,
            format!("the offering ends on {end}, before it starts on {start}; swap or correct the dates"),
        );
    }
    Schedule { starts_on, ends_on, precision: effective }
}

/// Checks that enrolment does not close before it opens.
fn enrolment_window(checks: &mut Checks, opens: Option<NaiveDate>, closes: Option<NaiveDate>) {
    if let (Some(opens), Some(closes)) = (opens, closes)
        && closes < opens
    {
        checks.add(
            "enrolmentClosesOn",
            UserErrorCode::Invalid,
            format!("enrolment closes on {closes}, before it opens on {opens}; swap or correct the dates"),
        );
    }
}

/// Checks an IANA time zone name as the importer does: `UTC`, or an `Area/Location` name.
fn time_zone(checks: &mut Checks, value: Option<&str>) -> Option<String> {
    let zone = checks.opt_text("timeZone", value, SHORT_TEXT)?;
    let valid = zone == "UTC" || zone.split('/').count() >= 2 && !zone.contains(char::is_whitespace);
    if !valid {
        checks.add(
            "timeZone",
            UserErrorCode::Invalid,
            format!("\"{zone}\" is not an IANA time zone; use a name such as America/Bogota or UTC"),
        );
    }
    Some(zone)
}

fn edition(checks: &mut Checks, value: Option<i32>) -> Option<i32> {
    if let Some(edition) = value
        && edition < 1
    {
        checks.add("edition", UserErrorCode::Invalid, format!("{edition} is not an edition number; count from 1"));
    }
    value
}

/// Derives an offering's slug base from its course's slug and its start date.
fn offering_slug_base(course: &courses::Model, starts: Option<&str>) -> String {
    let stem = course.slug.strip_prefix("course-").unwrap_or(&course.slug);
    let text = format!("offering {stem} {}", starts.unwrap_or_default());
    slug_with_max(&text, 100, "offering")
}

/// Recomputes the columns derived from an offering's texts, as the importer does.
fn derive_offering_columns(model: &mut course_offerings::Model) {
    model.search_text = search_text([model.city.as_deref(), model.platform.as_deref(), Some(model.slug.as_str())]);
    model.sort_name = fold(&model.slug);
}

/// Builds the fields of an offering that revision history records, under their input names.
fn offering_snapshot(model: &course_offerings::Model, links: &[Vec<i32>]) -> Map<String, Json> {
    let precision = DatePrecision::from_db(&model.date_precision).unwrap_or(DatePrecision::Unknown);
    let date = |date: Option<NaiveDate>| date.map(|date| date.format("%Y-%m-%d").to_string());

    let mut map = Map::new();
    map.insert("slug".into(), json!(model.slug));
    map.insert("courseId".into(), json!(encode_global_id("Course", model.course_id)));
    map.insert("edition".into(), json!(model.edition));
    map.insert("modality".into(), json!(model.modality));
    map.insert("status".into(), json!(model.status));
    map.insert("visibility".into(), json!(model.visibility));

    map.insert("venueId".into(), json!(model.venue_id.map(|id| encode_global_id("Organization", id))));
    map.insert("platform".into(), json!(model.platform));
    map.insert("city".into(), json!(model.city));
    map.insert("countryId".into(), json!(model.country_id.map(|id| encode_global_id("Country", id))));

    map.insert("starts".into(), json!(partial_text(model.starts_on, precision)));
    map.insert("ends".into(), json!(partial_text(model.ends_on, precision)));
    map.insert("datePrecision".into(), json!(model.date_precision));
    map.insert("timeZone".into(), json!(model.time_zone));
    map.insert("enrolmentOpensOn".into(), json!(date(model.enrolment_opens_on)));
    map.insert("enrolmentClosesOn".into(), json!(date(model.enrolment_closes_on)));

    map.insert("capacity".into(), json!(model.capacity));
    map.insert("language".into(), json!(model.language));
    map.insert("participatingMemberStates".into(), json!(model.participating_member_states));
    map.insert("participants".into(), json!(model.participants));

    for (table, list) in OFFERING_LINKS.iter().zip(links) {
        map.insert(table.field.into(), table.snapshot(list));
    }

    map.insert("fundedByName".into(), json!(model.funded_by));
    map.insert("notes".into(), json!(model.notes));
    map.insert("sources".into(), model.sources.clone());
    map
}

async fn read_offering_links(db: &impl ConnectionTrait, id: i32) -> ApiResult<Vec<Vec<i32>>> {
    let mut links = Vec::with_capacity(OFFERING_LINKS.len());
    for table in &OFFERING_LINKS {
        links.push(table.read(db, id).await?);
    }
    Ok(links)
}

async fn write_offering_links(db: &impl ConnectionTrait, id: i32, old: &[Vec<i32>], new: &[Vec<i32>]) -> ApiResult<()> {
    for ((table, old), new) in OFFERING_LINKS.iter().zip(old).zip(new) {
        if old != new {
            table.write(db, id, new).await?;
        }
    }
    Ok(())
}

pub(super) async fn create_offering(
    ctx: &Context<'_>,
    input: CreateCourseOfferingInput,
) -> ApiResult<CourseOfferingPayload> {
    let db = database(ctx)?;
    let viewer = viewer(ctx)?;
    require_some_editor(viewer)?;
    let mut checks = Checks::default();
    let course = load_row::<courses::Entity>(db, &mut checks, "courseId", &input.course_id, "Course").await?;
    if let Some(course) = &course {
        require_editor(viewer, Some(course.network_id))?;
    }

    let dates = schedule(
        &mut checks,
        input.starts.as_deref(),
        input.ends.as_deref(),
        input.date_precision,
        DatePrecision::Unknown,
    );
    let opens = input.enrolment_opens_on.map(|date| date.0);
    let closes = input.enrolment_closes_on.map(|date| date.0);
    enrolment_window(&mut checks, opens, closes);
    let derived_slug = input.slug.is_none();
    let slug_base = course.as_ref().map(|course| offering_slug_base(course, input.starts.as_deref().map(str::trim)));
    let slug = match (&input.slug, &slug_base) {
        (Some(slug), _) => checks.slug("slug", slug),
        (None, Some(base)) => free_slug(db, "course_offerings", base).await?,
        // Without a course the checks already failed.
        (None, None) => String::new(),
    };
    let mut links = Vec::with_capacity(OFFERING_LINKS.len());
    for (table, ids) in OFFERING_LINKS.iter().zip([&input.academic_partner_ids, &input.participating_institution_ids]) {
        links.push(table.resolve(db, &mut checks, ids).await?);
    }
    let venue_id =
        resolve_id(db, &mut checks, "venueId", input.venue_id.as_ref(), &ORGANIZATION_TYPES, "organizations").await?;
    let country_id =
        resolve_id(db, &mut checks, "countryId", input.country_id.as_ref(), &["Country"], "countries").await?;

    let now = Utc::now();
    let mut model = course_offerings::Model {
        id: 0,
        slug,
        illustrative: false,
        verified: true,
        sources: checks.sources("sources", &input.sources),
        search_text: String::new(),
        sort_name: String::new(),
        created_at: now,
        updated_at: now,
        course_id: course.as_ref().map_or(0, |course| course.id),
        edition: edition(&mut checks, input.edition),
        modality: input.modality.as_db().to_owned(),
        venue_id,
        platform: checks.opt_text("platform", input.platform.as_deref(), SHORT_TEXT),
        city: checks.opt_text("city", input.city.as_deref(), SHORT_TEXT),
        country_id,
        starts_on: dates.starts_on,
        ends_on: dates.ends_on,
        date_precision: dates.precision.as_db().to_owned(),
        time_zone: time_zone(&mut checks, input.time_zone.as_deref()),
        enrolment_opens_on: opens,
        enrolment_closes_on: closes,
        capacity: count(&mut checks, "capacity", input.capacity),
        seats_taken: 0,
        status: input.status.as_db().to_owned(),
        language: input.language.as_deref().map(|code| checks.language("language", code)),
        participating_member_states: count(&mut checks, "participatingMemberStates", input.participating_member_states),
        participants: count(&mut checks, "participants", input.participants),
        funded_by: checks.opt_text("fundedByName", input.funded_by_name.as_deref(), SHORT_TEXT),
        notes: checks.opt_text("notes", input.notes.as_deref(), LONG_TEXT),
        editorial_status: ContentStatus::Draft.as_db().to_owned(),
        visibility: input.visibility.as_db().to_owned(),
        version: 1,
        status_changed_at: Some(now),
        published_at: None,
        status_changed_by_id: viewer.member_id(),
    };
    derive_offering_columns(&mut model);
    if !checks.passed() {
        return Ok(CourseOfferingPayload::rejected(None, checks));
    }
    // A course was found, since the checks passed.
    let slug_base = slug_base.unwrap_or_default();

    let txn = db.begin().await?;
    let mut attempts = 0;
    let inserted = loop {
        let mut active = model.clone().into_active_model();
        active.id = ActiveValue::NotSet;
        // A savepoint keeps the transaction usable on PostgreSQL after a unique violation.
        let savepoint = txn.begin().await?;
        match active.insert(&savepoint).await {
            Ok(inserted) => {
                savepoint.commit().await?;
                break inserted;
            }
            Err(err) => {
                savepoint.rollback().await?;
                attempts += 1;
                // A derived slug taken by a concurrent create gets the next free suffix.
                if derived_slug && is_unique_violation(&err) && attempts < SLUG_ATTEMPTS {
                    let free = free_slug(&txn, "course_offerings", &slug_base).await?;
                    model.slug = format!("{free}-{}", random_suffix()?);
                    derive_offering_columns(&mut model);
                    continue;
                }
                duplicate_or(err, &mut checks, "slug", &model.slug)?;
                return Ok(CourseOfferingPayload::rejected(None, checks));
            }
        }
    };
    let empty = vec![Vec::new(); OFFERING_LINKS.len()];
    write_offering_links(&txn, inserted.id, &empty, &links).await?;
    let changed = changes(&Map::new(), &offering_snapshot(&inserted, &links));
    record_revision(&txn, viewer, "course_offering", inserted.id, 1, RevisionAction::Create, changed).await?;
    txn.commit().await?;
    Ok(CourseOfferingPayload { course_offering: Some(CourseOffering(inserted)), user_errors: Vec::new() })
}

/// Returns the value an update leaves: the new one, none when cleared, else the stored one.
fn after_update<T: Clone>(value: &MaybeUndefined<T>, stored: Option<T>) -> Option<T> {
    match value {
        MaybeUndefined::Undefined => stored,
        MaybeUndefined::Null => None,
        MaybeUndefined::Value(value) => Some(value.clone()),
    }
}

pub(super) async fn update_offering(
    ctx: &Context<'_>,
    input: UpdateCourseOfferingInput,
) -> ApiResult<CourseOfferingPayload> {
    let db = database(ctx)?;
    let viewer = viewer(ctx)?;
    let mut checks = Checks::default();
    let Some(current) =
        load_row::<course_offerings::Entity>(db, &mut checks, "id", &input.id, "CourseOffering").await?
    else {
        return Ok(CourseOfferingPayload::rejected(None, checks));
    };
    require_owner_editor(viewer, &owner_networks(db, "course_offerings", current.id).await?)?;
    if !check_version(&mut checks, current.version, input.expected_version) {
        return Ok(CourseOfferingPayload::rejected(Some(current), checks));
    }

    let current_links = read_offering_links(db, current.id).await?;
    let mut model = current.clone();
    let mut links = current_links.clone();
    if let Some(course_id) = &input.course_id
        && let Some(course) = load_row::<courses::Entity>(db, &mut checks, "courseId", course_id, "Course").await?
    {
        require_editor(viewer, Some(course.network_id))?;
        model.course_id = course.id;
    }
    if let Some(slug) = &input.slug {
        model.slug = checks.slug("slug", slug);
    }
    match input.edition {
        MaybeUndefined::Undefined => {}
        MaybeUndefined::Null => model.edition = None,
        MaybeUndefined::Value(value) => model.edition = edition(&mut checks, Some(value)),
    }
    if let Some(modality) = input.modality {
        model.modality = modality.as_db().to_owned();
    }
    if let Some(status) = input.status {
        model.status = status.as_db().to_owned();
    }
    if let Some(visibility) = input.visibility {
        model.visibility = visibility.as_db().to_owned();
    }
    let venue = &input.venue_id;
    apply_reference(db, &mut checks, "venueId", venue, &mut model.venue_id, &ORGANIZATION_TYPES, "organizations")
        .await?;
    apply_reference(db, &mut checks, "countryId", &input.country_id, &mut model.country_id, &["Country"], "countries")
        .await?;
    let texts = [
        ("platform", &input.platform, &mut model.platform, SHORT_TEXT),
        ("city", &input.city, &mut model.city, SHORT_TEXT),
        ("fundedByName", &input.funded_by_name, &mut model.funded_by, SHORT_TEXT),
        ("notes", &input.notes, &mut model.notes, LONG_TEXT),
    ];
    for (field, value, column, max) in texts {
        apply_text(&mut checks, field, value, column, max);
    }

    let dates_changed = !input.starts.is_undefined() || !input.ends.is_undefined() || input.date_precision.is_some();
    if dates_changed {
        let stored_precision = DatePrecision::from_db(&current.date_precision).unwrap_or(DatePrecision::Unknown);
        let starts = after_update(&input.starts, partial_text(current.starts_on, stored_precision));
        let ends = after_update(&input.ends, partial_text(current.ends_on, stored_precision));
        let dates = schedule(&mut checks, starts.as_deref(), ends.as_deref(), input.date_precision, stored_precision);
        model.starts_on = dates.starts_on;
        model.ends_on = dates.ends_on;
        model.date_precision = dates.precision.as_db().to_owned();
    }
    match &input.time_zone {
        MaybeUndefined::Undefined => {}
        MaybeUndefined::Null => model.time_zone = None,
        MaybeUndefined::Value(zone) => model.time_zone = time_zone(&mut checks, Some(zone)),
    }
    if !input.enrolment_opens_on.is_undefined() || !input.enrolment_closes_on.is_undefined() {
        model.enrolment_opens_on =
            after_update(&input.enrolment_opens_on, current.enrolment_opens_on.map(Date)).map(|d| d.0);
        model.enrolment_closes_on =
            after_update(&input.enrolment_closes_on, current.enrolment_closes_on.map(Date)).map(|d| d.0);
        enrolment_window(&mut checks, model.enrolment_opens_on, model.enrolment_closes_on);
    }
    let counts = [
        ("capacity", &input.capacity, &mut model.capacity),
        ("participatingMemberStates", &input.participating_member_states, &mut model.participating_member_states),
        ("participants", &input.participants, &mut model.participants),
    ];
    for (field, value, column) in counts {
        match value {
            MaybeUndefined::Undefined => {}
            MaybeUndefined::Null => *column = None,
            MaybeUndefined::Value(value) => *column = count(&mut checks, field, Some(*value)),
        }
    }
    match &input.language {
        MaybeUndefined::Undefined => {}
        MaybeUndefined::Null => model.language = None,
        MaybeUndefined::Value(code) => model.language = Some(checks.language("language", code)),
    }
    let inputs = [&input.academic_partner_ids, &input.participating_institution_ids];
    for ((table, ids), list) in OFFERING_LINKS.iter().zip(inputs).zip(links.iter_mut()) {
        if let Some(ids) = ids {
            *list = table.resolve(db, &mut checks, ids).await?;
        }
    }
    if let Some(values) = &input.sources {
        model.sources = checks.sources("sources", values);
    }
    derive_offering_columns(&mut model);
    if !checks.passed() {
        return Ok(CourseOfferingPayload::rejected(Some(current), checks));
    }

    let changed = changes(&offering_snapshot(&current, &current_links), &offering_snapshot(&model, &links));
    if changed.is_empty() {
        return Ok(CourseOfferingPayload { course_offering: Some(CourseOffering(current)), user_errors: Vec::new() });
    }

    model.version = current.version + 1;
    model.updated_at = Utc::now();
    let txn = db.begin().await?;
    // The version condition makes the write itself the check, so two concurrent updates
    // of one version cannot both succeed.
    let mut active = model.clone().into_active_model().reset_all();
    active.id = ActiveValue::Unchanged(current.id);
    // Enrolments keep the seat count; an editor's update never overwrites it.
    active.seats_taken = ActiveValue::NotSet;
    let update = course_offerings::Entity::update_many()
        .set(active)
        .filter(Expr::col(course_offerings::Column::Id).eq(current.id))
        .filter(Expr::col(course_offerings::Column::Version).eq(current.version))
        .exec(&txn)
        .await;
    let updated_rows = match update {
        Ok(result) => result.rows_affected,
        Err(err) => {
            txn.rollback().await?;
            duplicate_or(err, &mut checks, "slug", &model.slug)?;
            return Ok(CourseOfferingPayload::rejected(Some(current), checks));
        }
    };
    if updated_rows == 0 {
        txn.rollback().await?;
        let stored = course_offerings::Entity::find_by_id(current.id).one(db).await?;
        let checks = conflict_checks(stored.as_ref().map(|row| row.version), input.expected_version);
        return Ok(CourseOfferingPayload::rejected(stored, checks));
    }
    write_offering_links(&txn, current.id, &current_links, &links).await?;
    record_revision(&txn, viewer, "course_offering", current.id, model.version, RevisionAction::Update, changed)
        .await?;
    txn.commit().await?;
    Ok(CourseOfferingPayload { course_offering: Some(CourseOffering(model)), user_errors: Vec::new() })
}
