//! Arrow as a table of consumption lines and export rows, a fixed clock, and a native engine over the
//! memory store: the world the engine tests and the interleaving tests drive through the REST handler.
#![allow(dead_code)]

use std::cell::{Cell, RefCell};
use std::collections::BTreeMap;
use std::future::Future;
use std::pin::pin;
use std::task::{Context, Poll, Waker};

use billsync::engine::{Clock, Engine, HttpRequest, HttpResponse, NoProgress, Payload};
use billsync::error::{Error, Result};
use billsync::ids::Uuid;
use billsync::period::{Period, Zone};
use billsync::store::MemoryStore;
use billsync::timestamp::Timestamp;
use billsync::vendors::arrow::{Arrow, ArrowAccount, ArrowApi, ExportRequest, LicenseImport};
use serde_json::{json, Value};

/// The fakes never wait, so one poll finishes every future.
pub fn block_on<F: Future>(future: F) -> F::Output {
    let mut future = pin!(future);
    let mut cx = Context::from_waker(Waker::noop());
    loop {
        if let Poll::Ready(v) = future.as_mut().poll(&mut cx) {
            return v;
        }
    }
}

pub const SETTINGS: &str = "5e771a65-0000-4000-8000-000000000001";
pub const CUSTOMER: &str = "c0570be2-0000-4000-8000-000000000002";
pub const PROJECT: &str = "9f0ec700-0000-4000-8000-000000000003";
pub const MAPPING: &str = "3a991a90-0000-4000-8000-000000000004";

pub fn resource(n: u32) -> String {
    format!("aaaaaaaa-0000-4000-8000-{n:012}")
}

pub fn license(n: u32) -> String {
    format!("XSP{}", 1000 + n)
}

/// Arrow as a table of consumption lines per licence and month, and an export per month.
#[derive(Default)]
pub struct FakeArrow {
    pub consumption: BTreeMap<(String, String), Vec<(String, String)>>,
    pub export: BTreeMap<String, Vec<Value>>,
    pub per_page: usize,
    pub calls: Cell<u32>,
    pub fail_at: Cell<Option<u32>>,
    /// Arrow's statements call, when this Arrow has one: `{"data": {"statements": [...]}}`.
    pub statements: Option<Value>,
    /// Whether this adapter has the admin API's optional calls (whoami, customers, export types, catalog)
    /// and the host's key store and licence import.
    pub admin: bool,
    /// The keys the host was handed, by settings uuid.
    pub keys: RefCell<BTreeMap<String, String>>,
    /// The licence imports the host was asked for.
    pub imports: RefCell<Vec<Value>>,
}

/// The key the fake Arrow accepts.
pub const ARROW_KEY: &str = "arrow-key-s3cret";

impl FakeArrow {
    fn call(&self, name: &str) -> Result<()> {
        let n = self.calls.get();
        self.calls.set(n + 1);
        if self.fail_at.get() == Some(n) {
            return Err(Error::AdapterFailed {
                call: format!("arrow.{name}"),
                message: "connection reset".into(),
            });
        }
        Ok(())
    }
}

pub const EXPORT_HEADERS: [&str; 13] = [
    "Classification",
    "Vendor Subscription ID",
    "End User Company Name",
    "End User Company ID",
    "Customer Total Price",
    "Total Wholesale Price",
    "Sequence",
    "ARS Subscription ID",
    "Statement Reference",
    "Vendor Name",
    "Product Name",
    "Qty",
    "Report Period",
];

impl ArrowApi for FakeArrow {
    async fn billing_export(&self, request: &ExportRequest) -> Result<Payload> {
        self.call("billingExport")?;
        let rows = self
            .export
            .get(&request.period_from.to_string())
            .cloned()
            .unwrap_or_default();
        let per_page = self.per_page.max(1);
        let start = (request.page as usize - 1) * per_page;
        let page: Vec<Value> = rows.into_iter().skip(start).take(per_page).collect();
        Ok(Payload::Text(
            json!({"data": {"headers": EXPORT_HEADERS, "values": page}, "pagination": {"perPage": per_page}}).to_string(),
        ))
    }

