//! The preview: a whole consumption reconciliation on in-memory input, with no store and no server. It returns
//! the changeset that would be committed and a summary a person can check: per record, consumed, final,
//! adjustment and the action; totals per currency, and per customer and currency.
//!
//! A vendor gives it its final figures and what its records call their source (the policy's source label:
//! each record names its source under that field, and each row of the summary shows it under it too).
//! Records come in the consumption-record shape of the admin APIs. Without `invoice_items`, what is billed so far is inferred from each
//! record: its provisional item bills the consumed amount, and a record reconciled before was brought to its
//! final amount by a compensation.

use std::collections::{BTreeMap, HashMap, HashSet};

use rust_decimal::Decimal;
use serde::Serialize;
use serde_json::{Map, Value};

use super::changeset::Changeset;
use super::record_input::{records_from_text, Cell, RecordSlot};
use super::{
    kind_key, plan_consumption_reconciliation_in, Billing, ConsumptionRecord, Details, FinalFigure,
    InvoiceItem, InvoiceItemKind, PlanContext, Policy, PriceSource, ReconciliationCounters,
    RecordAction, RecordOutcome, RecordOwner, SourceKey, UnitKey,
};
use crate::error::{Error, FieldErrors, Result};
use crate::ids::Uuid;
use crate::money::{amount_from_json, parse_amount, AmountFormat, Currency, Money, Rendered};
use crate::period::{parse_date, Period, Zone};
use crate::timestamp::Timestamp;
use crate::timezone::{TimeZone, ZoneRules};

/// Collects every bad field of the input, so one error lists them all.
#[derive(Default)]
struct Problems(FieldErrors);

impl Problems {
    fn add(&mut self, field: &str, message: impl Into<String>) {
        self.0
            .entry(field.to_owned())
            .or_default()
            .push(message.into());
    }

    fn take<T>(&mut self, field: &str, result: Result<T>) -> Option<T> {
        match result {
            Ok(v) => Some(v),
            Err(e) => {
                self.add(field, e.to_string());
                None
            }
        }
    }

    fn finish(self) -> Result<()> {
        if self.0.is_empty() {
            Ok(())
        } else {
            Err(Error::Validation { fields: self.0 })
        }
    }
}

fn text<'a>(object: &'a Map<String, Value>, key: &str) -> Option<&'a str> {
    object
        .get(key)
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|s| !s.is_empty())
}

/// The vendor's side of a preview: its names and the host's time zones (its final figures are added to the
/// [`PreviewBuilder`]).
#[derive(Clone, Copy)]
pub struct PreviewVendor<'a> {
    /// The vendor's name on its records.
    pub name: &'static str,
    /// The operation the changeset is named after.
    pub operation: &'static str,
    /// What items are named after when the settings give no prefix.
    pub default_prefix: &'static str,
    /// The field a record names its source under (the policy's source label).
    pub source_label: &'static str,
    /// The host's time zones: what an IANA `timezone` is at `asOf` (in JS, `Intl.DateTimeFormat`).
    pub zones: &'a dyn ZoneRules,
}

fn policy_from(
    value: Option<&Value>,
    vendor: &PreviewVendor<'_>,
    problems: &mut Problems,
) -> Policy {
    let empty = Map::new();
    let object = value.and_then(Value::as_object).unwrap_or(&empty);
    let price_source = match text(object, "invoice_price_source") {
        None | Some("sell") => PriceSource::Sell,
        Some("buy") => PriceSource::Buy,
        Some(other) => {
            problems.add(
                "settings.invoice_price_source",
                format!("\"{other}\" is not a valid choice."),
            );
            PriceSource::Sell
        }
    };
    let currency = text(object, "currency")
        .and_then(|c| problems.take("settings.currency", Currency::parse(c, "settings.currency")));
    let tolerance = match object.get("reconciliation_tolerance") {
        None | Some(Value::Null) => Decimal::new(1, 2),
        Some(v) => problems
            .take(
                "settings.reconciliation_tolerance",
                amount_from_json(v, "settings.reconciliation_tolerance", AmountFormat::Point)
                    .map(|p| p.amount),
            )
            .unwrap_or(Decimal::new(1, 2)),
    };
    if tolerance.is_sign_negative() {
        problems.add(
            "settings.reconciliation_tolerance",
            "Ensure this value is greater than or equal to 0.",
        );
    }
    let prefix = text(object, "invoice_item_prefix").unwrap_or(vendor.default_prefix);
    if prefix.chars().count() > 100 {
        problems.add(
            "settings.invoice_item_prefix",
            "Ensure this field has no more than 100 characters.",
        );
    }
    Policy {
        price_source,
        tolerance,
        item_prefix: prefix.to_owned(),
        currency,
        source_label: vendor.source_label,
    }
}

