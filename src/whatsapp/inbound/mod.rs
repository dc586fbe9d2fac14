//! Inbound webhooks: Meta's JSON ([`wire`]) and the flat list of [`Update`]s the webhook handler
//! stores, one per message, status and error, whatever the batching.

pub mod contact;
pub mod message;
pub mod status;
pub mod wire;

#[cfg(test)]
mod tests;

use serde::{Deserialize, Serialize};

pub use contact::{ContactCard, ContactEmail, ContactName, ContactOrg, ContactPhone};
pub use message::{InboundMessage, MediaType, MessageKind};
pub use status::{
    DeliveryStatus, ErrorOrigin, StatusUpdate, WebhookError, WebhookErrorData, WebhookErrorUpdate,
};

use wire::{ChangeValue, Envelope, Item, Metadata, SenderContact};

/// The only `object` WhatsApp webhooks carry.
const WHATSAPP_OBJECT: &str = "whatsapp_business_account";

/// The subscription field whose changes carry messages, statuses and errors.
const MESSAGES_FIELD: &str = "messages";

/// Why a (signed) body is not a WhatsApp payload: answer 400. Reasons never quote the body.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PayloadError {
    /// The body is not JSON at all.
    #[error("body is not JSON ({0})")]
    NotJson(String),
    /// JSON, but not shaped like a webhook envelope.
    #[error("body is not a webhook envelope ({0})")]
    Malformed(String),
    /// A webhook for another product (`page`, `instagram`, ...).
    #[error("object `{0}` is not whatsapp_business_account")]
    NotWhatsApp(String),
}

/// A parsed webhook POST body.
#[derive(Debug, Clone)]
pub struct WebhookPayload {
    envelope: Envelope,
}

/// One thing that happened, as the webhook handler stores it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "update", rename_all = "snake_case")]
pub enum Update {
    /// A user wrote to us.
    Message(InboundMessage),
    /// A message we sent moved on (sent, delivered, read, failed...).
    Status(StatusUpdate),
    /// Meta reported an error, or part of the payload could not be read.
    Error(WebhookErrorUpdate),
}

impl Update {
    /// The key to deduplicate on; errors have no id to key them by.
    pub fn dedupe_key(&self) -> Option<String> {
        match self {
            Update::Message(m) => Some(m.dedupe_key()),
            Update::Status(s) => Some(s.dedupe_key()),
            Update::Error(_) => None,
        }
    }
}

impl WebhookPayload {
    /// Parse a webhook body (already signature-checked).
    pub fn parse(body: &[u8]) -> Result<WebhookPayload, PayloadError> {
        let envelope: Envelope = serde_json::from_slice(body).map_err(|e| {
            let reason = wire::value_free_reason(&e);
            match e.classify() {
                serde_json::error::Category::Data => PayloadError::Malformed(reason),
                _ => PayloadError::NotJson(reason),
            }
        })?;
        if envelope.object != WHATSAPP_OBJECT {
            let shown: String = envelope.object.chars().take(40).collect();
            return Err(PayloadError::NotWhatsApp(shown));
        }
        Ok(WebhookPayload { envelope })
    }

    /// The payload as Meta sent it.
    pub fn envelope(&self) -> &Envelope {
        &self.envelope
    }

    /// Every message, status and error of every entry and change, in payload order. Changes of
    /// other subscription fields are skipped; items we cannot read become [`Update::Error`]s
    /// (or, when they have a wamid, [`MessageKind::Unsupported`] messages) so none vanishes.
    pub fn updates(&self) -> Vec<Update> {
        let mut out = Vec::new();
        for entry in &self.envelope.entry {
            for change in &entry.changes {
                if change.field.as_deref().is_some_and(|f| f != MESSAGES_FIELD) {
                    continue;
                }
                match &change.value {
                    None => {}
                    Some(Item::Parsed(value)) => flatten(entry.id.as_deref(), value, &mut out),
                    Some(Item::Unreadable { reason, .. }) => out.push(local_error(
                        entry.id.as_deref(),
                        None,
                        "unreadable change value",
                        reason,
                    )),
                }
            }
        }
        out
    }
}

