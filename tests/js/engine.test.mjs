// The engine from JS: createMemoryStore, a fake Arrow adapter and a fixed clock, through engine.handle.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import billsync from '../../pkg/index.mjs';
import { sum, times, toUnits } from '../support/decimal.mjs';

const SETTINGS = '5e771a65-0000-4000-8000-000000000001';
const CUSTOMER = 'c0570be2-0000-4000-8000-000000000002';
const PROJECT = '9f0ec700-0000-4000-8000-000000000003';
const resource = (n) => `aaaaaaaa-0000-4000-8000-${String(n).padStart(12, '0')}`;
const license = (n) => `XSP${1000 + n}`;

const CONSUMPTION = {
  [license(1)]: [['60.00', '50.00'], ['40.00', '30.00']],
  [license(2)]: [['10.00', '8.00']],
};
const EXPORT = [
  ['IAAS', 'vs-1', 'Contoso', 'XSP661245', '90.00', '75.00', '1', license(1), 'ST-1', 'Microsoft', 'Azure plan', '1', '2025-01'],
  ['IAAS', 'vs-1', 'Contoso', 'XSP661245', '5.00', '4.00', '2', license(1), 'ST-1', 'Microsoft', 'Azure plan', '1', '2025-01'],
  ['IAAS', 'vs-2', 'Contoso', 'XSP661245', '12.34', '9.00', '3', license(2), 'ST-1', 'Microsoft', 'Azure plan', '1', '2025-01'],
];
const HEADERS = ['Classification', 'Vendor Subscription ID', 'End User Company Name', 'End User Company ID',
  'Customer Total Price', 'Total Wholesale Price', 'Sequence', 'ARS Subscription ID', 'Statement Reference',
  'Vendor Name', 'Product Name', 'Qty', 'Report Period'];

function fakeArrow(calls = []) {
  return {
    async billingExport(args) {
      calls.push(['billingExport', args]);
      return JSON.stringify({ data: { headers: HEADERS, values: args.page === 1 ? EXPORT : [] }, pagination: { perPage: 1000 } });
    },
    async consumption(args) {
      calls.push(['consumption', args]);
      const lines = (CONSUMPTION[args.licenseReference] ?? []).map(([s, b]) => [args.periodStart, s, b]);
      return { data: { headers: ['Report Period', 'Total sell price', 'Total buy price'], lines } };
    },
    async license(args) { return { data: { license: { reference: args.licenseReference } } }; },
    async licenses() { return { data: { licenses: [] } }; },
  };
}

function initialTables() {
  return {
    settings: [{ uuid: SETTINGS, name: 'Arrow', export_type_reference: 'EXP', currency: 'EUR' }],
    customers: [{ uuid: CUSTOMER, name: 'Contoso' }],
    projects: [{ uuid: PROJECT, name: 'Azure', customer_uuid: CUSTOMER }],
    customer_mappings: [],
    resources: [1, 2].map((n) => ({
      uuid: resource(n), name: `sub-${n}`, project_uuid: PROJECT, backend_id: `vs-${n}`, state: 'OK',
      attributes: { arrow_license_reference: license(n) },
    })),
    invoice_items: [],
  };
}

const staff = { is_staff: true };
const post = (engine, action, body) => engine.handle({ method: 'POST', path: `/api/admin/arrow/billing-syncs/${action}/`, body, user: staff, baseUrl: 'http://admin.test' });
const list = (engine, query = {}) => engine.handle({ method: 'GET', path: '/api/admin/arrow/consumption-records/', query, user: staff, baseUrl: 'http://admin.test' });

