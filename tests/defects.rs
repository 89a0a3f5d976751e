//! One test per defect of the reference implementation (shared/spec/arrow.md), showing billsync does it right.

mod common;

use billsync::ledger::{ConsumptionRecord, InvoiceItem, RowJson, WriteOp};
use billsync::money::{parse_amount, AmountFormat, Currency};
use billsync::period::{Period, Zone};
use billsync::timestamp::Timestamp;
use billsync::vendors::arrow::billing_sync::BillingSync;
use billsync::vendors::arrow::records::{
    ArrowState, InvoiceItemKind, PriceSource, SyncState, ValidationRule,
};
use common::*;

#[test]
fn defect_01_a_statement_line_is_charged_its_amount_not_quantity_times_total() {
    let mut w = World::new(0, PriceSource::Sell);
    let period = p("2025-01");
    w.set_statement_line(period, "L1", d("30.00"));
    assert_eq!(w.export[0].quantity, d("3"));
    let c = w.plan_trigger_sync(period);
    w.apply(c);
    let items: Vec<_> = w
        .items()
        .into_iter()
        .filter(|i| i.kind == InvoiceItemKind::StatementLine)
        .collect();
    assert_eq!(items.len(), 1);
    assert_eq!(items[0].total().unwrap().amount, d("30.00"));
    assert_eq!(items[0].quantity, d("1"));
    assert_eq!(items[0].details.to_value()["arrow_quantity"], "3");
}

#[test]
fn defect_02_a_resync_of_a_changed_line_is_billed_once_by_reconcile() {
    let mut w = World::new(0, PriceSource::Sell);
    let period = p("2025-01");
    w.set_statement_line(period, "L1", d("30.00"));
    let c = w.plan_trigger_sync(period);
    w.apply(c);
    w.set_statement_line(period, "L1", d("35.00"));
    let c = w.plan_trigger_sync(period);
    assert_eq!(
        World::creates(&c),
        0,
        "a re-sync never bills an existing line again"
    );
    w.apply(c);
    let sync = w.rows::<BillingSync>().into_iter().next().unwrap();
    assert_eq!(
        sync.items[0].original_price,
        d("30.00"),
        "original_price is set once"
    );
    assert_eq!(sync.items[0].current_price, Some(d("35.00")));
    let c = w.plan_statement_reconcile(period, true);
    w.apply(c);
    let key = format!("ST-{period}|{CUSTOMER_REF}|L1");
    assert_eq!(w.billed(&key), d("35.00"));
    let again = w.plan_statement_reconcile(period, true);
    assert_eq!(World::creates(&again), 0);
}

#[test]
fn defect_03_consumption_sync_bills_the_money_once() {
    let mut w = World::new(1, PriceSource::Sell);
    let period = p("2025-01");
    let c = w.plan_consumption(period, &[(0, d("100.00"), d("80.00"))]);
    let money_intents = c
        .writes
        .iter()
        .filter(|w| w.table == "invoice_items" && w.op != WriteOp::Delete)
        .count();
    assert_eq!(
        money_intents, 1,
        "one provisional invoice item and no separate usage charge"
    );
    w.apply(c);
    let record = w.rows::<ConsumptionRecord>().into_iter().next().unwrap();
    assert_eq!(w.billed(record.key().natural_key().as_str()), d("100.00"));
}

#[test]
fn defect_04_a_forced_rerun_does_not_apply_the_adjustment_again() {
    let mut w = World::new(1, PriceSource::Sell);
    let period = p("2025-01");
    w.sync_consumption(period, &[(0, d("100.00"), d("80.00"))]);
    w.set_final(period, 0, d("95.00"), d("76.00"));
    w.at("2025-02-03T10:00:00Z");
    w.reconcile_consumption(period, false);
    w.at("2025-02-04T10:00:00Z");
    let rerun = w.plan_reconciliation(period, true);
    assert_eq!(World::creates(&rerun), 0);
    w.apply(rerun);
    let record = w.rows::<ConsumptionRecord>().into_iter().next().unwrap();
    assert_eq!(w.billed(record.key().natural_key().as_str()), d("95.00"));
    assert_eq!(record.adjustment_amount(), Some(d("-5.00")));
    // A changed export bills only its change.
    w.set_final(period, 0, d("97.00"), d("77.00"));
    w.reconcile_consumption(period, true);
    let record = w.rows::<ConsumptionRecord>().into_iter().next().unwrap();
    assert_eq!(w.billed(record.key().natural_key().as_str()), d("97.00"));
}

