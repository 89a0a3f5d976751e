//! The in-memory store for JS: the Rust [`MemoryStore`] behind the store port's four methods, plus snapshot().

use std::cell::RefCell;
use std::rc::Rc;

use serde_json::{json, Value};
use wasm_bindgen::prelude::*;

use super::args::{object_arg, optional_object_arg, string_arg};
use super::{js_error, to_js};
use crate::changeset::Changeset;
use crate::engine::{ScanQuery, Store, Table};
use crate::error::{Error, Result};
use crate::store::MemoryStore;

/// The in-memory store, usable from Node and the browser. It implements the store port, so it can be passed
/// to `new ArrowEngine({ store })`.
#[wasm_bindgen(js_name = MemoryStore)]
pub struct JsMemoryStore {
    inner: Rc<RefCell<MemoryStore>>,
}

/// `createMemoryStore(initial)`: tables given as arrays of rows.
#[wasm_bindgen(js_name = createMemoryStore)]
pub fn create_memory_store(
    #[wasm_bindgen(unchecked_param_type = "StoreTables")] initial: JsValue,
) -> std::result::Result<JsMemoryStore, JsValue> {
    let initial = optional_object_arg(initial, "initial", "an object of tables (StoreTables)")?;
    let store = MemoryStore::from_tables(&initial).map_err(|e| js_error(&e))?;
    Ok(JsMemoryStore {
        inner: Rc::new(RefCell::new(store)),
    })
}

fn table_of(name: &str) -> Result<Table> {
    serde_json::from_value(json!(name))
        .map_err(|_| Error::field("table", format!("\"{name}\" is not a table.")))
}

#[wasm_bindgen(js_class = MemoryStore)]
impl JsMemoryStore {
    /// `new MemoryStore(initial)`, the same as `createMemoryStore(initial)`.
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(unchecked_optional_param_type = "StoreTables")] initial: JsValue,
    ) -> std::result::Result<JsMemoryStore, JsValue> {
        create_memory_store(initial)
    }

    #[wasm_bindgen(unchecked_return_type = "Record<string, unknown> | null")]
    pub fn get(
        &self,
        #[wasm_bindgen(unchecked_param_type = "TableName")] table: JsValue,
        #[wasm_bindgen(unchecked_param_type = "string")] uuid: JsValue,
    ) -> std::result::Result<JsValue, JsValue> {
        let table = table_of(&string_arg(&table, "table")?).map_err(|e| js_error(&e))?;
        let uuid = string_arg(&uuid, "uuid")?;
        let row = futures_now(self.inner.get(table, &uuid)).map_err(|e| js_error(&e))?;
        to_js(&row)
    }

    #[wasm_bindgen(unchecked_return_type = "Array<Record<string, unknown>>")]
    pub fn scan(
        &self,
        #[wasm_bindgen(unchecked_param_type = "TableName")] table: JsValue,
        #[wasm_bindgen(unchecked_param_type = "ScanQuery")] query: JsValue,
    ) -> std::result::Result<JsValue, JsValue> {
        let table = table_of(&string_arg(&table, "table")?).map_err(|e| js_error(&e))?;
        let query = optional_object_arg(query, "query", "a ScanQuery { where?, after?, limit }")?;
        let query = ScanQuery {
            filters: query
                .get("where")
                .and_then(Value::as_object)
                .cloned()
                .unwrap_or_default(),
            after: query
                .get("after")
                .and_then(Value::as_str)
                .map(str::to_owned),
            limit: query
                .get("limit")
                .and_then(Value::as_u64)
                .and_then(|l| usize::try_from(l).ok())
                .unwrap_or(usize::MAX),
        };
        let rows = futures_now(self.inner.scan(table, &query)).map_err(|e| js_error(&e))?;
        to_js(&rows)
    }

    #[wasm_bindgen(unchecked_return_type = "{ global_sync_enabled: boolean }")]
    pub fn flags(&self) -> std::result::Result<JsValue, JsValue> {
        let flags = futures_now(self.inner.flags()).map_err(|e| js_error(&e))?;
        to_js(&flags)
    }

    /// Applies a changeset all or nothing; throws (and changes nothing) if any intent fails.
    #[wasm_bindgen(unchecked_return_type = "ApplyReport")]
    pub fn commit(
        &self,
        #[wasm_bindgen(unchecked_param_type = "Changeset")] changeset: JsValue,
    ) -> std::result::Result<JsValue, JsValue> {
        let changeset: Changeset =
            serde_json::from_value(object_arg(changeset, "changeset", "a Changeset")?)
                .map_err(|e| js_error(&Error::field("changeset", e.to_string())))?;
        let report = futures_now(self.inner.commit(&changeset)).map_err(|e| js_error(&e))?;
        to_js(&report)
    }

    /// Every table as plain JSON arrays, invoice items included.
    #[wasm_bindgen(unchecked_return_type = "StoreTables")]
    pub fn snapshot(&self) -> std::result::Result<JsValue, JsValue> {
        let store = self.inner.try_borrow().map_err(|e| {
            js_error(&Error::StoreFailed {
                call: "snapshot".into(),
                message: e.to_string(),
            })
        })?;
        to_js(&store.to_tables())
    }
}

/// Runs a future that never waits (the memory store's), to completion.
fn futures_now<F: std::future::Future>(future: F) -> F::Output {
    let mut future = std::pin::pin!(future);
    let mut cx = std::task::Context::from_waker(std::task::Waker::noop());
    loop {
        if let std::task::Poll::Ready(v) = future.as_mut().poll(&mut cx) {
            return v;
        }
    }
}
