//! Serialisability, as a property: N engines on one store, each running random operations, interleaved at
//! random between every store call (each read and each commit may be delayed by a few turns of the
//! scheduler). After each schedule, the store holds exactly what running the operations whose commits
//! landed one after another, in the order they landed, on a fresh store, holds. A plan whose reads moved
//! before it committed must have been refused and re-planned; one that was let through shows up as a
//! state no serial order gives.
//!
//! Operators are among the engines (issue 20): a reverse of a compensation and a release of its source race
//! the reconciliations like any other operation.
//!
//! The normal test command runs 1,000 schedules (2 to 4 engines, 1 or 2 operations each, from an empty, a
//! synced, or a reconciled store with one source held); `make fuzz-serial` (part of `make fuzz`) runs 100,000, optimised
//! (`BILLSYNC_SCHEDULES=100000 cargo test --profile bench-native --test serializable`).

mod common;

use std::cell::{Cell, RefCell};
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll, Waker};

use billsync::engine::{Engine, HttpRequest, NoProgress, ScanQuery, Store, StoredRow};
use billsync::error::Result;
use billsync::ledger::Changeset;
use billsync::period::Zone;
use billsync::store::{ApplyReport, MemoryStore};
use billsync::vendors::arrow::Arrow;
use common::fake_arrow::*;
use proptest::prelude::*;
use serde_json::{json, Value};

/// A small deterministic random source for the scheduler (xorshift64*).
struct Dice(Cell<u64>);

impl Dice {
    fn roll(&self, sides: u64) -> u64 {
        let mut x = self.0.get();
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0.set(x);
        x.wrapping_mul(0x2545_f491_4f6c_dd1d) % sides.max(1)
    }
}

/// A future that is ready after being polled `n` more times: the scheduler runs others meanwhile.
struct Yield(u32);

impl Future for Yield {
    type Output = ();
    fn poll(mut self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<()> {
        if self.0 == 0 {
            Poll::Ready(())
        } else {
            self.0 -= 1;
            Poll::Pending
        }
    }
}

/// One engine's view of the shared store: every call waits a random number of turns first; every commit
/// that lands is logged with the operation that made it.
struct YieldingStore {
    inner: Rc<RefCell<MemoryStore>>,
    dice: Rc<Dice>,
    operation: Cell<usize>,
    landed: Rc<RefCell<Vec<usize>>>,
}

impl YieldingStore {
    async fn turn(&self) {
        let turns = match self.dice.roll(4) {
            0 | 1 => 0,
            n => self.dice.roll(3 * n) as u32,
        };
        Yield(turns).await;
    }
}

impl Store for YieldingStore {
    async fn get(&self, table: &str, id: &str) -> Result<Option<StoredRow>> {
        self.turn().await;
        self.inner.as_ref().get(table, id).await
    }

    async fn scan(&self, table: &str, query: &ScanQuery) -> Result<Vec<StoredRow>> {
        self.turn().await;
        self.inner.as_ref().scan(table, query).await
    }

    async fn commit(&self, changeset: &Changeset) -> Result<ApplyReport> {
        self.turn().await;
        let report = self.inner.as_ref().commit(changeset).await?;
        self.landed.borrow_mut().push(self.operation.get());
        Ok(report)
    }
}

#[derive(Debug, Clone, Copy)]
enum Op {
    /// trigger_consumption_sync, with Arrow's first or its later figures.
    Consume {
        later: bool,
    },
    TriggerSync,
    Reconcile {
        force: bool,
    },
    ReconcileStatements {
        force: bool,
    },
    /// cleanup_consumption of one resource's January record.
    Cleanup {
        resource: u32,
    },
    /// sync_resource_historical_consumption of one resource, January.
    Historical {
        resource: u32,
    },
    /// An operator reverses the first compensation of one resource's January record (its source held).
    Reverse {
        resource: u32,
    },
    /// An operator releases that record's source.
    Release {
        resource: u32,
    },
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        3 => any::<bool>().prop_map(|later| Op::Consume { later }),
        3 => Just(Op::TriggerSync),
        2 => any::<bool>().prop_map(|force| Op::Reconcile { force }),
        2 => any::<bool>().prop_map(|force| Op::ReconcileStatements { force }),
        1 => (1u32..=3).prop_map(|resource| Op::Cleanup { resource }),
        1 => (1u32..=3).prop_map(|resource| Op::Historical { resource }),
        2 => (1u32..=2).prop_map(|resource| Op::Reverse { resource }),
        2 => (1u32..=2).prop_map(|resource| Op::Release { resource }),
    ]
}

