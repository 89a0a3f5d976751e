// The preview's result as the page shows it, kept in the worker: the package's summary, each record with its
// customer (from the records given), what it bills now and what was adjusted before, the totals, pages of
// rows sorted and filtered, and the downloads. Figures are the package's; the sums are exact (decimal.js).

import { DecimalSum, compareDecimal, multiply, parseDecimal } from './decimal.js';
import { previewCsvParts } from './csv.js';

const SUMMARY_KEY = ',"summary":';
const PREFIX = '{"changeset":';
const CHART_CUSTOMERS = 20;

/**
 * What each invoice item the changeset creates bills, exactly (unit_price × quantity), by the item's uuid: the
 * records' `compensation` is rendered to the cent, the items keep every decimal (Soracom's CSV has 7).
 * Read from the changeset's text without parsing it: each create of invoice_items is found by its opening,
 * and its row's uuid and price by the package's field order (names are JSON strings, so none can hold them).
 */
function itemAmounts(changesetText) {
  const amounts = new Map();
  const marker = '{"op":"create","table":"invoice_items"';
  const price = /"unit_price":"(-?\d+(?:\.\d+)?)","quantity":"(-?\d+(?:\.\d+)?)"/g;
  for (let at = changesetText.indexOf(marker); at !== -1; at = changesetText.indexOf(marker, at + marker.length)) {
    const row = changesetText.indexOf('"row":{"uuid":"', at);
    if (row === -1) break;
    const uuid = changesetText.slice(row + 15, row + 51);
    price.lastIndex = row;
    const m = price.exec(changesetText);
    if (!m) break;
    amounts.set(uuid, multiply(m[1], m[2]));
  }
  return amounts;
}

/** The customer of each input record, keyed by what the preview's rows carry. */
function customerIndex(records, label) {
  const byResource = new Map();
  const bySource = new Map();
  for (const r of records) {
    if (!r || typeof r !== 'object') continue;
    const source = String(r[label] ?? r.source_ref ?? '').trim();
    const period = String(r.billing_period ?? '').slice(0, 7);
    const customer = { uuid: r.customer_uuid ?? null, name: r.customer_name ?? null };
    if (r.resource_uuid) byResource.set(`${r.resource_uuid}|${period}|${source}`, customer);
    if (!bySource.has(`${source}|${period}`)) bySource.set(`${source}|${period}`, customer);
  }
  return (row) =>
    byResource.get(`${row.resource_uuid}|${row.billing_period.slice(0, 7)}|${row.source}`) ??
    bySource.get(`${row.source}|${row.billing_period.slice(0, 7)}`) ??
    bySource.get(`${row.source}|`) ?? { uuid: null, name: null };
}

/** Amounts of a group: the package's consumed, final and adjustment, and the sums of what it bills now. */
function group(keyed, key, seed) {
  let g = keyed.get(key);
  if (!g) {
    g = { ...seed, records: 0, toBillNow: new DecimalSum(), credits: 0, charges: 0 };
    keyed.set(key, g);
  }
  return g;
}

function finish(g, packageRow) {
  // Rounded once, from the items' exact amounts, as the package rounds its own totals.
  const toBillNow = g.toBillNow.rounded(2);
  const adjustment = packageRow?.adjustment ?? '0.00';
  return {
    ...(g.customer_uuid !== undefined ? { customer_uuid: g.customer_uuid, customer_name: g.customer_name } : {}),
    currency: g.currency,
    records: g.records,
    consumed: packageRow?.consumed ?? '0.00',
    final: packageRow?.final ?? '0.00',
    adjustment,
    already_adjusted: new DecimalSum().add(adjustment).subtract(toBillNow).toString(),
    to_bill_now: toBillNow,
    credits: g.credits,
    charges: g.charges,
  };
}

const SORT_KEYS = {
  customer: (r) => (r.customer_name ?? r.customer_uuid ?? '').toLowerCase(),
  source: (r) => r.source.toLowerCase(),
  resource: (r) => r.resource_name.toLowerCase(),
  action: (r) => r.action,
  currency: (r) => r.currency,
};
const AMOUNT_COLUMNS = { consumed: 'consumed_sell', final: 'final_sell', adjustment: 'adjustment', already: 'already_adjusted', now: 'compensation' };

