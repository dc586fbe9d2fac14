//! `GET /webhook` (Meta's handshake) and `POST /webhook` (every update).
//!
//! A POST is answered 200 only once every message and status in it is durably in the inbox
//! (or was already): Meta retries anything else for days, so a 503 loses nothing, while a 200
//! given too early could.

use actix_web::{HttpRequest, HttpResponse, web};
use secrecy::ExposeSecret;
use serde::Deserialize;
use subtle::ConstantTimeEq;

use super::error_body;
use crate::app::AppState;
use crate::jobs::{Job, Pseudonyms};
use crate::store::{GroupId, NewJob, keys};
use crate::whatsapp::{Update, WebhookPayload, verify_signature};

/// The query of Meta's verification GET.
#[derive(Debug, Deserialize)]
pub struct Handshake {
    #[serde(rename = "hub.mode")]
    mode: Option<String>,
    #[serde(rename = "hub.verify_token")]
    verify_token: Option<String>,
    #[serde(rename = "hub.challenge")]
    challenge: Option<String>,
}

/// Answer the challenge when the mode is `subscribe` and the token matches; else 403.
pub async fn handshake(req: HttpRequest, state: web::Data<AppState>) -> HttpResponse {
    // Parsed here, not by the `Query` extractor: a query it cannot read (a repeated
    // parameter) would be its plain-text 400, and the contract answers every failed
    // handshake with 403.
    let Ok(query) = web::Query::<Handshake>::from_query(req.query_string()) else {
        tracing::warn!("webhook handshake refused: unreadable query");
        return HttpResponse::Forbidden().finish();
    };
    let expected = state
        .settings
        .whatsapp
        .verify_token
        .expose_secret()
        .as_bytes();
    let token_ok = query
        .verify_token
        .as_deref()
        .is_some_and(|t| bool::from(t.as_bytes().ct_eq(expected)));
    match (&query.mode, &query.challenge) {
        (Some(mode), Some(challenge)) if mode == "subscribe" && token_ok => {
            tracing::info!("webhook handshake accepted");
            HttpResponse::Ok()
                .content_type("text/plain")
                .body(challenge.clone())
        }
        _ => {
            tracing::warn!("webhook handshake refused");
            HttpResponse::Forbidden().finish()
        }
    }
}

/// Verify, parse, store durably, then answer.
pub async fn receive(
    req: HttpRequest,
    body: web::Bytes,
    state: web::Data<AppState>,
) -> HttpResponse {
    let header = req
        .headers()
        .get("x-hub-signature-256")
        .map(|v| v.to_str().unwrap_or("\u{0}invalid"));
    if let Err(e) = verify_signature(
        state
            .settings
            .whatsapp
            .app_secret
            .expose_secret()
            .as_bytes(),
        &body,
        header,
    ) {
        metrics::counter!("asli_webhook_rejected_total", "reason" => "signature").increment(1);
        tracing::warn!(error = %e, "webhook signature rejected");
        return HttpResponse::Unauthorized().json(error_body(
            "bad_signature",
            "missing or wrong X-Hub-Signature-256",
        ));
    }
    let payload = match WebhookPayload::parse(&body) {
        Ok(p) => p,
        Err(e) => {
            metrics::counter!("asli_webhook_rejected_total", "reason" => "payload").increment(1);
            tracing::warn!(error = %e, "signed body is not a WhatsApp payload");
            return HttpResponse::BadRequest().json(error_body("bad_payload", &e.to_string()));
        }
    };
    let jobs = jobs_of(payload.updates(), &state.pseudonyms);
    if jobs.is_empty() {
        return HttpResponse::Ok().finish();
    }
    match state.stores.inbox.enqueue(&jobs).await {
        Ok(fresh) => {
            let new = fresh.iter().filter(|f| **f).count();
            metrics::counter!("asli_webhook_updates_total").increment(jobs.len() as u64);
            metrics::counter!("asli_webhook_duplicates_total").increment((jobs.len() - new) as u64);
            tracing::debug!(updates = jobs.len(), new, "webhook stored");
            HttpResponse::Ok().finish()
        }
        Err(e) => {
            metrics::counter!("asli_webhook_rejected_total", "reason" => "store").increment(1);
            tracing::error!(error = %e, "webhook not stored; Meta will retry");
            HttpResponse::ServiceUnavailable()
                .insert_header(("Retry-After", "5"))
                .json(error_body("store_unavailable", "try again later"))
        }
    }
}

/// The inbox jobs of a payload's updates, each in its staff member's group (so their
/// messages and the statuses of our replies to them are handled in order). Value-level
/// errors are logged, not queued.
fn jobs_of(updates: Vec<Update>, pseudonyms: &Pseudonyms) -> Vec<NewJob> {
    let mut jobs = Vec::with_capacity(updates.len());
    for update in updates {
        match update {
            Update::Message(message) => {
                let group = pseudonyms
                    .of_sender(&message)
                    .map_or_else(|| GroupId::new("no-sender"), |s| s.group());
                let key = keys::message_dedupe(&message.id);
                jobs.push(
                    NewJob::new(group, Job::Inbound { message }.encode())
                        .deduped(key, keys::DEDUPE_TTL),
                );
            }
            Update::Status(status) => {
                let group = pseudonyms.of_recipient(&status).map_or_else(
                    || GroupId::new(format!("status:{}", status.id)),
                    |s| s.group(),
                );
                let key = keys::status_dedupe(&status.id, status.status.as_str());
                jobs.push(
                    NewJob::new(group, Job::Status { status }.encode())
                        .deduped(key, keys::DEDUPE_TTL),
                );
            }
            Update::Error(error) => {
                tracing::warn!(?error, "WhatsApp reported an error in a webhook");
                metrics::counter!("asli_webhook_errors_total").increment(1);
            }
        }
    }
    jobs
}
