//! The Soracom engine for JS: the host's Soracom adapter becomes the Soracom port, over the same store,
//! clock and progress callback as Arrow's engine.

use std::rc::Rc;

use js_sys::Promise;
use serde_json::{json, Value};
use wasm_bindgen::prelude::*;

use super::args::{optional_object_arg, string_arg};
use super::engine::{
    run_promise, serve_promise, vendor_payload, HostOptions, JsClock, JsProgress, JsStore,
};
use super::finite::check_finite;
use crate::engine::{Engine, Payload};
use crate::error::{Error, Result};
use crate::period::Period;
use crate::rest::http::Method;
use crate::vendors::soracom::validate::Operation;
use crate::vendors::soracom::{ExportMode, Soracom, SoracomApi};

#[wasm_bindgen(typescript_custom_section)]
const TS_SORACOM: &str = r#"
/** Soracom's BillingApi calls; each returns Soracom's raw payload as JSON text (fastest), bytes or an object.
 * A month with no bill is a 404: throw an error with `status: 404` (or a `code` ending in "not_found"), or
 * return null. `download` returns the exported CSV as text or bytes. */
export interface SoracomAdapter {
  getBilling(args: { yyyyMM: string }): MaybePromise<string | Uint8Array | object | null>;
  getLatestBilling(): MaybePromise<string | Uint8Array | object>;
  getBillingHistory(): MaybePromise<string | Uint8Array | object>;
  getBillingPerDay(args: { yyyyMM: string }): MaybePromise<string | Uint8Array | object | null>;
  exportBilling(args: { yyyyMM: string; exportMode: "sync" | "async" }): MaybePromise<string | Uint8Array | object>;
  exportLatestBilling(args: { exportMode: "sync" | "async" }): MaybePromise<string | Uint8Array | object>;
  /** A poll of an asynchronous export; the adapter may wait a little before answering. */
  getExportedFile(args: { exportedFileId: string }): MaybePromise<string | Uint8Array | object>;
  download(args: { url: string }): MaybePromise<string | Uint8Array>;
}
export interface SoracomEngineOptions {
  soracom: SoracomAdapter;
  store: BillsyncStore;
  clock: { now(): string | Date };
  /** "UTC" (default), a fixed offset such as "+02:00", or an IANA zone such as "Europe/Berlin". */
  timezone?: string;
  onProgress?: (event: ProgressEventInfo) => void;
  baseUrl?: string;
}
"#;

/// The host's Soracom adapter.
pub(crate) struct JsSoracom(JsValue);

impl JsSoracom {
    async fn payload(&self, method: &str, args: &[Value]) -> Result<Payload> {
        vendor_payload(&self.0, "soracom", method, args, false)
            .await?
            .ok_or_else(|| Error::AdapterFailed {
                call: format!("soracom.{method}"),
                message: "the adapter returned nothing".into(),
            })
    }
}

impl SoracomApi for JsSoracom {
    async fn get_billing(&self, month: Period) -> Result<Option<Payload>> {
        vendor_payload(
            &self.0,
            "soracom",
            "getBilling",
            &[json!({ "yyyyMM": month.compact() })],
            true,
        )
        .await
    }

    async fn get_latest_billing(&self) -> Result<Payload> {
        self.payload("getLatestBilling", &[]).await
    }

    async fn get_billing_history(&self) -> Result<Payload> {
        self.payload("getBillingHistory", &[]).await
    }

    async fn get_billing_per_day(&self, month: Period) -> Result<Option<Payload>> {
        vendor_payload(
            &self.0,
            "soracom",
            "getBillingPerDay",
            &[json!({ "yyyyMM": month.compact() })],
            true,
        )
        .await
    }

    async fn export_billing(&self, month: Period, mode: ExportMode) -> Result<Payload> {
        self.payload(
            "exportBilling",
            &[json!({ "yyyyMM": month.compact(), "exportMode": mode.as_str() })],
        )
        .await
    }

    async fn export_latest_billing(&self, mode: ExportMode) -> Result<Payload> {
        self.payload(
            "exportLatestBilling",
            &[json!({ "exportMode": mode.as_str() })],
        )
        .await
    }

