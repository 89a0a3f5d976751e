//! Billing syncs: Arrow's statement lines billed on the customers' invoices (trigger_sync), and their
//! reconciliation once Arrow validates the statement (reconcile).
//!
//! - An export line is billed once, at its first price, as one invoice item whose charge IS the line's
//!   amount: unit price = amount, quantity 1, Arrow's quantity kept in the details (defect 1 billed
//!   quantity × total).
//! - A re-sync never rewrites a billed item; a changed price waits for reconcile, which bills the difference
//!   between the current export and what the line's items already bill (defect 2 billed it twice).
//! - A sync mirrors the whole statement for its customer: every line is an item, and buy_total and
//!   sell_total are the statement's totals. A line whose licence is billed through consumption records (the
//!   ledger's owner of the licence and month, [`crate::ledger::unit`]) gets no invoice item of its own; its
//!   item names the records that bill it. When the owner changes, the plan billing for the new owner nets
//!   off what the other sources of the licence billed.
//! - A line's identity includes its customer ([`line_key`]): a line Arrow moves to another customer is a
//!   credit on the first and a charge on the second, each once. Two lines of one statement under one
//!   reference are refused, naming both rows.
//! - "Validated" is Arrow's own statement state: its statements call, else the export column that carries
//!   it; only when the host gives neither, the settings' [`ValidationRule`] decides (defect 7).

use std::collections::{BTreeMap, BTreeSet};

use chrono::Days;
use rust_decimal::Decimal;
use serde::Serialize;

use super::line::{check_unique_lines, line_key, BilledLine};
use super::settings::ArrowSettings;
use crate::error::{Error, Result};
use crate::ids::Uuid;
use crate::ledger::changeset::Changeset;
use crate::ledger::{
    billed_for, checked_sum, compensation_item, compensation_name, kind_key, net_off, Billed,
    BilledItems, Billing, Evidence, NetOff, Ownership, PlanContext, SourceKey, Trace, UnitKey,
    UnitOwner,
};
use crate::ledger::{currencies_of, Details};
use crate::money::{render, Currency, Money};
use crate::period::Period;
use crate::vendors::arrow::records::{
    ArrowState, BillingSync, BillingSyncItem, CustomerMapping, InvoiceItem, InvoiceItemKind,
    SyncState, ValidationRule,
};

/// What trigger_sync did, statement by statement.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct BillingSyncCounters {
    #[cfg_attr(test, ts(type = "number"))]
    pub syncs_created: u64,
    #[cfg_attr(test, ts(type = "number"))]
    pub syncs_updated: u64,
    #[cfg_attr(test, ts(type = "number"))]
    pub invoice_items_created: u64,
    #[cfg_attr(test, ts(type = "number"))]
    pub skipped_zero: u64,
    #[cfg_attr(test, ts(type = "number"))]
    pub skipped_unmapped: u64,
    #[cfg_attr(test, ts(type = "number"))]
    pub skipped_consumption: u64,
    #[cfg_attr(test, ts(type = "number"))]
    pub errors: u64,
    /// Lines no host resource takes: no customer mapping, and no live resource's records bill their
    /// licence ([`super::unowned`]). Each is also in `error_details`, and in `billing-syncs/unowned/`.
    #[cfg_attr(test, ts(type = "number"))]
    pub unowned: u64,
    pub error_details: Vec<StatementSyncErrorDetail>,
}

/// One of trigger_sync's error details: a statement it could not plan, or a line nobody takes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(untagged)]
pub enum StatementSyncErrorDetail {
    Failed(StatementSyncError),
    Unowned(super::unowned::UnownedStatementLine),
}

/// A statement trigger_sync could not plan; the others are synced.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct StatementSyncError {
    pub statement_reference: String,
    pub customer_mapping_uuid: Uuid,
    #[cfg_attr(test, ts(type = "BillsyncErrorCode"))]
    pub code: &'static str,
    pub error: String,
    /// A currency mismatch: the two currencies that could not be combined.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(test, ts(optional))]
    pub currencies: Option<Vec<String>>,
}

/// What reconcile did, billing sync by billing sync.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct StatementCounters {
    #[cfg_attr(test, ts(type = "number"))]
    pub reconciled: u64,
    #[cfg_attr(test, ts(type = "number"))]
    pub skipped_not_validated: u64,
    #[cfg_attr(test, ts(type = "number"))]
    pub compensation_items_created: u64,
    #[cfg_attr(test, ts(type = "number"))]
    pub invoice_items_created: u64,
    #[cfg_attr(test, ts(type = "number"))]
    pub errors: u64,
    pub error_details: Vec<StatementReconciliationError>,
    /// Held lines left alone ([`crate::ledger::hold`]): not billed until released.
    #[cfg_attr(test, ts(type = "number"))]
    pub held: u64,
    #[cfg_attr(test, ts(type = "string[]"))]
    pub held_sources: Vec<SourceKey>,
}

