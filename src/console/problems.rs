//! Field and row problems in the clerk's language.
//!
//! The registry's checks ([`crate::registry::validate`]) name the field and say what is wrong in
//! English. The console recognises the kind of problem and says it in the UI's language; a
//! problem it does not recognise is shown as the registry wrote it, so nothing is ever hidden.
//! The tests feed the real checks every kind of bad input, so a reworded check shows up here.

use super::i18n::{Language, t};

/// The kinds of problem the console explains in words of its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Problem {
    Required,
    TooLong,
    BadCharacters,
    TooMany,
    Separator,
    Label,
    Duplicate,
    NotANumber,
    Date,
    DateOrder,
    Status,
    Taken,
    BadId,
}

impl Problem {
    /// Recognise the registry's English message.
    fn of(message: &str) -> Option<Problem> {
        let m = message;
        // Order matters: "is longer than 200 characters" is about length, not characters.
        Some(if m.contains("is required") {
            Problem::Required
        } else if m.contains("is longer than") {
            Problem::TooLong
        } else if m.contains("has more than") {
            Problem::TooMany
        } else if m.contains("must not contain `|`") {
            Problem::Separator
        } else if m.contains("character") {
            Problem::BadCharacters
        } else if m.contains("must be a short word") {
            Problem::Label
        } else if m.contains("is listed twice") || m.contains("is also on row") {
            Problem::Duplicate
        } else if m.contains("not a phone number") || m.contains("not a valid phone number") {
            Problem::NotANumber
        } else if m.contains("must be a date") {
            Problem::Date
        } else if m.contains("is before") {
            Problem::DateOrder
        } else if m.contains("is not a status") {
            Problem::Status
        } else if m.contains("already belongs to") {
            Problem::Taken
        } else if m.contains("is not an official id") {
            Problem::BadId
        } else {
            return None;
        })
    }

    fn text_id(self) -> &'static str {
        match self {
            Problem::Required => "problem-required",
            Problem::TooLong => "problem-too-long",
            Problem::BadCharacters => "problem-bad-characters",
            Problem::TooMany => "problem-too-many",
            Problem::Separator => "problem-separator",
            Problem::Label => "problem-label",
            Problem::Duplicate => "problem-duplicate",
            Problem::NotANumber => "problem-not-a-number",
            Problem::Date => "problem-date",
            Problem::DateOrder => "problem-date-order",
            Problem::Status => "problem-status",
            Problem::Taken => "problem-taken",
            Problem::BadId => "problem-bad-id",
        }
    }

    /// Whether the registry's message carries a detail worth keeping (which number, which row).
    fn keeps_detail(self) -> bool {
        matches!(
            self,
            Problem::Duplicate | Problem::Taken | Problem::BadCharacters | Problem::NotANumber
        )
    }
}

/// A registry problem `message` as the clerk should read it in `lang`: the console's own
/// sentence, with the registry's detail after it when that names something specific.
pub fn describe(lang: Language, message: &str) -> String {
    match Problem::of(message) {
        Some(p) if p.keeps_detail() => format!("{} ({message})", t(lang, p.text_id())),
        Some(p) => t(lang, p.text_id()),
        None => message.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::phone::Region;
    use crate::registry::validate::validate_new;
    use crate::registry::{LabelledPhone, NewOfficial, PhoneInput};

    fn problems_of(input: NewOfficial) -> Vec<String> {
        validate_new(&input, Region::INDIA)
            .expect_err("the input is bad")
            .into_iter()
            .map(|e| e.message)
            .collect()
    }

    #[test]
    fn every_problem_the_registry_finds_in_a_form_is_explained_in_hindi() {
        let phone = |n: &str, label: &str| {
            PhoneInput::Labelled(LabelledPhone {
                number: n.into(),
                label: Some(label.into()),
            })
        };
        let cases = [
            NewOfficial::default(),
            NewOfficial {
                name: "x".repeat(500),
                ..NewOfficial::default()
            },
            NewOfficial {
                name: "A\u{7}B".into(),
                ..NewOfficial::default()
            },
            NewOfficial {
                name: "A".into(),
                aliases: vec!["a|b".into()],
                ..NewOfficial::default()
            },
            NewOfficial {
                name: "A".into(),
                aliases: vec!["a".into(); 60],
                ..NewOfficial::default()
            },
            NewOfficial {
                name: "A".into(),
                phones: vec![phone("+917000000001", "not a label!")],
                ..NewOfficial::default()
            },
            NewOfficial {
                name: "A".into(),
                phones: vec![phone("+917000000001", ""), phone("07000000001", "")],
                ..NewOfficial::default()
            },
            NewOfficial {
                name: "A".into(),
                phones: vec![phone("hello", ""), phone("+91 123", "")],
                ..NewOfficial::default()
            },
            NewOfficial {
                name: "A".into(),
                valid_from: Some("tomorrow".into()),
                ..NewOfficial::default()
            },
            NewOfficial {
                name: "A".into(),
                valid_from: Some("2026-05-01".into()),
                valid_until: Some("2026-04-01".into()),
                ..NewOfficial::default()
            },
        ];
        for input in cases {
            for message in problems_of(input) {
                let hindi = describe(Language::Hi, &message);
                assert!(
                    Problem::of(&message).is_some(),
                    "the console does not recognise `{message}`"
                );
                assert!(
                    hindi
                        .chars()
                        .any(|c| ('\u{0900}'..='\u{097F}').contains(&c)),
                    "{message} → {hindi}"
                );
            }
        }
    }

    #[test]
    fn an_unknown_problem_is_shown_as_the_registry_wrote_it() {
        assert_eq!(describe(Language::Hi, "something new"), "something new");
    }

    #[test]
    fn a_length_problem_is_not_mistaken_for_a_character_problem() {
        assert_eq!(
            Problem::of("is longer than 200 characters"),
            Some(Problem::TooLong)
        );
    }
}
