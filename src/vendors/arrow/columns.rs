//! Columns by header name. Arrow's templates name the same field differently ("Customer Total Price" or
//! "Sell Total Price"), and tenants add, drop and reorder columns, so a payload's columns are found by name,
//! case-insensitively and trimmed, with aliases tried in order of preference.

use serde::Serialize;

use crate::error::{Error, Result};

/// A logical field of an Arrow table, whatever header it comes under.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Field {
    LineReference,
    StatementReference,
    CustomerReference,
    CustomerName,
    Classification,
    VendorName,
    VendorSubscriptionId,
    /// "ARS Subscription ID": the XSP license reference consumption records are keyed by.
    LicenseReference,
    Description,
    Quantity,
    Sell,
    Buy,
    Currency,
    ReportPeriod,
    /// Arrow's statement status (Open, Needs Validation, Fulfilled, Rejected), on templates that carry it.
    StatementStatus,
}

impl Field {
    /// The snake_case name used in JS results.
    pub fn name(self) -> &'static str {
        match self {
            Field::LineReference => "line_reference",
            Field::StatementReference => "statement_reference",
            Field::CustomerReference => "customer_reference",
            Field::CustomerName => "customer_name",
            Field::Classification => "classification",
            Field::VendorName => "vendor_name",
            Field::VendorSubscriptionId => "vendor_subscription_id",
            Field::LicenseReference => "license_reference",
            Field::Description => "description",
            Field::Quantity => "quantity",
            Field::Sell => "sell",
            Field::Buy => "buy",
            Field::Currency => "currency",
            Field::ReportPeriod => "report_period",
            Field::StatementStatus => "statement_status",
        }
    }
}

/// How a field is found: its headers, preferred first, and whether a payload without it is unusable.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ColumnSpec {
    pub field: Field,
    pub aliases: &'static [&'static str],
    pub required: bool,
}

/// The column a field was found in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FoundColumn {
    pub field: Field,
    /// 0-based position in the row.
    pub index: usize,
    /// The header as the payload wrote it.
    pub header: String,
}

/// A payload's columns, resolved against a list of specs. Each spec is a "slot": rows are read into a
/// slot array, so that the parsers look cells up by field, not by position.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Columns {
    specs: &'static [ColumnSpec],
    /// Per spec, where it was found.
    found: Vec<Option<FoundColumn>>,
    /// Per header position, the slot it fills.
    slot_of_index: Vec<Option<usize>>,
    header_count: usize,
}

fn same_header(header: &str, alias: &str) -> bool {
    let header = header.trim();
    header.eq_ignore_ascii_case(alias) || header.to_lowercase() == alias.to_lowercase()
}

impl Columns {
    /// Finds each spec's column. All missing required columns are reported in one error, named by their
    /// preferred header. When two headers match one field, the first is taken.
    pub fn resolve<S: AsRef<str>>(
        payload: &str,
        headers: &[S],
        specs: &'static [ColumnSpec],
    ) -> Result<Columns> {
        let mut slot_of_index = vec![None; headers.len()];
        let mut found = Vec::with_capacity(specs.len());
        let mut missing = Vec::new();
        for (slot, spec) in specs.iter().enumerate() {
            let hit = spec.aliases.iter().find_map(|alias| {
                headers
                    .iter()
                    .position(|h| same_header(h.as_ref(), alias))
                    .filter(|i| slot_of_index.get(*i).is_some_and(Option::is_none))
            });
            match hit {
                Some(index) => {
                    if let Some(entry) = slot_of_index.get_mut(index) {
                        *entry = Some(slot);
                    }
                    found.push(Some(FoundColumn {
                        field: spec.field,
                        index,
                        header: headers
                            .get(index)
                            .map(|h| h.as_ref().to_owned())
                            .unwrap_or_default(),
                    }));
                }
                None => {
                    if spec.required {
                        missing.push(spec.aliases.first().copied().unwrap_or("?"));
                    }
                    found.push(None);
                }
            }
        }
        if !missing.is_empty() {
            return Err(Error::MissingColumn {
                payload: payload.to_owned(),
                column: missing.join(", "),
            });
        }
        Ok(Columns {
            specs,
            found,
            slot_of_index,
            header_count: headers.len(),
        })
    }

