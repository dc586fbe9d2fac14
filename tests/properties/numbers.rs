//! Number extraction (`verify::numbers`) on text and contact cards anyone can send.

use asli::phone::{E164, Region};
use asli::verify::numbers::{MAX_NUMBERS, extract, in_text};
use asli::verify::{CardPhone, ContactCard};
use proptest::prelude::*;

use crate::inputs::hostile_text;

fn card() -> impl Strategy<Value = ContactCard> {
    let phone = (
        prop::option::of(hostile_text()),
        prop::option::of(prop_oneof!["[0-9]{0,20}", hostile_text()]),
    )
        .prop_map(|(phone, wa_id)| CardPhone { phone, wa_id });
    (
        prop::option::of(hostile_text()),
        prop::collection::vec(phone, 0..4),
    )
        .prop_map(|(name, phones)| ContactCard {
            name,
            phones,
            ..ContactCard::default()
        })
}

/// A written form of a 10-digit Indian number.
fn written(national: &str, style: usize) -> String {
    let (a, b) = national.split_at(5);
    let devanagari: String = national
        .chars()
        .map(|c| char::from_u32('०' as u32 + c.to_digit(10).unwrap_or(0)).unwrap_or(c))
        .collect();
    match style % 6 {
        0 => format!("+91 {a} {b}"),
        1 => format!("0{national}"),
        2 => format!("+91-{a}-{b}"),
        3 => format!("0091 {national}"),
        4 => format!("+९१ {devanagari}"),
        _ => national.to_string(),
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn numbers_in_any_text_are_found_as_written_without_a_panic(text in hostile_text()) {
        let found = in_text(&text, Region::INDIA);
        prop_assert!(found.len() <= MAX_NUMBERS);
        for f in found {
            prop_assert!(text.contains(&f.written), "{:?} not in the text", f.written);
            prop_assert_eq!(E164::parse(&f.written, Region::INDIA).ok(), Some(f.number));
        }
    }

    #[test]
    fn numbers_on_any_contact_cards_are_found_without_a_panic(
        text in hostile_text(),
        cards in prop::collection::vec(card(), 0..3),
    ) {
        prop_assert!(extract(&text, &cards, Region::INDIA).len() <= MAX_NUMBERS);
    }

    #[test]
    fn a_mobile_number_on_its_own_line_is_found_in_any_written_form(
        national in "[6-9][0-9]{9}",
        style in 0usize..6,
        before in hostile_text(),
    ) {
        let expected = E164::parse(&format!("+91{national}"), Region::INDIA);
        prop_assume!(expected.is_ok());
        let text = format!("{before}\n{}\nplease check", written(&national, style));
        let found = in_text(&text, Region::INDIA);
        let numbers: Vec<E164> = found.into_iter().map(|f| f.number).collect();
        prop_assert!(
            numbers.contains(&expected.expect("checked")),
            "{} not found in {:?}: {:?}", national, text, numbers
        );
    }
}

#[test]
fn a_number_after_runs_of_junk_digits_is_still_found() {
    // Found by the property above: junk runs used up the message's parse budget.
    let junk = "1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 \n".repeat(8);
    let text = format!("{junk}codes 1234 5678 9012 3456\n+91 60000 00000");
    let found = in_text(&text, Region::INDIA);
    let numbers: Vec<&str> = found.iter().map(|f| f.number.as_str()).collect();
    assert_eq!(numbers, ["+916000000000"]);
}
