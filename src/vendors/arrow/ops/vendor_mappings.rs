//! vendor-offering-mappings: CRUD, and the vendor names an operator can choose from (vendor_choices).
//! The plan must be one of the offering's on every write, create or update (defect 12 checks it on create
//! only), and it is required: a mapping without one would render `plan_uuid: null`, which the official
//! client cannot parse.

use std::collections::BTreeSet;

use serde_json::{Map, Value};

use super::admin::{account_of, answer, contains, listed, ok, required_call};
use super::customer_mappings::settings_url;
use crate::engine::{Clock, Engine, Progress, Store};
use crate::error::{Error, Result};
use crate::ids::Uuid;
use crate::ledger::changeset::Changeset;
use crate::rest::http::OperationResult;
use crate::vendors::arrow::admin_views::{VendorNameChoice, VendorOfferingMappingView};
use crate::vendors::arrow::billing_sync::BillingSync;
use crate::vendors::arrow::settings::ArrowSettings;
use crate::vendors::arrow::validate::{
    Operation, SyncFromArrowRequest, VendorMappingQuery, VendorMappingWrite,
};
use crate::vendors::arrow::vendor_mapping::{Offering, Plan, VendorOfferingMapping};
use crate::vendors::arrow::wizard::text_of;
use crate::vendors::arrow::{Arrow, ArrowApi};

fn view(
    m: &VendorOfferingMapping,
    offerings: &[Offering],
    plans: &[Plan],
    base: &str,
) -> VendorOfferingMappingView {
    let offering = offerings.iter().find(|o| o.uuid == m.offering_uuid);
    let plan = plans.iter().find(|p| p.uuid == m.plan_uuid);
    VendorOfferingMappingView {
        uuid: m.uuid.to_string(),
        url: format!(
            "{base}/api/admin/arrow/vendor-offering-mappings/{}/",
            m.uuid
        ),
        settings: settings_url(base, &m.settings_uuid),
        settings_uuid: m.settings_uuid.to_string(),
        arrow_vendor_name: m.arrow_vendor_name.clone(),
        offering: m.offering_uuid.to_string(),
        offering_uuid: m.offering_uuid.to_string(),
        offering_name: offering.map(|o| o.name.clone()).unwrap_or_default(),
        offering_type: offering
            .map(|o| o.offering_type.clone())
            .unwrap_or_default(),
        plan: m.plan_uuid.to_string(),
        plan_uuid: m.plan_uuid.to_string(),
        plan_name: plan.map(|p| p.name.clone()).unwrap_or_default(),
        is_active: m.is_active,
        created: m.created.to_string(),
        modified: m.modified.to_string(),
    }
}

fn does_not_exist(field: &str, pk: &str) -> Error {
    Error::field(
        field,
        format!("Invalid pk \"{pk}\" - object does not exist."),
    )
}

impl<S: Store, A: ArrowApi, C: Clock, P: Progress> Engine<S, Arrow<A>, C, P> {
    async fn vendor_mapping(&self, uuid: &str) -> Result<VendorOfferingMapping> {
        self.get(uuid)
            .await?
            .ok_or_else(|| Error::not_found(format!("vendor offering mapping {uuid}")))
    }

    async fn catalog(&self) -> Result<(Vec<Offering>, Vec<Plan>)> {
        Ok((
            self.scan_all(Map::new()).await?,
            self.scan_all(Map::new()).await?,
        ))
    }

    pub(crate) async fn list_vendor_mappings(
        &self,
        q: &VendorMappingQuery,
        base: &str,
        url: &str,
    ) -> Result<OperationResult> {
        let all: Vec<VendorOfferingMapping> = self.scan_all(Map::new()).await?;
        let (offerings, plans) = self.catalog().await?;
        let mut rows: Vec<VendorOfferingMappingView> = all
            .iter()
            .map(|m| view(m, &offerings, &plans, base))
            .filter(|v| {
                q.settings.as_deref().is_none_or(|s| s == v.settings)
                    && q.settings_uuid
                        .as_deref()
                        .is_none_or(|s| s == v.settings_uuid)
                    && contains(&v.arrow_vendor_name, q.arrow_vendor_name.as_ref())
                    && q.offering
                        .as_deref()
                        .is_none_or(|o| o.trim_end_matches('/').ends_with(&v.offering_uuid))
                    && q.offering_uuid
                        .as_deref()
                        .is_none_or(|o| o == v.offering_uuid)
                    && q.is_active.is_none_or(|a| a == v.is_active)
            })
            .collect();
        crate::sort::sort_by(&mut rows, |a, b| {
            b.created.cmp(&a.created).then_with(|| a.uuid.cmp(&b.uuid))
        });
        listed(&rows, q.page, q.page_size, url)
    }

    pub(crate) async fn retrieve_vendor_mapping(
        &self,
        uuid: &str,
        base: &str,
    ) -> Result<VendorOfferingMappingView> {
        let m = self.vendor_mapping(uuid).await?;
        let (offerings, plans) = self.catalog().await?;
        Ok(view(&m, &offerings, &plans, base))
    }

