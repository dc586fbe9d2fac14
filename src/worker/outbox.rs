//! Where replies go: the Graph API, or the log in dry-run mode.

use crate::phone::mask_phone;
use crate::whatsapp::{GraphClient, GraphError, OutboundMessage};

/// The reply channel.
pub enum Outbox {
    /// `WHATSAPP_DRY_RUN=1`: replies are logged, never sent.
    DryRun,
    /// Replies are sent through the Graph API.
    Graph(GraphClient),
}

impl Outbox {
    /// Replies through `client`, or logged when there is none (dry run).
    pub fn new(client: Option<GraphClient>) -> Outbox {
        client.map_or(Outbox::DryRun, Outbox::Graph)
    }

    /// Send `message` from business number `phone_number_id`; the new message's wamid.
    pub async fn send(
        &self,
        phone_number_id: &str,
        recipient_hint: &str,
        message: &OutboundMessage,
    ) -> Result<String, GraphError> {
        match self {
            Outbox::DryRun => {
                let body = serde_json::to_string(message).unwrap_or_default();
                tracing::info!(
                    to = %mask_phone(recipient_hint),
                    message = %body,
                    "dry run: reply not sent"
                );
                Ok(format!("dry-run.{}", uuid::Uuid::new_v4().simple()))
            }
            Outbox::Graph(client) => client
                .send(phone_number_id, message)
                .await
                .map(|sent| sent.wamid),
        }
    }

    /// Best effort: show the staff member that the bot is working on their message.
    pub async fn mark_read_typing(&self, phone_number_id: &str, message_id: &str) {
        if let Outbox::Graph(client) = self {
            let Ok(msg) = OutboundMessage::mark_read_with_typing(message_id) else {
                return;
            };
            if let Err(e) = client.send(phone_number_id, &msg).await {
                tracing::debug!(error = %e, "typing indicator not shown");
            }
        }
    }
}
