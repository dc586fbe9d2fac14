//! The sharded inbox: `ASLI_INBOX_SHARDS` independent group queues, one per hash tag
//! `{in:N}`, each run by the scripts in `lua/` (see `lua/inbox_common.lua` for the keys).
//! A job's shard is its group's; claims go round the shards from a rotating start, so every
//! shard is served; dead letters are listed across shards, oldest first.

use std::sync::atomic::Ordering;
use std::time::{Duration, SystemTime};

use async_trait::async_trait;
use futures::future::try_join_all;
use tokio::time::Instant;

use super::{RedisStore, shard_prefix, ttl_ms, unix_ms};
use crate::store::{
    ClaimedJob, DeadLetter, GroupId, Inbox, NewJob, Outcome, QueueStats, StateWrite, StepCommit,
    StepResult, StoreError,
};

/// How often a waiting `claim` looks again. Polling keeps the shared multiplexed connection
/// free (a blocking read on it would stall every other caller).
const POLL_INTERVAL: Duration = Duration::from_millis(50);

/// A claimed job as `claim.lua` returns it.
type ClaimRow = (String, Vec<u8>, u32, String);
/// A stream entry as XRANGE returns it: id and field/value pairs.
type StreamEntry = (String, Vec<(String, Vec<u8>)>);

/// A dead letter's id: `<ms>-<seq>-<shard>` (its stream id in its shard's dead stream, then
/// the shard), ordered by time, then shard.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct DeadId {
    ms: u64,
    seq: u64,
    shard: u16,
}

impl DeadId {
    /// Parse an id this store handed out; anything else (digits beyond 64 bits included)
    /// names nothing.
    fn parse(id: &str) -> Option<DeadId> {
        let mut parts = id.split('-');
        let (ms, seq, shard) = (parts.next()?, parts.next()?, parts.next()?);
        if parts.next().is_some() {
            return None;
        }
        let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
        if !digits(ms) || !digits(seq) || !digits(shard) {
            return None;
        }
        Some(DeadId {
            ms: ms.parse().ok()?,
            seq: seq.parse().ok()?,
            shard: shard.parse().ok()?,
        })
    }

    fn stream_id(&self) -> String {
        format!("{}-{}", self.ms, self.seq)
    }

    fn of(stream_id: &str, shard: u16) -> Option<DeadId> {
        DeadId::parse(&format!("{stream_id}-{shard}"))
    }
}

impl std::fmt::Display for DeadId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}-{}-{}", self.ms, self.seq, self.shard)
    }
}

/// The 5 script arguments of a job (see `enqueue.lua`).
fn job_args(invocation: &mut redis::ScriptInvocation<'_>, job: &NewJob) {
    let (key, ttl) = match &job.dedupe {
        Some((key, ttl)) => (key.as_str(), ttl_ms(*ttl)),
        None => ("", 0),
    };
    invocation
        .arg(key)
        .arg(ttl)
        .arg(job.group.as_str())
        .arg(job.not_before.map_or(0, unix_ms))
        .arg(job.payload.as_slice());
}

impl RedisStore {
    /// One claim attempt on one shard.
    async fn claim_in(
        &self,
        shard: u16,
        lease: Duration,
    ) -> Result<Option<ClaimedJob>, StoreError> {
        let prefix = shard_prefix(shard);
        let mut invocation = self.scripts.claim.prepare_invoke();
        invocation
            .key(format!("{prefix}ready"))
            .arg(&prefix)
            .arg(unix_ms(SystemTime::now()))
            .arg(ttl_ms(lease));
        let mut conn = self.conn();
        let row: Option<ClaimRow> = self
            .run("claim", invocation.invoke_async(&mut conn))
            .await?;
        Ok(row.map(|(id, payload, deliveries, group)| ClaimedJob {
            // The shard travels with the id: a follow-up job may live outside its group's.
            id: format!("{shard}:{id}"),
            group: GroupId::new(group),
            payload,
            deliveries,
        }))
    }

    /// One claim attempt on every shard, starting where the last attempt left off.
    async fn claim_round(&self, lease: Duration) -> Result<Option<ClaimedJob>, StoreError> {
        let shards = usize::from(self.shards);
        for _ in 0..shards {
            let shard = (self.cursor.fetch_add(1, Ordering::Relaxed) % shards) as u16;
            if let Some(job) = self.claim_in(shard, lease).await? {
                return Ok(Some(job));
            }
        }
        Ok(None)
    }

