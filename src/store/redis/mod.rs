//! The Redis (and Redis Cluster) store.
//!
//! Layout: this file connects, bounds every call with a timeout and maps errors; `queue.rs`
//! holds the inbox (a Redis Stream with consumer group `asli`), `state.rs` the ephemeral
//! values, counters, registry and incidents. Multi-key steps are Lua scripts under `lua/`, so
//! each trait method stays atomic. Every key carries a hash tag (`{inbox}`, `{reg}`) or stands
//! alone, so a script's keys always share one cluster slot.

mod conn;
mod queue;
mod state;

use std::future::Future;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use async_trait::async_trait;
use redis::RedisError;

use self::conn::Conn;
use super::{
    ClaimedJob, DeadLetter, Incident, NewJob, QueueStats, RegistrySnapshot, Store, StoreError,
};
use crate::registry::{AuditEntry, Official};

/// How long one store call may take before it counts as `Unavailable`.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(3);

/// Redis keys. Queue keys share the `{inbox}` tag and registry keys the `{reg}` tag, so each
/// script touches one cluster slot.
mod keys {
    pub const STREAM: &str = "asli:{inbox}:queue";
    pub const DELAYED: &str = "asli:{inbox}:delayed";
    pub const DELAYED_PAYLOADS: &str = "asli:{inbox}:delayed:payloads";
    pub const DEAD: &str = "asli:{inbox}:dead";
    pub const DEDUPE_PREFIX: &str = "asli:{inbox}:dedupe:";
    pub const VERSION: &str = "asli:{reg}:version";
    pub const OFFICIALS: &str = "asli:{reg}:officials";
    pub const AUDIT: &str = "asli:{reg}:audit";
    pub const INCIDENTS: &str = "asli:{reg}:incidents";
    pub const INCIDENT_PREFIX: &str = "asli:{reg}:incident:";
    pub const EPHEMERAL_PREFIX: &str = "asli:eph:";
    pub const COUNTER_PREFIX: &str = "asli:ctr:";
    /// Pub/sub channel announcing each new registry version.
    pub const REGISTRY_CHANNEL: &str = "asli:registry";
}

/// The Lua scripts, loaded once per server (redis-rs retries with `SCRIPT LOAD` on NOSCRIPT).
struct Scripts {
    enqueue_unique: redis::Script,
    schedule: redis::Script,
    claim: redis::Script,
    ack: redis::Script,
    reschedule: redis::Script,
    dead_letter: redis::Script,
    retry_dead: redis::Script,
    stats: redis::Script,
    counter: redis::Script,
    load_registry: redis::Script,
    commit_registry: redis::Script,
    record_incident: redis::Script,
    incidents: redis::Script,
}

impl Scripts {
    fn new() -> Scripts {
        Scripts {
            enqueue_unique: redis::Script::new(include_str!("lua/enqueue_unique.lua")),
            schedule: redis::Script::new(include_str!("lua/schedule.lua")),
            claim: redis::Script::new(include_str!("lua/claim.lua")),
            ack: redis::Script::new(include_str!("lua/ack.lua")),
            reschedule: redis::Script::new(include_str!("lua/reschedule.lua")),
            dead_letter: redis::Script::new(include_str!("lua/dead_letter.lua")),
            retry_dead: redis::Script::new(include_str!("lua/retry_dead.lua")),
            stats: redis::Script::new(include_str!("lua/stats.lua")),
            counter: redis::Script::new(include_str!("lua/counter.lua")),
            load_registry: redis::Script::new(include_str!("lua/load_registry.lua")),
            commit_registry: redis::Script::new(include_str!("lua/commit_registry.lua")),
            record_incident: redis::Script::new(include_str!("lua/record_incident.lua")),
            incidents: redis::Script::new(include_str!("lua/incidents.lua")),
        }
    }
}

/// A [`Store`] on Redis or Redis Cluster. Cheap to clone; clones share connections.
#[derive(Clone)]
pub struct RedisStore {
    conn: Conn,
    /// Single-node client, kept for pub/sub (cluster pub/sub is not wired up).
    client: Option<redis::Client>,
    timeout: Duration,
    scripts: std::sync::Arc<Scripts>,
}

impl std::fmt::Debug for RedisStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The URL may hold a password: never print it.
        f.debug_struct("RedisStore")
            .field("cluster", &self.client.is_none())
            .field("timeout", &self.timeout)
            .finish()
    }
}

impl RedisStore {
    /// Connect to `url`: `redis://host:port`, `redis+unix:///path/to.sock`, or a cluster as
    /// `redis+cluster://host:port,host:port` (or several `redis://` URLs separated by commas).
    /// Fails with `Unavailable` when the server does not answer.
    pub async fn connect(url: &str) -> Result<RedisStore, StoreError> {
        RedisStore::connect_with_timeout(url, DEFAULT_TIMEOUT).await
    }

