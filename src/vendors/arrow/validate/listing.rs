//! Query parameters of the list operations (billing syncs, pending records, consumption records) and the
//! path parameter of the retrieve operations.
//!
//! Query values arrive as strings, so every parser here also takes the string form ("2", "true"). A blank
//! or null parameter means "not given", as django-filter and DRF's paginator treat `?state=&page=`.

use chrono::NaiveDate;
use serde::{Serialize, Serializer};
use serde_json::Value;

use super::OperationRequest;
use crate::error::Result;
use crate::fields::{
    boolean, choice, date, integer, integer_in, period, text, uuid, Fields, Source,
    INVALID_INTEGER, INVALID_PAGE,
};
use crate::period::Period;

/// Page size when the client names none: the REST framework setting of the reference API.
pub const DEFAULT_PAGE_SIZE: u32 = 10;
/// Largest page a client may ask for, as in the reference API's pagination class. Larger asks are refused
/// rather than silently clamped, so a client never mistakes a short page for the last one.
pub const MAX_PAGE_SIZE: u32 = 300;

/// Arrow's statement states, as the `arrow_state` filter takes them.
pub const ARROW_STATES: &[&str] = &["pending", "validated"];

/// `page` (from 1, default 1) and `page_size` (1..=[`MAX_PAGE_SIZE`], default [`DEFAULT_PAGE_SIZE`]).
/// DRF answers a bad page with 404 "Invalid page."; here it is a field error on `page` with the same
/// message, so that it is reported with the other bad parameters. A page past the end is the list's
/// business, not validation's.
pub(super) fn pagination(fields: &mut Fields<'_>) -> (u32, u32) {
    let page = fields.optional("page", |value| {
        integer(value)
            .ok()
            .and_then(|n| u32::try_from(n).ok())
            .filter(|n| *n >= 1)
            .ok_or_else(|| INVALID_PAGE.to_owned())
    });
    let page_size = fields.optional("page_size", |value| {
        let n = integer_in(1, MAX_PAGE_SIZE.into())(value)?;
        u32::try_from(n).map_err(|_| INVALID_INTEGER.to_owned())
    });
    (page.unwrap_or(1), page_size.unwrap_or(DEFAULT_PAGE_SIZE))
}

/// A billing sync's `state`: PENDING=1, SYNCED=2, VALIDATED=3, RECONCILED=4.
fn sync_state(value: &Value) -> Result<u8, String> {
    let n = integer(value)?;
    u8::try_from(n)
        .ok()
        .filter(|n| (1..=4).contains(n))
        .ok_or_else(|| format!("\"{n}\" is not a valid choice."))
}

fn serialize_date<S: Serializer>(
    date: &Option<NaiveDate>,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    match date {
        Some(date) => serializer.collect_str(date),
        None => serializer.serialize_none(),
    }
}

/// Filters of the billing-sync list. pending_records takes the same ones, as the seed documents it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct BillingSyncQuery {
    #[cfg_attr(test, ts(optional))]
    pub arrow_state: Option<String>,
    /// The customer mapping's URL, as the API renders it.
    #[cfg_attr(test, ts(optional))]
    pub customer_mapping: Option<String>,
    #[cfg_attr(test, ts(optional))]
    pub customer_mapping_uuid: Option<String>,
    #[cfg_attr(test, ts(as = "Option<u32>", optional))]
    pub page: u32,
    #[cfg_attr(test, ts(as = "Option<u32>", optional))]
    pub page_size: u32,
    #[cfg_attr(test, ts(optional))]
    pub report_period: Option<Period>,
    #[cfg_attr(test, ts(optional))]
    pub report_period_from: Option<Period>,
    #[cfg_attr(test, ts(optional))]
    pub report_period_to: Option<Period>,
    #[cfg_attr(test, ts(optional))]
    pub settings_uuid: Option<String>,
    /// 1..=4, see the billing sync's state.
    #[cfg_attr(test, ts(optional))]
    pub state: Option<u8>,
    #[cfg_attr(test, ts(optional))]
    pub statement_reference: Option<String>,
}

