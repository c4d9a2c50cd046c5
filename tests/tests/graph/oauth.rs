//! Access tokens from a real OAuth 2.0 authorization server (oidc-provider on loopback):
//! signed JWTs, opaque tokens by introspection, and every way a token can be wrong.

use integration_tests::oidc::{AUDIENCE, OPAQUE_RESOURCE, OTHER_RESOURCE, OidcPeer};
use integration_tests::{Backend, TestApp};
use serde_json::{Value, json};

use crate::people::{PAYLOAD, People};

const VIEWER: &str = "{ viewer { displayName isAdmin } }";

async fn start(backend: Backend, peer: &OidcPeer) -> Option<TestApp> {
    TestApp::spawn_configured(backend, true, Some(peer.api_config())).await
}

/// Asserts a 401 with the UNAUTHENTICATED code and a message containing `reason`.
fn assert_rejected(response: &(u16, Value), reason: &str) {
    let (status, body) = response;
    assert_eq!(*status, 401, "{body:#}");
    let error = &body["errors"][0];
    assert_eq!(error["extensions"]["code"], "UNAUTHENTICATED", "{body:#}");
    let message = error["message"].as_str().unwrap();
    assert!(message.contains(reason), "expected {reason:?} in {message:?}");
    assert!(body.get("data").is_none(), "a rejected request returns no data, not an anonymous answer");
}

async fn provider_tokens_act_as_their_members(backend: Backend) {
    let peer = OidcPeer::start().await;
    let Some(app) = start(backend, &peer).await else { return };
    let people = People::create(&app).await;

    // A user's JWT from the authorization-code flow: its `sub` is the member's subject.
    let alice = peer.user_token("alice", AUDIENCE).await;
    let (status, body) = app.post_as(Some(&alice), VIEWER, json!({})).await;
    assert_eq!(status, 200, "{body:#}");
    assert_eq!(body["data"]["viewer"], json!({ "displayName": "Alice Member", "isAdmin": false }));

    // The same user with an opaque token, checked by introspection.
    let opaque = peer.user_token("alice", OPAQUE_RESOURCE).await;
    assert_eq!(opaque.split('.').count(), 1, "the opaque resource issues opaque tokens");
    let (_, body) = app.post_as(Some(&opaque), VIEWER, json!({})).await;
    assert_eq!(body["data"]["viewer"]["displayName"], "Alice Member", "{body:#}");
    let (_, again) = app.post_as(Some(&opaque), VIEWER, json!({})).await;
    assert_eq!(again, body, "a cached introspection answers the same");

    // A client-credentials JWT of a partner application: its subject is the client id.
    let erin = peer.client_token("erin-editor", AUDIENCE).await;
    let (_, body) = app
        .post_as(
            Some(&erin),
            &format!(
                "mutation($input: CreatePublicationInput!) {{ createPublication(input: $input) {{ {PAYLOAD} }} }}"
            ),
            json!({ "input": { "networkId": people.prevention, "titles": [{ "locale": "EN", "text": "Signed in" }],
                "kind": "NEWS", "originalLanguage": "en" } }),
        )
        .await;
    assert_eq!(body["data"]["createPublication"]["publication"]["editorial"]["status"], "DRAFT", "{body:#}");

    // A valid token whose subject is no member reads like an anonymous caller.
    let stranger = peer.user_token("stranger", AUDIENCE).await;
    let (status, body) = app.post_as(Some(&stranger), VIEWER, json!({})).await;
    assert_eq!(status, 200);
    assert_eq!(body["data"]["viewer"], Value::Null);
    let (_, body) = app.post_as(Some(&stranger), "{ members { totalCount } }", json!({})).await;
    assert_eq!(body["errors"][0]["extensions"]["code"], "FORBIDDEN", "{body:#}");
    peer.stop().await;
}

