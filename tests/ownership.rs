//! Issue 19's cases of ownership that a serial run gets wrong, each a named test: one owner per licence
//! and month, its provisional and final figures by one rule, the law per customer, finals only from
//! statements Arrow has fulfilled, and one spelling of a licence.

mod common;

use billsync::ledger::{Changeset, ConsumptionRecord, InvoiceItem, Resource};
use billsync::timestamp::Timestamp;
use common::fake_arrow::*;
use rust_decimal::Decimal;
use serde_json::{json, Value};

fn month() -> Value {
    json!({"year": 2025, "month": 1})
}

fn run(engine: &TestEngine, action: &str, body: Value) -> Value {
    let response = post(engine, &format!("{SYNCS}{action}/"), body);
    assert!(response.status < 300, "{action}: {}", response.body);
    response.body
}

fn cents(c: i64) -> Decimal {
    Decimal::new(c, 2)
}

/// What customer `customer` is billed for a licence in January, over its records and its lines.
fn billed(engine: &TestEngine, licence: &str, lines: &[u32]) -> Decimal {
    let items: Vec<InvoiceItem> = engine.store.borrow().typed().unwrap();
    let record = format!("|2025-01|{licence}");
    items
        .iter()
        .filter(|i| {
            let key = i.source_key.as_str();
            key.ends_with(&record)
                || lines
                    .iter()
                    .any(|l| key == format!("ST-1|XSP661245|{l}").as_str())
        })
        .map(|i| i.total().unwrap().amount)
        .sum()
}

/// Rewrites a resource as the host would.
fn host_edit(engine: &TestEngine, n: u32, edit: impl FnOnce(&mut Resource)) {
    let mut store = engine.store.borrow_mut();
    let mut r: Resource = store.typed_row(&resource(n)).unwrap().unwrap();
    edit(&mut r);
    let mut c = Changeset::new("host", Timestamp::parse("2025-01-01T00:00:00Z").unwrap());
    c.put("host".into(), &r).unwrap();
    store.apply(&c).unwrap();
}

#[test]
fn an_owner_change_is_netted_by_the_consumption_sync() {
    // trigger_sync bills the licence's lines (95.00: no record yet), then a late consumption sync makes
    // its record (100.00 consumed): the record owns the licence now, and the lines' 95.00 is netted off.
    let engine = engine(arrow());
    run(&engine, "trigger_sync", month());
    assert_eq!(billed(&engine, &license(1), &[1, 2]), cents(9_500));
    run(&engine, "trigger_consumption_sync", month());
    assert_eq!(
        billed(&engine, &license(1), &[1, 2]),
        cents(10_000),
        "the provisional alone, not 195.00"
    );
    engine.clock.0.set("2025-02-06T10:00:00Z");
    run(&engine, "trigger_sync", month());
    run(&engine, "trigger_reconciliation", month());
    assert_eq!(billed(&engine, &license(1), &[1, 2]), cents(9_500));
}

#[test]
fn a_licence_on_three_resources_is_billed_once_before_reconciliation() {
    // Three resources on one licence: Arrow reports the licence's consumption (30.00) to each.
    let mut a = arrow();
    a.consumption.insert(
        (license(1), "2025-01".into()),
        vec![("30.00".into(), "24.00".into())],
    );
    let engine = engine(a);
    for n in [2, 3] {
        host_edit(&engine, n, |r| {
            r.attributes
                .insert("arrow_license_reference".into(), license(1).into());
        });
    }
    run(&engine, "trigger_consumption_sync", month());
    assert_eq!(
        billed(&engine, &license(1), &[]),
        cents(3_000),
        "30.00 provisional in all, not 90.00"
    );
    let mut parts: Vec<Decimal> = engine
        .store
        .borrow()
        .typed::<InvoiceItem>()
        .unwrap()
        .iter()
        .map(|i| i.unit_price)
        .collect();
    parts.sort();
    assert_eq!(parts, vec![cents(1_000), cents(1_000), cents(1_000)]);
    // One resource synced alone is its share, not the whole.
    let alone = post(
        &engine,
        &format!("{SYNCS}trigger_consumption_sync/"),
        json!({"year": 2025, "month": 1, "resource_uuid": resource(2)}),
    );
    assert_eq!(alone.status, 200, "{}", alone.body);
    assert_eq!(billed(&engine, &license(1), &[]), cents(3_000));
    // After reconciliation: the final split the same way (95.00 in thirds).
    engine.clock.0.set("2025-02-06T10:00:00Z");
    run(&engine, "trigger_reconciliation", month());
    assert_eq!(billed(&engine, &license(1), &[]), cents(9_500));
}

