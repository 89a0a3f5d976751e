//! Consumption sync: the month's preliminary figures become a consumption record and one provisional
//! invoice item per resource and source.
//!
//! The record's figures are overwritten by every sync (50 then 150 gives 150: vendors report month-to-date
//! totals). Only the invoice item carries money; no separate usage record bills the same amount again
//! (defect 3). The item's id derives from the record's natural key, so a sync after a cleanup finds the same
//! item instead of leaving a duplicate (defect 5).

use rust_decimal::Decimal;
use serde::Serialize;

use std::collections::BTreeMap;

use super::changeset::Changeset;
use super::split::split_by_largest_remainder;
use super::{
    item_name, kind_key, net_off, BilledItems, Billing, ConsumptionRecord, Details, Evidence,
    InvoiceItem, InvoiceItemKind, NetOff, PlanContext, RecordKey, Resource, SourceKey, Trace,
    UnitKey, UnitOwner,
};
use crate::error::{Error, Result};
use crate::ids::Uuid;
use crate::money::Currency;
use crate::period::Period;

/// One resource's consumption of one source for the month, summed over every line the vendor returned.
#[derive(Debug, Clone, PartialEq)]
pub struct ResourceConsumption {
    pub resource: Resource,
    pub customer_uuid: Uuid,
    pub source_ref: String,
    pub sell: Decimal,
    pub buy: Decimal,
    /// The currency the consumption payload named, if it named one.
    pub currency: Option<Currency>,
    pub lines: u64,
    pub raw_data: serde_json::Value,
    /// The payload and lines the figures came from: the provisional item's trace.
    pub evidence: Evidence,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct ConsumptionSyncCounters {
    #[cfg_attr(test, ts(type = "number"))]
    pub synced: u64,
    #[cfg_attr(test, ts(type = "number"))]
    pub skipped_finalized: u64,
    #[cfg_attr(test, ts(type = "number"))]
    pub errors: u64,
    /// Units of the vendor's figures that no host resource takes ([`super::unowned`]): each also in
    /// `error_details`.
    #[cfg_attr(test, ts(type = "number"))]
    pub unowned: u64,
    #[cfg_attr(test, ts(type = "Array<Record<string, unknown>>"))]
    pub error_details: Vec<serde_json::Value>,
}

/// Plans the records and provisional items for `period` from the consumption of each resource.
/// `records` and `billing` are what the store holds for these resources (other rows are ignored).
pub fn plan_consumption_sync(
    ctx: &PlanContext,
    period: Period,
    consumptions: &[ResourceConsumption],
    records: &[ConsumptionRecord],
    billing: &Billing,
) -> Result<(Changeset, ConsumptionSyncCounters)> {
    let mut changeset = Changeset::new(&ctx.operation, ctx.as_of);
    let mut counters = ConsumptionSyncCounters::default();
    let records: BTreeMap<RecordKey, &ConsumptionRecord> =
        records.iter().map(|r| (r.key(), r)).collect();
    let items = BilledItems::new(billing);
    // A unit is synced as a whole: the vendor reports its figures to each of its resources, and its
    // provisional amount is split across them by the rule of the finals.
    let mut units: BTreeMap<UnitKey, Vec<&ResourceConsumption>> = BTreeMap::new();
    for consumption in consumptions {
        units
            .entry(SourceKey::unit(period, &consumption.source_ref))
            .or_default()
            .push(consumption);
    }
    for (unit, members) in &units {
        let shares = unit_shares(ctx, unit, members);
        for (consumption, share) in members.iter().zip(shares_or_errors(&shares, members.len())) {
            let planned = share.and_then(|share| {
                plan_one(
                    ctx,
                    period,
                    consumption,
                    share,
                    &records,
                    &items,
                    &mut changeset,
                )
            });
            tally(&mut counters, period, consumption, planned);
        }
    }
    Ok((changeset, counters))
}

/// What one resource's sync did, in the counters.
fn tally(
    counters: &mut ConsumptionSyncCounters,
    period: Period,
    consumption: &ResourceConsumption,
    planned: Result<bool>,
) {
    match planned {
        Ok(true) => counters.synced += 1,
        Ok(false) => counters.skipped_finalized += 1,
        Err(e) => {
            counters.errors += 1;
            counters.error_details.push(super::error_detail(
                &[
                    (
                        "resource_uuid",
                        serde_json::json!(consumption.resource.uuid),
                    ),
                    ("source_ref", serde_json::json!(consumption.source_ref)),
                    ("billing_period", serde_json::json!(period)),
                ],
                &e,
            ));
        }
    }
}

/// Each member's share of its unit's preliminary figures, or why the unit cannot be split.
fn shares_or_errors(
    shares: &Result<Vec<(Decimal, Decimal)>>,
    members: usize,
) -> Vec<Result<(Decimal, Decimal)>> {
    match shares {
        Ok(parts) => parts.iter().copied().map(Ok).collect(),
        Err(e) => (0..members).map(|_| Err(e.clone())).collect(),
    }
}

/// The unit's provisional figures (sell, buy), split across the resources that report it. Every
/// resource of a unit reports the unit's whole month-to-date figures (a vendor's consumption is per
/// unit: a licence, a subscriber); when they differ, the largest is the latest. The whole is split by
/// largest remainder ([`split_by_largest_remainder`]) with each resource's reported figure on the price
/// source as its weight, as the finals are: so the provisional amounts of a unit sum to its figure once.
/// Each record keeps the figures its resource reported: its weight when the final is split.
fn unit_shares(
    ctx: &PlanContext,
    unit: &UnitKey,
    members: &[&ResourceConsumption],
) -> Result<Vec<(Decimal, Decimal)>> {
    if let [only] = members {
        return Ok(vec![(only.sell, only.buy)]);
    }
    let location = format!("consumption of {unit}");
    let sell = members.iter().map(|c| c.sell).max().unwrap_or_default();
    let buy = members.iter().map(|c| c.buy).max().unwrap_or_default();
    let weights: Vec<Decimal> = members
        .iter()
        .map(|c| ctx.invoice_price(c.sell, c.buy))
        .collect();
    let sells = split_by_largest_remainder(sell, &weights, &location)?;
    let buys = split_by_largest_remainder(buy, &weights, &location)?;
    Ok(sells.into_iter().zip(buys).collect())
}

/// Ok(false) when the record is finalized and must not move any more.
fn plan_one(
    ctx: &PlanContext,
    period: Period,
    consumption: &ResourceConsumption,
    (share_sell, share_buy): (Decimal, Decimal),
    records: &BTreeMap<RecordKey, &ConsumptionRecord>,
    items: &BilledItems<'_>,
    changeset: &mut Changeset,
) -> Result<bool> {
    let key = RecordKey {
        resource_uuid: consumption.resource.uuid,
        billing_period: period,
        source_ref: consumption.source_ref.clone(),
    };
    let natural = key.natural_key();
    let existing = records.get(&key).copied();
    if existing.is_some_and(ConsumptionRecord::is_finalized) {
        return Ok(false);
    }
    // Currency is never guessed into storage: a record takes the first real currency it sees ("XXX": none
    // known yet), and amounts that name none are refused unless the settings give one.
    let stored = existing.map(|r| r.currency).filter(|c| *c != Currency::XXX);
    let currency = match (stored, consumption.currency) {
        (Some(stored), Some(named)) if stored != named => {
            return Err(Error::CurrencyMismatch {
                location: format!("consumption of {}", consumption.source_ref),
                left: named.to_string(),
                right: stored.to_string(),
            })
        }
        (stored, named) => named.or(stored).or(ctx.policy.currency),
    };
    let currency = match currency {
        Some(currency) => currency,
        None if consumption.sell.is_zero() && consumption.buy.is_zero() => Currency::XXX,
        None => {
            return Err(Error::InvalidCurrency {
                location: format!(
                    "consumption of {}: the amounts name no currency and the settings give none",
                    consumption.source_ref
                ),
                value: String::new(),
            })
        }
    };
    let known = currency != Currency::XXX;

    let item_key = format!("{}:{natural}", kind_key(InvoiceItemKind::Provisional));
    let item_uuid = Uuid::derive("invoice_item", &item_key);
    let record = ConsumptionRecord {
        uuid: key.record_uuid(),
        vendor: ctx.vendor.to_owned(),
        resource_uuid: key.resource_uuid,
        source_ref: key.source_ref.clone(),
        billing_period: period,
        currency,
        consumed_sell: consumption.sell,
        consumed_buy: consumption.buy,
        final_sell: existing.and_then(|r| r.final_sell),
        final_buy: existing.and_then(|r| r.final_buy),
        invoice_item_uuid: if known {
            Some(item_uuid)
        } else {
            existing.and_then(|r| r.invoice_item_uuid)
        },
        compensation_item_uuid: existing.and_then(|r| r.compensation_item_uuid),
        last_sync_at: Some(ctx.as_of),
        finalized_at: None,
        reconciled_at: existing.and_then(|r| r.reconciled_at),
        raw_data: consumption.raw_data.clone(),
        created: existing.map_or(ctx.as_of, |r| r.created),
        modified: ctx.as_of,
        version: existing.map_or(0, |r| r.version),
    };

    // Once a source has been compensated its billed money is settled by reconciliation: the provisional
    // item no longer follows consumption (after a cleanup and re-sync it would otherwise bill the
    // difference a second time).
    let unit = Some(record.unit());
    if !known {
        // Nothing to bill yet, in no currency: the record waits for one (it owns its unit all the same).
        if let Some(unit) = &unit {
            items.touch(changeset, unit);
        }
        changeset.put(format!("consumption_record:{natural}"), &record)?;
        return Ok(true);
    }
    let billed = items.billed(&natural, currency)?;
    if billed.compensations == 0 {
        let existing_item = items.item(&item_uuid);
        let item = InvoiceItem {
            uuid: item_uuid,
            invoice_uuid: InvoiceItem::invoice_uuid_for(&consumption.customer_uuid, period),
            customer_uuid: consumption.customer_uuid,
            project_uuid: Some(consumption.resource.project_uuid),
            resource_uuid: Some(consumption.resource.uuid),
            billing_period: period,
            kind: InvoiceItemKind::Provisional,
            source_key: natural.clone(),
            name: item_name(
                &ctx.policy.item_prefix,
                Some(consumption.resource.name.as_str())
                    .filter(|name| !name.trim().is_empty())
                    .unwrap_or(&consumption.source_ref),
            ),
            unit_price: ctx.invoice_price(share_sell, share_buy),
            quantity: Decimal::ONE,
            currency,
            details: Details::from_value(&serde_json::json!({
                ctx.policy.source_label: consumption.source_ref,
                "consumption_lines": consumption.lines,
                "price_source": ctx.policy.price_source,
                "owner": UnitOwner::Records.label(),
                "reason": "the month's consumption so far, until the vendor's final figures",
                // The figures the item follows now: the latest sync's read of the vendor's payload.
                "trace": Trace::of(ctx, &consumption.evidence),
            })),
            created: existing_item.map_or(ctx.as_of, |i| i.created),
            modified: ctx.as_of,
            version: existing_item.map_or(0, |i| i.version),
        };
        items.settle(changeset, &natural, unit.as_ref(), currency, &[&item])?;
        changeset.put(item_key, &item)?;
    } else {
        items.settle(changeset, &natural, unit.as_ref(), currency, &[])?;
    }
    // The record of a live resource owns its unit from now on: what the vendor's document lines billed
    // for it before (a line billed while the unit had no record) is netted off, once.
    if let Some(unit) = &unit {
        for source in items.unit_sources(unit) {
            if items.compensation_kind(source) != InvoiceItemKind::StatementCompensation {
                continue;
            }
            let why = NetOff {
                owner: UnitOwner::Records,
                reason: "the unit is billed through its consumption records",
                what: &consumption.resource.name,
                period,
            };
            net_off(ctx, items, changeset, source, unit, currency, &why)?;
        }
    }
    changeset.put(format!("consumption_record:{natural}"), &record)?;
    Ok(true)
}
