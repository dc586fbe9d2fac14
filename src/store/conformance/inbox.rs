//! Conformance cases for the inbox: dedupe, per-group order, leases, delays, step commits,
//! dead letters.

use std::time::{Duration, SystemTime};

use crate::store::{
    ClaimedJob, GroupId, NewJob, Outcome, StateKey, StateWrite, StepCommit, StepResult, Stores,
};

const TTL: Duration = Duration::from_secs(600);
const LEASE: Duration = Duration::from_secs(60);
const NO_WAIT: Duration = Duration::ZERO;

fn group(name: &str) -> GroupId {
    GroupId::new(name)
}

/// A job in a group of its own named after the payload (so groups do not order them).
fn solo(payload: &str) -> NewJob {
    NewJob::new(group(payload), payload.as_bytes().to_vec())
}

fn in_group(g: &str, payload: &str) -> NewJob {
    NewJob::new(group(g), payload.as_bytes().to_vec())
}

/// A job deduplicated by `key`, in the group `key` names (a dedupe key names a job within
/// its group: in asli a message id always comes from the same staff member).
fn keyed(key: &str, payload: &str) -> NewJob {
    in_group(&format!("group of {key}"), payload).deduped(key, TTL)
}

fn text(job: &ClaimedJob) -> String {
    String::from_utf8_lossy(&job.payload).into_owned()
}

async fn enqueue(stores: &Stores, jobs: &[NewJob]) -> Vec<bool> {
    stores.inbox.enqueue(jobs).await.expect("enqueue")
}

async fn claim_now(stores: &Stores, consumer: &str) -> Option<ClaimedJob> {
    stores
        .inbox
        .claim(consumer, LEASE, NO_WAIT)
        .await
        .expect("claim answers")
}

async fn done(stores: &Stores, job: &ClaimedJob) {
    let result = stores
        .inbox
        .commit(job, StepCommit::done())
        .await
        .expect("commit");
    assert_eq!(result, StepResult::Committed { dead_letter: None });
}

/// Drain what is claimable now, committing each: the payloads, sorted (shards do not order
/// different groups).
async fn drain(stores: &Stores) -> Vec<String> {
    let mut out = Vec::new();
    while let Some(job) = claim_now(stores, "drain").await {
        out.push(text(&job));
        done(stores, &job).await;
    }
    out.sort();
    out
}

/// The store answers a ping.
pub async fn ping_answers(stores: &Stores) {
    stores.inbox.ping().await.expect("ping");
}

/// Dedupe holds inside one batch and across calls; jobs without a key are never deduped.
pub async fn a_repeated_key_is_enqueued_once_within_a_batch_and_across_calls(stores: &Stores) {
    let first = enqueue(
        stores,
        &[keyed("k1", "a"), keyed("k2", "b"), keyed("k1", "a2")],
    )
    .await;
    assert_eq!(first, [true, true, false]);
    let second = enqueue(
        stores,
        &[keyed("k2", "b2"), keyed("k3", "c"), solo("d"), solo("d")],
    )
    .await;
    assert_eq!(second, [false, true, true, true]);
    assert_eq!(drain(stores).await, ["a", "b", "c", "d", "d"]);
    assert_eq!(enqueue(stores, &[]).await, Vec::<bool>::new());
}

/// Racing enqueues of one key enqueue it exactly once.
pub async fn five_concurrent_enqueues_of_one_key_enqueue_it_exactly_once(stores: &Stores) {
    let racers = (0..5).map(|i| {
        let jobs = [keyed("same", &format!("racer {i}"))];
        async move { stores.inbox.enqueue(&jobs).await.expect("enqueue") }
    });
    let results = futures::future::join_all(racers).await;
    let winners = results.iter().filter(|r| r[0]).count();
    assert_eq!(winners, 1, "results: {results:?}");
    assert_eq!(drain(stores).await.len(), 1);
}

