//! customer-mappings: CRUD, the company names refreshed from Arrow (sync_from_arrow), and the Arrow
//! customers no mapping covers yet (available_customers).
//!
//! A mapping's uuid derives from (settings, arrow_reference), its uniqueness key: creating the pair twice
//! is DRF's unique-together 400, and a mapping destroyed and created again is the same mapping, so its
//! billing syncs (kept on destroy, with their invoice items) belong to it again and nothing is re-billed
//! (defect 19).

use serde_json::Map;

use super::admin::{account_of, answer, contains, listed, ok, required_call};
use crate::engine::{Clock, Engine, Progress, Store};
use crate::error::{Error, Result};
use crate::ids::Uuid;
use crate::ledger::changeset::Changeset;
use crate::ledger::Customer;
use crate::rest::http::OperationResult;
use crate::vendors::arrow::admin_views::{
    uuid_or_nil, CustomerMappingView, CustomersSynced, NO_TIME,
};
use crate::vendors::arrow::render::customer_mapping_url;
use crate::vendors::arrow::settings::{ArrowSettings, CustomerMapping};
use crate::vendors::arrow::validate::{
    CustomerMappingQuery, CustomerMappingWrite, Operation, SyncFromArrowRequest,
};
use crate::vendors::arrow::wizard::{
    parse_customers, suggestions, ArrowCustomer, AvailableCustomers, HostCustomerBrief,
};
use crate::vendors::arrow::{Arrow, ArrowAccount, ArrowApi};

/// Pages of `GET customers` read at most (100 per page): 10,000 customers.
const MAX_CUSTOMER_PAGES: u32 = 100;

pub(crate) fn settings_url(base: &str, uuid: &Uuid) -> String {
    format!("{base}/api/admin/arrow/settings/{uuid}/")
}

fn customer_url(base: &str, uuid: &Uuid) -> String {
    format!("{base}/api/customers/{uuid}/")
}

pub(crate) fn mapping_uuid(settings: &Uuid, arrow_reference: &str) -> Uuid {
    Uuid::derive(
        "arrow_customer_mapping",
        &format!("{settings}|{arrow_reference}"),
    )
}

fn time(t: Option<crate::timestamp::Timestamp>) -> String {
    t.map_or_else(|| NO_TIME.to_owned(), |t| t.to_string())
}

pub(crate) fn mapping_view(
    m: &CustomerMapping,
    customers: &[Customer],
    base: &str,
) -> CustomerMappingView {
    let settings = m.settings_uuid.as_ref();
    CustomerMappingView {
        uuid: m.uuid.to_string(),
        url: customer_mapping_url(base, &m.uuid),
        settings: settings.map(|s| settings_url(base, s)).unwrap_or_default(),
        settings_uuid: uuid_or_nil(settings),
        arrow_reference: m.arrow_reference.clone(),
        arrow_company_name: m.arrow_company_name.clone(),
        waldur_customer: customer_url(base, &m.customer_uuid),
        waldur_customer_uuid: m.customer_uuid.to_string(),
        waldur_customer_name: customers
            .iter()
            .find(|c| c.uuid == m.customer_uuid)
            .map(|c| c.name.clone())
            .unwrap_or_default(),
        is_active: m.is_active,
        created: time(m.created),
        modified: time(m.modified.or(m.created)),
    }
}

fn does_not_exist(field: &str, pk: &str) -> Error {
    Error::field(
        field,
        format!("Invalid pk \"{pk}\" - object does not exist."),
    )
}

fn not_unique() -> Error {
    Error::field(
        crate::error::NON_FIELD_ERRORS,
        "The fields arrow_reference, settings must make a unique set.",
    )
}

impl<S: Store, A: ArrowApi, C: Clock, P: Progress> Engine<S, Arrow<A>, C, P> {
    pub(crate) async fn customer_mapping(&self, uuid: &str) -> Result<CustomerMapping> {
        self.get(uuid)
            .await?
            .ok_or_else(|| Error::not_found(format!("customer mapping {uuid}")))
    }

