//! Field parsers with the rules and messages of Django REST framework, so that a client written against the
//! reference API sees the same `{"field": ["message"]}` errors from billsync.
//!
//! [`Fields`] reads a request object and collects every problem instead of stopping at the first: a client
//! fixes a form in one round trip, not one field per request.

use chrono::NaiveDate;
use serde_json::{Map, Value};

use crate::error::{Error, FieldErrors, Result, NON_FIELD_ERRORS};
use crate::period::{parse_date, Period};

pub const REQUIRED: &str = "This field is required.";
pub const NOT_NULL: &str = "This field may not be null.";
pub const NOT_BLANK: &str = "This field may not be blank.";
pub const INVALID_INTEGER: &str = "A valid integer is required.";
pub const INVALID_BOOLEAN: &str = "Must be a valid boolean.";
pub const INVALID_UUID: &str = "Must be a valid UUID.";
pub const INVALID_STRING: &str = "Not a valid string.";
pub const INVALID_PERIOD: &str = "Enter a period in YYYY-MM format.";
pub const INVALID_DATE: &str =
    "Date has wrong format. Use one of these formats instead: YYYY-MM-DD.";
pub const INVALID_PAGE: &str = "Invalid page.";

/// DRF refuses to convert longer strings to numbers; so do we, which also bounds the work per field.
const MAX_NUMBER_TEXT: usize = 1000;

/// Python writes floats of 1e16 and above in exponent form, which DRF's IntegerField then rejects; below
/// that every integral float is exact, so accepting it as an integer loses nothing.
const MAX_INTEGRAL_FLOAT: f64 = 1e15;

/// Where a request's fields come from. The two differ in what "empty" means.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// A JSON body: `""` is "may not be blank" and a required `null` is "may not be null", as in a DRF
    /// serializer. An optional `null` counts as absent (DRF's allow_null): a JS object with an
    /// `undefined` member arrives as null, and normalised requests write absent fields as null.
    Body,
    /// Query parameters: `null` and blank values mean the parameter is absent, as django-filter and DRF's
    /// paginator treat `?state=&page=`.
    Query,
}

/// The fields of one request, and the errors found in them so far.
pub struct Fields<'a> {
    values: Option<&'a Map<String, Value>>,
    source: Source,
    errors: FieldErrors,
    /// The names read so far, for [`Fields::refuse_unknown`].
    asked: Vec<String>,
}

impl<'a> Fields<'a> {
    /// `null` stands for an empty request (no body, no query string); anything but an object is refused
    /// with DRF's message for a serializer given the wrong type.
    pub fn new(input: &'a Value, source: Source) -> Result<Fields<'a>> {
        let values = match input {
            Value::Null => None,
            Value::Object(map) => Some(map),
            other => {
                return Err(Error::field(
                    NON_FIELD_ERRORS,
                    format!(
                        "Invalid data. Expected a dictionary, but got {}.",
                        python_type(other)
                    ),
                ))
            }
        };
        Ok(Fields {
            values,
            source,
            errors: FieldErrors::new(),
            asked: Vec::new(),
        })
    }

    pub fn reject(&mut self, field: &str, message: impl Into<String>) {
        self.errors
            .entry(field.to_owned())
            .or_default()
            .push(message.into());
    }

    /// The value given for `name`, or None after recording why there is none when one was needed.
    fn take(&mut self, name: &str, required: bool) -> Option<&'a Value> {
        self.asked.push(name.to_owned());
        let value = self.values.and_then(|map| map.get(name));
        let value = match (self.source, value) {
            (Source::Query, Some(Value::Null)) => None,
            (Source::Query, Some(Value::String(text))) if text.trim().is_empty() => None,
            (Source::Body, Some(Value::Null)) if !required => None,
            (_, value) => value,
        };
        match value {
            None => {
                if required {
                    self.reject(name, REQUIRED);
                }
                None
            }
            Some(Value::Null) => {
                self.reject(name, NOT_NULL);
                None
            }
            Some(value) => Some(value),
        }
    }

    fn read<T>(
        &mut self,
        name: &str,
        required: bool,
        parse: impl FnOnce(&Value) -> Result<T, String>,
    ) -> Option<T> {
        let value = self.take(name, required)?;
        match parse(value) {
            Ok(parsed) => Some(parsed),
            Err(message) => {
                self.reject(name, message);
                None
            }
        }
    }

