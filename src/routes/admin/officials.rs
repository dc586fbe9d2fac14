//! `/admin/officials`: create, read, list, change and retire officials.

use actix_web::http::header::{ETAG, IF_MATCH, LOCATION};
use actix_web::{HttpRequest, HttpResponse, web};
use serde::Deserialize;

use super::openapi::ErrorBody;
use super::{AdminState, ApiError, Caller, Writer, read_json};
use crate::registry::OfficialPage;
use crate::registry::{ListFilter, NewOfficial, Official, OfficialPatch, OfficialStatus};

/// Query of `GET /admin/officials`.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ListQuery {
    /// Text searched in names, aliases, designations and organisation.
    pub q: Option<String>,
    /// Only this organisation.
    pub organization: Option<String>,
    /// Only `active` or only `revoked` officials.
    pub status: Option<OfficialStatus>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
    /// Page size, 1 to 500 (default 50).
    #[param(minimum = 1, maximum = 500)]
    pub limit: Option<u64>,
}

fn with_etag(mut builder: actix_web::HttpResponseBuilder, o: &Official) -> HttpResponse {
    builder.insert_header((ETAG, o.etag())).json(o)
}

fn if_match(req: &HttpRequest) -> Result<Option<&str>, ApiError> {
    match req.headers().get(IF_MATCH) {
        None => Ok(None),
        Some(v) => v
            .to_str()
            .map(Some)
            .map_err(|_| ApiError::bad_request("If-Match is not readable text")),
    }
}

#[utoipa::path(post, path = "/admin/officials", tag = "officials",
    request_body = NewOfficial,
    responses(
        (status = 201, description = "Created; `Location` and `ETag` set", body = Official),
        (status = 401, description = "Missing or unknown token", body = ErrorBody),
        (status = 400, description = "Malformed body or query", body = ErrorBody),
        (status = 403, description = "The token may only read", body = ErrorBody),
        (status = 409, description = "A number belongs to another official", body = ErrorBody),
        (status = 413, description = "Body too large", body = ErrorBody),
        (status = 415, description = "Wrong Content-Type", body = ErrorBody),
        (status = 422, description = "Field-level problems, named", body = ErrorBody),
        (status = 429, description = "Too many failed sign-ins", body = ErrorBody),
        (status = 503, description = "Storage unavailable", body = ErrorBody)
    ))]
/// `POST /admin/officials`: 201 with the official, `Location` and `ETag`.
pub async fn create(
    Writer(caller): Writer,
    state: AdminState,
    req: HttpRequest,
    payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    let input: NewOfficial = read_json(&req, payload).await?;
    let o = state.registry.create(&caller.name, input).await?;
    tracing::info!(actor = %caller.name, official = %o.id, "official created");
    let mut b = HttpResponse::Created();
    b.insert_header((LOCATION, format!("/admin/officials/{}", o.id)));
    Ok(with_etag(b, &o))
}

#[utoipa::path(get, path = "/admin/officials", tag = "officials",
    params(ListQuery),
    responses(
        (status = 200, description = "A page of officials", body = OfficialPage),
        (status = 401, description = "Missing or unknown token", body = ErrorBody),
        (status = 400, description = "Malformed body or query", body = ErrorBody),
        (status = 429, description = "Too many failed sign-ins", body = ErrorBody),
        (status = 503, description = "Storage unavailable", body = ErrorBody)
    ))]
/// `GET /admin/officials`: a filtered page, ordered by id.
pub async fn list(
    _caller: Caller,
    state: AdminState,
    query: web::Query<ListQuery>,
) -> Result<HttpResponse, ApiError> {
    let q = query.into_inner();
    let filter = ListFilter {
        q: q.q.filter(|s| !s.trim().is_empty()),
        organization: q.organization.filter(|s| !s.trim().is_empty()),
        status: q.status,
    };
    let page = state
        .registry
        .list(
            &filter,
            q.cursor.as_deref(),
            super::page_limit(q.limit, 50)?,
        )
        .await?;
    Ok(HttpResponse::Ok().json(page))
}

