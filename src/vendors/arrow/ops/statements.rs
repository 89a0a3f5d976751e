//! Operations on Arrow statements (billing syncs), and the consumption sync switches.

use std::collections::BTreeMap;

use serde_json::{json, Map, Value};

use crate::engine::{outcome, page_of, Clock, Engine, HostReads, Progress, Store};
use crate::error::{Error, Result};
use crate::ids::Uuid;
use crate::ledger::changeset::Changeset;
use crate::ledger::units::seal;
use crate::ledger::{
    plan_unowned, unowned_lines, Billing, ConsumptionRecord, Ownership, Resource, SourceKey,
    UnitKey, UnownedLine,
};
use crate::period::Period;
use crate::vendors::arrow::line::{line_key, BilledLine};
use crate::vendors::arrow::query::{self, SyncFilter};
use crate::vendors::arrow::records::{
    render_billing_sync, ArrowSettings, ArrowState, BillingSync, CustomerMapping, SyncState,
};
use crate::vendors::arrow::responses::{SyncPaused, SyncResumed};
use crate::vendors::arrow::statements::plan_billing_sync;
use crate::vendors::arrow::statements::plan_statement_reconciliation;
use crate::vendors::arrow::statements::{
    StatementContext, StatementLedger, StatementSyncErrorDetail,
};
use crate::vendors::arrow::unowned::{
    unowned_statement_lines, UnownedStatementLine, STATEMENTS_SCOPE,
};
use crate::vendors::arrow::validate::{
    BillingSyncQuery, Operation, ReconciliationRequest, StatementSyncRequest, SyncPauseRequest,
};
use crate::vendors::arrow::Arrow;
use crate::vendors::arrow::ArrowApi;

pub(super) struct StatementInputs {
    lines: Vec<BilledLine>,
    /// The hex SHA-256 of the export's pages as read: the trace of the items billed from its lines.
    export_sha256: Option<String>,
    mappings: Vec<CustomerMapping>,
    syncs: Vec<BillingSync>,
    ownership: Ownership,
    billing: Billing,
    statement_states: BTreeMap<String, ArrowState>,
    host_reads: HostReads,
    /// The month's stored unowned lines.
    unowned: Vec<UnownedLine>,
}

impl<S: Store, A: ArrowApi, C: Clock, P: Progress> Engine<S, Arrow<A>, C, P> {
    /// The settings' mappings, and those that name no settings. Mappings are few: filtered here, not in the store.
    async fn mappings_of(&self, settings: &ArrowSettings) -> Result<Vec<CustomerMapping>> {
        let all: Vec<CustomerMapping> = self.scan_all(Map::new()).await?;
        Ok(all
            .into_iter()
            .filter(|m| m.applies_to(&settings.uuid))
            .collect())
    }

    async fn syncs_of(&self, settings: &ArrowSettings, period: Period) -> Result<Vec<BillingSync>> {
        let mut filters = Map::new();
        filters.insert("settings_uuid".into(), json!(settings.uuid));
        filters.insert("report_period".into(), json!(period));
        self.scan_all(filters).await
    }

    /// What both statement operations read: the month's export, the mappings, the syncs, Arrow's
    /// statement states, who owns each licence (its records of live resources, or its lines), and what
    /// every source of the month's licences and lines billed.
    async fn statement_inputs(
        &self,
        settings: &ArrowSettings,
        period: Period,
        operation: &str,
    ) -> Result<StatementInputs> {
        let (lines, export_sha256) = self.billed_lines(settings, period, operation).await?;
        let statement_states = self.vendor.statement_states(period).await?;
        // The units' version rows first, then everything the plan decides from.
        let unit_rows = self.unit_rows(Some(&[period])).await?;
        let mappings = self.mappings_of(settings).await?;
        let syncs = self.syncs_of(settings, period).await?;
        let mut filters = Map::new();
        filters.insert("billing_period".into(), json!(period));
        let records = self.records(filters).await?;
        let hosts = self.hosts().await?;
        let ownership = Ownership::new(&records, |uuid| {
            hosts.resource(uuid).is_some_and(Resource::is_live)
                && hosts.customer_uuid_of_resource(uuid).is_some()
        });
        let mut host_reads =
            HostReads::of_resources(&hosts, records.iter().map(|r| &r.resource_uuid));
        for mapping in &mappings {
            host_reads.add(mapping);
        }
        let by_mapping: BTreeMap<&Uuid, &str> = mappings
            .iter()
            .map(|m| (&m.uuid, m.arrow_reference.as_str()))
            .collect();
        let mut keys: Vec<SourceKey> = syncs
            .iter()
            .flat_map(|s| {
                let customer = by_mapping
                    .get(&s.customer_mapping_uuid)
                    .copied()
                    .unwrap_or_default();
                s.items.iter().map(move |i| {
                    line_key(&s.statement_reference, customer, &i.arrow_line_reference)
                })
            })
            .collect();
        keys.extend(lines.iter().map(BilledLine::source_key));
        let mut units: Vec<UnitKey> = lines.iter().filter_map(|l| l.unit(period)).collect();
        units.extend(records.iter().map(ConsumptionRecord::unit));
        units.extend(syncs.iter().flat_map(|s| {
            s.items
                .iter()
                .filter(|i| !i.license_reference.trim().is_empty())
                .map(|i| SourceKey::unit(period, &i.license_reference))
        }));
        let billing = self.billing_for_units(&units, keys, &unit_rows).await?;
        let unowned = self
            .stored_unowned(crate::vendors::arrow::VENDOR, period)
            .await?;
        Ok(StatementInputs {
            lines,
            export_sha256: Some(export_sha256),
            mappings,
            syncs,
            ownership,
            billing,
            statement_states,
            host_reads,
            unowned,
        })
    }

