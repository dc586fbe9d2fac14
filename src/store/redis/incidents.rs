//! Incidents: one hash, reporters set and claimed list per number, and an index of numbers,
//! all under the `{reg}` hash tag.

use async_trait::async_trait;

use super::{RedisStore, keys};
use crate::store::{Incident, IncidentStore, StoreError};

/// One incident as the scripts return it: reporters, first, last, claimed ids.
type IncidentRow = (u64, u64, u64, Vec<String>);

#[async_trait]
impl IncidentStore for RedisStore {
    async fn record_incident(
        &self,
        number: &str,
        reporter: &str,
        claimed: &[String],
        at: u64,
    ) -> Result<Incident, StoreError> {
        let base = format!("{}{number}", keys::INCIDENT_PREFIX);
        let mut invocation = self.scripts.record_incident.prepare_invoke();
        invocation
            .key(&base)
            .key(format!("{base}:reporters"))
            .key(format!("{base}:claimed"))
            .key(keys::INCIDENTS)
            .arg(number)
            .arg(reporter)
            .arg(at);
        for id in claimed {
            invocation.arg(id);
        }
        let mut conn = self.conn();
        let (reporters, first_seen, last_seen, claimed): IncidentRow = self
            .run("record_incident", invocation.invoke_async(&mut conn))
            .await?;
        Ok(Incident {
            number: number.to_string(),
            reporters,
            first_seen,
            last_seen,
            claimed,
        })
    }

    async fn incidents(
        &self,
        after: Option<&str>,
        limit: usize,
    ) -> Result<Vec<Incident>, StoreError> {
        if limit == 0 {
            return Ok(Vec::new());
        }
        let start = after.map_or_else(|| "-".to_string(), |a| format!("({a}"));
        let mut invocation = self.scripts.incidents.prepare_invoke();
        invocation
            .key(keys::INCIDENTS)
            .arg(start)
            .arg(limit)
            .arg(keys::INCIDENT_PREFIX);
        let mut conn = self.conn();
        let rows: Vec<(String, u64, u64, u64, Vec<String>)> = self
            .run("incidents", invocation.invoke_async(&mut conn))
            .await?;
        Ok(rows
            .into_iter()
            .map(
                |(number, reporters, first_seen, last_seen, claimed)| Incident {
                    number,
                    reporters,
                    first_seen,
                    last_seen,
                    claimed,
                },
            )
            .collect())
    }
}
