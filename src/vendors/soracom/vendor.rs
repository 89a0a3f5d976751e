//! Soracom as a vendor of the ledger. A SIM's or device's money for a month comes from the billing CSV
//! export (granularity `subscriber`), or the account's from the monthly bill (granularity `account`).
//! The month's bill says whether it is closed: until then (1 to 3 business days after the month ends,
//! while `latest` already shows the next month) its figures are preliminary and nothing is reconciled.

use std::collections::BTreeMap;

use serde_json::{json, Value};

use super::port::SoracomApi;
use super::settings::{subscriber_of, SoracomSettings, VENDOR};
use super::{
    check_month, parse_exported_file, parse_exported_file_value, parse_file_export,
    parse_file_export_value, parse_monthly_bill, parse_monthly_bill_value, BillingCsvAggregator,
    CsvAggregates, CsvLines, ExportStatus, FileExport, MonthlyBill, SubscriberKey,
};
use crate::engine::{Payload, Preliminary, Vendor};
use crate::error::{Error, Result};
use crate::ledger::{Evidence, FinalFigure, Policy, Resource};
use crate::money::render_exact;
use crate::period::Period;

/// How much of a downloaded CSV is fed to the aggregator at once: the reader streams, whatever the size.
const CHUNK: usize = 64 * 1024;

/// Soracom, read through the host's adapter to its API.
pub struct Soracom<B> {
    pub api: B,
}

fn failed(call: &str, message: impl Into<String>) -> Error {
    Error::AdapterFailed {
        call: format!("soracom.{call}"),
        message: message.into(),
    }
}

impl<B: SoracomApi> Soracom<B> {
    /// The month's bill, or None where Soracom has none (yet).
    pub async fn bill(
        &self,
        settings: &SoracomSettings,
        month: Period,
    ) -> Result<Option<MonthlyBill>> {
        Ok(self.read_bill(settings, month).await?.map(|(bill, _)| bill))
    }

    /// The month's bill and the hex SHA-256 of its payload as read.
    async fn read_bill(
        &self,
        settings: &SoracomSettings,
        month: Period,
    ) -> Result<Option<(MonthlyBill, String)>> {
        let Some(payload) = self.api.get_billing(month).await? else {
            return Ok(None);
        };
        let sha256 = payload.sha256();
        let bill = match payload {
            Payload::Text(text) => parse_monthly_bill(&text, settings.currency),
            Payload::Json(value) => parse_monthly_bill_value(&value, settings.currency),
        }?;
        check_month(&bill, month)?;
        Ok(Some((bill, sha256)))
    }

    /// The month's billing CSV: exported (an asynchronous export polled at most `max_export_polls`
    /// times), downloaded, and aggregated as a stream in the bill's currency.
    pub async fn export(
        &self,
        settings: &SoracomSettings,
        bill: &MonthlyBill,
        progress: &dyn Fn(u64, u64, String),
    ) -> Result<CsvRead> {
        let month = bill.year_month;
        let requested = match self.api.export_billing(month, settings.export_mode).await? {
            Payload::Text(text) => parse_file_export(&text),
            Payload::Json(value) => parse_file_export_value(&value),
        }?;
        let url = match requested {
            FileExport::Sync { url } => url,
            FileExport::Async {
                exported_file_id, ..
            } => {
                self.poll(settings, month, &exported_file_id, progress)
                    .await?
            }
        };
        let csv = match self.api.download(&url).await? {
            Payload::Text(text) => text,
            Payload::Json(Value::String(text)) => text,
            Payload::Json(_) => {
                return Err(failed(
                    "download",
                    "the export must be the CSV file, as text or bytes",
                ))
            }
        };
        let mut aggregator = BillingCsvAggregator::new(bill.currency()).keep_lines();
        for chunk in csv.as_bytes().chunks(CHUNK) {
            aggregator.push_chunk(chunk)?;
        }
        let (aggregates, lines) = aggregator.finish_with_lines()?;
        progress(
            1,
            1,
            format!(
                "billing CSV of {}: {} rows",
                month.compact(),
                aggregates.rows()
            ),
        );
        Ok(CsvRead {
            sha256: Some(crate::ledger::sha256_hex(csv.as_bytes())),
            aggregates,
            lines,
        })
    }

