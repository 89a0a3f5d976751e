//! Soracom's operations on the engine: the ledger's consumption sync and reconciliation read through
//! Soracom, the daily-against-monthly check, the records, and the host's customers' bills.

use serde_json::{json, Map, Value};

use super::port::SoracomApi;
use super::records::{
    billing_history, daily_bills, latest_bill, monthly_bill, render_record, statistics,
};
use super::responses::{month_reconciled, MonthNotClosed, SoracomConsumptionStatus};
use super::settings::subscriber_of;
use super::validate::{MonthRequest, Operation, PathRequest, RecordQuery};
use super::{explain_daily_against_monthly, parse_daily_bills, parse_daily_bills_value, Soracom};
use crate::engine::{outcome, page_of, Clock, Engine, Payload, Progress, Store};
use crate::error::{Error, Result};
use crate::ids::Uuid;
use crate::ledger::ConsumptionRecord;
use crate::rest::page::Page;

impl<S: Store, B: SoracomApi, C: Clock, P: Progress> Engine<S, Soracom<B>, C, P> {
    /// trigger_consumption_sync: the month's bill as it stands becomes provisional charges, per SIM or
    /// device from the billing CSV (or the account's total).
    pub async fn trigger_consumption_sync(&self, request: &MonthRequest) -> Result<Value> {
        self.check_billable(request.period, "month")?;
        let op = Operation::TriggerConsumptionSync;
        self.with_retries(op.label(), async || {
            let settings = self.settings(request.settings_uuid.as_deref()).await?;
            let only = request
                .resource_uuid
                .as_deref()
                .map(|u| Uuid::parse_field(u, "resource_uuid"))
                .transpose()?;
            let mut planned = self
                .plan_vendor_consumption_sync(
                    (op.id(), op.label()),
                    &settings,
                    &[request.period],
                    only.as_ref(),
                    false,
                )
                .await?;
            let counters = planned.periods.pop().map(|(_, c)| c).unwrap_or_default();
            let report = self.commit(&planned.changeset, request.dry_run).await?;
            Ok(outcome(
                json!(counters),
                &planned.changeset,
                request.dry_run,
                report,
            ))
        })
        .await
    }

    /// trigger_reconciliation: once Soracom has closed the month, its final figures; one compensation per
    /// difference. A month not closed yet reconciles nothing and says so.
    pub async fn trigger_reconciliation(&self, request: &MonthRequest) -> Result<Value> {
        self.check_billable(request.period, "month")?;
        let op = Operation::TriggerReconciliation;
        self.with_retries(op.label(), async || {
            let settings = self.settings(request.settings_uuid.as_deref()).await?;
            let Some(planned) = self
                .plan_vendor_reconciliation(
                    (op.id(), op.label()),
                    &settings,
                    request.period,
                    request.force,
                )
                .await?
            else {
                return Ok(json!(MonthNotClosed {
                    month_closed: false,
                    reconciled: 0,
                    detail: format!(
                        "Soracom has not closed {} yet: nothing is final to reconcile.",
                        request.period.compact()
                    ),
                }));
            };
            let report = self.commit(&planned.changeset, request.dry_run).await?;
            Ok(month_reconciled(outcome(
                json!(planned.counters),
                &planned.changeset,
                request.dry_run,
                report,
            )))
        })
        .await
    }

    /// daily_check: the month's daily bills against its monthly bill, explained (monthly-basis fees are
    /// not in the days; Soracom rounds up per line) rather than flagged.
    pub async fn daily_check(&self, request: &MonthRequest) -> Result<Value> {
        self.check_billable(request.period, "month")?;
        let settings = self.settings(request.settings_uuid.as_deref()).await?;
        let bill = self
            .vendor
            .bill(&settings, request.period)
            .await?
            .ok_or_else(|| {
                Error::not_found(format!("Soracom's bill of {}", request.period.compact()))
            })?;
        let days = match self.vendor.api.get_billing_per_day(request.period).await? {
            Some(Payload::Text(text)) => parse_daily_bills(&text, settings.currency)?,
            Some(Payload::Json(value)) => parse_daily_bills_value(&value, settings.currency)?,
            None => {
                return Err(Error::not_found(format!(
                    "Soracom's daily bills of {}",
                    request.period.compact()
                )))
            }
        };
        let explanation = explain_daily_against_monthly(&days, &bill)?;
        serde_json::to_value(&explanation).map_err(|e| Error::InvalidPayload {
            payload: "daily check".into(),
            offset: 0,
            reason: e.to_string(),
        })
    }

    pub async fn soracom_statistics(&self) -> Result<Value> {
        statistics(&self.records(Map::new()).await?)
    }

