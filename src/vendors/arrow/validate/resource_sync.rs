//! Requests of the operations over resources and their consumption records: sync_resource_historical_consumption,
//! sync_resources and cleanup_consumption.

use serde::Serialize;
use serde_json::Value;

use super::OperationRequest;
use crate::error::{Result, NON_FIELD_ERRORS};
use crate::fields::{period, uuid, Fields, Source};
use crate::period::Period;

/// sync_resource_historical_consumption: month by month over a range of one resource's consumption.
///
/// A missing `period_from` / `period_to` stays None here: their defaults (12 months up to the current one,
/// see [`Period::historical_consumption_default`]) depend on the clock, which only the engine reads.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct HistoricalConsumptionRequest {
    pub resource_uuid: String,
    #[cfg_attr(test, ts(optional))]
    pub period_from: Option<Period>,
    #[cfg_attr(test, ts(optional))]
    pub period_to: Option<Period>,
}

impl OperationRequest for HistoricalConsumptionRequest {
    fn from_json(input: &Value) -> Result<Self> {
        let mut fields = Fields::new(input, Source::Body)?;
        let resource_uuid = fields.required("resource_uuid", uuid);
        let period_from = fields.optional("period_from", period);
        let period_to = fields.optional("period_to", period);
        fields.ordered(
            ("period_from", period_from.as_ref()),
            ("period_to", period_to.as_ref()),
        );
        fields.finish(|| {
            Some(HistoricalConsumptionRequest {
                resource_uuid: resource_uuid?,
                period_from,
                period_to,
            })
        })
    }
}

/// sync_resources: match Arrow IAAS subscriptions to resources, optionally creating what is missing.
///
/// Missing periods stay None for the engine to default from the clock (6 months up to the current one,
/// see [`Period::sync_resources_default`]). Arrow's 6-month maximum is the engine's to enforce, since
/// it also applies to the defaulted range.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct ResourceSyncRequest {
    #[cfg_attr(test, ts(optional))]
    pub period_from: Option<Period>,
    #[cfg_attr(test, ts(optional))]
    pub period_to: Option<Period>,
    #[cfg_attr(test, ts(optional))]
    pub settings_uuid: Option<String>,
    #[cfg_attr(test, ts(optional))]
    pub offering_uuid: Option<String>,
    #[cfg_attr(test, ts(optional))]
    pub project_uuid: Option<String>,
    #[cfg_attr(test, ts(as = "Option<bool>", optional))]
    pub force_import: bool,
}

impl OperationRequest for ResourceSyncRequest {
    fn from_json(input: &Value) -> Result<Self> {
        let mut fields = Fields::new(input, Source::Body)?;
        let period_from = fields.optional("period_from", period);
        let period_to = fields.optional("period_to", period);
        let settings_uuid = fields.optional("settings_uuid", uuid);
        let offering_uuid = fields.optional("offering_uuid", uuid);
        let project_uuid = fields.optional("project_uuid", uuid);
        let force_import = fields.flag("force_import", false);
        fields.ordered(
            ("period_from", period_from.as_ref()),
            ("period_to", period_to.as_ref()),
        );
        fields.finish(|| {
            Some(ResourceSyncRequest {
                period_from,
                period_to,
                settings_uuid,
                offering_uuid,
                project_uuid,
                force_import,
            })
        })
    }
}

/// cleanup_consumption: delete matching consumption records. `dry_run` defaults to TRUE, so that a bare
/// request only previews what would go.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct CleanupConsumptionRequest {
    #[cfg_attr(test, ts(optional))]
    pub period_from: Option<Period>,
    #[cfg_attr(test, ts(optional))]
    pub period_to: Option<Period>,
    #[cfg_attr(test, ts(optional))]
    pub resource_uuid: Option<String>,
    #[cfg_attr(test, ts(as = "Option<bool>", optional))]
    pub only_finalized: bool,
    #[cfg_attr(test, ts(as = "Option<bool>", optional))]
    pub only_unfinalized: bool,
    #[cfg_attr(test, ts(as = "Option<bool>", optional))]
    pub dry_run: bool,
}

