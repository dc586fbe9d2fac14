//! `GET /admin/audit`: the append-only log of registry writes. Read-only: the API has no call
//! that changes or deletes an entry.

use actix_web::{HttpResponse, web};
use serde::Deserialize;

use super::openapi::ErrorBody;
use super::{AdminState, ApiError, Caller};
use crate::registry::AuditFilter;

/// Query of the audit log.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct AuditQuery {
    /// Entries after this `seq` (the previous page's `next_after`); 0 = from the start.
    #[serde(default)]
    #[param(minimum = 0)]
    pub after: u64,
    /// Page size, 1 to 500 (default 100).
    #[param(minimum = 1, maximum = 500)]
    pub limit: Option<u64>,
    /// Only this actor.
    pub actor: Option<String>,
    /// Only this official.
    pub official_id: Option<String>,
    /// Only this action.
    pub action: Option<String>,
}

#[utoipa::path(get, path = "/admin/audit", tag = "audit",
    params(AuditQuery),
    responses(
        (status = 200, description = "Audit entries, oldest first", body = crate::registry::AuditPage),
        (status = 401, description = "Missing or unknown token", body = ErrorBody),
        (status = 400, description = "Malformed body or query", body = ErrorBody),
        (status = 429, description = "Too many failed sign-ins", body = ErrorBody),
        (status = 503, description = "Storage unavailable", body = ErrorBody)
    ))]
/// Entries oldest first, filtered, paged by `after`.
pub async fn list(
    _caller: Caller,
    state: AdminState,
    query: web::Query<AuditQuery>,
) -> Result<HttpResponse, ApiError> {
    let q = query.into_inner();
    let filter = AuditFilter {
        actor: q.actor,
        official_id: q.official_id,
        action: q.action,
    };
    let page = state
        .registry
        .audit(&filter, q.after, super::page_limit(q.limit, 100)?)
        .await?;
    Ok(HttpResponse::Ok().json(page))
}
