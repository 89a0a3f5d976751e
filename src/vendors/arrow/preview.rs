//! The preview of a consumption reconciliation against Arrow's billing export: the ledger's preview, with
//! the export's lines as the final figures and records naming their licence under `license_reference`.

use super::line::BilledLine;
use super::validate::Operation;
use super::VENDOR;
use crate::error::Result;
use crate::ledger::{
    preview_reconciliation_into, PreviewOutput, PreviewParts, PreviewVendor, ReconciliationPreview,
};
use crate::timezone::ZoneRules;

/// Runs the preview. `lines` is the parsed export; `input` holds the rest, as the JS call passes it, with
/// the records in it or, as their JSON text, in `records_text`; `zones` resolves a named `timezone`.
pub fn preview(
    input: &serde_json::Value,
    records_text: Option<&str>,
    lines: &[BilledLine],
    zones: &dyn ZoneRules,
) -> Result<ReconciliationPreview> {
    preview_into(
        input,
        records_text,
        lines,
        zones,
        &mut PreviewOutput::default(),
    )?
    .whole()
}

/// [`preview`] with the result `output` asks for.
pub fn preview_into(
    input: &serde_json::Value,
    records_text: Option<&str>,
    lines: &[BilledLine],
    zones: &dyn ZoneRules,
    output: &mut PreviewOutput<'_>,
) -> Result<PreviewParts> {
    let finals = lines.iter().map(BilledLine::final_figure).collect();
    preview_reconciliation_into(input, records_text, vendor(zones), finals, output)
}

/// Arrow's side of a preview.
pub fn vendor(zones: &dyn ZoneRules) -> PreviewVendor<'_> {
    PreviewVendor {
        name: VENDOR,
        operation: Operation::TriggerReconciliation.id(),
        default_prefix: "Arrow consumption",
        source_label: super::SOURCE_LABEL,
        zones,
    }
}
