//! The FOCUS export of a billing period (our extension): every invoice item on the month's invoices, both
//! vendors, in FOCUS 1.4's columns ([`crate::ledger::focus`]), as CSV or JSON lines. It reads the store a
//! page at a time and hands each page's text to a sink, so a month of a million items is never one string.
//!
//! The vendor of an item is told by what it bills: a vendor document's line (or its compensation) is the
//! document vendor's; a record's item names its vendor's unit in its details (each vendor's source label);
//! a net-off names the unit, whose records say their vendor. An item none of these tell is the exporting
//! engine's own vendor's.

use std::collections::{BTreeMap, HashMap};

use rust_decimal::Decimal;
use serde::Serialize;
use serde_json::{json, Map, Value};

use crate::engine::{typed, Clock, Host, Progress, ScanQuery, Store};
use crate::error::{Error, Result};
use crate::fields::{choice, text, Fields, Source};
use crate::ids::Uuid;
use crate::ledger::focus::{self, FocusCharge, FocusFormat, FocusService};
use crate::ledger::{ConsumptionRecord, Customer, InvoiceItem, InvoiceItemKind, Resource, Row};
use crate::period::Period;

/// Items read and written per page.
const PAGE: usize = 500;
/// Names kept at most (then forgotten): a month may name a million resources.
const NAME_CACHE: usize = 10_000;
/// InvoiceIssuerName when the host names none.
const DEFAULT_ISSUER: &str = "billsync host";

/// What to export.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FocusExportQuery {
    /// "YYYY-MM": the billing period (the month of the invoices).
    pub period: Period,
    pub format: Option<String>,
    /// InvoiceIssuerName: the host's name ("billsync host" when not given).
    pub issuer: Option<String>,
}

impl FocusExportQuery {
    pub fn format(&self) -> FocusFormat {
        self.format
            .as_deref()
            .and_then(FocusFormat::parse)
            .unwrap_or(FocusFormat::Csv)
    }
}

pub fn focus_export_query(input: &Value) -> Result<FocusExportQuery> {
    let mut fields = Fields::new(input, Source::Query)?;
    let period = fields.required("period", crate::fields::period);
    let format = fields.optional("format", choice(&["csv", "jsonl"]));
    let issuer = fields.optional("issuer", text);
    fields.finish(|| {
        Some(FocusExportQuery {
            period: period?,
            format,
            issuer,
        })
    })
}

/// What an export wrote: its rows and, per currency, the sum of BilledCost (exact).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FocusExportSummary {
    pub rows: u64,
    /// Currency → Σ BilledCost.
    pub billed_cost: BTreeMap<String, String>,
    /// The dataset's FOCUS metadata (version, data generator, delivery and correction handling).
    pub metadata: Value,
}

fn service_named(vendor: &str) -> Option<&'static FocusService> {
    [
        (super::arrow::VENDOR, &super::arrow::FOCUS_SERVICE),
        (super::soracom::VENDOR, &super::soracom::FOCUS_SERVICE),
    ]
    .into_iter()
    .find(|(name, _)| *name == vendor)
    .map(|(_, service)| service)
}

/// The vendor an item's own fields tell, if they do.
fn told_vendor(item: &InvoiceItem, details: &Value) -> Option<&'static str> {
    if matches!(
        item.kind,
        InvoiceItemKind::StatementLine | InvoiceItemKind::StatementCompensation
    ) {
        return Some(super::arrow::VENDOR);
    }
    [
        (super::arrow::SOURCE_LABEL, super::arrow::VENDOR),
        (super::soracom::SOURCE_LABEL, super::soracom::VENDOR),
    ]
    .into_iter()
    .find(|(label, _)| details.get(*label).is_some_and(Value::is_string))
    .map(|(_, vendor)| vendor)
}

/// What the export looks up beside the items, kept across pages.
#[derive(Default)]
struct Lookups {
    customers: HashMap<Uuid, Option<String>>,
    resources: HashMap<Uuid, Option<String>>,
    unit_vendors: HashMap<String, Option<String>>,
    first_billed: HashMap<String, Option<Period>>,
}

impl Lookups {
    /// The `name` of a host row (a customer or a resource), if it has a non-blank one.
    async fn name<S: Store, C: Clock, P: Progress>(
        cache: &mut HashMap<Uuid, Option<String>>,
        host: &Host<S, C, P>,
        table: &str,
        uuid: &Uuid,
    ) -> Result<Option<String>> {
        if let Some(name) = cache.get(uuid) {
            return Ok(name.clone());
        }
        if cache.len() >= NAME_CACHE {
            cache.clear();
        }
        let row = host.store.get(table, &uuid.to_string()).await?;
        let name = row
            .and_then(|r| r.row.get("name").and_then(Value::as_str).map(str::to_owned))
            .filter(|n| !n.trim().is_empty());
        cache.insert(*uuid, name.clone());
        Ok(name)
    }

