//! The REST framework's conventions every vendor's routes are served with: the staff check, 404 and 405,
//! bare arrays with Link and X-Result-Count, `{"detail": ...}` errors, 200 with the counters of work done
//! in the request (202 only for work queued).

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};

use super::page::{encode, Page};
use crate::error::{Error, Result};
use crate::fields;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    Get,
    Post,
    Put,
    Patch,
    Delete,
}

impl Method {
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
            Method::Put => "PUT",
            Method::Patch => "PATCH",
            Method::Delete => "DELETE",
        }
    }
}

impl fmt::Display for Method {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct HttpUser {
    #[serde(default)]
    pub is_staff: bool,
    /// Who the user is, as the host names them: what a hold records as who held or released a source.
    #[serde(default)]
    pub username: Option<String>,
    #[serde(default)]
    pub uuid: Option<String>,
}

impl HttpUser {
    /// The user's name for the ledger: the username, else the uuid, else "staff".
    pub fn name(&self) -> String {
        [&self.username, &self.uuid]
            .into_iter()
            .flatten()
            .map(|s| s.trim())
            .find(|s| !s.is_empty())
            .unwrap_or("staff")
            .to_owned()
    }
}

/// A request as a host hands it over. Its optional members may be missing or null alike.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct HttpRequest {
    pub method: String,
    pub path: String,
    #[serde(default, deserialize_with = "null_is_default")]
    pub query: Map<String, Value>,
    #[serde(default)]
    pub body: Value,
    #[serde(default, deserialize_with = "null_is_default")]
    pub headers: Map<String, Value>,
    #[serde(default)]
    pub user: Option<HttpUser>,
    #[serde(
        default,
        rename = "baseUrl",
        alias = "base_url",
        deserialize_with = "null_is_default"
    )]
    pub base_url: String,
    /// Fields of the query or body whose number JSON could not hold (a JS host's Infinity from
    /// `JSON.parse` of 1e400, or NaN), with why: refused as a 400 once the route and the user are checked,
    /// rather than read as null.
    #[serde(skip)]
    pub non_finite: crate::error::FieldErrors,
}

