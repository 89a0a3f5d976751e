//! The rendered JSON has exactly the fields of the seed contracts, in the seed's order.
//!
//! The seeds are read from `shared/seeds/`, which sits beside the repository both here and in CI, so the
//! contract is checked against the documents themselves rather than a copy that could drift.

use std::path::PathBuf;

use billsync::ids::Uuid;
use billsync::money::Currency;
use billsync::period::Period;
use billsync::timestamp::Timestamp;
use billsync::vendors::arrow::query::{
    consumption_statistics, consumption_status, plan_cleanup, CleanupFilter,
};
use billsync::vendors::arrow::records::{
    render_billing_sync, render_consumption_record, render_pending_record, ArrowState, BillingSync,
    BillingSyncItem, ConsumptionRecord, Customer, CustomerMapping, Lookup, Project, Resource,
    SyncState,
};
use serde_json::Value;

const BILLING_SYNCS_SEED: &str = "000_3a90491a9a86f3fa.txt";
const CONSUMPTION_RECORDS_SEED: &str = "001_38d23414451d5362.txt";

fn seed(name: &str) -> String {
    let path: PathBuf = [env!("CARGO_MANIFEST_DIR"), "..", "shared", "seeds", name]
        .iter()
        .collect();
    std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "cannot read seed {}: {e}. The seeds live in shared/seeds/ beside the repository; \
             clone shared/ next to it to run this test.",
            path.display()
        )
    })
}

/// Seed 000 writes a response as a markdown table after `=== "Responses"` in its operation's `### ` section:
/// rows like "| `uuid` | string (uuid) |  |". Returns the first column of the first Field table there.
fn markdown_response_fields(doc: &str, heading: &str) -> Vec<String> {
    let section = doc
        .split("\n### ")
        .find(|s| s.starts_with(heading))
        .unwrap_or_else(|| panic!("no section {heading:?} in seed 000"));
    let responses = section
        .split("=== \"Responses\"")
        .nth(1)
        .unwrap_or_else(|| panic!("no responses in section {heading:?}"));
    let mut fields = Vec::new();
    let mut in_table = false;
    for line in responses.lines().map(str::trim) {
        if line.starts_with("| Field |") {
            in_table = true;
        } else if in_table && line.starts_with("| `") {
            let name = line.split('`').nth(1).unwrap_or_default();
            fields.push(name.to_owned());
        } else if in_table && !line.starts_with("|---") {
            break;
        }
    }
    assert!(!fields.is_empty(), "no fields parsed for {heading:?}");
    fields
}

/// Seed 001 is a text rendering of HTML tables: after "200 -" and the "| Field |" header, each row is a
/// line "name |" followed by a line "type | description |". Returns the names of every response table.
fn text_response_tables(doc: &str) -> Vec<Vec<String>> {
    doc.split("\n200 -")
        .skip(1)
        .map(|after| {
            let mut lines = after.lines().skip_while(|l| !l.starts_with("|---")).skip(1);
            let mut fields = Vec::new();
            while let Some(name) = lines.next().filter(|l| l.contains('|')) {
                fields.push(name.trim_end_matches('|').trim().to_owned());
                // The type line of this row.
                lines.next();
            }
            assert!(!fields.is_empty(), "no fields parsed in seed 001");
            fields
        })
        .collect()
}

fn top_level(fields: &[String]) -> Vec<String> {
    fields
        .iter()
        .filter(|f| !f.contains('.'))
        .cloned()
        .collect()
}

fn nested(fields: &[String], parent: &str) -> Vec<String> {
    let prefix = format!("{parent}.");
    fields
        .iter()
        .filter_map(|f| f.strip_prefix(&prefix).map(str::to_owned))
        .collect()
}

fn keys(value: &Value) -> Vec<String> {
    value
        .as_object()
        .map(|o| o.keys().cloned().collect())
        .unwrap_or_default()
}

fn id(n: u8) -> Uuid {
    Uuid::parse(&format!("00000000-0000-0000-0000-0000000000{n:02x}")).unwrap()
}

fn ts(s: &str) -> Timestamp {
    Timestamp::parse(s).unwrap()
}

fn lookup() -> Lookup {
    let resource: Resource = serde_json::from_value(serde_json::json!({
        "uuid": id(3).to_string(),
        "name": "VM",
        "project_uuid": id(2).to_string(),
    }))
    .unwrap();
    Lookup::new(
        [Customer {
            uuid: id(1),
            name: "Acme".into(),
            version: 0,
        }],
        [Project {
            uuid: id(2),
            name: "Cloud".into(),
            customer_uuid: id(1),
            version: 0,
        }],
        [resource],
        [CustomerMapping {
            uuid: id(4),
            settings_uuid: Some(id(5)),
            arrow_reference: "XSP661245".into(),
            customer_uuid: id(1),
            arrow_company_name: String::new(),
            is_active: true,
            created: None,
            modified: None,
            version: 0,
        }],
    )
}

