//! The verification engine as it stands for the current registry.
//!
//! Building an [`Analyzer`] (its name automaton, its number index) costs time proportional to
//! the registry; using one costs time proportional to the message. So each process keeps one
//! and rebuilds it only when the registry version in the store moves — the version is read
//! before each verdict, so a change made through any instance is used by every instance's next
//! verdict. Numbers reported as scams (incidents) are part of the index; a new incident bumps a
//! generation key so that they too take effect everywhere.

use std::collections::HashSet;
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::{Mutex, RwLock};

use crate::phone::{E164, Region};
use crate::registry::RegistryIndex;
use crate::store::{IncidentStore, StateStore, StoreError, Stores, keys};
use crate::verify::{Analysis, Analyzer, CardPhone, ContactCard, Input};

const INCIDENT_PAGE: usize = 1000;

#[derive(Clone)]
struct Built {
    version: u64,
    generation: Vec<u8>,
    analyzer: Arc<Analyzer>,
}

/// Holds the current [`Analyzer`] and rebuilds it when the registry moves.
pub struct Engine {
    home: Region,
    stores: Stores,
    current: RwLock<Option<Built>>,
    rebuilding: Mutex<()>,
}

impl Engine {
    /// An engine for a deployment in `home` over `stores`; nothing is built until first use.
    pub fn new(home: Region, stores: Stores) -> Engine {
        Engine {
            home,
            stores,
            current: RwLock::new(None),
            rebuilding: Mutex::new(()),
        }
    }

    /// The analyzer for the registry as it is in the store now.
    pub async fn current(&self) -> Result<Arc<Analyzer>, StoreError> {
        let generation_key = keys::reported_generation();
        let (version, generation) = tokio::try_join!(
            self.stores.registry.registry_version(),
            self.stores.state.get(&generation_key)
        )?;
        let generation = generation.unwrap_or_default();
        if let Some(built) = self.fresh(version, &generation).await {
            return Ok(built);
        }
        // One rebuild at a time; whoever waited re-checks before doing the work again.
        let _guard = self.rebuilding.lock().await;
        if let Some(built) = self.fresh(version, &generation).await {
            return Ok(built);
        }
        let snapshot = self.stores.registry.load_registry().await?;
        let reported = load_reported(self.stores.incidents.as_ref()).await?;
        let index = RegistryIndex::new(snapshot.version, snapshot.officials, reported);
        let analyzer = Arc::new(Analyzer::new(Arc::new(index), self.home));
        tracing::info!(
            version = snapshot.version,
            "registry loaded, matcher rebuilt"
        );
        *self.current.write().await = Some(Built {
            version: snapshot.version,
            generation,
            analyzer: analyzer.clone(),
        });
        Ok(analyzer)
    }

    async fn fresh(&self, version: u64, generation: &[u8]) -> Option<Arc<Analyzer>> {
        let current = self.current.read().await;
        current
            .as_ref()
            .filter(|b| b.version == version && b.generation == generation)
            .map(|b| b.analyzer.clone())
    }

    /// The registry version of the analyzer built last (`None` before the first build).
    pub async fn built_version(&self) -> Option<u64> {
        self.current.read().await.as_ref().map(|b| b.version)
    }

    /// Rebuild whenever the store announces a registry change, until `shutdown`. Without
    /// announcements (embedded store) there is nothing to do: the version check before each
    /// verdict is enough there. A lost subscription is re-established after a pause.
    pub async fn follow_announcements(
        self: Arc<Self>,
        shutdown: tokio_util::sync::CancellationToken,
    ) {
        use futures::StreamExt as _;
        while !shutdown.is_cancelled() {
            match self.stores.registry.registry_announcements().await {
                Ok(None) => return,
                Ok(Some(mut versions)) => loop {
                    let next = tokio::select! {
                        _ = shutdown.cancelled() => return,
                        next = versions.next() => next,
                    };
                    let Some(version) = next else { break };
                    tracing::debug!(version, "registry change announced");
                    if let Err(e) = self.current().await {
                        tracing::warn!(error = %e, "rebuild after an announcement failed");
                    }
                },
                Err(e) => tracing::debug!(error = %e, "registry announcements unavailable"),
            }
            tokio::select! {
                _ = shutdown.cancelled() => return,
                _ = tokio::time::sleep(Duration::from_secs(5)) => {}
            }
        }
    }

    /// The verdict the bot would give for `text` forwarded with the sender's number `phone`
    /// (given to the engine as a shared contact card: that is how staff pass "this is who
    /// wrote to me"). Used by `POST /admin/check` and `asli check`.
    pub async fn check(&self, text: &str, phone: Option<&str>) -> Result<Analysis, StoreError> {
        let analyzer = self.current().await?;
        let cards: Vec<ContactCard> = phone
            .map(|p| ContactCard {
                phones: vec![CardPhone {
                    phone: Some(p.to_string()),
                    wa_id: None,
                }],
                ..ContactCard::default()
            })
            .into_iter()
            .collect();
        let input = Input {
            text,
            cards: &cards,
            forwarded: true,
            ..Input::default()
        };
        Ok(analyzer.analyze(&input, time::OffsetDateTime::now_utc()))
    }

    /// Tell every instance that the set of reported numbers changed.
    pub async fn bump_reported_generation(state: &dyn StateStore) -> Result<(), StoreError> {
        let marker = uuid::Uuid::new_v4().to_string();
        state
            .put(
                &keys::reported_generation(),
                marker.as_bytes(),
                keys::FOREVER,
            )
            .await
    }
}

async fn load_reported(store: &dyn IncidentStore) -> Result<HashSet<E164>, StoreError> {
    let mut reported = HashSet::new();
    let mut after: Option<String> = None;
    loop {
        let page = store.incidents(after.as_deref(), INCIDENT_PAGE).await?;
        let done = page.len() < INCIDENT_PAGE;
        after = page.last().map(|i| i.number.clone());
        reported.extend(
            page.iter()
                .filter_map(|i| E164::parse(&i.number, Region::INDIA).ok()),
        );
        if done {
            return Ok(reported);
        }
    }
}
