//! Ephemeral values, fixed-window counters, the registry (with version CAS and audit log)
//! and incidents.

use std::time::Duration;

use super::{RedisStore, keys, ttl_ms};
use crate::registry::{AuditEntry, Official};
use crate::store::{Incident, RegistrySnapshot, StoreError};

/// One incident as the scripts return it: reporters, first, last, claimed ids.
type IncidentRow = (u64, u64, u64, Vec<String>);

impl RedisStore {
    pub(super) async fn state_put_ephemeral(
        &self,
        key: &str,
        value: &[u8],
        ttl: Duration,
    ) -> Result<(), StoreError> {
        let mut conn = self.conn();
        let _: String = self
            .run(
                "SET",
                redis::cmd("SET")
                    .arg(format!("{}{key}", keys::EPHEMERAL_PREFIX))
                    .arg(value)
                    .arg("PX")
                    .arg(ttl_ms(ttl))
                    .query_async(&mut conn),
            )
            .await?;
        Ok(())
    }

    pub(super) async fn state_put_ephemeral_if_absent(
        &self,
        key: &str,
        value: &[u8],
        ttl: Duration,
    ) -> Result<bool, StoreError> {
        let mut conn = self.conn();
        let set: Option<String> = self
            .run(
                "SET NX",
                redis::cmd("SET")
                    .arg(format!("{}{key}", keys::EPHEMERAL_PREFIX))
                    .arg(value)
                    .arg("NX")
                    .arg("PX")
                    .arg(ttl_ms(ttl))
                    .query_async(&mut conn),
            )
            .await?;
        Ok(set.is_some())
    }

    pub(super) async fn state_get_ephemeral(
        &self,
        key: &str,
    ) -> Result<Option<Vec<u8>>, StoreError> {
        let mut conn = self.conn();
        self.run(
            "GET",
            redis::cmd("GET")
                .arg(format!("{}{key}", keys::EPHEMERAL_PREFIX))
                .query_async(&mut conn),
        )
        .await
    }

    pub(super) async fn state_take_ephemeral(
        &self,
        key: &str,
    ) -> Result<Option<Vec<u8>>, StoreError> {
        let mut conn = self.conn();
        self.run(
            "GETDEL",
            redis::cmd("GETDEL")
                .arg(format!("{}{key}", keys::EPHEMERAL_PREFIX))
                .query_async(&mut conn),
        )
        .await
    }

    pub(super) async fn state_incr_counter(
        &self,
        key: &str,
        ttl: Duration,
    ) -> Result<u64, StoreError> {
        let mut invocation = self.scripts.counter.prepare_invoke();
        invocation
            .key(format!("{}{key}", keys::COUNTER_PREFIX))
            .arg(ttl_ms(ttl));
        let mut conn = self.conn();
        self.run("incr_counter", invocation.invoke_async(&mut conn))
            .await
    }

    pub(super) async fn state_load_registry(&self) -> Result<RegistrySnapshot, StoreError> {
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

    pub(super) async fn state_registry_version(&self) -> Result<u64, StoreError> {
        let mut conn = self.conn();
        let version: Option<u64> = self
            .run(
                "GET",
                redis::cmd("GET").arg(keys::VERSION).query_async(&mut conn),
            )
            .await?;
        Ok(version.unwrap_or(0))
    }

    pub(super) async fn state_commit_registry(
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

    pub(super) async fn state_audit_log(
        &self,
        after: u64,
        limit: usize,
    ) -> Result<Vec<AuditEntry>, StoreError> {
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

    pub(super) async fn state_record_incident(
        &self,
        number: &str,
        reporter: &str,
        claimed: &[String],
        at: u64,
    ) -> Result<Incident, StoreError> {
        let base = format!("{}{number}", keys::INCIDENT_PREFIX);
        let mut invocation = self.scripts.record_incident.prepare_invoke();
        invocation
            .key(&base)
            .key(format!("{base}:reporters"))
            .key(format!("{base}:claimed"))
            .key(keys::INCIDENTS)
            .arg(number)
            .arg(reporter)
            .arg(at);
        for id in claimed {
            invocation.arg(id);
        }
        let mut conn = self.conn();
        let (reporters, first_seen, last_seen, claimed): IncidentRow = self
            .run("record_incident", invocation.invoke_async(&mut conn))
            .await?;
        Ok(Incident {
            number: number.to_string(),
            reporters,
            first_seen,
            last_seen,
            claimed,
        })
    }

    pub(super) async fn state_incidents(
        &self,
        after: Option<&str>,
        limit: usize,
    ) -> Result<Vec<Incident>, StoreError> {
        if limit == 0 {
            return Ok(Vec::new());
        }
        let start = after.map_or_else(|| "-".to_string(), |a| format!("({a}"));
        let mut invocation = self.scripts.incidents.prepare_invoke();
        invocation
            .key(keys::INCIDENTS)
            .arg(start)
            .arg(limit)
            .arg(keys::INCIDENT_PREFIX);
        let mut conn = self.conn();
        let rows: Vec<(String, u64, u64, u64, Vec<String>)> = self
            .run("incidents", invocation.invoke_async(&mut conn))
            .await?;
        Ok(rows
            .into_iter()
            .map(
                |(number, reporters, first_seen, last_seen, claimed)| Incident {
                    number,
                    reporters,
                    first_seen,
                    last_seen,
                    claimed,
                },
            )
            .collect())
    }
}
