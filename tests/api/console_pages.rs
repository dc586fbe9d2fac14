//! The console's pages do the registry's work by the registry's rules: add, edit (with the
//! version), retire, search, import with preview, check, and the lists.

use std::time::Duration;

use asli::store::{GroupId, NewJob, Outcome, StepCommit, StepResult};
use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::app::{ADMIN_TOKEN, StoreKind};
use crate::helpers::console::{Clerk, ConsoleApp, OPS_TOKEN};

on_both_stores!(
    an_official_added_in_the_console_is_genuine_for_the_bot,
    a_stale_edit_shows_both_versions_and_can_be_reapplied,
    an_import_with_a_bad_row_changes_nothing_and_a_good_one_applies_after_its_preview,
    a_dead_letter_can_be_sent_again_from_the_console,
);

/// The id in `/admin/ui/officials/{id}?done=...`.
fn id_from(location: &str) -> String {
    location
        .trim_start_matches("/admin/ui/officials/")
        .split('?')
        .next()
        .unwrap_or("")
        .to_string()
}

async fn api_json(app: &ConsoleApp, method: Method, path: &str, body: Value) -> Value {
    let r = app.api(method, path).json(&body).send().await.unwrap();
    assert!(r.status().is_success(), "{path}: {}", r.status());
    r.json().await.unwrap()
}

async fn add(clerk: &mut Clerk, fields: &[(&str, &str)]) -> crate::helpers::console::Page {
    let csrf = clerk.get("/admin/ui/officials/new").await.csrf();
    let mut form = vec![("csrf", csrf.as_str())];
    form.extend_from_slice(fields);
    clerk.post("/admin/ui/officials", &form).await
}

async fn an_official_added_in_the_console_is_genuine_for_the_bot(kind: StoreKind) {
    let app = ConsoleApp::spawn(kind).await;
    let mut clerk = app.signed_in(OPS_TOKEN).await;
    let added = add(
        &mut clerk,
        &[
            ("name", "Arvind Mehta"),
            ("aliases", "अरविंद मेहता\nA. Mehta"),
            ("designation", "Municipal Commissioner"),
            ("organization", "Dewas Municipal Corporation"),
            ("phone_number_0", "070000 00001"),
            ("phone_label_0", ""),
            ("phone_number_1", ""),
            ("status", "active"),
        ],
    )
    .await;
    assert_eq!(added.status, 303, "{}", added.body);
    let id = id_from(added.location());
    let page = clerk.get(added.location()).await;
    assert!(page.body.contains("The official was added."));
    assert_eq!(
        page.field_value("phone_number_0").as_deref(),
        Some("+917000000001")
    );
    // Written through the registry service: the API sees it, the audit names the token.
    let official = api_json(
        &app,
        Method::GET,
        &format!("/admin/officials/{id}"),
        json!(null),
    )
    .await;
    assert_eq!(official["aliases"], json!(["अरविंद मेहता", "A. Mehta"]));
    let audit = api_json(&app, Method::GET, "/admin/audit", json!(null)).await;
    assert_eq!(audit["entries"][0]["actor"], "ops");
    // Search in Devanagari, and by the number in another written form.
    for q in [
        "%E0%A4%85%E0%A4%B0%E0%A4%B5%E0%A4%BF%E0%A4%82%E0%A4%A6",
        "%2B91%2070000%2000001",
    ] {
        let found = clerk.get(&format!("/admin/ui/officials?q={q}")).await;
        assert!(found.body.contains("Arvind Mehta"), "q={q}");
    }
    let none = clerk.get("/admin/ui/officials?status=revoked").await;
    assert!(!none.body.contains("Arvind Mehta"));
    // The check page answers as the bot would, with the bot's own reply.
    let csrf = clerk.get("/admin/ui/check").await.csrf();
    let text = "Sir please confirm this is you";
    let checked = clerk
        .post(
            "/admin/ui/check",
            &[
                ("csrf", &csrf),
                ("text", text),
                ("phone", "+91 70000 00001"),
            ],
        )
        .await;
    assert_eq!(checked.status, 200);
    assert!(checked.body.contains("GENUINE"), "{}", checked.body);
    let api = api_json(
        &app,
        Method::POST,
        "/admin/check",
        json!({"text": text, "phone": "+91 70000 00001"}),
    )
    .await;
    let reply = api["reply"].as_str().unwrap();
    let escaped = reply
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;");
    assert!(
        checked.body.contains(&escaped),
        "the reply shown is the bot's reply"
    );
}

