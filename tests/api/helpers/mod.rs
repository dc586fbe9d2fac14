//! Shared test support: private Redis servers, `spawn_app()`, the fake Graph API, signed
//! webhook payloads.
#![allow(dead_code)]

pub mod app;
pub mod graph;
pub mod payloads;
pub mod redis_server;

pub use app::*;
pub use payloads::*;
