// GENERATED from the Rust types by src/typegen.rs (ts-rs): do not edit. Regenerate with `make types`.
/** Every code a BillsyncError can carry (src/error.rs). Stable: hosts may switch on them. */
export type BillsyncErrorCode = "invalid_period" | "invalid_timestamp" | "invalid_amount" | "invalid_currency" | "currency_mismatch" | "overflow" | "validation_failed" | "missing_column" | "invalid_cell" | "invalid_payload" | "not_found" | "illegal_transition" | "conflict" | "adapter_failed" | "store_failed" | "invalid_argument" | "payload_too_large" | "duplicate_line" | "not_implemented";

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
 * Filters of the consumption-record list. The billing_period filters are dates, the first of a month
 * ("YYYY-MM-01", as records store them); "YYYY-MM" is also taken, as that month's first day.
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
export type StatementSyncRequest = { settings_uuid?: string, 
/**
 * Only the statements that bill this resource (a line whose Vendor Subscription ID is its backend_id,
 * or whose ARS Subscription ID is its licence), each synced whole: a sync's totals stay its
 * statement's own.
 */
resource_uuid?: string, year: number, month: number };
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
 * GET billing-sync-items/: the items of every billing sync, flattened.
 */
export type BillingSyncItemQuery = { 
/**
 * The billing sync's URL.
 */
billing_sync?: string, billing_sync_uuid?: string, report_period?: string, 
/**
 * Contains, case-insensitively.
 */
vendor_name?: string, classification?: string, 
/**
 * Contains, case-insensitively.
 */
subscription_reference?: string, 
/**
 * Contains, case-insensitively.
 */
arrow_line_reference?: string, has_compensation?: boolean, page?: number, page_size?: number, };
/**
 * GET customer-mappings/.
 */
export type CustomerMappingQuery = { 
/**
 * The settings' URL.
 */
settings?: string, settings_uuid?: string, 
/**
 * Contains, case-insensitively.
 */
arrow_reference?: string, 
/**
 * Contains, case-insensitively.
 */
arrow_company_name?: string, 
/**
 * The host customer's URL.
 */
waldur_customer?: string, waldur_customer_uuid?: string, is_active?: boolean, page?: number, page_size?: number, };
/**
 * POST customer-mappings/ (settings and waldur_customer by uuid), PUT (by uuid or URL), PATCH (any).
 */
export type CustomerMappingWrite = { 
/**
 * The mapping's uuid: from the path, on an update.
 */
uuid?: string, 
/**
 * The settings' uuid (or URL on an update).
 */
settings?: string, 
/**
 * ≤ 255 characters.
 */
arrow_reference?: string, 
/**
 * The host customer's uuid (or URL on an update).
 */
waldur_customer?: string, 
/**
 * ≤ 500 characters; "" allowed.
 */
arrow_company_name?: string, 
/**
 * Default true on a create.
 */
is_active?: boolean, };
/**
 * POST customer-mappings/sync_from_arrow/: the company names of the mappings, refreshed from Arrow.
 */
export type SyncFromArrowRequest = { 
/**
 * Default: the active settings.
 */
settings_uuid?: string, };
/**
 * POST customer-mappings/{uuid}/link_resource/.
 */
export type LinkResourceRequest = { 
/**
 * The mapping (from the path).
 */
uuid: string, resource_uuid: string, 
/**
 * The Arrow licence (XSP reference), ≤ 255 characters.
 */
license_reference: string, };
/**
 * POST customer-mappings/{uuid}/import_license/.
 */
export type ImportLicenseRequest = { 
/**
 * The mapping (from the path).
 */
uuid: string, 
/**
 * ≤ 255 characters.
 */
license_reference: string, offering_uuid: string, 
/**
 * A project of the mapped customer.
 */
project_uuid: string, 
/**
 * The new resource's name (default: the licence reference), ≤ 255 characters.
 */
license_name?: string, };
/**
 * GET settings/.
 */
export type SettingsQuery = { is_active?: boolean, sync_enabled?: boolean, page?: number, page_size?: number, };
/**
 * POST settings/ (api_url and api_key required), PUT (api_url required; a blank api_key keeps the held
 * one), PATCH (any). The key goes to the host ([`crate::vendors::arrow::ArrowApi::store_api_key`]), never
 * into the row or a response.
 */
export type SettingsWrite = { uuid?: string, 
/**
 * An http(s) URL, ≤ 255 characters.
 */
api_url?: string, 
/**
 * Write-only, ≤ 500 characters.
 */
api_key?: string, export_type_reference?: string, classification_filter?: string, is_active?: boolean, sync_enabled?: boolean, invoice_price_source?: "sell" | "buy", 
/**
 * ≤ 100 characters.
 */
invoice_item_prefix?: string, };
/**
 * POST settings/validate_credentials/ and settings/discover_customers/: credentials to try, saved nowhere.
 */
export type CredentialsRequest = { api_url: string, api_key: string, };
/**
 * One mapping save_settings creates.
 */
export type CustomerMappingInput = { arrow_reference: string, waldur_customer_uuid: string, };
/**
 * POST settings/preview_settings/ (no customer_mappings) and settings/save_settings/.
 */
export type SaveSettingsRequest = { api_url: string, api_key: string, export_type_reference?: string, 
/**
 * Default "IAAS".
 */
classification_filter?: string, 
/**
 * Default false.
 */
sync_enabled?: boolean, invoice_price_source?: "sell" | "buy", invoice_item_prefix?: string, 
/**
 * save_settings only: the mappings to create with the settings.
 */
customer_mappings?: Array<CustomerMappingInput>, };
/**
 * GET vendor-offering-mappings/.
 */
export type VendorMappingQuery = { settings?: string, settings_uuid?: string, 
/**
 * Contains, case-insensitively.
 */
arrow_vendor_name?: string, 
/**
 * The offering's URL.
 */
offering?: string, offering_uuid?: string, is_active?: boolean, page?: number, page_size?: number, };
/**
 * POST vendor-offering-mappings/, PUT, PATCH. `plan` is required (see the README: a mapping without a
 * plan renders `plan_uuid: null`, which the official client cannot parse).
 */
export type VendorMappingWrite = { uuid?: string, 
/**
 * The settings' uuid (or URL on an update).
 */
settings?: string, 
/**
 * ≤ 255 characters.
 */
arrow_vendor_name?: string, 
/**
 * The host offering's uuid (or URL on an update).
 */
offering?: string, 
/**
 * A plan of that offering.
 */
plan?: string, is_active?: boolean, };
/**
 * What every Arrow operation that plans a changeset (reconcile, the triggers, the resource syncs) takes
 * besides its own fields: with `dry_run: true` it answers with the plan and writes nothing.
 */
export type DryRunOption = { dry_run?: boolean, };
/**
 * A month's operation: `year` and `month`, the settings (the active ones if absent), and for a sync
 * optionally one resource, for a reconciliation `force`.
 */
export type SoracomMonthRequest = { settings_uuid?: string, resource_uuid?: string, force?: boolean, dry_run?: boolean, year: number, month: number };
/**
 * The list of consumption records: filters and the page.
 */
export type SoracomRecordQuery = { billing_period?: string, resource_uuid?: string, subscriber?: string, is_finalized?: boolean, is_reconciled?: boolean, page?: number, page_size?: number, };
/**
 * The listing's query: filters and the page.
 */
export type InvoiceItemQuery = { customer_uuid?: string, 
/**
 * "YYYY-MM" (a date "YYYY-MM-DD" names its month).
 */
billing_period?: string, vendor?: "arrow" | "soracom", source_key?: string, kind?: BilledKind, page?: number, page_size?: number, };
/**
 * A request as `validateRequest` returns it: every field present. A field the input may leave out is
 * its default (the `Defaulted` keys) or null.
 */
