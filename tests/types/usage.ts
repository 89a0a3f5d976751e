// Compile-only checks of the package's declarations, as a TypeScript user would write against them.
import {
  BillsyncError,
  isBillsyncError,
  parseMoney,
  parsePeriod,
  periodRange,
  validateRequest,
  version,
} from "../../pkg/index.js";
import type { BillsyncErrorCode, MoneyValue, PeriodParts } from "../../pkg/index.js";

const p: PeriodParts = parsePeriod("2025-01");
const year: number = p.year;
const months: string[] = periodRange("2024-11", "2025-02");
const money: MoneyValue = parseMoney("€1,000.50", "EUR");
const amount: string = money.amount;
const v: string = version();
const request: unknown = validateRequest("admin_arrow_billing_syncs_trigger_sync", { year: 2025, month: 1 });

try {
  parsePeriod("2025-13");
} catch (e: unknown) {
  if (isBillsyncError(e)) {
    const code: BillsyncErrorCode = e.code;
    const status: number = e.status;
    const fields: Record<string, string[]> | undefined = e.fields;
    const asError: Error = e;
    const isClass: boolean = e instanceof BillsyncError;
    void [code, status, fields, asError, isClass];
  }
}

void [year, months, amount, v, request];

// The engine, the memory store and the preview, as a host would type them.
import {
  ArrowEngine,
  createMemoryStore,
  previewReconciliation,
  previewReconciliationJson,
  aggregateConsumption,
  ConsumptionAggregator,
  parseBillingExport,
} from "../../pkg/index.js";
import type {
  ArrowAdapter,
  BillsyncHttpResponse,
  BillsyncStore,
  Changeset,
  ConsumptionAggregateRow,
  ReconciliationPreview,
  StoreTables,
  TableName,
} from "../../pkg/index.js";

// One store seeds both engines: every vendor's tables are typed (generated from the engine's own list).
const tables: StoreTables = {
  settings: [{ uuid: "5e771a65-0000-4000-8000-000000000001", name: "Arrow", export_type_reference: "EXP", currency: "EUR" }],
  soracom_settings: [{ uuid: "50ac0000-0000-4000-8000-000000000001", name: "Soracom", operator_id: "OP0012345678", currency: "JPY" }],
  resources: [],
  global_sync_enabled: true,
};
const memory = createMemoryStore(tables);
const bothVendors = createMemoryStore({ settings: [], soracom_settings: [], sync_switches: [] });
const soracomTable: TableName = "soracom_settings";
// @ts-expect-error: not a table of the engine
const noSuchTable: TableName = "soracom_setting";
// @ts-expect-error: a misspelt table does not seed anything
createMemoryStore({ soracom_setings: [] });
void [bothVendors, soracomTable, noSuchTable];
const asPort: BillsyncStore = memory;
const arrow: ArrowAdapter = {
  billingExport: async () => "{}",
  consumption: async () => ({ data: { headers: [], lines: [] } }),
  license: async () => ({}),
  licenses: async () => ({}),
};
const engine = new ArrowEngine({ arrow, store: asPort, clock: { now: () => new Date() }, timezone: "UTC" });
const response: Promise<BillsyncHttpResponse> = engine.handle({ method: "GET", path: "/api/admin/arrow/billing-syncs/", user: { is_staff: true } });
const preview: ReconciliationPreview = previewReconciliation({ period: "2025-01", records: [], exportPayload: "{}", asOf: "2025-02-03T10:00:00Z" });
const changeset: Changeset = preview.summary.records.length > 0 ? preview.changeset : { operation: "x", as_of: "y", writes: [] };
// The preview's result is generated from the Rust types: its fields are exact.
const firstRow = preview.summary.records[0];
const action: "credit" | "additional_charge" | "no_compensation" | "already_reconciled" | "no_billing_data" | "held" | "error" = firstRow.action;
const licence: string | undefined = firstRow.license_reference;
const reconciled: number = preview.summary.counters.reconciled;
const asText: string = previewReconciliationJson({ period: "2025-01", records: "[]", exportPayload: "{}", asOf: "2025-02-03T10:00:00Z" });
// @ts-expect-error: `adjustement` is not a field of a preview row
void firstRow.adjustement;
// @ts-expect-error: `compensations_created` is not a counter (it is compensation_items_created)
void preview.summary.counters.compensations_created;
// @ts-expect-error: a total's final amount is `final`, a string
const finalTotal: number = preview.summary.totals[0].final;
void [action, licence, reconciled, asText, finalTotal];
// Issue 17: what is asked for is what is typed: no changeset with result "summary" or "totals".
const summaryOnly = previewReconciliation({ period: "2025-01", records: [], exportPayload: "{}", asOf: "2025-02-03T10:00:00Z", result: "summary" });
const onlyTotals: string = summaryOnly.summary.totals[0].adjustment;
// @ts-expect-error: a summary-only preview has no changeset
void summaryOnly.changeset;
const paged = previewReconciliation({
  period: "2025-01", records: [], exportPayload: "{}", asOf: "2025-02-03T10:00:00Z", result: "totals", pageSize: 1000,
  onRows: (rows) => { const first: string | undefined = rows[0]?.adjustment ?? undefined; void first; },
});
void [onlyTotals, paged];
// @ts-expect-error: "changeset" is not a result (it is "all", "summary" or "totals")
previewReconciliation({ period: "2025-01", records: [], exportPayload: "{}", asOf: "2025-02-03T10:00:00Z", result: "changeset" });
const rows: ConsumptionAggregateRow[] = aggregateConsumption([], { currency: "EUR" });
const aggregator = new ConsumptionAggregator({ currency: "EUR" });
const parsed = parseBillingExport("{}");
void [response, changeset, rows, aggregator, parsed, memory.snapshot()];

