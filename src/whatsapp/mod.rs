//! Everything that speaks Meta's WhatsApp Cloud API.
//!
//! [`signature`]: checks the `X-Hub-Signature-256` HMAC over the raw webhook body, before
//! anything is parsed, and signs bodies the same way for tests.
//!
//! [`inbound`]: the webhook JSON as Meta documents it (`inbound::wire`), and its flattening
//! into one [`Update`] per message, status or error, in our own self-contained form that the
//! durable inbox stores ([`InboundMessage`], [`StatusUpdate`]).
//!
//! [`outbound`]: the bodies we POST to `/{phone_number_id}/messages` (text, reply buttons,
//! templates, reactions, read receipts with typing indicator), validated when built so Meta
//! never sees a request we could have known was wrong.
//!
//! [`graph`]: the Graph API client: one pooled HTTPS client, a timeout on every call, and Meta's
//! error body parsed into a [`GraphError`].
//!
//! [`errors`]: what to do about a Meta error code ([`ErrorClass`]), the same for a failed send
//! call and a `failed` status webhook.

pub mod errors;
pub mod graph;
pub mod inbound;
pub mod outbound;
pub mod signature;

pub use errors::{ErrorClass, RetryReason, classify_code, classify_known_code};
pub use graph::{GraphClient, GraphError, GraphTimeouts, MetaError, SentMessage};
pub use inbound::{
    ContactCard, DeliveryStatus, ErrorOrigin, InboundMessage, MediaType, MessageKind, PayloadError,
    StatusUpdate, Update, WebhookError, WebhookErrorUpdate, WebhookPayload,
};
pub use outbound::{OutboundError, OutboundMessage, Recipient, ReplyButton, WaId};
pub use signature::{SIGNATURE_HEADER, SignatureError, sign, verify_signature};
