//! Consumption aggregation: total sell and buy per (resource, license reference, billing period), over any
//! number of Arrow consumption pages, in constant memory.
//!
//! An aggregate is a map from key to totals, and merging two aggregates is associative and commutative
//! (exact decimal addition, line counts, and a currency that must agree), so pages can be read in chunks,
//! in any order, on any number of workers, and merged. Memory holds the totals per key and never the lines.
//!
//! Each pushed payload is taken whole or not at all: its lines are summed apart and merged only once the
//! whole payload has been read and checked, so a bad cell on line 900 leaves the aggregate as it was.
//! Summing is what a sync run does; the reference's "overwrite, don't add" rule (50 then 150 gives 150)
//! applies when the host upserts the finished rows into consumption records, not here.

use std::collections::btree_map::Entry;
use std::collections::BTreeMap;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Serialize, Serializer};
use serde_json::Value;

use crate::error::{Error, Result};
use crate::money::{decimal_string, Currency};
use crate::period::Period;
use crate::readers::json_scan::Scanner;
use crate::vendors::arrow::{
    scan_consumption, scan_consumption_value, Columns, ConsumptionLine, Field, CONSUMPTION,
};

/// What consumption is totalled by: a consumption record's identity.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ConsumptionKey {
    pub resource_uuid: String,
    pub license_reference: String,
    pub billing_period: Period,
}

/// The totals of one key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ConsumptionTotals {
    pub sell: Decimal,
    pub buy: Decimal,
    pub currency: Currency,
    /// How many consumption lines were summed.
    pub lines: u64,
}

impl ConsumptionTotals {
    /// One line's totals.
    pub fn of_line(sell: Decimal, buy: Decimal, currency: Currency) -> ConsumptionTotals {
        ConsumptionTotals {
            sell,
            buy,
            currency,
            lines: 1,
        }
    }

    /// The sum of two totals, refusing mixed currencies and overflow; `location` names them in errors.
    pub fn checked_add(
        &self,
        other: &ConsumptionTotals,
        location: &str,
    ) -> Result<ConsumptionTotals> {
        self.sum(other)
            .map_err(|failure| failure.at(self, other, location))
    }

    /// The sum without an error message: the per-line hot path only formats one when a sum fails.
    fn sum(&self, other: &ConsumptionTotals) -> std::result::Result<ConsumptionTotals, SumFailure> {
        if self.currency != other.currency {
            return Err(SumFailure::Currency);
        }
        Ok(ConsumptionTotals {
            sell: self
                .sell
                .checked_add(other.sell)
                .ok_or(SumFailure::Overflow)?,
            buy: self
                .buy
                .checked_add(other.buy)
                .ok_or(SumFailure::Overflow)?,
            currency: self.currency,
            lines: self
                .lines
                .checked_add(other.lines)
                .ok_or(SumFailure::Overflow)?,
        })
    }
}

#[derive(Debug, Clone, Copy)]
enum SumFailure {
    Currency,
    Overflow,
}

impl SumFailure {
    fn at(self, left: &ConsumptionTotals, right: &ConsumptionTotals, location: &str) -> Error {
        match self {
            SumFailure::Currency => Error::CurrencyMismatch {
                location: location.to_owned(),
                left: left.currency.to_string(),
                right: right.currency.to_string(),
            },
            SumFailure::Overflow => Error::overflow(location),
        }
    }
}

fn key_location(key: &ConsumptionKey) -> String {
    format!(
        "consumption of {} for licence {} in {}",
        key.resource_uuid, key.license_reference, key.billing_period
    )
}

/// Totals per key. Merging is associative and commutative; see the module doc.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ConsumptionAggregate {
    totals: BTreeMap<ConsumptionKey, ConsumptionTotals>,
}

impl ConsumptionAggregate {
    pub fn new() -> ConsumptionAggregate {
        ConsumptionAggregate::default()
    }

    /// Adds totals under a key. On error the aggregate is unchanged.
    pub fn add(&mut self, key: ConsumptionKey, totals: ConsumptionTotals) -> Result<()> {
        match self.totals.entry(key) {
            Entry::Vacant(slot) => {
                slot.insert(totals);
            }
            Entry::Occupied(mut slot) => {
                let sum = slot.get().checked_add(&totals, &key_location(slot.key()))?;
                slot.insert(sum);
            }
        }
        Ok(())
    }

    /// Adds one line.
    pub fn add_line(
        &mut self,
        key: ConsumptionKey,
        sell: Decimal,
        buy: Decimal,
        currency: Currency,
    ) -> Result<()> {
        self.add(key, ConsumptionTotals::of_line(sell, buy, currency))
    }

