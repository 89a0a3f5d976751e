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
} from "../../pkg/index.js";

const tables: StoreTables = { settings: [], resources: [] };
const memory = createMemoryStore(tables);
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
  const codes: BillsyncErrorCode[] = errorCodes();
  // @ts-expect-error: not an error code
  const wrong: BillsyncErrorCode = "invalid_perod";
  void [synced, total, soracomTotal, codes, wrong];
}
void typedEngines;

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
