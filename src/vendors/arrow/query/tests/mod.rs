//! Fixtures shared by the query tests.

mod cleanup;
mod filter;

mod stats;

use rust_decimal::Decimal;

use crate::ids::Uuid;
use crate::money::Currency;
use crate::period::Period;
use crate::timestamp::Timestamp;
use crate::vendors::arrow::records::{
    ArrowState, BillingSync, ConsumptionRecord, Customer, Lookup, Project, Resource, SyncState,
};

pub fn id(n: u8) -> Uuid {
    Uuid::parse(&format!("00000000-0000-0000-0000-0000000000{n:02x}")).unwrap()
}

pub fn ts(s: &str) -> Timestamp {
    Timestamp::parse(s).unwrap()
}

pub fn dec(s: &str) -> Decimal {
    s.parse().unwrap()
}

pub fn period(s: &str) -> Period {
    Period::parse(s).unwrap()
}

// Customers 1 and 2; projects 11 (customer 1) and 12 (customer 2); resources 21, 22 in project 11, 23 in
// project 12. Resource 29 is unknown to the lookup.
pub fn lookup() -> Lookup {
    let resource = |n: u8, project: u8| Resource {
        uuid: id(n),
        name: format!("res-{n}"),
        project_uuid: id(project),
        offering_uuid: None,
        backend_id: String::new(),
        state: "OK".into(),
        attributes: Default::default(),
        current_usages: Default::default(),
        version: 0,
    };
    Lookup::new(
        [1, 2].map(|n| Customer {
            uuid: id(n),
            name: format!("cust-{n}"),
            version: 0,
        }),
        [(11, 1), (12, 2)].map(|(n, c)| Project {
            uuid: id(n),
            name: format!("proj-{n}"),
            customer_uuid: id(c),
            version: 0,
        }),
        [resource(21, 11), resource(22, 11), resource(23, 12)],
        [],
    )
}

/// A provisional EUR record of `consumed` in `billing_period`, created at the start of the next month.
pub fn record(n: u8, resource: u8, billing_period: &str, consumed: &str) -> ConsumptionRecord {
    ConsumptionRecord {
        uuid: id(n),
        resource_uuid: id(resource),
        vendor: "arrow".into(),
        source_ref: format!("XSP{n:03}"),
        billing_period: period(billing_period),
        currency: Currency::EUR,
        consumed_sell: dec(consumed),
        consumed_buy: dec(consumed),
        final_sell: None,
        final_buy: None,
        invoice_item_uuid: None,
        compensation_item_uuid: None,
        last_sync_at: None,
        finalized_at: None,
        reconciled_at: None,
        raw_data: serde_json::Value::Null,
        created: ts("2025-01-01T00:00:00Z"),
        modified: ts("2025-01-01T00:00:00Z"),
        version: 0,
    }
}

pub fn finalized(mut r: ConsumptionRecord, final_sell: &str) -> ConsumptionRecord {
    r.final_sell = Some(dec(final_sell));
    r.final_buy = Some(dec(final_sell));
    r.finalized_at = Some(ts("2025-06-01T00:00:00Z"));
    r
}

pub fn reconciled(mut r: ConsumptionRecord) -> ConsumptionRecord {
    r.reconciled_at = Some(ts("2025-06-02T00:00:00Z"));
    r
}

pub fn sync(n: u8, mapping: u8, report_period: &str, statement: &str) -> BillingSync {
    BillingSync {
        uuid: id(n),
        settings_uuid: id(90),
        customer_mapping_uuid: id(mapping),
        statement_reference: statement.to_owned(),
        report_period: period(report_period),
        arrow_state: ArrowState::Pending,
        state: SyncState::Synced,
        buy_total: Decimal::ZERO,
        sell_total: Decimal::ZERO,
        currency: Currency::EUR,
        invoice_uuid: None,
        error_message: String::new(),
        synced_at: None,
        validated_at: None,
        reconciled_at: None,
        items: Vec::new(),
        created: ts("2025-01-01T00:00:00Z"),
        modified: ts("2025-01-01T00:00:00Z"),
        version: 0,
    }
}

pub fn uuids<'a>(items: impl IntoIterator<Item = &'a ConsumptionRecord>) -> Vec<Uuid> {
    items.into_iter().map(|r| r.uuid).collect()
}
