//! One connection type over single-node Redis (`ConnectionManager`, reconnects by itself) and
//! Redis Cluster (`ClusterConnection`), so the store code does not care which it talks to.

use std::time::Duration;

use redis::aio::{ConnectionLike, ConnectionManager, ConnectionManagerConfig};
use redis::cluster_async::ClusterConnection;
use redis::{Cmd, Pipeline, RedisFuture, Value};

use super::map_error;
use crate::store::StoreError;

/// A multiplexed connection to a Redis node or cluster; clones share it.
#[derive(Clone)]
pub(super) enum Conn {
    /// One server.
    Single(ConnectionManager),
    /// A cluster; commands are routed by key slot.
    Cluster(ClusterConnection),
}

impl ConnectionLike for Conn {
    fn req_packed_command<'a>(&'a mut self, cmd: &'a Cmd) -> RedisFuture<'a, Value> {
        match self {
            Conn::Single(c) => c.req_packed_command(cmd),
            Conn::Cluster(c) => c.req_packed_command(cmd),
        }
    }

    fn req_packed_commands<'a>(
        &'a mut self,
        pipeline: &'a Pipeline,
        offset: usize,
        count: usize,
    ) -> RedisFuture<'a, Vec<Value>> {
        match self {
            Conn::Single(c) => c.req_packed_commands(pipeline, offset, count),
            Conn::Cluster(c) => c.req_packed_commands(pipeline, offset, count),
        }
    }

    fn get_db(&self) -> i64 {
        match self {
            Conn::Single(c) => c.get_db(),
            Conn::Cluster(c) => c.get_db(),
        }
    }
}

/// The cluster node URLs in `url`, or `None` for a single-node URL.
///
/// `redis+cluster://h1:1,h2:2` and `redis://h1:1,redis://h2:2` both name a cluster.
pub(super) fn cluster_nodes(url: &str) -> Option<Vec<String>> {
    if let Some(rest) = url.strip_prefix("redis+cluster://") {
        let (auth, hosts) = match rest.rsplit_once('@') {
            Some((auth, hosts)) => (format!("{auth}@"), hosts),
            None => (String::new(), rest),
        };
        let nodes = hosts
            .split(',')
            .map(str::trim)
            .filter(|h| !h.is_empty())
            .map(|h| format!("redis://{auth}{h}"))
            .collect();
        return Some(nodes);
    }
    url.contains(',').then(|| {
        url.split(',')
            .map(str::trim)
            .filter(|u| !u.is_empty())
            .map(str::to_string)
            .collect()
    })
}

/// Connect to `url` (see [`super::RedisStore::connect`]). The plain client is returned too for
/// a single node, for pub/sub.
pub(super) async fn connect(
    url: &str,
    timeout: Duration,
) -> Result<(Conn, Option<redis::Client>), StoreError> {
    let bad_url = |e: redis::RedisError| {
        // The error may quote the URL, which may hold a password: keep only the kind.
        StoreError::Unavailable(format!("invalid REDIS_URL ({:?})", e.kind()))
    };
    if let Some(nodes) = cluster_nodes(url) {
        let client = redis::cluster::ClusterClient::builder(nodes)
            .connection_timeout(timeout)
            .response_timeout(timeout)
            .retries(2)
            .build()
            .map_err(bad_url)?;
        let conn = tokio::time::timeout(timeout, client.get_async_connection())
            .await
            .map_err(|_| StoreError::Unavailable("redis cluster: connect timed out".into()))?
            .map_err(|e| map_error("connect", e))?;
        return Ok((Conn::Cluster(conn), None));
    }
    let client = redis::Client::open(url).map_err(bad_url)?;
    let config = ConnectionManagerConfig::new()
        .set_connection_timeout(Some(timeout))
        .set_response_timeout(Some(timeout))
        .set_number_of_retries(2)
        .set_max_delay(Duration::from_millis(500));
    let manager = tokio::time::timeout(
        timeout,
        ConnectionManager::new_with_config(client.clone(), config),
    )
    .await
    .map_err(|_| StoreError::Unavailable("redis: connect timed out".into()))?
    .map_err(|e| map_error("connect", e))?;
    Ok((Conn::Single(manager), Some(client)))
}

#[cfg(test)]
mod tests {
    use super::cluster_nodes;

    #[test]
    fn a_cluster_url_lists_every_node_with_its_credentials() {
        assert_eq!(
            cluster_nodes("redis+cluster://:pw@a:7000,b:7001"),
            Some(vec![
                "redis://:pw@a:7000".to_string(),
                "redis://:pw@b:7001".to_string()
            ])
        );
    }

    #[test]
    fn comma_separated_urls_name_a_cluster_and_a_single_url_does_not() {
        assert_eq!(
            cluster_nodes("redis://a:1, redis://b:2"),
            Some(vec!["redis://a:1".to_string(), "redis://b:2".to_string()])
        );
        assert_eq!(cluster_nodes("redis+unix:///tmp/r.sock"), None);
    }
}