export type Validated<T, Defaulted extends keyof T = never> = { [K in keyof T]-?: undefined extends T[K] ? (K extends Defaulted ? Exclude<T[K], undefined> : Exclude<T[K], undefined> | null) : T[K] };
/** The operation ids of Arrow's API (the seeds' API source names). */
export type ArrowOperationId = "admin_arrow_billing_syncs_list" | "admin_arrow_billing_syncs_retrieve" | "admin_arrow_billing_syncs_pause_sync" | "admin_arrow_billing_syncs_reconcile" | "admin_arrow_billing_syncs_resume_sync" | "admin_arrow_billing_syncs_trigger_consumption_sync" | "admin_arrow_billing_syncs_trigger_reconciliation" | "admin_arrow_billing_syncs_trigger_sync" | "admin_arrow_billing_syncs_consumption_statistics_retrieve" | "admin_arrow_billing_syncs_consumption_status_retrieve" | "admin_arrow_billing_syncs_pending_records_list" | "admin_arrow_billing_syncs_fetch_billing_export" | "admin_arrow_billing_syncs_fetch_consumption" | "admin_arrow_billing_syncs_fetch_license_info" | "admin_arrow_billing_syncs_sync_resource_historical_consumption" | "admin_arrow_billing_syncs_sync_resources" | "admin_arrow_billing_syncs_cleanup_consumption" | "admin_arrow_consumption_records_list" | "admin_arrow_consumption_records_retrieve" | "admin_arrow_billing_sync_items_list" | "admin_arrow_billing_sync_items_retrieve" | "admin_arrow_customer_mappings_list" | "admin_arrow_customer_mappings_create" | "admin_arrow_customer_mappings_retrieve" | "admin_arrow_customer_mappings_update" | "admin_arrow_customer_mappings_partial_update" | "admin_arrow_customer_mappings_destroy" | "admin_arrow_customer_mappings_sync_from_arrow" | "admin_arrow_customer_mappings_available_customers_retrieve" | "admin_arrow_customer_mappings_billing_summary_retrieve" | "admin_arrow_customer_mappings_fetch_arrow_data_retrieve" | "admin_arrow_customer_mappings_discover_licenses_retrieve" | "admin_arrow_customer_mappings_link_resource" | "admin_arrow_customer_mappings_import_license" | "admin_arrow_settings_list" | "admin_arrow_settings_create" | "admin_arrow_settings_retrieve" | "admin_arrow_settings_update" | "admin_arrow_settings_partial_update" | "admin_arrow_settings_destroy" | "admin_arrow_settings_validate_credentials" | "admin_arrow_settings_discover_customers" | "admin_arrow_settings_preview_settings" | "admin_arrow_settings_save_settings" | "admin_arrow_vendor_offering_mappings_list" | "admin_arrow_vendor_offering_mappings_create" | "admin_arrow_vendor_offering_mappings_retrieve" | "admin_arrow_vendor_offering_mappings_update" | "admin_arrow_vendor_offering_mappings_partial_update" | "admin_arrow_vendor_offering_mappings_destroy" | "admin_arrow_vendor_offering_mappings_vendor_choices_list";
/** What `validateRequest(operationId, input)` returns, by operation id. */
export type ValidatedRequests = {
  admin_arrow_billing_syncs_list: Validated<BillingSyncQuery, "page" | "page_size">;
  admin_arrow_billing_syncs_retrieve: Validated<UuidLookup>;
  admin_arrow_billing_syncs_pause_sync: Validated<SyncPauseRequest, "pause_global">;
  admin_arrow_billing_syncs_reconcile: Validated<ReconciliationRequest, "force">;
  admin_arrow_billing_syncs_resume_sync: Validated<SyncPauseRequest, "pause_global">;
  admin_arrow_billing_syncs_trigger_consumption_sync: Validated<ConsumptionSyncRequest>;
  admin_arrow_billing_syncs_trigger_reconciliation: Validated<ReconciliationRequest, "force">;
  admin_arrow_billing_syncs_trigger_sync: Validated<StatementSyncRequest>;
  admin_arrow_billing_syncs_consumption_statistics_retrieve: Validated<NoParameters>;
  admin_arrow_billing_syncs_consumption_status_retrieve: Validated<NoParameters>;
  admin_arrow_billing_syncs_pending_records_list: Validated<BillingSyncQuery, "page" | "page_size">;
  admin_arrow_billing_syncs_fetch_billing_export: Validated<BillingExportRequest>;
  admin_arrow_billing_syncs_fetch_consumption: Validated<ConsumptionFetchRequest>;
  admin_arrow_billing_syncs_fetch_license_info: Validated<LicenseInfoRequest>;
  admin_arrow_billing_syncs_sync_resource_historical_consumption: Validated<HistoricalConsumptionRequest>;
  admin_arrow_billing_syncs_sync_resources: Validated<ResourceSyncRequest, "force_import">;
  admin_arrow_billing_syncs_cleanup_consumption: Validated<CleanupConsumptionRequest, "only_finalized" | "only_unfinalized" | "dry_run">;
  admin_arrow_consumption_records_list: Validated<ConsumptionRecordQuery, "page" | "page_size">;
  admin_arrow_consumption_records_retrieve: Validated<UuidLookup>;
  admin_arrow_billing_sync_items_list: Validated<BillingSyncItemQuery, "page" | "page_size">;
  admin_arrow_billing_sync_items_retrieve: Validated<UuidLookup>;
  admin_arrow_customer_mappings_list: Validated<CustomerMappingQuery, "page" | "page_size">;
  admin_arrow_customer_mappings_create: Validated<CustomerMappingWrite>;
  admin_arrow_customer_mappings_retrieve: Validated<UuidLookup>;
  admin_arrow_customer_mappings_update: Validated<CustomerMappingWrite>;
  admin_arrow_customer_mappings_partial_update: Validated<CustomerMappingWrite>;
  admin_arrow_customer_mappings_destroy: Validated<UuidLookup>;
  admin_arrow_customer_mappings_sync_from_arrow: Validated<SyncFromArrowRequest>;
  admin_arrow_customer_mappings_available_customers_retrieve: Validated<NoParameters>;
  admin_arrow_customer_mappings_billing_summary_retrieve: Validated<UuidLookup>;
  admin_arrow_customer_mappings_fetch_arrow_data_retrieve: Validated<UuidLookup>;
  admin_arrow_customer_mappings_discover_licenses_retrieve: Validated<UuidLookup>;
  admin_arrow_customer_mappings_link_resource: Validated<LinkResourceRequest>;
  admin_arrow_customer_mappings_import_license: Validated<ImportLicenseRequest>;
  admin_arrow_settings_list: Validated<SettingsQuery, "page" | "page_size">;
  admin_arrow_settings_create: Validated<SettingsWrite>;
  admin_arrow_settings_retrieve: Validated<UuidLookup>;
  admin_arrow_settings_update: Validated<SettingsWrite>;
  admin_arrow_settings_partial_update: Validated<SettingsWrite>;
  admin_arrow_settings_destroy: Validated<UuidLookup>;
  admin_arrow_settings_validate_credentials: Validated<CredentialsRequest>;
  admin_arrow_settings_discover_customers: Validated<CredentialsRequest>;
  admin_arrow_settings_preview_settings: Validated<SaveSettingsRequest, "classification_filter" | "sync_enabled" | "customer_mappings">;
  admin_arrow_settings_save_settings: Validated<SaveSettingsRequest, "classification_filter" | "sync_enabled" | "customer_mappings">;
  admin_arrow_vendor_offering_mappings_list: Validated<VendorMappingQuery, "page" | "page_size">;
  admin_arrow_vendor_offering_mappings_create: Validated<VendorMappingWrite>;
  admin_arrow_vendor_offering_mappings_retrieve: Validated<UuidLookup>;
  admin_arrow_vendor_offering_mappings_update: Validated<VendorMappingWrite>;
  admin_arrow_vendor_offering_mappings_partial_update: Validated<VendorMappingWrite>;
  admin_arrow_vendor_offering_mappings_destroy: Validated<UuidLookup>;
  admin_arrow_vendor_offering_mappings_vendor_choices_list: Validated<SyncFromArrowRequest>;
};

