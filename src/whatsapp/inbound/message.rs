//! Our own, normalised form of an inbound message: what the durable inbox stores and the worker
//! reads. It is self-contained (business number, sender, profile) so a job needs nothing else.

use serde::{Deserialize, Serialize};

use super::contact::ContactCard;
use super::wire;
use crate::whatsapp::outbound::Recipient;

/// One inbound user message.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InboundMessage {
    /// The wamid; quote it to reply, dedupe on it.
    pub id: String,
    /// The business number's id to reply from (empty only if Meta sent no metadata).
    pub phone_number_id: String,
    /// The business number, digits without `+`.
    pub display_phone_number: String,
    /// Sender's WhatsApp id (phone digits without `+`); absent for some username users.
    pub from: Option<String>,
    /// Sender's business-scoped user id (`US.1349...`).
    pub from_user_id: Option<String>,
    /// Sender's WhatsApp profile name.
    pub profile_name: Option<String>,
    /// Sender's WhatsApp username.
    pub username: Option<String>,
    /// Unix seconds (0 when Meta sent none we could read).
    pub timestamp: u64,
    /// Forwarded up to five times.
    pub forwarded: bool,
    /// Forwarded more than five times.
    pub frequently_forwarded: bool,
    /// The wamid of the message this one quotes or answers (a button tap answers ours).
    pub context_id: Option<String>,
    /// What the message is.
    pub kind: MessageKind,
}

/// What an inbound message carries.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum MessageKind {
    /// Plain text.
    Text {
        /// The text.
        body: String,
    },
    /// One or more shared contact cards.
    Contacts {
        /// The cards.
        cards: Vec<ContactCard>,
    },
    /// Image, video, document, audio or sticker.
    Media {
        /// Which.
        media_type: MediaType,
        /// Caption the user typed (a screenshot often comes with one).
        caption: Option<String>,
        /// Media id to download it.
        id: String,
        /// MIME type.
        mime_type: Option<String>,
        /// Document file name.
        filename: Option<String>,
    },
    /// A tap on reply buttons or a list we sent.
    Interactive {
        /// The id we gave the button or row.
        reply_id: Option<String>,
        /// Its label.
        title: Option<String>,
    },
    /// A tap on a template's quick-reply button.
    Button {
        /// Payload set at send time.
        payload: Option<String>,
        /// The label.
        text: Option<String>,
    },
    /// A reaction; `emoji` none or empty means it was removed.
    Reaction {
        /// The message reacted to.
        message_id: Option<String>,
        /// The emoji.
        emoji: Option<String>,
    },
    /// A shared location.
    Location {
        /// Degrees.
        latitude: Option<f64>,
        /// Degrees.
        longitude: Option<f64>,
        /// Place name.
        name: Option<String>,
        /// Street address.
        address: Option<String>,
    },
    /// A system notice, e.g. the user changed number.
    System {
        /// Human-readable description.
        body: Option<String>,
        /// The user's new WhatsApp id.
        new_wa_id: Option<String>,
    },
    /// Something the Cloud API cannot pass on (polls, edits, ...), or an item we could not read.
    Unsupported {
        /// What it was, when known.
        detail: Option<String>,
    },
    /// A type newer than this code (or one we do not act on, like `order`), kept by name.
    Other {
        /// The `type` Meta gave.
        type_name: String,
    },
}

/// Which kind of media a [`MessageKind::Media`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MediaType {
    /// `image`.
    Image,
    /// `video`.
    Video,
    /// `document`.
    Document,
    /// `audio` (including voice notes).
    Audio,
    /// `sticker`.
    Sticker,
}

impl InboundMessage {
    /// `msg:<wamid>`: Meta may deliver the same message more than once.
    pub fn dedupe_key(&self) -> String {
        format!("msg:{}", self.id)
    }

    /// The words a person wrote: text body, media caption or button label.
    pub fn text_for_analysis(&self) -> Option<&str> {
        match &self.kind {
            MessageKind::Text { body } => Some(body.as_str()),
            MessageKind::Media { caption, .. } => caption.as_deref(),
            MessageKind::Button { text, .. } => text.as_deref(),
            _ => None,
        }
        .filter(|t| !t.trim().is_empty())
    }

