//! Reversing a compensation and holding its source, through each vendor's `handle` (Arrow's and
//! Soracom's): the reversal is a new item of the opposite amount; the source is left out of reconciliation
//! (counted as `held`) until released; the next reconciliation after the release bills final − billed,
//! once. Bad requests are coded errors that change nothing; dry runs write nothing.

mod common;

use std::cell::{Cell, RefCell};
use std::collections::BTreeMap;

use billsync::engine::{tables, Clock, Engine, HttpRequest, HttpResponse, NoProgress, Payload};
use billsync::error::Result;
use billsync::ledger::{ConsumptionRecord, HoldRow, HoldState, InvoiceItem, SourceRow};
use billsync::period::{Period, Zone};
use billsync::store::MemoryStore;
use billsync::timestamp::Timestamp;
use billsync::vendors::soracom::{ExportMode, Soracom, SoracomApi};
use common::fake_arrow::*;
use rust_decimal::Decimal;
use serde_json::{json, Value};

const ITEMS: &str = "/api/admin/billsync/invoice-items/";
const HOLDS: &str = "/api/admin/billsync/holds/";

fn d(v: &Value) -> Decimal {
    v.as_str().unwrap().parse().unwrap()
}

fn as_user(mut request: HttpRequest, user: Value) -> HttpRequest {
    request.user = serde_json::from_value(user).unwrap();
    request
}

/// What the store's items bill for `key`.
fn billed(store: &MemoryStore, key: &str) -> Decimal {
    store
        .typed::<InvoiceItem>()
        .unwrap()
        .iter()
        .filter(|i| i.source_key.as_str() == key)
        .map(|i| i.total().unwrap().amount)
        .sum()
}

fn source_row(store: &MemoryStore, key: &str) -> SourceRow {
    store
        .typed::<SourceRow>()
        .unwrap()
        .into_iter()
        .find(|s| s.source_key.as_str() == key)
        .unwrap()
}

/// The URL of a source's release: the key percent-encoded.
fn release_path(key: &str) -> String {
    let encoded: String = key
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect();
    format!("/api/admin/billsync/sources/{encoded}/release/")
}

/// January synced and reconciled in February: XSP1001 and XSP1002 have a compensation each.
fn reconciled_month() -> TestEngine {
    let engine = engine(arrow());
    let sync = post(
        &engine,
        &format!("{SYNCS}trigger_consumption_sync/"),
        json!({"year": 2025, "month": 1}),
    );
    assert_eq!(sync.status, 200, "{}", sync.body);
    engine.clock.0.set("2025-02-10T10:00:00Z");
    for action in ["trigger_reconciliation", "trigger_sync"] {
        let response = post(
            &engine,
            &format!("{SYNCS}{action}/"),
            json!({"year": 2025, "month": 1}),
        );
        assert_eq!(response.status, 200, "{action}: {}", response.body);
    }
    engine
}

fn compensations(engine: &TestEngine) -> Vec<Value> {
    let response = get(
        engine,
        ITEMS,
        json!({"kind": "compensation", "page_size": 100}),
    );
    assert_eq!(response.status, 200);
    response.body.as_array().unwrap().clone()
}

