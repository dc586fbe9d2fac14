//! Any message, with any earlier text waiting for its number, through the whole analysis
//! against the sample registry: one verdict whose headline opens the reply, never a panic.
#![no_main]

use std::sync::LazyLock;

use asli::verify::{Analyzer, Input, Language, MAX_PENDING_CHARS, Pending};
use libfuzzer_sys::fuzz_target;
use time::OffsetDateTime;

#[path = "../../tests/properties/registry.rs"]
mod registry;

static ANALYZER: LazyLock<Analyzer> = LazyLock::new(registry::sample_analyzer);

const HEADLINES: &[&str] = &[
    "GENUINE",
    "FAKE",
    "RETIRED",
    "REPORTED",
    "LIKELY SCAM",
    "UNVERIFIED",
    "NEED NUMBER",
];

fuzz_target!(|data: &str| {
    // `earlier␞now`: the text before a record separator waits for its number.
    let (earlier, text) = data.split_once('\u{1e}').unwrap_or(("", data));
    let now = OffsetDateTime::UNIX_EPOCH;
    let pending = (!earlier.is_empty()).then(|| Pending {
        text: earlier.to_string(),
        signals: Vec::new(),
        claimed: Vec::new(),
        language: Language::En,
        at: now,
    });
    let input = Input {
        text,
        pending: pending.as_ref(),
        ..Input::default()
    };
    let analysis = ANALYZER.analyze(&input, now);
    let first = analysis.reply.lines().next().unwrap_or_default();
    assert!(HEADLINES.iter().any(|h| first.contains(h)), "{first:?}");
    if let Some(p) = analysis.pending {
        assert!(p.text.chars().count() <= MAX_PENDING_CHARS);
    }
});
