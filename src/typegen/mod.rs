//! The package's generated TypeScript: requests, records, settings, the changeset, engine responses and the
//! error codes, derived from the Rust types with ts-rs (`#[cfg_attr(test, derive(ts_rs::TS))]` beside each
//! type). `src/wasm/generated.d.ts` is included in the wasm-bindgen declarations (a typescript custom
//! section), and the test below fails when it differs from what the types generate. To regenerate:
//! `BILLSYNC_WRITE_TYPES=1 cargo test --lib typegen` (or `make types`).

use ts_rs::TS;

mod responses;

use crate::error::Error;

/// Types that serialize as a string (or, flattened, as the seed's `year` and `month`).
macro_rules! ts_as {
    ($($ty:ty => $name:literal $(, flattened $flat:literal)?;)*) => {$(
        impl TS for $ty {
            type WithoutGenerics = Self;
            fn name() -> String {
                $name.to_owned()
            }
            fn inline() -> String {
                $name.to_owned()
            }
            fn inline_flattened() -> String {
                let flat: Option<&str> = None $(.or(Some($flat)))?;
                flat.map(str::to_owned)
                    .unwrap_or_else(|| panic!("{} cannot be flattened", $name))
            }
            fn decl() -> String {
                panic!("{} is not declared", $name)
            }
            fn decl_concrete() -> String {
                panic!("{} is not declared", $name)
            }
        }
    )*};
}

ts_as! {
    crate::ids::Uuid => "string";
    crate::ledger::SourceKey => "string";
    crate::vendors::soracom::ExportMode => "\"sync\" | \"async\"";
    crate::money::Currency => "string";
    crate::timestamp::Timestamp => "string";
    crate::period::Period => "string", flattened "{ year: number, month: number }";
    crate::vendors::arrow::billing_sync::SyncState => "1 | 2 | 3 | 4";
    crate::money::Rendered => "string";
    // A preview row's source, under each vendor's name for it (only ever flattened into the row).
    crate::ledger::preview::Labelled => "never", flattened "{ license_reference?: string, subscriber?: string }";
}

/// `export type X = ...;` with its doc comment.
fn declare<T: TS>(out: &mut String) {
    if let Some(docs) = T::DOCS {
        out.push_str(docs);
        if !docs.ends_with('\n') {
            out.push('\n');
        }
    }
    out.push_str("export ");
    out.push_str(&T::decl());
    out.push('\n');
}

