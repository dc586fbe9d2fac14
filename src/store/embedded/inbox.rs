//! The inbox in redb: `JOBS`/`PAYLOADS` hold every job until its step commits, `DEAD` the
//! dead letters; the order of work is in memory ([`super::queues`]).

use std::time::{Duration, Instant};

use async_trait::async_trait;
use redb::{ReadableTable, ReadableTableMetadata, WriteTransaction};
use serde::{Deserialize, Serialize};

use super::state::apply_write;
use super::writer::MemUpdate;
use super::{
    DEAD, DEDUPE, DELIVERIES, EmbeddedStore, JOBS, META, NEXT_SEQ, PAYLOADS, corrupt, db_error,
    expiry_ms, index_expiry, next_number, now_ms, unix_ms,
};
use crate::store::{
    ClaimedJob, DeadLetter, GroupId, Inbox, NewJob, Outcome, QueueStats, StepCommit, StepResult,
    StoreError,
};

/// How often a waiting `claim` looks again even without news: a bound, in case a wake-up
/// was missed.
const POLL_INTERVAL: Duration = Duration::from_millis(100);

/// A dead letter as stored (0.1 files lack the group).
#[derive(Serialize, Deserialize)]
struct StoredDead {
    payload: Vec<u8>,
    error: String,
    at: u64,
    #[serde(default)]
    group: Option<String>,
}

/// Where a new job went: into its group now, or into the delayed set.
struct Placed {
    group: String,
    id: u64,
    due: u64,
}

impl Placed {
    fn apply(self, queues: &mut super::queues::Queues) {
        if self.due > 0 {
            queues.schedule(&self.group, self.id, self.due);
        } else {
            queues.push(&self.group, self.id);
        }
    }
}

/// Store one job (deduplicated when it has a key); where it went, `None` when it was a
/// duplicate.
fn insert_job(
    txn: &WriteTransaction,
    job: &NewJob,
    now: u64,
) -> Result<Option<Placed>, StoreError> {
    if let Some((key, ttl)) = &job.dedupe {
        let mut dedupe = txn.open_table(DEDUPE).map_err(db_error)?;
        let seen = dedupe
            .get(key.as_str())
            .map_err(db_error)?
            .is_some_and(|g| g.value() > now);
        if seen {
            return Ok(None);
        }
        let until = expiry_ms(*ttl);
        dedupe.insert(key.as_str(), until).map_err(db_error)?;
        drop(dedupe);
        index_expiry(txn, until, &format!("d:{key}"))?;
    }
    let due = job
        .not_before
        .map(unix_ms)
        .filter(|due| *due > now)
        .unwrap_or(0);
    let placed = place(txn, job.group.as_str(), &job.payload, due)?;
    Ok(Some(placed))
}

/// Store a job of `group` due at `due` (0: now) under a new id.
fn place(
    txn: &WriteTransaction,
    group: &str,
    payload: &[u8],
    due: u64,
) -> Result<Placed, StoreError> {
    let id = next_number(txn, NEXT_SEQ)?;
    txn.open_table(JOBS)
        .map_err(db_error)?
        .insert(id, (group, due))
        .map_err(db_error)?;
    txn.open_table(PAYLOADS)
        .map_err(db_error)?
        .insert(id, payload)
        .map_err(db_error)?;
    Ok(Placed {
        group: group.to_string(),
        id,
        due,
    })
}

fn mem(f: impl FnOnce(&mut super::queues::Queues) + Send + 'static) -> Option<MemUpdate> {
    Some(Box::new(f))
}

