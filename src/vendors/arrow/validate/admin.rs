//! Requests of the 32 operations of Waldur's newest source (billing-sync-items, customer-mappings, settings,
//! vendor-offering-mappings), validated with the same rules and messages as the seeds' 19. The object of a
//! `{uuid}/…` path arrives as the field `uuid` (the REST handler puts it there).
//!
//! A create, an update (PUT) and a partial update (PATCH) share one type per object, read in one of three
//! [`WriteMode`]s: a create needs every required field (related objects by uuid), an update too (related
//! objects by uuid or by URL, as the reference's PUT takes them), a partial update none.

use serde::Serialize;
use serde_json::Value;

use super::admin_fields::{text_max, text_or_blank, url_max, uuid_or_url};
use super::listing::pagination;
use super::{NoParameters, Operation, UuidLookup};
use crate::error::Result;
use crate::fields::{boolean, choice, period, text, uuid, Fields, Source};
use crate::period::Period;

/// How a write request is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WriteMode {
    Create,
    Update,
    Patch,
}

impl WriteMode {
    fn of(operation: Operation) -> WriteMode {
        use Operation as O;
        match operation {
            O::CustomerMappingsCreate | O::SettingsCreate | O::VendorMappingsCreate => {
                WriteMode::Create
            }
            O::CustomerMappingsPartialUpdate
            | O::SettingsPartialUpdate
            | O::VendorMappingsPartialUpdate => WriteMode::Patch,
            _ => WriteMode::Update,
        }
    }

    /// Reads a field that this mode requires (create, update) or not (patch).
    fn field<T>(
        self,
        fields: &mut Fields<'_>,
        name: &str,
        parse: impl FnOnce(&Value) -> Result<T, String>,
    ) -> Option<T> {
        match self {
            WriteMode::Patch => fields.optional(name, parse),
            _ => fields.required(name, parse),
        }
    }

    /// The object's uuid from the path: required except on a create.
    fn path_uuid(self, fields: &mut Fields<'_>) -> Option<String> {
        match self {
            WriteMode::Create => fields.optional("uuid", uuid),
            _ => fields.required("uuid", uuid),
        }
    }

    /// A related object: by uuid on a create, by uuid or URL on an update.
    fn related(self, value: &Value) -> Result<String, String> {
        match self {
            WriteMode::Create => uuid(value),
            _ => uuid_or_url(value),
        }
    }
}

pub const PRICE_SOURCES: &[&str] = &["sell", "buy"];

/// GET billing-sync-items/: the items of every billing sync, flattened.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct BillingSyncItemQuery {
    /// The billing sync's URL.
    #[cfg_attr(test, ts(optional))]
    pub billing_sync: Option<String>,
    #[cfg_attr(test, ts(optional))]
    pub billing_sync_uuid: Option<String>,
    #[cfg_attr(test, ts(optional))]
    pub report_period: Option<Period>,
    /// Contains, case-insensitively.
    #[cfg_attr(test, ts(optional))]
    pub vendor_name: Option<String>,
    #[cfg_attr(test, ts(optional))]
    pub classification: Option<String>,
    /// Contains, case-insensitively.
    #[cfg_attr(test, ts(optional))]
    pub subscription_reference: Option<String>,
    /// Contains, case-insensitively.
    #[cfg_attr(test, ts(optional))]
    pub arrow_line_reference: Option<String>,
    #[cfg_attr(test, ts(optional))]
    pub has_compensation: Option<bool>,
    #[cfg_attr(test, ts(as = "Option<u32>", optional))]
    pub page: u32,
    #[cfg_attr(test, ts(as = "Option<u32>", optional))]
    pub page_size: u32,
}

