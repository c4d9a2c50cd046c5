//! Caller identity: the request's credential, the member it maps to, and what that member
//! may read and change.
//!
//! Requests without an `Authorization` header are anonymous. A bearer credential is either
//! an API token (it starts with `oasn_`) or an access token from the configured identity
//! provider. A credential that is present but invalid, expired or revoked rejects the
//! request with `UNAUTHENTICATED`; it never falls back to anonymous access.

pub mod oidc;
pub mod tokens;

use std::sync::Arc;

use async_graphql::Enum;
use entities::members;
use sea_orm::sea_query::{Expr, ExprTrait, Query, UnionType};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};

use crate::config::OAuthConfig;
use crate::error::{ApiError, ApiResult};
use crate::pagination::Listing;
use oidc::{TokenError, TokenVerifier};

/// A permission an API token carries, on top of reading public content. A token never exceeds the
/// roles of the member it belongs to.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TokenScope {
    /// Read what the token's member may read, members-only content included.
    Read,
    /// Create and change content in the networks the token's member edits.
    WriteContent,
    /// Manage members and API tokens, if the token's member is an admin.
    Admin,
    /// Read and write training records (officers, enrolments, completions) of the
    /// institutions the token's member coordinates, or of every institution for an admin.
    Enrolments,
}

impl TokenScope {
    /// Returns the stored form of the scope.
    pub fn as_str(self) -> &'static str {
        match self {
            TokenScope::Read => "read",
            TokenScope::WriteContent => "write_content",
            TokenScope::Admin => "admin",
            TokenScope::Enrolments => "enrolments",
        }
    }

    /// Parses the stored form of a scope.
    pub fn from_stored(value: &str) -> Option<TokenScope> {
        [TokenScope::Read, TokenScope::WriteContent, TokenScope::Admin, TokenScope::Enrolments]
            .into_iter()
            .find(|scope| scope.as_str() == value)
    }
}

/// The credential a request carried.
#[derive(Clone, Debug)]
pub enum Credential {
    /// No `Authorization` header.
    Anonymous,
    /// An access token from the identity provider, with its subject.
    AccessToken {
        /// `sub`, or `client_id` for a client-credentials token without a subject.
        subject: String,
    },
    /// An API token issued by an admin.
    ApiToken {
        /// The token's row id.
        id: i32,
        /// The token's name, for revision history.
        name: String,
        /// The token's scopes.
        scopes: Vec<TokenScope>,
    },
}

/// The member behind a credential, with the roles read from the member record.
#[derive(Clone, Debug)]
pub struct Principal {
    /// The member's id.
    pub id: i32,
    /// The member's display name, for revision history.
    pub display_name: String,
    /// Whether the member is an admin.
    pub is_admin: bool,
    /// The networks in which the member is an editor.
    pub editor_networks: Vec<i32>,
    /// The police institutions whose training records the member coordinates.
    pub coordinated_institutions: Vec<i32>,
    /// The member's own officer record, if any.
    pub officer_id: Option<i32>,
}

/// The caller of one request.
#[derive(Clone, Debug)]
pub struct Viewer {
    /// The credential presented.
    pub credential: Credential,
    /// The active member the credential maps to, if any.
    pub member: Option<Principal>,
}

impl Viewer {
    /// The caller without credentials.
    pub fn anonymous() -> Viewer {
        Viewer { credential: Credential::Anonymous, member: None }
    }

    fn allows(&self, scope: TokenScope) -> bool {
        !self.token_lacks(scope)
    }

    /// Whether the caller used an API token without `scope`. Access tokens from the
    /// identity provider carry the member's full roles, so they never lack a scope.
    pub fn token_lacks(&self, scope: TokenScope) -> bool {
        match &self.credential {
            Credential::ApiToken { scopes, .. } => !scopes.contains(&scope),
            _ => false,
        }
    }

    /// Returns the member's id when the caller is an active member.
    pub fn member_id(&self) -> Option<i32> {
        self.member.as_ref().map(|member| member.id)
    }

    /// Whether the caller may read members-only content.
    pub fn reads_members_only(&self) -> bool {
        self.member.is_some() && self.allows(TokenScope::Read)
    }

    /// Whether the caller acts as an admin.
    pub fn is_admin(&self) -> bool {
        self.member.as_ref().is_some_and(|member| member.is_admin) && self.allows(TokenScope::Admin)
    }

    /// Whether the caller may change content owned by `network` (`None`: no owning
    /// network, which only admins may change).
    pub fn can_edit(&self, network: Option<i32>) -> bool {
        self.can_edit_any(network.as_slice())
    }

