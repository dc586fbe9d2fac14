//! Signing in and out, and choosing the language.

use actix_web::http::StatusCode;
use actix_web::http::header::LOCATION;
use actix_web::{HttpRequest, HttpResponse, web};
use maud::html;
use serde::Deserialize;

use crate::console::error::ConsoleError;
use crate::console::form::FormData;
use crate::console::i18n::{self, t};
use crate::console::layout::{self, error_notice};
use crate::console::session::{self, Session};
use crate::routes::admin::{AdminState, auth};

/// Query of the sign-in page.
#[derive(Debug, Default, Deserialize)]
pub struct SignInQuery {
    /// Where to go after signing in.
    #[serde(default)]
    next: Option<String>,
    /// `1`: the previous session has ended.
    #[serde(default)]
    ended: Option<String>,
}

/// Why the sign-in form is shown again.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Refusal {
    None,
    WrongToken,
}

/// `GET /admin/ui/sign-in`: the form (or straight on, when already signed in).
pub async fn form(
    req: HttpRequest,
    query: web::Query<SignInQuery>,
) -> Result<HttpResponse, ConsoleError> {
    let next = query.next.as_deref().and_then(session::safe_next);
    if let Ok(Some(_)) = Session::of(&req).await {
        return Ok(see_other(next.as_deref().unwrap_or("/admin/ui/officials")));
    }
    Ok(render(
        &req,
        next.as_deref(),
        query.ended.is_some(),
        Refusal::None,
    ))
}

/// `POST /admin/ui/sign-in`: check the token behind the API's own brake, start a session.
pub async fn submit(
    req: HttpRequest,
    state: AdminState,
    form: FormData,
) -> Result<HttpResponse, ConsoleError> {
    session::check_sign_in_token(&req, form.csrf())?;
    let next = session::safe_next(form.get("next"));
    let token = form.get("token").trim();
    let presented = Some(token).filter(|t| !t.is_empty());
    let caller = match auth::check_token(&state, &req, presented).await {
        Ok(caller) => caller,
        Err(e) if e.status == StatusCode::UNAUTHORIZED => {
            return Ok(render(&req, next.as_deref(), false, Refusal::WrongToken));
        }
        Err(e) => return Err(e.into()),
    };
    let (_, cookie) = Session::start(&req, &state, token, caller.clone()).await?;
    tracing::info!(actor = %caller.name, "console sign-in");
    let mut response = see_other(next.as_deref().unwrap_or("/admin/ui/officials"));
    response
        .add_cookie(&cookie)
        .map_err(|_| ConsoleError::Internal)?;
    response
        .add_cookie(&session::removal(&req, session::SIGN_IN_COOKIE))
        .map_err(|_| ConsoleError::Internal)?;
    Ok(response)
}

/// `POST /admin/ui/sign-out`: end the session everywhere and forget the cookie.
pub async fn sign_out(
    req: HttpRequest,
    state: AdminState,
    session: Session,
    form: FormData,
) -> Result<HttpResponse, ConsoleError> {
    session.check_csrf(form.csrf())?;
    session.end(&state).await?;
    tracing::info!(actor = %session.caller.name, "console sign-out");
    let mut response = see_other("/admin/ui/sign-in");
    response
        .add_cookie(&session::removal(&req, session::SESSION_COOKIE))
        .map_err(|_| ConsoleError::Internal)?;
    Ok(response)
}

/// Query of the language switch.
#[derive(Debug, Deserialize)]
pub struct LangQuery {
    /// The page to return to.
    #[serde(default)]
    next: Option<String>,
}

/// `GET /admin/ui/lang/{code}`: remember the language for a year, and go back. A plain link
/// (no form): it changes only how this browser shows the console.
pub async fn switch_language(
    req: HttpRequest,
    code: web::Path<String>,
    query: web::Query<LangQuery>,
) -> Result<HttpResponse, ConsoleError> {
    let lang = i18n::parse(&code).ok_or(ConsoleError::NotFound)?;
    let next = query
        .next
        .as_deref()
        .and_then(|n| session::safe_next(n).or_else(|| sign_in_page(n)))
        .unwrap_or_else(|| "/admin/ui/".to_string());
    let year = std::time::Duration::from_secs(365 * 24 * 3600);
    let cookie = session::cookie(&req, i18n::LANG_COOKIE, lang.code().to_string(), Some(year));
    let mut response = see_other(&next);
    response
        .add_cookie(&cookie)
        .map_err(|_| ConsoleError::Internal)?;
    Ok(response)
}

/// The sign-in page itself is a fine place to come back to after a language switch.
fn sign_in_page(next: &str) -> Option<String> {
    (next == "/admin/ui/sign-in" || next.starts_with("/admin/ui/sign-in?"))
        .then(|| next.chars().filter(|c| !c.is_control()).collect::<String>())
}

/// A 303 to `location` (a POST is answered with the page to GET next).
pub fn see_other(location: &str) -> HttpResponse {
    HttpResponse::SeeOther()
        .insert_header((LOCATION, location.to_string()))
        .finish()
}

fn render(req: &HttpRequest, next: Option<&str>, ended: bool, refusal: Refusal) -> HttpResponse {
    let lang = i18n::lang_of(req);
    let (csrf, cookie) = session::sign_in_token(req);
    let refused = refusal == Refusal::WrongToken;
    let body = html! {
        @if ended { div.notice.warn role="status" { p { (t(lang, "sign-in-ended")) } } }
        @if refused { (error_notice(&t(lang, "sign-in-wrong-token"))) }
        p { (t(lang, "sign-in-intro")) }
        form.stack method="post" action="/admin/ui/sign-in" {
            input type="hidden" name="csrf" value=(csrf);
            @if let Some(n) = next { input type="hidden" name="next" value=(n); }
            div.field {
                label for="token" { (t(lang, "sign-in-token")) }
                p.hint #token-hint { (t(lang, "sign-in-token-hint")) }
                input #token type="password" name="token" required
                    autocomplete="current-password" autofocus
                    aria-describedby="token-hint"
                    aria-invalid=[refused.then_some("true")];
            }
            div.actions { button type="submit" { (t(lang, "sign-in-button")) } }
        }
    };
    let status = if refused {
        StatusCode::UNAUTHORIZED
    } else {
        StatusCode::OK
    };
    let here = req
        .uri()
        .path_and_query()
        .map_or("/admin/ui/sign-in", |p| p.as_str());
    let mut response = layout::bare_page(lang, here, &t(lang, "sign-in-title"), body, status);
    if let Some(c) = cookie {
        let _ = response.add_cookie(&c);
    }
    response
}
