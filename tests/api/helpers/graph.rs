//! A fake Graph API (wiremock) that checks what asli sends.

use serde_json::{Value, json};
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

use super::payloads::PHONE_NUMBER_ID;

/// The access token the test apps are configured with.
pub const ACCESS_TOKEN: &str = "EAAG-test-access-token";
/// The API version the test apps use.
pub const API_VERSION: &str = "v25.0";

/// The messages path for the test business number.
pub fn messages_path() -> String {
    format!("/{API_VERSION}/{PHONE_NUMBER_ID}/messages")
}

/// Answers like a successful send, with a fresh wamid.
pub struct Accept;

impl Respond for Accept {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let body: Value = serde_json::from_slice(&request.body).unwrap_or(Value::Null);
        if body.get("status").and_then(Value::as_str) == Some("read") {
            return ResponseTemplate::new(200).set_body_json(json!({"success": true}));
        }
        let to = body.get("to").cloned().unwrap_or(Value::Null);
        ResponseTemplate::new(200).set_body_json(json!({
            "messaging_product": "whatsapp",
            "contacts": [{"input": to, "wa_id": to.as_str().unwrap_or("").trim_start_matches('+')}],
            "messages": [{"id": format!("wamid.OUT{}", uuid::Uuid::new_v4().simple())}]
        }))
    }
}

/// Start a fake Graph API that accepts every well-formed send to the test number.
pub async fn start_graph() -> MockServer {
    let server = MockServer::start().await;
    mount_accepting(&server).await;
    server
}

/// Mount the accepting responder (path and bearer token checked).
pub async fn mount_accepting(server: &MockServer) {
    Mock::given(method("POST"))
        .and(path(messages_path()))
        .and(header(
            "authorization",
            format!("Bearer {ACCESS_TOKEN}").as_str(),
        ))
        .respond_with(Accept)
        .mount(server)
        .await;
}

/// The bodies of every text/interactive/template message sent so far (typing indicators
/// and read receipts left out).
pub async fn sent_replies(server: &MockServer) -> Vec<Value> {
    server
        .received_requests()
        .await
        .unwrap_or_default()
        .into_iter()
        .filter(|r| r.url.path() == messages_path())
        .filter_map(|r| serde_json::from_slice::<Value>(&r.body).ok())
        .filter(|b| b.get("status").is_none())
        .collect()
}

/// A Meta error answer: HTTP `status` with Meta's error object carrying `code`.
pub fn meta_error(status: u16, code: i64) -> ResponseTemplate {
    ResponseTemplate::new(status).set_body_json(json!({
        "error": {
            "message": format!("scripted error {code}"),
            "type": "OAuthException",
            "code": code,
            "error_data": {"messaging_product": "whatsapp", "details": "scripted by the test"},
            "fbtrace_id": "AbCdEfTrace"
        }
    }))
}

/// Answers message sends from a script, one entry per send (typing indicators and read
/// receipts are always accepted and do not consume the script); once the script is used up
/// every send is accepted. Accepted sends get predictable wamids: `wamid.OUT-<n>` for the
/// n-th send request (1-based).
pub struct Scripted {
    script: std::sync::Mutex<std::collections::VecDeque<ResponseTemplate>>,
    sends: std::sync::atomic::AtomicUsize,
}

impl Scripted {
    /// A script of failures to answer first.
    pub fn new(script: Vec<ResponseTemplate>) -> Scripted {
        Scripted {
            script: std::sync::Mutex::new(script.into()),
            sends: Default::default(),
        }
    }
}

impl Respond for Scripted {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let body: Value = serde_json::from_slice(&request.body).unwrap_or(Value::Null);
        if body.get("status").is_some() {
            return ResponseTemplate::new(200).set_body_json(json!({"success": true}));
        }
        let n = self.sends.fetch_add(1, std::sync::atomic::Ordering::SeqCst) + 1;
        if let Some(scripted) = self.script.lock().unwrap().pop_front() {
            return scripted;
        }
        accepted(&body, &format!("wamid.OUT-{n}"))
    }
}

/// Fails every send to recipient `to` with Meta error `code` (HTTP 400); accepts the rest.
pub struct FailFor {
    /// The recipient's wa_id (digits).
    pub to: String,
    /// The Meta error code.
    pub code: i64,
}

impl Respond for FailFor {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let body: Value = serde_json::from_slice(&request.body).unwrap_or(Value::Null);
        if body.get("status").is_some() {
            return ResponseTemplate::new(200).set_body_json(json!({"success": true}));
        }
        let to = body["to"].as_str().unwrap_or("").trim_start_matches('+');
        if to == self.to.trim_start_matches('+') {
            return meta_error(400, self.code);
        }
        accepted(
            &body,
            &format!("wamid.OUT{}", uuid::Uuid::new_v4().simple()),
        )
    }
}

fn accepted(body: &Value, wamid: &str) -> ResponseTemplate {
    let to = body.get("to").cloned().unwrap_or(Value::Null);
    ResponseTemplate::new(200).set_body_json(json!({
        "messaging_product": "whatsapp",
        "contacts": [{"input": to, "wa_id": to.as_str().unwrap_or("").trim_start_matches('+')}],
        "messages": [{"id": wamid}]
    }))
}

/// A fake Graph API answering sends with `responder` (path and bearer token checked).
pub async fn start_graph_with(responder: impl Respond + 'static) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(messages_path()))
        .and(header(
            "authorization",
            format!("Bearer {ACCESS_TOKEN}").as_str(),
        ))
        .respond_with(responder)
        .mount(&server)
        .await;
    server
}

/// Accepts every send after `delay` (typing indicators and read receipts at once), so that
/// sends are in flight long enough for a test to stop or kill the process meanwhile.
pub struct SlowAccept(pub std::time::Duration);

impl Respond for SlowAccept {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let body: Value = serde_json::from_slice(&request.body).unwrap_or(Value::Null);
        if body.get("status").is_some() {
            return ResponseTemplate::new(200).set_body_json(json!({"success": true}));
        }
        accepted(
            &body,
            &format!("wamid.OUT{}", uuid::Uuid::new_v4().simple()),
        )
        .set_delay(self.0)
    }
}
