//! The whole analysis (`Analyzer::analyze`) of any message: one verdict, one reply.

use std::sync::LazyLock;

use asli::verify::{Analyzer, ContactCard, Input, Language, Pending};
use proptest::prelude::*;
use time::OffsetDateTime;
use time::macros::datetime;

use crate::inputs::hostile_text;
use crate::sample::{broken_invariant, sample_analyzer};

static ANALYZER: LazyLock<Analyzer> = LazyLock::new(sample_analyzer);

const NOW: OffsetDateTime = datetime!(2026-11-28 12:00 UTC);

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
        prop_assert_eq!(broken_invariant(&analysis), None);
    }
}
