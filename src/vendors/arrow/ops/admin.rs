//! The 32 operations of the newest source on the engine: which one a validated request is, and the
//! answers they share (201 for a create, 204 for a destroy, pages of lists).

use serde::Serialize;
use serde_json::{json, Value};

use crate::engine::{page_of, Clock, Engine, Payload, Progress, Store};
use crate::error::{Error, Result};
use crate::rest::http::OperationResult;
use crate::vendors::arrow::port::{not_implemented, ArrowAccount};
use crate::vendors::arrow::settings::ArrowSettings;
use crate::vendors::arrow::validate::{AdminRequest, Operation};
use crate::vendors::arrow::wizard::payload_json;
use crate::vendors::arrow::{Arrow, ArrowApi};

pub(super) fn answer(body: impl Serialize, status: Option<u16>) -> OperationResult {
    OperationResult {
        body: json!(body),
        page: None,
        accepted: false,
        status,
    }
}

pub(super) fn ok(body: impl Serialize) -> OperationResult {
    answer(body, None)
}

/// The page of `rows` a list asks for, with its Link and count.
pub(super) fn listed<T: Serialize>(
    rows: &[T],
    page: u32,
    page_size: u32,
    url: &str,
) -> Result<OperationResult> {
    let (page, items) = page_of(rows, page, page_size, url)?;
    Ok(OperationResult {
        body: Value::Array(items.iter().map(|r| json!(r)).collect()),
        page: Some(page),
        accepted: false,
        status: None,
    })
}

/// The account of stored settings: the host's adapter holds its key.
pub(super) fn account_of(settings: &ArrowSettings) -> ArrowAccount {
    ArrowAccount {
        settings_uuid: Some(settings.uuid),
        api_url: settings.api_url.clone(),
        api_key: None,
    }
}

/// An optional call's payload as JSON, or the 501 naming it.
pub(super) fn required_call(payload: Option<Payload>, call: &str) -> Result<Value> {
    payload_json(payload.ok_or_else(|| not_implemented(call))?, call)
}

/// "Contains, case-insensitively" of the list filters.
pub(super) fn contains(haystack: &str, needle: Option<&String>) -> bool {
    needle.is_none_or(|n| haystack.to_lowercase().contains(&n.to_lowercase()))
}

/// An Arrow call's failure as the message some responses embed (the reference embeds them too); any other
/// error fails the request.
pub(super) fn embedded(error: Error) -> Result<String> {
    match error {
        Error::AdapterFailed { .. } | Error::InvalidPayload { .. } => Ok(error.to_string()),
        other => Err(other),
    }
}

impl<S: Store, A: ArrowApi, C: Clock, P: Progress> Engine<S, Arrow<A>, C, P> {
    /// Runs one of the 32.
    pub(crate) async fn run_admin(
        &self,
        request: AdminRequest,
        base: &str,
        url: &str,
    ) -> Result<OperationResult> {
        use AdminRequest as R;
        use Operation as O;
        Ok(match request {
            R::SyncItems(_, q) => self.list_billing_sync_items(&q, base, url).await?,
            R::Lookup(op, l) => match op {
                O::BillingSyncItemsRetrieve => {
                    ok(self.retrieve_billing_sync_item(&l.uuid, base).await?)
                }
                O::CustomerMappingsRetrieve => {
                    ok(self.retrieve_customer_mapping(&l.uuid, base).await?)
                }
                O::CustomerMappingsDestroy => self.destroy_customer_mapping(&l.uuid).await?,
                O::CustomerMappingsBillingSummary => {
                    ok(self.customer_billing_summary(&l.uuid).await?)
                }
                O::CustomerMappingsFetchArrowData => {
                    ok(self.fetch_customer_arrow_data(&l.uuid).await?)
                }
                O::CustomerMappingsDiscoverLicenses => ok(self.discover_licenses(&l.uuid).await?),
                O::SettingsRetrieve => ok(self.retrieve_settings(&l.uuid, base).await?),
                O::SettingsDestroy => self.destroy_settings(&l.uuid).await?,
                O::VendorMappingsRetrieve => {
                    ok(self.retrieve_vendor_mapping(&l.uuid, base).await?)
                }
                O::VendorMappingsDestroy => self.destroy_vendor_mapping(&l.uuid).await?,
                other => {
                    return Err(Error::field(
                        "operation_id",
                        format!("{other} takes no uuid."),
                    ))
                }
            },
            R::Mappings(q) => self.list_customer_mappings(&q, base, url).await?,
            R::MappingWrite(op, w) => self.write_customer_mapping(op, &w, base).await?,
            R::SyncFromArrow(r) => ok(self.sync_customers_from_arrow(&r).await?),
            R::None(_, _) => ok(self.available_customers().await?),
            R::Link(r) => ok(self.link_resource(&r).await?),
            R::Import(r) => ok(self.import_license(&r).await?),
            R::Settings(q) => self.list_settings(&q, base, url).await?,
            R::SettingsWrite(op, w) => self.write_settings(op, &w, base).await?,
            R::Credentials(op, c) => {
                if op == O::SettingsValidateCredentials {
                    ok(self.validate_credentials(&c).await?)
                } else {
                    ok(self.discover_customers(&c).await?)
                }
            }
            R::Save(op, s) => {
                if op == O::SettingsPreviewSettings {
                    ok(self.preview_settings(&s).await?)
                } else {
                    answer(self.save_settings(&s).await?, Some(201))
                }
            }
            R::VendorMappings(q) => self.list_vendor_mappings(&q, base, url).await?,
            R::VendorMappingWrite(op, w) => self.write_vendor_mapping(op, &w, base).await?,
            R::VendorChoices(r) => ok(self.vendor_choices(&r).await?),
        })
    }
}
