//! Responses that the renderers build with `json!`: each shape is written down here as a Rust struct, its
//! TypeScript is generated from it, and a test checks that the renderer's keys are the struct's fields, so
//! neither can drift from the other. (Test-only: nothing here reaches the wasm.)

use serde::Serialize;
use ts_rs::TS;

/// `SoracomEngine.consumptionStatistics()`: the statistics every vendor answers.
#[derive(Serialize, Default, TS)]
pub struct SoracomConsumptionStatistics {
    #[serde(flatten)]
    #[ts(flatten)]
    pub statistics: crate::ledger::RecordStatistics,
}

/// One period of Arrow's statistics. `consumed_sell` is null when the period spans several currencies;
/// `consumed_sell_by_currency` is then present.
#[derive(Serialize, Default, TS)]
pub struct PeriodStatistics {
    /// "YYYY-MM".
    pub period: String,
    #[ts(type = "number")]
    pub count: u64,
    pub consumed_sell: Option<String>,
    #[ts(type = "number")]
    pub finalized_count: u64,
    #[ts(type = "number")]
    pub reconciled_count: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub consumed_sell_by_currency: Option<std::collections::BTreeMap<String, String>>,
}

/// `ArrowEngine.consumptionStatistics()`: seed 000's fields (its amounts null when the records span several
/// currencies), then the statistics every vendor answers (`totals_by_currency`, `by_period`).
#[derive(Serialize, Default, TS)]
pub struct ConsumptionStatistics {
    #[ts(type = "number")]
    pub total_records: u64,
    #[ts(type = "number")]
    pub pending_records: u64,
    #[ts(type = "number")]
    pub finalized_records: u64,
    #[ts(type = "number")]
    pub reconciled_records: u64,
    pub total_consumed_sell: Option<String>,
    pub total_adjustments: Option<String>,
    pub period_breakdown: Vec<PeriodStatistics>,
    /// Keyed by ISO 4217 code.
    pub totals_by_currency: std::collections::BTreeMap<String, crate::ledger::CurrencyTotals>,
    /// Every period with records, newest first.
    pub by_period: Vec<crate::ledger::PeriodTotals>,
}

/// What every Arrow operation that plans a changeset (reconcile, the triggers, the resource syncs) takes
/// besides its own fields: with `dry_run: true` it answers with the plan and writes nothing.
#[derive(Serialize, TS)]
pub struct DryRunOption {
    #[ts(optional)]
    pub dry_run: Option<bool>,
}

/// What a planned operation (triggerSync, reconcile, triggerConsumptionSync, triggerReconciliation) answers
/// after its counters on a dry run: nothing was written.
#[derive(Serialize, TS)]
pub struct OperationDryRun {
    #[ts(type = "true")]
    pub dry_run: bool,
    /// What the operation would write.
    pub changeset: crate::ledger::changeset::Changeset,
}

/// What a planned operation answers after its counters when it ran for real.
#[derive(Serialize, TS)]
pub struct OperationCommitted {
    #[ts(type = "false")]
    pub dry_run: bool,
    /// What the store's commit reported; absent when there was nothing to write.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional, type = "ApplyReport")]
    pub applied: Option<crate::store::ApplyReport>,
}

/// The end of a planned operation's response: `dry_run`, then the changeset (a dry run) or the store's
/// report (otherwise).
#[derive(Serialize, TS)]
#[serde(untagged)]
pub enum OperationOutcome {
    DryRun(OperationDryRun),
    Committed(OperationCommitted),
}

/// A resource the consumption sync could not plan (say, its amounts name no currency); the others are
/// synced.
#[derive(Serialize, Default, TS)]
pub struct ConsumptionSyncError {
    pub resource_uuid: String,
    /// The vendor's unit: a licence, a SIM, a device.
    pub source_ref: String,
    /// "YYYY-MM".
    pub billing_period: String,
    #[ts(type = "BillsyncErrorCode")]
    pub code: String,
    pub error: String,
    /// A currency mismatch: the two currencies that could not be combined.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub currencies: Option<Vec<String>>,
}