#[test]
fn reconciliation_waits_for_a_statement_arrow_calls_open() {
    let mut a = arrow();
    a.statements = Some(json!({"data": {"statements": [{"reference": "ST-1", "status": "Open"}]}}));
    let engine = engine(a);
    run(&engine, "trigger_consumption_sync", month());
    engine.clock.0.set("2025-02-06T10:00:00Z");
    run(&engine, "trigger_reconciliation", month());
    let records: Vec<ConsumptionRecord> = engine.store.borrow().typed().unwrap();
    assert!(
        records.iter().all(|r| !r.is_reconciled()),
        "nothing final while Arrow calls the statement open"
    );
    // Arrow revises the statement (90.00 -> 97.00) and fulfils it; the next unforced run reconciles it.
    let mut revised = arrow();
    revised.statements =
        Some(json!({"data": {"statements": [{"reference": "ST-1", "status": "Fulfilled"}]}}));
    revised.export.get_mut("2025-01").unwrap()[0] =
        export_row(1, &license(1), "97.00", "80.00", "2025-01");
    let store = engine.store.borrow().clone();
    let later = billsync::engine::Engine::new(
        std::cell::RefCell::new(store),
        billsync::vendors::arrow::Arrow { api: revised },
        FixedClock(std::cell::Cell::new("2025-02-07T10:00:00Z")),
        billsync::period::Zone::UTC,
        billsync::engine::NoProgress,
    );
    run(&later, "trigger_reconciliation", month());
    let records: Vec<ConsumptionRecord> = later.store.borrow().typed().unwrap();
    let record = records.iter().find(|r| r.source_ref == license(1)).unwrap();
    assert_eq!(
        record.final_sell,
        Some(cents(10_200)),
        "97.00 + 5.00, not 95.00"
    );
    assert_eq!(billed(&later, &license(1), &[]), cents(10_200));
}

#[test]
fn a_licence_reference_in_another_case_is_the_same_licence() {
    // "xsp1001" on the resource, "XSP1001" in Arrow's export: one licence, billed once.
    let engine = engine(arrow());
    host_edit(&engine, 1, |r| {
        r.attributes
            .insert("arrow_license_reference".into(), " xsp1001 ".into());
    });
    run(&engine, "trigger_consumption_sync", month());
    run(&engine, "trigger_sync", month());
    engine.clock.0.set("2025-02-06T10:00:00Z");
    run(&engine, "trigger_reconciliation", month());
    run(
        &engine,
        "reconcile",
        json!({"year": 2025, "month": 1, "force": true}),
    );
    assert_eq!(
        billed(&engine, "XSP1001", &[1, 2]),
        cents(9_500),
        "once, not twice"
    );
    let records: Vec<ConsumptionRecord> = engine.store.borrow().typed().unwrap();
    assert!(records.iter().any(|r| r.source_ref == "XSP1001"));
}

const CUSTOMER2: &str = "c0570be2-0000-4000-8000-000000000099";
const PROJECT2: &str = "9f0ec700-0000-4000-8000-000000000099";

/// What `customer` is billed in all, over every item.
fn billed_to(engine: &TestEngine, customer: &str) -> Decimal {
    let items: Vec<InvoiceItem> = engine.store.borrow().typed().unwrap();
    items
        .iter()
        .filter(|i| i.customer_uuid.as_str() == customer)
        .map(|i| i.total().unwrap().amount)
        .sum()
}

