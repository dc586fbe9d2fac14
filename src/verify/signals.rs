//! Scam signals: the words of the boss gift-card scam (scam-patterns.md), in English, Hindi and
//! Hinglish. A signal is evidence that explains and warns; the verdict rests on the registry.
//!
//! Rules are regexes compiled once. They run on the [`light`](super::normalize::light) form of
//! the text, and the Devanagari in the rules goes through the same normalisation before it is
//! compiled, so "ज़रूरी" and "जरूरी", "हूँ" and "हूं" read alike. Latin word boundaries are ASCII
//! (`(?-u:\b)`) so the fast regex engines stay usable on Devanagari text.

use std::sync::LazyLock;

use regex::{Regex, RegexSet};
use serde::{Deserialize, Serialize};

use super::normalize::light;

/// A scam signal code (contract §3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SignalCode {
    /// Gift cards, Apple / Amazon / Google Play codes, vouchers.
    GiftCard,
    /// UPI, PhonePe, Paytm, bank transfer, recharges, "I'll pay you back".
    MoneyTransfer,
    /// "urgent", "ASAP", "तुरंत" (reported only next to another signal).
    Urgency,
    /// "don't tell anyone", "kisi ko mat batana".
    Secrecy,
    /// "in a meeting", "can't call", "call mat karna".
    Unavailable,
    /// "this is my new number".
    NewNumber,
    /// The number is from another country than the deployment's.
    ForeignNumber,
    /// Asks for an OTP or verification code.
    OtpRequest,
    /// A link outside government domains.
    Link,
}

impl SignalCode {
    /// The wire code, e.g. `gift_card`.
    pub fn code(&self) -> &'static str {
        match self {
            SignalCode::GiftCard => "gift_card",
            SignalCode::MoneyTransfer => "money_transfer",
            SignalCode::Urgency => "urgency",
            SignalCode::Secrecy => "secrecy",
            SignalCode::Unavailable => "unavailable",
            SignalCode::NewNumber => "new_number",
            SignalCode::ForeignNumber => "foreign_number",
            SignalCode::OtpRequest => "otp_request",
            SignalCode::Link => "link",
        }
    }
}

/// One scam signal with the words that raised it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Signal {
    /// What kind of signal.
    pub code: SignalCode,
    /// The matched words (at most about 60 characters), for the explanation.
    pub snippet: String,
}

const B: &str = r"(?-u:\b)";

