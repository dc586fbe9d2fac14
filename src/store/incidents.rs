//! Numbers seen impersonating officials.

use async_trait::async_trait;
use serde::{Deserialize, Serialize};

use super::StoreError;

/// A number seen impersonating an official (or marked as a scam number by an admin).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Incident {
    /// The scam number, E.164.
    pub number: String,
    /// How many distinct reporters reported it.
    pub reporters: u64,
    /// Unix seconds of the first report.
    pub first_seen: u64,
    /// Unix seconds of the latest report.
    pub last_seen: u64,
    /// Ids of the officials it claimed to be, each once, in order of first claim.
    pub claimed: Vec<String>,
}

/// Incidents, one per scam number.
#[async_trait]
pub trait IncidentStore: Send + Sync + 'static {
    /// Atomically record that `reporter` (an opaque, stable key such as a staff pseudonym)
    /// saw `number` impersonate the officials `claimed` at unix second `at`. Reporters are
    /// counted once each; claimed ids are added once each. Idempotent: recording the same
    /// report again changes nothing but `last_seen`. Returns the incident after the update.
    async fn record_incident(
        &self,
        number: &str,
        reporter: &str,
        claimed: &[String],
        at: u64,
    ) -> Result<Incident, StoreError>;

    /// Incidents ordered by number, at most `limit`, starting after number `after`.
    async fn incidents(
        &self,
        after: Option<&str>,
        limit: usize,
    ) -> Result<Vec<Incident>, StoreError>;
}
