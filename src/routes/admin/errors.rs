//! The admin API's one error shape: `{"error": {"code", "message", "details"}}`.
//!
//! Client errors say what to fix. Server errors (5xx) have a fixed message: the cause is
//! logged, never sent.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, ResponseError};
use serde_json::{Value, json};

use crate::registry::RegistryError;
use crate::store::StoreError;
use crate::telemetry::bound::preview_str;
use crate::telemetry::preview_json;

/// An admin API error, ready to become a response.
pub struct ApiError {
    /// HTTP status.
    pub status: StatusCode,
    /// Stable machine-readable code (`not_found`, `validation_failed`, ...).
    pub code: &'static str,
    /// What happened, for a person.
    pub message: String,
    /// Structured details (field errors, the conflicting official, ...), or `null`.
    pub details: Value,
}

impl ApiError {
    /// An error with no details.
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> ApiError {
        ApiError {
            status,
            code,
            message: message.into(),
            details: Value::Null,
        }
    }

    /// Attach details.
    pub fn with_details(mut self, details: Value) -> ApiError {
        self.details = details;
        self
    }

    /// 400 for a body that is not what the call takes.
    pub fn bad_request(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::BAD_REQUEST, "bad_request", message)
    }

    /// 503 with a fixed message; `cause` is logged only.
    pub fn unavailable(cause: &dyn std::fmt::Display) -> ApiError {
        tracing::error!(error = %cause, "admin call failed: store unavailable");
        ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "unavailable",
            "the service cannot reach its storage right now; try again shortly",
        )
    }

    /// 500 with a fixed message; `cause` is logged only.
    pub fn internal(cause: &dyn std::fmt::Display) -> ApiError {
        tracing::error!(error = %cause, "admin call failed");
        ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            "something went wrong on our side; it has been logged",
        )
    }

    /// Turn a JSON body parse failure into 400 (not JSON) or 422 (JSON of the wrong shape).
    pub fn from_json(e: &serde_json::Error) -> ApiError {
        use serde_json::error::Category;
        match e.classify() {
            Category::Data => ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "invalid_body",
                format!("the body does not have the expected fields: {e}"),
            ),
            _ => ApiError::new(
                StatusCode::BAD_REQUEST,
                "malformed_json",
                format!("the body is not valid JSON: {e}"),
            ),
        }
    }
}

impl std::fmt::Display for ApiError {
    /// Status and code only: request logging prints this, and the message may quote a phone
    /// number or other input that must not reach the logs. The message goes to the caller.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}", self.status.as_u16(), self.code)
    }
}

impl std::fmt::Debug for ApiError {
    /// The log form (request logging writes it for every error response): status, code, the
    /// message and details cut short, lists summarised as their first entries and a count. A
    /// 50,000-row rejected import is a few hundred bytes here, not a 27 MB log line.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ApiError")
            .field("status", &self.status.as_u16())
            .field("code", &self.code)
            .field("message", &preview_str(&self.message, 200))
            .field("details", &preview_json(&self.details).to_string())
            .finish()
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        self.status
    }

    fn error_response(&self) -> HttpResponse {
        HttpResponse::build(self.status).json(json!({
            "error": {"code": self.code, "message": self.message, "details": self.details}
        }))
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> ApiError {
        match e {
            StoreError::Corrupt(_) => ApiError::internal(&e),
            _ => ApiError::unavailable(&e),
        }
    }
}

impl From<RegistryError> for ApiError {
    fn from(e: RegistryError) -> ApiError {
        let message = e.to_string();
        match e {
            RegistryError::Validation(errors) => ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "validation_failed",
                message,
            )
            .with_details(json!({ "fields": errors })),
            RegistryError::Rows(rows) => {
                ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "import_rejected", message)
                    .with_details(json!({ "rows": rows }))
            }
            RegistryError::BadFile(_) => {
                ApiError::new(StatusCode::BAD_REQUEST, "bad_file", message)
            }
            RegistryError::UnsupportedFormat(_) => ApiError::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "unsupported_media_type",
                message,
            ),
            RegistryError::NotFound(_) => {
                ApiError::new(StatusCode::NOT_FOUND, "not_found", message)
            }
            RegistryError::Conflict {
                number,
                official_id,
                official_name,
            } => ApiError::new(
                StatusCode::CONFLICT,
                "number_taken",
                format!("{number} already belongs to {official_name} ({official_id})"),
            )
            .with_details(json!({
                "number": number, "official_id": official_id, "official_name": official_name
            })),
            RegistryError::Stale { current_etag } => {
                ApiError::new(StatusCode::PRECONDITION_FAILED, "stale", message)
                    .with_details(json!({ "current_etag": current_etag }))
            }
            RegistryError::PreconditionRequired => ApiError::new(
                StatusCode::PRECONDITION_REQUIRED,
                "if_match_required",
                message,
            ),
            RegistryError::Busy => ApiError::new(StatusCode::SERVICE_UNAVAILABLE, "busy", message),
            RegistryError::Store(e) => e.into(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::registry::RowError;

    #[test]
    fn the_log_form_of_a_50000_row_rejection_is_short_and_counts_the_rest() {
        let rows: Vec<RowError> = (1..=50_000)
            .map(|row| RowError {
                row,
                field: "phones[0].number".into(),
                message: format!("+9170000{row:05} is also on row 1"),
            })
            .collect();
        let e = ApiError::from(RegistryError::Rows(rows));
        let logged = format!("{e:?}");
        assert!(logged.len() < 2048, "{} bytes", logged.len());
        assert!(
            logged.contains("422") && logged.contains("import_rejected"),
            "{logged}"
        );
        assert_eq!(logged.matches("is also on row 1").count(), 10, "{logged}");
        assert!(logged.contains("49990 more (50000 in all)"), "{logged}");
        // The response itself still lists every row.
        assert_eq!(e.details["rows"].as_array().unwrap().len(), 50_000);
    }
}
