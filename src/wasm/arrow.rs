//! Arrow payload parsing and consumption aggregation, for JS.
//!
//! Payloads may be given as JSON text (the bulk path: one copy into wasm, parsed there), UTF-8 bytes, or
//! plain objects (converted field by field: fine for a page, slow for a million lines). Amounts come back
//! as exact decimal strings (`render_exact`: lossless, at least 2 decimals), never as JS numbers.

use std::cell::RefCell;

use js_sys::{Array, JsString, Reflect, Uint8Array};
use serde::Serialize;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use super::args::{invalid, optional_object_arg, string_arg};
use super::{from_js, js_error, to_js};
use crate::error::Error;
use crate::money::{render_exact, Currency};
use crate::readers::cells::period_of_text;
use crate::vendors::arrow::aggregate::{AggregateOptions, ConsumptionAggregator, ConsumptionTag};
use crate::vendors::arrow::{parse_billing_export_bytes, parse_billing_export_value};
use crate::vendors::arrow::{BillingExportPage, BillingLine};

#[wasm_bindgen(typescript_custom_section)]
const TS_ARROW: &str = r#"
/** A cell of an Arrow table as Arrow sends it. */
export type ArrowCell = string | number | null;
/** Arrow's Consumption API response. */
export interface ArrowConsumptionResponse { data: { headers: string[]; lines: ArrowCell[][] } }
/** One page of Arrow's billing export. */
export interface ArrowBillingExportResponse {
  data: { headers: string[]; values: ArrowCell[][] };
  pagination?: { perPage?: number | string };
}
/** A payload: its JSON text (fastest), its UTF-8 bytes, or the parsed object. */
export type ArrowPayload<T> = string | Uint8Array | T;
/** Options of consumption aggregation. */
export interface AggregateOptions {
  /** ISO 4217 currency of lines whose payload has no currency column. Without it such lines throw. */
  currency?: string;
}
/** Which consumption record a payload belongs to. */
export interface ConsumptionTag {
  resourceUuid: string;
  licenseReference: string;
  /** The month the payload was fetched for, "YYYY-MM" (or a date in it). Omit for a range fetch. */
  period?: string;
}
/** A tagged consumption payload, for `aggregateConsumption`. */
export interface ConsumptionPayload extends ConsumptionTag {
  payload: ArrowPayload<ArrowConsumptionResponse>;
}
/** Consumption totals of one resource, licence and month. Amounts are exact decimal strings. */
export interface ConsumptionAggregateRow {
  resource_uuid: string;
  license_reference: string;
  /** First day of the month, "YYYY-MM-DD". */
  billing_period: string;
  consumed_sell: string;
  consumed_buy: string;
  currency: string;
  lines: number;
}
/** The logical fields of a billing export. */
export type BillingExportField =
  | "line_reference" | "statement_reference" | "customer_reference" | "customer_name" | "classification"
  | "vendor_name" | "vendor_subscription_id" | "license_reference" | "description" | "quantity"
  | "sell" | "buy" | "currency" | "report_period";
/** One normalised billing export line. Amounts and quantity are exact decimal strings. */
export interface BillingExportLine {
  row: number;
  line_reference: string | null;
  statement_reference: string | null;
  customer_reference: string | null;
  customer_name: string;
  classification: string;
  vendor_name: string | null;
  vendor_subscription_id: string;
  license_reference: string | null;
  description: string | null;
  quantity: string | null;
  sell: string;
  buy: string;
  currency: string | null;
  /** "YYYY-MM". */
  report_period: string | null;
  /** The row's cells keyed by header, as received. */
  raw_data: Record<string, ArrowCell>;
}
/** A parsed billing export page. */
export interface ParsedBillingExport {
  /** Each field found, with the header it was found under. */
  columns: Partial<Record<BillingExportField, string>>;
  rows: BillingExportLine[];
  per_page: number | null;
  /** A page shorter than its page size (1000 when not given) is the last. */
  is_last_page: boolean;
}
"#;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_name = TextEncoder)]
    type JsTextEncoder;
    #[wasm_bindgen(constructor, js_class = "TextEncoder")]
    fn new() -> JsTextEncoder;
    #[wasm_bindgen(method, js_name = encodeInto)]
    fn encode_into(
        this: &JsTextEncoder,
        source: &JsString,
        destination: &Uint8Array,
    ) -> EncodeIntoResult;

    type EncodeIntoResult;
    #[wasm_bindgen(method, getter)]
    fn written(this: &EncodeIntoResult) -> u32;
}

