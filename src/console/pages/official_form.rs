//! The official form: what the clerk typed, how it becomes the admin API's input, and the
//! page markup with each problem next to its field.
//!
//! The form only carries text; every rule (required name, numbers in any written form, one
//! number one official, dates) is the registry's, applied by [`crate::registry::RegistryService`]
//! exactly as for the API. The form keeps what was typed, so a refused form comes back as
//! the clerk left it.

use maud::{Markup, html};
use time::format_description::well_known::Rfc3339;
use time::{OffsetDateTime, Time, UtcOffset};

pub use super::form_errors::FormErrors;
use crate::console::form::FormData;
use crate::console::i18n::{Language, t, ta};
use crate::console::problems;
use crate::phone::{E164, Region};
use crate::registry::{
    FieldError, LabelledPhone, NewOfficial, Official, OfficialPatch, OfficialStatus, PhoneInput,
};

/// Phone rows shown at least (blank ones to fill in; the script adds more).
const MIN_PHONE_ROWS: usize = 2;

/// The official form as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OfficialForm {
    /// Full name.
    pub name: String,
    /// Other names, one a line.
    pub aliases: String,
    /// The post.
    pub designation: String,
    /// Other names of the post, one a line.
    pub designation_aliases: String,
    /// The office.
    pub organization: String,
    /// Number and label rows, as typed (blank rows included).
    pub phones: Vec<(String, String)>,
    /// Active or retired.
    pub status: OfficialStatus,
    /// Free text.
    pub notes: String,
    /// First day, `YYYY-MM-DD` or RFC 3339.
    pub valid_from: String,
    /// Last day, `YYYY-MM-DD` or RFC 3339.
    pub valid_until: String,
    /// The ETag of the version the form was filled from (empty for a new official).
    pub version: String,
}

impl OfficialForm {
    /// What a posted form holds.
    pub fn from_form(f: &FormData) -> OfficialForm {
        let phones = f
            .numbered("phone_number_")
            .into_iter()
            .map(|(n, number)| {
                let label = f.get(&format!("phone_label_{n}"));
                (number.to_string(), label.to_string())
            })
            .collect();
        OfficialForm {
            name: f.get("name").to_string(),
            aliases: f.get("aliases").to_string(),
            designation: f.get("designation").to_string(),
            designation_aliases: f.get("designation_aliases").to_string(),
            organization: f.get("organization").to_string(),
            phones,
            status: match f.get("status") {
                "revoked" => OfficialStatus::Revoked,
                _ => OfficialStatus::Active,
            },
            notes: f.get("notes").to_string(),
            valid_from: f.get("valid_from").to_string(),
            valid_until: f.get("valid_until").to_string(),
            version: f.get("version").to_string(),
        }
    }

    /// The form filled from a stored official.
    pub fn from_official(o: &Official) -> OfficialForm {
        OfficialForm {
            name: o.name.clone(),
            aliases: o.aliases.join("\n"),
            designation: o.designation.clone(),
            designation_aliases: o.designation_aliases.join("\n"),
            organization: o.organization.clone(),
            phones: o
                .phones
                .iter()
                .map(|p| (p.number.as_str().to_string(), p.label.clone()))
                .collect(),
            status: o.status,
            notes: o.notes.clone(),
            valid_from: o
                .valid_from
                .map(|t| day_or_time(t, Time::MIDNIGHT))
                .unwrap_or_default(),
            valid_until: o
                .valid_until
                .map(|t| day_or_time(t, end_of_day()))
                .unwrap_or_default(),
            version: o.etag(),
        }
    }

    /// The admin API's input for a new official.
    pub fn to_new(&self) -> NewOfficial {
        NewOfficial {
            name: self.name.clone(),
            aliases: lines(&self.aliases).0,
            designation: self.designation.clone(),
            designation_aliases: lines(&self.designation_aliases).0,
            organization: self.organization.clone(),
            phones: self.phone_inputs().0,
            status: Some(self.status),
            notes: self.notes.clone(),
            valid_from: non_empty(&self.valid_from),
            valid_until: non_empty(&self.valid_until),
        }
    }

    /// The admin API's change: every field of the form (a cleared date clears it).
    pub fn to_patch(&self) -> OfficialPatch {
        let n = self.to_new();
        OfficialPatch {
            name: Some(n.name),
            aliases: Some(n.aliases),
            designation: Some(n.designation),
            designation_aliases: Some(n.designation_aliases),
            organization: Some(n.organization),
            phones: Some(n.phones),
            status: n.status,
            notes: Some(n.notes),
            valid_from: Some(n.valid_from),
            valid_until: Some(n.valid_until),
        }
    }

