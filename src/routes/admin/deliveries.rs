//! `/admin/deliveries/{wamid}`: what became of one reply we sent (accepted, sent, delivered,
//! read, failed), and whether a failure re-queued or dead-lettered it.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};

use super::openapi::ErrorBody;
use super::{AdminState, ApiError, Caller};
use crate::worker::delivery_history;

#[utoipa::path(get, path = "/admin/deliveries/{wamid}", tag = "dead letters",
    params(("wamid" = String, Path, description = "The outbound message's wamid")),
    responses(
        (status = 200, description = "`{wamid, in_reply_to, status, events: [{status, timestamp, error_codes}], outcome}`", body = serde_json::Value),
        (status = 401, description = "Missing or unknown token", body = ErrorBody),
        (status = 404, description = "No delivery known under this wamid (or it expired after 30 days)", body = ErrorBody),
        (status = 429, description = "Too many failed sign-ins", body = ErrorBody),
        (status = 503, description = "Storage unavailable", body = ErrorBody)
    ))]
/// The delivery history of one outbound message, events in the order received; `status` is
/// the furthest reached (statuses arriving out of order never move it back).
pub async fn get(
    _caller: Caller,
    state: web::Data<AdminState>,
    wamid: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    match delivery_history(state.stores.state.as_ref(), &wamid).await? {
        Some(history) => Ok(HttpResponse::Ok().json(history)),
        None => Err(ApiError::new(
            StatusCode::NOT_FOUND,
            "not_found",
            format!("no delivery known for `{wamid}`"),
        )),
    }
}
