//! Arrow vendor → host offering (and plan): the project and price plan of lines that no resource claims.
//! Unique per (settings, arrow_vendor_name), so its uuid derives from that pair. Offerings and plans are the
//! host's catalog, read by name and type; billsync never writes them.

use serde::{Deserialize, Serialize};

use crate::ids::Uuid;
use crate::timestamp::Timestamp;

fn default_true() -> bool {
    true
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct VendorOfferingMapping {
    pub uuid: Uuid,
    pub settings_uuid: Uuid,
    pub arrow_vendor_name: String,
    pub offering_uuid: Uuid,
    pub plan_uuid: Uuid,
    #[serde(default = "default_true")]
    pub is_active: bool,
    pub created: Timestamp,
    pub modified: Timestamp,
    /// The version the store holds this row at (0: not read from the store). Not part of the row.
    #[serde(skip)]
    pub version: u64,
}

impl VendorOfferingMapping {
    pub fn uuid_of(settings: &Uuid, vendor_name: &str) -> Uuid {
        Uuid::derive(
            "arrow_vendor_offering_mapping",
            &format!("{settings}|{}", vendor_name.to_lowercase()),
        )
    }
}

/// A host offering (marketplace product), as the admin endpoints name it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct Offering {
    pub uuid: Uuid,
    #[serde(default)]
    pub name: String,
    /// The host's offering type, e.g. "Marketplace.Basic".
    #[serde(default, rename = "type", alias = "offering_type")]
    pub offering_type: String,
    #[serde(skip)]
    pub version: u64,
}

/// A price plan of a host offering.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct Plan {
    pub uuid: Uuid,
    #[serde(default)]
    pub name: String,
    #[serde(alias = "offering")]
    pub offering_uuid: Uuid,
    #[serde(skip)]
    pub version: u64,
}

crate::stored_row!(VendorOfferingMapping, "vendor_offering_mappings");
crate::stored_row!(Offering, "offerings");
crate::stored_row!(Plan, "plans");
