//! The requests of billsync's Soracom admin API (our extension under `/api/admin/soracom/`, mirroring the
//! Arrow one), read with the REST framework's rules and messages: every bad field reported at once.

use serde_json::Value;

use crate::error::Result;
use crate::fields::{boolean, integer_in, text, uuid, Fields, Source};
use crate::period::Period;
use crate::rest::http::Method;
use crate::rest::page::{DEFAULT_PAGE_SIZE, INVALID_PAGE, MAX_PAGE_SIZE};

/// Every operation of the Soracom admin API.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Operation {
    TriggerConsumptionSync,
    TriggerReconciliation,
    DailyCheck,
    ConsumptionStatistics,
    ConsumptionStatus,
    RecordsList,
    RecordsRetrieve,
    BillingHistory,
    LatestBill,
    MonthlyBill,
    DailyBills,
}

impl Operation {
    pub const ALL: [Operation; 11] = [
        Operation::TriggerConsumptionSync,
        Operation::TriggerReconciliation,
        Operation::DailyCheck,
        Operation::ConsumptionStatistics,
        Operation::ConsumptionStatus,
        Operation::RecordsList,
        Operation::RecordsRetrieve,
        Operation::BillingHistory,
        Operation::LatestBill,
        Operation::MonthlyBill,
        Operation::DailyBills,
    ];

    /// The operation id: what its changesets are named after.
    pub fn id(self) -> &'static str {
        match self {
            Operation::TriggerConsumptionSync => {
                "admin_soracom_billing_syncs_trigger_consumption_sync"
            }
            Operation::TriggerReconciliation => {
                "admin_soracom_billing_syncs_trigger_reconciliation"
            }
            Operation::DailyCheck => "admin_soracom_billing_syncs_daily_check",
            Operation::ConsumptionStatistics => {
                "admin_soracom_billing_syncs_consumption_statistics"
            }
            Operation::ConsumptionStatus => "admin_soracom_billing_syncs_consumption_status",
            Operation::RecordsList => "admin_soracom_consumption_records_list",
            Operation::RecordsRetrieve => "admin_soracom_consumption_records_retrieve",
            Operation::BillingHistory => "admin_soracom_customers_bills_list",
            Operation::LatestBill => "admin_soracom_customers_bills_latest",
            Operation::MonthlyBill => "admin_soracom_customers_bills_retrieve",
            Operation::DailyBills => "admin_soracom_customers_bills_daily",
        }
    }

    /// The name progress reports use.
    pub fn label(self) -> &'static str {
        self.id()
            .trim_start_matches("admin_soracom_billing_syncs_")
            .trim_start_matches("admin_soracom_")
    }

    pub fn method(self) -> Method {
        match self {
            Operation::TriggerConsumptionSync
            | Operation::TriggerReconciliation
            | Operation::DailyCheck => Method::Post,
            _ => Method::Get,
        }
    }

    /// The path, with `{uuid}` and `{yyyyMM}` where the path holds them.
    pub fn path(self) -> &'static str {
        match self {
            Operation::TriggerConsumptionSync => {
                "/api/admin/soracom/billing-syncs/trigger_consumption_sync/"
            }
            Operation::TriggerReconciliation => {
                "/api/admin/soracom/billing-syncs/trigger_reconciliation/"
            }
            Operation::DailyCheck => "/api/admin/soracom/billing-syncs/daily_check/",
            Operation::ConsumptionStatistics => {
                "/api/admin/soracom/billing-syncs/consumption_statistics/"
            }
            Operation::ConsumptionStatus => "/api/admin/soracom/billing-syncs/consumption_status/",
            Operation::RecordsList => "/api/admin/soracom/consumption-records/",
            Operation::RecordsRetrieve => "/api/admin/soracom/consumption-records/{uuid}/",
            Operation::BillingHistory => "/api/admin/soracom/customers/{uuid}/bills/",
            Operation::LatestBill => "/api/admin/soracom/customers/{uuid}/bills/latest/",
            Operation::MonthlyBill => "/api/admin/soracom/customers/{uuid}/bills/{yyyyMM}/",
            Operation::DailyBills => "/api/admin/soracom/customers/{uuid}/bills/{yyyyMM}/daily/",
        }
    }
}

/// A month's operation: `year` and `month`, the settings (the active ones if absent), and for a sync
/// optionally one resource, for a reconciliation `force`.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[cfg_attr(test, ts(rename = "SoracomMonthRequest"))]
pub struct MonthRequest {
    #[cfg_attr(test, ts(flatten))]
    pub period: Period,
    #[cfg_attr(test, ts(optional))]
    pub settings_uuid: Option<String>,
    #[cfg_attr(test, ts(optional))]
    pub resource_uuid: Option<String>,
    #[cfg_attr(test, ts(as = "Option<bool>", optional))]
    pub force: bool,
    #[cfg_attr(test, ts(as = "Option<bool>", optional))]
    pub dry_run: bool,
}

