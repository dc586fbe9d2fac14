//! Log lines of bounded size: no line over [`MAX_LINE`] bytes, whatever is logged.
//!
//! Two layers. Where a list is logged (an import's row errors, a request's field errors),
//! [`Preview`] and [`preview_json`] write its length and its first [`LIST_PREVIEW`] entries.
//! And the log writer cuts every line that is still too long ([`bound_line`]), as the last
//! line of defence against a field nobody thought could be large:
//!
//! - **pretty**: the line is cut on a character boundary (and before an unfinished colour
//!   escape) and ends with ` …[log line cut from N bytes]`.
//! - **json**: the line is parsed and its strings are shortened (each ending in `…`) until
//!   the object fits, with `"log_line_cut_from": N` added, so that it stays one valid JSON
//!   object a log shipper can read. If even that does not fit, only `timestamp`, `level`,
//!   `target` and a shortened `message` are kept.
//!
//! Lines are masked ([`super::mask_numbers_in`]) before they are cut, so a cut never leaves
//! the first digits of a phone number unmasked.

use std::borrow::Cow;
use std::fmt;

use serde_json::{Map, Value};

use crate::config::LogFormat;

/// The longest log line written, in bytes, line feed included.
pub const MAX_LINE: usize = 8 * 1024;

/// How many entries of a logged list are written out; the rest are counted.
pub const LIST_PREVIEW: usize = 10;

/// Longest string kept whole in a [`preview_json`] (characters).
const PREVIEW_STRING: usize = 200;

/// The field a cut JSON line carries: the line's length before the cut, in bytes.
pub const CUT_FIELD: &str = "log_line_cut_from";

/// A list for a log line or a message: the first [`LIST_PREVIEW`] entries, `; `-separated,
/// then `… and N more (M in all)`.
pub struct Preview<'a, T>(pub &'a [T]);

impl<T: fmt::Display> fmt::Display for Preview<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, item) in self.0.iter().take(LIST_PREVIEW).enumerate() {
            if i > 0 {
                f.write_str("; ")?;
            }
            write!(f, "{item}")?;
        }
        if self.0.len() > LIST_PREVIEW {
            write!(
                f,
                "; … and {} more ({} in all)",
                self.0.len() - LIST_PREVIEW,
                self.0.len()
            )?;
        }
        Ok(())
    }
}

/// A JSON value for a log line: arrays cut to their first [`LIST_PREVIEW`] entries (then a
/// `"… and N more (M in all)"` entry), strings to 200 characters.
pub fn preview_json(value: &Value) -> Value {
    match value {
        Value::Array(items) => {
            let mut out: Vec<Value> = items.iter().take(LIST_PREVIEW).map(preview_json).collect();
            if items.len() > LIST_PREVIEW {
                out.push(Value::String(format!(
                    "… and {} more ({} in all)",
                    items.len() - LIST_PREVIEW,
                    items.len()
                )));
            }
            Value::Array(out)
        }
        Value::Object(map) => Value::Object(
            map.iter()
                .map(|(k, v)| (k.clone(), preview_json(v)))
                .collect(),
        ),
        Value::String(s) => Value::String(preview_str(s, PREVIEW_STRING).into_owned()),
        other => other.clone(),
    }
}

/// `s` cut to `max` characters, with `…` when cut.
pub fn preview_str(s: &str, max: usize) -> Cow<'_, str> {
    match s.char_indices().nth(max) {
        None => Cow::Borrowed(s),
        Some((at, _)) => Cow::Owned(format!("{}…", &s[..at])),
    }
}

/// A formatted (and masked) log line, cut to [`MAX_LINE`] bytes if it is longer.
pub fn bound_line(line: &str, format: LogFormat) -> Cow<'_, str> {
    if line.len() <= MAX_LINE {
        return Cow::Borrowed(line);
    }
    Cow::Owned(match format {
        LogFormat::Pretty => cut_text(line),
        LogFormat::Json => cut_json(line),
    })
}

fn cut_text(line: &str) -> String {
    let marker = format!(" …[log line cut from {} bytes]\n", line.len());
    // Room for the marker and a colour reset.
    let mut end = floor_char_boundary(line, MAX_LINE - marker.len() - RESET.len());
    if let Some(esc) = line[..end].rfind('\u{1b}')
        && !line[esc..end].contains(|c: char| c.is_ascii_alphabetic())
    {
        end = esc; // an unfinished `ESC [ ... m` would garble the terminal
    }
    let reset = if line[..end].contains('\u{1b}') {
        RESET
    } else {
        ""
    };
    format!("{}{reset}{marker}", &line[..end])
}

/// Resets terminal colours after a cut pretty line.
const RESET: &str = "\u{1b}[0m";

/// The largest char boundary of `s` at or below `at` (`str::floor_char_boundary` is newer
/// than our minimum Rust).
fn floor_char_boundary(s: &str, at: usize) -> usize {
    (0..=at.min(s.len()))
        .rev()
        .find(|&i| s.is_char_boundary(i))
        .unwrap_or(0)
}

fn cut_json(line: &str) -> String {
    let original = line.len();
    let mut object = match serde_json::from_str::<Value>(line.trim_end()) {
        Ok(Value::Object(map)) => map,
        // Not one JSON object (it should always be): keep it as the message of one.
        _ => Map::from_iter([("message".to_string(), Value::String(line.to_string()))]),
    };
    object.insert(CUT_FIELD.into(), original.into());
    let essentials: Map<String, Value> = ["timestamp", "level", "target", "message", CUT_FIELD]
        .into_iter()
        .filter_map(|k| object.get(k).map(|v| (k.to_string(), v.clone())))
        .collect();
    shrink_to_fit(Value::Object(object))
        .or_else(|| shrink_to_fit(Value::Object(essentials)))
        .unwrap_or_else(|| format!("{{\"{CUT_FIELD}\":{original}}}\n"))
}

