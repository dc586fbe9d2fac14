//! Every change to the registry goes through [`RegistryService`].
//!
//! The store offers one write, a compare-and-set on the registry version
//! ([`Store::commit_registry`]). So each write reads a snapshot, checks everything against that
//! consistent snapshot (one number, one official; `If-Match` against the official's version),
//! and commits the result with its audit entries. When another write got in first the commit
//! fails with `Conflict`, and the write starts again from a fresh snapshot, where a stale
//! `If-Match` now answers 412. An import is one commit: it applies whole or not at all.

use std::collections::{BTreeMap, HashMap};

use serde::Serialize;
use time::OffsetDateTime;

use super::csv_io::{self, ImportFormat, ImportRow};
use super::error::{RegistryError, RowError};
use super::model::{AuditEntry, Official, OfficialId, OfficialStatus};
use super::validate::{self, NewOfficial, OfficialFields, OfficialPatch};
use crate::phone::{E164, Region};
use crate::store::{RegistrySnapshot, StoreError, Stores};

/// How often a write re-reads and retries after losing the race to another write.
const MAX_ATTEMPTS: usize = 8;
/// Largest page of officials or audit entries.
pub const MAX_PAGE: usize = 500;

/// Filters of `GET /admin/officials`.
#[derive(Debug, Clone, Default)]
pub struct ListFilter {
    /// Case-insensitive text searched in names, aliases, designation (and aliases) and
    /// organisation; a phone number in any written form finds its official.
    pub q: Option<String>,
    /// Exact organisation (case-insensitive).
    pub organization: Option<String>,
    /// Only officials with this status.
    pub status: Option<OfficialStatus>,
}

/// One page of officials.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct OfficialPage {
    /// Officials ordered by id.
    pub items: Vec<Official>,
    /// Pass as `cursor` for the next page; absent on the last page.
    pub next_cursor: Option<String>,
}

/// Filters of `GET /admin/audit`.
#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    /// Only entries by this actor (token name).
    pub actor: Option<String>,
    /// Only entries about this official.
    pub official_id: Option<String>,
    /// Only entries with this action (`create`, `update`, `retire`, `import.create`, ...).
    pub action: Option<String>,
}

/// One page of the audit log.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct AuditPage {
    /// Entries, oldest first.
    pub entries: Vec<AuditEntry>,
    /// Pass as `after` for the next page; absent when the log has no more entries.
    pub next_after: Option<u64>,
}

/// What an import did (or, in a dry run, would do).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct ImportReport {
    /// Whether this was only a rehearsal (nothing written).
    pub dry_run: bool,
    /// Ids of officials created.
    pub created: Vec<String>,
    /// Ids of officials changed.
    pub updated: Vec<String>,
    /// Ids of officials that were already exactly as in the file.
    pub unchanged: Vec<String>,
    /// The registry version after the import (the current one for a dry run).
    pub version: u64,
}

/// What the registry says of one number (`GET /admin/lookup/{phone}`).
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Lookup {
    /// The number, E.164.
    pub number: String,
    /// The number's country (ISO code), when known.
    pub country: Option<String>,
    /// `active`, `revoked`, `reported` or `unknown`.
    #[schema(value_type = String)]
    pub status: &'static str,
    /// The official it belongs (or belonged) to.
    pub official: Option<Official>,
}

/// The registry's rules over a [`Store`].
#[derive(Clone)]
pub struct RegistryService {
    stores: Stores,
    home: Region,
}

impl RegistryService {
    /// The region numbers written without a country code belong to.
    pub fn home(&self) -> Region {
        self.home
    }

    /// A service over `stores`; numbers written without a country code belong to `home`.
    pub fn new(stores: Stores, home: Region) -> RegistryService {
        RegistryService { stores, home }
    }

    /// Create an official. Fails with `Validation` or `Conflict` (a number is taken).
    pub async fn create(&self, actor: &str, input: NewOfficial) -> Result<Official, RegistryError> {
        let fields =
            validate::validate_new(&input, self.home).map_err(RegistryError::Validation)?;
        let id = OfficialId::generate();
        self.write(|snap| {
            check_numbers(snap, &id, &fields)?;
            let now = OffsetDateTime::now_utc();
            let official = fields.clone().into_official(id.clone(), now);
            let audit = audit(actor, "create", None, Some(&official));
            Ok(Some((vec![official], vec![audit])))
        })
        .await
        .map(|(mut puts, _)| puts.remove(0))
    }

    /// One official.
    pub async fn get(&self, id: &str) -> Result<Official, RegistryError> {
        let snap = self.stores.registry.load_registry().await?;
        find(&snap, id).cloned()
    }