/// A billing sync reconcile could not plan (its customer mapping is gone, or its plan failed); the others
/// are reconciled.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct StatementReconciliationError {
    pub billing_sync_uuid: Uuid,
    #[cfg_attr(test, ts(type = "BillsyncErrorCode"))]
    pub code: &'static str,
    pub error: String,
    /// A currency mismatch: the two currencies that could not be combined.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(test, ts(optional))]
    pub currencies: Option<Vec<String>>,
}

/// What Arrow's statement plans need: the ledger's context, Arrow's own settings, and Arrow's state of
/// each statement of the month from its statements call (empty when the host's adapter has no such call).
pub struct StatementContext<'a> {
    pub plan: PlanContext,
    pub settings: &'a ArrowSettings,
    pub statement_states: BTreeMap<String, ArrowState>,
    /// The hex SHA-256 of the export the lines were read from (None: lines not read from Arrow, as a
    /// test's): the trace of every item billed from them.
    pub export_sha256: Option<String>,
}

/// What the ledger says about the month: who owns each licence, and what every source of them billed.
pub struct StatementLedger<'a> {
    pub ownership: &'a Ownership,
    pub billing: &'a Billing,
}

const BILLED_THROUGH_RECORDS: &str = "the licence is billed through its consumption records";
const BILLED_BY_LINES: &str =
    "the licence has no consumption record of a live resource: its statement lines bill it";

impl std::ops::Deref for StatementContext<'_> {
    type Target = PlanContext;

    fn deref(&self) -> &PlanContext {
        &self.plan
    }
}

/// Lines of one statement for one mapped customer.
struct StatementGroup<'a> {
    statement_reference: String,
    mapping: &'a CustomerMapping,
    lines: Vec<&'a BilledLine>,
}

/// Groups the period's billable lines by statement and customer mapping, counting what is skipped. Two
/// lines of one statement under one reference are refused (the error names both rows).
fn group_lines<'a>(
    ctx: &StatementContext<'_>,
    period: Period,
    lines: &'a [BilledLine],
    mappings: &'a [CustomerMapping],
    counters: &mut BillingSyncCounters,
) -> Result<Grouped<'a>> {
    let of_period: Vec<BilledLine> = lines.iter().filter(|l| l.is_for(period)).cloned().collect();
    check_unique_lines(&of_period)?;
    let by_reference: BTreeMap<&str, &CustomerMapping> = mappings
        .iter()
        .filter(|m| m.applies_to(&ctx.settings.uuid))
        .map(|m| (m.arrow_reference.trim(), m))
        .collect();
    let mut groups: BTreeMap<(String, Uuid), StatementGroup<'a>> = BTreeMap::new();
    let mut zero = Vec::new();
    for line in lines.iter().filter(|l| l.is_for(period)) {
        let Some(mapping) = by_reference.get(line.customer_reference.trim()) else {
            counters.skipped_unmapped += 1;
            zero.push((line, None));
            continue;
        };
        if ctx.invoice_price(line.sell, line.buy).is_zero() {
            counters.skipped_zero += 1;
            zero.push((line, Some(*mapping)));
            continue;
        }
        groups
            .entry((line.statement_reference.clone(), mapping.uuid))
            .or_insert_with(|| StatementGroup {
                statement_reference: line.statement_reference.clone(),
                mapping,
                lines: Vec::new(),
            })
            .lines
            .push(line);
    }
    Ok((groups.into_values().collect(), zero))
}

/// A month's mapped lines, grouped per statement and customer; and apart, those that make no sync: lines
/// that bill nothing (with their mapping) and lines of no mapped customer (their money is unowned).
type Grouped<'a> = (
    Vec<StatementGroup<'a>>,
    Vec<(&'a BilledLine, Option<&'a CustomerMapping>)>,
);

/// Arrow's state of each statement as the export's state column says, on any of its lines (any customer's:
/// a customer whose lines have all moved away still learns that the statement is validated).
fn export_states(lines: &[BilledLine], period: Period) -> BTreeMap<String, ArrowState> {
    lines
        .iter()
        .filter(|l| l.is_for(period))
        .filter_map(|l| Some((l.statement_reference.trim().to_owned(), l.statement_state?)))
        .collect()
}

