// The preview's worker (a module Web Worker): it reads the files, runs billsync's WebAssembly, and keeps the
// result, so that the page's thread only ever handles what is on screen. A 100,000-record preview is a
// 230 MB result; the page receives its totals, one page of rows at a time, and the downloads as Blobs.
//
// Messages in:  { type: "preview", id, vendor, inputs, params } · { type: "rows", id, query } ·
//               { type: "download", id, kind: "csv" | "changeset" }
// Messages out: { type: "ready", version } · { type: "progress", id, operation, done, total, message } ·
//               { type: "result", id, view } · { type: "rows", id, page } · { type: "download", id, blob, name } ·
//               { type: "error", id, error: { code, message, target, fields, details } }

import { InputError } from './inputs.js';
import { readInputs } from './worker-inputs.js';
import { PreviewModel } from './model.js';

let billsync = null;
let model = null;
/** What the current preview has read so far: the file names and the vendor, for its errors. */
let context = {};

const loading = import(new URL('../pkg/web.js', import.meta.url).href).then(
  (module) => {
    billsync = module;
    postMessage({ type: 'ready', version: module.version() });
  },
  (e) => postMessage({ type: 'error', id: null, error: { code: 'engine_unavailable', message: `Could not load the billsync package (is pkg/ built? run "make build"): ${e.message}` } }),
);

/**
 * Progress, in the shape of the package's own progress events ({ operation, done, total, message }):
 * the reading of each file by bytes, then each step of the preview.
 */
function progressOf(id) {
  return function onProgress({ operation, done, total, message }) {
    postMessage({ type: 'progress', id, operation, done, total, message });
  };
}

/** An error as plain data: an Error's own fields do not survive postMessage. */
function plain(error) {
  if (error instanceof InputError) {
    return { code: error.code, message: error.message, target: error.target, details: error.details };
  }
  if (billsync?.isBillsyncError?.(error)) {
    return { code: error.code, message: error.message, status: error.status, fields: error.fields ?? null, details: error.details ?? null, billsync: true };
  }
  return { code: 'internal_error', message: `The page failed (a bug, please report it): ${error?.message ?? error}`, stack: error?.stack };
}

async function preview({ id, vendor, inputs, params }) {
  const onProgress = progressOf(id);
  model = null;
  context = { names: Object.fromEntries(Object.entries(inputs).map(([k, v]) => [k, v?.file?.name ?? v?.name]).filter(([, n]) => n)), vendor };
  const started = performance.now();
  const read = await readInputs(vendor, inputs, onProgress);
  context = { names: read.names, vendor: read.vendor };
  const request = { ...params, ...read.request };
  onProgress({ operation: 'preview', done: 0, total: 1, message: `Reconciling ${read.recordCount.toLocaleString('en')} records in WebAssembly…` });
  const reconciling = performance.now();
  const text = billsync.previewReconciliationJson(request);
  const reconciled = performance.now();
  onProgress({ operation: 'preview', done: 1, total: 1, message: 'Reconciled; adding up per customer…' });
  if (read.daily !== undefined) read.extras.dailyCheck = await dailyCheck(request, read.daily, onProgress);
  model = PreviewModel.of(text, read, onProgress);
  const view = model.view();
  view.names = read.names;
  // Where the time went, in seconds: reading and recognising the inputs, the wasm, the sums.
  view.timings = { read: reconciling - started, preview: reconciled - reconciling, summary: performance.now() - reconciled };
  return view;
}

/**
 * The month's daily bills against its closed bill, explained by the package's own daily check: a
 * SoracomEngine over a memory store, whose Soracom adapter answers with the documents given.
 */
async function dailyCheck(request, dailyText, onProgress) {
  const [year, month] = request.period.split('-').map(Number);
  const settings = { uuid: '00000000-0000-4000-8000-000000000001', name: 'Soracom' };
  if (request.settings?.currency) settings.currency = request.settings.currency;
  const refuse = async () => {
    throw new Error('not used by the daily check');
  };
  const engine = new billsync.SoracomEngine({
    soracom: {
      getBilling: async () => request.bill,
      getBillingPerDay: async () => dailyText,
      getLatestBilling: refuse, getBillingHistory: refuse, exportBilling: refuse,
      exportLatestBilling: refuse, getExportedFile: refuse, download: refuse,
    },
    store: billsync.createMemoryStore({ soracom_settings: [settings] }),
    clock: { now: () => request.asOf },
    onProgress,
  });
  try {
    return { ok: true, check: await engine.dailyCheck({ year, month }) };
  } catch (error) {
    return { ok: false, error: plain(error) };
  } finally {
    engine.free?.();
  }
}

/**
 * The FOCUS 1.4 CSV of the invoice items the preview's changeset would create, made by the package's own
 * export: an engine of the previewed vendor over a memory store holding those items and the records'
 * customers (its adapter is never called). The items are on the invoices of the "as of" month.
 */
async function focusDownload(model) {
  const writes = JSON.parse(model.changesetText).writes ?? [];
  const items = writes.filter((w) => w.table === 'invoice_items' && w.op !== 'delete' && w.row).map((w) => (typeof w.row === 'string' ? JSON.parse(w.row) : w.row));
  const customers = new Map();
  for (const r of model.rows) if (r.customer_uuid && !customers.has(r.customer_uuid)) customers.set(r.customer_uuid, { uuid: r.customer_uuid, name: r.customer_name ?? '' });
  const asOf = /"as_of":"([^"]+)"/.exec(model.changesetText.slice(0, 300))?.[1];
  const period = items[0]?.billing_period ?? String(asOf ?? new Date().toISOString()).slice(0, 7);
  const refuse = async () => {
    throw new Error('not used by the FOCUS export');
  };
  const store = billsync.createMemoryStore({ invoice_items: items, customers: [...customers.values()] });
  const clock = { now: () => new Date().toISOString() };
  const engine = model.vendor === 'soracom'
    ? new billsync.SoracomEngine({ soracom: { getBilling: refuse, getBillingPerDay: refuse, getLatestBilling: refuse, getBillingHistory: refuse, exportBilling: refuse, exportLatestBilling: refuse, getExportedFile: refuse, download: refuse }, store, clock })
    : new billsync.ArrowEngine({ arrow: { billingExport: refuse, consumption: refuse, license: refuse, licenses: refuse }, store, clock });
  const parts = [];
  try {
    await engine.focusExport({ period, format: 'csv', issuer: 'billsync preview', onChunk: (chunk) => parts.push(chunk) });
  } finally {
    engine.free?.();
    store.free?.();
  }
  return { name: `focus-${period}.csv`, blob: new Blob(parts, { type: 'text/csv;charset=utf-8' }) };
}

self.onmessage = async ({ data }) => {
  const { id } = data;
  try {
    await loading;
    if (!billsync) return;
    switch (data.type) {
      case 'preview':
        postMessage({ type: 'result', id, view: await preview(data) });
        break;
      case 'rows':
        postMessage({ type: 'rows', id, page: model?.pageOf(data.query ?? {}) ?? null });
        break;
      case 'download':
        if (model) postMessage({ type: 'download', id, ...(data.kind === 'focus' ? await focusDownload(model) : model.download(data.kind)) });
        break;
      default:
        throw new Error(`unknown message ${data.type}`);
    }
  } catch (error) {
    if (data.type === 'preview') model = null;
    postMessage({ type: 'error', id, error: data.type === 'preview' ? { ...plain(error), ...context } : plain(error) });
  }
};
