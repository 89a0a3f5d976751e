//! Requests of the operations that start or stop a sync for one billing month: trigger_sync,
//! trigger_consumption_sync, reconcile, trigger_reconciliation, pause_sync and resume_sync, and of the two
//! status reads that take nothing.

use serde::ser::SerializeStruct;
use serde::{Serialize, Serializer};
use serde_json::Value;

use super::OperationRequest;
use crate::error::Result;
use crate::fields::{integer_in, uuid, Fields, Source};
use crate::period::Period;

/// The seed takes a month as two integers, `year` and `month`; the typed request holds one [`Period`] and
/// writes it back the seed's way.
fn year_and_month<S: Serializer>(period: &Period, serializer: S) -> Result<S::Ok, S::Error> {
    let mut fields = serializer.serialize_struct("BillingMonth", 2)?;
    fields.serialize_field("year", &period.year())?;
    fields.serialize_field("month", &period.month())?;
    fields.end()
}

/// Reads the required `year` (2000..=2100) and `month` (1..=12); both are checked even when one is bad.
fn billing_month(fields: &mut Fields<'_>) -> Option<Period> {
    let year = fields.required(
        "year",
        integer_in(Period::MIN_YEAR.into(), Period::MAX_YEAR.into()),
    );
    let month = fields.required("month", integer_in(1, 12));
    Period::new(year?, month?).ok()
}

/// trigger_sync: read the month's billing export into billing syncs and invoice items.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct StatementSyncRequest {
    #[serde(flatten, serialize_with = "year_and_month")]
    #[cfg_attr(test, ts(flatten))]
    pub period: Period,
    #[cfg_attr(test, ts(optional))]
    pub settings_uuid: Option<String>,
    /// Only the statements that bill this resource (a line whose Vendor Subscription ID is its backend_id,
    /// or whose ARS Subscription ID is its licence), each synced whole: a sync's totals stay its
    /// statement's own.
    #[cfg_attr(test, ts(optional))]
    pub resource_uuid: Option<String>,
}

impl OperationRequest for StatementSyncRequest {
    fn from_json(input: &Value) -> Result<Self> {
        let mut fields = Fields::new(input, Source::Body)?;
        let period = billing_month(&mut fields);
        let settings_uuid = fields.optional("settings_uuid", uuid);
        let resource_uuid = fields.optional("resource_uuid", uuid);
        fields.finish(|| {
            Some(StatementSyncRequest {
                period: period?,
                settings_uuid,
                resource_uuid,
            })
        })
    }
}

/// trigger_consumption_sync: read the month's consumption, for every licensed resource or just one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct ConsumptionSyncRequest {
    #[serde(flatten, serialize_with = "year_and_month")]
    #[cfg_attr(test, ts(flatten))]
    pub period: Period,
    #[cfg_attr(test, ts(optional))]
    pub settings_uuid: Option<String>,
    #[cfg_attr(test, ts(optional))]
    pub resource_uuid: Option<String>,
}

impl OperationRequest for ConsumptionSyncRequest {
    fn from_json(input: &Value) -> Result<Self> {
        let mut fields = Fields::new(input, Source::Body)?;
        let period = billing_month(&mut fields);
        let settings_uuid = fields.optional("settings_uuid", uuid);
        let resource_uuid = fields.optional("resource_uuid", uuid);
        fields.finish(|| {
            Some(ConsumptionSyncRequest {
                period: period?,
                settings_uuid,
                resource_uuid,
            })
        })
    }
}

/// reconcile (statement reconciliation) and trigger_reconciliation (consumption reconciliation): the two
/// take the same fields. `force` defaults to false.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct ReconciliationRequest {
    #[serde(flatten, serialize_with = "year_and_month")]
    #[cfg_attr(test, ts(flatten))]
    pub period: Period,
    #[cfg_attr(test, ts(optional))]
    pub settings_uuid: Option<String>,
    #[cfg_attr(test, ts(as = "Option<bool>", optional))]
    pub force: bool,
}

impl OperationRequest for ReconciliationRequest {
    fn from_json(input: &Value) -> Result<Self> {
        let mut fields = Fields::new(input, Source::Body)?;
        let period = billing_month(&mut fields);
        let settings_uuid = fields.optional("settings_uuid", uuid);
        let force = fields.flag("force", false);
        fields.finish(|| {
            Some(ReconciliationRequest {
                period: period?,
                settings_uuid,
                force,
            })
        })
    }
}

/// pause_sync and resume_sync: the seed uses one model for both. With neither field set, the engine
/// switches the active settings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct SyncPauseRequest {
    #[cfg_attr(test, ts(optional))]
    pub settings_uuid: Option<String>,
    #[cfg_attr(test, ts(as = "Option<bool>", optional))]
    pub pause_global: bool,
}

impl OperationRequest for SyncPauseRequest {
    fn from_json(input: &Value) -> Result<Self> {
        let mut fields = Fields::new(input, Source::Body)?;
        let settings_uuid = fields.optional("settings_uuid", uuid);
        let pause_global = fields.flag("pause_global", false);
        fields.finish(|| {
            Some(SyncPauseRequest {
                settings_uuid,
                pause_global,
            })
        })
    }
}

/// consumption_statistics and consumption_status take no parameters. Unknown ones are ignored, as DRF
/// does; only the shape of the input is checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct NoParameters {}