/// Arrow's state of a statement: its statements call, else the export's state column, else the rule.
fn arrow_state(
    ctx: &StatementContext<'_>,
    period: Period,
    statement: &str,
    exported: &BTreeMap<String, ArrowState>,
) -> Result<ArrowState> {
    if let Some(state) = ctx.statement_states.get(statement.trim()) {
        return Ok(*state);
    }
    if let Some(state) = exported.get(statement.trim()) {
        return Ok(*state);
    }
    match ctx.settings.validation_rule {
        ValidationRule::ExportStateOnly => Ok(ArrowState::Pending),
        ValidationRule::DaysAfterPeriodEnd { days } => {
            let month_end = period.next()?.first_day();
            let validated_from = month_end
                .checked_add_days(Days::new(u64::from(days)))
                .ok_or_else(|| Error::overflow("validation date"))?;
            let today = ctx.as_of.date_in(ctx.zone);
            Ok(if today >= validated_from {
                ArrowState::Validated
            } else {
                ArrowState::Pending
            })
        }
    }
}

/// The statement's currency: what its lines name, else what the sync learnt before, else the settings'.
/// Amounts that never name one are refused; a sync that knew none ("XXX") takes the first real one.
fn group_currency(
    ctx: &StatementContext<'_>,
    lines: &[&BilledLine],
    statement: &str,
    existing: Option<&BillingSync>,
) -> Result<Currency> {
    let location = format!("statement {statement}");
    let known = existing.map(|s| s.currency).filter(|c| *c != Currency::XXX);
    let mut named = lines.iter().filter_map(|l| l.currency).chain(known);
    let first = named.next();
    if let Some(other) = named.find(|c| Some(*c) != first) {
        return Err(Error::CurrencyMismatch {
            location,
            left: first.map(|c| c.to_string()).unwrap_or_default(),
            right: other.to_string(),
        });
    }
    match (first.or(ctx.policy.currency), existing) {
        (Some(currency), _) => Ok(currency),
        (None, Some(sync)) if lines.is_empty() => Ok(sync.currency),
        (None, _) => Err(Error::InvalidCurrency {
            location: format!("{location}: no line or setting names a currency"),
            value: String::new(),
        }),
    }
}

/// Who bills a line's money, and the records that do when they own its licence.
fn owner_of_line(
    ownership: &Ownership,
    period: Period,
    license_reference: &str,
) -> (UnitOwner, Vec<Uuid>) {
    if license_reference.trim().is_empty() {
        return (UnitOwner::DocumentLines, Vec::new());
    }
    (
        ownership.owner_of(period, license_reference),
        ownership.owning_records(period, license_reference),
    )
}

/// The sync's items after merging the export's lines in, with the invoice items that lines billed by the
/// statement and not billed before need.
struct MergedItems {
    items: Vec<BillingSyncItem>,
    new_invoice_items: Vec<(String, InvoiceItem)>,
}

fn line_invoice_item(
    ctx: &StatementContext<'_>,
    period: Period,
    group: &StatementGroup<'_>,
    line: &BilledLine,
    currency: Currency,
) -> (String, InvoiceItem) {
    let source_key = line.source_key();
    let key = format!("{}:{source_key}", kind_key(InvoiceItemKind::StatementLine));
    let item = InvoiceItem {
        uuid: Uuid::derive("invoice_item", &key),
        invoice_uuid: InvoiceItem::invoice_uuid_for(&group.mapping.customer_uuid, period),
        customer_uuid: group.mapping.customer_uuid,
        project_uuid: None,
        resource_uuid: None,
        billing_period: period,
        kind: InvoiceItemKind::StatementLine,
        source_key,
        name: line_item_name(line),
        unit_price: ctx.invoice_price(line.sell, line.buy),
        quantity: Decimal::ONE,
        currency,
        details: Details::from_value(&serde_json::json!({
            "statement_reference": line.statement_reference,
            "arrow_line_reference": line.line_reference,
            "arrow_quantity": line.quantity.to_string(),
            "vendor_subscription_id": line.vendor_subscription_id,
            "license_reference": line.license_reference,
            "owner": UnitOwner::DocumentLines.label(),
            "reason": BILLED_BY_LINES,
            "trace": Trace::of(ctx, &line.evidence_in(ctx.export_sha256.as_deref())),
        })),
        created: ctx.as_of,
        modified: ctx.as_of,
        version: 0,
    };
    (key, item)
}

