//! The operations of the admin Arrow API (seeds 000 and 001), by the seeds' API source names.

use std::fmt;

pub use crate::rest::http::Method;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Operation {
    BillingSyncsList,
    BillingSyncsRetrieve,
    PauseSync,
    Reconcile,
    ResumeSync,
    TriggerConsumptionSync,
    TriggerReconciliation,
    TriggerSync,
    ConsumptionStatistics,
    ConsumptionStatus,
    PendingRecords,
    FetchBillingExport,
    FetchConsumption,
    FetchLicenseInfo,
    SyncResourceHistoricalConsumption,
    SyncResources,
    CleanupConsumption,
    ConsumptionRecordsList,
    ConsumptionRecordsRetrieve,
}

impl Operation {
    /// Every operation, in the seeds' order.
    pub const ALL: [Operation; 19] = [
        Operation::BillingSyncsList,
        Operation::BillingSyncsRetrieve,
        Operation::PauseSync,
        Operation::Reconcile,
        Operation::ResumeSync,
        Operation::TriggerConsumptionSync,
        Operation::TriggerReconciliation,
        Operation::TriggerSync,
        Operation::ConsumptionStatistics,
        Operation::ConsumptionStatus,
        Operation::PendingRecords,
        Operation::FetchBillingExport,
        Operation::FetchConsumption,
        Operation::FetchLicenseInfo,
        Operation::SyncResourceHistoricalConsumption,
        Operation::SyncResources,
        Operation::CleanupConsumption,
        Operation::ConsumptionRecordsList,
        Operation::ConsumptionRecordsRetrieve,
    ];

    /// The seed's API source name, e.g. "admin_arrow_billing_syncs_trigger_sync".
    pub fn id(self) -> &'static str {
        match self {
            Operation::BillingSyncsList => "admin_arrow_billing_syncs_list",
            Operation::BillingSyncsRetrieve => "admin_arrow_billing_syncs_retrieve",
            Operation::PauseSync => "admin_arrow_billing_syncs_pause_sync",
            Operation::Reconcile => "admin_arrow_billing_syncs_reconcile",
            Operation::ResumeSync => "admin_arrow_billing_syncs_resume_sync",
            Operation::TriggerConsumptionSync => {
                "admin_arrow_billing_syncs_trigger_consumption_sync"
            }
            Operation::TriggerReconciliation => "admin_arrow_billing_syncs_trigger_reconciliation",
            Operation::TriggerSync => "admin_arrow_billing_syncs_trigger_sync",
            Operation::ConsumptionStatistics => {
                "admin_arrow_billing_syncs_consumption_statistics_retrieve"
            }
            Operation::ConsumptionStatus => "admin_arrow_billing_syncs_consumption_status_retrieve",
            Operation::PendingRecords => "admin_arrow_billing_syncs_pending_records_list",
            Operation::FetchBillingExport => "admin_arrow_billing_syncs_fetch_billing_export",
            Operation::FetchConsumption => "admin_arrow_billing_syncs_fetch_consumption",
            Operation::FetchLicenseInfo => "admin_arrow_billing_syncs_fetch_license_info",
            Operation::SyncResourceHistoricalConsumption => {
                "admin_arrow_billing_syncs_sync_resource_historical_consumption"
            }
            Operation::SyncResources => "admin_arrow_billing_syncs_sync_resources",
            Operation::CleanupConsumption => "admin_arrow_billing_syncs_cleanup_consumption",
            Operation::ConsumptionRecordsList => "admin_arrow_consumption_records_list",
            Operation::ConsumptionRecordsRetrieve => "admin_arrow_consumption_records_retrieve",
        }
    }

    pub fn from_id(id: &str) -> Option<Operation> {
        Operation::ALL.into_iter().find(|op| op.id() == id)
    }

    pub fn method(self) -> Method {
        match self {
            Operation::BillingSyncsList
            | Operation::BillingSyncsRetrieve
            | Operation::ConsumptionStatistics
            | Operation::ConsumptionStatus
            | Operation::PendingRecords
            | Operation::ConsumptionRecordsList
            | Operation::ConsumptionRecordsRetrieve => Method::Get,
            Operation::PauseSync
            | Operation::Reconcile
            | Operation::ResumeSync
            | Operation::TriggerConsumptionSync
            | Operation::TriggerReconciliation
            | Operation::TriggerSync
            | Operation::FetchBillingExport
            | Operation::FetchConsumption
            | Operation::FetchLicenseInfo
            | Operation::SyncResourceHistoricalConsumption
            | Operation::SyncResources
            | Operation::CleanupConsumption => Method::Post,
        }
    }

    /// A paginated list: a bare JSON array with `Link` and `X-Result-Count` headers, taking page/page_size.
    pub fn is_list(self) -> bool {
        matches!(
            self,
            Operation::BillingSyncsList
                | Operation::PendingRecords
                | Operation::ConsumptionRecordsList
        )
    }

    /// The URL path, with `{uuid}` where the retrieve operations take their path parameter.
    pub fn path(self) -> &'static str {
        match self {
            Operation::BillingSyncsList => "/api/admin/arrow/billing-syncs/",
            Operation::BillingSyncsRetrieve => "/api/admin/arrow/billing-syncs/{uuid}/",
            Operation::PauseSync => "/api/admin/arrow/billing-syncs/pause_sync/",
            Operation::Reconcile => "/api/admin/arrow/billing-syncs/reconcile/",
            Operation::ResumeSync => "/api/admin/arrow/billing-syncs/resume_sync/",
            Operation::TriggerConsumptionSync => {
                "/api/admin/arrow/billing-syncs/trigger_consumption_sync/"
            }
            Operation::TriggerReconciliation => {
                "/api/admin/arrow/billing-syncs/trigger_reconciliation/"
            }
            Operation::TriggerSync => "/api/admin/arrow/billing-syncs/trigger_sync/",
            Operation::ConsumptionStatistics => {
                "/api/admin/arrow/billing-syncs/consumption_statistics/"
            }
            Operation::ConsumptionStatus => "/api/admin/arrow/billing-syncs/consumption_status/",
            Operation::PendingRecords => "/api/admin/arrow/billing-syncs/pending_records/",
            Operation::FetchBillingExport => "/api/admin/arrow/billing-syncs/fetch_billing_export/",
            Operation::FetchConsumption => "/api/admin/arrow/billing-syncs/fetch_consumption/",
            Operation::FetchLicenseInfo => "/api/admin/arrow/billing-syncs/fetch_license_info/",
            Operation::SyncResourceHistoricalConsumption => {
                "/api/admin/arrow/billing-syncs/sync_resource_historical_consumption/"
            }
            Operation::SyncResources => "/api/admin/arrow/billing-syncs/sync_resources/",
            Operation::CleanupConsumption => "/api/admin/arrow/billing-syncs/cleanup_consumption/",
            Operation::ConsumptionRecordsList => "/api/admin/arrow/consumption-records/",
            Operation::ConsumptionRecordsRetrieve => "/api/admin/arrow/consumption-records/{uuid}/",
        }
    }
}

