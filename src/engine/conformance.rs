//! The fixtures of the store conformance kit (`runStoreConformance` in the package), produced by the real
//! planners on a small world and applied by the memory store, so the kit checks a host store against what
//! the engine really writes and what the one rule of applying a changeset really does. Nothing here is
//! copied by hand.

use rust_decimal::Decimal;
use serde_json::{json, Map, Value};

use super::tables::check_row;
use super::ScanQuery;
use crate::error::Result;
use crate::ids::Uuid;
use crate::ledger::hold::{plan_release, plan_reverse, HoldContext};
use crate::ledger::units::seal;
use crate::ledger::{
    plan_consumption_reconciliation, plan_consumption_sync, Billing, Changeset, ConsumptionRecord,
    Customer, Ownership, PlanContext, PriceSource, Project, RecordOwner, Resource,
    ResourceConsumption, Row, UnitRow,
};
use crate::ledger::{HoldRow, SourceRow};
use crate::money::Currency;
use crate::period::{Period, Zone};
use crate::store::MemoryStore;
use crate::timestamp::Timestamp;
use crate::vendors::arrow::billing_sync::BillingSync;
use crate::vendors::arrow::line::BilledLine;
use crate::vendors::arrow::settings::{
    ArrowSettings, CustomerMapping, ValidationRule, LICENSE_ATTRIBUTE,
};
use crate::vendors::arrow::statements::{
    plan_billing_sync, plan_statement_reconciliation, StatementContext, StatementLedger,
};
use crate::vendors::arrow::VENDOR;

fn id(n: u32) -> Result<Uuid> {
    Uuid::parse_field(&format!("00000000-0000-4000-8000-{n:012}"), "fixture")
}

fn money(cents: i64) -> Decimal {
    Decimal::new(cents, 2)
}

/// The world every check starts from.
struct World {
    store: MemoryStore,
    settings: ArrowSettings,
    resources: Vec<Resource>,
    customer: Uuid,
}

impl World {
    fn new() -> Result<World> {
        let settings = ArrowSettings {
            uuid: id(1)?,
            name: "Arrow".into(),
            api_url: String::new(),
            export_type_reference: "EXPORT".into(),
            classification_filter: "IAAS".into(),
            is_active: true,
            sync_enabled: true,
            invoice_price_source: PriceSource::Sell,
            invoice_item_prefix: "Arrow consumption".into(),
            currency: Some(Currency::EUR),
            reconciliation_tolerance: money(1),
            validation_rule: ValidationRule::ExportStateOnly,
            partner_reference: String::new(),
            partner_name: String::new(),
            created: None,
            modified: None,
            version: 0,
        };
        let customer = id(2)?;
        let mut store = MemoryStore::default();
        store.insert(&settings)?;
        store.insert(&Customer {
            uuid: customer,
            name: "Contoso".into(),
            version: 0,
        })?;
        store.insert(&Project {
            uuid: id(3)?,
            name: "Azure".into(),
            customer_uuid: customer,
            version: 0,
        })?;
        store.insert(&CustomerMapping {
            uuid: id(4)?,
            settings_uuid: Some(settings.uuid),
            arrow_reference: "XSP661245".into(),
            customer_uuid: customer,
            arrow_company_name: String::new(),
            is_active: true,
            created: None,
            modified: None,
            version: 0,
        })?;
        // Inserted out of id order: a store must sort, not keep insertion order.
        let mut resources = Vec::new();
        for n in [2u32, 0, 1] {
            let mut attributes = Map::new();
            attributes.insert(LICENSE_ATTRIBUTE.into(), json!(format!("XSP1000{n}")));
            let resource = Resource {
                uuid: id(100 + n)?,
                name: format!("subscription-{n}"),
                project_uuid: id(3)?,
                offering_uuid: None,
                backend_id: format!("vendor-sub-{n}"),
                state: "OK".into(),
                attributes,
                current_usages: Map::new(),
                version: 0,
            };
            store.insert(&resource)?;
            resources.push(resource);
        }
        crate::sort::sort_by_key(&mut resources, |a| a.uuid);
        Ok(World {
            store,
            settings,
            resources,
            customer,
        })
    }

