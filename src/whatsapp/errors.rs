//! What to do about a Meta error code, shared by the send call and `failed` status webhooks.
//!
//! Meta says to branch on `code` (titles will be deprecated, HTTP statuses are not documented
//! per code), and the same codes arrive synchronously from the Graph API and asynchronously in
//! status webhooks, so both go through [`classify_code`].

use serde::{Deserialize, Serialize};

/// What the caller should do with a message that failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "class", rename_all = "snake_case")]
pub enum ErrorClass {
    /// Transient: send the same message again later, with backoff.
    RetryLater {
        /// Why, which also says how wide the wait applies.
        reason: RetryReason,
    },
    /// The 24-hour customer service window is closed: only a template can reach the user.
    NeedsTemplate,
    /// Our token or permissions are wrong: every send will fail until an operator fixes it.
    Credentials,
    /// This message will never go through as it is: dead-letter it.
    Permanent,
}

/// Why a retry may succeed later.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RetryReason {
    /// App, account or number throughput limit (4, 80007, 130429): slow down everything.
    RateLimited,
    /// Too many messages to this one user (131056): wait for this recipient only.
    RecipientRateLimited,
    /// Meta is temporarily unavailable, in maintenance or had an unknown error.
    Unavailable,
    /// No answer in time.
    Timeout,
    /// Could not connect, or the connection broke.
    Connection,
}

impl ErrorClass {
    /// Whether sending the same message again later may succeed.
    pub fn is_retryable(&self) -> bool {
        matches!(self, ErrorClass::RetryLater { .. })
    }

    /// Whether only this recipient must wait (other recipients can be sent to now).
    pub fn is_per_recipient(&self) -> bool {
        matches!(
            self,
            ErrorClass::RetryLater {
                reason: RetryReason::RecipientRateLimited
            }
        )
    }
}

/// Classify a Cloud API error code (doc §6 table). Unknown codes are permanent: retrying what we
/// do not understand would only repeat the failure, and a dead letter is visible to an admin.
pub fn classify_code(code: i64) -> ErrorClass {
    classify_known_code(code).unwrap_or(ErrorClass::Permanent)
}

/// The class of a code listed in Meta's table, `None` for a code we have never seen (then a
/// caller holding Meta's `is_transient` hint may use it).
pub fn classify_known_code(code: i64) -> Option<ErrorClass> {
    use ErrorClass::*;
    use RetryReason::*;
    Some(match code {
        4 | 80007 | 130429 => RetryLater {
            reason: RateLimited,
        },
        131056 => RetryLater {
            reason: RecipientRateLimited,
        },
        1 | 2 | 131000 | 131016 | 131057 | 133004 => RetryLater {
            reason: Unavailable,
        },
        131047 => NeedsTemplate,
        0 | 3 | 10 | 190 | 200..=299 | 131005 => Credentials,
        33
        | 100
        | 368
        | 130403
        | 130472
        | 130497
        | 131008
        | 131009
        | 131021
        | 131026
        | 131031
        | 131037
        | 131042
        | 131045
        | 131048..=131053
        | 131063
        | 131064
        | 132000..=132999
        | 133010
        | 133016
        | 135000 => Permanent,
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn throughput_limits_are_retried_later_for_everyone() {
        for code in [4, 80007, 130429] {
            let class = classify_code(code);
            assert_eq!(
                class,
                ErrorClass::RetryLater {
                    reason: RetryReason::RateLimited
                }
            );
            assert!(!class.is_per_recipient(), "{code}");
        }
    }

    #[test]
    fn the_pair_rate_limit_is_retried_for_that_recipient_only() {
        let class = classify_code(131056);
        assert!(class.is_retryable());
        assert!(class.is_per_recipient());
    }

    #[test]
    fn temporary_outages_are_retried_later() {
        for code in [1, 2, 131000, 131016, 131057, 133004] {
            assert_eq!(
                classify_code(code),
                ErrorClass::RetryLater {
                    reason: RetryReason::Unavailable
                },
                "{code}"
            );
        }
    }

    #[test]
    fn a_closed_service_window_needs_a_template() {
        assert_eq!(classify_code(131047), ErrorClass::NeedsTemplate);
    }

    #[test]
    fn token_and_permission_problems_are_credentials() {
        for code in [0, 3, 10, 190, 200, 250, 299, 131005] {
            assert_eq!(classify_code(code), ErrorClass::Credentials, "{code}");
        }
    }

    #[test]
    fn only_codes_outside_meta_s_table_are_unknown() {
        assert_eq!(classify_known_code(131026), Some(ErrorClass::Permanent));
        assert_eq!(classify_known_code(131047), Some(ErrorClass::NeedsTemplate));
        assert_eq!(classify_known_code(999_999), None);
    }

    #[test]
    fn bad_requests_policy_and_unknown_codes_are_permanent() {
        for code in [
            100, 131008, 131009, 131026, 131051, 132000, 132001, 132016, 130403, 131021, 368,
            131048, 131049, 300, 999_999, -1,
        ] {
            assert_eq!(classify_code(code), ErrorClass::Permanent, "{code}");
            assert!(!classify_code(code).is_retryable());
        }
    }
}
