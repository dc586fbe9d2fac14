//! Any bytes as a signed webhook body: parsed or refused, never a panic; every update read
//! survives the inbox's JSON round trip.
#![no_main]

use asli::whatsapp::inbound::{Update, WebhookPayload};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|body: &[u8]| {
    let Ok(payload) = WebhookPayload::parse(body) else {
        return;
    };
    for update in payload.updates() {
        let stored = serde_json::to_vec(&update).expect("an update serialises");
        let back: Update = serde_json::from_slice(&stored).expect("and reads back");
        assert_eq!(back, update);
    }
});
