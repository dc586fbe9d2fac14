//! Registry changes take effect everywhere at once: a change made through instance A is used
//! by instance B's next verdict, and B rebuilds its matcher as soon as the change is announced.

use std::time::Duration;

use serde_json::{Value, json};

use crate::helpers::graph::sent_replies;
use crate::helpers::*;

async fn create_official_through(app: &TestApp, number: &str) -> Value {
    let response = app
        .client
        .post(format!("{}/admin/officials", app.address))
        .bearer_auth(ADMIN_TOKEN)
        .json(&json!({
            "name": "Arvind Mehta",
            "designation": "Municipal Commissioner",
            "organization": "Dewas Municipal Corporation",
            "phones": [number]
        }))
        .send()
        .await
        .expect("admin request");
    assert_eq!(response.status(), 201);
    response.json().await.expect("official json")
}

#[tokio::test]
async fn an_official_created_through_one_instance_is_genuine_on_another() {
    let (a, state) = spawn_app(StoreKind::Redis).await;
    let b = spawn_app_on(&state).await;
    // B has built its matcher on the empty registry before the change.
    b.worker.engine.current().await.unwrap();
    assert_eq!(b.worker.engine.built_version().await, Some(0));

    create_official_through(&a, "+91 70000 00001").await;

    // B hears the announcement and rebuilds without waiting for a message.
    let mut rebuilt = false;
    for _ in 0..100 {
        if b.worker.engine.built_version().await == Some(1) {
            rebuilt = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(rebuilt, "B rebuilt its matcher after the announced change");

    let body = forwarded_text(&wamid(1), "is this really him? +91 70000 00001");
    assert_eq!(b.post_webhook(&body).await.status(), 200);
    b.drain().await;
    let replies = sent_replies(&b.graph).await;
    assert_eq!(replies.len(), 1);
    let text = replies[0]["text"]["body"].as_str().unwrap();
    assert!(text.lines().next().unwrap().contains("GENUINE"), "{text}");
}

#[tokio::test]
async fn a_retirement_through_one_instance_is_used_by_the_other_instances_next_verdict() {
    let (a, state) = spawn_app(StoreKind::Redis).await;
    let b = spawn_app_on(&state).await;
    let official = create_official_through(&a, "+91 70000 00001").await;
    let id = official["id"].as_str().unwrap();
    let response = a
        .client
        .delete(format!("{}/admin/officials/{id}", a.address))
        .bearer_auth(ADMIN_TOKEN)
        .send()
        .await
        .unwrap();
    assert!(response.status().is_success(), "{}", response.status());

    // No waiting at all: B checks the registry version before its verdict.
    let body = forwarded_text(&wamid(2), "+91 70000 00001");
    assert_eq!(b.post_webhook(&body).await.status(), 200);
    b.drain().await;
    let replies = sent_replies(&b.graph).await;
    let text = replies[0]["text"]["body"].as_str().unwrap();
    assert!(text.lines().next().unwrap().contains("RETIRED"), "{text}");
}
