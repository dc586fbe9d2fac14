//! A staff member's message: work out what to say, then hand it to delivery.

use sha2::{Digest, Sha256};

use super::deliver::{Marker, deliver, sent_key};
use super::{PendingReply, WorkerContext, ack};
use crate::engine::Engine;
use crate::store::{ClaimedJob, StoreError};
use crate::verify::{self, Analysis, Language, Notice, NumberState, Verdict};
use crate::whatsapp::{InboundMessage, MessageKind};

/// A staff member's language choice is remembered this long.
const LANGUAGE_TTL: std::time::Duration = std::time::Duration::from_secs(365 * 24 * 3600);

/// Analyse `message`, compose the reply and deliver it.
pub(super) async fn handle(
    ctx: &WorkerContext,
    claimed: &ClaimedJob,
    message: InboundMessage,
) -> Result<(), StoreError> {
    if ctx
        .store
        .get_ephemeral(&sent_key(&message.id))
        .await?
        .is_some()
    {
        return ack(ctx, claimed).await;
    }
    let Some(staff) = staff_key(&message) else {
        tracing::warn!("message without wa_id or user_id; nothing to reply to");
        return ack(ctx, claimed).await;
    };
    let composed = match flood_check(ctx, &message, &staff).await? {
        Flood::Within => compose(ctx, &message, &staff).await?,
        Flood::FirstOver(language) => Some(Composed::notice(Notice::SlowDown, language)),
        Flood::Over => None,
    };
    let Some(Composed {
        text,
        verdict,
        language,
        window_used,
    }) = composed
    else {
        return ack(ctx, claimed).await;
    };
    if ctx.credentials.broken_reason().is_none() {
        ctx.outbox
            .mark_read_typing(&message.phone_number_id, &message.id)
            .await;
    }
    let reply = PendingReply {
        inbound_id: message.id.clone(),
        phone_number_id: message.phone_number_id.clone(),
        to_wa_id: message.from.clone(),
        to_user_id: message.from_user_id.clone(),
        text,
        language: language.code().to_string(),
        verdict,
        attempts: 0,
        last_error: None,
        via_template: false,
        resend_of: None,
    };
    deliver(ctx, claimed, reply, Marker::Checked).await?;
    if window_used {
        // Only now, with the combined reply handed to delivery, is the remembered text
        // spent: a crash before this point redelivers the job with the text still there.
        ctx.store.take_ephemeral(&window_key(&staff)).await?;
    }
    Ok(())
}

/// What to send for one message.
struct Composed {
    text: String,
    verdict: Option<String>,
    language: Language,
    /// The remembered text of the conversation window went into this reply (and no new one
    /// replaced it): forget it once the reply is on its way.
    window_used: bool,
}

impl Composed {
    fn notice(notice: Notice, language: Language) -> Composed {
        Composed {
            text: verify::render_notice(notice, language),
            verdict: None,
            language,
            window_used: false,
        }
    }
}

fn window_key(staff: &str) -> String {
    format!("window:{staff}")
}

/// Where a staff member stands against the per-sender limit.
enum Flood {
    /// Within the limit: answer.
    Within,
    /// The first message over the limit in this window: one polite "slow down".
    FirstOver(Language),
    /// Further over: acknowledged without a reply until the window ends.
    Over,
}

/// Count this message against the staff member's window (in the store, so the limit holds
/// across instances). A message redelivered after a crash counts again: erring towards
/// fewer replies to a flood is fine.
async fn flood_check(
    ctx: &WorkerContext,
    message: &InboundMessage,
    staff: &str,
) -> Result<Flood, StoreError> {
    let Some(limit) = ctx.sender_limit else {
        return Ok(Flood::Within);
    };
    if matches!(
        message.kind,
        MessageKind::Reaction { .. } | MessageKind::System { .. }
    ) {
        return Ok(Flood::Within);
    }
    let count = ctx
        .store
        .incr_counter(&format!("flood:{staff}"), limit.window)
        .await?;
    if count <= limit.max {
        return Ok(Flood::Within);
    }
    metrics::counter!("asli_flood_limited_total").increment(1);
    if count > limit.max + 1 {
        return Ok(Flood::Over);
    }
    tracing::warn!(
        limit = limit.max,
        "a staff member is over the message limit; slowing down"
    );
    let chosen = ctx.store.get_ephemeral(&format!("lang:{staff}")).await?;
    let text = message.text_for_analysis().unwrap_or_default();
    let language = match chosen.as_deref() {
        Some(b"hi") => Language::Hi,
        Some(b"en") => Language::En,
        _ if text.chars().any(|c| ('\u{0900}'..='\u{097F}').contains(&c)) => Language::Hi,
        _ => Language::En,
    };
    Ok(Flood::FirstOver(language))
}