// The store's tables, and their rows: records and settings.
/** The tables the engine reads and writes, every vendor's (src/engine/tables.rs). A store keeps rows by table name and knows no row type. */
export type TableName = "customers" | "projects" | "resources" | "consumption_records" | "invoice_items" | "ledger_sources" | "ledger_units" | "unowned_lines" | "ledger_holds" | "sync_switches" | "settings" | "customer_mappings" | "billing_syncs" | "soracom_settings" | "vendor_offering_mappings" | "offerings" | "plans";
/** The tables of a store, as `createMemoryStore` takes them and `snapshot()` returns them; `global_sync_enabled: false` is short for the global switch's row. */
export interface StoreTables {
  customers?: Array<Record<string, unknown>>;
  projects?: Array<Record<string, unknown>>;
  resources?: Array<Record<string, unknown>>;
  consumption_records?: Array<Record<string, unknown>>;
  invoice_items?: Array<Record<string, unknown>>;
  ledger_sources?: Array<Record<string, unknown>>;
  ledger_units?: Array<Record<string, unknown>>;
  unowned_lines?: Array<Record<string, unknown>>;
  ledger_holds?: Array<Record<string, unknown>>;
  sync_switches?: Array<Record<string, unknown>>;
  settings?: Array<Record<string, unknown>>;
  customer_mappings?: Array<Record<string, unknown>>;
  billing_syncs?: Array<Record<string, unknown>>;
  soracom_settings?: Array<Record<string, unknown>>;
  vendor_offering_mappings?: Array<Record<string, unknown>>;
  offerings?: Array<Record<string, unknown>>;
  plans?: Array<Record<string, unknown>>;
  global_sync_enabled?: boolean;
}
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
reconciliation_tolerance: string, validation_rule: ValidationRule, 
/**
 * Arrow's partner reference and company name, as its `whoami` last answered for these credentials.
 */
partner_reference: string, partner_name: string, 
/**
 * When the row was created through the admin API (None for rows the host loaded itself): among several
 * active rows, the newest is the active one ([`crate::engine::Vendor::created`]).
 */
created: string | null, modified: string | null, };
/**
 * Arrow customer reference (e.g. "XSP661245") ↔ host customer; unique per (settings, arrow_reference).
 */
export type CustomerMapping = { uuid: string, 
/**
 * The integration the mapping belongs to; a host with one integration may leave it out (any settings).
 */
settings_uuid: string | null, arrow_reference: string, customer_uuid: string, 
/**
 * Arrow's company name of the customer: the export's "End User Company Name" lines are matched on it.
 */
arrow_company_name: string, is_active: boolean, 
/**
 * When the mapping was created and last changed through the admin API (None for host-loaded rows).
 */
created: string | null, modified: string | null, };
export type VendorOfferingMapping = { uuid: string, settings_uuid: string, arrow_vendor_name: string, offering_uuid: string, plan_uuid: string, is_active: boolean, created: string, modified: string, };
/**
 * A host offering (marketplace product), as the admin endpoints name it.
 */
export type Offering = { uuid: string, name: string, 
/**
 * The host's offering type, e.g. "Marketplace.Basic".
 */
offering_type: string, };
/**
 * A price plan of a host offering.
 */
export type Plan = { uuid: string, name: string, offering_uuid: string, };
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
max_export_polls: number, 
/**
 * Where the account's own rows go (the billing CSV's rows with no IMSI or device id, or in `account`
 * granularity the bill): a resource of kind `account` bills them when there is one; otherwise this
 * customer does, on a stand-in resource ("Soracom account"). With neither they are reported as
 * unowned money, never dropped.
 */
account_customer_uuid: string | null, };

// The changeset: everything an operation writes, applied all or nothing.
export type WriteOp = "put" | "create" | "delete" | "check";
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
/**
 * What reconciliation decides for one record.
 */
export type RecordAction = "additional_charge" | "credit" | "no_compensation" | "already_reconciled" | "no_billing_data" | "held" | "error";
/**
 * One record of the preview, amounts rendered with 2 decimals; its source under the vendor's label.
 */
export type PreviewRecordRow = { 
/**
 * The month's first day ("YYYY-MM-01").
 */
billing_period: string, resource_uuid: string, resource_name: string, currency: string, consumed_sell: string, final_sell: string | null, adjustment: string | null, compensation: string, action: RecordAction, compensation_item_uuid: string | null, error: string | null, license_reference?: string, subscriber?: string };
/**
 * Sums of one currency, and of one customer where the rows are per customer. Amounts are decimal strings
 * with 2 decimals.
 */
export type PreviewTotal = { customer_uuid?: string, customer_name?: string, currency: string, consumed: string, final: string, adjustment: string, };
/**
 * Per record what reconciliation decides, totals per currency and per customer, and the counters.
 */
export type PreviewSummary = { records: Array<PreviewRecordRow>, totals: Array<PreviewTotal>, customers: Array<PreviewTotal>, counters: ReconciliationCounters, };
/**
 * What the preview returns: the changeset that would be committed, and the summary a person checks.
 */
export type ReconciliationPreview = { changeset: Changeset, summary: PreviewSummary, };

// Responses: what each engine method resolves to.
/**
 * What a planned operation (triggerSync, reconcile, triggerConsumptionSync, triggerReconciliation) answers
 * after its counters on a dry run: nothing was written.
 */
export type OperationDryRun = { dry_run: true, 
/**
 * What the operation would write.
 */
changeset: Changeset, };
/**
 * What a planned operation answers after its counters when it ran for real.
 */
export type OperationCommitted = { dry_run: false, 
/**
 * What the store's commit reported; absent when there was nothing to write.
 */
applied?: ApplyReport, };
/**
 * The end of a planned operation's response: `dry_run`, then the changeset (a dry run) or the store's
 * report (otherwise).
 */
export type OperationOutcome = OperationDryRun | OperationCommitted;
/**
 * A resource the consumption sync could not plan (say, its amounts name no currency); the others are
 * synced.
 */
export type ConsumptionSyncError = { resource_uuid: string, 
/**
 * The vendor's unit: a licence, a SIM, a device.
 */
source_ref: string, 
/**
 * "YYYY-MM".
 */
billing_period: string, code: BillsyncErrorCode, error: string, 
/**
 * A currency mismatch: the two currencies that could not be combined.
 */
currencies?: Array<string>, };
/**
 * An Arrow resource whose project or customer is not in the store: it cannot be billed, so it is not
 * synced.
 */
export type UnbillableResource = { resource_uuid: string, license_reference: string, code: "not_found", error: string, };
/**
 * One of Arrow's consumption sync error details.
 */
export type ConsumptionSyncErrorDetail = ConsumptionSyncError | UnbillableResource;
/**
 * What Arrow's consumption sync did, resource by resource (the ledger's `ConsumptionSyncCounters`).
 */
