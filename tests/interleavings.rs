//! Every pair of mutating operations, planned from the same state and committed out of order: plan A,
//! plan B, commit B, then commit A. A's commit must either still be right (nothing it relied on moved) or
//! be refused as a conflict, in which case the engine re-plans A, as it does on a real conflict. After
//! each pair the conservation law holds: every reconciled record bills exactly its final, every other
//! record exactly its consumption, every reconciled statement line its current price, every other its
//! first price.

mod common;

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use billsync::engine::{Engine, NoProgress, ScanQuery, Store, StoredRow};
use billsync::error::{Error, Result};
use billsync::ledger::{Changeset, ConsumptionRecord, InvoiceItem};
use billsync::period::Zone;
use billsync::store::{ApplyReport, MemoryStore};
use billsync::vendors::arrow::Arrow;
use common::fake_arrow::*;
use rust_decimal::Decimal;
use serde_json::{json, Value};

/// The memory store, shared; while `hold` is set, a commit is kept (not applied) for the test to apply later.
/// The test can interpose between reads: `before_read(k, f)` runs `f` (another engine's whole operation)
/// just before this store's k-th call from now (a read, or the commit after the last read).
struct HoldingStore {
    inner: Rc<RefCell<MemoryStore>>,
    hold: Cell<bool>,
    held: RefCell<Option<Changeset>>,
    reads: Cell<usize>,
    interposed: RefCell<Option<(usize, Interposed)>>,
}

/// What runs between two of a plan's reads: another engine's whole operation.
type Interposed = Box<dyn FnOnce()>;

impl HoldingStore {
    fn before_read(&self, k: usize, f: impl FnOnce() + 'static) {
        *self.interposed.borrow_mut() = Some((self.reads.get() + k, Box::new(f)));
    }

    fn read(&self) {
        let n = self.reads.get();
        self.reads.set(n + 1);
        let due = matches!(&*self.interposed.borrow(), Some((at, _)) if *at == n);
        if due {
            if let Some((_, f)) = self.interposed.borrow_mut().take() {
                f();
            }
        }
    }
}

impl Store for HoldingStore {
    async fn get(&self, table: &str, id: &str) -> Result<Option<StoredRow>> {
        self.read();
        self.inner.as_ref().get(table, id).await
    }

    async fn scan(&self, table: &str, query: &ScanQuery) -> Result<Vec<StoredRow>> {
        self.read();
        self.inner.as_ref().scan(table, query).await
    }

    async fn commit(&self, changeset: &Changeset) -> Result<ApplyReport> {
        // Another commit can come between the last read and this one too.
        self.read();
        if self.hold.get() {
            *self.held.borrow_mut() = Some(changeset.clone());
            return Ok(ApplyReport::default());
        }
        self.inner.as_ref().commit(changeset).await
    }
}

type PairEngine = Engine<HoldingStore, Arrow<FakeArrow>, FixedClock, NoProgress>;

const OPERATIONS: [&str; 7] = [
    "consumption sync",
    "trigger_sync",
    "trigger_reconciliation",
    "reconcile",
    "cleanup",
    "historical sync",
    "sync_resources",
];

fn request(operation: &str) -> (String, Value) {
    let (action, body) = match operation {
        "consumption sync" => (
            "trigger_consumption_sync",
            json!({"year": 2025, "month": 1}),
        ),
        "trigger_sync" => ("trigger_sync", json!({"year": 2025, "month": 1})),
        "trigger_reconciliation" => ("trigger_reconciliation", json!({"year": 2025, "month": 1})),
        "reconcile" => (
            "reconcile",
            json!({"year": 2025, "month": 1, "force": true}),
        ),
        "cleanup" => (
            "cleanup_consumption",
            json!({"period_from": "2025-01", "period_to": "2025-01", "dry_run": false}),
        ),
        "historical sync" => (
            "sync_resource_historical_consumption",
            json!({"resource_uuid": resource(2), "period_from": "2025-01", "period_to": "2025-01"}),
        ),
        "sync_resources" => (
            "sync_resources",
            json!({"period_from": "2025-01", "period_to": "2025-01", "force_import": true}),
        ),
        other => panic!("no operation {other}"),
    };
    (format!("/api/admin/arrow/billing-syncs/{action}/"), body)
}

