//! Admin API tests (issue 5): every call and every error, on both stores.
//!
//! Each test runs once per store ([`BACKENDS`]): the embedded store in its own temp dir, and
//! Redis as a private `redis-server`. The admin scope is served by a real actix server on a
//! free port and called over HTTP.

use std::net::TcpListener;
use std::sync::Arc;

use actix_web::{App, HttpServer, web};
use asli::config::Settings;
use asli::routes::admin::{self, AdminState};
use asli::store::Store;
use asli::store::embedded::EmbeddedStore;
use asli::store::redis::RedisStore;
use reqwest::{Method, RequestBuilder, Response};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use crate::helpers::redis_server::RedisServer;

#[path = "admin_auth.rs"]
mod auth;
#[path = "admin_import.rs"]
mod import;
#[path = "admin_officials.rs"]
mod officials;

/// The bootstrap token of every test app.
pub const ADMIN_TOKEN: &str = "test-admin-token";
/// A named admin token (`ops`).
pub const OPS_TOKEN: &str = "ops-token";
/// A named viewer token (`auditor`).
pub const VIEWER_TOKEN: &str = "viewer-token";

/// Which store a test app keeps its state in.
#[derive(Debug, Clone, Copy)]
pub enum Backend {
    /// Embedded store in a temp dir.
    Embedded,
    /// A private redis-server.
    Redis,
}

/// Every test runs on each of these.
pub const BACKENDS: [Backend; 2] = [Backend::Embedded, Backend::Redis];

