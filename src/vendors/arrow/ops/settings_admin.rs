//! settings: CRUD and the setup wizard (validate_credentials, discover_customers, preview_settings,
//! save_settings).
//!
//! The API key is write-only: billsync hands it to the host ([`ArrowApi::store_api_key`]) and keeps it in no
//! row and no response (defect 10); the host's adapter calls Arrow with the key it holds for the settings
//! named in each call. "The active settings" is one rule ([`crate::engine::active_settings`]): the active
//! row created last. save_settings adds a row that becomes the active one by that rule, and leaves every
//! other row as it is (defect 9: the reference deactivates every other operator's row).

use serde_json::Map;

use super::admin::{account_of, answer, embedded, listed, ok, required_call};
use super::customer_mappings::{mapping_uuid, settings_url};
use crate::engine::{Clock, Engine, Progress, Store};
use crate::error::{Error, Result};
use crate::ids::Uuid;
use crate::ledger::changeset::Changeset;
use crate::ledger::{Customer, PriceSource};
use crate::rest::http::OperationResult;
use crate::vendors::arrow::admin_views::{ArrowSettingsView, NO_TIME};
use crate::vendors::arrow::port::not_implemented;
use crate::vendors::arrow::settings::{ArrowSettings, CustomerMapping};
use crate::vendors::arrow::validate::{
    CredentialsRequest, Operation, SaveSettingsRequest, SettingsQuery, SettingsWrite,
};
use crate::vendors::arrow::vendor_mapping::VendorOfferingMapping;
use crate::vendors::arrow::wizard::{
    export_type_compatibility, parse_customers, parse_partner, suggestions, CredentialsValidation,
    DiscoveredCustomers, PartnerInfo, SettingsPreview, SettingsSaved,
};
use crate::vendors::arrow::{Arrow, ArrowAccount, ArrowApi};

fn price_source(text: &str) -> PriceSource {
    if text == "buy" {
        PriceSource::Buy
    } else {
        PriceSource::Sell
    }
}

fn price_source_name(source: PriceSource) -> &'static str {
    match source {
        PriceSource::Buy => "buy",
        PriceSource::Sell => "sell",
    }
}

pub(crate) fn settings_view(s: &ArrowSettings, base: &str) -> ArrowSettingsView {
    let time = |t: Option<crate::timestamp::Timestamp>| {
        t.map_or_else(|| NO_TIME.to_owned(), |t| t.to_string())
    };
    ArrowSettingsView {
        uuid: s.uuid.to_string(),
        url: settings_url(base, &s.uuid),
        api_url: s.api_url.clone(),
        export_type_reference: s.export_type_reference.clone(),
        classification_filter: s.classification_filter.clone(),
        is_active: s.is_active,
        sync_enabled: s.sync_enabled,
        partner_reference: s.partner_reference.clone(),
        partner_name: s.partner_name.clone(),
        invoice_price_source: price_source_name(s.invoice_price_source).to_owned(),
        invoice_item_prefix: s.invoice_item_prefix.clone(),
        created: time(s.created),
        modified: time(s.modified.or(s.created)),
    }
}

fn given(api_url: &str, api_key: &str) -> ArrowAccount {
    ArrowAccount {
        settings_uuid: None,
        api_url: api_url.to_owned(),
        api_key: Some(api_key.to_owned()),
    }
}

/// Arrow refused the credentials (or could not be reached): a 400 naming api_key, as the reference's
/// `{"error": ...}` does.
fn refused(error: Error) -> Error {
    match error {
        Error::AdapterFailed { call, message } => Error::field(
            "api_key",
            format!("Arrow did not accept these credentials ({call}: {message})."),
        ),
        other => other,
    }
}

impl<S: Store, A: ArrowApi, C: Clock, P: Progress> Engine<S, Arrow<A>, C, P> {
    async fn settings_row(&self, uuid: &str) -> Result<ArrowSettings> {
        self.get(uuid)
            .await?
            .ok_or_else(|| Error::not_found(format!("Arrow settings {uuid}")))
    }