    /// A field that must be present; None (with the error recorded) when it is missing or invalid.
    pub fn required<T>(
        &mut self,
        name: &str,
        parse: impl FnOnce(&Value) -> Result<T, String>,
    ) -> Option<T> {
        self.read(name, true, parse)
    }

    /// A field that may be absent; None when absent or invalid (the error is recorded).
    pub fn optional<T>(
        &mut self,
        name: &str,
        parse: impl FnOnce(&Value) -> Result<T, String>,
    ) -> Option<T> {
        self.read(name, false, parse)
    }

    /// A boolean with a default for when it is absent.
    pub fn flag(&mut self, name: &str, default: bool) -> bool {
        self.optional(name, boolean).unwrap_or(default)
    }

    /// Records an error on every parameter no parser asked for: a list's filters are strict (as DRF's
    /// filter backends are when strict), so a misspelt filter (`is_reconcilled=true`) is a 400 naming it,
    /// not the whole list. Call it after every field was read. A blank or null parameter is "not given".
    pub fn refuse_unknown(&mut self) {
        let Some(values) = self.values else {
            return;
        };
        let mut known = self.asked.clone();
        crate::sort::sort_dedup(&mut known);
        let unknown: Vec<&String> = values
            .iter()
            .filter(|(name, value)| {
                !known.contains(name)
                    && !value.is_null()
                    && !value.as_str().is_some_and(|text| text.trim().is_empty())
            })
            .map(|(name, _)| name)
            .collect();
        for name in unknown {
            self.reject(
                name,
                format!("Unknown filter. This list takes: {}.", known.join(", ")),
            );
        }
    }

    /// Records an error on `from_name` when both ends of a range are known and `from` comes after `to`.
    pub fn ordered<T: PartialOrd + std::fmt::Display>(
        &mut self,
        (from_name, from): (&str, Option<&T>),
        (to_name, to): (&str, Option<&T>),
    ) {
        if let (Some(from), Some(to)) = (from, to) {
            if from > to {
                self.reject(
                    from_name,
                    format!("{from_name} ({from}) must not be after {to_name} ({to})."),
                );
            }
        }
    }

    /// The request, or every error found. `build` sees the parsed fields: it returns None only when a
    /// required field is missing, and such a field has always recorded its error already.
    pub fn finish<T>(self, build: impl FnOnce() -> Option<T>) -> Result<T> {
        if !self.errors.is_empty() {
            return Err(Error::Validation {
                fields: self.errors,
            });
        }
        build().ok_or_else(|| Error::field(NON_FIELD_ERRORS, "Invalid data."))
    }
}

/// The Python type DRF names in its "Expected a dictionary" message.
fn python_type(value: &Value) -> &'static str {
    match value {
        Value::Null => "NoneType",
        Value::Bool(_) => "bool",
        Value::Number(n) if n.is_i64() || n.is_u64() => "int",
        Value::Number(_) => "float",
        Value::String(_) => "str",
        Value::Array(_) => "list",
        Value::Object(_) => "dict",
    }
}

/// An integer as DRF's IntegerField reads it: a JSON integer, an integral float (12.0), or a string of
/// digits with an optional sign and an optional ".0" tail ("2025", " 7 ", "12.00"). Values beyond i128
/// saturate; every caller bounds the range, so they end up "too large" or "too small", as in DRF.
pub fn integer(value: &Value) -> Result<i128, String> {
    match value {
        Value::Number(number) => {
            if let Some(n) = number.as_i64() {
                return Ok(n.into());
            }
            if let Some(n) = number.as_u64() {
                return Ok(n.into());
            }
            match number.as_f64() {
                // Integral and bounded, so the cast is exact.
                Some(f) if f.fract() == 0.0 && f.abs() < MAX_INTEGRAL_FLOAT => Ok(f as i128),
                _ => Err(INVALID_INTEGER.to_owned()),
            }
        }
        Value::String(text) => integer_text(text).ok_or_else(|| INVALID_INTEGER.to_owned()),
        _ => Err(INVALID_INTEGER.to_owned()),
    }
}

