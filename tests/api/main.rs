//! Black-box tests of asli: one test binary (fast to link), one module per area.
//! Each test gets its own private `redis-server` (unix socket in a temp dir) or its own
//! embedded store directory, and a fake Graph API (wiremock).

#[macro_use]
mod helpers;

mod admin;
mod delivery;
mod delivery_shutdown;
mod instances;
mod registry_sync;
mod review;
mod store;
mod webhook;
mod worker;
