//! Which characters registry text may hold: nothing that hides, reorders or disguises text.
//!
//! A name is what a clerk reads to decide who a number belongs to, and what the bot matches a
//! message against. A character that does not show, or that changes how the characters around
//! it are laid out, lets one entry look like another: `U+202E` (right-to-left override) makes
//! `Mehta\u{202E}atheM` read differently than it is stored, and `U+200B` (zero-width space)
//! makes two names that look the same differ. So names, aliases, designations, designation
//! aliases and organisations refuse:
//!
//! | refused | what it is |
//! |---|---|
//! | controls (`Cc`: U+0000–001F, U+007F–009F) | tab, line breaks, escape, bell, ... |
//! | line and paragraph separators (U+2028, U+2029) | invisible line breaks |
//! | bidirectional controls (`Bidi_Control`: U+061C, U+200E, U+200F, U+202A–202E, U+2066–2069) | reorder how text displays |
//! | default-ignorable code points (`Default_Ignorable_Code_Point`: U+00AD soft hyphen, U+034F, U+115F, U+1160, U+17B4, U+17B5, U+180B–180F, U+200B–200F, U+202A–202E, U+2060–206F, U+3164, U+FE00–FE0F, U+FEFF, U+FFA0, U+FFF0–FFF8, U+1BCA0–1BCA3, U+1D173–1D17A, U+E0000–E0FFF) | show nothing at all |
//! | other format characters (`Cf`, e.g. U+0600–0605, U+FFF9–FFFB) | invisible or layout-only |
//! | private-use (`Co`) and unassigned (`Cn`) code points | have no agreed look |
//!
//! Three uses of invisible characters are real writing, and stay allowed where (and only
//! where) they do something:
//!
//! - **ZWJ / ZWNJ (U+200D / U+200C) after a virama**: they choose how a consonant cluster is
//!   drawn in Indic scripts (Marathi's eyelash ra in `कर्‍हाड`, an explicit halant in `क्‌ष`,
//!   Malayalam chillus, Sinhala `ශ්‍රී`). This is RFC 5892's `CONTEXTJ` rule, the one
//!   internationalised domain names use. Between two plain letters a joiner changes nothing
//!   visible, so there it is refused.
//! - **ZWNJ between joining letters** (Urdu, Persian, Arabic): also RFC 5892 `CONTEXTJ`.
//! - **Emoji sequences**: a ZWJ between two pictographs (👩‍💻) and U+FE0E / U+FE0F after an
//!   emoji. Other variation selectors are refused.
//!
//! Notes are free text for admins, so they may also hold tabs and line breaks (`\t`, `\n`,
//! `\r`); every other rule above applies to them too.
//!
//! Matching is not affected: the verify engine strips invisible characters from both the
//! registry and incoming messages (`verify::normalize`), and keeps doing so for messages,
//! which come from anyone.

use icu_properties::props::{
    BidiControl, CanonicalCombiningClass, DefaultIgnorableCodePoint, Emoji, EmojiModifier,
    ExtendedPictographic, GeneralCategory, JoiningType,
};
use icu_properties::{CodePointMapData, CodePointSetData};

const ZWNJ: char = '\u{200C}';
const ZWJ: char = '\u{200D}';

/// Whether a text may break lines.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lines {
    /// One line: names, aliases, designations, organisations.
    Single,
    /// Tabs and line breaks (`\t`, `\n`, `\r`) allowed: notes.
    Multi,
}

/// Why a character is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Hidden {
    /// A control character (`Cc`).
    Control,
    /// A line break, tab or line/paragraph separator in a one-line field.
    LineBreak,
    /// A bidirectional control (`Bidi_Control`).
    Bidi,
    /// A default-ignorable character: zero-width, joiner, variation selector, filler, tag...
    Invisible,
    /// Another format character (`Cf`).
    Format,
    /// A private-use code point (`Co`).
    PrivateUse,
    /// A code point Unicode has not assigned (`Cn`), including noncharacters.
    Unassigned,
}

impl Hidden {
    fn describe(self) -> &'static str {
        match self {
            Hidden::Control => "a control character",
            Hidden::LineBreak => "a line break or tab, which this field cannot hold",
            Hidden::Bidi => {
                "a bidirectional control, which can make the text display as something else"
            }
            Hidden::Invisible => {
                "an invisible character, which can make two names that look the same differ"
            }
            Hidden::Format => "an invisible formatting character",
            Hidden::PrivateUse => "a private-use character, which has no agreed look",
            Hidden::Unassigned => "a code point Unicode has not assigned",
        }
    }
}

/// The first refused character of a text: what it is, where, and why.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Refused {
    /// The character.
    pub ch: char,
    /// Its position, counted in characters from 1.
    pub position: usize,
    /// Why it is refused.
    pub why: Hidden,
}