impl BillingSyncItemQuery {
    fn from_json(input: &Value) -> Result<Self> {
        let mut f = Fields::new(input, Source::Query)?;
        let billing_sync = f.optional("billing_sync", text);
        let billing_sync_uuid = f.optional("billing_sync_uuid", uuid);
        let report_period = f.optional("report_period", period);
        let vendor_name = f.optional("vendor_name", text);
        let classification = f.optional("classification", text);
        let subscription_reference = f.optional("subscription_reference", text);
        let arrow_line_reference = f.optional("arrow_line_reference", text);
        let has_compensation = f.optional("has_compensation", boolean);
        let (page, page_size) = pagination(&mut f);
        f.finish(|| {
            Some(BillingSyncItemQuery {
                billing_sync,
                billing_sync_uuid,
                report_period,
                vendor_name,
                classification,
                subscription_reference,
                arrow_line_reference,
                has_compensation,
                page,
                page_size,
            })
        })
    }
}

/// GET customer-mappings/.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct CustomerMappingQuery {
    /// The settings' URL.
    #[cfg_attr(test, ts(optional))]
    pub settings: Option<String>,
    #[cfg_attr(test, ts(optional))]
    pub settings_uuid: Option<String>,
    /// Contains, case-insensitively.
    #[cfg_attr(test, ts(optional))]
    pub arrow_reference: Option<String>,
    /// Contains, case-insensitively.
    #[cfg_attr(test, ts(optional))]
    pub arrow_company_name: Option<String>,
    /// The host customer's URL.
    #[cfg_attr(test, ts(optional))]
    pub waldur_customer: Option<String>,
    #[cfg_attr(test, ts(optional))]
    pub waldur_customer_uuid: Option<String>,
    #[cfg_attr(test, ts(optional))]
    pub is_active: Option<bool>,
    #[cfg_attr(test, ts(as = "Option<u32>", optional))]
    pub page: u32,
    #[cfg_attr(test, ts(as = "Option<u32>", optional))]
    pub page_size: u32,
}

impl CustomerMappingQuery {
    fn from_json(input: &Value) -> Result<Self> {
        let mut f = Fields::new(input, Source::Query)?;
        let settings = f.optional("settings", text);
        let settings_uuid = f.optional("settings_uuid", uuid);
        let arrow_reference = f.optional("arrow_reference", text);
        let arrow_company_name = f.optional("arrow_company_name", text);
        let waldur_customer = f.optional("waldur_customer", text);
        let waldur_customer_uuid = f.optional("waldur_customer_uuid", uuid);
        let is_active = f.optional("is_active", boolean);
        let (page, page_size) = pagination(&mut f);
        f.finish(|| {
            Some(CustomerMappingQuery {
                settings,
                settings_uuid,
                arrow_reference,
                arrow_company_name,
                waldur_customer,
                waldur_customer_uuid,
                is_active,
                page,
                page_size,
            })
        })
    }
}

/// POST customer-mappings/ (settings and waldur_customer by uuid), PUT (by uuid or URL), PATCH (any).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct CustomerMappingWrite {
    /// The mapping's uuid: from the path, on an update.
    #[cfg_attr(test, ts(optional))]
    pub uuid: Option<String>,
    /// The settings' uuid (or URL on an update).
    #[cfg_attr(test, ts(optional))]
    pub settings: Option<String>,
    /// ≤ 255 characters.
    #[cfg_attr(test, ts(optional))]
    pub arrow_reference: Option<String>,
    /// The host customer's uuid (or URL on an update).
    #[cfg_attr(test, ts(optional))]
    pub waldur_customer: Option<String>,
    /// ≤ 500 characters; "" allowed.
    #[cfg_attr(test, ts(optional))]
    pub arrow_company_name: Option<String>,
    /// Default true on a create.
    #[cfg_attr(test, ts(optional))]
    pub is_active: Option<bool>,
}