impl OperationRequest for BillingSyncQuery {
    fn from_json(input: &Value) -> Result<Self> {
        let mut fields = Fields::new(input, Source::Query)?;
        let arrow_state = fields.optional("arrow_state", choice(ARROW_STATES));
        let customer_mapping = fields.optional("customer_mapping", text);
        let customer_mapping_uuid = fields.optional("customer_mapping_uuid", uuid);
        let (page, page_size) = pagination(&mut fields);
        let report_period = fields.optional("report_period", period);
        let report_period_from = fields.optional("report_period_from", period);
        let report_period_to = fields.optional("report_period_to", period);
        let settings_uuid = fields.optional("settings_uuid", uuid);
        let state = fields.optional("state", sync_state);
        let statement_reference = fields.optional("statement_reference", text);
        fields.ordered(
            ("report_period_from", report_period_from.as_ref()),
            ("report_period_to", report_period_to.as_ref()),
        );
        fields.refuse_unknown();
        fields.finish(|| {
            Some(BillingSyncQuery {
                arrow_state,
                customer_mapping,
                customer_mapping_uuid,
                page,
                page_size,
                report_period,
                report_period_from,
                report_period_to,
                settings_uuid,
                state,
                statement_reference,
            })
        })
    }
}

/// A billing period as records date it: the first of its month ("YYYY-MM-01"), or the month ("YYYY-MM").
/// Another day would match no record, so `billing_period` refuses it, saying which date the month has
/// (the range bounds stay dates: `billing_period_to=2025-01-31` includes January).
fn first_of_month(value: &Value) -> std::result::Result<NaiveDate, String> {
    let day = date(value)?;
    match Period::of_date(day) {
        Ok(month) if month.first_day() != day => Err(format!(
            "A billing period is a month, dated by its first day: {} (or {month}), not {day}.",
            month.first_day()
        )),
        _ => Ok(day),
    }
}

/// Filters of the consumption-record list. The billing_period filters are dates, the first of a month
/// ("YYYY-MM-01", as records store them); "YYYY-MM" is also taken, as that month's first day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct ConsumptionRecordQuery {
    #[serde(serialize_with = "serialize_date")]
    #[cfg_attr(test, ts(optional))]
    pub billing_period: Option<NaiveDate>,
    #[serde(serialize_with = "serialize_date")]
    #[cfg_attr(test, ts(optional))]
    pub billing_period_from: Option<NaiveDate>,
    #[serde(serialize_with = "serialize_date")]
    #[cfg_attr(test, ts(optional))]
    pub billing_period_to: Option<NaiveDate>,
    #[cfg_attr(test, ts(optional))]
    pub customer_uuid: Option<String>,
    #[cfg_attr(test, ts(optional))]
    pub is_finalized: Option<bool>,
    #[cfg_attr(test, ts(optional))]
    pub is_reconciled: Option<bool>,
    #[cfg_attr(test, ts(optional))]
    pub license_reference: Option<String>,
    #[cfg_attr(test, ts(as = "Option<u32>", optional))]
    pub page: u32,
    #[cfg_attr(test, ts(as = "Option<u32>", optional))]
    pub page_size: u32,
    #[cfg_attr(test, ts(optional))]
    pub project_uuid: Option<String>,
    /// The resource's URL, as the API renders it.
    #[cfg_attr(test, ts(optional))]
    pub resource: Option<String>,
    #[cfg_attr(test, ts(optional))]
    pub resource_uuid: Option<String>,
}

impl OperationRequest for ConsumptionRecordQuery {
    fn from_json(input: &Value) -> Result<Self> {
        let mut fields = Fields::new(input, Source::Query)?;
        let billing_period = fields.optional("billing_period", first_of_month);
        let billing_period_from = fields.optional("billing_period_from", date);
        let billing_period_to = fields.optional("billing_period_to", date);
        let customer_uuid = fields.optional("customer_uuid", uuid);
        let is_finalized = fields.optional("is_finalized", boolean);
        let is_reconciled = fields.optional("is_reconciled", boolean);
        let license_reference = fields.optional("license_reference", text);
        let (page, page_size) = pagination(&mut fields);
        let project_uuid = fields.optional("project_uuid", uuid);
        let resource = fields.optional("resource", text);
        let resource_uuid = fields.optional("resource_uuid", uuid);
        fields.ordered(
            ("billing_period_from", billing_period_from.as_ref()),
            ("billing_period_to", billing_period_to.as_ref()),
        );
        fields.refuse_unknown();
        fields.finish(|| {
            Some(ConsumptionRecordQuery {
                billing_period,
                billing_period_from,
                billing_period_to,
                customer_uuid,
                is_finalized,
                is_reconciled,
                license_reference,
                page,
                page_size,
                project_uuid,
                resource,
                resource_uuid,
            })
        })
    }
}