    /// Write `writes` one by one (those a step commit could not take into its script).
    async fn write_apart(&self, writes: &[&StateWrite]) -> Result<(), StoreError> {
        use crate::store::StateStore as _;
        for write in writes {
            match *write {
                StateWrite::Put { key, value, ttl } => self.put(key, value, *ttl).await?,
                StateWrite::Delete(key) => {
                    self.take(key).await?;
                }
                StateWrite::Incr { key, ttl } => {
                    self.incr(key, *ttl).await?;
                }
            }
        }
        Ok(())
    }

    async fn shard_stats(&self, shard: u16) -> Result<(u64, u64, u64, u64), StoreError> {
        let prefix = shard_prefix(shard);
        let mut invocation = self.scripts.stats.prepare_invoke();
        invocation.key(format!("{prefix}jobs")).arg(&prefix);
        let mut conn = self.conn();
        self.run("stats", invocation.invoke_async(&mut conn)).await
    }

    /// Up to `limit` dead letters of one shard after `after` (by the cross-shard order).
    async fn dead_in(
        &self,
        shard: u16,
        after: Option<DeadId>,
        limit: usize,
    ) -> Result<Vec<(DeadId, DeadLetter)>, StoreError> {
        let start = match after {
            None => "-".to_string(),
            // Same time and sequence in a later shard still comes after.
            Some(after) if shard > after.shard => after.stream_id(),
            // Nothing comes after the largest id there is (Redis refuses to look).
            Some(after) if (after.ms, after.seq) == (u64::MAX, u64::MAX) => return Ok(Vec::new()),
            Some(after) => format!("({}", after.stream_id()),
        };
        let mut conn = self.conn();
        let entries: Vec<StreamEntry> = self
            .run(
                "XRANGE",
                redis::cmd("XRANGE")
                    .arg(format!("{}dead", shard_prefix(shard)))
                    .arg(start)
                    .arg("+")
                    .arg("COUNT")
                    .arg(limit)
                    .query_async(&mut conn),
            )
            .await?;
        Ok(entries
            .into_iter()
            .filter_map(|(stream_id, fields)| {
                let id = DeadId::of(&stream_id, shard)?;
                let field = |name: &str| {
                    fields
                        .iter()
                        .find(|(k, _)| k == name)
                        .map(|(_, v)| v.clone())
                        .unwrap_or_default()
                };
                let at = String::from_utf8_lossy(&field("t")).parse().unwrap_or(0);
                let letter = DeadLetter {
                    id: id.to_string(),
                    payload: field("p"),
                    error: String::from_utf8_lossy(&field("e")).into_owned(),
                    at,
                };
                Some((id, letter))
            })
            .collect())
    }
}

#[async_trait]
impl Inbox for RedisStore {
    async fn ping(&self) -> Result<(), StoreError> {
        let mut conn = self.conn();
        let _: String = self
            .run("PING", redis::cmd("PING").query_async(&mut conn))
            .await?;
        Ok(())
    }

    async fn enqueue(&self, jobs: &[NewJob]) -> Result<Vec<bool>, StoreError> {
        // One script per shard touched; results put back in the jobs' order.
        let mut by_shard: Vec<(u16, Vec<usize>)> = Vec::new();
        for (i, job) in jobs.iter().enumerate() {
            let shard = self.shard_of(&job.group);
            match by_shard.iter_mut().find(|(s, _)| *s == shard) {
                Some((_, indices)) => indices.push(i),
                None => by_shard.push((shard, vec![i])),
            }
        }
        let now = unix_ms(SystemTime::now());
        let calls = by_shard.iter().map(|(shard, indices)| {
            let prefix = shard_prefix(*shard);
            let mut invocation = self.scripts.enqueue.prepare_invoke();
            invocation.key(format!("{prefix}seq")).arg(&prefix).arg(now);
            for &i in indices {
                job_args(&mut invocation, &jobs[i]);
            }
            async move {
                let mut conn = self.conn();
                let added: Vec<u8> = self
                    .run("enqueue", invocation.invoke_async(&mut conn))
                    .await?;
                if added.len() != indices.len() {
                    return Err(StoreError::Corrupt(format!(
                        "enqueue answered {} results for {} jobs",
                        added.len(),
                        indices.len()
                    )));
                }
                Ok(indices.iter().copied().zip(added).collect::<Vec<_>>())
            }
        });
        let mut added = vec![false; jobs.len()];
        for (i, a) in try_join_all(calls).await?.into_iter().flatten() {
            added[i] = a == 1;
        }
        Ok(added)
    }

    async fn claim(
        &self,
        _consumer: &str,
        lease: Duration,
        wait: Duration,
    ) -> Result<Option<ClaimedJob>, StoreError> {
        let deadline = Instant::now() + wait;
        loop {
            if let Some(job) = self.claim_round(lease).await? {
                return Ok(Some(job));
            }
            let now = Instant::now();
            if now >= deadline {
                return Ok(None);
            }
            tokio::time::sleep(POLL_INTERVAL.min(deadline - now)).await;
        }
    }

