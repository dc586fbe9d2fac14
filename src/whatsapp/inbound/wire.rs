//! Meta's webhook JSON, field for field, as the Cloud API reference documents it.
//!
//! Everything Meta may omit is an `Option` or defaults to empty, and unknown fields are ignored,
//! so a payload from a newer API version still parses. Each array item is read on its own
//! ([`Item`]): one odd message must not make us refuse (and so lose) the other 999 of a batch.

use serde::{Deserialize, Deserializer};

use super::contact::ContactCard;
use super::status::WebhookError;

/// The whole POST body.
#[derive(Debug, Clone, Deserialize)]
pub struct Envelope {
    /// Always `whatsapp_business_account` for WhatsApp.
    pub object: String,
    /// One entry per WhatsApp Business Account.
    #[serde(default)]
    pub entry: Vec<Entry>,
}

/// One WhatsApp Business Account's share of a batch.
#[derive(Debug, Clone, Deserialize)]
pub struct Entry {
    /// The WABA id.
    #[serde(default)]
    pub id: Option<String>,
    /// What changed; `field` says which subscription.
    #[serde(default)]
    pub changes: Vec<Change>,
}

/// One change notification.
#[derive(Debug, Clone, Deserialize)]
pub struct Change {
    /// The subscribed field; ours is `messages`.
    #[serde(default)]
    pub field: Option<String>,
    /// The change itself; other fields (template updates, account alerts...) have other shapes,
    /// which is why it is read leniently.
    #[serde(default)]
    pub value: Option<Item<ChangeValue>>,
}

/// The `value` of a `messages` change.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct ChangeValue {
    /// Always `whatsapp`.
    #[serde(default)]
    pub messaging_product: Option<String>,
    /// Which of our business numbers this is about.
    #[serde(default)]
    pub metadata: Option<Metadata>,
    /// The senders of `messages` (absent on most status webhooks).
    #[serde(default)]
    pub contacts: Vec<Item<SenderContact>>,
    /// Inbound user messages.
    #[serde(default)]
    pub messages: Vec<Item<Message>>,
    /// Status updates of messages we sent.
    #[serde(default)]
    pub statuses: Vec<Item<Status>>,
    /// System, app or account level errors.
    #[serde(default)]
    pub errors: Vec<Item<WebhookError>>,
}

/// Our business number.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct Metadata {
    /// Digits without `+`.
    #[serde(default)]
    pub display_phone_number: Option<String>,
    /// The id to send replies from.
    #[serde(default)]
    pub phone_number_id: Option<String>,
}

/// One sender in `value.contacts`.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct SenderContact {
    /// WhatsApp profile.
    #[serde(default)]
    pub profile: Option<Profile>,
    /// Phone digits; may be absent for users with a username.
    #[serde(default)]
    pub wa_id: Option<String>,
    /// Business-scoped user id (`US.1349...`).
    #[serde(default)]
    pub user_id: Option<String>,
    /// Parent business-scoped user id (`US.ENT.…`).
    #[serde(default)]
    pub parent_user_id: Option<String>,
}

/// A sender's WhatsApp profile.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct Profile {
    /// Display name the user chose.
    #[serde(default)]
    pub name: Option<String>,
    /// WhatsApp username, when the user adopted one.
    #[serde(default)]
    pub username: Option<String>,
}

