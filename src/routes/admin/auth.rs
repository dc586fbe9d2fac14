//! Who is calling: bearer tokens, roles, and a brake on guessing.
//!
//! Tokens are compared as SHA-256 digests in constant time, so neither the configuration
//! (which holds only digests for named tokens) nor the timing of a refusal gives a token away.
//! Failed attempts are counted per client address; after [`MAX_FAILURES`] in
//! [`FAILURE_WINDOW`] the address is locked out (429) for that window, valid token or not, so
//! guessing cannot go on behind the lock. Refusals are logged with the address, never the token.

use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

use actix_web::http::StatusCode;
use actix_web::{FromRequest, HttpRequest, dev::Payload};
use secrecy::{ExposeSecret, SecretString};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use super::AdminState;
use super::errors::ApiError;
use crate::config::{AdminRole, NamedToken};
use crate::store::keys;

/// Failed attempts from one address before it is locked out.
pub const MAX_FAILURES: u64 = 10;
/// Window in which failures are counted, and length of a lock-out.
pub const FAILURE_WINDOW: Duration = keys::SIGNIN_WINDOW;

/// The tokens that open `/admin`.
#[derive(Clone)]
pub struct AdminTokens {
    bootstrap: [u8; 32],
    named: Vec<NamedToken>,
}

impl AdminTokens {
    /// The bootstrap token (role admin, actor `admin`) and the named tokens.
    pub fn new(bootstrap: &SecretString, named: Vec<NamedToken>) -> AdminTokens {
        AdminTokens {
            bootstrap: Sha256::digest(bootstrap.expose_secret().as_bytes()).into(),
            named,
        }
    }

    /// The caller a presented token stands for. Every configured token is compared (no early
    /// exit), so the time taken does not tell which one came close.
    pub fn authenticate(&self, presented: &str) -> Option<Caller> {
        let digest: [u8; 32] = Sha256::digest(presented.as_bytes()).into();
        let mut found = None;
        if bool::from(digest.ct_eq(&self.bootstrap)) {
            found = Some(Caller {
                name: "admin".to_string(),
                role: AdminRole::Admin,
            });
        }
        for t in &self.named {
            if bool::from(digest.ct_eq(&t.sha256)) && found.is_none() {
                found = Some(Caller {
                    name: t.name.clone(),
                    role: t.role,
                });
            }
        }
        found
    }
}

/// An authenticated caller (any role). Extracting it answers 401 / 429 for everyone else.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Caller {
    /// Token name, written to the audit log as the actor.
    pub name: String,
    /// What the token may do.
    pub role: AdminRole,
}

/// An authenticated caller with the `admin` role (may write). Others get 403.
#[derive(Debug, Clone)]
pub struct Writer(pub Caller);

impl FromRequest for Caller {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Caller, ApiError>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move { authenticate(&req).await })
    }
}

impl FromRequest for Writer {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Writer, ApiError>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move {
            let caller = authenticate(&req).await?;
            if caller.role != AdminRole::Admin {
                return Err(ApiError::new(
                    StatusCode::FORBIDDEN,
                    "forbidden",
                    format!("token `{}` may read but not write", caller.name),
                ));
            }
            Ok(Writer(caller))
        })
    }
}

async fn authenticate(req: &HttpRequest) -> Result<Caller, ApiError> {
    let state = AdminState::of(req)?;
    // The socket peer, not X-Forwarded-For: a header would let a guesser pick its own bucket.
    let ip = req
        .peer_addr()
        .map(|a| a.ip().to_string())
        .unwrap_or_else(|| "unknown".to_string());
    let lock_key = keys::signin_lock(&ip);
    if state.stores.state.get(&lock_key).await?.is_some() {
        return Err(locked_out());
    }
    let presented = req
        .headers()
        .get(actix_web::http::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| {
            v.strip_prefix("Bearer ")
                .or_else(|| v.strip_prefix("bearer "))
        })
        .map(str::trim)
        .filter(|t| !t.is_empty());
    if let Some(caller) = presented.and_then(|t| state.tokens.authenticate(t)) {
        return Ok(caller);
    }
    let failures = state
        .stores
        .state
        .incr(&keys::signin_failures(&ip), FAILURE_WINDOW)
        .await?;
    tracing::warn!(
        client = %ip,
        failures,
        had_token = presented.is_some(),
        path = req.path(),
        "admin call refused: missing or unknown token"
    );
    if failures >= MAX_FAILURES {
        state
            .stores
            .state
            .put(&lock_key, b"1", keys::SIGNIN_WINDOW)
            .await?;
        return Err(locked_out());
    }
    Err(ApiError::new(
        StatusCode::UNAUTHORIZED,
        "unauthorized",
        "send Authorization: Bearer <admin token>",
    ))
}

fn locked_out() -> ApiError {
    ApiError::new(
        StatusCode::TOO_MANY_REQUESTS,
        "too_many_failures",
        "too many failed sign-ins from this address; wait a few minutes",
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tokens() -> AdminTokens {
        let named = vec![NamedToken {
            name: "auditor".into(),
            role: AdminRole::Viewer,
            sha256: Sha256::digest(b"viewer-secret").into(),
        }];
        AdminTokens::new(&SecretString::from("boot-secret"), named)
    }

    #[test]
    fn the_bootstrap_token_is_the_admin_actor() {
        let c = tokens().authenticate("boot-secret").unwrap();
        assert_eq!((c.name.as_str(), c.role), ("admin", AdminRole::Admin));
    }

    #[test]
    fn a_named_token_is_known_by_its_hash_and_carries_its_role() {
        let c = tokens().authenticate("viewer-secret").unwrap();
        assert_eq!((c.name.as_str(), c.role), ("auditor", AdminRole::Viewer));
    }

    #[test]
    fn unknown_and_near_miss_tokens_are_refused() {
        for t in ["", "boot-secre", "boot-secret ", "viewer-secret2"] {
            assert!(tokens().authenticate(t).is_none(), "{t}");
        }
    }
}
