//! asli — a WhatsApp Business bot that tells government staff whether a message really comes
//! from their official.
//!
//! # Where things live
//!
//! Data flows one way: **webhook → signature → parse → durable inbox → worker → verify →
//! reply → Graph API → ack**. Admin calls change the registry; every instance notices the
//! registry version move and rebuilds its matcher.
//!
//! - [`config`]: typed settings from the environment and `.env`; secrets stay secret.
//! - [`telemetry`]: the tracing subscriber, and the rule that phone numbers are masked in logs.
//! - [`phone`]: [`phone::E164`], the one form of a phone number inside asli.
//! - [`whatsapp`]: everything Meta: webhook signatures, inbound payload types, the Graph API
//!   client and outbound message types.
//! - [`verify`]: the pure core, no I/O: numbers, claimed identities, scam signals, verdicts
//!   and the reply text.
//! - [`registry`]: the Official model, its validation, import/export and lookup index.
//! - [`store`]: what asli keeps, behind small traits ([`store::Inbox`], [`store::StateStore`],
//!   [`store::RegistryStore`], [`store::IncidentStore`]) with Redis and embedded
//!   implementations and the conformance suite both pass; key names in [`store::keys`].
//! - [`jobs`]: what the inbox holds ([`jobs::Job`]) and the staff pseudonyms that key it.
//! - [`engine`]: the verify analyzer for the registry as it stands, rebuilt when it moves.
//! - [`simulate`]: webhook payloads byte-for-byte as Meta sends them (demo, load, tests).
//! - [`worker`]: takes inbox jobs, verifies, replies, acknowledges; retries and dead letters.
//! - [`routes`]: thin HTTP handlers (webhook, admin, health, metrics) over the above.
//! - [`app`]: builds the HTTP server, the worker and shutdown from a configuration.

pub mod app;
pub mod config;
pub mod engine;
pub mod jobs;
pub mod phone;
pub mod registry;
pub mod routes;
pub mod simulate;
pub mod store;
pub mod telemetry;
pub mod verify;
pub mod whatsapp;
pub mod worker;
