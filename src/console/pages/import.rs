//! Import: upload a file, see what it would do (a dry run through the registry service), and
//! only then apply it. Export: the registry as CSV.
//!
//! The uploaded file waits in the store between preview and apply (tied to the session, for
//! [`keys::CONSOLE_IMPORT_TTL`]), so what is applied is exactly what was previewed. If the registry moved
//! in between, the apply shows a fresh preview instead of applying blind.

use actix_multipart::Multipart;
use actix_web::http::StatusCode;
use actix_web::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
use actix_web::{HttpResponse, web};
use futures::StreamExt;
use maud::{Markup, html};
use serde::Deserialize;

use super::sign_in::see_other;
use crate::console::error::ConsoleError;
use crate::console::form::FormData;
use crate::console::i18n::{Language, t, ta};
use crate::console::layout::{Ctx, csrf_field, done_notice, error_notice, query};
use crate::console::problems;
use crate::registry::{CSV_COLUMNS, ImportFormat, ImportReport, RegistryError, RowError};
use crate::routes::admin::{AdminState, MAX_IMPORT_BODY};
use crate::store::{StateKey, keys};

/// Ids of updated officials listed in a preview (the counts are always complete).
const LISTED: usize = 100;

/// Query of the import page.
#[derive(Debug, Default, Deserialize)]
pub struct ImportQuery {
    /// `applied` after an import went through.
    #[serde(default)]
    done: String,
    #[serde(default)]
    created: usize,
    #[serde(default)]
    updated: usize,
    #[serde(default)]
    unchanged: usize,
}

/// `GET /admin/ui/import`.
pub async fn page(ctx: Ctx, q: web::Query<ImportQuery>) -> Result<HttpResponse, ConsoleError> {
    let notice = (q.done == "applied").then(|| {
        done_notice(&ta(
            ctx.lang,
            "import-applied",
            &[
                ("created", q.created.into()),
                ("updated", q.updated.into()),
                ("unchanged", q.unchanged.into()),
            ],
        ))
    });
    Ok(upload_page(&ctx, notice, StatusCode::OK))
}

/// `POST /admin/ui/import` (multipart: `csrf`, then `file`): the dry run.
pub async fn preview(
    ctx: Ctx,
    state: AdminState,
    payload: Multipart,
) -> Result<HttpResponse, ConsoleError> {
    // A viewer is refused before a byte of the file is read.
    let actor = ctx.session.writer()?;
    let upload = read_upload(&ctx, payload).await?;
    let l = ctx.lang;
    if upload.bytes.is_empty() {
        let notice = error_notice(&t(l, "import-no-file"));
        return Ok(upload_page(
            &ctx,
            Some(notice),
            StatusCode::UNPROCESSABLE_ENTITY,
        ));
    }
    let format = match ImportFormat::detect(&upload.file_name) {
        Ok(f) => f,
        Err(_) => {
            let notice = error_notice(&t(l, "import-wrong-format"));
            return Ok(upload_page(
                &ctx,
                Some(notice),
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
            ));
        }
    };
    let staged = Staged {
        owner: ctx.session.owner().to_string(),
        format,
        version: state.stores.registry.registry_version().await?,
        bytes: upload.bytes,
    };
    rehearse(&ctx, &state, actor, staged, &new_stage_id(), None).await
}

/// `POST /admin/ui/import/apply`: apply exactly the file previewed.
pub async fn apply(
    ctx: Ctx,
    state: AdminState,
    form: FormData,
) -> Result<HttpResponse, ConsoleError> {
    let actor = ctx.session.authorize_write(&form)?;
    let id = form.get("staged");
    let key = stage_key(id).ok_or(ConsoleError::NotFound)?;
    let Some(staged) = state
        .stores
        .state
        .get(&key)
        .await?
        .and_then(|b| Staged::decode(&b))
    else {
        let notice = error_notice(&ctx.t("import-expired"));
        return Ok(upload_page(&ctx, Some(notice), StatusCode::GONE));
    };
    if staged.owner != ctx.session.owner() {
        return Err(ConsoleError::NotFound);
    }
    let now = state.stores.registry.registry_version().await?;
    if now != staged.version {
        let staged = Staged {
            version: now,
            ..staged
        };
        let notice = html! { div.notice.warn role="alert" { p { (ctx.t("import-moved")) } } };
        return rehearse(&ctx, &state, actor, staged, id, Some(notice)).await;
    }
    // Taken, not read: a second click (or a second tab) finds nothing to apply twice.
    if state.stores.state.take(&key).await?.is_none() {
        let notice = error_notice(&ctx.t("import-expired"));
        return Ok(upload_page(&ctx, Some(notice), StatusCode::GONE));
    }
    match state
        .registry
        .import_file_bytes(&staged.bytes, ext(staged.format), actor, false)
        .await
    {
        Ok(report) => {
            tracing::info!(
                actor,
                created = report.created.len(),
                updated = report.updated.len(),
                unchanged = report.unchanged.len(),
                "registry import in the console"
            );
            let (c, u, n) = (
                report.created.len().to_string(),
                report.updated.len().to_string(),
                report.unchanged.len().to_string(),
            );
            let q = query(&[
                ("done", "applied"),
                ("created", &c),
                ("updated", &u),
                ("unchanged", &n),
            ]);
            Ok(see_other(&format!("/admin/ui/import?{q}")))
        }
        Err(e) => refused(&ctx, e),
    }
}

