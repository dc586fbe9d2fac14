//! Conformance cases for the registry and incidents.

use time::OffsetDateTime;

use crate::phone::E164;
use crate::registry::{AuditEntry, Official, OfficialId, OfficialStatus, PhoneEntry};
use crate::store::{Incident, StoreError, Stores};

/// An official for tests, with one number derived from `n`; the same arguments give an
/// equal official (fixed timestamps), so tests can compare what they read back.
pub fn sample_official(id: &str, n: u32) -> Official {
    let now = time::macros::datetime!(2026-01-15 09:30:00 UTC);
    Official {
        id: OfficialId::parse(id).expect("test ids are valid"),
        name: format!("Official {n}"),
        aliases: vec![format!("O. {n}")],
        designation: "Municipal Commissioner".to_string(),
        designation_aliases: vec!["Commissioner".to_string()],
        organization: "Dewas Municipal Corporation".to_string(),
        phones: vec![PhoneEntry {
            number: E164::from_wa_id(&format!("9170{n:08}")).expect("valid test number"),
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
}

fn audit(action: &str, id: &str) -> AuditEntry {
    AuditEntry {
        seq: 0,
        at: OffsetDateTime::now_utc(),
        actor: "admin".to_string(),
        action: action.to_string(),
        official_id: OfficialId::parse(id),
        before: None,
        after: Some(serde_json::json!({ "id": id })),
    }
}

/// A new store has an empty registry at version 0.
pub async fn an_empty_registry_is_at_version_zero(stores: &Stores) {
    assert_eq!(
        stores.registry.registry_version().await.expect("version"),
        0
    );
    let snapshot = stores.registry.load_registry().await.expect("load");
    assert_eq!(snapshot.version, 0);
    assert!(snapshot.officials.is_empty());
    assert!(
        stores
            .registry
            .audit_log(0, 10)
            .await
            .expect("audit")
            .is_empty()
    );
}

/// What a commit writes loads back, ordered by id; puts replace by id.
pub async fn a_committed_registry_loads_back_ordered_by_id(stores: &Stores) {
    let b = sample_official("off_b", 2);
    let a = sample_official("off_a", 1);
    let v1 = stores
        .registry
        .commit_registry(0, &[b.clone(), a.clone()], &[])
        .await
        .expect("commit");
    assert_eq!(v1, 1);
    let mut b2 = b.clone();
    b2.status = OfficialStatus::Revoked;
    b2.version = 2;
    assert_eq!(
        stores
            .registry
            .commit_registry(1, &[b2.clone()], &[])
            .await
            .expect("commit"),
        2
    );
    assert_eq!(
        stores.registry.registry_version().await.expect("version"),
        2
    );
    let snapshot = stores.registry.load_registry().await.expect("load");
    assert_eq!(snapshot.version, 2);
    assert_eq!(snapshot.officials, vec![a, b2]);
}

/// A commit against an old version fails with `Conflict` and changes nothing.
pub async fn a_commit_against_a_stale_version_conflicts_and_writes_nothing(stores: &Stores) {
    let a = sample_official("off_a", 1);
    stores
        .registry
        .commit_registry(0, std::slice::from_ref(&a), &[audit("create", "off_a")])
        .await
        .expect("commit");
    let stale = stores
        .registry
        .commit_registry(
            0,
            &[sample_official("off_z", 9)],
            &[audit("create", "off_z")],
        )
        .await;
    assert!(
        matches!(stale, Err(StoreError::Conflict { expected: 0 })),
        "{stale:?}"
    );
    let ahead = stores.registry.commit_registry(5, &[], &[]).await;
    assert!(
        matches!(ahead, Err(StoreError::Conflict { expected: 5 })),
        "{ahead:?}"
    );
    let snapshot = stores.registry.load_registry().await.expect("load");
    assert_eq!((snapshot.version, snapshot.officials), (1, vec![a]));
    assert_eq!(
        stores.registry.audit_log(0, 10).await.expect("audit").len(),
        1
    );
}

/// Audit entries get seq 1, 2, 3… across commits; `after` and `limit` page through them.
pub async fn audit_entries_are_numbered_from_one_and_paged(stores: &Stores) {
    let first = [audit("create", "off_a"), audit("create", "off_b")];
    stores
        .registry
        .commit_registry(0, &[], &first)
        .await
        .expect("commit");
    stores
        .registry
        .commit_registry(1, &[], &[audit("retire", "off_a")])
        .await
        .expect("commit");
    let all = stores.registry.audit_log(0, 100).await.expect("audit");
    let seqs: Vec<u64> = all.iter().map(|e| e.seq).collect();
    assert_eq!(seqs, [1, 2, 3]);
    assert_eq!(all[2].action, "retire");
    assert_eq!(all[0].official_id, OfficialId::parse("off_a"));
    let page = stores.registry.audit_log(1, 1).await.expect("page");
    assert_eq!(page.len(), 1);
    assert_eq!((page[0].seq, page[0].action.as_str()), (2, "create"));
    assert!(
        stores
            .registry
            .audit_log(3, 10)
            .await
            .expect("end")
            .is_empty()
    );
    assert!(
        stores
            .registry
            .audit_log(0, 0)
            .await
            .expect("no limit")
            .is_empty()
    );
}

/// Thousands of officials go in one commit and come back whole.
pub async fn a_large_registry_commits_in_one_step(stores: &Stores) {
    let officials: Vec<Official> = (0..3000)
        .map(|n| sample_official(&format!("off_{n:05}"), n))
        .collect();
    let entries: Vec<AuditEntry> = (0..3000)
        .map(|n| audit("import", &format!("off_{n:05}")))
        .collect();
    assert_eq!(
        stores
            .registry
            .commit_registry(0, &officials, &entries)
            .await
            .expect("commit"),
        1
    );
    let snapshot = stores.registry.load_registry().await.expect("load");
    assert_eq!(snapshot.officials.len(), 3000);
    assert_eq!(snapshot.officials[1234], officials[1234]);
    assert_eq!(
        stores.registry.audit_log(2999, 10).await.expect("audit")[0].seq,
        3000
    );
}

/// Reporters count once each; claimed ids are kept once each in first-claim order.
pub async fn incidents_count_distinct_reporters_and_claims_in_first_order(stores: &Stores) {
    let n = "+94770000001";
    let claims = |ids: &[&str]| ids.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    let first = stores
        .incidents
        .record_incident(n, "r1", &claims(&["off_b"]), 1_000)
        .await
        .expect("record");
    assert_eq!(
        (first.reporters, first.first_seen, first.last_seen),
        (1, 1_000, 1_000)
    );
    stores
        .incidents
        .record_incident(n, "r1", &claims(&["off_a", "off_b"]), 2_000)
        .await
        .expect("record");
    let last = stores
        .incidents
        .record_incident(n, "r2", &[], 3_000)
        .await
        .expect("record");
    assert_eq!(last.number, n);
    assert_eq!(last.reporters, 2);
    assert_eq!((last.first_seen, last.last_seen), (1_000, 3_000));
    assert_eq!(last.claimed, ["off_b", "off_a"]);
    assert_eq!(
        stores.incidents.incidents(None, 10).await.expect("list"),
        vec![last]
    );
}

/// Incidents come ordered by number, paged with `after` and `limit`.
pub async fn incidents_are_listed_by_number_and_paged(stores: &Stores) {
    for n in ["+94770000003", "+94770000001", "+94770000002"] {
        stores
            .incidents
            .record_incident(n, "r", &[], 10)
            .await
            .expect("record");
    }
    let numbers = |list: Vec<Incident>| list.into_iter().map(|i| i.number).collect::<Vec<_>>();
    assert_eq!(
        numbers(stores.incidents.incidents(None, 10).await.expect("list")),
        ["+94770000001", "+94770000002", "+94770000003"]
    );
    assert_eq!(
        numbers(
            stores
                .incidents
                .incidents(Some("+94770000001"), 1)
                .await
                .expect("page")
        ),
        ["+94770000002"]
    );
    assert!(
        stores
            .incidents
            .incidents(Some("+94770000003"), 10)
            .await
            .expect("end")
            .is_empty()
    );
}

/// Recording the same report again changes nothing but when it was last seen.
pub async fn recording_a_report_again_changes_only_last_seen(stores: &Stores) {
    let n = "+94770000009";
    let claims = vec!["off_a".to_string()];
    let first = stores
        .incidents
        .record_incident(n, "r1", &claims, 100)
        .await
        .expect("record");
    let again = stores
        .incidents
        .record_incident(n, "r1", &claims, 200)
        .await
        .expect("record again");
    assert_eq!(
        (
            again.reporters,
            again.first_seen,
            again.last_seen,
            &again.claimed
        ),
        (first.reporters, 100, 200, &first.claimed)
    );
}
