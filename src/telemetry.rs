//! Logging: one subscriber for the whole process, and the one place that keeps phone numbers
//! out of logs and log lines short.
//!
//! Code should already log numbers through [`crate::phone::mask_phone`] or `E164`'s `Display`
//! (which masks). As a safety net every formatted log line also passes through
//! [`mask_numbers_in`], which masks any run of 8+ digits (a phone number or WhatsApp id) that
//! slipped through, in both the pretty and the JSON format. Then [`bound::bound_line`] cuts a
//! line longer than [`MAX_LINE`] bytes, keeping JSON lines valid JSON (see [`bound`]).

use std::io::{self, Write};
use std::sync::LazyLock;

pub mod bound;

pub use bound::{LIST_PREVIEW, MAX_LINE, Preview, preview_json};

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
        .with_writer(MaskingWriter::new(format, io::stdout));
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

/// A `MakeWriter` whose writers mask phone numbers in each log line, cut it to [`MAX_LINE`]
/// bytes, and hand it to `inner` (standard output in production) in one write.
#[derive(Debug, Clone, Copy)]
pub struct MaskingWriter<M> {
    inner: M,
    format: LogFormat,
}

impl<M> MaskingWriter<M> {
    /// Lines in `format`, written to the writers `inner` makes.
    pub fn new(format: LogFormat, inner: M) -> MaskingWriter<M> {
        MaskingWriter { inner, format }
    }
}

/// One log event's bytes, masked, bounded and written when dropped.
pub struct MaskedLine<W: Write> {
    buf: Vec<u8>,
    format: LogFormat,
    out: W,
}

impl<W: Write> Write for MaskedLine<W> {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        self.buf.extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl<W: Write> Drop for MaskedLine<W> {
    fn drop(&mut self) {
        let text = String::from_utf8_lossy(&self.buf);
        // Mask first: a cut must not leave the first digits of a number unmasked.
        let masked = mask_numbers_in(&text);
        let line = bound::bound_line(&masked, self.format);
        // Logging must never take the process down: a closed stdout is ignored.
        let _ = self.out.write_all(line.as_bytes());
    }
}

impl<'a, M: MakeWriter<'a>> MakeWriter<'a> for MaskingWriter<M> {
    type Writer = MaskedLine<M::Writer>;

    fn make_writer(&'a self) -> Self::Writer {
        MaskedLine {
            buf: Vec::with_capacity(256),
            format: self.format,
            out: self.inner.make_writer(),
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

    /// What the writer wrote, shared with the test.
    #[derive(Clone, Default)]
    struct Capture(std::sync::Arc<std::sync::Mutex<Vec<u8>>>);

    impl Write for Capture {
        fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(bytes);
            Ok(bytes.len())
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    impl<'a> MakeWriter<'a> for Capture {
        type Writer = Capture;
        fn make_writer(&'a self) -> Capture {
            self.clone()
        }
    }

    /// Log `event` through the real subscriber in `format`; the lines written.
    fn logged(format: LogFormat, event: impl FnOnce()) -> Vec<String> {
        let capture = Capture::default();
        let builder = tracing_subscriber::fmt()
            .with_writer(MaskingWriter::new(format, capture.clone()))
            .with_ansi(false);
        match format {
            LogFormat::Json => tracing::subscriber::with_default(
                builder.json().flatten_event(true).finish(),
                event,
            ),
            LogFormat::Pretty => tracing::subscriber::with_default(builder.finish(), event),
        }
        let bytes = capture.0.lock().unwrap().clone();
        String::from_utf8(bytes)
            .unwrap()
            .lines()
            .map(String::from)
            .collect()
    }

    /// A rejected import's row errors written out whole, as they once were (27.6 MB for
    /// 50,000 rows), with a phone number on every row.
    fn huge_row_list() -> String {
        (1..=50_000)
            .map(|row| format!("row {row}, phones[0].number: +91 70000 {row:05} is also on row 1"))
            .collect::<Vec<_>>()
            .join("; ")
    }

    #[test]
    fn no_json_log_line_is_longer_than_8_kib_and_each_stays_valid_json() {
        let rows = huge_row_list();
        let lines = logged(LogFormat::Json, || {
            let span = tracing::info_span!("http", path = "/admin/officials/import");
            let _in = span.enter();
            tracing::warn!(rows = %rows, "import rejected");
            tracing::info!("a short line after it");
        });
        assert_eq!(lines.len(), 2);
        let first: serde_json::Value = serde_json::from_str(&lines[0]).unwrap();
        assert!(lines[0].len() < MAX_LINE, "{}", lines[0].len());
        assert_eq!(
            (first["level"].as_str(), first["message"].as_str()),
            (Some("WARN"), Some("import rejected"))
        );
        assert!(first[bound::CUT_FIELD].as_u64().unwrap() > 2_000_000);
        assert!(!lines[0].contains("70000 00001"), "masked before cut");
        let second: serde_json::Value = serde_json::from_str(&lines[1]).unwrap();
        assert_eq!(second["message"], "a short line after it");
        assert!(second.get(bound::CUT_FIELD).is_none());
    }

    #[test]
    fn no_pretty_log_line_is_longer_than_8_kib() {
        let rows = huge_row_list();
        let lines = logged(
            LogFormat::Pretty,
            || tracing::warn!(rows = %rows, "import rejected"),
        );
        assert_eq!(lines.len(), 1);
        assert!(lines[0].len() < MAX_LINE, "{}", lines[0].len());
        assert!(
            lines[0].contains("import rejected") || lines[0].contains("rows="),
            "{}",
            &lines[0][..200]
        );
        assert!(lines[0].contains("…[log line cut from"));
        assert!(!lines[0].contains("70000 0"), "masked before cut");
    }

    #[test]
    fn a_number_straddling_the_cut_is_masked_not_half_shown() {
        let pad = "x".repeat(MAX_LINE - 60);
        let line = format!("{pad} +91 98765 43210 {}\n", "y".repeat(MAX_LINE));
        let capture = Capture::default();
        let writer = MaskingWriter::new(LogFormat::Pretty, capture.clone());
        writer.make_writer().write_all(line.as_bytes()).unwrap();
        let out = String::from_utf8(capture.0.lock().unwrap().clone()).unwrap();
        assert!(out.len() <= MAX_LINE);
        assert!(!out.contains("98765"), "{}", &out[out.len() - 100..]);
    }
}