export type ConsumptionSyncCounters = { synced: number, 
/**
 * Resources whose record is finalized: left alone.
 */
skipped_finalized: number, errors: number, 
/**
 * Units of the vendor's figures that no host resource takes (Arrow's consumption API is asked per
 * licence of a resource, so its sync finds none: its statements report them).
 */
unowned: number, error_details: Array<ConsumptionSyncErrorDetail>, };
/**
 * `ArrowEngine.triggerConsumptionSync()`.
 */
export type ConsumptionSyncResponse = { synced: number, 
/**
 * Resources whose record is finalized: left alone.
 */
skipped_finalized: number, errors: number, 
/**
 * Units of the vendor's figures that no host resource takes (Arrow's consumption API is asked per
 * licence of a resource, so its sync finds none: its statements report them).
 */
unowned: number, error_details: Array<ConsumptionSyncErrorDetail>, } & (OperationDryRun | OperationCommitted);
/**
 * A consumption reconciliation's record that could not be reconciled (say, the vendor's currency is not
 * the records'): the record, its unit and month, the code and why; the others are reconciled.
 */
export type RecordErrorDetail = { record_uuid: string, resource_uuid: string, license_reference: string, 
/**
 * "YYYY-MM".
 */
billing_period: string, code: BillsyncErrorCode, error: string, 
/**
 * A currency mismatch: the two currencies that could not be combined.
 */
currencies?: Array<string>, };
/**
 * What a consumption reconciliation did, record by record (the ledger's `ReconciliationCounters`).
 */
export type ReconciliationCounters = { finalized: number, reconciled: number, compensation_items_created: number, 
/**
 * Records the vendor's final figures have nothing for yet.
 */
no_billing_data: number, 
/**
 * Reconciled before and not forced: left alone.
 */
already_reconciled: number, errors: number, 
/**
 * Units of the final figures that no live record takes (Arrow: none; its statements report them).
 */
unowned: number, 
/**
 * One per counted error: the record, the currencies, why.
 */
error_details: Array<RecordErrorDetail>, 
/**
 * Held sources left alone (an operator reversed a compensation of theirs): billed once released.
 */
held: number, 
/**
 * The held sources left alone, by source key.
 */
held_sources: Array<string>, };
/**
 * `ArrowEngine.triggerReconciliation()`: the consumption reconciliation.
 */
export type ConsumptionReconciliationResponse = { finalized: number, reconciled: number, compensation_items_created: number, 
/**
 * Records the vendor's final figures have nothing for yet.
 */
no_billing_data: number, 
/**
 * Reconciled before and not forced: left alone.
 */
already_reconciled: number, errors: number, 
/**
 * Units of the final figures that no live record takes (Arrow: none; its statements report them).
 */
unowned: number, 
/**
 * One per counted error: the record, the currencies, why.
 */
error_details: Array<RecordErrorDetail>, 
/**
 * Held sources left alone (an operator reversed a compensation of theirs): billed once released.
 */
held: number, 
/**
 * The held sources left alone, by source key.
 */
held_sources: Array<string>, } & (OperationDryRun | OperationCommitted);
/**
 * A statement trigger_sync could not plan; the others are synced.
 */
export type StatementSyncError = { statement_reference: string, customer_mapping_uuid: string, code: BillsyncErrorCode, error: string, 
/**
 * A currency mismatch: the two currencies that could not be combined.
 */
currencies?: Array<string>, };
/**
 * An unowned line of trigger_sync's `error_details`.
 */
export type UnownedStatementLine = { code: "unowned", 
/**
 * The line's source key: `statement|customer|line`.
 */
line_reference: string, license_reference: string, 
/**
 * "YYYY-MM".
 */
billing_period: string, 
/**
 * Decimal string, rounded to cents.
 */
amount: string, currency: string, reason: string, error: string, };
/**
 * One of trigger_sync's error details: a statement it could not plan, or a line nobody takes.
 */
export type StatementSyncErrorDetail = StatementSyncError | UnownedStatementLine;
/**
 * What trigger_sync did, statement by statement.
 */
export type BillingSyncCounters = { syncs_created: number, syncs_updated: number, invoice_items_created: number, skipped_zero: number, skipped_unmapped: number, skipped_consumption: number, errors: number, 
/**
 * Lines no host resource takes: no customer mapping, and no live resource's records bill their
 * licence ([`super::unowned`]). Each is also in `error_details`, and in `billing-syncs/unowned/`.
 */
unowned: number, error_details: Array<StatementSyncErrorDetail>, };
/**
 * `ArrowEngine.triggerSync()`: the month's statements synced.
 */
export type StatementSyncResponse = { syncs_created: number, syncs_updated: number, invoice_items_created: number, skipped_zero: number, skipped_unmapped: number, skipped_consumption: number, errors: number, 
/**
 * Lines no host resource takes: no customer mapping, and no live resource's records bill their
 * licence ([`super::unowned`]). Each is also in `error_details`, and in `billing-syncs/unowned/`.
 */
unowned: number, error_details: Array<StatementSyncErrorDetail>, } & (OperationDryRun | OperationCommitted);
/**
 * A billing sync reconcile could not plan (its customer mapping is gone, or its plan failed); the others
 * are reconciled.
 */
export type StatementReconciliationError = { billing_sync_uuid: string, code: BillsyncErrorCode, error: string, 
/**
 * A currency mismatch: the two currencies that could not be combined.
 */
currencies?: Array<string>, };
/**
 * What reconcile did, billing sync by billing sync.
 */
export type StatementCounters = { reconciled: number, skipped_not_validated: number, compensation_items_created: number, invoice_items_created: number, errors: number, error_details: Array<StatementReconciliationError>, 
/**
 * Held lines left alone ([`crate::ledger::hold`]): not billed until released.
 */
held: number, held_sources: string[], };
/**
 * `ArrowEngine.reconcile()`: the statement reconciliation.
 */
export type StatementReconciliationResponse = { reconciled: number, skipped_not_validated: number, compensation_items_created: number, invoice_items_created: number, errors: number, error_details: Array<StatementReconciliationError>, 
/**
 * Held lines left alone ([`crate::ledger::hold`]): not billed until released.
 */
held: number, held_sources: string[], } & (OperationDryRun | OperationCommitted);
/**
 * `ArrowEngine.pauseSync()`: what was paused, "global" and/or a settings uuid.
 */
export type SyncPaused = { paused: Array<string>, };
/**
 * `ArrowEngine.resumeSync()`: what was resumed, "global" and/or a settings uuid.
 */
export type SyncResumed = { resumed: Array<string>, };
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
 * The money of the records in one currency. Amounts are decimal strings with 2 decimals.
 */
export type CurrencyTotals = { records: number, 
/**
 * Σ consumed_sell.
 */
consumed_sell: string, 
/**
 * Σ final_sell of the records that have one.
 */
final_sell: string, 
/**
 * Σ (final_sell − consumed_sell) of the finalized records that have a final_sell.
 */
adjustments: string, };
/**
 * One period's records.
 */
export type PeriodTotals = { 
/**
 * "YYYY-MM".
 */
period: string, records: number, finalized: number, reconciled: number, 
/**
 * Keyed by ISO 4217 code.
 */
by_currency: { [key in string]?: CurrencyTotals }, };
/**
 * What every engine's `consumptionStatistics()` answers (a vendor may add fields of its own beside it).
 */