    /// Arrow's partner for an account; None when the adapter has no whoami.
    async fn partner(&self, account: &ArrowAccount) -> Result<Option<PartnerInfo>> {
        match self.vendor.api.whoami(account).await? {
            None => Ok(None),
            Some(payload) => Ok(Some(parse_partner(&required_call(
                Some(payload),
                "arrow.whoami",
            )?))),
        }
    }

    /// Hands the key to the host; a host without a key store is a 501 naming the call.
    async fn hand_over_key(&self, settings: &Uuid, key: &str) -> Result<()> {
        self.vendor
            .api
            .store_api_key(settings, Some(key))
            .await?
            .ok_or_else(|| not_implemented("arrow.storeApiKey"))
    }

    pub(crate) async fn list_settings(
        &self,
        q: &SettingsQuery,
        base: &str,
        url: &str,
    ) -> Result<OperationResult> {
        let all: Vec<ArrowSettings> = self.scan_all(Map::new()).await?;
        let mut rows: Vec<ArrowSettingsView> = all
            .iter()
            .filter(|s| q.is_active.is_none_or(|a| a == s.is_active))
            .filter(|s| q.sync_enabled.is_none_or(|e| e == s.sync_enabled))
            .map(|s| settings_view(s, base))
            .collect();
        crate::sort::sort_by(&mut rows, |a, b| {
            b.created.cmp(&a.created).then_with(|| a.uuid.cmp(&b.uuid))
        });
        listed(&rows, q.page, q.page_size, url)
    }

    pub(crate) async fn retrieve_settings(
        &self,
        uuid: &str,
        base: &str,
    ) -> Result<ArrowSettingsView> {
        Ok(settings_view(&self.settings_row(uuid).await?, base))
    }

    /// create (201), update, partial_update. The key, when given, goes to the host first; then whoami
    /// fills the partner (a failure there only leaves it as it was, as in the reference).
    pub(crate) async fn write_settings(
        &self,
        operation: Operation,
        w: &SettingsWrite,
        base: &str,
    ) -> Result<OperationResult> {
        let now = self.now()?;
        let mut settings = match w.uuid.as_deref() {
            Some(uuid) if operation != Operation::SettingsCreate => self.settings_row(uuid).await?,
            _ => {
                let api_url = w.api_url.clone().unwrap_or_default();
                let uuid = Uuid::derive("arrow_settings", &format!("{api_url}|{now}"));
                if self.get::<ArrowSettings>(uuid.as_str()).await?.is_some() {
                    return Err(Error::field(
                        "api_url",
                        "Settings for this api_url were created at this same instant; try again.",
                    ));
                }
                let mut s: ArrowSettings =
                    serde_json::from_value(serde_json::json!({ "uuid": uuid }))
                        .map_err(|e| Error::field("settings", e.to_string()))?;
                s.created = Some(now);
                s
            }
        };
        if let Some(v) = &w.api_url {
            settings.api_url = v.clone();
        }
        if let Some(v) = &w.export_type_reference {
            settings.export_type_reference = v.clone();
        }
        if let Some(v) = &w.classification_filter {
            settings.classification_filter = v.clone();
        }
        if let Some(v) = w.is_active {
            settings.is_active = v;
        }
        if let Some(v) = w.sync_enabled {
            settings.sync_enabled = v;
        }
        if let Some(v) = &w.invoice_price_source {
            settings.invoice_price_source = price_source(v);
        }
        if let Some(v) = &w.invoice_item_prefix {
            settings.invoice_item_prefix = v.clone();
        }
        settings.modified = Some(now);
        if let Some(key) = &w.api_key {
            self.hand_over_key(&settings.uuid, key).await?;
        }
        let account = ArrowAccount {
            api_key: w.api_key.clone(),
            ..account_of(&settings)
        };
        if let Ok(Some(partner)) = self.partner(&account).await {
            settings.partner_reference = partner.reference;
            settings.partner_name = partner.company_name;
        }
        let mut changeset = Changeset::new(operation.id(), now);
        changeset.put(format!("{operation}:{}", settings.uuid), &settings)?;
        self.commit(&changeset, false).await?;
        let view = settings_view(&settings, base);
        Ok(if operation == Operation::SettingsCreate {
            answer(view, Some(201))
        } else {
            ok(view)
        })
    }

