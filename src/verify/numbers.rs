//! Finding phone numbers in what a staff member sent: free text, captions, contact cards.
//!
//! Free text is full of digits that are not phone numbers: amounts ("Rs 10,000"), dates, times,
//! order ids, OTPs. We find runs of digits and separators, cut them into whitespace groups, try
//! the longest run of groups that `phonenumber` accepts, and reject runs whose neighbourhood says
//! "money", "order", "code" or whose shape is a date.

use super::ContactCard;
use crate::phone::{E164, Region};

/// The most numbers we look at in one message: a verdict per number must still fit one reply.
pub const MAX_NUMBERS: usize = 5;

/// Parse attempts per run of digits: a real number needs one to three (longest first), so a
/// run of junk digits ("1 2 3 4 5 6 ...", a list of gift-card codes) spends its own budget and
/// cannot use up the attempts of a number written after it.
const MAX_ATTEMPTS_PER_SPAN: usize = 12;

/// Parse attempts per message (about 7 ms of parsing at worst): bounds the work on a long text
/// made of digits. Hiding a number behind junk takes more than 80 runs of junk digits before it.
const MAX_ATTEMPTS: usize = 1024;

/// The longest written form a number may take (bytes): 15 digits in Devanagari (3 bytes
/// each), a `+` and separators.
const MAX_WRITTEN_BYTES: usize = 64;

/// Where a number came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// A shared contact card.
    Card,
    /// The text or caption.
    Text,
}

/// A number found in the input, as parsed and as written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    /// The number.
    pub number: E164,
    /// Where it came from.
    pub source: Source,
    /// How it was written (for explanations).
    pub written: String,
}

/// Words that, right before a run of digits, say it is not a phone number.
const NOT_PHONE_BEFORE: &[&str] = &[
    "rs",
    "inr",
    "rupees",
    "rupaye",
    "rupay",
    "₹",
    "रु",
    "रू",
    "रुपये",
    "रुपए",
    "order",
    "ref",
    "reference",
    "txn",
    "transaction",
    "invoice",
    "awb",
    "tracking",
    "pnr",
    "utr",
    "otp",
    "code",
    "pin",
    "account",
    "acct",
    "ac",
    "a/c",
    "aadhaar",
    "aadhar",
    "id",
    "amount",
    "amt",
    "ifsc",
    "challan",
    "receipt",
    "voucher",
    "ओटीपी",
    "कोड",
    "राशि",
];

/// Words that, right after a run of digits, say it is an amount or a quantity.
const NOT_PHONE_AFTER: &[&str] = &[
    "rs",
    "rupees",
    "rupaye",
    "inr",
    "/-",
    "₹",
    "lakh",
    "lakhs",
    "crore",
    "rupee",
    "रुपये",
    "रुपए",
    "रु",
    "हजार",
    "लाख",
    "करोड़",
    "करोड",
    "hazar",
    "hazaar",
    "thousand",
];

/// Numbers on the contact cards (a card's `wa_id` is preferred over its free-form `phone`),
/// then numbers in the text; each number once, at most [`MAX_NUMBERS`].
pub fn extract(text: &str, cards: &[ContactCard], home: Region) -> Vec<Found> {
    let mut found: Vec<Found> = Vec::new();
    let push = |f: Found, found: &mut Vec<Found>| {
        if found.len() < MAX_NUMBERS && !found.iter().any(|g| g.number == f.number) {
            found.push(f);
        }
    };
    for card in cards {
        for phone in &card.phones {
            let from_wa_id = phone
                .wa_id
                .as_deref()
                .and_then(|w| E164::from_wa_id(w.trim()).ok());
            // A card's phone is free text ("+94 71 234 5678 (WhatsApp)"): read it whole, else
            // look for a number inside it.
            let parsed = from_wa_id.or_else(|| {
                phone.phone.as_deref().and_then(|p| {
                    E164::parse(p, home)
                        .ok()
                        .or_else(|| in_text(p, home).into_iter().next().map(|f| f.number))
                })
            });
            if let Some(number) = parsed {
                let written = phone.phone.clone().unwrap_or_else(|| number.masked());
                push(
                    Found {
                        number,
                        source: Source::Card,
                        written,
                    },
                    &mut found,
                );
            }
        }
    }
    for f in in_text(text, home) {
        push(f, &mut found);
    }
    found
}

