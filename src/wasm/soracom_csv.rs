//! Soracom's billing CSV, aggregated as JS streams it in: `new SoracomCsvAggregator({ currency })`,
//! `push(chunk)` for each piece of the file (bytes or text, split anywhere), `finish()` for the sums.
//!
//! Memory stays flat whatever the size of the file or of a chunk: a chunk is copied into wasm 64 KiB at a
//! time (text is UTF-8-encoded straight into wasm memory by the engine's `TextEncoder.encodeInto`), and the
//! core aggregator holds one row and the sums. The result crosses back as one JSON text (as `previewReconciliation` returns its result),
//! amounts as exact decimal strings.
//!
//! A text chunk may end between the two UTF-16 halves of a character: the high half waits for the next
//! chunk, so that splitting a text anywhere gives the same bytes as encoding it whole (a half that never
//! finds its partner becomes U+FFFD, as `TextEncoder` writes it).

use std::cell::RefCell;
use std::collections::BTreeMap;

use chrono::Datelike;

use js_sys::{ArrayBuffer, JsString, Reflect, Uint8Array};
use rust_decimal::Decimal;
use serde::ser::{Serialize, SerializeStruct, Serializer};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use super::args::{invalid, require_object, string_arg};
use super::js_error;
use crate::error::Error;
use crate::money::{render_exact, Currency};
use crate::period::Period;
use crate::vendors::soracom::{
    BillDate, BillingCsvAggregator, CsvAggregates, LineTotals, SubscriberKey, SubscriberTotals,
};

#[wasm_bindgen(typescript_custom_section)]
const TS_SORACOM_CSV: &str = r#"
/** Options of `new SoracomCsvAggregator(options)`. */
export interface SoracomCsvOptions {
  /** ISO 4217 code of the bill's currency (its `MonthlyBill`'s): the CSV has no currency column. */
  currency: string;
}
/** A piece of the billing CSV: its bytes, or its text. Pieces may split the file anywhere. */
export type SoracomCsvChunk = Uint8Array | ArrayBuffer | string;
/** The id columns of the billing CSV, which prefix the subscriber keys. */
export type SoracomIdColumn =
  | "imsi" | "vpgId" | "loraGatewayId" | "loraDeviceId" | "sigfoxDeviceId" | "deviceId" | "gadgetId"
  | "soraCamDeviceId";
/** Who a row is billed to: `imsi:440103…`, `deviceId:d-…`, or `account` for account-level rows. */
export type SoracomSubscriberKey = `${SoracomIdColumn}:${string}` | "account";
/** A month, "YYYY-MM". */
export type SoracomCsvMonth = `${number}-${number}`;
/** A date as the CSV writes it: a day "yyyyMMdd", or "yyyyMM" for the month's monthly and free-tier rows. */
export type SoracomCsvDate = `${number}`;
/** Sums of some rows. Amounts are exact decimal strings (at least 2 decimals): charges are the rows
 * with amount >= 0, discounts those below 0 (so `discounts` <= 0), `net` = `charges` + `discounts`. */
export interface SoracomCsvTotals {
  rows: number;
  charges: string;
  discounts: string;
  net: string;
}
/** One subscriber's or device's sums, and its tag and group labels (first non-empty value seen). */
export interface SoracomCsvSubscriber {
  months: Record<SoracomCsvMonth, SoracomCsvTotals>;
  dates: Record<SoracomCsvDate, SoracomCsvTotals>;
  labels: Record<string, string>;
}
/** What a billing CSV adds up to. */
export interface SoracomCsvAggregates {
  currency: string;
  /** Data rows (the header not counted). */
  rows: number;
  total: SoracomCsvTotals;
  perSubscriber: Record<SoracomSubscriberKey, SoracomCsvSubscriber>;
  perDay: Record<SoracomCsvDate, SoracomCsvTotals>;
  perBillItem: Record<string, SoracomCsvTotals>;
  /** The tag and group columns (every column after `amount`), in file order. */
  labelColumns: string[];
  /** Columns before `amount` that billsync does not know (ignored, listed so they are noticed). */
  unknownColumns: string[];
}
"#;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_name = TextEncoder)]
    type Utf8Encoder;
    #[wasm_bindgen(constructor, js_class = "TextEncoder")]
    fn new() -> Utf8Encoder;
    /// Encodes as much of `source` as fits, whole characters only, straight into wasm memory (an imported
    /// function's `&mut [u8]` is a view of it, not a copy).
    #[wasm_bindgen(method, js_name = encodeInto)]
    fn encode_into(this: &Utf8Encoder, source: &JsString, destination: &mut [u8]) -> Encoded;

    type Encoded;
    #[wasm_bindgen(method, getter)]
    fn read(this: &Encoded) -> u32;
    #[wasm_bindgen(method, getter)]
    fn written(this: &Encoded) -> u32;

    #[wasm_bindgen(js_name = TextDecoder)]
    type Utf8Decoder;
    #[wasm_bindgen(constructor, js_class = "TextDecoder")]
    fn new() -> Utf8Decoder;
    /// Decodes a view of wasm memory (an imported function's `&[u8]` is not copied first).
    #[wasm_bindgen(method)]
    fn decode(this: &Utf8Decoder, bytes: &[u8]) -> JsString;

    #[wasm_bindgen(js_namespace = JSON, js_name = parse, catch)]
    fn parse_json(text: &JsString) -> Result<JsValue, JsValue>;
}

