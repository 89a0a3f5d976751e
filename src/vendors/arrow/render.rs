//! The seed-shaped JSON of consumption records (seed 001), billing syncs (seed 000) and pending-record rows.
//!
//! Each is a struct whose fields are in the seed's order (serde_json keeps that order), so a response reads
//! like the reference API's, and its TypeScript is generated from the struct itself (src/typegen). Host names (resource, project, customer) are joined at render time through a [`Lookup`]:
//! the stored record keeps only ids, so a renamed project shows its current name. An object the lookup does
//! not know renders its joined fields as null rather than failing the whole list. A uuid field the seeds
//! type as a uuid is never null: "none" is the nil uuid, which the official client's models can parse.

use std::collections::BTreeMap;

use rust_decimal::Decimal;
use serde::Serialize;
use serde_json::{json, Value};

use crate::error::{Error, Result};
use crate::ids::Uuid;
use crate::money::{render, render_exact, Currency};
use crate::period::Period;
use crate::timestamp::Timestamp;

use crate::ledger::Hosts;

use super::admin_views::uuid_or_nil;
#[cfg(doc)]
use super::admin_views::NO_UUID;

use super::records::{
    ArrowState, BillingSync, BillingSyncItem, ConsumptionRecord, Customer, CustomerMapping,
    Project, Resource, SyncState,
};

/// The host objects a rendered record or sync is joined with ([`Hosts`]), plus Arrow's customer mappings.
#[derive(Debug, Clone, Default)]
pub struct Lookup {
    hosts: Hosts,
    mappings: BTreeMap<Uuid, CustomerMapping>,
}

impl std::ops::Deref for Lookup {
    type Target = Hosts;

    fn deref(&self) -> &Hosts {
        &self.hosts
    }
}

impl Lookup {
    pub fn new(
        customers: impl IntoIterator<Item = Customer>,
        projects: impl IntoIterator<Item = Project>,
        resources: impl IntoIterator<Item = Resource>,
        mappings: impl IntoIterator<Item = CustomerMapping>,
    ) -> Lookup {
        Lookup {
            hosts: Hosts::new(customers, projects, resources),
            mappings: crate::sort::map_of(mappings.into_iter().map(|m| (m.uuid, m))),
        }
    }

    /// Every customer mapping, in uuid order.
    pub fn mappings(&self) -> impl Iterator<Item = &CustomerMapping> {
        self.mappings.values()
    }

    pub fn hosts_mut(&mut self) -> &mut Hosts {
        &mut self.hosts
    }

    pub fn add_mapping(&mut self, mapping: CustomerMapping) {
        self.mappings.insert(mapping.uuid, mapping);
    }

    pub fn mapping(&self, uuid: &Uuid) -> Option<&CustomerMapping> {
        self.mappings.get(uuid)
    }

    /// The host customer an Arrow customer mapping points at.
    pub fn customer_of_mapping(&self, mapping: &Uuid) -> Option<&Customer> {
        self.mapping(mapping)
            .and_then(|m| self.customer(&m.customer_uuid))
    }
}

fn base(base_url: &str) -> &str {
    base_url.trim_end_matches('/')
}

/// "YYYY-MM-DD" of the first day of the month: how the seed writes billing_period.
pub fn billing_period_date(period: Period) -> String {
    // NaiveDate displays as YYYY-MM-DD; chrono's strftime machinery would add to the wasm for nothing.
    period.first_day().to_string()
}

/// final_sell − consumed_sell, or None before the export has finalized the record. Unlike
/// [`ConsumptionRecord::adjustment_amount`], an overflow is an error here rather than a silent null.
pub fn checked_adjustment(record: &ConsumptionRecord) -> Result<Option<Decimal>> {
    record
        .final_sell
        .map(|f| {
            f.checked_sub(record.consumed_sell)
                .ok_or_else(|| Error::overflow(format!("adjustment of record {}", record.uuid)))
        })
        .transpose()
}

pub fn consumption_record_url(base_url: &str, uuid: &Uuid) -> String {
    format!(
        "{}/api/admin/arrow/consumption-records/{uuid}/",
        base(base_url)
    )
}

pub fn resource_url(base_url: &str, uuid: &Uuid) -> String {
    format!("{}/api/marketplace-resources/{uuid}/", base(base_url))
}

