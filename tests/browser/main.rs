//! The admin console in a real headless Chromium: what a clerk does, end to end, over a real
//! asli and a real store. Each test saves a screenshot of the page it ends on under
//! `target/ui-screenshots/` (a few more of the pages along the way, too).
//!
//! Needs Debian's `chromium` and `chromium-driver` (`.ci/run` installs them).

#[macro_use]
#[path = "../api/helpers/mod.rs"]
#[allow(unused_imports, unused_macros)]
mod helpers;

mod driver;

use reqwest::Method;
use serde_json::json;

use driver::Browser;
use helpers::app::{ADMIN_TOKEN, StoreKind};
use helpers::console::{ConsoleApp, VIEWER_TOKEN};

/// Open the console and sign in with `token`; returns on the officials page.
async fn sign_in(b: &Browser, token: &str) {
    b.open("/admin/ui/").await;
    b.fill("#token", token).await;
    b.click("form button[type=submit]").await;
    b.find("a[href='/admin/ui/officials'][aria-current='page']")
        .await;
}

async fn create_official(app: &ConsoleApp, body: serde_json::Value) -> String {
    let r = app
        .api(Method::POST, "/admin/officials")
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201);
    r.json::<serde_json::Value>().await.unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string()
}

#[tokio::test]
async fn a_clerk_signs_in_with_a_token_and_sees_the_officials() {
    let app = ConsoleApp::spawn(StoreKind::Embedded).await;
    create_official(
        &app,
        json!({"name": "Arvind Mehta", "aliases": ["अरविंद मेहता"],
        "designation": "Municipal Commissioner", "organization": "Dewas Municipal Corporation",
        "phones": ["+917000000001"]}),
    )
    .await;
    let b = Browser::start(&app.address, "sign-in").await;
    b.open("/admin/ui/officials").await;
    b.expect_text("h1", "Sign in").await;
    b.screenshot("sign-in-form").await;
    b.fill("#token", "not-the-token").await;
    b.click("form button[type=submit]").await;
    assert!(
        b.text(".notice.error")
            .await
            .contains("That token is not valid")
    );
    sign_in(&b, ADMIN_TOKEN).await;
    b.expect_text("h1", "Officials").await;
    assert!(b.text("table").await.contains("अरविंद मेहता"));
    b.finish().await;
}

on_both_stores!(an_official_added_in_the_browser_is_genuine_when_the_bot_checks_its_number);

async fn an_official_added_in_the_browser_is_genuine_when_the_bot_checks_its_number(
    kind: StoreKind,
) {
    let app = ConsoleApp::spawn(kind).await;
    let b = Browser::start(
        &app.address,
        &format!("add-then-check-{kind:?}").to_lowercase(),
    )
    .await;
    sign_in(&b, ADMIN_TOKEN).await;
    b.click("a[href='/admin/ui/officials/new']").await;
    b.fill("#name", "Arvind Mehta").await;
    b.fill("#aliases", "अरविंद मेहता").await;
    b.fill("#designation", "Municipal Commissioner").await;
    b.fill("#organization", "Dewas Municipal Corporation").await;
    b.fill("#phone_number_0", "070000 00001").await;
    // The script's "add another number" makes a third row to fill.
    b.click("button[data-add-phone]").await;
    b.expect_text("label[for=phone_number_2]", "Number 3").await;
    b.fill("#phone_number_2", "+९१ ७०००० ०००१२").await;
    b.fill("#phone_label_2", "pa").await;
    b.screenshot("official-form").await;
    b.click("form.stack button[type=submit]").await;
    b.expect_text(".notice.ok", "The official was added.").await;
    let second = b.find("#phone_number_1").await.prop("value").await.unwrap();
    assert_eq!(
        second.as_deref(),
        Some("+917000000012"),
        "Devanagari digits read"
    );
    b.click("a[href='/admin/ui/check']").await;
    b.fill(
        "#text",
        "Sir, is this really the Commissioner? He wants Amazon gift cards.",
    )
    .await;
    b.fill("#phone", "+91 70000 00001").await;
    b.click("form.stack button[type=submit]").await;
    let verdict = b.text("#verdict").await;
    assert!(verdict.contains("GENUINE"), "{verdict}");
    assert!(
        b.text("#reply").await.starts_with(&verdict),
        "the bot's reply, headline first"
    );
    b.finish().await;
}