/// Shorten every string of `value` (halving the allowance each round) until it serialises,
/// line feed included, within [`MAX_LINE`]; `None` if even empty strings do not fit.
fn shrink_to_fit(mut value: Value) -> Option<String> {
    let mut allowance = MAX_LINE;
    loop {
        cut_strings(&mut value, allowance);
        let mut text = serde_json::to_string(&value).ok()?;
        if text.len() < MAX_LINE {
            text.push('\n');
            return Some(text);
        }
        if allowance == 0 {
            return None;
        }
        allowance /= 2;
    }
}

fn cut_strings(value: &mut Value, max: usize) {
    match value {
        Value::String(s) => {
            if let Cow::Owned(cut) = preview_str(s, max) {
                *s = cut;
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|v| cut_strings(v, max)),
        Value::Object(map) => map.values_mut().for_each(|v| cut_strings(v, max)),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_short_list_is_written_whole_and_a_long_one_counted() {
        assert_eq!(Preview(&["a", "b"]).to_string(), "a; b");
        let many: Vec<u32> = (1..=50_000).collect();
        let text = Preview(&many).to_string();
        assert_eq!(
            text,
            "1; 2; 3; 4; 5; 6; 7; 8; 9; 10; … and 49990 more (50000 in all)"
        );
    }

    #[test]
    fn a_json_preview_keeps_ten_entries_and_short_strings() {
        let rows: Vec<Value> = (1..=50_000)
            .map(|i| serde_json::json!({"row": i, "message": "x".repeat(1000)}))
            .collect();
        let preview = preview_json(&serde_json::json!({"rows": rows}));
        let shown = preview["rows"].as_array().unwrap();
        assert_eq!(shown.len(), 11);
        assert_eq!(shown[10], "… and 49990 more (50000 in all)");
        assert_eq!(shown[0]["message"].as_str().unwrap().chars().count(), 201);
    }

    #[test]
    fn a_short_line_is_left_exactly_as_it_is() {
        let line = "{\"level\":\"INFO\",\"message\":\"hi\"}\n";
        assert!(matches!(
            bound_line(line, LogFormat::Json),
            Cow::Borrowed(l) if l == line
        ));
    }

    #[test]
    fn a_long_pretty_line_is_cut_on_a_character_boundary_with_a_marker() {
        let line = format!("WARN asli: {}\n", "अरविंद".repeat(10_000));
        let cut = bound_line(&line, LogFormat::Pretty);
        assert!(cut.len() <= MAX_LINE, "{}", cut.len());
        assert!(cut.starts_with("WARN asli: अरविंद"));
        assert!(cut.ends_with(&format!(" …[log line cut from {} bytes]\n", line.len())));
    }

    #[test]
    fn a_cut_pretty_line_does_not_end_inside_a_colour_escape() {
        let body = "x".repeat(MAX_LINE - 60);
        let line = format!("{body}\u{1b}[3m{}\u{1b}[0m\n", "y".repeat(MAX_LINE));
        let cut = bound_line(&line, LogFormat::Pretty);
        assert!(cut.len() <= MAX_LINE);
        let kept = cut.split(" …[log line cut").next().unwrap();
        assert!(kept.ends_with(RESET), "{kept:?}");
    }

    #[test]
    fn a_long_json_line_stays_one_valid_object_with_its_level_and_target() {
        let line = serde_json::json!({
            "timestamp": "2026-11-28T21:31:02Z",
            "level": "WARN",
            "target": "tracing_actix_web::middleware",
            "message": format!("rejected: {}", "\"quoted\" \\ \u{1} ".repeat(200_000)),
            "exception.details": "é".repeat(100_000),
            "spans": [{"name": "http", "path": "/admin/officials/import"}],
        })
        .to_string()
            + "\n";
        let cut = bound_line(&line, LogFormat::Json);
        assert!(cut.len() <= MAX_LINE, "{}", cut.len());
        assert!(cut.ends_with('\n') && !cut.trim_end().contains('\n'));
        let v: Value = serde_json::from_str(&cut).unwrap();
        assert_eq!(v["level"], "WARN");
        assert_eq!(v["target"], "tracing_actix_web::middleware");
        assert_eq!(v["spans"][0]["path"], "/admin/officials/import");
        assert_eq!(v[CUT_FIELD], line.len());
        assert!(
            v["message"]
                .as_str()
                .unwrap()
                .starts_with("rejected: \"quoted\"")
        );
    }

    #[test]
    fn a_json_line_of_too_many_fields_keeps_the_essentials() {
        let mut map = Map::new();
        map.insert("level".into(), "ERROR".into());
        map.insert("message".into(), "boom".into());
        for i in 0..5_000 {
            map.insert(format!("field_{i}"), i.into());
        }
        let line = Value::Object(map).to_string() + "\n";
        let cut = bound_line(&line, LogFormat::Json);
        assert!(cut.len() <= MAX_LINE);
        let v: Value = serde_json::from_str(&cut).unwrap();
        assert_eq!(
            (v["level"].as_str(), v["message"].as_str()),
            (Some("ERROR"), Some("boom"))
        );
        assert!(v.get("field_1").is_none());
    }

    #[test]
    fn a_long_line_that_is_not_json_becomes_a_json_message() {
        let line = "not json ".repeat(10_000);
        let cut = bound_line(&line, LogFormat::Json);
        assert!(cut.len() <= MAX_LINE);
        let v: Value = serde_json::from_str(&cut).unwrap();
        assert!(v["message"].as_str().unwrap().starts_with("not json"));
    }
}