pub fn billing_sync_url(base_url: &str, uuid: &Uuid) -> String {
    format!("{}/api/admin/arrow/billing-syncs/{uuid}/", base(base_url))
}

pub fn customer_mapping_url(base_url: &str, uuid: &Uuid) -> String {
    format!(
        "{}/api/admin/arrow/customer-mappings/{uuid}/",
        base(base_url)
    )
}

/// `ArrowEngine.listConsumptionRecords()` and `retrieveConsumptionRecord()`: a consumption record with every
/// field of seed 001, in the seed's order. Host names are joined at render time: null when the store does
/// not know the object.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct ConsumptionRecordView<'a> {
    pub uuid: &'a Uuid,
    pub url: String,
    /// The resource's URL.
    pub resource: String,
    pub resource_uuid: &'a Uuid,
    pub resource_name: Option<&'a str>,
    /// The nil uuid when the store does not know the resource's project (the seed and the official
    /// client's model want a uuid, never null; see [`NO_UUID`]).
    pub project_uuid: String,
    pub project_name: Option<&'a str>,
    /// Known from the project even when the customer object itself is not; the nil uuid when neither is.
    pub customer_uuid: String,
    pub customer_name: Option<&'a str>,
    pub license_reference: &'a str,
    /// "YYYY-MM-DD": the first day of the month.
    pub billing_period: String,
    /// Decimal strings, rounded to cents.
    pub consumed_sell: String,
    pub consumed_buy: String,
    pub final_sell: Option<String>,
    pub final_buy: Option<String>,
    /// The nil uuid when there is none.
    pub invoice_item_uuid: String,
    /// The nil uuid when there is none (`adjustment_amount` says whether one was due).
    pub compensation_item_uuid: String,
    pub last_sync_at: Option<&'a Timestamp>,
    pub finalized_at: Option<&'a Timestamp>,
    pub reconciled_at: Option<&'a Timestamp>,
    pub is_finalized: bool,
    pub is_reconciled: bool,
    /// final_sell − consumed_sell; null until finalized.
    pub adjustment_amount: Option<String>,
    /// Vendor data: the consumption lines Arrow reported for the record, free-form as Arrow sent them.
    #[cfg_attr(test, ts(type = "unknown"))]
    pub raw_data: &'a Value,
    pub created: &'a Timestamp,
    pub modified: &'a Timestamp,
}

/// A consumption record with every field of seed 001, in the seed's order.
pub fn render_consumption_record(
    record: &ConsumptionRecord,
    lookup: &Lookup,
    base_url: &str,
) -> Result<Value> {
    let resource = lookup.resource(&record.resource_uuid);
    let project = lookup.project_of_resource(&record.resource_uuid);
    let customer = project.and_then(|p| lookup.customer(&p.customer_uuid));
    Ok(json!(ConsumptionRecordView {
        uuid: &record.uuid,
        url: consumption_record_url(base_url, &record.uuid),
        resource: resource_url(base_url, &record.resource_uuid),
        resource_uuid: &record.resource_uuid,
        resource_name: resource.map(|r| r.name.as_str()),
        project_uuid: uuid_or_nil(project.map(|p| &p.uuid)),
        project_name: project.map(|p| p.name.as_str()),
        customer_uuid: uuid_or_nil(project.map(|p| &p.customer_uuid)),
        customer_name: customer.map(|c| c.name.as_str()),
        license_reference: &record.source_ref,
        billing_period: billing_period_date(record.billing_period),
        consumed_sell: render(record.consumed_sell),
        consumed_buy: render(record.consumed_buy),
        final_sell: record.final_sell.map(render),
        final_buy: record.final_buy.map(render),
        invoice_item_uuid: uuid_or_nil(record.invoice_item_uuid.as_ref()),
        compensation_item_uuid: uuid_or_nil(record.compensation_item_uuid.as_ref()),
        last_sync_at: record.last_sync_at.as_ref(),
        finalized_at: record.finalized_at.as_ref(),
        reconciled_at: record.reconciled_at.as_ref(),
        is_finalized: record.is_finalized(),
        is_reconciled: record.is_reconciled(),
        adjustment_amount: checked_adjustment(record)?.map(render),
        raw_data: &record.raw_data,
        created: &record.created,
        modified: &record.modified,
    }))
}

