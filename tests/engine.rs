//! The engine through its one REST handler, natively, with Rust fakes for Arrow, the store and the clock.

mod common;

use std::cell::{Cell, RefCell};
use std::collections::BTreeMap;

use billsync::engine::{Engine, NoProgress, Payload};
use billsync::error::Result;
use billsync::ledger::{
    Changeset, ConsumptionRecord, InvoiceItem, InvoiceItemKind, Resource, WriteOp,
};
use billsync::period::{Period, Zone};
use billsync::store::MemoryStore;
use billsync::timezone::NoZoneRules;
use billsync::vendors::arrow::export::parse_billing_export;
use billsync::vendors::arrow::line::BilledLine;
use billsync::vendors::arrow::preview::preview as arrow_preview;
use billsync::vendors::arrow::{Arrow, ArrowApi, ExportRequest};
use common::fake_arrow::*;
use serde_json::{json, Value};

fn run_month(engine: &TestEngine) {
    assert_eq!(
        post(
            engine,
            &format!("{SYNCS}trigger_consumption_sync/"),
            json!({"year": 2025, "month": 1})
        )
        .status,
        200
    );
    engine.clock.0.set("2025-02-03T10:00:00Z");
    assert_eq!(
        post(
            engine,
            &format!("{SYNCS}trigger_reconciliation/"),
            json!({"year": 2025, "month": 1})
        )
        .status,
        200
    );
}

fn snapshot(engine: &TestEngine) -> MemoryStore {
    engine.store.borrow().clone()
}

