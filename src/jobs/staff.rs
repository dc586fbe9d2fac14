//! Staff pseudonyms: a keyed hash of a staff member's WhatsApp id.
//!
//! Everything asli keeps about a staff member (conversation window, language choice, flood
//! counter, incident reports, the inbox group that orders their messages) is keyed by
//! HMAC-SHA256 of their WhatsApp id under a deployment secret. An unkeyed hash would not do:
//! there are only about 10^10 phone numbers, so a copy of the store would give every number
//! back in minutes. The key is `ASLI_PSEUDONYM_KEY`, or, when unset, derived from the App
//! Secret with a fixed label; changing either changes every pseudonym (short-lived state is
//! then forgotten; incidents count a reporter again).

use hmac::{Hmac, Mac};
use secrecy::{ExposeSecret, SecretSlice};
use sha2::Sha256;

use crate::store::GroupId;
use crate::whatsapp::{InboundMessage, StatusUpdate};

/// The label the pseudonym key is derived with from the App Secret when no key is set.
const DERIVATION_LABEL: &[u8] = b"asli staff pseudonym key v1";

/// A staff member's pseudonym: 32 hex digits, stable for a deployment's key.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Staff(String);

impl Staff {
    /// The pseudonym's text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The inbox group of the staff member's jobs (and the home of their state).
    pub fn group(&self) -> GroupId {
        GroupId::new(self.0.clone())
    }

    /// The staff member of an inbox group (the inverse of [`Staff::group`]).
    pub fn of_group(group: &GroupId) -> Staff {
        Staff(group.as_str().to_string())
    }
}

impl std::fmt::Display for Staff {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// Makes pseudonyms under one secret key.
#[derive(Clone)]
pub struct Pseudonyms {
    key: SecretSlice<u8>,
}

impl std::fmt::Debug for Pseudonyms {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Pseudonyms(..)")
    }
}

impl Pseudonyms {
    /// Pseudonyms under `key` (`ASLI_PSEUDONYM_KEY`).
    pub fn new(key: &[u8]) -> Pseudonyms {
        Pseudonyms {
            key: SecretSlice::from(key.to_vec()),
        }
    }

    /// Pseudonyms under a key derived from the App Secret (when `ASLI_PSEUDONYM_KEY` is
    /// unset): HMAC-SHA256(app secret, fixed label).
    pub fn derived_from(app_secret: &[u8]) -> Pseudonyms {
        Pseudonyms::new(&hmac(app_secret, DERIVATION_LABEL))
    }

    /// The pseudonym of the WhatsApp id (`wa_id` digits or business-scoped user id) `id`.
    pub fn of_id(&self, id: &str) -> Staff {
        let digest = hmac(self.key.expose_secret(), format!("staff:{id}").as_bytes());
        Staff(hex::encode(&digest[..16]))
    }

    /// The staff member who sent `message` (by number, else by user id).
    pub fn of_sender(&self, message: &InboundMessage) -> Option<Staff> {
        let id = message
            .from
            .as_deref()
            .or(message.from_user_id.as_deref())?;
        Some(self.of_id(id))
    }

    /// The staff member a status is about (the recipient of our reply), chosen the same way
    /// as [`Pseudonyms::of_sender`] so their state is found in the same place.
    pub fn of_recipient(&self, status: &StatusUpdate) -> Option<Staff> {
        let id = status
            .recipient_id
            .as_deref()
            .or(status.recipient_user_id.as_deref())?;
        Some(self.of_id(id))
    }
}

fn hmac(key: &[u8], message: &[u8]) -> Vec<u8> {
    let mut mac = Hmac::<Sha256>::new_from_slice(key).expect("HMAC takes keys of any length");
    mac.update(message);
    mac.finalize().into_bytes().to_vec()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pseudonym_is_stable_under_one_key_and_differs_under_another() {
        let a = Pseudonyms::new(b"key one");
        let b = Pseudonyms::new(b"key two");
        assert_eq!(a.of_id("919800000001"), a.of_id("919800000001"));
        assert_ne!(a.of_id("919800000001"), a.of_id("919800000002"));
        assert_ne!(a.of_id("919800000001"), b.of_id("919800000001"));
        assert_eq!(a.of_id("919800000001").as_str().len(), 32);
    }

    #[test]
    fn without_the_key_the_unkeyed_hash_of_the_number_is_not_the_pseudonym() {
        use sha2::Digest as _;
        let staff = Pseudonyms::derived_from(b"app secret").of_id("919800000001");
        let unkeyed = sha2::Sha256::digest(b"asli-staff:919800000001");
        assert_ne!(staff.as_str(), hex::encode(&unkeyed[..16]));
        assert!(!staff.as_str().contains("9800000001"));
    }

    #[test]
    fn the_derived_key_depends_on_the_app_secret() {
        let one = Pseudonyms::derived_from(b"secret one").of_id("1");
        let two = Pseudonyms::derived_from(b"secret two").of_id("1");
        assert_ne!(one, two);
    }
}
