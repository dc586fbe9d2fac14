//! Conformance cases for keyed state: values with a lifetime and counters.

use std::time::Duration;

use crate::store::{GroupId, StateKey, Stores};

const TTL: Duration = Duration::from_secs(600);

fn grouped(name: &str) -> StateKey {
    StateKey::grouped(&GroupId::new("staff-7"), name)
}

/// Put overwrites, get and get_many read, take reads once.
pub async fn values_can_be_put_read_and_taken_once(stores: &Stores) {
    let (a, b) = (StateKey::global("k"), grouped("g:k"));
    assert_eq!(stores.state.get(&a).await.expect("get"), None);
    stores.state.put(&a, b"v1", TTL).await.expect("put");
    stores.state.put(&a, b"v2", TTL).await.expect("overwrite");
    stores.state.put(&b, b"grouped", TTL).await.expect("put");
    assert_eq!(
        stores
            .state
            .get_many(&[a.clone(), StateKey::global("missing"), b.clone()])
            .await
            .expect("get_many"),
        [Some(b"v2".to_vec()), None, Some(b"grouped".to_vec())]
    );
    assert_eq!(
        stores.state.take(&a).await.expect("take"),
        Some(b"v2".to_vec())
    );
    assert_eq!(stores.state.take(&a).await.expect("take again"), None);
    assert_eq!(stores.state.get(&a).await.expect("get"), None);
    assert!(stores.state.get_many(&[]).await.expect("none").is_empty());
}

/// A grouped key is found by its name alone (an admin looking a message up by id).
pub async fn a_grouped_key_is_found_without_its_group(stores: &Stores) {
    stores
        .state
        .put(&grouped("delivery:wamid.1"), b"history", TTL)
        .await
        .expect("put");
    assert_eq!(
        stores
            .state
            .find_grouped("delivery:wamid.1")
            .await
            .expect("find"),
        Some(b"history".to_vec())
    );
    assert_eq!(
        stores
            .state
            .find_grouped("delivery:wamid.2")
            .await
            .expect("find"),
        None
    );
}

/// `put_if_absent` sets a missing or expired key only.
pub async fn put_if_absent_only_sets_a_missing_or_expired_key(stores: &Stores) {
    let key = grouped("once");
    let short = Duration::from_millis(200);
    assert!(
        stores
            .state
            .put_if_absent(&key, b"first", short)
            .await
            .expect("put")
    );
    assert!(
        !stores
            .state
            .put_if_absent(&key, b"second", TTL)
            .await
            .expect("put")
    );
    assert_eq!(
        stores.state.get(&key).await.expect("get"),
        Some(b"first".to_vec())
    );
    tokio::time::sleep(Duration::from_millis(400)).await;
    assert!(
        stores
            .state
            .put_if_absent(&key, b"third", TTL)
            .await
            .expect("put")
    );
    assert_eq!(
        stores.state.get(&key).await.expect("get"),
        Some(b"third".to_vec())
    );
}

/// Values are gone after their lifetime.
pub async fn values_expire(stores: &Stores) {
    let key = StateKey::global("short");
    stores
        .state
        .put(&key, b"v", Duration::from_millis(200))
        .await
        .expect("put");
    assert!(stores.state.get(&key).await.expect("get").is_some());
    tokio::time::sleep(Duration::from_millis(400)).await;
    assert_eq!(stores.state.get(&key).await.expect("get"), None);
    assert_eq!(stores.state.take(&key).await.expect("take"), None);
}

/// A counter counts within its window (later increments do not extend it), reads back as its
/// digits, then starts again.
pub async fn a_counter_counts_within_a_fixed_window_then_starts_again(stores: &Stores) {
    let key = grouped("c");
    let window = Duration::from_millis(600);
    assert_eq!(stores.state.incr(&key, window).await.expect("incr"), 1);
    assert_eq!(stores.state.incr(&key, window).await.expect("incr"), 2);
    assert_eq!(
        stores.state.get(&key).await.expect("get"),
        Some(b"2".to_vec())
    );
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(stores.state.incr(&key, window).await.expect("incr"), 3);
    // 700 ms after the first increment: the window (not extended by the third) is over.
    tokio::time::sleep(Duration::from_millis(400)).await;
    assert_eq!(stores.state.incr(&key, window).await.expect("incr"), 1);
}
