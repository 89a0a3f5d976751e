//! Consumption reconciliation: when the vendor closes a month, its final figures give each source's final
//! amounts. Each record takes them, and the difference between the final amount and what its invoice items
//! already bill becomes one compensation item.
//!
//! The difference is taken against what is billed, not against the consumed figure: a forced re-run finds
//! the earlier compensation on the invoices and bills nothing more (defect 4), and a changed export bills only
//! its change.
//!
//! A unit (one source reference in one month) is reconciled as a whole. While its records own it
//! ([`super::unit`]), its final amount is split across its owning records ([`super::split`]), and every other
//! source of the unit (records of deleted or terminated resources, document lines billed before, records
//! cleaned up since) is netted off. When its document lines own it, each of its records is brought to zero:
//! the lines bill the money.

use std::collections::BTreeMap;

use rust_decimal::Decimal;
use serde::Serialize;

use super::billed::Lookup;
use super::changeset::Changeset;
use super::{
    checked_sum, compensation_item, compensation_name, net_off, split_by_largest_remainder,
    BilledItems, Billing, ConsumptionRecord, Details, Evidence, InvoiceItem, InvoiceItemKind,
    NetOff, Ownership, PlanContext, SourceKey, Trace, UnitKey, UnitOwner,
};
use crate::error::{Error, Result};
use crate::ids::Uuid;
use crate::money::{Currency, Money, Rendered};
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
    /// The payload and lines of the vendor's final document the figure came from: the trace of the
    /// compensations it makes.
    pub evidence: Evidence,
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
    /// Whether the resource still stands for its consumption ([`crate::ledger::Resource::is_live`]): only
    /// live resources' records own their unit's money.
    pub live: bool,
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
    /// Units of the vendor's final figures that no live record takes ([`super::unowned`]).
    pub unowned: u64,
    /// Held sources left alone ([`super::hold`]): their final is not billed until released.
    pub held: u64,
    /// The held sources left alone, by key.
    pub held_sources: Vec<SourceKey>,
    /// One per counted error (the record, the currencies, why), and one per unowned line.
    pub error_details: Vec<serde_json::Value>,
}

/// What reconciliation decides for one record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
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
    /// The source is held by an operator: left alone until released.
    Held,
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
/// `billing` must hold every invoice item billsync made for these records and the other sources of their
/// units (any invoice, any month), with the units' source rows.
pub fn plan_consumption_reconciliation(
    ctx: &PlanContext,
    period: Period,
    force: bool,
    records: &[ConsumptionRecord],
    owners: &BTreeMap<Uuid, RecordOwner>,
    finals: &[FinalFigure],
    billing: &Billing,
) -> Result<(Changeset, ReconciliationCounters, Vec<RecordOutcome>)> {
    plan_consumption_reconciliation_in(
        Changeset::new(&ctx.operation, ctx.as_of),
        ctx,
        period,
        force,
        records,
        owners,
        &finals.iter().collect::<Vec<_>>(),
        billing,
    )
}

