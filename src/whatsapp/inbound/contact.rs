//! Shared contact cards (vCards), as Meta sends them and as we store them.
//!
//! A staff member often shares the suspicious contact's card instead of typing the number, so
//! the card's phones and name matter to the verdict. Users share partial cards: every field is
//! optional, and the same type serves as wire model and stored form.

use serde::{Deserialize, Serialize};

/// One shared contact card.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ContactCard {
    /// Name parts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<ContactName>,
    /// Organisation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub org: Option<ContactOrg>,
    /// Phone numbers, as written in the sender's address book.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub phones: Vec<ContactPhone>,
    /// E-mail addresses.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub emails: Vec<ContactEmail>,
    /// Web addresses.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub urls: Vec<ContactUrl>,
    /// Postal addresses.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub addresses: Vec<ContactAddress>,
    /// `YYYY-MM-DD`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub birthday: Option<String>,
}

impl ContactCard {
    /// The name to show: `formatted_name`, else the parts that are present joined by spaces.
    pub fn formatted_name(&self) -> Option<String> {
        let name = self.name.as_ref()?;
        if let Some(formatted) = non_blank(&name.formatted_name) {
            return Some(formatted.to_string());
        }
        let parts: Vec<&str> = [
            &name.prefix,
            &name.first_name,
            &name.middle_name,
            &name.last_name,
            &name.suffix,
        ]
        .into_iter()
        .filter_map(|p| non_blank(p))
        .collect();
        (!parts.is_empty()).then(|| parts.join(" "))
    }

    /// The organisation's name, when given.
    pub fn company(&self) -> Option<&str> {
        self.org.as_ref().and_then(|o| non_blank(&o.company))
    }

    /// The job title (`Municipal Commissioner`), when given: often what a scammer fakes.
    pub fn title(&self) -> Option<&str> {
        self.org.as_ref().and_then(|o| non_blank(&o.title))
    }
}

fn non_blank(s: &Option<String>) -> Option<&str> {
    s.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

/// `contacts[].name`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ContactName {
    /// Full name as displayed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub formatted_name: Option<String>,
    /// Given name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first_name: Option<String>,
    /// Family name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_name: Option<String>,
    /// Middle name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub middle_name: Option<String>,
    /// Suffix (`Jr.`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub suffix: Option<String>,
    /// Prefix (`Dr.`, `Shri`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prefix: Option<String>,
}

/// `contacts[].org`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ContactOrg {
    /// Organisation name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub company: Option<String>,
    /// Department.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub department: Option<String>,
    /// Job title.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
}

/// `contacts[].phones[]`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ContactPhone {
    /// Free-form, as stored in the sender's address book (`+1 (415) 555-0829`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    /// WhatsApp id; present only when the number is on WhatsApp, and need not match `phone`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub wa_id: Option<String>,
    /// `CELL`, `MOBILE`, `HOME`, `WORK`, ...
    #[serde(default, rename = "type", skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
}

/// `contacts[].emails[]`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ContactEmail {
    /// The address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// `HOME`, `WORK`.
    #[serde(default, rename = "type", skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
}

/// `contacts[].urls[]`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ContactUrl {
    /// The URL.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// `HOME`, `WORK`.
    #[serde(default, rename = "type", skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
}

/// `contacts[].addresses[]`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ContactAddress {
    /// Street.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub street: Option<String>,
    /// City.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub city: Option<String>,
    /// State.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state: Option<String>,
    /// Postal code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub zip: Option<String>,
    /// Country name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub country: Option<String>,
    /// ISO country code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub country_code: Option<String>,
    /// `HOME`, `WORK`.
    #[serde(default, rename = "type", skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn card(json: &str) -> ContactCard {
        serde_json::from_str(json).expect("test card parses")
    }

    #[test]
    fn formatted_name_prefers_the_formatted_name() {
        let c = card(r#"{"name":{"formatted_name":"Barbara J. Johnson","first_name":"Barbara"}}"#);
        assert_eq!(c.formatted_name().as_deref(), Some("Barbara J. Johnson"));
    }

    #[test]
    fn formatted_name_falls_back_to_the_parts_present() {
        let c = card(
            r#"{"name":{"formatted_name":" ","prefix":"Shri","first_name":"Arvind","last_name":"Mehta"}}"#,
        );
        assert_eq!(c.formatted_name().as_deref(), Some("Shri Arvind Mehta"));
    }

    #[test]
    fn a_card_without_a_name_has_no_formatted_name() {
        assert_eq!(
            card(r#"{"phones":[{"phone":"+91 70000 00001"}]}"#).formatted_name(),
            None
        );
    }

    #[test]
    fn company_and_title_come_from_org() {
        let c = card(r#"{"org":{"company":"Dewas Municipal Corporation","title":"Commissioner"}}"#);
        assert_eq!(c.company(), Some("Dewas Municipal Corporation"));
        assert_eq!(c.title(), Some("Commissioner"));
    }

    #[test]
    fn a_card_round_trips_through_json_unchanged() {
        let c = card(
            r#"{"name":{"formatted_name":"A"},"phones":[{"phone":"+1 (415) 555-0829","wa_id":"14125550829","type":"MOBILE"}],
                "emails":[{"email":"a@b.c","type":"WORK"}],"urls":[{"url":"https://x.in","type":"WORK"}],
                "addresses":[{"city":"Dewas","type":"WORK"}],"birthday":"1970-01-01"}"#,
        );
        let back: ContactCard = serde_json::from_str(&serde_json::to_string(&c).unwrap()).unwrap();
        assert_eq!(back, c);
        assert_eq!(c.phones[0].kind.as_deref(), Some("MOBILE"));
    }
}
