//! Conformance cases for ephemeral values, counters, the registry and incidents.

use std::time::Duration;

use time::OffsetDateTime;

use crate::phone::E164;
use crate::registry::{AuditEntry, Official, OfficialId, OfficialStatus, PhoneEntry};
use crate::store::{Incident, Store, StoreError};

const TTL: Duration = Duration::from_secs(600);

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

/// Ephemeral values: put overwrites, get reads, take reads once.
pub async fn ephemeral_values_can_be_put_read_and_taken_once(store: &dyn Store) {
    assert_eq!(store.get_ephemeral("k").await.expect("get"), None);
    store.put_ephemeral("k", b"v1", TTL).await.expect("put");
    store
        .put_ephemeral("k", b"v2", TTL)
        .await
        .expect("overwrite");
    assert_eq!(
        store.get_ephemeral("k").await.expect("get"),
        Some(b"v2".to_vec())
    );
    assert_eq!(
        store.take_ephemeral("k").await.expect("take"),
        Some(b"v2".to_vec())
    );
    assert_eq!(store.take_ephemeral("k").await.expect("take again"), None);
    assert_eq!(store.get_ephemeral("k").await.expect("get"), None);
}

/// put-if-absent sets only when nothing live is there.
pub async fn put_if_absent_only_sets_a_missing_or_expired_key(store: &dyn Store) {
    let short = Duration::from_millis(200);
    assert!(
        store
            .put_ephemeral_if_absent("k", b"first", short)
            .await
            .expect("put")
    );
    assert!(
        !store
            .put_ephemeral_if_absent("k", b"second", TTL)
            .await
            .expect("put")
    );
    assert_eq!(
        store.get_ephemeral("k").await.expect("get"),
        Some(b"first".to_vec())
    );
    tokio::time::sleep(Duration::from_millis(400)).await;
    assert!(
        store
            .put_ephemeral_if_absent("k", b"third", TTL)
            .await
            .expect("put")
    );
    assert_eq!(
        store.get_ephemeral("k").await.expect("get"),
        Some(b"third".to_vec())
    );
}

/// An ephemeral value is gone after its TTL, for get and take alike.
pub async fn ephemeral_values_expire(store: &dyn Store) {
    let short = Duration::from_millis(200);
    store.put_ephemeral("a", b"1", short).await.expect("put");
    store.put_ephemeral("b", b"2", short).await.expect("put");
    store.put_ephemeral("kept", b"3", TTL).await.expect("put");
    tokio::time::sleep(Duration::from_millis(400)).await;
    assert_eq!(store.get_ephemeral("a").await.expect("get"), None);
    assert_eq!(store.take_ephemeral("b").await.expect("take"), None);
    assert_eq!(
        store.get_ephemeral("kept").await.expect("get"),
        Some(b"3".to_vec())
    );
}

/// Counters: a fixed window that later increments do not extend.
pub async fn a_counter_counts_within_a_fixed_window_then_starts_again(store: &dyn Store) {
    let window = Duration::from_millis(500);
    assert_eq!(store.incr_counter("c", window).await.expect("incr"), 1);
    assert_eq!(store.incr_counter("c", window).await.expect("incr"), 2);
    assert_eq!(store.incr_counter("other", window).await.expect("incr"), 1);
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(store.incr_counter("c", window).await.expect("incr"), 3);
    // 700 ms after the first increment: the window (not extended by the third) is over.
    tokio::time::sleep(Duration::from_millis(400)).await;
    assert_eq!(store.incr_counter("c", window).await.expect("incr"), 1);
}

/// A new store has an empty registry at version 0.
pub async fn an_empty_registry_is_at_version_zero(store: &dyn Store) {
    assert_eq!(store.registry_version().await.expect("version"), 0);
    let snapshot = store.load_registry().await.expect("load");
    assert_eq!(snapshot.version, 0);
    assert!(snapshot.officials.is_empty());
    assert!(store.audit_log(0, 10).await.expect("audit").is_empty());
}

/// What a commit writes loads back, ordered by id; puts replace by id.
pub async fn a_committed_registry_loads_back_ordered_by_id(store: &dyn Store) {
    let b = sample_official("off_b", 2);
    let a = sample_official("off_a", 1);
    let v1 = store
        .commit_registry(0, &[b.clone(), a.clone()], &[])
        .await
        .expect("commit");
    assert_eq!(v1, 1);
    let mut b2 = b.clone();
    b2.status = OfficialStatus::Revoked;
    b2.version = 2;
    assert_eq!(
        store
            .commit_registry(1, &[b2.clone()], &[])
            .await
            .expect("commit"),
        2
    );
    assert_eq!(store.registry_version().await.expect("version"), 2);
    let snapshot = store.load_registry().await.expect("load");
    assert_eq!(snapshot.version, 2);
    assert_eq!(snapshot.officials, vec![a, b2]);
}