    /// Whether the caller may change a record owned by any of `networks` (empty: a record
    /// no network owns, which only admins may change).
    pub fn can_edit_any(&self, networks: &[i32]) -> bool {
        let Some(member) = &self.member else { return false };
        if !self.allows(TokenScope::WriteContent) {
            return false;
        }
        member.is_admin || networks.iter().any(|network| member.editor_networks.contains(network))
    }

    /// Whether the caller edits content in at least one network.
    pub fn is_editor(&self) -> bool {
        self.allows(TokenScope::WriteContent)
            && self.member.as_ref().is_some_and(|member| member.is_admin || !member.editor_networks.is_empty())
    }

    /// Whether the caller may read and write the training records of officers of
    /// `institution`: coordinators of that institution and admins, with the ENROLMENTS
    /// scope on API tokens.
    pub fn manages_training_of(&self, institution: i32) -> bool {
        let Some(member) = &self.member else { return false };
        self.allows(TokenScope::Enrolments)
            && (member.is_admin || member.coordinated_institutions.contains(&institution))
    }

    /// Whether the caller manages training records of at least one institution.
    pub fn manages_training(&self) -> bool {
        self.allows(TokenScope::Enrolments)
            && self.member.as_ref().is_some_and(|member| member.is_admin || !member.coordinated_institutions.is_empty())
    }

    /// Returns the caller's own officer record id, when the credential may read it.
    pub fn own_officer(&self) -> Option<i32> {
        let officer = self.member.as_ref()?.officer_id?;
        (self.allows(TokenScope::Read) || self.allows(TokenScope::Enrolments)).then_some(officer)
    }

    /// Returns which personal training records the caller may read.
    pub fn personal_reach(&self) -> PersonalReach {
        let own_officer = self.own_officer();
        let Some(member) = self.member.as_ref().filter(|_| self.allows(TokenScope::Enrolments)) else {
            return PersonalReach { all: false, institutions: Arc::from([]), own_officer };
        };
        PersonalReach {
            all: member.is_admin,
            institutions: Arc::from(member.coordinated_institutions.as_slice()),
            own_officer,
        }
    }

    /// Describes the caller for revision history.
    pub fn actor(&self) -> String {
        let name = self.member.as_ref().map_or("anonymous", |member| member.display_name.as_str());
        match &self.credential {
            Credential::ApiToken { name: token, .. } => format!("{name} (API token \"{token}\")"),
            _ => name.to_owned(),
        }
    }

    /// Returns the audience of this caller's reads, with or without the draft preview.
    pub fn audience(&self, preview: bool) -> ApiResult<Audience> {
        if preview {
            if !self.is_editor() {
                let editor = self.member.as_ref().is_some_and(|m| m.is_admin || !m.editor_networks.is_empty());
                let message = if editor && self.token_lacks(TokenScope::WriteContent) {
                    "The draft preview needs an API token with the WRITE_CONTENT scope; this token lacks it. Ask an admin for one, or send the request without the Preview header."
                } else {
                    "The draft preview is for editors and admins; send the request without the Preview header."
                };
                return Err(ApiError::Forbidden(message.into()));
            }
            let content = match &self.member {
                Some(member) if !member.is_admin => Reach::Editors(Some(member.editor_networks.clone().into())),
                _ => Reach::Editors(None),
            };
            return Ok(Audience { content, personal: self.personal_reach() });
        }
        let content = if self.reads_members_only() { Reach::Members } else { Reach::Public };
        Ok(Audience { content, personal: self.personal_reach() })
    }
}

/// Records a request may read: editorial records by their state, and personal training
/// records by whose they are.
#[derive(Clone, Debug)]
pub struct Audience {
    /// The editorial records the request may see.
    pub content: Reach,
    /// The personal training records the request may see.
    pub personal: PersonalReach,
}

/// Personal training records (officers, enrolments, certificates) a request may read.
#[derive(Clone, Debug)]
pub struct PersonalReach {
    /// Every record, for admins.
    pub all: bool,
    /// Records of officers of these institutions, for their coordinators.
    pub institutions: Arc<[i32]>,
    /// The caller's own officer record and its enrolments.
    pub own_officer: Option<i32>,
}