/// A record as the admin APIs show it, with who owns it.
struct PreviewRecord {
    record: ConsumptionRecord,
    owner: RecordOwner,
    customer_name: String,
    /// Whether the record's currency is its own or the settings': else it is the final figures' for its
    /// source, decided once they are all in.
    currency_named: bool,
}

/// `records[index].key`, formatted only when a problem names it.
fn at(index: usize, key: &str) -> String {
    format!("records[{index}].{key}")
}

/// Takes a check of field `key` of record `index`; the check is re-run with the field's name only when it
/// fails, so a valid record formats no field names.
fn take_at<T>(
    problems: &mut Problems,
    index: usize,
    key: &str,
    check: impl Fn(&str) -> Result<T>,
) -> Option<T> {
    match check(key) {
        Ok(v) => Some(v),
        Err(_) => {
            let field = at(index, key);
            problems.take(&field, check(&field))
        }
    }
}

fn amount_at(problems: &mut Problems, index: usize, key: &str, cell: &Cell<'_>) -> Option<Decimal> {
    take_at(problems, index, key, |field| match cell {
        Cell::Text(t) => parse_amount(t, field, AmountFormat::Point).map(|p| p.amount),
        other => amount_from_json(&other.to_value(), field, AmountFormat::Point).map(|p| p.amount),
    })
}

fn optional_amount(
    cell: &Cell<'_>,
    index: usize,
    key: &str,
    problems: &mut Problems,
) -> Option<Decimal> {
    if cell.is_null() {
        return None;
    }
    amount_at(problems, index, key, cell)
}

fn optional_instant(
    cell: &Cell<'_>,
    index: usize,
    key: &str,
    problems: &mut Problems,
) -> Option<Timestamp> {
    cell.text()
        .and_then(|t| take_at(problems, index, key, |_| Timestamp::parse(t)))
}

fn uuid_at(problems: &mut Problems, index: usize, key: &str, t: &str) -> Option<Uuid> {
    take_at(problems, index, key, |field| Uuid::parse_field(t, field))
}

/// What records share: the input's month, the policy, the vendor, and what is derived once for all.
struct RecordContext<'a, 'v> {
    period: Option<Period>,
    policy: &'a Policy,
    vendor: &'a PreviewVendor<'v>,
    as_of: Timestamp,
    /// The customer of records that name none.
    unassigned: Uuid,
}

fn record_from(
    index: usize,
    slot: &RecordSlot<'_>,
    shared: &RecordContext<'_, '_>,
    problems: &mut Problems,
) -> Option<PreviewRecord> {
    let RecordContext {
        period,
        policy,
        vendor,
        as_of,
        ..
    } = *shared;
    let Some(r) = slot else {
        problems.add(
            &format!("records[{index}]"),
            "Expected a consumption record object.",
        );
        return None;
    };
    let label = vendor.source_label;
    let license_reference = r.source.text().map(str::to_owned);
    if license_reference.is_none() {
        problems.add(&at(index, label), "This field is required.");
    }
    // A preview of records that name no resource keys them by source; the source is what matching uses.
    let resource_uuid = match r.resource_uuid.text() {
        Some(t) => uuid_at(problems, index, "resource_uuid", t),
        None => license_reference
            .as_deref()
            .map(|l| Uuid::derive("resource", l)),
    };
    // Without its own billing_period, a record is of the month previewed.
    let billing_period = match r.billing_period.text() {
        Some(t) if t.len() == 7 => take_at(problems, index, "billing_period", |_| Period::parse(t)),
        Some(t) => take_at(problems, index, "billing_period", |_| {
            parse_date(t).and_then(Period::of_date)
        }),
        None => period,
    };
    let consumed_sell = match &r.consumed_sell {
        v if !v.is_null() => amount_at(problems, index, "consumed_sell", v),
        _ => {
            problems.add(&at(index, "consumed_sell"), "This field is required.");
            None
        }
    };
    let consumed_buy = optional_amount(&r.consumed_buy, index, "consumed_buy", problems);
    let final_sell = optional_amount(&r.final_sell, index, "final_sell", problems);
    let final_buy = optional_amount(&r.final_buy, index, "final_buy", problems);
    let finalized_at = optional_instant(&r.finalized_at, index, "finalized_at", problems);
    let reconciled_at = optional_instant(&r.reconciled_at, index, "reconciled_at", problems);
    let customer_uuid = r
        .customer_uuid
        .text()
        .and_then(|t| uuid_at(problems, index, "customer_uuid", t));
    let named_currency = r.currency.text().and_then(|c| {
        take_at(problems, index, "currency", |field| {
            Currency::parse(c, field)
        })
    });

    let (resource_uuid, license_reference, billing_period, consumed_sell) = (
        resource_uuid?,
        license_reference?,
        billing_period?,
        consumed_sell?,
    );
    // The record's currency: its own, the settings', the final figures' for its source (decided when the
    // builder finishes), or "no currency".
    let named = named_currency.or(policy.currency);
    let currency = named.unwrap_or(Currency::XXX);
    let uuid = r.uuid.text().and_then(Uuid::parse).unwrap_or_else(|| {
        Uuid::derive(
            "consumption_record",
            &format!("{resource_uuid}|{billing_period}|{license_reference}"),
        )
    });
    let resource_name = r.resource_name.text().unwrap_or_default().to_owned();
    let customer_name = r.customer_name.text().unwrap_or_default().to_owned();
    let customer = customer_uuid.unwrap_or(shared.unassigned);
    Some(PreviewRecord {
        record: ConsumptionRecord {
            uuid,
            vendor: vendor.name.to_owned(),
            resource_uuid,
            source_ref: license_reference,
            billing_period,
            currency,
            consumed_sell,
            consumed_buy: consumed_buy.unwrap_or(Decimal::ZERO),
            final_sell,
            final_buy,
            invoice_item_uuid: r.invoice_item_uuid.text().and_then(Uuid::parse),
            compensation_item_uuid: r.compensation_item_uuid.text().and_then(Uuid::parse),
            last_sync_at: optional_instant(&r.last_sync_at, index, "last_sync_at", problems),
            finalized_at,
            reconciled_at,
            raw_data: Value::Null,
            created: as_of,
            modified: as_of,
            version: 0,
        },
        owner: RecordOwner {
            resource_name,
            customer_uuid: customer,
            live: true,
        },
        customer_name,
        currency_named: named.is_some(),
    })
}

