//! Arrow's operations on consumption: syncing it, reconciling it (both the engine's ledger operations, read
//! through Arrow), reading and cleaning up its records.

use serde_json::{json, Map, Value};

use crate::engine::{outcome, page_of, Clock, Engine, Progress, Store};
use crate::error::{Error, Result};
use crate::ids::Uuid;
use crate::ledger::changeset::Changeset;
use crate::ledger::units::seal;
use crate::ledger::ConsumptionRecord;
use crate::period::Period;
use crate::vendors::arrow::query::{self, CleanupFilter, RecordFilter};
use crate::vendors::arrow::records::{render_consumption_record, render_pending_record, Lookup};
use crate::vendors::arrow::responses::HistoricalConsumptionResponse;
use crate::vendors::arrow::settings::license_of;
use crate::vendors::arrow::validate::{
    CleanupConsumptionRequest, ConsumptionRecordQuery, ConsumptionSyncRequest,
    HistoricalConsumptionRequest, Operation, ReconciliationRequest,
};
use crate::vendors::arrow::ArrowApi;
use crate::vendors::arrow::{Arrow, VENDOR};

fn uuid_filter(value: &Option<String>, field: &str) -> Result<Option<Uuid>> {
    value
        .as_deref()
        .map(|v| Uuid::parse_field(v, field))
        .transpose()
}

impl<S: Store, A: ArrowApi, C: Clock, P: Progress> Engine<S, Arrow<A>, C, P> {
    /// Host objects and Arrow's customer mappings, for joining names into responses.
    pub(crate) async fn lookup(&self) -> Result<Lookup> {
        let hosts = self.hosts().await?;
        let mappings = self.scan_all(Map::new()).await?;
        let mut lookup = Lookup::new([], [], [], mappings);
        *lookup.hosts_mut() = hosts;
        Ok(lookup)
    }

    /// Arrow's consumption records matching `filters`.
    pub(crate) async fn arrow_records(
        &self,
        filters: Map<String, Value>,
    ) -> Result<Vec<ConsumptionRecord>> {
        self.records(filters).await
    }

    /// trigger_consumption_sync: provisional charges from the month's preliminary consumption.
    pub async fn trigger_consumption_sync(
        &self,
        request: &ConsumptionSyncRequest,
        dry_run: bool,
    ) -> Result<Value> {
        self.check_billable(request.period, "month")?;
        self.with_retries("trigger_consumption_sync", async || {
            let settings = self.settings(request.settings_uuid.as_deref()).await?;
            let only = uuid_filter(&request.resource_uuid, "resource_uuid")?;
            let mut planned = self
                .plan_vendor_consumption_sync(
                    (
                        Operation::TriggerConsumptionSync.id(),
                        "trigger_consumption_sync",
                    ),
                    &settings,
                    &[request.period],
                    only.as_ref(),
                    false,
                )
                .await?;
            let counters = planned.periods.pop().map(|(_, c)| c).unwrap_or_default();
            let report = self.commit(&planned.changeset, dry_run).await?;
            Ok(outcome(
                json!(counters),
                &planned.changeset,
                dry_run,
                report,
            ))
        })
        .await
    }

    /// trigger_reconciliation: final figures from the export, one compensation per difference.
    pub async fn trigger_reconciliation(
        &self,
        request: &ReconciliationRequest,
        dry_run: bool,
    ) -> Result<Value> {
        self.check_billable(request.period, "month")?;
        self.with_retries("trigger_reconciliation", async || {
            let settings = self.settings(request.settings_uuid.as_deref()).await?;
            let planned = self
                .plan_vendor_reconciliation(
                    (
                        Operation::TriggerReconciliation.id(),
                        "trigger_reconciliation",
                    ),
                    &settings,
                    request.period,
                    request.force,
                )
                .await?
                .ok_or_else(|| Error::not_found(format!("Arrow's export of {}", request.period)))?;
            let report = self.commit(&planned.changeset, dry_run).await?;
            Ok(outcome(
                json!(planned.counters),
                &planned.changeset,
                dry_run,
                report,
            ))
        })
        .await
    }

    /// sync_resource_historical_consumption: one resource, month by month.
    pub async fn sync_resource_historical_consumption(
        &self,
        request: &HistoricalConsumptionRequest,
        dry_run: bool,
    ) -> Result<Value> {
        self.with_retries("sync_resource_historical_consumption", async || {
            self.sync_resource_historical_consumption_once(request, dry_run)
                .await
        })
        .await
    }

    async fn sync_resource_historical_consumption_once(
        &self,
        request: &HistoricalConsumptionRequest,
        dry_run: bool,
    ) -> Result<Value> {
        let resource_uuid = Uuid::parse_field(&request.resource_uuid, "resource_uuid")?;
        let hosts = self.hosts().await?;
        let resource = hosts
            .resource(&resource_uuid)
            .cloned()
            .ok_or_else(|| Error::not_found(format!("resource {resource_uuid}")))?;
        if license_of(&resource).is_none() {
            return Err(Error::field(
                "resource_uuid",
                "The resource has no Arrow license reference.",
            ));
        }
        let to = match request.period_to {
            Some(p) => {
                self.check_billable(p, "period_to")?;
                p
            }
            None => self.current_period()?,
        };
        let from = match request.period_from {
            Some(p) => p,
            None => Period::historical_consumption_default(to)?.0,
        };
        let periods = Period::range(from, to)?;
        let settings = self.settings(None).await?;
        let planned = self
            .plan_vendor_consumption_sync(
                (
                    Operation::SyncResourceHistoricalConsumption.id(),
                    "sync_resource_historical_consumption",
                ),
                &settings,
                &periods,
                Some(&resource_uuid),
                true,
            )
            .await?;
        let (mut synced, mut skipped, mut errors) = (0u64, 0u64, Vec::new());
        for (period, counters) in planned.periods {
            synced += counters.synced;
            skipped += counters.skipped_finalized;
            errors.extend(counters.error_details.into_iter().map(|mut e| {
                if let Some(o) = e.as_object_mut() {
                    o.insert("period".into(), json!(period));
                }
                e
            }));
        }
        let changeset = planned.changeset;
        self.commit(&changeset, dry_run).await?;
        Ok(json!(HistoricalConsumptionResponse {
            resource_uuid: resource.uuid,
            resource_name: resource.name,
            periods_synced: synced,
            periods_skipped: skipped,
            errors,
            dry_run: dry_run.then_some(true),
            changeset: dry_run.then_some(changeset),
        }))
    }

