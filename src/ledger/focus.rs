//! The ledger's items in the columns of FOCUS 1.4 (the FinOps Open Cost and Usage Specification's Cost and
//! Usage dataset): one row per invoice item, as CSV (RFC 4180) or JSON lines. Vendor-neutral: the vendor of
//! an item gives its service's names ([`FocusService`]), the host its own name and its customers' and
//! resources' names; everything else comes from the item.
//!
//! - Every cost column is the item's exact amount (unit price × quantity): billsync bills what it was told,
//!   with no discount of its own, so billed, effective, list and contracted cost agree.
//! - A compensation is billed on the invoice of a later month for money incurred in an earlier one: its
//!   charge period is the month it corrects, its billing period the invoice's, and its ChargeClass
//!   "Correction" (the earlier month's invoice is issued, so it is a closed billing period).
//! - Corrections are ledger-style ("delta"): a compensation is the difference `final − billed`, a new row; no
//!   row delivered before is ever changed or reversed ([`METADATA`] declares it).

use std::fmt::Write as _;

use serde_json::Value;

use super::{InvoiceItem, InvoiceItemKind};
use crate::error::{Error, Result};
use crate::money::Exact;
use crate::period::Period;

/// The FOCUS version the columns follow.
pub const FOCUS_VERSION: &str = "1.4";

/// A FOCUS data type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FocusType {
    Decimal,
    /// ISO 8601 in UTC with a `Z`.
    DateTime,
    String,
    /// JSON, in a custom column.
    Json,
}

/// The columns, in the order every row has them: the FOCUS columns, then billsync's own (`x_`).
pub const COLUMNS: &[(&str, FocusType)] = &[
    ("BilledCost", FocusType::Decimal),
    ("BillingAccountId", FocusType::String),
    ("BillingAccountName", FocusType::String),
    ("BillingCurrency", FocusType::String),
    ("BillingPeriodEnd", FocusType::DateTime),
    ("BillingPeriodStart", FocusType::DateTime),
    ("ChargeCategory", FocusType::String),
    ("ChargeClass", FocusType::String),
    ("ChargeDescription", FocusType::String),
    ("ChargeFrequency", FocusType::String),
    ("ChargePeriodEnd", FocusType::DateTime),
    ("ChargePeriodStart", FocusType::DateTime),
    ("ContractedCost", FocusType::Decimal),
    ("ContractedUnitPrice", FocusType::Decimal),
    ("EffectiveCost", FocusType::Decimal),
    ("HostProviderName", FocusType::String),
    ("InvoiceId", FocusType::String),
    ("InvoiceIssuerName", FocusType::String),
    ("ListCost", FocusType::Decimal),
    ("ListUnitPrice", FocusType::Decimal),
    ("PricingQuantity", FocusType::Decimal),
    ("PricingUnit", FocusType::String),
    ("ResourceId", FocusType::String),
    ("ResourceName", FocusType::String),
    ("ServiceCategory", FocusType::String),
    ("ServiceName", FocusType::String),
    ("ServiceProviderName", FocusType::String),
    ("SkuId", FocusType::String),
    ("SubAccountId", FocusType::String),
    ("SubAccountName", FocusType::String),
    ("x_BillsyncItemId", FocusType::String),
    ("x_BillsyncItemKind", FocusType::String),
    ("x_BillsyncSourceKey", FocusType::String),
    ("x_BillsyncTrace", FocusType::Json),
];

/// The dataset's metadata (FOCUS's data generator, delivery and correction handling), as JSON text: the
/// sidecar of an export.
pub const METADATA: &str = r#"{"FocusVersion":"1.4","DataGenerator":"billsync","DatasetId":"CostAndUsage","DeliveryHandling":"Overwrite per billing period: an export holds every item of the period's invoices as they stand; while a period is open its provisional items follow the consumption, after that it only gains corrections","CorrectionHandling":"Ledger-style (delta): a compensation is a new row billing final minus what was billed, in the open billing period, with the corrected month as its charge period and ChargeClass Correction when that month is earlier","ProviderColumnPrefix":"x_"}"#;

