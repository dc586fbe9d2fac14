//! The inbox in redb: `QUEUE` holds every unacked job by sequence number, leases live in
//! memory, `DELAYED` holds jobs by due time, `DEAD` the dead letters.

use std::time::{Duration, Instant, SystemTime};

use redb::{ReadableDatabase, ReadableTable, ReadableTableMetadata};

use redb::WriteTransaction;

use super::{
    DEAD, DEDUPE, DELAYED, DELIVERIES, EmbeddedStore, Inner, Lease, NEXT_SEQ, QUEUE, corrupt,
    db_error, expiry_ms, index_expiry, next_number, now_ms, purge_expired, unix_ms,
};
use crate::store::{ClaimedJob, DeadLetter, NewJob, QueueStats, StoreError};

/// How often a waiting `claim` looks again even without an enqueue: delayed jobs coming due
/// and leases running out signal no one.
const POLL_INTERVAL: Duration = Duration::from_millis(100);

/// What becomes of a finished job besides leaving the queue.
pub(super) enum Then {
    /// Nothing: it is done.
    Forget,
    /// Back in the queue with this payload at this unix ms.
    Delay(Vec<u8>, u64),
    /// Kept as a dead letter with this payload and error.
    Dead(Vec<u8>, String),
}

impl EmbeddedStore {
    pub(super) async fn queue_enqueue_unique(
        &self,
        jobs: Vec<NewJob>,
        dedupe_ttl: Duration,
    ) -> Result<Vec<bool>, StoreError> {
        if jobs.is_empty() {
            return Ok(Vec::new());
        }
        let added = self
            .blocking(move |inner| {
                let now = now_ms();
                let until = expiry_ms(dedupe_ttl);
                let txn = inner.db.begin_write().map_err(db_error)?;
                let mut added = Vec::with_capacity(jobs.len());
                for job in &jobs {
                    let key = job.dedupe_key.as_str();
                    let mut dedupe = txn.open_table(DEDUPE).map_err(db_error)?;
                    let seen = dedupe
                        .get(key)
                        .map_err(db_error)?
                        .is_some_and(|g| g.value() > now);
                    if seen {
                        added.push(false);
                        continue;
                    }
                    dedupe.insert(key, until).map_err(db_error)?;
                    drop(dedupe);
                    index_expiry(&txn, until, &format!("d:{key}"))?;
                    let seq = next_number(&txn, NEXT_SEQ)?;
                    let mut queue = txn.open_table(QUEUE).map_err(db_error)?;
                    queue
                        .insert(seq, job.payload.as_slice())
                        .map_err(db_error)?;
                    added.push(true);
                }
                purge_expired(&txn, now)?;
                txn.commit().map_err(db_error)?;
                Ok(added)
            })
            .await?;
        if added.contains(&true) {
            self.inner.arrivals.notify_waiters();
        }
        Ok(added)
    }

    pub(super) async fn queue_enqueue(
        &self,
        payload: Vec<u8>,
        not_before: Option<SystemTime>,
    ) -> Result<(), StoreError> {
        let due = not_before.map(unix_ms).filter(|&at| at > now_ms());
        self.blocking(move |inner| {
            let txn = inner.db.begin_write().map_err(db_error)?;
            let seq = next_number(&txn, NEXT_SEQ)?;
            match due {
                Some(at) => {
                    let mut delayed = txn.open_table(DELAYED).map_err(db_error)?;
                    delayed
                        .insert((at, seq), payload.as_slice())
                        .map_err(db_error)?;
                }
                None => {
                    let mut queue = txn.open_table(QUEUE).map_err(db_error)?;
                    queue.insert(seq, payload.as_slice()).map_err(db_error)?;
                }
            }
            txn.commit().map_err(db_error)
        })
        .await?;
        self.inner.arrivals.notify_waiters();
        Ok(())
    }

    pub(super) async fn queue_claim(
        &self,
        _consumer: &str,
        lease: Duration,
        wait: Duration,
    ) -> Result<Option<ClaimedJob>, StoreError> {
        let deadline = tokio::time::Instant::now() + wait;
        loop {
            // Listen before looking, so an enqueue between the look and the wait still wakes us.
            let arrival = self.inner.arrivals.notified();
            tokio::pin!(arrival);
            arrival.as_mut().enable();
            if let Some(job) = self.blocking(move |inner| try_claim(inner, lease)).await? {
                return Ok(Some(job));
            }
            let now = tokio::time::Instant::now();
            if now >= deadline {
                return Ok(None);
            }
            let _ = tokio::time::timeout(POLL_INTERVAL.min(deadline - now), arrival).await;
        }
    }

