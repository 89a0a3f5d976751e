//! The read side of Soracom's records: their rendering in the admin API, their statistics, and the host's
//! own customers' bills in Soracom's response shapes (MonthlyBill, GetLatestBill, DailyBillResponse,
//! GetBillingHistoryResponse), computed from the reconciled records.
//!
//! A customer's month is what its Soracom records bill: the final amount of a finalized record, the
//! consumed amount of the others. The bill is `closed` once every record of the month is finalized,
//! `temporary` until then. Amounts are JSON numbers, as Soracom writes them: exact for integers (yen) and
//! for amounts of up to 15 significant digits.

use std::collections::BTreeMap;

use rust_decimal::Decimal;
use serde::Serialize;
use serde_json::{json, Value};

use crate::ledger::record_statistics;

use crate::error::{Error, Result};
use crate::ids::Uuid;
use crate::ledger::{ConsumptionRecord, Hosts};
use crate::money::{render, Currency};
use crate::period::Period;
use crate::timestamp::Timestamp;

use super::status::BillState;

/// An amount as a JSON number, the way Soracom's API writes amounts.
pub fn number(amount: Decimal) -> Value {
    let normal = amount.normalize();
    if normal.scale() == 0 {
        if let Ok(whole) = i64::try_from(normal.mantissa()) {
            return Value::from(whole);
        }
    }
    normal
        .to_string()
        .parse::<f64>()
        .ok()
        .and_then(serde_json::Number::from_f64)
        .map_or(Value::Null, Value::Number)
}

/// What a record bills: its final amount once finalized, its consumption until then.
fn billed(record: &ConsumptionRecord) -> Decimal {
    record.final_sell.unwrap_or(record.consumed_sell)
}

/// `SoracomEngine.listConsumptionRecords()` and `retrieveConsumptionRecord()`: a Soracom consumption record
/// as the admin API serves it. Host names are joined at render time: null when the store does not know the
/// object.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct SoracomRecordView<'a> {
    pub uuid: &'a Uuid,
    pub url: String,
    pub resource_uuid: &'a Uuid,
    pub resource_name: Option<&'a str>,
    pub customer_uuid: Option<&'a Uuid>,
    pub customer_name: Option<&'a str>,
    /// The SIM or device: an IMSI, a device id.
    pub subscriber: &'a str,
    /// "YYYY-MM".
    pub billing_period: Period,
    pub currency: Currency,
    /// Decimal strings, rounded to the currency's cents.
    pub consumed_amount: String,
    pub final_amount: Option<String>,
    /// final − consumed; null until finalized.
    pub adjustment_amount: Option<String>,
    pub is_finalized: bool,
    pub is_reconciled: bool,
    pub invoice_item_uuid: Option<&'a Uuid>,
    pub compensation_item_uuid: Option<&'a Uuid>,
    pub last_sync_at: Option<&'a Timestamp>,
    pub finalized_at: Option<&'a Timestamp>,
    pub reconciled_at: Option<&'a Timestamp>,
    /// Vendor data: what the record was read from (Soracom's figures, and the billing CSV's dated rows under
    /// `dates`), free-form.
    #[cfg_attr(test, ts(type = "unknown"))]
    pub raw_data: &'a Value,
    pub created: &'a Timestamp,
    pub modified: &'a Timestamp,
}

