//! Topics of the taxonomy: create and update, for admins.

use async_graphql::{Context, ID, InputObject, MaybeUndefined, Object, SimpleObject};
use entities::topics;
use sea_orm::{ConnectionTrait, EntityTrait};
use serde_json::{Map, Value as Json, json};

use crate::enums::Visibility;
use crate::error::ApiResult;
use crate::graphql::common::{database, viewer};
use crate::graphql::editorial::{Checks, LocalizedTextInput, SHORT_TEXT, UserError, UserErrorCode, resolve_id};
use crate::graphql::lifecycle::require_owner_editor;
use crate::graphql::places::Topic;
use crate::graphql::write_support::{free_slug, global, load_for_update, new_editorial_columns, save, slug_from};
use crate::import::convert::{all_texts, search_text};
use crate::locale::default_text;
use crate::text::fold;

/// A new topic of the taxonomy.
#[derive(InputObject)]
pub struct CreateTopicInput {
    /// Stable key; derived from the English label when left out.
    pub slug: Option<String>,
    /// Label in one or more locales.
    pub labels: Vec<LocalizedTextInput>,
    /// The broader topic, for a subtopic.
    pub parent_id: Option<ID>,
    /// Readers allowed once it is published; defaults to PUBLIC.
    #[graphql(default_with = "Visibility::Public")]
    pub visibility: Visibility,
}

/// Changes to a topic; fields left out keep their value.
#[derive(InputObject)]
pub struct UpdateTopicInput {
    /// The topic's id.
    pub id: ID,
    /// The `editorial.version` you loaded.
    pub expected_version: i32,
    /// New stable key.
    pub slug: Option<String>,
    /// New labels; replaces every locale.
    pub labels: Option<Vec<LocalizedTextInput>>,
    /// New broader topic; `null` makes it a top-level topic.
    pub parent_id: MaybeUndefined<ID>,
    /// New visibility.
    pub visibility: Option<Visibility>,
}

/// The result of a topic mutation.
#[derive(SimpleObject)]
pub struct TopicPayload {
    /// The topic after the change, or its current state when the change was rejected.
    pub topic: Option<Topic>,
    /// Problems with the input; empty when the change was made.
    pub user_errors: Vec<UserError>,
}

fn topic_snapshot(model: &topics::Model) -> Map<String, Json> {
    let mut map = Map::new();
    map.insert("slug".into(), json!(model.slug));
    map.insert("labels".into(), model.labels.clone());
    map.insert("parentId".into(), global("Topic", model.parent_id));
    map.insert("visibility".into(), json!(model.visibility));
    map
}

fn topic_search_columns(model: &mut topics::Model) {
    let mut search = all_texts(&model.labels);
    search.push(model.slug.as_str());
    model.search_text = search_text(search.into_iter().map(Some));
    model.sort_name = fold(&default_text(&model.labels));
}

/// Rejects a parent that is the topic itself or one of its descendants.
async fn check_topic_parent(db: &impl ConnectionTrait, checks: &mut Checks, topic: i32, parent: i32) -> ApiResult<()> {
    let mut current = Some(parent);
    let mut steps = 0;
    while let Some(id) = current {
        if id == topic {
            checks.add(
                "parentId",
                UserErrorCode::Invalid,
                "the parent is this topic or one of its subtopics; choose a topic outside its branch",
            );
            return Ok(());
        }
        steps += 1;
        if steps > 1_000 {
            break;
        }
        current = topics::Entity::find_by_id(id).one(db).await?.and_then(|row| row.parent_id);
    }
    Ok(())
}

/// Mutations on topics.
#[derive(Default)]
pub struct TopicMutations;

#[Object]
impl TopicMutations {
    /// Creates a topic as a draft (admins only).
    async fn create_topic(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The mutation's input.")] input: CreateTopicInput,
    ) -> async_graphql::Result<TopicPayload> {
        let db = database(ctx)?;
        let viewer = viewer(ctx)?;
        require_owner_editor(viewer, &[])?;
        let mut checks = Checks::default();
        let labels = checks.texts("labels", &input.labels, SHORT_TEXT, true);
        let slug = match &input.slug {
            Some(slug) => checks.slug("slug", slug),
            None => free_slug(db, "topics", &slug_from(&format!("topic {}", &default_text(&labels)), "topic")).await?,
        };
        let parent_id = resolve_id(db, &mut checks, "parentId", input.parent_id.as_ref(), &["Topic"], "topics").await?;
        let (status, visibility, now, by) = new_editorial_columns(viewer, input.visibility);

        let mut model = topics::Model {
            id: 0,
            slug: slug.clone(),
            illustrative: false,
            verified: true,
            sources: json!([]),
            search_text: String::new(),
            sort_name: String::new(),
            created_at: now,
            updated_at: now,
            parent_id,
            labels,
            editorial_status: status,
            visibility,
            version: 1,
            status_changed_at: Some(now),
            published_at: None,
            status_changed_by_id: by,
        };
        topic_search_columns(&mut model);

        if !checks.passed() {
            return Ok(TopicPayload { topic: None, user_errors: checks.errors });
        }
        let after = topic_snapshot(&model);

        let (record, user_errors) =
            save::<topics::Entity>(db, viewer, "topic", None, model, after, ("slug", &slug), checks)
                .await?
                .into_parts();
        Ok(TopicPayload { topic: record.map(Topic), user_errors })
    }

    /// Changes a topic, if `expectedVersion` is still its version (admins only).
    async fn update_topic(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The mutation's input.")] input: UpdateTopicInput,
    ) -> async_graphql::Result<TopicPayload> {
        let db = database(ctx)?;
        let viewer = viewer(ctx)?;
        require_owner_editor(viewer, &[])?;
        let mut checks = Checks::default();

        let (current, fresh) =
            load_for_update::<topics::Entity>(db, &mut checks, &input.id, &["Topic"], input.expected_version).await?;

        let (Some(current), true) = (current.clone(), fresh) else {
            return Ok(TopicPayload { topic: current.map(Topic), user_errors: checks.errors });
        };

        let mut model = current.clone();
        if let Some(slug) = &input.slug {
            model.slug = checks.slug("slug", slug);
        }
        if let Some(labels) = &input.labels {
            model.labels = checks.texts("labels", labels, SHORT_TEXT, true);
        }
        match &input.parent_id {
            MaybeUndefined::Undefined => {}
            MaybeUndefined::Null => model.parent_id = None,
            MaybeUndefined::Value(id) => {
                model.parent_id = resolve_id(db, &mut checks, "parentId", Some(id), &["Topic"], "topics").await?;
                if let Some(parent) = model.parent_id {
                    check_topic_parent(db, &mut checks, current.id, parent).await?;
                }
            }
        }
        if let Some(visibility) = input.visibility {
            model.visibility = visibility.as_db().to_owned();
        }
        topic_search_columns(&mut model);

        if !checks.passed() {
            return Ok(TopicPayload { topic: Some(Topic(current)), user_errors: checks.errors });
        }

        let before = topic_snapshot(&current);
        let after = topic_snapshot(&model);
        let slug = model.slug.clone();

        let saved =
            save::<topics::Entity>(db, viewer, "topic", Some((current, before)), model, after, ("slug", &slug), checks)
                .await?;

        let (record, user_errors) = saved.into_parts();
        Ok(TopicPayload { topic: record.map(Topic), user_errors })
    }
}
