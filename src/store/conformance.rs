//! The conformance suite every [`Store`] passes.
//!
//! Each case is a `pub async fn case(store: &dyn Store)` that panics on failure; the
//! [`conformance_tests!`](crate::conformance_tests) macro turns the whole list into one
//! `#[tokio::test]` per case for a given store factory, so a failure names its case. Cases
//! that involve time use short real durations (a few hundred ms) and assert only "not
//! before", never "within".

use std::time::{Duration, SystemTime};

use time::OffsetDateTime;

use super::{ClaimedJob, NewJob, Store, StoreError};
use crate::phone::E164;
use crate::registry::{AuditEntry, Official, OfficialId, OfficialStatus, PhoneEntry};

/// Generate one `#[tokio::test]` per conformance case. `$factory` is an async fn returning
/// `(store, guard)`: the store under test and whatever must live as long as it (a private
/// server, a temp dir).
#[macro_export]
macro_rules! conformance_tests {
    ($factory:path) => {
        $crate::conformance_tests!(@cases $factory;
            ping_answers,
            a_repeated_key_is_enqueued_once_within_a_batch_and_across_calls,
            five_concurrent_enqueues_of_one_key_enqueue_it_exactly_once,
            a_dedupe_key_is_forgotten_after_its_ttl,
            jobs_are_claimed_in_the_order_they_were_enqueued,
            an_acked_job_is_never_handed_out_again,
            a_job_whose_lease_expired_goes_to_another_consumer_as_a_second_delivery,
            a_rescheduled_job_is_not_claimable_before_its_time,
            a_delayed_enqueue_waits_and_a_past_time_is_ready_at_once,
            a_waiting_claim_receives_a_job_enqueued_meanwhile,
            a_claim_on_an_empty_queue_gives_nothing_after_its_wait,
            dead_letters_are_listed_oldest_first_paged_and_retried,
            queue_stats_count_ready_in_flight_delayed_and_dead,
            ephemeral_values_can_be_put_read_and_taken_once,
            put_if_absent_only_sets_a_missing_or_expired_key,
            ephemeral_values_expire,
            a_counter_counts_within_a_fixed_window_then_starts_again,
            an_empty_registry_is_at_version_zero,
            a_committed_registry_loads_back_ordered_by_id,
            a_commit_against_a_stale_version_conflicts_and_writes_nothing,
            audit_entries_are_numbered_from_one_and_paged,
            a_large_registry_commits_in_one_step,
            incidents_count_distinct_reporters_and_claims_in_first_order,
            incidents_are_listed_by_number_and_paged,
        );
    };
    (@cases $factory:path; $($case:ident),+ $(,)?) => {
        $(
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $case() {
                let (store, _guard) = $factory().await;
                $crate::store::conformance::$case(&store).await;
            }
        )+
    };
}

fn job(key: &str, payload: &str) -> NewJob {
    NewJob {
        dedupe_key: key.to_string(),
        payload: payload.as_bytes().to_vec(),
    }
}

const TTL: Duration = Duration::from_secs(600);
const LEASE: Duration = Duration::from_secs(60);
const NO_WAIT: Duration = Duration::ZERO;

async fn claim_now(store: &dyn Store, consumer: &str) -> Option<ClaimedJob> {
    store
        .claim(consumer, LEASE, NO_WAIT)
        .await
        .expect("claim answers")
}

/// Drain the ready queue: the payloads of every job claimable now, acked.
async fn drain(store: &dyn Store) -> Vec<String> {
    let mut out = Vec::new();
    while let Some(job) = claim_now(store, "drain").await {
        out.push(String::from_utf8_lossy(&job.payload).into_owned());
        store.ack(&job).await.expect("ack");
    }
    out
}

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

/// The store answers a ping.
pub async fn ping_answers(store: &dyn Store) {
    store.ping().await.expect("ping");
}

/// Dedupe holds inside one batch and across calls.
pub async fn a_repeated_key_is_enqueued_once_within_a_batch_and_across_calls(store: &dyn Store) {
    let first = store
        .enqueue_unique(&[job("k1", "a"), job("k2", "b"), job("k1", "a again")], TTL)
        .await
        .expect("enqueue");
    assert_eq!(first, vec![true, true, false]);
    let second = store
        .enqueue_unique(&[job("k2", "b again"), job("k3", "c")], TTL)
        .await
        .expect("enqueue");
    assert_eq!(second, vec![false, true]);
    assert_eq!(drain(store).await, vec!["a", "b", "c"]);
    assert_eq!(
        store.enqueue_unique(&[], TTL).await.expect("empty"),
        Vec::<bool>::new()
    );
}

