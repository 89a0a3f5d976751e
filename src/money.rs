//! Money: an exact decimal amount with its currency.
//!
//! Amounts are `rust_decimal::Decimal`, never floats. Parsing is strict: a value that is not an amount is an
//! error naming where it came from, never 0 (defect 9). Sums refuse to mix currencies (defect 10). Rounding
//! happens only when an amount is presented, to 2 decimals, half away from zero: the commercial rule that
//! invoices use, and the one a customer checks by hand (banker's rounding would turn 0.125 into 0.12).

use std::fmt;
use std::str::FromStr;

use rust_decimal::{Decimal, RoundingStrategy};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::error::{Error, Result};

/// An ISO 4217 code: three ASCII capital letters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Currency([u8; 3]);

impl Currency {
    pub const EUR: Currency = Currency(*b"EUR");
    pub const USD: Currency = Currency(*b"USD");
    pub const JPY: Currency = Currency(*b"JPY");
    pub const GBP: Currency = Currency(*b"GBP");
    /// ISO 4217's code for "no currency involved": amounts no input gave a currency for. They still never
    /// mix with amounts of a real currency.
    pub const XXX: Currency = Currency(*b"XXX");

    /// Parses a code, case-insensitively ("eur" is EUR). `location` names where the value came from.
    pub fn parse(input: &str, location: &str) -> Result<Currency> {
        let trimmed = input.trim();
        let bytes = trimmed.as_bytes();
        match bytes {
            [a, b, c] if bytes.iter().all(u8::is_ascii_alphabetic) => Ok(Currency([
                a.to_ascii_uppercase(),
                b.to_ascii_uppercase(),
                c.to_ascii_uppercase(),
            ])),
            _ => Err(Error::InvalidCurrency {
                location: location.to_owned(),
                value: input.to_owned(),
            }),
        }
    }

    pub fn as_str(&self) -> &str {
        // Only ASCII letters are ever stored.
        std::str::from_utf8(&self.0).unwrap_or("???")
    }

    /// The currency a sign stands for, where a sign is unambiguous enough to bill by.
    fn of_symbol(symbol: char) -> Option<Currency> {
        match symbol {
            '€' => Some(Currency::EUR),
            '$' => Some(Currency::USD),
            '£' => Some(Currency::GBP),
            '¥' | '￥' => Some(Currency::JPY),
            _ => None,
        }
    }
}

impl fmt::Display for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for Currency {
    fn serialize<S: Serializer>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for Currency {
    fn deserialize<D: Deserializer<'de>>(
        deserializer: D,
    ) -> std::result::Result<Currency, D::Error> {
        let text = String::deserialize(deserializer)?;
        Currency::parse(&text, "currency").map_err(serde::de::Error::custom)
    }
}

/// How the digits of an amount are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum AmountFormat {
    /// "1234.56" or "1,234.56": a point for decimals, commas as thousands separators. What Arrow sends.
    #[default]
    Point,
    /// "1 234,56" or "1.234,56": a comma for decimals. Only where a payload says it writes amounts so.
    Comma,
}

/// A parsed amount and the currency its text named, if it named one ("€1,000.00" names EUR).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ParsedAmount {
    pub amount: Decimal,
    pub currency: Option<Currency>,
}

fn bad_amount(location: &str, value: &str, reason: &str) -> Error {
    Error::InvalidAmount {
        location: location.to_owned(),
        value: value.to_owned(),
        reason: reason.to_owned(),
    }
}

