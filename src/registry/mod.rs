//! The registry of genuine official numbers: the model, its validation, and a lookup index.

mod index;
mod model;

pub use index::{NumberStatus, RegistryIndex};
pub use model::{AuditEntry, Official, OfficialId, OfficialStatus, PhoneEntry};
