//! Creating and updating events, which belong to the networks listed in `event_networks`.

use async_graphql::{Context, ID, InputObject, MaybeUndefined, Object, SimpleObject};
use chrono::Utc;
use entities::events;
use sea_orm::sea_query::{Expr, ExprTrait, Query};
use sea_orm::{ConnectionTrait, TransactionTrait};
use serde_json::{Map, Value as Json, json};

use super::{
    ORGANIZATION_TYPES, Row, apply_reference, apply_text, check_range, date_after, date_text, free_slug, global_id,
    global_ids, insert_row, load, partial_date, row, slug_from, update_row,
};
use crate::auth::Viewer;
use crate::enums::{ContentStatus, DatePrecision, EventKind, EventStatus, RevisionAction, Visibility, stored};
use crate::error::{ApiError, ApiResult};
use crate::graphql::common::{database, viewer};
use crate::graphql::content::Event;
use crate::graphql::editorial::{
    Checks, LONG_TEXT, LocalizedTextInput, SHORT_TEXT, UserError, UserErrorCode, changes, check_version,
    record_revision, require_editor, resolve_id, resolve_ids,
};
use crate::graphql::lifecycle::require_owner_editor;
use crate::import::convert::{all_texts, search_text};
use crate::locale::default_text;
use crate::text::fold;

/// A new event; it starts as a draft.
#[derive(InputObject)]
pub struct CreateEventInput {
    /// Stable key; derived from the English (or first) name when left out.
    pub slug: Option<String>,
    /// Name in one or more locales.
    pub names: Vec<LocalizedTextInput>,
    /// The kind of event.
    pub kind: EventKind,
    /// Whether the event took place, is planned or was cancelled.
    pub status: EventStatus,
    /// Precision of `starts` and `ends`; UNKNOWN when the event has no dates.
    pub date_precision: DatePrecision,
    /// First day, written `YYYY-MM-DD`, `YYYY-MM` or `YYYY` to match `datePrecision`.
    pub starts: Option<String>,
    /// Last day, written as `starts`; it may not come before `starts`.
    pub ends: Option<String>,
    /// City where the event is held.
    pub city: Option<String>,
    /// Country where the event is held.
    pub country_id: Option<ID>,
    /// Organizations that organize or host the event.
    #[graphql(default)]
    pub host_ids: Vec<ID>,
    /// Networks the event belongs to, whose editors maintain it. You must edit in each;
    /// only admins may leave the list empty.
    #[graphql(default)]
    pub network_ids: Vec<ID>,
    /// The course offering this event records, for training events.
    pub course_offering_id: Option<ID>,
    /// Summary of the event, in one or more locales.
    #[graphql(default)]
    pub summaries: Vec<LocalizedTextInput>,
    /// Readers allowed once it is published; defaults to PUBLIC.
    #[graphql(default_with = "Visibility::Public")]
    pub visibility: Visibility,
    /// Sources of the record's facts: URLs, or descriptions where no address exists.
    #[graphql(default)]
    pub sources: Vec<String>,
}

/// Changes to an event. Fields left out keep their value; `null` clears an optional field.
#[derive(InputObject)]
pub struct UpdateEventInput {
    /// The event's id.
    pub id: ID,
    /// The `version` you loaded; a newer stored version rejects the update with CONFLICT.
    pub expected_version: i32,
    /// New stable key.
    pub slug: Option<String>,
    /// New names; replaces every locale.
    pub names: Option<Vec<LocalizedTextInput>>,
    /// New kind.
    pub kind: Option<EventKind>,
    /// New status of the event itself.
    pub status: Option<EventStatus>,
    /// New precision of the dates; send the dates again in the new form.
    pub date_precision: Option<DatePrecision>,
    /// New first day.
    pub starts: MaybeUndefined<String>,
    /// New last day.
    pub ends: MaybeUndefined<String>,
    /// New city.
    pub city: MaybeUndefined<String>,
    /// New country.
    pub country_id: MaybeUndefined<ID>,
    /// New hosts; replaces the list.
    pub host_ids: Option<Vec<ID>>,
    /// New networks; replaces the list. You must edit in every network you add.
    pub network_ids: Option<Vec<ID>>,
    /// New course offering.
    pub course_offering_id: MaybeUndefined<ID>,
    /// New summaries; replaces every locale.
    pub summaries: Option<Vec<LocalizedTextInput>>,
    /// New visibility.
    pub visibility: Option<Visibility>,
    /// New sources.
    pub sources: Option<Vec<String>>,
}

