//! The embedded store (redb), used when `REDIS_URL` is unset: one process, one file
//! `asli.redb` under `ASLI_DATA_DIR`.
//!
//! Every write is one redb transaction with the default (immediate) durability, committed
//! before the method returns, so whatever a method accepted survives `kill -9`. redb is
//! synchronous: each call runs on tokio's blocking pool. Leases live in memory: after a
//! restart nothing holds a job, so unacked jobs are claimable again at once; their delivery
//! counts are stored and keep counting. Layout: `queue.rs` the inbox, `state.rs` ephemeral values,
//! counters, registry and incidents.

mod queue;
mod state;

use std::collections::HashMap;
use std::path::Path;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use async_trait::async_trait;
use redb::{Database, ReadableDatabase, ReadableTable, TableDefinition, WriteTransaction};
use tokio::sync::Notify;

use super::{
    ClaimedJob, DeadLetter, Incident, NewJob, QueueStats, RegistrySnapshot, Store, StoreError,
};
use crate::registry::{AuditEntry, Official};

/// Dedupe key → expiry (unix ms).
const DEDUPE: TableDefinition<&str, u64> = TableDefinition::new("dedupe");
/// (expiry unix ms, namespaced key) → (): finds expired keys to purge without a full scan.
const EXPIRY: TableDefinition<(u64, &str), ()> = TableDefinition::new("expiry");
/// Queue sequence number → payload; ready and in-flight jobs alike (leases are in memory).
const QUEUE: TableDefinition<u64, &[u8]> = TableDefinition::new("queue");
/// Sequence number → how often the job was handed out; survives restarts like the job.
const DELIVERIES: TableDefinition<u64, u32> = TableDefinition::new("deliveries");
/// (due unix ms, sequence number) → payload.
const DELAYED: TableDefinition<(u64, u64), &[u8]> = TableDefinition::new("delayed");
/// Sequence number → dead letter as JSON.
const DEAD: TableDefinition<u64, &[u8]> = TableDefinition::new("dead");
/// Key → (expiry unix ms, value).
const EPHEMERAL: TableDefinition<&str, (u64, &[u8])> = TableDefinition::new("ephemeral");
/// Key → (window end unix ms, count).
const COUNTERS: TableDefinition<&str, (u64, u64)> = TableDefinition::new("counters");
/// Official id → JSON.
const OFFICIALS: TableDefinition<&str, &str> = TableDefinition::new("officials");
/// Audit seq → JSON (with its seq).
const AUDIT: TableDefinition<u64, &str> = TableDefinition::new("audit");
/// Number → incident JSON (without reporters, which have their own table).
const INCIDENTS: TableDefinition<&str, &str> = TableDefinition::new("incidents");
/// (number, reporter) → (): each reporter counted once.
const REPORTERS: TableDefinition<(&str, &str), ()> = TableDefinition::new("reporters");
/// Counters of the store itself: registry version, next queue and dead-letter numbers.
const META: TableDefinition<&str, u64> = TableDefinition::new("meta");

/// `META` keys.
const REGISTRY_VERSION: &str = "registry_version";
const NEXT_SEQ: &str = "next_seq";

/// Expired keys purged per write, so the purge never makes one write slow.
const PURGE_BATCH: usize = 64;

/// A job handed out and not yet acked.
#[derive(Debug, Clone, Copy)]
struct Lease {
    until: std::time::Instant,
}

struct Inner {
    db: Database,
    /// Sequence number → lease. Lock this before reading the queue in `claim`, and release a
    /// lease only after the write removing its job committed: then a claim never hands out a
    /// job that was just acked.
    leases: Mutex<HashMap<u64, Lease>>,
    /// Signalled by every enqueue, so a waiting `claim` wakes at once.
    arrivals: Notify,
}

impl Inner {
    fn leases(&self) -> MutexGuard<'_, HashMap<u64, Lease>> {
        // A panic while holding the lock leaves the map consistent (single inserts/removes).
        self.leases.lock().unwrap_or_else(|p| p.into_inner())
    }
}