/// An expired dedupe key no longer blocks the same key.
pub async fn a_dedupe_key_is_forgotten_after_its_ttl(stores: &Stores) {
    let short = |payload: &str| in_group("g", payload).deduped("k", Duration::from_millis(200));
    assert_eq!(enqueue(stores, &[short("1")]).await, [true]);
    assert_eq!(enqueue(stores, &[short("1 again")]).await, [false]);
    tokio::time::sleep(Duration::from_millis(400)).await;
    assert_eq!(enqueue(stores, &[short("2")]).await, [true]);
    assert_eq!(drain(stores).await, ["1", "2"]);
}

/// A group's jobs come out one at a time, in enqueue order: the next only after the previous
/// one's step committed.
pub async fn jobs_of_one_group_are_handed_out_one_at_a_time_in_order(stores: &Stores) {
    let jobs: Vec<NewJob> = (0..4)
        .map(|i| in_group("staff", &format!("m{i}")))
        .collect();
    enqueue(stores, &jobs).await;
    for i in 0..4 {
        let job = claim_now(stores, "c1").await.expect("the group's next job");
        assert_eq!(text(&job), format!("m{i}"));
        assert_eq!(job.group, group("staff"));
        assert_eq!(job.deliveries, 1);
        assert_eq!(
            claim_now(stores, "c2").await,
            None,
            "a second job of the group while m{i} is in flight"
        );
        done(stores, &job).await;
    }
    assert_eq!(claim_now(stores, "c1").await, None);
}

/// Different groups are in flight at the same time, each with its first job.
pub async fn jobs_of_different_groups_are_in_flight_at_once(stores: &Stores) {
    enqueue(
        stores,
        &[
            in_group("g1", "g1 first"),
            in_group("g2", "g2 first"),
            in_group("g1", "g1 second"),
            in_group("g3", "g3 first"),
        ],
    )
    .await;
    let mut held = Vec::new();
    while let Some(job) = claim_now(stores, "c").await {
        held.push(job);
    }
    let mut firsts: Vec<String> = held.iter().map(text).collect();
    firsts.sort();
    assert_eq!(firsts, ["g1 first", "g2 first", "g3 first"]);
    for job in &held {
        done(stores, job).await;
    }
    assert_eq!(drain(stores).await, ["g1 second"]);
}

/// A committed job is gone: not handed out again, not even after its lease.
pub async fn a_committed_job_is_never_handed_out_again(stores: &Stores) {
    enqueue(stores, &[solo("once")]).await;
    let lease = Duration::from_millis(200);
    let job = stores
        .inbox
        .claim("c1", lease, NO_WAIT)
        .await
        .expect("claim")
        .expect("a job");
    done(stores, &job).await;
    tokio::time::sleep(Duration::from_millis(400)).await;
    assert_eq!(
        stores
            .inbox
            .claim("c2", lease, NO_WAIT)
            .await
            .expect("claim"),
        None
    );
    assert_eq!(
        stores.inbox.stats().await.expect("stats"),
        Default::default()
    );
}

/// A holder that dies loses its job to the next consumer once the lease passes; the job is
/// the same, its delivery count raised, and its group stays held meanwhile.
pub async fn a_job_whose_lease_expired_goes_to_another_consumer_as_a_second_delivery(
    stores: &Stores,
) {
    let lease = Duration::from_millis(500);
    enqueue(stores, &[in_group("g", "orphan"), in_group("g", "next")]).await;
    let first = stores
        .inbox
        .claim("dies", lease, NO_WAIT)
        .await
        .expect("claim")
        .expect("a job");
    assert_eq!((text(&first).as_str(), first.deliveries), ("orphan", 1));
    assert_eq!(
        stores
            .inbox
            .claim("other", lease, NO_WAIT)
            .await
            .expect("claim"),
        None
    );
    tokio::time::sleep(Duration::from_millis(700)).await;
    let second = stores
        .inbox
        .claim("other", LEASE, NO_WAIT)
        .await
        .expect("claim")
        .expect("reclaimed");
    assert_eq!((text(&second).as_str(), second.deliveries), ("orphan", 2));
    done(stores, &second).await;
    assert_eq!(drain(stores).await, ["next"]);
    assert_eq!(stores.inbox.stats().await.expect("stats").in_flight, 0);
}

