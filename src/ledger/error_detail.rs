//! What a counted error says: every error a plan counts instead of failing (one record, one resource, one
//! line that could not be planned while the others were) carries one detail that names its record or line,
//! the code and message of the error, and for a currency mismatch both currencies. A count without its
//! details tells an operator nothing; these say which record and why.

use serde_json::{json, Map, Value};

use super::ConsumptionRecord;
use crate::error::Error;

/// The detail of `error`, counted for the record or line that `subject` names (its fields, as the
/// response shows them). A currency mismatch adds `currencies`: the two that could not be combined.
pub fn error_detail(subject: &[(&str, Value)], error: &Error) -> Value {
    let mut detail: Map<String, Value> = subject
        .iter()
        .map(|(k, v)| ((*k).to_owned(), v.clone()))
        .collect();
    detail.insert("code".into(), json!(error.code()));
    detail.insert("error".into(), json!(error.to_string()));
    if let Some(currencies) = currencies_of(error) {
        detail.insert("currencies".into(), json!(currencies));
    }
    Value::Object(detail)
}

/// The two currencies of a currency mismatch, as a counted error's detail names them.
pub fn currencies_of(error: &Error) -> Option<Vec<String>> {
    match error {
        Error::CurrencyMismatch { left, right, .. } => Some(vec![left.clone(), right.clone()]),
        _ => None,
    }
}

/// The detail of `error` counted for `record`: its uuid, resource, source (under the vendor's label) and
/// month, with the error's code, message and currencies.
pub fn record_error(record: &ConsumptionRecord, source_label: &str, error: &Error) -> Value {
    error_detail(
        &[
            ("record_uuid", json!(record.uuid)),
            ("resource_uuid", json!(record.resource_uuid)),
            (source_label, json!(record.source_ref)),
            ("billing_period", json!(record.billing_period)),
        ],
        error,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_mismatch_names_both_currencies() {
        let e = Error::CurrencyMismatch {
            location: "final figures of imsi:1".into(),
            left: "USD".into(),
            right: "JPY".into(),
        };
        let d = error_detail(&[("subscriber", json!("imsi:1"))], &e);
        assert_eq!(d["subscriber"], "imsi:1");
        assert_eq!(d["code"], "currency_mismatch");
        assert_eq!(d["currencies"], json!(["USD", "JPY"]));
        assert!(d["error"].as_str().unwrap().contains("USD"));
        let other = error_detail(&[], &Error::not_found("x"));
        assert!(other.get("currencies").is_none());
    }
}