pub fn month_request(input: &Value, with_resource: bool) -> Result<MonthRequest> {
    let mut fields = Fields::new(input, Source::Body)?;
    let year = fields.required(
        "year",
        integer_in(Period::MIN_YEAR.into(), Period::MAX_YEAR.into()),
    );
    let month = fields.required("month", integer_in(1, 12));
    let settings_uuid = fields.optional("settings_uuid", uuid);
    let resource_uuid = if with_resource {
        fields.optional("resource_uuid", uuid)
    } else {
        None
    };
    let force = fields.flag("force", false);
    let dry_run = fields.flag("dry_run", false);
    let period = match (year, month) {
        (Some(y), Some(m)) => Period::new(y, m).ok(),
        _ => None,
    };
    fields.finish(|| {
        Some(MonthRequest {
            period: period?,
            settings_uuid,
            resource_uuid,
            force,
            dry_run,
        })
    })
}

/// The list of consumption records: filters and the page.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[cfg_attr(test, ts(rename = "SoracomRecordQuery"))]
pub struct RecordQuery {
    #[cfg_attr(test, ts(optional))]
    pub billing_period: Option<Period>,
    #[cfg_attr(test, ts(optional))]
    pub resource_uuid: Option<String>,
    #[cfg_attr(test, ts(optional))]
    pub subscriber: Option<String>,
    #[cfg_attr(test, ts(optional))]
    pub is_finalized: Option<bool>,
    #[cfg_attr(test, ts(optional))]
    pub is_reconciled: Option<bool>,
    #[cfg_attr(test, ts(as = "Option<u32>", optional))]
    pub page: u32,
    #[cfg_attr(test, ts(as = "Option<u32>", optional))]
    pub page_size: u32,
}

pub fn record_query(input: &Value) -> Result<RecordQuery> {
    let mut fields = Fields::new(input, Source::Query)?;
    let billing_period = fields.optional("billing_period", crate::fields::period);
    let resource_uuid = fields.optional("resource_uuid", uuid);
    let subscriber = fields.optional("subscriber", text);
    let is_finalized = fields.optional("is_finalized", boolean);
    let is_reconciled = fields.optional("is_reconciled", boolean);
    let page = fields.optional("page", |v| {
        integer_in(1, i64::from(u32::MAX))(v).map_err(|_| INVALID_PAGE.to_owned())
    });
    let page_size = fields.optional("page_size", integer_in(1, MAX_PAGE_SIZE as i64));
    fields.refuse_unknown();
    fields.finish(|| {
        Some(RecordQuery {
            billing_period,
            resource_uuid,
            subscriber,
            is_finalized,
            is_reconciled,
            page: page.and_then(|p| u32::try_from(p).ok()).unwrap_or(1),
            page_size: page_size
                .and_then(|p| u32::try_from(p).ok())
                .unwrap_or(DEFAULT_PAGE_SIZE as u32),
        })
    })
}

/// A path's `uuid`, and for a month's bill its `yyyyMM`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PathRequest {
    pub uuid: String,
    pub month: Option<Period>,
}

pub fn path_request(input: &Value, with_month: bool) -> Result<PathRequest> {
    let mut fields = Fields::new(input, Source::Query)?;
    let id = fields.required("uuid", uuid);
    let month = if with_month {
        fields.required("yyyyMM", |v| {
            let text = text(v)?;
            Period::parse_compact(&text).map_err(|e| e.to_string())
        })
    } else {
        None
    };
    fields.finish(|| {
        Some(PathRequest {
            uuid: id?,
            month: if with_month { Some(month?) } else { None },
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn months_are_checked_field_by_field() {
        let ok = month_request(&json!({"year": 2025, "month": 3, "force": true}), false).unwrap();
        assert_eq!(ok.period, Period::parse("2025-03").unwrap());
        assert!(ok.force && !ok.dry_run);
        let bad = month_request(&json!({"year": 1999, "month": 13}), false).unwrap_err();
        let fields = bad.fields().unwrap();
        assert!(fields.contains_key("year") && fields.contains_key("month"));
    }

    #[test]
    fn paths_and_queries() {
        let p = path_request(
            &json!({"uuid": "C0570BE2-0000-4000-8000-000000000002", "yyyyMM": "202501"}),
            true,
        )
        .unwrap();
        assert_eq!(p.uuid, "c0570be2-0000-4000-8000-000000000002");
        assert_eq!(p.month, Some(Period::parse("2025-01").unwrap()));
        assert!(path_request(&json!({"uuid": "x", "yyyyMM": "2025-01"}), true).is_err());
        let q = record_query(&json!({"page": "2", "is_finalized": "true"})).unwrap();
        assert_eq!((q.page, q.page_size, q.is_finalized), (2, 10, Some(true)));
        assert!(record_query(&json!({"page": "0"})).is_err());
        let unknown = record_query(&json!({"billing_periode": "2025-01"})).unwrap_err();
        let message = &unknown.fields().unwrap()["billing_periode"][0];
        assert!(
            message.starts_with("Unknown filter.") && message.contains("billing_period"),
            "{message}"
        );
        for op in Operation::ALL {
            assert!(op.path().starts_with("/api/admin/soracom/"));
            assert!(op.id().starts_with("admin_soracom_"));
        }
    }
}
