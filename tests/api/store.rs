//! Both stores against the one conformance suite, plus what only one of them can show:
//! Redis going down and coming back, the embedded file surviving a restart.

mod redis_store {
    use std::time::Duration;

    use std::sync::Arc;

    use asli::store::redis::RedisStore;
    use asli::store::{GroupId, Inbox, NewJob, RegistryStore, StoreError, Stores};

    use crate::helpers::redis_server::RedisServer;

    /// A store on its own private server; the server dies with the guard.
    async fn redis_store() -> (RedisStore, RedisServer) {
        let server = RedisServer::start();
        let store = RedisStore::connect(&server.url())
            .await
            .expect("connect to the private redis-server");
        (store, server)
    }

    async fn redis_stores() -> (Stores, RedisServer) {
        let (store, server) = redis_store().await;
        (Stores::of(Arc::new(store)), server)
    }

    asli::conformance_tests!(redis_stores);

    fn job(payload: &str) -> NewJob {
        NewJob::new(GroupId::new(payload), payload.as_bytes().to_vec())
    }

    /// Generous bound for "answers quickly instead of hanging" (the store's own timeout is 3 s).
    const NO_HANG: Duration = Duration::from_secs(15);

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_redis_store_is_unavailable_while_the_server_is_down_and_works_again_after_a_restart()
    {
        let (store, mut server) = redis_store().await;
        store.enqueue(&[job("before")]).await.expect("enqueue");

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
            .enqueue(&[job("after")])
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
    async fn a_registry_commit_is_announced_to_subscribers_with_its_version() {
        use futures::StreamExt as _;
        let (store, _server) = redis_store().await;
        let changes = store.subscribe_registry_changes().await.expect("subscribe");
        let mut changes = Box::pin(changes);
        store.commit_registry(0, &[], &[]).await.expect("commit");
        store.commit_registry(1, &[], &[]).await.expect("commit");
        let first = tokio::time::timeout(NO_HANG, changes.next())
            .await
            .expect("a message");
        let second = tokio::time::timeout(NO_HANG, changes.next())
            .await
            .expect("a message");
        assert_eq!((first, second), (Some(1), Some(2)));
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

/// The same suite on a real three-primary Redis Cluster: the inbox shards spread over the
/// nodes, and any script that touched keys of two slots would fail here.
mod redis_cluster_store {
    use std::sync::Arc;

    use asli::store::Stores;
    use asli::store::redis::RedisStore;

    use crate::helpers::redis_server::RedisCluster;

    async fn redis_cluster_store() -> (Stores, RedisCluster) {
        let cluster = RedisCluster::start();
        let store = RedisStore::connect(&cluster.url())
            .await
            .expect("connect to the private three-node cluster");
        (Stores::of(Arc::new(store)), cluster)
    }

    asli::conformance_tests!(redis_cluster_store);
}

mod embedded_store {
    use std::io::{BufRead, BufReader};
    use std::path::Path;
    use std::process::{Command, Stdio};
    use std::time::Duration;

    use std::sync::Arc;

    use asli::store::conformance::sample_official;
    use asli::store::embedded::EmbeddedStore;
    use asli::store::{GroupId, Inbox, NewJob, RegistryStore, StoreError, Stores};

    /// A store in its own temp dir; the dir is removed with the guard.
    async fn embedded_store() -> (EmbeddedStore, tempfile::TempDir) {
        let dir = tempfile::tempdir().expect("temp dir");
        let store = EmbeddedStore::open(dir.path()).expect("open the embedded store");
        (store, dir)
    }

    async fn embedded_stores() -> (Stores, tempfile::TempDir) {
        let (store, dir) = embedded_store().await;
        (Stores::of(Arc::new(store)), dir)
    }

    asli::conformance_tests!(embedded_stores);

    const TTL: Duration = Duration::from_secs(600);
    const LEASE: Duration = Duration::from_secs(600);

    fn job(key: &str) -> NewJob {
        NewJob::new(GroupId::new("staff"), key.as_bytes().to_vec()).deduped(key, TTL)
    }

    /// Writes what the restart tests look for: an unacked claimed job, a registry commit, a
    /// dedupe key.
    async fn write_everything(store: &EmbeddedStore) {
        let added = store.enqueue(&[job("msg:1")]).await.expect("enqueue");
        assert_eq!(added, [true]);
        let claimed = store
            .claim("c1", LEASE, Duration::ZERO)
            .await
            .expect("claim");
        assert!(claimed.is_some(), "the job is now in flight");
        let official = sample_official("off_a", 1);
        store
            .commit_registry(0, &[official], &[])
            .await
            .expect("commit");
    }

    /// After a restart: nothing was lost and the in-flight job is claimable again.
    async fn assert_everything_survived(dir: &Path) {
        let store = EmbeddedStore::open(dir).expect("reopen");
        let snapshot = store.load_registry().await.expect("load");
        assert_eq!(snapshot.version, 1);
        assert_eq!(snapshot.officials, vec![sample_official("off_a", 1)]);
        let again = store.enqueue(&[job("msg:1")]).await.expect("enqueue");
        assert_eq!(again, [false], "the dedupe key survived");
        let job = store
            .claim("c2", LEASE, Duration::ZERO)
            .await
            .expect("claim")
            .expect("the in-flight job is claimable again after a restart");
        assert_eq!(job.payload, b"msg:1");
        assert_eq!(
            job.deliveries, 2,
            "the delivery before the restart still counts"
        );
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn embedded_data_survives_closing_and_reopening_the_store() {
        let (store, dir) = embedded_store().await;
        write_everything(&store).await;
        drop(store);
        assert_everything_survived(dir.path()).await;
    }

    #[tokio::test]
    async fn a_second_open_of_the_same_data_dir_is_a_clear_error() {
        let (_store, dir) = embedded_store().await;
        match EmbeddedStore::open(dir.path()) {
            Err(StoreError::Unavailable(message)) => {
                assert!(message.contains("already open"), "{message}")
            }
            other => panic!("expected an error, got {other:?}"),
        }
    }

    /// Where the child process below writes; its presence makes the child run.
    const CHILD_DIR_VAR: &str = "ASLI_TEST_EMBEDDED_CHILD_DIR";
    const CHILD_WROTE: &str = "ASLI-CHILD-WROTE";

    /// Not a test of its own: the body of the child process that
    /// `embedded_data_survives_a_kill_9_of_the_process` starts and kills.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    #[ignore = "run as a child process by embedded_data_survives_a_kill_9_of_the_process"]
    async fn child_process_writes_then_waits_to_be_killed() {
        let dir = std::env::var(CHILD_DIR_VAR).expect("run only as the child process");
        let store = EmbeddedStore::open(Path::new(&dir)).expect("open");
        write_everything(&store).await;
        println!("{CHILD_WROTE}");
        tokio::time::sleep(Duration::from_secs(120)).await;
    }

    #[test]
    fn embedded_data_survives_a_kill_9_of_the_process() {
        let dir = tempfile::tempdir().expect("temp dir");
        let mut child = Command::new(std::env::current_exe().expect("test binary path"))
            .args([
                "--exact",
                "store::embedded_store::child_process_writes_then_waits_to_be_killed",
                "--ignored",
                "--nocapture",
                "--test-threads=1",
            ])
            .env(CHILD_DIR_VAR, dir.path())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("start the child process");
        let stdout = child.stdout.take().expect("child stdout");
        let mut seen = Vec::new();
        let wrote = BufReader::new(stdout).lines().any(|line| {
            let line = line.unwrap_or_default();
            seen.push(line.clone());
            line.contains(CHILD_WROTE)
        });
        child.kill().expect("kill -9 the child");
        child.wait().expect("reap the child");
        assert!(
            wrote,
            "the child never finished writing; its output:\n{}",
            seen.join("\n")
        );

        let runtime = tokio::runtime::Runtime::new().expect("runtime");
        runtime.block_on(assert_everything_survived(dir.path()));
    }
}
