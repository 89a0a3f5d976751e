//! link_resource and import_license: a licence put on a host resource.
//!
//! link_resource sets both `backend_id` and the licence attribute the consumption sync and the statement
//! lines read (defect 3: the reference sets only backend_id, so a linked resource never syncs), and
//! refuses a licence that is already another resource's (defect 4). import_license asks the host to create
//! the resource ([`ArrowApi::import_license`]): creating resources is the host's business. It refuses a
//! licence already on any resource, whatever its offering (defect 2), and answers 200, as the official
//! client expects.

use serde_json::{json, Map, Value};

use crate::engine::{Clock, Engine, Progress, Store};
use crate::error::{Error, Result};
use crate::ids::Uuid;
use crate::ledger::changeset::Changeset;
use crate::ledger::{Project, Resource};
use crate::vendors::arrow::admin_views::{ImportedLicense, LinkedResource};
use crate::vendors::arrow::port::{not_implemented, LicenseImport};
use crate::vendors::arrow::settings::{license_of, license_reference, LICENSE_ATTRIBUTE};
use crate::vendors::arrow::validate::{ImportLicenseRequest, LinkResourceRequest, Operation};
use crate::vendors::arrow::vendor_mapping::Offering;
use crate::vendors::arrow::wizard::{payload_json, text_of};
use crate::vendors::arrow::{Arrow, ArrowApi};

/// The resource that already carries `licence` (as its licence attribute or its backend_id), other than
/// `except`.
fn holder<'a>(
    resources: &'a [Resource],
    licence: &str,
    except: Option<&Uuid>,
) -> Option<&'a Resource> {
    let licence = license_reference(licence);
    resources.iter().find(|r| {
        Some(&r.uuid) != except
            && (license_of(r).as_deref() == Some(licence.as_str())
                || license_reference(&r.backend_id) == licence)
    })
}

impl<S: Store, A: ArrowApi, C: Clock, P: Progress> Engine<S, Arrow<A>, C, P> {
    pub(crate) async fn link_resource(&self, r: &LinkResourceRequest) -> Result<LinkedResource> {
        let mapping = self.customer_mapping(&r.uuid).await?;
        let hosts = self.hosts().await?;
        let resource = hosts
            .resource(&Uuid::parse_field(&r.resource_uuid, "resource_uuid")?)
            .filter(|x| hosts.customer_uuid_of_resource(&x.uuid) == Some(&mapping.customer_uuid))
            .cloned()
            .ok_or_else(|| {
                Error::not_found(format!("resource {} of this customer", r.resource_uuid))
            })?;
        let all: Vec<Resource> = hosts.resources().cloned().collect();
        if let Some(other) = holder(&all, &r.license_reference, Some(&resource.uuid)) {
            return Err(Error::field(
                "license_reference",
                format!(
                    "License {} is already on resource {} ({}).",
                    r.license_reference, other.uuid, other.name
                ),
            ));
        }
        let previous = resource.backend_id.clone();
        let mut linked = resource.clone();
        linked.backend_id = r.license_reference.clone();
        linked.attributes.insert(
            LICENSE_ATTRIBUTE.to_owned(),
            Value::String(r.license_reference.clone()),
        );
        let mut changeset =
            Changeset::new(Operation::CustomerMappingsLinkResource.id(), self.now()?);
        changeset.put(format!("link:{}", linked.uuid), &linked)?;
        self.commit(&changeset, false).await?;
        Ok(LinkedResource {
            resource_uuid: linked.uuid.to_string(),
            resource_name: linked.name,
            license_reference: r.license_reference.clone(),
            previous_backend_id: previous,
            success: true,
        })
    }

    pub(crate) async fn import_license(&self, r: &ImportLicenseRequest) -> Result<ImportedLicense> {
        let mapping = self.customer_mapping(&r.uuid).await?;
        let offering: Offering = self
            .get(&r.offering_uuid)
            .await?
            .ok_or_else(|| Error::not_found(format!("offering {}", r.offering_uuid)))?;
        let project: Project = self
            .get::<Project>(&r.project_uuid)
            .await?
            .filter(|p| p.customer_uuid == mapping.customer_uuid)
            .ok_or_else(|| {
                Error::not_found(format!("project {} of this customer", r.project_uuid))
            })?;
        let resources: Vec<Resource> = self.scan_all(Map::new()).await?;
        if let Some(other) = holder(&resources, &r.license_reference, None) {
            return Err(Error::field(
                "license_reference",
                format!(
                    "License {} has already been imported (resource {}).",
                    r.license_reference, other.uuid
                ),
            ));
        }
        let import = LicenseImport {
            license_reference: r.license_reference.clone(),
            license_name: r
                .license_name
                .clone()
                .unwrap_or_else(|| r.license_reference.clone()),
            offering_uuid: offering.uuid,
            project_uuid: project.uuid,
            customer_uuid: mapping.customer_uuid,
            license_attribute: LICENSE_ATTRIBUTE,
        };
        let created = self
            .vendor
            .api
            .import_license(&import)
            .await?
            .ok_or_else(|| not_implemented("host.importLicense"))?;
        let row = payload_json(created, "host.importLicense")?;
        let uuid = text_of(&row, &["uuid"]);
        let uuid = Uuid::parse(&uuid).ok_or_else(|| Error::AdapterFailed {
            call: "host.importLicense".into(),
            message: format!("it answered no resource uuid: {}", json!(row)),
        })?;
        let name = text_of(&row, &["name"]);
        Ok(ImportedLicense {
            resource_uuid: uuid.to_string(),
            resource_name: if name.is_empty() {
                import.license_name
            } else {
                name
            },
            license_reference: r.license_reference.clone(),
            offering_name: offering.name,
            project_name: project.name,
            success: true,
        })
    }
}
