//! The whole analysis (`Analyzer::analyze`) of any message: one verdict, one reply.

use std::sync::LazyLock;

use asli::verify::numbers::MAX_NUMBERS;
use asli::verify::{Analyzer, ContactCard, Input, Language, MAX_PENDING_CHARS, Pending};
use proptest::prelude::*;
use time::OffsetDateTime;
use time::macros::datetime;

use crate::inputs::hostile_text;
use crate::registry::sample_analyzer;

static ANALYZER: LazyLock<Analyzer> = LazyLock::new(sample_analyzer);

const NOW: OffsetDateTime = datetime!(2026-11-28 12:00 UTC);

/// The headline words of the contract (§3): every reply's first line carries one.
const HEADLINES: &[&str] = &[
    "GENUINE",
    "FAKE",
    "RETIRED",
    "REPORTED",
    "LIKELY SCAM",
    "UNVERIFIED",
    "NEED NUMBER",
];

fn card() -> impl Strategy<Value = ContactCard> {
    (
        prop::option::of(hostile_text()),
        prop::option::of(hostile_text()),
        prop::option::of(hostile_text()),
        prop::collection::vec(
            (
                prop::option::of(hostile_text()),
                prop::option::of("[0-9]{8,14}"),
            )
                .prop_map(|(phone, wa_id)| asli::verify::CardPhone { phone, wa_id }),
            0..3,
        ),
    )
        .prop_map(|(name, organization, title, phones)| ContactCard {
            name,
            organization,
            title,
            phones,
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn any_message_gets_one_verdict_and_a_reply_without_a_panic(
        text in hostile_text(),
        cards in prop::collection::vec(card(), 0..2),
        language in prop::option::of(prop_oneof![Just(Language::En), Just(Language::Hi)]),
        staff_organization in prop::option::of(hostile_text()),
        earlier in prop::option::of(hostile_text()),
        forwarded in any::<bool>(),
    ) {
        let pending = earlier.map(|text| Pending {
            text,
            signals: Vec::new(),
            claimed: Vec::new(),
            language: Language::En,
            at: NOW,
        });
        let input = Input {
            text: &text,
            cards: &cards,
            forwarded,
            language,
            staff_organization: staff_organization.as_deref(),
            pending: pending.as_ref(),
        };
        let analysis = ANALYZER.analyze(&input, NOW);
        let first_line = analysis.reply.lines().next().unwrap_or_default();
        prop_assert!(
            HEADLINES.iter().any(|h| first_line.contains(h)),
            "no headline in {:?}", first_line
        );
        prop_assert!(analysis.numbers.len() <= MAX_NUMBERS);
        if let Some(p) = &analysis.pending {
            prop_assert!(p.text.chars().count() <= MAX_PENDING_CHARS);
        }
    }
}