thread_local! {
    static ENCODER: Utf8Encoder = Utf8Encoder::new();
}

/// Bytes handed to the core aggregator at a time: what a chunk costs in wasm memory, however large it is.
const PIECE: u32 = 64 * 1024;

/// U+FFFD in UTF-8: what `TextEncoder` writes for half a surrogate pair.
const REPLACEMENT: &[u8] = "\u{fffd}".as_bytes();

const CHUNK_FORMS: &str = "a Uint8Array, an ArrayBuffer or a string";

/// An aggregator that has not finished.
struct Streaming {
    aggregator: BillingCsvAggregator,
    /// Where each piece is copied or encoded, reused.
    scratch: Vec<u8>,
    /// The high half of a surrogate pair that ended the last text chunk.
    high_surrogate: Option<u16>,
}

impl Streaming {
    fn push_bytes(&mut self, bytes: &[u8]) -> Result<(), JsValue> {
        self.aggregator.push_chunk(bytes).map_err(|e| js_error(&e))
    }

    /// A lone high surrogate is followed by something that is not its low half: it was U+FFFD.
    fn flush_surrogate(&mut self) -> Result<(), JsValue> {
        match self.high_surrogate.take() {
            Some(_) => self.push_bytes(REPLACEMENT),
            None => Ok(()),
        }
    }

    fn push_array(&mut self, bytes: &Uint8Array) -> Result<(), JsValue> {
        self.flush_surrogate()?;
        let length = bytes.length();
        let mut start = 0;
        while start < length {
            let end = start.saturating_add(PIECE).min(length);
            let piece = if start == 0 && end == length {
                bytes.clone()
            } else {
                bytes.subarray(start, end)
            };
            let mut scratch = std::mem::take(&mut self.scratch);
            scratch.resize((end - start) as usize, 0);
            piece.copy_to(&mut scratch);
            let pushed = self.push_bytes(&scratch);
            self.scratch = scratch;
            pushed?;
            start = end;
        }
        Ok(())
    }

    fn push_text(&mut self, text: &JsString) -> Result<(), JsValue> {
        let mut text = match self.high_surrogate.take() {
            Some(high) => JsString::from_char_code(&[high]).concat(text),
            None => text.clone(),
        };
        let length = text.length();
        if length == 0 {
            return Ok(());
        }
        // A UTF-16 unit (NaN, never here, would be 0).
        let last = text.char_code_at(length - 1) as u16;
        if (0xD800..0xDC00).contains(&last) {
            self.high_surrogate = Some(last);
            text = text.slice(0, length - 1);
        }
        let mut scratch = std::mem::take(&mut self.scratch);
        scratch.resize(PIECE as usize, 0);
        let pushed = self.encode_pieces(&text, &mut scratch);
        self.scratch = scratch;
        pushed
    }

    /// Encodes `text` into `scratch` piece by piece, pushing each piece.
    fn encode_pieces(&mut self, text: &JsString, scratch: &mut [u8]) -> Result<(), JsValue> {
        let mut rest = text.clone();
        loop {
            let length = rest.length();
            if length == 0 {
                return Ok(());
            }
            let encoded = ENCODER.with(|encoder| encoder.encode_into(&rest, scratch));
            let (read, written) = (encoded.read(), encoded.written());
            let bytes = scratch.get(..written as usize).unwrap_or_default();
            self.push_bytes(bytes)?;
            if read >= length {
                return Ok(());
            }
            // 64 KiB always holds a character (4 bytes at most), so every round reads something.
            if read == 0 {
                return Err(js_error(&Error::InvalidPayload {
                    payload: crate::vendors::soracom::BILLING_CSV.to_owned(),
                    offset: 0,
                    reason: "the text chunk could not be encoded".to_owned(),
                }));
            }
            rest = rest.slice(read, length);
        }
    }
}