/// [`plan_consumption_reconciliation`], writing into `changeset` (a [`Changeset::discarding`] one when only
/// the outcomes and counts are wanted), with the final figures by reference (a preview planning a group of
/// units at a time picks each group's figures without copying them).
#[allow(clippy::too_many_arguments)]
pub fn plan_consumption_reconciliation_in(
    mut changeset: Changeset,
    ctx: &PlanContext,
    period: Period,
    force: bool,
    records: &[ConsumptionRecord],
    owners: &BTreeMap<Uuid, RecordOwner>,
    finals: &[&FinalFigure],
    billing: &Billing,
) -> Result<(Changeset, ReconciliationCounters, Vec<RecordOutcome>)> {
    let mut counters = ReconciliationCounters::default();
    let mut outcomes = Vec::with_capacity(records.len());

    // Figures by source, once: a closed month can have tens of thousands of lines.
    let mut by_source: Lookup<&str, Vec<&FinalFigure>> = Lookup::default();
    for figure in finals.iter().copied().filter(|f| f.is_for(period)) {
        by_source
            .entry(figure.source_ref.trim())
            .or_default()
            .push(figure);
    }

    let items = BilledItems::reconciling(billing);
    let of_period: Vec<&ConsumptionRecord> = records
        .iter()
        .filter(|r| r.billing_period == period)
        .collect();
    let ownership = Ownership::new(of_period.iter().copied(), |resource| {
        owners.get(resource).is_some_and(|o| o.live)
    });
    let mut units: BTreeMap<UnitKey, Vec<&ConsumptionRecord>> = BTreeMap::new();
    for record in of_period {
        units.entry(record.unit()).or_default().push(record);
    }
    for (unit, records) in &units {
        let source_ref = records.first().map_or("", |r| r.source_ref.trim());
        let matched = by_source.get(source_ref).map(Vec::as_slice).unwrap_or(&[]);
        let mut unit_outcomes: Vec<RecordOutcome> =
            records.iter().map(|r| outcome_of(ctx, r, owners)).collect();
        // A source released since it was last reconciled is due: its unit is looked at again, once.
        let due = || {
            let own: Vec<SourceKey> = records.iter().map(|r| r.key().natural_key()).collect();
            items.any_due(items.unit_sources(unit).iter().copied().chain(&own))
        };
        // A released source whose vendor line has gone since: the finals its records keep are the last the
        // vendor gave, and the release bills final − billed against them, once (the law: billed = final,
        // unless held).
        let remembered: Vec<FinalFigure> = if matched.is_empty() && due() {
            stored_final(records, period).into_iter().collect()
        } else {
            Vec::new()
        };
        let remembered: Vec<&FinalFigure> = remembered.iter().collect();
        let matched = if remembered.is_empty() {
            matched
        } else {
            remembered.as_slice()
        };
        if records.iter().all(|r| r.is_reconciled()) && !force && !due() {
            for outcome in &mut unit_outcomes {
                counters.already_reconciled += 1;
                outcome.action = RecordAction::AlreadyReconciled;
            }
        } else if matched.is_empty() {
            counters.no_billing_data += unit_outcomes.len() as u64;
        } else {
            let mut planned = changeset.empty_like();
            let reconciled = reconcile_unit(
                ctx,
                UnitPlan {
                    unit,
                    records,
                    lines: matched,
                    owners,
                    ownership: &ownership,
                    items: &items,
                },
                &mut unit_outcomes,
                &mut planned,
            );
            match reconciled {
                Ok(netted) => {
                    counters.compensation_items_created += netted;
                    for (record, outcome) in records.iter().zip(&unit_outcomes) {
                        if outcome.action == RecordAction::Held {
                            continue;
                        }
                        if !record.is_finalized() {
                            counters.finalized += 1;
                        }
                        counters.reconciled += 1;
                        if outcome.compensation_item_uuid.is_some() {
                            counters.compensation_items_created += 1;
                        }
                    }
                    // Pushed only once the unit is wholly planned: a failing unit writes nothing.
                    changeset.extend(planned);
                }
                Err(e) => {
                    for (record, outcome) in records.iter().zip(&mut unit_outcomes) {
                        counters.errors += 1;
                        counters.error_details.push(super::record_error(
                            record,
                            ctx.policy.source_label,
                            &e,
                        ));
                        outcome.action = RecordAction::Error;
                        outcome.compensation = Decimal::ZERO;
                        outcome.compensation_item_uuid = None;
                        outcome.error = Some(e.to_string());
                    }
                }
            }
        }
        outcomes.extend(unit_outcomes);
    }
    counters.held_sources = items.held_skipped();
    counters.held = u64::try_from(counters.held_sources.len()).unwrap_or(u64::MAX);
    Ok((changeset, counters, outcomes))
}

/// The final figure a unit's records keep (their sum, as the vendor's line gave it once), when every one
/// of them keeps one; it names no payload, since none was read.
fn stored_final(records: &[&ConsumptionRecord], period: Period) -> Option<FinalFigure> {
    let first = records.first()?;
    let (mut sell, mut buy) = (Decimal::ZERO, Decimal::ZERO);
    for record in records {
        sell = sell.checked_add(record.final_sell?)?;
        buy = buy.checked_add(record.final_buy?)?;
    }
    Some(FinalFigure {
        source_ref: first.source_ref.trim().to_owned(),
        sell,
        buy,
        currency: Some(first.currency),
        period: Some(period),
        detail: serde_json::Value::Null,
        evidence: Evidence::default(),
    })
}

