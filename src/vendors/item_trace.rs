//! An item traced to its evidence: `GET /api/admin/billsync/invoice-items/{uuid}/trace/` (our extension,
//! served with the listing by every engine's `handle`). The answer is the chain of the item's source: every
//! item that bills the same money, first what billed it (the provisional item, or the document line), then
//! each compensation in the order it was planned, each with its trace ([`crate::ledger::Trace`]: the
//! operation, the instant, the vendor payload's SHA-256 and the vendor's lines). Staff only, as the listing.

use serde_json::{json, Map, Value};

use super::invoice_items::{BilledKind, PATH};
use crate::engine::{Clock, Host, Progress, Store};
use crate::error::{Error, Result};
use crate::ids::Uuid;
use crate::ledger::{InvoiceItem, Row};
use crate::rest::http::{HttpRequest, HttpResponse};

/// The item uuid of a trace path (`…/invoice-items/{uuid}/trace/`, the slash optional), else None.
pub fn trace_of(path: &str) -> Option<&str> {
    let path = path.split('?').next().unwrap_or("");
    let rest = path.strip_prefix(PATH)?.strip_prefix('/')?;
    let rest = rest.strip_suffix('/').unwrap_or(rest);
    let uuid = rest.strip_suffix("/trace")?;
    (!uuid.is_empty() && !uuid.contains('/')).then_some(uuid)
}

fn not_found(uuid: &str) -> Error {
    Error::not_found(format!("invoice item {uuid}"))
}

/// The chain of the source that the item `uuid` bills.
pub async fn chain<S: Store, C: Clock, P: Progress>(
    host: &Host<S, C, P>,
    uuid: &str,
) -> Result<Value> {
    let id = Uuid::parse(uuid).ok_or_else(|| not_found(uuid))?;
    let Some(stored) = host.store.get(InvoiceItem::TABLE, id.as_str()).await? else {
        return Err(not_found(uuid));
    };
    let item: InvoiceItem = crate::engine::typed(stored)?;
    let mut filters = Map::new();
    filters.insert("source_key".into(), json!(item.source_key));
    let mut items: Vec<InvoiceItem> = host.scan_all(filters).await?;
    // What billed the source first, then its compensations as they were planned.
    crate::sort::sort_by(&mut items, |a, b| {
        a.kind
            .is_compensation()
            .cmp(&b.kind.is_compensation())
            .then_with(|| a.created.cmp(&b.created))
            .then_with(|| a.uuid.cmp(&b.uuid))
    });
    let links = items
        .iter()
        .map(|i| {
            let details = i.details.to_value();
            Ok(json!({
                "uuid": i.uuid,
                "kind": BilledKind::of(i, &details),
                "ledger_kind": i.kind,
                "name": i.name,
                "amount": crate::money::Exact(i.total()?.amount).to_string(),
                "currency": i.currency,
                "customer_uuid": i.customer_uuid,
                "billing_period": i.billing_period,
                "created": i.created,
                "modified": i.modified,
                "trace": details.get("trace").cloned().unwrap_or(Value::Null),
            }))
        })
        .collect::<Result<Vec<Value>>>()?;
    Ok(json!({
        "uuid": item.uuid,
        "source_key": item.source_key,
        "chain": links,
    }))
}

/// Serves a trace path: staff only, GET and HEAD; an unknown item is a 404 with code `not_found`.
pub async fn serve<S: Store, C: Clock, P: Progress>(
    host: &Host<S, C, P>,
    request: &HttpRequest,
    uuid: &str,
) -> HttpResponse {
    if !request.user.as_ref().is_some_and(|u| u.is_staff) {
        return HttpResponse::detail(403, "You do not have permission to perform this action.");
    }
    let method = request.method.to_ascii_uppercase();
    if method != "GET" && method != "HEAD" {
        let mut response = HttpResponse::detail(405, &format!("Method \"{method}\" not allowed."));
        response
            .headers
            .insert("allow".to_owned(), "GET".to_owned());
        return response;
    }
    match chain(host, uuid).await {
        Ok(body) => {
            let mut response = HttpResponse::json(200, body);
            if method == "HEAD" {
                response.body = Value::Null;
            }
            response
        }
        Err(error @ Error::NotFound { .. }) => HttpResponse::json(
            404,
            json!({ "detail": format!("Not found: invoice item {uuid}."), "code": error.code() }),
        ),
        Err(error) => HttpResponse::from_error(&error),
    }
}