    /// Change an official. `if_match` is the `If-Match` header: required, and it must name the
    /// official's current version.
    pub async fn update(
        &self,
        actor: &str,
        id: &str,
        if_match: Option<&str>,
        patch: OfficialPatch,
    ) -> Result<Official, RegistryError> {
        let if_match = if_match.ok_or(RegistryError::PreconditionRequired)?;
        let outcome = self
            .write(|snap| {
                let current = find(snap, id)?;
                check_if_match(current, if_match)?;
                let fields = validate::validate_patch(current, &patch, self.home)
                    .map_err(RegistryError::Validation)?;
                if fields == OfficialFields::of(current) {
                    return Ok(None);
                }
                check_numbers(snap, &current.id, &fields)?;
                let next = bump(current, fields);
                let audit = audit(actor, "update", Some(current), Some(&next));
                Ok(Some((vec![next], vec![audit])))
            })
            .await?;
        match outcome {
            (mut puts, _) if !puts.is_empty() => Ok(puts.remove(0)),
            _ => self.get(id).await,
        }
    }

    /// Retire an official: status `revoked`, numbers kept (they now answer `revoked`).
    /// `if_match`, when given, must name the current version. Retiring twice changes nothing.
    pub async fn retire(
        &self,
        actor: &str,
        id: &str,
        if_match: Option<&str>,
    ) -> Result<Official, RegistryError> {
        let outcome = self
            .write(|snap| {
                let current = find(snap, id)?;
                if let Some(tag) = if_match {
                    check_if_match(current, tag)?;
                }
                if current.status == OfficialStatus::Revoked {
                    return Ok(None);
                }
                let mut fields = OfficialFields::of(current);
                fields.status = OfficialStatus::Revoked;
                let next = bump(current, fields);
                let audit = audit(actor, "retire", Some(current), Some(&next));
                Ok(Some((vec![next], vec![audit])))
            })
            .await?;
        match outcome {
            (mut puts, _) if !puts.is_empty() => Ok(puts.remove(0)),
            _ => self.get(id).await,
        }
    }

    /// A page of officials ordered by id, after `cursor` (the last id of the previous page).
    /// Ids never change, so paging neither repeats nor skips an official while others write.
    pub async fn list(
        &self,
        filter: &ListFilter,
        cursor: Option<&str>,
        limit: usize,
    ) -> Result<OfficialPage, RegistryError> {
        let limit = limit.clamp(1, MAX_PAGE);
        let snap = self.stores.registry.load_registry().await?;
        let q = filter.q.as_deref().map(str::to_lowercase);
        // A query that reads as a phone number also finds the official who has that number.
        let q_number = filter
            .q
            .as_deref()
            .and_then(|q| E164::parse(q, self.home).ok());
        let org = filter.organization.as_deref().map(str::to_lowercase);
        let mut sorted: Vec<&Official> = snap.officials.iter().collect();
        sorted.sort_by(|a, b| a.id.cmp(&b.id));
        let mut items: Vec<Official> = sorted
            .into_iter()
            .filter(|o| cursor.is_none_or(|c| o.id.as_str() > c))
            .filter(|o| filter.status.is_none_or(|s| o.status == s))
            .filter(|o| {
                org.as_deref()
                    .is_none_or(|g| o.organization.to_lowercase() == g)
            })
            .filter(|o| {
                q.as_deref().is_none_or(|q| {
                    matches_text(o, q)
                        || q_number
                            .as_ref()
                            .is_some_and(|n| o.phones.iter().any(|p| &p.number == n))
                })
            })
            .take(limit + 1)
            .cloned()
            .collect();
        let next_cursor = if items.len() > limit {
            items.truncate(limit);
            items.last().map(|o| o.id.to_string())
        } else {
            None
        };
        Ok(OfficialPage { items, next_cursor })
    }

    /// Create or update many officials in one atomic commit. Rows with an id update that
    /// official (or create it with that id); rows without create a new one. Every problem of
    /// every row is reported and then nothing is written. Officials not in the file stay.
    pub async fn import(
        &self,
        actor: &str,
        rows: Vec<ImportRow>,
        dry_run: bool,
    ) -> Result<ImportReport, RegistryError> {
        let prepared = prepare_rows(rows, self.home)?;
        let mut report = ImportReport {
            dry_run,
            ..ImportReport::default()
        };
        let (puts, version) = self
            .write_or_rehearse(dry_run, |snap| {
                let plan = plan_import(snap, &prepared, actor)?;
                Ok(Some(plan))
            })
            .await?;
        for (kind, id) in puts {
            match kind {
                Change::Created => report.created.push(id),
                Change::Updated => report.updated.push(id),
                Change::Unchanged => report.unchanged.push(id),
            }
        }
        report.version = version;
        Ok(report)
    }

