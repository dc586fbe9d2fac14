//! Logging: one subscriber for the whole process, and the one place that keeps phone numbers
//! out of logs.
//!
//! Code should already log numbers through [`crate::phone::mask_phone`] or `E164`'s `Display`
//! (which masks). As a safety net every formatted log line also passes through
//! [`mask_numbers_in`], which masks any run of 8+ digits (a phone number or WhatsApp id) that
//! slipped through, in both the pretty and the JSON format.

use std::io::{self, Write};
use std::sync::LazyLock;

use regex::Regex;
use tracing_subscriber::EnvFilter;
use tracing_subscriber::fmt::MakeWriter;

use crate::config::LogFormat;
use crate::phone::mask_phone;

/// Install the global subscriber. `RUST_LOG` filters (default `info`). Call once.
pub fn init(format: LogFormat) {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(MaskingWriter::stdout());
    let result = match format {
        LogFormat::Json => builder.json().flatten_event(true).try_init(),
        LogFormat::Pretty => builder.try_init(),
    };
    // A second init (tests) keeps the first subscriber: not an error worth stopping for.
    let _ = result;
}

static PHONE_LIKE: LazyLock<Regex> = LazyLock::new(|| {
    // Either `+` and 8 or more digits, possibly broken by single spaces or dashes (a written
    // international number), or a bare run of 10 or more digits (a WhatsApp id, a national
    // number). Dates (`2026-11-28`) and short counts stay readable; a 10-digit unix time is
    // masked too: a little lost detail beats a leaked number.
    Regex::new(r"\+\d(?:[ \-]?\d){7,}|\d{10,}").expect("static regex")
});

static URL_ENCODED_PHONE: LazyLock<Regex> = LazyLock::new(|| {
    // A number in a request path, its spaces or dashes percent-encoded
    // (`/admin/lookup/+91%2070000%2000001`): the digit runs between escapes are too short for
    // `PHONE_LIKE`, and the escapes' own digits must not count.
    Regex::new(r"(?i)(?:\+|%2B)?\d+(?:(?:%20|%2D|%C2%A0)\d+)+").expect("static regex")
});

/// Mask every phone-number-like run of digits in `line`.
pub fn mask_numbers_in(line: &str) -> std::borrow::Cow<'_, str> {
    let masked = PHONE_LIKE.replace_all(line, |caps: &regex::Captures<'_>| mask_phone(&caps[0]));
    if !masked.contains('%') {
        return masked;
    }
    let unescaped = URL_ENCODED_PHONE.replace_all(&masked, |caps: &regex::Captures<'_>| {
        let plain = caps[0]
            .to_ascii_uppercase()
            .replace("%2B", "+")
            .replace("%C2%A0", "")
            .replace("%20", "")
            .replace("%2D", "");
        if plain.bytes().filter(u8::is_ascii_digit).count() >= 8 {
            mask_phone(&plain)
        } else {
            caps[0].to_string()
        }
    });
    std::borrow::Cow::Owned(unescaped.into_owned())
}

/// A `MakeWriter` whose writers mask phone numbers in what passes through.
#[derive(Debug, Clone, Copy)]
pub struct MaskingWriter {
    to_stderr: bool,
}

impl MaskingWriter {
    /// Mask, then write to standard output.
    pub fn stdout() -> MaskingWriter {
        MaskingWriter { to_stderr: false }
    }
}

/// One log event's bytes, masked and written when dropped.
pub struct MaskedLine {
    buf: Vec<u8>,
    to_stderr: bool,
}

impl Write for MaskedLine {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        self.buf.extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl Drop for MaskedLine {
    fn drop(&mut self) {
        let text = String::from_utf8_lossy(&self.buf);
        let masked = mask_numbers_in(&text);
        // Logging must never take the process down: a closed stdout is ignored.
        let _ = if self.to_stderr {
            io::stderr().lock().write_all(masked.as_bytes())
        } else {
            io::stdout().lock().write_all(masked.as_bytes())
        };
    }
}

impl<'a> MakeWriter<'a> for MaskingWriter {
    type Writer = MaskedLine;

    fn make_writer(&'a self) -> Self::Writer {
        MaskedLine {
            buf: Vec::with_capacity(256),
            to_stderr: self.to_stderr,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_in_log_lines_are_masked() {
        let line = r#"{"msg":"reply sent","to":"919876543210","other":"+94 71 234 5678"}"#;
        let masked = mask_numbers_in(line);
        assert!(!masked.contains("919876543210"), "{masked}");
        assert!(!masked.contains("234 5678"), "{masked}");
        assert!(masked.contains("91•••••3210"), "{masked}");
    }

    #[test]
    fn short_numbers_dates_and_words_are_left_alone() {
        let line =
            "2026-11-28T21:31:02.819688Z status=200 latency_ms=12 count=1930 id=wamid.HBgLMTY1";
        assert_eq!(mask_numbers_in(line), line);
    }

    #[test]
    fn a_number_with_percent_encoded_spaces_in_a_request_path_is_masked() {
        for path in [
            "path=/admin/lookup/+91%2070000%2000001",
            "path=/admin/lookup/%2B91%2070000%2000001",
            "path=/admin/lookup/70000%2D00001",
        ] {
            let masked = mask_numbers_in(path);
            assert!(!masked.contains("70000"), "{masked}");
            assert!(masked.contains("•••••0001"), "{masked}");
        }
        assert_eq!(mask_numbers_in("a=1%20b q=12%2034"), "a=1%20b q=12%2034");
    }

    #[test]
    fn national_numbers_and_wa_ids_are_masked() {
        let masked = mask_numbers_in("to=7000000001 from=919876543210");
        assert_eq!(masked, "to=70•••••0001 from=91•••••3210");
    }
}
