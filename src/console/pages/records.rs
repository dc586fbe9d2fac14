//! The read-mostly lists: reported numbers (incidents), the audit log, and dead letters (with
//! retry). Each is a thin view over the same store and service calls as the admin API.

use actix_web::{HttpResponse, web};
use maud::{Markup, html};
use serde::Deserialize;
use serde_json::Value;

use super::sign_in::see_other;
use crate::console::error::ConsoleError;
use crate::console::form::FormData;
use crate::console::i18n::{t, ta};
use crate::console::layout::{Ctx, csrf_field, done_notice, error_notice, query, when, when_unix};
use crate::registry::{AuditEntry, AuditFilter};
use crate::routes::admin::AdminState;
use crate::routes::admin::dead_letters::view;

/// Rows per page on these lists.
const PAGE: usize = 50;
/// Audit actions the filter offers (others can still be typed).
const ACTIONS: [&str; 5] = [
    "create",
    "update",
    "retire",
    "import.create",
    "import.update",
];

/// Query of a list paged by "after".
#[derive(Debug, Default, Deserialize)]
pub struct AfterQuery {
    /// The previous page's last key.
    #[serde(default)]
    after: String,
    /// What was just done (`retried`, `gone`), for the notice.
    #[serde(default)]
    done: String,
}

/// `GET /admin/ui/incidents`: numbers reported as impersonating officials.
pub async fn incidents(
    ctx: Ctx,
    state: AdminState,
    q: web::Query<AfterQuery>,
) -> Result<HttpResponse, ConsoleError> {
    let after = Some(q.after.as_str()).filter(|a| !a.is_empty());
    let items = state.stores.incidents.incidents(after, PAGE).await?;
    let next = (items.len() == PAGE)
        .then(|| items.last().map(|i| i.number.clone()))
        .flatten();
    let l = ctx.lang;
    let body = html! {
        p { (t(l, "incidents-intro")) }
        @if items.is_empty() {
            p { (t(l, "incidents-none")) }
        } @else {
            div.table-wrap { table {
                thead { tr {
                    th scope="col" { (t(l, "incidents-number")) }
                    th scope="col" { (t(l, "incidents-reporters")) }
                    th scope="col" { (t(l, "incidents-first")) }
                    th scope="col" { (t(l, "incidents-last")) }
                    th scope="col" { (t(l, "incidents-claimed")) }
                } }
                tbody {
                    @for i in &items {
                        tr {
                            td.num { (i.number) }
                            td.num { (i.reporters) }
                            td { (when_unix(i.first_seen)) }
                            td { (when_unix(i.last_seen)) }
                            td {
                                @for (n, id) in i.claimed.iter().enumerate() {
                                    @if n > 0 { ", " }
                                    a href={ "/admin/ui/officials/" (id) } { (id) }
                                }
                            }
                        }
                    }
                }
            } }
        }
        (pager(&ctx, "incidents", after.is_some(), next.as_deref(), &[]))
    };
    Ok(ctx.page(&t(l, "incidents-title"), body))
}

/// Query of the audit log.
#[derive(Debug, Default, Deserialize)]
pub struct AuditQuery {
    #[serde(default)]
    actor: String,
    #[serde(default)]
    official_id: String,
    #[serde(default)]
    action: String,
    /// The previous page's last `seq`.
    #[serde(default)]
    after: u64,
}

/// `GET /admin/ui/audit`: who changed what and when, oldest first, filtered.
pub async fn audit(
    ctx: Ctx,
    state: AdminState,
    q: web::Query<AuditQuery>,
) -> Result<HttpResponse, ConsoleError> {
    let some = |s: &str| Some(s.trim().to_string()).filter(|s| !s.is_empty());
    let filter = AuditFilter {
        actor: some(&q.actor),
        official_id: some(&q.official_id),
        action: some(&q.action),
    };
    let page = state.registry.audit(&filter, q.after, PAGE).await?;
    let l = ctx.lang;
    let filters = [
        ("actor", q.actor.as_str()),
        ("official_id", q.official_id.as_str()),
        ("action", q.action.as_str()),
    ];
    let next = page.next_after.map(|n| n.to_string());
    let body = html! {
        form.filters method="get" action="/admin/ui/audit" {
            div.field {
                label for="actor" { (t(l, "audit-actor")) }
                input #actor type="text" name="actor" value=(q.actor);
            }
            div.field {
                label for="official_id" { (t(l, "audit-official")) }
                input #official_id type="text" name="official_id" value=(q.official_id);
            }
            div.field {
                label for="action" { (t(l, "audit-action")) }
                input #action type="text" name="action" value=(q.action) list="audit-actions";
                datalist #audit-actions { @for a in ACTIONS { option value=(a) {} } }
            }
            div.field { button type="submit" { (t(l, "officials-filter")) } }
        }
        @if page.entries.is_empty() {
            p { (t(l, "audit-none")) }
        } @else {
            div.table-wrap { table {
                thead { tr {
                    th scope="col" { "#" }
                    th scope="col" { (t(l, "audit-when")) }
                    th scope="col" { (t(l, "audit-actor")) }
                    th scope="col" { (t(l, "audit-action")) }
                    th scope="col" { (t(l, "audit-official")) }
                    th scope="col" { (t(l, "audit-changes")) }
                } }
                tbody { @for e in &page.entries { (audit_row(e)) } }
            } }
        }
        (pager(&ctx, "audit", q.after > 0, next.as_deref(), &filters))
    };
    Ok(ctx.page(&t(l, "audit-title"), body))
}