    /// destroy (204): the row, its customer and vendor mappings, and the key the host holds. Billing syncs
    /// and invoice items stay: they are what was billed.
    pub(crate) async fn destroy_settings(&self, uuid: &str) -> Result<OperationResult> {
        let settings = self.settings_row(uuid).await?;
        let mut changeset = Changeset::new(Operation::SettingsDestroy.id(), self.now()?);
        let mappings: Vec<CustomerMapping> = self.scan_all(Map::new()).await?;
        for m in mappings
            .iter()
            .filter(|m| m.settings_uuid == Some(settings.uuid))
        {
            changeset.delete(format!("destroy:{}", m.uuid), m);
        }
        let vendors: Vec<VendorOfferingMapping> = self.scan_all(Map::new()).await?;
        for m in vendors.iter().filter(|m| m.settings_uuid == settings.uuid) {
            changeset.delete(format!("destroy:{}", m.uuid), m);
        }
        changeset.delete(format!("destroy:{uuid}"), &settings);
        self.commit(&changeset, false).await?;
        // A host without a key store holds no key to forget.
        self.vendor.api.store_api_key(&settings.uuid, None).await?;
        Ok(answer(serde_json::Value::Null, Some(204)))
    }

    /// validate_credentials: always 200; `valid: false` with Arrow's error when it refuses them.
    pub(crate) async fn validate_credentials(
        &self,
        c: &CredentialsRequest,
    ) -> Result<CredentialsValidation> {
        let account = given(&c.api_url, &c.api_key);
        let partner = match self.vendor.api.whoami(&account).await {
            Ok(Some(payload)) => parse_partner(&required_call(Some(payload), "arrow.whoami")?),
            Ok(None) => return Err(not_implemented("arrow.whoami")),
            Err(e) => {
                return Ok(CredentialsValidation {
                    valid: false,
                    message: None,
                    error: Some(embedded(e)?),
                    partner_info: None,
                    export_types: None,
                })
            }
        };
        let export_types = match self.vendor.api.export_types(&account).await {
            Ok(Some(payload)) => Some(export_type_compatibility(&required_call(
                Some(payload),
                "arrow.exportTypes",
            )?)),
            _ => None,
        };
        Ok(CredentialsValidation {
            valid: true,
            message: Some(format!("Connected to Arrow as {}.", partner.company_name)),
            error: None,
            partner_info: Some(partner),
            export_types,
        })
    }

    /// discover_customers: Arrow's customers for the credentials given, the host's customers,
    /// suggestions, and how each export type suits billsync.
    pub(crate) async fn discover_customers(
        &self,
        c: &CredentialsRequest,
    ) -> Result<DiscoveredCustomers> {
        let account = given(&c.api_url, &c.api_key);
        let customers = self.arrow_customers(&account).await.map_err(refused)?;
        let hosts = self.host_customer_briefs().await?;
        let mappings: Vec<CustomerMapping> = self.scan_all(Map::new()).await?;
        let mapped = |r: &str| mappings.iter().any(|m| m.arrow_reference == r);
        let export_types = match self
            .vendor
            .api
            .export_types(&account)
            .await
            .map_err(refused)?
        {
            Some(payload) => {
                export_type_compatibility(&required_call(Some(payload), "arrow.exportTypes")?)
            }
            None => Vec::new(),
        };
        Ok(DiscoveredCustomers {
            suggestions: suggestions(&customers, &hosts, &mapped),
            arrow_customers: customers,
            waldur_customers: hosts,
            export_types,
        })
    }