fn integer_text(text: &str) -> Option<i128> {
    if text.len() > MAX_NUMBER_TEXT {
        return None;
    }
    let trimmed = text.trim();
    let (negative, unsigned) = match trimmed.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, trimmed.strip_prefix('+').unwrap_or(trimmed)),
    };
    let digits = match unsigned.split_once('.') {
        Some((whole, zeros)) if zeros.bytes().all(|b| b == b'0') => whole,
        Some(_) => return None,
        None => unsigned,
    };
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let magnitude = digits
        .bytes()
        .try_fold(0i128, |acc, b| {
            acc.checked_mul(10)?
                .checked_add(i128::from(b.checked_sub(b'0')?))
        })
        .unwrap_or(i128::MAX);
    Some(if negative { -magnitude } else { magnitude })
}

/// An integer within `min..=max`, with DRF's min_value / max_value messages.
pub fn integer_in(min: i64, max: i64) -> impl Fn(&Value) -> Result<i64, String> {
    move |value| {
        let n = integer(value)?;
        if n < i128::from(min) {
            return Err(format!(
                "Ensure this value is greater than or equal to {min}."
            ));
        }
        if n > i128::from(max) {
            return Err(format!("Ensure this value is less than or equal to {max}."));
        }
        i64::try_from(n).map_err(|_| INVALID_INTEGER.to_owned())
    }
}

/// A boolean as DRF's BooleanField reads it: the JSON literals, 1 and 0, and the words DRF knows.
pub fn boolean(value: &Value) -> Result<bool, String> {
    let parsed = match value {
        Value::Bool(b) => Some(*b),
        Value::Number(number) => match number.as_f64() {
            Some(1.0) => Some(true),
            Some(0.0) => Some(false),
            _ => None,
        },
        Value::String(text) => match text.as_str() {
            "true" | "True" | "TRUE" | "t" | "T" | "yes" | "Yes" | "YES" | "y" | "Y" | "on"
            | "On" | "ON" | "1" => Some(true),
            "false" | "False" | "FALSE" | "f" | "F" | "no" | "No" | "NO" | "n" | "N" | "off"
            | "Off" | "OFF" | "0" => Some(false),
            _ => None,
        },
        _ => None,
    };
    parsed.ok_or_else(|| INVALID_BOOLEAN.to_owned())
}

/// A UUID, hyphenated (8-4-4-4-12) or as 32 hex digits, in any case; normalised to lowercase hyphenated,
/// the form stored and compared everywhere else.
pub fn uuid(value: &Value) -> Result<String, String> {
    let Value::String(text) = value else {
        return Err(INVALID_UUID.to_owned());
    };
    let hyphenated = text.len() == 36
        && text
            .char_indices()
            .all(|(i, c)| matches!(i, 8 | 13 | 18 | 23) == (c == '-'));
    let hex: String = if hyphenated {
        text.chars().filter(|c| *c != '-').collect()
    } else {
        text.clone()
    };
    if hex.len() != 32 || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(INVALID_UUID.to_owned());
    }
    let hex = hex.to_ascii_lowercase();
    // All 32 bytes are ASCII hex digits, so every slice below is on a char boundary and in range.
    let part = |from: usize, to: usize| hex.get(from..to).unwrap_or_default();
    Ok(format!(
        "{}-{}-{}-{}-{}",
        part(0, 8),
        part(8, 12),
        part(12, 16),
        part(16, 20),
        part(20, 32)
    ))
}

/// Free text as DRF's CharField reads it: surrounding whitespace is trimmed, blank is refused, and numbers
/// are taken as their decimal text (an Arrow reference typed as 12345 still names the license "12345").
pub fn text(value: &Value) -> Result<String, String> {
    match value {
        Value::String(text) => {
            let trimmed = text.trim();
            if trimmed.is_empty() {
                Err(NOT_BLANK.to_owned())
            } else if let Some(too_long) = crate::limits::string_too_long(trimmed) {
                Err(too_long)
            } else {
                Ok(trimmed.to_owned())
            }
        }
        Value::Number(number) => Ok(number.to_string()),
        _ => Err(INVALID_STRING.to_owned()),
    }
}

/// A billing period "YYYY-MM" within the supported years.
pub fn period(value: &Value) -> Result<Period, String> {
    let text = text(value).map_err(|message| match message.as_str() {
        NOT_BLANK => message,
        _ => INVALID_PERIOD.to_owned(),
    })?;
    Period::parse(&text).map_err(|_| INVALID_PERIOD.to_owned())
}

