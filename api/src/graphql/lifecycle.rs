//! The editorial life cycle shared by every kind in the graph: the `editorial` field each
//! object has, the state-change mutations that take any record's id, and who owns what.

use async_graphql::{Context, ID, InputObject, Object, SimpleObject};
use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, ExprTrait, Query};
use sea_orm::{ConnectionTrait, TransactionTrait};
use serde_json::json;

use super::common::{PageResult, database, nested_page, viewer};
use super::editorial::{
    Checks, RevisionConnection, UserError, UserErrorCode, check_version, record_revision, transition,
};
use super::query::{Node, load_node_unrestricted};
use crate::auth::{TokenScope, Viewer};
use crate::enums::{ContentStatus, RevisionAction, Visibility, stored};
use crate::error::{ApiError, ApiResult};
use crate::ids::decode_global_id;
use crate::loaders::Relation;
use crate::pagination::{Listing, Ordering, PageArgs};

/// A kind with a life cycle: its GraphQL type name, table, and name in revision history.
#[derive(Clone, Copy, Debug)]
pub struct EditorialKind {
    /// The GraphQL type name in global ids.
    pub type_name: &'static str,
    /// The table holding its rows.
    pub table: &'static str,
    /// Its name in revision history.
    pub entity_type: &'static str,
}

/// Every kind with a life cycle. Police institutions are organizations of one kind.
pub const KINDS: [EditorialKind; 12] = [
    EditorialKind { type_name: "Country", table: "countries", entity_type: "country" },
    EditorialKind { type_name: "Topic", table: "topics", entity_type: "topic" },
    EditorialKind { type_name: "Organization", table: "organizations", entity_type: "organization" },
    EditorialKind { type_name: "PoliceInstitution", table: "organizations", entity_type: "organization" },
    EditorialKind { type_name: "Network", table: "networks", entity_type: "network" },
    EditorialKind {
        type_name: "QualityCertification",
        table: "quality_certifications",
        entity_type: "quality_certification",
    },
    EditorialKind { type_name: "Publication", table: "publications", entity_type: "publication" },
    EditorialKind { type_name: "Initiative", table: "initiatives", entity_type: "initiative" },
    EditorialKind { type_name: "Course", table: "courses", entity_type: "course" },
    EditorialKind { type_name: "CourseOffering", table: "course_offerings", entity_type: "course_offering" },
    EditorialKind { type_name: "Event", table: "events", entity_type: "event" },
    EditorialKind { type_name: "Target", table: "targets", entity_type: "target" },
];

/// Finds the kind of a GraphQL type name.
pub fn kind_of(type_name: &str) -> Option<EditorialKind> {
    KINDS.into_iter().find(|kind| kind.type_name == type_name)
}

/// Reads the networks that own a row: its network, an event's networks, or an offering's
/// course's network. Rows of reference tables belong to no network.
pub async fn owner_networks(db: &impl ConnectionTrait, table: &str, id: i32) -> ApiResult<Vec<i32>> {
    let select = match table {
        "publications" | "initiatives" | "courses" | "targets" | "quality_certifications" => {
            let table = KINDS.iter().find(|kind| kind.table == table).map_or("publications", |kind| kind.table);
            Query::select()
                .expr_as(Expr::col((table, "network_id")), "network_id")
                .from(table)
                .and_where(Expr::col((table, "id")).eq(id))
                .take()
        }
        "events" => {
            Query::select().column("network_id").from("event_networks").and_where(Expr::col("event_id").eq(id)).take()
        }
        "course_offerings" => Query::select()
            .expr_as(Expr::col(("courses", "network_id")), "network_id")
            .from("course_offerings")
            .inner_join("courses", Expr::col(("courses", "id")).equals(("course_offerings", "course_id")))
            .and_where(Expr::col(("course_offerings", "id")).eq(id))
            .take(),
        _ => return Ok(Vec::new()),
    };
    let mut networks = Vec::new();
    for row in db.query_all(&select).await? {
        if let Some(network) = row.try_get::<Option<i32>>("", "network_id")? {
            networks.push(network);
        }
    }
    Ok(networks)
}

