//! Tokens and roles, the sign-in brake, the audit log, the spec, and the thin store views.

use reqwest::Method;
use serde_json::{Value, json};

use super::{BACKENDS, OPS_TOKEN, TestAdmin, VIEWER_TOKEN, error_code, official};
use crate::helpers::app::StoreKind;

#[tokio::test]
async fn a_call_without_a_valid_token_is_401_and_does_nothing() {
    for b in BACKENDS {
        let app = TestAdmin::spawn(b).await;
        let url = format!("{}/admin/officials", app.address);
        let no_token = app
            .client
            .post(&url)
            .json(&official("A", 1))
            .send()
            .await
            .unwrap();
        assert_eq!(error_code(no_token, 401).await.0, "unauthorized");
        let wrong = app
            .req_as("nope", Method::POST, "/admin/officials")
            .json(&official("A", 1))
            .send()
            .await
            .unwrap();
        assert_eq!(wrong.status(), 401);
        let unknown_path = app
            .client
            .get(format!("{}/admin/nothing-here", app.address))
            .send()
            .await
            .unwrap();
        assert_eq!(unknown_path.status(), 401);
        assert_eq!(
            app.stores.registry.load_registry().await.unwrap().version,
            0,
            "{b:?}"
        );
        let r = app
            .req(Method::PUT, "/admin/officials")
            .send()
            .await
            .unwrap();
        assert_eq!(r.headers()["allow"], "GET, POST");
        assert_eq!(error_code(r, 405).await.0, "method_not_allowed");
        let r = app
            .req(Method::GET, "/admin/nothing-here")
            .send()
            .await
            .unwrap();
        assert_eq!(error_code(r, 404).await.0, "not_found");
    }
}

#[tokio::test]
async fn a_viewer_can_read_but_not_write() {
    for b in BACKENDS {
        let app = TestAdmin::spawn(b).await;
        let o = app.create_ok(official("A", 1)).await;
        let id = o["id"].as_str().unwrap();
        for (method, path) in [
            (Method::GET, "/admin/officials".to_string()),
            (Method::GET, format!("/admin/officials/{id}")),
            (Method::GET, "/admin/officials/export".to_string()),
            (Method::GET, "/admin/audit".to_string()),
            (Method::GET, "/admin/lookup/7000000001".to_string()),
        ] {
            let r = app
                .req_as(VIEWER_TOKEN, method, &path)
                .send()
                .await
                .unwrap();
            assert_eq!(r.status(), 200, "{b:?} {path}");
        }
        let writes = [
            app.req_as(VIEWER_TOKEN, Method::POST, "/admin/officials")
                .json(&official("B", 2)),
            app.req_as(
                VIEWER_TOKEN,
                Method::PATCH,
                &format!("/admin/officials/{id}"),
            )
            .header("If-Match", "*")
            .json(&json!({"notes": "x"})),
            app.req_as(
                VIEWER_TOKEN,
                Method::DELETE,
                &format!("/admin/officials/{id}"),
            ),
            app.req_as(VIEWER_TOKEN, Method::POST, "/admin/officials/import")
                .header("Content-Type", "text/csv")
                .body("name\nC\n"),
            app.req_as(VIEWER_TOKEN, Method::POST, "/admin/dead-letters/x/retry"),
        ];
        for w in writes {
            assert_eq!(
                error_code(w.send().await.unwrap(), 403).await.0,
                "forbidden"
            );
        }
        assert_eq!(
            app.stores.registry.load_registry().await.unwrap().version,
            1
        );
    }
}

