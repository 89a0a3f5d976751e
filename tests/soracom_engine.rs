//! Soracom through its REST handler, natively: the month's preliminary figures (a temporary bill and its
//! CSV export) become provisional charges; the month closes late; once closed, its final CSV reconciles every
//! SIM and device to the cent, exactly once. Plus the customers' bills in Soracom's shapes, the daily check,
//! the export's failure and the 18-month window.

mod common;

use std::cell::{Cell, RefCell};
use std::collections::BTreeMap;

use billsync::engine::{tables, Clock, Engine, HttpRequest, HttpResponse, NoProgress, Payload};
use billsync::error::Result;
use billsync::ledger::{Changeset, ConsumptionRecord, InvoiceItem, InvoiceItemKind, WriteOp};
use billsync::period::{Period, Zone};
use billsync::store::MemoryStore;
use billsync::timestamp::Timestamp;
use billsync::timezone::{NoZoneRules, TimeZone, ZoneRules};
use billsync::vendors::soracom::preview::preview as soracom_preview;
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
    usd: RefCell<bool>,
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
                json!({"amount": m.amount, "currency": if *self.usd.borrow() { "USD" } else { "JPY" }, "state": if m.closed { "closed" } else { "temporary" },
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
    let message = old.body["month"][0].as_str().unwrap();
    assert!(
        message.contains("2023-06") && message.contains("18 months"),
        "{message}"
    );
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

/// The compensations a changeset creates: per source, the amount and the item's name.
fn compensations_of(
    items: impl Iterator<Item = InvoiceItem>,
) -> BTreeMap<String, (Decimal, String)> {
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

/// Issue 18: the preview takes the records exactly as the engine lists them (`consumed_amount`,
/// `subscriber`) and as the store holds them (`source_ref`, `consumed_sell`), and bills the same
/// compensations as the engine's own reconciliation. Without a resource name, no name has an empty part.
#[test]
fn the_preview_takes_the_listed_and_the_stored_records_and_agrees_with_the_engine() {
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
    let sync = call(
        &engine,
        "POST",
        "billing-syncs/trigger_consumption_sync/",
        json!({"year": 2025, "month": 1}),
    );
    assert_eq!(sync.status, 200, "{}", sync.body);
    let listed = call(&engine, "GET", "consumption-records/", Value::Null).body;
    let stored: Vec<Value> = engine
        .store
        .borrow()
        .typed::<ConsumptionRecord>()
        .unwrap()
        .iter()
        .map(|r| serde_json::to_value(r).unwrap())
        .collect();
    assert!(listed[0].get("consumed_amount").is_some() && listed[0].get("consumed_sell").is_none());
    assert!(stored[0].get("source_ref").is_some() && stored[0].get("subscriber").is_none());

    let final_csv = csv(jan, &final_days(), 200);
    engine.vendor.api.months.borrow_mut().insert(
        jan,
        Month {
            closed: true,
            amount: 10_005,
            csv: final_csv.clone(),
        },
    );
    engine.clock.0.set("2025-02-04T09:00:00Z");
    let bill =
        json!({"amount": 10_005, "currency": "JPY", "state": "closed", "yearMonth": "202501"});
    let previewed = |records: &Value| {
        let input = json!({
            "vendor": "soracom", "period": "2025-01", "asOf": "2025-02-04T09:00:00Z", "records": records,
            "settings": {"currency": "JPY", "reconciliation_tolerance": "1"},
        });
        let preview = soracom_preview(
            &input,
            None,
            Payload::Json(bill.clone()),
            Some(final_csv.as_bytes()),
            &NoZoneRules,
        )
        .unwrap();
        compensations_of(created_items(&preview.changeset))
    };
    let from_list = previewed(&listed);
    let from_store = previewed(&Value::Array(stored));

    let done = call(
        &engine,
        "POST",
        "billing-syncs/trigger_reconciliation/",
        json!({"year": 2025, "month": 1}),
    );
    assert_eq!(done.status, 200, "{}", done.body);
    let engine_made = compensations_of(
        engine
            .store
            .borrow()
            .typed::<InvoiceItem>()
            .unwrap()
            .into_iter(),
    );
    assert_eq!(engine_made.len(), 3);
    assert_eq!(
        from_list, engine_made,
        "listed records: the same compensations, names included"
    );
    let amounts = |c: &BTreeMap<String, (Decimal, String)>| -> BTreeMap<String, Decimal> {
        c.iter()
            .map(|(k, (amount, _))| (k.clone(), *amount))
            .collect()
    };
    assert_eq!(
        amounts(&from_store),
        amounts(&engine_made),
        "stored records: the same amounts"
    );
    for (_, name) in from_store.values() {
        assert!(!name.contains("  ") && !name.contains(": ("), "{name}");
        assert!(
            name.contains("imsi:") || name.contains("deviceId:"),
            "named after its subscriber: {name}"
        );
    }
}

/// A month after the current one (in the engine's zone) is a 400 naming `month` for every Soracom operation
/// that bills, before any call to Soracom and with nothing written: the same rule as Arrow's
/// (tests/engine.rs), from `Period::check_billable`.
#[test]
fn a_month_that_has_not_begun_is_refused_naming_month() {
    for (now, zone, month) in [
        ("2025-01-20T10:00:00Z", "UTC", (2025, 2)),
        ("2025-01-20T10:00:00Z", "UTC", (2027, 5)),
        // 23:30 UTC on Jan 31 is February in +01:00: March has not begun there, February has.
        ("2025-01-31T23:30:00Z", "+01:00", (2025, 3)),
    ] {
        let mut engine = engine();
        engine.host.clock.0.set(now);
        engine.host.zone = Zone::parse(zone).unwrap().into();
        // Soracom would answer for the month (a closed bill and its CSV): only the rule stops the calls.
        let period = Period::new(month.0, month.1).unwrap();
        engine.vendor.api.months.borrow_mut().insert(
            period,
            Month {
                closed: true,
                amount: 1,
                csv: csv(period, &preliminary_days(), 0),
            },
        );
        let before = engine.store.borrow().to_tables();
        for (path, extra) in [
            ("billing-syncs/trigger_consumption_sync/", json!({})),
            (
                "billing-syncs/trigger_reconciliation/",
                json!({"force": true}),
            ),
            (
                "billing-syncs/trigger_consumption_sync/",
                json!({"dry_run": true}),
            ),
        ] {
            let mut body = json!({"year": month.0, "month": month.1});
            body.as_object_mut()
                .unwrap()
                .extend(extra.as_object().unwrap().clone());
            let answer = call(&engine, "POST", path, body);
            assert_eq!(answer.status, 400, "{path} {month:?}: {}", answer.body);
            let message = answer.body["month"][0].as_str().unwrap();
            assert!(message.contains("has not begun"), "{message}");
        }
        assert_eq!(engine.store.borrow().to_tables(), before);
    }
    // The current month itself is billable in that zone.
    let mut engine = engine();
    engine.host.clock.0.set("2025-01-31T23:30:00Z");
    engine.host.zone = Zone::parse("+01:00").unwrap().into();
    let feb = call(
        &engine,
        "POST",
        "billing-syncs/trigger_consumption_sync/",
        json!({"year": 2025, "month": 2, "dry_run": true}),
    );
    assert_ne!(feb.status, 400, "{}", feb.body);
}

/// A SIM no host resource is for, in the CSV's shape.
fn orphan_row(month: Period, amount: i64) -> String {
    format!(
        "\"440103000000099\",\"\",\"{}01\",\"Air data (s1.standard)\",\"0.2\",\"1\",\"{amount}\",\"\",\"\"\r\n",
        month.compact()
    )
}

/// What the invoices bill for the month's sources, in all.
fn billed_in_all(store: &MemoryStore) -> Decimal {
    store
        .typed::<InvoiceItem>()
        .unwrap()
        .iter()
        .map(|i| i.total().unwrap().amount)
        .sum()
}

/// Issue 18: the CSV's account-level row (no IMSI, no device) and a SIM with no host resource are reported
/// by the sync and the reconciliation (counters, error details, the listing), never dropped; and the law
/// holds: Σ billed + Σ unowned (+ Σ held, 0) = Soracom's total for the month.
#[test]
fn an_account_row_and_a_sim_without_a_resource_are_reported_never_dropped() {
    let engine = engine();
    let jan = JAN();
    let open_csv = csv(jan, &preliminary_days(), 200) + &orphan_row(jan, 50);
    engine.vendor.api.months.borrow_mut().insert(
        jan,
        Month {
            closed: false,
            amount: 1,
            csv: open_csv,
        },
    );
    let sync = call(
        &engine,
        "POST",
        "billing-syncs/trigger_consumption_sync/",
        json!({"year": 2025, "month": 1}),
    );
    assert_eq!(sync.status, 200, "{}", sync.body);
    assert_eq!(sync.body["synced"], 4);
    assert_eq!(sync.body["errors"], 0);
    assert_eq!(sync.body["unowned"], 2, "{}", sync.body);
    let details = sync.body["error_details"].as_array().unwrap();
    let account = details
        .iter()
        .find(|d| d["subscriber"] == "account")
        .unwrap();
    assert_eq!(account["code"], "unowned");
    assert_eq!(account["amount"], "100.00");
    assert_eq!(account["currency"], "JPY");
    assert!(account["reason"]
        .as_str()
        .unwrap()
        .contains("no host resource"));
    let orphan = details
        .iter()
        .find(|d| d["subscriber"] == "imsi:440103000000099")
        .unwrap();
    assert_eq!(orphan["amount"], "50.00");
    assert_eq!(orphan["line_reference"], "imsi:440103000000099");

    let mut query = serde_json::Map::new();
    query.insert("period".into(), json!("2025-01"));
    let listing = block_on(engine.handle(&HttpRequest {
        method: "GET".into(),
        path: "/api/admin/soracom/billing-syncs/unowned/".into(),
        query,
        user: serde_json::from_value(json!({"is_staff": true})).unwrap(),
        ..HttpRequest::default()
    }));
    assert_eq!(listing.status, 200, "{}", listing.body);
    assert_eq!(listing.body["count"], 2);
    assert_eq!(
        listing.body["totals"],
        json!([{"currency": "JPY", "amount": "150.00"}])
    );
    assert_eq!(listing.body["held"], json!([]));
    assert_eq!(listing.body["lines"][0]["is_final"], false);

    // Closed: the finals of the same rows, reported again (now final), and the month's law.
    let closed_csv = csv(jan, &final_days(), 200) + &orphan_row(jan, 60);
    let total: Decimal = final_days()
        .iter()
        .map(|days| unit_total(days, 200))
        .sum::<Decimal>()
        + Decimal::from(100 + 60);
    engine.vendor.api.months.borrow_mut().insert(
        jan,
        Month {
            closed: true,
            amount: 1,
            csv: closed_csv,
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
    assert_eq!(done.body["unowned"], 2);
    assert_eq!(done.body["errors"], 0);
    let store = engine.store.borrow().clone();
    let unowned: Vec<billsync::ledger::UnownedLine> = store.typed().unwrap();
    assert_eq!(unowned.len(), 2);
    assert!(unowned.iter().all(|l| l.is_final));
    let unowned_total: Decimal = unowned.iter().map(|l| l.amount).sum();
    assert_eq!(unowned_total, Decimal::from(160));
    assert_eq!(
        billed_in_all(&store) + unowned_total,
        total,
        "Σ billed + Σ unowned + Σ held (0) = the vendor's total"
    );
    // A late sync of the closed month does not turn the final lines back into preliminary ones.
    call(
        &engine,
        "POST",
        "billing-syncs/trigger_consumption_sync/",
        json!({"year": 2025, "month": 1}),
    );
    let after: Vec<billsync::ledger::UnownedLine> = engine.store.borrow().typed().unwrap();
    assert_eq!(after, unowned);
}

/// Issue 18 point 5 and issue 19 case 7: Soracom's closed bill in USD against records in JPY is refused per
/// record, and each counted error names its record, both currencies and why: in the response and in the
/// dry run. A mismatch that stops a whole request is a 422 naming both, never a 502.
#[test]
fn a_currency_mismatch_names_each_record_and_both_currencies() {
    let engine = engine();
    let jan = JAN();
    engine.vendor.api.months.borrow_mut().insert(
        jan,
        Month {
            closed: false,
            amount: 1,
            csv: csv(jan, &preliminary_days(), 200),
        },
    );
    let sync = call(
        &engine,
        "POST",
        "billing-syncs/trigger_consumption_sync/",
        json!({"year": 2025, "month": 1}),
    );
    assert_eq!(sync.status, 200);
    *engine.vendor.api.usd.borrow_mut() = true;
    engine.vendor.api.months.borrow_mut().insert(
        jan,
        Month {
            closed: true,
            amount: 1,
            csv: csv(jan, &final_days(), 200),
        },
    );
    engine.clock.0.set("2025-02-04T09:00:00Z");
    for dry_run in [true, false] {
        let done = call(
            &engine,
            "POST",
            "billing-syncs/trigger_reconciliation/",
            json!({"year": 2025, "month": 1, "dry_run": dry_run}),
        );
        assert_eq!(done.status, 200, "{}", done.body);
        assert_eq!(done.body["errors"], 4, "{}", done.body);
        let details: Vec<&Value> = done.body["error_details"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|d| d["code"] == "currency_mismatch")
            .collect();
        assert_eq!(details.len(), 4, "every counted error has its detail");
        for d in details {
            assert!(d["record_uuid"].is_string() && d["resource_uuid"].is_string());
            assert!(d["subscriber"].as_str().unwrap().contains(':'));
            assert_eq!(d["billing_period"], "2025-01");
            let currencies = d["currencies"].as_array().unwrap();
            assert!(currencies.contains(&json!("USD")) && currencies.contains(&json!("JPY")));
            assert!(d["error"].as_str().unwrap().contains("USD"));
        }
    }
    let mismatch = billsync::error::Error::CurrencyMismatch {
        location: "x".into(),
        left: "USD".into(),
        right: "JPY".into(),
    };
    assert_eq!(mismatch.status(), 422);
    let response = HttpResponse::from_error(&mismatch);
    assert_eq!(response.status, 422);
    assert!(response.body["detail"]
        .as_str()
        .unwrap()
        .contains("USD with JPY"));
}

/// Issue 18: the settings decide where the account's own rows go. With `account_customer_uuid` and no
/// resource of kind `account`, a stand-in resource of that customer bills them (provisional, then final);
/// the SIM no resource is for stays unowned, and the law holds.
#[test]
fn the_settings_send_the_account_rows_to_a_named_customer() {
    let engine = engine();
    {
        let mut store = engine.store.borrow_mut();
        let mut settings: Vec<billsync::vendors::soracom::SoracomSettings> = store.typed().unwrap();
        settings[0].account_customer_uuid = Some(billsync::ids::Uuid::parse(CUSTOMER_B).unwrap());
        let mut changeset =
            Changeset::new("host", Timestamp::parse("2025-01-20T10:00:00Z").unwrap());
        changeset.put("settings".into(), &settings[0]).unwrap();
        store.apply(&changeset).unwrap();
    }
    let jan = JAN();
    let month = |closed: bool, days: Vec<Vec<i64>>, orphan: i64| Month {
        closed,
        amount: 1,
        csv: csv(jan, &days, 200) + &orphan_row(jan, orphan),
    };
    engine
        .vendor
        .api
        .months
        .borrow_mut()
        .insert(jan, month(false, preliminary_days(), 50));
    let sync = call(
        &engine,
        "POST",
        "billing-syncs/trigger_consumption_sync/",
        json!({"year": 2025, "month": 1}),
    );
    assert_eq!(sync.status, 200, "{}", sync.body);
    assert_eq!(
        sync.body["synced"], 5,
        "the four units and the account's stand-in"
    );
    assert_eq!(sync.body["unowned"], 1, "{}", sync.body);
    let items: Vec<InvoiceItem> = engine.store.borrow().typed().unwrap();
    let account_item = items
        .iter()
        .find(|i| i.source_key.as_str().ends_with("|account"))
        .unwrap();
    assert_eq!(account_item.customer_uuid.as_str(), CUSTOMER_B);
    assert_eq!(account_item.unit_price, Decimal::from(100));

    engine
        .vendor
        .api
        .months
        .borrow_mut()
        .insert(jan, month(true, final_days(), 60));
    engine.clock.0.set("2025-02-04T09:00:00Z");
    let done = call(
        &engine,
        "POST",
        "billing-syncs/trigger_reconciliation/",
        json!({"year": 2025, "month": 1}),
    );
    assert_eq!(done.status, 200, "{}", done.body);
    assert_eq!(done.body["reconciled"], 5);
    assert_eq!(done.body["unowned"], 1);
    let store = engine.store.borrow().clone();
    let unowned: Vec<billsync::ledger::UnownedLine> = store.typed().unwrap();
    let total: Decimal = final_days()
        .iter()
        .map(|days| unit_total(days, 200))
        .sum::<Decimal>()
        + Decimal::from(100 + 60);
    assert_eq!(
        billed_in_all(&store) + unowned.iter().map(|l| l.amount).sum::<Decimal>(),
        total
    );
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
