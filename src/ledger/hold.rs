//! Holds: a compensation an operator takes back, and the source it leaves set aside. Reversing a
//! compensation never edits or deletes it: it adds one item of the opposite amount (same customer,
//! currency and source, on the current month's invoice), and puts the source **on hold**. A held source is
//! left out of every automatic plan (consumption and statement reconciliation, net-offs, the consumption
//! sync) until an operator releases it; the next reconciliation after the release bills final − billed,
//! once. So the rule of money reads: **billed = final, unless held**; and a held source is listed with who
//! held it, why and when.
//!
//! What is reversible: a compensation (a record's or a document line's, a net-off included), and only one
//! billsync made: not a provisional charge, not a document line billed as it is (those follow the vendor's
//! figures; nothing would stay reversed), and not a reversal itself (releasing the source is what undoes
//! a hold). An item is reversed once: its reversal's id derives from its own, so a second reverse finds it
//! and is refused, changing nothing.
//!
//! Two rows carry the rule. The hold row ([`HoldRow`], one per source, id derived from the source key)
//! says who, why and when, and keeps the earlier holds of the source once released; it is never deleted.
//! The source's ledger row ([`super::SourceRow`]) says the source is held, or released and due: every plan
//! already reads that row and names its version, so a reconciliation planned before a reverse or a release
//! committed is refused and re-planned, and a reverse that raced a reconciliation likewise.

use serde::{Deserialize, Serialize};
use serde_json::json;

use super::{
    billed_for, Billing, Changeset, Details, InvoiceItem, InvoiceItemKind, SourceKey, SourceRow,
};
use crate::error::{Error, Result};
use crate::ids::Uuid;
use crate::period::Period;
use crate::timestamp::Timestamp;

/// Where a source stands with holds, as its ledger row says.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum HoldState {
    /// Never held, or released and reconciled since: plans bill it as usual.
    #[default]
    None,
    /// Left out of every automatic plan.
    Held,
    /// Released and not yet reconciled: the next reconciliation looks at it even when not forced.
    Released,
}

impl HoldState {
    pub fn is_none(&self) -> bool {
        *self == HoldState::None
    }
}

/// One hold of a source: the compensation taken back, who took it back, why and when; and, once released,
/// who released it and when.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct Hold {
    pub held_by: String,
    pub reason: String,
    pub held_at: Timestamp,
    /// The compensation reversed.
    pub reversed_item_uuid: Uuid,
    /// The item of the opposite amount.
    pub reversal_item_uuid: Uuid,
    #[serde(default)]
    pub released_by: Option<String>,
    #[serde(default)]
    pub released_at: Option<Timestamp>,
}

/// The hold row of one source: its current (or last) hold, and the earlier ones.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct HoldRow {
    pub uuid: Uuid,
    pub source_key: SourceKey,
    /// Whether the source is held now.
    pub held: bool,
    // The current (or last) hold's fields, written out rather than a flattened `Hold`: serde's flatten
    // costs kilobytes of wasm to read back.
    pub held_by: String,
    pub reason: String,
    pub held_at: Timestamp,
    pub reversed_item_uuid: Uuid,
    pub reversal_item_uuid: Uuid,
    #[serde(default)]
    pub released_by: Option<String>,
    #[serde(default)]
    pub released_at: Option<Timestamp>,
    /// The earlier holds of the source, each released, oldest first.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub earlier: Vec<Hold>,
    #[serde(skip)]
    #[cfg_attr(test, ts(skip))]
    pub version: u64,
}

crate::stored_row!(HoldRow, "ledger_holds");

impl HoldRow {
    pub fn uuid_for(key: &SourceKey) -> Uuid {
        Uuid::derive("ledger_hold", key.as_str())
    }

    /// The current (or last) hold.
    pub fn hold(&self) -> Hold {
        Hold {
            held_by: self.held_by.clone(),
            reason: self.reason.clone(),
            held_at: self.held_at,
            reversed_item_uuid: self.reversed_item_uuid,
            reversal_item_uuid: self.reversal_item_uuid,
            released_by: self.released_by.clone(),
            released_at: self.released_at,
        }
    }

