//! API tokens issued by admins: shown once, stored as hashes, scoped, expiring, revocable.

use integration_tests::{TestApp, on_both};
use sea_orm::{ConnectionTrait, EntityTrait};
use serde_json::{Value, json};

use crate::people::{People, global_id};

const VIEWER: &str = "{ viewer { displayName } }";

fn code(body: &Value) -> &str {
    body["errors"][0]["extensions"]["code"].as_str().unwrap_or_default()
}

async fn admin_issues_uses_and_revokes_a_token(app: &TestApp) {
    let people = People::create(app).await;
    let issue = "mutation($input: CreateApiTokenInput!) { createApiToken(input: $input) {
        token apiToken { id name prefix scopes expiresAt revokedAt lastUsedAt } userErrors { field code } } }";
    let input = json!({ "memberId": global_id("Member", people.member_id), "name": "Academy sync",
        "scopes": ["READ"], "expiresInDays": 7 });
    let (_, body) = app.post_as(Some(&people.admin), issue, json!({ "input": input })).await;
    let payload = &body["data"]["createApiToken"];
    let secret = payload["token"].as_str().unwrap_or_else(|| panic!("no token in {body:#}")).to_owned();
    assert!(secret.starts_with("oasn_"));
    assert!(secret.starts_with(payload["apiToken"]["prefix"].as_str().unwrap()), "the prefix identifies it");
    assert_eq!(payload["apiToken"]["scopes"], json!(["READ"]));
    assert!(payload["apiToken"]["lastUsedAt"].is_null());

    let stored = entities::api_tokens::Entity::find().all(&app.db).await.unwrap();
    for row in &stored {
        let as_text = serde_json::to_string(row).unwrap();
        assert!(!as_text.contains(&secret), "no column stores the secret");
    }

    let (status, body) = app.post_as(Some(&secret), VIEWER, json!({})).await;
    assert_eq!(status, 200, "{body:#}");
    assert_eq!(body["data"]["viewer"]["displayName"], "Alice Member");
    let listing = "{ viewer { apiTokens { name lastUsedAt } } }";
    let (_, body) = app.post_as(Some(&secret), listing, json!({})).await;
    let mine = body["data"]["viewer"]["apiTokens"].as_array().unwrap();
    let used = mine.iter().find(|token| token["name"] == "Academy sync").unwrap();
    assert!(!used["lastUsedAt"].is_null(), "the use was recorded: {body:#}");
    assert!(!body.to_string().contains(&secret), "listings never show the secret");

    let revoke = "mutation($input: RevokeApiTokenInput!) { revokeApiToken(input: $input) { apiToken { revokedAt } userErrors { code } } }";
    let id = payload["apiToken"]["id"].clone();
    let (_, body) = app.post_as(Some(&people.admin), revoke, json!({ "input": { "id": id } })).await;
    assert!(!body["data"]["revokeApiToken"]["apiToken"]["revokedAt"].is_null(), "{body:#}");
    let (status, body) = app.post_as(Some(&secret), VIEWER, json!({})).await;
    assert_eq!(status, 401);
    assert_eq!(code(&body), "UNAUTHENTICATED");
    assert!(body["errors"][0]["message"].as_str().unwrap().contains("revoked"), "{body:#}");
}

on_both!(token_life, admin_issues_uses_and_revokes_a_token);

