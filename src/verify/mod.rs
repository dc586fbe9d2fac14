//! The verification engine: the pure core, no I/O.
//!
//! Given what a staff member sent (text, caption, contact cards, and what they sent a few minutes
//! before), decide which numbers it holds and what the registry says of each
//! ([`numbers`]), which registered officials it names or claims to be ([`claims`]), which scam
//! words it uses ([`signals`]), and turn that into one contract verdict ([`Verdict`]) and a
//! WhatsApp reply from the Fluent files in `locales/` ([`reply`]).
//!
//! An [`Analyzer`] is built once per registry version and shared via `Arc`; when the store's
//! registry version moves past [`Analyzer::registry_version`], build a new one (the automaton of
//! names is rebuilt with it). [`Analyzer::analyze`] takes data and returns data: the worker,
//! `POST /admin/check` and `asli check` all call it.
//!
//! The conversation window: a text without a number answers [`Verdict::NoNumber`] and returns a
//! [`Pending`] in [`Analysis::pending`]; the worker stores it (keyed by the staff member, with a
//! TTL of [`DEFAULT_WINDOW`] or as configured) and passes it back in [`Input::pending`] with the
//! next message of the same staff member, which then gets one combined verdict.

mod analyze;
pub mod claims;
mod normalize;
pub mod numbers;
pub mod reply;
pub mod signals;
pub mod texts;
mod titles;
mod verdict;

#[cfg(test)]
mod tests;

use std::time::Duration;

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

pub use analyze::Analyzer;
pub use claims::{ClaimKind, ClaimSource};
pub use reply::{Notice, render_notice};
pub use signals::{Signal, SignalCode};
pub use verdict::Verdict;

use crate::phone::E164;
use crate::registry::{Official, OfficialId};

/// How long a text without a number waits for the number that goes with it, unless configured.
pub const DEFAULT_WINDOW: Duration = Duration::from_secs(10 * 60);

/// The most text a [`Pending`] keeps (characters): enough for any forwarded scam message.
pub const MAX_PENDING_CHARS: usize = 4_000;

/// The language of a reply.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Language {
    /// English.
    #[default]
    En,
    /// Hindi (Devanagari).
    Hi,
}

impl Language {
    /// The wire code, `en` or `hi`.
    pub fn code(&self) -> &'static str {
        match self {
            Language::En => "en",
            Language::Hi => "hi",
        }
    }
}

/// The language a staff member asks for when the whole message is a language word ("hindi",
/// "English please", "हिंदी"); `None` for anything else.
pub fn language_command(text: &str) -> Option<Language> {
    let words = normalize::for_matching(text);
    let words: Vec<&str> = words
        .split_whitespace()
        .filter(|w| {
            !matches!(
                *w,
                "please"
                    | "pls"
                    | "plz"
                    | "in"
                    | "me"
                    | "mein"
                    | "में"
                    | "कृपया"
                    | "reply"
                    | "language"
                    | "भाषा"
            )
        })
        .collect();
    match words.as_slice() {
        ["hindi"] | ["हिंदी"] | ["हिन्दी"] | ["hin"] => Some(Language::Hi),
        ["english"] | ["इंग्लिश"] | ["अंग्रेजी"] | ["angrezi"] | ["eng"] => {
            Some(Language::En)
        }
        _ => None,
    }
}

/// A contact card the staff member shared (WhatsApp `contacts` message), in verify's own terms.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContactCard {
    /// The card's formatted name.
    pub name: Option<String>,
    /// The card's company.
    pub organization: Option<String>,
    /// The card's job title.
    pub title: Option<String>,
    /// The card's phone entries.
    pub phones: Vec<CardPhone>,
}

/// One phone entry of a contact card.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CardPhone {
    /// The number as written on the card.
    pub phone: Option<String>,
    /// WhatsApp's id for the number (digits with country code), preferred when present.
    pub wa_id: Option<String>,
}

/// What a staff member sent, as the analysis needs it.
#[derive(Debug, Clone, Copy, Default)]
pub struct Input<'a> {
    /// The text body or caption ("" when none).
    pub text: &'a str,
    /// Shared contact cards.
    pub cards: &'a [ContactCard],
    /// Whether WhatsApp marked the message as forwarded. Informational: a forwarded chat never
    /// carries its sender's number, which the verdict already handles by asking for it.
    pub forwarded: bool,
    /// The staff member's chosen language, if they chose one.
    pub language: Option<Language>,
    /// The staff member's organisation, when known: settles a bare title ("Commissioner").
    pub staff_organization: Option<&'a str>,
    /// What the same staff member sent within the window, still waiting for a number.
    pub pending: Option<&'a Pending>,
}

