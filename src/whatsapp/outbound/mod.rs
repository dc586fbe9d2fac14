//! The bodies we POST to `/{phone_number_id}/messages`, in exactly Meta's shape.
//!
//! Limits Meta enforces (text length, button count and sizes) are checked when a message is
//! built, so a reply that could never be sent fails here, with a reason, instead of as a
//! permanent error from the Graph API. Messages also deserialize from the same JSON, so a dead
//! letter can keep the exact body and send it again.

use std::collections::HashSet;
use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::phone::{E164, mask_phone};

mod body;

use body::{
    Body, ButtonsAction, Component, Content, Context, Interactive, Language, Parameter, Product,
    Reaction, ReadReceipt, ReadStatus, Send, Template, Text, TextObject, TypingIndicator,
    WireButton, WireReply,
};

/// Longest text message body, in characters.
pub const MAX_TEXT_CHARS: usize = 4096;
/// Longest body of an interactive message, in characters.
pub const MAX_INTERACTIVE_BODY_CHARS: usize = 1024;
/// Most reply buttons on one message.
pub const MAX_BUTTONS: usize = 3;
/// Longest reply button id, in characters.
pub const MAX_BUTTON_ID_CHARS: usize = 256;
/// Longest reply button title, in characters.
pub const MAX_BUTTON_TITLE_CHARS: usize = 20;

/// Why a message could not be built.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OutboundError {
    /// A required text is empty.
    #[error("{0} must not be empty")]
    Empty(&'static str),
    /// A text is longer than Meta accepts.
    #[error("{field} has {actual} characters, at most {max} are allowed")]
    TooLong {
        /// Which text.
        field: &'static str,
        /// Meta's limit.
        max: usize,
        /// What we had.
        actual: usize,
    },
    /// Reply buttons must number 1 to 3.
    #[error("a reply-button message needs 1 to {MAX_BUTTONS} buttons, not {0}")]
    ButtonCount(usize),
    /// Two buttons share an id or a title.
    #[error("two reply buttons share the same {0}")]
    DuplicateButton(&'static str),
    /// Not a WhatsApp id (digits with country code).
    #[error("a WhatsApp id is digits only, with country code")]
    InvalidWaId,
}

/// A WhatsApp user id: phone digits with country code, no `+` (`919876543210`). Replies go to
/// the id Meta gave us, which may differ from the number a person would write.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct WaId(String);

impl WaId {
    /// Accept digits with an optional leading `+`.
    pub fn parse(id: &str) -> Result<WaId, OutboundError> {
        let digits = id.trim().strip_prefix('+').unwrap_or(id.trim());
        if digits.len() < 6 || digits.len() > 20 || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(OutboundError::InvalidWaId);
        }
        Ok(WaId(digits.to_string()))
    }

    /// The digits.
    pub fn digits(&self) -> &str {
        &self.0
    }
}

impl From<&E164> for WaId {
    fn from(number: &E164) -> Self {
        WaId(number.digits().to_string())
    }
}

impl fmt::Debug for WaId {
    /// Masked: a recipient never reaches a log in full by accident.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "WaId({})", mask_phone(&self.0))
    }
}

impl fmt::Display for WaId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&mask_phone(&self.0))
    }
}

impl Serialize for WaId {
    /// `+<digits>`: without `+` Meta would prepend our business number's country code.
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&format!("+{}", self.0))
    }
}

impl<'de> Deserialize<'de> for WaId {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        WaId::parse(&s).map_err(serde::de::Error::custom)
    }
}

/// Who a message goes to: a phone number, or (2026, usernames) a business-scoped user id.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Recipient {
    /// Serialised as `"to": "+<digits>"`.
    #[serde(rename = "to")]
    Phone(WaId),
    /// Serialised as `"recipient": "<user id>"`.
    #[serde(rename = "recipient")]
    UserId(String),
}

impl Recipient {
    /// A number in E.164.
    pub fn phone(number: &E164) -> Recipient {
        Recipient::Phone(WaId::from(number))
    }

    /// A WhatsApp id as a webhook gave it (`from`, `wa_id`).
    pub fn wa_id(id: &str) -> Result<Recipient, OutboundError> {
        WaId::parse(id).map(Recipient::Phone)
    }

    /// A business-scoped user id (`US.1349...`).
    pub fn user_id(id: &str) -> Result<Recipient, OutboundError> {
        let id = id.trim();
        if id.is_empty() {
            return Err(OutboundError::Empty("user id"));
        }
        Ok(Recipient::UserId(id.to_string()))
    }
}

/// One reply button: the `id` comes back in the user's `button_reply`, the `title` is shown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReplyButton {
    /// Callback data, ≤ 256 characters.
    pub id: String,
    /// Label, ≤ 20 characters.
    pub title: String,
}

impl ReplyButton {
    /// A button; checked when the message is built.
    pub fn new(id: impl Into<String>, title: impl Into<String>) -> ReplyButton {
        ReplyButton {
            id: id.into(),
            title: title.into(),
        }
    }
}

/// A complete request body for `POST /{phone_number_id}/messages`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OutboundMessage {
    messaging_product: Product,
    #[serde(flatten)]
    body: Body,
}

impl OutboundMessage {
    /// A text message (link previews off: a reply must not unfurl a scammer's link).
    pub fn text(to: Recipient, body: &str) -> Result<OutboundMessage, OutboundError> {
        let body = checked("text body", body, MAX_TEXT_CHARS)?;
        Ok(send(
            to,
            Content::Text {
                text: Text {
                    preview_url: false,
                    body,
                },
            },
        ))
    }