/// The Soracom billing CSV, aggregated as it streams in from JS.
// Every method borrows the object shared and keeps its state in a `RefCell`, as `ConsumptionAggregator`
// does: a misuse becomes a coded error, never wasm-bindgen's uncoded aliasing error.
#[wasm_bindgen(js_name = SoracomCsvAggregator)]
pub struct JsSoracomCsvAggregator {
    /// None once finished.
    inner: RefCell<Option<Streaming>>,
}

fn finished_error(state: &str) -> JsValue {
    js_error(&Error::InvalidArgument {
        argument: "this".into(),
        expected: "an aggregator that has not finished".into(),
        got: format!("a {state} aggregator"),
    })
}

fn currency_of(options: &JsValue) -> Result<Currency, JsValue> {
    require_object(options, "options", "an object { currency }")?;
    let code = Reflect::get(options, &JsValue::from_str("currency")).unwrap_or(JsValue::UNDEFINED);
    let code = string_arg(&code, "options.currency")?;
    Currency::parse(&code, "options.currency").map_err(|e| js_error(&e))
}

#[wasm_bindgen(js_class = SoracomCsvAggregator)]
impl JsSoracomCsvAggregator {
    /// `options.currency` is the bill's currency: the CSV does not say.
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(unchecked_param_type = "SoracomCsvOptions")] options: JsValue,
    ) -> Result<JsSoracomCsvAggregator, JsValue> {
        Ok(JsSoracomCsvAggregator {
            inner: RefCell::new(Some(Streaming {
                aggregator: BillingCsvAggregator::new(currency_of(&options)?),
                scratch: Vec::new(),
                high_surrogate: None,
            })),
        })
    }

    /// Feeds the next piece of the file; returns the number of data rows aggregated so far (complete rows
    /// only). A bad row throws a coded error naming its line, column and value (`details.row`,
    /// `details.column`, `details.value`), and every later call throws it again.
    pub fn push(
        &self,
        #[wasm_bindgen(unchecked_param_type = "SoracomCsvChunk")] chunk: JsValue,
    ) -> Result<f64, JsValue> {
        let mut inner = self
            .inner
            .try_borrow_mut()
            .map_err(|_| finished_error("busy"))?;
        let streaming = inner.as_mut().ok_or_else(|| finished_error("finished"))?;
        if let Some(text) = chunk.dyn_ref::<JsString>() {
            streaming.push_text(text)?;
        } else if let Some(bytes) = chunk.dyn_ref::<Uint8Array>() {
            streaming.push_array(bytes)?;
        } else if let Some(buffer) = chunk.dyn_ref::<ArrayBuffer>() {
            streaming.push_array(&Uint8Array::new(buffer))?;
        } else {
            return Err(invalid("chunk", CHUNK_FORMS, &chunk));
        }
        // Row counts are far below 2^53: the conversion to a JS number is exact.
        Ok(streaming.aggregator.aggregates().rows() as f64)
    }

    /// Ends the file and returns the sums. The aggregator is finished: any later call throws
    /// `invalid_argument`. A file without a header row, or that ends inside a quoted field, throws.
    #[wasm_bindgen(unchecked_return_type = "SoracomCsvAggregates")]
    pub fn finish(&self) -> Result<JsValue, JsValue> {
        let mut streaming = self
            .inner
            .try_borrow_mut()
            .map_err(|_| finished_error("busy"))?
            .take()
            .ok_or_else(|| finished_error("finished"))?;
        streaming.flush_surrogate()?;
        let aggregates = streaming.aggregator.finish().map_err(|e| js_error(&e))?;
        result_to_js(&aggregates)
    }
}

