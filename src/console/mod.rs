//! The admin console: the registry kept in a browser, at `/admin/ui/` wherever `/admin` is
//! served.
//!
//! Pages are rendered on the server ([`maud`]); forms are plain HTML forms that work without
//! script, and the one small script ([`assets`]) only adds conveniences. Every rule is the admin
//! API's: handlers call the same [`crate::registry::RegistryService`], store and verify engine
//! ([`crate::routes::admin::AdminState`]), sign-in goes through the API's token check and its
//! lock-out, writes need the `admin` role, and the audit actor is the token's name.
//!
//! - [`session`]: server-side sessions in the store, cookies, CSRF tokens.
//! - [`layout`]: the page around every page; [`i18n`]: English and Hindi texts
//!   (`locales/ui.*.ftl`); [`problems`]: field problems in the clerk's language.
//! - [`pages`]: the pages; [`error`]: what a failure shows.
//!
//! Responses carry a strict Content-Security-Policy (scripts and styles from this origin's
//! files only, no inline code), are not cached, and may not be framed.

use actix_web::http::header::{self, HeaderValue};
use actix_web::middleware::DefaultHeaders;
use actix_web::{HttpResponse, Scope, dev::Service as _, web};

pub mod assets;
pub mod error;
pub mod form;
pub mod i18n;
pub mod layout;
pub mod pages;
pub mod problems;
pub mod session;

use error::ConsoleError;
use pages::{check, import, official, officials, records, sign_in, status};

/// The console's Content-Security-Policy: nothing but this origin's own files, no inline
/// script or style, forms only to this origin, never inside a frame.
pub const CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; \
     connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

/// The `/ui` scope, mounted inside `/admin`.
pub fn scope() -> Scope<
    impl actix_web::dev::ServiceFactory<
        actix_web::dev::ServiceRequest,
        Config = (),
        Response = actix_web::dev::ServiceResponse<actix_web::body::BoxBody>,
        Error = actix_web::Error,
        InitError = (),
    >,
> {
    web::scope("/ui")
        .app_data(web::QueryConfig::default().error_handler(|e, _| {
            ConsoleError::BadRequest(format!("the address is not valid: {e}")).into()
        }))
        .app_data(web::PathConfig::default().error_handler(|_, _| ConsoleError::NotFound.into()))
        // Inner: errors become pages; outer: every response, error pages included, gets the
        // security headers.
        .wrap_fn(|req, srv| {
            let lang = i18n::lang_of(req.request());
            let fut = srv.call(req);
            async move { Ok(error::localize(lang, fut.await?)) }
        })
        .wrap(security_headers())
        .route("", web::get().to(home))
        .route("/", web::get().to(home))
        .route("/static/{file}", web::get().to(assets::serve))
        .route("/sign-in", web::get().to(sign_in::form))
        .route("/sign-in", web::post().to(sign_in::submit))
        .route("/sign-out", web::post().to(sign_in::sign_out))
        .route("/lang/{code}", web::get().to(sign_in::switch_language))
        .route("/officials", web::get().to(officials::list))
        .route("/officials", web::post().to(officials::create))
        .route("/officials/new", web::get().to(officials::new_form))
        .route("/officials/{id}", web::get().to(official::show))
        .route("/officials/{id}", web::post().to(official::update))
        .route("/officials/{id}/retire", web::post().to(official::retire))
        .route("/import", web::get().to(import::page))
        .route("/import", web::post().to(import::preview))
        .route("/import/apply", web::post().to(import::apply))
        .route("/export", web::get().to(import::export))
        .route("/check", web::get().to(check::page))
        .route("/check", web::post().to(check::submit))
        .route("/incidents", web::get().to(records::incidents))
        .route("/audit", web::get().to(records::audit))
        .route("/dead-letters", web::get().to(records::dead_letters))
        .route("/dead-letters/{id}/retry", web::post().to(records::retry))
        .route("/status", web::get().to(status::page))
        .default_service(web::to(not_found))
}

fn security_headers() -> DefaultHeaders {
    DefaultHeaders::new()
        .add((
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(CSP),
        ))
        .add((
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .add((header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY")))
        .add((
            header::REFERRER_POLICY,
            HeaderValue::from_static("same-origin"),
        ))
        // Pages show the registry and carry CSRF tokens: never kept by a browser or a proxy.
        .add((header::CACHE_CONTROL, HeaderValue::from_static("no-store")))
}

/// `/admin/ui` and `/admin/ui/`: the officials table.
async fn home() -> HttpResponse {
    sign_in::see_other("/admin/ui/officials")
}

/// Unknown console paths: signed in → "not found"; else sign in first.
async fn not_found(_session: session::Session) -> Result<HttpResponse, ConsoleError> {
    Err(ConsoleError::NotFound)
}
