//! A delivery status of one of our replies: recorded in its history; a `failed` one whose
//! code says a retry may work re-queues the reply (as the template, for 131047), any other
//! failure dead-letters it so an admin sees it. All of it in the status step's one commit.

use std::time::SystemTime;

use super::WorkerContext;
use super::decide::{Decision, decide};
use super::history::{DeliveryEvent, DeliveryHistory, DeliveryStage, Record};
use crate::jobs::{Job, PendingReply};
use crate::store::{GroupId, NewJob, Outcome, StateStore, StepCommit, StoreError, keys};
use crate::whatsapp::{ErrorClass, RetryReason, StatusUpdate, classify_code};

/// The delivery history of outbound message `wamid`; `None` when unknown or expired.
pub async fn delivery_history(
    state: &dyn StateStore,
    wamid: &str,
) -> Result<Option<DeliveryHistory>, StoreError> {
    Ok(state
        .find_grouped(&keys::delivery_name(wamid))
        .await?
        .and_then(|bytes| Record::decode(&bytes))
        .map(|record| record.history))
}

/// The step for `status` of a reply to the staff member of `group`.
pub(super) async fn step(
    ctx: &WorkerContext,
    group: &GroupId,
    status: StatusUpdate,
) -> Result<StepCommit, StoreError> {
    let mut record = ctx
        .stores
        .state
        .get(&keys::delivery(group, &status.id))
        .await?
        .and_then(|bytes| Record::decode(&bytes))
        .unwrap_or_else(|| Record::empty(&status.id));
    let event = DeliveryEvent {
        status: status.status.as_str().to_string(),
        timestamp: status.timestamp,
        error_codes: status.errors.iter().map(|e| e.code).collect(),
    };
    let stage = DeliveryStage::of(&status.status);
    record.add(stage, event.clone());
    if stage != Some(DeliveryStage::Failed) {
        return Ok(StepCommit::done().write(record.write(group)));
    }
    metrics::counter!("asli_reply_delivery_failed_total").increment(1);
    let Some(reply) = record.take_reply() else {
        tracing::warn!(codes = ?event.error_codes, "a message failed to deliver; no reply kept to resend");
        return Ok(StepCommit::done().write(record.write(group)));
    };
    let class = event
        .error_codes
        .first()
        .map(|c| classify_code(*c))
        .unwrap_or(ErrorClass::RetryLater {
            reason: RetryReason::Unavailable,
        });
    let error = status
        .errors
        .first()
        .map(|e| e.to_string())
        .unwrap_or_else(|| "failed status without an error".into());
    let mut resend = PendingReply {
        attempts: reply.attempts + 1,
        last_error: Some(error.clone()),
        resend_of: Some(status.id.clone()),
        ..reply
    };
    let at = match decide(&class, &resend, &ctx.retry) {
        Decision::Template => {
            resend.via_template = true;
            Some(SystemTime::now())
        }
        Decision::RetryAfter(delay) => Some(SystemTime::now() + delay),
        Decision::Credentials | Decision::GiveUp => None,
    };
    let step = match at {
        Some(at) => {
            tracing::warn!(%error, attempts = resend.attempts, "reply failed to deliver; re-queued");
            metrics::counter!("asli_replies_requeued_total").increment(1);
            record.history.outcome = Some("requeued".into());
            let job = NewJob::new(group.clone(), Job::Reply(resend).encode()).not_before(at);
            let mut step = StepCommit::done();
            step.enqueue.push(job);
            step
        }
        None => {
            tracing::error!(%error, attempts = resend.attempts, "reply failed to deliver; dead-lettered");
            record.history.outcome = Some("dead_lettered".into());
            StepCommit::new(Outcome::Dead {
                payload: Job::Reply(resend).encode(),
                error,
            })
        }
    };
    Ok(step.write(record.write(group)))
}
