//! Every state key asli writes, and how long each lives: the one place key names are made.
//!
//! Keys of a staff member (their [`GroupId`]) live beside their jobs, so a worker step writes
//! them in the same commit as its ack; admin and engine keys belong to no group.

use std::time::Duration;

use super::{GroupId, StateKey};

/// Dedupe keys and sent markers outlive Meta's 7-day retry window.
pub const DEDUPE_TTL: Duration = Duration::from_secs(8 * 24 * 3600);
/// A staff member's language choice is remembered this long.
pub const LANGUAGE_TTL: Duration = Duration::from_secs(365 * 24 * 3600);
/// How long the delivery history of one of our replies is kept.
pub const DELIVERY_TTL: Duration = Duration::from_secs(30 * 24 * 3600);
/// The admin sign-in brake's window: failures counted, and the lock-out, this long.
pub const SIGNIN_WINDOW: Duration = Duration::from_secs(5 * 60);
/// Long enough to be forever in practice (markers that only need to outlive caches).
pub const FOREVER: Duration = Duration::from_secs(10 * 365 * 24 * 3600);

/// Dedupe key of an inbound message (`wamid`).
pub fn message_dedupe(wamid: &str) -> String {
    format!("msg:{wamid}")
}

/// Dedupe key of one status (`sent`, `read`, …) of an outbound message.
pub fn status_dedupe(wamid: &str, status: &str) -> String {
    format!("status:{wamid}:{status}")
}

/// Dedupe key of a signed webhook body that could not be understood (by its digest).
pub fn unreadable_dedupe(digest_hex: &str) -> String {
    format!("raw:{digest_hex}")
}

/// The marker that the reply to `inbound_wamid` went out (value: the outbound wamid);
/// lives [`DEDUPE_TTL`].
pub fn sent(staff: &GroupId, inbound_wamid: &str) -> StateKey {
    StateKey::grouped(staff, format!("sent:{inbound_wamid}"))
}

/// The delivery history of one of our replies (`outbound_wamid`); lives [`DELIVERY_TTL`].
pub fn delivery(staff: &GroupId, outbound_wamid: &str) -> StateKey {
    StateKey::grouped(staff, delivery_name(outbound_wamid))
}

/// The name of [`delivery`]'s key, to find it without knowing the staff member.
pub fn delivery_name(outbound_wamid: &str) -> String {
    format!("delivery:{outbound_wamid}")
}

/// A staff member's text waiting for its number; lives `ASLI_CONVERSATION_WINDOW_SECS`.
pub fn window(staff: &GroupId) -> StateKey {
    StateKey::grouped(staff, format!("window:{staff}"))
}

/// A staff member's language choice; lives [`LANGUAGE_TTL`].
pub fn language(staff: &GroupId) -> StateKey {
    StateKey::grouped(staff, format!("lang:{staff}"))
}

/// A staff member's message counter for the flood limit; a window of
/// `ASLI_SENDER_WINDOW_SECS`.
pub fn flood(staff: &GroupId) -> StateKey {
    StateKey::grouped(staff, format!("flood:{staff}"))
}

/// Failed admin sign-ins from one client address; a window of [`SIGNIN_WINDOW`].
pub fn signin_failures(client: &str) -> StateKey {
    StateKey::global(format!("admin_auth_fail:{client}"))
}

/// A client address locked out of the admin API; lives [`SIGNIN_WINDOW`].
pub fn signin_lock(client: &str) -> StateKey {
    StateKey::global(format!("admin_auth_lock:{client}"))
}

/// Changes whenever a number is newly reported, so every instance's matcher reloads the
/// reported numbers; lives [`FOREVER`].
pub fn reported_generation() -> StateKey {
    StateKey::global("reported-generation")
}
