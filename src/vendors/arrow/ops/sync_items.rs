//! billing-sync-items: the items every billing sync already holds, flattened, newest first.

use serde_json::Map;

use super::admin::{contains, listed};
use crate::engine::{Clock, Engine, Progress, Store};
use crate::error::{Error, Result};
use crate::money::{render, render_exact};
use crate::rest::http::OperationResult;
use crate::vendors::arrow::admin_views::{uuid_or_nil, BillingSyncItemDetail};
use crate::vendors::arrow::billing_sync::{BillingSync, BillingSyncItem};
use crate::vendors::arrow::render::billing_sync_url;
use crate::vendors::arrow::validate::BillingSyncItemQuery;
use crate::vendors::arrow::{Arrow, ArrowApi};

fn item_url(base: &str, uuid: &crate::ids::Uuid) -> String {
    format!("{base}/api/admin/arrow/billing-sync-items/{uuid}/")
}

fn detail(sync: &BillingSync, item: &BillingSyncItem, base: &str) -> BillingSyncItemDetail {
    BillingSyncItemDetail {
        uuid: item.uuid.to_string(),
        url: item_url(base, &item.uuid),
        billing_sync: billing_sync_url(base, &sync.uuid),
        billing_sync_uuid: sync.uuid.to_string(),
        report_period: sync.report_period.to_string(),
        arrow_line_reference: item.arrow_line_reference.clone(),
        invoice_item_uuid: uuid_or_nil(item.invoice_item_uuid.as_ref()),
        original_price: render(item.original_price),
        compensation_item_uuid: uuid_or_nil(item.compensation_item_uuid.as_ref()),
        has_compensation: item.compensation_item_uuid.is_some(),
        vendor_name: item.vendor_name.clone(),
        subscription_reference: item.subscription_reference.clone(),
        classification: item.classification.clone(),
        description: item.description.clone(),
        quantity: render_exact(item.quantity),
        created: item.created.to_string(),
    }
}

fn matches(
    q: &BillingSyncItemQuery,
    sync: &BillingSync,
    item: &BillingSyncItem,
    base: &str,
) -> bool {
    q.billing_sync.as_deref().is_none_or(|u| {
        u.trim_end_matches('/') == billing_sync_url(base, &sync.uuid).trim_end_matches('/')
    }) && q
        .billing_sync_uuid
        .as_deref()
        .is_none_or(|u| u == sync.uuid.as_str())
        && q.report_period.is_none_or(|p| p == sync.report_period)
        && contains(&item.vendor_name, q.vendor_name.as_ref())
        && q.classification
            .as_deref()
            .is_none_or(|c| c == item.classification)
        && contains(
            &item.subscription_reference,
            q.subscription_reference.as_ref(),
        )
        && contains(&item.arrow_line_reference, q.arrow_line_reference.as_ref())
        && q.has_compensation
            .is_none_or(|h| h == item.compensation_item_uuid.is_some())
}

impl<S: Store, A: ArrowApi, C: Clock, P: Progress> Engine<S, Arrow<A>, C, P> {
    pub(crate) async fn list_billing_sync_items(
        &self,
        q: &BillingSyncItemQuery,
        base: &str,
        url: &str,
    ) -> Result<OperationResult> {
        let syncs: Vec<BillingSync> = self.scan_all(Map::new()).await?;
        let mut rows: Vec<BillingSyncItemDetail> = syncs
            .iter()
            .flat_map(|s| s.items.iter().map(move |i| (s, i)))
            .filter(|(s, i)| matches(q, s, i, base))
            .map(|(s, i)| detail(s, i, base))
            .collect();
        // -created, then uuid: a total order, so pages never overlap.
        crate::sort::sort_by(&mut rows, |a, b| {
            b.created.cmp(&a.created).then_with(|| a.uuid.cmp(&b.uuid))
        });
        listed(&rows, q.page, q.page_size, url)
    }

    pub(crate) async fn retrieve_billing_sync_item(
        &self,
        uuid: &str,
        base: &str,
    ) -> Result<BillingSyncItemDetail> {
        let syncs: Vec<BillingSync> = self.scan_all(Map::new()).await?;
        syncs
            .iter()
            .find_map(|s| {
                s.items
                    .iter()
                    .find(|i| i.uuid.as_str() == uuid)
                    .map(|i| detail(s, i, base))
            })
            .ok_or_else(|| Error::not_found(format!("billing sync item {uuid}")))
    }
}
