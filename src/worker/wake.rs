//! [`WakingStore`]: the store, plus an in-process wake-up for idle workers.
//!
//! A waiting `claim` polls the store (every 50 ms on Redis), so a message accepted while every
//! worker sleeps waits for the next poll. Wrapped in this, a job enqueued through this process
//! (the webhook, a re-queued reply, an admin's retry) wakes one idle worker at once. Jobs
//! enqueued by other instances, and delayed jobs coming due, are still found by the poll.
//!
//! Every [`Store`] method is delegated, default ones included: a method left to its default
//! here would silently turn the inner store's feature off.

use std::sync::Arc;
use std::time::{Duration, SystemTime};

use async_trait::async_trait;
use futures::stream::BoxStream;
use tokio::sync::Notify;

use crate::registry::{AuditEntry, Official};
use crate::store::{
    ClaimedJob, DeadLetter, Incident, NewJob, QueueStats, RegistrySnapshot, Store, StoreError,
};

/// How long an idle worker waits for a wake-up before looking at the store again.
const IDLE_POLL: Duration = Duration::from_millis(50);

/// A [`Store`] that wakes idle workers of this process when it enqueues work.
pub struct WakingStore {
    inner: Arc<dyn Store>,
    work: Notify,
    idle_poll: Duration,
}

impl WakingStore {
    /// Wrap `inner`.
    pub fn new(inner: Arc<dyn Store>) -> WakingStore {
        WakingStore::with_idle_poll(inner, IDLE_POLL)
    }

    /// Wrap `inner`, looking at the store every `idle_poll` while no wake-up comes.
    pub fn with_idle_poll(inner: Arc<dyn Store>, idle_poll: Duration) -> WakingStore {
        WakingStore {
            inner,
            work: Notify::new(),
            idle_poll,
        }
    }

    fn wake(&self, jobs: usize) {
        for _ in 0..jobs {
            self.work.notify_one();
        }
    }
}

#[async_trait]
impl Store for WakingStore {
    async fn ping(&self) -> Result<(), StoreError> {
        self.inner.ping().await
    }

    async fn enqueue_unique(
        &self,
        jobs: &[NewJob],
        dedupe_ttl: Duration,
    ) -> Result<Vec<bool>, StoreError> {
        let fresh = self.inner.enqueue_unique(jobs, dedupe_ttl).await?;
        self.wake(fresh.iter().filter(|f| **f).count());
        Ok(fresh)
    }

    async fn enqueue(
        &self,
        payload: &[u8],
        not_before: Option<SystemTime>,
    ) -> Result<(), StoreError> {
        self.inner.enqueue(payload, not_before).await?;
        if not_before.is_none_or(|t| t <= SystemTime::now()) {
            self.wake(1);
        }
        Ok(())
    }

    async fn claim(
        &self,
        consumer: &str,
        lease: Duration,
        wait: Duration,
    ) -> Result<Option<ClaimedJob>, StoreError> {
        let deadline = tokio::time::Instant::now() + wait;
        loop {
            // Register interest before looking, so a wake-up between the look and the wait
            // is not missed.
            let woken = self.work.notified();
            if let Some(job) = self.inner.claim(consumer, lease, Duration::ZERO).await? {
                return Ok(Some(job));
            }
            let now = tokio::time::Instant::now();
            if now >= deadline {
                return Ok(None);
            }
            tokio::select! {
                _ = woken => {}
                _ = tokio::time::sleep(self.idle_poll.min(deadline - now)) => {}
            }
        }
    }

    async fn ack(&self, job: &ClaimedJob) -> Result<(), StoreError> {
        self.inner.ack(job).await
    }

    async fn reschedule(
        &self,
        job: &ClaimedJob,
        payload: &[u8],
        at: SystemTime,
    ) -> Result<(), StoreError> {
        self.inner.reschedule(job, payload, at).await
    }