/// What the invoices bill for a record when the caller gave no invoice items: its provisional charge, and
/// for a record reconciled before, the compensation that brought it to its final amount.
fn inferred_items(
    ctx: &PlanContext,
    record: &ConsumptionRecord,
    owner: &RecordOwner,
) -> Result<Vec<InvoiceItem>> {
    let natural = SourceKey::of_record(
        record.resource_uuid.as_str(),
        record.billing_period,
        &record.source_ref,
    );
    let consumed = ctx.invoice_price(record.consumed_sell, record.consumed_buy);
    let invoice_uuid = ctx.invoices.of(&owner.customer_uuid, record.billing_period);
    let item = |kind: InvoiceItemKind, amount: Decimal| {
        let key = format!("{}:{natural}", kind_key(kind));
        InvoiceItem {
            uuid: Uuid::derive("invoice_item", &key),
            invoice_uuid,
            customer_uuid: owner.customer_uuid,
            project_uuid: None,
            resource_uuid: Some(record.resource_uuid),
            billing_period: record.billing_period,
            kind,
            source_key: natural.clone(),
            name: String::new(),
            unit_price: amount,
            quantity: Decimal::ONE,
            currency: record.currency,
            details: Details::default(),
            created: ctx.as_of,
            modified: ctx.as_of,
            version: 0,
        }
    };
    let mut items = vec![item(InvoiceItemKind::Provisional, consumed)];
    if record.is_reconciled() {
        if let (Some(s), Some(b)) = (
            record.final_sell,
            record.final_buy.or(Some(record.consumed_buy)),
        ) {
            let settled = ctx.invoice_price(s, b);
            let earlier = settled
                .checked_sub(consumed)
                .ok_or_else(|| Error::overflow("preview"))?;
            if !earlier.is_zero() {
                items.push(item(InvoiceItemKind::ConsumptionCompensation, earlier));
            }
        }
    }
    Ok(items)
}

/// Runs the preview of `finals` (the vendor's final figures) against the records and settings of `input`, as
/// the JS call passes them, with the result `output` asks for: the whole changeset and the summary, the
/// summary alone, or only its totals, and the rows in pages. The records are `input.records`, or
/// `records_text` (their JSON text) when given.
pub fn preview_reconciliation_into(
    input: &Value,
    records_text: Option<&str>,
    vendor: PreviewVendor<'_>,
    finals: Vec<FinalFigure>,
    output: &mut PreviewOutput<'_>,
) -> Result<PreviewParts> {
    let mut preview = PreviewBuilder::new(input, vendor, output.result);
    let object = input.as_object();
    match (records_text, object.and_then(|o| o.get("records"))) {
        (Some(text), _) => preview.add_records_text(text)?,
        // Records given as values are read through their text: one reader for both (a second, over values,
        // costs the wasm more than the copy costs the call).
        (None, Some(records @ Value::Array(_))) => {
            preview.add_records_text(&records.to_string())?
        }
        (None, _) => preview
            .problems
            .add("records", "Expected a list of consumption records."),
    }
    preview.add_finals(finals);
    preview.finish(output.on_rows.take())
}

