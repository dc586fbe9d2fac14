//! The worker part: how many replies are worked on at once, leases, shutdown, the flood limit.

use std::time::Duration;

use super::ConfigError;
use super::env::Env;

/// How the reply workers run.
#[derive(Debug, Clone)]
pub struct WorkerSettings {
    /// `ASLI_WORKERS`: concurrent inbox consumers in this process.
    pub workers: usize,
    /// `ASLI_WORKER_THREADS`: threads of the workers' own runtime (default: one per core).
    pub threads: usize,
    /// `ASLI_JOB_LEASE_SECS`: how long a claimed job stays with a worker before another
    /// (after a crash) may take it over.
    pub job_lease: Duration,
    /// `ASLI_SHUTDOWN_GRACE_SECS`: how long shutdown waits for in-flight work.
    pub shutdown_grace: Duration,
    /// `ASLI_CREDENTIALS_PROBE_SECS`: while the access token is refused, one reply is tried
    /// this often to find out whether an operator fixed it.
    pub credentials_probe: Duration,
    /// `ASLI_SENDER_LIMIT` per `ASLI_SENDER_WINDOW_SECS`: replies one staff member gets before
    /// a single "slow down" notice; `None` (limit 0) turns the limit off.
    pub sender_limit: Option<SenderLimit>,
}

impl WorkerSettings {
    pub(super) fn from_env(env: &Env<'_>) -> Result<WorkerSettings, ConfigError> {
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
        Ok(WorkerSettings {
            workers: env.ranged("ASLI_WORKERS", "8", 1..=256)?,
            threads: env.ranged("ASLI_WORKER_THREADS", &cores.min(64).to_string(), 1..=64)?,
            job_lease: env.seconds("ASLI_JOB_LEASE_SECS", "60", 1)?,
            shutdown_grace: env.seconds("ASLI_SHUTDOWN_GRACE_SECS", "30", 0)?,
            credentials_probe: env.seconds("ASLI_CREDENTIALS_PROBE_SECS", "60", 0)?,
            sender_limit: sender_limit_from(env)?,
        })
    }
}

fn sender_limit_from(env: &Env<'_>) -> Result<Option<SenderLimit>, ConfigError> {
    let max: u64 = env.parsed("ASLI_SENDER_LIMIT", "20", "must be a whole number (0: off)")?;
    let window = env.seconds("ASLI_SENDER_WINDOW_SECS", "60", 1)?;
    Ok((max > 0).then_some(SenderLimit { max, window }))
}

/// The per-sender flood limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SenderLimit {
    /// Messages answered per window.
    pub max: u64,
    /// The fixed window.
    pub window: Duration,
}
