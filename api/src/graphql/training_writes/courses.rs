//! Create and update of courses, with their topics and accreditations.

use async_graphql::{Context, ID, InputObject, MaybeUndefined, SimpleObject};
use chrono::Utc;
use entities::{accreditations, courses};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ActiveModelTrait, ActiveValue, ConnectionTrait, EntityTrait, IntoActiveModel, QueryFilter, QueryOrder,
    TransactionTrait,
};
use serde_json::{Map, Value as Json, json};

use super::{
    LinkTable, ORGANIZATION_TYPES, SLUG_ATTEMPTS, apply_reference, apply_text, conflict_checks, free_slug,
    is_unique_violation, languages, load_row, random_suffix, require_some_editor, slug_from, text_list,
};
use crate::enums::{AccreditationRole, ContentStatus, Modality, RevisionAction, Visibility};
use crate::error::ApiResult;
use crate::graphql::common::{database, viewer};
use crate::graphql::editorial::{
    Checks, LONG_TEXT, LocalizedTextInput, SHORT_TEXT, UserError, UserErrorCode, changes, check_version, duplicate_or,
    record_revision, require_editor, resolve_id,
};
use crate::graphql::training::Course;
use crate::ids::encode_global_id;
use crate::import::convert::{all_texts, search_text};
use crate::locale::default_text;
use crate::text::fold;

/// Maximum length of a catalogue code, as the importer allows.
const CODE_MAX: usize = 40;

/// Highest number of academic credits an accreditation may state, as the importer allows.
const CREDITS_MAX: f64 = 1000.0;

const COURSE_TOPICS: LinkTable = LinkTable {
    field: "topicIds",
    table: "course_topics",
    left: "course_id",
    right: "topic_id",
    role: None,
    types: &["Topic"],
    target: "topics",
    type_name: "Topic",
};

/// A university's accreditation or certification of a course.
#[derive(InputObject, Clone, Debug)]
pub struct AccreditationInput {
    /// The university: the id of an organization or police institution.
    pub university_id: ID,
    /// Academic credits awarded, from 0 to 1000, when stated.
    pub credits: Option<f64>,
    /// The university's role for the course.
    pub role: AccreditationRole,
}

/// A new course, which starts as a draft.
#[derive(InputObject)]
pub struct CreateCourseInput {
    /// Catalogue code, unique across courses: up to 40 upper-case letters, digits and
    /// hyphens, such as `REDPPOL-OS`.
    pub code: String,
    /// Stable key, derived from the English title when left out.
    pub slug: Option<String>,
    /// The network whose curriculum includes the course. You must edit in it.
    pub network_id: ID,
    /// Title in one or more locales.
    pub titles: Vec<LocalizedTextInput>,
    /// Delivery mode of the course.
    pub modality: Modality,
    /// Readers allowed once it is published, PUBLIC by default.
    #[graphql(default_with = "Visibility::Public")]
    pub visibility: Visibility,
    /// Class hours, from 1 to 5000.
    pub hours: Option<i32>,
    /// Spread of the hours, in words.
    pub duration_note: Option<String>,
    /// Languages the course is taught in (ISO 639-1).
    #[graphql(default)]
    pub languages: Vec<String>,
    /// Use of the languages, such as simultaneous interpretation.
    pub language_note: Option<String>,
    /// Level or audience, such as `mid-level officers`.
    pub level: Option<String>,
    /// Requirements a participant must meet.
    #[graphql(default)]
    pub prerequisites: Vec<String>,
    /// Abilities participants gain from the course.
    #[graphql(default)]
    pub learning_outcomes: Vec<String>,
    /// Modules of the course, in teaching order.
    #[graphql(default)]
    pub modules: Vec<String>,
    /// Description in one or more locales.
    #[graphql(default)]
    pub descriptions: Vec<LocalizedTextInput>,
    /// Topics of the course.
    #[graphql(default)]
    pub topic_ids: Vec<ID>,
    /// Universities that accredit or certify the course, one entry per university.
    #[graphql(default)]
    pub accreditations: Vec<AccreditationInput>,
    /// The organization that funds the course.
    pub funded_by_id: Option<ID>,
    /// Known facts of the course's delivery, when it is not confirmed.
    pub delivery_note: Option<String>,
    /// Editorial notes.
    pub notes: Option<String>,
    /// Sources of the record's facts: URLs, or descriptions where no address exists.
    #[graphql(default)]
    pub sources: Vec<String>,
}

