//! Identifiers. Objects billsync plans get ids derived from their natural keys (UUID v5 in billsync's own
//! namespace), so that planning the same thing twice yields the same id: the root of idempotency. Ids of
//! host objects (customers, resources, invoices) come from the host and are only checked and normalised.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::error::{Error, Result};

/// billsync's UUID v5 namespace (itself the v5 of "billsync" in the URL namespace).
const NAMESPACE: uuid::Uuid = uuid::Uuid::from_u128(0x6c1f_0b7e_93a4_5d2e_8f61_2b4c_9d07_e35a);

/// A UUID in its canonical text form: lowercase, hyphenated, held inline (36 ASCII bytes), so an id is
/// copied, compared and hashed without touching the heap. Ordered as its text.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Uuid([u8; 36]);

impl Uuid {
    /// The text as four big-endian words and a tail: comparing them in order compares the text, without a
    /// byte loop (wasm has no vector `memcmp`, and ids are compared in every index of a plan).
    fn words(&self) -> (u64, u64, u64, u64, u32) {
        let [a0, a1, a2, a3, a4, a5, a6, a7, b0, b1, b2, b3, b4, b5, b6, b7, c0, c1, c2, c3, c4, c5, c6, c7, d0, d1, d2, d3, d4, d5, d6, d7, e0, e1, e2, e3] =
            self.0;
        (
            u64::from_be_bytes([a0, a1, a2, a3, a4, a5, a6, a7]),
            u64::from_be_bytes([b0, b1, b2, b3, b4, b5, b6, b7]),
            u64::from_be_bytes([c0, c1, c2, c3, c4, c5, c6, c7]),
            u64::from_be_bytes([d0, d1, d2, d3, d4, d5, d6, d7]),
            u32::from_be_bytes([e0, e1, e2, e3]),
        )
    }
}

impl Ord for Uuid {
    fn cmp(&self, other: &Uuid) -> std::cmp::Ordering {
        self.words().cmp(&other.words())
    }
}

impl PartialOrd for Uuid {
    fn partial_cmp(&self, other: &Uuid) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl fmt::Debug for Uuid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

impl Uuid {
    /// Accepts hyphenated or 32-hex-digit forms in any case, as the REST framework does.
    pub fn parse(input: &str) -> Option<Uuid> {
        let text = input.trim();
        let simple = text.len() == 32 && text.bytes().all(|b| b.is_ascii_hexdigit());
        let hyphenated = text.len() == 36
            && text.bytes().enumerate().all(|(i, b)| match i {
                8 | 13 | 18 | 23 => b == b'-',
                _ => b.is_ascii_hexdigit(),
            });
        if !(simple || hyphenated) {
            return None;
        }
        uuid::Uuid::try_parse(text).ok().map(Uuid::from_uuid)
    }

    /// Like [`Uuid::parse`], with a field error naming `field`.
    pub fn parse_field(input: &str, field: &str) -> Result<Uuid> {
        Uuid::parse(input).ok_or_else(|| Error::field(field, "Must be a valid UUID."))
    }

    /// The id of a planned object, derived from its kind and natural key.
    pub fn derive(kind: &str, natural_key: &str) -> Uuid {
        // The name is built on the stack when it fits: a derive allocates only its result.
        let mut stack = [0u8; 192];
        let length = kind.len() + 1 + natural_key.len();
        let heap;
        let name: &[u8] = match stack.get_mut(..length) {
            Some(name) => {
                let (k, rest) = name.split_at_mut(kind.len());
                k.copy_from_slice(kind.as_bytes());
                if let Some((separator, key)) = rest.split_first_mut() {
                    *separator = 0x1f;
                    key.copy_from_slice(natural_key.as_bytes());
                }
                name
            }
            None => {
                heap = format!("{kind}\u{1f}{natural_key}");
                heap.as_bytes()
            }
        };
        Uuid::from_uuid(uuid::Uuid::new_v5(&NAMESPACE, name))
    }

    /// The canonical text of `uuid`, written straight into place.
    fn from_uuid(uuid: uuid::Uuid) -> Uuid {
        let mut text = [0u8; 36];
        uuid.hyphenated().encode_lower(&mut text);
        Uuid(text)
    }

    pub fn as_str(&self) -> &str {
        // Only `from_uuid` builds one, from ASCII hex digits and hyphens: this never falls back.
        std::str::from_utf8(&self.0).unwrap_or_default()
    }
}

impl fmt::Display for Uuid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for Uuid {
    fn serialize<S: Serializer>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for Uuid {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> std::result::Result<Uuid, D::Error> {
        struct Text;
        impl serde::de::Visitor<'_> for Text {
            type Value = Uuid;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a UUID")
            }
            fn visit_str<E: serde::de::Error>(self, text: &str) -> std::result::Result<Uuid, E> {
                Uuid::parse(text).ok_or_else(|| E::custom(format!("{text:?} is not a valid UUID")))
            }
        }
        // Read in place: no string is allocated for the text.
        deserializer.deserialize_str(Text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ordered_as_text() {
        let ids = [
            Uuid::derive("a", "1"),
            Uuid::derive("a", "2"),
            Uuid::parse("00000000-0000-4000-8000-000000000001").unwrap(),
            Uuid::parse("00000000-0000-4000-8000-000000000002").unwrap(),
            Uuid::parse("ffffffff-0000-4000-8000-000000000000").unwrap(),
            Uuid::parse("00000000-0000-4000-8000-100000000000").unwrap(),
        ];
        for a in &ids {
            for b in &ids {
                assert_eq!(a.cmp(b), a.as_str().cmp(b.as_str()), "{a} {b}");
            }
        }
    }

    #[test]
    fn parses_and_normalises() {
        let u = Uuid::parse("A1B2C3D4-E5F6-7890-ABCD-EF1234567890").unwrap();
        assert_eq!(u.as_str(), "a1b2c3d4-e5f6-7890-abcd-ef1234567890");
        assert_eq!(Uuid::parse("a1b2c3d4e5f67890abcdef1234567890").unwrap(), u);
        for bad in [
            "",
            "xyz",
            "a1b2c3d4-e5f6-7890-abcd-ef123456789",
            "{a1b2c3d4-e5f6-7890-abcd-ef1234567890}",
        ] {
            assert!(Uuid::parse(bad).is_none(), "{bad}");
        }
        assert_eq!(
            Uuid::parse_field("x", "resource_uuid").unwrap_err().code(),
            "validation_failed"
        );
    }

    #[test]
    fn derived_ids_are_stable_and_distinct() {
        let a = Uuid::derive("consumption_record", "r1|2025-01|XSP1");
        assert_eq!(a, Uuid::derive("consumption_record", "r1|2025-01|XSP1"));
        assert_ne!(a, Uuid::derive("invoice_item", "r1|2025-01|XSP1"));
        assert_ne!(a, Uuid::derive("consumption_record", "r1|2025-02|XSP1"));
        assert!(Uuid::parse(a.as_str()).is_some());
        // Names too long for the stack buffer derive the same way.
        let long = "x".repeat(500);
        assert_eq!(
            Uuid::derive("k", &long).as_str(),
            uuid::Uuid::new_v5(&NAMESPACE, format!("k\u{1f}{long}").as_bytes())
                .hyphenated()
                .to_string()
        );
        assert_eq!(
            Uuid::derive("consumption_record", "r1|2025-01|XSP1").as_str(),
            uuid::Uuid::new_v5(
                &NAMESPACE,
                "consumption_record\u{1f}r1|2025-01|XSP1".as_bytes()
            )
            .hyphenated()
            .to_string()
        );
    }
}
