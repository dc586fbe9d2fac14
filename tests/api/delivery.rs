//! Reply delivery against a fake Graph API scripted to fail: retries, the warning template,
//! refused credentials, the per-recipient pair limit, `failed` statuses, the delivery history
//! and the per-sender flood limit — on both stores.

use std::time::Duration;

use asli::config::{SenderLimit, TemplateRef};
use asli::worker::{RetryPolicy, delivery_history};
use serde_json::{Value, json};

use crate::helpers::graph::{FailFor, Scripted, meta_error, sent_replies, start_graph_with};
use crate::helpers::*;

on_both_stores!(
    a_reply_failing_twice_with_500_is_sent_once_on_the_third_try,
    a_throughput_limit_delays_the_reply_but_delivers_it,
    a_closed_service_window_sends_the_warning_template_instead,
    a_closed_window_without_a_configured_template_is_dead_lettered_with_the_reason,
    a_refused_token_dead_letters_the_reply_holds_the_next_and_fails_readiness,
    held_replies_go_out_once_the_token_works_again,
    the_pair_limit_of_one_recipient_does_not_delay_another,
    a_failed_status_with_a_retryable_code_resends_the_reply_once,
    a_failed_status_saying_the_window_closed_resends_as_the_template,
    a_failed_status_with_a_permanent_code_dead_letters_the_reply,
    statuses_out_of_order_never_move_the_delivery_history_back,
    a_flooding_staff_member_gets_one_slow_down_and_then_silence,
    a_reply_that_keeps_failing_is_dead_lettered_after_its_attempt_budget,
);

const REGISTERED: &str = "+917000000001";
const OTHER_STAFF: &str = "919812300002";

async fn app_with(
    kind: StoreKind,
    responder: impl wiremock::Respond + 'static,
    tweak: impl FnOnce(&mut asli::config::Settings),
) -> (TestApp, StoreHandle) {
    app_retrying(kind, responder, fast_retry(), tweak).await
}

async fn app_retrying(
    kind: StoreKind,
    responder: impl wiremock::Respond + 'static,
    retry: RetryPolicy,
    tweak: impl FnOnce(&mut asli::config::Settings),
) -> (TestApp, StoreHandle) {
    let state = StoreHandle::new(kind);
    let graph = start_graph_with(responder).await;
    let app = spawn_app_tweaked(&state, graph, retry, |s| {
        s.whatsapp.templates.en = TemplateRef::parse("asli_verdict_alert:en");
        s.whatsapp.templates.hi = TemplateRef::parse("asli_verdict_alert:hi");
        tweak(s);
    })
    .await;
    app.seed(vec![official(
        "Arvind Mehta",
        "Municipal Commissioner",
        "Dewas Municipal Corporation",
        REGISTERED,
    )])
    .await;
    (app, state)
}

