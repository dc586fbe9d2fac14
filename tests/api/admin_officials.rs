//! Officials CRUD, lookup, and bad input.

use reqwest::Method;
use serde_json::{Value, json};

use super::{BACKENDS, TestAdmin, error_code, official};

#[tokio::test]
async fn creating_an_official_answers_201_with_location_etag_and_numbers_in_e164() {
    for b in BACKENDS {
        let app = TestAdmin::spawn(b).await;
        let r = app
            .create(json!({
                "name": "Arvind Mehta",
                "aliases": ["अरविंद मेहता"],
                "phones": ["070000 00001", {"number": "+९१ ७००००००००२", "label": "PA"}],
                "valid_from": "2026-01-01"
            }))
            .await;
        assert_eq!(r.status(), 201, "{b:?}");
        let location = r.headers()["location"].to_str().unwrap().to_string();
        let etag = r.headers()["etag"].to_str().unwrap().to_string();
        let o: Value = r.json().await.unwrap();
        let id = o["id"].as_str().unwrap();
        assert_eq!(location, format!("/admin/officials/{id}"));
        assert_eq!(etag, format!("\"{id}-v1\""));
        assert_eq!(
            o["phones"][0],
            json!({"number": "+917000000001", "label": "official"})
        );
        assert_eq!(
            o["phones"][1],
            json!({"number": "+917000000002", "label": "pa"})
        );
        assert_eq!(o["status"], "active");
        assert_eq!(o["version"], 1);

        let got = app.get(id).await;
        assert_eq!(got.status(), 200);
        assert_eq!(got.headers()["etag"].to_str().unwrap(), etag);
        assert_eq!(got.json::<Value>().await.unwrap(), o);
    }
}

#[tokio::test]
async fn an_unknown_official_is_404() {
    for b in BACKENDS {
        let app = TestAdmin::spawn(b).await;
        let (code, _) = error_code(app.get("off_nobody").await, 404).await;
        assert_eq!(code, "not_found");
        let r = app
            .patch("off_nobody", Some("*"), json!({"notes": "x"}))
            .await;
        assert_eq!(error_code(r, 404).await.0, "not_found");
    }
}

#[tokio::test]
async fn an_invalid_number_is_422_naming_the_field_and_nothing_is_written() {
    for b in BACKENDS {
        let app = TestAdmin::spawn(b).await;
        let r = app
            .create(json!({"name": "A", "phones": ["+917000000001", "12ab"]}))
            .await;
        let (code, details) = error_code(r, 422).await;
        assert_eq!(code, "validation_failed");
        assert_eq!(details["fields"][0]["field"], "phones[1].number");
        assert_eq!(
            app.stores
                .registry
                .load_registry()
                .await
                .unwrap()
                .officials
                .len(),
            0
        );
    }
}

#[tokio::test]
async fn a_number_owned_by_another_official_is_409_naming_that_official() {
    for b in BACKENDS {
        let app = TestAdmin::spawn(b).await;
        let first = app.create_ok(official("Arvind Mehta", 1)).await;
        let r = app
            .create(json!({"name": "Someone Else", "phones": ["07000000001"]}))
            .await;
        let (code, details) = error_code(r, 409).await;
        assert_eq!(code, "number_taken");
        assert_eq!(details["official_id"], first["id"]);
        assert_eq!(details["official_name"], "Arvind Mehta");
        assert_eq!(details["number"], "+917000000001");
    }
}

#[tokio::test]
async fn a_patch_without_if_match_is_428_and_with_an_old_etag_412() {
    for b in BACKENDS {
        let app = TestAdmin::spawn(b).await;
        let o = app.create_ok(official("A", 1)).await;
        let id = o["id"].as_str().unwrap();
        let v1 = format!("\"{id}-v1\"");

        let r = app.patch(id, None, json!({"notes": "x"})).await;
        assert_eq!(error_code(r, 428).await.0, "if_match_required");

        let r = app
            .patch(id, Some(&v1), json!({"designation": "Collector"}))
            .await;
        assert_eq!(r.status(), 200);
        assert_eq!(
            r.headers()["etag"].to_str().unwrap(),
            format!("\"{id}-v2\"")
        );
        let changed: Value = r.json().await.unwrap();
        assert_eq!(
            (changed["designation"].as_str(), changed["version"].as_u64()),
            (Some("Collector"), Some(2))
        );
        assert_eq!(changed["name"], "A", "fields not in the patch stay");

        let r = app.patch(id, Some(&v1), json!({"notes": "late"})).await;
        let (code, details) = error_code(r, 412).await;
        assert_eq!(code, "stale");
        assert_eq!(details["current_etag"], format!("\"{id}-v2\""));
    }
}

