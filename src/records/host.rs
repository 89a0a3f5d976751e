//! Objects the host owns and billsync reads: integration settings, customers, projects, resources, and the
//! mapping of Arrow customers to host customers.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::ids::Uuid;
use crate::money::{decimal_string, Currency};

/// Which of Arrow's two prices goes on the customer's invoice.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PriceSource {
    #[default]
    Sell,
    Buy,
}

/// How a statement counts as validated when the billing export carries no statement state (defect 7:
/// never by the calendar alone when Arrow says otherwise).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
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
    pub reconciliation_tolerance: Decimal,
    #[serde(default)]
    pub validation_rule: ValidationRule,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Customer {
    pub uuid: Uuid,
    #[serde(default)]
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Project {
    pub uuid: Uuid,
    #[serde(default)]
    pub name: String,
    #[serde(alias = "customer")]
    pub customer_uuid: Uuid,
}

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ResourceAttributes {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub arrow_license_reference: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Resource {
    pub uuid: Uuid,
    #[serde(default)]
    pub name: String,
    #[serde(alias = "project")]
    pub project_uuid: Uuid,
    #[serde(default, alias = "offering")]
    pub offering_uuid: Option<Uuid>,
    /// The vendor's id of the thing: Arrow's Vendor Subscription ID.
    #[serde(default)]
    pub backend_id: String,
    #[serde(default = "Resource::default_state")]
    pub state: String,
    #[serde(default)]
    pub attributes: ResourceAttributes,
    /// Usage figures sync_resources writes, per period ("YYYY-MM" → free-form report).
    #[serde(default, skip_serializing_if = "serde_json::Map::is_empty")]
    pub current_usages: serde_json::Map<String, serde_json::Value>,
}

impl Resource {
    fn default_state() -> String {
        "OK".to_owned()
    }

    /// Resources that consume and are billed: OK or being updated. Creating, erred, terminating and
    /// terminated ones are not synced.
    pub fn is_active(&self) -> bool {
        self.state.eq_ignore_ascii_case("ok") || self.state.eq_ignore_ascii_case("updating")
    }

    pub fn license_reference(&self) -> Option<&str> {
        self.attributes
            .arrow_license_reference
            .as_deref()
            .map(str::trim)
            .filter(|r| !r.is_empty())
    }
}

/// Arrow customer reference (e.g. "XSP661245") ↔ host customer; unique per (settings, arrow_reference).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CustomerMapping {
    pub uuid: Uuid,
    /// The integration the mapping belongs to; a host with one integration may leave it out (any settings).
    #[serde(default, alias = "settings")]
    pub settings_uuid: Option<Uuid>,
    pub arrow_reference: String,
    #[serde(alias = "customer", alias = "waldur_customer_uuid")]
    pub customer_uuid: Uuid,
}

impl CustomerMapping {
    pub fn applies_to(&self, settings: &Uuid) -> bool {
        self.settings_uuid.as_ref().is_none_or(|s| s == settings)
    }
}