#[test]
fn consumption_sync_then_reconciliation_through_handle() {
    let engine = engine(arrow());
    // The work ran in the request: 200 with its counters, not 202 with an empty body.
    let synced = post(
        &engine,
        &format!("{SYNCS}trigger_consumption_sync/"),
        json!({"year": 2025, "month": 1}),
    );
    assert_eq!(synced.status, 200, "{}", synced.body);
    assert_eq!(synced.body["synced"], 3, "{}", synced.body);
    assert_eq!(synced.body["dry_run"], false);
    assert_eq!(
        synced.body["applied"]["created"].as_u64().map(|n| n > 0),
        Some(true)
    );
    let list = get(&engine, RECORDS, json!({}));
    assert_eq!(list.status, 200);
    assert_eq!(list.headers["x-result-count"], "3");
    let consumed: BTreeMap<String, String> = list
        .body
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["license_reference"].as_str().unwrap().to_owned(),
                r["consumed_sell"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert_eq!(consumed[&license(1)], "100.00");
    assert_eq!(consumed[&license(2)], "10.00");

    engine.clock.0.set("2025-02-03T10:00:00Z");
    let reconciled = post(
        &engine,
        &format!("{SYNCS}trigger_reconciliation/"),
        json!({"year": 2025, "month": 1}),
    );
    assert_eq!(reconciled.status, 200, "{}", reconciled.body);
    assert_eq!(reconciled.body["reconciled"], 3, "{}", reconciled.body);
    let list = get(&engine, RECORDS, json!({"license_reference": "xsp1001"}));
    let record = &list.body[0];
    assert_eq!(record["final_sell"], "95.00");
    assert_eq!(record["adjustment_amount"], "-5.00");
    assert_eq!(record["is_reconciled"], true);
    assert_eq!(record["customer_name"], "Contoso");
    let retrieved = get(
        &engine,
        &format!("{RECORDS}{}/", record["uuid"].as_str().unwrap()),
        json!({}),
    );
    assert_eq!(retrieved.body, *record);

    // Conservation: what the invoices bill per record is its final sell.
    let store = snapshot(&engine);
    let items = store.typed::<InvoiceItem>().unwrap();
    for r in store.typed::<ConsumptionRecord>().unwrap() {
        let billed: rust_decimal::Decimal = items
            .iter()
            .filter(|i| i.source_key == r.key().natural_key())
            .map(|i| i.total().unwrap().amount)
            .sum();
        assert_eq!(Some(billed), r.final_sell, "{}", r.source_ref);
    }
    // A forced re-run creates no invoice item.
    let before = items.len();
    assert_eq!(
        post(
            &engine,
            &format!("{SYNCS}trigger_reconciliation/"),
            json!({"year": 2025, "month": 1, "force": true})
        )
        .status,
        200
    );
    assert_eq!(
        snapshot(&engine).typed::<InvoiceItem>().unwrap().len(),
        before
    );
}

#[test]
fn billing_syncs_trigger_list_reconcile() {
    let engine = engine(arrow());
    assert_eq!(
        post(
            &engine,
            &format!("{SYNCS}trigger_sync/"),
            json!({"year": 2025, "month": 1})
        )
        .status,
        200
    );
    let list = get(&engine, SYNCS, json!({}));
    assert_eq!(list.headers["x-result-count"], "1");
    let sync = &list.body[0];
    assert_eq!(sync["statement_reference"], "ST-1");
    assert_eq!(sync["arrow_reference"], "XSP661245");
    // The sync mirrors the whole statement: every line is an item. No consumption record exists yet, so
    // the statement bills every line.
    assert_eq!(sync["items"].as_array().unwrap().len(), 5);
    assert_eq!(sync["items"][4]["original_price"], "7.50");
    assert_eq!(sync["sell_total"], "1132.50");
    assert!(sync["items"]
        .as_array()
        .unwrap()
        .iter()
        .all(|i| i["invoice_item_uuid"].is_string()));
    assert_eq!(sync["state"], 2);
    let dry = post(
        &engine,
        &format!("{SYNCS}reconcile/"),
        json!({"year": 2025, "month": 1, "force": true, "dry_run": true}),
    );
    assert_eq!(dry.status, 200);
    assert!(dry.body["changeset"]["writes"]
        .as_array()
        .unwrap()
        .iter()
        .any(|w| w["table"] == "billing_syncs"
            && w["op"] == "put"
            && w["expect"] == 1
            && w["row"]["state"] == 4));
    assert_eq!(
        get(&engine, SYNCS, json!({})).body[0]["state"],
        2,
        "a dry run commits nothing"
    );
    assert_eq!(
        post(
            &engine,
            &format!("{SYNCS}reconcile/"),
            json!({"year": 2025, "month": 1, "force": true})
        )
        .status,
        200
    );
    let sync = get(
        &engine,
        &format!("{SYNCS}{}/", sync["uuid"].as_str().unwrap()),
        json!({}),
    );
    assert_eq!(sync.body["state"], 4);
    assert_eq!(sync.body["state_display"], "Reconciled");
    assert_eq!(
        get(&engine, SYNCS, json!({"state": "4"}))
            .body
            .as_array()
            .unwrap()
            .len(),
        1
    );
    assert_eq!(
        get(&engine, SYNCS, json!({"state": "2"}))
            .body
            .as_array()
            .unwrap()
            .len(),
        0
    );
}

#[test]
fn every_operation_answers_good_input() {
    let engine = engine(arrow());
    run_month(&engine);
    let stats = get(
        &engine,
        &format!("{SYNCS}consumption_statistics/"),
        json!({}),
    );
    assert_eq!(stats.status, 200);
    assert_eq!(stats.body["total_records"], 3);
    assert_eq!(stats.body["reconciled_records"], 3);
    // (95 − 100) + (1010 − 10) + (20 − 20)
    assert_eq!(stats.body["total_adjustments"], "995.00");
    let status = get(&engine, &format!("{SYNCS}consumption_status/"), json!({}));
    assert_eq!(status.body["global_sync_enabled"], true);
    assert_eq!(status.body["settings_uuid"], SETTINGS);
    assert_eq!(status.body["last_sync_run"], "2025-01-20T10:00:00Z");
    let pending = get(&engine, &format!("{SYNCS}pending_records/"), json!({}));
    assert_eq!(pending.status, 200);
    assert_eq!(pending.headers["x-result-count"], "0");

    let export = post(
        &engine,
        &format!("{SYNCS}fetch_billing_export/"),
        json!({"period_from": "2025-01", "period_to": "2025-01"}),
    );
    assert_eq!(export.status, 200);
    assert_eq!(
        export.body["row_count"], 5,
        "the number of rows, over every page (defect 12)"
    );
    assert_eq!(export.body["data"][2]["Customer Total Price"], "€1,010.00");
    let consumption = post(
        &engine,
        &format!("{SYNCS}fetch_consumption/"),
        json!({"license_reference": license(1), "period": "2025-01"}),
    );
    assert_eq!(consumption.body["row_count"], 2);
    assert_eq!(consumption.body["data"][0]["Total sell price"], "60.00");
    let info = post(
        &engine,
        &format!("{SYNCS}fetch_license_info/"),
        json!({"license_reference": license(1)}),
    );
    assert_eq!(info.body["data"]["license"]["reference"], license(1));

    let paused = post(
        &engine,
        &format!("{SYNCS}pause_sync/"),
        json!({"pause_global": true}),
    );
    assert_eq!(paused.body, json!({"paused": ["global"]}));
    assert_eq!(
        get(&engine, &format!("{SYNCS}consumption_status/"), json!({})).body["global_sync_enabled"],
        false
    );
    let resumed = post(
        &engine,
        &format!("{SYNCS}resume_sync/"),
        json!({"settings_uuid": SETTINGS}),
    );
    assert_eq!(resumed.body, json!({"resumed": [SETTINGS]}));
    assert_eq!(
        post(
            &engine,
            &format!("{SYNCS}pause_sync/"),
            json!({"settings_uuid": "5e771a65-0000-4000-8000-00000000ffff"})
        )
        .status,
        404
    );

    let history = post(
        &engine,
        &format!("{SYNCS}sync_resource_historical_consumption/"),
        json!({"resource_uuid": resource(1), "period_from": "2024-12", "period_to": "2025-01"}),
    );
    assert_eq!(history.status, 200);
    assert_eq!(
        history.body["periods_synced"], 1,
        "December has no record yet"
    );
    assert_eq!(history.body["periods_skipped"], 1, "January is finalized");

    let resources = post(
        &engine,
        &format!("{SYNCS}sync_resources/"),
        json!({"period_from": "2025-01", "period_to": "2025-01", "force_import": true}),
    );
    assert_eq!(resources.status, 200);
    assert_eq!(resources.body["synced"], 5);
    assert_eq!(
        resources.body["updated"], 3,
        "vs-1..3 are known resources; usage is written onto them"
    );
    assert_eq!(resources.body["created"], 2);

    let cleanup = post(
        &engine,
        &format!("{SYNCS}cleanup_consumption/"),
        json!({"period_from": "2024-12", "period_to": "2024-12"}),
    );
    assert_eq!(cleanup.body["dry_run"], true);
    assert_eq!(cleanup.body["records_to_delete"], 1);
    assert_eq!(
        snapshot(&engine)
            .typed::<ConsumptionRecord>()
            .unwrap()
            .len(),
        4,
        "a dry run deletes nothing"
    );
    let cleanup = post(
        &engine,
        &format!("{SYNCS}cleanup_consumption/"),
        json!({"period_from": "2024-12", "period_to": "2024-12", "dry_run": false}),
    );
    assert_eq!(cleanup.body["records_deleted"], 1);
    assert_eq!(
        snapshot(&engine)
            .typed::<ConsumptionRecord>()
            .unwrap()
            .len(),
        3
    );
}

#[test]
fn bad_input_and_http_conventions() {
    let engine = engine(arrow());
    let bad = post(
        &engine,
        &format!("{SYNCS}trigger_sync/"),
        json!({"year": 2025, "month": 13}),
    );
    assert_eq!(bad.status, 400);
    assert!(bad.body["month"].is_array());
    let bad = post(
        &engine,
        &format!("{SYNCS}cleanup_consumption/"),
        json!({"only_finalized": true, "only_unfinalized": true}),
    );
    assert!(bad.body["non_field_errors"].is_array());
    let bad = post(
        &engine,
        &format!("{SYNCS}fetch_billing_export/"),
        json!({"period_from": "2025-03", "period_to": "2025-01"}),
    );
    assert!(bad.body["period_from"].is_array());
    assert_eq!(
        post(
            &engine,
            &format!("{SYNCS}trigger_sync/"),
            json!({"year": 2025, "month": 1, "dry_run": "maybe"})
        )
        .status,
        400
    );
    assert_eq!(get(&engine, RECORDS, json!({"page": "0"})).status, 400);
    // A misspelt filter is a 400 naming it, not the whole list; a mid-month billing_period says so.
    let misspelt = get(&engine, RECORDS, json!({"is_reconcilled": "true"}));
    assert_eq!(misspelt.status, 400);
    assert!(misspelt.body["is_reconcilled"][0]
        .as_str()
        .unwrap()
        .starts_with("Unknown filter."));
    let mid_month = get(&engine, RECORDS, json!({"billing_period": "2025-01-15"}));
    assert_eq!(mid_month.status, 400);
    assert!(mid_month.body["billing_period"][0]
        .as_str()
        .unwrap()
        .contains("2025-01-01"));
    assert_eq!(get(&engine, RECORDS, json!({"page": "9"})).status, 404);

    let not_found = get(&engine, &format!("{RECORDS}{}/", resource(99)), json!({}));
    assert_eq!(
        (not_found.status, not_found.body.clone()),
        (
            404,
            json!({"detail": format!("Not found: consumption record {}.", resource(99))})
        )
    );
    assert_eq!(
        get(&engine, "/api/admin/arrow/nothing/", json!({})).status,
        404
    );
    let wrong = get(&engine, &format!("{SYNCS}trigger_sync/"), json!({}));
    assert_eq!(wrong.status, 405);
    assert_eq!(wrong.headers["allow"], "POST");
    assert_eq!(post(&engine, SYNCS, json!({})).status, 405);

    let mut anonymous = request("GET", SYNCS, Value::Null);
    anonymous.user = None;
    assert_eq!(block_on(engine.handle(&anonymous)).status, 403);
    let mut not_staff = request("GET", SYNCS, Value::Null);
    not_staff.user = serde_json::from_value(json!({"is_staff": false})).unwrap();
    assert_eq!(block_on(engine.handle(&not_staff)).status, 403);

    run_month(&engine);
    let mut head = request("HEAD", RECORDS, Value::Null);
    head.query = json!({"page_size": "2"}).as_object().cloned().unwrap();
    let head = block_on(engine.handle(&head));
    assert_eq!((head.status, head.body.clone()), (200, Value::Null));
    assert_eq!(head.headers["x-result-count"], "3");
    assert!(head.headers["link"].contains("rel=\"next\""));
}

#[test]
fn an_adapter_failure_commits_nothing_and_a_rerun_converges() {
    // The state a run with no faults reaches.
    let clean = engine(arrow());
    run_month(&clean);
    let calls = clean.vendor.api.calls.get();
    let expected = snapshot(&clean);
    assert!(calls >= 6);

    for fail_at in 0..calls {
        let faulty = engine(arrow());
        faulty.vendor.api.fail_at.set(Some(fail_at));
        let consumption = post(
            &faulty,
            &format!("{SYNCS}trigger_consumption_sync/"),
            json!({"year": 2025, "month": 1}),
        );
        faulty.clock.0.set("2025-02-03T10:00:00Z");
        let reconciliation = post(
            &faulty,
            &format!("{SYNCS}trigger_reconciliation/"),
            json!({"year": 2025, "month": 1}),
        );
        let failed = [&consumption, &reconciliation]
            .into_iter()
            .find(|r| r.status != 200)
            .unwrap();
        assert_eq!(failed.status, 502);
        assert!(failed.body["call"].as_str().unwrap().starts_with("arrow."));
        if consumption.status == 502 {
            assert!(
                snapshot(&faulty)
                    .typed::<ConsumptionRecord>()
                    .unwrap()
                    .is_empty(),
                "nothing committed by the failed sync"
            );
        }
        // Re-run everything without faults, at the same instants.
        faulty.vendor.api.fail_at.set(None);
        faulty.clock.0.set("2025-01-20T10:00:00Z");
        run_month(&faulty);
        let got = snapshot(&faulty);
        assert_eq!(
            got.typed::<InvoiceItem>().unwrap(),
            expected.typed::<InvoiceItem>().unwrap(),
            "fault at call {fail_at}"
        );
        assert_eq!(
            got.typed::<ConsumptionRecord>().unwrap(),
            expected.typed::<ConsumptionRecord>().unwrap(),
            "fault at call {fail_at}"
        );
    }
}

#[test]
fn a_bad_vendor_cell_is_a_coded_error_and_changes_nothing() {
    let mut a = arrow();
    a.export.get_mut("2025-01").unwrap()[1] = export_row(2, &license(1), "abc", "4.00", "2025-01");
    let engine = engine(a);
    assert_eq!(
        post(
            &engine,
            &format!("{SYNCS}trigger_consumption_sync/"),
            json!({"year": 2025, "month": 1})
        )
        .status,
        200
    );
    let before = snapshot(&engine);
    engine.clock.0.set("2025-02-03T10:00:00Z");
    let failed = post(
        &engine,
        &format!("{SYNCS}trigger_reconciliation/"),
        json!({"year": 2025, "month": 1}),
    );
    assert_eq!(failed.status, 502);
    assert_eq!(failed.body["code"], "invalid_cell");
    assert!(failed.body["detail"].as_str().unwrap().contains("abc"));
    assert_eq!(snapshot(&engine), before);
}

#[test]
fn defect_12_fetch_billing_export_row_count_is_the_number_of_rows() {
    let engine = engine(arrow());
    let export = post(
        &engine,
        &format!("{SYNCS}fetch_billing_export/"),
        json!({"period_from": "2025-01", "period_to": "2025-01"}),
    );
    // Five rows over three pages of two: not the length of a dict (the reference said 2).
    assert_eq!(export.body["row_count"], 5);
    assert_eq!(export.body["data"].as_array().unwrap().len(), 5);
    let iaas_only = post(
        &engine,
        &format!("{SYNCS}fetch_billing_export/"),
        json!({"period_from": "2025-01", "period_to": "2025-01", "classification": "SAAS"}),
    );
    assert_eq!(iaas_only.body["row_count"], 0);
}

#[test]
fn every_operation_rejects_bad_input_through_handle() {
    let engine = engine(arrow());
    let bad_uuid = "not-a-uuid";
    // (method, action or path, input, the field the 400 must name)
    let cases: Vec<(&str, String, Value, &str)> = vec![
        ("GET", SYNCS.to_string(), json!({"state": "9"}), "state"),
        (
            "GET",
            SYNCS.to_string(),
            json!({"report_period": "2025-13"}),
            "report_period",
        ),
        (
            "GET",
            SYNCS.to_string(),
            json!({"settings_uuid": bad_uuid}),
            "settings_uuid",
        ),
        (
            "POST",
            format!("{SYNCS}pause_sync/"),
            json!({"settings_uuid": bad_uuid}),
            "settings_uuid",
        ),
        (
            "POST",
            format!("{SYNCS}resume_sync/"),
            json!({"pause_global": "perhaps"}),
            "pause_global",
        ),
        (
            "POST",
            format!("{SYNCS}reconcile/"),
            json!({"year": 2025}),
            "month",
        ),
        (
            "POST",
            format!("{SYNCS}trigger_consumption_sync/"),
            json!({"year": "x", "month": 1}),
            "year",
        ),
        (
            "POST",
            format!("{SYNCS}trigger_consumption_sync/"),
            json!({"year": 2025, "month": 1, "resource_uuid": bad_uuid}),
            "resource_uuid",
        ),
        (
            "POST",
            format!("{SYNCS}trigger_reconciliation/"),
            json!({"year": 2101, "month": 1}),
            "year",
        ),
        (
            "POST",
            format!("{SYNCS}trigger_reconciliation/"),
            json!({"year": 2025, "month": 1, "force": "often"}),
            "force",
        ),
        (
            "POST",
            format!("{SYNCS}trigger_sync/"),
            json!({"month": 0}),
            "month",
        ),
        (
            "GET",
            format!("{SYNCS}pending_records/"),
            json!({"page_size": "0"}),
            "page_size",
        ),
        (
            "POST",
            format!("{SYNCS}fetch_billing_export/"),
            json!({"period_from": "2025-1"}),
            "period_from",
        ),
        (
            "POST",
            format!("{SYNCS}fetch_consumption/"),
            json!({"license_reference": "", "period": "2025-01"}),
            "license_reference",
        ),
        (
            "POST",
            format!("{SYNCS}fetch_license_info/"),
            json!({}),
            "license_reference",
        ),
        (
            "POST",
            format!("{SYNCS}sync_resource_historical_consumption/"),
            json!({"resource_uuid": bad_uuid}),
            "resource_uuid",
        ),
        (
            "POST",
            format!("{SYNCS}sync_resources/"),
            json!({"period_from": "2025-06", "period_to": "2025-01"}),
            "period_from",
        ),
        (
            "POST",
            format!("{SYNCS}sync_resources/"),
            json!({"period_from": "2024-01", "period_to": "2025-01"}),
            "period_from",
        ),
        (
            "POST",
            format!("{SYNCS}cleanup_consumption/"),
            json!({"dry_run": "sometimes"}),
            "dry_run",
        ),
        (
            "GET",
            RECORDS.to_string(),
            json!({"billing_period": "last month"}),
            "billing_period",
        ),
        (
            "GET",
            RECORDS.to_string(),
            json!({"is_finalized": "maybe"}),
            "is_finalized",
        ),
        (
            "GET",
            RECORDS.to_string(),
            json!({"customer_uuid": bad_uuid}),
            "customer_uuid",
        ),
    ];
    let before = snapshot(&engine);
    for (method, path, input, field) in cases {
        let response = if method == "GET" {
            get(&engine, &path, input.clone())
        } else {
            post(&engine, &path, input.clone())
        };
        assert_eq!(response.status, 400, "{method} {path} {input}");
        assert!(
            response.body[field].is_array(),
            "{method} {path} {input}: {}",
            response.body
        );
    }
    // The statistics and status operations take no input; unknown parameters are ignored, as the REST framework does.
    assert_eq!(
        get(
            &engine,
            &format!("{SYNCS}consumption_statistics/"),
            json!({"junk": "1"})
        )
        .status,
        200
    );
    assert_eq!(
        get(
            &engine,
            &format!("{SYNCS}consumption_status/"),
            json!({"junk": "1"})
        )
        .status,
        200
    );
    // A retrieve of something that is not a uuid is not a route: 404.
    assert_eq!(
        get(&engine, &format!("{SYNCS}{bad_uuid}/"), json!({})).status,
        404
    );
    assert_eq!(
        get(&engine, &format!("{RECORDS}{bad_uuid}/"), json!({})).status,
        404
    );
    assert_eq!(snapshot(&engine), before, "bad input changes nothing");
}

#[test]
fn a_resource_without_a_customer_is_an_error_of_its_own() {
    let engine = engine(arrow());
    // Resource 3's project is gone: it cannot be billed, the others still are.
    {
        let mut store = engine.store.borrow_mut();
        let mut orphan: Resource = store.typed_row(&resource(3)).unwrap().unwrap();
        orphan.project_uuid =
            billsync::ids::Uuid::parse("9f0ec700-0000-4000-8000-00000000dead").unwrap();
        store.insert(&orphan).unwrap();
    }
    let dry = post(
        &engine,
        &format!("{SYNCS}trigger_consumption_sync/"),
        json!({"year": 2025, "month": 1, "dry_run": true}),
    );
    assert_eq!(dry.status, 200);
    assert_eq!(dry.body["synced"], 2);
    assert_eq!(dry.body["errors"], 1);
    assert_eq!(dry.body["error_details"][0]["resource_uuid"], resource(3));
    assert_eq!(
        post(
            &engine,
            &format!("{SYNCS}trigger_consumption_sync/"),
            json!({"year": 2025, "month": 1})
        )
        .status,
        200
    );
    assert_eq!(
        snapshot(&engine)
            .typed::<ConsumptionRecord>()
            .unwrap()
            .len(),
        2
    );
    // HEAD works on every GET, not only lists.
    let mut head = request("HEAD", &format!("{SYNCS}consumption_status/"), Value::Null);
    head.user = serde_json::from_value(json!({"is_staff": true})).unwrap();
    let head = block_on(engine.handle(&head));
    assert_eq!((head.status, head.body.clone()), (200, Value::Null));
}

/// Arrow with an export of only the three columns consumption reconciliation reads.
struct MinimalExport(FakeArrow);

impl ArrowApi for MinimalExport {
    async fn billing_export(&self, _request: &ExportRequest) -> Result<Payload> {
        Ok(Payload::Json(json!({"data": {
            "headers": ["ARS Subscription ID", "Customer Total Price", "Total Wholesale Price"],
            "values": [[license(1), "95.00", "80.00"], [license(2), "10.00", "8.00"]],
        }})))
    }
    async fn consumption(&self, l: &str, s: Period, e: Period) -> Result<Payload> {
        self.0.consumption(l, s, e).await
    }
    async fn license(&self, l: &str) -> Result<Payload> {
        self.0.license(l).await
    }
    async fn licenses(&self, p: u32, n: u32) -> Result<Payload> {
        self.0.licenses(p, n).await
    }
}

#[test]
fn consumption_reconciliation_needs_only_the_licence_and_the_prices() {
    let engine = Engine::new(
        RefCell::new(initial_store()),
        Arrow {
            api: MinimalExport(arrow()),
        },
        FixedClock(Cell::new("2025-01-20T10:00:00Z")),
        Zone::UTC,
        NoProgress,
    );
    let post = |path: &str, body: Value| block_on(engine.handle(&request("POST", path, body)));
    assert_eq!(
        post(
            &format!("{SYNCS}trigger_consumption_sync/"),
            json!({"year": 2025, "month": 1})
        )
        .status,
        200
    );
    engine.clock.0.set("2025-02-03T10:00:00Z");
    assert_eq!(
        post(
            &format!("{SYNCS}trigger_reconciliation/"),
            json!({"year": 2025, "month": 1})
        )
        .status,
        200
    );
    let store = engine.store.borrow().clone();
    let finals: Vec<_> = store
        .typed::<ConsumptionRecord>()
        .unwrap()
        .iter()
        .filter_map(|r| r.final_sell)
        .collect();
    assert_eq!(finals.len(), 2);
    // sync_resources classifies and groups lines: it needs a usable template, and says what is missing.
    let refused = post(
        &format!("{SYNCS}sync_resources/"),
        json!({"period_from": "2025-01", "period_to": "2025-01"}),
    );
    assert_eq!(refused.status, 502);
    assert_eq!(refused.body["code"], "missing_column");
    assert!(refused.body["detail"]
        .as_str()
        .unwrap()
        .contains("Classification"));
}

/// The compensations of a set of invoice items: per source, the amount and the item's name.
fn compensations_of(
    items: impl Iterator<Item = InvoiceItem>,
) -> BTreeMap<String, (rust_decimal::Decimal, String)> {
    items
        .filter(|i| i.kind == InvoiceItemKind::ConsumptionCompensation)
        .map(|i| (i.source_key.to_string(), (i.unit_price, i.name)))
        .collect()
}

fn created_items(changeset: &Changeset) -> impl Iterator<Item = InvoiceItem> + '_ {
    changeset
        .writes
        .iter()
        .filter(|w| w.op == WriteOp::Create && w.table == "invoice_items")
        .filter_map(|w| w.row.as_ref()?.parse::<InvoiceItem>().ok())
}