/// Racing enqueues of one key enqueue it exactly once.
pub async fn five_concurrent_enqueues_of_one_key_enqueue_it_exactly_once(store: &dyn Store) {
    let racers = (0..5).map(|i| {
        let jobs = [job("same", &format!("racer {i}"))];
        async move { store.enqueue_unique(&jobs, TTL).await.expect("enqueue") }
    });
    let results = futures::future::join_all(racers).await;
    let winners = results.iter().filter(|r| r[0]).count();
    assert_eq!(winners, 1, "results: {results:?}");
    assert_eq!(drain(store).await.len(), 1);
}

/// An expired dedupe key no longer blocks the same key.
pub async fn a_dedupe_key_is_forgotten_after_its_ttl(store: &dyn Store) {
    let ttl = Duration::from_millis(200);
    assert_eq!(
        store
            .enqueue_unique(&[job("k", "1")], ttl)
            .await
            .expect("enqueue"),
        [true]
    );
    tokio::time::sleep(Duration::from_millis(400)).await;
    assert_eq!(
        store
            .enqueue_unique(&[job("k", "2")], ttl)
            .await
            .expect("enqueue"),
        [true]
    );
    assert_eq!(drain(store).await, vec!["1", "2"]);
}

/// Jobs come out in enqueue order (one consumer, no failures).
pub async fn jobs_are_claimed_in_the_order_they_were_enqueued(store: &dyn Store) {
    for i in 0..5 {
        store
            .enqueue(format!("job {i}").as_bytes(), None)
            .await
            .expect("enqueue");
    }
    let mut claimed = Vec::new();
    while let Some(job) = claim_now(store, "c1").await {
        assert_eq!(job.deliveries, 1);
        claimed.push(String::from_utf8_lossy(&job.payload).into_owned());
    }
    assert_eq!(claimed, ["job 0", "job 1", "job 2", "job 3", "job 4"]);
}

/// Ack deletes the job: not claimable again, not even after its lease.
pub async fn an_acked_job_is_never_handed_out_again(store: &dyn Store) {
    store.enqueue(b"once", None).await.expect("enqueue");
    let lease = Duration::from_millis(200);
    let job = store
        .claim("c1", lease, NO_WAIT)
        .await
        .expect("claim")
        .expect("a job");
    store.ack(&job).await.expect("ack");
    tokio::time::sleep(Duration::from_millis(400)).await;
    assert_eq!(
        store.claim("c2", lease, NO_WAIT).await.expect("claim"),
        None
    );
    assert_eq!(
        store.queue_stats().await.expect("stats"),
        Default::default()
    );
}

/// A consumer that dies holding a job loses it to the next consumer once the lease passes.
pub async fn a_job_whose_lease_expired_goes_to_another_consumer_as_a_second_delivery(
    store: &dyn Store,
) {
    let lease = Duration::from_millis(500);
    store.enqueue(b"orphan", None).await.expect("enqueue");
    let first = store
        .claim("dies", lease, NO_WAIT)
        .await
        .expect("claim")
        .expect("a job");
    assert_eq!(first.deliveries, 1);
    assert_eq!(
        store.claim("other", lease, NO_WAIT).await.expect("claim"),
        None
    );
    tokio::time::sleep(Duration::from_millis(700)).await;
    let second = store
        .claim("other", lease, NO_WAIT)
        .await
        .expect("claim")
        .expect("reclaimed");
    assert_eq!(second.payload, b"orphan");
    assert_eq!(second.deliveries, 2);
    store.ack(&second).await.expect("ack");
    assert_eq!(store.queue_stats().await.expect("stats").in_flight, 0);
}

/// Reschedule acks the job and brings the new payload back at its time, not before.
pub async fn a_rescheduled_job_is_not_claimable_before_its_time(store: &dyn Store) {
    store.enqueue(b"attempt 1", None).await.expect("enqueue");
    let job = claim_now(store, "c1").await.expect("a job");
    let at = SystemTime::now() + Duration::from_millis(300);
    store
        .reschedule(&job, b"attempt 2", at)
        .await
        .expect("reschedule");
    if SystemTime::now() < at {
        assert_eq!(
            claim_now(store, "c1").await,
            None,
            "claimable before its time"
        );
    }
    let again = store
        .claim("c1", LEASE, Duration::from_secs(5))
        .await
        .expect("claim")
        .expect("the rescheduled job");
    assert!(SystemTime::now() >= at, "handed out before its time");
    assert_eq!(again.payload, b"attempt 2");
    store.ack(&again).await.expect("ack");
    assert_eq!(
        claim_now(store, "c1").await,
        None,
        "the first attempt is gone"
    );
}

