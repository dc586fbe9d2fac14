//! Typed settings from the environment (and a `.env` file), checked once at start-up, nested
//! by the part of asli they configure: [`HttpSettings`], [`WhatsAppSettings`],
//! [`StoreConfig`], [`AdminSettings`], [`VerifySettings`], [`WorkerSettings`] and
//! [`PrivacySettings`]. Each part is read by its own `from_env`, and the parts build what
//! they configure (the Graph API client, the pseudonyms) rather than the app copying fields.
//!
//! Every variable of the contract (§1) lives here. A missing or malformed required variable
//! is one [`ConfigError`] naming it; secret values never appear in errors or `Debug` output
//! (they are [`SecretString`]s, exposed only where they are used).

mod admin;
mod env;
mod whatsapp;
mod worker;

#[cfg(test)]
mod tests;

use std::collections::HashMap;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use secrecy::{ExposeSecret, SecretString};

use self::env::Env;
use crate::jobs::Pseudonyms;
use crate::phone::Region;

pub use admin::{AdminRole, AdminSettings, NamedToken, parse_admin_tokens};
pub use whatsapp::{TemplateRef, WarningTemplates, WhatsAppSettings};
pub use worker::{SenderLimit, WorkerSettings};

/// A configuration problem, naming the variable. Never contains a secret value.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("configuration error: {variable} {problem}")]
pub struct ConfigError {
    /// The environment variable at fault.
    pub variable: String,
    /// What is wrong with it, for a person.
    pub problem: String,
}

impl ConfigError {
    fn new(variable: &str, problem: impl Into<String>) -> ConfigError {
        ConfigError {
            variable: variable.to_string(),
            problem: problem.into(),
        }
    }
}

/// How log lines are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogFormat {
    /// Human-readable, coloured when on a terminal.
    Pretty,
    /// One JSON object a line, for production log shippers.
    Json,
}

/// Where asli keeps its state.
#[derive(Debug, Clone)]
pub enum StoreConfig {
    /// Redis or Redis Cluster at this URL (it may carry a password, so it is secret), with
    /// the inbox split into `shards` (`ASLI_INBOX_SHARDS`, the same on every instance).
    Redis {
        /// `REDIS_URL`.
        url: SecretString,
        /// `ASLI_INBOX_SHARDS`.
        shards: u16,
    },
    /// The embedded store, in this directory.
    Embedded(PathBuf),
}

/// Where the public HTTP server listens.
#[derive(Debug, Clone)]
pub struct HttpSettings {
    /// `ASLI_BIND`: the HTTP server's address.
    pub bind: SocketAddr,
}

impl HttpSettings {
    fn from_env(env: &Env<'_>) -> Result<HttpSettings, ConfigError> {
        Ok(HttpSettings {
            bind: env.parsed(
                "ASLI_BIND",
                "127.0.0.1:8080",
                "must be an address like 127.0.0.1:8080",
            )?,
        })
    }
}

/// How messages are judged.
#[derive(Debug, Clone)]
pub struct VerifySettings {
    /// `ASLI_HOME_REGION`: the deployment's country.
    pub home_region: Region,
    /// `ASLI_CONVERSATION_WINDOW_SECS`: how long a text without a number waits for its number.
    pub conversation_window: Duration,
}

impl VerifySettings {
    fn from_env(env: &Env<'_>) -> Result<VerifySettings, ConfigError> {
        Ok(VerifySettings {
            home_region: home_region_from(env)?,
            conversation_window: Duration::from_secs(env.parsed(
                "ASLI_CONVERSATION_WINDOW_SECS",
                "600",
                "must be a number of seconds",
            )?),
        })
    }
}

/// How staff members are kept anonymous in the store.
#[derive(Debug, Clone)]
pub struct PrivacySettings {
    /// `ASLI_PSEUDONYM_KEY`: the key of staff pseudonyms; derived from the App Secret when
    /// unset.
    pub pseudonym_key: Option<SecretString>,
}