/// A record's outcome before reconciliation decides anything.
fn outcome_of(
    ctx: &PlanContext,
    record: &ConsumptionRecord,
    owners: &BTreeMap<Uuid, RecordOwner>,
) -> RecordOutcome {
    let consumed = ctx.invoice_price(record.consumed_sell, record.consumed_buy);
    let final_amount = record
        .final_sell
        .zip(record.final_buy)
        .map(|(s, b)| ctx.invoice_price(s, b));
    RecordOutcome {
        record_uuid: record.uuid,
        resource_uuid: record.resource_uuid,
        resource_name: owners
            .get(&record.resource_uuid)
            .map(|o| o.resource_name.clone())
            .unwrap_or_default(),
        source_ref: record.source_ref.clone(),
        billing_period: record.billing_period,
        currency: record.currency,
        consumed,
        consumed_sell: record.consumed_sell,
        final_sell: record.final_sell,
        final_amount,
        adjustment: final_amount.and_then(|f| f.checked_sub(consumed)),
        compensation: Decimal::ZERO,
        action: RecordAction::NoBillingData,
        compensation_item_uuid: None,
        error: None,
    }
}

struct UnitPlan<'a, 'b> {
    unit: &'a UnitKey,
    records: &'a [&'a ConsumptionRecord],
    lines: &'a [&'a FinalFigure],
    owners: &'a BTreeMap<Uuid, RecordOwner>,
    ownership: &'a Ownership,
    items: &'a BilledItems<'b>,
}

/// The one currency of a unit: what the vendor's lines name, else what its records learnt, else the
/// policy's. A record that knew none yet ("XXX") takes it; two real currencies are an error.
fn unit_currency(ctx: &PlanContext, plan: &UnitPlan<'_, '_>, location: &str) -> Result<Currency> {
    let named = plan.lines.iter().filter_map(|l| l.currency).chain(
        plan.records
            .iter()
            .map(|r| r.currency)
            .filter(|c| *c != Currency::XXX),
    );
    let mut currency: Option<Currency> = None;
    for c in named {
        match currency {
            Some(first) if first != c => {
                return Err(Error::CurrencyMismatch {
                    location: location.to_owned(),
                    left: c.to_string(),
                    right: first.to_string(),
                })
            }
            _ => currency = Some(c),
        }
    }
    currency
        .or(ctx.policy.currency)
        .ok_or_else(|| Error::InvalidCurrency {
            location: format!("{location}: no line, record or setting names a currency"),
            value: String::new(),
        })
}

/// Runs `check` with no location, and only when it fails, again with `location()` so its error names where:
/// a plan over many units formats no location for the units that pass.
fn named<T>(check: impl Fn(&str) -> Result<T>, location: impl Fn() -> String) -> Result<T> {
    check("").or_else(|_| check(&location()))
}

