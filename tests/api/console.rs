//! The admin console over HTTP: sign-in, sessions, CSRF, roles, lock-out, security headers
//! and languages. Pages and their registry work are in `console_pages.rs`; the same flows in a
//! real browser are in `tests/browser/`.

use std::sync::Arc;
use std::time::Duration;

use reqwest::Method;

use crate::helpers::app::{ADMIN_TOKEN, StoreHandle, StoreKind};
use crate::helpers::console::{ConsoleApp, OPS_TOKEN, VIEWER_TOKEN};

on_both_stores!(
    signing_in_keeps_only_a_random_session_id_in_a_strict_http_only_cookie,
    a_form_without_its_csrf_token_is_refused_and_changes_nothing,
    a_viewer_sees_no_write_controls_and_a_forged_write_is_refused,
    an_expired_session_sends_the_clerk_back_to_sign_in,
    wrong_tokens_in_the_console_count_toward_the_same_lockout_as_the_api,
);

async fn signing_in_keeps_only_a_random_session_id_in_a_strict_http_only_cookie(kind: StoreKind) {
    let app = ConsoleApp::spawn(kind).await;
    let mut clerk = app.clerk();
    let page = clerk.sign_in(OPS_TOKEN).await;
    assert_eq!(page.status, 303, "{}", page.body);
    assert_eq!(page.location(), "/admin/ui/officials");
    let cookie = page
        .set_cookies()
        .into_iter()
        .find(|c| c.starts_with("asli_session="))
        .expect("a session cookie");
    for attribute in [
        "HttpOnly",
        "SameSite=Strict",
        "Path=/admin/ui",
        "Max-Age=28800",
    ] {
        assert!(cookie.contains(attribute), "{attribute} missing: {cookie}");
    }
    assert!(!cookie.contains("Secure"), "plain HTTP: {cookie}");
    assert!(!cookie.contains(OPS_TOKEN) && !cookie.contains(&hex::encode(OPS_TOKEN)));
    let officials = clerk.get("/admin/ui/officials").await;
    assert_eq!(officials.status, 200);
    assert!(officials.body.contains("ops"), "the actor is shown");
}

#[tokio::test]
async fn the_session_cookie_is_secure_when_the_request_came_over_tls() {
    let app = ConsoleApp::spawn(StoreKind::Embedded).await;
    let mut clerk = app.clerk();
    clerk.extra.push(("x-forwarded-proto", "https".into()));
    let page = clerk.sign_in(ADMIN_TOKEN).await;
    let cookie = page
        .set_cookies()
        .into_iter()
        .find(|c| c.starts_with("asli_session="))
        .expect("a session cookie");
    assert!(cookie.contains("Secure"), "{cookie}");
}

async fn a_form_without_its_csrf_token_is_refused_and_changes_nothing(kind: StoreKind) {
    let app = ConsoleApp::spawn(kind).await;
    let mut clerk = app.signed_in(OPS_TOKEN).await;
    let form = [
        ("name", "Arvind Mehta"),
        ("phone_number_0", "+91 70000 00001"),
    ];
    let missing = clerk.post("/admin/ui/officials", &form).await;
    assert_eq!(missing.status, 403, "{}", missing.body);
    assert!(
        missing
            .body
            .contains("expired or did not come from this console")
    );
    let mut forged = form.to_vec();
    forged.push((
        "csrf",
        "0000000000000000000000000000000000000000000000000000000000000000",
    ));
    assert_eq!(clerk.post("/admin/ui/officials", &forged).await.status, 403);
    // A token from another clerk's session is no better.
    let other = app
        .signed_in(ADMIN_TOKEN)
        .await
        .get("/admin/ui/officials/new")
        .await
        .csrf();
    let mut borrowed = form.to_vec();
    borrowed.push(("csrf", &other));
    assert_eq!(
        clerk.post("/admin/ui/officials", &borrowed).await.status,
        403
    );
    assert_eq!(
        app.stores.registry.registry_version().await.unwrap(),
        0,
        "nothing written"
    );
    // The sign-in form has its own token too.
    let mut stranger = app.clerk();
    let sign_in = stranger
        .post("/admin/ui/sign-in", &[("token", ADMIN_TOKEN)])
        .await;
    assert_eq!(sign_in.status, 403);
    assert!(!stranger.cookies.contains_key("asli_session"));
}

