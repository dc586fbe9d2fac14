//! The embedded store (redb), used when `REDIS_URL` is unset: one process, one file
//! `asli.redb` under `ASLI_DATA_DIR`.
//!
//! Writes go through one writer thread with group commit ([`writer`]): writes that arrive
//! together share one redb transaction and one fsync, and each caller is answered once its
//! transaction is durable, so whatever a method accepted survives `kill -9`. Reads use
//! redb's concurrent read transactions on tokio's blocking pool. The order of work (which
//! group's job is next, leases, delayed jobs) lives in memory ([`queues`]) and is rebuilt
//! from the job table at start-up; leases do not survive a restart, so jobs in flight then
//! are claimable again at once, their delivery counts kept.
//!
//! Layout: `inbox.rs` the queue, `state.rs` keyed state, `registry.rs` the registry and its
//! audit log, `incidents.rs` incidents.

mod inbox;
mod incidents;
mod queues;
mod registry;
mod state;
mod writer;

use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use redb::{
    Database, ReadableDatabase, ReadableTable, TableDefinition, TableHandle, WriteTransaction,
};
use tokio::sync::Notify;

use self::queues::Queues;
use self::writer::Writer;
use super::StoreError;

/// Job id → (group, due unix ms; 0 = ready when enqueued).
const JOBS: TableDefinition<u64, (&str, u64)> = TableDefinition::new("jobs");
/// Job id → payload.
const PAYLOADS: TableDefinition<u64, &[u8]> = TableDefinition::new("payloads");
/// Job id → how often it was handed out; survives restarts like the job.
const DELIVERIES: TableDefinition<u64, u32> = TableDefinition::new("deliveries");
/// Dedupe key → expiry (unix ms).
const DEDUPE: TableDefinition<&str, u64> = TableDefinition::new("dedupe");
/// (expiry unix ms, namespaced key) → (): finds expired keys to purge without a full scan.
const EXPIRY: TableDefinition<(u64, &str), ()> = TableDefinition::new("expiry");
/// Dead letter id → JSON.
const DEAD: TableDefinition<u64, &[u8]> = TableDefinition::new("dead");
/// State key → (expiry unix ms, value); counters hold their decimal digits.
const STATE: TableDefinition<&str, (u64, &[u8])> = TableDefinition::new("ephemeral");
/// Official id → JSON.
const OFFICIALS: TableDefinition<&str, &str> = TableDefinition::new("officials");
/// Audit seq → JSON (with its seq).
const AUDIT: TableDefinition<u64, &str> = TableDefinition::new("audit");
/// Number → incident JSON (without reporters, which have their own table).
const INCIDENTS: TableDefinition<&str, &str> = TableDefinition::new("incidents");
/// (number, reporter) → (): each reporter counted once.
const REPORTERS: TableDefinition<(&str, &str), ()> = TableDefinition::new("reporters");
/// Counters of the store itself: registry version, next job and dead-letter numbers.
const META: TableDefinition<&str, u64> = TableDefinition::new("meta");

/// Tables of the single-queue layout before groups (asli 0.1), read once to migrate.
const OLD_QUEUE: TableDefinition<u64, &[u8]> = TableDefinition::new("queue");
const OLD_DELAYED: TableDefinition<(u64, u64), &[u8]> = TableDefinition::new("delayed");
const OLD_COUNTERS: TableDefinition<&str, (u64, u64)> = TableDefinition::new("counters");

/// `META` keys.
const REGISTRY_VERSION: &str = "registry_version";
const NEXT_SEQ: &str = "next_seq";

/// Expired keys purged per transaction, so the purge never makes one batch slow.
const PURGE_BATCH: usize = 64;

struct Inner {
    db: Arc<Database>,
    writer: Writer,
    queues: Arc<Mutex<Queues>>,
    /// Notified after every batch that changed the queues, so a waiting `claim` wakes.
    arrivals: Arc<Notify>,
}

/// The embedded store: every store trait over one redb file. Cheap to clone; clones share
/// the database.
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
        let txn = db.begin_write().map_err(db_error)?;
        open_all_tables(&txn)?;
        migrate_single_queue(&txn)?;
        txn.commit().map_err(db_error)?;
        let queues = Arc::new(Mutex::new(rebuild_queues(&db)?));
        let db = Arc::new(db);
        let arrivals = Arc::new(Notify::new());
        let writer = Writer::start(db.clone(), queues.clone(), arrivals.clone())?;
        Ok(EmbeddedStore {
            inner: Arc::new(Inner {
                db,
                writer,
                queues,
                arrivals,
            }),
        })
    }

    /// Run a read on the blocking pool: redb reads may wait for the disk.
    async fn read<T: Send + 'static>(
        &self,
        f: impl FnOnce(&redb::ReadTransaction) -> Result<T, StoreError> + Send + 'static,
    ) -> Result<T, StoreError> {
        let db = Arc::clone(&self.inner.db);
        tokio::task::spawn_blocking(move || {
            let txn = db.begin_read().map_err(db_error)?;
            f(&txn)
        })
        .await
        .map_err(|e| StoreError::Unavailable(format!("embedded store task failed: {e}")))?
    }

    /// Write through the group-commit writer (see [`writer`]).
    async fn write<T, F>(&self, f: F) -> Result<T, StoreError>
    where
        T: Send + 'static,
        F: FnOnce(&WriteTransaction) -> Result<(T, Option<writer::MemUpdate>), StoreError>
            + Send
            + 'static,
    {
        self.inner.writer.write(f).await
    }

    fn queues(&self) -> std::sync::MutexGuard<'_, Queues> {
        // A panic while holding the lock leaves the queues consistent (single-step updates).
        self.inner.queues.lock().unwrap_or_else(|p| p.into_inner())
    }
}

