//! What a vendor gives the ledger, read through its port: the engine's consumption sync and consumption
//! reconciliation are written once, over this trait, for every vendor.

use rust_decimal::Decimal;
use serde_json::Value;

use crate::error::Result;
use crate::ids::Uuid;
use crate::ledger::{FinalFigure, Policy, Resource, Row};
use crate::money::Currency;
use crate::period::Period;

/// A resource's preliminary figures for a month, as the vendor reports them so far.
#[derive(Debug, Clone, PartialEq)]
pub struct Preliminary {
    pub resource_uuid: Uuid,
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
}

/// One vendor's side of the monthly cycle.
#[allow(async_fn_in_trait)]
pub trait Vendor {
    /// The vendor's name on its records.
    const NAME: &'static str;
    /// The vendor's name in messages ("Arrow").
    const TITLE: &'static str;
    /// The settings row of one integration with the vendor.
    type Settings: Row + Clone;

    /// What the ledger needs of the settings.
    fn policy(settings: &Self::Settings) -> Policy;

    /// The vendor unit a host resource is for, if it is one of this vendor's.
    fn source_ref(resource: &Resource) -> Option<String>;

    /// Whether these settings may be the ones to use when a request names none.
    fn is_active(settings: &Self::Settings) -> bool;

    /// When the settings row was created, if the row says. The active settings are the active row created
    /// last; rows that do not say count as the oldest, and among equals the smallest uuid wins.
    fn created(settings: &Self::Settings) -> Option<crate::timestamp::Timestamp> {
        let _ = settings;
        None
    }

    /// The preliminary figures of `period` for `resources` (active, billable, each with a source reference).
    /// `progress(done, total, message)` reports each vendor call.
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