impl PersonalReach {
    /// Returns the condition an `officers` row must meet to be read, or `None` for all rows.
    fn officers(&self) -> Option<Expr> {
        if self.all {
            return None;
        }
        let mut visible = Expr::val(1).eq(0);
        if let Some(own) = self.own_officer {
            visible = visible.or(Expr::col(("officers", "id")).eq(own));
        }
        if !self.institutions.is_empty() {
            visible = visible.or(Expr::col(("officers", "institution_id")).is_in(self.institutions.iter().copied()));
        }
        Some(visible)
    }

    /// Returns the condition rows of a personal table must meet, `None` for every row,
    /// or `Err(())` when `table` contains no personal records.
    fn condition(&self, table: &str) -> Result<Option<Expr>, ()> {
        let officers = || {
            self.officers()
                .map(|visible| Query::select().column(("officers", "id")).from("officers").and_where(visible).take())
        };
        match table {
            "officers" => Ok(self.officers()),
            "enrolments" => Ok(officers().map(|ids| Expr::col(("enrolments", "officer_id")).in_subquery(ids))),
            "certificates" => Ok(officers().map(|ids| {
                let enrolments = Query::select()
                    .column(("enrolments", "id"))
                    .from("enrolments")
                    .and_where(Expr::col(("enrolments", "officer_id")).in_subquery(ids))
                    .take();
                Expr::col(("certificates", "enrolment_id")).in_subquery(enrolments)
            })),
            _ => Err(()),
        }
    }
}

impl Audience {
    /// The audience of an anonymous request.
    pub fn public() -> Audience {
        Audience {
            content: Reach::Public,
            personal: PersonalReach { all: false, institutions: Arc::from([]), own_officer: None },
        }
    }

    /// Returns the condition rows of `table` must meet to be seen, or `None` when every
    /// row may be seen.
    pub fn condition(&self, table: &str) -> Option<Expr> {
        match self.personal.condition(table) {
            Ok(condition) => condition,
            Err(()) => self.content.condition(table),
        }
    }

    /// Narrows a listing to the rows this audience may see.
    pub fn restrict(&self, listing: Listing) -> Listing {
        match self.condition(listing.table) {
            Some(visible) => listing.filter(visible),
            None => listing,
        }
    }
}

/// Set of editorial records a request may see.
#[derive(Clone, Debug)]
pub enum Reach {
    /// Published, public records only.
    Public,
    /// Published records, members-only ones included.
    Members,
    /// The draft preview: every published record, plus records in any state owned by
    /// these networks (`None`: all networks, for admins).
    Editors(Option<Arc<[i32]>>),
}

/// Tables whose rows have a life cycle and a visibility: every kind in the graph.
pub const EDITORIAL_TABLES: [&str; 11] = [
    "countries",
    "topics",
    "organizations",
    "networks",
    "quality_certifications",
    "publications",
    "initiatives",
    "courses",
    "course_offerings",
    "events",
    "targets",
];

/// Child tables without a life cycle of their own, with the column naming their parent
/// and the parent's table: they are seen exactly when their parent is.
const CHILD_TABLES: [(&str, &str, &str); 2] =
    [("evidence_ratings", "initiative_id", "initiatives"), ("accreditations", "course_id", "courses")];

/// Returns the condition that a row of `table` belongs to one of `networks`, or `None` for
/// tables whose rows belong to no network (reference data that only admins change).
pub fn owned_by(table: &str, networks: &[i32]) -> Option<Expr> {
    let networks = networks.iter().copied();
    match table {
        "publications" | "initiatives" | "courses" | "targets" | "quality_certifications" => {
            let table = *EDITORIAL_TABLES.iter().find(|editorial| **editorial == table)?;
            Some(Expr::col((table, "network_id")).is_in(networks))
        }
        "events" => {
            let links = Query::select()
                .column(("event_networks", "event_id"))
                .from("event_networks")
                .and_where(Expr::col(("event_networks", "network_id")).is_in(networks))
                .take();
            Some(Expr::col(("events", "id")).in_subquery(links))
        }
        "course_offerings" => {
            let courses = Query::select()
                .column(("courses", "id"))
                .from("courses")
                .and_where(Expr::col(("courses", "network_id")).is_in(networks))
                .take();
            Some(Expr::col(("course_offerings", "course_id")).in_subquery(courses))
        }
        _ => None,
    }
}

