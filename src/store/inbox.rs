//! The inbox: durable work, handed out one job per group at a time.
//!
//! Every job belongs to a [`GroupId`] (in asli, the staff member it concerns). Jobs of one
//! group are handed out strictly one after the other, in the order they became ready: the
//! next one only once the previous one was committed (or its lease ran out). Jobs of
//! different groups are handed out in parallel. This is what lets a staff member's text
//! arrive before the number that completes it, while a thousand staff members are served at
//! once.
//!
//! A worker step claims one job, does its work, and ends it with one [`StepCommit`]: the
//! job's [`Outcome`] (done, back later, or dead), the state the step wrote and any follow-up
//! jobs, all applied atomically. At-least-once: a job whose holder dies is handed out again
//! once its lease has passed, with its delivery count raised.

use std::time::{Duration, SystemTime};

use async_trait::async_trait;
use serde::{Deserialize, Serialize};

use super::{StateWrite, StoreError};

/// The ordering key of a job: jobs of one group are handed out one at a time, in order.
/// In asli, a staff member's pseudonym (never a phone number).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct GroupId(String);

impl GroupId {
    /// A group named `name` (any non-empty text; an empty name is the group `-`).
    pub fn new(name: impl Into<String>) -> GroupId {
        let name = name.into();
        if name.is_empty() {
            GroupId("-".to_string())
        } else {
            GroupId(name)
        }
    }

    /// The name.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// A stable 64-bit hash of the name (FNV-1a), the same in every process and version:
    /// it picks the group's inbox shard.
    pub fn stable_hash(&self) -> u64 {
        self.0.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
            (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
        })
    }

    /// The shard of `shards` this group's jobs and state live in.
    pub fn shard(&self, shards: u16) -> u16 {
        (self.stable_hash() % u64::from(shards.max(1))) as u16
    }
}

impl std::fmt::Display for GroupId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// A job to enqueue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewJob {
    /// Its ordering group.
    pub group: GroupId,
    /// Opaque payload.
    pub payload: Vec<u8>,
    /// Enqueue only if this key was not seen within its TTL (`msg:<wamid>`), and remember it.
    pub dedupe: Option<(String, Duration)>,
    /// Not handed out before this time.
    pub not_before: Option<SystemTime>,
}

impl NewJob {
    /// A job of `group`, ready at once, without dedupe.
    pub fn new(group: GroupId, payload: Vec<u8>) -> NewJob {
        NewJob {
            group,
            payload,
            dedupe: None,
            not_before: None,
        }
    }

    /// Enqueued only if `key` was not seen within `ttl`.
    pub fn deduped(mut self, key: impl Into<String>, ttl: Duration) -> NewJob {
        self.dedupe = Some((key.into(), ttl));
        self
    }

    /// Not handed out before `at`.
    pub fn not_before(mut self, at: SystemTime) -> NewJob {
        self.not_before = Some(at);
        self
    }
}

/// A job leased to one consumer until its step commits (or the lease passes).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClaimedJob {
    /// Queue id of this job; names it until it is committed.
    pub id: String,
    /// Its group.
    pub group: GroupId,
    /// The payload as enqueued.
    pub payload: Vec<u8>,
    /// How many times this job has been handed out, this time included (1 the first time;
    /// more after a holder died or its lease ran out).
    pub deliveries: u32,
}

/// What becomes of a claimed job when its step commits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Done: forget it (its payload is deleted, not just marked).
    Done,
    /// Hand `payload` (usually the job with an attempt count raised) out again at `at`, as a
    /// new job of the same group. It does not hold up the group meanwhile.
    Retry {
        /// The new payload.
        payload: Vec<u8>,
        /// Not before this time.
        at: SystemTime,
    },
    /// Keep `payload` as a dead letter with `error`, for an admin to inspect and retry.
    Dead {
        /// The payload to keep.
        payload: Vec<u8>,
        /// Why, for people.
        error: String,
    },
}

/// Everything one worker step leaves behind, applied in one atomic store operation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StepCommit {
    /// What becomes of the job.
    pub outcome: Outcome,
    /// State the step writes (sent marker, delivery history, conversation window, counters).
    pub writes: Vec<StateWrite>,
    /// Follow-up jobs. On Redis they land in the claimed job's shard (keeping the commit on
    /// one node), so their group orders them only within that shard.
    pub enqueue: Vec<NewJob>,
}

impl StepCommit {
    /// A commit with `outcome` and nothing else.
    pub fn new(outcome: Outcome) -> StepCommit {
        StepCommit {
            outcome,
            writes: Vec::new(),
            enqueue: Vec::new(),
        }
    }

    /// The job is done, nothing else to write.
    pub fn done() -> StepCommit {
        StepCommit::new(Outcome::Done)
    }

    /// Add a state write.
    pub fn write(mut self, write: StateWrite) -> StepCommit {
        self.writes.push(write);
        self
    }
}

/// What a commit did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StepResult {
    /// Applied; for [`Outcome::Dead`], the dead letter's id.
    Committed {
        /// The new dead letter's id, when the outcome was [`Outcome::Dead`].
        dead_letter: Option<String>,
    },
    /// The job was no longer held (its lease ran out and another holder committed it):
    /// nothing was written.
    NotHeld,
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
    /// Ready, not yet handed out (including jobs waiting behind their group's job in flight).
    pub ready: u64,
    /// Handed out, not yet committed.
    pub in_flight: u64,
    /// Waiting for their time.
    pub delayed: u64,
    /// Dead letters.
    pub dead: u64,
}

/// The durable work queue. Every method is atomic on its own.
#[async_trait]
pub trait Inbox: Send + Sync + 'static {
    /// Answer when the store is reachable and working.
    async fn ping(&self) -> Result<(), StoreError>;

    /// For each job, in one atomic step: when it has a dedupe key seen within its TTL (for
    /// the same group: a key names a job within its group), skip it; otherwise remember the
    /// key and enqueue the job. Returns per job whether it was enqueued. When this returns
    /// `Ok`, every enqueued job is durably stored.
    async fn enqueue(&self, jobs: &[NewJob]) -> Result<Vec<bool>, StoreError>;

    /// Lease the next job to `consumer` for `lease`: the first job of a group that has none
    /// in flight, taking delayed jobs whose time has come and groups whose holder's lease ran
    /// out into account; else wait up to `wait` for one.
    async fn claim(
        &self,
        consumer: &str,
        lease: Duration,
        wait: Duration,
    ) -> Result<Option<ClaimedJob>, StoreError>;

    /// End the step of `job`: apply `step` atomically and free the group for its next job.
    /// When the job is no longer held, nothing is written ([`StepResult::NotHeld`]).
    async fn commit(&self, job: &ClaimedJob, step: StepCommit) -> Result<StepResult, StoreError>;

    /// Dead letters, oldest first, at most `limit`, starting after id `after`.
    async fn dead_letters(
        &self,
        after: Option<&str>,
        limit: usize,
    ) -> Result<Vec<DeadLetter>, StoreError>;

    /// Atomically move one dead letter back to the queue, in its group. `false` when there is
    /// no such id.
    async fn retry_dead_letter(&self, id: &str) -> Result<bool, StoreError>;

    /// Queue sizes.
    async fn stats(&self) -> Result<QueueStats, StoreError>;
}
