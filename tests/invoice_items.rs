//! `GET /api/admin/billsync/invoice-items/`, natively through Arrow's handler: what was billed, item by item,
//! with its kind, amount, source, owner and reason; the filters, the pages and the REST conventions. (Both
//! vendors on one database, over HTTP: examples/node-admin/test/invoice-items.test.mjs.)

mod common;

use std::collections::BTreeMap;

use billsync::ledger::{ConsumptionRecord, InvoiceItem};
use common::fake_arrow::*;
use rust_decimal::Decimal;
use serde_json::{json, Value};

const ITEMS: &str = "/api/admin/billsync/invoice-items/";

fn d(v: &Value) -> Decimal {
    v.as_str().unwrap().parse().unwrap()
}

/// January synced, reconciled, and its statement synced: provisional items, compensations, statement lines.
fn billed_month() -> TestEngine {
    let engine = engine(arrow());
    let sync = post(
        &engine,
        &format!("{SYNCS}trigger_consumption_sync/"),
        json!({"year": 2025, "month": 1}),
    );
    assert_eq!(sync.status, 200);
    engine.clock.0.set("2025-02-10T10:00:00Z");
    for action in ["trigger_reconciliation", "trigger_sync"] {
        let response = post(
            &engine,
            &format!("{SYNCS}{action}/"),
            json!({"year": 2025, "month": 1}),
        );
        assert_eq!(response.status, 200, "{action}: {:?}", response.body);
    }
    engine
}

fn all(engine: &TestEngine, query: Value) -> Vec<Value> {
    let mut query = query;
    query["page_size"] = json!(300);
    let response = get(engine, ITEMS, query);
    assert_eq!(response.status, 200, "{:?}", response.body);
    response.body.as_array().unwrap().clone()
}

#[test]
fn every_item_with_its_kind_amount_source_owner_and_reason() {
    let engine = billed_month();
    let items = all(&engine, json!({}));
    let stored: Vec<InvoiceItem> = engine.store.borrow().typed().unwrap();
    assert_eq!(items.len(), stored.len());
    let kinds: BTreeMap<&str, usize> = items.iter().fold(BTreeMap::new(), |mut m, i| {
        *m.entry(i["kind"].as_str().unwrap()).or_default() += 1;
        m
    });
    // Three licensed resources: three provisional items; XSP1001 and XSP1002's finals differ from their
    // consumption (one compensation each), XSP1003's does not; the licence with no resource is billed by its
    // statement line.
    assert_eq!(kinds.get("provisional"), Some(&3), "{kinds:?}");
    assert_eq!(kinds.get("compensation"), Some(&2), "{kinds:?}");
    assert_eq!(kinds.get("statement_line"), Some(&1), "{kinds:?}");
    for item in &items {
        assert_eq!(item["vendor"], "arrow", "{item}");
        assert_eq!(item["currency"], "EUR");
        assert_eq!(
            d(&item["amount"]),
            d(&item["unit_price"]) * d(&item["quantity"])
        );
        assert!(item["owner"].is_string(), "{item}");
        assert!(item["reason"].is_string(), "{item}");
        // A compensation is on the invoice of the month it was billed in (reconciled in February).
        let month = if item["kind"] == "compensation" {
            "2025-02"
        } else {
            "2025-01"
        };
        assert_eq!(item["billing_period"], month, "{item}");
        assert_eq!(item["customer_uuid"], CUSTOMER);
    }
    // The items of a record add up to its final amount: what the listing shows is what was billed.
    let records: Vec<ConsumptionRecord> = engine.store.borrow().typed().unwrap();
    assert_eq!(records.len(), 3);
    for record in records {
        let key = record.key().natural_key();
        let of_record = all(&engine, json!({"source_key": key.as_str()}));
        let billed: Decimal = of_record.iter().map(|i| d(&i["amount"])).sum();
        assert_eq!(Some(billed), record.final_sell, "{key}");
        assert!(of_record.iter().all(|i| i["source_key"] == key.as_str()));
    }
}

#[test]
fn filters_pages_and_conventions() {
    let engine = billed_month();
    let total = all(&engine, json!({})).len();
    assert_eq!(all(&engine, json!({"kind": "provisional"})).len(), 3);
    assert_eq!(all(&engine, json!({"vendor": "arrow"})).len(), total);
    assert!(all(&engine, json!({"vendor": "soracom"})).is_empty());
    assert_eq!(
        all(&engine, json!({"customer_uuid": CUSTOMER})).len(),
        total
    );
    assert!(all(
        &engine,
        json!({"customer_uuid": "c0570be2-0000-4000-8000-0000000000ff"})
    )
    .is_empty());
    assert_eq!(all(&engine, json!({"billing_period": "2025-01"})).len(), 4);
    assert_eq!(
        all(&engine, json!({"billing_period": "2025-01-01"})).len(),
        4
    );
    let february = all(&engine, json!({"billing_period": "2025-02"}));
    assert_eq!(february.len(), 2);
    assert!(february.iter().all(|i| i["kind"] == "compensation"));
    assert_eq!(
        all(
            &engine,
            json!({"kind": "compensation", "billing_period": "2025-02"})
        )
        .len(),
        2
    );
    assert!(all(&engine, json!({"billing_period": "2025-03"})).is_empty());

    let page = get(&engine, ITEMS, json!({"page_size": 2, "page": 2}));
    assert_eq!(page.status, 200);
    assert_eq!(page.body.as_array().unwrap().len(), 2);
    assert_eq!(page.headers["x-result-count"], total.to_string());
    assert!(page.headers["link"].contains("rel=\"prev\""));
    // Newest month first, then by uuid: the pages tile the whole list.
    let mut paged = Vec::new();
    for n in 1..=total.div_ceil(2) {
        let body = get(&engine, ITEMS, json!({"page_size": 2, "page": n})).body;
        paged.extend(body.as_array().unwrap().iter().map(|i| i["uuid"].clone()));
    }
    let listed: Vec<Value> = all(&engine, json!({}))
        .iter()
        .map(|i| i["uuid"].clone())
        .collect();
    assert_eq!(paged, listed);

    let bad = get(&engine, ITEMS, json!({"kind": "refund", "vendor": "acme"}));
    assert_eq!(bad.status, 400);
    assert_eq!(
        bad.body,
        json!({"kind": ["\"refund\" is not a valid choice."], "vendor": ["\"acme\" is not a valid choice."]})
    );
    assert_eq!(
        get(&engine, ITEMS, json!({"page": 99})).body,
        json!({"detail": "Invalid page."})
    );
    assert_eq!(post(&engine, ITEMS, json!({})).status, 405);
    let mut anonymous = request("GET", ITEMS, Value::Null);
    anonymous.user = None;
    let forbidden = block_on(engine.handle(&anonymous));
    assert_eq!(forbidden.status, 403);
    assert_eq!(
        forbidden.body,
        json!({"detail": "You do not have permission to perform this action."})
    );
    let head = block_on(engine.handle(&request("HEAD", ITEMS, Value::Null)));
    assert_eq!(head.status, 200);
    assert_eq!(head.headers["x-result-count"], total.to_string());
}
