//! Soracom's port: the calls of its BillingApi (seed 002) and of the exported-file endpoints, returning
//! Soracom's raw payloads (JSON text, parsed exactly in wasm; or objects on the small path). `download`
//! returns the CSV file.

use crate::engine::Payload;
use crate::error::Result;
use crate::period::Period;

/// How an export is made: `sync` answers with the file's URL; `async` with an id to poll.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ExportMode {
    Sync,
    Async,
}

impl ExportMode {
    pub fn as_str(self) -> &'static str {
        match self {
            ExportMode::Sync => "sync",
            ExportMode::Async => "async",
        }
    }
}

/// Soracom's billing calls. A month with no bill (Soracom's 404) is `Ok(None)`.
#[allow(async_fn_in_trait)]
pub trait SoracomApi {
    /// GET /bills/{yyyyMM}
    async fn get_billing(&self, month: Period) -> Result<Option<Payload>>;
    /// GET /bills/latest
    async fn get_latest_billing(&self) -> Result<Payload>;
    /// GET /bills
    async fn get_billing_history(&self) -> Result<Payload>;
    /// GET /bills/{yyyyMM}/daily
    async fn get_billing_per_day(&self, month: Period) -> Result<Option<Payload>>;
    /// POST /bills/{yyyyMM}/export?export_mode=…
    async fn export_billing(&self, month: Period, mode: ExportMode) -> Result<Payload>;
    /// POST /bills/latest/export?export_mode=…
    async fn export_latest_billing(&self, mode: ExportMode) -> Result<Payload>;
    /// GET /files/exported/{exportedFileId}. A host may wait a little before answering a poll.
    async fn get_exported_file(&self, exported_file_id: &str) -> Result<Payload>;
    /// The exported CSV at `url`.
    async fn download(&self, url: &str) -> Result<Payload>;
}
