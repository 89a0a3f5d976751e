//! `GetLatestBill` (`GET /bills/latest`): this month's preliminary amount and when Soracom last added it
//! up. A missing currency follows the rule of [`monthly_bill`](super::monthly_bill): the caller's default
//! or an error naming `currency`.

use chrono::NaiveDateTime;
use serde_json::Value;

use super::formats::timestamp;
use super::object::{read_text, read_value, RawObject, Shape};
use crate::error::Result;
use crate::money::{Currency, Money};

/// Names a latest bill in errors.
pub const LATEST_BILL: &str = "soracom latest bill";

static SHAPE: Shape = Shape {
    payload: LATEST_BILL,
    keys: &["amount", "currency", "lastEvaluatedTime"],
    list: None,
};

/// The current month's bill so far: always preliminary.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LatestBill {
    pub amount: Money,
    /// `lastEvaluatedTime` (`yyyyMMddHHmmss`), in the zone Soracom writes it in (undocumented).
    pub last_evaluated_time: Option<NaiveDateTime>,
    /// Whether the currency came from the payload (false: the caller's default applied).
    pub currency_given: bool,
}

fn latest_of(object: &RawObject<'_>, default_currency: Option<Currency>) -> Result<LatestBill> {
    let amount = object.required_amount("amount")?;
    let (currency, currency_given) = object.currency("currency", default_currency)?;
    Ok(LatestBill {
        amount: Money::new(amount, currency),
        last_evaluated_time: object.parsed("lastEvaluatedTime", timestamp)?,
        currency_given,
    })
}

/// Reads a `GetLatestBill` from its JSON text (exact amounts).
pub fn parse_latest_bill(text: &str, default_currency: Option<Currency>) -> Result<LatestBill> {
    latest_of(&read_text(text, &SHAPE)?.top, default_currency)
}

/// Reads a `GetLatestBill` from a JSON value.
pub fn parse_latest_bill_value(
    value: &Value,
    default_currency: Option<Currency>,
) -> Result<LatestBill> {
    latest_of(&read_value(value, &SHAPE)?.top, default_currency)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal::Decimal;

    fn both(text: &str, default: Option<Currency>) -> [Result<LatestBill>; 2] {
        let value: Value = serde_json::from_str(text).unwrap();
        [
            parse_latest_bill(text, default),
            parse_latest_bill_value(&value, default),
        ]
    }

    #[test]
    fn reads_the_latest_bill() {
        for got in both(
            r#"{"amount":1234.5,"currency":"USD","lastEvaluatedTime":"20220915123456"}"#,
            None,
        ) {
            let got = got.unwrap();
            assert_eq!(
                got.amount,
                Money::new(Decimal::new(12345, 1), Currency::USD)
            );
            assert_eq!(
                got.last_evaluated_time.unwrap().to_string(),
                "2022-09-15 12:34:56"
            );
            assert!(got.currency_given);
        }
        // An old payload: an integer amount, no currency.
        for got in both(
            r#"{"amount":285,"lastEvaluatedTime":"20210101000000"}"#,
            Some(Currency::JPY),
        ) {
            let got = got.unwrap();
            assert_eq!(got.amount, Money::new(Decimal::from(285), Currency::JPY));
            assert!(!got.currency_given);
        }
    }

    #[test]
    fn bad_latest_bills_name_the_field() {
        for (text, field) in [
            (r#"{"amount":285}"#, "currency"),
            (r#"{"currency":"JPY"}"#, "amount"),
            (r#"{"amount":"285","currency":"JPY"}"#, "amount"),
            (r#"{"amount":1e400,"currency":"JPY"}"#, "amount"),
            (
                r#"{"amount":1,"currency":"JPY","lastEvaluatedTime":"2022-09-15"}"#,
                "lastEvaluatedTime",
            ),
            (
                r#"{"amount":1,"currency":"JPY","lastEvaluatedTime":20220915123456}"#,
                "lastEvaluatedTime",
            ),
            (
                r#"{"amount":1,"currency":"JPY","lastEvaluatedTime":"20220915253456"}"#,
                "lastEvaluatedTime",
            ),
        ] {
            // serde_json cannot even hold 1e400: only the text path sees it.
            let value: Option<Value> = serde_json::from_str(text).ok();
            let mut results = vec![parse_latest_bill(text, None)];
            if let Some(v) = &value {
                results.push(parse_latest_bill_value(v, None));
            }
            for r in results {
                let e = r.unwrap_err();
                assert_eq!(e.code(), "invalid_cell", "{text}");
                assert!(e.to_string().contains(field), "{text}: {e}");
            }
        }
    }
}
