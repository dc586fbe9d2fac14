//! Replies: every message id in both languages, headlines, warnings, lengths, languages.

use super::super::reply::{EN_FTL, HI_FTL, MAX_REPLY_CHARS, has_message};
use super::super::{Input, Language, Notice, Verdict, language_command, render_notice};
use super::{ANALYZER, NOW, text};

/// The message ids defined in a Fluent file.
fn ids(ftl: &str) -> Vec<&str> {
    ftl.lines()
        .filter(|l| !l.starts_with('#') && !l.starts_with(' '))
        .filter_map(|l| l.split_once(" = ").map(|(id, _)| id.trim()))
        .collect()
}

#[test]
fn both_locales_parse_and_define_the_same_messages() {
    for ftl in [EN_FTL, HI_FTL] {
        assert!(fluent_bundle::FluentResource::try_new(ftl.to_string()).is_ok());
    }
    let (en, hi) = (ids(EN_FTL), ids(HI_FTL));
    assert!(en.len() > 40);
    for id in &en {
        assert!(has_message(Language::Hi, id), "{id} missing in hi.ftl");
    }
    for id in &hi {
        assert!(has_message(Language::En, id), "{id} missing in en.ftl");
    }
}

/// One typical message per verdict, in English and in Hindi.
const TYPICAL: &[(&str, Verdict)] = &[
    ("+91 70000 00001", Verdict::Genuine),
    (
        "I am Arvind Mehta, in a meeting, send 5 Amazon gift cards. +94 71 234 5678",
        Verdict::Impersonation,
    ),
    (
        "I am Arvind Mehta, send Apple codes. 7000000002",
        Verdict::Mismatch,
    ),
    ("Mohan Das here, 7000000005", Verdict::Revoked),
    ("save this number 98123 45678", Verdict::Reported),
    ("who is this 9876543210", Verdict::Unregistered),
    (
        "I am in a meeting, can't talk. Get me 10 Apple codes on Amazon.",
        Verdict::NoNumber,
    ),
    (
        "मैं अरविंद मेहता, मीटिंग में हूँ, गिफ्ट कार्ड भेजो +94 71 234 5678",
        Verdict::Impersonation,
    ),
    ("मीटिंग में हूँ, कॉल नहीं कर सकता, पैसे भेज दो", Verdict::NoNumber),
];

#[test]
fn every_verdict_renders_a_short_reply_in_both_languages() {
    for (t, want) in TYPICAL {
        for language in [Language::En, Language::Hi] {
            let a = ANALYZER.analyze(
                &Input {
                    text: t,
                    language: Some(language),
                    ..Input::default()
                },
                NOW,
            );
            assert_eq!(a.verdict, *want, "{t}");
            let chars = a.reply.chars().count();
            assert!(
                chars < 1_000,
                "{t} ({language:?}): {chars} chars\n{}",
                a.reply
            );
            let first = a.reply.lines().next().unwrap_or_default();
            assert!(first.contains(want.headline()), "{first}");
            assert!(
                !first.starts_with(|c: char| c.is_alphanumeric()),
                "emoji first: {first}"
            );
        }
    }
}

#[test]
fn every_reply_but_genuine_carries_the_gift_code_warning() {
    for (t, want) in TYPICAL {
        let a = text(t);
        let warns = a.reply.contains("1930") && a.reply.contains("cybercrime.gov.in");
        assert_eq!(warns, *want != Verdict::Genuine, "{t}\n{}", a.reply);
        assert!(a.reply.contains("🛡️"), "{t}: the reminder or the warning");
    }
}

#[test]
fn a_foreign_number_shows_its_country_and_a_fake_shows_the_real_masked_number() {
    let en = text("I am Arvind Mehta. +94 71 234 5678");
    assert!(en.reply.contains("+94712345678"), "{}", en.reply);
    assert!(en.reply.contains("Sri Lanka"));
    assert!(en.reply.contains("+91•••••0001"));
    assert!(
        !en.reply.contains("+917000000001"),
        "the real number is masked"
    );
    let hi = text("मैं अरविंद मेहता हूँ +94 71 234 5678");
    assert_eq!(hi.language, Language::Hi);
    assert!(hi.reply.contains("श्रीलंका"), "{}", hi.reply);
    assert!(hi.reply.starts_with("🚫 FAKE"));
}

