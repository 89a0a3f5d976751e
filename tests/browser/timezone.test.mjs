// IANA time zones in Debian's Chromium: the browser build asks the page's Intl.DateTimeFormat for the
// offset, so 00:30 on 1 April in Berlin (22:30 UTC on 31 March, summer time) is April there.
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

test('a SoracomEngine and previewReconciliation in the browser find the month of an instant in an IANA zone', async () => {
  const page = await browser.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e));
  await page.goto(`${server.url}/tests/browser/blank.html`);
  const result = await page.evaluate(async () => {
    const billsync = await import('/pkg/web.js');
    const soracom = Object.fromEntries(['getBilling', 'getLatestBilling', 'getBillingHistory', 'getBillingPerDay', 'exportBilling',
      'exportLatestBilling', 'getExportedFile', 'download'].map((m) => [m, async () => { throw new Error('not used'); }]));
    const month = async (timezone, now) => {
      const store = billsync.createMemoryStore({ soracom_settings: [{ uuid: '5e770000-0000-4000-8000-000000000001', currency: 'JPY' }] });
      const engine = new billsync.SoracomEngine({ soracom, store, clock: { now: () => now }, timezone });
      return (await engine.consumptionStatus()).current_period;
    };
    let unknown;
    try {
      await month('Mars/Olympus_Mons', '2025-03-31T22:30:00Z');
    } catch (e) {
      unknown = { code: e.code, fields: Object.keys(e.fields ?? {}) };
    }
    // The preview resolves its zone the same way: the month its compensation is invoiced in.
    const previewed = (timezone, asOf) => {
      const result = billsync.previewReconciliation({
        period: '2025-03', asOf, timezone, settings: { currency: 'EUR' },
        records: [{ resource_uuid: '7e500000-0000-4000-8000-000000000001', customer_uuid: 'c0570be2-0000-4000-8000-00000000000a',
          license_reference: 'XSP1001', billing_period: '2025-03-01', consumed_sell: '100.00', consumed_buy: '80.00' }],
        exportPayload: { data: { headers: ['Classification', 'Customer Total Price', 'Total Wholesale Price', 'ARS Subscription ID', 'Report Period'],
          values: [['IAAS', '95.00', '76.00', 'XSP1001', '2025-03']] } },
      });
      return result.changeset.writes.filter((w) => w.op === 'create' && w.table === 'invoice_items').map((w) => w.row.billing_period);
    };
    return {
      preview: [previewed('Europe/Berlin', '2025-03-31T21:30:00Z'), previewed('Europe/Berlin', '2025-03-31T22:30:00Z'),
        previewed('America/New_York', '2025-04-01T03:30:00Z')],
      berlin: [await month('Europe/Berlin', '2025-03-31T21:30:00Z'), await month('Europe/Berlin', '2025-03-31T22:30:00Z')],
      newYork: [await month('America/New_York', '2025-04-01T03:30:00Z'), await month('America/New_York', '2025-04-01T04:30:00Z')],
      fixed: await month('+01:00', '2025-03-31T22:30:00Z'),
      unknown,
    };
  });
  assert.deepEqual(errors, []);
  assert.deepEqual(result.berlin, ['2025-03', '2025-04']);
  assert.deepEqual(result.preview, [['2025-03'], ['2025-04'], ['2025-03']]);
  assert.deepEqual(result.newYork, ['2025-03', '2025-04']);
  assert.equal(result.fixed, '2025-03');
  assert.deepEqual(result.unknown, { code: 'validation_failed', fields: ['timezone'] });
});
