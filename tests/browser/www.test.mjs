// The admin preview page (www/) in Debian's Chromium, against the real browser build of the package:
// demo data in, the reconciliation preview out, errors shown next to their input, nothing sent anywhere.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { serveStatic, launchChromium, REPO_ROOT } from '../support/static-server.mjs';

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

/** A page on /www/index.html with the engine loaded; collects page errors and every request made. */
async function openPage() {
  const page = await browser.newPage();
  const errors = [];
  const requests = [];
  page.on('pageerror', (e) => errors.push(e));
  page.on('request', (r) => requests.push({ url: r.url(), method: r.method() }));
  await page.goto(`${server.url}/www/index.html`);
  // The Preview button is enabled once billsync's wasm is instantiated and has previewReconciliation;
  // otherwise the status line says why (not built, or a build without previewReconciliation).
  await page.waitForSelector('#preview:not([disabled]), #engine-status.is-error', { timeout: 15_000 });
  assert.equal(await page.isEnabled('#preview'), true, await page.textContent('#engine-status'));
  return { page, errors, requests };
}

async function loadDemo(page) {
  await page.click('#load-demo');
  await page.waitForFunction(() => document.getElementById('export').value.length > 0);
}

async function preview(page) {
  await page.click('#preview');
  await page.waitForSelector('#summary-table, #form-error:not([hidden])');
}

/** The summary row of a licence, as { column: text }. */
function rowOf(page, license) {
  return page.$eval(`#summary-table tbody tr[data-license="${license}"]`, (tr) =>
    Object.fromEntries([...tr.querySelectorAll('[data-col]')].map((c) => [c.dataset.col, c.textContent.trim()])),
  );
}

test('the demo data previews: one row per record, exact adjustments, totals, a credit in the changeset', async () => {
  const demoRecords = JSON.parse(await readFile(join(REPO_ROOT, 'www/demo/records.json'), 'utf8'));
  assert.equal(demoRecords.length, 8);

  const { page, errors, requests } = await openPage();
  await loadDemo(page);
  await preview(page);

  assert.deepEqual(errors, []);
  assert.equal(await page.isVisible('#form-error'), false, await page.textContent('#form-error'));
  assert.equal(await page.locator('#summary-table tbody tr').count(), demoRecords.length);

  // Expected figures, by hand from www/demo/records.json and www/demo/export.json (price source: sell).
  // XSP10001 (contoso-prod-subscription): consumed 100.00; export lines 60.00 + 35.00 = 95.00;
  //   adjustment 95.00 − 100.00 = −5.00 → a credit.
  const contoso = await rowOf(page, 'XSP10001');
  assert.equal(contoso.consumed, '100.00');
  assert.equal(contoso.final, '95.00');
  assert.equal(contoso.adjustment, '-5.00');
  assert.equal(contoso.action, 'Credit');
  // XSP20001 (fabrikam-erp-cluster): consumed 1234.56; export 1200.00 + 12.34 = 1212.34;
  //   adjustment 1212.34 − 1234.56 = −22.22 → a credit.
  const fabrikam = await rowOf(page, 'XSP20001');
  assert.equal(fabrikam.final, '1212.34');
  assert.equal(fabrikam.adjustment, '-22.22');
  assert.equal(fabrikam.action, 'Credit');
  // XSP10003: 45.75 − 42.50 = 3.25 → an additional charge.
  assert.equal((await rowOf(page, 'XSP10003')).adjustment, '3.25');
  assert.equal((await rowOf(page, 'XSP10003')).action, 'Additional charge');
  // XSP10002: 250.00 in both → no compensation. XSP20003: no export line → no billing data.
  assert.equal((await rowOf(page, 'XSP10002')).action, 'No compensation');
  assert.equal((await rowOf(page, 'XSP20003')).action, 'No billing data');
  // XSP30002 was reconciled on 2025-02-02 and force is off → left alone.
  assert.equal((await rowOf(page, 'XSP30002')).action, 'Already reconciled');
  // XSP20002 has a "$12.00" line beside its EUR one: currencies are never mixed, so that record is an error.
  const mixed = await rowOf(page, 'XSP20002');
  assert.match(mixed.action, /^Error/);
  assert.match(mixed.action, /USD/);

  // Totals (EUR), over the 6 records the export finalizes (XSP20003 has no line; XSP20002 is in error):
  //   consumed 100.00 + 250.00 + 42.50 + 1234.56 + 500.00 + 120.00 = 2247.06
  //   final    95.00 + 250.00 + 45.75 + 1212.34 + 480.50 + 118.00 = 2201.59
  //   adjustment −5.00 + 0.00 + 3.25 − 22.22 − 19.50 − 2.00 = −45.47 (= 2201.59 − 2247.06)
  const rowsOf = (selector) =>
    page.$$eval(selector, (rows) =>
      rows.map((tr) => Object.fromEntries([...tr.querySelectorAll('[data-col]')].map((c) => [c.dataset.col, c.textContent.trim()]))),
    );
  assert.deepEqual(await rowsOf('#totals-table tbody tr'), [
    { currency: 'EUR', consumed: '2247.06', final: '2201.59', adjustment: '-45.47' },
  ]);
  // Contoso alone: consumed 100.00 + 250.00 + 42.50 = 392.50; final 95.00 + 250.00 + 45.75 = 390.75;
  //   adjustment −5.00 + 0.00 + 3.25 = −1.75.
  assert.deepEqual(
    (await rowsOf('#customers-table tbody tr')).find((r) => r.customer === 'Contoso Ltd'),
    { customer: 'Contoso Ltd', currency: 'EUR', consumed: '392.50', final: '390.75', adjustment: '-1.75' },
  );
  // Counters: 5 reconciled (XSP10001, 10002, 10003, 20001, 30001), 4 of them with a compensation item.
  const counters = await page.$$eval('#counters [data-counter]', (items) =>
    Object.fromEntries(items.map((d) => [d.dataset.counter, d.querySelector('dd').textContent])),
  );
  assert.deepEqual(counters, {
    finalized: '5',
    reconciled: '5',
    compensation_items_created: '4',
    no_billing_data: '1',
    already_reconciled: '1',
    errors: '1',
  });

  // The changeset: pretty-printed JSON with a compensation item named as a credit.
  await page.click('#changeset summary');
  const changeset = JSON.parse(await page.textContent('#changeset-json'));
  const credits = changeset.writes.filter((w) => w.op === 'create' && w.table === 'invoice_items' && /credit/.test(w.row?.name ?? ''));
  assert.ok(credits.length > 0, `no credit item among ${changeset.writes.map((w) => `${w.op} ${w.table}`).join(', ')}`);
  assert.ok(
    credits.some((i) => i.row.name === 'Arrow consumption adjustment: contoso-prod-subscription (credit for 2025-01-01)'),
    credits.map((i) => i.row.name).join('\n'),
  );

  // The download is made in the browser from the same JSON.
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#download-changeset')]);
  assert.equal(download.suggestedFilename(), 'changeset.json');

  // Nothing left the page's origin, and nothing was posted: only the page, the package and the demo files.
  for (const r of requests) {
    assert.ok(r.url.startsWith(server.url) || r.url.startsWith('blob:') || r.url.startsWith('data:'), r.url);
    assert.equal(r.method, 'GET', r.url);
  }

  if (process.env.WWW_SCREENSHOT) await page.screenshot({ path: process.env.WWW_SCREENSHOT, fullPage: true });
  await page.close();
});

