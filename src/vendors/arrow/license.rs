//! Arrow's license payload, `{"data": {"license": {...}}}`. The licence object is free-form and varies by
//! vendor, so it is kept whole as a `serde_json::Value`, with the few fields billsync looks at pulled out.
//! It is small and read rarely: the text path validates strictly with the scanner (for offsets), then lets
//! serde_json build the value.

use serde_json::Value;

use crate::error::{Error, Result};
use crate::readers::json_scan::validate_document;

/// Names license payloads in errors.
pub const LICENSE: &str = "arrow license";

/// A licence as Arrow describes it.
#[derive(Debug, Clone, PartialEq)]
pub struct LicenseInfo {
    /// The XSP reference ("XSP12345"), what consumption records are keyed by.
    pub reference: Option<String>,
    pub vendor_subscription_id: Option<String>,
    pub vendor_name: Option<String>,
    pub name: Option<String>,
    pub customer_reference: Option<String>,
    pub state: Option<String>,
    /// `data.license`, whole.
    pub license: Value,
}

/// The first of `keys` that holds a non-blank string or a number.
fn first_text(license: &Value, keys: &[&str]) -> Option<String> {
    keys.iter().find_map(|k| match license.get(k)? {
        Value::String(s) if !s.trim().is_empty() => Some(s.trim().to_owned()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    })
}

/// Reads a license payload from a JSON value.
pub fn parse_license_info_value(value: &Value) -> Result<LicenseInfo> {
    let license = value
        .get("data")
        .and_then(|d| d.get("license"))
        .filter(|l| l.is_object())
        .ok_or_else(|| Error::InvalidPayload {
            payload: LICENSE.to_owned(),
            offset: 0,
            reason: "expected data.license to be an object".to_owned(),
        })?;
    Ok(LicenseInfo {
        reference: first_text(
            license,
            &[
                "partner_ref",
                "partnerRef",
                "license_id",
                "licenseId",
                "reference",
            ],
        ),
        vendor_subscription_id: first_text(
            license,
            &[
                "vendor_subscription_id",
                "vendorSubscriptionId",
                "subscription_id",
                "subscriptionId",
            ],
        ),
        vendor_name: first_text(license, &["vendor_name", "vendorName", "vendor"]),
        name: first_text(license, &["friendlyName", "friendly_name", "name", "offer"]),
        customer_reference: first_text(
            license,
            &["customer_ref", "customerRef", "end_customer_ref"],
        ),
        state: first_text(license, &["state", "status", "statusCode"]),
        license: license.clone(),
    })
}

/// Reads a license payload from JSON text, strictly.
pub fn parse_license_info(text: &str) -> Result<LicenseInfo> {
    crate::limits::check_payload_bytes(LICENSE, text.len())?;
    validate_document(text, LICENSE)?;
    let value: Value = serde_json::from_str(text).map_err(|e| Error::InvalidPayload {
        payload: LICENSE.to_owned(),
        offset: 0,
        reason: e.to_string(),
    })?;
    parse_license_info_value(&value)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn pulls_out_the_fields_and_keeps_the_rest() {
        let text = r#"{"data": {"license": {"partner_ref": "XSP12345", "vendor_name": "Microsoft",
            "friendlyName": "Azure plan", "vendor_subscription_id": "abc-1", "seats": 3, "state": "active",
            "customer_ref": "XSP661245", "nested": {"a": [1, 2]}}}}"#;
        let info = parse_license_info(text).unwrap();
        assert_eq!(info.reference.as_deref(), Some("XSP12345"));
        assert_eq!(info.vendor_name.as_deref(), Some("Microsoft"));
        assert_eq!(info.name.as_deref(), Some("Azure plan"));
        assert_eq!(info.vendor_subscription_id.as_deref(), Some("abc-1"));
        assert_eq!(info.customer_reference.as_deref(), Some("XSP661245"));
        assert_eq!(info.state.as_deref(), Some("active"));
        assert_eq!(info.license["seats"], 3);
        let empty = parse_license_info(r#"{"data": {"license": {}}}"#).unwrap();
        assert_eq!(empty.reference, None);
    }

    #[test]
    fn rejects_what_is_not_a_license() {
        for bad in [
            r#"{"data": {}}"#,
            r#"{"data": {"license": []}}"#,
            "[]",
            r#"{"data": {"license": {}}} x"#,
            "",
        ] {
            assert_eq!(
                parse_license_info(bad).unwrap_err().code(),
                "invalid_payload",
                "{bad}"
            );
        }
        match parse_license_info(r#"{"data": {"license": {"a": 01}}}"#).unwrap_err() {
            Error::InvalidPayload { offset, .. } => assert_eq!(offset, 28),
            other => panic!("{other:?}"),
        }
    }

    proptest! {
        #[test]
        fn never_panics(s in "\\PC{0,80}") {
            let _ = parse_license_info(&s);
        }
    }
}