/// Rejects a caller who may not change a row owned by `networks`.
pub fn require_owner_editor(viewer: &Viewer, networks: &[i32]) -> ApiResult<()> {
    if viewer.can_edit_any(networks) {
        return Ok(());
    }
    Err(ApiError::Forbidden(if viewer.member.is_none() {
        "Changing content needs a signed-in editor; send an access token or API token of an editor.".into()
    } else if viewer.token_lacks(TokenScope::WriteContent) {
        "Changing content needs an API token with the WRITE_CONTENT scope; this token lacks it, so ask an admin for one.".into()
    } else if networks.is_empty() {
        "Only admins may change records that no network owns, such as countries, topics and organizations; for network content, name a network you edit (networkId).".into()
    } else {
        "This needs the editor role in the record's network and in any network you give it, and you do not edit one of them.".into()
    }))
}

/// A record's place in the editorial life cycle, with its history.
pub struct EditorialState {
    kind: &'static str,
    table: &'static str,
    id: i32,
    status: String,
    visibility: String,
    version: i32,
    published_at: Option<DateTime<Utc>>,
    status_changed_at: Option<DateTime<Utc>>,
}

/// Builds the `editorial` field's value from a model with the editorial columns.
#[macro_export]
macro_rules! editorial_state {
    ($model:expr, $kind:literal, $table:literal) => {
        $crate::graphql::lifecycle::EditorialState::new(
            $kind,
            $table,
            $model.id,
            &$model.editorial_status,
            &$model.visibility,
            $model.version,
            $model.published_at,
            $model.status_changed_at,
        )
    };
}

impl EditorialState {
    /// Collects the editorial columns of one row.
    #[allow(clippy::too_many_arguments, reason = "one argument per editorial column")]
    pub fn new(
        kind: &'static str,
        table: &'static str,
        id: i32,
        status: &str,
        visibility: &str,
        version: i32,
        published_at: Option<DateTime<Utc>>,
        status_changed_at: Option<DateTime<Utc>>,
    ) -> EditorialState {
        EditorialState {
            kind,
            table,
            id,
            status: status.to_owned(),
            visibility: visibility.to_owned(),
            version,
            published_at,
            status_changed_at,
        }
    }
}

/// Declares one revision-history relation per kind.
macro_rules! revision_relations {
    ($($name:ident => $entity_type:literal),+ $(,)?) => {
        $(
            #[doc = concat!("The revision history of a ", $entity_type, ", newest first.")]
            pub struct $name;

            impl Relation for $name {
                type Model = entities::revisions::Model;

                fn listing() -> Listing {
                    Listing::new("revisions", Ordering::by_int("NEWEST", "revisions", "id", true))
                        .filter(Expr::col(("revisions", "entity_type")).eq($entity_type))
                }

                fn parent() -> Expr {
                    Expr::col(("revisions", "entity_id"))
                }
            }
        )+

        async fn revisions_page(
            ctx: &Context<'_>,
            entity_type: &str,
            id: i32,
            args: PageArgs,
        ) -> ApiResult<PageResult<entities::revisions::Model>> {
            match entity_type {
                $($entity_type => nested_page::<$name>(ctx, id, args).await,)+
                other => Err(ApiError::Unexpected(format!("no revision history for kind {other}"))),
            }
        }
    };
}

revision_relations!(
    CountryRevisions => "country",
    TopicRevisions => "topic",
    OrganizationRevisions => "organization",
    NetworkRevisions => "network",
    QualityCertificationRevisions => "quality_certification",
    PublicationRevisions => "publication",
    InitiativeRevisions => "initiative",
    CourseRevisions => "course",
    CourseOfferingRevisions => "course_offering",
    EventRevisions => "event",
    TargetRevisions => "target",
);