/// Phone numbers written in free text, in order of appearance.
pub fn in_text(text: &str, home: Region) -> Vec<Found> {
    let mut out = Vec::new();
    let mut attempts = 0;
    for (start, end) in spans(text) {
        if out.len() >= MAX_NUMBERS || attempts >= MAX_ATTEMPTS {
            break;
        }
        let span = &text[start..end];
        // The context rule reads a few words either side: looking further would make every
        // run scan the whole line, quadratic on a long line of runs.
        if rejected_by_context(tail(&text[..start], 128), head(&text[end..], 64)) {
            continue;
        }
        let groups = groups(span);
        let span_budget = (attempts + MAX_ATTEMPTS_PER_SPAN).min(MAX_ATTEMPTS);
        let mut i = 0;
        while i < groups.len() && attempts < span_budget && out.len() < MAX_NUMBERS {
            // The groups that may form one number: up to 15 digits, never across a `+`.
            let mut ends: Vec<usize> = Vec::new();
            let mut digits = 0;
            for (j, group) in groups.iter().enumerate().skip(i) {
                // No written number is this long; groups without digits ("12345 - - - 6")
                // must not make every start scan the rest of the run.
                if group.0 - groups[i].0 > MAX_WRITTEN_BYTES {
                    break;
                }
                // `+` always starts another number; `00` only once the digits so far make a
                // whole national number: "+91 70000 00101" is one number, "98260 12345 0044
                // 7911 123456" two.
                let plus = group.1.trim_start_matches('(').starts_with('+');
                if j > i && starts_international(group.1) && (plus || digits >= 10) {
                    break;
                }
                digits += digit_count(group.1);
                if digits > 15 {
                    break;
                }
                if digits >= 7 {
                    ends.push(j);
                }
            }
            // Longest first: the whole "+91 70000 00001" is usually the answer, in one parse.
            let mut best: Option<(usize, E164)> = None;
            for &j in ends.iter().rev() {
                let written = &span[groups[i].0..groups[j].0 + groups[j].1.len()];
                if looks_like_date(written) || attempts >= span_budget {
                    continue;
                }
                attempts += 1;
                if let Ok(n) = E164::parse(written, home) {
                    best = Some((j, n));
                    break;
                }
            }
            match best {
                Some((j, number)) => {
                    let written = span[groups[i].0..groups[j].0 + groups[j].1.len()].to_string();
                    if !out.iter().any(|f: &Found| f.number == number) {
                        out.push(Found {
                            number,
                            source: Source::Text,
                            written,
                        });
                    }
                    i = j + 1;
                }
                None => i += 1,
            }
        }
    }
    out
}

/// At most the last `max` bytes of `s`, cut on a character boundary.
fn tail(s: &str, max: usize) -> &str {
    let mut at = s.len().saturating_sub(max);
    while !s.is_char_boundary(at) {
        at += 1;
    }
    &s[at..]
}

/// At most the first `max` bytes of `s`, cut on a character boundary.
fn head(s: &str, max: usize) -> &str {
    let mut at = max.min(s.len());
    while !s.is_char_boundary(at) {
        at -= 1;
    }
    &s[..at]
}

fn is_digit(c: char) -> bool {
    c.is_ascii_digit() || ('०'..='९').contains(&c)
}

fn is_inner(c: char) -> bool {
    is_digit(c)
        || matches!(
            c,
            ' ' | '-' | '.' | '(' | ')' | '\u{a0}' | '\u{2011}' | '\u{2013}'
        )
}

fn digit_count(s: &str) -> usize {
    s.chars().filter(|&c| is_digit(c)).count()
}

fn starts_international(group: &str) -> bool {
    let g = group.trim_start_matches('(');
    g.starts_with('+')
        || (g.starts_with("00") && g[2..].starts_with(|c: char| ('1'..='9').contains(&c)))
}

