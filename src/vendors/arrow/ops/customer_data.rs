//! A customer mapping's data: its billing summary (its own records and syncs, per currency), the current
//! month live from Arrow (fetch_arrow_data), and the licences Arrow has for it (discover_licenses).

use std::collections::BTreeMap;

use rust_decimal::Decimal;
use serde_json::{json, Map, Value};

use super::admin::{embedded, required_call};
use crate::engine::{Clock, Engine, Payload, Progress, Store};
use crate::error::{Error, Result};
use crate::ledger::{ConsumptionRecord, Customer, Resource};
use crate::money::render;
use crate::vendors::arrow::admin_views::{
    ArrowLicenseView, CustomerArrowData, CustomerBillingLine, CustomerBillingSummary,
    CustomerConsumptionLine, DiscoveredLicenses, LicenseSuggestion, ResourceForLinking,
    SummaryRecord, SummarySync,
};
use crate::vendors::arrow::billing_sync::BillingSync;
use crate::vendors::arrow::render::billing_period_date;
use crate::vendors::arrow::settings::{license_of, CustomerMapping};
use crate::vendors::arrow::wizard::{similarity, text_of};
use crate::vendors::arrow::{parse_consumption, parse_consumption_value, Arrow, ArrowApi};

/// How many recent records and syncs a summary lists.
const RECENT: usize = 20;
/// Licence pages discover_licenses reads (100 per page): 100,000 licences, and a page short of 100 ends it.
const MAX_LICENSE_PAGES: u32 = 1000;

/// Sums per currency, rendered: one currency as its amount, several as "12.00 EUR + 3.00 USD" (the
/// client's model wants a string; the exact sums per currency are in `by_currency`).
fn total(sums: &BTreeMap<String, Decimal>) -> Option<String> {
    match sums.len() {
        0 => None,
        1 => sums.values().next().map(|d| render(*d)),
        _ => Some(
            sums.iter()
                .map(|(c, d)| format!("{} {c}", render(*d)))
                .collect::<Vec<_>>()
                .join(" + "),
        ),
    }
}

/// A payload's currency, else the settings' (for payloads that name none), else ISO 4217's "no currency".
fn currency_of(currency: Option<crate::money::Currency>) -> String {
    currency.map_or_else(|| "XXX".to_owned(), |c| c.as_str().to_owned())
}

fn add(sums: &mut BTreeMap<String, Decimal>, currency: &str, amount: Decimal) -> Result<()> {
    let entry = sums.entry(currency.to_owned()).or_default();
    *entry = entry
        .checked_add(amount)
        .ok_or_else(|| Error::overflow("billing summary"))?;
    Ok(())
}

impl<S: Store, A: ArrowApi, C: Clock, P: Progress> Engine<S, Arrow<A>, C, P> {
    /// The mapping's own records: those of its customer whose licence one of its statements names, or,
    /// when it is its customer's only mapping, all of that customer's Arrow records. Two mappings on one
    /// customer never both count a record (defect 5).
    async fn records_of_mapping(
        &self,
        mapping: &CustomerMapping,
        syncs: &[BillingSync],
    ) -> Result<(Vec<ConsumptionRecord>, Vec<Resource>)> {
        let hosts = self.hosts().await?;
        let mappings: Vec<CustomerMapping> = self.scan_all(Map::new()).await?;
        let sole = mappings
            .iter()
            .filter(|m| m.customer_uuid == mapping.customer_uuid)
            .count()
            <= 1;
        let licences: std::collections::BTreeSet<&str> = syncs
            .iter()
            .flat_map(|s| s.items.iter())
            .map(|i| i.license_reference.trim())
            .filter(|l| !l.is_empty())
            .collect();
        let records = self.arrow_records(Map::new()).await?;
        let of_customer = |r: &ConsumptionRecord| {
            hosts.customer_uuid_of_resource(&r.resource_uuid) == Some(&mapping.customer_uuid)
        };
        let mine = records
            .into_iter()
            .filter(|r| of_customer(r) && (sole || licences.contains(r.source_ref.trim())))
            .collect();
        let resources = hosts
            .resources()
            .filter(|r| hosts.customer_uuid_of_resource(&r.uuid) == Some(&mapping.customer_uuid))
            .cloned()
            .collect();
        Ok((mine, resources))
    }

