//! The engine for JS: the host's objects become the engine's ports, and every operation a Promise.

use std::rc::Rc;

use js_sys::{Function, Promise, Reflect, Uint8Array};
use serde_json::{json, Value};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::{future_to_promise, JsFuture};

use super::args::{check_engine_options, object_arg, optional_object_arg, string_arg};
use super::finite::{check_finite, non_finite_fields};
use super::{js_error, to_js};
use crate::engine::{
    Clock, Engine, HttpRequest, Payload, Progress, ProgressEvent, ScanQuery, Store, StoredRow,
};
use crate::error::{Error, FieldErrors, Result};
use crate::ids::Uuid;
use crate::ledger::changeset::Changeset;
use crate::period::{Period, Zone};
use crate::rest::http::Routes;
use crate::store::ApplyReport;
use crate::timestamp::Timestamp;
use crate::timezone::TimeZone;
use crate::vendors::arrow::validate::Operation;
use crate::vendors::arrow::{Arrow, ArrowAccount, ArrowApi, ExportRequest, LicenseImport};

#[wasm_bindgen(typescript_custom_section)]
const TS_ENGINE: &str = r#"
/** A scan: rows whose id sorts after `after`, in id order, at most `limit`, matching every `where` entry
 * (equality on a top-level field of the row, or any of the values of an array). */
export interface ScanQuery { where?: Record<string, unknown>; after?: string | null; limit: number }
/** A row with the version the store holds it at. `row` may be JSON text (fastest) or an object. */
export interface VersionedRow { id: string; version: number; row: string | Record<string, unknown> }
/** What a commit did. */
export interface ApplyReport { created: number; updated: number; deleted: number; unchanged: number }
/** One write of a changeset, as a store receives it: the row as JSON text. */
export interface HostWrite { op: "put" | "create" | "delete" | "check"; table: TableName | string; id: string; expect: number; key: string; row?: string }
export interface HostChangeset { operation: string; as_of: string; writes: HostWrite[] }
/** What resolveCommit says to do: write each row (JSON text) at its version, or remove it. */
export type CommitEffect = { effect: "write"; table: string; id: string; version: number; row: string } | { effect: "remove"; table: string; id: string };
export interface CommitResolution { effects: CommitEffect[]; report: ApplyReport }
/** Rows of every table with their versions, in id order. */
export type TableContents = Record<string, Array<{ id: string; version: number; row: Record<string, unknown> }>>;
/** What the store conformance kit checks against: produced by the engine's planners, not by hand. */
export interface ConformanceFixtures {
  initial: StoreTables;
  steps: Array<{ name: string; changeset: HostChangeset; report: ApplyReport; after: TableContents }>;
  stale: { after_step: number; changeset: HostChangeset };
  stale_last: HostChangeset;
  /** A changeset whose one write is fine but whose read set (a row it checks) moved after `after_step`. */
  read_set: { after_step: number; changeset: HostChangeset };
  final: TableContents;
  scans: Array<{ table: TableName; query: ScanQuery; ids: string[] }>;
}
type MaybePromise<T> = T | Promise<T>;
/** The host's persistence: versioned rows in named tables. `commit` applies a changeset all or nothing,
 * with `resolveCommit` inside its transaction, and throws its `conflict` error when a row moved. */
