//! [`WakingInbox`]: an inbox plus an in-process wake-up for idle workers.
//!
//! Wrapped in this, work enqueued or freed through this process (a webhook, a committed step
//! freeing its group for the next job, an admin's retry) wakes one idle worker at once. Work
//! from other instances, and delayed jobs coming due, are found by a poll every `idle_poll`.
//! Idle workers share that poll: after a claim finds nothing, the others wait for a wake-up
//! or the next poll instead of asking the store again, so an idle process asks a sharded
//! Redis inbox once per poll, not once per worker.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use async_trait::async_trait;
use tokio::sync::Notify;
use tokio::time::Instant;

use super::{
    ClaimedJob, DeadLetter, Inbox, NewJob, QueueStats, StepCommit, StepResult, StoreError,
};

/// How long idle workers wait for a wake-up before looking at the store again.
const IDLE_POLL: Duration = Duration::from_millis(50);

/// An [`Inbox`] that wakes idle workers of this process when work arrives through it.
pub struct WakingInbox {
    inner: Arc<dyn Inbox>,
    work: Notify,
    idle_poll: Duration,
    /// Until when the store is known to have had nothing to hand out.
    quiet_until: Mutex<Option<Instant>>,
}

impl WakingInbox {
    /// Wrap `inner`.
    pub fn new(inner: Arc<dyn Inbox>) -> WakingInbox {
        WakingInbox::with_idle_poll(inner, IDLE_POLL)
    }

    /// Wrap `inner`, looking at the store every `idle_poll` while no wake-up comes.
    pub fn with_idle_poll(inner: Arc<dyn Inbox>, idle_poll: Duration) -> WakingInbox {
        WakingInbox {
            inner,
            work: Notify::new(),
            idle_poll,
            quiet_until: Mutex::new(None),
        }
    }

    fn wake(&self, jobs: usize) {
        if jobs > 0 {
            *self.quiet() = None;
        }
        for _ in 0..jobs {
            self.work.notify_one();
        }
    }

    fn quiet(&self) -> std::sync::MutexGuard<'_, Option<Instant>> {
        self.quiet_until.lock().unwrap_or_else(|p| p.into_inner())
    }
}

#[async_trait]
impl Inbox for WakingInbox {
    async fn ping(&self) -> Result<(), StoreError> {
        self.inner.ping().await
    }

    async fn enqueue(&self, jobs: &[NewJob]) -> Result<Vec<bool>, StoreError> {
        let added = self.inner.enqueue(jobs).await?;
        self.wake(added.iter().filter(|a| **a).count());
        Ok(added)
    }

    async fn claim(
        &self,
        consumer: &str,
        lease: Duration,
        wait: Duration,
    ) -> Result<Option<ClaimedJob>, StoreError> {
        if wait.is_zero() {
            return self.inner.claim(consumer, lease, Duration::ZERO).await;
        }
        let deadline = Instant::now() + wait;
        loop {
            let quiet = *self.quiet();
            let now = Instant::now();
            if quiet.is_none_or(|until| now >= until) {
                if let Some(job) = self.inner.claim(consumer, lease, Duration::ZERO).await? {
                    return Ok(Some(job));
                }
                *self.quiet() = Some(Instant::now() + self.idle_poll);
            }
            let now = Instant::now();
            if now >= deadline {
                return Ok(None);
            }
            let until = self.quiet().unwrap_or(now).max(now).min(deadline);
            tokio::select! {
                _ = self.work.notified() => {}
                _ = tokio::time::sleep_until(until) => {}
            }
        }
    }

    async fn commit(&self, job: &ClaimedJob, step: StepCommit) -> Result<StepResult, StoreError> {
        let follow_ups = step.enqueue.len();
        let result = self.inner.commit(job, step).await?;
        // The group is free for its next job, and follow-ups may be ready.
        self.wake(1 + follow_ups);
        Ok(result)
    }

    async fn dead_letters(
        &self,
        after: Option<&str>,
        limit: usize,
    ) -> Result<Vec<DeadLetter>, StoreError> {
        self.inner.dead_letters(after, limit).await
    }

    async fn retry_dead_letter(&self, id: &str) -> Result<bool, StoreError> {
        let retried = self.inner.retry_dead_letter(id).await?;
        self.wake(usize::from(retried));
        Ok(retried)
    }

    async fn stats(&self) -> Result<QueueStats, StoreError> {
        self.inner.stats().await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::embedded::EmbeddedStore;
    use crate::store::{GroupId, NewJob};

    #[tokio::test]
    async fn an_enqueue_wakes_a_waiting_claim_without_a_poll() {
        let dir = tempfile::tempdir().expect("temp dir");
        let store = Arc::new(EmbeddedStore::open(dir.path()).expect("open"));
        // No poll within the test: only the wake-up can hand the job over.
        let inbox = Arc::new(WakingInbox::with_idle_poll(
            store,
            Duration::from_secs(3600),
        ));
        // Make the inbox quiet first: an empty claim starts the (hour-long) poll interval.
        assert!(
            inbox
                .claim("w", Duration::from_secs(60), Duration::from_millis(10))
                .await
                .expect("claim")
                .is_none()
        );
        let waiter = {
            let inbox = inbox.clone();
            tokio::spawn(async move {
                inbox
                    .claim("w", Duration::from_secs(60), Duration::from_secs(30))
                    .await
            })
        };
        tokio::time::sleep(Duration::from_millis(50)).await;
        let job = NewJob::new(GroupId::new("g"), b"x".to_vec());
        inbox.enqueue(&[job]).await.expect("enqueue");
        let claimed = tokio::time::timeout(Duration::from_secs(10), waiter)
            .await
            .expect("woken within the test")
            .expect("task")
            .expect("claim");
        assert_eq!(claimed.expect("a job").payload, b"x");
    }
}