/// Changes to a course. Fields left out keep their value, and `null` clears an
/// optional field.
#[derive(InputObject)]
pub struct UpdateCourseInput {
    /// The course's id.
    pub id: ID,
    /// The `version` you loaded. A newer stored version rejects the update with CONFLICT.
    pub expected_version: i32,
    /// New catalogue code.
    pub code: Option<String>,
    /// New stable key.
    pub slug: Option<String>,
    /// New owning network. You must edit in both networks, and the course's offerings move with it.
    pub network_id: Option<ID>,
    /// New titles, replacing every locale.
    pub titles: Option<Vec<LocalizedTextInput>>,
    /// New modality.
    pub modality: Option<Modality>,
    /// New visibility.
    pub visibility: Option<Visibility>,
    /// New class hours.
    pub hours: MaybeUndefined<i32>,
    /// New duration note.
    pub duration_note: MaybeUndefined<String>,
    /// New languages.
    pub languages: Option<Vec<String>>,
    /// New language note.
    pub language_note: MaybeUndefined<String>,
    /// New level.
    pub level: MaybeUndefined<String>,
    /// New prerequisites, replacing the list.
    pub prerequisites: Option<Vec<String>>,
    /// New learning outcomes, replacing the list.
    pub learning_outcomes: Option<Vec<String>>,
    /// New modules, replacing the list.
    pub modules: Option<Vec<String>>,
    /// New descriptions, replacing every locale.
    pub descriptions: Option<Vec<LocalizedTextInput>>,
    /// New topics, replacing the list.
    pub topic_ids: Option<Vec<ID>>,
    /// New accreditations, replacing the list.
    pub accreditations: Option<Vec<AccreditationInput>>,
    /// New funding organization.
    pub funded_by_id: MaybeUndefined<ID>,
    /// New delivery note.
    pub delivery_note: MaybeUndefined<String>,
    /// New notes.
    pub notes: MaybeUndefined<String>,
    /// New sources.
    pub sources: Option<Vec<String>>,
}

/// The result of a course mutation.
#[derive(SimpleObject)]
pub struct CoursePayload {
    /// The course after the change, or its current state after a conflict. Null when the
    /// input named no course.
    pub course: Option<Course>,
    /// Problems with the input, empty when the change was made.
    pub user_errors: Vec<UserError>,
}

impl CoursePayload {
    fn rejected(course: Option<courses::Model>, checks: Checks) -> CoursePayload {
        CoursePayload { course: course.map(Course), user_errors: checks.errors }
    }
}

/// A course's accreditation, as stored in `accreditations`.
#[derive(Clone, Debug, PartialEq)]
struct AccreditationRow {
    university_id: i32,
    credits: Option<f64>,
    role: String,
}

/// Checks the accreditations of a course: known universities, one entry each, credits
/// from 0 to 1000. Returns them sorted by university.
async fn accreditation_rows(
    db: &impl ConnectionTrait,
    checks: &mut Checks,
    values: &[AccreditationInput],
) -> ApiResult<Vec<AccreditationRow>> {
    let mut rows: Vec<AccreditationRow> = Vec::new();
    for (i, accreditation) in values.iter().enumerate() {
        let field = format!("accreditations.{i}");
        if let Some(credits) = accreditation.credits
            && !(0.0..=CREDITS_MAX).contains(&credits)
        {
            checks.add(
                &format!("{field}.credits"),
                UserErrorCode::Invalid,
                format!("{credits} credits is outside 0 to 1000; give the credits the university awards"),
            );
        }
        let university_field = format!("{field}.universityId");
        let id = Some(&accreditation.university_id);
        let Some(university) =
            resolve_id(db, checks, &university_field, id, &ORGANIZATION_TYPES, "organizations").await?
        else {
            continue;
        };
        if rows.iter().any(|row| row.university_id == university) {
            checks.add(
                &university_field,
                UserErrorCode::Duplicate,
                format!(
                    "the university \"{}\" is listed twice; give one accreditation per university",
                    accreditation.university_id.as_str()
                ),
            );
            continue;
        }
        rows.push(AccreditationRow {
            university_id: university,
            credits: accreditation.credits,
            role: accreditation.role.as_db().to_owned(),
        });
    }
    rows.sort_by_key(|row| row.university_id);
    Ok(rows)
}