/// The first holder of a job whose lease was taken over, and which the new holder finished,
/// commits nothing: no duplicate retry, no state written.
pub async fn a_commit_by_a_holder_that_lost_its_job_writes_nothing(stores: &Stores) {
    let lease = Duration::from_millis(300);
    enqueue(stores, &[in_group("g", "work")]).await;
    let slow = stores
        .inbox
        .claim("slow", lease, NO_WAIT)
        .await
        .expect("claim")
        .expect("a job");
    tokio::time::sleep(Duration::from_millis(500)).await;
    let fast = claim_now(stores, "fast").await.expect("taken over");
    done(stores, &fast).await;
    let marker = StateKey::grouped(&group("g"), "late-marker");
    let late = StepCommit::new(Outcome::Retry {
        payload: b"late retry".to_vec(),
        at: SystemTime::now(),
    })
    .write(StateWrite::Put {
        key: marker.clone(),
        value: b"x".to_vec(),
        ttl: TTL,
    });
    assert_eq!(
        stores.inbox.commit(&slow, late).await.expect("commit"),
        StepResult::NotHeld
    );
    assert_eq!(stores.state.get(&marker).await.expect("get"), None);
    assert_eq!(claim_now(stores, "c").await, None, "no retry was queued");
}

/// A retry is not claimable before its time, and the group's next job does not wait for it.
pub async fn a_retry_comes_back_at_its_time_without_holding_up_its_group(stores: &Stores) {
    enqueue(
        stores,
        &[in_group("g", "attempt 1"), in_group("g", "next message")],
    )
    .await;
    let job = claim_now(stores, "c1").await.expect("a job");
    let at = SystemTime::now() + Duration::from_millis(400);
    let retry = StepCommit::new(Outcome::Retry {
        payload: b"attempt 2".to_vec(),
        at,
    });
    stores.inbox.commit(&job, retry).await.expect("commit");
    let next = claim_now(stores, "c1")
        .await
        .expect("the next message at once");
    assert_eq!(text(&next), "next message");
    done(stores, &next).await;
    if SystemTime::now() < at {
        assert_eq!(
            claim_now(stores, "c1").await,
            None,
            "claimable before its time"
        );
    }
    let again = stores
        .inbox
        .claim("c1", LEASE, Duration::from_secs(5))
        .await
        .expect("claim")
        .expect("the retry");
    assert!(SystemTime::now() >= at, "handed out before its time");
    assert_eq!((text(&again).as_str(), again.deliveries), ("attempt 2", 1));
    assert_eq!(again.group, group("g"));
    done(stores, &again).await;
    assert_eq!(
        claim_now(stores, "c1").await,
        None,
        "the first attempt is gone"
    );
}

/// A job enqueued for later waits; one whose time is past is ready now.
pub async fn a_delayed_enqueue_waits_and_a_past_time_is_ready_at_once(stores: &Stores) {
    let at = SystemTime::now() + Duration::from_millis(300);
    let past = SystemTime::now() - Duration::from_secs(60);
    enqueue(
        stores,
        &[solo("later").not_before(at), solo("now").not_before(past)],
    )
    .await;
    let first = claim_now(stores, "c1").await.expect("the past job");
    assert_eq!(text(&first), "now");
    let later = stores
        .inbox
        .claim("c1", LEASE, Duration::from_secs(5))
        .await
        .expect("claim")
        .expect("the delayed job");
    assert!(SystemTime::now() >= at, "handed out before its time");
    assert_eq!(text(&later), "later");
}

/// A claim that waits wakes up for a job enqueued while it waits.
pub async fn a_waiting_claim_receives_a_job_enqueued_meanwhile(stores: &Stores) {
    let claim = stores.inbox.claim("c1", LEASE, Duration::from_secs(10));
    let enqueue = async {
        tokio::time::sleep(Duration::from_millis(100)).await;
        stores
            .inbox
            .enqueue(&[solo("arrived")])
            .await
            .expect("enqueue");
    };
    let (claimed, ()) = tokio::join!(claim, enqueue);
    assert_eq!(text(&claimed.expect("claim").expect("a job")), "arrived");
}

