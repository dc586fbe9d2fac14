//! Ephemeral values, fixed-window counters, the registry (version CAS, audit log) and
//! incidents in redb.

use std::time::Duration;

use redb::{ReadableDatabase, ReadableTable};
use serde::{Deserialize, Serialize};

use super::{
    AUDIT, COUNTERS, EPHEMERAL, EmbeddedStore, INCIDENTS, META, OFFICIALS, REGISTRY_VERSION,
    REPORTERS, corrupt, db_error, expiry_ms, index_expiry, now_ms, purge_expired,
};
use crate::registry::{AuditEntry, Official};
use crate::store::{Incident, RegistrySnapshot, StoreError};

/// An incident as stored; its reporters have their own table.
#[derive(Serialize, Deserialize)]
struct StoredIncident {
    reporters: u64,
    first_seen: u64,
    last_seen: u64,
    claimed: Vec<String>,
}

impl StoredIncident {
    fn into_incident(self, number: String) -> Incident {
        Incident {
            number,
            reporters: self.reporters,
            first_seen: self.first_seen,
            last_seen: self.last_seen,
            claimed: self.claimed,
        }
    }
}

impl EmbeddedStore {
    /// Set `key`; with `only_if_absent`, only when no live value is there. `true` when set.
    pub(super) async fn state_put_ephemeral(
        &self,
        key: &str,
        value: &[u8],
        ttl: Duration,
        only_if_absent: bool,
    ) -> Result<bool, StoreError> {
        let (key, value) = (key.to_string(), value.to_vec());
        self.blocking(move |inner| {
            let now = now_ms();
            let until = expiry_ms(ttl);
            let txn = inner.db.begin_write().map_err(db_error)?;
            {
                let mut table = txn.open_table(EPHEMERAL).map_err(db_error)?;
                if only_if_absent {
                    let live = table
                        .get(key.as_str())
                        .map_err(db_error)?
                        .is_some_and(|g| g.value().0 > now);
                    if live {
                        return Ok(false);
                    }
                }
                table
                    .insert(key.as_str(), (until, value.as_slice()))
                    .map_err(db_error)?;
            }
            index_expiry(&txn, until, &format!("e:{key}"))?;
            purge_expired(&txn, now)?;
            txn.commit().map_err(db_error)?;
            Ok(true)
        })
        .await
    }

    pub(super) async fn state_get_ephemeral(
        &self,
        key: &str,
    ) -> Result<Option<Vec<u8>>, StoreError> {
        let key = key.to_string();
        self.blocking(move |inner| {
            let now = now_ms();
            let txn = inner.db.begin_read().map_err(db_error)?;
            let table = txn.open_table(EPHEMERAL).map_err(db_error)?;
            let value = table.get(key.as_str()).map_err(db_error)?;
            Ok(value.and_then(|g| {
                let (until, value) = g.value();
                (until > now).then(|| value.to_vec())
            }))
        })
        .await
    }

    pub(super) async fn state_take_ephemeral(
        &self,
        key: &str,
    ) -> Result<Option<Vec<u8>>, StoreError> {
        let key = key.to_string();
        self.blocking(move |inner| {
            let now = now_ms();
            let txn = inner.db.begin_write().map_err(db_error)?;
            let taken = {
                let mut table = txn.open_table(EPHEMERAL).map_err(db_error)?;
                let removed = table.remove(key.as_str()).map_err(db_error)?;
                removed.and_then(|g| {
                    let (until, value) = g.value();
                    (until > now).then(|| value.to_vec())
                })
            };
            txn.commit().map_err(db_error)?;
            Ok(taken)
        })
        .await
    }

    pub(super) async fn state_incr_counter(
        &self,
        key: &str,
        ttl: Duration,
    ) -> Result<u64, StoreError> {
        let key = key.to_string();
        self.blocking(move |inner| {
            let now = now_ms();
            let txn = inner.db.begin_write().map_err(db_error)?;
            let (until, count, fresh) = {
                let mut table = txn.open_table(COUNTERS).map_err(db_error)?;
                let current = table
                    .get(key.as_str())
                    .map_err(db_error)?
                    .map(|g| g.value());
                let (until, count, fresh) = match current {
                    Some((until, count)) if until > now => (until, count.saturating_add(1), false),
                    _ => (expiry_ms(ttl), 1, true),
                };
                table
                    .insert(key.as_str(), (until, count))
                    .map_err(db_error)?;
                (until, count, fresh)
            };
            if fresh {
                index_expiry(&txn, until, &format!("c:{key}"))?;
            }
            purge_expired(&txn, now)?;
            txn.commit().map_err(db_error)?;
            Ok(count)
        })
        .await
    }

