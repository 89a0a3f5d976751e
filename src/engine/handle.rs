//! One REST handler for every path of seeds 000/001: routing, the staff check, validation, and the REST
//! framework's response conventions (bare arrays with Link and X-Result-Count, `{"detail": ...}` errors).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};

use super::{ArrowApi, Clock, Engine, Progress, Store};
use crate::error::{Error, Result};
use crate::fields;
use crate::vendors::arrow::query::{encode, Page};
use crate::vendors::arrow::validate::{self, Method, Operation, ValidatedRequest};

#[derive(Debug, Clone, Default, Deserialize)]
pub struct HttpUser {
    #[serde(default)]
    pub is_staff: bool,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct HttpRequest {
    pub method: String,
    pub path: String,
    #[serde(default)]
    pub query: Map<String, Value>,
    #[serde(default)]
    pub body: Value,
    #[serde(default)]
    pub headers: Map<String, Value>,
    #[serde(default)]
    pub user: Option<HttpUser>,
    #[serde(default, rename = "baseUrl", alias = "base_url")]
    pub base_url: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct HttpResponse {
    pub status: u16,
    pub headers: BTreeMap<String, String>,
    pub body: Value,
}

impl HttpResponse {
    fn json(status: u16, body: Value) -> HttpResponse {
        let mut headers = BTreeMap::new();
        headers.insert("content-type".to_owned(), "application/json".to_owned());
        HttpResponse {
            status,
            headers,
            body,
        }
    }

    fn detail(status: u16, detail: &str) -> HttpResponse {
        HttpResponse::json(status, json!({ "detail": detail }))
    }

    /// An error as the REST framework answers it.
    pub fn from_error(error: &Error) -> HttpResponse {
        match error {
            Error::Validation { fields } => HttpResponse::json(400, json!(fields)),
            Error::NotFound { what } if what == "Invalid page." => {
                HttpResponse::detail(404, "Invalid page.")
            }
            Error::NotFound { .. } => HttpResponse::detail(404, "Not found."),
            Error::AdapterFailed { call, message } => HttpResponse::json(
                502,
                json!({ "detail": format!("{call} failed: {message}"), "code": error.code(), "call": call }),
            ),
            other => HttpResponse::json(
                other.status(),
                json!({ "detail": other.to_string(), "code": other.code() }),
            ),
        }
    }
}

/// Which operation a path and method name, and the uuid in the path of a retrieve.
fn route(path: &str) -> Option<(Vec<Operation>, Option<String>)> {
    let path = path.split('?').next().unwrap_or("");
    let trimmed = path.trim_end_matches('/');
    let (collection, rest) =
        if let Some(rest) = trimmed.strip_prefix("/api/admin/arrow/billing-syncs") {
            ("billing-syncs", rest)
        } else if let Some(rest) = trimmed.strip_prefix("/api/admin/arrow/consumption-records") {
            ("consumption-records", rest)
        } else {
            return None;
        };
    let segment = rest.strip_prefix('/').unwrap_or(rest);
    if segment.contains('/') {
        return None;
    }
    if segment.is_empty() {
        let op = if collection == "billing-syncs" {
            Operation::BillingSyncsList
        } else {
            Operation::ConsumptionRecordsList
        };
        return Some((vec![op], None));
    }
    if collection == "billing-syncs" {
        let actions: Vec<Operation> = Operation::ALL
            .iter()
            .copied()
            .filter(|op| op.path() == format!("/api/admin/arrow/billing-syncs/{segment}/"))
            .collect();
        if !actions.is_empty() {
            return Some((actions, None));
        }
    }
    let uuid = crate::ids::Uuid::parse(segment)?;
    let op = if collection == "billing-syncs" {
        Operation::BillingSyncsRetrieve
    } else {
        Operation::ConsumptionRecordsRetrieve
    };
    Some((vec![op], Some(uuid.to_string())))
}

/// The request's own URL, for the Link header.
fn request_url(request: &HttpRequest) -> String {
    let path = request.path.split('?').next().unwrap_or("");
    let query: Vec<String> = request
        .query
        .iter()
        .map(|(k, v)| {
            let v = v
                .as_str()
                .map(str::to_owned)
                .unwrap_or_else(|| v.to_string());
            format!("{}={}", encode(k), encode(&v))
        })
        .collect();
    let base = request.base_url.trim_end_matches('/');
    if query.is_empty() {
        format!("{base}{path}")
    } else {
        format!("{base}{path}?{}", query.join("&"))
    }
}

fn list_response(rows: Vec<Value>, page: &Page, head: bool) -> HttpResponse {
    let mut response = HttpResponse::json(
        200,
        if head {
            Value::Null
        } else {
            Value::Array(rows)
        },
    );
    response
        .headers
        .insert("x-result-count".to_owned(), page.x_result_count());
    if let Some(link) = &page.link_header {
        response.headers.insert("link".to_owned(), link.clone());
    }
    response
}

/// `dry_run` of a mutating operation's body (the seeds only name it for cleanup; billsync accepts it on
/// every operation that plans a changeset).
fn dry_run_of(body: &Value) -> Result<bool> {
    match body.get("dry_run") {
        None | Some(Value::Null) => Ok(false),
        Some(v) => fields::boolean(v).map_err(|m| Error::field("dry_run", m)),
    }
}

impl<S: Store, A: ArrowApi, C: Clock, P: Progress> Engine<S, A, C, P> {
    /// Serves one request. Never fails: every error is a response.
    pub async fn handle(&self, request: &HttpRequest) -> HttpResponse {
        let Some((candidates, uuid)) = route(&request.path) else {
            return HttpResponse::detail(404, "Not found.");
        };
        if !request.user.as_ref().is_some_and(|u| u.is_staff) {
            return HttpResponse::detail(403, "You do not have permission to perform this action.");
        }
        let method = request.method.to_ascii_uppercase();
        let head = method == "HEAD";
        let Some(operation) = candidates.iter().copied().find(|op| match op.method() {
            Method::Get => method == "GET" || head,
            Method::Post => method == "POST",
        }) else {
            let allowed: Vec<&str> = candidates.iter().map(|op| op.method().as_str()).collect();
            let mut response =
                HttpResponse::detail(405, &format!("Method \"{method}\" not allowed."));
            response
                .headers
                .insert("allow".to_owned(), allowed.join(", "));
            return response;
        };
        match self.dispatch(operation, uuid, request, head).await {
            Ok(response) => response,
            Err(error) => HttpResponse::from_error(&error),
        }
    }

    async fn dispatch(
        &self,
        operation: Operation,
        uuid: Option<String>,
        request: &HttpRequest,
        head: bool,
    ) -> Result<HttpResponse> {
        let input = match operation.method() {
            Method::Get => {
                let mut query = request.query.clone();
                if let Some(uuid) = &uuid {
                    query.insert("uuid".to_owned(), json!(uuid));
                }
                Value::Object(query)
            }
            Method::Post => request.body.clone(),
        };
        let result = self
            .run(operation, &input, &request.base_url, &request_url(request))
            .await?;
        Ok(match result.page {
            Some(page) => {
                let rows = match result.body {
                    Value::Array(rows) => rows,
                    other => vec![other],
                };
                list_response(rows, &page, head)
            }
            None if result.accepted => HttpResponse::json(202, Value::Null),
            None if head => HttpResponse::json(200, Value::Null),
            None => HttpResponse::json(200, result.body),
        })
    }

    /// Runs one operation on its input (query parameters or body, as JSON), as the REST handler and the
    /// per-operation JS methods both do. `url` is the request's own URL, for the Link header of lists.
    pub async fn run(
        &self,
        operation: Operation,
        input: &Value,
        base_url: &str,
        url: &str,
    ) -> Result<OperationResult> {
        let validated = validate::validate(operation, input)?;
        let dry_run = if operation.method() == Method::Post {
            dry_run_of(input)?
        } else {
            false
        };
        let base = base_url.trim_end_matches('/');
        let body = |body: Value| OperationResult {
            body,
            page: None,
            accepted: false,
        };
        let list = |(rows, page): (Vec<Value>, Page)| OperationResult {
            body: Value::Array(rows),
            page: Some(page),
            accepted: false,
        };
        // Trigger operations answer 202 with no body; a dry run answers 200 with its plan.
        let accepted = |body: Value| OperationResult {
            body,
            page: None,
            accepted: !dry_run,
        };
        Ok(match validated {
            ValidatedRequest::BillingSyncsList(q) => {
                list(self.list_billing_syncs(&q, base, url).await?)
            }
            ValidatedRequest::BillingSyncsRetrieve(l) => {
                body(self.retrieve_billing_sync(&l.uuid, base).await?)
            }
            ValidatedRequest::PauseSync(r) => body(self.switch_sync(&r, false).await?),
            ValidatedRequest::ResumeSync(r) => body(self.switch_sync(&r, true).await?),
            ValidatedRequest::Reconcile(r) => accepted(self.reconcile(&r, dry_run).await?),
            ValidatedRequest::TriggerConsumptionSync(r) => {
                accepted(self.trigger_consumption_sync(&r, dry_run).await?)
            }
            ValidatedRequest::TriggerReconciliation(r) => {
                accepted(self.trigger_reconciliation(&r, dry_run).await?)
            }
            ValidatedRequest::TriggerSync(r) => accepted(self.trigger_sync(&r, dry_run).await?),
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
        })
    }
}

/// What an operation answered: its body, the page of a list, and whether it is a 202 trigger.
#[derive(Debug, Clone, PartialEq)]
pub struct OperationResult {
    pub body: Value,
    pub page: Option<Page>,
    pub accepted: bool,
}