#[test]
fn arrow_reverse_holds_the_source_until_released_then_bills_the_gap_once() {
    let engine = reconciled_month();
    engine.clock.0.set("2025-03-05T08:00:00Z");
    let comps = compensations(&engine);
    assert_eq!(comps.len(), 2, "{comps:?}");
    let item = &comps[0];
    let uuid = item["uuid"].as_str().unwrap();
    let key = item["source_key"].as_str().unwrap().to_owned();
    let amount = d(&item["amount"]);
    let before = engine.store.borrow().clone();
    let final_billed = billed(&before, &key);
    let reverse = format!("{ITEMS}{uuid}/reverse/");

    // A blank reason, a non-staff user, an unknown item, a provisional charge: coded errors, nothing written.
    let blank = post(&engine, &reverse, json!({"reason": "  "}));
    assert_eq!(blank.status, 400, "{}", blank.body);
    assert!(blank.body["reason"].is_array(), "{}", blank.body);
    let missing = post(&engine, &reverse, json!({}));
    assert_eq!(missing.status, 400);
    assert!(missing.body["reason"].is_array(), "{}", missing.body);
    let staffless = block_on(engine.handle(&as_user(
        request("POST", &reverse, json!({"reason": "x"})),
        json!({"is_staff": false}),
    )));
    assert_eq!(staffless.status, 403);
    let unknown = post(
        &engine,
        &format!("{ITEMS}00000000-0000-4000-8000-000000000000/reverse/"),
        json!({"reason": "x"}),
    );
    assert_eq!(unknown.status, 404, "{}", unknown.body);
    let provisional = get(&engine, ITEMS, json!({"kind": "provisional"}));
    let provisional_uuid = provisional.body[0]["uuid"].as_str().unwrap();
    let refused = post(
        &engine,
        &format!("{ITEMS}{provisional_uuid}/reverse/"),
        json!({"reason": "x"}),
    );
    assert_eq!(refused.status, 400, "{}", refused.body);
    assert!(refused.body["uuid"].is_array(), "{}", refused.body);
    let wrong_method = send(&engine, "GET", &reverse, Value::Null);
    assert_eq!(wrong_method.status, 405);
    // A dry run answers what it would write, and writes nothing.
    let dry = post(
        &engine,
        &reverse,
        json!({"reason": "customer disputes it", "dry_run": true}),
    );
    assert_eq!(dry.status, 200, "{}", dry.body);
    assert_eq!(dry.body["dry_run"], true);
    assert!(dry.body["changeset"]["writes"].is_array());
    assert_eq!(*engine.store.borrow(), before, "nothing written");

    // The reversal: an item of the opposite amount, same source and currency; the source held.
    let done = block_on(engine.handle(&as_user(
        request("POST", &reverse, json!({"reason": "customer disputes it"})),
        json!({"is_staff": true, "username": "alice"}),
    )));
    assert_eq!(done.status, 200, "{}", done.body);
    let reversal = &done.body["reversal"];
    assert_eq!(
        d(&reversal["unit_price"]) * d(&reversal["quantity"]),
        -amount
    );
    assert_eq!(reversal["source_key"], key.as_str());
    assert_eq!(reversal["currency"], item["currency"]);
    assert_eq!(reversal["details"]["reverses"], uuid);
    assert_eq!(reversal["details"]["held_by"], "alice");
    assert_eq!(reversal["details"]["reason"], "customer disputes it");
    assert_eq!(
        reversal["billing_period"], "2025-03",
        "on this month's invoice"
    );
    let store = engine.store.borrow().clone();
    assert_eq!(billed(&store, &key), final_billed - amount);
    assert_eq!(source_row(&store, &key).hold, HoldState::Held);
    // Nothing edited: every item there before is there, unchanged.
    for old in before.typed::<InvoiceItem>().unwrap() {
        assert!(store.typed::<InvoiceItem>().unwrap().contains(&old));
    }

    // A second reverse is refused (409), and so is reversing the reversal.
    let again = post(&engine, &reverse, json!({"reason": "again"}));
    assert_eq!(again.status, 409, "{}", again.body);
    assert_eq!(again.body["code"], "illegal_transition");
    let reversal_uuid = reversal["uuid"].as_str().unwrap();
    let of_reversal = post(
        &engine,
        &format!("{ITEMS}{reversal_uuid}/reverse/"),
        json!({"reason": "x"}),
    );
    assert_eq!(of_reversal.status, 400, "{}", of_reversal.body);
    assert_eq!(*engine.store.borrow(), store, "refusals write nothing");

    // Listed with who held it, why and when.
    let holds = get(&engine, HOLDS, json!({}));
    assert_eq!(holds.status, 200, "{}", holds.body);
    let rows = holds.body.as_array().unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0]["source_key"], key.as_str());
    assert_eq!(rows[0]["held_by"], "alice");
    assert_eq!(rows[0]["reason"], "customer disputes it");
    assert_eq!(rows[0]["held_at"], "2025-03-05T08:00:00Z");
    assert_eq!(rows[0]["held"], true);

    // A forced reconciliation leaves the held source alone and counts it.
    let forced = post(
        &engine,
        &format!("{SYNCS}trigger_reconciliation/"),
        json!({"year": 2025, "month": 1, "force": true}),
    );
    assert_eq!(forced.status, 200, "{}", forced.body);
    assert_eq!(forced.body["held"], 1, "{}", forced.body);
    assert_eq!(forced.body["held_sources"][0], key.as_str());
    assert_eq!(billed(&engine.store.borrow(), &key), final_billed - amount);

    // Release: a dry run writes nothing; the release keeps the hold's row, released.
    let release = release_path(&key);
    let store = engine.store.borrow().clone();
    let dry = post(&engine, &release, json!({"dry_run": true}));
    assert_eq!(dry.status, 200, "{}", dry.body);
    assert_eq!(*engine.store.borrow(), store);
    let released = block_on(engine.handle(&as_user(
        request("POST", &release, json!({})),
        json!({"is_staff": true, "username": "bob"}),
    )));
    assert_eq!(released.status, 200, "{}", released.body);
    assert_eq!(released.body["hold"]["released_by"], "bob");
    let twice = post(&engine, &release, json!({}));
    assert_eq!(twice.status, 409, "{}", twice.body);
    let unknown = post(&engine, &release_path("no|such|source"), json!({}));
    assert_eq!(unknown.status, 404, "{}", unknown.body);
    assert_eq!(get(&engine, HOLDS, json!({})).body, json!([]));
    let history = get(&engine, HOLDS, json!({"held": false}));
    assert_eq!(history.body[0]["released_by"], "bob", "{}", history.body);
    let hold_rows: Vec<HoldRow> = engine.store.borrow().typed().unwrap();
    assert_eq!(hold_rows.len(), 1, "kept, never deleted");

    // The next reconciliation, not forced, bills final − billed once; the one after finds nothing.
    let next = post(
        &engine,
        &format!("{SYNCS}trigger_reconciliation/"),
        json!({"year": 2025, "month": 1}),
    );
    assert_eq!(next.status, 200, "{}", next.body);
    assert_eq!(next.body["held"], 0);
    assert_eq!(billed(&engine.store.borrow(), &key), final_billed);
    assert_eq!(
        source_row(&engine.store.borrow(), &key).hold,
        HoldState::None
    );
    let store = engine.store.borrow().clone();
    let again = post(
        &engine,
        &format!("{SYNCS}trigger_reconciliation/"),
        json!({"year": 2025, "month": 1}),
    );
    assert_eq!(again.status, 200);
    let items: Vec<InvoiceItem> = engine.store.borrow().typed().unwrap();
    assert_eq!(items.len(), store.typed::<InvoiceItem>().unwrap().len());
}

