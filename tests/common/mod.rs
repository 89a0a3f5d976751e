//! A small world for driving the pure planners directly, as quinn-proto's tests drive its state machine:
//! a memory store, the vendor's current export, and a clock the test moves.
#![allow(dead_code)]

pub mod fake_arrow;
pub mod interpose;
pub mod zone_rules;

use std::collections::BTreeMap;

use billsync::ids::Uuid;
use billsync::ledger::hold::{plan_release, plan_reverse, HoldContext};
use billsync::ledger::PriceSource;
use billsync::ledger::{
    plan_consumption_reconciliation, plan_consumption_sync, Billing, Changeset, ConsumptionRecord,
    Customer, InvoiceItem, Ownership, PlanContext, Project, ReconciliationCounters, RecordOutcome,
    RecordOwner, Resource, ResourceConsumption, Row, WriteOp,
};
use billsync::ledger::{plan_unowned, unowned_lines, HoldRow, HoldState, SourceRow, UnownedLine};
use billsync::money::Currency;
use billsync::period::{Period, Zone};
use billsync::store::MemoryStore;
use billsync::timestamp::Timestamp;
use billsync::vendors::arrow::billing_sync::BillingSync;
use billsync::vendors::arrow::line::BilledLine;
use billsync::vendors::arrow::settings::{
    ArrowSettings, CustomerMapping, ValidationRule, LICENSE_ATTRIBUTE,
};
use billsync::vendors::arrow::statements::{
    plan_billing_sync, plan_statement_reconciliation, StatementContext, StatementLedger,
};
use billsync::vendors::arrow::unowned::{unowned_statement_lines, STATEMENTS_SCOPE};
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
/// A second customer, with its own mapping and no resources: where lines move to.
pub const CUSTOMER2: u32 = 5;
pub const MAPPING2: u32 = 6;
pub const CUSTOMER_REF2: &str = "XSP770001";
/// A customer of Arrow's that no mapping names: its lines are nobody's (unowned money).
pub const UNMAPPED_REF: &str = "XSP990009";

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
            partner_reference: String::new(),
            partner_name: String::new(),
            created: None,
            modified: None,
            version: 0,
        };
        let mut store = MemoryStore::default();
        store.insert(&settings).unwrap();
        store
            .insert(&Customer {
                uuid: uuid(CUSTOMER),
                name: "Contoso".into(),
                version: 0,
            })
            .unwrap();
        store
            .insert(&Project {
                uuid: uuid(PROJECT),
                name: "Azure".into(),
                customer_uuid: uuid(CUSTOMER),
                version: 0,
            })
            .unwrap();
        store
            .insert(&CustomerMapping {
                uuid: uuid(MAPPING),
                settings_uuid: Some(uuid(SETTINGS)),
                arrow_reference: CUSTOMER_REF.into(),
                customer_uuid: uuid(CUSTOMER),
                arrow_company_name: String::new(),
                is_active: true,
                created: None,
                modified: None,
                version: 0,
            })
            .unwrap();
        store
            .insert(&Customer {
                uuid: uuid(CUSTOMER2),
                name: "Fabrikam".into(),
                version: 0,
            })
            .unwrap();
        store
            .insert(&CustomerMapping {
                uuid: uuid(MAPPING2),
                settings_uuid: Some(uuid(SETTINGS)),
                arrow_reference: CUSTOMER_REF2.into(),
                customer_uuid: uuid(CUSTOMER2),
                arrow_company_name: String::new(),
                is_active: true,
                created: None,
                modified: None,
                version: 0,
            })
            .unwrap();
        for n in 0..resources {
            store.insert(&resource(n)).unwrap();
        }
        World {
            store,
            settings,
            export: Vec::new(),
            now: Timestamp::parse("2025-01-20T10:00:00Z").unwrap(),
            last: None,
        }
    }

    pub fn ctx(&self) -> PlanContext {
        PlanContext {
            operation: "test".into(),
            vendor: billsync::vendors::arrow::VENDOR,
            policy: self.settings.policy(),
            as_of: self.now,
            zone: Zone::UTC,
            invoices: Default::default(),
        }
    }

    pub fn statement_ctx(&self) -> StatementContext<'_> {
        StatementContext {
            plan: self.ctx(),
            settings: &self.settings,
            statement_states: Default::default(),
            export_sha256: None,
        }
    }

    /// Who owns each licence and month now: its records of live resources, or its lines.
    pub fn ownership(&self) -> Ownership {
        let records: Vec<ConsumptionRecord> = self.rows();
        let resources: Vec<Resource> = self.rows();
        Ownership::new(&records, |uuid| {
            resources.iter().any(|r| &r.uuid == uuid && r.is_live())
        })
    }

    /// Every row of a table, typed, at its version.
    pub fn rows<R: Row>(&self) -> Vec<R> {
        self.store.typed::<R>().unwrap()
    }

    /// What the ledger has billed: every item and every source row.
    pub fn billing(&self) -> Billing {
        Billing {
            items: self.rows(),
            sources: self.rows(),
            units: self.rows(),
        }
    }

    pub fn resource(&self, n: usize) -> Resource {
        self.store
            .typed_row::<Resource>(resource_uuid(n).as_str())
            .unwrap()
            .unwrap()
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

    /// The resource of index `n` as the store holds it now (None once deleted).
    pub fn resource_now(&self, n: usize) -> Option<Resource> {
        self.store
            .typed_row::<Resource>(resource_uuid(n).as_str())
            .unwrap()
    }

    /// trigger_consumption_sync with these month-to-date totals (sell, buy) per resource index, for the
    /// resources that exist, are active and name a licence (as the engine selects them).
    pub fn plan_consumption(
        &self,
        period: Period,
        totals: &[(usize, Decimal, Decimal)],
    ) -> Changeset {
        let consumptions: Vec<ResourceConsumption> = totals
            .iter()
            .filter_map(|(n, sell, buy)| {
                let resource = self.resource_now(*n).filter(|r| r.is_active())?;
                let licence = billsync::vendors::arrow::settings::license_of(&resource)?.to_owned();
                Some((resource, licence, sell, buy))
            })
            .map(|(resource, licence, sell, buy)| ResourceConsumption {
                resource,
                customer_uuid: uuid(CUSTOMER),
                source_ref: licence,
                sell: *sell,
                buy: *buy,
                currency: Some(Currency::EUR),
                lines: 1,
                raw_data: serde_json::Value::Null,
                evidence: Default::default(),
            })
            .collect();
        let records: Vec<ConsumptionRecord> = self.rows();
        plan_consumption_sync(
            &self.ctx(),
            period,
            &consumptions,
            &records,
            &self.billing(),
        )
        .unwrap()
        .0
    }

    pub fn sync_consumption(&mut self, period: Period, totals: &[(usize, Decimal, Decimal)]) {
        let c = self.plan_consumption(period, totals);
        self.apply(c);
    }

    pub fn owners(&self) -> BTreeMap<Uuid, RecordOwner> {
        self.rows::<Resource>()
            .into_iter()
            .map(|r| {
                (
                    r.uuid,
                    RecordOwner {
                        resource_name: r.name.clone(),
                        customer_uuid: uuid(CUSTOMER),
                        live: r.is_live(),
                    },
                )
            })
            .collect()
    }

    pub fn plan_reconciliation(&self, period: Period, force: bool) -> Changeset {
        self.reconciliation_in(&self.ctx(), period, force).0
    }

    /// The consumption reconciliation of `period` planned in `ctx` on the world as it stands, with its
    /// counters and each record's outcome.
    pub fn reconciliation_in(
        &self,
        ctx: &PlanContext,
        period: Period,
        force: bool,
    ) -> (Changeset, ReconciliationCounters, Vec<RecordOutcome>) {
        let records: Vec<ConsumptionRecord> = self.rows();
        let finals: Vec<_> = self.export.iter().map(BilledLine::final_figure).collect();
        plan_consumption_reconciliation(
            ctx,
            period,
            force,
            &records,
            &self.owners(),
            &finals,
            &self.billing(),
        )
        .unwrap()
    }

    pub fn reconcile_consumption(&mut self, period: Period, force: bool) {
        let c = self.plan_reconciliation(period, force);
        self.apply(c);
    }

    pub fn plan_trigger_sync(&self, period: Period) -> Changeset {
        self.try_plan_trigger_sync(period).unwrap()
    }

    pub fn try_plan_trigger_sync(&self, period: Period) -> billsync::error::Result<Changeset> {
        let mappings: Vec<CustomerMapping> = self.rows();
        let syncs: Vec<BillingSync> = self.rows();
        let ownership = self.ownership();
        let billing = self.billing();
        let ledger = StatementLedger {
            ownership: &ownership,
            billing: &billing,
        };
        let ctx = self.statement_ctx();
        let (mut changeset, _) =
            plan_billing_sync(&ctx, period, &self.export, &mappings, &syncs, &ledger)?;
        // What trigger_sync reports as nobody's, as the engine's operation does.
        let figures = unowned_statement_lines(&ctx, period, &self.export, &mappings, &ownership);
        let found = unowned_lines(&ctx, STATEMENTS_SCOPE, period, false, figures)?;
        plan_unowned(
            &ctx,
            STATEMENTS_SCOPE,
            period,
            found,
            &self.rows::<UnownedLine>(),
            &mut changeset,
        )?;
        Ok(changeset)
    }

    pub fn plan_statement_reconcile(&self, period: Period, force: bool) -> Changeset {
        self.try_plan_statement_reconcile(period, force).unwrap()
    }

    pub fn try_plan_statement_reconcile(
        &self,
        period: Period,
        force: bool,
    ) -> billsync::error::Result<Changeset> {
        let mappings: Vec<CustomerMapping> = self.rows();
        let syncs: Vec<BillingSync> = self.rows();
        let ownership = self.ownership();
        let billing = self.billing();
        let ledger = StatementLedger {
            ownership: &ownership,
            billing: &billing,
        };
        Ok(plan_statement_reconciliation(
            &self.statement_ctx(),
            period,
            force,
            &self.export,
            &mappings,
            &syncs,
            &ledger,
        )?
        .0)
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
        self.rows::<InvoiceItem>()
            .iter()
            .filter(|i| i.source_key.as_str() == source_key)
            .map(|i| i.total().unwrap().amount)
            .sum()
    }

    /// Reverses the `nth` compensation still reversible (by uuid; none: None), as the operator "op".
    pub fn plan_reverse(&self, nth: usize) -> Option<Changeset> {
        let billing = self.billing();
        let reversed: Vec<String> = billing
            .items
            .iter()
            .filter_map(|i| i.details.to_value()["reverses"].as_str().map(str::to_owned))
            .collect();
        let mut reversible: Vec<&InvoiceItem> = billing
            .items
            .iter()
            .filter(|i| i.kind.is_compensation())
            .filter(|i| i.details.to_value().get("reverses").is_none())
            .filter(|i| !reversed.contains(&i.uuid.to_string()))
            .collect();
        if reversible.is_empty() {
            return None;
        }
        reversible.sort_by_key(|i| i.uuid);
        let item = reversible[nth % reversible.len()];
        let hold: Option<HoldRow> = self
            .store
            .typed_row(HoldRow::uuid_for(&item.source_key).as_str())
            .unwrap();
        let ctx = HoldContext {
            operation: "reverse",
            by: "op",
            as_of: self.now,
            current_period: self.now.period(Zone::UTC).unwrap(),
        };
        let (mut changeset, _) = plan_reverse(&ctx, item, "test", &billing, hold.as_ref()).unwrap();
        billsync::ledger::seal(&mut changeset, &billing.units).unwrap();
        Some(changeset)
    }

    /// Releases the `nth` held source (by key; none held: None).
    pub fn plan_release(&self, nth: usize) -> Option<Changeset> {
        let mut held: Vec<SourceRow> = self
            .rows::<SourceRow>()
            .into_iter()
            .filter(|s| s.hold == HoldState::Held)
            .collect();
        if held.is_empty() {
            return None;
        }
        held.sort_by(|a, b| a.source_key.cmp(&b.source_key));
        let source = &held[nth % held.len()];
        let hold: Option<HoldRow> = self
            .store
            .typed_row(HoldRow::uuid_for(&source.source_key).as_str())
            .unwrap();
        let ctx = HoldContext {
            operation: "release",
            by: "op",
            as_of: self.now,
            current_period: self.now.period(Zone::UTC).unwrap(),
        };
        Some(plan_release(&ctx, source, hold.as_ref()).unwrap().0)
    }

    /// The sources held, or released and not reconciled since: the law leaves them out.
    pub fn set_aside(&self) -> Vec<SourceRow> {
        self.rows::<SourceRow>()
            .into_iter()
            .filter(|s| s.hold != HoldState::None)
            .collect()
    }

    pub fn items(&self) -> Vec<InvoiceItem> {
        self.rows()
    }

    pub fn creates(changeset: &Changeset) -> usize {
        changeset
            .writes
            .iter()
            .filter(|w| w.op == WriteOp::Create && w.table == "invoice_items")
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
        position: format!("line {line_ref}"),
        page: 0,
        row: 0,
        sequence: None,
    }
}

pub fn resource(n: usize) -> Resource {
    let mut attributes = serde_json::Map::new();
    attributes.insert(
        LICENSE_ATTRIBUTE.to_owned(),
        serde_json::Value::String(license(n)),
    );
    Resource {
        uuid: resource_uuid(n),
        name: format!("subscription-{n}"),
        project_uuid: uuid(PROJECT),
        offering_uuid: None,
        backend_id: format!("vendor-sub-{n}"),
        state: "OK".into(),
        attributes,
        current_usages: Default::default(),
        version: 0,
    }
}
