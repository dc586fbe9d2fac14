//! Thin HTTP handlers over the rest of the crate: the webhook (Meta), health and readiness
//! (load balancers), metrics (Prometheus) and the admin API.

pub mod health;
pub mod metrics;
pub mod webhook;

/// A fixed JSON error body: a 5xx never echoes internals.
pub(crate) fn error_body(code: &str, message: &str) -> serde_json::Value {
    serde_json::json!({"error": {"code": code, "message": message}})
}

/// Mount the admin API under `/admin` when `enabled`.
pub(crate) fn mount_admin<T>(app: actix_web::App<T>, enabled: bool) -> actix_web::App<T>
where
    T: actix_web::dev::ServiceFactory<
            actix_web::dev::ServiceRequest,
            Config = (),
            Error = actix_web::Error,
            InitError = (),
        >,
{
    // The admin routes arrive with the admin API; until then nothing is mounted.
    let _ = enabled;
    app
}