    async fn get_exported_file(&self, exported_file_id: &str) -> Result<Payload> {
        self.payload(
            "getExportedFile",
            &[json!({ "exportedFileId": exported_file_id })],
        )
        .await
    }

    async fn download(&self, url: &str) -> Result<Payload> {
        self.payload("download", &[json!({ "url": url })]).await
    }
}

type HostEngine = Engine<JsStore, Soracom<JsSoracom>, JsClock, JsProgress>;

/// billsync's Soracom engine, over the host's adapters.
#[wasm_bindgen(js_name = SoracomEngine)]
pub struct JsSoracomEngine {
    inner: Rc<HostEngine>,
    base_url: String,
}

#[wasm_bindgen(js_class = SoracomEngine)]
impl JsSoracomEngine {
    /// `new SoracomEngine({ soracom, store, clock, timezone, onProgress, baseUrl })`.
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(unchecked_param_type = "SoracomEngineOptions")] options: JsValue,
    ) -> std::result::Result<JsSoracomEngine, JsValue> {
        let host = HostOptions::read(
            &options,
            "soracom",
            &[
                "getBilling",
                "getLatestBilling",
                "getBillingHistory",
                "getBillingPerDay",
                "exportBilling",
                "exportLatestBilling",
                "getExportedFile",
                "download",
            ],
        )?;
        Ok(JsSoracomEngine {
            inner: Rc::new(Engine::new(
                host.store,
                Soracom {
                    api: JsSoracom(host.vendor),
                },
                host.clock,
                host.zone,
                host.progress,
            )),
            base_url: host.base_url,
        })
    }

    /// Serves one REST request under `/api/admin/soracom/`: `{ status, headers, body }`. Errors are
    /// responses; it rejects only when `request` is not a request object (`invalid_argument`).
    #[wasm_bindgen(unchecked_return_type = "Promise<BillsyncHttpResponse>")]
    pub fn handle(
        &self,
        #[wasm_bindgen(unchecked_param_type = "BillsyncHttpRequest")] request: JsValue,
    ) -> Promise {
        serve_promise(Rc::clone(&self.inner), self.base_url.clone(), request)
    }

    /// The FOCUS 1.4 export of a billing period's invoice items (both vendors), streamed to
    /// `options.onChunk` a page at a time; resolves to what it wrote. Progress goes to `onProgress` as
    /// `focus_export`.
    #[wasm_bindgen(js_name = focusExport, unchecked_return_type = "Promise<FocusExportSummary>")]
    pub fn focus_export(
        &self,
        #[wasm_bindgen(unchecked_param_type = "FocusExportOptions")] options: JsValue,
    ) -> Promise {
        super::focus::focus_promise(
            Rc::clone(&self.inner) as Rc<dyn super::focus::FocusHost>,
            crate::vendors::soracom::VENDOR,
            options,
        )
    }

    fn operation(
        &self,
        operation: Operation,
        input: std::result::Result<Value, JsValue>,
    ) -> Promise {
        run_promise(
            Rc::clone(&self.inner),
            self.base_url.clone(),
            operation,
            input,
        )
    }

    fn body(&self, operation: Operation, input: JsValue) -> Promise {
        let argument = match operation.method() {
            Method::Get => "query",
            _ => "body",
        };
        self.operation(
            operation,
            check_finite(&input)
                .and_then(|()| optional_object_arg(input, argument, "an object, or null")),
        )
    }

    fn customer(
        &self,
        operation: Operation,
        customer: &JsValue,
        month: Option<&JsValue>,
    ) -> Promise {
        let input = string_arg(customer, "customerUuid").and_then(|uuid| match month {
            Some(month) => {
                string_arg(month, "yyyyMM").map(|m| json!({ "uuid": uuid, "yyyyMM": m }))
            }
            None => Ok(json!({ "uuid": uuid })),
        });
        self.operation(operation, input)
    }

    #[wasm_bindgen(js_name = triggerConsumptionSync, unchecked_return_type = "Promise<SoracomConsumptionSyncResponse>")]
    pub fn trigger_consumption_sync(
        &self,
        #[wasm_bindgen(unchecked_param_type = "SoracomMonthRequest")] body: JsValue,
    ) -> Promise {
        self.body(Operation::TriggerConsumptionSync, body)
    }

    #[wasm_bindgen(js_name = triggerReconciliation, unchecked_return_type = "Promise<SoracomReconciliationResponse>")]
    pub fn trigger_reconciliation(
        &self,
        #[wasm_bindgen(unchecked_param_type = "SoracomMonthRequest")] body: JsValue,
    ) -> Promise {
        self.body(Operation::TriggerReconciliation, body)
    }

    /// The month's daily bills against its monthly bill, explained.
    #[wasm_bindgen(js_name = dailyCheck, unchecked_return_type = "Promise<SoracomDailyCheck>")]
    pub fn daily_check(
        &self,
        #[wasm_bindgen(unchecked_param_type = "SoracomMonthRequest")] body: JsValue,
    ) -> Promise {
        self.body(Operation::DailyCheck, body)
    }

    #[wasm_bindgen(js_name = consumptionStatistics, unchecked_return_type = "Promise<SoracomConsumptionStatistics>")]
    pub fn consumption_statistics(&self) -> Promise {
        self.body(Operation::ConsumptionStatistics, JsValue::NULL)
    }

    #[wasm_bindgen(js_name = consumptionStatus, unchecked_return_type = "Promise<SoracomConsumptionStatus>")]
    pub fn consumption_status(&self) -> Promise {
        self.body(Operation::ConsumptionStatus, JsValue::NULL)
    }

    #[wasm_bindgen(js_name = listConsumptionRecords, unchecked_return_type = "Promise<Array<SoracomRecordView>>")]
    pub fn list_consumption_records(
        &self,
        #[wasm_bindgen(unchecked_optional_param_type = "SoracomRecordQuery | null")] query: JsValue,
    ) -> Promise {
        self.body(Operation::RecordsList, query)
    }

    /// One of Soracom's consumption records. Rejects with `not_found` when the store has no Soracom record
    /// with that uuid (it never resolves to null).
    #[wasm_bindgen(js_name = retrieveConsumptionRecord, unchecked_return_type = "Promise<SoracomRecordView>")]
    pub fn retrieve_consumption_record(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] uuid: JsValue,
    ) -> Promise {
        let input = string_arg(&uuid, "uuid").map(|uuid| json!({ "uuid": uuid }));
        self.operation(Operation::RecordsRetrieve, input)
    }

    /// A host customer's bill of a month, in Soracom's MonthlyBill shape. Rejects with `not_found` when the
    /// customer, or its records of that month, do not exist.
    #[wasm_bindgen(js_name = monthlyBill, unchecked_return_type = "Promise<SoracomMonthlyBill>")]
    pub fn monthly_bill(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] customer_uuid: JsValue,
        #[wasm_bindgen(unchecked_param_type = "string")] yyyy_mm: JsValue,
    ) -> Promise {
        self.customer(Operation::MonthlyBill, &customer_uuid, Some(&yyyy_mm))
    }

    /// A host customer's latest month, in Soracom's GetLatestBill shape. Rejects with `not_found` when the
    /// customer, or any record of it, does not exist.
    #[wasm_bindgen(js_name = latestBill, unchecked_return_type = "Promise<SoracomLatestBill>")]
    pub fn latest_bill(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] customer_uuid: JsValue,
    ) -> Promise {
        self.customer(Operation::LatestBill, &customer_uuid, None)
    }

    /// A host customer's days of a month, in Soracom's DailyBillResponse shape (an empty `billList` when
    /// there are none).
    #[wasm_bindgen(js_name = dailyBills, unchecked_return_type = "Promise<SoracomDailyBills>")]
    pub fn daily_bills(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] customer_uuid: JsValue,
        #[wasm_bindgen(unchecked_param_type = "string")] yyyy_mm: JsValue,
    ) -> Promise {
        self.customer(Operation::DailyBills, &customer_uuid, Some(&yyyy_mm))
    }

    /// A host customer's closed months, in Soracom's GetBillingHistoryResponse shape (an empty `billList`
    /// when there are none).
    #[wasm_bindgen(js_name = billingHistory, unchecked_return_type = "Promise<SoracomBillingHistory>")]
    pub fn billing_history(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] customer_uuid: JsValue,
    ) -> Promise {
        self.customer(Operation::BillingHistory, &customer_uuid, None)
    }
}
