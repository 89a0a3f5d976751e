//! Unowned money: what the vendor bills the host for a month that no host resource takes. A vendor line or
//! row whose unit has no owner (no live resource's record, no document line of a known customer) is on the
//! vendor's bill and on no invoice; it is never dropped in silence. Every plan that reads the vendor's
//! figures reports the lines of its month that nobody takes: in its counters (`unowned`), one error detail
//! each (the line, its reference, the amount and why), and as rows of `unowned_lines`, which the listing
//! serves. So the law of a month reads, per currency:
//!
//! Σ billed + Σ unowned + Σ held = the vendor's total for the month.
//!
//! Σ held is the gap of the sources an operator holds ([`super::hold`]): a reversed compensation sets its
//! source aside from every automatic plan until released; the holds are listed with who held them and why
//! (`GET /api/admin/billsync/holds/`), not in this report.
//!
//! Each plan owns the set of one scope (the path that reads those figures) and one month: it writes the lines
//! it finds and deletes the ones of its scope and month that are owned now. A set read from a closed month's
//! final figures is not replaced by one from preliminary figures.

use std::collections::BTreeMap;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use super::changeset::Changeset;
use super::PlanContext;
use crate::error::{Error, Result};
use crate::ids::Uuid;
use crate::money::{decimal_string, Currency, Rendered};
use crate::period::Period;
use crate::timestamp::Timestamp;

/// The error code of an unowned line in a plan's `error_details`.
pub const UNOWNED: &str = "unowned";

/// One vendor line (or the sum of a unit's rows) that no host resource takes, as stored and listed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct UnownedLine {
    pub uuid: Uuid,
    /// The vendor whose bill holds the line.
    pub vendor: String,
    /// Which of the vendor's paths found it (its consumption figures, its statements…): each keeps its own
    /// set.
    pub scope: String,
    pub billing_period: Period,
    /// The vendor's unit the money is for, as records name it (a licence, "imsi:…", "account").
    pub source_ref: String,
    /// The vendor's reference of the line: a statement line, or the unit itself for summed rows.
    pub line_reference: String,
    /// What the line bills on the settings' price source, exact.
    #[serde(with = "decimal_string")]
    #[cfg_attr(test, ts(type = "string"))]
    pub amount: Decimal,
    pub currency: Currency,
    /// Why nobody bills it, and what would.
    pub reason: String,
    /// From the vendor's final figures of a closed month (false: preliminary, the month is open).
    pub is_final: bool,
    pub detected_at: Timestamp,
    #[serde(skip)]
    pub version: u64,
}

crate::stored_row!(UnownedLine, "unowned_lines");

/// A line nobody takes, as a plan finds it.
#[derive(Debug, Clone, PartialEq)]
pub struct UnownedFigure {
    pub source_ref: String,
    pub line_reference: String,
    pub amount: Decimal,
    /// The currency the vendor named, if it named one (else the settings').
    pub currency: Option<Currency>,
    pub reason: String,
}

impl UnownedLine {
    /// The line as one entry of a plan's `error_details`: its reference, its unit under the vendor's label,
    /// the amount and why.
    pub fn error_detail(&self, source_label: &str) -> Value {
        json!({
            "code": UNOWNED,
            "line_reference": self.line_reference,
            source_label: self.source_ref,
            "billing_period": self.billing_period,
            "amount": Rendered(self.amount).to_string(),
            "currency": self.currency,
            "reason": self.reason,
            "error": self.message(),
        })
    }

    /// What is wrong, in one sentence: the amount, the line, the month and why.
    pub fn message(&self) -> String {
        format!(
            "{} {} of {} ({}) is on the vendor's bill and on no invoice: {}",
            Rendered(self.amount),
            self.currency,
            self.line_reference,
            self.billing_period,
            self.reason
        )
    }
}

