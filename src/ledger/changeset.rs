//! The one write path. Every mutating operation plans a [`Changeset`]: generic writes on named tables, each
//! naming the version of the row its plan read. The host's store applies it in one transaction, all or
//! nothing, and only if none of those rows has moved since ([`crate::store::resolve_commit`] is the rule,
//! written once). A dry run returns it unapplied: that is the preview.
//!
//! Every written object's id derives from a natural key (never from a clock or a counter the host keeps),
//! and each write carries an idempotency key. So:
//! - a put writes the same row under the same id however often it is applied;
//! - a create is skipped when a row with its id exists already;
//! - a write whose effect is already there (an equal row, an existing create, a missing delete) is a no-op
//!   whatever the row's version, so applying a changeset twice leaves the store as applying it once;
//! - any other write whose row is not at the version the plan read is a conflict: nothing is applied, and
//!   the engine re-reads and re-plans.

use std::collections::BTreeMap;
use std::hash::{BuildHasher, BuildHasherDefault, DefaultHasher};

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::error::{Error, Result};
use crate::timestamp::Timestamp;

/// A stored row type: which table it lives in, its id, and the version it was read at (0: not read from the
/// store, i.e. new). The version is not part of the row: the store keeps it beside the row.
pub trait Row: Serialize + DeserializeOwned {
    const TABLE: &'static str;
    fn id(&self) -> &str;
    fn version(&self) -> u64;
    fn set_version(&mut self, version: u64);
}

/// Implements [`Row`] for a struct with `uuid: Uuid` and `version: u64` fields.
#[macro_export]
macro_rules! stored_row {
    ($type:ty, $table:expr) => {
        impl $crate::ledger::changeset::Row for $type {
            const TABLE: &'static str = $table;
            fn id(&self) -> &str {
                self.uuid.as_str()
            }
            fn version(&self) -> u64 {
                self.version
            }
            fn set_version(&mut self, version: u64) {
                self.version = version;
            }
        }
    };
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum WriteOp {
    /// Write the row (create or replace) if it is at `expect`.
    Put,
    /// Create the row once; a no-op if a row with its id exists.
    Create,
    /// Delete the row if it is at `expect`; a no-op if it is gone.
    Delete,
}

/// One write on a named table.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct Write {
    pub op: WriteOp,
    pub table: String,
    pub id: String,
    /// The version of the row the plan read; 0 when it read none (then the row must not exist).
    #[serde(default)]
    #[cfg_attr(test, ts(type = "number"))]
    pub expect: u64,
    /// The idempotency key: what the write is, derived from natural keys.
    pub key: String,
    /// The row, for put and create.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(test, ts(optional, type = "Record<string, unknown>"))]
    pub row: Option<Value>,
}

/// What one operation will write, in order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct Changeset {
    /// The operation id that planned it.
    pub operation: String,
    /// The instant it was planned at: the host clock's "now", passed in.
    pub as_of: Timestamp,
    pub writes: Vec<Write>,
    /// Where each row's write is in `writes`: a changeset writes a row once. Keyed by a hash of
    /// (table, id), so a push allocates no key; a slot lists every write whose row hashes there.
    #[serde(skip)]
    index: BTreeMap<u64, Slot>,
}

/// The writes whose (table, id) hash alike: almost always one.
#[derive(Debug, Clone, Default, PartialEq)]
enum Slot {
    #[default]
    Empty,
    One(usize),
    Many(Vec<usize>),
}

impl Slot {
    fn positions(&self) -> &[usize] {
        match self {
            Slot::Empty => &[],
            Slot::One(i) => std::slice::from_ref(i),
            Slot::Many(v) => v,
        }
    }

    fn add(&mut self, position: usize) {
        *self = match std::mem::take(self) {
            Slot::Empty => Slot::One(position),
            Slot::One(first) => Slot::Many(vec![first, position]),
            Slot::Many(mut v) => {
                v.push(position);
                Slot::Many(v)
            }
        };
    }
}

