//! One official: read, edit (with the version the form was filled from), retire; and the
//! page for an edit that lost the race ("changed by someone else meanwhile").

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use maud::{Markup, html};
use serde::Deserialize;

use super::official_form::{FormErrors, OfficialForm, status_text};
use super::sign_in::see_other;
use crate::console::error::ConsoleError;
use crate::console::form::FormData;
use crate::console::i18n::{t, ta};
use crate::console::layout::{Ctx, csrf_field, done_notice, query, when};
use crate::registry::{Official, OfficialStatus, RegistryError};
use crate::routes::admin::AdminState;

/// Query of the official's page.
#[derive(Debug, Default, Deserialize)]
pub struct ShowQuery {
    /// What was just done: `created`, `saved`, `retired`.
    #[serde(default)]
    done: String,
}

/// `GET /admin/ui/officials/{id}`.
pub async fn show(
    ctx: Ctx,
    state: AdminState,
    id: web::Path<String>,
    q: web::Query<ShowQuery>,
) -> Result<HttpResponse, ConsoleError> {
    let o = state.registry.get(&id).await?;
    let notice = match q.done.as_str() {
        "created" | "saved" | "retired" => Some(done_notice(&ctx.t(&format!("done-{}", q.done)))),
        _ => None,
    };
    let typed = OfficialForm::from_official(&o);
    Ok(render(
        &ctx,
        &o,
        &typed,
        &FormErrors::default(),
        StatusCode::OK,
        notice,
    ))
}

/// `POST /admin/ui/officials/{id}`: change through the registry service with the form's
/// version as `If-Match`, exactly as `PATCH /admin/officials/{id}`.
pub async fn update(
    ctx: Ctx,
    state: AdminState,
    id: web::Path<String>,
    form: FormData,
) -> Result<HttpResponse, ConsoleError> {
    let actor = ctx.session.authorize_write(&form)?;
    let typed = OfficialForm::from_form(&form);
    let if_match = Some(typed.version.as_str()).filter(|v| !v.is_empty());
    match state
        .registry
        .update(actor, &id, if_match, typed.to_patch())
        .await
    {
        Ok(o) => {
            tracing::info!(actor, official = %o.id, version = o.version, "official updated in the console");
            Ok(see_other(&format!(
                "/admin/ui/officials/{}?done=saved",
                o.id
            )))
        }
        Err(RegistryError::Stale { .. }) => {
            let current = state.registry.get(&id).await?;
            Ok(conflict(&ctx, &current, &typed))
        }
        Err(RegistryError::Validation(problems)) => {
            let current = state.registry.get(&id).await?;
            let errors = typed.errors(ctx.lang, &problems);
            Ok(render(
                &ctx,
                &current,
                &typed,
                &errors,
                StatusCode::UNPROCESSABLE_ENTITY,
                None,
            ))
        }
        Err(RegistryError::Conflict {
            number,
            official_name,
            ..
        }) => {
            let current = state.registry.get(&id).await?;
            let errors =
                typed.number_taken(ctx.lang, state.registry.home(), &number, &official_name);
            Ok(render(
                &ctx,
                &current,
                &typed,
                &errors,
                StatusCode::CONFLICT,
                None,
            ))
        }
        Err(e) => Err(e.into()),
    }
}

/// `POST /admin/ui/officials/{id}/retire`: as `DELETE /admin/officials/{id}` with `If-Match`.
pub async fn retire(
    ctx: Ctx,
    state: AdminState,
    id: web::Path<String>,
    form: FormData,
) -> Result<HttpResponse, ConsoleError> {
    let actor = ctx.session.authorize_write(&form)?;
    let if_match = Some(form.get("version")).filter(|v| !v.is_empty());
    match state.registry.retire(actor, &id, if_match).await {
        Ok(o) => {
            tracing::info!(actor, official = %o.id, "official retired in the console");
            Ok(see_other(&format!(
                "/admin/ui/officials/{}?done=retired",
                o.id
            )))
        }
        Err(RegistryError::Stale { .. }) => {
            let current = state.registry.get(&id).await?;
            let notice = html! {
                div.notice.warn role="alert" {
                    p { strong { (ctx.t("conflict-title")) } }
                    p { (ctx.t("conflict-retire")) }
                }
            };
            let typed = OfficialForm::from_official(&current);
            Ok(render(
                &ctx,
                &current,
                &typed,
                &FormErrors::default(),
                StatusCode::CONFLICT,
                Some(notice),
            ))
        }
        Err(e) => Err(e.into()),
    }
}

