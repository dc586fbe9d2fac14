//! What the inbox holds, shared by the webhook that enqueues it and the worker that does it:
//! the [`Job`] and its parts, and the pseudonym ([`Staff`]) that keys everything about a
//! staff member, so their number never becomes a key.

mod job;
mod staff;

pub use job::{Job, PendingReply};
pub use staff::{Pseudonyms, Staff};