/// A preview fed in parts: the input's month, instant and settings first, then the records and the vendor's
/// final figures, each in as many parts as the host reads them in and in any order, and planned when it
/// finishes. What it holds between parts is the records and figures as the plan reads them, not their text:
/// a month too large for one call (or one JS string) is previewed a page at a time.
///
/// A bad part is refused whole: its records are not added, and its problems (each naming the record by its
/// index among all the records given so far) are what [`Self::check`] returns.
pub struct PreviewBuilder<'v> {
    vendor: PreviewVendor<'v>,
    problems: Problems,
    period: Option<Period>,
    as_of: Option<Timestamp>,
    zone: Zone,
    force: bool,
    policy: Policy,
    given_items: Option<Vec<InvoiceItem>>,
    result: PreviewResult,
    records: Vec<ConsumptionRecord>,
    owners: Vec<RecordOwner>,
    /// The records whose currency neither they nor the settings name: the final figures' for their source.
    unnamed_currency: Vec<usize>,
    /// Each customer's name, as its last record gave it.
    customer_names: BTreeMap<Uuid, String>,
    finals: Vec<FinalFigure>,
    unassigned: Uuid,
}

impl<'v> PreviewBuilder<'v> {
    /// A preview of `vendor`'s month with the month, instant and settings of `input` (its records, if any,
    /// are not read: they are added), for the result `result` asks. Problems of `input` are kept for
    /// [`Self::check`] and [`Self::finish`].
    pub fn new(input: &Value, vendor: PreviewVendor<'v>, result: PreviewResult) -> Self {
        let mut problems = Problems::default();
        let empty = Map::new();
        let object = input.as_object().unwrap_or(&empty);
        let period = match text(object, "period") {
            Some(t) => problems.take("period", Period::parse(t)),
            None => {
                problems.add("period", "This field is required.");
                None
            }
        };
        let as_of = match text(object, "asOf").or_else(|| text(object, "as_of")) {
            Some(t) => problems.take("asOf", Timestamp::parse(t)),
            None => {
                problems.add(
                    "asOf",
                    "This field is required: the preview never reads a clock.",
                );
                None
            }
        };
        let zone = text(object, "timezone")
            .and_then(|z| problems.take("timezone", TimeZone::parse(z)))
            .unwrap_or_default();
        // The offset of the instant planned at decides its month, daylight saving time included.
        let zone = match as_of {
            Some(at) => problems
                .take("timezone", zone.at(at, vendor.zones))
                .unwrap_or_default(),
            None => Zone::default(),
        };
        let force = match object.get("force") {
            None | Some(Value::Null) => false,
            Some(Value::Bool(b)) => *b,
            Some(_) => {
                problems.add("force", "Must be a valid boolean.");
                false
            }
        };
        let policy = policy_from(object.get("settings"), &vendor, &mut problems);
        let given_items = match object
            .get("invoiceItems")
            .or_else(|| object.get("invoice_items"))
        {
            None | Some(Value::Null) => None,
            Some(v) => problems.take(
                "invoiceItems",
                serde_json::from_value(v.clone())
                    .map_err(|e| Error::field("invoiceItems", e.to_string())),
            ),
        };
        PreviewBuilder {
            vendor,
            problems,
            period,
            as_of,
            zone,
            force,
            policy,
            given_items,
            result,
            records: Vec::new(),
            owners: Vec::new(),
            unnamed_currency: Vec::new(),
            customer_names: BTreeMap::new(),
            finals: Vec::new(),
            unassigned: Uuid::derive("customer", "unassigned"),
        }
    }

    /// Whether the final figures' evidence is used: only a preview asked for its changeset traces items.
    pub fn keeps_evidence(&self) -> bool {
        self.result == PreviewResult::All
    }

    /// The problems found so far, as one validation error (and none kept), or Ok.
    pub fn check(&mut self) -> Result<()> {
        std::mem::take(&mut self.problems).finish()
    }

    /// How many records it holds.
    pub fn records(&self) -> usize {
        self.records.len()
    }