    pub async fn soracom_status(&self) -> Result<Value> {
        let global = self.global_switch().await?;
        let settings = self.settings(None).await.ok();
        let records = self.records(Map::new()).await?;
        Ok(json!(SoracomConsumptionStatus {
            global_sync_enabled: global.enabled,
            settings_uuid: settings.as_ref().map(|s| s.uuid),
            sync_enabled: global.enabled && settings.as_ref().is_some_and(|s| s.sync_enabled),
            current_period: self.current_period()?,
            latest_period: records.iter().map(|r| r.billing_period).max(),
            pending_records: records.iter().filter(|r| !r.is_finalized()).count(),
            last_sync_at: records.iter().filter_map(|r| r.last_sync_at).max(),
        }))
    }

    pub async fn soracom_records(
        &self,
        query: &RecordQuery,
        base_url: &str,
        url: &str,
    ) -> Result<(Vec<Value>, Page)> {
        let mut filters = Map::new();
        if let Some(p) = query.billing_period {
            filters.insert("billing_period".into(), json!(p));
        }
        if let Some(r) = &query.resource_uuid {
            filters.insert("resource_uuid".into(), json!(r));
        }
        if let Some(s) = &query.subscriber {
            filters.insert("source_ref".into(), json!(s));
        }
        let mut records = self.records(filters).await?;
        records.retain(|r| {
            query.is_finalized.is_none_or(|f| r.is_finalized() == f)
                && query.is_reconciled.is_none_or(|f| r.is_reconciled() == f)
        });
        // Newest month first, then by uuid: a total order, so pages are stable.
        crate::sort::sort_by(&mut records, |a, b| {
            b.billing_period
                .cmp(&a.billing_period)
                .then_with(|| a.uuid.cmp(&b.uuid))
        });
        let hosts = self.hosts().await?;
        let (page, items) = page_of(&records, query.page, query.page_size, url)?;
        let rows = items
            .iter()
            .map(|r| render_record(r, &hosts, base_url))
            .collect();
        Ok((rows, page))
    }

    pub async fn soracom_record(&self, uuid: &str, base_url: &str) -> Result<Value> {
        let record = self
            .get::<ConsumptionRecord>(uuid)
            .await?
            .filter(|r| r.vendor == super::VENDOR)
            .ok_or_else(|| Error::not_found(format!("consumption record {uuid}")))?;
        let hosts = self.hosts().await?;
        Ok(render_record(&record, &hosts, base_url))
    }

    /// The Soracom records of a host customer's resources.
    async fn customer_records(&self, customer: &str) -> Result<Vec<ConsumptionRecord>> {
        let customer = Uuid::parse_field(customer, "uuid")?;
        let hosts = self.hosts().await?;
        if hosts.customer(&customer).is_none() {
            return Err(Error::not_found(format!("customer {customer}")));
        }
        let resources: Vec<Value> = hosts
            .resources()
            .filter(|r| subscriber_of(r).is_some())
            .filter(|r| hosts.customer_uuid_of_resource(&r.uuid) == Some(&customer))
            .map(|r| json!(r.uuid))
            .collect();
        if resources.is_empty() {
            return Ok(Vec::new());
        }
        let mut filters = Map::new();
        filters.insert("resource_uuid".into(), Value::Array(resources));
        self.records(filters).await
    }

    /// `monthlyBill(customerUuid, "yyyyMM")`.
    pub async fn customer_monthly_bill(&self, request: &PathRequest) -> Result<Value> {
        let month = request
            .month
            .ok_or_else(|| Error::field("yyyyMM", "This field is required."))?;
        let records = self.customer_records(&request.uuid).await?;
        monthly_bill(&records.iter().collect::<Vec<_>>(), month)?
            .map(|bill| json!(bill))
            .ok_or_else(|| Error::not_found(format!("bill of {}", month.compact())))
    }

    /// `latestBill(customerUuid)`.
    pub async fn customer_latest_bill(&self, request: &PathRequest) -> Result<Value> {
        let records = self.customer_records(&request.uuid).await?;
        latest_bill(&records.iter().collect::<Vec<_>>())?
            .map(|bill| json!(bill))
            .ok_or_else(|| Error::not_found("latest bill"))
    }

    /// `dailyBills(customerUuid, "yyyyMM")`.
    pub async fn customer_daily_bills(&self, request: &PathRequest) -> Result<Value> {
        let month = request
            .month
            .ok_or_else(|| Error::field("yyyyMM", "This field is required."))?;
        let records = self.customer_records(&request.uuid).await?;
        Ok(json!(daily_bills(
            &records.iter().collect::<Vec<_>>(),
            month
        )?))
    }

    /// `billingHistory(customerUuid)`.
    pub async fn customer_billing_history(&self, request: &PathRequest) -> Result<Value> {
        let records = self.customer_records(&request.uuid).await?;
        Ok(json!(billing_history(&records.iter().collect::<Vec<_>>())?))
    }
}
