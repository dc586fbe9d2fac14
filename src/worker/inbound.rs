//! A staff member's message: work out what to say, deliver it, and commit the step.
//!
//! The step reads what it needs in one round (sent-marker, language choice, conversation
//! window, flood counter), and everything it leaves behind (the counter, the window, the
//! language, the sent-marker and delivery record) goes into the one commit that ends it. A
//! staff member's messages are handled one at a time in arrival order (their inbox group), so
//! a text always meets the window its previous message left.

use super::WorkerContext;
use super::deliver::deliver;
use crate::engine::Engine;
use crate::jobs::{PendingReply, Staff};
use crate::store::{GroupId, StateWrite, StepCommit, StoreError, keys};
use crate::verify::{self, Analysis, Language, Notice, NumberState, Verdict};
use crate::whatsapp::{InboundMessage, MessageKind};

/// What the step read before deciding.
struct Known {
    sent: Option<Vec<u8>>,
    language: Option<Language>,
    pending: Option<verify::Pending>,
    /// Messages counted in the staff member's current flood window, before this one.
    flood_count: u64,
}

async fn read(
    ctx: &WorkerContext,
    group: &GroupId,
    message: &InboundMessage,
) -> Result<Known, StoreError> {
    let mut values = ctx
        .stores
        .state
        .get_many(&[
            keys::sent(group, &message.id),
            keys::language(group),
            keys::window(group),
            keys::flood(group),
        ])
        .await?
        .into_iter();
    let mut next = || values.next().flatten();
    let sent = next();
    let language = next().and_then(|v| match v.as_slice() {
        b"hi" => Some(Language::Hi),
        b"en" => Some(Language::En),
        _ => None,
    });
    let pending = next().and_then(|bytes| serde_json::from_slice(&bytes).ok());
    let flood_count = next()
        .and_then(|digits| String::from_utf8(digits).ok())
        .and_then(|digits| digits.parse().ok())
        .unwrap_or(0);
    Ok(Known {
        sent,
        language,
        pending,
        flood_count,
    })
}

/// The step for `message`, sent by the staff member of `group`.
pub(super) async fn step(
    ctx: &WorkerContext,
    group: &GroupId,
    message: InboundMessage,
) -> Result<StepCommit, StoreError> {
    let known = read(ctx, group, &message).await?;
    if known.sent.is_some() {
        return Ok(StepCommit::done());
    }
    if message.from.is_none() && message.from_user_id.is_none() {
        tracing::warn!("message without wa_id or user_id; nothing to reply to");
        return Ok(StepCommit::done());
    }
    let mut writes = Vec::new();
    let composed = match flood_check(ctx, group, &message, &known, &mut writes) {
        Flood::Within => compose(ctx, group, &message, &known, &mut writes).await?,
        Flood::FirstOver(language) => Some(Composed::notice(Notice::SlowDown, language)),
        Flood::Over => None,
    };
    let Some(Composed {
        text,
        verdict,
        language,
    }) = composed
    else {
        return Ok(with(StepCommit::done(), writes));
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
        language,
        verdict,
        attempts: 0,
        last_error: None,
        via_template: false,
        resend_of: None,
    };
    // The window is spent (or replaced) in the same commit that makes the reply durable:
    // sent, queued for a retry, or dead-lettered.
    Ok(with(deliver(ctx, group, reply, None).await, writes))
}

fn with(mut step: StepCommit, writes: Vec<StateWrite>) -> StepCommit {
    step.writes.extend(writes);
    step
}

/// What to send for one message.
struct Composed {
    text: String,
    verdict: Option<Verdict>,
    language: Language,
}

impl Composed {
    fn notice(notice: Notice, language: Language) -> Composed {
        Composed {
            text: verify::render_notice(notice, language),
            verdict: None,
            language,
        }
    }
}

/// Where a staff member stands against the per-sender limit.
enum Flood {
    /// Within the limit: answer.
    Within,
    /// The first message over the limit in this window: one polite "slow down".
    FirstOver(Language),
    /// Further over: committed without a reply until the window ends.
    Over,
}

