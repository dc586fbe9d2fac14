//! Keyed state in redb: one table of (expiry, value); counters hold their decimal digits.

use std::time::Duration;

use async_trait::async_trait;
use redb::{ReadableTable, WriteTransaction};

use super::{EmbeddedStore, STATE, db_error, expiry_ms, index_expiry, now_ms};
use crate::store::{StateKey, StateStore, StateWrite, StoreError};

/// The live value of `name` in an open state table.
fn live(
    table: &impl ReadableTable<&'static str, (u64, &'static [u8])>,
    name: &str,
    now: u64,
) -> Result<Option<(u64, Vec<u8>)>, StoreError> {
    Ok(table.get(name).map_err(db_error)?.and_then(|g| {
        let (until, value) = g.value();
        (until > now).then(|| (until, value.to_vec()))
    }))
}

fn put(txn: &WriteTransaction, name: &str, value: &[u8], until: u64) -> Result<(), StoreError> {
    txn.open_table(STATE)
        .map_err(db_error)?
        .insert(name, (until, value))
        .map_err(db_error)?;
    index_expiry(txn, until, &format!("e:{name}"))
}

/// Add one to counter `name` (a new one lives `ttl`); the new count.
fn incr(txn: &WriteTransaction, name: &str, ttl: Duration, now: u64) -> Result<u64, StoreError> {
    let current = live(&txn.open_table(STATE).map_err(db_error)?, name, now)?;
    let (until, count) = match current {
        Some((until, digits)) => {
            let count = std::str::from_utf8(&digits)
                .ok()
                .and_then(|d| d.parse::<u64>().ok())
                .unwrap_or(0);
            (until, count.saturating_add(1))
        }
        None => (expiry_ms(ttl), 1),
    };
    put(txn, name, count.to_string().as_bytes(), until)?;
    Ok(count)
}

/// Apply one write of a step commit.
pub(super) fn apply_write(
    txn: &WriteTransaction,
    write: &StateWrite,
    now: u64,
) -> Result<(), StoreError> {
    match write {
        StateWrite::Put { key, value, ttl } => put(txn, key.name(), value, expiry_ms(*ttl)),
        StateWrite::Delete(key) => {
            txn.open_table(STATE)
                .map_err(db_error)?
                .remove(key.name())
                .map_err(db_error)?;
            Ok(())
        }
        StateWrite::Incr { key, ttl } => incr(txn, key.name(), *ttl, now).map(|_| ()),
    }
}

#[async_trait]
impl StateStore for EmbeddedStore {
    async fn get_many(&self, keys: &[StateKey]) -> Result<Vec<Option<Vec<u8>>>, StoreError> {
        let names: Vec<String> = keys.iter().map(|k| k.name().to_string()).collect();
        self.read(move |txn| {
            let now = now_ms();
            let table = txn.open_table(STATE).map_err(db_error)?;
            names
                .iter()
                .map(|name| Ok(live(&table, name, now)?.map(|(_, value)| value)))
                .collect()
        })
        .await
    }

    async fn find_grouped(&self, name: &str) -> Result<Option<Vec<u8>>, StoreError> {
        // One table for every group: the name alone finds it.
        self.get(&StateKey::global(name)).await
    }

    async fn put(&self, key: &StateKey, value: &[u8], ttl: Duration) -> Result<(), StoreError> {
        let (name, value) = (key.name().to_string(), value.to_vec());
        self.write(move |txn| Ok((put(txn, &name, &value, expiry_ms(ttl))?, None)))
            .await
    }

    async fn put_if_absent(
        &self,
        key: &StateKey,
        value: &[u8],
        ttl: Duration,
    ) -> Result<bool, StoreError> {
        let (name, value) = (key.name().to_string(), value.to_vec());
        self.write(move |txn| {
            let taken = live(&txn.open_table(STATE).map_err(db_error)?, &name, now_ms())?;
            if taken.is_some() {
                return Ok((false, None));
            }
            put(txn, &name, &value, expiry_ms(ttl))?;
            Ok((true, None))
        })
        .await
    }

    async fn take(&self, key: &StateKey) -> Result<Option<Vec<u8>>, StoreError> {
        let name = key.name().to_string();
        self.write(move |txn| {
            let removed = txn
                .open_table(STATE)
                .map_err(db_error)?
                .remove(name.as_str())
                .map_err(db_error)?
                .and_then(|g| {
                    let (until, value) = g.value();
                    (until > now_ms()).then(|| value.to_vec())
                });
            Ok((removed, None))
        })
        .await
    }

    async fn incr(&self, key: &StateKey, ttl: Duration) -> Result<u64, StoreError> {
        let name = key.name().to_string();
        self.write(move |txn| Ok((incr(txn, &name, ttl, now_ms())?, None)))
            .await
    }
}
