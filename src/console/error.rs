//! What can go wrong in the console, and the page each shows.
//!
//! Handlers and extractors return a [`ConsoleError`]; [`localize`] (a middleware on the console
//! scope) turns it into a page in the clerk's language. Like the admin API, a 5xx page never
//! shows internals: the cause was logged where the error was made.

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::ServiceResponse;
use actix_web::http::StatusCode;
use actix_web::http::header::LOCATION;
use actix_web::{HttpResponse, ResponseError};
use maud::html;

use super::i18n::{Language, t};
use super::layout;
use crate::registry::RegistryError;
use crate::routes::admin::ApiError;
use crate::store::StoreError;

/// Why a console request could not be served.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConsoleError {
    /// No valid session: sign in first, then come back to `next` (a console page).
    SignIn {
        /// Where to return after signing in.
        next: Option<String>,
        /// A session cookie came, but its session has ended (expired, signed out, token gone).
        ended: bool,
    },
    /// A form without this session's CSRF token: forged, or from an older session.
    BadForm,
    /// A viewer tried to change something.
    ReadOnly,
    /// No such page, official or dead letter.
    NotFound,
    /// Too many failed sign-ins from this address.
    LockedOut,
    /// The request makes no sense; the message says why (English, from the API layer).
    BadRequest(String),
    /// The store does not answer.
    Unavailable,
    /// A bug; logged where it happened.
    Internal,
}

impl std::fmt::Display for ConsoleError {
    /// A short code only: request logging prints this, and a message may quote input.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let code = match self {
            ConsoleError::SignIn { .. } => "sign_in",
            ConsoleError::BadForm => "bad_form",
            ConsoleError::ReadOnly => "read_only",
            ConsoleError::NotFound => "not_found",
            ConsoleError::LockedOut => "locked_out",
            ConsoleError::BadRequest(_) => "bad_request",
            ConsoleError::Unavailable => "unavailable",
            ConsoleError::Internal => "internal",
        };
        f.write_str(code)
    }
}

impl ResponseError for ConsoleError {
    fn status_code(&self) -> StatusCode {
        match self {
            ConsoleError::SignIn { .. } => StatusCode::SEE_OTHER,
            ConsoleError::BadForm | ConsoleError::ReadOnly => StatusCode::FORBIDDEN,
            ConsoleError::NotFound => StatusCode::NOT_FOUND,
            ConsoleError::LockedOut => StatusCode::TOO_MANY_REQUESTS,
            ConsoleError::BadRequest(_) => StatusCode::BAD_REQUEST,
            ConsoleError::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
            ConsoleError::Internal => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// The English page; [`localize`] replaces it with the clerk's language.
    fn error_response(&self) -> HttpResponse {
        self.page(Language::En)
    }
}

impl ConsoleError {
    /// The response for this error in `lang`.
    pub fn page(&self, lang: Language) -> HttpResponse {
        if let ConsoleError::SignIn { next, ended } = self {
            return HttpResponse::SeeOther()
                .insert_header((LOCATION, sign_in_location(next.as_deref(), *ended)))
                .finish();
        }
        let (title, text) = match self {
            ConsoleError::BadForm => ("error-bad-form-title", "error-bad-form"),
            ConsoleError::ReadOnly => ("error-read-only-title", "error-read-only"),
            ConsoleError::NotFound => ("error-not-found-title", "error-not-found"),
            ConsoleError::LockedOut => ("error-locked-out-title", "error-locked-out"),
            ConsoleError::BadRequest(_) => ("error-bad-request-title", "error-bad-request"),
            ConsoleError::Unavailable => ("error-unavailable-title", "error-unavailable"),
            _ => ("error-internal-title", "error-internal"),
        };
        let detail = match self {
            ConsoleError::BadRequest(message) => Some(message.as_str()),
            _ => None,
        };
        let body = html! {
            div.notice.error role="alert" {
                p { (t(lang, text)) }
                @if let Some(d) = detail { p.detail lang="en" { (d) } }
            }
            p { a href="/admin/ui/" { (t(lang, "error-back")) } }
        };
        let mut response = layout::bare_page(
            lang,
            "/admin/ui/",
            &t(lang, title),
            body,
            self.status_code(),
        );
        if *self == ConsoleError::LockedOut {
            response.headers_mut().insert(
                actix_web::http::header::RETRY_AFTER,
                actix_web::http::header::HeaderValue::from(
                    crate::routes::admin::auth::FAILURE_WINDOW.as_secs(),
                ),
            );
        }
        response
    }
}

/// `/admin/ui/sign-in`, with where to return and why the clerk is there.
pub fn sign_in_location(next: Option<&str>, ended: bool) -> String {
    let mut query: Vec<(&str, &str)> = Vec::new();
    if let Some(n) = next {
        query.push(("next", n));
    }
    if ended {
        query.push(("ended", "1"));
    }
    match serde_urlencoded::to_string(&query) {
        Ok(q) if !q.is_empty() => format!("/admin/ui/sign-in?{q}"),
        _ => "/admin/ui/sign-in".to_string(),
    }
}

impl From<ApiError> for ConsoleError {
    /// The admin API's rules decide; the console only shows the outcome. Causes of 5xx were
    /// logged when the `ApiError` was made.
    fn from(e: ApiError) -> ConsoleError {
        match e.status {
            StatusCode::UNAUTHORIZED => ConsoleError::SignIn {
                next: None,
                ended: false,
            },
            StatusCode::FORBIDDEN => ConsoleError::ReadOnly,
            StatusCode::NOT_FOUND => ConsoleError::NotFound,
            StatusCode::TOO_MANY_REQUESTS => ConsoleError::LockedOut,
            StatusCode::SERVICE_UNAVAILABLE => ConsoleError::Unavailable,
            s if s.is_server_error() => ConsoleError::Internal,
            _ => ConsoleError::BadRequest(e.message),
        }
    }
}

impl From<RegistryError> for ConsoleError {
    fn from(e: RegistryError) -> ConsoleError {
        ApiError::from(e).into()
    }
}

impl From<StoreError> for ConsoleError {
    fn from(e: StoreError) -> ConsoleError {
        ApiError::from(e).into()
    }
}

/// After a request: a [`ConsoleError`] from a handler or an extractor becomes its page in the
/// clerk's language `lang` (the error itself cannot know the request). Used as middleware on
/// the console scope.
pub fn localize<B: MessageBody + 'static>(
    lang: Language,
    res: ServiceResponse<B>,
) -> ServiceResponse<BoxBody> {
    let page = res
        .response()
        .error()
        .and_then(|e| e.as_error::<ConsoleError>())
        .map(|e| e.page(lang));
    match page {
        Some(page) => res.into_response(page),
        None => res.map_into_boxed_body(),
    }
}
