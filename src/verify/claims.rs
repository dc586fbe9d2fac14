//! Who a message claims to be: registered officials found by name or by title.
//!
//! All names, titles and organisations of the registry go into one Aho-Corasick automaton, built
//! once per registry version, so matching costs grows with the text, not with the registry.
//! Patterns and text are both in [`for_matching`] form (padded with spaces), so a pattern
//! `" raj kumar "` can only match whole words, never inside "raj kumari".

use std::collections::HashMap;

use aho_corasick::{AhoCorasick, AhoCorasickKind, MatchKind};
use serde::Serialize;

use super::normalize::for_matching;
use super::titles::synonyms_for;
use crate::registry::{Official, RegistryIndex};

/// How many candidate officials a claim lists when a phrase could mean several.
pub const MAX_CANDIDATES: usize = 3;

/// Words that name a place or kind of office but no particular one: never an organisation alias.
const GENERIC_ORG_WORDS: &[&str] = &[
    "municipal",
    "district",
    "nagar",
    "zila",
    "jila",
    "office",
    "government",
    "govt",
    "state",
    "the",
    "city",
    "department",
    "नगर",
    "जिला",
    "कार्यालय",
];

/// How a claim was recognised.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ClaimKind {
    /// By one of the official's names.
    Name,
    /// By the official's post ("Commissioner", "आयुक्त").
    Title,
}

/// Where the claim was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ClaimSource {
    /// In the text, caption or the staff member's note.
    Text,
    /// On a shared contact card (name, organisation, title).
    Card,
}

/// Index entry of one automaton pattern: which officials it names, and how.
#[derive(Debug, Default)]
struct PatternInfo {
    /// Officials (registry positions, ascending) with this name or alias.
    names: Vec<u32>,
    /// Officials (ascending) with this designation, alias or built-in synonym.
    titles: Vec<u32>,
    /// Organisations (ids in `org_ids`) with this name or short name.
    orgs: Vec<u32>,
}

/// One phrase of the input that names registered officials.
#[derive(Debug, Clone)]
pub(crate) struct Hit {
    /// By name or by title.
    pub kind: ClaimKind,
    /// Text or card.
    pub source: ClaimSource,
    /// The matched words, normalised.
    pub snippet: String,
    /// The officials meant, narrowed by organisation when possible (ascending, at most
    /// [`MAX_CANDIDATES`]).
    pub resolved: Vec<u32>,
    /// How many officials the phrase means after narrowing.
    pub total: usize,
    /// Whether the text presents the sender as this person ("I am ...", "... here"), rather than
    /// only mentioning them.
    pub self_claim: bool,
    pattern: u32,
}

/// The name, title and organisation matcher for one registry version.
#[derive(Debug)]
pub(crate) struct ClaimMatcher {
    ac: Option<AhoCorasick>,
    patterns: Vec<PatternInfo>,
    by_id: HashMap<String, u32>,
    org_ids: HashMap<String, u32>,
    by_title_org: HashMap<(u32, u32), Vec<u32>>,
    by_name_org: HashMap<(u32, u32), Vec<u32>>,
}