/// An empty queue gives `None` once the wait is over (and not before).
pub async fn a_claim_on_an_empty_queue_gives_nothing_after_its_wait(stores: &Stores) {
    let wait = Duration::from_millis(200);
    let started = std::time::Instant::now();
    assert_eq!(
        stores.inbox.claim("c1", LEASE, wait).await.expect("claim"),
        None
    );
    assert!(started.elapsed() >= wait, "gave up before its wait");
}

/// A step commit applies its state writes (its group's and others) and enqueues its
/// follow-ups together with the ack.
pub async fn a_step_commit_writes_its_state_and_follow_ups_with_the_ack(stores: &Stores) {
    let staff = group("staff-1");
    let window = StateKey::grouped(&staff, "window:staff-1");
    let gone = StateKey::grouped(&staff, "gone:staff-1");
    let counter = StateKey::grouped(&staff, "flood:staff-1");
    let elsewhere = StateKey::global("commit-global-marker");
    stores.state.put(&gone, b"old", TTL).await.expect("put");
    stores.state.incr(&counter, TTL).await.expect("incr");
    enqueue(stores, &[NewJob::new(staff.clone(), b"message".to_vec())]).await;
    let job = claim_now(stores, "c").await.expect("a job");
    let step = StepCommit {
        outcome: Outcome::Done,
        writes: vec![
            StateWrite::Put {
                key: window.clone(),
                value: b"pending text".to_vec(),
                ttl: TTL,
            },
            StateWrite::Delete(gone.clone()),
            StateWrite::Incr {
                key: counter.clone(),
                ttl: TTL,
            },
            StateWrite::Put {
                key: elsewhere.clone(),
                value: b"g".to_vec(),
                ttl: TTL,
            },
        ],
        enqueue: vec![
            NewJob::new(group("officials"), b"alert".to_vec()),
            NewJob::new(staff.clone(), b"follow-up".to_vec()).deduped("follow:1", TTL),
        ],
    };
    assert_eq!(
        stores.inbox.commit(&job, step).await.expect("commit"),
        StepResult::Committed { dead_letter: None }
    );
    let values = stores
        .state
        .get_many(&[window, gone, counter, elsewhere])
        .await
        .expect("get_many");
    assert_eq!(
        values,
        [
            Some(b"pending text".to_vec()),
            None,
            Some(b"2".to_vec()),
            Some(b"g".to_vec())
        ]
    );
    assert_eq!(drain(stores).await, ["alert", "follow-up"]);
    let dup = NewJob::new(staff, b"follow-up again".to_vec()).deduped("follow:1", TTL);
    assert_eq!(
        enqueue(stores, &[dup]).await,
        [false],
        "a follow-up's dedupe key holds"
    );
}

