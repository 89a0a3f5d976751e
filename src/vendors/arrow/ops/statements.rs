//! Operations on Arrow statements (billing syncs), and the consumption sync switches.

use std::collections::BTreeSet;

use serde_json::{json, Map, Value};

use crate::engine::{outcome, page_of, Clock, Engine, Progress, Store};
use crate::error::{Error, Result};
use crate::ids::Uuid;
use crate::ledger::changeset::Changeset;
use crate::ledger::SourceKey;
use crate::vendors::arrow::line::BilledLine;
use crate::vendors::arrow::query::{self, SyncFilter};
use crate::vendors::arrow::records::{
    render_billing_sync, ArrowSettings, ArrowState, BillingSync, CustomerMapping, SyncState,
};
use crate::vendors::arrow::settings::license_of;
use crate::vendors::arrow::statements::plan_billing_sync;
use crate::vendors::arrow::statements::plan_statement_reconciliation;
use crate::vendors::arrow::statements::StatementContext;
use crate::vendors::arrow::validate::{
    BillingSyncQuery, Operation, ReconciliationRequest, StatementSyncRequest, SyncPauseRequest,
};
use crate::vendors::arrow::Arrow;
use crate::vendors::arrow::ArrowApi;

struct StatementInputs {
    lines: Vec<BilledLine>,
    mappings: Vec<CustomerMapping>,
    syncs: Vec<BillingSync>,
    licenses: BTreeSet<String>,
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

    async fn syncs_of(
        &self,
        settings: &ArrowSettings,
        period: crate::period::Period,
    ) -> Result<Vec<BillingSync>> {
        let mut filters = Map::new();
        filters.insert("settings_uuid".into(), json!(settings.uuid));
        filters.insert("report_period".into(), json!(period));
        self.scan_all(filters).await
    }

    /// Licences billed through consumption records: their export lines are not billed again as statement lines.
    async fn consumption_licenses(&self) -> Result<BTreeSet<String>> {
        let resources: Vec<crate::vendors::arrow::records::Resource> =
            self.scan_all(Map::new()).await?;
        Ok(resources
            .iter()
            .filter_map(|r| license_of(r).map(str::to_owned))
            .collect())
    }

    /// What both statement operations read: the month's export, the mappings, the syncs, and the licences
    /// consumption records bill.
    async fn statement_inputs(
        &self,
        settings: &ArrowSettings,
        period: crate::period::Period,
        operation: &str,
    ) -> Result<StatementInputs> {
        Ok(StatementInputs {
            lines: self.billed_lines(settings, period, operation).await?,
            mappings: self.mappings_of(settings).await?,
            syncs: self.syncs_of(settings, period).await?,
            licenses: self.consumption_licenses().await?,
        })
    }

    /// trigger_sync: the month's export lines onto the customers' invoices, grouped by statement.
    pub async fn trigger_sync(
        &self,
        request: &StatementSyncRequest,
        dry_run: bool,
    ) -> Result<Value> {
        self.with_retries("trigger_sync", async || {
            self.trigger_sync_once(request, dry_run).await
        })
        .await
    }

    async fn trigger_sync_once(
        &self,
        request: &StatementSyncRequest,
        dry_run: bool,
    ) -> Result<Value> {
        const OP: &str = "trigger_sync";
        let settings = self.settings(request.settings_uuid.as_deref()).await?;
        let ctx = StatementContext {
            plan: self.plan_context("admin_arrow_billing_syncs_trigger_sync", &settings)?,
            settings: &settings,
        };
        let StatementInputs {
            lines,
            mappings,
            syncs,
            licenses,
        } = self.statement_inputs(&settings, request.period, OP).await?;
        let (changeset, counters) =
            plan_billing_sync(&ctx, request.period, &lines, &mappings, &syncs, &licenses)?;
        let report = self.commit(&changeset, dry_run).await?;
        Ok(outcome(json!(counters), &changeset, dry_run, report))
    }

    /// reconcile: validated statements against the current export; differences compensated once.
    pub async fn reconcile(&self, request: &ReconciliationRequest, dry_run: bool) -> Result<Value> {
        self.with_retries("reconcile", async || {
            self.reconcile_once(request, dry_run).await
        })
        .await
    }

    async fn reconcile_once(
        &self,
        request: &ReconciliationRequest,
        dry_run: bool,
    ) -> Result<Value> {
        const OP: &str = "reconcile";
        let settings = self.settings(request.settings_uuid.as_deref()).await?;
        let ctx = StatementContext {
            plan: self.plan_context("admin_arrow_billing_syncs_reconcile", &settings)?,
            settings: &settings,
        };
        let StatementInputs {
            lines,
            mappings,
            syncs,
            licenses,
        } = self.statement_inputs(&settings, request.period, OP).await?;
        let mut keys: Vec<SourceKey> = syncs
            .iter()
            .flat_map(|s| {
                s.items.iter().map(move |i| {
                    SourceKey::of_line(&s.statement_reference, &i.arrow_line_reference)
                })
            })
            .collect();
        keys.extend(lines.iter().map(BilledLine::source_key));
        keys.sort();
        keys.dedup();
        let billing = self.billing_for(&keys).await?;
        let (changeset, counters) = plan_statement_reconciliation(
            &ctx,
            request.period,
            request.force,
            &lines,
            &mappings,
            &syncs,
            &licenses,
            &billing,
        )?;
        let report = self.commit(&changeset, dry_run).await?;
        Ok(outcome(json!(counters), &changeset, dry_run, report))
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
    /// active settings'. Answers {"paused": [...]} or {"resumed": [...]}.
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
        let key = if enabled { "resumed" } else { "paused" };
        Ok(json!({ key: switched }))
    }
}
