//! The ledger: vendor-neutral and pure. Consumption records, invoice items and compensations, the rule of
//! money, the changeset, and the plans every vendor shares (the consumption sync and the consumption
//! reconciliation). It names no vendor: a vendor gives it a [`Policy`] from its settings, the source
//! reference of each host resource, preliminary totals for a period, and final figures once the month closes.
//!
//! Every plan takes what the store and the vendor said, plus the instant to plan at, and returns a
//! [`Changeset`] with counters. Nothing here reads a clock, makes a random id or does I/O.
//!
//! # The one rule of money
//! Every invoice item billsync makes names the money it is for (its [`SourceKey`]: a consumption record's
//! natural key, or a line of a vendor's final document). What the customer has been billed for a source is
//! the sum of its items. A reconciliation compares the vendor's final figure with that sum and bills the
//! difference, once, as a new compensation item. So a forced re-run, a re-sync, a cleanup or an interrupted
//! run can never bill a difference twice: the second look finds nothing left to bill.
//!
//! - Consumption: the provisional item follows the consumption figures until the record is reconciled once;
//!   from then on only compensations change what is billed.
//! - Document lines (a vendor's statements): a line is billed once, at its first price; later price changes are
//!   compensated, never written into that item (an issued invoice cannot be edited).
//! - One tolerance for every comparison ([`Policy::tolerance`]).
//! - One owner per unit and month ([`unit`]): a vendor unit's money is billed by its consumption records or
//!   by the document lines that name it, never both; the owner nets off what any other source of the unit
//!   billed. One unit on several records is split by largest remainder ([`split`]).
//! - A plan that relies on what a source has billed names the version of that source's ledger row it read
//!   ([`sources`]); a commit after someone else billed that source is refused and re-planned.
//! - Billed = final, unless held ([`hold`]): an operator may reverse a compensation (a new item of the
//!   opposite amount; nothing is edited or deleted), which holds its source out of every automatic plan
//!   until released; the next reconciliation after the release bills final − billed, once.
//! - Every plan is serialisable: it names the version of each unit's row it read, and writes the row of
//!   each unit it writes ([`units`]), so a plan whose reads of a unit moved before it committed is refused.

mod billed;
pub mod changeset;
mod consumption_record;
mod consumption_sync;
mod error_detail;
pub mod focus;
pub mod hold;
mod host;
mod invoice_item;
mod policy;
pub mod preview;
mod reconciliation;
mod record_input;
mod source_key;
pub mod sources;
pub mod split;
mod statistics;
pub mod trace;
pub mod unit;
pub mod units;
pub mod unowned;

pub use billed::{
    billed_for, checked_sum, compensation_item, compensation_name, item_name, kind_key, Billed,
    BilledItems, Billing,
};
pub use changeset::{Changeset, Row, RowJson, Write, WriteOp};
pub use consumption_record::{ConsumptionRecord, RecordKey};
pub use consumption_sync::{plan_consumption_sync, ConsumptionSyncCounters, ResourceConsumption};
pub use error_detail::{currencies_of, error_detail, record_error};
pub use hold::{HoldRow, HoldState};
pub use host::{Customer, Hosts, Project, Resource};
pub use invoice_item::{Details, InvoiceItem, InvoiceItemKind};
pub use policy::{PlanContext, Policy, PriceSource};
pub use preview::{
    preview_reconciliation_into, PreviewBuilder, PreviewOutput, PreviewParts, PreviewResult,
    PreviewRow, PreviewSummary, PreviewTotal, PreviewVendor, ReconciliationPreview,
};
pub use reconciliation::{
    plan_consumption_reconciliation, plan_consumption_reconciliation_in, FinalFigure,
    ReconciliationCounters, RecordAction, RecordOutcome, RecordOwner,
};
pub use source_key::{SourceKey, UnitKey};
pub use sources::SourceRow;
pub use split::split_by_largest_remainder;
pub use statistics::{record_statistics, CurrencyTotals, PeriodTotals, RecordStatistics};
pub use trace::{sha256_hex, Evidence, PayloadHash, Trace};
pub use unit::{net_off, NetOff, Ownership, UnitOwner};
pub use units::{seal, UnitRow};
pub use unowned::{
    plan_unowned, unowned_lines, unowned_totals, UnownedFigure, UnownedLine, UNOWNED,
};
