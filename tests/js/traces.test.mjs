// Every item traced to its evidence, through the package: an Arrow month synced and reconciled through
// `handle`, then GET /api/admin/billsync/invoice-items/{uuid}/trace/. A payload the adapter returns as text
// is hashed as its bytes; one it returns as an object is hashed as its canonical JSON (keys sorted, no
// whitespace), as the README says. The same payloads again: the same hashes, nothing more billed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import billsync from '../../pkg/index.mjs';

const SETTINGS = '5e771a65-0000-4000-8000-000000000001';
const CUSTOMER = 'c0570be2-0000-4000-8000-000000000002';
const PROJECT = '9f0ec700-0000-4000-8000-000000000003';
const MAPPING = '3a991a90-0000-4000-8000-000000000004';
const RESOURCE = 'aaaaaaaa-0000-4000-8000-000000000001';
const staff = { is_staff: true };

const sha256 = (text) => createHash('sha256').update(text, 'utf8').digest('hex');
const canonical = (v) => (Array.isArray(v) ? `[${v.map(canonical).join(',')}]`
  : v && typeof v === 'object' ? `{${Object.keys(v).sort().map((k) => `${JSON.stringify(k)}:${canonical(v[k])}`).join(',')}}`
    : JSON.stringify(v));

const headers = ['Classification', 'Vendor Subscription ID', 'End User Company Name', 'End User Company ID',
  'Customer Total Price', 'Total Wholesale Price', 'Sequence', 'ARS Subscription ID', 'Statement Reference', 'Vendor Name', 'Report Period'];
const rows = [['IAAS', 'vs-1', 'Contoso', 'XSP661245', '95.00', '76.00', '17', 'XSP1001', 'ST-1', 'Microsoft', '2025-01']];
// Keys out of order on purpose: the hash is of the canonical text.
const consumption = { data: { lines: [['2025-01', '100.00', '80.00']], headers: ['Report Period', 'Total sell price', 'Total buy price'] } };
const exportPage = (page) => JSON.stringify({ data: { headers, values: page === 1 ? rows : [] } });

function world() {
  let now = '2025-01-20T10:00:00Z';
  const arrow = {
    billingExport: async ({ page }) => exportPage(page),
    consumption: async () => consumption,
    license: async () => ({}),
    licenses: async () => ({ data: { licenses: [] } }),
  };
  const store = billsync.createMemoryStore({
    settings: [{ uuid: SETTINGS, name: 'Arrow', export_type_reference: 'EXP', currency: 'EUR' }],
    customers: [{ uuid: CUSTOMER, name: 'Contoso' }],
    projects: [{ uuid: PROJECT, name: 'Azure', customer_uuid: CUSTOMER }],
    resources: [{ uuid: RESOURCE, name: 'sub-1', project_uuid: PROJECT, backend_id: 'vs-1', state: 'OK', attributes: { arrow_license_reference: 'XSP1001' } }],
    customer_mappings: [{ uuid: MAPPING, settings_uuid: SETTINGS, arrow_reference: 'XSP661245', customer_uuid: CUSTOMER }],
  });
  const engine = new billsync.ArrowEngine({ arrow, store, clock: { now: () => now } });
  const request = (method, path, body) => engine.handle({ method, path, body: body ?? null, query: {}, user: staff });
  return { store, request, setNow: (t) => { now = t; } };
}

test('an item traces to its payload hash and lines, provisional then compensation', async () => {
  const { store, request, setNow } = world();
  const month = { year: 2025, month: 1 };
  assert.equal((await request('POST', '/api/admin/arrow/billing-syncs/trigger_consumption_sync/', month)).status, 200);
  setNow('2025-02-10T10:00:00Z');
  const reconciled = await request('POST', '/api/admin/arrow/billing-syncs/trigger_reconciliation/', month);
  assert.equal(reconciled.status, 200, JSON.stringify(reconciled.body));

  const items = store.snapshot().invoice_items;
  assert.equal(items.length, 2);
  const provisional = items.find((i) => i.kind === 'provisional');
  const answer = await request('GET', `/api/admin/billsync/invoice-items/${provisional.uuid}/trace/`);
  assert.equal(answer.status, 200, JSON.stringify(answer.body));
  const [first, second] = answer.body.chain;
  assert.equal(answer.body.chain.length, 2);
  assert.equal(first.uuid, provisional.uuid);
  assert.equal(first.trace.payload_sha256, sha256(canonical(consumption)));
  assert.equal(first.trace.planned_at, '2025-01-20T10:00:00Z');
  assert.equal(second.kind, 'compensation');
  assert.equal(second.amount, '-5.00');
  // The export as read: page 1 (one row, short: the last page).
  assert.equal(second.trace.payload_sha256, sha256(exportPage(1)));
  assert.deepEqual(second.trace.lines, [{ page: 1, row: 1, sequence: '17' }]);
  assert.equal(second.trace.planned_at, '2025-02-10T10:00:00Z');
  assert.match(second.trace.operation, /reconciliation/);

  // The same payloads again, forced: no new item, the same hashes.
  setNow('2025-02-11T10:00:00Z');
  const before = store.snapshot().invoice_items;
  const again = await request('POST', '/api/admin/arrow/billing-syncs/trigger_reconciliation/', { ...month, force: true });
  assert.equal(again.status, 200);
  assert.equal(again.body.compensation_items_created, 0);
  assert.deepEqual(store.snapshot().invoice_items, before);
  const retraced = await request('GET', `/api/admin/billsync/invoice-items/${second.uuid}/trace/`);
  assert.deepEqual(retraced.body.chain, answer.body.chain);

  const unknown = await request('GET', '/api/admin/billsync/invoice-items/0f0f0f0f-0000-4000-8000-000000000000/trace/');
  assert.equal(unknown.status, 404);
  assert.equal(unknown.body.code, 'not_found');
});
