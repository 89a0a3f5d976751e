use chrono::NaiveDate;

use super::*;
use crate::vendors::arrow::query::{
    select_records, select_syncs, uuid_from_uri, RecordFilter, SyncFilter,
};
use crate::vendors::arrow::records::{ArrowState, BillingSync, ConsumptionRecord, SyncState};

fn date(s: &str) -> NaiveDate {
    crate::period::parse_date(s).unwrap()
}

fn records() -> Vec<ConsumptionRecord> {
    let mut r4 = record(4, 29, "2025-03", "4");
    r4.source_ref = "xsp-Special-9".into();
    vec![
        record(1, 21, "2025-01", "1"),
        reconciled(finalized(record(2, 22, "2025-02", "2"), "2")),
        finalized(record(3, 23, "2025-02", "3"), "3"),
        r4,
    ]
}

fn pick(filter: &RecordFilter) -> Vec<Uuid> {
    let rs = records();
    uuids(select_records(&rs, filter, &lookup()))
}

#[test]
fn no_filter_selects_all_in_list_order() {
    assert_eq!(pick(&RecordFilter::default()), [id(4), id(2), id(3), id(1)]);
}

#[test]
fn billing_period_filters() {
    let exact = RecordFilter {
        billing_period: Some(date("2025-02-01")),
        ..Default::default()
    };
    assert_eq!(pick(&exact), [id(2), id(3)]);
    // billing_period is always the 1st: another day of the month matches nothing.
    let mid_month = RecordFilter {
        billing_period: Some(date("2025-02-15")),
        ..Default::default()
    };
    assert!(pick(&mid_month).is_empty());
    let range = RecordFilter {
        billing_period_from: Some(date("2025-02-01")),
        billing_period_to: Some(date("2025-02-01")),
        ..Default::default()
    };
    assert_eq!(pick(&range), [id(2), id(3)], "bounds are inclusive");
    let from = RecordFilter {
        billing_period_from: Some(date("2025-01-02")),
        ..Default::default()
    };
    assert_eq!(pick(&from), [id(4), id(2), id(3)]);
    let to = RecordFilter {
        billing_period_to: Some(date("2025-01-31")),
        ..Default::default()
    };
    assert_eq!(pick(&to), [id(1)]);
}

#[test]
fn customer_and_project_follow_resource_to_project_to_customer() {
    let customer = RecordFilter {
        customer_uuid: Some(id(1)),
        ..Default::default()
    };
    assert_eq!(pick(&customer), [id(2), id(1)]);
    let project = RecordFilter {
        project_uuid: Some(id(12)),
        ..Default::default()
    };
    assert_eq!(pick(&project), [id(3)]);
    // A record whose resource the lookup does not know belongs to no customer.
    let unknown = RecordFilter {
        customer_uuid: Some(id(99)),
        ..Default::default()
    };
    assert!(pick(&unknown).is_empty());
}

#[test]
fn finalized_and_reconciled_flags() {
    let f = |fin, rec| RecordFilter {
        is_finalized: fin,
        is_reconciled: rec,
        ..Default::default()
    };
    assert_eq!(pick(&f(Some(true), None)), [id(2), id(3)]);
    assert_eq!(pick(&f(Some(false), None)), [id(4), id(1)]);
    assert_eq!(pick(&f(None, Some(true))), [id(2)]);
    assert_eq!(pick(&f(Some(true), Some(false))), [id(3)]);
}

#[test]
fn license_reference_is_case_insensitive_contains() {
    let f = |l: &str| RecordFilter {
        license_reference: Some(l.into()),
        ..Default::default()
    };
    assert_eq!(pick(&f("SPECIAL")), [id(4)]);
    assert_eq!(pick(&f("xsp00")), [id(2), id(3), id(1)]);
    assert!(pick(&f("nope")).is_empty());
}

#[test]
fn resource_by_url_or_uuid() {
    let url = format!("https://h.example/api/marketplace-resources/{}/", id(22));
    let by_url = RecordFilter {
        resource: Some(url.clone()),
        ..Default::default()
    };
    assert_eq!(pick(&by_url), [id(2)]);
    let with_query = RecordFilter {
        resource: Some(format!("{}?x=1", url.trim_end_matches('/'))),
        ..Default::default()
    };
    assert_eq!(pick(&with_query), [id(2)]);
    let garbage = RecordFilter {
        resource: Some("https://h.example/api/marketplace-resources/nope/".into()),
        ..Default::default()
    };
    assert!(pick(&garbage).is_empty());
    let by_uuid = RecordFilter {
        resource_uuid: Some(id(21)),
        ..Default::default()
    };
    assert_eq!(pick(&by_uuid), [id(1)]);
    let conflicting = RecordFilter {
        resource: Some(url),
        resource_uuid: Some(id(21)),
        ..Default::default()
    };
    assert!(pick(&conflicting).is_empty(), "filters combine with AND");
}