export class PreviewModel {
  /** Reads the result text of previewReconciliationJson; `read` is what the worker read (records, vendor). */
  static of(text, read, onProgress = () => {}) {
    let summary;
    let changesetText;
    const at = text.lastIndexOf(SUMMARY_KEY);
    if (text.startsWith(PREFIX) && at > 0) {
      // Only the summary is parsed: the changeset (most of a large result) is downloaded as the text it is.
      summary = JSON.parse(text.slice(at + SUMMARY_KEY.length, -1));
      changesetText = text.slice(PREFIX.length, at);
    } else {
      const parsed = JSON.parse(text);
      summary = parsed.summary;
      changesetText = JSON.stringify(parsed.changeset);
    }
    return new PreviewModel(summary, changesetText, read, onProgress);
  }

  constructor(summary, changesetText, read, onProgress) {
    this.vendor = read.vendor;
    this.label = read.vendor === 'soracom' ? 'subscriber' : 'license_reference';
    this.summary = summary;
    this.changesetText = changesetText;
    this.extras = read.extras ?? {};
    const customerOf = customerIndex(read.records, this.label);
    const byCustomer = new Map();
    const byCurrency = new Map();
    const actions = new Map();
    const total = summary.records.length;
    const exact = itemAmounts(changesetText);
    this.rows = summary.records.map((r, i) => {
      const row = { ...r, source: String(r[this.label] ?? '') };
      const customer = customerOf(row);
      row.customer_uuid = customer.uuid;
      row.customer_name = customer.name;
      // What earlier compensations billed: the adjustment less what this run bills.
      row.already_adjusted = r.adjustment === null ? null : new DecimalSum().add(r.adjustment).subtract(r.compensation).toString();
      row.index = i;
      actions.set(r.action, (actions.get(r.action) ?? 0) + 1);
      for (const g of [
        group(byCustomer, `${customer.uuid ?? ''}|${r.currency}`, { customer_uuid: customer.uuid, customer_name: customer.name, currency: r.currency }),
        group(byCurrency, r.currency, { currency: r.currency }),
      ]) {
        g.records += 1;
        g.toBillNow.add(exact.get(r.compensation_item_uuid) ?? r.compensation);
        if (r.action === 'credit') g.credits += 1;
        if (r.action === 'additional_charge') g.charges += 1;
      }
      if (i % 20000 === 19999) onProgress({ operation: 'summary', done: i + 1, total, message: 'Adding up per customer…' });
      return row;
    });
    // The package's per-customer rows: those of records that name no customer are under one derived uuid.
    const known = new Set(this.rows.map((r) => r.customer_uuid).filter(Boolean));
    const packageCustomer = new Map(summary.customers.map((c) => [`${known.has(c.customer_uuid) ? c.customer_uuid : ''}|${c.currency}`, c]));
    const packageTotal = new Map(summary.totals.map((t) => [t.currency, t]));
    this.customers = [...byCustomer].map(([key, g]) => {
      const row = finish(g, packageCustomer.get(key));
      row.customer_name ??= packageCustomer.get(key)?.customer_name ?? null;
      return row;
    });
    this.totals = [...byCurrency].map(([currency, g]) => finish(g, packageTotal.get(currency)));
    this.actions = [...actions].map(([action, count]) => ({ action, count }));
    this.sorted = new Map();
  }

