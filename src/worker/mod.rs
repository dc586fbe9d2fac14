//! The inbox consumer: takes one job at a time, does it, and ends it with one commit.
//!
//! [`try_execute_task`] is one step, public so tests drain the queue without sleeping: claim
//! a job, work out what it needs (a verdict and a reply, a status recorded, a reply resent),
//! send what must be sent, then commit everything the step leaves behind in one store
//! operation ([`crate::store::StepCommit`]): the ack or re-queue, the sent-marker, the
//! delivery record, the conversation window, counters. At-least-once: a crash before the
//! commit hands the job out again, and the sent-marker check makes the one send in flight
//! the only possible duplicate.
//!
//! [`Workers::spawn`] runs `ASLI_WORKERS` loops of that step on a runtime of their own (their
//! own threads), so a flood of webhooks on the HTTP threads cannot starve the replies. A
//! step in flight always finishes (bounded by the Graph API timeouts), so shutdown never
//! acknowledges unfinished work and never abandons a finished one. A reply that must wait
//! (backoff, the per-recipient pair limit, broken credentials) goes back to the inbox as a
//! delayed job, so it never blocks a worker or the staff member's next message.

mod credentials;
mod decide;
mod deliver;
mod history;
mod inbound;
mod outbox;
mod retry;
mod status;

use std::sync::Arc;
use std::time::Duration;

use tokio_util::sync::CancellationToken;
use tracing::Instrument as _;

use crate::config::{SenderLimit, Settings, WarningTemplates};
use crate::engine::Engine;
use crate::jobs::Job;
use crate::store::{ClaimedJob, Outcome, StepCommit, StepResult, StoreError, Stores};

pub use credentials::{CredentialHealth, SendPermit};
pub use history::{DeliveryEvent, DeliveryHistory, DeliveryStage, REPLY_KEPT};
pub use outbox::Outbox;
pub use retry::RetryPolicy;
pub use status::delivery_history;

/// The default of how long a claimed job stays leased before another worker may take it over
/// (`ASLI_JOB_LEASE_SECS`). Longer than any single step can take (the Graph API call has a
/// 15 s timeout).
pub const LEASE: Duration = Duration::from_secs(60);
/// A job handed out this many times without finishing is dead-lettered on the next claim.
pub const MAX_DELIVERIES: u32 = 10;

/// Everything a worker step needs.
pub struct WorkerContext {
    /// Where the inbox and all state live.
    pub stores: Stores,
    /// The current verification engine.
    pub engine: Arc<Engine>,
    /// Where replies go.
    pub outbox: Outbox,
    /// Backoff and attempt budget for replies.
    pub retry: RetryPolicy,
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

impl WorkerContext {
    /// The context of this deployment's workers: their part of `settings`, the stores, the
    /// engine, the Graph API client (or the dry-run log) and the shared credential health.
    pub fn new(
        settings: &Settings,
        stores: Stores,
        engine: Arc<Engine>,
        credentials: Arc<CredentialHealth>,
        retry: RetryPolicy,
    ) -> WorkerContext {
        WorkerContext {
            stores,
            engine,
            outbox: Outbox::new(settings.whatsapp.graph_client()),
            retry,
            conversation_window: settings.verify.conversation_window,
            lease: settings.worker.job_lease,
            templates: settings.whatsapp.templates.clone(),
            sender_limit: settings.worker.sender_limit,
            credentials,
        }
    }
}

/// What one step did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExecutionOutcome {
    /// A job was taken and carried to an end (done, re-queued or dead-lettered).
    TaskCompleted,
    /// Nothing to do within the wait.
    EmptyQueue,
}

/// Take one job (waiting up to `wait` for one) and carry it to an end: committed done,
/// re-queued or dead-lettered. A store error leaves the job leased; it comes back after the
/// lease.
pub async fn try_execute_task(
    ctx: &WorkerContext,
    consumer: &str,
    wait: Duration,
) -> Result<ExecutionOutcome, StoreError> {
    let Some(claimed) = ctx.stores.inbox.claim(consumer, ctx.lease, wait).await? else {
        return Ok(ExecutionOutcome::EmptyQueue);
    };
    metrics::counter!("asli_jobs_claimed_total").increment(1);
    let span = tracing::info_span!(
        "job",
        kind = tracing::field::Empty,
        wamid = tracing::field::Empty,
        deliveries = claimed.deliveries,
    );
    run(ctx, &claimed).instrument(span).await?;
    Ok(ExecutionOutcome::TaskCompleted)
}

