//! `DailyBillResponse` (`GET /bills/{yyyyMM}/daily`): a month's finalized amounts per day, newest first in
//! Soracom's examples (the order is kept as given). Monthly-basis fees are not in it, so the days need not
//! sum to the month: see [`daily_vs_monthly`](super::daily_vs_monthly).
//!
//! Every day must be in one currency: a list that names two is refused, naming both. A day without a
//! currency takes the caller's default (old payloads), which must then agree with the days that name one.
//! A date listed twice is refused (one of the two would be counted twice).

use chrono::NaiveDate;
use serde_json::Value;

use super::formats::date;
use super::object::{read_text, read_value, RawDocument, Shape};
use crate::error::{Error, Result};
use crate::money::{Currency, Money};
use crate::period::Period;

/// Names a daily bill list in errors.
pub const DAILY_BILL: &str = "soracom daily bill";

static SHAPE: Shape = Shape {
    payload: DAILY_BILL,
    keys: &[],
    list: Some(("billList", &["amount", "currency", "date"])),
};

/// One day's amount.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DailyBill {
    pub date: NaiveDate,
    pub amount: Money,
}

/// A month's days, all in one currency.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DailyBills {
    pub days: Vec<DailyBill>,
    /// The days' currency; `None` only for an empty list read without a default currency.
    pub currency: Option<Currency>,
}

impl DailyBills {
    /// The exact sum of the days (zero for no days), in their currency or `currency` when there are none.
    pub fn total(&self, currency: Currency) -> Result<Money> {
        Money::sum(
            self.currency.unwrap_or(currency),
            self.days.iter().map(|d| d.amount),
            DAILY_BILL,
        )
    }

    /// The one month all the days are in; `None` for no days; an error naming the first day outside it.
    pub fn month(&self) -> Result<Option<Period>> {
        let mut month: Option<Period> = None;
        for (i, day) in self.days.iter().enumerate() {
            let p = Period::of_date(day.date)?;
            match month {
                Some(m) if m != p => {
                    return Err(Error::InvalidCell {
                        payload: DAILY_BILL.to_owned(),
                        row: i + 1,
                        column: "billList.date".to_owned(),
                        value: day.date.format("%Y%m%d").to_string(),
                        reason: format!("not in {}, the month of the other days", m.compact()),
                    })
                }
                _ => month = Some(p),
            }
        }
        Ok(month)
    }
}

fn daily_of(doc: RawDocument<'_>, default_currency: Option<Currency>) -> Result<DailyBills> {
    let items = doc.list.unwrap_or_default();
    let mut days: Vec<DailyBill> = Vec::with_capacity(items.len());
    let mut currency: Option<(Currency, usize)> = None;
    let mut seen = std::collections::BTreeSet::new();
    for item in &items {
        let day = item
            .parsed("date", date)?
            .ok_or_else(|| item.invalid("date", "", "missing: yyyyMMdd is required"))?;
        let amount = item.required_amount("amount")?;
        let (c, _) = item.currency("currency", default_currency)?;
        match currency {
            Some((first, row)) if first != c => {
                return Err(Error::CurrencyMismatch {
                    location: format!(
                        "{DAILY_BILL}: billList[{}] and billList[{}]",
                        row - 1,
                        item.row() - 1
                    ),
                    left: first.to_string(),
                    right: c.to_string(),
                })
            }
            Some(_) => {}
            None => currency = Some((c, item.row())),
        }
        if !seen.insert(day) {
            return Err(item.invalid(
                "date",
                day.format("%Y%m%d").to_string(),
                "the date is listed twice",
            ));
        }
        days.push(DailyBill {
            date: day,
            amount: Money::new(amount, c),
        });
    }
    Ok(DailyBills {
        days,
        currency: currency.map(|(c, _)| c).or(default_currency),
    })
}

/// Reads a `DailyBillResponse` from its JSON text (exact amounts).
pub fn parse_daily_bills(text: &str, default_currency: Option<Currency>) -> Result<DailyBills> {
    daily_of(read_text(text, &SHAPE)?, default_currency)
}

