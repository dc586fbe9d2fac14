//! Delivery statuses of our replies, recorded per outbound wamid, and what a `failed` one
//! means for the reply.
//!
//! Statuses arrive out of order: every status is kept as an event, but the current status
//! only moves forward (sent < delivered < read < played; `failed` is final). A `failed`
//! status whose code says a retry may work re-queues the reply (or its template, for 131047);
//! any other failure dead-letters it so an admin sees it. The record of a send keeps the
//! composed reply for [`REPLY_KEPT`]; two workers updating the same wamid at the same instant
//! may lose one event (never the reply: re-queueing is one atomic store call).

use std::time::{Duration, SystemTime};

use serde::{Deserialize, Serialize};

use super::deliver::PAIR_LIMIT_FLOOR;
use super::{Job, PendingReply, WorkerContext, ack};
use crate::store::{ClaimedJob, Store, StoreError};
use crate::whatsapp::{ErrorClass, StatusUpdate, classify_code};

/// How long a delivery history is kept.
const HISTORY_TTL: Duration = Duration::from_secs(30 * 24 * 3600);
/// How long the composed reply is kept with its history, to be resent on a `failed` status.
/// A day: after 24 hours only a template could reach the staff member anyway.
pub const REPLY_KEPT: Duration = Duration::from_secs(24 * 3600);
/// At most this many events are kept per message (Meta sends a handful).
const MAX_EVENTS: usize = 16;

/// One status event of an outbound message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeliveryEvent {
    /// `accepted` (the Graph API took it), `sent`, `delivered`, `read`, `played`, `failed`.
    pub status: String,
    /// Unix seconds of the event (Meta's timestamp for statuses).
    pub timestamp: u64,
    /// Meta's error codes of a `failed` status.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub error_codes: Vec<i64>,
}

/// What is known of one outbound message, as the admin API shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeliveryHistory {
    /// The outbound wamid.
    pub wamid: String,
    /// The staff member's message this answered, when we sent it from this deployment.
    pub in_reply_to: Option<String>,
    /// The furthest status reached.
    pub status: String,
    /// Every event, in the order received.
    pub events: Vec<DeliveryEvent>,
    /// Set when a `failed` status re-queued or dead-lettered the reply.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub outcome: Option<String>,
}

/// The stored form: the history plus, for a while, the reply itself.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct Stored {
    #[serde(flatten)]
    history: DeliveryHistory,
    #[serde(default)]
    reply: Option<PendingReply>,
    #[serde(default)]
    reply_until: u64,
}

fn key(wamid: &str) -> String {
    format!("delivery:{wamid}")
}

fn rank(status: &str) -> u8 {
    match status {
        "accepted" => 1,
        "sent" => 2,
        "delivered" => 3,
        "read" => 4,
        "played" => 5,
        "failed" => 6,
        _ => 0,
    }
}

fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

/// The delivery history of outbound message `wamid`; `None` when unknown or expired.
pub async fn delivery_history(
    store: &dyn Store,
    wamid: &str,
) -> Result<Option<DeliveryHistory>, StoreError> {
    Ok(load(store, wamid).await?.map(|s| s.history))
}

async fn load(store: &dyn Store, wamid: &str) -> Result<Option<Stored>, StoreError> {
    Ok(store
        .get_ephemeral(&key(wamid))
        .await?
        .and_then(|b| serde_json::from_slice::<Stored>(&b).ok()))
}

async fn save(store: &dyn Store, stored: &Stored) -> Result<(), StoreError> {
    let bytes = serde_json::to_vec(stored)
        .map_err(|e| StoreError::Corrupt(format!("delivery history: {e}")))?;
    store
        .put_ephemeral(&key(&stored.history.wamid), &bytes, HISTORY_TTL)
        .await
}

fn apply(stored: &mut Stored, event: DeliveryEvent) {
    if rank(&event.status) > rank(&stored.history.status) {
        stored.history.status = event.status.clone();
    }
    if stored.history.events.len() < MAX_EVENTS {
        stored.history.events.push(event);
    }
}

fn empty(wamid: &str) -> Stored {
    Stored {
        history: DeliveryHistory {
            wamid: wamid.to_string(),
            in_reply_to: None,
            status: String::new(),
            events: Vec::new(),
            outcome: None,
        },
        reply: None,
        reply_until: 0,
    }
}

/// Record that the Graph API accepted `reply` as `wamid`, keeping the reply for resends.
pub(super) async fn record_accepted(
    store: &dyn Store,
    wamid: &str,
    reply: &PendingReply,
) -> Result<(), StoreError> {
    let mut stored = empty(wamid);
    fill_accepted(&mut stored, reply);
    let bytes = serde_json::to_vec(&stored)
        .map_err(|e| StoreError::Corrupt(format!("delivery history: {e}")))?;
    // Usually the first word on this wamid: one round trip. A status that overtook us is
    // merged rather than overwritten.
    if store
        .put_ephemeral_if_absent(&key(wamid), &bytes, HISTORY_TTL)
        .await?
    {
        return Ok(());
    }
    let mut stored = load(store, wamid).await?.unwrap_or_else(|| empty(wamid));
    fill_accepted(&mut stored, reply);
    save(store, &stored).await
}

