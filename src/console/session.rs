//! Who is signed in to the console, and the CSRF tokens that tie forms to them.
//!
//! A session is kept on the server, in the store (so every instance knows it, and signing out
//! ends it everywhere): the cookie holds only a random session id, never the token. The store
//! key is a hash of that id, so a copy of the store gives no usable cookie. The session keeps
//! the token's SHA-256 and asks [`AdminTokens`] on every request who it stands for: a token
//! taken out of the configuration ends its sessions at once.
//!
//! Every form carries a CSRF token. Signed in, it is the session's own (synchronizer token);
//! on the sign-in form, before any session, it is a random value also held in a SameSite
//! cookie (double submit). Cookies are HttpOnly, `SameSite=Strict`, scoped to `/admin/ui`,
//! and `Secure` when the request came over TLS (directly or through a proxy that says so).

use std::future::Future;
use std::pin::Pin;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use actix_web::cookie::{Cookie, SameSite, time as cookie_time};
use actix_web::dev::Payload;
use actix_web::http::Method;
use actix_web::{FromRequest, HttpRequest};
use rand::RngCore;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use super::error::ConsoleError;
use super::form::FormData;
use crate::app::AppState;
use crate::config::AdminRole;
use crate::routes::admin::auth::token_digest;
use crate::routes::admin::{AdminState, AdminTokens, Caller};
use crate::store::{StateKey, keys};

/// The session cookie (a random id).
pub const SESSION_COOKIE: &str = "asli_session";
/// The sign-in form's CSRF cookie.
pub const SIGN_IN_COOKIE: &str = "asli_sign_in";
/// Where the console's cookies apply.
pub const COOKIE_PATH: &str = "/admin/ui";
/// Session length when the app's settings are not at hand (`ASLI_CONSOLE_SESSION_SECS`).
pub const DEFAULT_LIFETIME: Duration = Duration::from_secs(8 * 3600);

/// What the store keeps for one session.
#[derive(Serialize, Deserialize)]
struct Stored {
    /// SHA-256 (hex) of the token signed in with.
    token_sha256: String,
    /// This session's CSRF token.
    csrf: String,
    /// Unix second the session ends.
    expires_at: u64,
}

/// A signed-in clerk.
#[derive(Debug, Clone)]
pub struct Session {
    key: StateKey,
    csrf: String,
    /// Who the token stands for: the audit actor and the role.
    pub caller: Caller,
}

impl Session {
    /// Start a session for `caller`, who signed in with `token`. Returns the session and the
    /// cookie that carries its id.
    pub async fn start(
        req: &HttpRequest,
        state: &AdminState,
        token: &str,
        caller: Caller,
    ) -> Result<(Session, Cookie<'static>), ConsoleError> {
        let lifetime = lifetime(req);
        let id = random_hex();
        let session = Session {
            key: store_key(&id),
            csrf: random_hex(),
            caller,
        };
        let stored = Stored {
            token_sha256: hex::encode(token_digest(token)),
            csrf: session.csrf.clone(),
            expires_at: unix_now().saturating_add(lifetime.as_secs()),
        };
        let bytes = serde_json::to_vec(&stored).map_err(|_| ConsoleError::Internal)?;
        // The store forgets it a little after it ends; `expires_at` is what decides.
        let ttl = lifetime.max(Duration::from_secs(1));
        state.stores.state.put(&session.key, &bytes, ttl).await?;
        Ok((session, cookie(req, SESSION_COOKIE, id, Some(lifetime))))
    }

    /// The session `req` carries: `Ok(None)` without a session cookie, `Err(SignIn)` when the
    /// cookie names a session that has ended.
    pub async fn of(req: &HttpRequest) -> Result<Option<Session>, ConsoleError> {
        let Some(id) = req.cookie(SESSION_COOKIE).map(|c| c.value().to_string()) else {
            return Ok(None);
        };
        let state = AdminState::of(req)?;
        let key = store_key(&id);
        let stored = state
            .stores
            .state
            .get(&key)
            .await?
            .and_then(|bytes| serde_json::from_slice::<Stored>(&bytes).ok());
        let caller = stored
            .as_ref()
            .filter(|s| unix_now() < s.expires_at)
            .and_then(|s| caller_of(&state.tokens, &s.token_sha256));
        match (stored, caller) {
            (Some(s), Some(caller)) => Ok(Some(Session {
                key,
                csrf: s.csrf,
                caller,
            })),
            _ => Err(ConsoleError::SignIn {
                next: return_path(req),
                ended: true,
            }),
        }
    }

    /// End this session everywhere.
    pub async fn end(&self, state: &AdminState) -> Result<(), ConsoleError> {
        state.stores.state.take(&self.key).await?;
        Ok(())
    }

    /// A stable name of this session for things it owns (a staged import); not the cookie.
    pub fn owner(&self) -> &str {
        self.key.name()
    }

    /// This session's CSRF token, for the hidden field of every form.
    pub fn csrf(&self) -> &str {
        &self.csrf
    }

    /// Refuse a form that does not carry this session's CSRF token.
    pub fn check_csrf(&self, presented: &str) -> Result<(), ConsoleError> {
        same_token(&self.csrf, presented)
    }

    /// A posted change: the form must carry this session's CSRF token, and the clerk must be
    /// an admin. Returns the audit actor (the token's name).
    pub fn authorize_write(&self, form: &FormData) -> Result<&str, ConsoleError> {
        self.check_csrf(form.csrf())?;
        self.writer()
    }

    /// Whether this clerk may change things (role `admin`).
    pub fn may_write(&self) -> bool {
        self.caller.role == AdminRole::Admin
    }

