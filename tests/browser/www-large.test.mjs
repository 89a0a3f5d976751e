// The preview page with a month of 100,000 records (bench/reconcile-data.mjs's seeded data, as files): the
// worker reads and previews them while the page's thread stays free (no long task over 200 ms, measured with
// PerformanceObserver), the progress bar advances, the table pages, sorts and filters, and a run can be
// cancelled. And Soracom at scale: a 500,000-row billing CSV (bench/soracom-data.mjs) for 10,000 SIMs.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serveStatic, launchChromium } from '../support/static-server.mjs';
import { reconcileInput } from '../../bench/reconcile-data.mjs';
import { writeCsv } from '../../bench/soracom-data.mjs';
import { previewReconciliation } from 'billsync';
import { openPage, preview, rowsOf, expectedFigures } from './www-page.mjs';

const RECORDS = 100_000;
let server;
let browser;
let dir;
let files;

before(async () => {
  server = await serveStatic();
  browser = await launchChromium();
  dir = mkdtempSync(join(tmpdir(), 'billsync-www-large-'));
  const { records, exportPayload } = reconcileInput(RECORDS);
  files = { records: join(dir, 'records-100k.json'), export: join(dir, 'export-100k.json') };
  writeFileSync(files.records, JSON.stringify(records));
  writeFileSync(files.export, exportPayload);
});

after(async () => {
  await browser?.close();
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Records every long task of the page's thread and every value the progress bar takes. */
function watch(page) {
  return page.evaluate(() => {
    window.longTasks = [];
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) window.longTasks.push(Math.round(entry.duration));
    }).observe({ type: 'longtask', buffered: false });
    window.progressValues = [];
    const bar = document.getElementById('progress-bar');
    new MutationObserver(() => window.progressValues.push(Number(bar.value))).observe(bar, { attributes: true, attributeFilter: ['value'] });
    // A heartbeat: the page's thread answers every 50 ms while the worker runs, or the gaps show it did not.
    window.beats = [];
    window.beat = setInterval(() => window.beats.push(performance.now()), 50);
  });
}

async function setUp(page) {
  await page.check('input[name="vendor"][value="arrow"]');
  await page.fill('#period', '2025-01');
  await page.fill('#as-of', '2025-02-03T10:00:00Z');
  await page.fill('#currency', 'EUR');
  await page.setInputFiles('#records-file', files.records);
  await page.setInputFiles('#export-file', files.export);
}

test('100,000 records: the progress bar advances, the page never blocks over 200 ms, the table pages', async () => {
  const { page, errors } = await openPage(browser, server);
  await setUp(page);
  await watch(page);
  const started = Date.now();
  await preview(page, 150_000);
  const seconds = (Date.now() - started) / 1000;
  assert.equal(await page.isVisible('#form-error'), false, await page.textContent('#form-error'));
  assert.deepEqual(errors, []);

  const { longTasks, progressValues, beats } = await page.evaluate(() => {
    clearInterval(window.beat);
    return { longTasks: window.longTasks, progressValues: window.progressValues, beats: window.beats };
  });
  const gaps = beats.slice(1).map((t, i) => t - beats[i]);
  console.log(`100k preview: ${seconds.toFixed(1)} s (${await page.textContent('#results-lede')}); long tasks (ms): [${longTasks.join(', ')}]; ` +
    `longest heartbeat gap ${Math.round(Math.max(...gaps))} ms; ${progressValues.length} progress updates`);
  assert.ok(longTasks.every((d) => d <= 200), `long tasks over 200 ms: ${longTasks.join(', ')}`);
  const rising = progressValues.filter((v, i) => v > (progressValues[i - 1] ?? 0));
  assert.ok(rising.length >= 5, `the progress bar took ${progressValues.join(', ')}`);
  assert.ok(progressValues.some((v) => v > 0 && v < 40), 'reading advanced the bar');
  assert.ok(Math.max(...progressValues) >= 90, `the bar reached ${Math.max(...progressValues)}`);

  assert.match(await page.textContent('#pager-status'), /Rows 1–50 of 100,000; page 1 of 2,000/);
  assert.equal(await page.locator('#summary-table tbody tr').count(), 50);
  await watch(page);
  await page.click('#page-last');
  await page.waitForFunction(() => /page 2,000 of 2,000/.test(document.getElementById('pager-status').textContent));
  await page.click('#sort-now');
  await page.waitForFunction(() => document.querySelector('th[data-sort="now"]').getAttribute('aria-sort') === 'ascending');
  const lowest = (await rowsOf(page, '#summary-table tbody tr'))[0].now;
  assert.ok(lowest.startsWith('-'), lowest);
  await page.fill('#filter-customer', 'Customer 42');
  await page.waitForFunction(() => /filtered from 100,000/.test(document.getElementById('pager-status').textContent));
  // Customers 42 and 420–429: 11 of the 500, 200 records each.
  assert.match(await page.textContent('#pager-status'), /of 2,200 \(filtered from 100,000\)/);
  // The CSV of every record is made in the worker and handed over as a Blob.
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#download-csv')]);
  const csv = await readFile(await download.path(), 'utf8');
  assert.equal(csv.split('\r\n').length, RECORDS + 2);
  const after = await page.evaluate(() => window.longTasks);
  assert.ok(after.every((d) => d <= 200), `long tasks over 200 ms while paging and downloading: ${after.join(', ')}`);
  await page.close();
});

