// Reversing a compensation over real HTTP, on SQLite: Arrow's June 2025 synced and reconciled, one
// compensation reversed (a new item of the opposite amount, its source held and listed with who and why),
// a forced reconciliation that leaves it alone, the release, and the next reconciliation that bills the gap
// once. The hold row is stored by the SQLite store and kept once released.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer } from '../server.mjs';
import { DEMO_USERNAME } from '../auth.mjs';
import { Dec } from '../support/decimal.mjs';

const NOT_BUILT = !existsSync(fileURLToPath(new URL('../../../pkg/dist/node/billsync.js', import.meta.url)));
const TOKEN = 'holds-token';
const dir = mkdtempSync(join(tmpdir(), 'billsync-holds-'));
let app;
before(async () => {
  if (NOT_BUILT) return;
  app = await startServer({ port: 0, dbPath: join(dir, 'db.sqlite'), adminToken: TOKEN, demoHistory: true, log: false });
});
after(async () => {
  await app?.close();
  rmSync(dir, { recursive: true, force: true });
});

const headers = { authorization: `Token ${TOKEN}`, 'content-type': 'application/json' };
const call = async (method, path, body) => {
  const res = await fetch(new URL(path, app.url), { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  return { status: res.status, body: await res.json() };
};
const billed = (key) => app.store.snapshot().invoice_items
  .filter((i) => i.source_key === key)
  .reduce((sum, i) => sum.add(Dec.parse(i.unit_price).mul(Dec.parse(i.quantity))), Dec.ZERO);
const reconcile = (force) => call('POST', '/api/admin/arrow/billing-syncs/trigger_reconciliation/', { year: 2025, month: 6, force });

test('reverse, hold, release, and the gap billed once, over HTTP on SQLite', { skip: NOT_BUILT }, async () => {
  assert.ok((await call('POST', '/api/admin/arrow/billing-syncs/trigger_consumption_sync/', { year: 2025, month: 6 })).status < 300);
  assert.ok((await reconcile(false)).status < 300);
  const items = await call('GET', '/api/admin/billsync/invoice-items/?kind=compensation&page_size=100');
  assert.equal(items.status, 200);
  const compensation = items.body.find((i) => i.vendor === 'arrow');
  assert.ok(compensation, 'the demo month has a compensation');
  const key = compensation.source_key;
  const final = billed(key);

  const reverse = `/api/admin/billsync/invoice-items/${compensation.uuid}/reverse/`;
  const blank = await call('POST', reverse, { reason: ' ' });
  assert.equal(blank.status, 400);
  assert.ok(Array.isArray(blank.body.reason));
  const before = JSON.stringify(app.store.snapshot());
  assert.equal((await call('POST', reverse, { reason: 'disputed', dry_run: true })).status, 200);
  assert.equal(JSON.stringify(app.store.snapshot()), before, 'a dry run writes nothing');
  const done = await call('POST', reverse, { reason: 'disputed' });
  assert.equal(done.status, 200, JSON.stringify(done.body));
  assert.ok(billed(key).eq(final.sub(Dec.parse(compensation.amount))));
  assert.equal((await call('POST', reverse, { reason: 'disputed' })).status, 409);

  const holds = await call('GET', '/api/admin/billsync/holds/');
  assert.equal(holds.status, 200);
  assert.deepEqual(holds.body.map((h) => [h.source_key, h.reason, h.held]), [[key, 'disputed', true]]);
  assert.equal(holds.body[0].held_by, DEMO_USERNAME, 'who held it: the request user');
  assert.equal(app.store.snapshot().ledger_holds.length, 1, 'the SQLite store keeps the hold row');

  const forced = await reconcile(true);
  assert.equal(forced.body.held, 1, JSON.stringify(forced.body));
  assert.ok(billed(key).eq(final.sub(Dec.parse(compensation.amount))), 'held: left alone');

  const release = `/api/admin/billsync/sources/${encodeURIComponent(key)}/release/`;
  assert.equal((await call('POST', release, { dry_run: true })).status, 200);
  assert.equal((await call('GET', '/api/admin/billsync/holds/')).body.length, 1, 'a dry run releases nothing');
  const released = await call('POST', release, {});
  assert.equal(released.status, 200, JSON.stringify(released.body));
  assert.deepEqual((await call('GET', '/api/admin/billsync/holds/')).body, []);
  assert.equal(app.store.snapshot().ledger_holds[0].held, false, 'kept, released');

  assert.ok((await reconcile(false)).status < 300);
  assert.ok(billed(key).eq(final), 'the next reconciliation bills final − billed');
  const count = app.store.snapshot().invoice_items.length;
  assert.ok((await reconcile(true)).status < 300);
  assert.equal(app.store.snapshot().invoice_items.length, count, 'once');
});
