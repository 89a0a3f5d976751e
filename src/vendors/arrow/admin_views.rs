//! The shapes of the newest source's admin responses, in the official client's field order: billing-sync
//! items, customer mappings, settings, vendor mappings, and the bodies of their actions. Each is the struct
//! that is serialized, so its TypeScript (src/typegen) is the response itself.
//!
//! Where the reference sends what its own client (waldur-api-client 8.1.3) cannot parse, these send what it
//! can (README, "The newest admin API"): a uuid the client's model requires is never null (the nil uuid
//! stands for "none", with a flag beside it), a required timestamp of a row the host loaded without one is
//! the epoch, and an optional object that is absent is left out rather than null.

use serde::Serialize;

use crate::ids::Uuid;

/// "No such object" where the client's model requires a uuid: the nil uuid.
pub const NO_UUID: &str = "00000000-0000-0000-0000-000000000000";
/// A required timestamp of a row that has none (host-loaded rows): the epoch.
pub const NO_TIME: &str = "1970-01-01T00:00:00Z";

/// A uuid, or the nil uuid for none.
pub fn uuid_or_nil(uuid: Option<&Uuid>) -> String {
    uuid.map_or_else(|| NO_UUID.to_owned(), Uuid::to_string)
}

/// `ArrowEngine.listBillingSyncItems()` / `retrieveBillingSyncItem()`: one statement line of a billing sync.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct BillingSyncItemDetail {
    pub uuid: String,
    pub url: String,
    /// The billing sync's URL.
    pub billing_sync: String,
    pub billing_sync_uuid: String,
    /// "YYYY-MM".
    pub report_period: String,
    pub arrow_line_reference: String,
    /// The nil uuid when the line has no invoice item of its own (it is billed through consumption records).
    pub invoice_item_uuid: String,
    /// Decimal string, 2 decimals.
    pub original_price: String,
    /// The nil uuid when `has_compensation` is false.
    pub compensation_item_uuid: String,
    pub has_compensation: bool,
    pub vendor_name: String,
    pub subscription_reference: String,
    pub classification: String,
    pub description: String,
    /// Decimal string, lossless.
    pub quantity: String,
    pub created: String,
}

/// `ArrowEngine.listCustomerMappings()`, `retrieveCustomerMapping()`, create, update.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct CustomerMappingView {
    pub uuid: String,
    pub url: String,
    /// The settings' URL (its uuid in a create's answer, as the client's `ArrowCustomerMappingCreate` has it).
    pub settings: String,
    pub settings_uuid: String,
    pub arrow_reference: String,
    pub arrow_company_name: String,
    /// The host customer's URL (its uuid in a create's answer).
    pub waldur_customer: String,
    pub waldur_customer_uuid: String,
    /// "" when the store does not know the customer.
    pub waldur_customer_name: String,
    pub is_active: bool,
    pub created: String,
    pub modified: String,
}

/// `ArrowEngine.listSettings()`, `retrieveSettings()`, create, update. Never carries the API key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct ArrowSettingsView {
    pub uuid: String,
    pub url: String,
    pub api_url: String,
    pub export_type_reference: String,
    pub classification_filter: String,
    pub is_active: bool,
    pub sync_enabled: bool,
    pub partner_reference: String,
    pub partner_name: String,
    #[cfg_attr(test, ts(type = "\"sell\" | \"buy\""))]
    pub invoice_price_source: String,
    pub invoice_item_prefix: String,
    pub created: String,
    pub modified: String,
}

/// `ArrowEngine.listVendorOfferingMappings()`, retrieve, create, update.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct VendorOfferingMappingView {
    pub uuid: String,
    pub url: String,
    /// The settings' URL (its uuid in a create's answer, as the client's model has it).
    pub settings: String,
    pub settings_uuid: String,
    pub arrow_vendor_name: String,
    /// The offering's uuid (the reference's field name).
    pub offering: String,
    pub offering_uuid: String,
    /// "" when the host's catalog does not know it.
    pub offering_name: String,
    pub offering_type: String,
    pub plan: String,
    pub plan_uuid: String,
    pub plan_name: String,
    pub is_active: bool,
    pub created: String,
    pub modified: String,
}

/// `ArrowEngine.vendorChoices()`: one Arrow vendor name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct VendorNameChoice {
    pub value: String,
    pub label: String,
}

/// One consumption record of a billing summary.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct SummaryRecord {
    pub uuid: String,
    pub license_reference: String,
    pub resource_name: Option<String>,
    /// "YYYY-MM-DD".
    pub billing_period: String,
    pub consumed_sell: String,
    pub final_sell: Option<String>,
    pub is_finalized: bool,
    pub is_reconciled: bool,
}

/// One billing sync of a billing summary.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct SummarySync {
    pub uuid: String,
    pub report_period: String,
    /// The state's code as a string ("1".."4"), as the client's model has it.
    pub state: String,
    pub sell_total: Option<String>,
    #[cfg_attr(test, ts(type = "number"))]
    pub items_count: usize,
    pub created: String,
}

