//! Shared test support: private Redis servers, `spawn_app()`, the fake Graph API, signed
//! webhook payloads.
#![allow(dead_code)]

/// Run each `async fn(StoreKind)` case as two tests, one per store: a module named after the
/// case with `on_redis` and `on_the_embedded_store`.
macro_rules! on_both_stores {
    ($($case:ident),* $(,)?) => {
        $(
            mod $case {
                #[tokio::test]
                async fn on_redis() {
                    super::$case(crate::helpers::StoreKind::Redis).await
                }
                #[tokio::test]
                async fn on_the_embedded_store() {
                    super::$case(crate::helpers::StoreKind::Embedded).await
                }
            }
        )*
    };
}

pub mod app;
pub mod console;
pub mod graph;
pub mod payloads;
pub mod redis_server;

pub use app::*;
pub use payloads::*;
