//! The engine: one async function per API operation of seeds 000/001. Each validates its input, reads
//! through the ports, plans with the pure core, and commits one changeset (or, on a dry run, returns it).
//!
//! An adapter that fails fails the operation before anything is committed: the plan is built from complete
//! data or not at all, so a re-run after a fault converges to the state of a run without one.

mod consumption_ops;
mod handle;
pub mod ports;
mod statement_ops;
mod vendor_ops;

pub use handle::{HttpRequest, HttpResponse, HttpUser, OperationResult};
pub use ports::{
    ArrowApi, Clock, ExportRequest, NoProgress, Payload, Progress, ProgressEvent, ScanQuery, Store,
    StoreFlags, Table,
};

use serde::de::DeserializeOwned;
use serde_json::{json, Map, Value};

use crate::arrow::{parse_billing_export, parse_billing_export_value, BillingExportPage};
use crate::changeset::Changeset;
use crate::error::{Error, Result};
use crate::period::{Period, Zone};
use crate::reconcile::{BilledLine, PlanContext};
use crate::records::{ArrowSettings, Customer, CustomerMapping, Lookup, Project, Resource};
use crate::store::ApplyReport;
use crate::timestamp::Timestamp;

/// Rows per store scan: big enough to amortise a host round trip, small enough to keep memory flat.
const SCAN_BATCH: usize = 500;
/// A billing export longer than this many pages is refused rather than read forever.
const MAX_EXPORT_PAGES: u32 = 10_000;

pub struct Engine<S, A, C, P = NoProgress> {
    pub store: S,
    pub arrow: A,
    pub clock: C,
    pub zone: Zone,
    pub progress: P,
}

/// Arrow's export for a range of months: every page, read until a short page.
pub struct Export {
    pub pages: Vec<BillingExportPage>,
}

impl Export {
    pub fn lines(&self) -> impl Iterator<Item = &crate::arrow::BillingLine> {
        self.pages.iter().flat_map(|p| p.lines.iter())
    }

    pub fn row_count(&self) -> usize {
        self.pages.iter().map(|p| p.lines.len()).sum()
    }
}

fn row_error(table: Table, e: impl std::fmt::Display) -> Error {
    Error::StoreFailed {
        call: format!("read {}", table.as_str()),
        message: e.to_string(),
    }
}

impl<S: Store, A: ArrowApi, C: Clock, P: Progress> Engine<S, A, C, P> {
    pub fn new(store: S, arrow: A, clock: C, zone: Zone, progress: P) -> Engine<S, A, C, P> {
        Engine {
            store,
            arrow,
            clock,
            zone,
            progress,
        }
    }

    fn now(&self) -> Result<Timestamp> {
        self.clock.now()
    }

