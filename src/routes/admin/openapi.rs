//! The admin API's OpenAPI description, generated from the handlers' annotations
//! (`utoipa`), served at `/admin/openapi.json`, and a docs page at `/admin/docs` that needs no
//! network: its HTML and script are compiled into the binary.

use actix_web::http::header::CONTENT_TYPE;
use actix_web::{HttpResponse, web};
use serde::Serialize;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi, ToSchema};

use super::{
    Caller, audit, check, dead_letters, deliveries, import_export, incidents, lookup, officials,
};

/// The error shape of every admin call (documentation only).
#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorBody {
    /// The error.
    pub error: ErrorDetail,
}

/// Inside [`ErrorBody`].
#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorDetail {
    /// Stable machine-readable code: `validation_failed`, `number_taken`, `stale`, ...
    pub code: String,
    /// What happened and what to do, for a person.
    pub message: String,
    /// Structured details: `{"fields": [...]}`, `{"rows": [...]}`, the conflicting official.
    pub details: serde_json::Value,
}

/// The admin API description.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "asli admin API",
        description = "Keep the registry of official numbers current. Every call needs `Authorization: Bearer <token>`. See docs/ADMIN_API.md."
    ),
    paths(
        officials::create, officials::list, officials::get, officials::update, officials::retire,
        import_export::import, import_export::export,
        check::check, lookup::lookup, audit::list, incidents::list,
        dead_letters::list, dead_letters::retry, deliveries::get,
    ),
    components(schemas(
        ErrorBody, ErrorDetail, crate::registry::FieldError, crate::registry::RowError,
    )),
    modifiers(&BearerAuth),
    security(("bearer" = [])),
)]
pub struct AdminApiDoc;

/// Adds the bearer-token security scheme.
struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}

/// `GET /admin/openapi.json` (token required, like every admin call).
pub async fn spec(_caller: Caller) -> HttpResponse {
    HttpResponse::Ok().json(AdminApiDoc::openapi())
}

/// `GET /admin/docs`: a self-contained page that asks for a token, fetches the spec with it
/// and renders it. The page holds no registry data, so it is the one admin path served
/// without a token.
pub async fn docs_page() -> HttpResponse {
    HttpResponse::Ok()
        .insert_header((CONTENT_TYPE, "text/html; charset=utf-8"))
        .insert_header((
            "Content-Security-Policy",
            "default-src 'self'; script-src 'unsafe-inline'; style-src 'unsafe-inline'",
        ))
        .body(include_str!("docs.html"))
}

/// Register `openapi.json` and `docs` on the admin scope.
pub fn routes(scope: actix_web::Scope) -> actix_web::Scope {
    scope
        .service(web::resource("/openapi.json").route(web::get().to(spec)))
        .service(web::resource("/docs").route(web::get().to(docs_page)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_spec_describes_every_admin_call_with_bearer_auth() {
        let spec = serde_json::to_value(AdminApiDoc::openapi()).unwrap();
        let paths = spec["paths"].as_object().unwrap();
        for p in [
            "/admin/officials",
            "/admin/officials/{id}",
            "/admin/officials/import",
            "/admin/officials/export",
            "/admin/check",
            "/admin/lookup/{phone}",
            "/admin/audit",
            "/admin/incidents",
            "/admin/dead-letters",
            "/admin/dead-letters/{id}/retry",
        ] {
            assert!(paths.contains_key(p), "{p} missing");
        }
        assert_eq!(
            spec["components"]["securitySchemes"]["bearer"]["scheme"],
            "bearer"
        );
        assert!(spec["components"]["schemas"]["Official"].is_object());
    }
}