/// A consumption reconciliation's record that could not be reconciled (say, the vendor's currency is not
/// the records'): the record, its unit and month, the code and why; the others are reconciled.
#[derive(Serialize, Default, TS)]
pub struct RecordErrorDetail {
    pub record_uuid: String,
    pub resource_uuid: String,
    pub license_reference: String,
    /// "YYYY-MM".
    pub billing_period: String,
    #[ts(type = "BillsyncErrorCode")]
    pub code: String,
    pub error: String,
    /// A currency mismatch: the two currencies that could not be combined.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub currencies: Option<Vec<String>>,
}

/// Soracom's [`RecordErrorDetail`]: the unit under `subscriber`.
#[derive(Serialize, Default, TS)]
pub struct SoracomRecordErrorDetail {
    pub record_uuid: String,
    pub resource_uuid: String,
    pub subscriber: String,
    /// "YYYY-MM".
    pub billing_period: String,
    #[ts(type = "BillsyncErrorCode")]
    pub code: String,
    pub error: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub currencies: Option<Vec<String>>,
}

/// A unit of Soracom's bill that no host resource takes (the ledger's unowned money): reported, never
/// dropped. The line, its subscriber (`account` for account-level rows), the amount and why.
#[derive(Serialize, Default, TS)]
pub struct SoracomUnownedDetail {
    #[ts(type = "\"unowned\"")]
    pub code: String,
    pub line_reference: String,
    pub subscriber: String,
    /// "YYYY-MM".
    pub billing_period: String,
    /// Decimal string, rounded to cents.
    pub amount: String,
    pub currency: String,
    pub reason: String,
    pub error: String,
}

/// One of Soracom's consumption reconciliation error details.
#[derive(Serialize, TS)]
#[serde(untagged)]
pub enum SoracomReconciliationErrorDetail {
    Failed(SoracomRecordErrorDetail),
    Unowned(SoracomUnownedDetail),
}

/// An Arrow resource whose project or customer is not in the store: it cannot be billed, so it is not
/// synced.
#[derive(Serialize, Default, TS)]
pub struct UnbillableResource {
    pub resource_uuid: String,
    pub license_reference: String,
    #[ts(type = "\"not_found\"")]
    pub code: String,
    pub error: String,
}

/// A Soracom resource whose project or customer is not in the store: it cannot be billed, so it is not
/// synced.
#[derive(Serialize, Default, TS)]
pub struct SoracomUnbillableResource {
    pub resource_uuid: String,
    /// The SIM or device.
    pub subscriber: String,
    #[ts(type = "\"not_found\"")]
    pub code: String,
    pub error: String,
}

/// One of Arrow's consumption sync error details.
#[derive(Serialize, TS)]
#[serde(untagged)]
pub enum ConsumptionSyncErrorDetail {
    Failed(ConsumptionSyncError),
    Unbillable(UnbillableResource),
}

/// One of Soracom's consumption sync error details.
#[derive(Serialize, TS)]
#[serde(untagged)]
pub enum SoracomConsumptionSyncErrorDetail {
    Failed(ConsumptionSyncError),
    Unbillable(SoracomUnbillableResource),
    Unowned(SoracomUnownedDetail),
}

/// What Arrow's consumption sync did, resource by resource (the ledger's `ConsumptionSyncCounters`).
#[derive(Serialize, Default, TS)]
pub struct ConsumptionSyncCounters {
    #[ts(type = "number")]
    pub synced: u64,
    /// Resources whose record is finalized: left alone.
    #[ts(type = "number")]
    pub skipped_finalized: u64,
    #[ts(type = "number")]
    pub errors: u64,
    /// Units of the vendor's figures that no host resource takes (Arrow's consumption API is asked per
    /// licence of a resource, so its sync finds none: its statements report them).
    #[ts(type = "number")]
    pub unowned: u64,
    pub error_details: Vec<ConsumptionSyncErrorDetail>,
}

