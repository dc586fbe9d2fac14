//! Both stores against the one conformance suite, plus what only one of them can show:
//! Redis going down and coming back, the embedded file surviving a restart.

mod redis_store {
    use std::time::Duration;

    use asli::store::redis::RedisStore;
    use asli::store::{Store, StoreError};

    use crate::helpers::redis_server::RedisServer;

    /// A store on its own private server; the server dies with the guard.
    async fn redis_store() -> (RedisStore, RedisServer) {
        let server = RedisServer::start();
        let store = RedisStore::connect(&server.url())
            .await
            .expect("connect to the private redis-server");
        (store, server)
    }

    asli::conformance_tests!(redis_store);

    /// Generous bound for "answers quickly instead of hanging" (the store's own timeout is 3 s).
    const NO_HANG: Duration = Duration::from_secs(15);

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_redis_store_is_unavailable_while_the_server_is_down_and_works_again_after_a_restart()
    {
        let (store, mut server) = redis_store().await;
        store.enqueue(b"before", None).await.expect("enqueue");

        server.stop();
        for _ in 0..3 {
            let down = tokio::time::timeout(NO_HANG, store.ping())
                .await
                .expect("ping gives up instead of hanging");
            assert!(matches!(down, Err(StoreError::Unavailable(_))), "{down:?}");
        }
        let claim = tokio::time::timeout(
            NO_HANG,
            store.claim("c1", Duration::from_secs(30), Duration::from_secs(1)),
        )
        .await
        .expect("claim gives up instead of hanging");
        assert!(
            matches!(claim, Err(StoreError::Unavailable(_))),
            "{claim:?}"
        );

        server.restart();
        let mut back = false;
        for _ in 0..100 {
            if store.ping().await.is_ok() {
                back = true;
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        assert!(back, "the store reconnects once the server is back");
        // The new server is empty (no persistence in tests): the queue works from scratch.
        store
            .enqueue(b"after", None)
            .await
            .expect("enqueue after restart");
        let job = store
            .claim("c1", Duration::from_secs(30), Duration::ZERO)
            .await
            .expect("claim after restart")
            .expect("the new job");
        assert_eq!(job.payload, b"after");
    }

    #[tokio::test]
    async fn connecting_to_a_server_that_is_not_there_fails_as_unavailable() {
        let dir = tempfile::tempdir().expect("temp dir");
        let url = format!("redis+unix://{}", dir.path().join("none.sock").display());
        let result = tokio::time::timeout(NO_HANG, RedisStore::connect(&url))
            .await
            .expect("connect gives up instead of hanging");
        assert!(matches!(result, Err(StoreError::Unavailable(_))));
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn ten_thousand_officials_commit_to_redis_in_one_step() {
        let (store, _server) = redis_store().await;
        let officials: Vec<_> = (0..10_000)
            .map(|n| asli::store::conformance::sample_official(&format!("off_{n:05}"), n))
            .collect();
        assert_eq!(
            store
                .commit_registry(0, &officials, &[])
                .await
                .expect("commit"),
            1
        );
        assert_eq!(
            store.load_registry().await.expect("load").officials.len(),
            10_000
        );
    }
}
