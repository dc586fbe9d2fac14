//! Everything asli keeps: the inbox queue, dedupe keys, the registry, the audit log, dead
//! letters, short-lived conversation state and counters.
//!
//! [`Store`] is the one interface; [`redis::RedisStore`] (production, many instances) and
//! [`embedded::EmbeddedStore`] (one process, a file under `ASLI_DATA_DIR`) implement it, and
//! both pass the same [`conformance`] suite. The store knows nothing of WhatsApp: queue
//! payloads are opaque bytes that the worker encodes and decodes.
//!
//! Redis key design (ready for Redis Cluster without a data-model change): every key starts
//! with `asli:` and carries a hash tag naming the group of keys that scripts touch together:
//! `{inbox}` for the queue, its dedupe keys, delayed set and dead letters; `{reg}` for the
//! registry, its version and its audit log. Ephemeral keys stand alone.

use std::time::{Duration, SystemTime};

use async_trait::async_trait;
use futures::stream::BoxStream;
use serde::{Deserialize, Serialize};

use crate::registry::{AuditEntry, Official};

pub mod conformance;
pub mod embedded;
pub mod redis;

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

/// A job to enqueue once, keyed for deduplication (`msg:<wamid>`, `status:<wamid>:read`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewJob {
    /// Dedupe key: a job whose key was seen within the dedupe TTL is not enqueued again.
    pub dedupe_key: String,
    /// Opaque payload.
    pub payload: Vec<u8>,
}

/// A job leased to one consumer until it acks, reschedules or dead-letters it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClaimedJob {
    /// Queue id of this delivery; valid until acked.
    pub id: String,
    /// The payload as enqueued.
    pub payload: Vec<u8>,
    /// How many times this entry has been handed out, this time included (1 the first time;
    /// more after a consumer died holding it).
    pub deliveries: u32,
}

/// A job that could not be completed, kept for an admin to inspect and retry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeadLetter {
    /// Stable id of the dead letter.
    pub id: String,
    /// The payload as it was when it died.
    pub payload: Vec<u8>,
    /// The last error, for people.
    pub error: String,
    /// Unix seconds when it was dead-lettered.
    pub at: u64,
}

/// Sizes of the queue, for metrics and readiness.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct QueueStats {
    /// Enqueued, not yet handed out.
    pub ready: u64,
    /// Handed out, not yet acknowledged.
    pub in_flight: u64,
    /// Waiting for their retry time.
    pub delayed: u64,
    /// Dead letters.
    pub dead: u64,
}

/// The registry as stored at one version.
#[derive(Debug, Clone, Default)]
pub struct RegistrySnapshot {
    /// Grows by one with every committed write; 0 for an empty, never-written registry.
    pub version: u64,
    /// Every official, ordered by id.
    pub officials: Vec<Official>,
}

/// A number seen impersonating an official (or marked as a scam number by an admin).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Incident {
    /// The scam number, E.164.
    pub number: String,
    /// How many distinct reporters reported it.
    pub reporters: u64,
    /// Unix seconds of the first report.
    pub first_seen: u64,
    /// Unix seconds of the latest report.
    pub last_seen: u64,
    /// Ids of the officials it claimed to be, each once, in order of first claim.
    pub claimed: Vec<String>,
}

