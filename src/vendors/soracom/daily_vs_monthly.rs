//! Why a month's daily bills need not add up to its monthly bill, said as data instead of a false alarm.
//!
//! # The rule
//! Let `difference = month amount − Σ days` (both exact, one currency).
//! - **0**: nothing to explain.
//! - **Positive** (the month is more): monthly-basis fees (basic fees, `yyyyMM` rows of the CSV) are billed
//!   to the month and are excluded from the daily bills, so any positive difference is explained by them;
//!   when it is within the rounding tolerance, per-line rounding may explain it as well. (The billing CSV's
//!   `yyyyMM` rows give the fees exactly, if a caller wants to check further.)
//! - **Negative** (the days are more): nothing is billed to a day and left out of the month, so only
//!   rounding and coupons can explain it.
//!   - Soracom rounds up per line, so each side may be up to one minor unit (¥1, or 0.01 USD/EUR) above
//!     its exact value per line. billsync does not see lines here, so it allows **one minor unit per daily
//!     entry**: `tolerance = days × minor unit`.
//!   - The month's amount is after coupons (`appliedCouponAmount`); assuming the daily amounts are before
//!     them, a negative difference up to `coupon + tolerance` is explained by the coupon.
//!   - Beyond that the difference is **unexplained**: a real discrepancy, with the `shortfall` beyond what
//!     the reasons can explain.
//!
//! A daily list in another currency than the bill, or with days outside the bill's month, is an error.

use rust_decimal::Decimal;

use super::daily_bill::{DailyBills, DAILY_BILL};
use super::monthly_bill::MonthlyBill;
use crate::error::{Error, Result};
use serde::Serialize;

use crate::money::Currency;
use crate::period::Period;

/// What can make the days differ from the month.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[cfg_attr(test, ts(rename = "SoracomDifferenceReason"))]
#[serde(rename_all = "snake_case")]
pub enum DifferenceReason {
    /// Monthly-basis fees are in the month and not in the days.
    MonthlyBasisFees,
    /// Soracom rounds up per line: up to one minor unit per line on either side.
    PerLineRounding,
    /// The month's amount is after its coupon (`appliedCouponAmount`).
    Coupon,
}

/// The explanation of one month (`SoracomEngine.dailyCheck()`). Amounts serialize as exact decimal strings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[cfg_attr(test, ts(rename = "SoracomDailyCheck"))]
pub struct DailyMonthlyExplanation {
    /// "YYYY-MM".
    pub month: Period,
    pub currency: Currency,
    /// How many daily entries were summed.
    #[cfg_attr(test, ts(type = "number"))]
    pub days: usize,
    #[serde(with = "crate::money::decimal_string")]
    #[cfg_attr(test, ts(type = "string"))]
    pub days_sum: Decimal,
    #[serde(with = "crate::money::decimal_string")]
    #[cfg_attr(test, ts(type = "string"))]
    pub month_amount: Decimal,
    /// `month_amount − days_sum`.
    #[serde(with = "crate::money::decimal_string")]
    #[cfg_attr(test, ts(type = "string"))]
    pub difference: Decimal,
    /// What per-line rounding can account for: one minor unit per daily entry.
    #[serde(with = "crate::money::decimal_string")]
    #[cfg_attr(test, ts(type = "string"))]
    pub rounding_tolerance: Decimal,
    /// The month's coupon (0 when none).
    #[serde(with = "crate::money::decimal_string")]
    #[cfg_attr(test, ts(type = "string"))]
    pub coupon: Decimal,
    /// The reasons that can explain the difference (empty when there is none, or when nothing can).
    pub reasons: Vec<DifferenceReason>,
    /// Whether the reasons account for the whole difference.
    pub explained: bool,
    /// How much of a negative difference is beyond every reason (0 when explained).
    #[serde(with = "crate::money::decimal_string")]
    #[cfg_attr(test, ts(type = "string"))]
    pub shortfall: Decimal,
    /// Whether the monthly bill is final; a temporary month may still grow.
    pub month_is_final: bool,
}

/// The smallest amount a bill in `currency` is written in: ¥1, else 0.01.
pub fn minor_unit(currency: Currency) -> Decimal {
    if currency == Currency::JPY {
        Decimal::ONE
    } else {
        Decimal::new(1, 2)
    }
}