/// Issue 18: the preview takes the records exactly as the engine lists them and as the store holds them
/// (`source_ref` where the API says `license_reference`), and bills the same compensations as the engine.
#[test]
fn the_preview_takes_the_listed_and_the_stored_records_and_agrees_with_the_engine() {
    let arrow = arrow();
    let export =
        json!({"data": {"headers": EXPORT_HEADERS, "values": arrow.export["2025-01"]}}).to_string();
    let engine = engine(arrow);
    let sync = post(
        &engine,
        &format!("{SYNCS}trigger_consumption_sync/"),
        json!({"year": 2025, "month": 1}),
    );
    assert!(sync.status < 300, "{}", sync.body);
    let listed = get(&engine, RECORDS, json!({})).body;
    let stored: Vec<Value> = snapshot(&engine)
        .typed::<ConsumptionRecord>()
        .unwrap()
        .iter()
        .map(|r| serde_json::to_value(r).unwrap())
        .collect();
    assert!(stored[0].get("source_ref").is_some() && stored[0].get("license_reference").is_none());

    let lines: Vec<BilledLine> = parse_billing_export(&export)
        .unwrap()
        .lines
        .into_iter()
        .map(|l| BilledLine::of_export(l, 1))
        .collect();
    let previewed = |records: &Value| {
        let input = json!({"period": "2025-01", "asOf": "2025-02-03T10:00:00Z", "records": records,
                           "settings": {"currency": "EUR"}});
        compensations_of(created_items(
            &arrow_preview(&input, None, &lines, &NoZoneRules)
                .unwrap()
                .changeset,
        ))
    };
    let from_list = previewed(&listed);
    let from_store = previewed(&Value::Array(stored));

    engine.clock.0.set("2025-02-03T10:00:00Z");
    let done = post(
        &engine,
        &format!("{SYNCS}trigger_reconciliation/"),
        json!({"year": 2025, "month": 1}),
    );
    assert!(done.status < 300, "{}", done.body);
    let engine_made = compensations_of(
        snapshot(&engine)
            .typed::<InvoiceItem>()
            .unwrap()
            .into_iter(),
    );
    assert!(engine_made.len() >= 2, "{engine_made:?}");
    assert_eq!(
        from_list, engine_made,
        "listed records: the same compensations, names included"
    );
    let amounts = |c: &BTreeMap<String, (rust_decimal::Decimal, String)>| {
        c.iter()
            .map(|(k, (a, _))| (k.clone(), *a))
            .collect::<BTreeMap<_, _>>()
    };
    assert_eq!(
        amounts(&from_store),
        amounts(&engine_made),
        "stored records: the same amounts"
    );
}

