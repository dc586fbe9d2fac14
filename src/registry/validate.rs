//! What admins send to change the registry, and the checks that turn it into an [`Official`].
//!
//! Input types are strict (`deny_unknown_fields`: a typo in a field name is an error, not a
//! silently ignored field). Every problem is a [`FieldError`] naming the field, so a person
//! can fix it without guessing. Cross-official checks (one number, one official) live in the
//! service, which sees the whole registry.

use serde::{Deserialize, Deserializer, Serialize};
use time::format_description::well_known::Rfc3339;
use time::{Date, OffsetDateTime, Time};

use super::clean_text::{Lines, first_refused};
use super::model::{Official, OfficialId, OfficialStatus, PhoneEntry};
use crate::phone::{E164, Region};

/// Longest accepted name, designation, organisation, alias (characters).
const MAX_TEXT: usize = 200;
/// Longest accepted notes (characters).
const MAX_NOTES: usize = 2000;
/// Most entries in one list field (aliases, phones, ...).
const MAX_LIST: usize = 50;

/// A number as an admin writes it: `"+91 70000 00001"` or `{"number": "...", "label": "pa"}`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(untagged)]
pub enum PhoneInput {
    /// Just the number; labelled `official`.
    Written(String),
    /// The number with its label.
    Labelled(LabelledPhone),
}

/// A number with its label, as in `{"number": "+917000000001", "label": "pa"}`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LabelledPhone {
    /// The number in any common written form.
    pub number: String,
    /// `official` (default), `personal`, `office`, `pa`, or another short lowercase word.
    #[serde(default)]
    pub label: Option<String>,
}

/// The body of `POST /admin/officials`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewOfficial {
    /// Full name (required).
    pub name: String,
    /// Other spellings and scripts of the name.
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
    /// Registered numbers.
    #[serde(default)]
    pub phones: Vec<PhoneInput>,
    /// `active` (default) or `revoked`.
    #[serde(default)]
    pub status: Option<OfficialStatus>,
    /// Free text for admins.
    #[serde(default)]
    pub notes: String,
    /// RFC 3339 time or `YYYY-MM-DD` (start of that day, UTC) from which the numbers vouch.
    #[serde(default)]
    pub valid_from: Option<String>,
    /// RFC 3339 time or `YYYY-MM-DD` (end of that day, UTC) after which they stop vouching.
    #[serde(default)]
    pub valid_until: Option<String>,
}

/// The body of `PATCH /admin/officials/{id}`: only the fields present change.
/// `valid_from` / `valid_until` set to `null` clear the date.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OfficialPatch {
    /// New name.
    #[serde(default)]
    pub name: Option<String>,
    /// New aliases (the whole list).
    #[serde(default)]
    pub aliases: Option<Vec<String>>,
    /// New designation.
    #[serde(default)]
    pub designation: Option<String>,
    /// New designation aliases (the whole list).
    #[serde(default)]
    pub designation_aliases: Option<Vec<String>>,
    /// New organisation.
    #[serde(default)]
    pub organization: Option<String>,
    /// New numbers (the whole list).
    #[serde(default)]
    pub phones: Option<Vec<PhoneInput>>,
    /// New status.
    #[serde(default)]
    pub status: Option<OfficialStatus>,
    /// New notes.
    #[serde(default)]
    pub notes: Option<String>,
    /// New start date; `null` clears it.
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>)]
    pub valid_from: Option<Option<String>>,
    /// New end date; `null` clears it.
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>)]
    pub valid_until: Option<Option<String>>,
}

/// Tell a field that is present but `null` (`Some(None)`) from one that is absent (`None`).
fn present<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Option<String>>, D::Error> {
    Option::<String>::deserialize(d).map(Some)
}

/// One problem with one field of the input.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, thiserror::Error, utoipa::ToSchema)]
#[error("{field}: {message}")]
pub struct FieldError {
    /// The field, as a path: `name`, `phones[1].number`, `valid_until`.
    pub field: String,
    /// What is wrong, for a person.
    pub message: String,
}

impl FieldError {
    /// A problem with `field`.
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> FieldError {
        FieldError {
            field: field.into(),
            message: message.into(),
        }
    }
}