/// A [`Store`] in one redb file. Cheap to clone; clones share the database.
#[derive(Clone)]
pub struct EmbeddedStore {
    inner: Arc<Inner>,
}

impl std::fmt::Debug for EmbeddedStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EmbeddedStore").finish_non_exhaustive()
    }
}

impl EmbeddedStore {
    /// Open (or create) `dir/asli.redb`, creating `dir` when missing. A store already open on
    /// the same file (in this or another process) is an error: redb locks the file.
    pub fn open(dir: &Path) -> Result<EmbeddedStore, StoreError> {
        std::fs::create_dir_all(dir).map_err(|e| {
            StoreError::Unavailable(format!("cannot create data dir {}: {e}", dir.display()))
        })?;
        let path = dir.join("asli.redb");
        let db = Database::create(&path).map_err(|e| match e {
            redb::DatabaseError::DatabaseAlreadyOpen => StoreError::Unavailable(format!(
                "{} is already open (another asli process uses this data dir?)",
                path.display()
            )),
            other => StoreError::Unavailable(format!("cannot open {}: {other}", path.display())),
        })?;
        // Create every table once, so readers never meet a missing one.
        let txn = db.begin_write().map_err(db_error)?;
        open_all_tables(&txn)?;
        txn.commit().map_err(db_error)?;
        Ok(EmbeddedStore {
            inner: Arc::new(Inner {
                db,
                leases: Mutex::new(HashMap::new()),
                arrivals: Notify::new(),
            }),
        })
    }

    /// Run `f` on the blocking pool: redb calls block on disk I/O.
    async fn blocking<T: Send + 'static>(
        &self,
        f: impl FnOnce(&Inner) -> Result<T, StoreError> + Send + 'static,
    ) -> Result<T, StoreError> {
        let inner = Arc::clone(&self.inner);
        tokio::task::spawn_blocking(move || f(&inner))
            .await
            .map_err(|e| StoreError::Unavailable(format!("embedded store task failed: {e}")))?
    }
}

fn open_all_tables(txn: &WriteTransaction) -> Result<(), StoreError> {
    txn.open_table(DEDUPE).map_err(db_error)?;
    txn.open_table(EXPIRY).map_err(db_error)?;
    txn.open_table(QUEUE).map_err(db_error)?;
    txn.open_table(DELAYED).map_err(db_error)?;
    txn.open_table(DELIVERIES).map_err(db_error)?;
    txn.open_table(DEAD).map_err(db_error)?;
    txn.open_table(EPHEMERAL).map_err(db_error)?;
    txn.open_table(COUNTERS).map_err(db_error)?;
    txn.open_table(OFFICIALS).map_err(db_error)?;
    txn.open_table(AUDIT).map_err(db_error)?;
    txn.open_table(INCIDENTS).map_err(db_error)?;
    txn.open_table(REPORTERS).map_err(db_error)?;
    txn.open_table(META).map_err(db_error)?;
    Ok(())
}

/// redb failures (I/O, a full disk) are `Unavailable`: the caller may retry later.
fn db_error(e: impl Into<redb::Error>) -> StoreError {
    StoreError::Unavailable(format!("embedded store: {}", e.into()))
}

/// Undecodable stored JSON.
fn corrupt(what: &str, e: serde_json::Error) -> StoreError {
    StoreError::Corrupt(format!("{what}: {e}"))
}

