//! Thin HTTP handlers over the rest of the crate: the webhook (Meta), health and readiness
//! (load balancers), metrics (Prometheus) and the admin API.

pub mod admin;
pub mod health;
pub mod metrics;
pub mod webhook;

/// A fixed JSON error body: a 5xx never echoes internals.
pub(crate) fn error_body(code: &str, message: &str) -> serde_json::Value {
    serde_json::json!({"error": {"code": code, "message": message}})
}