#[test]
fn defect_05_cleanup_then_resync_leaves_no_duplicate_provisional_item() {
    let mut w = World::new(1, PriceSource::Sell);
    let period = p("2025-01");
    w.sync_consumption(period, &[(0, d("50.00"), d("40.00"))]);
    let record = w.rows::<ConsumptionRecord>().into_iter().next().unwrap();
    let mut cleanup = billsync::ledger::Changeset::new("cleanup", w.now);
    cleanup.delete("x".into(), &record);
    w.apply(cleanup);
    w.sync_consumption(period, &[(0, d("150.00"), d("120.00"))]);
    let provisional: Vec<_> = w
        .items()
        .into_iter()
        .filter(|i| i.kind == InvoiceItemKind::Provisional)
        .collect();
    assert_eq!(provisional.len(), 1);
    assert_eq!(provisional[0].unit_price, d("150.00"));

    // And after a reconciliation, a cleanup and a re-sync, the money still ends at the final figure.
    w.set_final(period, 0, d("140.00"), d("110.00"));
    w.at("2025-02-03T10:00:00Z");
    w.reconcile_consumption(period, false);
    let record = w.rows::<ConsumptionRecord>().into_iter().next().unwrap();
    let mut cleanup = billsync::ledger::Changeset::new("cleanup", w.now);
    cleanup.delete("x".into(), &record);
    w.apply(cleanup);
    w.sync_consumption(period, &[(0, d("150.00"), d("120.00"))]);
    w.reconcile_consumption(period, false);
    let record = w.rows::<ConsumptionRecord>().into_iter().next().unwrap();
    assert_eq!(w.billed(record.key().natural_key().as_str()), d("140.00"));
}

#[test]
fn defect_06_a_past_month_is_reconciled_with_that_months_figures() {
    let mut w = World::new(1, PriceSource::Sell);
    let january = p("2025-01");
    let february = p("2025-02");
    w.sync_consumption(january, &[(0, d("100.00"), d("80.00"))]);
    w.set_final(january, 0, d("90.00"), d("70.00"));
    // The current month's preliminary line for the same licence must not stand in for January's.
    w.set_final(february, 0, d("999.00"), d("999.00"));
    w.at("2025-02-10T10:00:00Z");
    w.reconcile_consumption(january, false);
    let record = w.rows::<ConsumptionRecord>().into_iter().next().unwrap();
    assert_eq!(record.final_sell, Some(d("90.00")));
}

#[test]
fn defect_07_validated_comes_from_arrows_statement_state() {
    let period = p("2025-01");
    // Long after the month ended, with no state in the export and the export-only rule: still pending.
    let mut w = World::new(0, PriceSource::Sell);
    w.set_statement_line(period, "L1", d("10.00"));
    w.at("2025-03-01T00:00:00Z");
    let c = w.plan_trigger_sync(period);
    w.apply(c);
    let sync = w.rows::<BillingSync>().into_iter().next().unwrap();
    assert_eq!(
        (sync.arrow_state, sync.state),
        (ArrowState::Pending, SyncState::Synced)
    );

    // On the first of the next month (the reference's calendar rule), Arrow's own state decides.
    let mut w = World::new(0, PriceSource::Sell);
    w.set_statement_line(period, "L1", d("10.00"));
    w.export[0].statement_state = Some(ArrowState::Validated);
    w.at("2025-01-25T00:00:00Z");
    let c = w.plan_trigger_sync(period);
    w.apply(c);
    let sync = w.rows::<BillingSync>().into_iter().next().unwrap();
    assert_eq!(
        (sync.arrow_state, sync.state),
        (ArrowState::Validated, SyncState::Validated)
    );

    // Without a state column, the configured rule applies: five days after the month ends.
    let mut w = World::new(0, PriceSource::Sell);
    w.settings.validation_rule = ValidationRule::DaysAfterPeriodEnd { days: 5 };
    w.set_statement_line(period, "L1", d("10.00"));
    w.at("2025-02-05T23:59:59Z");
    let c = w.plan_trigger_sync(period);
    w.apply(c);
    assert_eq!(
        w.rows::<BillingSync>()
            .into_iter()
            .next()
            .unwrap()
            .arrow_state,
        ArrowState::Pending
    );
    w.at("2025-02-06T00:00:00Z");
    let c = w.plan_trigger_sync(period);
    w.apply(c);
    assert_eq!(
        w.rows::<BillingSync>().into_iter().next().unwrap().state,
        SyncState::Validated
    );
}

