//! Money stays exact when the host's world changes between a sync and its reconciliation: one test per
//! scenario of issue 10, each named after it.

mod common;

use std::cell::Cell;

use billsync::engine::Engine;
use billsync::ledger::{
    plan_consumption_sync, Changeset, ConsumptionRecord, InvoiceItem, InvoiceItemKind, Resource,
    ResourceConsumption,
};
use billsync::money::Currency;
use billsync::period::Zone;
use billsync::vendors::arrow::billing_sync::{ArrowState, BillingSync, SyncState};
use billsync::vendors::arrow::line::BilledLine;
use billsync::vendors::arrow::parse_billing_export;
use billsync::vendors::arrow::records::{PriceSource, ValidationRule};
use billsync::vendors::arrow::settings::LICENSE_ATTRIBUTE;
use billsync::vendors::arrow::Arrow;
use common::fake_arrow::{self, FakeArrow, FixedClock, SYNCS};
use common::*;
use rust_decimal::Decimal;
use serde_json::json;

/// What a customer's invoices bill in total.
fn billed_to(w: &World, customer: u32) -> Decimal {
    w.items()
        .iter()
        .filter(|i| i.customer_uuid == uuid(customer))
        .map(|i| i.total().unwrap().amount)
        .sum()
}

fn put_resource(w: &mut World, resource: &Resource) {
    let mut c = Changeset::new("host", w.now);
    c.put("r".into(), resource).unwrap();
    w.store.apply(&c).unwrap();
}

fn trigger_sync(w: &mut World, period: billsync::period::Period) {
    let c = w.plan_trigger_sync(period);
    w.apply(c);
}

fn reconcile_statements(w: &mut World, period: billsync::period::Period, force: bool) {
    let c = w.plan_statement_reconcile(period, force);
    w.apply(c);
}

#[test]
fn statement_first_then_consumption() {
    let mut w = World::new(0, PriceSource::Sell);
    let period = p("2025-01");
    w.set_final(period, 0, d("177.31"), d("150.00"));
    trigger_sync(&mut w, period);
    assert_eq!(billed_to(&w, CUSTOMER), d("177.31"));
    // sync_resources with force_import creates a resource for the statement's licence.
    put_resource(&mut w, &resource(0));
    w.sync_consumption(period, &[(0, d("181.96"), d("160.00"))]);
    w.at("2025-02-03T10:00:00Z");
    w.reconcile_consumption(period, false);
    assert_eq!(billed_to(&w, CUSTOMER), d("177.31"), "not 354.62");
    // The line was netted off by the records, which now own the licence; every item says who and why.
    let line = BilledLine::source_key(&w.export[0]);
    assert_eq!(w.billed(line.as_str()), Decimal::ZERO);
    let net = w
        .items()
        .into_iter()
        .find(|i| i.source_key == line && i.kind == InvoiceItemKind::StatementCompensation)
        .unwrap();
    assert_eq!(net.details.to_value()["owner"], "consumption_records");
    assert!(net.details.to_value()["reason"]
        .as_str()
        .unwrap()
        .contains("consumption records"));
    // Statement runs afterwards change nothing: the line stays billed through its record.
    trigger_sync(&mut w, period);
    reconcile_statements(&mut w, period, true);
    assert_eq!(billed_to(&w, CUSTOMER), d("177.31"));
    let sync = w.rows::<BillingSync>().remove(0);
    let record = w.rows::<ConsumptionRecord>().remove(0);
    assert_eq!(sync.items[0].billed_through, vec![record.uuid]);
}

