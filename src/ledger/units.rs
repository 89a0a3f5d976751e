//! One version row per unit and month: how a plan's decisions about a unit are serialised.
//!
//! A plan decides about a unit (a vendor unit's money in one month: who owns it, what its sources billed,
//! how its final is split) from every row of the unit it read: its consumption records, its sources' ledger
//! rows and items. A commit checks the versions of the rows it writes, but a row that appeared since the
//! plan read (a record the first consumption sync created) has no version the plan could name. So every
//! plan that reads a unit names the version of the unit's row (`ledger_units`, keyed by the unit) that it
//! read, and every plan that writes any of the unit's money or records writes that row:
//!
//! - a plan that writes the unit **puts** its row over the version read, with the plan's fingerprint (a
//!   digest of the changeset's other writes): a different plan always writes a different row, so two plans
//!   that wrote the unit from the same read conflict, and the second is re-planned; committing the same
//!   changeset twice writes an equal row, a no-op;
//! - a plan that only read the unit (it decided to write nothing for it, or decided something elsewhere
//!   from it, as a billing sync's items name the records that bill their licence) **checks** the row.
//!
//! So plans on one unit are serialised, and plans on different units never meet. [`seal`] turns what a
//! plan read and touched into those writes, once the plan is complete.

use std::hash::{Hash, Hasher};

use serde::{Deserialize, Serialize};

use super::{Changeset, UnitKey};
use crate::error::Result;
use crate::ids::Uuid;
use crate::period::Period;

/// The version row of one unit: which plan wrote the unit last.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UnitRow {
    pub uuid: Uuid,
    pub unit: UnitKey,
    /// The unit's month: plans read the rows of their months before anything else they read.
    pub period: Period,
    /// The fingerprint of the last changeset that wrote the unit.
    pub plan: String,
    #[serde(skip)]
    pub version: u64,
}

crate::stored_row!(UnitRow, "ledger_units");

impl UnitRow {
    pub fn uuid_for(unit: &UnitKey) -> Uuid {
        Uuid::derive("ledger_unit", unit.as_str())
    }

    /// A unit no plan has written yet, as a plan reads it: no row (version 0).
    pub fn absent(unit: &UnitKey, period: Period) -> UnitRow {
        UnitRow {
            uuid: UnitRow::uuid_for(unit),
            unit: unit.clone(),
            period,
            plan: String::new(),
            version: 0,
        }
    }
}

/// A digest of every write of `changeset` (two 64-bit SipHash digests of its operation, instant and
/// writes): what tells two plans' rows of a unit apart.
fn fingerprint(changeset: &Changeset) -> String {
    let digest = |seed: u8| {
        let mut h = std::hash::DefaultHasher::new();
        seed.hash(&mut h);
        changeset.operation.hash(&mut h);
        changeset.as_of.hash(&mut h);
        for w in &changeset.writes {
            w.op.hash(&mut h);
            w.table.hash(&mut h);
            w.id.hash(&mut h);
            w.expect.hash(&mut h);
            w.row.as_ref().map(|r| r.as_str()).hash(&mut h);
        }
        h.finish()
    };
    format!("{:016x}{:016x}", digest(1), digest(2))
}

/// Completes a plan's read set: every unit in `read` (the unit rows the plan read, [`UnitRow::absent`] for
/// those with none) that the changeset does not write is checked; every unit it writes gets its row put
/// over the version read, with the plan's fingerprint.
pub fn seal(changeset: &mut Changeset, read: &[UnitRow]) -> Result<()> {
    let touched = changeset.take_units();
    if touched.is_empty() && changeset.writes_nothing() {
        // A plan that writes nothing commits nothing: there is nothing to check.
        return Ok(());
    }
    let plan = fingerprint(changeset);
    for row in read.iter().filter(|r| !touched.contains_key(&r.unit)) {
        changeset.check(row);
    }
    for (unit, version) in touched {
        let Some(period) = unit.period() else {
            continue;
        };
        let row = UnitRow {
            uuid: UnitRow::uuid_for(&unit),
            plan: plan.clone(),
            unit,
            period,
            version,
        };
        changeset.put(format!("ledger_unit:{}", row.unit), &row)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ledger::{Row, SourceKey, WriteOp};
    use crate::store::MemoryStore;
    use crate::timestamp::Timestamp;

    fn unit() -> UnitKey {
        SourceKey::unit(Period::parse("2025-01").unwrap(), "U1")
    }

    fn plan(operation: &str, touch: bool, read: &[UnitRow]) -> Changeset {
        let mut c = Changeset::new(operation, Timestamp::parse("2025-02-01T00:00:00Z").unwrap());
        let version = read.first().map_or(0, |r| r.version);
        if touch {
            c.touch_unit(unit(), version);
        }
        // Some other write of the plan, so that it commits.
        let mut row = UnitRow::absent(
            &SourceKey::unit(Period::parse("2025-02").unwrap(), operation),
            Period::parse("2025-02").unwrap(),
        );
        row.plan = operation.to_owned();
        c.put(format!("other:{operation}"), &row).unwrap();
        seal(&mut c, read).unwrap();
        c
    }

    #[test]
    fn plans_that_write_one_unit_from_the_same_read_conflict_and_a_re_commit_is_a_no_op() {
        let mut store = MemoryStore::default();
        let read = vec![UnitRow::absent(&unit(), Period::parse("2025-01").unwrap())];
        let first = plan("a", true, &read);
        let second = plan("b", true, &read);
        store.apply(&first).unwrap();
        assert_eq!(store.apply(&second).unwrap_err().code(), "conflict");
        let again = store.apply(&first).unwrap();
        assert_eq!(again.created + again.updated + again.deleted, 0);
    }

    #[test]
    fn a_plan_that_only_read_a_unit_checks_it() {
        let mut store = MemoryStore::default();
        let read = vec![UnitRow::absent(&unit(), Period::parse("2025-01").unwrap())];
        let reader = plan("reader", false, &read);
        assert!(reader
            .writes
            .iter()
            .any(|w| w.op == WriteOp::Check && w.table == UnitRow::TABLE && w.expect == 0));
        // A writer of the unit commits first: the reader's read moved.
        store.apply(&plan("writer", true, &read)).unwrap();
        let before = store.clone();
        assert_eq!(store.apply(&reader).unwrap_err().code(), "conflict");
        assert_eq!(store, before);
        // Two readers do not meet.
        let mut fresh = MemoryStore::default();
        fresh.apply(&plan("r1", false, &read)).unwrap();
        fresh.apply(&plan("r2", false, &read)).unwrap();
    }
}