/// Run worker steps, waiting out short retry delays, until nothing is ready, leased or
/// delayed (or 10 s pass, which fails the test).
async fn settle(app: &TestApp) {
    for _ in 0..500 {
        app.drain().await;
        let stats = app.stores.inbox.stats().await.expect("stats");
        if stats.ready + stats.in_flight + stats.delayed == 0 {
            return;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    panic!("the queue did not settle");
}

fn failed_status(wamid: &str, code: i64) -> Vec<u8> {
    meta_bytes(&envelope(vec![json!({
        "messaging_product": "whatsapp",
        "metadata": {"display_phone_number": asli::simulate::DISPLAY_NUMBER, "phone_number_id": PHONE_NUMBER_ID},
        "statuses": [{
            "id": wamid, "status": "failed", "timestamp": "1750030080", "recipient_id": STAFF,
            "errors": [{"code": code, "title": "scripted", "message": "scripted",
                        "error_data": {"details": "scripted by the test"}}]
        }]
    })]))
}

fn is_to(reply: &Value, wa_id: &str) -> bool {
    reply["to"].as_str().unwrap_or("").trim_start_matches('+') == wa_id
}

fn quoted(reply: &Value) -> &str {
    reply["context"]["message_id"].as_str().unwrap_or("")
}

async fn a_reply_failing_twice_with_500_is_sent_once_on_the_third_try(kind: StoreKind) {
    let script = vec![meta_error(500, 1), meta_error(500, 2)];
    let (app, _state) = app_with(kind, Scripted::new(script), |_| {}).await;
    let id = wamid(100);
    assert_eq!(
        app.post_webhook(&forwarded_text(&id, REGISTERED))
            .await
            .status(),
        200
    );
    settle(&app).await;
    let sends = sent_replies(&app.graph).await;
    assert_eq!(sends.len(), 3, "two failures and one success");
    assert!(sends.iter().all(|s| quoted(s) == id));
    let history = delivery_history(app.stores.state.as_ref(), "wamid.OUT-3")
        .await
        .unwrap();
    assert_eq!(history.unwrap().in_reply_to.as_deref(), Some(id.as_str()));
    assert_eq!(app.stores.inbox.stats().await.unwrap().dead, 0);
}

async fn a_throughput_limit_delays_the_reply_but_delivers_it(kind: StoreKind) {
    // A backoff long enough (≥ 0.8 s) that a busy machine cannot retry within one drain.
    let retry = RetryPolicy {
        base: Duration::from_secs(1),
        ..fast_retry()
    };
    let script = Scripted::new(vec![meta_error(429, 130429)]);
    let (app, _state) = app_retrying(kind, script, retry, |_| {}).await;
    let id = wamid(110);
    app.post_webhook(&forwarded_text(&id, REGISTERED)).await;
    app.drain().await;
    let stats = app.stores.inbox.stats().await.unwrap();
    assert_eq!(stats.delayed, 1, "the reply waits for its retry: {stats:?}");
    settle(&app).await;
    let sends = sent_replies(&app.graph).await;
    assert_eq!(sends.len(), 2);
    assert_eq!(app.stores.inbox.stats().await.unwrap().dead, 0);
}

async fn a_closed_service_window_sends_the_warning_template_instead(kind: StoreKind) {
    let (app, _state) = app_with(kind, Scripted::new(vec![meta_error(400, 131047)]), |_| {}).await;
    let id = wamid(120);
    app.post_webhook(&forwarded_text(
        &id,
        "Sir here, send Amazon gift cards now. +94 71 234 5678",
    ))
    .await;
    settle(&app).await;
    let sends = sent_replies(&app.graph).await;
    assert_eq!(sends.len(), 2, "{sends:?}");
    assert_eq!(sends[0]["type"], "text");
    let template = &sends[1];
    assert_eq!(template["type"], "template");
    assert_eq!(template["template"]["name"], "asli_verdict_alert");
    assert_eq!(template["template"]["language"]["code"], "en");
    let word = &template["template"]["components"][0]["parameters"][0]["text"];
    assert!(
        ["FAKE", "UNVERIFIED"].contains(&word.as_str().unwrap()),
        "{template}"
    );
    assert!(template["to"].as_str().unwrap().ends_with(STAFF));
}

async fn a_closed_window_without_a_configured_template_is_dead_lettered_with_the_reason(
    kind: StoreKind,
) {
    let script = Scripted::new(vec![meta_error(400, 131047)]);
    let (app, _state) = app_with(kind, script, |s| s.whatsapp.templates = Default::default()).await;
    app.post_webhook(&forwarded_text(&wamid(125), REGISTERED))
        .await;
    settle(&app).await;
    let dead = app.stores.inbox.dead_letters(None, 10).await.unwrap();
    assert_eq!(dead.len(), 1);
    assert!(
        dead[0].error.contains("ASLI_TEMPLATE_EN"),
        "{}",
        dead[0].error
    );
}

async fn a_refused_token_dead_letters_the_reply_holds_the_next_and_fails_readiness(
    kind: StoreKind,
) {
    let (app, _state) = app_with(kind, Scripted::new(vec![meta_error(401, 190)]), |_| {}).await;
    assert_eq!(app.get("/readyz").await.status(), 200);
    app.post_webhook(&forwarded_text(&wamid(130), REGISTERED))
        .await;
    app.drain().await;
    let dead = app.stores.inbox.dead_letters(None, 10).await.unwrap();
    assert_eq!(
        dead.len(),
        1,
        "the reply that met the refusal is kept for an admin"
    );
    assert!(dead[0].error.contains("190"), "{}", dead[0].error);

    let ready = app.get("/readyz").await;
    assert_eq!(ready.status(), 503);
    let body: Value = ready.json().await.unwrap();
    assert_eq!(body["error"]["code"], "whatsapp_credentials");

    // The next reply is held, not sent and not dead-lettered: no hammering.
    app.post_webhook(&forwarded_text(&wamid(131), REGISTERED))
        .await;
    for _ in 0..3 {
        app.drain().await;
    }
    assert_eq!(sent_replies(&app.graph).await.len(), 1, "one send only");
    let stats = app.stores.inbox.stats().await.unwrap();
    assert_eq!((stats.delayed, stats.dead), (1, 1), "{stats:?}");
}

async fn held_replies_go_out_once_the_token_works_again(kind: StoreKind) {
    // Probe at once, so the test need not wait out a long interval.
    let script = Scripted::new(vec![meta_error(401, 190), meta_error(401, 190)]);
    let (app, _state) = app_with(kind, script, |s| {
        s.worker.credentials_probe = Duration::ZERO
    })
    .await;
    app.post_webhook(&forwarded_text(&wamid(140), REGISTERED))
        .await;
    app.drain().await;
    assert_eq!(app.get("/readyz").await.status(), 503);
    // The next reply probes, is refused again and held; the probe after that succeeds.
    app.post_webhook(&forwarded_text(&wamid(141), REGISTERED))
        .await;
    settle(&app).await;
    assert_eq!(app.get("/readyz").await.status(), 200);
    // The dead letter goes out when an admin retries it.
    let dead = app.stores.inbox.dead_letters(None, 10).await.unwrap();
    assert_eq!(dead.len(), 1);
    let retried = app
        .client
        .post(format!(
            "{}/admin/dead-letters/{}/retry",
            app.address, dead[0].id
        ))
        .bearer_auth(ADMIN_TOKEN)
        .send()
        .await
        .unwrap();
    assert!(retried.status().is_success(), "{}", retried.status());
    settle(&app).await;
    let sends = sent_replies(&app.graph).await;
    let delivered: Vec<&str> = sends[2..].iter().map(quoted).collect();
    assert_eq!(delivered.len(), 2, "{sends:?}");
    assert!(delivered.contains(&wamid(140).as_str()) && delivered.contains(&wamid(141).as_str()));
}

async fn the_pair_limit_of_one_recipient_does_not_delay_another(kind: StoreKind) {
    let fail = FailFor {
        to: STAFF.to_string(),
        code: 131056,
    };
    let (app, _state) = app_with(kind, fail, |_| {}).await;
    app.post_webhook(&forwarded_text(&wamid(150), REGISTERED))
        .await;
    let other = meta_bytes(&envelope(vec![messages_value(
        OTHER_STAFF,
        vec![text(&wamid(151), OTHER_STAFF, REGISTERED, true)],
    )]));
    app.post_webhook(&other).await;
    app.drain().await;
    let sends = sent_replies(&app.graph).await;
    assert_eq!(sends.len(), 2);
    let stats = app.stores.inbox.stats().await.unwrap();
    assert_eq!(
        stats.delayed, 1,
        "only the limited recipient waits: {stats:?}"
    );
    assert_eq!(stats.dead, 0);
    assert!(
        sends
            .iter()
            .any(|s| is_to(s, OTHER_STAFF) && quoted(s) == wamid(151))
    );
}

async fn a_failed_status_with_a_retryable_code_resends_the_reply_once(kind: StoreKind) {
    let (app, _state) = app_with(kind, Scripted::new(Vec::new()), |_| {}).await;
    let id = wamid(160);
    app.post_webhook(&forwarded_text(&id, REGISTERED)).await;
    app.drain().await;
    // WhatsApp accepted it as wamid.OUT-1, then could not deliver it (131000: try later).
    let failed = failed_status("wamid.OUT-1", 131000);
    assert_eq!(app.post_webhook(&failed).await.status(), 200);
    settle(&app).await;
    // The same status delivered again changes nothing.
    app.post_webhook(&failed).await;
    settle(&app).await;
    let sends = sent_replies(&app.graph).await;
    assert_eq!(sends.len(), 2, "{sends:?}");
    assert_eq!(quoted(&sends[1]), id);
    assert_eq!(sends[1]["type"], "text");
    let first = delivery_history(app.stores.state.as_ref(), "wamid.OUT-1")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(first.status, asli::worker::DeliveryStage::Failed);
    assert_eq!(first.outcome.as_deref(), Some("requeued"));
}

async fn a_failed_status_saying_the_window_closed_resends_as_the_template(kind: StoreKind) {
    let (app, _state) = app_with(kind, Scripted::new(Vec::new()), |_| {}).await;
    app.post_webhook(&forwarded_text(&wamid(165), REGISTERED))
        .await;
    app.drain().await;
    app.post_webhook(&failed_status("wamid.OUT-1", 131047))
        .await;
    settle(&app).await;
    let sends = sent_replies(&app.graph).await;
    assert_eq!(sends.len(), 2);
    assert_eq!(sends[1]["type"], "template");
    assert_eq!(
        sends[1]["template"]["components"][0]["parameters"][0]["text"],
        "GENUINE"
    );
}

async fn a_failed_status_with_a_permanent_code_dead_letters_the_reply(kind: StoreKind) {
    let (app, _state) = app_with(kind, Scripted::new(Vec::new()), |_| {}).await;
    app.post_webhook(&forwarded_text(&wamid(170), REGISTERED))
        .await;
    app.drain().await;
    app.post_webhook(&failed_status("wamid.OUT-1", 131026))
        .await;
    settle(&app).await;
    assert_eq!(sent_replies(&app.graph).await.len(), 1);
    let dead = app.stores.inbox.dead_letters(None, 10).await.unwrap();
    assert_eq!(dead.len(), 1);
    assert!(dead[0].error.contains("131026"), "{}", dead[0].error);
}

async fn statuses_out_of_order_never_move_the_delivery_history_back(kind: StoreKind) {
    let (app, _state) = app_with(kind, Scripted::new(Vec::new()), |_| {}).await;
    let id = wamid(180);
    app.post_webhook(&forwarded_text(&id, REGISTERED)).await;
    app.drain().await;
    for status in ["read", "sent", "delivered"] {
        app.post_webhook(&status_only("wamid.OUT-1", status)).await;
    }
    settle(&app).await;
    let history = delivery_history(app.stores.state.as_ref(), "wamid.OUT-1")
        .await
        .unwrap()
        .expect("a history for a sent reply");
    assert_eq!(history.status, asli::worker::DeliveryStage::Read);
    assert_eq!(history.in_reply_to.as_deref(), Some(id.as_str()));
    let statuses: Vec<&str> = history.events.iter().map(|e| e.status.as_str()).collect();
    assert_eq!(statuses, ["accepted", "read", "sent", "delivered"]);
    let admin = |path: String| {
        app.client
            .get(format!("{}{path}", app.address))
            .bearer_auth(ADMIN_TOKEN)
            .send()
    };
    let shown = admin("/admin/deliveries/wamid.OUT-1".into()).await.unwrap();
    assert_eq!(shown.status(), 200);
    let shown: Value = shown.json().await.unwrap();
    assert_eq!(shown["status"], "read");
    assert_eq!(shown["in_reply_to"], id.as_str());
    assert_eq!(shown["events"].as_array().unwrap().len(), 4);
    let unknown = admin("/admin/deliveries/wamid.UNKNOWN".into())
        .await
        .unwrap();
    assert_eq!(unknown.status(), 404);
    let anonymous = app.get("/admin/deliveries/wamid.OUT-1").await;
    assert_eq!(anonymous.status(), 401);
    assert!(
        delivery_history(app.stores.state.as_ref(), "wamid.UNKNOWN")
            .await
            .unwrap()
            .is_none()
    );
}

async fn a_flooding_staff_member_gets_one_slow_down_and_then_silence(kind: StoreKind) {
    let limit = SenderLimit {
        max: 3,
        window: Duration::from_secs(600),
    };
    let (app, _state) = app_with(kind, Scripted::new(Vec::new()), |s| {
        s.worker.sender_limit = Some(limit)
    })
    .await;
    for n in 0..8 {
        app.post_webhook(&forwarded_text(&wamid(200 + n), REGISTERED))
            .await;
        app.drain().await;
    }
    let other = meta_bytes(&envelope(vec![messages_value(
        OTHER_STAFF,
        vec![text(&wamid(299), OTHER_STAFF, REGISTERED, true)],
    )]));
    app.post_webhook(&other).await;
    settle(&app).await;
    let sends = sent_replies(&app.graph).await;
    let to_staff: Vec<&Value> = sends.iter().filter(|s| is_to(s, STAFF)).collect();
    assert_eq!(to_staff.len(), 4, "three answers and one notice");
    let verdicts = to_staff[..3]
        .iter()
        .filter(|s| s["text"]["body"].as_str().unwrap().contains("GENUINE"))
        .count();
    assert_eq!(verdicts, 3);
    let notice = to_staff[3]["text"]["body"].as_str().unwrap();
    assert!(!notice.contains("GENUINE"), "{notice}");
    assert!(
        sends.iter().any(|s| is_to(s, OTHER_STAFF)),
        "others are not limited"
    );
    let stats = app.stores.inbox.stats().await.unwrap();
    assert_eq!(
        stats.dead, 0,
        "silenced messages are acknowledged, not dead"
    );
}

async fn a_reply_that_keeps_failing_is_dead_lettered_after_its_attempt_budget(kind: StoreKind) {
    let script = (0..10).map(|_| meta_error(503, 131000)).collect();
    let (app, _state) = app_with(kind, Scripted::new(script), |_| {}).await;
    app.post_webhook(&forwarded_text(&wamid(190), REGISTERED))
        .await;
    settle(&app).await;
    let attempts = fast_retry().max_attempts as usize;
    assert_eq!(sent_replies(&app.graph).await.len(), attempts);
    let dead = app.stores.inbox.dead_letters(None, 10).await.unwrap();
    assert_eq!(dead.len(), 1);
    assert!(dead[0].error.contains("131000"), "{}", dead[0].error);
}
