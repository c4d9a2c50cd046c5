//! One caller of every kind, with API tokens, and helpers that act as them.

use api::auth::TokenScope;
use integration_tests::TestApp;
use serde_json::{Value, json};

/// Slug of the network most seed publications belong to.
pub const PREVENTION: &str = "network-crime-prevention";
/// Slug of the police network.
pub const POLICE: &str = "network-redppol";

const ALL_SCOPES: [TokenScope; 3] = [TokenScope::Read, TokenScope::WriteContent, TokenScope::Admin];

/// Tokens of every kind of caller, and the member ids behind them.
pub struct People {
    /// An admin, with every scope.
    pub admin: String,
    /// An editor of the prevention network.
    pub editor: String,
    /// An editor of the police network only.
    pub police_editor: String,
    /// A member without roles.
    pub member: String,
    /// A partner application without roles, with a read-only token.
    pub partner: String,
    /// The admin again, through a token without the ADMIN and WRITE_CONTENT scopes.
    pub admin_read_only: String,
    /// The member's id.
    pub member_id: i32,
    /// The editor's id.
    pub editor_id: i32,
    /// The prevention network's global id.
    pub prevention: String,
    /// The police network's global id.
    pub police: String,
}

impl People {
    /// Creates the members and their tokens.
    pub async fn create(app: &TestApp) -> People {
        let admin_id = app.create_member("Ada Admin", Some("adam-admin"), true, &[]).await;
        let editor_id = app.create_member("Erin Editor", Some("erin-editor"), false, &[PREVENTION]).await;
        let police_editor_id = app.create_member("Paz Police Editor", None, false, &[POLICE]).await;
        let member_id = app.create_member("Alice Member", Some("alice"), false, &[]).await;
        let partner_id = api::admin::create_member(
            &app.db,
            api::admin::NewMember {
                name: "Academy Sync".into(),
                subject: Some("partner-app".into()),
                email: None,
                is_admin: false,
                editor_of: Vec::new(),
                coordinator_of: Vec::new(),
                application: true,
            },
        )
        .await
        .unwrap();
        let networks = app.data("{ networks { nodes { id slug } } }", json!({})).await;
        let network = |slug: &str| {
            networks["networks"]["nodes"]
                .as_array()
                .unwrap()
                .iter()
                .find(|node| node["slug"] == slug)
                .map(|node| node["id"].as_str().unwrap().to_owned())
                .unwrap()
        };
        People {
            admin: app.create_token(admin_id, &ALL_SCOPES).await,
            editor: app.create_token(editor_id, &ALL_SCOPES).await,
            police_editor: app.create_token(police_editor_id, &ALL_SCOPES).await,
            member: app.create_token(member_id, &[TokenScope::Read]).await,
            partner: app.create_token(partner_id, &[TokenScope::Read]).await,
            admin_read_only: app.create_token(admin_id, &[TokenScope::Read]).await,
            member_id,
            editor_id,
            prevention: network(PREVENTION),
            police: network(POLICE),
        }
    }
}

/// The fields a publication mutation returns in these tests.
pub const PAYLOAD: &str =
    "publication { id slug editorial { status visibility version } } userErrors { field code message }";

/// Creates a draft in `network` as `token` and returns the payload.
pub async fn create_draft(app: &TestApp, token: &str, network: &str, title: &str, visibility: &str) -> Value {
    let (status, body) = app
        .post_as(
            Some(token),
            &format!(
                "mutation($input: CreatePublicationInput!) {{ createPublication(input: $input) {{ {PAYLOAD} }} }}"
            ),
            json!({ "input": {
                "networkId": network,
                "titles": [{ "locale": "EN", "text": title }],
                "kind": "GUIDE",
                "originalLanguage": "en",
                "visibility": visibility,
                "sources": ["https://www.oas.org/"],
            } }),
        )
        .await;
    assert_eq!(status, 200, "{body:#}");
    assert!(body.get("errors").is_none(), "unexpected errors: {body:#}");
    let payload = body["data"]["createPublication"].clone();
    assert_eq!(payload["userErrors"], json!([]), "{payload:#}");
    payload["publication"].clone()
}

/// Runs a life-cycle mutation such as `publish` on a publication and returns the payload,
/// with the record under `publication` as in the publication mutations.
pub async fn transition(app: &TestApp, token: &str, mutation: &str, id: &str, version: i64) -> Value {
    let query = format!(
        "mutation($input: TransitionInput!) {{ {mutation}(input: $input) {{
            node {{ ... on Publication {{ id slug editorial {{ status visibility version }} }} }}
            userErrors {{ field code message }} }} }}"
    );
    let (_, body) =
        app.post_as(Some(token), &query, json!({ "input": { "id": id, "expectedVersion": version } })).await;
    assert!(body.get("errors").is_none(), "unexpected errors: {body:#}");
    let payload = &body["data"][mutation];
    json!({ "publication": payload["node"], "userErrors": payload["userErrors"] })
}

/// Creates a publication and publishes it, returning its id.
pub async fn published(app: &TestApp, token: &str, network: &str, title: &str, visibility: &str) -> String {
    let draft = create_draft(app, token, network, title, visibility).await;
    let id = draft["id"].as_str().unwrap().to_owned();
    let payload = transition(app, token, "publish", &id, 1).await;
    assert_eq!(payload["publication"]["editorial"]["status"], "PUBLISHED", "{payload:#}");
    id
}

/// Builds the global id the API gives a row.
pub fn global_id(type_name: &str, id: i32) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(format!("{type_name}:{id}"))
}

/// Posts a query as `token` with the draft preview.
pub async fn post_preview(app: &TestApp, token: &str, query: &str, variables: Value) -> Value {
    let authorization = format!("Bearer {token}");
    let headers = [("Authorization", authorization.as_str()), ("Preview", "drafts")];
    let (status, body) = app.post_with_headers(query, variables, &headers).await;
    assert_eq!(status, 200, "{body:#}");
    body
}
