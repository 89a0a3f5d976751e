//! What a vendor's settings give the ledger: which price goes on invoices, the tolerance of every comparison,
//! how items are named, and the currency of amounts that name none. Plus the instant a plan is made at.

use std::cell::Cell;
use std::collections::BTreeMap;
use std::fmt;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::InvoiceItem;
use crate::error::Result;
use crate::ids::Uuid;
use crate::money::Currency;
use crate::period::{Period, Zone};
use crate::timestamp::Timestamp;

/// Which of the vendor's two prices goes on the customer's invoice: what the host sells at, or what it buys
/// at. A vendor with one price gives the same figure for both.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "lowercase")]
pub enum PriceSource {
    #[default]
    Sell,
    Buy,
}

/// A vendor's billing policy, taken from its settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Policy {
    pub price_source: PriceSource,
    /// One tolerance for every reconciliation: differences smaller than this are not compensated.
    pub tolerance: Decimal,
    /// What invoice items are named after, e.g. "<vendor> consumption".
    pub item_prefix: String,
    /// The currency of amounts whose source names none. None: such amounts wait for a source that names one.
    pub currency: Option<Currency>,
    /// The name under which items' details show a record's source reference (e.g. "license_reference").
    pub source_label: &'static str,
}

/// What every plan needs besides its data: the vendor's policy, the instant to plan at, the host's timezone.
#[derive(Debug, Clone)]
pub struct PlanContext {
    /// The operation planning (its id names the changeset).
    pub operation: String,
    /// The vendor whose records the plan writes.
    pub vendor: &'static str,
    pub policy: Policy,
    pub as_of: Timestamp,
    pub zone: Zone,
    /// The invoice ids the plan has derived, per customer and month.
    pub invoices: InvoiceIds,
}

/// The invoice ids a plan has derived ([`InvoiceItem::invoice_uuid_for`]), per customer and month: each is
/// derived once per plan, not once per item. A cache only: a clone starts empty, and an id is the same
/// whether it was cached or derived.
#[derive(Default)]
pub struct InvoiceIds(Cell<BTreeMap<(Uuid, Period), Uuid>>);

impl InvoiceIds {
    /// The id of `customer`'s invoice of `period`.
    pub fn of(&self, customer: &Uuid, period: Period) -> Uuid {
        let mut ids = self.0.take();
        let id = *ids
            .entry((*customer, period))
            .or_insert_with(|| InvoiceItem::invoice_uuid_for(customer, period));
        self.0.set(ids);
        id
    }
}

impl Clone for InvoiceIds {
    fn clone(&self) -> InvoiceIds {
        InvoiceIds::default()
    }
}

impl fmt::Debug for InvoiceIds {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("InvoiceIds")
    }
}

impl PlanContext {
    /// The month "now" is in: where new compensation items go.
    pub fn current_period(&self) -> Result<Period> {
        self.as_of.period(self.zone)
    }

    /// The amount that goes on invoices, per the configured price source.
    pub fn invoice_price(&self, sell: Decimal, buy: Decimal) -> Decimal {
        match self.policy.price_source {
            PriceSource::Sell => sell,
            PriceSource::Buy => buy,
        }
    }

    /// Whether a difference is big enough to bill: |difference| ≥ tolerance, for every reconciliation.
    pub fn is_billable(&self, difference: Decimal) -> bool {
        !difference.is_zero() && difference.abs() >= self.policy.tolerance
    }

    /// The currency of amounts whose source names none: the policy's, or ISO 4217's "XXX" (no currency).
    pub fn default_currency(&self) -> Currency {
        self.policy.currency.unwrap_or(Currency::XXX)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cached_invoice_id_is_the_derived_one() {
        let ids = InvoiceIds::default();
        let customers = [Uuid::derive("customer", "a"), Uuid::derive("customer", "b")];
        let periods = [
            Period::parse("2025-01").unwrap(),
            Period::parse("2025-02").unwrap(),
        ];
        for _ in 0..2 {
            for customer in &customers {
                for period in periods {
                    assert_eq!(
                        ids.of(customer, period),
                        InvoiceItem::invoice_uuid_for(customer, period)
                    );
                }
            }
        }
        assert_ne!(
            ids.of(&customers[0], periods[0]),
            ids.of(&customers[1], periods[0])
        );
        assert_ne!(
            ids.of(&customers[0], periods[0]),
            ids.of(&customers[0], periods[1])
        );
        // A clone starts empty and derives the same ids.
        assert_eq!(
            ids.clone().of(&customers[1], periods[1]),
            ids.of(&customers[1], periods[1])
        );
    }
}