impl ClaimMatcher {
    /// Build the automaton and side tables for every official of `index`.
    pub fn new(index: &RegistryIndex) -> ClaimMatcher {
        let mut texts: Vec<String> = Vec::new();
        let mut pattern_of: HashMap<String, u32> = HashMap::new();
        let mut patterns: Vec<PatternInfo> = Vec::new();
        let mut intern = |text: String, patterns: &mut Vec<PatternInfo>| -> Option<u32> {
            if text.trim().chars().count() < 2 {
                return None;
            }
            Some(*pattern_of.entry(text.clone()).or_insert_with(|| {
                texts.push(text);
                patterns.push(PatternInfo::default());
                (patterns.len() - 1) as u32
            }))
        };
        let mut org_ids: HashMap<String, u32> = HashMap::new();
        let mut by_id = HashMap::with_capacity(index.officials().len());
        let mut by_title_org: HashMap<(u32, u32), Vec<u32>> = HashMap::new();
        let mut by_name_org: HashMap<(u32, u32), Vec<u32>> = HashMap::new();
        let mut title_cache: HashMap<(&str, &[String]), Vec<String>> = HashMap::new();
        for (i, o) in index.officials().iter().enumerate() {
            let i = i as u32;
            by_id.insert(o.id.as_str().to_string(), i);
            let org_norm = for_matching(&o.organization);
            let next_org = org_ids.len() as u32;
            let org = *org_ids.entry(org_norm.clone()).or_insert(next_org);
            if org == next_org {
                for text in org_patterns(&org_norm) {
                    if let Some(p) = intern(text, &mut patterns) {
                        push_unique(&mut patterns[p as usize].orgs, org);
                    }
                }
            }
            for name in std::iter::once(&o.name).chain(&o.aliases) {
                if let Some(p) = intern(for_matching(name), &mut patterns) {
                    push_unique(&mut patterns[p as usize].names, i);
                    push_unique(by_name_org.entry((p, org)).or_default(), i);
                }
            }
            // Thousands of officials share a designation: work its synonyms out once.
            let key = (o.designation.as_str(), o.designation_aliases.as_slice());
            let titles = title_cache.entry(key).or_insert_with(|| title_patterns(o));
            for title in titles.iter().cloned() {
                if let Some(p) = intern(title, &mut patterns) {
                    push_unique(&mut patterns[p as usize].titles, i);
                    push_unique(by_title_org.entry((p, org)).or_default(), i);
                }
            }
        }
        // A contiguous NFA stays compact with hundreds of thousands of patterns; a DFA would not.
        let ac = (!texts.is_empty())
            .then(|| {
                AhoCorasick::builder()
                    .match_kind(MatchKind::Standard)
                    .kind(Some(AhoCorasickKind::ContiguousNFA))
                    .build(&texts)
                    .ok()
            })
            .flatten();
        ClaimMatcher {
            ac,
            patterns,
            by_id,
            org_ids,
            by_title_org,
            by_name_org,
        }
    }

    /// The registry position of an official.
    pub fn position(&self, official: &Official) -> Option<u32> {
        self.by_id.get(official.id.as_str()).copied()
    }

    /// Whether `hit` could mean the official at registry position `pos` (by the same name or
    /// title, whatever organisation the text narrowed it to).
    pub fn covers(&self, hit: &Hit, pos: u32) -> bool {
        let info = &self.patterns[hit.pattern as usize];
        let list = match hit.kind {
            ClaimKind::Name => &info.names,
            ClaimKind::Title => &info.titles,
        };
        list.binary_search(&pos).is_ok()
    }

