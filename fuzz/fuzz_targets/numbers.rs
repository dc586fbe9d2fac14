//! Any text through number extraction: never a panic, at most `MAX_NUMBERS` numbers, each one
//! as written in the text and reading back to itself.
#![no_main]

use asli::phone::{E164, Region};
use asli::verify::numbers::{MAX_NUMBERS, in_text};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    let found = in_text(text, Region::INDIA);
    assert!(found.len() <= MAX_NUMBERS);
    for f in found {
        assert!(text.contains(&f.written));
        assert_eq!(E164::parse(&f.written, Region::INDIA).ok(), Some(f.number));
    }
});
