//! The embedded store (redb), used when `REDIS_URL` is unset.
