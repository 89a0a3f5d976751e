//! The engine: the generic orchestration of every operation. Each validates its input, reads through the
//! ports, plans with the pure core, and commits one changeset (or, on a dry run, returns it), re-planning
//! when the commit meets a conflict.
//!
//! An adapter that fails fails the operation before anything is committed: the plan is built from complete
//! data or not at all, so a re-run after a fault converges to the state of a run without one.

pub mod conformance;
mod consumption;
pub mod ports;
pub mod tables;
mod unowned;
mod vendor;

pub use crate::rest::http::{HttpRequest, HttpResponse, HttpUser, OperationResult};
pub use consumption::{PlannedReconciliation, PlannedSync};
pub use ports::{Clock, NoProgress, Payload, Progress, ProgressEvent, ScanQuery, Store, StoredRow};
pub use unowned::CONSUMPTION_SCOPE;
pub use vendor::{Preliminary, Vendor};

use serde_json::{json, Map, Value};

use crate::error::{Error, Result};
use crate::ids::Uuid;
use crate::ledger::changeset::Changeset;
use crate::ledger::PlanContext;
use crate::ledger::{
    Billing, Customer, Hosts, InvoiceItem, Project, Resource, Row, SourceKey, SourceRow, UnitKey,
    UnitRow,
};
use crate::period::{Period, Zone};
use crate::store::{ApplyReport, GLOBAL_SWITCH};
use crate::timestamp::Timestamp;
use crate::timezone::{TimeZone, ZoneRules};

/// Rows per store scan: big enough to amortise a host round trip, small enough to keep memory flat.
const SCAN_BATCH: usize = 500;
/// How many source keys one scan asks for at once.
const KEYS_PER_SCAN: usize = 200;

/// One vendor's engine over the host's store and clock. Operations of the ledger every vendor shares are
/// written once over [`Vendor`]; a vendor's own operations live in its folder.
pub struct Engine<S, V, C, P = NoProgress> {
    pub host: Host<S, C, P>,
    pub vendor: V,
}

/// What every operation reads and writes through, whatever the vendor: the host's store, clock, zone and
/// progress callback. Its methods are compiled once, not once per vendor.
pub struct Host<S, C, P = NoProgress> {
    pub store: S,
    pub clock: C,
    /// The configured zone; [`Host::zone_at`] resolves it for an instant.
    pub zone: TimeZone,
    pub progress: P,
}

impl<S, V, C, P> std::ops::Deref for Engine<S, V, C, P> {
    type Target = Host<S, C, P>;

    fn deref(&self) -> &Host<S, C, P> {
        &self.host
    }
}

fn row_error(table: &str, e: impl std::fmt::Display) -> Error {
    Error::StoreFailed {
        call: format!("read {table}"),
        message: e.to_string(),
    }
}

/// A typed row from what the store returned, at the version the store holds it.
pub(crate) fn typed<T: Row>(stored: StoredRow) -> Result<T> {
    let mut row: T = serde_json::from_value(stored.row).map_err(|e| row_error(T::TABLE, e))?;
    row.set_version(stored.version);
    Ok(row)
}

/// The version rows of the units of some months, as a plan read them first.
#[derive(Debug, Clone, Default)]
pub struct UnitVersions(std::collections::BTreeMap<UnitKey, UnitRow>);

impl UnitVersions {
    /// The row of `unit` as read ([`UnitRow::absent`] if it had none); None for a key with no month.
    pub fn row(&self, unit: &UnitKey) -> Option<UnitRow> {
        match self.0.get(unit) {
            Some(row) => Some(row.clone()),
            None => unit.period().map(|p| UnitRow::absent(unit, p)),
        }
    }
}

