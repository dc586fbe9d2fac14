//! Any message, with any earlier text waiting for its number, through the whole analysis
//! against the sample registry: one verdict whose headline opens the reply, never a panic.
#![no_main]

use std::sync::LazyLock;

use asli::verify::{Analyzer, Input, Language, Pending};
use libfuzzer_sys::fuzz_target;
use time::OffsetDateTime;

#[path = "../../tests/properties/sample.rs"]
mod sample;

static ANALYZER: LazyLock<Analyzer> = LazyLock::new(sample::sample_analyzer);

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
    if let Some(broken) = sample::broken_invariant(&analysis) {
        panic!("{broken}");
    }
});
