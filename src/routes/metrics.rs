//! `/metrics` in the Prometheus text format.

use actix_web::{HttpResponse, web};

use crate::app::AppState;

/// The process's metrics, with the queue sizes read fresh from the store.
pub async fn metrics(state: web::Data<AppState>) -> HttpResponse {
    if let Ok(stats) = state.stores.inbox.stats().await {
        metrics::gauge!("asli_queue_ready").set(stats.ready as f64);
        metrics::gauge!("asli_queue_in_flight").set(stats.in_flight as f64);
        metrics::gauge!("asli_queue_delayed").set(stats.delayed as f64);
        metrics::gauge!("asli_dead_letters").set(stats.dead as f64);
    }
    HttpResponse::Ok()
        .content_type("text/plain; version=0.0.4")
        .body(state.metrics.render())
}