/// The checked content of an official: everything but id, timestamps and version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OfficialFields {
    /// Trimmed name.
    pub name: String,
    /// Trimmed, de-duplicated aliases.
    pub aliases: Vec<String>,
    /// Trimmed designation.
    pub designation: String,
    /// Trimmed, de-duplicated designation aliases.
    pub designation_aliases: Vec<String>,
    /// Trimmed organisation.
    pub organization: String,
    /// Numbers in E.164, each once.
    pub phones: Vec<PhoneEntry>,
    /// Active or revoked.
    pub status: OfficialStatus,
    /// Notes as given (trimmed).
    pub notes: String,
    /// Start of validity.
    pub valid_from: Option<OffsetDateTime>,
    /// End of validity.
    pub valid_until: Option<OffsetDateTime>,
}

impl OfficialFields {
    /// The content of an existing official.
    pub fn of(o: &Official) -> OfficialFields {
        OfficialFields {
            name: o.name.clone(),
            aliases: o.aliases.clone(),
            designation: o.designation.clone(),
            designation_aliases: o.designation_aliases.clone(),
            organization: o.organization.clone(),
            phones: o.phones.clone(),
            status: o.status,
            notes: o.notes.clone(),
            valid_from: o.valid_from,
            valid_until: o.valid_until,
        }
    }

    /// A new official with this content: version 1, created at `now`.
    pub fn into_official(self, id: OfficialId, now: OffsetDateTime) -> Official {
        let mut o = Official {
            id,
            name: String::new(),
            aliases: Vec::new(),
            designation: String::new(),
            designation_aliases: Vec::new(),
            organization: String::new(),
            phones: Vec::new(),
            status: OfficialStatus::Active,
            notes: String::new(),
            valid_from: None,
            valid_until: None,
            created_at: now,
            updated_at: now,
            version: 1,
        };
        self.apply_to(&mut o);
        o
    }

    /// Write this content into `o` (id, timestamps and version untouched).
    pub fn apply_to(self, o: &mut Official) {
        o.name = self.name;
        o.aliases = self.aliases;
        o.designation = self.designation;
        o.designation_aliases = self.designation_aliases;
        o.organization = self.organization;
        o.phones = self.phones;
        o.status = self.status;
        o.notes = self.notes;
        o.valid_from = self.valid_from;
        o.valid_until = self.valid_until;
    }
}

/// Check a new official (or an import row). All problems are reported, not just the first.
pub fn validate_new(input: &NewOfficial, home: Region) -> Result<OfficialFields, Vec<FieldError>> {
    let mut errors = Vec::new();
    let fields = OfficialFields {
        name: text("name", &input.name, true, &mut errors),
        aliases: list("aliases", &input.aliases, &mut errors),
        designation: text("designation", &input.designation, false, &mut errors),
        designation_aliases: list(
            "designation_aliases",
            &input.designation_aliases,
            &mut errors,
        ),
        organization: text("organization", &input.organization, false, &mut errors),
        phones: phones(&input.phones, home, &mut errors),
        status: input.status.unwrap_or_default(),
        notes: notes(&input.notes, &mut errors),
        valid_from: date(
            "valid_from",
            input.valid_from.as_deref(),
            false,
            &mut errors,
        ),
        valid_until: date(
            "valid_until",
            input.valid_until.as_deref(),
            true,
            &mut errors,
        ),
    };
    check_dates(&fields, &mut errors);
    if errors.is_empty() {
        Ok(fields)
    } else {
        Err(errors)
    }
}

