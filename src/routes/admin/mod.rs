//! The admin API (contract §4): thin handlers over [`RegistryService`] and the [`Store`].
//!
//! Mount with `App::new().app_data(web::Data::new(AdminState::new(..))).service(scope())`:
//! [`scope`] is the whole `/admin` scope. Every call authenticates first ([`auth`]), so a call
//! without a valid token answers 401 and does nothing — unknown paths included.

use std::sync::Arc;

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, Scope, web};
use bytes::Bytes;
use serde::de::DeserializeOwned;

use crate::config::Settings;
use crate::engine::Engine;
use crate::registry::RegistryService;
use crate::store::Store;

pub mod audit;
pub mod auth;
pub mod check;
pub mod dead_letters;
pub mod deliveries;
pub mod errors;
pub mod import_export;
pub mod incidents;
pub mod lookup;
pub mod officials;
pub mod openapi;

pub use auth::{AdminTokens, Caller, Writer};
pub use check::{Checker, EngineChecker};
pub use errors::ApiError;

/// Largest JSON body of a single call (an official, a check).
pub const MAX_JSON_BODY: usize = 64 * 1024;
/// Largest import file (10,000 rows take about 2 MiB).
pub const MAX_IMPORT_BODY: usize = 32 * 1024 * 1024;

/// What the admin handlers need; register it as `web::Data<AdminState>`.
#[derive(Clone)]
pub struct AdminState {
    /// Registry reads and writes.
    pub registry: RegistryService,
    /// The store, for dead letters, incidents and the sign-in brake.
    pub store: Arc<dyn Store>,
    /// Accepted tokens.
    pub tokens: AdminTokens,
    /// The verification engine for `POST /admin/check`.
    pub checker: Arc<dyn Checker>,
}

impl AdminState {
    /// Build from the store and the settings (`ASLI_ADMIN_TOKEN`, `ASLI_ADMIN_TOKENS`,
    /// `ASLI_HOME_REGION`); `/admin/check` uses a fresh [`Engine`] until
    /// [`AdminState::with_checker`] installs another (the app installs the worker's).
    pub fn new(store: Arc<dyn Store>, settings: &Settings) -> AdminState {
        AdminState {
            registry: RegistryService::new(store.clone(), settings.home_region),
            checker: Arc::new(check::EngineChecker::new(
                Arc::new(Engine::new(settings.home_region)),
                store.clone(),
            )),
            store,
            tokens: AdminTokens::new(&settings.admin_token, settings.admin_tokens.clone()),
        }
    }

    /// Use `checker` for `/admin/check` (e.g. the analyzer the worker already keeps current).
    pub fn with_checker(mut self, checker: Arc<dyn Checker>) -> AdminState {
        self.checker = checker;
        self
    }
}

/// The `/admin` scope with every admin route.
pub fn scope() -> Scope {
    // Literal paths (`import`, `export`) are registered before `{id}` so they win.
    openapi::routes(web::scope("/admin"))
        .app_data(web::QueryConfig::default().error_handler(|e, _| {
            ApiError::new(
                StatusCode::BAD_REQUEST,
                "bad_query",
                format!("the query string is not valid: {e}"),
            )
            .into()
        }))
        .app_data(web::PathConfig::default().error_handler(|e, _| {
            ApiError::bad_request(format!("the path is not valid: {e}")).into()
        }))
        .route("/officials/import", web::post().to(import_export::import))
        .route("/officials/export", web::get().to(import_export::export))
        .route("/officials", web::post().to(officials::create))
        .route("/officials", web::get().to(officials::list))
        .route("/officials/{id}", web::get().to(officials::get))
        .route("/officials/{id}", web::patch().to(officials::update))
        .route("/officials/{id}", web::delete().to(officials::retire))
        .route("/check", web::post().to(check::check))
        .route("/lookup/{phone}", web::get().to(lookup::lookup))
        .route("/audit", web::get().to(audit::list))
        .route("/incidents", web::get().to(incidents::list))
        .route("/dead-letters", web::get().to(dead_letters::list))
        .route(
            "/dead-letters/{id}/retry",
            web::post().to(dead_letters::retry),
        )
        .route("/deliveries/{wamid}", web::get().to(deliveries::get))
        .default_service(web::to(not_found))
}

/// Unknown admin paths: authenticate first (401 stays 401), then a JSON 404.
async fn not_found(_caller: Caller, req: HttpRequest) -> Result<HttpResponse, ApiError> {
    Err(ApiError::new(
        StatusCode::NOT_FOUND,
        "not_found",
        format!("no admin call {} {}", req.method(), req.path()),
    ))
}

/// Read a request body of at most `limit` bytes (413 above).
pub async fn read_body(payload: web::Payload, limit: usize) -> Result<Bytes, ApiError> {
    match payload.to_bytes_limited(limit).await {
        Ok(Ok(bytes)) => Ok(bytes),
        Ok(Err(e)) => Err(ApiError::bad_request(format!(
            "the body could not be read: {e}"
        ))),
        Err(_) => Err(ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "body_too_large",
            format!("the body is larger than {limit} bytes"),
        )),
    }
}

/// Read a JSON body into `T`: 415 unless `application/json`, 413 when too big, 400 when not
/// JSON, 422 when JSON of the wrong shape (unknown field, wrong type).
pub async fn read_json<T: DeserializeOwned>(
    req: &HttpRequest,
    payload: web::Payload,
) -> Result<T, ApiError> {
    let content_type = req
        .headers()
        .get(actix_web::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let essence = content_type.split(';').next().unwrap_or("").trim();
    if !essence.eq_ignore_ascii_case("application/json") {
        return Err(ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
            "send the body as application/json",
        ));
    }
    let body = read_body(payload, MAX_JSON_BODY).await?;
    serde_json::from_slice(&body).map_err(|e| ApiError::from_json(&e))
}