/// What Soracom's consumption sync did, resource by resource (the ledger's `ConsumptionSyncCounters`).
#[derive(Serialize, Default, TS)]
pub struct SoracomConsumptionSyncCounters {
    #[ts(type = "number")]
    pub synced: u64,
    /// Resources whose record is finalized: left alone.
    #[ts(type = "number")]
    pub skipped_finalized: u64,
    #[ts(type = "number")]
    pub errors: u64,
    /// SIMs, devices and account-level rows of the CSV that no host resource takes: each in
    /// `error_details`, and in `billing-syncs/unowned/`.
    #[ts(type = "number")]
    pub unowned: u64,
    pub error_details: Vec<SoracomConsumptionSyncErrorDetail>,
}

/// What a consumption reconciliation did, record by record (the ledger's `ReconciliationCounters`).
#[derive(Serialize, Default, TS)]
pub struct ReconciliationCounters {
    #[ts(type = "number")]
    pub finalized: u64,
    #[ts(type = "number")]
    pub reconciled: u64,
    #[ts(type = "number")]
    pub compensation_items_created: u64,
    /// Records the vendor's final figures have nothing for yet.
    #[ts(type = "number")]
    pub no_billing_data: u64,
    /// Reconciled before and not forced: left alone.
    #[ts(type = "number")]
    pub already_reconciled: u64,
    #[ts(type = "number")]
    pub errors: u64,
    /// Units of the final figures that no live record takes (Arrow: none; its statements report them).
    #[ts(type = "number")]
    pub unowned: u64,
    /// One per counted error: the record, the currencies, why.
    pub error_details: Vec<RecordErrorDetail>,
    /// Held sources left alone (an operator reversed a compensation of theirs): billed once released.
    #[ts(type = "number")]
    pub held: u64,
    /// The held sources left alone, by source key.
    pub held_sources: Vec<String>,
}

/// What Soracom's consumption reconciliation did (the ledger's `ReconciliationCounters`).
#[derive(Serialize, Default, TS)]
pub struct SoracomReconciliationCounters {
    #[ts(type = "number")]
    pub finalized: u64,
    #[ts(type = "number")]
    pub reconciled: u64,
    #[ts(type = "number")]
    pub compensation_items_created: u64,
    /// Records the vendor's final figures have nothing for yet.
    #[ts(type = "number")]
    pub no_billing_data: u64,
    /// Reconciled before and not forced: left alone.
    #[ts(type = "number")]
    pub already_reconciled: u64,
    #[ts(type = "number")]
    pub errors: u64,
    /// SIMs, devices and account-level rows of the closed month's CSV that no live record takes.
    #[ts(type = "number")]
    pub unowned: u64,
    /// One per counted error (the record, the currencies, why) and one per unowned line.
    pub error_details: Vec<SoracomReconciliationErrorDetail>,
    /// Held sources left alone (an operator reversed a compensation of theirs): billed once released.
    #[ts(type = "number")]
    pub held: u64,
    /// The held sources left alone, by source key.
    pub held_sources: Vec<String>,
}

/// `ArrowEngine.triggerConsumptionSync()`.
#[derive(Serialize, TS)]
pub struct ConsumptionSyncResponse {
    #[serde(flatten)]
    #[ts(flatten)]
    pub counters: ConsumptionSyncCounters,
    #[serde(flatten)]
    #[ts(flatten)]
    pub outcome: OperationOutcome,
}

/// `SoracomEngine.triggerConsumptionSync()`.
#[derive(Serialize, TS)]
pub struct SoracomConsumptionSyncResponse {
    #[serde(flatten)]
    #[ts(flatten)]
    pub counters: SoracomConsumptionSyncCounters,
    #[serde(flatten)]
    #[ts(flatten)]
    pub outcome: OperationOutcome,
}

/// `ArrowEngine.triggerReconciliation()`: the consumption reconciliation.
#[derive(Serialize, TS)]
pub struct ConsumptionReconciliationResponse {
    #[serde(flatten)]
    #[ts(flatten)]
    pub counters: ReconciliationCounters,
    #[serde(flatten)]
    #[ts(flatten)]
    pub outcome: OperationOutcome,
}