#[tokio::test]
async fn an_edit_of_a_stale_version_shows_the_conflict_and_can_be_reapplied() {
    let app = ConsoleApp::spawn(StoreKind::Embedded).await;
    let id = create_official(
        &app,
        json!({"name": "Arvind Mehta",
        "designation": "Commissioner", "phones": ["+917000000001"]}),
    )
    .await;
    let b = Browser::start(&app.address, "stale-edit").await;
    sign_in(&b, ADMIN_TOKEN).await;
    b.open(&format!("/admin/ui/officials/{id}")).await;
    b.fill("#designation", "Municipal Commissioner").await;
    // Someone else saves while the clerk types.
    let r = app
        .api(Method::PATCH, &format!("/admin/officials/{id}"))
        .header("If-Match", format!("\"{id}-v1\""))
        .json(&json!({"designation": "District Collector"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    b.click("form.stack button[type=submit]").await;
    b.expect_text("h1", "Changed by someone else meanwhile")
        .await;
    let compare = b.text("table.compare").await;
    assert!(compare.contains("Municipal Commissioner") && compare.contains("District Collector"));
    b.screenshot("stale-edit-conflict").await;
    b.click("form.stack button[type=submit]").await;
    b.expect_text(".notice.ok", "Your changes were saved.")
        .await;
    let value = b.find("#designation").await.prop("value").await.unwrap();
    assert_eq!(value.as_deref(), Some("Municipal Commissioner"));
    b.finish().await;
}

#[tokio::test]
async fn an_import_with_a_bad_row_shows_the_row_error_and_a_good_file_applies_after_its_preview() {
    let app = ConsoleApp::spawn(StoreKind::Embedded).await;
    let files = tempfile::tempdir().unwrap();
    let bad = files.path().join("bad.csv");
    std::fs::write(
        &bad,
        "name,phones\nArvind Mehta,+917000000001\n,+917000000002\n",
    )
    .unwrap();
    let good = files.path().join("good.csv");
    std::fs::write(&good, "name,organization,phones\nArvind Mehta,Dewas,+917000000001\nRekha Sharma,Dewas,+917000000002\n").unwrap();
    let b = Browser::start(&app.address, "import").await;
    sign_in(&b, ADMIN_TOKEN).await;
    b.click("a[href='/admin/ui/import']").await;
    b.find("#file")
        .await
        .send_keys(&bad.display().to_string())
        .await
        .unwrap();
    b.click("form.stack button[type=submit]").await;
    let problems = b.text(".notice.error table").await;
    assert!(
        problems.contains("2")
            && problems.contains("name")
            && problems.contains("This is required."),
        "{problems}"
    );
    b.screenshot("import-row-error").await;
    b.find("#file")
        .await
        .send_keys(&good.display().to_string())
        .await
        .unwrap();
    b.click("form.stack button[type=submit]").await;
    b.expect_text("#created-count", "2").await;
    b.screenshot("import-preview").await;
    assert_eq!(
        app.stores.registry.registry_version().await.unwrap(),
        0,
        "nothing before apply"
    );
    b.click("form[action='/admin/ui/import/apply'] button[type=submit]")
        .await;
    b.accept_confirm().await;
    assert!(b.text(".notice.ok").await.contains("2 new"));
    b.open("/admin/ui/officials?organization=Dewas").await;
    assert!(b.text("table").await.contains("Rekha Sharma"));
    b.finish().await;
}

#[tokio::test]
async fn a_viewer_sees_no_write_button_and_a_forged_post_is_refused() {
    let app = ConsoleApp::spawn(StoreKind::Redis).await;
    let id = create_official(
        &app,
        json!({"name": "Arvind Mehta", "phones": ["+917000000001"]}),
    )
    .await;
    let b = Browser::start(&app.address, "viewer").await;
    sign_in(&b, VIEWER_TOKEN).await;
    assert_eq!(b.count("a[href='/admin/ui/officials/new']").await, 0);
    b.open(&format!("/admin/ui/officials/{id}")).await;
    b.find("dl.facts").await;
    assert_eq!(b.count("form[action$='/retire']").await, 0);
    assert_eq!(b.count("input[name=name]").await, 0);
    // A hand-made form with the page's own CSRF token: the role still decides.
    b.run(&format!(
        "const f = document.createElement('form'); f.method = 'post';
         f.action = '/admin/ui/officials/{id}/retire';
         const c = document.createElement('input'); c.type = 'hidden'; c.name = 'csrf';
         c.value = document.querySelector('input[name=csrf]').value; f.appendChild(c);
         document.body.appendChild(f); f.submit();"
    ))
    .await;
    b.expect_text("h1", "Read only").await;
    let lookup: serde_json::Value = app
        .api(Method::GET, "/admin/lookup/+917000000001")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        lookup["status"], "active",
        "the forged retire changed nothing"
    );
    b.finish().await;
}

#[tokio::test]
async fn the_hindi_console_shows_hindi_labels_and_remembers_the_choice() {
    let app = ConsoleApp::spawn(StoreKind::Embedded).await;
    let b = Browser::start(&app.address, "hindi").await;
    b.open("/admin/ui/sign-in").await;
    b.click("a.lang[hreflang=hi]").await;
    b.find("html[lang=hi]").await;
    b.expect_text("h1", "साइन इन").await;
    b.expect_text("label[for=token]", "टोकन").await;
    b.fill("#token", ADMIN_TOKEN).await;
    b.click("form button[type=submit]").await;
    b.expect_text("h1", "अधिकारी").await;
    b.click("a[href='/admin/ui/officials/new']").await;
    b.expect_text("label[for=name]", "नाम").await;
    b.click("form.stack button[type=submit]").await;
    assert!(b.text("#name-error").await.contains("यह भरना ज़रूरी है"));
    b.screenshot("hindi-form-problems").await;
    b.open("/admin/ui/check").await;
    b.expect_text("h1", "संदेश जाँचें").await;
    b.finish().await;
}

#[tokio::test]
async fn a_form_without_its_csrf_token_is_refused() {
    let app = ConsoleApp::spawn(StoreKind::Embedded).await;
    let b = Browser::start(&app.address, "csrf-missing").await;
    sign_in(&b, ADMIN_TOKEN).await;
    b.open("/admin/ui/officials/new").await;
    b.fill("#name", "Forged Official").await;
    b.run("document.querySelector('form.stack input[name=csrf]').remove();")
        .await;
    b.click("form.stack button[type=submit]").await;
    b.expect_text("h1", "This form cannot be accepted").await;
    assert_eq!(app.stores.registry.registry_version().await.unwrap(), 0);
    b.finish().await;
}

#[tokio::test]
async fn the_console_fits_a_phone_screen_and_works_from_the_keyboard() {
    let app = ConsoleApp::spawn(StoreKind::Embedded).await;
    create_official(&app, json!({"name": "Arvind Mehta", "designation": "Municipal Commissioner",
        "organization": "Dewas Municipal Corporation", "phones": ["+917000000001", "+917000000002"]})).await;
    let b = Browser::start(&app.address, "phone").await;
    b.resize(390, 844).await;
    sign_in(&b, ADMIN_TOKEN).await;
    let overflow = b
        .run("return document.documentElement.scrollWidth - window.innerWidth;")
        .await;
    assert!(
        overflow.as_i64().unwrap_or(1) <= 0,
        "the page scrolls sideways: {overflow}"
    );
    // The first Tab reaches the skip link, and it is visible when focused.
    b.press_tab().await;
    let focused = b
        .run("const a = document.activeElement; return [a.className, a.getBoundingClientRect().left >= 0];")
        .await;
    assert_eq!(focused, json!(["skip", true]));
    b.finish().await;
}
