//! consumption_statistics, pending_records and consumption_status of seed 000.
//!
//! Currency rule: amounts of different currencies are never added. Sums are kept per currency. When every
//! record (or every record of a period) is in one currency, the seed's fields are exactly the seed's shape.
//! When they span several, the seed's amount field is null (no single number is true), and a period's
//! `consumed_sell_by_currency` follows it. Beside the seed's fields come the statistics every vendor answers
//! ([`RecordStatistics`]: `totals_by_currency` and `by_period`, the same shape as Soracom's). The endpoint
//! never fails on a mixed store: one USD record must not take the dashboard down.

use std::collections::BTreeMap;

use rust_decimal::Decimal;
use serde::Serialize;
use serde_json::{json, Map, Value};

use crate::error::{Error, Result};
use crate::ids::Uuid;
use crate::ledger::{record_statistics, RecordStatistics};
use crate::money::{render, Currency};
use crate::period::Period;
use crate::timestamp::Timestamp;
use crate::vendors::arrow::records::{checked_adjustment, ArrowSettings, ConsumptionRecord};

use super::filter::pending_order;

/// How many periods the breakdown shows: the latest ones that have records.
pub const BREAKDOWN_PERIODS: usize = 12;

/// Amounts per currency, in code order so output is deterministic.
pub type PerCurrency = BTreeMap<Currency, Decimal>;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PeriodStatistics {
    pub period: Period,
    pub count: usize,
    pub consumed_sell: PerCurrency,
    pub finalized_count: usize,
    pub reconciled_count: usize,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConsumptionStatistics {
    pub total_records: usize,
    /// Not finalized yet.
    pub pending_records: usize,
    pub finalized_records: usize,
    pub reconciled_records: usize,
    /// Σ consumed_sell over all records.
    pub total_consumed_sell: PerCurrency,
    /// Σ (final_sell − consumed_sell) over finalized records that have a final_sell.
    pub total_adjustments: PerCurrency,
    /// The latest [`BREAKDOWN_PERIODS`] periods, newest first.
    pub period_breakdown: Vec<PeriodStatistics>,
    /// The shape every vendor answers.
    pub records: RecordStatistics,
}

fn add(sums: &mut PerCurrency, currency: Currency, amount: Decimal, location: &str) -> Result<()> {
    let slot = sums.entry(currency).or_insert(Decimal::ZERO);
    *slot = slot
        .checked_add(amount)
        .ok_or_else(|| Error::overflow(location))?;
    Ok(())
}

/// The seed's single amount: "0.00" for no records, the sum for one currency, null for several.
fn single_amount(sums: &PerCurrency) -> Value {
    let mut amounts = sums.values();
    match (amounts.next(), amounts.next()) {
        (None, _) => Value::String(render(Decimal::ZERO)),
        (Some(one), None) => Value::String(render(*one)),
        (Some(_), Some(_)) => Value::Null,
    }
}

/// Do these sums, together, name more than one currency?
fn is_mixed(sums: &[&PerCurrency]) -> bool {
    let mut all = sums.iter().flat_map(|s| s.keys());
    let first = all.next();
    all.any(|c| Some(c) != first)
}

impl PeriodStatistics {
    pub fn to_json(&self) -> Value {
        let mut out = Map::new();
        out.insert("period".into(), Value::String(self.period.to_string()));
        out.insert("count".into(), json!(self.count));
        out.insert("consumed_sell".into(), single_amount(&self.consumed_sell));
        out.insert("finalized_count".into(), json!(self.finalized_count));
        out.insert("reconciled_count".into(), json!(self.reconciled_count));
        if self.consumed_sell.len() > 1 {
            let by: Map<String, Value> = self
                .consumed_sell
                .iter()
                .map(|(c, a)| (c.to_string(), Value::String(render(*a))))
                .collect();
            out.insert("consumed_sell_by_currency".into(), Value::Object(by));
        }
        Value::Object(out)
    }
}

impl ConsumptionStatistics {
    /// The seed's shape; see the module comment for records in several currencies.
    pub fn to_json(&self) -> Value {
        let mixed = is_mixed(&[&self.total_consumed_sell, &self.total_adjustments]);
        let mut out = Map::new();
        out.insert("total_records".into(), json!(self.total_records));
        out.insert("pending_records".into(), json!(self.pending_records));
        out.insert("finalized_records".into(), json!(self.finalized_records));
        out.insert("reconciled_records".into(), json!(self.reconciled_records));
        let (consumed, adjustments) = if mixed {
            (Value::Null, Value::Null)
        } else {
            (
                single_amount(&self.total_consumed_sell),
                single_amount(&self.total_adjustments),
            )
        };
        out.insert("total_consumed_sell".into(), consumed);
        out.insert("total_adjustments".into(), adjustments);
        out.insert(
            "period_breakdown".into(),
            Value::Array(
                self.period_breakdown
                    .iter()
                    .map(PeriodStatistics::to_json)
                    .collect(),
            ),
        );
        // The shape every vendor answers: its counts are the seed's, its totals per currency always given.
        let RecordStatistics {
            totals_by_currency,
            by_period,
            ..
        } = &self.records;
        out.insert("totals_by_currency".into(), json!(totals_by_currency));
        out.insert("by_period".into(), json!(by_period));
        Value::Object(out)
    }
}

/// Statistics over `records` (already narrowed to what the caller may see).
pub fn consumption_statistics(records: &[ConsumptionRecord]) -> Result<ConsumptionStatistics> {
    let mut stats = ConsumptionStatistics {
        total_records: records.len(),
        pending_records: 0,
        finalized_records: 0,
        reconciled_records: 0,
        total_consumed_sell: PerCurrency::new(),
        total_adjustments: PerCurrency::new(),
        period_breakdown: Vec::new(),
        records: record_statistics(records)?,
    };
    let mut periods: BTreeMap<Period, PeriodStatistics> = BTreeMap::new();
    for record in records {
        let period = periods
            .entry(record.billing_period)
            .or_insert_with(|| PeriodStatistics {
                period: record.billing_period,
                count: 0,
                consumed_sell: PerCurrency::new(),
                finalized_count: 0,
                reconciled_count: 0,
            });
        period.count += 1;
        add(
            &mut period.consumed_sell,
            record.currency,
            record.consumed_sell,
            "period_breakdown.consumed_sell",
        )?;
        add(
            &mut stats.total_consumed_sell,
            record.currency,
            record.consumed_sell,
            "total_consumed_sell",
        )?;
        if record.is_finalized() {
            stats.finalized_records += 1;
            period.finalized_count += 1;
            if let Some(adjustment) = checked_adjustment(record)? {
                add(
                    &mut stats.total_adjustments,
                    record.currency,
                    adjustment,
                    "total_adjustments",
                )?;
            }
        } else {
            stats.pending_records += 1;
        }
        if record.is_reconciled() {
            stats.reconciled_records += 1;
            period.reconciled_count += 1;
        }
    }
    stats.period_breakdown = periods
        .into_values()
        .rev()
        .take(BREAKDOWN_PERIODS)
        .collect();
    Ok(stats)
}

/// The records not finalized yet, newest first (see [`pending_order`]).
pub fn pending_records(records: &[ConsumptionRecord]) -> Vec<&ConsumptionRecord> {
    let mut out: Vec<&ConsumptionRecord> = records.iter().filter(|r| !r.is_finalized()).collect();
    crate::sort::sort_by(&mut out, |a, b| pending_order(a, b));
    out
}

/// `ArrowEngine.consumptionStatus()` (seed 000).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct ConsumptionStatus {
    pub global_sync_enabled: bool,
    /// false when there are no settings.
    pub settings_sync_enabled: bool,
    /// The active settings; null when there are none.
    pub settings_uuid: Option<Uuid>,
    /// The newest last_sync_at of any record (RFC 3339); null before the first sync.
    pub last_sync_run: Option<Timestamp>,
}

impl ConsumptionStatus {
    pub fn to_json(&self) -> Value {
        json!(self)
    }
}

pub fn consumption_status(
    global_sync_enabled: bool,
    settings: Option<&ArrowSettings>,
    records: &[ConsumptionRecord],
) -> ConsumptionStatus {
    ConsumptionStatus {
        global_sync_enabled,
        settings_sync_enabled: settings.is_some_and(|s| s.sync_enabled),
        settings_uuid: settings.map(|s| s.uuid),
        last_sync_run: records.iter().filter_map(|r| r.last_sync_at).max(),
    }
}
