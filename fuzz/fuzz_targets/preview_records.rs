//! The reconciliation preview's records from arbitrary bytes (read in place from their JSON text): no panic;
//! an error is a coded one; a preview that succeeds writes a result that is JSON and agrees with itself.
#![no_main]

use billsync::vendors::arrow::line::BilledLine;
use billsync::vendors::arrow::parse_billing_export;
use billsync::timezone::NoZoneRules;
use billsync::vendors::arrow::preview::preview;
use libfuzzer_sys::fuzz_target;

const EXPORT: &str = r#"{"data": {"headers": ["Sequence", "Statement Reference", "End User Company ID",
  "ARS Subscription ID", "Customer Total Price", "Total Wholesale Price", "Report Period"],
  "values": [["1", "ST-1", "XSP661245", "XSP1", "60.00", "50.00", "2025-01"],
             ["2", "ST-1", "XSP661245", "XSP2", "12.5", 9, "2025-01"]]}}"#;

fuzz_target!(|data: &[u8]| {
    let Ok(records) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(page) = parse_billing_export(EXPORT) else {
        panic!("the fixed export parses");
    };
    let lines: Vec<BilledLine> = page.lines.into_iter().map(|l| BilledLine::of_export(l, 1)).collect();
    let input = serde_json::json!({
        "period": "2025-01",
        "settings": {"currency": "EUR"},
        "asOf": "2025-02-03T10:00:00Z",
    });
    match preview(&input, Some(records), &lines, &NoZoneRules) {
        Ok(result) => {
            let text = result.to_json().expect("a planned preview serialises");
            let value: serde_json::Value = serde_json::from_str(&text).expect("the result is JSON");
            let rows = value["summary"]["records"].as_array().map_or(0, Vec::len);
            assert_eq!(rows, result.summary.records.len());
            let counters = &result.summary.counters;
            assert!(counters.compensation_items_created <= rows as u64 + counters.reconciled);
        }
        Err(e) => assert!(!e.code().is_empty()),
    }
});