/// `enqueue` with a future `not_before` waits; one in the past is ready now.
pub async fn a_delayed_enqueue_waits_and_a_past_time_is_ready_at_once(store: &dyn Store) {
    let at = SystemTime::now() + Duration::from_millis(300);
    store.enqueue(b"later", Some(at)).await.expect("enqueue");
    let past = SystemTime::now() - Duration::from_secs(60);
    store.enqueue(b"now", Some(past)).await.expect("enqueue");
    let first = claim_now(store, "c1").await.expect("the past job");
    assert_eq!(first.payload, b"now");
    let later = store
        .claim("c1", LEASE, Duration::from_secs(5))
        .await
        .expect("claim")
        .expect("the delayed job");
    assert!(SystemTime::now() >= at, "handed out before its time");
    assert_eq!(later.payload, b"later");
}

/// A claim that waits wakes up for a job enqueued while it waits.
pub async fn a_waiting_claim_receives_a_job_enqueued_meanwhile(store: &dyn Store) {
    let claim = store.claim("c1", LEASE, Duration::from_secs(10));
    let enqueue = async {
        tokio::time::sleep(Duration::from_millis(100)).await;
        store.enqueue(b"arrived", None).await.expect("enqueue");
    };
    let (claimed, ()) = tokio::join!(claim, enqueue);
    assert_eq!(claimed.expect("claim").expect("a job").payload, b"arrived");
}

/// An empty queue gives `None` once the wait is over (and not before).
pub async fn a_claim_on_an_empty_queue_gives_nothing_after_its_wait(store: &dyn Store) {
    let wait = Duration::from_millis(200);
    let started = std::time::Instant::now();
    assert_eq!(store.claim("c1", LEASE, wait).await.expect("claim"), None);
    assert!(started.elapsed() >= wait, "gave up before its wait");
}

/// Dead letters: ack + keep, listing oldest first with paging, retry back to the queue.
pub async fn dead_letters_are_listed_oldest_first_paged_and_retried(store: &dyn Store) {
    for name in ["d1", "d2", "d3"] {
        store.enqueue(name.as_bytes(), None).await.expect("enqueue");
        let job = claim_now(store, "c1").await.expect("a job");
        let id = store
            .dead_letter(
                &job,
                format!("{name} final").as_bytes(),
                &format!("{name} failed"),
            )
            .await
            .expect("dead letter");
        assert!(!id.is_empty());
    }
    assert_eq!(
        claim_now(store, "c1").await,
        None,
        "dead letters are not in the queue"
    );
    let all = store.dead_letters(None, 10).await.expect("list");
    let errors: Vec<_> = all.iter().map(|d| d.error.as_str()).collect();
    assert_eq!(errors, ["d1 failed", "d2 failed", "d3 failed"]);
    assert_eq!(all[0].payload, b"d1 final");
    assert!(all[0].at > 1_600_000_000, "at is unix seconds");
    let page = store.dead_letters(Some(&all[0].id), 1).await.expect("page");
    assert_eq!(page, vec![all[1].clone()]);
    assert!(
        store
            .dead_letters(Some(&all[2].id), 10)
            .await
            .expect("end")
            .is_empty()
    );

    assert!(store.retry_dead_letter(&all[1].id).await.expect("retry"));
    assert!(
        !store
            .retry_dead_letter(&all[1].id)
            .await
            .expect("retry twice")
    );
    assert!(
        !store
            .retry_dead_letter("no-such-id")
            .await
            .expect("unknown id")
    );
    let retried = claim_now(store, "c1").await.expect("the retried job");
    assert_eq!(retried.payload, b"d2 final");
    let left: Vec<_> = store.dead_letters(None, 10).await.expect("list");
    assert_eq!(
        left.iter().map(|d| d.id.clone()).collect::<Vec<_>>(),
        [all[0].id.clone(), all[2].id.clone()]
    );
}

/// Queue stats see each state.
pub async fn queue_stats_count_ready_in_flight_delayed_and_dead(store: &dyn Store) {
    for i in 0..4 {
        store
            .enqueue(format!("{i}").as_bytes(), None)
            .await
            .expect("enqueue");
    }
    let later = SystemTime::now() + Duration::from_secs(3600);
    store.enqueue(b"later", Some(later)).await.expect("enqueue");
    let in_flight = claim_now(store, "c1").await.expect("job");
    let to_kill = claim_now(store, "c1").await.expect("job");
    store
        .dead_letter(&to_kill, b"x", "boom")
        .await
        .expect("dead");
    let stats = store.queue_stats().await.expect("stats");
    assert_eq!(
        (stats.ready, stats.in_flight, stats.delayed, stats.dead),
        (2, 1, 1, 1),
        "{stats:?}"
    );
    store.ack(&in_flight).await.expect("ack");
    assert_eq!(store.queue_stats().await.expect("stats").in_flight, 0);
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
    let numbers =
        |list: Vec<super::Incident>| list.into_iter().map(|i| i.number).collect::<Vec<_>>();
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
