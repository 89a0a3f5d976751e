//! Reversing a compensation, and holds, over REST (our extension; the rule is [`crate::ledger::hold`]):
//!
//! - `POST /api/admin/billsync/invoice-items/{uuid}/reverse/` `{reason, dry_run?}`: an item of the opposite
//!   amount, and the item's source held;
//! - `POST /api/admin/billsync/sources/{key}/release/` `{dry_run?}` (the source key URL-encoded): the hold
//!   released, so the next reconciliation bills final − billed, once;
//! - `GET /api/admin/billsync/holds/` (`?held=false` for released ones): held sources, with who held them,
//!   why and when.
//!
//! Served by every engine's `handle`, as the invoice-item listing is; staff only. Who holds or releases is
//! the request's user (its username, else its uuid).

use serde_json::{json, Map, Value};

use crate::engine::{outcome, page_of, Clock, Host, Progress, Store};
use crate::error::{Error, Result};
use crate::fields::{boolean, integer_in, text, Fields, Source};
use crate::ledger::hold::{plan_release, plan_reverse, HoldContext};
use crate::ledger::{seal, HoldRow, InvoiceItem, SourceKey, SourceRow, UnitRow};
use crate::rest::http::{dry_run_of, list_response, HttpRequest, HttpResponse};
use crate::rest::page::{DEFAULT_PAGE_SIZE, INVALID_PAGE, MAX_PAGE_SIZE};

const ITEMS: &str = "/api/admin/billsync/invoice-items/";
const SOURCES: &str = "/api/admin/billsync/sources/";
/// The path of the holds listing.
pub const HOLDS: &str = "/api/admin/billsync/holds";

enum Route {
    Reverse(String),
    Release(SourceKey),
    Holds,
}

/// `{prefix}{segment}/{action}[/]`: the segment, as written.
fn segment<'p>(path: &'p str, prefix: &str, action: &str) -> Option<&'p str> {
    let rest = path.strip_prefix(prefix)?.trim_end_matches('/');
    let (segment, tail) = rest.rsplit_once('/')?;
    (tail == action && !segment.is_empty() && !segment.contains('/')).then_some(segment)
}

fn route(path: &str) -> Option<Route> {
    let path = path.split('?').next().unwrap_or("");
    if path.trim_end_matches('/') == HOLDS {
        return Some(Route::Holds);
    }
    if let Some(uuid) = segment(path, ITEMS, "reverse") {
        return Some(Route::Reverse(uuid.to_owned()));
    }
    // A path segment: `+` is itself, `%XX` a byte (a source key holds `|`, and may hold spaces or `/`).
    segment(path, SOURCES, "release").map(|key| {
        Route::Release(SourceKey::from_text(&crate::rest::page::decode(
            &key.replace('+', "%2B"),
        )))
    })
}

/// The answer when the request is for one of these routes, else None.
pub async fn extension<S: Store, C: Clock, P: Progress>(
    host: &Host<S, C, P>,
    request: &HttpRequest,
) -> Option<HttpResponse> {
    let route = route(&request.path)?;
    let Some(user) = request.user.as_ref().filter(|u| u.is_staff) else {
        return Some(HttpResponse::detail(
            403,
            "You do not have permission to perform this action.",
        ));
    };
    let method = request.method.to_ascii_uppercase();
    let allowed = match route {
        Route::Holds => "GET",
        _ => "POST",
    };
    let head = method == "HEAD" && allowed == "GET";
    if method != allowed && !head {
        let mut response = HttpResponse::detail(405, &format!("Method \"{method}\" not allowed."));
        response
            .headers
            .insert("allow".to_owned(), allowed.to_owned());
        return Some(response);
    }
    let by = user.name();
    let result = match route {
        Route::Reverse(uuid) => reverse(host, &uuid, &request.body, &by).await,
        Route::Release(key) => release(host, &key, &request.body, &by).await,
        Route::Holds => {
            let url = crate::rest::http::request_url(request);
            return Some(
                match holds(host, &Value::Object(request.query.clone()), &url).await {
                    Ok((rows, page)) => list_response(rows, &page, head),
                    Err(error) => HttpResponse::from_error(&error),
                },
            );
        }
    };
    Some(match result {
        Ok(body) => HttpResponse::json(200, body),
        Err(error) => HttpResponse::from_error(&error),
    })
}

fn to_value<T: serde::Serialize>(value: &T, what: &str) -> Result<Value> {
    serde_json::to_value(value).map_err(|e| Error::InvalidPayload {
        payload: what.to_owned(),
        offset: 0,
        reason: e.to_string(),
    })
}

