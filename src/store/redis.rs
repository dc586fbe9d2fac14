//! The Redis (and Redis Cluster) store.
