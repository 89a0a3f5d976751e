//! A strict, allocation-light JSON scanner for Arrow's bulk payloads.
//!
//! Why not `serde_json::Value`: a consumption page is a table of string cells, and a tree of `Value`s per line
//! costs an allocation per cell, while we need three or four cells of a dozen. Why not a serde visitor: serde
//! hands numbers over as f64, and money must be read from the number's own digits. So this scanner walks the
//! text once, borrows strings that have no escapes, yields numbers as their raw text, and skips cells nobody
//! asked for without decoding them.
//!
//! It is strict (RFC 8259: no trailing commas, no comments, no lone surrogates, no control characters in
//! strings, nothing after the document), reports the byte offset of the first fault, never panics, and never
//! recurses: nesting is tracked in a counter and a bitmask, capped at [`MAX_DEPTH`] like serde_json.

use std::borrow::Cow;

use super::cells::Cell;
use crate::error::{Error, Result};

/// Deepest nesting accepted, as serde_json's default recursion limit.
pub const MAX_DEPTH: usize = 128;

/// A cursor over one JSON document. The caller drives it with the shape it expects.
pub struct Scanner<'a> {
    text: &'a str,
    bytes: &'a [u8],
    pos: usize,
    depth: usize,
    payload: &'static str,
}

impl<'a> Scanner<'a> {
    /// `payload` names the document in errors, e.g. "arrow consumption".
    pub fn new(text: &'a str, payload: &'static str) -> Scanner<'a> {
        Scanner::at(text, payload, 0, 0)
    }

    /// A scanner resumed at `offset`, `depth` levels deep: the second pass over a span the first pass validated.
    pub(crate) fn at(
        text: &'a str,
        payload: &'static str,
        offset: usize,
        depth: usize,
    ) -> Scanner<'a> {
        Scanner {
            text,
            bytes: text.as_bytes(),
            pos: offset.min(text.len()),
            depth,
            payload,
        }
    }

    /// Bytes must be UTF-8; the error names the offset of the first bad byte.
    pub fn text_of<'b>(bytes: &'b [u8], payload: &'static str) -> Result<&'b str> {
        std::str::from_utf8(bytes).map_err(|e| Error::InvalidPayload {
            payload: payload.to_owned(),
            offset: e.valid_up_to(),
            reason: "not UTF-8".to_owned(),
        })
    }

    pub fn offset(&self) -> usize {
        self.pos
    }

    pub fn depth(&self) -> usize {
        self.depth
    }

    pub fn text(&self) -> &'a str {
        self.text
    }

    pub fn payload(&self) -> &'static str {
        self.payload
    }

    /// The first byte of the next value, after whitespace.
    #[inline(always)]
    pub fn peek_value(&mut self) -> Option<u8> {
        self.skip_ws();
        self.peek()
    }

    pub fn error(&self, reason: impl Into<String>) -> Error {
        self.error_at(self.pos, reason)
    }

    pub fn error_at(&self, offset: usize, reason: impl Into<String>) -> Error {
        Error::InvalidPayload {
            payload: self.payload.to_owned(),
            offset,
            reason: reason.into(),
        }
    }

    #[inline(always)]
    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    #[inline(always)]
    pub fn skip_ws(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.peek() {
            self.pos += 1;
        }
    }

    fn enter(&mut self) -> Result<()> {
        if self.depth >= MAX_DEPTH {
            return Err(self.error(format!("nesting deeper than {MAX_DEPTH}")));
        }
        self.depth += 1;
        Ok(())
    }

    fn open(&mut self, byte: u8, what: &str) -> Result<()> {
        self.skip_ws();
        if self.peek() != Some(byte) {
            return Err(self.error(format!("expected {what}")));
        }
        self.enter()?;
        self.pos += 1;
        Ok(())
    }

    /// Consumes `{`; then call [`Scanner::next_key`] until it returns `None`.
    pub fn begin_object(&mut self) -> Result<()> {
        self.open(b'{', "an object")
    }

    /// Consumes `[`; then call [`Scanner::next_element`] until it returns `false`.
    pub fn begin_array(&mut self) -> Result<()> {
        self.open(b'[', "an array")
    }

    /// The next key of the open object, with its `:` consumed, or `None` at `}`. The caller must read or
    /// skip the value before asking again. `first` starts true for each object.
    pub fn next_key(&mut self, first: &mut bool) -> Result<Option<Cow<'a, str>>> {
        if !self.next_member(first, b'}')? {
            return Ok(None);
        }
        self.skip_ws();
        if self.peek() != Some(b'"') {
            return Err(self.error("expected a string key"));
        }
        let key = self.string()?;
        self.colon()?;
        Ok(Some(key))
    }

    /// Whether another element follows in the open array (`false` consumes the `]`).
    #[inline(always)]
    pub fn next_element(&mut self, first: &mut bool) -> Result<bool> {
        self.next_member(first, b']')
    }

    #[inline(always)]
    fn next_member(&mut self, first: &mut bool, close: u8) -> Result<bool> {
        self.skip_ws();
        let is_first = std::mem::replace(first, false);
        match self.peek() {
            Some(b) if b == close => {
                self.pos += 1;
                self.depth = self.depth.saturating_sub(1);
                Ok(false)
            }
            Some(b',') if !is_first => {
                self.pos += 1;
                Ok(true)
            }
            _ if is_first => Ok(true),
            _ => Err(self.error(if close == b'}' {
                "expected ',' or '}'"
            } else {
                "expected ',' or ']'"
            })),
        }
    }

    fn colon(&mut self) -> Result<()> {
        self.skip_ws();
        if self.peek() != Some(b':') {
            return Err(self.error("expected ':'"));
        }
        self.pos += 1;
        Ok(())
    }

    /// Any value as a table cell; an array or object comes back as its raw text.
    #[inline(always)]
    pub fn cell(&mut self) -> Result<Cell<'a>> {
        self.skip_ws();
        match self.peek() {
            Some(b'"') => Ok(Cell::Text(self.string()?)),
            Some(b'-' | b'0'..=b'9') => Ok(Cell::Number(Cow::Borrowed(self.number()?))),
            Some(b't') => self.literal(b"true").map(|()| Cell::Bool(true)),
            Some(b'f') => self.literal(b"false").map(|()| Cell::Bool(false)),
            Some(b'n') => self.literal(b"null").map(|()| Cell::Null),
            Some(b'[' | b'{') => {
                let start = self.pos;
                self.skip_value()?;
                Ok(Cell::Nested(Cow::Borrowed(self.slice(start, self.pos)?)))
            }
            _ => Err(self.error("expected a value")),
        }
    }

    /// A string value, decoded.
    pub fn string_value(&mut self) -> Result<Cow<'a, str>> {
        self.skip_ws();
        if self.peek() != Some(b'"') {
            return Err(self.error("expected a string"));
        }
        self.string()
    }

    /// [`Scanner::skip_value`] with a shortcut for the common case of a table cell: a string.
    #[inline(always)]
    pub fn skip_cell(&mut self) -> Result<()> {
        if self.peek_value() == Some(b'"') {
            self.skip_string()
        } else {
            self.skip_value()
        }
    }

    /// Validates and passes over one value of any shape, without building it.
    pub fn skip_value(&mut self) -> Result<()> {
        // Bit i of `objects` tells whether open level i is an object; `levels` counts the open levels.
        let mut objects: u128 = 0;
        let mut levels: usize = 0;
        'value: loop {
            self.skip_ws();
            match self.peek() {
                Some(open @ (b'{' | b'[')) => {
                    if self.depth.saturating_add(levels) >= MAX_DEPTH {
                        return Err(self.error(format!("nesting deeper than {MAX_DEPTH}")));
                    }
                    self.pos += 1;
                    self.skip_ws();
                    let close = if open == b'{' { b'}' } else { b']' };
                    if self.peek() == Some(close) {
                        self.pos += 1;
                    } else {
                        let bit = 1u128.checked_shl(levels as u32).unwrap_or(0);
                        if open == b'{' {
                            objects |= bit;
                        } else {
                            objects &= !bit;
                        }
                        levels += 1;
                        if open == b'{' {
                            self.object_key()?;
                        }
                        continue 'value;
                    }
                }
                Some(b'"') => self.skip_string()?,
                Some(b'-' | b'0'..=b'9') => {
                    self.number()?;
                }
                Some(b't') => self.literal(b"true")?,
                Some(b'f') => self.literal(b"false")?,
                Some(b'n') => self.literal(b"null")?,
                _ => return Err(self.error("expected a value")),
            }
            // A value is complete: close what it completes, or move on to the next member.
            loop {
                let Some(top) = levels.checked_sub(1) else {
                    return Ok(());
                };
                let in_object = objects.checked_shr(top as u32).unwrap_or(0) & 1 == 1;
                self.skip_ws();
                match self.peek() {
                    Some(b',') => {
                        self.pos += 1;
                        if in_object {
                            self.object_key()?;
                        }
                        continue 'value;
                    }
                    Some(b'}') if in_object => {
                        self.pos += 1;
                        levels = top;
                    }
                    Some(b']') if !in_object => {
                        self.pos += 1;
                        levels = top;
                    }
                    _ => {
                        return Err(self.error(if in_object {
                            "expected ',' or '}'"
                        } else {
                            "expected ',' or ']'"
                        }))
                    }
                }
            }
        }
    }

    fn object_key(&mut self) -> Result<()> {
        self.skip_ws();
        if self.peek() != Some(b'"') {
            return Err(self.error("expected a string key"));
        }
        self.skip_string()?;
        self.colon()
    }

    /// Only whitespace may follow the document.
    pub fn finish(&mut self) -> Result<()> {
        self.skip_ws();
        if self.pos < self.bytes.len() {
            return Err(self.error("trailing characters after the document"));
        }
        Ok(())
    }

    #[inline(always)]
    fn slice(&self, start: usize, end: usize) -> Result<&'a str> {
        // Every boundary we cut at is an ASCII byte, so it is a char boundary; `get` checks anyway.
        self.text
            .get(start..end)
            .ok_or_else(|| self.error_at(start, "not a character boundary"))
    }

    fn literal(&mut self, word: &[u8]) -> Result<()> {
        let matches = self
            .bytes
            .get(self.pos..)
            .is_some_and(|rest| rest.starts_with(word));
        if !matches {
            return Err(self.error("invalid literal"));
        }
        self.pos += word.len();
        Ok(())
    }

    /// A number's raw text, checked against the JSON grammar.
    fn number(&mut self) -> Result<&'a str> {
        let start = self.pos;
        if self.peek() == Some(b'-') {
            self.pos += 1;
        }
        match self.peek() {
            Some(b'0') => self.pos += 1,
            Some(b'1'..=b'9') => self.digits(),
            _ => return Err(self.error("invalid number")),
        }
        if self.peek() == Some(b'.') {
            self.pos += 1;
            self.required_digits()?;
        }
        if let Some(b'e' | b'E') = self.peek() {
            self.pos += 1;
            if let Some(b'+' | b'-') = self.peek() {
                self.pos += 1;
            }
            self.required_digits()?;
        }
        self.slice(start, self.pos)
    }

    fn digits(&mut self) {
        while let Some(b'0'..=b'9') = self.peek() {
            self.pos += 1;
        }
    }

    fn required_digits(&mut self) -> Result<()> {
        if !matches!(self.peek(), Some(b'0'..=b'9')) {
            return Err(self.error("invalid number"));
        }
        self.digits();
        Ok(())
    }

    /// Advances over plain string bytes: stops at a quote, a backslash, a control character or the end.
    /// Strings are most of a consumption page's bytes, so they are read eight bytes at a time, and the first
    /// special byte of a word is found from its mask without a byte loop.
    #[inline(always)]
    fn plain_run(&mut self) {
        while let Some(chunk) = self.bytes.get(self.pos..self.pos + 8) {
            let word = u64::from_le_bytes(chunk.try_into().unwrap_or([b'"'; 8]));
            let mask = special_bytes(word);
            if mask != 0 {
                self.pos += (mask.trailing_zeros() / 8) as usize;
                return;
            }
            self.pos += 8;
        }
        while let Some(&b) = self.bytes.get(self.pos) {
            if b == b'"' || b == b'\\' || b < 0x20 {
                break;
            }
            self.pos += 1;
        }
    }

    /// A string at its opening quote, borrowed when it has no escapes.
    #[inline(always)]
    fn string(&mut self) -> Result<Cow<'a, str>> {
        let open = self.pos;
        self.pos += 1;
        let start = self.pos;
        self.plain_run();
        if self.peek() == Some(b'"') {
            let s = self.slice(start, self.pos)?;
            self.pos += 1;
            return Ok(Cow::Borrowed(s));
        }
        let mut owned = String::from(self.slice(start, self.pos)?);
        loop {
            match self.peek() {
                None => return Err(self.error_at(open, "unterminated string")),
                Some(b'"') => {
                    self.pos += 1;
                    return Ok(Cow::Owned(owned));
                }
                Some(b'\\') => owned.push(self.escape()?),
                Some(b) if b < 0x20 => return Err(self.error("control character in string")),
                Some(_) => {
                    let run = self.pos;
                    self.plain_run();
                    owned.push_str(self.slice(run, self.pos)?);
                }
            }
        }
    }

    /// Validates a string at its opening quote without keeping it.
    fn skip_string(&mut self) -> Result<()> {
        let open = self.pos;
        self.pos += 1;
        loop {
            self.plain_run();
            match self.peek() {
                None => return Err(self.error_at(open, "unterminated string")),
                Some(b'"') => {
                    self.pos += 1;
                    return Ok(());
                }
                Some(b'\\') => {
                    self.escape()?;
                }
                Some(_) => return Err(self.error("control character in string")),
            }
        }
    }

    /// One escape sequence at its backslash, as the character it stands for.
    fn escape(&mut self) -> Result<char> {
        let at = self.pos;
        self.pos += 1;
        let Some(kind) = self.peek() else {
            return Err(self.error_at(at, "unterminated escape"));
        };
        self.pos += 1;
        let c = match kind {
            b'"' => '"',
            b'\\' => '\\',
            b'/' => '/',
            b'b' => '\u{8}',
            b'f' => '\u{c}',
            b'n' => '\n',
            b'r' => '\r',
            b't' => '\t',
            b'u' => {
                let unit = self.hex4(at)?;
                let code = match unit {
                    0xD800..=0xDBFF => {
                        // A high surrogate must be followed by an escaped low surrogate: together, one char.
                        let pair = self
                            .bytes
                            .get(self.pos..)
                            .is_some_and(|r| r.starts_with(b"\\u"));
                        if !pair {
                            return Err(self.error_at(at, "unpaired surrogate"));
                        }
                        self.pos += 2;
                        let low = self.hex4(at)?;
                        if !(0xDC00..=0xDFFF).contains(&low) {
                            return Err(self.error_at(at, "unpaired surrogate"));
                        }
                        0x10000 + ((u32::from(unit) - 0xD800) << 10) + (u32::from(low) - 0xDC00)
                    }
                    0xDC00..=0xDFFF => return Err(self.error_at(at, "unpaired surrogate")),
                    other => u32::from(other),
                };
                return char::from_u32(code).ok_or_else(|| self.error_at(at, "invalid \\u escape"));
            }
            _ => return Err(self.error_at(at, "invalid escape")),
        };
        Ok(c)
    }

    fn hex4(&mut self, at: usize) -> Result<u16> {
        let mut unit: u16 = 0;
        for _ in 0..4 {
            let digit = self
                .peek()
                .and_then(|b| (b as char).to_digit(16))
                .ok_or_else(|| self.error_at(at, "invalid \\u escape"))?;
            // Four hex digits fill exactly 16 bits: the shifts cannot overflow.
            unit = (unit << 4) | digit as u16;
            self.pos += 1;
        }
        Ok(unit)
    }
}

const ONES: u64 = 0x0101_0101_0101_0101;
const HIGHS: u64 = 0x8080_8080_8080_8080;

/// Flags (high bit of each byte) the bytes of `word` below `n` (n ≤ 128), by the classic SWAR test. A
/// borrow can flag a byte *above* a truly flagged one, never below, so the lowest flag is exact.
#[inline(always)]
fn bytes_below(word: u64, n: u8) -> u64 {
    word.wrapping_sub(ONES.wrapping_mul(u64::from(n))) & !word & HIGHS
}

/// Flags the quotes, backslashes and control characters of `word`; the lowest flag marks the first.
#[inline(always)]
fn special_bytes(word: u64) -> u64 {
    bytes_below(word, 0x20)
        | bytes_below(word ^ ONES.wrapping_mul(u64::from(b'"')), 1)
        | bytes_below(word ^ ONES.wrapping_mul(u64::from(b'\\')), 1)
}

/// Checks that `text` is one well-formed JSON document.
pub fn validate_document(text: &str, payload: &'static str) -> Result<()> {
    let mut scanner = Scanner::new(text, payload);
    scanner.skip_value()?;
    scanner.finish()
}

#[cfg(test)]
mod tests;
