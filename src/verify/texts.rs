//! Texts in English and Hindi, from Project Fluent files compiled into the binary: the bot's
//! replies (`locales/en.ftl`, `locales/hi.ftl`) and the admin console's pages
//! (`locales/ui.en.ftl`, `locales/ui.hi.ftl`) both look their words up through [`Texts`].

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource};
use unic_langid::langid;

use super::Language;

/// One set of texts in both languages.
pub struct Texts {
    en: FluentBundle<FluentResource>,
    hi: FluentBundle<FluentResource>,
}

impl Texts {
    /// The texts of an English and a Hindi Fluent file.
    pub fn new(en: &str, hi: &str) -> Texts {
        Texts {
            en: bundle(en, langid!("en")),
            hi: bundle(hi, langid!("hi")),
        }
    }

    /// The text of message `id` in `language` (English when missing there, the id when missing
    /// everywhere, so a text is never empty).
    pub fn text(&self, language: Language, id: &str, args: Option<&FluentArgs<'_>>) -> String {
        let order = match language {
            Language::Hi => [&self.hi, &self.en],
            Language::En => [&self.en, &self.en],
        };
        for b in order {
            if let Some(pattern) = b.get_message(id).and_then(|m| m.value()) {
                let mut errors = Vec::new();
                return b.format_pattern(pattern, args, &mut errors).into_owned();
            }
        }
        id.to_string()
    }

    /// Whether message `id` exists in `language`'s file.
    pub fn has(&self, language: Language, id: &str) -> bool {
        match language {
            Language::En => self.en.has_message(id),
            Language::Hi => self.hi.has_message(id),
        }
    }
}

fn bundle(source: &str, lang: unic_langid::LanguageIdentifier) -> FluentBundle<FluentResource> {
    // The files are part of the binary; a syntax error would lose only the broken entries, and
    // the unit tests refuse any.
    let resource = FluentResource::try_new(source.to_string()).unwrap_or_else(|(res, _)| res);
    let mut bundle = FluentBundle::new_concurrent(vec![lang]);
    // Unicode isolation marks around arguments show up as boxes on some phones (and would end
    // up inside the console's form values).
    bundle.set_use_isolating(false);
    let _ = bundle.add_resource(resource);
    bundle
}