impl Reach {
    /// Returns the condition rows of `table` must meet to be seen, or `None` when every
    /// row may be seen.
    pub fn condition(&self, table: &str) -> Option<Expr> {
        if let Some((child, column, parent)) = CHILD_TABLES.iter().find(|(child, ..)| *child == table) {
            let visible = self.condition(parent)?;
            let parents = Query::select().column((*parent, "id")).from(*parent).and_where(visible).take();
            return Some(Expr::col((*child, *column)).in_subquery(parents));
        }
        let table = *EDITORIAL_TABLES.iter().find(|editorial| **editorial == table)?;
        let published = Expr::col((table, "editorial_status")).eq("published");
        let own = match self {
            Reach::Public => Some(published.and(Expr::col((table, "visibility")).eq("public"))),
            Reach::Members => Some(published),
            Reach::Editors(None) => None,
            Reach::Editors(Some(networks)) => match owned_by(table, networks) {
                Some(owned) => Some(published.or(owned)),
                None => Some(published),
            },
        };
        // An offering is part of its course: it is seen only while its course is.
        if table == "course_offerings"
            && let Some(course_visible) = self.condition("courses")
        {
            let courses = Query::select().column(("courses", "id")).from("courses").and_where(course_visible).take();
            let in_visible_course = Expr::col(("course_offerings", "course_id")).in_subquery(courses);
            return Some(match own {
                Some(own) => own.and(in_visible_course),
                None => in_visible_course,
            });
        }
        own
    }
}

/// Turns a request's `Authorization` header into a [`Viewer`].
pub struct Authenticator {
    verifier: Option<TokenVerifier>,
}

impl Authenticator {
    /// Builds an authenticator; without a provider, only API tokens are accepted.
    pub fn new(oauth: Option<OAuthConfig>) -> anyhow::Result<Authenticator> {
        Ok(Authenticator { verifier: oauth.map(TokenVerifier::new).transpose()? })
    }

    /// Authenticates a request from its `Authorization` header value.
    pub async fn authenticate(&self, db: &impl ConnectionTrait, authorization: Option<&str>) -> ApiResult<Viewer> {
        let Some(header) = authorization else { return Ok(Viewer::anonymous()) };
        let Some((scheme, token)) = header.trim().split_once(' ') else {
            return Err(unauthenticated("the Authorization header must be `Bearer <token>`"));
        };
        let token = token.trim();
        if !scheme.eq_ignore_ascii_case("bearer") || token.is_empty() {
            return Err(unauthenticated("the Authorization header must be `Bearer <token>`"));
        }
        if token.starts_with(tokens::TOKEN_PREFIX) {
            return self.api_token(db, token).await;
        }
        let Some(verifier) = &self.verifier else {
            return Err(unauthenticated(
                "this server has no identity provider configured (OAUTH_ISSUER), so it accepts only API tokens",
            ));
        };
        let subject = verifier.verify(token).await.map_err(|err| match err {
            TokenError::Invalid(reason) => unauthenticated(&reason),
            TokenError::ProviderUnavailable(detail) => {
                tracing::warn!(error = %detail, "could not validate an access token with the identity provider");
                ApiError::ServiceUnavailable(
                    "The identity provider could not be reached to validate the access token; try again shortly."
                        .into(),
                )
            }
        })?;
        let member = members::Entity::find()
            .filter(members::Column::Subject.eq(subject.subject.as_str()))
            .filter(members::Column::Active.eq(true))
            .one(db)
            .await?;
        let member = match member {
            Some(member) => Some(principal(db, member).await?),
            None => None,
        };
        Ok(Viewer { credential: Credential::AccessToken { subject: subject.subject }, member })
    }

    async fn api_token(&self, db: &impl ConnectionTrait, secret: &str) -> ApiResult<Viewer> {
        let token = match tokens::find_live(db, secret).await? {
            Ok(token) => token,
            Err(tokens::TokenRejection::Unknown) => return Err(unauthenticated("the API token is not valid")),
            Err(tokens::TokenRejection::Revoked(at)) => {
                return Err(unauthenticated(&format!("the API token was revoked at {}", at.to_rfc3339())));
            }
            Err(tokens::TokenRejection::Expired(at)) => {
                return Err(unauthenticated(&format!(
                    "the API token expired at {}; ask an admin for a new one",
                    at.to_rfc3339()
                )));
            }
        };
        let member =
            members::Entity::find_by_id(token.member_id).filter(members::Column::Active.eq(true)).one(db).await?;
        let Some(member) = member else {
            return Err(unauthenticated("the API token's member is deactivated"));
        };
        let scopes = token
            .scopes
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|scope| scope.as_str().and_then(TokenScope::from_stored))
            .collect();
        Ok(Viewer {
            credential: Credential::ApiToken { id: token.id, name: token.name, scopes },
            member: Some(principal(db, member).await?),
        })
    }
}