    pub(super) async fn state_load_registry(&self) -> Result<RegistrySnapshot, StoreError> {
        self.blocking(|inner| {
            let txn = inner.db.begin_read().map_err(db_error)?;
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

    pub(super) async fn state_registry_version(&self) -> Result<u64, StoreError> {
        self.blocking(|inner| {
            let txn = inner.db.begin_read().map_err(db_error)?;
            let meta = txn.open_table(META).map_err(db_error)?;
            let version = meta.get(REGISTRY_VERSION).map_err(db_error)?;
            Ok(version.map_or(0, |g| g.value()))
        })
        .await
    }

    pub(super) async fn state_commit_registry(
        &self,
        expected_version: u64,
        puts: &[Official],
        audit: &[AuditEntry],
    ) -> Result<u64, StoreError> {
        // Encode before entering the write transaction, so it stays short.
        let puts = puts
            .iter()
            .map(|o| Ok((o.id.as_str().to_string(), serde_json::to_string(o)?)))
            .collect::<Result<Vec<_>, serde_json::Error>>()
            .map_err(|e| corrupt("encode official", e))?;
        let audit = audit.to_vec();
        self.blocking(move |inner| {
            let txn = inner.db.begin_write().map_err(db_error)?;
            let mut meta = txn.open_table(META).map_err(db_error)?;
            let current = meta
                .get(REGISTRY_VERSION)
                .map_err(db_error)?
                .map_or(0, |g| g.value());
            if current != expected_version {
                // Dropping the transaction uncommitted writes nothing.
                return Err(StoreError::Conflict {
                    expected: expected_version,
                });
            }
            let version = current + 1;
            meta.insert(REGISTRY_VERSION, version).map_err(db_error)?;
            drop(meta);
            let mut officials = txn.open_table(OFFICIALS).map_err(db_error)?;
            for (id, json) in &puts {
                officials
                    .insert(id.as_str(), json.as_str())
                    .map_err(db_error)?;
            }
            drop(officials);
            let mut log = txn.open_table(AUDIT).map_err(db_error)?;
            let mut seq = log.last().map_err(db_error)?.map_or(0, |(k, _)| k.value());
            for mut entry in audit {
                seq += 1;
                entry.seq = seq;
                let json = serde_json::to_string(&entry).map_err(|e| corrupt("encode audit", e))?;
                log.insert(seq, json.as_str()).map_err(db_error)?;
            }
            drop(log);
            txn.commit().map_err(db_error)?;
            Ok(version)
        })
        .await
    }

    pub(super) async fn state_audit_log(
        &self,
        after: u64,
        limit: usize,
    ) -> Result<Vec<AuditEntry>, StoreError> {
        self.blocking(move |inner| {
            let txn = inner.db.begin_read().map_err(db_error)?;
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

    pub(super) async fn state_record_incident(
        &self,
        number: &str,
        reporter: &str,
        claimed: &[String],
        at: u64,
    ) -> Result<Incident, StoreError> {
        let (number, reporter, claimed) =
            (number.to_string(), reporter.to_string(), claimed.to_vec());
        self.blocking(move |inner| {
            let txn = inner.db.begin_write().map_err(db_error)?;
            let new_reporter = {
                let mut reporters = txn.open_table(REPORTERS).map_err(db_error)?;
                let key = (number.as_str(), reporter.as_str());
                reporters.insert(key, ()).map_err(db_error)?.is_none()
            };
            let mut incidents = txn.open_table(INCIDENTS).map_err(db_error)?;
            let stored = incidents
                .get(number.as_str())
                .map_err(db_error)?
                .map(|g| serde_json::from_str::<StoredIncident>(g.value()))
                .transpose()
                .map_err(|e| corrupt("incident", e))?;
            let mut incident = stored.unwrap_or(StoredIncident {
                reporters: 0,
                first_seen: at,
                last_seen: at,
                claimed: Vec::new(),
            });
            incident.reporters += u64::from(new_reporter);
            incident.first_seen = incident.first_seen.min(at);
            incident.last_seen = incident.last_seen.max(at);
            for id in claimed {
                if !incident.claimed.contains(&id) {
                    incident.claimed.push(id);
                }
            }
            let json = serde_json::to_string(&incident).map_err(|e| corrupt("encode", e))?;
            incidents
                .insert(number.as_str(), json.as_str())
                .map_err(db_error)?;
            drop(incidents);
            txn.commit().map_err(db_error)?;
            Ok(incident.into_incident(number))
        })
        .await
    }

    pub(super) async fn state_incidents(
        &self,
        after: Option<&str>,
        limit: usize,
    ) -> Result<Vec<Incident>, StoreError> {
        let after = after.map(str::to_string);
        self.blocking(move |inner| {
            let txn = inner.db.begin_read().map_err(db_error)?;
            let incidents = txn.open_table(INCIDENTS).map_err(db_error)?;
            let range = match &after {
                Some(after) => incidents.range::<&str>(after.as_str()..),
                None => incidents.range::<&str>(..),
            }
            .map_err(db_error)?;
            range
                .filter(|entry| match (entry, &after) {
                    (Ok((number, _)), Some(after)) => number.value() != after.as_str(),
                    _ => true,
                })
                .take(limit)
                .map(|entry| {
                    let (number, json) = entry.map_err(db_error)?;
                    let stored: StoredIncident =
                        serde_json::from_str(json.value()).map_err(|e| corrupt("incident", e))?;
                    Ok(stored.into_incident(number.value().to_string()))
                })
                .collect()
        })
        .await
    }
}