export interface BillsyncStore {
  get(table: TableName, id: string): MaybePromise<{ version: number; row: string | Record<string, unknown> } | null | undefined>;
  scan(table: TableName, query: ScanQuery): MaybePromise<VersionedRow[]>;
  commit(changeset: HostChangeset): MaybePromise<ApplyReport>;
}
/** Arrow's REST calls; each returns Arrow's raw payload as JSON text (fastest), bytes or an object. */
export interface ArrowAdapter {
  billingExport(args: { exportTypeReference: string; periodFrom: string; periodTo: string; page: number }): MaybePromise<string | Uint8Array | object>;
  consumption(args: { licenseReference: string; periodStart: string; periodEnd: string }): MaybePromise<string | Uint8Array | object>;
  license(args: { licenseReference: string }): MaybePromise<string | Uint8Array | object>;
  licenses(args: { page: number; perPage: number }): MaybePromise<string | Uint8Array | object>;
  /** Optional: Arrow's statements of a month with their status ("Open", "Needs Validation", "Fulfilled",
   * "Rejected"), as `{ data: { statements: [{ reference, status, period? }] } }`. Without it, the export's
   * "Statement Status" column, or else the settings' validation rule, decides when a statement is validated. */
  statements?(args: { period: string }): MaybePromise<string | Uint8Array | object>;
  /** Optional calls of the admin API's setup (each missing one answers 501 naming it). `account` is a stored
   * settings row's (no `apiKey`: use the key the host holds for `settingsUuid`) or credentials a request gave. */
  whoami?(account: ArrowAccount): MaybePromise<string | Uint8Array | object>;
  customers?(args: ArrowAccount & { page: number; perPage: number }): MaybePromise<string | Uint8Array | object>;
  customer?(args: ArrowAccount & { reference: string }): MaybePromise<string | Uint8Array | object>;
  exportTypes?(account: ArrowAccount): MaybePromise<string | Uint8Array | object>;
  catalogPrograms?(args: ArrowAccount & { category: string }): MaybePromise<string | Uint8Array | object>;
}
/** Whose Arrow account a call is for. */
export interface ArrowAccount { settingsUuid: string | null; apiUrl: string; apiKey?: string }
/** The host's side of the admin API: what only the host may hold or create. */
export interface ArrowHost {
  /** Keep `apiKey` as the key of the settings (null: forget it). billsync stores no key. */
  storeApiKey?(args: { settingsUuid: string; apiKey: string | null }): MaybePromise<unknown>;
  /** Create a resource for an Arrow licence (backend_id and the `licenseAttribute` attribute set to it) and
   * answer the row created ({ uuid, name, ... }). */
  importLicense?(args: { licenseReference: string; licenseName: string; offeringUuid: string; projectUuid: string;
    customerUuid: string; licenseAttribute: string }): MaybePromise<string | object>;
}
/** A step of a long operation. */
export interface ProgressEventInfo { operation: string; done: number; total: number; message: string }
export interface ArrowEngineOptions {
  arrow: ArrowAdapter;
  /** The key store and resource creation of the admin API (optional: without them those calls answer 501). */
  host?: ArrowHost;
  store: BillsyncStore;
  /** "now", as an RFC 3339 instant (or a Date). */
  clock: { now(): string | Date };
  /** "UTC" (default), a fixed offset such as "+02:00", or an IANA zone such as "Europe/Berlin" (resolved
   * through the host's Intl.DateTimeFormat at each instant, daylight saving time included): decides which
   * month "now" is in. */
  timezone?: string;
  onProgress?: (event: ProgressEventInfo) => void;
  /** The base URL of `url` fields when a call gives none. */
  baseUrl?: string;
}
/** A REST request as the host's HTTP server received it. */
export interface BillsyncHttpRequest {
  method: string;
  path: string;
  query?: Record<string, string | string[]>;
  body?: unknown;
  headers?: Record<string, string>;
  user?: { is_staff?: boolean } | null;
  baseUrl?: string;
}
export interface BillsyncHttpResponse { status: number; headers: Record<string, string>; body: unknown }
"#;

fn message_of(error: &JsValue) -> String {
    if let Some(e) = error.dyn_ref::<js_sys::Error>() {
        return String::from(e.message());
    }
    error.as_string().unwrap_or_else(|| format!("{error:?}"))
}

/// A JS call that threw or rejected: its message, and its `code` if it has one (a BillsyncError's).
struct JsFailure {
    message: String,
    code: Option<String>,
    /// The error says "not found": `status: 404`, or a code ending in `not_found`.
    not_found: bool,
}

impl From<JsFailure> for String {
    fn from(failure: JsFailure) -> String {
        failure.message
    }
}

fn failure_of(error: &JsValue) -> JsFailure {
    let code = Reflect::get(error, &JsValue::from_str("code"))
        .ok()
        .and_then(|c| c.as_string());
    let status = Reflect::get(error, &JsValue::from_str("status"))
        .ok()
        .and_then(|s| s.as_f64());
    JsFailure {
        message: message_of(error),
        not_found: status == Some(404.0)
            || code.as_deref().is_some_and(|c| c.ends_with("not_found")),
        code,
    }
}

/// Calls `object[method](...args)` and awaits whatever it returns (a value or a Promise).
async fn call(
    object: &JsValue,
    method: &str,
    args: &[JsValue],
) -> std::result::Result<JsValue, JsFailure> {
    let function: Function = Reflect::get(object, &JsValue::from_str(method))
        .ok()
        .and_then(|f| f.dyn_into().ok())
        .ok_or_else(|| JsFailure {
            message: format!("{method} is not a function"),
            code: None,
            not_found: false,
        })?;
    let array: js_sys::Array = args.iter().collect();
    let returned = function.apply(object, &array).map_err(|e| failure_of(&e))?;
    JsFuture::from(Promise::resolve(&returned))
        .await
        .map_err(|e| failure_of(&e))
}