fn fill_accepted(stored: &mut Stored, reply: &PendingReply) {
    stored.history.in_reply_to = Some(reply.inbound_id.clone());
    stored.reply = Some(reply.clone());
    stored.reply_until = unix_now() + REPLY_KEPT.as_secs();
    apply(
        stored,
        DeliveryEvent {
            status: "accepted".into(),
            timestamp: unix_now(),
            error_codes: Vec::new(),
        },
    );
}

/// Record `status`; on a `failed` one, re-queue or dead-letter the reply. Then acknowledge.
pub(super) async fn handle(
    ctx: &WorkerContext,
    claimed: &ClaimedJob,
    status: StatusUpdate,
) -> Result<(), StoreError> {
    let store = ctx.store.as_ref();
    let mut stored = load(store, &status.id)
        .await?
        .unwrap_or_else(|| empty(&status.id));
    let event = DeliveryEvent {
        status: status.status.as_str().to_string(),
        timestamp: status.timestamp,
        error_codes: status.errors.iter().map(|e| e.code).collect(),
    };
    let failed = event.status == "failed";
    apply(&mut stored, event.clone());
    if !failed {
        save(store, &stored).await?;
        return ack(ctx, claimed).await;
    }
    metrics::counter!("asli_reply_delivery_failed_total").increment(1);
    let reply = stored
        .reply
        .take()
        .filter(|_| stored.reply_until >= unix_now());
    let Some(reply) = reply else {
        tracing::warn!(codes = ?event.error_codes, "a message failed to deliver; no reply kept to resend");
        save(store, &stored).await?;
        return ack(ctx, claimed).await;
    };
    let class = event
        .error_codes
        .first()
        .map(|c| classify_code(*c))
        .unwrap_or(ErrorClass::RetryLater {
            reason: crate::whatsapp::RetryReason::Unavailable,
        });
    let error = status
        .errors
        .first()
        .map(|e| e.to_string())
        .unwrap_or_else(|| "failed status without an error".into());
    let mut resend = PendingReply {
        attempts: reply.attempts + 1,
        last_error: Some(error.clone()),
        resend_of: Some(status.id.clone()),
        ..reply
    };
    let retryable = match class {
        ErrorClass::RetryLater { .. } => true,
        ErrorClass::NeedsTemplate if !resend.via_template => {
            resend.via_template = true;
            true
        }
        _ => false,
    };
    if retryable && ctx.retry.may_retry(resend.attempts) {
        let floor = if class.is_per_recipient() {
            PAIR_LIMIT_FLOOR
        } else {
            Duration::ZERO
        };
        let at = SystemTime::now() + ctx.retry.delay(resend.attempts, floor);
        tracing::warn!(%error, attempts = resend.attempts, "reply failed to deliver; re-queued");
        metrics::counter!("asli_replies_requeued_total").increment(1);
        stored.history.outcome = Some("requeued".into());
        // Re-queue first: a crash before the history is saved re-queues again, and the
        // resend's sent-marker check lets only one of the two go out.
        ctx.store
            .reschedule(claimed, &Job::Reply(resend).encode(), at)
            .await?;
    } else {
        tracing::error!(%error, attempts = resend.attempts, "reply failed to deliver; dead-lettered");
        stored.history.outcome = Some("dead_lettered".into());
        ctx.store
            .dead_letter(claimed, &Job::Reply(resend).encode(), &error)
            .await?;
    }
    save(store, &stored).await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ev(status: &str) -> DeliveryEvent {
        DeliveryEvent {
            status: status.into(),
            timestamp: 1,
            error_codes: Vec::new(),
        }
    }

    #[test]
    fn a_later_status_never_goes_back() {
        let mut s = empty("wamid.X");
        for status in ["read", "sent", "delivered"] {
            apply(&mut s, ev(status));
        }
        assert_eq!(s.history.status, "read");
        assert_eq!(s.history.events.len(), 3);
    }

    #[test]
    fn failed_is_final() {
        let mut s = empty("wamid.X");
        apply(&mut s, ev("failed"));
        apply(&mut s, ev("delivered"));
        assert_eq!(s.history.status, "failed");
    }

    #[test]
    fn events_are_bounded() {
        let mut s = empty("wamid.X");
        for _ in 0..100 {
            apply(&mut s, ev("sent"));
        }
        assert_eq!(s.history.events.len(), MAX_EVENTS);
    }
}
