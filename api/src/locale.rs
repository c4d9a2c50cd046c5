//! Content locales, `Accept-Language` negotiation and per-field translation fallback.
//!
//! Texts are stored as JSON maps from locale code to text (`{"en": "...", "es": "..."}`).
//! The request's locale is negotiated once per request and stored in the GraphQL context.
//! Every text field reads it from there, so nested fields and `node` agree on the language.

use async_graphql::{Context, Enum, SimpleObject};
use serde_json::Value;

/// A locale in which the networks publish content.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Locale {
    /// English.
    En,
    /// Spanish.
    Es,
    /// Portuguese.
    Pt,
    /// French.
    Fr,
}

impl Locale {
    /// All content locales, in fallback order after the requested one.
    pub const ALL: [Locale; 4] = [Locale::En, Locale::Es, Locale::Pt, Locale::Fr];

    /// Returns the ISO 639-1 code stored in the database (`en`, `es`, `pt`, `fr`).
    pub fn code(self) -> &'static str {
        match self {
            Locale::En => "en",
            Locale::Es => "es",
            Locale::Pt => "pt",
            Locale::Fr => "fr",
        }
    }

    /// Parses an ISO 639-1 code, ignoring case and any region suffix (`pt-BR` is `pt`).
    pub fn from_code(code: &str) -> Option<Locale> {
        let primary = code.split(['-', '_']).next().unwrap_or_default().to_ascii_lowercase();
        Locale::ALL.into_iter().find(|locale| locale.code() == primary)
    }
}

/// Language settings that apply to a whole request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RequestLocale {
    /// The locale negotiated from `Accept-Language`, English when nothing matched.
    pub locale: Locale,
}

impl RequestLocale {
    /// Negotiates the locale from an `Accept-Language` header value: the supported language
    /// with the highest quality wins, earlier entries win ties, `q=0` excludes, and
    /// unsupported or malformed entries are skipped.
    pub fn from_accept_language(header: Option<&str>) -> RequestLocale {
        let mut best: Option<(Locale, f32)> = None;
        for entry in header.unwrap_or_default().split(',') {
            let mut parts = entry.trim().split(';');
            let tag = parts.next().unwrap_or_default().trim();
            let quality = parts
                .filter_map(|param| param.trim().strip_prefix("q="))
                .find_map(|q| q.trim().parse::<f32>().ok())
                .unwrap_or(1.0);
            let Some(locale) = Locale::from_code(tag) else { continue };
            if quality > 0.0 && best.is_none_or(|(_, q)| quality > q) {
                best = Some((locale, quality));
            }
        }
        RequestLocale { locale: best.map_or(Locale::En, |(locale, _)| locale) }
    }
}

/// Returns the request's locale from the GraphQL context, English when none was set.
pub fn request_locale(ctx: &Context<'_>) -> Locale {
    ctx.data_opt::<RequestLocale>().map_or(Locale::En, |r| r.locale)
}

/// One translation of a text.
#[derive(SimpleObject, Clone, Debug)]
pub struct Translation {
    /// Locale of this translation.
    pub locale: Locale,
    /// The translated text.
    pub text: String,
}

/// A human-readable text in the locale the request asked for, with the locale actually
/// served and every available translation.
#[derive(SimpleObject, Clone, Debug)]
pub struct LocalizedText {
    /// The text in `locale`; null when no translation exists, or when fallback was switched
    /// off and the requested locale is missing.
    pub text: Option<String>,
    /// Locale of `text`; null when `text` is null.
    pub locale: Option<Locale>,
    /// The locale the request asked for (argument, else `Accept-Language`, else English).
    pub requested_locale: Locale,
    /// True when `text` is in another locale than the requested one.
    pub is_fallback: bool,
    /// Every available translation, in the order en, es, pt, fr.
    pub translations: Vec<Translation>,
}

/// Lists the translations stored in a JSON locale map, skipping empty and unknown entries.
pub fn translations(map: &Value) -> Vec<Translation> {
    Locale::ALL
        .into_iter()
        .filter_map(|locale| {
            let text = map.get(locale.code())?.as_str()?.trim();
            (!text.is_empty()).then(|| Translation { locale, text: text.to_owned() })
        })
        .collect()
}

/// Picks the text for `requested`, falling back to English and then to any translation
/// unless `fallback` is false.
pub fn localize(map: &Value, requested: Locale, fallback: bool) -> LocalizedText {
    let translations = translations(map);
    let find = |locale: Locale| translations.iter().find(|t| t.locale == locale);
    let chosen = match find(requested) {
        Some(found) => Some(found),
        None if fallback => find(Locale::En).or_else(|| translations.first()),
        None => None,
    };
    LocalizedText {
        text: chosen.map(|t| t.text.clone()),
        locale: chosen.map(|t| t.locale),
        requested_locale: requested,
        is_fallback: chosen.is_some_and(|t| t.locale != requested),
        translations: translations.clone(),
    }
}

/// Resolves a localized field: the explicit argument wins over the request's locale.
pub fn localized_field(
    ctx: &Context<'_>,
    map: &Value,
    locale: Option<Locale>,
    fallback: Option<bool>,
) -> LocalizedText {
    localize(map, locale.unwrap_or_else(|| request_locale(ctx)), fallback.unwrap_or(true))
}

/// Returns the text in English, else the first available translation, for sort keys and logs.
pub fn default_text(map: &Value) -> String {
    localize(map, Locale::En, true).text.unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn accept_language_picks_highest_quality() {
        let pick = |h: &str| RequestLocale::from_accept_language(Some(h)).locale;
        assert_eq!(pick("es-CO,es;q=0.9,en;q=0.8"), Locale::Es);
        assert_eq!(pick("de-DE, pt-BR;q=0.7, fr;q=0.9"), Locale::Fr);
        assert_eq!(pick("de, it"), Locale::En);
        assert_eq!(pick("fr;q=0, pt"), Locale::Pt);
        assert_eq!(pick(";;;,q=abc"), Locale::En);
        assert_eq!(RequestLocale::from_accept_language(None).locale, Locale::En);
    }

    #[test]
    fn localize_falls_back_to_english_then_any() {
        let map = json!({"en": "Police", "es": "Policía"});
        let text = localize(&map, Locale::Fr, true);
        assert_eq!(text.text.as_deref(), Some("Police"));
        assert!(text.is_fallback);
        let only_pt = json!({"pt": "Polícia"});
        assert_eq!(localize(&only_pt, Locale::Es, true).locale, Some(Locale::Pt));
    }

    #[test]
    fn localize_without_fallback_returns_null() {
        let map = json!({"en": "Police"});
        let text = localize(&map, Locale::Es, false);
        assert_eq!(text.text, None);
        assert!(!text.is_fallback);
        assert_eq!(text.translations.len(), 1);
    }
}