impl CustomerMappingWrite {
    fn from_json(input: &Value, mode: WriteMode) -> Result<Self> {
        let mut f = Fields::new(input, Source::Body)?;
        let uuid = mode.path_uuid(&mut f);
        let settings = mode.field(&mut f, "settings", |v| mode.related(v));
        let arrow_reference = mode.field(&mut f, "arrow_reference", text_max(255));
        let waldur_customer = mode.field(&mut f, "waldur_customer", |v| mode.related(v));
        let arrow_company_name = f.optional("arrow_company_name", text_or_blank(500));
        let is_active = f.optional("is_active", boolean);
        f.finish(|| {
            Some(CustomerMappingWrite {
                uuid,
                settings,
                arrow_reference,
                waldur_customer,
                arrow_company_name,
                is_active,
            })
        })
    }
}

/// POST customer-mappings/sync_from_arrow/: the company names of the mappings, refreshed from Arrow.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct SyncFromArrowRequest {
    /// Default: the active settings.
    #[cfg_attr(test, ts(optional))]
    pub settings_uuid: Option<String>,
}

/// POST customer-mappings/{uuid}/link_resource/.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct LinkResourceRequest {
    /// The mapping (from the path).
    pub uuid: String,
    pub resource_uuid: String,
    /// The Arrow licence (XSP reference), ≤ 255 characters.
    pub license_reference: String,
}

/// POST customer-mappings/{uuid}/import_license/.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct ImportLicenseRequest {
    /// The mapping (from the path).
    pub uuid: String,
    /// ≤ 255 characters.
    pub license_reference: String,
    pub offering_uuid: String,
    /// A project of the mapped customer.
    pub project_uuid: String,
    /// The new resource's name (default: the licence reference), ≤ 255 characters.
    #[cfg_attr(test, ts(optional))]
    pub license_name: Option<String>,
}

/// GET settings/.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct SettingsQuery {
    #[cfg_attr(test, ts(optional))]
    pub is_active: Option<bool>,
    #[cfg_attr(test, ts(optional))]
    pub sync_enabled: Option<bool>,
    #[cfg_attr(test, ts(as = "Option<u32>", optional))]
    pub page: u32,
    #[cfg_attr(test, ts(as = "Option<u32>", optional))]
    pub page_size: u32,
}

/// POST settings/ (api_url and api_key required), PUT (api_url required; a blank api_key keeps the held
/// one), PATCH (any). The key goes to the host ([`crate::vendors::arrow::ArrowApi::store_api_key`]), never
/// into the row or a response.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct SettingsWrite {
    #[cfg_attr(test, ts(optional))]
    pub uuid: Option<String>,
    /// An http(s) URL, ≤ 255 characters.
    #[cfg_attr(test, ts(optional))]
    pub api_url: Option<String>,
    /// Write-only, ≤ 500 characters.
    #[cfg_attr(test, ts(optional))]
    pub api_key: Option<String>,
    #[cfg_attr(test, ts(optional))]
    pub export_type_reference: Option<String>,
    #[cfg_attr(test, ts(optional))]
    pub classification_filter: Option<String>,
    #[cfg_attr(test, ts(optional))]
    pub is_active: Option<bool>,
    #[cfg_attr(test, ts(optional))]
    pub sync_enabled: Option<bool>,
    #[cfg_attr(test, ts(optional, type = "\"sell\" | \"buy\""))]
    pub invoice_price_source: Option<String>,
    /// ≤ 100 characters.
    #[cfg_attr(test, ts(optional))]
    pub invoice_item_prefix: Option<String>,
}

/// A blank key on an update means "keep the one held".
fn api_key(value: &Value) -> Result<String, String> {
    match value {
        Value::String(s) if s.trim().is_empty() => Ok(String::new()),
        other => text_max(500)(other),
    }
}

