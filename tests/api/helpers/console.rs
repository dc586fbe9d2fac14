//! The admin console under test: an app with an admin and a viewer token, and [`Clerk`], an
//! HTTP client that keeps cookies the way a browser does (and lets tests read them).

use std::collections::BTreeMap;
use std::sync::Arc;

use asli::config::Settings;
use asli::store::Stores;
use reqwest::header::HeaderMap;
use sha2::{Digest, Sha256};

use super::app::{ADMIN_TOKEN, StoreHandle, StoreKind, TestApp, fast_retry, spawn_app_tweaked};
use super::graph::start_graph;

/// A named admin token; audited as `ops`.
pub const OPS_TOKEN: &str = "ops-console-token";
/// A named viewer token; `auditor`.
pub const VIEWER_TOKEN: &str = "auditor-console-token";

/// A running asli whose console is under test.
pub struct ConsoleApp {
    /// Where `/admin` (and so the console) is served.
    pub address: String,
    /// The public address (the same unless `ASLI_ADMIN_BIND` is set).
    pub public: String,
    /// The app's stores.
    pub stores: Stores,
    /// The state, for a second instance over it.
    pub state: Arc<StoreHandle>,
    _app: TestApp,
}

impl ConsoleApp {
    /// A fresh app on fresh state of `kind`.
    pub async fn spawn(kind: StoreKind) -> ConsoleApp {
        ConsoleApp::spawn_on(Arc::new(StoreHandle::new(kind)), |_| {}).await
    }

    /// An app over `state`, with its settings adjusted by `tweak` (after the test tokens).
    pub async fn spawn_on(
        state: Arc<StoreHandle>,
        tweak: impl FnOnce(&mut Settings),
    ) -> ConsoleApp {
        let app = spawn_app_tweaked(&state, start_graph().await, fast_retry(), |s| {
            let hash = |t: &str| hex::encode(Sha256::digest(t.as_bytes()));
            s.admin.tokens = asli::config::parse_admin_tokens(&format!(
                "ops:admin:{},auditor:viewer:{}",
                hash(OPS_TOKEN),
                hash(VIEWER_TOKEN)
            ))
            .expect("test tokens");
            tweak(s);
        })
        .await;
        ConsoleApp {
            address: app.admin_address.clone(),
            public: app.address.clone(),
            stores: app.stores.clone(),
            state,
            _app: app,
        }
    }

    /// A new browser-like client (no cookies yet).
    pub fn clerk(&self) -> Clerk {
        Clerk::new(&self.address)
    }

    /// A client already signed in with `token`.
    pub async fn signed_in(&self, token: &str) -> Clerk {
        let mut clerk = self.clerk();
        let page = clerk.sign_in(token).await;
        assert_eq!(page.status, 303, "sign-in: {}", page.body);
        clerk
    }

    /// An admin API request with the bootstrap token.
    pub fn api(&self, method: reqwest::Method, path: &str) -> reqwest::RequestBuilder {
        reqwest::Client::new()
            .request(method, format!("{}{path}", self.address))
            .bearer_auth(ADMIN_TOKEN)
    }
}

/// One response, read whole.
#[derive(Debug)]
pub struct Page {
    /// HTTP status.
    pub status: u16,
    /// Headers.
    pub headers: HeaderMap,
    /// The body as text.
    pub body: String,
}

impl Page {
    /// Where a redirect points.
    pub fn location(&self) -> &str {
        self.headers
            .get("location")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    }

    /// Every `Set-Cookie` header, as sent.
    pub fn set_cookies(&self) -> Vec<String> {
        self.headers
            .get_all("set-cookie")
            .iter()
            .filter_map(|v| v.to_str().ok().map(str::to_string))
            .collect()
    }

    /// The value of the first hidden `csrf` field.
    pub fn csrf(&self) -> String {
        self.field_value("csrf")
            .unwrap_or_else(|| panic!("no csrf field in: {}", self.body))
    }

