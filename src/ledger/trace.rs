//! Every item traced to its evidence. An invoice item's details carry the [`Trace`] of the plan that made
//! it: the operation, the instant it planned at, the SHA-256 of the vendor payload it read, and the vendor's
//! lines the money came from. The ledger only carries traces: each vendor names its own lines (a page and
//! row of a document, a line of a CSV, a bill's month) as JSON objects, and hashes its payloads here.
//!
//! The hash is of the payload as the plan read it: the bytes of a payload that came as text, or, for one
//! that came as a parsed JSON value, its canonical text ([`PayloadHash::update_json`]). A payload read in
//! several calls (pages) hashes their bytes one after the other, in the order read. So the same payload
//! gives the same hash, and a re-run that reads it again bills nothing new (the rule of money) and names
//! the same hash.

use std::io;

use serde::{Deserialize, Serialize};
use serde_json::Value;
use sha2::{Digest, Sha256};

use super::PlanContext;
use crate::timestamp::Timestamp;

/// Where an item's money came from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Trace {
    /// The operation that planned the item.
    pub operation: String,
    /// The instant it planned at (the host's clock).
    pub planned_at: Timestamp,
    /// The lowercase hex SHA-256 of the vendor payload the plan read; null for an item planned from the
    /// ledger alone (a net-off takes back what other items billed: it reads no vendor line).
    pub payload_sha256: Option<String>,
    /// The vendor's lines behind the money, as the vendor names them.
    pub lines: Vec<Value>,
}

/// What a vendor says about the figures it hands the ledger: the payload's hash and the lines summed.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Evidence {
    pub payload_sha256: Option<String>,
    pub lines: Vec<Value>,
}

impl Trace {
    /// The trace of an item `ctx` plans from `evidence`.
    pub fn of(ctx: &PlanContext, evidence: &Evidence) -> Trace {
        Trace {
            operation: ctx.operation.clone(),
            planned_at: ctx.as_of,
            payload_sha256: evidence.payload_sha256.clone(),
            lines: evidence.lines.clone(),
        }
    }

    /// The trace of an item `ctx` plans from several figures: their lines, in order, and the payload hash
    /// they name (the first that names one: the figures of one plan come from one payload).
    pub fn of_all<'a>(
        ctx: &PlanContext,
        evidence: impl IntoIterator<Item = &'a Evidence>,
    ) -> Trace {
        let mut trace = Trace::of(ctx, &Evidence::default());
        for e in evidence {
            if trace.payload_sha256.is_none() {
                trace.payload_sha256.clone_from(&e.payload_sha256);
            }
            trace.lines.extend(e.lines.iter().cloned());
        }
        trace
    }
}

/// A SHA-256 over a vendor payload, fed as it is read.
#[derive(Debug, Clone, Default)]
pub struct PayloadHash(Sha256);

impl PayloadHash {
    pub fn new() -> PayloadHash {
        PayloadHash::default()
    }

    /// Feeds bytes as received.
    pub fn update(&mut self, bytes: &[u8]) {
        self.0.update(bytes);
    }

    /// Feeds a parsed JSON value as its canonical text: no whitespace, each object's keys sorted by their
    /// UTF-8 bytes, strings and numbers as serde_json writes them (so `{"b":1,"a":[true,"x"]}` is fed as
    /// `{"a":[true,"x"],"b":1}`). The same value gives the same bytes whatever order its keys came in.
    pub fn update_json(&mut self, value: &Value) {
        canonical(value, &mut Feed(&mut self.0));
    }

    /// The hash, as 64 lowercase hex digits.
    pub fn finish(self) -> String {
        hex(&self.0.finalize())
    }
}

/// The hex SHA-256 of `bytes`.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        // Writing into a String cannot fail.
        let _ = write!(out, "{b:02x}");
    }
    out
}

/// Writes into the hash (never fails).
struct Feed<'a>(&'a mut Sha256);

impl io::Write for Feed<'_> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0.update(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

fn canonical(value: &Value, out: &mut Feed<'_>) {
    match value {
        Value::Array(items) => {
            out.0.update(b"[");
            for (n, item) in items.iter().enumerate() {
                if n > 0 {
                    out.0.update(b",");
                }
                canonical(item, out);
            }
            out.0.update(b"]");
        }
        Value::Object(map) => {
            let mut keys: Vec<&String> = map.keys().collect();
            crate::sort::sort_by(&mut keys, |a, b| a.cmp(b));
            out.0.update(b"{");
            for (n, key) in keys.into_iter().enumerate() {
                if n > 0 {
                    out.0.update(b",");
                }
                // Writing a string or a scalar into a hash cannot fail.
                let _ = serde_json::to_writer(&mut *out, key);
                out.0.update(b":");
                if let Some(item) = map.get(key) {
                    canonical(item, out);
                }
            }
            out.0.update(b"}");
        }
        scalar => {
            let _ = serde_json::to_writer(&mut *out, scalar);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_hash_is_sha256_in_hex() {
        // FIPS 180-2's example.
        assert_eq!(
            sha256_hex(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        let mut split = PayloadHash::new();
        split.update(b"a");
        split.update(b"bc");
        assert_eq!(split.finish(), sha256_hex(b"abc"));
    }

    #[test]
    fn a_parsed_value_hashes_as_its_canonical_text() {
        let a: Value =
            serde_json::from_str(r#"{"b": 1, "a": [true, "x", {"d": null, "c": 1.5}]}"#).unwrap();
        let b: Value =
            serde_json::from_str(r#"{"a":[true,"x",{"c":1.5,"d":null}],"b":1}"#).unwrap();
        let mut ha = PayloadHash::new();
        ha.update_json(&a);
        let mut hb = PayloadHash::new();
        hb.update_json(&b);
        let canonical = sha256_hex(br#"{"a":[true,"x",{"c":1.5,"d":null}],"b":1}"#);
        assert_eq!(ha.finish(), canonical);
        assert_eq!(hb.finish(), canonical);
    }
}