/// How the rows are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FocusFormat {
    /// RFC 4180: a header row, CRLF line ends, fields quoted when they must be, null as an empty field.
    Csv,
    /// One JSON object per line; decimals as JSON numbers written exactly, null as null.
    JsonLines,
}

impl FocusFormat {
    pub fn parse(name: &str) -> Option<FocusFormat> {
        match name {
            "csv" => Some(FocusFormat::Csv),
            "jsonl" => Some(FocusFormat::JsonLines),
            _ => None,
        }
    }

    pub fn content_type(self) -> &'static str {
        match self {
            FocusFormat::Csv => "text/csv; charset=utf-8",
            FocusFormat::JsonLines => "application/x-ndjson",
        }
    }
}

/// What a vendor says of the service its items bill (each vendor's folder has its own).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FocusService {
    /// ServiceProviderName: who makes the service available.
    pub provider: &'static str,
    /// HostProviderName: whose infrastructure it runs on, as far as billsync can know.
    pub host_provider: &'static str,
    pub service_name: &'static str,
    /// One of FOCUS's ServiceCategory values.
    pub service_category: &'static str,
    /// The details field that holds the vendor's SKU, when the vendor gives one.
    pub sku_field: Option<&'static str>,
}

/// One item with what the host and its vendor say of it.
pub struct FocusCharge<'a> {
    pub item: &'a InvoiceItem,
    pub details: &'a Value,
    pub service: &'a FocusService,
    /// InvoiceIssuerName: the host, which invoices its customers.
    pub issuer: &'a str,
    pub customer_name: Option<&'a str>,
    pub resource_name: Option<&'a str>,
    /// The month the money was incurred in ([`charge_period`]).
    pub charge_period: Period,
}

/// The month an item's money was incurred in: a record's month (in its key, or the unit it nets off), the
/// month its details name, else `earlier` (the first month its source was billed in, when the caller
/// knows it: a document line's compensation), else the month it is billed in.
pub fn charge_period(item: &InvoiceItem, details: &Value, earlier: Option<Period>) -> Period {
    let of_record = matches!(
        item.kind,
        InvoiceItemKind::Provisional | InvoiceItemKind::ConsumptionCompensation
    )
    .then(|| item.source_key.as_str().split('|').nth(1))
    .flatten();
    let of_unit = details
        .get("unit")
        .and_then(Value::as_str)
        .and_then(|u| u.split('|').next());
    let named = details.get("billing_period").and_then(Value::as_str);
    [of_record, of_unit, named]
        .into_iter()
        .flatten()
        .find_map(|p| Period::parse(p).ok())
        .or(earlier)
        .filter(|p| *p <= item.billing_period)
        .unwrap_or(item.billing_period)
}

/// `YYYY-MM-01T00:00:00Z`.
fn month_start(period: Period, out: &mut String) {
    let _ = write!(
        out,
        "{:04}-{:02}-01T00:00:00Z",
        period.year(),
        period.month()
    );
}

enum Cell<'a> {
    Null,
    Text(&'a str),
    Owned(String),
    /// Written as it is in JSON lines (a number or JSON), as text in CSV.
    Raw(String),
}

fn text(value: Option<&str>) -> Cell<'_> {
    value.map_or(Cell::Null, Cell::Text)
}

/// The header row (CSV only; JSON lines name each column in each row).
pub fn header(format: FocusFormat, out: &mut String) {
    if format == FocusFormat::Csv {
        let names: Vec<&str> = COLUMNS.iter().map(|(name, _)| *name).collect();
        out.push_str(&names.join(","));
        out.push_str("\r\n");
    }
}

