//! One reading of Soracom's small JSON objects from either way in: the JSON text (the fast, exact path,
//! walked with the strict scanner) or a `serde_json::Value` (the object path). Both produce a
//! [`RawDocument`]: the members the model knows, as cells, and the elements of its one list (`billList`).
//! The models then read fields from it with one set of rules and one set of errors.
//!
//! Rules shared by every model:
//! - unknown members are ignored (Soracom adds fields), `null` reads as absent (every field is optional);
//! - a known member given twice in the text is refused: two amounts for one bill cannot both be right
//!   (the value path cannot see duplicates; serde_json keeps the last);
//! - a member of the wrong JSON type is refused, e.g. an amount written as a string.
//!
//! Errors are [`Error::InvalidCell`]: `payload` names the model, `row` is the 1-based element of the list
//! (0 for the document's own members), `column` is the member's name (`billList.amount` inside the list)
//! and `value` its JSON text.

use std::borrow::Cow;

use rust_decimal::Decimal;
use serde_json::Value;

use super::number::{exact_decimal, exact_json_number};
use crate::error::{Error, Result};
use crate::money::Currency;
use crate::readers::cells::Cell;
use crate::readers::json_scan::Scanner;

/// The currencies Soracom's API documents. Anything else is refused rather than stored: a new one is a
/// one-line change here, a wrong one would be money in a currency nobody bills in.
pub const CURRENCIES: [Currency; 3] = [Currency::JPY, Currency::USD, Currency::EUR];

/// What a model reads: its members and, optionally, one list of objects with their own members.
pub(crate) struct Shape {
    pub payload: &'static str,
    pub keys: &'static [&'static str],
    pub list: Option<(&'static str, &'static [&'static str])>,
}

struct Member<'a> {
    key: &'static str,
    cell: Cell<'a>,
    /// A number that went through `f64` (the value path), so only 15 significant digits are trustworthy.
    via_f64: Option<&'a serde_json::Number>,
}

/// The known members of one object, located for errors.
pub(crate) struct RawObject<'a> {
    payload: &'static str,
    row: usize,
    prefix: Option<&'static str>,
    members: Vec<Member<'a>>,
}

pub(crate) struct RawDocument<'a> {
    pub top: RawObject<'a>,
    /// `None` when the list is absent or null.
    pub list: Option<Vec<RawObject<'a>>>,
}

impl<'a> RawObject<'a> {
    fn new(payload: &'static str, row: usize, prefix: Option<&'static str>) -> RawObject<'a> {
        RawObject {
            payload,
            row,
            prefix,
            members: Vec::new(),
        }
    }

    pub fn row(&self) -> usize {
        self.row
    }

    /// The member's name as errors show it.
    pub fn column(&self, key: &str) -> String {
        match self.prefix {
            Some(list) => format!("{list}.{key}"),
            None => key.to_owned(),
        }
    }

    /// An error about member `key` holding `value`.
    pub fn invalid(&self, key: &str, value: impl Into<String>, reason: impl Into<String>) -> Error {
        Error::InvalidCell {
            payload: self.payload.to_owned(),
            row: self.row,
            column: self.column(key),
            value: value.into(),
            reason: reason.into(),
        }
    }

    fn push(&mut self, key: &'static str, cell: Cell<'a>, via_f64: Option<&'a serde_json::Number>) {
        self.members.push(Member { key, cell, via_f64 });
    }

    fn member(&self, key: &str) -> Option<&Member<'a>> {
        self.members
            .iter()
            .find(|m| m.key == key && m.cell != Cell::Null)
    }

    /// An amount: a JSON number, read exactly. `None` when absent.
    pub fn amount(&self, key: &str) -> Result<Option<Decimal>> {
        let Some(m) = self.member(key) else {
            return Ok(None);
        };
        let read = match (&m.cell, m.via_f64) {
            (Cell::Number(_), Some(n)) => exact_json_number(n),
            (Cell::Number(text), None) => exact_decimal(text),
            (other, _) => return Err(self.invalid(key, other.display(), "expected a number")),
        };
        read.map(Some)
            .map_err(|reason| self.invalid(key, m.cell.display(), reason))
    }

    /// A required amount.
    pub fn required_amount(&self, key: &str) -> Result<Decimal> {
        self.amount(key)?
            .ok_or_else(|| self.invalid(key, "", "missing: an amount is required"))
    }

    /// A string member. `None` when absent.
    pub fn text(&self, key: &str) -> Result<Option<&str>> {
        match self.member(key).map(|m| &m.cell) {
            None => Ok(None),
            Some(Cell::Text(s)) => Ok(Some(s.as_ref())),
            Some(other) => Err(self.invalid(key, other.display(), "expected a string")),
        }
    }

    /// A string member parsed by `parse`, whose error reason is kept. `None` when absent.
    pub fn parsed<T>(
        &self,
        key: &str,
        parse: impl FnOnce(&str) -> std::result::Result<T, String>,
    ) -> Result<Option<T>> {
        match self.text(key)? {
            None => Ok(None),
            Some(s) => parse(s)
                .map(Some)
                .map_err(|reason| self.invalid(key, s, reason)),
        }
    }

    /// The currency of this object's amounts: its `key` member, or `default` (from settings) for payloads
    /// older than the field. Neither is an error naming the member: billsync never guesses a currency.
    pub fn currency(&self, key: &str, default: Option<Currency>) -> Result<(Currency, bool)> {
        match self.text(key)? {
            Some(code) => CURRENCIES
                .iter()
                .find(|c| c.as_str() == code)
                .map(|c| (*c, true))
                .ok_or_else(|| self.invalid(key, code, "expected one of JPY, USD, EUR")),
            None => default.map(|c| (c, false)).ok_or_else(|| {
                self.invalid(
                    key,
                    "",
                    "missing (the payload predates Soracom's currency field) and no default currency is \
                     configured",
                )
            }),
        }
    }
}

