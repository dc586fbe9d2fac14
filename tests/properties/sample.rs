//! What the property tests and the fuzz targets (`fuzz/fuzz_targets/`) share: the fictional
//! sample registry (`samples/registry.csv`) as an [`Analyzer`] built without a store, and the
//! invariants every analysis keeps.

use std::collections::HashSet;
use std::sync::Arc;

use asli::phone::Region;
use asli::registry::csv_io::parse_import;
use asli::registry::validate::validate_new;
use asli::registry::{ImportFormat, Official, OfficialId, RegistryIndex};
use asli::verify::numbers::MAX_NUMBERS;
use asli::verify::{Analysis, Analyzer, MAX_PENDING_CHARS};
use time::OffsetDateTime;

/// An analyzer over the sample registry, deployed in India.
pub fn sample_analyzer() -> Analyzer {
    let csv = include_bytes!("../../samples/registry.csv");
    let rows = parse_import(csv, ImportFormat::Csv).expect("the sample registry reads");
    let officials: Vec<Official> = rows
        .into_iter()
        .enumerate()
        .map(|(i, row)| {
            let (id, input) = row.into_parts();
            let fields = validate_new(&input, Region::INDIA).expect("the sample registry is valid");
            let id = id
                .and_then(|id| OfficialId::parse(&id))
                .unwrap_or_else(|| OfficialId::parse(&format!("off_{i}")).expect("an id"));
            fields.into_official(id, OffsetDateTime::UNIX_EPOCH)
        })
        .collect();
    let index = RegistryIndex::new(1, officials, HashSet::new());
    Analyzer::new(Arc::new(index), Region::INDIA)
}

/// The headline words of the contract (§3): every reply's first line carries one.
const HEADLINES: &[&str] = &[
    "GENUINE",
    "FAKE",
    "RETIRED",
    "REPORTED",
    "LIKELY SCAM",
    "UNVERIFIED",
    "NEED NUMBER",
];

/// What every analysis keeps, whatever the input: a headline word on the reply's first line,
/// at most [`MAX_NUMBERS`] numbers, a remembered text within [`MAX_PENDING_CHARS`].
pub fn broken_invariant(analysis: &Analysis) -> Option<String> {
    let first_line = analysis.reply.lines().next().unwrap_or_default();
    if !HEADLINES.iter().any(|h| first_line.contains(h)) {
        return Some(format!("no headline word in {first_line:?}"));
    }
    if analysis.numbers.len() > MAX_NUMBERS {
        return Some(format!("{} numbers", analysis.numbers.len()));
    }
    match &analysis.pending {
        Some(p) if p.text.chars().count() > MAX_PENDING_CHARS => Some(format!(
            "a remembered text of {} characters",
            p.text.chars().count()
        )),
        _ => None,
    }
}