fn run(engine: &PairEngine, operation: &str) {
    let (path, body) = request(operation);
    let response = block_on(engine.handle(&post_request(&path, body)));
    assert!(
        response.status < 300,
        "{operation}: {} {}",
        response.status,
        response.body
    );
}

fn post_request(path: &str, body: Value) -> billsync::engine::HttpRequest {
    billsync::engine::HttpRequest {
        method: "POST".into(),
        path: path.into(),
        body,
        user: serde_json::from_value(json!({"is_staff": true})).unwrap(),
        base_url: "https://admin.example".into(),
        ..Default::default()
    }
}

fn engine_on(store: &Rc<RefCell<MemoryStore>>, arrow: FakeArrow, now: &'static str) -> PairEngine {
    Engine::new(
        HoldingStore {
            inner: Rc::clone(store),
            hold: Cell::new(false),
            held: RefCell::new(None),
            reads: Cell::new(0),
            interposed: RefCell::new(None),
        },
        Arrow { api: arrow },
        FixedClock(Cell::new(now)),
        Zone::UTC,
        NoProgress,
    )
}

/// The month as it stands before the pair: consumption synced and statements billed, then Arrow's
/// preliminary figures moved (a re-sync would reprice) and the export holds the finals.
fn base() -> Rc<RefCell<MemoryStore>> {
    let store = Rc::new(RefCell::new(initial_store()));
    let first = engine_on(&store, arrow(), "2025-01-20T10:00:00Z");
    run(&first, "consumption sync");
    run(&first, "trigger_sync");
    store
}

fn moved_arrow() -> FakeArrow {
    let mut a = arrow();
    a.consumption.insert(
        (license(2), "2025-01".into()),
        vec![("12.00".into(), "9.50".into())],
    );
    a
}

fn billed(items: &[InvoiceItem], key: &str) -> Decimal {
    items
        .iter()
        .filter(|i| i.source_key.as_str() == key)
        .map(|i| i.total().unwrap().amount)
        .sum()
}

/// Every reconciled record's invoices bill exactly its final amount (its share of its licence's final,
/// or zero when the licence's statement lines bill it).
fn assert_conserved(store: &MemoryStore, what: &str) {
    let items: Vec<InvoiceItem> = store.typed().unwrap();
    for record in store.typed::<ConsumptionRecord>().unwrap() {
        let key = record.key().natural_key();
        if record.is_reconciled() {
            assert_eq!(
                billed(&items, key.as_str()),
                record.final_sell.unwrap(),
                "{what}: record {key}"
            );
        }
    }
}

/// The month closed (a sync, a forced consumption reconciliation and a forced statement reconciliation, later):
/// for every licence of the export, what the customer is billed over all its sources (its records, its
/// statement lines, records cleaned up since) is Arrow's final for it, exactly once.
fn assert_licences_close(store: &Rc<RefCell<MemoryStore>>, what: &str) {
    let closing = engine_on(store, moved_arrow(), "2025-03-01T10:00:00Z");
    for (action, body) in [
        ("trigger_sync", json!({"year": 2025, "month": 1})),
        (
            "trigger_reconciliation",
            json!({"year": 2025, "month": 1, "force": true}),
        ),
        (
            "reconcile",
            json!({"year": 2025, "month": 1, "force": true}),
        ),
    ] {
        let path = format!("/api/admin/arrow/billing-syncs/{action}/");
        let response = block_on(closing.handle(&post_request(&path, body)));
        assert!(
            response.status < 300,
            "{what}: closing {action}: {}",
            response.body
        );
    }
    let items: Vec<InvoiceItem> = store.borrow().typed().unwrap();
    let lines = [
        (1, license(1)),
        (2, license(1)),
        (3, license(2)),
        (4, license(3)),
        (5, "XSP-LICENCE-ONLY".to_owned()),
    ];
    for (licence, final_sell) in [
        (license(1), "95.00"),
        (license(2), "1010.00"),
        (license(3), "20.00"),
        ("XSP-LICENCE-ONLY".to_owned(), "7.50"),
    ] {
        let record_suffix = format!("|2025-01|{licence}");
        let line_keys: Vec<String> = lines
            .iter()
            .filter(|(_, l)| *l == licence)
            .map(|(seq, _)| format!("ST-1|XSP661245|{seq}"))
            .collect();
        let total: Decimal = items
            .iter()
            .filter(|i| {
                i.source_key.as_str().ends_with(&record_suffix)
                    || line_keys.iter().any(|k| k == i.source_key.as_str())
            })
            .map(|i| i.total().unwrap().amount)
            .sum();
        assert_eq!(
            total,
            Decimal::from_str_exact(final_sell).unwrap(),
            "{what}: licence {licence}"
        );
    }
}

