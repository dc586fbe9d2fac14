//! The one retry decision: what to do with a reply whose send failed, whether the Graph API
//! said so at once or a `failed` status said so later.

use std::time::Duration;

use super::RetryPolicy;
use crate::jobs::PendingReply;
use crate::whatsapp::ErrorClass;

/// The pair rate limit: about one message every 6 s to the same user.
const PAIR_LIMIT_FLOOR: Duration = Duration::from_secs(6);

/// What to do after a failed send.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Decision {
    /// The 24-hour window closed: send the warning template instead, at once.
    Template,
    /// Try again after this long.
    RetryAfter(Duration),
    /// Meta refuses our credentials: nothing will go through until an operator acts.
    Credentials,
    /// Give up: dead-letter the reply for an admin.
    GiveUp,
}

/// Decide for `reply`, whose `attempts` already counts the failed one, after an error of
/// `class`.
pub(super) fn decide(class: &ErrorClass, reply: &PendingReply, policy: &RetryPolicy) -> Decision {
    match class {
        ErrorClass::NeedsTemplate if !reply.via_template => Decision::Template,
        ErrorClass::Credentials => Decision::Credentials,
        ErrorClass::RetryLater { .. } if policy.may_retry(reply.attempts) => {
            let floor = if class.is_per_recipient() {
                PAIR_LIMIT_FLOOR
            } else {
                Duration::ZERO
            };
            Decision::RetryAfter(policy.delay(reply.attempts, floor))
        }
        _ => Decision::GiveUp,
    }
}

/// A metrics label per error class.
pub(super) fn class_label(class: &ErrorClass) -> &'static str {
    match class {
        ErrorClass::RetryLater { .. } => "retry_later",
        ErrorClass::NeedsTemplate => "needs_template",
        ErrorClass::Credentials => "credentials",
        ErrorClass::Permanent => "permanent",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::verify::Language;
    use crate::whatsapp::RetryReason;

    fn reply(attempts: u32, via_template: bool) -> PendingReply {
        PendingReply {
            inbound_id: "wamid.in".into(),
            phone_number_id: "1".into(),
            to_wa_id: Some("919800000001".into()),
            to_user_id: None,
            text: "x".into(),
            language: Language::En,
            verdict: None,
            attempts,
            last_error: None,
            via_template,
            resend_of: None,
        }
    }

    #[test]
    fn a_closed_window_switches_to_the_template_once() {
        let p = RetryPolicy::default();
        let class = ErrorClass::NeedsTemplate;
        assert_eq!(decide(&class, &reply(1, false), &p), Decision::Template);
        assert_eq!(decide(&class, &reply(1, true), &p), Decision::GiveUp);
    }

    #[test]
    fn transient_errors_retry_within_the_budget_and_the_pair_limit_waits_six_seconds() {
        let p = RetryPolicy::default();
        let pair = ErrorClass::RetryLater {
            reason: RetryReason::RecipientRateLimited,
        };
        match decide(&pair, &reply(1, false), &p) {
            Decision::RetryAfter(d) => assert!(d >= Duration::from_secs(6)),
            other => panic!("{other:?}"),
        }
        assert_eq!(
            decide(&pair, &reply(p.max_attempts, false), &p),
            Decision::GiveUp
        );
    }

    #[test]
    fn credentials_and_permanent_errors_are_not_retried() {
        let p = RetryPolicy::default();
        assert_eq!(
            decide(&ErrorClass::Credentials, &reply(1, false), &p),
            Decision::Credentials
        );
        assert_eq!(
            decide(&ErrorClass::Permanent, &reply(1, false), &p),
            Decision::GiveUp
        );
    }
}