fn merge_items(
    ctx: &StatementContext<'_>,
    period: Period,
    existing: Option<&BillingSync>,
    group: &StatementGroup<'_>,
    currency: Currency,
    ledger: &Ledger<'_, '_>,
) -> Result<MergedItems> {
    let mut current: BTreeMap<&str, &BilledLine> = BTreeMap::new();
    for line in &group.lines {
        current.insert(line.line_reference.as_str(), line);
    }
    let mut items = Vec::new();
    let mut new_invoice_items = Vec::new();
    let mut seen = BTreeSet::new();
    // A line the statement bills gets its invoice item the first time it is billed by nobody.
    let mut bill_if_unbilled = |line: &BilledLine, item: &mut BillingSyncItem| -> Result<()> {
        let (owner, records) = owner_of_line(ledger.ownership, period, &line.license_reference);
        item.billed_through = records;
        if owner == UnitOwner::Records {
            return Ok(());
        }
        let source_key = line.source_key();
        if ledger.items.billed(&source_key, currency)?.items == 0 {
            let (key, invoice_item) = line_invoice_item(ctx, period, group, line, currency);
            item.invoice_item_uuid = Some(invoice_item.uuid);
            new_invoice_items.push((key, invoice_item));
        }
        Ok(())
    };
    for item in existing.map(|s| s.items.as_slice()).unwrap_or(&[]) {
        let mut item = item.clone();
        match current.get(item.arrow_line_reference.as_str()) {
            Some(line) => {
                item.current_price = Some(ctx.invoice_price(line.sell, line.buy));
                item.quantity = line.quantity;
                item.description = line.description.clone();
                item.license_reference = line.license_reference.clone();
                bill_if_unbilled(line, &mut item)?;
            }
            None => item.current_price = None,
        }
        seen.insert(item.arrow_line_reference.clone());
        items.push(item);
    }
    for line in &group.lines {
        if seen.contains(&line.line_reference) {
            continue;
        }
        seen.insert(line.line_reference.clone());
        let price = ctx.invoice_price(line.sell, line.buy);
        let mut item = BillingSyncItem {
            uuid: Uuid::derive("billing_sync_item", line.source_key().as_str()),
            arrow_line_reference: line.line_reference.clone(),
            invoice_item_uuid: None,
            original_price: price,
            current_price: Some(price),
            compensation_item_uuid: None,
            vendor_name: line.vendor_name.clone(),
            subscription_reference: line.vendor_subscription_id.clone(),
            classification: line.classification.clone(),
            description: line.description.clone(),
            quantity: line.quantity,
            created: ctx.as_of,
            license_reference: line.license_reference.clone(),
            billed_through: Vec::new(),
        };
        bill_if_unbilled(line, &mut item)?;
        items.push(item);
    }
    Ok(MergedItems {
        items,
        new_invoice_items,
    })
}

fn line_item_name(line: &BilledLine) -> String {
    match (line.vendor_name.trim(), line.description.trim()) {
        ("", "") => format!("Arrow line {}", line.line_reference),
        (vendor, "") => vendor.to_owned(),
        ("", description) => description.to_owned(),
        (vendor, description) => format!("{vendor}: {description}"),
    }
}

/// The ledger as one plan reads it, with the export's statement states.
struct Ledger<'a, 'b> {
    ownership: &'a Ownership,
    items: &'a BilledItems<'b>,
    states: BTreeMap<String, ArrowState>,
}

/// Builds the sync of one group (an empty group: every line of the statement has gone): merged items,
/// totals, Arrow's state and billsync's.
fn build_sync(
    ctx: &StatementContext<'_>,
    period: Period,
    existing: Option<&BillingSync>,
    group: &StatementGroup<'_>,
    ledger: &Ledger<'_, '_>,
) -> Result<(BillingSync, Vec<(String, InvoiceItem)>)> {
    let currency = group_currency(ctx, &group.lines, &group.statement_reference, existing)?;
    let merged = merge_items(ctx, period, existing, group, currency, ledger)?;
    let location = format!("totals of statement {}", group.statement_reference);
    let arrow_state = arrow_state(ctx, period, &group.statement_reference, &ledger.states)?;
    let mut state = existing.map_or(SyncState::Pending, |s| s.state);
    let what = format!("billing sync of statement {}", group.statement_reference);
    if state == SyncState::Pending {
        state = state.transition(SyncState::Synced, &what)?;
    }
    let mut validated_at = existing.and_then(|s| s.validated_at);
    if arrow_state == ArrowState::Validated && state == SyncState::Synced {
        state = state.transition(SyncState::Validated, &what)?;
        validated_at = validated_at.or(Some(ctx.as_of));
    }
    let natural = BillingSync::natural_key(
        &ctx.settings.uuid,
        &group.statement_reference,
        &group.mapping.uuid,
    );
    let sync = BillingSync {
        uuid: Uuid::derive("billing_sync", &natural),
        settings_uuid: ctx.settings.uuid,
        customer_mapping_uuid: group.mapping.uuid,
        statement_reference: group.statement_reference.clone(),
        report_period: period,
        arrow_state,
        state,
        buy_total: checked_sum(group.lines.iter().map(|l| l.buy), &location)?,
        sell_total: checked_sum(group.lines.iter().map(|l| l.sell), &location)?,
        currency,
        invoice_uuid: Some(InvoiceItem::invoice_uuid_for(
            &group.mapping.customer_uuid,
            period,
        )),
        error_message: String::new(),
        synced_at: Some(ctx.as_of),
        validated_at,
        reconciled_at: existing.and_then(|s| s.reconciled_at),
        items: merged.items,
        created: existing.map_or(ctx.as_of, |s| s.created),
        modified: ctx.as_of,
        version: existing.map_or(0, |s| s.version),
    };
    Ok((sync, merged.new_invoice_items))
}

