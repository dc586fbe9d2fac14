//! Several real `asli serve` processes over one store, and a `kill -9` in the middle of a
//! webhook flood: every webhook answered 200 is answered exactly once (at most the sends in
//! flight at the kill repeated), whichever instance took it and however often Meta sent it.

use std::collections::HashSet;
use std::time::Duration;

use futures::StreamExt as _;

use crate::delivery_shutdown::{answers, message};
use crate::helpers::graph::start_graph;
use crate::helpers::served::Served;
use crate::helpers::*;

on_every_store!(acknowledged_webhooks_survive_a_kill_9_in_the_middle_of_a_flood);

mod two_instances {
    use super::*;

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn on_redis() {
        two_instances_answer_every_message_once_when_meta_sends_each_to_both(StoreKind::Redis).await
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn on_a_redis_cluster() {
        two_instances_answer_every_message_once_when_meta_sends_each_to_both(StoreKind::Cluster)
            .await
    }
}

/// POST one signed message to `address`; whether it was answered 200.
async fn post(client: &reqwest::Client, address: &str, n: u32) -> bool {
    let body = message(n);
    let signature = asli::whatsapp::sign(APP_SECRET.as_bytes(), &body);
    client
        .post(format!("{address}/webhook"))
        .header("content-type", "application/json")
        .header("x-hub-signature-256", signature)
        .timeout(Duration::from_secs(10))
        .body(body)
        .send()
        .await
        .is_ok_and(|r| r.status() == 200)
}

/// Wait (up to 60 s) until `graph` has answered `count` messages.
async fn wait_for_answers(graph: &wiremock::MockServer, count: usize) {
    for _ in 0..600 {
        if answers(&[graph]).await.len() >= count {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

async fn two_instances_answer_every_message_once_when_meta_sends_each_to_both(kind: StoreKind) {
    const MESSAGES: u32 = 60;
    let state = StoreHandle::new(kind);
    let graph = start_graph().await;
    let a = Served::start(&state, &graph.uri(), &[("ASLI_WORKERS", "4")]).await;
    let b = Served::start(&state, &graph.uri(), &[("ASLI_WORKERS", "4")]).await;
    let client = reqwest::Client::new();
    // Meta retries and may deliver one update twice: each message goes to both instances at
    // once, plus a third copy to the first instance a little later.
    let posts = futures::stream::iter(0..MESSAGES)
        .map(|n| {
            let client = &client;
            let (a, b) = (&a.address, &b.address);
            async move {
                let (to_a, to_b) = tokio::join!(post(client, a, n), post(client, b, n));
                let again = post(client, a, n).await;
                (n, to_a && to_b && again)
            }
        })
        .buffer_unordered(8)
        .collect::<Vec<_>>()
        .await;
    for (n, ok) in &posts {
        assert!(ok, "message {n} was not accepted by both instances");
    }
    wait_for_answers(&graph, MESSAGES as usize).await;
    // Give a duplicate, if any, the time to show up.
    tokio::time::sleep(Duration::from_millis(500)).await;
    let counts = answers(&[&graph]).await;
    for n in 0..MESSAGES {
        assert_eq!(
            counts.get(&wamid(n)),
            Some(&1),
            "message {n} answered once: {counts:?}"
        );
    }
    if let Some(cluster) = &state.cluster {
        let keys = cluster.keys_per_node();
        assert!(
            keys.iter().all(|k| *k > 0),
            "every node of the cluster holds keys: {keys:?}"
        );
    }
}

async fn acknowledged_webhooks_survive_a_kill_9_in_the_middle_of_a_flood(kind: StoreKind) {
    const WORKERS: usize = 4;
    let state = StoreHandle::new(kind);
    let graph = start_graph().await;
    let mut served = Served::start(
        &state,
        &graph.uri(),
        &[
            ("ASLI_WORKERS", &WORKERS.to_string()),
            ("ASLI_JOB_LEASE_SECS", "1"),
        ],
    )
    .await;
    let client = reqwest::Client::new();
    let address = served.address.clone();
    let (acked_tx, mut acked_rx) = tokio::sync::mpsc::unbounded_channel();
    let flood = tokio::spawn({
        let client = client.clone();
        async move {
            futures::stream::iter(0..2_000u32)
                .for_each_concurrent(16, |n| {
                    let (client, address, acked) = (&client, &address, acked_tx.clone());
                    async move {
                        if post(client, address, n).await {
                            let _ = acked.send(n);
                        }
                    }
                })
                .await
        }
    });
    let mut acked = HashSet::new();
    while acked.len() < 150 {
        match tokio::time::timeout(Duration::from_secs(30), acked_rx.recv()).await {
            Ok(Some(n)) => {
                acked.insert(n);
            }
            _ => panic!(
                "the flood stalled after {} acknowledged webhooks",
                acked.len()
            ),
        }
    }
    served.signal("KILL");
    served.wait().await;
    flood
        .await
        .expect("the flood ends once the process is gone");
    while let Ok(n) = acked_rx.try_recv() {
        acked.insert(n);
    }

    let after = spawn_app_tweaked(&state, start_graph().await, fast_retry(), |s| {
        s.worker.job_lease = Duration::from_secs(1)
    })
    .await;
    for _ in 0..100 {
        after.drain().await;
        let stats = after.stores.inbox.stats().await.expect("stats");
        if stats.ready + stats.in_flight + stats.delayed == 0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let counts = answers(&[&graph, &after.graph]).await;
    let mut repeated = 0;
    for n in &acked {
        let times = counts.get(&wamid(*n)).copied().unwrap_or(0);
        assert!(times >= 1, "acknowledged message {n} was never answered");
        repeated += times - 1;
    }
    assert!(
        repeated <= WORKERS,
        "only the sends in flight at the kill may repeat; {repeated} did"
    );
}