/// Byte ranges of candidate runs: an optional `+` or `(`, then digits and separators, trimmed of
/// trailing separators; a run glued to a Latin letter (`ABC1234567890`, `10000rs`) is no number.
fn spans(text: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut chars = text.char_indices().peekable();
    let mut prev: Option<char> = None;
    while let Some((i, c)) = chars.next() {
        let opens = is_digit(c)
            || ((c == '+' || c == '(')
                && chars.peek().is_some_and(|&(_, n)| is_digit(n) || n == '+'));
        if !opens || prev.is_some_and(|p| p.is_ascii_alphanumeric() || p == '+') {
            prev = Some(c);
            continue;
        }
        let mut end = i + c.len_utf8();
        let mut last = c;
        while let Some(&(j, d)) = chars.peek() {
            if !(is_inner(d) || (d == '+' && matches!(last, ' ' | '('))) {
                break;
            }
            last = d;
            end = j + d.len_utf8();
            chars.next();
        }
        let trimmed = text[i..end].trim_end_matches(|ch: char| !is_digit(ch) && ch != ')');
        let trimmed_end = i + trimmed.len();
        let glued = text[trimmed_end..]
            .chars()
            .next()
            .is_some_and(|n| n.is_ascii_alphabetic());
        if digit_count(trimmed) >= 6 && !glued {
            out.push((i, trimmed_end));
        }
        prev = Some(last);
    }
    out
}

/// Whitespace-separated groups of a span with their byte offsets.
fn groups(span: &str) -> Vec<(usize, &str)> {
    let mut out = Vec::new();
    let mut start = None;
    for (i, c) in span.char_indices() {
        let space = c == ' ' || c == '\u{a0}';
        match (space, start) {
            (false, None) => start = Some(i),
            (true, Some(s)) => {
                out.push((s, &span[s..i]));
                start = None;
            }
            _ => {}
        }
    }
    if let Some(s) = start {
        out.push((s, &span[s..]));
    }
    out
}

/// `12-03-2024`, `2024.03.12`, `12.3.24`: three parts that read as a day, a month and a year.
fn looks_like_date(written: &str) -> bool {
    let parts: Vec<&str> = written
        .split(['-', '.', '/'])
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .collect();
    if parts.len() != 3 || parts.iter().any(|p| !p.chars().all(is_digit)) {
        return false;
    }
    let lens: Vec<usize> = parts.iter().map(|p| p.chars().count()).collect();
    matches!(lens.as_slice(), [1 | 2, 1 | 2, 2 | 4] | [4, 1 | 2, 1 | 2])
}

/// Whether the words around a run say it is money, an order, a code or an id.
fn rejected_by_context(before: &str, after: &str) -> bool {
    // Context ends at a line break: "send the codes\n+91 70000 00001" is a number on its own
    // line, and a remembered text joined to the next message is joined by a line break.
    let before = before.rsplit('\n').next().unwrap_or(before).trim_end();
    let after = after.split('\n').next().unwrap_or(after);
    if before.ends_with('#') || before.ends_with('₹') {
        return true;
    }
    let lower_before: String = before
        .chars()
        .rev()
        .take(32)
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect::<String>()
        .to_lowercase();
    let words: Vec<&str> = lower_before
        .split(|c: char| c.is_whitespace() || c == ':' || c == '#' || c == ',')
        .filter(|w| !w.is_empty())
        .collect();
    let last_two = words.iter().rev().take(2);
    for w in last_two {
        let w = w.trim_end_matches(['.', '-']);
        if NOT_PHONE_BEFORE.contains(&w) || NOT_PHONE_BEFORE.contains(&format!("{w}.").as_str()) {
            return true;
        }
    }
    let lower_after: String = after.chars().take(16).collect::<String>().to_lowercase();
    let next = lower_after
        .split(|c: char| c.is_whitespace() || c == ',')
        .find(|w| !w.is_empty())
        .unwrap_or("");
    let next = next.trim_end_matches(['.', ',', '!']);
    NOT_PHONE_AFTER.contains(&next) || lower_after.starts_with("/-")
}
