//! Why a registry call failed: one enum for the admin API, the CLI and the import path.

use serde::Serialize;

use super::validate::FieldError;
use crate::store::StoreError;

/// One problem in one row of an import file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct RowError {
    /// 1-based data row: the first row after a CSV header (or the first JSON array element)
    /// is row 1.
    pub row: usize,
    /// The field (CSV column or JSON key) at fault, e.g. `phones[1].number`.
    pub field: String,
    /// What is wrong, for a person.
    pub message: String,
}

/// Why a registry call failed. Each variant maps to one HTTP status (see `routes::admin`).
#[derive(Debug, thiserror::Error)]
pub enum RegistryError {
    /// The input has field-level problems (HTTP 422). The message names the first few; the
    /// response's details list them all.
    #[error("invalid input: {}", crate::telemetry::Preview(.0))]
    Validation(Vec<FieldError>),
    /// An import has row-level problems; nothing was written (HTTP 422).
    #[error("{} row(s) of the import have problems; nothing was written", .0.len())]
    Rows(Vec<RowError>),
    /// An import file cannot be read at all: wrong headers, not CSV, not a JSON array (400).
    #[error("{0}")]
    BadFile(String),
    /// An import in a format we do not read (HTTP 415).
    #[error("unsupported import format `{0}`: send text/csv or application/json")]
    UnsupportedFormat(String),
    /// No official with this id (HTTP 404).
    #[error("no official with id `{0}`")]
    NotFound(String),
    /// A number already belongs to another official (HTTP 409).
    #[error("{} already belongs to {official_name} ({official_id})", crate::phone::mask_phone(.number))]
    Conflict {
        /// The number, E.164.
        number: String,
        /// The official who owns it.
        official_id: String,
        /// Their name.
        official_name: String,
    },
    /// `If-Match` names an older version (HTTP 412).
    #[error("the official changed since you read it (now {current_etag}); read it again")]
    Stale {
        /// The current `ETag`.
        current_etag: String,
    },
    /// A change without `If-Match` (HTTP 428).
    #[error("send If-Match with the ETag you read, so that no one else's change is lost")]
    PreconditionRequired,
    /// Too many concurrent writers: the write kept losing the race (HTTP 503, retry).
    #[error("the registry is busy; try again")]
    Busy,
    /// The store failed (HTTP 503).
    #[error("store: {0}")]
    Store(#[from] StoreError),
}

impl RegistryError {
    /// A single field problem.
    pub fn field(field: impl Into<String>, message: impl Into<String>) -> RegistryError {
        RegistryError::Validation(vec![FieldError::new(field, message)])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_validation_message_names_the_first_ten_problems_and_counts_the_rest() {
        let errors: Vec<FieldError> = (0..50)
            .map(|i| FieldError::new(format!("aliases[{i}]"), "contains U+200B"))
            .collect();
        let text = RegistryError::Validation(errors).to_string();
        assert!(text.starts_with("invalid input: aliases[0]: contains U+200B; aliases[1]"));
        assert!(
            text.contains("aliases[9]: contains U+200B; … and 40 more (50 in all)"),
            "{text}"
        );
        assert!(!text.contains("aliases[10]"), "{text}");
    }
}