#[test]
fn a_resource_deleted_after_its_consumption_sync() {
    let mut w = World::new(1, PriceSource::Sell);
    let period = p("2025-01");
    w.sync_consumption(period, &[(0, d("181.96"), d("160.00"))]);
    let mut c = Changeset::new("host", w.now);
    c.delete("r".into(), &w.resource(0));
    w.store.apply(&c).unwrap();
    w.set_final(period, 0, d("177.31"), d("150.00"));
    // The statement line now owns the licence: billed, and the record's provisional item netted off.
    trigger_sync(&mut w, period);
    assert_eq!(billed_to(&w, CUSTOMER), d("177.31"));
    w.at("2025-02-03T10:00:00Z");
    let (changeset, counters, _) = w.reconciliation_in(&w.ctx(), period, false);
    assert_eq!(counters.errors, 0, "the reconciliation no longer fails");
    w.apply(changeset);
    reconcile_statements(&mut w, period, true);
    assert_eq!(billed_to(&w, CUSTOMER), d("177.31"));

    // Terminated rather than deleted: the same.
    let mut w = World::new(1, PriceSource::Sell);
    w.sync_consumption(period, &[(0, d("181.96"), d("160.00"))]);
    let mut r = w.resource(0);
    r.state = "Terminated".into();
    put_resource(&mut w, &r);
    w.set_final(period, 0, d("177.31"), d("150.00"));
    w.at("2025-02-03T10:00:00Z");
    w.reconcile_consumption(period, false);
    trigger_sync(&mut w, period);
    reconcile_statements(&mut w, period, true);
    assert_eq!(billed_to(&w, CUSTOMER), d("177.31"));
}

#[test]
fn a_licensed_resource_with_no_record_for_the_month() {
    let mut w = World::new(1, PriceSource::Sell);
    let period = p("2025-01");
    w.set_final(period, 0, d("42.00"), d("40.00"));
    trigger_sync(&mut w, period);
    w.at("2025-02-03T10:00:00Z");
    w.reconcile_consumption(period, false);
    reconcile_statements(&mut w, period, true);
    assert_eq!(
        billed_to(&w, CUSTOMER),
        d("42.00"),
        "billed by its statement line"
    );
    let item = w
        .items()
        .into_iter()
        .find(|i| i.kind == InvoiceItemKind::StatementLine)
        .unwrap();
    assert_eq!(item.details.to_value()["owner"], "document_lines");
}

#[test]
fn one_licence_on_two_resources() {
    let mut w = World::new(2, PriceSource::Sell);
    let period = p("2025-01");
    // A VM replaced by another on the same licence.
    let mut second = w.resource(1);
    second
        .attributes
        .insert(LICENSE_ATTRIBUTE.into(), license(0).into());
    put_resource(&mut w, &second);
    w.sync_consumption(
        period,
        &[(0, d("60.00"), d("50.00")), (1, d("121.96"), d("100.00"))],
    );
    w.set_final(period, 0, d("177.31"), d("150.00"));
    w.at("2025-02-03T10:00:00Z");
    w.reconcile_consumption(period, false);
    assert_eq!(
        billed_to(&w, CUSTOMER),
        d("177.31"),
        "billed once, not twice"
    );
    let mut records: Vec<ConsumptionRecord> = w.rows();
    records.sort_by_key(|r| r.consumed_sell);
    let shares: Vec<_> = records.iter().map(|r| r.final_sell.unwrap()).collect();
    assert_eq!(shares, vec![d("58.47"), d("118.84")]);
    for r in &records {
        assert_eq!(
            w.billed(r.key().natural_key().as_str()),
            r.final_sell.unwrap()
        );
    }
    // A forced re-run bills nothing more.
    let again = w.plan_reconciliation(period, true);
    assert_eq!(World::creates(&again), 0);
}

#[test]
fn a_statement_line_moved_to_another_customer_before_validation() {
    for force in [false, true] {
        let mut w = World::new(0, PriceSource::Sell);
        let period = p("2025-01");
        w.set_statement_line(period, "L1", d("30.00"));
        trigger_sync(&mut w, period);
        assert_eq!(billed_to(&w, CUSTOMER), d("30.00"));
        // Arrow moves the line to the other customer, then validates the statement.
        w.export[0].customer_reference = CUSTOMER_REF2.into();
        w.export[0].statement_state = Some(ArrowState::Validated);
        trigger_sync(&mut w, period);
        reconcile_statements(&mut w, period, force);
        assert_eq!(
            billed_to(&w, CUSTOMER),
            Decimal::ZERO,
            "credited (force {force})"
        );
        assert_eq!(
            billed_to(&w, CUSTOMER2),
            d("30.00"),
            "charged (force {force})"
        );
        // Each exactly once: running again changes nothing.
        trigger_sync(&mut w, period);
        reconcile_statements(&mut w, period, true);
        assert_eq!(billed_to(&w, CUSTOMER), Decimal::ZERO);
        assert_eq!(billed_to(&w, CUSTOMER2), d("30.00"));
        assert!(w
            .rows::<BillingSync>()
            .iter()
            .all(|s| s.state == SyncState::Reconciled));
    }
}

