//! `X-Hub-Signature-256`: proof that a webhook POST really comes from Meta.
//!
//! Meta signs the exact bytes it sends with HMAC-SHA256 keyed by the App Secret. We verify over
//! the raw body, before any JSON parsing: re-serialising parsed JSON changes escapes (`\u00e9`,
//! `\/`) and breaks the signature.

use hmac::{Hmac, Mac};
use sha2::Sha256;

type HmacSha256 = Hmac<Sha256>;

/// The header Meta signs webhook POSTs with (header names are case-insensitive).
pub const SIGNATURE_HEADER: &str = "X-Hub-Signature-256";

/// The prefix Meta puts before the hex digest in the header value.
const PREFIX: &str = "sha256=";

/// Why a webhook signature was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum SignatureError {
    /// The request carried no `X-Hub-Signature-256` header.
    #[error("the X-Hub-Signature-256 header is missing")]
    Missing,
    /// The header is not `sha256=` followed by 64 hex digits.
    #[error("the X-Hub-Signature-256 header is not `sha256=<64 hex digits>`")]
    Malformed,
    /// Well-formed, but not the signature of this body under our App Secret.
    #[error("the X-Hub-Signature-256 header does not match the body")]
    Mismatch,
}

/// Check `header` (the raw `X-Hub-Signature-256` value) against `body` signed with `app_secret`.
///
/// Never panics, whatever the header holds. Hex digits are accepted in either case (Meta sends
/// lowercase; the digest bytes are what count), and the comparison is constant-time.
pub fn verify_signature(
    app_secret: &[u8],
    body: &[u8],
    header: Option<&str>,
) -> Result<(), SignatureError> {
    let header = header.ok_or(SignatureError::Missing)?.trim();
    let hex_digest = header
        .get(..PREFIX.len())
        .filter(|p| p.eq_ignore_ascii_case(PREFIX))
        .and_then(|_| header.get(PREFIX.len()..))
        .ok_or(SignatureError::Malformed)?;
    if hex_digest.len() != 64 {
        return Err(SignatureError::Malformed);
    }
    let expected = hex::decode(hex_digest).map_err(|_| SignatureError::Malformed)?;
    mac(app_secret, body)
        .verify_slice(&expected)
        .map_err(|_| SignatureError::Mismatch)
}

/// The full header value (`sha256=<lowercase hex>`) Meta would send for `body`.
pub fn sign(app_secret: &[u8], body: &[u8]) -> String {
    format!(
        "{PREFIX}{}",
        hex::encode(mac(app_secret, body).finalize().into_bytes())
    )
}

fn mac(app_secret: &[u8], body: &[u8]) -> HmacSha256 {
    // HMAC is defined for keys of any length (long keys are hashed, short ones padded), so
    // `new_from_slice` cannot fail; `Hmac` documents it as infallible for this reason.
    let mut mac = <HmacSha256 as Mac>::new_from_slice(app_secret)
        .expect("HMAC-SHA256 accepts keys of any length");
    mac.update(body);
    mac
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The four vectors of the Cloud API reference, §2.
    const VECTORS: [(&str, &[u8], &str); 4] = [
        (
            "secret",
            b"test",
            "0329a06b62cd16b33eb6792be8c60b158d89a2ee3a876fce9a881ebb488c0914",
        ),
        (
            "secret",
            b"body",
            "dc46983557fea127b43af721467eb9b3fde2338fe3e14f51952aa8478c13d355",
        ),
        (
            "test_app_secret",
            br#"{"t":"caf\u00e9 \ud83d\ude00"}"#,
            "b427313cb66d0c96fbec748eff174947f6f7a0958cf8cc06ffe3b6176555c50b",
        ),
        (
            "test_app_secret",
            "{\"t\":\"café 😀\"}".as_bytes(),
            "b3ac022ada28cfe337baa22c38018714ac6b7fe2651971ebe5de5f43ab96b8bd",
        ),
    ];

    #[test]
    fn sign_produces_the_documented_digest_for_every_test_vector() {
        for (key, body, hex) in VECTORS {
            assert_eq!(sign(key.as_bytes(), body), format!("sha256={hex}"));
        }
    }

    #[test]
    fn every_documented_test_vector_verifies() {
        for (key, body, hex) in VECTORS {
            let header = format!("sha256={hex}");
            assert_eq!(
                verify_signature(key.as_bytes(), body, Some(&header)),
                Ok(())
            );
        }
    }

    #[test]
    fn the_escaped_and_the_raw_utf8_forms_of_the_same_json_have_different_signatures() {
        let escaped = format!("sha256={}", VECTORS[2].2);
        assert_eq!(
            verify_signature(b"test_app_secret", VECTORS[3].1, Some(&escaped)),
            Err(SignatureError::Mismatch)
        );
    }

    #[test]
    fn a_missing_header_is_refused_as_missing() {
        assert_eq!(
            verify_signature(b"secret", b"test", None),
            Err(SignatureError::Missing)
        );
    }

    #[test]
    fn a_signature_made_with_another_secret_is_a_mismatch() {
        let header = sign(b"other", b"test");
        assert_eq!(
            verify_signature(b"secret", b"test", Some(&header)),
            Err(SignatureError::Mismatch)
        );
    }

    #[test]
    fn a_tampered_body_is_a_mismatch() {
        let header = sign(b"secret", b"test");
        assert_eq!(
            verify_signature(b"secret", b"tesT", Some(&header)),
            Err(SignatureError::Mismatch)
        );
    }

    #[test]
    fn uppercase_hex_of_the_right_digest_is_accepted() {
        let header = format!("sha256={}", VECTORS[0].2.to_uppercase());
        assert_eq!(verify_signature(b"secret", b"test", Some(&header)), Ok(()));
    }

    #[test]
    fn odd_junk_in_the_header_is_malformed_and_never_panics() {
        let long = "a".repeat(10_000);
        let bad = [
            "",
            "sha256=",
            "sha256",
            "sha1=0329a06b62cd16b33eb6792be8c60b158d89a2ee3a876fce9a881ebb488c0914",
            "0329a06b62cd16b33eb6792be8c60b158d89a2ee3a876fce9a881ebb488c0914",
            "sha256=0329a06b62cd16b33eb6792be8c60b158d89a2ee3a876fce9a881ebb488c091",
            "sha256=0329a06b62cd16b33eb6792be8c60b158d89a2ee3a876fce9a881ebb488c09140",
            "sha256=zz29a06b62cd16b33eb6792be8c60b158d89a2ee3a876fce9a881ebb488c0914",
            "sha256=é329a06b62cd16b33eb6792be8c60b158d89a2ee3a876fce9a881ebb488c091",
            "shä256=0329a06b62cd16b33eb6792be8c60b158d89a2ee3a876fce9a881ebb488c0914",
            "é",
            "😀😀😀😀😀😀😀",
            &long,
        ];
        for header in bad {
            assert_eq!(
                verify_signature(b"secret", b"test", Some(header)),
                Err(SignatureError::Malformed),
                "header {header:?}"
            );
        }
    }
}