test('consumption sync then reconciliation, through handle, on the memory store', async () => {
  const store = billsync.createMemoryStore(initialTables());
  let now = '2025-01-20T10:00:00Z';
  const progress = [];
  const calls = [];
  const engine = new billsync.ArrowEngine({ arrow: fakeArrow(calls), store, clock: { now: () => now }, onProgress: (e) => progress.push(e) });

  const synced = await post(engine, 'trigger_consumption_sync', { year: 2025, month: 1 });
  // The work ran in the request: 200 with its counters (not 202 with an empty body).
  assert.equal(synced.status, 200);
  assert.equal(synced.body.synced, 2);
  assert.equal(synced.body.dry_run, false);
  assert.deepEqual(calls.filter(([c]) => c === 'consumption').map(([, a]) => a.periodStart), ['2025-01', '2025-01']);
  assert.ok(progress.some((e) => e.operation === 'trigger_consumption_sync' && e.total === 2 && e.done === 2));
  let records = (await list(engine)).body;
  const byLicense = Object.fromEntries(records.map((r) => [r.license_reference, r]));
  assert.equal(byLicense[license(1)].consumed_sell, '100.00');
  assert.equal(byLicense[license(1)].final_sell, null);
  assert.equal(byLicense[license(1)].is_finalized, false);

  now = '2025-02-03T10:00:00Z';
  const reconciled = await post(engine, 'trigger_reconciliation', { year: 2025, month: 1 });
  assert.equal(reconciled.status, 200);
  assert.equal(reconciled.body.reconciled, 2);
  const response = await list(engine);
  assert.equal(response.headers['x-result-count'], '2');
  records = Object.fromEntries(response.body.map((r) => [r.license_reference, r]));
  assert.equal(records[license(1)].final_sell, '95.00');
  assert.equal(records[license(1)].adjustment_amount, '-5.00');
  assert.equal(records[license(1)].is_reconciled, true);
  assert.equal(records[license(2)].adjustment_amount, '2.34');
  assert.equal(records[license(1)].url, `http://admin.test/api/admin/arrow/consumption-records/${records[license(1)].uuid}/`);

  // The conservation law, over the store's own invoice items, in exact decimals.
  const { invoice_items: items, consumption_records: stored } = store.snapshot();
  for (const record of stored) {
    const key = `${record.resource_uuid}|${record.billing_period}|${record.source_ref}`;
    const billed = items.filter((i) => i.source_key === key).map((i) => times(i.unit_price, i.quantity));
    assert.equal(billed.reduce((a, b) => a + b, 0n), toUnits(record.final_sell), key);
  }
  const credit = items.find((i) => i.kind === 'consumption_compensation' && i.name.includes('credit'));
  assert.equal(credit.unit_price, '-5.00');

  // A forced re-run adds nothing.
  await post(engine, 'trigger_reconciliation', { year: 2025, month: 1, force: true });
  assert.equal(store.snapshot().invoice_items.length, items.length);
  assert.equal(sum(store.snapshot().invoice_items.map((i) => i.unit_price)), toUnits('107.34'));
});

test('per-operation methods resolve to bodies and reject with BillsyncErrors', async () => {
  const store = billsync.createMemoryStore(initialTables());
  const engine = new billsync.ArrowEngine({ arrow: fakeArrow(), store, clock: { now: () => new Date('2025-01-20T10:00:00Z') } });
  const counters = await engine.triggerConsumptionSync({ year: 2025, month: 1 });
  assert.equal(counters.synced, 2);
  const dry = await engine.triggerReconciliation({ year: 2025, month: 1, dry_run: true });
  assert.equal(dry.dry_run, true);
  assert.ok(dry.changeset.writes.some((w) => w.op === 'create' && w.table === 'invoice_items'));
  assert.equal(store.snapshot().consumption_records.every((r) => r.final_sell === null), true, 'a dry run commits nothing');
  const status = await engine.consumptionStatus();
  assert.equal(status.settings_uuid, SETTINGS);
  const rows = await engine.listConsumptionRecords({ license_reference: 'xsp1001' });
  assert.equal(rows.length, 1);
  await assert.rejects(engine.triggerSync({ year: 2025, month: 13 }), (e) => e instanceof billsync.BillsyncError && e.code === 'validation_failed' && 'month' in e.fields);
  await assert.rejects(engine.retrieveConsumptionRecord(resource(9)), (e) => e.code === 'not_found');
});

