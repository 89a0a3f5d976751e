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

test('a SoracomEngine in the browser finds the month of "now" in an IANA zone', async () => {
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
    return {
      berlin: [await month('Europe/Berlin', '2025-03-31T21:30:00Z'), await month('Europe/Berlin', '2025-03-31T22:30:00Z')],
      newYork: [await month('America/New_York', '2025-04-01T03:30:00Z'), await month('America/New_York', '2025-04-01T04:30:00Z')],
      fixed: await month('+01:00', '2025-03-31T22:30:00Z'),
      unknown,
    };
  });
  assert.deepEqual(errors, []);
  assert.deepEqual(result.berlin, ['2025-03', '2025-04']);
  assert.deepEqual(result.newYork, ['2025-03', '2025-04']);
  assert.equal(result.fixed, '2025-03');
  assert.deepEqual(result.unknown, { code: 'validation_failed', fields: ['timezone'] });
});
