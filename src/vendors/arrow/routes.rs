//! Arrow's REST surface (seeds 000 and 001): which operation a path names, and running it on the engine.

use serde_json::{Map, Value};

use super::query::Page;
use super::validate::{self, Method, Operation, ValidatedRequest};
use super::Arrow;
use crate::engine::{Clock, Engine, Progress, Store};
use crate::error::Result;
use crate::rest::http::{
    dry_run_of, serve, HttpRequest, HttpResponse, OperationResult, Route, Routes,
};
use crate::vendors::arrow::ArrowApi;

/// Which operations a path names (one per method), and the uuid the path holds: each operation's path
/// template, `{uuid}` matching a uuid segment.
fn route_of(path: &str) -> Option<(Vec<Operation>, Option<String>)> {
    let path = path.split('?').next().unwrap_or("");
    let segments: Vec<&str> = path.trim_end_matches('/').split('/').collect();
    let mut uuid = None;
    let operations: Vec<Operation> = Operation::ALL
        .iter()
        .copied()
        .filter(|op| {
            let template: Vec<&str> = op.path().trim_end_matches('/').split('/').collect();
            template.len() == segments.len()
                && template.iter().zip(&segments).all(|(t, s)| {
                    if *t == "{uuid}" {
                        let parsed = crate::ids::Uuid::parse(s);
                        if let Some(id) = parsed {
                            uuid = Some(id.to_string());
                        }
                        parsed.is_some()
                    } else {
                        t == s
                    }
                })
        })
        .collect();
    (!operations.is_empty()).then_some((operations, uuid))
}

impl<S: Store, A: ArrowApi, C: Clock, P: Progress> Engine<S, Arrow<A>, C, P> {
    /// Serves one request of Arrow's admin API. Never fails: every error is a response.
    pub async fn handle(&self, request: &HttpRequest) -> HttpResponse {
        serve(self, request).await
    }
}

impl<S: Store, A: ArrowApi, C: Clock, P: Progress> Routes for Engine<S, Arrow<A>, C, P> {
    type Operation = Operation;
    const PREFIX: &'static str = "/api/admin/arrow/";

    async fn unowned(&self, query: &Value) -> Result<Value> {
        self.unowned_listing(super::VENDOR, query).await
    }

    fn route(path: &str) -> Option<Route<Operation>> {
        let (operations, uuid) = route_of(path)?;
        let mut params = Map::new();
        if let Some(uuid) = uuid {
            params.insert("uuid".to_owned(), Value::String(uuid));
        }
        Some((operations, params))
    }

    fn method(operation: Operation) -> Method {
        operation.method()
    }

    async fn extension(&self, request: &HttpRequest) -> Option<HttpResponse> {
        crate::vendors::invoice_items::extension(&self.host, request).await
    }

    /// Runs one operation on its input (query parameters or body, as JSON), as the REST handler and the
    /// per-operation JS methods both do. `url` is the request's own URL, for the Link header of lists.
    async fn run(
        &self,
        operation: Operation,
        input: &Value,
        base_url: &str,
        url: &str,
    ) -> Result<OperationResult> {
        let validated = validate::validate(operation, input)?;
        let dry_run = if operation.method() == Method::Post && operation.in_seeds() {
            dry_run_of(input)?
        } else {
            false
        };
        let base = base_url.trim_end_matches('/');
        let body = |body: Value| OperationResult {
            body,
            page: None,
            accepted: false,
            status: None,
        };
        let list = |(rows, page): (Vec<Value>, Page)| OperationResult {
            body: Value::Array(rows),
            page: Some(page),
            accepted: false,
            status: None,
        };
        // The triggers ran in the request: 200 with their counters (a dry run's with its plan), not 202.
        Ok(match validated {
            ValidatedRequest::BillingSyncsList(q) => {
                list(self.list_billing_syncs(&q, base, url).await?)
            }
            ValidatedRequest::BillingSyncsRetrieve(l) => {
                body(self.retrieve_billing_sync(&l.uuid, base).await?)
            }
            ValidatedRequest::PauseSync(r) => body(self.switch_sync(&r, false).await?),
            ValidatedRequest::ResumeSync(r) => body(self.switch_sync(&r, true).await?),
            ValidatedRequest::Reconcile(r) => body(self.reconcile(&r, dry_run).await?),
            ValidatedRequest::TriggerConsumptionSync(r) => {
                body(self.trigger_consumption_sync(&r, dry_run).await?)
            }
            ValidatedRequest::TriggerReconciliation(r) => {
                body(self.trigger_reconciliation(&r, dry_run).await?)
            }
            ValidatedRequest::TriggerSync(r) => body(self.trigger_sync(&r, dry_run).await?),
            ValidatedRequest::ConsumptionStatistics(_) => {
                body(self.consumption_statistics().await?)
            }
            ValidatedRequest::ConsumptionStatus(_) => body(self.consumption_status().await?),
            ValidatedRequest::PendingRecords(q) => {
                list(self.pending_records(q.page, q.page_size, url).await?)
            }
            ValidatedRequest::FetchBillingExport(r) => body(self.fetch_billing_export(&r).await?),
            ValidatedRequest::FetchConsumption(r) => body(self.fetch_consumption(&r).await?),
            ValidatedRequest::FetchLicenseInfo(r) => body(self.fetch_license_info(&r).await?),
            ValidatedRequest::SyncResourceHistoricalConsumption(r) => body(
                self.sync_resource_historical_consumption(&r, dry_run)
                    .await?,
            ),
            ValidatedRequest::SyncResources(r) => body(self.sync_resources(&r, dry_run).await?),
            ValidatedRequest::CleanupConsumption(r) => body(self.cleanup_consumption(&r).await?),
            ValidatedRequest::ConsumptionRecordsList(q) => {
                list(self.list_consumption_records(&q, base, url).await?)
            }
            ValidatedRequest::ConsumptionRecordsRetrieve(l) => {
                body(self.retrieve_consumption_record(&l.uuid, base).await?)
            }
            ValidatedRequest::Admin(request) => self.run_admin(request, base, url).await?,
        })
    }
}