    /// Filled-in phone rows as API input, with the form row each came from.
    fn phone_inputs(&self) -> (Vec<PhoneInput>, Vec<usize>) {
        self.phones
            .iter()
            .enumerate()
            .filter(|(_, (number, _))| !number.trim().is_empty())
            .map(|(row, (number, label))| {
                let input = PhoneInput::Labelled(LabelledPhone {
                    number: number.clone(),
                    label: non_empty(label),
                });
                (input, row)
            })
            .unzip()
    }

    /// Problems from the registry, placed next to the fields they are about.
    pub fn errors(&self, lang: Language, problems: &[FieldError]) -> FormErrors {
        let mut errors = FormErrors::default();
        let alias_lines = lines(&self.aliases).1;
        let title_lines = lines(&self.designation_aliases).1;
        let phone_rows = self.phone_inputs().1;
        for p in problems {
            let (base, index, sub) = split_path(&p.field);
            let text = problems::describe(lang, &p.message);
            let line = |map: &[usize]| index.and_then(|i| map.get(i)).map(|l| l + 1);
            match (base, sub) {
                ("aliases", _) => errors.add_line("aliases", line(&alias_lines), lang, text),
                ("designation_aliases", _) => {
                    errors.add_line("designation_aliases", line(&title_lines), lang, text)
                }
                ("phones", Some(sub @ ("number" | "label"))) => {
                    match index.and_then(|i| phone_rows.get(i)) {
                        Some(row) => errors.add(&format!("phone_{sub}_{row}"), text),
                        None => errors.add("phones", text),
                    }
                }
                (base, _) if FIELDS.contains(&base) => errors.add(base, text),
                _ => errors.add("form", text),
            }
        }
        errors
    }

    /// `number` (E.164) belongs to another official: the problem goes next to the row that
    /// holds it.
    pub fn number_taken(
        &self,
        lang: Language,
        home: Region,
        number: &str,
        owner: &str,
    ) -> FormErrors {
        let text = ta(lang, "problem-number-owned", &[("name", owner.into())]);
        let row = self
            .phones
            .iter()
            .position(|(n, _)| E164::parse(n, home).is_ok_and(|e| e.as_str() == number));
        let mut errors = FormErrors::default();
        match row {
            Some(r) => errors.add(&format!("phone_number_{r}"), text),
            None => errors.add("phones", text),
        }
        errors
    }

    /// The form's fields (without the `<form>` element, CSRF field and buttons).
    pub fn fields(&self, lang: Language, errors: &FormErrors) -> Markup {
        let mut rows = self.phones.clone();
        while rows.len() < MIN_PHONE_ROWS || rows.last().is_some_and(|(n, _)| !n.is_empty()) {
            rows.push((String::new(), String::new()));
        }
        html! {
            (errors.summary(lang))
            input type="hidden" name="version" value=(self.version);
            (text_field(lang, errors, "name", &self.name, true))
            (area_field(lang, errors, "aliases", &self.aliases))
            (text_field(lang, errors, "designation", &self.designation, false))
            (area_field(lang, errors, "designation_aliases", &self.designation_aliases))
            (text_field(lang, errors, "organization", &self.organization, false))
            fieldset #phones aria-describedby="phones-hint" {
                legend { (t(lang, "field-phones")) }
                p.hint #phones-hint { (t(lang, "field-phones-hint")) }
                (errors.messages("phones"))
                @for (i, (number, label)) in rows.iter().enumerate() {
                    @let nid = format!("phone_number_{i}");
                    @let lid = format!("phone_label_{i}");
                    div.phone-row {
                        div.field {
                            label for=(nid) { (ta(lang, "field-phone-number", &[("n", (i + 1).into())])) }
                            input #(nid) type="text" name=(nid) value=(number) inputmode="tel"
                                autocomplete="off" aria-invalid=[errors.invalid(&nid)]
                                aria-describedby=[errors.described_by(&nid)];
                            (errors.messages(&nid))
                        }
                        div.field {
                            label for=(lid) { (ta(lang, "field-phone-label", &[("n", (i + 1).into())])) }
                            input #(lid) type="text" name=(lid) value=(label) list="phone-labels"
                                placeholder="official" aria-invalid=[errors.invalid(&lid)]
                                aria-describedby=[errors.described_by(&lid)];
                            (errors.messages(&lid))
                        }
                    }
                }
                datalist #phone-labels {
                    @for l in ["official", "personal", "office", "pa"] { option value=(l) {} }
                }
                button.secondary type="button" data-add-phone hidden { (t(lang, "field-phones-add")) }
            }
            div.field {
                label for="status" { (t(lang, "field-status")) }
                select #status name="status" {
                    option value="active" selected[self.status == OfficialStatus::Active] { (t(lang, "status-active")) }
                    option value="revoked" selected[self.status == OfficialStatus::Revoked] { (t(lang, "status-revoked")) }
                }
            }
            (date_field(lang, errors, "valid_from", &self.valid_from))
            (date_field(lang, errors, "valid_until", &self.valid_until))
            (area_field(lang, errors, "notes", &self.notes))
        }
    }

    /// Each field as a clerk reads it (the conflict page compares two versions with these).
    pub fn summary_rows(&self, lang: Language) -> Vec<(String, String)> {
        let phones: Vec<String> = self
            .phones
            .iter()
            .filter(|(n, _)| !n.trim().is_empty())
            .map(|(n, l)| {
                if l.is_empty() {
                    n.clone()
                } else {
                    format!("{n} ({l})")
                }
            })
            .collect();
        vec![
            (t(lang, "field-name"), self.name.clone()),
            (t(lang, "field-aliases"), lines(&self.aliases).0.join(", ")),
            (t(lang, "field-designation"), self.designation.clone()),
            (
                t(lang, "field-designation_aliases"),
                lines(&self.designation_aliases).0.join(", "),
            ),
            (t(lang, "field-organization"), self.organization.clone()),
            (t(lang, "field-phones"), phones.join(", ")),
            (t(lang, "field-status"), t(lang, status_text(self.status))),
            (t(lang, "field-valid_from"), self.valid_from.clone()),
            (t(lang, "field-valid_until"), self.valid_until.clone()),
            (t(lang, "field-notes"), self.notes.clone()),
        ]
    }
}