/// Reads a `DailyBillResponse` from a JSON value.
pub fn parse_daily_bills_value(
    value: &Value,
    default_currency: Option<Currency>,
) -> Result<DailyBills> {
    daily_of(read_value(value, &SHAPE)?, default_currency)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal::Decimal;

    /// spec/soracom.md's example, as published.
    const EXAMPLE: &str = r#"{"billList":[{"amount":285,"currency":"JPY","date":"20220902"},{"amount":580,"currency":"JPY","date":"20220901"}]}"#;

    fn both(text: &str, default: Option<Currency>) -> Vec<Result<DailyBills>> {
        let mut out = vec![parse_daily_bills(text, default)];
        if let Ok(v) = serde_json::from_str::<Value>(text) {
            out.push(parse_daily_bills_value(&v, default));
        }
        out
    }

    #[test]
    fn reads_the_published_example() {
        for got in both(EXAMPLE, None) {
            let got = got.unwrap();
            assert_eq!(got.days.len(), 2);
            assert_eq!(got.days[0].date.to_string(), "2022-09-02");
            assert_eq!(got.currency, Some(Currency::JPY));
            assert_eq!(
                got.total(Currency::JPY).unwrap(),
                Money::new(Decimal::from(865), Currency::JPY)
            );
            assert_eq!(got.month().unwrap(), Some(Period::new(2022, 9).unwrap()));
        }
    }

    #[test]
    fn empty_and_old_lists() {
        for text in [r#"{}"#, r#"{"billList":[]}"#, r#"{"billList":null}"#] {
            for got in both(text, None) {
                let got = got.unwrap();
                assert!(got.days.is_empty());
                assert_eq!(got.currency, None);
                assert_eq!(got.month().unwrap(), None);
            }
        }
        for got in both(
            r#"{"billList":[{"amount":1.25,"date":"20220901"}]}"#,
            Some(Currency::USD),
        ) {
            assert_eq!(got.unwrap().currency, Some(Currency::USD));
        }
    }

    #[test]
    fn mixed_currencies_name_both() {
        for text in [
            r#"{"billList":[{"amount":1,"currency":"JPY","date":"20220902"},{"amount":1,"currency":"USD","date":"20220901"}]}"#,
            // A day without a currency takes the default, which disagrees with the day that names one.
            r#"{"billList":[{"amount":1,"currency":"JPY","date":"20220902"},{"amount":1,"date":"20220901"}]}"#,
        ] {
            for got in both(text, Some(Currency::USD)) {
                let e = got.unwrap_err();
                assert_eq!(e.code(), "currency_mismatch");
                let m = e.to_string();
                assert!(
                    m.contains("JPY") && m.contains("USD") && m.contains("billList[1]"),
                    "{m}"
                );
            }
        }
    }

    #[test]
    fn bad_days_name_the_field() {
        for (text, field) in [
            (
                r#"{"billList":[{"amount":1,"currency":"JPY"}]}"#,
                "billList.date",
            ),
            (
                r#"{"billList":[{"amount":1,"currency":"JPY","date":"2022-09-01"}]}"#,
                "billList.date",
            ),
            (
                r#"{"billList":[{"amount":1,"currency":"JPY","date":"20220931"}]}"#,
                "billList.date",
            ),
            (
                r#"{"billList":[{"amount":1,"currency":"JPY","date":20220901}]}"#,
                "billList.date",
            ),
            (
                r#"{"billList":[{"currency":"JPY","date":"20220901"}]}"#,
                "billList.amount",
            ),
            (
                r#"{"billList":[{"amount":true,"currency":"JPY","date":"20220901"}]}"#,
                "billList.amount",
            ),
            (
                r#"{"billList":[{"amount":1e400,"currency":"JPY","date":"20220901"}]}"#,
                "billList.amount",
            ),
            (
                r#"{"billList":[{"amount":1,"date":"20220901"}]}"#,
                "billList.currency",
            ),
            (
                r#"{"billList":[{"amount":1,"currency":"JPY","date":"20220901"},{"amount":2,"currency":"JPY","date":"20220901"}]}"#,
                "billList.date",
            ),
        ] {
            for got in both(text, None) {
                let e = got.unwrap_err();
                assert_eq!(e.code(), "invalid_cell", "{text}");
                assert!(e.to_string().contains(field), "{text}: {e}");
            }
        }
        let two_months = parse_daily_bills(
            r#"{"billList":[{"amount":1,"currency":"JPY","date":"20220901"},{"amount":2,"currency":"JPY","date":"20221001"}]}"#,
            None,
        )
        .unwrap();
        assert!(two_months
            .month()
            .unwrap_err()
            .to_string()
            .contains("20221001"));
    }
}