    async fn poll(
        &self,
        settings: &SoracomSettings,
        month: Period,
        id: &str,
        progress: &dyn Fn(u64, u64, String),
    ) -> Result<String> {
        let polls = settings.max_export_polls.max(1);
        for poll in 1..=polls {
            let file = match self.api.get_exported_file(id).await? {
                Payload::Text(text) => parse_exported_file(&text),
                Payload::Json(value) => parse_exported_file_value(&value),
            }?;
            match (file.status, file.url) {
                (ExportStatus::Exported, Some(url)) => return Ok(url),
                (ExportStatus::Failed, _) => {
                    return Err(failed(
                        "getExportedFile",
                        format!(
                            "Soracom's export {id} of {} failed; export the month again",
                            month.compact()
                        ),
                    ))
                }
                _ => progress(
                    u64::from(poll),
                    u64::from(polls),
                    format!("export {id} of {} is still being made", month.compact()),
                ),
            }
        }
        Err(failed(
            "getExportedFile",
            format!(
                "Soracom's export {id} of {} was still being made after {polls} polls",
                month.compact()
            ),
        ))
    }
}

/// A month's billing CSV as read: its sums, the lines of each subscriber's month, and the hex SHA-256 of
/// the file's bytes as downloaded.
pub struct CsvRead {
    pub aggregates: CsvAggregates,
    pub lines: CsvLines,
    pub sha256: Option<String>,
}

impl CsvRead {
    /// The evidence of `key`'s `month`: the file's hash and the lines summed.
    fn evidence(&self, key: &SubscriberKey, month: Period) -> Evidence {
        Evidence {
            payload_sha256: self.sha256.clone(),
            lines: self.lines.evidence(key.as_str(), month),
        }
    }
}

/// The evidence of a figure taken from the bill as a whole: the bill's hash and its month.
fn bill_evidence(bill: &MonthlyBill, sha256: &str) -> Evidence {
    Evidence {
        payload_sha256: Some(sha256.to_owned()),
        lines: vec![json!({ "year_month": bill.year_month.compact() })],
    }
}

/// What a record keeps of a subscriber's month in the CSV: its rows, days and labels.
fn raw_data(key: &SubscriberKey, csv: &CsvAggregates, month: Period) -> Value {
    let Some(totals) = csv.per_subscriber.get(key) else {
        return json!({ "source": "soracom billing csv", "rows": 0 });
    };
    let days: BTreeMap<String, String> = totals
        .dates
        .iter()
        .filter(|(date, _)| date.period().is_ok_and(|p| p == month))
        .map(|(date, t)| (date.to_string(), render_exact(t.net)))
        .collect();
    let month_totals = totals.months.get(&month);
    json!({
        "source": "soracom billing csv",
        "rows": month_totals.map_or(0, |t| t.rows),
        "charges": month_totals.map(|t| render_exact(t.charges)),
        "discounts": month_totals.map(|t| render_exact(t.discounts)),
        "dates": days,
        "labels": totals.labels,
    })
}

fn bill_data(bill: &MonthlyBill) -> Value {
    json!({
        "source": "soracom bill",
        "yearMonth": bill.year_month.compact(),
        "state": if bill.is_final() { "closed" } else { "temporary" },
    })
}

impl<B: SoracomApi> Vendor for Soracom<B> {
    const NAME: &'static str = VENDOR;
    const TITLE: &'static str = "Soracom";
    /// Soracom answers for its last 18 months only (an older `yyyyMM` is its SEM0005).
    const BILLING_WINDOW_MONTHS: Option<u32> = Some(18);
    type Settings = SoracomSettings;

    fn policy(settings: &SoracomSettings) -> Policy {
        settings.policy()
    }

    fn source_ref(resource: &Resource) -> Option<String> {
        subscriber_of(resource).map(|k| k.as_str().to_owned())
    }

    fn stand_ins(
        settings: &SoracomSettings,
        hosts: &crate::ledger::Hosts,
    ) -> Vec<(crate::ledger::Project, Resource)> {
        super::settings::account_stand_in(settings, hosts)
            .into_iter()
            .collect()
    }

    fn is_active(settings: &SoracomSettings) -> bool {
        settings.is_active
    }

