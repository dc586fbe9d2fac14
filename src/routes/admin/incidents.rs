//! `GET /admin/incidents`: numbers reported as impersonating officials.

use actix_web::{HttpResponse, web};
use serde::Deserialize;
use serde_json::json;

use super::openapi::ErrorBody;
use super::{AdminState, ApiError, Caller};

/// Query of the incident list.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct IncidentQuery {
    /// The previous page's `next_after` (a number).
    pub after: Option<String>,
    /// Page size, 1 to 500 (default 100).
    #[param(minimum = 1, maximum = 500)]
    pub limit: Option<u64>,
}

#[utoipa::path(get, path = "/admin/incidents", tag = "incidents",
    params(IncidentQuery),
    responses(
        (status = 200, description = "`{items: [Incident], next_after}`", body = serde_json::Value),
        (status = 401, description = "Missing or unknown token", body = ErrorBody),
        (status = 400, description = "Malformed body or query", body = ErrorBody),
        (status = 429, description = "Too many failed sign-ins", body = ErrorBody),
        (status = 503, description = "Storage unavailable", body = ErrorBody)
    ))]
/// Incidents ordered by number, with reporter counts and first / last seen.
pub async fn list(
    _caller: Caller,
    state: AdminState,
    query: web::Query<IncidentQuery>,
) -> Result<HttpResponse, ApiError> {
    let limit = super::page_limit(query.limit, 100)?;
    let items = state
        .stores
        .incidents
        .incidents(query.after.as_deref(), limit)
        .await?;
    let next_after = (items.len() == limit)
        .then(|| items.last().map(|i| i.number.clone()))
        .flatten();
    Ok(HttpResponse::Ok().json(json!({ "items": items, "next_after": next_after })))
}