/// The text id of a status.
pub fn status_text(s: OfficialStatus) -> &'static str {
    match s {
        OfficialStatus::Active => "status-active",
        OfficialStatus::Revoked => "status-revoked",
    }
}

/// Fields with a control of their own.
const FIELDS: [&str; 8] = [
    "name",
    "designation",
    "organization",
    "phones",
    "status",
    "notes",
    "valid_from",
    "valid_until",
];

fn text_field(lang: Language, e: &FormErrors, id: &str, value: &str, required: bool) -> Markup {
    html! {
        div.field {
            label for=(id) { (t(lang, &format!("field-{id}"))) }
            input #(id) type="text" name=(id) value=(value) required[required]
                aria-invalid=[e.invalid(id)] aria-describedby=[e.described_by(id)];
            (e.messages(id))
        }
    }
}

fn area_field(lang: Language, e: &FormErrors, id: &str, value: &str) -> Markup {
    let hint = format!("{id}-hint");
    let described = e.described_with(id, &hint);
    html! {
        div.field {
            label for=(id) { (t(lang, &format!("field-{id}"))) }
            p.hint id=(hint) { (t(lang, &format!("field-{id}-hint"))) }
            textarea #(id) name=(id) rows="3" aria-invalid=[e.invalid(id)]
                aria-describedby=(described) { (value) }
            (e.messages(id))
        }
    }
}

/// A date: a date picker for a whole day (or nothing), plain text for an exact time.
fn date_field(lang: Language, e: &FormErrors, id: &str, value: &str) -> Markup {
    let is_day = value.is_empty() || value.len() == 10;
    let hint = format!("{id}-hint");
    let described = e.described_with(id, &hint);
    html! {
        div.field {
            label for=(id) { (t(lang, &format!("field-{id}"))) }
            p.hint id=(hint) { (t(lang, "field-date-hint")) }
            input #(id) type=(if is_day { "date" } else { "text" }) name=(id) value=(value)
                aria-invalid=[e.invalid(id)] aria-describedby=(described);
            (e.messages(id))
        }
    }
}

/// `phones[2].number` → (`phones`, Some(2), Some(`number`)); `name` → (`name`, None, None).
fn split_path(field: &str) -> (&str, Option<usize>, Option<&str>) {
    let (base, rest) = match field.split_once('[') {
        Some((b, r)) => (b, r),
        None => return (field, None, None),
    };
    let (index, sub) = match rest.split_once(']') {
        Some((i, s)) => (i.parse().ok(), s.strip_prefix('.')),
        None => (None, None),
    };
    (base, index, sub)
}

/// The non-blank lines of a text area, with the (0-based) line each came from.
fn lines(text: &str) -> (Vec<String>, Vec<usize>) {
    text.lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(i, l)| (l.trim().to_string(), i))
        .unzip()
}