pub fn render_record(record: &ConsumptionRecord, hosts: &Hosts, base_url: &str) -> Value {
    let resource = hosts.resource(&record.resource_uuid);
    let customer_uuid = hosts.customer_uuid_of_resource(&record.resource_uuid);
    let customer = customer_uuid.and_then(|c| hosts.customer(c));
    json!(SoracomRecordView {
        uuid: &record.uuid,
        url: format!(
            "{}/api/admin/soracom/consumption-records/{}/",
            base_url.trim_end_matches('/'),
            record.uuid
        ),
        resource_uuid: &record.resource_uuid,
        resource_name: resource.map(|r| r.name.as_str()),
        customer_uuid,
        customer_name: customer.map(|c| c.name.as_str()),
        subscriber: &record.source_ref,
        billing_period: record.billing_period,
        currency: record.currency,
        consumed_amount: render(record.consumed_sell),
        final_amount: record.final_sell.map(render),
        adjustment_amount: record.adjustment_amount().map(render),
        is_finalized: record.is_finalized(),
        is_reconciled: record.is_reconciled(),
        invoice_item_uuid: record.invoice_item_uuid.as_ref(),
        compensation_item_uuid: record.compensation_item_uuid.as_ref(),
        last_sync_at: record.last_sync_at.as_ref(),
        finalized_at: record.finalized_at.as_ref(),
        reconciled_at: record.reconciled_at.as_ref(),
        raw_data: &record.raw_data,
        created: &record.created,
        modified: &record.modified,
    })
}

/// Counts, and overall and per month the money per currency: the shape every vendor answers.
pub fn statistics(records: &[ConsumptionRecord]) -> Result<Value> {
    Ok(json!(record_statistics(records)?))
}

/// One customer's records of one month, summed in their one currency.
struct CustomerMonth {
    period: Period,
    currency: Currency,
    amount: Decimal,
    closed: bool,
    last_sync: Option<Timestamp>,
}

fn months_of(records: &[&ConsumptionRecord]) -> Result<Vec<CustomerMonth>> {
    let mut by_period: BTreeMap<Period, Vec<&ConsumptionRecord>> = BTreeMap::new();
    for r in records {
        by_period.entry(r.billing_period).or_default().push(r);
    }
    let mut out = Vec::new();
    for (period, records) in by_period {
        let mut month = CustomerMonth {
            period,
            currency: Currency::XXX,
            amount: Decimal::ZERO,
            closed: records.iter().all(|r| r.is_finalized()),
            last_sync: None,
        };
        for (i, r) in records.iter().enumerate() {
            if i == 0 {
                month.currency = r.currency;
            } else if r.currency != month.currency {
                return Err(Error::CurrencyMismatch {
                    location: format!("the customer's Soracom bill of {}", period.compact()),
                    left: month.currency.to_string(),
                    right: r.currency.to_string(),
                });
            }
            month.amount = month
                .amount
                .checked_add(billed(r))
                .ok_or_else(|| Error::overflow(format!("bill of {}", period.compact())))?;
            month.last_sync = month.last_sync.max(r.last_sync_at);
        }
        out.push(month);
    }
    Ok(out)
}

/// Soracom's `MonthlyBill`, of the host customer's records: `SoracomEngine.monthlyBill()`, and the months of
/// `billingHistory()`. Of Soracom's fields (every one optional in its API) billsync gives these four, always.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct SoracomMonthlyBill {
    /// A JSON number, as Soracom writes amounts: exact for yen, and for amounts of up to 15 significant
    /// digits.
    #[cfg_attr(test, ts(type = "number"))]
    pub amount: Value,
    pub currency: Currency,
    /// "closed" once every record of the month is finalized.
    #[cfg_attr(test, ts(type = "\"temporary\" | \"closed\""))]
    pub state: BillState,
    /// "yyyyMM".
    #[serde(rename = "yearMonth")]
    pub year_month: String,
}

/// Soracom's `GetLatestBill`, of the host customer's records: `SoracomEngine.latestBill()`.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct SoracomLatestBill {
    /// A JSON number, as in [`SoracomMonthlyBill`].
    #[cfg_attr(test, ts(type = "number"))]
    pub amount: Value,
    pub currency: Currency,
    /// "yyyyMMddHHmmss" (UTC) of the month's latest sync; null when none was synced.
    #[serde(rename = "lastEvaluatedTime")]
    pub last_evaluated_time: Option<String>,
}

/// One day of Soracom's `DailyBillResponse`.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct SoracomDailyBill {
    /// A JSON number, as in [`SoracomMonthlyBill`].
    #[cfg_attr(test, ts(type = "number"))]
    pub amount: Value,
    pub currency: Currency,
    /// "yyyyMMdd".
    pub date: String,
}