fn plain(value: &Value) -> Result<JsValue> {
    to_js(value).map_err(|e| Error::InvalidPayload {
        payload: "adapter arguments".into(),
        offset: 0,
        reason: message_of(&e),
    })
}

/// The host's store object.
pub(crate) struct JsStore(JsValue);

fn store_failed(method: &str, message: impl Into<String>) -> Error {
    Error::StoreFailed {
        call: format!("store.{method}"),
        message: message.into(),
    }
}

/// A row from the host: JSON text (what a database store holds, the fast path) or an object.
pub(crate) fn row_of(value: JsValue, method: &str) -> Result<Value> {
    if let Some(text) = value.as_string() {
        return serde_json::from_str(&text).map_err(|e| store_failed(method, e.to_string()));
    }
    serde_wasm_bindgen::from_value(value).map_err(|e| store_failed(method, e.to_string()))
}

/// `{ id?, version, row }` as a host store returns it.
fn stored_row_of(value: &JsValue, id: Option<&str>, method: &str) -> Result<StoredRow> {
    let field =
        |name: &str| Reflect::get(value, &JsValue::from_str(name)).unwrap_or(JsValue::UNDEFINED);
    let version = field("version")
        .as_f64()
        .filter(|v| v.fract() == 0.0 && *v >= 0.0 && *v <= 9_007_199_254_740_991.0)
        .ok_or_else(|| store_failed(method, "a row needs a non-negative integer version"))?;
    let id = match id {
        Some(id) => id.to_owned(),
        None => field("id")
            .as_string()
            .ok_or_else(|| store_failed(method, "a scanned row needs its id as a string"))?,
    };
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    Ok(StoredRow {
        id,
        version: version as u64,
        row: row_of(field("row"), method)?,
    })
}

impl JsStore {
    async fn call(&self, method: &str, args: &[JsValue]) -> Result<JsValue> {
        call(&self.0, method, args).await.map_err(|failure| {
            // A store that refuses a stale changeset throws a `conflict` (resolveCommit's BillsyncError, or
            // its own error with that code): the engine must see a conflict, so that it re-plans.
            if failure.code.as_deref() == Some("conflict") {
                Error::Conflict {
                    reason: failure.message,
                }
            } else {
                store_failed(method, failure.message)
            }
        })
    }
}

impl Store for JsStore {
    async fn get(&self, table: &str, id: &str) -> Result<Option<StoredRow>> {
        let value = self
            .call("get", &[JsValue::from_str(table), JsValue::from_str(id)])
            .await?;
        if value.is_undefined() || value.is_null() {
            return Ok(None);
        }
        stored_row_of(&value, Some(id), "get").map(Some)
    }

    async fn scan(&self, table: &str, query: &ScanQuery) -> Result<Vec<StoredRow>> {
        let rows = self
            .call("scan", &[JsValue::from_str(table), plain(&json!(query))?])
            .await?;
        if rows.is_undefined() || rows.is_null() {
            return Ok(Vec::new());
        }
        if !js_sys::Array::is_array(&rows) {
            return Err(store_failed("scan", "scan must return an array of rows"));
        }
        js_sys::Array::from(&rows)
            .iter()
            .map(|row| stored_row_of(&row, None, "scan"))
            .collect()
    }

    async fn commit(&self, changeset: &Changeset) -> Result<ApplyReport> {
        let report = self
            .call("commit", &[plain(&changeset.to_host_json())?])
            .await?;
        if report.is_undefined() || report.is_null() {
            return Ok(ApplyReport::default());
        }
        serde_wasm_bindgen::from_value(report).map_err(|e| store_failed("commit", e.to_string()))
    }
}

/// What a vendor adapter's method returned: the payload as text (a string, or UTF-8 bytes) or as a value;
/// `Ok(None)` when it answered null or undefined. A thrown error with `status: 404` or a `code` ending in
/// `not_found` is also `Ok(None)` when `absent_is_none` (a vendor's "there is no such bill").
pub(crate) async fn vendor_payload(
    adapter: &JsValue,
    vendor: &str,
    method: &str,
    args: &[Value],
    absent_is_none: bool,
) -> Result<Option<Payload>> {
    let failed = |message: String| Error::AdapterFailed {
        call: format!("{vendor}.{method}"),
        message,
    };
    let args = args.iter().map(plain).collect::<Result<Vec<_>>>()?;
    let value = match call(adapter, method, &args).await {
        Ok(value) => value,
        Err(f) if absent_is_none && f.not_found => return Ok(None),
        Err(f) => return Err(failed(f.message)),
    };
    if value.is_null() || value.is_undefined() {
        return if absent_is_none {
            Ok(None)
        } else {
            Err(failed("the adapter returned nothing".into()))
        };
    }
    if let Some(text) = value.as_string() {
        return Ok(Some(Payload::Text(text)));
    }
    if let Some(bytes) = value.dyn_ref::<Uint8Array>() {
        return String::from_utf8(bytes.to_vec())
            .map(|t| Some(Payload::Text(t)))
            .map_err(|e| failed(format!("the payload is not UTF-8: {e}")));
    }
    serde_wasm_bindgen::from_value(value)
        .map(|v| Some(Payload::Json(v)))
        .map_err(|e| failed(format!("the payload is not JSON: {e}")))
}