export type RecordStatistics = { total_records: number, 
/**
 * Not finalized yet.
 */
pending_records: number, finalized_records: number, reconciled_records: number, 
/**
 * Every record's money, keyed by ISO 4217 code.
 */
totals_by_currency: { [key in string]?: CurrencyTotals }, 
/**
 * Every period with records, newest first.
 */
by_period: Array<PeriodTotals>, };
/**
 * `ArrowEngine.consumptionStatistics()`: seed 000's fields (its amounts null when the records span several
 * currencies), then the statistics every vendor answers (`totals_by_currency`, `by_period`).
 */
export type ConsumptionStatistics = { total_records: number, pending_records: number, finalized_records: number, reconciled_records: number, total_consumed_sell: string | null, total_adjustments: string | null, period_breakdown: Array<PeriodStatistics>, 
/**
 * Keyed by ISO 4217 code.
 */
totals_by_currency: { [key in string]?: CurrencyTotals }, 
/**
 * Every period with records, newest first.
 */
by_period: Array<PeriodTotals>, };
/**
 * `ArrowEngine.consumptionStatus()` (seed 000).
 */
export type ConsumptionStatus = { global_sync_enabled: boolean, 
/**
 * false when there are no settings.
 */
settings_sync_enabled: boolean, 
/**
 * The active settings; null when there are none.
 */
settings_uuid: string | null, 
/**
 * The newest last_sync_at of any record (RFC 3339); null before the first sync.
 */
last_sync_run: string | null, };
/**
 * `ArrowEngine.listConsumptionRecords()` and `retrieveConsumptionRecord()`: a consumption record with every
 * field of seed 001, in the seed's order. Host names are joined at render time: null when the store does
 * not know the object.
 */
export type ConsumptionRecordView = { uuid: string, url: string, 
/**
 * The resource's URL.
 */
resource: string, resource_uuid: string, resource_name: string | null, 
/**
 * The nil uuid when the store does not know the resource's project (the seed and the official
 * client's model want a uuid, never null; see [`NO_UUID`]).
 */
project_uuid: string, project_name: string | null, 
/**
 * Known from the project even when the customer object itself is not; the nil uuid when neither is.
 */
customer_uuid: string, customer_name: string | null, license_reference: string, 
/**
 * "YYYY-MM-DD": the first day of the month.
 */
billing_period: string, 
/**
 * Decimal strings, rounded to cents.
 */
consumed_sell: string, consumed_buy: string, final_sell: string | null, final_buy: string | null, 
/**
 * The nil uuid when there is none.
 */
invoice_item_uuid: string, 
/**
 * The nil uuid when there is none (`adjustment_amount` says whether one was due).
 */
compensation_item_uuid: string, last_sync_at: string | null, finalized_at: string | null, reconciled_at: string | null, is_finalized: boolean, is_reconciled: boolean, 
/**
 * final_sell − consumed_sell; null until finalized.
 */
adjustment_amount: string | null, 
/**
 * Vendor data: the consumption lines Arrow reported for the record, free-form as Arrow sent them.
 */
raw_data: unknown, created: string, modified: string, };
/**
 * `ArrowEngine.pendingRecords()`: a row of pending_records, exactly the seed's seven fields.
 */
export type PendingRecordView = { uuid: string, resource_uuid: string, resource_name: string | null, license_reference: string, 
/**
 * "YYYY-MM-DD": the first day of the month.
 */
billing_period: string, consumed_sell: string, last_sync_at: string | null, };
/**
 * One item of a billing sync, as the API serves it (seed 000).
 */
export type BillingSyncItemView = { uuid: string, arrow_line_reference: string, 
/**
 * The nil uuid when the line has no invoice item of its own (it is billed through consumption records).
 */
invoice_item_uuid: string, 
/**
 * Decimal string, rounded to cents.
 */
original_price: string, 
/**
 * The nil uuid when there is none.
 */
compensation_item_uuid: string, vendor_name: string, subscription_reference: string, classification: string, description: string, 
/**
 * Decimal string, lossless (at least 2 decimals): quantities are not money.
 */
quantity: string, created: string, };
/**
 * `ArrowEngine.listBillingSyncs()` and `retrieveBillingSync()`: a billing sync with every field of seed
 * 000, in the seed's order. The mapping's Arrow reference and customer name are null when the store does
 * not know them.
 */
export type BillingSyncView = { uuid: string, url: string, 
/**
 * The customer mapping's URL.
 */
customer_mapping: string, customer_mapping_uuid: string, arrow_reference: string | null, waldur_customer_name: string | null, statement_reference: string, 
/**
 * "YYYY-MM".
 */
report_period: string, arrow_state: ArrowState, state: 1 | 2 | 3 | 4, state_display: "Pending" | "Synced" | "Validated" | "Reconciled", 
/**
 * Decimal strings, rounded to cents.
 */
buy_total: string, sell_total: string, currency: string, 
/**
 * The nil uuid when there is none.
 */
invoice_uuid: string, error_message: string, synced_at: string | null, validated_at: string | null, reconciled_at: string | null, items: Array<BillingSyncItemView>, created: string, modified: string, };
/**
 * `ArrowEngine.fetchBillingExport()`: Arrow's export rows, passed through.
 */
export type BillingExportResponse = { 
/**
 * "YYYY-MM".
 */
period_from: string, 
/**
 * "YYYY-MM".
 */
period_to: string, 
/**
 * The classification asked for; null when every row is returned.
 */
classification: string | null, 
/**
 * The number of rows in `data`.
 */
row_count: number, 
/**
 * Vendor data: one object per export row, Arrow's cells keyed by the export's headers, as Arrow sent
 * them (their JSON types are Arrow's, so they are not typed further).
 */
data: Array<Record<string, unknown>>, };
/**
 * `ArrowEngine.fetchConsumption()`: Arrow's consumption lines of one licence, passed through.
 */
export type ConsumptionFetchResponse = { license_reference: string, 
/**
 * "YYYY-MM".
 */
period: string, 
/**
 * The number of rows in `data`.
 */
row_count: number, 
/**
 * Vendor data: one object per consumption line, Arrow's cells keyed by its headers, as Arrow sent
 * them.
 */
data: Array<Record<string, unknown>>, };
/**
 * `ArrowEngine.fetchLicenseInfo()`: Arrow's licence details, passed through.
 */
export type LicenseInfoResponse = { 
/**
 * Vendor data: the `data` of Arrow's licence payload (or the whole payload when it has none), free-form
 * as Arrow's API returns it.
 */
data: unknown, };
/**
 * `ArrowEngine.syncResourceHistoricalConsumption()` (seed 000). On a dry run, `dry_run` and `changeset`
 * follow.
 */
export type HistoricalConsumptionResponse = { resource_uuid: string, resource_name: string, 
/**
 * Months synced.
 */
periods_synced: number, 
/**
 * Months whose record is finalized, left alone.
 */
periods_skipped: number, 
/**
 * The consumption sync's error details of every month, each with its `period` ("YYYY-MM").
 */
errors: Array<ConsumptionSyncErrorDetail & { period: string }>, 
/**
 * Present, and true, on a dry run only.
 */
dry_run?: true, 
/**
 * On a dry run only: what the sync would write.
 */
changeset?: Changeset, };
/**
 * `ArrowEngine.syncResources()` (seed 000). On a dry run, `dry_run` and `changeset` follow the counts.
 */