test('HTTP conventions: 403, 404, 405, 400, HEAD', async () => {
  const engine = new billsync.ArrowEngine({ arrow: fakeArrow(), store: billsync.createMemoryStore(initialTables()), clock: { now: () => '2025-01-20T10:00:00Z' } });
  assert.equal((await engine.handle({ method: 'GET', path: '/api/admin/arrow/billing-syncs/', user: { is_staff: false } })).status, 403);
  assert.equal((await engine.handle({ method: 'GET', path: '/api/admin/arrow/billing-syncs/', user: null })).status, 403);
  assert.deepEqual((await engine.handle({ method: 'GET', path: `/api/admin/arrow/billing-syncs/${resource(1)}/`, user: staff })).body, { detail: `Not found: billing sync ${resource(1)}.` });
  assert.equal((await engine.handle({ method: 'DELETE', path: '/api/admin/arrow/billing-syncs/', user: staff })).status, 405);
  const bad = await post(engine, 'trigger_sync', { year: 1999, month: 13 });
  assert.equal(bad.status, 400);
  assert.ok(bad.body.year && bad.body.month);
  await post(engine, 'trigger_consumption_sync', { year: 2025, month: 1 });
  const head = await engine.handle({ method: 'HEAD', path: '/api/admin/arrow/consumption-records/', query: { page_size: '1' }, user: staff, baseUrl: 'http://admin.test' });
  assert.equal(head.status, 200);
  assert.equal(head.body, null);
  assert.equal(head.headers['x-result-count'], '2');
  assert.match(head.headers.link, /rel="next"/);
});

test('a failing adapter gives 502 naming the call, and nothing is committed', async () => {
  const store = billsync.createMemoryStore(initialTables());
  const arrow = { ...fakeArrow(), consumption: async () => { throw new Error('ECONNRESET'); } };
  const engine = new billsync.ArrowEngine({ arrow, store, clock: { now: () => '2025-01-20T10:00:00Z' } });
  const response = await post(engine, 'trigger_consumption_sync', { year: 2025, month: 1 });
  assert.equal(response.status, 502);
  assert.equal(response.body.call, 'arrow.consumption');
  assert.match(response.body.detail, /ECONNRESET/);
  assert.deepEqual(store.snapshot().consumption_records, []);
  assert.deepEqual(store.snapshot().invoice_items, []);
});

test('the constructor names every missing adapter', () => {
  assert.throws(() => new billsync.ArrowEngine({ arrow: {}, clock: { now: () => '' } }), (e) => {
    assert.equal(e.code, 'validation_failed');
    assert.ok(e.fields.arrow.some((m) => m.includes('billingExport')));
    assert.ok(e.fields.store);
    return true;
  });
  assert.throws(() => billsync.createMemoryStore({ resources: [{ name: 'no uuid' }] }), (e) => e.code === 'validation_failed' && 'resources[0]' in e.fields);
});

test('a host with one integration may leave settings out of its customer mappings', async () => {
  const tables = initialTables();
  // No settings_uuid, and the customer under the name a host may use for it.
  tables.customer_mappings = [{ uuid: 'e0000000-0000-4000-8000-000000000001', arrow_reference: 'XSP661245', customer: CUSTOMER }];
  tables.resources = []; // so the export's lines are statement lines, not consumption
  const store = billsync.createMemoryStore(tables);
  const engine = new billsync.ArrowEngine({ arrow: fakeArrow(), store, clock: { now: () => '2025-02-03T10:00:00Z' } });
  const counters = await engine.triggerSync({ year: 2025, month: 1 });
  assert.equal(counters.syncs_created, 1);
  assert.equal(counters.skipped_unmapped, 0);
  const items = store.snapshot().invoice_items.filter((i) => i.kind === 'statement_line');
  assert.equal(sum(items.map((i) => i.unit_price)), toUnits('107.34'));
});

test('settings and mappings as the spec lists their fields (no uuid) load, with stable derived ids', async () => {
  const tables = initialTables();
  tables.settings = [{ api_url: 'https://arrow.example', api_key: 'secret', export_type_reference: 'EXP', invoice_price_source: 'sell', invoice_item_prefix: 'Arrow consumption', is_active: true, sync_enabled: false }];
  tables.customer_mappings = [{ arrow_reference: 'XSP661245', customer_uuid: CUSTOMER }];
  const one = billsync.createMemoryStore(tables).snapshot();
  const two = billsync.createMemoryStore(tables).snapshot();
  assert.match(one.settings[0].uuid, /^[0-9a-f-]{36}$/);
  assert.equal(one.settings[0].uuid, two.settings[0].uuid);
  assert.equal(one.customer_mappings[0].uuid, two.customer_mappings[0].uuid);
  assert.equal('api_key' in one.settings[0], false, 'the API key is never held, so never echoed');
  // Consumption that names no currency is refused while the settings give none (never guessed into storage)…
  const refused = new billsync.ArrowEngine({ arrow: fakeArrow(), store: billsync.createMemoryStore(tables), clock: { now: () => '2025-01-20T10:00:00Z' } });
  const response = await post(refused, 'trigger_consumption_sync', { year: 2025, month: 1 });
  assert.equal(response.status, 502);
  assert.equal(response.body.code, 'missing_column');
  assert.match(JSON.stringify(response.body), /currency/i);
  // …and billed in the settings' currency once they give one.
  tables.settings[0].currency = 'EUR';
  const engine = new billsync.ArrowEngine({ arrow: fakeArrow(), store: billsync.createMemoryStore(tables), clock: { now: () => '2025-01-20T10:00:00Z' } });
  assert.equal((await post(engine, 'trigger_consumption_sync', { year: 2025, month: 1 })).status, 200);
});

