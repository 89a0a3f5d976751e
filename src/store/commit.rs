//! How a changeset is applied: the one rule every store shares (the memory store here, and through
//! `resolveCommit` in the package, a host's database store). A store reads what it holds for each write's
//! row, in its transaction, and this says what to write, or refuses the whole changeset.
//!
//! - put: a no-op if the row already equals the one given; otherwise the stored version must be `expect`
//!   (0: no row), and the row is written at the next version;
//! - create: a no-op if a row with the id exists; otherwise written at version 1;
//! - delete: a no-op if no row exists; otherwise the stored version must be `expect`;
//! - check: writes nothing; the stored version must be `expect` (0: no row). It is how a plan's read set
//!   is checked: the rows it decided from without writing them. A store fetches what it holds for a
//!   check's row as for any write, so a host store that runs `resolveCommit` checks read sets unchanged.
//!
//! A write whose version does not match is a `conflict`: nothing of the changeset is applied. A row written
//! twice in one changeset is checked at its first write; the later one replaces it.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::error::{Error, Result};
use crate::ledger::{Changeset, WriteOp};

/// What a store holds for a row: its version and its content.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Held {
    pub version: u64,
    pub row: Value,
}

/// What to do to one row.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "effect", rename_all = "snake_case")]
pub enum Effect {
    /// Write `row` at `version` (insert or replace).
    Write {
        table: String,
        id: String,
        version: u64,
        row: Value,
    },
    /// Remove the row.
    Remove { table: String, id: String },
}

/// What applying a changeset did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApplyReport {
    pub created: u64,
    pub updated: u64,
    pub deleted: u64,
    /// Writes that found their effect already there (a re-applied put or create, a delete of a missing row),
    /// and checks that passed.
    pub unchanged: u64,
}

/// The effects of `changeset` on a store that holds `held[i]` for the row of `changeset.writes[i]` (None:
/// no such row), or a `conflict` naming the first write whose row moved.
pub fn resolve_commit(
    changeset: &Changeset,
    held: &[Option<Held>],
) -> Result<(Vec<Effect>, ApplyReport)> {
    if held.len() != changeset.writes.len() {
        return Err(Error::field(
            "current",
            format!(
                "Expected one entry per write ({}), got {}.",
                changeset.writes.len(),
                held.len()
            ),
        ));
    }
    // Rows as this changeset leaves them so far, for writes to the same row later in it.
    let mut overlay: BTreeMap<(&str, &str), Option<Held>> = BTreeMap::new();
    let mut effects = Vec::new();
    let mut report = ApplyReport::default();
    for (index, (write, stored)) in changeset.writes.iter().zip(held).enumerate() {
        let slot = (write.table.as_ref(), write.id.as_str());
        // A row written earlier in this changeset was checked against the plan's read then; a later write
        // of it (a plan may settle one source twice) replaces that write.
        let (current, checked) = match overlay.get(&slot) {
            Some(now) => (now.clone(), true),
            None => (stored.clone(), false),
        };
        let version = current.as_ref().map_or(0, |h| h.version);
        let conflict = || {
            Error::Conflict {
            reason: format!(
                "write #{index} ({}) of {} found {} {} at version {version}, but its plan read version {}",
                write.key,
                changeset.operation,
                write.table,
                write.id,
                write.expect
            ),
        }
        };
        let missing_row = || {
            Error::field(
                &format!("writes[{index}].row"),
                "A put or create needs its row.",
            )
        };
        match write.op {
            WriteOp::Put => {
                let row = write.row.as_ref().ok_or_else(missing_row)?.to_value()?;
                if current.as_ref().is_some_and(|h| h.row == row) {
                    report.unchanged += 1;
                    continue;
                }
                if !checked && version != write.expect {
                    return Err(conflict());
                }
                let next = version
                    .checked_add(1)
                    .ok_or_else(|| Error::overflow("row version"))?;
                if current.is_some() {
                    report.updated += 1;
                } else {
                    report.created += 1;
                }
                effects.push(Effect::Write {
                    table: write.table.to_string(),
                    id: write.id.clone(),
                    version: next,
                    row: row.clone(),
                });
                overlay.insert(
                    slot,
                    Some(Held {
                        version: next,
                        row: row.clone(),
                    }),
                );
            }
            WriteOp::Create => {
                let row = write.row.as_ref().ok_or_else(missing_row)?.to_value()?;
                if current.is_some() {
                    report.unchanged += 1;
                    continue;
                }
                report.created += 1;
                effects.push(Effect::Write {
                    table: write.table.to_string(),
                    id: write.id.clone(),
                    version: 1,
                    row: row.clone(),
                });
                overlay.insert(
                    slot,
                    Some(Held {
                        version: 1,
                        row: row.clone(),
                    }),
                );
            }
            WriteOp::Check => {
                // A row this changeset wrote before was checked at that write.
                if !checked && version != write.expect {
                    return Err(conflict());
                }
                report.unchanged += 1;
            }
            WriteOp::Delete => {
                if current.is_none() {
                    report.unchanged += 1;
                    continue;
                }
                if !checked && version != write.expect {
                    return Err(conflict());
                }
                report.deleted += 1;
                effects.push(Effect::Remove {
                    table: write.table.to_string(),
                    id: write.id.clone(),
                });
                overlay.insert(slot, None);
            }
        }
    }
    Ok((effects, report))
}