/// The unowned lines of `period` in `scope`, from what a plan found, ready for [`plan_unowned`]. A figure
/// that names no currency takes the settings'; one with neither is refused (a currency is never guessed).
pub fn unowned_lines(
    ctx: &PlanContext,
    scope: &str,
    period: Period,
    is_final: bool,
    figures: Vec<UnownedFigure>,
) -> Result<Vec<UnownedLine>> {
    let mut lines: BTreeMap<Uuid, UnownedLine> = BTreeMap::new();
    // A line of no money (a row and its discount that cancel out) is nobody's loss: not reported.
    for figure in figures.into_iter().filter(|f| !f.amount.is_zero()) {
        let currency = figure
            .currency
            .or(ctx.policy.currency)
            .ok_or_else(|| Error::InvalidCurrency {
                location: format!(
                    "unowned line {} of {period}: the vendor names no currency and the settings give none",
                    figure.line_reference
                ),
                value: String::new(),
            })?;
        let uuid = Uuid::derive(
            "unowned_line",
            &format!("{}|{scope}|{period}|{}", ctx.vendor, figure.line_reference),
        );
        // Lines of one reference are one unowned line: their amounts add up.
        match lines.get_mut(&uuid) {
            Some(line) if line.currency == currency => {
                line.amount = line.amount.checked_add(figure.amount).ok_or_else(|| {
                    Error::overflow(format!("unowned line {}", figure.line_reference))
                })?;
            }
            Some(line) => {
                return Err(Error::CurrencyMismatch {
                    location: format!("unowned line {} of {period}", figure.line_reference),
                    left: currency.to_string(),
                    right: line.currency.to_string(),
                })
            }
            None => {
                lines.insert(
                    uuid,
                    UnownedLine {
                        uuid,
                        vendor: ctx.vendor.to_owned(),
                        scope: scope.to_owned(),
                        billing_period: period,
                        source_ref: figure.source_ref.trim().to_owned(),
                        line_reference: figure.line_reference,
                        amount: figure.amount,
                        currency,
                        reason: figure.reason,
                        is_final,
                        detected_at: ctx.as_of,
                        version: 0,
                    },
                );
            }
        }
    }
    Ok(lines.into_values().collect())
}

/// Writes `found` as the unowned lines of its scope and month: each line put (once: an unchanged line is
/// left as it is), and the stored lines of the scope and month that are no longer unowned deleted.
/// `stored` is what the store holds (other scopes, months and vendors are ignored). A preliminary set does
/// not replace a final one: once the month is closed, only final figures change it. Returns the lines that
/// stand for the month after the plan.
pub fn plan_unowned(
    ctx: &PlanContext,
    scope: &str,
    period: Period,
    found: Vec<UnownedLine>,
    stored: &[UnownedLine],
    changeset: &mut Changeset,
) -> Result<Vec<UnownedLine>> {
    let ours: Vec<&UnownedLine> = stored
        .iter()
        .filter(|l| l.vendor == ctx.vendor && l.scope == scope && l.billing_period == period)
        .collect();
    let preliminary = found.iter().all(|l| !l.is_final);
    if preliminary && ours.iter().any(|l| l.is_final) {
        return Ok(ours.into_iter().cloned().collect());
    }
    let by_uuid: BTreeMap<&Uuid, &UnownedLine> = ours.iter().map(|l| (&l.uuid, *l)).collect();
    for line in &found {
        let mut line = line.clone();
        match by_uuid.get(&line.uuid) {
            Some(old) if same_line(old, &line) => continue,
            Some(old) => line.version = old.version,
            None => {}
        }
        changeset.put(format!("unowned_line:{}", line.uuid), &line)?;
    }
    for old in ours {
        if !found.iter().any(|l| l.uuid == old.uuid) {
            changeset.delete(format!("unowned_line:{}:owned", old.uuid), old);
        }
    }
    Ok(found)
}

/// The same money for the same reason (when it was seen does not matter).
fn same_line(a: &UnownedLine, b: &UnownedLine) -> bool {
    a.amount == b.amount
        && a.currency == b.currency
        && a.reason == b.reason
        && a.is_final == b.is_final
        && a.source_ref == b.source_ref
}

