//! Delivering a composed reply: send, remember that it was sent, acknowledge — or retry
//! later, or dead-letter with the reason.

use std::time::{Duration, SystemTime};

use super::{DEDUPE_TTL, Job, PendingReply, WorkerContext, ack};
use crate::phone::mask_phone;
use crate::store::{ClaimedJob, StoreError};
use crate::whatsapp::{ErrorClass, OutboundMessage, Recipient};

/// The pair rate limit: about one message every 6 s to the same user.
const PAIR_LIMIT_FLOOR: Duration = Duration::from_secs(6);

/// Key of the marker saying the reply to `inbound_id` went out (value: its wamid).
pub(super) fn sent_key(inbound_id: &str) -> String {
    format!("sent:{inbound_id}")
}

/// Try to deliver `reply`, which is the payload of (or was composed from) `claimed`.
pub(super) async fn deliver(
    ctx: &WorkerContext,
    claimed: &ClaimedJob,
    mut reply: PendingReply,
) -> Result<(), StoreError> {
    let marker = sent_key(&reply.inbound_id);
    if ctx.store.get_ephemeral(&marker).await?.is_some() {
        // Sent before a crash, or a duplicate: never send twice.
        tracing::info!("reply already sent; acknowledging");
        return ack(ctx, claimed).await;
    }
    let message = match outbound_of(&reply) {
        Ok(message) => message,
        Err(error) => {
            tracing::error!(%error, "reply cannot be built; dead-lettered");
            ctx.store
                .dead_letter(claimed, &Job::Reply(reply).encode(), &error)
                .await?;
            return Ok(());
        }
    };
    let hint = reply.to_wa_id.clone().unwrap_or_default();
    match ctx
        .outbox
        .send(&reply.phone_number_id, &hint, &message)
        .await
    {
        Ok(wamid) => {
            ctx.store
                .put_ephemeral(&marker, wamid.as_bytes(), DEDUPE_TTL)
                .await?;
            metrics::counter!("asli_replies_sent_total").increment(1);
            tracing::info!(
                to = %mask_phone(&hint),
                verdict = reply.verdict.as_deref().unwrap_or("-"),
                attempts = reply.attempts + 1,
                "reply sent"
            );
            ack(ctx, claimed).await
        }
        Err(error) => {
            reply.attempts += 1;
            reply.last_error = Some(error.to_string());
            let class = error.class();
            metrics::counter!("asli_reply_failures_total", "class" => class_label(&class))
                .increment(1);
            match class {
                ErrorClass::RetryLater { .. } if ctx.retry.may_retry(reply.attempts) => {
                    let floor = if class.is_per_recipient() {
                        PAIR_LIMIT_FLOOR
                    } else {
                        Duration::ZERO
                    };
                    let delay = ctx.retry.delay(reply.attempts, floor);
                    tracing::warn!(%error, attempts = reply.attempts, ?delay, "reply failed; will retry");
                    ctx.store
                        .reschedule(
                            claimed,
                            &Job::Reply(reply).encode(),
                            SystemTime::now() + delay,
                        )
                        .await
                }
                _ => {
                    tracing::error!(%error, attempts = reply.attempts, "reply dead-lettered");
                    let reason = format!("{error}");
                    ctx.store
                        .dead_letter(claimed, &Job::Reply(reply).encode(), &reason)
                        .await
                        .map(|_| ())
                }
            }
        }
    }
}

/// The Graph API message for `reply`, quoting the message it answers.
fn outbound_of(reply: &PendingReply) -> Result<OutboundMessage, String> {
    let recipient = match (&reply.to_wa_id, &reply.to_user_id) {
        (Some(wa_id), _) => Recipient::wa_id(wa_id),
        (None, Some(user_id)) => Recipient::user_id(user_id),
        (None, None) => return Err("the message has neither a wa_id nor a user_id".into()),
    }
    .map_err(|e| e.to_string())?;
    OutboundMessage::text(recipient, &reply.text)
        .map(|m| m.in_reply_to(&reply.inbound_id))
        .map_err(|e| e.to_string())
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