/// Parses an amount exactly. Accepts a sign or accounting parentheses for negatives, a currency sign or
/// ISO code before or after the digits, and thousands separators that group by three. Rejects anything
/// else, including empty text, "NaN", exponents and more than 28 decimal places.
pub fn parse_amount(input: &str, location: &str, format: AmountFormat) -> Result<ParsedAmount> {
    // The hot path of bulk payloads: plain "-123.45" goes straight to the decimal parser.
    let plain = !input.is_empty()
        && input
            .bytes()
            .all(|b| b.is_ascii_digit() || b == b'.' || b == b'-')
        && format == AmountFormat::Point;
    if plain {
        return plain_decimal(input, input, location).map(|amount| ParsedAmount {
            amount,
            currency: None,
        });
    }

    let mut text = input.trim();
    if text.is_empty() {
        return Err(bad_amount(location, input, "empty"));
    }
    let mut negative = false;
    if let Some(inner) = text.strip_prefix('(').and_then(|t| t.strip_suffix(')')) {
        negative = true;
        text = inner.trim();
    }
    let (rest, currency) = strip_currency(text, input, location)?;
    text = rest;
    let (rest, sign) = strip_sign(text);
    text = rest;
    // A currency sign may also stand after the minus ("-€5.00"), but only one sign in all.
    let currency = match currency {
        Some(c) => Some(c),
        None => {
            let (rest, inner) = strip_currency(text, input, location)?;
            text = rest;
            inner
        }
    };
    if sign && negative {
        return Err(bad_amount(location, input, "two signs"));
    }
    negative |= sign;

    let (decimal_mark, group_marks): (char, &[char]) = match format {
        AmountFormat::Point => ('.', &[',', '\'', ' ', '\u{a0}', '\u{202f}']),
        AmountFormat::Comma => (',', &['.', ' ', '\u{a0}', '\u{202f}']),
    };
    let normalized = ungroup(text, decimal_mark, group_marks)
        .ok_or_else(|| bad_amount(location, input, "not an amount"))?;
    let amount = plain_decimal(&normalized, input, location)?;
    Ok(ParsedAmount {
        amount: if negative { -amount } else { amount },
        currency,
    })
}

fn strip_sign(text: &str) -> (&str, bool) {
    match text
        .strip_prefix('-')
        .or_else(|| text.strip_prefix('\u{2212}'))
    {
        Some(rest) => (rest.trim_start(), true),
        None => (text.strip_prefix('+').unwrap_or(text).trim_start(), false),
    }
}

/// Removes one currency sign or ISO code at either end.
fn strip_currency<'a>(
    text: &'a str,
    input: &str,
    location: &str,
) -> Result<(&'a str, Option<Currency>)> {
    let mut chars = text.chars();
    if let Some(first) = chars.next() {
        if let Some(c) = Currency::of_symbol(first) {
            return Ok((chars.as_str().trim_start(), Some(c)));
        }
    }
    let mut rev = text.chars();
    if let Some(last) = rev.next_back() {
        if let Some(c) = Currency::of_symbol(last) {
            return Ok((rev.as_str().trim_end(), Some(c)));
        }
    }
    let bytes = text.as_bytes();
    if bytes.len() > 4
        && bytes.get(3) == Some(&b' ')
        && bytes.iter().take(3).all(u8::is_ascii_alphabetic)
    {
        let code = text.get(..3).unwrap_or("");
        let rest = text.get(3..).unwrap_or("");
        let c = Currency::parse(code, location)
            .map_err(|_| bad_amount(location, input, "not an amount"))?;
        return Ok((rest.trim_start(), Some(c)));
    }
    if bytes.len() > 4
        && bytes.get(bytes.len() - 4) == Some(&b' ')
        && bytes.iter().rev().take(3).all(u8::is_ascii_alphabetic)
    {
        let split = text.len() - 3;
        let code = text.get(split..).unwrap_or("");
        let rest = text.get(..split).unwrap_or("");
        let c = Currency::parse(code, location)
            .map_err(|_| bad_amount(location, input, "not an amount"))?;
        return Ok((rest.trim_end(), Some(c)));
    }
    Ok((text, None))
}

