//! The console's words, in English and Hindi, from `locales/ui.en.ftl` and `locales/ui.hi.ftl`
//! (compiled into the binary, like the bot's replies).
//!
//! The language is the clerk's choice, kept in the [`LANG_COOKIE`] cookie; before any choice
//! the browser's `Accept-Language` decides (Hindi when it prefers Hindi, else English).

use std::sync::LazyLock;

use actix_web::HttpRequest;
use actix_web::http::header::ACCEPT_LANGUAGE;
use fluent_bundle::{FluentArgs, FluentValue};

pub use crate::verify::Language;
use crate::verify::texts::Texts;

/// The console's English texts.
pub const UI_EN_FTL: &str = include_str!("../../locales/ui.en.ftl");
/// The console's Hindi texts.
pub const UI_HI_FTL: &str = include_str!("../../locales/ui.hi.ftl");
/// The cookie that remembers the clerk's language (`en` or `hi`).
pub const LANG_COOKIE: &str = "asli_lang";

static TEXTS: LazyLock<Texts> = LazyLock::new(|| Texts::new(UI_EN_FTL, UI_HI_FTL));

/// The text of `id` in `lang` (English when Hindi lacks it, the id itself when both do, so a
/// page never shows an empty label).
pub fn t(lang: Language, id: &str) -> String {
    TEXTS.text(lang, id, None)
}

/// The text of `id` when a console file has it (for ids made from data: verdict and signal
/// codes a newer engine may add).
pub fn t_opt(lang: Language, id: &str) -> Option<String> {
    let known = TEXTS.has(Language::En, id) || TEXTS.has(Language::Hi, id);
    known.then(|| t(lang, id))
}

/// The text of `id` with arguments, e.g. `ta(lang, "officials-shown", &[("count", 3.into())])`.
pub fn ta(lang: Language, id: &str, args: &[(&str, FluentValue<'_>)]) -> String {
    let mut fa = FluentArgs::new();
    for (k, v) in args {
        fa.set(*k, v.clone());
    }
    TEXTS.text(lang, id, Some(&fa))
}

/// The language of the console for `req`: the cookie, else the browser's preference.
pub fn lang_of(req: &HttpRequest) -> Language {
    if let Some(lang) = req.cookie(LANG_COOKIE).and_then(|c| parse(c.value())) {
        return lang;
    }
    let accept = req
        .headers()
        .get(ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    from_accept_language(accept)
}

/// `en` or `hi`.
pub fn parse(code: &str) -> Option<Language> {
    match code {
        "en" => Some(Language::En),
        "hi" => Some(Language::Hi),
        _ => None,
    }
}

/// The first of Hindi or English that `Accept-Language` names, by its order (weights are
/// rarely anything but descending); English when neither.
fn from_accept_language(header: &str) -> Language {
    header
        .split(',')
        .filter_map(|part| {
            let tag = part.split(';').next()?.trim().to_ascii_lowercase();
            parse(tag.split('-').next().unwrap_or(""))
        })
        .next()
        .unwrap_or(Language::En)
}

/// The other language, for the switch link.
pub fn other(lang: Language) -> Language {
    match lang {
        Language::En => Language::Hi,
        Language::Hi => Language::En,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use fluent_bundle::FluentResource;

    /// Message ids of a Fluent file: lines `id = ...` at the start of a line.
    fn ids(source: &str) -> Vec<&str> {
        assert!(
            FluentResource::try_new(source.to_string()).is_ok(),
            "a console Fluent file has syntax errors"
        );
        source
            .lines()
            .filter_map(|l| l.split_once(" ="))
            .map(|(id, _)| id)
            .filter(|id| id.starts_with(|c: char| c.is_ascii_lowercase()))
            .filter(|id| id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'))
            .collect()
    }

    #[test]
    fn both_languages_have_every_text_and_no_syntax_errors() {
        let en = ids(UI_EN_FTL);
        let hi = ids(UI_HI_FTL);
        let missing_in_hi: Vec<_> = en.iter().filter(|id| !hi.contains(id)).collect();
        let missing_in_en: Vec<_> = hi.iter().filter(|id| !en.contains(id)).collect();
        assert!(
            missing_in_hi.is_empty(),
            "not in ui.hi.ftl: {missing_in_hi:?}"
        );
        assert!(
            missing_in_en.is_empty(),
            "not in ui.en.ftl: {missing_in_en:?}"
        );
    }

    #[test]
    fn the_hindi_texts_are_in_devanagari() {
        let title = t(Language::Hi, "nav-officials");
        assert!(
            title
                .chars()
                .any(|c| ('\u{0900}'..='\u{097F}').contains(&c)),
            "{title}"
        );
    }

    #[test]
    fn the_browser_preference_picks_hindi_only_when_it_comes_first() {
        assert_eq!(
            from_accept_language("hi-IN,hi;q=0.9,en;q=0.8"),
            Language::Hi
        );
        assert_eq!(from_accept_language("en-GB,hi;q=0.5"), Language::En);
        assert_eq!(from_accept_language("fr,de"), Language::En);
        assert_eq!(from_accept_language(""), Language::En);
        assert_eq!(from_accept_language("mr, hi;q=0.8"), Language::Hi);
    }

    #[test]
    fn a_missing_text_shows_its_id_rather_than_nothing() {
        assert_eq!(t(Language::Hi, "no-such-text"), "no-such-text");
    }
}
