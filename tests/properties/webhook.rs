//! `WebhookPayload::parse` + `updates()`: the first code that reads what a stranger sends.

use asli::whatsapp::inbound::{Update, WebhookPayload};
use proptest::prelude::*;
use serde_json::{Map, Value, json};

use crate::inputs::{any_json, hostile_text, key};

/// Message types Meta sends, and a few it might.
const TYPES: &[&str] = &[
    "text",
    "image",
    "video",
    "audio",
    "document",
    "sticker",
    "location",
    "contacts",
    "interactive",
    "button",
    "reaction",
    "order",
    "system",
    "unsupported",
    "request_welcome",
    "edit",
    "revoke",
    "poll",
    "",
];

/// One `messages[]` item: usually shaped like Meta's, with any content and extra keys.
fn message() -> impl Strategy<Value = Value> {
    let content = prop_oneof![
        hostile_text().prop_map(|t| json!({ "body": t })),
        hostile_text().prop_map(|t| json!({ "caption": t, "id": "media-1" })),
        any_json(),
    ];
    (
        prop::option::of("wamid\\.[A-Za-z0-9=+/]{1,40}"),
        prop::option::of("[0-9]{6,15}"),
        prop::option::of(prop_oneof![
            "[0-9]{1,12}".prop_map(Value::String),
            any_json()
        ]),
        prop::sample::select(TYPES),
        content,
        prop::option::of(any_json()),
        prop::collection::vec((key(), any_json()), 0..3),
    )
        .prop_map(|(id, from, timestamp, kind, content, context, extra)| {
            let mut m: Map<String, Value> = extra.into_iter().collect();
            if let Some(id) = id {
                m.insert("id".into(), id.into());
            }
            if let Some(from) = from {
                m.insert("from".into(), from.into());
            }
            if let Some(t) = timestamp {
                m.insert("timestamp".into(), t);
            }
            if let Some(c) = context {
                m.insert("context".into(), c);
            }
            m.insert("type".into(), kind.into());
            m.insert(kind.to_string(), content);
            Value::Object(m)
        })
}

/// A whole webhook body around `messages`, `statuses` and `errors`.
fn envelope(messages: &[Value], statuses: &[Value], errors: &[Value]) -> Vec<u8> {
    json!({
        "object": "whatsapp_business_account",
        "entry": [{
            "id": "102290129340398",
            "changes": [{
                "field": "messages",
                "value": {
                    "messaging_product": "whatsapp",
                    "metadata": {"display_phone_number": "15550783881", "phone_number_id": "106540352242922"},
                    "contacts": [{"profile": {"name": "Sheena Nelson"}, "wa_id": "16505551234"}],
                    "messages": messages,
                    "statuses": statuses,
                    "errors": errors,
                }
            }]
        }]
    })
    .to_string()
    .into_bytes()
}

fn parse_all(bytes: &[u8]) -> Option<Vec<Update>> {
    WebhookPayload::parse(bytes).ok().map(|p| p.updates())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn any_bytes_are_read_or_refused_without_a_panic(
        bytes in prop::collection::vec(any::<u8>(), 0..2048)
    ) {
        parse_all(&bytes);
    }

    #[test]
    fn any_json_is_read_or_refused_without_a_panic(value in any_json()) {
        parse_all(value.to_string().as_bytes());
        parse_all(json!({"object": "whatsapp_business_account", "entry": value}).to_string().as_bytes());
    }

    #[test]
    fn every_item_of_a_messages_change_becomes_exactly_one_update(
        messages in prop::collection::vec(message(), 0..4),
        statuses in prop::collection::vec(any_json(), 0..3),
        errors in prop::collection::vec(any_json(), 0..3),
    ) {
        let body = envelope(&messages, &statuses, &errors);
        let updates = parse_all(&body).expect("a WhatsApp envelope is always read");
        // Nothing vanishes: an item that cannot be read is still one (error) update.
        prop_assert_eq!(updates.len(), messages.len() + statuses.len() + errors.len());
    }

    #[test]
    fn every_update_survives_the_inbox_round_trip(
        messages in prop::collection::vec(message(), 1..4),
        statuses in prop::collection::vec(any_json(), 0..2),
    ) {
        // The inbox stores updates as JSON; a worker reads them back.
        for update in parse_all(&envelope(&messages, &statuses, &[])).expect("read") {
            let stored = serde_json::to_vec(&update).expect("an update serialises");
            let back: Update = serde_json::from_slice(&stored).expect("and reads back");
            prop_assert_eq!(back, update);
        }
    }
}
