//! A store that lets a test interpose between a plan's reads: `before_scan(table, f)` runs `f` (another
//! engine's whole operation, on the same memory store) just before the first scan of `table` from now.
#![allow(dead_code)]

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use billsync::engine::{Engine, NoProgress, ScanQuery, Store, StoredRow};
use billsync::error::Result;
use billsync::ledger::Changeset;
use billsync::period::Zone;
use billsync::store::{ApplyReport, MemoryStore};
use billsync::vendors::arrow::Arrow;

use super::fake_arrow::{FakeArrow, FixedClock};

/// What runs between two of a plan's reads.
type Interposed = Box<dyn FnOnce()>;

pub struct InterposingStore {
    pub inner: Rc<RefCell<MemoryStore>>,
    pub reads: Cell<usize>,
    before: RefCell<Option<(String, Interposed)>>,
}

impl InterposingStore {
    pub fn before_scan(&self, table: &str, f: impl FnOnce() + 'static) {
        *self.before.borrow_mut() = Some((table.to_owned(), Box::new(f)));
    }

    fn read(&self, table: &str) {
        self.reads.set(self.reads.get() + 1);
        let due = matches!(&*self.before.borrow(), Some((t, _)) if t == table);
        if due {
            if let Some((_, f)) = self.before.borrow_mut().take() {
                f();
            }
        }
    }
}

impl Store for InterposingStore {
    async fn get(&self, table: &str, id: &str) -> Result<Option<StoredRow>> {
        self.inner.as_ref().get(table, id).await
    }

    async fn scan(&self, table: &str, query: &ScanQuery) -> Result<Vec<StoredRow>> {
        self.read(table);
        self.inner.as_ref().scan(table, query).await
    }

    async fn commit(&self, changeset: &Changeset) -> Result<ApplyReport> {
        self.inner.as_ref().commit(changeset).await
    }
}

pub type InterposedEngine = Engine<InterposingStore, Arrow<FakeArrow>, FixedClock, NoProgress>;

/// An engine on the shared store `inner`, with Arrow `arrow`, at `now`.
pub fn engine_on(
    inner: &Rc<RefCell<MemoryStore>>,
    arrow: FakeArrow,
    now: &'static str,
) -> InterposedEngine {
    Engine::new(
        InterposingStore {
            inner: Rc::clone(inner),
            reads: Cell::new(0),
            before: RefCell::new(None),
        },
        Arrow { api: arrow },
        FixedClock(Cell::new(now)),
        Zone::UTC,
        NoProgress,
    )
}
