//! `/admin/dead-letters`: replies that could not be delivered, and sending one again.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use serde::Deserialize;
use serde_json::{Value, json};

use super::openapi::ErrorBody;
use super::{AdminState, ApiError, Caller, Writer};
use crate::store::DeadLetter;

/// Query of the dead-letter list.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct DeadLetterQuery {
    /// The previous page's `next_after` (a dead-letter id).
    pub after: Option<String>,
    /// Page size, 1 to 500 (default 100).
    #[param(minimum = 1, maximum = 500)]
    pub limit: Option<u64>,
}

/// A dead letter as admins see it: the payload shown as JSON when it is JSON, else as text.
fn view(d: &DeadLetter) -> Value {
    let payload = serde_json::from_slice::<Value>(&d.payload)
        .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&d.payload).into_owned()));
    json!({ "id": d.id, "error": d.error, "at": d.at, "payload": payload })
}

#[utoipa::path(get, path = "/admin/dead-letters", tag = "dead letters",
    params(DeadLetterQuery),
    responses(
        (status = 200, description = "`{items: [{id, error, at, payload}], next_after}`", body = serde_json::Value),
        (status = 401, description = "Missing or unknown token", body = ErrorBody),
        (status = 400, description = "Malformed body or query", body = ErrorBody),
        (status = 429, description = "Too many failed sign-ins", body = ErrorBody),
        (status = 503, description = "Storage unavailable", body = ErrorBody)
    ))]
/// Dead letters, oldest first.
pub async fn list(
    _caller: Caller,
    state: AdminState,
    query: web::Query<DeadLetterQuery>,
) -> Result<HttpResponse, ApiError> {
    let limit = super::page_limit(query.limit, 100)?;
    let items = state
        .stores
        .inbox
        .dead_letters(query.after.as_deref(), limit)
        .await?;
    let next_after = (items.len() == limit)
        .then(|| items.last().map(|d| d.id.clone()))
        .flatten();
    let items: Vec<Value> = items.iter().map(view).collect();
    Ok(HttpResponse::Ok().json(json!({ "items": items, "next_after": next_after })))
}

#[utoipa::path(post, path = "/admin/dead-letters/{id}/retry", tag = "dead letters",
    params(("id" = String, Path, description = "Dead-letter id")),
    responses(
        (status = 202, description = "Back in the queue", body = serde_json::Value),
        (status = 401, description = "Missing or unknown token", body = ErrorBody),
        (status = 403, description = "The token may only read", body = ErrorBody),
        (status = 404, description = "No such official", body = ErrorBody),
        (status = 429, description = "Too many failed sign-ins", body = ErrorBody),
        (status = 503, description = "Storage unavailable", body = ErrorBody)
    ))]
/// Move one dead letter back to the queue; 404 when there is no such id.
pub async fn retry(
    Writer(caller): Writer,
    state: AdminState,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    if !state.stores.inbox.retry_dead_letter(&id).await? {
        return Err(ApiError::new(
            StatusCode::NOT_FOUND,
            "not_found",
            format!("no dead letter with id `{id}`"),
        ));
    }
    tracing::info!(actor = %caller.name, dead_letter = %id, "dead letter sent back to the queue");
    Ok(HttpResponse::Accepted().json(json!({ "id": id.as_str(), "requeued": true })))
}
