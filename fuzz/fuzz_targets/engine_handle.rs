//! The REST handlers (Arrow's and Soracom's) on arbitrary method, path, query and body, natively, over the
//! memory store and stub vendors that return fixed payloads: no panic, and no 500 (a 500 is an overflow or a store failure, which
//! no request should cause).
//!
//! Input: four parts separated by NUL bytes: method, path, query (`k=v&k=v`), body (JSON, else a string).
//! The first byte of the method and of the path picks a known method or operation path, so that most runs
//! reach validation and the operations instead of a 404.
#![no_main]

use std::cell::RefCell;
use std::future::Future;
use std::pin::pin;
use std::task::{Context, Poll, Waker};

use billsync::engine::{tables, Clock, Engine, HttpRequest, NoProgress, Payload};
use billsync::error::Result;
use billsync::period::{Period, Zone};
use billsync::store::MemoryStore;
use billsync::timestamp::Timestamp;
use billsync::vendors::arrow::validate::Operation;
use billsync::vendors::arrow::{Arrow, ArrowApi, ExportRequest};
use billsync::vendors::soracom::validate::Operation as SoracomOperation;
use billsync::vendors::soracom::{ExportMode, Soracom, SoracomApi};
use libfuzzer_sys::fuzz_target;
use serde_json::{json, Map, Value};

/// The ports never wait, so polling until ready finishes every future.
fn block_on<F: Future>(future: F) -> F::Output {
    let mut future = pin!(future);
    let mut cx = Context::from_waker(Waker::noop());
    loop {
        if let Poll::Ready(v) = future.as_mut().poll(&mut cx) {
            return v;
        }
    }
}

const SETTINGS: &str = "5e771a65-0000-4000-8000-000000000001";
const CUSTOMER: &str = "c0570be2-0000-4000-8000-000000000002";
const PROJECT: &str = "9f0ec700-0000-4000-8000-000000000003";
const RESOURCE: &str = "aaaaaaaa-0000-4000-8000-000000000001";
const LICENSE: &str = "XSP1001";

struct StubArrow;

impl ArrowApi for StubArrow {
    async fn billing_export(&self, request: &ExportRequest) -> Result<Payload> {
        let values = if request.page == 1 {
            json!([[
                "IAAS",
                "vs-1",
                "Contoso",
                "XSP661245",
                "12.34",
                "9.00",
                "1",
                LICENSE,
                "ST-1",
                "Microsoft",
                "Azure plan",
                "1",
                request.period_from.to_string()
            ]])
        } else {
            json!([])
        };
        Ok(Payload::Text(json!({"data": {"headers": ["Classification", "Vendor Subscription ID",
            "End User Company Name", "End User Company ID", "Customer Total Price", "Total Wholesale Price",
            "Sequence", "ARS Subscription ID", "Statement Reference", "Vendor Name", "Product Name", "Qty",
            "Report Period"], "values": values}, "pagination": {"perPage": 1000}}).to_string()))
    }

    async fn consumption(&self, _license: &str, start: Period, _end: Period) -> Result<Payload> {
        Ok(Payload::Json(json!({"data": {
            "headers": ["Report Period", "Total sell price", "Total buy price"],
            "lines": [[start.to_string(), "10.00", "8.00"]],
        }})))
    }

    async fn license(&self, license_reference: &str) -> Result<Payload> {
        Ok(Payload::Json(
            json!({"data": {"license": {"reference": license_reference}}}),
        ))
    }

    async fn licenses(&self, _page: u32, _per_page: u32) -> Result<Payload> {
        Ok(Payload::Json(json!({"data": {"licenses": []}})))
    }
}

struct FixedClock;

impl Clock for FixedClock {
    fn now(&self) -> Result<Timestamp> {
        Timestamp::parse("2025-02-03T10:00:00Z")
    }
}

/// Soracom with one closed month (January 2025) and its CSV, exported synchronously.
struct StubSoracom;

const BILL: &str =
    r#"{"amount": 105, "currency": "JPY", "state": "closed", "yearMonth": "202501"}"#;
const CSV: &str = "\u{feff}imsi,date,billItemName,unitPrice,quantity,amount,tag.name\r\n440100000000001,20250101,Air,1,100,100,x\r\n440100000000001,202501,Fee,5,1,5,x\r\n";

