use serde_json::{json, Value};

use super::*;
use crate::money::Currency;
use crate::vendors::arrow::query::{
    consumption_statistics, consumption_status, pending_records, BREAKDOWN_PERIODS,
};
use crate::vendors::arrow::records::{render_pending_record, ArrowSettings, ConsumptionRecord};

fn mixed_states() -> Vec<ConsumptionRecord> {
    vec![
        record(1, 21, "2025-01", "100"),
        finalized(record(2, 21, "2025-02", "100"), "95"),
        reconciled(finalized(record(3, 22, "2025-02", "50.005"), "60")),
        reconciled(finalized(record(4, 23, "2025-03", "10"), "10")),
        record(5, 23, "2025-03", "0.10"),
    ]
}

#[test]
fn statistics_over_mixed_states() {
    let stats = consumption_statistics(&mixed_states()).unwrap();
    let mut seed = stats.to_json();
    // After the seed's fields, the statistics every vendor answers (src/ledger/statistics.rs).
    let common = json!({
        "totals_by_currency": {"EUR": {"records": 5, "consumed_sell": "260.11", "final_sell": "165.00", "adjustments": "5.00"}},
        "by_period": [
            {"period": "2025-03", "records": 2, "finalized": 1, "reconciled": 1,
             "by_currency": {"EUR": {"records": 2, "consumed_sell": "10.10", "final_sell": "10.00", "adjustments": "0.00"}}},
            {"period": "2025-02", "records": 2, "finalized": 2, "reconciled": 1,
             "by_currency": {"EUR": {"records": 2, "consumed_sell": "150.01", "final_sell": "155.00", "adjustments": "5.00"}}},
            {"period": "2025-01", "records": 1, "finalized": 0, "reconciled": 0,
             "by_currency": {"EUR": {"records": 1, "consumed_sell": "100.00", "final_sell": "0.00", "adjustments": "0.00"}}},
        ],
    });
    for key in ["totals_by_currency", "by_period"] {
        assert_eq!(
            seed.as_object_mut().unwrap().remove(key).unwrap(),
            common[key],
            "{key}"
        );
    }
    assert_eq!(
        seed,
        json!({
            "total_records": 5,
            "pending_records": 2,
            "finalized_records": 3,
            "reconciled_records": 2,
            "total_consumed_sell": "260.11",
            // (95 − 100) + (60 − 50.005) + (10 − 10) = 4.995, rounded half away from zero.
            "total_adjustments": "5.00",
            "period_breakdown": [
                {"period": "2025-03", "count": 2, "consumed_sell": "10.10", "finalized_count": 1, "reconciled_count": 1},
                {"period": "2025-02", "count": 2, "consumed_sell": "150.01", "finalized_count": 2, "reconciled_count": 1},
                {"period": "2025-01", "count": 1, "consumed_sell": "100.00", "finalized_count": 0, "reconciled_count": 0},
            ],
        })
    );
    let keys: Vec<String> = stats
        .to_json()
        .as_object()
        .unwrap()
        .keys()
        .cloned()
        .collect();
    assert_eq!(
        keys,
        [
            "total_records",
            "pending_records",
            "finalized_records",
            "reconciled_records",
            "total_consumed_sell",
            "total_adjustments",
            "period_breakdown",
            "totals_by_currency",
            "by_period"
        ]
    );
}

#[test]
fn statistics_of_nothing_are_zero() {
    let v = consumption_statistics(&[]).unwrap().to_json();
    assert_eq!(v["total_records"], 0);
    assert_eq!(v["total_consumed_sell"], "0.00");
    assert_eq!(v["total_adjustments"], "0.00");
    assert_eq!(v["period_breakdown"], json!([]));
}

#[test]
fn breakdown_keeps_the_latest_twelve_periods() {
    let records: Vec<ConsumptionRecord> = (1..=14u8)
        .map(|m| {
            let p = period("2024-01").add_months(i64::from(m) - 1).unwrap();
            record(m, 21, &p.to_string(), "1")
        })
        .collect();
    let stats = consumption_statistics(&records).unwrap();
    assert_eq!(stats.period_breakdown.len(), BREAKDOWN_PERIODS);
    assert_eq!(stats.period_breakdown[0].period, period("2025-02"));
    assert_eq!(stats.period_breakdown[11].period, period("2024-03"));
    assert_eq!(stats.total_records, 14, "totals count every period");
}