/// The result of an event mutation.
#[derive(SimpleObject)]
pub struct EventPayload {
    /// The event after the change; on a conflict, its current state; null when the input
    /// named no event or the event could not be created.
    pub event: Option<Event>,
    /// Problems with the input; empty when the change was made.
    pub user_errors: Vec<UserError>,
}

impl EventPayload {
    fn rejected(event: Option<events::Model>, checks: Checks) -> EventPayload {
        EventPayload { event: event.map(Event), user_errors: checks.errors }
    }
}

/// An event's links to other records, as sorted row ids.
#[derive(Default, Clone, PartialEq)]
struct EventLinks {
    hosts: Vec<i32>,
    networks: Vec<i32>,
}

/// The link tables: (table, column).
const EVENT_LINK_TABLES: [(&str, &str); 2] =
    [("event_organizations", "organization_id"), ("event_networks", "network_id")];

impl EventLinks {
    fn lists(&self) -> [&Vec<i32>; 2] {
        [&self.hosts, &self.networks]
    }

    fn lists_mut(&mut self) -> [&mut Vec<i32>; 2] {
        [&mut self.hosts, &mut self.networks]
    }

    async fn read(db: &impl ConnectionTrait, id: i32) -> ApiResult<EventLinks> {
        let mut links = EventLinks::default();
        for ((table, column), list) in EVENT_LINK_TABLES.into_iter().zip(links.lists_mut()) {
            let select = Query::select().column(column).from(table).and_where(Expr::col("event_id").eq(id)).take();
            for row in db.query_all(&select).await? {
                list.push(row.try_get::<i32>("", column)?);
            }
            list.sort_unstable();
        }
        Ok(links)
    }

    /// Replaces the stored links of event `id` with these.
    async fn write(&self, db: &impl ConnectionTrait, id: i32) -> ApiResult<()> {
        for ((table, column), list) in EVENT_LINK_TABLES.into_iter().zip(self.lists()) {
            db.execute(&Query::delete().from_table(table).and_where(Expr::col("event_id").eq(id)).take()).await?;
            if list.is_empty() {
                continue;
            }
            let mut insert = Query::insert().into_table(table).columns(["event_id", column]).take();
            for right in list {
                insert.values([id.into(), (*right).into()]).map_err(|err| ApiError::Unexpected(err.to_string()))?;
            }
            db.execute(&insert).await?;
        }
        Ok(())
    }
}

/// Builds the fields that an event's revision history records, under their input names.
fn event_snapshot(model: &events::Model, links: &EventLinks) -> Map<String, Json> {
    let mut map = Map::new();
    map.insert("slug".into(), json!(model.slug));
    map.insert("names".into(), model.names.clone());
    map.insert("kind".into(), json!(model.kind));
    map.insert("status".into(), json!(model.status));
    map.insert("datePrecision".into(), json!(model.date_precision));
    map.insert("starts".into(), json!(date_text(model.starts_on, &model.date_precision)));
    map.insert("ends".into(), json!(date_text(model.ends_on, &model.date_precision)));
    map.insert("city".into(), json!(model.city));
    map.insert("countryId".into(), global_id("Country", model.country_id));
    map.insert("hostIds".into(), global_ids("Organization", &links.hosts));
    map.insert("networkIds".into(), global_ids("Network", &links.networks));
    map.insert("courseOfferingId".into(), global_id("CourseOffering", model.offering_id));
    map.insert("summaries".into(), model.summaries.clone());
    map.insert("visibility".into(), json!(model.visibility));
    map.insert("sources".into(), model.sources.clone());
    map
}

/// Recomputes the columns derived from an event's texts.
fn derive_event_columns(model: &mut events::Model) {
    let mut search = all_texts(&model.names);
    search.extend(model.city.as_deref());
    model.search_text = search_text(search.into_iter().map(Some));
    model.sort_name = fold(&default_text(&model.names));
}