impl SettingsWrite {
    fn from_json(input: &Value, mode: WriteMode) -> Result<Self> {
        let mut f = Fields::new(input, Source::Body)?;
        let uuid = mode.path_uuid(&mut f);
        let api_url = mode.field(&mut f, "api_url", url_max(255));
        let api_key = match mode {
            WriteMode::Create => f.required("api_key", text_max(500)),
            _ => f.optional("api_key", api_key).filter(|k| !k.is_empty()),
        };
        let export_type_reference = f.optional("export_type_reference", text_or_blank(255));
        let classification_filter = f.optional("classification_filter", text_or_blank(255));
        let is_active = f.optional("is_active", boolean);
        let sync_enabled = f.optional("sync_enabled", boolean);
        let invoice_price_source = f.optional("invoice_price_source", choice(PRICE_SOURCES));
        let invoice_item_prefix = f.optional("invoice_item_prefix", text_max(100));
        f.finish(|| {
            Some(SettingsWrite {
                uuid,
                api_url,
                api_key,
                export_type_reference,
                classification_filter,
                is_active,
                sync_enabled,
                invoice_price_source,
                invoice_item_prefix,
            })
        })
    }
}

/// POST settings/validate_credentials/ and settings/discover_customers/: credentials to try, saved nowhere.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct CredentialsRequest {
    pub api_url: String,
    pub api_key: String,
}

/// One mapping save_settings creates.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct CustomerMappingInput {
    pub arrow_reference: String,
    pub waldur_customer_uuid: String,
}

/// POST settings/preview_settings/ (no customer_mappings) and settings/save_settings/.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct SaveSettingsRequest {
    pub api_url: String,
    pub api_key: String,
    #[cfg_attr(test, ts(optional))]
    pub export_type_reference: Option<String>,
    /// Default "IAAS".
    #[cfg_attr(test, ts(optional, as = "Option<String>"))]
    pub classification_filter: String,
    /// Default false.
    #[cfg_attr(test, ts(optional, as = "Option<bool>"))]
    pub sync_enabled: bool,
    #[cfg_attr(test, ts(optional, type = "\"sell\" | \"buy\""))]
    pub invoice_price_source: Option<String>,
    #[cfg_attr(test, ts(optional))]
    pub invoice_item_prefix: Option<String>,
    /// save_settings only: the mappings to create with the settings.
    #[cfg_attr(test, ts(optional, as = "Option<Vec<CustomerMappingInput>>"))]
    pub customer_mappings: Vec<CustomerMappingInput>,
}

fn mapping_inputs(value: &Value) -> Result<Vec<CustomerMappingInput>, String> {
    let Value::Array(items) = value else {
        return Err("Expected a list of items but got type \"dict\".".to_owned());
    };
    items
        .iter()
        .enumerate()
        .map(|(i, item)| {
            let reference = item.get("arrow_reference").map(text_max(255));
            let customer = item.get("waldur_customer_uuid").map(uuid);
            match (reference, customer) {
                (Some(Ok(arrow_reference)), Some(Ok(waldur_customer_uuid))) => {
                    Ok(CustomerMappingInput {
                        arrow_reference,
                        waldur_customer_uuid,
                    })
                }
                _ => Err(format!(
                    "Item {i}: arrow_reference (text) and waldur_customer_uuid (a UUID) are required."
                )),
            }
        })
        .collect()
}

impl SaveSettingsRequest {
    fn from_json(input: &Value) -> Result<Self> {
        let mut f = Fields::new(input, Source::Body)?;
        let api_url = f.required("api_url", url_max(255));
        let api_key = f.required("api_key", text_max(500));
        let export_type_reference = f.optional("export_type_reference", text_or_blank(255));
        let classification_filter = f.optional("classification_filter", text_or_blank(255));
        let sync_enabled = f.flag("sync_enabled", false);
        let invoice_price_source = f.optional("invoice_price_source", choice(PRICE_SOURCES));
        let invoice_item_prefix = f.optional("invoice_item_prefix", text_max(100));
        let customer_mappings = f.optional("customer_mappings", mapping_inputs);
        f.finish(|| {
            Some(SaveSettingsRequest {
                api_url: api_url?,
                api_key: api_key?,
                export_type_reference,
                classification_filter: classification_filter.unwrap_or_else(|| "IAAS".into()),
                sync_enabled,
                invoice_price_source,
                invoice_item_prefix,
                customer_mappings: customer_mappings.unwrap_or_default(),
            })
        })
    }
}

