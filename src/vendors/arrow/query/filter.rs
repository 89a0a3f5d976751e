//! The list filters of seeds 000 and 001, and the one total order each list is served in.
//!
//! Filters are plain typed structs: request validation turns query strings into them, so a value that does
//! not parse is a 400 there, never a silent "match everything" here. Every set field narrows the result
//! (AND), as django-filter does.

use std::cmp::Ordering;

use chrono::NaiveDate;

use crate::ids::Uuid;
use crate::period::Period;
use crate::vendors::arrow::records::{
    ArrowState, BillingSync, ConsumptionRecord, Lookup, SyncState,
};

/// Filters of GET /api/admin/arrow/consumption-records/.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RecordFilter {
    /// Exact date; only a first-of-month date can match, as billing_period is always the 1st.
    pub billing_period: Option<NaiveDate>,
    /// Inclusive lower bound on the billing_period date.
    pub billing_period_from: Option<NaiveDate>,
    /// Inclusive upper bound on the billing_period date.
    pub billing_period_to: Option<NaiveDate>,
    /// Owner of the record's resource (resource → project → customer).
    pub customer_uuid: Option<Uuid>,
    pub is_finalized: Option<bool>,
    pub is_reconciled: Option<bool>,
    /// Case-insensitive substring (Django's `icontains`).
    pub license_reference: Option<String>,
    /// Project of the record's resource.
    pub project_uuid: Option<Uuid>,
    /// A resource URL; matched by the uuid in its last path segment.
    pub resource: Option<String>,
    pub resource_uuid: Option<Uuid>,
}

/// Filters of GET /api/admin/arrow/billing-syncs/ (and pending_records, which shares the filter set).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SyncFilter {
    pub arrow_state: Option<ArrowState>,
    /// A customer-mapping URL or a bare uuid.
    pub customer_mapping: Option<String>,
    pub customer_mapping_uuid: Option<Uuid>,
    pub report_period: Option<Period>,
    /// Inclusive.
    pub report_period_from: Option<Period>,
    /// Inclusive.
    pub report_period_to: Option<Period>,
    pub settings_uuid: Option<Uuid>,
    pub state: Option<SyncState>,
    /// Exact, case-sensitive: statement ids are Arrow's identifiers.
    pub statement_reference: Option<String>,
}

/// The uuid a hyperlinked filter value names: a bare uuid, or a URL whose last path segment is one
/// ("https://h/api/marketplace-resources/<uuid>/?x=1"). None when there is none.
pub fn uuid_from_uri(value: &str) -> Option<Uuid> {
    let value = value.trim();
    if let Some(u) = Uuid::parse(value) {
        return Some(u);
    }
    let path = value.split(['?', '#']).next().unwrap_or("");
    let segment = path.trim_end_matches('/').rsplit('/').next()?;
    Uuid::parse(segment)
}

/// Does `value` name `expected`? A value that names no uuid matches nothing, like a queryset filtered on a
/// pk that does not exist.
fn names(value: &Option<String>, expected: &Uuid) -> bool {
    match value {
        None => true,
        Some(v) => uuid_from_uri(v).as_ref() == Some(expected),
    }
}

fn eq_opt<T: PartialEq>(want: &Option<T>, have: &T) -> bool {
    want.as_ref().is_none_or(|w| w == have)
}

fn contains_ignore_case(haystack: &str, needle: &str) -> bool {
    haystack.to_lowercase().contains(&needle.to_lowercase())
}

impl RecordFilter {
    pub fn matches(&self, record: &ConsumptionRecord, lookup: &Lookup) -> bool {
        let date = record.billing_period.first_day();
        let project = lookup.project_of_resource(&record.resource_uuid);
        eq_opt(&self.billing_period, &date)
            && self.billing_period_from.is_none_or(|from| date >= from)
            && self.billing_period_to.is_none_or(|to| date <= to)
            && self
                .customer_uuid
                .as_ref()
                .is_none_or(|c| project.is_some_and(|p| &p.customer_uuid == c))
            && self
                .project_uuid
                .as_ref()
                .is_none_or(|want| project.is_some_and(|p| &p.uuid == want))
            && eq_opt(&self.is_finalized, &record.is_finalized())
            && eq_opt(&self.is_reconciled, &record.is_reconciled())
            && self
                .license_reference
                .as_deref()
                .is_none_or(|l| contains_ignore_case(&record.source_ref, l))
            && names(&self.resource, &record.resource_uuid)
            && eq_opt(&self.resource_uuid, &record.resource_uuid)
    }
}

impl SyncFilter {
    pub fn matches(&self, sync: &BillingSync) -> bool {
        let period = sync.report_period;
        eq_opt(&self.arrow_state, &sync.arrow_state)
            && names(&self.customer_mapping, &sync.customer_mapping_uuid)
            && eq_opt(&self.customer_mapping_uuid, &sync.customer_mapping_uuid)
            && eq_opt(&self.report_period, &period)
            && self.report_period_from.is_none_or(|from| period >= from)
            && self.report_period_to.is_none_or(|to| period <= to)
            && eq_opt(&self.settings_uuid, &sync.settings_uuid)
            && eq_opt(&self.state, &sync.state)
            && eq_opt(&self.statement_reference, &sync.statement_reference)
    }
}

/// The order of the consumption-records list: billing_period newest first, then created newest first, then
/// uuid ascending. Uuids are unique, so this is total and a page boundary never depends on the store.
pub fn record_order(a: &ConsumptionRecord, b: &ConsumptionRecord) -> Ordering {
    b.billing_period
        .cmp(&a.billing_period)
        .then_with(|| b.created.cmp(&a.created))
        .then_with(|| a.uuid.cmp(&b.uuid))
}

/// The order of pending_records: billing_period newest first, then last_sync_at newest first (never-synced
/// records last within their month), then uuid ascending.
pub fn pending_order(a: &ConsumptionRecord, b: &ConsumptionRecord) -> Ordering {
    b.billing_period
        .cmp(&a.billing_period)
        // Option orders None first; reversed, None comes last.
        .then_with(|| b.last_sync_at.cmp(&a.last_sync_at))
        .then_with(|| a.uuid.cmp(&b.uuid))
}

/// The order of the billing-syncs list: report_period newest first, then statement_reference ascending,
/// then uuid ascending.
pub fn sync_order(a: &BillingSync, b: &BillingSync) -> Ordering {
    b.report_period
        .cmp(&a.report_period)
        .then_with(|| a.statement_reference.cmp(&b.statement_reference))
        .then_with(|| a.uuid.cmp(&b.uuid))
}

/// The records matching `filter`, in [`record_order`].
pub fn select_records<'a>(
    records: &'a [ConsumptionRecord],
    filter: &RecordFilter,
    lookup: &Lookup,
) -> Vec<&'a ConsumptionRecord> {
    let mut out: Vec<&ConsumptionRecord> = records
        .iter()
        .filter(|r| filter.matches(r, lookup))
        .collect();
    crate::sort::sort_by(&mut out, |a, b| record_order(a, b));
    out
}

/// The syncs matching `filter`, in [`sync_order`].
pub fn select_syncs<'a>(syncs: &'a [BillingSync], filter: &SyncFilter) -> Vec<&'a BillingSync> {
    let mut out: Vec<&BillingSync> = syncs.iter().filter(|s| filter.matches(s)).collect();
    crate::sort::sort_by(&mut out, |a, b| sync_order(a, b));
    out
}