    /// The `value` of the first input named `name`.
    pub fn field_value(&self, name: &str) -> Option<String> {
        let pattern = format!(r#"name="{name}" value="([^"]*)""#);
        regex::Regex::new(&pattern)
            .expect("pattern")
            .captures(&self.body)
            .map(|c| html_unescape(&c[1]))
    }
}

/// Undo maud's attribute escaping.
fn html_unescape(s: &str) -> String {
    s.replace("&quot;", "\"")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}

/// A client that keeps cookies as a browser would (name → value; an expired cookie is
/// dropped) and follows no redirect by itself.
pub struct Clerk {
    address: String,
    client: reqwest::Client,
    /// Cookies it holds.
    pub cookies: BTreeMap<String, String>,
    /// Extra headers sent with every request (`X-Forwarded-Proto`, `Accept-Language`).
    pub extra: Vec<(&'static str, String)>,
}

impl Clerk {
    fn new(address: &str) -> Clerk {
        Clerk {
            address: address.to_string(),
            client: reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .expect("client"),
            cookies: BTreeMap::new(),
            extra: Vec::new(),
        }
    }

    /// GET `path`.
    pub async fn get(&mut self, path: &str) -> Page {
        let req = self.client.get(format!("{}{path}", self.address));
        self.send(req).await
    }

    /// POST `fields` as a urlencoded form.
    pub async fn post(&mut self, path: &str, fields: &[(&str, &str)]) -> Page {
        let body = serde_urlencoded_pairs(fields);
        let req = self
            .client
            .post(format!("{}{path}", self.address))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body);
        self.send(req).await
    }

    /// POST a multipart form: `csrf` first, then `file` with `file_name` and `content`.
    pub async fn upload(
        &mut self,
        path: &str,
        csrf: &str,
        file_name: &str,
        content: &[u8],
    ) -> Page {
        let boundary = "asli-test-boundary-7f3a";
        let mut body = format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n{csrf}\r\n\
             --{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{file_name}\"\r\n\
             Content-Type: text/csv\r\n\r\n"
        )
        .into_bytes();
        body.extend_from_slice(content);
        body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
        let req = self
            .client
            .post(format!("{}{path}", self.address))
            .header(
                "content-type",
                format!("multipart/form-data; boundary={boundary}"),
            )
            .body(body);
        self.send(req).await
    }

    /// Open the sign-in page and sign in with `token`.
    pub async fn sign_in(&mut self, token: &str) -> Page {
        let form = self.get("/admin/ui/sign-in").await;
        let csrf = form.csrf();
        self.post("/admin/ui/sign-in", &[("csrf", &csrf), ("token", token)])
            .await
    }

    /// Switch the console to `lang` (`en`, `hi`).
    pub async fn choose_language(&mut self, lang: &str) {
        let page = self.get(&format!("/admin/ui/lang/{lang}")).await;
        assert_eq!(page.status, 303);
    }

    async fn send(&mut self, mut req: reqwest::RequestBuilder) -> Page {
        if !self.cookies.is_empty() {
            let jar: Vec<String> = self
                .cookies
                .iter()
                .map(|(k, v)| format!("{k}={v}"))
                .collect();
            req = req.header("cookie", jar.join("; "));
        }
        for (name, value) in &self.extra {
            req = req.header(*name, value);
        }
        let response = req.send().await.expect("console request");
        let page = Page {
            status: response.status().as_u16(),
            headers: response.headers().clone(),
            body: response.text().await.expect("body"),
        };
        for c in page.set_cookies() {
            let pair = c.split(';').next().unwrap_or("");
            let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
            if c.to_ascii_lowercase().contains("max-age=0") || value.is_empty() {
                self.cookies.remove(name);
            } else {
                self.cookies.insert(name.to_string(), value.to_string());
            }
        }
        page
    }
}

fn serde_urlencoded_pairs(fields: &[(&str, &str)]) -> String {
    serde_urlencoded::to_string(fields).expect("a form encodes")
}