/// GET vendor-offering-mappings/.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct VendorMappingQuery {
    #[cfg_attr(test, ts(optional))]
    pub settings: Option<String>,
    #[cfg_attr(test, ts(optional))]
    pub settings_uuid: Option<String>,
    /// Contains, case-insensitively.
    #[cfg_attr(test, ts(optional))]
    pub arrow_vendor_name: Option<String>,
    /// The offering's URL.
    #[cfg_attr(test, ts(optional))]
    pub offering: Option<String>,
    #[cfg_attr(test, ts(optional))]
    pub offering_uuid: Option<String>,
    #[cfg_attr(test, ts(optional))]
    pub is_active: Option<bool>,
    #[cfg_attr(test, ts(as = "Option<u32>", optional))]
    pub page: u32,
    #[cfg_attr(test, ts(as = "Option<u32>", optional))]
    pub page_size: u32,
}

/// POST vendor-offering-mappings/, PUT, PATCH. `plan` is required (see the README: a mapping without a
/// plan renders `plan_uuid: null`, which the official client cannot parse).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct VendorMappingWrite {
    #[cfg_attr(test, ts(optional))]
    pub uuid: Option<String>,
    /// The settings' uuid (or URL on an update).
    #[cfg_attr(test, ts(optional))]
    pub settings: Option<String>,
    /// ≤ 255 characters.
    #[cfg_attr(test, ts(optional))]
    pub arrow_vendor_name: Option<String>,
    /// The host offering's uuid (or URL on an update).
    #[cfg_attr(test, ts(optional))]
    pub offering: Option<String>,
    /// A plan of that offering.
    #[cfg_attr(test, ts(optional))]
    pub plan: Option<String>,
    #[cfg_attr(test, ts(optional))]
    pub is_active: Option<bool>,
}

impl VendorMappingWrite {
    fn from_json(input: &Value, mode: WriteMode) -> Result<Self> {
        let mut f = Fields::new(input, Source::Body)?;
        let uuid = mode.path_uuid(&mut f);
        let settings = mode.field(&mut f, "settings", |v| mode.related(v));
        let arrow_vendor_name = mode.field(&mut f, "arrow_vendor_name", text_max(255));
        let offering = mode.field(&mut f, "offering", |v| mode.related(v));
        let plan = mode.field(&mut f, "plan", |v| mode.related(v));
        let is_active = f.optional("is_active", boolean);
        f.finish(|| {
            Some(VendorMappingWrite {
                uuid,
                settings,
                arrow_vendor_name,
                offering,
                plan,
                is_active,
            })
        })
    }
}

/// A validated request of one of the 32 operations of the newest source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AdminRequest {
    SyncItems(Operation, BillingSyncItemQuery),
    Lookup(Operation, UuidLookup),
    Mappings(CustomerMappingQuery),
    MappingWrite(Operation, CustomerMappingWrite),
    SyncFromArrow(SyncFromArrowRequest),
    None(Operation, NoParameters),
    Link(LinkResourceRequest),
    Import(ImportLicenseRequest),
    Settings(SettingsQuery),
    SettingsWrite(Operation, SettingsWrite),
    Credentials(Operation, CredentialsRequest),
    Save(Operation, SaveSettingsRequest),
    VendorMappings(VendorMappingQuery),
    VendorMappingWrite(Operation, VendorMappingWrite),
    VendorChoices(SyncFromArrowRequest),
}

