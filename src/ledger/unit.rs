//! One owner per unit and month. A vendor unit's money for a month (a licence's, a SIM's) can reach the
//! invoices by two paths: its consumption records, or the lines of the vendor's final document that name
//! it. Exactly one path owns it:
//!
//! - **the records**, while at least one record of the unit belongs to a live resource (one that exists and
//!   is not terminated): they bill the unit's final amount, split across them ([`super::split`]);
//! - **the document lines** otherwise: a unit with no record, or whose every resource was deleted or
//!   terminated, is billed by its lines.
//!
//! What was billed is read from the ledger, never assumed from the world: every source of the unit (the
//! ledger's source rows name their unit) is looked at, and each source that does not own the unit is
//! brought back to zero by the plan that bills for the owner, with one compensation that names the owner
//! and why ([`net_off`]). So when the owner changes (a resource appears after the line was billed, a
//! resource is deleted after its consumption was billed), the new owner nets off what the old one billed,
//! and the unit's total stays the vendor's final amount.

use serde::Serialize;

use super::billed::Lookup;
use super::{
    compensation_item, compensation_name, BilledItems, Changeset, ConsumptionRecord, Details,
    Evidence, InvoiceItem, PlanContext, RecordKey, SourceKey, Trace, UnitKey,
};
use crate::error::Result;
use crate::ids::Uuid;
use crate::money::{Currency, Money, Rendered};
use crate::period::Period;

/// Which path bills a unit's money.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum UnitOwner {
    /// The unit's consumption records of live resources.
    Records,
    /// The lines of the vendor's final document.
    DocumentLines,
}

impl UnitOwner {
    pub fn label(self) -> &'static str {
        match self {
            UnitOwner::Records => "consumption_records",
            UnitOwner::DocumentLines => "document_lines",
        }
    }
}

/// The owning records of each unit, from the records of a month and which resources are live.
#[derive(Debug, Clone, Default)]
pub struct Ownership {
    owners: Lookup<UnitKey, Vec<(RecordKey, Uuid)>>,
}

impl ConsumptionRecord {
    /// The unit whose money this record bills (its source reference in its month).
    pub fn unit(&self) -> UnitKey {
        SourceKey::unit(self.billing_period, &self.source_ref)
    }
}

impl Ownership {
    /// `live(resource)`: whether the resource exists and is not terminated.
    pub fn new<'a>(
        records: impl IntoIterator<Item = &'a ConsumptionRecord>,
        live: impl Fn(&Uuid) -> bool,
    ) -> Ownership {
        let mut owners: Lookup<UnitKey, Vec<(RecordKey, Uuid)>> = Lookup::default();
        for record in records {
            if live(&record.resource_uuid) {
                owners
                    .entry(record.unit())
                    .or_default()
                    .push((record.key(), record.uuid));
            }
        }
        Ownership { owners }
    }

    pub fn owner(&self, unit: &UnitKey) -> UnitOwner {
        if self.owners.get(unit).is_some_and(|r| !r.is_empty()) {
            UnitOwner::Records
        } else {
            UnitOwner::DocumentLines
        }
    }

    pub fn owner_of(&self, period: Period, source_ref: &str) -> UnitOwner {
        self.owner(&SourceKey::unit(period, source_ref))
    }

    /// The ids of the records that own the unit (none when its document lines do).
    pub fn owning_records(&self, period: Period, source_ref: &str) -> Vec<Uuid> {
        self.owners
            .get(&SourceKey::unit(period, source_ref))
            .map(|r| r.iter().map(|(_, uuid)| *uuid).collect())
            .unwrap_or_default()
    }

    /// Whether `record`, of `unit`, owns it: [`Ownership::owns`] without building the record's keys.
    pub fn owns_record(&self, unit: &UnitKey, record: &ConsumptionRecord) -> bool {
        self.owners.get(unit).is_some_and(|r| {
            r.iter().any(|(k, _)| {
                k.resource_uuid == record.resource_uuid
                    && k.billing_period == record.billing_period
                    && k.source_ref == record.source_ref
            })
        })
    }

    pub fn owns(&self, key: &RecordKey) -> bool {
        self.owners
            .get(&SourceKey::unit(key.billing_period, &key.source_ref))
            .is_some_and(|r| r.iter().any(|(k, _)| k == key))
    }
}

/// Why a source is brought back to zero, for the compensation's details and name.
pub struct NetOff<'a> {
    pub owner: UnitOwner,
    pub reason: &'a str,
    /// What the compensation is named after (a resource, a line's description).
    pub what: &'a str,
    pub period: Period,
}

/// Brings `source_key`, a source that does not own `unit`, back to zero for every customer it billed: one
/// compensation of minus what its items bill each customer, on that customer's invoice, naming the owner
/// and why. Settles the source either way (the plan relied on what it bills). Returns the last
/// compensation, if one was needed. A held source is left alone ([`BilledItems::skip_held`]).
pub fn net_off(
    ctx: &PlanContext,
    items: &BilledItems<'_>,
    changeset: &mut Changeset,
    source_key: &SourceKey,
    unit: &UnitKey,
    currency: Currency,
    why: &NetOff<'_>,
) -> Result<Option<InvoiceItem>> {
    if items.skip_held(changeset, source_key) {
        return Ok(None);
    }
    let billed = items.billed(source_key, currency)?;
    let location = format!("net-off of {source_key}");
    let mut sequence = billed.compensations;
    let mut made = Vec::new();
    // A net-off reads no vendor line: it takes back what the ledger's items billed.
    let trace = Trace::of(ctx, &Evidence::default());
    for customer in items.customers_of(source_key) {
        let billed_to = items.billed_to(source_key, customer, currency)?;
        if !ctx.is_billable(billed_to.total.amount) {
            continue;
        }
        sequence += 1;
        let difference = Money::zero(currency).checked_sub(billed_to.total, &location)?;
        made.push(compensation_item(
            ctx,
            items.compensation_kind(source_key),
            source_key,
            sequence,
            customer,
            None,
            compensation_name(
                &ctx.policy.item_prefix,
                why.what,
                why.period,
                difference.amount,
            ),
            difference,
            Details::of_fields_traced(
                &[
                    ("unit", unit),
                    ("owner", &why.owner.label()),
                    ("reason", &why.reason),
                    ("billed_before", &Rendered(billed_to.total.amount)),
                ],
                &trace,
            )?,
        )?);
    }
    let written: Vec<&InvoiceItem> = made.iter().map(|(_, item)| item).collect();
    items.settle(changeset, source_key, Some(unit), currency, &written)?;
    let last = made.last().map(|(_, item)| item.clone());
    for (key, item) in &made {
        changeset.create(key.clone(), item)?;
    }
    Ok(last)
}
