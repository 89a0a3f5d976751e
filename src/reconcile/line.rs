//! What the vendor's final billing export says about one line, as reconciliation needs it.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::money::{decimal_string, Currency};
use crate::period::Period;
use crate::records::ArrowState;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BilledLine {
    /// Arrow's line id (Sequence / Order Id): unique within a statement.
    pub line_reference: String,
    pub statement_reference: String,
    /// Arrow's customer reference (End User Company ID), e.g. "XSP661245".
    pub customer_reference: String,
    pub customer_name: String,
    /// ARS Subscription ID: the licence a consumption record is for.
    pub license_reference: String,
    pub vendor_subscription_id: String,
    pub vendor_name: String,
    pub classification: String,
    pub description: String,
    #[serde(with = "decimal_string")]
    pub quantity: Decimal,
    #[serde(with = "decimal_string")]
    pub sell: Decimal,
    #[serde(with = "decimal_string")]
    pub buy: Decimal,
    pub currency: Option<Currency>,
    pub report_period: Option<Period>,
    /// Arrow's statement state, where the export template carries it.
    pub statement_state: Option<ArrowState>,
}

impl BilledLine {
    /// The natural key of the money this line bills: unique per statement and line.
    pub fn source_key(&self) -> String {
        format!("{}|{}", self.statement_reference, self.line_reference)
    }

    /// Whether the line belongs to `period` (lines without a report period belong to the export's month).
    pub fn is_for(&self, period: Period) -> bool {
        self.report_period.is_none_or(|p| p == period)
    }
}