// Soracom: the engine and its adapter are typed; a misspelled adapter method does not compile.
import { SoracomEngine } from "../../pkg/index.js";
import type { SoracomAdapter } from "../../pkg/index.js";
const soracomAdapter: SoracomAdapter = {
  getBilling: async ({ yyyyMM }) => JSON.stringify({ yearMonth: yyyyMM }),
  getLatestBilling: async () => "{}",
  getBillingHistory: async () => "{}",
  getBillingPerDay: async () => null,
  exportBilling: async ({ exportMode }) => ({ url: exportMode }),
  exportLatestBilling: async () => "{}",
  getExportedFile: async ({ exportedFileId }) => ({ status: "exported", url: exportedFileId }),
  download: async () => new Uint8Array(),
};
// @ts-expect-error: the adapter must implement every call (getBilling is missing)
const incomplete: SoracomAdapter = { ...soracomAdapter, getBilling: undefined };
const soracomEngine = new SoracomEngine({ soracom: soracomAdapter, store: asPort, clock: { now: () => "2025-02-04T00:00:00Z" } });
void [soracomEngine.monthlyBill("c0570be2-0000-4000-8000-00000000000a", "202501"), incomplete];

// Requests and responses are the types generated from Rust: misspelled fields do not compile.
import type {
  ConsumptionStatistics,
  ConsumptionSyncCounters,
  SoracomConsumptionStatistics,
  RecordStatistics,
} from "../../pkg/index.js";
import { errorCodes } from "../../pkg/index.js";
async function typedEngines(): Promise<void> {
  const counters: ConsumptionSyncCounters = await engine.triggerConsumptionSync({ year: 2025, month: 1 });
  const synced: number = counters.synced;
  // @ts-expect-error: `yeer` is not a field of ConsumptionSyncRequest
  await engine.triggerConsumptionSync({ yeer: 2025, month: 1 });
  const stats: ConsumptionStatistics = await engine.consumptionStatistics();
  const total: number = stats.total_records;
  // @ts-expect-error: `total_recordz` is not a field of ConsumptionStatistics
  void stats.total_recordz;
  await soracomEngine.triggerReconciliation({ year: 2025, month: 1, force: true });
  // @ts-expect-error: `yeer` is not a field of SoracomMonthRequest
  await soracomEngine.triggerReconciliation({ yeer: 2025, month: 1 });
  const soracomStats: SoracomConsumptionStatistics = await soracomEngine.consumptionStatistics();
  const soracomTotal: number = soracomStats.total_records;
  // @ts-expect-error: `total_recordz` is not a field of SoracomConsumptionStatistics
  void soracomStats.total_recordz;
  // One shape for both vendors' statistics: periods, with totals by currency.
  const consumedIn = (s: RecordStatistics, currency: string): string | undefined =>
    s.by_period[0]?.by_currency[currency]?.consumed_sell ?? s.totals_by_currency[currency]?.adjustments;
  void [consumedIn(stats, "EUR"), consumedIn(soracomStats, "JPY")];
  const codes: BillsyncErrorCode[] = errorCodes();
  // @ts-expect-error: not an error code
  const wrong: BillsyncErrorCode = "invalid_perod";
  void [synced, total, soracomTotal, codes, wrong];
}
void typedEngines;

