//! Consumption reconciliation: when Arrow closes a month, its billing export gives each licence's final
//! figures. Each record takes them, and the difference between the final amount and what its invoice items
//! already bill becomes one compensation item.
//!
//! The difference is taken against what is billed, not against the consumed figure: a forced re-run finds
//! the earlier compensation on the invoices and bills nothing more (defect 4), and a changed export bills only
//! its change.

use std::collections::BTreeMap;

use rust_decimal::Decimal;
use serde::Serialize;

use super::{
    checked_sum, compensation_item, compensation_name, BilledItems, BilledLine, PlanContext,
};
use crate::changeset::{Changeset, Intent};
use crate::error::{Error, Result};
use crate::ids::Uuid;
use crate::money::{render, Currency, Money};
use crate::period::Period;
use crate::records::{ConsumptionRecord, InvoiceItem, InvoiceItemKind};

/// Who a record's money belongs to, from the host's resources, projects and customers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordOwner {
    pub resource_name: String,
    pub customer_uuid: Uuid,
}

/// The counters of the seed's reference implementation.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ReconciliationCounters {
    pub finalized: u64,
    pub reconciled: u64,
    pub compensation_items_created: u64,
    pub no_billing_data: u64,
    pub already_reconciled: u64,
    pub errors: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RecordAction {
    /// A compensation item that charges the difference.
    AdditionalCharge,
    /// A compensation item that credits the difference.
    Credit,
    /// Final equals billed within the tolerance: finalized and reconciled, nothing billed.
    NoCompensation,
    /// Reconciled before and not forced: left alone.
    AlreadyReconciled,
    /// The export has no line for the licence yet.
    NoBillingData,
    Error,
}

/// What reconciliation decided for one record: the preview's row.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RecordOutcome {
    pub record_uuid: Uuid,
    pub resource_uuid: Uuid,
    pub resource_name: String,
    pub license_reference: String,
    pub billing_period: Period,
    pub currency: Currency,
    /// Consumed on the price source.
    pub consumed: Decimal,
    pub consumed_sell: Decimal,
    pub final_sell: Option<Decimal>,
    /// Final on the price source.
    pub final_amount: Option<Decimal>,
    /// Final − consumed on the price source: the record's adjustment.
    pub adjustment: Option<Decimal>,
    /// What this run bills: final − what the invoices already bill for the record.
    pub compensation: Decimal,
    pub action: RecordAction,
    pub compensation_item_uuid: Option<Uuid>,
    pub error: Option<String>,
}

/// Plans the reconciliation of `records` (those of `period`) against the export `lines`.
/// `items` must hold every invoice item billsync made for these records (any invoice, any month).
pub fn plan_consumption_reconciliation(
    ctx: &PlanContext<'_>,
    period: Period,
    force: bool,
    records: &[ConsumptionRecord],
    owners: &BTreeMap<Uuid, RecordOwner>,
    lines: &[BilledLine],
    items: &[InvoiceItem],
) -> Result<(Changeset, ReconciliationCounters, Vec<RecordOutcome>)> {
    let mut changeset = Changeset::new(
        "admin_arrow_billing_syncs_trigger_reconciliation",
        ctx.as_of,
    );
    let mut counters = ReconciliationCounters::default();
    let mut outcomes = Vec::with_capacity(records.len());

    // Lines by licence, once: the export can have tens of thousands of lines.
    let mut by_license: BTreeMap<&str, Vec<&BilledLine>> = BTreeMap::new();
    for line in lines.iter().filter(|l| l.is_for(period)) {
        by_license
            .entry(line.license_reference.trim())
            .or_default()
            .push(line);
    }

    let items = BilledItems::new(items);
    for record in records.iter().filter(|r| r.billing_period == period) {
        let matched = by_license
            .get(record.license_reference.trim())
            .map(Vec::as_slice)
            .unwrap_or(&[]);
        let mut outcome = RecordOutcome {
            record_uuid: record.uuid.clone(),
            resource_uuid: record.resource_uuid.clone(),
            resource_name: owners
                .get(&record.resource_uuid)
                .map(|o| o.resource_name.clone())
                .unwrap_or_default(),
            license_reference: record.license_reference.clone(),
            billing_period: record.billing_period,
            currency: record.currency,
            consumed: ctx.invoice_price(record.consumed_sell, record.consumed_buy),
            consumed_sell: record.consumed_sell,
            final_sell: record.final_sell,
            final_amount: None,
            adjustment: None,
            compensation: Decimal::ZERO,
            action: RecordAction::NoBillingData,
            compensation_item_uuid: None,
            error: None,
        };
        if record.is_reconciled() && !force {
            counters.already_reconciled += 1;
            outcome.action = RecordAction::AlreadyReconciled;
            outcome.final_amount = record
                .final_sell
                .zip(record.final_buy)
                .map(|(s, b)| ctx.invoice_price(s, b));
            outcome.adjustment = outcome
                .final_amount
                .and_then(|f| f.checked_sub(outcome.consumed));
            outcomes.push(outcome);
            continue;
        }
        if matched.is_empty() {
            counters.no_billing_data += 1;
            outcomes.push(outcome);
            continue;
        }
        match reconcile_record(ctx, record, matched, owners, &items, &mut outcome) {
            Ok(intents) => {
                if !record.is_finalized() {
                    counters.finalized += 1;
                }
                counters.reconciled += 1;
                if outcome.compensation_item_uuid.is_some() {
                    counters.compensation_items_created += 1;
                }
                for intent in intents {
                    changeset.push(intent);
                }
            }
            Err(e) => {
                counters.errors += 1;
                outcome.action = RecordAction::Error;
                outcome.error = Some(e.to_string());
            }
        }
        outcomes.push(outcome);
    }
    Ok((changeset, counters, outcomes))
}

