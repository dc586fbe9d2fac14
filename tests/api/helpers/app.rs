//! `spawn_app()`: a real asli over a real store, bound to port 0, with a fake Graph API.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use asli::app::{Application, BuildOptions};
use asli::config::Settings;
use asli::phone::{E164, Region};
use asli::registry::{AuditEntry, Official, OfficialId, OfficialStatus, PhoneEntry};
use asli::store::Stores;
use asli::store::embedded::EmbeddedStore;
use asli::store::redis::RedisStore;
use asli::whatsapp::sign;
use asli::worker::{self, ExecutionOutcome, RetryPolicy, WorkerContext};
use tokio_util::sync::CancellationToken;
use wiremock::MockServer;

use super::graph::{ACCESS_TOKEN, API_VERSION, start_graph};
use super::redis_server::{RedisCluster, RedisServer};

/// The app secret test apps verify signatures with.
pub const APP_SECRET: &str = "test_app_secret";
/// The verify token of the handshake.
pub const VERIFY_TOKEN: &str = "test-verify-token";
/// The bootstrap admin token.
pub const ADMIN_TOKEN: &str = "test-admin-token";

/// Which store a test app runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StoreKind {
    /// A private redis-server.
    Redis,
    /// The embedded store in a temp dir.
    Embedded,
    /// A private three-primary Redis Cluster.
    Cluster,
}

/// Where a test app's state lives; kept alive as long as the app (and reusable by a second
/// app, as after a restart).
pub struct StoreHandle {
    /// The kind.
    pub kind: StoreKind,
    /// The private Redis server, for Redis.
    pub redis: Option<RedisServer>,
    /// The private Redis Cluster, for a cluster.
    pub cluster: Option<RedisCluster>,
    /// The data directory, for the embedded store.
    pub dir: tempfile::TempDir,
}

impl StoreHandle {
    /// Fresh, empty state of `kind`.
    pub fn new(kind: StoreKind) -> StoreHandle {
        StoreHandle {
            kind,
            redis: (kind == StoreKind::Redis).then(RedisServer::start),
            cluster: (kind == StoreKind::Cluster).then(RedisCluster::start),
            dir: tempfile::tempdir().expect("temp dir"),
        }
    }

    /// Open the stores over this state.
    pub async fn open(&self) -> Stores {
        match self.redis_url() {
            Some(url) => Stores::of(Arc::new(
                RedisStore::connect(&url)
                    .await
                    .expect("connect to the test redis"),
            )),
            None => Stores::of(Arc::new(open_embedded_when_released(self.dir.path()).await)),
        }
    }

    /// The URL of the Redis server or cluster, when the state lives in Redis.
    pub fn redis_url(&self) -> Option<String> {
        match (&self.redis, &self.cluster) {
            (Some(server), _) => Some(server.url()),
            (None, Some(cluster)) => Some(cluster.url()),
            (None, None) => None,
        }
    }

    /// The environment variables that point `asli` at this state.
    pub fn env(&self) -> Vec<(String, String)> {
        match self.redis_url() {
            Some(url) => vec![("REDIS_URL".into(), url)],
            None => vec![(
                "ASLI_DATA_DIR".into(),
                self.dir.path().display().to_string(),
            )],
        }
    }
}

