//! Members, their roles and API tokens, and the admin mutations that manage them.

use async_graphql::{Context, Guard, ID, InputObject, Object, SimpleObject};
use chrono::{DateTime, Utc};
use entities::{api_tokens, member_network_roles, members, organizations};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ActiveModelTrait, ActiveValue, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel, QueryFilter,
    TransactionTrait,
};

use super::common::connection;
use super::common::{database, viewer};
use super::editorial::{
    Checks, SHORT_TEXT, UserError, UserErrorCode, check_version, duplicate_or, resolve_id, resolve_ids,
};
use super::organizations::Organization;
use super::places::Network;
use super::relations::{MemberApiTokens, MemberEditorNetworks, MemberOfficers};
use crate::auth::{TokenScope, tokens};
use crate::enums::{MemberKind, stored};
use crate::error::{ApiError, ApiResult};
use crate::ids::{decode_global_id, encode_global_id};
use crate::loaders::{load_by_id, load_list};
use crate::pagination::{Listing, Ordering};

/// Lets a field through only for the member it describes and for admins.
struct SelfOrAdmin(i32);

impl Guard for SelfOrAdmin {
    async fn check(&self, ctx: &Context<'_>) -> async_graphql::Result<()> {
        let viewer = viewer(ctx)?;
        if viewer.is_admin() || viewer.member_id() == Some(self.0) {
            return Ok(());
        }
        Err(ApiError::Forbidden("This field is personal data, readable only by the member and by admins.".into())
            .into())
    }
}

/// Rejects callers who are not admins.
pub fn require_admin(ctx: &Context<'_>) -> ApiResult<()> {
    let viewer = viewer(ctx)?;
    if viewer.is_admin() {
        return Ok(());
    }
    let admin = viewer.member.as_ref().is_some_and(|member| member.is_admin);
    Err(ApiError::Forbidden(if admin && viewer.token_lacks(TokenScope::Admin) {
        "This operation needs an API token with the ADMIN scope; this token lacks it, so issue one with that scope."
            .into()
    } else {
        "This operation needs an admin.".into()
    }))
}

/// Rejects callers who may not see the member directory.
pub fn require_member(ctx: &Context<'_>) -> ApiResult<()> {
    if viewer(ctx)?.reads_members_only() {
        return Ok(());
    }
    Err(ApiError::Forbidden("The member directory is visible to signed-in members only.".into()))
}

/// A person or partner application known to the networks.
#[derive(Clone, Debug)]
pub struct Member(pub members::Model);

/// A person or partner application known to the networks, with its roles.
#[Object]
impl Member {
    /// Opaque global id.
    pub async fn id(&self) -> ID {
        ID(encode_global_id("Member", self.0.id))
    }

    /// The name shown for the member.
    async fn display_name(&self) -> &str {
        &self.0.display_name
    }

    /// Person or partner application.
    async fn kind(&self) -> async_graphql::Result<MemberKind> {
        Ok(stored("members.kind", &self.0.kind)?)
    }

    /// The member's email address: personal data, readable only by the member and by admins.
    #[graphql(guard = "SelfOrAdmin(self.0.id)")]
    async fn email(&self) -> Option<&str> {
        self.0.email.as_deref()
    }

    /// The identity provider's subject (`sub`, or the client id of a partner application):
    /// readable only by the member and by admins.
    #[graphql(guard = "SelfOrAdmin(self.0.id)")]
    async fn subject(&self) -> Option<&str> {
        self.0.subject.as_deref()
    }