/// Digits with grouping marks → digits with a '.' decimal point; None unless groups are of three.
fn ungroup(text: &str, decimal_mark: char, group_marks: &[char]) -> Option<String> {
    let (integer, fraction) = match text.split_once(decimal_mark) {
        Some((i, f)) => (i, Some(f)),
        None => (text, None),
    };
    let group = integer.chars().find(|c| group_marks.contains(c));
    let mut out = String::with_capacity(text.len());
    match group {
        None => out.push_str(integer),
        Some(mark) => {
            let mut groups = integer.split(mark);
            let head = groups.next()?;
            if head.is_empty() || head.len() > 3 {
                return None;
            }
            out.push_str(head);
            for g in groups {
                if g.len() != 3 {
                    return None;
                }
                out.push_str(g);
            }
        }
    }
    if !out.bytes().all(|b| b.is_ascii_digit()) || out.is_empty() {
        return None;
    }
    if let Some(f) = fraction {
        if f.is_empty() || !f.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        out.push('.');
        out.push_str(f);
    }
    Some(out)
}

/// "-123.45" → Decimal, exactly, or an error (no rounding of excess digits, no exponent, no bare ".5").
fn plain_decimal(text: &str, input: &str, location: &str) -> Result<Decimal> {
    let digits = text.strip_prefix('-').unwrap_or(text);
    let (integer, fraction) = match digits.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (digits, None),
    };
    let well_formed = !integer.is_empty()
        && integer.bytes().all(|b| b.is_ascii_digit())
        && fraction.is_none_or(|f| !f.is_empty() && f.bytes().all(|b| b.is_ascii_digit()));
    if !well_formed {
        return Err(bad_amount(location, input, "not an amount"));
    }
    Decimal::from_str_exact(text)
        .or_else(|error| match text.split_once('.') {
            // Trailing zeros of the fraction carry no value: without them an amount that uses every digit
            // of precision ("999…9.00", as render_exact writes it) parses exactly instead of failing. Only
            // retried on failure, so amounts that parse keep their scale.
            Some((_, fraction)) if fraction.ends_with('0') => {
                Decimal::from_str_exact(text.trim_end_matches('0').trim_end_matches('.'))
            }
            _ => Err(error),
        })
        .map_err(|_| bad_amount(location, input, "too large or too precise"))
}

/// An amount from a JSON value: a string as [`parse_amount`] reads it, or a number. JSON numbers are read
/// from their shortest round-trip text, which is exact for every amount with up to 15 significant digits.
pub fn amount_from_json(
    value: &serde_json::Value,
    location: &str,
    format: AmountFormat,
) -> Result<ParsedAmount> {
    match value {
        serde_json::Value::String(s) => parse_amount(s, location, format),
        serde_json::Value::Number(n) => {
            let text = n.to_string();
            // Integers print without exponent; floats print as Rust's shortest round-trip text, which may use
            // an exponent for very large or very small values.
            if text.contains(['e', 'E']) {
                let amount = Decimal::from_scientific(&text)
                    .map_err(|_| bad_amount(location, &text, "too large or too precise"))?;
                return Ok(ParsedAmount {
                    amount: amount.normalize(),
                    currency: None,
                });
            }
            parse_amount(&text, location, AmountFormat::Point)
        }
        other => Err(bad_amount(
            location,
            &other.to_string(),
            "expected a number or a string",
        )),
    }
}

/// Renders an amount with exactly 2 decimals, rounding half away from zero.
pub fn render(amount: Decimal) -> String {
    Rendered(amount).to_string()
}

/// An amount shown with exactly 2 decimals, rounding half away from zero ("-0.00" shows as "0.00"): what
/// [`render`] returns, written straight into whatever formats it, with no string of its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rendered(pub Decimal);

impl fmt::Display for Rendered {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let rounded = self
            .0
            .round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero);
        if rounded.is_zero() {
            f.write_str("0.00")
        } else {
            write!(f, "{rounded:.2}")
        }
    }
}

impl Serialize for Rendered {
    fn serialize<S: serde::Serializer>(
        &self,
        serializer: S,
    ) -> std::result::Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

/// Renders an amount losslessly, with at least 2 decimals ("5" → "5.00", "0.125" → "0.125").
pub fn render_exact(amount: Decimal) -> String {
    Exact(amount).to_string()
}

/// An amount shown losslessly with at least 2 decimals: what [`render_exact`] returns, written in place.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Exact(pub Decimal);

impl fmt::Display for Exact {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let normalized = self.0.normalize();
        if normalized.scale() < 2 {
            Rendered(normalized).fmt(f)
        } else {
            normalized.fmt(f)
        }
    }
}