async fn bad_tokens_are_rejected_never_downgraded(backend: Backend) {
    let peer = OidcPeer::start().await;
    let Some(app) = start(backend, &peer).await else { return };
    People::create(&app).await;

    let other = peer.client_token("adam-admin", OTHER_RESOURCE).await;
    let response = app.post_as(Some(&other), VIEWER, json!({})).await;
    assert_rejected(&response, "another audience");

    // Swap the subject in a valid token's payload and keep its signature.
    let alice = peer.user_token("alice", AUDIENCE).await;
    let parts: Vec<&str> = alice.split('.').collect();
    let tampered_payload = {
        use base64::Engine as _;
        let engine = base64::engine::general_purpose::URL_SAFE_NO_PAD;
        let mut claims: Value = serde_json::from_slice(&engine.decode(parts[1]).unwrap()).unwrap();
        claims["sub"] = json!("adam-admin");
        engine.encode(claims.to_string())
    };
    let tampered = format!("{}.{}.{}", parts[0], tampered_payload, parts[2]);
    assert_rejected(&app.post_as(Some(&tampered), VIEWER, json!({})).await, "signature");

    let garbage = app.post_as(Some("not-a-token"), VIEWER, json!({})).await;
    assert_rejected(&garbage, "not active");
    let (status, body) = app.post_with_headers(VIEWER, json!({}), &[("Authorization", "Basic YWxpY2U6cHc=")]).await;
    assert_rejected(&(status, body), "Bearer");

    // Tokens of the `short-lived` client expire after two seconds; the API allows no clock skew here.
    let short_jwt = peer.client_token("short-lived", AUDIENCE).await;
    let short_opaque = peer.client_token("short-lived", OPAQUE_RESOURCE).await;
    let (status, _) = app.post_as(Some(&short_opaque), VIEWER, json!({})).await;
    assert_eq!(status, 200, "the opaque token works while it lives");
    tokio::time::sleep(std::time::Duration::from_millis(3_100)).await;
    assert_rejected(&app.post_as(Some(&short_jwt), VIEWER, json!({})).await, "expired");
    assert_rejected(&app.post_as(Some(&short_opaque), VIEWER, json!({})).await, "not active");

    // A public query with an invalid token is still rejected, not served as anonymous.
    let response = app.post_as(Some(&tampered), "{ countries { totalCount } }", json!({})).await;
    assert_rejected(&response, "signature");
    peer.stop().await;
}

async fn rotated_keys_are_fetched_and_outages_reported(backend: Backend) {
    let peer = OidcPeer::start().await;
    let Some(app) = start(backend, &peer).await else { return };
    People::create(&app).await;
    let before = peer.user_token("alice", AUDIENCE).await;
    assert_eq!(app.post_as(Some(&before), VIEWER, json!({})).await.0, 200);

    // A restart generates a new signing key; the API reads the key set again for its kid.
    let port = peer.port();
    peer.stop().await;
    let peer = OidcPeer::start_on(port).await;
    let after = peer.user_token("alice", AUDIENCE).await;
    let (status, body) = app.post_as(Some(&after), VIEWER, json!({})).await;
    assert_eq!(status, 200, "{body:#}");
    assert_eq!(body["data"]["viewer"]["displayName"], "Alice Member");
    assert_rejected(&app.post_as(Some(&before), VIEWER, json!({})).await, "not among the issuer's published keys");

    // With the provider down, signed tokens with known keys still work, and opaque ones get a 503.
    let opaque = peer.user_token("alice", OPAQUE_RESOURCE).await;
    peer.stop().await;
    assert_eq!(app.post_as(Some(&after), VIEWER, json!({})).await.0, 200, "cached keys verify JWTs offline");
    let (status, body) = app.post_as(Some(&opaque), VIEWER, json!({})).await;
    assert_eq!(status, 503, "{body:#}");
    assert_eq!(body["errors"][0]["extensions"]["code"], "SERVICE_UNAVAILABLE");
}

macro_rules! on_both_backends {
    ($name:ident, $body:ident) => {
        mod $name {
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                super::$body(integration_tests::Backend::Sqlite).await;
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                super::$body(integration_tests::Backend::Postgres).await;
            }
        }
    };
}

on_both_backends!(provider_tokens, provider_tokens_act_as_their_members);
on_both_backends!(bad_tokens, bad_tokens_are_rejected_never_downgraded);
on_both_backends!(key_rotation, rotated_keys_are_fetched_and_outages_reported);