#[test]
fn uuid_from_uri_forms() {
    let u = id(7);
    assert_eq!(uuid_from_uri(u.as_str()), Some(u));
    assert_eq!(uuid_from_uri(&format!("/api/x/{u}/")), Some(u));
    assert_eq!(uuid_from_uri(&format!("http://h/api/x/{u}#frag")), Some(u));
    assert_eq!(uuid_from_uri("http://h/api/x/"), None);
    assert_eq!(uuid_from_uri(""), None);
}

#[test]
fn record_order_breaks_ties_by_created_then_uuid() {
    let mut a = record(5, 21, "2025-01", "1");
    let mut b = record(6, 21, "2025-01", "1");
    let c = record(7, 21, "2025-01", "1");
    a.created = ts("2025-02-01T00:00:00Z");
    b.created = ts("2025-03-01T00:00:00Z");
    let rs = vec![c, a, b];
    let got = uuids(select_records(&rs, &RecordFilter::default(), &lookup()));
    assert_eq!(got, [id(6), id(5), id(7)]);
}

fn syncs() -> Vec<BillingSync> {
    let mut s2 = sync(2, 41, "2025-02", "ST-B");
    s2.arrow_state = ArrowState::Validated;
    s2.state = SyncState::Validated;
    let mut s4 = sync(4, 42, "2025-03", "ST-C");
    s4.settings_uuid = id(91);
    s4.state = SyncState::Reconciled;
    vec![
        sync(1, 41, "2025-01", "ST-A"),
        s2,
        sync(3, 42, "2025-02", "ST-A"),
        s4,
        sync(5, 42, "2025-02", "ST-A"),
    ]
}

fn pick_syncs(filter: &SyncFilter) -> Vec<Uuid> {
    let ss = syncs();
    select_syncs(&ss, filter)
        .into_iter()
        .map(|s| s.uuid)
        .collect()
}

#[test]
fn sync_order_is_period_desc_statement_then_uuid() {
    assert_eq!(
        pick_syncs(&SyncFilter::default()),
        [id(4), id(3), id(5), id(2), id(1)]
    );
}

#[test]
fn sync_filters() {
    let f = SyncFilter {
        arrow_state: Some(ArrowState::Validated),
        ..Default::default()
    };
    assert_eq!(pick_syncs(&f), [id(2)]);
    let f = SyncFilter {
        customer_mapping: Some(format!(
            "https://h/api/admin/arrow/customer-mappings/{}/",
            id(41)
        )),
        ..Default::default()
    };
    assert_eq!(pick_syncs(&f), [id(2), id(1)]);
    let f = SyncFilter {
        customer_mapping: Some(id(42).to_string()),
        ..Default::default()
    };
    assert_eq!(pick_syncs(&f), [id(4), id(3), id(5)]);
    let f = SyncFilter {
        customer_mapping: Some("not-a-mapping".into()),
        ..Default::default()
    };
    assert!(pick_syncs(&f).is_empty());
    let f = SyncFilter {
        customer_mapping_uuid: Some(id(41)),
        ..Default::default()
    };
    assert_eq!(pick_syncs(&f), [id(2), id(1)]);
    let f = SyncFilter {
        report_period: Some(period("2025-02")),
        ..Default::default()
    };
    assert_eq!(pick_syncs(&f), [id(3), id(5), id(2)]);
    let f = SyncFilter {
        report_period_from: Some(period("2025-02")),
        report_period_to: Some(period("2025-03")),
        ..Default::default()
    };
    assert_eq!(pick_syncs(&f), [id(4), id(3), id(5), id(2)]);
    let f = SyncFilter {
        report_period_to: Some(period("2025-01")),
        ..Default::default()
    };
    assert_eq!(pick_syncs(&f), [id(1)]);
    let f = SyncFilter {
        settings_uuid: Some(id(91)),
        ..Default::default()
    };
    assert_eq!(pick_syncs(&f), [id(4)]);
    let f = SyncFilter {
        state: Some(SyncState::Synced),
        ..Default::default()
    };
    assert_eq!(pick_syncs(&f), [id(3), id(5), id(1)]);
    let f = SyncFilter {
        statement_reference: Some("ST-A".into()),
        ..Default::default()
    };
    assert_eq!(pick_syncs(&f), [id(3), id(5), id(1)]);
    let f = SyncFilter {
        statement_reference: Some("st-a".into()),
        ..Default::default()
    };
    assert!(pick_syncs(&f).is_empty(), "statement_reference is exact");
}
