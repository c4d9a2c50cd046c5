//! Creating and updating targets, each owned by one network.

use async_graphql::{Context, ID, InputObject, MaybeUndefined, Object, SimpleObject};
use chrono::Utc;
use entities::targets;
use sea_orm::TransactionTrait;
use serde_json::{Map, Value as Json, json};

use super::{Row, apply_text, free_slug, global_id, insert_row, load, row, slug_from, update_row};
use crate::enums::{ContentStatus, Modality, RevisionAction, Visibility};
use crate::graphql::common::{database, viewer};
use crate::graphql::editorial::{
    Checks, LONG_TEXT, LocalizedTextInput, SHORT_TEXT, UserError, UserErrorCode, changes, check_version,
    record_revision, require_editor, resolve_id,
};
use crate::graphql::places::Target;
use crate::import::convert::{all_texts, search_text};
use crate::locale::default_text;
use crate::text::fold;

/// A new target of a network; it starts as a draft.
#[derive(InputObject)]
pub struct CreateTargetInput {
    /// Stable key; derived from the English (or first) metric when left out.
    pub slug: Option<String>,
    /// The network whose goal this is; you must edit in it.
    pub network_id: ID,
    /// Metric counted, in one or more locales.
    pub metrics: Vec<LocalizedTextInput>,
    /// Training modality the target counts, when it counts one.
    pub modality: Option<Modality>,
    /// The goal, in `unit`: a whole number of at least 1.
    pub target_value: i64,
    /// Unit of `targetValue`, such as `officers`.
    pub unit: String,
    /// Period the target covers, such as `2024-2026`.
    pub timeframe: Option<String>,
    /// Kind of source the figure comes from, such as `program_summary`.
    pub source_type: Option<String>,
    /// Editorial notes.
    pub notes: Option<String>,
    /// Readers allowed once it is published; defaults to PUBLIC.
    #[graphql(default_with = "Visibility::Public")]
    pub visibility: Visibility,
    /// Sources of the record's facts: URLs, or descriptions where no address exists.
    #[graphql(default)]
    pub sources: Vec<String>,
}

/// Changes to a target. Fields left out keep their value; `null` clears an optional field.
#[derive(InputObject)]
pub struct UpdateTargetInput {
    /// The target's id.
    pub id: ID,
    /// The `version` you loaded; a newer stored version rejects the update with CONFLICT.
    pub expected_version: i32,
    /// New stable key.
    pub slug: Option<String>,
    /// New owning network; you must edit in both networks.
    pub network_id: Option<ID>,
    /// New metrics; replaces every locale.
    pub metrics: Option<Vec<LocalizedTextInput>>,
    /// New modality.
    pub modality: MaybeUndefined<Modality>,
    /// New goal.
    pub target_value: Option<i64>,
    /// New unit.
    pub unit: Option<String>,
    /// New timeframe.
    pub timeframe: MaybeUndefined<String>,
    /// New source type.
    pub source_type: MaybeUndefined<String>,
    /// New notes.
    pub notes: MaybeUndefined<String>,
    /// New visibility.
    pub visibility: Option<Visibility>,
    /// New sources.
    pub sources: Option<Vec<String>>,
}

/// The result of a target mutation.
#[derive(SimpleObject)]
pub struct TargetPayload {
    /// The target after the change; on a conflict, its current state; null when the input
    /// named no target or the target could not be created.
    pub target: Option<Target>,
    /// Problems with the input; empty when the change was made.
    pub user_errors: Vec<UserError>,
}

impl TargetPayload {
    fn rejected(target: Option<targets::Model>, checks: Checks) -> TargetPayload {
        TargetPayload { target: target.map(Target), user_errors: checks.errors }
    }
}

/// Builds the fields that a target's revision history records, under their input names.
fn target_snapshot(model: &targets::Model) -> Map<String, Json> {
    let mut map = Map::new();
    map.insert("slug".into(), json!(model.slug));
    map.insert("networkId".into(), global_id("Network", Some(model.network_id)));
    map.insert("metrics".into(), model.metrics.clone());
    map.insert("modality".into(), json!(model.modality));
    map.insert("targetValue".into(), json!(model.target_value));
    map.insert("unit".into(), json!(model.unit));
    map.insert("timeframe".into(), json!(model.timeframe));
    map.insert("sourceType".into(), json!(model.source_type));
    map.insert("notes".into(), json!(model.notes));
    map.insert("visibility".into(), json!(model.visibility));
    map.insert("sources".into(), model.sources.clone());
    map
}

/// Recomputes the columns derived from a target's texts.
fn derive_target_columns(model: &mut targets::Model) {
    model.search_text = search_text(all_texts(&model.metrics).into_iter().map(Some));
    model.sort_name = fold(&default_text(&model.metrics));
}

/// Checks that a target counts at least one unit.
fn target_value(checks: &mut Checks, value: i64) -> i64 {
    if value <= 0 {
        checks.add(
            "targetValue",
            UserErrorCode::Invalid,
            format!("{value} is not positive; a target counts at least 1"),
        );
    }
    value
}

row!(targets, "Target", "targets", "target", derive_target_columns);

/// Mutations on targets.
#[derive(Default)]
pub struct TargetMutations;

