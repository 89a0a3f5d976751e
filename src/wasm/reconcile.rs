//! Reconciliation previews, for JS.

use js_sys::{Array, Reflect};
use wasm_bindgen::prelude::*;

use super::arrow::billing_export_page;
use super::timezones::IntlRules;
use super::{from_js, js_error};
use crate::engine::Payload;
use crate::ledger::{PreviewOutput, PreviewResult, PreviewRow};
use crate::vendors::arrow::line::BilledLine;
use crate::vendors::arrow::preview::preview_into as arrow_preview;
use crate::vendors::soracom::preview::preview_into as soracom_preview;

#[wasm_bindgen(typescript_custom_section)]
const TS_PREVIEW: &str = r#"
/** Settings a preview reconciles with. */
export interface PreviewSettings {
  invoice_price_source?: "sell" | "buy";
  invoice_item_prefix?: string;
  /** ISO 4217 currency of records and lines that name none. */
  currency?: string;
  /** Differences smaller than this are not compensated. Default "0.01". */
  reconciliation_tolerance?: string | number;
  /** Soracom: per SIM or device from the CSV (default), or the account's total from the bill. */
  granularity?: "subscriber" | "account";
}
/** The input of `previewReconciliation`. */
export interface PreviewInput {
  /** Whose final figures: Arrow's billing export (default) or Soracom's closed bill and CSV. */
  vendor?: "arrow" | "soracom";
  /** "YYYY-MM". */
  period: string;
  /** Consumption records exactly as the engine's consumption-records endpoint and `listConsumptionRecords()`
   * return them, or as the store holds them: each names its source under `license_reference` (Arrow) or
   * `subscriber` (Soracom: "imsi:…", "deviceId:…", "account"), or as stored under `source_ref`; amounts as
   * `consumed_sell`/`final_sell` or Soracom's `consumed_amount`/`final_amount`. Also as one JSON text or its
   * UTF-8 bytes, parsed in wasm: much faster for many records. */
  records: Array<Record<string, unknown>> | string | Uint8Array;
  /** Arrow's billing export: one page or a list of pages, each as JSON text, bytes or an object. */
  exportPayload?: ArrowPayload<ArrowBillingExportResponse> | Array<ArrowPayload<ArrowBillingExportResponse>>;
  /** Soracom: the closed month's MonthlyBill, as JSON text or an object. */
  bill?: string | Record<string, unknown>;
  /** Soracom: the month's billing CSV export, as text or bytes (for records per subscriber). */
  csv?: string | Uint8Array;
  settings?: PreviewSettings;
  force?: boolean;
  /** The instant to plan at (RFC 3339): the preview never reads a clock. */
  asOf: string;
  /** "UTC" (default) or a fixed offset such as "+02:00". */
  timezone?: string;
  /** The invoice items already billed for these records; inferred from the records when absent. */
  invoiceItems?: Array<Record<string, unknown>>;
  /** What comes back: "all" (default) the changeset and the summary; "summary" the summary alone (no
   * `changeset`); "totals" the summary's totals and counters, `records` empty. Without the changeset, the
   * plan runs a group of units at a time and keeps none of its writes: memory is one group's. */
  result?: "all" | "summary" | "totals";
  /** The summary's rows a page at a time, in the order the summary lists them, as they are planned; the
   * summary's `records` is then empty. With `result: "summary"` or `"totals"`, a month of any size is never
   * held whole. */
  onRows?: (rows: PreviewRecordRow[]) => void;
  /** Rows per page given to `onRows` (1 to 1,000,000; default 10,000); the last page may be shorter. */
  pageSize?: number;
}
/** What `previewReconciliation` returns with `result: "summary"` or `"totals"`: no changeset. */
export interface ReconciliationPreviewSummary {
  summary: PreviewSummary;
}
/** Runs a whole consumption reconciliation on in-memory input and returns the changeset it would commit,
 * with a summary per record and totals per currency and customer. Nothing is written anywhere. */
export function previewReconciliation(input: PreviewInput & { result?: "all" }): ReconciliationPreview;
export function previewReconciliation(input: PreviewInput & { result: "summary" | "totals" }): ReconciliationPreviewSummary;
export function previewReconciliation(input: PreviewInput): ReconciliationPreview | ReconciliationPreviewSummary;
/* RecordAction, PreviewRecordRow, PreviewTotal, PreviewSummary and ReconciliationPreview (the result) are
 * generated from the Rust types, with Changeset and Write (src/wasm/generated.d.ts). */
"#;

