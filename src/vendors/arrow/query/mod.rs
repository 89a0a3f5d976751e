//! The read side of seeds 000 and 001: list filters, the order lists are served in, pagination, and the
//! computed endpoints (consumption_statistics, pending_records, consumption_status, the cleanup plan).
//!
//! Everything here is pure over slices of stored records; the engine reads them from the store, calls these,
//! and renders rows with [`crate::records`]' seed-shaped renderers.
//!
//! Orders are total (the last key is the unique uuid), so the same data always pages the same way:
//! - consumption records: billing_period desc, created desc, uuid asc ([`record_order`]);
//! - pending records: billing_period desc, last_sync_at desc (never synced last), uuid asc ([`pending_order`]);
//! - billing syncs: report_period desc, statement_reference asc, uuid asc ([`sync_order`]).

mod cleanup;
mod filter;

mod stats;

#[cfg(test)]
mod tests;

pub use crate::rest::page::{
    decode, effective_page_size, encode, page_items, page_url, paginate, Page, DEFAULT_PAGE_SIZE,
    INVALID_PAGE, MAX_PAGE_SIZE,
};
pub use cleanup::{plan_cleanup, CleanupFilter, CleanupPlan, CleanupResponse};
pub use filter::{
    pending_order, record_order, select_records, select_syncs, sync_order, uuid_from_uri,
    RecordFilter, SyncFilter,
};
pub use stats::{
    consumption_statistics, consumption_status, pending_records, ConsumptionStatistics,
    ConsumptionStatus, PerCurrency, PeriodStatistics, BREAKDOWN_PERIODS,
};