/// Host rows a plan decided from (who owns a resource's records, who pays for them), each at the version
/// read (0: absent): checked at commit, so a host edit while the plan ran refuses it and it re-plans.
#[derive(Debug, Clone, Default)]
pub struct HostReads(Vec<(&'static str, String, u64)>);

impl HostReads {
    /// Each resource (0 when deleted) and its project.
    pub fn of_resources<'a>(
        hosts: &Hosts,
        resources: impl IntoIterator<Item = &'a Uuid>,
    ) -> HostReads {
        let mut reads = HostReads::default();
        for uuid in resources {
            match hosts.resource(uuid) {
                Some(r) => {
                    reads.add(r);
                    match hosts.project(&r.project_uuid) {
                        Some(p) => reads.add(p),
                        None => reads
                            .0
                            .push((Project::TABLE, r.project_uuid.to_string(), 0)),
                    }
                }
                None => reads.0.push((Resource::TABLE, uuid.to_string(), 0)),
            }
        }
        reads
    }

    pub fn add<R: Row>(&mut self, row: &R) {
        self.0.push((R::TABLE, row.id().to_owned(), row.version()));
    }

    /// Adds the reads to `changeset`'s read set (a changeset that writes nothing stays so).
    pub fn check(&self, changeset: &mut Changeset) {
        if changeset.writes_nothing() {
            return;
        }
        for (table, id, version) in &self.0 {
            changeset.check_row(table, id, *version);
        }
    }
}

/// How often an operation re-reads and re-plans after its commit met a conflict, before it gives up.
pub const MAX_ATTEMPTS: u32 = 4;

/// The clock's zone rules, as [`ZoneRules`].
struct HostRules<'a, C>(&'a C);

impl<C: Clock> ZoneRules for HostRules<'_, C> {
    fn offset_at(&self, zone: &str, at: Timestamp) -> Result<Zone> {
        self.0.offset_at(zone, at)
    }
}

/// The switch of scheduled consumption syncs that is no settings' own: one row of [`SWITCHES`].
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct GlobalSwitch {
    pub uuid: String,
    pub enabled: bool,
    #[serde(skip)]
    pub version: u64,
}

crate::stored_row!(GlobalSwitch, "sync_switches");

impl<S: Store, V, C: Clock, P: Progress> Engine<S, V, C, P> {
    pub fn new(
        store: S,
        vendor: V,
        clock: C,
        zone: impl Into<TimeZone>,
        progress: P,
    ) -> Engine<S, V, C, P> {
        Engine {
            host: Host {
                store,
                clock,
                zone: zone.into(),
                progress,
            },
            vendor,
        }
    }

    /// What the planners need besides data: the vendor's policy, "now" from the host's clock, the zone.
    pub(crate) fn plan_context(
        &self,
        operation: &str,
        settings: &V::Settings,
    ) -> Result<PlanContext>
    where
        V: Vendor,
    {
        let as_of = self.now()?;
        Ok(PlanContext {
            operation: operation.to_owned(),
            vendor: V::NAME,
            policy: V::policy(settings),
            as_of,
            zone: self.zone_at(as_of)?,
            invoices: Default::default(),
        })
    }

    /// Refuses a month the vendor cannot bill now, as a 400 on `field`: one that has not begun in the host's
    /// zone, or one before the vendor's window ([`Period::check_billable`], the same rule for every vendor).
    pub(crate) fn check_billable(&self, period: Period, field: &str) -> Result<()>
    where
        V: Vendor,
    {
        let current = self.current_period()?;
        period
            .check_billable(current, V::BILLING_WINDOW_MONTHS)
            .map_err(|reason| Error::field(field, reason))
    }

    /// The settings named, or the active ones.
    pub(crate) async fn settings(&self, uuid: Option<&str>) -> Result<V::Settings>
    where
        V: Vendor,
    {
        match uuid {
            Some(uuid) => self
                .get(uuid)
                .await?
                .ok_or_else(|| Error::not_found(format!("{} settings {uuid}", V::TITLE))),
            None => {
                let all: Vec<V::Settings> = self.scan_all(Map::new()).await?;
                active_settings::<V>(all)
                    .ok_or_else(|| Error::not_found(format!("active {} settings", V::TITLE)))
            }
        }
    }
}

impl<S: Store, C: Clock, P: Progress> Host<S, C, P> {
    pub(crate) fn now(&self) -> Result<Timestamp> {
        self.clock.now()
    }

