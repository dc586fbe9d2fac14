//! Webhook payloads shaped like Meta's (whatsapp-cloud-api.md §3), serialised the way Meta
//! serialises them (see `asli::simulate`). Tests sign these exact bytes.

use serde_json::{Value, json};

pub use asli::simulate::{
    PHONE_NUMBER_ID, envelope, messages_value, meta_bytes, text_message as text,
};

/// A staff member (sender of forwarded messages) by WhatsApp id.
pub const STAFF: &str = "919812300001";

/// One shared-contact message object carrying a card with `phone` (and its wa_id).
pub fn contact_card(id: &str, from: &str, name: &str, phone: &str, wa_id: Option<&str>) -> Value {
    let mut phone_obj = json!({"phone": phone, "type": "MOBILE"});
    if let Some(w) = wa_id {
        phone_obj["wa_id"] = json!(w);
    }
    json!({
        "from": from,
        "id": id,
        "timestamp": "1744344496",
        "type": "contacts",
        "contacts": [{
            "name": {"formatted_name": name, "first_name": name},
            "phones": [phone_obj]
        }]
    })
}

/// A whole payload with one forwarded text from the default staff member.
pub fn forwarded_text(id: &str, body: &str) -> Vec<u8> {
    meta_bytes(&envelope(vec![messages_value(
        STAFF,
        vec![text(id, STAFF, body, true)],
    )]))
}

/// A statuses-only payload.
pub fn status_only(wamid: &str, status: &str) -> Vec<u8> {
    meta_bytes(&envelope(vec![json!({
        "messaging_product": "whatsapp",
        "metadata": {"display_phone_number": asli::simulate::DISPLAY_NUMBER, "phone_number_id": PHONE_NUMBER_ID},
        "statuses": [{"id": wamid, "status": status, "timestamp": "1750030073", "recipient_id": STAFF}]
    })]))
}

/// A unique wamid-like id for tests.
pub fn wamid(n: u32) -> String {
    format!("wamid.HBgLTEST{n:08}FRgA=")
}