test('an export that is not JSON shows invalid_payload next to the export, and no summary', async () => {
  const { page, errors } = await openPage();
  await loadDemo(page);
  await page.fill('#export', '{"data": {"headers": [');
  await preview(page);

  assert.deepEqual(errors, []);
  assert.equal(await page.textContent('#form-error .error-code'), 'invalid_payload');
  assert.equal(await page.getAttribute('#export', 'aria-invalid'), 'true');
  assert.match(await page.textContent('#export-error'), /invalid_payload/);
  assert.equal(await page.locator('#summary-table').count(), 0);
  assert.equal(await page.isVisible('#results'), false);
  await page.close();
});

test('an export with an amount cell "abc" shows invalid_cell with its column and value, and no summary', async () => {
  const { page, errors } = await openPage();
  await loadDemo(page);
  // The first line's Customer Total Price (XSP10001, "60.00") becomes "abc".
  await page.$eval('#export', (area) => {
    const payload = JSON.parse(area.value);
    payload.data.values[0][payload.data.headers.indexOf('Customer Total Price')] = 'abc';
    area.value = JSON.stringify(payload);
  });
  await preview(page);

  assert.deepEqual(errors, []);
  assert.equal(await page.textContent('#form-error .error-code'), 'invalid_cell');
  const message = await page.textContent('#form-error');
  assert.match(message, /Customer Total Price/);
  assert.match(message, /abc/);
  assert.equal(await page.getAttribute('#export', 'aria-invalid'), 'true');
  assert.match(await page.textContent('#export-error'), /invalid_cell/);
  assert.equal(await page.locator('#summary-table').count(), 0);
  await page.close();
});

test('records that are not JSON are reported next to the records, and a run after a good one clears it', async () => {
  const { page, errors } = await openPage();
  await loadDemo(page);
  await preview(page);
  assert.equal(await page.locator('#summary-table').count(), 1);

  await page.fill('#records', '[{"uuid": ');
  await preview(page);
  assert.deepEqual(errors, []);
  assert.equal(await page.textContent('#form-error .error-code'), 'invalid_payload');
  assert.equal(await page.getAttribute('#records', 'aria-invalid'), 'true');
  assert.equal(await page.getAttribute('#export', 'aria-invalid'), null);
  // The earlier run's figures are gone, so they cannot be mistaken for this run's.
  assert.equal(await page.locator('#summary-table').count(), 0);
  await page.close();
});

test("the browser build previews a Soracom month: a closed bill and its CSV bytes, per SIM", async () => {
  const page = await browser.newPage();
  await page.goto(`${server.url}/tests/browser/blank.html`);
  const result = await page.evaluate(async () => {
    const billsync = await import('/pkg/web.js');
    const csv = new TextEncoder().encode('\ufeffimsi,date,billItemName,unitPrice,quantity,amount,tag.name\r\n'
      + '440100000000001,20250101,"Air data, s1",0.2,500,100,fleet\r\n440100000000001,202501,Discount,-5,1,-5,fleet\r\n'
      + '440100000000002,20250102,Air data,0.2,50,10,fleet\r\n');
    const preview = billsync.previewReconciliation({
      vendor: 'soracom', period: '2025-01', asOf: '2025-02-05T00:00:00Z',
      bill: '{"amount": 105, "currency": "JPY", "state": "closed", "yearMonth": "202501"}', csv,
      records: [{ subscriber: 'imsi:440100000000001', consumed_sell: '90' }, { subscriber: 'imsi:440100000000002', consumed_sell: '10' }],
    });
    return preview.summary.records.map((r) => [r.subscriber, r.final_sell, r.compensation]);
  });
  assert.deepEqual(result, [['imsi:440100000000001', '95.00', '5.00'], ['imsi:440100000000002', '10.00', '0.00']]);
  await page.close();
});
