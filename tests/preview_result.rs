//! Issue 17: the preview's result as big as what is asked for. Planned a group of units at a time (the
//! summary alone, rows in pages), it answers what one plan of the whole month answers.

use billsync::ledger::{PreviewOutput, PreviewResult, PreviewRow};
use billsync::timezone::NoZoneRules;
use billsync::vendors::arrow::line::BilledLine;
use billsync::vendors::arrow::parse_billing_export;
use billsync::vendors::arrow::preview::preview_into;
use serde_json::{json, Value};

const HEADERS: [&str; 13] = [
    "Classification",
    "Vendor Subscription ID",
    "End User Company Name",
    "End User Company ID",
    "Customer Total Price",
    "Total Wholesale Price",
    "Sequence",
    "ARS Subscription ID",
    "Statement Reference",
    "Vendor Name",
    "Product Name",
    "Qty",
    "Report Period",
];

/// Nine licences of three customers, out of order; XSP3 has two records (one unit), XSP6 no billing data.
fn input() -> (Value, Vec<BilledLine>) {
    let record = |license: &str, i: u32, consumed: &str| {
        json!({
            "resource_uuid": format!("20000000-0000-4000-8000-{i:012}"),
            "resource_name": format!("subscription-{i}"),
            "customer_uuid": format!("3333333{}-0000-4000-8000-000000000000", i % 3),
            "customer_name": format!("Customer {}", i % 3),
            "license_reference": license, "billing_period": "2025-01-01", "consumed_sell": consumed,
        })
    };
    let records = json!([
        record("XSP5", 5, "50.00"),
        record("XSP1", 1, "10.00"),
        record("XSP3", 3, "30.00"),
        record("XSP3", 8, "5.00"),
        record("XSP2", 2, "20.00"),
        record("XSP6", 6, "60.00"),
        record("XSP4", 4, "40.00"),
        record("XSP9", 9, "1.00"),
        record("XSP7", 7, "7.00"),
    ]);
    let line = |seq: u32, license: &str, sell: &str| {
        json!([
            "IAAS",
            "vs",
            "Contoso",
            "XSP661245",
            sell,
            "0.00",
            seq.to_string(),
            license,
            "ST-1",
            "Microsoft",
            "Azure plan",
            "1",
            "2025-01"
        ])
    };
    let export = json!({"data": {"headers": HEADERS, "values": [
        line(1, "XSP1", "12.00"), line(2, "XSP2", "19.00"), line(3, "XSP3", "36.00"),
        line(4, "XSP4", "40.00"), line(5, "XSP5", "49.99"), line(6, "XSP5", "1.50"),
        line(7, "XSP7", "7.50"), line(8, "XSP9", "0.50"),
    ]}})
    .to_string();
    preview_of(records, &export)
}

/// The preview's input for January 2025 in EUR, and the export's lines.
fn preview_of(records: Value, export: &str) -> (Value, Vec<BilledLine>) {
    let lines = parse_billing_export(export)
        .unwrap()
        .lines
        .into_iter()
        .map(|l| BilledLine::of_export(l, 1))
        .collect();
    let input = json!({"period": "2025-01", "asOf": "2025-02-03T10:00:00Z", "records": records,
                       "settings": {"currency": "EUR"}});
    (input, lines)
}

#[test]
fn groups_of_units_answer_what_one_plan_answers() {
    let (input, lines) = input();
    let all = preview_into(
        &input,
        None,
        &lines,
        &NoZoneRules,
        &mut PreviewOutput::default(),
    )
    .unwrap();
    assert!(all.changeset.as_ref().is_some_and(|c| !c.writes.is_empty()));
    assert_eq!(all.summary.records.len(), 9);
    for result in [
        PreviewResult::All,
        PreviewResult::Summary,
        PreviewResult::Totals,
    ] {
        for size in [1, 2, 4, 9, 50] {
            let mut pages: Vec<Vec<PreviewRow>> = Vec::new();
            let mut give = |rows: Vec<PreviewRow>| {
                pages.push(rows);
                Ok(())
            };
            let mut output = PreviewOutput {
                result,
                on_rows: Some((size, &mut give)),
            };
            let paged = preview_into(&input, None, &lines, &NoZoneRules, &mut output).unwrap();
            assert_eq!(paged.changeset.is_some(), result == PreviewResult::All);
            assert!(paged.summary.records.is_empty());
            assert_eq!(
                paged.summary.totals, all.summary.totals,
                "{result:?} {size}"
            );
            assert_eq!(paged.summary.customers, all.summary.customers);
            assert_eq!(paged.summary.counters, all.summary.counters);
            assert!(pages.iter().rev().skip(1).all(|p| p.len() == size));
            let rows: Vec<PreviewRow> = pages.into_iter().flatten().collect();
            assert_eq!(rows, all.summary.records, "{result:?} in pages of {size}");
        }
    }
    let summary = preview_into(
        &input,
        None,
        &lines,
        &NoZoneRules,
        &mut PreviewOutput {
            result: PreviewResult::Summary,
            on_rows: None,
        },
    )
    .unwrap();
    assert_eq!(summary.summary, all.summary);
    assert!(summary.changeset.is_none());
}

