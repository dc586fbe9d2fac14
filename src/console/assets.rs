//! The console's stylesheet and script, compiled into the binary: nothing comes from a CDN,
//! nothing needs a build step, and the console works offline.

use actix_web::http::header::{CACHE_CONTROL, CONTENT_TYPE};
use actix_web::{HttpResponse, web};

use super::error::ConsoleError;

/// Where pages link the stylesheet.
pub const CSS_PATH: &str = "/admin/ui/static/console.css";
/// Where pages load the script (progressive enhancement only: every form works without it).
pub const JS_PATH: &str = "/admin/ui/static/console.js";

const CSS: &str = include_str!("static/console.css");
const JS: &str = include_str!("static/console.js");

/// `GET /admin/ui/static/{file}`: public (the sign-in page needs them), cached briefly so a new
/// release's files are picked up within minutes.
pub async fn serve(file: web::Path<String>) -> Result<HttpResponse, ConsoleError> {
    let (body, content_type) = match file.as_str() {
        "console.css" => (CSS, "text/css; charset=utf-8"),
        "console.js" => (JS, "text/javascript; charset=utf-8"),
        _ => return Err(ConsoleError::NotFound),
    };
    Ok(HttpResponse::Ok()
        .insert_header((CONTENT_TYPE, content_type))
        .insert_header((CACHE_CONTROL, "public, max-age=300"))
        .body(body))
}
