use std::cell::RefCell;
use std::collections::{BTreeSet, HashMap};
use std::hash::{BuildHasherDefault, DefaultHasher};

use rust_decimal::Decimal;

use crate::error::{Error, Result};
use crate::ids::Uuid;
use crate::money::{Currency, Money};
use crate::period::Period;

use super::{
    Changeset, Details, HoldState, InvoiceItem, InvoiceItemKind, PlanContext, SourceKey, SourceRow,
    UnitKey, UnitRow,
};

/// What has been billed so far for one source: the sum of its items, and how many compensations it has.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Billed {
    pub total: Money,
    pub compensations: usize,
    pub items: usize,
}

/// Sums the items of `source_key`. Items of another currency are an error: they cannot be netted.
pub fn billed_for<'a, I>(source_key: &SourceKey, currency: Currency, items: I) -> Result<Billed>
where
    I: IntoIterator<Item = &'a InvoiceItem>,
{
    let mut billed = Billed {
        total: Money::zero(currency),
        compensations: 0,
        items: 0,
    };
    for item in items.into_iter().filter(|i| &i.source_key == source_key) {
        let amount = item.total()?;
        // The location is formatted only for the error.
        billed.total = match billed.total.checked_add(amount, "") {
            Ok(total) => total,
            Err(_) => billed
                .total
                .checked_add(amount, &format!("invoice items of {source_key}"))?,
        };
        billed.items += 1;
        if item.kind.is_compensation() {
            billed.compensations += 1;
        }
    }
    Ok(billed)
}

impl Billed {
    /// What two sets of items bill together.
    pub fn plus(self, other: Billed, location: &str) -> Result<Billed> {
        Ok(Billed {
            total: self.total.checked_add(other.total, location)?,
            compensations: self.compensations + other.compensations,
            items: self.items + other.items,
        })
    }
}

/// What has been billed so far for the sources a plan looks at: the invoice items billsync made and the
/// ledger rows of their sources, as the plan read them.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Billing {
    pub items: Vec<InvoiceItem>,
    pub sources: Vec<SourceRow>,
    /// The version rows of the units the plan reads ([`UnitRow::absent`] for a unit with none yet).
    pub units: Vec<UnitRow>,
}

/// A hash map for lookups only (never iterated, so its order cannot reach a plan), with a fixed hasher: no
/// seed to draw, the same in wasm and natively. Keys here share long prefixes (a source key starts with a
/// resource id), and a B-tree compares them byte by byte at every level: in wasm, with no vector `memcmp`,
/// that was the largest single cost of a preview.
pub(crate) type Lookup<K, V> = HashMap<K, V, BuildHasherDefault<DefaultHasher>>;

/// The invoice items billsync made, indexed once per plan by the money they bill and by id; and the source
/// rows read, for the versions a plan relies on.
pub struct BilledItems<'a> {
    by_source: Lookup<&'a SourceKey, Vec<&'a InvoiceItem>>,
    by_uuid: Lookup<&'a Uuid, &'a InvoiceItem>,
    sources: Lookup<&'a SourceKey, &'a SourceRow>,
    by_unit: Lookup<&'a UnitKey, Vec<&'a SourceKey>>,
    unit_versions: Lookup<&'a UnitKey, u64>,
    /// Whether the plan reconciles (decides sources against their final figures): its settling of a
    /// released source makes it due no more.
    reconciling: bool,
    /// The held sources the plan left alone, in key order.
    skipped: RefCell<BTreeSet<SourceKey>>,
}

