//! The request validation as the engine and the wasm boundary see it: through the public API only.

use billsync::vendors::arrow::validate::{
    parse, validate, validate_request, CleanupConsumptionRequest, Method, Operation,
    ValidatedRequest, MAX_PAGE_SIZE,
};
use serde_json::json;

#[test]
fn keys_come_out_in_the_seeds_order() {
    let out = validate_request(
        "admin_arrow_billing_syncs_trigger_reconciliation",
        &json!({"force": "1", "month": "7", "year": 2025}),
    )
    .unwrap();
    assert_eq!(
        out.to_string(),
        r#"{"year":2025,"month":7,"settings_uuid":null,"force":true}"#
    );
    let out = validate_request(
        "admin_arrow_billing_syncs_cleanup_consumption",
        &json!(null),
    )
    .unwrap();
    assert_eq!(
        out.to_string(),
        r#"{"period_from":null,"period_to":null,"resource_uuid":null,"only_finalized":false,"only_unfinalized":false,"dry_run":true}"#
    );
}

#[test]
fn the_engine_gets_typed_requests() {
    let request = validate(
        Operation::ConsumptionRecordsList,
        &json!({"billing_period": "2025-01", "page_size": "25"}),
    )
    .unwrap();
    let ValidatedRequest::ConsumptionRecordsList(query) = request else {
        panic!("wrong variant");
    };
    assert_eq!(
        query.billing_period.map(|d| d.to_string()).as_deref(),
        Some("2025-01-01")
    );
    assert_eq!((query.page, query.page_size), (1, 25));
    assert!(MAX_PAGE_SIZE >= query.page_size);

    let cleanup: CleanupConsumptionRequest = parse(&json!({"dry_run": "no"})).unwrap();
    assert!(!cleanup.dry_run);

    let op = Operation::from_id("admin_arrow_billing_syncs_pending_records_list").unwrap();
    assert_eq!((op.method(), op.is_list()), (Method::Get, true));
}

#[test]
fn every_bad_field_is_reported_at_once() {
    let err = validate_request(
        "admin_arrow_billing_syncs_sync_resources",
        &json!({"period_from": "2025-13", "settings_uuid": "x", "force_import": "maybe"}),
    )
    .unwrap_err();
    assert_eq!(err.code(), "validation_failed");
    let keys: Vec<_> = err.fields().unwrap().keys().map(String::as_str).collect();
    assert_eq!(keys, ["force_import", "period_from", "settings_uuid"]);
}