/// The TypeScript name of the request `operation` takes, and the smallest input it accepts (its required
/// fields only).
pub(crate) fn request_of(
    operation: crate::vendors::arrow::validate::Operation,
) -> (String, serde_json::Value) {
    use crate::vendors::arrow::validate::{self as arrow, Operation as O};
    use serde_json::json;
    let month = json!({ "year": 2025, "month": 1 });
    let none = json!({});
    match operation {
        O::BillingSyncsList | O::PendingRecords => (arrow::BillingSyncQuery::name(), none),
        O::BillingSyncsRetrieve | O::ConsumptionRecordsRetrieve => (
            arrow::UuidLookup::name(),
            json!({ "uuid": "5e771a65-0000-4000-8000-000000000001" }),
        ),
        O::PauseSync | O::ResumeSync => (arrow::SyncPauseRequest::name(), none),
        O::Reconcile | O::TriggerReconciliation => (arrow::ReconciliationRequest::name(), month),
        O::TriggerConsumptionSync => (arrow::ConsumptionSyncRequest::name(), month),
        O::TriggerSync => (arrow::StatementSyncRequest::name(), month),
        O::ConsumptionStatistics | O::ConsumptionStatus => (arrow::NoParameters::name(), none),
        O::FetchBillingExport => (
            arrow::BillingExportRequest::name(),
            json!({ "period_from": "2025-01", "period_to": "2025-01" }),
        ),
        O::FetchConsumption => (
            arrow::ConsumptionFetchRequest::name(),
            json!({ "license_reference": "XSP1", "period": "2025-01" }),
        ),
        O::FetchLicenseInfo => (
            arrow::LicenseInfoRequest::name(),
            json!({ "license_reference": "XSP1" }),
        ),
        O::SyncResourceHistoricalConsumption => (
            arrow::HistoricalConsumptionRequest::name(),
            json!({ "resource_uuid": "aaaaaaaa-0000-4000-8000-000000000001" }),
        ),
        O::SyncResources => (arrow::ResourceSyncRequest::name(), none),
        O::CleanupConsumption => (arrow::CleanupConsumptionRequest::name(), none),
        O::ConsumptionRecordsList => (arrow::ConsumptionRecordQuery::name(), none),
        O::BillingSyncItemsList => (arrow::BillingSyncItemQuery::name(), none),
        O::BillingSyncItemsRetrieve
        | O::CustomerMappingsRetrieve
        | O::CustomerMappingsDestroy
        | O::CustomerMappingsBillingSummary
        | O::CustomerMappingsFetchArrowData
        | O::CustomerMappingsDiscoverLicenses
        | O::SettingsRetrieve
        | O::SettingsDestroy
        | O::VendorMappingsRetrieve
        | O::VendorMappingsDestroy => (arrow::UuidLookup::name(), json!({ "uuid": ID })),
        O::CustomerMappingsList => (arrow::CustomerMappingQuery::name(), none),
        O::CustomerMappingsCreate => (
            arrow::CustomerMappingWrite::name(),
            json!({ "settings": ID, "arrow_reference": "XSP1", "waldur_customer": ID }),
        ),
        O::CustomerMappingsUpdate => (
            arrow::CustomerMappingWrite::name(),
            json!({ "uuid": ID, "settings": ID, "arrow_reference": "XSP1", "waldur_customer": ID }),
        ),
        O::CustomerMappingsPartialUpdate => {
            (arrow::CustomerMappingWrite::name(), json!({ "uuid": ID }))
        }
        O::CustomerMappingsSyncFromArrow | O::VendorMappingsVendorChoices => {
            (arrow::SyncFromArrowRequest::name(), none)
        }
        O::CustomerMappingsAvailableCustomers => (arrow::NoParameters::name(), none),
        O::CustomerMappingsLinkResource => (
            arrow::LinkResourceRequest::name(),
            json!({ "uuid": ID, "resource_uuid": ID, "license_reference": "XSP1" }),
        ),
        O::CustomerMappingsImportLicense => (
            arrow::ImportLicenseRequest::name(),
            json!({ "uuid": ID, "license_reference": "XSP1", "offering_uuid": ID, "project_uuid": ID }),
        ),
        O::SettingsList => (arrow::SettingsQuery::name(), none),
        O::SettingsCreate => (
            arrow::SettingsWrite::name(),
            json!({ "api_url": "https://arrow.example", "api_key": "k" }),
        ),
        O::SettingsUpdate => (
            arrow::SettingsWrite::name(),
            json!({ "uuid": ID, "api_url": "https://arrow.example" }),
        ),
        O::SettingsPartialUpdate => (arrow::SettingsWrite::name(), json!({ "uuid": ID })),
        O::SettingsValidateCredentials | O::SettingsDiscoverCustomers => (
            arrow::CredentialsRequest::name(),
            json!({ "api_url": "https://arrow.example", "api_key": "k" }),
        ),
        O::SettingsPreviewSettings | O::SettingsSaveSettings => (
            arrow::SaveSettingsRequest::name(),
            json!({ "api_url": "https://arrow.example", "api_key": "k" }),
        ),
        O::VendorMappingsList => (arrow::VendorMappingQuery::name(), none),
        O::VendorMappingsCreate => (
            arrow::VendorMappingWrite::name(),
            json!({ "settings": ID, "arrow_vendor_name": "Microsoft", "offering": ID, "plan": ID }),
        ),
        O::VendorMappingsUpdate => (
            arrow::VendorMappingWrite::name(),
            json!({ "uuid": ID, "settings": ID, "arrow_vendor_name": "Microsoft", "offering": ID, "plan": ID }),
        ),
        O::VendorMappingsPartialUpdate => {
            (arrow::VendorMappingWrite::name(), json!({ "uuid": ID }))
        }
    }
}

