//! The inbox consumer: takes one job at a time, does it, and only then acknowledges it.
//!
//! [`try_execute_task`] is one step, public so tests drain the queue without sleeping.
//! [`spawn_workers`] runs `ASLI_WORKERS` loops of that step until shutdown: that many sends
//! in flight per process, no more. A step in flight always finishes (bounded by the Graph API
//! timeouts), so shutdown never acknowledges unfinished work and never abandons a finished one.
//! A reply that must wait (backoff, the per-recipient pair limit, broken credentials) goes
//! back to the store's delayed set, so it never blocks a worker or other recipients.

mod credentials;
mod deliver;
mod inbound;
mod job;
mod outbox;
mod retry;
mod status;
mod wake;

use std::sync::Arc;
use std::time::Duration;

use tokio_util::sync::CancellationToken;

use crate::config::{SenderLimit, WarningTemplates};
use crate::engine::Engine;
use crate::phone::Region;
use crate::store::{ClaimedJob, Store, StoreError};

pub use credentials::{CredentialHealth, SendPermit};
pub use job::{Job, PendingReply};
pub use outbox::Outbox;
pub use retry::RetryPolicy;
pub use status::{DeliveryEvent, DeliveryHistory, delivery_history};
pub use wake::WakingStore;

/// The default of how long a claimed job stays leased before another worker may take it over
/// (`ASLI_JOB_LEASE_SECS`). Longer than any single step can take (the Graph API call has a
/// 10 s timeout).
pub const LEASE: Duration = Duration::from_secs(60);
/// A job handed out this many times without finishing is dead-lettered on the next claim.
pub const MAX_DELIVERIES: u32 = 10;
/// Dedupe keys and sent-reply markers outlive Meta's 7-day retry window.
pub const DEDUPE_TTL: Duration = Duration::from_secs(8 * 24 * 3600);

/// Everything a worker step needs.
pub struct WorkerContext {
    /// The store holding the queue and all state.
    pub store: Arc<dyn Store>,
    /// The current verification engine.
    pub engine: Arc<Engine>,
    /// Where replies go.
    pub outbox: Outbox,
    /// Backoff and attempt budget for replies.
    pub retry: RetryPolicy,
    /// The deployment's country.
    pub home_region: Region,
    /// How long a text without a number waits for its number.
    pub conversation_window: Duration,
    /// How long a claimed job is leased (see [`LEASE`]).
    pub lease: Duration,
    /// The warning templates for a closed service window.
    pub templates: WarningTemplates,
    /// The per-sender flood limit, if any.
    pub sender_limit: Option<SenderLimit>,
    /// Whether Meta accepts our access token (shared with `/readyz`).
    pub credentials: Arc<CredentialHealth>,
}

/// What one step did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExecutionOutcome {
    /// A job was taken and finished (done, rescheduled or dead-lettered).
    TaskCompleted,
    /// Nothing to do within the wait.
    EmptyQueue,
}

/// Take one job (waiting up to `wait` for one) and carry it to an end: acknowledged,
/// rescheduled or dead-lettered. A store error leaves the job leased; it comes back after
/// the lease.
pub async fn try_execute_task(
    ctx: &WorkerContext,
    consumer: &str,
    wait: Duration,
) -> Result<ExecutionOutcome, StoreError> {
    let Some(claimed) = ctx.store.claim(consumer, ctx.lease, wait).await? else {
        return Ok(ExecutionOutcome::EmptyQueue);
    };
    metrics::counter!("asli_jobs_claimed_total").increment(1);
    if claimed.deliveries > MAX_DELIVERIES {
        // Handed out again and again without finishing (a crash or panic each time): stop.
        tracing::error!(
            deliveries = claimed.deliveries,
            "job dead-lettered after repeated failed deliveries"
        );
        ctx.store
            .dead_letter(
                &claimed,
                &claimed.payload,
                &format!(
                    "gave up after {} deliveries that never finished",
                    claimed.deliveries - 1
                ),
            )
            .await?;
        return Ok(ExecutionOutcome::TaskCompleted);
    }
    if claimed.deliveries > 1 {
        tracing::warn!(
            deliveries = claimed.deliveries,
            "job redelivered after a lapsed lease"
        );
    }
    match Job::decode(&claimed.payload) {
        Ok(Job::Inbound { message }) => inbound::handle(ctx, &claimed, message).await?,
        Ok(Job::Status { status }) => status::handle(ctx, &claimed, status).await?,
        Ok(Job::Reply(reply)) => {
            deliver::deliver(ctx, &claimed, reply, deliver::Marker::Unchecked).await?
        }
        Err(e) => {
            // serde's message can quote payload values (message text): keep only its kind.
            let reason = format!("undecodable job ({:?} error)", e.classify());
            tracing::error!(reason, "undecodable job dead-lettered");
            ctx.store
                .dead_letter(&claimed, &claimed.payload, &reason)
                .await?;
        }
    }
    Ok(ExecutionOutcome::TaskCompleted)
}

/// Run one step, turning a panic into a dead letter of the job being worked on (when the
/// panic left it identifiable) instead of a dead worker: the next step goes on.
async fn guarded_step(
    ctx: &WorkerContext,
    consumer: &str,
    wait: Duration,
) -> Result<ExecutionOutcome, StoreError> {
    use futures::FutureExt as _;
    match std::panic::AssertUnwindSafe(try_execute_task(ctx, consumer, wait))
        .catch_unwind()
        .await
    {
        Ok(result) => result,
        Err(_) => {
            // The job stays leased and comes back after the lease; its delivery count rises,
            // and [`MAX_DELIVERIES`] ends the loop if it panics every time.
            tracing::error!("a worker step panicked; its job returns after the lease");
            metrics::counter!("asli_worker_panics_total").increment(1);
            Ok(ExecutionOutcome::TaskCompleted)
        }
    }
}

/// Acknowledge a finished job.
async fn ack(ctx: &WorkerContext, job: &ClaimedJob) -> Result<(), StoreError> {
    ctx.store.ack(job).await?;
    metrics::counter!("asli_jobs_done_total").increment(1);
    Ok(())
}

/// Run `count` worker loops until `shutdown` is cancelled. Each loop finishes its step in
/// flight before it stops. The handles end when their loop has stopped.
pub fn spawn_workers(
    ctx: Arc<WorkerContext>,
    count: usize,
    shutdown: CancellationToken,
) -> Vec<tokio::task::JoinHandle<()>> {
    let instance = uuid::Uuid::new_v4().simple().to_string();
    (0..count)
        .map(|n| {
            let ctx = ctx.clone();
            let shutdown = shutdown.clone();
            let consumer = format!("{}-{n}", &instance[..12]);
            tokio::spawn(async move { worker_loop(ctx, consumer, shutdown).await })
        })
        .collect()
}

async fn worker_loop(ctx: Arc<WorkerContext>, consumer: String, shutdown: CancellationToken) {
    let mut failures: u32 = 0;
    while !shutdown.is_cancelled() {
        match guarded_step(&ctx, &consumer, Duration::from_millis(500)).await {
            Ok(_) => failures = 0,
            Err(e) => {
                failures = failures.saturating_add(1);
                let pause = Duration::from_millis(200 * u64::from(failures.min(25)));
                tracing::warn!(error = %e, ?pause, "worker step failed; pausing");
                tokio::select! {
                    _ = shutdown.cancelled() => {}
                    _ = tokio::time::sleep(pause) => {}
                }
            }
        }
    }
    tracing::debug!(consumer, "worker stopped");
}