thread_local! {
    static ENCODER: JsTextEncoder = JsTextEncoder::new();
    /// A JS-side buffer reused across calls: allocating (and zeroing) a fresh one per payload cost more than
    /// the encoding itself.
    static SCRATCH: RefCell<Uint8Array> = RefCell::new(Uint8Array::new_with_length(0));
}

/// A JS string's UTF-8 bytes. Bulk payloads are large strings, and the engine's native `encodeInto` copies
/// them about twice as fast as the character loop behind `JsValue::as_string` (measured in bench/README.md).
fn utf8_of(text: &JsString) -> Vec<u8> {
    // Each UTF-16 unit takes at most 3 UTF-8 bytes, so a buffer of that size always fits the whole string.
    let needed = u32::try_from((text.length() as usize).saturating_mul(3)).unwrap_or(u32::MAX);
    let encode = |buffer: &Uint8Array| {
        let written = ENCODER.with(|encoder| encoder.encode_into(text, buffer).written());
        buffer.subarray(0, written).to_vec()
    };
    if needed > SCRATCH_LIMIT {
        // A one-off giant payload gets a one-off buffer, rather than one kept alive for the next call.
        return encode(&Uint8Array::new_with_length(needed));
    }
    SCRATCH.with(|scratch| {
        let mut buffer = scratch.borrow_mut();
        if buffer.length() < needed {
            *buffer = Uint8Array::new_with_length(
                needed
                    .max(buffer.length().saturating_mul(2))
                    .min(SCRATCH_LIMIT),
            );
        }
        encode(&buffer)
    })
}

/// The largest scratch buffer kept between calls: a consumption or export page is a few hundred KB.
const SCRATCH_LIMIT: u32 = 16 << 20;

fn invalid_input(what: &str, reason: &str) -> JsValue {
    js_error(&Error::field(what, reason))
}

fn options_of(options: Option<JsValue>) -> Result<AggregateOptions, JsValue> {
    let options = optional_object_arg(
        options.unwrap_or(JsValue::UNDEFINED),
        "options",
        "an object { currency? }",
    )?;
    let currency = match options.get("currency") {
        None | Some(serde_json::Value::Null) => None,
        Some(serde_json::Value::String(code)) => {
            Some(Currency::parse(code, "currency").map_err(|e| js_error(&e))?)
        }
        Some(_) => return Err(invalid_input("currency", "Expected an ISO 4217 code.")),
    };
    Ok(AggregateOptions { currency })
}

fn string_field(object: &JsValue, key: &str) -> Result<Option<String>, JsValue> {
    let value = Reflect::get(object, &JsValue::from_str(key))
        .map_err(|_| invalid_input(key, "Could not be read."))?;
    if value.is_undefined() || value.is_null() {
        return Ok(None);
    }
    if !value.is_string() {
        return Err(invalid_input(key, "Expected a string."));
    }
    string_arg(&value, key).map(Some)
}

fn required_field(object: &JsValue, key: &str) -> Result<String, JsValue> {
    string_field(object, key)?
        .filter(|s| !s.trim().is_empty())
        .ok_or_else(|| invalid_input(key, "This field is required."))
}

