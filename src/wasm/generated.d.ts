// GENERATED from the Rust types by src/typegen.rs (ts-rs): do not edit. Regenerate with `make types`.
/** Every code a BillsyncError can carry (src/error.rs). Stable: hosts may switch on them. */
export type BillsyncErrorCode = "invalid_period" | "invalid_timestamp" | "invalid_amount" | "invalid_currency" | "currency_mismatch" | "overflow" | "validation_failed" | "missing_column" | "invalid_cell" | "invalid_payload" | "not_found" | "illegal_transition" | "conflict" | "adapter_failed" | "store_failed" | "invalid_argument" | "payload_too_large" | "duplicate_line";

// Requests: what each engine method takes (validated and normalised as the REST API does).
/**
 * Filters of the billing-sync list. pending_records takes the same ones, as the seed documents it.
 */
export type BillingSyncQuery = { arrow_state?: string, 
/**
 * The customer mapping's URL, as the API renders it.
 */
customer_mapping?: string, customer_mapping_uuid?: string, page?: number, page_size?: number, report_period?: string, report_period_from?: string, report_period_to?: string, settings_uuid?: string, 
/**
 * 1..=4, see the billing sync's state.
 */
state?: number, statement_reference?: string, };
/**
 * Filters of the consumption-record list. The billing_period filters are dates ("YYYY-MM-DD", the first
 * of the month in stored records); "YYYY-MM" is also taken, as that month's first day.
 */
export type ConsumptionRecordQuery = { billing_period?: string, billing_period_from?: string, billing_period_to?: string, customer_uuid?: string, is_finalized?: boolean, is_reconciled?: boolean, license_reference?: string, page?: number, page_size?: number, project_uuid?: string, 
/**
 * The resource's URL, as the API renders it.
 */
resource?: string, resource_uuid?: string, };
/**
 * The `{uuid}` path parameter of a retrieve operation, given as `{"uuid": "..."}`. DRF answers a
 * malformed lookup with 404; this reports it as a field error and leaves the 404 to the REST handler.
 */
export type UuidLookup = { uuid: string, };
/**
 * fetch_billing_export: the raw export for a range of months, optionally one classification ("IAAS").
 */
export type BillingExportRequest = { period_from: string, period_to: string, classification?: string, };
/**
 * fetch_consumption: the raw consumption of one license in one month.
 */
export type ConsumptionFetchRequest = { license_reference: string, period: string, };
/**
 * fetch_license_info: Arrow's details of one license.
 */
export type LicenseInfoRequest = { license_reference: string, };
/**
 * sync_resource_historical_consumption: month by month over a range of one resource's consumption.
 *
 * A missing `period_from` / `period_to` stays None here: their defaults (12 months up to the current one,
 * see [`Period::historical_consumption_default`]) depend on the clock, which only the engine reads.
 */
export type HistoricalConsumptionRequest = { resource_uuid: string, period_from?: string, period_to?: string, };
/**
 * sync_resources: match Arrow IAAS subscriptions to resources, optionally creating what is missing.
 *
 * Missing periods stay None for the engine to default from the clock (6 months up to the current one,
 * see [`Period::sync_resources_default`]). Arrow's 6-month maximum is the engine's to enforce, since
 * it also applies to the defaulted range.
 */
export type ResourceSyncRequest = { period_from?: string, period_to?: string, settings_uuid?: string, offering_uuid?: string, project_uuid?: string, force_import?: boolean, };
/**
 * cleanup_consumption: delete matching consumption records. `dry_run` defaults to TRUE, so that a bare
 * request only previews what would go.
 */
export type CleanupConsumptionRequest = { period_from?: string, period_to?: string, resource_uuid?: string, only_finalized?: boolean, only_unfinalized?: boolean, dry_run?: boolean, };
/**
 * trigger_sync: read the month's billing export into billing syncs and invoice items.
 */
export type StatementSyncRequest = { settings_uuid?: string, year: number, month: number };
/**
 * trigger_consumption_sync: read the month's consumption, for every licensed resource or just one.
 */
export type ConsumptionSyncRequest = { settings_uuid?: string, resource_uuid?: string, year: number, month: number };
/**
 * reconcile (statement reconciliation) and trigger_reconciliation (consumption reconciliation): the two
 * take the same fields. `force` defaults to false.
 */