export type ResourceSyncResponse = { 
/**
 * Subscription-months read from the export.
 */
synced: number, 
/**
 * Resources created.
 */
created: number, 
/**
 * Resources whose usages changed.
 */
updated: number, 
/**
 * Always 0: billsync creates no marketplace orders (kept for the seed's shape).
 */
orders_created: number, customers_created: number, projects_created: number, mappings_created: number, 
/**
 * Always 0: syncing resources bills nothing (kept for the seed's shape).
 */
invoices_created: number, 
/**
 * Always 0, as `invoices_created`.
 */
invoice_items_created: number, 
/**
 * Always empty: a problem fails the whole request instead (kept for the seed's shape).
 */
errors: [], 
/**
 * Present, and true, on a dry run only.
 */
dry_run?: true, 
/**
 * On a dry run only: what the sync would write.
 */
changeset?: Changeset, };
/**
 * `ArrowEngine.cleanupConsumption()`: the seed's response, counts only.
 */
export type CleanupResponse = { dry_run: boolean, 
/**
 * How many records match.
 */
records_to_delete: number, 
/**
 * How many were deleted: 0 on a dry run.
 */
records_deleted: number, compensation_items_affected: number, invoice_items_affected: number, };
/**
 * `ArrowEngine.listBillingSyncItems()` / `retrieveBillingSyncItem()`: one statement line of a billing sync.
 */
export type BillingSyncItemDetail = { uuid: string, url: string, 
/**
 * The billing sync's URL.
 */
billing_sync: string, billing_sync_uuid: string, 
/**
 * "YYYY-MM".
 */
report_period: string, arrow_line_reference: string, 
/**
 * The nil uuid when the line has no invoice item of its own (it is billed through consumption records).
 */
invoice_item_uuid: string, 
/**
 * Decimal string, 2 decimals.
 */
original_price: string, 
/**
 * The nil uuid when `has_compensation` is false.
 */
compensation_item_uuid: string, has_compensation: boolean, vendor_name: string, subscription_reference: string, classification: string, description: string, 
/**
 * Decimal string, lossless.
 */
quantity: string, created: string, };
/**
 * `ArrowEngine.listCustomerMappings()`, `retrieveCustomerMapping()`, create, update.
 */
export type CustomerMappingView = { uuid: string, url: string, 
/**
 * The settings' URL (its uuid in a create's answer, as the client's `ArrowCustomerMappingCreate` has it).
 */
settings: string, settings_uuid: string, arrow_reference: string, arrow_company_name: string, 
/**
 * The host customer's URL (its uuid in a create's answer).
 */
waldur_customer: string, waldur_customer_uuid: string, 
/**
 * "" when the store does not know the customer.
 */
waldur_customer_name: string, is_active: boolean, created: string, modified: string, };
/**
 * `ArrowEngine.listSettings()`, `retrieveSettings()`, create, update. Never carries the API key.
 */
export type ArrowSettingsView = { uuid: string, url: string, api_url: string, export_type_reference: string, classification_filter: string, is_active: boolean, sync_enabled: boolean, partner_reference: string, partner_name: string, invoice_price_source: "sell" | "buy", invoice_item_prefix: string, created: string, modified: string, };
/**
 * `ArrowEngine.listVendorOfferingMappings()`, retrieve, create, update.
 */
export type VendorOfferingMappingView = { uuid: string, url: string, 
/**
 * The settings' URL (its uuid in a create's answer, as the client's model has it).
 */
settings: string, settings_uuid: string, arrow_vendor_name: string, 
/**
 * The offering's uuid (the reference's field name).
 */
offering: string, offering_uuid: string, 
/**
 * "" when the host's catalog does not know it.
 */
offering_name: string, offering_type: string, plan: string, plan_uuid: string, plan_name: string, is_active: boolean, created: string, modified: string, };
/**
 * `ArrowEngine.vendorChoices()`: one Arrow vendor name.
 */
export type VendorNameChoice = { value: string, label: string, };
/**
 * One consumption record of a billing summary.
 */
export type SummaryRecord = { uuid: string, license_reference: string, resource_name: string | null, 
/**
 * "YYYY-MM-DD".
 */
billing_period: string, consumed_sell: string, final_sell: string | null, is_finalized: boolean, is_reconciled: boolean, };
/**
 * One billing sync of a billing summary.
 */
export type SummarySync = { uuid: string, report_period: string, 
/**
 * The state's code as a string ("1".."4"), as the client's model has it.
 */
state: string, sell_total: string | null, items_count: number, created: string, };
/**
 * `ArrowEngine.customerBillingSummary(uuid)`: the mapping's own records and syncs (defect 5: never the
 * whole customer's). The amounts are null when the records (or syncs) span several currencies; the
 * per-currency sums are then in `by_currency`.
 */
export type CustomerBillingSummary = { customer_mapping_uuid: string, arrow_reference: string, arrow_company_name: string, waldur_customer_uuid: string, waldur_customer_name: string, total_consumption_records: number, 
/**
 * "0.00" when there are none; "12.00 EUR + 3.00 USD" when they span currencies (exact per currency
 * in `by_currency`), and so for every total.
 */
total_consumed_sell: string, total_final_sell: string | null, pending_records: number, finalized_records: number, reconciled_records: number, total_billing_syncs: number, total_billing_sell: string | null, 
/**
 * ISO 4217 → the consumed, final and billed sell totals of that currency.
 */
by_currency: Record<string, { consumed_sell: string, final_sell: string | null, billing_sell: string | null }>, 
/**
 * The 20 newest.
 */
recent_consumption_records: Array<SummaryRecord>, 
/**
 * The 20 newest.
 */
recent_billing_syncs: Array<SummarySync>, };
/**
 * One export line of fetch_arrow_data.
 */
export type CustomerBillingLine = { vendor_name: string, subscription_reference: string, license_reference: string, offer_sku: string, classification: string, quantity: string | null, sell_price: string | null, buy_price: string | null, };
/**
 * One resource's consumption in fetch_arrow_data.
 */
export type CustomerConsumptionLine = { license_reference: string, resource_name: string | null, resource_uuid: string | null, period: string, sell_price: string | null, buy_price: string | null, error?: string, };
/**
 * `ArrowEngine.fetchCustomerArrowData(uuid)`: the current month, live from Arrow.
 */
export type CustomerArrowData = { customer_mapping_uuid: string, arrow_reference: string, arrow_company_name: string, waldur_customer_name: string, 
/**
 * "YYYY-MM" in the engine's zone.
 */
period: string, billing_available: boolean, billing_lines: Array<CustomerBillingLine>, billing_total_sell: string | null, billing_total_buy: string | null, consumption_lines: Array<CustomerConsumptionLine>, consumption_total_sell: string | null, consumption_total_buy: string | null, total_customer_resources: number, resources_with_backend_id: number, matched_resources: number, error: string | null, };
export type ArrowLicenseView = { license_reference: string, vendor_name: string, offer_name: string, offer_sku: string, friendly_name: string, };
export type ResourceForLinking = { uuid: string, name: string, backend_id: string, 
/**
 * The licence attribute the consumption sync reads ("" when none).
 */
license_reference: string, project_name: string, offering_name: string, state: string, };
export type LicenseSuggestion = { resource_uuid: string, resource_name: string, license_reference: string, license_name: string, confidence: number, };
/**
 * `ArrowEngine.discoverLicenses(uuid)`.
 */
export type DiscoveredLicenses = { customer_mapping_uuid: string, arrow_reference: string, waldur_customer_name: string, arrow_licenses: Array<ArrowLicenseView>, waldur_resources: Array<ResourceForLinking>, suggestions: Array<LicenseSuggestion>, error: string | null, };
/**
 * `ArrowEngine.linkResource(uuid, body)`.
 */
export type LinkedResource = { resource_uuid: string, resource_name: string, license_reference: string, previous_backend_id: string, success: boolean, };
/**
 * `ArrowEngine.importLicense(uuid, body)`: answered with 200 (the client's; the reference sends 201).
 */
