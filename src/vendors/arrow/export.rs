//! Arrow's billing export page, `{"data": {"headers": [...], "values": [[...], ...]}, "pagination":
//! {"perPage": 1000}}`, read into normalised billing lines.
//!
//! The export is what statements and consumption are finally reconciled against, so it is read strictly:
//! a page without its two price columns is refused as a whole, and one bad money cell fails the whole page,
//! naming its row, column and value. Descriptive cells are lenient: null or blank reads as absent, and a
//! descriptive column may be missing (consumption reconciliation needs only the licence and the prices).
//! [`validate_template`] is the stricter check of a usable template (spec/arrow.md), for the operations that
//! group or classify lines.

use rust_decimal::Decimal;
use serde_json::Value;

use super::columns::{ColumnSpec, Columns, Field};
use super::statement_status::StatementStatus;
use super::table::{scan_table, walk_table_value, RawRow, TableMeta, TableShape};
use crate::error::Result;
use crate::money::Currency;
use crate::period::Period;
use crate::readers::cells::{self, Cell, CellAt};
use crate::readers::json_scan::Scanner;

/// Names billing export payloads in errors.
pub const BILLING_EXPORT: &str = "arrow billing export";

/// Arrow's documented page size, assumed when a page does not say.
pub const EXPORT_PAGE_SIZE: u64 = 1000;

const fn spec(field: Field, aliases: &'static [&'static str], required: bool) -> ColumnSpec {
    ColumnSpec {
        field,
        aliases,
        required,
    }
}

// Header aliases of the columns both the page reader and the usable-template check name.
const CUSTOMER_NAME: &[&str] = &["End User Company Name"];
const CLASSIFICATION: &[&str] = &["Classification"];
const VENDOR_SUBSCRIPTION_ID: &[&str] = &["Vendor Subscription ID"];
/// The prices: required by every reader of the export.
const SELL: ColumnSpec = spec(
    Field::Sell,
    &["Customer Total Price", "Sell Total Price"],
    true,
);
const BUY: ColumnSpec = spec(
    Field::Buy,
    &["Total Wholesale Price", "Buy Total Price"],
    true,
);

/// A page needs only its prices; every descriptive column may be missing.
static EXPORT_COLUMNS: [ColumnSpec; 15] = [
    spec(Field::LineReference, &["Sequence", "Order Id"], false),
    spec(Field::StatementReference, &["Statement Reference"], false),
    spec(Field::CustomerReference, &["End User Company ID"], false),
    spec(Field::CustomerName, CUSTOMER_NAME, false),
    spec(Field::Classification, CLASSIFICATION, false),
    spec(Field::VendorName, &["Vendor Name", "Service Name"], false),
    spec(Field::VendorSubscriptionId, VENDOR_SUBSCRIPTION_ID, false),
    spec(Field::LicenseReference, &["ARS Subscription ID"], false),
    spec(
        Field::Description,
        &["Product Name", "Friendly Name", "Description"],
        false,
    ),
    spec(Field::Quantity, &["Qty", "Quantity"], false),
    SELL,
    BUY,
    spec(
        Field::Currency,
        &[
            "Currency",
            "Currency Code",
            "Billing Currency",
            "Country currency code",
        ],
        false,
    ),
    spec(Field::ReportPeriod, &["Report Period"], false),
    spec(
        Field::StatementStatus,
        &["Statement Status", "Statement State"],
        false,
    ),
];

static SHAPE: TableShape = TableShape {
    payload: BILLING_EXPORT,
    rows_key: "values",
    specs: &EXPORT_COLUMNS,
};