    /// trigger_sync: the month's export lines onto the customers' invoices, grouped by statement.
    pub async fn trigger_sync(
        &self,
        request: &StatementSyncRequest,
        dry_run: bool,
    ) -> Result<Value> {
        let (settings_uuid, period) = (request.settings_uuid.as_deref(), request.period);
        let resource = match request.resource_uuid.as_deref() {
            None => None,
            Some(uuid) => Some(
                self.get::<Resource>(uuid)
                    .await?
                    .ok_or_else(|| Error::not_found(format!("resource {uuid}")))?,
            ),
        };
        self.plan_statements(
            settings_uuid,
            period,
            "trigger_sync",
            dry_run,
            |ctx, inputs, ledger| {
                let (lines, syncs) = match &resource {
                    None => (inputs.lines.clone(), inputs.syncs.clone()),
                    Some(resource) => super::statement_filter::statements_of_resource(
                        resource,
                        &inputs.lines,
                        &inputs.mappings,
                        &inputs.syncs,
                    )?,
                };
                let (mut changeset, mut counters) =
                    plan_billing_sync(ctx, period, &lines, &inputs.mappings, &syncs, ledger)?;
                // What the statements leave to nobody, over the month's every line (a line's owner does not
                // depend on which statements this run syncs): reported, never dropped.
                let figures = unowned_statement_lines(
                    ctx,
                    period,
                    &inputs.lines,
                    &inputs.mappings,
                    ledger.ownership,
                );
                let found = unowned_lines(ctx, STATEMENTS_SCOPE, period, false, figures)?;
                let standing = plan_unowned(
                    ctx,
                    STATEMENTS_SCOPE,
                    period,
                    found,
                    &inputs.unowned,
                    &mut changeset,
                )?;
                counters.unowned = u64::try_from(standing.len()).unwrap_or(u64::MAX);
                counters.error_details.extend(
                    standing
                        .iter()
                        .map(|l| StatementSyncErrorDetail::Unowned(UnownedStatementLine::of(l))),
                );
                Ok((changeset, json!(counters)))
            },
        )
        .await
    }

    /// reconcile: validated statements against the current export; differences compensated once.
    pub async fn reconcile(&self, request: &ReconciliationRequest, dry_run: bool) -> Result<Value> {
        let (settings_uuid, period) = (request.settings_uuid.as_deref(), request.period);
        self.plan_statements(
            settings_uuid,
            period,
            "reconcile",
            dry_run,
            |ctx, inputs, ledger| {
                let (changeset, counters) = plan_statement_reconciliation(
                    ctx,
                    period,
                    request.force,
                    &inputs.lines,
                    &inputs.mappings,
                    &inputs.syncs,
                    ledger,
                )?;
                Ok((changeset, json!(counters)))
            },
        )
        .await
    }