    /// The actor of a write, or `ReadOnly` for a viewer.
    pub fn writer(&self) -> Result<&str, ConsoleError> {
        if self.may_write() {
            Ok(&self.caller.name)
        } else {
            Err(ConsoleError::ReadOnly)
        }
    }
}

impl FromRequest for Session {
    type Error = ConsoleError;
    type Future = Pin<Box<dyn Future<Output = Result<Session, ConsoleError>>>>;

    /// A signed-in clerk, or a redirect to the sign-in page that comes back here.
    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move {
            Session::of(&req).await?.ok_or(ConsoleError::SignIn {
                next: return_path(&req),
                ended: false,
            })
        })
    }
}

/// The sign-in form's CSRF token: the one its cookie already holds, or a fresh one with the
/// cookie to set.
pub fn sign_in_token(req: &HttpRequest) -> (String, Option<Cookie<'static>>) {
    match req.cookie(SIGN_IN_COOKIE).map(|c| c.value().to_string()) {
        Some(v) if v.len() == 64 && v.bytes().all(|b| b.is_ascii_hexdigit()) => (v, None),
        _ => {
            let v = random_hex();
            (v.clone(), Some(cookie(req, SIGN_IN_COOKIE, v, None)))
        }
    }
}

/// Refuse a sign-in form whose CSRF field does not match its cookie.
pub fn check_sign_in_token(req: &HttpRequest, presented: &str) -> Result<(), ConsoleError> {
    let expected = req
        .cookie(SIGN_IN_COOKIE)
        .map(|c| c.value().to_string())
        .unwrap_or_default();
    if expected.is_empty() {
        return Err(ConsoleError::BadForm);
    }
    same_token(&expected, presented)
}

/// A console cookie: HttpOnly, SameSite=Strict, path `/admin/ui`, Secure over TLS; kept for
/// `max_age`, or for the browser session when `None`.
pub fn cookie(
    req: &HttpRequest,
    name: &'static str,
    value: String,
    max_age: Option<Duration>,
) -> Cookie<'static> {
    let mut c = Cookie::build(name, value)
        .path(COOKIE_PATH)
        .http_only(true)
        .same_site(SameSite::Strict)
        .secure(req.connection_info().scheme() == "https")
        .finish();
    if let Some(age) = max_age {
        let secs = i64::try_from(age.as_secs()).unwrap_or(i64::MAX);
        c.set_max_age(cookie_time::Duration::seconds(secs));
    }
    c
}

/// A cookie that tells the browser to forget `name`.
pub fn removal(req: &HttpRequest, name: &'static str) -> Cookie<'static> {
    cookie(req, name, String::new(), Some(Duration::ZERO))
}

/// A console path that is safe to return to after signing in (never another site).
pub fn safe_next(next: &str) -> Option<String> {
    let ok = next.starts_with("/admin/ui/")
        && !next.contains("//")
        && !next.contains('\\')
        && !next.starts_with("/admin/ui/sign-")
        && next.len() <= 2000
        && !next.chars().any(char::is_control);
    ok.then(|| next.to_string())
}

/// Where to come back to after signing in: the page asked for, when it was a page (GET).
fn return_path(req: &HttpRequest) -> Option<String> {
    if req.method() != Method::GET {
        return None;
    }
    let uri = req.uri();
    let path = uri
        .path_and_query()
        .map(|p| p.as_str())
        .unwrap_or(uri.path());
    safe_next(path)
}

fn caller_of(tokens: &AdminTokens, token_sha256: &str) -> Option<Caller> {
    let mut digest = [0u8; 32];
    hex::decode_to_slice(token_sha256, &mut digest).ok()?;
    tokens.authenticate_digest(&digest)
}

fn same_token(expected: &str, presented: &str) -> Result<(), ConsoleError> {
    let ok = !expected.is_empty()
        && expected.len() == presented.len()
        && bool::from(expected.as_bytes().ct_eq(presented.as_bytes()));
    if ok {
        Ok(())
    } else {
        Err(ConsoleError::BadForm)
    }
}

/// How long a session lasts: `ASLI_CONSOLE_SESSION_SECS` from the app's settings.
fn lifetime(req: &HttpRequest) -> Duration {
    req.app_data::<actix_web::web::Data<AppState>>()
        .map(|app| app.settings.admin.console_session)
        .unwrap_or(DEFAULT_LIFETIME)
}

fn store_key(id: &str) -> StateKey {
    keys::console_session(&hex::encode(Sha256::digest(id.as_bytes())))
}

fn random_hex() -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    hex::encode(bytes)
}

fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_console_paths_are_returned_to_after_signing_in() {
        assert_eq!(
            safe_next("/admin/ui/officials?q=x").as_deref(),
            Some("/admin/ui/officials?q=x")
        );
        for bad in [
            "https://evil.example/",
            "//evil.example/admin/ui/",
            "/admin/ui//evil.example",
            "/admin/officials",
            "/admin/ui/sign-in",
            "/admin/ui/\\evil",
            "/admin/ui/\nx",
        ] {
            assert_eq!(safe_next(bad), None, "{bad}");
        }
    }

    #[test]
    fn a_csrf_token_must_match_exactly() {
        let t = random_hex();
        assert!(same_token(&t, &t).is_ok());
        assert!(same_token(&t, "").is_err());
        assert!(same_token(&t, &t[..63]).is_err());
        assert!(same_token("", "").is_err());
        let mut other = t.clone().into_bytes();
        other[0] = if other[0] == b'a' { b'b' } else { b'a' };
        assert!(same_token(&t, &String::from_utf8(other).unwrap()).is_err());
    }

    #[test]
    fn the_store_never_sees_the_session_id_itself() {
        let id = random_hex();
        assert!(!store_key(&id).name().contains(&id));
        assert_ne!(random_hex(), id);
    }
}
