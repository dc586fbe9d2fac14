//! The admin API (contract §4): thin handlers over [`RegistryService`] and the [`Store`].
//!
//! [`scope`] is the whole `/admin` scope. Handlers find their [`AdminState`] as app data, or
//! build it from the app's [`AppState`] (the registry service, the tokens, the shared verify
//! engine). Every call authenticates first ([`auth`]), so a call without a valid token answers
//! 401 and does nothing — unknown paths included.

use std::sync::Arc;

use actix_web::http::StatusCode;
use std::future::{Ready, ready};

use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpRequest, HttpResponse, Scope, web};
use bytes::Bytes;
use serde::de::DeserializeOwned;

use crate::app::AppState;
use crate::config::Settings;
use crate::engine::Engine;
use crate::registry::RegistryService;
use crate::store::Stores;

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
    /// The stores, for dead letters, incidents, deliveries and the sign-in brake.
    pub stores: Stores,
    /// Accepted tokens.
    pub tokens: AdminTokens,
    /// The verification engine for `POST /admin/check`.
    pub checker: Arc<dyn Checker>,
}

impl AdminState {
    /// Build from the store and the settings (`ASLI_ADMIN_TOKEN`, `ASLI_ADMIN_TOKENS`,
    /// `ASLI_HOME_REGION`), with a verify engine of its own for `/admin/check`.
    pub fn new(stores: Stores, settings: &Settings) -> AdminState {
        let engine = Arc::new(Engine::new(settings.verify.home_region, stores.clone()));
        AdminState::with_engine(stores, settings, engine)
    }

    /// Build over the app's shared state, using its verify engine.
    pub fn from_app(app: &AppState) -> AdminState {
        AdminState::with_engine(app.stores.clone(), &app.settings, app.engine.clone())
    }

    fn with_engine(stores: Stores, settings: &Settings, engine: Arc<Engine>) -> AdminState {
        AdminState {
            registry: RegistryService::new(stores.clone(), settings.verify.home_region),
            checker: Arc::new(check::EngineChecker::new(engine)),
            stores,
            tokens: AdminTokens::new(&settings.admin.token, settings.admin.tokens.clone()),
        }
    }

    /// Use `checker` for `/admin/check`.
    pub fn with_checker(mut self, checker: Arc<dyn Checker>) -> AdminState {
        self.checker = checker;
        self
    }

    /// The state for `req`: a registered `web::Data<AdminState>` first, else one built from
    /// `web::Data<AppState>` (cheap: shared handles and a hash of the bootstrap token).
    pub fn of(req: &HttpRequest) -> Result<AdminState, ApiError> {
        if let Some(state) = req.app_data::<web::Data<AdminState>>() {
            return Ok(state.get_ref().clone());
        }
        req.app_data::<web::Data<AppState>>()
            .map(|app| AdminState::from_app(app))
            .ok_or_else(|| ApiError::internal(&"neither AdminState nor AppState is app data"))
    }
}

impl FromRequest for AdminState {
    type Error = ApiError;
    type Future = Ready<Result<AdminState, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(AdminState::of(req))
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
        .service(resource("/officials/import", "POST").route(web::post().to(import_export::import)))
        .service(resource("/officials/export", "GET").route(web::get().to(import_export::export)))
        .service(
            resource("/officials", "GET, POST")
                .route(web::post().to(officials::create))
                .route(web::get().to(officials::list)),
        )
        .service(
            resource("/officials/{id}", "GET, PATCH, DELETE")
                .route(web::get().to(officials::get))
                .route(web::patch().to(officials::update))
                .route(web::delete().to(officials::retire)),
        )
        .service(resource("/check", "POST").route(web::post().to(check::check)))
        .service(resource("/lookup/{phone}", "GET").route(web::get().to(lookup::lookup)))
        .service(resource("/audit", "GET").route(web::get().to(audit::list)))
        .service(resource("/incidents", "GET").route(web::get().to(incidents::list)))
        .service(resource("/dead-letters", "GET").route(web::get().to(dead_letters::list)))
        .service(
            resource("/dead-letters/{id}/retry", "POST").route(web::post().to(dead_letters::retry)),
        )
        .route("/deliveries/{wamid}", web::get().to(deliveries::get))
        .default_service(web::to(not_found))
}

/// A resource whose other methods answer a JSON 405 with `Allow` (after authentication).
fn resource(path: &str, allow: &'static str) -> actix_web::Resource {
    web::resource(path).default_service(web::to(move |caller: Caller, req: HttpRequest| {
        method_not_allowed(caller, req, allow)
    }))
}

async fn method_not_allowed(
    _caller: Caller,
    req: HttpRequest,
    allow: &'static str,
) -> HttpResponse {
    let e = ApiError::new(
        StatusCode::METHOD_NOT_ALLOWED,
        "method_not_allowed",
        format!(
            "{} is not allowed on {}; use {allow}",
            req.method(),
            req.path()
        ),
    );
    let mut response = actix_web::ResponseError::error_response(&e);
    if let Ok(value) = actix_web::http::header::HeaderValue::from_str(allow) {
        response
            .headers_mut()
            .insert(actix_web::http::header::ALLOW, value);
    }
    response
}

/// A page size from a query: 1 to 500, `default` when absent; anything else is a 400.
pub fn page_limit(limit: Option<u64>, default: usize) -> Result<usize, ApiError> {
    match limit {
        None => Ok(default),
        Some(n @ 1..=500) => Ok(n as usize),
        Some(_) => Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            "bad_query",
            "limit must be a whole number from 1 to 500",
        )),
    }
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
