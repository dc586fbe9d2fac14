//! The delivery history of one of our replies: every status event, the furthest stage
//! reached, and for a day the composed reply itself (to resend it on a `failed` status).
//!
//! Statuses arrive out of order: every one is kept as an event, but the stage only moves
//! forward (accepted < sent < delivered < read < played; `failed` is final). A status is
//! handled in its staff member's inbox group, after the step that sent the reply committed,
//! so the history it updates always exists already and no two steps update it at once.

use std::time::{Duration, SystemTime};

use serde::{Deserialize, Serialize};

use crate::jobs::PendingReply;
use crate::store::{GroupId, StateWrite, keys};
use crate::whatsapp::DeliveryStatus;

/// How long the composed reply is kept with its history, to be resent on a `failed` status.
/// A day: after 24 hours only a template could reach the staff member anyway.
pub const REPLY_KEPT: Duration = Duration::from_secs(24 * 3600);
/// At most this many events are kept per message (Meta sends a handful).
const MAX_EVENTS: usize = 16;

/// How far an outbound message got, in order; `failed` is final.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum DeliveryStage {
    /// Nothing known yet (a history created by a status we did not send).
    #[serde(rename = "")]
    Unknown,
    /// The Graph API took it.
    Accepted,
    /// WhatsApp accepted it (one tick).
    Sent,
    /// On the phone (two ticks).
    Delivered,
    /// Read (blue ticks).
    Read,
    /// A voice message was played.
    Played,
    /// Could not be delivered.
    Failed,
}

impl DeliveryStage {
    /// The stage a webhook status reports; `None` for a status name this code does not know
    /// (kept as an event, it moves nothing).
    pub fn of(status: &DeliveryStatus) -> Option<DeliveryStage> {
        match status {
            DeliveryStatus::Sent => Some(DeliveryStage::Sent),
            DeliveryStatus::Delivered => Some(DeliveryStage::Delivered),
            DeliveryStatus::Read => Some(DeliveryStage::Read),
            DeliveryStatus::Played => Some(DeliveryStage::Played),
            DeliveryStatus::Failed => Some(DeliveryStage::Failed),
            DeliveryStatus::Unknown(_) => None,
        }
    }
}

/// One status event of an outbound message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeliveryEvent {
    /// `accepted` (the Graph API took it), `sent`, `delivered`, `read`, `played`, `failed`,
    /// or a newer status by Meta's name.
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
    /// The furthest stage reached.
    pub status: DeliveryStage,
    /// Every event, in the order received (at most 16).
    pub events: Vec<DeliveryEvent>,
    /// Set when a `failed` status re-queued or dead-lettered the reply.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub outcome: Option<String>,
}

/// The stored form: the history plus, for a while, the reply itself.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(super) struct Record {
    #[serde(flatten)]
    pub history: DeliveryHistory,
    #[serde(default)]
    reply: Option<PendingReply>,
    #[serde(default)]
    reply_until: u64,
}

impl Record {
    /// A record of `wamid` with nothing in it yet.
    pub fn empty(wamid: &str) -> Record {
        Record {
            history: DeliveryHistory {
                wamid: wamid.to_string(),
                in_reply_to: None,
                status: DeliveryStage::Unknown,
                events: Vec::new(),
                outcome: None,
            },
            reply: None,
            reply_until: 0,
        }
    }

    /// The record of a reply the Graph API just accepted as `wamid`.
    pub fn accepted(wamid: &str, reply: &PendingReply) -> Record {
        let mut record = Record::empty(wamid);
        record.history.in_reply_to = Some(reply.inbound_id.clone());
        record.reply = Some(reply.clone());
        record.reply_until = unix_now() + REPLY_KEPT.as_secs();
        record.add(
            Some(DeliveryStage::Accepted),
            DeliveryEvent {
                status: "accepted".into(),
                timestamp: unix_now(),
                error_codes: Vec::new(),
            },
        );
        record
    }

    /// Decode a stored record; an unreadable one counts as none.
    pub fn decode(bytes: &[u8]) -> Option<Record> {
        serde_json::from_slice(bytes).ok()
    }

    /// Keep `event`; move the stage forward when `stage` is further.
    pub fn add(&mut self, stage: Option<DeliveryStage>, event: DeliveryEvent) {
        if let Some(stage) = stage.filter(|s| *s > self.history.status) {
            self.history.status = stage;
        }
        if self.history.events.len() < MAX_EVENTS {
            self.history.events.push(event);
        }
    }

    /// The kept reply, while it is kept; taken out of the record.
    pub fn take_reply(&mut self) -> Option<PendingReply> {
        self.reply.take().filter(|_| self.reply_until >= unix_now())
    }

    /// The write that stores this record in `staff`'s state.
    pub fn write(&self, staff: &GroupId) -> StateWrite {
        StateWrite::Put {
            key: keys::delivery(staff, &self.history.wamid),
            value: serde_json::to_vec(self).expect("a delivery record always serialises"),
            ttl: keys::DELIVERY_TTL,
        }
    }
}

fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn add(record: &mut Record, status: &str) {
        let status = DeliveryStatus::from(status.to_string());
        record.add(
            DeliveryStage::of(&status),
            DeliveryEvent {
                status: status.to_string(),
                timestamp: 1,
                error_codes: Vec::new(),
            },
        );
    }

    #[test]
    fn a_later_status_never_goes_back() {
        let mut r = Record::empty("wamid.X");
        for status in ["read", "sent", "delivered"] {
            add(&mut r, status);
        }
        assert_eq!(r.history.status, DeliveryStage::Read);
        assert_eq!(r.history.events.len(), 3);
    }

    #[test]
    fn failed_is_final_and_unknown_statuses_move_nothing() {
        let mut r = Record::empty("wamid.X");
        add(&mut r, "failed");
        add(&mut r, "delivered");
        add(&mut r, "deleted");
        assert_eq!(r.history.status, DeliveryStage::Failed);
        assert_eq!(r.history.events.len(), 3);
    }

    #[test]
    fn events_are_bounded() {
        let mut r = Record::empty("wamid.X");
        for _ in 0..100 {
            add(&mut r, "sent");
        }
        assert_eq!(r.history.events.len(), MAX_EVENTS);
    }

    #[test]
    fn the_stage_reads_and_writes_as_meta_names_it() {
        let json = serde_json::to_string(&DeliveryStage::Delivered).expect("json");
        assert_eq!(json, "\"delivered\"");
        let back: DeliveryStage = serde_json::from_str("\"accepted\"").expect("parse");
        assert_eq!(back, DeliveryStage::Accepted);
    }
}
