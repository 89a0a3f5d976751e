// The smallest billsync host: in-memory data, a stub Arrow, one consumption sync and one reconciliation.
// The CommonJS twin of quickstart.mjs.
'use strict';
const { ArrowEngine, createMemoryStore } = require('billsync');

const customer = 'c0570be2-0000-4000-8000-000000000002', project = '9f0ec700-0000-4000-8000-000000000003';
const store = createMemoryStore({
  settings: [{ uuid: '5e771a65-0000-4000-8000-000000000001', name: 'Arrow', export_type_reference: 'EXP', currency: 'EUR' }],
  customers: [{ uuid: customer, name: 'Contoso' }],
  projects: [{ uuid: project, name: 'Azure', customer_uuid: customer }],
  resources: [{ uuid: 'aaaaaaaa-0000-4000-8000-000000000001', name: 'subscription-1', project_uuid: project,
    backend_id: 'vs-1', state: 'OK', attributes: { arrow_license_reference: 'XSP1001' } }],
});
// Arrow's API, stubbed: 100.00 of preliminary consumption; the month's final export says 95.00.
const arrow = {
  consumption: async ({ periodStart }) => ({ data: { headers: ['Report Period', 'Total sell price', 'Total buy price'],
    lines: [[periodStart, '100.00', '80.00']] } }),
  billingExport: async ({ page }) => ({ data: { headers: ['Classification', 'Vendor Subscription ID', 'End User Company Name',
    'Customer Total Price', 'Total Wholesale Price', 'ARS Subscription ID', 'Report Period'],
  values: page === 1 ? [['IAAS', 'vs-1', 'Contoso', '95.00', '76.00', 'XSP1001', '2025-01']] : [] } }),
  license: async () => ({}), licenses: async () => ({}),
};
let now = '2025-01-20T10:00:00Z';
const engine = new ArrowEngine({ arrow, store, clock: { now: () => now } });
const request = (method, action, body) => engine.handle({ method, body, user: { is_staff: true },
  path: `/api/admin/arrow/${action}/` });

async function main() {
  const synced = await request('POST', 'billing-syncs/trigger_consumption_sync', { year: 2025, month: 1 });
  console.log('consumption sync:', synced.status, `(${synced.body.synced} synced)`);
  now = '2025-02-06T10:00:00Z'; // January is closed: Arrow's export is final
  const reconciled = await request('POST', 'billing-syncs/trigger_reconciliation', { year: 2025, month: 1 });
  console.log('reconciliation:', reconciled.status, `(${reconciled.body.reconciled} reconciled)`);
  const [record] = (await request('GET', 'consumption-records')).body;
  console.log(`${record.license_reference} ${record.billing_period}: consumed ${record.consumed_sell},`,
    `final ${record.final_sell}, adjustment ${record.adjustment_amount}`);
  console.log('invoice items:', store.snapshot().invoice_items.map((i) => `${i.name}: ${i.unit_price}`).join('; '));
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