/// The host's Arrow adapter, and its optional `host` object (the key store and the import of licences).
struct JsArrow(JsValue, JsValue);

/// The account's fields (`settingsUuid`, `apiUrl`, `apiKey`?) and a call's own arguments, as one object.
fn account_args<const N: usize>(account: &ArrowAccount, extra: [(&str, Value); N]) -> Value {
    let mut args = match json!(account) {
        Value::Object(map) => map,
        _ => serde_json::Map::new(),
    };
    for (key, value) in extra {
        args.insert(key.to_owned(), value);
    }
    Value::Object(args)
}

fn has_function(object: &JsValue, method: &str) -> bool {
    object.is_object()
        && Reflect::get(object, &JsValue::from_str(method)).is_ok_and(|f| f.is_function())
}

impl JsArrow {
    /// An optional call: None when the object has no such function.
    async fn optional(&self, on_host: bool, method: &str, args: Value) -> Result<Option<Payload>> {
        let (object, label) = if on_host {
            (&self.1, "host")
        } else {
            (&self.0, "arrow")
        };
        if !has_function(object, method) {
            return Ok(None);
        }
        vendor_payload(object, label, method, &[args], false).await
    }

    async fn payload(&self, method: &str, args: Value) -> Result<Payload> {
        vendor_payload(&self.0, "arrow", method, &[args], false)
            .await?
            .ok_or_else(|| Error::AdapterFailed {
                call: format!("arrow.{method}"),
                message: "the adapter returned nothing".into(),
            })
    }
}

impl ArrowApi for JsArrow {
    async fn billing_export(&self, request: &ExportRequest) -> Result<Payload> {
        self.payload("billingExport", json!(request)).await
    }

    async fn consumption(
        &self,
        license_reference: &str,
        start: Period,
        end: Period,
    ) -> Result<Payload> {
        self.payload(
            "consumption",
            json!({ "licenseReference": license_reference, "periodStart": start, "periodEnd": end }),
        )
        .await
    }

    /// A thrown `status: 404` (or a `code` ending in `not_found`) is Arrow's "no such licence": a
    /// `not_found` naming it, not an adapter failure.
    async fn license(&self, license_reference: &str) -> Result<Payload> {
        let args = json!({ "licenseReference": license_reference });
        vendor_payload(&self.0, "arrow", "license", &[args], true)
            .await?
            .ok_or_else(|| Error::not_found(format!("Arrow licence {license_reference:?}")))
    }

    async fn licenses(&self, page: u32, per_page: u32) -> Result<Payload> {
        self.payload("licenses", json!({ "page": page, "perPage": per_page }))
            .await
    }

    /// Optional: called only when the host's adapter has a `statements` function.
    async fn statements(&self, period: Period) -> Result<Option<Payload>> {
        self.optional(false, "statements", json!({ "period": period }))
            .await
    }

    async fn whoami(&self, account: &ArrowAccount) -> Result<Option<Payload>> {
        self.optional(false, "whoami", json!(account)).await
    }

    async fn customers(
        &self,
        account: &ArrowAccount,
        page: u32,
        per_page: u32,
    ) -> Result<Option<Payload>> {
        let args = account_args(
            account,
            [("page", json!(page)), ("perPage", json!(per_page))],
        );
        self.optional(false, "customers", args).await
    }

    async fn customer(&self, account: &ArrowAccount, reference: &str) -> Result<Option<Payload>> {
        let args = account_args(account, [("reference", json!(reference))]);
        self.optional(false, "customer", args).await
    }

    async fn export_types(&self, account: &ArrowAccount) -> Result<Option<Payload>> {
        self.optional(false, "exportTypes", json!(account)).await
    }

    async fn catalog_programs(
        &self,
        account: &ArrowAccount,
        category: &str,
    ) -> Result<Option<Payload>> {
        let args = account_args(account, [("category", json!(category))]);
        self.optional(false, "catalogPrograms", args).await
    }