    /// Adds the records of a JSON array's text. Text that is not JSON is refused at once (nothing added);
    /// a record with a bad field refuses the part, its problems kept.
    pub fn add_records_text(&mut self, text: &str) -> Result<()> {
        let Some(slots) = records_from_text(text, self.vendor.source_label)? else {
            self.problems
                .add("records", "Expected a list of consumption records.");
            return Ok(());
        };
        let shared = RecordContext {
            period: self.period,
            policy: &self.policy,
            vendor: &self.vendor,
            as_of: self.as_of.unwrap_or(Timestamp::EPOCH),
            unassigned: self.unassigned,
        };
        let first = self.records.len();
        let mut part = Problems::default();
        let previews: Vec<PreviewRecord> = slots
            .iter()
            .enumerate()
            .filter_map(|(i, v)| {
                let index = first.saturating_add(i);
                record_from(index, v, &shared, &mut part)
            })
            .collect();
        drop(slots);
        if !part.0.is_empty() {
            self.problems.0.extend(part.0);
            return Ok(());
        }
        self.records.reserve(previews.len());
        self.owners.reserve(previews.len());
        for p in previews {
            if !p.currency_named {
                self.unnamed_currency.push(self.records.len());
            }
            self.customer_names
                .insert(p.owner.customer_uuid, p.customer_name);
            self.records.push(p.record);
            self.owners.push(p.owner);
        }
        Ok(())
    }

    /// Adds final figures of the vendor's month.
    pub fn add_finals(&mut self, finals: impl IntoIterator<Item = FinalFigure>) {
        self.finals.extend(finals);
    }

    /// Plans the preview of everything added, the rows given to `on_rows` in pages when it is given. Fails
    /// with every problem found, if any.
    pub fn finish(mut self, on_rows: Option<RowPages<'_>>) -> Result<PreviewParts> {
        self.check()?;
        let (Some(period), Some(as_of)) = (self.period, self.as_of) else {
            return Err(Error::field("period", "This field is required."));
        };
        if !self.unnamed_currency.is_empty() {
            // The first currency the final figures name for each source.
            let mut first = BTreeMap::new();
            for figure in &self.finals {
                if let Some(c) = figure.currency {
                    first.entry(figure.source_ref.trim()).or_insert(c);
                }
            }
            for &i in &self.unnamed_currency {
                if let Some(record) = self.records.get_mut(i) {
                    if let Some(c) = first.get(record.source_ref.as_str()) {
                        record.currency = *c;
                    }
                }
            }
        }
        let vendor = self.vendor;
        // A preview stores nothing: amounts no input gives a currency for are shown in "XXX" (no currency)
        // rather than refused, as an engine run would refuse them.
        let mut policy = self.policy;
        policy.currency = policy.currency.or(Some(Currency::XXX));
        let ctx = PlanContext {
            operation: vendor.operation.to_owned(),
            vendor: vendor.name,
            policy,
            as_of,
            zone: self.zone,
            invoices: Default::default(),
        };
        let mut output = PreviewOutput {
            result: self.result,
            on_rows,
        };
        let (records, record_owners, finals) = (self.records, self.owners, &self.finals);
        let owners: BTreeMap<Uuid, RecordOwner> = records
            .iter()
            .zip(&record_owners)
            .map(|(r, o)| (r.resource_uuid, o.clone()))
            .collect();
        // With the whole changeset asked for: one plan, as a commit would make it. Else a group of whole
        // units at a time (units never share money, so each group plans as it would in one plan), each
        // group's changeset dropped once its rows are out: memory holds one group's writes, not the
        // month's. Records then in unit order, the order one plan lists its outcomes in.
        let whole = output.result == PreviewResult::All;
        let shared = PlanShared {
            ctx: &ctx,
            period,
            force: self.force,
            owners: &owners,
            given_items: self.given_items.as_deref(),
            keep_writes: whole,
        };
        let mut sums = Sums::default();
        let mut rows = Rows {
            label: ctx.policy.source_label,
            rows: Vec::new(),
        };
        // Each record's index, after its unit (none when the whole is planned at once).
        let mut order: Vec<(Option<UnitKey>, usize)> = records
            .iter()
            .enumerate()
            .map(|(i, r)| ((!whole).then(|| r.unit()), i))
            .collect();
        let mut by_source: HashMap<&str, Vec<&FinalFigure>> = HashMap::new();
        if !whole {
            crate::sort::sort_by(&mut order, |a, b| a.0.cmp(&b.0));
            for figure in finals {
                by_source
                    .entry(figure.source_ref.trim())
                    .or_default()
                    .push(figure);
            }
        }
        let group = match &output.on_rows {
            _ if whole => order.len().max(1),
            Some((size, _)) => (*size).clamp(1, GROUP_RECORDS),
            None => GROUP_RECORDS,
        };
        let mut slots: Vec<Option<(ConsumptionRecord, RecordOwner)>> =
            records.into_iter().zip(record_owners).map(Some).collect();
        let mut counters = ReconciliationCounters::default();
        let mut changeset = None;
        let mut at = 0;
        loop {
            let mut end = (at + group).min(order.len());
            // A group ends with a unit.
            let unit_at = |i: usize| order.get(i).map(|(u, _)| u);
            while end < order.len() && unit_at(end) == end.checked_sub(1).and_then(unit_at) {
                end += 1;
            }
            let mut chunk = Vec::with_capacity(end - at);
            let mut chunk_owners = Vec::with_capacity(end - at);
            for (_, i) in order.get(at..end).unwrap_or_default() {
                if let Some((r, o)) = slots.get_mut(*i).and_then(Option::take) {
                    chunk.push(r);
                    chunk_owners.push(o);
                }
            }
            let group_finals: Vec<&FinalFigure> = if whole {
                finals.iter().collect()
            } else {
                let mut seen = HashSet::new();
                chunk
                    .iter()
                    .filter(|r| seen.insert(r.source_ref.trim()))
                    .filter_map(|r| by_source.get(r.source_ref.trim()))
                    .flatten()
                    .copied()
                    .collect()
            };
            let (planned, c, outcomes) = plan_group(&shared, &chunk, &chunk_owners, &group_finals)?;
            if whole {
                changeset = Some(planned);
            }
            add_counters(&mut counters, c)?;
            let customer_of: HashMap<Uuid, Uuid> = chunk
                .iter()
                .zip(&chunk_owners)
                .map(|(r, o)| (r.uuid, o.customer_uuid))
                .collect();
            at = end;
            rows.take(
                outcomes,
                &customer_of,
                &mut output,
                &mut sums,
                at >= order.len(),
            )?;
            if at >= order.len() {
                break;
            }
        }
        let (totals, mut customers) = sums.rows();
        for row in &mut customers {
            if let Some(uuid) = &row.customer_uuid {
                row.customer_name = self.customer_names.get(uuid).cloned();
            }
        }
        Ok(PreviewParts {
            changeset,
            summary: PreviewSummary {
                records: rows.rows,
                totals,
                customers,
                counters,
            },
        })
    }
}

