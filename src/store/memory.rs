//! The in-memory store: every table in ordered maps, and the reference semantics of applying a changeset
//! (all or nothing, idempotent). Host stores must behave the same; the conformance kit checks it.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::changeset::{Changeset, Intent, SyncSwitch};
use crate::error::{Error, Result};
use crate::ids::Uuid;
use crate::records::{
    ArrowSettings, BillingSync, ConsumptionRecord, Customer, CustomerMapping, InvoiceItem, Project,
    Resource,
};

/// What applying a changeset did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApplyReport {
    pub created: u64,
    pub updated: u64,
    pub deleted: u64,
    /// Intents that found their effect already there (a re-applied create, a delete of a missing row…).
    pub unchanged: u64,
}

fn default_true() -> bool {
    true
}

/// Every table the Arrow integration reads or writes, keyed by uuid.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MemoryStore {
    #[serde(default = "default_true")]
    pub global_sync_enabled: bool,
    #[serde(default)]
    pub settings: BTreeMap<Uuid, ArrowSettings>,
    #[serde(default)]
    pub customers: BTreeMap<Uuid, Customer>,
    #[serde(default)]
    pub projects: BTreeMap<Uuid, Project>,
    #[serde(default)]
    pub resources: BTreeMap<Uuid, Resource>,
    #[serde(default)]
    pub customer_mappings: BTreeMap<Uuid, CustomerMapping>,
    #[serde(default)]
    pub consumption_records: BTreeMap<Uuid, ConsumptionRecord>,
    #[serde(default)]
    pub billing_syncs: BTreeMap<Uuid, BillingSync>,
    #[serde(default)]
    pub invoice_items: BTreeMap<Uuid, InvoiceItem>,
}

impl Default for MemoryStore {
    fn default() -> MemoryStore {
        MemoryStore {
            global_sync_enabled: true,
            settings: BTreeMap::new(),
            customers: BTreeMap::new(),
            projects: BTreeMap::new(),
            resources: BTreeMap::new(),
            customer_mappings: BTreeMap::new(),
            consumption_records: BTreeMap::new(),
            billing_syncs: BTreeMap::new(),
            invoice_items: BTreeMap::new(),
        }
    }
}

/// Counts an upsert as created or updated, or unchanged when the stored row is equal already.
fn upsert<T: PartialEq + Clone>(
    table: &mut BTreeMap<Uuid, T>,
    uuid: &Uuid,
    row: &T,
    report: &mut ApplyReport,
) {
    match table.get(uuid) {
        Some(existing) if existing == row => report.unchanged += 1,
        Some(_) => {
            report.updated += 1;
            table.insert(uuid.clone(), row.clone());
        }
        None => {
            report.created += 1;
            table.insert(uuid.clone(), row.clone());
        }
    }
}

/// A host row without a uuid (settings and mappings as the spec lists their fields have none) gets one
/// derived from its table and content, so the same initial data always loads to the same ids.
fn with_uuid(table: &str, row: &serde_json::Value) -> serde_json::Value {
    let mut row = row.clone();
    if let Some(object) = row.as_object_mut() {
        if object.get("uuid").is_none_or(serde_json::Value::is_null) {
            let content = serde_json::Value::Object(object.clone()).to_string();
            object.insert(
                "uuid".to_owned(),
                serde_json::json!(Uuid::derive(table, &content)),
            );
        }
    }
    row
}

impl MemoryStore {
    /// Applies every intent, or none: on any error the store is left exactly as it was.
    pub fn apply(&mut self, changeset: &Changeset) -> Result<ApplyReport> {
        let mut next = self.clone();
        let mut report = ApplyReport::default();
        for intent in &changeset.intents {
            next.apply_one(intent, &mut report)?;
        }
        *self = next;
        Ok(report)
    }

    fn apply_one(&mut self, intent: &Intent, report: &mut ApplyReport) -> Result<()> {
        match intent {
            Intent::UpsertConsumptionRecord { record, .. } => {
                upsert(&mut self.consumption_records, &record.uuid, record, report)
            }
            Intent::DeleteConsumptionRecord { uuid, .. } => {
                if self.consumption_records.remove(uuid).is_some() {
                    report.deleted += 1;
                } else {
                    report.unchanged += 1;
                }
            }
            Intent::UpsertBillingSync { sync, .. } => {
                upsert(&mut self.billing_syncs, &sync.uuid, sync, report)
            }
            Intent::TransitionBillingSync {
                uuid, from, to, at, ..
            } => {
                let sync = self
                    .billing_syncs
                    .get_mut(uuid)
                    .ok_or_else(|| Error::not_found(format!("billing sync {uuid}")))?;
                if sync.state == *to {
                    report.unchanged += 1;
                } else if sync.state == *from {
                    sync.state = *to;
                    sync.modified = *at;
                    report.updated += 1;
                } else {
                    return Err(Error::Conflict {
                        reason: format!(
                            "billing sync {uuid} is {}, expected {} to move it to {}",
                            sync.state.display(),
                            from.display(),
                            to.display()
                        ),
                    });
                }
            }
            Intent::UpsertInvoiceItem { item, .. } => {
                upsert(&mut self.invoice_items, &item.uuid, item, report)
            }
            Intent::CreateInvoiceItem { item, .. } => {
                if self.invoice_items.contains_key(&item.uuid) {
                    report.unchanged += 1;
                } else {
                    self.invoice_items.insert(item.uuid.clone(), item.clone());
                    report.created += 1;
                }
            }
            Intent::SetSyncEnabled {
                switch, enabled, ..
            } => match switch {
                SyncSwitch::Global => {
                    if self.global_sync_enabled == *enabled {
                        report.unchanged += 1;
                    } else {
                        self.global_sync_enabled = *enabled;
                        report.updated += 1;
                    }
                }
                SyncSwitch::Settings { settings_uuid } => {
                    let settings = self
                        .settings
                        .get_mut(settings_uuid)
                        .ok_or_else(|| Error::not_found(format!("settings {settings_uuid}")))?;
                    if settings.sync_enabled == *enabled {
                        report.unchanged += 1;
                    } else {
                        settings.sync_enabled = *enabled;
                        report.updated += 1;
                    }
                }
            },
            Intent::UpsertCustomer { customer, .. } => {
                upsert(&mut self.customers, &customer.uuid, customer, report)
            }
            Intent::UpsertProject { project, .. } => {
                upsert(&mut self.projects, &project.uuid, project, report)
            }
            Intent::UpsertResource { resource, .. } => upsert(
                &mut self.resources,
                &resource.uuid,
                resource.as_ref(),
                report,
            ),
            Intent::UpsertCustomerMapping { mapping, .. } => {
                upsert(&mut self.customer_mappings, &mapping.uuid, mapping, report)
            }
        }
        Ok(())
    }

