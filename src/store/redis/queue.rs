//! The inbox on a Redis Stream with consumer group `asli`: enqueue with dedupe, claim with
//! leases (pending entries idle longer than the lease are taken over), delayed jobs in a
//! sorted set, dead letters in a second stream.

use std::time::{Duration, SystemTime};

use tokio::time::Instant;

use super::{RedisStore, keys, ttl_ms, unix_ms};
use crate::store::{ClaimedJob, DeadLetter, NewJob, QueueStats, StoreError};

/// How often a waiting `claim` looks again. Polling keeps the shared multiplexed connection
/// free (a blocking XREADGROUP on it would stall every other caller).
const POLL_INTERVAL: Duration = Duration::from_millis(50);

/// Whether `id` looks like a stream entry id (`<ms>-<seq>`); anything else is never one of ours.
fn is_stream_id(id: &str) -> bool {
    stream_id_parts(id).is_some()
}

/// The two halves of a stream id, each a 64-bit number as Redis requires: digits beyond that
/// make Redis answer an error (an admin's typo would become a 503), so they are no id.
fn stream_id_parts(id: &str) -> Option<(u64, u64)> {
    let (ms, seq) = id.split_once('-')?;
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if !digits(ms) || !digits(seq) {
        return None;
    }
    Some((ms.parse().ok()?, seq.parse().ok()?))
}

impl RedisStore {
    pub(super) async fn queue_enqueue_unique(
        &self,
        jobs: &[NewJob],
        dedupe_ttl: Duration,
    ) -> Result<Vec<bool>, StoreError> {
        if jobs.is_empty() {
            return Ok(Vec::new());
        }
        let mut invocation = self.scripts.enqueue_unique.prepare_invoke();
        invocation.key(keys::STREAM).arg(ttl_ms(dedupe_ttl));
        for job in jobs {
            invocation
                .key(format!("{}{}", keys::DEDUPE_PREFIX, job.dedupe_key))
                .arg(job.payload.as_slice());
        }
        let mut conn = self.conn();
        let added: Vec<u8> = self
            .run("enqueue_unique", invocation.invoke_async(&mut conn))
            .await?;
        if added.len() != jobs.len() {
            return Err(StoreError::Corrupt(format!(
                "enqueue_unique answered {} results for {} jobs",
                added.len(),
                jobs.len()
            )));
        }
        Ok(added.into_iter().map(|a| a == 1).collect())
    }

    pub(super) async fn queue_enqueue(
        &self,
        payload: &[u8],
        not_before: Option<SystemTime>,
    ) -> Result<(), StoreError> {
        let mut conn = self.conn();
        match not_before {
            Some(at) if at > SystemTime::now() => {
                let id = uuid::Uuid::new_v4().simple().to_string();
                let mut invocation = self.scripts.schedule.prepare_invoke();
                invocation
                    .key(keys::DELAYED)
                    .key(keys::DELAYED_PAYLOADS)
                    .arg(unix_ms(at))
                    .arg(id)
                    .arg(payload);
                let _: i64 = self
                    .run("schedule", invocation.invoke_async(&mut conn))
                    .await?;
            }
            _ => {
                let _: String = self
                    .run(
                        "XADD",
                        redis::cmd("XADD")
                            .arg(keys::STREAM)
                            .arg("*")
                            .arg("p")
                            .arg(payload)
                            .query_async(&mut conn),
                    )
                    .await?;
            }
        }
        Ok(())
    }

    pub(super) async fn queue_claim(
        &self,
        consumer: &str,
        lease: Duration,
        wait: Duration,
    ) -> Result<Option<ClaimedJob>, StoreError> {
        let deadline = Instant::now() + wait;
        loop {
            if let Some(job) = self.try_claim(consumer, lease).await? {
                return Ok(Some(job));
            }
            let now = Instant::now();
            if now >= deadline {
                return Ok(None);
            }
            tokio::time::sleep(POLL_INTERVAL.min(deadline - now)).await;
        }
    }

    /// One claim attempt: promote due delayed jobs, then a new entry, then a stale one.
    async fn try_claim(
        &self,
        consumer: &str,
        lease: Duration,
    ) -> Result<Option<ClaimedJob>, StoreError> {
        let mut invocation = self.scripts.claim.prepare_invoke();
        invocation
            .key(keys::STREAM)
            .key(keys::DELAYED)
            .key(keys::DELAYED_PAYLOADS)
            .arg(unix_ms(SystemTime::now()))
            .arg(consumer)
            .arg(ttl_ms(lease));
        let mut conn = self.conn();
        let claimed: Option<(String, Vec<u8>, u32)> = self
            .run("claim", invocation.invoke_async(&mut conn))
            .await?;
        Ok(claimed.map(|(id, payload, deliveries)| ClaimedJob {
            id,
            payload,
            deliveries,
        }))
    }