async fn read_accreditations(db: &impl ConnectionTrait, course_id: i32) -> ApiResult<Vec<AccreditationRow>> {
    let rows = accreditations::Entity::find()
        .filter(Expr::col(accreditations::Column::CourseId).eq(course_id))
        .order_by_asc(accreditations::Column::UniversityId)
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .map(|row| AccreditationRow { university_id: row.university_id, credits: row.credits, role: row.role })
        .collect())
}

/// Brings a course's stored accreditations from `old` to `new`. Rows of universities in
/// both lists are updated in place, so they keep their ids.
async fn write_accreditations(
    db: &impl ConnectionTrait,
    course_id: i32,
    old: &[AccreditationRow],
    new: &[AccreditationRow],
) -> ApiResult<()> {
    let of_course = |university_id: i32| {
        Expr::col(accreditations::Column::CourseId)
            .eq(course_id)
            .and(Expr::col(accreditations::Column::UniversityId).eq(university_id))
    };
    for row in old {
        if !new.iter().any(|kept| kept.university_id == row.university_id) {
            accreditations::Entity::delete_many().filter(of_course(row.university_id)).exec(db).await?;
        }
    }
    for row in new {
        match old.iter().find(|stored| stored.university_id == row.university_id) {
            Some(stored) if stored == row => {}
            Some(_) => {
                accreditations::Entity::update_many()
                    .col_expr(accreditations::Column::Credits, Expr::val(row.credits))
                    .col_expr(accreditations::Column::Role, Expr::val(row.role.clone()))
                    .filter(of_course(row.university_id))
                    .exec(db)
                    .await?;
            }
            None => {
                let active = accreditations::ActiveModel {
                    id: ActiveValue::NotSet,
                    course_id: ActiveValue::Set(course_id),
                    university_id: ActiveValue::Set(row.university_id),
                    credits: ActiveValue::Set(row.credits),
                    role: ActiveValue::Set(row.role.clone()),
                };
                accreditations::Entity::insert(active).exec(db).await?;
            }
        }
    }
    Ok(())
}

/// Returns whether a trimmed code has the importer's form: up to 40 upper-case letters, digits and hyphens.
fn valid_code(code: &str) -> bool {
    !code.is_empty()
        && code.len() <= CODE_MAX
        && code.chars().all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '-')
}

/// Checks a catalogue code as the importer does.
fn course_code(checks: &mut Checks, value: &str) -> String {
    let code = value.trim().to_owned();
    if code.is_empty() {
        checks.add("code", UserErrorCode::Required, "code is empty; give the catalogue code, such as REDPPOL-OS");
    } else if !valid_code(&code) {
        checks.add(
            "code",
            UserErrorCode::Invalid,
            format!("\"{code}\" is not a catalogue code; use up to 40 upper-case letters, digits and hyphens, such as REDPPOL-OS"),
        );
    }
    code
}

/// Returns whether another course than `except` has the catalogue code.
async fn code_taken(db: &impl ConnectionTrait, code: &str, except: Option<i32>) -> ApiResult<bool> {
    let mut select = courses::Entity::find().filter(Expr::col(courses::Column::Code).eq(code));
    if let Some(id) = except {
        select = select.filter(Expr::col(courses::Column::Id).ne(id));
    }
    Ok(select.one(db).await?.is_some())
}

fn report_code_taken(checks: &mut Checks, code: &str) {
    checks.add(
        "code",
        UserErrorCode::Duplicate,
        format!("another course already has the code \"{code}\"; choose another code"),
    );
}

/// Checks class hours as the importer does.
fn hours(checks: &mut Checks, value: Option<i32>) -> Option<i32> {
    if let Some(hours) = value
        && !(1..=5000).contains(&hours)
    {
        checks.add(
            "hours",
            UserErrorCode::Invalid,
            format!("{hours} is not a plausible number of class hours; use 1 to 5000"),
        );
    }
    value
}