#[test]
fn every_pair_committed_out_of_order_keeps_the_money() {
    let mut refused = 0;
    for a in OPERATIONS {
        for b in OPERATIONS {
            let what = format!("plan {a}, plan {b}, commit {b}, commit {a}");
            let store = base();
            let engine_a = engine_on(&store, moved_arrow(), "2025-02-03T10:00:00Z");
            let engine_b = engine_on(&store, moved_arrow(), "2025-02-03T10:00:00Z");
            // Plan A: its commit is held back.
            engine_a.store.hold.set(true);
            run(&engine_a, a);
            engine_a.store.hold.set(false);
            let held = engine_a.store.held.borrow_mut().take();
            // Plan and commit B from the same state.
            run(&engine_b, b);
            // Now A's commit: still right, or refused and re-planned.
            if let Some(changeset) = held {
                let result = store.borrow_mut().apply(&changeset);
                match result {
                    Ok(_) => {}
                    Err(Error::Conflict { .. }) => {
                        refused += 1;
                        run(&engine_a, a);
                    }
                    Err(other) => panic!("{what}: {other}"),
                }
            }
            assert_conserved(&store.borrow(), &what);
            assert_licences_close(&store, &what);
        }
    }
    // Pairs that touch the same rows really collided.
    assert!(
        refused >= 10,
        "only {refused} out-of-order commits were refused"
    );
}

#[test]
fn a_reconciliation_planned_before_a_sync_is_refused_and_replanned() {
    // The case that billed 105 for a final of 95: reconciliation planned, a sync commits, the stale
    // reconciliation commits.
    let store = base();
    let reconciling = engine_on(&store, moved_arrow(), "2025-02-03T10:00:00Z");
    let syncing = engine_on(&store, moved_arrow(), "2025-02-03T10:00:00Z");
    reconciling.store.hold.set(true);
    run(&reconciling, "trigger_reconciliation");
    reconciling.store.hold.set(false);
    let stale = reconciling.store.held.borrow_mut().take().unwrap();
    run(&syncing, "consumption sync");
    let before = store.borrow().clone();
    let refused = store.borrow_mut().apply(&stale).unwrap_err();
    assert_eq!(refused.code(), "conflict");
    assert_eq!(*store.borrow(), before, "a refused commit changes nothing");
    run(&reconciling, "trigger_reconciliation");
    assert_conserved(&store.borrow(), "after the re-plan");
    let records: Vec<ConsumptionRecord> = store.borrow().typed().unwrap();
    assert!(records.iter().all(ConsumptionRecord::is_reconciled));
}

/// A store that another worker always beats to the commit.
struct AlwaysBehind {
    inner: Rc<RefCell<MemoryStore>>,
    commits: Cell<u32>,
}

impl Store for AlwaysBehind {
    async fn get(&self, table: &str, id: &str) -> Result<Option<StoredRow>> {
        self.inner.as_ref().get(table, id).await
    }

    async fn scan(&self, table: &str, query: &ScanQuery) -> Result<Vec<StoredRow>> {
        self.inner.as_ref().scan(table, query).await
    }

    async fn commit(&self, _changeset: &Changeset) -> Result<ApplyReport> {
        self.commits.set(self.commits.get() + 1);
        Err(Error::Conflict {
            reason: "a row moved".into(),
        })
    }
}

