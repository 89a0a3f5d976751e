//! Billing syncs: Arrow's statement lines billed on the customers' invoices (trigger_sync), and their
//! reconciliation once Arrow validates the statement (reconcile).
//!
//! - An export line is billed once, at its first price, as one invoice item whose charge IS the line's
//!   amount: unit price = amount, quantity 1, Arrow's quantity kept in the details (defect 1 billed
//!   quantity × total).
//! - A re-sync never rewrites a billed item; a changed price waits for reconcile, which bills the difference
//!   between the current export and what the line's items already bill (defect 2 billed it twice).
//! - Lines of licences billed through consumption records are left to consumption reconciliation, so no
//!   money is billed by both paths.
//! - "Validated" is Arrow's statement state where the export carries it; otherwise the settings'
//!   [`ValidationRule`] decides (defect 7).

use std::collections::{BTreeMap, BTreeSet};

use chrono::Days;
use rust_decimal::Decimal;
use serde::Serialize;

use super::line::BilledLine;
use super::settings::ArrowSettings;
use crate::error::{Error, Result};
use crate::ids::Uuid;
use crate::ledger::changeset::Changeset;
use crate::ledger::{
    billed_for, checked_sum, compensation_item, compensation_name, kind_key, Billed, BilledItems,
    Billing, PlanContext, SourceKey,
};
use crate::money::{render, Currency, Money};
use crate::period::Period;
use crate::vendors::arrow::records::{
    ArrowState, BillingSync, BillingSyncItem, CustomerMapping, InvoiceItem, InvoiceItemKind,
    SyncState, ValidationRule,
};

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct BillingSyncCounters {
    pub syncs_created: u64,
    pub syncs_updated: u64,
    pub invoice_items_created: u64,
    pub skipped_zero: u64,
    pub skipped_unmapped: u64,
    pub skipped_consumption: u64,
    pub errors: u64,
    pub error_details: Vec<serde_json::Value>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct StatementCounters {
    pub reconciled: u64,
    pub skipped_not_validated: u64,
    pub compensation_items_created: u64,
    pub invoice_items_created: u64,
    pub errors: u64,
    pub error_details: Vec<serde_json::Value>,
}

/// What Arrow's statement plans need: the ledger's context and Arrow's own settings.
pub struct StatementContext<'a> {
    pub plan: PlanContext,
    pub settings: &'a ArrowSettings,
}

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

/// Groups the period's billable lines by statement and customer mapping, counting what is skipped.
fn group_lines<'a>(
    ctx: &StatementContext<'_>,
    period: Period,
    lines: &'a [BilledLine],
    mappings: &'a [CustomerMapping],
    consumption_licenses: &BTreeSet<String>,
    counters: &mut BillingSyncCounters,
) -> Vec<StatementGroup<'a>> {
    let by_reference: BTreeMap<&str, &CustomerMapping> = mappings
        .iter()
        .filter(|m| m.applies_to(&ctx.settings.uuid))
        .map(|m| (m.arrow_reference.trim(), m))
        .collect();
    let mut groups: BTreeMap<(String, Uuid), StatementGroup<'a>> = BTreeMap::new();
    for line in lines.iter().filter(|l| l.is_for(period)) {
        let Some(mapping) = by_reference.get(line.customer_reference.trim()) else {
            counters.skipped_unmapped += 1;
            continue;
        };
        if ctx.invoice_price(line.sell, line.buy).is_zero() {
            counters.skipped_zero += 1;
            continue;
        }
        if consumption_licenses.contains(line.license_reference.trim()) {
            counters.skipped_consumption += 1;
            continue;
        }
        groups
            .entry((line.statement_reference.clone(), mapping.uuid.clone()))
            .or_insert_with(|| StatementGroup {
                statement_reference: line.statement_reference.clone(),
                mapping,
                lines: Vec::new(),
            })
            .lines
            .push(line);
    }
    groups.into_values().collect()
}

