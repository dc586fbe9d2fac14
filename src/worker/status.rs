//! Delivery statuses of our replies: recorded per outbound wamid, never answered.
//!
//! Statuses arrive out of order; a status only replaces a lower-ranked one
//! (sent < delivered < read; `failed` is final).

use std::time::Duration;

use serde::{Deserialize, Serialize};

use super::{WorkerContext, ack};
use crate::store::{ClaimedJob, StoreError};
use crate::whatsapp::StatusUpdate;

/// How long a delivery history is kept.
const STATUS_TTL: Duration = Duration::from_secs(30 * 24 * 3600);

/// The latest known state of one outbound message.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct DeliveryRecord {
    /// `sent`, `delivered`, `read`, `played`, `failed`.
    pub status: String,
    /// Unix seconds of that status.
    pub timestamp: u64,
    /// Error codes of a failed delivery.
    pub error_codes: Vec<i64>,
}

fn rank(status: &str) -> u8 {
    match status {
        "sent" => 1,
        "delivered" => 2,
        "read" => 3,
        "played" => 4,
        "failed" => 5,
        _ => 0,
    }
}

/// Record `status` if it moves the message forward, then acknowledge.
pub(super) async fn handle(
    ctx: &WorkerContext,
    claimed: &ClaimedJob,
    status: StatusUpdate,
) -> Result<(), StoreError> {
    let key = format!("delivery:{}", status.id);
    let new = DeliveryRecord {
        status: status.status.as_str().to_string(),
        timestamp: status.timestamp,
        error_codes: status.errors.iter().map(|e| e.code).collect(),
    };
    let current = ctx
        .store
        .get_ephemeral(&key)
        .await?
        .and_then(|b| serde_json::from_slice::<DeliveryRecord>(&b).ok());
    if current
        .as_ref()
        .is_none_or(|c| rank(&new.status) > rank(&c.status))
    {
        let bytes = serde_json::to_vec(&new).expect("record serialises");
        ctx.store.put_ephemeral(&key, &bytes, STATUS_TTL).await?;
    }
    if new.status == "failed" {
        tracing::warn!(codes = ?new.error_codes, "a reply failed to deliver");
        metrics::counter!("asli_reply_delivery_failed_total").increment(1);
    }
    ack(ctx, claimed).await
}
