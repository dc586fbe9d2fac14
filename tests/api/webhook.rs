//! The webhook end to end: handshake, signatures, durable acceptance, dedupe, one reply per
//! message — on both stores.

use serde_json::json;

use crate::helpers::graph::sent_replies;
use crate::helpers::*;

on_both_stores!(
    a_forwarded_text_with_a_registered_number_gets_one_genuine_reply,
    a_batch_of_messages_gets_one_reply_each,
    the_same_post_delivered_twice_gets_one_reply,
    the_same_post_delivered_five_times_concurrently_gets_one_reply,
    a_statuses_only_post_gets_no_reply,
    an_unknown_message_type_is_accepted_without_a_crash,
    a_body_escaped_as_meta_escapes_it_verifies_and_is_answered,
    an_accepted_message_is_answered_after_a_restart,
    a_contact_card_of_an_unregistered_number_is_unverified,
    a_text_without_a_number_and_the_number_that_follows_get_one_combined_fake_verdict,
);

const REGISTERED: &str = "+917000000001";

async fn seeded(kind: StoreKind) -> (TestApp, StoreHandle) {
    let (app, state) = spawn_app(kind).await;
    app.seed(vec![official(
        "Arvind Mehta",
        "Municipal Commissioner",
        "Dewas Municipal Corporation",
        REGISTERED,
    )])
    .await;
    (app, state)
}

async fn a_forwarded_text_with_a_registered_number_gets_one_genuine_reply(kind: StoreKind) {
    let (app, _state) = seeded(kind).await;
    let id = wamid(1);
    let body = forwarded_text(&id, "Please check this number: +91 70000 00001");
    assert_eq!(app.post_webhook(&body).await.status(), 200);
    app.drain().await;

    let replies = sent_replies(&app.graph).await;
    assert_eq!(replies.len(), 1, "{replies:?}");
    let reply = &replies[0];
    assert_eq!(reply["messaging_product"], "whatsapp");
    assert_eq!(reply["type"], "text");
    assert!(reply["to"].as_str().unwrap().ends_with(STAFF), "{reply}");
    assert_eq!(reply["context"]["message_id"], id.as_str());
    let text = reply["text"]["body"].as_str().unwrap();
    assert!(text.lines().next().unwrap().contains("GENUINE"), "{text}");
}

async fn a_batch_of_messages_gets_one_reply_each(kind: StoreKind) {
    let (app, _state) = seeded(kind).await;
    let staff_b = "919812300002";
    let payload = envelope(vec![
        messages_value(
            STAFF,
            vec![
                text(&wamid(10), STAFF, "+91 70000 00001", true),
                text(
                    &wamid(11),
                    STAFF,
                    "Is +94 71 234 5678 the commissioner?",
                    true,
                ),
            ],
        ),
        messages_value(
            staff_b,
            vec![text(&wamid(12), staff_b, "check 7000000001", false)],
        ),
    ]);
    assert_eq!(app.post_webhook(&meta_bytes(&payload)).await.status(), 200);
    assert_eq!(app.drain().await, 3);
    let replies = sent_replies(&app.graph).await;
    let mut quoted: Vec<&str> = replies
        .iter()
        .map(|r| r["context"]["message_id"].as_str().unwrap())
        .collect();
    quoted.sort();
    assert_eq!(quoted, vec![wamid(10), wamid(11), wamid(12)]);
}

async fn the_same_post_delivered_twice_gets_one_reply(kind: StoreKind) {
    let (app, _state) = seeded(kind).await;
    let body = forwarded_text(&wamid(20), "+91 70000 00001");
    assert_eq!(app.post_webhook(&body).await.status(), 200);
    app.drain().await;
    assert_eq!(app.post_webhook(&body).await.status(), 200);
    app.drain().await;
    assert_eq!(sent_replies(&app.graph).await.len(), 1);
}

async fn the_same_post_delivered_five_times_concurrently_gets_one_reply(kind: StoreKind) {
    let (app, _state) = seeded(kind).await;
    let body = forwarded_text(&wamid(30), "+91 70000 00001");
    let posts = (0..5).map(|_| app.post_webhook(&body));
    for response in futures::future::join_all(posts).await {
        assert_eq!(response.status(), 200);
    }
    assert_eq!(app.drain().await, 1);
    assert_eq!(sent_replies(&app.graph).await.len(), 1);
}

