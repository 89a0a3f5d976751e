//! A consumption record: one resource's use of one vendor unit in one month, provisional until the vendor's
//! final figures finalize it.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::SourceKey;
use crate::ids::Uuid;
use crate::money::{decimal_string, optional_decimal_string, Currency};
use crate::period::Period;
use crate::timestamp::Timestamp;

/// The natural key: unique per (resource, billing period, source reference).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct RecordKey {
    pub resource_uuid: Uuid,
    pub billing_period: Period,
    pub source_ref: String,
}

impl RecordKey {
    /// The key every id and idempotency key of this record's money derives from.
    pub fn natural_key(&self) -> SourceKey {
        SourceKey::of_record(
            self.resource_uuid.as_str(),
            self.billing_period,
            &self.source_ref,
        )
    }

    pub fn record_uuid(&self) -> Uuid {
        Uuid::derive("consumption_record", self.natural_key().as_str())
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct ConsumptionRecord {
    pub uuid: Uuid,
    /// The vendor whose unit this is: each vendor lists its own records.
    pub vendor: String,
    pub resource_uuid: Uuid,
    /// The vendor's unit the money is for: a licence, a SIM, a device.
    #[serde(alias = "license_reference")]
    pub source_ref: String,
    pub billing_period: Period,
    pub currency: Currency,
    #[serde(with = "decimal_string")]
    #[cfg_attr(test, ts(type = "string"))]
    pub consumed_sell: Decimal,
    #[serde(with = "decimal_string")]
    #[cfg_attr(test, ts(type = "string"))]
    pub consumed_buy: Decimal,
    #[serde(default, with = "optional_decimal_string")]
    #[cfg_attr(test, ts(type = "string | null"))]
    pub final_sell: Option<Decimal>,
    #[serde(default, with = "optional_decimal_string")]
    #[cfg_attr(test, ts(type = "string | null"))]
    pub final_buy: Option<Decimal>,
    #[serde(default)]
    pub invoice_item_uuid: Option<Uuid>,
    #[serde(default)]
    pub compensation_item_uuid: Option<Uuid>,
    #[serde(default)]
    pub last_sync_at: Option<Timestamp>,
    #[serde(default)]
    pub finalized_at: Option<Timestamp>,
    #[serde(default)]
    pub reconciled_at: Option<Timestamp>,
    #[serde(default)]
    #[cfg_attr(test, ts(type = "unknown"))]
    pub raw_data: serde_json::Value,
    pub created: Timestamp,
    pub modified: Timestamp,
    /// The version the store holds this row at (0: not read from the store). Not part of the row.
    #[serde(skip)]
    pub version: u64,
}

impl ConsumptionRecord {
    pub fn key(&self) -> RecordKey {
        RecordKey {
            resource_uuid: self.resource_uuid,
            billing_period: self.billing_period,
            source_ref: self.source_ref.clone(),
        }
    }

    pub fn is_finalized(&self) -> bool {
        self.finalized_at.is_some()
    }

    pub fn is_reconciled(&self) -> bool {
        self.reconciled_at.is_some()
    }

    /// final_sell − consumed_sell, or None before the export has finalized the record.
    pub fn adjustment_amount(&self) -> Option<Decimal> {
        self.final_sell
            .and_then(|f| f.checked_sub(self.consumed_sell))
    }
}

crate::stored_row!(ConsumptionRecord, "consumption_records");
