//! The one write path. Every mutating operation plans a [`Changeset`]; the host's store applies it in one
//! transaction, all or nothing. A dry run returns it unapplied: that is the preview.
//!
//! Each intent carries an idempotency key derived from natural keys (never from a clock or a counter
//! the host keeps), and every object an intent writes has its id derived from that key. So:
//! - an upsert writes the same object under the same id however often it is applied;
//! - a create is skipped when an object with its id exists already;
//! - a state transition names the state it expects, and is a no-op when the target state is already there.
//!
//! Applying a changeset twice therefore leaves the store as applying it once.

use serde::{Deserialize, Serialize};

use crate::ids::Uuid;
use crate::records::{
    BillingSync, ConsumptionRecord, Customer, CustomerMapping, InvoiceItem, Project, Resource,
    SyncState,
};
use crate::timestamp::Timestamp;

/// Where consumption sync is switched on or off.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "scope", rename_all = "snake_case")]
pub enum SyncSwitch {
    Global,
    Settings { settings_uuid: Uuid },
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Intent {
    /// Create or replace a consumption record.
    UpsertConsumptionRecord {
        key: String,
        record: ConsumptionRecord,
    },
    /// Delete a consumption record; a no-op if it is gone already. Its invoice items stay: money billed
    /// stays billed, and a re-sync finds them again by their source key.
    DeleteConsumptionRecord {
        key: String,
        uuid: Uuid,
    },
    /// Create or replace a billing sync with its items.
    UpsertBillingSync {
        key: String,
        sync: Box<BillingSync>,
    },
    /// Move a billing sync from `from` to `to`; a no-op if it is in `to` already, a conflict otherwise.
    TransitionBillingSync {
        key: String,
        uuid: Uuid,
        from: SyncState,
        to: SyncState,
        at: Timestamp,
    },
    /// Create or update an invoice item in place (provisional charges, whose price follows consumption).
    UpsertInvoiceItem {
        key: String,
        item: InvoiceItem,
    },
    /// Create an invoice item once (statement lines, compensations); skipped if its id exists.
    CreateInvoiceItem {
        key: String,
        item: InvoiceItem,
    },
    /// Switch consumption sync on or off.
    SetSyncEnabled {
        key: String,
        switch: SyncSwitch,
        enabled: bool,
    },
    /// Host objects that sync_resources creates or updates.
    UpsertCustomer {
        key: String,
        customer: Customer,
    },
    UpsertProject {
        key: String,
        project: Project,
    },
    UpsertResource {
        key: String,
        resource: Box<Resource>,
    },
    UpsertCustomerMapping {
        key: String,
        mapping: CustomerMapping,
    },
}

impl Intent {
    pub fn key(&self) -> &str {
        match self {
            Intent::UpsertConsumptionRecord { key, .. }
            | Intent::DeleteConsumptionRecord { key, .. }
            | Intent::UpsertBillingSync { key, .. }
            | Intent::TransitionBillingSync { key, .. }
            | Intent::UpsertInvoiceItem { key, .. }
            | Intent::CreateInvoiceItem { key, .. }
            | Intent::SetSyncEnabled { key, .. }
            | Intent::UpsertCustomer { key, .. }
            | Intent::UpsertProject { key, .. }
            | Intent::UpsertResource { key, .. }
            | Intent::UpsertCustomerMapping { key, .. } => key,
        }
    }
}

/// What one operation will write, in order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Changeset {
    /// The operation id that planned it.
    pub operation: String,
    /// The instant it was planned at: the host clock's "now", passed in.
    pub as_of: Timestamp,
    pub intents: Vec<Intent>,
}

impl Changeset {
    pub fn new(operation: &str, as_of: Timestamp) -> Changeset {
        Changeset {
            operation: operation.to_owned(),
            as_of,
            intents: Vec::new(),
        }
    }

    pub fn push(&mut self, intent: Intent) {
        self.intents.push(intent);
    }

    pub fn is_empty(&self) -> bool {
        self.intents.is_empty()
    }

    pub fn len(&self) -> usize {
        self.intents.len()
    }
}