/// The unit of a sync item's licence in `period` (None: the line names no licence).
fn item_unit(period: Period, item: &BillingSyncItem) -> Option<UnitKey> {
    Some(item.license_reference.trim())
        .filter(|l| !l.is_empty())
        .map(|l| SourceKey::unit(period, l))
}

/// The statement owns `unit`: every consumption-record source of it (a record of a deleted or terminated
/// resource, or one cleaned up since) is netted off, once per plan.
fn net_off_records(
    ctx: &StatementContext<'_>,
    ledger: &Ledger<'_, '_>,
    changeset: &mut Changeset,
    unit: &UnitKey,
    currency: Currency,
    period: Period,
) -> Result<u64> {
    let mut netted = 0;
    for source in ledger.items.unit_sources(unit) {
        if ledger.items.compensation_kind(source) != InvoiceItemKind::ConsumptionCompensation {
            continue;
        }
        let why = NetOff {
            owner: UnitOwner::DocumentLines,
            reason: BILLED_BY_LINES,
            what: unit.as_str(),
            period,
        };
        if net_off(ctx, ledger.items, changeset, source, unit, currency, &why)?.is_some() {
            netted += 1;
        }
    }
    Ok(netted)
}

/// The sources of a sync's licences that the owner of each licence must bring to zero: a line whose
/// licence its records own (it billed before they appeared), and the records of a licence its lines own.
#[allow(clippy::too_many_arguments)]
fn net_off_non_owners(
    ctx: &StatementContext<'_>,
    period: Period,
    sync: &BillingSync,
    mapping: &CustomerMapping,
    ledger: &Ledger<'_, '_>,
    planned: &[InvoiceItem],
    changeset: &mut Changeset,
    netted_units: &mut BTreeSet<UnitKey>,
) -> Result<u64> {
    let mut netted = 0;
    for item in sync.items.iter().filter(|i| i.current_price.is_some()) {
        let Some(unit) = item_unit(period, item) else {
            continue;
        };
        let source_key = line_key(
            &sync.statement_reference,
            &mapping.arrow_reference,
            &item.arrow_line_reference,
        );
        if ledger.ownership.owner(&unit) == UnitOwner::Records {
            if planned.iter().any(|i| i.source_key == source_key) {
                continue;
            }
            let why = NetOff {
                owner: UnitOwner::Records,
                reason: BILLED_THROUGH_RECORDS,
                what: &item.description,
                period,
            };
            if net_off(
                ctx,
                ledger.items,
                changeset,
                &source_key,
                &unit,
                sync.currency,
                &why,
            )?
            .is_some()
            {
                netted += 1;
            }
        } else if netted_units.insert(unit.clone()) {
            netted += net_off_records(ctx, ledger, changeset, &unit, sync.currency, period)?;
        }
    }
    Ok(netted)
}