/// Reverses the compensation `uuid` with the body's reason; on a dry run, only says what it would write.
pub async fn reverse<S: Store, C: Clock, P: Progress>(
    host: &Host<S, C, P>,
    uuid: &str,
    body: &Value,
    by: &str,
) -> Result<Value> {
    let mut fields = Fields::new(body, Source::Body)?;
    let reason = fields.required("reason", text);
    let dry_run = fields.optional("dry_run", boolean);
    let (reason, dry_run) = fields.finish(|| Some((reason?, dry_run.unwrap_or(false))))?;
    let uuid = crate::fields::uuid(&json!(uuid)).map_err(|m| Error::field("uuid", m))?;
    host.with_retries("reverse", async || {
        let item: InvoiceItem = host
            .get(&uuid)
            .await?
            .ok_or_else(|| Error::not_found(format!("invoice item {uuid}")))?;
        let source: Option<SourceRow> = host
            .get(SourceRow::uuid_for(&item.source_key).as_str())
            .await?;
        // The unit's version row, before the rest of what the plan decides from.
        let units: Vec<UnitRow> = match source.as_ref().and_then(|s| s.unit.as_ref()) {
            Some(unit) => match host
                .get::<UnitRow>(UnitRow::uuid_for(unit).as_str())
                .await?
            {
                Some(row) => vec![row],
                None => unit
                    .period()
                    .map(|p| UnitRow::absent(unit, p))
                    .into_iter()
                    .collect(),
            },
            None => Vec::new(),
        };
        let mut billing = host
            .billing_for(std::slice::from_ref(&item.source_key))
            .await?;
        billing.units = units;
        let hold: Option<HoldRow> = host
            .get(HoldRow::uuid_for(&item.source_key).as_str())
            .await?;
        let as_of = host.now()?;
        let ctx = HoldContext {
            operation: "reverse",
            by,
            as_of,
            current_period: as_of.period(host.zone_at(as_of)?)?,
        };
        let (mut changeset, planned) = plan_reverse(&ctx, &item, &reason, &billing, hold.as_ref())?;
        seal(&mut changeset, &billing.units)?;
        let report = host.commit(&changeset, dry_run).await?;
        Ok(outcome(
            to_value(&planned, "reversal")?,
            &changeset,
            dry_run,
            report,
        ))
    })
    .await
}

/// Releases the held source `key`; on a dry run, only says what it would write.
pub async fn release<S: Store, C: Clock, P: Progress>(
    host: &Host<S, C, P>,
    key: &SourceKey,
    body: &Value,
    by: &str,
) -> Result<Value> {
    let dry_run = dry_run_of(body)?;
    host.with_retries("release", async || {
        let source: SourceRow = host
            .get(SourceRow::uuid_for(key).as_str())
            .await?
            .ok_or_else(|| Error::not_found(format!("source {key}")))?;
        let hold: Option<HoldRow> = host.get(HoldRow::uuid_for(key).as_str()).await?;
        let as_of = host.now()?;
        let ctx = HoldContext {
            operation: "release",
            by,
            as_of,
            current_period: as_of.period(host.zone_at(as_of)?)?,
        };
        let (changeset, planned) = plan_release(&ctx, &source, hold.as_ref())?;
        let report = host.commit(&changeset, dry_run).await?;
        Ok(outcome(
            to_value(&planned, "release")?,
            &changeset,
            dry_run,
            report,
        ))
    })
    .await
}

/// The holds listing: held sources (or, with `held=false`, released ones), by source key.
pub async fn holds<S: Store, C: Clock, P: Progress>(
    host: &Host<S, C, P>,
    query: &Value,
    url: &str,
) -> Result<(Vec<Value>, crate::rest::page::Page)> {
    let mut fields = Fields::new(query, Source::Query)?;
    let held = fields.optional("held", boolean);
    let page = fields.optional("page", |v| {
        integer_in(1, i64::from(u32::MAX))(v).map_err(|_| INVALID_PAGE.to_owned())
    });
    let page_size = fields.optional("page_size", integer_in(1, MAX_PAGE_SIZE as i64));
    fields.refuse_unknown();
    let (held, page, page_size) = fields.finish(|| {
        Some((
            held.unwrap_or(true),
            page.and_then(|p| u32::try_from(p).ok()).unwrap_or(1),
            page_size
                .and_then(|p| u32::try_from(p).ok())
                .unwrap_or(DEFAULT_PAGE_SIZE as u32),
        ))
    })?;
    let mut filters = Map::new();
    filters.insert("held".into(), json!(held));
    let mut rows: Vec<HoldRow> = host.scan_all(filters).await?;
    rows.retain(|r| r.held == held);
    crate::sort::sort_by(&mut rows, |a, b| a.source_key.cmp(&b.source_key));
    let (page, selected) = page_of(&rows, page, page_size, url)?;
    let rows = selected
        .iter()
        .map(|r| to_value(r, "hold"))
        .collect::<Result<Vec<Value>>>()?;
    Ok((rows, page))
}
