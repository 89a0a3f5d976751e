// The reconciliation preview in wasm and as plain JS with decimal.js, on bench/reconcile-data.mjs's file.
//
//   node bench/measure-reconcile.mjs wasm FILE RUNS
//   node bench/measure-reconcile.mjs js FILE RUNS
//
// Prints one JSON line like bench/reconcile.rs: the same checksum (Σ adjustment) must come out of all three.
import fs from 'node:fs';
import { createRequire } from 'node:module';
import Decimal from 'decimal.js';

const require = createRequire(import.meta.url);
const [mode, file, runsArg] = process.argv.slice(2);
const runs = Number(runsArg ?? 3);
const input = JSON.parse(fs.readFileSync(file, 'utf8'));
const settings = { invoice_price_source: 'sell', invoice_item_prefix: 'Arrow consumption', currency: 'EUR' };

function time(once) {
  let result = once();
  const seconds = [];
  for (let r = 0; r < runs; r++) {
    const started = process.hrtime.bigint();
    result = once();
    seconds.push(Number(process.hrtime.bigint() - started) / 1e9);
  }
  return { seconds, result };
}

// The plain-JS reference: parse the export, sum each licence's lines exactly, compare with consumption, and
// plan one compensation per difference of a cent or more, with the same names and totals.
const AMOUNT = /^-?\d+(\.\d+)?$/;
function amount(cell, row, column) {
  const text = typeof cell === 'number' ? String(cell) : String(cell ?? '').trim().replace(/^€/, '').replace(/,(?=\d{3}(\D|$))/g, '');
  if (!AMOUNT.test(text)) throw new Error(`row ${row}, column ${column}: not an amount: ${JSON.stringify(cell)}`);
  return new Decimal(text);
}
function jsPreview({ records, exportPayload }) {
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
    const f = finals.get(key) ?? { sell: new Decimal(0), buy: new Decimal(0) };
    f.sell = f.sell.plus(amount(row[sellAt], i + 1, 'Customer Total Price'));
    f.buy = f.buy.plus(amount(row[buyAt], i + 1, 'Total Wholesale Price'));
    finals.set(key, f);
  });
  const intents = [];
  const rows = [];
  let adjustment = new Decimal(0);
  for (const record of records) {
    const f = finals.get(record.license_reference);
    if (!f) { rows.push({ license_reference: record.license_reference, action: 'no_billing_data' }); continue; }
    const difference = f.sell.minus(record.consumed_sell);
    adjustment = adjustment.plus(difference);
    if (difference.abs().gte('0.01')) {
      const kind = difference.isNegative() ? 'credit' : 'additional charge';
      intents.push({ type: 'create_invoice_item', item: { name: `${settings.invoice_item_prefix} adjustment: ${record.resource_name} (${kind} for ${record.billing_period})`, unit_price: difference.toFixed(2) } });
    }
    intents.push({ type: 'upsert_consumption_record', record: { ...record, final_sell: f.sell.toFixed(2), final_buy: f.buy.toFixed(2) } });
    rows.push({ license_reference: record.license_reference, adjustment: difference.toFixed(2) });
  }
  return { changeset: { intents }, summary: { records: rows, totals: [{ adjustment: adjustment.toFixed(2) }], counters: { compensation_items_created: intents.filter((i) => i.type === 'create_invoice_item').length } } };
}

let once;
if (mode === 'wasm') {
  const billsync = require('./build/billsync.js');
  once = () => billsync.previewReconciliation({ period: '2025-01', records: input.records, exportPayload: input.exportPayload, settings, asOf: '2025-02-03T10:00:00Z' });
} else {
  once = () => jsPreview(input);
}
const { seconds, result } = time(once);
console.log(JSON.stringify({
  impl: mode === 'wasm' ? 'wasm' : 'decimal.js',
  records: result.summary.records.length,
  seconds,
  adjustment: result.summary.totals[0].adjustment,
  compensations: result.summary.counters.compensation_items_created,
}));