    /// Text with 1 to 3 reply buttons; ids and titles must be unique and within Meta's limits.
    pub fn reply_buttons(
        to: Recipient,
        body: &str,
        buttons: &[ReplyButton],
    ) -> Result<OutboundMessage, OutboundError> {
        let body = checked("interactive body", body, MAX_INTERACTIVE_BODY_CHARS)?;
        if buttons.is_empty() || buttons.len() > MAX_BUTTONS {
            return Err(OutboundError::ButtonCount(buttons.len()));
        }
        let (mut ids, mut titles) = (HashSet::new(), HashSet::new());
        let mut wire = Vec::with_capacity(buttons.len());
        for b in buttons {
            let id = checked("button id", &b.id, MAX_BUTTON_ID_CHARS)?;
            let title = checked("button title", &b.title, MAX_BUTTON_TITLE_CHARS)?;
            if !ids.insert(id.clone()) {
                return Err(OutboundError::DuplicateButton("id"));
            }
            if !titles.insert(title.clone()) {
                return Err(OutboundError::DuplicateButton("title"));
            }
            wire.push(WireButton {
                kind: "reply".into(),
                reply: WireReply { id, title },
            });
        }
        Ok(send(
            to,
            Content::Interactive {
                interactive: Interactive {
                    kind: "button".into(),
                    body: TextObject { text: body },
                    action: ButtonsAction { buttons: wire },
                },
            },
        ))
    }

    /// An approved template, with its body parameters in order (`{{1}}`, `{{2}}`, ...).
    /// `language` must be the approved locale exactly (`en_US`, `hi`).
    pub fn template(
        to: Recipient,
        name: &str,
        language: &str,
        body_parameters: &[&str],
    ) -> Result<OutboundMessage, OutboundError> {
        let name = checked("template name", name, 512)?;
        let code = checked("template language", language, 16)?;
        let parameters = body_parameters
            .iter()
            .map(|p| {
                Ok(Parameter {
                    kind: "text".into(),
                    text: checked("template parameter", p, 32_768)?,
                })
            })
            .collect::<Result<Vec<_>, OutboundError>>()?;
        let components = if parameters.is_empty() {
            Vec::new()
        } else {
            vec![Component {
                kind: "body".into(),
                parameters,
            }]
        };
        Ok(send(
            to,
            Content::Template {
                template: Template {
                    name,
                    language: Language { code },
                    components,
                },
            },
        ))
    }

    /// React to a message the user sent; an empty `emoji` removes our reaction.
    pub fn reaction(
        to: Recipient,
        message_id: &str,
        emoji: &str,
    ) -> Result<OutboundMessage, OutboundError> {
        Ok(send(
            to,
            Content::Reaction {
                reaction: Reaction {
                    message_id: checked("message id", message_id, 1024)?,
                    emoji: emoji.to_string(),
                },
            },
        ))
    }

    /// Mark a received message read (blue ticks) and show "typing…" until we reply (or 25 s).
    pub fn mark_read_with_typing(message_id: &str) -> Result<OutboundMessage, OutboundError> {
        Ok(OutboundMessage {
            messaging_product: Product::Whatsapp,
            body: Body::Read(ReadReceipt {
                status: ReadStatus::Read,
                message_id: checked("message id", message_id, 1024)?,
                typing_indicator: Some(TypingIndicator {
                    kind: "text".into(),
                }),
            }),
        })
    }

    /// Quote `message_id` above this message (`context.message_id`). Meta does not allow it on
    /// reactions and read receipts, so there it changes nothing.
    pub fn in_reply_to(mut self, message_id: &str) -> OutboundMessage {
        if let Body::Send(s) = &mut self.body
            && !matches!(s.content, Content::Reaction { .. })
        {
            s.context = Some(Context {
                message_id: message_id.to_string(),
            });
        }
        self
    }

    /// Who it goes to (read receipts have no recipient).
    pub fn recipient(&self) -> Option<&Recipient> {
        match &self.body {
            Body::Send(s) => Some(&s.recipient),
            Body::Read(_) => None,
        }
    }

    /// For read receipts, the message marked read.
    pub fn read_message_id(&self) -> Option<&str> {
        match &self.body {
            Body::Read(r) => Some(&r.message_id),
            Body::Send(_) => None,
        }
    }

    /// `text`, `interactive`, `template`, `reaction` or `read`: safe to log.
    pub fn kind_name(&self) -> &'static str {
        match &self.body {
            Body::Read(_) => "read",
            Body::Send(s) => match s.content {
                Content::Text { .. } => "text",
                Content::Interactive { .. } => "interactive",
                Content::Template { .. } => "template",
                Content::Reaction { .. } => "reaction",
            },
        }
    }
}

fn send(to: Recipient, content: Content) -> OutboundMessage {
    OutboundMessage {
        messaging_product: Product::Whatsapp,
        body: Body::Send(Send {
            recipient_type: "individual".into(),
            recipient: to,
            context: None,
            content,
        }),
    }
}

/// Non-blank and at most `max` characters (Meta counts characters, not bytes).
fn checked(field: &'static str, value: &str, max: usize) -> Result<String, OutboundError> {
    if value.trim().is_empty() {
        return Err(OutboundError::Empty(field));
    }
    let actual = value.chars().count();
    if actual > max {
        return Err(OutboundError::TooLong { field, max, actual });
    }
    Ok(value.to_string())
}

#[cfg(test)]
mod tests;