/// Serialises as the request alone (the operation is the tag, not part of the JSON).
impl Serialize for AdminRequest {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        use AdminRequest as R;
        match self {
            R::SyncItems(_, r) => r.serialize(s),
            R::Lookup(_, r) => r.serialize(s),
            R::Mappings(r) => r.serialize(s),
            R::MappingWrite(_, r) => r.serialize(s),
            R::SyncFromArrow(r) | R::VendorChoices(r) => r.serialize(s),
            R::None(_, r) => r.serialize(s),
            R::Link(r) => r.serialize(s),
            R::Import(r) => r.serialize(s),
            R::Settings(r) => r.serialize(s),
            R::SettingsWrite(_, r) => r.serialize(s),
            R::Credentials(_, r) => r.serialize(s),
            R::Save(_, r) => r.serialize(s),
            R::VendorMappings(r) => r.serialize(s),
            R::VendorMappingWrite(_, r) => r.serialize(s),
        }
    }
}

fn settings_query(input: &Value) -> Result<SettingsQuery> {
    let mut f = Fields::new(input, Source::Query)?;
    let is_active = f.optional("is_active", boolean);
    let sync_enabled = f.optional("sync_enabled", boolean);
    let (page, page_size) = pagination(&mut f);
    f.finish(|| {
        Some(SettingsQuery {
            is_active,
            sync_enabled,
            page,
            page_size,
        })
    })
}

fn vendor_mapping_query(input: &Value) -> Result<VendorMappingQuery> {
    let mut f = Fields::new(input, Source::Query)?;
    let settings = f.optional("settings", text);
    let settings_uuid = f.optional("settings_uuid", uuid);
    let arrow_vendor_name = f.optional("arrow_vendor_name", text);
    let offering = f.optional("offering", text);
    let offering_uuid = f.optional("offering_uuid", uuid);
    let is_active = f.optional("is_active", boolean);
    let (page, page_size) = pagination(&mut f);
    f.finish(|| {
        Some(VendorMappingQuery {
            settings,
            settings_uuid,
            arrow_vendor_name,
            offering,
            offering_uuid,
            is_active,
            page,
            page_size,
        })
    })
}

fn settings_uuid_of(input: &Value, source: Source) -> Result<SyncFromArrowRequest> {
    let mut f = Fields::new(input, source)?;
    let settings_uuid = f.optional("settings_uuid", uuid);
    f.finish(|| Some(SyncFromArrowRequest { settings_uuid }))
}

fn link(input: &Value) -> Result<LinkResourceRequest> {
    let mut f = Fields::new(input, Source::Body)?;
    let uuid_ = f.required("uuid", uuid);
    let resource_uuid = f.required("resource_uuid", uuid);
    let license_reference = f.required("license_reference", text_max(255));
    f.finish(|| {
        Some(LinkResourceRequest {
            uuid: uuid_?,
            resource_uuid: resource_uuid?,
            license_reference: license_reference?,
        })
    })
}

fn import(input: &Value) -> Result<ImportLicenseRequest> {
    let mut f = Fields::new(input, Source::Body)?;
    let uuid_ = f.required("uuid", uuid);
    let license_reference = f.required("license_reference", text_max(255));
    let offering_uuid = f.required("offering_uuid", uuid);
    let project_uuid = f.required("project_uuid", uuid);
    let license_name = f.optional("license_name", text_max(255));
    f.finish(|| {
        Some(ImportLicenseRequest {
            uuid: uuid_?,
            license_reference: license_reference?,
            offering_uuid: offering_uuid?,
            project_uuid: project_uuid?,
            license_name,
        })
    })
}

fn credentials(input: &Value) -> Result<CredentialsRequest> {
    let mut f = Fields::new(input, Source::Body)?;
    let api_url = f.required("api_url", url_max(255));
    let api_key = f.required("api_key", text_max(500));
    f.finish(|| {
        Some(CredentialsRequest {
            api_url: api_url?,
            api_key: api_key?,
        })
    })
}

