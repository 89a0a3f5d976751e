// One measurement per process, printed as one JSON line (bench/run.sh collects them, report.mjs prints them).
//
//   node bench/measure.mjs wasm FILE RUNS      billsync's wasm build (bench/build) via ConsumptionAggregator
//   node bench/measure.mjs js FILE RUNS        plain JS: JSON.parse + decimal.js, as a good Node engineer would
//   node bench/measure.mjs rss LICENCES LINES  peak RSS of the streaming wasm path, payloads made on the fly
//
// The timed region is the same for every implementation: from the payload texts already in memory to the
// finished rows (parse, check, sum per key). The checksums (Σ sell, Σ buy over all rows) must agree.
import { createRequire } from 'node:module';
import Decimal from 'decimal.js';
import { payloadOf, readPayloads, tagOf } from './generate.mjs';

const require = createRequire(import.meta.url);
const [mode, ...args] = process.argv.slice(2);

function checksum(rows) {
  let sell = new Decimal(0);
  let buy = new Decimal(0);
  for (const row of rows) {
    sell = sell.plus(row.consumed_sell);
    buy = buy.plus(row.consumed_buy);
  }
  // Lossless with at least 2 decimals, as render_exact writes it.
  const render = (d) => (d.decimalPlaces() < 2 ? d.toFixed(2) : d.toFixed());
  return { sell: render(sell), buy: render(buy) };
}

function time(runs, once) {
  const seconds = [];
  // One untimed run first, as for the native bench: JIT tiering (JS and wasm alike) is not what we measure.
  let rows = once();
  for (let r = 0; r < runs; r++) {
    const started = process.hrtime.bigint();
    rows = once();
    seconds.push(Number(process.hrtime.bigint() - started) / 1e9);
  }
  return { seconds, rows };
}

function wasmOnce(billsync, payloads, tags) {
  const aggregator = new billsync.ConsumptionAggregator({ currency: 'EUR' });
  let lines = 0;
  for (let i = 0; i < payloads.length; i++) lines += aggregator.push(tags[i], payloads[i]);
  const rows = aggregator.finish();
  rows.lines = lines;
  return rows;
}

// The plain-JS reference: what billsync replaces. Strict enough to be honest (a bad amount throws rather
// than becoming 0 or NaN, currencies are checked), and no slower than it needs to be (column indexes found
// once per payload, one Decimal sum per payload, then added to the key's running total).
const AMOUNT = /^-?\d+(\.\d+)?$/;
function amountOf(cell, row, column) {
  if (typeof cell === 'number') return new Decimal(cell);
  if (typeof cell === 'string') {
    const text = cell.trim().replace(/^€/, '').replace(/,(?=\d{3}(\D|$))/g, '');
    if (AMOUNT.test(text)) return new Decimal(text);
  }
  throw new Error(`row ${row}, column ${column}: not an amount: ${JSON.stringify(cell)}`);
}

function jsOnce(payloads, tags) {
  const totals = new Map();
  let lines = 0;
  for (let i = 0; i < payloads.length; i++) {
    const { data } = JSON.parse(payloads[i]);
    const find = (name) => data.headers.findIndex((h) => h.trim().toLowerCase() === name.toLowerCase());
    const sellAt = find('Total sell price');
    const buyAt = find('Total buy price');
    const currencyAt = find('Country currency code');
    const periodAt = find('Report Period');
    if (sellAt < 0 || buyAt < 0) throw new Error('missing column');
    const tag = tags[i];
    const byKey = new Map();
    data.lines.forEach((line, n) => {
      const period = periodAt >= 0 && line[periodAt] ? line[periodAt].slice(0, 7) : tag.period;
      const currency = (currencyAt >= 0 && line[currencyAt]) || 'EUR';
      const key = `${tag.resourceUuid}|${tag.licenseReference}|${period}`;
      let sum = byKey.get(key);
      if (!sum) byKey.set(key, (sum = { sell: new Decimal(0), buy: new Decimal(0), currency, lines: 0, period }));
      if (sum.currency !== currency) throw new Error(`row ${n + 1}: currency mismatch`);
      sum.sell = sum.sell.plus(amountOf(line[sellAt], n + 1, 'Total sell price'));
      sum.buy = sum.buy.plus(amountOf(line[buyAt], n + 1, 'Total buy price'));
      sum.lines += 1;
    });
    for (const [key, sum] of byKey) {
      const total = totals.get(key);
      if (!total) totals.set(key, { ...sum, tag });
      else {
        if (total.currency !== sum.currency) throw new Error('currency mismatch');
        total.sell = total.sell.plus(sum.sell);
        total.buy = total.buy.plus(sum.buy);
        total.lines += sum.lines;
      }
    }
    lines += data.lines.length;
  }
  const rows = [...totals.values()].map((t) => ({
    resource_uuid: t.tag.resourceUuid,
    license_reference: t.tag.licenseReference,
    billing_period: `${t.period}-01`,
    consumed_sell: t.sell.toFixed(),
    consumed_buy: t.buy.toFixed(),
    currency: t.currency,
    lines: t.lines,
  }));
  rows.lines = lines;
  return rows;
}

function report(impl, file, payloads, { seconds, rows }) {
  const bytes = payloads.reduce((n, p) => n + Buffer.byteLength(p), 0) + payloads.length;
  console.log(JSON.stringify({ impl, file, lines: rows.lines, bytes, keys: rows.length, seconds, ...checksum(rows) }));
}

if (mode === 'wasm' || mode === 'js') {
  const [file, runs = '3'] = args;
  const payloads = readPayloads(file);
  const tags = payloads.map((_, i) => tagOf(i));
  if (mode === 'wasm') {
    const billsync = require(`./build/${process.env.BILLSYNC_BUILD ? `${process.env.BILLSYNC_BUILD}/` : ''}billsync.js`);
    report('wasm', file, payloads, time(Number(runs), () => wasmOnce(billsync, payloads, tags)));
  } else {
    report('decimal.js', file, payloads, time(Number(runs), () => jsOnce(payloads, tags)));
  }
} else if (mode === 'rss') {
  const [licences, lines] = args.map(Number);
  const billsync = require(`./build/${process.env.BILLSYNC_BUILD ? `${process.env.BILLSYNC_BUILD}/` : ''}billsync.js`);
  const aggregator = new billsync.ConsumptionAggregator({ currency: 'EUR' });
  const started = process.hrtime.bigint();
  let pushed = 0;
  for (let i = 0; i < licences; i++) pushed += aggregator.push(tagOf(i), payloadOf(i, lines));
  const rows = aggregator.finish();
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  console.log(JSON.stringify({
    impl: 'rss', lines: pushed, keys: rows.length, seconds,
    max_rss_mb: Math.round(process.resourceUsage().maxRSS / 1024),
    // RSS counts wasm linear memory; the V8 heap is where the generator's garbage goes.
    heap_total_mb: Math.round(process.memoryUsage().heapTotal / 2 ** 20),
  }));
} else {
  console.error('usage: node bench/measure.mjs wasm|js FILE RUNS | rss LICENCES LINES');
  process.exit(2);
}
