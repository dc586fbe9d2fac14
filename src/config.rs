//! Typed settings from the environment (and a `.env` file), checked once at start-up.
//!
//! Every variable of the contract (§1) lives here. A missing or malformed required variable
//! is one [`ConfigError`] naming it; secret values never appear in errors or `Debug` output
//! (they are [`SecretString`]s, exposed only where they are used).

use std::collections::HashMap;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use secrecy::SecretString;

use crate::phone::Region;

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

/// Everything asli needs to run, parsed and checked.
#[derive(Debug, Clone)]
pub struct Settings {
    /// `ASLI_BIND`: the HTTP server's address.
    pub bind: SocketAddr,
    /// `ASLI_ADMIN_BIND`: when set, `/admin` is served only on this second address.
    pub admin_bind: Option<SocketAddr>,
    /// `WHATSAPP_APP_SECRET`: key of the webhook signature.
    pub app_secret: SecretString,
    /// `WHATSAPP_VERIFY_TOKEN`: answers Meta's GET handshake.
    pub verify_token: SecretString,
    /// `WHATSAPP_ACCESS_TOKEN`: Graph API bearer token (absent only in dry-run).
    pub access_token: Option<SecretString>,
    /// `WHATSAPP_GRAPH_URL`: Graph API base URL, without a trailing slash.
    pub graph_url: String,
    /// `WHATSAPP_API_VERSION`: e.g. `v25.0`.
    pub api_version: String,
    /// `WHATSAPP_DRY_RUN=1`: log replies instead of sending them.
    pub dry_run: bool,
    /// `REDIS_URL` / `ASLI_DATA_DIR`: where state lives.
    pub store: StoreConfig,
    /// `ASLI_ADMIN_TOKEN`: the bootstrap admin token.
    pub admin_token: SecretString,
    /// `ASLI_ADMIN_TOKENS`: further named admin tokens, stored hashed.
    pub admin_tokens: Vec<NamedToken>,
    /// `ASLI_HOME_REGION`: the deployment's country.
    pub home_region: Region,
    /// `ASLI_LOG_FORMAT`: `pretty` (default) or `json`.
    pub log_format: LogFormat,
    /// `ASLI_WORKERS`: concurrent inbox consumers in this process.
    pub workers: usize,
    /// `ASLI_CONVERSATION_WINDOW_SECS`: how long a text without a number waits for its number.
    pub conversation_window: Duration,
    /// `ASLI_TEMPLATE_EN` / `ASLI_TEMPLATE_HI`: the approved warning templates sent when the
    /// 24-hour window is closed.
    pub templates: WarningTemplates,
    /// `ASLI_SENDER_LIMIT` per `ASLI_SENDER_WINDOW_SECS`: replies one staff member gets before
    /// a single "slow down" notice; `None` (limit 0) turns the limit off.
    pub sender_limit: Option<SenderLimit>,
    /// `ASLI_JOB_LEASE_SECS`: how long a claimed job stays with a worker before another
    /// (after a crash) may take it over.
    pub job_lease: Duration,
    /// `ASLI_SHUTDOWN_GRACE_SECS`: how long shutdown waits for in-flight work.
    pub shutdown_grace: Duration,
    /// `ASLI_CREDENTIALS_PROBE_SECS`: while the access token is refused, one reply is tried
    /// this often to find out whether an operator fixed it.
    pub credentials_probe: Duration,
    /// `ASLI_PSEUDONYM_KEY`: the key of staff pseudonyms; derived from the App Secret when
    /// unset.
    pub pseudonym_key: Option<SecretString>,
    /// `ASLI_WORKER_THREADS`: threads of the workers' own runtime (default: one per core).
    pub worker_threads: usize,
}

/// An approved message template: its name and exact language code, as registered at Meta.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TemplateRef {
    /// The template's name (`asli_verdict_alert`).
    pub name: String,
    /// The approved locale, exactly (`en`, `en_US`, `hi`).
    pub language: String,
}

