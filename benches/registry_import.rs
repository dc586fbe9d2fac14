//! Importing 10,000 officials (CSV) into an empty embedded store, in one atomic commit.
//! Target (issue 5): well under a second. Also the pure part (parse + validate) alone.
//!
//! `cargo bench --bench registry_import -- --warm-up-time 1 --measurement-time 5`

use std::sync::Arc;

use asli::phone::Region;
use asli::registry::{ImportFormat, RegistryService, csv_io};
use asli::store::embedded::EmbeddedStore;
use criterion::{BatchSize, Criterion, criterion_group, criterion_main};

fn csv(rows: u32) -> Vec<u8> {
    let mut s = String::from("name,aliases,designation,organization,phones\n");
    for n in 0..rows {
        s.push_str(&format!(
            "Official {n},अधिकारी {n},Clerk,Devgarh MC,+917001{n:06}:official|+917002{n:06}:pa\n"
        ));
    }
    s.into_bytes()
}

fn import(c: &mut Criterion) {
    let body = csv(10_000);
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    c.bench_function("parse_10k_csv_rows", |b| {
        b.iter(|| csv_io::parse_import(&body, ImportFormat::Csv).expect("parses"))
    });
    let mut group = c.benchmark_group("import");
    group.sample_size(10);
    group.bench_function("import_10k_rows_into_embedded_store", |b| {
        b.iter_batched(
            || {
                let dir = tempfile::tempdir().expect("temp dir");
                let store = EmbeddedStore::open(dir.path()).expect("store");
                (
                    dir,
                    RegistryService::new(asli::store::Stores::of(Arc::new(store)), Region::INDIA),
                )
            },
            |(dir, service)| {
                let report = rt
                    .block_on(service.import_file_bytes(&body, "text/csv", "bench", false))
                    .expect("imports");
                assert_eq!(report.created.len(), 10_000);
                drop(dir);
            },
            BatchSize::PerIteration,
        )
    });
    group.finish();
}

criterion_group!(benches, import);
criterion_main!(benches);
