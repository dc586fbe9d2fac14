//! The verdict table: what the bot answers for typical, tricky and benign messages.

use super::super::{ContactCard, Input, Language, Pending, SignalCode, Verdict};
use super::{ANALYZER, NOW, card};

struct Case {
    what: &'static str,
    text: &'static str,
    cards: Vec<ContactCard>,
    staff_org: Option<&'static str>,
    want: Verdict,
}

fn case(what: &'static str, text: &'static str, want: Verdict) -> Case {
    Case {
        what,
        text,
        cards: Vec::new(),
        staff_org: None,
        want,
    }
}

fn cases() -> Vec<Case> {
    use Verdict::*;
    vec![
        // Registered numbers.
        case("the commissioner's own number", "+91 70000 00001", Genuine),
        case(
            "the own number with the claimed name",
            "Arvind Mehta ji: 7000000001",
            Genuine,
        ),
        case(
            "the own number in Devanagari digits",
            "नंबर ७०००० ००००१ है",
            Genuine,
        ),
        case(
            "the chairperson's number with her title",
            "I am the Chairperson, my number is 07000000002",
            Genuine,
        ),
        case(
            "a genuine officer wanting a file urgently",
            "Please send the budget file urgently. 7000000001",
            Genuine,
        ),
        case(
            "a mayor's number mentioning the commissioner in passing",
            "Meeting with the commissioner at 4 pm. 7000000002",
            Genuine,
        ),
        // Impersonation.
        case(
            "a gift code request from Sri Lanka in the commissioner's name",
            "Hello, I am Arvind Mehta. I am in a meeting right now and can't take calls. Can you get me 5 Amazon gift cards of Rs 10,000 each? +94 71 234 5678",
            Impersonation,
        ),
        case(
            "a foreign number claiming the commissioner without any ask",
            "Commissioner here. +94 71 234 5678",
            Impersonation,
        ),
        case(
            "a foreign number naming the chairperson in Hindi",
            "मैं सुनीता वर्मा, यह मेरा नया नंबर है +84 91 234 56 78",
            Impersonation,
        ),
        case(
            "a domestic unknown number claiming the name",
            "This is Arvind Mehta, my new number 9876543210",
            Impersonation,
        ),
        case(
            "Hinglish with a title and an Indian unknown number",
            "Main nigam ayukt bol raha hoon, urgent hai, kisi ko batana mat. 98765 43210",
            Impersonation,
        ),
        case(
            "Hindi gift card ask with an unknown number",
            "मैं आयुक्त हूँ। मुझे 10,000 रुपये के 5 अमेज़न पे गिफ्ट कार्ड चाहिए, कोड यहीं व्हाट्सएप पर भेज दीजिए। 9876543210",
            Impersonation,
        ),
        case(
            "a 00-prefixed Kenyan number for the commissioner",
            "A. Mehta here. 00254 712 345678",
            Impersonation,
        ),
        // Mismatch.
        case(
            "the chairperson's number claiming to be the commissioner",
            "I am Arvind Mehta, send Apple codes. 7000000002",
            Mismatch,
        ),
        case(
            "Indore's commissioner's number with the Dewas commissioner's name",
            "This is Arvind Mehta. 7000000003",
            Mismatch,
        ),
        // Revoked and reported.
        case(
            "a retired deputy's number",
            "Mohan Das here, 7000000005",
            Revoked,
        ),
        case(
            "a reported scam number",
            "save this number 98123 45678",
            Reported,
        ),
        case(
            "a reported number even with a registered name",
            "I am Arvind Mehta 9812345678",
            Reported,
        ),
        // Unregistered.
        case(
            "an unknown number and nothing else",
            "who is this 9876543210",
            Unregistered,
        ),
        case(
            "an Amazon delivery notice with a courier number",
            "Your Amazon order #408-1234567-1234567 will be delivered today. Courier: 9876543210",
            Unregistered,
        ),
        case(
            "a meeting notice mentioning the commissioner",
            "Meeting at 4 pm in the council hall with the commissioner and all HoDs. Contact 9876543210 for the hall.",
            Unregistered,
        ),
        case(
            "a name that is only part of another word",
            "Rajkumari Sharma will bring the files. 9876543210",
            Unregistered,
        ),
        // No number.
        case(
            "a forwarded gift card ask without number",
            "I am in a meeting, can't talk. Get me 10 Apple codes on Amazon.",
            NoNumber,
        ),
        case(
            "a Hindi probe without number",
            "क्या आप फ्री हैं? मीटिंग में हूँ, कॉल नहीं कर सकता",
            NoNumber,
        ),
        case(
            "an amount that looks like a number",
            "Rs 9876543210 transfer kar do",
            NoNumber,
        ),
        case(
            "a date and an OTP",
            "OTP 482913 on 12-03-2024 at 10.30",
            NoNumber,
        ),
        Case {
            what: "a contact card in the commissioner's name with a foreign number",
            text: "",
            cards: vec![card(
                "Arvind Mehta",
                Some("+94 71 234 5678"),
                Some("94712345678"),
            )],
            staff_org: None,
            want: Impersonation,
        },
        Case {
            what: "a contact card of the commissioner with his own number",
            text: "",
            cards: vec![card(
                "Arvind Mehta",
                Some("070000 00001"),
                Some("917000000001"),
            )],
            staff_org: None,
            want: Genuine,
        },
        Case {
            what: "a card whose wa_id wins over a mistyped phone",
            text: "",
            cards: vec![card("Sunita Verma", Some("12345"), Some("917000000002"))],
            staff_org: None,
            want: Genuine,
        },
        Case {
            what: "a card naming the chairperson with the commissioner's number",
            text: "",
            cards: vec![card("Sunita Verma", Some("+917000000001"), None)],
            staff_org: None,
            want: Mismatch,
        },
        Case {
            what: "a card titled only Commissioner, foreign number, staff of Dewas",
            text: "",
            cards: vec![ContactCard {
                title: Some("Commissioner".to_string()),
                ..card("Sir", None, Some("94712345678"))
            }],
            staff_org: Some("Dewas Municipal Corporation"),
            want: Impersonation,
        },
        Case {
            what: "a bare title from the commissioner's own number, staff of Dewas",
            text: "Commissioner here, please come to my office. 7000000001",
            cards: Vec::new(),
            staff_org: Some("Dewas Municipal Corporation"),
            want: Genuine,
        },
        Case {
            what: "a bare title from another organisation's commissioner is still a commissioner",
            text: "Commissioner here, send the file. 7000000003",
            cards: Vec::new(),
            staff_org: Some("Dewas Municipal Corporation"),
            want: Genuine,
        },
        Case {
            what: "a chairperson title from the commissioner's number",
            text: "Sabhapati here, send the file. 7000000001",
            cards: Vec::new(),
            staff_org: Some("Dewas Municipal Corporation"),
            want: Mismatch,
        },
    ]
}