impl TemplateRef {
    /// Parse `name:language` (`asli_verdict_alert:en_US`).
    pub fn parse(value: &str) -> Option<TemplateRef> {
        let (name, language) = value.split_once(':')?;
        let name_ok = !name.is_empty()
            && name
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
        let lang_ok = !language.is_empty()
            && language
                .bytes()
                .all(|b| b.is_ascii_alphabetic() || b == b'_');
        (name_ok && lang_ok).then(|| TemplateRef {
            name: name.to_string(),
            language: language.to_string(),
        })
    }
}

/// The warning templates per reply language. Body parameter order (both languages):
/// `{{1}}` = the verdict's headline word (`FAKE`, `GENUINE`, ...).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WarningTemplates {
    /// For English replies (and for Hindi ones when no Hindi template is set).
    pub en: Option<TemplateRef>,
    /// For Hindi replies.
    pub hi: Option<TemplateRef>,
}

impl WarningTemplates {
    /// The template for a reply in `language` (`hi` or `en`), falling back to English.
    pub fn for_language(&self, language: &str) -> Option<&TemplateRef> {
        match language {
            "hi" => self.hi.as_ref().or(self.en.as_ref()),
            _ => self.en.as_ref(),
        }
    }
}

/// The per-sender flood limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SenderLimit {
    /// Messages answered per window.
    pub max: u64,
    /// The fixed window.
    pub window: Duration,
}

/// Variables that hold secrets: they may also be given as `NAME_FILE=/path`.
const SECRETS: &[&str] = &[
    "WHATSAPP_APP_SECRET",
    "WHATSAPP_VERIFY_TOKEN",
    "WHATSAPP_ACCESS_TOKEN",
    "ASLI_ADMIN_TOKEN",
    "REDIS_URL",
    "ASLI_PSEUDONYM_KEY",
];

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
        let dry_run = env.flag("WHATSAPP_DRY_RUN")?;
        let access_token = env.secret("WHATSAPP_ACCESS_TOKEN")?;
        if access_token.is_none() && !dry_run {
            return Err(ConfigError::new(
                "WHATSAPP_ACCESS_TOKEN",
                "is required unless WHATSAPP_DRY_RUN=1 (set it or WHATSAPP_ACCESS_TOKEN_FILE)",
            ));
        }
        let store = store_from(&env)?;
        let graph_url = env
            .get("WHATSAPP_GRAPH_URL")
            .unwrap_or("https://graph.facebook.com")
            .trim_end_matches('/')
            .to_string();
        if !(graph_url.starts_with("http://") || graph_url.starts_with("https://")) {
            return Err(ConfigError::new(
                "WHATSAPP_GRAPH_URL",
                "must be an http:// or https:// URL",
            ));
        }
        let api_version = env
            .get("WHATSAPP_API_VERSION")
            .unwrap_or("v25.0")
            .to_string();
        if !is_api_version(&api_version) {
            return Err(ConfigError::new(
                "WHATSAPP_API_VERSION",
                "must look like v25.0",
            ));
        }
        let home_region = home_region_from(&env)?;
        let log_format = match env.get("ASLI_LOG_FORMAT").unwrap_or("pretty") {
            "pretty" => LogFormat::Pretty,
            "json" => LogFormat::Json,
            _ => {
                return Err(ConfigError::new(
                    "ASLI_LOG_FORMAT",
                    "must be pretty or json",
                ));
            }
        };
        Ok(Settings {
            bind: env.parsed(
                "ASLI_BIND",
                "127.0.0.1:8080",
                "must be an address like 127.0.0.1:8080",
            )?,
            admin_bind: match env.get("ASLI_ADMIN_BIND") {
                None => None,
                Some(_) => Some(env.parsed(
                    "ASLI_ADMIN_BIND",
                    "",
                    "must be an address like 127.0.0.1:8081",
                )?),
            },
            app_secret,
            verify_token,
            access_token,
            graph_url,
            api_version,
            dry_run,
            store,
            admin_token,
            admin_tokens: parse_admin_tokens(env.get("ASLI_ADMIN_TOKENS").unwrap_or(""))?,
            home_region,
            log_format,
            workers: env
                .parsed("ASLI_WORKERS", "8", "must be a whole number from 1 to 256")
                .and_then(|n: usize| {
                    (1..=256).contains(&n).then_some(n).ok_or_else(|| {
                        ConfigError::new("ASLI_WORKERS", "must be a whole number from 1 to 256")
                    })
                })?,
            conversation_window: Duration::from_secs(env.parsed(
                "ASLI_CONVERSATION_WINDOW_SECS",
                "600",
                "must be a number of seconds",
            )?),
            templates: WarningTemplates {
                en: env.template("ASLI_TEMPLATE_EN")?,
                hi: env.template("ASLI_TEMPLATE_HI")?,
            },
            sender_limit: sender_limit_from(&env)?,
            job_lease: env.seconds("ASLI_JOB_LEASE_SECS", "60", 1)?,
            shutdown_grace: env.seconds("ASLI_SHUTDOWN_GRACE_SECS", "30", 0)?,
            credentials_probe: env.seconds("ASLI_CREDENTIALS_PROBE_SECS", "60", 0)?,
            pseudonym_key: env.secret("ASLI_PSEUDONYM_KEY")?,
            worker_threads: match env.get("ASLI_WORKER_THREADS") {
                None => std::thread::available_parallelism().map_or(2, |n| n.get()),
                Some(_) => env
                    .parsed(
                        "ASLI_WORKER_THREADS",
                        "",
                        "must be a whole number from 1 to 64",
                    )
                    .and_then(|n: usize| {
                        (1..=64).contains(&n).then_some(n).ok_or_else(|| {
                            ConfigError::new(
                                "ASLI_WORKER_THREADS",
                                "must be a whole number from 1 to 64",
                            )
                        })
                    })?,
            },
        })
    }
}

