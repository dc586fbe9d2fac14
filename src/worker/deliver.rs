//! Delivering a composed reply: send it, and say in the step's commit what became of it —
//! sent (with the sent-marker and its delivery record), back later, switched to the warning
//! template, held while our credentials are refused, or dead-lettered with the reason.
//!
//! The sent-marker (`sent:<inbound wamid>` → outbound wamid) is committed with the step that
//! sent the reply, so a job handed out again after a crash finds it and sends nothing; the
//! window for a duplicate is the one send in flight when the process died.

use std::time::{Duration, SystemTime};

use super::WorkerContext;
use super::credentials::SendPermit;
use super::decide::{Decision, class_label, decide};
use super::history::Record;
use crate::jobs::{Job, PendingReply};
use crate::phone::mask_phone;
use crate::store::{GroupId, Outcome, StateWrite, StepCommit, keys};
use crate::whatsapp::{GraphError, OutboundMessage, Recipient};

/// Deliver `reply` for the staff member of `group`. `sent_before` is the sent-marker the
/// step found for the message it answers (the outbound wamid), if any.
pub(super) async fn deliver(
    ctx: &WorkerContext,
    group: &GroupId,
    mut reply: PendingReply,
    sent_before: Option<Vec<u8>>,
) -> StepCommit {
    if let Some(sent) = sent_before {
        // Sent before a crash, or a duplicate: never send twice. Only a resend of the very
        // send WhatsApp reported failed goes on.
        if reply.resend_of.as_deref().map(str::as_bytes) != Some(sent.as_slice()) {
            tracing::info!("reply already sent; done");
            return StepCommit::done();
        }
    }
    let permit = ctx.credentials.permit();
    if let SendPermit::Hold(wait) = permit {
        metrics::counter!("asli_replies_held_total").increment(1);
        return later(reply, wait);
    }
    loop {
        let message = match outbound_of(ctx, &reply) {
            Ok(message) => message,
            Err(error) => return dead(reply, &error),
        };
        let hint = reply.to_wa_id.clone().unwrap_or_default();
        let error = match ctx
            .outbox
            .send(&reply.phone_number_id, &hint, &message)
            .await
        {
            Ok(wamid) => return sent(ctx, group, &reply, &wamid),
            Err(error) => error,
        };
        reply.attempts += 1;
        reply.last_error = Some(error.to_string());
        let class = error.class();
        metrics::counter!("asli_reply_failures_total", "class" => class_label(&class)).increment(1);
        match decide(&class, &reply, &ctx.retry) {
            Decision::Template => {
                // The 24-hour window closed: the same step sends the template instead.
                tracing::warn!(%error, "service window closed; sending the warning template");
                reply.via_template = true;
            }
            Decision::RetryAfter(delay) => {
                tracing::warn!(%error, attempts = reply.attempts, ?delay, "reply failed; will retry");
                return later(reply, delay);
            }
            Decision::Credentials => return credentials_failed(ctx, reply, &error, permit),
            Decision::GiveUp => {
                let reason = error.to_string();
                return dead(reply, &reason);
            }
        }
    }
}

/// The send went through: the sent-marker and the delivery record go with the step.
fn sent(ctx: &WorkerContext, group: &GroupId, reply: &PendingReply, wamid: &str) -> StepCommit {
    ctx.credentials.mark_ok();
    metrics::counter!("asli_replies_sent_total").increment(1);
    if reply.via_template {
        metrics::counter!("asli_template_replies_sent_total").increment(1);
    }
    tracing::info!(
        to = %mask_phone(reply.to_wa_id.as_deref().unwrap_or_default()),
        verdict = reply.verdict.map_or("-", |v| v.code()),
        attempts = reply.attempts + 1,
        template = reply.via_template,
        "reply sent"
    );
    StepCommit::done()
        .write(StateWrite::Put {
            key: keys::sent(group, &reply.inbound_id),
            value: wamid.as_bytes().to_vec(),
            ttl: keys::DEDUPE_TTL,
        })
        .write(Record::accepted(wamid, reply).write(group))
}

/// Meta refused our credentials. The reply that discovers it is dead-lettered with the
/// error (an admin retries it once the token is fixed); replies failing while the state was
/// already known (a probe, or sends in flight at the same moment) are held, not dead-lettered.
fn credentials_failed(
    ctx: &WorkerContext,
    mut reply: PendingReply,
    error: &GraphError,
    permit: SendPermit,
) -> StepCommit {
    let news = ctx.credentials.mark_broken(&error.to_string());
    if news && permit == SendPermit::Send {
        return dead(reply, &format!("WhatsApp credentials refused: {error}"));
    }
    // A held reply does not spend its attempt budget on our own credential problem.
    reply.attempts = reply.attempts.saturating_sub(1);
    let wait = match ctx.credentials.permit() {
        SendPermit::Hold(wait) => wait,
        _ => Duration::from_secs(1),
    };
    later(reply, wait)
}

/// Put the reply back, to be tried after `wait` (it does not hold up the staff member's
/// other messages meanwhile).
fn later(reply: PendingReply, wait: Duration) -> StepCommit {
    StepCommit::new(Outcome::Retry {
        payload: Job::Reply(reply).encode(),
        at: SystemTime::now() + wait,
    })
}

/// Give the reply up: a dead letter with `reason`.
pub(super) fn dead(reply: PendingReply, reason: &str) -> StepCommit {
    tracing::error!(
        error = reason,
        attempts = reply.attempts,
        "reply dead-lettered"
    );
    metrics::counter!("asli_replies_dead_lettered_total").increment(1);
    StepCommit::new(Outcome::Dead {
        payload: Job::Reply(reply).encode(),
        error: reason.to_string(),
    })
}

/// The Graph API message for `reply`: the text quoting the message it answers, or the
/// configured warning template once the service window has closed.
fn outbound_of(ctx: &WorkerContext, reply: &PendingReply) -> Result<OutboundMessage, String> {
    let recipient = match (&reply.to_wa_id, &reply.to_user_id) {
        (Some(wa_id), _) => Recipient::wa_id(wa_id),
        (None, Some(user_id)) => Recipient::user_id(user_id),
        (None, None) => return Err("the message has neither a wa_id nor a user_id".into()),
    }
    .map_err(|e| e.to_string())?;
    if !reply.via_template {
        return OutboundMessage::text(recipient, &reply.text)
            .map(|m| m.in_reply_to(&reply.inbound_id))
            .map_err(|e| e.to_string());
    }
    let Some(verdict) = reply.verdict else {
        return Err("the 24-hour window closed, and only verdicts are sent as templates".into());
    };
    let Some(template) = ctx.templates.for_language(reply.language.code()) else {
        return Err(
            "the 24-hour window closed and no warning template is configured (ASLI_TEMPLATE_EN)"
                .into(),
        );
    };
    OutboundMessage::template(
        recipient,
        &template.name,
        &template.language,
        &[verdict.headline()],
    )
    .map(|m| m.in_reply_to(&reply.inbound_id))
    .map_err(|e| e.to_string())
}