async fn a_statuses_only_post_gets_no_reply(kind: StoreKind) {
    let (app, _state) = spawn_app(kind).await;
    let body = status_only("wamid.OUTabc", "delivered");
    assert_eq!(app.post_webhook(&body).await.status(), 200);
    app.drain().await;
    assert!(sent_replies(&app.graph).await.is_empty());
}

async fn an_unknown_message_type_is_accepted_without_a_crash(kind: StoreKind) {
    let (app, _state) = spawn_app(kind).await;
    let payload = envelope(vec![messages_value(
        STAFF,
        vec![json!({
            "from": STAFF, "id": wamid(40), "timestamp": "1750090702",
            "type": "poll_creation_v9", "poll_creation_v9": {"question": "?"}
        })],
    )]);
    assert_eq!(app.post_webhook(&meta_bytes(&payload)).await.status(), 200);
    app.drain().await;
    // Still alive and answering.
    assert_eq!(app.get("/healthz").await.status(), 200);
}

async fn a_body_escaped_as_meta_escapes_it_verifies_and_is_answered(kind: StoreKind) {
    let (app, _state) = seeded(kind).await;
    let body = forwarded_text(
        &wamid(50),
        "Café 😀 — मीटिंग में हूँ, see https://example.org/a/b and +91 70000 00001",
    );
    let raw = String::from_utf8(body.clone()).unwrap();
    assert!(raw.contains("\\u00e9") && raw.contains("\\ud83d") && raw.contains("\\/"));
    assert_eq!(app.post_webhook(&body).await.status(), 200);
    app.drain().await;
    assert_eq!(sent_replies(&app.graph).await.len(), 1);
}

async fn an_accepted_message_is_answered_after_a_restart(kind: StoreKind) {
    let (first, state) = seeded(kind).await;
    let body = forwarded_text(&wamid(60), "+91 70000 00001");
    assert_eq!(first.post_webhook(&body).await.status(), 200);
    // The process dies after answering 200, before any worker step.
    drop(first);
    tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    let second = spawn_app_on(&state).await;
    assert_eq!(second.drain().await, 1);
    let replies = sent_replies(&second.graph).await;
    assert_eq!(replies.len(), 1);
    assert_eq!(replies[0]["context"]["message_id"], wamid(60).as_str());
}

async fn a_contact_card_of_an_unregistered_number_is_unverified(kind: StoreKind) {
    let (app, _state) = seeded(kind).await;
    let payload = envelope(vec![messages_value(
        STAFF,
        vec![contact_card(
            &wamid(70),
            STAFF,
            "Unknown Person",
            "+91 98765 43210",
            Some("919876543210"),
        )],
    )]);
    assert_eq!(app.post_webhook(&meta_bytes(&payload)).await.status(), 200);
    app.drain().await;
    let replies = sent_replies(&app.graph).await;
    assert_eq!(replies.len(), 1);
    let text = replies[0]["text"]["body"].as_str().unwrap();
    assert!(
        text.lines().next().unwrap().contains("UNVERIFIED"),
        "{text}"
    );
}

#[tokio::test]
async fn the_handshake_answers_the_challenge_only_to_the_right_token() {
    let (app, _state) = spawn_app(StoreKind::Embedded).await;
    let ok = app
        .handshake(&[
            ("hub.mode", "subscribe"),
            ("hub.verify_token", VERIFY_TOKEN),
            ("hub.challenge", "1158201444"),
        ])
        .await;
    assert_eq!(ok.status(), 200);
    assert_eq!(ok.text().await.unwrap(), "1158201444");

    for query in [
        vec![
            ("hub.mode", "subscribe"),
            ("hub.verify_token", "wrong"),
            ("hub.challenge", "1"),
        ],
        vec![
            ("hub.mode", "unsubscribe"),
            ("hub.verify_token", VERIFY_TOKEN),
            ("hub.challenge", "1"),
        ],
        vec![("hub.mode", "subscribe"), ("hub.challenge", "1")],
        vec![],
    ] {
        assert_eq!(app.handshake(&query).await.status(), 403, "{query:?}");
    }
}