    async fn consumption(
        &self,
        license_reference: &str,
        start: Period,
        _end: Period,
    ) -> Result<Payload> {
        self.call("consumption")?;
        let lines: Vec<Value> = self
            .consumption
            .get(&(license_reference.to_owned(), start.to_string()))
            .cloned()
            .unwrap_or_default()
            .into_iter()
            .map(|(sell, buy)| json!([start.to_string(), "Virtual Machines", sell, buy]))
            .collect();
        Ok(Payload::Json(json!({"data": {
            "headers": ["Report Period", "Vendor Meter Category", "Total sell price", "Total buy price"],
            "lines": lines,
        }})))
    }

    async fn license(&self, license_reference: &str) -> Result<Payload> {
        self.call("license")?;
        Ok(Payload::Json(
            json!({"data": {"license": {"reference": license_reference, "state": "active"}}}),
        ))
    }

    async fn licenses(&self, _page: u32, _per_page: u32) -> Result<Payload> {
        self.call("licenses")?;
        Ok(Payload::Json(json!({"data": {"licenses": []}})))
    }

    async fn statements(&self, _period: Period) -> Result<Option<Payload>> {
        Ok(self.statements.clone().map(Payload::Json))
    }

    async fn whoami(&self, account: &ArrowAccount) -> Result<Option<Payload>> {
        if !self.admin {
            return Ok(None);
        }
        let key = account.api_key.clone().or_else(|| {
            account
                .settings_uuid
                .and_then(|s| self.keys.borrow().get(s.as_str()).cloned())
        });
        if key.as_deref() != Some(ARROW_KEY) {
            return Err(Error::AdapterFailed {
                call: "arrow.whoami".into(),
                message: "401 Unauthorized".into(),
            });
        }
        Ok(Some(Payload::Json(
            json!({"data": {"reference": "XSP-PARTNER", "companyName": "Reseller Ltd"}}),
        )))
    }

    async fn customers(&self, _: &ArrowAccount, page: u32, _: u32) -> Result<Option<Payload>> {
        if !self.admin {
            return Ok(None);
        }
        let customers = if page == 1 {
            json!([
                {"Reference": "XSP661245", "CompanyName": "Contoso Ltd", "Contact": null},
                {"Reference": "XSP770001", "CompanyName": "Fabrikam", "Contact": {"Email": "f@x"}}
            ])
        } else {
            json!([])
        };
        Ok(Some(Payload::Json(
            json!({"data": {"customers": customers}, "pagination": {"totalPages": 1}}),
        )))
    }

    async fn customer(&self, _: &ArrowAccount, reference: &str) -> Result<Option<Payload>> {
        Ok(self.admin.then(|| {
            Payload::Json(json!({"data": {"customers": [{"Reference": reference, "CompanyName": format!("Company {reference}")}]}}))
        }))
    }

    async fn export_types(&self, _: &ArrowAccount) -> Result<Option<Payload>> {
        Ok(self.admin.then(|| {
            Payload::Json(json!({"data": [{"reference": "EXP", "name": "Export", "headers": EXPORT_HEADERS}]}))
        }))
    }

    async fn catalog_programs(&self, _: &ArrowAccount, _: &str) -> Result<Option<Payload>> {
        Ok(self.admin.then(|| {
            Payload::Json(json!({"data": [{"vendorName": "Microsoft"}, {"vendor": "Amazon"}, {"name": null}]}))
        }))
    }

    async fn store_api_key(&self, settings: &Uuid, api_key: Option<&str>) -> Result<Option<()>> {
        if !self.admin {
            return Ok(None);
        }
        let mut keys = self.keys.borrow_mut();
        match api_key {
            Some(k) => keys.insert(settings.to_string(), k.to_owned()),
            None => keys.remove(settings.as_str()),
        };
        Ok(Some(()))
    }

    async fn import_license(&self, import: &LicenseImport) -> Result<Option<Payload>> {
        if !self.admin {
            return Ok(None);
        }
        self.imports.borrow_mut().push(json!(import));
        Ok(Some(Payload::Json(
            json!({"uuid": "dddddddd-0000-4000-8000-000000000001", "name": import.license_name}),
        )))
    }
}