    fn ctx(&self, operation: &str, at: &str) -> Result<PlanContext> {
        Ok(PlanContext {
            operation: operation.into(),
            vendor: VENDOR,
            policy: self.settings.policy(),
            as_of: Timestamp::parse(at)?,
            zone: Zone::UTC,
            invoices: Default::default(),
        })
    }

    fn billing(&self) -> Result<Billing> {
        Ok(Billing {
            items: self.store.typed()?,
            sources: self.store.typed()?,
            units: self.store.typed()?,
        })
    }

    fn consumption_sync(&self, period: Period, cents: &[i64], at: &str) -> Result<Changeset> {
        let consumptions: Vec<ResourceConsumption> = self
            .resources
            .iter()
            .zip(cents)
            .enumerate()
            .map(|(n, (resource, c))| ResourceConsumption {
                resource: resource.clone(),
                customer_uuid: self.customer,
                source_ref: format!("XSP1000{n}"),
                sell: money(*c),
                buy: money(c.saturating_mul(8) / 10),
                currency: Some(Currency::EUR),
                lines: 1,
                raw_data: Value::Null,
                evidence: Default::default(),
            })
            .collect();
        let records: Vec<ConsumptionRecord> = self.store.typed()?;
        let ctx = self.ctx("trigger_consumption_sync", at)?;
        let billing = self.billing()?;
        let changeset = plan_consumption_sync(&ctx, period, &consumptions, &records, &billing)?.0;
        sealed(changeset, &billing)
    }

    fn reconciliation(&self, period: Period, lines: &[BilledLine], at: &str) -> Result<Changeset> {
        let records: Vec<ConsumptionRecord> = self.store.typed()?;
        let owners = self
            .resources
            .iter()
            .map(|r| {
                (
                    r.uuid,
                    RecordOwner {
                        resource_name: r.name.clone(),
                        customer_uuid: self.customer,
                        live: r.is_live(),
                    },
                )
            })
            .collect();
        let finals: Vec<_> = lines.iter().map(BilledLine::final_figure).collect();
        let ctx = self.ctx("trigger_reconciliation", at)?;
        let billing = self.billing()?;
        let changeset = plan_consumption_reconciliation(
            &ctx, period, false, &records, &owners, &finals, &billing,
        )?
        .0;
        sealed(changeset, &billing)
    }

    fn statements(&self, period: Period, lines: &[BilledLine], at: &str) -> Result<Changeset> {
        self.with_statement_ledger("trigger_sync", at, |ctx, mappings, syncs, ledger| {
            Ok(plan_billing_sync(ctx, period, lines, mappings, syncs, ledger)?.0)
        })
    }

    fn statement_reconciliation(
        &self,
        period: Period,
        lines: &[BilledLine],
        at: &str,
    ) -> Result<Changeset> {
        self.with_statement_ledger("reconcile", at, |ctx, mappings, syncs, ledger| {
            Ok(plan_statement_reconciliation(ctx, period, true, lines, mappings, syncs, ledger)?.0)
        })
    }

    /// What a statement plan reads, from the world's store: mappings, syncs, and the ledger of records
    /// (owned while their resource is live) and billing.
    fn with_statement_ledger(
        &self,
        operation: &str,
        at: &str,
        plan: impl FnOnce(
            &StatementContext,
            &[CustomerMapping],
            &[BillingSync],
            &StatementLedger,
        ) -> Result<Changeset>,
    ) -> Result<Changeset> {
        let ctx = StatementContext {
            plan: self.ctx(operation, at)?,
            settings: &self.settings,
            statement_states: Default::default(),
            export_sha256: None,
        };
        let mappings: Vec<CustomerMapping> = self.store.typed()?;
        let syncs: Vec<BillingSync> = self.store.typed()?;
        let records: Vec<ConsumptionRecord> = self.store.typed()?;
        let ownership = Ownership::new(&records, |uuid| {
            self.resources
                .iter()
                .any(|r| &r.uuid == uuid && r.is_live())
        });
        let billing = self.billing()?;
        let ledger = StatementLedger {
            ownership: &ownership,
            billing: &billing,
        };
        sealed(plan(&ctx, &mappings, &syncs, &ledger)?, &billing)
    }
}

/// A plan's changeset with its read set: the rows of the units it read and wrote.
fn sealed(mut changeset: Changeset, billing: &Billing) -> Result<Changeset> {
    seal(&mut changeset, &billing.units)?;
    Ok(changeset)
}