mod laws {
    use super::*;
    use proptest::prelude::*;

    /// A record: its licence (of six), customer (of three), consumed cents, and the final cents it was
    /// reconciled at before, if it was.
    type RecordCase = (usize, usize, i64, Option<i64>);
    /// A line of the final document: its licence (of seven: one has no record) and sell cents.
    type LineCase = (usize, i64);

    fn cents(c: i64) -> String {
        let sign = if c < 0 { "-" } else { "" };
        format!("{sign}{}.{:02}", c.abs() / 100, c.abs() % 100)
    }

    fn case(records: &[RecordCase], lines: &[LineCase]) -> (Value, Vec<BilledLine>) {
        let records: Vec<Value> = records
            .iter()
            .enumerate()
            .map(|(i, (licence, customer, consumed, before))| {
                let mut record = json!({
                    "resource_uuid": format!("20000000-0000-4000-8000-{i:012}"),
                    "resource_name": format!("subscription-{i}"),
                    "customer_uuid": format!("3333333{customer}-0000-4000-8000-000000000000"),
                    "customer_name": format!("Customer {customer}"),
                    "license_reference": format!("XSP{licence}"),
                    "billing_period": "2025-01-01",
                    "consumed_sell": cents(*consumed),
                });
                if let Some(before) = before {
                    record["final_sell"] = json!(cents(*before));
                    record["reconciled_at"] = json!("2025-02-01T00:00:00Z");
                }
                record
            })
            .collect();
        let values: Vec<Value> = lines
            .iter()
            .enumerate()
            .map(|(i, (licence, sell))| {
                json!([
                    "IAAS",
                    "vs",
                    "Contoso",
                    "XSP661245",
                    cents(*sell),
                    "0.00",
                    (i + 1).to_string(),
                    format!("XSP{licence}"),
                    "ST-1",
                    "Microsoft",
                    "Azure plan",
                    "1",
                    "2025-01"
                ])
            })
            .collect();
        let export = json!({"data": {"headers": HEADERS, "values": values}}).to_string();
        preview_of(Value::Array(records), &export)
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]

        /// A plan that keeps no writes (the summary or the totals asked for) decides what the plan of the
        /// whole changeset decides: the same rows, totals, customers and counters, whole or in pages.
        #[test]
        fn the_summary_alone_answers_what_the_whole_plan_answers(
            records in prop::collection::vec(
                (0..6usize, 0..3usize, 0..10_000i64, prop::option::weighted(0.3, -500..12_000i64)),
                1..24,
            ),
            lines in prop::collection::vec((0..7usize, -2_000..20_000i64), 0..20),
            size in 1..8usize,
        ) {
            let (input, lines) = case(&records, &lines);
            let all = preview_into(&input, None, &lines, &NoZoneRules, &mut PreviewOutput::default())
                .unwrap();
            prop_assume!(all.summary.counters.compensation_items_created > 0);
            for result in [PreviewResult::Summary, PreviewResult::Totals] {
                let alone = preview_into(
                    &input, None, &lines, &NoZoneRules,
                    &mut PreviewOutput { result, on_rows: None },
                )
                .unwrap();
                prop_assert!(alone.changeset.is_none());
                prop_assert_eq!(&alone.summary.totals, &all.summary.totals);
                prop_assert_eq!(&alone.summary.customers, &all.summary.customers);
                prop_assert_eq!(&alone.summary.counters, &all.summary.counters);
                if result == PreviewResult::Summary {
                    prop_assert_eq!(&alone.summary.records, &all.summary.records);
                } else {
                    prop_assert!(alone.summary.records.is_empty());
                }
                let mut pages: Vec<PreviewRow> = Vec::new();
                let mut give = |rows: Vec<PreviewRow>| {
                    pages.extend(rows);
                    Ok(())
                };
                let paged = preview_into(
                    &input, None, &lines, &NoZoneRules,
                    &mut PreviewOutput { result, on_rows: Some((size, &mut give)) },
                )
                .unwrap();
                prop_assert_eq!(&paged.summary.counters, &all.summary.counters);
                prop_assert_eq!(&paged.summary.totals, &all.summary.totals);
                prop_assert_eq!(&pages, &all.summary.records);
            }
        }
    }
}