/// What every group of records is planned with.
struct PlanShared<'a> {
    ctx: &'a PlanContext,
    period: Period,
    force: bool,
    owners: &'a BTreeMap<Uuid, RecordOwner>,
    given_items: Option<&'a [InvoiceItem]>,
    /// Whether the changeset is asked for: else the plan keeps no writes and renders no rows.
    keep_writes: bool,
}

/// Plans one group of records (all of them, or whole units) against `finals`; without given items, what is
/// billed so far is inferred from the group's records.
#[inline(never)]
fn plan_group(
    shared: &PlanShared<'_>,
    records: &[ConsumptionRecord],
    record_owners: &[RecordOwner],
    finals: &[&FinalFigure],
) -> Result<(Changeset, ReconciliationCounters, Vec<RecordOutcome>)> {
    let items = match shared.given_items {
        Some(items) => items.to_vec(),
        None => {
            let mut items = Vec::with_capacity(records.len());
            for (record, owner) in records.iter().zip(record_owners) {
                items.extend(inferred_items(shared.ctx, record, owner)?);
            }
            items
        }
    };
    let changeset = if shared.keep_writes {
        Changeset::new(&shared.ctx.operation, shared.ctx.as_of)
    } else {
        Changeset::discarding(&shared.ctx.operation, shared.ctx.as_of)
    };
    plan_consumption_reconciliation_in(
        changeset,
        shared.ctx,
        shared.period,
        shared.force,
        records,
        shared.owners,
        finals,
        &Billing {
            items,
            sources: Vec::new(),
            units: Vec::new(),
        },
    )
}

/// The summary's rows, kept or given out a page at a time.
struct Rows {
    label: &'static str,
    rows: Vec<PreviewRow>,
}

impl Rows {
    /// Adds a group's outcomes to the sums and its rows to the summary or to the pages (all pages out when
    /// `last`).
    #[inline(never)]
    fn take(
        &mut self,
        outcomes: Vec<RecordOutcome>,
        customer_of: &HashMap<Uuid, Uuid>,
        output: &mut PreviewOutput<'_>,
        sums: &mut Sums,
        last: bool,
    ) -> Result<()> {
        for o in &outcomes {
            sums.add(o, customer_of.get(&o.record_uuid).copied())?;
        }
        if output.result == PreviewResult::Totals && output.on_rows.is_none() {
            return Ok(());
        }
        let label = self.label;
        self.rows
            .extend(outcomes.into_iter().map(|o| PreviewRow::of(o, label)));
        if let Some((size, on_rows)) = output.on_rows.as_mut() {
            let size = (*size).max(1);
            while self.rows.len() >= size || (last && !self.rows.is_empty()) {
                let rest = self.rows.split_off(size.min(self.rows.len()));
                on_rows(std::mem::replace(&mut self.rows, rest))?;
            }
        }
        Ok(())
    }
}

/// Records planned at a time when only the summary is asked for.
const GROUP_RECORDS: usize = 10_000;