/// `ArrowEngine.pendingRecords()`: a row of pending_records, exactly the seed's seven fields.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct PendingRecordView<'a> {
    pub uuid: &'a Uuid,
    pub resource_uuid: &'a Uuid,
    pub resource_name: Option<&'a str>,
    pub license_reference: &'a str,
    /// "YYYY-MM-DD": the first day of the month.
    pub billing_period: String,
    pub consumed_sell: String,
    pub last_sync_at: Option<&'a Timestamp>,
}

/// A row of pending_records: exactly the seed's seven fields.
pub fn render_pending_record(record: &ConsumptionRecord, lookup: &Lookup) -> Value {
    json!(PendingRecordView {
        uuid: &record.uuid,
        resource_uuid: &record.resource_uuid,
        resource_name: lookup
            .resource(&record.resource_uuid)
            .map(|r| r.name.as_str()),
        license_reference: &record.source_ref,
        billing_period: billing_period_date(record.billing_period),
        consumed_sell: render(record.consumed_sell),
        last_sync_at: record.last_sync_at.as_ref(),
    })
}

/// One item of a billing sync, as the API serves it (seed 000).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct BillingSyncItemView<'a> {
    pub uuid: &'a Uuid,
    pub arrow_line_reference: &'a str,
    /// The nil uuid when the line has no invoice item of its own (it is billed through consumption records).
    pub invoice_item_uuid: String,
    /// Decimal string, rounded to cents.
    pub original_price: String,
    /// The nil uuid when there is none.
    pub compensation_item_uuid: String,
    pub vendor_name: &'a str,
    pub subscription_reference: &'a str,
    pub classification: &'a str,
    pub description: &'a str,
    /// Decimal string, lossless (at least 2 decimals): quantities are not money.
    pub quantity: String,
    pub created: &'a Timestamp,
}

/// One item of a billing sync. Quantities are not money, so they are shown losslessly (at least 2 decimals)
/// instead of being rounded to cents.
fn billing_sync_item_view(item: &BillingSyncItem) -> BillingSyncItemView<'_> {
    BillingSyncItemView {
        uuid: &item.uuid,
        arrow_line_reference: &item.arrow_line_reference,
        invoice_item_uuid: uuid_or_nil(item.invoice_item_uuid.as_ref()),
        original_price: render(item.original_price),
        compensation_item_uuid: uuid_or_nil(item.compensation_item_uuid.as_ref()),
        vendor_name: &item.vendor_name,
        subscription_reference: &item.subscription_reference,
        classification: &item.classification,
        description: &item.description,
        quantity: render_exact(item.quantity),
        created: &item.created,
    }
}

/// `ArrowEngine.listBillingSyncs()` and `retrieveBillingSync()`: a billing sync with every field of seed
/// 000, in the seed's order. The mapping's Arrow reference and customer name are null when the store does
/// not know them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct BillingSyncView<'a> {
    pub uuid: &'a Uuid,
    pub url: String,
    /// The customer mapping's URL.
    pub customer_mapping: String,
    pub customer_mapping_uuid: &'a Uuid,
    pub arrow_reference: Option<&'a str>,
    pub waldur_customer_name: Option<&'a str>,
    pub statement_reference: &'a str,
    /// "YYYY-MM".
    pub report_period: Period,
    pub arrow_state: ArrowState,
    pub state: SyncState,
    #[cfg_attr(
        test,
        ts(type = "\"Pending\" | \"Synced\" | \"Validated\" | \"Reconciled\"")
    )]
    pub state_display: &'static str,
    /// Decimal strings, rounded to cents.
    pub buy_total: String,
    pub sell_total: String,
    pub currency: Currency,
    /// The nil uuid when there is none.
    pub invoice_uuid: String,
    pub error_message: &'a str,
    pub synced_at: Option<&'a Timestamp>,
    pub validated_at: Option<&'a Timestamp>,
    pub reconciled_at: Option<&'a Timestamp>,
    pub items: Vec<BillingSyncItemView<'a>>,
    pub created: &'a Timestamp,
    pub modified: &'a Timestamp,
}

/// One item of a billing sync, as JSON.
pub fn render_billing_sync_item(item: &BillingSyncItem) -> Value {
    json!(billing_sync_item_view(item))
}

