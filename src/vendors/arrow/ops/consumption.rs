//! Operations on consumption: syncing it, reconciling it, reading and cleaning up its records.

use std::collections::BTreeMap;

use serde_json::{json, Map, Value};

use crate::engine::{outcome, page_of, ArrowApi, Clock, Engine, Payload, Progress, Store};
use crate::error::{Error, Result};
use crate::ids::Uuid;
use crate::ledger::changeset::Changeset;
use crate::ledger::plan_consumption_reconciliation;
use crate::ledger::plan_consumption_sync;
use crate::ledger::PlanContext;
use crate::ledger::RecordOwner;
use crate::ledger::ResourceConsumption;
use crate::ledger::SourceKey;
use crate::period::Period;
use crate::vendors::arrow::aggregate::{AggregateOptions, ConsumptionAggregator, ConsumptionTag};
use crate::vendors::arrow::line::BilledLine;
use crate::vendors::arrow::query::{self, CleanupFilter, RecordFilter};
use crate::vendors::arrow::records::{
    render_consumption_record, render_pending_record, ArrowSettings, ConsumptionRecord, Lookup,
    Resource,
};
use crate::vendors::arrow::settings::license_of;
use crate::vendors::arrow::validate::{
    CleanupConsumptionRequest, ConsumptionRecordQuery, ConsumptionSyncRequest,
    HistoricalConsumptionRequest, ReconciliationRequest,
};
use crate::vendors::arrow::VENDOR;

fn uuid_filter(value: &Option<String>, field: &str) -> Result<Option<Uuid>> {
    value
        .as_deref()
        .map(|v| Uuid::parse_field(v, field))
        .transpose()
}

impl<S: Store, A: ArrowApi, C: Clock, P: Progress> Engine<S, A, C, P> {
    /// Records of a period, for some resources or all.
    pub(crate) async fn records_of(
        &self,
        period: Period,
        resource: Option<&Uuid>,
    ) -> Result<Vec<ConsumptionRecord>> {
        let mut filters = Map::new();
        filters.insert("billing_period".into(), json!(period));
        if let Some(r) = resource {
            filters.insert("resource_uuid".into(), json!(r));
        }
        self.arrow_records(filters).await
    }

    /// Arrow's consumption records matching `filters`.
    pub(crate) async fn arrow_records(
        &self,
        mut filters: Map<String, Value>,
    ) -> Result<Vec<ConsumptionRecord>> {
        filters.insert("vendor".into(), json!(VENDOR));
        self.scan_all(filters).await
    }

    /// Fetches and sums each resource's consumption for `periods` (one call per resource and month).
    pub(crate) async fn consumption(
        &self,
        settings: &ArrowSettings,
        ctx: &PlanContext,
        resources: &[Resource],
        periods: &[Period],
        lookup: &Lookup,
        operation: &str,
    ) -> Result<BTreeMap<Period, Vec<ResourceConsumption>>> {
        let mut aggregator = ConsumptionAggregator::new(AggregateOptions {
            currency: Some(settings.currency.unwrap_or_else(|| ctx.default_currency())),
        });
        let total =
            u64::try_from(resources.len().saturating_mul(periods.len())).unwrap_or(u64::MAX);
        let mut done = 0;
        let mut lines_of: BTreeMap<(Uuid, Period), u64> = BTreeMap::new();
        for resource in resources {
            let Some(license) = license_of(resource) else {
                continue;
            };
            for period in periods {
                let tag = ConsumptionTag {
                    resource_uuid: resource.uuid.to_string(),
                    license_reference: license.to_owned(),
                    period: Some(*period),
                };
                let lines = match self.arrow.consumption(license, *period, *period).await? {
                    Payload::Text(text) => aggregator.push(&tag, &text)?,
                    Payload::Json(value) => aggregator.push_value(&tag, &value)?,
                };
                lines_of.insert((resource.uuid.clone(), *period), lines);
                done += 1;
                self.report(
                    operation,
                    done,
                    total,
                    format!("consumption of {license} for {period}"),
                );
            }
        }
        let rows = aggregator.finish();
        let by_key: BTreeMap<
            (&str, &str, Period),
            &crate::vendors::arrow::aggregate::AggregateRow,
        > = rows
            .iter()
            .map(|r| {
                (
                    (
                        r.resource_uuid.as_str(),
                        r.license_reference.as_str(),
                        r.billing_period,
                    ),
                    r,
                )
            })
            .collect();
        let mut out: BTreeMap<Period, Vec<ResourceConsumption>> = BTreeMap::new();
        for resource in resources {
            let Some(license) = license_of(resource) else {
                continue;
            };
            let customer_uuid = lookup
                .customer_uuid_of_resource(&resource.uuid)
                .cloned()
                .ok_or_else(|| {
                    Error::not_found(format!("the customer of resource {}", resource.uuid))
                })?;
            for period in periods {
                let row = by_key
                    .get(&(resource.uuid.as_str(), license, *period))
                    .copied();
                let lines = lines_of
                    .get(&(resource.uuid.clone(), *period))
                    .copied()
                    .unwrap_or(0);
                out.entry(*period).or_default().push(ResourceConsumption {
                    resource: resource.clone(),
                    customer_uuid: customer_uuid.clone(),
                    source_ref: license.to_owned(),
                    sell: row.map(|r| r.consumed_sell).unwrap_or_default(),
                    buy: row.map(|r| r.consumed_buy).unwrap_or_default(),
                    currency: row.map(|r| r.currency),
                    lines: row.map(|r| r.lines).unwrap_or(lines),
                    raw_data: json!({ "source": "arrow consumption", "period": period, "lines": lines }),
                });
            }
        }
        Ok(out)
    }