impl std::fmt::Display for Refused {
    /// `contains U+202E (a bidirectional control, ...) at character 7; remove it` — the code
    /// point, not the character itself, which would not show.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "contains U+{:04X} ({}) at character {}; remove it",
            u32::from(self.ch),
            self.why.describe(),
            self.position
        )
    }
}

/// The first character of `text` that registry text may not hold (see the module docs).
pub fn first_refused(text: &str, lines: Lines) -> Option<Refused> {
    text.char_indices()
        .enumerate()
        .find_map(|(position, (at, ch))| {
            let why = if ch.is_ascii() {
                ascii(ch, lines)
            } else {
                non_ascii(ch, &text[..at], &text[at + ch.len_utf8()..])
            }?;
            Some(Refused {
                ch,
                position: position + 1,
                why,
            })
        })
}

fn ascii(ch: char, lines: Lines) -> Option<Hidden> {
    match ch {
        '\t' | '\n' | '\r' if lines == Lines::Multi => None,
        '\t' | '\n' | '\r' => Some(Hidden::LineBreak),
        c if c.is_ascii_control() => Some(Hidden::Control),
        _ => None,
    }
}

/// `head` and `tail` are the text before and after `ch`.
fn non_ascii(ch: char, head: &str, tail: &str) -> Option<Hidden> {
    let (before, after) = (head.chars().next_back(), tail.chars().next());
    let category = CodePointMapData::<GeneralCategory>::new().get(ch);
    match category {
        GeneralCategory::Control => return Some(Hidden::Control),
        GeneralCategory::LineSeparator | GeneralCategory::ParagraphSeparator => {
            return Some(Hidden::LineBreak);
        }
        _ => {}
    }
    if CodePointSetData::new::<BidiControl>().contains(ch) {
        return Some(Hidden::Bidi);
    }
    let allowed_invisible = match ch {
        ZWJ => after_virama(before) || between_pictographs(before, after),
        ZWNJ => after_virama(before) || between_joining_letters(head, tail),
        '\u{FE0E}' | '\u{FE0F}' => before.is_some_and(is_emoji),
        _ => false,
    };
    if allowed_invisible {
        return None;
    }
    if CodePointSetData::new::<DefaultIgnorableCodePoint>().contains(ch) {
        return Some(Hidden::Invisible);
    }
    match category {
        GeneralCategory::Format => Some(Hidden::Format),
        GeneralCategory::PrivateUse => Some(Hidden::PrivateUse),
        GeneralCategory::Unassigned | GeneralCategory::Surrogate => Some(Hidden::Unassigned),
        _ => None,
    }
}

/// RFC 5892 A.1 / A.2: a joiner right after a virama (Canonical_Combining_Class 9).
fn after_virama(before: Option<char>) -> bool {
    before.is_some_and(|c| {
        CodePointMapData::<CanonicalCombiningClass>::new().get(c) == CanonicalCombiningClass::Virama
    })
}

/// RFC 5892 A.1: `(Joining_Type:{L,D})(Joining_Type:T)* ZWNJ (Joining_Type:T)*(Joining_Type:{R,D})`.
fn between_joining_letters(head: &str, tail: &str) -> bool {
    let joining = CodePointMapData::<JoiningType>::new();
    let not_transparent = |c: &char| joining.get(*c) != JoiningType::Transparent;
    let left = head
        .chars()
        .rev()
        .find(not_transparent)
        .map(|c| joining.get(c));
    let right = tail.chars().find(not_transparent).map(|c| joining.get(c));
    matches!(
        left,
        Some(JoiningType::LeftJoining | JoiningType::DualJoining)
    ) && matches!(
        right,
        Some(JoiningType::RightJoining | JoiningType::DualJoining)
    )
}

/// UTS #51 emoji ZWJ sequences: a pictograph (possibly with its presentation selector or skin
/// tone) on the left, a pictograph on the right.
fn between_pictographs(before: Option<char>, after: Option<char>) -> bool {
    let pictograph = |c: char| CodePointSetData::new::<ExtendedPictographic>().contains(c);
    let left = before.is_some_and(|c| {
        pictograph(c) || c == '\u{FE0F}' || CodePointSetData::new::<EmojiModifier>().contains(c)
    });
    left && after.is_some_and(pictograph)
}