/// `ArrowEngine.triggerSync()`: the month's statements synced.
#[derive(Serialize, TS)]
pub struct StatementSyncResponse {
    #[serde(flatten)]
    #[ts(flatten)]
    pub counters: crate::vendors::arrow::statements::BillingSyncCounters,
    #[serde(flatten)]
    #[ts(flatten)]
    pub outcome: OperationOutcome,
}

/// `ArrowEngine.reconcile()`: the statement reconciliation.
#[derive(Serialize, TS)]
pub struct StatementReconciliationResponse {
    #[serde(flatten)]
    #[ts(flatten)]
    pub counters: crate::vendors::arrow::statements::StatementCounters,
    #[serde(flatten)]
    #[ts(flatten)]
    pub outcome: OperationOutcome,
}

/// `SoracomEngine.triggerReconciliation()` once Soracom has closed the month.
#[derive(Serialize, TS)]
pub struct SoracomMonthReconciled {
    #[serde(flatten)]
    #[ts(flatten)]
    pub counters: SoracomReconciliationCounters,
    #[serde(flatten)]
    #[ts(flatten)]
    pub outcome: OperationOutcome,
    #[ts(type = "true")]
    pub month_closed: bool,
}

/// `SoracomEngine.triggerReconciliation()`: `month_closed` says which.
// A type that only describes a response for the generated TypeScript: its size in memory does not matter.
#[allow(clippy::large_enum_variant)]
#[derive(Serialize, TS)]
#[serde(untagged)]
pub enum SoracomReconciliationResponse {
    Reconciled(SoracomMonthReconciled),
    NotClosed(crate::vendors::soracom::responses::MonthNotClosed),
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::Error;
    use serde_json::Value;
    use std::collections::BTreeMap;

    /// The keys of a JSON object, sorted.
    fn keys(value: &Value) -> Vec<String> {
        let mut keys: Vec<String> = value
            .as_object()
            .unwrap_or_else(|| panic!("not an object: {value}"))
            .keys()
            .cloned()
            .collect();
        keys.sort();
        keys
    }

    fn shape<T: Serialize>(value: &T) -> Vec<String> {
        keys(&serde_json::to_value(value).unwrap())
    }

    fn record(period: &str, currency: &str) -> crate::ledger::ConsumptionRecord {
        serde_json::from_value(serde_json::json!({
            "uuid": "00000000-0000-4000-8000-000000000001",
            "vendor": "arrow",
            "resource_uuid": "00000000-0000-4000-8000-000000000002",
            "source_ref": "XSP1",
            "billing_period": period,
            "currency": currency,
            "consumed_sell": "1.00",
            "consumed_buy": "1.00",
            "created": "2025-01-01T00:00:00Z",
            "modified": "2025-01-01T00:00:00Z",
        }))
        .unwrap()
    }

    #[test]
    fn arrow_statistics_keys_are_the_documented_fields() {
        use crate::vendors::arrow::query::consumption_statistics;

        let single = consumption_statistics(&[record("2025-01", "EUR")])
            .unwrap()
            .to_json();
        assert_eq!(keys(&single), shape(&ConsumptionStatistics::default()));
        assert_eq!(
            keys(&single["period_breakdown"][0]),
            shape(&PeriodStatistics::default())
        );
        let mut usd = record("2025-01", "USD");
        usd.uuid = crate::ids::Uuid::parse("00000000-0000-4000-8000-000000000003").unwrap();
        let mixed = consumption_statistics(&[record("2025-01", "EUR"), usd])
            .unwrap()
            .to_json();
        assert_eq!(keys(&mixed), shape(&ConsumptionStatistics::default()));
        let full_period = PeriodStatistics {
            consumed_sell_by_currency: Some(BTreeMap::new()),
            ..PeriodStatistics::default()
        };
        assert_eq!(keys(&mixed["period_breakdown"][0]), shape(&full_period));
        common_keys(&mixed);
    }

