//! What a billing CSV adds up to: exact sums per subscriber or device and month, per day, and per bill
//! item, in the one currency of the bill (the CSV has no currency column; the caller says which).
//!
//! Only sums are kept, never rows: memory grows with the number of subscribers, days and bill items, not
//! with the size of the file. Aggregates **merge**: aggregating two parts of a file and merging the results
//! equals aggregating the whole (sums are exact, and labels keep the first value seen, the earlier part's).

use std::collections::BTreeMap;

use rust_decimal::Decimal;

use super::billing_csv::{BillingRow, SubscriberKey, BILLING_CSV};
use super::formats::BillDate;
use crate::error::{Error, Result};
use crate::money::{Currency, Money};
use crate::period::Period;

/// Sums of some rows. Charges are the rows with amount ≥ 0, discounts those below 0 (so `discounts` ≤ 0).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct LineTotals {
    pub rows: u64,
    pub charges: Decimal,
    pub discounts: Decimal,
    /// `charges + discounts`.
    pub net: Decimal,
}

impl LineTotals {
    /// Adds one row's amount; `None` on overflow (nothing is changed then).
    fn add(&mut self, amount: Decimal) -> Option<()> {
        let rows = self.rows.checked_add(1)?;
        let net = self.net.checked_add(amount)?;
        let (charges, discounts) = if amount.is_sign_negative() && !amount.is_zero() {
            (self.charges, self.discounts.checked_add(amount)?)
        } else {
            (self.charges.checked_add(amount)?, self.discounts)
        };
        *self = LineTotals {
            rows,
            charges,
            discounts,
            net,
        };
        Some(())
    }

    fn merge(&mut self, other: &LineTotals) -> Option<()> {
        *self = LineTotals {
            rows: self.rows.checked_add(other.rows)?,
            charges: self.charges.checked_add(other.charges)?,
            discounts: self.discounts.checked_add(other.discounts)?,
            net: self.net.checked_add(other.net)?,
        };
        Some(())
    }
}

/// One subscriber's or device's months and dates (a day, or the month as a whole for monthly rows), and its
/// tag and group labels (first non-empty value seen).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SubscriberTotals {
    pub months: BTreeMap<Period, LineTotals>,
    pub dates: BTreeMap<BillDate, LineTotals>,
    pub labels: BTreeMap<String, String>,
}

/// The aggregates of one billing CSV (or of several parts, merged).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CsvAggregates {
    pub currency: Currency,
    /// Every data row.
    pub total: LineTotals,
    /// Per subscriber or device (`account` for account-level rows), per month.
    pub per_subscriber: BTreeMap<SubscriberKey, SubscriberTotals>,
    /// Per date as written: days, and months for the monthly and free-tier rows.
    pub per_day: BTreeMap<BillDate, LineTotals>,
    pub per_bill_item: BTreeMap<String, LineTotals>,
    /// The tag and group columns seen, in file order.
    pub label_columns: Vec<String>,
    /// Columns before `amount` billsync does not know (ignored, listed so they are noticed).
    pub unknown_columns: Vec<String>,
}

impl CsvAggregates {
    pub fn new(currency: Currency) -> CsvAggregates {
        CsvAggregates {
            currency,
            total: LineTotals::default(),
            per_subscriber: BTreeMap::new(),
            per_day: BTreeMap::new(),
            per_bill_item: BTreeMap::new(),
            label_columns: Vec::new(),
            unknown_columns: Vec::new(),
        }
    }

    /// Data rows aggregated.
    pub fn rows(&self) -> u64 {
        self.total.rows
    }

    /// The net amount of every row, as money.
    pub fn net(&self) -> Money {
        Money::new(self.total.net, self.currency)
    }

    /// Every (subscriber, month) sum, in key order.
    pub fn per_subscriber_month(
        &self,
    ) -> impl Iterator<Item = (&SubscriberKey, Period, &LineTotals)> {
        self.per_subscriber
            .iter()
            .flat_map(|(k, s)| s.months.iter().map(move |(p, t)| (k, *p, t)))
    }

    /// How many sums are held: what memory grows with.
    pub fn entries(&self) -> usize {
        let months: usize = self
            .per_subscriber
            .values()
            .map(|s| s.months.len() + s.dates.len())
            .sum();
        months + self.per_day.len() + self.per_bill_item.len()
    }

