//! `POST /admin/check`: the verdict the bot would give, without sending anything.

use std::collections::HashSet;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use actix_web::{HttpRequest, HttpResponse, web};
use serde::Deserialize;

use time::OffsetDateTime;

use super::openapi::ErrorBody;
use super::{AdminState, ApiError, Caller, read_json};
use crate::phone::{E164, Region};
use crate::registry::RegistryIndex;
use crate::store::Store;
use crate::verify::{Analyzer, CardPhone, ContactCard, Input};

/// The verification engine as the admin API sees it. The app wires it to
/// `verify::Analyzer` over the current registry; the answer is the serialised analysis
/// (`verdict`, `numbers`, `claimed`, `signals`, `language`, `reply`).
pub trait Checker: Send + Sync {
    /// Analyse `text` (and the sender's number, when given) as the bot would.
    fn check<'a>(
        &'a self,
        text: &'a str,
        phone: Option<&'a str>,
    ) -> Pin<Box<dyn Future<Output = Result<serde_json::Value, ApiError>> + 'a>>;
}

/// A [`Checker`] that reads the registry and the reported numbers from the store at each call
/// and runs [`Analyzer`] over them. Admin checks are rare, so it builds a fresh analyzer rather
/// than sharing the worker's; the answer is the one the worker would give for the same data.
pub struct StoreChecker {
    store: Arc<dyn Store>,
    home: Region,
}

impl StoreChecker {
    /// A checker over `store`; numbers without a country code belong to `home`.
    pub fn new(store: Arc<dyn Store>, home: Region) -> StoreChecker {
        StoreChecker { store, home }
    }

    async fn analyzer(&self) -> Result<Analyzer, ApiError> {
        let snap = self.store.load_registry().await?;
        let mut reported = HashSet::new();
        let mut after: Option<String> = None;
        loop {
            let page = self.store.incidents(after.as_deref(), 500).await?;
            reported.extend(
                page.iter()
                    .filter_map(|i| E164::parse(&i.number, self.home).ok()),
            );
            if page.len() < 500 {
                break;
            }
            after = page.last().map(|i| i.number.clone());
        }
        let index = RegistryIndex::new(snap.version, snap.officials, reported);
        Ok(Analyzer::new(Arc::new(index), self.home))
    }
}

impl Checker for StoreChecker {
    fn check<'a>(
        &'a self,
        text: &'a str,
        phone: Option<&'a str>,
    ) -> Pin<Box<dyn Future<Output = Result<serde_json::Value, ApiError>> + 'a>> {
        Box::pin(async move {
            let analyzer = self.analyzer().await?;
            // The sender's number is given to the engine as a shared contact card: that is
            // how staff pass "this is who wrote to me" in WhatsApp.
            let cards: Vec<ContactCard> = phone
                .map(|p| ContactCard {
                    phones: vec![CardPhone {
                        phone: Some(p.to_string()),
                        wa_id: None,
                    }],
                    ..ContactCard::default()
                })
                .into_iter()
                .collect();
            let input = Input {
                text,
                cards: &cards,
                ..Input::default()
            };
            let analysis = analyzer.analyze(&input, OffsetDateTime::now_utc());
            serde_json::to_value(&analysis).map_err(|e| ApiError::internal(&e))
        })
    }
}

/// Body of `POST /admin/check`.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CheckRequest {
    /// The message as staff would forward it.
    pub text: String,
    /// The sender's number, when known.
    #[serde(default)]
    pub phone: Option<String>,
}

#[utoipa::path(post, path = "/admin/check", tag = "verification",
    request_body = CheckRequest,
    responses(
        (status = 200, description = "`{verdict, numbers, claimed, signals, language, reply}`", body = serde_json::Value),
        (status = 401, description = "Missing or unknown token", body = ErrorBody),
        (status = 400, description = "Malformed body or query", body = ErrorBody),
        (status = 413, description = "Body too large", body = ErrorBody),
        (status = 415, description = "Wrong Content-Type", body = ErrorBody),
        (status = 422, description = "Field-level problems, named", body = ErrorBody),
        (status = 429, description = "Too many failed sign-ins", body = ErrorBody),
        (status = 503, description = "Storage unavailable", body = ErrorBody)
    ))]
/// Run the verification engine on a message.
pub async fn check(
    _caller: Caller,
    state: web::Data<AdminState>,
    req: HttpRequest,
    payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    let body: CheckRequest = read_json(&req, payload).await?;
    let analysis = state
        .checker
        .check(&body.text, body.phone.as_deref())
        .await?;
    Ok(HttpResponse::Ok().json(analysis))
}
