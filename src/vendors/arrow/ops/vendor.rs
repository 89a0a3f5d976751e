//! Operations that pass Arrow's data through (fetch_*) or mirror it onto host resources (sync_resources).

use std::collections::BTreeMap;

use rust_decimal::Decimal;
use serde_json::{json, Map, Value};

use crate::engine::{Clock, Engine, Payload, Progress, Store};
use crate::error::{Error, Result};
use crate::ids::Uuid;
use crate::ledger::changeset::Changeset;
use crate::money::{render_exact, Currency};
use crate::period::{Period, SYNC_RESOURCES_MONTHS};
use crate::vendors::arrow::records::{Customer, CustomerMapping, Project, Resource};
use crate::vendors::arrow::responses::{
    BillingExportResponse, ConsumptionFetchResponse, LicenseInfoResponse, ResourceSyncResponse,
};
use crate::vendors::arrow::settings::LICENSE_ATTRIBUTE;
use crate::vendors::arrow::validate::{
    BillingExportRequest, ConsumptionFetchRequest, LicenseInfoRequest, Operation,
    ResourceSyncRequest,
};
use crate::vendors::arrow::validate_template;
use crate::vendors::arrow::Arrow;
use crate::vendors::arrow::ArrowApi;

/// The project force_import puts a new customer's subscriptions in.
const IMPORT_PROJECT_NAME: &str = "Arrow Azure Subscriptions";

fn payload_value(payload: Payload, what: &str) -> Result<Value> {
    match payload {
        Payload::Json(v) => Ok(v),
        Payload::Text(t) => serde_json::from_str(&t).map_err(|e| Error::InvalidPayload {
            payload: what.to_owned(),
            offset: 0,
            reason: e.to_string(),
        }),
    }
}

/// Arrow's `{data: {headers, <rows_key>: [[...]]}}` as one object per row, keyed by header.
fn rows_as_objects(payload: &Value, rows_key: &str, what: &str) -> Result<Vec<Value>> {
    let data = payload.get("data").unwrap_or(&Value::Null);
    let bad = |reason: &str| Error::InvalidPayload {
        payload: what.to_owned(),
        offset: 0,
        reason: reason.to_owned(),
    };
    let headers: Vec<String> = data
        .get("headers")
        .and_then(Value::as_array)
        .ok_or_else(|| bad("data.headers is missing"))?
        .iter()
        .map(|h| {
            h.as_str()
                .map(str::to_owned)
                .unwrap_or_else(|| h.to_string())
        })
        .collect();
    let rows = match data.get(rows_key) {
        None | Some(Value::Null) => return Ok(Vec::new()),
        Some(Value::Array(rows)) => rows,
        Some(_) => return Err(bad(&format!("data.{rows_key} is not a list"))),
    };
    rows.iter()
        .map(|row| {
            let cells = row.as_array().ok_or_else(|| bad("a row is not a list"))?;
            Ok(Value::Object(
                headers.iter().cloned().zip(cells.iter().cloned()).collect(),
            ))
        })
        .collect()
}

/// Export rows of one Arrow subscription in one month, summed.
#[derive(Default)]
struct SubscriptionUsage {
    sell: Decimal,
    buy: Decimal,
    currency: Option<Currency>,
    lines: u64,
    customer_reference: String,
    customer_name: String,
    license_reference: String,
    name: String,
}

impl<S: Store, A: ArrowApi, C: Clock, P: Progress> Engine<S, Arrow<A>, C, P> {
    /// fetch_billing_export: Arrow's rows, one object per row; row_count is the number of rows (defect 12).
    pub async fn fetch_billing_export(&self, request: &BillingExportRequest) -> Result<Value> {
        let settings = self.settings(None).await?;
        let export = self
            .export(
                &settings,
                request.period_from,
                request.period_to,
                "fetch_billing_export",
            )
            .await?;
        let wanted = request.classification.as_deref().map(str::trim);
        let data: Vec<Value> = export
            .pages
            .iter()
            .flat_map(|page| page.lines.iter().map(move |line| (page, line)))
            .filter(|(_, line)| wanted.is_none_or(|c| line.classification.eq_ignore_ascii_case(c)))
            .map(|(page, line)| Value::Object(page.raw_data(line)))
            .collect();
        Ok(json!(BillingExportResponse {
            period_from: request.period_from,
            period_to: request.period_to,
            classification: request.classification.clone(),
            row_count: data.len(),
            data,
        }))
    }

