//! Objects the host owns and billsync reads: customers, projects and resources. A resource is the vendor's
//! unit (a licence, a SIM, a device) as the host knows it; each vendor says which attribute of it
//! names its source.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::ids::Uuid;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct Customer {
    pub uuid: Uuid,
    #[serde(default)]
    pub name: String,
    /// The version the store holds this row at (0: not read from the store). Not part of the row.
    #[serde(skip)]
    pub version: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct Project {
    pub uuid: Uuid,
    #[serde(default)]
    pub name: String,
    #[serde(alias = "customer")]
    pub customer_uuid: Uuid,
    /// The version the store holds this row at (0: not read from the store). Not part of the row.
    #[serde(skip)]
    pub version: u64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct Resource {
    pub uuid: Uuid,
    #[serde(default)]
    pub name: String,
    #[serde(alias = "project")]
    pub project_uuid: Uuid,
    #[serde(default, alias = "offering")]
    pub offering_uuid: Option<Uuid>,
    /// The vendor's id of the thing: a subscription id, an IMSI, a device id.
    #[serde(default)]
    pub backend_id: String,
    #[serde(default = "Resource::default_state")]
    pub state: String,
    /// Free-form attributes; each vendor reads its own.
    #[serde(default)]
    #[cfg_attr(test, ts(type = "Record<string, unknown>"))]
    pub attributes: serde_json::Map<String, serde_json::Value>,
    /// Usage figures sync_resources writes, per period ("YYYY-MM" → free-form report).
    #[serde(default, skip_serializing_if = "serde_json::Map::is_empty")]
    #[cfg_attr(test, ts(type = "Record<string, unknown>"))]
    pub current_usages: serde_json::Map<String, serde_json::Value>,
    /// The version the store holds this row at (0: not read from the store). Not part of the row.
    #[serde(skip)]
    pub version: u64,
}

impl Resource {
    fn default_state() -> String {
        "OK".to_owned()
    }

    /// Resources that consume and are billed: OK or being updated. Creating, erred, terminating and
    /// terminated ones are not synced.
    pub fn is_active(&self) -> bool {
        self.state.eq_ignore_ascii_case("ok") || self.state.eq_ignore_ascii_case("updating")
    }

    /// Whether the resource still stands for its consumption: anything but terminating or terminated (a
    /// deleted resource is not in the store at all). Only live resources' records own their unit's money.
    pub fn is_live(&self) -> bool {
        !(self.state.eq_ignore_ascii_case("terminated")
            || self.state.eq_ignore_ascii_case("terminating"))
    }

    /// A text attribute, trimmed; None when absent, blank or not a string.
    pub fn attribute(&self, name: &str) -> Option<&str> {
        self.attributes
            .get(name)
            .and_then(serde_json::Value::as_str)
            .map(str::trim)
            .filter(|r| !r.is_empty())
    }
}

crate::stored_row!(Customer, "customers");

crate::stored_row!(Project, "projects");

crate::stored_row!(Resource, "resources");

/// The host's customers, projects and resources, indexed by uuid: who owns a resource, and its names.
#[derive(Debug, Clone, Default)]
pub struct Hosts {
    customers: BTreeMap<Uuid, Customer>,
    projects: BTreeMap<Uuid, Project>,
    resources: BTreeMap<Uuid, Resource>,
}

impl Hosts {
    pub fn new(
        customers: impl IntoIterator<Item = Customer>,
        projects: impl IntoIterator<Item = Project>,
        resources: impl IntoIterator<Item = Resource>,
    ) -> Hosts {
        Hosts {
            customers: crate::sort::map_of(customers.into_iter().map(|c| (c.uuid, c))),
            projects: crate::sort::map_of(projects.into_iter().map(|p| (p.uuid, p))),
            resources: crate::sort::map_of(resources.into_iter().map(|r| (r.uuid, r))),
        }
    }

    /// Every resource, in uuid order.
    pub fn resources(&self) -> impl Iterator<Item = &Resource> {
        self.resources.values()
    }

    pub fn add_customer(&mut self, customer: Customer) {
        self.customers.insert(customer.uuid, customer);
    }

    pub fn add_project(&mut self, project: Project) {
        self.projects.insert(project.uuid, project);
    }

    pub fn add_resource(&mut self, resource: Resource) {
        self.resources.insert(resource.uuid, resource);
    }

    pub fn customer(&self, uuid: &Uuid) -> Option<&Customer> {
        self.customers.get(uuid)
    }

    pub fn project(&self, uuid: &Uuid) -> Option<&Project> {
        self.projects.get(uuid)
    }

    pub fn resource(&self, uuid: &Uuid) -> Option<&Resource> {
        self.resources.get(uuid)
    }

    /// The project a resource belongs to.
    pub fn project_of_resource(&self, resource: &Uuid) -> Option<&Project> {
        self.resource(resource)
            .and_then(|r| self.project(&r.project_uuid))
    }

    /// The customer owning a resource, through its project.
    pub fn customer_uuid_of_resource(&self, resource: &Uuid) -> Option<&Uuid> {
        self.project_of_resource(resource).map(|p| &p.customer_uuid)
    }
}
