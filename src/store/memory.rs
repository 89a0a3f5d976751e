//! The in-memory store: named tables of rows in ordered maps, each row with its version. It knows no row
//! type: it applies changesets by [`resolve_commit`], the rule every store shares, all or nothing.

use std::collections::BTreeMap;

use serde_json::Value;

use super::commit::{resolve_commit, ApplyReport, Effect, Held};
use crate::error::{Error, FieldErrors, Result};
use crate::ids::Uuid;
use crate::ledger::{Changeset, Row};

/// Tables by name, rows by id.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct MemoryStore {
    tables: BTreeMap<String, BTreeMap<String, Held>>,
}

/// A host row without a uuid (settings and mappings as the spec lists their fields have none) gets one
/// derived from its table and content, so the same initial data always loads to the same ids.
fn with_uuid(table: &str, row: &Value) -> Value {
    let mut row = row.clone();
    if let Some(object) = row.as_object_mut() {
        if object.get("uuid").is_none_or(Value::is_null) {
            let content = Value::Object(object.clone()).to_string();
            object.insert(
                "uuid".to_owned(),
                serde_json::json!(Uuid::derive(table, &content)),
            );
        }
    }
    row
}

impl MemoryStore {
    /// The row `id` of `table`.
    pub fn get(&self, table: &str, id: &str) -> Option<&Held> {
        self.tables.get(table).and_then(|rows| rows.get(id))
    }

    /// Every row of `table`, in id order.
    pub fn rows<'a>(&'a self, table: &str) -> impl Iterator<Item = (&'a String, &'a Held)> + 'a {
        self.tables
            .get(table)
            .into_iter()
            .flat_map(|rows| rows.iter())
    }

    /// Every row of `R`'s table, typed, each at its version. A row that does not fit is an error naming it.
    pub fn typed<R: Row>(&self) -> Result<Vec<R>> {
        self.rows(R::TABLE)
            .map(|(id, held)| {
                let mut row: R = serde_json::from_value(held.row.clone())
                    .map_err(|e| Error::field(&format!("{}[{id}]", R::TABLE), e.to_string()))?;
                row.set_version(held.version);
                Ok(row)
            })
            .collect()
    }

    /// One row of `R`'s table, typed, at its version.
    pub fn typed_row<R: Row>(&self, id: &str) -> Result<Option<R>> {
        self.get(R::TABLE, id)
            .map(|held| {
                let mut row: R = serde_json::from_value(held.row.clone())
                    .map_err(|e| Error::field(&format!("{}[{id}]", R::TABLE), e.to_string()))?;
                row.set_version(held.version);
                Ok(row)
            })
            .transpose()
    }

    /// Loads a typed row as a host would (see [`MemoryStore::load`]).
    pub fn insert<R: Row>(&mut self, row: &R) -> Result<()> {
        let value = serde_json::to_value(row).map_err(|e| Error::field(R::TABLE, e.to_string()))?;
        self.load(R::TABLE, row.id(), value)
    }

    /// Puts a row as a host loads it (version 1 if new, the next one if it replaces a row).
    pub fn load(&mut self, table: &str, id: &str, row: Value) -> Result<()> {
        let rows = self.tables.entry(table.to_owned()).or_default();
        let version = match rows.get(id) {
            Some(held) => held
                .version
                .checked_add(1)
                .ok_or_else(|| Error::overflow("row version"))?,
            None => 1,
        };
        rows.insert(id.to_owned(), Held { version, row });
        Ok(())
    }

    /// Applies every write, or none: on a conflict or any other error the store is left exactly as it was.
    pub fn apply(&mut self, changeset: &Changeset) -> Result<ApplyReport> {
        let held: Vec<Option<Held>> = changeset
            .writes
            .iter()
            .map(|w| self.get(&w.table, &w.id).cloned())
            .collect();
        let (effects, report) = resolve_commit(changeset, &held)?;
        for effect in effects {
            match effect {
                Effect::Write {
                    table,
                    id,
                    version,
                    row,
                } => {
                    self.tables
                        .entry(table)
                        .or_default()
                        .insert(id, Held { version, row });
                }
                Effect::Remove { table, id } => {
                    if let Some(rows) = self.tables.get_mut(&table) {
                        rows.remove(&id);
                    }
                }
            }
        }
        Ok(report)
    }

    /// A store from tables given as arrays of rows (`{"resources": [...], ...}`), as hosts and tests write
    /// them; `global_sync_enabled: false` is short for the global switch's row. `check` gives each row as
    /// its table stores it, or why it does not fit. Every bad row is reported at once, by table and index.
    pub fn from_tables(
        tables: &Value,
        check: impl Fn(&str, &Value) -> Result<Value>,
    ) -> Result<MemoryStore> {
        let Some(object) = tables.as_object() else {
            if tables.is_null() {
                return Ok(MemoryStore::default());
            }
            return Err(Error::field("initial", "Expected an object of tables."));
        };
        let mut store = MemoryStore::default();
        let mut fields = FieldErrors::new();
        for (name, rows) in object {
            if name == "global_sync_enabled" {
                match rows {
                    Value::Bool(enabled) => store.load(
                        SWITCHES,
                        GLOBAL_SWITCH,
                        serde_json::json!({ "uuid": GLOBAL_SWITCH, "enabled": enabled }),
                    )?,
                    _ => fields
                        .entry(name.clone())
                        .or_default()
                        .push("Must be a valid boolean.".to_owned()),
                }
                continue;
            }
            match rows {
                Value::Null => {}
                Value::Array(rows) => {
                    for (i, row) in rows.iter().enumerate() {
                        let row = with_uuid(name, row);
                        let id = row.get("uuid").and_then(Value::as_str).map(str::to_owned);
                        match (check(name, &row), id) {
                            (Ok(row), Some(id)) => store.load(name, &id, row)?,
                            (Ok(_), None) => fields
                                .entry(format!("{name}[{i}]"))
                                .or_default()
                                .push("A row needs a string uuid.".to_owned()),
                            (Err(e), _) => fields
                                .entry(format!("{name}[{i}]"))
                                .or_default()
                                .push(e.to_string()),
                        }
                    }
                }
                _ => fields
                    .entry(name.clone())
                    .or_default()
                    .push("Expected a list of rows.".to_owned()),
            }
        }
        if fields.is_empty() {
            Ok(store)
        } else {
            Err(Error::Validation { fields })
        }
    }

    /// Every table as an array of rows in id order.
    pub fn to_tables(&self) -> Value {
        let tables = self
            .tables
            .iter()
            .map(|(name, rows)| {
                let rows = rows.values().map(|h| h.row.clone()).collect();
                (name.clone(), Value::Array(rows))
            })
            .collect();
        Value::Object(tables)
    }
}

/// The table of switches that are not a row of any other table, and the id of the global one.
pub const SWITCHES: &str = "sync_switches";
pub const GLOBAL_SWITCH: &str = "global";
