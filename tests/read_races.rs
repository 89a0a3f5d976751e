//! Issue 19's races, each a named test: a plan reads part of the world, another operation commits, the
//! plan reads the rest. Each is refused at commit (a unit it read has moved) and re-planned, so the month
//! ends as a serial order of the two would leave it.

mod common;

use std::cell::RefCell;
use std::rc::Rc;

use billsync::ledger::InvoiceItem;
use billsync::store::MemoryStore;
use common::fake_arrow::*;
use common::interpose::{engine_on, InterposedEngine};
use rust_decimal::Decimal;
use serde_json::json;

const NOW: &str = "2025-02-06T10:00:00Z";

fn run(engine: &InterposedEngine, action: &str, body: serde_json::Value) {
    let response = block_on(engine.handle(&request("POST", &format!("{SYNCS}{action}/"), body)));
    assert!(response.status < 300, "{action}: {}", response.body);
}

fn month() -> serde_json::Value {
    json!({"year": 2025, "month": 1})
}

/// What the customer is billed for licence 1 in January over every source of it: its record and its two
/// statement lines (Arrow's export bills it 90.00 + 5.00; its consumption is 60.00 + 40.00).
fn licence_1(store: &Rc<RefCell<MemoryStore>>) -> Decimal {
    let items: Vec<InvoiceItem> = store.borrow().typed().unwrap();
    let record = format!("|2025-01|{}", license(1));
    items
        .iter()
        .filter(|i| {
            let key = i.source_key.as_str();
            key.ends_with(&record) || key == "ST-1|XSP661245|1" || key == "ST-1|XSP661245|2"
        })
        .map(|i| i.total().unwrap().amount)
        .sum()
}

fn store() -> Rc<RefCell<MemoryStore>> {
    Rc::new(RefCell::new(initial_store()))
}

#[test]
fn an_ownership_read_without_a_version() {
    // trigger_sync reads the month's records and finds none; a consumption sync commits a record for the
    // licence; trigger_sync then reads the licence's ledger rows, which now include it.
    let store = store();
    let billing = engine_on(&store, arrow(), NOW);
    let syncing = Rc::new(engine_on(&store, arrow(), NOW));
    let reads_before = billing.store.reads.get();
    billing.store.before_scan("ledger_sources", move || {
        run(&syncing, "trigger_consumption_sync", month())
    });
    run(&billing, "trigger_sync", month());
    let reads = billing.store.reads.get() - reads_before;
    // Every serial order bills the licence's consumption, through its record (the record owns it).
    run(&billing, "trigger_sync", month());
    assert_eq!(licence_1(&store), Decimal::new(10_000, 2), "not 0");
    assert!(
        reads > 12,
        "trigger_sync was refused and re-read ({reads} scans)"
    );
}

#[test]
fn the_same_race_with_a_reconciliation_between() {
    // As above, with the record reconciled before trigger_sync reads the ledger: unforced runs skip a
    // reconciled record, so a wrong total would stay.
    let store = store();
    let billing = engine_on(&store, arrow(), NOW);
    let syncing = Rc::new(engine_on(&store, arrow(), NOW));
    billing.store.before_scan("ledger_sources", move || {
        run(&syncing, "trigger_consumption_sync", month());
        run(&syncing, "trigger_reconciliation", month());
    });
    run(&billing, "trigger_sync", month());
    for action in ["trigger_sync", "trigger_reconciliation", "reconcile"] {
        run(&billing, action, month());
    }
    assert_eq!(
        licence_1(&store),
        Decimal::new(9_500, 2),
        "Arrow's final, not 0"
    );
    // Nothing more to bill.
    let before = store.borrow().clone();
    for action in ["trigger_sync", "trigger_reconciliation", "reconcile"] {
        run(&billing, action, month());
    }
    assert_eq!(licence_1(&store), Decimal::new(9_500, 2));
    let after = store.borrow().clone();
    let items = |s: &MemoryStore| s.typed::<InvoiceItem>().unwrap().len();
    assert_eq!(items(&after), items(&before));
}
