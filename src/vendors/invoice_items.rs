//! What was billed, readable: `GET /api/admin/billsync/invoice-items/` (our extension). One listing of the
//! ledger's invoice items for every vendor, served by every engine's `handle`, so a host that embeds either
//! engine has it. Each item shows its amount, currency, kind, the source it bills, and the owner and reason
//! its details give; filters are the customer, the month, the vendor, the source key and the kind; pages are
//! the other lists' (bare array, `Link`, `X-Result-Count`).
//!
//! The vendor of an item is the vendor of the consumption record whose key it bills, else of a record of the
//! unit it nets off, else (a vendor document's line, or its compensation) the vendor whose documents are
//! billed line by line. An item of a record that was cleaned up since has no vendor left to name (null).

use std::collections::HashMap;

use rust_decimal::Decimal;
use serde::Serialize;
use serde_json::{json, Map, Value};

use crate::engine::{page_of, Clock, Host, Progress, Store};
use crate::error::{Error, Result};
use crate::fields::{choice, integer_in, text, uuid, Fields, Source};
use crate::ids::Uuid;
use crate::ledger::{ConsumptionRecord, InvoiceItem, InvoiceItemKind, SourceKey};
use crate::money::Currency;
use crate::period::Period;
use crate::rest::http::{list_response, HttpRequest, HttpResponse};
use crate::rest::page::{DEFAULT_PAGE_SIZE, INVALID_PAGE, MAX_PAGE_SIZE};
use crate::timestamp::Timestamp;

/// The path of the listing.
pub const PATH: &str = "/api/admin/billsync/invoice-items";

/// The vendors an item can belong to.
const VENDORS: &[&str] = &[super::arrow::VENDOR, super::soracom::VENDOR];
/// The vendor whose final documents are billed line by line (statement lines and their compensations).
const DOCUMENT_VENDOR: &str = super::arrow::VENDOR;
const KINDS: &[&str] = &["provisional", "statement_line", "compensation", "net_off"];

/// What an item is, as the listing shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum BilledKind {
    /// A consumption record's preliminary charge.
    Provisional,
    /// A line of a vendor's final document, billed as it is.
    StatementLine,
    /// The difference between a source's final amount and what was billed for it before.
    Compensation,
    /// A compensation that takes back what another path billed for a unit when its owner changed (its
    /// details name the unit).
    NetOff,
}

impl BilledKind {
    pub(crate) fn of(item: &InvoiceItem, details: &Value) -> BilledKind {
        match item.kind {
            InvoiceItemKind::Provisional => BilledKind::Provisional,
            InvoiceItemKind::StatementLine => BilledKind::StatementLine,
            _ if details.get("unit").is_some_and(|u| !u.is_null()) => BilledKind::NetOff,
            _ => BilledKind::Compensation,
        }
    }

    fn as_str(self) -> &'static str {
        match self {
            BilledKind::Provisional => "provisional",
            BilledKind::StatementLine => "statement_line",
            BilledKind::Compensation => "compensation",
            BilledKind::NetOff => "net_off",
        }
    }
}

/// The listing's query: filters and the page.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct InvoiceItemQuery {
    #[cfg_attr(test, ts(optional))]
    pub customer_uuid: Option<String>,
    /// "YYYY-MM" (a date "YYYY-MM-DD" names its month).
    #[cfg_attr(test, ts(optional))]
    pub billing_period: Option<Period>,
    #[cfg_attr(test, ts(optional, type = "\"arrow\" | \"soracom\""))]
    pub vendor: Option<String>,
    #[cfg_attr(test, ts(optional))]
    pub source_key: Option<String>,
    #[cfg_attr(test, ts(optional, type = "BilledKind"))]
    pub kind: Option<String>,
    #[cfg_attr(test, ts(as = "Option<u32>", optional))]
    pub page: u32,
    #[cfg_attr(test, ts(as = "Option<u32>", optional))]
    pub page_size: u32,
}

/// A month as the other lists take it: "YYYY-MM", or a date of it.
fn month(value: &Value) -> std::result::Result<Period, String> {
    crate::fields::period(value).or_else(|message| {
        crate::fields::date(value)
            .ok()
            .and_then(|d| Period::of_date(d).ok())
            .ok_or(message)
    })
}