#[test]
fn arrow_a_held_statement_line_is_left_out_of_statement_reconciliation() {
    let mut a = arrow();
    let engine = reconciled_month();
    // Arrow re-prices the line of the licence no resource has: reconciling the statement compensates it.
    a.export.get_mut("2025-01").unwrap()[4] =
        export_row(5, "XSP-LICENCE-ONLY", "9.50", "6.00", "2025-01");
    let engine = Engine::new(
        RefCell::new(engine.host.store.into_inner()),
        billsync::vendors::arrow::Arrow { api: a },
        FixedClock(Cell::new("2025-02-11T10:00:00Z")),
        Zone::UTC,
        NoProgress,
    );
    let reconcile = |force: bool| {
        let r = post(
            &engine,
            &format!("{SYNCS}reconcile/"),
            json!({"year": 2025, "month": 1, "force": force}),
        );
        assert_eq!(r.status, 200, "{}", r.body);
        r
    };
    reconcile(true);
    let line = get(&engine, ITEMS, json!({"kind": "statement_line"}));
    let key = line.body[0]["source_key"].as_str().unwrap().to_owned();
    assert_eq!(billed(&engine.store.borrow(), &key), Decimal::new(950, 2));
    let comp = get(
        &engine,
        ITEMS,
        json!({"kind": "compensation", "source_key": key}),
    );
    let uuid = comp.body[0]["uuid"].as_str().unwrap();
    let done = post(
        &engine,
        &format!("{ITEMS}{uuid}/reverse/"),
        json!({"reason": "price under review"}),
    );
    assert_eq!(done.status, 200, "{}", done.body);
    assert_eq!(billed(&engine.store.borrow(), &key), Decimal::new(750, 2));
    let forced = reconcile(true);
    assert_eq!(forced.body["held"], 1, "{}", forced.body);
    assert_eq!(billed(&engine.store.borrow(), &key), Decimal::new(750, 2));
    let released = post(&engine, &release_path(&key), json!({}));
    assert_eq!(released.status, 200, "{}", released.body);
    // Not forced: the released line is due, so its sync is looked at again, once.
    reconcile(false);
    assert_eq!(billed(&engine.store.borrow(), &key), Decimal::new(950, 2));
    let count = engine.store.borrow().typed::<InvoiceItem>().unwrap().len();
    reconcile(false);
    assert_eq!(
        engine.store.borrow().typed::<InvoiceItem>().unwrap().len(),
        count
    );
}

