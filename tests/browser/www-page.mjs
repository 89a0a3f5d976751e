// Helpers for the preview page's tests: open the page, load a demo, run a preview, read what it shows,
// and what previewReconciliation in Node says about the same data.
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '../support/static-server.mjs';
import { fromUnits, toUnits, times } from '../support/decimal.mjs';

/** Where the tests put their screenshots: git-ignored (target/), kept as the run's artifacts. */
export const SCREENSHOTS = join(REPO_ROOT, 'target', 'screenshots');

export function screenshotPath(name) {
  mkdirSync(SCREENSHOTS, { recursive: true });
  return join(SCREENSHOTS, name);
}

/** A page on /www/index.html with the worker ready; collects page errors and every request made. */
export async function openPage(browser, server, { width = 1280, height = 900 } = {}) {
  const page = await browser.newPage({ viewport: { width, height } });
  const errors = [];
  const requests = [];
  page.on('pageerror', (e) => errors.push(e));
  page.on('console', (m) => { if (m.type() === 'error') errors.push(new Error(m.text())); });
  page.on('request', (r) => requests.push({ url: r.url(), method: r.method() }));
  await page.goto(`${server.url}/www/index.html`);
  await page.waitForSelector('#preview:not([disabled]), #engine-status.is-error', { timeout: 20_000 });
  assert.equal(await page.isEnabled('#preview'), true, await page.textContent('#engine-status'));
  return { page, errors, requests };
}

export async function loadDemo(page, which = 'arrow') {
  // Emptied first, so that the wait below sees this demo's records, not what was there before.
  await page.fill('#records', '');
  await page.click(which === 'soracom' ? '#load-soracom-demo' : '#load-demo');
  await page.waitForFunction(() => document.getElementById('records').value.length > 0);
}

/** Runs the preview; resolves once the results or an error are shown. */
export async function preview(page, timeout = 30_000) {
  await page.click('#preview');
  await page.waitForSelector('#results:not([hidden]) #results-body[data-complete], #form-error:not([hidden])', { timeout });
}

/** The rows of a table, as [{ column: text }] by their data-col cells. */
export function rowsOf(page, selector) {
  return page.$$eval(selector, (rows) =>
    rows.map((tr) => Object.fromEntries([...tr.querySelectorAll('[data-col]')].map((c) => [c.dataset.col, c.textContent.trim()]))),
  );
}

/** The numeric counters of `counters` (a reconciliation's answer), as the page lists them. */
export function countedOf(counters) {
  return Object.fromEntries(Object.entries(counters).filter(([, v]) => typeof v === 'number'));
}

/** The counted errors the page lists under the counters, in words. */
export async function errorsOf(page) {
  return page.$$eval('#counter-errors li', (items) => items.map((li) => li.textContent));
}

export async function countersOf(page) {
  return page.$$eval('#counters [data-counter]', (items) => Object.fromEntries(items.map((d) => [d.dataset.counter, Number(d.querySelector('dd').textContent)])));
}

/** Units of 10^-10 (decimal.mjs) rounded to the cent, half away from zero, as a decimal string. */
function cents(units) {
  const step = 10n ** 8n;
  let q = units / step;
  const r = units % step;
  if ((r < 0n ? -r : r) * 2n >= step) q += units < 0n ? -1n : 1n;
  return fromUnits(q * step);
}

/**
 * What the page should show, from previewReconciliation's result in Node: per currency and per customer
 * the package's consumed and final; "to bill now" as the sum of the compensation items the changeset creates
 * for those records (unit_price × quantity, exact), rounded once to the cent; "already adjusted" as the
 * package's adjustment less that. `customerOf(row)` is a row's customer name.
 */
export function expectedFigures(result, customerOf) {
  const items = new Map(result.changeset.writes
    .filter((w) => w.op === 'create' && w.table === 'invoice_items')
    .map((w) => [w.row.uuid, times(w.row.unit_price, w.row.quantity)]));
  const group = (key) => {
    const out = new Map();
    for (const r of result.summary.records) {
      const k = key(r);
      if (!out.has(k)) out.set(k, []);
      out.get(k).push(r);
    }
    return out;
  };
  const figures = (total, rows) => {
    const now = cents(rows.reduce((n, r) => n + (items.get(r.compensation_item_uuid) ?? toUnits(r.compensation)), 0n));
    return {
      consumed: total.consumed,
      final: total.final,
      already: fromUnits(toUnits(total.adjustment) - toUnits(now)),
      now,
      records: rows.length.toLocaleString('en'),
    };
  };
  const byCurrency = group((r) => r.currency);
  const totals = result.summary.totals.map((t) => ({ currency: t.currency, ...figures(t, byCurrency.get(t.currency) ?? []) }));
  const byCustomer = group((r) => `${customerOf(r)}|${r.currency}`);
  const customers = result.summary.customers.map((c) => ({
    customer: c.customer_name,
    currency: c.currency,
    ...figures(c, byCustomer.get(`${c.customer_name}|${c.currency}`) ?? []),
  }));
  return { totals, customers };
}

/** Rows in a stable order, to compare sets of rows. */
export function sortRows(rows, key = 'customer') {
  return [...rows].sort((a, b) => `${a[key]}|${a.currency}`.localeCompare(`${b[key]}|${b.currency}`));
}