pub fn invoice_item_query(input: &Value) -> Result<InvoiceItemQuery> {
    let mut fields = Fields::new(input, Source::Query)?;
    let customer_uuid = fields.optional("customer_uuid", uuid);
    let billing_period = fields.optional("billing_period", month);
    let vendor = fields.optional("vendor", choice(VENDORS));
    let source_key = fields.optional("source_key", text);
    let kind = fields.optional("kind", choice(KINDS));
    let page = fields.optional("page", |v| {
        integer_in(1, i64::from(u32::MAX))(v).map_err(|_| INVALID_PAGE.to_owned())
    });
    let page_size = fields.optional("page_size", integer_in(1, MAX_PAGE_SIZE as i64));
    fields.finish(|| {
        Some(InvoiceItemQuery {
            customer_uuid,
            billing_period,
            vendor,
            source_key,
            kind,
            page: page.and_then(|p| u32::try_from(p).ok()).unwrap_or(1),
            page_size: page_size
                .and_then(|p| u32::try_from(p).ok())
                .unwrap_or(DEFAULT_PAGE_SIZE as u32),
        })
    })
}

/// One invoice item as the listing serves it.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct InvoiceItemView<'a> {
    pub uuid: &'a Uuid,
    /// "arrow" or "soracom"; null when the record it billed is gone.
    #[cfg_attr(test, ts(type = "\"arrow\" | \"soracom\" | null"))]
    pub vendor: Option<&'a str>,
    pub kind: BilledKind,
    /// The kind the ledger stores (a compensation says whether it compensates a record or a document line).
    pub ledger_kind: InvoiceItemKind,
    pub invoice_uuid: &'a Uuid,
    pub customer_uuid: &'a Uuid,
    pub project_uuid: Option<&'a Uuid>,
    pub resource_uuid: Option<&'a Uuid>,
    /// "YYYY-MM": the month of the invoice it is on.
    pub billing_period: Period,
    /// The source it bills: a consumption record's key (`resource|YYYY-MM|source`) or a document line's.
    pub source_key: &'a SourceKey,
    pub name: &'a str,
    /// unit_price × quantity, exact.
    pub amount: String,
    pub unit_price: String,
    pub quantity: String,
    pub currency: Currency,
    /// Who bills the unit's money (from the details), e.g. "consumption records".
    pub owner: Option<String>,
    /// Why the item exists (from the details).
    pub reason: Option<String>,
    /// Everything the details say, free-form.
    #[cfg_attr(test, ts(type = "unknown"))]
    pub details: Value,
    pub created: &'a Timestamp,
    pub modified: &'a Timestamp,
}

fn detail_text(details: &Value, field: &str) -> Option<String> {
    details
        .get(field)
        .and_then(Value::as_str)
        .map(str::to_owned)
}

/// The listing: the items that match, newest month first, then by uuid (a total order, so pages are stable).
pub async fn list<S: Store, C: Clock, P: Progress>(
    host: &Host<S, C, P>,
    query: &InvoiceItemQuery,
    url: &str,
) -> Result<(Vec<Value>, crate::rest::page::Page)> {
    let mut filters = Map::new();
    if let Some(customer) = &query.customer_uuid {
        filters.insert("customer_uuid".into(), json!(customer));
    }
    if let Some(period) = query.billing_period {
        filters.insert("billing_period".into(), json!(period));
    }
    if let Some(key) = &query.source_key {
        filters.insert("source_key".into(), json!(key));
    }
    let mut items: Vec<InvoiceItem> = host.scan_all(filters).await?;
    // Every record: a compensation is on the invoice of the month it was billed in, not its record's.
    let records: Vec<ConsumptionRecord> = host.scan_all(Map::new()).await?;
    let mut by_source: HashMap<SourceKey, &str> = HashMap::with_capacity(records.len());
    let mut by_unit: HashMap<String, &str> = HashMap::with_capacity(records.len());
    for record in &records {
        by_source.insert(record.key().natural_key(), record.vendor.as_str());
        by_unit.insert(
            SourceKey::unit(record.billing_period, &record.source_ref)
                .as_str()
                .to_owned(),
            record.vendor.as_str(),
        );
    }
    let vendor_of = |item: &InvoiceItem, details: &Value| -> Option<&str> {
        by_source.get(&item.source_key).copied().or_else(|| {
            let unit = details.get("unit").and_then(Value::as_str);
            unit.and_then(|u| by_unit.get(u).copied()).or(matches!(
                item.kind,
                InvoiceItemKind::StatementLine | InvoiceItemKind::StatementCompensation
            )
            .then_some(DOCUMENT_VENDOR))
        })
    };
    let mut shown: Vec<(InvoiceItem, Value, BilledKind, Option<&str>)> = Vec::new();
    for item in items.drain(..) {
        let details = item.details.to_value();
        let kind = BilledKind::of(&item, &details);
        let vendor = vendor_of(&item, &details);
        let wanted = query.kind.as_deref().is_none_or(|k| k == kind.as_str())
            && query.vendor.as_deref().is_none_or(|v| vendor == Some(v));
        if wanted {
            shown.push((item, details, kind, vendor));
        }
    }
    crate::sort::sort_by(&mut shown, |a, b| {
        b.0.billing_period
            .cmp(&a.0.billing_period)
            .then_with(|| a.0.uuid.cmp(&b.0.uuid))
    });
    let (page, selected) = page_of(&shown, query.page, query.page_size, url)?;
    let rows = selected
        .iter()
        .map(|(item, details, kind, vendor)| view(item, details, *kind, *vendor))
        .collect::<Result<Vec<Value>>>()?;
    Ok((rows, page))
}