    /// A store from tables given as arrays of rows (`{"resources": [...], ...}`), as hosts and tests write
    /// them. Every bad row is reported at once, by table and index.
    pub fn from_tables(tables: &serde_json::Value) -> Result<MemoryStore> {
        fn load<T: serde::de::DeserializeOwned>(
            tables: &serde_json::Value,
            name: &str,
            uuid_of: impl Fn(&T) -> Uuid,
            fields: &mut crate::error::FieldErrors,
        ) -> BTreeMap<Uuid, T> {
            let mut out = BTreeMap::new();
            match tables.get(name) {
                None | Some(serde_json::Value::Null) => {}
                Some(serde_json::Value::Array(rows)) => {
                    for (i, row) in rows.iter().enumerate() {
                        match serde_json::from_value::<T>(with_uuid(name, row)) {
                            Ok(row) => {
                                out.insert(uuid_of(&row), row);
                            }
                            Err(e) => fields
                                .entry(format!("{name}[{i}]"))
                                .or_default()
                                .push(e.to_string()),
                        }
                    }
                }
                Some(_) => fields
                    .entry(name.to_owned())
                    .or_default()
                    .push("Expected a list of rows.".to_owned()),
            }
            out
        }
        if !tables.is_null() && !tables.is_object() {
            return Err(Error::field("initial", "Expected an object of tables."));
        }
        let mut fields = crate::error::FieldErrors::new();
        let store = MemoryStore {
            global_sync_enabled: tables
                .get("global_sync_enabled")
                .and_then(serde_json::Value::as_bool)
                .unwrap_or(true),
            settings: load(
                tables,
                "settings",
                |r: &ArrowSettings| r.uuid.clone(),
                &mut fields,
            ),
            customers: load(
                tables,
                "customers",
                |r: &Customer| r.uuid.clone(),
                &mut fields,
            ),
            projects: load(
                tables,
                "projects",
                |r: &Project| r.uuid.clone(),
                &mut fields,
            ),
            resources: load(
                tables,
                "resources",
                |r: &Resource| r.uuid.clone(),
                &mut fields,
            ),
            customer_mappings: load(
                tables,
                "customer_mappings",
                |r: &CustomerMapping| r.uuid.clone(),
                &mut fields,
            ),
            consumption_records: load(
                tables,
                "consumption_records",
                |r: &ConsumptionRecord| r.uuid.clone(),
                &mut fields,
            ),
            billing_syncs: load(
                tables,
                "billing_syncs",
                |r: &BillingSync| r.uuid.clone(),
                &mut fields,
            ),
            invoice_items: load(
                tables,
                "invoice_items",
                |r: &InvoiceItem| r.uuid.clone(),
                &mut fields,
            ),
        };
        if fields.is_empty() {
            Ok(store)
        } else {
            Err(Error::Validation { fields })
        }
    }

    /// Every table as an array of rows, in uuid order, plus the global switch.
    pub fn to_tables(&self) -> serde_json::Value {
        fn rows<T: Serialize>(map: &BTreeMap<Uuid, T>) -> serde_json::Value {
            serde_json::Value::Array(
                map.values()
                    .filter_map(|r| serde_json::to_value(r).ok())
                    .collect(),
            )
        }
        serde_json::json!({
            "global_sync_enabled": self.global_sync_enabled,
            "settings": rows(&self.settings),
            "customers": rows(&self.customers),
            "projects": rows(&self.projects),
            "resources": rows(&self.resources),
            "customer_mappings": rows(&self.customer_mappings),
            "consumption_records": rows(&self.consumption_records),
            "billing_syncs": rows(&self.billing_syncs),
            "invoice_items": rows(&self.invoice_items),
        })
    }

    /// The invoice items billed for a source (a record's or an export line's natural key).
    pub fn items_for<'a>(
        &'a self,
        source_key: &'a str,
    ) -> impl Iterator<Item = &'a InvoiceItem> + 'a {
        self.invoice_items
            .values()
            .filter(move |i| i.source_key == source_key)
    }
}