/// A commit against an old version fails with `Conflict` and changes nothing.
pub async fn a_commit_against_a_stale_version_conflicts_and_writes_nothing(store: &dyn Store) {
    let a = sample_official("off_a", 1);
    store
        .commit_registry(0, std::slice::from_ref(&a), &[audit("create", "off_a")])
        .await
        .expect("commit");
    let stale = store
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
    let ahead = store.commit_registry(5, &[], &[]).await;
    assert!(
        matches!(ahead, Err(StoreError::Conflict { expected: 5 })),
        "{ahead:?}"
    );
    let snapshot = store.load_registry().await.expect("load");
    assert_eq!((snapshot.version, snapshot.officials), (1, vec![a]));
    assert_eq!(store.audit_log(0, 10).await.expect("audit").len(), 1);
}

/// Audit entries get seq 1, 2, 3… across commits; `after` and `limit` page through them.
pub async fn audit_entries_are_numbered_from_one_and_paged(store: &dyn Store) {
    let first = [audit("create", "off_a"), audit("create", "off_b")];
    store.commit_registry(0, &[], &first).await.expect("commit");
    store
        .commit_registry(1, &[], &[audit("retire", "off_a")])
        .await
        .expect("commit");
    let all = store.audit_log(0, 100).await.expect("audit");
    let seqs: Vec<u64> = all.iter().map(|e| e.seq).collect();
    assert_eq!(seqs, [1, 2, 3]);
    assert_eq!(all[2].action, "retire");
    assert_eq!(all[0].official_id, OfficialId::parse("off_a"));
    let page = store.audit_log(1, 1).await.expect("page");
    assert_eq!(page.len(), 1);
    assert_eq!((page[0].seq, page[0].action.as_str()), (2, "create"));
    assert!(store.audit_log(3, 10).await.expect("end").is_empty());
    assert!(store.audit_log(0, 0).await.expect("no limit").is_empty());
}

/// Thousands of officials go in one commit and come back whole.
pub async fn a_large_registry_commits_in_one_step(store: &dyn Store) {
    let officials: Vec<Official> = (0..3000)
        .map(|n| sample_official(&format!("off_{n:05}"), n))
        .collect();
    let entries: Vec<AuditEntry> = (0..3000)
        .map(|n| audit("import", &format!("off_{n:05}")))
        .collect();
    assert_eq!(
        store
            .commit_registry(0, &officials, &entries)
            .await
            .expect("commit"),
        1
    );
    let snapshot = store.load_registry().await.expect("load");
    assert_eq!(snapshot.officials.len(), 3000);
    assert_eq!(snapshot.officials[1234], officials[1234]);
    assert_eq!(store.audit_log(2999, 10).await.expect("audit")[0].seq, 3000);
}

/// Reporters count once each; claimed ids are kept once each in first-claim order.
pub async fn incidents_count_distinct_reporters_and_claims_in_first_order(store: &dyn Store) {
    let n = "+94770000001";
    let claims = |ids: &[&str]| ids.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    let first = store
        .record_incident(n, "r1", &claims(&["off_b"]), 1_000)
        .await
        .expect("record");
    assert_eq!(
        (first.reporters, first.first_seen, first.last_seen),
        (1, 1_000, 1_000)
    );
    store
        .record_incident(n, "r1", &claims(&["off_a", "off_b"]), 2_000)
        .await
        .expect("record");
    let last = store
        .record_incident(n, "r2", &[], 3_000)
        .await
        .expect("record");
    assert_eq!(last.number, n);
    assert_eq!(last.reporters, 2);
    assert_eq!((last.first_seen, last.last_seen), (1_000, 3_000));
    assert_eq!(last.claimed, ["off_b", "off_a"]);
    assert_eq!(store.incidents(None, 10).await.expect("list"), vec![last]);
}

/// Incidents come ordered by number, paged with `after` and `limit`.
pub async fn incidents_are_listed_by_number_and_paged(store: &dyn Store) {
    for n in ["+94770000003", "+94770000001", "+94770000002"] {
        store
            .record_incident(n, "r", &[], 10)
            .await
            .expect("record");
    }
    let numbers = |list: Vec<Incident>| list.into_iter().map(|i| i.number).collect::<Vec<_>>();
    assert_eq!(
        numbers(store.incidents(None, 10).await.expect("list")),
        ["+94770000001", "+94770000002", "+94770000003"]
    );
    assert_eq!(
        numbers(
            store
                .incidents(Some("+94770000001"), 1)
                .await
                .expect("page")
        ),
        ["+94770000002"]
    );
    assert!(
        store
            .incidents(Some("+94770000003"), 10)
            .await
            .expect("end")
            .is_empty()
    );
}
