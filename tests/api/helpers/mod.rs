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

/// Run each `async fn(StoreKind)` case as three tests: on Redis, on the embedded store and on
/// a three-primary Redis Cluster.
macro_rules! on_every_store {
    ($($case:ident),* $(,)?) => {
        $(
            mod $case {
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn on_redis() {
                    super::$case(crate::helpers::StoreKind::Redis).await
                }
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn on_the_embedded_store() {
                    super::$case(crate::helpers::StoreKind::Embedded).await
                }
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn on_a_redis_cluster() {
                    super::$case(crate::helpers::StoreKind::Cluster).await
                }
            }
        )*
    };
}

pub mod app;
pub mod graph;
pub mod payloads;
pub mod redis_server;
pub mod served;

pub use app::*;
pub use payloads::*;
