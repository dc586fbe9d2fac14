//! Incidents in redb: one JSON record per number, reporters in their own table.

use async_trait::async_trait;
use redb::ReadableTable;
use serde::{Deserialize, Serialize};

use super::{EmbeddedStore, INCIDENTS, REPORTERS, corrupt, db_error};
use crate::store::{Incident, IncidentStore, StoreError};

/// An incident as stored; its reporters have their own table.
#[derive(Serialize, Deserialize)]
struct StoredIncident {
    reporters: u64,
    first_seen: u64,
    last_seen: u64,
    claimed: Vec<String>,
}

impl StoredIncident {
    fn into_incident(self, number: String) -> Incident {
        Incident {
            number,
            reporters: self.reporters,
            first_seen: self.first_seen,
            last_seen: self.last_seen,
            claimed: self.claimed,
        }
    }
}

#[async_trait]
impl IncidentStore for EmbeddedStore {
    async fn record_incident(
        &self,
        number: &str,
        reporter: &str,
        claimed: &[String],
        at: u64,
    ) -> Result<Incident, StoreError> {
        let (number, reporter, claimed) =
            (number.to_string(), reporter.to_string(), claimed.to_vec());
        self.write(move |txn| {
            let mut incidents = txn.open_table(INCIDENTS).map_err(db_error)?;
            // Read (and fail on a corrupt record) before writing anything.
            let stored = incidents
                .get(number.as_str())
                .map_err(db_error)?
                .map(|g| serde_json::from_str::<StoredIncident>(g.value()))
                .transpose()
                .map_err(|e| corrupt("incident", e))?;
            let new_reporter = txn
                .open_table(REPORTERS)
                .map_err(db_error)?
                .insert((number.as_str(), reporter.as_str()), ())
                .map_err(db_error)?
                .is_none();
            let mut incident = stored.unwrap_or(StoredIncident {
                reporters: 0,
                first_seen: at,
                last_seen: at,
                claimed: Vec::new(),
            });
            incident.reporters += u64::from(new_reporter);
            incident.first_seen = incident.first_seen.min(at);
            incident.last_seen = incident.last_seen.max(at);
            for id in claimed {
                if !incident.claimed.contains(&id) {
                    incident.claimed.push(id);
                }
            }
            let json = serde_json::to_string(&incident).map_err(|e| corrupt("encode", e))?;
            incidents
                .insert(number.as_str(), json.as_str())
                .map_err(db_error)?;
            Ok((incident.into_incident(number), None))
        })
        .await
    }

    async fn incidents(
        &self,
        after: Option<&str>,
        limit: usize,
    ) -> Result<Vec<Incident>, StoreError> {
        let after = after.map(str::to_string);
        self.read(move |txn| {
            let incidents = txn.open_table(INCIDENTS).map_err(db_error)?;
            let range = match &after {
                Some(after) => incidents.range::<&str>(after.as_str()..),
                None => incidents.range::<&str>(..),
            }
            .map_err(db_error)?;
            range
                .filter(|entry| match (entry, &after) {
                    (Ok((number, _)), Some(after)) => number.value() != after.as_str(),
                    _ => true,
                })
                .take(limit)
                .map(|entry| {
                    let (number, json) = entry.map_err(db_error)?;
                    let stored: StoredIncident =
                        serde_json::from_str(json.value()).map_err(|e| corrupt("incident", e))?;
                    Ok(stored.into_incident(number.value().to_string()))
                })
                .collect()
        })
        .await
    }
}
