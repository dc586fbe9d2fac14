//! Phone numbers: the one type every layer agrees on.
//!
//! A number is parsed once, at the edge, into an [`E164`] (`+917000000001`). Everything inside
//! asli (registry keys, verdicts, reply recipients) uses that form, so two spellings of the same
//! number can never be two different keys.

use std::fmt;
use std::str::FromStr;

use phonenumber::country::Id as CountryId;
use serde::{Deserialize, Serialize};

/// An ISO 3166-1 alpha-2 region (`IN`, `LK`, `US`) that numbers are read against.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Region(CountryId);

impl Region {
    /// India, the default home region.
    pub const INDIA: Region = Region(CountryId::IN);

    /// Parse an ISO alpha-2 code, case-insensitively.
    pub fn parse(code: &str) -> Result<Region, PhoneError> {
        CountryId::from_str(&code.trim().to_ascii_uppercase())
            .map(Region)
            .map_err(|_| PhoneError::UnknownRegion(code.to_string()))
    }

    /// The ISO alpha-2 code.
    pub fn code(&self) -> &str {
        self.0.as_ref()
    }
}

impl fmt::Display for Region {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// Why a written number could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PhoneError {
    /// Not a phone number in any form we read.
    #[error("`{0}` is not a phone number")]
    NotANumber(String),
    /// Looks like a number but no country has numbers of that shape.
    #[error("`{0}` is not a valid phone number")]
    Invalid(String),
    /// The region code is not an ISO 3166-1 alpha-2 code.
    #[error("`{0}` is not a known ISO country code")]
    UnknownRegion(String),
}

/// A valid phone number in E.164 form: `+`, country code, national number, digits only.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct E164(String);

impl E164 {
    /// Read a number as a person writes it: `+91 70000 00001`, `0091-7000000001`,
    /// `(070000) 00001`, `+९१ ७०००० ०००० १`. Numbers without a country code belong to `home`.
    pub fn parse(written: &str, home: Region) -> Result<E164, PhoneError> {
        let cleaned = normalise_written(written);
        let digits = cleaned.trim_start_matches('+');
        if digits.len() < 6 || digits.len() > 17 || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(PhoneError::NotANumber(written.to_string()));
        }
        let parsed = match phonenumber::parse(Some(home.0), &cleaned) {
            Ok(n) if phonenumber::is_valid(&n) => n,
            other => match national_beginning_with_the_calling_code(&cleaned, home) {
                Some(n) => n,
                None if other.is_ok() => return Err(PhoneError::Invalid(written.to_string())),
                None => return Err(PhoneError::NotANumber(written.to_string())),
            },
        };
        Ok(E164(
            parsed.format().mode(phonenumber::Mode::E164).to_string(),
        ))
    }

    /// Read a WhatsApp id (`919876543210`: digits with country code, no `+`).
    pub fn from_wa_id(wa_id: &str) -> Result<E164, PhoneError> {
        if wa_id.is_empty() || !wa_id.bytes().all(|b| b.is_ascii_digit()) {
            return Err(PhoneError::NotANumber(wa_id.to_string()));
        }
        E164::parse(&format!("+{wa_id}"), Region::INDIA)
    }

    /// The number as `+<digits>`.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The number without `+`, as WhatsApp writes ids.
    pub fn digits(&self) -> &str {
        &self.0[1..]
    }

    /// The region the number belongs to, when libphonenumber knows it.
    pub fn region(&self) -> Option<Region> {
        phonenumber::parse(None, &self.0)
            .ok()
            .and_then(|n| n.country().id())
            .map(Region)
    }

    /// The international calling code (`91` for India).
    pub fn calling_code(&self) -> u16 {
        phonenumber::parse(None, &self.0)
            .map(|n| n.code().value())
            .unwrap_or(0)
    }

    /// Whether the number is from a region other than `home`.
    pub fn is_foreign_to(&self, home: Region) -> bool {
        self.region() != Some(home)
    }

    /// The number with its middle hidden (`+91•••••0001`), safe for logs and replies.
    pub fn masked(&self) -> String {
        mask_phone(&self.0)
    }
}

impl fmt::Display for E164 {
    /// Displays masked: a number never reaches a log in full by accident.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.masked())
    }
}

impl<'de> Deserialize<'de> for E164 {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        E164::parse(&s, Region::INDIA).map_err(serde::de::Error::custom)
    }
}