fn line(period: Period, reference: &str, license: &str, cents: i64) -> BilledLine {
    BilledLine {
        line_reference: reference.into(),
        statement_reference: format!("ST-{period}"),
        customer_reference: "XSP661245".into(),
        customer_name: "Contoso".into(),
        license_reference: license.into(),
        vendor_subscription_id: format!("vs-{license}"),
        vendor_name: "Microsoft".into(),
        classification: "IAAS".into(),
        description: format!("Azure plan {license}"),
        quantity: Decimal::ONE,
        sell: money(cents),
        buy: money(cents),
        currency: Some(Currency::EUR),
        report_period: Some(period),
        statement_state: None,
        position: String::new(),
        page: 0,
        row: 0,
        sequence: None,
    }
}

impl World {
    /// The reverse of the first statement compensation.
    fn reverse(&self, at: &str) -> Result<Changeset> {
        let as_of = Timestamp::parse(at)?;
        let billing = Billing {
            items: self.store.typed()?,
            sources: self.store.typed()?,
            units: self.store.typed()?,
        };
        let item = billing
            .items
            .iter()
            .find(|i| i.kind == crate::ledger::InvoiceItemKind::StatementCompensation)
            .ok_or_else(|| crate::error::Error::not_found("fixture statement compensation"))?;
        let ctx = HoldContext {
            operation: "reverse",
            by: "operator",
            as_of,
            current_period: as_of.period(Zone::UTC)?,
        };
        let (mut reverse, _) = plan_reverse(&ctx, item, "disputed", &billing, None)?;
        seal(&mut reverse, &billing.units)?;
        Ok(reverse)
    }

    /// The release of the held source.
    fn release(&self, at: &str) -> Result<Changeset> {
        let as_of = Timestamp::parse(at)?;
        let source = self
            .store
            .typed::<SourceRow>()?
            .into_iter()
            .find(|s| s.hold == crate::ledger::HoldState::Held)
            .ok_or_else(|| crate::error::Error::not_found("fixture held source"))?;
        let hold: Option<HoldRow> = self
            .store
            .typed_row(HoldRow::uuid_for(&source.source_key).as_str())?;
        let ctx = HoldContext {
            operation: "release",
            by: "operator",
            as_of,
            current_period: as_of.period(Zone::UTC)?,
        };
        Ok(plan_release(&ctx, &source, hold.as_ref())?.0)
    }
}

/// Every row of every table, with its version, in id order.
fn contents(store: &MemoryStore) -> Value {
    let mut tables = Map::new();
    for table in super::tables::TABLES {
        let rows: Vec<Value> = store
            .rows(table)
            .map(|(id, held)| json!({ "id": id, "version": held.version, "row": held.row }))
            .collect();
        tables.insert((*table).to_owned(), Value::Array(rows));
    }
    Value::Object(tables)
}

