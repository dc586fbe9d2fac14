//! The Graph API client that sends our replies.
//!
//! One pooled `reqwest::Client` (rustls) with a connect timeout and a whole-request timeout, so
//! no send can hang a worker. Meta's error body is parsed into [`MetaError`], and
//! [`GraphError::class`] says whether to retry, switch to a template, alert an operator, or
//! dead-letter. The access token lives in a `SecretString` exposed only to build the header.

use std::fmt;
use std::time::Duration;

use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;

use super::errors::{ErrorClass, RetryReason, classify_known_code};
use super::outbound::OutboundMessage;

/// How long the Graph API gets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GraphTimeouts {
    /// To open the TCP + TLS connection.
    pub connect: Duration,
    /// For the whole request, body included.
    pub request: Duration,
}

impl Default for GraphTimeouts {
    /// 5 s to connect, 15 s in all: Meta answers sends in well under a second when healthy.
    fn default() -> Self {
        GraphTimeouts {
            connect: Duration::from_secs(5),
            request: Duration::from_secs(15),
        }
    }
}

/// What Meta answered to an accepted send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SentMessage {
    /// The new message's wamid (status webhooks refer to it). A read receipt creates no message:
    /// Meta answers `{"success": true}` and this is the id of the message marked read.
    pub wamid: String,
}

/// Meta's error object (`{"error": {...}}`), as the Graph API returns it.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(from = "WireError")]
pub struct MetaError {
    /// The Cloud API code: the thing to branch on.
    pub code: i64,
    /// Deprecated by Meta but still seen (`463` for an expired token).
    pub error_subcode: Option<i64>,
    /// `(#<code>) <title>`.
    pub message: Option<String>,
    /// `OAuthException`, ...
    pub kind: Option<String>,
    /// `error_data.details`, or `error_data` itself when Meta sends a string or other shape.
    pub details: Option<String>,
    /// Meta's trace id, for a support ticket.
    pub fbtrace_id: Option<String>,
    /// Meta's own hint that a retry may work.
    pub is_transient: Option<bool>,
}

#[derive(Deserialize)]
struct WireError {
    #[serde(default)]
    code: i64,
    #[serde(default)]
    error_subcode: Option<i64>,
    #[serde(default)]
    message: Option<String>,
    #[serde(default, rename = "type")]
    kind: Option<String>,
    #[serde(default)]
    error_data: Option<serde_json::Value>,
    #[serde(default)]
    fbtrace_id: Option<String>,
    #[serde(default)]
    is_transient: Option<bool>,
}

impl From<WireError> for MetaError {
    fn from(w: WireError) -> Self {
        let details = w.error_data.and_then(|data| match data {
            serde_json::Value::String(s) => Some(s),
            serde_json::Value::Object(mut o) => match o.remove("details") {
                Some(serde_json::Value::String(s)) => Some(s),
                Some(serde_json::Value::Null) | None => None,
                Some(other) => Some(other.to_string()),
            },
            serde_json::Value::Null => None,
            other => Some(other.to_string()),
        });
        MetaError {
            code: w.code,
            error_subcode: w.error_subcode,
            message: w.message,
            kind: w.kind,
            details,
            fbtrace_id: w.fbtrace_id,
            is_transient: w.is_transient,
        }
    }
}

impl fmt::Display for MetaError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.message {
            Some(m) => write!(f, "{m} [code {}]", self.code)?,
            None => write!(f, "code {}", self.code)?,
        }
        if let Some(d) = &self.details {
            write!(f, ": {d}")?;
        }
        if let Some(t) = &self.fbtrace_id {
            write!(f, " (fbtrace_id {t})")?;
        }
        Ok(())
    }
}

#[derive(Deserialize)]
struct ErrorBody {
    error: MetaError,
}

/// A send that did not succeed. Never carries the access token.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum GraphError {
    /// Meta answered with its error object.
    #[error("Graph API answered {status}: {error}")]
    Api {
        /// HTTP status (informative only; [`GraphError::class`] uses the code).
        status: u16,
        /// The parsed error.
        error: MetaError,
    },
    /// An error status without an error object we could read (a proxy's HTML page, ...).
    #[error("Graph API answered {status} without a readable error")]
    Http {
        /// HTTP status.
        status: u16,
    },
    /// No complete answer within the timeout.
    #[error("Graph API did not answer in time")]
    Timeout,
    /// Could not connect, or the connection broke.
    #[error("could not reach the Graph API: {0}")]
    Connection(String),
    /// A success status with a body we could not read: the message may have been sent.
    #[error("Graph API accepted the request but its answer was unreadable: {0}")]
    UnexpectedResponse(String),
    /// The phone number id is not the digits Meta uses (it comes from a webhook).
    #[error("`phone_number_id` must be letters and digits only")]
    InvalidPhoneNumberId,
}

impl GraphError {
    /// What to do about it, by Meta's error code (doc §6), never by HTTP status or text, except
    /// when there is no code: 5xx, 429, timeouts and connection errors are retried. An unlisted
    /// code is retried only when Meta flags it `is_transient`.
    pub fn class(&self) -> ErrorClass {
        match self {
            // Meta's own `is_transient` hint only decides for codes its table does not list.
            GraphError::Api { error, .. } => {
                classify_known_code(error.code).unwrap_or(if error.is_transient == Some(true) {
                    ErrorClass::RetryLater {
                        reason: RetryReason::Unavailable,
                    }
                } else {
                    ErrorClass::Permanent
                })
            }
            GraphError::Http { status: 429 } => ErrorClass::RetryLater {
                reason: RetryReason::RateLimited,
            },
            GraphError::Http { status } if *status >= 500 => ErrorClass::RetryLater {
                reason: RetryReason::Unavailable,
            },
            GraphError::Http { .. } => ErrorClass::Permanent,
            GraphError::Timeout => ErrorClass::RetryLater {
                reason: RetryReason::Timeout,
            },
            GraphError::Connection(_) => ErrorClass::RetryLater {
                reason: RetryReason::Connection,
            },
            // Retrying could send the same reply twice; a dead letter is visible instead.
            GraphError::UnexpectedResponse(_) => ErrorClass::Permanent,
            GraphError::InvalidPhoneNumberId => ErrorClass::Permanent,
        }
    }

