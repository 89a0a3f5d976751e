// GET /api/admin/billsync/focus-export/ over real HTTP: after Soracom's last month (synced by the demo as it
// stood on its 20th; the simulator closes it at once) is reconciled, this month synced, and Arrow's June 2025
// synced, each month's export passes the FOCUS 1.4 conformance check (columns, types, allowed values,
// corrections), has a row per invoice item of the month, and its Σ BilledCost per currency is the ledger's
// item sum; this month's compensations of last month are ChargeClass Correction.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer } from '../server.mjs';
import { checkFocusExport, scaledDecimal } from '../../../tests/support/focus-conformance.mjs';

const NOT_BUILT = !existsSync(fileURLToPath(new URL('../../../pkg/dist/node/billsync.js', import.meta.url)));
const TOKEN = 'focus-export-token';
const dir = mkdtempSync(join(tmpdir(), 'billsync-focus-'));
let app;
before(async () => {
  if (NOT_BUILT) return;
  app = await startServer({ port: 0, dbPath: join(dir, 'db.sqlite'), adminToken: TOKEN, demoHistory: true, soracomSimulator: { lateCloseDays: 0 }, log: false });
});
after(async () => {
  await app?.close();
  rmSync(dir, { recursive: true, force: true });
});

const headers = { authorization: `Token ${TOKEN}`, 'content-type': 'application/json' };
const exportOf = (query) => fetch(`${app.url}/api/admin/billsync/focus-export/?${new URLSearchParams(query)}`, { headers });
const month = (d) => `${d.getUTCFullYear()}-${String(d.getUTCMonth() + 1).padStart(2, '0')}`;

test('the FOCUS export of a month conforms to FOCUS 1.4 and adds up to the ledger', { skip: NOT_BUILT }, async () => {
  const post = (vendor, action, body) => fetch(`${app.url}/api/admin/${vendor}/billing-syncs/${action}/`, { method: 'POST', headers, body: JSON.stringify(body) });
  const now = new Date();
  const back = (n) => new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - n, 1));
  const ym = (d) => ({ year: d.getUTCFullYear(), month: d.getUTCMonth() + 1 });
  assert.ok((await post('arrow', 'trigger_consumption_sync', { year: 2025, month: 6 })).status < 300);
  // The demo synced last month as it stood on its 20th; this month is synced now.
  assert.ok((await post('soracom', 'trigger_consumption_sync', ym(back(0)))).status < 300);
  assert.ok((await post('soracom', 'trigger_reconciliation', ym(back(1)))).status < 300);

  const items = app.store.snapshot().invoice_items;
  for (const period of ['2025-06', month(back(1)), month(back(0))]) {
    const res = await exportOf({ period });
    assert.equal(res.status, 200, period);
    assert.equal(res.headers.get('content-type'), 'text/csv; charset=utf-8');
    assert.equal(res.headers.get('content-disposition'), `attachment; filename="focus-${period}.csv"`);
    const { rows, billedCost } = checkFocusExport(await res.text());
    const ofMonth = items.filter((i) => i.billing_period === period);
    assert.ok(ofMonth.length > 0, `${period} has items`);
    assert.deepEqual(rows.map((r) => r.x_BillsyncItemId).sort(), ofMonth.map((i) => i.uuid).sort(), `${period}: a row per item`);
    const expected = new Map();
    for (const i of ofMonth) expected.set(i.currency, (expected.get(i.currency) ?? 0n) + (scaledDecimal(i.unit_price) * scaledDecimal(i.quantity)) / 10n ** 12n);
    assert.deepEqual(billedCost, expected, `${period}: Σ BilledCost per currency`);
  }

  // This month's invoices carry last month's compensations: Corrections, charged to last month.
  const { rows } = checkFocusExport(await (await exportOf({ period: month(back(0)) })).text());
  const corrections = rows.filter((r) => r.ChargeClass === 'Correction');
  assert.ok(corrections.length > 0, 'the reconciliation billed compensations');
  for (const r of corrections) {
    assert.equal(r.x_BillsyncItemKind, 'consumption_compensation');
    assert.equal(r.ChargePeriodStart, `${month(back(1))}-01T00:00:00Z`);
    assert.equal(r.BillingPeriodStart, `${month(back(0))}-01T00:00:00Z`);
    assert.equal(r.ServiceProviderName, 'Soracom');
  }
  const arrowRows = checkFocusExport(await (await exportOf({ period: '2025-06' })).text()).rows;
  assert.ok(arrowRows.every((r) => r.ServiceProviderName === 'Arrow' && r.ChargeClass === null));

  // JSON lines: the same rows.
  const jsonl = await exportOf({ period: month(back(0)), format: 'jsonl' });
  assert.equal(jsonl.headers.get('content-type'), 'application/x-ndjson');
  assert.equal(checkFocusExport(await jsonl.text(), { jsonl: true }).rows.length, rows.length);
});

test('the FOCUS export refuses a bad month or format, and strangers', { skip: NOT_BUILT }, async () => {
  const bad = await exportOf({ period: '2025-13' });
  assert.equal(bad.status, 400);
  assert.ok('period' in (await bad.json()));
  const format = await exportOf({ period: '2025-01', format: 'xlsx' });
  assert.equal(format.status, 400);
  assert.ok('format' in (await format.json()));
  const missing = await exportOf({});
  assert.equal(missing.status, 400);
  const stranger = await fetch(`${app.url}/api/admin/billsync/focus-export/?period=2025-01`);
  assert.equal(stranger.status, 401);
});