    pub(crate) fn current_period(&self) -> Result<Period> {
        let now = self.now()?;
        now.period(self.zone_at(now)?)
    }

    /// The fixed offset of the configured zone at `at`, by the host's rules when the zone is a name.
    pub(crate) fn zone_at(&self, at: Timestamp) -> Result<Zone> {
        self.zone.at(at, &HostRules(&self.clock))
    }

    pub(crate) fn report(
        &self,
        operation: &str,
        done: u64,
        total: u64,
        message: impl Into<String>,
    ) {
        self.progress.report(&ProgressEvent {
            operation: operation.to_owned(),
            done,
            total,
            message: message.into(),
        });
    }

    /// Every row of `T`'s table matching `filters`, read in keyset batches.
    pub(crate) async fn scan_all<T: Row>(&self, filters: Map<String, Value>) -> Result<Vec<T>> {
        let table = T::TABLE;
        let mut query = ScanQuery {
            filters,
            after: None,
            limit: SCAN_BATCH,
        };
        let mut out = Vec::new();
        loop {
            let batch = self.store.scan(table, &query).await?;
            let full = batch.len() >= SCAN_BATCH;
            let mut last = None;
            for row in batch {
                last = Some(row.id.clone());
                out.push(typed(row)?);
            }
            match (full, last) {
                (true, Some(uuid)) if query.after.as_deref() != Some(uuid.as_str()) => {
                    query.after = Some(uuid)
                }
                _ => break,
            }
        }
        Ok(out)
    }

    pub(crate) async fn get<T: Row>(&self, id: &str) -> Result<Option<T>> {
        self.store.get(T::TABLE, id).await?.map(typed).transpose()
    }

    /// The global switch of scheduled consumption syncs (on unless switched off).
    pub(crate) async fn global_switch(&self) -> Result<GlobalSwitch> {
        Ok(self
            .get::<GlobalSwitch>(GLOBAL_SWITCH)
            .await?
            .unwrap_or(GlobalSwitch {
                uuid: GLOBAL_SWITCH.to_owned(),
                enabled: true,
                version: 0,
            }))
    }

    /// The host's customers, projects and resources.
    pub(crate) async fn hosts(&self) -> Result<Hosts> {
        let customers: Vec<Customer> = self.scan_all(Map::new()).await?;
        let projects: Vec<Project> = self.scan_all(Map::new()).await?;
        let resources: Vec<Resource> = self.scan_all(Map::new()).await?;
        Ok(Hosts::new(customers, projects, resources))
    }

    /// What the ledger has billed for these sources: their invoice items and their ledger rows.
    pub(crate) async fn billing_for(&self, source_keys: &[SourceKey]) -> Result<Billing> {
        let mut billing = Billing::default();
        for chunk in source_keys.chunks(KEYS_PER_SCAN) {
            let mut filters = Map::new();
            filters.insert("source_key".into(), json!(chunk));
            billing
                .items
                .extend(self.scan_all::<InvoiceItem>(filters.clone()).await?);
            billing
                .sources
                .extend(self.scan_all::<SourceRow>(filters).await?);
        }
        Ok(billing)
    }

    /// The version rows of every unit of these months (all units when None), by unit. A plan reads them
    /// before anything else it reads from the store ([`crate::ledger::units`]): a write after this read
    /// moves a row the plan names, so its commit is refused.
    pub(crate) async fn unit_rows(&self, periods: Option<&[Period]>) -> Result<UnitVersions> {
        let mut filters = Map::new();
        if let Some(periods) = periods {
            filters.insert("period".into(), json!(periods));
        }
        let rows: Vec<UnitRow> = self.scan_all(filters).await?;
        Ok(UnitVersions(crate::sort::map_of(
            rows.into_iter().map(|r| (r.unit.clone(), r)),
        )))
    }