/// A tag from `{ resourceUuid, licenseReference, period? }`; period is "YYYY-MM" or a date in the month.
fn tag_of(object: &JsValue) -> Result<ConsumptionTag, JsValue> {
    if !super::args::is_plain_object(object) {
        return Err(invalid(
            "tag",
            "an object { resourceUuid, licenseReference, period? }",
            object,
        ));
    }
    let period = string_field(object, "period")?
        .map(|text| period_of_text(&text))
        .transpose()
        .map_err(|e| js_error(&e))?;
    Ok(ConsumptionTag {
        resource_uuid: required_field(object, "resourceUuid")?,
        license_reference: required_field(object, "licenseReference")?,
        period,
    })
}

/// The payload of a tagged item: its `payload` (or `json` / `text`) member, or the item itself when it is an
/// Arrow response with the tag fields added to it (`{ resourceUuid, licenseReference, period, data }`).
fn payload_of(item: &JsValue) -> Result<JsValue, JsValue> {
    for key in ["payload", "json", "text"] {
        let value = Reflect::get(item, &JsValue::from_str(key))
            .map_err(|_| invalid_input(key, "Could not be read."))?;
        if !value.is_undefined() && !value.is_null() {
            return Ok(value);
        }
    }
    let data = Reflect::get(item, &JsValue::from_str("data")).unwrap_or(JsValue::UNDEFINED);
    if data.is_object() {
        return Ok(item.clone());
    }
    Err(invalid_input(
        "payload",
        "Each item needs its Arrow payload: a `payload` member (JSON text, bytes or object), or `data`.",
    ))
}

const PAYLOAD_FORMS: &str = "JSON text, UTF-8 bytes or an object";

/// Refuses a payload over the limit before it is copied into wasm (a string's UTF-16 length bounds its
/// UTF-8 length from below; the parser checks the exact bytes).
fn payload_size(length: u32, argument: &str) -> Result<(), JsValue> {
    crate::limits::check_payload_bytes(argument, length as usize).map_err(|e| js_error(&e))
}

/// Pushes a payload given as text, bytes or object.
fn push_payload(
    aggregator: &mut ConsumptionAggregator,
    tag: &ConsumptionTag,
    payload: JsValue,
) -> Result<u64, JsValue> {
    let pushed = if let Some(text) = payload.dyn_ref::<JsString>() {
        payload_size(text.length(), "payload")?;
        aggregator.push_bytes(tag, &utf8_of(text))
    } else if let Some(bytes) = payload.dyn_ref::<Uint8Array>() {
        payload_size(bytes.length(), "payload")?;
        aggregator.push_bytes(tag, &bytes.to_vec())
    } else if payload.is_object() {
        aggregator.push_value(tag, &from_js(payload, "payload")?)
    } else {
        return Err(invalid("payload", PAYLOAD_FORMS, &payload));
    };
    pushed.map_err(|e| js_error(&e))
}

/// Sums consumption payloads per (resource, licence, month) in one call.
#[wasm_bindgen(js_name = aggregateConsumption, unchecked_return_type = "ConsumptionAggregateRow[]")]
pub fn aggregate_consumption(
    #[wasm_bindgen(unchecked_param_type = "ConsumptionPayload[]")] payloads: JsValue,
    #[wasm_bindgen(unchecked_optional_param_type = "AggregateOptions")] options: Option<JsValue>,
) -> Result<JsValue, JsValue> {
    let mut aggregator = ConsumptionAggregator::new(options_of(options)?);
    let payloads = payloads
        .dyn_into::<Array>()
        .map_err(|other| invalid("payloads", "an array of tagged payloads", &other))?;
    for item in payloads.iter() {
        let tag = tag_of(&item)?;
        push_payload(&mut aggregator, &tag, payload_of(&item)?)?;
    }
    to_js(&aggregator.finish())
}

