//! Admin API tests (issue 5): every call and every error, on both stores.
//!
//! Each test runs once per store ([`BACKENDS`]): the embedded store in its own temp dir, and
//! Redis as a private `redis-server`. The whole app runs (`Application::build_with`, as
//! `asli serve` does, workers off) with two named tokens added to the test settings, and is
//! called over HTTP.

use std::sync::Arc;

use asli::app::{Application, BuildOptions};
use asli::store::Stores;
use reqwest::{Method, RequestBuilder, Response};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use tokio_util::sync::CancellationToken;

use crate::helpers::app::{StoreHandle, StoreKind, fast_retry, test_settings};
use crate::helpers::graph::start_graph;

#[path = "admin_auth.rs"]
mod auth;
#[path = "admin_import.rs"]
mod import;
#[path = "admin_officials.rs"]
mod officials;
#[path = "admin_safe_text.rs"]
mod safe_text;

pub use crate::helpers::app::ADMIN_TOKEN;
/// A named admin token (`ops`).
pub const OPS_TOKEN: &str = "ops-token";
/// A named viewer token (`auditor`).
pub const VIEWER_TOKEN: &str = "viewer-token";

/// Every test runs on each of these.
pub const BACKENDS: [StoreKind; 2] = [StoreKind::Embedded, StoreKind::Redis];

/// A running asli, called through its admin API.
pub struct TestAdmin {
    pub address: String,
    pub client: reqwest::Client,
    pub stores: Stores,
    pub backend: StoreKind,
    pub state: Arc<StoreHandle>,
    shutdown: CancellationToken,
}

impl Drop for TestAdmin {
    fn drop(&mut self) {
        self.shutdown.cancel();
    }
}

impl TestAdmin {
    /// A fresh app with a fresh store.
    pub async fn spawn(backend: StoreKind) -> TestAdmin {
        TestAdmin::spawn_on(Arc::new(StoreHandle::new(backend))).await
    }

    /// Another app over existing state (a second instance sharing the same Redis).
    pub async fn spawn_on(state: Arc<StoreHandle>) -> TestAdmin {
        TestAdmin::spawn_with(state, false).await.0
    }

    /// An app with `/admin` on its own listener (`ASLI_ADMIN_BIND`); also returns the
    /// public address.
    pub async fn spawn_with_admin_bind(backend: StoreKind) -> (TestAdmin, String) {
        TestAdmin::spawn_with(Arc::new(StoreHandle::new(backend)), true).await
    }

    async fn spawn_with(state: Arc<StoreHandle>, admin_bind: bool) -> (TestAdmin, String) {
        let graph = start_graph().await;
        let mut settings = test_settings(&graph.uri(), &state);
        if admin_bind {
            settings.admin.bind = Some("127.0.0.1:0".parse().expect("address"));
        }
        let hash = |t: &str| hex::encode(Sha256::digest(t.as_bytes()));
        settings.admin.tokens = asli::config::parse_admin_tokens(&format!(
            "ops:admin:{},auditor:viewer:{}",
            hash(OPS_TOKEN),
            hash(VIEWER_TOKEN)
        ))
        .expect("test tokens");
        let stores = state.open().await;
        let app = Application::build_with(
            settings,
            stores.clone(),
            BuildOptions {
                spawn_workers: false,
                retry: fast_retry(),
            },
        )
        .await
        .expect("the app builds");
        let public = format!("http://127.0.0.1:{}", app.port());
        let address = match app.admin_port() {
            Some(port) => format!("http://127.0.0.1:{port}"),
            None => public.clone(),
        };
        let shutdown = app.shutdown_token();
        tokio::spawn(app.run_until_stopped());
        let admin = TestAdmin {
            address,
            client: reqwest::Client::new(),
            stores,
            backend: state.kind,
            state,
            shutdown,
        };
        (admin, public)
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
