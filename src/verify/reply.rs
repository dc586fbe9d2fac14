//! Replies, composed from the Fluent files in `locales/` (compiled into the binary).
//!
//! A reply reads top to bottom in two seconds: the headline (emoji + English code word), the
//! number(s), who it belongs to or pretends to be, the warning signs, what to do, and the
//! gift-code warning (a one-line reminder for `genuine`). It stays well under WhatsApp's 4,096
//! character limit: at most five numbers, three claimed officials and one line of signs.

use std::borrow::Cow;
use std::sync::LazyLock;
use std::time::Duration;

use fluent_bundle::{FluentArgs, FluentValue};

use super::claims::MAX_CANDIDATES;
use super::texts::Texts;
use super::{Claim, Language, NumberFinding, Signal, Verdict};

/// The English texts.
pub const EN_FTL: &str = include_str!("../../locales/en.ftl");
/// The Hindi texts.
pub const HI_FTL: &str = include_str!("../../locales/hi.ftl");

/// WhatsApp's hard limit for one text message.
pub const MAX_REPLY_CHARS: usize = 4_096;

/// Replies that are not verdicts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Notice {
    /// Confirms a language switch ("hindi" / "english").
    LanguageSwitched,
    /// The staff member sends faster than the rate limit allows.
    SlowDown,
    /// A greeting or a message with nothing to check ("hi").
    Help,
}

static TEXTS: LazyLock<Texts> = LazyLock::new(|| Texts::new(EN_FTL, HI_FTL));

/// The text of message `id` in `language` (English when missing there, the id when missing
/// everywhere, so a reply is never empty).
pub(crate) fn text(language: Language, id: &str, args: Option<&FluentArgs<'_>>) -> String {
    TEXTS.text(language, id, args)
}

/// Whether message `id` exists in `language`'s file.
pub fn has_message(language: Language, id: &str) -> bool {
    TEXTS.has(language, id)
}

/// A reply that is not a verdict.
pub fn render_notice(kind: Notice, language: Language) -> String {
    let id = match kind {
        Notice::LanguageSwitched => "notice-language",
        Notice::SlowDown => "notice-slow-down",
        Notice::Help => "notice-help",
    };
    text(language, id, None)
}

fn args<'a>(pairs: &[(&'a str, Cow<'a, str>)]) -> FluentArgs<'a> {
    let mut a = FluentArgs::new();
    for (k, v) in pairs {
        a.set(*k, FluentValue::from(v.clone()));
    }
    a
}

/// The country's name in `language`, else its ISO code.
fn country_name(language: Language, code: &str) -> String {
    let id = format!("country-{code}");
    if has_message(language, &id) || has_message(Language::En, &id) {
        text(language, &id, None)
    } else {
        code.to_string()
    }
}

