//! The officials table (search, filters, paging) and adding an official.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use maud::{Markup, html};
use serde::Deserialize;

use super::official_form::{FormErrors, OfficialForm, status_text};
use super::sign_in::see_other;
use crate::console::error::ConsoleError;
use crate::console::form::FormData;
use crate::console::i18n::{t, ta};
use crate::console::layout::{Ctx, csrf_field, query};
use crate::registry::{ListFilter, Official, OfficialStatus, RegistryError};
use crate::routes::admin::AdminState;

/// Officials per page.
const PAGE: usize = 25;

/// Query of the table.
#[derive(Debug, Default, Deserialize)]
pub struct ListQuery {
    /// Text searched in names, aliases, posts, organisation; or a number in any form.
    #[serde(default)]
    q: String,
    /// Only this organisation.
    #[serde(default)]
    organization: String,
    /// `active`, `revoked`, or empty for both.
    #[serde(default)]
    status: String,
    /// Where the page starts (the last id of the previous page).
    #[serde(default)]
    cursor: String,
    /// What was just done (`retired`), for the notice.
    #[serde(default)]
    done: String,
}

/// `GET /admin/ui/officials`.
pub async fn list(
    ctx: Ctx,
    state: AdminState,
    q: web::Query<ListQuery>,
) -> Result<HttpResponse, ConsoleError> {
    let status = match q.status.as_str() {
        "active" => Some(OfficialStatus::Active),
        "revoked" => Some(OfficialStatus::Revoked),
        _ => None,
    };
    let filter = ListFilter {
        q: Some(q.q.trim().to_string()).filter(|s| !s.is_empty()),
        organization: Some(q.organization.trim().to_string()).filter(|s| !s.is_empty()),
        status,
    };
    let cursor = Some(q.cursor.as_str()).filter(|c| !c.is_empty());
    let page = state.registry.list(&filter, cursor, PAGE).await?;
    let l = ctx.lang;
    let filters = [
        ("q", q.q.as_str()),
        ("organization", q.organization.as_str()),
        ("status", q.status.as_str()),
    ];
    let next_href = page.next_cursor.as_deref().map(|next| {
        let mut with_cursor = filters.to_vec();
        with_cursor.push(("cursor", next));
        format!("/admin/ui/officials?{}", query(&with_cursor))
    });
    let body = html! {
        @if q.done == "retired" { (crate::console::layout::done_notice(&t(l, "done-retired"))) }
        div.actions {
            @if ctx.session.may_write() {
                a.button href="/admin/ui/officials/new" { (t(l, "officials-add")) }
                a.button.secondary href="/admin/ui/import" { (t(l, "nav-import")) }
            }
            a.button.secondary href="/admin/ui/export" download { (t(l, "officials-export")) }
        }
        form.filters method="get" action="/admin/ui/officials" role="search" {
            div.field {
                label for="q" { (t(l, "officials-search")) }
                input #q type="search" name="q" value=(q.q) aria-describedby="q-hint";
                p.hint #q-hint { (t(l, "officials-search-hint")) }
            }
            div.field {
                label for="organization" { (t(l, "field-organization")) }
                input #organization type="text" name="organization" value=(q.organization);
            }
            div.field {
                label for="status" { (t(l, "field-status")) }
                select #status name="status" {
                    option value="" selected[q.status.is_empty()] { (t(l, "status-any")) }
                    option value="active" selected[q.status == "active"] { (t(l, "status-active")) }
                    option value="revoked" selected[q.status == "revoked"] { (t(l, "status-revoked")) }
                }
            }
            div.field { button type="submit" { (t(l, "officials-filter")) } }
        }
        @if page.items.is_empty() {
            p { (t(l, "officials-none")) }
        } @else {
            div.table-wrap {
                table {
                    caption.small { (ta(l, "officials-shown", &[("count", page.items.len().into())])) }
                    thead { tr {
                        th scope="col" { (t(l, "field-name")) }
                        th scope="col" { (t(l, "field-designation")) }
                        th scope="col" { (t(l, "field-organization")) }
                        th scope="col" { (t(l, "field-phones")) }
                        th scope="col" { (t(l, "field-status")) }
                    } }
                    tbody {
                        @for o in &page.items { (row(&ctx, o)) }
                    }
                }
            }
        }
        nav.actions aria-label=(t(l, "paging")) {
            @if cursor.is_some() {
                a href={ "/admin/ui/officials?" (query(&filters)) } { (t(l, "page-first")) }
            }
            @if let Some(href) = &next_href {
                a href=(href) rel="next" { (t(l, "page-next")) }
            }
        }
    };
    Ok(ctx.page(&t(l, "officials-title"), body))
}

fn row(ctx: &Ctx, o: &Official) -> Markup {
    let l = ctx.lang;
    html! {
        tr {
            td {
                a href={ "/admin/ui/officials/" (o.id) } { (o.name) }
                @if !o.aliases.is_empty() { br; span.small { (o.aliases.join(", ")) } }
            }
            td { (o.designation) }
            td { (o.organization) }
            td.num {
                @for (i, p) in o.phones.iter().enumerate() {
                    @if i > 0 { br; }
                    (p.number.as_str()) " " span.small { (p.label) }
                }
            }
            td { span class={ "badge " (o.status.as_str()) } { (t(l, status_text(o.status))) } }
        }
    }
}

/// `GET /admin/ui/officials/new`.
pub async fn new_form(ctx: Ctx) -> Result<HttpResponse, ConsoleError> {
    ctx.session.writer()?;
    Ok(render_new(
        &ctx,
        &OfficialForm::default(),
        &FormErrors::default(),
        StatusCode::OK,
    ))
}

/// `POST /admin/ui/officials`: create through the registry service, as `POST /admin/officials`.
pub async fn create(
    ctx: Ctx,
    state: AdminState,
    form: FormData,
) -> Result<HttpResponse, ConsoleError> {
    let actor = ctx.session.authorize_write(&form)?;
    let typed = OfficialForm::from_form(&form);
    match state.registry.create(actor, typed.to_new()).await {
        Ok(o) => {
            tracing::info!(actor, official = %o.id, "official created in the console");
            Ok(see_other(&format!(
                "/admin/ui/officials/{}?done=created",
                o.id
            )))
        }
        Err(RegistryError::Validation(problems)) => {
            let errors = typed.errors(ctx.lang, &problems);
            Ok(render_new(
                &ctx,
                &typed,
                &errors,
                StatusCode::UNPROCESSABLE_ENTITY,
            ))
        }
        Err(RegistryError::Conflict {
            number,
            official_name,
            ..
        }) => {
            let errors =
                typed.number_taken(ctx.lang, state.registry.home(), &number, &official_name);
            Ok(render_new(&ctx, &typed, &errors, StatusCode::CONFLICT))
        }
        Err(e) => Err(e.into()),
    }
}

fn render_new(
    ctx: &Ctx,
    typed: &OfficialForm,
    errors: &FormErrors,
    status: StatusCode,
) -> HttpResponse {
    let l = ctx.lang;
    let body = html! {
        form.stack method="post" action="/admin/ui/officials" novalidate {
            (csrf_field(&ctx.session))
            (typed.fields(l, errors))
            div.actions {
                button type="submit" { (t(l, "officials-save-new")) }
                a href="/admin/ui/officials" { (t(l, "cancel")) }
            }
        }
    };
    ctx.page_with(status, &t(l, "officials-new-title"), body)
}
