//! The ledger's row per source of money: what its invoice items bill so far. It is how a plan names the
//! version of a source's billed money it relied on. Every plan that reads what a source has billed and
//! decides from it puts this row, with the total after its own items; a commit after someone else billed the
//! source finds the row moved and is refused (unless it already holds exactly what the plan would write).
//! It also says whether the source is held ([`super::hold`]). The row holds no timestamp, so a plan that changes nothing about a source writes an equal row.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::{HoldState, SourceKey, UnitKey};
use crate::ids::Uuid;
use crate::money::{decimal_string, Currency};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SourceRow {
    pub uuid: Uuid,
    pub source_key: SourceKey,
    pub currency: Currency,
    /// The sum of the source's items.
    #[serde(with = "decimal_string")]
    pub billed: Decimal,
    /// How many items bill it.
    pub items: u64,
    /// The vendor unit and month whose money this source bills, when it is one's: how a plan finds every
    /// source of a unit (records, document lines, and sources whose record was cleaned up) to net them off.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit: Option<UnitKey>,
    /// Whether an operator holds the source ([`super::hold`]): held sources are left out of every
    /// automatic plan. Absent when never held, so a row of a source never held reads as it always did.
    #[serde(default, skip_serializing_if = "HoldState::is_none")]
    pub hold: HoldState,
    #[serde(skip)]
    pub version: u64,
}

crate::stored_row!(SourceRow, "ledger_sources");

impl SourceRow {
    pub fn uuid_for(key: &SourceKey) -> Uuid {
        Uuid::derive("ledger_source", key.as_str())
    }
}