/// Plans one unit; returns how many other sources it netted off.
fn reconcile_unit(
    ctx: &PlanContext,
    plan: UnitPlan<'_, '_>,
    outcomes: &mut [RecordOutcome],
    changeset: &mut Changeset,
) -> Result<u64> {
    let source_ref = plan.records.first().map_or("", |r| r.source_ref.as_str());
    let location = || format!("final figures of {source_ref}");
    let currency = named(|at| unit_currency(ctx, &plan, at), location)?;
    let final_sell = named(
        |at| checked_sum(plan.lines.iter().map(|l| l.sell), at),
        location,
    )?;
    let final_buy = named(
        |at| checked_sum(plan.lines.iter().map(|l| l.buy), at),
        location,
    )?;
    let owning: Vec<bool> = plan
        .records
        .iter()
        .map(|r| plan.ownership.owns_record(plan.unit, r))
        .collect();
    let weights: Vec<Decimal> = plan
        .records
        .iter()
        .zip(&owning)
        .filter(|(_, owns)| **owns)
        .map(|(r, _)| ctx.invoice_price(r.consumed_sell, r.consumed_buy))
        .collect();
    let mut sells = named(
        |at| split_by_largest_remainder(final_sell, &weights, at),
        location,
    )?
    .into_iter();
    let mut buys = named(
        |at| split_by_largest_remainder(final_buy, &weights, at),
        location,
    )?
    .into_iter();
    let shared = weights.len() > 1;
    for ((record, owns), outcome) in plan.records.iter().zip(&owning).zip(outcomes.iter_mut()) {
        let (sell, buy, reason) = if *owns {
            (
                sells.next().unwrap_or_default(),
                buys.next().unwrap_or_default(),
                if shared {
                    "the unit's final amount, split across its records by consumption"
                } else {
                    "the unit's final amount"
                },
            )
        } else {
            (
                Decimal::ZERO,
                Decimal::ZERO,
                if weights.is_empty() {
                    "no live resource: the vendor's document lines bill the unit"
                } else {
                    "the resource is gone: the unit's live records bill it"
                },
            )
        };
        reconcile_record(
            ctx,
            &plan,
            record,
            (sell, buy, currency, reason),
            outcome,
            changeset,
        )?;
    }
    // The records own the unit: any other source of it (a document line billed before a resource appeared,
    // a record cleaned up since) is brought back to zero.
    let mut netted = 0;
    let sources = plan.items.unit_sources(plan.unit);
    if !weights.is_empty() && !sources.is_empty() {
        let own: Vec<_> = plan.records.iter().map(|r| r.key().natural_key()).collect();
        for source in sources {
            if own.contains(source) {
                continue;
            }
            let why = NetOff {
                owner: UnitOwner::Records,
                reason: "the unit is billed through its consumption records",
                what: source_ref,
                period: plan
                    .records
                    .first()
                    .map_or(ctx.current_period()?, |r| r.billing_period),
            };
            if net_off(
                ctx, plan.items, changeset, source, plan.unit, currency, &why,
            )?
            .is_some()
            {
                netted += 1;
            }
        }
    }
    Ok(netted)
}