/// The `{uuid}` path parameter of a retrieve operation, given as `{"uuid": "..."}`. DRF answers a
/// malformed lookup with 404; this reports it as a field error and leaves the 404 to the REST handler.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct UuidLookup {
    pub uuid: String,
}

impl OperationRequest for UuidLookup {
    fn from_json(input: &Value) -> Result<Self> {
        let mut fields = Fields::new(input, Source::Query)?;
        let uuid = fields.required("uuid", uuid);
        fields.finish(|| Some(UuidLookup { uuid: uuid? }))
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::{error_keys, messages, normalised};
    use super::super::Operation;
    use serde_json::json;

    const ID: &str = "a1b2c3d4-e5f6-7890-abcd-ef1234567890";

    fn empty_billing_sync_query(page: u32, page_size: u32) -> serde_json::Value {
        json!({
            "arrow_state": null, "customer_mapping": null, "customer_mapping_uuid": null,
            "page": page, "page_size": page_size, "report_period": null, "report_period_from": null,
            "report_period_to": null, "settings_uuid": null, "state": null, "statement_reference": null,
        })
    }

    #[test]
    fn billing_syncs_list_and_pending_records() {
        for op in [Operation::BillingSyncsList, Operation::PendingRecords] {
            assert_eq!(normalised(op, json!(null)), empty_billing_sync_query(1, 10));
            assert_eq!(
                normalised(op, json!({"page": "", "page_size": null, "state": ""})),
                empty_billing_sync_query(1, 10)
            );
            assert_eq!(
                normalised(
                    op,
                    json!({
                        "arrow_state": "validated", "customer_mapping": "https://h/api/m/1/",
                        "customer_mapping_uuid": ID.to_uppercase(), "page": "3", "page_size": "300",
                        "report_period": "2025-01", "report_period_from": "2024-12",
                        "report_period_to": "2025-01", "settings_uuid": ID, "state": "4",
                        "statement_reference": " ST1 ", "unknown": "",
                    })
                ),
                json!({
                    "arrow_state": "validated", "customer_mapping": "https://h/api/m/1/",
                    "customer_mapping_uuid": ID, "page": 3, "page_size": 300,
                    "report_period": "2025-01", "report_period_from": "2024-12",
                    "report_period_to": "2025-01", "settings_uuid": ID, "state": 4,
                    "statement_reference": "ST1",
                })
            );
            assert_eq!(
                error_keys(
                    op,
                    json!({
                        "arrow_state": "done", "customer_mapping_uuid": "m", "page": "0",
                        "page_size": "301", "report_period": "2025/01", "report_period_from": "x",
                        "report_period_to": "2025-13", "settings_uuid": "s", "state": "5",
                        "statement_reference": [],
                    })
                ),
                [
                    "arrow_state",
                    "customer_mapping_uuid",
                    "page",
                    "page_size",
                    "report_period",
                    "report_period_from",
                    "report_period_to",
                    "settings_uuid",
                    "state",
                    "statement_reference",
                ]
            );
            assert_eq!(
                error_keys(
                    op,
                    json!({"report_period_from": "2025-02", "report_period_to": "2025-01"})
                ),
                ["report_period_from"]
            );
            assert_eq!(error_keys(op, json!("page=2")), ["non_field_errors"]);
        }
    }

    #[test]
    fn list_messages() {
        let op = Operation::BillingSyncsList;
        assert_eq!(
            messages(
                op,
                json!({"page": "abc", "page_size": 0, "state": "x", "arrow_state": "Pending"})
            ),
            json!({
                "arrow_state": ["\"Pending\" is not a valid choice."],
                "page": ["Invalid page."],
                "page_size": ["Ensure this value is greater than or equal to 1."],
                "state": ["A valid integer is required."],
            })
        );
        assert_eq!(
            messages(op, json!({"page": -1, "page_size": 1000, "state": 0})),
            json!({
                "page": ["Invalid page."],
                "page_size": ["Ensure this value is less than or equal to 300."],
                "state": ["\"0\" is not a valid choice."],
            })
        );
        assert_eq!(
            messages(op, json!({"page": "99999999999"})),
            json!({"page": ["Invalid page."]})
        );
    }

    #[test]
    fn consumption_records_list() {
        let op = Operation::ConsumptionRecordsList;
        assert_eq!(
            normalised(op, json!({})),
            json!({
                "billing_period": null, "billing_period_from": null, "billing_period_to": null,
                "customer_uuid": null, "is_finalized": null, "is_reconciled": null,
                "license_reference": null, "page": 1, "page_size": 10, "project_uuid": null,
                "resource": null, "resource_uuid": null,
            })
        );
        assert_eq!(
            normalised(
                op,
                json!({
                    "billing_period": "2025-01-01", "billing_period_from": "2024-11",
                    "billing_period_to": "2025-01-31", "customer_uuid": ID, "is_finalized": "false",
                    "is_reconciled": "1", "license_reference": "XSP1", "page": 2, "page_size": 50,
                    "project_uuid": ID, "resource": "https://h/api/resources/1/", "resource_uuid": ID,
                })
            ),
            json!({
                "billing_period": "2025-01-01", "billing_period_from": "2024-11-01",
                "billing_period_to": "2025-01-31", "customer_uuid": ID, "is_finalized": false,
                "is_reconciled": true, "license_reference": "XSP1", "page": 2, "page_size": 50,
                "project_uuid": ID, "resource": "https://h/api/resources/1/", "resource_uuid": ID,
            })
        );
        assert_eq!(
            error_keys(
                op,
                json!({
                    "billing_period": "2025-02-30", "billing_period_from": "01/01/2025",
                    "billing_period_to": 20250101, "customer_uuid": "c", "is_finalized": "perhaps",
                    "is_reconciled": 2, "license_reference": {}, "page": 1.5, "page_size": "ten",
                    "project_uuid": "p", "resource": true, "resource_uuid": "r",
                })
            ),
            [
                "billing_period",
                "billing_period_from",
                "billing_period_to",
                "customer_uuid",
                "is_finalized",
                "is_reconciled",
                "license_reference",
                "page",
                "page_size",
                "project_uuid",
                "resource",
                "resource_uuid",
            ]
        );
        assert_eq!(
            messages(
                op,
                json!({"billing_period_from": "2025-02-01", "billing_period_to": "2025-01-31"})
            ),
            json!({"billing_period_from": [
                "billing_period_from (2025-02-01) must not be after billing_period_to (2025-01-31)."
            ]})
        );
        assert_eq!(
            messages(op, json!({"billing_period": "2025-1-1"})),
            json!({"billing_period": [
                "Date has wrong format. Use one of these formats instead: YYYY-MM-DD."
            ]})
        );
    }

    #[test]
    fn retrieves() {
        for op in [
            Operation::BillingSyncsRetrieve,
            Operation::ConsumptionRecordsRetrieve,
        ] {
            assert_eq!(
                normalised(op, json!({"uuid": "A1B2C3D4E5F67890ABCDEF1234567890"})),
                json!({"uuid": ID})
            );
            assert_eq!(error_keys(op, json!(null)), ["uuid"]);
            assert_eq!(error_keys(op, json!({"uuid": "not-a-uuid"})), ["uuid"]);
            assert_eq!(
                messages(op, json!({"uuid": ""})),
                json!({"uuid": ["This field is required."]})
            );
            assert_eq!(error_keys(op, json!(ID)), ["non_field_errors"]);
        }
    }

    #[test]
    fn an_unknown_filter_is_refused_naming_it() {
        for op in [
            Operation::ConsumptionRecordsList,
            Operation::BillingSyncsList,
            Operation::PendingRecords,
        ] {
            let refused = messages(op, json!({"is_reconcilled": "true", "page": "1"}));
            let message = refused["is_reconcilled"][0].as_str().unwrap();
            assert!(message.starts_with("Unknown filter."), "{op}: {message}");
            assert!(message.contains("page_size"), "{op}: {message}");
            assert_eq!(refused.as_object().unwrap().len(), 1, "{op}: {refused}");
            // Blank or null is "not given", as for every query parameter.
            normalised(op, json!({"ordering": "", "format": null}));
        }
        assert!(messages(
            Operation::ConsumptionRecordsList,
            json!({"is_reconcilled": "true"})
        )["is_reconcilled"][0]
            .as_str()
            .unwrap()
            .contains("is_reconciled"));
    }

    #[test]
    fn a_billing_period_is_the_first_of_a_month() {
        let op = Operation::ConsumptionRecordsList;
        for given in ["2025-01-01", "2025-01"] {
            assert_eq!(
                normalised(op, json!({"billing_period": given}))["billing_period"],
                "2025-01-01"
            );
        }
        assert_eq!(
            messages(op, json!({"billing_period": "2025-01-15"})),
            json!({"billing_period": [
                "A billing period is a month, dated by its first day: 2025-01-01 (or 2025-01), not 2025-01-15."
            ]})
        );
    }
}