/// Apply `patch` to the content of `current` and check the result.
pub fn validate_patch(
    current: &Official,
    patch: &OfficialPatch,
    home: Region,
) -> Result<OfficialFields, Vec<FieldError>> {
    let mut errors = Vec::new();
    let mut f = OfficialFields::of(current);
    if let Some(v) = &patch.name {
        f.name = text("name", v, true, &mut errors);
    }
    if let Some(v) = &patch.aliases {
        f.aliases = list("aliases", v, &mut errors);
    }
    if let Some(v) = &patch.designation {
        f.designation = text("designation", v, false, &mut errors);
    }
    if let Some(v) = &patch.designation_aliases {
        f.designation_aliases = list("designation_aliases", v, &mut errors);
    }
    if let Some(v) = &patch.organization {
        f.organization = text("organization", v, false, &mut errors);
    }
    if let Some(v) = &patch.phones {
        f.phones = phones(v, home, &mut errors);
    }
    if let Some(v) = patch.status {
        f.status = v;
    }
    if let Some(v) = &patch.notes {
        f.notes = notes(v, &mut errors);
    }
    if let Some(v) = &patch.valid_from {
        f.valid_from = date("valid_from", v.as_deref(), false, &mut errors);
    }
    if let Some(v) = &patch.valid_until {
        f.valid_until = date("valid_until", v.as_deref(), true, &mut errors);
    }
    check_dates(&f, &mut errors);
    if errors.is_empty() {
        Ok(f)
    } else {
        Err(errors)
    }
}

fn text(field: &str, value: &str, required: bool, errors: &mut Vec<FieldError>) -> String {
    let v = value.trim();
    if required && v.is_empty() {
        errors.push(FieldError::new(field, "is required"));
    } else if v.chars().count() > MAX_TEXT {
        errors.push(FieldError::new(
            field,
            format!("is longer than {MAX_TEXT} characters"),
        ));
    } else if let Some(refused) = first_refused(v, Lines::Single) {
        errors.push(FieldError::new(field, refused.to_string()));
    }
    v.to_string()
}

/// A list field: trimmed, empties dropped, each entry once. `|` is refused because the CSV
/// form separates list entries with it (so the value could not survive an export).
fn list(field: &str, values: &[String], errors: &mut Vec<FieldError>) -> Vec<String> {
    if values.len() > MAX_LIST {
        errors.push(FieldError::new(
            field,
            format!("has more than {MAX_LIST} entries"),
        ));
        return Vec::new();
    }
    let mut out: Vec<String> = Vec::new();
    for (i, raw) in values.iter().enumerate() {
        let name = format!("{field}[{i}]");
        let v = text(&name, raw, false, errors);
        if v.contains('|') {
            errors.push(FieldError::new(name, "must not contain `|`"));
        } else if !v.is_empty() && !out.contains(&v) {
            out.push(v);
        }
    }
    out
}

fn notes(value: &str, errors: &mut Vec<FieldError>) -> String {
    let v = value.trim();
    if v.chars().count() > MAX_NOTES {
        errors.push(FieldError::new(
            "notes",
            format!("is longer than {MAX_NOTES} characters"),
        ));
    } else if let Some(refused) = first_refused(v, Lines::Multi) {
        errors.push(FieldError::new("notes", refused.to_string()));
    }
    v.to_string()
}

fn phones(values: &[PhoneInput], home: Region, errors: &mut Vec<FieldError>) -> Vec<PhoneEntry> {
    if values.len() > MAX_LIST {
        errors.push(FieldError::new(
            "phones",
            format!("has more than {MAX_LIST} entries"),
        ));
        return Vec::new();
    }
    let mut out: Vec<PhoneEntry> = Vec::new();
    for (i, p) in values.iter().enumerate() {
        let (written, label) = match p {
            PhoneInput::Written(n) => (n.as_str(), None),
            PhoneInput::Labelled(l) => (l.number.as_str(), l.label.as_deref()),
        };
        let label = match label.map(str::trim).filter(|l| !l.is_empty()) {
            None => "official".to_string(),
            Some(l) => {
                let l = l.to_lowercase();
                let ok = l.len() <= 32
                    && l.chars()
                        .all(|c| c.is_alphanumeric() || c == '_' || c == '-' || c == ' ');
                if !ok {
                    errors.push(FieldError::new(
                        format!("phones[{i}].label"),
                        "must be a short word like official, personal, office or pa",
                    ));
                }
                l
            }
        };
        match E164::parse(written, home) {
            Ok(number) if out.iter().any(|e| e.number == number) => errors.push(FieldError::new(
                format!("phones[{i}].number"),
                format!("{} is listed twice", number.as_str()),
            )),
            Ok(number) => out.push(PhoneEntry { number, label }),
            Err(e) => errors.push(FieldError::new(
                format!("phones[{i}].number"),
                e.to_string(),
            )),
        }
    }
    out
}

