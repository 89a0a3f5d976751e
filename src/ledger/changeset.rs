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
//!   the engine re-reads and re-plans;
//! - a `check` writes nothing: it names a row the plan read and decided from (its read set), refused as a
//!   conflict when the row moved ([`crate::ledger::units`]).

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};
use std::hash::{BuildHasher, BuildHasherDefault, DefaultHasher};

use serde::de::DeserializeOwned;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::value::RawValue;
use serde_json::Value;

use super::UnitKey;
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

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum WriteOp {
    /// Write the row (create or replace) if it is at `expect`.
    Put,
    /// Create the row once; a no-op if a row with its id exists.
    Create,
    /// Delete the row if it is at `expect`; a no-op if it is gone.
    Delete,
    /// Write nothing, but only if the row is still at `expect` (0: still absent): a row the plan read and
    /// decided from without writing it (its read set).
    Check,
}

/// One write on a named table.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct Write {
    pub op: WriteOp,
    #[cfg_attr(test, ts(type = "string"))]
    pub table: Cow<'static, str>,
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
    pub row: Option<RowJson>,
}

/// A planned row as its JSON text: serialised once, when it is planned, and spliced as it is into whatever
/// carries the changeset (a preview's result, a host store's commit). A changeset holds one per put and
/// create, so a large plan is a list of texts, not a tree of values.
#[derive(Debug, Clone)]
pub struct RowJson(Box<RawValue>);

impl RowJson {
    /// The JSON text of `row`.
    pub fn of<R: Serialize + ?Sized>(row: &R, what: impl FnOnce() -> String) -> Result<RowJson> {
        // Sized for a whole row up front: growing the buffer as it is written cost more than writing it.
        let mut text = Vec::with_capacity(1024);
        serde_json::to_writer(&mut text, row)
            .map_err(serde::ser::Error::custom)
            .and_then(|()| String::from_utf8(text).map_err(serde::ser::Error::custom))
            .and_then(RawValue::from_string)
            .map(RowJson)
            .map_err(|e: serde_json::Error| Error::InvalidPayload {
                payload: what(),
                offset: 0,
                reason: e.to_string(),
            })
    }

    /// A row given as JSON text: it must be a JSON object.
    pub fn from_text(text: &str) -> std::result::Result<RowJson, serde_json::Error> {
        let raw = RawValue::from_string(text.trim().to_owned())?;
        if !raw.get().starts_with('{') {
            return Err(serde::de::Error::custom("a row is a JSON object"));
        }
        Ok(RowJson(raw))
    }

    pub fn as_str(&self) -> &str {
        self.0.get()
    }

    /// The row as a JSON value, for a store that compares or queries rows.
    pub fn to_value(&self) -> Result<Value> {
        serde_json::from_str(self.0.get()).map_err(|e| Error::InvalidPayload {
            payload: "row".to_owned(),
            offset: e.column(),
            reason: e.to_string(),
        })
    }

    /// The row as `R`.
    pub fn parse<R: DeserializeOwned>(&self) -> serde_json::Result<R> {
        serde_json::from_str(self.0.get())
    }
}

/// Rows are equal when they hold the same JSON (whatever the order of their fields or the spelling of
/// their numbers); equal texts are equal without parsing.
impl PartialEq for RowJson {
    fn eq(&self, other: &RowJson) -> bool {
        self.as_str() == other.as_str()
            || matches!((self.to_value(), other.to_value()), (Ok(a), Ok(b)) if a == b)
    }
}

impl Serialize for RowJson {
    fn serialize<S: Serializer>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error> {
        self.0.serialize(serializer)
    }
}

/// A row arrives as an object, or as its JSON text (the form a host store is handed).
impl<'de> Deserialize<'de> for RowJson {
    fn deserialize<D: Deserializer<'de>>(
        deserializer: D,
    ) -> std::result::Result<RowJson, D::Error> {
        use serde::de::Error as _;
        match Value::deserialize(deserializer)? {
            Value::String(text) => RowJson::from_text(&text).map_err(D::Error::custom),
            object @ Value::Object(_) => serde_json::value::to_raw_value(&object)
                .map(RowJson)
                .map_err(D::Error::custom),
            other => Err(D::Error::custom(format!(
                "a row is an object or its JSON text, not {other}"
            ))),
        }
    }
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
    index: HashMap<u64, Slot, BuildHasherDefault<DefaultHasher>>,
    /// The units whose money this changeset writes, each with the version of its row the plan read:
    /// [`crate::ledger::units::seal`] turns them into writes of their version rows.
    #[serde(skip)]
    units: BTreeMap<UnitKey, u64>,
    /// False for a plan whose writes nobody will see (a preview asked for its summary alone): writes are
    /// dropped as they come, and their rows are never rendered.
    #[serde(skip, default = "keeps_writes")]
    keep: bool,
}