/// The official's page: the edit form for admins, the facts for viewers.
fn render(
    ctx: &Ctx,
    o: &Official,
    typed: &OfficialForm,
    errors: &FormErrors,
    status: StatusCode,
    notice: Option<Markup>,
) -> HttpResponse {
    let l = ctx.lang;
    let body = html! {
        @if let Some(n) = notice { (n) }
        (meta(ctx, o))
        @if ctx.session.may_write() {
            form.stack method="post" action={ "/admin/ui/officials/" (o.id) } novalidate {
                (csrf_field(&ctx.session))
                (typed.fields(l, errors))
                div.actions {
                    button type="submit" { (t(l, "official-save")) }
                    a href="/admin/ui/officials" { (t(l, "cancel")) }
                }
            }
            @if o.status == OfficialStatus::Active {
                h2 { (t(l, "official-retire-heading")) }
                p { (t(l, "official-retire-explain")) }
                form method="post" action={ "/admin/ui/officials/" (o.id) "/retire" }
                    data-confirm=(ta(l, "official-retire-confirm", &[("name", o.name.as_str().into())])) {
                    (csrf_field(&ctx.session))
                    input type="hidden" name="version" value=(o.etag());
                    button.danger type="submit" { (t(l, "official-retire")) }
                }
            }
        } @else {
            (facts(ctx, typed))
        }
    };
    ctx.page_with(status, &o.name, body)
}

/// Id, version, times and the link to the official's history.
fn meta(ctx: &Ctx, o: &Official) -> Markup {
    let l = ctx.lang;
    html! {
        p.small {
            span class={ "badge " (o.status.as_str()) } { (t(l, status_text(o.status))) } " · "
            (ta(l, "official-meta", &[
                ("id", o.id.as_str().into()),
                ("version", o.version.into()),
                ("updated", when(o.updated_at).into()),
            ])) " · "
            a href={ "/admin/ui/audit?" (query(&[("official_id", o.id.as_str())])) } { (t(l, "official-history")) }
        }
    }
}

/// The official as a list of facts (what a viewer sees).
fn facts(ctx: &Ctx, typed: &OfficialForm) -> Markup {
    html! {
        dl.facts {
            @for (label, value) in typed.summary_rows(ctx.lang) {
                dt { (label) }
                dd { (value) }
            }
        }
    }
}

/// The edit lost the race: show both versions side by side, and the clerk's own values in a
/// form that now carries the current version, so one click reapplies them.
fn conflict(ctx: &Ctx, current: &Official, mine: &OfficialForm) -> HttpResponse {
    let l = ctx.lang;
    let theirs = OfficialForm::from_official(current);
    let mut reapply = mine.clone();
    reapply.version = current.etag();
    let body = html! {
        div.notice.warn role="alert" tabindex="-1" data-focus-on-load {
            p { (ta(l, "conflict-explain", &[
                ("version", current.version.into()),
                ("updated", when(current.updated_at).into()),
            ])) }
        }
        div.table-wrap {
            table.compare {
                thead { tr {
                    th scope="col" { (t(l, "conflict-field")) }
                    th scope="col" { (t(l, "conflict-yours")) }
                    th scope="col" { (ta(l, "conflict-theirs", &[("version", current.version.into())])) }
                } }
                tbody {
                    @for ((label, yours), (_, now)) in mine.summary_rows(l).into_iter().zip(theirs.summary_rows(l)) {
                        tr class=[(yours != now).then_some("differs")] {
                            th scope="row" { (label) }
                            td { (yours) }
                            td { (now) }
                        }
                    }
                }
            }
        }
        h2 { (t(l, "conflict-reapply-heading")) }
        p { (t(l, "conflict-reapply-explain")) }
        form.stack method="post" action={ "/admin/ui/officials/" (current.id) } novalidate {
            (csrf_field(&ctx.session))
            (reapply.fields(l, &FormErrors::default()))
            div.actions {
                button type="submit" { (t(l, "conflict-reapply")) }
                a href={ "/admin/ui/officials/" (current.id) } { (t(l, "conflict-discard")) }
            }
        }
    };
    ctx.page_with(StatusCode::CONFLICT, &t(l, "conflict-title"), body)
}
