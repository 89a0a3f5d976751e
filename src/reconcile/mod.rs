//! Reconciliation: the rules that put money on the host's invoices, as pure plans.
//!
//! Every function here takes what the store and the vendor said, plus the instant to plan at, and returns a
//! [`Changeset`](crate::changeset::Changeset) with counters. Nothing here reads a clock, makes a random id
//! or does I/O.
//!
//! # The one rule of money
//! Every invoice item billsync makes names the money it is for (its `source_key`: a consumption record's
//! natural key, or an export line's). What the customer has been billed for a source is the sum of its
//! items. A reconciliation compares the vendor's final figure with that sum and bills the difference, once,
//! as a new compensation item. So a forced re-run, a re-sync, a cleanup or an interrupted run can never bill
//! a difference twice: the second look finds nothing left to bill (defects 2, 4 and 5).
//!
//! - Consumption: the provisional item follows the consumption figures until the record is reconciled once;
//!   from then on only compensations change what is billed.
//! - Statements: an export line is billed once, at its first price (`original_price`); later price changes
//!   are never written into that item, they are compensated by `reconcile` (the "compensate" mechanism,
//!   chosen over "update" because an issued invoice cannot be edited, and it keeps one code path).
//! - One tolerance for every comparison (`reconciliation_tolerance`, 0.01 by default; defect 8).

mod billing_sync;
mod consumption;
mod line;
mod preview;
mod provisional;

pub use billing_sync::{
    plan_billing_sync, plan_statement_reconciliation, BillingSyncCounters, StatementCounters,
};
pub use consumption::{
    plan_consumption_reconciliation, ReconciliationCounters, RecordAction, RecordOutcome,
    RecordOwner,
};
pub use line::BilledLine;
pub use preview::{
    preview_reconciliation, PreviewRow, PreviewSummary, PreviewTotal, ReconciliationPreview,
};
pub use provisional::{plan_consumption_sync, ConsumptionSyncCounters, ResourceConsumption};

use std::collections::BTreeMap;

use rust_decimal::Decimal;

use crate::error::{Error, Result};
use crate::ids::Uuid;
use crate::money::{Currency, Money};
use crate::period::{Period, Zone};
use crate::records::{ArrowSettings, InvoiceItem, InvoiceItemKind, PriceSource};
use crate::timestamp::Timestamp;

/// What every plan needs besides its data: the settings, the instant to plan at, the host's timezone.
#[derive(Debug, Clone)]
pub struct PlanContext<'a> {
    pub settings: &'a ArrowSettings,
    pub as_of: Timestamp,
    pub zone: Zone,
}

impl PlanContext<'_> {
    /// The month "now" is in: where new compensation items go.
    pub fn current_period(&self) -> Result<Period> {
        self.as_of.period(self.zone)
    }

    /// The amount that goes on invoices, per the configured price source.
    pub fn invoice_price(&self, sell: Decimal, buy: Decimal) -> Decimal {
        match self.settings.invoice_price_source {
            PriceSource::Sell => sell,
            PriceSource::Buy => buy,
        }
    }

    /// Whether a difference is big enough to bill: |difference| ≥ tolerance, for every reconciliation.
    pub fn is_billable(&self, difference: Decimal) -> bool {
        !difference.is_zero() && difference.abs() >= self.settings.reconciliation_tolerance
    }

    /// The currency of amounts whose source names none: the settings', or ISO 4217's "XXX" (no currency).
    pub fn default_currency(&self) -> Currency {
        self.settings.currency.unwrap_or(Currency::XXX)
    }
}

/// What has been billed so far for one source: the sum of its items, and how many compensations it has.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Billed {
    pub total: Money,
    pub compensations: usize,
    pub items: usize,
}

/// Sums the items of `source_key`. Items of another currency are an error: they cannot be netted.
pub fn billed_for<'a, I>(source_key: &str, currency: Currency, items: I) -> Result<Billed>
where
    I: IntoIterator<Item = &'a InvoiceItem>,
{
    let mut billed = Billed {
        total: Money::zero(currency),
        compensations: 0,
        items: 0,
    };
    for item in items.into_iter().filter(|i| i.source_key == source_key) {
        billed.total = billed
            .total
            .checked_add(item.total()?, &format!("invoice items of {source_key}"))?;
        billed.items += 1;
        if item.kind.is_compensation() {
            billed.compensations += 1;
        }
    }
    Ok(billed)
}