    /// `host.storeApiKey({ settingsUuid, apiKey })`; whatever it returns, the key is the host's now.
    async fn store_api_key(&self, settings: &Uuid, api_key: Option<&str>) -> Result<Option<()>> {
        if !has_function(&self.1, "storeApiKey") {
            return Ok(None);
        }
        let args = plain(&json!({ "settingsUuid": settings, "apiKey": api_key }))?;
        call(&self.1, "storeApiKey", &[args])
            .await
            .map(|_| Some(()))
            .map_err(|f| Error::AdapterFailed {
                call: "host.storeApiKey".into(),
                message: f.message,
            })
    }

    async fn import_license(&self, import: &LicenseImport) -> Result<Option<Payload>> {
        self.optional(true, "importLicense", json!(import)).await
    }
}

/// The host's clock.
pub(crate) struct JsClock(JsValue);

impl Clock for JsClock {
    fn now(&self) -> Result<Timestamp> {
        let failed = |message: String| Error::AdapterFailed {
            call: "clock.now".into(),
            message,
        };
        let function: Function = Reflect::get(&self.0, &JsValue::from_str("now"))
            .ok()
            .and_then(|f| f.dyn_into().ok())
            .ok_or_else(|| failed("now is not a function".into()))?;
        let value = function
            .call0(&self.0)
            .map_err(|e| failed(message_of(&e)))?;
        let text = match value.dyn_ref::<js_sys::Date>() {
            Some(date) => String::from(date.to_iso_string()),
            None => value
                .as_string()
                .ok_or_else(|| failed("now() must return an RFC 3339 string or a Date".into()))?,
        };
        Timestamp::parse(&text)
    }

    fn offset_at(&self, zone: &str, at: Timestamp) -> Result<Zone> {
        super::timezones::intl_offset(zone, at)
    }
}

/// The host's progress callback; its own errors are ignored, progress never fails an operation.
pub(crate) struct JsProgress(Option<Function>);

impl Progress for JsProgress {
    fn report(&self, event: &ProgressEvent) {
        if let (Some(f), Ok(value)) = (&self.0, to_js(event)) {
            let _ = f.call1(&JsValue::NULL, &value);
        }
    }
}

type HostEngine = Engine<JsStore, Arrow<JsArrow>, JsClock, JsProgress>;

/// billsync's Arrow engine, over the host's adapters.
#[wasm_bindgen(js_name = ArrowEngine)]
pub struct JsArrowEngine {
    inner: Rc<HostEngine>,
    base_url: String,
}

/// What every engine's options give: the vendor's adapter, the store, the clock, the zone, the progress
/// callback and the base URL of `url` fields. Every problem is reported at once.
pub(crate) struct HostOptions {
    pub vendor: JsValue,
    pub store: JsStore,
    pub clock: JsClock,
    pub zone: TimeZone,
    pub progress: JsProgress,
    pub base_url: String,
}

impl HostOptions {
    pub fn read(
        options: &JsValue,
        port: &str,
        methods: &[&str],
    ) -> std::result::Result<HostOptions, JsValue> {
        check_engine_options(options, port)?;
        let mut fields = FieldErrors::new();
        let vendor = require_methods(options, port, methods, &mut fields);
        let store = require_methods(options, "store", &["get", "scan", "commit"], &mut fields);
        let clock = require_methods(options, "clock", &["now"], &mut fields);
        // A name is checked against the host's zones now, so a typo fails the constructor, not a sync.
        let zone = match string_option(options, "timezone").map(|tz| {
            let zone = TimeZone::parse(&tz)?;
            zone.at(Timestamp::EPOCH, &super::timezones::IntlRules)?;
            Ok::<_, Error>(zone)
        }) {
            Some(Ok(zone)) => zone,
            Some(Err(e)) => {
                let messages = match e.fields() {
                    Some(given) => given.values().flatten().cloned().collect(),
                    None => vec![e.to_string()],
                };
                fields
                    .entry("timezone".into())
                    .or_default()
                    .extend(messages);
                TimeZone::default()
            }
            None => TimeZone::default(),
        };
        let progress = Reflect::get(options, &JsValue::from_str("onProgress"))
            .ok()
            .and_then(|f| f.dyn_into::<Function>().ok());
        if !fields.is_empty() {
            return Err(js_error(&Error::Validation { fields }));
        }
        Ok(HostOptions {
            vendor,
            store: JsStore(store),
            clock: JsClock(clock),
            zone,
            progress: JsProgress(progress),
            base_url: string_option(options, "baseUrl").unwrap_or_default(),
        })
    }
}

