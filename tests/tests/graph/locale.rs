//! Locale negotiation, explicit locale arguments and fallback, on every path through the graph.

use integration_tests::{TestApp, on_both};
use serde_json::json;

async fn accept_language_chooses_the_locale_everywhere(app: &TestApp) {
    let query = r#"{ requestLocale country(code: "USA") { name { text locale isFallback } }
        course(code: "REDPPOL-OS") { offerings(first: 1) { nodes { country { name { text } } } } } }"#;
    for (header, locale, usa) in [
        ("es-CO,es;q=0.9", "ES", "Estados Unidos"),
        ("fr", "FR", "États-Unis"),
        ("pt-BR", "PT", "Estados Unidos"),
        ("de", "EN", "United States"),
    ] {
        let response = app.post_with_language(query, json!({}), Some(header)).await;
        let data = &response["data"];
        assert_eq!(data["requestLocale"], locale, "{header}");
        assert_eq!(data["country"]["name"], json!({ "text": usa, "locale": locale, "isFallback": false }), "{header}");
        let nested = &data["course"]["offerings"]["nodes"][0]["country"]["name"]["text"];
        assert!(nested.is_string(), "nested country name resolves");
    }
    let response = app.post_with_language(r#"{ country(code: "DOM") { name { text } } }"#, json!({}), Some("fr")).await;
    assert_eq!(response["data"]["country"]["name"]["text"], "République dominicaine");

    let raw = app
        .client()
        .post(app.url())
        .header("Accept-Language", "es")
        .json(&json!({ "query": "{ requestLocale }" }))
        .send()
        .await
        .unwrap();
    assert_eq!(raw.headers().get("content-language").and_then(|v| v.to_str().ok()), Some("es"));
}
on_both!(accept_language, accept_language_chooses_the_locale_everywhere);

async fn node_uses_the_request_locale(app: &TestApp) {
    let id = app.data(r#"{ country(code: "USA") { id } }"#, json!({})).await["country"]["id"].clone();
    let response = app
        .post_with_language(
            "query($id: ID!) { node(id: $id) { ... on Country { name { text } } } }",
            json!({ "id": id }),
            Some("es"),
        )
        .await;
    assert_eq!(response["data"]["node"]["name"]["text"], "Estados Unidos");
}
on_both!(node_locale, node_uses_the_request_locale);

async fn missing_translations_fall_back_unless_switched_off(app: &TestApp) {
    let query = r#"{ course(code: "REDPPOL-ISO-REQ") {
        asked: title { text locale isFallback requestedLocale }
        strict: title(fallback: false) { text locale isFallback }
        explicit: title(locale: EN) { text locale }
        all: title { translations { locale } } } }"#;
    let response = app.post_with_language(query, json!({}), Some("fr")).await;
    let course = &response["data"]["course"];
    assert_eq!(course["asked"]["locale"], "EN");
    assert_eq!(course["asked"]["isFallback"], true);
    assert_eq!(course["asked"]["requestedLocale"], "FR");
    assert!(course["asked"]["text"].as_str().unwrap().starts_with("Quality Management System"));
    assert_eq!(course["strict"], json!({ "text": null, "locale": null, "isFallback": false }));
    assert_eq!(course["explicit"]["locale"], "EN");
    assert_eq!(course["all"]["translations"], json!([{ "locale": "EN" }]));

    let response = app
        .post_with_language(
            r#"{ course(code: "REDPPOL-OS") { title(locale: PT) { text locale } } }"#,
            json!({}),
            Some("es"),
        )
        .await;
    assert_eq!(
        response["data"]["course"]["title"],
        json!({ "text": "Curso Presencial de Capacitação Policial da REDPPOL", "locale": "PT" })
    );
}
on_both!(fallback, missing_translations_fall_back_unless_switched_off);

async fn official_names_keep_their_spelling(app: &TestApp) {
    let response = app
        .post_with_language(
            r#"{ policeInstitution(slug: "inst-pnh-hti") { officialName name { text } } }"#,
            json!({}),
            Some("en"),
        )
        .await;
    assert_eq!(response["data"]["policeInstitution"]["officialName"], "Police Nationale d'Haïti");
}
on_both!(official_names, official_names_keep_their_spelling);
