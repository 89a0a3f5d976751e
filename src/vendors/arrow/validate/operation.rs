//! The operations of the admin Arrow API: the 19 of seeds 000 and 001 and the 32 of Waldur's newest source
//! (billing-sync-items, customer-mappings, settings, vendor-offering-mappings), by the official client's
//! module names (`waldur_api_client.api.admin.<id>`).

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
    BillingSyncItemsList,
    BillingSyncItemsRetrieve,
    CustomerMappingsList,
    CustomerMappingsCreate,
    CustomerMappingsRetrieve,
    CustomerMappingsUpdate,
    CustomerMappingsPartialUpdate,
    CustomerMappingsDestroy,
    CustomerMappingsSyncFromArrow,
    CustomerMappingsAvailableCustomers,
    CustomerMappingsBillingSummary,
    CustomerMappingsFetchArrowData,
    CustomerMappingsDiscoverLicenses,
    CustomerMappingsLinkResource,
    CustomerMappingsImportLicense,
    SettingsList,
    SettingsCreate,
    SettingsRetrieve,
    SettingsUpdate,
    SettingsPartialUpdate,
    SettingsDestroy,
    SettingsValidateCredentials,
    SettingsDiscoverCustomers,
    SettingsPreviewSettings,
    SettingsSaveSettings,
    VendorMappingsList,
    VendorMappingsCreate,
    VendorMappingsRetrieve,
    VendorMappingsUpdate,
    VendorMappingsPartialUpdate,
    VendorMappingsDestroy,
    VendorMappingsVendorChoices,
}

/// One row of the operation table: id, method, path (with `{uuid}` where the path names an object), list.
struct Spec(&'static str, Method, &'static str, bool);

impl Operation {
    /// Every operation: the seeds' 19 in the seeds' order, then the newest source's 32.
    pub const ALL: [Operation; 51] = [
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
        Operation::BillingSyncItemsList,
        Operation::BillingSyncItemsRetrieve,
        Operation::CustomerMappingsList,
        Operation::CustomerMappingsCreate,
        Operation::CustomerMappingsRetrieve,
        Operation::CustomerMappingsUpdate,
        Operation::CustomerMappingsPartialUpdate,
        Operation::CustomerMappingsDestroy,
        Operation::CustomerMappingsSyncFromArrow,
        Operation::CustomerMappingsAvailableCustomers,
        Operation::CustomerMappingsBillingSummary,
        Operation::CustomerMappingsFetchArrowData,
        Operation::CustomerMappingsDiscoverLicenses,
        Operation::CustomerMappingsLinkResource,
        Operation::CustomerMappingsImportLicense,
        Operation::SettingsList,
        Operation::SettingsCreate,
        Operation::SettingsRetrieve,
        Operation::SettingsUpdate,
        Operation::SettingsPartialUpdate,
        Operation::SettingsDestroy,
        Operation::SettingsValidateCredentials,
        Operation::SettingsDiscoverCustomers,
        Operation::SettingsPreviewSettings,
        Operation::SettingsSaveSettings,
        Operation::VendorMappingsList,
        Operation::VendorMappingsCreate,
        Operation::VendorMappingsRetrieve,
        Operation::VendorMappingsUpdate,
        Operation::VendorMappingsPartialUpdate,
        Operation::VendorMappingsDestroy,
        Operation::VendorMappingsVendorChoices,
    ];