/// `GET /admin/ui/export`: the registry as CSV, as `GET /admin/officials/export`.
pub async fn export(ctx: Ctx, state: AdminState) -> Result<HttpResponse, ConsoleError> {
    let csv = state.registry.export_csv().await?;
    tracing::info!(actor = %ctx.session.caller.name, "registry export in the console");
    Ok(HttpResponse::Ok()
        .insert_header((CONTENT_TYPE, "text/csv; charset=utf-8"))
        .insert_header((CONTENT_DISPOSITION, "attachment; filename=\"registry.csv\""))
        .body(csv))
}

/// Dry-run `staged`, keep it under `id` for the apply, and show what it would do.
async fn rehearse(
    ctx: &Ctx,
    state: &AdminState,
    actor: &str,
    staged: Staged,
    id: &str,
    notice: Option<Markup>,
) -> Result<HttpResponse, ConsoleError> {
    let report = match state
        .registry
        .import_file_bytes(&staged.bytes, ext(staged.format), actor, true)
        .await
    {
        Ok(report) => report,
        Err(e) => return refused(ctx, e),
    };
    let key = stage_key(id).ok_or(ConsoleError::Internal)?;
    state
        .stores
        .state
        .put(&key, &staged.encode(), keys::CONSOLE_IMPORT_TTL)
        .await?;
    Ok(preview_page(ctx, &report, id, notice))
}

/// The file cannot be applied: its problems, by row and field, and the upload form again.
fn refused(ctx: &Ctx, e: RegistryError) -> Result<HttpResponse, ConsoleError> {
    let l = ctx.lang;
    let (notice, status) = match e {
        RegistryError::Rows(rows) => (row_errors(l, &rows), StatusCode::UNPROCESSABLE_ENTITY),
        RegistryError::BadFile(message) => (
            html! { div.notice.error role="alert" {
                p { (t(l, "import-bad-file")) }
                p.detail lang="en" { (message) }
            } },
            StatusCode::BAD_REQUEST,
        ),
        RegistryError::UnsupportedFormat(_) => (
            error_notice(&t(l, "import-wrong-format")),
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
        ),
        other => return Err(other.into()),
    };
    Ok(upload_page(ctx, Some(notice), status))
}

fn row_errors(l: Language, rows: &[RowError]) -> Markup {
    html! {
        div.notice.error role="alert" tabindex="-1" data-focus-on-load {
            p { strong { (ta(l, "import-rejected", &[("count", rows.len().into())])) } }
            div.table-wrap {
                table {
                    thead { tr {
                        th scope="col" { (t(l, "import-row")) }
                        th scope="col" { (t(l, "import-field")) }
                        th scope="col" { (t(l, "import-problem")) }
                    } }
                    tbody {
                        @for r in rows {
                            tr {
                                td.num { (r.row) }
                                td { code { (r.field) } }
                                td { (problems::describe(l, &r.message)) }
                            }
                        }
                    }
                }
            }
            p.hint { (t(l, "import-row-hint")) }
        }
    }
}

fn upload_page(ctx: &Ctx, notice: Option<Markup>, status: StatusCode) -> HttpResponse {
    let l = ctx.lang;
    let body = html! {
        @if let Some(n) = notice { (n) }
        @if ctx.session.may_write() {
            form.stack method="post" action="/admin/ui/import" enctype="multipart/form-data" {
                (csrf_field(&ctx.session))
                div.field {
                    label for="file" { (t(l, "import-file")) }
                    p.hint #file-hint { (t(l, "import-file-hint")) " " code { (CSV_COLUMNS.join(",")) } }
                    input #file type="file" name="file" required
                        accept=".csv,.json,text/csv,application/json" aria-describedby="file-hint";
                }
                div.actions { button type="submit" { (t(l, "import-check")) } }
            }
        } @else {
            p { (t(l, "import-viewer")) }
        }
        h2 { (t(l, "officials-export")) }
        p { (t(l, "import-export-explain")) }
        p { a.button.secondary href="/admin/ui/export" download { (t(l, "officials-export")) } }
    };
    ctx.page_with(status, &t(l, "import-title"), body)
}