/// Checks an event's dates against its precision and each other, and stores them.
fn set_event_dates(
    checks: &mut Checks,
    model: &mut events::Model,
    precision: DatePrecision,
    starts: Option<&str>,
    ends: Option<&str>,
) {
    model.date_precision = precision.as_db().to_owned();
    model.starts_on = partial_date(checks, "starts", "datePrecision", starts, precision);
    model.ends_on = partial_date(checks, "ends", "datePrecision", ends, precision);
    check_range(checks, "ends", model.starts_on, model.ends_on);
}

/// Rejects an event that no network would own, unless the caller may keep such records.
fn require_event_networks(viewer: &Viewer, checks: &mut Checks, ids: &[ID]) {
    if ids.is_empty() && !viewer.can_edit(None) {
        checks.add(
            "networkIds",
            UserErrorCode::Required,
            "networkIds is empty; name at least one network you edit, because only admins may keep events that no network owns",
        );
    }
}

row!(events, "Event", "events", "event", derive_event_columns);

/// Mutations on events.
#[derive(Default)]
pub struct EventMutations;

#[Object]
impl EventMutations {
    /// Creates an event as a draft in the networks you name, each of which you must edit.
    async fn create_event(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The mutation's input.")] input: CreateEventInput,
    ) -> async_graphql::Result<EventPayload> {
        let db = database(ctx)?;
        let viewer = viewer(ctx)?;
        if !viewer.is_editor() {
            require_editor(viewer, None)?;
        }
        let mut checks = Checks::default();
        let mut links = EventLinks {
            networks: resolve_ids(db, &mut checks, "networkIds", &input.network_ids, &["Network"], "networks").await?,
            hosts: resolve_ids(db, &mut checks, "hostIds", &input.host_ids, &ORGANIZATION_TYPES, "organizations")
                .await?,
        };
        for network in &links.networks {
            require_editor(viewer, Some(*network))?;
        }
        require_event_networks(viewer, &mut checks, &input.network_ids);
        links.hosts.sort_unstable();
        links.networks.sort_unstable();

        let names = checks.texts("names", &input.names, SHORT_TEXT, true);
        let derived_from = input.slug.is_none().then(|| slug_from(&default_text(&names), "event"));
        let slug = match (&input.slug, &derived_from) {
            (Some(slug), _) => checks.slug("slug", slug),
            (None, Some(base)) => free_slug(db, "events", base).await?,
            (None, None) => String::new(),
        };
        let now = Utc::now();
        let mut model = events::Model {
            id: 0,
            slug,
            illustrative: false,
            verified: true,
            sources: checks.sources("sources", &input.sources),
            search_text: String::new(),
            sort_name: String::new(),
            created_at: now,
            updated_at: now,
            names,
            kind: input.kind.as_db().to_owned(),
            starts_on: None,
            ends_on: None,
            date_precision: String::new(),
            city: checks.opt_text("city", input.city.as_deref(), SHORT_TEXT),
            country_id: resolve_id(db, &mut checks, "countryId", input.country_id.as_ref(), &["Country"], "countries")
                .await?,
            status: input.status.as_db().to_owned(),
            summaries: checks.texts("summaries", &input.summaries, LONG_TEXT, false),
            offering_id: resolve_id(
                db,
                &mut checks,
                "courseOfferingId",
                input.course_offering_id.as_ref(),
                &["CourseOffering"],
                "course_offerings",
            )
            .await?,
            editorial_status: ContentStatus::Draft.as_db().to_owned(),
            visibility: input.visibility.as_db().to_owned(),
            version: 1,
            status_changed_at: Some(now),
            published_at: None,
            status_changed_by_id: viewer.member_id(),
        };
        set_event_dates(&mut checks, &mut model, input.date_precision, input.starts.as_deref(), input.ends.as_deref());
        model.derive_columns();
        if !checks.passed() {
            return Ok(EventPayload::rejected(None, checks));
        }

        let txn = db.begin().await?;
        let Some(inserted) = insert_row(&txn, &mut checks, model, derived_from.as_deref()).await? else {
            return Ok(EventPayload::rejected(None, checks));
        };
        links.write(&txn, inserted.id).await?;
        let changed = changes(&Map::new(), &event_snapshot(&inserted, &links));
        record_revision(&txn, viewer, events::Model::ENTITY_TYPE, inserted.id, 1, RevisionAction::Create, changed)
            .await?;
        txn.commit().await?;
        Ok(EventPayload { event: Some(Event(inserted)), user_errors: Vec::new() })
    }