    /// What the planners need besides data: the settings, "now" from the host's clock, the host's zone.
    fn plan_context<'s>(&self, settings: &'s ArrowSettings) -> Result<PlanContext<'s>> {
        Ok(PlanContext {
            settings,
            as_of: self.now()?,
            zone: self.zone,
        })
    }

    fn current_period(&self) -> Result<Period> {
        self.now()?.period(self.zone)
    }

    fn report(&self, operation: &str, done: u64, total: u64, message: impl Into<String>) {
        self.progress.report(&ProgressEvent {
            operation: operation.to_owned(),
            done,
            total,
            message: message.into(),
        });
    }

    /// Every row of `table` matching `filters`, read in keyset batches.
    async fn scan_all<T: DeserializeOwned>(
        &self,
        table: Table,
        filters: Map<String, Value>,
    ) -> Result<Vec<T>> {
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
                last = row.get("uuid").and_then(Value::as_str).map(str::to_owned);
                out.push(serde_json::from_value(row).map_err(|e| row_error(table, e))?);
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

    async fn get<T: DeserializeOwned>(&self, table: Table, uuid: &str) -> Result<Option<T>> {
        match self.store.get(table, uuid).await? {
            Some(row) => Ok(Some(
                serde_json::from_value(row).map_err(|e| row_error(table, e))?,
            )),
            None => Ok(None),
        }
    }

    /// The settings named, or the active ones.
    async fn settings(&self, uuid: Option<&str>) -> Result<ArrowSettings> {
        match uuid {
            Some(uuid) => self
                .get(Table::Settings, uuid)
                .await?
                .ok_or_else(|| Error::not_found(format!("Arrow settings {uuid}"))),
            None => {
                let all: Vec<ArrowSettings> = self.scan_all(Table::Settings, Map::new()).await?;
                all.into_iter()
                    .find(|s| s.is_active)
                    .ok_or_else(|| Error::not_found("active Arrow settings"))
            }
        }
    }

    /// Host objects, for joining names into responses and finding a record's customer.
    async fn lookup(&self) -> Result<Lookup> {
        let customers: Vec<Customer> = self.scan_all(Table::Customers, Map::new()).await?;
        let projects: Vec<Project> = self.scan_all(Table::Projects, Map::new()).await?;
        let resources: Vec<Resource> = self.scan_all(Table::Resources, Map::new()).await?;
        let mappings: Vec<CustomerMapping> =
            self.scan_all(Table::CustomerMappings, Map::new()).await?;
        Ok(Lookup::new(customers, projects, resources, mappings))
    }

    /// Reads Arrow's billing export for `from..=to`, every page.
    async fn export(
        &self,
        settings: &ArrowSettings,
        from: Period,
        to: Period,
        operation: &str,
    ) -> Result<Export> {
        let mut pages = Vec::new();
        let mut page = 1;
        loop {
            let request = ExportRequest {
                export_type_reference: settings.export_type_reference.clone(),
                period_from: from,
                period_to: to,
                page,
            };
            let parsed = match self.arrow.billing_export(&request).await? {
                Payload::Text(text) => parse_billing_export(&text),
                Payload::Json(value) => parse_billing_export_value(&value),
            }
            .map_err(|e| in_page(e, page))?;
            let last = parsed.is_last_page() || parsed.lines.is_empty();
            self.report(
                operation,
                u64::from(page),
                0,
                format!("billing export page {page}: {} lines", parsed.lines.len()),
            );
            pages.push(parsed);
            if last {
                break;
            }
            if page >= MAX_EXPORT_PAGES {
                return Err(Error::InvalidPayload {
                    payload: "billing export".into(),
                    offset: 0,
                    reason: format!("more than {MAX_EXPORT_PAGES} pages"),
                });
            }
            page += 1;
        }
        Ok(Export { pages })
    }

    /// The month's export lines, as reconciliation reads them.
    async fn billed_lines(
        &self,
        settings: &ArrowSettings,
        period: Period,
        operation: &str,
    ) -> Result<Vec<BilledLine>> {
        let export = self.export(settings, period, period, operation).await?;
        Ok(export.lines().map(BilledLine::from_export).collect())
    }

    /// Commits, or on a dry run only reports what would be committed.
    async fn commit(&self, changeset: &Changeset, dry_run: bool) -> Result<Option<ApplyReport>> {
        if dry_run || changeset.is_empty() {
            return Ok(None);
        }
        self.store.commit(changeset).await.map(Some)
    }
}

/// The requested page of an ordered selection, with the page's Link and count.
fn page_of<'a, T>(
    selected: &'a [T],
    page: u32,
    page_size: u32,
    url: &str,
) -> Result<(crate::query::Page, &'a [T])> {
    let page = crate::query::paginate(selected.len(), page as usize, page_size as usize, url)?;
    let items = crate::query::page_items(selected, &page);
    Ok((page, items))
}

/// Which page a parse error is on.
fn in_page(error: Error, page: u32) -> Error {
    match error {
        Error::InvalidCell {
            payload,
            row,
            column,
            value,
            reason,
        } => Error::InvalidCell {
            payload: format!("{payload} page {page}"),
            row,
            column,
            value,
            reason,
        },
        Error::InvalidPayload {
            payload,
            offset,
            reason,
        } => Error::InvalidPayload {
            payload: format!("{payload} page {page}"),
            offset,
            reason,
        },
        other => other,
    }
}

/// The result of a mutating operation: its counters, plus the changeset on a dry run.
fn outcome(
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