/// A uuid for the smallest inputs.
const ID: &str = "5e771a65-0000-4000-8000-000000000001";

/// `ArrowOperationId`, and `ValidatedRequests`: what `validateRequest` returns for each operation id. A
/// field the input may leave out comes back with its default, or null: which, is read from what the
/// validation really returns for the smallest input.
fn validated_requests(out: &mut String) {
    use crate::vendors::arrow::validate::{validate_request, Operation};
    out.push_str(
        "/**\n * A request as `validateRequest` returns it: every field present. A field the input may leave \
         out is\n * its default (the `Defaulted` keys) or null.\n */\n\
         export type Validated<T, Defaulted extends keyof T = never> = { [K in keyof T]-?: undefined extends \
         T[K] ? (K extends Defaulted ? Exclude<T[K], undefined> : Exclude<T[K], undefined> | null) : T[K] };\n",
    );
    let ids: Vec<String> = Operation::ALL
        .iter()
        .map(|op| format!("\"{}\"", op.id()))
        .collect();
    out.push_str("/** The operation ids of Arrow's API (the seeds' API source names). */\n");
    out.push_str(&format!(
        "export type ArrowOperationId = {};\n",
        ids.join(" | ")
    ));
    out.push_str("/** What `validateRequest(operationId, input)` returns, by operation id. */\n");
    out.push_str("export type ValidatedRequests = {\n");
    for operation in Operation::ALL {
        let (name, smallest) = request_of(operation);
        let output = validate_request(operation.id(), &smallest)
            .unwrap_or_else(|e| panic!("{} refused {smallest}: {e}", operation.id()));
        let defaulted: Vec<String> = output
            .as_object()
            .unwrap_or_else(|| panic!("{} did not return an object", operation.id()))
            .iter()
            .filter(|(key, value)| !value.is_null() && smallest.get(key.as_str()).is_none())
            .map(|(key, _)| format!("\"{key}\""))
            .collect();
        let validated = if defaulted.is_empty() {
            format!("Validated<{name}>")
        } else {
            format!("Validated<{name}, {}>", defaulted.join(" | "))
        };
        out.push_str(&format!("  {}: {validated};\n", operation.id()));
    }
    out.push_str("};\n");
}

/// `TableName` and `StoreTables`, from the engine's own list of tables (every vendor's), so that a table a
/// vendor adds is typed the day it is added.
fn store_tables(out: &mut String) {
    let tables = crate::engine::tables::TABLES;
    let names: Vec<String> = tables.iter().map(|t| format!("\"{t}\"")).collect();
    out.push_str(
        "/** The tables the engine reads and writes, every vendor's (src/engine/tables.rs). A store keeps rows \
         by table name and knows no row type. */\n",
    );
    out.push_str(&format!("export type TableName = {};\n", names.join(" | ")));
    out.push_str(
        "/** The tables of a store, as `createMemoryStore` takes them and `snapshot()` returns them; \
         `global_sync_enabled: false` is short for the global switch's row. */\n",
    );
    out.push_str("export interface StoreTables {\n");
    for table in tables {
        out.push_str(&format!("  {table}?: Array<Record<string, unknown>>;\n"));
    }
    out.push_str("  global_sync_enabled?: boolean;\n}\n");
}