fn reconcile_record(
    ctx: &PlanContext<'_>,
    record: &ConsumptionRecord,
    lines: &[&BilledLine],
    owners: &BTreeMap<Uuid, RecordOwner>,
    items: &BilledItems<'_>,
    outcome: &mut RecordOutcome,
) -> Result<Vec<Intent>> {
    let location = format!("export lines of {}", record.license_reference);
    if let Some(other) = lines
        .iter()
        .filter_map(|l| l.currency)
        .find(|c| *c != record.currency)
    {
        return Err(Error::CurrencyMismatch {
            location,
            left: other.to_string(),
            right: record.currency.to_string(),
        });
    }
    let final_sell = checked_sum(lines.iter().map(|l| l.sell), &location)?;
    let final_buy = checked_sum(lines.iter().map(|l| l.buy), &location)?;
    let final_amount = ctx.invoice_price(final_sell, final_buy);
    outcome.final_sell = Some(final_sell);
    outcome.final_amount = Some(final_amount);
    outcome.adjustment = Some(
        final_amount
            .checked_sub(outcome.consumed)
            .ok_or_else(|| Error::overflow(&location))?,
    );

    let natural = record.key().natural_key();
    let billed = items.billed(&natural, record.currency)?;
    let difference =
        Money::new(final_amount, record.currency).checked_sub(billed.total, &location)?;
    let mut updated = record.clone();
    updated.final_sell = Some(final_sell);
    updated.final_buy = Some(final_buy);
    updated.finalized_at = record.finalized_at.or(Some(ctx.as_of));
    updated.reconciled_at = Some(ctx.as_of);
    updated.modified = ctx.as_of;

    let mut intents = Vec::with_capacity(2);
    if ctx.is_billable(difference.amount) {
        let owner = owners.get(&record.resource_uuid).ok_or_else(|| {
            Error::not_found(format!(
                "the customer of resource {} (needed to bill the compensation)",
                record.resource_uuid
            ))
        })?;
        let (key, item) = compensation_item(
            ctx,
            InvoiceItemKind::ConsumptionCompensation,
            &natural,
            billed.compensations + 1,
            &owner.customer_uuid,
            Some(&record.resource_uuid),
            compensation_name(
                &ctx.settings.invoice_item_prefix,
                &owner.resource_name,
                record.billing_period,
                difference.amount,
            ),
            difference,
            serde_json::json!({
                "license_reference": record.license_reference,
                "billing_period": record.billing_period,
                "final": render(final_amount),
                "billed_before": render(billed.total.amount),
            }),
        )?;
        outcome.compensation = difference.amount;
        outcome.action = if difference.amount.is_sign_negative() {
            RecordAction::Credit
        } else {
            RecordAction::AdditionalCharge
        };
        outcome.compensation_item_uuid = Some(item.uuid.clone());
        updated.compensation_item_uuid = Some(item.uuid.clone());
        intents.push(Intent::CreateInvoiceItem { key, item });
    } else {
        outcome.action = RecordAction::NoCompensation;
    }
    intents.push(Intent::UpsertConsumptionRecord {
        key: format!("consumption_record:{natural}"),
        record: updated,
    });
    Ok(intents)
}