#[tokio::test]
async fn field_problems_come_back_next_to_their_fields_in_hindi() {
    let app = ConsoleApp::spawn(StoreKind::Embedded).await;
    let mut clerk = app.clerk();
    clerk.choose_language("hi").await;
    clerk.sign_in(ADMIN_TOKEN).await;
    let refused = add(
        &mut clerk,
        &[
            ("name", "  "),
            ("phone_number_0", "+91 70000 00001"),
            ("phone_number_1", "hello"),
        ],
    )
    .await;
    assert_eq!(refused.status, 422);
    assert!(
        refused.body.contains("यह भरना ज़रूरी है।"),
        "name required, in Hindi"
    );
    assert!(
        refused.body.contains("यह पढ़ने योग्य फ़ोन नंबर नहीं है"),
        "bad number, in Hindi"
    );
    assert!(
        refused.body.contains(r#"id="phone_number_1-error""#),
        "next to the second row"
    );
    assert!(refused.body.contains(r#"aria-describedby="name-error""#));
    assert_eq!(
        refused.field_value("phone_number_1").as_deref(),
        Some("hello"),
        "kept as typed"
    );
    assert_eq!(app.stores.registry.registry_version().await.unwrap(), 0);
}

#[tokio::test]
async fn a_number_that_belongs_to_someone_else_is_refused_next_to_its_row() {
    let app = ConsoleApp::spawn(StoreKind::Embedded).await;
    api_json(
        &app,
        Method::POST,
        "/admin/officials",
        json!({"name": "Owner", "phones": ["+917000000001"]}),
    )
    .await;
    let mut clerk = app.signed_in(ADMIN_TOKEN).await;
    let refused = add(
        &mut clerk,
        &[
            ("name", "Second"),
            ("phone_number_0", "+91 70000 00002"),
            ("phone_number_1", "0 7000000001"),
        ],
    )
    .await;
    assert_eq!(refused.status, 409);
    assert!(
        refused
            .body
            .contains("This number already belongs to Owner")
    );
    assert!(refused.body.contains(r#"id="phone_number_1-error""#));
}

async fn a_stale_edit_shows_both_versions_and_can_be_reapplied(kind: StoreKind) {
    let app = ConsoleApp::spawn(kind).await;
    let o = api_json(
        &app,
        Method::POST,
        "/admin/officials",
        json!({"name": "Arvind Mehta", "designation": "Commissioner", "phones": ["+917000000001"]}),
    )
    .await;
    let id = o["id"].as_str().unwrap();
    let mut clerk = app.signed_in(OPS_TOKEN).await;
    let form = clerk.get(&format!("/admin/ui/officials/{id}")).await;
    let (csrf, version) = (form.csrf(), form.field_value("version").unwrap());
    assert_eq!(version, format!("\"{id}-v1\""));
    // Someone else saves first.
    let theirs = app
        .api(Method::PATCH, &format!("/admin/officials/{id}"))
        .header("If-Match", &version)
        .json(&json!({"designation": "Collector"}))
        .send()
        .await
        .unwrap();
    assert_eq!(theirs.status(), 200);
    let mine = [
        ("csrf", csrf.as_str()),
        ("version", version.as_str()),
        ("name", "Arvind Mehta"),
        ("designation", "Municipal Commissioner"),
        ("phone_number_0", "+917000000001"),
        ("status", "active"),
    ];
    let conflict = clerk
        .post(&format!("/admin/ui/officials/{id}"), &mine)
        .await;
    assert_eq!(conflict.status, 409);
    assert!(conflict.body.contains("Changed by someone else meanwhile"));
    assert!(
        conflict.body.contains("Municipal Commissioner") && conflict.body.contains("Collector")
    );
    assert!(conflict.body.contains(r#"class="differs""#));
    let current = api_json(
        &app,
        Method::GET,
        &format!("/admin/officials/{id}"),
        json!(null),
    )
    .await;
    assert_eq!(
        current["designation"], "Collector",
        "the stale edit wrote nothing"
    );
    // Reapply: the form now carries the current version.
    let reapply_version = conflict.field_value("version").unwrap();
    assert_eq!(reapply_version, format!("\"{id}-v2\""));
    let mut again = mine.to_vec();
    again[1] = ("version", reapply_version.as_str());
    let saved = clerk
        .post(&format!("/admin/ui/officials/{id}"), &again)
        .await;
    assert_eq!(saved.status, 303, "{}", saved.body);
    let now = api_json(
        &app,
        Method::GET,
        &format!("/admin/officials/{id}"),
        json!(null),
    )
    .await;
    assert_eq!(
        (now["designation"].as_str(), now["version"].as_u64()),
        (Some("Municipal Commissioner"), Some(3))
    );
}

#[tokio::test]
async fn retiring_in_the_console_makes_the_numbers_answer_retired() {
    let app = ConsoleApp::spawn(StoreKind::Redis).await;
    let o = api_json(
        &app,
        Method::POST,
        "/admin/officials",
        json!({"name": "A", "phones": ["+917000000001"]}),
    )
    .await;
    let id = o["id"].as_str().unwrap();
    let mut clerk = app.signed_in(ADMIN_TOKEN).await;
    let page = clerk.get(&format!("/admin/ui/officials/{id}")).await;
    let csrf = page.csrf();
    let stale = clerk
        .post(
            &format!("/admin/ui/officials/{id}/retire"),
            &[("csrf", &csrf), ("version", "\"x-v9\"")],
        )
        .await;
    assert_eq!(stale.status, 409, "a stale version retires nothing");
    let retired = clerk
        .post(
            &format!("/admin/ui/officials/{id}/retire"),
            &[("csrf", &csrf), ("version", &format!("\"{id}-v1\""))],
        )
        .await;
    assert_eq!(retired.status, 303);
    let lookup = api_json(
        &app,
        Method::GET,
        "/admin/lookup/+917000000001",
        json!(null),
    )
    .await;
    assert_eq!(lookup["status"], "revoked");
    let shown = clerk.get(retired.location()).await;
    assert!(shown.body.contains("The official was retired."));
    assert!(
        !shown.body.contains("/retire\""),
        "no retire button for a retired official"
    );
}

#[tokio::test]
async fn the_officials_table_pages_and_filters() {
    let app = ConsoleApp::spawn(StoreKind::Embedded).await;
    let mut csv = String::from("name,organization,phones,status\n");
    for i in 0..30 {
        let (org, status) = if i % 3 == 0 {
            ("Indore", "revoked")
        } else {
            ("Dewas", "active")
        };
        csv.push_str(&format!(
            "Official {i:02},{org},+9170000001{i:02},{status}\n"
        ));
    }
    let r = app
        .api(Method::POST, "/admin/officials/import")
        .header("content-type", "text/csv")
        .body(csv)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let mut clerk = app.signed_in(ADMIN_TOKEN).await;
    let first = clerk.get("/admin/ui/officials").await;
    let rows = |p: &str| p.matches("<tr>").count() - 1;
    assert_eq!(rows(&first.body), 25);
    let next = regex::Regex::new(r#"href="([^"]+)" rel="next""#).unwrap();
    let href = next.captures(&first.body).expect("a next link")[1].replace("&amp;", "&");
    let second = clerk.get(&href).await;
    assert_eq!(rows(&second.body), 5);
    assert!(!next.is_match(&second.body));
    let indore = clerk
        .get("/admin/ui/officials?organization=indore&status=revoked")
        .await;
    assert_eq!(rows(&indore.body), 10);
}

async fn an_import_with_a_bad_row_changes_nothing_and_a_good_one_applies_after_its_preview(
    kind: StoreKind,
) {
    let app = ConsoleApp::spawn(kind).await;
    let mut clerk = app.signed_in(OPS_TOKEN).await;
    let csrf = clerk.get("/admin/ui/import").await.csrf();
    let bad = b"name,phones\nArvind Mehta,+917000000001\nSecond,not-a-number\n";
    let refused = clerk
        .upload("/admin/ui/import", &csrf, "registry.csv", bad)
        .await;
    assert_eq!(refused.status, 422, "{}", refused.body);
    assert!(
        refused
            .body
            .contains("The file has one problem. Nothing was changed.")
    );
    assert!(
        refused.body.contains("<td class=\"num\">2</td>")
            && refused.body.contains("phones[0].number")
    );
    let good = b"name,phones\nArvind Mehta,+917000000001\nSecond,+91 70000 00002\n";
    let preview = clerk
        .upload("/admin/ui/import", &csrf, "registry.csv", good)
        .await;
    assert_eq!(preview.status, 200, "{}", preview.body);
    assert!(
        preview.body.contains(r#"id="created-count">2<"#),
        "{}",
        preview.body
    );
    assert_eq!(
        app.stores.registry.registry_version().await.unwrap(),
        0,
        "a preview writes nothing"
    );
    let staged = preview.field_value("staged").expect("an apply form");
    let applied = clerk
        .post(
            "/admin/ui/import/apply",
            &[("csrf", &csrf), ("staged", &staged)],
        )
        .await;
    assert_eq!(applied.status, 303, "{}", applied.body);
    let done = clerk.get(applied.location()).await;
    assert!(
        done.body
            .contains("Import applied: 2 new, 0 changed, 0 unchanged.")
    );
    let list = api_json(&app, Method::GET, "/admin/officials", json!(null)).await;
    assert_eq!(list["items"].as_array().unwrap().len(), 2);
    let audit = api_json(
        &app,
        Method::GET,
        "/admin/audit?action=import.create",
        json!(null),
    )
    .await;
    assert_eq!(audit["entries"][0]["actor"], "ops");
    // Applying twice does nothing twice.
    let twice = clerk
        .post(
            "/admin/ui/import/apply",
            &[("csrf", &csrf), ("staged", &staged)],
        )
        .await;
    assert_eq!(twice.status, 410);
    assert_eq!(app.stores.registry.registry_version().await.unwrap(), 1);
}

#[tokio::test]
async fn an_import_preview_is_shown_again_when_the_registry_moved_meanwhile() {
    let app = ConsoleApp::spawn(StoreKind::Embedded).await;
    let mut clerk = app.signed_in(ADMIN_TOKEN).await;
    let csrf = clerk.get("/admin/ui/import").await.csrf();
    let preview = clerk
        .upload(
            "/admin/ui/import",
            &csrf,
            "r.csv",
            b"name,phones\nA,+917000000001\n",
        )
        .await;
    let staged = preview.field_value("staged").unwrap();
    // Meanwhile someone registers that very number.
    api_json(
        &app,
        Method::POST,
        "/admin/officials",
        json!({"name": "B", "phones": ["+917000000001"]}),
    )
    .await;
    let moved = clerk
        .post(
            "/admin/ui/import/apply",
            &[("csrf", &csrf), ("staged", &staged)],
        )
        .await;
    assert_eq!(
        moved.status, 422,
        "the fresh preview finds the number taken"
    );
    assert!(moved.body.contains("already belongs to"));
    assert_eq!(app.stores.registry.registry_version().await.unwrap(), 1);
    // Another session cannot apply what this one staged.
    let ok = clerk
        .upload("/admin/ui/import", &csrf, "r.csv", b"name\nC\n")
        .await;
    let staged = ok.field_value("staged").unwrap();
    let mut other = app.signed_in(OPS_TOKEN).await;
    let their_csrf = other.get("/admin/ui/import").await.csrf();
    let stolen = other
        .post(
            "/admin/ui/import/apply",
            &[("csrf", &their_csrf), ("staged", &staged)],
        )
        .await;
    assert_eq!(stolen.status, 404);
}

#[tokio::test]
async fn the_export_is_the_registry_csv_the_import_takes_back() {
    let app = ConsoleApp::spawn(StoreKind::Embedded).await;
    api_json(
        &app,
        Method::POST,
        "/admin/officials",
        json!({"name": "अरविंद", "phones": ["+917000000001"]}),
    )
    .await;
    let api = app
        .api(Method::GET, "/admin/officials/export")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let mut viewer = app.signed_in(crate::helpers::console::VIEWER_TOKEN).await;
    let page = viewer.get("/admin/ui/export").await;
    assert_eq!(page.status, 200);
    assert!(
        page.headers["content-disposition"]
            .to_str()
            .unwrap()
            .contains("registry.csv")
    );
    assert_eq!(page.body, api);
}

async fn a_dead_letter_can_be_sent_again_from_the_console(kind: StoreKind) {
    let app = ConsoleApp::spawn(kind).await;
    let inbox = &app.stores.inbox;
    let job = NewJob::new(GroupId::new("staff-1"), b"{\"not\":\"a job\"}".to_vec());
    inbox.enqueue(&[job]).await.unwrap();
    let claimed = inbox
        .claim("test", Duration::from_secs(60), Duration::ZERO)
        .await
        .unwrap()
        .expect("a job");
    let dead = Outcome::Dead {
        payload: claimed.payload.clone(),
        error: "Graph API said 131047".into(),
    };
    let StepResult::Committed {
        dead_letter: Some(id),
    } = inbox.commit(&claimed, StepCommit::new(dead)).await.unwrap()
    else {
        panic!("not dead-lettered");
    };
    let mut clerk = app.signed_in(ADMIN_TOKEN).await;
    let list = clerk.get("/admin/ui/dead-letters").await;
    assert!(list.body.contains("Graph API said 131047"));
    let status = clerk.get("/admin/ui/status").await;
    assert!(
        status.body.contains("1 replies could not be delivered"),
        "{}",
        status.body
    );
    let retried = clerk
        .post(
            &format!("/admin/ui/dead-letters/{id}/retry"),
            &[("csrf", &list.csrf())],
        )
        .await;
    assert_eq!(retried.location(), "/admin/ui/dead-letters?done=retried");
    assert!(
        app.stores
            .inbox
            .dead_letters(None, 10)
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(app.stores.inbox.stats().await.unwrap().ready, 1);
    let again = clerk
        .post(
            &format!("/admin/ui/dead-letters/{id}/retry"),
            &[("csrf", &list.csrf())],
        )
        .await;
    assert_eq!(again.location(), "/admin/ui/dead-letters?done=gone");
}

#[tokio::test]
async fn the_status_audit_and_incident_pages_show_what_the_store_holds() {
    let app = ConsoleApp::spawn(StoreKind::Redis).await;
    api_json(
        &app,
        Method::POST,
        "/admin/officials",
        json!({"name": "Arvind", "phones": ["+917000000001"]}),
    )
    .await;
    app.stores
        .incidents
        .record_incident("+94712345678", "staff-1", &[], 1_700_000_000)
        .await
        .unwrap();
    let mut clerk = app.signed_in(OPS_TOKEN).await;
    let status = clerk.get("/admin/ui/status").await;
    assert!(
        status.body.contains("version 1: 1 officials, 1 in office."),
        "{}",
        status.body
    );
    assert!(status.body.contains("0 waiting"));
    let incidents = clerk.get("/admin/ui/incidents").await;
    assert!(incidents.body.contains("+94712345678"));
    assert!(incidents.body.contains("2023-11-14 22:13 UTC"));
    let by_admin = clerk.get("/admin/ui/audit?actor=admin").await;
    assert!(by_admin.body.contains("<code>create</code>"));
    let by_ops = clerk.get("/admin/ui/audit?actor=ops").await;
    assert!(by_ops.body.contains("No entries match."));
}