/// Recomputes the columns derived from a course's texts.
fn derive_course_columns(model: &mut courses::Model) {
    let mut search = all_texts(&model.titles);
    search.push(model.code.as_str());
    model.search_text = search_text(search.into_iter().map(Some));
    model.sort_name = fold(&default_text(&model.titles));
}

/// Builds the fields of a course that revision history records, under their input names.
fn course_snapshot(model: &courses::Model, topics: &[i32], accreditations: &[AccreditationRow]) -> Map<String, Json> {
    let organization = |id: Option<i32>| id.map(|id| encode_global_id("Organization", id));
    let accreditations: Vec<Json> = accreditations
        .iter()
        .map(|row| {
            json!({
                "universityId": encode_global_id("Organization", row.university_id),
                "credits": row.credits,
                "role": row.role,
            })
        })
        .collect();

    let mut map = Map::new();
    map.insert("code".into(), json!(model.code));
    map.insert("slug".into(), json!(model.slug));
    map.insert("networkId".into(), json!(encode_global_id("Network", model.network_id)));
    map.insert("titles".into(), model.titles.clone());
    map.insert("modality".into(), json!(model.modality));
    map.insert("visibility".into(), json!(model.visibility));

    map.insert("hours".into(), json!(model.hours));
    map.insert("durationNote".into(), json!(model.duration_note));
    map.insert("languages".into(), model.languages.clone());
    map.insert("languageNote".into(), json!(model.language_note));
    map.insert("level".into(), json!(model.level));
    map.insert("prerequisites".into(), model.prerequisites.clone());
    map.insert("learningOutcomes".into(), model.learning_outcomes.clone());
    map.insert("modules".into(), model.modules.clone());
    map.insert("descriptions".into(), model.descriptions.clone());

    map.insert("topicIds".into(), COURSE_TOPICS.snapshot(topics));
    map.insert("accreditations".into(), Json::Array(accreditations));
    map.insert("fundedById".into(), json!(organization(model.funded_by_id)));

    map.insert("deliveryNote".into(), json!(model.delivery_note));
    map.insert("notes".into(), json!(model.notes));
    map.insert("sources".into(), model.sources.clone());
    map
}

