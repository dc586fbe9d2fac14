//! The page around every console page: head, navigation, language switch, sign-out; and the
//! small pieces many pages share (CSRF field, notices, times, query strings).
//!
//! Pages carry no inline script or style: CSS and JS come from [`super::assets`], so the
//! Content-Security-Policy can forbid everything else.

use actix_web::http::StatusCode;
use actix_web::{FromRequest, HttpRequest, HttpResponse, dev::Payload};
use maud::{DOCTYPE, Markup, html};
use std::future::Future;
use std::pin::Pin;
use time::OffsetDateTime;

use super::assets;
use super::error::ConsoleError;
use super::i18n::{self, Language, t};
use super::session::Session;

/// The navigation: path under `/admin/ui/` and the text id of its label.
const NAV: [(&str, &str); 7] = [
    ("officials", "nav-officials"),
    ("import", "nav-import"),
    ("check", "nav-check"),
    ("incidents", "nav-incidents"),
    ("audit", "nav-audit"),
    ("dead-letters", "nav-dead-letters"),
    ("status", "nav-status"),
];

/// A signed-in request: the session, the clerk's language and the page asked for.
pub struct Ctx {
    /// Who is signed in.
    pub session: Session,
    /// The console's language for this clerk.
    pub lang: Language,
    /// Path and query of this request (the language switch comes back to it).
    pub here: String,
}

impl FromRequest for Ctx {
    type Error = ConsoleError;
    type Future = Pin<Box<dyn Future<Output = Result<Ctx, ConsoleError>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let session = Session::from_request(req, payload);
        let lang = i18n::lang_of(req);
        let here = req
            .uri()
            .path_and_query()
            .map(|p| p.as_str().to_string())
            .unwrap_or_else(|| req.path().to_string());
        Box::pin(async move {
            Ok(Ctx {
                session: session.await?,
                lang,
                here,
            })
        })
    }
}

impl Ctx {
    /// The text of `id` in the clerk's language.
    pub fn t(&self, id: &str) -> String {
        t(self.lang, id)
    }

    /// A full page, 200.
    pub fn page(&self, title: &str, body: Markup) -> HttpResponse {
        self.page_with(StatusCode::OK, title, body)
    }

    /// A full page with `status` (a form with errors is 422, a conflict 409).
    pub fn page_with(&self, status: StatusCode, title: &str, body: Markup) -> HttpResponse {
        let l = self.lang;
        let active = self
            .here
            .trim_start_matches("/admin/ui/")
            .split(['/', '?'])
            .next()
            .unwrap_or("");
        let chrome = html! {
            a.skip href="#main" { (t(l, "skip-to-content")) }
            header.top {
                a.brand href="/admin/ui/" { "asli" span.brand-sub { (t(l, "brand-sub")) } }
                nav aria-label=(t(l, "nav-label")) {
                    ul {
                        @for (path, label) in NAV {
                            li {
                                @if path == active {
                                    a href={ "/admin/ui/" (path) } aria-current="page" { (t(l, label)) }
                                } @else {
                                    a href={ "/admin/ui/" (path) } { (t(l, label)) }
                                }
                            }
                        }
                    }
                }
                div.who {
                    span { (self.session.caller.name) " · "
                        (t(l, if self.session.may_write() { "role-admin" } else { "role-viewer" })) }
                    (lang_switch(l, &self.here))
                    form method="post" action="/admin/ui/sign-out" {
                        (csrf_field(&self.session))
                        button.link type="submit" { (t(l, "sign-out")) }
                    }
                }
            }
        };
        render(l, title, Some(chrome), body, status)
    }
}

/// A page without navigation (sign-in, errors); the language switch comes back to `here`.
pub fn bare_page(
    lang: Language,
    here: &str,
    title: &str,
    body: Markup,
    status: StatusCode,
) -> HttpResponse {
    let chrome = html! {
        header.top {
            a.brand href="/admin/ui/" { "asli" span.brand-sub { (t(lang, "brand-sub")) } }
            div.who { (lang_switch(lang, here)) }
        }
    };
    render(lang, title, Some(chrome), body, status)
}

fn render(
    lang: Language,
    title: &str,
    chrome: Option<Markup>,
    body: Markup,
    status: StatusCode,
) -> HttpResponse {
    let markup = html! {
        (DOCTYPE)
        html lang=(lang.code()) {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) " — asli" }
                link rel="stylesheet" href=(assets::CSS_PATH);
                script src=(assets::JS_PATH) defer {}
            }
            body {
                @if let Some(c) = chrome { (c) }
                main #main tabindex="-1" {
                    h1 { (title) }
                    (body)
                }
            }
        }
    };
    HttpResponse::build(status)
        .content_type("text/html; charset=utf-8")
        .body(markup.into_string())
}

/// The link to the other language, coming back to `here`.
fn lang_switch(lang: Language, here: &str) -> Markup {
    let other = i18n::other(lang);
    let href = format!(
        "/admin/ui/lang/{}?{}",
        other.code(),
        query(&[("next", here)])
    );
    html! {
        a.lang href=(href) lang=(other.code()) hreflang=(other.code()) {
            (t(other, "language-name"))
        }
    }
}

/// The hidden CSRF field every form of a signed-in page carries.
pub fn csrf_field(session: &Session) -> Markup {
    html! { input type="hidden" name="csrf" value=(session.csrf()); }
}

/// A success notice (`role=status`: read out without taking focus).
pub fn done_notice(text: &str) -> Markup {
    html! { div.notice.ok role="status" { p { (text) } } }
}

/// An error notice (`role=alert`).
pub fn error_notice(text: &str) -> Markup {
    html! { div.notice.error role="alert" { p { (text) } } }
}

/// `key=value&...`, percent-encoded, skipping empty values.
pub fn query(pairs: &[(&str, &str)]) -> String {
    let kept: Vec<(&str, &str)> = pairs
        .iter()
        .filter(|(_, v)| !v.is_empty())
        .copied()
        .collect();
    serde_urlencoded::to_string(&kept).unwrap_or_default()
}

/// A time as clerks read it: `2026-11-28 14:03 UTC`.
pub fn when(t: OffsetDateTime) -> String {
    let f = time::macros::format_description!("[year]-[month]-[day] [hour]:[minute] UTC");
    t.to_offset(time::UtcOffset::UTC)
        .format(&f)
        .unwrap_or_default()
}

/// A unix second as [`when`] shows it.
pub fn when_unix(secs: u64) -> String {
    i64::try_from(secs)
        .ok()
        .and_then(|s| OffsetDateTime::from_unix_timestamp(s).ok())
        .map(when)
        .unwrap_or_default()
}