    /// The month's bill as it stands (temporary for an open month): per subscriber from its CSV export,
    /// or the account's total. A month with no bill yet has no figures.
    async fn preliminary(
        &self,
        settings: &SoracomSettings,
        period: Period,
        resources: &[Resource],
        progress: &dyn Fn(u64, u64, String),
    ) -> Result<Vec<Preliminary>> {
        let Some((bill, bill_sha256)) = self.read_bill(settings, period).await? else {
            return Ok(Vec::new());
        };
        let currency = Some(bill.currency());
        let units = resources
            .iter()
            .filter_map(|r| subscriber_of(r).map(|key| (r, key)));
        match settings.granularity {
            super::Granularity::Account => {
                let mut figures: Vec<Preliminary> = units
                    .filter(|(_, key)| key.is_account())
                    .map(|(resource, key)| Preliminary {
                        resource_uuid: Some(resource.uuid),
                        source_ref: key.as_str().to_owned(),
                        sell: bill.amount.amount,
                        buy: bill.amount.amount,
                        currency,
                        lines: 1,
                        raw_data: bill_data(&bill),
                        evidence: bill_evidence(&bill, &bill_sha256),
                    })
                    .collect();
                // No resource of kind `account`: the bill's money is nobody's, and is reported so.
                if figures.is_empty() {
                    figures.push(Preliminary {
                        resource_uuid: None,
                        source_ref: SubscriberKey::ACCOUNT.to_owned(),
                        sell: bill.amount.amount,
                        buy: bill.amount.amount,
                        currency,
                        lines: 1,
                        raw_data: bill_data(&bill),
                        evidence: bill_evidence(&bill, &bill_sha256),
                    });
                }
                Ok(figures)
            }
            super::Granularity::Subscriber => {
                let read = self.export(settings, &bill, progress).await?;
                let csv = &read.aggregates;
                let taken: std::collections::BTreeSet<SubscriberKey> =
                    units.clone().map(|(_, key)| key).collect();
                // The CSV's subscribers (and account-level rows) that no resource takes: unowned money.
                let untaken: Vec<Preliminary> = csv
                    .per_subscriber_month()
                    .filter(|(key, month, _)| *month == period && !taken.contains(*key))
                    .map(|(key, month, totals)| Preliminary {
                        resource_uuid: None,
                        source_ref: key.as_str().to_owned(),
                        sell: totals.net,
                        buy: totals.net,
                        currency,
                        lines: totals.rows,
                        raw_data: raw_data(key, csv, month),
                        evidence: read.evidence(key, month),
                    })
                    .collect();
                Ok(units
                    .map(|(resource, key)| {
                        let totals = csv
                            .per_subscriber
                            .get(&key)
                            .and_then(|s| s.months.get(&period))
                            .copied()
                            .unwrap_or_default();
                        Preliminary {
                            resource_uuid: Some(resource.uuid),
                            source_ref: key.as_str().to_owned(),
                            sell: totals.net,
                            buy: totals.net,
                            currency,
                            lines: totals.rows,
                            raw_data: raw_data(&key, csv, period),
                            evidence: read.evidence(&key, period),
                        }
                    })
                    .chain(untaken)
                    .collect())
            }
        }
    }

    /// The closed month's figures; None while its bill is missing or still temporary.
    async fn finals(
        &self,
        settings: &SoracomSettings,
        period: Period,
        progress: &dyn Fn(u64, u64, String),
    ) -> Result<Option<Vec<FinalFigure>>> {
        let Some((bill, bill_sha256)) = self.read_bill(settings, period).await? else {
            return Ok(None);
        };
        if !bill.is_final() {
            return Ok(None);
        }
        let currency = Some(bill.currency());
        Ok(Some(match settings.granularity {
            super::Granularity::Account => vec![FinalFigure {
                source_ref: SubscriberKey::ACCOUNT.to_owned(),
                sell: bill.amount.amount,
                buy: bill.amount.amount,
                currency,
                period: Some(period),
                detail: bill_data(&bill),
                evidence: bill_evidence(&bill, &bill_sha256),
            }],
            super::Granularity::Subscriber => {
                let read = self.export(settings, &bill, progress).await?;
                let csv = &read.aggregates;
                csv.per_subscriber_month()
                    .filter(|(_, month, _)| *month == period)
                    .map(|(key, month, totals)| FinalFigure {
                        source_ref: key.as_str().to_owned(),
                        sell: totals.net,
                        buy: totals.net,
                        currency,
                        period: Some(month),
                        detail: raw_data(key, csv, month),
                        evidence: read.evidence(key, month),
                    })
                    .collect()
            }
        }))
    }
}