    /// Remove `job` from the queue and do `then`, in one transaction. Returns the dead
    /// letter id for [`Then::Dead`], else an empty string.
    pub(super) async fn queue_finish(
        &self,
        job: &ClaimedJob,
        then: Then,
    ) -> Result<String, StoreError> {
        // An id we never handed out cannot be in the queue.
        let seq = job.id.parse::<u64>().ok();
        let notify = matches!(then, Then::Delay(..));
        let id = self
            .blocking(move |inner| {
                let txn = inner.db.begin_write().map_err(db_error)?;
                if let Some(seq) = seq {
                    let mut queue = txn.open_table(QUEUE).map_err(db_error)?;
                    queue.remove(seq).map_err(db_error)?;
                    let mut counts = txn.open_table(DELIVERIES).map_err(db_error)?;
                    counts.remove(seq).map_err(db_error)?;
                }
                let id = match then {
                    Then::Forget => String::new(),
                    Then::Delay(payload, at) => {
                        let next = next_number(&txn, NEXT_SEQ)?;
                        let mut delayed = txn.open_table(DELAYED).map_err(db_error)?;
                        delayed
                            .insert((at, next), payload.as_slice())
                            .map_err(db_error)?;
                        String::new()
                    }
                    Then::Dead(payload, error) => {
                        let next = next_number(&txn, NEXT_SEQ)?;
                        let letter = DeadLetter {
                            id: format!("{next:020}"),
                            payload,
                            error,
                            at: now_ms() / 1000,
                        };
                        let json = serde_json::to_vec(&letter).map_err(|e| corrupt("encode", e))?;
                        let mut dead = txn.open_table(DEAD).map_err(db_error)?;
                        dead.insert(next, json.as_slice()).map_err(db_error)?;
                        letter.id
                    }
                };
                txn.commit().map_err(db_error)?;
                // Only now, with the job gone for good, may a claim look at its number again.
                if let Some(seq) = seq {
                    inner.leases().remove(&seq);
                }
                Ok(id)
            })
            .await?;
        if notify {
            self.inner.arrivals.notify_waiters();
        }
        Ok(id)
    }

    pub(super) async fn queue_dead_letters(
        &self,
        after: Option<&str>,
        limit: usize,
    ) -> Result<Vec<DeadLetter>, StoreError> {
        let start = match after.map(str::parse::<u64>) {
            None => 0,
            Some(Ok(after)) => after.saturating_add(1),
            // A cursor we never handed out: nothing comes after it.
            Some(Err(_)) => return Ok(Vec::new()),
        };
        self.blocking(move |inner| {
            let txn = inner.db.begin_read().map_err(db_error)?;
            let dead = txn.open_table(DEAD).map_err(db_error)?;
            dead.range(start..)
                .map_err(db_error)?
                .take(limit)
                .map(|entry| {
                    let (_, json) = entry.map_err(db_error)?;
                    serde_json::from_slice(json.value()).map_err(|e| corrupt("dead letter", e))
                })
                .collect()
        })
        .await
    }

    pub(super) async fn queue_retry_dead_letter(&self, id: &str) -> Result<bool, StoreError> {
        let Ok(seq) = id.parse::<u64>() else {
            return Ok(false);
        };
        let moved = self
            .blocking(move |inner| {
                let txn = inner.db.begin_write().map_err(db_error)?;
                let json = {
                    let mut dead = txn.open_table(DEAD).map_err(db_error)?;
                    let removed = dead.remove(seq).map_err(db_error)?;
                    removed.map(|g| g.value().to_vec())
                };
                let Some(json) = json else {
                    return Ok(false);
                };
                let letter: DeadLetter =
                    serde_json::from_slice(&json).map_err(|e| corrupt("dead letter", e))?;
                let next = next_number(&txn, NEXT_SEQ)?;
                let mut queue = txn.open_table(QUEUE).map_err(db_error)?;
                queue
                    .insert(next, letter.payload.as_slice())
                    .map_err(db_error)?;
                drop(queue);
                txn.commit().map_err(db_error)?;
                Ok(true)
            })
            .await?;
        if moved {
            self.inner.arrivals.notify_waiters();
        }
        Ok(moved)
    }

