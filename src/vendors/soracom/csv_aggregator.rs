//! The billing CSV, aggregated as it streams in: feed chunks of any size as they arrive (a download, a
//! file read in 64 KiB pieces), get the [`CsvAggregates`] at the end. Memory holds one row and the sums.
//!
//! The first row is the header. A bad row stops the aggregator with an error naming its line, column and
//! value, and every later call returns that error again: a bill that silently left a row out would be
//! wrong, and a host that wants to go on can decide so knowing exactly which cell is bad.

use super::billing_csv::{BillingCsvHeader, BILLING_CSV};
use super::csv_aggregates::CsvAggregates;
use crate::error::{Error, Result};
use crate::money::Currency;
use crate::readers::csv::{CsvLimits, CsvReader, CsvRow};

/// Aggregates one billing CSV fed in chunks.
#[derive(Debug, Clone)]
pub struct BillingCsvAggregator {
    reader: CsvReader,
    header: Option<BillingCsvHeader>,
    aggregates: CsvAggregates,
    /// Reused for subscriber keys, so that a known subscriber costs no allocation.
    scratch: String,
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
        }
    }

    /// Feeds the next bytes of the file.
    pub fn push_chunk(&mut self, chunk: &[u8]) -> Result<()> {
        let BillingCsvAggregator {
            reader,
            header,
            aggregates,
            scratch,
        } = self;
        reader.push(chunk, &mut |row| on_row(header, aggregates, scratch, row))
    }

    /// The sums so far (complete rows only).
    pub fn aggregates(&self) -> &CsvAggregates {
        &self.aggregates
    }

    /// Ends the file. A file without a header row is an error; a header without rows is empty sums.
    pub fn finish(mut self) -> Result<CsvAggregates> {
        let BillingCsvAggregator {
            reader,
            header,
            aggregates,
            scratch,
        } = &mut self;
        reader.finish(&mut |row| on_row(header, aggregates, scratch, row))?;
        if self.header.is_none() {
            return Err(Error::InvalidPayload {
                payload: BILLING_CSV.to_owned(),
                offset: 0,
                reason: "empty file: no header row".to_owned(),
            });
        }
        Ok(self.aggregates)
    }
}

fn on_row(
    header: &mut Option<BillingCsvHeader>,
    aggregates: &mut CsvAggregates,
    scratch: &mut String,
    row: CsvRow<'_>,
) -> Result<()> {
    match header {
        Some(h) => {
            let billing_row = h.read(&row)?;
            aggregates.add(&billing_row, h.labels(&row), scratch)
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
