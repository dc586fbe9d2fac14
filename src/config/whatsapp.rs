//! The WhatsApp part: Meta's secrets, the Graph API and the approved templates.

use secrecy::SecretString;

use super::ConfigError;
use super::env::Env;
use crate::whatsapp::GraphClient;

/// How asli talks to Meta.
#[derive(Debug, Clone)]
pub struct WhatsAppSettings {
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
    /// `ASLI_TEMPLATE_EN` / `ASLI_TEMPLATE_HI`: the approved warning templates sent when the
    /// 24-hour window is closed.
    pub templates: WarningTemplates,
}

impl WhatsAppSettings {
    /// Read the part. `app_secret` and `verify_token` are read by the caller first (the
    /// always-required secrets are named before anything optional).
    pub(super) fn from_env(
        env: &Env<'_>,
        app_secret: SecretString,
        verify_token: SecretString,
    ) -> Result<WhatsAppSettings, ConfigError> {
        let dry_run = env.flag("WHATSAPP_DRY_RUN")?;
        let access_token = env.secret("WHATSAPP_ACCESS_TOKEN")?;
        if access_token.is_none() && !dry_run {
            return Err(ConfigError::new(
                "WHATSAPP_ACCESS_TOKEN",
                "is required unless WHATSAPP_DRY_RUN=1 (set it or WHATSAPP_ACCESS_TOKEN_FILE)",
            ));
        }
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
        Ok(WhatsAppSettings {
            app_secret,
            verify_token,
            access_token,
            graph_url,
            api_version,
            dry_run,
            templates: WarningTemplates {
                en: env.template("ASLI_TEMPLATE_EN")?,
                hi: env.template("ASLI_TEMPLATE_HI")?,
            },
        })
    }

    /// The Graph API client replies go through; `None` in dry-run mode.
    pub fn graph_client(&self) -> Option<GraphClient> {
        match (&self.access_token, self.dry_run) {
            (Some(token), false) => Some(GraphClient::new(
                &self.graph_url,
                &self.api_version,
                token.clone(),
                Default::default(),
            )),
            _ => None,
        }
    }
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

fn is_api_version(v: &str) -> bool {
    let Some(rest) = v.strip_prefix('v') else {
        return false;
    };
    let mut parts = rest.split('.');
    let ok =
        |p: Option<&str>| p.is_some_and(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()));
    ok(parts.next()) && ok(parts.next()) && parts.next().is_none()
}