    async fn customer_name(&self, mapping: &CustomerMapping) -> Result<String> {
        Ok(self
            .get::<Customer>(mapping.customer_uuid.as_str())
            .await?
            .map(|c| c.name)
            .unwrap_or_default())
    }

    pub(crate) async fn customer_billing_summary(
        &self,
        uuid: &str,
    ) -> Result<CustomerBillingSummary> {
        let mapping = self.customer_mapping(uuid).await?;
        let mut filters = Map::new();
        filters.insert("customer_mapping_uuid".into(), json!(mapping.uuid));
        let mut syncs: Vec<BillingSync> = self.scan_all(filters).await?;
        let (mut records, resources) = self.records_of_mapping(&mapping, &syncs).await?;
        let (mut consumed, mut finals, mut billed) =
            (BTreeMap::new(), BTreeMap::new(), BTreeMap::new());
        for r in &records {
            add(&mut consumed, r.currency.as_str(), r.consumed_sell)?;
            if let Some(f) = r.final_sell {
                add(&mut finals, r.currency.as_str(), f)?;
            }
        }
        for s in &syncs {
            add(&mut billed, s.currency.as_str(), s.sell_total)?;
        }
        let mut by_currency = Map::new();
        for c in consumed.keys().chain(billed.keys()) {
            by_currency.insert(
                c.clone(),
                json!({
                    "consumed_sell": render(consumed.get(c).copied().unwrap_or_default()),
                    "final_sell": finals.get(c).map(|d| render(*d)),
                    "billing_sell": billed.get(c).map(|d| render(*d)),
                }),
            );
        }
        crate::sort::sort_by(&mut records, |a, b| {
            b.billing_period
                .cmp(&a.billing_period)
                .then(b.created.cmp(&a.created))
                .then(a.uuid.cmp(&b.uuid))
        });
        crate::sort::sort_by(&mut syncs, |a, b| {
            b.report_period
                .cmp(&a.report_period)
                .then(b.created.cmp(&a.created))
                .then(a.uuid.cmp(&b.uuid))
        });
        let name_of = |r: &ConsumptionRecord| {
            resources
                .iter()
                .find(|x| x.uuid == r.resource_uuid)
                .map(|x| x.name.clone())
        };
        Ok(CustomerBillingSummary {
            customer_mapping_uuid: mapping.uuid.to_string(),
            arrow_reference: mapping.arrow_reference.clone(),
            arrow_company_name: mapping.arrow_company_name.clone(),
            waldur_customer_uuid: mapping.customer_uuid.to_string(),
            waldur_customer_name: self.customer_name(&mapping).await?,
            total_consumption_records: records.len(),
            total_consumed_sell: total(&consumed).unwrap_or_else(|| "0.00".into()),
            total_final_sell: total(&finals),
            pending_records: records.iter().filter(|r| !r.is_finalized()).count(),
            finalized_records: records.iter().filter(|r| r.is_finalized()).count(),
            reconciled_records: records.iter().filter(|r| r.is_reconciled()).count(),
            total_billing_syncs: syncs.len(),
            total_billing_sell: total(&billed),
            by_currency,
            recent_consumption_records: records
                .iter()
                .take(RECENT)
                .map(|r| SummaryRecord {
                    uuid: r.uuid.to_string(),
                    license_reference: r.source_ref.clone(),
                    resource_name: name_of(r),
                    billing_period: billing_period_date(r.billing_period),
                    consumed_sell: render(r.consumed_sell),
                    final_sell: r.final_sell.map(render),
                    is_finalized: r.is_finalized(),
                    is_reconciled: r.is_reconciled(),
                })
                .collect(),
            recent_billing_syncs: syncs
                .iter()
                .take(RECENT)
                .map(|s| SummarySync {
                    uuid: s.uuid.to_string(),
                    report_period: s.report_period.to_string(),
                    state: s.state.code().to_string(),
                    sell_total: Some(render(s.sell_total)),
                    items_count: s.items.len(),
                    created: s.created.to_string(),
                })
                .collect(),
        })
    }