/// One inbound message; `kind` names which of the type objects is filled.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct Message {
    /// The wamid.
    pub id: String,
    /// Sender's phone digits; may be absent for users with a username.
    #[serde(default)]
    pub from: Option<String>,
    /// Sender's business-scoped user id.
    #[serde(default)]
    pub from_user_id: Option<String>,
    /// Unix seconds; Meta sends a string.
    #[serde(default, deserialize_with = "lenient_u64")]
    pub timestamp: u64,
    /// `text`, `image`, `contacts`, ... or a type newer than this code.
    #[serde(default, rename = "type")]
    pub kind: Option<String>,
    /// Forward flags and the quoted message.
    #[serde(default)]
    pub context: Option<Context>,
    /// `type: text`.
    #[serde(default)]
    pub text: Option<Text>,
    /// `type: contacts`: shared vCards.
    #[serde(default)]
    pub contacts: Option<Vec<ContactCard>>,
    /// `type: image`.
    #[serde(default)]
    pub image: Option<Media>,
    /// `type: video`.
    #[serde(default)]
    pub video: Option<Media>,
    /// `type: document`.
    #[serde(default)]
    pub document: Option<Media>,
    /// `type: audio`.
    #[serde(default)]
    pub audio: Option<Media>,
    /// `type: sticker`.
    #[serde(default)]
    pub sticker: Option<Media>,
    /// `type: interactive`; may be absent even then.
    #[serde(default)]
    pub interactive: Option<Interactive>,
    /// `type: button` (template quick reply).
    #[serde(default)]
    pub button: Option<Button>,
    /// `type: reaction`.
    #[serde(default)]
    pub reaction: Option<Reaction>,
    /// `type: location`.
    #[serde(default)]
    pub location: Option<Location>,
    /// `type: system`.
    #[serde(default)]
    pub system: Option<System>,
    /// `type: order`.
    #[serde(default)]
    pub order: Option<Order>,
    /// `type: unsupported`; older payloads omit the object.
    #[serde(default)]
    pub unsupported: Option<Unsupported>,
    /// Why Meta could not fully deliver this message.
    #[serde(default)]
    pub errors: Vec<WebhookError>,
}

/// `messages[].context`.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct Context {
    /// Forwarded up to five times.
    #[serde(default)]
    pub forwarded: bool,
    /// Forwarded more than five times.
    #[serde(default)]
    pub frequently_forwarded: bool,
    /// The wamid this message replies to.
    #[serde(default)]
    pub id: Option<String>,
    /// Who wrote the quoted message.
    #[serde(default)]
    pub from: Option<String>,
}

/// `text` object.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct Text {
    /// The message text.
    #[serde(default)]
    pub body: String,
}

/// `image` / `video` / `document` / `audio` / `sticker` object.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct Media {
    /// Media id, to download it through the Graph API.
    #[serde(default)]
    pub id: String,
    /// MIME type, e.g. `image/jpeg`.
    #[serde(default)]
    pub mime_type: Option<String>,
    /// Base64 SHA-256 of the file.
    #[serde(default)]
    pub sha256: Option<String>,
    /// Caption the user typed.
    #[serde(default)]
    pub caption: Option<String>,
    /// Document file name.
    #[serde(default)]
    pub filename: Option<String>,
}

/// `interactive` object of a user's reply to buttons or a list.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct Interactive {
    /// `button_reply`, `list_reply`, `nfm_reply`, ...
    #[serde(default, rename = "type")]
    pub kind: Option<String>,
    /// Tapped reply button.
    #[serde(default)]
    pub button_reply: Option<Reply>,
    /// Picked list row.
    #[serde(default)]
    pub list_reply: Option<Reply>,
}

/// A tapped button or list row: the id we set and its title.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct Reply {
    /// The id we gave the button or row.
    #[serde(default)]
    pub id: Option<String>,
    /// Its label.
    #[serde(default)]
    pub title: Option<String>,
    /// Row description (lists only).
    #[serde(default)]
    pub description: Option<String>,
}

/// `button` object (template quick reply).
#[derive(Debug, Clone, Default, Deserialize)]
pub struct Button {
    /// Payload set at send time (or the label).
    #[serde(default)]
    pub payload: Option<String>,
    /// The label.
    #[serde(default)]
    pub text: Option<String>,
}

/// `reaction` object; no or empty emoji means the reaction was removed.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct Reaction {
    /// The message reacted to.
    #[serde(default)]
    pub message_id: Option<String>,
    /// The emoji.
    #[serde(default)]
    pub emoji: Option<String>,
}

/// `location` object.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct Location {
    /// Degrees.
    #[serde(default)]
    pub latitude: Option<f64>,
    /// Degrees.
    #[serde(default)]
    pub longitude: Option<f64>,
    /// Place name.
    #[serde(default)]
    pub name: Option<String>,
    /// Street address.
    #[serde(default)]
    pub address: Option<String>,
    /// Place URL.
    #[serde(default)]
    pub url: Option<String>,
}

