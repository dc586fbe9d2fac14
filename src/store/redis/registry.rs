//! The registry: officials in one hash, the version counter and the audit log list, all
//! under the `{reg}` hash tag; each commit is announced on a pub/sub channel.

use async_trait::async_trait;
use futures::stream::BoxStream;

use super::{RedisStore, keys};
use crate::registry::{AuditEntry, Official};
use crate::store::{RegistrySnapshot, RegistryStore, StoreError};

impl RedisStore {
    /// The registry versions that `commit_registry` announces (from any instance), as they
    /// arrive. The stream ends when the connection drops, and messages sent while nobody
    /// listens are lost: treat it as a hint to reload early and keep polling
    /// [`RegistryStore::registry_version`]. Single-node Redis only (`Unavailable` on a
    /// cluster).
    pub async fn subscribe_registry_changes(
        &self,
    ) -> Result<impl futures::Stream<Item = u64> + Send + 'static, StoreError> {
        use futures::StreamExt as _;
        let Some(client) = &self.client else {
            return Err(StoreError::Unavailable(
                "registry change notifications need a single-node Redis".into(),
            ));
        };
        let mut pubsub = self.run("SUBSCRIBE", client.get_async_pubsub()).await?;
        self.run("SUBSCRIBE", pubsub.subscribe(keys::REGISTRY_CHANNEL))
            .await?;
        Ok(pubsub
            .into_on_message()
            .filter_map(|msg| std::future::ready(msg.get_payload::<u64>().ok())))
    }
}

#[async_trait]
impl RegistryStore for RedisStore {
    async fn load_registry(&self) -> Result<RegistrySnapshot, StoreError> {
        let mut invocation = self.scripts.load_registry.prepare_invoke();
        invocation.key(keys::VERSION).key(keys::OFFICIALS);
        let mut conn = self.conn();
        let (version, jsons): (u64, Vec<Vec<u8>>) = self
            .run("load_registry", invocation.invoke_async(&mut conn))
            .await?;
        let mut officials = jsons
            .iter()
            .map(|json| {
                serde_json::from_slice::<Official>(json)
                    .map_err(|e| StoreError::Corrupt(format!("stored official: {e}")))
            })
            .collect::<Result<Vec<_>, _>>()?;
        officials.sort_by(|a, b| a.id.cmp(&b.id));
        Ok(RegistrySnapshot { version, officials })
    }

    async fn registry_version(&self) -> Result<u64, StoreError> {
        let mut conn = self.conn();
        let version: Option<u64> = self
            .run(
                "GET",
                redis::cmd("GET").arg(keys::VERSION).query_async(&mut conn),
            )
            .await?;
        Ok(version.unwrap_or(0))
    }

    async fn commit_registry(
        &self,
        expected_version: u64,
        puts: &[Official],
        audit: &[AuditEntry],
    ) -> Result<u64, StoreError> {
        let encode = |e: serde_json::Error| StoreError::Corrupt(format!("encode: {e}"));
        let mut invocation = self.scripts.commit_registry.prepare_invoke();
        invocation
            .key(keys::VERSION)
            .key(keys::OFFICIALS)
            .key(keys::AUDIT)
            .arg(expected_version)
            .arg(puts.len());
        for official in puts {
            invocation
                .arg(official.id.as_str())
                .arg(serde_json::to_vec(official).map_err(encode)?);
        }
        for entry in audit {
            // The seq is the entry's position in the list, assigned when read back.
            invocation.arg(serde_json::to_vec(entry).map_err(encode)?);
        }
        let mut conn = self.conn();
        let (committed, version): (u8, u64) = self
            .run("commit_registry", invocation.invoke_async(&mut conn))
            .await?;
        if committed != 1 {
            return Err(StoreError::Conflict {
                expected: expected_version,
            });
        }
        // Other instances may listen; they also poll the version, so a lost message is harmless.
        let published: Result<i64, _> = self
            .run(
                "PUBLISH",
                redis::cmd("PUBLISH")
                    .arg(keys::REGISTRY_CHANNEL)
                    .arg(version)
                    .query_async(&mut conn),
            )
            .await;
        if let Err(e) = published {
            tracing::warn!(error = %e, version, "could not announce the new registry version");
        }
        Ok(version)
    }

    async fn audit_log(&self, after: u64, limit: usize) -> Result<Vec<AuditEntry>, StoreError> {
        if limit == 0 {
            return Ok(Vec::new());
        }
        // Entry with seq s sits at list index s - 1.
        let start = after;
        let stop = after.saturating_add(limit as u64 - 1);
        let (Ok(start), Ok(stop)) = (i64::try_from(start), i64::try_from(stop)) else {
            return Ok(Vec::new());
        };
        let mut conn = self.conn();
        let jsons: Vec<Vec<u8>> = self
            .run(
                "LRANGE",
                redis::cmd("LRANGE")
                    .arg(keys::AUDIT)
                    .arg(start)
                    .arg(stop)
                    .query_async(&mut conn),
            )
            .await?;
        jsons
            .iter()
            .zip(after + 1..)
            .map(|(json, seq)| {
                let mut entry: AuditEntry = serde_json::from_slice(json)
                    .map_err(|e| StoreError::Corrupt(format!("audit entry {seq}: {e}")))?;
                entry.seq = seq;
                Ok(entry)
            })
            .collect()
    }

    async fn registry_announcements(&self) -> Result<Option<BoxStream<'static, u64>>, StoreError> {
        use futures::StreamExt as _;
        if self.client.is_none() {
            return Ok(None);
        }
        Ok(Some(self.subscribe_registry_changes().await?.boxed()))
    }
}