fn sender_limit_from(env: &Env<'_>) -> Result<Option<SenderLimit>, ConfigError> {
    let max: u64 = env.parsed("ASLI_SENDER_LIMIT", "20", "must be a whole number (0: off)")?;
    let window = env.seconds("ASLI_SENDER_WINDOW_SECS", "60", 1)?;
    Ok((max > 0).then_some(SenderLimit { max, window }))
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
            shards: env
                .parsed(
                    "ASLI_INBOX_SHARDS",
                    "16",
                    "must be a whole number from 1 to 1024",
                )
                .and_then(|n: u16| {
                    (1..=1024).contains(&n).then_some(n).ok_or_else(|| {
                        ConfigError::new(
                            "ASLI_INBOX_SHARDS",
                            "must be a whole number from 1 to 1024",
                        )
                    })
                })?,
        },
        None => StoreConfig::Embedded(PathBuf::from(env.get("ASLI_DATA_DIR").unwrap_or("./data"))),
    })
}

fn home_region_from(env: &Env<'_>) -> Result<Region, ConfigError> {
    Region::parse(env.get("ASLI_HOME_REGION").unwrap_or("IN"))
        .map_err(|_| ConfigError::new("ASLI_HOME_REGION", "must be an ISO country code like IN"))
}

fn is_api_version(v: &str) -> bool {
    let Some(rest) = v.strip_prefix('v') else {
        return false;
    };
    let mut parts = rest.split('.');
    let ok =
        |p: Option<&str>| p.is_some_and(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()));
    ok(parts.next()) && ok(parts.next()) && parts.next().is_none()
}

// ---- named admin tokens (ASLI_ADMIN_TOKENS) ------------------------------------------------

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

/// Lookups over the variable map, with the error wording in one place.
struct Env<'a> {
    vars: &'a HashMap<String, String>,
}