// ---- Soracom ----

const CUSTOMER_A: &str = "c0570be2-0000-4000-8000-00000000000a";
const SORACOM_SETTINGS: &str = "50ac0000-0000-4000-8000-000000000001";

fn sim(n: u32) -> String {
    format!("51350000-0000-4000-8000-{n:012}")
}

/// Soracom with one month: its bill's state and its CSV export (two SIMs).
#[derive(Default)]
struct FakeSoracom {
    month: RefCell<Option<(bool, String)>>,
}

fn soracom_csv(month: Period, days: [[i64; 2]; 2]) -> String {
    let mut out = String::from(
        "\"imsi\",\"deviceId\",\"date\",\"billItemName\",\"unitPrice\",\"quantity\",\"amount\"\r\n",
    );
    for (n, amounts) in days.iter().enumerate() {
        for (day, amount) in amounts.iter().enumerate() {
            out.push_str(&format!(
                "\"44010300000000{}\",\"\",\"{}{:02}\",\"Air data\",\"1\",\"{amount}\",\"{amount}\"\r\n",
                n + 1,
                month.compact(),
                day + 1
            ));
        }
    }
    out
}

impl SoracomApi for FakeSoracom {
    async fn get_billing(&self, month: Period) -> Result<Option<Payload>> {
        Ok(self.month.borrow().as_ref().map(|(closed, _)| {
            Payload::Text(
                json!({"amount": 1, "currency": "JPY", "state": if *closed { "closed" } else { "temporary" },
                       "yearMonth": month.compact()})
                .to_string(),
            )
        }))
    }
    async fn get_latest_billing(&self) -> Result<Payload> {
        Ok(Payload::Text(r#"{"amount": 1, "currency": "JPY"}"#.into()))
    }
    async fn get_billing_history(&self) -> Result<Payload> {
        Ok(Payload::Text(r#"{"billList": []}"#.into()))
    }
    async fn get_billing_per_day(&self, _month: Period) -> Result<Option<Payload>> {
        Ok(None)
    }
    async fn export_billing(&self, month: Period, _mode: ExportMode) -> Result<Payload> {
        Ok(Payload::Text(
            json!({"exportedFileId": format!("f-{}", month.compact())}).to_string(),
        ))
    }
    async fn export_latest_billing(&self, _mode: ExportMode) -> Result<Payload> {
        Ok(Payload::Text(r#"{"exportedFileId": "latest"}"#.into()))
    }
    async fn get_exported_file(&self, id: &str) -> Result<Payload> {
        Ok(Payload::Text(
            json!({"status": "exported", "url": format!("https://files.example/{id}.csv")})
                .to_string(),
        ))
    }
    async fn download(&self, _url: &str) -> Result<Payload> {
        Ok(Payload::Text(
            self.month
                .borrow()
                .as_ref()
                .map(|(_, csv)| csv.clone())
                .unwrap_or_default(),
        ))
    }
}

struct Now(Cell<&'static str>);

impl Clock for Now {
    fn now(&self) -> Result<Timestamp> {
        Timestamp::parse(self.0.get())
    }
}

type SoracomEngine = Engine<RefCell<MemoryStore>, Soracom<FakeSoracom>, Now, NoProgress>;

fn soracom() -> SoracomEngine {
    let tables = json!({
        "soracom_settings": [{"uuid": SORACOM_SETTINGS, "name": "Soracom", "operator_id": "OP0012345678",
                               "currency": "JPY", "reconciliation_tolerance": "1"}],
        "customers": [{"uuid": CUSTOMER_A, "name": "Acme"}],
        "projects": [{"uuid": sim(100), "name": "IoT", "customer_uuid": CUSTOMER_A}],
        "resources": (1..=2).map(|n| json!({"uuid": sim(n), "name": format!("sim {n}"), "project_uuid": sim(100),
            "backend_id": format!("44010300000000{n}"), "state": "OK", "attributes": {"soracom_kind": "imsi"}}))
            .collect::<Vec<_>>(),
    });
    Engine::new(
        RefCell::new(MemoryStore::from_tables(&tables, tables::check_row).unwrap()),
        Soracom {
            api: FakeSoracom::default(),
        },
        Now(Cell::new("2025-01-20T10:00:00Z")),
        Zone::UTC,
        NoProgress,
    )
}

fn call(engine: &SoracomEngine, method: &str, path: &str, body: Value) -> HttpResponse {
    block_on(engine.handle(&request(method, path, body)))
}

#[test]
fn soracom_reverse_and_release_through_its_handle() {
    let engine = soracom();
    let jan = Period::parse("2025-01").unwrap();
    *engine.vendor.api.month.borrow_mut() = Some((false, soracom_csv(jan, [[10, 20], [5, 5]])));
    let syncs = "/api/admin/soracom/billing-syncs/";
    let sync = call(
        &engine,
        "POST",
        &format!("{syncs}trigger_consumption_sync/"),
        json!({"year": 2025, "month": 1}),
    );
    assert_eq!(sync.status, 200, "{}", sync.body);
    *engine.vendor.api.month.borrow_mut() = Some((true, soracom_csv(jan, [[10, 50], [5, 5]])));
    engine.clock.0.set("2025-02-04T09:00:00Z");
    let reconcile = |force: bool| {
        let r = call(
            &engine,
            "POST",
            &format!("{syncs}trigger_reconciliation/"),
            json!({"year": 2025, "month": 1, "force": force}),
        );
        assert_eq!(r.status, 200, "{}", r.body);
        r
    };
    reconcile(false);
    let records: Vec<ConsumptionRecord> = engine.store.borrow().typed().unwrap();
    let finals: BTreeMap<String, Decimal> = records
        .iter()
        .map(|r| {
            (
                r.key().natural_key().as_str().to_owned(),
                r.final_sell.unwrap(),
            )
        })
        .collect();
    let comps = call(&engine, "GET", ITEMS, Value::Null);
    let comp = comps
        .body
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["kind"] == "compensation")
        .unwrap()
        .clone();
    assert_eq!(comp["vendor"], "soracom");
    let key = comp["source_key"].as_str().unwrap().to_owned();
    assert_eq!(d(&comp["amount"]), Decimal::from(30));

    // Reversed through Soracom's handle: the SIM bills its consumption again, and is held.
    let done = call(
        &engine,
        "POST",
        &format!("{ITEMS}{}/reverse/", comp["uuid"].as_str().unwrap()),
        json!({"reason": "roaming charge disputed"}),
    );
    assert_eq!(done.status, 200, "{}", done.body);
    assert_eq!(billed(&engine.store.borrow(), &key), Decimal::from(30));
    let forced = reconcile(true);
    assert_eq!(forced.body["held"], 1, "{}", forced.body);
    assert_eq!(billed(&engine.store.borrow(), &key), Decimal::from(30));
    // The law: every other source bills its final; the held one is listed.
    for (other, final_amount) in &finals {
        if *other != key {
            assert_eq!(billed(&engine.store.borrow(), other), *final_amount);
        }
    }
    let holds = call(&engine, "GET", HOLDS, Value::Null);
    assert_eq!(holds.body[0]["source_key"], key.as_str());
    assert_eq!(holds.body[0]["held_by"], "staff");

    let released = call(&engine, "POST", &release_path(&key), json!({}));
    assert_eq!(released.status, 200, "{}", released.body);
    reconcile(false);
    assert_eq!(billed(&engine.store.borrow(), &key), finals[&key]);
    let count = engine.store.borrow().typed::<InvoiceItem>().unwrap().len();
    reconcile(false);
    reconcile(true);
    assert_eq!(
        engine.store.borrow().typed::<InvoiceItem>().unwrap().len(),
        count,
        "billed once"
    );
}
