// GET /api/admin/billsync/invoice-items/ over real HTTP, for both vendors on one database: after Arrow's
// June 2025 is synced and reconciled and Soracom's months are synced (and the closed one reconciled), every
// invoice item in the tables is listed once (the simulator closes last month at once, so it has compensations), with its vendor, kind and exact amount; per source the listed
// amounts add up to what the record bills; the filters select what they name.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer } from '../server.mjs';
import { Dec } from '../support/decimal.mjs';

const NOT_BUILT = !existsSync(fileURLToPath(new URL('../../../pkg/dist/node/billsync.js', import.meta.url)));
const TOKEN = 'invoice-items-token';
const dir = mkdtempSync(join(tmpdir(), 'billsync-items-'));
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
async function list(query = {}) {
  const all = [];
  for (let page = 1; ; page += 1) {
    const url = new URL('/api/admin/billsync/invoice-items/', app.url);
    for (const [k, v] of Object.entries({ ...query, page, page_size: 100 })) url.searchParams.set(k, String(v));
    const res = await fetch(url, { headers });
    assert.equal(res.status, 200, await res.clone().text());
    const rows = await res.json();
    all.push(...rows);
    if (all.length >= Number(res.headers.get('x-result-count'))) return all;
  }
}

test('what was billed, for both vendors, with the filters', { skip: NOT_BUILT }, async () => {
  const post = (vendor, action, body) => fetch(`${app.url}/api/admin/${vendor}/billing-syncs/${action}/`, { method: 'POST', headers, body: JSON.stringify(body) });
  for (const action of ['trigger_consumption_sync', 'trigger_reconciliation']) {
    assert.ok((await post('arrow', action, { year: 2025, month: 6 })).status < 300);
  }
  const now = new Date();
  const back = (n) => new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - n, 1));
  for (const d of [back(2), back(0)]) {
    assert.ok((await post('soracom', 'trigger_consumption_sync', { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1 })).status < 300);
  }
  assert.ok((await post('soracom', 'trigger_reconciliation', { year: back(1).getUTCFullYear(), month: back(1).getUTCMonth() + 1 })).status < 300);

  const snapshot = app.store.snapshot();
  const items = await list();
  assert.equal(items.length, snapshot.invoice_items.length);
  assert.deepEqual(new Set(items.map((i) => i.uuid)).size, items.length, 'each item once');
  const vendors = new Set(items.map((i) => i.vendor));
  assert.deepEqual([...vendors].sort(), ['arrow', 'soracom']);
  for (const item of items) {
    const stored = snapshot.invoice_items.find((i) => i.uuid === item.uuid);
    assert.ok(Dec.parse(item.amount).eq(Dec.parse(stored.unit_price).mul(Dec.parse(stored.quantity))), item.uuid);
    assert.equal(item.currency, stored.currency);
    assert.equal(item.source_key, stored.source_key);
    assert.ok(['provisional', 'statement_line', 'compensation', 'net_off'].includes(item.kind));
    assert.equal(typeof item.owner, 'string');
    assert.equal(typeof item.reason, 'string');
  }
  // Per record, the listed amounts of its source add up to what it bills.
  for (const record of snapshot.consumption_records) {
    const key = `${record.resource_uuid}|${record.billing_period}|${record.source_ref}`;
    const ofSource = await list({ source_key: key });
    assert.ok(ofSource.length > 0, key);
    assert.ok(ofSource.every((i) => i.vendor === record.vendor));
    const billed = ofSource.reduce((s, i) => s.add(Dec.parse(i.amount)), Dec.ZERO);
    assert.ok(billed.eq(Dec.parse(record.reconciled_at ? record.final_sell : record.consumed_sell)), `${key}: ${billed}`);
  }
  // The filters.
  const soracom = await list({ vendor: 'soracom' });
  assert.ok(soracom.length > 0 && soracom.every((i) => i.vendor === 'soracom' && i.currency === 'JPY'));
  assert.equal((await list({ vendor: 'arrow' })).length + soracom.length, items.length);
  const compensations = await list({ kind: 'compensation' });
  assert.ok(compensations.length > 0 && compensations.every((i) => i.kind === 'compensation'));
  assert.deepEqual(new Set(compensations.map((i) => i.vendor)), new Set(['arrow', 'soracom']), 'both vendors compensated');
  const customer = items[0].customer_uuid;
  assert.deepEqual((await list({ customer_uuid: customer })).map((i) => i.uuid).sort(), items.filter((i) => i.customer_uuid === customer).map((i) => i.uuid).sort());
  const june = await list({ billing_period: '2025-06' });
  assert.ok(june.length > 0 && june.every((i) => i.billing_period === '2025-06'));
  const bad = await fetch(`${app.url}/api/admin/billsync/invoice-items/?kind=refund`, { headers });
  assert.equal(bad.status, 400);
  assert.deepEqual(await bad.json(), { kind: ['"refund" is not a valid choice.'] });
  assert.equal((await fetch(`${app.url}/api/admin/billsync/invoice-items/`)).status, 401);
});