/// Work out and commit the step of one claimed job.
async fn run(ctx: &WorkerContext, claimed: &ClaimedJob) -> Result<(), StoreError> {
    let span = tracing::Span::current();
    let step = if claimed.deliveries > MAX_DELIVERIES {
        // Handed out again and again without finishing (a crash or panic each time): stop.
        tracing::error!("job dead-lettered after repeated failed deliveries");
        StepCommit::new(Outcome::Dead {
            payload: claimed.payload.clone(),
            error: format!(
                "gave up after {} deliveries that never finished",
                claimed.deliveries - 1
            ),
        })
    } else {
        if claimed.deliveries > 1 {
            tracing::warn!("job redelivered after a lapsed lease");
        }
        match Job::decode(&claimed.payload) {
            Ok(Job::Inbound { message }) => {
                span.record("kind", "inbound");
                span.record("wamid", message.id.as_str());
                inbound::step(ctx, &claimed.group, message).await?
            }
            Ok(Job::Status { status }) => {
                span.record("kind", "status");
                span.record("wamid", status.id.as_str());
                status::step(ctx, &claimed.group, status).await?
            }
            Ok(Job::Reply(reply)) => {
                span.record("kind", "reply");
                span.record("wamid", reply.inbound_id.as_str());
                let sent = ctx
                    .stores
                    .state
                    .get(&crate::store::keys::sent(&claimed.group, &reply.inbound_id))
                    .await?;
                deliver::deliver(ctx, &claimed.group, reply, sent).await
            }
            Err(e) => {
                // serde's message can quote payload values (message text): keep only its kind.
                let reason = format!("undecodable job ({:?} error)", e.classify());
                tracing::error!(reason, "undecodable job dead-lettered");
                StepCommit::new(Outcome::Dead {
                    payload: claimed.payload.clone(),
                    error: reason,
                })
            }
        }
    };
    match ctx.stores.inbox.commit(claimed, step).await? {
        StepResult::Committed { .. } => {
            metrics::counter!("asli_jobs_done_total").increment(1);
        }
        StepResult::NotHeld => {
            tracing::warn!("job finished after its lease was taken over; its step was dropped");
            metrics::counter!("asli_jobs_lease_lost_total").increment(1);
        }
    }
    Ok(())
}

/// Run one step, turning a panic into a logged, counted event instead of a dead worker: the
/// job stays leased and comes back after the lease; [`MAX_DELIVERIES`] ends the loop if it
/// panics every time.
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
            tracing::error!("a worker step panicked; its job returns after the lease");
            metrics::counter!("asli_worker_panics_total").increment(1);
            Ok(ExecutionOutcome::TaskCompleted)
        }
    }
}

/// The worker loops of this process, on their own runtime.
pub struct Workers {
    runtime: Option<tokio::runtime::Runtime>,
    handles: Vec<tokio::task::JoinHandle<()>>,
}

impl Workers {
    /// No workers (tests drive [`try_execute_task`] themselves).
    pub fn none() -> Workers {
        Workers {
            runtime: None,
            handles: Vec::new(),
        }
    }

    /// Run `count` worker loops on a runtime of `threads` threads until `shutdown` is
    /// cancelled. Each loop finishes its step in flight before it stops.
    pub fn spawn(
        ctx: Arc<WorkerContext>,
        count: usize,
        threads: usize,
        shutdown: CancellationToken,
    ) -> std::io::Result<Workers> {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(threads.max(1))
            .thread_name("asli-worker")
            .enable_all()
            .build()?;
        let instance = uuid::Uuid::new_v4().simple().to_string();
        let handles = (0..count)
            .map(|n| {
                let ctx = ctx.clone();
                let shutdown = shutdown.clone();
                let consumer = format!("{}-{n}", &instance[..12]);
                runtime.spawn(async move { worker_loop(ctx, consumer, shutdown).await })
            })
            .collect();
        Ok(Workers {
            runtime: Some(runtime),
            handles,
        })
    }

    /// Wait up to `grace` for every loop to stop (after the shutdown token was cancelled);
    /// `false` when some did not in time (their jobs return after the lease).
    pub async fn join(mut self, grace: Duration) -> bool {
        let handles = std::mem::take(&mut self.handles);
        let finished = tokio::time::timeout(grace, futures::future::join_all(handles))
            .await
            .is_ok();
        if let Some(runtime) = self.runtime.take() {
            runtime.shutdown_background();
        }
        finished
    }
}

impl Drop for Workers {
    fn drop(&mut self) {
        if let Some(runtime) = self.runtime.take() {
            // Dropping a runtime blocks; from async code it must not.
            runtime.shutdown_background();
        }
    }
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