#[test]
fn an_operation_that_keeps_meeting_conflicts_gives_up_with_a_409_and_commits_nothing() {
    let store = base();
    let before = store.borrow().clone();
    let engine = Engine::new(
        AlwaysBehind {
            inner: Rc::clone(&store),
            commits: Cell::new(0),
        },
        Arrow { api: moved_arrow() },
        FixedClock(Cell::new("2025-02-03T10:00:00Z")),
        Zone::UTC,
        NoProgress,
    );
    let (path, body) = request("trigger_reconciliation");
    let response = block_on(engine.handle(&post_request(&path, body)));
    assert_eq!(response.status, 409, "{}", response.body);
    assert_eq!(response.body["code"], "conflict");
    assert!(response.body["detail"]
        .as_str()
        .unwrap()
        .contains("gave up after 4 attempts"));
    assert_eq!(
        engine.host.store.commits.get(),
        billsync::engine::MAX_ATTEMPTS
    );
    assert_eq!(*store.borrow(), before);
}

/// The store's rows, table by table, without the units' version rows (whose content names the plan that
/// wrote them last): what two serial orders are compared on.
fn state(store: &Rc<RefCell<MemoryStore>>) -> Value {
    let mut tables = store.borrow().to_tables();
    if let Some(t) = tables.as_object_mut() {
        t.remove("ledger_units");
    }
    tables
}

/// The month before any operation: the host's data only.
fn empty() -> Rc<RefCell<MemoryStore>> {
    Rc::new(RefCell::new(initial_store()))
}

/// `first` then `second`, each run alone from the state `start` makes.
fn serially(start: fn() -> Rc<RefCell<MemoryStore>>, first: &str, second: &str) -> Value {
    let store = start();
    run(
        &engine_on(&store, moved_arrow(), "2025-02-03T10:00:00Z"),
        first,
    );
    run(
        &engine_on(&store, moved_arrow(), "2025-02-03T10:00:00Z"),
        second,
    );
    state(&store)
}

#[test]
fn a_plan_that_reads_part_of_the_world_before_another_commits_ends_as_a_serial_order() {
    // Plan A reads part of the world, B runs and commits, A reads the rest and commits: for every pair and
    // every read of A that B can come before, the store ends as B then A, or as A then B.
    let mut refused = 0;
    let mut orderings = 0;
    for (start, from) in [
        (empty as fn() -> Rc<RefCell<MemoryStore>>, "empty"),
        (base, "synced"),
    ] {
        for a in OPERATIONS {
            // How many reads A makes alone, its commit included.
            let counting = start();
            let alone = engine_on(&counting, moved_arrow(), "2025-02-03T10:00:00Z");
            run(&alone, a);
            let reads = alone.store.reads.get();
            for b in OPERATIONS {
                let (ab, ba) = (serially(start, a, b), serially(start, b, a));
                for k in 0..reads {
                    let what = format!(
                        "from {from}: {a} reads {k} times, {b} commits, {a} reads the rest"
                    );
                    let store = start();
                    let engine_a = engine_on(&store, moved_arrow(), "2025-02-03T10:00:00Z");
                    let engine_b =
                        Rc::new(engine_on(&store, moved_arrow(), "2025-02-03T10:00:00Z"));
                    engine_a.store.before_read(k, move || run(&engine_b, b));
                    let before = engine_a.store.reads.get();
                    run(&engine_a, a);
                    // A re-read (re-planned) when more reads than alone were made.
                    if engine_a.store.reads.get() - before > reads {
                        refused += 1;
                    }
                    let now = state(&store);
                    assert!(
                        now == ba || now == ab,
                        "{what}: the store ends in no serial order of the two: {}",
                        differences(&now, &ba)
                    );
                    assert_conserved(&store.borrow(), &what);
                    assert_licences_close(&store, &what);
                    orderings += 1;
                }
            }
        }
    }
    assert!(orderings > 800, "{orderings} orderings");
    eprintln!("{orderings} orderings, {refused} re-planned");
    assert!(
        refused >= 20,
        "only {refused} plans were refused and re-planned"
    );
}

/// Which rows differ between two states, for a failure's message.
fn differences(a: &Value, b: &Value) -> String {
    let mut out = Vec::new();
    for (table, rows) in a.as_object().unwrap() {
        let other = b
            .get(table)
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        for row in rows.as_array().unwrap() {
            if !other.contains(row) {
                out.push(format!("{table}: {row}"));
            }
        }
        for row in &other {
            if !rows.as_array().unwrap().contains(row) {
                out.push(format!("{table} (serially): {row}"));
            }
        }
    }
    out.join("\n")
}