/// Runs a whole consumption reconciliation on in-memory input and returns the changeset it would commit,
/// with a summary per record and totals per currency and customer. Nothing is written anywhere.
/// Its declaration is written above (one per `result`).
#[wasm_bindgen(js_name = previewReconciliation, skip_typescript)]
pub fn preview_reconciliation_js(input: JsValue) -> Result<JsValue, JsValue> {
    js_sys::JSON::parse(&preview_json(&input)?)
}

/// `previewReconciliation` with the result as one JSON text, the form bulk data leaves wasm in: for a host
/// that stores, sends or streams it, or parses only what it shows. Its shape is `ReconciliationPreview`.
#[wasm_bindgen(js_name = previewReconciliationJson)]
pub fn preview_reconciliation_json_js(
    #[wasm_bindgen(unchecked_param_type = "PreviewInput")] input: JsValue,
) -> Result<String, JsValue> {
    preview_json(&input)
}

/// The preview of `input`, as JSON text.
fn preview_json(input: &JsValue) -> Result<String, JsValue> {
    super::args::require_object(input, "input", "a PreviewInput object")?;
    let result = result_of(input)?;
    let page_size = page_size_of(input)?;
    let on_rows = get(input, "onRows");
    let on_rows = match on_rows.dyn_into::<js_sys::Function>() {
        Ok(f) => Some(f),
        Err(v) if super::args::is_absent(&v) => None,
        Err(v) => return Err(super::args::invalid("input.onRows", "a function", &v)),
    };
    // A throw of the host's function is the call's, as it was thrown.
    let mut thrown: Option<JsValue> = None;
    let mut give = |rows: Vec<PreviewRow>| -> crate::error::Result<()> {
        let Some(f) = &on_rows else { return Ok(()) };
        let page = serde_json::to_string(&rows)
            .ok()
            .and_then(|t| js_sys::JSON::parse(&t).ok())
            .unwrap_or(JsValue::NULL);
        f.call1(&JsValue::UNDEFINED, &page).map(drop).map_err(|e| {
            thrown = Some(e);
            crate::error::Error::AdapterFailed {
                call: "onRows".to_owned(),
                message: "the host's function threw".to_owned(),
            }
        })
    };
    let text = preview_text(
        input,
        &mut PreviewOutput {
            result,
            on_rows: on_rows
                .is_some()
                .then_some((page_size, &mut give as &mut dyn FnMut(Vec<PreviewRow>) -> _)),
        },
    );
    match (text, thrown) {
        (Err(_), Some(e)) => Err(e),
        (text, _) => text,
    }
}

/// The preview of `input` as `output` asks for it, as JSON text.
fn preview_text(input: &JsValue, output: &mut PreviewOutput<'_>) -> Result<String, JsValue> {
    let vendor = Reflect::get(input, &JsValue::from_str("vendor")).unwrap_or(JsValue::UNDEFINED);
    if vendor.as_string().as_deref() == Some("soracom") {
        return soracom(input, output);
    }
    // The export can be large: it is parsed from its own text, not converted along with the rest.
    let export_key = JsValue::from_str("exportPayload");
    let export = Reflect::get(input, &export_key).unwrap_or(JsValue::UNDEFINED);
    let pages: Vec<JsValue> = if Array::is_array(&export) {
        Array::from(&export).iter().collect()
    } else {
        vec![export]
    };
    let mut lines = Vec::new();
    for (number, page) in (1u32..).zip(pages) {
        let page = billing_export_page(page, "input.exportPayload")?;
        lines.extend(
            page.lines
                .into_iter()
                .map(|l| BilledLine::of_export(l, number)),
        );
    }
    let (rest, records) = rest_of(input, &["exportPayload"])?;
    arrow_preview(&rest, records.as_deref(), &lines, &IntlRules, output)
        .and_then(|preview| preview.to_json())
        .map_err(|e| js_error(&e))
}

/// The fields of the input that are neither bulk (`records`, when it crosses as text, and `skip`) nor the
/// output's options, as JSON data; and the records' text.
fn rest_of(input: &JsValue, skip: &[&str]) -> Result<(serde_json::Value, Option<String>), JsValue> {
    let rest = js_sys::Object::assign(&js_sys::Object::new(), &input.clone().into());
    for key in skip.iter().chain(&["result", "onRows", "pageSize"]) {
        let _ = Reflect::delete_property(&rest, &JsValue::from_str(key));
    }
    // Records given as JSON text or bytes cross once and are read in place, not object by object; an array
    // of record objects crosses the same way, through V8's own JSON.stringify.
    let records = records_text(input)?;
    if records.is_some() {
        let _ = Reflect::delete_property(&rest, &JsValue::from_str("records"));
    }
    Ok((from_js(rest.into(), "preview input")?, records))
}

fn get(input: &JsValue, key: &str) -> JsValue {
    Reflect::get(input, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED)
}

