//! The fictional sample registry (`samples/registry.csv`) as an [`Analyzer`], built without a
//! store. Shared by the property tests and the fuzz targets (`fuzz/fuzz_targets/`).

use std::collections::HashSet;
use std::sync::Arc;

use asli::phone::Region;
use asli::registry::csv_io::parse_import;
use asli::registry::validate::validate_new;
use asli::registry::{ImportFormat, Official, OfficialId, OfficialStatus, RegistryIndex};
use asli::verify::Analyzer;
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
            let mut official = Official {
                id,
                name: String::new(),
                aliases: Vec::new(),
                designation: String::new(),
                designation_aliases: Vec::new(),
                organization: String::new(),
                phones: Vec::new(),
                status: OfficialStatus::Active,
                notes: String::new(),
                valid_from: None,
                valid_until: None,
                created_at: OffsetDateTime::UNIX_EPOCH,
                updated_at: OffsetDateTime::UNIX_EPOCH,
                version: 1,
            };
            fields.apply_to(&mut official);
            official
        })
        .collect();
    let index = RegistryIndex::new(1, officials, HashSet::new());
    Analyzer::new(Arc::new(index), Region::INDIA)
}
