// The page's FOCUS download, in Debian's Chromium: after previewing each vendor's demo, "Download FOCUS 1.4
// CSV" gives the header row and a row per invoice item the changeset would create, passing the FOCUS 1.4
// conformance check, and the compensations of the previewed month (billed on the "as of" month) are
// Corrections whose Σ BilledCost is the changeset's.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { serveStatic, launchChromium } from '../support/static-server.mjs';
import { openPage, loadDemo, preview } from './www-page.mjs';
import { checkFocusExport, scaledDecimal } from '../support/focus-conformance.mjs';

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

for (const vendor of ['arrow', 'soracom']) {
  test(`${vendor}: the FOCUS download of the previewed month has the header and a conforming row per item`, async () => {
    const { page, errors } = await openPage(browser, server);
    await loadDemo(page, vendor);
    await preview(page);
    const [changesetDownload] = await Promise.all([page.waitForEvent('download'), page.click('#download-changeset')]);
    const changeset = JSON.parse(await readFile(await changesetDownload.path(), 'utf8'));
    const items = changeset.writes.filter((w) => w.table === 'invoice_items' && w.op !== 'delete').map((w) => w.row);
    assert.ok(items.length > 0, 'the demo bills compensations');

    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#download-focus')]);
    const period = items[0].billing_period;
    assert.equal(download.suggestedFilename(), `focus-${period}.csv`);
    const csv = await readFile(await download.path(), 'utf8');
    assert.ok(csv.startsWith('BilledCost,BillingAccountId,'), csv.slice(0, 200));
    const { rows, billedCost } = checkFocusExport(csv);
    assert.deepEqual(rows.map((r) => r.x_BillsyncItemId).sort(), items.map((i) => i.uuid).sort());
    const expected = new Map();
    for (const i of items) expected.set(i.currency, (expected.get(i.currency) ?? 0n) + (scaledDecimal(i.unit_price) * scaledDecimal(i.quantity)) / 10n ** 12n);
    assert.deepEqual(billedCost, expected);
    for (const r of rows) {
      assert.equal(r.ChargeClass, 'Correction', 'a compensation of the previewed (earlier) month');
      assert.equal(r.ServiceProviderName, vendor === 'arrow' ? 'Arrow' : 'Soracom');
      assert.equal(r.InvoiceIssuerName, 'billsync preview');
    }
    assert.deepEqual(errors, []);
    await page.close();
  });
}