/// `input.result`: what of the preview comes back.
fn result_of(input: &JsValue) -> Result<PreviewResult, JsValue> {
    let value = get(input, "result");
    match value.as_string().as_deref() {
        _ if super::args::is_absent(&value) => Ok(PreviewResult::All),
        Some("all") => Ok(PreviewResult::All),
        Some("summary") => Ok(PreviewResult::Summary),
        Some("totals") => Ok(PreviewResult::Totals),
        _ => Err(super::args::invalid(
            "input.result",
            "\"all\", \"summary\" or \"totals\"",
            &value,
        )),
    }
}

/// Rows per page at most.
const MAX_PAGE_SIZE: f64 = 1_000_000.0;
const DEFAULT_PAGE_SIZE: usize = 10_000;

/// `input.pageSize`: rows per page given to `onRows`.
fn page_size_of(input: &JsValue) -> Result<usize, JsValue> {
    let value = get(input, "pageSize");
    if super::args::is_absent(&value) {
        return Ok(DEFAULT_PAGE_SIZE);
    }
    match value.as_f64() {
        Some(n) if n.fract() == 0.0 && (1.0..=MAX_PAGE_SIZE).contains(&n) => Ok(n as usize),
        _ => Err(super::args::invalid(
            "input.pageSize",
            "an integer from 1 to 1000000",
            &value,
        )),
    }
}

/// `input.records` when it is JSON text or UTF-8 bytes, as text; None when it is anything else (an array of
/// record objects is converted with the rest of the input).
fn records_text(input: &JsValue) -> Result<Option<String>, JsValue> {
    let value = Reflect::get(input, &JsValue::from_str("records")).unwrap_or(JsValue::UNDEFINED);
    if let Some(text) = value.as_string() {
        check_size(text.len())?;
        return Ok(Some(text));
    }
    if Array::is_array(&value) {
        // V8's JSON.stringify is native and fast; what it cannot write (a BigInt, a cycle) is converted
        // with the rest of the input instead, whose errors are coded.
        if let Some(text) = js_sys::JSON::stringify(&value)
            .ok()
            .and_then(|t| t.as_string())
        {
            return Ok(Some(text));
        }
        return Ok(None);
    }
    let Some(bytes) = value.dyn_ref::<js_sys::Uint8Array>() else {
        return Ok(None);
    };
    check_size(bytes.length() as usize)?;
    String::from_utf8(bytes.to_vec()).map(Some).map_err(|e| {
        js_error(&crate::error::Error::InvalidPayload {
            payload: "input.records".to_owned(),
            offset: e.utf8_error().valid_up_to(),
            reason: "not UTF-8".to_owned(),
        })
    })
}

fn check_size(bytes: usize) -> Result<(), JsValue> {
    crate::limits::check_payload_bytes("input.records", bytes).map_err(|e| js_error(&e))
}

/// Text or bytes of a bulk input field, as bytes; None when absent.
fn bulk(input: &JsValue, key: &str) -> Result<Option<Vec<u8>>, JsValue> {
    let value = Reflect::get(input, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED);
    if value.is_undefined() || value.is_null() {
        return Ok(None);
    }
    if let Some(text) = value.as_string() {
        return Ok(Some(text.into_bytes()));
    }
    if let Some(bytes) = value.dyn_ref::<js_sys::Uint8Array>() {
        return Ok(Some(bytes.to_vec()));
    }
    Err(super::args::invalid(
        &format!("input.{key}"),
        "text or a Uint8Array",
        &value,
    ))
}

/// A Soracom preview: the closed month's `bill` (JSON text or an object) and its `csv` export (text or
/// bytes, for records per subscriber), both read apart from the rest of the input.
fn soracom(input: &JsValue, output: &mut PreviewOutput<'_>) -> Result<String, JsValue> {
    let bill_value = Reflect::get(input, &JsValue::from_str("bill")).unwrap_or(JsValue::UNDEFINED);
    let bill = if let Some(text) = bill_value.as_string() {
        Payload::Text(text)
    } else if bill_value.is_object() {
        Payload::Json(from_js(bill_value, "input.bill")?)
    } else {
        return Err(js_error(&crate::error::Error::field(
            "bill",
            "The month's MonthlyBill (JSON text or an object) is required.",
        )));
    };
    let csv = bulk(input, "csv")?;
    let (rest, records) = rest_of(input, &["bill", "csv", "vendor"])?;
    soracom_preview(
        &rest,
        records.as_deref(),
        bill,
        csv.as_deref(),
        &IntlRules,
        output,
    )
    .and_then(|preview| preview.to_json())
    .map_err(|e| js_error(&e))
}
