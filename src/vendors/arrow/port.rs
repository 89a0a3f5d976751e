//! Arrow's port: its REST calls, returning its raw payloads (parsed in wasm, or objects on the small path).

use serde::Serialize;

use crate::engine::Payload;
use crate::error::Result;
use crate::period::Period;

/// One request of Arrow's billing export.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ExportRequest {
    pub export_type_reference: String,
    pub period_from: Period,
    pub period_to: Period,
    pub page: u32,
}

/// Arrow's REST calls, returning Arrow's raw payloads.
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
}
