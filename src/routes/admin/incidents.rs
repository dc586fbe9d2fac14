//! `GET /admin/incidents`: numbers reported as impersonating officials.

use actix_web::{HttpResponse, web};
use serde::Deserialize;
use serde_json::json;

use super::{AdminState, ApiError, Caller};

/// Query of the incident list.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IncidentQuery {
    /// The previous page's `next_after` (a number).
    pub after: Option<String>,
    /// Page size, 1 to 500 (default 100).
    pub limit: Option<usize>,
}

/// Incidents ordered by number, with reporter counts and first / last seen.
pub async fn list(
    _caller: Caller,
    state: web::Data<AdminState>,
    query: web::Query<IncidentQuery>,
) -> Result<HttpResponse, ApiError> {
    let limit = query.limit.unwrap_or(100).clamp(1, 500);
    let items = state.store.incidents(query.after.as_deref(), limit).await?;
    let next_after = (items.len() == limit)
        .then(|| items.last().map(|i| i.number.clone()))
        .flatten();
    Ok(HttpResponse::Ok().json(json!({ "items": items, "next_after": next_after })))
}
