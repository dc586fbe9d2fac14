//! The full analysis of a typical message against registries of 100, 10,000 and 100,000
//! officials. Target: under 50 µs per message at 100,000 officials, flat in registry size.
//!
//! `cargo bench --bench verify -- --warm-up-time 1 --measurement-time 3`

use std::collections::HashSet;
use std::hint::black_box;
use std::sync::Arc;
use std::time::Instant;

use asli::phone::{E164, Region};
use asli::registry::{Official, OfficialId, OfficialStatus, PhoneEntry, RegistryIndex};
use asli::verify::{Analyzer, Input};
use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use time::OffsetDateTime;

const FIRST: &[&str] = &[
    "Arvind", "Sunita", "Rakesh", "Priya", "Mohan", "Kavita", "Suresh", "Anita", "Vijay", "Rekha",
    "Ajay", "Neha", "Manoj", "Pooja", "Sanjay", "Meena", "Ramesh", "Geeta", "Deepak", "Asha",
    "Ashok", "Nisha", "Anil", "Seema", "Rajesh", "Usha", "Sunil", "Lata", "Vinod", "Shobha",
    "Alok", "Ritu", "Naveen", "Sapna", "Pankaj", "Jyoti", "Gaurav", "Komal", "Rahul", "Swati",
    "Amit", "Payal", "Nitin", "Shweta", "Tarun", "Divya", "Varun", "Preeti", "Kunal", "Sneha",
];
const MIDDLE: &[&str] = &[
    "", "Kumar", "Prasad", "Singh", "Lal", "Chand", "Nath", "Dev", "Raj", "Mani", "Kant", "Pal",
    "Ram", "Shankar", "Narayan", "Gopal", "Mohan", "Kishore", "Prakash", "Bihari",
];
const LAST: &[&str] = &[
    "Mehta",
    "Verma",
    "Sharma",
    "Gupta",
    "Patel",
    "Joshi",
    "Yadav",
    "Mishra",
    "Tiwari",
    "Pandey",
    "Chauhan",
    "Rathore",
    "Dubey",
    "Saxena",
    "Srivastava",
    "Agrawal",
    "Jain",
    "Malviya",
    "Thakur",
    "Shukla",
    "Dwivedi",
    "Trivedi",
    "Bhatt",
    "Nair",
    "Iyer",
    "Reddy",
    "Rao",
    "Das",
    "Bose",
    "Ghosh",
    "Sen",
    "Kulkarni",
    "Deshmukh",
    "Patil",
    "Pawar",
    "Gill",
    "Sandhu",
    "Kapoor",
    "Khanna",
    "Malhotra",
    "Chopra",
    "Bhatia",
    "Sethi",
    "Arora",
    "Tandon",
    "Kohli",
    "Bajaj",
    "Goyal",
    "Bansal",
    "Mittal",
    "Singhal",
    "Garg",
    "Goel",
    "Jindal",
    "Kaushik",
    "Vyas",
    "Purohit",
    "Chaturvedi",
    "Upadhyay",
    "Awasthi",
    "Bajpai",
    "Nigam",
    "Khare",
    "Sinha",
    "Prasad",
    "Choudhary",
    "Mahajan",
    "Soni",
    "Sahu",
    "Kushwaha",
    "Maurya",
    "Patidar",
    "Dhakad",
    "Meena",
    "Bairwa",
    "Solanki",
    "Parmar",
    "Rajput",
    "Bundela",
    "Tomar",
    "Bhadoria",
    "Sikarwar",
    "Gurjar",
    "Jat",
    "Bishnoi",
    "Rawat",
    "Negi",
    "Bisht",
    "Rana",
    "Chandel",
    "Kanwar",
    "Jadon",
    "Kachhwaha",
    "Hada",
    "Jhala",
    "Gohil",
    "Vaghela",
    "Zala",
    "Desai",
    "Shah",
];
const POSTS: &[&str] = &[
    "Municipal Commissioner",
    "Chairperson",
    "Mayor",
    "Collector",
    "Superintendent of Police",
    "CEO",
    "Secretary",
    "Executive Engineer",
    "Deputy Commissioner",
    "Tehsildar",
];
const CITIES: &[&str] = &[
    "Dewas", "Indore", "Bhopal", "Ujjain", "Gwalior", "Jabalpur", "Sagar", "Ratlam", "Rewa",
    "Satna", "Katni", "Morena", "Bhind", "Shivpuri", "Guna", "Vidisha", "Sehore", "Mandsaur",
    "Neemuch", "Khandwa",
];

