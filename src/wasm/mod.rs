//! The JS boundary: the only module that knows about `JsValue`. It turns JS input into core types, core
//! results into plain JS values, and core errors into `BillsyncError`s.

use serde::Serialize;
use wasm_bindgen::prelude::*;

use crate::error::Error;

mod args;
mod arrow;
mod arrow_admin;
mod engine;
mod finite;
mod foundation;
mod memory_store;
mod reconcile;
mod soracom;
mod soracom_csv;
mod timezones;

pub use foundation::*;

#[wasm_bindgen(module = "/src/wasm/billsync_error.js")]
extern "C" {
    #[wasm_bindgen(js_name = BillsyncError)]
    type JsBillsyncError;

    #[wasm_bindgen(constructor, js_class = "BillsyncError")]
    fn new(
        code: &str,
        message: &str,
        status: u16,
        fields: JsValue,
        details: JsValue,
    ) -> JsBillsyncError;

    /// The class itself, so the package can export it.
    #[wasm_bindgen(thread_local_v2, js_name = BillsyncError)]
    static BILLSYNC_ERROR_CLASS: JsValue;
}

/// The TypeScript generated from the Rust types (src/typegen): requests, records, settings, the changeset,
/// responses and `BillsyncErrorCode`. A unit test keeps the file equal to what the types generate.
#[wasm_bindgen(typescript_custom_section)]
const TS_GENERATED: &str = include_str!("generated.d.ts");

/// Every code a `BillsyncError` can carry, as `BillsyncErrorCode` lists them.
#[wasm_bindgen(js_name = errorCodes, unchecked_return_type = "BillsyncErrorCode[]")]
pub fn error_codes() -> Vec<String> {
    Error::ALL_CODES.iter().map(|c| (*c).to_owned()).collect()
}

/// The `BillsyncError` class, re-exported by the package facade (which declares it as `BillsyncError`, not
/// under this name: the Node facade removes it).
#[wasm_bindgen(js_name = billsyncErrorClass, skip_typescript)]
pub fn billsync_error_class() -> JsValue {
    BILLSYNC_ERROR_CLASS.with(JsValue::clone)
}

/// Plain JSON-like JS values: maps become objects, not `Map`s.
pub(crate) fn to_js<T: Serialize + ?Sized>(value: &T) -> Result<JsValue, JsValue> {
    let serializer = serde_wasm_bindgen::Serializer::json_compatible();
    value.serialize(&serializer).map_err(|e| {
        js_error(&Error::InvalidPayload {
            payload: "result".into(),
            offset: 0,
            reason: e.to_string(),
        })
    })
}

/// A JS value as JSON, for the core. Numbers arrive as f64; `undefined` becomes null.
pub(crate) fn from_js(value: JsValue, what: &str) -> Result<serde_json::Value, JsValue> {
    if value.is_undefined() {
        return Ok(serde_json::Value::Null);
    }
    args::json_of(value).map_err(|e| {
        js_error(&Error::InvalidPayload {
            payload: what.to_owned(),
            offset: 0,
            reason: e.to_string(),
        })
    })
}

/// A core error as a thrown `BillsyncError`.
pub(crate) fn js_error(error: &Error) -> JsValue {
    let fields = match error.fields() {
        Some(fields) => to_js(fields).unwrap_or(JsValue::NULL),
        None => JsValue::NULL,
    };
    let details = serde_json::to_value(ErrorDetails::of(error))
        .ok()
        .and_then(|v| to_js(&v).ok())
        .unwrap_or(JsValue::NULL);
    JsBillsyncError::new(
        error.code(),
        &error.to_string(),
        error.status(),
        fields,
        details,
    )
    .into()
}

/// Machine-readable context of an error (row, column, adapter call...), beside its message.
#[derive(Serialize)]
struct ErrorDetails<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    row: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    column: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    value: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    location: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    call: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    argument: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    expected: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    got: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    limit: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    unit: Option<&'a str>,
}

impl<'a> ErrorDetails<'a> {
    fn of(error: &'a Error) -> ErrorDetails<'a> {
        let mut d = ErrorDetails {
            row: None,
            column: None,
            value: None,
            location: None,
            call: None,
            argument: None,
            expected: None,
            got: None,
            limit: None,
            unit: None,
        };
        match error {
            Error::InvalidCell {
                row, column, value, ..
            } => {
                d.row = Some(*row);
                d.column = Some(column);
                d.value = Some(value);
            }
            Error::MissingColumn { column, .. } => d.column = Some(column),
            Error::InvalidAmount {
                location, value, ..
            } => {
                d.location = Some(location);
                d.value = Some(value);
            }
            Error::InvalidPeriod { input, .. } | Error::InvalidTimestamp { input, .. } => {
                d.value = Some(input)
            }
            Error::CurrencyMismatch { location, .. } | Error::InvalidCurrency { location, .. } => {
                d.location = Some(location)
            }
            Error::AdapterFailed { call, .. }
            | Error::StoreFailed { call, .. }
            | Error::NotImplemented { call } => d.call = Some(call),
            Error::InvalidArgument {
                argument,
                expected,
                got,
            } => {
                d.argument = Some(argument);
                d.expected = Some(expected);
                d.got = Some(got);
            }
            Error::PayloadTooLarge { limit, unit, .. } => {
                d.limit = Some(*limit);
                d.unit = Some(unit);
            }
            _ => {}
        }
        d
    }
}