async fn a_viewer_sees_no_write_controls_and_a_forged_write_is_refused(kind: StoreKind) {
    let app = ConsoleApp::spawn(kind).await;
    let created = app
        .api(Method::POST, "/admin/officials")
        .json(&serde_json::json!({"name": "Arvind Mehta", "phones": ["+917000000001"]}))
        .send()
        .await
        .unwrap();
    let id = created.json::<serde_json::Value>().await.unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    let mut viewer = app.signed_in(VIEWER_TOKEN).await;
    let list = viewer.get("/admin/ui/officials").await;
    assert_eq!(list.status, 200);
    assert!(list.body.contains("Arvind Mehta"));
    assert!(
        !list.body.contains("/admin/ui/officials/new"),
        "no add button"
    );
    let one = viewer.get(&format!("/admin/ui/officials/{id}")).await;
    assert_eq!(one.status, 200);
    assert!(!one.body.contains("/retire"), "no retire button");
    assert!(!one.body.contains(r#"name="name""#), "no edit form");
    assert!(viewer.get("/admin/ui/officials/new").await.status == 403);
    let csrf = list.csrf();
    let writes: [(String, Vec<(&str, &str)>); 4] = [
        (
            "/admin/ui/officials".into(),
            vec![("csrf", &csrf), ("name", "B")],
        ),
        (
            format!("/admin/ui/officials/{id}"),
            vec![("csrf", &csrf), ("name", "C"), ("version", "*")],
        ),
        (
            format!("/admin/ui/officials/{id}/retire"),
            vec![("csrf", &csrf)],
        ),
        (
            "/admin/ui/dead-letters/1-0/retry".into(),
            vec![("csrf", &csrf)],
        ),
    ];
    for (path, form) in writes {
        let refused = viewer.post(&path, &form).await;
        assert_eq!(refused.status, 403, "{path}");
        assert!(
            refused
                .body
                .contains("may read the registry but not change it")
        );
    }
    let upload = viewer
        .upload("/admin/ui/import", &csrf, "r.csv", b"name\nD\n")
        .await;
    assert_eq!(upload.status, 403);
    assert_eq!(
        app.stores.registry.registry_version().await.unwrap(),
        1,
        "only the API's create"
    );
}

async fn an_expired_session_sends_the_clerk_back_to_sign_in(kind: StoreKind) {
    // A session that lasts no time at all: the very next page finds it ended.
    let state = Arc::new(StoreHandle::new(kind));
    let app = ConsoleApp::spawn_on(state, |s| s.admin.console_session = Duration::ZERO).await;
    let mut clerk = app.clerk();
    let signed = clerk.sign_in(ADMIN_TOKEN).await;
    assert_eq!(signed.status, 303);
    // The browser drops a cookie that has expired ...
    let cookie = signed
        .set_cookies()
        .into_iter()
        .find(|c| c.starts_with("asli_session="))
        .expect("a session cookie");
    assert!(cookie.contains("Max-Age=0"), "{cookie}");
    assert!(!clerk.cookies.contains_key("asli_session"));
    // ... and the server refuses it all the same when it comes back anyway.
    let value = cookie["asli_session=".len()..].split(';').next().unwrap();
    clerk
        .cookies
        .insert("asli_session".into(), value.to_string());
    let page = clerk.get("/admin/ui/audit?actor=ops").await;
    assert_eq!(page.status, 303);
    assert_eq!(
        page.location(),
        "/admin/ui/sign-in?next=%2Fadmin%2Fui%2Faudit%3Factor%3Dops&ended=1"
    );
    let sign_in = clerk.get(page.location()).await;
    assert!(sign_in.body.contains("Your session has ended"));
    assert_eq!(
        sign_in.field_value("next").as_deref(),
        Some("/admin/ui/audit?actor=ops")
    );
}

// Sessions are store state like any other: on a Redis Cluster too.
on_every_store!(signing_out_ends_the_session);

async fn signing_out_ends_the_session(kind: StoreKind) {
    let app = ConsoleApp::spawn(kind).await;
    let mut clerk = app.signed_in(ADMIN_TOKEN).await;
    let kept = clerk.cookies.clone();
    let csrf = clerk.get("/admin/ui/officials").await.csrf();
    let out = clerk.post("/admin/ui/sign-out", &[("csrf", &csrf)]).await;
    assert_eq!((out.status, out.location()), (303, "/admin/ui/sign-in"));
    assert!(
        !clerk.cookies.contains_key("asli_session"),
        "the cookie is cleared"
    );
    // A copy of the old cookie (another tab, a stolen cookie) no longer opens anything.
    clerk.cookies = kept;
    let page = clerk.get("/admin/ui/officials").await;
    assert_eq!(page.status, 303);
    assert!(page.location().starts_with("/admin/ui/sign-in"));
}

async fn wrong_tokens_in_the_console_count_toward_the_same_lockout_as_the_api(kind: StoreKind) {
    let app = ConsoleApp::spawn(kind).await;
    let mut guesser = app.clerk();
    for attempt in 1..asli::routes::admin::auth::MAX_FAILURES {
        let page = guesser.sign_in(&format!("guess-{attempt}")).await;
        assert_eq!(page.status, 401, "attempt {attempt}");
        assert!(page.body.contains("That token is not valid"));
    }
    let locked = guesser.sign_in("one-guess-too-many").await;
    assert_eq!(locked.status, 429);
    assert!(locked.headers.contains_key("retry-after"));
    // The API and the console share the brake: a valid token is refused behind it, both ways.
    let api = app
        .api(Method::GET, "/admin/officials")
        .send()
        .await
        .unwrap();
    assert_eq!(api.status(), 429);
    assert_eq!(app.clerk().sign_in(ADMIN_TOKEN).await.status, 429);
}

#[tokio::test]
async fn a_session_made_on_one_instance_works_on_another_until_its_token_is_withdrawn() {
    let state = Arc::new(StoreHandle::new(StoreKind::Redis));
    let first = ConsoleApp::spawn_on(state.clone(), |_| {}).await;
    let second = ConsoleApp::spawn_on(state.clone(), |_| {}).await;
    let mut clerk = first.signed_in(VIEWER_TOKEN).await;
    let cookies = clerk.cookies.clone();
    let mut elsewhere = second.clerk();
    elsewhere.cookies = cookies.clone();
    assert_eq!(elsewhere.get("/admin/ui/officials").await.status, 200);
    // An instance whose configuration no longer has the viewer token ends that session.
    let withdrawn =
        ConsoleApp::spawn_on(state, |s| s.admin.tokens.retain(|t| t.name != "auditor")).await;
    let mut there = withdrawn.clerk();
    there.cookies = cookies;
    let page = there.get("/admin/ui/officials").await;
    assert_eq!(page.status, 303, "{}", page.body);
    assert!(
        clerk.get("/admin/ui/officials").await.status == 200,
        "still fine where it is configured"
    );
}

#[tokio::test]
async fn a_visitor_without_a_session_is_sent_to_sign_in_and_back_to_the_page_asked_for() {
    let app = ConsoleApp::spawn(StoreKind::Embedded).await;
    let mut clerk = app.clerk();
    let page = clerk.get("/admin/ui/check").await;
    assert_eq!(page.status, 303);
    assert_eq!(
        page.location(),
        "/admin/ui/sign-in?next=%2Fadmin%2Fui%2Fcheck"
    );
    let form = clerk.get(page.location()).await;
    let csrf = form.csrf();
    let signed = clerk
        .post(
            "/admin/ui/sign-in",
            &[
                ("csrf", &csrf),
                ("token", ADMIN_TOKEN),
                ("next", "/admin/ui/check"),
            ],
        )
        .await;
    assert_eq!(signed.location(), "/admin/ui/check");
    // Never off the console, whatever `next` says.
    let mut other = app.clerk();
    let csrf = other.get("/admin/ui/sign-in").await.csrf();
    let away = other
        .post(
            "/admin/ui/sign-in",
            &[
                ("csrf", &csrf),
                ("token", ADMIN_TOKEN),
                ("next", "//evil.example/"),
            ],
        )
        .await;
    assert_eq!(away.location(), "/admin/ui/officials");
    // The JSON API next door still answers JSON 401 without a bearer token.
    let api = reqwest::get(format!("{}/admin/officials", app.address))
        .await
        .unwrap();
    assert_eq!(api.status(), 401);
}

#[tokio::test]
async fn every_page_has_a_strict_csp_and_no_inline_script_or_style() {
    let app = ConsoleApp::spawn(StoreKind::Embedded).await;
    let mut clerk = app.signed_in(ADMIN_TOKEN).await;
    let scripts = regex::Regex::new(r"(?i)<script[^>]*>").expect("pattern");
    let inline_style_or_handler =
        regex::Regex::new(r#"(?i)<style|\sstyle=|\son[a-z]+=""#).expect("pattern");
    for path in [
        "/admin/ui/sign-in",
        "/admin/ui/officials",
        "/admin/ui/officials/new",
        "/admin/ui/import",
        "/admin/ui/check",
        "/admin/ui/incidents",
        "/admin/ui/audit",
        "/admin/ui/dead-letters",
        "/admin/ui/status",
        "/admin/ui/no-such-page",
    ] {
        let page = clerk.get(path).await;
        let csp = page.headers["content-security-policy"].to_str().unwrap();
        assert!(
            csp.contains("script-src 'self'") && csp.contains("style-src 'self'"),
            "{path}"
        );
        assert!(!csp.contains("unsafe-inline"), "{path}");
        assert!(csp.contains("frame-ancestors 'none'"), "{path}");
        assert_eq!(page.headers["x-content-type-options"], "nosniff", "{path}");
        assert_eq!(page.headers["cache-control"], "no-store", "{path}");
        for tag in scripts.find_iter(&page.body) {
            assert!(
                tag.as_str().contains(" src="),
                "{path} has an inline script"
            );
        }
        assert!(
            !inline_style_or_handler.is_match(&page.body),
            "{path} has inline style or handlers"
        );
    }
    let css = clerk.get("/admin/ui/static/console.css").await;
    assert_eq!(css.status, 200);
    assert!(
        css.headers["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/css")
    );
    assert!(css.body.contains(":focus-visible"), "focus is visible");
    let js = clerk.get("/admin/ui/static/console.js").await;
    assert!(
        js.headers["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/javascript")
    );
}

#[tokio::test]
async fn the_chosen_language_is_remembered_and_the_hindi_console_speaks_hindi() {
    let app = ConsoleApp::spawn(StoreKind::Embedded).await;
    let mut clerk = app.clerk();
    clerk
        .extra
        .push(("accept-language", "hi-IN,hi;q=0.9,en;q=0.5".into()));
    let sign_in = clerk.get("/admin/ui/sign-in").await;
    assert!(sign_in.body.contains(r#"<html lang="hi">"#));
    assert!(sign_in.body.contains("साइन इन करें"));
    clerk.choose_language("en").await;
    assert!(
        clerk
            .get("/admin/ui/sign-in")
            .await
            .body
            .contains("Sign in")
    );
    assert_eq!(
        clerk.cookies.get("asli_lang").map(String::as_str),
        Some("en")
    );
    clerk.choose_language("hi").await;
    clerk.sign_in(ADMIN_TOKEN).await;
    let page = clerk.get("/admin/ui/officials").await;
    for hindi in ["अधिकारी", "अधिकारी जोड़ें", "खोजें", "साइन आउट"]
    {
        assert!(page.body.contains(hindi), "{hindi} missing");
    }
    let wrong = clerk.post("/admin/ui/officials", &[("name", "x")]).await;
    assert!(wrong.body.contains("फ़ॉर्म"), "error pages speak Hindi too");
}

#[tokio::test]
async fn the_console_is_served_where_the_admin_api_is_and_nowhere_else() {
    let state = Arc::new(StoreHandle::new(StoreKind::Embedded));
    let app = ConsoleApp::spawn_on(state, |s| {
        s.admin.bind = Some("127.0.0.1:0".parse().expect("address"));
    })
    .await;
    assert_ne!(app.address, app.public);
    let mut clerk = app.clerk();
    assert_eq!(clerk.get("/admin/ui/sign-in").await.status, 200);
    assert_eq!(clerk.sign_in(ADMIN_TOKEN).await.status, 303);
    let public = reqwest::get(format!("{}/admin/ui/sign-in", app.public))
        .await
        .unwrap();
    assert_eq!(public.status(), 404, "not on the public address");
}
