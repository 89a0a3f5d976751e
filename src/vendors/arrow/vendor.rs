//! Arrow as a vendor of the ledger: its settings give the policy, a resource's licence is its source, the
//! consumption API gives the preliminary figures and the billing export the final ones.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::json;

use super::aggregate::{AggregateOptions, ConsumptionAggregator, ConsumptionTag};
use super::line::{check_unique_lines, BilledLine};
use super::records::ArrowState;
use super::settings::{license_of, ArrowSettings};
use super::statement_status::parse_statements;
use super::{parse_billing_export, parse_billing_export_value, BillingExportPage, VENDOR};
use crate::engine::{Payload, Preliminary, Vendor};
use crate::error::{Error, Result};
use crate::ledger::{Evidence, FinalFigure, PayloadHash, Policy, Resource};
use crate::period::Period;
use crate::vendors::arrow::{ArrowApi, ExportRequest};

/// A billing export longer than this many pages is refused rather than read forever.
const MAX_EXPORT_PAGES: u32 = 10_000;

/// Arrow, read through the host's adapter to its REST API.
pub struct Arrow<A> {
    pub api: A,
}

/// Arrow's export for a range of months: every page, read until a short page.
pub struct Export {
    pub pages: Vec<BillingExportPage>,
    /// The hex SHA-256 of the pages as read, one after the other ([`crate::ledger::trace`]).
    pub sha256: String,
}

impl Export {
    pub fn lines(&self) -> impl Iterator<Item = &super::BillingLine> {
        self.pages.iter().flat_map(|p| p.lines.iter())
    }

    /// Every line as reconciliation reads it, each known across the whole export.
    pub fn into_billed_lines(self) -> Vec<BilledLine> {
        (1u32..)
            .zip(self.pages)
            .flat_map(|(page, p)| {
                p.lines
                    .into_iter()
                    .map(move |l| BilledLine::of_export(l, page))
            })
            .collect()
    }

    pub fn row_count(&self) -> usize {
        self.pages.iter().map(|p| p.lines.len()).sum()
    }
}

impl<A: ArrowApi> Arrow<A> {
    /// Reads Arrow's billing export for `from..=to`, every page.
    pub async fn export(
        &self,
        settings: &ArrowSettings,
        from: Period,
        to: Period,
        progress: &dyn Fn(u64, u64, String),
    ) -> Result<Export> {
        let mut pages = Vec::new();
        let mut hash = PayloadHash::new();
        let mut page = 1;
        loop {
            let request = ExportRequest {
                export_type_reference: settings.export_type_reference.clone(),
                period_from: from,
                period_to: to,
                page,
                settings_uuid: settings.uuid,
                api_url: settings.api_url.clone(),
            };
            let payload = self.api.billing_export(&request).await?;
            payload.feed(&mut hash);
            let parsed = match payload {
                Payload::Text(text) => parse_billing_export(&text),
                Payload::Json(value) => parse_billing_export_value(&value),
            }
            .map_err(|e| in_page(e, page))?;
            let last = parsed.is_last_page() || parsed.lines.is_empty();
            progress(
                u64::from(page),
                0,
                format!("billing export page {page}: {} lines", parsed.lines.len()),
            );
            pages.push(parsed);
            if last {
                break;
            }
            if page >= MAX_EXPORT_PAGES {
                return Err(Error::InvalidPayload {
                    payload: "billing export".into(),
                    offset: 0,
                    reason: format!("more than {MAX_EXPORT_PAGES} pages"),
                });
            }
            page += 1;
        }
        Ok(Export {
            pages,
            sha256: hash.finish(),
        })
    }

    /// Arrow's own state of each statement of `period`, by reference; empty when the adapter has no
    /// statements call.
    pub async fn statement_states(&self, period: Period) -> Result<BTreeMap<String, ArrowState>> {
        match self.api.statements(period).await? {
            Some(payload) => parse_statements(&payload, period),
            None => Ok(BTreeMap::new()),
        }
    }

    /// The month's export lines, as reconciliation reads them, and the export's hash.
    pub async fn billed_lines(
        &self,
        settings: &ArrowSettings,
        period: Period,
        progress: &dyn Fn(u64, u64, String),
    ) -> Result<(Vec<BilledLine>, String)> {
        let export = self.export(settings, period, period, progress).await?;
        let sha256 = export.sha256.clone();
        Ok((export.into_billed_lines(), sha256))
    }
}

impl<A: ArrowApi> Vendor for Arrow<A> {
    const NAME: &'static str = VENDOR;
    const TITLE: &'static str = "Arrow";
    /// Arrow's exports go back as far as the account does.
    const BILLING_WINDOW_MONTHS: Option<u32> = None;
    type Settings = ArrowSettings;
    /// Arrow's statement lines bill the licences no record owns; trigger_sync reports what they leave.
    const DOCUMENT_LINES: bool = true;

