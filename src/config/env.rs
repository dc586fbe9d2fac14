//! Lookups over the variable map, with the error wording in one place; secrets may come from
//! `NAME_FILE`.

use std::collections::HashMap;
use std::time::Duration;

use secrecy::SecretString;

use super::ConfigError;
use super::whatsapp::TemplateRef;

/// Variables that hold secrets: they may also be given as `NAME_FILE=/path`.
const SECRETS: &[&str] = &[
    "WHATSAPP_APP_SECRET",
    "WHATSAPP_VERIFY_TOKEN",
    "WHATSAPP_ACCESS_TOKEN",
    "ASLI_ADMIN_TOKEN",
    "REDIS_URL",
    "ASLI_PSEUDONYM_KEY",
];

/// Lookups over the variable map, with the error wording in one place.
pub(super) struct Env<'a> {
    pub(super) vars: &'a HashMap<String, String>,
}

impl Env<'_> {
    /// A set, non-empty variable.
    pub(super) fn get(&self, name: &str) -> Option<&str> {
        self.vars
            .get(name)
            .map(|v| v.trim())
            .filter(|v| !v.is_empty())
    }

    pub(super) fn parsed<T: std::str::FromStr>(
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
    pub(super) fn seconds(
        &self,
        name: &str,
        default: &str,
        min: u64,
    ) -> Result<Duration, ConfigError> {
        let problem = format!("must be a whole number of seconds, at least {min}");
        let secs: u64 = self.parsed(name, default, &problem)?;
        if secs < min {
            return Err(ConfigError::new(name, problem));
        }
        Ok(Duration::from_secs(secs))
    }

    /// An optional `name:language` template reference.
    pub(super) fn template(&self, name: &str) -> Result<Option<TemplateRef>, ConfigError> {
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

    pub(super) fn flag(&self, name: &str) -> Result<bool, ConfigError> {
        match self.get(name).unwrap_or("0") {
            "1" | "true" | "yes" => Ok(true),
            "0" | "false" | "no" => Ok(false),
            _ => Err(ConfigError::new(name, "must be 1 or 0")),
        }
    }

    /// A secret from `NAME`, or from the file named by `NAME_FILE`.
    pub(super) fn secret(&self, name: &str) -> Result<Option<SecretString>, ConfigError> {
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

    pub(super) fn required_secret(&self, name: &str) -> Result<SecretString, ConfigError> {
        self.secret(name)?
            .ok_or_else(|| ConfigError::new(name, format!("is required (set it or {name}_FILE)")))
    }

    /// A whole number within `range`, `default` when unset.
    pub(super) fn ranged<T>(
        &self,
        name: &str,
        default: &str,
        range: std::ops::RangeInclusive<T>,
    ) -> Result<T, ConfigError>
    where
        T: std::str::FromStr + PartialOrd + std::fmt::Display,
    {
        let problem = format!(
            "must be a whole number from {} to {}",
            range.start(),
            range.end()
        );
        let value: T = self.parsed(name, default, &problem)?;
        if range.contains(&value) {
            Ok(value)
        } else {
            Err(ConfigError::new(name, problem))
        }
    }
}