    /// Who to answer: the sender's WhatsApp id as Meta gave it (never a number typed in the
    /// text), else their business-scoped user id; `None` when Meta gave neither in a usable form.
    pub fn reply_to(&self) -> Option<Recipient> {
        self.from
            .as_deref()
            .and_then(|id| Recipient::wa_id(id).ok())
            .or_else(|| {
                self.from_user_id
                    .as_deref()
                    .and_then(|id| Recipient::user_id(id).ok())
            })
    }

    /// Normalise one wire message; `sender` is the matching `value.contacts[]` entry.
    pub(super) fn from_wire(
        m: wire::Message,
        metadata: &wire::Metadata,
        sender: Option<&wire::SenderContact>,
    ) -> InboundMessage {
        let context = m.context.clone().unwrap_or_default();
        let profile = sender.and_then(|s| s.profile.as_ref());
        InboundMessage {
            id: m.id.clone(),
            phone_number_id: metadata.phone_number_id.clone().unwrap_or_default(),
            display_phone_number: metadata.display_phone_number.clone().unwrap_or_default(),
            from: m
                .from
                .clone()
                .or_else(|| sender.and_then(|s| s.wa_id.clone())),
            from_user_id: m
                .from_user_id
                .clone()
                .or_else(|| sender.and_then(|s| s.user_id.clone())),
            profile_name: profile.and_then(|p| p.name.clone()),
            username: profile.and_then(|p| p.username.clone()),
            timestamp: m.timestamp,
            forwarded: context.forwarded,
            frequently_forwarded: context.frequently_forwarded,
            context_id: context.id,
            kind: kind_of(m),
        }
    }
}

/// The type-specific part. A `type` whose object is missing falls back to `Unsupported` or
/// `Other` rather than failing: the message is still stored and answered.
fn kind_of(m: wire::Message) -> MessageKind {
    let type_name = m.kind.unwrap_or_default();
    let media = |media_type, media: Option<wire::Media>| {
        media.map(|x| MessageKind::Media {
            media_type,
            caption: x.caption,
            id: x.id,
            mime_type: x.mime_type,
            filename: x.filename,
        })
    };
    let kind = match type_name.as_str() {
        "text" => m.text.map(|t| MessageKind::Text { body: t.body }),
        "contacts" => m.contacts.map(|cards| MessageKind::Contacts { cards }),
        "image" => media(MediaType::Image, m.image),
        "video" => media(MediaType::Video, m.video),
        "document" => media(MediaType::Document, m.document),
        "audio" => media(MediaType::Audio, m.audio),
        "sticker" => media(MediaType::Sticker, m.sticker),
        "interactive" => Some(match m.interactive {
            Some(i) => {
                let reply = i.button_reply.or(i.list_reply).unwrap_or_default();
                MessageKind::Interactive {
                    reply_id: reply.id,
                    title: reply.title,
                }
            }
            None => MessageKind::Interactive {
                reply_id: None,
                title: None,
            },
        }),
        "button" => {
            let b = m.button.unwrap_or_default();
            Some(MessageKind::Button {
                payload: b.payload,
                text: b.text,
            })
        }
        "reaction" => {
            let r = m.reaction.unwrap_or_default();
            Some(MessageKind::Reaction {
                message_id: r.message_id,
                emoji: r.emoji,
            })
        }
        "location" => m.location.map(|l| MessageKind::Location {
            latitude: l.latitude,
            longitude: l.longitude,
            name: l.name,
            address: l.address,
        }),
        "system" => {
            let s = m.system.unwrap_or_default();
            Some(MessageKind::System {
                body: s.body,
                new_wa_id: s.wa_id,
            })
        }
        "unsupported" => Some(MessageKind::Unsupported {
            detail: m
                .unsupported
                .and_then(|u| u.kind)
                .or_else(|| m.errors.first().and_then(|e| e.details().map(String::from))),
        }),
        _ => None,
    };
    kind.unwrap_or_else(|| match type_name.as_str() {
        "" => MessageKind::Unsupported {
            detail: Some("message without a type".into()),
        },
        known @ ("text" | "contacts" | "image" | "video" | "document" | "audio" | "sticker"
        | "location") => MessageKind::Unsupported {
            detail: Some(format!("{known} message without its `{known}` object")),
        },
        _ => MessageKind::Other { type_name },
    })
}