    fn policy(settings: &ArrowSettings) -> Policy {
        settings.policy()
    }

    fn source_ref(resource: &Resource) -> Option<String> {
        license_of(resource)
    }

    fn is_active(settings: &ArrowSettings) -> bool {
        settings.is_active
    }

    fn created(settings: &ArrowSettings) -> Option<crate::timestamp::Timestamp> {
        settings.created
    }

    /// One consumption call per resource, summed by licence; a resource Arrow reports nothing for has zero.
    async fn preliminary(
        &self,
        settings: &ArrowSettings,
        period: Period,
        resources: &[Resource],
        progress: &dyn Fn(u64, u64, String),
    ) -> Result<Vec<Preliminary>> {
        // Lines that name no currency take the settings' one, or are refused: never a guess.
        let mut aggregator = ConsumptionAggregator::new(AggregateOptions {
            currency: settings.currency,
        });
        let total = u64::try_from(resources.len()).unwrap_or(u64::MAX);
        let mut lines_of = BTreeMap::new();
        for (done, resource) in (1u64..).zip(resources) {
            let Some(license) = license_of(resource) else {
                continue;
            };
            let tag = ConsumptionTag {
                resource_uuid: resource.uuid.to_string(),
                license_reference: license.clone(),
                period: Some(period),
            };
            let payload = self.api.consumption(&license, period, period).await?;
            let sha256 = payload.sha256();
            let lines = match payload {
                Payload::Text(text) => aggregator.push(&tag, &text)?,
                Payload::Json(value) => aggregator.push_value(&tag, &value)?,
            };
            lines_of.insert(resource.uuid, (lines, sha256));
            progress(
                done,
                total,
                format!("consumption of {license} for {period}"),
            );
        }
        let rows = aggregator.finish();
        let by_resource: BTreeMap<&str, _> = rows
            .iter()
            .filter(|r| r.billing_period == period)
            .map(|r| (r.resource_uuid.as_str(), r))
            .collect();
        Ok(resources
            .iter()
            .filter_map(|resource| {
                let license = license_of(resource)?;
                let row = by_resource.get(resource.uuid.as_str()).copied();
                let (lines, sha256) = lines_of
                    .get(&resource.uuid)
                    .map_or((0, None), |(n, sha)| (*n, Some(sha.clone())));
                Some(Preliminary {
                    resource_uuid: Some(resource.uuid),
                    source_ref: license.clone(),
                    sell: row.map(|r| r.consumed_sell).unwrap_or_default(),
                    buy: row.map(|r| r.consumed_buy).unwrap_or_default(),
                    currency: row.map(|r| r.currency),
                    lines: row.map(|r| r.lines).unwrap_or(lines),
                    raw_data: json!({ "source": "arrow consumption", "period": period, "lines": lines }),
                    // One consumption call per licence: its payload, and how many lines it summed.
                    evidence: Evidence {
                        payload_sha256: sha256,
                        lines: vec![json!({
                            "consumption_of": license,
                            "period": period,
                            "lines": lines,
                        })],
                    },
                })
            })
            .collect())
    }

    /// Arrow's export of the month: final for the licences it names, except those with a line on a
    /// statement Arrow still calls open (its statements call, else the export's state column): such a
    /// licence waits, whole, until Arrow fulfils the statement, so that a revision before then is
    /// reconciled once, by an unforced run. When Arrow says nothing of a statement's state, its lines are
    /// final.
    async fn finals(
        &self,
        settings: &ArrowSettings,
        period: Period,
        progress: &dyn Fn(u64, u64, String),
    ) -> Result<Option<Vec<FinalFigure>>> {
        let (lines, sha256) = self.billed_lines(settings, period, progress).await?;
        check_unique_lines(&lines)?;
        let states = self.statement_states(period).await?;
        let open = |line: &BilledLine| {
            states
                .get(line.statement_reference.trim())
                .copied()
                .or(line.statement_state)
                .is_some_and(|state| state != ArrowState::Validated)
        };
        let waiting: BTreeSet<&str> = lines
            .iter()
            .filter(|l| open(l))
            .map(|l| l.license_reference.as_str())
            .collect();
        Ok(Some(
            lines
                .iter()
                .filter(|l| !waiting.contains(l.license_reference.as_str()))
                .map(|l| l.final_figure_in(Some(&sha256)))
                .collect(),
        ))
    }
}

/// Which page a parse error is on.
pub(crate) fn in_page(error: Error, page: u32) -> Error {
    match error {
        Error::InvalidCell {
            payload,
            row,
            column,
            value,
            reason,
        } => Error::InvalidCell {
            payload: format!("{payload} page {page}"),
            row,
            column,
            value,
            reason,
        },
        Error::InvalidPayload {
            payload,
            offset,
            reason,
        } => Error::InvalidPayload {
            payload: format!("{payload} page {page}"),
            offset,
            reason,
        },
        other => other,
    }
}
