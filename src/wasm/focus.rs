//! `engine.focusExport({ period, format, issuer, onChunk })` for either engine: the FOCUS export of a
//! billing period, handed to `onChunk` a page of rows at a time (it may return a Promise: the export waits
//! for it, so a host can wait for its socket to drain).

use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;

use js_sys::{Function, Promise, Reflect};
use serde_json::json;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::{future_to_promise, JsFuture};

use super::args::{invalid, optional_string_member, require_object, string_arg};
use super::engine::{JsClock, JsProgress, JsStore};
use super::{js_error, to_js};
use crate::engine::Engine;
use crate::error::{Error, Result};
use crate::vendors::focus_export::{
    export, focus_export_query, FocusExportQuery, FocusExportSummary,
};

#[wasm_bindgen(typescript_custom_section)]
const TS_FOCUS: &str = r#"
/** What to export: the items on the invoices of `period` ("YYYY-MM"), both vendors, in FOCUS 1.4's columns. */
export interface FocusExportOptions {
  period: string;
  /** "csv" (default; RFC 4180 with a header row) or "jsonl" (one JSON object a line). */
  format?: "csv" | "jsonl";
  /** InvoiceIssuerName: the host's name ("billsync host" when not given). */
  issuer?: string;
  /** Called with each page of rows as text, in order; may return a Promise, which the export waits for. */
  onChunk(chunk: string): void | Promise<unknown>;
}
/** What an export wrote: its rows, Σ BilledCost per currency (exact), and the dataset's FOCUS metadata. */
export interface FocusExportSummary { rows: number; billed_cost: Record<string, string>; metadata: Record<string, string> }
"#;

const OPTIONS: &str = "an object { period, format?, issuer?, onChunk }";

type Sink<'a> = dyn FnMut(String) -> Pin<Box<dyn Future<Output = Result<()>>>> + 'a;
type Exported<'a> = Pin<Box<dyn Future<Output = Result<FocusExportSummary>> + 'a>>;

/// Either engine's host, behind one vtable: the export's state machine is compiled once, not once per
/// engine (the wasm size budget counts every copy).
pub(crate) trait FocusHost {
    fn focus<'a>(
        &'a self,
        query: &'a FocusExportQuery,
        own: &'static str,
        sink: &'a mut Sink<'a>,
    ) -> Exported<'a>;
}

impl<V> FocusHost for Engine<JsStore, V, JsClock, JsProgress> {
    fn focus<'a>(
        &'a self,
        query: &'a FocusExportQuery,
        own: &'static str,
        sink: &'a mut Sink<'a>,
    ) -> Exported<'a> {
        Box::pin(export(&self.host, query, own, sink))
    }
}

pub(crate) fn focus_promise(
    engine: Rc<dyn FocusHost>,
    own: &'static str,
    options: JsValue,
) -> Promise {
    let checked = (|| {
        require_object(&options, "options", OPTIONS)?;
        let member = |key: &str| {
            Reflect::get(&options, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED)
        };
        let on_chunk = member("onChunk")
            .dyn_into::<Function>()
            .map_err(|v| invalid("options.onChunk", "a function", &v))?;
        let period = string_arg(&member("period"), "options.period")?;
        let format = optional_string_member(&options, "format", "options.format")?;
        let issuer = optional_string_member(&options, "issuer", "options.issuer")?;
        let query =
            focus_export_query(&json!({ "period": period, "format": format, "issuer": issuer }))
                .map_err(|e| js_error(&e))?;
        Ok::<_, JsValue>((on_chunk, query))
    })();
    future_to_promise(async move {
        let (on_chunk, query) = checked?;
        let mut sink = |chunk: String| {
            let on_chunk = on_chunk.clone();
            Box::pin(async move {
                let failed = |e: JsValue| Error::AdapterFailed {
                    call: "onChunk".into(),
                    message: e
                        .dyn_ref::<js_sys::Error>()
                        .map(|e| String::from(e.message()))
                        .unwrap_or_else(|| format!("{e:?}")),
                };
                let returned = on_chunk
                    .call1(&JsValue::NULL, &JsValue::from_str(&chunk))
                    .map_err(failed)?;
                JsFuture::from(Promise::resolve(&returned))
                    .await
                    .map(|_| ())
                    .map_err(failed)
            }) as Pin<Box<dyn Future<Output = Result<()>>>>
        };
        let summary = engine
            .focus(&query, own, &mut sink)
            .await
            .map_err(|e| js_error(&e))?;
        to_js(&summary)
    })
}