/// Explains the difference between a month's daily bills and its monthly bill; see the module's rule.
pub fn explain_daily_against_monthly(
    daily: &DailyBills,
    monthly: &MonthlyBill,
) -> Result<DailyMonthlyExplanation> {
    let currency = monthly.currency();
    if let Some(c) = daily.currency.filter(|c| *c != currency) {
        return Err(Error::CurrencyMismatch {
            location: format!(
                "{DAILY_BILL} against the monthly bill of {}",
                monthly.year_month.compact()
            ),
            left: c.to_string(),
            right: currency.to_string(),
        });
    }
    if let Some(month) = daily.month()? {
        if month != monthly.year_month {
            let first = daily
                .days
                .first()
                .map(|d| d.date.format("%Y%m%d").to_string());
            return Err(Error::InvalidCell {
                payload: DAILY_BILL.to_owned(),
                row: 1,
                column: "billList.date".to_owned(),
                value: first.unwrap_or_default(),
                reason: format!(
                    "not in {}, the month of the monthly bill",
                    monthly.year_month.compact()
                ),
            });
        }
    }
    let location = || Error::overflow(format!("{DAILY_BILL} of {}", monthly.year_month.compact()));
    let days_sum = daily.total(currency)?.amount;
    let month_amount = monthly.amount.amount;
    let difference = month_amount.checked_sub(days_sum).ok_or_else(location)?;
    let days = daily.days.len();
    let rounding_tolerance = minor_unit(currency)
        .checked_mul(Decimal::from(days))
        .ok_or_else(location)?;
    let coupon = monthly
        .applied_coupon_amount
        .map(|c| c.amount.abs())
        .unwrap_or(Decimal::ZERO);

    let mut reasons = Vec::new();
    let mut shortfall = Decimal::ZERO;
    let within_rounding = difference.abs() <= rounding_tolerance;
    if difference > Decimal::ZERO {
        reasons.push(DifferenceReason::MonthlyBasisFees);
        if within_rounding {
            reasons.push(DifferenceReason::PerLineRounding);
        }
    } else if difference < Decimal::ZERO {
        let excess = difference.abs();
        if within_rounding {
            reasons.push(DifferenceReason::PerLineRounding);
        } else {
            let reach = coupon
                .checked_add(rounding_tolerance)
                .ok_or_else(location)?;
            if coupon > Decimal::ZERO && excess <= reach {
                reasons.push(DifferenceReason::Coupon);
                if excess > coupon {
                    reasons.push(DifferenceReason::PerLineRounding);
                }
            } else {
                shortfall = excess.checked_sub(reach).ok_or_else(location)?;
            }
        }
    }
    Ok(DailyMonthlyExplanation {
        month: monthly.year_month,
        currency,
        days,
        days_sum,
        month_amount,
        difference,
        rounding_tolerance,
        coupon,
        explained: shortfall.is_zero(),
        reasons,
        shortfall,
        month_is_final: monthly.is_final(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::vendors::soracom::{parse_daily_bills, parse_monthly_bill};

    /// spec/soracom.md's daily example (20220901: 580, 20220902: 285).
    const DAILY: &str = r#"{"billList":[{"amount":285,"currency":"JPY","date":"20220902"},{"amount":580,"currency":"JPY","date":"20220901"}]}"#;

    fn explain(daily: &str, monthly: &str) -> Result<DailyMonthlyExplanation> {
        explain_daily_against_monthly(
            &parse_daily_bills(daily, None)?,
            &parse_monthly_bill(monthly, None)?,
        )
    }

    fn month(amount: &str, extra: &str) -> String {
        format!(
            r#"{{"amount":{amount},"currency":"JPY","state":"closed","yearMonth":"202209"{extra}}}"#
        )
    }

    #[test]
    fn monthly_fees_explain_a_month_above_its_days() {
        let e = explain(DAILY, &month("1865", "")).unwrap();
        assert_eq!(e.days_sum, Decimal::from(865));
        assert_eq!(e.difference, Decimal::from(1000));
        assert_eq!(e.reasons, [DifferenceReason::MonthlyBasisFees]);
        assert!(e.explained && e.month_is_final);
        let e = explain(DAILY, &month("866", "")).unwrap();
        assert_eq!(
            e.reasons,
            [
                DifferenceReason::MonthlyBasisFees,
                DifferenceReason::PerLineRounding
            ]
        );
        let e = explain(DAILY, &month("865", "")).unwrap();
        assert!(e.reasons.is_empty() && e.explained);
    }

    #[test]
    fn days_above_the_month_within_rounding_or_coupon_only() {
        let e = explain(DAILY, &month("863", "")).unwrap();
        assert_eq!(e.rounding_tolerance, Decimal::from(2));
        assert_eq!(e.reasons, [DifferenceReason::PerLineRounding]);
        assert!(e.explained);
        let e = explain(DAILY, &month("800", "")).unwrap();
        assert!(!e.explained);
        assert!(e.reasons.is_empty());
        assert_eq!(e.shortfall, Decimal::from(63));
        let e = explain(DAILY, &month("800", r#","appliedCouponAmount":65"#)).unwrap();
        assert_eq!(e.reasons, [DifferenceReason::Coupon]);
        assert!(e.explained);
        let e = explain(DAILY, &month("800", r#","appliedCouponAmount":64"#)).unwrap();
        assert_eq!(
            e.reasons,
            [DifferenceReason::Coupon, DifferenceReason::PerLineRounding]
        );
        assert!(e.explained);
        let e = explain(DAILY, &month("800", r#","appliedCouponAmount":60"#)).unwrap();
        assert!(!e.explained);
        assert_eq!(e.shortfall, Decimal::from(3));
        let e = explain(DAILY, &month("800", r#","appliedCouponAmount":10"#)).unwrap();
        assert!(!e.explained);
        assert_eq!(e.shortfall, Decimal::from(53));
    }

    #[test]
    fn usd_rounds_in_cents_and_an_empty_month_is_all_fees() {
        let daily = r#"{"billList":[{"amount":1.005,"currency":"USD","date":"20220901"}]}"#;
        let monthly = r#"{"amount":1,"currency":"USD","yearMonth":"202209"}"#;
        let e = explain(daily, monthly).unwrap();
        assert_eq!(e.rounding_tolerance, Decimal::new(1, 2));
        assert_eq!(e.difference, Decimal::new(-5, 3));
        assert!(e.explained && !e.month_is_final);
        let e = explain(r#"{"billList":[]}"#, monthly).unwrap();
        assert_eq!(e.reasons, [DifferenceReason::MonthlyBasisFees]);
    }

    #[test]
    fn refuses_another_currency_or_month() {
        let e = explain(
            DAILY,
            r#"{"amount":1,"currency":"USD","yearMonth":"202209"}"#,
        )
        .unwrap_err();
        assert_eq!(e.code(), "currency_mismatch");
        assert!(e.to_string().contains("JPY") && e.to_string().contains("USD"));
        let e = explain(
            DAILY,
            r#"{"amount":1,"currency":"JPY","yearMonth":"202210"}"#,
        )
        .unwrap_err();
        assert_eq!(e.code(), "invalid_cell");
        assert!(e.to_string().contains("20220902"), "{e}");
    }
}
