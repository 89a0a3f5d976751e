//! One Soracom integration (an operator's account): how its money is billed, and which host resources are
//! its SIMs and devices.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::port::ExportMode;
use super::SubscriberKey;
use crate::ids::Uuid;
use crate::ledger::{Policy, PriceSource, Resource};
use crate::money::{decimal_string, Currency};

/// The vendor's name on its consumption records.
pub const VENDOR: &str = "soracom";

/// The resource attribute that makes a host resource one of Soracom's units: the id column its
/// `backend_id` is found under in the billing CSV (`imsi`, `deviceId`, …), or `account` for the resource
/// that bills the operator's account as a whole.
pub const KIND_ATTRIBUTE: &str = "soracom_kind";

/// What the month's money is read from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "lowercase")]
pub enum Granularity {
    /// Per SIM or device, from the billing CSV export.
    #[default]
    Subscriber,
    /// The account's total, from the monthly bill, on the resource of kind `account`.
    Account,
}

fn default_true() -> bool {
    true
}

fn default_prefix() -> String {
    "Soracom".to_owned()
}

fn default_tolerance() -> Decimal {
    Decimal::new(1, 2)
}

fn default_mode() -> ExportMode {
    ExportMode::Async
}

fn default_polls() -> u32 {
    30
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct SoracomSettings {
    pub uuid: Uuid,
    #[serde(default)]
    pub name: String,
    #[serde(default = "default_true")]
    pub is_active: bool,
    #[serde(default = "default_true")]
    pub sync_enabled: bool,
    /// The operator (account) id, e.g. "OP0012345678".
    #[serde(default)]
    pub operator_id: String,
    /// "jp" (api.soracom.io) or "g" (g.api.soracom.io): for the host's adapter.
    #[serde(default)]
    pub coverage: String,
    /// The currency of payloads that name none (old bills). None: such payloads are refused.
    #[serde(default)]
    pub currency: Option<Currency>,
    #[serde(default = "default_tolerance", with = "decimal_string")]
    #[cfg_attr(test, ts(type = "string"))]
    pub reconciliation_tolerance: Decimal,
    #[serde(default = "default_prefix")]
    pub invoice_item_prefix: String,
    #[serde(default)]
    pub granularity: Granularity,
    #[serde(default = "default_mode")]
    pub export_mode: ExportMode,
    /// How often an asynchronous export is polled before giving up.
    #[serde(default = "default_polls")]
    pub max_export_polls: u32,
    /// Where the account's own rows go (the billing CSV's rows with no IMSI or device id, or in `account`
    /// granularity the bill): a resource of kind `account` bills them when there is one; otherwise this
    /// customer does, on a stand-in resource ("Soracom account"). With neither they are reported as
    /// unowned money, never dropped.
    #[serde(default)]
    pub account_customer_uuid: Option<Uuid>,
    #[serde(skip)]
    pub version: u64,
}

crate::stored_row!(SoracomSettings, "soracom_settings");

impl SoracomSettings {
    /// Soracom bills one amount: what the host buys at is what goes on the invoice.
    pub fn policy(&self) -> Policy {
        Policy {
            price_source: PriceSource::Sell,
            tolerance: self.reconciliation_tolerance,
            item_prefix: self.invoice_item_prefix.clone(),
            currency: self.currency,
            source_label: super::SOURCE_LABEL,
        }
    }
}

/// What bills the account's own rows when the settings name a customer for them and no resource of kind
/// `account` does: a stand-in project of that customer and a resource of kind `account` in it, their ids
/// derived from the settings'.
pub fn account_stand_in(
    settings: &SoracomSettings,
    hosts: &crate::ledger::Hosts,
) -> Option<(crate::ledger::Project, Resource)> {
    let customer = settings.account_customer_uuid?;
    if hosts
        .resources()
        .any(|r| r.is_live() && subscriber_of(r).is_some_and(|k| k.is_account()))
    {
        return None;
    }
    let project = crate::ledger::Project {
        uuid: Uuid::derive("soracom_account_project", settings.uuid.as_str()),
        name: "Soracom account".to_owned(),
        customer_uuid: customer,
        version: 0,
    };
    let mut attributes = serde_json::Map::new();
    attributes.insert(
        KIND_ATTRIBUTE.to_owned(),
        serde_json::Value::String(SubscriberKey::ACCOUNT.to_owned()),
    );
    let resource = Resource {
        uuid: Uuid::derive("soracom_account", settings.uuid.as_str()),
        name: "Soracom account".to_owned(),
        project_uuid: project.uuid,
        offering_uuid: None,
        backend_id: String::new(),
        state: "OK".to_owned(),
        attributes,
        current_usages: serde_json::Map::new(),
        version: 0,
    };
    Some((project, resource))
}

/// The Soracom unit a host resource is: `imsi:…`, `deviceId:…` (as the billing CSV keys its rows), or
/// `account`. None for a resource that is not Soracom's (no [`KIND_ATTRIBUTE`], or an unknown kind).
pub fn subscriber_of(resource: &Resource) -> Option<SubscriberKey> {
    let kind = resource.attribute(KIND_ATTRIBUTE)?;
    if kind == SubscriberKey::ACCOUNT {
        return Some(SubscriberKey::account());
    }
    let kind = super::DeviceIdKind::ALL
        .into_iter()
        .find(|k| k.as_str() == kind)?;
    let id = resource.backend_id.trim();
    if id.is_empty() {
        return None;
    }
    let mut key = String::new();
    SubscriberKey::write(Some((kind, id)), &mut key);
    Some(SubscriberKey::from_string(key))
}