impl OperationRequest for NoParameters {
    fn from_json(input: &Value) -> Result<Self> {
        Fields::new(input, Source::Query)?.finish(|| Some(NoParameters {}))
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::{error_keys, normalised};
    use super::super::Operation;
    use serde_json::json;

    const SETTINGS: &str = "a1b2c3d4-e5f6-7890-abcd-ef1234567890";

    #[test]
    fn trigger_sync() {
        let op = Operation::TriggerSync;
        assert_eq!(
            normalised(op, json!({"year": "2025", "month": 3, "ignored": [1]})),
            json!({"year": 2025, "month": 3, "settings_uuid": null, "resource_uuid": null})
        );
        assert_eq!(
            normalised(
                op,
                json!({"year": 2025, "month": 12.0, "settings_uuid": "A1B2C3D4E5F67890ABCDEF1234567890", "resource_uuid": SETTINGS})
            ),
            json!({"year": 2025, "month": 12, "settings_uuid": SETTINGS, "resource_uuid": SETTINGS})
        );
        assert_eq!(
            error_keys(op, json!({"year": 2025, "month": 1, "resource_uuid": "r"})),
            ["resource_uuid"]
        );
        assert_eq!(error_keys(op, json!(null)), ["month", "year"]);
        assert_eq!(error_keys(op, json!({})), ["month", "year"]);
        assert_eq!(
            error_keys(op, json!({"year": 1999, "month": 13, "settings_uuid": "x"})),
            ["month", "settings_uuid", "year"]
        );
        assert_eq!(
            error_keys(op, json!({"year": 2025.5, "month": 1})),
            ["year"]
        );
        assert_eq!(error_keys(op, json!({"year": true, "month": 1})), ["year"]);
        assert_eq!(error_keys(op, json!({"year": "", "month": 1})), ["year"]);
        assert_eq!(
            error_keys(op, json!({"year": 2101, "month": 0})),
            ["month", "year"]
        );
        assert_eq!(error_keys(op, json!({"year": null, "month": 1})), ["year"]);
        assert_eq!(error_keys(op, json!("2025-01")), ["non_field_errors"]);
    }

    #[test]
    fn trigger_sync_messages_are_drf_messages() {
        let err = super::super::validate_request(
            Operation::TriggerSync.id(),
            &json!({"year": 1999, "month": "x", "settings_uuid": "nope"}),
        )
        .unwrap_err();
        assert_eq!(err.code(), "validation_failed");
        assert_eq!(
            serde_json::to_value(err.fields().unwrap()).unwrap(),
            json!({
                "year": ["Ensure this value is greater than or equal to 2000."],
                "month": ["A valid integer is required."],
                "settings_uuid": ["Must be a valid UUID."],
            })
        );
        let err =
            super::super::validate_request(Operation::TriggerSync.id(), &json!({})).unwrap_err();
        assert_eq!(
            serde_json::to_value(err.fields().unwrap()).unwrap(),
            json!({"year": ["This field is required."], "month": ["This field is required."]})
        );
    }

    #[test]
    fn trigger_consumption_sync() {
        let op = Operation::TriggerConsumptionSync;
        assert_eq!(
            normalised(
                op,
                json!({"year": 2024, "month": "02", "resource_uuid": SETTINGS.to_uppercase()})
            ),
            json!({"year": 2024, "month": 2, "settings_uuid": null, "resource_uuid": SETTINGS})
        );
        assert_eq!(
            error_keys(op, json!({"year": 2024, "month": 2, "resource_uuid": 5})),
            ["resource_uuid"]
        );
        assert_eq!(
            error_keys(op, json!({"month": 2, "settings_uuid": ""})),
            ["settings_uuid", "year"]
        );
    }

    #[test]
    fn reconcile_and_trigger_reconciliation() {
        for op in [Operation::Reconcile, Operation::TriggerReconciliation] {
            assert_eq!(
                normalised(op, json!({"year": 2025, "month": 1})),
                json!({"year": 2025, "month": 1, "settings_uuid": null, "force": false})
            );
            assert_eq!(
                normalised(
                    op,
                    json!({"year": 2025, "month": 1, "force": "True", "settings_uuid": SETTINGS})
                ),
                json!({"year": 2025, "month": 1, "settings_uuid": SETTINGS, "force": true})
            );
            assert_eq!(
                error_keys(op, json!({"year": 2025, "month": 1, "force": "maybe"})),
                ["force"]
            );
            assert_eq!(
                error_keys(op, json!({"year": 2025, "force": null})),
                ["month"]
            );
            assert_eq!(
                normalised(
                    op,
                    json!({"year": 2025, "month": 1, "force": null, "settings_uuid": null})
                ),
                json!({"year": 2025, "month": 1, "settings_uuid": null, "force": false})
            );
        }
    }

    #[test]
    fn pause_and_resume() {
        for op in [Operation::PauseSync, Operation::ResumeSync] {
            assert_eq!(
                normalised(op, json!(null)),
                json!({"settings_uuid": null, "pause_global": false})
            );
            assert_eq!(
                normalised(op, json!({"pause_global": "on", "settings_uuid": SETTINGS})),
                json!({"settings_uuid": SETTINGS, "pause_global": true})
            );
            assert_eq!(
                error_keys(op, json!({"pause_global": 2, "settings_uuid": "x"})),
                ["pause_global", "settings_uuid"]
            );
            assert_eq!(error_keys(op, json!([])), ["non_field_errors"]);
        }
    }

    #[test]
    fn status_reads_take_nothing() {
        for op in [
            Operation::ConsumptionStatistics,
            Operation::ConsumptionStatus,
        ] {
            assert_eq!(normalised(op, json!(null)), json!({}));
            assert_eq!(normalised(op, json!({"anything": 1})), json!({}));
            assert_eq!(error_keys(op, json!(7)), ["non_field_errors"]);
        }
    }
}
