//! Requests of the pass-through reads of Arrow's own API: fetch_billing_export, fetch_consumption and
//! fetch_license_info.

use serde::Serialize;
use serde_json::Value;

use super::OperationRequest;
use crate::error::Result;
use crate::fields::{period, text, Fields, Source};
use crate::period::Period;

/// fetch_billing_export: the raw export for a range of months, optionally one classification ("IAAS").
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct BillingExportRequest {
    pub period_from: Period,
    pub period_to: Period,
    #[cfg_attr(test, ts(optional))]
    pub classification: Option<String>,
}

impl OperationRequest for BillingExportRequest {
    fn from_json(input: &Value) -> Result<Self> {
        let mut fields = Fields::new(input, Source::Body)?;
        let period_from = fields.required("period_from", period);
        let period_to = fields.required("period_to", period);
        let classification = fields.optional("classification", text);
        fields.ordered(
            ("period_from", period_from.as_ref()),
            ("period_to", period_to.as_ref()),
        );
        fields.finish(|| {
            Some(BillingExportRequest {
                period_from: period_from?,
                period_to: period_to?,
                classification,
            })
        })
    }
}

/// fetch_consumption: the raw consumption of one license in one month.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct ConsumptionFetchRequest {
    pub license_reference: String,
    pub period: Period,
}

impl OperationRequest for ConsumptionFetchRequest {
    fn from_json(input: &Value) -> Result<Self> {
        let mut fields = Fields::new(input, Source::Body)?;
        let license_reference = fields.required("license_reference", text);
        let period = fields.required("period", period);
        fields.finish(|| {
            Some(ConsumptionFetchRequest {
                license_reference: license_reference?,
                period: period?,
            })
        })
    }
}

/// fetch_license_info: Arrow's details of one license.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct LicenseInfoRequest {
    pub license_reference: String,
}

impl OperationRequest for LicenseInfoRequest {
    fn from_json(input: &Value) -> Result<Self> {
        let mut fields = Fields::new(input, Source::Body)?;
        let license_reference = fields.required("license_reference", text);
        fields.finish(|| {
            Some(LicenseInfoRequest {
                license_reference: license_reference?,
            })
        })
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::{error_keys, normalised};
    use super::super::{validate_request, Operation};
    use serde_json::json;

    #[test]
    fn fetch_billing_export() {
        let op = Operation::FetchBillingExport;
        assert_eq!(
            normalised(
                op,
                json!({"period_from": "2024-11", "period_to": " 2025-02 "})
            ),
            json!({"period_from": "2024-11", "period_to": "2025-02", "classification": null})
        );
        assert_eq!(
            normalised(
                op,
                json!({"period_from": "2025-02", "period_to": "2025-02", "classification": "IAAS"})
            ),
            json!({"period_from": "2025-02", "period_to": "2025-02", "classification": "IAAS"})
        );
        assert_eq!(error_keys(op, json!({})), ["period_from", "period_to"]);
        assert_eq!(
            error_keys(
                op,
                json!({"period_from": "2025-1", "period_to": "", "classification": ""})
            ),
            ["classification", "period_from", "period_to"]
        );
        assert_eq!(
            error_keys(
                op,
                json!({"period_from": "2025-03", "period_to": "2025-02"})
            ),
            ["period_from"]
        );
        assert_eq!(
            error_keys(op, json!({"period_from": "1999-12", "period_to": 202502})),
            ["period_from", "period_to"]
        );
    }

    #[test]
    fn reversed_range_message() {
        let err = validate_request(
            Operation::FetchBillingExport.id(),
            &json!({"period_from": "2025-03", "period_to": "2025-02"}),
        )
        .unwrap_err();
        assert_eq!(
            serde_json::to_value(err.fields().unwrap()).unwrap(),
            json!({"period_from": ["period_from (2025-03) must not be after period_to (2025-02)."]})
        );
    }

    #[test]
    fn fetch_consumption() {
        let op = Operation::FetchConsumption;
        assert_eq!(
            normalised(
                op,
                json!({"license_reference": " XSP12345 ", "period": "2025-01"})
            ),
            json!({"license_reference": "XSP12345", "period": "2025-01"})
        );
        assert_eq!(error_keys(op, json!({})), ["license_reference", "period"]);
        assert_eq!(
            error_keys(op, json!({"license_reference": "   ", "period": "2025-13"})),
            ["license_reference", "period"]
        );
        assert_eq!(
            error_keys(
                op,
                json!({"license_reference": ["XSP1"], "period": "2025-01"})
            ),
            ["license_reference"]
        );
        let err = validate_request(op.id(), &json!({"license_reference": "", "period": "x"}))
            .unwrap_err();
        assert_eq!(
            serde_json::to_value(err.fields().unwrap()).unwrap(),
            json!({
                "license_reference": ["This field may not be blank."],
                "period": ["Enter a period in YYYY-MM format."],
            })
        );
    }

    #[test]
    fn fetch_license_info() {
        let op = Operation::FetchLicenseInfo;
        assert_eq!(
            normalised(op, json!({"license_reference": "XSP1"})),
            json!({"license_reference": "XSP1"})
        );
        assert_eq!(
            normalised(op, json!({"license_reference": 661245})),
            json!({"license_reference": "661245"})
        );
        assert_eq!(error_keys(op, json!(null)), ["license_reference"]);
        assert_eq!(
            error_keys(op, json!({"license_reference": null})),
            ["license_reference"]
        );
        assert_eq!(
            error_keys(op, json!({"license_reference": {}})),
            ["license_reference"]
        );
    }
}