/// Soracom's `DailyBillResponse`, of the host customer's records: `SoracomEngine.dailyBills()`. Newest day
/// first; monthly-basis fees have no day, as in Soracom's own.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct SoracomDailyBills {
    #[serde(rename = "billList")]
    pub bill_list: Vec<SoracomDailyBill>,
}

/// Soracom's `GetBillingHistoryResponse`, of the host customer's records: `SoracomEngine.billingHistory()`.
/// Closed months only, newest first.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct SoracomBillingHistory {
    #[serde(rename = "billList")]
    pub bill_list: Vec<SoracomMonthlyBill>,
}

fn monthly_bill_shape(month: &CustomerMonth) -> SoracomMonthlyBill {
    SoracomMonthlyBill {
        amount: number(month.amount),
        currency: month.currency,
        state: if month.closed {
            BillState::Closed
        } else {
            BillState::Temporary
        },
        year_month: month.period.compact(),
    }
}

/// `MonthlyBill` of the customer's records of `period`; None when it has none.
pub fn monthly_bill(
    records: &[&ConsumptionRecord],
    period: Period,
) -> Result<Option<SoracomMonthlyBill>> {
    let months = months_of(records)?;
    Ok(months
        .iter()
        .find(|m| m.period == period)
        .map(monthly_bill_shape))
}

/// `GetLatestBill`: the customer's latest month, as far as its records go.
pub fn latest_bill(records: &[&ConsumptionRecord]) -> Result<Option<SoracomLatestBill>> {
    let months = months_of(records)?;
    Ok(months.last().map(|m| SoracomLatestBill {
        amount: number(m.amount),
        currency: m.currency,
        last_evaluated_time: m.last_sync.map(|t| t.format_compact()),
    }))
}

/// `GetBillingHistoryResponse`: the customer's closed months, newest first.
pub fn billing_history(records: &[&ConsumptionRecord]) -> Result<SoracomBillingHistory> {
    let months = months_of(records)?;
    let bills = months
        .iter()
        .rev()
        .filter(|m| m.closed)
        .map(monthly_bill_shape)
        .collect();
    Ok(SoracomBillingHistory { bill_list: bills })
}

/// `DailyBillResponse` of `period`: the customer's days, from the billing CSV's dated rows its records
/// keep, newest first. Monthly-basis fees have no day, as in Soracom's own daily bills.
pub fn daily_bills(records: &[&ConsumptionRecord], period: Period) -> Result<SoracomDailyBills> {
    let mut days: BTreeMap<String, (Currency, Decimal)> = BTreeMap::new();
    for r in records.iter().filter(|r| r.billing_period == period) {
        let Some(dates) = r.raw_data.get("dates").and_then(Value::as_object) else {
            continue;
        };
        for (date, amount) in dates.iter().filter(|(d, _)| d.len() == 8) {
            let amount = amount
                .as_str()
                .and_then(|a| Decimal::from_str_exact(a).ok())
                .ok_or_else(|| {
                    Error::field(&format!("raw_data.dates.{date}"), "Not an exact amount.")
                })?;
            let slot = days
                .entry(date.clone())
                .or_insert((r.currency, Decimal::ZERO));
            if slot.0 != r.currency {
                return Err(Error::CurrencyMismatch {
                    location: format!("the customer's daily bill of {date}"),
                    left: slot.0.to_string(),
                    right: r.currency.to_string(),
                });
            }
            slot.1 = slot
                .1
                .checked_add(amount)
                .ok_or_else(|| Error::overflow(format!("daily bill of {date}")))?;
        }
    }
    let bill_list = days
        .into_iter()
        .rev()
        .map(|(date, (currency, amount))| SoracomDailyBill {
            amount: number(amount),
            currency,
            date,
        })
        .collect();
    Ok(SoracomDailyBills { bill_list })
}
