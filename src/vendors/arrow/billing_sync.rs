//! A billing sync: one Arrow statement for one customer mapping, with one item per export line.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::ids::Uuid;
use crate::money::{decimal_string, Currency};
use crate::period::Period;
use crate::timestamp::Timestamp;

/// billsync's own state of a sync. Stored and served as its integer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum SyncState {
    Pending = 1,
    Synced = 2,
    Validated = 3,
    Reconciled = 4,
}

impl SyncState {
    pub fn from_code(code: i64) -> Option<SyncState> {
        match code {
            1 => Some(SyncState::Pending),
            2 => Some(SyncState::Synced),
            3 => Some(SyncState::Validated),
            4 => Some(SyncState::Reconciled),
            _ => None,
        }
    }

    pub fn code(self) -> u8 {
        self as u8
    }

    /// The label served as state_display.
    pub fn display(self) -> &'static str {
        match self {
            SyncState::Pending => "Pending",
            SyncState::Synced => "Synced",
            SyncState::Validated => "Validated",
            SyncState::Reconciled => "Reconciled",
        }
    }

    /// The legal moves: forward one step at a time, a re-sync of a synced or validated statement, and
    /// reconciling a synced one when forced. Nothing leaves Reconciled except a forced re-reconcile.
    pub fn can_move_to(self, to: SyncState) -> bool {
        use SyncState::*;
        matches!(
            (self, to),
            (Pending, Synced)
                | (Synced, Synced)
                | (Synced, Validated)
                | (Validated, Validated)
                | (Validated, Reconciled)
                | (Synced, Reconciled)
                | (Reconciled, Reconciled)
        )
    }

    /// `to`, if the move is legal; an `illegal_transition` error otherwise.
    pub fn transition(self, to: SyncState, what: &str) -> Result<SyncState> {
        if self.can_move_to(to) {
            Ok(to)
        } else {
            Err(Error::IllegalTransition {
                what: what.to_owned(),
                from: self.display().to_owned(),
                to: to.display().to_owned(),
            })
        }
    }
}

impl Serialize for SyncState {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.serialize_u8(self.code())
    }
}

impl<'de> Deserialize<'de> for SyncState {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<SyncState, D::Error> {
        let code = i64::deserialize(d)?;
        SyncState::from_code(code)
            .ok_or_else(|| serde::de::Error::custom(format!("unknown sync state {code}")))
    }
}

/// Arrow's own state of a statement.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "lowercase")]
pub enum ArrowState {
    #[default]
    Pending,
    Validated,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct BillingSyncItem {
    pub uuid: Uuid,
    pub arrow_line_reference: String,
    #[serde(default)]
    pub invoice_item_uuid: Option<Uuid>,
    /// The price when the line was first synced; set once, never updated.
    #[serde(with = "decimal_string")]
    #[cfg_attr(test, ts(type = "string"))]
    pub original_price: Decimal,
    /// The price in the latest export that had this line; None once the line has gone from the export.
    #[serde(default, with = "crate::money::optional_decimal_string")]
    #[cfg_attr(test, ts(type = "string | null"))]
    pub current_price: Option<Decimal>,
    #[serde(default)]
    pub compensation_item_uuid: Option<Uuid>,
    #[serde(default)]
    pub vendor_name: String,
    #[serde(default)]
    pub subscription_reference: String,
    #[serde(default)]
    pub classification: String,
    #[serde(default)]
    pub description: String,
    #[serde(with = "decimal_string")]
    #[cfg_attr(test, ts(type = "string"))]
    pub quantity: Decimal,
    pub created: Timestamp,
    /// The licence (ARS Subscription ID) the line is for, if it names one.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    #[cfg_attr(test, ts(as = "Option<String>", optional))]
    pub license_reference: String,
    /// The consumption records that bill this line's money, when its licence is billed through them: the
    /// line then has no invoice item of its own.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[cfg_attr(test, ts(as = "Option<Vec<Uuid>>", optional))]
    pub billed_through: Vec<Uuid>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct BillingSync {
    pub uuid: Uuid,
    pub settings_uuid: Uuid,
    pub customer_mapping_uuid: Uuid,
    pub statement_reference: String,
    pub report_period: Period,
    pub arrow_state: ArrowState,
    pub state: SyncState,
    #[serde(with = "decimal_string")]
    #[cfg_attr(test, ts(type = "string"))]
    pub buy_total: Decimal,
    #[serde(with = "decimal_string")]
    #[cfg_attr(test, ts(type = "string"))]
    pub sell_total: Decimal,
    pub currency: Currency,
    #[serde(default)]
    pub invoice_uuid: Option<Uuid>,
    #[serde(default)]
    pub error_message: String,
    #[serde(default)]
    pub synced_at: Option<Timestamp>,
    #[serde(default)]
    pub validated_at: Option<Timestamp>,
    #[serde(default)]
    pub reconciled_at: Option<Timestamp>,
    #[serde(default)]
    pub items: Vec<BillingSyncItem>,
    pub created: Timestamp,
    pub modified: Timestamp,
    /// The version the store holds this row at (0: not read from the store). Not part of the row.
    #[serde(skip)]
    pub version: u64,
}

impl BillingSync {
    /// The natural key: one sync per (settings, statement, customer mapping).
    pub fn natural_key(
        settings: &Uuid,
        statement_reference: &str,
        customer_mapping: &Uuid,
    ) -> String {
        format!("{settings}|{statement_reference}|{customer_mapping}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn transitions() {
        use SyncState::*;
        assert!(Pending.can_move_to(Synced));
        assert!(Validated.can_move_to(Reconciled));
        assert!(Synced.can_move_to(Reconciled));
        assert_eq!(
            Reconciled.transition(Synced, "sync").unwrap_err().code(),
            "illegal_transition"
        );
        assert_eq!(
            Pending.transition(Reconciled, "sync").unwrap_err().code(),
            "illegal_transition"
        );
        assert_eq!(SyncState::from_code(4), Some(Reconciled));
        assert_eq!(SyncState::from_code(5), None);
        assert_eq!(serde_json::to_string(&Validated).unwrap(), "3");
    }
}

crate::stored_row!(BillingSync, "billing_syncs");