    /// The row of `source_key` held by `hold`, after `earlier` holds.
    fn holding(
        (uuid, source_key): (Uuid, SourceKey),
        hold: Hold,
        earlier: Vec<Hold>,
        version: u64,
    ) -> HoldRow {
        HoldRow {
            uuid,
            source_key,
            held: true,
            held_by: hold.held_by,
            reason: hold.reason,
            held_at: hold.held_at,
            reversed_item_uuid: hold.reversed_item_uuid,
            reversal_item_uuid: hold.reversal_item_uuid,
            released_by: None,
            released_at: None,
            earlier,
            version,
        }
    }
}

/// Who asks, when, and on which month's invoice a reversal goes (the current one, in the host's zone).
#[derive(Debug, Clone)]
pub struct HoldContext<'a> {
    pub operation: &'a str,
    pub by: &'a str,
    pub as_of: Timestamp,
    pub current_period: Period,
}

/// The id of the reversal of `item`: derived from the reversed item's, so it is made once.
pub fn reversal_uuid(item: &Uuid) -> Uuid {
    Uuid::derive("invoice_item", &format!("reversal:{item}"))
}

/// The uuid of the item `details` say it reverses, if it is a reversal.
fn reverses(item: &InvoiceItem) -> Option<String> {
    item.details
        .to_value()
        .get("reverses")
        .and_then(|v| v.as_str())
        .map(str::to_owned)
}

/// A reason as given: trimmed, and not blank.
pub fn check_reason(reason: &str) -> Result<String> {
    let reason = reason.trim();
    if reason.is_empty() {
        return Err(Error::field("reason", "This field may not be blank."));
    }
    Ok(reason.to_owned())
}

/// What a reverse or a release did (or, on a dry run, would do).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct HoldOutcome {
    pub source_key: SourceKey,
    /// What the source's items bill after the plan.
    pub billed: String,
    pub currency: crate::money::Currency,
    pub hold: HoldRow,
    /// The reversal item (reverse only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reversal: Option<InvoiceItem>,
}