fn preview_page(ctx: &Ctx, r: &ImportReport, id: &str, notice: Option<Markup>) -> HttpResponse {
    let l = ctx.lang;
    let nothing = r.created.is_empty() && r.updated.is_empty();
    let body = html! {
        @if let Some(n) = notice { (n) }
        p { (t(l, "import-preview-intro")) }
        dl.facts {
            dt { (t(l, "import-created")) } dd.num #created-count { (r.created.len()) }
            dt { (t(l, "import-updated")) } dd.num #updated-count { (r.updated.len()) }
            dt { (t(l, "import-unchanged")) } dd.num #unchanged-count { (r.unchanged.len()) }
        }
        @if !r.updated.is_empty() {
            h2 { (t(l, "import-updated")) }
            ul {
                @for id in r.updated.iter().take(LISTED) {
                    li { a href={ "/admin/ui/officials/" (id) } { (id) } }
                }
            }
        }
        @if nothing {
            p { (t(l, "import-nothing")) }
        } @else {
            form method="post" action="/admin/ui/import/apply"
                data-confirm=(t(l, "import-apply-confirm")) {
                (csrf_field(&ctx.session))
                input type="hidden" name="staged" value=(id);
                div.actions {
                    button type="submit" { (t(l, "import-apply")) }
                    a href="/admin/ui/import" { (t(l, "cancel")) }
                }
            }
        }
    };
    ctx.page(&t(l, "import-preview-title"), body)
}

/// What the upload form sent.
struct Upload {
    file_name: String,
    bytes: Vec<u8>,
}

/// Read the multipart form. The CSRF field comes first (it is first in the form): a file
/// without a valid token before it is refused before it is read.
async fn read_upload(ctx: &Ctx, mut payload: Multipart) -> Result<Upload, ConsoleError> {
    let bad = |_| ConsoleError::BadRequest("the upload could not be read".into());
    let mut csrf_ok = false;
    let mut upload = Upload {
        file_name: String::new(),
        bytes: Vec::new(),
    };
    while let Some(field) = payload.next().await {
        let mut field = field.map_err(|_| ConsoleError::BadForm)?;
        match field.name().unwrap_or("") {
            "csrf" => {
                let value = field
                    .bytes(1024)
                    .await
                    .map_err(|_| ConsoleError::BadForm)?
                    .map_err(bad)?;
                ctx.session
                    .check_csrf(std::str::from_utf8(&value).unwrap_or(""))?;
                csrf_ok = true;
            }
            "file" if csrf_ok => {
                upload.file_name = field
                    .content_disposition()
                    .and_then(|cd| cd.get_filename())
                    .unwrap_or("")
                    .to_string();
                upload.bytes = field
                    .bytes(MAX_IMPORT_BODY)
                    .await
                    .map_err(|_| ConsoleError::BadRequest("the file is too large".into()))?
                    .map_err(bad)?
                    .to_vec();
            }
            _ if !csrf_ok => return Err(ConsoleError::BadForm),
            _ => {}
        }
    }
    if !csrf_ok {
        return Err(ConsoleError::BadForm);
    }
    Ok(upload)
}

/// An uploaded file waiting between preview and apply.
struct Staged {
    /// The session that uploaded it (only it may apply it).
    owner: String,
    format: ImportFormat,
    /// The registry version the preview was made against.
    version: u64,
    bytes: Vec<u8>,
}

impl Staged {
    /// `owner \n format \n version \n bytes`: the file stays as it came, without a copy
    /// into JSON.
    fn encode(&self) -> Vec<u8> {
        let mut out =
            format!("{}\n{}\n{}\n", self.owner, ext(self.format), self.version).into_bytes();
        out.extend_from_slice(&self.bytes);
        out
    }

    fn decode(b: &[u8]) -> Option<Staged> {
        let mut parts = b.splitn(4, |&c| c == b'\n');
        let owner = std::str::from_utf8(parts.next()?).ok()?.to_string();
        let format = ImportFormat::detect(std::str::from_utf8(parts.next()?).ok()?).ok()?;
        let version = std::str::from_utf8(parts.next()?).ok()?.parse().ok()?;
        let bytes = parts.next()?.to_vec();
        Some(Staged {
            owner,
            format,
            version,
            bytes,
        })
    }
}

/// The name [`ImportFormat::detect`] reads back.
fn ext(format: ImportFormat) -> &'static str {
    match format {
        ImportFormat::Csv => "csv",
        ImportFormat::Json => "json",
    }
}

fn new_stage_id() -> String {
    uuid::Uuid::new_v4().simple().to_string()
}

/// The store key of a staged upload, for a well-formed id only (32 hex digits).
fn stage_key(id: &str) -> Option<StateKey> {
    (id.len() == 32 && id.bytes().all(|b| b.is_ascii_hexdigit())).then(|| keys::console_import(id))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_staged_file_comes_back_byte_for_byte() {
        let s = Staged {
            owner: "console_session:abc".into(),
            format: ImportFormat::Csv,
            version: 42,
            bytes: b"name\nA\n\nB\n".to_vec(),
        };
        let back = Staged::decode(&s.encode()).expect("decodes");
        assert_eq!(
            (back.owner.as_str(), back.format, back.version, back.bytes),
            (s.owner.as_str(), s.format, 42, s.bytes.clone())
        );
    }

    #[test]
    fn only_well_formed_stage_ids_name_a_key() {
        assert!(stage_key(&new_stage_id()).is_some());
        for bad in ["", "x", "../../etc", &"g".repeat(32)] {
            assert!(stage_key(bad).is_none(), "{bad}");
        }
    }
}