/// What keeps a store's backing alive for the test's length.
pub enum Backing {
    Dir(#[allow(dead_code)] tempfile::TempDir),
    Redis(#[allow(dead_code)] Arc<RedisServer>),
}

/// A running admin API over one store.
pub struct TestAdmin {
    pub address: String,
    pub client: reqwest::Client,
    pub store: Arc<dyn Store>,
    pub backend: Backend,
    _backing: Backing,
    server: actix_web::dev::ServerHandle,
}

impl Drop for TestAdmin {
    fn drop(&mut self) {
        let handle = self.server.clone();
        tokio::spawn(async move { handle.stop(false).await });
    }
}

fn settings() -> Settings {
    let hash = |t: &str| hex::encode(Sha256::digest(t.as_bytes()));
    let vars = [
        ("WHATSAPP_APP_SECRET", "app-secret".to_string()),
        ("WHATSAPP_VERIFY_TOKEN", "verify".to_string()),
        ("WHATSAPP_DRY_RUN", "1".to_string()),
        ("ASLI_ADMIN_TOKEN", ADMIN_TOKEN.to_string()),
        (
            "ASLI_ADMIN_TOKENS",
            format!(
                "ops:admin:{},auditor:viewer:{}",
                hash(OPS_TOKEN),
                hash(VIEWER_TOKEN)
            ),
        ),
    ];
    Settings::from_map(&vars.into_iter().map(|(k, v)| (k.to_string(), v)).collect())
        .expect("test settings")
}

impl TestAdmin {
    /// A fresh app with a fresh store.
    pub async fn spawn(backend: Backend) -> TestAdmin {
        match backend {
            Backend::Embedded => {
                let dir = tempfile::tempdir().expect("temp dir");
                let store = EmbeddedStore::open(dir.path()).expect("open embedded store");
                TestAdmin::serve(Arc::new(store), backend, Backing::Dir(dir)).await
            }
            Backend::Redis => TestAdmin::spawn_on_redis(Arc::new(RedisServer::start())).await,
        }
    }

    /// An app over an existing redis-server (a second instance sharing its data).
    pub async fn spawn_on_redis(server: Arc<RedisServer>) -> TestAdmin {
        let store = RedisStore::connect(&server.url())
            .await
            .expect("connect to the test redis");
        TestAdmin::serve(Arc::new(store), Backend::Redis, Backing::Redis(server)).await
    }

    async fn serve(store: Arc<dyn Store>, backend: Backend, backing: Backing) -> TestAdmin {
        let state = web::Data::new(AdminState::new(store.clone(), &settings()));
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        let port = listener.local_addr().expect("addr").port();
        let server =
            HttpServer::new(move || App::new().app_data(state.clone()).service(admin::scope()))
                .workers(1)
                .listen(listener)
                .expect("listen")
                .run();
        let handle = server.handle();
        tokio::spawn(server);
        TestAdmin {
            address: format!("http://127.0.0.1:{port}"),
            client: reqwest::Client::new(),
            store,
            backend,
            _backing: backing,
            server: handle,
        }
    }

    /// The redis-server behind this app (Redis backend only).
    pub fn redis(&self) -> Option<Arc<RedisServer>> {
        match &self._backing {
            Backing::Redis(s) => Some(s.clone()),
            Backing::Dir(_) => None,
        }
    }

    /// A request with the bootstrap admin token.
    pub fn req(&self, method: Method, path: &str) -> RequestBuilder {
        self.req_as(ADMIN_TOKEN, method, path)
    }

    /// A request with `token`.
    pub fn req_as(&self, token: &str, method: Method, path: &str) -> RequestBuilder {
        self.client
            .request(method, format!("{}{path}", self.address))
            .bearer_auth(token)
    }

    /// `POST /admin/officials` with a JSON body.
    pub async fn create(&self, body: Value) -> Response {
        self.req(Method::POST, "/admin/officials")
            .json(&body)
            .send()
            .await
            .expect("request")
    }

    /// Create and return the official, asserting 201.
    pub async fn create_ok(&self, body: Value) -> Value {
        let r = self.create(body).await;
        assert_eq!(r.status(), 201, "{:?}", self.backend);
        r.json().await.expect("json")
    }

    /// `GET /admin/officials/{id}`.
    pub async fn get(&self, id: &str) -> Response {
        self.req(Method::GET, &format!("/admin/officials/{id}"))
            .send()
            .await
            .expect("request")
    }

    /// `PATCH /admin/officials/{id}` with `If-Match: etag` when given.
    pub async fn patch(&self, id: &str, etag: Option<&str>, body: Value) -> Response {
        let mut r = self
            .req(Method::PATCH, &format!("/admin/officials/{id}"))
            .json(&body);
        if let Some(tag) = etag {
            r = r.header("If-Match", tag);
        }
        r.send().await.expect("request")
    }

    /// `GET /admin/lookup/{phone}` as JSON.
    pub async fn lookup(&self, phone: &str) -> Value {
        let r = self
            .req(Method::GET, &format!("/admin/lookup/{phone}"))
            .send()
            .await
            .expect("request");
        assert_eq!(r.status(), 200);
        r.json().await.expect("json")
    }

    /// `POST /admin/officials/import` with a body of `content_type`.
    pub async fn import(
        &self,
        body: impl Into<reqwest::Body>,
        content_type: &str,
        dry_run: bool,
    ) -> Response {
        self.req(
            Method::POST,
            &format!("/admin/officials/import?dry_run={dry_run}"),
        )
        .header("Content-Type", content_type)
        .body(body)
        .send()
        .await
        .expect("request")
    }

    /// `GET /admin/officials/export` as bytes, asserting 200.
    pub async fn export(&self) -> Vec<u8> {
        let r = self
            .req(Method::GET, "/admin/officials/export")
            .send()
            .await
            .expect("request");
        assert_eq!(r.status(), 200);
        r.bytes().await.expect("body").to_vec()
    }

    /// The whole audit log (first 500 entries).
    pub async fn audit(&self, query: &str) -> Vec<Value> {
        let r = self
            .req(Method::GET, &format!("/admin/audit?limit=500{query}"))
            .send()
            .await
            .expect("request");
        assert_eq!(r.status(), 200);
        let v: Value = r.json().await.expect("json");
        v["entries"].as_array().cloned().unwrap_or_default()
    }
}

/// The error code of an error response, checking the status and the error shape.
pub async fn error_code(r: Response, status: u16) -> (String, Value) {
    assert_eq!(r.status().as_u16(), status);
    let v: Value = r.json().await.expect("error body is JSON");
    let code = v["error"]["code"].as_str().expect("error.code").to_string();
    assert!(
        v["error"]["message"]
            .as_str()
            .is_some_and(|m| !m.is_empty())
    );
    (code, v["error"]["details"].clone())
}

/// A plausible official with one number `+9170000000NN`.
pub fn official(name: &str, n: u32) -> Value {
    json!({
        "name": name,
        "designation": "Municipal Commissioner",
        "organization": "Devgarh Municipal Corporation",
        "phones": [format!("+91 70000 {n:05}")],
    })
}
