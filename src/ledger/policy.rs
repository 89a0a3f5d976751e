//! What a vendor's settings give the ledger: which price goes on invoices, the tolerance of every comparison,
//! how items are named, and the currency of amounts that name none. Plus the instant a plan is made at.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::error::Result;
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