    /// The claims in `text` (from `source`), narrowed to the organisations the input mentions,
    /// else to `staff_org`.
    pub fn find(&self, parts: &[(&str, ClaimSource)], staff_org: Option<&str>) -> Vec<Hit> {
        let Some(ac) = &self.ac else {
            return Vec::new();
        };
        struct Raw {
            pattern: u32,
            source: ClaimSource,
            start: usize,
            end: usize,
            part: usize,
        }
        let normed: Vec<String> = parts.iter().map(|(t, _)| for_matching(t)).collect();
        let mut raw: Vec<Raw> = Vec::new();
        let mut orgs_in_scope: Vec<u32> = Vec::new();
        for (k, norm) in normed.iter().enumerate() {
            for m in ac.find_overlapping_iter(norm.as_str()) {
                let info = &self.patterns[m.pattern().as_usize()];
                for &org in &info.orgs {
                    push_unique(&mut orgs_in_scope, org);
                }
                if !info.names.is_empty() || !info.titles.is_empty() {
                    raw.push(Raw {
                        pattern: m.pattern().as_u32(),
                        source: parts[k].1,
                        start: m.start(),
                        end: m.end(),
                        part: k,
                    });
                }
            }
        }
        if orgs_in_scope.is_empty()
            && let Some(org) = staff_org.and_then(|s| self.org_ids.get(&for_matching(s)))
        {
            orgs_in_scope.push(*org);
        }
        // "municipal commissioner" also contains "commissioner": keep the longer phrase only.
        let inside = inside_longer(
            &raw.iter()
                .map(|r| (r.part, r.start, r.end))
                .collect::<Vec<_>>(),
        );
        let keep: Vec<&Raw> = raw
            .iter()
            .zip(inside)
            .filter_map(|(r, inside)| (!inside).then_some(r))
            .collect();
        let mut hits = Vec::new();
        for r in keep {
            let info = &self.patterns[r.pattern as usize];
            let norm = &normed[r.part];
            let snippet = norm[r.start..r.end].trim().to_string();
            let self_claim = is_self_claim(&norm[..r.start + 1], &norm[r.end - 1..]);
            let qualified = is_qualified(&norm[..r.start + 1]);
            for (kind, list, table) in [
                (ClaimKind::Name, &info.names, &self.by_name_org),
                (ClaimKind::Title, &info.titles, &self.by_title_org),
            ] {
                // "Deputy Collector" is another post than "Collector".
                if list.is_empty() || (kind == ClaimKind::Title && qualified) {
                    continue;
                }
                // Narrow to the organisations in scope; keep only a few candidates (the count
                // says how many), so a title shared by thousands costs no more than a name.
                let mut resolved: Vec<u32> = Vec::new();
                let mut total = 0;
                for list in orgs_in_scope
                    .iter()
                    .filter_map(|&org| table.get(&(r.pattern, org)))
                {
                    total += list.len();
                    resolved.extend(list.iter().take(MAX_CANDIDATES));
                }
                resolved.sort_unstable();
                resolved.truncate(MAX_CANDIDATES);
                if resolved.is_empty() {
                    total = list.len();
                    resolved.extend(list.iter().take(MAX_CANDIDATES));
                }
                hits.push(Hit {
                    kind,
                    source: r.source,
                    snippet: snippet.clone(),
                    resolved,
                    total,
                    self_claim,
                    pattern: r.pattern,
                });
            }
        }
        // A title that a named official carries adds nothing: "Commissioner Arvind Mehta".
        let mut named: Vec<u32> = hits
            .iter()
            .filter(|h| h.kind == ClaimKind::Name && h.total == 1)
            .map(|h| h.resolved[0])
            .collect();
        named.sort_unstable();
        named.dedup();
        hits.retain(|h| h.kind == ClaimKind::Name || !named.iter().any(|&n| self.covers(h, n)));
        hits
    }
}

/// For each `(part, start, end)` match, whether a longer match of the same part contains it.
/// Sorted by start (longest first on a tie) and swept once, so a text that repeats a title
/// thousands of times costs `n log n`, not `n²`.
fn inside_longer(spans: &[(usize, usize, usize)]) -> Vec<bool> {
    let mut order: Vec<usize> = (0..spans.len()).collect();
    order.sort_unstable_by_key(|&k| {
        let (part, start, end) = spans[k];
        (part, start, std::cmp::Reverse(end))
    });
    let mut inside = vec![false; spans.len()];
    // Over the matches of this part that start before the current start: the furthest end.
    let mut reach_before = 0;
    // The current start, and the furthest end of the matches starting there.
    let mut current: Option<(usize, usize, usize)> = None;
    for k in order {
        let (part, start, end) = spans[k];
        match current {
            Some((p, s, group_end)) if p == part && s == start => {
                inside[k] = reach_before >= end || group_end > end;
            }
            Some((p, _, group_end)) if p == part => {
                reach_before = reach_before.max(group_end);
                inside[k] = reach_before >= end;
                current = Some((part, start, end));
            }
            _ => {
                reach_before = 0;
                current = Some((part, start, end));
            }
        }
    }
    inside
}