    pub(crate) fn note_columns<'c>(
        &mut self,
        labels: impl Iterator<Item = &'c str>,
        unknown: &[String],
    ) {
        for label in labels {
            if !self.label_columns.iter().any(|l| l == label) {
                self.label_columns.push(label.to_owned());
            }
        }
        for column in unknown {
            if !self.unknown_columns.contains(column) {
                self.unknown_columns.push(column.clone());
            }
        }
    }

    /// Adds one row. `scratch` is a reused buffer for the subscriber key. On error the aggregates may be
    /// partly updated: the aggregator stops at its first error, so they are never used then.
    pub(crate) fn add<'l>(
        &mut self,
        row: &BillingRow<'_>,
        labels: impl Iterator<Item = (&'l str, &'l str)>,
        scratch: &mut String,
    ) -> Result<()> {
        let overflow = || Error::overflow(format!("{BILLING_CSV} line {}", row.line));
        let month = row.date.period()?;
        SubscriberKey::write(row.subscriber, scratch);
        // Look up by the borrowed key; allocate the owned key only for a new subscriber.
        if !self.per_subscriber.contains_key(scratch.as_str()) {
            self.per_subscriber.insert(
                SubscriberKey::from_string(scratch.clone()),
                SubscriberTotals::default(),
            );
        }
        let subscriber = self
            .per_subscriber
            .get_mut(scratch.as_str())
            .ok_or_else(|| Error::not_found(format!("subscriber {scratch}")))?;
        subscriber
            .months
            .entry(month)
            .or_default()
            .add(row.amount)
            .ok_or_else(overflow)?;
        subscriber
            .dates
            .entry(row.date)
            .or_default()
            .add(row.amount)
            .ok_or_else(overflow)?;
        for (name, value) in labels {
            if !subscriber.labels.contains_key(name) {
                subscriber.labels.insert(name.to_owned(), value.to_owned());
            }
        }
        self.per_day
            .entry(row.date)
            .or_default()
            .add(row.amount)
            .ok_or_else(overflow)?;
        if !self.per_bill_item.contains_key(row.bill_item_name) {
            self.per_bill_item
                .insert(row.bill_item_name.to_owned(), LineTotals::default());
        }
        self.per_bill_item
            .get_mut(row.bill_item_name)
            .ok_or_else(|| Error::not_found(format!("bill item {}", row.bill_item_name)))?
            .add(row.amount)
            .ok_or_else(overflow)?;
        self.total.add(row.amount).ok_or_else(overflow)
    }

    /// Adds `other` (a later part of the same bill) into `self`. Their currencies must agree. On error
    /// `self` may be partly merged and should be dropped.
    pub fn merge(&mut self, other: CsvAggregates) -> Result<()> {
        if self.currency != other.currency {
            return Err(Error::CurrencyMismatch {
                location: format!("merging {BILLING_CSV} aggregates"),
                left: self.currency.to_string(),
                right: other.currency.to_string(),
            });
        }
        let overflow = || Error::overflow(format!("merging {BILLING_CSV} aggregates"));
        self.total.merge(&other.total).ok_or_else(overflow)?;
        for (key, theirs) in other.per_subscriber {
            let ours = self.per_subscriber.entry(key).or_default();
            for (month, totals) in theirs.months {
                ours.months
                    .entry(month)
                    .or_default()
                    .merge(&totals)
                    .ok_or_else(overflow)?;
            }
            for (date, totals) in theirs.dates {
                ours.dates
                    .entry(date)
                    .or_default()
                    .merge(&totals)
                    .ok_or_else(overflow)?;
            }
            for (name, value) in theirs.labels {
                ours.labels.entry(name).or_insert(value);
            }
        }
        for (date, totals) in other.per_day {
            self.per_day
                .entry(date)
                .or_default()
                .merge(&totals)
                .ok_or_else(overflow)?;
        }
        for (item, totals) in other.per_bill_item {
            self.per_bill_item
                .entry(item)
                .or_default()
                .merge(&totals)
                .ok_or_else(overflow)?;
        }
        self.note_columns(
            other.label_columns.iter().map(String::as_str),
            &other.unknown_columns,
        );
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn totals_split_charges_and_discounts_exactly() {
        let mut t = LineTotals::default();
        for a in ["0.1", "0.2", "-0.05", "0", "-0"] {
            t.add(Decimal::from_str_exact(a).unwrap()).unwrap();
        }
        assert_eq!(t.rows, 5);
        assert_eq!(t.charges, Decimal::new(3, 1));
        assert_eq!(t.discounts, Decimal::new(-5, 2));
        assert_eq!(t.net, Decimal::new(25, 2));
        let before = t;
        let mut max = LineTotals {
            charges: Decimal::MAX,
            net: Decimal::MAX,
            ..LineTotals::default()
        };
        assert!(max.add(Decimal::ONE).is_none());
        let mut one = LineTotals::default();
        one.add(Decimal::ONE).unwrap();
        let before_one = one;
        assert!(one.merge(&max).is_none());
        assert_eq!(one, before_one);
        assert_eq!(t, before, "a failed add or merge changes nothing");
    }

    #[test]
    fn merging_two_currencies_is_refused() {
        let mut a = CsvAggregates::new(Currency::JPY);
        let e = a.merge(CsvAggregates::new(Currency::USD)).unwrap_err();
        assert_eq!(e.code(), "currency_mismatch");
        assert!(e.to_string().contains("JPY") && e.to_string().contains("USD"));
    }
}