/// An amount in one currency.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Money {
    pub amount: Decimal,
    pub currency: Currency,
}

impl Money {
    pub fn new(amount: Decimal, currency: Currency) -> Money {
        Money { amount, currency }
    }

    pub fn zero(currency: Currency) -> Money {
        Money::new(Decimal::ZERO, currency)
    }

    /// Parses text such as "€1,000.50". A currency named in the text must agree with `expected` when both
    /// are known; with neither, the amount has no currency to bill in and is an error.
    pub fn parse(input: &str, expected: Option<Currency>, location: &str) -> Result<Money> {
        let parsed = parse_amount(input, location, AmountFormat::Point)?;
        Money::from_parsed(parsed, expected, location, input)
    }

    pub fn from_parsed(
        parsed: ParsedAmount,
        expected: Option<Currency>,
        location: &str,
        input: &str,
    ) -> Result<Money> {
        let currency = match (parsed.currency, expected) {
            (Some(named), Some(wanted)) if named != wanted => {
                return Err(Error::CurrencyMismatch {
                    location: location.to_owned(),
                    left: named.to_string(),
                    right: wanted.to_string(),
                })
            }
            (Some(c), _) | (None, Some(c)) => c,
            (None, None) => {
                return Err(bad_amount(
                    location,
                    input,
                    "no currency given or named in the amount",
                ))
            }
        };
        Ok(Money::new(parsed.amount, currency))
    }

    /// The sum, or an error if the currencies differ or the sum overflows.
    pub fn checked_add(self, other: Money, location: &str) -> Result<Money> {
        self.same_currency(other, location)?;
        let amount = self
            .amount
            .checked_add(other.amount)
            .ok_or_else(|| Error::overflow(location))?;
        Ok(Money::new(amount, self.currency))
    }

    pub fn checked_sub(self, other: Money, location: &str) -> Result<Money> {
        self.same_currency(other, location)?;
        let amount = self
            .amount
            .checked_sub(other.amount)
            .ok_or_else(|| Error::overflow(location))?;
        Ok(Money::new(amount, self.currency))
    }

    fn same_currency(self, other: Money, location: &str) -> Result<()> {
        if self.currency != other.currency {
            return Err(Error::CurrencyMismatch {
                location: location.to_owned(),
                left: self.currency.to_string(),
                right: other.currency.to_string(),
            });
        }
        Ok(())
    }

    /// Sums amounts of one currency; an empty list sums to zero in `currency`.
    pub fn sum<I: IntoIterator<Item = Money>>(
        currency: Currency,
        items: I,
        location: &str,
    ) -> Result<Money> {
        items
            .into_iter()
            .try_fold(Money::zero(currency), |acc, m| acc.checked_add(m, location))
    }

    /// 2 decimals, half away from zero: how money is shown in responses.
    pub fn render(&self) -> String {
        render(self.amount)
    }
}

impl fmt::Display for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.render(), self.currency)
    }
}

/// Serde helpers for amounts stored at full precision and written as strings.
pub mod decimal_string {
    use super::*;

    pub fn serialize<S: Serializer>(
        amount: &Decimal,
        serializer: S,
    ) -> std::result::Result<S::Ok, S::Error> {
        serializer.collect_str(&Exact(*amount))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> std::result::Result<Decimal, D::Error> {
        let value = serde_json::Value::deserialize(deserializer)?;
        amount_from_json(&value, "amount", AmountFormat::Point)
            .map(|p| p.amount)
            .map_err(serde::de::Error::custom)
    }
}

/// Serde helpers for optional amounts: a string or null.
pub mod optional_decimal_string {
    use super::*;

