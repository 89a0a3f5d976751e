//! Request validation for every operation of seeds 000 and 001.
//!
//! Each operation's input (a JSON body, or an object of query/path parameters) becomes a typed, normalised
//! request, with Django REST framework's rules and messages: all bad fields are reported at once as
//! `Error::Validation { fields }`, unknown body fields are ignored (as DRF's serializers do) while an
//! unknown list filter is refused naming it (as DRF's filter backends do when strict: a misspelt filter
//! would otherwise answer the whole list), defaults are filled in, uuids come out
//! lowercase and hyphenated, periods "YYYY-MM", dates "YYYY-MM-DD". Fields whose defaults need the clock
//! (the period ranges of sync_resources and sync_resource_historical_consumption) stay null for the
//! engine to fill.
//!
//! Where billsync departs from DRF on purpose:
//! - cross-field checks (from ≤ to, only_finalized with only_unfinalized) run alongside the field checks
//!   instead of after them, so one answer lists every problem;
//! - a bad `page` is a 400 field error "Invalid page." instead of DRF's 404, and a `page_size` over
//!   [`MAX_PAGE_SIZE`] is refused instead of clamped;
//! - an unknown operation id is a `validation_failed` on the field `operation_id`.

mod admin;
mod admin_fields;
mod arrow_fetch;
mod listing;
mod operation;
mod resource_sync;
mod sync_control;

use serde::Serialize;
use serde_json::Value;

use crate::error::{Error, Result};

pub use admin::{
    AdminRequest, BillingSyncItemQuery, CredentialsRequest, CustomerMappingInput,
    CustomerMappingQuery, CustomerMappingWrite, ImportLicenseRequest, LinkResourceRequest,
    SaveSettingsRequest, SettingsQuery, SettingsWrite, SyncFromArrowRequest, VendorMappingQuery,
    VendorMappingWrite, WriteMode, PRICE_SOURCES,
};
pub use arrow_fetch::{BillingExportRequest, ConsumptionFetchRequest, LicenseInfoRequest};
pub use listing::{
    BillingSyncQuery, ConsumptionRecordQuery, UuidLookup, ARROW_STATES, DEFAULT_PAGE_SIZE,
    MAX_PAGE_SIZE,
};
pub use operation::{Method, Operation};
pub use resource_sync::{
    CleanupConsumptionRequest, HistoricalConsumptionRequest, ResourceSyncRequest,
};
pub use sync_control::{
    ConsumptionSyncRequest, NoParameters, ReconciliationRequest, StatementSyncRequest,
    SyncPauseRequest,
};

/// A typed request of one or more operations.
pub trait OperationRequest: Serialize + Sized {
    /// Validates and normalises raw input; `null` is an empty request.
    fn from_json(input: &Value) -> Result<Self>;
}

/// The typed entry point: `parse::<ReconciliationRequest>(&body)`.
pub fn parse<T: OperationRequest>(input: &Value) -> Result<T> {
    T::from_json(input)
}

/// A validated request, tagged by its operation (reconcile and trigger_reconciliation share a type but
/// not a variant).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub enum ValidatedRequest {
    BillingSyncsList(BillingSyncQuery),
    BillingSyncsRetrieve(UuidLookup),
    PauseSync(SyncPauseRequest),
    Reconcile(ReconciliationRequest),
    ResumeSync(SyncPauseRequest),
    TriggerConsumptionSync(ConsumptionSyncRequest),
    TriggerReconciliation(ReconciliationRequest),
    TriggerSync(StatementSyncRequest),
    ConsumptionStatistics(NoParameters),
    ConsumptionStatus(NoParameters),
    PendingRecords(BillingSyncQuery),
    FetchBillingExport(BillingExportRequest),
    FetchConsumption(ConsumptionFetchRequest),
    FetchLicenseInfo(LicenseInfoRequest),
    SyncResourceHistoricalConsumption(HistoricalConsumptionRequest),
    SyncResources(ResourceSyncRequest),
    CleanupConsumption(CleanupConsumptionRequest),
    ConsumptionRecordsList(ConsumptionRecordQuery),
    ConsumptionRecordsRetrieve(UuidLookup),
    /// One of the 32 operations of the newest source.
    Admin(AdminRequest),
}