    /// The statistics every vendor answers, in `rendered`.
    fn common_keys(rendered: &Value) {
        use crate::ledger::{CurrencyTotals, PeriodTotals};
        let month = &rendered["by_period"][0];
        assert_eq!(keys(month), shape(&PeriodTotals::default()));
        for totals in [&month["by_currency"], &rendered["totals_by_currency"]] {
            for currency in totals.as_object().unwrap().values() {
                assert_eq!(keys(currency), shape(&CurrencyTotals::default()));
            }
        }
    }

    #[test]
    fn soracom_statistics_keys_are_the_documented_fields() {
        use crate::vendors::soracom::records::statistics;

        let rendered = statistics(&[record("2025-01", "JPY")]).unwrap();
        assert_eq!(
            keys(&rendered),
            shape(&SoracomConsumptionStatistics::default())
        );
        common_keys(&rendered);
    }

    #[test]
    fn both_vendors_answer_one_statistics_shape() {
        use crate::vendors::arrow::query::consumption_statistics;
        use crate::vendors::soracom::records::statistics;

        let records = [record("2025-01", "EUR")];
        let arrow = consumption_statistics(&records).unwrap().to_json();
        let soracom = statistics(&records).unwrap();
        for (key, value) in soracom.as_object().unwrap() {
            assert_eq!(&arrow[key], value, "{key}");
        }
    }

    /// The keys of a planned operation's real response ([`crate::engine::outcome`]) with `counters`, in its
    /// three endings: a dry run, a commit, and a commit of nothing.
    fn outcome_keys(counters: Value) -> [Vec<String>; 3] {
        use crate::engine::outcome;
        use crate::ledger::changeset::Changeset;
        use crate::store::ApplyReport;
        let as_of = crate::timestamp::Timestamp::parse("2025-02-01T00:00:00Z").unwrap();
        let changeset = Changeset::new("test", as_of);
        [
            keys(&outcome(counters.clone(), &changeset, true, None)),
            keys(&outcome(
                counters.clone(),
                &changeset,
                false,
                Some(ApplyReport::default()),
            )),
            keys(&outcome(counters, &changeset, false, None)),
        ]
    }

    /// The three endings of a documented response, built by `response(outcome)`.
    fn outcome_shapes<T: Serialize>(response: impl Fn(OperationOutcome) -> T) -> [Vec<String>; 3] {
        use crate::ledger::changeset::Changeset;
        let as_of = crate::timestamp::Timestamp::parse("2025-02-01T00:00:00Z").unwrap();
        let dry = OperationOutcome::DryRun(OperationDryRun {
            dry_run: true,
            changeset: Changeset::new("test", as_of),
        });
        let committed = |applied| {
            OperationOutcome::Committed(OperationCommitted {
                dry_run: false,
                applied,
            })
        };
        [
            shape(&response(dry)),
            shape(&response(committed(Some(Default::default())))),
            shape(&response(committed(None))),
        ]
    }