/// One row, appended to `out`.
pub fn write_row(charge: &FocusCharge<'_>, format: FocusFormat, out: &mut String) -> Result<()> {
    let item = charge.item;
    let cost = Exact(item.total()?.amount).to_string();
    let billing = item.billing_period;
    let next = |p: Period| {
        p.next()
            .map_err(|_| Error::overflow(format!("the month after {p}")))
    };
    let bound = |p: Period| {
        let mut s = String::with_capacity(20);
        month_start(p, &mut s);
        s
    };
    let correction = item.kind.is_compensation() && charge.charge_period < billing;
    let document = matches!(
        item.kind,
        InvoiceItemKind::StatementLine | InvoiceItemKind::StatementCompensation
    );
    let sku = charge
        .service
        .sku_field
        .and_then(|field| charge.details.get(field))
        .and_then(Value::as_str)
        .filter(|s| !s.trim().is_empty());
    let trace = charge
        .details
        .get("trace")
        .filter(|t| !t.is_null())
        .map(Value::to_string);
    let customer = item.customer_uuid.to_string();
    let unit_price = Exact(item.unit_price).to_string();
    let cells: [Cell<'_>; 34] = [
        Cell::Raw(cost.clone()),
        Cell::Owned(customer.clone()),
        text(charge.customer_name),
        Cell::Owned(item.currency.to_string()),
        Cell::Owned(bound(next(billing)?)),
        Cell::Owned(bound(billing)),
        // A record bills what was consumed; a vendor document's line, what was bought for the month.
        Cell::Text(if document { "Purchase" } else { "Usage" }),
        if correction {
            Cell::Text("Correction")
        } else {
            Cell::Null
        },
        Cell::Text(&item.name),
        Cell::Text(if document { "Recurring" } else { "Usage-Based" }),
        Cell::Owned(bound(next(charge.charge_period)?)),
        Cell::Owned(bound(charge.charge_period)),
        Cell::Raw(cost.clone()),
        Cell::Raw(unit_price.clone()),
        Cell::Raw(cost.clone()),
        Cell::Text(charge.service.host_provider),
        Cell::Owned(item.invoice_uuid.to_string()),
        Cell::Text(charge.issuer),
        Cell::Raw(cost),
        Cell::Raw(unit_price),
        Cell::Raw(Exact(item.quantity).to_string()),
        Cell::Text("Months"),
        item.resource_uuid
            .as_ref()
            .map_or(Cell::Null, |r| Cell::Owned(r.to_string())),
        if item.resource_uuid.is_some() {
            text(charge.resource_name)
        } else {
            Cell::Null
        },
        Cell::Text(charge.service.service_category),
        Cell::Text(charge.service.service_name),
        Cell::Text(charge.service.provider),
        text(sku),
        Cell::Owned(customer),
        text(charge.customer_name),
        Cell::Owned(item.uuid.to_string()),
        Cell::Text(super::kind_key(item.kind)),
        Cell::Text(item.source_key.as_str()),
        trace.map_or(Cell::Null, Cell::Raw),
    ];
    match format {
        FocusFormat::Csv => {
            for (i, cell) in cells.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                match cell {
                    Cell::Null => {}
                    Cell::Text(s) => csv_field(s, out),
                    Cell::Owned(s) | Cell::Raw(s) => csv_field(s, out),
                }
            }
            out.push_str("\r\n");
        }
        FocusFormat::JsonLines => {
            out.push('{');
            for (i, (cell, (name, _))) in cells.iter().zip(COLUMNS).enumerate() {
                if i > 0 {
                    out.push(',');
                }
                json_string(name, out);
                out.push(':');
                match cell {
                    Cell::Null => out.push_str("null"),
                    Cell::Text(s) => json_string(s, out),
                    Cell::Owned(s) => json_string(s, out),
                    Cell::Raw(s) => out.push_str(s),
                }
            }
            out.push_str("}\n");
        }
    }
    Ok(())
}

/// RFC 4180: a field with a comma, a quote or a line break is quoted, its quotes doubled.
fn csv_field(value: &str, out: &mut String) {
    if value.contains([',', '"', '\r', '\n']) {
        out.push('"');
        out.push_str(&value.replace('"', "\"\""));
        out.push('"');
    } else {
        out.push_str(value);
    }
}

