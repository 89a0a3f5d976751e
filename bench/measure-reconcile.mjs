// The reconciliation preview in wasm and as plain JS with decimal.js, on bench/reconcile-data.mjs's file.
//
//   node bench/measure-reconcile.mjs wasm FILE RUNS
//   node bench/measure-reconcile.mjs js FILE RUNS
//
// Prints one JSON line like bench/reconcile.rs: the same checksum (Σ adjustment) must come out of all three.
import fs from 'node:fs';
import { createRequire } from 'node:module';
import crypto from 'node:crypto';
import Decimal from 'decimal.js';
import { reconcileInput } from './reconcile-data.mjs';

const require = createRequire(import.meta.url);
const [mode, file, runsArg] = process.argv.slice(2);
const runs = Number(runsArg ?? 3);
// FILE may be a number of records instead: the input is then made in this process (bench/reconcile-data.mjs),
// for sizes whose file is more than one JS string can hold (1M records: ~330 MB of records, 260 MB of export).
const input = /^\d+$/.test(file) ? reconcileInput(Number(file)) : JSON.parse(fs.readFileSync(file, 'utf8'));
// Both sides get the records as one JSON text, as a page gets them from a fetch, and parse it in the timed run
// (unless they start from the objects: RECORDS_AS=objects).
if (process.env.RECORDS_AS !== 'objects') input.recordsText = JSON.stringify(input.records);
const settings = { invoice_price_source: 'sell', invoice_item_prefix: 'Arrow consumption', currency: 'EUR' };

// RUNS=0: one run, timed (for sizes where a warm-up run costs too much).
function time(once) {
  if (runs === 0) {
    const started = process.hrtime.bigint();
    const result = once();
    return { seconds: [Number(process.hrtime.bigint() - started) / 1e9], result };
  }
  let result = once();
  const seconds = [];
  for (let r = 0; r < runs; r++) {
    const started = process.hrtime.bigint();
    result = once();
    seconds.push(Number(process.hrtime.bigint() - started) / 1e9);
  }
  return { seconds, result };
}

