//! Arrow's payloads, read strictly and exactly: billing export pages, consumption pages, license info.
//!
//! Two ways in, one set of rules:
//! - the bulk path takes the JSON **text** (or UTF-8 bytes) as Arrow sent it and walks it once with a strict
//!   scanner ([`crate::readers::json_scan`]): no `serde_json::Value` per line, numbers read from their own digits, cells
//!   nobody asked for skipped unread;
//! - the convenience path takes a `serde_json::Value` (JS objects, small calls).
//!
//! Columns are found by header name, case-insensitively and trimmed, with the aliases of spec/arrow.md
//! ([`columns`]). A missing required column is one [`Error::MissingColumn`](crate::Error::MissingColumn)
//! naming it (all of them, comma-separated, when several are missing).
//!
//! **A bad money cell fails the whole payload** with [`Error::InvalidCell`](crate::Error::InvalidCell)
//! naming the 1-based data row, the column as written and the cell's value. A reconciliation must never
//! quietly drop or zero money (defect 9); a host that wants to go on without one page can catch the error
//! and decide, knowing exactly which cell is bad. Rows whose width differs from the headers fail the same
//! way. Descriptive cells are lenient: null or blank reads as absent.

pub mod columns;
pub mod consumption;
pub mod export;
pub mod license;
mod table;

pub mod admin_views;
pub mod aggregate;
pub mod billing_sync;
pub mod line;
pub mod ops;
pub mod port;
pub mod preview;
pub mod query;
pub mod records;
pub mod render;
pub mod responses;
pub mod routes;
pub mod settings;
pub mod statement_status;
pub mod statements;
pub mod unowned;
pub mod validate;
pub mod vendor;
pub mod vendor_mapping;
pub mod wizard;

pub use port::{ArrowAccount, ArrowApi, ExportRequest, LicenseImport};
pub use vendor::Arrow;

/// The vendor's name on its consumption records.
pub const VENDOR: &str = "arrow";

/// The details field of a record's items that names Arrow's unit (its licence).
pub const SOURCE_LABEL: &str = "license_reference";

/// Arrow in the FOCUS export: a distributor of licences and cloud subscriptions, whose underlying hosts
/// billsync does not see (FOCUS lets HostProviderName equal the service provider then). Arrow's items keep
/// no SKU of the vendor's, so SkuId stays null.
pub const FOCUS_SERVICE: crate::ledger::focus::FocusService = crate::ledger::focus::FocusService {
    provider: "Arrow",
    host_provider: "Arrow",
    service_name: "ArrowSphere",
    service_category: "Business Applications",
    sku_field: None,
};

pub use columns::{ColumnSpec, Columns, Field, FoundColumn};
pub use consumption::{
    parse_consumption, parse_consumption_bytes, parse_consumption_value, scan_consumption,
    scan_consumption_value, ConsumptionLine, ConsumptionPage, ConsumptionScan, CONSUMPTION,
};
pub use export::{
    parse_billing_export, parse_billing_export_bytes, parse_billing_export_value,
    validate_template, BillingExportPage, BillingLine, BILLING_EXPORT, EXPORT_PAGE_SIZE,
};
pub use license::{parse_license_info, parse_license_info_value, LicenseInfo, LICENSE};