impl<'a> BilledItems<'a> {
    pub fn new(billing: &'a Billing) -> BilledItems<'a> {
        let mut by_source: Lookup<&SourceKey, Vec<&InvoiceItem>> = Lookup::default();
        let mut by_uuid = Lookup::default();
        for item in &billing.items {
            by_source.entry(&item.source_key).or_default().push(item);
            by_uuid.insert(&item.uuid, item);
        }
        let sources = billing.sources.iter().map(|s| (&s.source_key, s)).collect();
        let mut by_unit: Lookup<&UnitKey, Vec<&SourceKey>> = Lookup::default();
        for source in &billing.sources {
            if let Some(unit) = &source.unit {
                by_unit.entry(unit).or_default().push(&source.source_key);
            }
        }
        let unit_versions = billing.units.iter().map(|u| (&u.unit, u.version)).collect();
        BilledItems {
            by_source,
            by_uuid,
            sources,
            by_unit,
            unit_versions,
            reconciling: false,
            skipped: RefCell::default(),
        }
    }

    /// The billing of a plan that decides sources against their final figures (a reconciliation): a
    /// released source it settles is due no more ([`super::hold`]).
    pub fn reconciling(billing: &'a Billing) -> BilledItems<'a> {
        BilledItems {
            reconciling: true,
            ..BilledItems::new(billing)
        }
    }

    pub fn hold_of(&self, source_key: &SourceKey) -> HoldState {
        self.sources
            .get(source_key)
            .map_or(HoldState::None, |s| s.hold)
    }

    /// Whether `source_key` is held: then the plan leaves it alone, but names the version of its row it
    /// read (a release before the plan commits refuses it), and counts it.
    pub fn skip_held(&self, changeset: &mut Changeset, source_key: &SourceKey) -> bool {
        let Some(row) = self
            .sources
            .get(source_key)
            .filter(|s| s.hold == HoldState::Held)
        else {
            return false;
        };
        changeset.check(*row);
        self.skipped.borrow_mut().insert(source_key.clone());
        true
    }

    /// Whether any of `sources` was released and is not reconciled since.
    pub fn any_due<'k>(&self, mut sources: impl Iterator<Item = &'k SourceKey>) -> bool {
        sources.any(|s| self.hold_of(s) == HoldState::Released)
    }

    /// The held sources the plan left alone so far, in key order.
    pub fn held_skipped(&self) -> Vec<SourceKey> {
        self.skipped.borrow().iter().cloned().collect()
    }

    /// Notes that the plan writes `unit`'s money or records, over the version of its row it read.
    pub fn touch(&self, changeset: &mut Changeset, unit: &UnitKey) {
        let version = self.unit_versions.get(unit).copied().unwrap_or(0);
        changeset.touch_unit(unit.clone(), version);
    }

    /// Every source known to bill `unit`'s money, in key order.
    pub fn unit_sources(&self, unit: &UnitKey) -> &[&'a SourceKey] {
        self.by_unit.get(unit).map(Vec::as_slice).unwrap_or(&[])
    }

    /// The customer whose invoices the items of `source_key` are on (the first item's).
    pub fn customer_of(&self, source_key: &SourceKey) -> Option<&'a Uuid> {
        self.by_source
            .get(source_key)
            .and_then(|items| items.first())
            .map(|i| &i.customer_uuid)
    }

    /// The customers whose invoices bill `source_key`, in the order of their first item.
    pub fn customers_of(&self, source_key: &SourceKey) -> Vec<&'a Uuid> {
        let mut customers: Vec<&'a Uuid> = Vec::new();
        for item in self
            .by_source
            .get(source_key)
            .map(Vec::as_slice)
            .unwrap_or(&[])
        {
            if !customers.contains(&&item.customer_uuid) {
                customers.push(&item.customer_uuid);
            }
        }
        customers
    }

    /// What the items of `source_key` bill `customer`, in `currency`.
    pub fn billed_to(
        &self,
        source_key: &SourceKey,
        customer: &Uuid,
        currency: Currency,
    ) -> Result<Billed> {
        let items = self
            .by_source
            .get(source_key)
            .map(Vec::as_slice)
            .unwrap_or(&[]);
        billed_for(
            source_key,
            currency,
            items
                .iter()
                .copied()
                .filter(|i| &i.customer_uuid == customer),
        )
    }

    /// The currency the items of `source_key` bill in (the first item's).
    pub fn currency_of(&self, source_key: &SourceKey) -> Option<Currency> {
        self.by_source
            .get(source_key)
            .and_then(|items| items.first())
            .map(|i| i.currency)
    }

    /// The compensation kind of a source: a record's, or a document line's, after its first item.
    pub fn compensation_kind(&self, source_key: &SourceKey) -> InvoiceItemKind {
        match self
            .by_source
            .get(source_key)
            .and_then(|items| items.first())
            .map(|i| i.kind)
        {
            Some(InvoiceItemKind::StatementLine | InvoiceItemKind::StatementCompensation) => {
                InvoiceItemKind::StatementCompensation
            }
            _ => InvoiceItemKind::ConsumptionCompensation,
        }
    }

    /// What the items of `source_key` bill, in `currency`.
    pub fn billed(&self, source_key: &SourceKey, currency: Currency) -> Result<Billed> {
        let items = self
            .by_source
            .get(source_key)
            .map(Vec::as_slice)
            .unwrap_or(&[]);
        billed_for(source_key, currency, items.iter().copied())
    }

    pub fn item(&self, uuid: &Uuid) -> Option<&'a InvoiceItem> {
        self.by_uuid.get(uuid).copied()
    }

    /// Puts the ledger row of `source_key` as it stands once `written` (this plan's items for it, new or
    /// replacing one of the same id) are applied, over the version read. A plan calls it for every source
    /// whose billed money it relied on, so a commit after anyone else billed the source conflicts.
    pub fn settle(
        &self,
        changeset: &mut Changeset,
        source_key: &SourceKey,
        unit: Option<&UnitKey>,
        currency: Currency,
        written: &[&InvoiceItem],
    ) -> Result<()> {
        let kept = self
            .by_source
            .get(source_key)
            .map(Vec::as_slice)
            .unwrap_or(&[])
            .iter()
            .copied()
            .filter(|i| !written.iter().any(|w| w.uuid == i.uuid));
        let billed = billed_for(source_key, currency, kept.chain(written.iter().copied()))?;
        let items = u64::try_from(billed.items)
            .map_err(|_| Error::overflow(format!("invoice items of {source_key}")))?;
        // A discarding changeset keeps no row: what could fail has been checked, the row is not built.
        if !changeset.keeps_writes() {
            return Ok(());
        }
        let read = self.sources.get(source_key);
        if let Some(unit) = unit.or_else(|| read.and_then(|r| r.unit.as_ref())) {
            self.touch(changeset, unit);
        }
        let row = SourceRow {
            uuid: SourceRow::uuid_for(source_key),
            source_key: source_key.clone(),
            currency,
            billed: billed.total.amount,
            items,
            unit: unit.cloned().or_else(|| read.and_then(|r| r.unit.clone())),
            hold: match read.map_or(HoldState::None, |r| r.hold) {
                HoldState::Released if self.reconciling => HoldState::None,
                hold => hold,
            },
            version: read.map_or(0, |r| r.version),
        };
        changeset.put(format!("ledger_source:{source_key}"), &row)
    }
}