fn open_all_tables(txn: &WriteTransaction) -> Result<(), StoreError> {
    txn.open_table(JOBS).map_err(db_error)?;
    txn.open_table(PAYLOADS).map_err(db_error)?;
    txn.open_table(DELIVERIES).map_err(db_error)?;
    txn.open_table(DEDUPE).map_err(db_error)?;
    txn.open_table(EXPIRY).map_err(db_error)?;
    txn.open_table(DEAD).map_err(db_error)?;
    txn.open_table(STATE).map_err(db_error)?;
    txn.open_table(OFFICIALS).map_err(db_error)?;
    txn.open_table(AUDIT).map_err(db_error)?;
    txn.open_table(INCIDENTS).map_err(db_error)?;
    txn.open_table(REPORTERS).map_err(db_error)?;
    txn.open_table(META).map_err(db_error)?;
    Ok(())
}

/// Move the jobs of a 0.1 data file (one queue, no groups) into the job table, each in a
/// group of its own (their order was never per staff member), then drop the old tables.
fn migrate_single_queue(txn: &WriteTransaction) -> Result<(), StoreError> {
    let exists = |name: &str| -> Result<bool, StoreError> {
        Ok(txn
            .list_tables()
            .map_err(db_error)?
            .any(|t| t.name() == name))
    };
    let mut jobs = txn.open_table(JOBS).map_err(db_error)?;
    let mut payloads = txn.open_table(PAYLOADS).map_err(db_error)?;
    let mut moved = 0u64;
    if exists(OLD_QUEUE.name())? {
        let old = txn.open_table(OLD_QUEUE).map_err(db_error)?;
        for entry in old.iter().map_err(db_error)? {
            let (seq, payload) = entry.map_err(db_error)?;
            let seq = seq.value();
            jobs.insert(seq, (format!("legacy:{seq}").as_str(), 0))
                .map_err(db_error)?;
            payloads.insert(seq, payload.value()).map_err(db_error)?;
            moved += 1;
        }
        drop(old);
        txn.delete_table(OLD_QUEUE).map_err(db_error)?;
    }
    if exists(OLD_DELAYED.name())? {
        let old = txn.open_table(OLD_DELAYED).map_err(db_error)?;
        for entry in old.iter().map_err(db_error)? {
            let (key, payload) = entry.map_err(db_error)?;
            let (due, seq) = key.value();
            jobs.insert(seq, (format!("legacy:{seq}").as_str(), due))
                .map_err(db_error)?;
            payloads.insert(seq, payload.value()).map_err(db_error)?;
            moved += 1;
        }
        drop(old);
        txn.delete_table(OLD_DELAYED).map_err(db_error)?;
    }
    if exists(OLD_COUNTERS.name())? {
        txn.delete_table(OLD_COUNTERS).map_err(db_error)?;
    }
    if moved > 0 {
        tracing::info!(
            jobs = moved,
            "moved the jobs of the old single queue into the inbox"
        );
    }
    Ok(())
}

/// The in-memory order of work, from the job table: ids ascend in enqueue order.
fn rebuild_queues(db: &Database) -> Result<Queues, StoreError> {
    let txn = db.begin_read().map_err(db_error)?;
    let jobs = txn.open_table(JOBS).map_err(db_error)?;
    let now = now_ms();
    let mut queues = Queues::default();
    for entry in jobs.iter().map_err(db_error)? {
        let (id, meta) = entry.map_err(db_error)?;
        let (group, due) = meta.value();
        if due > now {
            queues.schedule(group, id.value(), due);
        } else {
            queues.push(group, id.value());
        }
    }
    Ok(queues)
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

/// Note that `key` (namespaced: `d:` dedupe, `e:` state) expires at `at`, for
/// [`purge_expired`].
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
    if due.is_empty() {
        return Ok(());
    }
    let mut dedupe = txn.open_table(DEDUPE).map_err(db_error)?;
    let mut state = txn.open_table(STATE).map_err(db_error)?;
    for (at, name) in due {
        expiry.remove((at, name.as_str())).map_err(db_error)?;
        if let Some(key) = name.strip_prefix("d:") {
            let expired = dedupe
                .get(key)
                .map_err(db_error)?
                .is_some_and(|g| g.value() <= now);
            if expired {
                dedupe.remove(key).map_err(db_error)?;
            }
        } else if let Some(key) = name.strip_prefix("e:") {
            let expired = state
                .get(key)
                .map_err(db_error)?
                .is_some_and(|g| g.value().0 <= now);
            if expired {
                state.remove(key).map_err(db_error)?;
            }
        }
    }
    Ok(())
}