    /// The vendor of a unit ("YYYY-MM|source reference"), from one of its records.
    async fn unit_vendor<S: Store, C: Clock, P: Progress>(
        &mut self,
        host: &Host<S, C, P>,
        unit: &str,
    ) -> Result<Option<String>> {
        if let Some(vendor) = self.unit_vendors.get(unit) {
            return Ok(vendor.clone());
        }
        let mut parts = unit.splitn(2, '|');
        let (period, source) = (parts.next(), parts.next());
        let mut vendor = None;
        if let (Some(period), Some(source)) = (period, source) {
            let mut filters = Map::new();
            filters.insert("billing_period".into(), json!(period));
            filters.insert("source_ref".into(), json!(source));
            let query = ScanQuery {
                filters,
                after: None,
                limit: 1,
            };
            let rows = host.store.scan(ConsumptionRecord::TABLE, &query).await?;
            vendor = rows
                .first()
                .and_then(|r| r.row.get("vendor"))
                .and_then(Value::as_str)
                .map(str::to_owned);
        }
        self.unit_vendors.insert(unit.to_owned(), vendor.clone());
        Ok(vendor)
    }

    /// The first month a source was billed in, for a compensation whose details name no month.
    async fn first_billed<S: Store, C: Clock, P: Progress>(
        &mut self,
        host: &Host<S, C, P>,
        item: &InvoiceItem,
    ) -> Result<Option<Period>> {
        let key = item.source_key.as_str();
        if let Some(period) = self.first_billed.get(key) {
            return Ok(*period);
        }
        let mut filters = Map::new();
        filters.insert("source_key".into(), json!(key));
        let items: Vec<InvoiceItem> = host.scan_all(filters).await?;
        let first = items
            .iter()
            .filter(|i| !i.kind.is_compensation())
            .map(|i| i.billing_period)
            .min();
        self.first_billed.insert(key.to_owned(), first);
        Ok(first)
    }
}

/// Writes the export of `query.period` to `sink`, one page of rows at a time (the CSV header first);
/// `own` is the exporting engine's vendor. Reports progress as `focus_export` (total 0: not known ahead).
pub async fn export<S: Store, C: Clock, P: Progress>(
    host: &Host<S, C, P>,
    query: &FocusExportQuery,
    own: &'static str,
    sink: &mut dyn FnMut(
        String,
    ) -> std::pin::Pin<Box<dyn std::future::Future<Output = Result<()>>>>,
) -> Result<FocusExportSummary> {
    let format = query.format();
    let issuer = query.issuer.as_deref().unwrap_or(DEFAULT_ISSUER);
    let fallback = service_named(own).ok_or_else(|| Error::not_found(format!("vendor {own}")))?;
    let mut out = String::new();
    focus::header(format, &mut out);
    let mut lookups = Lookups::default();
    let mut totals: BTreeMap<String, Decimal> = BTreeMap::new();
    let mut rows = 0u64;
    let mut scan = ScanQuery {
        filters: Map::new(),
        after: None,
        limit: PAGE,
    };
    scan.filters
        .insert("billing_period".into(), json!(query.period));
    loop {
        let page = host.store.scan(InvoiceItem::TABLE, &scan).await?;
        let full = page.len() >= PAGE;
        let mut last = None;
        for stored in page {
            last = Some(stored.id.clone());
            let item: InvoiceItem = typed(stored)?;
            if item.billing_period != query.period {
                continue;
            }
            let details = item.details.to_value();
            let mut vendor = told_vendor(&item, &details).map(str::to_owned);
            if vendor.is_none() {
                if let Some(unit) = details.get("unit").and_then(Value::as_str) {
                    vendor = lookups.unit_vendor(host, unit).await?;
                }
            }
            let service = vendor
                .as_deref()
                .and_then(service_named)
                .unwrap_or(fallback);
            let earlier = if item.kind == InvoiceItemKind::StatementCompensation {
                lookups.first_billed(host, &item).await?
            } else {
                None
            };
            let customer_name = Lookups::name(
                &mut lookups.customers,
                host,
                Customer::TABLE,
                &item.customer_uuid,
            )
            .await?;
            let resource_name = match &item.resource_uuid {
                Some(uuid) => {
                    Lookups::name(&mut lookups.resources, host, Resource::TABLE, uuid).await?
                }
                None => None,
            };
            let charge = FocusCharge {
                item: &item,
                details: &details,
                service,
                issuer,
                customer_name: customer_name.as_deref(),
                resource_name: resource_name.as_deref(),
                charge_period: focus::charge_period(&item, &details, earlier),
            };
            focus::write_row(&charge, format, &mut out)?;
            let total = totals
                .entry(item.currency.to_string())
                .or_insert(Decimal::ZERO);
            *total = total
                .checked_add(item.total()?.amount)
                .ok_or_else(|| Error::overflow(format!("the FOCUS export of {}", query.period)))?;
            rows = rows.saturating_add(1);
        }
        if !out.is_empty() {
            sink(std::mem::take(&mut out)).await?;
        }
        host.report(
            "focus_export",
            rows,
            0,
            format!("{rows} items of {} exported", query.period),
        );
        match (full, last) {
            (true, Some(id)) if scan.after.as_deref() != Some(id.as_str()) => scan.after = Some(id),
            _ => break,
        }
    }
    Ok(FocusExportSummary {
        rows,
        billed_cost: totals
            .into_iter()
            .map(|(currency, sum)| (currency, crate::money::Exact(sum).to_string()))
            .collect(),
        metadata: serde_json::from_str(focus::METADATA).unwrap_or(Value::Null),
    })
}