impl Env<'_> {
    /// A set, non-empty variable.
    fn get(&self, name: &str) -> Option<&str> {
        self.vars
            .get(name)
            .map(|v| v.trim())
            .filter(|v| !v.is_empty())
    }

    fn parsed<T: std::str::FromStr>(
        &self,
        name: &str,
        default: &str,
        problem: &str,
    ) -> Result<T, ConfigError> {
        self.get(name)
            .unwrap_or(default)
            .parse()
            .map_err(|_| ConfigError::new(name, problem))
    }

    /// A number of seconds, at least `min`.
    fn seconds(&self, name: &str, default: &str, min: u64) -> Result<Duration, ConfigError> {
        let problem = format!("must be a whole number of seconds, at least {min}");
        let secs: u64 = self.parsed(name, default, &problem)?;
        if secs < min {
            return Err(ConfigError::new(name, problem));
        }
        Ok(Duration::from_secs(secs))
    }

    /// An optional `name:language` template reference.
    fn template(&self, name: &str) -> Result<Option<TemplateRef>, ConfigError> {
        self.get(name)
            .map(|v| {
                TemplateRef::parse(v).ok_or_else(|| {
                    ConfigError::new(
                        name,
                        "must be template_name:language_code, like asli_verdict_alert:en",
                    )
                })
            })
            .transpose()
    }

    fn flag(&self, name: &str) -> Result<bool, ConfigError> {
        match self.get(name).unwrap_or("0") {
            "1" | "true" | "yes" => Ok(true),
            "0" | "false" | "no" => Ok(false),
            _ => Err(ConfigError::new(name, "must be 1 or 0")),
        }
    }

    /// A secret from `NAME`, or from the file named by `NAME_FILE`.
    fn secret(&self, name: &str) -> Result<Option<SecretString>, ConfigError> {
        debug_assert!(SECRETS.contains(&name));
        if let Some(value) = self.get(name) {
            return Ok(Some(SecretString::from(value.to_string())));
        }
        let file_var = format!("{name}_FILE");
        let Some(path) = self.get(&file_var) else {
            return Ok(None);
        };
        let content = std::fs::read_to_string(path).map_err(|e| {
            ConfigError::new(
                &file_var,
                format!("names a file that cannot be read: {}", e.kind()),
            )
        })?;
        let value = content.trim_end_matches(['\n', '\r']);
        if value.is_empty() {
            return Err(ConfigError::new(&file_var, "names an empty file"));
        }
        Ok(Some(SecretString::from(value.to_string())))
    }

    fn required_secret(&self, name: &str) -> Result<SecretString, ConfigError> {
        self.secret(name)?
            .ok_or_else(|| ConfigError::new(name, format!("is required (set it or {name}_FILE)")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use secrecy::ExposeSecret;

    fn base() -> HashMap<String, String> {
        [
            ("WHATSAPP_APP_SECRET", "app-secret-value"),
            ("WHATSAPP_VERIFY_TOKEN", "verify-me"),
            ("WHATSAPP_ACCESS_TOKEN", "EAAG-token"),
            ("ASLI_ADMIN_TOKEN", "admin-token-value"),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
    }

    #[test]
    fn defaults_follow_the_contract() {
        let s = Settings::from_map(&base()).unwrap();
        assert_eq!(s.bind.to_string(), "127.0.0.1:8080");
        assert_eq!(s.graph_url, "https://graph.facebook.com");
        assert_eq!(s.api_version, "v25.0");
        assert!(!s.dry_run);
        assert!(matches!(s.store, StoreConfig::Embedded(ref p) if p == &PathBuf::from("./data")));
        assert_eq!(s.home_region, Region::INDIA);
    }

    #[test]
    fn a_missing_required_secret_is_named_and_no_secret_is_printed() {
        let mut vars = base();
        vars.remove("WHATSAPP_APP_SECRET");
        let err = Settings::from_map(&vars).unwrap_err();
        assert_eq!(err.variable, "WHATSAPP_APP_SECRET");
        let line = err.to_string();
        for secret in ["verify-me", "EAAG-token", "admin-token-value"] {
            assert!(!line.contains(secret));
        }
    }

    #[test]
    fn an_empty_environment_first_asks_for_the_app_secret() {
        let err = Settings::from_map(&HashMap::new()).unwrap_err();
        assert_eq!(err.variable, "WHATSAPP_APP_SECRET");
    }

    #[test]
    fn the_access_token_may_be_left_out_only_in_dry_run() {
        let mut vars = base();
        vars.remove("WHATSAPP_ACCESS_TOKEN");
        assert_eq!(
            Settings::from_map(&vars).unwrap_err().variable,
            "WHATSAPP_ACCESS_TOKEN"
        );
        vars.insert("WHATSAPP_DRY_RUN".into(), "1".into());
        assert!(Settings::from_map(&vars).unwrap().access_token.is_none());
    }

    #[test]
    fn secrets_can_come_from_files() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("secret");
        std::fs::write(&path, "from-a-file\n").unwrap();
        let mut vars = base();
        vars.remove("ASLI_ADMIN_TOKEN");
        vars.insert("ASLI_ADMIN_TOKEN_FILE".into(), path.display().to_string());
        let s = Settings::from_map(&vars).unwrap();
        assert_eq!(s.admin_token.expose_secret(), "from-a-file");
    }

    #[test]
    fn malformed_values_are_named() {
        for (var, value) in [
            ("ASLI_BIND", "not an address"),
            ("WHATSAPP_DRY_RUN", "maybe"),
            ("WHATSAPP_API_VERSION", "25"),
            ("ASLI_HOME_REGION", "India"),
            ("WHATSAPP_GRAPH_URL", "ftp://x"),
            ("ASLI_WORKERS", "0"),
            ("ASLI_TEMPLATE_EN", "asli_verdict_alert"),
            ("ASLI_TEMPLATE_HI", "Bad Name:hi"),
            ("ASLI_SENDER_LIMIT", "-1"),
            ("ASLI_SENDER_WINDOW_SECS", "0"),
            ("ASLI_JOB_LEASE_SECS", "0"),
        ] {
            let mut vars = base();
            vars.insert(var.into(), value.into());
            assert_eq!(
                Settings::from_map(&vars).unwrap_err().variable,
                var,
                "{var}={value}"
            );
        }
    }

    #[test]
    fn delivery_settings_have_safe_defaults() {
        let s = Settings::from_map(&base()).unwrap();
        assert_eq!(s.templates, WarningTemplates::default());
        assert_eq!(
            s.sender_limit,
            Some(SenderLimit {
                max: 20,
                window: Duration::from_secs(60)
            })
        );
        assert_eq!(s.job_lease, Duration::from_secs(60));
        assert_eq!(s.shutdown_grace, Duration::from_secs(30));
    }

    #[test]
    fn a_sender_limit_of_zero_turns_the_limit_off() {
        let mut vars = base();
        vars.insert("ASLI_SENDER_LIMIT".into(), "0".into());
        assert_eq!(Settings::from_map(&vars).unwrap().sender_limit, None);
    }

    #[test]
    fn hindi_replies_fall_back_to_the_english_template() {
        let mut vars = base();
        vars.insert("ASLI_TEMPLATE_EN".into(), "asli_verdict_alert:en_US".into());
        let s = Settings::from_map(&vars).unwrap();
        let t = s.templates.for_language("hi").unwrap();
        assert_eq!(
            (t.name.as_str(), t.language.as_str()),
            ("asli_verdict_alert", "en_US")
        );
        vars.insert("ASLI_TEMPLATE_HI".into(), "asli_verdict_alert:hi".into());
        let s = Settings::from_map(&vars).unwrap();
        assert_eq!(s.templates.for_language("hi").unwrap().language, "hi");
        assert_eq!(s.templates.for_language("en").unwrap().language, "en_US");
    }

    #[test]
    fn named_admin_tokens_are_read_with_their_roles() {
        let h = "a".repeat(64);
        let t = parse_admin_tokens(&format!("ops:admin:{h}, audit-bot:viewer:{h}")).unwrap();
        assert_eq!(t.len(), 2);
        assert_eq!(
            (t[1].name.as_str(), t[1].role),
            ("audit-bot", AdminRole::Viewer)
        );
        assert!(parse_admin_tokens("").unwrap().is_empty());
        for bad in [
            format!("ops:root:{h}"),
            "ops:admin:abc".to_string(),
            format!("ops:admin:{h},ops:viewer:{h}"),
            "ops".to_string(),
        ] {
            let err = parse_admin_tokens(&bad).unwrap_err();
            assert_eq!(err.variable, "ASLI_ADMIN_TOKENS", "{bad}");
        }
    }

    #[test]
    fn debug_output_hides_secrets() {
        let s = Settings::from_map(&base()).unwrap();
        let dbg = format!("{s:?}");
        assert!(!dbg.contains("app-secret-value") && !dbg.contains("EAAG-token"));
    }
}
