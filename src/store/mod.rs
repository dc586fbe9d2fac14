//! Everything asli keeps, behind small traits by what they hold:
//!
//! - [`Inbox`]: the durable queue of work (webhook updates, replies waiting for a retry),
//!   deduplicated on the way in, handed out in order per [`GroupId`], and finished by one
//!   [`StepCommit`] per worker step (ack or re-queue, plus the step's state writes).
//! - [`StateStore`]: short-lived keyed state: conversation windows, language choices, sent
//!   markers, delivery histories, counters. Keys and their lifetimes are in [`keys`].
//! - [`RegistryStore`]: the registry of officials with its version and audit log.
//! - [`IncidentStore`]: numbers seen impersonating officials.
//!
//! [`redis::RedisStore`] (production, many instances) and [`embedded::EmbeddedStore`] (one
//! process, a file under `ASLI_DATA_DIR`) each implement every trait directly, and both pass
//! the one [`conformance`] suite. [`Stores`] bundles one backend's traits for the rest of the
//! program. The store knows nothing of WhatsApp: queue payloads are opaque bytes.
//!
//! Redis key design (ready for a Redis Cluster): every key starts with `asli:`. The inbox is
//! split into shards, `asli:{in:N}:…`, each under its own hash tag so a cluster spreads them
//! over its nodes; a group's jobs, dedupe keys and state (a staff member's window, sent
//! markers, delivery histories) all live in the shard of that group, so a worker step commits
//! in one script on one node. Registry and incident keys share `{reg}`.

use std::sync::Arc;

pub mod conformance;
pub mod embedded;
mod inbox;
mod incidents;
pub mod keys;
pub mod redis;
mod registry;
mod state;
mod waking;

pub use inbox::{
    ClaimedJob, DeadLetter, GroupId, Inbox, NewJob, Outcome, QueueStats, StepCommit, StepResult,
};
pub use incidents::{Incident, IncidentStore};
pub use registry::{RegistrySnapshot, RegistryStore};
pub use state::{StateKey, StateStore, StateWrite};
pub use waking::WakingInbox;

/// Why a store call failed.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The store could not be reached or did not answer in time: retry later.
    #[error("store unavailable: {0}")]
    Unavailable(String),
    /// An optimistic write lost the race: the registry moved since it was read.
    #[error("registry changed since version {expected}")]
    Conflict {
        /// The version the write expected.
        expected: u64,
    },
    /// Stored data could not be read back (a bug or a foreign writer).
    #[error("corrupt stored data: {0}")]
    Corrupt(String),
}

/// One backend seen through each of the store traits.
#[derive(Clone)]
pub struct Stores {
    /// The work queue.
    pub inbox: Arc<dyn Inbox>,
    /// Short-lived keyed state.
    pub state: Arc<dyn StateStore>,
    /// The registry of officials.
    pub registry: Arc<dyn RegistryStore>,
    /// Impersonation incidents.
    pub incidents: Arc<dyn IncidentStore>,
}

impl Stores {
    /// Every trait served by the one backend `store`.
    pub fn of<S>(store: Arc<S>) -> Stores
    where
        S: Inbox + StateStore + RegistryStore + IncidentStore,
    {
        Stores {
            inbox: store.clone(),
            state: store.clone(),
            registry: store.clone(),
            incidents: store,
        }
    }

    /// The same stores with the inbox replaced (for example wrapped in a [`WakingInbox`]).
    pub fn with_inbox(mut self, inbox: Arc<dyn Inbox>) -> Stores {
        self.inbox = inbox;
        self
    }
}

impl std::fmt::Debug for Stores {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Stores").finish_non_exhaustive()
    }
}