/// A month after the current one (in the engine's zone) is a 400 naming `month` (or `period_to`) for every
/// Arrow operation that bills, dry runs included, before any call to Arrow and with nothing written: the
/// same rule as Soracom's (tests/soracom_engine.rs), from `Period::check_billable`.
#[test]
fn a_month_that_has_not_begun_is_refused_naming_month() {
    let mut fake = arrow();
    // Arrow would answer for May 2027 (the request): only the rule stops the calls.
    let may = "2027-05".to_string();
    fake.consumption.insert(
        (license(1), may.clone()),
        vec![("6250.33".into(), "5000.00".into())],
    );
    fake.export.insert(
        may.clone(),
        vec![export_row(1, &license(1), "6250.33", "5000.00", "2027-05")],
    );
    let mut engine = engine(fake);
    let before = snapshot(&engine).to_tables();
    let month = |extra: Value| {
        let mut body = json!({"year": 2027, "month": 5});
        body.as_object_mut()
            .unwrap()
            .extend(extra.as_object().unwrap().clone());
        body
    };
    let cases = [
        ("trigger_consumption_sync", month(json!({})), "month"),
        (
            "trigger_consumption_sync",
            month(json!({"dry_run": true})),
            "month",
        ),
        (
            "trigger_reconciliation",
            month(json!({"force": true})),
            "month",
        ),
        ("trigger_sync", month(json!({})), "month"),
        ("reconcile", month(json!({"force": true})), "month"),
        (
            "sync_resource_historical_consumption",
            json!({"resource_uuid": resource(1), "period_from": "2025-01", "period_to": "2027-05"}),
            "period_to",
        ),
        (
            "sync_resources",
            json!({"period_from": "2027-01", "period_to": "2027-05"}),
            "period_to",
        ),
    ];
    for (action, body, field) in &cases {
        let answer = post(&engine, &format!("{SYNCS}{action}/"), body.clone());
        assert_eq!(answer.status, 400, "{action}: {}", answer.body);
        let message = answer.body[field][0].as_str().unwrap_or_default();
        assert!(
            message.contains("2027-05 has not begun") && message.contains("2025-01"),
            "{action}: {}",
            answer.body
        );
    }
    assert_eq!(engine.vendor.api.calls.get(), 0, "Arrow was never asked");
    assert_eq!(snapshot(&engine).to_tables(), before);

    // The month is the current one in the engine's zone: 23:30 UTC on Jan 31 is February in +01:00.
    engine.clock.0.set("2025-01-31T23:30:00Z");
    let feb = json!({"year": 2025, "month": 2, "dry_run": true});
    let utc = post(
        &engine,
        &format!("{SYNCS}trigger_consumption_sync/"),
        feb.clone(),
    );
    assert!(utc.body["month"].is_array(), "{}", utc.body);
    engine.host.zone = Zone::parse("+01:00").unwrap().into();
    let berlin = post(&engine, &format!("{SYNCS}trigger_consumption_sync/"), feb);
    assert_eq!(berlin.status, 200, "{}", berlin.body);
}