    /// One statement operation: read its inputs, plan on them, commit the plan (a dry run only reports it);
    /// re-read and re-planned when the commit finds that something it read has moved.
    async fn plan_statements(
        &self,
        settings_uuid: Option<&str>,
        period: Period,
        operation: &str,
        dry_run: bool,
        plan: impl Fn(
            &StatementContext,
            &StatementInputs,
            &StatementLedger,
        ) -> Result<(Changeset, Value)>,
    ) -> Result<Value> {
        self.check_billable(period, "month")?;
        self.with_retries(operation, async || {
            let settings = self.settings(settings_uuid).await?;
            let mut inputs = self.statement_inputs(&settings, period, operation).await?;
            let ctx = StatementContext {
                plan: self
                    .plan_context(&format!("admin_arrow_billing_syncs_{operation}"), &settings)?,
                settings: &settings,
                statement_states: std::mem::take(&mut inputs.statement_states),
                export_sha256: inputs.export_sha256.take(),
            };
            let ledger = StatementLedger {
                ownership: &inputs.ownership,
                billing: &inputs.billing,
            };
            let (mut changeset, counters) = plan(&ctx, &inputs, &ledger)?;
            seal(&mut changeset, &inputs.billing.units)?;
            inputs.host_reads.check(&mut changeset);
            let report = self.commit(&changeset, dry_run).await?;
            Ok(outcome(counters, &changeset, dry_run, report))
        })
        .await
    }

    pub async fn list_billing_syncs(
        &self,
        request: &BillingSyncQuery,
        base_url: &str,
        url: &str,
    ) -> Result<(Vec<Value>, query::Page)> {
        let arrow_state = match request.arrow_state.as_deref() {
            None => None,
            Some("pending") => Some(ArrowState::Pending),
            Some("validated") => Some(ArrowState::Validated),
            Some(other) => {
                return Err(Error::field(
                    "arrow_state",
                    format!("\"{other}\" is not a valid choice."),
                ))
            }
        };
        let uuid = |v: &Option<String>, field: &str| {
            v.as_deref()
                .map(|v| Uuid::parse_field(v, field))
                .transpose()
        };
        let filter = SyncFilter {
            arrow_state,
            customer_mapping: request.customer_mapping.clone(),
            customer_mapping_uuid: uuid(&request.customer_mapping_uuid, "customer_mapping_uuid")?,
            report_period: request.report_period,
            report_period_from: request.report_period_from,
            report_period_to: request.report_period_to,
            settings_uuid: uuid(&request.settings_uuid, "settings_uuid")?,
            state: request
                .state
                .and_then(|s| SyncState::from_code(i64::from(s))),
            statement_reference: request.statement_reference.clone(),
        };
        let syncs: Vec<BillingSync> = self.scan_all(Map::new()).await?;
        let lookup = self.lookup().await?;
        let selected = query::select_syncs(&syncs, &filter);
        let (page, items) = page_of(&selected, request.page, request.page_size, url)?;
        let rows = items
            .iter()
            .map(|s| render_billing_sync(s, &lookup, base_url))
            .collect();
        Ok((rows, page))
    }

    pub async fn retrieve_billing_sync(&self, uuid: &str, base_url: &str) -> Result<Value> {
        let sync: BillingSync = self
            .get(uuid)
            .await?
            .ok_or_else(|| Error::not_found(format!("billing sync {uuid}")))?;
        let lookup = self.lookup().await?;
        Ok(render_billing_sync(&sync, &lookup, base_url))
    }

    /// pause_sync / resume_sync: the global switch, one settings' switch, or (with neither named) the
    /// active settings'. Answers [`SyncPaused`] or [`SyncResumed`].
    pub async fn switch_sync(&self, request: &SyncPauseRequest, enabled: bool) -> Result<Value> {
        self.with_retries("switch_sync", async || {
            self.switch_sync_once(request, enabled).await
        })
        .await
    }

    async fn switch_sync_once(&self, request: &SyncPauseRequest, enabled: bool) -> Result<Value> {
        let operation = if enabled {
            Operation::ResumeSync
        } else {
            Operation::PauseSync
        };
        let mut changeset = Changeset::new(operation.id(), self.now()?);
        let mut switched = Vec::new();
        if request.pause_global {
            let mut global = self.global_switch().await?;
            global.enabled = enabled;
            changeset.put(format!("sync_enabled:global:{enabled}"), &global)?;
            switched.push("global".to_owned());
        }
        if request.settings_uuid.is_some() || !request.pause_global {
            let mut settings = self.settings(request.settings_uuid.as_deref()).await?;
            settings.sync_enabled = enabled;
            changeset.put(
                format!("sync_enabled:{}:{enabled}", settings.uuid),
                &settings,
            )?;
            switched.push(settings.uuid.to_string());
        }
        self.commit(&changeset, false).await?;
        Ok(if enabled {
            json!(SyncResumed { resumed: switched })
        } else {
            json!(SyncPaused { paused: switched })
        })
    }
}