#[test]
fn a_statement_whose_lines_are_all_withdrawn() {
    let mut w = World::new(0, PriceSource::Sell);
    w.settings.validation_rule = ValidationRule::DaysAfterPeriodEnd { days: 5 };
    let period = p("2025-01");
    w.set_statement_line(period, "L1", d("30.00"));
    trigger_sync(&mut w, period);
    w.remove_statement_line(period, "L1");
    w.at("2025-02-10T00:00:00Z");
    // Without force: the sync still moves to VALIDATED under the rule, and is credited.
    reconcile_statements(&mut w, period, false);
    assert_eq!(billed_to(&w, CUSTOMER), Decimal::ZERO);
    let sync = w.rows::<BillingSync>().remove(0);
    assert_eq!(sync.state, SyncState::Reconciled);
    assert_eq!(
        (sync.sell_total, sync.buy_total),
        (Decimal::ZERO, Decimal::ZERO)
    );
}

#[test]
fn two_lines_with_the_same_sequence_in_one_statement() {
    let mut w = World::new(0, PriceSource::Sell);
    let period = p("2025-01");
    w.set_statement_line(period, "L1", d("30.00"));
    let mut twin = w.export[0].clone();
    twin.sell = d("35.00");
    twin.position = "page 2, row 7".into();
    w.export.push(twin);
    for error in [
        w.try_plan_trigger_sync(period).unwrap_err(),
        w.try_plan_statement_reconcile(period, true).unwrap_err(),
    ] {
        assert_eq!(error.code(), "duplicate_line");
        assert_eq!(error.status(), 502);
        let message = error.to_string();
        assert!(
            message.contains("line L1") && message.contains("page 2, row 7"),
            "{message}"
        );
    }
    assert!(w.items().is_empty(), "nothing committed");

    // Through the engine: a coded error, and the store unchanged.
    let mut arrow = fake_arrow::arrow();
    let jan = arrow.export.get_mut("2025-01").unwrap();
    jan.push(fake_arrow::export_row(
        5, "XSP-TWIN", "1.00", "1.00", "2025-01",
    ));
    let engine = fake_arrow::engine(arrow);
    let before = engine.store.borrow().clone();
    let response = fake_arrow::post(
        &engine,
        &format!("{SYNCS}trigger_sync/"),
        json!({"year": 2025, "month": 1}),
    );
    assert_eq!(response.status, 502, "{}", response.body);
    assert_eq!(*engine.store.borrow(), before);
}