fn registry(size: usize) -> RegistryIndex {
    let now = OffsetDateTime::now_utc();
    let officials = (0..size)
        .map(|i| {
            let name = format!(
                "{} {} {}",
                FIRST[i % FIRST.len()],
                MIDDLE[(i / FIRST.len()) % MIDDLE.len()],
                LAST[(i / (FIRST.len() * MIDDLE.len())) % LAST.len()]
            )
            .replace("  ", " ");
            let city = CITIES[(i / 7) % CITIES.len()];
            let org = format!("{city} Office {}", i / 70);
            let number = E164::parse(&format!("+9170{:08}", i + 1), Region::INDIA)
                .expect("generated numbers are valid Indian mobiles");
            Official {
                id: OfficialId::parse(&format!("off_{i:08}")).expect("valid id"),
                name,
                aliases: Vec::new(),
                designation: POSTS[i % POSTS.len()].to_string(),
                designation_aliases: Vec::new(),
                organization: org,
                phones: vec![PhoneEntry {
                    number,
                    label: "official".to_string(),
                }],
                status: OfficialStatus::Active,
                notes: String::new(),
                valid_from: None,
                valid_until: None,
                created_at: now,
                updated_at: now,
                version: 1,
            }
        })
        .collect();
    RegistryIndex::new(1, officials, HashSet::new())
}

/// The scam as it arrives: a name, a meeting, gift cards, a promise, a Sri Lankan number.
const TYPICAL: &str = "Hello, I am Arvind Mehta, Municipal Commissioner. I am in a meeting right now and \
    can't take calls. Can you get me 5 Amazon gift cards of Rs 10,000 each? Send the codes here, \
    I will pay you back today. My new number: +94 71 234 5678";

fn bench(c: &mut Criterion) {
    let mut group = c.benchmark_group("analyze_typical_message");
    for size in [100usize, 10_000, 100_000] {
        let started = Instant::now();
        let analyzer = Analyzer::new(Arc::new(registry(size)), Region::INDIA);
        eprintln!(
            "registry of {size}: index + analyzer built in {:.2?}",
            started.elapsed()
        );
        let now = OffsetDateTime::now_utc();
        let input = Input {
            text: TYPICAL,
            staff_organization: Some("Dewas Office 0"),
            ..Input::default()
        };
        let sanity = analyzer.analyze(&input, now);
        assert_eq!(sanity.verdict.code(), "impersonation");
        group.bench_with_input(BenchmarkId::from_parameter(size), &analyzer, |b, a| {
            b.iter(|| a.analyze(black_box(&input), now))
        });
    }
    group.finish();
}

/// Where the time of one analysis goes: the parts that do not depend on the registry.
fn parts(c: &mut Criterion) {
    let mut group = c.benchmark_group("parts");
    group.bench_function("phone_parse", |b| {
        b.iter(|| E164::parse(black_box("+94 71 234 5678"), Region::INDIA))
    });
    group.bench_function("numbers_in_text", |b| {
        b.iter(|| asli::verify::numbers::in_text(black_box(TYPICAL), Region::INDIA))
    });
    group.bench_function("signals_find", |b| {
        b.iter(|| asli::verify::signals::find(black_box(TYPICAL)))
    });
    group.bench_function("render_notice", |b| {
        b.iter(|| {
            asli::verify::render_notice(
                black_box(asli::verify::Notice::Help),
                asli::verify::Language::En,
            )
        })
    });
    group.finish();
}

criterion_group!(benches, parts, bench);
criterion_main!(benches);
