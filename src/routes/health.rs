//! `/healthz` (the process runs) and `/readyz` (the store answers and Meta accepts our
//! access token).

use actix_web::{HttpResponse, web};

use crate::app::AppState;

/// 200 while the process runs.
pub async fn healthz() -> HttpResponse {
    HttpResponse::Ok().json(serde_json::json!({"status": "ok"}))
}

/// 200 when the store answers and the Graph API accepts our credentials, else 503 with the
/// reason (never the token).
pub async fn readyz(state: web::Data<AppState>) -> HttpResponse {
    if state.credentials.broken_reason().is_some() {
        return HttpResponse::ServiceUnavailable().json(super::error_body(
            "whatsapp_credentials",
            "Meta refuses the WhatsApp access token; replies are held until it is fixed",
        ));
    }
    match state.stores.inbox.ping().await {
        Ok(()) => HttpResponse::Ok().json(serde_json::json!({"status": "ready"})),
        Err(e) => {
            tracing::warn!(error = %e, "not ready: store unavailable");
            HttpResponse::ServiceUnavailable().json(super::error_body(
                "store_unavailable",
                "the store does not answer",
            ))
        }
    }
}