/// Streaming consumption aggregation: push payloads one by one (memory holds only the totals), merge
/// aggregators from other workers, and finish once.
// Every method borrows the object shared and keeps its state in a `RefCell`: `merge(other)` calls
// `other.clone()`, which may be this very object, and a shared borrow never trips wasm-bindgen's
// aliasing check (a trip would throw an uncoded error from inside wasm).
#[wasm_bindgen(js_name = ConsumptionAggregator)]
pub struct JsConsumptionAggregator {
    /// None once finished.
    inner: RefCell<Option<ConsumptionAggregator>>,
}

impl JsConsumptionAggregator {
    fn with<T>(
        &self,
        f: impl FnOnce(&mut ConsumptionAggregator) -> Result<T, JsValue>,
    ) -> Result<T, JsValue> {
        let mut inner = self
            .inner
            .try_borrow_mut()
            .map_err(|_| finished_error("busy"))?;
        match inner.as_mut() {
            Some(aggregator) => f(aggregator),
            None => Err(finished_error("finished")),
        }
    }
}

fn finished_error(state: &str) -> JsValue {
    js_error(&Error::InvalidArgument {
        argument: "this".into(),
        expected: "an aggregator that has not finished".into(),
        got: format!("a {state} aggregator"),
    })
}

#[wasm_bindgen(js_class = ConsumptionAggregator)]
impl JsConsumptionAggregator {
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(unchecked_optional_param_type = "AggregateOptions")] options: Option<
            JsValue,
        >,
    ) -> Result<JsConsumptionAggregator, JsValue> {
        Ok(JsConsumptionAggregator {
            inner: RefCell::new(Some(ConsumptionAggregator::new(options_of(options)?))),
        })
    }

    /// Adds one payload; returns its number of lines. A bad payload throws and changes nothing.
    pub fn push(
        &self,
        #[wasm_bindgen(unchecked_param_type = "ConsumptionTag")] tag: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "ArrowPayload<ArrowConsumptionResponse>")]
        payload: Option<JsValue>,
    ) -> Result<f64, JsValue> {
        let parsed = tag_of(&tag)?;
        // One argument carrying both the tag and the payload is accepted too.
        let payload = match payload {
            Some(p) if !p.is_undefined() => p,
            _ => payload_of(&tag)?,
        };
        // Line counts are far below 2^53: the conversion to a JS number is exact.
        self.with(|aggregator| push_payload(aggregator, &parsed, payload).map(|n| n as f64))
    }

    /// Adds `other`'s totals into this one; `other` is left as it was. Throws, changing nothing, if a
    /// key's currencies differ.
    pub fn merge(
        &self,
        #[wasm_bindgen(unchecked_param_type = "ConsumptionAggregator")] other: JsValue,
    ) -> Result<(), JsValue> {
        const EXPECTED: &str = "a ConsumptionAggregator";
        let clone = js_sys::Reflect::get(&other, &JsValue::from_str("clone"))
            .ok()
            .and_then(|f| f.dyn_into::<js_sys::Function>().ok())
            .ok_or_else(|| invalid("other", EXPECTED, &other))?;
        let copy = clone
            .call0(&other)
            .map_err(|_| invalid("other", EXPECTED, &other))?;
        let copy =
            <JsConsumptionAggregator as wasm_bindgen::convert::TryFromJsValue>::try_from_js_value(
                copy,
            )
            .map_err(|_| invalid("other", EXPECTED, &other))?;
        let Some(totals) = copy.inner.into_inner() else {
            return Err(finished_error("finished"));
        };
        self.with(|aggregator| aggregator.merge(totals).map_err(|e| js_error(&e)))
    }

    /// A new aggregator with the same totals.
    #[allow(clippy::should_implement_trait)]
    pub fn clone(&self) -> Result<JsConsumptionAggregator, JsValue> {
        let copy = self.with(|aggregator| Ok(aggregator.clone()))?;
        Ok(JsConsumptionAggregator {
            inner: RefCell::new(Some(copy)),
        })
    }

    /// The totals, ordered by resource, licence and month. The aggregator is finished: any later call
    /// throws `invalid_argument`.
    #[wasm_bindgen(unchecked_return_type = "ConsumptionAggregateRow[]")]
    pub fn finish(&self) -> Result<JsValue, JsValue> {
        let aggregator = self
            .inner
            .try_borrow_mut()
            .map_err(|_| finished_error("busy"))?
            .take()
            .ok_or_else(|| finished_error("finished"))?;
        to_js(&aggregator.finish())
    }
}