/// Milliseconds since the Unix epoch (0 for times before it).
fn unix_ms(t: SystemTime) -> u64 {
    t.duration_since(UNIX_EPOCH)
        .map(|d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
        .unwrap_or(0)
}

fn now_ms() -> u64 {
    unix_ms(SystemTime::now())
}

/// `now + ttl` in unix ms, saturating.
fn expiry_ms(ttl: Duration) -> u64 {
    now_ms().saturating_add(u64::try_from(ttl.as_millis()).unwrap_or(u64::MAX))
}

/// Take the next number of the sequence `name` in `META` (1, 2, 3, ...).
fn next_number(txn: &WriteTransaction, name: &str) -> Result<u64, StoreError> {
    let mut meta = txn.open_table(META).map_err(db_error)?;
    let next = meta.get(name).map_err(db_error)?.map_or(1, |v| v.value());
    meta.insert(name, next + 1).map_err(db_error)?;
    Ok(next)
}

/// Note that `key` (namespaced: `d:`, `e:`, `c:`) expires at `at`, for [`purge_expired`].
fn index_expiry(txn: &WriteTransaction, at: u64, key: &str) -> Result<(), StoreError> {
    let mut expiry = txn.open_table(EXPIRY).map_err(db_error)?;
    expiry.insert((at, key), ()).map_err(db_error)?;
    Ok(())
}

/// Delete up to [`PURGE_BATCH`] keys that expired by `now`. An index entry may be stale (the
/// key was rewritten with a later expiry): the key itself is only deleted when it is expired.
fn purge_expired(txn: &WriteTransaction, now: u64) -> Result<(), StoreError> {
    let mut expiry = txn.open_table(EXPIRY).map_err(db_error)?;
    let due: Vec<(u64, String)> = expiry
        .range(..=(now, "\u{10FFFF}"))
        .map_err(db_error)?
        .take(PURGE_BATCH)
        .map(|entry| {
            let (key, _) = entry.map_err(db_error)?;
            let (at, name) = key.value();
            Ok((at, name.to_string()))
        })
        .collect::<Result<_, StoreError>>()?;
    for (at, name) in due {
        expiry.remove((at, name.as_str())).map_err(db_error)?;
        if let Some(key) = name.strip_prefix("d:") {
            let mut table = txn.open_table(DEDUPE).map_err(db_error)?;
            let expired = table
                .get(key)
                .map_err(db_error)?
                .is_some_and(|g| g.value() <= now);
            if expired {
                table.remove(key).map_err(db_error)?;
            }
        } else if let Some(key) = name.strip_prefix("e:") {
            let mut table = txn.open_table(EPHEMERAL).map_err(db_error)?;
            let expired = table
                .get(key)
                .map_err(db_error)?
                .is_some_and(|g| g.value().0 <= now);
            if expired {
                table.remove(key).map_err(db_error)?;
            }
        } else if let Some(key) = name.strip_prefix("c:") {
            let mut table = txn.open_table(COUNTERS).map_err(db_error)?;
            let expired = table
                .get(key)
                .map_err(db_error)?
                .is_some_and(|g| g.value().0 <= now);
            if expired {
                table.remove(key).map_err(db_error)?;
            }
        }
    }
    Ok(())
}

#[async_trait]
impl Store for EmbeddedStore {
    async fn ping(&self) -> Result<(), StoreError> {
        self.blocking(|inner| {
            let txn = inner.db.begin_read().map_err(db_error)?;
            txn.open_table(META).map_err(db_error)?;
            Ok(())
        })
        .await
    }

    async fn enqueue_unique(
        &self,
        jobs: &[NewJob],
        dedupe_ttl: Duration,
    ) -> Result<Vec<bool>, StoreError> {
        self.queue_enqueue_unique(jobs.to_vec(), dedupe_ttl).await
    }

    async fn enqueue(
        &self,
        payload: &[u8],
        not_before: Option<SystemTime>,
    ) -> Result<(), StoreError> {
        self.queue_enqueue(payload.to_vec(), not_before).await
    }

    async fn claim(
        &self,
        consumer: &str,
        lease: Duration,
        wait: Duration,
    ) -> Result<Option<ClaimedJob>, StoreError> {
        self.queue_claim(consumer, lease, wait).await
    }

    async fn ack(&self, job: &ClaimedJob) -> Result<(), StoreError> {
        self.queue_finish(job, queue::Then::Forget)
            .await
            .map(|_| ())
    }

    async fn reschedule(
        &self,
        job: &ClaimedJob,
        payload: &[u8],
        at: SystemTime,
    ) -> Result<(), StoreError> {
        let then = queue::Then::Delay(payload.to_vec(), unix_ms(at));
        self.queue_finish(job, then).await.map(|_| ())
    }

    async fn dead_letter(
        &self,
        job: &ClaimedJob,
        payload: &[u8],
        error: &str,
    ) -> Result<String, StoreError> {
        let then = queue::Then::Dead(payload.to_vec(), error.to_string());
        self.queue_finish(job, then).await
    }

    async fn dead_letters(
        &self,
        after: Option<&str>,
        limit: usize,
    ) -> Result<Vec<DeadLetter>, StoreError> {
        self.queue_dead_letters(after, limit).await
    }

    async fn retry_dead_letter(&self, id: &str) -> Result<bool, StoreError> {
        self.queue_retry_dead_letter(id).await
    }

    async fn queue_stats(&self) -> Result<QueueStats, StoreError> {
        self.queue_queue_stats().await
    }

    async fn put_ephemeral(
        &self,
        key: &str,
        value: &[u8],
        ttl: Duration,
    ) -> Result<(), StoreError> {
        self.state_put_ephemeral(key, value, ttl, false)
            .await
            .map(|_| ())
    }

    async fn put_ephemeral_if_absent(
        &self,
        key: &str,
        value: &[u8],
        ttl: Duration,
    ) -> Result<bool, StoreError> {
        self.state_put_ephemeral(key, value, ttl, true).await
    }

    async fn get_ephemeral(&self, key: &str) -> Result<Option<Vec<u8>>, StoreError> {
        self.state_get_ephemeral(key).await
    }

    async fn take_ephemeral(&self, key: &str) -> Result<Option<Vec<u8>>, StoreError> {
        self.state_take_ephemeral(key).await
    }

    async fn incr_counter(&self, key: &str, ttl: Duration) -> Result<u64, StoreError> {
        self.state_incr_counter(key, ttl).await
    }

    async fn load_registry(&self) -> Result<RegistrySnapshot, StoreError> {
        self.state_load_registry().await
    }

    async fn registry_version(&self) -> Result<u64, StoreError> {
        self.state_registry_version().await
    }

    async fn commit_registry(
        &self,
        expected_version: u64,
        puts: &[Official],
        audit: &[AuditEntry],
    ) -> Result<u64, StoreError> {
        self.state_commit_registry(expected_version, puts, audit)
            .await
    }

    async fn audit_log(&self, after: u64, limit: usize) -> Result<Vec<AuditEntry>, StoreError> {
        self.state_audit_log(after, limit).await
    }

    async fn record_incident(
        &self,
        number: &str,
        reporter: &str,
        claimed: &[String],
        at: u64,
    ) -> Result<Incident, StoreError> {
        self.state_record_incident(number, reporter, claimed, at)
            .await
    }

    async fn incidents(
        &self,
        after: Option<&str>,
        limit: usize,
    ) -> Result<Vec<Incident>, StoreError> {
        self.state_incidents(after, limit).await
    }
}

#[cfg(test)]
mod tests {
    use redb::{ReadableDatabase, ReadableTableMetadata};

    use super::*;

    fn rows(store: &EmbeddedStore, table: TableDefinition<&str, u64>) -> u64 {
        let txn = store.inner.db.begin_read().expect("read");
        txn.open_table(table).expect("table").len().expect("len")
    }

    #[tokio::test]
    async fn expired_dedupe_keys_are_purged_by_later_writes_not_kept_forever() {
        let dir = tempfile::tempdir().expect("temp dir");
        let store = EmbeddedStore::open(dir.path()).expect("open");
        let job = |key: &str| NewJob {
            dedupe_key: key.to_string(),
            payload: b"x".to_vec(),
        };
        let short = Duration::from_millis(50);
        store
            .enqueue_unique(&[job("a"), job("b")], short)
            .await
            .expect("enqueue");
        assert_eq!(rows(&store, DEDUPE), 2);
        tokio::time::sleep(Duration::from_millis(150)).await;
        store
            .enqueue_unique(&[job("c")], Duration::from_secs(600))
            .await
            .expect("enqueue");
        assert_eq!(rows(&store, DEDUPE), 1, "only the live key is left");
    }
}