    /// Meta's error code, when Meta gave one.
    pub fn code(&self) -> Option<i64> {
        match self {
            GraphError::Api { error, .. } => Some(error.code),
            _ => None,
        }
    }
}

/// Success bodies: a send returns the new wamid, a read receipt only `success`.
#[derive(Deserialize)]
#[serde(untagged)]
enum SuccessBody {
    Sent { messages: Vec<SentId> },
    Acknowledged { success: bool },
}

#[derive(Deserialize)]
struct SentId {
    id: String,
}

/// Sends messages through the Cloud API. Cheap to clone: clones share the connection pool.
#[derive(Clone)]
pub struct GraphClient {
    http: reqwest::Client,
    base_url: String,
    api_version: String,
    access_token: SecretString,
}

impl fmt::Debug for GraphClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("GraphClient")
            .field("base_url", &self.base_url)
            .field("api_version", &self.api_version)
            .field("access_token", &"[REDACTED]")
            .finish()
    }
}

impl GraphClient {
    /// A client for `{base_url}/{api_version}/...` (`https://graph.facebook.com`, `v25.0`).
    ///
    /// # Panics
    /// Only if the TLS backend cannot initialise, which is a broken build, not bad input.
    pub fn new(
        base_url: &str,
        api_version: &str,
        access_token: SecretString,
        timeouts: GraphTimeouts,
    ) -> GraphClient {
        let http = reqwest::Client::builder()
            .use_rustls_tls()
            .connect_timeout(timeouts.connect)
            .timeout(timeouts.request)
            .user_agent(concat!("asli/", env!("CARGO_PKG_VERSION")))
            .build()
            .expect("the rustls HTTP client builds with static settings");
        GraphClient {
            http,
            base_url: base_url.trim_end_matches('/').to_string(),
            api_version: api_version.trim_matches('/').to_string(),
            access_token,
        }
    }

    /// POST `msg` to `/{phone_number_id}/messages`. `Ok` means Meta accepted it; delivery comes
    /// later as status webhooks.
    pub async fn send(
        &self,
        phone_number_id: &str,
        msg: &OutboundMessage,
    ) -> Result<SentMessage, GraphError> {
        if phone_number_id.is_empty()
            || phone_number_id.len() > 64
            || !phone_number_id.bytes().all(|b| b.is_ascii_alphanumeric())
        {
            return Err(GraphError::InvalidPhoneNumberId);
        }
        let url = format!(
            "{}/{}/{}/messages",
            self.base_url, self.api_version, phone_number_id
        );
        let result = self.post(&url, msg).await;
        match &result {
            Ok(_) => tracing::debug!(kind = msg.kind_name(), "Graph API accepted the message"),
            Err(e) => tracing::warn!(
                kind = msg.kind_name(),
                code = e.code(),
                class = ?e.class(),
                error = %e,
                "Graph API send failed"
            ),
        }
        result
    }

    async fn post(&self, url: &str, msg: &OutboundMessage) -> Result<SentMessage, GraphError> {
        let response = self
            .http
            .post(url)
            .bearer_auth(self.access_token.expose_secret())
            .json(msg)
            .send()
            .await
            .map_err(transport_error)?;
        let status = response.status();
        let body = response.bytes().await.map_err(transport_error)?;
        if !status.is_success() {
            return Err(match serde_json::from_slice::<ErrorBody>(&body) {
                Ok(b) => GraphError::Api {
                    status: status.as_u16(),
                    error: b.error,
                },
                Err(_) => GraphError::Http {
                    status: status.as_u16(),
                },
            });
        }
        let unexpected = |what: &str| GraphError::UnexpectedResponse(what.to_string());
        match serde_json::from_slice::<SuccessBody>(&body) {
            Ok(SuccessBody::Sent { messages }) => messages
                .into_iter()
                .next()
                .map(|m| SentMessage { wamid: m.id })
                .ok_or_else(|| unexpected("no message id")),
            Ok(SuccessBody::Acknowledged { success: true }) => match msg.read_message_id() {
                Some(id) => Ok(SentMessage {
                    wamid: id.to_string(),
                }),
                None => Err(unexpected("`success` without a message id")),
            },
            Ok(SuccessBody::Acknowledged { success: false }) => Err(unexpected("success: false")),
            Err(_) => Err(unexpected("not a send response")),
        }
    }
}

/// Timeouts and broken connections, with the cause chain (URLs hold no secret: the token is a
/// header).
fn transport_error(e: reqwest::Error) -> GraphError {
    if e.is_timeout() {
        return GraphError::Timeout;
    }
    let mut text = e.to_string();
    let mut source = std::error::Error::source(&e);
    while let Some(s) = source {
        text.push_str(": ");
        text.push_str(&s.to_string());
        source = s.source();
    }
    GraphError::Connection(text)
}

#[cfg(test)]
#[path = "graph_tests.rs"]
mod tests;
