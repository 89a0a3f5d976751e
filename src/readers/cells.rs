//! Table cells as Arrow sends them (strings, numbers or null) and their strict conversions.
//!
//! Every conversion that fails names the payload, the 1-based data row, the column as the payload wrote it
//! and the cell's text: a reconciliation must be able to point at the exact cell, and must never read a bad
//! amount as 0 (defect 9).

use std::borrow::Cow;

use rust_decimal::Decimal;

use crate::error::{Error, Result};
use crate::money::{parse_amount, AmountFormat, Currency, ParsedAmount};
use crate::period::{parse_date, Period};

/// One cell of a table row. Numbers keep their raw text so that amounts are read exactly.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Cell<'a> {
    Null,
    Bool(bool),
    /// A JSON number's text, e.g. "-12.50" or "1e-3".
    Number(Cow<'a, str>),
    Text(Cow<'a, str>),
    /// An array or object where a scalar was expected, as its JSON text.
    Nested(Cow<'a, str>),
}

impl<'a> Cell<'a> {
    /// The cell of a JSON value (the object path: JS objects arrive as `serde_json::Value`).
    pub fn of_json(value: &'a serde_json::Value) -> Cell<'a> {
        match value {
            serde_json::Value::Null => Cell::Null,
            serde_json::Value::Bool(b) => Cell::Bool(*b),
            serde_json::Value::Number(n) => Cell::Number(Cow::Owned(n.to_string())),
            serde_json::Value::String(s) => Cell::Text(Cow::Borrowed(s)),
            other => Cell::Nested(Cow::Owned(other.to_string())),
        }
    }

    /// The cell as it reads in an error message.
    pub fn display(&self) -> Cow<'_, str> {
        match self {
            Cell::Null => Cow::Borrowed("null"),
            Cell::Bool(true) => Cow::Borrowed("true"),
            Cell::Bool(false) => Cow::Borrowed("false"),
            Cell::Number(s) | Cell::Text(s) | Cell::Nested(s) => Cow::Borrowed(s),
        }
    }

    /// Text of a descriptive cell. Null and blank text are `None`; numbers read as their digits.
    pub fn text(&self) -> Option<String> {
        match self {
            Cell::Null => None,
            Cell::Text(s) if s.trim().is_empty() => None,
            Cell::Text(s) => Some(s.trim().to_owned()),
            other => Some(other.display().into_owned()),
        }
    }

    fn is_blank(&self) -> bool {
        match self {
            Cell::Null => true,
            Cell::Text(s) => s.trim().is_empty(),
            _ => false,
        }
    }
}

/// Where a cell sits, for errors.
#[derive(Debug, Clone, Copy)]
pub struct CellAt<'p> {
    pub payload: &'p str,
    /// 1-based data row (the header row is not counted).
    pub row: usize,
    /// The column's header as the payload wrote it.
    pub column: &'p str,
}

impl CellAt<'_> {
    pub fn invalid(&self, cell: &Cell<'_>, reason: impl Into<String>) -> Error {
        Error::InvalidCell {
            payload: self.payload.to_owned(),
            row: self.row,
            column: self.column.to_owned(),
            value: cell.display().into_owned(),
            reason: reason.into(),
        }
    }
}

/// A money cell: required, exact. A JSON number is read from its digits, never through f64.
pub fn amount(cell: &Cell<'_>, at: CellAt<'_>) -> Result<ParsedAmount> {
    if let Cell::Text(s) | Cell::Number(s) = cell {
        if let Some(amount) = plain_amount(s) {
            return Ok(ParsedAmount {
                amount,
                currency: None,
            });
        }
    }
    let parsed = match cell {
        Cell::Text(s) => parse_amount(s, at.column, AmountFormat::Point),
        Cell::Number(raw) => number_amount(raw, at.column),
        Cell::Null => return Err(at.invalid(cell, "an amount is required")),
        _ => return Err(at.invalid(cell, "expected an amount")),
    };
    parsed.map_err(|e| match e {
        Error::InvalidAmount { reason, .. } => at.invalid(cell, reason),
        other => other,
    })
}