    /// The organization the member belongs to, such as a police institution.
    async fn organization(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Organization>> {
        Ok(load_by_id::<organizations::Entity>(ctx, self.0.organization_id).await?.map(Organization))
    }

    /// Whether the member administers the API: members, roles and tokens.
    async fn is_admin(&self) -> bool {
        self.0.is_admin
    }

    /// Whether the member may sign in; deactivated members keep their history.
    async fn active(&self) -> bool {
        self.0.active
    }

    /// The networks in which the member is an editor.
    async fn editor_of(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Network>> {
        Ok(load_list::<MemberEditorNetworks>(ctx, self.0.id).await?.into_iter().map(Network).collect())
    }

    /// The member's officer record with their training history, when they have one:
    /// visible to the member, their institution's coordinators and admins.
    async fn officer(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<super::records::Officer>> {
        Ok(load_list::<MemberOfficers>(ctx, self.0.id).await?.into_iter().next().map(super::records::Officer))
    }

    /// The record's version, for `expectedVersion` in updateMember.
    async fn version(&self) -> i32 {
        self.0.version
    }

    /// The member's API tokens, newest first: readable only by the member and by admins.
    #[graphql(guard = "SelfOrAdmin(self.0.id)")]
    async fn api_tokens(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<ApiToken>> {
        Ok(load_list::<MemberApiTokens>(ctx, self.0.id).await?.into_iter().map(ApiToken).collect())
    }
}

/// An API token's record; the secret itself is shown only once, when it is created.
pub struct ApiToken(pub api_tokens::Model);

/// An API token's record; the secret itself is shown only once, when it is created.
#[Object]
impl ApiToken {
    /// Opaque global id, for revokeApiToken.
    async fn id(&self) -> ID {
        ID(encode_global_id("ApiToken", self.0.id))
    }

    /// Purpose of the token, such as `Academy enrolment sync`.
    async fn name(&self) -> &str {
        &self.0.name
    }

    /// The token's first characters, to recognize it.
    async fn prefix(&self) -> &str {
        &self.0.prefix
    }

    /// Permissions the token has beyond reading public content.
    async fn scopes(&self) -> Vec<TokenScope> {
        self.0
            .scopes
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|s| s.as_str().and_then(TokenScope::from_stored))
            .collect()
    }

    /// When the token stops working.
    async fn expires_at(&self) -> DateTime<Utc> {
        self.0.expires_at
    }

    /// When an admin revoked it, if one did.
    async fn revoked_at(&self) -> Option<DateTime<Utc>> {
        self.0.revoked_at
    }

    /// When it was last used, to the minute.
    async fn last_used_at(&self) -> Option<DateTime<Utc>> {
        self.0.last_used_at
    }

    /// When it was created.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
}

/// A new member.
#[derive(InputObject)]
pub struct CreateMemberInput {
    /// Person or partner application.
    pub kind: MemberKind,
    /// The name shown for the member.
    pub display_name: String,
    /// The identity provider's subject (`sub`) for the member's access tokens, or the
    /// client id of a partner application; leave it out for members who use API tokens only.
    pub subject: Option<String>,
    /// Email address.
    pub email: Option<String>,
    /// The member's organization, such as a police institution.
    pub organization_id: Option<ID>,
    /// Whether the member is an admin.
    #[graphql(default)]
    pub is_admin: bool,
    /// Networks in which the member is an editor.
    #[graphql(default)]
    pub editor_of_network_ids: Vec<ID>,
}

/// Changes to a member; fields left out keep their value.
#[derive(InputObject)]
pub struct UpdateMemberInput {
    /// The member's id.
    pub id: ID,
    /// The `version` you loaded.
    pub expected_version: i32,
    /// New display name.
    pub display_name: Option<String>,
    /// New email address.
    pub email: Option<String>,
    /// New admin flag.
    pub is_admin: Option<bool>,
    /// Deactivate (false) or reactivate (true) the member.
    pub active: Option<bool>,
    /// The complete new list of networks in which the member is an editor.
    pub editor_of_network_ids: Option<Vec<ID>>,
}

/// A new API token.
#[derive(InputObject)]
pub struct CreateApiTokenInput {
    /// The member the token acts as; it never exceeds that member's roles.
    pub member_id: ID,
    /// Purpose of the token.
    pub name: String,
    /// What it may do beyond reading public content.
    pub scopes: Vec<TokenScope>,
    /// Days until it expires, from 1 to 366; defaults to 90.
    #[graphql(default = 90)]
    pub expires_in_days: i32,
}

/// The result of a member mutation.
#[derive(SimpleObject)]
pub struct MemberPayload {
    /// The member after the change, or its current state when the change was rejected.
    pub member: Option<Member>,
    /// Problems with the input; empty when the change was made.
    pub user_errors: Vec<UserError>,
}

/// The result of createApiToken.
#[derive(SimpleObject)]
pub struct CreateApiTokenPayload {
    /// The secret, shown this once: store it now, because only its hash is kept.
    pub token: Option<String>,
    /// The token's record.
    pub api_token: Option<ApiToken>,
    /// Problems with the input; empty when the token was created.
    pub user_errors: Vec<UserError>,
}

/// The API token to revoke.
#[derive(InputObject)]
pub struct RevokeApiTokenInput {
    /// The token's id, from `ApiToken.id`.
    pub id: ID,
}

/// The result of revokeApiToken.
#[derive(SimpleObject)]
pub struct RevokeApiTokenPayload {
    /// The revoked token's record.
    pub api_token: Option<ApiToken>,
    /// Problems with the input; empty when the token was revoked.
    pub user_errors: Vec<UserError>,
}

/// Admin mutations on members and API tokens.
#[derive(Default)]
pub struct AdminMutations;

#[Object]
impl AdminMutations {
    /// Creates a member with its roles (admins only).
    async fn create_member(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The mutation's input.")] input: CreateMemberInput,
    ) -> async_graphql::Result<MemberPayload> {
        require_admin(ctx)?;
        let db = database(ctx)?;
        let mut checks = Checks::default();
        let display_name = checks.text("displayName", &input.display_name, SHORT_TEXT);
        let subject = checks.opt_text("subject", input.subject.as_deref(), SHORT_TEXT);
        let email = email(&mut checks, input.email.as_deref());
        let organization_id = resolve_id(
            db,
            &mut checks,
            "organizationId",
            input.organization_id.as_ref(),
            &["Organization", "PoliceInstitution"],
            "organizations",
        )
        .await?;
        let networks =
            resolve_ids(db, &mut checks, "editorOfNetworkIds", &input.editor_of_network_ids, &["Network"], "networks")
                .await?;
        if !checks.passed() {
            return Ok(MemberPayload { member: None, user_errors: checks.errors });
        }
        let now = Utc::now();
        let model = members::ActiveModel {
            id: ActiveValue::NotSet,
            subject: ActiveValue::Set(subject.clone()),
            kind: ActiveValue::Set(input.kind.as_db().to_owned()),
            display_name: ActiveValue::Set(display_name),
            email: ActiveValue::Set(email),
            organization_id: ActiveValue::Set(organization_id),
            is_admin: ActiveValue::Set(input.is_admin),
            active: ActiveValue::Set(true),
            version: ActiveValue::Set(1),
            created_at: ActiveValue::Set(now),
            updated_at: ActiveValue::Set(now),
        };
        let txn = db.begin().await?;
        let member = match model.insert(&txn).await {
            Ok(member) => member,
            Err(err) => {
                duplicate_or(err, &mut checks, "subject", subject.as_deref().unwrap_or_default())?;
                return Ok(MemberPayload { member: None, user_errors: checks.errors });
            }
        };
        set_editor_networks(&txn, member.id, &networks).await?;
        txn.commit().await?;
        Ok(MemberPayload { member: Some(Member(member)), user_errors: Vec::new() })
    }

    /// Changes a member's name, email, roles or active flag (admins only).
    async fn update_member(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The mutation's input.")] input: UpdateMemberInput,
    ) -> async_graphql::Result<MemberPayload> {
        require_admin(ctx)?;
        let db = database(ctx)?;
        let mut checks = Checks::default();
        let Some(current) = find_member(db, &mut checks, &input.id).await? else {
            return Ok(MemberPayload { member: None, user_errors: checks.errors });
        };
        if !check_version(&mut checks, current.version, input.expected_version) {
            return Ok(MemberPayload { member: Some(Member(current)), user_errors: checks.errors });
        }
        let mut model = current.clone();
        if let Some(name) = &input.display_name {
            model.display_name = checks.text("displayName", name, SHORT_TEXT);
        }
        if input.email.is_some() {
            model.email = email(&mut checks, input.email.as_deref());
        }
        if let Some(is_admin) = input.is_admin {
            model.is_admin = is_admin;
        }
        if let Some(active) = input.active {
            model.active = active;
        }
        let networks = match &input.editor_of_network_ids {
            Some(ids) => Some(resolve_ids(db, &mut checks, "editorOfNetworkIds", ids, &["Network"], "networks").await?),
            None => None,
        };
        if !checks.passed() {
            return Ok(MemberPayload { member: Some(Member(current)), user_errors: checks.errors });
        }
        model.version = current.version + 1;
        model.updated_at = Utc::now();
        let txn = db.begin().await?;
        let mut active = model.clone().into_active_model().reset_all();
        active.id = ActiveValue::Unchanged(current.id);
        let updated = members::Entity::update_many()
            .set(active)
            .filter(members::Column::Id.eq(current.id))
            .filter(members::Column::Version.eq(current.version))
            .exec(&txn)
            .await?
            .rows_affected;
        if updated == 0 {
            txn.rollback().await?;
            let mut checks = Checks::default();
            let latest = members::Entity::find_by_id(current.id).one(db).await?;
            check_version(&mut checks, latest.as_ref().map_or(0, |m| m.version), input.expected_version);
            return Ok(MemberPayload { member: latest.map(Member), user_errors: checks.errors });
        }
        if let Some(networks) = networks {
            set_editor_networks(&txn, current.id, &networks).await?;
        }
        txn.commit().await?;
        Ok(MemberPayload { member: Some(Member(model)), user_errors: Vec::new() })
    }

    /// Issues an API token for a member (admins only); the payload shows the secret once.
    async fn create_api_token(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The mutation's input.")] input: CreateApiTokenInput,
    ) -> async_graphql::Result<CreateApiTokenPayload> {
        require_admin(ctx)?;
        let db = database(ctx)?;
        let creator = viewer(ctx)?.member_id();
        let mut checks = Checks::default();
        let member = find_member(db, &mut checks, &input.member_id).await?;
        let name = checks.text("name", &input.name, SHORT_TEXT);
        if !(1..=366).contains(&input.expires_in_days) {
            checks.add(
                "expiresInDays",
                UserErrorCode::Invalid,
                format!("{} days is out of range; tokens live from 1 to 366 days", input.expires_in_days),
            );
        }
        let (Some(member), true) = (member, checks.passed()) else {
            return Ok(CreateApiTokenPayload { token: None, api_token: None, user_errors: checks.errors });
        };
        let issued = issue_token(db, member.id, &name, &input.scopes, input.expires_in_days, creator).await?;
        Ok(CreateApiTokenPayload {
            token: Some(issued.0),
            api_token: Some(ApiToken(issued.1)),
            user_errors: Vec::new(),
        })
    }

    /// Revokes an API token at once (admins only).
    async fn revoke_api_token(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The mutation's input.")] input: RevokeApiTokenInput,
    ) -> async_graphql::Result<RevokeApiTokenPayload> {
        require_admin(ctx)?;
        let id = input.id;
        let db = database(ctx)?;
        let mut checks = Checks::default();
        let row = match decode_global_id(&id) {
            Ok((type_name, row)) if type_name == "ApiToken" => row,
            _ => {
                checks.add("id", UserErrorCode::Invalid, format!("\"{}\" is not the id of an ApiToken", id.as_str()));
                return Ok(RevokeApiTokenPayload { api_token: None, user_errors: checks.errors });
            }
        };
        let Some(token) = api_tokens::Entity::find_by_id(row).one(db).await? else {
            checks.add("id", UserErrorCode::NotFound, format!("no ApiToken has the id \"{}\"", id.as_str()));
            return Ok(RevokeApiTokenPayload { api_token: None, user_errors: checks.errors });
        };
        if token.revoked_at.is_some() {
            return Ok(RevokeApiTokenPayload { api_token: Some(ApiToken(token)), user_errors: Vec::new() });
        }
        let mut active = token.into_active_model();
        active.revoked_at = ActiveValue::Set(Some(Utc::now()));
        let token = active.update(db).await?;
        Ok(RevokeApiTokenPayload { api_token: Some(ApiToken(token)), user_errors: Vec::new() })
    }
}

/// Stores a new token for `member_id` and returns its secret with its record.
pub async fn issue_token(
    db: &impl ConnectionTrait,
    member_id: i32,
    name: &str,
    scopes: &[TokenScope],
    expires_in_days: i32,
    created_by: Option<i32>,
) -> ApiResult<(String, api_tokens::Model)> {
    let new = tokens::generate().map_err(|err| ApiError::Unexpected(err.to_string()))?;
    let mut stored_scopes: Vec<&str> = scopes.iter().map(|scope| scope.as_str()).collect();
    stored_scopes.sort_unstable();
    stored_scopes.dedup();
    let now = Utc::now();
    let model = api_tokens::ActiveModel {
        id: ActiveValue::NotSet,
        member_id: ActiveValue::Set(member_id),
        name: ActiveValue::Set(name.to_owned()),
        prefix: ActiveValue::Set(new.prefix),
        token_hash: ActiveValue::Set(new.hash),
        scopes: ActiveValue::Set(serde_json::json!(stored_scopes)),
        expires_at: ActiveValue::Set(now + chrono::Duration::days(i64::from(expires_in_days))),
        revoked_at: ActiveValue::Set(None),
        last_used_at: ActiveValue::Set(None),
        created_by_id: ActiveValue::Set(created_by),
        created_at: ActiveValue::Set(now),
    };
    let token = model.insert(db).await?;
    Ok((new.secret, token))
}

/// Replaces a member's editor roles.
pub async fn set_editor_networks(db: &impl ConnectionTrait, member_id: i32, networks: &[i32]) -> ApiResult<()> {
    member_network_roles::Entity::delete_many()
        .filter(member_network_roles::Column::MemberId.eq(member_id))
        .filter(member_network_roles::Column::Role.eq("editor"))
        .exec(db)
        .await?;
    if networks.is_empty() {
        return Ok(());
    }
    let rows = networks.iter().map(|network| member_network_roles::ActiveModel {
        member_id: ActiveValue::Set(member_id),
        network_id: ActiveValue::Set(*network),
        role: ActiveValue::Set("editor".to_owned()),
    });
    member_network_roles::Entity::insert_many(rows).exec(db).await?;
    Ok(())
}

async fn find_member(db: &impl ConnectionTrait, checks: &mut Checks, id: &ID) -> ApiResult<Option<members::Model>> {
    let field = if checks.errors.is_empty() { "memberId" } else { "id" };
    let row = match decode_global_id(id) {
        Ok((type_name, row)) if type_name == "Member" => row,
        _ => {
            checks.add(field, UserErrorCode::Invalid, format!("\"{}\" is not the id of a Member", id.as_str()));
            return Ok(None);
        }
    };
    let found = members::Entity::find_by_id(row).one(db).await?;
    if found.is_none() {
        checks.add(field, UserErrorCode::NotFound, format!("no Member has the id \"{}\"", id.as_str()));
    }
    Ok(found)
}

/// Checks an optional email address of the `email` input field.
pub(crate) fn email(checks: &mut Checks, value: Option<&str>) -> Option<String> {
    let value = checks.opt_text("email", value, 254)?;
    let valid = value.split_once('@').is_some_and(|(local, domain)| {
        !local.is_empty() && domain.contains('.') && !domain.starts_with('.') && !domain.ends_with('.')
    }) && !value.chars().any(char::is_whitespace);
    if !valid {
        checks.add(
            "email",
            UserErrorCode::Invalid,
            format!("\"{value}\" is not an email address; write it as name@example.org"),
        );
    }
    Some(value)
}

connection!(
    MemberConnection,
    MemberEdge,
    Member,
    members::Model,
    "A page of members, oldest first.",
    "A member in a page, with its cursor."
);

/// Lists active members in the order they joined.
pub fn members_listing() -> Listing {
    Listing::new("members", Ordering::by_int("JOINED", "members", "id", false))
        .filter(Expr::col(("members", "active")).eq(true))
}
