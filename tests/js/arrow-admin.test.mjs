// The newest admin Arrow API (customer mappings, settings, vendor mappings, billing-sync-items) through the
// package: each through `handle` and through its ArrowEngine method, with the host's key store and licence
// import given as `host`, and the 501 of an adapter without the optional calls.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import billsync from '../../pkg/index.mjs';

const SETTINGS = '5e771a65-0000-4000-8000-000000000001';
const CUSTOMER = 'c0570be2-0000-4000-8000-000000000002';
const PROJECT = '9f0ec700-0000-4000-8000-000000000003';
const MAPPING = '3a991a90-0000-4000-8000-000000000004';
const RESOURCE = 'aaaaaaaa-0000-4000-8000-000000000001';
const NEW_VM = 'aaaaaaaa-0000-4000-8000-000000000009';
const KEY = 'arrow-s3cret-key';
const staff = { is_staff: true };

const exportHeaders = ['Classification', 'Vendor Subscription ID', 'End User Company Name', 'End User Company ID',
  'Customer Total Price', 'Total Wholesale Price', 'ARS Subscription ID', 'Statement Reference', 'Vendor Name', 'Report Period'];
const exportRows = [['IAAS', 'vs-1', 'Contoso', 'XSP661245', '95.00', '76.00', 'XSP1001', 'ST-1', 'Microsoft', '2025-01']];

function world({ admin = true } = {}) {
  const keys = new Map();
  const imports = [];
  const arrow = {
    billingExport: async ({ page }) => ({ data: { headers: exportHeaders, values: page === 1 ? exportRows : [] } }),
    consumption: async ({ licenseReference, periodStart }) => ({ data: { headers: ['Report Period', 'Total sell price', 'Total buy price'],
      lines: [[periodStart, licenseReference === 'XSP-NEW' ? '7.00' : '100.00', '1.00']] } }),
    license: async () => ({}),
    licenses: async () => ({ data: { licenses: [] } }),
  };
  if (admin) {
    Object.assign(arrow, {
      whoami: async ({ apiKey, settingsUuid }) => {
        if ((apiKey ?? keys.get(settingsUuid)) !== KEY) throw Object.assign(new Error('401 Unauthorized'), { status: 401 });
        return { data: { reference: 'XSP-PARTNER', companyName: 'Reseller Ltd' } };
      },
      customers: async () => ({ data: { customers: [{ Reference: 'XSP661245', CompanyName: 'Contoso Ltd' }, { Reference: 'XSP7', CompanyName: 'Contoso' }] } }),
      customer: async ({ reference }) => ({ data: { customers: [{ Reference: reference, CompanyName: 'Named' }] } }),
      exportTypes: async () => ({ data: [{ reference: 'EXP', name: 'Export', headers: exportHeaders }] }),
      catalogPrograms: async () => ({ data: [{ vendorName: 'Microsoft' }] }),
    });
  }
  const host = admin ? {
    storeApiKey: ({ settingsUuid, apiKey }) => (apiKey === null ? keys.delete(settingsUuid) : keys.set(settingsUuid, apiKey)),
    importLicense: async (args) => { imports.push(args); return { uuid: 'dddddddd-0000-4000-8000-000000000001', name: args.licenseName }; },
  } : undefined;
  const store = billsync.createMemoryStore({
    settings: [{ uuid: SETTINGS, name: 'Arrow', export_type_reference: 'EXP', currency: 'EUR' }],
    customers: [{ uuid: CUSTOMER, name: 'Contoso' }],
    projects: [{ uuid: PROJECT, name: 'Azure', customer_uuid: CUSTOMER }],
    resources: [
      { uuid: RESOURCE, name: 'sub-1', project_uuid: PROJECT, backend_id: 'vs-1', state: 'OK', attributes: { arrow_license_reference: 'XSP1001' } },
      { uuid: NEW_VM, name: 'new-vm', project_uuid: PROJECT, state: 'OK' },
    ],
    customer_mappings: [{ uuid: MAPPING, settings_uuid: SETTINGS, arrow_reference: 'XSP661245', customer_uuid: CUSTOMER }],
    offerings: [{ uuid: '0ffe0000-0000-4000-8000-000000000001', name: 'Azure', type: 'Marketplace.Basic' }],
  });
  const engine = new billsync.ArrowEngine({ arrow, host, store, clock: { now: () => '2025-01-20T10:00:00Z' } });
  const request = (method, path, body, query) => engine.handle({ method, path: `/api/admin/arrow/${path}`, body: body ?? null, query: query ?? {}, user: staff });
  return { engine, store, keys, imports, request };
}

test('settings: the key goes to the host, never into a row or an answer', async () => {
  const { engine, store, keys, request } = world();
  const created = await request('POST', 'settings/', { api_url: 'https://arrow.example/api', api_key: KEY });
  assert.equal(created.status, 201);
  assert.equal(created.body.partner_name, 'Reseller Ltd');
  const uuid = created.body.uuid;
  assert.equal(keys.get(uuid), KEY);
  const answers = [created, await request('GET', 'settings/'), await request('GET', `settings/${uuid}/`),
    await request('PATCH', `settings/${uuid}/`, { sync_enabled: true })];
  answers.push({ body: await engine.listSettings({}) }, { body: await engine.retrieveSettings(uuid) });
  for (const answer of answers) assert.ok(!JSON.stringify(answer.body).includes(KEY), JSON.stringify(answer.body));
  assert.ok(!JSON.stringify(store.snapshot()).includes(KEY));
  assert.equal(await engine.destroySettings(uuid), null);
  assert.equal(keys.has(uuid), false);
  await assert.rejects(engine.retrieveSettings(uuid), (e) => e.code === 'not_found' && e.status === 404);
  await assert.rejects(engine.createSettings({ api_url: 'not a url' }), (e) => e.code === 'validation_failed'
    && e.fields.api_url[0] === 'Enter a valid URL.' && e.fields.api_key[0] === 'This field is required.');
});