    /// Read an import file (`text/csv`, `application/json`, or a file name ending `.csv` /
    /// `.json`) and import it. The CLI's `asli registry import FILE` and the HTTP import both
    /// come here.
    pub async fn import_file_bytes(
        &self,
        bytes: &[u8],
        content_type_or_ext: &str,
        actor: &str,
        dry_run: bool,
    ) -> Result<ImportReport, RegistryError> {
        let format = ImportFormat::detect(content_type_or_ext)?;
        let rows = csv_io::parse_import(bytes, format)?;
        self.import(actor, rows, dry_run).await
    }

    /// The whole registry as CSV (see [`csv_io`] for the columns), ordered by id.
    pub async fn export_csv(&self) -> Result<Vec<u8>, RegistryError> {
        let snap = self.stores.registry.load_registry().await?;
        let mut officials = snap.officials;
        officials.sort_by(|a, b| a.id.cmp(&b.id));
        csv_io::write_csv(&officials)
    }

    /// What the registry says of `written` (any written form of a number) now.
    pub async fn lookup(&self, written: &str) -> Result<Lookup, RegistryError> {
        let number = E164::parse(written, self.home)
            .map_err(|e| RegistryError::field("phone", e.to_string()))?;
        let snap = self.stores.registry.load_registry().await?;
        let now = OffsetDateTime::now_utc();
        let owner = snap
            .officials
            .iter()
            .find(|o| o.phones.iter().any(|p| p.number == number));
        let status = match owner {
            Some(o) if o.is_in_office(now) => "active",
            _ if self.is_reported(&number).await? => "reported",
            Some(_) => "revoked",
            None => "unknown",
        };
        Ok(Lookup {
            number: number.as_str().to_string(),
            country: number.region().map(|r| r.code().to_string()),
            status,
            official: owner.cloned(),
        })
    }

    /// Audit entries after `after`, oldest first, filtered. Scans at most a bounded number of
    /// entries per call, so a rare filter returns a short page with a cursor to go on from.
    pub async fn audit(
        &self,
        filter: &AuditFilter,
        after: u64,
        limit: usize,
    ) -> Result<AuditPage, RegistryError> {
        let limit = limit.clamp(1, MAX_PAGE);
        let mut entries = Vec::new();
        let mut cursor = after;
        let mut scanned = 0;
        loop {
            let batch = self.stores.registry.audit_log(cursor, MAX_PAGE).await?;
            let exhausted = batch.len() < MAX_PAGE;
            for e in batch {
                scanned += 1;
                cursor = e.seq;
                if audit_matches(&e, filter) {
                    entries.push(e);
                    if entries.len() == limit {
                        return Ok(AuditPage {
                            entries,
                            next_after: Some(cursor),
                        });
                    }
                }
            }
            if exhausted {
                return Ok(AuditPage {
                    entries,
                    next_after: None,
                });
            }
            if scanned >= 20 * MAX_PAGE {
                return Ok(AuditPage {
                    entries,
                    next_after: Some(cursor),
                });
            }
        }
    }

    async fn is_reported(&self, number: &E164) -> Result<bool, RegistryError> {
        // Incidents are ordered by number: page until we pass it.
        let mut after: Option<String> = None;
        loop {
            let page = self
                .stores
                .incidents
                .incidents(after.as_deref(), MAX_PAGE)
                .await?;
            for i in &page {
                match i.number.as_str().cmp(number.as_str()) {
                    std::cmp::Ordering::Equal => return Ok(true),
                    std::cmp::Ordering::Greater => return Ok(false),
                    std::cmp::Ordering::Less => {}
                }
            }
            if page.len() < MAX_PAGE {
                return Ok(false);
            }
            after = page.last().map(|i| i.number.clone());
        }
    }

    /// Run `plan` against fresh snapshots until its commit wins. `plan` returns the officials
    /// to put and their audit entries, or `None` when nothing needs writing.
    async fn write<F>(&self, plan: F) -> Result<(Vec<Official>, u64), RegistryError>
    where
        F: Fn(&RegistrySnapshot) -> Result<Option<(Vec<Official>, Vec<AuditEntry>)>, RegistryError>,
    {
        for _ in 0..MAX_ATTEMPTS {
            let snap = self.stores.registry.load_registry().await?;
            let Some((puts, audit)) = plan(&snap)? else {
                return Ok((Vec::new(), snap.version));
            };
            match self
                .stores
                .registry
                .commit_registry(snap.version, &puts, &audit)
                .await
            {
                Ok(version) => return Ok((puts, version)),
                Err(StoreError::Conflict { .. }) => continue,
                Err(e) => return Err(e.into()),
            }
        }
        Err(RegistryError::Busy)
    }