    pub async fn fetch_consumption(&self, request: &ConsumptionFetchRequest) -> Result<Value> {
        let payload = self
            .vendor
            .api
            .consumption(&request.license_reference, request.period, request.period)
            .await?;
        let payload = payload_value(payload, "arrow consumption")?;
        let data = rows_as_objects(&payload, "lines", "arrow consumption")?;
        Ok(json!(ConsumptionFetchResponse {
            license_reference: request.license_reference.clone(),
            period: request.period,
            row_count: data.len(),
            data,
        }))
    }

    pub async fn fetch_license_info(&self, request: &LicenseInfoRequest) -> Result<Value> {
        let payload = payload_value(
            self.vendor.api.license(&request.license_reference).await?,
            "arrow license",
        )?;
        let data = match payload.get("data") {
            Some(data) => data.clone(),
            None => payload,
        };
        Ok(json!(LicenseInfoResponse { data }))
    }

    /// sync_resources: IAAS export rows summed per Vendor Subscription ID and month, written onto the host
    /// resources whose backend_id is that subscription; new resources (and with force_import, customers,
    /// projects and mappings) where the request allows.
    pub async fn sync_resources(
        &self,
        request: &ResourceSyncRequest,
        dry_run: bool,
    ) -> Result<Value> {
        self.with_retries("sync_resources", async || {
            self.sync_resources_once(request, dry_run).await
        })
        .await
    }