fn json_string(value: &str, out: &mut String) {
    // Serialising a str cannot fail.
    out.push_str(&serde_json::to_string(value).unwrap_or_else(|_| "null".to_owned()));
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ledger::{Details, SourceKey};
    use crate::money::Currency;
    use crate::timestamp::Timestamp;
    use rust_decimal::Decimal;

    const SERVICE: FocusService = FocusService {
        provider: "Vendor",
        host_provider: "Vendor",
        service_name: "Thing",
        service_category: "Other",
        sku_field: Some("sku"),
    };

    fn item(kind: InvoiceItemKind, key: &str, billed: &str, price: &str) -> InvoiceItem {
        let period = Period::parse(billed).unwrap();
        InvoiceItem {
            uuid: crate::ids::Uuid::derive("t", key),
            invoice_uuid: crate::ids::Uuid::derive("i", key),
            customer_uuid: crate::ids::Uuid::derive("c", key),
            project_uuid: None,
            resource_uuid: None,
            billing_period: period,
            kind,
            source_key: SourceKey::of_line("doc", key),
            name: "a, \"quoted\" name".into(),
            unit_price: price.parse::<Decimal>().unwrap(),
            quantity: Decimal::ONE,
            currency: Currency::parse("EUR", "test").unwrap(),
            details: Details::default(),
            created: Timestamp::EPOCH,
            modified: Timestamp::EPOCH,
            version: 0,
        }
    }

    fn render(item: &InvoiceItem, details: &Value, format: FocusFormat) -> String {
        let charge = FocusCharge {
            item,
            details,
            service: &SERVICE,
            issuer: "Host",
            customer_name: Some("Customer"),
            resource_name: None,
            charge_period: charge_period(item, details, None),
        };
        let mut out = String::new();
        write_row(&charge, format, &mut out).unwrap();
        out
    }

    #[test]
    fn a_compensation_of_an_earlier_month_is_a_correction_in_that_charge_period() {
        let item = item(
            InvoiceItemKind::ConsumptionCompensation,
            "k",
            "2025-03",
            "-1.50",
        );
        let details = serde_json::json!({ "billing_period": "2025-01", "trace": { "run": 1 } });
        let line = render(&item, &details, FocusFormat::JsonLines);
        let row: Value = serde_json::from_str(line.trim_end()).unwrap();
        assert_eq!(row["ChargeClass"], "Correction");
        assert_eq!(row["ChargePeriodStart"], "2025-01-01T00:00:00Z");
        assert_eq!(row["ChargePeriodEnd"], "2025-02-01T00:00:00Z");
        assert_eq!(row["BillingPeriodStart"], "2025-03-01T00:00:00Z");
        assert!(
            line.starts_with("{\"BilledCost\":-1.50,"),
            "exact, not a float: {line}"
        );
        assert_eq!(row["x_BillsyncTrace"], serde_json::json!({ "run": 1 }));
        assert_eq!(row.as_object().unwrap().len(), COLUMNS.len());
    }

    #[test]
    fn a_line_of_its_own_month_is_no_correction_and_csv_quotes_what_it_must() {
        let item = item(InvoiceItemKind::StatementLine, "k", "2025-03", "10");
        let details = serde_json::json!({ "sku": "SKU-1" });
        let line = render(&item, &details, FocusFormat::Csv);
        assert!(line.starts_with("10.00,"), "{line}");
        assert!(line.contains(",Purchase,,\"a, \"\"quoted\"\" name\",Recurring,"));
        assert!(line.contains(",SKU-1,"));
        assert!(
            line.ends_with(",\r\n"),
            "no trace is an empty last field: {line}"
        );
        let mut head = String::new();
        header(FocusFormat::Csv, &mut head);
        assert_eq!(head.split(',').count(), COLUMNS.len());
    }
}