    /// Like [`Self::write`] for an import plan, which also says what happened to each row;
    /// a dry run stops after planning.
    async fn write_or_rehearse<F>(
        &self,
        dry_run: bool,
        plan: F,
    ) -> Result<(Vec<(Change, String)>, u64), RegistryError>
    where
        F: Fn(&RegistrySnapshot) -> Result<Option<ImportPlan>, RegistryError>,
    {
        for _ in 0..MAX_ATTEMPTS {
            let snap = self.stores.registry.load_registry().await?;
            let Some(p) = plan(&snap)? else {
                return Ok((Vec::new(), snap.version));
            };
            if dry_run || p.puts.is_empty() {
                return Ok((p.changes, snap.version));
            }
            match self
                .stores
                .registry
                .commit_registry(snap.version, &p.puts, &p.audit)
                .await
            {
                Ok(version) => return Ok((p.changes, version)),
                Err(StoreError::Conflict { .. }) => continue,
                Err(e) => return Err(e.into()),
            }
        }
        Err(RegistryError::Busy)
    }
}

fn find<'a>(snap: &'a RegistrySnapshot, id: &str) -> Result<&'a Official, RegistryError> {
    snap.officials
        .iter()
        .find(|o| o.id.as_str() == id)
        .ok_or_else(|| RegistryError::NotFound(id.to_string()))
}

/// `If-Match` may list several tags, weak or strong, or `*`.
fn check_if_match(current: &Official, if_match: &str) -> Result<(), RegistryError> {
    let etag = current.etag();
    let ok = if_match.split(',').map(str::trim).any(|t| {
        let t = t.strip_prefix("W/").unwrap_or(t);
        t == "*" || t == etag
    });
    if ok {
        Ok(())
    } else {
        Err(RegistryError::Stale { current_etag: etag })
    }
}

/// One number, one official: none of `fields`' numbers may belong to an official other than
/// `id` (retired officials included: hand a number over by removing it from its old owner).
fn check_numbers(
    snap: &RegistrySnapshot,
    id: &OfficialId,
    fields: &OfficialFields,
) -> Result<(), RegistryError> {
    for other in snap.officials.iter().filter(|o| &o.id != id) {
        for p in &fields.phones {
            if other.phones.iter().any(|q| q.number == p.number) {
                return Err(RegistryError::Conflict {
                    number: p.number.as_str().to_string(),
                    official_id: other.id.to_string(),
                    official_name: other.name.clone(),
                });
            }
        }
    }
    Ok(())
}

fn bump(current: &Official, fields: OfficialFields) -> Official {
    let mut next = current.clone();
    fields.apply_to(&mut next);
    next.version += 1;
    next.updated_at = OffsetDateTime::now_utc();
    next
}

fn audit(
    actor: &str,
    action: &str,
    before: Option<&Official>,
    after: Option<&Official>,
) -> AuditEntry {
    let id = after.or(before).map(|o| o.id.clone());
    AuditEntry {
        seq: 0,
        at: OffsetDateTime::now_utc(),
        actor: actor.to_string(),
        action: action.to_string(),
        official_id: id,
        before: before.and_then(|o| serde_json::to_value(o).ok()),
        after: after.and_then(|o| serde_json::to_value(o).ok()),
    }
}

fn matches_text(o: &Official, q: &str) -> bool {
    std::iter::once(&o.name)
        .chain(&o.aliases)
        .chain(std::iter::once(&o.designation))
        .chain(&o.designation_aliases)
        .chain(std::iter::once(&o.organization))
        .any(|s| s.to_lowercase().contains(q))
}

fn audit_matches(e: &AuditEntry, f: &AuditFilter) -> bool {
    f.actor.as_deref().is_none_or(|a| e.actor == a)
        && f.action.as_deref().is_none_or(|a| e.action == a)
        && f.official_id
            .as_deref()
            .is_none_or(|id| e.official_id.as_ref().is_some_and(|o| o.as_str() == id))
}

/// What an import does to one official.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Change {
    Created,
    Updated,
    Unchanged,
}

/// A checked import row: its row number, id (given or fresh) and content.
struct PreparedRow {
    row: usize,
    id: OfficialId,
    fields: OfficialFields,
    /// Whether the row named a status. A row without one keeps an existing official's status:
    /// a file without the column must not bring retired officials back into office.
    status_given: bool,
}

