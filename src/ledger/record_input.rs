//! Consumption records as a caller sends them to a preview: a JSON array of objects in the shape of the
//! consumption-records API, or as the store holds them (the three shapes a host has at hand: what a list
//! endpoint or method returned, and the stored rows). A record's source is read under the vendor's label or
//! the stored `source_ref`; its amounts under `consumed_sell`/`final_sell` or the `consumed_amount`/
//! `final_amount` of a vendor with one price. They are read in place, field by field, from the JSON text: a record's strings
//! borrow from its input, and fields the preview does not use are skipped without being built. Nothing is checked here beyond JSON types; [`super::preview`] checks every field.

use std::borrow::Cow;
use std::fmt;

use serde::de::{DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::{Number, Value};

use crate::error::{Error, Result};

/// One field of a record as the input gave it.
#[derive(Debug, Default, Clone, PartialEq)]
pub enum Cell<'a> {
    /// Not in the record.
    #[default]
    Absent,
    Null,
    Text(Cow<'a, str>),
    Number(Number),
    Bool(bool),
    /// An object or an array: never a valid field of a record.
    Nested(&'static str),
}

impl Cell<'_> {
    /// The text, trimmed; None when absent, null, blank or not text.
    pub fn text(&self) -> Option<&str> {
        match self {
            Cell::Text(t) => Some(t.trim()).filter(|t| !t.is_empty()),
            _ => None,
        }
    }

    pub fn is_null(&self) -> bool {
        matches!(self, Cell::Absent | Cell::Null)
    }

    /// The cell as a JSON value, for the checks that take one (numbers; error texts).
    pub fn to_value(&self) -> Value {
        match self {
            Cell::Absent | Cell::Null => Value::Null,
            Cell::Text(t) => Value::String(t.as_ref().to_owned()),
            Cell::Number(n) => Value::Number(n.clone()),
            Cell::Bool(b) => Value::Bool(*b),
            Cell::Nested(what) => Value::String((*what).to_owned()),
        }
    }
}

/// The fields of a record that a preview reads; `source` is the one the vendor names its unit under.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct RecordFields<'a> {
    pub uuid: Cell<'a>,
    pub source: Cell<'a>,
    pub resource_uuid: Cell<'a>,
    pub resource_name: Cell<'a>,
    pub customer_uuid: Cell<'a>,
    pub customer_name: Cell<'a>,
    pub billing_period: Cell<'a>,
    pub currency: Cell<'a>,
    pub consumed_sell: Cell<'a>,
    pub consumed_buy: Cell<'a>,
    pub final_sell: Cell<'a>,
    pub final_buy: Cell<'a>,
    pub invoice_item_uuid: Cell<'a>,
    pub compensation_item_uuid: Cell<'a>,
    pub last_sync_at: Cell<'a>,
    pub finalized_at: Cell<'a>,
    pub reconciled_at: Cell<'a>,
}

/// One element of the records array: a record, or something that is not an object.
pub type RecordSlot<'a> = Option<RecordFields<'a>>;

/// Reads the records array from JSON text; None when the text is JSON but not an array.
pub fn records_from_text<'a>(
    text: &'a str,
    source_label: &str,
) -> Result<Option<Vec<RecordSlot<'a>>>> {
    let invalid = |e: serde_json::Error| Error::InvalidPayload {
        payload: "input.records".to_owned(),
        offset: e.column(),
        reason: e.to_string(),
    };
    let mut reader = serde_json::Deserializer::from_str(text);
    let records = Records {
        label: source_label,
    }
    .deserialize(&mut reader)
    .map_err(invalid)?;
    reader.end().map_err(invalid)?;
    Ok(records)
}

/// A visitor's answer to a scalar (a number, text, a boolean, null): None, "not what was asked for", so the
/// caller reports it in its own words instead of serde's.
macro_rules! not_this_shape {
    () => {
        fn visit_bool<E>(self, _: bool) -> std::result::Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_i64<E>(self, _: i64) -> std::result::Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_u64<E>(self, _: u64) -> std::result::Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_f64<E>(self, _: f64) -> std::result::Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_str<E>(self, _: &str) -> std::result::Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_unit<E>(self) -> std::result::Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_none<E>(self) -> std::result::Result<Self::Value, E> {
            Ok(None)
        }
    };
}

/// The array: None when the input is not an array.
struct Records<'l> {
    label: &'l str,
}

