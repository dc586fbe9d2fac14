//! Generators of hostile input: text that mixes scripts, digits in every form, separators,
//! invisible and bidirectional characters, combining marks, scam words and long digit runs;
//! and JSON of any shape.

use proptest::prelude::*;
use serde_json::{Map, Value};

/// One piece of hostile text.
fn piece() -> impl Strategy<Value = String> {
    prop_oneof![
        // Anything at all, one character at a time.
        3 => any::<char>().prop_map(String::from),
        // Digits as people write them: ASCII, Devanagari, grouped, with a country code.
        3 => "[0-9]{1,12}",
        2 => "[०-९]{1,12}",
        2 => prop::sample::select(vec![
            "+91 ", "+94 ", "0091", "00", "+", "(0)", "+९१ ", " ", "-", ".", "(", ")",
            "\u{a0}", "\u{2011}", "\u{2013}", "/", "\n", "\r\n", "#", "₹", "Rs ", "/-",
        ]).prop_map(String::from),
        // A long run of digits (bounded: the scaling example covers huge ones).
        1 => (1usize..400).prop_map(|n| "9".repeat(n)),
        1 => (1usize..200).prop_map(|n| "1 ".repeat(n)),
        // Characters that hide, join, reorder or combine.
        2 => prop::sample::select(vec![
            "\u{200B}", "\u{200C}", "\u{200D}", "\u{FEFF}", "\u{202E}", "\u{2066}", "\u{200E}",
            "\u{061C}", "\u{0301}", "\u{093C}", "\u{094D}", "\u{0902}", "\u{0901}", "\u{FE0F}",
            "\u{E0041}", "\u{FFFD}", "\u{0}", "\u{1B}[31m", "`", "\u{2019}",
        ]).prop_map(String::from),
        // Words the engine looks for: scam signals, titles, names from the sample registry.
        3 => prop::sample::select(vec![
            "gift card ", "Amazon ", "Apple code ", "urgent ", "kisi ko mat batana ",
            "meeting ", "new number ", "OTP ", "UPI ", "http://x.example ", "I am ",
            "Commissioner ", "commissioner sahab ", "Collector ", "Chairperson ",
            "आयुक्त ", "निगमायुक्त ", "गिफ्ट कार्ड ", "अमेज़न ", "मैं ", "जी ", "हूँ ",
            "Arvind Mehta ", "अरविंद मेहता ", "Municipal Corporation ", "Deputy ", "order ",
        ]).prop_map(String::from),
        2 => "[a-zA-Z ]{1,12}",
        2 => "[क-ह]{1,8}",
    ]
}

/// Hostile text: up to 48 pieces.
pub fn hostile_text() -> impl Strategy<Value = String> {
    prop::collection::vec(piece(), 0..48).prop_map(|pieces| pieces.concat())
}

/// Any JSON value, up to a few levels deep; object keys are often the names of real webhook
/// fields, so that the generated values reach past the envelope.
pub fn any_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        any::<f64>().prop_map(Value::from),
        hostile_text().prop_map(Value::String),
        "[0-9]{0,16}".prop_map(Value::String),
    ];
    leaf.prop_recursive(4, 48, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::vec((key(), inner), 0..6)
                .prop_map(|kv| Value::Object(kv.into_iter().collect::<Map<_, _>>())),
        ]
    })
}

/// An object key: a real webhook field name, or anything.
pub fn key() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => prop::sample::select(vec![
            "object", "entry", "id", "changes", "field", "value", "messaging_product",
            "metadata", "phone_number_id", "display_phone_number", "contacts", "wa_id",
            "user_id", "profile", "name", "messages", "statuses", "errors", "from",
            "from_user_id", "timestamp", "type", "text", "body", "caption", "context",
            "forwarded", "frequently_forwarded", "image", "document", "contacts", "phones",
            "phone", "org", "company", "title", "formatted_name", "interactive", "button",
            "reaction", "emoji", "message_id", "status", "recipient_id", "code", "message",
            "error_data", "details", "edit", "revoke", "update",
        ]).prop_map(String::from),
        1 => any::<String>(),
    ]
}