    async fn sync_resources_once(
        &self,
        request: &ResourceSyncRequest,
        dry_run: bool,
    ) -> Result<Value> {
        const OP: &str = "sync_resources";
        let current = self.current_period()?;
        let (default_from, default_to) = Period::sync_resources_default(current)?;
        if let Some(to) = request.period_to {
            self.check_billable(to, "period_to")?;
        }
        let to = request.period_to.unwrap_or(default_to);
        let from = request.period_from.unwrap_or(match request.period_to {
            Some(to) => to.window_ending(SYNC_RESOURCES_MONTHS)?.0,
            None => default_from,
        });
        let months = Period::range(from, to)?.len();
        if months > SYNC_RESOURCES_MONTHS as usize {
            return Err(Error::field(
                "period_from",
                format!("Arrow's billing export covers at most {SYNC_RESOURCES_MONTHS} months; {months} were asked for."),
            ));
        }
        let settings = self.settings(request.settings_uuid.as_deref()).await?;
        let lookup = self.lookup().await?;
        let offering = request
            .offering_uuid
            .as_deref()
            .map(|u| Uuid::parse_field(u, "offering_uuid"))
            .transpose()?;
        let project = match request.project_uuid.as_deref() {
            Some(u) => {
                let uuid = Uuid::parse_field(u, "project_uuid")?;
                Some(
                    lookup
                        .project(&uuid)
                        .cloned()
                        .ok_or_else(|| Error::not_found(format!("project {uuid}")))?,
                )
            }
            None => None,
        };
        let export = self.export(&settings, from, to, OP).await?;
        // Matching by subscription and filtering by classification need a usable template.
        for page in &export.pages {
            validate_template(&page.headers)?;
        }

        let mut usage: BTreeMap<(String, Period), SubscriptionUsage> = BTreeMap::new();
        for line in export.lines() {
            if !line
                .classification
                .eq_ignore_ascii_case(settings.classification_filter.trim())
            {
                continue;
            }
            let Some(period) = line
                .report_period
                .or(if from == to { Some(from) } else { None })
            else {
                continue;
            };
            let entry = usage
                .entry((line.vendor_subscription_id.clone(), period))
                .or_default();
            if let (Some(a), Some(b)) = (entry.currency, line.currency) {
                if a != b {
                    return Err(Error::CurrencyMismatch {
                        location: format!("subscription {}", line.vendor_subscription_id),
                        left: a.to_string(),
                        right: b.to_string(),
                    });
                }
            }
            entry.currency = entry.currency.or(line.currency);
            entry.sell = entry
                .sell
                .checked_add(line.sell)
                .ok_or_else(|| Error::overflow(OP))?;
            entry.buy = entry
                .buy
                .checked_add(line.buy)
                .ok_or_else(|| Error::overflow(OP))?;
            entry.lines += 1;
            entry.customer_reference = line.customer_reference.clone().unwrap_or_default();
            entry.customer_name = line.customer_name.clone();
            entry.license_reference = line.license_reference.clone().unwrap_or_default();
            entry.name = line
                .description
                .clone()
                .unwrap_or_else(|| line.vendor_subscription_id.clone());
        }

        let mut changeset = Changeset::new(Operation::SyncResources.id(), self.now()?);
        let mut counters = BTreeMap::<&str, u64>::new();
        let mut resources: BTreeMap<String, Resource> = lookup
            .resources()
            .map(|r| (r.backend_id.clone(), r.clone()))
            .collect();
        let mappings: BTreeMap<String, CustomerMapping> = lookup
            .mappings()
            .filter(|m| m.applies_to(&settings.uuid))
            .map(|m| (m.arrow_reference.clone(), m.clone()))
            .collect();
        let mut touched: BTreeMap<String, bool> = BTreeMap::new();
        let mut created_hosts: BTreeMap<String, ()> = BTreeMap::new();
        for ((subscription, period), u) in &usage {
            if subscription.trim().is_empty() {
                continue;
            }
            *counters.entry("synced").or_default() += 1;
            let report = json!({
                "sell": render_exact(u.sell),
                "buy": render_exact(u.buy),
                "currency": u.currency.unwrap_or_else(|| settings.currency.unwrap_or(Currency::XXX)),
                "lines": u.lines,
            });
            if let Some(resource) = resources.get_mut(subscription) {
                if resource.current_usages.get(&period.to_string()) != Some(&report) {
                    resource.current_usages.insert(period.to_string(), report);
                    touched.entry(subscription.clone()).or_insert(false);
                }
                continue;
            }
            // A new resource: where it goes.
            let project_uuid = if request.force_import {
                let natural = format!("{}|{}", settings.uuid, u.customer_reference);
                let customer_uuid = match mappings.get(&u.customer_reference) {
                    Some(m) => m.customer_uuid,
                    None => {
                        let customer_uuid = Uuid::derive("customer", &natural);
                        if created_hosts.insert(natural.clone(), ()).is_none() {
                            // Host objects of an import are created once; the host owns them after.
                            changeset.create(
                                format!("customer:{natural}"),
                                &Customer {
                                    uuid: customer_uuid,
                                    name: u.customer_name.clone(),
                                    version: 0,
                                },
                            )?;
                            changeset.create(
                                format!("customer_mapping:{natural}"),
                                &CustomerMapping {
                                    uuid: Uuid::derive("customer_mapping", &natural),
                                    settings_uuid: Some(settings.uuid),
                                    arrow_reference: u.customer_reference.clone(),
                                    customer_uuid,
                                    arrow_company_name: String::new(),
                                    is_active: true,
                                    created: None,
                                    modified: None,
                                    version: 0,
                                },
                            )?;
                            *counters.entry("customers_created").or_default() += 1;
                            *counters.entry("mappings_created").or_default() += 1;
                        }
                        customer_uuid
                    }
                };
                let project_uuid =
                    Uuid::derive("project", &format!("{customer_uuid}|{IMPORT_PROJECT_NAME}"));
                if lookup.project(&project_uuid).is_none()
                    && created_hosts.insert(project_uuid.to_string(), ()).is_none()
                {
                    changeset.create(
                        format!("project:{project_uuid}"),
                        &Project {
                            uuid: project_uuid,
                            name: IMPORT_PROJECT_NAME.to_owned(),
                            customer_uuid,
                            version: 0,
                        },
                    )?;
                    *counters.entry("projects_created").or_default() += 1;
                }
                project_uuid
            } else {
                match (&project, &offering) {
                    (Some(p), Some(_)) => p.uuid,
                    _ => continue,
                }
            };
            let mut current_usages = Map::new();
            current_usages.insert(period.to_string(), report);
            resources.insert(
                subscription.clone(),
                Resource {
                    uuid: Uuid::derive("resource", &format!("{}|{subscription}", settings.uuid)),
                    name: u.name.clone(),
                    project_uuid,
                    offering_uuid: offering,
                    backend_id: subscription.clone(),
                    state: "OK".to_owned(),
                    attributes: Some(u.license_reference.clone())
                        .filter(|l| !l.is_empty())
                        .map(|l| (LICENSE_ATTRIBUTE.to_owned(), json!(l)))
                        .into_iter()
                        .collect(),
                    current_usages,
                    version: 0,
                },
            );
            touched.insert(subscription.clone(), true);
        }
        for (subscription, is_new) in &touched {
            if let Some(resource) = resources.get(subscription) {
                *counters
                    .entry(if *is_new { "created" } else { "updated" })
                    .or_default() += 1;
                changeset.put(format!("resource:{}", resource.uuid), resource)?;
            }
        }
        self.commit(&changeset, dry_run).await?;
        let count = |k: &str| counters.get(k).copied().unwrap_or(0);
        Ok(json!(ResourceSyncResponse {
            synced: count("synced"),
            created: count("created"),
            updated: count("updated"),
            orders_created: 0,
            customers_created: count("customers_created"),
            projects_created: count("projects_created"),
            mappings_created: count("mappings_created"),
            invoices_created: 0,
            invoice_items_created: 0,
            errors: Vec::new(),
            dry_run: dry_run.then_some(true),
            changeset: dry_run.then_some(changeset),
        }))
    }
}