#[tokio::test]
async fn two_admins_patching_from_the_same_version_exactly_one_wins() {
    for b in BACKENDS {
        let app = TestAdmin::spawn(b).await;
        let o = app.create_ok(official("A", 1)).await;
        let id = o["id"].as_str().unwrap();
        let v1 = format!("\"{id}-v1\"");
        let (r1, r2) = tokio::join!(
            app.patch(id, Some(&v1), json!({"notes": "first admin"})),
            app.patch(id, Some(&v1), json!({"notes": "second admin"})),
        );
        let mut statuses = [r1.status().as_u16(), r2.status().as_u16()];
        statuses.sort();
        assert_eq!(statuses, [200, 412], "{b:?}");
        let now: Value = app.get(id).await.json().await.unwrap();
        assert_eq!(now["version"], 2);
        assert_eq!(app.audit("&action=update").await.len(), 1);
    }
}

#[tokio::test]
async fn retiring_keeps_the_official_and_its_numbers_answer_revoked() {
    for b in BACKENDS {
        let app = TestAdmin::spawn(b).await;
        let o = app.create_ok(official("A", 1)).await;
        let id = o["id"].as_str().unwrap();
        assert_eq!(app.lookup("7000000001").await["status"], "active");

        let r = app
            .req(Method::DELETE, &format!("/admin/officials/{id}"))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200);
        let retired: Value = r.json().await.unwrap();
        assert_eq!(retired["status"], "revoked");
        assert_eq!(retired["phones"], o["phones"], "history kept");

        let l = app.lookup("+91 70000 00001").await;
        assert_eq!(l["status"], "revoked");
        assert_eq!(l["official"]["id"], o["id"]);
        assert_eq!(app.get(id).await.status(), 200);
    }
}

#[tokio::test]
async fn a_transfer_entered_ahead_of_time_does_not_vouch_yet() {
    for b in BACKENDS {
        let app = TestAdmin::spawn(b).await;
        let mut o = official("Neha Bansal", 71);
        o["valid_from"] = json!("2999-01-01");
        app.create_ok(o).await;
        let l = app.lookup("+917000000071").await;
        assert_eq!(l["status"], "revoked");
        assert_eq!(l["official"]["name"], "Neha Bansal");
        assert_eq!(app.lookup("+917000000099").await["status"], "unknown");
    }
}

#[tokio::test]
async fn a_lookup_of_something_that_is_not_a_number_is_422() {
    for b in BACKENDS {
        let app = TestAdmin::spawn(b).await;
        let r = app
            .req(Method::GET, "/admin/lookup/hello")
            .send()
            .await
            .unwrap();
        let (code, details) = error_code(r, 422).await;
        assert_eq!(
            (code.as_str(), &details["fields"][0]["field"]),
            ("validation_failed", &json!("phone"))
        );
    }
}

#[tokio::test]
async fn listing_filters_by_text_organisation_and_status() {
    for b in BACKENDS {
        let app = TestAdmin::spawn(b).await;
        app.create_ok(json!({"name": "Arvind Mehta", "aliases": ["अरविंद मेहता"], "organization": "Devgarh MC", "phones": ["7000000001"]})).await;
        let s = app.create_ok(json!({"name": "Sunita Rathore", "designation": "Chairperson", "organization": "Devgarh MC", "phones": ["7000000011"]})).await;
        app.create_ok(json!({"name": "Kavita Joshi", "organization": "Other Nagar Palika", "phones": ["7000000031"]})).await;
        app.req(
            Method::DELETE,
            &format!("/admin/officials/{}", s["id"].as_str().unwrap()),
        )
        .send()
        .await
        .unwrap();

        let names = |v: Value| -> Vec<String> {
            let mut n: Vec<String> = v["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|o| o["name"].as_str().unwrap().to_string())
                .collect();
            n.sort();
            n
        };
        let get = |q: &'static str| {
            let app = &app;
            async move {
                let r = app
                    .req(Method::GET, &format!("/admin/officials?{q}"))
                    .send()
                    .await
                    .unwrap();
                assert_eq!(r.status(), 200, "{q}");
                r.json::<Value>().await.unwrap()
            }
        };
        assert_eq!(
            names(get("q=%E0%A4%85%E0%A4%B0%E0%A4%B5%E0%A4%BF%E0%A4%82%E0%A4%A6").await),
            ["Arvind Mehta"]
        );
        assert_eq!(names(get("q=CHAIRPERSON").await), ["Sunita Rathore"]);
        assert_eq!(names(get("q=070000%2000031").await), ["Kavita Joshi"]);
        assert_eq!(
            names(get("organization=devgarh%20mc").await),
            ["Arvind Mehta", "Sunita Rathore"]
        );
        assert_eq!(names(get("status=revoked").await), ["Sunita Rathore"]);
        assert_eq!(
            names(get("organization=Devgarh%20MC&status=active").await),
            ["Arvind Mehta"]
        );

        let r = app
            .req(Method::GET, "/admin/officials?status=retired")
            .send()
            .await
            .unwrap();
        assert_eq!(error_code(r, 400).await.0, "bad_query");
        let r = app
            .req(Method::GET, "/admin/officials?limit=0")
            .send()
            .await
            .unwrap();
        assert_eq!(error_code(r, 400).await.0, "bad_query");
        let r = app
            .req(Method::GET, "/admin/officials?colour=red")
            .send()
            .await
            .unwrap();
        assert_eq!(error_code(r, 400).await.0, "bad_query");
    }
}