/// Hide the middle of anything that looks like a phone number or WhatsApp id:
/// keep a leading `+`, the first two digits and the last four, with a fixed five dots between
/// (so the mask does not even tell the length).
pub fn mask_phone(number: &str) -> String {
    let plus = number.starts_with('+');
    let digits: Vec<char> = number.chars().filter(|c| c.is_ascii_digit()).collect();
    if digits.len() <= 6 {
        return format!(
            "{}{}",
            if plus { "+" } else { "" },
            "•".repeat(digits.len())
        );
    }
    let head: String = digits[..2].iter().collect();
    let tail: String = digits[digits.len() - 4..].iter().collect();
    format!("{}{head}•••••{tail}", if plus { "+" } else { "" })
}

/// Turn a written number into `+digits` or `digits`: Devanagari digits to ASCII, `00` to `+`,
/// separators dropped. Anything else is left for the parser to reject.
/// libphonenumber reads a national number that begins with the home calling code (an Indian
/// mobile `9123456789` begins with 91) as that code and a shorter number, which is then no
/// valid number: the national reading is the one a person meant. Found by the property tests.
fn national_beginning_with_the_calling_code(
    cleaned: &str,
    home: Region,
) -> Option<phonenumber::PhoneNumber> {
    let code = phonenumber::metadata::DATABASE
        .by_id(home.code())?
        .country_code();
    if cleaned.starts_with('+') || !cleaned.starts_with(&code.to_string()) {
        return None;
    }
    let national = phonenumber::parse(None, format!("+{code}{cleaned}")).ok()?;
    phonenumber::is_valid(&national).then_some(national)
}

fn normalise_written(written: &str) -> String {
    let mut out = String::with_capacity(written.len());
    for c in written.trim().chars() {
        match c {
            '0'..='9' => out.push(c),
            '०'..='९' => out.push(char::from(b'0' + (c as u32 - '०' as u32) as u8)),
            '+' if out.is_empty() => out.push('+'),
            ' ' | '-' | '.' | '(' | ')' | '/' | '\u{a0}' | '\u{2011}' | '\u{2013}' => {}
            other => out.push(other),
        }
    }
    if let Some(rest) = out.strip_prefix("00") {
        return format!("+{rest}");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_in(s: &str) -> Result<E164, PhoneError> {
        E164::parse(s, Region::INDIA)
    }

    #[test]
    fn a_national_mobile_that_begins_with_the_calling_code_is_read_as_national() {
        for (written, want) in [
            ("9123456789", "+919123456789"),
            ("9100000000", "+919100000000"),
            ("91234 56789", "+919123456789"),
            ("919123456789", "+919123456789"),
            ("+919123456789", "+919123456789"),
        ] {
            assert_eq!(
                parse_in(written).map(|n| n.0),
                Ok(want.to_string()),
                "{written}"
            );
        }
        assert!(parse_in("9100").is_err());
    }

    #[test]
    fn common_written_forms_of_one_indian_number_agree() {
        let want = "+917000000001";
        for s in [
            "+917000000001",
            "+91 70000 00001",
            "0091-70000-00001",
            "07000000001",
            "7000000001",
            "(+91) 70000.00001",
            "+९१ ७००००००००१",
        ] {
            assert_eq!(parse_in(s).unwrap().as_str(), want, "{s}");
        }
    }

    #[test]
    fn a_foreign_number_keeps_its_region() {
        let n = parse_in("+94 71 234 5678").unwrap();
        assert_eq!(n.region().unwrap().code(), "LK");
        assert!(n.is_foreign_to(Region::INDIA));
        assert!(
            !parse_in("+917000000001")
                .unwrap()
                .is_foreign_to(Region::INDIA)
        );
    }

    #[test]
    fn wa_ids_are_digits_with_country_code() {
        assert_eq!(
            E164::from_wa_id("16505551234").unwrap().as_str(),
            "+16505551234"
        );
        assert!(E164::from_wa_id("+16505551234").is_err());
        assert!(E164::from_wa_id("").is_err());
    }

    #[test]
    fn words_and_short_codes_are_not_numbers() {
        assert!(parse_in("hello").is_err());
        assert!(parse_in("1930").is_err());
        assert!(parse_in("+91 12").is_err());
    }

    #[test]
    fn masking_keeps_country_and_last_four() {
        assert_eq!(mask_phone("+917000000001"), "+91•••••0001");
        assert_eq!(mask_phone("16505551234"), "16•••••1234");
        assert_eq!(mask_phone("919876543210"), "91•••••3210");
        assert_eq!(mask_phone("12345"), "•••••");
        assert_eq!(
            format!("{}", parse_in("+917000000001").unwrap()),
            "+91•••••0001"
        );
    }

    #[test]
    fn deserialising_normalises() {
        let n: E164 = serde_json::from_str("\"+91 70000 00001\"").unwrap();
        assert_eq!(n.as_str(), "+917000000001");
        assert!(serde_json::from_str::<E164>("\"abc\"").is_err());
    }
}
