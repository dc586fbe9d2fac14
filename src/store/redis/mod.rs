//! The Redis (and Redis Cluster) store.
//!
//! Layout: this file connects, bounds every call with a timeout and maps errors; `inbox.rs`
//! holds the sharded inbox, `state.rs` keyed state, `registry.rs` the registry with its
//! version and audit log, `incidents.rs` incidents. Multi-key steps are Lua scripts under
//! `lua/`, so each trait method stays atomic, and every script touches the keys of one hash
//! tag only (`{in:N}` for inbox shard N, `{reg}` for the registry and incidents), so a
//! cluster runs each on one node.

mod conn;
mod inbox;
mod incidents;
mod registry;
mod state;

use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::AtomicUsize;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use redis::RedisError;

use self::conn::Conn;
use super::{GroupId, StateKey, StoreError};

/// How long one store call may take before it counts as `Unavailable`.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(3);
/// Inbox shards unless `ASLI_INBOX_SHARDS` says otherwise.
pub const DEFAULT_SHARDS: u16 = 16;

/// Redis key names that are not per shard.
mod keys {
    pub const VERSION: &str = "asli:{reg}:version";
    pub const OFFICIALS: &str = "asli:{reg}:officials";
    pub const AUDIT: &str = "asli:{reg}:audit";
    pub const INCIDENTS: &str = "asli:{reg}:incidents";
    pub const INCIDENT_PREFIX: &str = "asli:{reg}:incident:";
    /// State keys of no group.
    pub const GLOBAL_STATE_PREFIX: &str = "asli:s:";
    /// Pub/sub channel announcing each new registry version.
    pub const REGISTRY_CHANNEL: &str = "asli:registry";
    /// The single inbox stream of asli 0.1 (see `docs/UPGRADING.md`).
    pub const LEGACY_STREAM: &str = "asli:{inbox}:queue";
}

/// The prefix of every key of inbox shard `shard`: its hash tag puts the whole shard in one
/// cluster slot.
fn shard_prefix(shard: u16) -> String {
    format!("asli:{{in:{shard}}}:")
}

/// The Lua scripts, loaded once per server (redis-rs retries with `SCRIPT LOAD` on NOSCRIPT).
struct Scripts {
    enqueue: redis::Script,
    claim: redis::Script,
    commit: redis::Script,
    retry_dead: redis::Script,
    stats: redis::Script,
    counter: redis::Script,
    load_registry: redis::Script,
    commit_registry: redis::Script,
    record_incident: redis::Script,
    incidents: redis::Script,
}

/// An inbox script: the shared prelude, then the script itself.
macro_rules! inbox_script {
    ($file:literal) => {
        redis::Script::new(concat!(
            include_str!("lua/inbox_common.lua"),
            include_str!($file)
        ))
    };
}

impl Scripts {
    fn new() -> Scripts {
        Scripts {
            enqueue: inbox_script!("lua/enqueue.lua"),
            claim: inbox_script!("lua/claim.lua"),
            commit: inbox_script!("lua/commit.lua"),
            retry_dead: inbox_script!("lua/retry_dead.lua"),
            stats: inbox_script!("lua/stats.lua"),
            counter: redis::Script::new(include_str!("lua/counter.lua")),
            load_registry: redis::Script::new(include_str!("lua/load_registry.lua")),
            commit_registry: redis::Script::new(include_str!("lua/commit_registry.lua")),
            record_incident: redis::Script::new(include_str!("lua/record_incident.lua")),
            incidents: redis::Script::new(include_str!("lua/incidents.lua")),
        }
    }
}

/// Every store trait on Redis or Redis Cluster. Cheap to clone; clones share connections.
#[derive(Clone)]
pub struct RedisStore {
    conn: Conn,
    /// Single-node client, kept for pub/sub (cluster pub/sub is not wired up).
    client: Option<redis::Client>,
    timeout: Duration,
    shards: u16,
    /// Where the next claim starts looking, so claims go round the shards fairly.
    cursor: Arc<AtomicUsize>,
    scripts: Arc<Scripts>,
}

impl std::fmt::Debug for RedisStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The URL may hold a password: never print it.
        f.debug_struct("RedisStore")
            .field("cluster", &self.client.is_none())
            .field("shards", &self.shards)
            .field("timeout", &self.timeout)
            .finish()
    }
}

impl RedisStore {
    /// Connect to `url`: `redis://host:port`, `redis+unix:///path/to.sock`, or a cluster as
    /// `redis+cluster://host:port,host:port` (or several `redis://` URLs separated by commas).
    /// Fails with `Unavailable` when the server does not answer.
    pub async fn connect(url: &str) -> Result<RedisStore, StoreError> {
        RedisStore::connect_with(url, DEFAULT_TIMEOUT, DEFAULT_SHARDS).await
    }

    /// [`RedisStore::connect`] with a per-call timeout and a number of inbox shards (every
    /// instance of a deployment must use the same number).
    pub async fn connect_with(
        url: &str,
        timeout: Duration,
        shards: u16,
    ) -> Result<RedisStore, StoreError> {
        let (conn, client) = conn::connect(url, timeout).await?;
        let store = RedisStore {
            conn,
            client,
            timeout,
            shards: shards.max(1),
            cursor: Arc::new(AtomicUsize::new(rand::random::<u16>() as usize)),
            scripts: Arc::new(Scripts::new()),
        };
        store.warn_about_legacy_inbox().await;
        Ok(store)
    }

    /// The number of inbox shards.
    pub fn shards(&self) -> u16 {
        self.shards
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

    /// The shard a group's jobs and state live in.
    fn shard_of(&self, group: &GroupId) -> u16 {
        group.shard(self.shards)
    }

    /// The Redis key of a state key: in its group's shard, or standing alone.
    fn state_key(&self, key: &StateKey) -> String {
        match key.group() {
            Some(group) => format!("{}s:{}", shard_prefix(self.shard_of(group)), key.name()),
            None => format!("{}{}", keys::GLOBAL_STATE_PREFIX, key.name()),
        }
    }

    /// Jobs left in the single inbox stream of asli 0.1 are not read by this version: say so
    /// loudly, once, so an upgrade that skipped the drain step is noticed.
    async fn warn_about_legacy_inbox(&self) {
        let mut conn = self.conn();
        let left: Result<u64, _> = self
            .run(
                "XLEN",
                redis::cmd("XLEN")
                    .arg(keys::LEGACY_STREAM)
                    .query_async(&mut conn),
            )
            .await;
        if let Ok(left @ 1..) = left {
            tracing::error!(
                jobs = left,
                "the inbox of asli 0.1 still holds jobs this version does not read; \
                 see docs/UPGRADING.md (drain it with the old version first)"
            );
        }
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