#[test]
fn the_reply_language_follows_the_script_unless_the_staff_member_chose() {
    assert_eq!(text("who is this 9876543210").language, Language::En);
    assert_eq!(text("यह कौन है 9876543210").language, Language::Hi);
    let chosen = ANALYZER.analyze(
        &Input {
            text: "who is this 9876543210",
            language: Some(Language::Hi),
            ..Input::default()
        },
        NOW,
    );
    assert_eq!(chosen.language, Language::Hi);
    assert!(chosen.reply.contains("UNVERIFIED"));
}

#[test]
fn language_words_switch_the_language_and_other_text_does_not() {
    let cases: &[(&str, Option<Language>)] = &[
        ("hindi", Some(Language::Hi)),
        ("Hindi please", Some(Language::Hi)),
        ("हिंदी", Some(Language::Hi)),
        ("हिन्दी में", Some(Language::Hi)),
        ("English", Some(Language::En)),
        ("english please!", Some(Language::En)),
        ("इंग्लिश", Some(Language::En)),
        ("hindi mein gift card bhejo", None),
        ("hi", None),
        ("", None),
    ];
    for (t, want) in cases {
        assert_eq!(language_command(t), *want, "{t}");
    }
}

#[test]
fn notices_exist_in_both_languages() {
    for kind in [Notice::LanguageSwitched, Notice::SlowDown, Notice::Help] {
        let en = render_notice(kind, Language::En);
        let hi = render_notice(kind, Language::Hi);
        assert!(!en.starts_with("notice-") && !hi.starts_with("notice-"));
        assert_ne!(en, hi);
        assert!(en.chars().count() < 400 && hi.chars().count() < 400);
    }
    assert!(render_notice(Notice::LanguageSwitched, Language::Hi).contains("हिंदी"));
}

#[test]
fn a_flood_of_numbers_and_names_stays_within_whatsapps_limit() {
    let mut t = String::from(
        "I am Arvind Mehta, Sunita Verma, Raj Kumar, Rakesh Sharma, commissioner, gift cards, UPI, OTP bhejo, kisi ko mat batana, http://bit.ly/x ",
    );
    for i in 0..40 {
        t.push_str(&format!("+94 71 234 56{i:02} "));
    }
    for language in [Language::En, Language::Hi] {
        let a = ANALYZER.analyze(
            &Input {
                text: &t,
                language: Some(language),
                ..Input::default()
            },
            NOW,
        );
        assert_eq!(a.numbers.len(), 5);
        assert!(a.reply.chars().count() <= MAX_REPLY_CHARS);
        assert!(a.reply.chars().count() < 2_000, "{}", a.reply);
    }
}

#[test]
fn the_need_number_reply_names_the_configured_window() {
    let analyzer = super::super::Analyzer::new(
        std::sync::Arc::new(super::registry()),
        crate::phone::Region::INDIA,
    )
    .with_window(std::time::Duration::from_secs(5 * 60));
    let a = analyzer.analyze(&Input::text("send apple gift cards"), NOW);
    assert!(a.reply.contains("within 5 minutes"), "{}", a.reply);
    assert!(
        text("send apple gift cards")
            .reply
            .contains("within 10 minutes")
    );
}

#[test]
fn a_reply_cut_to_whatsapps_limit_still_ends_with_the_gift_code_warning() {
    // Officials with the longest names, titles and offices the registry accepts (200 chars),
    // five of their numbers in one message and a claim to be a sixth: the longest reply there is.
    let long = |k: usize, what: &str| {
        format!("{what}{k} {}", "Lambodar ".repeat(21))
            .trim()
            .to_string()
    };
    let officials: Vec<_> = (1..=6)
        .map(|k| {
            super::official(
                &format!("off_long{k}"),
                &long(k, "Naam"),
                &[],
                &long(k, "Pad"),
                &[],
                &long(k, "Karyalay"),
                &format!("+91982605432{k}"),
            )
        })
        .collect();
    let analyzer = super::super::Analyzer::new(
        std::sync::Arc::new(crate::registry::RegistryIndex::new(
            1,
            officials,
            Default::default(),
        )),
        crate::phone::Region::INDIA,
    );
    let mut t = format!("I am {}. ", long(6, "Naam"));
    for k in 1..=5 {
        t.push_str(&format!("\n+91 98260 5432{k}"));
    }
    for language in [Language::En, Language::Hi] {
        let a = analyzer.analyze(
            &Input {
                text: &t,
                language: Some(language),
                ..Input::default()
            },
            NOW,
        );
        assert_eq!(a.numbers.len(), 5, "{t}\n{}", a.reply);
        let warning = super::super::reply::text(language, "warning", None);
        assert!(a.reply.chars().count() <= MAX_REPLY_CHARS);
        assert!(a.reply.ends_with(&warning), "{language:?}: {}", a.reply);
    }
}