/// A date: RFC 3339, or a plain `YYYY-MM-DD` meaning the start (or, for an end date, the last
/// second) of that day in UTC.
fn date(
    field: &str,
    value: Option<&str>,
    end_of_day: bool,
    errors: &mut Vec<FieldError>,
) -> Option<OffsetDateTime> {
    let v = value.map(str::trim).filter(|v| !v.is_empty())?;
    let t = parse_date(v, end_of_day);
    // Officials are stored and exported as RFC 3339, which has no year before 0 or after
    // 9999: a date it cannot write would fail only at the store, as a 500.
    match t {
        Some(t) if t.format(&Rfc3339).is_ok() => Some(t),
        _ => {
            errors.push(FieldError::new(
                field,
                "must be a date like 2026-04-01 or an RFC 3339 time like 2026-04-01T00:00:00+05:30",
            ));
            None
        }
    }
}

/// `v` as an RFC 3339 time, or a `YYYY-MM-DD` day (its start, or its last second).
fn parse_date(v: &str, end_of_day: bool) -> Option<OffsetDateTime> {
    if let Ok(t) = OffsetDateTime::parse(v, &Rfc3339) {
        return Some(t);
    }
    let day_format = time::macros::format_description!("[year]-[month]-[day]");
    let d = Date::parse(v, &day_format).ok()?;
    let t = if end_of_day {
        Time::from_hms(23, 59, 59).unwrap_or(Time::MIDNIGHT)
    } else {
        Time::MIDNIGHT
    };
    Some(d.with_time(t).assume_utc())
}

