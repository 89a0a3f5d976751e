//! What the vendor's final billing export says about one line, as reconciliation needs it.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use std::collections::BTreeMap;

use crate::error::{Error, Result};
use crate::ledger::{Evidence, FinalFigure, SourceKey, UnitKey};
use crate::money::{decimal_string, Currency};
use crate::period::Period;
use crate::vendors::arrow::records::ArrowState;
use crate::vendors::arrow::settings::license_reference;
use crate::vendors::arrow::BillingLine;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BilledLine {
    /// Arrow's line id (Sequence / Order Id): unique within a statement.
    pub line_reference: String,
    pub statement_reference: String,
    /// Arrow's customer reference (End User Company ID), e.g. "XSP661245".
    pub customer_reference: String,
    pub customer_name: String,
    /// ARS Subscription ID: the licence a consumption record is for.
    pub license_reference: String,
    pub vendor_subscription_id: String,
    pub vendor_name: String,
    pub classification: String,
    pub description: String,
    #[serde(with = "decimal_string")]
    pub quantity: Decimal,
    #[serde(with = "decimal_string")]
    pub sell: Decimal,
    #[serde(with = "decimal_string")]
    pub buy: Decimal,
    pub currency: Option<Currency>,
    pub report_period: Option<Period>,
    /// Arrow's statement state, where the export template carries it.
    pub statement_state: Option<ArrowState>,
    /// Where the line is in the export ("page 1, row 3"), for errors that name it.
    #[serde(default)]
    pub position: String,
    /// The export's page (1-based) and the data row within it (1-based), and the line's Sequence / Order Id
    /// as the export gave it (None: it gave none): the line's evidence in traces. 0 for a line not read
    /// from an export.
    #[serde(default)]
    pub page: u32,
    #[serde(default)]
    pub row: usize,
    #[serde(default)]
    pub sequence: Option<String>,
}

/// The money of one line of a statement billed to one customer: a line's identity includes the customer
/// (Arrow's End User Company ID), so a line Arrow moves to another customer is another source.
pub fn line_key(statement: &str, customer_reference: &str, line: &str) -> SourceKey {
    SourceKey::of_line(
        &format!("{}|{}", statement.trim(), customer_reference.trim()),
        line,
    )
}

/// Refuses an export with two lines of one statement under the same line reference: Arrow's Sequence is
/// unique within a statement, so one of them would be billed and the other not (or both, summed). The
/// error names both rows.
pub fn check_unique_lines(lines: &[BilledLine]) -> Result<()> {
    let mut seen: BTreeMap<(&str, &str, Option<Period>), &BilledLine> = BTreeMap::new();
    for line in lines {
        let key = (
            line.statement_reference.trim(),
            line.line_reference.trim(),
            line.report_period,
        );
        if let Some(first) = seen.insert(key, line) {
            return Err(Error::DuplicateLine {
                document: line.statement_reference.clone(),
                line: line.line_reference.clone(),
                first: first.position.clone(),
                second: line.position.clone(),
            });
        }
    }
    Ok(())
}

impl BilledLine {
    /// The reconciliation's view of a parsed export line on `page`, taking the line over (its text moves,
    /// it is not copied). A line without a Sequence / Order Id is known by its page and row, unique across
    /// the export (and only stable while the export is).
    pub fn of_export(line: BillingLine, page: u32) -> BilledLine {
        let position = format!("page {page}, row {}", line.row);
        let row = line.row;
        let sequence = line.line_reference.clone();
        BilledLine {
            line_reference: line
                .line_reference
                .unwrap_or_else(|| SourceKey::position(page, line.row)),
            statement_reference: line.statement_reference.unwrap_or_default(),
            customer_reference: line.customer_reference.unwrap_or_default(),
            customer_name: line.customer_name,
            license_reference: line
                .license_reference
                .as_deref()
                .map(license_reference)
                .unwrap_or_default(),
            vendor_subscription_id: line.vendor_subscription_id,
            vendor_name: line.vendor_name.unwrap_or_default(),
            classification: line.classification,
            description: line.description.unwrap_or_default(),
            quantity: line.quantity.unwrap_or(Decimal::ONE),
            sell: line.sell,
            buy: line.buy,
            currency: line.currency,
            report_period: line.report_period,
            statement_state: line.statement_status.map(|s| s.arrow_state()),
            position,
            page,
            row,
            sequence,
        }
    }

    /// The line in a trace: `{"page", "row", "sequence"}`.
    pub fn evidence(&self) -> serde_json::Value {
        serde_json::json!({ "page": self.page, "row": self.row, "sequence": self.sequence })
    }

    /// The line's evidence, in the export whose pages hash to `export_sha256`.
    pub fn evidence_in(&self, export_sha256: Option<&str>) -> Evidence {
        Evidence {
            payload_sha256: export_sha256.map(str::to_owned),
            lines: vec![self.evidence()],
        }
    }

    /// The natural key of the money this line bills: unique per statement, customer and line.
    pub fn source_key(&self) -> SourceKey {
        line_key(
            &self.statement_reference,
            &self.customer_reference,
            &self.line_reference,
        )
    }

    /// The licence and month whose money the line bills (None: a line that names no licence is a unit of
    /// its own).
    pub fn unit(&self, period: Period) -> Option<UnitKey> {
        Some(self.license_reference.trim())
            .filter(|l| !l.is_empty())
            .map(|l| SourceKey::unit(self.report_period.unwrap_or(period), l))
    }

    /// The ledger's view: a final figure of the licence the line is for.
    pub fn final_figure(&self) -> FinalFigure {
        self.final_figure_in(None)
    }

    /// [`Self::final_figure`], traced to the export whose pages hash to `export_sha256`.
    pub fn final_figure_in(&self, export_sha256: Option<&str>) -> FinalFigure {
        FinalFigure {
            source_ref: self.license_reference.clone(),
            sell: self.sell,
            buy: self.buy,
            currency: self.currency,
            period: self.report_period,
            detail: serde_json::Value::Null,
            evidence: self.evidence_in(export_sha256),
        }
    }

    /// Whether the line belongs to `period` (lines without a report period belong to the export's month).
    pub fn is_for(&self, period: Period) -> bool {
        self.report_period.is_none_or(|p| p == period)
    }
}
