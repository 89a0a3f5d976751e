//! Soracom's REST surface: billsync's extension under `/api/admin/soracom/`, mirroring the Arrow one (sync
//! actions under `billing-syncs/`, the records under `consumption-records/`), plus the host's customers'
//! bills in Soracom's shapes under `customers/{uuid}/bills/`.

use serde_json::{Map, Value};

use super::port::SoracomApi;
use super::validate::{month_request, path_request, record_query, Operation};
use super::Soracom;
use crate::engine::{Clock, Engine, Progress, Store};
use crate::error::Result;
use crate::rest::http::{serve, HttpRequest, HttpResponse, Method, OperationResult, Route, Routes};

fn params(pairs: &[(&str, &str)]) -> Map<String, Value> {
    pairs
        .iter()
        .map(|(k, v)| ((*k).to_owned(), Value::String((*v).to_owned())))
        .collect()
}

/// Which operation a path names, and the parameters it holds.
fn route_of(path: &str) -> Option<Route<Operation>> {
    let path = path.split('?').next().unwrap_or("");
    let rest = path
        .trim_end_matches('/')
        .strip_prefix("/api/admin/soracom/")?;
    let segments: Vec<&str> = rest.split('/').collect();
    let one = |op: Operation, p: Map<String, Value>| Some((vec![op], p));
    match segments.as_slice() {
        ["billing-syncs", action] => {
            let ops: Vec<Operation> = Operation::ALL
                .into_iter()
                .filter(|op| op.path() == format!("/api/admin/soracom/billing-syncs/{action}/"))
                .collect();
            (!ops.is_empty()).then_some((ops, Map::new()))
        }
        ["consumption-records"] => one(Operation::RecordsList, Map::new()),
        ["consumption-records", uuid] => one(Operation::RecordsRetrieve, params(&[("uuid", uuid)])),
        ["customers", uuid, "bills"] => one(Operation::BillingHistory, params(&[("uuid", uuid)])),
        ["customers", uuid, "bills", "latest"] => {
            one(Operation::LatestBill, params(&[("uuid", uuid)]))
        }
        ["customers", uuid, "bills", month] => one(
            Operation::MonthlyBill,
            params(&[("uuid", uuid), ("yyyyMM", month)]),
        ),
        ["customers", uuid, "bills", month, "daily"] => one(
            Operation::DailyBills,
            params(&[("uuid", uuid), ("yyyyMM", month)]),
        ),
        _ => None,
    }
}

impl<S: Store, B: SoracomApi, C: Clock, P: Progress> Engine<S, Soracom<B>, C, P> {
    /// Serves one request of the Soracom admin API. Never fails: every error is a response.
    pub async fn handle(&self, request: &HttpRequest) -> HttpResponse {
        serve(self, request).await
    }
}

impl<S: Store, B: SoracomApi, C: Clock, P: Progress> Routes for Engine<S, Soracom<B>, C, P> {
    type Operation = Operation;
    const PREFIX: &'static str = "/api/admin/soracom/";

    async fn unowned(&self, query: &Value) -> Result<Value> {
        self.unowned_listing(super::VENDOR, query).await
    }

    fn route(path: &str) -> Option<Route<Operation>> {
        route_of(path)
    }

    fn method(operation: Operation) -> Method {
        operation.method()
    }

    async fn extension(&self, request: &HttpRequest) -> Option<HttpResponse> {
        crate::vendors::invoice_items::extension(&self.host, request).await
    }

    async fn run(
        &self,
        operation: Operation,
        input: &Value,
        base_url: &str,
        url: &str,
    ) -> Result<OperationResult> {
        let base = base_url.trim_end_matches('/');
        let body = |body: Value| OperationResult {
            body,
            page: None,
            accepted: false,
            status: None,
        };
        Ok(match operation {
            Operation::TriggerConsumptionSync => body(
                self.trigger_consumption_sync(&month_request(input, true)?)
                    .await?,
            ),
            Operation::TriggerReconciliation => body(
                self.trigger_reconciliation(&month_request(input, false)?)
                    .await?,
            ),
            Operation::DailyCheck => body(self.daily_check(&month_request(input, false)?).await?),
            Operation::ConsumptionStatistics => body(self.soracom_statistics().await?),
            Operation::ConsumptionStatus => body(self.soracom_status().await?),
            Operation::RecordsList => {
                let (rows, page) = self
                    .soracom_records(&record_query(input)?, base, url)
                    .await?;
                OperationResult {
                    body: Value::Array(rows),
                    page: Some(page),
                    accepted: false,
                    status: None,
                }
            }
            Operation::RecordsRetrieve => {
                let request = path_request(input, false)?;
                body(self.soracom_record(&request.uuid, base).await?)
            }
            Operation::BillingHistory => body(
                self.customer_billing_history(&path_request(input, false)?)
                    .await?,
            ),
            Operation::LatestBill => body(
                self.customer_latest_bill(&path_request(input, false)?)
                    .await?,
            ),
            Operation::MonthlyBill => body(
                self.customer_monthly_bill(&path_request(input, true)?)
                    .await?,
            ),
            Operation::DailyBills => body(
                self.customer_daily_bills(&path_request(input, true)?)
                    .await?,
            ),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_path_of_the_table_routes_to_its_operation() {
        for op in Operation::ALL {
            let path = op
                .path()
                .replace("{uuid}", "c0570be2-0000-4000-8000-000000000002")
                .replace("{yyyyMM}", "202501");
            let (ops, params) = route_of(&path).unwrap();
            assert!(ops.contains(&op), "{path}");
            assert_eq!(
                params.contains_key("yyyyMM"),
                op.path().contains("{yyyyMM}")
            );
        }
        assert!(route_of("/api/admin/soracom/billing-syncs/unknown/").is_none());
        assert!(route_of("/api/admin/arrow/billing-syncs/").is_none());
    }
}
