//! The stored objects of the Arrow integration, as the store keeps them: host objects (settings, customers,
//! projects, resources, customer mappings), what billsync plans (consumption records, billing syncs, invoice
//! items), and the seed-shaped JSON they are served as.
//!
//! Stored forms keep full precision (amounts as exact decimal strings). Derived fields (is_finalized,
//! is_reconciled, adjustment_amount, state_display) are computed when rendering, never stored.

mod billing_sync;
mod consumption_record;
mod host;
mod invoice_item;
mod render;

pub use billing_sync::{ArrowState, BillingSync, BillingSyncItem, SyncState};
pub use consumption_record::{ConsumptionRecord, RecordKey};
pub use host::{
    ArrowSettings, Customer, CustomerMapping, PriceSource, Project, Resource, ResourceAttributes,
    ValidationRule,
};
pub use invoice_item::{InvoiceItem, InvoiceItemKind};
pub use render::{
    billing_period_date, billing_sync_url, checked_adjustment, consumption_record_url,
    customer_mapping_url, render_billing_sync, render_billing_sync_item, render_consumption_record,
    render_pending_record, resource_url, Lookup,
};