test("fetch_license_info: a licence Arrow does not have is a 404 naming it; a failing Arrow stays a 502", async () => {
  const failing = (status) => ({ ...fakeArrow(), async license({ licenseReference }) {
    throw Object.assign(new Error(`Arrow answered ${status} for ${licenseReference}`), { status });
  } });
  const engine = (arrow) => new billsync.ArrowEngine({ arrow, store: billsync.createMemoryStore(initialTables()), clock: { now: () => '2025-01-20T10:00:00Z' } });
  const ask = (arrow) => engine(arrow).handle({ method: 'POST', path: '/api/admin/arrow/billing-syncs/fetch_license_info/',
    body: { license_reference: 'XSP-NO-SUCH' }, user: staff });
  const missing = await ask(failing(404));
  assert.equal(missing.status, 404);
  assert.deepEqual(missing.body, { detail: 'Not found: Arrow licence "XSP-NO-SUCH".' });
  await assert.rejects(engine(failing(404)).fetchLicenseInfo({ license_reference: 'XSP-NO-SUCH' }),
    (e) => e instanceof billsync.BillsyncError && e.code === 'not_found' && e.status === 404 && e.message.includes('XSP-NO-SUCH'));
  const down = await ask(failing(503));
  assert.equal(down.status, 502);
  assert.equal(down.body.call, 'arrow.license');
  const found = await ask(fakeArrow());
  assert.equal(found.status, 200);
  assert.equal(found.body.data.license.reference, 'XSP-NO-SUCH');
});

test('a number JSON cannot hold (1e400 reads as Infinity, NaN) is out of range, not "may not be null"', async () => {
  const engine = new billsync.ArrowEngine({ arrow: fakeArrow(), store: billsync.createMemoryStore(initialTables()), clock: { now: () => '2025-01-20T10:00:00Z' } });
  const path = '/api/admin/arrow/billing-syncs/trigger_consumption_sync/';
  const body = JSON.parse('{"year": 2025, "month": 1e400}');
  assert.equal(body.month, Infinity);
  const answer = await engine.handle({ method: 'POST', path, body, user: staff });
  assert.equal(answer.status, 400);
  assert.deepEqual(answer.body, { month: ['The number is out of range: it reads as Infinity, which JSON cannot hold.'] });
  const nested = await engine.handle({ method: 'POST', path, body: { year: -Infinity, month: 1, settings_uuid: [NaN] }, user: staff });
  assert.equal(nested.status, 400);
  assert.deepEqual(Object.keys(nested.body).sort(), ['settings_uuid', 'year']);
  assert.match(nested.body.year[0], /-Infinity/);
  assert.match(nested.body.settings_uuid[0], /NaN/);
  // The route and the user are checked first.
  assert.equal((await engine.handle({ method: 'POST', path, body, user: { is_staff: false } })).status, 403);
  assert.equal((await engine.handle({ method: 'GET', path, body, user: staff })).status, 405);
  // The methods and validateRequest say the same.
  await assert.rejects(engine.triggerConsumptionSync(body),
    (e) => e instanceof billsync.BillsyncError && e.code === 'validation_failed' && /out of range/.test(e.fields.month[0]));
  assert.throws(() => billsync.validateRequest('admin_arrow_billing_syncs_trigger_sync', body),
    (e) => e.code === 'validation_failed' && /out of range/.test(e.fields.month[0]));
  assert.equal(billsync.createMemoryStore(initialTables()).snapshot().consumption_records?.length ?? 0, 0);
});