    pub(crate) async fn write_vendor_mapping(
        &self,
        operation: Operation,
        w: &VendorMappingWrite,
        base: &str,
    ) -> Result<OperationResult> {
        let now = self.now()?;
        let existing = match w.uuid.as_deref() {
            Some(uuid) if operation != Operation::VendorMappingsCreate => {
                Some(self.vendor_mapping(uuid).await?)
            }
            _ => None,
        };
        let pick = |given: &Option<String>, held: Option<Uuid>, field: &str| -> Result<Uuid> {
            match (given, held) {
                (Some(v), _) => Uuid::parse_field(v, field),
                (None, Some(h)) => Ok(h),
                (None, None) => Err(Error::field(field, crate::fields::REQUIRED)),
            }
        };
        let settings = pick(
            &w.settings,
            existing.as_ref().map(|m| m.settings_uuid),
            "settings",
        )?;
        let offering = pick(
            &w.offering,
            existing.as_ref().map(|m| m.offering_uuid),
            "offering",
        )?;
        let plan = pick(&w.plan, existing.as_ref().map(|m| m.plan_uuid), "plan")?;
        if self
            .get::<ArrowSettings>(settings.as_str())
            .await?
            .is_none()
        {
            return Err(does_not_exist("settings", settings.as_str()));
        }
        let (offerings, plans) = self.catalog().await?;
        if !offerings.iter().any(|o| o.uuid == offering) {
            return Err(does_not_exist("offering", offering.as_str()));
        }
        match plans.iter().find(|p| p.uuid == plan) {
            None => return Err(does_not_exist("plan", plan.as_str())),
            Some(p) if p.offering_uuid != offering => {
                return Err(Error::field(
                    "plan",
                    "Plan must belong to the selected offering.",
                ))
            }
            Some(_) => {}
        }
        let vendor = w
            .arrow_vendor_name
            .clone()
            .or_else(|| existing.as_ref().map(|m| m.arrow_vendor_name.clone()))
            .ok_or_else(|| Error::field("arrow_vendor_name", crate::fields::REQUIRED))?;
        let uuid = existing.as_ref().map_or_else(
            || VendorOfferingMapping::uuid_of(&settings, &vendor),
            |m| m.uuid,
        );
        let all: Vec<VendorOfferingMapping> = self.scan_all(Map::new()).await?;
        let taken = all.iter().any(|m| {
            m.uuid != uuid
                && m.settings_uuid == settings
                && m.arrow_vendor_name.eq_ignore_ascii_case(&vendor)
        }) || (existing.is_none() && all.iter().any(|m| m.uuid == uuid));
        if taken {
            return Err(Error::field(
                crate::error::NON_FIELD_ERRORS,
                "The fields settings, arrow_vendor_name must make a unique set.",
            ));
        }
        let mapping = VendorOfferingMapping {
            uuid,
            settings_uuid: settings,
            arrow_vendor_name: vendor,
            offering_uuid: offering,
            plan_uuid: plan,
            is_active: w
                .is_active
                .or(existing.as_ref().map(|m| m.is_active))
                .unwrap_or(true),
            created: existing.as_ref().map_or(now, |m| m.created),
            modified: now,
            version: existing.as_ref().map_or(0, |m| m.version),
        };
        let mut changeset = Changeset::new(operation.id(), now);
        changeset.put(format!("{operation}:{uuid}"), &mapping)?;
        self.commit(&changeset, false).await?;
        let mut view = view(&mapping, &offerings, &plans, base);
        Ok(if operation == Operation::VendorMappingsCreate {
            // The create answer names the settings by uuid (the client's ArrowVendorOfferingMappingCreate).
            view.settings = view.settings_uuid.clone();
            answer(view, Some(201))
        } else {
            ok(view)
        })
    }

    pub(crate) async fn destroy_vendor_mapping(&self, uuid: &str) -> Result<OperationResult> {
        let m = self.vendor_mapping(uuid).await?;
        let mut changeset = Changeset::new(Operation::VendorMappingsDestroy.id(), self.now()?);
        changeset.delete(format!("destroy:{uuid}"), &m);
        self.commit(&changeset, false).await?;
        Ok(answer(Value::Null, Some(204)))
    }

    /// vendor_choices: the vendors of Arrow's IAAS catalog (the named or the active settings' account);
    /// when the adapter has no catalog call, or it fails, the vendor names of the stored statement lines.
    /// Sorted, not paginated.
    pub(crate) async fn vendor_choices(
        &self,
        r: &SyncFromArrowRequest,
    ) -> Result<Vec<VendorNameChoice>> {
        let settings = self.settings(r.settings_uuid.as_deref()).await.ok();
        let from_catalog = match &settings {
            Some(s) => match self
                .vendor
                .api
                .catalog_programs(&account_of(s), "IAAS")
                .await
            {
                Ok(Some(payload)) => {
                    let v = required_call(Some(payload), "arrow.catalogPrograms")?;
                    let data = v.get("data").unwrap_or(&v);
                    let list = data
                        .get("programs")
                        .unwrap_or(data)
                        .as_array()
                        .cloned()
                        .unwrap_or_default();
                    let names: BTreeSet<String> = list
                        .iter()
                        .map(|p| text_of(p, &["vendorName", "vendor", "name", "programName"]))
                        .filter(|n| !n.is_empty())
                        .collect();
                    Some(names)
                }
                _ => None,
            },
            None => None,
        };
        let names = match from_catalog {
            Some(names) => names,
            None => {
                let syncs: Vec<BillingSync> = self.scan_all(Map::new()).await?;
                syncs
                    .iter()
                    .flat_map(|s| s.items.iter())
                    .map(|i| i.vendor_name.trim().to_owned())
                    .filter(|n| !n.is_empty())
                    .collect()
            }
        };
        Ok(names
            .into_iter()
            .map(|n| VendorNameChoice {
                value: n.clone(),
                label: n,
            })
            .collect())
    }
}
