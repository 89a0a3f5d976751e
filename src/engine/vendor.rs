//! What a vendor gives the ledger, read through its port: the engine's consumption sync and consumption
//! reconciliation are written once, over this trait, for every vendor.

use rust_decimal::Decimal;
use serde_json::Value;

use crate::error::Result;
use crate::ids::Uuid;
use crate::ledger::{Evidence, FinalFigure, Hosts, Policy, Project, Resource, Row};
use crate::money::Currency;
use crate::period::Period;

/// A resource's preliminary figures for a month, as the vendor reports them so far.
#[derive(Debug, Clone, PartialEq)]
pub struct Preliminary {
    /// The host resource the figures are for; None for a unit of the vendor's bill that no host resource
    /// takes (its money is unowned: reported, never dropped).
    pub resource_uuid: Option<Uuid>,
    /// The vendor's unit the money is for (as records name it).
    pub source_ref: String,
    pub sell: Decimal,
    pub buy: Decimal,
    /// The currency the vendor named, if it named one.
    pub currency: Option<Currency>,
    /// How many vendor lines were summed.
    pub lines: u64,
    /// What the record keeps of where the figures came from.
    pub raw_data: Value,
    /// The payload's hash and the vendor's lines behind the figures (the provisional item's trace).
    pub evidence: Evidence,
}

/// One vendor's side of the monthly cycle.
#[allow(async_fn_in_trait)]
pub trait Vendor {
    /// The vendor's name on its records.
    const NAME: &'static str;
    /// The vendor's name in messages ("Arrow").
    const TITLE: &'static str;
    /// How many months, the current one included, the vendor answers for (None: every month since
    /// [`Period::MIN_YEAR`]). With the rule that no month is billed before it has begun, this is which
    /// months can be billed: [`Period::check_billable`].
    const BILLING_WINDOW_MONTHS: Option<u32>;
    /// The settings row of one integration with the vendor.
    type Settings: Row + Clone;
    /// Whether the vendor bills the units no record owns by document lines of its own (Arrow's statements),
    /// whose plans report what they leave unowned. When false, a final figure no live record takes is
    /// unowned money of the consumption reconciliation.
    const DOCUMENT_LINES: bool = false;

    /// What the ledger needs of the settings.
    fn policy(settings: &Self::Settings) -> Policy;

    /// The vendor unit a host resource is for, if it is one of this vendor's.
    fn source_ref(resource: &Resource) -> Option<String>;

    /// The project and resource that stand in for a unit no host resource names, where the settings say who
    /// bills it (a named customer for the account's own rows): added to the host's for the plan, so the
    /// unit's money is billed like any resource's. Default: none (such units are unowned money).
    fn stand_ins(_settings: &Self::Settings, _hosts: &Hosts) -> Vec<(Project, Resource)> {
        Vec::new()
    }

    /// Whether these settings may be the ones to use when a request names none.
    fn is_active(settings: &Self::Settings) -> bool;

    /// When the settings row was created, if the row says. The active settings are the active row created
    /// last; rows that do not say count as the oldest, and among equals the smallest uuid wins.
    fn created(settings: &Self::Settings) -> Option<crate::timestamp::Timestamp> {
        let _ = settings;
        None
    }

    /// The preliminary figures of `period` for `resources` (active, billable, each with a source reference),
    /// and, where the vendor's payload shows them, those of the units no resource takes (no
    /// `resource_uuid`). `progress(done, total, message)` reports each vendor call.
    async fn preliminary(
        &self,
        settings: &Self::Settings,
        period: Period,
        resources: &[Resource],
        progress: &dyn Fn(u64, u64, String),
    ) -> Result<Vec<Preliminary>>;

    /// The final figures of `period`, or None while the vendor has not closed the month.
    async fn finals(
        &self,
        settings: &Self::Settings,
        period: Period,
        progress: &dyn Fn(u64, u64, String),
    ) -> Result<Option<Vec<FinalFigure>>>;
}