/// A date "YYYY-MM-DD". A bare "YYYY-MM" is taken as the first day of that month, since that is exactly
/// how Arrow's billing_period dates are stored and clients naturally write the month.
pub fn date(value: &Value) -> Result<NaiveDate, String> {
    let Value::String(text) = value else {
        return Err(INVALID_DATE.to_owned());
    };
    let text = text.trim();
    parse_date(text)
        .or_else(|_| Period::parse(text).map(Period::first_day))
        .map_err(|_| INVALID_DATE.to_owned())
}

/// One of a fixed set of strings, compared exactly, with DRF's ChoiceField message.
pub fn choice(options: &'static [&'static str]) -> impl Fn(&Value) -> Result<String, String> {
    move |value| {
        let given = match value {
            Value::String(text) => text.clone(),
            other => other.to_string(),
        };
        if options.contains(&given.as_str()) {
            Ok(given)
        } else {
            Err(format!("\"{given}\" is not a valid choice."))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn integers_follow_drf() {
        for (input, expected) in [
            (json!(2025), 2025),
            (json!("2025"), 2025),
            (json!(" 7 "), 7),
            (json!("+3"), 3),
            (json!("-3"), -3),
            (json!(12.0), 12),
            (json!("12.00"), 12),
            (json!(u64::MAX), i128::from(u64::MAX)),
        ] {
            assert_eq!(integer(&input), Ok(expected), "{input}");
        }
        for bad in [
            json!(2025.5),
            json!(true),
            json!(""),
            json!(" "),
            json!("12.5"),
            json!("1e3"),
            json!("0x10"),
            json!("٣"),
            json!(1e20),
            json!([1]),
            json!({}),
            json!("-"),
            json!("."),
        ] {
            assert_eq!(integer(&bad), Err(INVALID_INTEGER.to_owned()), "{bad}");
        }
        let huge = "9".repeat(200);
        assert_eq!(integer(&json!(huge)), Ok(i128::MAX));
        assert!(integer(&json!("9".repeat(1001))).is_err());
    }

    #[test]
    fn ranged_integers_name_the_bound() {
        let year = integer_in(2000, 2100);
        assert_eq!(year(&json!("2000")), Ok(2000));
        assert_eq!(
            year(&json!(1999)),
            Err("Ensure this value is greater than or equal to 2000.".to_owned())
        );
        assert_eq!(
            year(&json!("9".repeat(300))),
            Err("Ensure this value is less than or equal to 2100.".to_owned())
        );
    }

    #[test]
    fn booleans_follow_drf() {
        for yes in [
            json!(true),
            json!(1),
            json!(1.0),
            json!("true"),
            json!("True"),
            json!("1"),
        ] {
            assert_eq!(boolean(&yes), Ok(true), "{yes}");
        }
        for yes in ["yes", "on", "ON", "t", "y"] {
            assert_eq!(boolean(&json!(yes)), Ok(true), "{yes}");
        }
        for no in [
            json!(false),
            json!(0),
            json!("false"),
            json!("False"),
            json!("0"),
        ] {
            assert_eq!(boolean(&no), Ok(false), "{no}");
        }
        for no in ["no", "off", "OFF", "f", "n"] {
            assert_eq!(boolean(&json!(no)), Ok(false), "{no}");
        }
        for bad in [
            json!(2),
            json!(""),
            json!("maybe"),
            json!(" true"),
            json!([]),
            json!(0.5),
        ] {
            assert_eq!(boolean(&bad), Err(INVALID_BOOLEAN.to_owned()), "{bad}");
        }
    }

    #[test]
    fn uuids_are_normalised() {
        let canonical = "a1b2c3d4-e5f6-7890-abcd-ef1234567890";
        for input in [
            canonical,
            "A1B2C3D4-E5F6-7890-ABCD-EF1234567890",
            "a1b2c3d4e5f67890abcdef1234567890",
        ] {
            assert_eq!(uuid(&json!(input)), Ok(canonical.to_owned()), "{input}");
        }
        for bad in [
            json!(""),
            json!("a1b2c3d4-e5f6-7890-abcd-ef123456789"),
            json!("a1b2c3d4e5f6-7890-abcd-ef1234567890-"),
            json!("g1b2c3d4-e5f6-7890-abcd-ef1234567890"),
            json!(" a1b2c3d4e5f67890abcdef1234567890"),
            json!("a1b2c3d4-e5f67890-abcd-ef12-34567890"),
            json!("ä1b2c3d4-e5f6-7890-abcd-ef123456789"),
            json!(12),
        ] {
            assert_eq!(uuid(&bad), Err(INVALID_UUID.to_owned()), "{bad}");
        }
    }

    #[test]
    fn text_periods_dates_and_choices() {
        assert_eq!(text(&json!("  XSP1 ")), Ok("XSP1".to_owned()));
        assert_eq!(text(&json!(12345)), Ok("12345".to_owned()));
        assert_eq!(text(&json!("  ")), Err(NOT_BLANK.to_owned()));
        assert_eq!(text(&json!(true)), Err(INVALID_STRING.to_owned()));
        assert_eq!(
            period(&json!("2025-03")).map(|p| p.to_string()),
            Ok("2025-03".to_owned())
        );
        assert_eq!(period(&json!("")), Err(NOT_BLANK.to_owned()));
        for bad in [
            json!("2025-3"),
            json!("1999-12"),
            json!("2025-13"),
            json!(202503),
        ] {
            assert_eq!(period(&bad), Err(INVALID_PERIOD.to_owned()), "{bad}");
        }
        assert_eq!(
            date(&json!("2024-02-29")).map(|d| d.to_string()),
            Ok("2024-02-29".to_owned())
        );
        assert_eq!(
            date(&json!("2024-02")).map(|d| d.to_string()),
            Ok("2024-02-01".to_owned())
        );
        for bad in [
            json!("2025-02-29"),
            json!("2025-2-1"),
            json!(20250201),
            json!(""),
        ] {
            assert_eq!(date(&bad), Err(INVALID_DATE.to_owned()), "{bad}");
        }
        let state = choice(&["pending", "validated"]);
        assert_eq!(state(&json!("validated")), Ok("validated".to_owned()));
        assert_eq!(
            state(&json!("Pending")),
            Err("\"Pending\" is not a valid choice.".to_owned())
        );
        assert_eq!(
            state(&json!(3)),
            Err("\"3\" is not a valid choice.".to_owned())
        );
    }

    #[test]
    fn non_objects_are_refused_like_drf() {
        let message = |input: Value| {
            Fields::new(&input, Source::Body)
                .err()
                .and_then(|e| e.fields().cloned())
                .and_then(|f| f.get(NON_FIELD_ERRORS).cloned())
        };
        assert_eq!(
            message(json!("x")),
            Some(vec![
                "Invalid data. Expected a dictionary, but got str.".to_owned()
            ])
        );
        assert_eq!(
            message(json!([1])),
            Some(vec![
                "Invalid data. Expected a dictionary, but got list.".to_owned()
            ])
        );
        assert_eq!(
            message(json!(1)),
            Some(vec![
                "Invalid data. Expected a dictionary, but got int.".to_owned()
            ])
        );
        assert_eq!(
            message(json!(1.5)),
            Some(vec![
                "Invalid data. Expected a dictionary, but got float.".to_owned()
            ])
        );
        assert_eq!(
            message(json!(false)),
            Some(vec![
                "Invalid data. Expected a dictionary, but got bool.".to_owned()
            ])
        );
        assert!(Fields::new(&Value::Null, Source::Body).is_ok());
    }

    #[test]
    fn body_and_query_differ_on_empty_values() {
        let input = json!({"a": null, "b": "", "c": "  "});
        let mut body = Fields::new(&input, Source::Body).unwrap();
        assert_eq!(body.optional("a", text), None);
        assert_eq!(body.required("a", text), None);
        assert_eq!(body.optional("b", text), None);
        assert_eq!(body.optional("c", uuid), None);
        assert_eq!(body.required("d", text), None);
        let fields = body
            .finish(|| Some(()))
            .unwrap_err()
            .fields()
            .cloned()
            .unwrap();
        assert_eq!(fields.get("a"), Some(&vec![NOT_NULL.to_owned()]));
        assert_eq!(fields.get("b"), Some(&vec![NOT_BLANK.to_owned()]));
        assert_eq!(fields.get("c"), Some(&vec![INVALID_UUID.to_owned()]));
        assert_eq!(fields.get("d"), Some(&vec![REQUIRED.to_owned()]));

        let mut query = Fields::new(&input, Source::Query).unwrap();
        assert_eq!(query.optional("a", text), None);
        assert_eq!(query.optional("b", text), None);
        assert_eq!(query.optional("c", uuid), None);
        assert_eq!(query.finish(|| Some(1)), Ok(1));
    }
}