/// Each operation's own instant, so that the rows it writes say which one wrote them.
const INSTANTS: [&str; 16] = [
    "2025-02-03T10:00:00Z",
    "2025-02-03T10:01:00Z",
    "2025-02-03T10:02:00Z",
    "2025-02-03T10:03:00Z",
    "2025-02-03T10:04:00Z",
    "2025-02-03T10:05:00Z",
    "2025-02-03T10:06:00Z",
    "2025-02-03T10:07:00Z",
    "2025-02-03T10:08:00Z",
    "2025-02-03T10:09:00Z",
    "2025-02-03T10:10:00Z",
    "2025-02-03T10:11:00Z",
    "2025-02-03T10:12:00Z",
    "2025-02-03T10:13:00Z",
    "2025-02-03T10:14:00Z",
    "2025-02-03T10:15:00Z",
];

/// Arrow as an operation sees it: the month's export, and its first or later consumption figures.
fn arrow_for(op: Op) -> FakeArrow {
    let mut a = arrow();
    if matches!(op, Op::Consume { later: true }) {
        a.consumption.insert(
            (license(1), "2025-01".into()),
            vec![("70.00".into(), "55.00".into())],
        );
        a.consumption.insert(
            (license(2), "2025-01".into()),
            vec![("12.00".into(), "9.50".into())],
        );
    }
    a
}

/// The source key of resource `n`'s January record.
fn record_key(n: u32) -> String {
    billsync::ledger::SourceKey::of_record(
        &resource(n),
        billsync::period::Period::parse("2025-01").unwrap(),
        &license(n),
    )
    .as_str()
    .to_owned()
}

fn request(op: Op) -> HttpRequest {
    let user = serde_json::from_value(json!({"is_staff": true, "username": "op"})).unwrap();
    let hold = |path: String, body: Value| billsync::engine::HttpRequest {
        method: "POST".into(),
        path,
        body,
        user: serde_json::from_value(json!({"is_staff": true, "username": "op"})).unwrap(),
        base_url: "https://admin.example".into(),
        ..Default::default()
    };
    match op {
        Op::Reverse { resource: n } => {
            let uuid = billsync::ids::Uuid::derive(
                "invoice_item",
                &format!("consumption_compensation:{}:1", record_key(n)),
            );
            return hold(
                format!("/api/admin/billsync/invoice-items/{uuid}/reverse/"),
                json!({"reason": "disputed"}),
            );
        }
        Op::Release { resource: n } => {
            let key = record_key(n).replace('|', "%7C");
            return hold(
                format!("/api/admin/billsync/sources/{key}/release/"),
                json!({}),
            );
        }
        _ => {}
    }
    let (action, body) = match op {
        Op::Consume { .. } => (
            "trigger_consumption_sync",
            json!({"year": 2025, "month": 1}),
        ),
        Op::TriggerSync => ("trigger_sync", json!({"year": 2025, "month": 1})),
        Op::Reconcile { force } => (
            "trigger_reconciliation",
            json!({"year": 2025, "month": 1, "force": force}),
        ),
        Op::ReconcileStatements { force } => (
            "reconcile",
            json!({"year": 2025, "month": 1, "force": force}),
        ),
        Op::Cleanup { resource: n } => (
            "cleanup_consumption",
            json!({"period_from": "2025-01", "period_to": "2025-01", "resource_uuid": resource(n), "dry_run": false}),
        ),
        Op::Historical { resource: n } => (
            "sync_resource_historical_consumption",
            json!({"resource_uuid": resource(n), "period_from": "2025-01", "period_to": "2025-01"}),
        ),
        Op::Reverse { .. } | Op::Release { .. } => unreachable!("answered above"),
    };
    billsync::engine::HttpRequest {
        method: "POST".into(),
        path: format!("/api/admin/arrow/billing-syncs/{action}/"),
        body,
        user,
        base_url: "https://admin.example".into(),
        ..Default::default()
    }
}

/// The month as the synced schedules start from it: consumption synced and the statement billed.
fn synced() -> MemoryStore {
    let engine = engine(arrow());
    for action in ["trigger_consumption_sync", "trigger_sync"] {
        let response = post(
            &engine,
            &format!("{SYNCS}{action}/"),
            json!({"year": 2025, "month": 1}),
        );
        assert!(response.status < 300, "{}", response.body);
    }
    engine.host.store.into_inner()
}

/// The month synced and reconciled, and resource 1's compensation reversed: its source held.
fn reconciled_and_held() -> MemoryStore {
    let engine = engine(arrow());
    engine.host.store.replace(synced());
    engine.clock.0.set("2025-02-02T10:00:00Z");
    let response = post(
        &engine,
        &format!("{SYNCS}trigger_reconciliation/"),
        json!({"year": 2025, "month": 1}),
    );
    assert!(response.status < 300, "{}", response.body);
    let response = block_on(engine.handle(&request(Op::Reverse { resource: 1 })));
    assert_eq!(response.status, 200, "{}", response.body);
    engine.host.store.into_inner()
}

