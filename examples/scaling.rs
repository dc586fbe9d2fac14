//! How the work on one input grows with its size, for the three entry points anyone can feed
//! (issue 8): number extraction, the whole analysis, and the webhook parser. For each family
//! of hostile input it doubles the size and prints the time and the ratio to the previous
//! size: about 2 is linear, about 4 would be quadratic. The property tests (tests/properties)
//! check that nothing panics; this checks that nothing is super-linear.
//!
//! ```text
//! cargo run --release --example scaling
//! ```

use std::hint::black_box;
use std::time::{Duration, Instant};

use asli::phone::Region;
use asli::verify::numbers::in_text;
use asli::verify::{Analyzer, Input};
use asli::whatsapp::inbound::WebhookPayload;
use serde_json::json;
use time::OffsetDateTime;

#[path = "../tests/properties/sample.rs"]
mod sample;

/// Input sizes, in repetitions of a family's unit.
const SIZES: [usize; 6] = [500, 1_000, 2_000, 4_000, 8_000, 16_000];

/// A family of hostile text: its name and the text of `n` units.
type Family = (&'static str, fn(usize) -> String);

const TEXTS: [Family; 9] = [
    ("one run of single digits  `1 1 1 …`", |n| "1 ".repeat(n)),
    ("runs of 7 digits  `x 1234567 …`", |n| {
        "x 1234567 ".repeat(n)
    }),
    ("runs refused by context  `Rs 1234567 …`", |n| {
        "Rs 1234567 ".repeat(n)
    }),
    ("digits between dashes  `12345 - - … 6`", |n| {
        format!("12345 {}6", "- ".repeat(n))
    }),
    ("a title, repeated  `commissioner …`", |n| {
        "commissioner ".repeat(n)
    }),
    ("a registered name, repeated", |n| "Arvind Mehta ".repeat(n)),
    ("scam words, repeated", |n| {
        "urgent gift card Amazon kisi ko mat batana ".repeat(n)
    }),
    ("Devanagari, combining and invisible marks", |n| {
        "अ\u{093C}\u{0301}\u{200D}र\u{094D}\u{200C}व\u{202E}\u{FEFF}ि ".repeat(n)
    }),
    ("Devanagari digits with separators", |n| {
        "+९१ ७००००-".repeat(n)
    }),
];

fn main() {
    let analyzer = sample::sample_analyzer();
    let now = OffsetDateTime::now_utc();
    println!(
        "input family | units | text chars | extract numbers | analyse | (ratio to the previous size)"
    );
    println!("---|---:|---:|---:|---:|");
    for (name, make) in TEXTS {
        let mut previous: Option<(Duration, Duration)> = None;
        for n in SIZES {
            let text = make(n);
            let numbers = time(|| {
                black_box(in_text(black_box(&text), Region::INDIA));
            });
            let analysis = time(|| {
                black_box(analyze(&analyzer, &text, now));
            });
            let ratio = |now: Duration, before: Option<Duration>| match before {
                Some(b) if !b.is_zero() => {
                    format!(" ({:.1}×)", now.as_secs_f64() / b.as_secs_f64())
                }
                _ => String::new(),
            };
            println!(
                "{name} | {n} | {} | {:?}{} | {:?}{} |",
                text.chars().count(),
                numbers,
                ratio(numbers, previous.map(|p| p.0)),
                analysis,
                ratio(analysis, previous.map(|p| p.1)),
            );
            previous = Some((numbers, analysis));
        }
    }
    println!();
    println!("webhook messages | body bytes | parse + updates |");
    println!("---:|---:|---:|");
    let mut previous: Option<Duration> = None;
    for n in SIZES.map(|n| n / 4) {
        let body = webhook_with(n);
        let parsed = time(|| {
            let payload = WebhookPayload::parse(black_box(&body)).expect("a valid body");
            black_box(payload.updates());
        });
        let ratio = previous
            .map(|p| format!(" ({:.1}×)", parsed.as_secs_f64() / p.as_secs_f64()))
            .unwrap_or_default();
        println!("{n} | {} | {parsed:?}{ratio} |", body.len());
        previous = Some(parsed);
    }
}

/// The reply, after checking the invariants the property tests check.
fn analyze(analyzer: &Analyzer, text: &str, now: OffsetDateTime) -> String {
    let analysis = analyzer.analyze(&Input::text(text), now);
    if let Some(broken) = sample::broken_invariant(&analysis) {
        panic!("{broken}");
    }
    analysis.reply
}

/// The fastest of a few runs (the others are the machine's noise).
fn time(mut f: impl FnMut()) -> Duration {
    (0..5)
        .map(|_| {
            let started = Instant::now();
            f();
            started.elapsed()
        })
        .min()
        .unwrap_or_default()
}

/// A batch of `n` text messages, each with a unicode escape and a `\/`, as Meta writes them.
fn webhook_with(n: usize) -> Vec<u8> {
    let messages: Vec<_> = (0..n)
        .map(|i| {
            json!({
                "from": "919876543210",
                "id": format!("wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQz{i:08}"),
                "timestamp": "1749416383",
                "type": "text",
                "text": {"body": "caf\u{e9} http://x.example/a Main meeting mein hoon +94 71 234 5678"}
            })
        })
        .collect();
    json!({
        "object": "whatsapp_business_account",
        "entry": [{"id": "102290129340398", "changes": [{"field": "messages", "value": {
            "messaging_product": "whatsapp",
            "metadata": {"display_phone_number": "15550783881", "phone_number_id": "106540352242922"},
            "contacts": [{"profile": {"name": "Sheena"}, "wa_id": "919876543210"}],
            "messages": messages
        }}]}]
    })
    .to_string()
    .into_bytes()
}