fn non_empty(s: &str) -> Option<String> {
    let s = s.trim();
    (!s.is_empty()).then(|| s.to_string())
}

/// A stored date as the form shows it: `YYYY-MM-DD` when it is the whole day the registry
/// makes of a plain date (`at` is midnight for a start, 23:59:59 for an end), else RFC 3339.
fn day_or_time(t: OffsetDateTime, at: Time) -> String {
    let utc = t.to_offset(UtcOffset::UTC);
    if utc.time() == at {
        let f = time::macros::format_description!("[year]-[month]-[day]");
        utc.date().format(&f).unwrap_or_default()
    } else {
        t.format(&Rfc3339).unwrap_or_default()
    }
}

fn end_of_day() -> Time {
    Time::from_hms(23, 59, 59).unwrap_or(Time::MIDNIGHT)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::registry::validate::validate_new;

    fn typed(pairs: &[(&str, &str)]) -> OfficialForm {
        OfficialForm::from_form(&FormData::from_pairs(
            pairs
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
        ))
    }

    #[test]
    fn a_form_becomes_the_same_input_the_api_takes() {
        let f = typed(&[
            ("name", "अरविंद मेहता"),
            ("aliases", "Arvind Mehta\n\n  A. Mehta  \n"),
            ("phone_number_0", "+91 70000 00001"),
            ("phone_label_0", ""),
            ("phone_number_1", ""),
            ("phone_number_2", "0 70000-00002"),
            ("phone_label_2", "pa"),
            ("status", "active"),
            ("valid_until", "2027-03-31"),
        ]);
        let fields = validate_new(&f.to_new(), Region::INDIA).expect("valid");
        assert_eq!(fields.aliases, ["Arvind Mehta", "A. Mehta"]);
        let numbers: Vec<_> = fields.phones.iter().map(|p| p.number.as_str()).collect();
        assert_eq!(numbers, ["+917000000001", "+917000000002"]);
        assert_eq!(fields.phones[1].label, "pa");
        assert!(fields.valid_until.is_some());
    }

    #[test]
    fn problems_land_next_to_the_row_or_line_they_are_about() {
        let f = typed(&[
            ("name", " "),
            ("aliases", "ok\n\nbad|alias"),
            ("phone_number_0", "+91 70000 00001"),
            ("phone_number_1", ""),
            ("phone_number_2", "not a number"),
        ]);
        let problems = validate_new(&f.to_new(), Region::INDIA).expect_err("invalid");
        let errors = f.errors(Language::En, &problems);
        assert!(errors.invalid("name").is_some());
        assert!(errors.invalid("phone_number_2").is_some(), "{errors:?}");
        let alias = &errors.of("aliases")[0];
        assert!(alias.contains('3'), "the bad alias is on line 3: {alias}");
    }

    #[test]
    fn a_taken_number_is_pinned_to_the_row_that_holds_it_in_any_written_form() {
        let f = typed(&[
            ("phone_number_0", "+91 70000 00001"),
            ("phone_number_1", "070000 00009"),
        ]);
        let errors = f.number_taken(Language::En, Region::INDIA, "+917000000009", "Someone");
        assert!(errors.invalid("phone_number_1").is_some(), "{errors:?}");
    }

    #[test]
    fn a_stored_official_fills_the_form_and_comes_back_unchanged() {
        let f = typed(&[
            ("name", "A"),
            ("phone_number_0", "+917000000001"),
            ("phone_label_0", "pa"),
            ("valid_from", "2026-04-01"),
            ("valid_until", "2026-04-30"),
        ]);
        let fields = validate_new(&f.to_new(), Region::INDIA).expect("valid");
        let stored = serde_json::json!({"id": "off_1", "name": "A", "version": 3,
            "created_at": "2026-01-01T00:00:00Z", "updated_at": "2026-01-01T00:00:00Z"});
        let mut o: Official = serde_json::from_value(stored).expect("an official");
        fields.apply_to(&mut o);
        let back = OfficialForm::from_official(&o);
        assert_eq!(back.valid_from, "2026-04-01");
        assert_eq!(back.valid_until, "2026-04-30");
        assert_eq!(back.phones, vec![("+917000000001".into(), "pa".into())]);
        assert_eq!(back.version, o.etag());
    }

    #[test]
    fn field_paths_split_into_name_index_and_part() {
        assert_eq!(
            split_path("phones[2].number"),
            ("phones", Some(2), Some("number"))
        );
        assert_eq!(split_path("aliases[0]"), ("aliases", Some(0), None));
        assert_eq!(split_path("name"), ("name", None, None));
    }
}