test("Soracom: a 500,000-row billing CSV file for 10,000 SIMs, the same totals as in Node, the page never blocked", async () => {
  const SIMS = 10_000;
  const csvFile = join(dir, 'billing-500k.csv');
  writeCsv(csvFile, 500_000, SIMS);
  // The SIMs as billsync's API lists them, consumed a little off the CSV's sums, 50 customers.
  const records = Array.from({ length: SIMS }, (_, sim) => ({
    subscriber: `imsi:4401030${String(sim).padStart(8, '0')}`, resource_name: `sensor-${sim}`,
    customer_uuid: `40000000-0000-4000-8000-${String(sim % 50).padStart(12, '0')}`, customer_name: `Fleet ${sim % 50}`,
    billing_period: '2025-01', currency: 'JPY', consumed_amount: String(200 + (sim % 300)),
  }));
  const recordsFile = join(dir, 'soracom-records.json');
  writeFileSync(recordsFile, JSON.stringify(records));
  const bill = '{"amount": 1, "currency": "JPY", "state": "closed", "yearMonth": "202501"}';
  const node = previewReconciliation({
    vendor: 'soracom', period: '2025-01', asOf: '2025-02-05T10:00:00Z', records: JSON.stringify(records), bill,
    csv: await readFile(csvFile), settings: { granularity: 'subscriber', currency: 'JPY', reconciliation_tolerance: '0.01' },
  });
  const expected = expectedFigures(node, (r) => records[Number(r.subscriber.slice(-8))].customer_name);

  const { page, errors } = await openPage(browser, server);
  await page.check('input[name="vendor"][value="auto"]');
  await page.fill('#period', '2025-01');
  await page.fill('#as-of', '2025-02-05T10:00:00Z');
  await page.fill('#currency', 'JPY');
  await page.setInputFiles('#records-file', recordsFile);
  await page.fill('#bill', bill);
  await page.setInputFiles('#csv-file', csvFile);
  await watch(page);
  await preview(page, 150_000);
  assert.equal(await page.isVisible('#form-error'), false, await page.textContent('#form-error'));
  assert.deepEqual(errors, []);
  const { longTasks, progressValues } = await page.evaluate(() => ({ longTasks: window.longTasks, progressValues: window.progressValues }));
  console.log(`Soracom 500k-row CSV: ${await page.textContent('#results-lede')}; long tasks (ms): [${longTasks.join(', ')}]`);
  assert.ok(longTasks.every((d) => d <= 200), `long tasks over 200 ms: ${longTasks.join(', ')}`);
  assert.ok(progressValues.filter((v) => v > 0 && v < 40).length >= 3, `reading the CSV moved the bar: ${progressValues.join(', ')}`);
  const totals = (await rowsOf(page, '#totals-table tbody tr')).map(({ items, ...r }) => r);
  assert.deepEqual(totals, expected.totals);
  // No record was reconciled before, so nothing is already adjusted: to bill now is the whole adjustment, to
  // the cent, though each SIM's figure has 7 decimals (summing the rows' rounded figures would be 0.17 off).
  assert.equal(totals[0].already, '0.00');
  assert.match(await page.textContent('#pager-status'), /of 10,000; page 1 of 200/);
  await page.close();
});

test('a run can be cancelled: the worker is stopped, and the next run works', async () => {
  const { page } = await openPage(browser, server);
  await setUp(page);
  await page.click('#preview');
  // Cancelled while the wasm runs (the bar's preview step starts at 40%): terminating the worker stops it.
  await page.waitForFunction(() => /Reconciling 100,000 records/.test(document.getElementById('progress-text').textContent), null, { timeout: 60_000 });
  assert.ok(Number(await page.$eval('#progress-bar', (bar) => bar.value)) >= 40);
  await page.click('#cancel');
  await page.waitForSelector('#progress', { state: 'hidden' });
  assert.match(await page.textContent('#engine-status'), /Cancelled/);
  assert.equal(await page.isVisible('#results'), false);
  await page.waitForSelector('#preview:not([disabled])');
  await page.click('#load-demo');
  await page.waitForFunction(() => document.getElementById('records').value.length > 0);
  await preview(page);
  assert.equal(await page.locator('#summary-table tbody tr').count(), 8);
  await page.close();
});
