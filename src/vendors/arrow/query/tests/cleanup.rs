use serde_json::json;

use super::*;
use crate::vendors::arrow::query::{plan_cleanup, CleanupFilter};
use crate::vendors::arrow::records::ConsumptionRecord;

fn records() -> Vec<ConsumptionRecord> {
    let mut billed = record(1, 21, "2025-01", "1");
    billed.invoice_item_uuid = Some(id(101));
    let mut compensated = finalized(record(2, 21, "2025-02", "1"), "2");
    compensated.invoice_item_uuid = Some(id(102));
    compensated.compensation_item_uuid = Some(id(103));
    let mut other = finalized(record(3, 22, "2025-03", "1"), "1");
    other.invoice_item_uuid = Some(id(104));
    vec![billed, compensated, other, record(4, 22, "2025-02", "1")]
}

fn plan(filter: CleanupFilter) -> Vec<Uuid> {
    plan_cleanup(&records(), &filter, true)
        .unwrap()
        .records_to_delete
}

#[test]
fn no_filter_plans_everything_in_list_order() {
    let p = plan_cleanup(&records(), &CleanupFilter::default(), true).unwrap();
    assert_eq!(p.records_to_delete, [id(3), id(2), id(4), id(1)]);
    assert_eq!(p.invoice_items_affected, 3);
    assert_eq!(p.compensation_items_affected, 1);
    assert_eq!(
        p.to_json(),
        json!({
            "dry_run": true,
            "records_to_delete": 4,
            "records_deleted": 0,
            "compensation_items_affected": 1,
            "invoice_items_affected": 3,
        })
    );
}

#[test]
fn a_real_run_reports_what_it_deletes() {
    let f = CleanupFilter {
        resource_uuid: Some(id(21)),
        ..Default::default()
    };
    let p = plan_cleanup(&records(), &f, false).unwrap();
    assert_eq!(p.records_to_delete, [id(2), id(1)]);
    assert_eq!(p.to_json()["records_deleted"], 2);
    assert_eq!(p.to_json()["dry_run"], false);
}

#[test]
fn period_bounds_are_inclusive() {
    let f = |from: Option<&str>, to: Option<&str>| CleanupFilter {
        period_from: from.map(period),
        period_to: to.map(period),
        ..Default::default()
    };
    assert_eq!(plan(f(Some("2025-02"), None)), [id(3), id(2), id(4)]);
    assert_eq!(plan(f(None, Some("2025-02"))), [id(2), id(4), id(1)]);
    assert_eq!(plan(f(Some("2025-02"), Some("2025-02"))), [id(2), id(4)]);
    assert!(plan(f(Some("2025-03"), Some("2025-02"))).is_empty());
}

#[test]
fn finalized_switches_combine_with_other_filters() {
    let f = |fin, unfin, resource: Option<u8>| CleanupFilter {
        only_finalized: fin,
        only_unfinalized: unfin,
        resource_uuid: resource.map(id),
        ..Default::default()
    };
    assert_eq!(plan(f(true, false, None)), [id(3), id(2)]);
    assert_eq!(plan(f(false, true, None)), [id(4), id(1)]);
    assert_eq!(plan(f(true, false, Some(22))), [id(3)]);
    assert_eq!(plan(f(false, true, Some(22))), [id(4)]);
    let e = plan_cleanup(&records(), &f(true, true, None), true).unwrap_err();
    assert_eq!(e.status(), 400);
    assert!(e.fields().unwrap().contains_key("non_field_errors"));
}

#[test]
fn nothing_matching_is_an_empty_plan() {
    let f = CleanupFilter {
        resource_uuid: Some(id(99)),
        ..Default::default()
    };
    let p = plan_cleanup(&records(), &f, false).unwrap();
    assert_eq!(
        p.to_json(),
        json!({
            "dry_run": false,
            "records_to_delete": 0,
            "records_deleted": 0,
            "compensation_items_affected": 0,
            "invoice_items_affected": 0,
        })
    );
}