/// Whether the words around a claim present the sender as that person.
fn is_self_claim(before: &str, after: &str) -> bool {
    const BEFORE: &[&str] = &[
        " i am ",
        " i m ",
        " im ",
        " this is ",
        " its ",
        " it is ",
        " main ",
        " mai ",
        " मैं ",
        " from ",
        " regards ",
        " yours ",
        " thanks ",
        " hoon ",
        " hun ",
    ];
    const AFTER: &[&str] = &[
        " here ",
        " speaking ",
        " this side ",
        " bol raha ",
        " bol rahi ",
        " बोल रहा ",
        " बोल रही ",
        " हूं ",
        " hoon ",
        " hu ",
        " hun ",
    ];
    BEFORE.iter().any(|w| before.ends_with(w))
        || AFTER.iter().any(|w| after.starts_with(w))
        || after.trim().is_empty()
}

/// Whether the word before a title makes it a lesser post ("deputy", "assistant", "उप").
fn is_qualified(before: &str) -> bool {
    const QUALIFIERS: &[&str] = &[
        " deputy ",
        " dy ",
        " additional ",
        " addl ",
        " assistant ",
        " asst ",
        " joint ",
        " sub ",
        " vice ",
        " upa ",
        " up ",
        " उप ",
        " सहायक ",
        " अपर ",
        " संयुक्त ",
    ];
    QUALIFIERS.iter().any(|q| before.ends_with(q))
}

fn push_unique(list: &mut Vec<u32>, v: u32) {
    if list.last() != Some(&v) && !list.contains(&v) {
        list.push(v);
    }
}

/// The organisation's full name and, when distinctive, its first word ("dewas").
fn org_patterns(org_norm: &str) -> Vec<String> {
    let mut out = Vec::new();
    if org_norm.trim().is_empty() {
        return out;
    }
    out.push(org_norm.to_string());
    let words: Vec<&str> = org_norm.split_whitespace().collect();
    if words.len() >= 2 && words[0].chars().count() >= 4 && !GENERIC_ORG_WORDS.contains(&words[0]) {
        out.push(format!(" {} ", words[0]));
    }
    out
}

/// The official's designation, its aliases and the built-in synonyms, in matching form.
fn title_patterns(o: &Official) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for t in std::iter::once(&o.designation).chain(&o.designation_aliases) {
        let norm = for_matching(t);
        if !norm.trim().is_empty() && !out.contains(&norm) {
            out.push(norm);
        }
        for s in synonyms_for(t) {
            let s = format!(" {s} ");
            if !out.contains(&s) {
                out.push(s);
            }
        }
    }
    out
}

#[cfg(test)]
mod sweep_tests {
    use super::inside_longer;

    #[test]
    fn a_match_inside_a_longer_one_of_the_same_part_is_dropped_and_no_other() {
        // (part, start, end): "municipal commissioner" 0..22 holds "commissioner" 10..22;
        // the same span twice (two patterns) keeps both; another part is separate.
        let spans = [
            (0, 10, 22),
            (0, 0, 22),
            (0, 0, 22),
            (1, 10, 22),
            (0, 30, 40),
            (0, 5, 12),
        ];
        assert_eq!(
            inside_longer(&spans),
            [true, false, false, false, false, true]
        );
    }

    #[test]
    fn the_sweep_agrees_with_comparing_every_pair() {
        let mut spans = Vec::new();
        for part in 0..2 {
            for start in 0..12 {
                for len in 1..5 {
                    if (start * 7 + len * 3 + part) % 4 != 0 {
                        spans.push((part, start, start + len));
                    }
                }
            }
        }
        let pairwise: Vec<bool> = spans
            .iter()
            .map(|r| {
                spans
                    .iter()
                    .any(|o| o.0 == r.0 && o.1 <= r.1 && r.2 <= o.2 && (o.2 - o.1) > (r.2 - r.1))
            })
            .collect();
        assert_eq!(inside_longer(&spans), pairwise);
    }
}
