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
  await page.getByRole('button', { name: /load demo/i }).click();
  await page.getByRole('button', { name: /^preview/i }).click();
  await page.locator('#totals-table tbody tr').first().waitFor();
  const rows = await page.locator('#summary-table tbody tr').count();
  assert.ok(rows >= 8, `${rows} record rows`);
  assert.deepEqual(errors, []);
  assert.deepEqual(apiCalls, [], 'the preview runs in the page: no admin API call');
});