/// Count this message against the staff member's window (in the store, so the limit holds
/// across instances; the count is committed with the step, so a message handed out again
/// after a crash is not counted twice).
fn flood_check(
    ctx: &WorkerContext,
    group: &GroupId,
    message: &InboundMessage,
    known: &Known,
    writes: &mut Vec<StateWrite>,
) -> Flood {
    let Some(limit) = ctx.sender_limit else {
        return Flood::Within;
    };
    if matches!(
        message.kind,
        MessageKind::Reaction { .. } | MessageKind::System { .. }
    ) {
        return Flood::Within;
    }
    writes.push(StateWrite::Incr {
        key: keys::flood(group),
        ttl: limit.window,
    });
    let count = known.flood_count + 1;
    if count <= limit.max {
        return Flood::Within;
    }
    metrics::counter!("asli_flood_limited_total").increment(1);
    if count > limit.max + 1 {
        return Flood::Over;
    }
    tracing::warn!(
        limit = limit.max,
        "a staff member is over the message limit; slowing down"
    );
    let text = message.text_for_analysis().unwrap_or_default();
    let language = known.language.unwrap_or_else(|| {
        if text.chars().any(|c| ('\u{0900}'..='\u{097F}').contains(&c)) {
            Language::Hi
        } else {
            Language::En
        }
    });
    Flood::FirstOver(language)
}

/// The reply to `message`; `None` when it needs no answer (a reaction, a system notice).
async fn compose(
    ctx: &WorkerContext,
    group: &GroupId,
    message: &InboundMessage,
    known: &Known,
    writes: &mut Vec<StateWrite>,
) -> Result<Option<Composed>, StoreError> {
    if matches!(
        &message.kind,
        MessageKind::Reaction { .. } | MessageKind::System { .. }
    ) {
        return Ok(None);
    }
    let text = message.text_for_analysis().unwrap_or_default();
    if let Some(language) = verify::language_command(text) {
        writes.push(StateWrite::Put {
            key: keys::language(group),
            value: language.code().as_bytes().to_vec(),
            ttl: keys::LANGUAGE_TTL,
        });
        return Ok(Some(Composed::notice(Notice::LanguageSwitched, language)));
    }
    let cards = match &message.kind {
        MessageKind::Contacts { cards } => cards.iter().map(to_verify_card).collect(),
        _ => Vec::new(),
    };
    if text.trim().is_empty() && cards.is_empty() {
        return Ok(Some(Composed::notice(
            Notice::Help,
            known.language.unwrap_or(Language::En),
        )));
    }
    let analyzer = ctx.engine.current().await?;
    let input = verify::Input {
        text,
        cards: &cards,
        forwarded: message.forwarded || message.frequently_forwarded,
        language: known.language,
        staff_organization: None,
        pending: known.pending.as_ref(),
    };
    let analysis = analyzer.analyze(&input, time::OffsetDateTime::now_utc());
    if analysis.nothing_to_check() && !input.forwarded && known.pending.is_none() {
        // "hi", "ok": a greeting, not a forwarded chat to check.
        return Ok(Some(Composed::notice(Notice::Help, analysis.language)));
    }
    remember(ctx, group, &analysis, known, writes).await?;
    metrics::counter!("asli_verdicts_total", "verdict" => analysis.verdict.code()).increment(1);
    Ok(Some(Composed {
        text: analysis.reply,
        verdict: Some(analysis.verdict),
        language: analysis.language,
    }))
}

/// Keep what the verdict asks to keep: the text waiting for its number (or the window
/// spent), and incidents.
async fn remember(
    ctx: &WorkerContext,
    group: &GroupId,
    analysis: &Analysis,
    known: &Known,
    writes: &mut Vec<StateWrite>,
) -> Result<(), StoreError> {
    if let Some(pending) = &analysis.pending {
        writes.push(StateWrite::Put {
            key: keys::window(group),
            value: serde_json::to_vec(pending).expect("Pending serialises"),
            ttl: ctx.conversation_window,
        });
    } else if known.pending.is_some() {
        writes.push(StateWrite::Delete(keys::window(group)));
    }
    if matches!(analysis.verdict, Verdict::Impersonation | Verdict::Mismatch) {
        let claimed: Vec<String> = analysis
            .claimed
            .iter()
            .map(|c| c.official.id.to_string())
            .collect();
        let now = time::OffsetDateTime::now_utc().unix_timestamp().max(0) as u64;
        let reporter = Staff::of_group(group);
        for finding in analysis
            .numbers
            .iter()
            .filter(|n| n.status != NumberState::Active)
        {
            // Incidents live apart from the staff member's state; recording one again after
            // a crash before the commit changes nothing but its last-seen time.
            let incident = ctx
                .stores
                .incidents
                .record_incident(finding.number.as_str(), reporter.as_str(), &claimed, now)
                .await?;
            if incident.first_seen == incident.last_seen && incident.reporters == 1 {
                Engine::bump_reported_generation(ctx.stores.state.as_ref()).await?;
            }
            metrics::counter!("asli_incidents_recorded_total").increment(1);
        }
    }
    Ok(())
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