impl<'de> DeserializeSeed<'de> for Records<'_> {
    type Value = Option<Vec<RecordSlot<'de>>>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> std::result::Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Records<'_> {
    type Value = Option<Vec<RecordSlot<'de>>>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a list of consumption records")
    }
    fn visit_seq<A: SeqAccess<'de>>(
        self,
        mut seq: A,
    ) -> std::result::Result<Self::Value, A::Error> {
        let mut records = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(1 << 16));
        while let Some(record) = seq.next_element_seed(Record { label: self.label })? {
            records.push(record);
        }
        Ok(Some(records))
    }
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> std::result::Result<Self::Value, A::Error> {
        drain_map(map).map(|()| None)
    }
    not_this_shape!();
}

/// One element: None when it is not an object.
struct Record<'l> {
    label: &'l str,
}

impl<'de> DeserializeSeed<'de> for Record<'_> {
    type Value = RecordSlot<'de>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> std::result::Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Record<'_> {
    type Value = RecordSlot<'de>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a consumption record")
    }
    fn visit_map<A: MapAccess<'de>>(
        self,
        mut map: A,
    ) -> std::result::Result<Self::Value, A::Error> {
        let mut r = RecordFields::default();
        while let Some(Key(key)) = map.next_key()? {
            let field = match key.as_ref() {
                k if k == self.label => &mut r.source,
                // The stored row's name for the source, whatever the vendor calls it.
                "source_ref" => &mut r.source,
                "uuid" => &mut r.uuid,
                "resource_uuid" => &mut r.resource_uuid,
                "resource_name" => &mut r.resource_name,
                "customer_uuid" => &mut r.customer_uuid,
                "customer_name" => &mut r.customer_name,
                "billing_period" => &mut r.billing_period,
                "currency" => &mut r.currency,
                // A vendor with one price lists it as `consumed_amount` and `final_amount`.
                "consumed_sell" | "consumed_amount" => &mut r.consumed_sell,
                "consumed_buy" => &mut r.consumed_buy,
                "final_sell" | "final_amount" => &mut r.final_sell,
                "final_buy" => &mut r.final_buy,
                "invoice_item_uuid" => &mut r.invoice_item_uuid,
                "compensation_item_uuid" => &mut r.compensation_item_uuid,
                "last_sync_at" => &mut r.last_sync_at,
                "finalized_at" => &mut r.finalized_at,
                "reconciled_at" => &mut r.reconciled_at,
                _ => {
                    map.next_value::<IgnoredAny>()?;
                    continue;
                }
            };
            // As in a JSON object read into a map: a repeated key's last value wins.
            *field = map.next_value::<CellOf<'de>>()?.0;
        }
        Ok(Some(r))
    }
    fn visit_seq<A: SeqAccess<'de>>(
        self,
        mut seq: A,
    ) -> std::result::Result<Self::Value, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(None)
    }
    not_this_shape!();
}

fn drain_map<'de, A: MapAccess<'de>>(mut map: A) -> std::result::Result<(), A::Error> {
    while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
    Ok(())
}

/// A key, borrowed from the input when it has no escapes.
struct Key<'de>(Cow<'de, str>);

impl<'de> serde::Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        d.deserialize_str(TextVisitor).map(Key)
    }
}

struct TextVisitor;

impl<'de> Visitor<'de> for TextVisitor {
    type Value = Cow<'de, str>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("text")
    }
    fn visit_borrowed_str<E>(self, v: &'de str) -> std::result::Result<Self::Value, E> {
        Ok(Cow::Borrowed(v))
    }
    fn visit_str<E>(self, v: &str) -> std::result::Result<Self::Value, E> {
        Ok(Cow::Owned(v.to_owned()))
    }
    fn visit_string<E>(self, v: String) -> std::result::Result<Self::Value, E> {
        Ok(Cow::Owned(v))
    }
}

/// A cell read from any JSON value.
struct CellOf<'de>(Cell<'de>);

impl<'de> serde::Deserialize<'de> for CellOf<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        d.deserialize_any(CellVisitor).map(CellOf)
    }
}

struct CellVisitor;

