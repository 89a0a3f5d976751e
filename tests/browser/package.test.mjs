// The browser build of the package, in Debian's Chromium: it loads, computes, and throws BillsyncErrors.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { serveStatic, launchChromium } from '../support/static-server.mjs';

let server;
let browser;

before(async () => {
  server = await serveStatic();
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await server?.close();
});

test('the web entry point works in a page with no server-side code', async () => {
  const page = await browser.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e));
  await page.goto(`${server.url}/tests/browser/blank.html`);
  const result = await page.evaluate(async () => {
    const billsync = await import('/pkg/web.js');
    let error;
    try {
      billsync.parsePeriod('2025-13');
    } catch (e) {
      error = { isError: e instanceof Error, isBillsync: e instanceof billsync.BillsyncError, code: e.code, guard: billsync.isBillsyncError(e) };
    }
    return {
      version: billsync.version(),
      period: billsync.parsePeriod('2025-01'),
      range: billsync.periodRange('2024-12', '2025-01'),
      money: billsync.parseMoney('€1,000.50', 'EUR'),
      error,
    };
  });
  assert.deepEqual(errors, []);
  assert.match(result.version, /^\d+\.\d+\.\d+/);
  assert.deepEqual(result.period, { year: 2025, month: 1 });
  assert.deepEqual(result.range, ['2024-12', '2025-01']);
  assert.deepEqual(result.money, { amount: '1000.50', currency: 'EUR' });
  assert.deepEqual(result.error, { isError: true, isBillsync: true, code: 'invalid_period', guard: true });
});