    /// Adds every key of `other`. All or nothing: on a currency mismatch or overflow, `self` is unchanged.
    pub fn merge(&mut self, other: ConsumptionAggregate) -> Result<()> {
        let mut sums = Vec::new();
        for (key, totals) in &other.totals {
            if let Some(mine) = self.totals.get(key) {
                sums.push(mine.checked_add(totals, &key_location(key))?);
            }
        }
        let mut sums = sums.into_iter();
        for (key, totals) in other.totals {
            match self.totals.entry(key) {
                Entry::Occupied(mut slot) => {
                    if let Some(sum) = sums.next() {
                        slot.insert(sum);
                    }
                }
                Entry::Vacant(slot) => {
                    slot.insert(totals);
                }
            }
        }
        Ok(())
    }

    pub fn get(&self, key: &ConsumptionKey) -> Option<&ConsumptionTotals> {
        self.totals.get(key)
    }

    pub fn len(&self) -> usize {
        self.totals.len()
    }

    pub fn is_empty(&self) -> bool {
        self.totals.is_empty()
    }

    pub fn iter(&self) -> impl Iterator<Item = (&ConsumptionKey, &ConsumptionTotals)> {
        self.totals.iter()
    }

    /// The rows, ordered by resource, licence and period.
    pub fn rows(&self) -> Vec<AggregateRow> {
        self.totals
            .iter()
            .map(|(key, totals)| AggregateRow {
                resource_uuid: key.resource_uuid.clone(),
                license_reference: key.license_reference.clone(),
                billing_period: key.billing_period,
                consumed_sell: totals.sell,
                consumed_buy: totals.buy,
                currency: totals.currency,
                lines: totals.lines,
            })
            .collect()
    }
}

/// One finished total, shaped like the consumption record fields it feeds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AggregateRow {
    pub resource_uuid: String,
    pub license_reference: String,
    /// Serialised as the first day of the month, "YYYY-MM-DD", as consumption records store it.
    #[serde(serialize_with = "first_day")]
    pub billing_period: Period,
    /// Exact, serialised losslessly (at least 2 decimals); rounding is for presentation.
    #[serde(with = "decimal_string")]
    pub consumed_sell: Decimal,
    #[serde(with = "decimal_string")]
    pub consumed_buy: Decimal,
    pub currency: Currency,
    pub lines: u64,
}

fn first_day<S: Serializer>(
    period: &Period,
    serializer: S,
) -> std::result::Result<S::Ok, S::Error> {
    let day: NaiveDate = period.first_day();
    serializer.collect_str(&day)
}

/// How lines are totalled.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct AggregateOptions {
    /// The currency of lines that name none (no currency column, no sign on the amounts). Without it such
    /// a line is an error: an amount is never billed in a guessed currency (defect 10).
    pub currency: Option<Currency>,
}

/// Which record a pushed payload belongs to: the resource and licence it was fetched for, and the month
/// asked for. Lines carry their own "Report Period"; with `period` set, a line of another month is an
/// error, and without it (a range fetch) each line goes to its own month.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConsumptionTag {
    pub resource_uuid: String,
    pub license_reference: String,
    pub period: Option<Period>,
}

/// Streaming aggregation of consumption payloads.
#[derive(Debug, Clone, Default)]
pub struct ConsumptionAggregator {
    options: AggregateOptions,
    aggregate: ConsumptionAggregate,
}

/// The totals of one payload, by month: almost always one month, so a short vector beats a map.
struct PayloadTotals<'o> {
    options: &'o AggregateOptions,
    tag: &'o ConsumptionTag,
    by_period: Vec<(Period, ConsumptionTotals)>,
}