/// A billing sync with every field of seed 000, in the seed's order.
pub fn render_billing_sync(sync: &BillingSync, lookup: &Lookup, base_url: &str) -> Value {
    let mapping = lookup.mapping(&sync.customer_mapping_uuid);
    let customer = lookup.customer_of_mapping(&sync.customer_mapping_uuid);
    json!(BillingSyncView {
        uuid: &sync.uuid,
        url: billing_sync_url(base_url, &sync.uuid),
        customer_mapping: customer_mapping_url(base_url, &sync.customer_mapping_uuid),
        customer_mapping_uuid: &sync.customer_mapping_uuid,
        arrow_reference: mapping.map(|m| m.arrow_reference.as_str()),
        waldur_customer_name: customer.map(|c| c.name.as_str()),
        statement_reference: &sync.statement_reference,
        report_period: sync.report_period,
        arrow_state: sync.arrow_state,
        state: sync.state,
        state_display: sync.state.display(),
        buy_total: render(sync.buy_total),
        sell_total: render(sync.sell_total),
        currency: sync.currency,
        invoice_uuid: uuid_or_nil(sync.invoice_uuid.as_ref()),
        error_message: &sync.error_message,
        synced_at: sync.synced_at.as_ref(),
        validated_at: sync.validated_at.as_ref(),
        reconciled_at: sync.reconciled_at.as_ref(),
        items: sync.items.iter().map(billing_sync_item_view).collect(),
        created: &sync.created,
        modified: &sync.modified,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::money::Currency;
    use crate::vendors::arrow::records::SyncState;

    fn id(n: u8) -> Uuid {
        Uuid::parse(&format!("00000000-0000-0000-0000-0000000000{n:02x}")).unwrap()
    }

    fn ts(s: &str) -> Timestamp {
        Timestamp::parse(s).unwrap()
    }

    fn dec(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    fn lookup() -> Lookup {
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
            [Resource {
                uuid: id(3),
                name: "VM".into(),
                project_uuid: id(2),
                offering_uuid: None,
                backend_id: String::new(),
                state: "OK".into(),
                attributes: Default::default(),
                current_usages: Default::default(),
                version: 0,
            }],
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
            consumed_sell: dec("100.005"),
            consumed_buy: dec("80"),
            final_sell: Some(dec("95")),
            final_buy: None,
            invoice_item_uuid: Some(id(11)),
            compensation_item_uuid: None,
            last_sync_at: Some(ts("2025-02-01T10:00:00Z")),
            finalized_at: Some(ts("2025-02-05T10:00:00+01:00")),
            reconciled_at: None,
            raw_data: json!({"lines": 2}),
            created: ts("2025-01-15T00:00:00Z"),
            modified: ts("2025-02-05T09:00:00Z"),
            version: 0,
        }
    }

    #[test]
    fn renders_a_record_with_joins_and_derived_fields() {
        let v = render_consumption_record(&record(), &lookup(), "https://h.example/").unwrap();
        let id10 = id(10).to_string();
        assert_eq!(
            v["url"],
            format!("https://h.example/api/admin/arrow/consumption-records/{id10}/")
        );
        assert_eq!(
            v["resource"],
            format!("https://h.example/api/marketplace-resources/{}/", id(3))
        );
        assert_eq!(v["resource_name"], "VM");
        assert_eq!(v["project_name"], "Cloud");
        assert_eq!(v["customer_uuid"], id(1).to_string());
        assert_eq!(v["customer_name"], "Acme");
        assert_eq!(v["billing_period"], "2025-01-01");
        assert_eq!(v["consumed_sell"], "100.01");
        assert_eq!(v["consumed_buy"], "80.00");
        assert_eq!(v["final_sell"], "95.00");
        assert_eq!(v["final_buy"], Value::Null);
        assert_eq!(v["adjustment_amount"], "-5.01");
        assert_eq!(v["finalized_at"], "2025-02-05T09:00:00Z");
        assert_eq!(v["reconciled_at"], Value::Null);
        assert_eq!(v["is_finalized"], true);
        assert_eq!(v["is_reconciled"], false);
        assert_eq!(v["raw_data"], json!({"lines": 2}));
        let keys: Vec<&str> = v.as_object().unwrap().keys().map(String::as_str).collect();
        assert_eq!(keys.first(), Some(&"uuid"));
        assert_eq!(keys.last(), Some(&"modified"));
        assert_eq!(keys.len(), 26);
    }

    #[test]
    fn unknown_host_objects_render_as_null() {
        let mut r = record();
        r.final_sell = None;
        let v = render_consumption_record(&r, &Lookup::default(), "").unwrap();
        for key in [
            "resource_name",
            "project_name",
            "customer_name",
            "adjustment_amount",
        ] {
            assert_eq!(v[key], Value::Null, "{key}");
        }
        for key in ["project_uuid", "customer_uuid"] {
            assert_eq!(v[key], super::super::admin_views::NO_UUID, "{key}");
        }
        assert_eq!(
            v["resource"],
            format!("/api/marketplace-resources/{}/", id(3))
        );
    }

    #[test]
    fn adjustment_overflow_is_an_error() {
        let mut r = record();
        r.final_sell = Some(Decimal::MAX);
        r.consumed_sell = dec("-1");
        let e = render_consumption_record(&r, &lookup(), "").unwrap_err();
        assert_eq!(e.code(), "overflow");
    }

    #[test]
    fn renders_a_pending_row() {
        let v = render_pending_record(&record(), &lookup());
        let keys: Vec<&str> = v.as_object().unwrap().keys().map(String::as_str).collect();
        assert_eq!(
            keys,
            [
                "uuid",
                "resource_uuid",
                "resource_name",
                "license_reference",
                "billing_period",
                "consumed_sell",
                "last_sync_at"
            ]
        );
        assert_eq!(v["last_sync_at"], "2025-02-01T10:00:00Z");
    }

    #[test]
    fn renders_a_billing_sync() {
        let sync = BillingSync {
            uuid: id(20),
            settings_uuid: id(5),
            customer_mapping_uuid: id(4),
            statement_reference: "ST-1".into(),
            report_period: Period::parse("2025-03").unwrap(),
            arrow_state: ArrowState::Validated,
            state: SyncState::Synced,
            buy_total: dec("10.125"),
            sell_total: dec("12"),
            currency: Currency::EUR,
            invoice_uuid: None,
            error_message: String::new(),
            synced_at: Some(ts("2025-04-01T00:00:00Z")),
            validated_at: None,
            reconciled_at: None,
            items: vec![BillingSyncItem {
                uuid: id(21),
                arrow_line_reference: "L1".into(),
                invoice_item_uuid: Some(id(22)),
                original_price: dec("12"),
                current_price: Some(dec("12")),
                compensation_item_uuid: None,
                vendor_name: "Microsoft".into(),
                subscription_reference: "SUB".into(),
                classification: "IAAS".into(),
                description: "VM hours".into(),
                quantity: dec("1.5"),
                created: ts("2025-04-01T00:00:00Z"),
                license_reference: String::new(),
                billed_through: Vec::new(),
            }],
            created: ts("2025-04-01T00:00:00Z"),
            modified: ts("2025-04-01T00:00:00Z"),
            version: 0,
        };
        let v = render_billing_sync(&sync, &lookup(), "https://h.example");
        assert_eq!(
            v["customer_mapping"],
            format!(
                "https://h.example/api/admin/arrow/customer-mappings/{}/",
                id(4)
            )
        );
        assert_eq!(v["arrow_reference"], "XSP661245");
        assert_eq!(v["waldur_customer_name"], "Acme");
        assert_eq!(v["report_period"], "2025-03");
        assert_eq!(v["arrow_state"], "validated");
        assert_eq!(v["state"], 2);
        assert_eq!(v["state_display"], "Synced");
        assert_eq!(v["buy_total"], "10.13");
        assert_eq!(v["sell_total"], "12.00");
        assert_eq!(v["currency"], "EUR");
        assert_eq!(v["items"][0]["original_price"], "12.00");
        assert_eq!(v["items"][0]["quantity"], "1.50");
        assert_eq!(
            v["items"][0]["compensation_item_uuid"],
            super::super::admin_views::NO_UUID
        );
        let unknown = render_billing_sync(&sync, &Lookup::default(), "");
        assert_eq!(unknown["arrow_reference"], Value::Null);
        assert_eq!(unknown["waldur_customer_name"], Value::Null);
    }
}