impl<'de> Visitor<'de> for CellVisitor {
    type Value = Cell<'de>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }
    fn visit_borrowed_str<E>(self, v: &'de str) -> std::result::Result<Self::Value, E> {
        Ok(Cell::Text(Cow::Borrowed(v)))
    }
    fn visit_str<E>(self, v: &str) -> std::result::Result<Self::Value, E> {
        Ok(Cell::Text(Cow::Owned(v.to_owned())))
    }
    fn visit_string<E>(self, v: String) -> std::result::Result<Self::Value, E> {
        Ok(Cell::Text(Cow::Owned(v)))
    }
    fn visit_bool<E>(self, v: bool) -> std::result::Result<Self::Value, E> {
        Ok(Cell::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> std::result::Result<Self::Value, E> {
        Ok(Cell::Number(v.into()))
    }
    fn visit_u64<E>(self, v: u64) -> std::result::Result<Self::Value, E> {
        Ok(Cell::Number(v.into()))
    }
    fn visit_f64<E>(self, v: f64) -> std::result::Result<Self::Value, E> {
        Ok(Number::from_f64(v).map_or(Cell::Nested("a non-finite number"), Cell::Number))
    }
    fn visit_unit<E>(self) -> std::result::Result<Self::Value, E> {
        Ok(Cell::Null)
    }
    fn visit_none<E>(self) -> std::result::Result<Self::Value, E> {
        Ok(Cell::Null)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> std::result::Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> std::result::Result<Self::Value, A::Error> {
        drain_map(map).map(|()| Cell::Nested("an object"))
    }
    fn visit_seq<A: SeqAccess<'de>>(
        self,
        mut seq: A,
    ) -> std::result::Result<Self::Value, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(Cell::Nested("an array"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = r#"[
        {"uuid": "u1", "license_reference": " L1 ", "consumed_sell": "12.50", "consumed_buy": 10,
         "final_sell": null, "extra": {"deep": [1, 2, {"x": "y"}]}, "resource_name": "a\"b",
         "currency": "EUR", "currency": "USD"},
        42, "text", null, [1], {}
    ]"#;

    #[test]
    fn fields_are_read_as_given() {
        let from_text = records_from_text(TEXT, "license_reference")
            .unwrap()
            .unwrap();
        assert_eq!(from_text.len(), 6);
        let first = from_text[0].as_ref().unwrap();
        assert_eq!(first.source.text(), Some("L1"));
        assert_eq!(first.uuid.text(), Some("u1"));
        assert_eq!(first.consumed_sell, Cell::Text("12.50".into()));
        assert_eq!(first.consumed_buy, Cell::Number(10.into()));
        assert_eq!(first.final_sell, Cell::Null);
        assert_eq!(first.final_buy, Cell::Absent);
        assert_eq!(first.resource_name.text(), Some("a\"b"));
        assert_eq!(
            first.currency.text(),
            Some("USD"),
            "the last of a repeated key wins"
        );
        assert!(from_text[1..5].iter().all(Option::is_none));
        assert_eq!(from_text[5], Some(RecordFields::default()));
        // Another vendor's label reads another field as the source.
        let by_uuid = records_from_text(TEXT, "uuid").unwrap().unwrap();
        assert_eq!(by_uuid[0].as_ref().unwrap().source.text(), Some("u1"));
    }

    #[test]
    fn the_listed_and_the_stored_shapes_are_read_alike() {
        let listed = r#"[{"subscriber": "imsi:1", "consumed_amount": "13.00", "final_amount": "9.00",
            "adjustment_amount": "-4.00", "billing_period": "2025-01"}]"#;
        let stored = r#"[{"source_ref": "imsi:1", "consumed_sell": "13", "consumed_buy": "13",
            "final_sell": "9", "vendor": "v", "raw_data": {"rows": 3}, "billing_period": "2025-01"}]"#;
        for text in [listed, stored] {
            let records = records_from_text(text, "subscriber").unwrap().unwrap();
            let r = records[0].as_ref().unwrap();
            assert_eq!(r.source.text(), Some("imsi:1"), "{text}");
            assert!(
                matches!(&r.consumed_sell, Cell::Text(t) if t.starts_with("13")),
                "{text}"
            );
            assert!(
                matches!(&r.final_sell, Cell::Text(t) if t.starts_with('9')),
                "{text}"
            );
        }
    }

    #[test]
    fn not_a_list_and_bad_json_are_told_apart() {
        for text in ["{}", "3", "\"x\"", "null"] {
            assert_eq!(
                records_from_text(text, "license_reference").unwrap(),
                None,
                "{text}"
            );
        }
        let e = records_from_text("[{\"a\": ", "license_reference").unwrap_err();
        assert_eq!(e.code(), "invalid_payload");
        let e = records_from_text("[] x", "license_reference").unwrap_err();
        assert_eq!(e.code(), "invalid_payload");
    }
}