async fn expired_unknown_and_orphaned_tokens_are_rejected(app: &TestApp) {
    let people = People::create(app).await;
    // Expire the member's token on both databases by moving its expiry to its creation time.
    let expire = format!("UPDATE api_tokens SET expires_at = created_at WHERE member_id = {}", people.member_id);
    app.db.execute_unprepared(&expire).await.unwrap();
    let (status, body) = app.post_as(Some(&people.member), VIEWER, json!({})).await;
    assert_eq!(status, 401, "{body:#}");
    assert!(body["errors"][0]["message"].as_str().unwrap().contains("expired"), "{body:#}");

    let (status, body) = app.post_as(Some("oasn_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"), VIEWER, json!({})).await;
    assert_eq!(status, 401);
    assert_eq!(code(&body), "UNAUTHENTICATED");

    let deactivate = "mutation($input: UpdateMemberInput!) { updateMember(input: $input) { member { active } userErrors { code } } }";
    let input = json!({ "id": global_id("Member", people.editor_id), "expectedVersion": 1, "active": false });
    let (_, body) = app.post_as(Some(&people.admin), deactivate, json!({ "input": input })).await;
    assert_eq!(body["data"]["updateMember"]["member"]["active"], false, "{body:#}");
    let (status, body) = app.post_as(Some(&people.editor), VIEWER, json!({})).await;
    assert_eq!(status, 401, "a deactivated member's tokens stop working: {body:#}");
}

on_both!(token_rejections, expired_unknown_and_orphaned_tokens_are_rejected);

async fn mutations_over_get_are_rejected(app: &TestApp) {
    let response = app
        .client()
        .get(app.url())
        .query(&[("query", "mutation { revokeApiToken(input: { id: \"x\" }) { userErrors { code } } }")])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 405);
    assert_eq!(response.headers()["allow"], "POST");
    let body: Value = response.json().await.unwrap();
    assert_eq!(code(&body), "METHOD_NOT_ALLOWED");
}

on_both!(get_mutations, mutations_over_get_are_rejected);

async fn missing_scopes_are_named_in_the_error(app: &TestApp) {
    let people = People::create(app).await;
    let read_only_editor = app.create_token(people.editor_id, &[api::auth::TokenScope::Read]).await;
    let create =
        "mutation($input: CreatePublicationInput!) { createPublication(input: $input) { publication { id } } }";
    let input = json!({ "networkId": people.prevention, "titles": [{ "locale": "EN", "text": "Scoped" }],
        "kind": "NEWS", "originalLanguage": "en" });
    let (_, body) = app.post_as(Some(&read_only_editor), create, json!({ "input": input })).await;
    let message = body["errors"][0]["message"].as_str().unwrap_or_default();
    assert!(message.contains("WRITE_CONTENT"), "the error names the missing scope: {body:#}");

    let authorization = format!("Bearer {read_only_editor}");
    let headers = [("Authorization", authorization.as_str()), ("Preview", "drafts")];
    let (status, body) = app.post_with_headers("{ publications { totalCount } }", json!({}), &headers).await;
    assert_eq!(status, 403);
    assert!(body["errors"][0]["message"].as_str().unwrap().contains("WRITE_CONTENT"), "{body:#}");

    let (_, body) = app.post_as(Some(&people.admin_read_only), "{ members { totalCount } }", json!({})).await;
    assert!(body.get("errors").is_none(), "a read-only admin token reads the directory: {body:#}");
    let issue = "mutation($input: CreateApiTokenInput!) { createApiToken(input: $input) { token } }";
    let input = json!({ "memberId": global_id("Member", people.member_id), "name": "x", "scopes": ["READ"] });
    let (_, body) = app.post_as(Some(&people.admin_read_only), issue, json!({ "input": input })).await;
    assert!(body["errors"][0]["message"].as_str().unwrap().contains("ADMIN scope"), "{body:#}");
}

on_both!(scope_errors, missing_scopes_are_named_in_the_error);

async fn get_requests_take_operation_name(app: &TestApp) {
    let document = "query Countries { countries { totalCount } } query Networks { networks { totalCount } }";
    let response =
        app.client().get(app.url()).query(&[("query", document), ("operationName", "Networks")]).send().await.unwrap();
    assert_eq!(response.status().as_u16(), 200);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["data"]["networks"]["totalCount"], 2, "{body:#}");
    assert!(body["data"].get("countries").is_none(), "only the named operation runs");
}

on_both!(get_operation_name, get_requests_take_operation_name);