    /// [`RedisStore::connect`] with a custom per-call timeout.
    pub async fn connect_with_timeout(
        url: &str,
        timeout: Duration,
    ) -> Result<RedisStore, StoreError> {
        let (conn, client) = conn::connect(url, timeout).await?;
        Ok(RedisStore {
            conn,
            client,
            timeout,
            scripts: std::sync::Arc::new(Scripts::new()),
        })
    }

    /// The registry versions that `commit_registry` announces (from any instance), as they
    /// arrive. The stream ends when the connection drops, and messages sent while nobody
    /// listens are lost: treat it as a hint to reload early and keep polling
    /// [`Store::registry_version`]. Single-node Redis only (`Unavailable` on a cluster).
    pub async fn subscribe_registry_changes(
        &self,
    ) -> Result<impl futures::Stream<Item = u64> + Send + 'static, StoreError> {
        use futures::StreamExt as _;
        let Some(client) = &self.client else {
            return Err(StoreError::Unavailable(
                "registry change notifications need a single-node Redis".into(),
            ));
        };
        let mut pubsub = self.run("SUBSCRIBE", client.get_async_pubsub()).await?;
        self.run("SUBSCRIBE", pubsub.subscribe(keys::REGISTRY_CHANNEL))
            .await?;
        Ok(pubsub
            .into_on_message()
            .filter_map(|msg| std::future::ready(msg.get_payload::<u64>().ok())))
    }

    /// Run one Redis call with the timeout, mapping failures to [`StoreError`].
    async fn run<T>(
        &self,
        what: &'static str,
        call: impl Future<Output = Result<T, RedisError>>,
    ) -> Result<T, StoreError> {
        match tokio::time::timeout(self.timeout, call).await {
            Ok(Ok(value)) => Ok(value),
            Ok(Err(e)) => Err(map_error(what, e)),
            Err(_) => Err(StoreError::Unavailable(format!(
                "redis {what}: no answer within {:?}",
                self.timeout
            ))),
        }
    }

    /// A connection handle for one call (a cheap clone of the shared multiplexed one).
    fn conn(&self) -> Conn {
        self.conn.clone()
    }
}

/// Redis errors as store errors: replies we cannot parse are `Corrupt`, everything else
/// (connection lost, refused, cluster down, server busy) is `Unavailable` and worth a retry.
fn map_error(what: &'static str, e: RedisError) -> StoreError {
    if e.kind() == redis::ErrorKind::Parse || e.kind() == redis::ErrorKind::UnexpectedReturnType {
        StoreError::Corrupt(format!("redis {what}: {e}"))
    } else {
        StoreError::Unavailable(format!("redis {what}: {e}"))
    }
}

/// Milliseconds since the Unix epoch (0 for times before it).
fn unix_ms(t: SystemTime) -> u64 {
    t.duration_since(UNIX_EPOCH)
        .map(|d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
        .unwrap_or(0)
}

/// A TTL in whole milliseconds, at least 1 (Redis rejects 0).
fn ttl_ms(ttl: Duration) -> u64 {
    u64::try_from(ttl.as_millis()).unwrap_or(u64::MAX).max(1)
}

#[async_trait]
impl Store for RedisStore {
    async fn registry_announcements(
        &self,
    ) -> Result<Option<futures::stream::BoxStream<'static, u64>>, StoreError> {
        use futures::StreamExt as _;
        if self.client.is_none() {
            return Ok(None);
        }
        Ok(Some(self.subscribe_registry_changes().await?.boxed()))
    }

    async fn ping(&self) -> Result<(), StoreError> {
        let mut conn = self.conn();
        let _: String = self
            .run("PING", redis::cmd("PING").query_async(&mut conn))
            .await?;
        Ok(())
    }

    async fn enqueue_unique(
        &self,
        jobs: &[NewJob],
        dedupe_ttl: Duration,
    ) -> Result<Vec<bool>, StoreError> {
        self.queue_enqueue_unique(jobs, dedupe_ttl).await
    }

    async fn enqueue(
        &self,
        payload: &[u8],
        not_before: Option<SystemTime>,
    ) -> Result<(), StoreError> {
        self.queue_enqueue(payload, not_before).await
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
        self.queue_ack(job).await
    }

    async fn reschedule(
        &self,
        job: &ClaimedJob,
        payload: &[u8],
        at: SystemTime,
    ) -> Result<(), StoreError> {
        self.queue_reschedule(job, payload, at).await
    }

    async fn dead_letter(
        &self,
        job: &ClaimedJob,
        payload: &[u8],
        error: &str,
    ) -> Result<String, StoreError> {
        self.queue_dead_letter(job, payload, error).await
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
        self.state_put_ephemeral(key, value, ttl).await
    }

    async fn put_ephemeral_if_absent(
        &self,
        key: &str,
        value: &[u8],
        ttl: Duration,
    ) -> Result<bool, StoreError> {
        self.state_put_ephemeral_if_absent(key, value, ttl).await
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
