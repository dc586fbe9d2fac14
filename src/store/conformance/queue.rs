//! Conformance cases for the inbox queue: dedupe, order, leases, delays, dead letters.

use std::time::{Duration, SystemTime};

use crate::store::{ClaimedJob, NewJob, Store};

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

/// A dead-letter id or cursor no store could have handed out (digits beyond any 64-bit id, the
/// largest id there is) names nothing: an empty page and "not found", never a store error,
/// which the admin API would turn into a 503.
pub async fn an_out_of_range_dead_letter_id_names_nothing_rather_than_failing(store: &dyn Store) {
    store.enqueue(b"d", None).await.expect("enqueue");
    let job = claim_now(store, "c1").await.expect("a job");
    store
        .dead_letter(&job, b"d", "failed")
        .await
        .expect("dead letter");
    for id in [
        "99999999999999999999999-0",
        "1-99999999999999999999999",
        "18446744073709551615-18446744073709551615",
        "99999999999999999999999",
    ] {
        match store.dead_letters(Some(id), 10).await {
            Ok(page) => assert!(page.is_empty(), "listing after {id} gave {page:?}"),
            Err(e) => panic!("listing after {id} failed: {e}"),
        }
        match store.retry_dead_letter(id).await {
            Ok(retried) => assert!(!retried, "retrying {id} said it retried"),
            Err(e) => panic!("retrying {id} failed: {e}"),
        }
    }
    assert_eq!(store.dead_letters(None, 10).await.expect("list").len(), 1);
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