#[tokio::test]
async fn posts_without_a_valid_signature_are_refused_and_not_stored() {
    let (app, _state) = spawn_app(StoreKind::Embedded).await;
    let body = forwarded_text(&wamid(80), "+91 70000 00001");
    let wrong = asli::whatsapp::sign(b"another-secret", &body);
    for signature in [
        None,
        Some(wrong.as_str()),
        Some("sha256=zz"),
        Some("sha1=abc"),
    ] {
        let response = app.post_webhook_signed(&body, signature).await;
        assert_eq!(response.status(), 401, "{signature:?}");
    }
    assert_eq!(app.drain().await, 0, "nothing unsigned reaches the inbox");
}

#[tokio::test]
async fn a_signed_body_that_is_not_a_whatsapp_payload_is_a_400() {
    let (app, _state) = spawn_app(StoreKind::Embedded).await;
    for body in [&b"not json"[..], br#"{"object":"page","entry":[]}"#, b"[]"] {
        assert_eq!(app.post_webhook(body).await.status(), 400);
    }
}

#[tokio::test]
async fn a_body_over_three_mebibytes_is_a_413() {
    let (app, _state) = spawn_app(StoreKind::Embedded).await;
    let body = vec![b' '; 3 * 1024 * 1024 + 1];
    assert_eq!(app.post_webhook(&body).await.status(), 413);
}

#[tokio::test]
async fn when_redis_is_down_the_webhook_answers_503_and_the_retry_is_answered() {
    let (app, mut state) = seeded(StoreKind::Redis).await;
    let body = forwarded_text(&wamid(90), "+91 70000 00001");
    state.redis.as_mut().unwrap().stop();
    assert_eq!(app.post_webhook(&body).await.status(), 503);
    assert_eq!(app.get("/readyz").await.status(), 503);

    state.redis.as_mut().unwrap().restart();
    // The restarted server is empty (it keeps nothing on disk): seed again, then Meta retries.
    let mut ready = false;
    for _ in 0..50 {
        if app.get("/readyz").await.status() == 200 {
            ready = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(ready, "the store comes back");
    app.seed(vec![official(
        "Arvind Mehta",
        "Municipal Commissioner",
        "Dewas",
        REGISTERED,
    )])
    .await;
    assert_eq!(app.post_webhook(&body).await.status(), 200);
    app.drain().await;
    assert_eq!(sent_replies(&app.graph).await.len(), 1);
}

async fn a_text_without_a_number_and_the_number_that_follows_get_one_combined_fake_verdict(
    kind: StoreKind,
) {
    let (app, _state) = seeded(kind).await;
    let scam =
        "Arvind Mehta here. I am in a meeting, can't talk. Send 5 Amazon gift cards urgently.";
    assert_eq!(
        app.post_webhook(&forwarded_text(&wamid(100), scam))
            .await
            .status(),
        200
    );
    app.drain().await;
    assert_eq!(
        app.post_webhook(&forwarded_text(&wamid(101), "+94 71 234 5678"))
            .await
            .status(),
        200
    );
    app.drain().await;

    let replies = sent_replies(&app.graph).await;
    assert_eq!(replies.len(), 2);
    let first = replies[0]["text"]["body"].as_str().unwrap();
    let second = replies[1]["text"]["body"].as_str().unwrap();
    assert!(
        first.lines().next().unwrap().contains("NEED NUMBER"),
        "{first}"
    );
    assert!(second.lines().next().unwrap().contains("FAKE"), "{second}");
    assert!(
        second.contains("Arvind Mehta"),
        "the combined verdict names who it pretends to be: {second}"
    );
    assert_eq!(replies[1]["context"]["message_id"], wamid(101).as_str());

    // The impersonation became an incident, and the number is now a reported one.
    let incidents = app.stores.incidents.incidents(None, 10).await.unwrap();
    assert_eq!(incidents.len(), 1);
    assert_eq!(incidents[0].number, "+94712345678");
    assert_eq!(incidents[0].reporters, 1);
}
