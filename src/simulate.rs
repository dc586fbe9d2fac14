//! Webhook payloads as Meta sends them, for `asli simulate`, demos and tests.
//!
//! Meta's JSON is ASCII-only: non-ASCII text arrives as `\uXXXX` escapes (emoji as UTF-16
//! surrogate pairs) and `/` as `\/`. The signature covers those exact bytes, so a simulator
//! must produce them, not a re-serialisation.

use serde_json::{Value, json};

/// The business number id used by simulated payloads.
pub const PHONE_NUMBER_ID: &str = "106540352242922";
/// The business display number used by simulated payloads.
pub const DISPLAY_NUMBER: &str = "15550783881";

/// Serialise like Meta: ASCII only and `\/`.
pub fn meta_bytes(value: &Value) -> Vec<u8> {
    let plain = value.to_string();
    let mut out = String::with_capacity(plain.len() + 16);
    for c in plain.chars() {
        match c {
            '/' => out.push_str("\\/"),
            c if c.is_ascii() => out.push(c),
            c => {
                let mut units = [0u16; 2];
                for unit in c.encode_utf16(&mut units) {
                    out.push_str(&format!("\\u{unit:04x}"));
                }
            }
        }
    }
    out.into_bytes()
}

/// The webhook envelope around change `values` of the `messages` field.
pub fn envelope(values: Vec<Value>) -> Value {
    let changes: Vec<Value> = values
        .into_iter()
        .map(|value| json!({"field": "messages", "value": value}))
        .collect();
    json!({
        "object": "whatsapp_business_account",
        "entry": [{"id": "102290129340398", "changes": changes}]
    })
}

/// A change `value` carrying `messages` sent by `from` (a wa_id).
pub fn messages_value(from: &str, messages: Vec<Value>) -> Value {
    json!({
        "messaging_product": "whatsapp",
        "metadata": {"display_phone_number": DISPLAY_NUMBER, "phone_number_id": PHONE_NUMBER_ID},
        "contacts": [{"profile": {"name": "Staff Member"}, "wa_id": from}],
        "messages": messages
    })
}

/// One text message object; `forwarded` sets `context.forwarded`.
pub fn text_message(id: &str, from: &str, body: &str, forwarded: bool) -> Value {
    let mut m = json!({
        "from": from,
        "id": id,
        "timestamp": "1749416383",
        "type": "text",
        "text": {"body": body}
    });
    if forwarded {
        m["context"] = json!({"forwarded": true});
    }
    m
}

/// A fresh wamid-like message id.
pub fn new_message_id() -> String {
    format!("wamid.SIM{}", uuid::Uuid::new_v4().simple())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bytes_are_ascii_with_meta_escapes() {
        let bytes = meta_bytes(&json!({"t": "café 😀 a/b"}));
        assert_eq!(
            String::from_utf8(bytes).unwrap(),
            r#"{"t":"caf\u00e9 \ud83d\ude00 a\/b"}"#
        );
    }

    #[test]
    fn the_escaped_form_parses_back_to_the_same_text() {
        let v = json!({"t": "मीटिंग में हूँ 🙏 https://x.y/z"});
        let back: Value = serde_json::from_slice(&meta_bytes(&v)).unwrap();
        assert_eq!(back, v);
    }
}