impl Billed {
    /// What two sets of items bill together.
    pub fn plus(self, other: Billed, location: &str) -> Result<Billed> {
        Ok(Billed {
            total: self.total.checked_add(other.total, location)?,
            compensations: self.compensations + other.compensations,
            items: self.items + other.items,
        })
    }
}

/// The invoice items billsync made, indexed once per plan by the money they bill and by id, so a plan over
/// N records stays O(N log N).
pub struct BilledItems<'a> {
    by_source: BTreeMap<&'a str, Vec<&'a InvoiceItem>>,
    by_uuid: BTreeMap<&'a Uuid, &'a InvoiceItem>,
}

impl<'a> BilledItems<'a> {
    pub fn new(items: &'a [InvoiceItem]) -> BilledItems<'a> {
        let mut by_source: BTreeMap<&str, Vec<&InvoiceItem>> = BTreeMap::new();
        let mut by_uuid = BTreeMap::new();
        for item in items {
            by_source
                .entry(item.source_key.as_str())
                .or_default()
                .push(item);
            by_uuid.insert(&item.uuid, item);
        }
        BilledItems { by_source, by_uuid }
    }

    /// What the items of `source_key` bill, in `currency`.
    pub fn billed(&self, source_key: &str, currency: Currency) -> Result<Billed> {
        let items = self
            .by_source
            .get(source_key)
            .map(Vec::as_slice)
            .unwrap_or(&[]);
        billed_for(source_key, currency, items.iter().copied())
    }

    pub fn item(&self, uuid: &Uuid) -> Option<&'a InvoiceItem> {
        self.by_uuid.get(uuid).copied()
    }
}

/// "{prefix} adjustment: {what} (additional charge for YYYY-MM-DD)", or "(credit for …)" when negative.
pub fn compensation_name(prefix: &str, what: &str, period: Period, difference: Decimal) -> String {
    let kind = if difference.is_sign_negative() {
        "credit"
    } else {
        "additional charge"
    };
    format!(
        "{prefix} adjustment: {what} ({kind} for {})",
        period.first_day()
    )
}

/// A compensation item for `difference` on the current invoice of `customer`.
#[allow(clippy::too_many_arguments)]
pub(crate) fn compensation_item(
    ctx: &PlanContext<'_>,
    kind: InvoiceItemKind,
    source_key: &str,
    sequence: usize,
    customer: &Uuid,
    resource: Option<&Uuid>,
    name: String,
    difference: Money,
    details: serde_json::Value,
) -> Result<(String, InvoiceItem)> {
    let key = format!("{}:{source_key}:{sequence}", kind_key(kind));
    let period = ctx.current_period()?;
    let item = InvoiceItem {
        uuid: Uuid::derive("invoice_item", &key),
        invoice_uuid: InvoiceItem::invoice_uuid_for(customer, period),
        customer_uuid: customer.clone(),
        project_uuid: None,
        resource_uuid: resource.cloned(),
        billing_period: period,
        kind,
        source_key: source_key.to_owned(),
        name,
        unit_price: difference.amount,
        quantity: Decimal::ONE,
        currency: difference.currency,
        details,
        created: ctx.as_of,
        modified: ctx.as_of,
    };
    Ok((key, item))
}

pub(crate) fn kind_key(kind: InvoiceItemKind) -> &'static str {
    match kind {
        InvoiceItemKind::Provisional => "provisional",
        InvoiceItemKind::ConsumptionCompensation => "consumption_compensation",
        InvoiceItemKind::StatementLine => "statement_line",
        InvoiceItemKind::StatementCompensation => "statement_compensation",
    }
}

/// A checked sum of decimals, naming what is summed in the overflow error.
pub(crate) fn checked_sum<I: IntoIterator<Item = Decimal>>(
    values: I,
    location: &str,
) -> Result<Decimal> {
    values.into_iter().try_fold(Decimal::ZERO, |acc, v| {
        acc.checked_add(v).ok_or_else(|| Error::overflow(location))
    })
}
