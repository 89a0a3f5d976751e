//! The in-memory store for JS: the Rust [`MemoryStore`] behind the store port's four methods, plus snapshot().

use std::cell::RefCell;
use std::rc::Rc;

use serde_json::Value;
use wasm_bindgen::prelude::*;

use super::args::{object_arg, optional_object_arg, string_arg};
use super::{js_error, to_js};
use crate::engine::{tables, ScanQuery, Store};
use crate::error::Error;
use crate::ledger::changeset::Changeset;
use crate::store::{resolve_commit, Effect, Held, MemoryStore};

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
    let store = MemoryStore::from_tables(&initial, tables::check_row).map_err(|e| js_error(&e))?;
    Ok(JsMemoryStore {
        inner: Rc::new(RefCell::new(store)),
    })
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

    #[wasm_bindgen(unchecked_return_type = "VersionedRow | null")]
    pub fn get(
        &self,
        #[wasm_bindgen(unchecked_param_type = "TableName")] table: JsValue,
        #[wasm_bindgen(unchecked_param_type = "string")] id: JsValue,
    ) -> std::result::Result<JsValue, JsValue> {
        let table = string_arg(&table, "table")?;
        let id = string_arg(&id, "id")?;
        let row = futures_now(self.inner.get(&table, &id)).map_err(|e| js_error(&e))?;
        to_js(&row)
    }

    #[wasm_bindgen(unchecked_return_type = "Array<VersionedRow>")]
    pub fn scan(
        &self,
        #[wasm_bindgen(unchecked_param_type = "TableName")] table: JsValue,
        #[wasm_bindgen(unchecked_param_type = "ScanQuery")] query: JsValue,
    ) -> std::result::Result<JsValue, JsValue> {
        let table = string_arg(&table, "table")?;
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
        let rows = futures_now(self.inner.scan(&table, &query)).map_err(|e| js_error(&e))?;
        to_js(&rows)
    }

    /// Applies a changeset all or nothing; throws (and changes nothing) if any intent fails.
    #[wasm_bindgen(unchecked_return_type = "ApplyReport")]
    pub fn commit(
        &self,
        #[wasm_bindgen(unchecked_param_type = "Changeset | HostChangeset")] changeset: JsValue,
    ) -> std::result::Result<JsValue, JsValue> {
        let changeset = changeset_from_js(changeset)?;
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
        // Every table the engine knows is there, empty or not.
        let mut tables = store.to_tables();
        if let Some(object) = tables.as_object_mut() {
            for table in crate::engine::tables::TABLES {
                object
                    .entry((*table).to_owned())
                    .or_insert_with(|| Value::Array(Vec::new()));
            }
        }
        to_js(&tables)
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

/// A changeset from JS: as the engine hands it to a store (rows as JSON text) or with rows as objects.
pub(crate) fn changeset_from_js(value: JsValue) -> std::result::Result<Changeset, JsValue> {
    let mut value = object_arg(value, "changeset", "a Changeset")?;
    if let Some(writes) = value.get_mut("writes").and_then(Value::as_array_mut) {
        for (i, write) in writes.iter_mut().enumerate() {
            if let Some(row) = write.get_mut("row") {
                if let Some(text) = row.as_str() {
                    *row = serde_json::from_str(text).map_err(|e| {
                        js_error(&Error::field(
                            &format!("changeset.writes[{i}].row"),
                            e.to_string(),
                        ))
                    })?;
                }
            }
        }
    }
    serde_json::from_value(value).map_err(|e| js_error(&Error::field("changeset", e.to_string())))
}

/// `resolveCommit(changeset, held)`: how a changeset is applied, for a host's own store to run inside its
/// transaction (the rule is written once, in Rust: [`resolve_commit`]). `held[i]` is what the store holds
/// for the row of `changeset.writes[i]`: `{ version, row }` (the row as JSON text or an object) or null.
/// Returns `{ effects, report }`, each written row as JSON text; throws a `conflict` BillsyncError when a
/// row moved since its plan read it, and then the store must write nothing.
#[wasm_bindgen(js_name = resolveCommit, unchecked_return_type = "CommitResolution")]
pub fn resolve_commit_js(
    #[wasm_bindgen(unchecked_param_type = "HostChangeset")] changeset: JsValue,
    #[wasm_bindgen(
        unchecked_param_type = "Array<{ version: number; row: string | object } | null>"
    )]
    held: JsValue,
) -> std::result::Result<JsValue, JsValue> {
    let changeset = changeset_from_js(changeset)?;
    if !js_sys::Array::is_array(&held) {
        return Err(js_error(&Error::field("held", "Expected an array.")));
    }
    let mut current = Vec::new();
    for (i, entry) in js_sys::Array::from(&held).iter().enumerate() {
        if entry.is_null() || entry.is_undefined() {
            current.push(None);
            continue;
        }
        let field = format!("held[{i}]");
        let version = js_sys::Reflect::get(&entry, &JsValue::from_str("version"))
            .ok()
            .and_then(|v| v.as_f64())
            .filter(|v| v.fract() == 0.0 && *v >= 0.0 && *v <= 9_007_199_254_740_991.0)
            .ok_or_else(|| {
                js_error(&Error::field(
                    &field,
                    "Needs a non-negative integer version.",
                ))
            })?;
        let row = js_sys::Reflect::get(&entry, &JsValue::from_str("row")).unwrap_or(JsValue::NULL);
        let row = super::engine::row_of(row, "resolveCommit").map_err(|e| js_error(&e))?;
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
        current.push(Some(Held {
            version: version as u64,
            row,
        }));
    }
    let (effects, report) = resolve_commit(&changeset, &current).map_err(|e| js_error(&e))?;
    let effects: Vec<Value> = effects
        .into_iter()
        .map(|effect| match effect {
            Effect::Write {
                table,
                id,
                version,
                row,
            } => serde_json::json!({
                "effect": "write", "table": table, "id": id, "version": version, "row": row.to_string()
            }),
            Effect::Remove { table, id } => {
                serde_json::json!({ "effect": "remove", "table": table, "id": id })
            }
        })
        .collect();
    to_js(&serde_json::json!({ "effects": effects, "report": report }))
}

/// `conformanceFixtures()`: what the store conformance kit checks a store against, planned by the engine's
/// own planners and applied by the memory store (see `runStoreConformance`).
#[wasm_bindgen(js_name = conformanceFixtures, unchecked_return_type = "ConformanceFixtures")]
pub fn conformance_fixtures() -> std::result::Result<JsValue, JsValue> {
    let fixtures = crate::engine::conformance::conformance_fixtures().map_err(|e| js_error(&e))?;
    to_js(&fixtures)
}
