//! Reconciliation previews, for JS.

use js_sys::{Array, Reflect};
use wasm_bindgen::prelude::*;

use super::arrow::billing_export_page;
use super::timezones::IntlRules;
use super::{from_js, js_error};
use crate::engine::Payload;
use crate::vendors::arrow::line::BilledLine;
use crate::vendors::arrow::preview::preview as arrow_preview;
use crate::vendors::soracom::preview::preview as soracom_preview;

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
}
/* RecordAction, PreviewRecordRow, PreviewTotal, PreviewSummary and ReconciliationPreview (the result) are
 * generated from the Rust types, with Changeset and Write (src/wasm/generated.d.ts). */
"#;

/// Runs a whole consumption reconciliation on in-memory input and returns the changeset it would commit,
/// with a summary per record and totals per currency and customer. Nothing is written anywhere.
#[wasm_bindgen(js_name = previewReconciliation, unchecked_return_type = "ReconciliationPreview")]
pub fn preview_reconciliation_js(
    #[wasm_bindgen(unchecked_param_type = "PreviewInput")] input: JsValue,
) -> Result<JsValue, JsValue> {
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
    let vendor = Reflect::get(input, &JsValue::from_str("vendor")).unwrap_or(JsValue::UNDEFINED);
    if vendor.as_string().as_deref() == Some("soracom") {
        return soracom(input);
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
    let rest = js_sys::Object::assign(&js_sys::Object::new(), &input.clone().into());
    let _ = Reflect::delete_property(&rest, &export_key);
    // Records given as JSON text or bytes cross once and are read in place, not object by object.
    let records = records_text(input)?;
    if records.is_some() {
        let _ = Reflect::delete_property(&rest, &JsValue::from_str("records"));
    }
    let input = from_js(rest.into(), "preview input")?;
    arrow_preview(&input, records.as_deref(), &lines, &IntlRules)
        .and_then(|preview| preview.to_json())
        .map_err(|e| js_error(&e))
}

/// `input.records` when it is JSON text or UTF-8 bytes, as text; None when it is anything else (an array of
/// record objects is converted with the rest of the input).
fn records_text(input: &JsValue) -> Result<Option<String>, JsValue> {
    let value = Reflect::get(input, &JsValue::from_str("records")).unwrap_or(JsValue::UNDEFINED);
    if let Some(text) = value.as_string() {
        check_size(text.len())?;
        return Ok(Some(text));
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
fn soracom(input: &JsValue) -> Result<String, JsValue> {
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
    let records = records_text(input)?;
    let rest = js_sys::Object::assign(&js_sys::Object::new(), &input.clone().into());
    for key in ["bill", "csv", "vendor"] {
        let _ = Reflect::delete_property(&rest, &JsValue::from_str(key));
    }
    if records.is_some() {
        let _ = Reflect::delete_property(&rest, &JsValue::from_str("records"));
    }
    let rest = from_js(rest.into(), "preview input")?;
    soracom_preview(&rest, records.as_deref(), bill, csv.as_deref(), &IntlRules)
        .and_then(|preview| preview.to_json())
        .map_err(|e| js_error(&e))
}