#[tokio::test]
async fn paging_visits_every_official_once_while_others_are_created() {
    for b in BACKENDS {
        let app = TestAdmin::spawn(b).await;
        let mut before = Vec::new();
        for n in 1..=7 {
            let o = app.create_ok(official(&format!("Official {n}"), n)).await;
            before.push(o["id"].as_str().unwrap().to_string());
        }
        let mut seen: Vec<String> = Vec::new();
        let mut cursor: Option<String> = None;
        let mut n = 100;
        loop {
            let q = cursor
                .as_ref()
                .map(|c| format!("&cursor={c}"))
                .unwrap_or_default();
            let page: Value = app
                .req(Method::GET, &format!("/admin/officials?limit=3{q}"))
                .send()
                .await
                .unwrap()
                .json()
                .await
                .unwrap();
            assert!(page["items"].as_array().unwrap().len() <= 3);
            seen.extend(
                page["items"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|o| o["id"].as_str().unwrap().to_string()),
            );
            // A write between pages must neither repeat nor hide an existing official.
            app.create_ok(official(&format!("Late {n}"), n)).await;
            n += 1;
            match page["next_cursor"].as_str() {
                Some(c) => cursor = Some(c.to_string()),
                None => break,
            }
        }
        let mut unique = seen.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(unique.len(), seen.len(), "no official twice");
        for id in &before {
            assert!(seen.contains(id), "{id} was skipped");
        }
    }
}

#[tokio::test]
async fn malformed_bodies_get_clear_4xx_json_errors_and_change_nothing() {
    for b in BACKENDS {
        let app = TestAdmin::spawn(b).await;
        let post = |body: Vec<u8>, content_type: &'static str| {
            let app = &app;
            async move {
                app.req(Method::POST, "/admin/officials")
                    .header("Content-Type", content_type)
                    .body(body)
                    .send()
                    .await
                    .unwrap()
            }
        };
        let cases: Vec<(Vec<u8>, &str, u16, &str)> = vec![
            (
                b"{\"name\": \"A\",".to_vec(),
                "application/json",
                400,
                "malformed_json",
            ),
            (
                b"{\"name\": 42}".to_vec(),
                "application/json",
                422,
                "invalid_body",
            ),
            (
                b"{\"name\": \"A\", \"phone\": \"7000000001\"}".to_vec(),
                "application/json",
                422,
                "invalid_body",
            ),
            (
                b"{\"name\": \"A\", \"phones\": [{\"number\": \"1\", \"lable\": \"pa\"}]}".to_vec(),
                "application/json",
                422,
                "invalid_body",
            ),
            (b"[]".to_vec(), "application/json", 422, "invalid_body"),
            (
                b"name=A".to_vec(),
                "application/x-www-form-urlencoded",
                415,
                "unsupported_media_type",
            ),
            (
                format!("{{\"name\": \"{}\"}}", "x".repeat(100_000)).into_bytes(),
                "application/json",
                413,
                "body_too_large",
            ),
        ];
        for (body, ct, status, want) in cases {
            let (code, _) = error_code(post(body, ct).await, status).await;
            assert_eq!(code, want, "{b:?} {status}");
        }
        assert_eq!(
            app.stores.registry.load_registry().await.unwrap().version,
            0
        );
    }
}

#[tokio::test]
async fn a_patch_may_hand_a_number_over_once_its_old_owner_lets_go() {
    for b in BACKENDS {
        let app = TestAdmin::spawn(b).await;
        let old = app.create_ok(official("Mahesh Tiwari", 61)).await;
        let new = app.create_ok(official("Arvind Mehta", 1)).await;
        let (old_id, new_id) = (old["id"].as_str().unwrap(), new["id"].as_str().unwrap());
        let take = json!({"phones": ["+917000000001", "+917000000061"]});
        let r = app.patch(new_id, Some("*"), take.clone()).await;
        assert_eq!(error_code(r, 409).await.1["official_id"], old["id"]);
        let r = app
            .patch(
                old_id,
                Some(&format!("\"{old_id}-v1\"")),
                json!({"phones": [], "status": "revoked"}),
            )
            .await;
        assert_eq!(r.status(), 200);
        let r = app
            .patch(new_id, Some(&format!("\"{new_id}-v1\"")), take)
            .await;
        assert_eq!(r.status(), 200);
        assert_eq!(
            app.lookup("+917000000061").await["official"]["id"],
            new["id"]
        );
    }
}