/// Reads a document from JSON text, strictly.
pub(crate) fn read_text<'a>(text: &'a str, shape: &Shape) -> Result<RawDocument<'a>> {
    let mut scanner = Scanner::new(text, shape.payload);
    let mut top = RawObject::new(shape.payload, 0, None);
    let mut list = None;
    scanner.begin_object()?;
    let mut first = true;
    while let Some(key) = scanner.next_key(&mut first)? {
        if let Some((list_key, item_keys)) = shape.list.filter(|(k, _)| *k == key) {
            if list.is_some() {
                return Err(top.invalid(list_key, "", "given twice"));
            }
            list = Some(scan_list(&mut scanner, shape.payload, list_key, item_keys)?);
            continue;
        }
        read_member(&mut scanner, &mut top, shape.keys, &key)?;
    }
    scanner.finish()?;
    Ok(RawDocument {
        top,
        list: list.flatten(),
    })
}

fn read_member<'a>(
    scanner: &mut Scanner<'a>,
    object: &mut RawObject<'a>,
    keys: &'static [&'static str],
    key: &str,
) -> Result<()> {
    let Some(known) = keys.iter().find(|k| **k == key) else {
        return scanner.skip_value();
    };
    if object.members.iter().any(|m| m.key == *known) {
        let value = scanner.cell()?;
        return Err(object.invalid(known, value.display(), "given twice"));
    }
    let cell = scanner.cell()?;
    object.push(known, cell, None);
    Ok(())
}

/// The list member's value: `null` (absent) or an array of objects.
fn scan_list<'a>(
    scanner: &mut Scanner<'a>,
    payload: &'static str,
    list_key: &'static str,
    item_keys: &'static [&'static str],
) -> Result<Option<Vec<RawObject<'a>>>> {
    let doc = RawObject::new(payload, 0, None);
    match scanner.peek_value() {
        Some(b'[') => {}
        Some(b'n') => {
            let cell = scanner.cell()?;
            return match cell {
                Cell::Null => Ok(None),
                other => Err(doc.invalid(list_key, other.display(), "expected an array")),
            };
        }
        _ => {
            let cell = scanner.cell()?;
            return Err(doc.invalid(list_key, cell.display(), "expected an array"));
        }
    }
    scanner.begin_array()?;
    let mut items = Vec::new();
    let mut first = true;
    while scanner.next_element(&mut first)? {
        let row = items.len() + 1;
        let mut item = RawObject::new(payload, row, Some(list_key));
        if scanner.peek_value() != Some(b'{') {
            let cell = scanner.cell()?;
            return Err(item.invalid(list_key, cell.display(), "expected an object"));
        }
        scanner.begin_object()?;
        let mut first_key = true;
        while let Some(key) = scanner.next_key(&mut first_key)? {
            read_member(scanner, &mut item, item_keys, &key)?;
        }
        items.push(item);
    }
    Ok(Some(items))
}

/// Reads a document from a JSON value. Numbers that went through `f64` are trusted to 15 digits only.
pub(crate) fn read_value<'a>(value: &'a Value, shape: &Shape) -> Result<RawDocument<'a>> {
    let Value::Object(map) = value else {
        return Err(Error::InvalidPayload {
            payload: shape.payload.to_owned(),
            offset: 0,
            reason: "expected an object".to_owned(),
        });
    };
    let top = object_of_map(map, shape.payload, 0, None, shape.keys);
    let mut list = None;
    if let Some((list_key, item_keys)) = shape.list {
        match map.get(list_key) {
            None | Some(Value::Null) => {}
            Some(Value::Array(elements)) => {
                let mut items = Vec::with_capacity(elements.len());
                for (i, element) in elements.iter().enumerate() {
                    let Value::Object(m) = element else {
                        let at = RawObject::new(shape.payload, i + 1, Some(list_key));
                        return Err(at.invalid(
                            list_key,
                            element.to_string(),
                            "expected an object",
                        ));
                    };
                    items.push(object_of_map(
                        m,
                        shape.payload,
                        i + 1,
                        Some(list_key),
                        item_keys,
                    ));
                }
                list = Some(items);
            }
            Some(other) => {
                return Err(top.invalid(list_key, other.to_string(), "expected an array"));
            }
        }
    }
    Ok(RawDocument { top, list })
}

