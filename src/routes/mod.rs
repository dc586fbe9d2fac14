//! HTTP handlers.

pub mod admin;