/// Plans the reversal of `item`. `billing` holds every item of its source and the source's ledger row;
/// `hold` is the source's hold row, if it has one.
pub fn plan_reverse(
    ctx: &HoldContext<'_>,
    item: &InvoiceItem,
    reason: &str,
    billing: &Billing,
    hold: Option<&HoldRow>,
) -> Result<(Changeset, HoldOutcome)> {
    let reason = check_reason(reason)?;
    if !item.kind.is_compensation() || reverses(item).is_some() {
        let what = match item.kind {
            InvoiceItemKind::Provisional => "a provisional charge",
            InvoiceItemKind::StatementLine => "a document line billed as it is",
            _ => "a reversal (release its source instead)",
        };
        return Err(Error::field(
            "uuid",
            format!(
                "Only a compensation can be reversed; invoice item {} is {what}.",
                item.uuid
            ),
        ));
    }
    let uuid = reversal_uuid(&item.uuid);
    if billing.items.iter().any(|i| i.uuid == uuid) {
        return Err(Error::IllegalTransition {
            what: format!("invoice item {}", item.uuid),
            from: "reversed".into(),
            to: "reversed".into(),
        });
    }
    let source = billing
        .sources
        .iter()
        .find(|s| s.source_key == item.source_key);
    let total = item.total()?;
    let reversal = InvoiceItem {
        uuid,
        invoice_uuid: InvoiceItem::invoice_uuid_for(&item.customer_uuid, ctx.current_period),
        customer_uuid: item.customer_uuid,
        project_uuid: item.project_uuid,
        resource_uuid: item.resource_uuid,
        billing_period: ctx.current_period,
        kind: item.kind,
        source_key: item.source_key.clone(),
        name: format!("Reversal: {}", item.name),
        unit_price: rust_decimal::Decimal::ZERO
            .checked_sub(item.unit_price)
            .ok_or_else(|| Error::overflow(format!("reversal of {}", item.uuid)))?,
        quantity: item.quantity,
        currency: item.currency,
        details: Details::from_value(&json!({
            "reverses": item.uuid,
            "reason": reason,
            "held_by": ctx.by,
            "reversed_amount": crate::money::Exact(total.amount).to_string(),
            // An operator's decision, not a vendor's figure: no payload read, no vendor line.
            "trace": super::trace::Trace {
                operation: ctx.operation.to_owned(),
                planned_at: ctx.as_of,
                payload_sha256: None,
                lines: Vec::new(),
            },
        })),
        created: ctx.as_of,
        modified: ctx.as_of,
        version: 0,
    };
    let billed = billed_for(
        &item.source_key,
        item.currency,
        billing.items.iter().chain(std::iter::once(&reversal)),
    )?;
    let row = SourceRow {
        uuid: SourceRow::uuid_for(&item.source_key),
        source_key: item.source_key.clone(),
        currency: item.currency,
        billed: billed.total.amount,
        items: u64::try_from(billed.items)
            .map_err(|_| Error::overflow(format!("invoice items of {}", item.source_key)))?,
        unit: source.and_then(|s| s.unit.clone()),
        hold: HoldState::Held,
        version: source.map_or(0, |s| s.version),
    };
    let this = Hold {
        held_by: ctx.by.to_owned(),
        reason,
        held_at: ctx.as_of,
        reversed_item_uuid: item.uuid,
        reversal_item_uuid: uuid,
        released_by: None,
        released_at: None,
    };
    let hold_row = match hold {
        // Held already (another of its compensations was reversed): the earlier hold is kept.
        Some(old) => {
            let mut earlier = old.earlier.clone();
            earlier.push(old.hold());
            HoldRow::holding(
                (old.uuid, old.source_key.clone()),
                this,
                earlier,
                old.version,
            )
        }
        None => HoldRow::holding(
            (HoldRow::uuid_for(&item.source_key), item.source_key.clone()),
            this,
            Vec::new(),
            0,
        ),
    };
    let mut changeset = Changeset::new(ctx.operation, ctx.as_of);
    // The item reversed is read: it must still be there, unchanged.
    changeset.check(item);
    changeset.create(format!("reversal:{}", item.uuid), &reversal)?;
    changeset.put(format!("ledger_source:{}", item.source_key), &row)?;
    changeset.put(format!("ledger_hold:{}", item.source_key), &hold_row)?;
    if let Some(unit) = &row.unit {
        let version = billing
            .units
            .iter()
            .find(|u| &u.unit == unit)
            .map_or(0, |u| u.version);
        changeset.touch_unit(unit.clone(), version);
    }
    Ok((
        changeset,
        HoldOutcome {
            source_key: item.source_key.clone(),
            billed: crate::money::Exact(billed.total.amount).to_string(),
            currency: item.currency,
            hold: hold_row,
            reversal: Some(reversal),
        },
    ))
}

