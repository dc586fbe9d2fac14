//! The verdict codes of contract §3 and how one verdict is chosen per number.

use serde::{Deserialize, Serialize};

/// The one verdict a reply carries (contract §3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// An active registered number of the official claimed (or of an official, none claimed).
    Genuine,
    /// Claims a registered official; the number is not one of theirs.
    Impersonation,
    /// The number is registered to a different official than the one claimed.
    Mismatch,
    /// The number used to be an official's and no longer is.
    Revoked,
    /// A known scam number.
    Reported,
    /// Not in the registry, and nothing names a registered official.
    Unregistered,
    /// Nothing gives the sender's number.
    NoNumber,
}

impl Verdict {
    /// The wire code (`genuine`, `no_number`, ...).
    pub fn code(&self) -> &'static str {
        match self {
            Verdict::Genuine => "genuine",
            Verdict::Impersonation => "impersonation",
            Verdict::Mismatch => "mismatch",
            Verdict::Revoked => "revoked",
            Verdict::Reported => "reported",
            Verdict::Unregistered => "unregistered",
            Verdict::NoNumber => "no_number",
        }
    }

    /// The English headline word every reply's first line carries.
    pub fn headline(&self) -> &'static str {
        match self {
            Verdict::Genuine => "GENUINE",
            Verdict::Impersonation | Verdict::Mismatch => "FAKE",
            Verdict::Revoked => "RETIRED",
            Verdict::Reported => "REPORTED",
            Verdict::Unregistered => "UNVERIFIED",
            Verdict::NoNumber => "NEED NUMBER",
        }
    }

    /// How alarming the verdict is: of several numbers in one message, the worst decides.
    pub fn severity(&self) -> u8 {
        match self {
            Verdict::Genuine => 0,
            Verdict::NoNumber => 1,
            Verdict::Unregistered => 2,
            Verdict::Revoked => 3,
            Verdict::Reported => 4,
            Verdict::Impersonation => 5,
            Verdict::Mismatch => 6,
        }
    }
}

impl std::fmt::Display for Verdict {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.code())
    }
}