impl fmt::Display for Operation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_round_trip_and_are_unique() {
        for op in Operation::ALL {
            assert_eq!(Operation::from_id(op.id()), Some(op));
            assert!(op.id().starts_with("admin_arrow_"));
        }
        let mut ids: Vec<_> = Operation::ALL.iter().map(|op| op.id()).collect();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), 19);
        assert_eq!(Operation::from_id("admin_arrow_billing_syncs"), None);
        assert_eq!(Operation::from_id(""), None);
    }

    #[test]
    fn methods_lists_and_paths_match_the_seeds() {
        let gets: Vec<_> = Operation::ALL
            .into_iter()
            .filter(|op| op.method() == Method::Get)
            .collect();
        assert_eq!(gets.len(), 7);
        let lists: Vec<_> = Operation::ALL
            .into_iter()
            .filter(|op| op.is_list())
            .collect();
        assert_eq!(
            lists,
            [
                Operation::BillingSyncsList,
                Operation::PendingRecords,
                Operation::ConsumptionRecordsList
            ]
        );
        assert!(lists.iter().all(|op| op.method() == Method::Get));
        let with_uuid: Vec<_> = Operation::ALL
            .into_iter()
            .filter(|op| op.path().contains("{uuid}"))
            .collect();
        assert_eq!(
            with_uuid,
            [
                Operation::BillingSyncsRetrieve,
                Operation::ConsumptionRecordsRetrieve
            ]
        );
        assert_eq!(Operation::CleanupConsumption.method().to_string(), "POST");
        assert_eq!(
            Operation::TriggerSync.to_string(),
            "admin_arrow_billing_syncs_trigger_sync"
        );
    }
}