    /// trigger_consumption_sync: provisional charges from the month's preliminary consumption.
    pub async fn trigger_consumption_sync(
        &self,
        request: &ConsumptionSyncRequest,
        dry_run: bool,
    ) -> Result<Value> {
        self.with_retries("trigger_consumption_sync", async || {
            self.trigger_consumption_sync_once(request, dry_run).await
        })
        .await
    }

    async fn trigger_consumption_sync_once(
        &self,
        request: &ConsumptionSyncRequest,
        dry_run: bool,
    ) -> Result<Value> {
        const OP: &str = "trigger_consumption_sync";
        let settings = self.settings(request.settings_uuid.as_deref()).await?;
        let ctx = self.plan_context(
            "admin_arrow_billing_syncs_trigger_consumption_sync",
            &settings,
        )?;
        let lookup = self.lookup().await?;
        let only = uuid_filter(&request.resource_uuid, "resource_uuid")?;
        if let Some(uuid) = &only {
            if lookup.resource(uuid).is_none() {
                return Err(Error::not_found(format!("resource {uuid}")));
            }
        }
        // A resource whose project or customer is unknown cannot be billed: it is an error of its own, and
        // the others are synced.
        let (resources, unbillable): (Vec<Resource>, Vec<Resource>) = lookup
            .resources()
            .filter(|r| r.is_active() && license_of(r).is_some())
            .filter(|r| only.as_ref().is_none_or(|u| &r.uuid == u))
            .cloned()
            .partition(|r| lookup.customer_uuid_of_resource(&r.uuid).is_some());
        let consumptions = self
            .consumption(&settings, &ctx, &resources, &[request.period], &lookup, OP)
            .await?
            .remove(&request.period)
            .unwrap_or_default();
        let records = self.records_of(request.period, only.as_ref()).await?;
        let keys: Vec<SourceKey> = consumptions
            .iter()
            .map(|c| SourceKey::of_record(c.resource.uuid.as_str(), request.period, &c.source_ref))
            .collect();
        let billing = self.billing_for(&keys).await?;
        let (changeset, mut counters) =
            plan_consumption_sync(&ctx, request.period, &consumptions, &records, &billing)?;
        for resource in &unbillable {
            counters.errors += 1;
            counters.error_details.push(json!({
                "resource_uuid": resource.uuid,
                "license_reference": license_of(resource),
                "code": "not_found",
                "error": format!("the project or customer of resource {} is not in the store", resource.uuid),
            }));
        }
        let report = self.commit(&changeset, dry_run).await?;
        Ok(outcome(json!(counters), &changeset, dry_run, report))
    }

    /// trigger_reconciliation: final figures from the export, one compensation per difference.
    pub async fn trigger_reconciliation(
        &self,
        request: &ReconciliationRequest,
        dry_run: bool,
    ) -> Result<Value> {
        self.with_retries("trigger_reconciliation", async || {
            self.trigger_reconciliation_once(request, dry_run).await
        })
        .await
    }