export type ReconciliationRequest = { settings_uuid?: string, force?: boolean, year: number, month: number };
/**
 * pause_sync and resume_sync: the seed uses one model for both. With neither field set, the engine
 * switches the active settings.
 */
export type SyncPauseRequest = { settings_uuid?: string, pause_global?: boolean, };
/**
 * consumption_statistics and consumption_status take no parameters. Unknown ones are ignored, as DRF
 * does; only the shape of the input is checked.
 */
export type NoParameters = Record<string, never>;
/**
 * A month's operation: `year` and `month`, the settings (the active ones if absent), and for a sync
 * optionally one resource, for a reconciliation `force`.
 */
export type SoracomMonthRequest = { settings_uuid?: string, resource_uuid?: string, force?: boolean, dry_run?: boolean, year: number, month: number };
/**
 * The list of consumption records: filters and the page.
 */
export type SoracomRecordQuery = { billing_period?: string, resource_uuid?: string, subscriber?: string, is_finalized?: boolean, is_reconciled?: boolean, page?: number, page_size?: number, };

// Records and settings: the rows of the store's tables.
export type ConsumptionRecord = { uuid: string, 
/**
 * The vendor whose unit this is: each vendor lists its own records.
 */
vendor: string, resource_uuid: string, 
/**
 * The vendor's unit the money is for: a licence, a SIM, a device.
 */
source_ref: string, billing_period: string, currency: string, consumed_sell: string, consumed_buy: string, final_sell: string | null, final_buy: string | null, invoice_item_uuid: string | null, compensation_item_uuid: string | null, last_sync_at: string | null, finalized_at: string | null, reconciled_at: string | null, raw_data: unknown, created: string, modified: string, };
export type InvoiceItemKind = "provisional" | "consumption_compensation" | "statement_line" | "statement_compensation";
export type InvoiceItem = { uuid: string, invoice_uuid: string, customer_uuid: string, project_uuid: string | null, resource_uuid: string | null, 
/**
 * The month of the invoice this item is on.
 */
billing_period: string, kind: InvoiceItemKind, 
/**
 * What the money is for: a consumption record's or a vendor document line's natural key.
 */
source_key: string, name: string, unit_price: string, quantity: string, currency: string, details: unknown, created: string, modified: string, };
export type Customer = { uuid: string, name: string, };
export type Project = { uuid: string, name: string, customer_uuid: string, };
export type Resource = { uuid: string, name: string, project_uuid: string, offering_uuid: string | null, 
/**
 * The vendor's id of the thing: a subscription id, an IMSI, a device id.
 */
backend_id: string, state: string, 
/**
 * Free-form attributes; each vendor reads its own.
 */
attributes: Record<string, unknown>, 
/**
 * Usage figures sync_resources writes, per period ("YYYY-MM" → free-form report).
 */
current_usages: Record<string, unknown>, };
/**
 * Arrow's own state of a statement.
 */
export type ArrowState = "pending" | "validated";
export type BillingSyncItem = { uuid: string, arrow_line_reference: string, invoice_item_uuid: string | null, 
/**
 * The price when the line was first synced; set once, never updated.
 */
original_price: string, 
/**
 * The price in the latest export that had this line; None once the line has gone from the export.
 */
current_price: string | null, compensation_item_uuid: string | null, vendor_name: string, subscription_reference: string, classification: string, description: string, quantity: string, created: string, 
/**
 * The licence (ARS Subscription ID) the line is for, if it names one.
 */
license_reference?: string, 
/**
 * The consumption records that bill this line's money, when its licence is billed through them: the
 * line then has no invoice item of its own.
 */
billed_through?: Array<string>, };
export type BillingSync = { uuid: string, settings_uuid: string, customer_mapping_uuid: string, statement_reference: string, report_period: string, arrow_state: ArrowState, state: 1 | 2 | 3 | 4, buy_total: string, sell_total: string, currency: string, invoice_uuid: string | null, error_message: string, synced_at: string | null, validated_at: string | null, reconciled_at: string | null, items: Array<BillingSyncItem>, created: string, modified: string, };
/**
 * Which of the vendor's two prices goes on the customer's invoice: what the host sells at, or what it buys
 * at. A vendor with one price gives the same figure for both.
 */
export type PriceSource = "sell" | "buy";
/**
 * How a statement counts as validated when the billing export carries no statement state (defect 7:
 * never by the calendar alone when Arrow says otherwise).
 */
export type ValidationRule = { "rule": "export_state_only" } | { "rule": "days_after_period_end", days: number, };
/**
 * One Arrow integration. The API key is never held here: the host's adapter owns it.
 */