/// Adds `c`'s counts to `total`.
fn add_counters(total: &mut ReconciliationCounters, c: ReconciliationCounters) -> Result<()> {
    let add = |a: &mut u64, b: u64| -> Result<()> {
        *a = a
            .checked_add(b)
            .ok_or_else(|| Error::overflow("preview counters"))?;
        Ok(())
    };
    add(&mut total.finalized, c.finalized)?;
    add(&mut total.reconciled, c.reconciled)?;
    add(
        &mut total.compensation_items_created,
        c.compensation_items_created,
    )?;
    add(&mut total.no_billing_data, c.no_billing_data)?;
    add(&mut total.already_reconciled, c.already_reconciled)?;
    add(&mut total.errors, c.errors)?;
    add(&mut total.unowned, c.unowned)?;
    total.error_details.extend(c.error_details);
    Ok(())
}

/// What of the preview comes back: the whole changeset and the summary (the default), the summary alone, or
/// its totals and counters alone (no row per record).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum PreviewResult {
    #[default]
    All,
    Summary,
    Totals,
}

/// Rows of the summary, a page at a time.
pub type RowPages<'s> = (usize, &'s mut dyn FnMut(Vec<PreviewRow>) -> Result<()>);

/// What a caller asks of a preview's result.
#[derive(Default)]
pub struct PreviewOutput<'s> {
    pub result: PreviewResult,
    /// Pages of at most this many rows, given to the function as they are planned instead of kept in the
    /// summary (whose `records` is then empty).
    pub on_rows: Option<RowPages<'s>>,
}

/// A preview as the caller asked for it: the changeset only when asked.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PreviewParts {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub changeset: Option<Changeset>,
    pub summary: PreviewSummary,
}

impl PreviewParts {
    /// The whole preview, when the changeset was asked for (the default output).
    pub fn whole(self) -> Result<ReconciliationPreview> {
        Ok(ReconciliationPreview {
            changeset: self.changeset.ok_or_else(|| Error::NotFound {
                what: "the preview's changeset".to_owned(),
            })?,
            summary: self.summary,
        })
    }

    /// As one JSON text, its buffer sized up front (see [`ReconciliationPreview::to_json`]).
    pub fn to_json(&self) -> Result<String> {
        let rows: usize = self.changeset.as_ref().map_or(0, |c| {
            c.writes
                .iter()
                .map(|w| w.row.as_ref().map_or(0, |r| r.as_str().len()))
                .sum::<usize>()
                .saturating_add(c.writes.len().saturating_mul(192))
        });
        let capacity = rows
            .saturating_add(self.summary.records.len().saturating_mul(448))
            .saturating_add(4096);
        json_text(self, capacity)
    }
}

/// `value` as JSON text, written into a buffer of `capacity` bytes.
fn json_text(value: &impl Serialize, capacity: usize) -> Result<String> {
    let mut text = Vec::with_capacity(capacity);
    serde_json::to_writer(&mut text, value)
        .map_err(serde::ser::Error::custom)
        .and_then(|()| String::from_utf8(text).map_err(serde::ser::Error::custom))
        .map_err(|e: serde_json::Error| Error::InvalidPayload {
            payload: "preview".to_owned(),
            offset: 0,
            reason: e.to_string(),
        })
}

/// Sums per currency, and per customer and currency, of the records the export finalizes.
#[derive(Default)]
struct Sums {
    all: BTreeMap<Currency, [Money; 3]>,
    customers: BTreeMap<(Uuid, Currency), [Money; 3]>,
}

impl Sums {
    /// Adds a record's outcome: every row reads consumed + adjustment = final. Records without billing data
    /// or in error show in their own rows only (with zeros). Amounts of two currencies are never added.
    fn add(&mut self, o: &RecordOutcome, customer: Option<Uuid>) -> Result<()> {
        let zero = Money::zero(o.currency);
        let add = |sums: &mut [Money; 3]| -> Result<()> {
            let [consumed, final_amount, adjustment] = sums;
            if let (Some(f), Some(a)) = (o.final_amount, o.adjustment) {
                *consumed =
                    consumed.checked_add(Money::new(o.consumed, o.currency), "preview totals")?;
                *final_amount =
                    final_amount.checked_add(Money::new(f, o.currency), "preview totals")?;
                *adjustment =
                    adjustment.checked_add(Money::new(a, o.currency), "preview totals")?;
            }
            Ok(())
        };
        add(self.all.entry(o.currency).or_insert([zero; 3]))?;
        if let Some(c) = customer {
            add(self.customers.entry((c, o.currency)).or_insert([zero; 3]))?;
        }
        Ok(())
    }