    fn spec(self) -> Spec {
        use Method::{Delete, Get, Patch, Post, Put};
        match self {
            Operation::BillingSyncsList => Spec(
                "admin_arrow_billing_syncs_list",
                Get,
                "/api/admin/arrow/billing-syncs/",
                true,
            ),
            Operation::BillingSyncsRetrieve => Spec(
                "admin_arrow_billing_syncs_retrieve",
                Get,
                "/api/admin/arrow/billing-syncs/{uuid}/",
                false,
            ),
            Operation::PauseSync => Spec(
                "admin_arrow_billing_syncs_pause_sync",
                Post,
                "/api/admin/arrow/billing-syncs/pause_sync/",
                false,
            ),
            Operation::Reconcile => Spec(
                "admin_arrow_billing_syncs_reconcile",
                Post,
                "/api/admin/arrow/billing-syncs/reconcile/",
                false,
            ),
            Operation::ResumeSync => Spec(
                "admin_arrow_billing_syncs_resume_sync",
                Post,
                "/api/admin/arrow/billing-syncs/resume_sync/",
                false,
            ),
            Operation::TriggerConsumptionSync => Spec(
                "admin_arrow_billing_syncs_trigger_consumption_sync",
                Post,
                "/api/admin/arrow/billing-syncs/trigger_consumption_sync/",
                false,
            ),
            Operation::TriggerReconciliation => Spec(
                "admin_arrow_billing_syncs_trigger_reconciliation",
                Post,
                "/api/admin/arrow/billing-syncs/trigger_reconciliation/",
                false,
            ),
            Operation::TriggerSync => Spec(
                "admin_arrow_billing_syncs_trigger_sync",
                Post,
                "/api/admin/arrow/billing-syncs/trigger_sync/",
                false,
            ),
            Operation::ConsumptionStatistics => Spec(
                "admin_arrow_billing_syncs_consumption_statistics_retrieve",
                Get,
                "/api/admin/arrow/billing-syncs/consumption_statistics/",
                false,
            ),
            Operation::ConsumptionStatus => Spec(
                "admin_arrow_billing_syncs_consumption_status_retrieve",
                Get,
                "/api/admin/arrow/billing-syncs/consumption_status/",
                false,
            ),
            Operation::PendingRecords => Spec(
                "admin_arrow_billing_syncs_pending_records_list",
                Get,
                "/api/admin/arrow/billing-syncs/pending_records/",
                true,
            ),
            Operation::FetchBillingExport => Spec(
                "admin_arrow_billing_syncs_fetch_billing_export",
                Post,
                "/api/admin/arrow/billing-syncs/fetch_billing_export/",
                false,
            ),
            Operation::FetchConsumption => Spec(
                "admin_arrow_billing_syncs_fetch_consumption",
                Post,
                "/api/admin/arrow/billing-syncs/fetch_consumption/",
                false,
            ),
            Operation::FetchLicenseInfo => Spec(
                "admin_arrow_billing_syncs_fetch_license_info",
                Post,
                "/api/admin/arrow/billing-syncs/fetch_license_info/",
                false,
            ),
            Operation::SyncResourceHistoricalConsumption => Spec(
                "admin_arrow_billing_syncs_sync_resource_historical_consumption",
                Post,
                "/api/admin/arrow/billing-syncs/sync_resource_historical_consumption/",
                false,
            ),
            Operation::SyncResources => Spec(
                "admin_arrow_billing_syncs_sync_resources",
                Post,
                "/api/admin/arrow/billing-syncs/sync_resources/",
                false,
            ),
            Operation::CleanupConsumption => Spec(
                "admin_arrow_billing_syncs_cleanup_consumption",
                Post,
                "/api/admin/arrow/billing-syncs/cleanup_consumption/",
                false,
            ),
            Operation::ConsumptionRecordsList => Spec(
                "admin_arrow_consumption_records_list",
                Get,
                "/api/admin/arrow/consumption-records/",
                true,
            ),
            Operation::ConsumptionRecordsRetrieve => Spec(
                "admin_arrow_consumption_records_retrieve",
                Get,
                "/api/admin/arrow/consumption-records/{uuid}/",
                false,
            ),
            Operation::BillingSyncItemsList => Spec(
                "admin_arrow_billing_sync_items_list",
                Get,
                "/api/admin/arrow/billing-sync-items/",
                true,
            ),
            Operation::BillingSyncItemsRetrieve => Spec(
                "admin_arrow_billing_sync_items_retrieve",
                Get,
                "/api/admin/arrow/billing-sync-items/{uuid}/",
                false,
            ),
            Operation::CustomerMappingsList => Spec(
                "admin_arrow_customer_mappings_list",
                Get,
                "/api/admin/arrow/customer-mappings/",
                true,
            ),
            Operation::CustomerMappingsCreate => Spec(
                "admin_arrow_customer_mappings_create",
                Post,
                "/api/admin/arrow/customer-mappings/",
                false,
            ),
            Operation::CustomerMappingsRetrieve => Spec(
                "admin_arrow_customer_mappings_retrieve",
                Get,
                "/api/admin/arrow/customer-mappings/{uuid}/",
                false,
            ),
            Operation::CustomerMappingsUpdate => Spec(
                "admin_arrow_customer_mappings_update",
                Put,
                "/api/admin/arrow/customer-mappings/{uuid}/",
                false,
            ),
            Operation::CustomerMappingsPartialUpdate => Spec(
                "admin_arrow_customer_mappings_partial_update",
                Patch,
                "/api/admin/arrow/customer-mappings/{uuid}/",
                false,
            ),
            Operation::CustomerMappingsDestroy => Spec(
                "admin_arrow_customer_mappings_destroy",
                Delete,
                "/api/admin/arrow/customer-mappings/{uuid}/",
                false,
            ),
            Operation::CustomerMappingsSyncFromArrow => Spec(
                "admin_arrow_customer_mappings_sync_from_arrow",
                Post,
                "/api/admin/arrow/customer-mappings/sync_from_arrow/",
                false,
            ),
            Operation::CustomerMappingsAvailableCustomers => Spec(
                "admin_arrow_customer_mappings_available_customers_retrieve",
                Get,
                "/api/admin/arrow/customer-mappings/available_customers/",
                false,
            ),
            Operation::CustomerMappingsBillingSummary => Spec(
                "admin_arrow_customer_mappings_billing_summary_retrieve",
                Get,
                "/api/admin/arrow/customer-mappings/{uuid}/billing_summary/",
                false,
            ),
            Operation::CustomerMappingsFetchArrowData => Spec(
                "admin_arrow_customer_mappings_fetch_arrow_data_retrieve",
                Get,
                "/api/admin/arrow/customer-mappings/{uuid}/fetch_arrow_data/",
                false,
            ),
            Operation::CustomerMappingsDiscoverLicenses => Spec(
                "admin_arrow_customer_mappings_discover_licenses_retrieve",
                Get,
                "/api/admin/arrow/customer-mappings/{uuid}/discover_licenses/",
                false,
            ),
            Operation::CustomerMappingsLinkResource => Spec(
                "admin_arrow_customer_mappings_link_resource",
                Post,
                "/api/admin/arrow/customer-mappings/{uuid}/link_resource/",
                false,
            ),
            Operation::CustomerMappingsImportLicense => Spec(
                "admin_arrow_customer_mappings_import_license",
                Post,
                "/api/admin/arrow/customer-mappings/{uuid}/import_license/",
                false,
            ),
            Operation::SettingsList => Spec(
                "admin_arrow_settings_list",
                Get,
                "/api/admin/arrow/settings/",
                true,
            ),
            Operation::SettingsCreate => Spec(
                "admin_arrow_settings_create",
                Post,
                "/api/admin/arrow/settings/",
                false,
            ),
            Operation::SettingsRetrieve => Spec(
                "admin_arrow_settings_retrieve",
                Get,
                "/api/admin/arrow/settings/{uuid}/",
                false,
            ),
            Operation::SettingsUpdate => Spec(
                "admin_arrow_settings_update",
                Put,
                "/api/admin/arrow/settings/{uuid}/",
                false,
            ),
            Operation::SettingsPartialUpdate => Spec(
                "admin_arrow_settings_partial_update",
                Patch,
                "/api/admin/arrow/settings/{uuid}/",
                false,
            ),
            Operation::SettingsDestroy => Spec(
                "admin_arrow_settings_destroy",
                Delete,
                "/api/admin/arrow/settings/{uuid}/",
                false,
            ),
            Operation::SettingsValidateCredentials => Spec(
                "admin_arrow_settings_validate_credentials",
                Post,
                "/api/admin/arrow/settings/validate_credentials/",
                false,
            ),
            Operation::SettingsDiscoverCustomers => Spec(
                "admin_arrow_settings_discover_customers",
                Post,
                "/api/admin/arrow/settings/discover_customers/",
                false,
            ),
            Operation::SettingsPreviewSettings => Spec(
                "admin_arrow_settings_preview_settings",
                Post,
                "/api/admin/arrow/settings/preview_settings/",
                false,
            ),
            Operation::SettingsSaveSettings => Spec(
                "admin_arrow_settings_save_settings",
                Post,
                "/api/admin/arrow/settings/save_settings/",
                false,
            ),
            Operation::VendorMappingsList => Spec(
                "admin_arrow_vendor_offering_mappings_list",
                Get,
                "/api/admin/arrow/vendor-offering-mappings/",
                true,
            ),
            Operation::VendorMappingsCreate => Spec(
                "admin_arrow_vendor_offering_mappings_create",
                Post,
                "/api/admin/arrow/vendor-offering-mappings/",
                false,
            ),
            Operation::VendorMappingsRetrieve => Spec(
                "admin_arrow_vendor_offering_mappings_retrieve",
                Get,
                "/api/admin/arrow/vendor-offering-mappings/{uuid}/",
                false,
            ),
            Operation::VendorMappingsUpdate => Spec(
                "admin_arrow_vendor_offering_mappings_update",
                Put,
                "/api/admin/arrow/vendor-offering-mappings/{uuid}/",
                false,
            ),
            Operation::VendorMappingsPartialUpdate => Spec(
                "admin_arrow_vendor_offering_mappings_partial_update",
                Patch,
                "/api/admin/arrow/vendor-offering-mappings/{uuid}/",
                false,
            ),
            Operation::VendorMappingsDestroy => Spec(
                "admin_arrow_vendor_offering_mappings_destroy",
                Delete,
                "/api/admin/arrow/vendor-offering-mappings/{uuid}/",
                false,
            ),
            Operation::VendorMappingsVendorChoices => Spec(
                "admin_arrow_vendor_offering_mappings_vendor_choices_list",
                Get,
                "/api/admin/arrow/vendor-offering-mappings/vendor_choices/",
                false,
            ),
        }
    }

