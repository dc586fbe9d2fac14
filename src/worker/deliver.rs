//! Delivering a composed reply: send, remember that it was sent, acknowledge — or retry
//! later, switch to the warning template, hold it while our credentials are refused, or
//! dead-letter it with the reason.
//!
//! The sent-marker (`sent:<inbound wamid>` → outbound wamid) is written before the job is
//! acknowledged, so a job reprocessed after a crash is acknowledged without a second send;
//! the window for a duplicate is the one send in flight when the process died.

use std::time::{Duration, SystemTime};

use super::credentials::SendPermit;
use super::{DEDUPE_TTL, Job, PendingReply, WorkerContext, ack, status};
use crate::phone::mask_phone;
use crate::store::{ClaimedJob, StoreError};
use crate::verify::Verdict;
use crate::whatsapp::{ErrorClass, GraphError, OutboundMessage, Recipient};

/// The pair rate limit: about one message every 6 s to the same user.
pub(super) const PAIR_LIMIT_FLOOR: Duration = Duration::from_secs(6);

/// Key of the marker saying the reply to `inbound_id` went out (value: its wamid).
pub(super) fn sent_key(inbound_id: &str) -> String {
    format!("sent:{inbound_id}")
}

/// Whether the sent-marker still has to be checked before sending.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Marker {
    /// The caller found no marker within this same step (a freshly composed reply).
    Checked,
    /// A queued reply: check it.
    Unchecked,
}

/// Try to deliver `reply`, which is the payload of (or was composed from) `claimed`.
pub(super) async fn deliver(
    ctx: &WorkerContext,
    claimed: &ClaimedJob,
    mut reply: PendingReply,
    checked: Marker,
) -> Result<(), StoreError> {
    let marker = sent_key(&reply.inbound_id);
    let previous = match checked {
        Marker::Checked => None,
        Marker::Unchecked => ctx.store.get_ephemeral(&marker).await?,
    };
    if let Some(sent) = previous {
        // Sent before a crash, or a duplicate: never send twice. Only a resend of the very
        // send WhatsApp reported failed goes on.
        if reply.resend_of.as_deref().map(str::as_bytes) != Some(sent.as_slice()) {
            tracing::info!("reply already sent; acknowledging");
            return ack(ctx, claimed).await;
        }
    }
    let permit = ctx.credentials.permit();
    if let SendPermit::Hold(wait) = permit {
        metrics::counter!("asli_replies_held_total").increment(1);
        return hold(ctx, claimed, &reply, wait).await;
    }
    loop {
        let message = match outbound_of(ctx, &reply) {
            Ok(message) => message,
            Err(error) => return dead_letter(ctx, claimed, reply, &error).await,
        };
        let hint = reply.to_wa_id.clone().unwrap_or_default();
        let error = match ctx
            .outbox
            .send(&reply.phone_number_id, &hint, &message)
            .await
        {
            Ok(wamid) => return sent(ctx, claimed, &reply, &marker, &wamid).await,
            Err(error) => error,
        };
        reply.attempts += 1;
        reply.last_error = Some(error.to_string());
        let class = error.class();
        metrics::counter!("asli_reply_failures_total", "class" => class_label(&class)).increment(1);
        match class {
            ErrorClass::NeedsTemplate if !reply.via_template => {
                // The 24-hour window closed: the same step sends the template instead.
                tracing::warn!(%error, "service window closed; sending the warning template");
                reply.via_template = true;
                continue;
            }
            ErrorClass::Credentials => {
                return credentials_failed(ctx, claimed, reply, &error, permit).await;
            }
            ErrorClass::RetryLater { .. } if ctx.retry.may_retry(reply.attempts) => {
                let floor = if class.is_per_recipient() {
                    PAIR_LIMIT_FLOOR
                } else {
                    Duration::ZERO
                };
                let delay = ctx.retry.delay(reply.attempts, floor);
                tracing::warn!(%error, attempts = reply.attempts, ?delay, "reply failed; will retry");
                return ctx
                    .store
                    .reschedule(
                        claimed,
                        &Job::Reply(reply).encode(),
                        SystemTime::now() + delay,
                    )
                    .await;
            }
            _ => {
                let reason = error.to_string();
                return dead_letter(ctx, claimed, reply, &reason).await;
            }
        }
    }
}