#[tokio::test]
async fn the_audit_log_shows_every_write_with_its_actor_before_and_after() {
    for b in BACKENDS {
        let app = TestAdmin::spawn(b).await;
        let o = app.create_ok(official("A", 1)).await;
        let id = o["id"].as_str().unwrap();
        let r = app
            .req_as(OPS_TOKEN, Method::PATCH, &format!("/admin/officials/{id}"))
            .header("If-Match", format!("\"{id}-v1\""))
            .json(&json!({"designation": "Collector"}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200);
        app.req_as(OPS_TOKEN, Method::DELETE, &format!("/admin/officials/{id}"))
            .send()
            .await
            .unwrap();
        app.import("name,phones\nB,7000000002\n", "text/csv", false)
            .await;

        let log = app.audit("").await;
        let summary: Vec<(String, String)> = log
            .iter()
            .map(|e| {
                (
                    e["actor"].as_str().unwrap().into(),
                    e["action"].as_str().unwrap().into(),
                )
            })
            .collect();
        assert_eq!(
            summary,
            [
                ("admin".to_string(), "create".to_string()),
                ("ops".into(), "update".into()),
                ("ops".into(), "retire".into()),
                ("admin".into(), "import.create".into()),
            ],
            "{b:?}"
        );
        assert!(log[0]["before"].is_null());
        assert_eq!(log[1]["before"]["designation"], "Municipal Commissioner");
        assert_eq!(log[1]["after"]["designation"], "Collector");
        assert_eq!(log[2]["after"]["status"], "revoked");
        let seqs: Vec<u64> = log.iter().map(|e| e["seq"].as_u64().unwrap()).collect();
        assert!(seqs.windows(2).all(|w| w[0] < w[1]), "oldest first");

        assert_eq!(app.audit("&actor=ops").await.len(), 2);
        assert_eq!(app.audit(&format!("&official_id={id}")).await.len(), 3);
        let page: Value = app
            .req(Method::GET, "/admin/audit?limit=1")
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(page["entries"].as_array().unwrap().len(), 1);
        let after = page["next_after"].as_u64().unwrap();
        let rest = app.audit(&format!("&after={after}")).await;
        assert_eq!(rest.len(), 3);
        let r = app
            .req(Method::DELETE, "/admin/audit")
            .send()
            .await
            .unwrap();
        assert_eq!(
            r.status(),
            405,
            "the audit log cannot be rewritten through the API"
        );
    }
}

#[tokio::test]
async fn repeated_failed_sign_ins_lock_the_address_out_even_for_a_valid_token() {
    for b in BACKENDS {
        let app = TestAdmin::spawn(b).await;
        let mut statuses = Vec::new();
        for _ in 0..12 {
            let r = app
                .req_as("guess", Method::GET, "/admin/officials")
                .send()
                .await
                .unwrap();
            statuses.push(r.status().as_u16());
        }
        assert_eq!(&statuses[..9], [401; 9]);
        assert!(
            statuses[9..].iter().all(|&s| s == 429),
            "{b:?} {statuses:?}"
        );
        let r = app
            .req(Method::GET, "/admin/officials")
            .send()
            .await
            .unwrap();
        assert_eq!(error_code(r, 429).await.0, "too_many_failures");
    }
}

#[tokio::test]
async fn the_openapi_spec_is_served_to_token_holders_with_an_offline_docs_page() {
    for b in BACKENDS {
        let app = TestAdmin::spawn(b).await;
        let r = app
            .client
            .get(format!("{}/admin/openapi.json", app.address))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 401);
        let spec: Value = app
            .req_as(VIEWER_TOKEN, Method::GET, "/admin/openapi.json")
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert!(spec["paths"]["/admin/officials/{id}"]["patch"].is_object());
        let page = app
            .client
            .get(format!("{}/admin/docs", app.address))
            .send()
            .await
            .unwrap();
        assert_eq!(page.status(), 200);
        let html = page.text().await.unwrap();
        assert!(
            html.contains("openapi.json") && !html.contains("https://"),
            "no external assets"
        );
    }
}