fn rules_source() -> Vec<(SignalCode, String)> {
    let latin_and_hindi = |latin: &str, hindi: &str| format!(r"(?i){B}(?:{latin}){B}|{hindi}");
    vec![
        (
            SignalCode::GiftCard,
            latin_and_hindi(
                r"e-?\s?gift|gift\s?(?:cards?|codes?|vouchers?|coupons?)|apple\s+(?:gift\s+)?(?:codes?|cards?)|itunes|google\s?play\s+(?:cards?|codes?|gift\s?cards?|gift|vouchers?|recharge)|play\s?store\s+(?:cards?|codes?)|amazon\s+(?:pay\s+)?(?:gift\s?(?:cards?|codes?|vouchers?)|gift|vouchers?|cards?|codes?)|amazon\s+pay\s+(?:balance|cards?)|flipkart\s+(?:gift\s?(?:cards?|codes?|vouchers?)|gift|vouchers?|cards?|codes?)|steam\s+cards?|redeem\s+codes?|redemption\s+codes?|scratch\s+(?:it|the\s+cards?|cards?|kar)|(?:photo|pic|picture|image)\s+of\s+(?:the\s+)?cards?|card\s+(?:ki|ka)\s+(?:photo|pic)|send\s+(?:me\s+)?(?:the\s+)?codes|codes\s+(?:bhej|send|here)|vouchers?\s+(?:bhej|chahiye)",
                r"गिफ्ट|एपल\s*कोड|ऐपल\s*कोड|एप्पल\s*(?:कोड|कार्ड)|अमेज़न\s*पे|अमेज़ॉन\s*पे|वाउचर|कोड\s*(?:यहीं|यहां|यहाँ)?\s*(?:भेज|व्हाट्सएप)|रिडीम",
            ),
        ),
        (
            SignalCode::MoneyTransfer,
            latin_and_hindi(
                r"upi|phone\s?pe|paytm|g\s?pay|google\s+pay|bhim|bank\s+transfer|transfer\s+(?:rs|inr|money|the\s+money|the\s+amount|amount|funds?|\d)|send\s+(?:me\s+)?(?:rs\.?|inr|money|funds|\d[\d,]*\s*(?:rs|rupees))|(?:paise|paisa|rupaye|rupees|amount)\s+(?:bhej|transfer|daal|dal\s+do)|recharge\s+(?:kar|karo|kara|karwa|kardo|my|this|for|the|number)|mobile\s+recharge|pay\s+(?:you\s+)?back|return\s+(?:the\s+)?(?:money|amount)|refund\s+(?:you|in|by|it)|lauta\s+(?:dunga|doonga|dungi|denge)|wapas\s+(?:kar\s+)?(?:dunga|doonga|dungi|denge|de\s+dunga)|money\s+(?:back|transfer)",
                r"यूपीआई|फोनपे|फोन\s*पे|पेटीएम|गूगल\s*पे|पैसे\s*(?:भेज|ट्रांसफर|डाल)|(?:रुपये|रुपए|राशि)\s*(?:भेज|ट्रांसफर|डाल)|ट्रांसफर\s*कर|रिचार्ज|लौटा\s*(?:दूँगा|दूँगी|देंगे|दूगा)|वापस\s*कर\s*(?:दूँगा|दूँगी|देंगे)",
            ),
        ),
        (
            SignalCode::Urgency,
            latin_and_hindi(
                r"urgent|urgently|asap|immediately|right\s+now|right\s+away|abhi\s+ke\s+abhi|abhi|turant|jaldi|within\s+(?:10|15|30|ten|fifteen)\s+min(?:ute)?s?",
                r"तुरंत|तुरन्त|जल्दी|अर्जेंट|अभी|ज़रूरी",
            ),
        ),
        (
            SignalCode::Secrecy,
            latin_and_hindi(
                r"don'?t\s+tell|do\s+not\s+tell|not\s+tell\s+anyone|tell\s+no\s*one|keep\s+(?:it|this)\s+(?:confidential|secret|private|quiet|between\s+us)|between\s+(?:you\s+and\s+me|us)|confidential\s+(?:hai|rakhna|rakho)|kisi\s+ko\s+(?:mat|na|nahi|bhi\s+mat)\s+(?:batana|batao|bataye|bataiye|bolna)|kisi\s+ko\s+batana\s+(?:mat|nahi)|kisi\s+se\s+(?:mat|na)\s+(?:kehna|kahna|bolna)",
                r"किसी\s*को\s*(?:मत|न|ना|नहीं|भी\s*मत)\s*(?:बताना|बताएं|बताइए|बताएँ|बोलना|बताये)|किसी\s*को\s*बताना\s*(?:मत|नहीं)|गोपनीय\s*(?:रखें|रखना|रखिए)",
            ),
        ),
        (
            SignalCode::Unavailable,
            latin_and_hindi(
                r"in\s+a\s+meeting|(?:i\s+am|i'?m|im)\s+in\s+(?:a\s+)?(?:meeting|conference|seminar)|in\s+a\s+conference|can'?t\s+(?:talk|call|speak|take\s+(?:your\s+)?calls?|receive\s+calls?|pick)|cannot\s+(?:talk|call|speak|take\s+(?:your\s+)?calls?|receive|pick)|unable\s+to\s+(?:talk|call|speak|take)|not\s+able\s+to\s+(?:talk|call|speak|take)|(?:don'?t|do\s+not)\s+call|(?:i\s+am|i'?m|im)\s+busy|busy\s+(?:hoon|hu|hun|right\s+now)|call\s+(?:mat|na|nahi)\s+(?:karna|karo|kariye|kijiye|kar\s+sakta|kar\s+sakti|kar\s+paunga)|baat\s+nahi\s+(?:kar|ho)|meeting\s+(?:me|mein|main|mai)\s+(?:hoon|hu|hun|hoo)|meeting\s+khatam|not\s+(?:available|reachable)\s+on\s+(?:call|phone)|only\s+(?:text|whatsapp|chat)",
                r"मीटिंग\s*में\s*(?:हूँ|हु|हैं|है)|बैठक\s*में\s*(?:हूँ|हु|हैं)|कॉल\s*(?:नहीं|मत)|फोन\s*(?:नहीं|मत)|बात\s*नहीं\s*कर",
            ),
        ),
        (
            SignalCode::NewNumber,
            latin_and_hindi(
                r"(?:my|mera|meri)\s+(?:new|naya|nayaa|other|another|second|personal|alternate)\s+(?:whatsapp\s+)?(?:number|no|num|nmbr)|new\s+(?:whatsapp\s+)?(?:number|no)\s+(?:hai|he|is)|naya\s+(?:number|no|nambar)|save\s+(?:this|my|the)\s+(?:new\s+)?(?:number|no|contact)|(?:number|no)\s+save\s+(?:kar|karo|kijiye|kariye)|old\s+number\s+(?:is\s+)?(?:not\s+working|band|closed|lost)|purana\s+(?:number|no)\s+band|changed\s+my\s+number|this\s+is\s+my\s+(?:new\s+)?(?:whatsapp\s+)?number",
                r"नया\s*(?:नंबर|नम्बर)|नए\s*(?:नंबर|नम्बर)|(?:नंबर|नम्बर)\s*सेव|पुराना\s*(?:नंबर|नम्बर)\s*बंद",
            ),
        ),
        (
            SignalCode::OtpRequest,
            latin_and_hindi(
                r"otp|one\s+time\s+password|verification\s+code|\d\s*digit\s+code|sms\s+code",
                r"ओटीपी",
            ),
        ),
        (
            SignalCode::Link,
            format!(
                r"(?i)(?:https?://|www\.)[^\s]+|{B}(?:bit\.ly|tinyurl\.com|wa\.me|t\.me|goo\.gl|rb\.gy|cutt\.ly|is\.gd)/[^\s]+"
            ),
        ),
    ]
}