/// A record's place in the editorial life cycle, with its history.
#[Object]
impl EditorialState {
    /// The record's stage: draft, in review, published or archived.
    async fn status(&self) -> async_graphql::Result<ContentStatus> {
        Ok(stored("editorial_status", &self.status)?)
    }

    /// Who may read the record once it is published.
    async fn visibility(&self) -> async_graphql::Result<Visibility> {
        Ok(stored("visibility", &self.visibility)?)
    }

    /// The record's version, which grows with every change; send it as `expectedVersion`.
    async fn version(&self) -> i32 {
        self.version
    }

    /// When the record was last published through the API; null for imported records.
    async fn published_at(&self) -> Option<DateTime<Utc>> {
        self.published_at
    }

    /// When the record's status last changed through the API.
    async fn status_changed_at(&self) -> Option<DateTime<Utc>> {
        self.status_changed_at
    }

    /// Every recorded change, newest first: readable by the editors of the record's network
    /// and by admins. Null, with a FORBIDDEN error, for other callers.
    #[graphql(complexity = "super::common::page_cost(first, last) * child_complexity")]
    async fn revisions(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Number of revisions from the start (at most 100).")] first: Option<i32>,
        #[graphql(desc = "Cursor after which to start.")] after: Option<String>,
        #[graphql(desc = "Number of revisions from the end (at most 100).")] last: Option<i32>,
        #[graphql(desc = "Cursor before which to stop.")] before: Option<String>,
    ) -> async_graphql::Result<Option<RevisionConnection>> {
        let viewer = viewer(ctx)?;
        // NOTE: the owner check costs one statement per record whose history is selected.
        let owners =
            if viewer.is_admin() { Vec::new() } else { owner_networks(database(ctx)?, self.table, self.id).await? };
        if !viewer.is_admin() && !viewer.can_edit_any(&owners) {
            return Err(ApiError::Forbidden(
                "Revision history is readable by the editors of the record's network and by admins.".into(),
            )
            .into());
        }
        Ok(Some(revisions_page(ctx, self.kind, self.id, PageArgs::new(first, after, last, before)).await?.into()))
    }
}

/// A change of one record's life-cycle status.
#[derive(InputObject)]
pub struct TransitionInput {
    /// The record's global id: any kind in the graph.
    pub id: ID,
    /// The `editorial.version` you loaded; a newer stored version rejects the change with CONFLICT.
    pub expected_version: i32,
}

/// The result of a life-cycle change.
#[derive(SimpleObject)]
pub struct TransitionPayload {
    /// The record after the change, or its current state when the change was rejected.
    pub node: Option<Node>,
    /// Problems with the input; empty when the change was made.
    pub user_errors: Vec<UserError>,
}

/// Life-cycle changes for every kind in the graph.
#[derive(Default)]
pub struct LifecycleMutations;

#[Object]
impl LifecycleMutations {
    /// Submits a draft for review.
    async fn submit_for_review(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The record and the version you loaded.")] input: TransitionInput,
    ) -> async_graphql::Result<TransitionPayload> {
        Ok(change_status(ctx, input, RevisionAction::Submit).await?)
    }

    /// Publishes a draft or a record in review, making it visible to its audience.
    async fn publish(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The record and the version you loaded.")] input: TransitionInput,
    ) -> async_graphql::Result<TransitionPayload> {
        Ok(change_status(ctx, input, RevisionAction::Publish).await?)
    }

    /// Takes a published record, or one in review, back to draft.
    async fn unpublish(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The record and the version you loaded.")] input: TransitionInput,
    ) -> async_graphql::Result<TransitionPayload> {
        Ok(change_status(ctx, input, RevisionAction::Unpublish).await?)
    }

