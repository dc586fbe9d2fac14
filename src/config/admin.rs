//! The admin part: the bootstrap token and the named, hashed tokens with their roles.

use std::net::SocketAddr;

use secrecy::SecretString;

use super::ConfigError;
use super::env::Env;

/// Who may call `/admin`, and where it is served.
#[derive(Debug, Clone)]
pub struct AdminSettings {
    /// `ASLI_ADMIN_BIND`: when set, `/admin` is served only on this second address.
    pub bind: Option<SocketAddr>,
    /// `ASLI_ADMIN_TOKEN`: the bootstrap admin token.
    pub token: SecretString,
    /// `ASLI_ADMIN_TOKENS`: further named admin tokens, stored hashed.
    pub tokens: Vec<NamedToken>,
}

impl AdminSettings {
    /// Read the part; `token` is read by the caller first (always required).
    pub(super) fn from_env(
        env: &Env<'_>,
        token: SecretString,
    ) -> Result<AdminSettings, ConfigError> {
        Ok(AdminSettings {
            bind: match env.get("ASLI_ADMIN_BIND") {
                None => None,
                Some(_) => Some(env.parsed(
                    "ASLI_ADMIN_BIND",
                    "",
                    "must be an address like 127.0.0.1:8081",
                )?),
            },
            token,
            tokens: parse_admin_tokens(env.get("ASLI_ADMIN_TOKENS").unwrap_or(""))?,
        })
    }
}

/// What a named admin token may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AdminRole {
    /// Read and write the registry, retry dead letters.
    Admin,
    /// Read only.
    Viewer,
}

/// One named admin token: its name (the audit actor), its role, and the SHA-256 of the token.
/// Only the hash is configured, so the configuration holds no usable secret.
#[derive(Clone, PartialEq, Eq)]
pub struct NamedToken {
    /// The name written to the audit log.
    pub name: String,
    /// What the token may do.
    pub role: AdminRole,
    /// SHA-256 of the bearer token.
    pub sha256: [u8; 32],
}

impl std::fmt::Debug for NamedToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The hash is not a usable secret, but nobody needs it in a log either.
        f.debug_struct("NamedToken")
            .field("name", &self.name)
            .field("role", &self.role)
            .finish_non_exhaustive()
    }
}

/// Parse `name:role:sha256hex,name:role:sha256hex` (`role` is `admin` or `viewer`; get the hash
/// with `printf %s "$TOKEN" | sha256sum`).
pub fn parse_admin_tokens(value: &str) -> Result<Vec<NamedToken>, ConfigError> {
    const VAR: &str = "ASLI_ADMIN_TOKENS";
    let mut out: Vec<NamedToken> = Vec::new();
    for (i, item) in value
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .enumerate()
    {
        let entry = i + 1;
        let mut parts = item.split(':');
        let (Some(name), Some(role), Some(hash), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(ConfigError::new(
                VAR,
                format!("entry {entry} must look like name:role:sha256hex"),
            ));
        };
        let name = name.trim();
        let name_ok = !name.is_empty()
            && name.len() <= 64
            && name
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-' || b == b'.');
        if !name_ok || out.iter().any(|t| t.name == name) {
            return Err(ConfigError::new(
                VAR,
                format!("entry {entry} needs a unique name of letters, digits, . _ -"),
            ));
        }
        let role = match role.trim() {
            "admin" => AdminRole::Admin,
            "viewer" => AdminRole::Viewer,
            _ => {
                return Err(ConfigError::new(
                    VAR,
                    format!("entry {entry} ({name}) has a role other than admin or viewer"),
                ));
            }
        };
        let mut sha256 = [0u8; 32];
        hex::decode_to_slice(hash.trim(), &mut sha256).map_err(|_| {
            ConfigError::new(
                VAR,
                format!("entry {entry} ({name}) needs a SHA-256 hash as 64 hex digits"),
            )
        })?;
        out.push(NamedToken {
            name: name.to_string(),
            role,
            sha256,
        });
    }
    Ok(out)
}
