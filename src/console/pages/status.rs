//! The status page: is the store answering, does Meta take our token, how much work waits,
//! and which registry the bot answers from.

use actix_web::{HttpResponse, web};
use maud::{Markup, html};

use crate::app::AppState;
use crate::console::error::ConsoleError;
use crate::console::i18n::{Language, t, ta};
use crate::console::layout::Ctx;
use crate::routes::admin::AdminState;

/// One line of the status page: fine, or a problem to look at.
enum Health {
    Ok(String),
    Problem(String),
}

/// `GET /admin/ui/status`.
pub async fn page(
    ctx: Ctx,
    state: AdminState,
    app: Option<web::Data<AppState>>,
) -> Result<HttpResponse, ConsoleError> {
    let l = ctx.lang;
    let store = match state.stores.inbox.ping().await {
        Ok(()) => Health::Ok(t(l, "status-store-ok")),
        Err(e) => {
            tracing::warn!(error = %e, "status page: store unavailable");
            Health::Problem(t(l, "status-store-down"))
        }
    };
    // Everything below needs the store; when it is down, say so and stop there.
    let Health::Ok(_) = store else {
        let body = html! { dl.facts { (line(l, "status-store", &store)) } };
        return Ok(ctx.page(&t(l, "status-title"), body));
    };
    let stats = state.stores.inbox.stats().await?;
    let version = state.stores.registry.registry_version().await?;
    let whatsapp = app.as_deref().map(|a| whatsapp(l, a));
    let registry = match app.as_deref() {
        Some(a) => {
            let analyzer = a.engine.current().await?;
            let officials = analyzer.index().officials();
            let active = officials
                .iter()
                .filter(|o| o.is_in_office(time::OffsetDateTime::now_utc()))
                .count();
            ta(
                l,
                "status-registry-size",
                &[
                    ("version", version.into()),
                    ("count", officials.len().into()),
                    ("active", active.into()),
                ],
            )
        }
        None => ta(l, "status-registry-version", &[("version", version.into())]),
    };
    let queue = ta(
        l,
        "status-queue-line",
        &[
            ("ready", stats.ready.into()),
            ("in_flight", stats.in_flight.into()),
            ("delayed", stats.delayed.into()),
        ],
    );
    let dead = if stats.dead == 0 {
        Health::Ok(t(l, "status-dead-none"))
    } else {
        Health::Problem(ta(l, "status-dead-some", &[("count", stats.dead.into())]))
    };
    let body = html! {
        dl.facts #status {
            (line(l, "status-store", &store))
            @if let Some(w) = &whatsapp { (line(l, "status-whatsapp", w)) }
            (line(l, "status-queue", &Health::Ok(queue)))
            (line(l, "status-dead", &dead))
            (line(l, "status-registry", &Health::Ok(registry)))
            dt { (t(l, "status-version")) }
            dd { (env!("CARGO_PKG_VERSION")) }
        }
        @if stats.dead > 0 { p { a href="/admin/ui/dead-letters" { (t(l, "nav-dead-letters")) } } }
    };
    Ok(ctx.page(&t(l, "status-title"), body))
}

fn whatsapp(l: Language, app: &AppState) -> Health {
    if app.settings.whatsapp.dry_run {
        return Health::Ok(t(l, "status-whatsapp-dry-run"));
    }
    match app.credentials.broken_reason() {
        None => Health::Ok(t(l, "status-whatsapp-ok")),
        Some(_) => Health::Problem(t(l, "status-whatsapp-refused")),
    }
}

fn line(l: Language, label: &str, h: &Health) -> Markup {
    let (class, word, text) = match h {
        Health::Ok(text) => ("badge active", t(l, "status-ok"), text),
        Health::Problem(text) => ("badge impersonation", t(l, "status-problem"), text),
    };
    html! {
        dt { (t(l, label)) }
        dd { span class=(class) { (word) } " " (text) }
    }
}
