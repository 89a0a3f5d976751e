//! Arrow's own operations on the engine: statements (billing syncs) and the calls that read Arrow directly.

mod admin;
mod consumption;
mod customer_data;
mod customer_mappings;
mod link_import;
mod settings_admin;
mod statement_filter;
mod statements;
mod sync_items;
mod vendor;
mod vendor_mappings;

use crate::engine::{Clock, Engine, Progress, Store};
use crate::error::Result;
use crate::period::Period;
use crate::vendors::arrow::ArrowApi;

use super::line::BilledLine;
use super::settings::ArrowSettings;
use super::vendor::{Arrow, Export};

impl<S: Store, A: ArrowApi, C: Clock, P: Progress> Engine<S, Arrow<A>, C, P> {
    /// Arrow's billing export for `from..=to`, every page, reporting each page as `operation`'s progress.
    pub(crate) async fn export(
        &self,
        settings: &ArrowSettings,
        from: Period,
        to: Period,
        operation: &str,
    ) -> Result<Export> {
        let report = |d: u64, t: u64, message: String| self.report(operation, d, t, message);
        self.vendor.export(settings, from, to, &report).await
    }

    /// The month's export lines, as reconciliation reads them, and the export's hash.
    pub(crate) async fn billed_lines(
        &self,
        settings: &ArrowSettings,
        period: Period,
        operation: &str,
    ) -> Result<(Vec<BilledLine>, String)> {
        let export = self.export(settings, period, period, operation).await?;
        let sha256 = export.sha256.clone();
        Ok((export.into_billed_lines(), sha256))
    }
}