export type ImportedLicense = { resource_uuid: string, resource_name: string, license_reference: string, offering_name: string, project_name: string, success: boolean, };
/**
 * `ArrowEngine.syncCustomersFromArrow()`: mappings whose company name changed.
 */
export type CustomersSynced = { updated: number, };
/**
 * An Arrow customer as the wizard shows it (the client's `ArrowCustomerDiscovery`).
 */
export type ArrowCustomer = { reference: string, companyName: string, email?: string, city?: string, country_code?: string, };
/**
 * A host customer as the wizard shows it.
 */
export type HostCustomerBrief = { uuid: string, name: string, };
/**
 * Which host customer an Arrow customer probably is. `suggested_waldur_customer` is left out when there
 * is no match (the client cannot parse a null there).
 */
export type CustomerSuggestion = { arrow_customer: ArrowCustomer, suggested_waldur_customer?: HostCustomerBrief, confidence: number, existing_mapping: boolean, };
/**
 * `ArrowEngine.availableCustomers()`.
 */
export type AvailableCustomers = { settings_uuid: string, arrow_customers: Array<ArrowCustomer>, waldur_customers: Array<HostCustomerBrief>, suggestions: Array<CustomerSuggestion>, };
/**
 * How one export type suits billsync: its columns against the required and the important ones.
 */
export type ExportTypeCompatibility = { reference: string, name: string, required_fields_total: number, required_fields_found: number, important_fields_total: number, important_fields_found: number, missing_required_fields: Array<string>, missing_important_fields: Array<string>, compatible: boolean, recommended: boolean, };
/**
 * `ArrowEngine.discoverCustomers(credentials)`.
 */
export type DiscoveredCustomers = { arrow_customers: Array<ArrowCustomer>, waldur_customers: Array<HostCustomerBrief>, suggestions: Array<CustomerSuggestion>, export_types: Array<ExportTypeCompatibility>, };
/**
 * Arrow's partner, from `whoami`.
 */
export type PartnerInfo = { reference: string, company_name: string, email: string, city: string, country_code: string, };
/**
 * `ArrowEngine.validateCredentials(credentials)`: always answered (200); `valid` says whether Arrow took
 * them, `error` why not.
 */
export type CredentialsValidation = { valid: boolean, message?: string, error?: string, partner_info?: PartnerInfo, export_types?: Array<ExportTypeCompatibility>, };
/**
 * `ArrowEngine.previewSettings(body)`: what save_settings would store; nothing is saved.
 */
export type SettingsPreview = { api_url: string, partner_name: string, partner_reference: string, export_type_reference: string, classification_filter: string, sync_enabled: boolean, };
/**
 * `ArrowEngine.saveSettings(body)` (201).
 */
export type SettingsSaved = { settings_uuid: string, mappings_created: number, message: string, 
/**
 * The requested mappings that were not created, each with why (the reference drops them silently).
 */
mappings_skipped: Array<string>, };
/**
 * A Soracom resource whose project or customer is not in the store: it cannot be billed, so it is not
 * synced.
 */
export type SoracomUnbillableResource = { resource_uuid: string, 
/**
 * The SIM or device.
 */
subscriber: string, code: "not_found", error: string, };
/**
 * A unit of Soracom's bill that no host resource takes (the ledger's unowned money): reported, never
 * dropped. The line, its subscriber (`account` for account-level rows), the amount and why.
 */
export type SoracomUnownedDetail = { code: "unowned", line_reference: string, subscriber: string, 
/**
 * "YYYY-MM".
 */
billing_period: string, 
/**
 * Decimal string, rounded to cents.
 */
amount: string, currency: string, reason: string, error: string, };
/**
 * Soracom's [`RecordErrorDetail`]: the unit under `subscriber`.
 */
export type SoracomRecordErrorDetail = { record_uuid: string, resource_uuid: string, subscriber: string, 
/**
 * "YYYY-MM".
 */
billing_period: string, code: BillsyncErrorCode, error: string, currencies?: Array<string>, };
/**
 * One of Soracom's consumption reconciliation error details.
 */
export type SoracomReconciliationErrorDetail = SoracomRecordErrorDetail | SoracomUnownedDetail;
/**
 * What Soracom's consumption reconciliation did (the ledger's `ReconciliationCounters`).
 */
export type SoracomReconciliationCounters = { finalized: number, reconciled: number, compensation_items_created: number, 
/**
 * Records the vendor's final figures have nothing for yet.
 */
no_billing_data: number, 
/**
 * Reconciled before and not forced: left alone.
 */
already_reconciled: number, errors: number, 
/**
 * SIMs, devices and account-level rows of the closed month's CSV that no live record takes.
 */
unowned: number, 
/**
 * One per counted error (the record, the currencies, why) and one per unowned line.
 */
error_details: Array<SoracomReconciliationErrorDetail>, 
/**
 * Held sources left alone (an operator reversed a compensation of theirs): billed once released.
 */
held: number, 
/**
 * The held sources left alone, by source key.
 */
held_sources: Array<string>, };
/**
 * One of Soracom's consumption sync error details.
 */
export type SoracomConsumptionSyncErrorDetail = ConsumptionSyncError | SoracomUnbillableResource | SoracomUnownedDetail;
/**
 * What Soracom's consumption sync did, resource by resource (the ledger's `ConsumptionSyncCounters`).
 */
export type SoracomConsumptionSyncCounters = { synced: number, 
/**
 * Resources whose record is finalized: left alone.
 */
skipped_finalized: number, errors: number, 
/**
 * SIMs, devices and account-level rows of the CSV that no host resource takes: each in
 * `error_details`, and in `billing-syncs/unowned/`.
 */
unowned: number, error_details: Array<SoracomConsumptionSyncErrorDetail>, };
/**
 * `SoracomEngine.triggerConsumptionSync()`.
 */
export type SoracomConsumptionSyncResponse = { synced: number, 
/**
 * Resources whose record is finalized: left alone.
 */
skipped_finalized: number, errors: number, 
/**
 * SIMs, devices and account-level rows of the CSV that no host resource takes: each in
 * `error_details`, and in `billing-syncs/unowned/`.
 */
unowned: number, error_details: Array<SoracomConsumptionSyncErrorDetail>, } & (OperationDryRun | OperationCommitted);
/**
 * `SoracomEngine.triggerReconciliation()` once Soracom has closed the month.
 */
export type SoracomMonthReconciled = { month_closed: true, finalized: number, reconciled: number, compensation_items_created: number, 
/**
 * Records the vendor's final figures have nothing for yet.
 */
no_billing_data: number, 
/**
 * Reconciled before and not forced: left alone.
 */
already_reconciled: number, errors: number, 
/**
 * SIMs, devices and account-level rows of the closed month's CSV that no live record takes.
 */
unowned: number, 
/**
 * One per counted error (the record, the currencies, why) and one per unowned line.
 */
error_details: Array<SoracomReconciliationErrorDetail>, 
/**
 * Held sources left alone (an operator reversed a compensation of theirs): billed once released.
 */
held: number, 
/**
 * The held sources left alone, by source key.
 */
held_sources: Array<string>, } & (OperationDryRun | OperationCommitted);
/**
 * `SoracomEngine.triggerReconciliation()` before Soracom has closed the month: nothing is reconciled.
 */
export type SoracomMonthNotClosed = { 
/**
 * Always false here.
 */
month_closed: false, 
/**
 * Always 0 here.
 */
reconciled: 0, 
/**
 * Why, in words.
 */
detail: string, };
/**
 * `SoracomEngine.triggerReconciliation()`: `month_closed` says which.
 */