    async fn trigger_reconciliation_once(
        &self,
        request: &ReconciliationRequest,
        dry_run: bool,
    ) -> Result<Value> {
        const OP: &str = "trigger_reconciliation";
        let settings = self.settings(request.settings_uuid.as_deref()).await?;
        let ctx = self.plan_context(
            "admin_arrow_billing_syncs_trigger_reconciliation",
            &settings,
        )?;
        let lines = self.billed_lines(&settings, request.period, OP).await?;
        let records = self.records_of(request.period, None).await?;
        let lookup = self.lookup().await?;
        let owners: BTreeMap<Uuid, RecordOwner> = records
            .iter()
            .filter_map(|r| {
                let customer = lookup.customer_uuid_of_resource(&r.resource_uuid)?;
                let name = lookup
                    .resource(&r.resource_uuid)
                    .map(|x| x.name.clone())
                    .unwrap_or_default();
                Some((
                    r.resource_uuid.clone(),
                    RecordOwner {
                        resource_name: name,
                        customer_uuid: customer.clone(),
                    },
                ))
            })
            .collect();
        let keys: Vec<SourceKey> = records.iter().map(|r| r.key().natural_key()).collect();
        let billing = self.billing_for(&keys).await?;
        self.report(OP, 0, records.len() as u64, "reconciling records");
        let (changeset, counters, _) = plan_consumption_reconciliation(
            &ctx,
            request.period,
            request.force,
            &records,
            &owners,
            &lines
                .iter()
                .map(BilledLine::final_figure)
                .collect::<Vec<_>>(),
            &billing,
        )?;
        let report = self.commit(&changeset, dry_run).await?;
        self.report(OP, records.len() as u64, records.len() as u64, "reconciled");
        Ok(outcome(json!(counters), &changeset, dry_run, report))
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
        const OP: &str = "sync_resource_historical_consumption";
        let resource_uuid = Uuid::parse_field(&request.resource_uuid, "resource_uuid")?;
        let lookup = self.lookup().await?;
        let resource = lookup
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
            Some(p) => p,
            None => self.current_period()?,
        };
        let from = match request.period_from {
            Some(p) => p,
            None => Period::historical_consumption_default(to)?.0,
        };
        let periods = Period::range(from, to)?;
        let settings = self.settings(None).await?;
        let ctx = self.plan_context(
            crate::vendors::arrow::validate::Operation::SyncResourceHistoricalConsumption.id(),
            &settings,
        )?;
        let by_period = self
            .consumption(
                &settings,
                &ctx,
                std::slice::from_ref(&resource),
                &periods,
                &lookup,
                OP,
            )
            .await?;
        let mut records_filter = Map::new();
        records_filter.insert("resource_uuid".into(), json!(resource_uuid));
        let records: Vec<ConsumptionRecord> = self.arrow_records(records_filter).await?;
        let license = license_of(&resource).unwrap_or_default();
        let keys: Vec<SourceKey> = periods
            .iter()
            .map(|p| SourceKey::of_record(resource.uuid.as_str(), *p, license))
            .collect();
        let billing = self.billing_for(&keys).await?;
        let mut changeset = Changeset::new(
            crate::vendors::arrow::validate::Operation::SyncResourceHistoricalConsumption.id(),
            ctx.as_of,
        );
        let (mut synced, mut skipped, mut errors) = (0u64, 0u64, Vec::new());
        for (period, consumptions) in &by_period {
            let (planned, counters) =
                plan_consumption_sync(&ctx, *period, consumptions, &records, &billing)?;
            synced += counters.synced;
            skipped += counters.skipped_finalized;
            errors.extend(counters.error_details.into_iter().map(|mut e| {
                if let Some(o) = e.as_object_mut() {
                    o.insert("period".into(), json!(period));
                }
                e
            }));
            changeset.extend(planned);
        }
        let report = self.commit(&changeset, dry_run).await?;
        let body = json!({
            "resource_uuid": resource.uuid,
            "resource_name": resource.name,
            "periods_synced": synced,
            "periods_skipped": skipped,
            "errors": errors,
        });
        Ok(if dry_run {
            outcome(body, &changeset, true, report)
        } else {
            body
        })
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
        let records = self.arrow_records(Map::new()).await?;
        let plan = query::plan_cleanup(&records, &filter, request.dry_run)?;
        if !request.dry_run {
            let mut changeset = Changeset::new(
                crate::vendors::arrow::validate::Operation::CleanupConsumption.id(),
                self.now()?,
            );
            for record in records
                .iter()
                .filter(|r| plan.records_to_delete.contains(&r.uuid))
            {
                changeset.delete(format!("delete_consumption_record:{}", record.uuid), record);
            }
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