    /// preview_settings: whoami for the credentials given; nothing is saved.
    pub(crate) async fn preview_settings(
        &self,
        s: &SaveSettingsRequest,
    ) -> Result<SettingsPreview> {
        let partner = self
            .partner(&given(&s.api_url, &s.api_key))
            .await
            .map_err(refused)?
            .ok_or_else(|| not_implemented("arrow.whoami"))?;
        Ok(SettingsPreview {
            api_url: s.api_url.clone(),
            partner_name: partner.company_name,
            partner_reference: partner.reference,
            export_type_reference: s.export_type_reference.clone().unwrap_or_default(),
            classification_filter: s.classification_filter.clone(),
            sync_enabled: s.sync_enabled,
        })
    }

    /// save_settings (201): a new active row (the active one by the rule, since it is the newest), its key
    /// handed to the host, and the mappings asked for; the mappings it could not create are listed.
    pub(crate) async fn save_settings(&self, s: &SaveSettingsRequest) -> Result<SettingsSaved> {
        let account = given(&s.api_url, &s.api_key);
        let partner = self
            .partner(&account)
            .await
            .map_err(refused)?
            .ok_or_else(|| not_implemented("arrow.whoami"))?;
        let now = self.now()?;
        let uuid = Uuid::derive("arrow_settings", &format!("{}|{now}", s.api_url));
        let mut settings: ArrowSettings =
            serde_json::from_value(serde_json::json!({ "uuid": uuid }))
                .map_err(|e| Error::field("settings", e.to_string()))?;
        settings.api_url = s.api_url.clone();
        settings.export_type_reference = s.export_type_reference.clone().unwrap_or_default();
        settings.classification_filter = s.classification_filter.clone();
        settings.sync_enabled = s.sync_enabled;
        if let Some(v) = &s.invoice_price_source {
            settings.invoice_price_source = price_source(v);
        }
        if let Some(v) = &s.invoice_item_prefix {
            settings.invoice_item_prefix = v.clone();
        }
        settings.partner_reference = partner.reference;
        settings.partner_name = partner.company_name;
        settings.created = Some(now);
        settings.modified = Some(now);
        let customers: Vec<Customer> = self.scan_all(Map::new()).await?;
        let mut changeset = Changeset::new(Operation::SettingsSaveSettings.id(), now);
        changeset.put(format!("save_settings:{uuid}"), &settings)?;
        let mut created = 0;
        let mut skipped = Vec::new();
        let mut seen = std::collections::BTreeSet::new();
        for input in &s.customer_mappings {
            let Some(customer) = Uuid::parse(&input.waldur_customer_uuid)
                .filter(|c| customers.iter().any(|k| k.uuid == *c))
            else {
                skipped.push(format!(
                    "{}: customer {} not found",
                    input.arrow_reference, input.waldur_customer_uuid
                ));
                continue;
            };
            if !seen.insert(input.arrow_reference.clone()) {
                skipped.push(format!("{}: given twice", input.arrow_reference));
                continue;
            }
            let company = match self
                .vendor
                .api
                .customer(&account, &input.arrow_reference)
                .await
            {
                Ok(Some(payload)) => required_call(Some(payload), "arrow.customer")
                    .map(|v| parse_customers(&v).0)
                    .ok()
                    .and_then(|c| c.into_iter().next())
                    .map(|c| c.company_name)
                    .unwrap_or_default(),
                _ => String::new(),
            };
            let mapping = CustomerMapping {
                uuid: mapping_uuid(&uuid, &input.arrow_reference),
                settings_uuid: Some(uuid),
                arrow_reference: input.arrow_reference.clone(),
                customer_uuid: customer,
                arrow_company_name: company,
                is_active: true,
                created: Some(now),
                modified: Some(now),
                version: 0,
            };
            changeset.create(format!("save_settings:{}", mapping.uuid), &mapping)?;
            created += 1;
        }
        self.hand_over_key(&uuid, &s.api_key).await?;
        self.commit(&changeset, false).await?;
        Ok(SettingsSaved {
            settings_uuid: uuid.to_string(),
            mappings_created: created,
            message: format!("Arrow settings saved with {created} customer mappings."),
            mappings_skipped: skipped,
        })
    }
}
