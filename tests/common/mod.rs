//! A small world for driving the pure planners directly, as quinn-proto's tests drive its state machine:
//! a memory store, the vendor's current export, and a clock the test moves.
#![allow(dead_code)]

use std::collections::{BTreeMap, BTreeSet};

use billsync::changeset::{Changeset, Intent};
use billsync::ids::Uuid;
use billsync::money::Currency;
use billsync::period::{Period, Zone};
use billsync::reconcile::{
    plan_billing_sync, plan_consumption_reconciliation, plan_consumption_sync,
    plan_statement_reconciliation, BilledLine, PlanContext, RecordOwner, ResourceConsumption,
};
use billsync::records::{
    ArrowSettings, Customer, CustomerMapping, InvoiceItem, PriceSource, Project, Resource,
    ResourceAttributes, ValidationRule,
};
use billsync::store::MemoryStore;
use billsync::timestamp::Timestamp;
use rust_decimal::Decimal;

pub fn d(s: &str) -> Decimal {
    Decimal::from_str_exact(s).unwrap()
}

pub fn p(s: &str) -> Period {
    Period::parse(s).unwrap()
}

pub fn uuid(n: u32) -> Uuid {
    Uuid::parse(&format!("00000000-0000-4000-8000-{n:012}")).unwrap()
}

pub const SETTINGS: u32 = 1;
pub const CUSTOMER: u32 = 2;
pub const PROJECT: u32 = 3;
pub const MAPPING: u32 = 4;
pub const CUSTOMER_REF: &str = "XSP661245";

pub fn license(n: usize) -> String {
    format!("XSP{:05}", 10_000 + n)
}

pub fn resource_uuid(n: usize) -> Uuid {
    uuid(100 + n as u32)
}

pub struct World {
    pub store: MemoryStore,
    pub settings: ArrowSettings,
    /// The export as Arrow would return it now.
    pub export: Vec<BilledLine>,
    pub now: Timestamp,
    pub last: Option<Changeset>,
}

impl World {
    pub fn new(resources: usize, price_source: PriceSource) -> World {
        let settings = ArrowSettings {
            uuid: uuid(SETTINGS),
            name: "Arrow".into(),
            api_url: String::new(),
            export_type_reference: "EXPORT".into(),
            classification_filter: "IAAS".into(),
            is_active: true,
            sync_enabled: true,
            invoice_price_source: price_source,
            invoice_item_prefix: "Arrow consumption".into(),
            currency: Some(Currency::EUR),
            reconciliation_tolerance: d("0.01"),
            validation_rule: ValidationRule::ExportStateOnly,
        };
        let mut store = MemoryStore::default();
        store
            .settings
            .insert(settings.uuid.clone(), settings.clone());
        store.customers.insert(
            uuid(CUSTOMER),
            Customer {
                uuid: uuid(CUSTOMER),
                name: "Contoso".into(),
            },
        );
        store.projects.insert(
            uuid(PROJECT),
            Project {
                uuid: uuid(PROJECT),
                name: "Azure".into(),
                customer_uuid: uuid(CUSTOMER),
            },
        );
        store.customer_mappings.insert(
            uuid(MAPPING),
            CustomerMapping {
                uuid: uuid(MAPPING),
                settings_uuid: Some(uuid(SETTINGS)),
                arrow_reference: CUSTOMER_REF.into(),
                customer_uuid: uuid(CUSTOMER),
            },
        );
        for n in 0..resources {
            store.resources.insert(
                resource_uuid(n),
                Resource {
                    uuid: resource_uuid(n),
                    name: format!("subscription-{n}"),
                    project_uuid: uuid(PROJECT),
                    offering_uuid: None,
                    backend_id: format!("vendor-sub-{n}"),
                    state: "OK".into(),
                    attributes: ResourceAttributes {
                        arrow_license_reference: Some(license(n)),
                    },
                    current_usages: Default::default(),
                },
            );
        }
        World {
            store,
            settings,
            export: Vec::new(),
            now: Timestamp::parse("2025-01-20T10:00:00Z").unwrap(),
            last: None,
        }
    }

