//! The conservation law, over random scenarios: for every (resource, period) and every statement line, once
//! reconciled, what the invoices bill equals the vendor's final figure to the cent, however the operations
//! were interleaved, re-run, forced, re-applied, interrupted, cleaned up, or planned by another worker and
//! committed out of order in between.

mod common;

use billsync::ledger::{Changeset, ConsumptionRecord};
use billsync::vendors::arrow::billing_sync::BillingSync;
use billsync::vendors::arrow::records::PriceSource;
use common::*;
use proptest::prelude::*;
use rust_decimal::Decimal;

const RESOURCES: usize = 3;
const PERIODS: [&str; 2] = ["2025-01", "2025-02"];
const LINES: [&str; 2] = ["L1", "L2"];

#[derive(Debug, Clone)]
enum Step {
    /// trigger_consumption_sync with month-to-date totals (cents) for some resources.
    Consume {
        period: usize,
        totals: Vec<(usize, i64, i64)>,
    },
    /// Arrow's export now says this final figure for a licence.
    Final {
        period: usize,
        resource: usize,
        sell: i64,
        buy: i64,
    },
    /// trigger_reconciliation.
    Reconcile { period: usize, force: bool },
    /// cleanup_consumption of one resource's record (or all of the period).
    Cleanup {
        period: usize,
        resource: Option<usize>,
    },
    /// A statement line's price in the export, or its removal.
    StatementLine {
        period: usize,
        line: usize,
        cents: Option<i64>,
    },
    /// trigger_sync.
    Sync { period: usize },
    /// reconcile (statements).
    ReconcileStatements { period: usize, force: bool },
    /// The last changeset applied once more (a retried commit).
    Reapply,
    /// A plan computed and thrown away (the process died before committing).
    Interrupted { period: usize },
    /// Time passes.
    Tick { hours: u32 },
    /// A plan made now and held back: another worker's, to be committed after whatever comes next.
    Hold { period: usize, plan: HeldPlan },
    /// A held plan committed now, out of order: applied if nothing it relied on moved, refused otherwise.
    CommitHeld { index: usize },
}

#[derive(Debug, Clone, Copy)]
enum HeldPlan {
    Consumption,
    Reconciliation,
    Statements,
    StatementReconciliation,
}

fn cents(c: i64) -> Decimal {
    Decimal::new(c, 2)
}

fn step() -> impl Strategy<Value = Step> {
    let period = 0..PERIODS.len();
    let amount = -500i64..50_000;
    prop_oneof![
        3 => (period.clone(), proptest::collection::vec((0..RESOURCES, 0i64..50_000, 0i64..50_000), 1..=RESOURCES))
            .prop_map(|(period, totals)| Step::Consume { period, totals }),
        3 => (period.clone(), 0..RESOURCES, amount.clone(), amount.clone())
            .prop_map(|(period, resource, sell, buy)| Step::Final { period, resource, sell, buy }),
        3 => (period.clone(), any::<bool>()).prop_map(|(period, force)| Step::Reconcile { period, force }),
        1 => (period.clone(), proptest::option::of(0..RESOURCES)).prop_map(|(period, resource)| Step::Cleanup { period, resource }),
        2 => (period.clone(), 0..LINES.len(), proptest::option::weighted(0.85, 1i64..20_000))
            .prop_map(|(period, line, cents)| Step::StatementLine { period, line, cents }),
        2 => period.clone().prop_map(|period| Step::Sync { period }),
        2 => (period.clone(), any::<bool>()).prop_map(|(period, force)| Step::ReconcileStatements { period, force }),
        1 => Just(Step::Reapply),
        1 => period.clone().prop_map(|period| Step::Interrupted { period }),
        1 => (1u32..400).prop_map(|hours| Step::Tick { hours }),
        2 => (period, prop_oneof![
            Just(HeldPlan::Consumption),
            Just(HeldPlan::Reconciliation),
            Just(HeldPlan::Statements),
            Just(HeldPlan::StatementReconciliation),
        ]).prop_map(|(period, plan)| Step::Hold { period, plan }),
        2 => (0usize..4).prop_map(|index| Step::CommitHeld { index }),
    ]
}