impl OperationRequest for CleanupConsumptionRequest {
    fn from_json(input: &Value) -> Result<Self> {
        let mut fields = Fields::new(input, Source::Body)?;
        let period_from = fields.optional("period_from", period);
        let period_to = fields.optional("period_to", period);
        let resource_uuid = fields.optional("resource_uuid", uuid);
        let only_finalized = fields.flag("only_finalized", false);
        let only_unfinalized = fields.flag("only_unfinalized", false);
        let dry_run = fields.flag("dry_run", true);
        fields.ordered(
            ("period_from", period_from.as_ref()),
            ("period_to", period_to.as_ref()),
        );
        if only_finalized && only_unfinalized {
            // Together they select nothing; the reference answers 400 rather than deleting nothing quietly.
            fields.reject(
                NON_FIELD_ERRORS,
                "only_finalized and only_unfinalized cannot both be true.",
            );
        }
        fields.finish(|| {
            Some(CleanupConsumptionRequest {
                period_from,
                period_to,
                resource_uuid,
                only_finalized,
                only_unfinalized,
                dry_run,
            })
        })
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::{error_keys, normalised};
    use super::super::{parse, Operation};
    use super::*;
    use serde_json::json;

    const RESOURCE: &str = "0f0e0d0c-0b0a-0908-0706-050403020100";

    #[test]
    fn sync_resource_historical_consumption() {
        let op = Operation::SyncResourceHistoricalConsumption;
        assert_eq!(
            normalised(
                op,
                json!({"resource_uuid": "0F0E0D0C0B0A09080706050403020100"})
            ),
            json!({"resource_uuid": RESOURCE, "period_from": null, "period_to": null})
        );
        assert_eq!(
            normalised(
                op,
                json!({"resource_uuid": RESOURCE, "period_from": "2024-04", "period_to": "2025-03"})
            ),
            json!({"resource_uuid": RESOURCE, "period_from": "2024-04", "period_to": "2025-03"})
        );
        assert_eq!(error_keys(op, json!({})), ["resource_uuid"]);
        assert_eq!(
            error_keys(
                op,
                json!({"resource_uuid": "x", "period_from": "2024", "period_to": 1})
            ),
            ["period_from", "period_to", "resource_uuid"]
        );
        assert_eq!(
            error_keys(
                op,
                json!({"resource_uuid": RESOURCE, "period_from": "2025-04", "period_to": "2025-03"})
            ),
            ["period_from"]
        );
    }

    #[test]
    fn sync_resources() {
        let op = Operation::SyncResources;
        assert_eq!(
            normalised(op, json!(null)),
            json!({
                "period_from": null, "period_to": null, "settings_uuid": null,
                "offering_uuid": null, "project_uuid": null, "force_import": false,
            })
        );
        assert_eq!(
            normalised(
                op,
                json!({
                    "period_from": "2024-10", "period_to": "2025-03", "settings_uuid": RESOURCE,
                    "offering_uuid": RESOURCE, "project_uuid": RESOURCE, "force_import": "yes",
                })
            ),
            json!({
                "period_from": "2024-10", "period_to": "2025-03", "settings_uuid": RESOURCE,
                "offering_uuid": RESOURCE, "project_uuid": RESOURCE, "force_import": true,
            })
        );
        assert_eq!(
            error_keys(
                op,
                json!({
                    "period_from": "2024-1", "settings_uuid": 1, "offering_uuid": "",
                    "project_uuid": [], "force_import": "sure",
                })
            ),
            [
                "force_import",
                "offering_uuid",
                "period_from",
                "project_uuid",
                "settings_uuid"
            ]
        );
        assert_eq!(
            error_keys(
                op,
                json!({"period_from": "2025-01", "period_to": "2024-12"})
            ),
            ["period_from"]
        );
    }

    #[test]
    fn cleanup_consumption() {
        let op = Operation::CleanupConsumption;
        assert_eq!(
            normalised(op, json!({})),
            json!({
                "period_from": null, "period_to": null, "resource_uuid": null,
                "only_finalized": false, "only_unfinalized": false, "dry_run": true,
            })
        );
        assert_eq!(
            normalised(
                op,
                json!({
                    "period_from": "2025-01", "period_to": "2025-01", "resource_uuid": RESOURCE,
                    "only_unfinalized": 1, "dry_run": "false",
                })
            ),
            json!({
                "period_from": "2025-01", "period_to": "2025-01", "resource_uuid": RESOURCE,
                "only_finalized": false, "only_unfinalized": true, "dry_run": false,
            })
        );
        assert_eq!(
            error_keys(
                op,
                json!({"only_finalized": true, "only_unfinalized": "True"})
            ),
            ["non_field_errors"]
        );
        // Every problem at once: a bad field does not hide the conflict, nor the reverse.
        assert_eq!(
            error_keys(
                op,
                json!({
                    "only_finalized": true, "only_unfinalized": true, "dry_run": "x",
                    "period_from": "2025-02", "period_to": "2025-01", "resource_uuid": "r",
                })
            ),
            [
                "dry_run",
                "non_field_errors",
                "period_from",
                "resource_uuid"
            ]
        );
        assert_eq!(
            normalised(op, json!({"dry_run": null}))["dry_run"],
            json!(true)
        );
    }

    #[test]
    fn typed_entry_point() {
        let request: CleanupConsumptionRequest =
            parse(&json!({"period_to": "2025-06", "only_finalized": "on"})).unwrap();
        assert_eq!(request.period_to, Period::parse("2025-06").ok());
        assert!(request.only_finalized && request.dry_run && !request.only_unfinalized);
    }
}