    pub fn serialize<S: Serializer>(
        amount: &Option<Decimal>,
        serializer: S,
    ) -> std::result::Result<S::Ok, S::Error> {
        match amount {
            Some(a) => decimal_string::serialize(a, serializer),
            None => serializer.serialize_none(),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> std::result::Result<Option<Decimal>, D::Error> {
        let value = serde_json::Value::deserialize(deserializer)?;
        if value.is_null() {
            return Ok(None);
        }
        amount_from_json(&value, "amount", AmountFormat::Point)
            .map(|p| Some(p.amount))
            .map_err(serde::de::Error::custom)
    }
}

impl FromStr for Currency {
    type Err = Error;
    fn from_str(s: &str) -> Result<Currency> {
        Currency::parse(s, "currency")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn rendered_amounts_parse_back_even_at_full_precision() {
        // Found by fuzz/fuzz_targets/money_parse.rs: 27 nines render with ".00" to 29 digits, one more than
        // a Decimal holds; the zeros carry no value, so the text still parses, exactly.
        let amount = Decimal::from_str_exact("999999999999999999999999999").unwrap();
        let rendered = render_exact(amount);
        assert_eq!(rendered, "999999999999999999999999999.00");
        let parsed = parse_amount(&rendered, "test", AmountFormat::Point).unwrap();
        assert_eq!(parsed.amount, amount);
        assert_eq!(
            parse_amount("1.50", "test", AmountFormat::Point)
                .unwrap()
                .amount
                .scale(),
            2,
            "amounts that fit keep their scale"
        );
        assert!(parse_amount("0.00000000000000000000000000001", "t", AmountFormat::Point).is_err());
    }

    fn d(s: &str) -> Decimal {
        Decimal::from_str_exact(s).unwrap()
    }

    fn amount(s: &str) -> Result<Decimal> {
        parse_amount(s, "test", AmountFormat::Point).map(|p| p.amount)
    }

    #[test]
    fn parses_vendor_forms() {
        assert_eq!(amount("1000.00").unwrap(), d("1000.00"));
        assert_eq!(amount("1,000.00").unwrap(), d("1000.00"));
        assert_eq!(amount("-5").unwrap(), d("-5"));
        assert_eq!(amount("(5.00)").unwrap(), d("-5.00"));
        assert_eq!(amount(" 12 ").unwrap(), d("12"));
        assert_eq!(amount("1,234,567.891").unwrap(), d("1234567.891"));
        let eur = parse_amount("€1,000.50", "test", AmountFormat::Point).unwrap();
        assert_eq!(
            (eur.amount, eur.currency),
            (d("1000.50"), Some(Currency::EUR))
        );
        let usd = parse_amount("-$5.25", "test", AmountFormat::Point).unwrap();
        assert_eq!(
            (usd.amount, usd.currency),
            (d("-5.25"), Some(Currency::USD))
        );
        let code = parse_amount("12.50 EUR", "test", AmountFormat::Point).unwrap();
        assert_eq!(
            (code.amount, code.currency),
            (d("12.50"), Some(Currency::EUR))
        );
        let comma = parse_amount("1 000,00", "test", AmountFormat::Comma).unwrap();
        assert_eq!(comma.amount, d("1000.00"));
        assert_eq!(
            parse_amount("1.234,5", "t", AmountFormat::Comma)
                .unwrap()
                .amount,
            d("1234.5")
        );
    }

    #[test]
    fn rejects_what_is_not_an_amount() {
        for bad in [
            "",
            " ",
            "abc",
            "NaN",
            "1e5",
            "1,00",
            "12,34.5",
            ".5",
            "5.",
            "1.2.3",
            "--5",
            "(-5)",
            "€",
            "5 €€",
            "1 000,00",
            "0x10",
            "١٢",
            "12abc",
            "(5",
            "99999999999999999999999999999999",
        ] {
            let err = amount(bad).unwrap_err();
            assert_eq!(err.code(), "invalid_amount", "{bad:?}");
        }
        let err = amount("abc").unwrap_err();
        assert!(err.to_string().contains("test") && err.to_string().contains("abc"));
    }

    #[test]
    fn json_numbers_are_exact() {
        let v: serde_json::Value = serde_json::from_str("[0.1, 95, -0.07, 1e2, \"3.30\"]").unwrap();
        let got: Vec<Decimal> = v
            .as_array()
            .unwrap()
            .iter()
            .map(|x| {
                amount_from_json(x, "t", AmountFormat::Point)
                    .unwrap()
                    .amount
            })
            .collect();
        assert_eq!(got, [d("0.1"), d("95"), d("-0.07"), d("100"), d("3.30")]);
        assert!(amount_from_json(&serde_json::Value::Null, "t", AmountFormat::Point).is_err());
        assert!(amount_from_json(&serde_json::json!(true), "t", AmountFormat::Point).is_err());
    }

    #[test]
    fn money_refuses_to_mix_currencies() {
        let a = Money::new(d("1.00"), Currency::EUR);
        let b = Money::new(d("2.00"), Currency::USD);
        assert_eq!(
            a.checked_add(b, "sum").unwrap_err().code(),
            "currency_mismatch"
        );
        assert_eq!(a.checked_add(a, "sum").unwrap().amount, d("2.00"));
        let mismatch = Money::parse("$5", Some(Currency::EUR), "row 3").unwrap_err();
        assert_eq!(mismatch.code(), "currency_mismatch");
        assert_eq!(
            Money::parse("5", None, "x").unwrap_err().code(),
            "invalid_amount"
        );
        let max = Money::new(Decimal::MAX, Currency::EUR);
        assert_eq!(max.checked_add(a, "sum").unwrap_err().code(), "overflow");
    }

    #[test]
    fn renders_two_decimals_half_away_from_zero() {
        assert_eq!(render(d("0.125")), "0.13");
        assert_eq!(render(d("-0.125")), "-0.13");
        assert_eq!(render(d("0.124")), "0.12");
        assert_eq!(render(d("5")), "5.00");
        assert_eq!(render(d("-0.001")), "0.00");
        assert_eq!(render_exact(d("5")), "5.00");
        assert_eq!(render_exact(d("0.125")), "0.125");
        assert_eq!(render_exact(d("1000.500")), "1000.50");
    }

    #[test]
    fn currency_codes() {
        assert_eq!(Currency::parse("eur", "c").unwrap(), Currency::EUR);
        for bad in ["EU", "EURO", "€", "E1R", ""] {
            assert_eq!(
                Currency::parse(bad, "c").unwrap_err().code(),
                "invalid_currency"
            );
        }
    }

    proptest! {
        #[test]
        fn parse_never_panics(s in "\\PC{0,24}") {
            let _ = parse_amount(&s, "fuzz", AmountFormat::Point);
            let _ = parse_amount(&s, "fuzz", AmountFormat::Comma);
        }

        #[test]
        fn rendered_amounts_parse_back(units in -10_000_000_000i64..10_000_000_000i64) {
            let a = Decimal::new(units, 2);
            prop_assert_eq!(amount(&render(a)).unwrap(), a);
        }

        #[test]
        fn grouped_and_plain_agree(units in 0i64..10_000_000_000_000i64) {
            let a = Decimal::new(units, 2);
            let plain = render(a);
            let (int, frac) = plain.split_once('.').unwrap();
            let mut grouped = String::new();
            for (i, c) in int.chars().enumerate() {
                if i > 0 && (int.len() - i) % 3 == 0 { grouped.push(','); }
                grouped.push(c);
            }
            let grouped = format!("€{grouped}.{frac}");
            let parsed = parse_amount(&grouped, "p", AmountFormat::Point).unwrap();
            prop_assert_eq!(parsed.amount, a);
            prop_assert_eq!(parsed.currency, Some(Currency::EUR));
        }

        #[test]
        fn sums_are_exact_and_order_free(xs in proptest::collection::vec(-1_000_000i64..1_000_000, 0..50)) {
            let items: Vec<Money> = xs.iter().map(|x| Money::new(Decimal::new(*x, 2), Currency::EUR)).collect();
            let forward = Money::sum(Currency::EUR, items.iter().copied(), "s").unwrap();
            let backward = Money::sum(Currency::EUR, items.iter().rev().copied(), "s").unwrap();
            prop_assert_eq!(forward, backward);
            prop_assert_eq!(forward.amount, Decimal::new(xs.iter().sum::<i64>(), 2));
        }
    }
}