/// `ArrowEngine.customerBillingSummary(uuid)`: the mapping's own records and syncs (defect 5: never the
/// whole customer's). The amounts are null when the records (or syncs) span several currencies; the
/// per-currency sums are then in `by_currency`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct CustomerBillingSummary {
    pub customer_mapping_uuid: String,
    pub arrow_reference: String,
    pub arrow_company_name: String,
    pub waldur_customer_uuid: String,
    pub waldur_customer_name: String,
    #[cfg_attr(test, ts(type = "number"))]
    pub total_consumption_records: usize,
    /// "0.00" when there are none; "12.00 EUR + 3.00 USD" when they span currencies (exact per currency
    /// in `by_currency`), and so for every total.
    pub total_consumed_sell: String,
    pub total_final_sell: Option<String>,
    #[cfg_attr(test, ts(type = "number"))]
    pub pending_records: usize,
    #[cfg_attr(test, ts(type = "number"))]
    pub finalized_records: usize,
    #[cfg_attr(test, ts(type = "number"))]
    pub reconciled_records: usize,
    #[cfg_attr(test, ts(type = "number"))]
    pub total_billing_syncs: usize,
    pub total_billing_sell: Option<String>,
    /// ISO 4217 → the consumed, final and billed sell totals of that currency.
    #[cfg_attr(
        test,
        ts(
            type = "Record<string, { consumed_sell: string, final_sell: string | null, billing_sell: string | null }>"
        )
    )]
    pub by_currency: serde_json::Map<String, serde_json::Value>,
    /// The 20 newest.
    pub recent_consumption_records: Vec<SummaryRecord>,
    /// The 20 newest.
    pub recent_billing_syncs: Vec<SummarySync>,
}

/// One export line of fetch_arrow_data.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct CustomerBillingLine {
    pub vendor_name: String,
    pub subscription_reference: String,
    pub license_reference: String,
    pub offer_sku: String,
    pub classification: String,
    pub quantity: Option<String>,
    pub sell_price: Option<String>,
    pub buy_price: Option<String>,
}

/// One resource's consumption in fetch_arrow_data.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct CustomerConsumptionLine {
    pub license_reference: String,
    pub resource_name: Option<String>,
    pub resource_uuid: Option<String>,
    pub period: String,
    pub sell_price: Option<String>,
    pub buy_price: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(test, ts(optional))]
    pub error: Option<String>,
}

/// `ArrowEngine.fetchCustomerArrowData(uuid)`: the current month, live from Arrow.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct CustomerArrowData {
    pub customer_mapping_uuid: String,
    pub arrow_reference: String,
    pub arrow_company_name: String,
    pub waldur_customer_name: String,
    /// "YYYY-MM" in the engine's zone.
    pub period: String,
    pub billing_available: bool,
    pub billing_lines: Vec<CustomerBillingLine>,
    pub billing_total_sell: Option<String>,
    pub billing_total_buy: Option<String>,
    pub consumption_lines: Vec<CustomerConsumptionLine>,
    pub consumption_total_sell: Option<String>,
    pub consumption_total_buy: Option<String>,
    #[cfg_attr(test, ts(type = "number"))]
    pub total_customer_resources: usize,
    #[cfg_attr(test, ts(type = "number"))]
    pub resources_with_backend_id: usize,
    #[cfg_attr(test, ts(type = "number"))]
    pub matched_resources: usize,
    pub error: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct ArrowLicenseView {
    pub license_reference: String,
    pub vendor_name: String,
    pub offer_name: String,
    pub offer_sku: String,
    pub friendly_name: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct ResourceForLinking {
    pub uuid: String,
    pub name: String,
    pub backend_id: String,
    /// The licence attribute the consumption sync reads ("" when none).
    pub license_reference: String,
    pub project_name: String,
    pub offering_name: String,
    pub state: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct LicenseSuggestion {
    pub resource_uuid: String,
    pub resource_name: String,
    pub license_reference: String,
    pub license_name: String,
    pub confidence: f64,
}

/// `ArrowEngine.discoverLicenses(uuid)`.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct DiscoveredLicenses {
    pub customer_mapping_uuid: String,
    pub arrow_reference: String,
    pub waldur_customer_name: String,
    pub arrow_licenses: Vec<ArrowLicenseView>,
    pub waldur_resources: Vec<ResourceForLinking>,
    pub suggestions: Vec<LicenseSuggestion>,
    pub error: Option<String>,
}

/// `ArrowEngine.linkResource(uuid, body)`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct LinkedResource {
    pub resource_uuid: String,
    pub resource_name: String,
    pub license_reference: String,
    pub previous_backend_id: String,
    pub success: bool,
}

/// `ArrowEngine.importLicense(uuid, body)`: answered with 200 (the client's; the reference sends 201).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct ImportedLicense {
    pub resource_uuid: String,
    pub resource_name: String,
    pub license_reference: String,
    pub offering_name: String,
    pub project_name: String,
    pub success: bool,
}

/// `ArrowEngine.syncCustomersFromArrow()`: mappings whose company name changed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct CustomersSynced {
    #[cfg_attr(test, ts(type = "number"))]
    pub updated: usize,
}