    /// The header a field was found under.
    pub fn header(&self, field: Field) -> Option<&str> {
        self.found_column(field).map(|f| f.header.as_str())
    }

    /// The position of a field's column in a row.
    pub fn index(&self, field: Field) -> Option<usize> {
        self.found_column(field).map(|f| f.index)
    }

    fn found_column(&self, field: Field) -> Option<&FoundColumn> {
        self.found.iter().flatten().find(|f| f.field == field)
    }

    /// Every field found, with its column, in spec order.
    pub fn iter(&self) -> impl Iterator<Item = &FoundColumn> {
        self.found.iter().flatten()
    }

    pub fn header_count(&self) -> usize {
        self.header_count
    }

    pub(crate) fn slot_count(&self) -> usize {
        self.specs.len()
    }

    /// The slot filled by the cell at `index`, if that column matters.
    #[inline(always)]
    pub(crate) fn slot_of(&self, index: usize) -> Option<usize> {
        self.slot_of_index.get(index).copied().flatten()
    }

    /// The slot of a field in this payload kind's specs.
    pub(crate) fn slot(&self, field: Field) -> Option<usize> {
        self.specs.iter().position(|s| s.field == field)
    }

    /// The header of a slot, for errors; a field absent from the payload reads as its preferred name.
    pub(crate) fn slot_header(&self, slot: usize) -> &str {
        match self.found.get(slot) {
            Some(Some(f)) => &f.header,
            _ => self
                .specs
                .get(slot)
                .and_then(|s| s.aliases.first().copied())
                .unwrap_or(""),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    static SPECS: [ColumnSpec; 3] = [
        ColumnSpec {
            field: Field::Sell,
            aliases: &["Customer Total Price", "Sell Total Price"],
            required: true,
        },
        ColumnSpec {
            field: Field::Buy,
            aliases: &["Total Wholesale Price", "Buy Total Price"],
            required: true,
        },
        ColumnSpec {
            field: Field::Quantity,
            aliases: &["Qty", "Quantity"],
            required: false,
        },
    ];

    #[test]
    fn finds_by_alias_case_insensitively_and_trimmed() {
        let c =
            Columns::resolve("t", &["x", " sell total price ", "BUY TOTAL PRICE"], &SPECS).unwrap();
        assert_eq!(c.header(Field::Sell), Some(" sell total price "));
        assert_eq!(c.index(Field::Buy), Some(2));
        assert_eq!(c.header(Field::Quantity), None);
        assert_eq!(c.slot_of(1), Some(0));
        assert_eq!(c.slot_of(0), None);
        assert_eq!(c.slot_of(99), None);
        assert_eq!(c.slot_header(2), "Qty");
    }

    #[test]
    fn prefers_the_first_alias_then_the_first_header() {
        let c = Columns::resolve(
            "t",
            &[
                "Sell Total Price",
                "Customer Total Price",
                "Total Wholesale Price",
                "Total Wholesale Price",
            ],
            &SPECS,
        )
        .unwrap();
        assert_eq!(c.index(Field::Sell), Some(1));
        assert_eq!(c.index(Field::Buy), Some(2));
    }

    #[test]
    fn missing_required_columns_are_one_error() {
        let err = Columns::resolve("t", &["Qty"], &SPECS).unwrap_err();
        assert_eq!(
            err,
            Error::MissingColumn {
                payload: "t".into(),
                column: "Customer Total Price, Total Wholesale Price".into()
            }
        );
        let err = Columns::resolve("t", &["Sell Total Price"], &SPECS).unwrap_err();
        assert!(
            matches!(err, Error::MissingColumn { column, .. } if column == "Total Wholesale Price")
        );
    }
}
