//! Scam signals: many phrasings in three languages, and benign controls that stay clean.

use super::super::SignalCode::{self, *};
use super::super::signals::find;

fn codes(text: &str) -> Vec<SignalCode> {
    let mut c: Vec<SignalCode> = find(text).into_iter().map(|s| s.code).collect();
    c.sort();
    c
}

#[test]
fn scam_phrasings_raise_their_signals() {
    let cases: &[(&str, &[SignalCode])] = &[
        (
            "Can you get me 5 Amazon gift cards of Rs 10,000 each?",
            &[GiftCard],
        ),
        ("need 10 apple codes on amazon", &[GiftCard]),
        (
            "Buy Google Play cards and scratch them, send me the codes",
            &[GiftCard],
        ),
        ("send a photo of the card", &[GiftCard]),
        ("iTunes cards chahiye abhi", &[GiftCard, Urgency]),
        ("Flipkart voucher bhej do", &[GiftCard]),
        ("e-gift card please", &[GiftCard]),
        ("एपल कोड चाहिए", &[GiftCard]),
        (
            "5 अमेज़न पे गिफ्ट कार्ड चाहिए, कोड यहीं व्हाट्सएप पर भेज दीजिए",
            &[GiftCard],
        ),
        ("Send 5000 via UPI to this id", &[MoneyTransfer]),
        ("PhonePe kar do 2000", &[MoneyTransfer]),
        ("paise bhej do, shaam tak lauta dunga", &[MoneyTransfer]),
        ("I will pay you back by evening", &[MoneyTransfer]),
        ("Do a mobile recharge for this number", &[MoneyTransfer]),
        ("पैसे भेज दो, शाम तक लौटा दूँगा", &[MoneyTransfer]),
        ("Google Pay me Rs 5000 urgently", &[MoneyTransfer, Urgency]),
        ("don't tell anyone about this", &[Secrecy]),
        (
            "keep this confidential and buy gift cards",
            &[GiftCard, Secrecy],
        ),
        ("Urgent hai, kisi ko batana mat.", &[Urgency, Secrecy]),
        ("किसी को मत बताना", &[Secrecy]),
        (
            "I am in a meeting right now and can't take calls",
            &[Urgency, Unavailable],
        ),
        ("I'm in conference, cannot talk", &[Unavailable]),
        ("call mat karna, meeting me hoon", &[Unavailable]),
        ("Meeting khatam hote hi call karta hoon", &[Unavailable]),
        ("मीटिंग में हूँ, कॉल नहीं कर सकता", &[Unavailable]),
        ("This is my new number, save it", &[NewNumber]),
        ("mera naya number hai ye", &[NewNumber]),
        ("यह मेरा नया नंबर है", &[NewNumber]),
        ("old number not working, save this number", &[NewNumber]),
        ("Send me the OTP you just received", &[OtpRequest]),
        ("OTP aaya hoga, bata do", &[OtpRequest]),
        ("ओटीपी भेज दो", &[OtpRequest]),
        ("click http://bit.ly/abc123 to claim", &[Link]),
        ("join wa.me/94712345678", &[Link]),
        (
            "Hello, I am in a meeting right now and can't take calls. Can you get me 5 Amazon gift cards of Rs 10,000 each? Send the codes here, I will pay you back today.",
            &[GiftCard, MoneyTransfer, Urgency, Unavailable],
        ),
    ];
    let mut failures = Vec::new();
    for (text, want) in cases {
        let got = codes(text);
        if got != *want {
            failures.push(format!("{text}: want {want:?}, got {got:?}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn ordinary_official_traffic_stays_clean() {
    let cases: &[&str] = &[
        "Meeting at 4 pm in the council hall",
        "Meeting at 4 pm in conference hall 2, all HoDs to attend",
        "Your Amazon order #408-1234567-1234567 has been delivered",
        "Amazon delivery today between 2 and 5 pm",
        "Procurement circular: quotations invited from vendors for office stationery",
        "Please send the budget file urgently",
        "Kal subah 10 baje meeting hai, file le aana",
        "कल सुबह 10 बजे बैठक है, सभी अधिकारी उपस्थित रहें",
        "Never share your OTP with anyone. - SBI",
        "OTP kisi ke saath share na karein",
        "Circular uploaded on https://mpurban.gov.in/circulars",
        "The commissioner will inspect the ward tomorrow",
        "Please call me when free",
    ];
    for text in cases {
        assert!(codes(text).is_empty(), "{text}: {:?}", codes(text));
    }
}

#[test]
fn every_signal_carries_the_words_that_raised_it() {
    let s = find("URGENT: buy Amazon Gift Cards");
    let gift = s
        .iter()
        .find(|s| s.code == GiftCard)
        .expect("gift card found");
    assert_eq!(gift.snippet, "Amazon Gift Cards");
    let u = s
        .iter()
        .find(|s| s.code == Urgency)
        .expect("urgency next to a gift card");
    assert_eq!(u.snippet, "URGENT");
}

#[test]
fn nukta_and_chandrabindu_spellings_read_alike() {
    assert_eq!(
        codes("ज़रूरी है, गिफ़्ट कार्ड चाहिए"),
        codes("जरूरी है, गिफ्ट कार्ड चाहिए")
    );
    assert_eq!(codes("मीटिंग में हूँ"), [Unavailable]);
    assert_eq!(codes("मीटिंग में हूं"), [Unavailable]);
}
