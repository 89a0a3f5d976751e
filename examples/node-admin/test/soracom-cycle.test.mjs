// Soracom's monthly cycle end to end over real HTTP on 127.0.0.1: the admin backend (SoracomEngine on
// SQLite) driving the Soracom simulator (a real loopback server: async export, CSV with BOM, tags and
// discounts, a month that closes late). latest → closed → reconcile, and the conservation law in exact
// decimals on the SQLite tables. Expectations come from the simulator's own figures, never hard-coded.
import { test, before, after } from 'node:test';
import assert from 'node:assert';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer } from '../server.mjs';
import { Dec } from '../support/decimal.mjs';
import { soracomDemoHostData, SORACOM_SUBSCRIBERS, subscriberKey } from '../soracom-demo-data.mjs';

const TOKEN = 'test-admin-token';
let clock = '2025-06-20T10:00:00Z';
let app;
let dir;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'billsync-soracom-'));
  app = await startServer({ port: 0, dbPath: join(dir, 'billsync.sqlite'), adminToken: TOKEN, now: () => clock, log: false });
});

after(async () => {
  await app?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function api(method, path, body) {
  const headers = { accept: 'application/json', authorization: `Token ${TOKEN}` };
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(new URL(`/api/admin/soracom/${path}`, app.url), { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  return { status: res.status, headers: res.headers, json: text ? JSON.parse(text) : null, text };
}

const hosted = SORACOM_SUBSCRIBERS.filter((s) => s.host !== false);
const month = { year: 2025, month: 6 };

/** Σ unit_price × quantity of the invoice items billed for each record, from the SQLite tables. */
function billedPerRecord() {
  const { consumption_records: records, invoice_items: items } = app.store.snapshot();
  return records.filter((r) => r.vendor === 'soracom').map((r) => {
    const key = `${r.resource_uuid}|${r.billing_period}|${r.source_ref}`;
    const billed = items.filter((i) => i.source_key === key).reduce((s, i) => s.add(Dec.parse(i.unit_price).mul(Dec.parse(i.quantity))), Dec.ZERO);
    return { record: r, billed };
  });
}

test('the open month becomes provisional charges, one record per SIM and device, at the preliminary figures', async () => {
  assert.ok(app.soracomEngine, 'the package has the SoracomEngine');
  const sync = await api('POST', 'billing-syncs/trigger_consumption_sync/', month);
  assert.strictEqual(sync.status, 200, sync.text);
  assert.strictEqual(sync.json.synced, hosted.length);
  const preliminary = app.soracomSimulator.preliminaryFigures('202506').perSubscriber;
  const rows = billedPerRecord();
  assert.strictEqual(rows.length, hosted.length);
  for (const { record, billed } of rows) {
    assert.ok(Dec.parse(record.consumed_sell).eq(Dec.parse(preliminary[record.source_ref])), `${record.source_ref} consumed`);
    assert.ok(billed.eq(Dec.parse(record.consumed_sell)), `${record.source_ref} provisional item`);
  }
});

test('while Soracom has not closed the month, a reconciliation changes nothing', async () => {
  clock = '2025-07-02T10:00:00Z';
  assert.strictEqual(app.soracomSimulator.stateOf('202506'), 'temporary');
  const before = app.store.snapshot();
  const early = await api('POST', 'billing-syncs/trigger_reconciliation/', month);
  assert.strictEqual(early.status, 200, early.text);
  assert.strictEqual(early.json.month_closed, false);
  assert.deepStrictEqual(app.store.snapshot(), before);
});

test('once closed, every SIM and device bills exactly its final figure, and a forced re-run bills nothing more', async () => {
  clock = '2025-07-05T10:00:00Z';
  assert.strictEqual(app.soracomSimulator.stateOf('202506'), 'closed');
  const done = await api('POST', 'billing-syncs/trigger_reconciliation/', month);
  assert.strictEqual(done.status, 200, done.text);
  assert.strictEqual(done.json.month_closed, true);
  assert.strictEqual(done.json.reconciled, hosted.length);
  const finals = app.soracomSimulator.finalFigures('202506').perSubscriber;
  const drifted = hosted.filter((s) => s.drift !== 'exact').length;
  assert.strictEqual(done.json.compensation_items_created, drifted, 'one compensation per SIM whose figure moved');
  for (const { record, billed } of billedPerRecord()) {
    const final = Dec.parse(finals[record.source_ref]);
    assert.ok(Dec.parse(record.final_sell).eq(final), `${record.source_ref} final`);
    assert.ok(billed.eq(final), `${record.source_ref}: billed ${billed} for a final of ${final}`);
  }
  const items = app.store.snapshot().invoice_items.length;
  const again = await api('POST', 'billing-syncs/trigger_reconciliation/', { ...month, force: true });
  assert.strictEqual(again.json.compensation_items_created, 0);
  assert.strictEqual(app.store.snapshot().invoice_items.length, items);
});

test("a host customer's bills come back in Soracom's shapes, from the reconciled records", async () => {
  const host = soracomDemoHostData();
  const customer = host.customers[0];
  const finals = app.soracomSimulator.finalFigures('202506').perSubscriber;
  const projects = host.projects.filter((p) => p.customer_uuid === customer.uuid).map((p) => p.uuid);
  const mine = host.resources.filter((r) => projects.includes(r.project_uuid));
  const expected = mine.reduce((s, r) => s.add(Dec.parse(finals[subscriberKey(r.attributes.soracom_kind, r.backend_id)])), Dec.ZERO);
  const bill = await api('GET', `customers/${customer.uuid}/bills/202506/`);
  assert.strictEqual(bill.status, 200, bill.text);
  assert.deepStrictEqual(bill.json, { amount: Number(expected.toString()), currency: 'JPY', state: 'closed', yearMonth: '202506' });
  const history = await api('GET', `customers/${customer.uuid}/bills/`);
  assert.deepStrictEqual(history.json.billList.map((b) => b.yearMonth), ['202506']);
  const daily = await api('GET', `customers/${customer.uuid}/bills/202506/daily/`);
  const days = daily.json.billList.map((d) => d.date);
  assert.ok(days.length > 20 && days.every((d, i) => i === 0 || d < days[i - 1]), 'days newest first');
  const records = await api('GET', 'consumption-records/');
  assert.strictEqual(records.headers.get('x-result-count'), String(hosted.length));
  assert.strictEqual((await api('GET', `customers/${customer.uuid}/bills/2025-06/`)).status, 400);
});