fn flatten(waba_id: Option<&str>, value: &ChangeValue, out: &mut Vec<Update>) {
    let metadata = value.metadata.clone().unwrap_or_default();
    let phone_number_id = metadata.phone_number_id.as_deref();
    let senders: Vec<&SenderContact> = value
        .contacts
        .iter()
        .filter_map(|c| match c {
            Item::Parsed(c) => Some(c),
            Item::Unreadable { .. } => None,
        })
        .collect();
    for item in &value.messages {
        out.push(match item {
            Item::Parsed(m) => {
                let sender = sender_of(&senders, m.from.as_deref(), m.from_user_id.as_deref());
                Update::Message(InboundMessage::from_wire(m.clone(), &metadata, sender))
            }
            Item::Unreadable { raw, reason } => {
                unreadable_message(waba_id, &metadata, &senders, raw, reason)
            }
        });
    }
    for item in &value.statuses {
        out.push(match item {
            Item::Parsed(s) => Update::Status(StatusUpdate {
                id: s.id.clone(),
                status: DeliveryStatus::from(s.status.clone()),
                timestamp: s.timestamp,
                recipient_id: s.recipient_id.clone(),
                recipient_user_id: s.recipient_user_id.clone(),
                errors: s.errors.clone(),
            }),
            Item::Unreadable { reason, .. } => {
                local_error(waba_id, phone_number_id, "unreadable status", reason)
            }
        });
    }
    for item in &value.errors {
        out.push(match item {
            Item::Parsed(e) => Update::Error(WebhookErrorUpdate {
                waba_id: waba_id.map(String::from),
                phone_number_id: phone_number_id.map(String::from),
                origin: ErrorOrigin::Meta,
                error: e.clone(),
            }),
            Item::Unreadable { reason, .. } => {
                local_error(waba_id, phone_number_id, "unreadable error", reason)
            }
        });
    }
}

/// The `value.contacts[]` entry that sent a message: matched by phone or user id, or the only
/// one when there is just one (Meta sends one sender per change in practice).
fn sender_of<'a>(
    senders: &[&'a SenderContact],
    from: Option<&str>,
    from_user_id: Option<&str>,
) -> Option<&'a SenderContact> {
    let matched = senders.iter().find(|c| {
        (from.is_some() && c.wa_id.as_deref() == from)
            || (from_user_id.is_some() && c.user_id.as_deref() == from_user_id)
    });
    matched
        .or_else(|| (senders.len() == 1).then(|| &senders[0]))
        .copied()
}

/// A message whose type object had an unexpected shape. With a wamid it is still a message the
/// worker can answer ("please forward it again"); without one it can only be reported.
fn unreadable_message(
    waba_id: Option<&str>,
    metadata: &Metadata,
    senders: &[&SenderContact],
    raw: &serde_json::Value,
    reason: &str,
) -> Update {
    let text = |key: &str| raw.get(key).and_then(|v| v.as_str()).map(String::from);
    let Some(id) = text("id") else {
        return local_error(
            waba_id,
            metadata.phone_number_id.as_deref(),
            "unreadable message without an id",
            reason,
        );
    };
    let from = text("from");
    let from_user_id = text("from_user_id");
    let sender = sender_of(senders, from.as_deref(), from_user_id.as_deref());
    let type_name = text("type").unwrap_or_else(|| "untyped".into());
    let stub = wire::Message {
        id,
        from,
        from_user_id,
        timestamp: match raw.get("timestamp") {
            Some(serde_json::Value::String(t)) => t.trim().parse().unwrap_or(0),
            Some(t) => t.as_u64().unwrap_or(0),
            None => 0,
        },
        kind: Some("unsupported".into()),
        ..Default::default()
    };
    let mut message = InboundMessage::from_wire(stub, metadata, sender);
    message.kind = MessageKind::Unsupported {
        detail: Some(format!("unreadable {type_name} message: {reason}")),
    };
    Update::Message(message)
}

fn local_error(
    waba_id: Option<&str>,
    phone_number_id: Option<&str>,
    title: &str,
    reason: &str,
) -> Update {
    Update::Error(WebhookErrorUpdate {
        waba_id: waba_id.map(String::from),
        phone_number_id: phone_number_id.map(String::from),
        origin: ErrorOrigin::Unreadable,
        error: WebhookError {
            code: 0,
            title: Some(title.to_string()),
            message: None,
            error_data: Some(WebhookErrorData {
                details: Some(reason.to_string()),
            }),
            href: None,
        },
    })
}