// The newest admin API's methods: their requests and responses are generated too.
import type { ArrowSettingsView, CustomerBillingSummary, CustomerMappingView } from "../../pkg/index.js";
async function adminApi(): Promise<void> {
  const settings: ArrowSettingsView = await engine.createSettings({ api_url: "https://arrow.example", api_key: "k" });
  // @ts-expect-error: the API key is write-only: no answer has it
  void settings.api_key;
  const mapping: CustomerMappingView = await engine.createCustomerMapping({ settings: settings.uuid, arrow_reference: "XSP1", waldur_customer: settings.uuid });
  const summary: CustomerBillingSummary = await engine.customerBillingSummary(mapping.uuid);
  const records: number = summary.total_consumption_records;
  await engine.linkResource(mapping.uuid, { resource_uuid: mapping.uuid, license_reference: "XSP1" });
  // @ts-expect-error: `licence_reference` is not a field of LinkResourceRequest
  await engine.linkResource(mapping.uuid, { resource_uuid: mapping.uuid, licence_reference: "XSP1" });
  const destroyed: null = await engine.destroySettings(settings.uuid);
  void [records, destroyed];
}
void adminApi;

// Soracom's CSV streamed from JS: chunks as bytes or text, sums as exact decimal strings.
import { SoracomCsvAggregator } from "../../pkg/index.js";
import type { SoracomCsvAggregates } from "../../pkg/index.js";
const csvAggregator = new SoracomCsvAggregator({ currency: "JPY" });
const rowsSoFar: number = csvAggregator.push(new Uint8Array([0xef, 0xbb, 0xbf]));
csvAggregator.push("imsi,date,billItemName,unitPrice,quantity,amount\r\n");
const csvSums: SoracomCsvAggregates = csvAggregator.finish();
const net: string = csvSums.total.net;
// @ts-expect-error: a chunk is bytes or text, not a number
csvAggregator.push(42);
void [rowsSoFar, net];