#[Object]
impl TargetMutations {
    /// Creates a target as a draft in a network you edit.
    async fn create_target(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The mutation's input.")] input: CreateTargetInput,
    ) -> async_graphql::Result<TargetPayload> {
        let db = database(ctx)?;
        let viewer = viewer(ctx)?;
        if !viewer.is_editor() {
            require_editor(viewer, None)?;
        }
        let mut checks = Checks::default();
        let network_id =
            resolve_id(db, &mut checks, "networkId", Some(&input.network_id), &["Network"], "networks").await?;
        if let Some(network) = network_id {
            require_editor(viewer, Some(network))?;
        }
        let metrics = checks.texts("metrics", &input.metrics, SHORT_TEXT, true);
        let derived_from = input.slug.is_none().then(|| slug_from(&default_text(&metrics), "target"));
        let slug = match (&input.slug, &derived_from) {
            (Some(slug), _) => checks.slug("slug", slug),
            (None, Some(base)) => free_slug(db, "targets", base).await?,
            (None, None) => String::new(),
        };
        let now = Utc::now();
        let mut model = targets::Model {
            id: 0,
            slug,
            illustrative: false,
            verified: true,
            sources: checks.sources("sources", &input.sources),
            search_text: String::new(),
            sort_name: String::new(),
            created_at: now,
            updated_at: now,
            network_id: network_id.unwrap_or_default(),
            metrics,
            modality: input.modality.map(|modality| modality.as_db().to_owned()),
            target_value: target_value(&mut checks, input.target_value),
            unit: checks.text("unit", &input.unit, SHORT_TEXT),
            timeframe: checks.opt_text("timeframe", input.timeframe.as_deref(), SHORT_TEXT),
            source_type: checks.opt_text("sourceType", input.source_type.as_deref(), SHORT_TEXT),
            notes: checks.opt_text("notes", input.notes.as_deref(), LONG_TEXT),
            editorial_status: ContentStatus::Draft.as_db().to_owned(),
            visibility: input.visibility.as_db().to_owned(),
            version: 1,
            status_changed_at: Some(now),
            published_at: None,
            status_changed_by_id: viewer.member_id(),
        };
        model.derive_columns();
        if !checks.passed() {
            return Ok(TargetPayload::rejected(None, checks));
        }

        let txn = db.begin().await?;
        let Some(inserted) = insert_row(&txn, &mut checks, model, derived_from.as_deref()).await? else {
            return Ok(TargetPayload::rejected(None, checks));
        };
        let changed = changes(&Map::new(), &target_snapshot(&inserted));
        record_revision(&txn, viewer, targets::Model::ENTITY_TYPE, inserted.id, 1, RevisionAction::Create, changed)
            .await?;
        txn.commit().await?;
        Ok(TargetPayload { target: Some(Target(inserted)), user_errors: Vec::new() })
    }

    /// Changes a target's fields, if `expectedVersion` is still its version.
    async fn update_target(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The mutation's input.")] input: UpdateTargetInput,
    ) -> async_graphql::Result<TargetPayload> {
        let db = database(ctx)?;
        let viewer = viewer(ctx)?;
        let mut checks = Checks::default();
        let Some(current) = load::<targets::Model>(db, &mut checks, &input.id).await? else {
            return Ok(TargetPayload::rejected(None, checks));
        };
        require_editor(viewer, Some(current.network_id))?;
        if !check_version(&mut checks, current.version, input.expected_version) {
            return Ok(TargetPayload::rejected(Some(current), checks));
        }

        let mut model = current.clone();
        if let Some(network) = &input.network_id
            && let Some(network) =
                resolve_id(db, &mut checks, "networkId", Some(network), &["Network"], "networks").await?
        {
            require_editor(viewer, Some(network))?;
            model.network_id = network;
        }
        if let Some(slug) = &input.slug {
            model.slug = checks.slug("slug", slug);
        }
        if let Some(metrics) = &input.metrics {
            model.metrics = checks.texts("metrics", metrics, SHORT_TEXT, true);
        }
        match input.modality {
            MaybeUndefined::Undefined => {}
            MaybeUndefined::Null => model.modality = None,
            MaybeUndefined::Value(modality) => model.modality = Some(modality.as_db().to_owned()),
        }
        if let Some(value) = input.target_value {
            model.target_value = target_value(&mut checks, value);
        }
        if let Some(unit) = &input.unit {
            model.unit = checks.text("unit", unit, SHORT_TEXT);
        }
        apply_text(&mut checks, "timeframe", &input.timeframe, &mut model.timeframe, SHORT_TEXT);
        apply_text(&mut checks, "sourceType", &input.source_type, &mut model.source_type, SHORT_TEXT);
        apply_text(&mut checks, "notes", &input.notes, &mut model.notes, LONG_TEXT);
        if let Some(visibility) = input.visibility {
            model.visibility = visibility.as_db().to_owned();
        }
        if let Some(sources) = &input.sources {
            model.sources = checks.sources("sources", sources);
        }
        model.derive_columns();
        if !checks.passed() {
            return Ok(TargetPayload::rejected(Some(current), checks));
        }

        let changed = changes(&target_snapshot(&current), &target_snapshot(&model));
        if changed.is_empty() {
            return Ok(TargetPayload { target: Some(Target(current)), user_errors: Vec::new() });
        }
        model.bump_version();
        let txn = match update_row(db, &current, &model, input.expected_version).await? {
            Ok(txn) => txn,
            Err((row, checks)) => return Ok(TargetPayload::rejected(row, checks)),
        };
        record_revision(
            &txn,
            viewer,
            targets::Model::ENTITY_TYPE,
            current.id,
            model.version,
            RevisionAction::Update,
            changed,
        )
        .await?;
        txn.commit().await?;
        Ok(TargetPayload { target: Some(Target(model)), user_errors: Vec::new() })
    }
}
