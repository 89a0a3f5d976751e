//! The largest inputs billsync accepts, in one place.
//!
//! Every request and vendor payload is bounded before any work is done with it: a request over a limit
//! is refused before validation, so it never reaches an adapter or the store, and a payload over a limit
//! is refused before it is scanned. Going over a size limit is [`Error::PayloadTooLarge`] (code
//! `payload_too_large`, HTTP 413); a request string field that is too long is a field error of
//! `validation_failed` (400), in the REST framework's words.
//!
//! The numbers are generous for the traffic they guard: Arrow pages hold 1,000 rows and its requests a
//! handful of fields. They exist so that a mistake or an attack costs a coded error, not the instance's
//! memory.

use std::io::Write;

use serde_json::Value;

use crate::error::{Error, Result};

/// The largest request body (POST) or query (GET) of an API operation, measured as its JSON text: 1 MiB.
/// The admin API's requests are a few hundred bytes.
pub const MAX_REQUEST_BYTES: usize = 1 << 20;

/// The longest string in a request field, in characters (and the longest string argument of a JS
/// function that takes a name, a period, a uuid or a code). Arrow's references are under 100.
pub const MAX_STRING_CHARS: usize = 1024;

/// The largest vendor payload parsed in one piece (one page of Arrow's billing export or consumption, a
/// licence document), in bytes of JSON text: 256 MiB. A whole month's export handed to
/// `previewReconciliation` as one page of 1M rows is about 150 MB.
pub const MAX_PAYLOAD_BYTES: usize = 256 << 20;

/// The most rows in one payload: 1,000,000. Arrow's own pages hold 1,000.
pub const MAX_PAYLOAD_ROWS: usize = 1_000_000;

fn too_large(what: &str, limit: usize, unit: &str) -> Error {
    Error::PayloadTooLarge {
        what: what.to_owned(),
        limit,
        unit: unit.to_owned(),
    }
}

/// Refuses a request body or query larger than [`MAX_REQUEST_BYTES`] as JSON text. The measure stops at
/// the limit, so a huge request costs at most that much work.
pub fn check_request(input: &Value) -> Result<()> {
    let mut counter = ByteBudget {
        left: MAX_REQUEST_BYTES,
    };
    serde_json::to_writer(&mut counter, input)
        .map_err(|_| too_large("the request", MAX_REQUEST_BYTES, "bytes"))
}

/// Refuses a payload of more than [`MAX_PAYLOAD_BYTES`].
pub fn check_payload_bytes(what: &str, bytes: usize) -> Result<()> {
    if bytes > MAX_PAYLOAD_BYTES {
        return Err(too_large(what, MAX_PAYLOAD_BYTES, "bytes"));
    }
    Ok(())
}

/// Refuses a payload with more than [`MAX_PAYLOAD_ROWS`] rows (`rows` is the count so far, or in all).
pub fn check_payload_rows(what: &str, rows: usize) -> Result<()> {
    if rows > MAX_PAYLOAD_ROWS {
        return Err(too_large(what, MAX_PAYLOAD_ROWS, "rows"));
    }
    Ok(())
}

/// The message of a string field over [`MAX_STRING_CHARS`], as Django REST framework words max_length;
/// None when the string is within the limit.
pub fn string_too_long(text: &str) -> Option<String> {
    // Bytes bound characters from above, so most strings are settled without counting.
    if text.len() <= MAX_STRING_CHARS || text.chars().count() <= MAX_STRING_CHARS {
        return None;
    }
    Some(format!(
        "Ensure this field has no more than {MAX_STRING_CHARS} characters."
    ))
}

/// A writer that accepts a fixed number of bytes, then fails.
struct ByteBudget {
    left: usize,
}

impl Write for ByteBudget {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.left = self
            .left
            .checked_sub(buf.len())
            .ok_or_else(|| std::io::Error::other("over the limit"))?;
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_request_at_the_limit_passes_and_one_byte_more_does_not() {
        // {"a":"…"} is 8 bytes of syntax around the string.
        let at = json!({ "a": "x".repeat(MAX_REQUEST_BYTES - 8) });
        assert!(check_request(&at).is_ok());
        let over = json!({ "a": "x".repeat(MAX_REQUEST_BYTES - 7) });
        let error = check_request(&over).unwrap_err();
        assert_eq!(error.code(), "payload_too_large");
        assert_eq!(error.status(), 413);
    }

    #[test]
    fn payload_bytes_and_rows() {
        assert!(check_payload_bytes("page", MAX_PAYLOAD_BYTES).is_ok());
        assert_eq!(
            check_payload_bytes("page", MAX_PAYLOAD_BYTES + 1)
                .unwrap_err()
                .code(),
            "payload_too_large"
        );
        assert!(check_payload_rows("page", MAX_PAYLOAD_ROWS).is_ok());
        let error = check_payload_rows("page", MAX_PAYLOAD_ROWS + 1).unwrap_err();
        assert!(error.to_string().contains("1000000 rows"), "{error}");
    }

    #[test]
    fn requests_over_a_limit_are_refused_by_validation() {
        use crate::vendors::arrow::validate::{validate, Operation};
        let huge = json!({ "license_reference": "X".repeat(5 << 20) });
        let error = validate(Operation::FetchLicenseInfo, &huge).unwrap_err();
        assert_eq!(error.code(), "payload_too_large");
        let long = json!({ "license_reference": "X".repeat(MAX_STRING_CHARS + 1) });
        let error = validate(Operation::FetchLicenseInfo, &long).unwrap_err();
        assert_eq!(
            error.fields().and_then(|f| f.get("license_reference")),
            Some(&vec![format!(
                "Ensure this field has no more than {MAX_STRING_CHARS} characters."
            )])
        );
        let query = json!({ "license_reference": "X".repeat(MAX_STRING_CHARS + 1) });
        let error = validate(Operation::ConsumptionRecordsList, &query).unwrap_err();
        assert_eq!(error.code(), "validation_failed");
        let at = json!({ "license_reference": "X".repeat(MAX_STRING_CHARS) });
        assert!(validate(Operation::FetchLicenseInfo, &at).is_ok());
    }

    #[test]
    fn payloads_over_a_limit_are_refused_by_the_parsers() {
        // The object path counts the rows before reading any, so empty rows are enough to go over.
        let lines = vec![Value::Array(Vec::new()); MAX_PAYLOAD_ROWS + 1];
        let page = json!({ "data": {
            "headers": ["Report Period", "Total sell price", "Total buy price"],
            "lines": lines,
        }});
        let error = crate::vendors::arrow::parse_consumption_value(&page).unwrap_err();
        assert_eq!(error.code(), "payload_too_large");
        let big = " ".repeat(MAX_PAYLOAD_BYTES + 1);
        let error = crate::vendors::arrow::parse_billing_export(&big).unwrap_err();
        assert_eq!(error.code(), "payload_too_large");
        let error = crate::vendors::arrow::parse_license_info(&big).unwrap_err();
        assert_eq!(error.code(), "payload_too_large");
    }

    #[test]
    fn strings_are_counted_in_characters() {
        assert_eq!(string_too_long(&"é".repeat(MAX_STRING_CHARS)), None);
        assert!(string_too_long(&"x".repeat(MAX_STRING_CHARS + 1)).is_some());
    }
}
