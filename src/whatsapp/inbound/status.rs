//! Status updates of messages we sent, and the webhook error shape they share with
//! `value.errors` and `messages[].errors`.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::whatsapp::errors::{ErrorClass, classify_code};

/// An error as webhooks carry it (a different shape from the Graph API's send errors).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct WebhookError {
    /// Cloud API error code (`131047`, `130429`, ...).
    #[serde(default)]
    pub code: i64,
    /// Short title (to be deprecated by Meta; do not branch on it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// Usually the title again.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// Longer explanation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error_data: Option<WebhookErrorData>,
    /// Link to Meta's error code page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub href: Option<String>,
}

/// `errors[].error_data`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct WebhookErrorData {
    /// The explanation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub details: Option<String>,
}

impl WebhookError {
    /// `error_data.details`, when present.
    pub fn details(&self) -> Option<&str> {
        self.error_data.as_ref()?.details.as_deref()
    }

    /// What to do about it; same codes, same answer as for a send error.
    pub fn class(&self) -> ErrorClass {
        classify_code(self.code)
    }
}

impl fmt::Display for WebhookError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "(#{})", self.code)?;
        if let Some(title) = self.title.as_deref().or(self.message.as_deref()) {
            write!(f, " {title}")?;
        }
        if let Some(details) = self.details() {
            write!(f, ": {details}")?;
        }
        Ok(())
    }
}

/// Where a message we sent has got to.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(from = "String", into = "String")]
pub enum DeliveryStatus {
    /// Accepted by WhatsApp (one tick).
    Sent,
    /// On the user's phone (two ticks); may be skipped when read at once.
    Delivered,
    /// Read (blue ticks).
    Read,
    /// A voice message was first played.
    Played,
    /// Could not be delivered; see the errors.
    Failed,
    /// A status newer than this code, kept by name.
    Unknown(String),
}

impl DeliveryStatus {
    /// The name Meta uses.
    pub fn as_str(&self) -> &str {
        match self {
            DeliveryStatus::Sent => "sent",
            DeliveryStatus::Delivered => "delivered",
            DeliveryStatus::Read => "read",
            DeliveryStatus::Played => "played",
            DeliveryStatus::Failed => "failed",
            DeliveryStatus::Unknown(name) => name,
        }
    }
}

impl From<String> for DeliveryStatus {
    fn from(name: String) -> Self {
        match name.as_str() {
            "sent" => DeliveryStatus::Sent,
            "delivered" => DeliveryStatus::Delivered,
            "read" => DeliveryStatus::Read,
            "played" => DeliveryStatus::Played,
            "failed" => DeliveryStatus::Failed,
            _ => DeliveryStatus::Unknown(name),
        }
    }
}

impl From<DeliveryStatus> for String {
    fn from(status: DeliveryStatus) -> Self {
        status.as_str().to_string()
    }
}

impl fmt::Display for DeliveryStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One status update of a message we sent, normalised.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StatusUpdate {
    /// The wamid our send call returned.
    pub id: String,
    /// The new status.
    pub status: DeliveryStatus,
    /// Unix seconds.
    pub timestamp: u64,
    /// Recipient's phone digits (absent for username users).
    pub recipient_id: Option<String>,
    /// Recipient's business-scoped user id.
    pub recipient_user_id: Option<String>,
    /// Why a `failed` message failed.
    #[serde(default)]
    pub errors: Vec<WebhookError>,
}

impl StatusUpdate {
    /// `status:<wamid>:<status>`: Meta may deliver the same update twice.
    pub fn dedupe_key(&self) -> String {
        format!("status:{}:{}", self.id, self.status)
    }
}

/// A system, app or account level error reported in `value.errors`, or an item of the payload we
/// could not read.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WebhookErrorUpdate {
    /// The WhatsApp Business Account (`entry[].id`).
    pub waba_id: Option<String>,
    /// Our business number's id, from the change's metadata.
    pub phone_number_id: Option<String>,
    /// Whether Meta reported it or we could not read part of the payload.
    pub origin: ErrorOrigin,
    /// The error. For [`ErrorOrigin::Unreadable`], `code` is 0, `title` names the item and
    /// `error_data.details` the parse problem (never field values).
    pub error: WebhookError,
}

/// Who raised a [`WebhookErrorUpdate`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorOrigin {
    /// Meta, in `value.errors`.
    Meta,
    /// Us: an item of the payload did not have the documented shape.
    Unreadable,
}

impl WebhookErrorUpdate {
    /// What to do about it. An unreadable item is permanent: Meta's code 0 ("cannot
    /// authenticate") must not be read into our placeholder.
    pub fn class(&self) -> ErrorClass {
        match self.origin {
            ErrorOrigin::Meta => self.error.class(),
            ErrorOrigin::Unreadable => ErrorClass::Permanent,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_and_unknown_statuses_round_trip_by_name() {
        for name in ["sent", "delivered", "read", "played", "failed", "deleted"] {
            let status = DeliveryStatus::from(name.to_string());
            assert_eq!(status.as_str(), name);
            let json = serde_json::to_string(&status).unwrap();
            assert_eq!(json, format!("\"{name}\""));
            assert_eq!(
                serde_json::from_str::<DeliveryStatus>(&json).unwrap(),
                status
            );
        }
        assert_eq!(
            DeliveryStatus::from("deleted".to_string()),
            DeliveryStatus::Unknown("deleted".into())
        );
    }

    #[test]
    fn a_webhook_error_displays_code_title_and_details() {
        let e: WebhookError = serde_json::from_str(
            r#"{"code":131047,"title":"Re-engagement message","error_data":{"details":"24 hours passed"}}"#,
        )
        .unwrap();
        assert_eq!(
            e.to_string(),
            "(#131047) Re-engagement message: 24 hours passed"
        );
        assert_eq!(e.class(), ErrorClass::NeedsTemplate);
    }
}