/// The send went through: remember it (history, resend copy, sent-marker), then ack.
async fn sent(
    ctx: &WorkerContext,
    claimed: &ClaimedJob,
    reply: &PendingReply,
    marker: &str,
    wamid: &str,
) -> Result<(), StoreError> {
    ctx.credentials.mark_ok();
    status::record_accepted(ctx.store.as_ref(), wamid, reply).await?;
    ctx.store
        .put_ephemeral(marker, wamid.as_bytes(), DEDUPE_TTL)
        .await?;
    metrics::counter!("asli_replies_sent_total").increment(1);
    if reply.via_template {
        metrics::counter!("asli_template_replies_sent_total").increment(1);
    }
    tracing::info!(
        to = %mask_phone(reply.to_wa_id.as_deref().unwrap_or_default()),
        verdict = reply.verdict.as_deref().unwrap_or("-"),
        attempts = reply.attempts + 1,
        template = reply.via_template,
        "reply sent"
    );
    ack(ctx, claimed).await
}

/// Meta refused our credentials. The reply that discovers it is dead-lettered with the
/// error (an admin retries it once the token is fixed); replies failing while the state was
/// already known (a probe, or sends in flight at the same moment) are held, not dead-lettered.
async fn credentials_failed(
    ctx: &WorkerContext,
    claimed: &ClaimedJob,
    mut reply: PendingReply,
    error: &GraphError,
    permit: SendPermit,
) -> Result<(), StoreError> {
    let news = ctx.credentials.mark_broken(&error.to_string());
    if news && permit == SendPermit::Send {
        let reason = format!("WhatsApp credentials refused: {error}");
        return dead_letter(ctx, claimed, reply, &reason).await;
    }
    // A held reply does not spend its attempt budget on our own credential problem.
    reply.attempts = reply.attempts.saturating_sub(1);
    let wait = match ctx.credentials.permit() {
        SendPermit::Hold(wait) => wait,
        _ => Duration::from_secs(1),
    };
    hold(ctx, claimed, &reply, wait).await
}

/// Put the reply back, unchanged, to be tried after `wait`.
async fn hold(
    ctx: &WorkerContext,
    claimed: &ClaimedJob,
    reply: &PendingReply,
    wait: Duration,
) -> Result<(), StoreError> {
    ctx.store
        .reschedule(
            claimed,
            &Job::Reply(reply.clone()).encode(),
            SystemTime::now() + wait,
        )
        .await
}

async fn dead_letter(
    ctx: &WorkerContext,
    claimed: &ClaimedJob,
    reply: PendingReply,
    reason: &str,
) -> Result<(), StoreError> {
    tracing::error!(
        error = reason,
        attempts = reply.attempts,
        "reply dead-lettered"
    );
    metrics::counter!("asli_replies_dead_lettered_total").increment(1);
    ctx.store
        .dead_letter(claimed, &Job::Reply(reply).encode(), reason)
        .await
        .map(|_| ())
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
    let Some(verdict) = reply.verdict.as_deref().and_then(parse_verdict) else {
        return Err("the 24-hour window closed, and only verdicts are sent as templates".into());
    };
    let Some(template) = ctx.templates.for_language(&reply.language) else {
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

fn parse_verdict(code: &str) -> Option<Verdict> {
    serde_json::from_value(serde_json::Value::String(code.to_string())).ok()
}

/// A metrics label per error class.
fn class_label(class: &ErrorClass) -> &'static str {
    match class {
        ErrorClass::RetryLater { .. } => "retry_later",
        ErrorClass::NeedsTemplate => "needs_template",
        ErrorClass::Credentials => "credentials",
        ErrorClass::Permanent => "permanent",
    }
}