    pub fn ctx(&self) -> PlanContext<'_> {
        PlanContext {
            settings: &self.settings,
            as_of: self.now,
            zone: Zone::UTC,
        }
    }

    pub fn at(&mut self, instant: &str) {
        self.now = Timestamp::parse(instant).unwrap();
    }

    pub fn apply(&mut self, changeset: Changeset) {
        self.store.apply(&changeset).unwrap();
        self.last = Some(changeset);
    }

    pub fn reapply_last(&mut self) {
        if let Some(last) = self.last.clone() {
            self.store.apply(&last).unwrap();
        }
    }

    /// trigger_consumption_sync with these month-to-date totals (sell, buy) per resource index.
    pub fn plan_consumption(
        &self,
        period: Period,
        totals: &[(usize, Decimal, Decimal)],
    ) -> Changeset {
        let consumptions: Vec<ResourceConsumption> = totals
            .iter()
            .map(|(n, sell, buy)| ResourceConsumption {
                resource: self.store.resources[&resource_uuid(*n)].clone(),
                customer_uuid: uuid(CUSTOMER),
                license_reference: license(*n),
                sell: *sell,
                buy: *buy,
                currency: Some(Currency::EUR),
                lines: 1,
                raw_data: serde_json::Value::Null,
            })
            .collect();
        let records: Vec<_> = self.store.consumption_records.values().cloned().collect();
        let items: Vec<_> = self.store.invoice_items.values().cloned().collect();
        plan_consumption_sync(&self.ctx(), period, &consumptions, &records, &items)
            .unwrap()
            .0
    }

    pub fn sync_consumption(&mut self, period: Period, totals: &[(usize, Decimal, Decimal)]) {
        let c = self.plan_consumption(period, totals);
        self.apply(c);
    }

    pub fn owners(&self) -> BTreeMap<Uuid, RecordOwner> {
        self.store
            .resources
            .values()
            .map(|r| {
                (
                    r.uuid.clone(),
                    RecordOwner {
                        resource_name: r.name.clone(),
                        customer_uuid: uuid(CUSTOMER),
                    },
                )
            })
            .collect()
    }

    pub fn plan_reconciliation(&self, period: Period, force: bool) -> Changeset {
        let records: Vec<_> = self.store.consumption_records.values().cloned().collect();
        let items: Vec<_> = self.store.invoice_items.values().cloned().collect();
        plan_consumption_reconciliation(
            &self.ctx(),
            period,
            force,
            &records,
            &self.owners(),
            &self.export,
            &items,
        )
        .unwrap()
        .0
    }

    pub fn reconcile_consumption(&mut self, period: Period, force: bool) {
        let c = self.plan_reconciliation(period, force);
        self.apply(c);
    }

    pub fn consumption_licenses(&self) -> BTreeSet<String> {
        self.store
            .resources
            .values()
            .filter_map(|r| r.license_reference().map(str::to_owned))
            .collect()
    }

    pub fn plan_trigger_sync(&self, period: Period) -> Changeset {
        let mappings: Vec<_> = self.store.customer_mappings.values().cloned().collect();
        let syncs: Vec<_> = self.store.billing_syncs.values().cloned().collect();
        plan_billing_sync(
            &self.ctx(),
            period,
            &self.export,
            &mappings,
            &syncs,
            &self.consumption_licenses(),
        )
        .unwrap()
        .0
    }

    pub fn plan_statement_reconcile(&self, period: Period, force: bool) -> Changeset {
        let mappings: Vec<_> = self.store.customer_mappings.values().cloned().collect();
        let syncs: Vec<_> = self.store.billing_syncs.values().cloned().collect();
        let items: Vec<_> = self.store.invoice_items.values().cloned().collect();
        plan_statement_reconciliation(
            &self.ctx(),
            period,
            force,
            &self.export,
            &mappings,
            &syncs,
            &self.consumption_licenses(),
            &items,
        )
        .unwrap()
        .0
    }

    /// Sets the export's final figure for a resource's licence in a period (one line, replacing earlier ones).
    pub fn set_final(&mut self, period: Period, n: usize, sell: Decimal, buy: Decimal) {
        let lic = license(n);
        self.export
            .retain(|l| !(l.license_reference == lic && l.report_period == Some(period)));
        self.export
            .push(line(period, &format!("C-{period}-{n}"), &lic, sell, buy));
    }

    /// Sets a statement line (not a consumption licence) in the export.
    pub fn set_statement_line(&mut self, period: Period, line_ref: &str, sell: Decimal) {
        self.export
            .retain(|l| !(l.line_reference == line_ref && l.report_period == Some(period)));
        let mut l = line(period, line_ref, &format!("LIC-{line_ref}"), sell, sell);
        l.statement_reference = format!("ST-{period}");
        self.export.push(l);
    }

    pub fn remove_statement_line(&mut self, period: Period, line_ref: &str) {
        self.export
            .retain(|l| !(l.line_reference == line_ref && l.report_period == Some(period)));
    }

    /// The money on invoices for a source key.
    pub fn billed(&self, source_key: &str) -> Decimal {
        self.store
            .items_for(source_key)
            .map(|i| i.total().unwrap().amount)
            .sum()
    }

    pub fn items(&self) -> Vec<&InvoiceItem> {
        self.store.invoice_items.values().collect()
    }

    pub fn creates(changeset: &Changeset) -> usize {
        changeset
            .intents
            .iter()
            .filter(|i| matches!(i, Intent::CreateInvoiceItem { .. }))
            .count()
    }
}

pub fn line(
    period: Period,
    line_ref: &str,
    license: &str,
    sell: Decimal,
    buy: Decimal,
) -> BilledLine {
    BilledLine {
        line_reference: line_ref.into(),
        statement_reference: format!("ST-{period}-C"),
        customer_reference: CUSTOMER_REF.into(),
        customer_name: "Contoso".into(),
        license_reference: license.into(),
        vendor_subscription_id: format!("vs-{license}"),
        vendor_name: "Microsoft".into(),
        classification: "IAAS".into(),
        description: format!("Azure plan {license}"),
        quantity: d("3"),
        sell,
        buy,
        currency: Some(Currency::EUR),
        report_period: Some(period),
        statement_state: None,
    }
}