/// An optional member given as null is the member left out.
fn null_is_default<'de, D, T>(deserializer: D) -> std::result::Result<T, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Default + Deserialize<'de>,
{
    Ok(Option::<T>::deserialize(deserializer)?.unwrap_or_default())
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct HttpResponse {
    pub status: u16,
    pub headers: BTreeMap<String, String>,
    pub body: Value,
}

impl HttpResponse {
    pub fn json(status: u16, body: Value) -> HttpResponse {
        let mut headers = BTreeMap::new();
        headers.insert("content-type".to_owned(), "application/json".to_owned());
        HttpResponse {
            status,
            headers,
            body,
        }
    }

    pub fn detail(status: u16, detail: &str) -> HttpResponse {
        HttpResponse::json(status, json!({ "detail": detail }))
    }

    /// An error as the REST framework answers it.
    pub fn from_error(error: &Error) -> HttpResponse {
        match error {
            Error::Validation { fields } => HttpResponse::json(400, json!(fields)),
            Error::NotFound { what } if what == "Invalid page." => {
                HttpResponse::detail(404, "Invalid page.")
            }
            // What was not found, named: a settings row, a bill, a licence, a record.
            Error::NotFound { what } => HttpResponse::detail(404, &format!("Not found: {what}.")),
            Error::AdapterFailed { call, message } => HttpResponse::json(
                502,
                json!({ "detail": format!("{call} failed: {message}"), "code": error.code(), "call": call }),
            ),
            other => HttpResponse::json(
                other.status(),
                json!({ "detail": other.to_string(), "code": other.code() }),
            ),
        }
    }
}

/// The request's own URL, for the Link header.
pub fn request_url(request: &HttpRequest) -> String {
    let path = request.path.split('?').next().unwrap_or("");
    let query: Vec<String> = request
        .query
        .iter()
        .map(|(k, v)| {
            let v = v
                .as_str()
                .map(str::to_owned)
                .unwrap_or_else(|| v.to_string());
            format!("{}={}", encode(k), encode(&v))
        })
        .collect();
    let base = request.base_url.trim_end_matches('/');
    if query.is_empty() {
        format!("{base}{path}")
    } else {
        format!("{base}{path}?{}", query.join("&"))
    }
}

pub fn list_response(rows: Vec<Value>, page: &Page, head: bool) -> HttpResponse {
    let mut response = HttpResponse::json(
        200,
        if head {
            Value::Null
        } else {
            Value::Array(rows)
        },
    );
    response
        .headers
        .insert("x-result-count".to_owned(), page.x_result_count());
    if let Some(link) = &page.link_header {
        response.headers.insert("link".to_owned(), link.clone());
    }
    response
}

/// `dry_run` of a mutating operation's body (the seeds only name it for cleanup; billsync accepts it on
/// every operation that plans a changeset).
pub fn dry_run_of(body: &Value) -> Result<bool> {
    match body.get("dry_run") {
        None | Some(Value::Null) => Ok(false),
        Some(v) => fields::boolean(v).map_err(|m| Error::field("dry_run", m)),
    }
}

/// What an operation answered: its body, the page of a list, whether it only queued its work (202: an
/// operation that ran in the request answers 200 with what it did), and the success status when it is not
/// 200 (201 for a create, 204 for a destroy).
#[derive(Debug, Clone, PartialEq)]
pub struct OperationResult {
    pub body: Value,
    pub page: Option<Page>,
    pub accepted: bool,
    pub status: Option<u16>,
}

/// The operations a path can name (one per method), and the parameters the path holds.
pub type Route<Op> = (Vec<Op>, Map<String, Value>);

/// One vendor's REST surface: which operation a path names, and how to run it.
#[allow(async_fn_in_trait)]
pub trait Routes {
    type Operation: Copy;

    /// Where the vendor's admin API lives ("/api/admin/arrow/"): the routes every vendor shares are served
    /// under it.
    const PREFIX: &'static str;

    /// `GET {PREFIX}billing-syncs/unowned/?period=YYYY-MM` (our extension, for every vendor): the vendor's
    /// money that no host resource takes ([`crate::ledger::unowned`]).
    async fn unowned(&self, query: &Value) -> Result<Value>;

    /// The operations a path can name (one per method), and the parameters the path holds (a retrieve's
    /// `uuid`, …), which join the query of a GET.
    fn route(path: &str) -> Option<Route<Self::Operation>>;

    fn method(operation: Self::Operation) -> Method;

    /// A request served besides this surface's own routes (a listing every vendor shares), or None.
    async fn extension(&self, _request: &HttpRequest) -> Option<HttpResponse> {
        None
    }

    /// Runs one operation on its input: the query parameters (with the path's parameters) or the body.
    async fn run(
        &self,
        operation: Self::Operation,
        input: &Value,
        base_url: &str,
        url: &str,
    ) -> Result<OperationResult>;
}

/// Runs one operation of `routes` on its input (the query with the path's parameters, or the body), once
/// the input is within the request limits ([`crate::limits::check_request`]): every vendor's handler and
/// every per-operation method comes through here, so an oversized request is refused the same way
/// everywhere, before validation and before any adapter or store call.
pub async fn run_operation<R: Routes>(
    routes: &R,
    operation: R::Operation,
    input: &Value,
    base_url: &str,
    url: &str,
) -> Result<OperationResult> {
    crate::limits::check_request(input)?;
    routes.run(operation, input, base_url, url).await
}

/// The unowned-money listing, with the conventions of every route: staff only, GET (or HEAD), the limits.
async fn serve_unowned<R: Routes>(routes: &R, request: &HttpRequest) -> HttpResponse {
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
    let query = Value::Object(request.query.clone());
    let answer = match crate::limits::check_request(&query) {
        Ok(()) => routes.unowned(&query).await,
        Err(e) => Err(e),
    };
    match answer {
        Ok(_) if method == "HEAD" => HttpResponse::json(200, Value::Null),
        Ok(body) => HttpResponse::json(200, body),
        Err(error) => HttpResponse::from_error(&error),
    }
}

/// Serves one request by `routes`. Never fails: every error is a response.
pub async fn serve<R: Routes>(routes: &R, request: &HttpRequest) -> HttpResponse {
    if let Some(response) = routes.extension(request).await {
        return response;
    }
    let path = request.path.split('?').next().unwrap_or("");
    if path.trim_end_matches('/') == format!("{}billing-syncs/unowned", R::PREFIX) {
        return serve_unowned(routes, request).await;
    }
    let Some((candidates, params)) = R::route(&request.path) else {
        return HttpResponse::detail(404, "Not found.");
    };
    if !request.user.as_ref().is_some_and(|u| u.is_staff) {
        return HttpResponse::detail(403, "You do not have permission to perform this action.");
    }
    let method = request.method.to_ascii_uppercase();
    let head = method == "HEAD";
    let Some(operation) = candidates.iter().copied().find(|op| match R::method(*op) {
        Method::Get => method == "GET" || head,
        other => method == other.as_str(),
    }) else {
        let allowed: Vec<&str> = candidates
            .iter()
            .map(|op| R::method(*op).as_str())
            .collect();
        let mut response = HttpResponse::detail(405, &format!("Method \"{method}\" not allowed."));
        response
            .headers
            .insert("allow".to_owned(), allowed.join(", "));
        return response;
    };
    if !request.non_finite.is_empty() {
        return HttpResponse::from_error(&Error::Validation {
            fields: request.non_finite.clone(),
        });
    }
    let input = match R::method(operation) {
        Method::Get => {
            let mut query = request.query.clone();
            query.extend(params);
            Value::Object(query)
        }
        // A body operation on an object of the path ({uuid}/…) gets the path's parameters in its body.
        _ => match (&request.body, params.is_empty()) {
            (body, true) => body.clone(),
            (Value::Null, false) => Value::Object(params),
            (Value::Object(body), false) => {
                let mut body = body.clone();
                body.extend(params);
                Value::Object(body)
            }
            (body, false) => body.clone(),
        },
    };
    let result = match run_operation(
        routes,
        operation,
        &input,
        &request.base_url,
        &request_url(request),
    )
    .await
    {
        Ok(result) => result,
        Err(error) => return HttpResponse::from_error(&error),
    };
    match result.page {
        Some(page) => {
            let rows = match result.body {
                Value::Array(rows) => rows,
                other => vec![other],
            };
            list_response(rows, &page, head)
        }
        None if result.accepted => HttpResponse::json(202, Value::Null),
        None if head => {
            // HEAD counts what a GET would answer (the official client's `*_count` calls read it): the
            // length of a bare array, or 1 for one object.
            let count = result.body.as_array().map_or(1, Vec::len);
            let mut response = HttpResponse::json(200, Value::Null);
            response
                .headers
                .insert("x-result-count".to_owned(), count.to_string());
            response
        }
        None => match result.status {
            Some(204) => HttpResponse {
                status: 204,
                headers: BTreeMap::new(),
                body: Value::Null,
            },
            Some(status) => HttpResponse::json(status, result.body),
            None => HttpResponse::json(200, result.body),
        },
    }
}
