//! The ledger's unowned-money rule ([`crate::ledger::unowned`]) in the operations every vendor shares: the
//! consumption sync reports the vendor's preliminary units that no resource takes, the consumption
//! reconciliation the final units no live record takes (for a vendor without document lines of its own),
//! and the listing `GET …/billing-syncs/unowned/?period=…` serves what stands, for every vendor.

use serde_json::{json, Map, Value};

use super::{Clock, Engine, Host, Progress, Store, Vendor};
use crate::error::{Error, Result};
use crate::ledger::{
    plan_unowned, unowned_lines, Changeset, FinalFigure, Hosts, Ownership, PlanContext, UnitOwner,
    UnownedFigure, UnownedLine,
};
use crate::period::Period;

/// The scope of the lines the consumption sync and reconciliation find: the vendor's consumption figures.
pub const CONSUMPTION_SCOPE: &str = "consumption";

/// Why nobody bills a unit, in words an operator can act on.
fn reason_of<V: Vendor>(hosts: &Hosts, source_ref: &str) -> String {
    let named = hosts
        .resources()
        .any(|r| V::source_ref(r).is_some_and(|s| s.trim() == source_ref.trim()));
    if named {
        format!(
            "the host resources for {source_ref} are not active, or have no consumption record of the \
             month: sync its consumption, or re-activate the resource"
        )
    } else {
        format!("no host resource is for {source_ref}: create one (or settle where such lines go)")
    }
}

/// The message of a counted error's detail, for its progress event.
pub(crate) fn message_of(detail: &Value) -> String {
    detail
        .get("error")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned()
}

/// Compiled once for every vendor: what reads and writes the unowned lines.
impl<S: Store, C: Clock, P: Progress> Host<S, C, P> {
    /// `vendor`'s stored unowned lines of `period` (every scope).
    pub(crate) async fn stored_unowned(
        &self,
        vendor: &str,
        period: Period,
    ) -> Result<Vec<UnownedLine>> {
        let mut filters = Map::new();
        filters.insert("vendor".into(), json!(vendor));
        filters.insert("billing_period".into(), json!(period));
        self.scan_all(filters).await
    }

    /// Plans the unowned lines of `period` from `figures` nobody takes: written into `changeset`,
    /// returned as `error_details` entries. A count of them is what the counters' `unowned` says.
    #[allow(clippy::too_many_arguments)]
    pub(crate) async fn plan_unowned_figures(
        &self,
        ctx: &PlanContext,
        label: &str,
        period: Period,
        is_final: bool,
        figures: Vec<UnownedFigure>,
        changeset: &mut Changeset,
    ) -> Result<Vec<Value>> {
        let stored = self.stored_unowned(ctx.vendor, period).await?;
        let found = unowned_lines(ctx, CONSUMPTION_SCOPE, period, is_final, figures)?;
        let standing = plan_unowned(ctx, CONSUMPTION_SCOPE, period, found, &stored, changeset)?;
        let total = u64::try_from(standing.len()).unwrap_or(u64::MAX);
        for (done, line) in (1u64..).zip(&standing) {
            self.report(label, done, total, line.message());
        }
        Ok(standing
            .iter()
            .map(|l| l.error_detail(ctx.policy.source_label))
            .collect())
    }

    /// `GET …/billing-syncs/unowned/?period=YYYY-MM` (our extension): the vendor's money that no host
    /// resource takes, newest month first, with the totals per currency of each month. Without `period`,
    /// every month.
    pub async fn unowned_listing(&self, vendor: &str, query: &Value) -> Result<Value> {
        let period = match query.get("period") {
            None | Some(Value::Null) => None,
            Some(Value::String(text)) if text.trim().is_empty() => None,
            Some(Value::String(text)) => Some(
                Period::parse(text.trim()).map_err(|e| Error::field("period", e.to_string()))?,
            ),
            Some(_) => return Err(Error::field("period", "Enter a month as YYYY-MM.")),
        };
        let mut filters = Map::new();
        filters.insert("vendor".into(), json!(vendor));
        if let Some(period) = period {
            filters.insert("billing_period".into(), json!(period));
        }
        let mut lines: Vec<UnownedLine> = self.scan_all(filters).await?;
        crate::sort::sort_by(&mut lines, |a, b| {
            b.billing_period
                .cmp(&a.billing_period)
                .then_with(|| a.scope.cmp(&b.scope))
                .then_with(|| a.line_reference.cmp(&b.line_reference))
        });
        let totals = crate::ledger::unowned_totals(&lines)?;
        Ok(json!({
            "period": period,
            "count": lines.len(),
            "totals": totals
                .iter()
                .map(|(currency, amount)| json!({
                    "currency": currency,
                    "amount": crate::money::Rendered(*amount).to_string(),
                }))
                .collect::<Vec<_>>(),
            "held": [],
            "lines": lines,
        }))
    }
}

impl<S: Store, V: Vendor, C: Clock, P: Progress> Engine<S, V, C, P> {
    /// The units of the closed month's figures that no live record takes, for a vendor without document
    /// lines (theirs report what they leave).
    pub(crate) fn unowned_finals(
        ctx: &PlanContext,
        period: Period,
        finals: &[FinalFigure],
        ownership: &Ownership,
        hosts: &Hosts,
    ) -> Vec<UnownedFigure> {
        if V::DOCUMENT_LINES {
            return Vec::new();
        }
        finals
            .iter()
            .filter(|f| f.is_for(period))
            .filter(|f| ownership.owner_of(period, &f.source_ref) != UnitOwner::Records)
            .map(|f| UnownedFigure {
                source_ref: f.source_ref.clone(),
                line_reference: f.source_ref.trim().to_owned(),
                amount: ctx.invoice_price(f.sell, f.buy),
                currency: f.currency,
                reason: reason_of::<V>(hosts, &f.source_ref),
            })
            .collect()
    }

    /// The preliminary figures of units no resource takes.
    pub(crate) fn unowned_preliminary(
        ctx: &PlanContext,
        figures: &[super::Preliminary],
        hosts: &Hosts,
    ) -> Vec<UnownedFigure> {
        figures
            .iter()
            .filter(|f| f.resource_uuid.is_none())
            .map(|f| UnownedFigure {
                source_ref: f.source_ref.clone(),
                line_reference: f.source_ref.trim().to_owned(),
                amount: ctx.invoice_price(f.sell, f.buy),
                currency: f.currency,
                reason: reason_of::<V>(hosts, &f.source_ref),
            })
            .collect()
    }
}