    async fn dead_letter(
        &self,
        job: &ClaimedJob,
        payload: &[u8],
        error: &str,
    ) -> Result<String, StoreError> {
        self.inner.dead_letter(job, payload, error).await
    }

    async fn dead_letters(
        &self,
        after: Option<&str>,
        limit: usize,
    ) -> Result<Vec<DeadLetter>, StoreError> {
        self.inner.dead_letters(after, limit).await
    }

    async fn retry_dead_letter(&self, id: &str) -> Result<bool, StoreError> {
        let moved = self.inner.retry_dead_letter(id).await?;
        if moved {
            self.wake(1);
        }
        Ok(moved)
    }

    async fn queue_stats(&self) -> Result<QueueStats, StoreError> {
        self.inner.queue_stats().await
    }

    async fn put_ephemeral(
        &self,
        key: &str,
        value: &[u8],
        ttl: Duration,
    ) -> Result<(), StoreError> {
        self.inner.put_ephemeral(key, value, ttl).await
    }

    async fn put_ephemeral_if_absent(
        &self,
        key: &str,
        value: &[u8],
        ttl: Duration,
    ) -> Result<bool, StoreError> {
        self.inner.put_ephemeral_if_absent(key, value, ttl).await
    }

    async fn get_ephemeral(&self, key: &str) -> Result<Option<Vec<u8>>, StoreError> {
        self.inner.get_ephemeral(key).await
    }

    async fn take_ephemeral(&self, key: &str) -> Result<Option<Vec<u8>>, StoreError> {
        self.inner.take_ephemeral(key).await
    }

    async fn incr_counter(&self, key: &str, ttl: Duration) -> Result<u64, StoreError> {
        self.inner.incr_counter(key, ttl).await
    }

    async fn load_registry(&self) -> Result<RegistrySnapshot, StoreError> {
        self.inner.load_registry().await
    }

    async fn registry_version(&self) -> Result<u64, StoreError> {
        self.inner.registry_version().await
    }

    async fn commit_registry(
        &self,
        expected_version: u64,
        puts: &[Official],
        audit: &[AuditEntry],
    ) -> Result<u64, StoreError> {
        self.inner
            .commit_registry(expected_version, puts, audit)
            .await
    }

    async fn audit_log(&self, after: u64, limit: usize) -> Result<Vec<AuditEntry>, StoreError> {
        self.inner.audit_log(after, limit).await
    }

    async fn registry_announcements(&self) -> Result<Option<BoxStream<'static, u64>>, StoreError> {
        self.inner.registry_announcements().await
    }

    async fn record_incident(
        &self,
        number: &str,
        reporter: &str,
        claimed: &[String],
        at: u64,
    ) -> Result<Incident, StoreError> {
        self.inner
            .record_incident(number, reporter, claimed, at)
            .await
    }

    async fn incidents(
        &self,
        after: Option<&str>,
        limit: usize,
    ) -> Result<Vec<Incident>, StoreError> {
        self.inner.incidents(after, limit).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::embedded::EmbeddedStore;

    #[tokio::test]
    async fn an_enqueue_wakes_a_waiting_claim_without_a_poll() {
        let dir = tempfile::tempdir().unwrap();
        let hour = Duration::from_secs(3600);
        let inner = Arc::new(EmbeddedStore::open(dir.path()).unwrap());
        // No poll within the test: only the wake-up can hand the job over.
        let store = Arc::new(WakingStore::with_idle_poll(inner, hour));
        let waiting = tokio::spawn({
            let store = store.clone();
            async move { store.claim("w", hour, hour).await }
        });
        tokio::task::yield_now().await;
        store.enqueue(b"job", None).await.unwrap();
        let claimed = tokio::time::timeout(Duration::from_secs(20), waiting)
            .await
            .expect("woken, not left waiting for an hour")
            .unwrap()
            .unwrap()
            .expect("the waiting claim gets the job");
        assert_eq!(claimed.payload, b"job");
    }
}
