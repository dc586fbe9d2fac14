//! Text normalisation shared by claim matching and signal rules.
//!
//! People write the same name in many ways: "Arvind Mehta ji", "ARVIND MEHTA SIR", "अरविंद मेहता
//! जी", with or without a nukta (ज़ / ज), with a chandrabindu or an anusvara (हूँ / हूं). Both the
//! registry patterns and the message go through the same functions, so they meet in the middle.

use unicode_normalization::UnicodeNormalization;

/// Words of respect that never change who is meant: dropped before matching names.
const HONORIFICS: &[&str] = &[
    "ji",
    "jee",
    "sir",
    "sahab",
    "saheb",
    "sahib",
    "shri",
    "sri",
    "shree",
    "smt",
    "mr",
    "mrs",
    "ms",
    "madam",
    "maam",
    "dr",
    "जी",
    "साहब",
    "साहेब",
    "श्री",
    "श्रीमती",
    "सर",
    "मैडम",
    "डॉ",
];

/// Light normalisation that keeps the text readable (snippets are cut from it): NFC, no nukta,
/// chandrabindu as anusvara, no zero-width joiners, one kind of apostrophe.
pub(crate) fn light(text: &str) -> String {
    // Most messages are plain ASCII or already NFC: skip the normaliser's work for them.
    if text.is_ascii() {
        return text.replace('`', "'");
    }
    let keep = |c: char| match c {
        '\u{093C}' | '\u{200B}' | '\u{200C}' | '\u{200D}' | '\u{FEFF}' => None,
        '\u{0901}' => Some('\u{0902}'),
        '\u{2019}' | '\u{2018}' | '`' => Some('\''),
        other => Some(strip_precomposed_nukta(other)),
    };
    if unicode_normalization::is_nfc(text) {
        text.chars().filter_map(keep).collect()
    } else {
        text.nfc().filter_map(keep).collect()
    }
}

fn strip_precomposed_nukta(c: char) -> char {
    match c {
        '\u{0958}' => 'क',
        '\u{0959}' => 'ख',
        '\u{095A}' => 'ग',
        '\u{095B}' => 'ज',
        '\u{095C}' => 'ड',
        '\u{095D}' => 'ढ',
        '\u{095E}' => 'फ',
        '\u{095F}' => 'य',
        other => other,
    }
}

/// Matching form: [`light`], lowercase, every run of punctuation or space as one space, honorifics
/// dropped, with a space at both ends so that every word is bounded by spaces.
pub(crate) fn for_matching(text: &str) -> String {
    let lower = light(text).to_lowercase();
    let mut out = String::with_capacity(lower.len() + 2);
    out.push(' ');
    for word in lower
        .split(|c: char| !(c.is_alphanumeric() || is_devanagari_mark(c)))
        .filter(|w| !w.is_empty())
    {
        if HONORIFICS.contains(&word) {
            continue;
        }
        out.push_str(word);
        out.push(' ');
    }
    out
}

/// Devanagari vowel signs and virama are marks, not letters, but belong inside a word.
fn is_devanagari_mark(c: char) -> bool {
    matches!(c, '\u{0900}'..='\u{0903}' | '\u{093A}'..='\u{094F}' | '\u{0962}' | '\u{0963}')
}

/// Whether the text holds Devanagari letters (then the staff member gets a Hindi reply).
pub(crate) fn has_devanagari(text: &str) -> bool {
    text.chars().any(|c| ('\u{0904}'..='\u{0939}').contains(&c))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn honorifics_case_and_punctuation_disappear() {
        assert_eq!(for_matching("Arvind  MEHTA ji,"), " arvind mehta ");
        assert_eq!(for_matching("Shri. Arvind-Mehta Sir!"), " arvind mehta ");
        assert_eq!(for_matching("अरविंद मेहता जी"), " अरविंद मेहता ");
    }

    #[test]
    fn nukta_and_chandrabindu_variants_meet() {
        assert_eq!(for_matching("ज़रूरी हूँ"), for_matching("जरूरी हूं"));
        assert_eq!(for_matching("\u{095B}रूरी"), for_matching("जरूरी"));
    }

    #[test]
    fn devanagari_is_detected_by_letters_not_digits() {
        assert!(has_devanagari("मीटिंग में हूँ"));
        assert!(!has_devanagari("+९१ ७०००० ०००० १"));
        assert!(!has_devanagari("hello sir"));
    }
}