impl EmbeddedStore {
    /// Count a delivery of job `id` and read its payload; `None` when it is gone.
    async fn hand_out(&self, group: String, id: u64) -> Result<Option<ClaimedJob>, StoreError> {
        self.write(move |txn| {
            let payload = txn
                .open_table(PAYLOADS)
                .map_err(db_error)?
                .get(id)
                .map_err(db_error)?
                .map(|g| g.value().to_vec());
            let Some(payload) = payload else {
                let gone = group.clone();
                return Ok((None, mem(move |q| q.finish(&gone, id))));
            };
            let mut deliveries = txn.open_table(DELIVERIES).map_err(db_error)?;
            let count = deliveries
                .get(id)
                .map_err(db_error)?
                .map_or(0, |g| g.value())
                .saturating_add(1);
            deliveries.insert(id, count).map_err(db_error)?;
            let job = ClaimedJob {
                id: id.to_string(),
                group: GroupId::new(group),
                payload,
                deliveries: count,
            };
            Ok((Some(job), None))
        })
        .await
    }

    /// Lease the next job, if any is claimable now.
    async fn try_claim(&self, lease: Duration) -> Result<Option<ClaimedJob>, StoreError> {
        loop {
            let picked = {
                let mut queues = self.queues();
                queues.promote_due(now_ms());
                queues.reclaim_expired(Instant::now());
                queues.next(Instant::now() + lease)
            };
            let Some((group, id)) = picked else {
                return Ok(None);
            };
            match self.hand_out(group.clone(), id).await {
                Ok(Some(job)) => return Ok(Some(job)),
                Ok(None) => continue,
                Err(e) => {
                    self.queues().release(&group, id);
                    return Err(e);
                }
            }
        }
    }
}

#[async_trait]
impl Inbox for EmbeddedStore {
    async fn ping(&self) -> Result<(), StoreError> {
        self.read(|txn| {
            txn.open_table(META).map_err(db_error)?;
            Ok(())
        })
        .await
    }

    async fn enqueue(&self, jobs: &[NewJob]) -> Result<Vec<bool>, StoreError> {
        if jobs.is_empty() {
            return Ok(Vec::new());
        }
        let jobs = jobs.to_vec();
        self.write(move |txn| {
            let now = now_ms();
            let mut added = Vec::with_capacity(jobs.len());
            let mut placed = Vec::with_capacity(jobs.len());
            for job in &jobs {
                match insert_job(txn, job, now)? {
                    Some(p) => {
                        placed.push(p);
                        added.push(true);
                    }
                    None => added.push(false),
                }
            }
            let update = mem(move |q| placed.into_iter().for_each(|p| p.apply(q)));
            Ok((added, update))
        })
        .await
    }

    async fn claim(
        &self,
        _consumer: &str,
        lease: Duration,
        wait: Duration,
    ) -> Result<Option<ClaimedJob>, StoreError> {
        let deadline = Instant::now() + wait;
        loop {
            // Listen before looking, so news between the look and the wait is not missed.
            let news = self.inner.arrivals.notified();
            tokio::pin!(news);
            news.as_mut().enable();
            if let Some(job) = self.try_claim(lease).await? {
                return Ok(Some(job));
            }
            let now = Instant::now();
            if now >= deadline {
                return Ok(None);
            }
            let (due, lease_end) = self.queues().next_change();
            let mut until = deadline.min(now + POLL_INTERVAL);
            if let Some(lease_end) = lease_end {
                until = until.min(lease_end.max(now));
            }
            if let Some(due) = due {
                let wait_ms = due.saturating_sub(now_ms());
                until = until.min(now + Duration::from_millis(wait_ms));
            }
            tokio::select! {
                _ = news => {}
                _ = tokio::time::sleep_until(until.into()) => {}
            }
        }
    }