/// trigger_sync: the month's export becomes billing syncs, one item per line, and invoice items for lines
/// the statement bills and nobody billed before. `ownership` says which licences their consumption records
/// bill; `billing` holds what every source of the month's licences and lines billed.
#[allow(clippy::too_many_arguments)]
pub fn plan_billing_sync(
    ctx: &StatementContext<'_>,
    period: Period,
    lines: &[BilledLine],
    mappings: &[CustomerMapping],
    syncs: &[BillingSync],
    ledger: &StatementLedger<'_>,
) -> Result<(Changeset, BillingSyncCounters)> {
    let mut changeset = Changeset::new(&ctx.operation, ctx.as_of);
    let mut counters = BillingSyncCounters::default();
    let by_uuid: BTreeMap<&Uuid, &BillingSync> = syncs.iter().map(|s| (&s.uuid, s)).collect();
    let items = BilledItems::new(ledger.billing);
    let ledger = Ledger {
        ownership: ledger.ownership,
        items: &items,
        states: export_states(lines, period),
    };
    let mut netted_units = BTreeSet::new();
    let (groups, zero_lines) = group_lines(ctx, period, lines, mappings, &mut counters)?;
    for group in groups {
        let natural = BillingSync::natural_key(
            &ctx.settings.uuid,
            &group.statement_reference,
            &group.mapping.uuid,
        );
        let uuid = Uuid::derive("billing_sync", &natural);
        let existing = by_uuid.get(&uuid).copied();
        let mut units = netted_units.clone();
        let mut planned = Changeset::new(&ctx.operation, ctx.as_of);
        let result = build_sync(ctx, period, existing, &group, &ledger).and_then(|(sync, new)| {
            let mut created = 0;
            for (key, item) in &new {
                created += 1;
                let unit = group
                    .lines
                    .iter()
                    .find(|l| l.source_key() == item.source_key)
                    .and_then(|l| l.unit(period));
                items.settle(
                    &mut planned,
                    &item.source_key,
                    unit.as_ref(),
                    sync.currency,
                    &[item],
                )?;
                planned.create(key.clone(), item)?;
            }
            let new_items: Vec<InvoiceItem> = new.into_iter().map(|(_, i)| i).collect();
            net_off_non_owners(
                ctx,
                period,
                &sync,
                group.mapping,
                &ledger,
                &new_items,
                &mut planned,
                &mut units,
            )?;
            planned.put(format!("billing_sync:{natural}"), &sync)?;
            Ok((created, sync))
        });
        match result {
            Ok((created, sync)) => {
                if existing.is_some() {
                    counters.syncs_updated += 1;
                } else {
                    counters.syncs_created += 1;
                }
                counters.invoice_items_created += created;
                counters.skipped_consumption += sync
                    .items
                    .iter()
                    .filter(|i| i.current_price.is_some() && !i.billed_through.is_empty())
                    .count() as u64;
                netted_units = units;
                changeset.extend(planned);
            }
            Err(e) => {
                counters.errors += 1;
                counters
                    .error_details
                    .push(StatementSyncErrorDetail::Failed(StatementSyncError {
                        statement_reference: group.statement_reference.clone(),
                        customer_mapping_uuid: group.mapping.uuid,
                        code: e.code(),
                        error: e.to_string(),
                        currencies: currencies_of(&e),
                    }));
            }
        }
    }
    // A licence whose lines own it but bill nothing, or bill no mapped customer (their money is reported
    // unowned), makes no sync; what its records billed (a record of a resource gone, or cleaned up since) is
    // netted off all the same: no money stays billed that the vendor's lines do not back.
    for (line, mapping) in zero_lines {
        let Some(unit) = line.unit(period) else {
            continue;
        };
        if ledger.ownership.owner(&unit) != UnitOwner::DocumentLines || netted_units.contains(&unit)
        {
            continue;
        }
        let Some(currency) = line.currency.or(ctx.policy.currency).or_else(|| {
            ledger
                .items
                .unit_sources(&unit)
                .iter()
                .find_map(|s| ledger.items.currency_of(s))
        }) else {
            continue;
        };
        let mut planned = Changeset::new(&ctx.operation, ctx.as_of);
        match net_off_records(ctx, &ledger, &mut planned, &unit, currency, period) {
            Ok(netted) => {
                counters.invoice_items_created += netted;
                netted_units.insert(unit);
                changeset.extend(planned);
            }
            Err(e) => {
                // A line of no mapped customer names no sync an error could be reported on: the run fails.
                let Some(mapping) = mapping else {
                    return Err(e);
                };
                counters.errors += 1;
                counters
                    .error_details
                    .push(StatementSyncErrorDetail::Failed(StatementSyncError {
                        statement_reference: line.statement_reference.clone(),
                        customer_mapping_uuid: mapping.uuid,
                        code: e.code(),
                        error: e.to_string(),
                        currencies: currencies_of(&e),
                    }));
            }
        }
    }
    Ok((changeset, counters))
}

/// reconcile: validated syncs (with `force`, synced and reconciled ones too) are compared line by line with
/// the current export; each difference from what is billed becomes one compensation, and the sync moves to
/// RECONCILED. A line's target is its current price when the statement bills its licence, zero when its
/// consumption records do (or once it has gone). `ledger.billing` must hold the invoice items of these
/// syncs' lines and of every source of their licences.
#[allow(clippy::too_many_arguments)]
pub fn plan_statement_reconciliation(
    ctx: &StatementContext<'_>,
    period: Period,
    force: bool,
    lines: &[BilledLine],
    mappings: &[CustomerMapping],
    syncs: &[BillingSync],
    ledger: &StatementLedger<'_>,
) -> Result<(Changeset, StatementCounters)> {
    let mut changeset = Changeset::new(&ctx.operation, ctx.as_of);
    let mut counters = StatementCounters::default();
    let mut ignored = BillingSyncCounters::default();
    let (groups, _) = group_lines(ctx, period, lines, mappings, &mut ignored)?;
    let by_sync: BTreeMap<Uuid, &StatementGroup<'_>> = groups
        .iter()
        .map(|g| {
            let natural = BillingSync::natural_key(
                &ctx.settings.uuid,
                &g.statement_reference,
                &g.mapping.uuid,
            );
            (Uuid::derive("billing_sync", &natural), g)
        })
        .collect();

    let items = BilledItems::reconciling(ledger.billing);
    let ledger = Ledger {
        ownership: ledger.ownership,
        items: &items,
        states: export_states(lines, period),
    };
    let mut netted_units = BTreeSet::new();
    for sync in syncs
        .iter()
        .filter(|s| s.report_period == period && s.settings_uuid == ctx.settings.uuid)
    {
        let Some(mapping) = mappings
            .iter()
            .find(|m| m.uuid == sync.customer_mapping_uuid)
        else {
            counters.errors += 1;
            counters.error_details.push(StatementReconciliationError {
                billing_sync_uuid: sync.uuid,
                code: "not_found",
                error: "customer mapping of the sync not found".into(),
                currencies: None,
            });
            continue;
        };
        // An empty group: every line of the statement has gone from the export.
        let empty = StatementGroup {
            statement_reference: sync.statement_reference.clone(),
            mapping,
            lines: Vec::new(),
        };
        let group = by_sync.get(&sync.uuid).copied().unwrap_or(&empty);
        let mut units = netted_units.clone();
        match reconcile_sync(ctx, period, force, sync, group, &ledger, &mut units) {
            Ok(None) => counters.skipped_not_validated += 1,
            Ok(Some(planned)) => {
                counters.reconciled += 1;
                counters.compensation_items_created += planned.compensations;
                counters.invoice_items_created += planned.new_lines;
                netted_units = units;
                changeset.extend(planned.changeset);
            }
            Err(e) => {
                counters.errors += 1;
                counters.error_details.push(StatementReconciliationError {
                    billing_sync_uuid: sync.uuid,
                    code: e.code(),
                    error: e.to_string(),
                    currencies: currencies_of(&e),
                });
            }
        }
    }
    counters.held_sources = items.held_skipped();
    counters.held = u64::try_from(counters.held_sources.len()).unwrap_or(u64::MAX);
    Ok((changeset, counters))
}

