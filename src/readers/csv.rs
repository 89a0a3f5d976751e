//! A streaming RFC 4180 reader: bytes in, in chunks of any size; complete rows out, one at a time.
//!
//! Why streaming: a vendor's billing export can be a gigabyte, and billsync runs in a wasm instance whose
//! memory only grows. The reader holds one row at a time, so memory is bounded by the longest row, and a
//! chunk boundary may fall anywhere: inside a UTF-8 character, between the two quotes of an `""` escape,
//! between the CR and the LF of a line break, or inside the byte-order mark.
//!
//! What it accepts:
//! - UTF-8, with an optional byte-order mark at the very start (dropped);
//! - fields separated by `,`; fields in double quotes may hold commas, line breaks and `""` (one quote);
//! - rows ended by CRLF, LF or a lone CR; the last row needs no line break;
//! - blank lines carry no fields and are skipped (a row of one quoted empty field, `""`, is not blank).
//!
//! What it refuses, as [`Error::InvalidPayload`] with the byte offset in the whole stream and the 1-based
//! physical line in the reason: a quote inside an unquoted field, anything but a separator or a line break
//! after a closing quote, a quoted field still open at the end, a row that is not UTF-8, and a row longer
//! than [`CsvLimits::max_row_bytes`] or with more fields than [`CsvLimits::max_fields`].
//!
//! Physical lines count every line break in the file, those inside quoted fields too, so a line number
//! points at the line an editor shows. A row is named by the line it starts on.

use crate::error::{Error, Result};

const BOM: [u8; 3] = [0xEF, 0xBB, 0xBF];

/// Hard limits: a malformed or hostile file fails fast instead of growing memory without bound.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CsvLimits {
    /// Longest row, in bytes of field content (separators and quotes not counted).
    pub max_row_bytes: usize,
    /// Most fields in a row.
    pub max_fields: usize,
}

impl Default for CsvLimits {
    /// 1 MiB and 4096 fields: far above any billing export's rows, far below trouble.
    fn default() -> CsvLimits {
        CsvLimits {
            max_row_bytes: 1 << 20,
            max_fields: 4096,
        }
    }
}

/// One complete row, borrowed from the reader until the callback returns.
#[derive(Debug, Clone, Copy)]
pub struct CsvRow<'r> {
    line: usize,
    text: &'r str,
    ends: &'r [usize],
}

impl<'r> CsvRow<'r> {
    /// The 1-based physical line the row starts on.
    pub fn line(&self) -> usize {
        self.line
    }

    /// How many fields the row has (at least 1).
    pub fn len(&self) -> usize {
        self.ends.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    /// Field `index`, unquoted and unescaped.
    pub fn get(&self, index: usize) -> Option<&'r str> {
        let end = *self.ends.get(index)?;
        let start = match index.checked_sub(1) {
            Some(prev) => *self.ends.get(prev)?,
            None => 0,
        };
        self.text.get(start..end)
    }

    pub fn iter(&self) -> impl Iterator<Item = &'r str> + '_ {
        (0..self.ends.len()).filter_map(move |i| self.get(i))
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    /// At the start of a field: nothing of it read yet.
    FieldStart,
    Unquoted,
    Quoted,
    /// A quote inside a quoted field: the next byte says whether it closed the field or was `""`.
    QuoteInQuoted,
}

/// The reader. Feed it with [`CsvReader::push`], then call [`CsvReader::finish`] once.
#[derive(Debug, Clone)]
pub struct CsvReader {
    payload: &'static str,
    limits: CsvLimits,
    state: State,
    /// BOM bytes matched so far at the start of the stream; `None` once the start is decided.
    bom_matched: Option<usize>,
    /// Field content of the current row, unescaped, fields back to back.
    buf: Vec<u8>,
    /// End of each completed field of the current row in `buf`.
    ends: Vec<usize>,
    row_has_content: bool,
    /// The physical line being read (1-based), and the line the current row started on.
    line: usize,
    row_line: usize,
    last_was_cr: bool,
    /// Bytes of the stream consumed so far.
    offset: usize,
    /// Once failed, the reader stays failed with its first error.
    failed: Option<Error>,
}

impl CsvReader {
    /// `payload` names the file in errors, e.g. "soracom billing csv".
    pub fn new(payload: &'static str, limits: CsvLimits) -> CsvReader {
        CsvReader {
            payload,
            limits,
            state: State::FieldStart,
            bom_matched: Some(0),
            buf: Vec::new(),
            ends: Vec::new(),
            row_has_content: false,
            line: 1,
            row_line: 1,
            last_was_cr: false,
            offset: 0,
            failed: None,
        }
    }