    /// What the ledger has billed for these sources and for every source of these units (a unit's records,
    /// the document lines that name it, and sources whose record was cleaned up), with the version rows of
    /// the units as `read` holds them: the plan's read set.
    pub(crate) async fn billing_for_units(
        &self,
        units: &[UnitKey],
        mut source_keys: Vec<SourceKey>,
        read: &UnitVersions,
    ) -> Result<Billing> {
        let mut units = units.to_vec();
        crate::sort::sort_dedup(&mut units);
        for chunk in units.chunks(KEYS_PER_SCAN) {
            let mut filters = Map::new();
            filters.insert("unit".into(), json!(chunk));
            let rows: Vec<SourceRow> = self.scan_all(filters).await?;
            source_keys.extend(rows.into_iter().map(|r| r.source_key));
        }
        crate::sort::sort_dedup(&mut source_keys);
        let mut billing = self.billing_for(&source_keys).await?;
        billing.units = units.iter().filter_map(|u| read.row(u)).collect();
        Ok(billing)
    }

    /// Commits, or on a dry run only reports what would be committed.
    pub(crate) async fn commit(
        &self,
        changeset: &Changeset,
        dry_run: bool,
    ) -> Result<Option<ApplyReport>> {
        if dry_run || changeset.writes_nothing() {
            return Ok(None);
        }
        self.store.commit(changeset).await.map(Some)
    }

    /// Runs `attempt` (read, plan, commit) again while its commit meets a conflict: someone else wrote a
    /// row or billed a source it relied on since it read. After [`MAX_ATTEMPTS`] it answers the conflict.
    pub(crate) async fn with_retries<T>(
        &self,
        operation: &str,
        mut attempt: impl AsyncFnMut() -> Result<T>,
    ) -> Result<T> {
        let mut tries = 1;
        loop {
            match attempt().await {
                Err(Error::Conflict { reason }) if tries < MAX_ATTEMPTS => {
                    self.report(
                        operation,
                        u64::from(tries),
                        u64::from(MAX_ATTEMPTS),
                        format!("conflict, re-planning: {reason}"),
                    );
                    tries += 1;
                }
                Err(Error::Conflict { reason }) => {
                    return Err(Error::Conflict {
                        reason: format!(
                            "{operation} gave up after {MAX_ATTEMPTS} attempts: each time another \
                             operation changed what it read before it could commit ({reason}); run it again"
                        ),
                    })
                }
                other => return other,
            }
        }
    }
}

/// The one rule of "the active settings" (the reference takes an arbitrary active row, defect 11): of the
/// active rows, the one created last ([`Vendor::created`]); rows that do not say count as the oldest; among
/// equals, the first in uuid order (the store scans in id order).
pub(crate) fn active_settings<V: Vendor>(
    all: impl IntoIterator<Item = V::Settings>,
) -> Option<V::Settings> {
    let mut best: Option<V::Settings> = None;
    for settings in all.into_iter().filter(V::is_active) {
        let newer = best
            .as_ref()
            .is_none_or(|b| V::created(&settings) > V::created(b));
        if newer {
            best = Some(settings);
        }
    }
    best
}

/// The requested page of an ordered selection, with the page's Link and count.
pub(crate) fn page_of<'a, T>(
    selected: &'a [T],
    page: u32,
    page_size: u32,
    url: &str,
) -> Result<(crate::rest::page::Page, &'a [T])> {
    let page = crate::rest::page::paginate(selected.len(), page as usize, page_size as usize, url)?;
    let items = crate::rest::page::page_items(selected, &page);
    Ok((page, items))
}

/// The result of a mutating operation: its counters, plus the changeset on a dry run.
pub(crate) fn outcome(
    counters: Value,
    changeset: &Changeset,
    dry_run: bool,
    report: Option<ApplyReport>,
) -> Value {
    let mut body = match counters {
        Value::Object(map) => map,
        other => {
            let mut map = Map::new();
            map.insert("result".into(), other);
            map
        }
    };
    body.insert("dry_run".into(), json!(dry_run));
    if dry_run {
        body.insert("changeset".into(), json!(changeset));
    } else if let Some(report) = report {
        body.insert("applied".into(), json!(report));
    }
    Value::Object(body)
}
