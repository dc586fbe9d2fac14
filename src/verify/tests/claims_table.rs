//! Claimed identities: names and titles in three scripts, and near-misses.

use super::super::{ClaimKind, Input};
use super::{ANALYZER, NOW};

/// The names of the officials `text` names (any, asserted or not).
fn named(text: &str) -> Vec<String> {
    let a = ANALYZER.analyze(&Input::text(text), NOW);
    a.claimed.into_iter().map(|c| c.official.name).collect()
}

#[test]
fn names_and_titles_are_found_in_every_spelling() {
    let cases: &[(&str, &[&str])] = &[
        ("Arvind Mehta here", &["Arvind Mehta"]),
        ("ARVIND MEHTA JI ka message", &["Arvind Mehta"]),
        ("Shri Arvind-Mehta Sir,", &["Arvind Mehta"]),
        ("अरविंद मेहता जी बोल रहे हैं", &["Arvind Mehta"]),
        ("A. Mehta", &["Arvind Mehta"]),
        ("सुनीता वर्मा", &["Sunita Verma"]),
        ("Sabhapati ji ka order", &["Sunita Verma"]),
        ("सभापति महोदया", &["Sunita Verma"]),
        ("chairman sahab", &["Sunita Verma"]),
        ("निगमायुक्त", &["Arvind Mehta", "Rakesh Sharma"]),
        ("कमिश्नर साहब", &["Arvind Mehta", "Rakesh Sharma"]),
        ("Dewas commissioner", &["Arvind Mehta"]),
        (
            "Indore Municipal Corporation ke commissioner",
            &["Rakesh Sharma"],
        ),
        ("DM sahab ka message", &["Raj Kumar"]),
        ("कलेक्टर", &["Raj Kumar"]),
        ("Commissioner Arvind Mehta", &["Arvind Mehta"]),
        ("राज कुमार", &["Raj Kumar"]),
        ("मोहन दास", &["Mohan Das"]),
        ("Deputy Commissioner Dewas", &["Mohan Das"]),
    ];
    let mut failures = Vec::new();
    for (text, want) in cases {
        let got = named(text);
        if got != *want {
            failures.push(format!("{text}: want {want:?}, got {got:?}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn near_misses_name_nobody() {
    for text in [
        "Rajkumari will bring the file",
        "Arvindkumar Mehtani",
        "the commissioners' meeting",
        "Mehta Traders invoice",
        "spinach and cement supply",
        "please see the dmart bill",
        "Deputy Collector office",
        "Assistant commissioner ka order",
        "उप सचिव",
    ] {
        let got = named(text);
        assert!(got.is_empty(), "{text}: {got:?}");
    }
}

#[test]
fn a_deputy_title_does_not_claim_the_commissioner() {
    assert_eq!(named("Deputy Commissioner here"), ["Mohan Das"]);
    assert_eq!(named("उपायुक्त"), ["Mohan Das"]);
}

#[test]
fn a_claim_says_how_it_was_matched() {
    let a = ANALYZER.analyze(&Input::text("I am the Sabhapati"), NOW);
    assert_eq!(a.claimed.len(), 1);
    assert_eq!(a.claimed[0].matched, ClaimKind::Title);
    assert_eq!(a.claimed[0].snippet, "sabhapati");
    assert!(a.claimed[0].asserted);
    let b = ANALYZER.analyze(&Input::text("सुनीता वर्मा"), NOW);
    assert_eq!(b.claimed[0].matched, ClaimKind::Name);
}

#[test]
fn a_mention_is_not_a_claim_until_scam_words_appear() {
    let mention = ANALYZER.analyze(
        &Input::text("The commissioner will inspect the ward tomorrow"),
        NOW,
    );
    assert!(mention.claimed.iter().all(|c| !c.asserted));
    let claim = ANALYZER.analyze(
        &Input::text("The commissioner needs 5 Apple gift cards"),
        NOW,
    );
    assert!(claim.claimed.iter().all(|c| c.asserted));
}

#[test]
fn the_staff_members_organisation_settles_a_bare_title_but_a_named_city_wins() {
    let staff = Input {
        text: "commissioner",
        staff_organization: Some("Indore Municipal Corporation"),
        ..Input::default()
    };
    let a = ANALYZER.analyze(&staff, NOW);
    let names: Vec<&str> = a.claimed.iter().map(|c| c.official.name.as_str()).collect();
    assert_eq!(names, ["Rakesh Sharma"]);
    let city = Input {
        text: "Dewas commissioner",
        ..staff
    };
    let b = ANALYZER.analyze(&city, NOW);
    let names: Vec<&str> = b.claimed.iter().map(|c| c.official.name.as_str()).collect();
    assert_eq!(names, ["Arvind Mehta"]);
}
