//! The ports: what the host injects. Small and typed: the vendor's REST calls returning its raw payloads, a
//! store with a few query shapes plus one atomic commit, a clock, and an optional progress sink.
//!
//! In Rust they are traits, so the engine is tested natively with Rust fakes; `crate::wasm` implements them
//! over the host's JS objects.

use std::cell::RefCell;
use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::changeset::Changeset;
use crate::error::{Error, Result};
use crate::ids::Uuid;
use crate::period::Period;
use crate::store::{ApplyReport, MemoryStore};
use crate::timestamp::Timestamp;

/// The store's tables.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Table {
    Settings,
    Customers,
    Projects,
    Resources,
    CustomerMappings,
    ConsumptionRecords,
    BillingSyncs,
    InvoiceItems,
}

impl Table {
    pub fn as_str(self) -> &'static str {
        match self {
            Table::Settings => "settings",
            Table::Customers => "customers",
            Table::Projects => "projects",
            Table::Resources => "resources",
            Table::CustomerMappings => "customer_mappings",
            Table::ConsumptionRecords => "consumption_records",
            Table::BillingSyncs => "billing_syncs",
            Table::InvoiceItems => "invoice_items",
        }
    }
}

/// A scan: rows whose uuid sorts after `after`, in uuid order, at most `limit`, matching every filter
/// (equality on a top-level field, or any of several values). Keyset paging keeps memory flat.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ScanQuery {
    #[serde(rename = "where", skip_serializing_if = "serde_json::Map::is_empty")]
    pub filters: serde_json::Map<String, Value>,
    pub after: Option<String>,
    pub limit: usize,
}

impl ScanQuery {
    pub fn new(limit: usize) -> ScanQuery {
        ScanQuery {
            filters: serde_json::Map::new(),
            after: None,
            limit,
        }
    }

    pub fn filter(mut self, field: &str, value: impl Into<Value>) -> ScanQuery {
        self.filters.insert(field.to_owned(), value.into());
        self
    }

    /// Whether a row matches the filters: how the memory store, and any host store, must read them.
    pub fn matches(&self, row: &Value) -> bool {
        self.filters.iter().all(|(field, wanted)| {
            let actual = row.get(field).unwrap_or(&Value::Null);
            match wanted {
                Value::Array(any_of) => any_of.contains(actual),
                one => one == actual,
            }
        })
    }
}

/// Switches that are not a row of any table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoreFlags {
    pub global_sync_enabled: bool,
}

/// The host's persistence. Reads return rows as JSON, as the changeset wrote them.
#[allow(async_fn_in_trait)]
pub trait Store {
    async fn get(&self, table: Table, uuid: &str) -> Result<Option<Value>>;
    async fn scan(&self, table: Table, query: &ScanQuery) -> Result<Vec<Value>>;
    async fn flags(&self) -> Result<StoreFlags>;
    /// Applies the changeset all or nothing.
    async fn commit(&self, changeset: &Changeset) -> Result<ApplyReport>;
}

/// A vendor payload as the adapter returned it: its JSON text (parsed in wasm, the fast path) or a value.
#[derive(Debug, Clone, PartialEq)]
pub enum Payload {
    Text(String),
    Json(Value),
}

/// One request of Arrow's billing export.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ExportRequest {
    pub export_type_reference: String,
    pub period_from: Period,
    pub period_to: Period,
    pub page: u32,
}

/// Arrow's REST calls, returning Arrow's raw payloads.
#[allow(async_fn_in_trait)]
pub trait ArrowApi {
    async fn billing_export(&self, request: &ExportRequest) -> Result<Payload>;
    async fn consumption(
        &self,
        license_reference: &str,
        period_start: Period,
        period_end: Period,
    ) -> Result<Payload>;
    async fn license(&self, license_reference: &str) -> Result<Payload>;
    async fn licenses(&self, page: u32, per_page: u32) -> Result<Payload>;
}

/// The host's clock: "now" as an RFC 3339 instant.
pub trait Clock {
    fn now(&self) -> Result<Timestamp>;
}

/// A step of a long operation, for the host's progress callback.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ProgressEvent {
    pub operation: String,
    pub done: u64,
    pub total: u64,
    pub message: String,
}

pub trait Progress {
    fn report(&self, event: &ProgressEvent);
}

/// No progress sink.
pub struct NoProgress;

impl Progress for NoProgress {
    fn report(&self, _event: &ProgressEvent) {}
}

fn store_failed(call: &str, e: impl std::fmt::Display) -> Error {
    Error::StoreFailed {
        call: call.to_owned(),
        message: e.to_string(),
    }
}

fn get_row<T: Serialize>(map: &BTreeMap<Uuid, T>, uuid: &str) -> Result<Option<Value>> {
    let Some(key) = Uuid::parse(uuid) else {
        return Ok(None);
    };
    map.get(&key)
        .map(|row| serde_json::to_value(row).map_err(|e| store_failed("get", e)))
        .transpose()
}

fn scan_rows<T: Serialize>(map: &BTreeMap<Uuid, T>, query: &ScanQuery) -> Result<Vec<Value>> {
    let mut out = Vec::new();
    for (key, row) in map {
        if out.len() >= query.limit {
            break;
        }
        if query
            .after
            .as_deref()
            .is_some_and(|after| key.as_str() <= after)
        {
            continue;
        }
        let value = serde_json::to_value(row).map_err(|e| store_failed("scan", e))?;
        if query.matches(&value) {
            out.push(value);
        }
    }
    Ok(out)
}

/// Runs `get_row` or `scan_rows` on the map of `table`.
macro_rules! on_table {
    ($store:expr, $table:expr, $f:ident, $arg:expr) => {
        match $table {
            Table::Settings => $f(&$store.settings, $arg),
            Table::Customers => $f(&$store.customers, $arg),
            Table::Projects => $f(&$store.projects, $arg),
            Table::Resources => $f(&$store.resources, $arg),
            Table::CustomerMappings => $f(&$store.customer_mappings, $arg),
            Table::ConsumptionRecords => $f(&$store.consumption_records, $arg),
            Table::BillingSyncs => $f(&$store.billing_syncs, $arg),
            Table::InvoiceItems => $f(&$store.invoice_items, $arg),
        }
    };
}

/// The memory store is a [`Store`] (behind a RefCell: the engine holds it by shared reference).
impl Store for RefCell<MemoryStore> {
    async fn get(&self, table: Table, uuid: &str) -> Result<Option<Value>> {
        let store = self.try_borrow().map_err(|e| store_failed("get", e))?;
        on_table!(store, table, get_row, uuid)
    }

    async fn scan(&self, table: Table, query: &ScanQuery) -> Result<Vec<Value>> {
        let store = self.try_borrow().map_err(|e| store_failed("scan", e))?;
        on_table!(store, table, scan_rows, query)
    }

    async fn flags(&self) -> Result<StoreFlags> {
        let store = self.try_borrow().map_err(|e| store_failed("flags", e))?;
        Ok(StoreFlags {
            global_sync_enabled: store.global_sync_enabled,
        })
    }

    async fn commit(&self, changeset: &Changeset) -> Result<ApplyReport> {
        let mut store = self
            .try_borrow_mut()
            .map_err(|e| store_failed("commit", e))?;
        store.apply(changeset)
    }
}
