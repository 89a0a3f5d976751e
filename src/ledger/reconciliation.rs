//! Consumption reconciliation: when the vendor closes a month, its final figures give each source's final
//! amounts. Each record takes them, and the difference between the final amount and what its invoice items
//! already bill becomes one compensation item.
//!
//! The difference is taken against what is billed, not against the consumed figure: a forced re-run finds
//! the earlier compensation on the invoices and bills nothing more (defect 4), and a changed export bills only
//! its change.

use std::collections::BTreeMap;

use rust_decimal::Decimal;
use serde::Serialize;

use super::changeset::Changeset;
use super::{
    checked_sum, compensation_item, compensation_name, BilledItems, Billing, ConsumptionRecord,
    InvoiceItemKind, PlanContext,
};
use crate::error::{Error, Result};
use crate::ids::Uuid;
use crate::money::{render, Currency, Money};
use crate::period::Period;

/// What the vendor's closed month says about one source: one line of its final figures. A source may have
/// several lines; the record's final amount is their sum.
#[derive(Debug, Clone, PartialEq)]
pub struct FinalFigure {
    /// The vendor's unit, as records name it in `source_ref`.
    pub source_ref: String,
    pub sell: Decimal,
    pub buy: Decimal,
    /// The currency the vendor named, if it named one.
    pub currency: Option<Currency>,
    /// The month the figure is for; None: the month asked for.
    pub period: Option<Period>,
    /// What the record keeps of the final figures (its `raw_data`); null keeps what the sync wrote.
    pub detail: serde_json::Value,
}

impl FinalFigure {
    pub fn is_for(&self, period: Period) -> bool {
        self.period.is_none_or(|p| p == period)
    }
}

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
    /// The vendor's final figures have nothing for the source yet.
    NoBillingData,
    Error,
}

/// What reconciliation decided for one record: the preview's row.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RecordOutcome {
    pub record_uuid: Uuid,
    pub resource_uuid: Uuid,
    pub resource_name: String,
    pub source_ref: String,
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

/// Plans the reconciliation of `records` (those of `period`) against the vendor's final figures.
/// `items` must hold every invoice item billsync made for these records (any invoice, any month).
pub fn plan_consumption_reconciliation(
    ctx: &PlanContext,
    period: Period,
    force: bool,
    records: &[ConsumptionRecord],
    owners: &BTreeMap<Uuid, RecordOwner>,
    finals: &[FinalFigure],
    billing: &Billing,
) -> Result<(Changeset, ReconciliationCounters, Vec<RecordOutcome>)> {
    let mut changeset = Changeset::new(&ctx.operation, ctx.as_of);
    let mut counters = ReconciliationCounters::default();
    let mut outcomes = Vec::with_capacity(records.len());

    // Figures by source, once: a closed month can have tens of thousands of lines.
    let mut by_source: BTreeMap<&str, Vec<&FinalFigure>> = BTreeMap::new();
    for figure in finals.iter().filter(|f| f.is_for(period)) {
        by_source
            .entry(figure.source_ref.trim())
            .or_default()
            .push(figure);
    }

    let items = BilledItems::new(billing);
    for record in records.iter().filter(|r| r.billing_period == period) {
        let matched = by_source
            .get(record.source_ref.trim())
            .map(Vec::as_slice)
            .unwrap_or(&[]);
        let mut outcome = RecordOutcome {
            record_uuid: record.uuid.clone(),
            resource_uuid: record.resource_uuid.clone(),
            resource_name: owners
                .get(&record.resource_uuid)
                .map(|o| o.resource_name.clone())
                .unwrap_or_default(),
            source_ref: record.source_ref.clone(),
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
        match reconcile_record(
            ctx,
            record,
            matched,
            owners,
            &items,
            &mut outcome,
            &mut changeset,
        ) {
            Ok(()) => {
                if !record.is_finalized() {
                    counters.finalized += 1;
                }
                counters.reconciled += 1;
                if outcome.compensation_item_uuid.is_some() {
                    counters.compensation_items_created += 1;
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
    ctx: &PlanContext,
    record: &ConsumptionRecord,
    lines: &[&FinalFigure],
    owners: &BTreeMap<Uuid, RecordOwner>,
    items: &BilledItems<'_>,
    outcome: &mut RecordOutcome,
    changeset: &mut Changeset,
) -> Result<()> {
    let location = format!("final figures of {}", record.source_ref);
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
    if let Some(detail) = lines.iter().rev().map(|l| &l.detail).find(|d| !d.is_null()) {
        updated.raw_data = detail.clone();
    }

    // Planned apart and pushed only once the record is wholly planned: a failing record writes nothing.
    let mut planned = Changeset::new(&changeset.operation, changeset.as_of);
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
                &ctx.policy.item_prefix,
                &owner.resource_name,
                record.billing_period,
                difference.amount,
            ),
            difference,
            serde_json::json!({
                ctx.policy.source_label: record.source_ref,
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
        items.settle(&mut planned, &natural, record.currency, &[&item])?;
        planned.create(key, &item)?;
    } else {
        outcome.action = RecordAction::NoCompensation;
        items.settle(&mut planned, &natural, record.currency, &[])?;
    }
    planned.put(format!("consumption_record:{natural}"), &updated)?;
    changeset.extend(planned);
    Ok(())
}
