//! An item on a host invoice that billsync planned. Every item says what money it is for (`source_key`),
//! so the money billed for a record or an export line is the sum of its items, whatever ran how often.

use std::fmt;

use rust_decimal::Decimal;
use serde::ser::SerializeMap;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::value::RawValue;
use serde_json::Value;

use super::{SourceKey, Trace};
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
    pub details: Details,
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

/// An item's details: free-form JSON that says where its money comes from, held as its text (written once
/// when the item is planned; a store's row carries it as it is). Null when there are none.
#[derive(Debug, Clone, Default)]
pub struct Details(Option<Box<RawValue>>);

impl Details {
    /// Details from a JSON value. (Serialising a value cannot fail; if it did, the item would have none.)
    pub fn from_value(value: &Value) -> Details {
        if value.is_null() {
            return Details(None);
        }
        Details(serde_json::value::to_raw_value(value).ok())
    }

    /// Details as one JSON object of text fields, in order, each written straight from its `Display`.
    pub fn of_fields(fields: &[(&str, &dyn fmt::Display)]) -> Result<Details> {
        Details::fields_and_trace(fields, None)
    }

    /// [`Details::of_fields`], then the item's `trace` ([`Trace`]): where its money came from.
    pub fn of_fields_traced(
        fields: &[(&str, &dyn fmt::Display)],
        trace: &Trace,
    ) -> Result<Details> {
        Details::fields_and_trace(fields, Some(trace))
    }

    fn fields_and_trace(
        fields: &[(&str, &dyn fmt::Display)],
        trace: Option<&Trace>,
    ) -> Result<Details> {
        struct Fields<'a, 'b>(&'a [(&'b str, &'b dyn fmt::Display)], Option<&'a Trace>);
        impl Serialize for Fields<'_, '_> {
            fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
                let mut map =
                    s.serialize_map(Some(self.0.len() + usize::from(self.1.is_some())))?;
                for (key, value) in self.0 {
                    map.serialize_entry(key, &Shown(*value))?;
                }
                if let Some(trace) = self.1 {
                    map.serialize_entry("trace", trace)?;
                }
                map.end()
            }
        }
        struct Shown<'a>(&'a dyn fmt::Display);
        impl Serialize for Shown<'_> {
            fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
                s.collect_str(self.0)
            }
        }
        serde_json::value::to_raw_value(&Fields(fields, trace))
            .map(|raw| Details(Some(raw)))
            .map_err(|e| Error::InvalidPayload {
                payload: "invoice item details".to_owned(),
                offset: 0,
                reason: e.to_string(),
            })
    }

    /// The trace the details carry, if any ([`Trace`]).
    pub fn trace(&self) -> Option<Trace> {
        self.to_value()
            .get_mut("trace")
            .map(Value::take)
            .and_then(|t| serde_json::from_value(t).ok())
    }

    /// The details as a JSON value (null when there are none).
    pub fn to_value(&self) -> Value {
        self.0
            .as_ref()
            .and_then(|raw| serde_json::from_str(raw.get()).ok())
            .unwrap_or(Value::Null)
    }
}

/// Details are equal when they hold the same JSON.
impl PartialEq for Details {
    fn eq(&self, other: &Details) -> bool {
        match (&self.0, &other.0) {
            (Some(a), Some(b)) if a.get() == b.get() => true,
            _ => self.to_value() == other.to_value(),
        }
    }
}

impl Serialize for Details {
    fn serialize<S: Serializer>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error> {
        match &self.0 {
            Some(raw) => raw.serialize(serializer),
            None => serializer.serialize_unit(),
        }
    }
}

impl<'de> Deserialize<'de> for Details {
    fn deserialize<D: Deserializer<'de>>(
        deserializer: D,
    ) -> std::result::Result<Details, D::Error> {
        Value::deserialize(deserializer).map(|value| Details::from_value(&value))
    }
}