  view() {
    const writes = new Map();
    for (const m of this.changesetText.matchAll(/\{"op":"(\w+)","table":"(\w+)"/g)) {
      const what = `${m[1]} ${m[2]}`;
      writes.set(what, (writes.get(what) ?? 0) + 1);
    }
    const head = /^\{"operation":"([^"]*)","as_of":"([^"]*)"/.exec(this.changesetText);
    return {
      vendor: this.vendor,
      label: this.label,
      recordCount: this.rows.length,
      counters: this.summary.counters,
      totals: this.totals,
      customers: this.customers,
      actions: this.actions,
      chart: this.chart(),
      changeset: {
        operation: head?.[1] ?? null,
        as_of: head?.[2] ?? null,
        writes: [...writes].map(([what, count]) => ({ what, count })),
        bytes: this.changesetText.length,
        // Shown in full only when it is small enough to read.
        text: this.changesetText.length <= 200_000 ? this.changesetText : null,
      },
      extras: this.extras,
      page: this.pageOf({}),
    };
  }

  /** Per currency, the customers with the largest final amounts: consumed against final. */
  chart() {
    const byCurrency = new Map();
    for (const c of this.customers) {
      if (!byCurrency.has(c.currency)) byCurrency.set(c.currency, []);
      byCurrency.get(c.currency).push(c);
    }
    return [...byCurrency].map(([currency, list]) => {
      const magnitude = (c) => {
        const f = parseDecimal(c.final);
        const d = parseDecimal(c.consumed);
        const a = f ? (f.units < 0n ? -f.units : f.units) : 0n;
        const b = d ? (d.units < 0n ? -d.units : d.units) : 0n;
        return a > b ? a : b;
      };
      const top = [...list].sort((x, y) => {
        const d = magnitude(y) - magnitude(x);
        return d > 0n ? 1 : d < 0n ? -1 : 0;
      });
      return {
        currency,
        customers: list.length,
        bars: top.slice(0, CHART_CUSTOMERS).map((c) => ({
          customer: c.customer_name ?? c.customer_uuid ?? 'No customer named',
          consumed: c.consumed,
          final: c.final,
          to_bill_now: c.to_bill_now,
        })),
      };
    });
  }

  /** One page of rows: `query` = { sort, direction, customer, action, min, max, offset, limit }. */
  pageOf({ sort = 'index', direction = 'asc', customer = '', action = '', min = '', max = '', offset = 0, limit = 50 }) {
    let rows = this.sortedBy(sort);
    if (direction === 'desc') rows = [...rows].reverse();
    const needle = String(customer).trim().toLowerCase();
    const lo = parseDecimal(min) ? String(min).trim() : null;
    const hi = parseDecimal(max) ? String(max).trim() : null;
    if (needle || action || lo || hi) {
      rows = rows.filter(
        (r) =>
          (!needle || `${r.customer_name ?? ''} ${r.customer_uuid ?? ''}`.toLowerCase().includes(needle)) &&
          (!action || r.action === action) &&
          (!lo || compareDecimal(r.compensation, lo) >= 0) &&
          (!hi || compareDecimal(r.compensation, hi) <= 0),
      );
    }
    const size = Math.min(Math.max(Number(limit) || 50, 1), 500);
    const start = Math.min(Math.max(Number(offset) || 0, 0), Math.max(rows.length - 1, 0));
    const first = start - (start % size);
    const page = rows.slice(first, first + size).map(({ index, ...r }) => r);
    return { rows: page, total: rows.length, all: this.rows.length, offset: first, limit: size, sort, direction };
  }

  /** The rows sorted by one column, ascending, computed once per column. */
  sortedBy(sort) {
    if (sort === 'index' || !(sort in SORT_KEYS || sort in AMOUNT_COLUMNS)) return this.rows;
    if (!this.sorted.has(sort)) {
      let compare;
      if (sort in AMOUNT_COLUMNS) {
        const field = AMOUNT_COLUMNS[sort];
        // Amounts compared exactly, as scaled BigInts computed once per row.
        const keys = this.rows.map((r) => {
          const d = parseDecimal(r[field]);
          return d ? d.units * 10n ** BigInt(12 - Math.min(d.scale, 12)) : null;
        });
        compare = (a, b) => {
          const x = keys[a.index];
          const y = keys[b.index];
          if (x === null || y === null) return (x === null ? 0 : 1) - (y === null ? 0 : 1) || a.index - b.index;
          return x < y ? -1 : x > y ? 1 : a.index - b.index;
        };
      } else {
        const key = SORT_KEYS[sort];
        const keys = this.rows.map(key);
        compare = (a, b) => (keys[a.index] < keys[b.index] ? -1 : keys[a.index] > keys[b.index] ? 1 : a.index - b.index);
      }
      this.sorted.set(sort, [...this.rows].sort(compare));
    }
    return this.sorted.get(sort);
  }

  /** A download, made here: the changeset as the package wrote it, or every row as CSV. */
  download(kind) {
    if (kind === 'changeset') {
      return { name: 'changeset.json', blob: new Blob([this.changesetText, '\n'], { type: 'application/json' }) };
    }
    const parts = previewCsvParts(this.rows, this.label);
    return { name: 'preview.csv', blob: new Blob(parts, { type: 'text/csv;charset=utf-8' }) };
  }
}