/// Everything asli needs to run, parsed and checked.
#[derive(Debug, Clone)]
pub struct Settings {
    /// The public HTTP server.
    pub http: HttpSettings,
    /// Meta: secrets, the Graph API, templates.
    pub whatsapp: WhatsAppSettings,
    /// `REDIS_URL` / `ASLI_DATA_DIR`: where state lives.
    pub store: StoreConfig,
    /// The admin API: tokens, its own address.
    pub admin: AdminSettings,
    /// How messages are judged.
    pub verify: VerifySettings,
    /// The reply workers.
    pub worker: WorkerSettings,
    /// Staff pseudonyms.
    pub privacy: PrivacySettings,
    /// `ASLI_LOG_FORMAT`: `pretty` (default) or `json`.
    pub log_format: LogFormat,
}

impl Settings {
    /// Read the process environment, after loading `.env` from the working directory when
    /// present (variables already set win over the file).
    pub fn from_env() -> Result<Settings, ConfigError> {
        match dotenvy::dotenv() {
            Ok(_) => {}
            Err(e) if e.not_found() => {}
            Err(e) => {
                return Err(ConfigError::new(".env", format!("cannot be read: {e}")));
            }
        }
        Settings::from_map(&std::env::vars().collect())
    }

    /// Parse settings from a map of variables (the environment, or a test's own map).
    pub fn from_map(vars: &HashMap<String, String>) -> Result<Settings, ConfigError> {
        let env = Env { vars };
        // The always-required secrets first: a fresh setup learns about those before options.
        let app_secret = env.required_secret("WHATSAPP_APP_SECRET")?;
        let verify_token = env.required_secret("WHATSAPP_VERIFY_TOKEN")?;
        let admin_token = env.required_secret("ASLI_ADMIN_TOKEN")?;
        let whatsapp = WhatsAppSettings::from_env(&env, app_secret, verify_token)?;
        let store = store_from(&env)?;
        Ok(Settings {
            http: HttpSettings::from_env(&env)?,
            whatsapp,
            store,
            admin: AdminSettings::from_env(&env, admin_token)?,
            verify: VerifySettings::from_env(&env)?,
            worker: WorkerSettings::from_env(&env)?,
            privacy: PrivacySettings {
                pseudonym_key: env.secret("ASLI_PSEUDONYM_KEY")?,
            },
            log_format: match env.get("ASLI_LOG_FORMAT").unwrap_or("pretty") {
                "pretty" => LogFormat::Pretty,
                "json" => LogFormat::Json,
                _ => {
                    return Err(ConfigError::new(
                        "ASLI_LOG_FORMAT",
                        "must be pretty or json",
                    ));
                }
            },
        })
    }

    /// The staff pseudonyms of this deployment: under `ASLI_PSEUDONYM_KEY`, else under a key
    /// derived from the App Secret.
    pub fn pseudonyms(&self) -> Pseudonyms {
        match &self.privacy.pseudonym_key {
            Some(key) => Pseudonyms::new(key.expose_secret().as_bytes()),
            None => Pseudonyms::derived_from(self.whatsapp.app_secret.expose_secret().as_bytes()),
        }
    }
}

/// The settings a command-line tool needs to reach the store (`asli registry import`,
/// `asli check`): no WhatsApp or admin secrets required.
#[derive(Debug, Clone)]
pub struct ToolSettings {
    /// Where state lives.
    pub store: StoreConfig,
    /// The deployment's country.
    pub home_region: Region,
}

impl ToolSettings {
    /// Read the process environment (and `.env`).
    pub fn from_env() -> Result<ToolSettings, ConfigError> {
        let _ = dotenvy::dotenv();
        let vars = std::env::vars().collect();
        let env = Env { vars: &vars };
        Ok(ToolSettings {
            store: store_from(&env)?,
            home_region: home_region_from(&env)?,
        })
    }
}

fn store_from(env: &Env<'_>) -> Result<StoreConfig, ConfigError> {
    Ok(match env.secret("REDIS_URL")? {
        Some(url) => StoreConfig::Redis {
            url,
            shards: env.ranged("ASLI_INBOX_SHARDS", "16", 1..=1024)?,
        },
        None => StoreConfig::Embedded(PathBuf::from(env.get("ASLI_DATA_DIR").unwrap_or("./data"))),
    })
}

fn home_region_from(env: &Env<'_>) -> Result<Region, ConfigError> {
    Region::parse(env.get("ASLI_HOME_REGION").unwrap_or("IN"))
        .map_err(|_| ConfigError::new("ASLI_HOME_REGION", "must be an ISO country code like IN"))
}