test('the wizard: credentials checked, customers discovered, settings saved beside the others', async () => {
  const { engine, request } = world();
  const credentials = { api_url: 'https://arrow.example/api', api_key: KEY };
  assert.equal((await engine.validateCredentials(credentials)).valid, true);
  assert.equal((await engine.validateCredentials({ ...credentials, api_key: 'wrong' })).valid, false);
  const discovered = await engine.discoverCustomers(credentials);
  assert.equal(discovered.suggestions[1].suggested_waldur_customer.uuid, CUSTOMER);
  assert.equal(discovered.export_types[0].compatible, true);
  assert.equal((await engine.previewSettings(credentials)).partner_reference, 'XSP-PARTNER');
  const saved = await request('POST', 'settings/save_settings/', { ...credentials, customer_mappings: [{ arrow_reference: 'XSP7', waldur_customer_uuid: CUSTOMER }] });
  assert.equal(saved.status, 201);
  assert.equal(saved.body.mappings_created, 1);
  const active = await request('GET', 'settings/', null, { is_active: 'true' });
  assert.equal(active.body.length, 2);
  const status = await request('GET', 'billing-syncs/consumption_status/');
  assert.equal(status.body.settings_uuid, saved.body.settings_uuid, 'the newest active row is the active one');
});

test('customer mappings: CRUD, available customers, link and import', async () => {
  const { engine, imports, request } = world();
  const created = await engine.createCustomerMapping({ settings: SETTINGS, arrow_reference: 'XSP7', waldur_customer: CUSTOMER });
  assert.equal(created.waldur_customer_name, 'Contoso');
  await assert.rejects(engine.createCustomerMapping({ settings: SETTINGS, arrow_reference: 'XSP7', waldur_customer: CUSTOMER }),
    (e) => e.code === 'validation_failed' && /unique set/.test(e.fields.non_field_errors[0]));
  const patched = await engine.partialUpdateCustomerMapping(created.uuid, { arrow_company_name: 'Contoso' });
  assert.equal(patched.arrow_company_name, 'Contoso');
  assert.equal((await request('HEAD', 'customer-mappings/')).headers['x-result-count'], '2');
  assert.equal((await engine.availableCustomers()).arrow_customers.length, 0);
  assert.equal(await engine.destroyCustomerMapping(created.uuid), null);
  assert.equal((await engine.availableCustomers()).arrow_customers[0].reference, 'XSP7');

  const linked = await engine.linkResource(MAPPING, { resource_uuid: NEW_VM, license_reference: 'XSP-NEW' });
  assert.equal(linked.success, true);
  await assert.rejects(engine.linkResource(MAPPING, { resource_uuid: NEW_VM, license_reference: 'XSP1001' }),
    (e) => e.code === 'validation_failed' && e.fields.license_reference.length === 1);
  await engine.triggerConsumptionSync({ year: 2025, month: 1 });
  const records = await engine.listConsumptionRecords({ resource_uuid: NEW_VM });
  assert.equal(records.length, 1);
  assert.equal(records[0].consumed_sell, '7.00');

  const imported = await request('POST', `customer-mappings/${MAPPING}/import_license/`,
    { license_reference: 'XSP-IMPORT', offering_uuid: '0ffe0000-0000-4000-8000-000000000001', project_uuid: PROJECT });
  assert.equal(imported.status, 200);
  assert.equal(imported.body.offering_name, 'Azure');
  assert.equal(imports[0].licenseAttribute, 'arrow_license_reference');
  const summary = await engine.customerBillingSummary(MAPPING);
  assert.equal(summary.total_consumption_records, 2);
  assert.equal(summary.total_consumed_sell, '107.00');
});

test('billing-sync-items and vendor choices', async () => {
  const { engine, request } = world();
  assert.equal((await request('POST', 'billing-syncs/trigger_sync/', { year: 2025, month: 1 })).status, 200);
  const items = await engine.listBillingSyncItems({});
  assert.equal(items.length, 1);
  assert.equal(items[0].compensation_item_uuid, '00000000-0000-0000-0000-000000000000');
  assert.deepEqual(await engine.retrieveBillingSyncItem(items[0].uuid), items[0]);
  assert.deepEqual(await engine.vendorChoices({}), [{ value: 'Microsoft', label: 'Microsoft' }]);
});

test('an adapter without the optional calls answers 501 naming the one missing', async () => {
  const { request } = world({ admin: false });
  const r = await request('POST', 'settings/validate_credentials/', { api_url: 'https://a.example', api_key: 'k' });
  assert.equal(r.status, 501);
  assert.equal(r.body.code, 'not_implemented');
  assert.match(r.body.detail, /arrow\.whoami/);
  const created = await request('POST', 'settings/', { api_url: 'https://a.example', api_key: 'k' });
  assert.equal(created.status, 501);
  assert.match(created.body.detail, /arrow\.storeApiKey/);
});
