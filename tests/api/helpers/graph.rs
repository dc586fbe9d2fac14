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
