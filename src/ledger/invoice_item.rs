//! An item on a host invoice that billsync planned. Every item says what money it is for (`source_key`),
//! so the money billed for a record or an export line is the sum of its items, whatever ran how often.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::SourceKey;
use crate::error::{Error, Result};
use crate::ids::Uuid;
use crate::money::{decimal_string, Currency, Money};
use crate::period::Period;
use crate::timestamp::Timestamp;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum InvoiceItemKind {
    /// A consumption record's preliminary charge; its price follows the consumption until finalized.
    Provisional,
    /// The difference between a record's final amount and what was already billed for it.
    ConsumptionCompensation,
    /// A line of a vendor's final document (a statement line), billed as it is.
    StatementLine,
    /// The difference between a document line's current price and what was already billed for it.
    StatementCompensation,
}

impl InvoiceItemKind {
    pub fn is_compensation(self) -> bool {
        matches!(
            self,
            InvoiceItemKind::ConsumptionCompensation | InvoiceItemKind::StatementCompensation
        )
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct InvoiceItem {
    pub uuid: Uuid,
    pub invoice_uuid: Uuid,
    pub customer_uuid: Uuid,
    #[serde(default)]
    pub project_uuid: Option<Uuid>,
    #[serde(default)]
    pub resource_uuid: Option<Uuid>,
    /// The month of the invoice this item is on.
    pub billing_period: Period,
    pub kind: InvoiceItemKind,
    /// What the money is for: a consumption record's or a vendor document line's natural key.
    pub source_key: SourceKey,
    pub name: String,
    #[serde(with = "decimal_string")]
    #[cfg_attr(test, ts(type = "string"))]
    pub unit_price: Decimal,
    #[serde(with = "decimal_string")]
    #[cfg_attr(test, ts(type = "string"))]
    pub quantity: Decimal,
    pub currency: Currency,
    #[serde(default)]
    #[cfg_attr(test, ts(type = "unknown"))]
    pub details: serde_json::Value,
    pub created: Timestamp,
    pub modified: Timestamp,
    /// The version the store holds this row at (0: not read from the store). Not part of the row.
    #[serde(skip)]
    pub version: u64,
}

impl InvoiceItem {
    /// The host's invoice of a customer for a month. Hosts that number invoices their own way map this id.
    pub fn invoice_uuid_for(customer: &Uuid, period: Period) -> Uuid {
        Uuid::derive("invoice", &format!("{customer}|{period}"))
    }

    /// unit_price × quantity, exactly.
    pub fn total(&self) -> Result<Money> {
        let amount = self
            .unit_price
            .checked_mul(self.quantity)
            .ok_or_else(|| Error::overflow(format!("invoice item {}", self.uuid)))?;
        Ok(Money::new(amount, self.currency))
    }
}

crate::stored_row!(InvoiceItem, "invoice_items");