/// Reads a member's roles (networks edited, institutions coordinated, own officer record)
/// in one statement.
async fn principal(db: &impl ConnectionTrait, member: members::Model) -> ApiResult<Principal> {
    let role = |kind: &str, column: (&'static str, &'static str), table: &'static str, owner: &'static str| {
        Query::select()
            .expr_as(Expr::val(kind.to_owned()), "kind")
            .expr_as(Expr::col(column), "target")
            .from(table)
            .and_where(Expr::col((table, owner)).eq(member.id))
            .take()
    };
    let mut query = role("editor", ("member_network_roles", "network_id"), "member_network_roles", "member_id");
    query.and_where(Expr::col(("member_network_roles", "role")).eq("editor"));
    let mut coordinators =
        role("coordinator", ("member_institution_roles", "institution_id"), "member_institution_roles", "member_id");
    coordinators.and_where(Expr::col(("member_institution_roles", "role")).eq("coordinator"));
    query.union(UnionType::All, coordinators);
    query.union(UnionType::All, role("officer", ("officers", "id"), "officers", "member_id"));
    let mut principal = Principal {
        id: member.id,
        display_name: member.display_name,
        is_admin: member.is_admin,
        editor_networks: Vec::new(),
        coordinated_institutions: Vec::new(),
        officer_id: None,
    };
    for row in db.query_all(&query).await? {
        let target: i32 = row.try_get("", "target")?;
        match row.try_get::<String>("", "kind")?.as_str() {
            "editor" => principal.editor_networks.push(target),
            "coordinator" => principal.coordinated_institutions.push(target),
            _ => principal.officer_id = Some(target),
        }
    }
    Ok(principal)
}

fn unauthenticated(reason: &str) -> ApiError {
    ApiError::Unauthenticated(format!("Authentication failed: {reason}."))
}

#[cfg(test)]
#[allow(clippy::unwrap_used, reason = "a failed unwrap is a failed test")]
mod tests {
    use super::*;

    fn viewer(scopes: Option<Vec<TokenScope>>, is_admin: bool, editor_networks: Vec<i32>) -> Viewer {
        let credential = match scopes {
            Some(scopes) => Credential::ApiToken { id: 1, name: "t".into(), scopes },
            None => Credential::AccessToken { subject: "s".into() },
        };
        let member = Principal {
            id: 7,
            display_name: "M".into(),
            is_admin,
            editor_networks,
            coordinated_institutions: Vec::new(),
            officer_id: None,
        };
        Viewer { credential, member: Some(member) }
    }

    #[test]
    fn editors_change_only_their_networks() {
        let editor = viewer(None, false, vec![1]);
        assert!(editor.can_edit(Some(1)));
        assert!(!editor.can_edit(Some(2)));
        assert!(!editor.can_edit(None), "records without a network are for admins");
        assert!(viewer(None, true, vec![]).can_edit(None));
    }

    #[test]
    fn token_scopes_narrow_the_member_roles() {
        let read_only = viewer(Some(vec![TokenScope::Read]), true, vec![1]);
        assert!(read_only.reads_members_only());
        assert!(!read_only.is_admin());
        assert!(!read_only.can_edit(Some(1)));
        let writer = viewer(Some(vec![TokenScope::WriteContent]), false, vec![1]);
        assert!(writer.can_edit(Some(1)));
        assert!(!writer.reads_members_only(), "members-only reads need the READ scope");
    }

    #[test]
    fn preview_is_refused_to_non_editors() {
        assert!(Viewer::anonymous().audience(true).is_err());
        assert!(viewer(None, false, vec![]).audience(true).is_err());
        let content = |viewer: Viewer, preview| viewer.audience(preview).map(|audience| audience.content);
        assert!(matches!(content(viewer(None, false, vec![3]), true), Ok(Reach::Editors(Some(_)))));
        assert!(matches!(content(viewer(None, true, vec![]), true), Ok(Reach::Editors(None))));
        assert!(matches!(content(Viewer::anonymous(), false), Ok(Reach::Public)));
    }

    #[test]
    fn generated_tokens_are_distinct_and_hashed() {
        let first = tokens::generate().unwrap();
        let second = tokens::generate().unwrap();
        assert_ne!(first.secret, second.secret);
        assert!(first.secret.starts_with(tokens::TOKEN_PREFIX));
        assert_eq!(first.hash, tokens::hash(&first.secret));
        assert_eq!(first.hash.len(), 64);
        assert!(!first.hash.contains(&first.secret));
    }
}
