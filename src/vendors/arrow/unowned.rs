//! Arrow's unowned money: the ledger's rule ([`crate::ledger::unowned`]) on Arrow's export. A line of the
//! month is billed by the consumption records of its licence (while a live resource's record owns it), or
//! by its statement for the mapped customer. A line whose End User Company has no customer mapping, and
//! whose licence no live resource's record bills, is on Arrow's bill and on no invoice: trigger_sync
//! reports it (`unowned`, one error detail each, and in `billing-syncs/unowned/`). That covers Arrow's
//! unmapped statement lines and the licences with no resource alike.

use serde::Serialize;

use super::line::BilledLine;
use super::settings::CustomerMapping;
use super::statements::StatementContext;
use crate::ledger::{Ownership, UnitOwner, UnownedFigure, UnownedLine, UNOWNED};
use crate::money::Rendered;
use crate::period::Period;

/// The scope of the lines trigger_sync finds: Arrow's statements.
pub const STATEMENTS_SCOPE: &str = "statements";

/// The lines of `period` that neither a customer mapping nor a live resource's records take.
pub fn unowned_statement_lines(
    ctx: &StatementContext<'_>,
    period: Period,
    lines: &[BilledLine],
    mappings: &[CustomerMapping],
    ownership: &Ownership,
) -> Vec<UnownedFigure> {
    let mapped = |reference: &str| {
        mappings
            .iter()
            .filter(|m| m.applies_to(&ctx.settings.uuid))
            .any(|m| m.arrow_reference.trim() == reference.trim())
    };
    lines
        .iter()
        .filter(|l| l.is_for(period))
        .filter(|l| !mapped(&l.customer_reference))
        .filter(|l| {
            l.license_reference.trim().is_empty()
                || ownership.owner_of(period, &l.license_reference) != UnitOwner::Records
        })
        .map(|l| UnownedFigure {
            source_ref: l.license_reference.clone(),
            line_reference: l.source_key().as_str().to_owned(),
            amount: ctx.invoice_price(l.sell, l.buy),
            currency: l.currency,
            reason: format!(
                "Arrow's customer {} ({}) has no customer mapping, and no consumption record of a live \
                 resource bills licence {}: map the customer, or create the licence's resource",
                l.customer_reference.trim(),
                l.customer_name.trim(),
                if l.license_reference.trim().is_empty() {
                    "(none)"
                } else {
                    l.license_reference.trim()
                }
            ),
        })
        .collect()
}

/// An unowned line of trigger_sync's `error_details`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct UnownedStatementLine {
    #[cfg_attr(test, ts(type = "\"unowned\""))]
    pub code: &'static str,
    /// The line's source key: `statement|customer|line`.
    pub line_reference: String,
    pub license_reference: String,
    /// "YYYY-MM".
    #[cfg_attr(test, ts(type = "string"))]
    pub billing_period: Period,
    /// Decimal string, rounded to cents.
    pub amount: String,
    pub currency: String,
    pub reason: String,
    pub error: String,
}

impl UnownedStatementLine {
    pub fn of(line: &UnownedLine) -> UnownedStatementLine {
        UnownedStatementLine {
            code: UNOWNED,
            line_reference: line.line_reference.clone(),
            license_reference: line.source_ref.clone(),
            billing_period: line.billing_period,
            amount: Rendered(line.amount).to_string(),
            currency: line.currency.to_string(),
            reason: line.reason.clone(),
            error: line.message(),
        }
    }
}