impl<'a> Input<'a> {
    /// An input of just a text.
    pub fn text(text: &'a str) -> Input<'a> {
        Input {
            text,
            ..Input::default()
        }
    }
}

/// What a `no_number` verdict remembers until the number arrives. The worker stores it with a
/// TTL (the window) and passes it back in [`Input::pending`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Pending {
    /// The text so far (at most [`MAX_PENDING_CHARS`]).
    pub text: String,
    /// The signals already seen.
    pub signals: Vec<Signal>,
    /// The officials already claimed.
    pub claimed: Vec<OfficialId>,
    /// The reply language used.
    pub language: Language,
    /// When it was stored.
    #[serde(with = "time::serde::rfc3339")]
    pub at: OffsetDateTime,
}

impl Pending {
    /// Whether the pending text is still within `window` at `now` (the store's TTL does the
    /// same; this guards against a store that expires late).
    pub fn is_fresh(&self, now: OffsetDateTime, window: Duration) -> bool {
        now - self.at <= window
    }
}

/// An official as a verdict names them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OfficialRef {
    /// Registry id.
    pub id: OfficialId,
    /// Full name.
    pub name: String,
    /// The post.
    pub designation: String,
    /// The office.
    pub organization: String,
}

impl From<&Official> for OfficialRef {
    fn from(o: &Official) -> OfficialRef {
        OfficialRef {
            id: o.id.clone(),
            name: o.name.clone(),
            designation: o.designation.clone(),
            organization: o.organization.clone(),
        }
    }
}

/// What the registry says of a number (the wire form of [`crate::registry::NumberStatus`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum NumberState {
    /// Vouches for its official now.
    Active,
    /// Was an official's, no longer vouches.
    Revoked,
    /// A known scam number.
    Reported,
    /// Not in the registry.
    Unknown,
}

/// One number of the input and its verdict (contract §4: `{"number","country","status","official"}`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NumberFinding {
    /// The number.
    pub number: E164,
    /// Its ISO country, when known.
    pub country: Option<String>,
    /// What the registry says.
    pub status: NumberState,
    /// The official it belongs (or belonged) to.
    pub official: Option<OfficialRef>,
    /// Whether it is from another country than the deployment's.
    #[serde(skip)]
    pub foreign: bool,
    /// Whether it came from a contact card.
    #[serde(skip)]
    pub from_card: bool,
    /// The verdict for this number alone.
    #[serde(skip)]
    pub verdict: Verdict,
}

/// A registered official the input names or claims to be.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Claim {
    /// The official.
    pub official: OfficialRef,
    /// By name or by title.
    pub matched: ClaimKind,
    /// In the text or on a contact card.
    pub source: ClaimSource,
    /// The words that named them (normalised).
    pub snippet: String,
    /// How many registered officials these words could mean (1: no doubt).
    pub candidates: usize,
    /// Whether the input presents the sender as this official (a card, "I am ...", scam words,
    /// a foreign number) rather than merely mentioning them.
    pub asserted: bool,
    /// The official's first registered number, masked (`+91•••••0001`).
    pub registered: Option<String>,
}

/// Everything the analysis found, and the reply to send.
#[derive(Debug, Clone, Serialize)]
pub struct Analysis {
    /// The one verdict.
    pub verdict: Verdict,
    /// The numbers found, with what the registry says.
    pub numbers: Vec<NumberFinding>,
    /// The officials named or claimed.
    pub claimed: Vec<Claim>,
    /// The scam signals.
    pub signals: Vec<Signal>,
    /// The reply language.
    pub language: Language,
    /// The complete WhatsApp reply.
    pub reply: String,
    /// Set when the verdict is `no_number`: what the worker stores for the window.
    #[serde(skip)]
    pub pending: Option<Pending>,
    /// Short reasons for the verdict (numbers masked), for logs and the admin check.
    pub reasons: Vec<String>,
}

impl Analysis {
    /// Whether the message held nothing to check at all ("hi", "ok"): no number, no signal, no
    /// official named. The worker answers those with [`Notice::Help`] instead of the verdict.
    pub fn nothing_to_check(&self) -> bool {
        self.verdict == Verdict::NoNumber && self.signals.is_empty() && self.claimed.is_empty()
    }
}