/// "{prefix}: {what}", with no empty part: a blank prefix or subject is left out with its separator, so a
/// name never reads "Telco: " or ": sim-1".
pub fn item_name(prefix: &str, what: &str) -> String {
    match (prefix.trim(), what.trim()) {
        ("", what) => what.to_owned(),
        (prefix, "") => prefix.to_owned(),
        (prefix, what) => format!("{prefix}: {what}"),
    }
}

/// "{prefix} adjustment: {what} (additional charge for YYYY-MM-DD)", or "(credit for …)" when negative. A
/// blank part is left out with its separator ([`item_name`]): never "adjustment:  (…)".
pub fn compensation_name(prefix: &str, what: &str, period: Period, difference: Decimal) -> String {
    let kind = if difference.is_sign_negative() {
        "credit"
    } else {
        "additional charge"
    };
    let head = match prefix.trim() {
        "" => "Adjustment".to_owned(),
        prefix => format!("{prefix} adjustment"),
    };
    format!(
        "{} ({kind} for {})",
        item_name(&head, what),
        period.first_day()
    )
}

/// A compensation item for `difference` on the current invoice of `customer`.
#[allow(clippy::too_many_arguments)]
pub fn compensation_item(
    ctx: &PlanContext,
    kind: InvoiceItemKind,
    source_key: &SourceKey,
    sequence: usize,
    customer: &Uuid,
    resource: Option<&Uuid>,
    name: String,
    difference: Money,
    details: Details,
) -> Result<(String, InvoiceItem)> {
    let key = format!("{}:{source_key}:{sequence}", kind_key(kind));
    let period = ctx.current_period()?;
    let item = InvoiceItem {
        uuid: Uuid::derive("invoice_item", &key),
        invoice_uuid: ctx.invoices.of(customer, period),
        customer_uuid: *customer,
        project_uuid: None,
        resource_uuid: resource.cloned(),
        billing_period: period,
        kind,
        source_key: source_key.clone(),
        name,
        unit_price: difference.amount,
        quantity: Decimal::ONE,
        currency: difference.currency,
        details,
        created: ctx.as_of,
        modified: ctx.as_of,
        version: 0,
    };
    Ok((key, item))
}

pub fn kind_key(kind: InvoiceItemKind) -> &'static str {
    match kind {
        InvoiceItemKind::Provisional => "provisional",
        InvoiceItemKind::ConsumptionCompensation => "consumption_compensation",
        InvoiceItemKind::StatementLine => "statement_line",
        InvoiceItemKind::StatementCompensation => "statement_compensation",
    }
}

/// A checked sum of decimals, naming what is summed in the overflow error.
pub fn checked_sum<I: IntoIterator<Item = Decimal>>(values: I, location: &str) -> Result<Decimal> {
    values.into_iter().try_fold(Decimal::ZERO, |acc, v| {
        acc.checked_add(v).ok_or_else(|| Error::overflow(location))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_never_have_empty_parts() {
        let period = Period::parse("2025-01").unwrap();
        let minus = Decimal::new(-5, 0);
        assert_eq!(
            compensation_name("Telco", "sim-1", period, minus),
            "Telco adjustment: sim-1 (credit for 2025-01-01)"
        );
        assert_eq!(
            compensation_name("Telco", " ", period, Decimal::ONE),
            "Telco adjustment (additional charge for 2025-01-01)"
        );
        assert_eq!(
            compensation_name("", "sim-1", period, minus),
            "Adjustment: sim-1 (credit for 2025-01-01)"
        );
        assert_eq!(item_name("Telco", ""), "Telco");
        assert_eq!(item_name("", "sim-1"), "sim-1");
        assert_eq!(item_name("Telco", "sim-1"), "Telco: sim-1");
    }
}
