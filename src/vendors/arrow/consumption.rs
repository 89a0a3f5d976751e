//! Arrow's Consumption API payload, `{"data": {"headers": [...], "lines": [[...], ...]}}`, read into
//! consumption lines: the sell and buy totals of each line, its currency and report period.
//!
//! This is the bulk path (a licence-month can have thousands of meter lines, a historical sync a thousand
//! licences), so [`scan_consumption`] hands lines to a callback without collecting them, and only the four
//! cells that matter are decoded. One bad money cell fails the whole payload: a consumption total that
//! silently left a line out would be billed wrong.

use rust_decimal::Decimal;
use serde_json::Value;

use super::columns::{ColumnSpec, Columns, Field};
use super::table::{scan_table, walk_table_value, RawRow, TableMeta, TableShape};
use crate::error::Result;
use crate::money::Currency;
use crate::period::Period;
use crate::readers::cells::{self, Cell, CellAt};
use crate::readers::json_scan::Scanner;

/// Names consumption payloads in errors.
pub const CONSUMPTION: &str = "arrow consumption";

// Slots, in the order of CONSUMPTION_COLUMNS.
const SELL: usize = 0;
const BUY: usize = 1;
const PERIOD: usize = 2;
const CURRENCY: usize = 3;

static CONSUMPTION_COLUMNS: [ColumnSpec; 4] = [
    ColumnSpec {
        field: Field::Sell,
        aliases: &["Total sell price"],
        required: true,
    },
    ColumnSpec {
        field: Field::Buy,
        aliases: &["Total buy price"],
        required: true,
    },
    ColumnSpec {
        field: Field::ReportPeriod,
        aliases: &["Report Period"],
        required: false,
    },
    ColumnSpec {
        field: Field::Currency,
        aliases: &["Country currency code", "Currency", "Currency Code"],
        required: false,
    },
];

static SHAPE: TableShape = TableShape {
    payload: CONSUMPTION,
    rows_key: "lines",
    specs: &CONSUMPTION_COLUMNS,
};

/// One consumption line, as much of it as aggregation needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ConsumptionLine {
    /// 1-based data row.
    pub row: usize,
    pub sell: Decimal,
    pub buy: Decimal,
    /// From the currency column, or the currency an amount names ("€12.00"); `None` when neither says.
    pub currency: Option<Currency>,
    pub report_period: Option<Period>,
}

/// A consumption payload read whole (the convenience path).
#[derive(Debug, Clone)]
pub struct ConsumptionPage {
    pub headers: Vec<String>,
    pub columns: Columns,
    pub lines: Vec<ConsumptionLine>,
}

/// What a scan found besides the lines it handed over.
#[derive(Debug, Clone)]
pub struct ConsumptionScan {
    pub headers: Vec<String>,
    pub columns: Columns,
    pub lines: usize,
}

impl From<TableMeta> for ConsumptionScan {
    fn from(meta: TableMeta) -> ConsumptionScan {
        ConsumptionScan {
            headers: meta.headers,
            columns: meta.columns,
            lines: meta.rows,
        }
    }
}

/// The last cell text of a column and what it parsed to: a page repeats its period and currency on every
/// line, so each is parsed once per page rather than once per line.
struct LastParsed<T> {
    last: Option<(String, T)>,
}

impl<T: Copy> LastParsed<T> {
    fn new() -> LastParsed<T> {
        LastParsed { last: None }
    }

    #[inline(always)]
    fn get(&mut self, cell: &Cell<'_>, parse: impl FnOnce(&Cell<'_>) -> Result<T>) -> Result<T> {
        let Cell::Text(text) = cell else {
            return parse(cell);
        };
        if let Some((last, value)) = &self.last {
            // A byte loop, not `==`: these are a few bytes, and in wasm `==` is a call to a slow memcmp.
            let (a, b) = (last.as_bytes(), text.as_bytes());
            if a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x == y) {
                return Ok(*value);
            }
        }
        let value = parse(cell)?;
        self.last = Some((text.to_string(), value));
        Ok(value)
    }
}

/// Reads rows into lines.
struct LineReader {
    period: LastParsed<Option<Period>>,
    currency: LastParsed<Option<Currency>>,
}

impl LineReader {
    fn new() -> LineReader {
        LineReader {
            period: LastParsed::new(),
            currency: LastParsed::new(),
        }
    }