/// Arrow's state of a statement: from the export, or by the configured rule.
fn arrow_state(
    ctx: &StatementContext<'_>,
    period: Period,
    lines: &[&BilledLine],
) -> Result<ArrowState> {
    if let Some(state) = lines.iter().find_map(|l| l.statement_state) {
        return Ok(state);
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

fn group_currency(
    ctx: &StatementContext<'_>,
    lines: &[&BilledLine],
    statement: &str,
) -> Result<Currency> {
    let mut named = lines.iter().filter_map(|l| l.currency);
    let first = named.next();
    if let Some(other) = named.find(|c| Some(*c) != first) {
        return Err(Error::CurrencyMismatch {
            location: format!("statement {statement}"),
            left: first.map(|c| c.to_string()).unwrap_or_default(),
            right: other.to_string(),
        });
    }
    Ok(first.unwrap_or_else(|| ctx.default_currency()))
}

/// The sync's items after merging the export's lines in, with the invoice items that new lines need.
struct MergedItems {
    items: Vec<BillingSyncItem>,
    new_invoice_items: Vec<(String, InvoiceItem)>,
}

fn merge_items(
    ctx: &StatementContext<'_>,
    period: Period,
    existing: Option<&BillingSync>,
    group: &StatementGroup<'_>,
    currency: Currency,
) -> MergedItems {
    let mut current: BTreeMap<&str, &BilledLine> = BTreeMap::new();
    for line in &group.lines {
        current.insert(line.line_reference.as_str(), line);
    }
    let mut items = Vec::new();
    let mut seen = BTreeSet::new();
    for item in existing.map(|s| s.items.as_slice()).unwrap_or(&[]) {
        let mut item = item.clone();
        match current.get(item.arrow_line_reference.as_str()) {
            Some(line) => {
                item.current_price = Some(ctx.invoice_price(line.sell, line.buy));
                item.quantity = line.quantity;
                item.description = line.description.clone();
            }
            None => item.current_price = None,
        }
        seen.insert(item.arrow_line_reference.clone());
        items.push(item);
    }
    let mut new_invoice_items = Vec::new();
    for line in &group.lines {
        if seen.contains(&line.line_reference) {
            continue;
        }
        seen.insert(line.line_reference.clone());
        let source_key = line.source_key();
        let price = ctx.invoice_price(line.sell, line.buy);
        let key = format!("{}:{source_key}", kind_key(InvoiceItemKind::StatementLine));
        let invoice_item = InvoiceItem {
            uuid: Uuid::derive("invoice_item", &key),
            invoice_uuid: InvoiceItem::invoice_uuid_for(&group.mapping.customer_uuid, period),
            customer_uuid: group.mapping.customer_uuid.clone(),
            project_uuid: None,
            resource_uuid: None,
            billing_period: period,
            kind: InvoiceItemKind::StatementLine,
            source_key: source_key.clone(),
            name: line_item_name(line),
            unit_price: price,
            quantity: Decimal::ONE,
            currency,
            details: serde_json::json!({
                "statement_reference": line.statement_reference,
                "arrow_line_reference": line.line_reference,
                "arrow_quantity": line.quantity.to_string(),
                "vendor_subscription_id": line.vendor_subscription_id,
            }),
            created: ctx.as_of,
            modified: ctx.as_of,
            version: 0,
        };
        items.push(BillingSyncItem {
            uuid: Uuid::derive("billing_sync_item", source_key.as_str()),
            arrow_line_reference: line.line_reference.clone(),
            invoice_item_uuid: Some(invoice_item.uuid.clone()),
            original_price: price,
            current_price: Some(price),
            compensation_item_uuid: None,
            vendor_name: line.vendor_name.clone(),
            subscription_reference: line.vendor_subscription_id.clone(),
            classification: line.classification.clone(),
            description: line.description.clone(),
            quantity: line.quantity,
            created: ctx.as_of,
        });
        new_invoice_items.push((key, invoice_item));
    }
    MergedItems {
        items,
        new_invoice_items,
    }
}

fn line_item_name(line: &BilledLine) -> String {
    match (line.vendor_name.trim(), line.description.trim()) {
        ("", "") => format!("Arrow line {}", line.line_reference),
        (vendor, "") => vendor.to_owned(),
        ("", description) => description.to_owned(),
        (vendor, description) => format!("{vendor}: {description}"),
    }
}

/// Builds the sync of one group: merged items, totals, Arrow's state and billsync's.
fn build_sync(
    ctx: &StatementContext<'_>,
    period: Period,
    existing: Option<&BillingSync>,
    group: &StatementGroup<'_>,
) -> Result<(BillingSync, Vec<(String, InvoiceItem)>)> {
    let currency = group_currency(ctx, &group.lines, &group.statement_reference)?;
    if let Some(sync) = existing.filter(|s| s.currency != currency) {
        return Err(Error::CurrencyMismatch {
            location: format!("statement {}", group.statement_reference),
            left: currency.to_string(),
            right: sync.currency.to_string(),
        });
    }
    let merged = merge_items(ctx, period, existing, group, currency);
    let location = format!("totals of statement {}", group.statement_reference);
    let arrow_state = arrow_state(ctx, period, &group.lines)?;
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
        settings_uuid: ctx.settings.uuid.clone(),
        customer_mapping_uuid: group.mapping.uuid.clone(),
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

/// trigger_sync: the month's export becomes billing syncs and, for lines not billed before, invoice items.
/// `consumption_licenses` are the licences that consumption records bill (resources' Arrow licence refs).
pub fn plan_billing_sync(
    ctx: &StatementContext<'_>,
    period: Period,
    lines: &[BilledLine],
    mappings: &[CustomerMapping],
    syncs: &[BillingSync],
    consumption_licenses: &BTreeSet<String>,
) -> Result<(Changeset, BillingSyncCounters)> {
    let mut changeset = Changeset::new(&ctx.operation, ctx.as_of);
    let mut counters = BillingSyncCounters::default();
    let by_uuid: BTreeMap<&Uuid, &BillingSync> = syncs.iter().map(|s| (&s.uuid, s)).collect();
    for group in group_lines(
        ctx,
        period,
        lines,
        mappings,
        consumption_licenses,
        &mut counters,
    ) {
        let natural = BillingSync::natural_key(
            &ctx.settings.uuid,
            &group.statement_reference,
            &group.mapping.uuid,
        );
        let uuid = Uuid::derive("billing_sync", &natural);
        let existing = by_uuid.get(&uuid).copied();
        match build_sync(ctx, period, existing, &group) {
            Ok((sync, new_items)) => {
                if existing.is_some() {
                    counters.syncs_updated += 1;
                } else {
                    counters.syncs_created += 1;
                }
                for (key, item) in new_items {
                    counters.invoice_items_created += 1;
                    changeset.create(key, &item)?;
                }
                changeset.put(format!("billing_sync:{natural}"), &sync)?;
            }
            Err(e) => {
                counters.errors += 1;
                counters.error_details.push(serde_json::json!({
                    "statement_reference": group.statement_reference,
                    "customer_mapping_uuid": group.mapping.uuid,
                    "code": e.code(),
                    "error": e.to_string(),
                }));
            }
        }
    }
    Ok((changeset, counters))
}

/// reconcile: validated syncs (with `force`, synced and reconciled ones too) are compared line by line with
/// the current export; each difference from what is billed becomes one compensation, and the sync moves to
/// RECONCILED. `items` must hold the invoice items of these syncs' lines.
#[allow(clippy::too_many_arguments)]
pub fn plan_statement_reconciliation(
    ctx: &StatementContext<'_>,
    period: Period,
    force: bool,
    lines: &[BilledLine],
    mappings: &[CustomerMapping],
    syncs: &[BillingSync],
    consumption_licenses: &BTreeSet<String>,
    billing: &Billing,
) -> Result<(Changeset, StatementCounters)> {
    let mut changeset = Changeset::new(&ctx.operation, ctx.as_of);
    let mut counters = StatementCounters::default();
    let mut ignored = BillingSyncCounters::default();
    let groups = group_lines(
        ctx,
        period,
        lines,
        mappings,
        consumption_licenses,
        &mut ignored,
    );
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

    let items = BilledItems::new(billing);
    for sync in syncs
        .iter()
        .filter(|s| s.report_period == period && s.settings_uuid == ctx.settings.uuid)
    {
        let Some(mapping) = mappings
            .iter()
            .find(|m| m.uuid == sync.customer_mapping_uuid)
        else {
            counters.errors += 1;
            counters.error_details.push(serde_json::json!({
                "billing_sync_uuid": sync.uuid,
                "code": "not_found",
                "error": "customer mapping of the sync not found",
            }));
            continue;
        };
        // An empty group: every line of the statement has gone from the export.
        let empty = StatementGroup {
            statement_reference: sync.statement_reference.clone(),
            mapping,
            lines: Vec::new(),
        };
        let group = by_sync.get(&sync.uuid).copied().unwrap_or(&empty);
        match reconcile_sync(ctx, period, force, sync, group, &items) {
            Ok(None) => counters.skipped_not_validated += 1,
            Ok(Some(planned)) => {
                counters.reconciled += 1;
                counters.compensation_items_created += planned.compensations;
                counters.invoice_items_created += planned.new_lines;
                changeset.extend(planned.changeset);
            }
            Err(e) => {
                counters.errors += 1;
                counters.error_details.push(serde_json::json!({
                    "billing_sync_uuid": sync.uuid,
                    "code": e.code(),
                    "error": e.to_string(),
                }));
            }
        }
    }
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
    items: &BilledItems<'_>,
) -> Result<Option<PlannedSync>> {
    let (mut merged, new_items) = if group.lines.is_empty() {
        let mut gone = sync.clone();
        for item in &mut gone.items {
            item.current_price = None;
        }
        (gone, Vec::new())
    } else {
        build_sync(ctx, period, Some(sync), group)?
    };
    let eligible = match merged.state {
        SyncState::Validated => true,
        SyncState::Synced | SyncState::Reconciled => force,
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
        let source_key = SourceKey::of_line(&sync.statement_reference, &item.arrow_line_reference);
        let source_location = source_key.to_string();
        let current = Money::new(item.current_price.unwrap_or(Decimal::ZERO), merged.currency);
        let billed = items.billed(&source_key, merged.currency)?.plus(
            billed_for(&source_key, merged.currency, &planned)?,
            &source_location,
        )?;
        let difference = Billed {
            total: current.checked_sub(billed.total, &source_location)?,
            ..billed
        };
        let first_billed: Vec<&InvoiceItem> = planned
            .iter()
            .filter(|i| i.source_key == source_key)
            .collect();
        if !ctx.is_billable(difference.total.amount) {
            items.settle(&mut changeset, &source_key, merged.currency, &first_billed)?;
            continue;
        }
        let sequence = billed.compensations + 1;
        let (key, invoice_item) = compensation_item(
            ctx,
            InvoiceItemKind::StatementCompensation,
            &source_key,
            sequence,
            &group.mapping.customer_uuid,
            None,
            compensation_name(
                &ctx.policy.item_prefix,
                &item.description,
                period,
                difference.total.amount,
            ),
            difference.total,
            serde_json::json!({
                "statement_reference": sync.statement_reference,
                "arrow_line_reference": item.arrow_line_reference,
                "current_price": item.current_price.map(render),
                "billed_before": render(billed.total.amount),
            }),
        )?;
        item.compensation_item_uuid = Some(invoice_item.uuid.clone());
        let mut written = first_billed;
        written.push(&invoice_item);
        items.settle(&mut changeset, &source_key, merged.currency, &written)?;
        changeset.create(key, &invoice_item)?;
        compensations += 1;
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