impl PayloadTotals<'_> {
    fn add(&mut self, columns: &Columns, line: ConsumptionLine) -> Result<()> {
        let period_column = || {
            columns
                .header(Field::ReportPeriod)
                .unwrap_or("Report Period")
                .to_owned()
        };
        let period = match (line.report_period, self.tag.period) {
            (Some(found), Some(asked)) if found != asked => {
                return Err(Error::InvalidCell {
                    payload: CONSUMPTION.to_owned(),
                    row: line.row,
                    column: period_column(),
                    value: found.to_string(),
                    reason: format!("the payload was fetched for {asked}"),
                })
            }
            (Some(p), _) | (None, Some(p)) => p,
            (None, None) => {
                return Err(Error::InvalidCell {
                    payload: CONSUMPTION.to_owned(),
                    row: line.row,
                    column: period_column(),
                    value: String::new(),
                    reason: "no report period on the line and none given for the payload"
                        .to_owned(),
                })
            }
        };
        let currency =
            line.currency
                .or(self.options.currency)
                .ok_or_else(|| Error::MissingColumn {
                    payload: CONSUMPTION.to_owned(),
                    column: "Country currency code".to_owned(),
                })?;
        let totals = ConsumptionTotals::of_line(line.sell, line.buy, currency);
        match self.by_period.iter_mut().find(|(p, _)| *p == period) {
            Some((_, sum)) => {
                *sum = sum
                    .sum(&totals)
                    .map_err(|f| f.at(sum, &totals, &format!("{CONSUMPTION} row {}", line.row)))?
            }
            None => self.by_period.push((period, totals)),
        }
        Ok(())
    }

    fn into_aggregate(self) -> Result<ConsumptionAggregate> {
        let mut aggregate = ConsumptionAggregate::new();
        for (period, totals) in self.by_period {
            let key = ConsumptionKey {
                resource_uuid: self.tag.resource_uuid.clone(),
                license_reference: self.tag.license_reference.clone(),
                billing_period: period,
            };
            aggregate.add(key, totals)?;
        }
        Ok(aggregate)
    }
}

/// Says which payload an error came from: "arrow consumption" becomes "arrow consumption of XSP1 for r-1".
fn in_payload(error: Error, tag: &ConsumptionTag) -> Error {
    let label = format!(
        "{CONSUMPTION} of licence {} for resource {}",
        tag.license_reference, tag.resource_uuid
    );
    match error {
        Error::InvalidCell {
            row,
            column,
            value,
            reason,
            ..
        } => Error::InvalidCell {
            payload: label,
            row,
            column,
            value,
            reason,
        },
        Error::InvalidPayload { offset, reason, .. } => Error::InvalidPayload {
            payload: label,
            offset,
            reason,
        },
        Error::MissingColumn { column, .. } => Error::MissingColumn {
            payload: label,
            column,
        },
        Error::CurrencyMismatch {
            location,
            left,
            right,
        } => Error::CurrencyMismatch {
            location: format!("{label}: {location}"),
            left,
            right,
        },
        other => other,
    }
}

impl ConsumptionAggregator {
    pub fn new(options: AggregateOptions) -> ConsumptionAggregator {
        ConsumptionAggregator {
            options,
            aggregate: ConsumptionAggregate::new(),
        }
    }

    pub fn options(&self) -> AggregateOptions {
        self.options
    }

    /// Adds a consumption payload given as JSON text. Returns how many lines it had. All or nothing.
    pub fn push(&mut self, tag: &ConsumptionTag, json_text: &str) -> Result<u64> {
        self.push_with(tag, |totals| {
            scan_consumption(json_text, |c, l| totals.add(c, l))
        })
    }

    /// [`ConsumptionAggregator::push`] for UTF-8 bytes.
    pub fn push_bytes(&mut self, tag: &ConsumptionTag, json_bytes: &[u8]) -> Result<u64> {
        let text = Scanner::text_of(json_bytes, CONSUMPTION).map_err(|e| in_payload(e, tag))?;
        self.push(tag, text)
    }

    /// Adds a consumption payload given as a JSON value.
    pub fn push_value(&mut self, tag: &ConsumptionTag, payload: &Value) -> Result<u64> {
        self.push_with(tag, |totals| {
            scan_consumption_value(payload, |c, l| totals.add(c, l))
        })
    }

    fn push_with(
        &mut self,
        tag: &ConsumptionTag,
        scan: impl FnOnce(&mut PayloadTotals<'_>) -> Result<crate::vendors::arrow::ConsumptionScan>,
    ) -> Result<u64> {
        let mut totals = PayloadTotals {
            options: &self.options,
            tag,
            by_period: Vec::new(),
        };
        let scanned = scan(&mut totals).map_err(|e| in_payload(e, tag))?;
        let payload = totals.into_aggregate()?;
        self.aggregate.merge(payload)?;
        u64::try_from(scanned.lines).map_err(|_| Error::overflow(CONSUMPTION))
    }

    /// Takes in another aggregator's totals (e.g. from another worker). All or nothing.
    pub fn merge(&mut self, other: ConsumptionAggregator) -> Result<()> {
        self.aggregate.merge(other.aggregate)
    }

    pub fn aggregate(&self) -> &ConsumptionAggregate {
        &self.aggregate
    }

    /// The finished totals, ordered by resource, licence and period.
    pub fn finish(self) -> Vec<AggregateRow> {
        self.aggregate.rows()
    }
}

#[cfg(test)]
mod tests;
