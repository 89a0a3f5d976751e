//! The stored objects of the Arrow integration, as the store keeps them: host objects (settings, customers,
//! projects, resources, customer mappings), what billsync plans (consumption records, billing syncs, invoice
//! items), and the seed-shaped JSON they are served as.
//!
//! Stored forms keep full precision (amounts as exact decimal strings). Derived fields (is_finalized,
//! is_reconciled, adjustment_amount, state_display) are computed when rendering, never stored.

pub use super::billing_sync::{ArrowState, BillingSync, BillingSyncItem, SyncState};
pub use super::render::{
    billing_period_date, billing_sync_url, checked_adjustment, consumption_record_url,
    customer_mapping_url, render_billing_sync, render_billing_sync_item, render_consumption_record,
    render_pending_record, resource_url, Lookup,
};
pub use super::settings::{ArrowSettings, CustomerMapping, ValidationRule};
pub use crate::ledger::{
    ConsumptionRecord, Customer, InvoiceItem, InvoiceItemKind, PriceSource, Project, RecordKey,
    Resource,
};