    pub(crate) async fn list_customer_mappings(
        &self,
        q: &CustomerMappingQuery,
        base: &str,
        url: &str,
    ) -> Result<OperationResult> {
        let mappings: Vec<CustomerMapping> = self.scan_all(Map::new()).await?;
        let customers: Vec<Customer> = self.scan_all(Map::new()).await?;
        let mut rows: Vec<CustomerMappingView> = mappings
            .iter()
            .map(|m| mapping_view(m, &customers, base))
            .filter(|v| {
                q.settings.as_deref().is_none_or(|s| s == v.settings)
                    && q.settings_uuid
                        .as_deref()
                        .is_none_or(|s| s == v.settings_uuid)
                    && contains(&v.arrow_reference, q.arrow_reference.as_ref())
                    && contains(&v.arrow_company_name, q.arrow_company_name.as_ref())
                    && q.waldur_customer
                        .as_deref()
                        .is_none_or(|c| c == v.waldur_customer)
                    && q.waldur_customer_uuid
                        .as_deref()
                        .is_none_or(|c| c == v.waldur_customer_uuid)
                    && q.is_active.is_none_or(|a| a == v.is_active)
            })
            .collect();
        crate::sort::sort_by(&mut rows, |a, b| {
            b.created.cmp(&a.created).then_with(|| a.uuid.cmp(&b.uuid))
        });
        listed(&rows, q.page, q.page_size, url)
    }

    pub(crate) async fn retrieve_customer_mapping(
        &self,
        uuid: &str,
        base: &str,
    ) -> Result<CustomerMappingView> {
        let mapping = self.customer_mapping(uuid).await?;
        let customers: Vec<Customer> = self.scan_all(Map::new()).await?;
        Ok(mapping_view(&mapping, &customers, base))
    }

    /// create (201), update and partial_update.
    pub(crate) async fn write_customer_mapping(
        &self,
        operation: Operation,
        w: &CustomerMappingWrite,
        base: &str,
    ) -> Result<OperationResult> {
        let now = self.now()?;
        let existing = match w.uuid.as_deref() {
            Some(uuid) if operation != Operation::CustomerMappingsCreate => {
                Some(self.customer_mapping(uuid).await?)
            }
            _ => None,
        };
        let settings_uuid = match (&w.settings, &existing) {
            (Some(s), _) => Some(s.clone()),
            (None, Some(m)) => m.settings_uuid.map(|s| s.to_string()),
            (None, None) => None,
        };
        let settings_uuid =
            settings_uuid.ok_or_else(|| Error::field("settings", crate::fields::REQUIRED))?;
        if self.get::<ArrowSettings>(&settings_uuid).await?.is_none() {
            return Err(does_not_exist("settings", &settings_uuid));
        }
        let customer_uuid = match (&w.waldur_customer, &existing) {
            (Some(c), _) => c.clone(),
            (None, Some(m)) => m.customer_uuid.to_string(),
            (None, None) => return Err(Error::field("waldur_customer", crate::fields::REQUIRED)),
        };
        if self.get::<Customer>(&customer_uuid).await?.is_none() {
            return Err(does_not_exist("waldur_customer", &customer_uuid));
        }
        let settings = Uuid::parse_field(&settings_uuid, "settings")?;
        let customer = Uuid::parse_field(&customer_uuid, "waldur_customer")?;
        let reference = w
            .arrow_reference
            .clone()
            .or_else(|| existing.as_ref().map(|m| m.arrow_reference.clone()))
            .ok_or_else(|| Error::field("arrow_reference", crate::fields::REQUIRED))?;
        let uuid = existing
            .as_ref()
            .map_or_else(|| mapping_uuid(&settings, &reference), |m| m.uuid);
        let all: Vec<CustomerMapping> = self.scan_all(Map::new()).await?;
        let taken = all.iter().any(|m| {
            m.uuid != uuid && m.settings_uuid == Some(settings) && m.arrow_reference == reference
        }) || (existing.is_none() && all.iter().any(|m| m.uuid == uuid));
        if taken {
            return Err(not_unique());
        }
        let mapping = CustomerMapping {
            uuid,
            settings_uuid: Some(settings),
            arrow_reference: reference,
            customer_uuid: customer,
            arrow_company_name: w
                .arrow_company_name
                .clone()
                .or_else(|| existing.as_ref().map(|m| m.arrow_company_name.clone()))
                .unwrap_or_default(),
            is_active: w
                .is_active
                .or(existing.as_ref().map(|m| m.is_active))
                .unwrap_or(true),
            created: existing.as_ref().and_then(|m| m.created).or(Some(now)),
            modified: Some(now),
            version: existing.as_ref().map_or(0, |m| m.version),
        };
        let mut changeset = Changeset::new(operation.id(), now);
        changeset.put(format!("{operation}:{uuid}"), &mapping)?;
        self.commit(&changeset, false).await?;
        let customers: Vec<Customer> = self.scan_all(Map::new()).await?;
        let mut view = mapping_view(&mapping, &customers, base);
        Ok(if operation == Operation::CustomerMappingsCreate {
            // The create answer names settings and customer by uuid (the client's ArrowCustomerMappingCreate).
            view.settings = view.settings_uuid.clone();
            view.waldur_customer = view.waldur_customer_uuid.clone();
            answer(view, Some(201))
        } else {
            ok(view)
        })
    }