/// The writes of one import against one snapshot.
struct ImportPlan {
    puts: Vec<Official>,
    audit: Vec<AuditEntry>,
    changes: Vec<(Change, String)>,
}

/// Validate every row on its own (fields, ids, numbers repeated within the file). These
/// checks do not depend on the registry, so they run once, outside the retry loop.
fn prepare_rows(rows: Vec<ImportRow>, home: Region) -> Result<Vec<PreparedRow>, RegistryError> {
    let mut errors = Vec::new();
    let mut prepared = Vec::with_capacity(rows.len());
    let mut ids: HashMap<OfficialId, usize> = HashMap::new();
    let mut numbers: HashMap<E164, usize> = HashMap::new();
    for (i, r) in rows.into_iter().enumerate() {
        let row = i + 1;
        let (id, input) = r.into_parts();
        let status_given = input.status.is_some();
        let id = match id {
            None => OfficialId::generate(),
            Some(s) => match OfficialId::parse(s.trim()) {
                Some(id) => id,
                None => {
                    errors.push(RowError {
                        row,
                        field: "id".into(),
                        message: format!("`{s}` is not an official id"),
                    });
                    continue;
                }
            },
        };
        if let Some(first) = ids.insert(id.clone(), row) {
            errors.push(RowError {
                row,
                field: "id".into(),
                message: format!("id {id} is also on row {first}"),
            });
        }
        match validate::validate_new(&input, home) {
            Ok(fields) => {
                for (j, p) in fields.phones.iter().enumerate() {
                    if let Some(&first) = numbers.get(&p.number) {
                        errors.push(RowError {
                            row,
                            field: format!("phones[{j}].number"),
                            message: format!("{} is also on row {first}", p.number.as_str()),
                        });
                    } else {
                        numbers.insert(p.number.clone(), row);
                    }
                }
                prepared.push(PreparedRow {
                    row,
                    id,
                    fields,
                    status_given,
                });
            }
            Err(errs) => errors.extend(errs.into_iter().map(|e| RowError {
                row,
                field: e.field,
                message: e.message,
            })),
        }
    }
    if errors.is_empty() {
        Ok(prepared)
    } else {
        Err(RegistryError::Rows(errors))
    }
}

/// Decide, against `snap`, what each row creates or changes, and check that no number of the
/// file belongs to an official the file does not also rewrite.
fn plan_import(
    snap: &RegistrySnapshot,
    rows: &[PreparedRow],
    actor: &str,
) -> Result<ImportPlan, RegistryError> {
    let existing: BTreeMap<&OfficialId, &Official> =
        snap.officials.iter().map(|o| (&o.id, o)).collect();
    let in_file: HashMap<&OfficialId, usize> = rows.iter().map(|r| (&r.id, r.row)).collect();
    // Numbers of officials the file leaves alone keep their owners.
    let mut owners: HashMap<&E164, &Official> = HashMap::new();
    for o in snap
        .officials
        .iter()
        .filter(|o| !in_file.contains_key(&o.id))
    {
        for p in &o.phones {
            owners.insert(&p.number, o);
        }
    }
    let now = OffsetDateTime::now_utc();
    let mut errors = Vec::new();
    let mut plan = ImportPlan {
        puts: Vec::new(),
        audit: Vec::new(),
        changes: Vec::with_capacity(rows.len()),
    };
    for r in rows {
        for (j, p) in r.fields.phones.iter().enumerate() {
            if let Some(owner) = owners.get(&p.number) {
                errors.push(RowError {
                    row: r.row,
                    field: format!("phones[{j}].number"),
                    message: format!(
                        "{} already belongs to {} ({})",
                        p.number.as_str(),
                        owner.name,
                        owner.id
                    ),
                });
            }
        }
        let mut fields = r.fields.clone();
        if let Some(current) = existing.get(&r.id).filter(|_| !r.status_given) {
            fields.status = current.status;
        }
        match existing.get(&r.id) {
            Some(current) if OfficialFields::of(current) == fields => {
                plan.changes.push((Change::Unchanged, r.id.to_string()));
            }
            Some(current) => {
                let next = bump(current, fields);
                plan.audit
                    .push(audit(actor, "import.update", Some(current), Some(&next)));
                plan.puts.push(next);
                plan.changes.push((Change::Updated, r.id.to_string()));
            }
            None => {
                let o = fields.into_official(r.id.clone(), now);
                plan.audit
                    .push(audit(actor, "import.create", None, Some(&o)));
                plan.puts.push(o);
                plan.changes.push((Change::Created, r.id.to_string()));
            }
        }
    }
    if errors.is_empty() {
        Ok(plan)
    } else {
        Err(RegistryError::Rows(errors))
    }
}
