//! `POST /admin/officials/import` and `GET /admin/officials/export`.

use actix_web::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
use actix_web::{HttpRequest, HttpResponse, web};
use serde::Deserialize;

use super::openapi::ErrorBody;
use super::{AdminState, ApiError, Caller, MAX_IMPORT_BODY, Writer, read_body};

/// Query of the import.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ImportQuery {
    /// `true`: report what would change, write nothing.
    #[serde(default)]
    pub dry_run: bool,
}

#[utoipa::path(post, path = "/admin/officials/import", tag = "import and export",
    params(ImportQuery),
    request_body(content(
        (String = "text/csv"),
        (Vec<crate::registry::NewOfficial> = "application/json")
    ), description = "CSV with the documented columns, or a JSON array of officials (with optional `id`)"),
    responses(
        (status = 200, description = "What was (or, in a dry run, would be) created, updated, unchanged", body = crate::registry::ImportReport),
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
/// Bulk create or update from CSV (`text/csv`) or a JSON array; all or nothing.
pub async fn import(
    Writer(caller): Writer,
    state: AdminState,
    query: web::Query<ImportQuery>,
    req: HttpRequest,
    payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    let content_type = req
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    // Check the format before reading a possibly large body.
    crate::registry::ImportFormat::detect(&content_type)?;
    let body = read_body(payload, MAX_IMPORT_BODY).await?;
    let report = state
        .registry
        .import_file_bytes(&body, &content_type, &caller.name, query.dry_run)
        .await?;
    tracing::info!(
        actor = %caller.name,
        dry_run = report.dry_run,
        created = report.created.len(),
        updated = report.updated.len(),
        unchanged = report.unchanged.len(),
        "registry import"
    );
    Ok(HttpResponse::Ok().json(report))
}

#[utoipa::path(get, path = "/admin/officials/export", tag = "import and export",
    responses(
        (status = 200, description = "The registry as CSV", body = String, content_type = "text/csv"),
        (status = 401, description = "Missing or unknown token", body = ErrorBody),
        (status = 429, description = "Too many failed sign-ins", body = ErrorBody),
        (status = 503, description = "Storage unavailable", body = ErrorBody)
    ))]
/// The whole registry as CSV that the import takes back unchanged.
pub async fn export(_caller: Caller, state: AdminState) -> Result<HttpResponse, ApiError> {
    let csv = state.registry.export_csv().await?;
    Ok(HttpResponse::Ok()
        .insert_header((CONTENT_TYPE, "text/csv; charset=utf-8"))
        .insert_header((CONTENT_DISPOSITION, "attachment; filename=\"registry.csv\""))
        .body(csv))
}