/// A second host customer with a project, as the host adds them.
fn second_customer(engine: &TestEngine) {
    let mut store = engine.store.borrow_mut();
    for (table, row) in [
        ("customers", json!({"uuid": CUSTOMER2, "name": "Fabrikam"})),
        (
            "projects",
            json!({"uuid": PROJECT2, "name": "Fabrikam Azure", "customer_uuid": CUSTOMER2}),
        ),
    ] {
        let id = row["uuid"].as_str().unwrap().to_owned();
        store.load(table, &id, row).unwrap();
    }
}

#[test]
fn a_resource_moved_to_another_customer_bills_each_customer_their_part() {
    // Synced for the first customer (100.00 provisional), then the resource moves to another customer's
    // project before the month is reconciled (final 95.00).
    let mut a = arrow();
    a.export.get_mut("2025-01").unwrap().truncate(2);
    a.consumption.retain(|(l, _), _| *l == license(1));
    let engine = engine(a);
    run(&engine, "trigger_consumption_sync", month());
    assert_eq!(billed_to(&engine, CUSTOMER), cents(10_000));
    second_customer(&engine);
    host_edit(&engine, 1, |r| {
        r.project_uuid = billsync::ids::Uuid::parse(PROJECT2).unwrap()
    });
    engine.clock.0.set("2025-02-06T10:00:00Z");
    run(&engine, "trigger_reconciliation", month());
    assert_eq!(
        billed_to(&engine, CUSTOMER),
        Decimal::ZERO,
        "the old customer's provisional netted to zero"
    );
    assert_eq!(
        billed_to(&engine, CUSTOMER2),
        cents(9_500),
        "the new customer billed the final, not -5.00"
    );
    // Exactly once.
    run(
        &engine,
        "trigger_reconciliation",
        json!({"year": 2025, "month": 1, "force": true}),
    );
    assert_eq!(billed_to(&engine, CUSTOMER), Decimal::ZERO);
    assert_eq!(billed_to(&engine, CUSTOMER2), cents(9_500));
}

#[test]
fn a_mapping_re_pointed_bills_each_customer_their_part_of_the_line() {
    // A statement line billed to the first customer (7.50); the mapping is re-pointed to another customer
    // and Arrow reprices the line (8.00).
    let mut a = arrow();
    a.export.insert(
        "2025-01".into(),
        vec![export_row(5, "XSP-LICENCE-ONLY", "7.50", "6.00", "2025-01")],
    );
    let engine = engine(a);
    run(&engine, "trigger_sync", month());
    assert_eq!(billed_to(&engine, CUSTOMER), cents(750));
    second_customer(&engine);
    {
        let mut store = engine.store.borrow_mut();
        let mut mapping: billsync::vendors::arrow::settings::CustomerMapping =
            store.typed_row(MAPPING).unwrap().unwrap();
        mapping.customer_uuid = billsync::ids::Uuid::parse(CUSTOMER2).unwrap();
        let mut c = Changeset::new("host", Timestamp::parse("2025-01-25T00:00:00Z").unwrap());
        c.put("host".into(), &mapping).unwrap();
        store.apply(&c).unwrap();
    }
    let mut repriced = arrow();
    repriced.export.insert(
        "2025-01".into(),
        vec![export_row(5, "XSP-LICENCE-ONLY", "8.00", "6.00", "2025-01")],
    );
    let store = engine.store.borrow().clone();
    let later = billsync::engine::Engine::new(
        std::cell::RefCell::new(store),
        billsync::vendors::arrow::Arrow { api: repriced },
        FixedClock(std::cell::Cell::new("2025-02-07T10:00:00Z")),
        billsync::period::Zone::UTC,
        billsync::engine::NoProgress,
    );
    run(
        &later,
        "reconcile",
        json!({"year": 2025, "month": 1, "force": true}),
    );
    assert_eq!(billed_to(&later, CUSTOMER), Decimal::ZERO, "not 7.50");
    assert_eq!(billed_to(&later, CUSTOMER2), cents(800), "not 0.50");
    run(
        &later,
        "reconcile",
        json!({"year": 2025, "month": 1, "force": true}),
    );
    assert_eq!(billed_to(&later, CUSTOMER), Decimal::ZERO);
    assert_eq!(billed_to(&later, CUSTOMER2), cents(800));
}