/// One normalised line of a billing export.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BillingLine {
    /// 1-based data row within its page.
    pub row: usize,
    /// "Sequence" or "Order Id": the Arrow line reference billing sync items are unique by.
    pub line_reference: Option<String>,
    pub statement_reference: Option<String>,
    /// "End User Company ID", e.g. "XSP661245": what customer mappings are keyed by.
    pub customer_reference: Option<String>,
    pub customer_name: String,
    pub classification: String,
    pub vendor_name: Option<String>,
    pub vendor_subscription_id: String,
    /// "ARS Subscription ID": matches a consumption record's license_reference.
    pub license_reference: Option<String>,
    pub description: Option<String>,
    /// Informational only: the line's totals already include it (defect 1).
    pub quantity: Option<Decimal>,
    /// The line's total sell price (what the customer pays).
    pub sell: Decimal,
    /// The line's total wholesale price.
    pub buy: Decimal,
    pub currency: Option<Currency>,
    pub report_period: Option<Period>,
    /// Arrow's status of the line's statement, where the template carries it.
    pub statement_status: Option<StatementStatus>,
    /// The row's cells as the JSON array text received, for raw_data; parse it only when debugging.
    pub raw: String,
}

/// One page of a billing export.
#[derive(Debug, Clone)]
pub struct BillingExportPage {
    pub headers: Vec<String>,
    pub columns: Columns,
    pub lines: Vec<BillingLine>,
    /// `pagination.perPage` as the page gave it.
    pub per_page: Option<u64>,
}

impl BillingExportPage {
    /// A page shorter than its page size is the last one (Arrow's rule).
    pub fn is_last_page(&self) -> bool {
        let per_page = self.per_page.unwrap_or(EXPORT_PAGE_SIZE);
        u64::try_from(self.lines.len()).is_ok_and(|n| n < per_page)
    }

    /// A line's cells keyed by header, for raw_data. Numbers keep their JSON form.
    pub fn raw_data(&self, line: &BillingLine) -> serde_json::Map<String, Value> {
        let cells: Vec<Value> = serde_json::from_str(&line.raw).unwrap_or_default();
        self.headers.iter().cloned().zip(cells).collect()
    }
}

/// The columns of a usable template (spec/arrow.md): the prices, and what classifies and groups a line.
static TEMPLATE_COLUMNS: [ColumnSpec; 5] = [
    spec(Field::CustomerName, CUSTOMER_NAME, true),
    spec(Field::Classification, CLASSIFICATION, true),
    spec(Field::VendorSubscriptionId, VENDOR_SUBSCRIPTION_ID, true),
    SELL,
    BUY,
];

/// Checks that a template's headers make a usable template; names every column that is missing.
pub fn validate_template<S: AsRef<str>>(headers: &[S]) -> Result<Columns> {
    Columns::resolve(BILLING_EXPORT, headers, &TEMPLATE_COLUMNS)
}

