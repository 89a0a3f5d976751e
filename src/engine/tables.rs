//! The tables the engine knows, by name, and what a row of each must look like. A store needs none of this
//! (it keeps rows by table name); hosts that load rows by hand get each bad row named.

use serde_json::Value;

use super::GlobalSwitch;
use crate::error::{Error, Result};
use crate::ledger::{
    ConsumptionRecord, Customer, HoldRow, InvoiceItem, Project, Resource, Row, SourceRow, UnitRow,
    UnownedLine,
};
use crate::vendors::arrow::billing_sync::BillingSync;
use crate::vendors::arrow::settings::{ArrowSettings, CustomerMapping};
use crate::vendors::arrow::vendor_mapping::{Offering, Plan, VendorOfferingMapping};
use crate::vendors::soracom::SoracomSettings;

/// The row as `R` stores it: defaults filled in, fields it does not keep (an API key) dropped.
fn fits<R: Row>(row: &Value) -> Result<Value> {
    let typed = serde_json::from_value::<R>(row.clone())
        .map_err(|e| Error::field(R::TABLE, e.to_string()))?;
    serde_json::to_value(&typed).map_err(|e| Error::field(R::TABLE, e.to_string()))
}

/// Every table name the engine reads or writes: the ledger's, the host's and each vendor's.
pub const TABLES: &[&str] = &[
    Customer::TABLE,
    Project::TABLE,
    Resource::TABLE,
    ConsumptionRecord::TABLE,
    InvoiceItem::TABLE,
    SourceRow::TABLE,
    UnitRow::TABLE,
    UnownedLine::TABLE,
    HoldRow::TABLE,
    GlobalSwitch::TABLE,
    ArrowSettings::TABLE,
    CustomerMapping::TABLE,
    BillingSync::TABLE,
    SoracomSettings::TABLE,
    VendorOfferingMapping::TABLE,
    Offering::TABLE,
    Plan::TABLE,
];

/// `row` as `table` stores it, or why it does not fit; a table the engine does not know takes any object.
pub fn check_row(table: &str, row: &Value) -> Result<Value> {
    match table {
        t if t == Customer::TABLE => fits::<Customer>(row),
        t if t == Project::TABLE => fits::<Project>(row),
        t if t == Resource::TABLE => fits::<Resource>(row),
        t if t == ConsumptionRecord::TABLE => fits::<ConsumptionRecord>(row),
        t if t == InvoiceItem::TABLE => fits::<InvoiceItem>(row),
        t if t == SourceRow::TABLE => fits::<SourceRow>(row),
        t if t == UnitRow::TABLE => fits::<UnitRow>(row),
        t if t == UnownedLine::TABLE => fits::<UnownedLine>(row),
        t if t == HoldRow::TABLE => fits::<HoldRow>(row),
        t if t == GlobalSwitch::TABLE => fits::<GlobalSwitch>(row),
        t if t == ArrowSettings::TABLE => fits::<ArrowSettings>(row),
        t if t == CustomerMapping::TABLE => fits::<CustomerMapping>(row),
        t if t == BillingSync::TABLE => fits::<BillingSync>(row),
        t if t == SoracomSettings::TABLE => fits::<SoracomSettings>(row),
        t if t == VendorOfferingMapping::TABLE => fits::<VendorOfferingMapping>(row),
        t if t == Offering::TABLE => fits::<Offering>(row),
        t if t == Plan::TABLE => fits::<Plan>(row),
        _ if row.is_object() => Ok(row.clone()),
        _ => Err(Error::field(table, "A row must be an object.")),
    }
}