    async fn commit(&self, job: &ClaimedJob, step: StepCommit) -> Result<StepResult, StoreError> {
        let Some((shard, id)) = job
            .id
            .split_once(':')
            .and_then(|(shard, id)| Some((shard.parse::<u16>().ok()?, id)))
            .filter(|(shard, _)| *shard < self.shards)
        else {
            return Ok(StepResult::NotHeld);
        };
        let prefix = shard_prefix(shard);
        let now = SystemTime::now();
        let mut invocation = self.scripts.commit.prepare_invoke();
        invocation
            .key(format!("{prefix}ready"))
            .arg(&prefix)
            .arg(unix_ms(now))
            .arg(id)
            .arg(job.group.as_str());
        match &step.outcome {
            Outcome::Done => invocation.arg("done").arg("").arg(""),
            Outcome::Retry { payload, at } => invocation
                .arg("retry")
                .arg(payload.as_slice())
                .arg(unix_ms(*at)),
            Outcome::Dead { payload, error } => invocation
                .arg("dead")
                .arg(payload.as_slice())
                .arg(error.as_str()),
        };
        invocation.arg(unix_ms(now) / 1000);
        // Writes to this shard's keys go into the script; any other (a key of another group
        // or of none) is written right after it.
        let (inside, apart): (Vec<&StateWrite>, Vec<&StateWrite>) = step
            .writes
            .iter()
            .partition(|w| w.key().group().is_some_and(|g| self.shard_of(g) == shard));
        invocation.arg(inside.len());
        for write in &inside {
            let (op, value, ttl) = match write {
                StateWrite::Put { value, ttl, .. } => ("put", value.as_slice(), ttl_ms(*ttl)),
                StateWrite::Delete(_) => ("del", &[][..], 0),
                StateWrite::Incr { ttl, .. } => ("incr", &[][..], ttl_ms(*ttl)),
            };
            invocation
                .arg(op)
                .arg(write.key().name())
                .arg(value)
                .arg(ttl);
        }
        for follow_up in &step.enqueue {
            job_args(&mut invocation, follow_up);
        }
        let mut conn = self.conn();
        let (held, dead): (u8, Option<String>) = self
            .run("commit", invocation.invoke_async(&mut conn))
            .await?;
        if held != 1 {
            return Ok(StepResult::NotHeld);
        }
        self.write_apart(&apart).await?;
        Ok(StepResult::Committed {
            dead_letter: dead
                .and_then(|d| DeadId::of(&d, shard))
                .map(|d| d.to_string()),
        })
    }

    async fn dead_letters(
        &self,
        after: Option<&str>,
        limit: usize,
    ) -> Result<Vec<DeadLetter>, StoreError> {
        let after = match after {
            None => None,
            Some(id) => match DeadId::parse(id) {
                Some(id) => Some(id),
                None => return Ok(Vec::new()),
            },
        };
        if limit == 0 {
            return Ok(Vec::new());
        }
        let pages = (0..self.shards).map(|shard| self.dead_in(shard, after, limit));
        let mut all: Vec<(DeadId, DeadLetter)> =
            try_join_all(pages).await?.into_iter().flatten().collect();
        all.sort_by_key(|(id, _)| *id);
        all.truncate(limit);
        Ok(all.into_iter().map(|(_, letter)| letter).collect())
    }

    async fn retry_dead_letter(&self, id: &str) -> Result<bool, StoreError> {
        let Some(id) = DeadId::parse(id).filter(|id| id.shard < self.shards) else {
            return Ok(false);
        };
        let prefix = shard_prefix(id.shard);
        let mut invocation = self.scripts.retry_dead.prepare_invoke();
        invocation
            .key(format!("{prefix}dead"))
            .arg(&prefix)
            .arg(unix_ms(SystemTime::now()))
            .arg(id.stream_id());
        let mut conn = self.conn();
        let retried: u8 = self
            .run("retry_dead", invocation.invoke_async(&mut conn))
            .await?;
        Ok(retried == 1)
    }

    async fn stats(&self) -> Result<QueueStats, StoreError> {
        let rows = try_join_all((0..self.shards).map(|shard| self.shard_stats(shard))).await?;
        let mut stats = QueueStats::default();
        for (jobs, in_flight, delayed, dead) in rows {
            stats.ready += jobs.saturating_sub(in_flight + delayed);
            stats.in_flight += in_flight;
            stats.delayed += delayed;
            stats.dead += dead;
        }
        Ok(stats)
    }
}