    /// fetch_arrow_data: this month's export lines of the mapping's Arrow customer (by reference, or by
    /// company name when a line has no reference), and the consumption of each of its licensed resources.
    /// An Arrow failure is embedded in `error`; an unparseable price is a 502 naming its row (defect 6).
    pub(crate) async fn fetch_customer_arrow_data(&self, uuid: &str) -> Result<CustomerArrowData> {
        let mapping = self.customer_mapping(uuid).await?;
        let settings = self
            .settings(mapping.settings_uuid.map(|s| s.to_string()).as_deref())
            .await?;
        let period = self.current_period()?;
        let mut error = None;
        let mut billing_lines = Vec::new();
        let (mut sell, mut buy) = (BTreeMap::new(), BTreeMap::new());
        match self
            .export(&settings, period, period, "fetch_arrow_data")
            .await
        {
            Ok(export) => {
                for page in &export.pages {
                    for line in &page.lines {
                        let ours = match line.customer_reference.as_deref() {
                            Some(r) if !r.trim().is_empty() => r.trim() == mapping.arrow_reference,
                            _ => {
                                !mapping.arrow_company_name.is_empty()
                                    && line.customer_name.trim() == mapping.arrow_company_name
                            }
                        };
                        if !ours {
                            continue;
                        }
                        let currency = currency_of(line.currency.or(settings.currency));
                        add(&mut sell, &currency, line.sell)?;
                        add(&mut buy, &currency, line.buy)?;
                        let raw = Value::Object(page.raw_data(line));
                        billing_lines.push(CustomerBillingLine {
                            vendor_name: line.vendor_name.clone().unwrap_or_default(),
                            subscription_reference: line.vendor_subscription_id.clone(),
                            license_reference: line.license_reference.clone().unwrap_or_default(),
                            offer_sku: text_of(&raw, &["Arrow SKU"]),
                            classification: line.classification.clone(),
                            quantity: line.quantity.map(|q| q.round_dp(4).to_string()),
                            sell_price: Some(render(line.sell)),
                            buy_price: Some(render(line.buy)),
                        });
                    }
                }
            }
            Err(e) => error = Some(embedded(e)?),
        }
        let hosts = self.hosts().await?;
        let resources: Vec<&Resource> = hosts
            .resources()
            .filter(|r| hosts.customer_uuid_of_resource(&r.uuid) == Some(&mapping.customer_uuid))
            .collect();
        let mut consumption_lines = Vec::new();
        let (mut csell, mut cbuy) = (BTreeMap::new(), BTreeMap::new());
        for resource in resources.iter().filter(|r| license_of(r).is_some()) {
            let licence = license_of(resource).unwrap_or_default().to_owned();
            let mut line = CustomerConsumptionLine {
                license_reference: licence.clone(),
                resource_name: Some(resource.name.clone()),
                resource_uuid: Some(resource.uuid.to_string()),
                period: period.to_string(),
                sell_price: None,
                buy_price: None,
                error: None,
            };
            match self.vendor.api.consumption(&licence, period, period).await {
                Ok(payload) => {
                    let page = match payload {
                        Payload::Text(t) => parse_consumption(&t),
                        Payload::Json(v) => parse_consumption_value(&v),
                    }?;
                    let (mut s, mut b) = (Decimal::ZERO, Decimal::ZERO);
                    for l in &page.lines {
                        s = s
                            .checked_add(l.sell)
                            .ok_or_else(|| Error::overflow("consumption"))?;
                        b = b
                            .checked_add(l.buy)
                            .ok_or_else(|| Error::overflow("consumption"))?;
                    }
                    let currency = currency_of(
                        page.lines
                            .iter()
                            .find_map(|l| l.currency)
                            .or(settings.currency),
                    );
                    add(&mut csell, &currency, s)?;
                    add(&mut cbuy, &currency, b)?;
                    line.sell_price = Some(render(s));
                    line.buy_price = Some(render(b));
                }
                Err(e) => line.error = Some(embedded(e)?),
            }
            consumption_lines.push(line);
        }
        let matched = resources
            .iter()
            .filter(|r| {
                billing_lines.iter().any(|l| {
                    (!r.backend_id.is_empty() && l.subscription_reference == r.backend_id)
                        || license_of(r).is_some_and(|x| x == l.license_reference)
                })
            })
            .count();
        Ok(CustomerArrowData {
            customer_mapping_uuid: mapping.uuid.to_string(),
            arrow_reference: mapping.arrow_reference.clone(),
            arrow_company_name: mapping.arrow_company_name.clone(),
            waldur_customer_name: self.customer_name(&mapping).await?,
            period: period.to_string(),
            billing_available: !billing_lines.is_empty(),
            billing_total_sell: total(&sell),
            billing_total_buy: total(&buy),
            billing_lines,
            consumption_total_sell: total(&csell),
            consumption_total_buy: total(&cbuy),
            consumption_lines,
            total_customer_resources: resources.len(),
            resources_with_backend_id: resources
                .iter()
                .filter(|r| !r.backend_id.is_empty())
                .count(),
            matched_resources: matched,
            error,
        })
    }

