//! Whether Meta accepts our access token, shared by the workers and `/readyz`.
//!
//! A credential error (codes 0, 10, 190, 200–299, ...) fails every send until an operator
//! fixes the token, so after the first one the workers stop sending: replies are held in the
//! queue, and one of them is let through every probe interval to find out whether the token
//! works again. The first successful send clears the state. Meanwhile `/readyz` answers 503
//! with the reason, the error is logged as an alert, and `asli_whatsapp_credentials_ok` is 0.

use std::sync::Mutex;
use std::time::{Duration, Instant};

/// The shared state of our Graph API credentials in this process.
#[derive(Debug)]
pub struct CredentialHealth {
    probe_every: Duration,
    state: Mutex<Option<Broken>>,
}

#[derive(Debug, Clone)]
struct Broken {
    reason: String,
    last_try: Instant,
}

/// What a worker about to send should do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SendPermit {
    /// Credentials are fine: send.
    Send,
    /// Credentials are broken, and this send is the probe of this interval.
    Probe,
    /// Credentials are broken: hold the reply for this long, do not send.
    Hold(Duration),
}

impl CredentialHealth {
    /// Healthy state, probing every `probe_every` once broken.
    pub fn new(probe_every: Duration) -> CredentialHealth {
        metrics::gauge!("asli_whatsapp_credentials_ok").set(1.0);
        CredentialHealth {
            probe_every,
            state: Mutex::new(None),
        }
    }

    /// `Some(reason)` while Meta refuses our credentials.
    pub fn broken_reason(&self) -> Option<String> {
        self.lock().as_ref().map(|b| b.reason.clone())
    }

    /// Whether a reply may be sent now. At most one [`SendPermit::Probe`] per interval.
    pub fn permit(&self) -> SendPermit {
        let mut state = self.lock();
        match state.as_mut() {
            None => SendPermit::Send,
            Some(broken) => {
                let since = broken.last_try.elapsed();
                if since >= self.probe_every {
                    broken.last_try = Instant::now();
                    SendPermit::Probe
                } else {
                    SendPermit::Hold((self.probe_every - since).max(Duration::from_secs(1)))
                }
            }
        }
    }

    /// Meta refused our credentials. Returns `true` when this is news (the first failure).
    pub fn mark_broken(&self, reason: &str) -> bool {
        let mut state = self.lock();
        let news = state.is_none();
        *state = Some(Broken {
            reason: reason.to_string(),
            last_try: Instant::now(),
        });
        metrics::gauge!("asli_whatsapp_credentials_ok").set(0.0);
        metrics::counter!("asli_whatsapp_credential_failures_total").increment(1);
        if news {
            tracing::error!(
                alert = "whatsapp_credentials",
                reason,
                "ALERT: Meta refuses the WhatsApp access token; replies are held until it is fixed"
            );
        }
        news
    }

    /// A send succeeded: the credentials work.
    pub fn mark_ok(&self) {
        let mut state = self.lock();
        if state.take().is_some() {
            metrics::gauge!("asli_whatsapp_credentials_ok").set(1.0);
            tracing::warn!("WhatsApp credentials work again; held replies are being sent");
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Option<Broken>> {
        // A panic while holding this lock cannot leave the Option half-written.
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn healthy_credentials_permit_every_send() {
        let h = CredentialHealth::new(Duration::from_secs(60));
        assert_eq!(h.permit(), SendPermit::Send);
        assert_eq!(h.permit(), SendPermit::Send);
        assert!(h.broken_reason().is_none());
    }

    #[test]
    fn broken_credentials_hold_replies_until_the_probe_interval() {
        let h = CredentialHealth::new(Duration::from_secs(60));
        assert!(h.mark_broken("(#190) token expired"));
        assert!(!h.mark_broken("(#190) token expired"));
        assert!(matches!(h.permit(), SendPermit::Hold(d) if d > Duration::from_secs(50)));
        assert_eq!(h.broken_reason().as_deref(), Some("(#190) token expired"));
    }

    #[test]
    fn one_probe_is_let_through_per_interval() {
        let h = CredentialHealth::new(Duration::ZERO);
        h.mark_broken("(#190)");
        assert_eq!(h.permit(), SendPermit::Probe);
    }

    #[test]
    fn a_successful_send_clears_the_broken_state() {
        let h = CredentialHealth::new(Duration::from_secs(60));
        h.mark_broken("(#190)");
        h.mark_ok();
        assert_eq!(h.permit(), SendPermit::Send);
        assert!(h.broken_reason().is_none());
    }
}