/// Dead letters: listed oldest first across groups, paged, retried back into their group.
pub async fn dead_letters_are_listed_oldest_first_paged_and_retried(stores: &Stores) {
    let mut ids = Vec::new();
    for name in ["d1", "d2", "d3"] {
        enqueue(stores, &[solo(name)]).await;
        let job = claim_now(stores, "c1").await.expect("a job");
        let dead = StepCommit::new(Outcome::Dead {
            payload: format!("{name} final").into_bytes(),
            error: format!("{name} failed"),
        });
        match stores.inbox.commit(&job, dead).await.expect("commit") {
            StepResult::Committed {
                dead_letter: Some(id),
            } => ids.push(id),
            other => panic!("dead-lettering gave {other:?}"),
        }
        // Distinct times, so the order is by time whatever the shards.
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    assert_eq!(
        claim_now(stores, "c1").await,
        None,
        "dead letters are not queued"
    );
    let all = stores.inbox.dead_letters(None, 10).await.expect("list");
    let errors: Vec<_> = all.iter().map(|d| d.error.as_str()).collect();
    assert_eq!(errors, ["d1 failed", "d2 failed", "d3 failed"]);
    assert_eq!(all.iter().map(|d| d.id.clone()).collect::<Vec<_>>(), ids);
    assert_eq!(all[0].payload, b"d1 final");
    assert!(all[0].at > 1_600_000_000, "at is unix seconds");
    let page = stores
        .inbox
        .dead_letters(Some(&all[0].id), 1)
        .await
        .expect("page");
    assert_eq!(page, vec![all[1].clone()]);
    assert!(
        stores
            .inbox
            .dead_letters(Some(&all[2].id), 10)
            .await
            .expect("end")
            .is_empty()
    );

    assert!(
        stores
            .inbox
            .retry_dead_letter(&all[1].id)
            .await
            .expect("retry")
    );
    assert!(
        !stores
            .inbox
            .retry_dead_letter(&all[1].id)
            .await
            .expect("twice")
    );
    assert!(
        !stores
            .inbox
            .retry_dead_letter("no-such-id")
            .await
            .expect("unknown")
    );
    let retried = claim_now(stores, "c1").await.expect("the retried job");
    assert_eq!(text(&retried), "d2 final");
    assert_eq!(retried.group, group("d2"), "back in its group");
    let left = stores.inbox.dead_letters(None, 10).await.expect("list");
    assert_eq!(
        left.iter().map(|d| d.id.clone()).collect::<Vec<_>>(),
        [all[0].id.clone(), all[2].id.clone()]
    );
}

/// A dead-letter id or cursor no store could have handed out (digits beyond any 64-bit id)
/// names nothing: an empty page and "not found", never a store error, which the admin API
/// would turn into a 503.
pub async fn an_out_of_range_dead_letter_id_names_nothing_rather_than_failing(stores: &Stores) {
    enqueue(stores, &[solo("d")]).await;
    let job = claim_now(stores, "c1").await.expect("a job");
    let dead = StepCommit::new(Outcome::Dead {
        payload: b"d".to_vec(),
        error: "failed".into(),
    });
    stores.inbox.commit(&job, dead).await.expect("commit");
    for id in [
        "99999999999999999999999-0",
        "1-99999999999999999999999",
        "1-1-99999999999999999999999",
        "18446744073709551615-18446744073709551615-65535",
        "99999999999999999999999",
    ] {
        match stores.inbox.dead_letters(Some(id), 10).await {
            Ok(page) => assert!(page.is_empty(), "listing after {id} gave {page:?}"),
            Err(e) => panic!("listing after {id} failed: {e}"),
        }
        match stores.inbox.retry_dead_letter(id).await {
            Ok(retried) => assert!(!retried, "retrying {id} said it retried"),
            Err(e) => panic!("retrying {id} failed: {e}"),
        }
    }
    assert_eq!(
        stores
            .inbox
            .dead_letters(None, 10)
            .await
            .expect("list")
            .len(),
        1
    );
}

/// Queue stats see each state; a job waiting behind its group's job in flight is ready.
pub async fn queue_stats_count_ready_in_flight_delayed_and_dead(stores: &Stores) {
    enqueue(
        stores,
        &[
            in_group("a", "a1"),
            in_group("a", "a2"),
            solo("b"),
            solo("c"),
            solo("later").not_before(SystemTime::now() + Duration::from_secs(3600)),
        ],
    )
    .await;
    let mut held = Vec::new();
    while let Some(job) = claim_now(stores, "c1").await {
        held.push(job);
    }
    assert_eq!(held.len(), 3, "a1, b and c; a2 waits behind a1");
    let killed = held.pop().expect("job");
    let dead = StepCommit::new(Outcome::Dead {
        payload: b"x".to_vec(),
        error: "boom".into(),
    });
    stores.inbox.commit(&killed, dead).await.expect("dead");
    let stats = stores.inbox.stats().await.expect("stats");
    // a2 is ready whether it waits behind a1 or a1 was the one dead-lettered.
    assert_eq!(
        (stats.ready, stats.in_flight, stats.delayed, stats.dead),
        (1, 2, 1, 1),
        "{stats:?}"
    );
    for job in &held {
        done(stores, job).await;
    }
    assert_eq!(stores.inbox.stats().await.expect("stats").in_flight, 0);
}
