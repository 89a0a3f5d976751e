//! The bodies Soracom's operations answer that are not records, bills or counters. Each is the struct that
//! is serialized, so its TypeScript (src/typegen) is the response itself.

use serde::Serialize;
use serde_json::Value;

use crate::ids::Uuid;
use crate::period::Period;
use crate::timestamp::Timestamp;

/// `SoracomEngine.consumptionStatus()`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct SoracomConsumptionStatus {
    pub global_sync_enabled: bool,
    /// The active settings; null when there are none.
    pub settings_uuid: Option<Uuid>,
    /// Scheduled syncs run: the global switch and the active settings' are both on.
    pub sync_enabled: bool,
    /// "YYYY-MM": the month "now" is in, in the engine's timezone.
    pub current_period: Period,
    /// "YYYY-MM" of the newest record; null when there are none.
    pub latest_period: Option<Period>,
    /// Records not finalized yet.
    #[cfg_attr(test, ts(type = "number"))]
    pub pending_records: usize,
    /// The newest last_sync_at of any record (RFC 3339); null before the first sync.
    pub last_sync_at: Option<Timestamp>,
}

/// `SoracomEngine.triggerReconciliation()` before Soracom has closed the month: nothing is reconciled.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[cfg_attr(test, ts(rename = "SoracomMonthNotClosed"))]
pub struct MonthNotClosed {
    /// Always false here.
    #[cfg_attr(test, ts(type = "false"))]
    pub month_closed: bool,
    /// Always 0 here.
    #[cfg_attr(test, ts(type = "0"))]
    pub reconciled: u64,
    /// Why, in words.
    pub detail: String,
}

/// `SoracomEngine.triggerReconciliation()` of a closed month: the reconciliation's outcome, then
/// `month_closed: true`.
pub fn month_reconciled(mut outcome: Value) -> Value {
    if let Some(object) = outcome.as_object_mut() {
        object.insert("month_closed".into(), Value::Bool(true));
    }
    outcome
}