    #[test]
    fn planned_operation_responses_are_the_documented_fields() {
        use crate::ledger;
        use crate::vendors::arrow::statements::{BillingSyncCounters, StatementCounters};
        use crate::vendors::soracom::responses::month_reconciled;
        use serde_json::json;

        // The ledger's counters, which carry no TypeScript of their own, have the documented fields.
        assert_eq!(
            shape(&ledger::ConsumptionSyncCounters::default()),
            shape(&ConsumptionSyncCounters::default())
        );
        assert_eq!(
            shape(&ledger::ConsumptionSyncCounters::default()),
            shape(&SoracomConsumptionSyncCounters::default())
        );
        assert_eq!(
            shape(&ledger::ReconciliationCounters::default()),
            shape(&ReconciliationCounters::default())
        );
        assert_eq!(
            shape(&ledger::ReconciliationCounters::default()),
            shape(&SoracomReconciliationCounters::default())
        );

        let sync = json!(ledger::ConsumptionSyncCounters::default());
        assert_eq!(
            outcome_keys(sync.clone()),
            outcome_shapes(|outcome| ConsumptionSyncResponse {
                counters: ConsumptionSyncCounters::default(),
                outcome,
            })
        );
        assert_eq!(
            outcome_keys(sync),
            outcome_shapes(|outcome| SoracomConsumptionSyncResponse {
                counters: SoracomConsumptionSyncCounters::default(),
                outcome,
            })
        );
        let reconciliation = json!(ledger::ReconciliationCounters::default());
        assert_eq!(
            outcome_keys(reconciliation.clone()),
            outcome_shapes(|outcome| ConsumptionReconciliationResponse {
                counters: ReconciliationCounters::default(),
                outcome,
            })
        );
        let closed = outcome_keys(reconciliation).map(|mut keys| {
            keys.push("month_closed".to_owned());
            keys.sort();
            keys
        });
        assert_eq!(
            closed,
            outcome_shapes(|outcome| SoracomReconciliationResponse::Reconciled(
                SoracomMonthReconciled {
                    counters: SoracomReconciliationCounters::default(),
                    outcome,
                    month_closed: true,
                }
            ))
        );
        // Both answers carry month_closed, which tells them apart.
        let not_closed = SoracomReconciliationResponse::NotClosed(
            crate::vendors::soracom::responses::MonthNotClosed {
                month_closed: false,
                reconciled: 0,
                detail: String::new(),
            },
        );
        assert!(shape(&not_closed).contains(&"month_closed".to_owned()));
        // month_reconciled is what the Soracom engine answers with once the month is closed.
        assert_eq!(
            keys(&month_reconciled(json!({ "dry_run": false }))),
            ["dry_run", "month_closed"]
        );
        assert_eq!(
            outcome_keys(json!(BillingSyncCounters::default())),
            outcome_shapes(|outcome| StatementSyncResponse {
                counters: BillingSyncCounters::default(),
                outcome,
            })
        );
        assert_eq!(
            outcome_keys(json!(StatementCounters::default())),
            outcome_shapes(|outcome| StatementReconciliationResponse {
                counters: StatementCounters::default(),
                outcome,
            })
        );
    }

    /// A resource whose amounts name no currency, where the settings give none: the ledger's planner
    /// reports it as an error detail of its own.
    #[test]
    fn the_planners_consumption_sync_error_is_the_documented_fields() {
        use crate::ledger::{plan_consumption_sync, Billing, PlanContext, ResourceConsumption};
        use crate::vendors::arrow::settings::ArrowSettings;
        use rust_decimal::Decimal;
        use serde_json::json;

        let settings: ArrowSettings =
            serde_json::from_value(json!({ "uuid": "5e771a65-0000-4000-8000-000000000001" }))
                .unwrap();
        let resource: crate::ledger::Resource = serde_json::from_value(json!({
            "uuid": "aaaaaaaa-0000-4000-8000-000000000001",
            "project_uuid": "9f0ec700-0000-4000-8000-000000000003",
        }))
        .unwrap();
        let ctx = PlanContext {
            operation: "test".into(),
            vendor: "arrow",
            policy: settings.policy(),
            as_of: crate::timestamp::Timestamp::parse("2025-02-01T00:00:00Z").unwrap(),
            zone: crate::period::Zone::UTC,
            invoices: Default::default(),
        };
        let consumption = ResourceConsumption {
            customer_uuid: crate::ids::Uuid::parse("c0570be2-0000-4000-8000-000000000002").unwrap(),
            resource,
            source_ref: "XSP1".into(),
            sell: Decimal::ONE,
            buy: Decimal::ONE,
            currency: None,
            lines: 1,
            raw_data: json!({}),
            evidence: Default::default(),
        };
        let period = crate::period::Period::new(2025, 1).unwrap();
        let (_, counters) =
            plan_consumption_sync(&ctx, period, &[consumption], &[], &Billing::default()).unwrap();
        assert_eq!(counters.errors, 1);
        let detail = &counters.error_details[0];
        let failed = ConsumptionSyncErrorDetail::Failed(ConsumptionSyncError::default());
        assert_eq!(keys(detail), shape(&failed));
        let soracom = SoracomConsumptionSyncErrorDetail::Failed(ConsumptionSyncError::default());
        assert_eq!(shape(&soracom), shape(&failed));
        assert!(Error::ALL_CODES.contains(&detail["code"].as_str().unwrap()));
    }