/// `engine.handle(request)` for JS, for either vendor's engine: the request checked, the response plain JS.
pub(crate) fn serve_promise<R: Routes + 'static>(
    engine: Rc<R>,
    default_base: String,
    request: JsValue,
) -> Promise {
    future_to_promise(async move {
        let request = host_request(request, default_base)?;
        to_js(&crate::rest::http::serve(&*engine, &request).await)
    })
}

/// One operation run on its input (null: no fields), for an engine's per-operation JS method.
pub(crate) fn run_promise<R: Routes + 'static>(
    engine: Rc<R>,
    base: String,
    operation: R::Operation,
    input: std::result::Result<Value, JsValue>,
) -> Promise
where
    R::Operation: 'static,
{
    future_to_promise(async move {
        let input = input?;
        let input = if input.is_null() { json!({}) } else { input };
        let result = crate::rest::http::run_operation(&*engine, operation, &input, &base, &base)
            .await
            .map_err(|e| js_error(&e))?;
        to_js(&result.body)
    })
}

/// A REST request from the host, checked; its base URL defaults to the engine's.
pub(crate) fn host_request(
    request: JsValue,
    default_base: String,
) -> std::result::Result<HttpRequest, JsValue> {
    let mut non_finite = FieldErrors::new();
    for part in ["query", "body"] {
        let value = Reflect::get(&request, &JsValue::from_str(part)).unwrap_or(JsValue::UNDEFINED);
        non_finite.extend(non_finite_fields(&value));
    }
    let mut request: HttpRequest = object_arg(request, "request", REQUEST).and_then(|v| {
        serde_json::from_value(normalize_query(v)).map_err(|e| {
            js_error(&Error::InvalidArgument {
                argument: "request".into(),
                expected: REQUEST.into(),
                got: format!("an object that is not one ({e})"),
            })
        })
    })?;
    if request.base_url.is_empty() {
        request.base_url = default_base;
    }
    request.non_finite = non_finite;
    Ok(request)
}

pub(crate) fn require_methods(
    options: &JsValue,
    port: &str,
    methods: &[&str],
    fields: &mut FieldErrors,
) -> JsValue {
    let object = Reflect::get(options, &JsValue::from_str(port)).unwrap_or(JsValue::UNDEFINED);
    if !object.is_object() {
        fields
            .entry(port.to_owned())
            .or_default()
            .push("This adapter is required.".into());
        return object;
    }
    for method in methods {
        let f = Reflect::get(&object, &JsValue::from_str(method)).unwrap_or(JsValue::UNDEFINED);
        if !f.is_function() {
            fields
                .entry(port.to_owned())
                .or_default()
                .push(format!("{port}.{method} must be a function."));
        }
    }
    object
}

pub(crate) fn string_option(options: &JsValue, key: &str) -> Option<String> {
    Reflect::get(options, &JsValue::from_str(key))
        .ok()
        .and_then(|v| v.as_string())
}