static RULES: LazyLock<Vec<(SignalCode, Regex)>> = LazyLock::new(|| {
    rules_source()
        .into_iter()
        .map(|(code, src)| {
            // The rules are constants of this file; the unit tests compile every one of them.
            let re = Regex::new(&light(&src)).expect("signal rules are valid regexes");
            (code, re)
        })
        .collect()
});

/// All rules in one set: one pass over the text says which rules need a closer look.
static RULE_SET: LazyLock<RegexSet> = LazyLock::new(|| {
    RegexSet::new(rules_source().into_iter().map(|(_, src)| light(&src)))
        .expect("signal rules are valid regexes")
});

/// Asking words that make an OTP mention a request.
static OTP_ASK: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&light(
        r"(?i)(?-u:\b)(?:send|share|tell|forward|give|bhej|bhejo|batao|bata|bataiye|de\s+do|dena|chahiye|need)(?-u:\b)|भेज|बता|दे\s*दो|दीजिए|चाहिए",
    ))
    .expect("the OTP ask rule is a valid regex")
});

/// Warnings that mention an OTP to protect it ("never share your OTP").
static OTP_WARNING: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&light(
        r"(?i)(?-u:\b)(?:never|do\s+not|don'?t|not\s+to|na\s+karein|mat\s+karein|share\s+na|share\s+mat)(?-u:\b)|कभी\s*न|साझा\s*न|शेयर\s*न",
    ))
    .expect("the OTP warning rule is a valid regex")
});

/// Every signal in `text` (at most one per code, the first match), urgency only next to another
/// signal (a real officer may well want a file "urgently").
pub fn find(text: &str) -> Vec<Signal> {
    let mut out = find_all(text);
    demote_lone_urgency(&mut out);
    out
}

/// Every signal in `text`, a lone urgency included: the analysis decides about it once the
/// numbers are known.
pub(crate) fn find_all(text: &str) -> Vec<Signal> {
    let text = light(text);
    let mut out: Vec<Signal> = Vec::new();
    let matched = RULE_SET.matches(&text);
    for (code, re) in matched.iter().map(|i| &RULES[i]) {
        let hit = re.find_iter(&text).find(|m| match code {
            SignalCode::OtpRequest => is_otp_request(&text, m.start(), m.end()),
            SignalCode::Link => !is_government_link(m.as_str()),
            _ => true,
        });
        if let Some(m) = hit {
            out.push(Signal {
                code: *code,
                snippet: snippet(m.as_str()),
            });
        }
    }
    out
}

/// Drop a lone urgency signal (a real officer may want a file "urgently"); next to any other
/// signal, a foreign number included, urgency is worth reporting.
pub fn demote_lone_urgency(signals: &mut Vec<Signal>) {
    if signals.iter().all(|s| s.code == SignalCode::Urgency) {
        signals.clear();
    }
}

fn is_otp_request(text: &str, start: usize, end: usize) -> bool {
    let window = |from: usize, to: usize| {
        let from = floor_char(text, from);
        let to = floor_char(text, to.min(text.len()));
        &text[from..to]
    };
    let around = window(start.saturating_sub(40), end + 40);
    let before = window(start.saturating_sub(30), start);
    let after = window(end, end + 30);
    OTP_ASK.is_match(around) && !OTP_WARNING.is_match(before) && !OTP_WARNING.is_match(after)
}

fn floor_char(text: &str, mut i: usize) -> usize {
    while i > 0 && !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

fn is_government_link(link: &str) -> bool {
    let lower = link.to_ascii_lowercase();
    let host = lower
        .trim_start_matches("https://")
        .trim_start_matches("http://")
        .split(['/', '?', '#'])
        .next()
        .unwrap_or("");
    host.ends_with(".gov.in") || host.ends_with(".nic.in") || host == "gov.in"
}

fn snippet(matched: &str) -> String {
    let trimmed = matched.trim();
    if trimmed.chars().count() <= 60 {
        return trimmed.to_string();
    }
    let mut s: String = trimmed.chars().take(59).collect();
    s.push('…');
    s
}