#[test]
fn every_case_of_the_table_gets_its_verdict() {
    let mut failures = Vec::new();
    for c in cases() {
        let input = Input {
            text: c.text,
            cards: &c.cards,
            staff_organization: c.staff_org,
            ..Input::default()
        };
        let a = ANALYZER.analyze(&input, NOW);
        if a.verdict != c.want {
            failures.push(format!(
                "{}: want {:?}, got {:?} ({:?}; signals {:?}; claims {:?})",
                c.what,
                c.want,
                a.verdict,
                a.reasons,
                a.signals.iter().map(|s| s.code).collect::<Vec<_>>(),
                a.claimed
                    .iter()
                    .map(|c| (&c.official.name, c.asserted))
                    .collect::<Vec<_>>()
            ));
        }
        assert!(a.reply.starts_with(|ch: char| !ch.is_ascii()), "{}", c.what);
        assert!(
            a.reply
                .lines()
                .next()
                .is_some_and(|l| l.contains(a.verdict.headline()))
        );
    }
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn a_text_without_number_then_its_number_get_one_combined_verdict() {
    let first = ANALYZER.analyze(
        &Input::text("I am Arvind Mehta. In a meeting, send 5 Amazon gift cards now."),
        NOW,
    );
    assert_eq!(first.verdict, Verdict::NoNumber);
    let pending: Pending = first.pending.clone().expect("no_number remembers the text");
    assert!(!pending.signals.is_empty());
    assert_eq!(pending.claimed.len(), 1);
    let second = ANALYZER.analyze(
        &Input {
            text: "+94 71 234 5678",
            pending: Some(&pending),
            ..Input::default()
        },
        NOW,
    );
    assert_eq!(second.verdict, Verdict::Impersonation);
    assert!(second.pending.is_none());
    assert!(
        second
            .claimed
            .iter()
            .any(|c| c.official.name == "Arvind Mehta")
    );
}

#[test]
fn a_pending_hindi_text_keeps_hindi_for_a_bare_number() {
    let first = ANALYZER.analyze(&Input::text("मैं आयुक्त हूँ, गिफ्ट कार्ड भेजो"), NOW);
    let pending = first.pending.expect("no number yet");
    assert_eq!(pending.language, Language::Hi);
    let second = ANALYZER.analyze(
        &Input {
            text: "9876543210",
            pending: Some(&pending),
            ..Input::default()
        },
        NOW,
    );
    assert_eq!(second.language, Language::Hi);
    assert_eq!(second.verdict, Verdict::Impersonation);
}

#[test]
fn a_pending_text_survives_a_round_trip_through_json() {
    let first = ANALYZER.analyze(
        &Input::text("Urgent, send Apple codes, don't tell anyone"),
        NOW,
    );
    let pending = first.pending.expect("no number yet");
    let json = serde_json::to_string(&pending).expect("serialises");
    let back: Pending = serde_json::from_str(&json).expect("deserialises");
    assert_eq!(back, pending);
    assert!(pending.is_fresh(
        NOW + time::Duration::minutes(9),
        super::super::DEFAULT_WINDOW
    ));
    assert!(!pending.is_fresh(
        NOW + time::Duration::minutes(11),
        super::super::DEFAULT_WINDOW
    ));
}

#[test]
fn a_bare_title_is_narrowed_to_the_staff_members_organisation() {
    let input = Input {
        text: "Commissioner here. 9876543210",
        staff_organization: Some("Dewas Municipal Corporation"),
        ..Input::default()
    };
    let a = ANALYZER.analyze(&input, NOW);
    assert_eq!(a.verdict, Verdict::Impersonation);
    assert_eq!(a.claimed.len(), 1);
    assert_eq!(a.claimed[0].official.name, "Arvind Mehta");
    assert!(a.reply.contains("+91•••••0001"), "{}", a.reply);
}

#[test]
fn a_bare_title_without_an_organisation_lists_the_candidates() {
    let a = super::text("Commissioner here. +94 71 234 5678");
    assert_eq!(a.verdict, Verdict::Impersonation);
    let names: Vec<&str> = a.claimed.iter().map(|c| c.official.name.as_str()).collect();
    assert_eq!(names, ["Arvind Mehta", "Rakesh Sharma"]);
    assert!(a.claimed.iter().all(|c| c.candidates == 2));
}

#[test]
fn a_city_named_in_the_text_settles_the_title() {
    let a = super::text("Indore commissioner here, send codes. 9876543210");
    assert_eq!(a.verdict, Verdict::Impersonation);
    let names: Vec<&str> = a.claimed.iter().map(|c| c.official.name.as_str()).collect();
    assert_eq!(names, ["Rakesh Sharma"]);
}

#[test]
fn several_numbers_get_a_verdict_each_and_the_worst_wins() {
    let a = super::text("Old number 7000000001, new number +94 71 234 5678, I am Arvind Mehta");
    assert_eq!(a.numbers.len(), 2);
    assert_eq!(a.numbers[0].verdict, Verdict::Genuine);
    assert_eq!(a.numbers[1].verdict, Verdict::Impersonation);
    assert_eq!(a.verdict, Verdict::Impersonation);
    assert!(a.reply.contains("GENUINE") && a.reply.contains("FAKE"));
}

#[test]
fn the_analysis_serialises_as_the_admin_check_contract() {
    let a = super::text("I am Arvind Mehta, +94 71 234 5678");
    let v = serde_json::to_value(&a).expect("serialises");
    assert_eq!(v["verdict"], "impersonation");
    assert_eq!(v["numbers"][0]["number"], "+94712345678");
    assert_eq!(v["numbers"][0]["country"], "LK");
    assert_eq!(v["numbers"][0]["status"], "unknown");
    assert!(v["numbers"][0]["official"].is_null());
    assert_eq!(v["claimed"][0]["official"]["id"], "off_mehta");
    assert_eq!(v["signals"][0]["code"], "foreign_number");
    assert_eq!(v["language"], "en");
    assert!(v.get("pending").is_none());
}

#[test]
fn urgency_next_to_a_foreign_number_is_reported_but_alone_it_is_not() {
    let foreign = super::text("urgent +94 71 234 5678");
    let codes: Vec<_> = foreign.signals.iter().map(|s| s.code).collect();
    assert_eq!(codes, [SignalCode::Urgency, SignalCode::ForeignNumber]);
    let alone = super::text("urgent 9876543210");
    assert!(alone.signals.is_empty());
}

#[test]
fn a_greeting_has_nothing_to_check_but_a_scam_text_does() {
    assert!(super::text("hi").nothing_to_check());
    assert!(super::text("Good morning sir").nothing_to_check());
    assert!(!super::text("send apple gift cards").nothing_to_check());
    assert!(!super::text("9876543210").nothing_to_check());
}

#[test]
fn every_number_keeps_its_country_including_shared_calling_codes() {
    let a = super::text(
        "+1 416 555 0123, +1 (415) 555-2671, +94 71 234 5678, 7000000001, +44 7400 123456",
    );
    let countries: Vec<_> = a.numbers.iter().map(|n| n.country.as_deref()).collect();
    assert_eq!(
        countries,
        [Some("CA"), Some("US"), Some("LK"), Some("IN"), Some("GB")]
    );
    let foreign: Vec<bool> = a.numbers.iter().map(|n| n.foreign).collect();
    assert_eq!(foreign, [true, true, true, false, true]);
}