/// The kit's fixtures: the initial tables; steps, each a changeset with the report and the tables it leaves;
/// a stale changeset and a changeset whose last write is stale; and scans with the ids they must return.
pub fn conformance_fixtures() -> Result<Value> {
    let period = Period::parse("2025-01")?;
    let mut world = World::new()?;
    let initial = world.store.to_tables();
    // The store as a host loads those tables (the global switch among them).
    world.store = MemoryStore::from_tables(&initial, check_row)?;
    let stale = world.consumption_sync(period, &[9_000, 9_100, 9_200], "2025-01-19T09:00:00Z")?;

    let export = vec![
        line(period, "C-0", "XSP10000", 9_500),
        line(period, "C-1", "XSP10001", 10_150),
        line(period, "L1", "LIC-L1", 3_000),
    ];
    let mut steps = Vec::new();
    let mut plans: Vec<(&str, Changeset)> = Vec::new();
    let first =
        world.consumption_sync(period, &[10_000, 10_100, 10_200], "2025-01-20T10:00:00Z")?;
    plans.push((
        "consumption sync: records, provisional items, source rows",
        first,
    ));
    for (name, changeset) in plans.drain(..) {
        let report = world.store.apply(&changeset)?;
        steps.push(json!({ "name": name, "changeset": changeset.to_host_json(), "report": report, "after": contents(&world.store) }));
    }
    let again =
        world.consumption_sync(period, &[10_500, 10_100, 10_200], "2025-01-25T10:00:00Z")?;
    let report = world.store.apply(&again)?;
    steps.push(json!({ "name": "a re-sync: records and items rewritten, one source row moved", "changeset": again.to_host_json(), "report": report, "after": contents(&world.store) }));
    let statements = world.statements(period, &export, "2025-02-02T10:00:00Z")?;
    let report = world.store.apply(&statements)?;
    steps.push(json!({ "name": "trigger_sync: a billing sync and a statement line item, created once", "changeset": statements.to_host_json(), "report": report, "after": contents(&world.store) }));
    let reconciliation = world.reconciliation(period, &export, "2025-02-03T10:00:00Z")?;
    let report = world.store.apply(&reconciliation)?;
    steps.push(json!({ "name": "reconciliation: compensations created, records and source rows updated", "changeset": reconciliation.to_host_json(), "report": report, "after": contents(&world.store) }));
    let repriced = vec![line(period, "L1", "LIC-L1", 3_500)];
    let statement = world.statement_reconciliation(period, &repriced, "2025-02-04T09:30:00Z")?;
    let report = world.store.apply(&statement)?;
    steps.push(json!({ "name": "reconcile: a statement compensation, the sync moved to reconciled", "changeset": statement.to_host_json(), "report": report, "after": contents(&world.store) }));
    // An operator reverses the statement compensation: a reversal item, the source row held, a hold row;
    // then releases it: the hold row kept (released), the source row due.
    let reverse = world.reverse("2025-02-04T11:00:00Z")?;
    let report = world.store.apply(&reverse)?;
    steps.push(json!({ "name": "reverse: a reversal item, the source held, a hold row", "changeset": reverse.to_host_json(), "report": report, "after": contents(&world.store) }));
    let release = world.release("2025-02-04T12:00:00Z")?;
    let report = world.store.apply(&release)?;
    steps.push(json!({ "name": "release: the hold row kept, released; the source due", "changeset": release.to_host_json(), "report": report, "after": contents(&world.store) }));
    let mut cleanup = Changeset::new(
        "cleanup_consumption",
        Timestamp::parse("2025-02-05T08:00:00Z")?,
    );
    for record in world.store.typed::<ConsumptionRecord>()?.iter().take(1) {
        cleanup.delete(format!("delete_consumption_record:{}", record.uuid), record);
    }
    let report = world.store.apply(&cleanup)?;
    steps.push(json!({ "name": "cleanup: a record deleted", "changeset": cleanup.to_host_json(), "report": report, "after": contents(&world.store) }));

    // A changeset whose writes are all fine but the last, which a later commit made stale.
    let mut stale_last = Changeset::new("mixed", Timestamp::parse("2025-02-06T08:00:00Z")?);
    let mut customer: Customer = world
        .store
        .typed_row(world.customer.as_str())?
        .ok_or_else(|| crate::error::Error::not_found("fixture customer"))?;
    customer.name = "Contoso Ltd".into();
    stale_last.put("customer:rename".into(), &customer)?;
    let mut record: ConsumptionRecord = world
        .store
        .typed::<ConsumptionRecord>()?
        .into_iter()
        .next()
        .ok_or_else(|| crate::error::Error::not_found("fixture record"))?;
    record.raw_data = json!({ "note": "stale" });
    record.version = record.version.saturating_sub(1);
    stale_last.put("consumption_record:stale".into(), &record)?;

    // A changeset whose one write is fine but whose read set moved: it read a unit's row before the
    // re-sync (step 1) wrote it.
    let mut read_set = Changeset::new("read_set", Timestamp::parse("2025-02-06T09:00:00Z")?);
    let mut renamed: Customer = world
        .store
        .typed_row(world.customer.as_str())?
        .ok_or_else(|| crate::error::Error::not_found("fixture customer"))?;
    renamed.name = "Contoso Group".into();
    read_set.put("customer:rename".into(), &renamed)?;
    let unit: UnitRow = world
        .store
        .typed::<UnitRow>()?
        .into_iter()
        .find(|u| u.version > 1)
        .ok_or_else(|| crate::error::Error::not_found("fixture unit row moved by the re-sync"))?;
    read_set.check_row(UnitRow::TABLE, unit.uuid.as_str(), 1);

    let scans = [
        ("consumption_records", ScanQuery::new(2)),
        (
            "consumption_records",
            ScanQuery::new(100).filter("billing_period", "2025-01"),
        ),
        (
            "invoice_items",
            ScanQuery::new(100).filter("kind", json!(["provisional", "statement_line"])),
        ),
        (
            "invoice_items",
            ScanQuery::new(100).filter("kind", json!([])),
        ),
        (
            "invoice_items",
            ScanQuery::new(100).filter("project_uuid", Value::Null),
        ),
        ("ledger_sources", ScanQuery::new(100).filter("items", 2)),
        (
            "ledger_sources",
            ScanQuery::new(100).filter("hold", "released"),
        ),
        ("ledger_holds", ScanQuery::new(100).filter("held", false)),
        (
            "settings",
            ScanQuery::new(100)
                .filter("is_active", true)
                .filter("sync_enabled", true),
        ),
        ("settings", ScanQuery::new(100).filter("is_active", "true")),
        ("billing_syncs", ScanQuery::new(100).filter("state", 4)),
        (
            "resources",
            ScanQuery::new(100)
                .filter("offering_uuid", Value::Null)
                .filter("name", "subscription-1"),
        ),
    ];
    let scans: Vec<Value> = scans
        .into_iter()
        .map(|(table, query)| {
            let ids: Vec<&String> = world
                .store
                .rows(table)
                .filter(|(_, held)| query.matches(&held.row))
                .map(|(id, _)| id)
                .take(query.limit)
                .collect();
            json!({ "table": table, "query": query, "ids": ids })
        })
        .collect();
    for table in super::tables::TABLES {
        for (_, held) in world.store.rows(table) {
            check_row(table, &held.row)?;
        }
    }
    Ok(json!({
        "initial": initial,
        "steps": steps,
        "stale": { "after_step": 0, "changeset": stale.to_host_json() },
        "stale_last": stale_last.to_host_json(),
        "read_set": { "after_step": 1, "changeset": read_set.to_host_json() },
        "final": contents(&world.store),
        "scans": scans,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fixtures_are_planned_applied_and_checked() {
        let fixtures = conformance_fixtures().unwrap();
        let steps = fixtures["steps"].as_array().unwrap();
        assert_eq!(steps.len(), 8);
        let holds = fixtures["final"]["ledger_holds"].as_array().unwrap();
        assert_eq!(holds.len(), 1, "the hold row is kept once released");
        assert_eq!(holds[0]["version"], 2);
        // The re-sync rewrites the records and items (their sync time moved) and its three units' rows,
        // but of the source rows only the one whose billed money changed.
        let resync = &steps[1]["report"];
        assert_eq!(resync["updated"], 10, "{resync}");
        assert_eq!(resync["unchanged"], 2, "{resync}");
        // The stale changeset really is stale after the first step.
        let mut store = MemoryStore::from_tables(&fixtures["initial"], check_row).unwrap();
        let parse = |v: &Value| -> Changeset {
            let mut v = v.clone();
            for w in v["writes"].as_array_mut().unwrap() {
                if let Some(text) = w.get("row").and_then(Value::as_str) {
                    w["row"] = serde_json::from_str(text).unwrap();
                }
            }
            serde_json::from_value(v).unwrap()
        };
        store.apply(&parse(&steps[0]["changeset"])).unwrap();
        let before = store.clone();
        let stale = parse(&fixtures["stale"]["changeset"]);
        assert_eq!(store.apply(&stale).unwrap_err().code(), "conflict");
        assert_eq!(store, before);
        // Idempotent: the first step again changes nothing.
        let again = store.apply(&parse(&steps[0]["changeset"])).unwrap();
        assert_eq!(again.created + again.updated + again.deleted, 0);
        // A changeset whose read set moved is refused, whatever its writes.
        let mut store = MemoryStore::from_tables(&fixtures["initial"], check_row).unwrap();
        for step in &steps[..2] {
            store.apply(&parse(&step["changeset"])).unwrap();
        }
        let before = store.clone();
        let read_set = parse(&fixtures["read_set"]["changeset"]);
        assert_eq!(store.apply(&read_set).unwrap_err().code(), "conflict");
        assert_eq!(store, before);
    }
}