/// The hot path of bulk payloads: "-123.4567" with at most 18 digits, read in one pass. Anything else
/// (signs, separators, exponents, more digits, malformed text) returns `None` and goes to the full parser,
/// which accepts or rejects it; for what this accepts, both give the same value and scale.
fn plain_amount(text: &str) -> Option<Decimal> {
    let bytes = text.as_bytes();
    let digits = bytes.strip_prefix(b"-").unwrap_or(bytes);
    // At most 19 digits, or 18 and a point: the mantissa then fits a u64 without overflow checks.
    if digits.is_empty() || digits.len() > 19 {
        return None;
    }
    let mut mantissa: u64 = 0;
    let mut point: Option<usize> = None;
    for (i, &b) in digits.iter().enumerate() {
        let digit = b.wrapping_sub(b'0');
        if digit < 10 {
            mantissa = mantissa.wrapping_mul(10).wrapping_add(u64::from(digit));
        } else if b == b'.' && point.is_none() && i > 0 {
            point = Some(i);
        } else {
            return None;
        }
    }
    let scale = match point {
        Some(at) => digits.len().checked_sub(at + 1).filter(|s| *s > 0)?,
        None => 0,
    };
    let mantissa = i64::try_from(mantissa).ok()?;
    let mantissa = if digits.len() < bytes.len() {
        -mantissa
    } else {
        mantissa
    };
    Decimal::try_new(mantissa, u32::try_from(scale).ok()?).ok()
}

/// A JSON number's text as an exact decimal; exponents are scaled exactly or refused.
fn number_amount(raw: &str, location: &str) -> Result<ParsedAmount> {
    if raw.contains(['e', 'E']) {
        let amount = Decimal::from_scientific(raw).map_err(|_| Error::InvalidAmount {
            location: location.to_owned(),
            value: raw.to_owned(),
            reason: "too large or too precise".to_owned(),
        })?;
        return Ok(ParsedAmount {
            amount: amount.normalize(),
            currency: None,
        });
    }
    parse_amount(raw, location, AmountFormat::Point)
}

/// A quantity: blank is `None`; anything else must be a plain number (no currency).
pub fn quantity(cell: &Cell<'_>, at: CellAt<'_>) -> Result<Option<Decimal>> {
    if cell.is_blank() {
        return Ok(None);
    }
    let parsed = amount(cell, at)?;
    if parsed.currency.is_some() {
        return Err(at.invalid(cell, "a quantity has no currency"));
    }
    Ok(Some(parsed.amount))
}

/// A report period, "YYYY-MM" or a date "YYYY-MM-DD" within it. Blank is `None`.
pub fn period(cell: &Cell<'_>, at: CellAt<'_>) -> Result<Option<Period>> {
    let text = match cell {
        _ if cell.is_blank() => return Ok(None),
        Cell::Text(s) => s.trim(),
        _ => return Err(at.invalid(cell, "expected a period YYYY-MM")),
    };
    period_of_text(text)
        .map(Some)
        .map_err(|_| at.invalid(cell, "expected a period YYYY-MM or a date YYYY-MM-DD"))
}

/// A month as Arrow writes it: "YYYY-MM", or a date "YYYY-MM-DD" within it.
pub fn period_of_text(text: &str) -> Result<Period> {
    let text = text.trim();
    let bytes = text.as_bytes();
    match bytes.len() {
        // "2025-01-31"
        10 => parse_date(text).and_then(Period::of_date),
        // "202501", as Soracom and some Arrow templates write it
        6 => Period::parse_compact(text),
        // "2025-01-31T00:00:00Z" or "2025-01-31 00:00:00": the date part names the month
        n if n > 10 && matches!(bytes.get(10), Some(b'T' | b' ')) => {
            parse_date(text.get(..10).unwrap_or(text)).and_then(Period::of_date)
        }
        // "2025-01", or "2025/01"
        7 if bytes.get(4) == Some(&b'/') => Period::parse(&text.replacen('/', "-", 1)),
        _ => Period::parse(text),
    }
}

/// A currency code cell. Blank is `None`.
pub fn currency(cell: &Cell<'_>, at: CellAt<'_>) -> Result<Option<Currency>> {
    match cell {
        _ if cell.is_blank() => Ok(None),
        Cell::Text(s) => Currency::parse(s, at.column)
            .map(Some)
            .map_err(|_| at.invalid(cell, "expected an ISO 4217 currency code")),
        _ => Err(at.invalid(cell, "expected an ISO 4217 currency code")),
    }
}

/// The one currency a line is in: its currency column and any currency its amounts name must agree.
pub fn line_currency(
    named: &[Option<Currency>],
    payload: &str,
    row: usize,
) -> Result<Option<Currency>> {
    let mut found: Option<Currency> = None;
    for c in named.iter().flatten() {
        match found {
            Some(f) if f != *c => {
                return Err(Error::CurrencyMismatch {
                    location: format!("{payload} row {row}"),
                    left: f.to_string(),
                    right: c.to_string(),
                })
            }
            _ => found = Some(*c),
        }
    }
    Ok(found)
}

#[cfg(test)]
mod tests {
    use super::*;