#[wasm_bindgen(js_class = ArrowEngine)]
impl JsArrowEngine {
    /// `new ArrowEngine({ arrow, store, clock, timezone, onProgress, baseUrl })`.
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(unchecked_param_type = "ArrowEngineOptions")] options: JsValue,
    ) -> std::result::Result<JsArrowEngine, JsValue> {
        let host = HostOptions::read(
            &options,
            "arrow",
            &["billingExport", "consumption", "license", "licenses"],
        )?;
        Ok(JsArrowEngine {
            inner: Rc::new(Engine::new(
                host.store,
                Arrow {
                    api: JsArrow(
                        host.vendor,
                        Reflect::get(&options, &JsValue::from_str("host"))
                            .unwrap_or(JsValue::UNDEFINED),
                    ),
                },
                host.clock,
                host.zone,
                host.progress,
            )),
            base_url: host.base_url,
        })
    }

    /// Serves one REST request of the admin API: `{ status, headers, body }`. Errors are responses (400,
    /// 403, 404, 405, 413, 502…); it rejects only when `request` is not a request object
    /// (`invalid_argument`).
    #[wasm_bindgen(unchecked_return_type = "Promise<BillsyncHttpResponse>")]
    pub fn handle(
        &self,
        #[wasm_bindgen(unchecked_param_type = "BillsyncHttpRequest")] request: JsValue,
    ) -> Promise {
        serve_promise(Rc::clone(&self.inner), self.base_url.clone(), request)
    }

    /// The FOCUS 1.4 export of a billing period's invoice items (both vendors), streamed to
    /// `options.onChunk` a page at a time; resolves to what it wrote. Progress goes to `onProgress` as
    /// `focus_export`.
    #[wasm_bindgen(js_name = focusExport, unchecked_return_type = "Promise<FocusExportSummary>")]
    pub fn focus_export(
        &self,
        #[wasm_bindgen(unchecked_param_type = "FocusExportOptions")] options: JsValue,
    ) -> Promise {
        super::focus::focus_promise(
            Rc::clone(&self.inner) as Rc<dyn super::focus::FocusHost>,
            crate::vendors::arrow::VENDOR,
            options,
        )
    }

    pub(crate) fn operation(&self, operation: Operation, input: JsValue) -> Promise {
        let argument = match operation.method() {
            crate::rest::http::Method::Get => "query",
            _ => "body",
        };
        run_promise(
            Rc::clone(&self.inner),
            self.base_url.clone(),
            operation,
            check_finite(&input)
                .and_then(|()| optional_object_arg(input, argument, "an object, or null")),
        )
    }

    #[wasm_bindgen(js_name = listBillingSyncs, unchecked_return_type = "Promise<Array<BillingSyncView>>")]
    pub fn list_billing_syncs(
        &self,
        #[wasm_bindgen(unchecked_optional_param_type = "BillingSyncQuery | null")] query: JsValue,
    ) -> Promise {
        self.operation(Operation::BillingSyncsList, query)
    }

    /// One billing sync. Rejects with `not_found` when the store has none with that uuid (it never
    /// resolves to null).
    #[wasm_bindgen(js_name = retrieveBillingSync, unchecked_return_type = "Promise<BillingSyncView>")]
    pub fn retrieve_billing_sync(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] uuid: JsValue,
    ) -> Promise {
        match uuid_input(&uuid) {
            Ok(input) => self.operation(Operation::BillingSyncsRetrieve, input),
            Err(error) => Promise::reject(&error),
        }
    }

    #[wasm_bindgen(js_name = pauseSync, unchecked_return_type = "Promise<SyncPaused>")]
    pub fn pause_sync(
        &self,
        #[wasm_bindgen(unchecked_optional_param_type = "SyncPauseRequest | null")] body: JsValue,
    ) -> Promise {
        self.operation(Operation::PauseSync, body)
    }

    #[wasm_bindgen(js_name = resumeSync, unchecked_return_type = "Promise<SyncResumed>")]
    pub fn resume_sync(
        &self,
        #[wasm_bindgen(unchecked_optional_param_type = "SyncPauseRequest | null")] body: JsValue,
    ) -> Promise {
        self.operation(Operation::ResumeSync, body)
    }

    #[wasm_bindgen(unchecked_return_type = "Promise<StatementReconciliationResponse>")]
    pub fn reconcile(
        &self,
        #[wasm_bindgen(unchecked_param_type = "ReconciliationRequest & DryRunOption")]
        body: JsValue,
    ) -> Promise {
        self.operation(Operation::Reconcile, body)
    }

    #[wasm_bindgen(js_name = triggerConsumptionSync, unchecked_return_type = "Promise<ConsumptionSyncResponse>")]
    pub fn trigger_consumption_sync(
        &self,
        #[wasm_bindgen(unchecked_param_type = "ConsumptionSyncRequest & DryRunOption")]
        body: JsValue,
    ) -> Promise {
        self.operation(Operation::TriggerConsumptionSync, body)
    }

    #[wasm_bindgen(js_name = triggerReconciliation, unchecked_return_type = "Promise<ConsumptionReconciliationResponse>")]
    pub fn trigger_reconciliation(
        &self,
        #[wasm_bindgen(unchecked_param_type = "ReconciliationRequest & DryRunOption")]
        body: JsValue,
    ) -> Promise {
        self.operation(Operation::TriggerReconciliation, body)
    }

    #[wasm_bindgen(js_name = triggerSync, unchecked_return_type = "Promise<StatementSyncResponse>")]
    pub fn trigger_sync(
        &self,
        #[wasm_bindgen(unchecked_param_type = "StatementSyncRequest & DryRunOption")] body: JsValue,
    ) -> Promise {
        self.operation(Operation::TriggerSync, body)
    }

    #[wasm_bindgen(js_name = consumptionStatistics, unchecked_return_type = "Promise<ConsumptionStatistics>")]
    pub fn consumption_statistics(&self) -> Promise {
        self.operation(Operation::ConsumptionStatistics, JsValue::NULL)
    }

    #[wasm_bindgen(js_name = consumptionStatus, unchecked_return_type = "Promise<ConsumptionStatus>")]
    pub fn consumption_status(&self) -> Promise {
        self.operation(Operation::ConsumptionStatus, JsValue::NULL)
    }

    #[wasm_bindgen(js_name = pendingRecords, unchecked_return_type = "Promise<Array<PendingRecordView>>")]
    pub fn pending_records(
        &self,
        #[wasm_bindgen(unchecked_optional_param_type = "BillingSyncQuery | null")] query: JsValue,
    ) -> Promise {
        self.operation(Operation::PendingRecords, query)
    }

    #[wasm_bindgen(js_name = fetchBillingExport, unchecked_return_type = "Promise<BillingExportResponse>")]
    pub fn fetch_billing_export(
        &self,
        #[wasm_bindgen(unchecked_param_type = "BillingExportRequest")] body: JsValue,
    ) -> Promise {
        self.operation(Operation::FetchBillingExport, body)
    }

    #[wasm_bindgen(js_name = fetchConsumption, unchecked_return_type = "Promise<ConsumptionFetchResponse>")]
    pub fn fetch_consumption(
        &self,
        #[wasm_bindgen(unchecked_param_type = "ConsumptionFetchRequest")] body: JsValue,
    ) -> Promise {
        self.operation(Operation::FetchConsumption, body)
    }

    #[wasm_bindgen(js_name = fetchLicenseInfo, unchecked_return_type = "Promise<LicenseInfoResponse>")]
    pub fn fetch_license_info(
        &self,
        #[wasm_bindgen(unchecked_param_type = "LicenseInfoRequest")] body: JsValue,
    ) -> Promise {
        self.operation(Operation::FetchLicenseInfo, body)
    }

    #[wasm_bindgen(js_name = syncResourceHistoricalConsumption, unchecked_return_type = "Promise<HistoricalConsumptionResponse>")]
    pub fn sync_resource_historical_consumption(
        &self,
        #[wasm_bindgen(unchecked_param_type = "HistoricalConsumptionRequest & DryRunOption")] body: JsValue,
    ) -> Promise {
        self.operation(Operation::SyncResourceHistoricalConsumption, body)
    }

    #[wasm_bindgen(js_name = syncResources, unchecked_return_type = "Promise<ResourceSyncResponse>")]
    pub fn sync_resources(
        &self,
        #[wasm_bindgen(
            unchecked_optional_param_type = "(ResourceSyncRequest & DryRunOption) | null"
        )]
        body: JsValue,
    ) -> Promise {
        self.operation(Operation::SyncResources, body)
    }

    #[wasm_bindgen(js_name = cleanupConsumption, unchecked_return_type = "Promise<CleanupResponse>")]
    pub fn cleanup_consumption(
        &self,
        #[wasm_bindgen(unchecked_optional_param_type = "CleanupConsumptionRequest | null")]
        body: JsValue,
    ) -> Promise {
        self.operation(Operation::CleanupConsumption, body)
    }

    #[wasm_bindgen(js_name = listConsumptionRecords, unchecked_return_type = "Promise<Array<ConsumptionRecordView>>")]
    pub fn list_consumption_records(
        &self,
        #[wasm_bindgen(unchecked_optional_param_type = "ConsumptionRecordQuery | null")]
        query: JsValue,
    ) -> Promise {
        self.operation(Operation::ConsumptionRecordsList, query)
    }

    /// One of Arrow's consumption records. Rejects with `not_found` when the store has no Arrow record with
    /// that uuid (it never resolves to null).
    #[wasm_bindgen(js_name = retrieveConsumptionRecord, unchecked_return_type = "Promise<ConsumptionRecordView>")]
    pub fn retrieve_consumption_record(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] uuid: JsValue,
    ) -> Promise {
        match uuid_input(&uuid) {
            Ok(input) => self.operation(Operation::ConsumptionRecordsRetrieve, input),
            Err(error) => Promise::reject(&error),
        }
    }
}

/// `{ uuid }` for a retrieve.
pub(crate) fn uuid_input(uuid: &JsValue) -> std::result::Result<JsValue, JsValue> {
    to_js(&json!({ "uuid": string_arg(uuid, "uuid")? }))
}

pub(crate) const REQUEST: &str = "a request object { method, path, query?, body?, user? }";

/// Query strings may repeat a parameter (an array): the last value wins, as Django's QueryDict.get does.
pub(crate) fn normalize_query(mut request: Value) -> Value {
    if let Some(query) = request.get_mut("query").and_then(Value::as_object_mut) {
        for value in query.values_mut() {
            if let Value::Array(values) = value {
                *value = values.last().cloned().unwrap_or(Value::Null);
            }
        }
    }
    request
}
