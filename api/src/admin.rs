//! Administration from the command line: the first admin and API tokens, created before
//! anyone can sign in to do it through GraphQL.

use anyhow::Context as _;
use chrono::Utc;
use entities::{member_institution_roles, members, networks, organizations};
use sea_orm::{
    ActiveModelTrait, ActiveValue, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, TransactionTrait,
};

use crate::auth::TokenScope;
use crate::enums::MemberKind;
use crate::graphql::members::{issue_token, set_editor_networks};

/// A member to create.
pub struct NewMember {
    /// Display name.
    pub name: String,
    /// The identity provider's subject, or a partner application's client id.
    pub subject: Option<String>,
    /// Email address.
    pub email: Option<String>,
    /// Whether the member is an admin.
    pub is_admin: bool,
    /// Slugs of the networks the member edits.
    pub editor_of: Vec<String>,
    /// Slugs of the police institutions whose training records the member coordinates.
    pub coordinator_of: Vec<String>,
    /// Whether the member is a partner application.
    pub application: bool,
}

/// Creates a member with its roles in one transaction and returns its id.
pub async fn create_member(db: &DatabaseConnection, new: NewMember) -> anyhow::Result<i32> {
    let name = new.name.trim();
    anyhow::ensure!(!name.is_empty(), "--name is empty; give the member's display name");
    let mut network_ids = Vec::new();
    for slug in &new.editor_of {
        let network = networks::Entity::find()
            .filter(networks::Column::Slug.eq(slug.trim()))
            .one(db)
            .await?
            .with_context(|| {
                format!(
                    "no network has the slug {slug:?}; run a query for `networks {{ nodes {{ slug }} }}` to list them"
                )
            })?;
        network_ids.push(network.id);
    }
    let mut institution_ids = Vec::new();
    for slug in &new.coordinator_of {
        let institution = organizations::Entity::find()
            .filter(organizations::Column::Slug.eq(slug.trim()))
            .filter(organizations::Column::Kind.eq("police_institution"))
            .one(db)
            .await?
            .with_context(|| {
                format!(
                    "no police institution has the slug {slug:?}; run a query for `policeInstitutions {{ nodes {{ slug }} }}` to list them"
                )
            })?;
        institution_ids.push(institution.id);
    }
    if let Some(subject) = &new.subject {
        let existing = members::Entity::find().filter(members::Column::Subject.eq(subject.trim())).one(db).await?;
        if let Some(member) = existing {
            anyhow::bail!("member {} already has the subject {subject:?}; choose another subject", member.id);
        }
    }
    let kind = if new.application { MemberKind::Application } else { MemberKind::Person };
    let now = Utc::now();
    let txn = db.begin().await?;
    let member = members::ActiveModel {
        id: ActiveValue::NotSet,
        subject: ActiveValue::Set(new.subject.map(|subject| subject.trim().to_owned())),
        kind: ActiveValue::Set(kind.as_db().to_owned()),
        display_name: ActiveValue::Set(name.to_owned()),
        email: ActiveValue::Set(new.email),
        organization_id: ActiveValue::Set(None),
        is_admin: ActiveValue::Set(new.is_admin),
        active: ActiveValue::Set(true),
        version: ActiveValue::Set(1),
        created_at: ActiveValue::Set(now),
        updated_at: ActiveValue::Set(now),
    }
    .insert(&txn)
    .await?;
    set_editor_networks(&txn, member.id, &network_ids).await.map_err(|err| anyhow::anyhow!(err.describe()))?;
    for institution_id in institution_ids {
        member_institution_roles::ActiveModel {
            member_id: ActiveValue::Set(member.id),
            institution_id: ActiveValue::Set(institution_id),
            role: ActiveValue::Set("coordinator".to_owned()),
        }
        .insert(&txn)
        .await?;
    }
    txn.commit().await?;
    Ok(member.id)
}

/// Issues an API token for an active member and returns the secret.
pub async fn create_token(
    db: &DatabaseConnection,
    member_id: i32,
    name: &str,
    scopes: &[TokenScope],
    days: i32,
) -> anyhow::Result<String> {
    let name = name.trim();
    anyhow::ensure!(!name.is_empty(), "--name is empty; say what the token is for");
    let member = members::Entity::find_by_id(member_id)
        .one(db)
        .await?
        .with_context(|| format!("no member has the id {member_id}; create one with create-member"))?;
    anyhow::ensure!(member.active, "member {member_id} is deactivated; reactivate it before issuing a token");
    if scopes.contains(&TokenScope::Admin) && !member.is_admin {
        tracing::warn!(
            member_id,
            "the token has the ADMIN scope, but the member is not an admin, so the scope grants nothing"
        );
    }
    let (secret, _) =
        issue_token(db, member_id, name, scopes, days, None).await.map_err(|err| anyhow::anyhow!(err.describe()))?;
    Ok(secret)
}