/// Open the embedded store in `dir`, waiting (up to 10 s) for a stopped app in this process to
/// let go of the file: its HTTP worker threads drop their handles a moment after it stops.
async fn open_embedded_when_released(dir: &std::path::Path) -> EmbeddedStore {
    let mut tries = 0;
    loop {
        match EmbeddedStore::open(dir) {
            Ok(store) => return store,
            Err(_) if tries < 100 => {
                tries += 1;
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
            Err(e) => panic!("open embedded store: {e:?}"),
        }
    }
}

/// A running test app.
pub struct TestApp {
    /// `http://127.0.0.1:<port>`.
    pub address: String,
    /// The fake Graph API.
    pub graph: MockServer,
    /// The app's stores.
    pub stores: Stores,
    /// What a worker step needs (workers do not run in the background in tests).
    pub worker: Arc<WorkerContext>,
    /// An HTTP client.
    pub client: reqwest::Client,
    shutdown: CancellationToken,
}

impl Drop for TestApp {
    fn drop(&mut self) {
        self.shutdown.cancel();
    }
}

/// The settings of a test app: every required variable set, port 0, the fake Graph API.
pub fn test_settings(graph_url: &str, state: &StoreHandle) -> Settings {
    let mut vars: HashMap<String, String> = [
        ("ASLI_BIND", "127.0.0.1:0"),
        ("WHATSAPP_APP_SECRET", APP_SECRET),
        ("WHATSAPP_VERIFY_TOKEN", VERIFY_TOKEN),
        ("WHATSAPP_ACCESS_TOKEN", ACCESS_TOKEN),
        ("WHATSAPP_API_VERSION", API_VERSION),
        ("ASLI_ADMIN_TOKEN", ADMIN_TOKEN),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect();
    vars.insert("WHATSAPP_GRAPH_URL".into(), graph_url.to_string());
    vars.extend(state.env());
    Settings::from_map(&vars).expect("test settings are valid")
}

/// Start an app on fresh state of `kind`; the state handle is returned for restarts.
pub async fn spawn_app(kind: StoreKind) -> (TestApp, StoreHandle) {
    let state = StoreHandle::new(kind);
    let app = spawn_app_on(&state).await;
    (app, state)
}

/// Start an app over existing state (a "restart"), with its own fake Graph API.
pub async fn spawn_app_on(state: &StoreHandle) -> TestApp {
    let graph = start_graph().await;
    spawn_app_with(state, graph, fast_retry()).await
}

/// A retry policy that keeps tests quick.
pub fn fast_retry() -> RetryPolicy {
    RetryPolicy {
        base: Duration::from_millis(50),
        max_delay: Duration::from_millis(200),
        max_attempts: 4,
    }
}

/// Start an app over `state` using `graph` as the Graph API.
pub async fn spawn_app_with(state: &StoreHandle, graph: MockServer, retry: RetryPolicy) -> TestApp {
    spawn_app_tweaked(state, graph, retry, |_| {}).await
}

/// Like [`spawn_app_with`], with the settings adjusted by `tweak` first.
pub async fn spawn_app_tweaked(
    state: &StoreHandle,
    graph: MockServer,
    retry: RetryPolicy,
    tweak: impl FnOnce(&mut Settings),
) -> TestApp {
    let mut settings = test_settings(&graph.uri(), state);
    tweak(&mut settings);
    let stores = state.open().await;
    let app = Application::build_with(
        settings,
        stores.clone(),
        BuildOptions {
            spawn_workers: false,
            retry,
        },
    )
    .await
    .expect("the app builds");
    let address = format!("http://127.0.0.1:{}", app.port());
    let worker = app.worker_context();
    let shutdown = app.shutdown_token();
    tokio::spawn(app.run_until_stopped());
    TestApp {
        address,
        graph,
        stores,
        worker,
        client: reqwest::Client::new(),
        shutdown,
    }
}

impl TestApp {
    /// POST a body signed as Meta signs it.
    pub async fn post_webhook(&self, body: &[u8]) -> reqwest::Response {
        let signature = sign(APP_SECRET.as_bytes(), body);
        self.post_webhook_signed(body, Some(&signature)).await
    }

    /// POST a body with the given signature header (or none).
    pub async fn post_webhook_signed(
        &self,
        body: &[u8],
        signature: Option<&str>,
    ) -> reqwest::Response {
        let mut request = self
            .client
            .post(format!("{}/webhook", self.address))
            .header("content-type", "application/json")
            .body(body.to_vec());
        if let Some(sig) = signature {
            request = request.header("x-hub-signature-256", sig);
        }
        request.send().await.expect("webhook request")
    }

    /// GET the handshake with the given query pairs.
    pub async fn handshake(&self, query: &[(&str, &str)]) -> reqwest::Response {
        self.client
            .get(format!("{}/webhook", self.address))
            .query(query)
            .send()
            .await
            .expect("handshake request")
    }

    /// GET a path.
    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client
            .get(format!("{}{path}", self.address))
            .send()
            .await
            .expect("GET")
    }

    /// Run worker steps until the queue is empty; returns how many jobs were done.
    pub async fn drain(&self) -> usize {
        let mut done = 0;
        loop {
            match worker::try_execute_task(&self.worker, "test-worker", Duration::ZERO)
                .await
                .expect("worker step")
            {
                ExecutionOutcome::TaskCompleted => done += 1,
                ExecutionOutcome::EmptyQueue => return done,
            }
            assert!(done < 10_000, "the queue does not drain");
        }
    }

    /// Put `officials` into the registry directly through the store.
    pub async fn seed(&self, officials: Vec<Official>) {
        let version = self
            .stores
            .registry
            .registry_version()
            .await
            .expect("version");
        let audit: Vec<AuditEntry> = Vec::new();
        self.stores
            .registry
            .commit_registry(version, &officials, &audit)
            .await
            .expect("seed the registry");
    }
}

/// A registered, active official with one number.
pub fn official(name: &str, designation: &str, org: &str, number: &str) -> Official {
    let now = time::OffsetDateTime::now_utc();
    Official {
        id: OfficialId::generate(),
        name: name.to_string(),
        aliases: Vec::new(),
        designation: designation.to_string(),
        designation_aliases: Vec::new(),
        organization: org.to_string(),
        phones: vec![PhoneEntry {
            number: E164::parse(number, Region::INDIA).expect("valid test number"),
            label: "official".into(),
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
