//! Keyed state: plain string keys with a TTL; counters by `lua/counter.lua`. Keys of a group
//! carry its shard's hash tag (see [`super::RedisStore::state_key`]).

use std::time::Duration;

use async_trait::async_trait;
use futures::future::try_join_all;

use super::{RedisStore, shard_prefix, ttl_ms};
use crate::store::{StateKey, StateStore, StoreError};

impl RedisStore {
    /// MGET of keys that share one slot.
    async fn mget(&self, keys: &[String]) -> Result<Vec<Option<Vec<u8>>>, StoreError> {
        let mut conn = self.conn();
        if keys.len() == 1 {
            let value: Option<Vec<u8>> = self
                .run(
                    "GET",
                    redis::cmd("GET").arg(&keys[0]).query_async(&mut conn),
                )
                .await?;
            return Ok(vec![value]);
        }
        self.run("MGET", redis::cmd("MGET").arg(keys).query_async(&mut conn))
            .await
    }
}

/// The hash tag of a Redis key (`{...}`), or the whole key when it has none.
fn slot_of(key: &str) -> &str {
    key.find('{')
        .and_then(|open| {
            let close = key[open + 1..].find('}')?;
            Some(&key[open + 1..open + 1 + close])
        })
        .filter(|tag| !tag.is_empty())
        .unwrap_or(key)
}

#[async_trait]
impl StateStore for RedisStore {
    async fn get_many(&self, keys: &[StateKey]) -> Result<Vec<Option<Vec<u8>>>, StoreError> {
        if keys.is_empty() {
            return Ok(Vec::new());
        }
        let names: Vec<String> = keys.iter().map(|k| self.state_key(k)).collect();
        // One MGET per slot (a cluster refuses cross-slot MGETs), in parallel.
        let mut slots: Vec<(&str, Vec<usize>)> = Vec::new();
        for (i, name) in names.iter().enumerate() {
            let slot = slot_of(name);
            match slots.iter_mut().find(|(s, _)| *s == slot) {
                Some((_, indices)) => indices.push(i),
                None => slots.push((slot, vec![i])),
            }
        }
        let calls = slots.iter().map(|(_, indices)| {
            let batch: Vec<String> = indices.iter().map(|&i| names[i].clone()).collect();
            async move { self.mget(&batch).await }
        });
        let mut out = vec![None; keys.len()];
        for ((_, indices), values) in slots.iter().zip(try_join_all(calls).await?) {
            for (&i, value) in indices.iter().zip(values) {
                out[i] = value;
            }
        }
        Ok(out)
    }

    async fn find_grouped(&self, name: &str) -> Result<Option<Vec<u8>>, StoreError> {
        let keys: Vec<String> = (0..self.shards)
            .map(|shard| format!("{}s:{name}", shard_prefix(shard)))
            .collect();
        let found = try_join_all(keys.iter().map(|k| self.mget(std::slice::from_ref(k)))).await?;
        Ok(found.into_iter().flatten().flatten().next())
    }

    async fn put(&self, key: &StateKey, value: &[u8], ttl: Duration) -> Result<(), StoreError> {
        let mut conn = self.conn();
        let _: String = self
            .run(
                "SET",
                redis::cmd("SET")
                    .arg(self.state_key(key))
                    .arg(value)
                    .arg("PX")
                    .arg(ttl_ms(ttl))
                    .query_async(&mut conn),
            )
            .await?;
        Ok(())
    }

    async fn put_if_absent(
        &self,
        key: &StateKey,
        value: &[u8],
        ttl: Duration,
    ) -> Result<bool, StoreError> {
        let mut conn = self.conn();
        let set: Option<String> = self
            .run(
                "SET NX",
                redis::cmd("SET")
                    .arg(self.state_key(key))
                    .arg(value)
                    .arg("NX")
                    .arg("PX")
                    .arg(ttl_ms(ttl))
                    .query_async(&mut conn),
            )
            .await?;
        Ok(set.is_some())
    }

    async fn take(&self, key: &StateKey) -> Result<Option<Vec<u8>>, StoreError> {
        let mut conn = self.conn();
        self.run(
            "GETDEL",
            redis::cmd("GETDEL")
                .arg(self.state_key(key))
                .query_async(&mut conn),
        )
        .await
    }

    async fn incr(&self, key: &StateKey, ttl: Duration) -> Result<u64, StoreError> {
        let mut invocation = self.scripts.counter.prepare_invoke();
        invocation.key(self.state_key(key)).arg(ttl_ms(ttl));
        let mut conn = self.conn();
        self.run("incr", invocation.invoke_async(&mut conn)).await
    }
}

#[cfg(test)]
mod tests {
    use super::slot_of;

    #[test]
    fn the_slot_of_a_key_is_its_hash_tag() {
        assert_eq!(slot_of("asli:{in:3}:s:window:x"), "in:3");
        assert_eq!(slot_of("asli:s:admin"), "asli:s:admin");
        assert_eq!(slot_of("asli:{}:x"), "asli:{}:x");
    }
}