    /// The 1-based physical line the reader is on.
    pub fn line(&self) -> usize {
        self.line
    }

    /// Feeds the next bytes; `on_row` gets every row they complete, in order. An error from `on_row` stops
    /// the reader, which then returns that error again on every call.
    pub fn push<F>(&mut self, chunk: &[u8], on_row: &mut F) -> Result<()>
    where
        F: FnMut(CsvRow<'_>) -> Result<()>,
    {
        if let Some(e) = &self.failed {
            return Err(e.clone());
        }
        let result = self.push_inner(chunk, on_row);
        if let Err(e) = &result {
            self.failed = Some(e.clone());
        }
        result
    }

    /// Ends the stream: the last row needs no line break, but an open quoted field is an error.
    pub fn finish<F>(&mut self, on_row: &mut F) -> Result<()>
    where
        F: FnMut(CsvRow<'_>) -> Result<()>,
    {
        if let Some(e) = &self.failed {
            return Err(e.clone());
        }
        let result = self.finish_inner(on_row);
        // A finished reader accepts nothing more.
        self.failed = Some(match &result {
            Err(e) => e.clone(),
            Ok(()) => self.error("the stream was already finished"),
        });
        result
    }

    fn finish_inner<F>(&mut self, on_row: &mut F) -> Result<()>
    where
        F: FnMut(CsvRow<'_>) -> Result<()>,
    {
        if let Some(matched) = self.bom_matched.take() {
            // A stream shorter than a BOM that began like one: those bytes were content.
            self.feed(BOM.get(..matched).unwrap_or(&[]), on_row)?;
        }
        match self.state {
            State::Quoted => Err(Error::InvalidPayload {
                payload: self.payload.to_owned(),
                offset: self.offset,
                reason: format!("line {}: unterminated quoted field", self.row_line),
            }),
            State::FieldStart if !self.row_has_content => Ok(()),
            _ => self.end_row(on_row),
        }
    }

    fn push_inner<F>(&mut self, mut chunk: &[u8], on_row: &mut F) -> Result<()>
    where
        F: FnMut(CsvRow<'_>) -> Result<()>,
    {
        while let Some(matched) = self.bom_matched {
            let Some((&b, rest)) = chunk.split_first() else {
                return Ok(());
            };
            if BOM.get(matched) == Some(&b) {
                chunk = rest;
                self.offset += 1;
                if matched + 1 == BOM.len() {
                    self.bom_matched = None;
                } else {
                    self.bom_matched = Some(matched + 1);
                }
            } else {
                self.bom_matched = None;
                self.feed(BOM.get(..matched).unwrap_or(&[]), on_row)?;
            }
        }
        self.feed(chunk, on_row)
    }

    fn error(&self, reason: impl std::fmt::Display) -> Error {
        Error::InvalidPayload {
            payload: self.payload.to_owned(),
            offset: self.offset,
            reason: format!("line {}: {reason}", self.line),
        }
    }

    /// Content bytes into the current field, within the row limit.
    fn take(&mut self, bytes: &[u8]) -> Result<()> {
        if self.buf.len().saturating_add(bytes.len()) > self.limits.max_row_bytes {
            return Err(self.error(format!(
                "row longer than {} bytes",
                self.limits.max_row_bytes
            )));
        }
        self.buf.extend_from_slice(bytes);
        Ok(())
    }

    fn start_content(&mut self) {
        if !self.row_has_content {
            self.row_has_content = true;
            self.row_line = self.line;
        }
    }

    fn end_field(&mut self) -> Result<()> {
        if self.ends.len() >= self.limits.max_fields {
            return Err(self.error(format!(
                "row has more than {} fields",
                self.limits.max_fields
            )));
        }
        self.ends.push(self.buf.len());
        Ok(())
    }

    fn end_row<F>(&mut self, on_row: &mut F) -> Result<()>
    where
        F: FnMut(CsvRow<'_>) -> Result<()>,
    {
        self.end_field()?;
        let text = std::str::from_utf8(&self.buf).map_err(|e| Error::InvalidPayload {
            payload: self.payload.to_owned(),
            offset: self.offset,
            reason: format!(
                "line {}: not UTF-8 (bad byte {} bytes into the row's content)",
                self.row_line,
                e.valid_up_to()
            ),
        })?;
        if !self.ends.iter().all(|&end| text.is_char_boundary(end)) {
            return Err(Error::InvalidPayload {
                payload: self.payload.to_owned(),
                offset: self.offset,
                reason: format!("line {}: a field is not UTF-8", self.row_line),
            });
        }
        on_row(CsvRow {
            line: self.row_line,
            text,
            ends: &self.ends,
        })?;
        self.buf.clear();
        self.ends.clear();
        self.row_has_content = false;
        self.state = State::FieldStart;
        Ok(())
    }

    /// Counts a line break byte (CRLF is one break).
    fn count_break(&mut self, b: u8) {
        if b == b'\r' || !self.last_was_cr {
            self.line += 1;
        }
    }

    fn feed<F>(&mut self, chunk: &[u8], on_row: &mut F) -> Result<()>
    where
        F: FnMut(CsvRow<'_>) -> Result<()>,
    {
        let mut at = 0;
        while let Some(rest) = chunk.get(at..) {
            // Runs of plain content are copied in one go: most bytes of a CSV are plain.
            let run_end = match self.state {
                State::Unquoted => rest
                    .iter()
                    .position(|&b| matches!(b, b',' | b'"' | b'\r' | b'\n')),
                State::Quoted => rest.iter().position(|&b| matches!(b, b'"' | b'\r' | b'\n')),
                _ => Some(0),
            };
            let run = run_end.unwrap_or(rest.len());
            if run > 0 {
                let plain = rest.get(..run).unwrap_or(&[]);
                self.take(plain)?;
                self.offset += run;
                at += run;
                self.last_was_cr = false;
                continue;
            }
            let Some(&b) = rest.first() else {
                return Ok(());
            };
            match (self.state, b) {
                (State::FieldStart, b'"') => {
                    self.start_content();
                    self.state = State::Quoted;
                }
                (State::FieldStart, b',') => {
                    self.start_content();
                    self.end_field()?;
                }
                (State::FieldStart, b'\r' | b'\n') => {
                    if self.row_has_content {
                        self.end_row(on_row)?;
                    }
                    self.count_break(b);
                }
                (State::FieldStart, _) => {
                    self.start_content();
                    self.take(&[b])?;
                    self.state = State::Unquoted;
                }
                (State::Unquoted | State::QuoteInQuoted, b',') => {
                    self.end_field()?;
                    self.state = State::FieldStart;
                }
                (State::Unquoted | State::QuoteInQuoted, b'\r' | b'\n') => {
                    self.end_row(on_row)?;
                    self.count_break(b);
                }
                (State::Unquoted, b'"') => {
                    return Err(self.error("a quote inside an unquoted field"));
                }
                (State::Quoted, b'"') => self.state = State::QuoteInQuoted,
                (State::Quoted, b'\r' | b'\n') => {
                    self.take(&[b])?;
                    self.count_break(b);
                }
                (State::QuoteInQuoted, b'"') => {
                    self.take(b"\"")?;
                    self.state = State::Quoted;
                }
                (State::QuoteInQuoted, _) => {
                    return Err(self.error("characters after a closing quote"));
                }
                (State::Unquoted | State::Quoted, _) => {
                    // Plain bytes are taken by the run above; kept for completeness.
                    self.take(&[b])?;
                }
            }
            self.last_was_cr = b == b'\r';
            self.offset += 1;
            at += 1;
        }
        Ok(())
    }
}

/// Reads a whole CSV text at once (small files and tests): every row's fields, owned.
pub fn read_all(bytes: &[u8], payload: &'static str, limits: CsvLimits) -> Result<Vec<OwnedRow>> {
    let mut reader = CsvReader::new(payload, limits);
    let mut rows = Vec::new();
    let mut collect = |row: CsvRow<'_>| {
        rows.push(OwnedRow {
            line: row.line(),
            fields: row.iter().map(str::to_owned).collect(),
        });
        Ok(())
    };
    reader.push(bytes, &mut collect)?;
    reader.finish(&mut collect)?;
    Ok(rows)
}

/// An owned row, from [`read_all`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OwnedRow {
    pub line: usize,
    pub fields: Vec<String>,
}

#[cfg(test)]
mod tests;