    /// Archives a record, hiding it from readers; editors can still restore it.
    async fn archive(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The record and the version you loaded.")] input: TransitionInput,
    ) -> async_graphql::Result<TransitionPayload> {
        Ok(change_status(ctx, input, RevisionAction::Archive).await?)
    }

    /// Restores an archived record as a draft.
    async fn restore(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The record and the version you loaded.")] input: TransitionInput,
    ) -> async_graphql::Result<TransitionPayload> {
        Ok(change_status(ctx, input, RevisionAction::Restore).await?)
    }
}

/// Reads a row's editorial status and version.
async fn read_state(db: &impl ConnectionTrait, table: &str, id: i32) -> ApiResult<Option<(String, i32)>> {
    let select = Query::select()
        .columns(["editorial_status", "version"])
        .from(sea_orm::sea_query::Alias::new(table))
        .and_where(Expr::col("id").eq(id))
        .take();
    let Some(row) = db.query_one(&select).await? else { return Ok(None) };
    Ok(Some((row.try_get::<String>("", "editorial_status")?, row.try_get::<i32>("", "version")?)))
}

async fn change_status(
    ctx: &Context<'_>,
    input: TransitionInput,
    action: RevisionAction,
) -> ApiResult<TransitionPayload> {
    let db = database(ctx)?;
    let viewer = viewer(ctx)?;
    let mut checks = Checks::default();
    let rejected = |checks: Checks, node: Option<Node>| TransitionPayload { node, user_errors: checks.errors };

    let parsed = decode_global_id(&input.id).ok().and_then(|(type_name, id)| Some((kind_of(&type_name)?, id)));
    let Some((kind, id)) = parsed else {
        checks.add("id", UserErrorCode::Invalid, format!("\"{}\" is not the id of a record", input.id.as_str()));
        return Ok(rejected(checks, None));
    };
    let Some((status, version)) = read_state(db, kind.table, id).await? else {
        checks.add(
            "id",
            UserErrorCode::NotFound,
            format!("no {} has the id \"{}\"", kind.type_name, input.id.as_str()),
        );
        return Ok(rejected(checks, None));
    };
    require_owner_editor(viewer, &owner_networks(db, kind.table, id).await?)?;
    if !check_version(&mut checks, version, input.expected_version) {
        return Ok(rejected(checks, load_node_unrestricted(db, kind.type_name, id).await?));
    }
    let current: ContentStatus = stored(&format!("{}.editorial_status", kind.table), &status)?;
    let Some(next) = transition(&mut checks, current, action) else {
        return Ok(rejected(checks, load_node_unrestricted(db, kind.type_name, id).await?));
    };

    let now = Utc::now();
    let mut update = Query::update()
        .table(sea_orm::sea_query::Alias::new(kind.table))
        .value("editorial_status", next.as_db())
        .value("version", version + 1)
        .value("status_changed_at", now)
        .value("status_changed_by_id", viewer.member_id())
        .and_where(Expr::col("id").eq(id))
        .and_where(Expr::col("version").eq(version))
        .take();
    if next == ContentStatus::Published {
        update.value("published_at", now);
    }
    let txn = db.begin().await?;
    if txn.execute(&update).await?.rows_affected() == 0 {
        txn.rollback().await?;
        let latest = read_state(db, kind.table, id).await?.map_or(version, |(_, version)| version);
        let mut checks = Checks::default();
        if check_version(&mut checks, latest, input.expected_version) {
            checks.add(
                "expectedVersion",
                UserErrorCode::Conflict,
                "the record changed while this change ran; reload it and try again",
            );
        }
        return Ok(rejected(checks, load_node_unrestricted(db, kind.type_name, id).await?));
    }
    let change = json!({ "field": "status", "old": status, "new": next.as_db() });
    record_revision(&txn, viewer, kind.entity_type, id, version + 1, action, vec![change]).await?;
    txn.commit().await?;
    Ok(TransitionPayload { node: load_node_unrestricted(db, kind.type_name, id).await?, user_errors: Vec::new() })
}