#[test]
fn a_record_first_synced_with_no_lines() {
    let mut w = World::new(1, PriceSource::Sell);
    w.settings.currency = None;
    let period = p("2025-01");
    let sync = |w: &World, sell: &str, currency: Option<Currency>| {
        let consumption = ResourceConsumption {
            resource: w.resource(0),
            customer_uuid: uuid(CUSTOMER),
            source_ref: license(0),
            sell: d(sell),
            buy: d(sell),
            currency,
            lines: 0,
            raw_data: serde_json::Value::Null,
            evidence: Default::default(),
        };
        let records: Vec<ConsumptionRecord> = w.rows();
        plan_consumption_sync(&w.ctx(), period, &[consumption], &records, &w.billing()).unwrap()
    };
    // No lines: no currency known, nothing billed, nothing guessed.
    let (c, counters) = sync(&w, "0", None);
    assert_eq!(counters.errors, 0);
    w.apply(c);
    assert!(w.items().is_empty());
    // The first real currency wins: USD, not a currency_mismatch with a stored guess.
    let (c, counters) = sync(&w, "12.00", Some(Currency::USD));
    assert_eq!(counters.errors, 0, "{:?}", counters.error_details);
    w.apply(c);
    let record = w.rows::<ConsumptionRecord>().remove(0);
    assert_eq!(record.currency, Currency::USD);
    // Amounts that name no currency, with none in the settings, are refused.
    let mut fresh = World::new(1, PriceSource::Sell);
    fresh.settings.currency = None;
    let (_, counters) = sync(&fresh, "5.00", None);
    assert_eq!(counters.errors, 1);
    assert_eq!(counters.error_details[0]["code"], "invalid_currency");
    // The export's currency is learnt by a record that knew none.
    let mut w = World::new(1, PriceSource::Sell);
    w.settings.currency = None;
    let (c, _) = sync(&w, "0", None);
    w.apply(c);
    w.set_final(period, 0, d("9.00"), d("8.00"));
    w.export[0].currency = Some(Currency::USD);
    w.at("2025-02-03T10:00:00Z");
    w.reconcile_consumption(period, false);
    let record = w.rows::<ConsumptionRecord>().remove(0);
    assert_eq!(
        (record.currency, record.final_sell),
        (Currency::USD, Some(d("9.00")))
    );
    assert_eq!(w.billed(record.key().natural_key().as_str()), d("9.00"));
}

#[test]
fn arrows_statement_state_is_read() {
    // From Arrow's statements call: Fulfilled means validated, whatever the calendar says.
    let mut arrow = fake_arrow::arrow();
    arrow.statements = Some(json!({"data": {"statements": [
        {"reference": "ST-1", "status": "Fulfilled", "period": "2025-01"}
    ]}}));
    let engine = fake_arrow::engine(arrow);
    let sync_month = |engine: &fake_arrow::TestEngine| {
        fake_arrow::post(
            engine,
            &format!("{SYNCS}trigger_sync/"),
            json!({"year": 2025, "month": 1}),
        )
    };
    assert_eq!(sync_month(&engine).status, 200);
    let list = fake_arrow::get(&engine, SYNCS, json!({}));
    assert_eq!(list.body[0]["arrow_state"], "validated");
    assert_eq!(list.body[0]["state"], 3);

    // Open, Needs Validation and Rejected are not.
    for status in ["Open", "Needs Validation", "Rejected"] {
        let mut arrow = fake_arrow::arrow();
        arrow.statements =
            Some(json!({"data": {"statements": [{"reference": "ST-1", "status": status}]}}));
        let engine = fake_arrow::engine(arrow);
        engine.clock.0.set("2025-03-20T10:00:00Z");
        assert_eq!(sync_month(&engine).status, 200);
        let list = fake_arrow::get(&engine, SYNCS, json!({}));
        assert_eq!(list.body[0]["arrow_state"], "pending", "{status}");
    }

    // From the export's state column.
    let page = parse_billing_export(
        &json!({"data": {"headers": ["Customer Total Price", "Total Wholesale Price", "Sequence", "Statement Status"],
            "values": [["1.00", "1.00", "1", "Fulfilled"], ["2.00", "2.00", "2", "open"]]}})
        .to_string(),
    )
    .unwrap();
    let lines: Vec<BilledLine> = page
        .lines
        .into_iter()
        .map(|l| BilledLine::of_export(l, 1))
        .collect();
    assert_eq!(lines[0].statement_state, Some(ArrowState::Validated));
    assert_eq!(lines[1].statement_state, Some(ArrowState::Pending));
    let bad = parse_billing_export(
        &json!({"data": {"headers": ["Customer Total Price", "Total Wholesale Price", "Statement Status"],
            "values": [["1.00", "1.00", "Done"]]}})
        .to_string(),
    )
    .unwrap_err();
    assert_eq!(bad.code(), "invalid_cell");
}