fn run(world: &mut World, held: &mut Vec<Changeset>, step: &Step) {
    match step {
        Step::Consume { period, totals } => {
            let totals: Vec<_> = totals
                .iter()
                .map(|(n, s, b)| (*n, cents(*s), cents(*b)))
                .collect();
            world.sync_consumption(p(PERIODS[*period]), &totals);
        }
        Step::Final {
            period,
            resource,
            sell,
            buy,
        } => {
            world.set_final(p(PERIODS[*period]), *resource, cents(*sell), cents(*buy));
        }
        Step::Reconcile { period, force } => {
            world.reconcile_consumption(p(PERIODS[*period]), *force)
        }
        Step::Cleanup { period, resource } => {
            let period = p(PERIODS[*period]);
            let mut changeset =
                Changeset::new("admin_arrow_billing_syncs_cleanup_consumption", world.now);
            for r in world
                .rows::<ConsumptionRecord>()
                .iter()
                .filter(|r| r.billing_period == period)
                .filter(|r| resource.is_none_or(|n| r.resource_uuid == resource_uuid(n)))
            {
                changeset.delete(format!("delete:{}", r.uuid), r);
            }
            world.apply(changeset);
        }
        Step::StatementLine {
            period,
            line,
            cents: Some(c),
        } => world.set_statement_line(p(PERIODS[*period]), LINES[*line], cents(*c)),
        Step::StatementLine {
            period,
            line,
            cents: None,
        } => world.remove_statement_line(p(PERIODS[*period]), LINES[*line]),
        Step::Sync { period } => {
            let c = world.plan_trigger_sync(p(PERIODS[*period]));
            world.apply(c);
        }
        Step::ReconcileStatements { period, force } => {
            let c = world.plan_statement_reconcile(p(PERIODS[*period]), *force);
            world.apply(c);
        }
        Step::Reapply => world.reapply_last(),
        Step::Interrupted { period } => {
            let _ = world.plan_reconciliation(p(PERIODS[*period]), true);
            let _ = world.plan_statement_reconcile(p(PERIODS[*period]), true);
        }
        Step::Hold { period, plan } => {
            let period = p(PERIODS[*period]);
            held.push(match plan {
                HeldPlan::Consumption => world.plan_consumption(
                    period,
                    &[
                        (0, cents(12_345), cents(10_000)),
                        (1, cents(777), cents(700)),
                    ],
                ),
                HeldPlan::Reconciliation => world.plan_reconciliation(period, true),
                HeldPlan::Statements => world.plan_trigger_sync(period),
                HeldPlan::StatementReconciliation => world.plan_statement_reconcile(period, true),
            });
        }
        Step::CommitHeld { index } => {
            if !held.is_empty() {
                let changeset = held.remove(index % held.len());
                match world.store.apply(&changeset) {
                    Ok(_) => world.last = Some(changeset),
                    Err(e) => assert_eq!(e.code(), "conflict", "{e}"),
                }
            }
        }
        Step::Tick { hours } => {
            let next = world.now.to_rfc3339();
            let at = chrono::DateTime::parse_from_rfc3339(&next).unwrap()
                + chrono::Duration::hours(i64::from(*hours));
            world.at(&at.to_rfc3339());
        }
    }
}

/// Every reconciled record's invoices bill exactly its final amount.
fn assert_records_conserved(world: &World, price_source: PriceSource) -> Result<(), TestCaseError> {
    for record in world
        .rows::<ConsumptionRecord>()
        .iter()
        .filter(|r| r.is_reconciled())
    {
        let final_amount = match price_source {
            PriceSource::Sell => record.final_sell,
            PriceSource::Buy => record.final_buy,
        }
        .unwrap();
        let key = record.key().natural_key();
        prop_assert_eq!(world.billed(key.as_str()), final_amount, "record {}", key);
    }
    Ok(())
}

/// Every reconciled record's invoices bill exactly its final amount; every reconciled statement line's
/// invoices bill exactly its current export price (zero once gone).
fn assert_conserved(world: &World, price_source: PriceSource) -> Result<(), TestCaseError> {
    assert_records_conserved(world, price_source)?;
    for sync in world
        .rows::<BillingSync>()
        .iter()
        .filter(|s| s.reconciled_at.is_some())
    {
        for item in &sync.items {
            let key = format!("{}|{}", sync.statement_reference, item.arrow_line_reference);
            prop_assert_eq!(
                world.billed(&key),
                item.current_price.unwrap_or(Decimal::ZERO),
                "line {}",
                key
            );
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 10_000, ..ProptestConfig::default() })]

    #[test]
    fn money_is_conserved_and_never_applied_twice(
        steps in proptest::collection::vec(step(), 1..14),
        buy_side in any::<bool>(),
    ) {
        let price_source = if buy_side { PriceSource::Buy } else { PriceSource::Sell };
        let mut world = World::new(RESOURCES, price_source);
        let mut held = Vec::new();
        for s in &steps {
            run(&mut world, &mut held, s);
            // After every step, out-of-order commits included: a reconciled record bills its final.
            assert_records_conserved(&world, price_source)?;
        }
        // Close every month with the export as it stands now: a final forced reconciliation of both kinds.
        world.at("2025-06-01T00:00:00Z");
        for period in PERIODS {
            world.reconcile_consumption(p(period), true);
            let c = world.plan_statement_reconcile(p(period), true);
            world.apply(c);
        }
        assert_conserved(&world, price_source)?;

        // Running it all once more plans nothing new: nothing is ever billed twice.
        for period in PERIODS {
            let again = world.plan_reconciliation(p(period), true);
            prop_assert_eq!(World::creates(&again), 0);
            let again = world.plan_statement_reconcile(p(period), true);
            prop_assert_eq!(World::creates(&again), 0);
        }
    }
}