fn read_line(
    columns: &Columns,
    row: usize,
    cells: &[Cell<'_>],
    raw: RawRow<'_>,
) -> Result<BillingLine> {
    let cell = |field: Field| {
        columns
            .slot(field)
            .and_then(|s| cells.get(s))
            .unwrap_or(&Cell::Null)
    };
    let at = |field: Field| CellAt {
        payload: BILLING_EXPORT,
        row,
        column: columns.slot(field).map_or("", |s| columns.slot_header(s)),
    };
    let text = |field: Field| cell(field).text();
    let sell = cells::amount(cell(Field::Sell), at(Field::Sell))?;
    let buy = cells::amount(cell(Field::Buy), at(Field::Buy))?;
    let currency = cells::currency(cell(Field::Currency), at(Field::Currency))?;
    let currency = cells::line_currency(
        &[currency, sell.currency, buy.currency],
        BILLING_EXPORT,
        row,
    )?;
    Ok(BillingLine {
        row,
        line_reference: text(Field::LineReference),
        statement_reference: text(Field::StatementReference),
        customer_reference: text(Field::CustomerReference),
        customer_name: text(Field::CustomerName).unwrap_or_default(),
        classification: text(Field::Classification).unwrap_or_default(),
        vendor_name: text(Field::VendorName),
        vendor_subscription_id: text(Field::VendorSubscriptionId).unwrap_or_default(),
        license_reference: text(Field::LicenseReference),
        description: text(Field::Description),
        quantity: cells::quantity(cell(Field::Quantity), at(Field::Quantity))?,
        sell: sell.amount,
        buy: buy.amount,
        currency,
        report_period: cells::period(cell(Field::ReportPeriod), at(Field::ReportPeriod))?,
        statement_status: match text(Field::StatementStatus) {
            None => None,
            Some(status) => Some(StatementStatus::parse(&status).ok_or_else(|| {
                at(Field::StatementStatus).invalid(
                    cell(Field::StatementStatus),
                    "not Open, Needs Validation, Fulfilled or Rejected",
                )
            })?),
        },
        raw: match raw {
            RawRow::Text(text) => text.to_owned(),
            RawRow::Value(value) => value.to_string(),
        },
    })
}

fn page(meta: TableMeta, lines: Vec<BillingLine>) -> BillingExportPage {
    BillingExportPage {
        headers: meta.headers,
        columns: meta.columns,
        lines,
        per_page: meta.per_page,
    }
}

/// Reads a billing export page from JSON text.
pub fn parse_billing_export(text: &str) -> Result<BillingExportPage> {
    let mut lines = Vec::new();
    let mut sink = |columns: &Columns, row: usize, cells: &[Cell<'_>], raw: RawRow<'_>| {
        lines.push(read_line(columns, row, cells, raw)?);
        Ok(())
    };
    let meta = scan_table(text, &SHAPE, &mut sink)?;
    Ok(page(meta, lines))
}

/// Reads a billing export page from UTF-8 bytes.
pub fn parse_billing_export_bytes(bytes: &[u8]) -> Result<BillingExportPage> {
    parse_billing_export(Scanner::text_of(bytes, BILLING_EXPORT)?)
}

/// Reads a billing export page from a JSON value (JS objects).
pub fn parse_billing_export_value(value: &Value) -> Result<BillingExportPage> {
    let mut lines = Vec::new();
    let mut sink = |columns: &Columns, row: usize, cells: &[Cell<'_>], raw: RawRow<'_>| {
        lines.push(read_line(columns, row, cells, raw)?);
        Ok(())
    };
    let meta = walk_table_value(value, &SHAPE, &mut sink)?;
    Ok(page(meta, lines))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::Error;
    use proptest::prelude::*;

    fn d(s: &str) -> Decimal {
        Decimal::from_str_exact(s).unwrap()
    }

    const HEADERS: &str = r#"["Sequence","Statement Reference","End User Company ID","End User Company Name",
        "Classification","Vendor Name","Vendor Subscription ID","ARS Subscription ID","Product Name","Qty",
        "Customer Total Price","Total Wholesale Price","Report Period","Offer Name"]"#;

    fn export(values: &str) -> String {
        format!(
            r#"{{"data": {{"headers": {HEADERS}, "values": [{values}]}}, "pagination": {{"perPage": 2, "page": 1}}}}"#
        )
    }

    const LINE: &str = r#"["101","ST-1","XSP661245","Acme \"Cloud\" GmbH","IAAS","Microsoft","sub-1","XSP123","Azure plan",
        "1","€1,000.00",950.5,"2025-01","Azure"]"#;

    #[test]
    fn reads_a_page_from_text_and_value_alike() {
        let text = export(LINE);
        let page = parse_billing_export(&text).unwrap();
        let from_value = parse_billing_export_value(&serde_json::from_str(&text).unwrap()).unwrap();
        assert_eq!(page.lines.len(), 1);
        let line = &page.lines[0];
        assert_eq!(line.line_reference.as_deref(), Some("101"));
        assert_eq!(line.customer_reference.as_deref(), Some("XSP661245"));
        assert_eq!(line.customer_name, "Acme \"Cloud\" GmbH");
        assert_eq!(line.license_reference.as_deref(), Some("XSP123"));
        assert_eq!((line.sell, line.buy), (d("1000.00"), d("950.5")));
        assert_eq!(line.currency, Some(Currency::EUR));
        assert_eq!(line.quantity, Some(d("1")));
        assert_eq!(line.report_period, Some(Period::new(2025, 1).unwrap()));
        assert_eq!(page.per_page, Some(2));
        assert!(page.is_last_page());
        let raw = page.raw_data(line);
        assert_eq!(raw.get("Offer Name"), Some(&Value::String("Azure".into())));
        let mut stripped = from_value.lines[0].clone();
        stripped.raw = line.raw.clone();
        assert_eq!(&stripped, line);
        assert_eq!(
            page.columns.header(Field::Sell),
            Some("Customer Total Price")
        );
    }

    #[test]
    fn aliases_of_other_templates() {
        let text = r#"{"data": {"headers": ["Order Id", "classification", "VENDOR SUBSCRIPTION ID",
            "End User Company Name", "Sell Total Price", "Buy Total Price", "Service Name", "Friendly Name",
            "Quantity", "Currency"], "values": [["O-9", "SAAS", "s", "n", "10", "8", "Adobe", "CC", null, "usd"]]}}"#;
        let page = parse_billing_export(text).unwrap();
        let line = &page.lines[0];
        assert_eq!(line.line_reference.as_deref(), Some("O-9"));
        assert_eq!(line.vendor_name.as_deref(), Some("Adobe"));
        assert_eq!(line.description.as_deref(), Some("CC"));
        assert_eq!(line.quantity, None);
        assert_eq!(line.currency, Some(Currency::USD));
        assert_eq!(page.columns.header(Field::Buy), Some("Buy Total Price"));
        assert_eq!(page.per_page, None);
        assert!(page.is_last_page());
    }

    #[test]
    fn unusable_templates_name_every_missing_column() {
        let err = validate_template(&["Classification", "Sell Total Price"]).unwrap_err();
        assert_eq!(
            err,
            Error::MissingColumn {
                payload: BILLING_EXPORT.into(),
                column: "End User Company Name, Vendor Subscription ID, Total Wholesale Price"
                    .into(),
            }
        );
        let text = r#"{"data": {"headers": ["Classification"], "values": []}}"#;
        assert_eq!(
            parse_billing_export(text).unwrap_err().code(),
            "missing_column"
        );
    }

    #[test]
    fn bad_cells_fail_the_page() {
        let bad = LINE.replace("950.5", "\"n/a\"");
        let text = export(&format!("{LINE}, {bad}"));
        assert_eq!(
            parse_billing_export(&text).unwrap_err(),
            Error::InvalidCell {
                payload: BILLING_EXPORT.into(),
                row: 2,
                column: "Total Wholesale Price".into(),
                value: "n/a".into(),
                reason: "not an amount".into(),
            }
        );
        let mixed = LINE.replace("950.5", "\"$950.50\"");
        assert_eq!(
            parse_billing_export(&export(&mixed)).unwrap_err().code(),
            "currency_mismatch"
        );
        let qty = LINE.replace(r#""1","€"#, r#""one","€"#);
        assert!(
            matches!(parse_billing_export(&export(&qty)).unwrap_err(), Error::InvalidCell { column, .. } if column == "Qty")
        );
    }

    #[test]
    fn full_pages_are_not_last_and_empty_pages_are() {
        let full = parse_billing_export(&export(&format!("{LINE}, {LINE}"))).unwrap();
        assert!(!full.is_last_page());
        let empty = parse_billing_export(&export("")).unwrap();
        assert!(empty.lines.is_empty() && empty.is_last_page());
    }

    proptest! {
        #[test]
        fn never_panics(s in "\\PC{0,80}") {
            let _ = parse_billing_export(&s);
            let _ = parse_billing_export(&export(&s));
        }

        #[test]
        fn never_panics_on_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..80)) {
            let _ = parse_billing_export_bytes(&bytes);
        }
    }
}