    /// The totals per currency, and per customer and currency.
    fn rows(self) -> (Vec<PreviewTotal>, Vec<PreviewTotal>) {
        let row = |customer_uuid, currency, [consumed, final_amount, adjustment]: [Money; 3]| {
            PreviewTotal {
                customer_uuid,
                customer_name: None,
                currency,
                consumed: consumed.render(),
                final_amount: final_amount.render(),
                adjustment: adjustment.render(),
            }
        };
        (
            self.all
                .into_iter()
                .map(|(currency, sums)| row(None, currency, sums))
                .collect(),
            self.customers
                .into_iter()
                .map(|((c, currency), sums)| row(Some(c), currency, sums))
                .collect(),
        )
    }
}

/// What the preview returns: the changeset that would be committed, and the summary a person checks.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct ReconciliationPreview {
    pub changeset: Changeset,
    pub summary: PreviewSummary,
}

impl ReconciliationPreview {
    /// The preview as one JSON text, its buffer sized up front from the rows it holds (a large preview is
    /// hundreds of megabytes: growing it by doubling would copy it several times and, in wasm, keep the
    /// larger memory for good).
    pub fn to_json(&self) -> Result<String> {
        let rows: usize = self
            .changeset
            .writes
            .iter()
            .map(|w| w.row.as_ref().map_or(0, |r| r.as_str().len()))
            .sum();
        let capacity = rows
            .saturating_add(self.changeset.writes.len().saturating_mul(192))
            .saturating_add(self.summary.records.len().saturating_mul(448))
            .saturating_add(4096);
        let mut text = Vec::with_capacity(capacity);
        serde_json::to_writer(&mut text, self)
            .map_err(serde::ser::Error::custom)
            .and_then(|()| String::from_utf8(text).map_err(serde::ser::Error::custom))
            .map_err(|e: serde_json::Error| Error::InvalidPayload {
                payload: "preview".to_owned(),
                offset: 0,
                reason: e.to_string(),
            })
    }
}

/// Per record what reconciliation decides, totals per currency and per customer, and the counters.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct PreviewSummary {
    pub records: Vec<PreviewRow>,
    pub totals: Vec<PreviewTotal>,
    pub customers: Vec<PreviewTotal>,
    #[cfg_attr(test, ts(type = "ReconciliationCounters"))]
    pub counters: ReconciliationCounters,
}

/// One record of the preview, amounts rendered with 2 decimals; its source under the vendor's label.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS), ts(rename = "PreviewRecordRow"))]
pub struct PreviewRow {
    /// The record's source, under the vendor's name for it.
    #[serde(flatten)]
    #[cfg_attr(test, ts(flatten))]
    pub source: Labelled,
    /// The month's first day ("YYYY-MM-01").
    #[serde(serialize_with = "first_day")]
    #[cfg_attr(test, ts(type = "string"))]
    pub billing_period: Period,
    pub resource_uuid: Uuid,
    pub resource_name: String,
    pub currency: Currency,
    pub consumed_sell: Rendered,
    pub final_sell: Option<Rendered>,
    pub adjustment: Option<Rendered>,
    pub compensation: Rendered,
    pub action: RecordAction,
    pub compensation_item_uuid: Option<Uuid>,
    pub error: Option<String>,
}

/// A value under a name chosen at run time (the vendor's name for a record's source).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Labelled {
    pub label: &'static str,
    pub value: String,
}

impl Serialize for Labelled {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = s.serialize_map(Some(1))?;
        map.serialize_entry(self.label, &self.value)?;
        map.end()
    }
}

fn first_day<S: serde::Serializer>(period: &Period, s: S) -> std::result::Result<S::Ok, S::Error> {
    s.collect_str(&period.first_day())
}

impl PreviewRow {
    /// The row of an outcome, which it takes over.
    fn of(o: RecordOutcome, label: &'static str) -> PreviewRow {
        PreviewRow {
            source: Labelled {
                label,
                value: o.source_ref,
            },
            billing_period: o.billing_period,
            resource_uuid: o.resource_uuid,
            resource_name: o.resource_name,
            currency: o.currency,
            consumed_sell: Rendered(o.consumed_sell),
            final_sell: o.final_sell.map(Rendered),
            adjustment: o.adjustment.map(Rendered),
            compensation: Rendered(o.compensation),
            action: o.action,
            compensation_item_uuid: o.compensation_item_uuid,
            error: o.error,
        }
    }
}

/// Sums of one currency, and of one customer where the rows are per customer. Amounts are decimal strings
/// with 2 decimals.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct PreviewTotal {
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(test, ts(optional))]
    pub customer_uuid: Option<Uuid>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(test, ts(optional))]
    pub customer_name: Option<String>,
    pub currency: Currency,
    pub consumed: String,
    #[serde(rename = "final")]
    pub final_amount: String,
    pub adjustment: String,
}
