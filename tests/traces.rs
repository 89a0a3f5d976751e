//! Every item traced to its evidence (issue 20): each item billsync makes carries the operation and instant
//! of its plan, the SHA-256 of the vendor payload the plan read, and the vendor's lines behind its money;
//! `GET /api/admin/billsync/invoice-items/{uuid}/trace/` shows the chain of its source. Natively, through
//! both vendors' handlers.

mod common;

use std::cell::{Cell, RefCell};

use billsync::engine::{tables, Clock, Engine, HttpRequest, HttpResponse, NoProgress, Payload};
use billsync::error::Result;
use billsync::ledger::{InvoiceItem, InvoiceItemKind};
use billsync::period::{Period, Zone};
use billsync::store::MemoryStore;
use billsync::timestamp::Timestamp;
use billsync::vendors::soracom::{ExportMode, Soracom, SoracomApi};
use common::fake_arrow::*;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

const ITEMS: &str = "/api/admin/billsync/invoice-items/";

fn hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn items(store: &MemoryStore) -> Vec<InvoiceItem> {
    store.typed().unwrap()
}

fn trace_of(engine: &TestEngine, uuid: &str) -> HttpResponse {
    get(engine, &format!("{ITEMS}{uuid}/trace/"), json!({}))
}

/// The export pages exactly as the fake Arrow serves them, one after the other: what the trace hashes.
fn export_bytes(arrow: &FakeArrow, month: &str) -> Vec<u8> {
    let rows = arrow.export.get(month).cloned().unwrap_or_default();
    let per_page = arrow.per_page.max(1);
    let mut bytes = Vec::new();
    let mut page = 0;
    loop {
        let chunk: Vec<Value> = rows
            .iter()
            .skip(page * per_page)
            .take(per_page)
            .cloned()
            .collect();
        let text = json!({"data": {"headers": EXPORT_HEADERS, "values": chunk}, "pagination": {"perPage": per_page}})
            .to_string();
        bytes.extend_from_slice(text.as_bytes());
        if chunk.len() < per_page {
            return bytes;
        }
        page += 1;
    }
}

