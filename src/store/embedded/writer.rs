//! Group commit: one writer thread applies every write of the embedded store, batching the
//! writes that arrive together into one redb transaction, so one fsync makes a whole batch
//! durable. Each caller is answered only once the transaction holding its write committed.
//!
//! A write is a closure over the open transaction. It must fail only before it writes
//! anything, except for storage errors ([`StoreError::Unavailable`]): those abort the whole
//! batch, and every write in it fails with the error (nothing of it is committed). After the
//! commit, each write's follow-up runs on the in-memory [`Queues`], in commit order, before
//! its caller is answered.

use std::sync::mpsc;
use std::sync::{Arc, Mutex};

use redb::{Database, WriteTransaction};
use tokio::sync::{Notify, oneshot};

use super::queues::Queues;
use super::{db_error, now_ms, purge_expired};
use crate::store::StoreError;

/// At most this many writes share one transaction (a bound on how long a batch holds its
/// callers, not on throughput: the next batch starts at once).
const MAX_BATCH: usize = 512;

/// What a write does to the in-memory queues once it is durable.
pub(super) type MemUpdate = Box<dyn FnOnce(&mut Queues) + Send>;

type Finish = Box<dyn FnOnce(Result<(), StoreError>, &mut Queues) + Send>;
type Op = Box<dyn FnOnce(&WriteTransaction) -> (Finish, bool) + Send>;

/// The sending side of the writer thread; the thread ends when every handle is dropped.
pub(super) struct Writer {
    ops: Option<mpsc::Sender<Op>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Drop for Writer {
    /// Stop the thread and wait for it, so the database file is released when the store is
    /// dropped (a restart in the same process can open it at once).
    fn drop(&mut self) {
        self.ops.take();
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

impl Writer {
    /// Start the writer thread over `db`. `queues` is updated after each commit and
    /// `arrivals` notified when it changed.
    pub(super) fn start(
        db: Arc<Database>,
        queues: Arc<Mutex<Queues>>,
        arrivals: Arc<Notify>,
    ) -> Result<Writer, StoreError> {
        let (ops, rx) = mpsc::channel::<Op>();
        let thread = std::thread::Builder::new()
            .name("asli-store-writer".into())
            .spawn(move || run(&db, &rx, &queues, &arrivals))
            .map_err(|e| StoreError::Unavailable(format!("cannot start the store writer: {e}")))?;
        Ok(Writer {
            ops: Some(ops),
            thread: Some(thread),
        })
    }

    /// Apply `write` in the next batch; its value once the batch is durable.
    pub(super) async fn write<T, F>(&self, write: F) -> Result<T, StoreError>
    where
        T: Send + 'static,
        F: FnOnce(&WriteTransaction) -> Result<(T, Option<MemUpdate>), StoreError> + Send + 'static,
    {
        let (reply, answer) = oneshot::channel();
        let op: Op = Box::new(move |txn| {
            let result = write(txn);
            let fatal = matches!(result, Err(StoreError::Unavailable(_)));
            let finish: Finish = Box::new(move |committed, queues| {
                let outcome = match (committed, result) {
                    (Err(e), _) => Err(e),
                    (Ok(()), Err(e)) => Err(e),
                    (Ok(()), Ok((value, update))) => {
                        if let Some(update) = update {
                            update(queues);
                        }
                        Ok(value)
                    }
                };
                // The caller may have gone (a timed-out request): its write stands anyway.
                let _ = reply.send(outcome);
            });
            (finish, fatal)
        });
        self.ops
            .as_ref()
            .ok_or_else(|| StoreError::Unavailable("the embedded store writer has stopped".into()))?
            .send(op)
            .map_err(|_| StoreError::Unavailable("the embedded store writer has stopped".into()))?;
        answer.await.map_err(|_| {
            StoreError::Unavailable("the embedded store could not write (see the log)".into())
        })?
    }
}

fn run(db: &Database, rx: &mpsc::Receiver<Op>, queues: &Mutex<Queues>, arrivals: &Notify) {
    while let Ok(first) = rx.recv() {
        let mut batch = vec![first];
        while batch.len() < MAX_BATCH {
            match rx.try_recv() {
                Ok(op) => batch.push(op),
                Err(_) => break,
            }
        }
        let committed = commit_batch(db, batch);
        let mut queues = queues.lock().unwrap_or_else(|p| p.into_inner());
        let (result, finishes) = committed;
        for finish in finishes {
            finish(result.clone_error(), &mut queues);
        }
        drop(queues);
        arrivals.notify_waiters();
    }
}

/// Apply a batch in one transaction and commit it: the commit's result and each write's
/// follow-up.
fn commit_batch(db: &Database, batch: Vec<Op>) -> (BatchResult, Vec<Finish>) {
    let txn = match db.begin_write() {
        Ok(txn) => txn,
        Err(e) => {
            let error = db_error(e);
            tracing::error!(%error, "embedded store: cannot begin a write");
            return fail_all(batch, error);
        }
    };
    let mut finishes = Vec::with_capacity(batch.len());
    let mut fatal = false;
    for op in batch {
        let (finish, op_fatal) = op(&txn);
        finishes.push(finish);
        if op_fatal {
            fatal = true;
            break;
        }
    }
    if fatal {
        // Dropping the transaction uncommitted writes nothing; the ops not run fail too.
        drop(txn);
        return (
            BatchResult(Some("a write in the same batch failed".into())),
            finishes,
        );
    }
    if let Err(e) = purge_expired(&txn, now_ms()) {
        drop(txn);
        return (BatchResult(Some(e.to_string())), finishes);
    }
    match txn.commit() {
        Ok(()) => (BatchResult(None), finishes),
        Err(e) => (BatchResult(Some(db_error(e).to_string())), finishes),
    }
}

fn fail_all(batch: Vec<Op>, error: StoreError) -> (BatchResult, Vec<Finish>) {
    // The writes never ran: dropping them answers each caller that nothing was written.
    drop(batch);
    (BatchResult(Some(error.to_string())), Vec::new())
}

/// The commit's result, shared by every write of the batch.
struct BatchResult(Option<String>);

impl BatchResult {
    fn clone_error(&self) -> Result<(), StoreError> {
        match &self.0 {
            None => Ok(()),
            Some(message) => Err(StoreError::Unavailable(message.clone())),
        }
    }
}