/// The store's rows, without the units' version rows (their content names the plan that wrote them).
fn state(store: &MemoryStore) -> Value {
    let mut tables = store.to_tables();
    if let Some(t) = tables.as_object_mut() {
        t.remove("ledger_units");
    }
    tables
}

/// Runs every engine's operations concurrently on one store from `start`; returns the store and the
/// operations (engine, index) whose commits landed, in order.
fn concurrently(
    start: &MemoryStore,
    engines: &[Vec<Op>],
    seed: u64,
) -> (MemoryStore, Vec<(usize, usize)>) {
    let inner = Rc::new(RefCell::new(start.clone()));
    let dice = Rc::new(Dice(Cell::new(seed | 1)));
    let landed = Rc::new(RefCell::new(Vec::new()));
    let mut tasks: Vec<Option<Pin<Box<dyn Future<Output = ()> + '_>>>> = engines
        .iter()
        .enumerate()
        .map(|(w, ops)| {
            let (inner, dice, landed) = (Rc::clone(&inner), Rc::clone(&dice), Rc::clone(&landed));
            let task: Pin<Box<dyn Future<Output = ()> + '_>> = Box::pin(async move {
                for (i, op) in ops.iter().enumerate() {
                    // One engine, one worker: each of its operations with Arrow as that one sees it.
                    let engine = Engine::new(
                        YieldingStore {
                            inner: Rc::clone(&inner),
                            dice: Rc::clone(&dice),
                            operation: Cell::new(w * 8 + i),
                            landed: Rc::clone(&landed),
                        },
                        Arrow {
                            api: arrow_for(*op),
                        },
                        FixedClock(Cell::new(instant(w, i))),
                        Zone::UTC,
                        NoProgress,
                    );
                    let response = engine.handle(&request(*op)).await;
                    // A reverse of a compensation not made yet (404) or made and reversed already (409),
                    // or a release of a source not held (404, 409): refused, changing nothing.
                    let refused = matches!(op, Op::Reverse { .. } | Op::Release { .. })
                        && response.status == 404;
                    assert!(
                        response.status < 300 || response.status == 409 || refused,
                        "{op:?}: {} {}",
                        response.status,
                        response.body
                    );
                }
            });
            Some(task)
        })
        .collect();
    let mut cx = Context::from_waker(Waker::noop());
    while tasks.iter().any(Option::is_some) {
        let live: Vec<usize> = (0..tasks.len()).filter(|i| tasks[*i].is_some()).collect();
        let pick = live[dice.roll(live.len() as u64) as usize];
        if let Some(task) = tasks[pick].as_mut() {
            if task.as_mut().poll(&mut cx).is_ready() {
                tasks[pick] = None;
            }
        }
    }
    let order = landed.borrow().iter().map(|id| (id / 8, id % 8)).collect();
    let store = inner.borrow().clone();
    (store, order)
}

/// The instant of engine `w`'s operation `i`.
fn instant(w: usize, i: usize) -> &'static str {
    INSTANTS[(w * 4 + i) % INSTANTS.len()]
}

/// The operations that landed, run one after another in that order from `start`.
fn serially(start: &MemoryStore, engines: &[Vec<Op>], order: &[(usize, usize)]) -> MemoryStore {
    let store = RefCell::new(start.clone());
    for (w, i) in order {
        let op = engines[*w][*i];
        let engine = Engine::new(
            RefCell::new(store.borrow().clone()),
            Arrow { api: arrow_for(op) },
            FixedClock(Cell::new(instant(*w, *i))),
            Zone::UTC,
            NoProgress,
        );
        let response = block_on(engine.handle(&request(op)));
        assert!(response.status < 300, "serially, {op:?}: {}", response.body);
        *store.borrow_mut() = engine.host.store.into_inner();
    }
    store.into_inner()
}

fn schedules() -> u32 {
    std::env::var("BILLSYNC_SCHEDULES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(1_000)
}

thread_local! {
    static SYNCED: MemoryStore = synced();
    static HELD: MemoryStore = reconciled_and_held();
}

proptest! {
    #![proptest_config(ProptestConfig { cases: schedules(), ..ProptestConfig::default() })]

    #[test]
    fn concurrent_operations_end_as_the_serial_order_of_their_commits(
        from in 0u8..3,
        engines in proptest::collection::vec(proptest::collection::vec(op(), 1..=2), 2..=4),
        seed in any::<u64>(),
    ) {
        let start = match from {
            0 => initial_store(),
            1 => SYNCED.with(MemoryStore::clone),
            _ => HELD.with(MemoryStore::clone),
        };
        let (after, order) = concurrently(&start, &engines, seed);
        let serial = serially(&start, &engines, &order);
        prop_assert!(
            state(&after) == state(&serial),
            "commits landed in the order {:?}; the store differs from running them in that order",
            order
        );
    }
}
