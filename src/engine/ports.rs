//! The ports: what the host injects. Small and typed: a store with a few query shapes plus one atomic
//! commit, a clock, an optional progress sink, and the raw payloads vendors' ports return. Each vendor's
//! own port (its REST calls) lives in its folder.
//!
//! In Rust they are traits, so the engine is tested natively with Rust fakes; `crate::wasm` implements them
//! over the host's JS objects.

use std::cell::RefCell;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::error::{Error, Result};
use crate::ledger::changeset::Changeset;
use crate::ledger::PayloadHash;
use crate::period::Zone;
use crate::store::{ApplyReport, MemoryStore};
use crate::timestamp::Timestamp;
use crate::timezone::{NoZoneRules, ZoneRules};

/// A scan: rows whose id sorts after `after`, in id order, at most `limit`, matching every filter
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

/// A row as a store returns it: its id, its version and its content.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StoredRow {
    pub id: String,
    pub version: u64,
    pub row: Value,
}

/// The host's persistence: named tables of versioned rows. It knows no row type; a new vendor adds tables
/// by name. Reads return rows as the changesets wrote them.
#[allow(async_fn_in_trait)]
pub trait Store {
    async fn get(&self, table: &str, id: &str) -> Result<Option<StoredRow>>;
    async fn scan(&self, table: &str, query: &ScanQuery) -> Result<Vec<StoredRow>>;
    /// Applies the changeset all or nothing, refusing it with a `conflict` when a row it writes has moved
    /// from the version its plan read ([`crate::store::resolve_commit`]).
    async fn commit(&self, changeset: &Changeset) -> Result<ApplyReport>;
}

/// A vendor payload as the adapter returned it: its JSON text (parsed in wasm, the fast path) or a value.
#[derive(Debug, Clone, PartialEq)]
pub enum Payload {
    Text(String),
    Json(Value),
}

impl Payload {
    /// Feeds the payload as read into `hash` ([`crate::ledger::trace`]): a text's bytes, a value's
    /// canonical text.
    pub fn feed(&self, hash: &mut PayloadHash) {
        match self {
            Payload::Text(text) => hash.update(text.as_bytes()),
            Payload::Json(value) => hash.update_json(value),
        }
    }

    /// The hex SHA-256 of the payload as read.
    pub fn sha256(&self) -> String {
        let mut hash = PayloadHash::new();
        self.feed(&mut hash);
        hash.finish()
    }
}

/// The host's clock: "now" as an RFC 3339 instant, and the host's rules of named time zones
/// ([`crate::timezone`]): a host without them still has fixed offsets.
pub trait Clock {
    fn now(&self) -> Result<Timestamp>;

    /// The UTC offset of `at` in the IANA zone `zone`; an unknown zone is [`crate::timezone::unknown_zone`].
    fn offset_at(&self, zone: &str, at: Timestamp) -> Result<Zone> {
        NoZoneRules.offset_at(zone, at)
    }
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

/// The memory store is a [`Store`] (behind a RefCell: the engine holds it by shared reference).
impl Store for RefCell<MemoryStore> {
    async fn get(&self, table: &str, id: &str) -> Result<Option<StoredRow>> {
        let store = self.try_borrow().map_err(|e| store_failed("get", e))?;
        Ok(store.get(table, id).map(|held| StoredRow {
            id: id.to_owned(),
            version: held.version,
            row: held.row.clone(),
        }))
    }

    async fn scan(&self, table: &str, query: &ScanQuery) -> Result<Vec<StoredRow>> {
        let store = self.try_borrow().map_err(|e| store_failed("scan", e))?;
        let mut out = Vec::new();
        for (id, held) in store.rows(table) {
            if out.len() >= query.limit {
                break;
            }
            if query
                .after
                .as_deref()
                .is_some_and(|after| id.as_str() <= after)
            {
                continue;
            }
            if query.matches(&held.row) {
                out.push(StoredRow {
                    id: id.clone(),
                    version: held.version,
                    row: held.row.clone(),
                });
            }
        }
        Ok(out)
    }

    async fn commit(&self, changeset: &Changeset) -> Result<ApplyReport> {
        let mut store = self
            .try_borrow_mut()
            .map_err(|e| store_failed("commit", e))?;
        store.apply(changeset)
    }
}