const AMOUNT = /^-?\d+(\.\d+)?$/;
function amount(cell, row, column) {
  const text = typeof cell === 'number' ? String(cell) : String(cell ?? '').trim().replace(/^€/, '').replace(/,(?=\d{3}(\D|$))/g, '');
  if (!AMOUNT.test(text)) throw new Error(`row ${row}, column ${column}: not an amount: ${JSON.stringify(cell)}`);
  return new Decimal(text);
}
// UUID v5 in billsync's namespace, as src/ids.rs derives ids: SHA-1 of namespace ‖ kind ‖ 0x1f ‖ key.
const NAMESPACE = Buffer.from('6c1f0b7e93a45d2e8f612b4c9d07e35a', 'hex');
function derive(kind, key) {
  const h = crypto.createHash('sha1').update(NAMESPACE).update(`${kind}\u001f${key}`).digest();
  h[6] = (h[6] & 0x0f) | 0x50;
  h[8] = (h[8] & 0x3f) | 0x80;
  const x = h.toString('hex', 0, 16);
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20, 32)}`;
}
const ZERO = new Decimal(0);
// The same work as billsync's preview: parse both inputs, sum each licence's lines exactly, and per record
// derive the ids, build the compensation item (name, details, invoice), the ledger source row and the updated
// record, the summary row, and the totals per currency and per customer.
// `result`: "all" (the changeset too), "summary" (rows and totals) or "totals" (no rows); `records` as objects
// when given (RECORDS_AS=objects), else parsed from their text.
function jsPreview({ recordsText, exportPayload, records: objects }, result = 'all', asOf = '2025-02-03T10:00:00Z') {
  const records = objects ?? JSON.parse(recordsText);
  const changeset = result === 'all';
  const { data } = JSON.parse(exportPayload);
  const col = (name) => {
    const i = data.headers.indexOf(name);
    if (i < 0) throw new Error(`missing column ${name}`);
    return i;
  };
  const [sellAt, buyAt, licenseAt] = [col('Customer Total Price'), col('Total Wholesale Price'), col('ARS Subscription ID')];
  const finals = new Map();
  data.values.forEach((row, i) => {
    const key = row[licenseAt];
    const f = finals.get(key) ?? { sell: ZERO, buy: ZERO };
    f.sell = f.sell.plus(amount(row[sellAt], i + 1, 'Customer Total Price'));
    f.buy = f.buy.plus(amount(row[buyAt], i + 1, 'Total Wholesale Price'));
    finals.set(key, f);
  });
  const writes = [];
  const rows = [];
  const invoices = new Map();
  const totals = new Map();
  const add = (key, extra, consumed, final, adjustment) => {
    const t = totals.get(key) ?? { ...extra, currency: 'EUR', consumed: ZERO, final: ZERO, adjustment: ZERO };
    t.consumed = t.consumed.plus(consumed); t.final = t.final.plus(final); t.adjustment = t.adjustment.plus(adjustment);
    totals.set(key, t);
  };
  const counters = { finalized: 0, reconciled: 0, compensation_items_created: 0, no_billing_data: 0, already_reconciled: 0, errors: 0 };
  for (const record of records) {
    const consumed = new Decimal(record.consumed_sell);
    const period = record.billing_period.slice(0, 7);
    const f = finals.get(record.license_reference);
    const row = { license_reference: record.license_reference, billing_period: record.billing_period, resource_uuid: record.resource_uuid,
      resource_name: record.resource_name, currency: 'EUR', consumed_sell: consumed.toFixed(2), final_sell: null, adjustment: null,
      compensation: '0.00', action: 'no_billing_data', compensation_item_uuid: null, error: null };
    if (result !== 'totals') rows.push(row);
    if (!f) { counters.no_billing_data++; continue; }
    const natural = `${record.resource_uuid}|${period}|${record.license_reference}`;
    const billed = consumed; // the provisional item bills the consumption
    const difference = f.sell.minus(billed);
    const adjustment = f.sell.minus(consumed);
    const updated = changeset && { ...record, final_sell: f.sell.toFixed(2), final_buy: f.buy.toFixed(2), finalized_at: asOf, reconciled_at: asOf, modified: asOf };
    let items = 1;
    let total = billed;
    if (difference.abs().gte('0.01')) {
      const kind = difference.isNegative() ? 'credit' : 'additional charge';
      const key = `consumption_compensation:${natural}:1`;
      const uuid = derive('invoice_item', key);
      const invoiceKey = `${record.customer_uuid}|2025-02`;
      let invoice = invoices.get(invoiceKey);
      if (!invoice) invoices.set(invoiceKey, invoice = derive('invoice', invoiceKey));
      const item = changeset && { uuid, invoice_uuid: invoice, customer_uuid: record.customer_uuid, project_uuid: null, resource_uuid: record.resource_uuid,
        billing_period: '2025-02', kind: 'consumption_compensation', source_key: natural,
        name: `${settings.invoice_item_prefix} adjustment: ${record.resource_name} (${kind} for ${record.billing_period})`,
        unit_price: difference.toString(), quantity: '1', currency: 'EUR',
        details: { license_reference: record.license_reference, billing_period: period, final: f.sell.toFixed(2), billed_before: billed.toFixed(2), owner: 'consumption_records', reason: "the unit's final amount" },
        created: asOf, modified: asOf };
      items++; total = total.plus(difference);
      if (changeset) {
        writes.push({ op: 'put', table: 'ledger_sources', id: derive('ledger_source', natural), expect: 0, key: `ledger_source:${natural}`,
          row: { source_key: natural, currency: 'EUR', billed: total.toString(), items, unit: `${period}|${record.license_reference}` } });
        writes.push({ op: 'create', table: 'invoice_items', id: uuid, expect: 0, key, row: item });
      }
      if (changeset) updated.compensation_item_uuid = uuid;
      row.compensation = difference.toFixed(2); row.compensation_item_uuid = uuid;
      row.action = difference.isNegative() ? 'credit' : 'additional_charge';
      counters.compensation_items_created++;
    } else {
      if (changeset) {
        writes.push({ op: 'put', table: 'ledger_sources', id: derive('ledger_source', natural), expect: 0, key: `ledger_source:${natural}`,
          row: { source_key: natural, currency: 'EUR', billed: total.toString(), items, unit: `${period}|${record.license_reference}` } });
      }
      row.action = 'no_compensation';
    }
    if (changeset) writes.push({ op: 'put', table: 'consumption_records', id: record.uuid, expect: 0, key: `consumption_record:${natural}`, row: updated });
    row.final_sell = f.sell.toFixed(2); row.adjustment = adjustment.toFixed(2);
    counters.finalized++; counters.reconciled++;
    add('EUR', {}, consumed, f.sell, adjustment);
    add(`${record.customer_uuid}|EUR`, { customer_uuid: record.customer_uuid, customer_name: record.customer_name }, consumed, f.sell, adjustment);
  }
  const render = (t) => ({ ...t, consumed: t.consumed.toFixed(2), final: t.final.toFixed(2), adjustment: t.adjustment.toFixed(2) });
  const all = [...totals.values()].map(render);
  const summary = { records: rows, totals: all.filter((t) => !t.customer_uuid), customers: all.filter((t) => t.customer_uuid), counters };
  return changeset ? { changeset: { operation: 'trigger_reconciliation', as_of: asOf, writes }, summary } : { summary };
}

// Every implementation ends with the whole result as one JSON text (what previewReconciliationJson returns,
// and what a host stores or sends); RESULT_AS=objects ends with JS objects instead (previewReconciliation,
// and the reference without its JSON.stringify). RECORDS_AS=objects: both start from the records as an array
// of JS objects (the reference reads them as they are; the wasm is given the array). RESULT=summary|totals:
// what is asked for (the summary without the changeset; only the totals). PAGED=N: the rows in pages of N
// through onRows (each page counted, then dropped).
const asObjects = process.env.RESULT_AS === 'objects';
const recordsAsObjects = process.env.RECORDS_AS === 'objects';
const result = process.env.RESULT ?? 'all';
const paged = process.env.PAGED ? Number(process.env.PAGED) : 0;
let pagedRows = 0;
let once;
if (mode === 'wasm') {
  const billsync = require(process.env.BILLSYNC_JS ?? './build/billsync.js');
  const records = recordsAsObjects ? input.records : input.recordsText;
  const request = { period: '2025-01', records, exportPayload: input.exportPayload, settings, asOf: '2025-02-03T10:00:00Z', result };
  if (paged) Object.assign(request, { pageSize: paged, onRows: (rows) => { pagedRows += rows.length; } });
  once = asObjects ? () => billsync.previewReconciliation(request) : () => billsync.previewReconciliationJson(request);
} else {
  const from = recordsAsObjects ? { records: input.records, exportPayload: input.exportPayload } : { recordsText: input.recordsText, exportPayload: input.exportPayload };
  if (paged) {
    // The reference's rows in pages: built and dropped a page at a time, as onRows would get them.
    once = () => { const r = jsPreview(from, result); pagedRows += r.summary.records.length; r.summary.records = []; return asObjects ? r : JSON.stringify(r); };
  } else {
    once = asObjects ? () => jsPreview(from, result) : () => JSON.stringify(jsPreview(from, result));
  }
}
const { seconds, result: output } = time(once);
// Outside the timed region: the figures every implementation prints, read back from its result.
const parsed = typeof output === 'string' ? JSON.parse(output) : output;
console.log(JSON.stringify({
  impl: mode === 'wasm' ? 'wasm' : 'decimal.js',
  case: `records as ${recordsAsObjects ? 'objects' : 'text'}, result ${result}${paged ? ` paged by ${paged}` : ''} as ${asObjects ? 'objects' : 'text'}`,
  records: paged ? pagedRows / (runs === 0 ? 1 : runs + 1) : result === 'totals' ? parsed.summary.counters.reconciled + parsed.summary.counters.no_billing_data : parsed.summary.records.length,
  seconds,
  adjustment: parsed.summary.totals[0].adjustment,
  compensations: parsed.summary.counters.compensation_items_created,
  result_bytes: typeof output === 'string' ? Buffer.byteLength(output) : null,
  peak_rss_mb: Math.round(process.resourceUsage().maxRSS / 1024),
}));