/// The complete reply for a verdict.
pub(crate) fn render_verdict(
    verdict: Verdict,
    numbers: &[NumberFinding],
    claimed: &[Claim],
    signals: &[Signal],
    language: Language,
    window: Duration,
) -> String {
    let mut lines: Vec<String> = vec![text(
        language,
        &format!("headline-{}", verdict.code()),
        None,
    )];
    for n in numbers {
        let country = n.country.as_deref().unwrap_or("?");
        let mut line = if n.foreign {
            text(
                language,
                "number-line-foreign",
                Some(&args(&[
                    ("number", n.number.as_str().into()),
                    ("country", country_name(language, country).into()),
                ])),
            )
        } else {
            text(
                language,
                "number-line",
                Some(&args(&[("number", n.number.as_str().into())])),
            )
        };
        if numbers.len() > 1 {
            line = text(
                language,
                "number-verdict",
                Some(&args(&[
                    ("line", line.into()),
                    ("word", n.verdict.headline().into()),
                ])),
            );
        }
        lines.push(line);
        let owner = n.official.as_ref().map(|o| {
            args(&[
                ("name", o.name.as_str().into()),
                ("designation", o.designation.as_str().into()),
                ("organization", o.organization.as_str().into()),
            ])
        });
        match (n.verdict, owner) {
            (Verdict::Genuine | Verdict::Mismatch, Some(a)) => {
                lines.push(text(language, "belongs-to", Some(&a)))
            }
            (Verdict::Revoked, Some(a)) => lines.push(text(language, "belonged-to", Some(&a))),
            (Verdict::Reported, _) => lines.push(text(language, "reported-line", None)),
            (Verdict::Impersonation | Verdict::Unregistered, None) if numbers.len() == 1 => {
                lines.push(text(language, "not-registered", None))
            }
            _ => {}
        }
    }
    if matches!(
        verdict,
        Verdict::Impersonation | Verdict::Mismatch | Verdict::NoNumber
    ) {
        lines.extend(claim_lines(claimed, language));
    }
    if !signals.is_empty() {
        let id = if verdict == Verdict::NoNumber {
            "signals-seen-line"
        } else {
            "signals-line"
        };
        let words: Vec<String> = signals
            .iter()
            .map(|s| text(language, &format!("signal-{}", s.code.code()), None))
            .collect();
        lines.push(text(
            language,
            id,
            Some(&args(&[("list", words.join("; ").into())])),
        ));
    }
    let advice = match verdict {
        Verdict::Genuine => text(language, "advice-genuine", None),
        Verdict::Impersonation | Verdict::Mismatch => text(language, "advice-fake", None),
        Verdict::Revoked => text(language, "advice-revoked", None),
        Verdict::Reported => text(language, "advice-reported", None),
        Verdict::Unregistered => text(language, "advice-unregistered", None),
        Verdict::NoNumber => text(
            language,
            "ask-number",
            Some(&args(&[(
                "minutes",
                (window.as_secs() / 60).max(1).to_string().into(),
            )])),
        ),
    };
    lines.push(advice);
    let rule = text(
        language,
        if verdict == Verdict::Genuine {
            "reminder"
        } else {
            "warning"
        },
        None,
    );
    // Cut the body, never the closing warning: the contract promises it on every reply.
    let mut reply = lines.join("\n");
    let room = MAX_REPLY_CHARS.saturating_sub(rule.chars().count() + 1);
    if reply.chars().count() > room {
        reply = reply.chars().take(room.saturating_sub(1)).collect();
        reply.push('…');
    }
    reply.push('\n');
    reply.push_str(&rule);
    reply
}

/// Who the message pretends to be: asserted claims only, grouped by the phrase that named them.
fn claim_lines(claimed: &[Claim], language: Language) -> Vec<String> {
    let mut lines = Vec::new();
    let mut done: Vec<&str> = Vec::new();
    for c in claimed.iter().filter(|c| c.asserted) {
        if c.candidates > 1 {
            if done.contains(&c.snippet.as_str()) {
                continue;
            }
            done.push(&c.snippet);
            let names: Vec<String> = claimed
                .iter()
                .filter(|d| d.snippet == c.snippet && d.candidates > 1)
                .take(MAX_CANDIDATES)
                .map(|d| format!("{} ({})", d.official.name, d.official.organization))
                .collect();
            lines.push(text(
                language,
                "could-be",
                Some(&args(&[
                    ("phrase", c.snippet.as_str().into()),
                    ("count", c.candidates.to_string().into()),
                    ("names", names.join(", ").into()),
                ])),
            ));
        } else {
            let mut a = args(&[
                ("name", c.official.name.as_str().into()),
                ("designation", c.official.designation.as_str().into()),
                ("organization", c.official.organization.as_str().into()),
            ]);
            let id = match &c.registered {
                Some(r) => {
                    a.set("registered", FluentValue::from(r.clone()));
                    "pretends"
                }
                None => "pretends-unlisted",
            };
            lines.push(text(language, id, Some(&a)));
        }
        if lines.len() >= MAX_CANDIDATES {
            break;
        }
    }
    lines
}