/// The reply to `message`; `None` when it needs no answer (a reaction, a system notice).
async fn compose(
    ctx: &WorkerContext,
    message: &InboundMessage,
    staff: &str,
) -> Result<Option<Composed>, StoreError> {
    let lang_key = format!("lang:{staff}");
    let chosen = ctx
        .store
        .get_ephemeral(&lang_key)
        .await?
        .and_then(|v| match v.as_slice() {
            b"hi" => Some(Language::Hi),
            b"en" => Some(Language::En),
            _ => None,
        });
    match &message.kind {
        MessageKind::Reaction { .. } | MessageKind::System { .. } => return Ok(None),
        _ => {}
    }
    let text = message.text_for_analysis().unwrap_or_default();
    if let Some(language) = verify::language_command(text) {
        ctx.store
            .put_ephemeral(&lang_key, language.code().as_bytes(), LANGUAGE_TTL)
            .await?;
        return Ok(Some(Composed::notice(Notice::LanguageSwitched, language)));
    }
    let cards = match &message.kind {
        MessageKind::Contacts { cards } => cards.iter().map(to_verify_card).collect(),
        _ => Vec::new(),
    };
    if text.trim().is_empty() && cards.is_empty() {
        return Ok(Some(Composed::notice(
            Notice::Help,
            chosen.unwrap_or(Language::En),
        )));
    }
    let window_key = window_key(staff);
    // Read, not taken: it is deleted only once the combined reply is handed to delivery.
    let pending = match ctx.store.get_ephemeral(&window_key).await? {
        Some(bytes) => serde_json::from_slice::<verify::Pending>(&bytes).ok(),
        None => None,
    };
    let analyzer = ctx.engine.current(ctx.store.as_ref()).await?;
    let input = verify::Input {
        text,
        cards: &cards,
        forwarded: message.forwarded || message.frequently_forwarded,
        language: chosen,
        staff_organization: None,
        pending: pending.as_ref(),
    };
    let analysis = analyzer.analyze(&input, time::OffsetDateTime::now_utc());
    if analysis.nothing_to_check() && !input.forwarded && pending.is_none() {
        // "hi", "ok": a greeting, not a forwarded chat to check.
        return Ok(Some(Composed::notice(Notice::Help, analysis.language)));
    }
    remember(ctx, staff, &window_key, &analysis).await?;
    metrics::counter!("asli_verdicts_total", "verdict" => analysis.verdict.code()).increment(1);
    Ok(Some(Composed {
        window_used: pending.is_some() && analysis.pending.is_none(),
        text: analysis.reply,
        verdict: Some(analysis.verdict.code().to_string()),
        language: analysis.language,
    }))
}

/// Keep what the verdict asks to keep: the text waiting for its number, and incidents.
async fn remember(
    ctx: &WorkerContext,
    staff: &str,
    window_key: &str,
    analysis: &Analysis,
) -> Result<(), StoreError> {
    if let Some(pending) = &analysis.pending {
        let bytes = serde_json::to_vec(pending).expect("Pending serialises");
        ctx.store
            .put_ephemeral(window_key, &bytes, ctx.conversation_window)
            .await?;
    }
    if matches!(analysis.verdict, Verdict::Impersonation | Verdict::Mismatch) {
        let claimed: Vec<String> = analysis
            .claimed
            .iter()
            .map(|c| c.official.id.to_string())
            .collect();
        let now = time::OffsetDateTime::now_utc().unix_timestamp().max(0) as u64;
        for finding in analysis
            .numbers
            .iter()
            .filter(|n| n.status != NumberState::Active)
        {
            let incident = ctx
                .store
                .record_incident(finding.number.as_str(), staff, &claimed, now)
                .await?;
            if incident.first_seen == incident.last_seen && incident.reporters == 1 {
                Engine::bump_reported_generation(ctx.store.as_ref()).await?;
            }
            metrics::counter!("asli_incidents_recorded_total").increment(1);
        }
    }
    Ok(())
}

/// A stable, non-reversible key for the staff member (their number never becomes a key).
fn staff_key(message: &InboundMessage) -> Option<String> {
    let id = message
        .from
        .as_deref()
        .or(message.from_user_id.as_deref())?;
    let digest = Sha256::digest(format!("asli-staff:{id}").as_bytes());
    Some(hex::encode(&digest[..16]))
}

fn to_verify_card(card: &crate::whatsapp::ContactCard) -> verify::ContactCard {
    verify::ContactCard {
        name: card.formatted_name(),
        organization: card.company().map(str::to_string),
        title: card.title().map(str::to_string),
        phones: card
            .phones
            .iter()
            .map(|p| verify::CardPhone {
                phone: p.phone.clone(),
                wa_id: p.wa_id.clone(),
            })
            .collect(),
    }
}