    /// The ledger's unowned line and record error, as Soracom's reconciliation reports them, have the
    /// documented fields.
    #[test]
    fn the_ledgers_unowned_and_record_details_are_the_documented_fields() {
        use crate::error::Error;
        use crate::ledger::{record_error, ConsumptionRecord, UnownedLine};
        use serde_json::json;

        let line: UnownedLine = serde_json::from_value(json!({
            "uuid": "aaaaaaaa-0000-4000-8000-000000000001", "vendor": "soracom", "scope": "consumption",
            "billing_period": "2025-01", "source_ref": "account", "line_reference": "account",
            "amount": "100", "currency": "JPY", "reason": "r", "is_final": true,
            "detected_at": "2025-02-01T00:00:00Z",
        }))
        .unwrap();
        let unowned = line.error_detail("subscriber");
        assert_eq!(
            keys(&unowned),
            shape(&SoracomReconciliationErrorDetail::Unowned(
                SoracomUnownedDetail::default()
            ))
        );
        assert_eq!(
            keys(&unowned),
            shape(&SoracomConsumptionSyncErrorDetail::Unowned(
                SoracomUnownedDetail::default()
            ))
        );
        let record: ConsumptionRecord = serde_json::from_value(json!({
            "uuid": "aaaaaaaa-0000-4000-8000-000000000002", "vendor": "soracom",
            "resource_uuid": "aaaaaaaa-0000-4000-8000-000000000003", "source_ref": "imsi:1",
            "billing_period": "2025-01", "currency": "JPY", "consumed_sell": "1", "consumed_buy": "1",
            "created": "2025-02-01T00:00:00Z", "modified": "2025-02-01T00:00:00Z",
        }))
        .unwrap();
        let failed = record_error(&record, "subscriber", &Error::not_found("x"));
        assert_eq!(
            keys(&failed),
            shape(&SoracomReconciliationErrorDetail::Failed(
                SoracomRecordErrorDetail::default()
            ))
        );
        let arrow = record_error(&record, "license_reference", &Error::not_found("x"));
        assert_eq!(keys(&arrow), shape(&RecordErrorDetail::default()));
    }

    /// Arrow's engine over the memory store, with one resource whose project is not in the store.
    mod unbillable {
        use std::cell::RefCell;
        use std::future::Future;
        use std::pin::pin;
        use std::task::{Context, Poll, Waker};

        use serde_json::{json, Value};

        use crate::engine::{Clock, Engine, NoProgress, Payload};
        use crate::error::{Error, Result};
        use crate::period::{Period, Zone};
        use crate::rest::http::Routes;
        use crate::store::MemoryStore;
        use crate::timestamp::Timestamp;
        use crate::vendors::arrow::validate::Operation;
        use crate::vendors::arrow::{Arrow, ArrowApi, ExportRequest};

        pub const RESOURCE: &str = "aaaaaaaa-0000-4000-8000-000000000001";

        /// An Arrow that is never called: a resource that cannot be billed is not asked for.
        pub struct Unreachable;

        fn unreachable() -> Result<Payload> {
            Err(Error::AdapterFailed {
                call: "arrow".into(),
                message: "not expected in this test".into(),
            })
        }

        impl ArrowApi for Unreachable {
            async fn billing_export(&self, _: &ExportRequest) -> Result<Payload> {
                unreachable()
            }
            async fn consumption(&self, _: &str, _: Period, _: Period) -> Result<Payload> {
                unreachable()
            }
            async fn license(&self, _: &str) -> Result<Payload> {
                unreachable()
            }
            async fn licenses(&self, _: u32, _: u32) -> Result<Payload> {
                unreachable()
            }
        }

        pub struct Now;

        impl Clock for Now {
            fn now(&self) -> Result<Timestamp> {
                Timestamp::parse("2025-02-04T00:00:00Z")
            }
        }