    const AT: CellAt<'static> = CellAt {
        payload: "test",
        row: 7,
        column: "Total sell price",
    };

    fn d(s: &str) -> Decimal {
        Decimal::from_str_exact(s).unwrap()
    }

    #[test]
    fn amounts_are_exact_from_text_and_numbers() {
        let text = amount(&Cell::Text("€1,000.00".into()), AT).unwrap();
        assert_eq!(
            (text.amount, text.currency),
            (d("1000.00"), Some(Currency::EUR))
        );
        let sum = amount(&Cell::Number("0.1".into()), AT).unwrap().amount
            + amount(&Cell::Number("0.2".into()), AT).unwrap().amount;
        assert_eq!(sum, d("0.3"));
        assert_eq!(
            amount(&Cell::Number("1.5e-3".into()), AT).unwrap().amount,
            d("0.0015")
        );
        assert_eq!(
            amount(&Cell::Number("12E2".into()), AT).unwrap().amount,
            d("1200")
        );
        // 30 significant digits cannot be held exactly: refused, not rounded.
        assert!(amount(&Cell::Number("0.123456789012345678901234567891".into()), AT).is_err());
    }

    #[test]
    fn bad_amounts_name_row_column_and_value() {
        for bad in [
            Cell::Null,
            Cell::Text("".into()),
            Cell::Text("abc".into()),
            Cell::Bool(true),
            Cell::Nested("[1]".into()),
            Cell::Number("1e400".into()),
        ] {
            match amount(&bad, AT).unwrap_err() {
                Error::InvalidCell {
                    payload,
                    row,
                    column,
                    value,
                    ..
                } => {
                    assert_eq!(
                        (payload.as_str(), row, column.as_str()),
                        ("test", 7, "Total sell price")
                    );
                    assert_eq!(value, bad.display());
                }
                other => panic!("{other:?}"),
            }
        }
    }

    proptest::proptest! {
        #[test]
        fn the_fast_path_agrees_with_the_full_parser(s in "-?[0-9]{0,20}(\\.[0-9]{0,12})?") {
            let full = parse_amount(&s, "t", AmountFormat::Point).ok().map(|p| p.amount);
            if let Some(fast) = plain_amount(&s) {
                proptest::prop_assert_eq!(Some(fast), full);
                proptest::prop_assert_eq!(Some(fast.scale()), full.map(|f| f.scale()));
            }
        }
    }

    #[test]
    fn periods_quantities_currencies() {
        let p = |s: &str| period(&Cell::Text(s.into()), AT);
        assert_eq!(p("2025-01").unwrap(), Some(Period::new(2025, 1).unwrap()));
        assert_eq!(
            p("2025-01-31").unwrap(),
            Some(Period::new(2025, 1).unwrap())
        );
        assert_eq!(p(" ").unwrap(), None);
        assert_eq!(period(&Cell::Null, AT).unwrap(), None);
        for bad in ["2025-1", "2025-13", "2025-02-30", "Jan 2025"] {
            assert_eq!(p(bad).unwrap_err().code(), "invalid_cell", "{bad}");
        }
        assert!(period(&Cell::Number("202501".into()), AT).is_err());
        assert_eq!(
            quantity(&Cell::Number("2".into()), AT).unwrap(),
            Some(d("2"))
        );
        assert_eq!(quantity(&Cell::Text("".into()), AT).unwrap(), None);
        assert!(quantity(&Cell::Text("€2".into()), AT).is_err());
        assert_eq!(
            currency(&Cell::Text("eur".into()), AT).unwrap(),
            Some(Currency::EUR)
        );
        assert!(currency(&Cell::Text("EURO".into()), AT).is_err());
        assert_eq!(
            line_currency(&[None, Some(Currency::EUR), Some(Currency::USD)], "t", 2)
                .unwrap_err()
                .code(),
            "currency_mismatch"
        );
        assert_eq!(
            line_currency(&[None, Some(Currency::EUR)], "t", 2).unwrap(),
            Some(Currency::EUR)
        );
    }
}

#[cfg(test)]
mod period_forms {
    use super::period_of_text;

    #[test]
    fn report_periods_in_the_forms_vendors_write() {
        for text in [
            "2025-01",
            "2025/01",
            "202501",
            "2025-01-31",
            "2025-01-31T23:59:59Z",
            "2025-01-01 00:00:00",
            " 2025-01 ",
        ] {
            assert_eq!(
                period_of_text(text).unwrap().to_string(),
                "2025-01",
                "{text}"
            );
        }
        for bad in [
            "01/2025",
            "2025-13",
            "2025-1",
            "Jan 2025",
            "",
            "2025-01-32",
            "20251",
            "2025-01-31X",
        ] {
            assert!(period_of_text(bad).is_err(), "{bad}");
        }
    }
}
