//! The registry of genuine official numbers: the model, its validation, and a lookup index.
//!
//! - [`model`]: the Official as the admin API shows it.
//! - [`validate`]: admin input types and field-level checks.
//! - [`clean_text`]: which characters registry text may hold (no hidden or reordering ones).
//! - [`csv_io`]: the CSV / JSON file form (import and export), with the column reference.
//! - [`service`]: every registry write (create, update, retire, import) with its audit entries.

pub mod clean_text;
pub mod csv_io;
mod error;
mod index;
mod model;
pub mod service;
pub mod validate;

pub use csv_io::{CSV_COLUMNS, ImportFormat, ImportRow};
pub use error::{RegistryError, RowError};
pub use index::{NumberStatus, RegistryIndex};
pub use model::{AuditEntry, Official, OfficialId, OfficialStatus, PhoneEntry};
pub use service::{
    AuditFilter, AuditPage, ImportReport, ListFilter, Lookup, OfficialPage, RegistryService,
};
pub use validate::{FieldError, LabelledPhone, NewOfficial, OfficialPatch, PhoneInput};