fn audit_row(e: &AuditEntry) -> Markup {
    let name = e
        .after
        .as_ref()
        .or(e.before.as_ref())
        .and_then(|o| o["name"].as_str())
        .unwrap_or("");
    html! {
        tr {
            td.num { (e.seq) }
            td { (when(e.at)) }
            td { (e.actor) }
            td { code { (e.action) } }
            td {
                @if let Some(id) = &e.official_id {
                    a href={ "/admin/ui/officials/" (id) } { (if name.is_empty() { id.as_str() } else { name }) }
                }
            }
            td { (changes(e)) }
        }
    }
}

/// The top-level fields an entry changed, `before → after` (a creation lists nothing: every
/// field is new).
fn changes(e: &AuditEntry) -> Markup {
    let (Some(Value::Object(before)), Some(Value::Object(after))) = (&e.before, &e.after) else {
        return html! {};
    };
    let skip = ["version", "updated_at", "created_at"];
    let changed: Vec<(&String, String, String)> = after
        .iter()
        .filter(|(k, _)| !skip.contains(&k.as_str()))
        .filter(|(k, v)| before.get(*k) != Some(*v))
        .map(|(k, v)| (k, short(before.get(k)), short(Some(v))))
        .collect();
    html! {
        ul.small {
            @for (k, b, a) in changed { li { code { (k) } ": " (b) " → " (a) } }
        }
    }
}

/// A JSON value in a few words.
fn short(v: Option<&Value>) -> String {
    let s = match v {
        None | Some(Value::Null) => "—".to_string(),
        Some(Value::String(s)) => s.clone(),
        Some(other) => other.to_string(),
    };
    if s.chars().count() > 120 {
        s.chars().take(120).chain(['…']).collect()
    } else {
        s
    }
}

/// `GET /admin/ui/dead-letters`: replies that could not be delivered.
pub async fn dead_letters(
    ctx: Ctx,
    state: AdminState,
    q: web::Query<AfterQuery>,
) -> Result<HttpResponse, ConsoleError> {
    let after = Some(q.after.as_str()).filter(|a| !a.is_empty());
    let items = state.stores.inbox.dead_letters(after, PAGE).await?;
    let next = (items.len() == PAGE)
        .then(|| items.last().map(|d| d.id.clone()))
        .flatten();
    let l = ctx.lang;
    let notice = match q.done.as_str() {
        "retried" => Some(done_notice(&t(l, "dead-retried"))),
        "gone" => Some(error_notice(&t(l, "dead-gone"))),
        _ => None,
    };
    let body = html! {
        @if let Some(n) = notice { (n) }
        p { (t(l, "dead-intro")) }
        @if items.is_empty() {
            p { (t(l, "dead-none")) }
        } @else {
            div.table-wrap { table {
                thead { tr {
                    th scope="col" { (t(l, "dead-when")) }
                    th scope="col" { (t(l, "dead-error")) }
                    th scope="col" { (t(l, "dead-payload")) }
                    @if ctx.session.may_write() { th scope="col" { span.small { (t(l, "dead-retry")) } } }
                } }
                tbody {
                    @for d in &items {
                        @let shown = view(d);
                        tr {
                            td { (when_unix(d.at)) br; span.small { (d.id) } }
                            td { (d.error) }
                            td { details {
                                summary { (t(l, "dead-show")) }
                                pre.payload { (serde_json::to_string_pretty(&shown["payload"]).unwrap_or_default()) }
                            } }
                            @if ctx.session.may_write() {
                                td { form method="post" action={ "/admin/ui/dead-letters/" (d.id) "/retry" } {
                                    (csrf_field(&ctx.session))
                                    button.secondary type="submit"
                                        aria-label=(ta(l, "dead-retry-one", &[("id", d.id.as_str().into())])) {
                                        (t(l, "dead-retry"))
                                    }
                                } }
                            }
                        }
                    }
                }
            } }
        }
        (pager(&ctx, "dead-letters", after.is_some(), next.as_deref(), &[]))
    };
    Ok(ctx.page(&t(l, "dead-title"), body))
}

/// `POST /admin/ui/dead-letters/{id}/retry`: back to the queue, as the admin API's retry.
pub async fn retry(
    ctx: Ctx,
    state: AdminState,
    id: web::Path<String>,
    form: FormData,
) -> Result<HttpResponse, ConsoleError> {
    let actor = ctx.session.authorize_write(&form)?;
    if !state.stores.inbox.retry_dead_letter(&id).await? {
        return Ok(see_other("/admin/ui/dead-letters?done=gone"));
    }
    tracing::info!(actor, dead_letter = %id, "dead letter sent back to the queue from the console");
    Ok(see_other("/admin/ui/dead-letters?done=retried"))
}

/// "First page" and "next page" links for a list paged by a key.
fn pager(
    ctx: &Ctx,
    path: &str,
    not_first: bool,
    next: Option<&str>,
    filters: &[(&str, &str)],
) -> Markup {
    let mut with_next = filters.to_vec();
    if let Some(n) = next {
        with_next.push(("after", n));
    }
    html! {
        nav.actions aria-label=(ctx.t("paging")) {
            @if not_first {
                a href={ "/admin/ui/" (path) "?" (query(filters)) } { (ctx.t("page-first")) }
            }
            @if next.is_some() {
                a href={ "/admin/ui/" (path) "?" (query(&with_next)) } rel="next" { (ctx.t("page-next")) }
            }
        }
    }
}