    pub(super) async fn queue_queue_stats(&self) -> Result<QueueStats, StoreError> {
        self.blocking(|inner| {
            let leases = inner.leases();
            let txn = inner.db.begin_read().map_err(db_error)?;
            let queued = txn.open_table(QUEUE).map_err(db_error)?;
            let queued = queued.len().map_err(db_error)?;
            let delayed = txn.open_table(DELAYED).map_err(db_error)?;
            let dead = txn.open_table(DEAD).map_err(db_error)?;
            let in_flight = leases.len() as u64;
            Ok(QueueStats {
                ready: queued.saturating_sub(in_flight),
                in_flight,
                delayed: delayed.len().map_err(db_error)?,
                dead: dead.len().map_err(db_error)?,
            })
        })
        .await
    }
}

/// One claim attempt, in one write transaction (so it sees every committed ack): promote due
/// delayed jobs, then lease the oldest unleased job, else the oldest one whose lease ran out.
/// The delivery count is stored durably, so it keeps counting across crashes (a job that
/// crashes the process is not retried forever).
fn try_claim(inner: &Inner, lease: Duration) -> Result<Option<ClaimedJob>, StoreError> {
    // Lock before the transaction begins: see `Inner::leases`.
    let mut leases = inner.leases();
    let txn = inner.db.begin_write().map_err(db_error)?;
    let promoted = promote_due(&txn, now_ms())?;
    let now = Instant::now();
    let picked = {
        let queue = txn.open_table(QUEUE).map_err(db_error)?;
        let mut stale: Option<(u64, Vec<u8>)> = None;
        let mut fresh: Option<(u64, Vec<u8>)> = None;
        for entry in queue.iter().map_err(db_error)? {
            let (seq, payload) = entry.map_err(db_error)?;
            let seq = seq.value();
            match leases.get(&seq) {
                None => {
                    fresh = Some((seq, payload.value().to_vec()));
                    break;
                }
                Some(held) if stale.is_none() && held.until <= now => {
                    stale = Some((seq, payload.value().to_vec()));
                }
                Some(_) => {}
            }
        }
        fresh.or(stale)
    };
    let Some((seq, payload)) = picked else {
        if promoted {
            txn.commit().map_err(db_error)?;
        } else {
            txn.abort().map_err(db_error)?;
        }
        return Ok(None);
    };
    let deliveries = {
        let mut counts = txn.open_table(DELIVERIES).map_err(db_error)?;
        let before = counts.get(seq).map_err(db_error)?.map_or(0, |g| g.value());
        let deliveries = before.saturating_add(1);
        counts.insert(seq, deliveries).map_err(db_error)?;
        deliveries
    };
    txn.commit().map_err(db_error)?;
    leases.insert(seq, Lease { until: now + lease });
    Ok(Some(ClaimedJob {
        id: seq.to_string(),
        payload,
        deliveries,
    }))
}

/// Move delayed jobs due by `now` to the end of the queue. Returns whether any moved.
fn promote_due(txn: &WriteTransaction, now: u64) -> Result<bool, StoreError> {
    let due: Vec<((u64, u64), Vec<u8>)> = {
        let delayed = txn.open_table(DELAYED).map_err(db_error)?;
        delayed
            .range(..=(now, u64::MAX))
            .map_err(db_error)?
            .map(|entry| {
                let (key, payload) = entry.map_err(db_error)?;
                Ok((key.value(), payload.value().to_vec()))
            })
            .collect::<Result<_, StoreError>>()?
    };
    let promoted = !due.is_empty();
    for (key, payload) in due {
        let mut delayed = txn.open_table(DELAYED).map_err(db_error)?;
        delayed.remove(key).map_err(db_error)?;
        drop(delayed);
        let seq = next_number(txn, NEXT_SEQ)?;
        let mut queue = txn.open_table(QUEUE).map_err(db_error)?;
        queue.insert(seq, payload.as_slice()).map_err(db_error)?;
    }
    Ok(promoted)
}
