//! Arrow's settings (one integration) and the mapping of Arrow customer references to host customers.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::ids::Uuid;
use crate::ledger::{Policy, PriceSource, Resource};
use crate::money::{decimal_string, Currency};
use crate::timestamp::Timestamp;

/// The resource attribute that names a resource's Arrow licence.
pub const LICENSE_ATTRIBUTE: &str = "arrow_license_reference";

/// The Arrow licence (XSP reference) a host resource is for, in Arrow's spelling ([`license_reference`]).
pub fn license_of(resource: &Resource) -> Option<String> {
    resource.attribute(LICENSE_ATTRIBUTE).map(license_reference)
}

/// One rule for every licence reference billsync reads (a resource's attribute, an export line's ARS
/// Subscription ID): Arrow writes them upper case ("XSP1001"), so a reference is trimmed and upper-cased,
/// and "xsp1001" on a resource is the licence "XSP1001" of the export, billed once.
pub fn license_reference(text: &str) -> String {
    text.trim().to_ascii_uppercase()
}

/// How a statement counts as validated when the billing export carries no statement state (defect 7:
/// never by the calendar alone when Arrow says otherwise).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(tag = "rule", rename_all = "snake_case")]
pub enum ValidationRule {
    /// Only Arrow's own statement state counts; without it a statement stays pending until forced.
    ExportStateOnly,
    /// Without a state column, a statement counts as validated this many days after its month ends.
    DaysAfterPeriodEnd { days: u32 },
}

impl Default for ValidationRule {
    fn default() -> ValidationRule {
        // Arrow closes a month within its first business days; five calendar days covers a weekend.
        ValidationRule::DaysAfterPeriodEnd { days: 5 }
    }
}

fn default_classification() -> String {
    "IAAS".to_owned()
}

fn default_prefix() -> String {
    "Arrow consumption".to_owned()
}

fn default_true() -> bool {
    true
}

fn default_tolerance() -> Decimal {
    Decimal::new(1, 2)
}

/// One Arrow integration. The API key is never held here: the host's adapter owns it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct ArrowSettings {
    pub uuid: Uuid,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub api_url: String,
    #[serde(default)]
    pub export_type_reference: String,
    #[serde(default = "default_classification")]
    pub classification_filter: String,
    #[serde(default = "default_true")]
    pub is_active: bool,
    #[serde(default)]
    pub sync_enabled: bool,
    #[serde(default)]
    pub invoice_price_source: PriceSource,
    #[serde(default = "default_prefix")]
    pub invoice_item_prefix: String,
    /// The currency of amounts whose payload does not name one. None: such amounts are an error.
    #[serde(default)]
    pub currency: Option<Currency>,
    /// One tolerance for every reconciliation (defect 8): differences smaller than this are not compensated.
    #[serde(default = "default_tolerance", with = "decimal_string")]
    #[cfg_attr(test, ts(type = "string"))]
    pub reconciliation_tolerance: Decimal,
    #[serde(default)]
    pub validation_rule: ValidationRule,
    /// Arrow's partner reference and company name, as its `whoami` last answered for these credentials.
    #[serde(default)]
    pub partner_reference: String,
    #[serde(default)]
    pub partner_name: String,
    /// When the row was created through the admin API (None for rows the host loaded itself): among several
    /// active rows, the newest is the active one ([`crate::engine::Vendor::created`]).
    #[serde(default)]
    pub created: Option<Timestamp>,
    #[serde(default)]
    pub modified: Option<Timestamp>,
    /// The version the store holds this row at (0: not read from the store). Not part of the row.
    #[serde(skip)]
    pub version: u64,
}

impl ArrowSettings {
    /// What the ledger needs of these settings.
    pub fn policy(&self) -> Policy {
        Policy {
            price_source: self.invoice_price_source,
            tolerance: self.reconciliation_tolerance,
            item_prefix: self.invoice_item_prefix.clone(),
            currency: self.currency,
            source_label: super::SOURCE_LABEL,
        }
    }
}

/// Arrow customer reference (e.g. "XSP661245") ↔ host customer; unique per (settings, arrow_reference).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct CustomerMapping {
    pub uuid: Uuid,
    /// The integration the mapping belongs to; a host with one integration may leave it out (any settings).
    #[serde(default, alias = "settings")]
    pub settings_uuid: Option<Uuid>,
    pub arrow_reference: String,
    #[serde(alias = "customer", alias = "waldur_customer_uuid")]
    pub customer_uuid: Uuid,
    /// Arrow's company name of the customer: the export's "End User Company Name" lines are matched on it.
    #[serde(default)]
    pub arrow_company_name: String,
    #[serde(default = "default_true")]
    pub is_active: bool,
    /// When the mapping was created and last changed through the admin API (None for host-loaded rows).
    #[serde(default)]
    pub created: Option<Timestamp>,
    #[serde(default)]
    pub modified: Option<Timestamp>,
    /// The version the store holds this row at (0: not read from the store). Not part of the row.
    #[serde(skip)]
    pub version: u64,
}

impl CustomerMapping {
    pub fn applies_to(&self, settings: &Uuid) -> bool {
        self.settings_uuid.as_ref().is_none_or(|s| s == settings)
    }
}

crate::stored_row!(ArrowSettings, "settings");

crate::stored_row!(CustomerMapping, "customer_mappings");