    /// Changes an event's fields, if `expectedVersion` is still its version. You must edit
    /// in one of its networks, and in every network you add.
    async fn update_event(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The mutation's input.")] input: UpdateEventInput,
    ) -> async_graphql::Result<EventPayload> {
        let db = database(ctx)?;
        let viewer = viewer(ctx)?;
        let mut checks = Checks::default();
        let Some(current) = load::<events::Model>(db, &mut checks, &input.id).await? else {
            return Ok(EventPayload::rejected(None, checks));
        };
        let current_links = EventLinks::read(db, current.id).await?;
        require_owner_editor(viewer, &current_links.networks)?;
        if !check_version(&mut checks, current.version, input.expected_version) {
            return Ok(EventPayload::rejected(Some(current), checks));
        }

        let mut model = current.clone();
        let mut links = current_links.clone();
        if let Some(ids) = &input.network_ids {
            links.networks = resolve_ids(db, &mut checks, "networkIds", ids, &["Network"], "networks").await?;
            links.networks.sort_unstable();
            for network in links.networks.iter().filter(|network| !current_links.networks.contains(network)) {
                require_editor(viewer, Some(*network))?;
            }
            require_event_networks(viewer, &mut checks, ids);
        }
        if let Some(ids) = &input.host_ids {
            links.hosts = resolve_ids(db, &mut checks, "hostIds", ids, &ORGANIZATION_TYPES, "organizations").await?;
            links.hosts.sort_unstable();
        }
        if let Some(slug) = &input.slug {
            model.slug = checks.slug("slug", slug);
        }
        if let Some(names) = &input.names {
            model.names = checks.texts("names", names, SHORT_TEXT, true);
        }
        if let Some(kind) = input.kind {
            model.kind = kind.as_db().to_owned();
        }
        if let Some(status) = input.status {
            model.status = status.as_db().to_owned();
        }
        let dates_changed =
            input.date_precision.is_some() || !input.starts.is_undefined() || !input.ends.is_undefined();
        if dates_changed {
            let precision = match input.date_precision {
                Some(precision) => precision,
                None => stored("events.date_precision", &current.date_precision)?,
            };
            let starts = date_after(&input.starts, current.starts_on, &current.date_precision);
            let ends = date_after(&input.ends, current.ends_on, &current.date_precision);
            set_event_dates(&mut checks, &mut model, precision, starts.as_deref(), ends.as_deref());
        }
        apply_text(&mut checks, "city", &input.city, &mut model.city, SHORT_TEXT);
        apply_reference(
            db,
            &mut checks,
            "countryId",
            &input.country_id,
            &mut model.country_id,
            &["Country"],
            "countries",
        )
        .await?;
        apply_reference(
            db,
            &mut checks,
            "courseOfferingId",
            &input.course_offering_id,
            &mut model.offering_id,
            &["CourseOffering"],
            "course_offerings",
        )
        .await?;
        if let Some(summaries) = &input.summaries {
            model.summaries = checks.texts("summaries", summaries, LONG_TEXT, false);
        }
        if let Some(visibility) = input.visibility {
            model.visibility = visibility.as_db().to_owned();
        }
        if let Some(sources) = &input.sources {
            model.sources = checks.sources("sources", sources);
        }
        model.derive_columns();
        if !checks.passed() {
            return Ok(EventPayload::rejected(Some(current), checks));
        }

        let changed = changes(&event_snapshot(&current, &current_links), &event_snapshot(&model, &links));
        if changed.is_empty() {
            return Ok(EventPayload { event: Some(Event(current)), user_errors: Vec::new() });
        }
        model.bump_version();
        let txn = match update_row(db, &current, &model, input.expected_version).await? {
            Ok(txn) => txn,
            Err((row, checks)) => return Ok(EventPayload::rejected(row, checks)),
        };
        if links != current_links {
            links.write(&txn, current.id).await?;
        }
        record_revision(
            &txn,
            viewer,
            events::Model::ENTITY_TYPE,
            current.id,
            model.version,
            RevisionAction::Update,
            changed,
        )
        .await?;
        txn.commit().await?;
        Ok(EventPayload { event: Some(Event(model)), user_errors: Vec::new() })
    }
}
