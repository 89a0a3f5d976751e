//! `MonthlyBill` (`GET /bills/{yyyyMM}`) and `GetBillingHistoryResponse` (`GET /bills`, a list of them).
//!
//! # Old payloads
//! Before 2023 amounts were int64 and a bill had no `currency` and no `state`.
//! - **No currency**: the amount's currency is unknown. It is taken from the caller's `default_currency`
//!   (from settings); with none, the bill is refused with an error naming `currency`. A currency is never
//!   guessed into storage. [`MonthlyBill::currency_given`] tells which happened.
//! - **No state**: the bill is [`BillState::Temporary`], a preliminary figure, with one exception: a bill
//!   read from the *history* whose month is before the month it was read in is [`BillState::Closed`],
//!   because the history lists only finalized months (and a past month in it is over). A single
//!   `GET /bills/{yyyyMM}` without a state stays temporary even for a past month: the endpoint answers for
//!   open months too, and calling a figure final that is not would book it twice.
//!   [`MonthlyBill::state_given`] tells whether the payload said.
//!
//! `yearMonth` and `amount` are required (every field is optional in the API, but a bill without them
//! cannot be booked); `appliedCouponAmount` is in the bill's currency.

use serde_json::Value;

use super::formats::year_month;
use super::object::{read_text, read_value, RawDocument, RawObject, Shape};
use super::status::{BillState, PaymentStatus};
use crate::error::{Error, Result};
use crate::money::{Currency, Money};
use crate::period::Period;

/// Names a monthly bill in errors.
pub const MONTHLY_BILL: &str = "soracom monthly bill";
/// Names a billing history in errors.
pub const BILLING_HISTORY: &str = "soracom billing history";

const KEYS: &[&str] = &[
    "amount",
    "appliedCouponAmount",
    "currency",
    "paymentStatus",
    "paymentTransactionId",
    "state",
    "yearMonth",
];

static MONTHLY_SHAPE: Shape = Shape {
    payload: MONTHLY_BILL,
    keys: KEYS,
    list: None,
};

static HISTORY_SHAPE: Shape = Shape {
    payload: BILLING_HISTORY,
    keys: &[],
    list: Some(("billList", KEYS)),
};

/// One month's bill, after discounts and including tax.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MonthlyBill {
    pub year_month: Period,
    pub amount: Money,
    pub applied_coupon_amount: Option<Money>,
    pub payment_status: Option<PaymentStatus>,
    pub payment_transaction_id: Option<String>,
    pub state: BillState,
    /// Whether `state` came from the payload (false: the documented default applied).
    pub state_given: bool,
    /// Whether the currency came from the payload (false: the caller's default applied).
    pub currency_given: bool,
}

impl MonthlyBill {
    pub fn currency(&self) -> Currency {
        self.amount.currency
    }

    /// Whether the amount is final (a closed month) rather than preliminary.
    pub fn is_final(&self) -> bool {
        self.state == BillState::Closed
    }
}

/// `GetBillingHistoryResponse`: finalized past months, in the payload's order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BillingHistory {
    pub bills: Vec<MonthlyBill>,
}

impl BillingHistory {
    pub fn get(&self, month: Period) -> Option<&MonthlyBill> {
        self.bills.iter().find(|b| b.year_month == month)
    }
}

/// Where a bill was read from: it decides the default of a missing `state`.
#[derive(Debug, Clone, Copy)]
enum Origin {
    Single,
    History { read_in: Period },
}

fn bill_of(
    object: &RawObject<'_>,
    default_currency: Option<Currency>,
    origin: Origin,
) -> Result<MonthlyBill> {
    let year_month = object
        .parsed("yearMonth", year_month)?
        .ok_or_else(|| object.invalid("yearMonth", "", "missing: yyyyMM is required"))?;
    let amount = object.required_amount("amount")?;
    let coupon = object.amount("appliedCouponAmount")?;
    let (currency, currency_given) = object.currency("currency", default_currency)?;
    let payment_status = object.parsed("paymentStatus", |s| {
        PaymentStatus::parse(s).ok_or_else(PaymentStatus::expected)
    })?;
    let given_state = object.parsed("state", |s| {
        BillState::parse(s).ok_or_else(BillState::expected)
    })?;
    let state = match (given_state, origin) {
        (Some(s), _) => s,
        (None, Origin::History { read_in }) if year_month < read_in => BillState::Closed,
        (None, _) => BillState::Temporary,
    };
    Ok(MonthlyBill {
        year_month,
        amount: Money::new(amount, currency),
        applied_coupon_amount: coupon.map(|c| Money::new(c, currency)),
        payment_status,
        payment_transaction_id: object.text("paymentTransactionId")?.map(str::to_owned),
        state,
        state_given: given_state.is_some(),
        currency_given,
    })
}

/// Reads a `MonthlyBill` from its JSON text (exact amounts).
pub fn parse_monthly_bill(text: &str, default_currency: Option<Currency>) -> Result<MonthlyBill> {
    let doc = read_text(text, &MONTHLY_SHAPE)?;
    bill_of(&doc.top, default_currency, Origin::Single)
}

/// Reads a `MonthlyBill` from a JSON value (amounts exact to 15 significant digits, see
/// [`number`](super::number)).
pub fn parse_monthly_bill_value(
    value: &Value,
    default_currency: Option<Currency>,
) -> Result<MonthlyBill> {
    let doc = read_value(value, &MONTHLY_SHAPE)?;
    bill_of(&doc.top, default_currency, Origin::Single)
}

/// Reads a `GetBillingHistoryResponse` from its JSON text. `read_in` is the month the history was read in
/// (the host's clock and timezone), for the default of a missing `state`. A missing or null `billList`
/// is no bills; a month listed twice is refused.
pub fn parse_billing_history(
    text: &str,
    default_currency: Option<Currency>,
    read_in: Period,
) -> Result<BillingHistory> {
    history_of(read_text(text, &HISTORY_SHAPE)?, default_currency, read_in)
}

/// [`parse_billing_history`] from a JSON value.
pub fn parse_billing_history_value(
    value: &Value,
    default_currency: Option<Currency>,
    read_in: Period,
) -> Result<BillingHistory> {
    history_of(
        read_value(value, &HISTORY_SHAPE)?,
        default_currency,
        read_in,
    )
}

fn history_of(
    doc: RawDocument<'_>,
    default_currency: Option<Currency>,
    read_in: Period,
) -> Result<BillingHistory> {
    let items = doc.list.unwrap_or_default();
    let mut bills: Vec<MonthlyBill> = Vec::with_capacity(items.len());
    let mut seen = std::collections::BTreeSet::new();
    for item in &items {
        let bill = bill_of(item, default_currency, Origin::History { read_in })?;
        if !seen.insert(bill.year_month) {
            return Err(item.invalid(
                "yearMonth",
                bill.year_month.compact(),
                "the month is listed twice",
            ));
        }
        bills.push(bill);
    }
    Ok(BillingHistory { bills })
}

/// A `MonthlyBill` for a month other than the one asked for is refused (the adapter asked for `month`).
pub fn check_month(bill: &MonthlyBill, month: Period) -> Result<()> {
    if bill.year_month != month {
        return Err(Error::InvalidCell {
            payload: MONTHLY_BILL.to_owned(),
            row: 0,
            column: "yearMonth".to_owned(),
            value: bill.year_month.compact(),
            reason: format!("asked for {}", month.compact()),
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests;