impl ValidatedRequest {
    pub fn operation(&self) -> Operation {
        match self {
            ValidatedRequest::BillingSyncsList(_) => Operation::BillingSyncsList,
            ValidatedRequest::BillingSyncsRetrieve(_) => Operation::BillingSyncsRetrieve,
            ValidatedRequest::PauseSync(_) => Operation::PauseSync,
            ValidatedRequest::Reconcile(_) => Operation::Reconcile,
            ValidatedRequest::ResumeSync(_) => Operation::ResumeSync,
            ValidatedRequest::TriggerConsumptionSync(_) => Operation::TriggerConsumptionSync,
            ValidatedRequest::TriggerReconciliation(_) => Operation::TriggerReconciliation,
            ValidatedRequest::TriggerSync(_) => Operation::TriggerSync,
            ValidatedRequest::ConsumptionStatistics(_) => Operation::ConsumptionStatistics,
            ValidatedRequest::ConsumptionStatus(_) => Operation::ConsumptionStatus,
            ValidatedRequest::PendingRecords(_) => Operation::PendingRecords,
            ValidatedRequest::FetchBillingExport(_) => Operation::FetchBillingExport,
            ValidatedRequest::FetchConsumption(_) => Operation::FetchConsumption,
            ValidatedRequest::FetchLicenseInfo(_) => Operation::FetchLicenseInfo,
            ValidatedRequest::SyncResourceHistoricalConsumption(_) => {
                Operation::SyncResourceHistoricalConsumption
            }
            ValidatedRequest::SyncResources(_) => Operation::SyncResources,
            ValidatedRequest::CleanupConsumption(_) => Operation::CleanupConsumption,
            ValidatedRequest::ConsumptionRecordsList(_) => Operation::ConsumptionRecordsList,
            ValidatedRequest::ConsumptionRecordsRetrieve(_) => {
                Operation::ConsumptionRecordsRetrieve
            }
            ValidatedRequest::Admin(request) => request.operation(),
        }
    }

    /// The normalised request as JSON, with the seed's snake_case keys.
    pub fn to_json(&self) -> Result<Value> {
        serde_json::to_value(self).map_err(|e| Error::InvalidPayload {
            payload: format!("normalised request of {}", self.operation()),
            offset: 0,
            reason: e.to_string(),
        })
    }
}

/// Validates `input` for `operation` into its typed request.
pub fn validate(operation: Operation, input: &Value) -> Result<ValidatedRequest> {
    use ValidatedRequest as R;
    crate::limits::check_request(input)?;
    if let Some(admin) = admin::validate_admin(operation, input) {
        return admin.map(R::Admin);
    }
    Ok(match operation {
        Operation::BillingSyncsList => R::BillingSyncsList(parse(input)?),
        Operation::BillingSyncsRetrieve => R::BillingSyncsRetrieve(parse(input)?),
        Operation::PauseSync => R::PauseSync(parse(input)?),
        Operation::Reconcile => R::Reconcile(parse(input)?),
        Operation::ResumeSync => R::ResumeSync(parse(input)?),
        Operation::TriggerConsumptionSync => R::TriggerConsumptionSync(parse(input)?),
        Operation::TriggerReconciliation => R::TriggerReconciliation(parse(input)?),
        Operation::TriggerSync => R::TriggerSync(parse(input)?),
        Operation::ConsumptionStatistics => R::ConsumptionStatistics(parse(input)?),
        Operation::ConsumptionStatus => R::ConsumptionStatus(parse(input)?),
        Operation::PendingRecords => R::PendingRecords(parse(input)?),
        Operation::FetchBillingExport => R::FetchBillingExport(parse(input)?),
        Operation::FetchConsumption => R::FetchConsumption(parse(input)?),
        Operation::FetchLicenseInfo => R::FetchLicenseInfo(parse(input)?),
        Operation::SyncResourceHistoricalConsumption => {
            R::SyncResourceHistoricalConsumption(parse(input)?)
        }
        Operation::SyncResources => R::SyncResources(parse(input)?),
        Operation::CleanupConsumption => R::CleanupConsumption(parse(input)?),
        Operation::ConsumptionRecordsList => R::ConsumptionRecordsList(parse(input)?),
        Operation::ConsumptionRecordsRetrieve => R::ConsumptionRecordsRetrieve(parse(input)?),
        // Every other operation is one of the 32, validated above.
        _ => {
            return Err(Error::field(
                "operation_id",
                format!("{operation} has no validator."),
            ))
        }
    })
}