impl SoracomApi for StubSoracom {
    async fn get_billing(&self, month: Period) -> Result<Option<Payload>> {
        Ok((month.compact() == "202501").then(|| Payload::Text(BILL.into())))
    }
    async fn get_latest_billing(&self) -> Result<Payload> {
        Ok(Payload::Text(r#"{"amount": 1, "currency": "JPY"}"#.into()))
    }
    async fn get_billing_history(&self) -> Result<Payload> {
        Ok(Payload::Text(format!(r#"{{"billList": [{BILL}]}}"#)))
    }
    async fn get_billing_per_day(&self, _month: Period) -> Result<Option<Payload>> {
        Ok(Some(Payload::Text(
            r#"{"billList": [{"amount": 100, "currency": "JPY", "date": "20250101"}]}"#.into(),
        )))
    }
    async fn export_billing(&self, _month: Period, _mode: ExportMode) -> Result<Payload> {
        Ok(Payload::Text(
            r#"{"url": "https://files.example/x.csv"}"#.into(),
        ))
    }
    async fn export_latest_billing(&self, _mode: ExportMode) -> Result<Payload> {
        Ok(Payload::Text(
            r#"{"url": "https://files.example/x.csv"}"#.into(),
        ))
    }
    async fn get_exported_file(&self, _id: &str) -> Result<Payload> {
        Ok(Payload::Text(
            r#"{"status": "exported", "url": "https://files.example/x.csv"}"#.into(),
        ))
    }
    async fn download(&self, _url: &str) -> Result<Payload> {
        Ok(Payload::Text(CSV.into()))
    }
}

fn store() -> Option<MemoryStore> {
    MemoryStore::from_tables(&json!({
        "settings": [{"uuid": SETTINGS, "name": "Arrow", "export_type_reference": "EXP", "currency": "EUR"}],
        "customers": [{"uuid": CUSTOMER, "name": "Contoso"}],
        "projects": [{"uuid": PROJECT, "name": "Azure", "customer_uuid": CUSTOMER}],
        "resources": [{"uuid": RESOURCE, "name": "sub-1", "project_uuid": PROJECT, "backend_id": "vs-1",
                       "state": "OK", "attributes": {"arrow_license_reference": LICENSE}},
                      {"uuid": "aaaaaaaa-0000-4000-8000-000000000002", "name": "sim-1", "project_uuid": PROJECT,
                       "backend_id": "440100000000001", "state": "OK", "attributes": {"soracom_kind": "imsi"}}],
        "soracom_settings": [{"uuid": "50ac0000-0000-4000-8000-000000000001", "currency": "JPY"}],
    }), tables::check_row)
    .ok()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fuzz_target!(|data: &[u8]| {
    let mut parts = data.splitn(4, |b| *b == 0);
    let mut next = || parts.next().unwrap_or_default();
    let (method, path, query, body) = (next(), next(), next(), next());
    let method = match method.split_first() {
        Some((&b, rest)) => ["GET", "POST", "HEAD", "PUT"]
            .get(usize::from(b))
            .map(|m| (*m).to_owned())
            .unwrap_or_else(|| text(rest)),
        None => String::new(),
    };
    let path = match path.split_first() {
        Some((&b, rest)) => {
            let b = usize::from(b);
            match (
                Operation::ALL.get(b),
                SoracomOperation::ALL.get(b.wrapping_sub(Operation::ALL.len())),
            ) {
                (Some(op), _) => op.path().replace("{uuid}", &text(rest)),
                (None, Some(op)) => op
                    .path()
                    .replace("{uuid}", CUSTOMER)
                    .replace("{yyyyMM}", &text(rest)),
                (None, None) => text(rest),
            }
        }
        None => String::new(),
    };
    let query: Map<String, Value> = text(query)
        .split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            (k.to_owned(), Value::String(v.to_owned()))
        })
        .collect();
    let body = serde_json::from_slice(body).unwrap_or_else(|_| Value::String(text(body)));
    let Some(store) = store() else {
        return;
    };
    let soracom = path.starts_with("/api/admin/soracom/");
    let store = RefCell::new(store);
    let request = HttpRequest {
        method,
        path,
        query,
        body,
        user: serde_json::from_value(json!({"is_staff": true})).ok(),
        base_url: "https://admin.example".into(),
        ..HttpRequest::default()
    };
    let response = if soracom {
        let engine = Engine::new(
            store,
            Soracom { api: StubSoracom },
            FixedClock,
            Zone::UTC,
            NoProgress,
        );
        block_on(engine.handle(&request))
    } else {
        let engine = Engine::new(
            store,
            Arrow { api: StubArrow },
            FixedClock,
            Zone::UTC,
            NoProgress,
        );
        block_on(engine.handle(&request))
    };
    assert_ne!(response.status, 500, "{request:?} → {response:?}");
});
