//! The bodies Arrow's operations answer that are not records or counters: the fetch_* passthroughs, the
//! sync switches and the resource syncs. Each is the struct that is serialized, so its TypeScript
//! (src/typegen) is the response itself. Keys are in the seed's order.

use serde::Serialize;
use serde_json::Value;

use crate::ids::Uuid;
use crate::ledger::changeset::Changeset;
use crate::period::Period;

/// `ArrowEngine.pauseSync()`: what was paused, "global" and/or a settings uuid.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct SyncPaused {
    pub paused: Vec<String>,
}

/// `ArrowEngine.resumeSync()`: what was resumed, "global" and/or a settings uuid.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct SyncResumed {
    pub resumed: Vec<String>,
}

/// `ArrowEngine.fetchBillingExport()`: Arrow's export rows, passed through.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct BillingExportResponse {
    /// "YYYY-MM".
    pub period_from: Period,
    /// "YYYY-MM".
    pub period_to: Period,
    /// The classification asked for; null when every row is returned.
    pub classification: Option<String>,
    /// The number of rows in `data`.
    #[cfg_attr(test, ts(type = "number"))]
    pub row_count: usize,
    /// Vendor data: one object per export row, Arrow's cells keyed by the export's headers, as Arrow sent
    /// them (their JSON types are Arrow's, so they are not typed further).
    #[cfg_attr(test, ts(type = "Array<Record<string, unknown>>"))]
    pub data: Vec<Value>,
}

/// `ArrowEngine.fetchConsumption()`: Arrow's consumption lines of one licence, passed through.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct ConsumptionFetchResponse {
    pub license_reference: String,
    /// "YYYY-MM".
    pub period: Period,
    /// The number of rows in `data`.
    #[cfg_attr(test, ts(type = "number"))]
    pub row_count: usize,
    /// Vendor data: one object per consumption line, Arrow's cells keyed by its headers, as Arrow sent
    /// them.
    #[cfg_attr(test, ts(type = "Array<Record<string, unknown>>"))]
    pub data: Vec<Value>,
}

/// `ArrowEngine.fetchLicenseInfo()`: Arrow's licence details, passed through.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct LicenseInfoResponse {
    /// Vendor data: the `data` of Arrow's licence payload (or the whole payload when it has none), free-form
    /// as Arrow's API returns it.
    #[cfg_attr(test, ts(type = "unknown"))]
    pub data: Value,
}

/// `ArrowEngine.syncResources()` (seed 000). On a dry run, `dry_run` and `changeset` follow the counts.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct ResourceSyncResponse {
    /// Subscription-months read from the export.
    #[cfg_attr(test, ts(type = "number"))]
    pub synced: u64,
    /// Resources created.
    #[cfg_attr(test, ts(type = "number"))]
    pub created: u64,
    /// Resources whose usages changed.
    #[cfg_attr(test, ts(type = "number"))]
    pub updated: u64,
    /// Always 0: billsync creates no marketplace orders (kept for the seed's shape).
    #[cfg_attr(test, ts(type = "number"))]
    pub orders_created: u64,
    #[cfg_attr(test, ts(type = "number"))]
    pub customers_created: u64,
    #[cfg_attr(test, ts(type = "number"))]
    pub projects_created: u64,
    #[cfg_attr(test, ts(type = "number"))]
    pub mappings_created: u64,
    /// Always 0: syncing resources bills nothing (kept for the seed's shape).
    #[cfg_attr(test, ts(type = "number"))]
    pub invoices_created: u64,
    /// Always 0, as `invoices_created`.
    #[cfg_attr(test, ts(type = "number"))]
    pub invoice_items_created: u64,
    /// Always empty: a problem fails the whole request instead (kept for the seed's shape).
    #[cfg_attr(test, ts(type = "[]"))]
    pub errors: Vec<Value>,
    /// Present, and true, on a dry run only.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(test, ts(optional, type = "true"))]
    pub dry_run: Option<bool>,
    /// On a dry run only: what the sync would write.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(test, ts(optional))]
    pub changeset: Option<Changeset>,
}

/// `ArrowEngine.syncResourceHistoricalConsumption()` (seed 000). On a dry run, `dry_run` and `changeset`
/// follow.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct HistoricalConsumptionResponse {
    pub resource_uuid: Uuid,
    pub resource_name: String,
    /// Months synced.
    #[cfg_attr(test, ts(type = "number"))]
    pub periods_synced: u64,
    /// Months whose record is finalized, left alone.
    #[cfg_attr(test, ts(type = "number"))]
    pub periods_skipped: u64,
    /// The consumption sync's error details of every month, each with its `period` ("YYYY-MM").
    #[cfg_attr(
        test,
        ts(type = "Array<ConsumptionSyncErrorDetail & { period: string }>")
    )]
    pub errors: Vec<Value>,
    /// Present, and true, on a dry run only.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(test, ts(optional, type = "true"))]
    pub dry_run: Option<bool>,
    /// On a dry run only: what the sync would write.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(test, ts(optional))]
    pub changeset: Option<Changeset>,
}