/// Validates `input` for the operation `operation_id` (the seed's API source name) and returns the
/// normalised request as JSON. An unknown id is a validation error on `operation_id`: the caller chose a
/// value that is not one of the 51, which is what a field error says.
pub fn validate_request(operation_id: &str, input: &Value) -> Result<Value> {
    let operation = Operation::from_id(operation_id).ok_or_else(|| {
        Error::field(
            "operation_id",
            format!("\"{operation_id}\" is not a valid choice."),
        )
    })?;
    validate(operation, input)?.to_json()
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use proptest::prelude::*;
    use serde_json::json;

    /// The normalised output of a valid input; panics with the errors otherwise.
    pub(crate) fn normalised(op: Operation, input: Value) -> Value {
        match validate_request(op.id(), &input) {
            Ok(value) => value,
            Err(e) => panic!("{op} refused {input}: {e}"),
        }
    }

    /// The sorted field keys of the errors of an invalid input.
    pub(crate) fn error_keys(op: Operation, input: Value) -> Vec<String> {
        match validate_request(op.id(), &input) {
            Ok(value) => panic!("{op} accepted {input} as {value}"),
            Err(e) => e
                .fields()
                .map(|fields| fields.keys().cloned().collect())
                .unwrap_or_else(|| panic!("{op}: not a validation error: {e}")),
        }
    }

    /// The errors of an invalid input in the DRF shape.
    pub(crate) fn messages(op: Operation, input: Value) -> Value {
        match validate_request(op.id(), &input) {
            Ok(value) => panic!("{op} accepted {input} as {value}"),
            Err(e) => serde_json::to_value(e.fields()).unwrap(),
        }
    }

    #[test]
    fn unknown_operation_is_a_field_error() {
        let err = validate_request("admin_arrow_billing_syncs_delete", &json!({})).unwrap_err();
        assert_eq!(err.code(), "validation_failed");
        assert_eq!(err.status(), 400);
        assert_eq!(
            serde_json::to_value(err.fields()).unwrap(),
            json!({"operation_id": ["\"admin_arrow_billing_syncs_delete\" is not a valid choice."]})
        );
    }

    #[test]
    fn every_operation_accepts_its_minimal_input_and_tags_it() {
        // The smallest input of each operation, as the generated types document it.
        let minimal = |op: Operation| crate::typegen::request_of(op).1;
        for op in Operation::ALL {
            let request = validate(op, &minimal(op)).unwrap();
            assert_eq!(request.operation(), op);
            assert!(request.to_json().unwrap().is_object(), "{op}");
            // Normalising is idempotent: the output validates to itself.
            let once = request.to_json().unwrap();
            assert_eq!(validate_request(op.id(), &once).unwrap(), once, "{op}");
        }
    }

    #[test]
    fn typed_requests_expose_domain_values() {
        let request: ReconciliationRequest =
            parse(&json!({"year": "2024", "month": "2", "force": 1})).unwrap();
        assert_eq!(request.period.to_string(), "2024-02");
        assert!(request.force);
        let query: BillingSyncQuery = parse(&Value::Null).unwrap();
        assert_eq!((query.page, query.page_size), (1, DEFAULT_PAGE_SIZE));
    }

    /// Keys the requests read, so that random objects reach the field parsers, not just the shape check.
    const FIELD_NAMES: &[&str] = &[
        "year",
        "month",
        "settings_uuid",
        "resource_uuid",
        "force",
        "pause_global",
        "period",
        "period_from",
        "period_to",
        "classification",
        "license_reference",
        "offering_uuid",
        "project_uuid",
        "force_import",
        "only_finalized",
        "only_unfinalized",
        "dry_run",
        "uuid",
        "page",
        "page_size",
        "arrow_state",
        "customer_mapping",
        "customer_mapping_uuid",
        "report_period",
        "report_period_from",
        "report_period_to",
        "state",
        "statement_reference",
        "billing_period",
        "billing_period_from",
        "billing_period_to",
        "customer_uuid",
        "is_finalized",
        "is_reconciled",
        "resource",
        // The newest source's 32.
        "settings",
        "arrow_reference",
        "arrow_company_name",
        "waldur_customer",
        "waldur_customer_uuid",
        "is_active",
        "api_url",
        "api_key",
        "export_type_reference",
        "classification_filter",
        "sync_enabled",
        "invoice_price_source",
        "invoice_item_prefix",
        "customer_mappings",
        "arrow_vendor_name",
        "offering",
        "plan",
        "billing_sync",
        "billing_sync_uuid",
        "vendor_name",
        "subscription_reference",
        "arrow_line_reference",
        "has_compensation",
        "license_name",
    ];

    fn scalar() -> impl Strategy<Value = Value> {
        prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::Bool),
            any::<i64>().prop_map(Value::from),
            any::<u64>().prop_map(Value::from),
            any::<f64>().prop_map(Value::from),
            "\\PC{0,40}".prop_map(Value::String),
            "[0-9a-fA-F-]{0,40}".prop_map(Value::String),
            "[+-]?[0-9]{0,30}(\\.0*)?".prop_map(Value::String),
            "(19|20|21)[0-9]{2}-[0-9]{2}(-[0-9]{2})?".prop_map(Value::String),
            prop::sample::select(vec!["true", "no", "on", "", " ", "pending", "validated"])
                .prop_map(|s| Value::String(s.to_owned())),
        ]
    }

    fn json_value() -> impl Strategy<Value = Value> {
        scalar().prop_recursive(4, 48, 6, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
                prop::collection::vec(
                    (
                        prop_oneof![
                            prop::sample::select(FIELD_NAMES.to_vec()).prop_map(str::to_owned),
                            "\\PC{0,10}",
                        ],
                        inner
                    ),
                    0..12
                )
                .prop_map(|pairs| Value::Object(pairs.into_iter().collect())),
            ]
        })
    }

    proptest! {
        #[test]
        fn never_panics_and_answers_in_the_drf_shape(input in json_value()) {
            for op in Operation::ALL {
                match validate_request(op.id(), &input) {
                    Ok(output) => {
                        prop_assert!(output.is_object());
                        prop_assert_eq!(validate_request(op.id(), &output).ok(), Some(output));
                    }
                    Err(e) => {
                        let fields = e.fields();
                        prop_assert!(fields.is_some_and(|f| !f.is_empty()
                            && f.values().all(|m| !m.is_empty())), "{}: {}", op, e);
                    }
                }
            }
        }

        #[test]
        fn any_operation_id_is_answered(id in "\\PC{0,60}", input in json_value()) {
            let answer = validate_request(&id, &input);
            if Operation::from_id(&id).is_none() {
                prop_assert!(answer.unwrap_err().fields().is_some_and(|f| f.contains_key("operation_id")));
            }
        }
    }
}