    async fn commit(&self, job: &ClaimedJob, step: StepCommit) -> Result<StepResult, StoreError> {
        let Ok(id) = job.id.parse::<u64>() else {
            return Ok(StepResult::NotHeld);
        };
        let group = job.group.as_str().to_string();
        self.write(move |txn| {
            let now = now_ms();
            let held = txn
                .open_table(JOBS)
                .map_err(db_error)?
                .remove(id)
                .map_err(db_error)?
                .is_some();
            if !held {
                return Ok((StepResult::NotHeld, mem(move |q| q.finish(&group, id))));
            }
            txn.open_table(PAYLOADS)
                .map_err(db_error)?
                .remove(id)
                .map_err(db_error)?;
            txn.open_table(DELIVERIES)
                .map_err(db_error)?
                .remove(id)
                .map_err(db_error)?;
            let mut placed = Vec::new();
            let mut dead_letter = None;
            match step.outcome {
                Outcome::Done => {}
                Outcome::Retry { payload, at } => {
                    let due = Some(unix_ms(at)).filter(|due| *due > now).unwrap_or(0);
                    placed.push(place(txn, &group, &payload, due)?);
                }
                Outcome::Dead { payload, error } => {
                    let stored = StoredDead {
                        payload,
                        error,
                        at: now / 1000,
                        group: Some(group.clone()),
                    };
                    let json =
                        serde_json::to_vec(&stored).map_err(|e| corrupt("dead letter", e))?;
                    let dead_id = next_number(txn, NEXT_SEQ)?;
                    txn.open_table(DEAD)
                        .map_err(db_error)?
                        .insert(dead_id, json.as_slice())
                        .map_err(db_error)?;
                    dead_letter = Some(dead_id.to_string());
                }
            }
            for write in &step.writes {
                apply_write(txn, write, now)?;
            }
            for follow_up in &step.enqueue {
                placed.extend(insert_job(txn, follow_up, now)?);
            }
            let update = mem(move |q| {
                q.finish(&group, id);
                placed.into_iter().for_each(|p| p.apply(q));
            });
            Ok((StepResult::Committed { dead_letter }, update))
        })
        .await
    }

    async fn dead_letters(
        &self,
        after: Option<&str>,
        limit: usize,
    ) -> Result<Vec<DeadLetter>, StoreError> {
        let start = match after {
            None => 0,
            // An id no store handed out names nothing: an empty page.
            Some(after) => match after.parse::<u64>() {
                Ok(after) if after < u64::MAX => after + 1,
                _ => return Ok(Vec::new()),
            },
        };
        self.read(move |txn| {
            let dead = txn.open_table(DEAD).map_err(db_error)?;
            dead.range(start..)
                .map_err(db_error)?
                .take(limit)
                .map(|entry| {
                    let (id, json) = entry.map_err(db_error)?;
                    let stored: StoredDead = serde_json::from_slice(json.value())
                        .map_err(|e| corrupt("dead letter", e))?;
                    Ok(DeadLetter {
                        id: id.value().to_string(),
                        payload: stored.payload,
                        error: stored.error,
                        at: stored.at,
                    })
                })
                .collect()
        })
        .await
    }

    async fn retry_dead_letter(&self, id: &str) -> Result<bool, StoreError> {
        let Ok(id) = id.parse::<u64>() else {
            return Ok(false);
        };
        self.write(move |txn| {
            let stored = txn
                .open_table(DEAD)
                .map_err(db_error)?
                .get(id)
                .map_err(db_error)?
                .map(|g| serde_json::from_slice::<StoredDead>(g.value()));
            let Some(stored) = stored else {
                return Ok((false, None));
            };
            let stored = stored.map_err(|e| corrupt("dead letter", e))?;
            txn.open_table(DEAD)
                .map_err(db_error)?
                .remove(id)
                .map_err(db_error)?;
            let group = stored.group.unwrap_or_else(|| format!("legacy:{id}"));
            let placed = place(txn, &group, &stored.payload, 0)?;
            Ok((true, mem(move |q| placed.apply(q))))
        })
        .await
    }

    async fn stats(&self) -> Result<QueueStats, StoreError> {
        let (ready, in_flight, delayed) = self.queues().counts();
        let dead = self
            .read(|txn| {
                txn.open_table(DEAD)
                    .map_err(db_error)?
                    .len()
                    .map_err(db_error)
            })
            .await?;
        Ok(QueueStats {
            ready,
            in_flight,
            delayed,
            dead,
        })
    }
}