/// Plans the release of a held source: its hold row says who released it and when (kept, never deleted),
/// and its ledger row says it is due, so the next reconciliation bills final − billed once.
pub fn plan_release(
    ctx: &HoldContext<'_>,
    source: &SourceRow,
    hold: Option<&HoldRow>,
) -> Result<(Changeset, HoldOutcome)> {
    let Some(hold) = hold.filter(|h| h.held && source.hold == HoldState::Held) else {
        return Err(Error::IllegalTransition {
            what: format!("source {}", source.source_key),
            from: "not held".into(),
            to: "released".into(),
        });
    };
    let mut released = hold.clone();
    released.held = false;
    released.released_by = Some(ctx.by.to_owned());
    released.released_at = Some(ctx.as_of);
    let row = SourceRow {
        hold: HoldState::Released,
        ..source.clone()
    };
    let mut changeset = Changeset::new(ctx.operation, ctx.as_of);
    changeset.put(format!("ledger_source:{}", source.source_key), &row)?;
    changeset.put(format!("release:{}", source.source_key), &released)?;
    Ok((
        changeset,
        HoldOutcome {
            source_key: source.source_key.clone(),
            billed: crate::money::Exact(source.billed).to_string(),
            currency: source.currency,
            hold: released,
            reversal: None,
        },
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::money::Currency;
    use rust_decimal::Decimal;

    fn item(kind: InvoiceItemKind, cents: i64, details: serde_json::Value) -> InvoiceItem {
        let at = Timestamp::parse("2025-02-03T10:00:00Z").unwrap();
        let customer = Uuid::derive("customer", "c");
        let period = Period::parse("2025-02").unwrap();
        InvoiceItem {
            uuid: Uuid::derive("invoice_item", &format!("{kind:?}{cents}")),
            invoice_uuid: InvoiceItem::invoice_uuid_for(&customer, period),
            customer_uuid: customer,
            project_uuid: None,
            resource_uuid: None,
            billing_period: period,
            kind,
            source_key: SourceKey::of_line("doc", "l1"),
            name: "Adjustment".into(),
            unit_price: Decimal::new(cents, 2),
            quantity: Decimal::ONE,
            currency: Currency::EUR,
            details: Details::from_value(&details),
            created: at,
            modified: at,
            version: 1,
        }
    }

    fn ctx() -> HoldContext<'static> {
        HoldContext {
            operation: "reverse",
            by: "alice",
            as_of: Timestamp::parse("2025-03-01T09:00:00Z").unwrap(),
            current_period: Period::parse("2025-03").unwrap(),
        }
    }

    #[test]
    fn a_reversal_is_the_opposite_amount_and_holds_the_source_once() {
        let line = item(InvoiceItemKind::StatementLine, 1_000, json!(null));
        let comp = item(InvoiceItemKind::StatementCompensation, 250, json!({}));
        let billing = Billing {
            items: vec![line.clone(), comp.clone()],
            ..Billing::default()
        };
        let (changeset, outcome) =
            plan_reverse(&ctx(), &comp, " disputed ", &billing, None).unwrap();
        let reversal = outcome.reversal.unwrap();
        assert_eq!(reversal.total().unwrap().amount, Decimal::new(-250, 2));
        assert_eq!(reversal.billing_period, ctx().current_period);
        assert_eq!(reversal.details.to_value()["reason"], "disputed");
        assert_eq!(reversal.details.to_value()["trace"]["operation"], "reverse");
        assert!(reversal.details.to_value()["trace"]["payload_sha256"].is_null());
        assert_eq!(reversal.uuid, reversal_uuid(&comp.uuid));
        assert_eq!(outcome.billed, "10.00");
        assert!(outcome.hold.held);
        let source: SourceRow = changeset.rows().next().unwrap();
        assert_eq!(source.hold, HoldState::Held);
        assert_eq!(source.billed, Decimal::new(1_000, 2));

        // Once reversed, never again; a reversal, a line and a blank reason are refused.
        let after = Billing {
            items: vec![line.clone(), comp.clone(), reversal.clone()],
            ..Billing::default()
        };
        let again = plan_reverse(&ctx(), &comp, "x", &after, None).unwrap_err();
        assert_eq!(again.code(), "illegal_transition");
        for (what, reason) in [(&reversal, "x"), (&line, "x"), (&comp, " ")] {
            let e = plan_reverse(&ctx(), what, reason, &billing, None).unwrap_err();
            assert_eq!(e.code(), "validation_failed");
        }
        let blank = plan_reverse(&ctx(), &comp, "", &billing, None).unwrap_err();
        assert!(blank.fields().unwrap().contains_key("reason"));
    }

    #[test]
    fn a_release_keeps_the_hold_and_makes_the_source_due() {
        let comp = item(InvoiceItemKind::StatementCompensation, 250, json!({}));
        let billing = Billing {
            items: vec![comp.clone()],
            ..Billing::default()
        };
        let (changeset, outcome) = plan_reverse(&ctx(), &comp, "why", &billing, None).unwrap();
        let mut source: SourceRow = changeset.rows().next().unwrap();
        source.version = 1;
        let mut hold = outcome.hold;
        hold.version = 1;
        let (released, outcome) = plan_release(&ctx(), &source, Some(&hold)).unwrap();
        assert!(!outcome.hold.held);
        assert_eq!(outcome.hold.released_by.as_deref(), Some("alice"));
        assert_eq!(outcome.hold.reason, "why", "who held it and why are kept");
        let due: SourceRow = released.rows().next().unwrap();
        assert_eq!(due.hold, HoldState::Released);
        // Not held (released already, or never): refused.
        let e = plan_release(&ctx(), &due, Some(&outcome.hold)).unwrap_err();
        assert_eq!(e.code(), "illegal_transition");
        assert!(plan_release(&ctx(), &source, None).is_err());
    }
}
