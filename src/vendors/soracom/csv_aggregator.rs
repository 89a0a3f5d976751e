//! The billing CSV, aggregated as it streams in: feed chunks of any size as they arrive (a download, a
//! file read in 64 KiB pieces), get the [`CsvAggregates`] at the end. Memory holds one row and the sums.
//!
//! The first row is the header. A bad row stops the aggregator with an error naming its line, column and
//! value, and every later call returns that error again: a bill that silently left a row out would be
//! wrong, and a host that wants to go on can decide so knowing exactly which cell is bad.

use std::collections::BTreeMap;

use super::billing_csv::{BillingCsvHeader, BILLING_CSV};
use super::csv_aggregates::CsvAggregates;
use crate::error::{Error, Result};
use crate::money::Currency;
use crate::period::Period;
use crate::readers::csv::{CsvLimits, CsvReader, CsvRow};

/// Aggregates one billing CSV fed in chunks.
#[derive(Debug, Clone)]
pub struct BillingCsvAggregator {
    reader: CsvReader,
    header: Option<BillingCsvHeader>,
    aggregates: CsvAggregates,
    /// Reused for subscriber keys, so that a known subscriber costs no allocation.
    scratch: String,
    /// The lines of each subscriber's month, when asked for ([`BillingCsvAggregator::keep_lines`]).
    lines: Option<CsvLines>,
}

/// The CSV lines (1-based physical lines, the header being line 1) each subscriber's month was summed
/// from, as ranges of consecutive lines: what the items billed from them are traced to. Not part of the
/// sums: two parts of a file number their lines apart, and only sums merge.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CsvLines(BTreeMap<String, BTreeMap<Period, Vec<[u64; 2]>>>);

impl CsvLines {
    fn note(&mut self, key: &str, month: Period, line: u64) {
        if !self.0.contains_key(key) {
            self.0.insert(key.to_owned(), BTreeMap::new());
        }
        let Some(months) = self.0.get_mut(key) else {
            return;
        };
        let ranges = months.entry(month).or_default();
        match ranges.last_mut() {
            Some(last) if last[1].checked_add(1) == Some(line) => last[1] = line,
            _ => ranges.push([line, line]),
        }
    }

    /// The ranges of lines of `key`'s `month`, in file order.
    pub fn of(&self, key: &str, month: Period) -> &[[u64; 2]] {
        self.0
            .get(key)
            .and_then(|m| m.get(&month))
            .map(Vec::as_slice)
            .unwrap_or(&[])
    }

    /// The trace's lines of `key`'s `month`: `{"csv_lines": [first, last]}` per range.
    pub fn evidence(&self, key: &str, month: Period) -> Vec<serde_json::Value> {
        self.of(key, month)
            .iter()
            .map(|range| serde_json::json!({ "csv_lines": range }))
            .collect()
    }
}

impl BillingCsvAggregator {
    /// `currency` is the bill's (from its `MonthlyBill`): the CSV does not say.
    pub fn new(currency: Currency) -> BillingCsvAggregator {
        BillingCsvAggregator::with_limits(currency, CsvLimits::default())
    }

    pub fn with_limits(currency: Currency, limits: CsvLimits) -> BillingCsvAggregator {
        BillingCsvAggregator {
            reader: CsvReader::new(BILLING_CSV, limits),
            header: None,
            aggregates: CsvAggregates::new(currency),
            scratch: String::new(),
            lines: None,
        }
    }

    /// Keeps the lines of each subscriber's month too ([`CsvLines`]), for [`Self::finish_with_lines`].
    pub fn keep_lines(mut self) -> BillingCsvAggregator {
        self.lines = Some(CsvLines::default());
        self
    }

    /// Feeds the next bytes of the file.
    pub fn push_chunk(&mut self, chunk: &[u8]) -> Result<()> {
        let BillingCsvAggregator {
            reader,
            header,
            aggregates,
            scratch,
            lines,
        } = self;
        reader.push(chunk, &mut |row| {
            on_row(header, aggregates, scratch, lines.as_mut(), row)
        })
    }

    /// The sums so far (complete rows only).
    pub fn aggregates(&self) -> &CsvAggregates {
        &self.aggregates
    }

    /// Ends the file. A file without a header row is an error; a header without rows is empty sums.
    pub fn finish(self) -> Result<CsvAggregates> {
        self.finish_with_lines().map(|(aggregates, _)| aggregates)
    }

    /// [`Self::finish`], with the lines kept (empty unless [`Self::keep_lines`]).
    pub fn finish_with_lines(mut self) -> Result<(CsvAggregates, CsvLines)> {
        let BillingCsvAggregator {
            reader,
            header,
            aggregates,
            scratch,
            lines,
        } = &mut self;
        reader.finish(&mut |row| on_row(header, aggregates, scratch, lines.as_mut(), row))?;
        if self.header.is_none() {
            return Err(Error::InvalidPayload {
                payload: BILLING_CSV.to_owned(),
                offset: 0,
                reason: "empty file: no header row".to_owned(),
            });
        }
        Ok((self.aggregates, self.lines.unwrap_or_default()))
    }
}

fn on_row(
    header: &mut Option<BillingCsvHeader>,
    aggregates: &mut CsvAggregates,
    scratch: &mut String,
    lines: Option<&mut CsvLines>,
    row: CsvRow<'_>,
) -> Result<()> {
    match header {
        Some(h) => {
            let billing_row = h.read(&row)?;
            aggregates.add(&billing_row, h.labels(&row), scratch)?;
            // `add` left the row's subscriber key in `scratch`.
            if let Some(lines) = lines {
                let line = u64::try_from(billing_row.line).unwrap_or(u64::MAX);
                lines.note(scratch, billing_row.date.period()?, line);
            }
            Ok(())
        }
        None => {
            let h = BillingCsvHeader::from_row(&row)?;
            aggregates.note_columns(h.label_columns(), h.unknown_columns());
            *header = Some(h);
            Ok(())
        }
    }
}

/// Aggregates a whole billing CSV held in memory.
pub fn aggregate_billing_csv(bytes: &[u8], currency: Currency) -> Result<CsvAggregates> {
    let mut aggregator = BillingCsvAggregator::new(currency);
    aggregator.push_chunk(bytes)?;
    aggregator.finish()
}

#[cfg(test)]
mod tests;