fn check_dates(f: &OfficialFields, errors: &mut Vec<FieldError>) {
    if let (Some(from), Some(until)) = (f.valid_from, f.valid_until)
        && from > until
    {
        errors.push(FieldError::new("valid_until", "is before valid_from"));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn new(name: &str, phones: &[&str]) -> NewOfficial {
        NewOfficial {
            name: name.into(),
            phones: phones
                .iter()
                .map(|p| PhoneInput::Written(p.to_string()))
                .collect(),
            ..NewOfficial::default()
        }
    }

    #[test]
    fn numbers_in_any_written_form_are_stored_in_e164() {
        let f = validate_new(
            &new("A", &["070000 00001", "+९१ ७००००००००२"]),
            Region::INDIA,
        )
        .unwrap();
        let numbers: Vec<_> = f.phones.iter().map(|p| p.number.as_str()).collect();
        assert_eq!(numbers, ["+917000000001", "+917000000002"]);
        assert_eq!(f.phones[0].label, "official");
    }

    #[test]
    fn an_invalid_number_is_named_by_its_position() {
        let errs = validate_new(&new("A", &["+917000000001", "hello"]), Region::INDIA).unwrap_err();
        assert_eq!(errs[0].field, "phones[1].number");
    }

    #[test]
    fn the_same_number_twice_in_one_official_is_refused() {
        let errs =
            validate_new(&new("A", &["+917000000001", "07000000001"]), Region::INDIA).unwrap_err();
        assert_eq!(errs[0].field, "phones[1].number");
    }

    #[test]
    fn a_missing_name_and_a_bad_date_are_both_reported() {
        let mut n = new("  ", &[]);
        n.valid_from = Some("tomorrow".into());
        let errs = validate_new(&n, Region::INDIA).unwrap_err();
        let fields: Vec<_> = errs.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["name", "valid_from"]);
    }

    #[test]
    fn plain_dates_cover_whole_days_and_must_be_in_order() {
        let mut n = new("A", &[]);
        n.valid_from = Some("2026-04-01".into());
        n.valid_until = Some("2026-04-01".into());
        let f = validate_new(&n, Region::INDIA).unwrap();
        assert!(f.valid_from < f.valid_until);
        n.valid_until = Some("2026-03-31".into());
        let errs = validate_new(&n, Region::INDIA).unwrap_err();
        assert_eq!(errs[0].field, "valid_until");
    }

    #[test]
    fn a_date_that_cannot_be_stored_as_rfc_3339_is_a_field_error() {
        // Such a date passed validation, then failed to serialise: a 500 instead of a 422.
        for date in ["-0001-01-01", "+10000-01-01"] {
            let mut n = new("A", &[]);
            n.valid_until = Some(date.into());
            match validate_new(&n, Region::INDIA) {
                Err(errs) => assert_eq!(errs[0].field, "valid_until", "{date}"),
                Ok(f) => panic!("{date} accepted as {:?}", f.valid_until),
            }
        }
    }

    #[test]
    fn phones_may_be_strings_or_labelled_objects_but_nothing_else() {
        let json = r#"{"name":"A","phones":["7000000001",{"number":"7000000002","label":"PA"}]}"#;
        let n: NewOfficial = serde_json::from_str(json).unwrap();
        let f = validate_new(&n, Region::INDIA).unwrap();
        assert_eq!(f.phones[1].label, "pa");
        assert!(serde_json::from_str::<NewOfficial>(r#"{"name":"A","nmae":"B"}"#).is_err());
        assert!(
            serde_json::from_str::<NewOfficial>(r#"{"name":"A","phones":[{"num":"1"}]}"#).is_err()
        );
    }

    #[test]
    fn a_patch_tells_null_from_absent() {
        let p: OfficialPatch = serde_json::from_str(r#"{"valid_from":null}"#).unwrap();
        assert_eq!(p.valid_from, Some(None));
        assert_eq!(p.valid_until, None);
    }

    #[test]
    fn list_entries_are_trimmed_once_each_and_may_not_hold_the_csv_separator() {
        let mut n = new("A", &[]);
        n.aliases = vec![" अरविंद ".into(), "अरविंद".into(), "".into()];
        assert_eq!(validate_new(&n, Region::INDIA).unwrap().aliases, ["अरविंद"]);
        n.aliases = vec!["a|b".into()];
        assert_eq!(
            validate_new(&n, Region::INDIA).unwrap_err()[0].field,
            "aliases[0]"
        );
    }

    #[test]
    fn hidden_characters_are_named_by_field_and_code_point() {
        let n = NewOfficial {
            name: "Arvind\u{202E}Mehta".into(),
            aliases: vec!["A. Mehta".into(), "A.\u{200B}Mehta".into()],
            designation: "Commi\u{2066}ssioner".into(),
            designation_aliases: vec!["\u{FEFF}Commissioner".into()],
            organization: "Dewas\u{200F} MC".into(),
            notes: "ring \u{7} escape \u{1B}".into(),
            ..NewOfficial::default()
        };
        let errs = validate_new(&n, Region::INDIA).unwrap_err();
        let got: Vec<(&str, bool)> = errs
            .iter()
            .map(|e| (e.field.as_str(), e.message.starts_with("contains U+")))
            .collect();
        assert_eq!(
            got,
            [
                ("name", true),
                ("aliases[1]", true),
                ("designation", true),
                ("designation_aliases[0]", true),
                ("organization", true),
                ("notes", true),
            ]
        );
        let code_points: Vec<&str> = errs.iter().map(|e| &e.message[9..15]).collect();
        assert_eq!(
            code_points,
            ["U+202E", "U+200B", "U+2066", "U+FEFF", "U+200F", "U+0007"]
        );
    }

    #[test]
    fn a_patch_is_held_to_the_same_characters() {
        let o = validate_new(&new("Arvind Mehta", &[]), Region::INDIA)
            .unwrap()
            .into_official(OfficialId::generate(), OffsetDateTime::UNIX_EPOCH);
        let patch = OfficialPatch {
            name: Some("Arvind\u{200D}Mehta".into()),
            notes: Some("first line\r\n\tsecond line".into()),
            ..OfficialPatch::default()
        };
        let errs = validate_patch(&o, &patch, Region::INDIA).unwrap_err();
        assert_eq!(errs.len(), 1, "{errs:?}");
        assert_eq!(errs[0].field, "name");
        assert!(errs[0].message.contains("U+200D"), "{}", errs[0].message);
    }

    #[test]
    fn marathi_and_malayalam_joiners_after_a_virama_are_kept() {
        let mut n = new("कर्\u{200D}हाड नगर परिषद", &[]);
        n.aliases = vec!["മോഹന്\u{200D}".into()];
        let f = validate_new(&n, Region::INDIA).unwrap();
        assert_eq!(f.name, "कर्\u{200D}हाड नगर परिषद");
    }
}
