//! Nothing is lost when asli stops: a graceful stop (the shutdown token, or SIGTERM to a real
//! `asli serve`) finishes in-flight sends and leaves the rest queued; a `kill -9` in the middle
//! of a send leaves the job leased, and the next process sends it, duplicating at most that
//! one send.

use std::collections::HashMap;
use std::time::Duration;

use asli::app::{Application, BuildOptions};
use serde_json::Value;

use crate::helpers::graph::{SlowAccept, sent_replies, start_graph_with};
use crate::helpers::served::Served;
use crate::helpers::*;

on_every_store!(
    a_stop_under_load_loses_nothing_and_sends_nothing_twice,
    sigterm_under_load_exits_cleanly_and_loses_nothing,
    a_process_killed_mid_send_answers_after_restart_repeating_at_most_that_send,
);

/// How many times each inbound id was answered, over all of `servers`.
pub async fn answers(servers: &[&wiremock::MockServer]) -> HashMap<String, usize> {
    let mut counts = HashMap::new();
    for server in servers {
        for reply in sent_replies(server).await {
            let id = reply["context"]["message_id"]
                .as_str()
                .unwrap_or("")
                .to_string();
            *counts.entry(id).or_insert(0) += 1;
        }
    }
    counts
}

/// A message from its own staff member (no per-sender limit applies).
pub fn message(n: u32) -> Vec<u8> {
    let from = format!("9198{n:08}");
    meta_bytes(&envelope(vec![messages_value(
        &from,
        vec![text(
            &wamid(n),
            &from,
            "is +94 71 234 5678 the commissioner?",
            true,
        )],
    )]))
}

/// Post `count` messages, 4 at a time; the ids answered 200 (durably accepted).
pub async fn post_all(
    client: &reqwest::Client,
    address: &str,
    range: std::ops::Range<u32>,
) -> Vec<String> {
    use futures::StreamExt;
    futures::stream::iter(range)
        .map(|n| async move {
            let body = message(n);
            let signature = asli::whatsapp::sign(APP_SECRET.as_bytes(), &body);
            let response = client
                .post(format!("{address}/webhook"))
                .header("content-type", "application/json")
                .header("x-hub-signature-256", signature)
                .body(body)
                .send()
                .await;
            match response {
                Ok(r) if r.status() == 200 => Some(wamid(n)),
                _ => None,
            }
        })
        .buffer_unordered(4)
        .filter_map(|id| async move { id })
        .collect()
        .await
}

async fn a_stop_under_load_loses_nothing_and_sends_nothing_twice(kind: StoreKind) {
    let state = StoreHandle::new(kind);
    let slow = start_graph_with(SlowAccept(Duration::from_millis(40))).await;
    let settings = test_settings(&slow.uri(), &state);
    let app = Application::build_with(
        settings,
        state.open().await,
        BuildOptions {
            spawn_workers: true,
            retry: fast_retry(),
        },
    )
    .await
    .expect("the app builds");
    let address = format!("http://127.0.0.1:{}", app.port());
    let shutdown = app.shutdown_token();
    let running = tokio::spawn(app.run_until_stopped());
    let client = reqwest::Client::new();
    let mut accepted = post_all(&client, &address, 0..30).await;
    // Stop while sends are in flight and more work is queued.
    shutdown.cancel();
    let late = post_all(&client, &address, 30..40).await;
    accepted.extend(late);
    running.await.expect("no panic").expect("a clean stop");

    let after = spawn_app_on(&state).await;
    after.drain().await;
    let counts = answers(&[&slow, &after.graph]).await;
    for id in &accepted {
        assert_eq!(counts.get(id), Some(&1), "{id} answered once: {counts:?}");
    }
    assert_eq!(counts.len(), accepted.len());
}

async fn sigterm_under_load_exits_cleanly_and_loses_nothing(kind: StoreKind) {
    let state = StoreHandle::new(kind);
    let slow = start_graph_with(SlowAccept(Duration::from_millis(40))).await;
    let mut served = Served::start(&state, &slow.uri(), &[("ASLI_WORKERS", "4")]).await;
    let client = reqwest::Client::new();
    let mut accepted = post_all(&client, &served.address, 0..30).await;
    served.signal("TERM");
    accepted.extend(post_all(&client, &served.address, 30..40).await);
    let status = served.wait().await;
    assert!(status.success(), "exit status {status:?}");

    let after = spawn_app_on(&state).await;
    after.drain().await;
    let counts = answers(&[&slow, &after.graph]).await;
    for id in &accepted {
        assert_eq!(counts.get(id), Some(&1), "{id} answered once: {counts:?}");
    }
    assert_eq!(counts.len(), accepted.len());
}

async fn a_process_killed_mid_send_answers_after_restart_repeating_at_most_that_send(
    kind: StoreKind,
) {
    let state = StoreHandle::new(kind);
    // Sends hang long enough to kill the process while one is in flight.
    let hanging = start_graph_with(SlowAccept(Duration::from_secs(30))).await;
    let mut served = Served::start(
        &state,
        &hanging.uri(),
        &[("ASLI_WORKERS", "1"), ("ASLI_JOB_LEASE_SECS", "1")],
    )
    .await;
    let client = reqwest::Client::new();
    let accepted = post_all(&client, &served.address, 0..3).await;
    assert_eq!(accepted.len(), 3);
    for _ in 0..200 {
        if !sent_replies(&hanging).await.is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    let in_flight: Vec<Value> = sent_replies(&hanging).await;
    assert_eq!(in_flight.len(), 1, "one send in flight");
    served.signal("KILL");
    served.wait().await;

    let after = spawn_app_tweaked(
        &state,
        crate::helpers::graph::start_graph().await,
        fast_retry(),
        |s| s.worker.job_lease = Duration::from_secs(1),
    )
    .await;
    // The dead process's lease runs out; then its job is taken over.
    for _ in 0..100 {
        after.drain().await;
        let stats = after.stores.inbox.stats().await.unwrap();
        if stats.ready + stats.in_flight + stats.delayed == 0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let counts = answers(&[&after.graph]).await;
    for id in &accepted {
        assert_eq!(
            counts.get(id),
            Some(&1),
            "{id} answered after the restart: {counts:?}"
        );
    }
    // At most the one send in flight at the kill may have reached WhatsApp twice.
    assert_eq!(sent_replies(&hanging).await.len(), 1);
}
