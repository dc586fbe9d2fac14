//! Number extraction: formats that are numbers, and digits that are not.

use super::super::numbers::in_text;
use crate::phone::Region;

fn found(text: &str) -> Vec<String> {
    in_text(text, Region::INDIA)
        .into_iter()
        .map(|f| f.number.as_str().to_string())
        .collect()
}

#[test]
fn written_forms_of_numbers_are_found() {
    let cases: &[(&str, &[&str])] = &[
        ("call me on +91 70000 00001", &["+917000000001"]),
        // A second half that starts with `00` is not an international prefix.
        ("call me on +91 70000 00101", &["+917000000101"]),
        ("98100 00123 is mine", &["+919810000123"]),
        (
            "9826012345 0044 7911 123456",
            &["+919826012345", "+447911123456"],
        ),
        ("my number 0091-70000-00001 ok", &["+917000000001"]),
        ("number: 07000000001", &["+917000000001"]),
        ("9876543210", &["+919876543210"]),
        ("(+91) 70000.00001 is mine", &["+917000000001"]),
        ("नंबर +९१ ७०००० ०००० १ है", &["+917000000001"]),
        ("whatsapp +94 71 234 5678 now", &["+94712345678"]),
        ("0094712345678", &["+94712345678"]),
        ("+1 (415) 555-2671", &["+14155552671"]),
        (
            "+44 7911 123456 or +84 91 234 56 78",
            &["+447911123456", "+84912345678"],
        ),
        (
            "98765 43210 and 98765-43211",
            &["+919876543210", "+919876543211"],
        ),
        ("+251 91 123 4567", &["+251911234567"]),
        ("919876543210", &["+919876543210"]),
        ("10 एपल कोड भेजो\n+91 70000 00001", &["+917000000001"]),
        ("send the codes\n+91 70000 00001", &["+917000000001"]),
    ];
    for (text, want) in cases {
        assert_eq!(found(text), *want, "{text}");
    }
}

#[test]
fn amounts_dates_times_codes_and_ids_are_not_numbers() {
    let cases: &[&str] = &[
        "Rs 10,000 each",
        "Rs. 9876543210 is the budget",
        "₹9876543210",
        "send 9876543210 rupees",
        "meeting on 12-03-2024 at 4.30 pm",
        "date 2024.03.12",
        "OTP 482913",
        "your OTP is 9876543210",
        "Order #408-1234567-1234567 delivered",
        "order id 9876543210",
        "txn ref 9876543210",
        "ABC9876543210",
        "invoice 98765 43210",
        "code: 9876543210",
        "5 cards of 10000 each",
        "call 1930 now",
    ];
    for text in cases {
        assert!(found(text).is_empty(), "{text} gave {:?}", found(text));
    }
}

#[test]
fn at_most_five_numbers_are_taken() {
    let text = "9876543210 9876543211 9876543212 9876543213 9876543214 9876543215 9876543216";
    assert_eq!(found(text).len(), 5);
}

#[test]
fn a_cards_wa_id_wins_and_its_free_form_phone_is_read_when_alone() {
    use super::super::numbers::extract;
    use super::card;
    let both = card("X", Some("+91 70000 00002"), Some("917000000001"));
    let alone = card("Y", Some("Mobile: +94 71 234 5678 (WhatsApp)"), None);
    let broken = card("Z", Some("not a number"), Some("abc"));
    let got: Vec<String> = extract("", &[both, alone, broken], Region::INDIA)
        .into_iter()
        .map(|f| f.number.as_str().to_string())
        .collect();
    assert_eq!(got, ["+917000000001", "+94712345678"]);
}