/// The consumption payload of a licence's month as the fake serves it (a parsed value), in the canonical
/// text the README documents: no whitespace, keys sorted.
fn consumption_canonical(lines: &[(&str, &str)], month: &str) -> String {
    let lines: Vec<String> = lines
        .iter()
        .map(|(sell, buy)| format!(r#"["{month}","Virtual Machines","{sell}","{buy}"]"#))
        .collect();
    format!(
        r#"{{"data":{{"headers":["Report Period","Vendor Meter Category","Total sell price","Total buy price"],"lines":[{}]}}}}"#,
        lines.join(",")
    )
}

fn sync_january(engine: &TestEngine) {
    let sync = post(
        engine,
        &format!("{SYNCS}trigger_consumption_sync/"),
        json!({"year": 2025, "month": 1}),
    );
    assert_eq!(sync.status, 200, "{:?}", sync.body);
}

#[test]
fn arrow_items_trace_to_the_payload_and_lines_they_came_from() {
    let engine = engine(arrow());
    sync_january(&engine);
    engine.clock.0.set("2025-02-10T10:00:00Z");
    for action in ["trigger_reconciliation", "trigger_sync"] {
        let response = post(
            &engine,
            &format!("{SYNCS}{action}/"),
            json!({"year": 2025, "month": 1}),
        );
        assert_eq!(response.status, 200, "{action}: {:?}", response.body);
    }
    let export_sha = hex(&export_bytes(&engine.vendor.api, "2025-01"));
    let stored = items(&engine.store.borrow());

    // Licence 1: a provisional item (100.00 consumed), then one compensation (its final is 95.00).
    let provisional = stored
        .iter()
        .find(|i| {
            i.kind == InvoiceItemKind::Provisional
                && i.resource_uuid.as_ref().map(|u| u.as_str()) == Some(resource(1).as_str())
        })
        .unwrap();
    let response = trace_of(&engine, provisional.uuid.as_str());
    assert_eq!(response.status, 200, "{}", response.body);
    let chain = response.body["chain"].as_array().unwrap();
    assert_eq!(chain.len(), 2, "{}", response.body);
    assert_eq!(chain[0]["uuid"], provisional.uuid.as_str());
    assert_eq!(chain[0]["kind"], "provisional");
    assert_eq!(chain[1]["kind"], "compensation");
    assert_eq!(chain[1]["amount"], "-5.00");

    let first = &chain[0]["trace"];
    assert_eq!(first["planned_at"], "2025-01-20T10:00:00Z");
    assert!(
        first["operation"]
            .as_str()
            .unwrap()
            .contains("consumption_sync"),
        "{first}"
    );
    let consumption = consumption_canonical(&[("60.00", "50.00"), ("40.00", "30.00")], "2025-01");
    assert_eq!(
        first["payload_sha256"],
        hex(consumption.as_bytes()),
        "{first}"
    );
    assert_eq!(first["lines"][0]["consumption_of"], license(1));
    assert_eq!(first["lines"][0]["lines"], 2);

    let compensation = &chain[1]["trace"];
    assert_eq!(compensation["planned_at"], "2025-02-10T10:00:00Z");
    assert!(
        compensation["operation"]
            .as_str()
            .unwrap()
            .contains("reconciliation"),
        "{compensation}"
    );
    assert_eq!(compensation["payload_sha256"], export_sha);
    // Licence 1's two export lines: Sequence 1 and 2, the first page's two rows.
    assert_eq!(
        compensation["lines"],
        json!([{"page": 1, "row": 1, "sequence": "1"}, {"page": 1, "row": 2, "sequence": "2"}])
    );
    // The compensation's trace names the same chain.
    let again = trace_of(&engine, chain[1]["uuid"].as_str().unwrap());
    assert_eq!(again.body["chain"], response.body["chain"]);

    // The licence no resource takes is billed by its statement line: Sequence 5, page 3, row 1.
    let line = stored
        .iter()
        .find(|i| i.kind == InvoiceItemKind::StatementLine)
        .unwrap();
    let response = trace_of(&engine, line.uuid.as_str());
    assert_eq!(response.status, 200);
    let trace = &response.body["chain"][0]["trace"];
    assert_eq!(trace["payload_sha256"], export_sha);
    assert_eq!(
        trace["lines"],
        json!([{"page": 3, "row": 1, "sequence": "5"}])
    );
    assert!(
        trace["operation"]
            .as_str()
            .unwrap()
            .contains("trigger_sync"),
        "{trace}"
    );

    // The listing keeps its shape, and shows the trace within the details.
    let listed = get(
        &engine,
        ITEMS,
        json!({"source_key": provisional.source_key.as_str()}),
    );
    assert_eq!(listed.status, 200);
    let rows = listed.body.as_array().unwrap();
    assert_eq!(rows.len(), 2);
    for link in chain {
        let row = rows.iter().find(|r| r["uuid"] == link["uuid"]).unwrap();
        assert_eq!(row["details"]["trace"], link["trace"]);
    }
}

#[test]
fn the_same_payload_gives_the_same_hash_and_a_rerun_bills_nothing() {
    let engine = engine(arrow());
    sync_january(&engine);
    let before = items(&engine.store.borrow());
    let hash_of = |items: &[InvoiceItem]| -> Vec<(String, Value)> {
        let mut hashes: Vec<(String, Value)> = items
            .iter()
            .map(|i| {
                let trace = i.details.trace().unwrap();
                (i.uuid.to_string(), json!(trace.payload_sha256))
            })
            .collect();
        hashes.sort_by(|a, b| a.0.cmp(&b.0));
        hashes
    };

    // A later re-run over the same payloads: the same items, the same amounts, the same hashes; the trace
    // names the latest plan that wrote the item.
    engine.clock.0.set("2025-01-21T10:00:00Z");
    sync_january(&engine);
    let after = items(&engine.store.borrow());
    assert_eq!(after.len(), before.len());
    assert_eq!(hash_of(&after), hash_of(&before));
    for (a, b) in after.iter().zip(&before) {
        assert_eq!(a.total().unwrap(), b.total().unwrap());
        assert_eq!(
            a.details.trace().unwrap().planned_at.to_rfc3339(),
            "2025-01-21T10:00:00Z"
        );
    }

    // Reconciled, then reconciled again (forced) over the same export: nothing more is billed.
    engine.clock.0.set("2025-02-10T10:00:00Z");
    let path = format!("{SYNCS}trigger_reconciliation/");
    assert_eq!(
        post(&engine, &path, json!({"year": 2025, "month": 1})).status,
        200
    );
    let reconciled = engine.store.borrow().clone();
    engine.clock.0.set("2025-02-11T10:00:00Z");
    let rerun = post(
        &engine,
        &path,
        json!({"year": 2025, "month": 1, "force": true}),
    );
    assert_eq!(rerun.status, 200, "{:?}", rerun.body);
    assert_eq!(
        rerun.body["compensation_items_created"], 0,
        "{:?}",
        rerun.body
    );
    assert_eq!(items(&engine.store.borrow()), items(&reconciled));

    // A different payload: another hash.
    let mut changed = arrow();
    changed.consumption.insert(
        (license(2), "2025-01".into()),
        vec![("11.00".into(), "8.00".into())],
    );
    let other = common::fake_arrow::engine(changed);
    sync_january(&other);
    let ours = hash_of(&before);
    let theirs = hash_of(&items(&other.store.borrow()));
    let differ: Vec<_> = ours.iter().zip(&theirs).filter(|(a, b)| a != b).collect();
    assert_eq!(
        differ.len(),
        1,
        "only licence 2's payload changed: {differ:?}"
    );
}

#[test]
fn an_unknown_item_is_a_coded_404_and_the_trace_is_for_staff() {
    let engine = engine(arrow());
    sync_january(&engine);
    for uuid in ["0f0f0f0f-0000-4000-8000-000000000000", "not-a-uuid"] {
        let response = trace_of(&engine, uuid);
        assert_eq!(response.status, 404, "{uuid}");
        assert_eq!(response.body["code"], "not_found");
    }
    let item = items(&engine.store.borrow()).remove(0);
    let mut request = request("GET", &format!("{ITEMS}{}/trace/", item.uuid), Value::Null);
    request.user = serde_json::from_value(json!({"is_staff": false})).unwrap();
    assert_eq!(block_on(engine.handle(&request)).status, 403);
    let posted = send(
        &engine,
        "POST",
        &format!("{ITEMS}{}/trace/", item.uuid),
        json!({}),
    );
    assert_eq!(posted.status, 405);
    // Without the trailing slash too.
    assert_eq!(
        get(&engine, &format!("{ITEMS}{}/trace", item.uuid), json!({})).status,
        200
    );
}

// Soracom: the CSV's lines, or the bill's month.

const SORACOM_SETTINGS: &str = "50ac0000-0000-4000-8000-000000000001";
const SORACOM_CUSTOMER: &str = "c0570be2-0000-4000-8000-00000000000a";

fn sim(n: u32) -> String {
    format!("51350000-0000-4000-8000-{n:012}")
}

struct Bill {
    closed: bool,
    csv: String,
}

#[derive(Default)]
struct FakeSoracom {
    bill: RefCell<Option<Bill>>,
}

impl FakeSoracom {
    fn bill_text(&self) -> Option<String> {
        self.bill.borrow().as_ref().map(|b| {
            json!({"amount": 100, "currency": "JPY", "state": if b.closed { "closed" } else { "temporary" },
                   "yearMonth": "202501", "paymentStatus": "paying"})
            .to_string()
        })
    }
}

impl SoracomApi for FakeSoracom {
    async fn get_billing(&self, _month: Period) -> Result<Option<Payload>> {
        Ok(self.bill_text().map(Payload::Text))
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
    async fn export_billing(&self, _month: Period, _mode: ExportMode) -> Result<Payload> {
        Ok(Payload::Text(
            r#"{"exportedFileId": "f-1", "exportedFilePath": "x"}"#.into(),
        ))
    }
    async fn export_latest_billing(&self, _mode: ExportMode) -> Result<Payload> {
        Ok(Payload::Text(
            r#"{"exportedFileId": "f-1", "exportedFilePath": "x"}"#.into(),
        ))
    }
    async fn get_exported_file(&self, _id: &str) -> Result<Payload> {
        Ok(Payload::Text(
            r#"{"status": "exported", "url": "https://files.example/f-1.csv"}"#.into(),
        ))
    }
    async fn download(&self, _url: &str) -> Result<Payload> {
        Ok(Payload::Text(
            self.bill
                .borrow()
                .as_ref()
                .map(|b| b.csv.clone())
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

fn soracom(granularity: &str) -> SoracomEngine {
    let tables = json!({
        "soracom_settings": [{"uuid": SORACOM_SETTINGS, "name": "Soracom", "operator_id": "OP0012345678", "currency": "JPY",
                               "reconciliation_tolerance": "1", "max_export_polls": 5, "granularity": granularity}],
        "customers": [{"uuid": SORACOM_CUSTOMER, "name": "Acme"}],
        "projects": [{"uuid": sim(100), "name": "IoT", "customer_uuid": SORACOM_CUSTOMER}],
        "resources": [
            {"uuid": sim(1), "name": "sim 1", "project_uuid": sim(100), "backend_id": "440103000000001", "state": "OK",
             "attributes": {"soracom_kind": "imsi"}},
            {"uuid": sim(2), "name": "sim 2", "project_uuid": sim(100), "backend_id": "440103000000002", "state": "OK",
             "attributes": {"soracom_kind": "imsi"}},
            {"uuid": sim(3), "name": "the account", "project_uuid": sim(100), "backend_id": "account", "state": "OK",
             "attributes": {"soracom_kind": "account"}},
        ],
    });
    let store = MemoryStore::from_tables(&tables, tables::check_row).unwrap();
    Engine::new(
        RefCell::new(store),
        Soracom {
            api: FakeSoracom::default(),
        },
        Now(Cell::new("2025-01-20T10:00:00Z")),
        Zone::UTC,
        NoProgress,
    )
}

fn soracom_call(engine: &SoracomEngine, method: &str, path: &str, body: Value) -> HttpResponse {
    let request = HttpRequest {
        method: method.into(),
        path: path.into(),
        body,
        user: serde_json::from_value(json!({"is_staff": true})).unwrap(),
        base_url: "https://admin.example".into(),
        ..HttpRequest::default()
    };
    block_on(engine.handle(&request))
}

/// Sim 1 on lines 2-3 and 5, sim 2 on line 4 (line 1 is the header).
fn soracom_csv(last_day: i64) -> String {
    format!(
        "imsi,date,billItemName,amount\r\n\
         440103000000001,20250101,Air data,10\r\n\
         440103000000001,20250102,Air data,20\r\n\
         440103000000002,20250101,Air data,5\r\n\
         440103000000001,20250103,Air data,{last_day}\r\n"
    )
}

fn soracom_trace(engine: &SoracomEngine, item: &InvoiceItem) -> Value {
    let response = soracom_call(
        engine,
        "GET",
        &format!("{ITEMS}{}/trace/", item.uuid),
        Value::Null,
    );
    assert_eq!(response.status, 200, "{}", response.body);
    response.body
}

#[test]
fn soracom_items_trace_to_their_csv_lines_and_the_files_hash() {
    let engine = soracom("subscriber");
    *engine.vendor.api.bill.borrow_mut() = Some(Bill {
        closed: false,
        csv: soracom_csv(30),
    });
    let syncs = "/api/admin/soracom/billing-syncs/";
    let month = json!({"year": 2025, "month": 1});
    let sync = soracom_call(
        &engine,
        "POST",
        &format!("{syncs}trigger_consumption_sync/"),
        month.clone(),
    );
    assert_eq!(sync.status, 200, "{}", sync.body);
    let stored = items(&engine.store.borrow());
    let sim1 = stored
        .iter()
        .find(|i| i.resource_uuid.as_ref().map(|u| u.to_string()) == Some(sim(1)))
        .unwrap();
    let body = soracom_trace(&engine, sim1);
    let trace = &body["chain"][0]["trace"];
    assert_eq!(trace["payload_sha256"], hex(soracom_csv(30).as_bytes()));
    assert_eq!(
        trace["lines"],
        json!([{"csv_lines": [2, 3]}, {"csv_lines": [5, 5]}])
    );
    assert_eq!(trace["planned_at"], "2025-01-20T10:00:00Z");

    // Closed with sim 1's last day at 35: one compensation of 5, traced to the final file.
    *engine.vendor.api.bill.borrow_mut() = Some(Bill {
        closed: true,
        csv: soracom_csv(35),
    });
    engine.clock.0.set("2025-02-04T09:00:00Z");
    let done = soracom_call(
        &engine,
        "POST",
        &format!("{syncs}trigger_reconciliation/"),
        month.clone(),
    );
    assert_eq!(done.status, 200, "{}", done.body);
    let body = soracom_trace(&engine, sim1);
    let chain = body["chain"].as_array().unwrap();
    assert_eq!(chain.len(), 2, "{body}");
    assert_eq!(chain[1]["amount"], "5.00");
    assert_eq!(
        chain[1]["trace"]["payload_sha256"],
        hex(soracom_csv(35).as_bytes())
    );
    assert_eq!(
        chain[1]["trace"]["lines"],
        json!([{"csv_lines": [2, 3]}, {"csv_lines": [5, 5]}])
    );
    assert_eq!(chain[1]["trace"]["planned_at"], "2025-02-04T09:00:00Z");

    // The same closed month again, forced: the same file, nothing more billed.
    let before = items(&engine.store.borrow());
    let again = soracom_call(
        &engine,
        "POST",
        &format!("{syncs}trigger_reconciliation/"),
        json!({"year": 2025, "month": 1, "force": true}),
    );
    assert_eq!(again.status, 200, "{}", again.body);
    assert_eq!(items(&engine.store.borrow()), before);
}

#[test]
fn a_soracom_account_item_traces_to_the_bills_month() {
    let engine = soracom("account");
    *engine.vendor.api.bill.borrow_mut() = Some(Bill {
        closed: false,
        csv: String::new(),
    });
    let sync = soracom_call(
        &engine,
        "POST",
        "/api/admin/soracom/billing-syncs/trigger_consumption_sync/",
        json!({"year": 2025, "month": 1}),
    );
    assert_eq!(sync.status, 200, "{}", sync.body);
    let stored = items(&engine.store.borrow());
    assert_eq!(stored.len(), 1);
    let body = soracom_trace(&engine, &stored[0]);
    let trace = &body["chain"][0]["trace"];
    let bill = engine.vendor.api.bill_text().unwrap();
    assert_eq!(trace["payload_sha256"], hex(bill.as_bytes()));
    assert_eq!(trace["lines"], json!([{"year_month": "202501"}]));
}
