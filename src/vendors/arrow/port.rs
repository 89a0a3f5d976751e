//! Arrow's port: its REST calls, returning its raw payloads (parsed in wasm, or objects on the small path),
//! and the two actions of the admin API that are the host's business (holding an API key, creating a
//! resource), which the host's side of the integration performs.

use serde::Serialize;

use crate::engine::Payload;
use crate::error::{Error, Result};
use crate::ids::Uuid;
use crate::period::Period;

/// One request of Arrow's billing export. `settings_uuid` and `api_url` say whose account it is for: the
/// host's adapter calls `api_url` with the key it holds for those settings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ExportRequest {
    pub export_type_reference: String,
    pub period_from: Period,
    pub period_to: Period,
    pub page: u32,
    pub settings_uuid: Uuid,
    pub api_url: String,
}

/// Whose Arrow account an admin call is made with. A stored settings row (`settings_uuid`, no key: the
/// host's adapter uses the key the host holds for it), or the credentials a request gave (the wizard's
/// validate_credentials, discover_customers, preview_settings and save_settings, before any row exists).
/// billsync never stores a key: it passes a given one through to this call, and to
/// [`ArrowApi::store_api_key`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ArrowAccount {
    pub settings_uuid: Option<Uuid>,
    pub api_url: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub api_key: Option<String>,
}

/// A licence to import as a new host resource (import_license): the host creates the resource (and any
/// order it keeps for audit) with `backend_id` and the licence attribute set to `license_reference`, and
/// answers the resource row it created (`{uuid, name, ...}`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct LicenseImport {
    pub license_reference: String,
    pub license_name: String,
    pub offering_uuid: Uuid,
    pub project_uuid: Uuid,
    pub customer_uuid: Uuid,
    /// The resource attribute the consumption sync reads the licence from.
    pub license_attribute: &'static str,
}

/// Arrow's REST calls, returning Arrow's raw payloads.
///
/// The calls returning `Option` are optional: `Ok(None)` means the adapter has no such call, and the
/// operation that needs it answers 501 naming it ([`not_implemented`]).
#[allow(async_fn_in_trait)]
pub trait ArrowApi {
    async fn billing_export(&self, request: &ExportRequest) -> Result<Payload>;
    async fn consumption(
        &self,
        license_reference: &str,
        period_start: Period,
        period_end: Period,
    ) -> Result<Payload>;
    /// Arrow's licence; `Error::NotFound` naming it when Arrow has none (answered as a 404).
    async fn license(&self, license_reference: &str) -> Result<Payload>;
    async fn licenses(&self, page: u32, per_page: u32) -> Result<Payload>;

    /// Arrow's statements of `period` with their status (Open, Needs Validation, Fulfilled, Rejected), as
    /// `{"data": {"statements": [{"reference", "status", "period"?}]}}`
    /// ([`super::statement_status::parse_statements`]). Optional: None means the adapter has no such call,
    /// and the export's state column, or else the settings' validation rule, decides.
    async fn statements(&self, period: Period) -> Result<Option<Payload>> {
        let _ = period;
        Ok(None)
    }

    /// GET whoami: `{"data": {"reference", "companyName", "email"?, "city"?, "countryCode"?}}`.
    async fn whoami(&self, account: &ArrowAccount) -> Result<Option<Payload>> {
        let _ = account;
        Ok(None)
    }

    /// GET customers?page&per_page: `{"data": {"customers": [...]}, "pagination": {"totalPages"}}`.
    async fn customers(
        &self,
        account: &ArrowAccount,
        page: u32,
        per_page: u32,
    ) -> Result<Option<Payload>> {
        let _ = (account, page, per_page);
        Ok(None)
    }

    /// GET customers/{reference}: `{"data": {"customers": [{...}]}}` or `{"data": {...}}`.
    async fn customer(&self, account: &ArrowAccount, reference: &str) -> Result<Option<Payload>> {
        let _ = (account, reference);
        Ok(None)
    }

    /// GET billing/erp/exports/types: `{"data": [{"reference", "name", "headers"?: [...]}]}`.
    async fn export_types(&self, account: &ArrowAccount) -> Result<Option<Payload>> {
        let _ = account;
        Ok(None)
    }

    /// GET catalog/categories/{category}/programs: `{"data": [{"vendorName" | "vendor" | "name" | ...}]}`.
    async fn catalog_programs(
        &self,
        account: &ArrowAccount,
        category: &str,
    ) -> Result<Option<Payload>> {
        let _ = (account, category);
        Ok(None)
    }

    /// The host keeps `api_key` as the key of `settings` (None: forgets it). billsync never stores a key;
    /// `Ok(None)`: the host has no key store.
    async fn store_api_key(&self, settings: &Uuid, api_key: Option<&str>) -> Result<Option<()>> {
        let _ = (settings, api_key);
        Ok(None)
    }

    /// The host creates a resource for a licence ([`LicenseImport`]) and answers the row it created.
    async fn import_license(&self, import: &LicenseImport) -> Result<Option<Payload>> {
        let _ = import;
        Ok(None)
    }
}

/// The 501 of an optional port call the adapter does not have.
pub fn not_implemented(call: &str) -> Error {
    Error::NotImplemented {
        call: call.to_owned(),
    }
}
