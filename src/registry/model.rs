//! The Official: who a registered number belongs to.

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use crate::phone::E164;

/// A server-assigned, stable official id (`off_` + 20 lowercase hex digits).
#[derive(
    Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, utoipa::ToSchema,
)]
#[serde(transparent)]
pub struct OfficialId(String);

impl OfficialId {
    /// A fresh random id.
    pub fn generate() -> OfficialId {
        let hex = uuid::Uuid::new_v4().simple().to_string();
        OfficialId(format!("off_{}", &hex[..20]))
    }

    /// Accept an id given by a client (path segment, import row). Ids are short and ASCII.
    pub fn parse(s: &str) -> Option<OfficialId> {
        let ok = !s.is_empty()
            && s.len() <= 64
            && s.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-');
        ok.then(|| OfficialId(s.to_string()))
    }

    /// The id as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for OfficialId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// Whether an official's numbers vouch for them.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default, utoipa::ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum OfficialStatus {
    /// In office: their numbers answer `genuine`.
    #[default]
    Active,
    /// Retired, transferred out or otherwise gone: their numbers answer `revoked`.
    Revoked,
}

impl OfficialStatus {
    /// The wire name.
    pub fn as_str(&self) -> &'static str {
        match self {
            OfficialStatus::Active => "active",
            OfficialStatus::Revoked => "revoked",
        }
    }
}

/// One registered number of an official, with what kind of number it is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct PhoneEntry {
    /// The number, E.164.
    #[schema(value_type = String, example = "+917000000001")]
    pub number: E164,
    /// `official`, `personal`, `office`, `pa`, ... (lowercase, free text).
    #[serde(default = "default_label")]
    pub label: String,
}

fn default_label() -> String {
    "official".to_string()
}

/// A registered official, exactly as the admin API shows it (contract §4).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Official {
    /// Stable id.
    pub id: OfficialId,
    /// Full name as written in the registry.
    pub name: String,
    /// Other spellings and scripts of the name.
    #[serde(default)]
    pub aliases: Vec<String>,
    /// The post, e.g. "Municipal Commissioner".
    #[serde(default)]
    pub designation: String,
    /// Other names of the post ("Commissioner", "आयुक्त").
    #[serde(default)]
    pub designation_aliases: Vec<String>,
    /// The office, e.g. "Dewas Municipal Corporation".
    #[serde(default)]
    pub organization: String,
    /// Registered numbers; each belongs to this official only.
    #[serde(default)]
    pub phones: Vec<PhoneEntry>,
    /// Active or revoked.
    #[serde(default)]
    pub status: OfficialStatus,
    /// Free text for admins.
    #[serde(default)]
    pub notes: String,
    /// First day the numbers vouch for the official (a transfer entered ahead of time).
    #[serde(
        default,
        with = "time::serde::rfc3339::option",
        skip_serializing_if = "Option::is_none"
    )]
    pub valid_from: Option<OffsetDateTime>,
    /// Last moment the numbers vouch for the official; after it they answer `revoked`.
    #[serde(
        default,
        with = "time::serde::rfc3339::option",
        skip_serializing_if = "Option::is_none"
    )]
    pub valid_until: Option<OffsetDateTime>,
    /// When the official was created.
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    /// When the official last changed.
    #[serde(with = "time::serde::rfc3339")]
    pub updated_at: OffsetDateTime,
    /// Starts at 1, grows by one with each change; the `ETag`.
    pub version: u64,
}

impl Official {
    /// Whether this official's numbers vouch for them at `now`.
    pub fn is_in_office(&self, now: OffsetDateTime) -> bool {
        self.status == OfficialStatus::Active
            && self.valid_from.is_none_or(|from| from <= now)
            && self.valid_until.is_none_or(|until| now <= until)
    }

    /// The strong `ETag` value for this version: `"<id>-v<version>"`.
    pub fn etag(&self) -> String {
        format!("\"{}-v{}\"", self.id, self.version)
    }
}

/// One append-only audit record of a registry write.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct AuditEntry {
    /// Position in the log, assigned by the store (1, 2, 3, ...); 0 before it is stored.
    #[serde(default)]
    pub seq: u64,
    /// When the write happened.
    #[serde(with = "time::serde::rfc3339")]
    pub at: OffsetDateTime,
    /// Who made it: the token name (`admin` for the bootstrap token, `cli` for the CLI).
    pub actor: String,
    /// `create`, `update`, `retire`, `import`, ...
    pub action: String,
    /// The official concerned.
    pub official_id: Option<OfficialId>,
    /// The official before the write (absent for a create).
    pub before: Option<serde_json::Value>,
    /// The official after the write.
    pub after: Option<serde_json::Value>,
}
