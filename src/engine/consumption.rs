//! The ledger's operations every vendor shares, written once over [`Vendor`]: the consumption sync
//! (preliminary figures become records and provisional items) and the consumption reconciliation (final
//! figures become one compensation per difference). Each reads, plans and returns its changeset; the
//! vendor's operation commits it, and re-plans on a conflict.

use std::collections::BTreeMap;

use serde_json::{json, Map, Value};

use super::unowned::message_of;
use super::{Clock, Engine, HostReads, Progress, Store, Vendor};
use crate::error::{Error, Result};
use crate::ids::Uuid;
use crate::ledger::units::seal;
use crate::ledger::{
    plan_consumption_reconciliation, plan_consumption_sync, Changeset, ConsumptionRecord,
    ConsumptionSyncCounters, Hosts, Ownership, ReconciliationCounters, RecordOutcome, RecordOwner,
    Resource, ResourceConsumption, SourceKey, UnitKey,
};
use crate::period::Period;

/// What a consumption sync plans: one changeset, and each month's counters.
pub struct PlannedSync {
    pub changeset: Changeset,
    pub periods: Vec<(Period, ConsumptionSyncCounters)>,
}

/// What a consumption reconciliation plans.
pub struct PlannedReconciliation {
    pub changeset: Changeset,
    pub counters: ReconciliationCounters,
    pub outcomes: Vec<RecordOutcome>,
}

impl<S: Store, V: Vendor, C: Clock, P: Progress> Engine<S, V, C, P> {
    /// The vendor's consumption records matching `filters`.
    pub(crate) async fn records(
        &self,
        mut filters: Map<String, Value>,
    ) -> Result<Vec<ConsumptionRecord>> {
        filters.insert("vendor".into(), json!(V::NAME));
        self.scan_all(filters).await
    }

    /// The host's customers, projects and resources, with what stands in for the units the settings give
    /// an owner no resource names ([`Vendor::stand_ins`]).
    async fn hosts_for(&self, settings: &V::Settings) -> Result<Hosts> {
        let mut hosts = self.hosts().await?;
        for (project, resource) in V::stand_ins(settings, &hosts) {
            hosts.add_project(project);
            hosts.add_resource(resource);
        }
        Ok(hosts)
    }

    /// The customer and name of each resource, for billing a record's compensation.
    fn owners(hosts: &Hosts, records: &[ConsumptionRecord]) -> BTreeMap<Uuid, RecordOwner> {
        records
            .iter()
            .filter_map(|r| {
                let customer = hosts.customer_uuid_of_resource(&r.resource_uuid)?;
                let resource = hosts.resource(&r.resource_uuid);
                Some((
                    r.resource_uuid,
                    RecordOwner {
                        resource_name: resource.map(|x| x.name.clone()).unwrap_or_default(),
                        customer_uuid: *customer,
                        live: resource.is_some_and(Resource::is_live),
                    },
                ))
            })
            .collect()
    }