pub struct FixedClock(pub Cell<&'static str>);

impl Clock for FixedClock {
    fn now(&self) -> Result<Timestamp> {
        Timestamp::parse(self.0.get())
    }
}

pub type TestEngine = Engine<RefCell<MemoryStore>, Arrow<FakeArrow>, FixedClock, NoProgress>;

pub fn initial_store() -> MemoryStore {
    let tables = json!({
        "settings": {SETTINGS: {"uuid": SETTINGS, "name": "Arrow", "export_type_reference": "EXP", "currency": "EUR"}},
        "customers": {CUSTOMER: {"uuid": CUSTOMER, "name": "Contoso"}},
        "projects": {PROJECT: {"uuid": PROJECT, "name": "Azure", "customer_uuid": CUSTOMER}},
        "customer_mappings": {MAPPING: {"uuid": MAPPING, "settings_uuid": SETTINGS, "arrow_reference": "XSP661245", "customer_uuid": CUSTOMER}},
        "resources": (1..=3).map(|n| (resource(n), json!({
            "uuid": resource(n), "name": format!("sub-{n}"), "project_uuid": PROJECT, "backend_id": format!("vs-{n}"),
            "state": "OK", "attributes": {"arrow_license_reference": license(n)}
        }))).collect::<serde_json::Map<_, _>>(),
    });
    let tables: serde_json::Map<String, Value> = tables
        .as_object()
        .unwrap()
        .iter()
        .map(|(name, rows)| {
            let rows: Vec<Value> = rows.as_object().unwrap().values().cloned().collect();
            (name.clone(), Value::Array(rows))
        })
        .collect();
    MemoryStore::from_tables(&Value::Object(tables), billsync::engine::tables::check_row).unwrap()
}

pub fn export_row(seq: u32, license: &str, sell: &str, buy: &str, period: &str) -> Value {
    json!([
        "IAAS",
        format!("vs-{seq}"),
        "Contoso",
        "XSP661245",
        sell,
        buy,
        seq.to_string(),
        license,
        "ST-1",
        "Microsoft",
        "Azure plan",
        "1",
        period
    ])
}

pub fn arrow() -> FakeArrow {
    let mut a = FakeArrow {
        per_page: 2,
        ..FakeArrow::default()
    };
    let jan = "2025-01".to_string();
    a.consumption.insert(
        (license(1), jan.clone()),
        vec![
            ("60.00".into(), "50.00".into()),
            ("40.00".into(), "30.00".into()),
        ],
    );
    a.consumption.insert(
        (license(2), jan.clone()),
        vec![("10.00".into(), "8.00".into())],
    );
    a.consumption.insert(
        (license(3), jan.clone()),
        vec![("20.00".into(), "15.00".into())],
    );
    a.export.insert(
        jan.clone(),
        vec![
            export_row(1, &license(1), "90.00", "75.00", "2025-01"),
            export_row(2, &license(1), "5.00", "4.00", "2025-01"),
            export_row(3, &license(2), "€1,010.00", "9.00", "2025-01"),
            export_row(4, &license(3), "20.00", "15.00", "2025-01"),
            export_row(5, "XSP-LICENCE-ONLY", "7.50", "6.00", "2025-01"),
        ],
    );
    a
}

pub fn engine(arrow: FakeArrow) -> TestEngine {
    Engine::new(
        RefCell::new(initial_store()),
        Arrow { api: arrow },
        FixedClock(Cell::new("2025-01-20T10:00:00Z")),
        Zone::UTC,
        NoProgress,
    )
}

pub fn request(method: &str, path: &str, body: Value) -> HttpRequest {
    HttpRequest {
        method: method.into(),
        path: path.into(),
        body,
        user: serde_json::from_value(json!({"is_staff": true})).unwrap(),
        base_url: "https://admin.example".into(),
        ..HttpRequest::default()
    }
}

/// Any method, with a body.
pub fn send(engine: &TestEngine, method: &str, path: &str, body: Value) -> HttpResponse {
    block_on(engine.handle(&request(method, path, body)))
}

pub fn get(engine: &TestEngine, path: &str, query: Value) -> HttpResponse {
    let mut r = request("GET", path, Value::Null);
    r.query = query.as_object().cloned().unwrap_or_default();
    block_on(engine.handle(&r))
}

pub fn post(engine: &TestEngine, path: &str, body: Value) -> HttpResponse {
    block_on(engine.handle(&request("POST", path, body)))
}

pub const SYNCS: &str = "/api/admin/arrow/billing-syncs/";
pub const RECORDS: &str = "/api/admin/arrow/consumption-records/";