/// The result as plain JS values, through one JSON text, as `previewReconciliation` does, with two differences that
/// matter for a result of tens of MB (bench/README.md): the buffer is sized up front from the number of sums
/// (no doubling copies in a wasm memory that never shrinks), and characters beyond ASCII are written as
/// `\uXXXX`, so the text JS decodes is one byte per character (a single label in Japanese would make the
/// whole text a two-byte string: twice the memory, five times the decoding time).
fn result_to_js(aggregates: &CsvAggregates) -> Result<JsValue, JsValue> {
    let failed = |reason: String| {
        js_error(&Error::InvalidPayload {
            payload: "result".into(),
            offset: 0,
            reason,
        })
    };
    // About 90 bytes per sum, and a key and labels per subscriber.
    let estimate = aggregates
        .entries()
        .saturating_mul(90)
        .saturating_add(aggregates.per_subscriber.len().saturating_mul(96))
        .saturating_add(4096);
    let mut text = Vec::with_capacity(estimate);
    let mut serializer = serde_json::Serializer::with_formatter(&mut text, AsciiJson);
    JsAggregates(aggregates)
        .serialize(&mut serializer)
        .map_err(|e| failed(e.to_string()))?;
    let text = DECODER.with(|decoder| decoder.decode(&text));
    parse_json(&text).map_err(|_| failed("not JSON".into()))
}

thread_local! {
    static DECODER: Utf8Decoder = Utf8Decoder::new();
}

/// serde_json's compact output, with every character beyond ASCII escaped.
struct AsciiJson;

impl serde_json::ser::Formatter for AsciiJson {
    fn write_string_fragment<W: ?Sized + std::io::Write>(
        &mut self,
        writer: &mut W,
        fragment: &str,
    ) -> std::io::Result<()> {
        if fragment.is_ascii() {
            return writer.write_all(fragment.as_bytes());
        }
        let mut units = [0u16; 2];
        for c in fragment.chars() {
            if c.is_ascii() {
                writer.write_all(&[c as u8])?;
            } else {
                for unit in c.encode_utf16(&mut units) {
                    write!(writer, "\\u{unit:04x}")?;
                }
            }
        }
        Ok(())
    }
}

/// The aggregates as JS sees them: camelCase, keys as Soracom writes them, amounts as exact decimals.
struct JsAggregates<'a>(&'a CsvAggregates);

impl Serialize for JsAggregates<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let a = self.0;
        let mut s = serializer.serialize_struct("SoracomCsvAggregates", 8)?;
        s.serialize_field("currency", a.currency.as_str())?;
        s.serialize_field("rows", &a.rows())?;
        s.serialize_field("total", &Totals(&a.total))?;
        s.serialize_field("perSubscriber", &Subscribers(&a.per_subscriber))?;
        s.serialize_field("perDay", &Dates(&a.per_day))?;
        s.serialize_field("perBillItem", &Items(&a.per_bill_item))?;
        s.serialize_field("labelColumns", &a.label_columns)?;
        s.serialize_field("unknownColumns", &a.unknown_columns)?;
        s.end()
    }
}

struct Totals<'a>(&'a LineTotals);

impl Serialize for Totals<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let t = self.0;
        let mut s = serializer.serialize_struct("SoracomCsvTotals", 4)?;
        s.serialize_field("rows", &t.rows)?;
        s.serialize_field("charges", &Exact::of(t.charges))?;
        s.serialize_field("discounts", &Exact::of(t.discounts))?;
        s.serialize_field("net", &Exact::of(t.net))?;
        s.end()
    }
}

/// A short string built on the stack, serialised without a heap allocation: a result holds hundreds of
/// thousands of amounts and date keys, and a `String` for each (with rust_decimal's and chrono's formatting)
/// was most of `finish()` (measured in bench/README.md).
struct Text {
    bytes: [u8; 64],
    len: usize,
}

impl Text {
    fn new() -> Text {
        Text {
            bytes: [0; 64],
            len: 0,
        }
    }

    fn push(&mut self, byte: u8) {
        if let Some(slot) = self.bytes.get_mut(self.len) {
            *slot = byte;
            self.len += 1;
        }
    }

    fn push_all(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.push(b);
        }
    }

    /// `value` in decimal, zero-padded to `width` digits.
    fn push_number(&mut self, value: u64, width: usize) {
        let mut digits = Digits::of(value);
        digits.pad(width);
        self.push_all(digits.as_bytes());
    }

    fn as_str(&self) -> &str {
        std::str::from_utf8(self.bytes.get(..self.len).unwrap_or_default()).unwrap_or_default()
    }
}

