//! What the inbox holds: the durable form of each piece of work.

use serde::{Deserialize, Serialize};

use crate::verify::{Language, Verdict};
use crate::whatsapp::{InboundMessage, StatusUpdate};

/// One unit of queued work. Stored as JSON; the variants are part of the on-disk format, so
/// rename nothing without a migration.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Job {
    /// A message from a staff member: analyse it and reply.
    Inbound {
        /// The message as received.
        message: InboundMessage,
    },
    /// A delivery status of one of our replies: record it.
    Status {
        /// The status as received.
        status: StatusUpdate,
    },
    /// A composed reply waiting for (another) delivery attempt.
    Reply(PendingReply),
}

impl Job {
    /// Encode for the queue.
    pub fn encode(&self) -> Vec<u8> {
        serde_json::to_vec(self).expect("a Job always serialises")
    }

    /// Decode from the queue; `None` for bytes that are not a job (they are dead-lettered).
    pub fn decode(bytes: &[u8]) -> Result<Job, serde_json::Error> {
        serde_json::from_slice(bytes)
    }
}

/// A reply, composed once, delivered at least once and — barring a crash in the middle of a
/// send — at most once.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PendingReply {
    /// The wamid of the staff member's message this answers (the idempotency key).
    pub inbound_id: String,
    /// Our business number's id, from the webhook metadata.
    pub phone_number_id: String,
    /// The staff member's WhatsApp id (digits), when known.
    pub to_wa_id: Option<String>,
    /// The staff member's business-scoped user id, when no number is given.
    pub to_user_id: Option<String>,
    /// The reply text.
    pub text: String,
    /// The language of the reply (for the template fallback); `"en"`/`"hi"` in JSON.
    pub language: Language,
    /// The verdict, for metrics and the warning template; its code in JSON. `None` for
    /// notices (help, slow down).
    pub verdict: Option<Verdict>,
    /// Delivery attempts made so far.
    pub attempts: u32,
    /// The error of the last failed attempt.
    pub last_error: Option<String>,
    /// Send the approved warning template instead of the text (the 24-hour window closed).
    #[serde(default)]
    pub via_template: bool,
    /// The wamid of an earlier send of this reply that WhatsApp reported `failed`: the
    /// sent-marker naming that wamid does not stop this resend.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resend_of: Option<String>,
}