fn slot_hash(table: &str, id: &str) -> u64 {
    BuildHasherDefault::<DefaultHasher>::default().hash_one((table, id))
}

fn row_value<R: Row>(row: &R) -> Result<Value> {
    serde_json::to_value(row).map_err(|e| Error::InvalidPayload {
        payload: format!("{} row {}", R::TABLE, row.id()),
        offset: 0,
        reason: e.to_string(),
    })
}

impl Changeset {
    pub fn new(operation: &str, as_of: Timestamp) -> Changeset {
        Changeset {
            operation: operation.to_owned(),
            as_of,
            writes: Vec::new(),
            index: BTreeMap::new(),
        }
    }

    /// The changeset as it goes to a host store: each row as JSON text, ready to be stored as it is.
    pub fn to_host_json(&self) -> Value {
        let mut value = serde_json::json!(self);
        if let Some(writes) = value.get_mut("writes").and_then(Value::as_array_mut) {
            for write in writes {
                if let Some(row) = write.get_mut("row") {
                    *row = Value::String(row.to_string());
                }
            }
        }
        value
    }

    /// Adds a write. A row written before in this changeset keeps one write: the later one, over the
    /// version the first one read (a plan may settle one source twice as it goes).
    pub fn push(&mut self, write: Write) {
        let hash = slot_hash(&write.table, &write.id);
        let slot = self.index.entry(hash).or_default();
        let writes = &mut self.writes;
        let earlier = slot
            .positions()
            .iter()
            .find(|&&i| {
                writes
                    .get(i)
                    .is_some_and(|w| w.table == write.table && w.id == write.id)
            })
            .copied();
        match earlier.and_then(|i| writes.get_mut(i)) {
            Some(earlier) => {
                let expect = earlier.expect;
                *earlier = Write { expect, ..write };
            }
            None => {
                slot.add(writes.len());
                writes.push(write);
            }
        }
    }

    /// Adds every write of `other`, in order.
    pub fn extend(&mut self, other: Changeset) {
        for write in other.writes {
            self.push(write);
        }
    }

    /// Writes `row` over the version it was read at.
    pub fn put<R: Row>(&mut self, key: String, row: &R) -> Result<()> {
        self.push(Write {
            op: WriteOp::Put,
            table: R::TABLE.to_owned(),
            id: row.id().to_owned(),
            expect: row.version(),
            key,
            row: Some(row_value(row)?),
        });
        Ok(())
    }

    /// Creates `row` once.
    pub fn create<R: Row>(&mut self, key: String, row: &R) -> Result<()> {
        self.push(Write {
            op: WriteOp::Create,
            table: R::TABLE.to_owned(),
            id: row.id().to_owned(),
            expect: 0,
            key,
            row: Some(row_value(row)?),
        });
        Ok(())
    }

    /// Deletes `row`, read at its version.
    pub fn delete<R: Row>(&mut self, key: String, row: &R) {
        self.push(Write {
            op: WriteOp::Delete,
            table: R::TABLE.to_owned(),
            id: row.id().to_owned(),
            expect: row.version(),
            key,
            row: None,
        });
    }

    /// The rows this changeset puts or creates in `R`'s table, in order.
    pub fn rows<R: Row>(&self) -> impl Iterator<Item = R> + '_ {
        self.writes
            .iter()
            .filter(|w| w.table == R::TABLE && w.op != WriteOp::Delete)
            .filter_map(|w| w.row.clone())
            .filter_map(|row| serde_json::from_value(row).ok())
    }

    /// The ids this changeset deletes from `table`.
    pub fn deleted<'a>(&'a self, table: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.writes
            .iter()
            .filter(move |w| w.table == table && w.op == WriteOp::Delete)
            .map(|w| w.id.as_str())
    }

    pub fn is_empty(&self) -> bool {
        self.writes.is_empty()
    }

    pub fn len(&self) -> usize {
        self.writes.len()
    }
}