#[test]
fn defect_08_one_tolerance_for_every_reconciliation() {
    for (tolerance, difference, compensated) in [
        ("0.01", "0.01", true),
        ("0.05", "0.04", false),
        ("0.05", "0.05", true),
    ] {
        let mut w = World::new(1, PriceSource::Sell);
        w.settings.reconciliation_tolerance = d(tolerance);
        let period = p("2025-01");
        let base = d("10.00");
        let changed = base + d(difference);
        // Consumption reconciliation.
        w.sync_consumption(period, &[(0, base, base)]);
        w.set_final(period, 0, changed, changed);
        // Statement reconciliation, same difference.
        w.set_statement_line(period, "L1", base);
        let c = w.plan_trigger_sync(period);
        w.apply(c);
        w.set_statement_line(period, "L1", changed);
        w.at("2025-02-03T10:00:00Z");
        let consumption = w.plan_reconciliation(period, false);
        let statement = w.plan_statement_reconcile(period, true);
        assert_eq!(
            World::creates(&consumption) == 1,
            compensated,
            "consumption, tolerance {tolerance}"
        );
        assert_eq!(
            World::creates(&statement) == 1,
            compensated,
            "statement, tolerance {tolerance}"
        );
    }
}

#[test]
fn defect_09_an_unparseable_amount_is_an_error_never_zero() {
    for bad in ["abc", "", "12,34.5", "NaN"] {
        let err = parse_amount(
            bad,
            "row 3, column Customer Total Price",
            AmountFormat::Point,
        )
        .unwrap_err();
        assert_eq!(err.code(), "invalid_amount");
        assert!(err.to_string().contains("row 3"));
    }
}

#[test]
fn defect_10_currency_is_kept_and_never_mixed() {
    let mut w = World::new(1, PriceSource::Sell);
    w.settings.currency = Some(Currency::JPY);
    let period = p("2025-01");
    let mut c = w.plan_consumption(period, &[(0, d("1000"), d("800"))]);
    // The payload named no currency here: the settings' JPY applies, not a hard-coded EUR.
    for write in &mut c.writes {
        let mut row = write.row.as_ref().unwrap().to_value().unwrap();
        if write.table == "consumption_records" {
            assert_eq!(row["currency"], "EUR", "the payload's currency wins");
        }
        if row.get("currency").is_some() {
            row["currency"] = "JPY".into();
            write.row = Some(RowJson::from_text(&row.to_string()).unwrap());
        }
    }
    w.apply(c);
    // The export says USD for a JPY record: an error for that record, and nothing billed.
    w.set_final(period, 0, d("950"), d("700"));
    w.export[0].currency = Some(Currency::USD);
    w.at("2025-02-03T10:00:00Z");
    let (changeset, counters, outcomes) = w.reconciliation_in(&w.ctx(), period, false);
    assert!(changeset.is_empty());
    assert_eq!(counters.errors, 1);
    assert!(outcomes[0].error.as_deref().unwrap().contains("USD"));
}

#[test]
fn defect_11_the_month_is_the_hosts_zone_not_the_process_local_date() {
    let late = Timestamp::parse("2025-01-31T23:30:00Z").unwrap();
    assert_eq!(late.period(Zone::UTC).unwrap(), p("2025-01"));
    assert_eq!(
        late.period(Zone::parse("+02:00").unwrap()).unwrap(),
        p("2025-02")
    );
    assert_eq!(
        Period::containing("2025-02-01T00:30:00+01:00", Zone::UTC).unwrap(),
        p("2025-01")
    );
    // Compensations land on the invoice of the month "now" is in, in the host's zone.
    let mut w = World::new(1, PriceSource::Sell);
    let period = p("2025-01");
    w.sync_consumption(period, &[(0, d("100.00"), d("80.00"))]);
    w.set_final(period, 0, d("90.00"), d("70.00"));
    w.at("2025-02-28T23:30:00Z");
    let ctx_zone = Zone::parse("+02:00").unwrap();
    let mut ctx = w.ctx();
    ctx.zone = ctx_zone;
    let (c, _, _) = w.reconciliation_in(&ctx, period, false);
    let comp = c.rows::<InvoiceItem>().next().unwrap();
    assert_eq!(comp.billing_period, p("2025-03"));
}