/// Issue 18: an export line of a customer no mapping names, for a licence no resource is for, is Arrow's
/// unowned money: trigger_sync counts it and details it (also in its dry run), and the listing shows it.
#[test]
fn an_unmapped_line_without_a_resource_is_reported_and_listed() {
    let mut arrow = arrow();
    arrow.export.get_mut("2025-01").unwrap().push(json!([
        "IAAS",
        "vs-9",
        "Nobody Ltd",
        "XSP999999",
        "12.00",
        "10.00",
        "9",
        "XSP-NONE",
        "ST-1",
        "Microsoft",
        "Azure plan",
        "1",
        "2025-01"
    ]));
    let engine = engine(arrow);
    engine.clock.0.set("2025-02-10T10:00:00Z");
    let dry = post(
        &engine,
        &format!("{SYNCS}trigger_sync/"),
        json!({"year": 2025, "month": 1, "dry_run": true}),
    );
    assert_eq!(dry.status, 200, "{}", dry.body);
    assert_eq!(dry.body["unowned"], 1, "{}", dry.body);
    let detail = &dry.body["error_details"][0];
    assert_eq!(detail["code"], "unowned");
    assert_eq!(detail["license_reference"], "XSP-NONE");
    assert_eq!(detail["amount"], "12.00");
    assert!(detail["reason"].as_str().unwrap().contains("XSP999999"));
    let done = post(
        &engine,
        &format!("{SYNCS}trigger_sync/"),
        json!({"year": 2025, "month": 1}),
    );
    assert!(done.status < 300, "{}", done.body);
    let listing = get(
        &engine,
        &format!("{SYNCS}unowned/"),
        json!({"period": "2025-01"}),
    );
    assert_eq!(listing.status, 200, "{}", listing.body);
    assert_eq!(listing.body["count"], 1);
    assert_eq!(
        listing.body["totals"],
        json!([{"currency": "EUR", "amount": "12.00"}])
    );
    let bad = get(
        &engine,
        &format!("{SYNCS}unowned/"),
        json!({"period": "2025-13"}),
    );
    assert_eq!(bad.status, 400);
    assert_eq!(
        block_on(engine.handle(&request("POST", &format!("{SYNCS}unowned/"), json!({})))).status,
        405
    );
}
