//! The registry in redb: officials by id, the version in `META`, the audit log by seq.

use async_trait::async_trait;
use redb::ReadableTable;

use super::{AUDIT, EmbeddedStore, META, OFFICIALS, REGISTRY_VERSION, corrupt, db_error};
use crate::registry::{AuditEntry, Official};
use crate::store::{RegistrySnapshot, RegistryStore, StoreError};

#[async_trait]
impl RegistryStore for EmbeddedStore {
    async fn load_registry(&self) -> Result<RegistrySnapshot, StoreError> {
        self.read(|txn| {
            let meta = txn.open_table(META).map_err(db_error)?;
            let version = meta
                .get(REGISTRY_VERSION)
                .map_err(db_error)?
                .map_or(0, |g| g.value());
            let table = txn.open_table(OFFICIALS).map_err(db_error)?;
            // Keys are official ids, so the table order is the id order.
            let officials = table
                .iter()
                .map_err(db_error)?
                .map(|entry| {
                    let (_, json) = entry.map_err(db_error)?;
                    serde_json::from_str(json.value()).map_err(|e| corrupt("stored official", e))
                })
                .collect::<Result<Vec<Official>, StoreError>>()?;
            Ok(RegistrySnapshot { version, officials })
        })
        .await
    }

    async fn registry_version(&self) -> Result<u64, StoreError> {
        self.read(|txn| {
            let meta = txn.open_table(META).map_err(db_error)?;
            let version = meta.get(REGISTRY_VERSION).map_err(db_error)?;
            Ok(version.map_or(0, |g| g.value()))
        })
        .await
    }

    async fn commit_registry(
        &self,
        expected_version: u64,
        puts: &[Official],
        audit: &[AuditEntry],
    ) -> Result<u64, StoreError> {
        // Encode before the write, so the batch it joins stays short.
        let puts = puts
            .iter()
            .map(|o| Ok((o.id.as_str().to_string(), serde_json::to_string(o)?)))
            .collect::<Result<Vec<_>, serde_json::Error>>()
            .map_err(|e| corrupt("encode official", e))?;
        let audit = audit.to_vec();
        self.write(move |txn| {
            let mut meta = txn.open_table(META).map_err(db_error)?;
            let current = meta
                .get(REGISTRY_VERSION)
                .map_err(db_error)?
                .map_or(0, |g| g.value());
            if current != expected_version {
                // Nothing written yet: the rest of the batch goes on.
                return Err(StoreError::Conflict {
                    expected: expected_version,
                });
            }
            let mut log = txn.open_table(AUDIT).map_err(db_error)?;
            let mut seq = log.last().map_err(db_error)?.map_or(0, |(k, _)| k.value());
            let mut entries = Vec::with_capacity(audit.len());
            for mut entry in audit {
                seq += 1;
                entry.seq = seq;
                let json = serde_json::to_string(&entry).map_err(|e| corrupt("encode audit", e))?;
                entries.push((seq, json));
            }
            let version = current + 1;
            meta.insert(REGISTRY_VERSION, version).map_err(db_error)?;
            for (seq, json) in &entries {
                log.insert(*seq, json.as_str()).map_err(db_error)?;
            }
            let mut officials = txn.open_table(OFFICIALS).map_err(db_error)?;
            for (id, json) in &puts {
                officials
                    .insert(id.as_str(), json.as_str())
                    .map_err(db_error)?;
            }
            Ok((version, None))
        })
        .await
    }

    async fn audit_log(&self, after: u64, limit: usize) -> Result<Vec<AuditEntry>, StoreError> {
        self.read(move |txn| {
            let log = txn.open_table(AUDIT).map_err(db_error)?;
            log.range(after.saturating_add(1)..)
                .map_err(db_error)?
                .take(limit)
                .map(|entry| {
                    let (_, json) = entry.map_err(db_error)?;
                    serde_json::from_str(json.value()).map_err(|e| corrupt("audit entry", e))
                })
                .collect()
        })
        .await
    }
}
