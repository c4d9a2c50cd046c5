//! Text folding for search: case- and accent-insensitive in English, Spanish, Portuguese
//! and French, computed the same way in Rust for stored text and for queries, so both
//! databases match identically without collation or extension support.

use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

/// Folds text to lower case without diacritics: `Policía` and `POLICIA` both become `policia`,
/// `Segurança` becomes `seguranca`. Whitespace runs collapse to one space.
pub fn fold(text: &str) -> String {
    let mut folded = String::with_capacity(text.len());
    let mut last_was_space = true;
    for ch in text.nfd().filter(|c| !is_combining_mark(*c)).flat_map(char::to_lowercase) {
        let ch = match ch {
            'ß' => 's',
            'æ' => 'a',
            'œ' => 'o',
            'ø' => 'o',
            c => c,
        };
        if ch.is_whitespace() {
            if !last_was_space {
                folded.push(' ');
            }
            last_was_space = true;
        } else {
            folded.push(ch);
            last_was_space = false;
        }
    }
    if folded.ends_with(' ') {
        folded.pop();
    }
    folded
}

/// Escapes `%`, `_` and the escape character itself for a SQL `LIKE … ESCAPE '\'` pattern.
pub fn like_escape(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for ch in text.chars() {
        if matches!(ch, '%' | '_' | '\\') {
            escaped.push('\\');
        }
        escaped.push(ch);
    }
    escaped
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fold_removes_accents_and_case() {
        assert_eq!(fold("Policía Nacional"), "policia nacional");
        assert_eq!(fold("Segurança"), "seguranca");
        assert_eq!(fold("Haïti  Façon"), "haiti facon");
        assert_eq!(fold("ÉLÈVE"), "eleve");
        assert_eq!(fold("Año"), "ano");
    }

    #[test]
    fn like_escape_escapes_wildcards() {
        assert_eq!(like_escape("50%_a\\b"), "50\\%\\_a\\\\b");
    }
}