fn keeps_writes() -> bool {
    true
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

/// Below this many writes a changeset finds a row's earlier write by looking at each one: the plan of one
/// unit (a few writes) builds no index.
const SCAN: usize = 16;

fn slot_hash(table: &str, id: &str) -> u64 {
    BuildHasherDefault::<DefaultHasher>::default().hash_one((table, id))
}

fn row_json<R: Row>(row: &R) -> Result<RowJson> {
    RowJson::of(row, || format!("{} row {}", R::TABLE, row.id()))
}

impl Changeset {
    pub fn new(operation: &str, as_of: Timestamp) -> Changeset {
        Changeset {
            operation: operation.to_owned(),
            as_of,
            writes: Vec::new(),
            index: HashMap::default(),
            units: BTreeMap::new(),
            keep: true,
        }
    }

    /// A changeset that keeps no writes: for a plan run for its outcomes and counts alone (a preview asked
    /// for its summary). The plan makes the same decisions; its rows are never rendered.
    pub fn discarding(operation: &str, as_of: Timestamp) -> Changeset {
        Changeset {
            keep: false,
            ..Changeset::new(operation, as_of)
        }
    }

    /// Whether this changeset keeps its writes (false for [`Changeset::discarding`]): a plan may skip
    /// building rows nobody will see.
    pub fn keeps_writes(&self) -> bool {
        self.keep
    }

    /// An empty changeset of the same operation, instant and kind (kept or discarding), for part of a plan
    /// that is added to this one once it is whole.
    pub fn empty_like(&self) -> Changeset {
        Changeset {
            keep: self.keep,
            ..Changeset::new(&self.operation, self.as_of)
        }
    }

    /// The changeset as it goes to a host store: each row as JSON text, ready to be stored as it is.
    pub fn to_host_json(&self) -> Value {
        let mut value = serde_json::json!({
            "operation": self.operation,
            "as_of": self.as_of,
            "writes": [],
        });
        if let Some(writes) = value.get_mut("writes").and_then(Value::as_array_mut) {
            writes.extend(self.writes.iter().map(|w| {
                let mut write = serde_json::json!({
                    "op": w.op,
                    "table": w.table,
                    "id": w.id,
                    "expect": w.expect,
                    "key": w.key,
                });
                if let (Some(row), Some(object)) = (&w.row, write.as_object_mut()) {
                    object.insert("row".to_owned(), Value::String(row.as_str().to_owned()));
                }
                write
            }));
        }
        value
    }

    /// Adds a write. A row written before in this changeset keeps one write: the later one, over the
    /// version the first one read (a plan may settle one source twice as it goes).
    pub fn push(&mut self, write: Write) {
        if !self.keep {
            return;
        }
        let same_row = |w: &Write| w.table == write.table && w.id == write.id;
        // A check of a row this changeset writes already is implied by that write (it names the version
        // read); a write of a row checked before replaces the check.
        if write.op == WriteOp::Check && self.position(&write.table, &write.id).is_some() {
            return;
        }
        if self.index.is_empty() {
            if self.writes.len() < SCAN {
                match self.writes.iter_mut().find(|w| same_row(w)) {
                    Some(earlier) => {
                        let expect = earlier.expect;
                        *earlier = Write { expect, ..write };
                    }
                    None => self.writes.push(write),
                }
                return;
            }
            for (i, w) in self.writes.iter().enumerate() {
                self.index
                    .entry(slot_hash(&w.table, &w.id))
                    .or_default()
                    .add(i);
            }
        }
        let hash = slot_hash(&write.table, &write.id);
        let slot = self.index.entry(hash).or_default();
        let writes = &mut self.writes;
        let earlier = slot
            .positions()
            .iter()
            .find(|&&i| writes.get(i).is_some_and(same_row))
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

    /// Where the write of a row is, if this changeset writes it.
    fn position(&self, table: &str, id: &str) -> Option<usize> {
        let same_row = |w: &Write| w.table == table && w.id == id;
        if self.index.is_empty() {
            return self.writes.iter().position(same_row);
        }
        self.index
            .get(&slot_hash(table, id))
            .and_then(|slot| {
                slot.positions()
                    .iter()
                    .find(|&&i| self.writes.get(i).is_some_and(same_row))
            })
            .copied()
    }

    /// Adds every write of `other`, in order, and the units it touched.
    pub fn extend(&mut self, other: Changeset) {
        for (unit, version) in other.units {
            self.touch_unit(unit, version);
        }
        for write in other.writes {
            self.push(write);
        }
    }

    /// Notes that this changeset writes money of `unit`, whose version row the plan read at `version`.
    pub fn touch_unit(&mut self, unit: UnitKey, version: u64) {
        if !self.keep {
            return;
        }
        self.units.entry(unit).or_insert(version);
    }

    /// The units this changeset writes money of, each with the version of its row the plan read, taken
    /// out (to be written as those rows).
    pub fn take_units(&mut self) -> BTreeMap<UnitKey, u64> {
        std::mem::take(&mut self.units)
    }

    /// Checks, at commit, that `row` (read at its version) has not moved: the plan decided from it.
    pub fn check<R: Row>(&mut self, row: &R) {
        self.check_row(R::TABLE, row.id(), row.version());
    }

    /// Checks, at commit, that the row `id` of `table` is still at `version` (0: still absent).
    pub fn check_row(&mut self, table: &'static str, id: &str, version: u64) {
        self.push(Write {
            op: WriteOp::Check,
            table: Cow::Borrowed(table),
            id: id.to_owned(),
            expect: version,
            key: format!("read:{table}:{id}"),
            row: None,
        });
    }

    /// Whether committing would write anything (a changeset of checks only changes nothing).
    pub fn writes_nothing(&self) -> bool {
        self.writes.iter().all(|w| w.op == WriteOp::Check)
    }

    /// Writes `row` over the version it was read at.
    pub fn put<R: Row>(&mut self, key: String, row: &R) -> Result<()> {
        if !self.keep {
            return Ok(());
        }
        self.push(Write {
            op: WriteOp::Put,
            table: Cow::Borrowed(R::TABLE),
            id: row.id().to_owned(),
            expect: row.version(),
            key,
            row: Some(row_json(row)?),
        });
        Ok(())
    }

    /// Creates `row` once.
    pub fn create<R: Row>(&mut self, key: String, row: &R) -> Result<()> {
        if !self.keep {
            return Ok(());
        }
        self.push(Write {
            op: WriteOp::Create,
            table: Cow::Borrowed(R::TABLE),
            id: row.id().to_owned(),
            expect: 0,
            key,
            row: Some(row_json(row)?),
        });
        Ok(())
    }

    /// Deletes `row`, read at its version.
    pub fn delete<R: Row>(&mut self, key: String, row: &R) {
        self.push(Write {
            op: WriteOp::Delete,
            table: Cow::Borrowed(R::TABLE),
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
            .filter(|w| w.table == R::TABLE && matches!(w.op, WriteOp::Put | WriteOp::Create))
            .filter_map(|w| w.row.as_ref())
            .filter_map(|row| row.parse().ok())
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

#[cfg(test)]
mod tests {
    use super::*;

    /// A row of a table of its own, for the changeset alone.
    #[derive(Serialize, Deserialize)]
    struct Switch {
        uuid: String,
        enabled: bool,
        #[serde(skip)]
        version: u64,
    }

    crate::stored_row!(Switch, "switches");

    fn switch() -> Switch {
        Switch {
            uuid: "global".into(),
            enabled: true,
            version: 3,
        }
    }

    #[test]
    fn a_discarding_changeset_keeps_no_write_and_its_parts_discard_too() -> Result<()> {
        let as_of = Timestamp::parse("2025-02-01T00:00:00Z")?;
        let mut kept = Changeset::new("op", as_of);
        let mut dropped = Changeset::discarding("op", as_of);
        for changeset in [&mut kept, &mut dropped] {
            changeset.put("switch".into(), &switch())?;
            changeset.create("switch:new".into(), &switch())?;
            changeset.check_row("switches", "other", 1);
            let mut part = changeset.empty_like();
            part.delete("gone".into(), &switch());
            changeset.extend(part);
        }
        assert_eq!(
            kept.len(),
            2,
            "one write per row: the row put, created and deleted, and the check of another"
        );
        assert!(dropped.is_empty());
        assert!(dropped.take_units().is_empty());
        assert_eq!(dropped.empty_like().len(), 0);
        Ok(())
    }
}