fn record() -> ConsumptionRecord {
    ConsumptionRecord {
        uuid: id(10),
        resource_uuid: id(3),
        vendor: "arrow".into(),
        source_ref: "XSP12345".into(),
        billing_period: Period::parse("2025-01").unwrap(),
        currency: Currency::EUR,
        consumed_sell: "100".parse().unwrap(),
        consumed_buy: "80".parse().unwrap(),
        final_sell: Some("95".parse().unwrap()),
        final_buy: Some("76".parse().unwrap()),
        invoice_item_uuid: Some(id(11)),
        compensation_item_uuid: Some(id(12)),
        last_sync_at: Some(ts("2025-02-01T10:00:00Z")),
        finalized_at: Some(ts("2025-02-05T10:00:00Z")),
        reconciled_at: Some(ts("2025-02-05T10:00:00Z")),
        raw_data: serde_json::json!({"lines": []}),
        created: ts("2025-01-15T00:00:00Z"),
        modified: ts("2025-02-05T10:00:00Z"),
        version: 0,
    }
}

fn billing_sync() -> BillingSync {
    BillingSync {
        uuid: id(20),
        settings_uuid: id(5),
        customer_mapping_uuid: id(4),
        statement_reference: "ST-1".into(),
        report_period: Period::parse("2025-03").unwrap(),
        arrow_state: ArrowState::Validated,
        state: SyncState::Reconciled,
        buy_total: "10".parse().unwrap(),
        sell_total: "12".parse().unwrap(),
        currency: Currency::EUR,
        invoice_uuid: Some(id(30)),
        error_message: String::new(),
        synced_at: Some(ts("2025-04-01T00:00:00Z")),
        validated_at: Some(ts("2025-04-02T00:00:00Z")),
        reconciled_at: Some(ts("2025-04-03T00:00:00Z")),
        items: vec![BillingSyncItem {
            uuid: id(21),
            arrow_line_reference: "L1".into(),
            invoice_item_uuid: Some(id(22)),
            original_price: "12".parse().unwrap(),
            current_price: Some("12".parse().unwrap()),
            compensation_item_uuid: None,
            vendor_name: "Microsoft".into(),
            subscription_reference: "SUB".into(),
            classification: "IAAS".into(),
            description: "VM hours".into(),
            quantity: "1".parse().unwrap(),
            created: ts("2025-04-01T00:00:00Z"),
            license_reference: String::new(),
            billed_through: Vec::new(),
        }],
        created: ts("2025-04-01T00:00:00Z"),
        modified: ts("2025-04-03T00:00:00Z"),
        version: 0,
    }
}

#[test]
fn consumption_record_has_the_fields_of_seed_001() {
    let tables = text_response_tables(&seed(CONSUMPTION_RECORDS_SEED));
    assert_eq!(tables.len(), 2, "list and retrieve");
    let rendered = render_consumption_record(&record(), &lookup(), "https://h.example").unwrap();
    for table in &tables {
        assert_eq!(&keys(&rendered), table);
    }
}

#[test]
fn billing_sync_has_the_fields_of_seed_000() {
    let doc = seed(BILLING_SYNCS_SEED);
    let rendered = render_billing_sync(&billing_sync(), &lookup(), "https://h.example");
    for heading in ["Billing syncs", "Retrieve"] {
        let fields = markdown_response_fields(&doc, heading);
        assert_eq!(keys(&rendered), top_level(&fields), "{heading}");
        assert_eq!(
            keys(&rendered["items"][0]),
            nested(&fields, "items"),
            "{heading}"
        );
    }
}

#[test]
fn pending_record_row_has_the_fields_of_seed_000() {
    let fields = markdown_response_fields(&seed(BILLING_SYNCS_SEED), "List pending consumption");
    assert_eq!(keys(&render_pending_record(&record(), &lookup())), fields);
}

#[test]
fn statistics_have_the_fields_of_seed_000() {
    let fields = markdown_response_fields(&seed(BILLING_SYNCS_SEED), "Get consumption statistics");
    let mut pending = record();
    pending.uuid = id(13);
    pending.finalized_at = None;
    pending.billing_period = Period::parse("2025-02").unwrap();
    let mut stats = consumption_statistics(&[record(), pending])
        .unwrap()
        .to_json();
    // Beside the seed's fields, the statistics every vendor answers (src/ledger/statistics.rs).
    for shared in ["totals_by_currency", "by_period"] {
        assert!(
            stats.as_object_mut().unwrap().remove(shared).is_some(),
            "{shared}"
        );
    }
    assert_eq!(keys(&stats), top_level(&fields));
    for period in stats["period_breakdown"].as_array().unwrap() {
        assert_eq!(keys(period), nested(&fields, "period_breakdown"));
    }
}

#[test]
fn status_has_the_fields_of_seed_000() {
    let fields = markdown_response_fields(
        &seed(BILLING_SYNCS_SEED),
        "Get current consumption sync status",
    );
    assert_eq!(
        keys(&consumption_status(true, None, &[record()]).to_json()),
        fields
    );
}

#[test]
fn cleanup_has_the_fields_of_seed_000() {
    let fields = markdown_response_fields(
        &seed(BILLING_SYNCS_SEED),
        "Delete consumption records with optional dry-run preview",
    );
    let plan = plan_cleanup(&[record()], &CleanupFilter::default(), true).unwrap();
    assert_eq!(keys(&plan.to_json()), fields);
}