export type ArrowSettings = { uuid: string, name: string, api_url: string, export_type_reference: string, classification_filter: string, is_active: boolean, sync_enabled: boolean, invoice_price_source: PriceSource, invoice_item_prefix: string, 
/**
 * The currency of amounts whose payload does not name one. None: such amounts are an error.
 */
currency: string | null, 
/**
 * One tolerance for every reconciliation (defect 8): differences smaller than this are not compensated.
 */
reconciliation_tolerance: string, validation_rule: ValidationRule, };
/**
 * Arrow customer reference (e.g. "XSP661245") ↔ host customer; unique per (settings, arrow_reference).
 */
export type CustomerMapping = { uuid: string, 
/**
 * The integration the mapping belongs to; a host with one integration may leave it out (any settings).
 */
settings_uuid: string | null, arrow_reference: string, customer_uuid: string, };
/**
 * What the month's money is read from.
 */
export type Granularity = "subscriber" | "account";
export type SoracomSettings = { uuid: string, name: string, is_active: boolean, sync_enabled: boolean, 
/**
 * The operator (account) id, e.g. "OP0012345678".
 */
operator_id: string, 
/**
 * "jp" (api.soracom.io) or "g" (g.api.soracom.io): for the host's adapter.
 */
coverage: string, 
/**
 * The currency of payloads that name none (old bills). None: such payloads are refused.
 */
currency: string | null, reconciliation_tolerance: string, invoice_item_prefix: string, granularity: Granularity, export_mode: "sync" | "async", 
/**
 * How often an asynchronous export is polled before giving up.
 */
max_export_polls: number, };

// The changeset: everything an operation writes, applied all or nothing.
export type WriteOp = "put" | "create" | "delete";
/**
 * One write on a named table.
 */
export type Write = { op: WriteOp, table: string, id: string, 
/**
 * The version of the row the plan read; 0 when it read none (then the row must not exist).
 */
expect: number, 
/**
 * The idempotency key: what the write is, derived from natural keys.
 */
key: string, 
/**
 * The row, for put and create.
 */
row?: Record<string, unknown>, };
/**
 * What one operation will write, in order.
 */
export type Changeset = { 
/**
 * The operation id that planned it.
 */
operation: string, 
/**
 * The instant it was planned at: the host clock's "now", passed in.
 */
as_of: string, writes: Array<Write>, };

// Responses.
export type ConsumptionSyncCounters = { synced: number, skipped_finalized: number, errors: number, error_details: Array<Record<string, unknown>>, };
/**
 * One period of Arrow's statistics. `consumed_sell` is null when the period spans several currencies;
 * `consumed_sell_by_currency` is then present.
 */
export type PeriodStatistics = { 
/**
 * "YYYY-MM".
 */
period: string, count: number, consumed_sell: string | null, finalized_count: number, reconciled_count: number, consumed_sell_by_currency?: { [key in string]?: string }, };
/**
 * Totals of one currency, when the records span several.
 */
export type CurrencyTotals = { total_consumed_sell: string, total_adjustments: string, };
/**
 * `ArrowEngine.consumptionStatistics()` (seed 000). The amounts are null when the records span several
 * currencies; `totals_by_currency` is then present.
 */
export type ConsumptionStatistics = { total_records: number, pending_records: number, finalized_records: number, reconciled_records: number, total_consumed_sell: string | null, total_adjustments: string | null, period_breakdown: Array<PeriodStatistics>, totals_by_currency?: { [key in string]?: CurrencyTotals }, };
/**
 * Per currency: the sums of the records of one month (Soracom).
 */
export type SoracomCurrencyTotals = { records: number, 
/**
 * Decimal string.
 */
consumed: string, 
/**
 * Decimal string.
 */
final: string, };
/**
 * One month of Soracom's statistics.
 */
export type SoracomPeriodStatistics = { 
/**
 * "YYYY-MM".
 */
period: string, 
/**
 * Keyed by ISO 4217 currency.
 */
by_currency: { [key in string]?: SoracomCurrencyTotals }, };
/**
 * `SoracomEngine.consumptionStatistics()`.
 */
export type SoracomConsumptionStatistics = { total_records: number, pending_records: number, finalized_records: number, reconciled_records: number, 
/**
 * Newest first.
 */
by_period: Array<SoracomPeriodStatistics>, };
