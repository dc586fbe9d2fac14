//! Worker safety nets: a job that never finishes stops being retried; a greeting is not a
//! check; the remembered text of the conversation window survives a failed step.

use std::time::Duration;

use asli::store::{GroupId, NewJob};

use crate::helpers::graph::{sent_replies, start_graph};
use crate::helpers::*;

#[tokio::test]
async fn a_job_handed_out_too_often_without_finishing_is_dead_lettered_not_retried_forever() {
    let state = StoreHandle::new(StoreKind::Redis);
    let app = spawn_app_tweaked(&state, start_graph().await, fast_retry(), |s| {
        s.worker.job_lease = Duration::from_millis(200);
    })
    .await;
    let body = forwarded_text(&wamid(1), "+91 70000 00001");
    assert_eq!(app.post_webhook(&body).await.status(), 200);
    // Ten deliveries that each "crash" (never ack): a consumer claims and walks away.
    for _ in 0..asli::worker::MAX_DELIVERIES {
        let claimed = app
            .stores
            .inbox
            .claim("crashing-worker", Duration::ZERO, Duration::from_secs(1))
            .await
            .unwrap();
        assert!(claimed.is_some());
    }
    tokio::time::sleep(Duration::from_millis(300)).await;
    app.drain().await;
    assert!(sent_replies(&app.graph).await.is_empty());
    let dead = app.stores.inbox.dead_letters(None, 10).await.unwrap();
    assert_eq!(dead.len(), 1, "{dead:?}");
    assert!(dead[0].error.contains("deliveries"), "{}", dead[0].error);
}

#[tokio::test]
async fn an_undecodable_job_is_dead_lettered_without_quoting_its_content() {
    let (app, _state) = spawn_app(StoreKind::Embedded).await;
    let secret_text = "Send 5 Amazon gift cards to +94 71 234 5678";
    let job = NewJob::new(
        GroupId::new("garbage"),
        format!("{{\"kind\":\"inbound\",\"message\":\"{secret_text}\"}}").into_bytes(),
    );
    app.stores.inbox.enqueue(&[job]).await.unwrap();
    app.drain().await;
    let dead = app.stores.inbox.dead_letters(None, 10).await.unwrap();
    assert_eq!(dead.len(), 1);
    assert!(!dead[0].error.contains("Amazon"), "{}", dead[0].error);
}

#[tokio::test]
async fn a_greeting_gets_the_help_notice_not_a_request_for_a_number() {
    let (app, _state) = spawn_app(StoreKind::Embedded).await;
    let body = meta_bytes(&envelope(vec![messages_value(
        STAFF,
        vec![text(&wamid(2), STAFF, "hi", false)],
    )]));
    assert_eq!(app.post_webhook(&body).await.status(), 200);
    app.drain().await;
    let replies = sent_replies(&app.graph).await;
    assert_eq!(replies.len(), 1);
    let reply = replies[0]["text"]["body"].as_str().unwrap();
    assert!(!reply.contains("NEED NUMBER"), "{reply}");
}

#[tokio::test]
async fn a_forwarded_probe_without_scam_words_still_asks_for_the_number() {
    let (app, _state) = spawn_app(StoreKind::Embedded).await;
    let body = forwarded_text(&wamid(3), "Are you free? Are you in office?");
    assert_eq!(app.post_webhook(&body).await.status(), 200);
    app.drain().await;
    let replies = sent_replies(&app.graph).await;
    let reply = replies[0]["text"]["body"].as_str().unwrap();
    assert!(
        reply.lines().next().unwrap().contains("NEED NUMBER"),
        "{reply}"
    );
}
