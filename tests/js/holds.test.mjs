// Reversing a compensation through the wasm package: ArrowEngine.handle on the memory store. The reversal is a
// new item of the opposite amount, the source is held (left out of reconciliation, counted as `held`) and
// listed with who held it and why; releasing it lets the next reconciliation bill final − billed, once.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import billsync from '../../pkg/index.mjs';

const SETTINGS = '5e771a65-0000-4000-8000-000000000001';
const CUSTOMER = 'c0570be2-0000-4000-8000-000000000002';
const PROJECT = '9f0ec700-0000-4000-8000-000000000003';
const RESOURCE = 'aaaaaaaa-0000-4000-8000-000000000001';
const LICENSE = 'XSP1001';
const HEADERS = ['Classification', 'Vendor Subscription ID', 'End User Company Name', 'End User Company ID',
  'Customer Total Price', 'Total Wholesale Price', 'Sequence', 'ARS Subscription ID', 'Statement Reference',
  'Vendor Name', 'Product Name', 'Qty', 'Report Period'];
const EXPORT = [['IAAS', 'vs-1', 'Contoso', 'XSP661245', '95.00', '75.00', '1', LICENSE, 'ST-1', 'Microsoft', 'Azure plan', '1', '2025-01']];

const arrow = {
  async billingExport(args) {
    return JSON.stringify({ data: { headers: HEADERS, values: args.page === 1 ? EXPORT : [] }, pagination: { perPage: 1000 } });
  },
  async consumption(args) {
    return { data: { headers: ['Report Period', 'Total sell price', 'Total buy price'], lines: [[args.periodStart, '100.00', '80.00']] } };
  },
  async license(args) { return { data: { license: { reference: args.licenseReference } } }; },
  async licenses() { return { data: { licenses: [] } }; },
};

const alice = { is_staff: true, username: 'alice' };
const call = (engine, method, path, body, user = alice) =>
  engine.handle({ method, path, body: body ?? null, query: {}, user, baseUrl: 'http://admin.test' });
const reconcile = (engine, force) =>
  call(engine, 'POST', '/api/admin/arrow/billing-syncs/trigger_reconciliation/', { year: 2025, month: 1, force });
const billedFor = (store, key) => store.snapshot().invoice_items
  .filter((i) => i.source_key === key)
  .reduce((cents, i) => cents + Math.round(Number(i.unit_price) * Number(i.quantity) * 100), 0);

test('reverse, hold, release and bill the gap once, through ArrowEngine.handle', async () => {
  const store = billsync.createMemoryStore({
    settings: [{ uuid: SETTINGS, name: 'Arrow', export_type_reference: 'EXP', currency: 'EUR' }],
    customers: [{ uuid: CUSTOMER, name: 'Contoso' }],
    projects: [{ uuid: PROJECT, name: 'Azure', customer_uuid: CUSTOMER }],
    resources: [{ uuid: RESOURCE, name: 'sub-1', project_uuid: PROJECT, backend_id: 'vs-1', state: 'OK',
      attributes: { arrow_license_reference: LICENSE } }],
  });
  let now = '2025-01-20T10:00:00Z';
  const engine = new billsync.ArrowEngine({ arrow, store, clock: { now: () => now } });
  assert.equal((await call(engine, 'POST', '/api/admin/arrow/billing-syncs/trigger_consumption_sync/', { year: 2025, month: 1 })).status, 200);
  now = '2025-02-03T10:00:00Z';
  assert.equal((await reconcile(engine, false)).status, 200);

  const items = (await call(engine, 'GET', '/api/admin/billsync/invoice-items/')).body;
  const compensation = items.find((i) => i.kind === 'compensation');
  assert.equal(compensation.amount, '-5.00');
  const key = compensation.source_key;
  assert.equal(billedFor(store, key), 9500);

  const reverse = `/api/admin/billsync/invoice-items/${compensation.uuid}/reverse/`;
  const blank = await call(engine, 'POST', reverse, { reason: '' });
  assert.equal(blank.status, 400);
  assert.ok(Array.isArray(blank.body.reason), JSON.stringify(blank.body));
  assert.equal((await call(engine, 'POST', reverse, { reason: 'x' }, { is_staff: false })).status, 403);
  const before = JSON.stringify(store.snapshot());
  const dry = await call(engine, 'POST', reverse, { reason: 'disputed', dry_run: true });
  assert.equal(dry.status, 200);
  assert.equal(dry.body.dry_run, true);
  assert.equal(JSON.stringify(store.snapshot()), before, 'a dry run writes nothing');

  const done = await call(engine, 'POST', reverse, { reason: 'disputed' });
  assert.equal(done.status, 200, JSON.stringify(done.body));
  assert.equal(done.body.reversal.unit_price, '5.00');
  assert.equal(done.body.reversal.details.reverses, compensation.uuid);
  assert.equal(billedFor(store, key), 10000);
  const again = await call(engine, 'POST', reverse, { reason: 'disputed' });
  assert.equal(again.status, 409);
  assert.equal(again.body.code, 'illegal_transition');

  const holds = (await call(engine, 'GET', '/api/admin/billsync/holds/')).body;
  assert.deepEqual(holds.map((h) => [h.source_key, h.held_by, h.reason, h.held_at]), [[key, 'alice', 'disputed', now]]);

  const forced = await reconcile(engine, true);
  assert.equal(forced.body.held, 1);
  assert.deepEqual(forced.body.held_sources, [key]);
  assert.equal(billedFor(store, key), 10000, 'held: left alone');

  const release = `/api/admin/billsync/sources/${encodeURIComponent(key)}/release/`;
  const released = await call(engine, 'POST', release, {});
  assert.equal(released.status, 200, JSON.stringify(released.body));
  assert.equal(released.body.hold.released_by, 'alice');
  assert.equal((await call(engine, 'POST', release, {})).status, 409);
  assert.deepEqual((await call(engine, 'GET', '/api/admin/billsync/holds/')).body, []);

  const next = await reconcile(engine, false);
  assert.equal(next.body.held, 0);
  assert.equal(billedFor(store, key), 9500, 'the next reconciliation bills final − billed');
  const count = store.snapshot().invoice_items.length;
  await reconcile(engine, true);
  assert.equal(store.snapshot().invoice_items.length, count, 'once');
});
