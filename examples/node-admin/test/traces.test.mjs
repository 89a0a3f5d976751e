// GET /api/admin/billsync/invoice-items/{uuid}/trace/ over real HTTP on SQLite, for both vendors: after
// Arrow's June 2025 is synced and reconciled and a Soracom month is synced, every item of a source is in its
// chain in order (what billed it first, then its compensations), each with the operation and instant of its
// plan, a SHA-256 of the vendor payload and the vendor's lines; a forced re-run bills nothing and changes
// no trace; an unknown item is a coded 404 and the trace is for staff only.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer } from '../server.mjs';

const NOT_BUILT = !existsSync(fileURLToPath(new URL('../../../pkg/dist/node/billsync.js', import.meta.url)));
const TOKEN = 'traces-token';
const dir = mkdtempSync(join(tmpdir(), 'billsync-traces-'));
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
const post = (vendor, action, body) => fetch(`${app.url}/api/admin/${vendor}/billing-syncs/${action}/`, { method: 'POST', headers, body: JSON.stringify(body) });
const trace = async (uuid) => {
  const res = await fetch(`${app.url}/api/admin/billsync/invoice-items/${uuid}/trace/`, { headers });
  return { status: res.status, body: await res.json() };
};

test('each item traces to its payload and lines, on SQLite, for both vendors', { skip: NOT_BUILT }, async () => {
  const june = { year: 2025, month: 6 };
  for (const action of ['trigger_consumption_sync', 'trigger_reconciliation']) {
    const res = await post('arrow', action, june);
    assert.ok(res.status < 300, await res.text());
  }
  const now = new Date();
  const open = { year: now.getUTCFullYear(), month: now.getUTCMonth() + 1 };
  assert.ok((await post('soracom', 'trigger_consumption_sync', open)).status < 300);

  const items = app.store.snapshot().invoice_items;
  assert.ok(items.length > 0);
  const compensation = items.find((i) => i.kind === 'consumption_compensation');
  assert.ok(compensation, 'the demo month has a compensation');
  const chain = (await trace(compensation.uuid)).body.chain;
  assert.equal(chain[0].kind, 'provisional');
  assert.ok(chain.some((link) => link.uuid === compensation.uuid));
  const stored = items.filter((i) => i.source_key === compensation.source_key);
  assert.equal(chain.length, stored.length, 'every item of the source, once');
  for (const link of chain) {
    assert.match(link.trace.payload_sha256, /^[0-9a-f]{64}$/);
    assert.ok(link.trace.lines.length > 0, JSON.stringify(link));
    assert.ok(link.trace.operation && link.trace.planned_at, JSON.stringify(link));
  }
  for (const line of chain.at(-1).trace.lines) {
    assert.ok(Number.isInteger(line.page) && Number.isInteger(line.row), JSON.stringify(line));
  }

  const detailsOf = (i) => (typeof i.details === 'string' ? JSON.parse(i.details) : i.details) ?? {};
  const soracom = items.find((i) => detailsOf(i).trace?.lines?.some((l) => 'csv_lines' in l || 'year_month' in l));
  assert.ok(soracom, 'a Soracom item with CSV lines or the bill month');
  const soracomTrace = (await trace(soracom.uuid)).body.chain[0].trace;
  assert.match(soracomTrace.payload_sha256, /^[0-9a-f]{64}$/);

  // The same month reconciled again, forced: nothing more billed, the same chain.
  const again = await post('arrow', 'trigger_reconciliation', { ...june, force: true });
  assert.ok(again.status < 300);
  assert.equal(app.store.snapshot().invoice_items.length, items.length);
  assert.deepEqual((await trace(compensation.uuid)).body.chain, chain);

  const unknown = await trace('0f0f0f0f-0000-4000-8000-000000000000');
  assert.equal(unknown.status, 404);
  assert.equal(unknown.body.code, 'not_found');
  const anonymous = await fetch(`${app.url}/api/admin/billsync/invoice-items/${compensation.uuid}/trace/`);
  assert.equal(anonymous.status, 401);
});