    pub(super) async fn queue_ack(&self, job: &ClaimedJob) -> Result<(), StoreError> {
        if !is_stream_id(&job.id) {
            return Ok(());
        }
        let mut invocation = self.scripts.ack.prepare_invoke();
        invocation.key(keys::STREAM).arg(&job.id);
        let mut conn = self.conn();
        let _: i64 = self.run("ack", invocation.invoke_async(&mut conn)).await?;
        Ok(())
    }

    pub(super) async fn queue_reschedule(
        &self,
        job: &ClaimedJob,
        payload: &[u8],
        at: SystemTime,
    ) -> Result<(), StoreError> {
        let mut invocation = self.scripts.reschedule.prepare_invoke();
        invocation
            .key(keys::STREAM)
            .key(keys::DELAYED)
            .key(keys::DELAYED_PAYLOADS)
            // An id that is not a stream id cannot be pending: "0-0" acks nothing.
            .arg(if is_stream_id(&job.id) {
                &job.id
            } else {
                "0-0"
            })
            .arg(unix_ms(at))
            .arg(uuid::Uuid::new_v4().simple().to_string())
            .arg(payload);
        let mut conn = self.conn();
        let _: i64 = self
            .run("reschedule", invocation.invoke_async(&mut conn))
            .await?;
        Ok(())
    }

    pub(super) async fn queue_dead_letter(
        &self,
        job: &ClaimedJob,
        payload: &[u8],
        error: &str,
    ) -> Result<String, StoreError> {
        let at = unix_ms(SystemTime::now()) / 1000;
        let mut invocation = self.scripts.dead_letter.prepare_invoke();
        invocation
            .key(keys::STREAM)
            .key(keys::DEAD)
            .arg(if is_stream_id(&job.id) {
                &job.id
            } else {
                "0-0"
            })
            .arg(payload)
            .arg(error)
            .arg(at);
        let mut conn = self.conn();
        self.run("dead_letter", invocation.invoke_async(&mut conn))
            .await
    }

    pub(super) async fn queue_dead_letters(
        &self,
        after: Option<&str>,
        limit: usize,
    ) -> Result<Vec<DeadLetter>, StoreError> {
        let start = match after {
            None => "-".to_string(),
            // Nothing comes after the largest id (Redis rejects an exclusive start there).
            Some(id) if stream_id_parts(id) == Some((u64::MAX, u64::MAX)) => {
                return Ok(Vec::new());
            }
            Some(id) if is_stream_id(id) => format!("({id}"),
            // A cursor we never handed out: nothing comes after it.
            Some(_) => return Ok(Vec::new()),
        };
        if limit == 0 {
            return Ok(Vec::new());
        }
        let mut conn = self.conn();
        let entries: Vec<(String, Vec<Vec<u8>>)> = self
            .run(
                "XRANGE",
                redis::cmd("XRANGE")
                    .arg(keys::DEAD)
                    .arg(start)
                    .arg("+")
                    .arg("COUNT")
                    .arg(limit)
                    .query_async(&mut conn),
            )
            .await?;
        entries
            .into_iter()
            .map(|(id, fields)| dead_letter_from_fields(id, fields))
            .collect()
    }

    pub(super) async fn queue_retry_dead_letter(&self, id: &str) -> Result<bool, StoreError> {
        if !is_stream_id(id) {
            return Ok(false);
        }
        let mut invocation = self.scripts.retry_dead.prepare_invoke();
        invocation.key(keys::DEAD).key(keys::STREAM).arg(id);
        let mut conn = self.conn();
        let moved: i64 = self
            .run("retry_dead_letter", invocation.invoke_async(&mut conn))
            .await?;
        Ok(moved == 1)
    }

    pub(super) async fn queue_queue_stats(&self) -> Result<QueueStats, StoreError> {
        let mut invocation = self.scripts.stats.prepare_invoke();
        invocation
            .key(keys::STREAM)
            .key(keys::DELAYED)
            .key(keys::DEAD);
        let mut conn = self.conn();
        let (entries, in_flight, delayed, dead): (u64, u64, u64, u64) = self
            .run("queue_stats", invocation.invoke_async(&mut conn))
            .await?;
        Ok(QueueStats {
            ready: entries.saturating_sub(in_flight),
            in_flight,
            delayed,
            dead,
        })
    }
}

/// A dead letter from its stream entry (`p` payload, `e` error, `at` unix seconds).
fn dead_letter_from_fields(id: String, fields: Vec<Vec<u8>>) -> Result<DeadLetter, StoreError> {
    let mut letter = DeadLetter {
        id,
        payload: Vec::new(),
        error: String::new(),
        at: 0,
    };
    let mut fields = fields.into_iter();
    while let (Some(name), Some(value)) = (fields.next(), fields.next()) {
        match name.as_slice() {
            b"p" => letter.payload = value,
            b"e" => letter.error = String::from_utf8_lossy(&value).into_owned(),
            b"at" => {
                letter.at = std::str::from_utf8(&value)
                    .ok()
                    .and_then(|s| s.parse().ok())
                    .ok_or_else(|| {
                        StoreError::Corrupt(format!("dead letter {}: bad time", letter.id))
                    })?;
            }
            _ => {}
        }
    }
    Ok(letter)
}
