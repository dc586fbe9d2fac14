//! [`Analyzer`]: numbers + claims + signals → one verdict, reasons and a reply.

use std::sync::Arc;
use std::time::Duration;

use time::OffsetDateTime;

use super::claims::{ClaimMatcher, ClaimSource, Hit, MAX_CANDIDATES};
use super::normalize::has_devanagari;
use super::signals::{self, Signal, SignalCode};
use super::{
    Analysis, Claim, DEFAULT_WINDOW, Input, Language, MAX_PENDING_CHARS, NumberFinding,
    NumberState, OfficialRef, Pending, Verdict, numbers, reply,
};
use crate::phone::{E164, Region};
use crate::registry::{NumberStatus, Official, RegistryIndex};

/// The analysis engine for one registry version. Cheap to share (`Arc`), immutable, no I/O.
#[derive(Debug)]
pub struct Analyzer {
    index: Arc<RegistryIndex>,
    home: Region,
    matcher: ClaimMatcher,
    window: Duration,
}

impl Analyzer {
    /// Build the name automaton and tables for `index`; numbers without a country code are read
    /// as `home` numbers, and numbers of other countries are foreign.
    pub fn new(index: Arc<RegistryIndex>, home: Region) -> Analyzer {
        let matcher = ClaimMatcher::new(&index);
        Analyzer {
            index,
            home,
            matcher,
            window: DEFAULT_WINDOW,
        }
    }

    /// The same analyzer with the conversation window the deployment configured (the
    /// `no_number` reply tells the staff member how many minutes they have).
    pub fn with_window(mut self, window: Duration) -> Analyzer {
        self.window = window;
        self
    }

    /// The registry version this analyzer was built from: rebuild when the store's moves on.
    pub fn registry_version(&self) -> u64 {
        self.index.version()
    }

    /// The registry this analyzer reads.
    pub fn index(&self) -> &RegistryIndex {
        &self.index
    }

    /// Analyse one input at `now` (which decides whether a number is still in office).
    pub fn analyze(&self, input: &Input<'_>, now: OffsetDateTime) -> Analysis {
        let language = choose_language(input);
        let text: String = match input.pending {
            Some(p) if !p.text.is_empty() => format!("{}\n{}", p.text, input.text),
            _ => input.text.to_string(),
        };

        let found = numbers::extract(&text, input.cards, self.home);
        let mut signals = signals::find_all(&text);
        let mut numbers: Vec<NumberFinding> = Vec::with_capacity(found.len());
        let mut statuses = Vec::with_capacity(found.len());
        for f in found {
            let status = self.index.lookup(&f.number, now);
            let (region, calling_code) = region_and_code(&f.number);
            let foreign = region != Some(self.home);
            if foreign && !signals.iter().any(|s| s.code == SignalCode::ForeignNumber) {
                let country = region.map(|r| r.code().to_string()).unwrap_or_default();
                signals.push(Signal {
                    code: SignalCode::ForeignNumber,
                    snippet: format!("+{calling_code} {country}").trim().to_string(),
                });
            }
            numbers.push(NumberFinding {
                number: f.number,
                country: region.map(|r| r.code().to_string()),
                status: state_of(&status),
                official: status.official().map(OfficialRef::from),
                foreign,
                from_card: f.source == numbers::Source::Card,
                verdict: Verdict::Unregistered,
            });
            statuses.push(status);
        }
        if let Some(p) = input.pending {
            for s in &p.signals {
                if !signals.iter().any(|t| t.code == s.code) {
                    signals.push(s.clone());
                }
            }
        }
        signals::demote_lone_urgency(&mut signals);
        signals.sort_by_key(|s| s.code);

        let card_texts: Vec<String> = input
            .cards
            .iter()
            .map(|c| {
                [&c.name, &c.title, &c.organization]
                    .into_iter()
                    .flatten()
                    .map(String::as_str)
                    .collect::<Vec<_>>()
                    .join(" , ")
            })
            .collect();
        let mut parts: Vec<(&str, ClaimSource)> = vec![(text.as_str(), ClaimSource::Text)];
        parts.extend(card_texts.iter().map(|t| (t.as_str(), ClaimSource::Card)));
        let hits = self.matcher.find(&parts, input.staff_organization);

        // Scam words or a foreign number turn a mention into a claim: "Commissioner sahab here,
        // send Apple codes" from +94 is someone presenting as the Commissioner.
        let pressure = numbers.iter().any(|n| n.foreign)
            || signals
                .iter()
                .any(|s| !matches!(s.code, SignalCode::Urgency | SignalCode::Link));
        let asserted: Vec<&Hit> = hits
            .iter()
            .filter(|h| h.source == ClaimSource::Card || h.self_claim || pressure)
            .collect();

        let mut reasons = Vec::new();
        for (finding, status) in numbers.iter_mut().zip(&statuses) {
            finding.verdict = self.number_verdict(finding, status, &asserted, &mut reasons);
        }
        let verdict = numbers
            .iter()
            .map(|n| n.verdict)
            .max_by_key(Verdict::severity)
            .unwrap_or(Verdict::NoNumber);

        let claimed = self.claims(&hits, &asserted);
        if verdict == Verdict::NoNumber {
            reasons.push("no phone number in the text or on a contact card".to_string());
        }
        let pending = (verdict == Verdict::NoNumber).then(|| Pending {
            text: text.chars().take(MAX_PENDING_CHARS).collect(),
            signals: signals.clone(),
            claimed: claimed.iter().map(|c| c.official.id.clone()).collect(),
            language,
            at: now,
        });
        let reply =
            reply::render_verdict(verdict, &numbers, &claimed, &signals, language, self.window);
        Analysis {
            verdict,
            numbers,
            claimed,
            signals,
            language,
            reply,
            pending,
            reasons,
        }
    }