#[utoipa::path(get, path = "/admin/officials/{id}", tag = "officials",
    params(("id" = String, Path, description = "Official id")),
    responses(
        (status = 200, description = "The official; `ETag` set", body = Official),
        (status = 401, description = "Missing or unknown token", body = ErrorBody),
        (status = 404, description = "No such official", body = ErrorBody),
        (status = 429, description = "Too many failed sign-ins", body = ErrorBody),
        (status = 503, description = "Storage unavailable", body = ErrorBody)
    ))]
/// `GET /admin/officials/{id}`: one official with its `ETag`.
pub async fn get(
    _caller: Caller,
    state: AdminState,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let o = state.registry.get(&id).await?;
    Ok(with_etag(HttpResponse::Ok(), &o))
}

#[utoipa::path(patch, path = "/admin/officials/{id}", tag = "officials",
    params(("id" = String, Path, description = "Official id"),
           ("If-Match" = String, Header, description = "The ETag last read")),
    request_body = OfficialPatch,
    responses(
        (status = 200, description = "The changed official; `ETag` set", body = Official),
        (status = 401, description = "Missing or unknown token", body = ErrorBody),
        (status = 400, description = "Malformed body or query", body = ErrorBody),
        (status = 403, description = "The token may only read", body = ErrorBody),
        (status = 404, description = "No such official", body = ErrorBody),
        (status = 409, description = "A number belongs to another official", body = ErrorBody),
        (status = 412, description = "If-Match names an older version", body = ErrorBody),
        (status = 413, description = "Body too large", body = ErrorBody),
        (status = 415, description = "Wrong Content-Type", body = ErrorBody),
        (status = 422, description = "Field-level problems, named", body = ErrorBody),
        (status = 428, description = "If-Match missing", body = ErrorBody),
        (status = 429, description = "Too many failed sign-ins", body = ErrorBody),
        (status = 503, description = "Storage unavailable", body = ErrorBody)
    ))]
/// `PATCH /admin/officials/{id}`: partial update; `If-Match` required (428), 412 when stale.
pub async fn update(
    Writer(caller): Writer,
    state: AdminState,
    id: web::Path<String>,
    req: HttpRequest,
    payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    let tag = if_match(&req)?.map(str::to_string);
    if tag.is_none() {
        // Refuse before reading the body: without If-Match nothing can be done safely.
        return Err(crate::registry::RegistryError::PreconditionRequired.into());
    }
    let patch: OfficialPatch = read_json(&req, payload).await?;
    let o = state
        .registry
        .update(&caller.name, &id, tag.as_deref(), patch)
        .await?;
    tracing::info!(actor = %caller.name, official = %o.id, version = o.version, "official updated");
    Ok(with_etag(HttpResponse::Ok(), &o))
}

#[utoipa::path(delete, path = "/admin/officials/{id}", tag = "officials",
    params(("id" = String, Path, description = "Official id"),
           ("If-Match" = Option<String>, Header, description = "Optional: the ETag last read")),
    responses(
        (status = 200, description = "The retired official (status revoked)", body = Official),
        (status = 401, description = "Missing or unknown token", body = ErrorBody),
        (status = 403, description = "The token may only read", body = ErrorBody),
        (status = 404, description = "No such official", body = ErrorBody),
        (status = 412, description = "If-Match names an older version", body = ErrorBody),
        (status = 429, description = "Too many failed sign-ins", body = ErrorBody),
        (status = 503, description = "Storage unavailable", body = ErrorBody)
    ))]
/// `DELETE /admin/officials/{id}`: retire (status `revoked`); `If-Match` optional.
pub async fn retire(
    Writer(caller): Writer,
    state: AdminState,
    id: web::Path<String>,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    let o = state
        .registry
        .retire(&caller.name, &id, if_match(&req)?)
        .await?;
    tracing::info!(actor = %caller.name, official = %o.id, "official retired");
    Ok(with_etag(HttpResponse::Ok(), &o))
}
