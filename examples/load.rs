//! Load generator for `asli serve`: signed webhooks with unique message ids at a fixed rate,
//! against a local fake Graph API that timestamps every reply. Prints throughput, webhook →
//! reply latency percentiles and how many messages got no reply (lost).
//!
//! Run through `scripts/load.sh`, which builds asli in release mode, starts a private Redis
//! and asli pointed at this tool's fake Graph API. Only 127.0.0.1 is ever contacted.
//!
//! ```text
//! cargo run --release --example load -- --rate 500 --seconds 10
//! ```

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use actix_web::{App, HttpResponse, HttpServer, web};
use asli::simulate::{envelope, messages_value, meta_bytes, text_message};
use clap::Parser;

/// Load options.
#[derive(Debug, Parser)]
struct Args {
    /// asli's base URL.
    #[arg(long, default_value = "http://127.0.0.1:8080")]
    target: String,
    /// Port of the fake Graph API this tool serves (asli's WHATSAPP_GRAPH_URL).
    #[arg(long, default_value_t = 9099)]
    graph_port: u16,
    /// Webhooks per second.
    #[arg(long, default_value_t = 500)]
    rate: u32,
    /// How long to send.
    #[arg(long, default_value_t = 10)]
    seconds: u32,
    /// The app secret asli verifies signatures with.
    #[arg(long, default_value = "load-app-secret")]
    secret: String,
    /// How long to wait for the last replies after sending stops.
    #[arg(long, default_value_t = 15)]
    drain_seconds: u64,
}

type Clock = Arc<Mutex<HashMap<String, Instant>>>;
/// Replies received for a message that had already been answered.
type Duplicates = Arc<std::sync::atomic::AtomicUsize>;

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let args = Args::parse();
    let replies: Clock = Arc::default();
    let duplicates: Duplicates = Arc::default();
    let graph = {
        let (replies, duplicates) = (replies.clone(), duplicates.clone());
        HttpServer::new(move || {
            App::new()
                .app_data(web::Data::new(replies.clone()))
                .app_data(web::Data::new(duplicates.clone()))
                .app_data(web::PayloadConfig::new(1 << 20))
                .route("/{version}/{phone}/messages", web::post().to(fake_send))
        })
        .bind(("127.0.0.1", args.graph_port))?
        .run()
    };
    let graph_handle = graph.handle();
    tokio::spawn(graph);

    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(256)
        .timeout(Duration::from_secs(10))
        .build()
        .expect("http client");
    let total = args.rate as usize * args.seconds as usize;
    let sent: Clock = Arc::default();
    let failures = Arc::new(Mutex::new(0usize));
    let started = Instant::now();
    let mut ticker = tokio::time::interval(Duration::from_secs_f64(1.0 / f64::from(args.rate)));
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Burst);
    let mut tasks = Vec::with_capacity(total);
    for n in 0..total {
        ticker.tick().await;
        let (client, sent, failures) = (client.clone(), sent.clone(), failures.clone());
        let (url, secret) = (format!("{}/webhook", args.target), args.secret.clone());
        tasks.push(tokio::spawn(async move {
            let id = format!("wamid.LOAD{n:09}{}", uuid::Uuid::new_v4().simple());
            // Every message comes from its own staff member, so no per-sender limit applies.
            let from = format!("9198{:08}", n % 100_000_000);
            let body = meta_bytes(&envelope(vec![messages_value(
                &from,
                vec![text_message(
                    &id,
                    &from,
                    "Is this the commissioner? +91 70000 00001",
                    true,
                )],
            )]));
            let signature = asli::whatsapp::sign(secret.as_bytes(), &body);
            sent.lock().unwrap().insert(id.clone(), Instant::now());
            let ok = client
                .post(&url)
                .header("content-type", "application/json")
                .header("x-hub-signature-256", signature)
                .body(body)
                .send()
                .await
                .map(|r| r.status().is_success())
                .unwrap_or(false);
            if !ok {
                *failures.lock().unwrap() += 1;
            }
        }));
    }
    for t in tasks {
        let _ = t.await;
    }
    let send_elapsed = started.elapsed();
    let deadline = Instant::now() + Duration::from_secs(args.drain_seconds);
    while replies.lock().unwrap().len() < total && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    graph_handle.stop(false).await;
    report(
        &args,
        total,
        send_elapsed,
        &sent,
        &replies,
        *failures.lock().unwrap(),
        duplicates.load(std::sync::atomic::Ordering::Relaxed),
    );
    Ok(())
}

async fn fake_send(
    body: web::Bytes,
    replies: web::Data<Clock>,
    duplicates: web::Data<Duplicates>,
) -> HttpResponse {
    let now = Instant::now();
    let value: serde_json::Value = serde_json::from_slice(&body).unwrap_or_default();
    if value.get("status").is_some() {
        return HttpResponse::Ok().json(serde_json::json!({"success": true}));
    }
    if let Some(id) = value["context"]["message_id"].as_str() {
        let mut replies = replies.lock().unwrap();
        if replies.contains_key(id) {
            duplicates.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        } else {
            replies.insert(id.to_string(), now);
        }
    }
    HttpResponse::Ok().json(serde_json::json!({
        "messaging_product": "whatsapp",
        "contacts": [{"input": value["to"], "wa_id": "0"}],
        "messages": [{"id": format!("wamid.FAKE{}", uuid::Uuid::new_v4().simple())}]
    }))
}

fn report(
    args: &Args,
    total: usize,
    send_elapsed: Duration,
    sent: &Clock,
    replies: &Clock,
    failures: usize,
    duplicates: usize,
) {
    let sent = sent.lock().unwrap();
    let replies = replies.lock().unwrap();
    let mut latencies: Vec<Duration> = sent
        .iter()
        .filter_map(|(id, at)| replies.get(id).map(|r| r.saturating_duration_since(*at)))
        .collect();
    latencies.sort();
    let pct = |p: f64| -> f64 {
        if latencies.is_empty() {
            return f64::NAN;
        }
        let i = ((latencies.len() as f64 - 1.0) * p).round() as usize;
        latencies[i].as_secs_f64() * 1000.0
    };
    let first = sent.values().min().copied();
    let last = replies.values().max().copied();
    let span = match (first, last) {
        (Some(f), Some(l)) => l.saturating_duration_since(f).as_secs_f64(),
        _ => f64::NAN,
    };
    println!(
        "target rate        {} webhooks/s for {} s",
        args.rate, args.seconds
    );
    println!(
        "sent               {total} in {:.2} s ({:.0}/s)",
        send_elapsed.as_secs_f64(),
        total as f64 / send_elapsed.as_secs_f64()
    );
    println!("webhook non-200    {failures}");
    println!(
        "replies            {} ({:.0}/s over {:.2} s)",
        replies.len(),
        replies.len() as f64 / span,
        span
    );
    println!("lost (no reply)    {}", total - latencies.len());
    println!("duplicate replies  {duplicates}");
    println!(
        "latency ms         p50 {:.1}  p90 {:.1}  p99 {:.1}  max {:.1}",
        pct(0.50),
        pct(0.90),
        pct(0.99),
        pct(1.0)
    );
}