#[derive(Serialize)]
struct JsBillingLine<'a> {
    row: usize,
    line_reference: Option<&'a str>,
    statement_reference: Option<&'a str>,
    customer_reference: Option<&'a str>,
    customer_name: &'a str,
    classification: &'a str,
    vendor_name: Option<&'a str>,
    vendor_subscription_id: &'a str,
    license_reference: Option<&'a str>,
    description: Option<&'a str>,
    quantity: Option<String>,
    sell: String,
    buy: String,
    currency: Option<&'a str>,
    report_period: Option<String>,
    raw_data: serde_json::Map<String, serde_json::Value>,
}

impl<'a> JsBillingLine<'a> {
    fn of(page: &BillingExportPage, line: &'a BillingLine) -> JsBillingLine<'a> {
        JsBillingLine {
            row: line.row,
            line_reference: line.line_reference.as_deref(),
            statement_reference: line.statement_reference.as_deref(),
            customer_reference: line.customer_reference.as_deref(),
            customer_name: &line.customer_name,
            classification: &line.classification,
            vendor_name: line.vendor_name.as_deref(),
            vendor_subscription_id: &line.vendor_subscription_id,
            license_reference: line.license_reference.as_deref(),
            description: line.description.as_deref(),
            quantity: line.quantity.map(|q| q.normalize().to_string()),
            sell: render_exact(line.sell),
            buy: render_exact(line.buy),
            currency: line.currency.as_ref().map(Currency::as_str),
            report_period: line.report_period.map(|p| p.to_string()),
            raw_data: page.raw_data(line),
        }
    }
}

#[derive(Serialize)]
struct JsBillingExport<'a> {
    columns: serde_json::Map<String, serde_json::Value>,
    rows: Vec<JsBillingLine<'a>>,
    per_page: Option<u64>,
    is_last_page: bool,
}

/// One billing export page from JSON text, UTF-8 bytes or an object.
pub(crate) fn billing_export_page(
    input: JsValue,
    argument: &str,
) -> Result<BillingExportPage, JsValue> {
    if let Some(text) = input.dyn_ref::<JsString>() {
        payload_size(text.length(), argument)?;
        parse_billing_export_bytes(&utf8_of(text))
    } else if let Some(bytes) = input.dyn_ref::<Uint8Array>() {
        payload_size(bytes.length(), argument)?;
        parse_billing_export_bytes(&bytes.to_vec())
    } else if input.is_object() {
        parse_billing_export_value(&from_js(input, "payload")?)
    } else {
        return Err(invalid(argument, PAYLOAD_FORMS, &input));
    }
    .map_err(|e| js_error(&e))
}

/// Reads one billing export page: its columns (field → header) and its normalised lines.
#[wasm_bindgen(js_name = parseBillingExport, unchecked_return_type = "ParsedBillingExport")]
pub fn parse_billing_export_js(
    #[wasm_bindgen(unchecked_param_type = "ArrowPayload<ArrowBillingExportResponse>")]
    input: JsValue,
) -> Result<JsValue, JsValue> {
    let page = billing_export_page(input, "payload")?;
    let columns = page
        .columns
        .iter()
        .map(|c| {
            (
                c.field.name().to_owned(),
                serde_json::Value::String(c.header.clone()),
            )
        })
        .collect();
    to_js(&JsBillingExport {
        columns,
        rows: page
            .lines
            .iter()
            .map(|l| JsBillingLine::of(&page, l))
            .collect(),
        per_page: page.per_page,
        is_last_page: page.is_last_page(),
    })
}
