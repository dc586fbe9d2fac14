//! `/healthz` (the process runs) and `/readyz` (the store answers).

use actix_web::{HttpResponse, web};

use crate::app::AppState;

/// 200 while the process runs.
pub async fn healthz() -> HttpResponse {
    HttpResponse::Ok().json(serde_json::json!({"status": "ok"}))
}

/// 200 when the store answers, else 503.
pub async fn readyz(state: web::Data<AppState>) -> HttpResponse {
    match state.store.ping().await {
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
