//! Short-lived keyed state: values with a lifetime, and fixed-window counters.

use std::time::Duration;

use async_trait::async_trait;

use super::{GroupId, StoreError};

/// A state key. Build them with the functions in [`super::keys`], which also name their
/// lifetimes. A key that belongs to a group lives beside that group's jobs (on Redis, in the
/// same inbox shard), so a worker step can write it in the same commit as its ack.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct StateKey {
    group: Option<GroupId>,
    name: String,
}

impl StateKey {
    /// A key kept beside `group`'s jobs.
    pub fn grouped(group: &GroupId, name: impl Into<String>) -> StateKey {
        StateKey {
            group: Some(group.clone()),
            name: name.into(),
        }
    }

    /// A key of no group.
    pub fn global(name: impl Into<String>) -> StateKey {
        StateKey {
            group: None,
            name: name.into(),
        }
    }

    /// The group it belongs with, if any.
    pub fn group(&self) -> Option<&GroupId> {
        self.group.as_ref()
    }

    /// Its name, unique among all keys.
    pub fn name(&self) -> &str {
        &self.name
    }
}

/// One write to state, as part of a [`super::StepCommit`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StateWrite {
    /// Set `key` to `value` for `ttl` (overwrites).
    Put {
        /// The key.
        key: StateKey,
        /// The value.
        value: Vec<u8>,
        /// How long it lives.
        ttl: Duration,
    },
    /// Delete `key`.
    Delete(StateKey),
    /// Add one to the counter `key`; a new counter lives for `ttl` (a fixed window).
    Incr {
        /// The counter.
        key: StateKey,
        /// The window of a new counter.
        ttl: Duration,
    },
}

impl StateWrite {
    /// The key written.
    pub fn key(&self) -> &StateKey {
        match self {
            StateWrite::Put { key, .. }
            | StateWrite::Delete(key)
            | StateWrite::Incr { key, .. } => key,
        }
    }
}

/// Values with a lifetime and fixed-window counters. Counters read back through
/// [`StateStore::get_many`] as their decimal digits.
#[async_trait]
pub trait StateStore: Send + Sync + 'static {
    /// The live values of `keys`, in order (`None` for a missing or expired key). One round
    /// trip where the keys share a group.
    async fn get_many(&self, keys: &[StateKey]) -> Result<Vec<Option<Vec<u8>>>, StoreError>;

    /// The live value of `key`.
    async fn get(&self, key: &StateKey) -> Result<Option<Vec<u8>>, StoreError> {
        Ok(self
            .get_many(std::slice::from_ref(key))
            .await?
            .pop()
            .flatten())
    }

    /// The live value of a grouped key when its group is unknown (an admin looking up a
    /// message by id): every place such a key can live is looked at.
    async fn find_grouped(&self, name: &str) -> Result<Option<Vec<u8>>, StoreError>;

    /// Set `key` to `value` for `ttl` (overwrites).
    async fn put(&self, key: &StateKey, value: &[u8], ttl: Duration) -> Result<(), StoreError>;

    /// Set `key` to `value` for `ttl` only if it is absent; `true` when it was set.
    async fn put_if_absent(
        &self,
        key: &StateKey,
        value: &[u8],
        ttl: Duration,
    ) -> Result<bool, StoreError>;

    /// Atomically read and delete `key`.
    async fn take(&self, key: &StateKey) -> Result<Option<Vec<u8>>, StoreError>;

    /// Add one to the counter `key` and return the new value; a new counter lives for `ttl`
    /// (a fixed window: later increments do not extend it).
    async fn incr(&self, key: &StateKey, ttl: Duration) -> Result<u64, StoreError>;
}
