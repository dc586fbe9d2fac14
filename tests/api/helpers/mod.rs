//! Shared test support: private Redis servers, `spawn_app()`, the fake Graph API, signed
//! webhook payloads.

pub mod redis_server;
