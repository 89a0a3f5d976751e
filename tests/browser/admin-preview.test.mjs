// `make run`'s setup in a real browser: the Node admin backend serves the preview page at / and the package's
// browser build at /pkg/, and the page previews the demo reconciliation with no further server calls.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { launchChromium } from '../support/static-server.mjs';
import { startServer } from '../../examples/node-admin/server.mjs';

let dir;
let server;
let browser;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'billsync-admin-preview-'));
  server = await startServer({ port: 0, dbPath: join(dir, 'db.sqlite'), log: false });
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

test('the admin backend serves the preview page, which reconciles the demo data in the browser', async () => {
  const page = await browser.newPage();
  const errors = [];
  const apiCalls = [];
  page.on('pageerror', (e) => errors.push(e));
  page.on('request', (r) => { if (r.url().includes('/api/')) apiCalls.push(r.url()); });
  await page.goto(`${server.url}/`);
  // Ready once the wasm from /pkg/ is instantiated; then the demo files load, then the preview runs.
  await page.waitForSelector('#preview:not([disabled]), #engine-status.is-error', { timeout: 15_000 });
  assert.equal(await page.isEnabled('#preview'), true, await page.textContent('#engine-status'));
  await page.click('#load-demo');
  await page.waitForFunction(() => document.getElementById('export').value.length > 0);
  await page.click('#preview');
  await page.waitForSelector('#summary-table, #form-error:not([hidden])');
  assert.equal(await page.isVisible('#form-error'), false, await page.textContent('#form-error'));
  const rows = await page.locator('#summary-table tbody tr').count();
  assert.ok(rows >= 8, `${rows} record rows`);
  assert.deepEqual(errors, []);
  assert.deepEqual(apiCalls, [], 'the preview runs in the page: no admin API call');
});