/// Validates `input` for one of the 32; None for the seeds' 19.
pub fn validate_admin(operation: Operation, input: &Value) -> Option<Result<AdminRequest>> {
    use AdminRequest as R;
    use Operation as O;
    let parse = |f: fn(&Value) -> Result<UuidLookup>| f(input).map(|r| R::Lookup(operation, r));
    Some(match operation {
        O::BillingSyncItemsList => {
            BillingSyncItemQuery::from_json(input).map(|r| R::SyncItems(operation, r))
        }
        O::BillingSyncItemsRetrieve
        | O::CustomerMappingsRetrieve
        | O::CustomerMappingsDestroy
        | O::CustomerMappingsBillingSummary
        | O::CustomerMappingsFetchArrowData
        | O::CustomerMappingsDiscoverLicenses
        | O::SettingsRetrieve
        | O::SettingsDestroy
        | O::VendorMappingsRetrieve
        | O::VendorMappingsDestroy => parse(<UuidLookup as super::OperationRequest>::from_json),
        O::CustomerMappingsList => CustomerMappingQuery::from_json(input).map(R::Mappings),
        O::CustomerMappingsCreate
        | O::CustomerMappingsUpdate
        | O::CustomerMappingsPartialUpdate => {
            CustomerMappingWrite::from_json(input, WriteMode::of(operation))
                .map(|r| R::MappingWrite(operation, r))
        }
        O::CustomerMappingsSyncFromArrow => {
            settings_uuid_of(input, Source::Body).map(R::SyncFromArrow)
        }
        O::CustomerMappingsAvailableCustomers => {
            <NoParameters as super::OperationRequest>::from_json(input)
                .map(|r| R::None(operation, r))
        }
        O::CustomerMappingsLinkResource => link(input).map(R::Link),
        O::CustomerMappingsImportLicense => import(input).map(R::Import),
        O::SettingsList => settings_query(input).map(R::Settings),
        O::SettingsCreate | O::SettingsUpdate | O::SettingsPartialUpdate => {
            SettingsWrite::from_json(input, WriteMode::of(operation))
                .map(|r| R::SettingsWrite(operation, r))
        }
        O::SettingsValidateCredentials | O::SettingsDiscoverCustomers => {
            credentials(input).map(|r| R::Credentials(operation, r))
        }
        O::SettingsPreviewSettings | O::SettingsSaveSettings => {
            SaveSettingsRequest::from_json(input).map(|r| R::Save(operation, r))
        }
        O::VendorMappingsList => vendor_mapping_query(input).map(R::VendorMappings),
        O::VendorMappingsCreate | O::VendorMappingsUpdate | O::VendorMappingsPartialUpdate => {
            VendorMappingWrite::from_json(input, WriteMode::of(operation))
                .map(|r| R::VendorMappingWrite(operation, r))
        }
        O::VendorMappingsVendorChoices => {
            settings_uuid_of(input, Source::Query).map(R::VendorChoices)
        }
        _ => return None,
    })
}

impl AdminRequest {
    pub fn operation(&self) -> Operation {
        use AdminRequest as R;
        use Operation as O;
        match self {
            R::SyncItems(op, _)
            | R::Lookup(op, _)
            | R::MappingWrite(op, _)
            | R::None(op, _)
            | R::SettingsWrite(op, _)
            | R::Credentials(op, _)
            | R::Save(op, _)
            | R::VendorMappingWrite(op, _) => *op,
            R::Mappings(_) => O::CustomerMappingsList,
            R::SyncFromArrow(_) => O::CustomerMappingsSyncFromArrow,
            R::Link(_) => O::CustomerMappingsLinkResource,
            R::Import(_) => O::CustomerMappingsImportLicense,
            R::Settings(_) => O::SettingsList,
            R::VendorMappings(_) => O::VendorMappingsList,
            R::VendorChoices(_) => O::VendorMappingsVendorChoices,
        }
    }
}