#[tokio::test]
async fn dead_letters_and_incidents_are_listed_and_an_unknown_retry_is_404() {
    for b in BACKENDS {
        let app = TestAdmin::spawn(b).await;
        let dl: Value = app
            .req(Method::GET, "/admin/dead-letters")
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(dl["items"], json!([]));
        let r = app
            .req(Method::POST, "/admin/dead-letters/nope/retry")
            .send()
            .await
            .unwrap();
        assert_eq!(error_code(r, 404).await.0, "not_found");

        app.stores
            .incidents
            .record_incident(
                "+94712345678",
                "reporter-1",
                &["off_x".into()],
                1_700_000_000,
            )
            .await
            .unwrap();
        let inc: Value = app
            .req(Method::GET, "/admin/incidents")
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(inc["items"][0]["number"], "+94712345678");
        assert_eq!(inc["items"][0]["reporters"], 1);
        assert_eq!(app.lookup("+94 71 234 5678").await["status"], "reported");
    }
}

#[tokio::test]
async fn a_change_made_through_one_instance_is_seen_by_another_on_the_same_redis() {
    let a = TestAdmin::spawn(StoreKind::Redis).await;
    let b = TestAdmin::spawn_on(a.state.clone()).await;
    let text = "I am Arvind Mehta. Send Amazon gift cards now.";
    let check = |app: &TestAdmin| {
        let r = app
            .req(Method::POST, "/admin/check")
            .json(&json!({"text": text, "phone": "+917000000001"}));
        async move { r.send().await.unwrap().json::<Value>().await.unwrap() }
    };
    // B builds its matcher before the change, so it must notice the registry move.
    assert_eq!(check(&b).await["verdict"], "unregistered");
    assert_eq!(b.lookup("+917000000001").await["status"], "unknown");
    let o = a.create_ok(official("Arvind Mehta", 1)).await;
    assert_eq!(check(&b).await["verdict"], "genuine");
    assert_eq!(b.lookup("+917000000001").await["official"]["id"], o["id"]);
    let id = o["id"].as_str().unwrap();
    b.req(Method::DELETE, &format!("/admin/officials/{id}"))
        .send()
        .await
        .unwrap();
    assert_eq!(check(&a).await["verdict"], "revoked");
    assert_eq!(a.lookup("+917000000001").await["status"], "revoked");
}

#[tokio::test]
async fn the_check_gives_the_verdict_the_bot_would_give_from_the_current_registry() {
    for b in BACKENDS {
        let app = TestAdmin::spawn(b).await;
        let check = |body: Value| {
            let app = &app;
            async move {
                let r = app
                    .req(Method::POST, "/admin/check")
                    .json(&body)
                    .send()
                    .await
                    .unwrap();
                assert_eq!(r.status(), 200);
                r.json::<Value>().await.unwrap()
            }
        };
        let text = "I am Arvind Mehta, in a meeting. Send 5 Amazon gift cards urgently.";
        let before = check(json!({"text": text, "phone": "+94 71 234 5678"})).await;
        assert_eq!(
            before["verdict"], "unregistered",
            "{b:?}: nobody registered yet"
        );

        app.create_ok(official("Arvind Mehta", 1)).await;
        let fake = check(json!({"text": text, "phone": "+94 71 234 5678"})).await;
        assert_eq!(fake["verdict"], "impersonation");
        assert!(fake["reply"].as_str().unwrap().contains("FAKE"));
        let real = check(json!({"text": "Meeting at 4 pm", "phone": "07000000001"})).await;
        assert_eq!(real["verdict"], "genuine");

        let r = app
            .req(Method::POST, "/admin/check")
            .json(&json!({"phone": "1"}))
            .send()
            .await
            .unwrap();
        assert_eq!(error_code(r, 422).await.0, "invalid_body");
    }
}

#[tokio::test]
async fn with_an_admin_bind_the_admin_api_is_served_only_on_its_own_address() {
    let (app, public) = TestAdmin::spawn_with_admin_bind(StoreKind::Embedded).await;
    assert_ne!(app.address, public);
    let r = app
        .req(Method::GET, "/admin/officials")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let r = app
        .client
        .get(format!("{public}/admin/officials"))
        .bearer_auth(super::ADMIN_TOKEN)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 404);
}