// Every engine method resolves to its generated response type: positive uses compile, and a misspelled response
// field does not (records, planned operations and their outcome, Soracom's bills).
import type {
  BillingExportResponse,
  BillingSyncView,
  CleanupResponse,
  ConsumptionRecordView,
  ConsumptionStatus,
  HistoricalConsumptionResponse,
  PendingRecordView,
  ResourceSyncResponse,
  SoracomBillingHistory,
  SoracomDailyBills,
  SoracomDailyCheck,
  SoracomDifferenceReason,
  SoracomLatestBill,
  SoracomMonthlyBill,
  SoracomRecordView,
  SoracomReconciliationResponse,
  StatementReconciliationResponse,
  SyncPaused,
} from "../../pkg/index.js";
async function typedResponses(): Promise<void> {
  // Arrow's records.
  const records: ConsumptionRecordView[] = await engine.listConsumptionRecords({ is_finalized: false });
  const record: ConsumptionRecordView = await engine.retrieveConsumptionRecord("c0570be2-0000-4000-8000-00000000000a");
  const licence: string = record.license_reference;
  const adjustment: string | null = record.adjustment_amount;
  const rawData: unknown = record.raw_data;
  // @ts-expect-error: `licence_reference` is not a field of ConsumptionRecordView (it is `license_reference`)
  void record.licence_reference;
  // @ts-expect-error: a rendered record is not the stored row: it has no `source_ref`
  void record.source_ref;
  const syncs: BillingSyncView[] = await engine.listBillingSyncs(null);
  const sync: BillingSyncView = await engine.retrieveBillingSync("c0570be2-0000-4000-8000-00000000000a");
  const state: 1 | 2 | 3 | 4 = sync.state;
  const display: "Pending" | "Synced" | "Validated" | "Reconciled" = sync.state_display;
  const quantity: string | undefined = sync.items[0]?.quantity;
  // @ts-expect-error: `statment_reference` is not a field of BillingSyncView
  void sync.statment_reference;
  const pending: PendingRecordView[] = await engine.pendingRecords({ page: 2 });
  // @ts-expect-error: a pending row has exactly the seed's seven fields: no `final_sell`
  void pending[0]?.final_sell;
  void [records, licence, adjustment, rawData, syncs, state, display, quantity];

  // Arrow's planned operations: their counters, then the changeset of a dry run or the store's report.
  const reconciled: StatementReconciliationResponse = await engine.reconcile({ year: 2025, month: 1, dry_run: true });
  const skipped: number = reconciled.skipped_not_validated;
  const failedSync: string | undefined = reconciled.error_details[0]?.billing_sync_uuid;
  if (reconciled.dry_run) {
    const writes: number = reconciled.changeset.writes.length;
    void writes;
  } else {
    const created: number | undefined = reconciled.applied?.created;
    // @ts-expect-error: only a dry run answers with its changeset
    void reconciled.changeset;
    void created;
  }
  // @ts-expect-error: `reconcilled` is not a field of StatementReconciliationResponse
  void reconciled.reconcilled;
  const statements = await engine.triggerSync({ year: 2025, month: 1 });
  const created: number = statements.syncs_created;
  const detail = statements.error_details[0];
  // A statement that failed, or a line nobody takes (issue 18): told apart by `code`.
  const statement: string | undefined = detail && detail.code !== 'unowned' ? detail.statement_reference : undefined;
  const unownedAmount: string | undefined = detail && detail.code === 'unowned' ? detail.amount : undefined;
  const unownedLines: number = statements.unowned;
  void unownedAmount;
  void unownedLines;
  // @ts-expect-error: `syncs_creatd` is not a field of StatementSyncResponse
  void statements.syncs_creatd;
  const finals = await engine.triggerReconciliation({ year: 2025, month: 1, force: true });
  const finalized: number = finals.finalized;
  // @ts-expect-error: `finalised` is not a field of ConsumptionReconciliationResponse
  void finals.finalised;
  const consumption = await engine.triggerConsumptionSync({ year: 2025, month: 1 });
  for (const detail of consumption.error_details) {
    const code: BillsyncErrorCode = detail.code;
    const unit: string = "license_reference" in detail ? detail.license_reference : detail.source_ref;
    // @ts-expect-error: an error detail names the resource by `resource_uuid`
    void detail.resource;
    void [code, unit];
  }
  const paused: SyncPaused = await engine.pauseSync(null);
  const pausedWhat: string[] = paused.paused;
  // @ts-expect-error: pauseSync answers `paused`; `resumed` is resumeSync's
  void paused.resumed;
  const resumed: string[] = (await engine.resumeSync({ pause_global: true })).resumed;
  const status: ConsumptionStatus = await engine.consumptionStatus();
  const lastRun: string | null = status.last_sync_run;
  const cleanup: CleanupResponse = await engine.cleanupConsumption(null);
  const toDelete: number = cleanup.records_to_delete;
  // @ts-expect-error: cleanup reports counts: `records_to_delete` is a number, not a list
  void cleanup.records_to_delete.length;
  const exported: BillingExportResponse = await engine.fetchBillingExport({ period_from: "2025-01", period_to: "2025-01" });
  const rows: number = exported.row_count;
  const cell: unknown = exported.data[0]?.["Vendor Subscription ID"];
  const licenceData: unknown = (await engine.fetchLicenseInfo({ license_reference: "XSP1" })).data;
  const lines: number = (await engine.fetchConsumption({ license_reference: "XSP1", period: "2025-01" })).row_count;
  const history: HistoricalConsumptionResponse = await engine.syncResourceHistoricalConsumption({ resource_uuid: "c0570be2-0000-4000-8000-00000000000a" });
  const month: string | undefined = history.errors[0]?.period;
  const resources: ResourceSyncResponse = await engine.syncResources(null);
  const resourcesCreated: number = resources.created;
  // @ts-expect-error: `periods_synced` is the historical sync's, not sync_resources'
  void resources.periods_synced;
  void [skipped, failedSync, created, statement, finalized, pausedWhat, resumed, lastRun, toDelete, rows, cell, licenceData, lines, month, resourcesCreated];

  // Soracom: records, the planned operations, and the customers' bills in Soracom's own shapes.
  const soracomRecords: SoracomRecordView[] = await soracomEngine.listConsumptionRecords({ is_finalized: true });
  const subscriber: string | undefined = soracomRecords[0]?.subscriber;
  // @ts-expect-error: Soracom's records name the `subscriber`, not a `license_reference`
  void soracomRecords[0]?.license_reference;
  const soracomRecord: SoracomRecordView = await soracomEngine.retrieveConsumptionRecord("c0570be2-0000-4000-8000-00000000000a");
  const finalAmount: string | null = soracomRecord.final_amount;
  const closing: SoracomReconciliationResponse = await soracomEngine.triggerReconciliation({ year: 2025, month: 1 });
  if (closing.month_closed) {
    const compensations: number = closing.compensation_items_created;
    // @ts-expect-error: a closed month has no `detail`: it was reconciled
    void closing.detail;
    void compensations;
  } else {
    const why: string = closing.detail;
    const none: 0 = closing.reconciled;
    void [why, none];
  }
  const soracomSync = await soracomEngine.triggerConsumptionSync({ year: 2025, month: 1, dry_run: true });
  for (const detail of soracomSync.error_details) {
    const unit: string = "subscriber" in detail ? detail.subscriber : detail.source_ref;
    void unit;
  }
  // @ts-expect-error: `skiped_finalized` is not a field of SoracomConsumptionSyncResponse
  void soracomSync.skiped_finalized;
  const check: SoracomDailyCheck = await soracomEngine.dailyCheck({ year: 2025, month: 1 });
  const reasons: SoracomDifferenceReason[] = check.reasons;
  // @ts-expect-error: not a reason the daily check gives
  const reason: SoracomDifferenceReason = "rounding";
  const current: string = (await soracomEngine.consumptionStatus()).current_period;
  const bill: SoracomMonthlyBill = await soracomEngine.monthlyBill("c0570be2-0000-4000-8000-00000000000a", "202501");
  const amount: number = bill.amount;
  const billState: "temporary" | "closed" = bill.state;
  const yearMonth: string = bill.yearMonth;
  // @ts-expect-error: Soracom writes `yearMonth`, not `year_month`
  void bill.year_month;
  // @ts-expect-error: a bill's amount is a JSON number, as Soracom writes it, not a decimal string
  const amountText: string = bill.amount;
  const latest: SoracomLatestBill = await soracomEngine.latestBill("c0570be2-0000-4000-8000-00000000000a");
  const evaluated: string | null = latest.lastEvaluatedTime;
  // @ts-expect-error: `lastEvaluatedTim` is not a field of SoracomLatestBill
  void latest.lastEvaluatedTim;
  const days: SoracomDailyBills = await soracomEngine.dailyBills("c0570be2-0000-4000-8000-00000000000a", "202501");
  const day: string | undefined = days.billList[0]?.date;
  // @ts-expect-error: Soracom writes `billList`, not `bill_list`
  void days.bill_list;
  const closed: SoracomBillingHistory = await soracomEngine.billingHistory("c0570be2-0000-4000-8000-00000000000a");
  const closedMonth: "temporary" | "closed" | undefined = closed.billList[0]?.state;
  void [subscriber, finalAmount, reasons, reason, current, amount, billState, yearMonth, amountText, evaluated, day, closedMonth];

  // validateRequest: the normalised request of the operation named, defaults filled in, absent fields null.
  const normalised = validateRequest("admin_arrow_billing_syncs_cleanup_consumption", {});
  const dryRun: boolean = normalised.dry_run;
  const from: string | null = normalised.period_from;
  // @ts-expect-error: dry_run defaults to true: it is never null
  const dryRunNull: null = normalised.dry_run;
  // @ts-expect-error: `dryrun` is not a field of the cleanup request
  void normalised.dryrun;
  const trigger = validateRequest("admin_arrow_billing_syncs_trigger_sync", { year: 2025, month: 1 });
  const year: number = trigger.year;
  const settings: string | null = trigger.settings_uuid;
  const unknownOperation = validateRequest(String("admin_arrow_billing_syncs_list"), null);
  void [dryRun, from, dryRunNull, year, settings, unknownOperation];
}
void typedResponses;