export type SoracomReconciliationResponse = SoracomMonthReconciled | SoracomMonthNotClosed;
/**
 * What can make the days differ from the month.
 */
export type SoracomDifferenceReason = "monthly_basis_fees" | "per_line_rounding" | "coupon";
/**
 * The explanation of one month (`SoracomEngine.dailyCheck()`). Amounts serialize as exact decimal strings.
 */
export type SoracomDailyCheck = { 
/**
 * "YYYY-MM".
 */
month: string, currency: string, 
/**
 * How many daily entries were summed.
 */
days: number, days_sum: string, month_amount: string, 
/**
 * `month_amount − days_sum`.
 */
difference: string, 
/**
 * What per-line rounding can account for: one minor unit per daily entry.
 */
rounding_tolerance: string, 
/**
 * The month's coupon (0 when none).
 */
coupon: string, 
/**
 * The reasons that can explain the difference (empty when there is none, or when nothing can).
 */
reasons: Array<SoracomDifferenceReason>, 
/**
 * Whether the reasons account for the whole difference.
 */
explained: boolean, 
/**
 * How much of a negative difference is beyond every reason (0 when explained).
 */
shortfall: string, 
/**
 * Whether the monthly bill is final; a temporary month may still grow.
 */
month_is_final: boolean, };
/**
 * `SoracomEngine.consumptionStatistics()`: the statistics every vendor answers.
 */
export type SoracomConsumptionStatistics = { total_records: number, 
/**
 * Not finalized yet.
 */
pending_records: number, finalized_records: number, reconciled_records: number, 
/**
 * Every record's money, keyed by ISO 4217 code.
 */
totals_by_currency: { [key in string]?: CurrencyTotals }, 
/**
 * Every period with records, newest first.
 */
by_period: Array<PeriodTotals>, };
/**
 * `SoracomEngine.consumptionStatus()`.
 */
export type SoracomConsumptionStatus = { global_sync_enabled: boolean, 
/**
 * The active settings; null when there are none.
 */
settings_uuid: string | null, 
/**
 * Scheduled syncs run: the global switch and the active settings' are both on.
 */
sync_enabled: boolean, 
/**
 * "YYYY-MM": the month "now" is in, in the engine's timezone.
 */
current_period: string, 
/**
 * "YYYY-MM" of the newest record; null when there are none.
 */
latest_period: string | null, 
/**
 * Records not finalized yet.
 */
pending_records: number, 
/**
 * The newest last_sync_at of any record (RFC 3339); null before the first sync.
 */
last_sync_at: string | null, };
/**
 * `SoracomEngine.listConsumptionRecords()` and `retrieveConsumptionRecord()`: a Soracom consumption record
 * as the admin API serves it. Host names are joined at render time: null when the store does not know the
 * object.
 */
export type SoracomRecordView = { uuid: string, url: string, resource_uuid: string, resource_name: string | null, customer_uuid: string | null, customer_name: string | null, 
/**
 * The SIM or device: an IMSI, a device id.
 */
subscriber: string, 
/**
 * "YYYY-MM".
 */
billing_period: string, currency: string, 
/**
 * Decimal strings, rounded to the currency's cents.
 */
consumed_amount: string, final_amount: string | null, 
/**
 * final − consumed; null until finalized.
 */
adjustment_amount: string | null, is_finalized: boolean, is_reconciled: boolean, invoice_item_uuid: string | null, compensation_item_uuid: string | null, last_sync_at: string | null, finalized_at: string | null, reconciled_at: string | null, 
/**
 * Vendor data: what the record was read from (Soracom's figures, and the billing CSV's dated rows under
 * `dates`), free-form.
 */
raw_data: unknown, created: string, modified: string, };
/**
 * Soracom's `MonthlyBill`, of the host customer's records: `SoracomEngine.monthlyBill()`, and the months of
 * `billingHistory()`. Of Soracom's fields (every one optional in its API) billsync gives these four, always.
 */
export type SoracomMonthlyBill = { 
/**
 * A JSON number, as Soracom writes amounts: exact for yen, and for amounts of up to 15 significant
 * digits.
 */
amount: number, currency: string, 
/**
 * "closed" once every record of the month is finalized.
 */
state: "temporary" | "closed", 
/**
 * "yyyyMM".
 */
yearMonth: string, };
/**
 * Soracom's `GetLatestBill`, of the host customer's records: `SoracomEngine.latestBill()`.
 */
export type SoracomLatestBill = { 
/**
 * A JSON number, as in [`SoracomMonthlyBill`].
 */
amount: number, currency: string, 
/**
 * "yyyyMMddHHmmss" (UTC) of the month's latest sync; null when none was synced.
 */
lastEvaluatedTime: string | null, };
/**
 * One day of Soracom's `DailyBillResponse`.
 */
export type SoracomDailyBill = { 
/**
 * A JSON number, as in [`SoracomMonthlyBill`].
 */
amount: number, currency: string, 
/**
 * "yyyyMMdd".
 */
date: string, };
/**
 * Soracom's `DailyBillResponse`, of the host customer's records: `SoracomEngine.dailyBills()`. Newest day
 * first; monthly-basis fees have no day, as in Soracom's own.
 */
export type SoracomDailyBills = { billList: Array<SoracomDailyBill>, };
/**
 * Soracom's `GetBillingHistoryResponse`, of the host customer's records: `SoracomEngine.billingHistory()`.
 * Closed months only, newest first.
 */
export type SoracomBillingHistory = { billList: Array<SoracomMonthlyBill>, };
/**
 * What an item is, as the listing shows it.
 */
export type BilledKind = "provisional" | "statement_line" | "compensation" | "net_off";
/**
 * One invoice item as the listing serves it.
 */
export type InvoiceItemView = { uuid: string, 
/**
 * "arrow" or "soracom"; null when the record it billed is gone.
 */
vendor: "arrow" | "soracom" | null, kind: BilledKind, 
/**
 * The kind the ledger stores (a compensation says whether it compensates a record or a document line).
 */
ledger_kind: InvoiceItemKind, invoice_uuid: string, customer_uuid: string, project_uuid: string | null, resource_uuid: string | null, 
/**
 * "YYYY-MM": the month of the invoice it is on.
 */
billing_period: string, 
/**
 * The source it bills: a consumption record's key (`resource|YYYY-MM|source`) or a document line's.
 */
source_key: string, name: string, 
/**
 * unit_price × quantity, exact.
 */
amount: string, unit_price: string, quantity: string, currency: string, 
/**
 * Who bills the unit's money (from the details), e.g. "consumption records".
 */
owner: string | null, 
/**
 * Why the item exists (from the details).
 */
reason: string | null, 
/**
 * Everything the details say, free-form.
 */
details: unknown, created: string, modified: string, };
/**
 * Where a source stands with holds, as its ledger row says.
 */
export type HoldState = "none" | "held" | "released";
/**
 * One hold of a source: the compensation taken back, who took it back, why and when; and, once released,
 * who released it and when.
 */
export type Hold = { held_by: string, reason: string, held_at: string, 
/**
 * The compensation reversed.
 */
reversed_item_uuid: string, 
/**
 * The item of the opposite amount.
 */
reversal_item_uuid: string, released_by: string | null, released_at: string | null, };
/**
 * The hold row of one source: its current (or last) hold, and the earlier ones.
 */
export type HoldRow = { uuid: string, source_key: string, 
/**
 * Whether the source is held now.
 */
held: boolean, held_by: string, reason: string, held_at: string, reversed_item_uuid: string, reversal_item_uuid: string, released_by: string | null, released_at: string | null, 
/**
 * The earlier holds of the source, each released, oldest first.
 */
earlier: Array<Hold>, };