    /// discover_licenses: Arrow's licences of the mapping's customer (every page, until a short one),
    /// the customer's resources, and a licence suggested for each resource that has none yet.
    pub(crate) async fn discover_licenses(&self, uuid: &str) -> Result<DiscoveredLicenses> {
        let mapping = self.customer_mapping(uuid).await?;
        let mut arrow_licenses = Vec::new();
        let mut error = None;
        let mut page = 1;
        loop {
            let payload = match self.vendor.api.licenses(page, 100).await {
                Ok(p) => required_call(Some(p), "arrow.licenses")?,
                Err(e) => {
                    error = Some(embedded(e)?);
                    break;
                }
            };
            let list = payload
                .get("data")
                .and_then(|d| d.get("licenses"))
                .and_then(Value::as_array)
                .cloned()
                .unwrap_or_default();
            let short = list.len() < 100;
            for l in &list {
                let customer = text_of(l, &["customer_ref", "customerRef", "customer_reference"]);
                if customer != mapping.arrow_reference {
                    continue;
                }
                arrow_licenses.push(ArrowLicenseView {
                    license_reference: text_of(l, &["license_id", "reference", "licenseId"]),
                    vendor_name: text_of(l, &["vendor_name", "service_ref", "vendorName"]),
                    offer_name: text_of(l, &["offer", "name", "offer_name"]),
                    offer_sku: text_of(l, &["sku", "offer_sku"]),
                    friendly_name: text_of(l, &["friendlyName", "friendly_name"]),
                });
            }
            if short || page >= MAX_LICENSE_PAGES {
                break;
            }
            page += 1;
        }
        let hosts = self.hosts().await?;
        let resources: Vec<&Resource> = hosts
            .resources()
            .filter(|r| hosts.customer_uuid_of_resource(&r.uuid) == Some(&mapping.customer_uuid))
            .collect();
        let mut suggestions = Vec::new();
        for r in resources.iter().filter(|r| license_of(r).is_none()) {
            let best = arrow_licenses
                .iter()
                .map(|l| {
                    (
                        similarity(&r.name, &l.friendly_name)
                            .max(similarity(&r.name, &l.offer_name)),
                        l,
                    )
                })
                .filter(|(c, _)| *c > 0.4)
                .fold(
                    None::<(f64, &ArrowLicenseView)>,
                    |best, (c, l)| match best {
                        Some((b, _)) if b >= c => best,
                        _ => Some((c, l)),
                    },
                );
            if let Some((confidence, l)) = best {
                suggestions.push(LicenseSuggestion {
                    resource_uuid: r.uuid.to_string(),
                    resource_name: r.name.clone(),
                    license_reference: l.license_reference.clone(),
                    license_name: l.friendly_name.clone(),
                    confidence,
                });
            }
        }
        let waldur_resources = resources
            .iter()
            .map(|r| ResourceForLinking {
                uuid: r.uuid.to_string(),
                name: r.name.clone(),
                backend_id: r.backend_id.clone(),
                license_reference: license_of(r).unwrap_or_default().to_owned(),
                project_name: hosts
                    .project(&r.project_uuid)
                    .map(|p| p.name.clone())
                    .unwrap_or_default(),
                offering_name: String::new(),
                state: r.state.clone(),
            })
            .collect();
        Ok(DiscoveredLicenses {
            customer_mapping_uuid: mapping.uuid.to_string(),
            arrow_reference: mapping.arrow_reference.clone(),
            waldur_customer_name: self.customer_name(&mapping).await?,
            arrow_licenses,
            waldur_resources,
            suggestions,
            error,
        })
    }
}