#[test]
fn mixed_currencies_are_never_added() {
    let mut usd = finalized(record(3, 22, "2025-02", "7"), "8");
    usd.currency = Currency::USD;
    let records = vec![
        record(1, 21, "2025-01", "100"),
        finalized(record(2, 21, "2025-02", "100"), "95"),
        usd,
    ];
    let v = consumption_statistics(&records).unwrap().to_json();
    assert_eq!(v["total_records"], 3);
    assert_eq!(v["total_consumed_sell"], Value::Null);
    assert_eq!(v["total_adjustments"], Value::Null);
    assert_eq!(
        v["totals_by_currency"],
        json!({
            "EUR": {"records": 2, "consumed_sell": "200.00", "final_sell": "95.00", "adjustments": "-5.00"},
            "USD": {"records": 1, "consumed_sell": "7.00", "final_sell": "8.00", "adjustments": "1.00"},
        })
    );
    assert_eq!(v["by_period"][0]["period"], "2025-02");
    assert_eq!(v["by_period"][0]["by_currency"]["USD"]["records"], 1);
    let feb = &v["period_breakdown"][0];
    assert_eq!(feb["consumed_sell"], Value::Null);
    assert_eq!(
        feb["consumed_sell_by_currency"],
        json!({"EUR": "100.00", "USD": "7.00"})
    );
    let jan = &v["period_breakdown"][1];
    assert_eq!(
        jan["consumed_sell"], "100.00",
        "a single-currency period keeps its sum"
    );
    assert!(jan.get("consumed_sell_by_currency").is_none());
}

#[test]
fn a_single_foreign_currency_keeps_the_seed_shape() {
    let mut r = record(1, 21, "2025-01", "3");
    r.currency = Currency::JPY;
    let v = consumption_statistics(&[r]).unwrap().to_json();
    assert_eq!(v["total_consumed_sell"], "3.00");
    assert_eq!(v["totals_by_currency"]["JPY"]["consumed_sell"], "3.00");
}

#[test]
fn statistics_overflow_is_an_error() {
    let a = record(1, 21, "2025-01", &rust_decimal::Decimal::MAX.to_string());
    let b = record(2, 21, "2025-01", "1");
    assert_eq!(
        consumption_statistics(&[a, b]).unwrap_err().code(),
        "overflow"
    );
}

#[test]
fn pending_records_are_unfinalized_newest_first() {
    let mut records = mixed_states();
    let mut late = record(6, 21, "2025-03", "1");
    late.last_sync_at = Some(ts("2025-04-02T00:00:00Z"));
    let mut early = record(7, 22, "2025-03", "1");
    early.last_sync_at = Some(ts("2025-04-01T00:00:00Z"));
    records.extend([early, late]);
    let pending = pending_records(&records);
    assert_eq!(uuids(pending.iter().copied()), [id(6), id(7), id(5), id(1)]);
    let row = render_pending_record(pending[0], &lookup());
    assert_eq!(row["resource_name"], "res-21");
    assert_eq!(row["billing_period"], "2025-03-01");
    assert_eq!(row["consumed_sell"], "1.00");
}

#[test]
fn status_reports_switches_and_the_newest_sync() {
    let mut a = record(1, 21, "2025-01", "1");
    a.last_sync_at = Some(ts("2025-02-01T00:00:00Z"));
    let mut b = record(2, 21, "2025-02", "1");
    b.last_sync_at = Some(ts("2025-03-01T12:00:00Z"));
    let settings: ArrowSettings = serde_json::from_value(json!({
        "uuid": id(90).to_string(),
        "sync_enabled": true,
    }))
    .unwrap();
    let status = consumption_status(
        false,
        Some(&settings),
        &[a, b, record(3, 21, "2025-03", "1")],
    );
    assert_eq!(
        status.to_json(),
        json!({
            "global_sync_enabled": false,
            "settings_sync_enabled": true,
            "settings_uuid": id(90).to_string(),
            "last_sync_run": "2025-03-01T12:00:00Z",
        })
    );
    let none = consumption_status(true, None, &[]).to_json();
    assert_eq!(
        none,
        json!({
            "global_sync_enabled": true,
            "settings_sync_enabled": false,
            "settings_uuid": null,
            "last_sync_run": null,
        })
    );
}