/// The storage interface. Every method is atomic on its own; see each for what it guarantees.
#[async_trait]
pub trait Store: Send + Sync + 'static {
    /// Answer when the store is reachable and working.
    async fn ping(&self) -> Result<(), StoreError>;

    // ---- inbox queue -------------------------------------------------------------------

    /// For each job, in one atomic step: claim its dedupe key for `dedupe_ttl` and, when the
    /// key was new, enqueue the payload. Returns per job whether it was enqueued (`false`:
    /// seen before). When this returns `Ok`, every new job is durably stored.
    async fn enqueue_unique(
        &self,
        jobs: &[NewJob],
        dedupe_ttl: Duration,
    ) -> Result<Vec<bool>, StoreError>;

    /// Enqueue a payload without dedupe, to run at once or not before `not_before`.
    async fn enqueue(
        &self,
        payload: &[u8],
        not_before: Option<SystemTime>,
    ) -> Result<(), StoreError>;

    /// Lease the next job to `consumer`: a ready one first, else one some consumer has held
    /// longer than `lease` without acking (its holder presumably died), else wait up to `wait`
    /// for one to arrive. Delayed jobs whose time has come count as ready.
    async fn claim(
        &self,
        consumer: &str,
        lease: Duration,
        wait: Duration,
    ) -> Result<Option<ClaimedJob>, StoreError>;

    /// The job is done: forget it (its payload is deleted, not just marked).
    async fn ack(&self, job: &ClaimedJob) -> Result<(), StoreError>;

    /// Atomically ack `job` and schedule `payload` (usually the same payload with an attempt
    /// count raised) to become ready at `at`.
    async fn reschedule(
        &self,
        job: &ClaimedJob,
        payload: &[u8],
        at: SystemTime,
    ) -> Result<(), StoreError>;

    /// Atomically ack `job` and keep `payload` as a dead letter with `error`. Returns its id.
    async fn dead_letter(
        &self,
        job: &ClaimedJob,
        payload: &[u8],
        error: &str,
    ) -> Result<String, StoreError>;

    /// Dead letters, oldest first, at most `limit`, starting after id `after`.
    async fn dead_letters(
        &self,
        after: Option<&str>,
        limit: usize,
    ) -> Result<Vec<DeadLetter>, StoreError>;

    /// Atomically move one dead letter back to the queue. `false` when there is no such id.
    async fn retry_dead_letter(&self, id: &str) -> Result<bool, StoreError>;

    /// Queue sizes.
    async fn queue_stats(&self) -> Result<QueueStats, StoreError>;

    // ---- small keyed state -------------------------------------------------------------

    /// Set `key` to `value` for `ttl` (overwrites).
    async fn put_ephemeral(&self, key: &str, value: &[u8], ttl: Duration)
    -> Result<(), StoreError>;

    /// Set `key` to `value` for `ttl` only if it is absent; `true` when it was set.
    async fn put_ephemeral_if_absent(
        &self,
        key: &str,
        value: &[u8],
        ttl: Duration,
    ) -> Result<bool, StoreError>;

    /// The live value of `key`.
    async fn get_ephemeral(&self, key: &str) -> Result<Option<Vec<u8>>, StoreError>;

    /// Atomically read and delete `key`.
    async fn take_ephemeral(&self, key: &str) -> Result<Option<Vec<u8>>, StoreError>;

    /// Add one to the counter `key` and return the new value; a new counter lives for `ttl`
    /// (fixed window: later increments do not extend it).
    async fn incr_counter(&self, key: &str, ttl: Duration) -> Result<u64, StoreError>;

    // ---- registry ----------------------------------------------------------------------

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
    /// Announcements are hints: readers still check [`Store::registry_version`].
    async fn registry_announcements(&self) -> Result<Option<BoxStream<'static, u64>>, StoreError> {
        Ok(None)
    }

    // ---- incidents ---------------------------------------------------------------------

    /// Atomically record that `reporter` (an opaque, stable key such as a hashed wa_id) saw
    /// `number` impersonate the officials `claimed` at unix second `at`. Reporters are counted
    /// once each; claimed ids are added once each. Returns the incident after the update.
    async fn record_incident(
        &self,
        number: &str,
        reporter: &str,
        claimed: &[String],
        at: u64,
    ) -> Result<Incident, StoreError>;

    /// Incidents ordered by number, at most `limit`, starting after number `after`.
    async fn incidents(
        &self,
        after: Option<&str>,
        limit: usize,
    ) -> Result<Vec<Incident>, StoreError>;
}
