//! `POST /admin/check`: the verdict the bot would give, without sending anything.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use actix_web::{HttpRequest, HttpResponse, web};
use serde::Deserialize;

use super::openapi::ErrorBody;
use super::{AdminState, ApiError, Caller, read_json};
use crate::engine::Engine;

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

/// A [`Checker`] over the process's [`Engine`]: the same analyzer the worker uses, rebuilt
/// only when the registry or the reported numbers move.
pub struct EngineChecker {
    engine: Arc<Engine>,
}

impl EngineChecker {
    /// A checker over `engine`.
    pub fn new(engine: Arc<Engine>) -> EngineChecker {
        EngineChecker { engine }
    }
}

impl Checker for EngineChecker {
    fn check<'a>(
        &'a self,
        text: &'a str,
        phone: Option<&'a str>,
    ) -> Pin<Box<dyn Future<Output = Result<serde_json::Value, ApiError>> + 'a>> {
        Box::pin(async move {
            let analysis = self.engine.check(text, phone).await?;
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
    // A phone that holds no number would be dropped silently, and the verdict would be
    // about the text alone: the admin would believe the number was checked.
    if let Some(phone) = body.phone.as_deref().filter(|p| !p.trim().is_empty()) {
        let home = state.registry.home();
        if crate::phone::E164::parse(phone, home).is_err()
            && crate::verify::numbers::in_text(phone, home).is_empty()
        {
            return Err(crate::registry::RegistryError::field(
                "phone",
                "is not a phone number; write it like +91 70000 00001",
            )
            .into());
        }
    }
    let analysis = state
        .checker
        .check(&body.text, body.phone.as_deref())
        .await?;
    Ok(HttpResponse::Ok().json(analysis))
}