pub(super) async fn create_course(ctx: &Context<'_>, input: CreateCourseInput) -> ApiResult<CoursePayload> {
    let db = database(ctx)?;
    let viewer = viewer(ctx)?;
    require_some_editor(viewer)?;
    let mut checks = Checks::default();
    let network_id =
        resolve_id(db, &mut checks, "networkId", Some(&input.network_id), &["Network"], "networks").await?;
    if let Some(network) = network_id {
        require_editor(viewer, Some(network))?;
    }

    let code = course_code(&mut checks, &input.code);
    if valid_code(&code) && code_taken(db, &code, None).await? {
        report_code_taken(&mut checks, &code);
    }
    let titles = checks.texts("titles", &input.titles, SHORT_TEXT, true);
    let derived_slug = input.slug.is_none();
    let slug = match &input.slug {
        Some(slug) => checks.slug("slug", slug),
        None => free_slug(db, "courses", &slug_from(&default_text(&titles), "course")).await?,
    };
    let topics = COURSE_TOPICS.resolve(db, &mut checks, &input.topic_ids).await?;
    let accreditations = accreditation_rows(db, &mut checks, &input.accreditations).await?;
    let funded_by_id =
        resolve_id(db, &mut checks, "fundedById", input.funded_by_id.as_ref(), &ORGANIZATION_TYPES, "organizations")
            .await?;

    let now = Utc::now();
    let mut model = courses::Model {
        id: 0,
        slug,
        illustrative: false,
        verified: true,
        sources: checks.sources("sources", &input.sources),
        search_text: String::new(),
        sort_name: String::new(),
        created_at: now,
        updated_at: now,
        code,
        titles,
        // Without a network the checks already failed, so 0 is never written.
        network_id: network_id.unwrap_or_default(),
        modality: input.modality.as_db().to_owned(),
        hours: hours(&mut checks, input.hours),
        duration_note: checks.opt_text("durationNote", input.duration_note.as_deref(), LONG_TEXT),
        languages: languages(&mut checks, "languages", &input.languages),
        language_note: checks.opt_text("languageNote", input.language_note.as_deref(), LONG_TEXT),
        level: checks.opt_text("level", input.level.as_deref(), SHORT_TEXT),
        prerequisites: text_list(&mut checks, "prerequisites", &input.prerequisites, SHORT_TEXT),
        learning_outcomes: text_list(&mut checks, "learningOutcomes", &input.learning_outcomes, SHORT_TEXT),
        modules: text_list(&mut checks, "modules", &input.modules, SHORT_TEXT),
        descriptions: checks.texts("descriptions", &input.descriptions, LONG_TEXT, false),
        funded_by_id,
        delivery_note: checks.opt_text("deliveryNote", input.delivery_note.as_deref(), LONG_TEXT),
        notes: checks.opt_text("notes", input.notes.as_deref(), LONG_TEXT),
        editorial_status: ContentStatus::Draft.as_db().to_owned(),
        visibility: input.visibility.as_db().to_owned(),
        version: 1,
        status_changed_at: Some(now),
        published_at: None,
        status_changed_by_id: viewer.member_id(),
    };
    derive_course_columns(&mut model);
    if !checks.passed() {
        return Ok(CoursePayload::rejected(None, checks));
    }

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
                if !is_unique_violation(&err) {
                    return Err(err.into());
                }
                // The code and the slug are both unique, so a concurrent create may have taken either.
                if code_taken(&txn, &model.code, None).await? {
                    report_code_taken(&mut checks, &model.code);
                    return Ok(CoursePayload::rejected(None, checks));
                }
                if derived_slug && attempts < SLUG_ATTEMPTS {
                    let free = free_slug(&txn, "courses", &slug_from(&default_text(&model.titles), "course")).await?;
                    model.slug = format!("{free}-{}", random_suffix()?);
                    continue;
                }
                duplicate_or(err, &mut checks, "slug", &model.slug)?;
                return Ok(CoursePayload::rejected(None, checks));
            }
        }
    };
    COURSE_TOPICS.write(&txn, inserted.id, &topics).await?;
    write_accreditations(&txn, inserted.id, &[], &accreditations).await?;
    let changed = changes(&Map::new(), &course_snapshot(&inserted, &topics, &accreditations));
    record_revision(&txn, viewer, "course", inserted.id, 1, RevisionAction::Create, changed).await?;
    txn.commit().await?;
    Ok(CoursePayload { course: Some(Course(inserted)), user_errors: Vec::new() })
}