    /// cleanup_consumption: delete matching records (a dry run by default). Their invoice items stay.
    pub async fn cleanup_consumption(&self, request: &CleanupConsumptionRequest) -> Result<Value> {
        self.with_retries("cleanup_consumption", async || {
            self.cleanup_consumption_once(request).await
        })
        .await
    }

    async fn cleanup_consumption_once(&self, request: &CleanupConsumptionRequest) -> Result<Value> {
        let filter = CleanupFilter {
            period_from: request.period_from,
            period_to: request.period_to,
            resource_uuid: uuid_filter(&request.resource_uuid, "resource_uuid")?,
            only_finalized: request.only_finalized,
            only_unfinalized: request.only_unfinalized,
        };
        // The units' version rows first (of the months named, or all), then the records.
        let periods = match (request.period_from, request.period_to) {
            (Some(from), Some(to)) => Some(Period::range(from, to)?),
            _ => None,
        };
        let unit_rows = self.unit_rows(periods.as_deref()).await?;
        let records = self.arrow_records(Map::new()).await?;
        let plan = query::plan_cleanup(&records, &filter, request.dry_run)?;
        if !request.dry_run {
            let mut changeset = Changeset::new(Operation::CleanupConsumption.id(), self.now()?);
            let mut units = Vec::new();
            for record in records
                .iter()
                .filter(|r| plan.records_to_delete.contains(&r.uuid))
            {
                changeset.delete(format!("delete_consumption_record:{}", record.uuid), record);
                if let Some(row) = unit_rows.row(&record.unit()) {
                    changeset.touch_unit(row.unit.clone(), row.version);
                    units.push(row);
                }
            }
            // A deleted record changes who owns its unit: the unit's row moves.
            seal(&mut changeset, &units)?;
            self.commit(&changeset, false).await?;
        }
        Ok(plan.to_json())
    }

    pub async fn consumption_statistics(&self) -> Result<Value> {
        let records = self.arrow_records(Map::new()).await?;
        Ok(query::consumption_statistics(&records)?.to_json())
    }

    pub async fn consumption_status(&self) -> Result<Value> {
        let global = self.global_switch().await?;
        let settings = self.settings(None).await.ok();
        let records = self.arrow_records(Map::new()).await?;
        Ok(query::consumption_status(global.enabled, settings.as_ref(), &records).to_json())
    }

    /// pending_records: unfinalized records, newest first, paginated.
    pub async fn pending_records(
        &self,
        page: u32,
        page_size: u32,
        url: &str,
    ) -> Result<(Vec<Value>, query::Page)> {
        let records = self.arrow_records(Map::new()).await?;
        let lookup = self.lookup().await?;
        let pending = query::pending_records(&records);
        let (page, items) = page_of(&pending, page, page_size, url)?;
        let rows = items
            .iter()
            .map(|r| render_pending_record(r, &lookup))
            .collect();
        Ok((rows, page))
    }

    pub async fn list_consumption_records(
        &self,
        request: &ConsumptionRecordQuery,
        base_url: &str,
        url: &str,
    ) -> Result<(Vec<Value>, query::Page)> {
        let filter = RecordFilter {
            billing_period: request.billing_period,
            billing_period_from: request.billing_period_from,
            billing_period_to: request.billing_period_to,
            customer_uuid: uuid_filter(&request.customer_uuid, "customer_uuid")?,
            is_finalized: request.is_finalized,
            is_reconciled: request.is_reconciled,
            license_reference: request.license_reference.clone(),
            project_uuid: uuid_filter(&request.project_uuid, "project_uuid")?,
            resource: request.resource.clone(),
            resource_uuid: uuid_filter(&request.resource_uuid, "resource_uuid")?,
        };
        let records = self.arrow_records(Map::new()).await?;
        let lookup = self.lookup().await?;
        let selected = query::select_records(&records, &filter, &lookup);
        let (page, items) = page_of(&selected, request.page, request.page_size, url)?;
        let rows = items
            .iter()
            .map(|r| render_consumption_record(r, &lookup, base_url))
            .collect::<Result<Vec<_>>>()?;
        Ok((rows, page))
    }

    pub async fn retrieve_consumption_record(&self, uuid: &str, base_url: &str) -> Result<Value> {
        let record: ConsumptionRecord = self
            .get::<ConsumptionRecord>(uuid)
            .await?
            .filter(|r| r.vendor == VENDOR)
            .ok_or_else(|| Error::not_found(format!("consumption record {uuid}")))?;
        let lookup = self.lookup().await?;
        render_consumption_record(&record, &lookup, base_url)
    }
}
