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

#[cfg(test)]
mod tests {
    use super::*;

    /// The colour a CSS custom property `--name` is set to in the stylesheet.
    fn colour(name: &str) -> [f64; 3] {
        let decl = format!("--{name}: #");
        let at = CSS.find(&decl).unwrap_or_else(|| panic!("no {decl}")) + decl.len();
        let hex = &CSS[at..at + 6];
        let channel = |i: usize| u8::from_str_radix(&hex[i..i + 2], 16).expect("hex") as f64;
        [channel(0), channel(2), channel(4)]
    }

    /// WCAG 2 relative luminance.
    fn luminance(rgb: [f64; 3]) -> f64 {
        let lin = |c: f64| {
            let c = c / 255.0;
            if c <= 0.03928 {
                c / 12.92
            } else {
                ((c + 0.055) / 1.055).powf(2.4)
            }
        };
        0.2126 * lin(rgb[0]) + 0.7152 * lin(rgb[1]) + 0.0722 * lin(rgb[2])
    }

    fn contrast(a: &str, b: &str) -> f64 {
        let (la, lb) = (luminance(colour(a)), luminance(colour(b)));
        (la.max(lb) + 0.05) / (la.min(lb) + 0.05)
    }

    #[test]
    fn every_text_colour_meets_wcag_aa_on_its_background() {
        let pairs = [
            ("ink", "paper"),
            ("ink", "wash"),
            ("muted", "paper"),
            ("muted", "wash"),
            ("link", "paper"),
            ("brand-ink", "brand"),
            ("brand", "paper"),
            ("ok", "ok-wash"),
            ("bad", "bad-wash"),
            ("bad", "paper"),
            ("warn", "warn-wash"),
            ("ink", "warn-wash"),
            ("ink", "bad-wash"),
        ];
        for (text, background) in pairs {
            let ratio = contrast(text, background);
            assert!(ratio >= 4.5, "{text} on {background}: {ratio:.2}:1");
        }
    }

    #[test]
    fn the_script_and_the_stylesheet_are_served_and_nothing_else() {
        let rt = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        let status = |file: &str| {
            rt.block_on(serve(web::Path::from(file.to_string())))
                .map(|r| r.status().as_u16())
                .unwrap_or(404)
        };
        assert_eq!(status("console.css"), 200);
        assert_eq!(status("console.js"), 200);
        assert_eq!(status("../Cargo.toml"), 404);
    }
}
