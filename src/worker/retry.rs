//! When to try a failed delivery again.

use std::time::Duration;

use rand::Rng;

/// Backoff and attempt budget for reply delivery.
#[derive(Debug, Clone, Copy)]
pub struct RetryPolicy {
    /// Delay after the first failure.
    pub base: Duration,
    /// Longest delay between attempts.
    pub max_delay: Duration,
    /// Attempts (the first included) before a reply is dead-lettered.
    pub max_attempts: u32,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            base: Duration::from_secs(2),
            max_delay: Duration::from_secs(300),
            max_attempts: 10,
        }
    }
}

impl RetryPolicy {
    /// The delay before attempt number `attempts + 1`, given `attempts` failed so far:
    /// exponential, capped, with ±20 % jitter so that many replies failing together do not
    /// come back together. Never shorter than `at_least`.
    pub fn delay(&self, attempts: u32, at_least: Duration) -> Duration {
        let exp = self
            .base
            .saturating_mul(2u32.saturating_pow(attempts.saturating_sub(1).min(16)));
        let capped = exp.min(self.max_delay);
        let jitter = rand::rng().random_range(0.8..1.2);
        capped.mul_f64(jitter).max(at_least)
    }

    /// Whether another attempt is allowed after `attempts` failed ones.
    pub fn may_retry(&self, attempts: u32) -> bool {
        attempts < self.max_attempts
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delays_grow_then_stop_growing() {
        let p = RetryPolicy::default();
        let first = p.delay(1, Duration::ZERO);
        let third = p.delay(3, Duration::ZERO);
        assert!(first >= Duration::from_millis(1600) && first <= Duration::from_millis(2400));
        assert!(third >= Duration::from_millis(6400) && third <= Duration::from_millis(9600));
        assert!(p.delay(30, Duration::ZERO) <= Duration::from_secs(360));
    }

    #[test]
    fn a_floor_is_respected() {
        let p = RetryPolicy::default();
        assert!(p.delay(1, Duration::from_secs(6)) >= Duration::from_secs(6));
    }

    #[test]
    fn the_budget_ends_retries() {
        let p = RetryPolicy::default();
        assert!(p.may_retry(9));
        assert!(!p.may_retry(10));
    }
}
