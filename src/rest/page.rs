//! Page-number pagination as Waldur's `LinkHeaderPagination` serves it: the body is a bare array, the total
//! goes in `X-Result-Count`, and links to the first, previous, next and last pages go in `Link`.

use std::ops::Range;

use crate::error::{Error, Result};

/// The page size when the request names none (Waldur's default).
pub const DEFAULT_PAGE_SIZE: usize = 10;
/// The largest page a request can ask for (Waldur's `max_page_size`).
pub const MAX_PAGE_SIZE: usize = 300;

/// The message DRF answers a page past the end with, as a 404.
pub const INVALID_PAGE: &str = "Invalid page.";

/// One page of a list of `count` items.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Page {
    /// The slice of the ordered list this page shows.
    pub range: Range<usize>,
    /// The number of items in the whole list: the `X-Result-Count` header.
    pub count: usize,
    /// The `Link` header: first, prev, next, last, in that order, prev omitted on the first page and next on
    /// the last. None only when there is no request URL to build links from.
    pub link_header: Option<String>,
}

impl Page {
    pub fn x_result_count(&self) -> String {
        self.count.to_string()
    }
}

/// The page size DRF would use for a `page_size` query value: the default when absent, zero or unparsable,
/// capped at [`MAX_PAGE_SIZE`].
pub fn effective_page_size(requested: Option<&str>) -> usize {
    match requested.and_then(|r| r.trim().parse::<usize>().ok()) {
        Some(0) | None => DEFAULT_PAGE_SIZE,
        Some(n) => n.min(MAX_PAGE_SIZE),
    }
}

/// Page `page` (1-based) of `total` items, `page_size` per page.
///
/// Page 1 always exists, empty for an empty list. Page 0 and pages past the last are
/// `Error::NotFound { what: "Invalid page." }`, DRF's 404. A page_size of 0 is a validation error:
/// [`effective_page_size`] never produces one.
pub fn paginate(total: usize, page: usize, page_size: usize, request_url: &str) -> Result<Page> {
    if page_size == 0 {
        return Err(Error::field(
            "page_size",
            "Ensure this value is greater than or equal to 1.",
        ));
    }
    let last = total.div_ceil(page_size).max(1);
    if page == 0 || page > last {
        return Err(Error::not_found(INVALID_PAGE));
    }
    // page ≤ last, so (page − 1) × page_size < total + page_size; checked all the same.
    let start = (page - 1)
        .checked_mul(page_size)
        .ok_or_else(|| Error::overflow("pagination"))?;
    let end = start.saturating_add(page_size).min(total);
    let start = start.min(end);

    let link =
        |n: usize, rel: &str| format!("<{}>; rel=\"{rel}\"", page_url(request_url, n, page_size));
    let mut links = vec![link(1, "first")];
    if page > 1 {
        links.push(link(page - 1, "prev"));
    }
    if page < last {
        links.push(link(page + 1, "next"));
    }
    links.push(link(last, "last"));
    let link_header = (!request_url.is_empty()).then(|| links.join(", "));

    Ok(Page {
        range: start..end,
        count: total,
        link_header,
    })
}

/// `request_url` with `page` and `page_size` set. Like DRF's `replace_query_param`, the query is rebuilt
/// sorted by name (a stable sort, so repeated names keep their order) and every value re-encoded, so the
/// same request always yields byte-identical links. A fragment is dropped.
pub fn page_url(request_url: &str, page: usize, page_size: usize) -> String {
    let without_fragment = request_url.split('#').next().unwrap_or("");
    let (base, query) = match without_fragment.split_once('?') {
        Some((b, q)) => (b, q),
        None => (without_fragment, ""),
    };
    let mut params: Vec<(String, String)> = query
        .split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| match pair.split_once('=') {
            Some((k, v)) => (decode(k), decode(v)),
            None => (decode(pair), String::new()),
        })
        .filter(|(k, _)| k != "page" && k != "page_size")
        .collect();
    params.push(("page".to_owned(), page.to_string()));
    params.push(("page_size".to_owned(), page_size.to_string()));
    crate::sort::sort_by(&mut params, |a, b| a.0.cmp(&b.0));
    let query = params
        .iter()
        .map(|(k, v)| format!("{}={}", encode(k), encode(v)))
        .collect::<Vec<_>>()
        .join("&");
    format!("{base}?{query}")
}

/// Percent-encodes everything but RFC 3986's unreserved characters, so a value can never break out of its
/// parameter (`&`, `=`, `#`, `+`) or out of the `<…>` of a Link header (`>`, `,`, `;`).
pub fn encode(text: &str) -> String {
    let hex = |nibble: u8| {
        char::from_digit(u32::from(nibble), 16).map_or('0', |c| c.to_ascii_uppercase())
    };
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(byte));
        } else {
            out.push('%');
            out.push(hex(byte >> 4));
            out.push(hex(byte & 0x0f));
        }
    }
    out
}

/// Decodes a query component as a form does: `+` is a space, `%XX` a byte. A malformed escape is kept as
/// written rather than rejected: links must still be built for whatever query reached the list.
pub fn decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        match b {
            b'+' => {
                out.push(b' ');
                i += 1;
            }
            b'%' => {
                let hi = bytes.get(i + 1).and_then(|h| char::from(*h).to_digit(16));
                let lo = bytes.get(i + 2).and_then(|l| char::from(*l).to_digit(16));
                match (hi, lo) {
                    (Some(hi), Some(lo)) => {
                        // Two hex digits make at most 0xFF.
                        out.push(u8::try_from(hi * 16 + lo).unwrap_or(b'?'));
                        i += 3;
                    }
                    _ => {
                        out.push(b'%');
                        i += 1;
                    }
                }
            }
            other => {
                out.push(other);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The items of `page`, from the full ordered list it was computed for. A range outside `items` (a page
/// computed for another list) gives an empty slice rather than a panic.
pub fn page_items<'a, T>(items: &'a [T], page: &Page) -> &'a [T] {
    items.get(page.range.clone()).unwrap_or(&[])
}

#[cfg(test)]
mod tests;
