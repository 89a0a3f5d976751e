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
use serde_json::{json, Map, Value};

use crate::error::{Error, Result};
use crate::ledger::{ConsumptionRecord, Hosts};
use crate::money::{render, Currency};
use crate::period::Period;
use crate::timestamp::Timestamp;

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

fn timestamp(t: Option<&Timestamp>) -> Value {
    t.map_or(Value::Null, |t| Value::String(t.to_rfc3339()))
}

/// What a record bills: its final amount once finalized, its consumption until then.
fn billed(record: &ConsumptionRecord) -> Decimal {
    record.final_sell.unwrap_or(record.consumed_sell)
}

pub fn render_record(record: &ConsumptionRecord, hosts: &Hosts, base_url: &str) -> Value {
    let resource = hosts.resource(&record.resource_uuid);
    let customer_uuid = hosts.customer_uuid_of_resource(&record.resource_uuid);
    let customer = customer_uuid.and_then(|c| hosts.customer(c));
    json!({
        "uuid": record.uuid,
        "url": format!("{}/api/admin/soracom/consumption-records/{}/", base_url.trim_end_matches('/'), record.uuid),
        "resource_uuid": record.resource_uuid,
        "resource_name": resource.map(|r| r.name.clone()),
        "customer_uuid": customer_uuid,
        "customer_name": customer.map(|c| c.name.clone()),
        "subscriber": record.source_ref,
        "billing_period": record.billing_period,
        "currency": record.currency,
        "consumed_amount": render(record.consumed_sell),
        "final_amount": record.final_sell.map(render),
        "adjustment_amount": record.adjustment_amount().map(render),
        "is_finalized": record.is_finalized(),
        "is_reconciled": record.is_reconciled(),
        "invoice_item_uuid": record.invoice_item_uuid,
        "compensation_item_uuid": record.compensation_item_uuid,
        "last_sync_at": timestamp(record.last_sync_at.as_ref()),
        "finalized_at": timestamp(record.finalized_at.as_ref()),
        "reconciled_at": timestamp(record.reconciled_at.as_ref()),
        "raw_data": record.raw_data,
        "created": record.created.to_rfc3339(),
        "modified": record.modified.to_rfc3339(),
    })
}

/// Counts, and per month and currency what the records consumed and what the finalized ones came to.
pub fn statistics(records: &[ConsumptionRecord]) -> Result<Value> {
    let mut months: BTreeMap<Period, BTreeMap<Currency, (Decimal, Decimal, usize)>> =
        BTreeMap::new();
    for r in records {
        let slot = months
            .entry(r.billing_period)
            .or_default()
            .entry(r.currency)
            .or_insert((Decimal::ZERO, Decimal::ZERO, 0));
        let location = || Error::overflow(format!("statistics of {}", r.billing_period));
        slot.0 = slot.0.checked_add(r.consumed_sell).ok_or_else(location)?;
        slot.1 = slot
            .1
            .checked_add(r.final_sell.unwrap_or(Decimal::ZERO))
            .ok_or_else(location)?;
        slot.2 += 1;
    }
    let by_period: Vec<Value> = months
        .iter()
        .rev()
        .map(|(period, currencies)| {
            let amounts: Map<String, Value> = currencies
                .iter()
                .map(|(c, (consumed, fin, n))| {
                    (
                        c.to_string(),
                        json!({ "records": n, "consumed": render(*consumed), "final": render(*fin) }),
                    )
                })
                .collect();
            json!({ "period": period, "by_currency": amounts })
        })
        .collect();
    Ok(json!({
        "total_records": records.len(),
        "pending_records": records.iter().filter(|r| !r.is_finalized()).count(),
        "finalized_records": records.iter().filter(|r| r.is_finalized()).count(),
        "reconciled_records": records.iter().filter(|r| r.is_reconciled()).count(),
        "by_period": by_period,
    }))
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

fn monthly_bill_shape(month: &CustomerMonth) -> Value {
    json!({
        "amount": number(month.amount),
        "currency": month.currency,
        "state": if month.closed { "closed" } else { "temporary" },
        "yearMonth": month.period.compact(),
    })
}

/// `MonthlyBill` of the customer's records of `period`; None when it has none.
pub fn monthly_bill(records: &[&ConsumptionRecord], period: Period) -> Result<Option<Value>> {
    let months = months_of(records)?;
    Ok(months
        .iter()
        .find(|m| m.period == period)
        .map(monthly_bill_shape))
}

/// `GetLatestBill`: the customer's latest month, as far as its records go.
pub fn latest_bill(records: &[&ConsumptionRecord]) -> Result<Option<Value>> {
    let months = months_of(records)?;
    Ok(months.last().map(|m| {
        json!({
            "amount": number(m.amount),
            "currency": m.currency,
            "lastEvaluatedTime": m.last_sync.map(|t| t.format_compact()),
        })
    }))
}

/// `GetBillingHistoryResponse`: the customer's closed months, newest first.
pub fn billing_history(records: &[&ConsumptionRecord]) -> Result<Value> {
    let months = months_of(records)?;
    let bills: Vec<Value> = months
        .iter()
        .rev()
        .filter(|m| m.closed)
        .map(monthly_bill_shape)
        .collect();
    Ok(json!({ "billList": bills }))
}

/// `DailyBillResponse` of `period`: the customer's days, from the billing CSV's dated rows its records
/// keep, newest first. Monthly-basis fees have no day, as in Soracom's own daily bills.
pub fn daily_bills(records: &[&ConsumptionRecord], period: Period) -> Result<Value> {
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
    let list: Vec<Value> = days
        .iter()
        .rev()
        .map(|(date, (currency, amount))| {
            json!({ "amount": number(*amount), "currency": currency, "date": date })
        })
        .collect();
    Ok(json!({ "billList": list }))
}