fn object_of_map<'a>(
    map: &'a serde_json::Map<String, Value>,
    payload: &'static str,
    row: usize,
    prefix: Option<&'static str>,
    keys: &'static [&'static str],
) -> RawObject<'a> {
    let mut object = RawObject::new(payload, row, prefix);
    for key in keys {
        if let Some(value) = map.get(*key) {
            let via_f64 = match value {
                Value::Number(n) if n.is_f64() => Some(n),
                _ => None,
            };
            let cell = match value {
                Value::String(s) => Cell::Text(Cow::Borrowed(s.as_str())),
                other => Cell::of_json(other),
            };
            object.push(key, cell, via_f64);
        }
    }
    object
}

#[cfg(test)]
mod tests {
    use super::*;

    static SHAPE: Shape = Shape {
        payload: "test",
        keys: &["amount", "currency", "name"],
        list: Some(("billList", &["amount", "date"])),
    };

    fn both(text: &str) -> [Result<RawDocument<'static>>; 2] {
        let text: &'static str = Box::leak(text.to_owned().into_boxed_str());
        let value: &'static Value = Box::leak(Box::new(serde_json::from_str(text).unwrap()));
        [read_text(text, &SHAPE), read_value(value, &SHAPE)]
    }

    #[test]
    fn reads_known_members_ignoring_others() {
        for doc in both(
            r#"{"amount": 12.5, "extra": {"deep": [1,2]}, "name": "x", "billList": [{"amount": 1, "date": "20220901", "z": null}]}"#,
        ) {
            let doc = doc.unwrap();
            assert_eq!(
                doc.top.amount("amount").unwrap(),
                Some(Decimal::new(125, 1))
            );
            assert_eq!(doc.top.text("name").unwrap(), Some("x"));
            assert_eq!(doc.top.text("currency").unwrap(), None);
            let list = doc.list.unwrap();
            assert_eq!(list.len(), 1);
            assert_eq!(list[0].row(), 1);
            assert_eq!(list[0].text("date").unwrap(), Some("20220901"));
        }
    }

    #[test]
    fn wrong_types_name_the_member() {
        for doc in both(r#"{"amount": "12", "name": 5}"#) {
            let doc = doc.unwrap();
            match doc.top.amount("amount").unwrap_err() {
                Error::InvalidCell {
                    column, value, row, ..
                } => {
                    assert_eq!((column.as_str(), value.as_str(), row), ("amount", "12", 0));
                }
                other => panic!("{other:?}"),
            }
            assert_eq!(doc.top.text("name").unwrap_err().code(), "invalid_cell");
        }
        for doc in both(r#"{"billList": [{"amount": 1}, 7]}"#) {
            match doc.err().unwrap() {
                Error::InvalidCell { row, column, .. } => {
                    assert_eq!((row, column.as_str()), (2, "billList.billList"))
                }
                other => panic!("{other:?}"),
            }
        }
        for doc in both(r#"{"billList": {"amount": 1}}"#) {
            assert_eq!(doc.err().unwrap().code(), "invalid_cell");
        }
        for doc in both(r#"{"billList": null, "amount": null}"#) {
            let doc = doc.unwrap();
            assert!(doc.list.is_none());
            assert_eq!(doc.top.amount("amount").unwrap(), None);
        }
    }

    #[test]
    fn text_path_refuses_duplicates_and_malformed_json() {
        let e = read_text(r#"{"amount": 1, "amount": 2}"#, &SHAPE)
            .err()
            .unwrap();
        assert!(e.to_string().contains("given twice"));
        for bad in [
            "",
            "[]",
            "{",
            r#"{"amount": 1,}"#,
            r#"{"amount": 1} x"#,
            "nul",
        ] {
            assert!(read_text(bad, &SHAPE).is_err(), "{bad}");
        }
        assert_eq!(
            read_value(&serde_json::json!([1]), &SHAPE)
                .err()
                .unwrap()
                .code(),
            "invalid_payload"
        );
    }

    #[test]
    fn currencies_come_from_the_payload_or_the_default() {
        let doc = read_text(r#"{"currency": "JPY"}"#, &SHAPE).unwrap();
        assert_eq!(
            doc.top.currency("currency", None).unwrap(),
            (Currency::JPY, true)
        );
        let doc = read_text(r#"{}"#, &SHAPE).unwrap();
        assert_eq!(
            doc.top.currency("currency", Some(Currency::USD)).unwrap(),
            (Currency::USD, false)
        );
        let e = doc.top.currency("currency", None).unwrap_err();
        assert!(e.to_string().contains("currency") && e.to_string().contains("default"));
        for bad in [
            r#"{"currency": "jpy"}"#,
            r#"{"currency": "YEN"}"#,
            r#"{"currency": 1}"#,
        ] {
            let doc = read_text(bad, &SHAPE).unwrap();
            assert!(doc.top.currency("currency", None).is_err(), "{bad}");
        }
    }
}