#[test]
fn the_demo_reconciles_statements_without_force() {
    // The demo's settings read only Arrow's state; its Arrow moves statements from Open to Fulfilled.
    let mut arrow: FakeArrow = fake_arrow::arrow();
    arrow.statements =
        Some(json!({"data": {"statements": [{"reference": "ST-1", "status": "Open"}]}}));
    let engine = fake_arrow::engine(arrow);
    let settings = fake_arrow::SETTINGS;
    {
        let mut store = engine.store.borrow_mut();
        let mut row: billsync::vendors::arrow::settings::ArrowSettings =
            store.typed_row(settings).unwrap().unwrap();
        row.validation_rule = ValidationRule::ExportStateOnly;
        let mut c = Changeset::new(
            "host",
            billsync::timestamp::Timestamp::parse("2025-01-01T00:00:00Z").unwrap(),
        );
        c.put("s".into(), &row).unwrap();
        store.apply(&c).unwrap();
    }
    let month = json!({"year": 2025, "month": 1});
    assert_eq!(
        fake_arrow::post(&engine, &format!("{SYNCS}trigger_sync/"), month.clone()).status,
        200
    );
    assert_eq!(
        fake_arrow::post(&engine, &format!("{SYNCS}reconcile/"), month.clone()).status,
        200
    );
    assert_eq!(
        fake_arrow::get(&engine, SYNCS, json!({})).body[0]["state"],
        2,
        "open: not yet"
    );
    // Arrow fulfils the statement, with one line repriced.
    let mut arrow = fake_arrow::arrow();
    arrow.statements =
        Some(json!({"data": {"statements": [{"reference": "ST-1", "status": "Fulfilled"}]}}));
    arrow.export.get_mut("2025-01").unwrap()[4] =
        fake_arrow::export_row(5, "XSP-LICENCE-ONLY", "8.00", "6.00", "2025-01");
    let store = engine.store.borrow().clone();
    let engine = Engine::new(
        std::cell::RefCell::new(store),
        Arrow { api: arrow },
        FixedClock(Cell::new("2025-02-03T10:00:00Z")),
        Zone::UTC,
        billsync::engine::NoProgress,
    );
    let response = fake_arrow::post(&engine, &format!("{SYNCS}reconcile/"), month);
    assert_eq!(response.status, 200);
    let sync = &fake_arrow::get(&engine, SYNCS, json!({})).body[0];
    assert_eq!(sync["state"], 4, "reconciled without force");
    let items: Vec<InvoiceItem> = engine.store.borrow().typed().unwrap();
    assert!(items
        .iter()
        .any(|i| i.kind == InvoiceItemKind::StatementCompensation && i.unit_price == d("0.50")));
}

/// Issue 19 case 7 on Arrow's statements: a statement whose lines name two currencies is an error of its
/// own, and its detail names the statement, the mapping, the reason and both currencies.
#[test]
fn a_statement_in_two_currencies_names_both_in_its_error_detail() {
    let mut w = World::new(1, PriceSource::Sell);
    let jan = p("2025-01");
    w.set_statement_line(jan, "L1", d("10.00"));
    w.set_statement_line(jan, "L2", d("20.00"));
    w.export[1].currency = Some(Currency::USD);
    let mappings: Vec<billsync::vendors::arrow::settings::CustomerMapping> = w.rows();
    let syncs: Vec<BillingSync> = w.rows();
    let (ownership, billing) = (w.ownership(), w.billing());
    let ledger = billsync::vendors::arrow::statements::StatementLedger {
        ownership: &ownership,
        billing: &billing,
    };
    let (_, counters) = billsync::vendors::arrow::statements::plan_billing_sync(
        &w.statement_ctx(),
        jan,
        &w.export,
        &mappings,
        &syncs,
        &ledger,
    )
    .unwrap();
    assert_eq!(counters.errors, 1);
    let detail = serde_json::to_value(&counters.error_details[0]).unwrap();
    assert_eq!(detail["code"], "currency_mismatch");
    assert_eq!(detail["statement_reference"], format!("ST-{jan}"));
    let currencies = detail["currencies"].as_array().unwrap();
    assert!(currencies.contains(&json!("USD")) && currencies.contains(&json!("EUR")));
}