/// The whole generated file.
pub fn generated() -> String {
    use crate::ledger as changeset;
    use crate::ledger as consumption_record;
    use crate::ledger as host;
    use crate::ledger as invoice_item;
    use crate::ledger as policy;
    use crate::vendors::arrow::{
        admin_views as admin, billing_sync, query as arrow_query, render as arrow_render,
        responses as arrow_responses, settings as arrow_settings, statements, validate as arrow,
        vendor_mapping, wizard,
    };
    use crate::vendors::soracom::{
        daily_vs_monthly as soracom_daily, records as soracom_records,
        responses as soracom_responses, settings as soracom_settings, validate as soracom,
    };

    let mut out = String::from(
        "// GENERATED from the Rust types by src/typegen.rs (ts-rs): do not edit. Regenerate with `make types`.\n",
    );
    let codes: Vec<String> = Error::ALL_CODES
        .iter()
        .map(|c| format!("\"{c}\""))
        .collect();
    out.push_str("/** Every code a BillsyncError can carry (src/error.rs). Stable: hosts may switch on them. */\n");
    out.push_str(&format!(
        "export type BillsyncErrorCode = {};\n",
        codes.join(" | ")
    ));

    out.push_str("\n// Requests: what each engine method takes (validated and normalised as the REST API does).\n");
    declare::<arrow::BillingSyncQuery>(&mut out);
    declare::<arrow::ConsumptionRecordQuery>(&mut out);
    declare::<arrow::UuidLookup>(&mut out);
    declare::<arrow::BillingExportRequest>(&mut out);
    declare::<arrow::ConsumptionFetchRequest>(&mut out);
    declare::<arrow::LicenseInfoRequest>(&mut out);
    declare::<arrow::HistoricalConsumptionRequest>(&mut out);
    declare::<arrow::ResourceSyncRequest>(&mut out);
    declare::<arrow::CleanupConsumptionRequest>(&mut out);
    declare::<arrow::StatementSyncRequest>(&mut out);
    declare::<arrow::ConsumptionSyncRequest>(&mut out);
    declare::<arrow::ReconciliationRequest>(&mut out);
    declare::<arrow::SyncPauseRequest>(&mut out);
    declare::<arrow::NoParameters>(&mut out);
    declare::<arrow::BillingSyncItemQuery>(&mut out);
    declare::<arrow::CustomerMappingQuery>(&mut out);
    declare::<arrow::CustomerMappingWrite>(&mut out);
    declare::<arrow::SyncFromArrowRequest>(&mut out);
    declare::<arrow::LinkResourceRequest>(&mut out);
    declare::<arrow::ImportLicenseRequest>(&mut out);
    declare::<arrow::SettingsQuery>(&mut out);
    declare::<arrow::SettingsWrite>(&mut out);
    declare::<arrow::CredentialsRequest>(&mut out);
    declare::<arrow::CustomerMappingInput>(&mut out);
    declare::<arrow::SaveSettingsRequest>(&mut out);
    declare::<arrow::VendorMappingQuery>(&mut out);
    declare::<arrow::VendorMappingWrite>(&mut out);
    declare::<responses::DryRunOption>(&mut out);
    declare::<soracom::MonthRequest>(&mut out);
    declare::<soracom::RecordQuery>(&mut out);
    declare::<crate::vendors::invoice_items::InvoiceItemQuery>(&mut out);
    validated_requests(&mut out);

    out.push_str("\n// The store's tables, and their rows: records and settings.\n");
    store_tables(&mut out);
    declare::<consumption_record::ConsumptionRecord>(&mut out);
    declare::<invoice_item::InvoiceItemKind>(&mut out);
    declare::<invoice_item::InvoiceItem>(&mut out);
    declare::<host::Customer>(&mut out);
    declare::<host::Project>(&mut out);
    declare::<host::Resource>(&mut out);
    declare::<billing_sync::ArrowState>(&mut out);
    declare::<billing_sync::BillingSyncItem>(&mut out);
    declare::<billing_sync::BillingSync>(&mut out);
    declare::<policy::PriceSource>(&mut out);
    declare::<arrow_settings::ValidationRule>(&mut out);
    declare::<arrow_settings::ArrowSettings>(&mut out);
    declare::<arrow_settings::CustomerMapping>(&mut out);
    declare::<vendor_mapping::VendorOfferingMapping>(&mut out);
    declare::<vendor_mapping::Offering>(&mut out);
    declare::<vendor_mapping::Plan>(&mut out);
    declare::<soracom_settings::Granularity>(&mut out);
    declare::<soracom_settings::SoracomSettings>(&mut out);

    out.push_str("\n// The changeset: everything an operation writes, applied all or nothing.\n");
    declare::<changeset::WriteOp>(&mut out);
    declare::<changeset::Write>(&mut out);
    declare::<changeset::Changeset>(&mut out);
    declare::<crate::ledger::RecordAction>(&mut out);
    declare::<crate::ledger::PreviewRow>(&mut out);
    declare::<crate::ledger::PreviewTotal>(&mut out);
    declare::<crate::ledger::PreviewSummary>(&mut out);
    declare::<crate::ledger::ReconciliationPreview>(&mut out);

    out.push_str("\n// Responses: what each engine method resolves to.\n");
    declare::<responses::OperationDryRun>(&mut out);
    declare::<responses::OperationCommitted>(&mut out);
    declare::<responses::OperationOutcome>(&mut out);
    declare::<responses::ConsumptionSyncError>(&mut out);
    declare::<responses::UnbillableResource>(&mut out);
    declare::<responses::ConsumptionSyncErrorDetail>(&mut out);
    declare::<responses::ConsumptionSyncCounters>(&mut out);
    declare::<responses::ConsumptionSyncResponse>(&mut out);
    declare::<responses::RecordErrorDetail>(&mut out);
    declare::<responses::ReconciliationCounters>(&mut out);
    declare::<responses::ConsumptionReconciliationResponse>(&mut out);
    declare::<statements::StatementSyncError>(&mut out);
    declare::<crate::vendors::arrow::unowned::UnownedStatementLine>(&mut out);
    declare::<statements::StatementSyncErrorDetail>(&mut out);
    declare::<statements::BillingSyncCounters>(&mut out);
    declare::<responses::StatementSyncResponse>(&mut out);
    declare::<statements::StatementReconciliationError>(&mut out);
    declare::<statements::StatementCounters>(&mut out);
    declare::<responses::StatementReconciliationResponse>(&mut out);
    declare::<arrow_responses::SyncPaused>(&mut out);
    declare::<arrow_responses::SyncResumed>(&mut out);
    declare::<responses::PeriodStatistics>(&mut out);
    declare::<crate::ledger::CurrencyTotals>(&mut out);
    declare::<crate::ledger::PeriodTotals>(&mut out);
    declare::<crate::ledger::RecordStatistics>(&mut out);
    declare::<responses::ConsumptionStatistics>(&mut out);
    declare::<arrow_query::ConsumptionStatus>(&mut out);
    declare::<arrow_render::ConsumptionRecordView>(&mut out);
    declare::<arrow_render::PendingRecordView>(&mut out);
    declare::<arrow_render::BillingSyncItemView>(&mut out);
    declare::<arrow_render::BillingSyncView>(&mut out);
    declare::<arrow_responses::BillingExportResponse>(&mut out);
    declare::<arrow_responses::ConsumptionFetchResponse>(&mut out);
    declare::<arrow_responses::LicenseInfoResponse>(&mut out);
    declare::<arrow_responses::HistoricalConsumptionResponse>(&mut out);
    declare::<arrow_responses::ResourceSyncResponse>(&mut out);
    declare::<arrow_query::CleanupResponse>(&mut out);
    declare::<admin::BillingSyncItemDetail>(&mut out);
    declare::<admin::CustomerMappingView>(&mut out);
    declare::<admin::ArrowSettingsView>(&mut out);
    declare::<admin::VendorOfferingMappingView>(&mut out);
    declare::<admin::VendorNameChoice>(&mut out);
    declare::<admin::SummaryRecord>(&mut out);
    declare::<admin::SummarySync>(&mut out);
    declare::<admin::CustomerBillingSummary>(&mut out);
    declare::<admin::CustomerBillingLine>(&mut out);
    declare::<admin::CustomerConsumptionLine>(&mut out);
    declare::<admin::CustomerArrowData>(&mut out);
    declare::<admin::ArrowLicenseView>(&mut out);
    declare::<admin::ResourceForLinking>(&mut out);
    declare::<admin::LicenseSuggestion>(&mut out);
    declare::<admin::DiscoveredLicenses>(&mut out);
    declare::<admin::LinkedResource>(&mut out);
    declare::<admin::ImportedLicense>(&mut out);
    declare::<admin::CustomersSynced>(&mut out);
    declare::<wizard::ArrowCustomer>(&mut out);
    declare::<wizard::HostCustomerBrief>(&mut out);
    declare::<wizard::CustomerSuggestion>(&mut out);
    declare::<wizard::AvailableCustomers>(&mut out);
    declare::<wizard::ExportTypeCompatibility>(&mut out);
    declare::<wizard::DiscoveredCustomers>(&mut out);
    declare::<wizard::PartnerInfo>(&mut out);
    declare::<wizard::CredentialsValidation>(&mut out);
    declare::<wizard::SettingsPreview>(&mut out);
    declare::<wizard::SettingsSaved>(&mut out);
    declare::<responses::SoracomUnbillableResource>(&mut out);
    declare::<responses::SoracomUnownedDetail>(&mut out);
    declare::<responses::SoracomRecordErrorDetail>(&mut out);
    declare::<responses::SoracomReconciliationErrorDetail>(&mut out);
    declare::<responses::SoracomReconciliationCounters>(&mut out);
    declare::<responses::SoracomConsumptionSyncErrorDetail>(&mut out);
    declare::<responses::SoracomConsumptionSyncCounters>(&mut out);
    declare::<responses::SoracomConsumptionSyncResponse>(&mut out);
    declare::<responses::SoracomMonthReconciled>(&mut out);
    declare::<soracom_responses::MonthNotClosed>(&mut out);
    declare::<responses::SoracomReconciliationResponse>(&mut out);
    declare::<soracom_daily::DifferenceReason>(&mut out);
    declare::<soracom_daily::DailyMonthlyExplanation>(&mut out);
    declare::<responses::SoracomConsumptionStatistics>(&mut out);
    declare::<soracom_responses::SoracomConsumptionStatus>(&mut out);
    declare::<soracom_records::SoracomRecordView>(&mut out);
    declare::<soracom_records::SoracomMonthlyBill>(&mut out);
    declare::<soracom_records::SoracomLatestBill>(&mut out);
    declare::<soracom_records::SoracomDailyBill>(&mut out);
    declare::<soracom_records::SoracomDailyBills>(&mut out);
    declare::<soracom_records::SoracomBillingHistory>(&mut out);
    declare::<crate::vendors::invoice_items::BilledKind>(&mut out);
    declare::<crate::vendors::invoice_items::InvoiceItemView>(&mut out);
    declare::<crate::ledger::hold::HoldState>(&mut out);
    declare::<crate::ledger::hold::Hold>(&mut out);
    declare::<crate::ledger::hold::HoldRow>(&mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const FILE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/src/wasm/generated.d.ts");

    #[test]
    fn generated_declarations_are_committed() {
        let generated = generated();
        if std::env::var_os("BILLSYNC_WRITE_TYPES").is_some() {
            std::fs::write(FILE, &generated).unwrap();
        }
        let committed = std::fs::read_to_string(FILE).unwrap_or_default();
        assert!(
            committed == generated,
            "src/wasm/generated.d.ts differs from what the Rust types generate: run `make types` \
             (BILLSYNC_WRITE_TYPES=1 cargo test --lib typegen) and commit it"
        );
    }
}
