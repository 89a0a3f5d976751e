//! Statistics of consumption records, one shape for every vendor: the counts, and the money per currency
//! (amounts of two currencies are never added), overall and per period, newest period first.

use std::collections::BTreeMap;

use rust_decimal::Decimal;
use serde::Serialize;

use super::ConsumptionRecord;
use crate::error::{Error, Result};
use crate::money::{render, Currency};
use crate::period::Period;

/// The money of the records in one currency. Amounts are decimal strings with 2 decimals.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct CurrencyTotals {
    #[cfg_attr(test, ts(type = "number"))]
    pub records: u64,
    /// Σ consumed_sell.
    pub consumed_sell: String,
    /// Σ final_sell of the records that have one.
    pub final_sell: String,
    /// Σ (final_sell − consumed_sell) of the finalized records that have a final_sell.
    pub adjustments: String,
}

/// One period's records.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct PeriodTotals {
    /// "YYYY-MM".
    #[cfg_attr(test, ts(type = "string"))]
    pub period: String,
    #[cfg_attr(test, ts(type = "number"))]
    pub records: u64,
    #[cfg_attr(test, ts(type = "number"))]
    pub finalized: u64,
    #[cfg_attr(test, ts(type = "number"))]
    pub reconciled: u64,
    /// Keyed by ISO 4217 code.
    pub by_currency: BTreeMap<String, CurrencyTotals>,
}

/// What every engine's `consumptionStatistics()` answers (a vendor may add fields of its own beside it).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct RecordStatistics {
    #[cfg_attr(test, ts(type = "number"))]
    pub total_records: u64,
    /// Not finalized yet.
    #[cfg_attr(test, ts(type = "number"))]
    pub pending_records: u64,
    #[cfg_attr(test, ts(type = "number"))]
    pub finalized_records: u64,
    #[cfg_attr(test, ts(type = "number"))]
    pub reconciled_records: u64,
    /// Every record's money, keyed by ISO 4217 code.
    pub totals_by_currency: BTreeMap<String, CurrencyTotals>,
    /// Every period with records, newest first.
    pub by_period: Vec<PeriodTotals>,
}

/// Exact sums of one currency, rendered once at the end.
#[derive(Default)]
struct Sums {
    records: u64,
    consumed: Decimal,
    final_: Decimal,
    adjustments: Decimal,
}

fn checked(sum: &mut Decimal, amount: Decimal, location: &str) -> Result<()> {
    *sum = sum
        .checked_add(amount)
        .ok_or_else(|| Error::overflow(location))?;
    Ok(())
}

impl Sums {
    fn add(&mut self, record: &ConsumptionRecord) -> Result<()> {
        const WHERE: &str = "consumption statistics";
        self.records += 1;
        checked(&mut self.consumed, record.consumed_sell, WHERE)?;
        if let Some(final_sell) = record.final_sell {
            checked(&mut self.final_, final_sell, WHERE)?;
            if record.is_finalized() {
                let adjustment = final_sell
                    .checked_sub(record.consumed_sell)
                    .ok_or_else(|| Error::overflow(WHERE))?;
                checked(&mut self.adjustments, adjustment, WHERE)?;
            }
        }
        Ok(())
    }

    fn rendered(&self) -> CurrencyTotals {
        CurrencyTotals {
            records: self.records,
            consumed_sell: render(self.consumed),
            final_sell: render(self.final_),
            adjustments: render(self.adjustments),
        }
    }
}

fn rendered(sums: &BTreeMap<Currency, Sums>) -> BTreeMap<String, CurrencyTotals> {
    sums.iter()
        .map(|(currency, sums)| (currency.to_string(), sums.rendered()))
        .collect()
}

/// The statistics of `records` (the vendor's, already selected).
pub fn record_statistics(records: &[ConsumptionRecord]) -> Result<RecordStatistics> {
    let mut stats = RecordStatistics::default();
    let mut totals: BTreeMap<Currency, Sums> = BTreeMap::new();
    let mut periods: BTreeMap<Period, (PeriodTotals, BTreeMap<Currency, Sums>)> = BTreeMap::new();
    for record in records {
        let (period, sums) = periods.entry(record.billing_period).or_default();
        stats.total_records += 1;
        period.records += 1;
        if record.is_finalized() {
            stats.finalized_records += 1;
            period.finalized += 1;
        } else {
            stats.pending_records += 1;
        }
        if record.is_reconciled() {
            stats.reconciled_records += 1;
            period.reconciled += 1;
        }
        totals.entry(record.currency).or_default().add(record)?;
        sums.entry(record.currency).or_default().add(record)?;
    }
    stats.totals_by_currency = rendered(&totals);
    stats.by_period = periods
        .into_iter()
        .rev()
        .map(|(at, (mut period, sums))| {
            period.period = at.to_string();
            period.by_currency = rendered(&sums);
            period
        })
        .collect();
    Ok(stats)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn record(
        n: u32,
        period: &str,
        currency: &str,
        consumed: &str,
        final_sell: Option<&str>,
    ) -> ConsumptionRecord {
        let mut value = json!({
            "uuid": format!("00000000-0000-4000-8000-{n:012}"),
            "vendor": "test",
            "resource_uuid": "00000000-0000-4000-8000-000000000999",
            "source_ref": format!("unit-{n}"),
            "billing_period": period,
            "currency": currency,
            "consumed_sell": consumed,
            "consumed_buy": "0",
            "created": "2025-01-01T00:00:00Z",
            "modified": "2025-01-01T00:00:00Z",
        });
        if let Some(f) = final_sell {
            value["final_sell"] = json!(f);
            value["finalized_at"] = json!("2025-03-01T00:00:00Z");
        }
        serde_json::from_value(value).unwrap()
    }

    #[test]
    fn periods_newest_first_with_totals_by_currency_never_added() {
        let records = [
            record(1, "2025-01", "EUR", "100", Some("95")),
            record(2, "2025-02", "EUR", "10.005", None),
            record(3, "2025-02", "USD", "7", Some("8")),
        ];
        let stats = record_statistics(&records).unwrap();
        assert_eq!(
            serde_json::to_value(&stats).unwrap(),
            json!({
                "total_records": 3, "pending_records": 1, "finalized_records": 2, "reconciled_records": 0,
                "totals_by_currency": {
                    "EUR": {"records": 2, "consumed_sell": "110.01", "final_sell": "95.00", "adjustments": "-5.00"},
                    "USD": {"records": 1, "consumed_sell": "7.00", "final_sell": "8.00", "adjustments": "1.00"},
                },
                "by_period": [
                    {"period": "2025-02", "records": 2, "finalized": 1, "reconciled": 0, "by_currency": {
                        "EUR": {"records": 1, "consumed_sell": "10.01", "final_sell": "0.00", "adjustments": "0.00"},
                        "USD": {"records": 1, "consumed_sell": "7.00", "final_sell": "8.00", "adjustments": "1.00"},
                    }},
                    {"period": "2025-01", "records": 1, "finalized": 1, "reconciled": 0, "by_currency": {
                        "EUR": {"records": 1, "consumed_sell": "100.00", "final_sell": "95.00", "adjustments": "-5.00"},
                    }},
                ],
            })
        );
        assert_eq!(record_statistics(&[]).unwrap(), RecordStatistics::default());
    }

    #[test]
    fn an_overflow_is_an_error() {
        let max = Decimal::MAX.to_string();
        let records = [
            record(1, "2025-01", "EUR", &max, None),
            record(2, "2025-01", "EUR", &max, None),
        ];
        assert_eq!(record_statistics(&records).unwrap_err().code(), "overflow");
    }
}