    /// destroy (204): the mapping only; its billing syncs and invoice items stay (see the module).
    pub(crate) async fn destroy_customer_mapping(&self, uuid: &str) -> Result<OperationResult> {
        let mapping = self.customer_mapping(uuid).await?;
        let mut changeset = Changeset::new(Operation::CustomerMappingsDestroy.id(), self.now()?);
        changeset.delete(format!("destroy:{uuid}"), &mapping);
        self.commit(&changeset, false).await?;
        Ok(answer(serde_json::Value::Null, Some(204)))
    }

    /// Every customer of Arrow's `GET customers`, page by page.
    pub(crate) async fn arrow_customers(
        &self,
        account: &ArrowAccount,
    ) -> Result<Vec<ArrowCustomer>> {
        let mut out = Vec::new();
        let mut page = 1;
        loop {
            let payload = self.vendor.api.customers(account, page, 100).await?;
            let (customers, pages) = parse_customers(&required_call(payload, "arrow.customers")?);
            let empty = customers.is_empty();
            out.extend(customers);
            if empty || page >= pages || page >= MAX_CUSTOMER_PAGES {
                return Ok(out);
            }
            page += 1;
        }
    }

    /// sync_from_arrow: the company names of the settings' active mappings, from Arrow's customers.
    pub(crate) async fn sync_customers_from_arrow(
        &self,
        r: &SyncFromArrowRequest,
    ) -> Result<CustomersSynced> {
        let settings = self.settings(r.settings_uuid.as_deref()).await?;
        let customers = self.arrow_customers(&account_of(&settings)).await?;
        let now = self.now()?;
        let mappings: Vec<CustomerMapping> = self.scan_all(Map::new()).await?;
        let mut changeset = Changeset::new(Operation::CustomerMappingsSyncFromArrow.id(), now);
        let mut updated = 0;
        for mut m in mappings
            .into_iter()
            .filter(|m| m.is_active && m.applies_to(&settings.uuid))
        {
            let Some(c) = customers.iter().find(|c| c.reference == m.arrow_reference) else {
                continue;
            };
            if !c.company_name.is_empty() && c.company_name != m.arrow_company_name {
                m.arrow_company_name = c.company_name.clone();
                m.modified = Some(now);
                changeset.put(format!("sync_from_arrow:{}", m.uuid), &m)?;
                updated += 1;
            }
        }
        self.commit(&changeset, false).await?;
        Ok(CustomersSynced { updated })
    }

    pub(crate) async fn host_customer_briefs(&self) -> Result<Vec<HostCustomerBrief>> {
        let customers: Vec<Customer> = self.scan_all(Map::new()).await?;
        Ok(customers
            .into_iter()
            .map(|c| HostCustomerBrief {
                uuid: c.uuid.to_string(),
                name: c.name,
            })
            .collect())
    }

    /// available_customers: the active settings' Arrow customers that no mapping (active or not: an
    /// inactive one would make a new one fail the unique check, defect 18) covers, with suggestions.
    pub(crate) async fn available_customers(&self) -> Result<AvailableCustomers> {
        let settings = self.settings(None).await?;
        let customers = self.arrow_customers(&account_of(&settings)).await?;
        let mappings: Vec<CustomerMapping> = self.scan_all(Map::new()).await?;
        let mapped = |reference: &str| {
            mappings
                .iter()
                .any(|m| m.applies_to(&settings.uuid) && m.arrow_reference == reference)
        };
        let available: Vec<ArrowCustomer> = customers
            .into_iter()
            .filter(|c| !mapped(&c.reference))
            .collect();
        let hosts = self.host_customer_briefs().await?;
        Ok(AvailableCustomers {
            settings_uuid: settings.uuid.to_string(),
            suggestions: suggestions(&available, &hosts, &mapped),
            arrow_customers: available,
            waldur_customers: hosts,
        })
    }
}
