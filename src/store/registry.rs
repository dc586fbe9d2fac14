//! The registry of officials as stored: a versioned set of officials and its audit log.

use async_trait::async_trait;
use futures::stream::BoxStream;

use super::StoreError;
use crate::registry::{AuditEntry, Official};

/// The registry as stored at one version.
#[derive(Debug, Clone, Default)]
pub struct RegistrySnapshot {
    /// Grows by one with every committed write; 0 for an empty, never-written registry.
    pub version: u64,
    /// Every official, ordered by id.
    pub officials: Vec<Official>,
}

/// The registry: read whole, written by compare-and-set on its version.
#[async_trait]
pub trait RegistryStore: Send + Sync + 'static {
    /// The whole registry at its current version.
    async fn load_registry(&self) -> Result<RegistrySnapshot, StoreError>;

    /// The current registry version (cheap; callers poll it to know when to reload).
    async fn registry_version(&self) -> Result<u64, StoreError>;

    /// Atomically, only if the registry is still at `expected_version`: write every official
    /// in `puts` (insert or replace by id), append `audit` to the audit log (numbering the
    /// entries), and move the version to `expected_version + 1`, which is returned.
    /// `StoreError::Conflict` when the version moved; then nothing is written.
    async fn commit_registry(
        &self,
        expected_version: u64,
        puts: &[Official],
        audit: &[AuditEntry],
    ) -> Result<u64, StoreError>;

    /// Audit entries with `seq > after`, oldest first, at most `limit`.
    async fn audit_log(&self, after: u64, limit: usize) -> Result<Vec<AuditEntry>, StoreError>;

    /// Registry versions as other instances commit them (Redis pub/sub), so that an instance
    /// rebuilds its matcher before the next message needs it. `None` where the store has no
    /// other writers to hear from (the embedded store) or cannot announce (Redis Cluster).
    /// Announcements are hints: readers still check [`RegistryStore::registry_version`].
    async fn registry_announcements(&self) -> Result<Option<BoxStream<'static, u64>>, StoreError> {
        Ok(None)
    }
}
