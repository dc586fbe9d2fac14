//! Check a message: the verdict and the reply exactly as the bot would send them, from the
//! same engine the worker uses (through the admin API's [`crate::routes::admin::Checker`]).

use actix_web::HttpResponse;
use actix_web::http::StatusCode;
use maud::{Markup, html};
use serde_json::Value;

use crate::console::error::ConsoleError;
use crate::console::form::FormData;
use crate::console::i18n::{Language, t, t_opt};
use crate::console::layout::{Ctx, csrf_field};
use crate::console::problems;
use crate::registry::RegistryError;
use crate::routes::admin::AdminState;
use crate::routes::admin::check::check_phone;

/// Longest message checked (a forwarded chat is far shorter).
const MAX_TEXT: usize = 16 * 1024;

/// `GET /admin/ui/check`.
pub async fn page(ctx: Ctx) -> Result<HttpResponse, ConsoleError> {
    Ok(render(&ctx, "", "", None, None, StatusCode::OK))
}

/// `POST /admin/ui/check`: a read, but posted: the text may be long and must stay out of URLs
/// and logs.
pub async fn submit(
    ctx: Ctx,
    state: AdminState,
    form: FormData,
) -> Result<HttpResponse, ConsoleError> {
    ctx.session.check_csrf(form.csrf())?;
    let text = form.get("text");
    let phone = form.get("phone").trim();
    let l = ctx.lang;
    let problem = if text.trim().is_empty() && phone.is_empty() {
        Some(("text", t(l, "check-empty")))
    } else if text.chars().count() > MAX_TEXT {
        Some(("text", t(l, "check-too-long")))
    } else {
        match check_phone(Some(phone), state.registry.home()) {
            Ok(()) => None,
            Err(RegistryError::Validation(p)) => p
                .first()
                .map(|e| ("phone", problems::describe(l, &e.message))),
            Err(e) => return Err(e.into()),
        }
    };
    if let Some(p) = problem {
        return Ok(render(
            &ctx,
            text,
            phone,
            Some(p),
            None,
            StatusCode::UNPROCESSABLE_ENTITY,
        ));
    }
    let analysis = state
        .checker
        .check(text, Some(phone).filter(|p| !p.is_empty()))
        .await?;
    Ok(render(
        &ctx,
        text,
        phone,
        None,
        Some(&analysis),
        StatusCode::OK,
    ))
}

fn render(
    ctx: &Ctx,
    text: &str,
    phone: &str,
    problem: Option<(&str, String)>,
    analysis: Option<&Value>,
    status: StatusCode,
) -> HttpResponse {
    let l = ctx.lang;
    let error_of = |field: &str| {
        problem
            .as_ref()
            .filter(|(f, _)| *f == field)
            .map(|(_, m)| m.clone())
    };
    let (text_error, phone_error) = (error_of("text"), error_of("phone"));
    let body = html! {
        p { (t(l, "check-intro")) }
        form.stack method="post" action="/admin/ui/check" novalidate {
            (csrf_field(&ctx.session))
            div.field {
                label for="text" { (t(l, "check-text")) }
                p.hint #text-hint { (t(l, "check-text-hint")) }
                textarea #text name="text" rows="6" aria-describedby="text-hint"
                    aria-invalid=[text_error.is_some().then_some("true")] { (text) }
                @if let Some(e) = &text_error { p.field-error role="alert" { (e) } }
            }
            div.field {
                label for="phone" { (t(l, "check-phone")) }
                p.hint #phone-hint { (t(l, "check-phone-hint")) }
                input #phone type="text" name="phone" value=(phone) inputmode="tel"
                    aria-describedby="phone-hint"
                    aria-invalid=[phone_error.is_some().then_some("true")];
                @if let Some(e) = &phone_error { p.field-error role="alert" { (e) } }
            }
            div.actions { button type="submit" { (t(l, "check-button")) } }
        }
        @if let Some(a) = analysis { (result(l, a)) }
    };
    ctx.page_with(status, &t(l, "check-title"), body)
}

/// The verdict, the reply as sent, and what the engine found.
fn result(l: Language, a: &Value) -> Markup {
    let verdict = a["verdict"].as_str().unwrap_or("");
    let reply = a["reply"].as_str().unwrap_or("");
    let headline = reply.lines().next().unwrap_or(verdict);
    html! {
        section #result aria-labelledby="result-heading" tabindex="-1" data-focus-on-load {
            h2 #result-heading { (t(l, "check-result")) }
            p.verdict { span class={ "badge " (verdict) } #verdict { (headline) } }
            @if let Some(explain) = t_opt(l, &format!("verdict-{verdict}")) { p { (explain) } }
            h3 { (t(l, "check-reply")) }
            pre.reply #reply lang=(a["language"].as_str().unwrap_or("en")) { (reply) }
            button.secondary type="button" data-copy="reply" data-copied=(t(l, "check-copied")) hidden {
                (t(l, "check-copy"))
            }
            @if let Some(numbers) = a["numbers"].as_array().filter(|n| !n.is_empty()) {
                h3 { (t(l, "check-numbers")) }
                div.table-wrap { table {
                    thead { tr {
                        th scope="col" { (t(l, "check-number")) }
                        th scope="col" { (t(l, "check-country")) }
                        th scope="col" { (t(l, "field-status")) }
                        th scope="col" { (t(l, "check-official")) }
                    } }
                    tbody {
                        @for n in numbers { (number_row(l, n)) }
                    }
                } }
            }
            @if let Some(signals) = a["signals"].as_array().filter(|s| !s.is_empty()) {
                h3 { (t(l, "check-signals")) }
                ul {
                    @for s in signals {
                        @let code = s["code"].as_str().unwrap_or("");
                        li {
                            (t_opt(l, &format!("signal-{code}")).unwrap_or_else(|| code.to_string()))
                            @if let Some(snippet) = s["snippet"].as_str().filter(|x| !x.is_empty()) {
                                " — " q { (snippet) }
                            }
                        }
                    }
                }
            }
        }
    }
}

fn number_row(l: Language, n: &Value) -> Markup {
    let status = n["status"].as_str().unwrap_or("");
    html! {
        tr {
            td.num { (n["number"].as_str().unwrap_or("")) }
            td { (n["country"].as_str().unwrap_or("")) }
            td { (t_opt(l, &format!("number-{status}")).unwrap_or_else(|| status.to_string())) }
            td {
                @if let Some(id) = n["official"]["id"].as_str() {
                    a href={ "/admin/ui/officials/" (id) } { (n["official"]["name"].as_str().unwrap_or(id)) }
                }
            }
        }
    }
}
