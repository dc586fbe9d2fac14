//! The private serde structs behind [`super::OutboundMessage`]: Meta's JSON, field for field.
//! Kept apart so the public module reads as constructors and their rules.

use serde::{Deserialize, Serialize};

use super::Recipient;

/// Always `"whatsapp"`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub(super) enum Product {
    Whatsapp,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub(super) enum Body {
    Read(ReadReceipt),
    Send(Send),
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(super) struct ReadReceipt {
    pub(super) status: ReadStatus,
    pub(super) message_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(super) typing_indicator: Option<TypingIndicator>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub(super) enum ReadStatus {
    Read,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(super) struct TypingIndicator {
    #[serde(rename = "type")]
    pub(super) kind: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(super) struct Send {
    pub(super) recipient_type: String,
    #[serde(flatten)]
    pub(super) recipient: Recipient,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(super) context: Option<Context>,
    #[serde(flatten)]
    pub(super) content: Content,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(super) struct Context {
    pub(super) message_id: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "lowercase")]
pub(super) enum Content {
    Text { text: Text },
    Interactive { interactive: Interactive },
    Template { template: Template },
    Reaction { reaction: Reaction },
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(super) struct Text {
    pub(super) preview_url: bool,
    pub(super) body: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(super) struct Interactive {
    #[serde(rename = "type")]
    pub(super) kind: String,
    pub(super) body: TextObject,
    pub(super) action: ButtonsAction,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(super) struct TextObject {
    pub(super) text: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(super) struct ButtonsAction {
    pub(super) buttons: Vec<WireButton>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(super) struct WireButton {
    #[serde(rename = "type")]
    pub(super) kind: String,
    pub(super) reply: WireReply,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(super) struct WireReply {
    pub(super) id: String,
    pub(super) title: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(super) struct Template {
    pub(super) name: String,
    pub(super) language: Language,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub(super) components: Vec<Component>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(super) struct Language {
    pub(super) code: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(super) struct Component {
    #[serde(rename = "type")]
    pub(super) kind: String,
    pub(super) parameters: Vec<Parameter>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(super) struct Parameter {
    #[serde(rename = "type")]
    pub(super) kind: String,
    pub(super) text: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(super) struct Reaction {
    pub(super) message_id: String,
    pub(super) emoji: String,
}