        /// The memory store and Arrow never wait: one poll finishes every future.
        fn block_on<F: Future>(future: F) -> F::Output {
            let mut future = pin!(future);
            let mut cx = Context::from_waker(Waker::noop());
            loop {
                if let Poll::Ready(v) = future.as_mut().poll(&mut cx) {
                    return v;
                }
            }
        }

        /// What the JS method of `operation` resolves to, on `input`.
        pub fn run(operation: Operation, input: Value) -> Value {
            let mut store = MemoryStore::default();
            store
                .load(
                    "settings",
                    "5e771a65-0000-4000-8000-000000000001",
                    json!({ "uuid": "5e771a65-0000-4000-8000-000000000001", "is_active": true }),
                )
                .unwrap();
            store
                .load(
                    "resources",
                    RESOURCE,
                    json!({
                        "uuid": RESOURCE,
                        "name": "VM",
                        "project_uuid": "9f0ec700-0000-4000-8000-00000000dead",
                        "state": "OK",
                        "attributes": { crate::vendors::arrow::settings::LICENSE_ATTRIBUTE: "XSP1" },
                    }),
                )
                .unwrap();
            let engine = Engine::new(
                RefCell::new(store),
                Arrow { api: Unreachable },
                Now,
                Zone::UTC,
                NoProgress,
            );
            block_on(engine.run(operation, &input, "", ""))
                .unwrap()
                .body
        }
    }

    /// A resource that cannot be billed is an error detail of its own, named by the vendor's source label.
    #[test]
    fn unbillable_resources_are_the_documented_fields() {
        use crate::vendors::arrow::validate::Operation;
        use crate::vendors::soracom::SoracomSettings;
        use serde_json::json;

        let body = unbillable::run(
            Operation::TriggerConsumptionSync,
            json!({ "year": 2025, "month": 1, "dry_run": true }),
        );
        let [dry_run, ..] = outcome_shapes(|outcome| ConsumptionSyncResponse {
            counters: ConsumptionSyncCounters::default(),
            outcome,
        });
        assert_eq!(keys(&body), dry_run);
        assert_eq!(body["errors"], 1, "{body}");
        let detail = &body["error_details"][0];
        assert_eq!(detail["resource_uuid"], unbillable::RESOURCE);
        let unbillable = ConsumptionSyncErrorDetail::Unbillable(UnbillableResource::default());
        assert_eq!(keys(detail), shape(&unbillable));
        assert_eq!(detail["code"], "not_found");

        // The historical sync gives the same details, each with its month.
        let body = unbillable::run(
            Operation::SyncResourceHistoricalConsumption,
            json!({ "resource_uuid": unbillable::RESOURCE, "period_from": "2024-12", "period_to": "2025-01" }),
        );
        let mut with_period = shape(&UnbillableResource::default());
        with_period.push("period".into());
        with_period.sort();
        assert_eq!(body["errors"].as_array().map(Vec::len), Some(2), "{body}");
        assert_eq!(keys(&body["errors"][1]), with_period);
        assert_eq!(body["errors"][1]["period"], "2025-01");

        // Soracom's label is "subscriber" where Arrow's is "license_reference"; the rest is the same.
        let arrow_label = crate::vendors::arrow::settings::ArrowSettings::policy(
            &serde_json::from_value(json!({ "uuid": "5e771a65-0000-4000-8000-000000000001" }))
                .unwrap(),
        )
        .source_label;
        assert_eq!(arrow_label, "license_reference");
        let soracom: SoracomSettings = serde_json::from_value(json!({
            "uuid": "5e771a65-0000-4000-8000-000000000001",
            "operator_id": "OP0012345678",
        }))
        .unwrap();
        let relabelled: Vec<String> = shape(&UnbillableResource::default())
            .into_iter()
            .map(|k| {
                if k == arrow_label {
                    soracom.policy().source_label.to_owned()
                } else {
                    k
                }
            })
            .collect();
        let mut relabelled = relabelled;
        relabelled.sort();
        let soracom_unbillable =
            SoracomConsumptionSyncErrorDetail::Unbillable(SoracomUnbillableResource::default());
        assert_eq!(relabelled, shape(&soracom_unbillable));
    }
}