fn reconcile_record(
    ctx: &PlanContext,
    plan: &UnitPlan<'_, '_>,
    record: &ConsumptionRecord,
    (final_sell, final_buy, currency, reason): (Decimal, Decimal, Currency, &str),
    outcome: &mut RecordOutcome,
    changeset: &mut Changeset,
) -> Result<()> {
    // Formatted only for an error.
    let location = || format!("final figures of {}", record.source_ref);
    let final_amount = ctx.invoice_price(final_sell, final_buy);
    outcome.currency = currency;
    outcome.final_sell = Some(final_sell);
    outcome.final_amount = Some(final_amount);
    outcome.adjustment = Some(
        final_amount
            .checked_sub(outcome.consumed)
            .ok_or_else(|| Error::overflow(location()))?,
    );

    let natural = SourceKey::of_record(
        record.resource_uuid.as_str(),
        record.billing_period,
        &record.source_ref,
    );
    if plan.items.skip_held(changeset, &natural) {
        outcome.action = RecordAction::Held;
        return Ok(());
    }
    let billed = plan.items.billed(&natural, currency)?;
    let final_money = Money::new(final_amount, currency);
    let difference = match final_money.checked_sub(billed.total, "") {
        Ok(d) => d,
        Err(_) => final_money.checked_sub(billed.total, &location())?,
    };
    // The record as it will be stored: built only when the changeset keeps its writes.
    let mut updated = changeset.keeps_writes().then(|| {
        let mut updated = record.clone();
        updated.currency = currency;
        updated.final_sell = Some(final_sell);
        updated.final_buy = Some(final_buy);
        updated.finalized_at = record.finalized_at.or(Some(ctx.as_of));
        updated.reconciled_at = Some(ctx.as_of);
        updated.modified = ctx.as_of;
        if let Some(detail) = plan
            .lines
            .iter()
            .rev()
            .map(|l| &l.detail)
            .find(|d| !d.is_null())
        {
            updated.raw_data = detail.clone();
        }
        updated
    });

    let unit = Some(plan.unit);
    let owner = plan.owners.get(&record.resource_uuid);
    let customer = owner
        .map(|o| &o.customer_uuid)
        .or_else(|| plan.items.customer_of(&natural));
    let what = owner
        .map(|o| o.resource_name.as_str())
        .filter(|name| !name.trim().is_empty())
        .unwrap_or(record.source_ref.as_str());
    // The law is per customer: the record's money belongs to its resource's customer now. What another
    // customer was billed for it (the resource or its project moved since the sync) is netted off on that
    // customer's invoices, and the customer now is billed the final less what it was billed itself.
    let mut sequence = billed.compensations;
    let mut made: Vec<(String, InvoiceItem)> = Vec::new();
    // A discarding changeset keeps no item: its compensations are decided (amount, customer, id) but
    // neither named nor traced.
    // The unit's lines of the final document: the evidence of every compensation the record gets.
    let trace = changeset
        .keeps_writes()
        .then(|| Trace::of_all(ctx, plan.lines.iter().map(|l| &l.evidence)));
    // A compensation of `amount`: its name and its details, traced (none for a discarding changeset).
    let dressed =
        |amount: Decimal, fields: &[(&str, &dyn std::fmt::Display)]| -> Result<(String, Details)> {
            match &trace {
                Some(trace) => Ok((
                    compensation_name(&ctx.policy.item_prefix, what, record.billing_period, amount),
                    Details::of_fields_traced(fields, trace)?,
                )),
                None => Ok((String::new(), Details::default())),
            }
        };
    for other in plan
        .items
        .customers_of(&natural)
        .into_iter()
        .filter(|c| Some(*c) != customer)
    {
        let billed_other = plan.items.billed_to(&natural, other, currency)?;
        if !ctx.is_billable(billed_other.total.amount) {
            continue;
        }
        sequence += 1;
        let credit = Money::zero(currency).checked_sub(billed_other.total, &location())?;
        let (name, details) = dressed(
            credit.amount,
            &[
                (ctx.policy.source_label, &record.source_ref),
                ("billing_period", &record.billing_period),
                ("billed_before", &Rendered(billed_other.total.amount)),
                ("owner", &plan.ownership.owner(plan.unit).label()),
                (
                    "reason",
                    &"the resource belongs to another customer now: it is billed there",
                ),
            ],
        )?;
        made.push(compensation_item(
            ctx,
            InvoiceItemKind::ConsumptionCompensation,
            &natural,
            sequence,
            other,
            Some(&record.resource_uuid),
            name,
            credit,
            details,
        )?);
    }
    let own = match customer {
        Some(c) if !made.is_empty() => plan.items.billed_to(&natural, c, currency)?,
        _ => billed,
    };
    let own_difference = if made.is_empty() {
        difference
    } else {
        final_money.checked_sub(own.total, &location())?
    };
    if ctx.is_billable(own_difference.amount) {
        let customer = customer.ok_or_else(|| {
            Error::not_found(format!(
                "the customer of resource {} (needed to bill the compensation)",
                record.resource_uuid
            ))
        })?;
        sequence += 1;
        let (name, details) = dressed(
            own_difference.amount,
            &[
                (ctx.policy.source_label, &record.source_ref),
                ("billing_period", &record.billing_period),
                ("final", &Rendered(final_amount)),
                ("billed_before", &Rendered(own.total.amount)),
                ("owner", &plan.ownership.owner(plan.unit).label()),
                ("reason", &reason),
            ],
        )?;
        made.push(compensation_item(
            ctx,
            InvoiceItemKind::ConsumptionCompensation,
            &natural,
            sequence,
            customer,
            Some(&record.resource_uuid),
            name,
            own_difference,
            details,
        )?);
    }
    if let Some((_, item)) = made.last() {
        outcome.compensation = difference.amount;
        outcome.action = if item.unit_price.is_sign_negative() {
            RecordAction::Credit
        } else {
            RecordAction::AdditionalCharge
        };
        outcome.compensation_item_uuid = Some(item.uuid);
        if let Some(updated) = updated.as_mut() {
            updated.compensation_item_uuid = Some(item.uuid);
        }
        let written: Vec<&InvoiceItem> = made.iter().map(|(_, i)| i).collect();
        plan.items
            .settle(changeset, &natural, unit, currency, &written)?;
        for (key, item) in made {
            changeset.create(key, &item)?;
        }
    } else {
        outcome.action = RecordAction::NoCompensation;
        plan.items
            .settle(changeset, &natural, unit, currency, &[])?;
    }
    if let Some(updated) = updated {
        changeset.put(format!("consumption_record:{natural}"), &updated)?;
    }
    Ok(())
}