    /// The API source name, e.g. "admin_arrow_billing_syncs_trigger_sync" (the official client's module).
    pub fn id(self) -> &'static str {
        self.spec().0
    }

    pub fn from_id(id: &str) -> Option<Operation> {
        Operation::ALL.into_iter().find(|op| op.id() == id)
    }

    pub fn method(self) -> Method {
        self.spec().1
    }

    /// A paginated list: a bare JSON array with `Link` and `X-Result-Count` headers, taking page/page_size.
    pub fn is_list(self) -> bool {
        self.spec().3
    }

    /// The URL path, with `{uuid}` where the operation takes its object's uuid from the path.
    pub fn path(self) -> &'static str {
        self.spec().2
    }

    /// Whether the operation is one of the seeds' 19 (the rest are the newest source's).
    pub fn in_seeds(self) -> bool {
        self <= Operation::ConsumptionRecordsRetrieve
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
        assert_eq!(ids.len(), 51);
        assert_eq!(Operation::ALL.iter().filter(|op| op.in_seeds()).count(), 19);
        assert_eq!(Operation::from_id("admin_arrow_billing_syncs"), None);
        assert_eq!(Operation::from_id(""), None);
        // Every (path, method) names one operation.
        let mut routes: Vec<_> = Operation::ALL
            .iter()
            .map(|op| (op.path(), op.method()))
            .collect();
        routes.sort_by_key(|(p, m)| (*p, m.as_str()));
        routes.dedup();
        assert_eq!(routes.len(), 51);
    }

    #[test]
    fn methods_lists_and_paths_match_the_seeds() {
        let seeds: Vec<_> = Operation::ALL
            .into_iter()
            .filter(|op| op.in_seeds())
            .collect();
        let gets = seeds.iter().filter(|op| op.method() == Method::Get).count();
        assert_eq!(gets, 7);
        let lists: Vec<_> = Operation::ALL
            .into_iter()
            .filter(|op| op.is_list())
            .collect();
        assert_eq!(
            lists,
            [
                Operation::BillingSyncsList,
                Operation::PendingRecords,
                Operation::ConsumptionRecordsList,
                Operation::BillingSyncItemsList,
                Operation::CustomerMappingsList,
                Operation::SettingsList,
                Operation::VendorMappingsList,
            ]
        );
        assert!(lists.iter().all(|op| op.method() == Method::Get));
        let with_uuid: Vec<_> = seeds
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
        assert_eq!(Operation::SettingsDestroy.method().to_string(), "DELETE");
        assert_eq!(
            Operation::TriggerSync.to_string(),
            "admin_arrow_billing_syncs_trigger_sync"
        );
    }
}
