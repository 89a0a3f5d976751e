//! trigger_sync's `resource_uuid`: the statements that bill one resource, each kept whole.
//!
//! The reference keeps only the resource's lines and then stores their sum as the statement's totals
//! (defect 13). Here the filter chooses statements, not lines: a statement (of one customer) is synced when
//! one of its lines is the resource's (its Vendor Subscription ID is the resource's backend_id, or its ARS
//! Subscription ID the resource's licence attribute), and then with every line, so a billing sync's totals
//! are always its statement's own. The other statements' syncs are not read, so they are left as they are.

use std::collections::BTreeSet;

use crate::error::{Error, Result};
use crate::ledger::Resource;
use crate::vendors::arrow::billing_sync::BillingSync;
use crate::vendors::arrow::line::BilledLine;
use crate::vendors::arrow::settings::{license_of, license_reference, CustomerMapping};

/// The lines and syncs of the statements that bill `resource`.
pub(crate) fn statements_of_resource(
    resource: &Resource,
    lines: &[BilledLine],
    mappings: &[CustomerMapping],
    syncs: &[BillingSync],
) -> Result<(Vec<BilledLine>, Vec<BillingSync>)> {
    let backend_id = resource.backend_id.trim();
    let license = license_of(resource);
    if backend_id.is_empty() && license.is_none() {
        return Err(Error::field(
            "resource_uuid",
            format!(
                "Resource {} has neither a backend_id nor an Arrow licence: no statement line can be its.",
                resource.uuid
            ),
        ));
    }
    let is_its = |line: &BilledLine| {
        (!backend_id.is_empty() && line.vendor_subscription_id.trim() == backend_id)
            || license
                .as_deref()
                .is_some_and(|l| license_reference(&line.license_reference) == l)
    };
    let kept: BTreeSet<(&str, &str)> = lines
        .iter()
        .filter(|l| is_its(l))
        .map(|l| {
            (
                l.statement_reference.as_str(),
                l.customer_reference.as_str(),
            )
        })
        .collect();
    let kept_lines = lines
        .iter()
        .filter(|l| {
            kept.contains(&(
                l.statement_reference.as_str(),
                l.customer_reference.as_str(),
            ))
        })
        .cloned()
        .collect();
    let kept_syncs = syncs
        .iter()
        .filter(|s| {
            let reference = mappings
                .iter()
                .find(|m| m.uuid == s.customer_mapping_uuid)
                .map_or("", |m| m.arrow_reference.as_str());
            kept.contains(&(s.statement_reference.as_str(), reference))
        })
        .cloned()
        .collect();
    Ok((kept_lines, kept_syncs))
}
