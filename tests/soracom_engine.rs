//! Soracom through its REST handler, natively: the month's preliminary figures (a temporary bill and its
//! CSV export) become provisional charges; the month closes late; once closed, its final CSV reconciles every
//! SIM and device to the cent, exactly once. Plus the customers' bills in Soracom's shapes, the daily check,
//! the export's failure and the 18-month window.

mod common;

use std::cell::{Cell, RefCell};
use std::collections::BTreeMap;

use billsync::engine::{tables, Clock, Engine, HttpRequest, HttpResponse, NoProgress, Payload};
use billsync::error::Result;
use billsync::ledger::{ConsumptionRecord, InvoiceItem};
use billsync::period::{Period, Zone};
use billsync::store::MemoryStore;
use billsync::timestamp::Timestamp;
use billsync::timezone::{TimeZone, ZoneRules};
use billsync::vendors::soracom::{ExportMode, Soracom, SoracomApi};
use common::fake_arrow::block_on;
use rust_decimal::Decimal;
use serde_json::{json, Value};

const CUSTOMER_A: &str = "c0570be2-0000-4000-8000-00000000000a";
const CUSTOMER_B: &str = "c0570be2-0000-4000-8000-00000000000b";
const SETTINGS: &str = "50ac0000-0000-4000-8000-000000000001";

fn resource(n: u32) -> String {
    format!("51350000-0000-4000-8000-{n:012}")
}

/// (resource, kind, backend id, customer)
fn units() -> Vec<(String, &'static str, String, &'static str)> {
    vec![
        (resource(1), "imsi", "440103000000001".into(), CUSTOMER_A),
        (resource(2), "imsi", "440103000000002".into(), CUSTOMER_A),
        (resource(3), "imsi", "440103000000003".into(), CUSTOMER_B),
        (resource(4), "deviceId", "d-0001".into(), CUSTOMER_B),
    ]
}

/// One month as Soracom has it: the bill's state and amount, and its CSV export.
#[derive(Clone)]
struct Month {
    closed: bool,
    amount: i64,
    csv: String,
}

#[derive(Default)]
struct FakeSoracom {
    months: RefCell<BTreeMap<Period, Month>>,
    daily: RefCell<BTreeMap<Period, String>>,
    /// Polls answered "processing" before "exported".
    processing_polls: Cell<u32>,
    polls: Cell<u32>,
    fail_export: Cell<bool>,
}

/// A CSV in Soracom's shape: BOM, quoted fields, no vpgId column, tags after `amount`, a monthly fee row, a
/// discount row, an account-level row. `per_sim[i]` are the day amounts (yen) of unit i.
fn csv(month: Period, per_unit: &[Vec<i64>], monthly_fee: i64) -> String {
    let mut out = String::from("\u{feff}\"imsi\",\"deviceId\",\"date\",\"billItemName\",\"unitPrice\",\"quantity\",\"amount\",\"tag.name\",\"group\"\r\n");
    for ((_, kind, id, _), days) in units().iter().zip(per_unit) {
        let (imsi, device) = if *kind == "imsi" {
            (id.as_str(), "")
        } else {
            ("", id.as_str())
        };
        for (d, amount) in days.iter().enumerate() {
            let date = format!("{}{:02}", month.compact(), d + 1);
            out.push_str(&format!("\"{imsi}\",\"{device}\",\"{date}\",\"Air data (s1.standard)\",\"0.2\",\"{}\",\"{amount}\",\"unit {id}\",\"fleet\"\r\n", amount * 5));
        }
        out.push_str(&format!("\"{imsi}\",\"{device}\",\"{}\",\"Basic fee\",\"{monthly_fee}\",\"1\",\"{monthly_fee}\",\"unit {id}\",\"fleet\"\r\n", month.compact()));
        out.push_str(&format!("\"{imsi}\",\"{device}\",\"{}\",\"Volume discount\",\"-10\",\"1\",\"-10\",\"unit {id}\",\"fleet\"\r\n", month.compact()));
    }
    out.push_str(&format!(
        "\"\",\"\",\"{}\",\"Account fee\",\"100\",\"1\",\"100\",\"\",\"\"\r\n",
        month.compact()
    ));
    out
}

/// What the CSV bills a unit for the month: its days, its monthly fee, its discount.
fn unit_total(days: &[i64], monthly_fee: i64) -> Decimal {
    Decimal::from(days.iter().sum::<i64>() + monthly_fee - 10)
}

