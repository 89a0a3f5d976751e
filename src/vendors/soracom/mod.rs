//! Soracom's billing data plane, pure: its payloads read strictly and exactly, the billing CSV export
//! aggregated as a stream, and the daily bills explained against the monthly one. No I/O, no clock: the
//! adapters fetch, the engine decides.
//!
//! Two ways in for every JSON model, one set of rules (see the `object` module and [`number`]):
//! - `parse_*(text)`: the JSON text as Soracom sent it, walked once by the strict scanner; amounts are read
//!   from the numbers' own digits, so they are exact.
//! - `parse_*_value(&Value)`: a `serde_json::Value` (JS objects, small calls); non-integer amounts went
//!   through `f64`, so they are exact only when written with at most 15 significant digits (those that
//!   visibly lost digits are refused; see [`number`] for the one case that cannot be detected).
//!
//! Errors are coded: a field error is [`Error::InvalidCell`](crate::Error::InvalidCell) naming the payload,
//! the list element (1-based, 0 for the document itself), the field and its value; malformed JSON is
//! [`Error::InvalidPayload`](crate::Error::InvalidPayload) with a byte offset; two currencies where one is
//! expected are [`Error::CurrencyMismatch`](crate::Error::CurrencyMismatch) naming both.

pub mod billing_csv;
pub mod csv_aggregates;
pub mod csv_aggregator;
pub mod daily_bill;
pub mod daily_vs_monthly;
pub mod export;
pub mod formats;
pub mod latest_bill;
pub mod monthly_bill;
pub mod number;
mod object;
mod ops;
pub mod port;
pub mod preview;
pub mod records;
pub mod responses;
pub mod routes;
pub mod settings;
pub mod status;
pub mod validate;
pub mod vendor;

pub use billing_csv::{BillingCsvHeader, BillingRow, DeviceIdKind, SubscriberKey, BILLING_CSV};
pub use csv_aggregates::{CsvAggregates, LineTotals, SubscriberTotals};
pub use csv_aggregator::{aggregate_billing_csv, BillingCsvAggregator, CsvLines};
pub use daily_bill::{parse_daily_bills, parse_daily_bills_value, DailyBill, DailyBills};
pub use daily_vs_monthly::{
    explain_daily_against_monthly, DailyMonthlyExplanation, DifferenceReason,
};
pub use export::{
    parse_exported_file, parse_exported_file_value, parse_file_export, parse_file_export_value,
    ExportedFile, FileExport,
};
pub use formats::BillDate;
pub use latest_bill::{parse_latest_bill, parse_latest_bill_value, LatestBill};
pub use monthly_bill::{
    check_month, parse_billing_history, parse_billing_history_value, parse_monthly_bill,
    parse_monthly_bill_value, BillingHistory, MonthlyBill,
};
pub use object::CURRENCIES;
pub use port::{ExportMode, SoracomApi};
pub use settings::{subscriber_of, Granularity, SoracomSettings, KIND_ATTRIBUTE, VENDOR};
pub use status::{BillState, ExportStatus, PaymentStatus};
pub use vendor::Soracom;

/// The details field of a record's items that names Soracom's unit (a SIM, a device, the account).
pub const SOURCE_LABEL: &str = "subscriber";

/// Soracom in the FOCUS export: IoT connectivity, on infrastructure billsync does not see (FOCUS lets
/// HostProviderName equal the service provider then). Its items keep no SKU, so SkuId stays null.
pub const FOCUS_SERVICE: crate::ledger::focus::FocusService = crate::ledger::focus::FocusService {
    provider: "Soracom",
    host_provider: "Soracom",
    service_name: "Soracom IoT connectivity",
    service_category: "Internet of Things",
    sku_field: None,
};
