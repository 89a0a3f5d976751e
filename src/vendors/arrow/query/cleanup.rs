//! What cleanup_consumption would delete, and its seed response.
//!
//! Only the plan is made here; deleting goes through the changeset like every other write. The invoice and
//! compensation items a deleted record points at are counted, not deleted: money billed stays billed, and a
//! re-sync finds those items again by their source key (defect 5).

use serde::Serialize;
use serde_json::{json, Value};

use crate::error::{Error, Result, NON_FIELD_ERRORS};
use crate::ids::Uuid;
use crate::period::Period;
use crate::vendors::arrow::records::ConsumptionRecord;

use super::filter::record_order;

/// The body of cleanup_consumption, minus dry_run.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CleanupFilter {
    /// Inclusive.
    pub period_from: Option<Period>,
    /// Inclusive.
    pub period_to: Option<Period>,
    pub resource_uuid: Option<Uuid>,
    pub only_finalized: bool,
    pub only_unfinalized: bool,
}

impl CleanupFilter {
    pub fn matches(&self, record: &ConsumptionRecord) -> bool {
        let period = record.billing_period;
        self.period_from.is_none_or(|from| period >= from)
            && self.period_to.is_none_or(|to| period <= to)
            && self
                .resource_uuid
                .as_ref()
                .is_none_or(|r| r == &record.resource_uuid)
            && (!self.only_finalized || record.is_finalized())
            && (!self.only_unfinalized || !record.is_finalized())
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CleanupPlan {
    pub dry_run: bool,
    /// In the consumption-records list order, so a preview reads like the list.
    pub records_to_delete: Vec<Uuid>,
    /// Records to delete that have a compensation item.
    pub compensation_items_affected: usize,
    /// Records to delete that have a provisional invoice item.
    pub invoice_items_affected: usize,
}

/// `ArrowEngine.cleanupConsumption()`: the seed's response, counts only.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct CleanupResponse {
    pub dry_run: bool,
    /// How many records match.
    #[cfg_attr(test, ts(type = "number"))]
    pub records_to_delete: usize,
    /// How many were deleted: 0 on a dry run.
    #[cfg_attr(test, ts(type = "number"))]
    pub records_deleted: usize,
    #[cfg_attr(test, ts(type = "number"))]
    pub compensation_items_affected: usize,
    #[cfg_attr(test, ts(type = "number"))]
    pub invoice_items_affected: usize,
}

impl CleanupPlan {
    /// The seed response. records_deleted is what applying the plan deletes: 0 on a dry run.
    pub fn response(&self) -> CleanupResponse {
        let count = self.records_to_delete.len();
        CleanupResponse {
            dry_run: self.dry_run,
            records_to_delete: count,
            records_deleted: if self.dry_run { 0 } else { count },
            compensation_items_affected: self.compensation_items_affected,
            invoice_items_affected: self.invoice_items_affected,
        }
    }

    pub fn to_json(&self) -> Value {
        json!(self.response())
    }
}

/// Plans the deletion of the records `filter` matches. Both only_finalized and only_unfinalized is a 400, as
/// the reference API answers it, rather than silently matching nothing. No filter at all matches every
/// record: the reference allows that, and dry_run defaults to true upstream.
pub fn plan_cleanup(
    records: &[ConsumptionRecord],
    filter: &CleanupFilter,
    dry_run: bool,
) -> Result<CleanupPlan> {
    if filter.only_finalized && filter.only_unfinalized {
        return Err(Error::field(
            NON_FIELD_ERRORS,
            "Cannot specify both only_finalized and only_unfinalized.",
        ));
    }
    let mut selected: Vec<&ConsumptionRecord> =
        records.iter().filter(|r| filter.matches(r)).collect();
    crate::sort::sort_by(&mut selected, |a, b| record_order(a, b));
    Ok(CleanupPlan {
        dry_run,
        compensation_items_affected: selected
            .iter()
            .filter(|r| r.compensation_item_uuid.is_some())
            .count(),
        invoice_items_affected: selected
            .iter()
            .filter(|r| r.invoice_item_uuid.is_some())
            .count(),
        records_to_delete: selected.into_iter().map(|r| r.uuid).collect(),
    })
}