impl Serialize for Text {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

/// The decimal digits of a `u64`, most significant first.
struct Digits {
    bytes: [u8; 20],
    start: usize,
}

impl Digits {
    fn of(mut value: u64) -> Digits {
        let mut digits = Digits {
            bytes: [b'0'; 20],
            start: 20,
        };
        loop {
            digits.start -= 1;
            if let Some(slot) = digits.bytes.get_mut(digits.start) {
                // A digit: the cast cannot truncate.
                *slot = b'0' + (value % 10) as u8;
            }
            value /= 10;
            if value == 0 || digits.start == 0 {
                return digits;
            }
        }
    }

    /// Leading zeros up to `width` digits (at most 20).
    fn pad(&mut self, width: usize) {
        self.start = self.start.min(20usize.saturating_sub(width));
    }

    fn as_bytes(&self) -> &[u8] {
        self.bytes.get(self.start..).unwrap_or_default()
    }
}

/// An amount as `money::render_exact` writes it: lossless, at least 2 decimals ("5" → "5.00", "0.125" →
/// "0.125", a negative zero → "0.00"). Mantissas beyond 64 bits (never in a bill) take `render_exact` itself.
enum Exact {
    Short(Text),
    Long(String),
}

impl Exact {
    fn of(amount: Decimal) -> Exact {
        let mantissa = amount.mantissa();
        let Ok(mut units) = u64::try_from(mantissa.unsigned_abs()) else {
            return Exact::Long(render_exact(amount));
        };
        // Normalise: no trailing zeros after the point.
        let mut scale = amount.scale() as usize;
        while scale > 0 && units % 10 == 0 {
            units /= 10;
            scale -= 1;
        }
        let mut text = Text::new();
        if units == 0 {
            text.push_all(b"0.00");
            return Exact::Short(text);
        }
        if mantissa < 0 {
            text.push(b'-');
        }
        let digits = Digits::of(units);
        let digits = digits.as_bytes();
        let (integer, fraction) = digits.split_at(digits.len().saturating_sub(scale));
        if integer.is_empty() {
            text.push(b'0');
        }
        text.push_all(integer);
        text.push(b'.');
        for _ in fraction.len()..scale {
            text.push(b'0');
        }
        text.push_all(fraction);
        for _ in scale..2 {
            text.push(b'0');
        }
        Exact::Short(text)
    }
}

impl Serialize for Exact {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Exact::Short(text) => text.serialize(serializer),
            Exact::Long(text) => serializer.serialize_str(text),
        }
    }
}

/// A date as Soracom writes it, as `BillDate`'s `Display` does: "yyyyMMdd", or "yyyyMM" for a month.
fn date_key(date: BillDate) -> Text {
    let mut text = Text::new();
    match date {
        BillDate::Month(p) => {
            text.push_number(p.year().into(), 4);
            text.push_number(p.month().into(), 2);
        }
        BillDate::Day(d) => {
            text.push_number(u64::try_from(d.year()).unwrap_or_default(), 4);
            text.push_number(d.month().into(), 2);
            text.push_number(d.day().into(), 2);
        }
    }
    text
}

/// A month as `Period`'s `Display` writes it: "YYYY-MM".
fn month_key(month: Period) -> Text {
    let mut text = Text::new();
    text.push_number(month.year().into(), 4);
    text.push(b'-');
    text.push_number(month.month().into(), 2);
    text
}

struct Dates<'a>(&'a BTreeMap<BillDate, LineTotals>);

impl Serialize for Dates<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_map(self.0.iter().map(|(d, t)| (date_key(*d), Totals(t))))
    }
}

struct Items<'a>(&'a BTreeMap<String, LineTotals>);

impl Serialize for Items<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_map(self.0.iter().map(|(k, t)| (k, Totals(t))))
    }
}

struct Subscribers<'a>(&'a BTreeMap<SubscriberKey, SubscriberTotals>);

impl Serialize for Subscribers<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_map(self.0.iter().map(|(k, s)| (k.as_str(), Subscriber(s))))
    }
}

struct Subscriber<'a>(&'a SubscriberTotals);

impl Serialize for Subscriber<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let t = self.0;
        let mut s = serializer.serialize_struct("SoracomCsvSubscriber", 3)?;
        s.serialize_field("months", &Months(&t.months))?;
        s.serialize_field("dates", &Dates(&t.dates))?;
        s.serialize_field("labels", &t.labels)?;
        s.end()
    }
}

struct Months<'a>(&'a BTreeMap<Period, LineTotals>);

impl Serialize for Months<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_map(self.0.iter().map(|(p, t)| (month_key(*p), Totals(t))))
    }
}