/// Σ unowned per currency: one side of the law.
pub fn unowned_totals<'a>(
    lines: impl IntoIterator<Item = &'a UnownedLine>,
) -> Result<BTreeMap<Currency, Decimal>> {
    let mut totals: BTreeMap<Currency, Decimal> = BTreeMap::new();
    for line in lines {
        let total = totals.entry(line.currency).or_default();
        *total = total
            .checked_add(line.amount)
            .ok_or_else(|| Error::overflow("unowned totals"))?;
    }
    Ok(totals)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ledger::{Policy, PriceSource};
    use crate::period::Zone;

    fn ctx(at: &str) -> PlanContext {
        PlanContext {
            operation: "test".into(),
            vendor: "v",
            policy: Policy {
                price_source: PriceSource::Sell,
                tolerance: Decimal::new(1, 2),
                item_prefix: "V".into(),
                currency: Some(Currency::EUR),
                source_label: "unit",
            },
            as_of: Timestamp::parse(at).unwrap(),
            zone: Zone::UTC,
            invoices: Default::default(),
        }
    }

    fn figure(reference: &str, cents: i64) -> UnownedFigure {
        UnownedFigure {
            source_ref: reference.into(),
            line_reference: reference.into(),
            amount: Decimal::new(cents, 2),
            currency: None,
            reason: "no resource".into(),
        }
    }

    fn stored(changeset: &Changeset) -> Vec<UnownedLine> {
        changeset
            .writes
            .iter()
            .filter(|w| w.op == crate::ledger::WriteOp::Put)
            .map(|w| w.row.as_ref().unwrap().parse().unwrap())
            .map(|mut l: UnownedLine| {
                l.version = 1;
                l
            })
            .collect()
    }

    #[test]
    fn a_month_keeps_one_set_per_scope_and_final_figures_win() {
        let period = Period::parse("2025-01").unwrap();
        let c = ctx("2025-01-20T10:00:00Z");
        let found = unowned_lines(
            &c,
            "s",
            period,
            false,
            vec![figure("a", 100), figure("a", 50), figure("b", 7)],
        )
        .unwrap();
        assert_eq!(found.len(), 2, "one line per reference");
        assert_eq!(
            unowned_totals(&found).unwrap()[&Currency::EUR],
            Decimal::new(157, 2)
        );
        let mut changeset = Changeset::new("test", c.as_of);
        plan_unowned(&c, "s", period, found, &[], &mut changeset).unwrap();
        let first = stored(&changeset);
        assert_eq!(first.len(), 2);

        // The same again writes nothing; b taken now is deleted.
        let again = unowned_lines(&c, "s", period, false, vec![figure("a", 150)]).unwrap();
        let mut changeset = Changeset::new("test", c.as_of);
        plan_unowned(&c, "s", period, again, &first, &mut changeset).unwrap();
        assert_eq!(changeset.writes.len(), 1);
        assert_eq!(changeset.writes[0].op, crate::ledger::WriteOp::Delete);

        // Final figures replace preliminary ones; preliminary ones never replace final ones.
        let finals = unowned_lines(&c, "s", period, true, vec![figure("a", 90)]).unwrap();
        let mut changeset = Changeset::new("test", c.as_of);
        plan_unowned(&c, "s", period, finals, &first, &mut changeset).unwrap();
        let closed = stored(&changeset);
        assert_eq!(closed[0].amount, Decimal::new(90, 2));
        let late = unowned_lines(&c, "s", period, false, vec![figure("z", 1)]).unwrap();
        let mut changeset = Changeset::new("test", c.as_of);
        let kept = plan_unowned(&c, "s", period, late, &closed, &mut changeset).unwrap();
        assert!(changeset.writes.is_empty());
        assert_eq!(kept, closed);
        // Another scope's lines are not this plan's.
        let mut changeset = Changeset::new("test", c.as_of);
        plan_unowned(&c, "other", period, Vec::new(), &closed, &mut changeset).unwrap();
        assert!(changeset.writes.is_empty());
    }

    #[test]
    fn a_line_in_no_currency_is_refused_and_its_detail_names_everything() {
        let period = Period::parse("2025-01").unwrap();
        let mut c = ctx("2025-01-20T10:00:00Z");
        c.policy.currency = None;
        let e = unowned_lines(&c, "s", period, false, vec![figure("a", 1)]).unwrap_err();
        assert_eq!(e.code(), "invalid_currency");
        let mut line = figure("a", 1);
        line.currency = Some(Currency::JPY);
        let lines = unowned_lines(&c, "s", period, true, vec![line]).unwrap();
        let detail = lines[0].error_detail("unit");
        assert_eq!(detail["code"], UNOWNED);
        assert_eq!(detail["unit"], "a");
        assert_eq!(detail["amount"], "0.01");
        assert_eq!(detail["currency"], "JPY");
        assert!(detail["error"].as_str().unwrap().contains("no resource"));
    }
}
