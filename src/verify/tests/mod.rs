//! Table tests of the verification engine against a small registry.

mod claims_table;
mod numbers_table;
mod replies;
mod signals_table;
mod verdicts_table;

use std::collections::HashSet;
use std::sync::{Arc, LazyLock};

use time::OffsetDateTime;
use time::macros::datetime;

use super::{Analysis, Analyzer, CardPhone, ContactCard, Input};
use crate::phone::{E164, Region};
use crate::registry::{Official, OfficialId, OfficialStatus, PhoneEntry, RegistryIndex};

/// "Now" for every test: the registry's validity dates are read against it.
pub(super) const NOW: OffsetDateTime = datetime!(2026-11-28 12:00 UTC);

fn official(
    id: &str,
    name: &str,
    aliases: &[&str],
    designation: &str,
    designation_aliases: &[&str],
    organization: &str,
    phone: &str,
) -> Official {
    Official {
        id: OfficialId::parse(id).expect("test ids are valid"),
        name: name.to_string(),
        aliases: aliases.iter().map(|s| s.to_string()).collect(),
        designation: designation.to_string(),
        designation_aliases: designation_aliases.iter().map(|s| s.to_string()).collect(),
        organization: organization.to_string(),
        phones: vec![PhoneEntry {
            number: E164::parse(phone, Region::INDIA).expect("test numbers are valid"),
            label: "official".to_string(),
        }],
        status: OfficialStatus::Active,
        notes: String::new(),
        valid_from: None,
        valid_until: None,
        created_at: NOW,
        updated_at: NOW,
        version: 1,
    }
}

/// The test registry: Dewas's commissioner and chairperson, Indore's commissioner, a collector
/// whose name hides in longer words, a retired deputy, and one reported number.
pub(super) fn registry() -> RegistryIndex {
    let mut retired = official(
        "off_retired",
        "Mohan Das",
        &["मोहन दास"],
        "Deputy Commissioner",
        &[],
        "Dewas Municipal Corporation",
        "+917000000005",
    );
    retired.status = OfficialStatus::Revoked;
    let officials = vec![
        official(
            "off_mehta",
            "Arvind Mehta",
            &["अरविंद मेहता", "A. Mehta"],
            "Municipal Commissioner",
            &["Commissioner", "निगमायुक्त", "आयुक्त", "कमिश्नर"],
            "Dewas Municipal Corporation",
            "+917000000001",
        ),
        official(
            "off_verma",
            "Sunita Verma",
            &["सुनीता वर्मा"],
            "Chairperson",
            &[],
            "Dewas Municipal Corporation",
            "+917000000002",
        ),
        official(
            "off_sharma",
            "Rakesh Sharma",
            &["राकेश शर्मा"],
            "Municipal Commissioner",
            &[],
            "Indore Municipal Corporation",
            "+917000000003",
        ),
        official(
            "off_rajkumar",
            "Raj Kumar",
            &["राज कुमार"],
            "Collector",
            &[],
            "Dewas District",
            "+917000000004",
        ),
        retired,
    ];
    let reported: HashSet<E164> = [E164::parse("+919812345678", Region::INDIA).expect("valid")]
        .into_iter()
        .collect();
    RegistryIndex::new(7, officials, reported)
}

/// One analyzer for all tests (India as home region).
pub(super) static ANALYZER: LazyLock<Analyzer> =
    LazyLock::new(|| Analyzer::new(Arc::new(registry()), Region::INDIA));

/// Analyse a text alone.
pub(super) fn text(t: &str) -> Analysis {
    ANALYZER.analyze(&Input::text(t), NOW)
}

/// A contact card with a name and one number.
pub(super) fn card(name: &str, phone: Option<&str>, wa_id: Option<&str>) -> ContactCard {
    ContactCard {
        name: Some(name.to_string()),
        phones: vec![CardPhone {
            phone: phone.map(str::to_string),
            wa_id: wa_id.map(str::to_string),
        }],
        ..ContactCard::default()
    }
}

#[test]
fn the_analyzer_reports_its_registry_version() {
    assert_eq!(ANALYZER.registry_version(), 7);
}