fn exact(amount: Decimal) -> String {
    crate::money::Exact(amount).to_string()
}

fn view(
    item: &InvoiceItem,
    details: &Value,
    kind: BilledKind,
    vendor: Option<&str>,
) -> Result<Value> {
    let view = InvoiceItemView {
        uuid: &item.uuid,
        vendor,
        kind,
        ledger_kind: item.kind,
        invoice_uuid: &item.invoice_uuid,
        customer_uuid: &item.customer_uuid,
        project_uuid: item.project_uuid.as_ref(),
        resource_uuid: item.resource_uuid.as_ref(),
        billing_period: item.billing_period,
        source_key: &item.source_key,
        name: &item.name,
        amount: exact(item.total()?.amount),
        unit_price: exact(item.unit_price),
        quantity: exact(item.quantity),
        currency: item.currency,
        owner: detail_text(details, "owner"),
        reason: detail_text(details, "reason"),
        details: details.clone(),
        created: &item.created,
        modified: &item.modified,
    };
    serde_json::to_value(view).map_err(|e| Error::InvalidPayload {
        payload: "invoice item".to_owned(),
        offset: 0,
        reason: e.to_string(),
    })
}

/// Whether a request's path is the listing's.
pub fn is_listing(path: &str) -> bool {
    let path = path.split('?').next().unwrap_or("");
    path.trim_end_matches('/') == PATH
}

/// The listing's answer when the request is for it (every vendor's routes serve it), else None.
pub async fn extension<S: Store, C: Clock, P: Progress>(
    host: &Host<S, C, P>,
    request: &HttpRequest,
) -> Option<HttpResponse> {
    if is_listing(&request.path) {
        Some(serve(host, request).await)
    } else if let Some(uuid) = super::item_trace::trace_of(&request.path) {
        Some(super::item_trace::serve(host, request, uuid).await)
    } else {
        super::holds::extension(host, request).await
    }
}

/// Serves the listing with the REST conventions of the other lists: staff only, GET and HEAD, a page.
pub async fn serve<S: Store, C: Clock, P: Progress>(
    host: &Host<S, C, P>,
    request: &HttpRequest,
) -> HttpResponse {
    if !request.user.as_ref().is_some_and(|u| u.is_staff) {
        return HttpResponse::detail(403, "You do not have permission to perform this action.");
    }
    let method = request.method.to_ascii_uppercase();
    let head = method == "HEAD";
    if method != "GET" && !head {
        let mut response = HttpResponse::detail(405, &format!("Method \"{method}\" not allowed."));
        response
            .headers
            .insert("allow".to_owned(), "GET".to_owned());
        return response;
    }
    let url = crate::rest::http::request_url(request);
    let result = match invoice_item_query(&Value::Object(request.query.clone())) {
        Ok(query) => list(host, &query, &url).await,
        Err(error) => Err(error),
    };
    match result {
        Ok((rows, page)) => list_response(rows, &page, head),
        Err(error) => HttpResponse::from_error(&error),
    }
}