pub(super) async fn update_course(ctx: &Context<'_>, input: UpdateCourseInput) -> ApiResult<CoursePayload> {
    let db = database(ctx)?;
    let viewer = viewer(ctx)?;
    let mut checks = Checks::default();
    let Some(current) = load_row::<courses::Entity>(db, &mut checks, "id", &input.id, "Course").await? else {
        return Ok(CoursePayload::rejected(None, checks));
    };
    require_editor(viewer, Some(current.network_id))?;
    if !check_version(&mut checks, current.version, input.expected_version) {
        return Ok(CoursePayload::rejected(Some(current), checks));
    }

    let current_topics = COURSE_TOPICS.read(db, current.id).await?;
    let current_accreditations = read_accreditations(db, current.id).await?;
    let mut model = current.clone();
    let mut topics = current_topics.clone();
    let mut accreditations = current_accreditations.clone();
    if let Some(code) = &input.code {
        model.code = course_code(&mut checks, code);
        let code = &model.code;
        if valid_code(code) && *code != current.code && code_taken(db, code, Some(current.id)).await? {
            report_code_taken(&mut checks, &model.code);
        }
    }
    if let Some(slug) = &input.slug {
        model.slug = checks.slug("slug", slug);
    }
    if let Some(network) = &input.network_id
        && let Some(network) = resolve_id(db, &mut checks, "networkId", Some(network), &["Network"], "networks").await?
    {
        require_editor(viewer, Some(network))?;
        model.network_id = network;
    }
    if let Some(titles) = &input.titles {
        model.titles = checks.texts("titles", titles, SHORT_TEXT, true);
    }
    if let Some(modality) = input.modality {
        model.modality = modality.as_db().to_owned();
    }
    if let Some(visibility) = input.visibility {
        model.visibility = visibility.as_db().to_owned();
    }
    match input.hours {
        MaybeUndefined::Undefined => {}
        MaybeUndefined::Null => model.hours = None,
        MaybeUndefined::Value(value) => model.hours = hours(&mut checks, Some(value)),
    }
    let texts = [
        ("durationNote", &input.duration_note, &mut model.duration_note, LONG_TEXT),
        ("languageNote", &input.language_note, &mut model.language_note, LONG_TEXT),
        ("level", &input.level, &mut model.level, SHORT_TEXT),
        ("deliveryNote", &input.delivery_note, &mut model.delivery_note, LONG_TEXT),
        ("notes", &input.notes, &mut model.notes, LONG_TEXT),
    ];
    for (field, value, column, max) in texts {
        apply_text(&mut checks, field, value, column, max);
    }
    if let Some(values) = &input.languages {
        model.languages = languages(&mut checks, "languages", values);
    }
    let lists = [
        ("prerequisites", &input.prerequisites, &mut model.prerequisites),
        ("learningOutcomes", &input.learning_outcomes, &mut model.learning_outcomes),
        ("modules", &input.modules, &mut model.modules),
    ];
    for (field, values, column) in lists {
        if let Some(values) = values {
            *column = text_list(&mut checks, field, values, SHORT_TEXT);
        }
    }
    if let Some(descriptions) = &input.descriptions {
        model.descriptions = checks.texts("descriptions", descriptions, LONG_TEXT, false);
    }
    if let Some(ids) = &input.topic_ids {
        topics = COURSE_TOPICS.resolve(db, &mut checks, ids).await?;
    }
    if let Some(values) = &input.accreditations {
        accreditations = accreditation_rows(db, &mut checks, values).await?;
    }
    let funded_by = &input.funded_by_id;
    apply_reference(
        db,
        &mut checks,
        "fundedById",
        funded_by,
        &mut model.funded_by_id,
        &ORGANIZATION_TYPES,
        "organizations",
    )
    .await?;
    if let Some(values) = &input.sources {
        model.sources = checks.sources("sources", values);
    }
    derive_course_columns(&mut model);
    if !checks.passed() {
        return Ok(CoursePayload::rejected(Some(current), checks));
    }

    let changed = changes(
        &course_snapshot(&current, &current_topics, &current_accreditations),
        &course_snapshot(&model, &topics, &accreditations),
    );
    if changed.is_empty() {
        return Ok(CoursePayload { course: Some(Course(current)), user_errors: Vec::new() });
    }

    model.version = current.version + 1;
    model.updated_at = Utc::now();
    let txn = db.begin().await?;
    // The version condition makes the write itself the check, so two concurrent updates
    // of one version cannot both succeed.
    let mut active = model.clone().into_active_model().reset_all();
    active.id = ActiveValue::Unchanged(current.id);
    let update = courses::Entity::update_many()
        .set(active)
        .filter(Expr::col(courses::Column::Id).eq(current.id))
        .filter(Expr::col(courses::Column::Version).eq(current.version))
        .exec(&txn)
        .await;
    let updated = match update {
        Ok(result) => result.rows_affected,
        Err(err) => {
            txn.rollback().await?;
            if is_unique_violation(&err) && code_taken(db, &model.code, Some(current.id)).await? {
                report_code_taken(&mut checks, &model.code);
            } else {
                duplicate_or(err, &mut checks, "slug", &model.slug)?;
            }
            return Ok(CoursePayload::rejected(Some(current), checks));
        }
    };
    if updated == 0 {
        txn.rollback().await?;
        let stored = courses::Entity::find_by_id(current.id).one(db).await?;
        let checks = conflict_checks(stored.as_ref().map(|row| row.version), input.expected_version);
        return Ok(CoursePayload::rejected(stored, checks));
    }
    if topics != current_topics {
        COURSE_TOPICS.write(&txn, current.id, &topics).await?;
    }
    if accreditations != current_accreditations {
        write_accreditations(&txn, current.id, &current_accreditations, &accreditations).await?;
    }
    record_revision(&txn, viewer, "course", current.id, model.version, RevisionAction::Update, changed).await?;
    txn.commit().await?;
    Ok(CoursePayload { course: Some(Course(model)), user_errors: Vec::new() })
}