/// `system` object, e.g. a user changed number.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct System {
    /// Human-readable description.
    #[serde(default)]
    pub body: Option<String>,
    /// The user's new WhatsApp id.
    #[serde(default)]
    pub wa_id: Option<String>,
    /// e.g. `user_changed_number`.
    #[serde(default, rename = "type")]
    pub kind: Option<String>,
}

/// `order` object (catalogue orders; we only note that one came).
#[derive(Debug, Clone, Default, Deserialize)]
pub struct Order {
    /// Catalogue id.
    #[serde(default)]
    pub catalog_id: Option<String>,
    /// Text the user added.
    #[serde(default)]
    pub text: Option<String>,
}

/// `unsupported` object.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct Unsupported {
    /// What the user sent that the API cannot pass on (`edit`, `poll_creation`, ...).
    #[serde(default, rename = "type")]
    pub kind: Option<String>,
}

/// One status update of a message we sent.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct Status {
    /// Our wamid.
    pub id: String,
    /// `sent`, `delivered`, `read`, `played`, `failed`, ...
    pub status: String,
    /// Unix seconds; Meta sends a string.
    #[serde(default, deserialize_with = "lenient_u64")]
    pub timestamp: u64,
    /// Recipient's phone digits (or a group id).
    #[serde(default)]
    pub recipient_id: Option<String>,
    /// Recipient's business-scoped user id.
    #[serde(default)]
    pub recipient_user_id: Option<String>,
    /// Why a `failed` message failed.
    #[serde(default)]
    pub errors: Vec<WebhookError>,
    /// Conversation (omitted from v24.0 on).
    #[serde(default)]
    pub conversation: Option<serde_json::Value>,
    /// Billing information.
    #[serde(default)]
    pub pricing: Option<Pricing>,
}

/// `statuses[].pricing`.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct Pricing {
    /// Slated for deprecation.
    #[serde(default)]
    pub billable: Option<bool>,
    /// `CBP` or `PMP`.
    #[serde(default)]
    pub pricing_model: Option<String>,
    /// `regular`, `free_customer_service`, `free_entry_point`.
    #[serde(default, rename = "type")]
    pub kind: Option<String>,
    /// `service`, `utility`, `marketing`, ...
    #[serde(default)]
    pub category: Option<String>,
}

/// An array item read on its own: either it parsed, or we keep the JSON and the reason.
#[derive(Debug, Clone)]
pub enum Item<T> {
    /// It had the documented shape.
    Parsed(T),
    /// It did not; `raw` is kept so nothing is lost, `reason` says why (no field values).
    Unreadable {
        /// The item as received. May hold message text: never log it.
        raw: serde_json::Value,
        /// The serde error category and position, without values.
        reason: String,
    },
}

impl<'de, T: serde::de::DeserializeOwned> Deserialize<'de> for Item<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let raw = serde_json::Value::deserialize(d)?;
        Ok(match T::deserialize(&raw) {
            Ok(parsed) => Item::Parsed(parsed),
            Err(e) => Item::Unreadable {
                reason: value_free_reason(&e),
                raw,
            },
        })
    }
}

/// A serde error's message can quote the offending value (message text, a phone number), so we
/// keep only what is safe to log.
pub(crate) fn value_free_reason(e: &serde_json::Error) -> String {
    let category = match e.classify() {
        serde_json::error::Category::Io => "i/o error",
        serde_json::error::Category::Syntax => "invalid JSON",
        serde_json::error::Category::Data => "unexpected shape",
        serde_json::error::Category::Eof => "truncated JSON",
    };
    if e.line() == 0 {
        category.to_string()
    } else {
        format!("{category} at line {} column {}", e.line(), e.column())
    }
}

/// Meta sends timestamps as strings of digits; accept numbers too, and 0 for anything else
/// rather than losing the message over a timestamp.
fn lenient_u64<'de, D: Deserializer<'de>>(d: D) -> Result<u64, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Raw {
        Number(u64),
        Text(String),
        Other(serde::de::IgnoredAny),
    }
    Ok(match Raw::deserialize(d)? {
        Raw::Number(n) => n,
        Raw::Text(s) => s.trim().parse().unwrap_or(0),
        Raw::Other(_) => 0,
    })
}