fn is_emoji(c: char) -> bool {
    CodePointSetData::new::<Emoji>().contains(c)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refused(text: &str) -> Option<(String, Hidden)> {
        first_refused(text, Lines::Single).map(|r| (format!("U+{:04X}", u32::from(r.ch)), r.why))
    }

    #[test]
    fn plain_names_in_indian_scripts_pass() {
        for name in [
            "Arvind Mehta",
            "O'Brien-Singh",
            "अरविंद मेहता",
            "श्रीमती क्षमा त्रिपाठी",
            "ਗੁਰਪ੍ਰੀਤ ਸਿੰਘ",
            "অরবিন্দ মেহতা",
            "அரவிந்த் மேத்தா",
            "അരവിന്ദ് മേത്ത",
            "محمد عارف",
            "Zoë Müller",
            "नगर निगम, देवास (म.प्र.)",
        ] {
            assert_eq!(refused(name), None, "{name}");
        }
    }

    #[test]
    fn bidi_controls_and_marks_are_refused_by_code_point() {
        for (text, cp) in [
            ("Mehta\u{202E}atheM", "U+202E"),
            ("a\u{202A}b", "U+202A"),
            ("a\u{2066}b", "U+2066"),
            ("a\u{2069}b", "U+2069"),
            ("a\u{200E}b", "U+200E"),
            ("a\u{200F}b", "U+200F"),
            ("محمد\u{061C}عارف", "U+061C"),
        ] {
            assert_eq!(
                refused(text),
                Some((cp.to_string(), Hidden::Bidi)),
                "{text:?}"
            );
        }
    }

    #[test]
    fn zero_width_and_other_default_ignorables_are_refused() {
        for (text, cp) in [
            ("Arvind\u{200B}Mehta", "U+200B"),
            ("\u{FEFF}Arvind", "U+FEFF"),
            ("Arv\u{2060}ind", "U+2060"),
            ("Arv\u{00AD}ind", "U+00AD"),
            ("Arv\u{034F}ind", "U+034F"),
            ("Arv\u{3164}ind", "U+3164"),
            ("Arv\u{180E}ind", "U+180E"),
            ("Arvind\u{E0041}", "U+E0041"),
            ("A\u{FE01}", "U+FE01"),
            ("A\u{FE0F}", "U+FE0F"),
            ("Arv\u{2064}ind", "U+2064"),
        ] {
            assert_eq!(
                refused(text),
                Some((cp.to_string(), Hidden::Invisible)),
                "{text:?}"
            );
        }
    }

    #[test]
    fn controls_line_breaks_private_use_and_unassigned_are_refused() {
        assert_eq!(refused("a\u{1B}b").unwrap().1, Hidden::Control);
        assert_eq!(refused("a\u{7}b").unwrap().1, Hidden::Control);
        assert_eq!(refused("a\u{85}b").unwrap().1, Hidden::Control);
        assert_eq!(refused("a\u{9B}b").unwrap().1, Hidden::Control);
        assert_eq!(refused("a\nb").unwrap().1, Hidden::LineBreak);
        assert_eq!(refused("a\tb").unwrap().1, Hidden::LineBreak);
        assert_eq!(refused("a\u{2028}b").unwrap().1, Hidden::LineBreak);
        assert_eq!(refused("a\u{E000}b").unwrap().1, Hidden::PrivateUse);
        assert_eq!(refused("a\u{FFFF}b").unwrap().1, Hidden::Unassigned);
        assert_eq!(refused("a\u{0600}b").unwrap().1, Hidden::Format);
    }

    #[test]
    fn joiners_after_a_virama_are_indic_writing_and_pass() {
        for text in [
            "कर्\u{200D}हाड",         // Marathi eyelash ra (Karad)
            "क्\u{200C}ष",            // explicit halant
            "ശ്രീ മോഹന്\u{200D}",      // Malayalam chillu, old encoding
            "ශ්\u{200D}රී",            // Sinhala Sri
            "می\u{200C}خواهم",       // Persian ZWNJ between joining letters
            "👩\u{200D}💻 desk",     // emoji ZWJ sequence
            "❤\u{FE0F} note",        // emoji presentation selector
            "👍\u{1F3FD}\u{200D}🚀", // skin tone, then a joiner
        ] {
            assert_eq!(refused(text), None, "{text:?}");
        }
    }

    #[test]
    fn joiners_that_change_nothing_visible_are_refused() {
        for text in [
            "अर\u{200D}विंद",
            "अर\u{200C}विंद",
            "Arvind\u{200D}Mehta",
            "\u{200D}अरविंद",
            "अरविंद\u{200C}",
            "ا\u{200C}ب", // ALEF joins only to the right: nothing to break
        ] {
            assert_eq!(
                refused(text).map(|r| r.1),
                Some(Hidden::Invisible),
                "{text:?}"
            );
        }
    }

    #[test]
    fn notes_may_break_lines_but_nothing_else() {
        assert_eq!(first_refused("line one\r\n\tline two", Lines::Multi), None);
        let r = first_refused("ding\u{7} \u{1B}[31m", Lines::Multi).unwrap();
        assert_eq!((r.ch, r.position, r.why), ('\u{7}', 5, Hidden::Control));
        assert_eq!(
            first_refused("a\u{202E}b", Lines::Multi).map(|r| r.why),
            Some(Hidden::Bidi)
        );
    }

    #[test]
    fn the_message_names_the_code_point_and_its_position() {
        let r = first_refused("ab\u{202E}c", Lines::Single).unwrap();
        let text = r.to_string();
        assert!(
            text.starts_with("contains U+202E (a bidirectional control"),
            "{text}"
        );
        assert!(text.contains("at character 3"), "{text}");
    }
}
