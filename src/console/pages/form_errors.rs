//! Problems of a posted form, placed next to the controls they are about and listed at the top
//! (each a link to its control), in the clerk's language.

use std::collections::BTreeMap;

use maud::{Markup, html};

use crate::console::i18n::{Language, t, ta};

/// Problems per form control, in the clerk's language.
#[derive(Debug, Default)]
pub struct FormErrors {
    by_control: BTreeMap<String, Vec<String>>,
}

impl FormErrors {
    /// The problems of `control` (in the clerk's language).
    pub fn of(&self, control: &str) -> &[String] {
        self.by_control.get(control).map_or(&[], Vec::as_slice)
    }

    /// No problems at all.
    pub fn is_empty(&self) -> bool {
        self.by_control.is_empty()
    }

    pub(super) fn add(&mut self, control: &str, text: String) {
        self.by_control
            .entry(control.to_string())
            .or_default()
            .push(text);
    }

    pub(super) fn add_line(
        &mut self,
        control: &str,
        line: Option<usize>,
        lang: Language,
        text: String,
    ) {
        let text = match line {
            Some(n) => format!("{} {text}", ta(lang, "problem-line", &[("n", n.into())])),
            None => text,
        };
        self.add(control, text);
    }

    pub(super) fn invalid(&self, control: &str) -> Option<&'static str> {
        self.by_control.contains_key(control).then_some("true")
    }

    pub(super) fn described_by(&self, control: &str) -> Option<String> {
        self.by_control
            .contains_key(control)
            .then(|| format!("{control}-error"))
    }

    /// `aria-describedby` of a control with a hint: the hint, then its problems if any.
    pub(super) fn described_with(&self, control: &str, hint: &str) -> String {
        match self.described_by(control) {
            Some(err) => format!("{hint} {err}"),
            None => hint.to_string(),
        }
    }

    /// The problems of one control, right under it.
    pub(super) fn messages(&self, control: &str) -> Markup {
        html! {
            @if let Some(list) = self.by_control.get(control) {
                p.field-error id={ (control) "-error" } {
                    @for (i, m) in list.iter().enumerate() {
                        @if i > 0 { br; }
                        (m)
                    }
                }
            }
        }
    }

    /// All problems at the top, each a link to its field; focused when the page opens.
    pub fn summary(&self, lang: Language) -> Markup {
        html! {
            @if !self.is_empty() {
                div.notice.error role="alert" tabindex="-1" data-focus-on-load {
                    p { strong { (t(lang, "form-has-problems")) } }
                    ul {
                        @for (control, list) in &self.by_control {
                            @for m in list {
                                li {
                                    @if control == "form" { (m) }
                                    @else { a href={ "#" (control) } { (label_of(lang, control)) ": " (m) } }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// The label of a form control, for the list of problems.
fn label_of(lang: Language, control: &str) -> String {
    let row = |prefix: &str| {
        control
            .strip_prefix(prefix)
            .and_then(|n| n.parse::<usize>().ok())
    };
    if let Some(n) = row("phone_number_") {
        ta(lang, "field-phone-number", &[("n", (n + 1).into())])
    } else if let Some(n) = row("phone_label_") {
        ta(lang, "field-phone-label", &[("n", (n + 1).into())])
    } else {
        t(lang, &format!("field-{control}"))
    }
}