struct PlannedSync {
    changeset: Changeset,
    compensations: u64,
    new_lines: u64,
}

fn reconcile_sync(
    ctx: &StatementContext<'_>,
    period: Period,
    force: bool,
    sync: &BillingSync,
    group: &StatementGroup<'_>,
    ledger: &Ledger<'_, '_>,
    netted_units: &mut BTreeSet<UnitKey>,
) -> Result<Option<PlannedSync>> {
    let (mut merged, new_items) = build_sync(ctx, period, Some(sync), group, ledger)?;
    // A line released since it was last reconciled is due: its sync is looked at again, once.
    let due = || {
        let keys: Vec<SourceKey> = merged
            .items
            .iter()
            .map(|i| {
                line_key(
                    &sync.statement_reference,
                    &group.mapping.arrow_reference,
                    &i.arrow_line_reference,
                )
            })
            .collect();
        ledger.items.any_due(keys.iter())
    };
    let eligible = match merged.state {
        SyncState::Validated => true,
        SyncState::Synced | SyncState::Reconciled => force || due(),
        SyncState::Pending => false,
    };
    if !eligible {
        return Ok(None);
    }
    let what = format!("billing sync of statement {}", sync.statement_reference);
    // The move is checked here; the sync's version, checked at commit, makes sure nobody moved it since.
    merged.state.transition(SyncState::Reconciled, &what)?;
    let mut changeset = Changeset::new(&ctx.operation, ctx.as_of);
    let new_lines = new_items.len() as u64;
    // Lines first billed by this very plan count as billed when comparing.
    let planned: Vec<InvoiceItem> = new_items.iter().map(|(_, item)| item.clone()).collect();
    for (key, item) in &new_items {
        changeset.create(key.clone(), item)?;
    }
    let mut compensations = 0;
    for item in &mut merged.items {
        let source_key = line_key(
            &sync.statement_reference,
            &group.mapping.arrow_reference,
            &item.arrow_line_reference,
        );
        if ledger.items.skip_held(&mut changeset, &source_key) {
            continue;
        }
        let unit = item_unit(period, item);
        let source_location = source_key.to_string();
        let owner = unit
            .as_ref()
            .map_or(UnitOwner::DocumentLines, |u| ledger.ownership.owner(u));
        let target = match owner {
            UnitOwner::DocumentLines => item.current_price.unwrap_or(Decimal::ZERO),
            UnitOwner::Records => Decimal::ZERO,
        };
        let current = Money::new(target, merged.currency);
        let billed = ledger.items.billed(&source_key, merged.currency)?.plus(
            billed_for(&source_key, merged.currency, &planned)?,
            &source_location,
        )?;
        let difference = Billed {
            total: current.checked_sub(billed.total, &source_location)?,
            ..billed
        };
        // The law is per customer: what another customer was billed for the line (its mapping names
        // another customer now) is netted off there, and the mapping's customer now is billed the target
        // less what it was billed itself.
        let customer = group.mapping.customer_uuid;
        // The line as the export read now has it (none when it has gone): every compensation's evidence.
        let evidence = group
            .lines
            .iter()
            .find(|l| l.line_reference == item.arrow_line_reference)
            .map_or_else(
                || Evidence {
                    payload_sha256: ctx.export_sha256.clone(),
                    lines: Vec::new(),
                },
                |l| l.evidence_in(ctx.export_sha256.as_deref()),
            );
        let trace = Trace::of(ctx, &evidence);
        let mut moved: Vec<(String, InvoiceItem)> = Vec::new();
        let mut sequence = billed.compensations;
        for other in ledger
            .items
            .customers_of(&source_key)
            .into_iter()
            .filter(|c| **c != customer)
        {
            let billed_other = ledger
                .items
                .billed_to(&source_key, other, merged.currency)?;
            if !ctx.is_billable(billed_other.total.amount) {
                continue;
            }
            sequence += 1;
            let credit =
                Money::zero(merged.currency).checked_sub(billed_other.total, &source_location)?;
            moved.push(compensation_item(
                ctx,
                InvoiceItemKind::StatementCompensation,
                &source_key,
                sequence,
                other,
                None,
                compensation_name(
                    &ctx.policy.item_prefix,
                    &item.description,
                    period,
                    credit.amount,
                ),
                credit,
                Details::from_value(&serde_json::json!({
                    "statement_reference": sync.statement_reference,
                    "arrow_line_reference": item.arrow_line_reference,
                    "billed_before": render(billed_other.total.amount),
                    "owner": owner.label(),
                    "reason": "the line's customer mapping names another customer now: it is billed there",
                    "trace": trace,
                })),
            )?);
        }
        let (billed, difference) = if moved.is_empty() {
            (billed, difference)
        } else {
            let own = ledger
                .items
                .billed_to(&source_key, &customer, merged.currency)?
                .plus(
                    billed_for(&source_key, merged.currency, &planned)?,
                    &source_location,
                )?;
            let own = Billed {
                compensations: sequence,
                ..own
            };
            let difference = Billed {
                total: current.checked_sub(own.total, &source_location)?,
                ..own
            };
            (own, difference)
        };
        compensations += moved.len() as u64;
        let mut first_billed: Vec<&InvoiceItem> = planned
            .iter()
            .filter(|i| i.source_key == source_key)
            .collect();
        first_billed.extend(moved.iter().map(|(_, i)| i));
        for (key, moved_item) in &moved {
            changeset.create(key.clone(), moved_item)?;
        }
        if !ctx.is_billable(difference.total.amount) {
            ledger.items.settle(
                &mut changeset,
                &source_key,
                unit.as_ref(),
                merged.currency,
                &first_billed,
            )?;
            continue;
        }
        let reason = match (owner, item.current_price) {
            (UnitOwner::Records, _) => BILLED_THROUGH_RECORDS,
            (_, None) => "the line has gone from Arrow's statement",
            (_, Some(_)) => "Arrow's price of the line differs from what was billed",
        };
        let (key, invoice_item) = compensation_item(
            ctx,
            InvoiceItemKind::StatementCompensation,
            &source_key,
            billed.compensations + 1,
            &group.mapping.customer_uuid,
            None,
            compensation_name(
                &ctx.policy.item_prefix,
                &item.description,
                period,
                difference.total.amount,
            ),
            difference.total,
            Details::from_value(&serde_json::json!({
                "statement_reference": sync.statement_reference,
                "arrow_line_reference": item.arrow_line_reference,
                "current_price": item.current_price.map(render),
                "billed_before": render(billed.total.amount),
                "owner": owner.label(),
                "reason": reason,
                "trace": trace,
            })),
        )?;
        item.compensation_item_uuid = Some(invoice_item.uuid);
        let mut written = first_billed;
        written.push(&invoice_item);
        ledger.items.settle(
            &mut changeset,
            &source_key,
            unit.as_ref(),
            merged.currency,
            &written,
        )?;
        changeset.create(key, &invoice_item)?;
        compensations += 1;
    }
    // The records of licences this statement bills are netted off (lines the records bill were brought
    // to zero above).
    for item in merged.items.iter().filter(|i| i.current_price.is_some()) {
        let Some(unit) = item_unit(period, item) else {
            continue;
        };
        if ledger.ownership.owner(&unit) == UnitOwner::DocumentLines
            && netted_units.insert(unit.clone())
        {
            compensations +=
                net_off_records(ctx, ledger, &mut changeset, &unit, merged.currency, period)?;
        }
    }
    merged.state = SyncState::Reconciled;
    merged.reconciled_at = Some(ctx.as_of);
    merged.modified = ctx.as_of;
    changeset.put(
        format!(
            "billing_sync:{}",
            BillingSync::natural_key(
                &sync.settings_uuid,
                &sync.statement_reference,
                &sync.customer_mapping_uuid
            )
        ),
        &merged,
    )?;
    Ok(Some(PlannedSync {
        changeset,
        compensations,
        new_lines,
    }))
}