    fn read(
        &mut self,
        columns: &Columns,
        row: usize,
        cells: &[Cell<'_>],
    ) -> Result<ConsumptionLine> {
        let cell = |slot: usize| cells.get(slot).unwrap_or(&Cell::Null);
        let at = |slot: usize| CellAt {
            payload: CONSUMPTION,
            row,
            column: columns.slot_header(slot),
        };
        let sell = cells::amount(cell(SELL), at(SELL))?;
        let buy = cells::amount(cell(BUY), at(BUY))?;
        let currency = self
            .currency
            .get(cell(CURRENCY), |c| cells::currency(c, at(CURRENCY)))?;
        let currency = match (currency, sell.currency, buy.currency) {
            // The common case: only the column (or nothing) names a currency.
            (c, None, None) => c,
            _ => cells::line_currency(&[currency, sell.currency, buy.currency], CONSUMPTION, row)?,
        };
        let report_period = self
            .period
            .get(cell(PERIOD), |c| cells::period(c, at(PERIOD)))?;
        Ok(ConsumptionLine {
            row,
            sell: sell.amount,
            buy: buy.amount,
            currency,
            report_period,
        })
    }
}

/// Streams the lines of a consumption payload in `text` to `on_line`, without collecting them. The callback
/// also gets the payload's columns (to name them in its own errors). If any line or the document itself is
/// bad the scan fails, possibly after some lines were handed over: callers keep nothing until it returns Ok.
pub fn scan_consumption(
    text: &str,
    mut on_line: impl FnMut(&Columns, ConsumptionLine) -> Result<()>,
) -> Result<ConsumptionScan> {
    let mut reader = LineReader::new();
    let mut sink = |columns: &Columns, row: usize, cells: &[Cell<'_>], _raw: RawRow<'_>| {
        let line = reader.read(columns, row, cells)?;
        on_line(columns, line)
    };
    scan_table(text, &SHAPE, &mut sink).map(ConsumptionScan::from)
}

/// [`scan_consumption`] over a JSON value (JS objects).
pub fn scan_consumption_value(
    value: &Value,
    mut on_line: impl FnMut(&Columns, ConsumptionLine) -> Result<()>,
) -> Result<ConsumptionScan> {
    let mut reader = LineReader::new();
    let mut sink = |columns: &Columns, row: usize, cells: &[Cell<'_>], _raw: RawRow<'_>| {
        let line = reader.read(columns, row, cells)?;
        on_line(columns, line)
    };
    walk_table_value(value, &SHAPE, &mut sink).map(ConsumptionScan::from)
}

/// Reads a whole consumption payload from JSON text.
pub fn parse_consumption(text: &str) -> Result<ConsumptionPage> {
    let mut lines = Vec::new();
    let scan = scan_consumption(text, |_, line| {
        lines.push(line);
        Ok(())
    })?;
    Ok(ConsumptionPage {
        headers: scan.headers,
        columns: scan.columns,
        lines,
    })
}

/// Reads a whole consumption payload from UTF-8 bytes.
pub fn parse_consumption_bytes(bytes: &[u8]) -> Result<ConsumptionPage> {
    parse_consumption(Scanner::text_of(bytes, CONSUMPTION)?)
}

/// Reads a whole consumption payload from a JSON value.
pub fn parse_consumption_value(value: &Value) -> Result<ConsumptionPage> {
    let mut lines = Vec::new();
    let scan = scan_consumption_value(value, |_, line| {
        lines.push(line);
        Ok(())
    })?;
    Ok(ConsumptionPage {
        headers: scan.headers,
        columns: scan.columns,
        lines,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::Error;
    use proptest::prelude::*;

    fn d(s: &str) -> Decimal {
        Decimal::from_str_exact(s).unwrap()
    }

    const HEADERS: &str =
        r#"["Report Period","Vendor Meter Category","Total sell price","Total buy price","UOM"]"#;

    fn page(lines: &str) -> String {
        format!(r#"{{"data": {{"headers": {HEADERS}, "lines": [{lines}]}}}}"#)
    }

    #[test]
    fn reads_lines_from_text_and_value_alike() {
        let text = page(
            r#"["2025-01","Compute","12.3456","10.00","h"], ["2025-01","Net",0.1,0.2,"GB"], ["2025-01-31","Net","€1,000.00",5,null]"#,
        );
        let parsed = parse_consumption(&text).unwrap();
        let value: Value = serde_json::from_str(&text).unwrap();
        let from_value = parse_consumption_value(&value).unwrap();
        assert_eq!(parsed.lines, from_value.lines);
        assert_eq!(parsed.lines.len(), 3);
        let jan = Some(Period::new(2025, 1).unwrap());
        assert_eq!(
            parsed.lines[0],
            ConsumptionLine {
                row: 1,
                sell: d("12.3456"),
                buy: d("10.00"),
                currency: None,
                report_period: jan
            }
        );
        assert_eq!(parsed.lines[2].currency, Some(Currency::EUR));
        assert_eq!(parsed.lines[2].report_period, jan);
        let total: Decimal =
            parsed.lines.iter().take(2).map(|l| l.sell).sum::<Decimal>() - d("12.3456");
        assert_eq!(total, d("0.1"));
        assert_eq!(parsed.lines[1].sell + parsed.lines[1].buy, d("0.3"));
        assert_eq!(parsed.columns.header(Field::Sell), Some("Total sell price"));
    }

    #[test]
    fn keys_may_come_in_any_order_and_others_are_skipped() {
        let text = r#"{"meta": {"x": [1, {"y": null}]}, "data": {"lines": [["5", "2", "2025-02"]],
            "extra": "\u00e9", "headers": ["Total sell price", "Total buy price", "report period "]}, "status": 200}"#;
        let parsed = parse_consumption(text).unwrap();
        assert_eq!(parsed.lines.len(), 1);
        assert_eq!(
            parsed.lines[0].report_period,
            Some(Period::new(2025, 2).unwrap())
        );
    }

    #[test]
    fn empty_pages_are_valid() {
        assert!(parse_consumption(&page("")).unwrap().lines.is_empty());
        let v: Value = serde_json::from_str(&page("")).unwrap();
        assert!(parse_consumption_value(&v).unwrap().lines.is_empty());
    }

    #[test]
    fn missing_columns_are_named() {
        let text = r#"{"data": {"headers": ["Report Period", "Total sell price"], "lines": []}}"#;
        let err = parse_consumption(text).unwrap_err();
        assert_eq!(
            err,
            Error::MissingColumn {
                payload: CONSUMPTION.into(),
                column: "Total buy price".into()
            }
        );
        let v: Value = serde_json::from_str(text).unwrap();
        assert_eq!(parse_consumption_value(&v).unwrap_err(), err);
    }

    #[test]
    fn a_bad_cell_fails_the_payload_naming_row_column_and_value() {
        let text = page(r#"["2025-01","C","1.00","1.00","h"], ["2025-01","C","1.00","n/a","h"]"#);
        let expected = Error::InvalidCell {
            payload: CONSUMPTION.into(),
            row: 2,
            column: "Total buy price".into(),
            value: "n/a".into(),
            reason: "not an amount".into(),
        };
        assert_eq!(parse_consumption(&text).unwrap_err(), expected);
        let v: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(parse_consumption_value(&v).unwrap_err(), expected);
        let null_amount = page(r#"["2025-01","C",null,"1.00","h"]"#);
        assert!(matches!(
            parse_consumption(&null_amount).unwrap_err(),
            Error::InvalidCell { row: 1, .. }
        ));
        let bad_period = page(r#"["Jan","C","1","1","h"]"#);
        assert!(
            matches!(parse_consumption(&bad_period).unwrap_err(), Error::InvalidCell { column, .. } if column == "Report Period")
        );
        let short_row = page(r#"["2025-01","C","1","1"]"#);
        assert!(matches!(
            parse_consumption(&short_row).unwrap_err(),
            Error::InvalidCell { row: 1, .. }
        ));
    }

    #[test]
    fn currencies_come_from_the_column_or_the_amounts_and_must_agree() {
        let text = r#"{"data": {"headers": ["Total sell price", "Total buy price", "Country currency code"],
            "lines": [["1", "1", "usd"], ["$1", "1", ""], ["€1", "1", "USD"]]}}"#;
        let err = parse_consumption(text).unwrap_err();
        assert_eq!(err.code(), "currency_mismatch");
        assert!(err.to_string().contains("row 3"));
    }

    #[test]
    fn malformed_payloads_are_rejected_with_offsets() {
        let good = page(r#"["2025-01","C","1","1","h"]"#);
        for bad in [
            good[..good.len() - 3].to_owned(),
            format!("{good} x"),
            format!("{good}}}"),
            good.replace("\"lines\"", "\"lines\": [], \"lines\""),
            r#"{"data": {"headers": ["Total sell price", "Total buy price"]}}"#.to_owned(),
            r#"{"data": {"lines": []}}"#.to_owned(),
            r#"{"data": {"headers": [1, 2], "lines": []}}"#.to_owned(),
            r#"{"data": {"headers": ["Total sell price", "Total buy price"], "lines": [{"a": 1}]}}"#.to_owned(),
            "[]".to_owned(),
            format!(r#"{{"data": {{"headers": {HEADERS}, "lines": [{}]}}}}"#, "[".repeat(200)),
        ] {
            let err = parse_consumption(&bad).unwrap_err();
            assert_eq!(err.code(), "invalid_payload", "{bad:.80}: {err}");
        }
        assert_eq!(
            parse_consumption_bytes(b"{\"data\xff").unwrap_err().code(),
            "invalid_payload"
        );
    }

    proptest! {
        #[test]
        fn never_panics(s in "\\PC{0,80}") {
            let _ = parse_consumption(&s);
            let _ = parse_consumption(&page(&s));
        }

        #[test]
        fn never_panics_on_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..80)) {
            let _ = parse_consumption_bytes(&bytes);
        }
    }
}