    /// `(operation, label)`: the operation id that names the changeset, and the name progress reports use.
    ///
    /// Plans the consumption sync of `periods` for every active resource of the vendor (or only `only`;
    /// with `history`, even if it is no longer active): the vendor's preliminary figures become records and
    /// provisional items. A resource whose project or customer is unknown cannot be billed: it is an error
    /// of its own, and the others are synced.
    pub async fn plan_vendor_consumption_sync(
        &self,
        (operation, label): (&str, &str),
        settings: &V::Settings,
        periods: &[Period],
        only: Option<&Uuid>,
        history: bool,
    ) -> Result<PlannedSync> {
        let ctx = self.plan_context(operation, settings)?;
        let hosts = self.hosts_for(settings).await?;
        if let Some(uuid) = only {
            if hosts.resource(uuid).is_none() {
                return Err(Error::not_found(format!("resource {uuid}")));
            }
        }
        // A unit is synced whole: one resource named brings the other active resources of its unit.
        let unit_of_only = only.and_then(|u| hosts.resource(u)).and_then(V::source_ref);
        let (resources, unbillable): (Vec<Resource>, Vec<Resource>) = hosts
            .resources()
            .filter(|r| V::source_ref(r).is_some() && (history || r.is_active()))
            .filter(|r| {
                only.is_none_or(|u| {
                    &r.uuid == u
                        || (r.is_active()
                            && V::source_ref(r).is_some_and(|s| Some(s) == unit_of_only))
                })
            })
            .cloned()
            .partition(|r| hosts.customer_uuid_of_resource(&r.uuid).is_some());
        let total = u64::try_from(periods.len()).unwrap_or(u64::MAX);
        let mut consumptions = Vec::new();
        for (done, period) in (1u64..).zip(periods) {
            let report = |d: u64, t: u64, message: String| self.report(label, d, t, message);
            let preliminary = self
                .vendor
                .preliminary(settings, *period, &resources, &report)
                .await?;
            self.report(
                operation,
                done,
                total,
                format!("preliminary figures of {period}"),
            );
            consumptions.push((*period, preliminary));
        }

        // The units' version rows first, then everything the plan decides from.
        let unit_rows = self.unit_rows(Some(periods)).await?;
        let mut filters = Map::new();
        filters.insert("billing_period".into(), json!(periods));
        let records = self.records(filters).await?;
        let keys: Vec<SourceKey> = consumptions
            .iter()
            .flat_map(|(period, figures)| {
                figures.iter().filter_map(|f| {
                    let resource = f.resource_uuid?;
                    Some(SourceKey::of_record(
                        resource.as_str(),
                        *period,
                        &f.source_ref,
                    ))
                })
            })
            .collect();
        let units: Vec<UnitKey> = consumptions
            .iter()
            .flat_map(|(period, figures)| {
                figures
                    .iter()
                    .map(|f| SourceKey::unit(*period, &f.source_ref))
            })
            .collect();
        let billing = self.billing_for_units(&units, keys, &unit_rows).await?;

        let mut changeset = Changeset::new(operation, ctx.as_of);
        let mut out = Vec::new();
        for (period, figures) in consumptions {
            let untaken = Self::unowned_preliminary(&ctx, &figures, &hosts);
            let per_resource: Vec<ResourceConsumption> = figures
                .into_iter()
                .filter_map(|f| {
                    let resource_uuid = f.resource_uuid?;
                    let resource = hosts.resource(&resource_uuid)?.clone();
                    let customer_uuid = *hosts.customer_uuid_of_resource(&resource_uuid)?;
                    Some(ResourceConsumption {
                        resource,
                        customer_uuid,
                        source_ref: f.source_ref,
                        sell: f.sell,
                        buy: f.buy,
                        currency: f.currency,
                        lines: f.lines,
                        raw_data: f.raw_data,
                        evidence: f.evidence,
                    })
                })
                .collect();
            let (planned, mut counters) =
                plan_consumption_sync(&ctx, period, &per_resource, &records, &billing)?;
            for resource in &unbillable {
                counters.errors += 1;
                counters.error_details.push(json!({
                    "resource_uuid": resource.uuid,
                    ctx.policy.source_label: V::source_ref(resource),
                    "code": "not_found",
                    "error": format!("the project or customer of resource {} is not in the store", resource.uuid),
                }));
            }
            // A sync of one resource sees only its own figures: the month's unowned units are the whole
            // sync's to report.
            // A vendor with document lines reports what they leave from their own plans: its consumption
            // figures all belong to resources, so it keeps no set of this scope (and reads none).
            if only.is_none() && !(V::DOCUMENT_LINES && untaken.is_empty()) {
                let unowned = self
                    .plan_unowned_figures(&ctx, label, period, false, untaken, &mut changeset)
                    .await?;
                counters.unowned = u64::try_from(unowned.len()).unwrap_or(u64::MAX);
                counters.error_details.extend(unowned);
            }
            let unowned = Some(Value::from(crate::ledger::UNOWNED));
            for detail in counters
                .error_details
                .iter()
                .filter(|d| d.get("code") != unowned.as_ref())
            {
                self.report(label, counters.errors, counters.errors, message_of(detail));
            }
            changeset.extend(planned);
            out.push((period, counters));
        }
        seal(&mut changeset, &billing.units)?;
        HostReads::of_resources(&hosts, resources.iter().map(|r| &r.uuid)).check(&mut changeset);
        Ok(PlannedSync {
            changeset,
            periods: out,
        })
    }

    /// Plans the consumption reconciliation of `period`: the vendor's final figures against what the
    /// invoices bill for each record. None while the vendor has not closed the month.
    pub async fn plan_vendor_reconciliation(
        &self,
        (operation, label): (&str, &str),
        settings: &V::Settings,
        period: Period,
        force: bool,
    ) -> Result<Option<PlannedReconciliation>> {
        let ctx = self.plan_context(operation, settings)?;
        let report = |d: u64, t: u64, message: String| self.report(label, d, t, message);
        let Some(finals) = self.vendor.finals(settings, period, &report).await? else {
            return Ok(None);
        };
        // The units' version rows first, then everything the plan decides from.
        let unit_rows = self.unit_rows(Some(&[period])).await?;
        let mut filters = Map::new();
        filters.insert("billing_period".into(), json!(period));
        let records = self.records(filters).await?;
        let hosts = self.hosts_for(settings).await?;
        let owners = Self::owners(&hosts, &records);
        let keys: Vec<SourceKey> = records.iter().map(|r| r.key().natural_key()).collect();
        // The units of the vendor's finals too: a record created for one of them since is a conflict.
        let mut units: Vec<UnitKey> = records.iter().map(ConsumptionRecord::unit).collect();
        units.extend(
            finals
                .iter()
                .filter(|f| f.is_for(period))
                .map(|f| SourceKey::unit(period, &f.source_ref)),
        );
        let billing = self.billing_for_units(&units, keys, &unit_rows).await?;
        let total = u64::try_from(records.len()).unwrap_or(u64::MAX);
        self.report(label, 0, total, "reconciling records");
        let (mut changeset, mut counters, outcomes) = plan_consumption_reconciliation(
            &ctx, period, force, &records, &owners, &finals, &billing,
        )?;
        for detail in &counters.error_details {
            self.report(label, counters.errors, counters.errors, message_of(detail));
        }
        let of_period = records.iter().filter(|r| r.billing_period == period);
        let ownership = Ownership::new(of_period, |r| owners.get(r).is_some_and(|o| o.live));
        let untaken = Self::unowned_finals(&ctx, period, &finals, &ownership, &hosts);
        if !V::DOCUMENT_LINES {
            let unowned = self
                .plan_unowned_figures(&ctx, label, period, true, untaken, &mut changeset)
                .await?;
            counters.unowned = u64::try_from(unowned.len()).unwrap_or(u64::MAX);
            counters.error_details.extend(unowned);
        }
        seal(&mut changeset, &billing.units)?;
        HostReads::of_resources(&hosts, records.iter().map(|r| &r.resource_uuid))
            .check(&mut changeset);
        self.report(label, total, total, "reconciled");
        Ok(Some(PlannedReconciliation {
            changeset,
            counters,
            outcomes,
        }))
    }
}