    fn number_verdict(
        &self,
        finding: &NumberFinding,
        status: &NumberStatus<'_>,
        asserted: &[&Hit],
        reasons: &mut Vec<String>,
    ) -> Verdict {
        let masked = finding.number.masked();
        let covers = |o: &Official| {
            self.matcher
                .position(o)
                .is_some_and(|pos| asserted.iter().any(|h| self.matcher.covers(h, pos)))
        };
        let claimed_names = || self.claimed_names(asserted);
        match status {
            NumberStatus::Reported => {
                reasons.push(format!("number {masked} is reported as a scam number"));
                Verdict::Reported
            }
            NumberStatus::Active(o) | NumberStatus::Revoked(o)
                if !asserted.is_empty() && !covers(o) =>
            {
                reasons.push(format!(
                    "number {masked} belongs to {}, not to {}",
                    o.name,
                    claimed_names()
                ));
                Verdict::Mismatch
            }
            NumberStatus::Active(o) => {
                reasons.push(format!("number {masked} is an active number of {}", o.name));
                Verdict::Genuine
            }
            NumberStatus::Revoked(o) => {
                reasons.push(format!("number {masked} no longer vouches for {}", o.name));
                Verdict::Revoked
            }
            NumberStatus::Unknown if !asserted.is_empty() => {
                reasons.push(format!(
                    "number {masked} is not one of {}'s numbers",
                    claimed_names()
                ));
                Verdict::Impersonation
            }
            NumberStatus::Unknown => {
                reasons.push(format!("number {masked} is not in the registry"));
                Verdict::Unregistered
            }
        }
    }

    /// "Arvind Mehta" or "commissioner": who the asserted claims are about, for reasons.
    fn claimed_names(&self, asserted: &[&Hit]) -> String {
        let names: Vec<String> = asserted
            .iter()
            .map(|h| match h.resolved.as_slice() {
                [one] if h.total == 1 => self.index.officials()[*one as usize].name.clone(),
                _ => h.snippet.clone(),
            })
            .collect();
        names.join(" / ")
    }

    /// The public claims: asserted first, each official once, at most [`MAX_CANDIDATES`] per
    /// phrase.
    fn claims(&self, hits: &[Hit], asserted: &[&Hit]) -> Vec<Claim> {
        let mut out: Vec<Claim> = Vec::new();
        // `asserted` is a subsequence of `hits`: walk both once (a text repeating a name
        // thousands of times must not cost thousands squared).
        let mut next = 0;
        let is_asserted: Vec<bool> = hits
            .iter()
            .map(|h| {
                let yes = asserted.get(next).is_some_and(|a| std::ptr::eq(*a, h));
                next += usize::from(yes);
                yes
            })
            .collect();
        let ordered = hits
            .iter()
            .zip(&is_asserted)
            .filter(|(_, a)| **a)
            .chain(hits.iter().zip(&is_asserted).filter(|(_, a)| !**a))
            .map(|(h, a)| (h, *a));
        let mut seen = std::collections::HashSet::new();
        for (hit, is_asserted) in ordered {
            for &pos in hit.resolved.iter().take(MAX_CANDIDATES) {
                let o = &self.index.officials()[pos as usize];
                if !seen.insert(pos) {
                    continue;
                }
                out.push(Claim {
                    official: OfficialRef::from(o),
                    matched: hit.kind,
                    source: hit.source,
                    snippet: hit.snippet.clone(),
                    candidates: hit.total,
                    asserted: is_asserted,
                    registered: o.phones.first().map(|p| p.number.masked()),
                });
            }
        }
        out
    }
}

/// The number's region and calling code. Most calling codes belong to one region, which the
/// metadata table answers without parsing (parsing dominates the analysis); shared codes (+1,
/// +44, +7) need the full parse to tell, say, Canada from the United States.
fn region_and_code(number: &E164) -> (Option<Region>, u16) {
    let digits = number.digits();
    for len in 1..=digits.len().min(3) {
        let Ok(code) = digits[..len].parse::<u16>() else {
            break;
        };
        if let Some(regions) = phonenumber::metadata::DATABASE.by_code(&code) {
            if let [only] = regions.as_slice() {
                return (Region::parse(only.id()).ok(), code);
            }
            break;
        }
    }
    match phonenumber::parse(None, number.as_str()) {
        Ok(n) => (
            n.country()
                .id()
                .and_then(|id| Region::parse(id.as_ref()).ok()),
            n.code().value(),
        ),
        Err(_) => (None, 0),
    }
}

fn state_of(status: &NumberStatus<'_>) -> NumberState {
    match status {
        NumberStatus::Active(_) => NumberState::Active,
        NumberStatus::Revoked(_) => NumberState::Revoked,
        NumberStatus::Reported => NumberState::Reported,
        NumberStatus::Unknown => NumberState::Unknown,
    }
}

/// The staff member's choice, else the script of what they wrote, else the pending text's.
fn choose_language(input: &Input<'_>) -> Language {
    if let Some(l) = input.language {
        return l;
    }
    if has_devanagari(input.text) {
        return Language::Hi;
    }
    if input.text.chars().any(|c| c.is_ascii_alphabetic()) {
        return Language::En;
    }
    input.pending.map(|p| p.language).unwrap_or_default()
}