impl SoracomApi for FakeSoracom {
    async fn get_billing(&self, month: Period) -> Result<Option<Payload>> {
        Ok(self.months.borrow().get(&month).map(|m| {
            Payload::Text(
                json!({"amount": m.amount, "currency": "JPY", "state": if m.closed { "closed" } else { "temporary" },
                       "yearMonth": month.compact(), "paymentStatus": if m.closed { "paid" } else { "paying" }})
                .to_string(),
            )
        }))
    }
    async fn get_latest_billing(&self) -> Result<Payload> {
        Ok(Payload::Text(
            r#"{"amount": 1, "currency": "JPY", "lastEvaluatedTime": "20250120100000"}"#.into(),
        ))
    }
    async fn get_billing_history(&self) -> Result<Payload> {
        Ok(Payload::Text(r#"{"billList": []}"#.into()))
    }
    async fn get_billing_per_day(&self, month: Period) -> Result<Option<Payload>> {
        Ok(self.daily.borrow().get(&month).cloned().map(Payload::Text))
    }
    async fn export_billing(&self, month: Period, mode: ExportMode) -> Result<Payload> {
        assert_eq!(mode, ExportMode::Async);
        self.polls.set(0);
        Ok(Payload::Text(
            json!({"exportedFileId": format!("f-{}", month.compact()), "exportedFilePath": "x"})
                .to_string(),
        ))
    }
    async fn export_latest_billing(&self, _mode: ExportMode) -> Result<Payload> {
        unreachable!("the engine exports a named month")
    }
    async fn get_exported_file(&self, id: &str) -> Result<Payload> {
        if self.fail_export.get() {
            return Ok(Payload::Text(r#"{"status": "failed"}"#.into()));
        }
        let n = self.polls.get();
        self.polls.set(n + 1);
        Ok(Payload::Text(if n < self.processing_polls.get() {
            r#"{"status": "processing"}"#.to_owned()
        } else {
            json!({"status": "exported", "url": format!("https://files.example/{id}.csv")})
                .to_string()
        }))
    }
    async fn download(&self, url: &str) -> Result<Payload> {
        let month = url
            .trim_start_matches("https://files.example/f-")
            .trim_end_matches(".csv");
        let month = Period::parse_compact(month)?;
        Ok(Payload::Text(self.months.borrow()[&month].csv.clone()))
    }
}

struct Now(Cell<&'static str>);

impl Clock for Now {
    fn now(&self) -> Result<Timestamp> {
        Timestamp::parse(self.0.get())
    }

    fn offset_at(&self, zone: &str, at: Timestamp) -> Result<Zone> {
        common::zone_rules::TableRules.offset_at(zone, at)
    }
}

type SoracomEngine = Engine<RefCell<MemoryStore>, Soracom<FakeSoracom>, Now, NoProgress>;

fn engine() -> SoracomEngine {
    engine_in(TimeZone::default())
}

fn engine_in(zone: TimeZone) -> SoracomEngine {
    let resources: Vec<Value> = units()
        .into_iter()
        .map(|(uuid, kind, id, customer)| {
            json!({"uuid": uuid, "name": format!("sim {id}"), "project_uuid": if customer == CUSTOMER_A { resource(100) } else { resource(101) },
                   "backend_id": id, "state": "OK", "attributes": {"soracom_kind": kind}})
        })
        .collect();
    let tables = json!({
        "soracom_settings": [{"uuid": SETTINGS, "name": "Soracom", "operator_id": "OP0012345678", "currency": "JPY",
                               "reconciliation_tolerance": "1", "max_export_polls": 5}],
        "customers": [{"uuid": CUSTOMER_A, "name": "Acme"}, {"uuid": CUSTOMER_B, "name": "Beta"}],
        "projects": [{"uuid": resource(100), "name": "IoT", "customer_uuid": CUSTOMER_A},
                     {"uuid": resource(101), "name": "IoT", "customer_uuid": CUSTOMER_B}],
        "resources": resources,
    });
    let store = MemoryStore::from_tables(&tables, tables::check_row).unwrap();
    let api = FakeSoracom::default();
    api.processing_polls.set(2);
    Engine::new(
        RefCell::new(store),
        Soracom { api },
        Now(Cell::new("2025-01-20T10:00:00Z")),
        zone,
        NoProgress,
    )
}

fn call(engine: &SoracomEngine, method: &str, path: &str, body: Value) -> HttpResponse {
    let request = HttpRequest {
        method: method.into(),
        path: format!("/api/admin/soracom/{path}"),
        body,
        user: serde_json::from_value(json!({"is_staff": true})).unwrap(),
        base_url: "https://admin.example".into(),
        ..HttpRequest::default()
    };
    block_on(engine.handle(&request))
}

fn billed(store: &MemoryStore, record: &ConsumptionRecord) -> Decimal {
    let key = record.key().natural_key();
    store
        .typed::<InvoiceItem>()
        .unwrap()
        .iter()
        .filter(|i| i.source_key == key)
        .map(|i| i.total().unwrap().amount)
        .sum()
}

const JAN: fn() -> Period = || Period::parse("2025-01").unwrap();

fn preliminary_days() -> Vec<Vec<i64>> {
    vec![
        vec![30, 40, 50],
        vec![10, 0, 20],
        vec![5, 5, 5],
        vec![100, 90, 80],
    ]
}

fn final_days() -> Vec<Vec<i64>> {
    vec![
        vec![30, 40, 55],
        vec![10, 0, 15],
        vec![5, 5, 5],
        vec![100, 95, 80],
    ]
}

#[test]
fn latest_then_closed_then_reconciled_exactly_once() {
    let engine = engine();
    let jan = JAN();
    engine.vendor.api.months.borrow_mut().insert(
        jan,
        Month {
            closed: false,
            amount: 9_999,
            csv: csv(jan, &preliminary_days(), 200),
        },
    );

    // Mid-month: the temporary bill's CSV becomes provisional charges, one record per SIM and device.
    let sync = call(
        &engine,
        "POST",
        "billing-syncs/trigger_consumption_sync/",
        json!({"year": 2025, "month": 1}),
    );
    assert_eq!(sync.status, 200, "{}", sync.body);
    assert_eq!(sync.body["synced"], 4);
    let store = engine.store.borrow().clone();
    let records: Vec<ConsumptionRecord> = store.typed().unwrap();
    assert_eq!(records.len(), 4);
    for (record, days) in records_in_unit_order(&records)
        .iter()
        .zip(preliminary_days())
    {
        assert_eq!(
            record.consumed_sell,
            unit_total(&days, 200),
            "{}",
            record.source_ref
        );
        assert_eq!(billed(&store, record), record.consumed_sell);
        assert_eq!(record.currency.to_string(), "JPY");
    }

    // The month ended, but Soracom has not closed it yet: nothing is final, nothing changes.
    engine.clock.0.set("2025-02-02T09:00:00Z");
    let early = call(
        &engine,
        "POST",
        "billing-syncs/trigger_reconciliation/",
        json!({"year": 2025, "month": 1}),
    );
    assert_eq!(early.status, 200);
    assert_eq!(early.body["month_closed"], false);
    assert_eq!(*engine.store.borrow(), store);

    // Closed, with final figures that drifted from the preliminary ones.
    engine.vendor.api.months.borrow_mut().insert(
        jan,
        Month {
            closed: true,
            amount: 10_005,
            csv: csv(jan, &final_days(), 200),
        },
    );
    engine.clock.0.set("2025-02-04T09:00:00Z");
    let done = call(
        &engine,
        "POST",
        "billing-syncs/trigger_reconciliation/",
        json!({"year": 2025, "month": 1}),
    );
    assert_eq!(done.status, 200, "{}", done.body);
    assert_eq!(done.body["month_closed"], true);
    assert_eq!(done.body["reconciled"], 4);
    assert_eq!(
        done.body["compensation_items_created"], 3,
        "one SIM did not move"
    );
    let store = engine.store.borrow().clone();
    let records: Vec<ConsumptionRecord> = store.typed().unwrap();
    for (record, days) in records_in_unit_order(&records).iter().zip(final_days()) {
        let expected = unit_total(&days, 200);
        assert_eq!(record.final_sell, Some(expected));
        assert_eq!(
            billed(&store, record),
            expected,
            "{} bills its final exactly",
            record.source_ref
        );
    }

    // Exactly once: a forced re-run and a re-sync bill nothing more.
    let again = call(
        &engine,
        "POST",
        "billing-syncs/trigger_reconciliation/",
        json!({"year": 2025, "month": 1, "force": true}),
    );
    assert_eq!(again.body["compensation_items_created"], 0);
    let resync = call(
        &engine,
        "POST",
        "billing-syncs/trigger_consumption_sync/",
        json!({"year": 2025, "month": 1}),
    );
    assert_eq!(resync.body["skipped_finalized"], 4);
    assert_eq!(
        engine.store.borrow().typed::<InvoiceItem>().unwrap().len(),
        store.typed::<InvoiceItem>().unwrap().len()
    );

    // The customers' bills, in Soracom's shapes, from the reconciled records.
    let a = |path: &str| {
        call(
            &engine,
            "GET",
            &format!("customers/{CUSTOMER_A}/bills/{path}"),
            Value::Null,
        )
    };
    let month = a("202501/");
    let expected_a = unit_total(&final_days()[0], 200) + unit_total(&final_days()[1], 200);
    assert_eq!(
        month.body,
        json!({"amount": expected_a.to_string().parse::<i64>().unwrap(), "currency": "JPY", "state": "closed", "yearMonth": "202501"})
    );
    assert_eq!(a("").body["billList"][0]["yearMonth"], "202501");
    assert_eq!(a("latest/").body["currency"], "JPY");
    let daily = a("202501/daily/").body;
    let days = daily["billList"].as_array().unwrap();
    assert_eq!(days.len(), 3);
    assert_eq!(days[0]["date"], "20250103", "newest first");
    assert_eq!(days[0]["amount"], 55 + 15);
    assert_eq!(a("202412/").status, 404);

    // The records, listed in the admin API.
    let list = call(&engine, "GET", "consumption-records/", Value::Null);
    assert_eq!(list.headers["x-result-count"], "4");
    assert!(list.body[0]["subscriber"].as_str().unwrap().contains(':'));
}

fn records_in_unit_order(records: &[ConsumptionRecord]) -> Vec<ConsumptionRecord> {
    units()
        .iter()
        .map(|(uuid, ..)| {
            records
                .iter()
                .find(|r| r.resource_uuid.as_str() == uuid)
                .unwrap()
                .clone()
        })
        .collect()
}

#[test]
fn a_failed_export_and_a_month_outside_the_window_are_clear_errors() {
    let engine = engine();
    let jan = JAN();
    engine.vendor.api.months.borrow_mut().insert(
        jan,
        Month {
            closed: false,
            amount: 1,
            csv: csv(jan, &preliminary_days(), 0),
        },
    );
    engine.vendor.api.fail_export.set(true);
    let failed = call(
        &engine,
        "POST",
        "billing-syncs/trigger_consumption_sync/",
        json!({"year": 2025, "month": 1}),
    );
    assert_eq!(failed.status, 502);
    assert_eq!(failed.body["call"], "soracom.getExportedFile");
    assert!(failed.body["detail"].as_str().unwrap().contains("failed"));
    assert!(engine
        .store
        .borrow()
        .typed::<ConsumptionRecord>()
        .unwrap()
        .is_empty());

    engine.vendor.api.fail_export.set(false);
    engine.vendor.api.processing_polls.set(50);
    let slow = call(
        &engine,
        "POST",
        "billing-syncs/trigger_consumption_sync/",
        json!({"year": 2025, "month": 1}),
    );
    assert_eq!(slow.status, 502);
    assert!(slow.body["detail"]
        .as_str()
        .unwrap()
        .contains("after 5 polls"));

    let old = call(
        &engine,
        "POST",
        "billing-syncs/trigger_consumption_sync/",
        json!({"year": 2023, "month": 6}),
    );
    assert_eq!(old.status, 400, "{}", old.body);
    assert_eq!(old.body["code"], "invalid_period");
    let bad = call(
        &engine,
        "POST",
        "billing-syncs/trigger_reconciliation/",
        json!({"year": 2025, "month": 13}),
    );
    assert_eq!(bad.status, 400);
    assert!(bad.body["month"].is_array());
}

#[test]
fn the_daily_check_explains_monthly_fees_instead_of_flagging_them() {
    let engine = engine();
    let jan = JAN();
    engine.vendor.api.months.borrow_mut().insert(
        jan,
        Month {
            closed: true,
            amount: 1_000,
            csv: String::new(),
        },
    );
    engine.vendor.api.daily.borrow_mut().insert(
        jan,
        r#"{"billList":[{"amount":300,"currency":"JPY","date":"20250102"},{"amount":500,"currency":"JPY","date":"20250101"}]}"#.into(),
    );
    let check = call(
        &engine,
        "POST",
        "billing-syncs/daily_check/",
        json!({"year": 2025, "month": 1}),
    );
    assert_eq!(check.status, 200, "{}", check.body);
    assert_eq!(check.body["difference"], "200.00");
    assert_eq!(check.body["explained"], true);
    assert!(check.body["reasons"]
        .as_array()
        .unwrap()
        .contains(&json!("monthly_basis_fees")));
}

/// The engine's "now" month follows the host's zone rules: the last hour of March in Berlin is April there.
#[test]
fn the_current_month_follows_the_hosts_named_zone() {
    let status = |zone: &str, now: &'static str| {
        let engine = engine_in(TimeZone::parse(zone).unwrap());
        engine.clock.0.set(now);
        call(
            &engine,
            "GET",
            "billing-syncs/consumption_status/",
            Value::Null,
        )
    };
    let current = |response: HttpResponse| response.body["current_period"].clone();
    assert_eq!(
        current(status("Europe/Berlin", "2025-03-31T22:30:00Z")),
        json!("2025-04")
    );
    assert_eq!(
        current(status("UTC", "2025-03-31T22:30:00Z")),
        json!("2025-03")
    );
    assert_eq!(
        current(status("America/New_York", "2025-04-01T03:30:00Z")),
        json!("2025-03")
    );
    assert_eq!(
        current(status("+01:00", "2025-03-31T22:30:00Z")),
        json!("2025-03")
    );
    let unknown = status("Mars/Olympus_Mons", "2025-03-31T22:30:00Z");
    assert_eq!(unknown.status, 400, "{}", unknown.body);
    assert!(unknown.body.get("timezone").is_some(), "{}", unknown.body);
}
