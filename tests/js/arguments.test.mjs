// Every export, driven with every kind of wrong JS value: the answer is a value or a coded BillsyncError
// (thrown, or as a rejected promise), never a WebAssembly trap or an uncoded TypeError; and the instance
// still gives right answers afterwards.
//
// The exports and their methods are enumerated from the module itself: a new export, or a new method of
// an exported class, fails this test until its valid arguments are added to the tables below.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import billsync from '../../pkg/index.mjs';

const SETTINGS = '5e771a65-0000-4000-8000-000000000001';
const CUSTOMER = 'c0570be2-0000-4000-8000-000000000002';
const PROJECT = '9f0ec700-0000-4000-8000-000000000003';
const RESOURCE = 'aaaaaaaa-0000-4000-8000-000000000001';

const tables = () => ({
  settings: [{ uuid: SETTINGS, name: 'Arrow', export_type_reference: 'EXP', currency: 'EUR' }],
  customers: [{ uuid: CUSTOMER, name: 'Contoso' }],
  projects: [{ uuid: PROJECT, name: 'Azure', customer_uuid: CUSTOMER }],
  resources: [{ uuid: RESOURCE, name: 'sub-1', project_uuid: PROJECT, backend_id: 'vs-1', state: 'OK',
    attributes: { arrow_license_reference: 'XSP1001' } }],
});
const consumptionOf = (period) => JSON.stringify({ data: { headers: ['Report Period', 'Total sell price', 'Total buy price'],
  lines: [[period, '1.10', '1.00']] } });
const consumption = consumptionOf('2025-01');
const exportPage = JSON.stringify({ data: { headers: ['Classification', 'Vendor Subscription ID', 'End User Company Name',
  'Customer Total Price', 'Total Wholesale Price', 'ARS Subscription ID', 'Report Period'], values: [] } });
const MAPPING = '3a991a90-0000-4000-8000-000000000004';
const OFFERING = '0ffe0000-0000-4000-8000-000000000001';
const PLAN = '91a00000-0000-4000-8000-000000000001';
const UNKNOWN = 'eeeeeeee-0000-4000-8000-000000000001';
const arrow = {
  billingExport: async () => exportPage,
  consumption: async ({ periodStart }) => consumptionOf(periodStart),
  license: async () => ({ data: { license: { reference: 'XSP1001' } } }),
  licenses: async () => ({ data: { licenses: [] } }),
  whoami: async () => ({ data: { reference: 'XSP-PARTNER', companyName: 'Reseller' } }),
  customers: async () => ({ data: { customers: [{ Reference: 'XSP1', CompanyName: 'Contoso' }] } }),
  customer: async ({ reference }) => ({ data: { customers: [{ Reference: reference, CompanyName: 'Contoso' }] } }),
  exportTypes: async () => ({ data: [{ reference: 'EXP', name: 'Export', headers: ['Classification'] }] }),
  catalogPrograms: async () => ({ data: [{ vendorName: 'Microsoft' }] }),
};
const host = {
  storeApiKey: () => {},
  importLicense: async ({ licenseName }) => ({ uuid: 'dddddddd-0000-4000-8000-000000000001', name: licenseName }),
};
const arrowTables = () => ({
  ...tables(),
  customer_mappings: [{ uuid: MAPPING, settings_uuid: SETTINGS, arrow_reference: 'XSP1', customer_uuid: CUSTOMER }],
  offerings: [{ uuid: OFFERING, name: 'Azure', type: 'Marketplace.Basic' }],
  plans: [{ uuid: PLAN, name: 'PAYG', offering_uuid: OFFERING }],
});
// A Soracom adapter with one closed month and its CSV, exported synchronously.
const soracomCsv = '\ufeffimsi,date,billItemName,unitPrice,quantity,amount\r\n440100000000001,20250102,Air data,1,5,5\r\n';
const soracom = {
  getBilling: async ({ yyyyMM }) => JSON.stringify({ amount: 5, currency: 'JPY', state: 'closed', yearMonth: yyyyMM }),
  getLatestBilling: async () => '{"amount": 0, "currency": "JPY"}',
  getBillingHistory: async () => '{"billList": []}',
  getBillingPerDay: async () => '{"billList": [{"amount": 5, "currency": "JPY", "date": "20250102"}]}',
  exportBilling: async () => '{"url": "https://files.example/x.csv"}',
  exportLatestBilling: async () => '{"url": "https://files.example/x.csv"}',
  getExportedFile: async () => '{"status": "exported", "url": "https://files.example/x.csv"}',
  download: async () => soracomCsv,
};
const soracomOptions = () => ({ soracom, store: billsync.createMemoryStore({ ...tables(), soracom_settings: [{ uuid: SETTINGS, currency: 'JPY' }] }),
  clock: { now: () => '2025-02-10T10:00:00Z' } });
const engineOptions = () => ({ arrow, host, store: billsync.createMemoryStore(arrowTables()), clock: { now: () => '2025-01-20T10:00:00Z' } });
const tag = { resourceUuid: RESOURCE, licenseReference: 'XSP1001', period: '2025-01' };
const staff = { is_staff: true };

// The valid arguments of every function, and of every constructor and method of every class.
const FUNCTIONS = {
  version: [],
  errorCodes: [],
  parsePeriod: ['2025-01'],
  periodRange: ['2024-12', '2025-01'],
  parseMoney: ['€1,000.50', 'EUR'],
  validateRequest: ['admin_arrow_billing_syncs_trigger_sync', { year: 2025, month: 1 }],
  aggregateConsumption: [[{ ...tag, payload: consumption }], { currency: 'EUR' }],
  parseBillingExport: [exportPage],
  previewReconciliation: [{ period: '2025-01', records: [], exportPayload: exportPage, asOf: '2025-02-03T10:00:00Z' }],
  previewReconciliationJson: [{ period: '2025-01', records: [], exportPayload: exportPage, asOf: '2025-02-03T10:00:00Z' }],
  createMemoryStore: [tables()],
  isBillsyncError: [new Error('x')],
  runStoreConformance: [async (initial) => billsync.createMemoryStore(initial), { only: () => false }],
  conformanceFixtures: [],
  conformanceChecks: [],
  conformanceFixture: [],
  resolveCommit: [{ operation: 'test', as_of: '2025-01-20T10:00:00Z', writes: [] }, []],
};
const CLASSES = {
  ArrowEngine: {
    constructor: [engineOptions()],
    methods: {
      handle: [{ method: 'GET', path: '/api/admin/arrow/consumption-records/', user: staff }],
      listBillingSyncs: [{}],
      retrieveBillingSync: [SETTINGS],
      pauseSync: [{}],
      resumeSync: [{}],
      reconcile: [{ year: 2025, month: 1, dry_run: true }],
      triggerConsumptionSync: [{ year: 2025, month: 1, dry_run: true }],
      triggerReconciliation: [{ year: 2025, month: 1, dry_run: true }],
      triggerSync: [{ year: 2025, month: 1, dry_run: true }],
      consumptionStatistics: [],
      consumptionStatus: [],
      pendingRecords: [{}],
      fetchBillingExport: [{ period_from: '2025-01', period_to: '2025-01' }],
      fetchConsumption: [{ license_reference: 'XSP1001', period: '2025-01' }],
      fetchLicenseInfo: [{ license_reference: 'XSP1001' }],
      syncResourceHistoricalConsumption: [{ resource_uuid: RESOURCE, dry_run: true }],
      syncResources: [{ dry_run: true }],
      cleanupConsumption: [{ dry_run: true }],
      listConsumptionRecords: [{}],
      retrieveConsumptionRecord: [RESOURCE],
      listBillingSyncItems: [{}],
      retrieveBillingSyncItem: [UNKNOWN],
      listCustomerMappings: [{}],
      createCustomerMapping: [{ settings: SETTINGS, arrow_reference: 'XSP9', waldur_customer: CUSTOMER }],
      retrieveCustomerMapping: [MAPPING],
      updateCustomerMapping: [MAPPING, { settings: SETTINGS, arrow_reference: 'XSP1', waldur_customer: CUSTOMER }],
      partialUpdateCustomerMapping: [MAPPING, { is_active: true }],
      destroyCustomerMapping: [UNKNOWN],
      syncCustomersFromArrow: [{}],
      availableCustomers: [],
      customerBillingSummary: [MAPPING],
      fetchCustomerArrowData: [MAPPING],
      discoverLicenses: [MAPPING],
      linkResource: [MAPPING, { resource_uuid: RESOURCE, license_reference: 'XSP1001' }],
      importLicense: [MAPPING, { license_reference: 'XSP-NEW', offering_uuid: OFFERING, project_uuid: PROJECT }],
      listSettings: [{}],
      createSettings: [{ api_url: 'https://arrow.example', api_key: 'k' }],
      retrieveSettings: [SETTINGS],
      updateSettings: [SETTINGS, { api_url: 'https://arrow.example' }],
      partialUpdateSettings: [SETTINGS, { sync_enabled: true }],
      destroySettings: [UNKNOWN],
      validateCredentials: [{ api_url: 'https://arrow.example', api_key: 'k' }],
      discoverCustomers: [{ api_url: 'https://arrow.example', api_key: 'k' }],
      previewSettings: [{ api_url: 'https://arrow.example', api_key: 'k' }],
      saveSettings: [{ api_url: 'https://arrow.example', api_key: 'k' }],
      listVendorOfferingMappings: [{}],
      createVendorOfferingMapping: [{ settings: SETTINGS, arrow_vendor_name: 'Microsoft', offering: OFFERING, plan: PLAN }],
      retrieveVendorOfferingMapping: [UNKNOWN],
      updateVendorOfferingMapping: [UNKNOWN, { settings: SETTINGS, arrow_vendor_name: 'Microsoft', offering: OFFERING, plan: PLAN }],
      partialUpdateVendorOfferingMapping: [UNKNOWN, {}],
      destroyVendorOfferingMapping: [UNKNOWN],
      vendorChoices: [{}],
      focusExport: [{ period: '2025-01', onChunk: () => {} }],
      free: [],
    },
  },
  SoracomEngine: {
    constructor: [soracomOptions()],
    methods: {
      handle: [{ method: 'GET', path: '/api/admin/soracom/consumption-records/', user: staff }],
      triggerConsumptionSync: [{ year: 2025, month: 1, dry_run: true }],
      triggerReconciliation: [{ year: 2025, month: 1, dry_run: true }],
      dailyCheck: [{ year: 2025, month: 1 }],
      consumptionStatistics: [],
      consumptionStatus: [],
      listConsumptionRecords: [{}],
      retrieveConsumptionRecord: [RESOURCE],
      monthlyBill: [CUSTOMER, '202501'],
      latestBill: [CUSTOMER],
      dailyBills: [CUSTOMER, '202501'],
      billingHistory: [CUSTOMER],
      focusExport: [{ period: '2025-01', format: 'jsonl', onChunk: async () => {} }],
      free: [],
    },
  },
  ConsumptionAggregator: {
    constructor: [{ currency: 'EUR' }],
    methods: {
      push: [tag, consumption],
      merge: [new billsync.ConsumptionAggregator({ currency: 'EUR' })],
      clone: [],
      finish: [],
      free: [],
    },
  },
  SoracomCsvAggregator: {
    constructor: [{ currency: 'JPY' }],
    methods: {
      push: [soracomCsv],
      finish: [],
      free: [],
    },
  },
  MemoryStore: {
    constructor: [tables()],
    methods: {
      get: ['settings', SETTINGS],
      scan: ['settings', { limit: 10 }],
      commit: [{ operation: 'test', as_of: '2025-01-20T10:00:00Z', writes: [] }],
      snapshot: [],
      free: [],
    },
  },
  BillsyncError: {
    constructor: ['invalid_argument', 'message', 400, null, null],
    methods: {},
  },
};

const BAD = [
  ['undefined', undefined],
  ['null', null],
  ['NaN', NaN],
  ['a BigInt', 42n],
  ['a Symbol', Symbol('bad')],
  ['a function', () => 42],
  ['{}', {}],
  ['[]', []],
  ['true', true],
  ['202501', 202501],
  ['a 10 MB string', 'x'.repeat(10 << 20)],
];

const isClass = (value) => typeof value === 'function' && /^class\b/.test(Function.prototype.toString.call(value));

/** Argument lists: each position in turn replaced by the bad value (one extra position for zero-arg calls). */
function variants(valid, bad) {
  const positions = Math.max(valid.length, 1);
  return Array.from({ length: positions }, (_, i) => {
    const args = [...valid];
    args[i] = bad;
    return { position: i, args };
  });
}

/** Runs `call`; a throw or a rejection must be a coded BillsyncError. */
async function expectCodedOrValue(label, call) {
  let result;
  try {
    result = call();
  } catch (error) {
    assertCoded(label, error);
    return;
  }
  if (result && typeof result.then === 'function') {
    try {
      await result;
    } catch (error) {
      assertCoded(`${label} (rejected)`, error);
    }
  }
}

function assertCoded(label, error) {
  assert.ok(!(error instanceof WebAssembly.RuntimeError), `${label}: a wasm trap: ${error && error.message}`);
  assert.ok(error instanceof billsync.BillsyncError,
    `${label}: threw ${error && error.constructor && error.constructor.name}: ${error && error.message}`);
  assert.equal(typeof error.code, 'string', `${label}: no code`);
  assert.equal(typeof error.status, 'number', `${label}: no status`);
  if (error.code === 'invalid_argument') {
    assert.equal(typeof error.details.argument, 'string', `${label}: invalid_argument names no argument`);
    assert.equal(typeof error.details.expected, 'string', `${label}: invalid_argument says nothing expected`);
  }
}

test('every export and every method is in the table of valid arguments', () => {
  for (const [name, value] of Object.entries(billsync)) {
    if (isClass(value)) {
      assert.ok(name in CLASSES, `class ${name} is not in the test's table`);
      // `__wbg_…`-style members are wasm-bindgen's internals, not part of the API.
      const methods = Object.getOwnPropertyNames(value.prototype).filter((m) => m !== 'constructor' && !m.startsWith('__'));
      for (const method of methods) {
        assert.ok(method in CLASSES[name].methods, `${name}.prototype.${method} is not in the test's table`);
      }
    } else if (typeof value === 'function') {
      assert.ok(name in FUNCTIONS, `function ${name} is not in the test's table`);
    }
  }
});

// Valid calls whose answer is an error all the same: the store has nothing to retrieve.
const EXPECTED_ERRORS = {
  'ArrowEngine.retrieveBillingSync': 'not_found',
  'ArrowEngine.retrieveConsumptionRecord': 'not_found',
  'ArrowEngine.retrieveBillingSyncItem': 'not_found',
  'ArrowEngine.destroyCustomerMapping': 'not_found',
  'ArrowEngine.destroySettings': 'not_found',
  'ArrowEngine.retrieveVendorOfferingMapping': 'not_found',
  'ArrowEngine.updateVendorOfferingMapping': 'not_found',
  'ArrowEngine.partialUpdateVendorOfferingMapping': 'not_found',
  'ArrowEngine.destroyVendorOfferingMapping': 'not_found',
  'SoracomEngine.retrieveConsumptionRecord': 'not_found',
  'SoracomEngine.monthlyBill': 'not_found',
  'SoracomEngine.latestBill': 'not_found',
  // A new aggregator has been given no header row.
  'SoracomCsvAggregator.finish': 'invalid_payload',
};

test('valid arguments from the table are accepted', async () => {
  for (const [name, args] of Object.entries(FUNCTIONS)) await billsync[name](...args);
  for (const [name, { constructor, methods }] of Object.entries(CLASSES)) {
    for (const [method, args] of Object.entries(methods)) {
      const instance = new billsync[name](...constructor);
      const code = EXPECTED_ERRORS[`${name}.${method}`];
      if (code) await assert.rejects(async () => instance[method](...args), (e) => e.code === code);
      else await instance[method](...args);
    }
  }
});

test('no value traps or throws uncoded, from any function, constructor or method', async () => {
  for (const [label, bad] of BAD) {
    for (const [name, valid] of Object.entries(FUNCTIONS)) {
      for (const { position, args } of variants(valid, bad)) {
        await expectCodedOrValue(`${name}(…${label} at ${position})`, () => billsync[name](...args));
      }
    }
    for (const [name, { constructor, methods }] of Object.entries(CLASSES)) {
      for (const { position, args } of variants(constructor, bad)) {
        await expectCodedOrValue(`new ${name}(…${label} at ${position})`, () => new billsync[name](...args));
      }
      for (const [method, valid] of Object.entries(methods)) {
        for (const { position, args } of variants(valid, bad)) {
          const instance = new billsync[name](...constructor);
          await expectCodedOrValue(`${name}.${method}(…${label} at ${position})`, () => instance[method](...args));
        }
      }
    }
  }
});

// Issue 18: `undefined` is absent. Every optional field of every entry point, given as `undefined`, answers
// exactly as the field left out: `{ query: undefined }` is `{}`. Each row: the entry point, the position of
// the object argument, and its optional fields (each .d.ts `?` member of it).
const OPTIONAL_FIELDS = {
  aggregateConsumption: [1, ['currency']],
  previewReconciliation: [0, ['vendor', 'settings', 'force', 'timezone', 'invoiceItems', 'bill', 'csv', 'result', 'onRows', 'pageSize']],
  previewReconciliationJson: [0, ['vendor', 'settings', 'force', 'timezone', 'invoiceItems', 'bill', 'csv', 'result', 'onRows', 'pageSize']],
  validateRequest: [1, ['settings_uuid', 'force', 'dry_run']],
  createMemoryStore: [0, ['settings', 'customer_mappings', 'soracom_settings', 'invoice_items']],
  'ArrowEngine.constructor': [0, ['timezone', 'onProgress', 'baseUrl']],
  'ArrowEngine.handle': [0, ['query', 'body', 'headers', 'user', 'baseUrl']],
  'ArrowEngine.listBillingSyncs': [0, ['report_period', 'page', 'page_size']],
  'ArrowEngine.reconcile': [0, ['settings_uuid', 'force', 'dry_run']],
  'ArrowEngine.triggerConsumptionSync': [0, ['settings_uuid', 'resource_uuid', 'dry_run']],
  'ArrowEngine.triggerReconciliation': [0, ['settings_uuid', 'force', 'dry_run']],
  'ArrowEngine.triggerSync': [0, ['settings_uuid', 'dry_run']],
  'ArrowEngine.pendingRecords': [0, ['billing_period']],
  'ArrowEngine.syncResources': [0, ['settings_uuid', 'dry_run']],
  'ArrowEngine.cleanupConsumption': [0, ['billing_period', 'resource_uuid', 'dry_run']],
  'ArrowEngine.listConsumptionRecords': [0, ['billing_period', 'resource_uuid', 'license_reference', 'is_finalized', 'page']],
  'SoracomEngine.constructor': [0, ['timezone', 'onProgress', 'baseUrl']],
  'SoracomEngine.handle': [0, ['query', 'body', 'headers', 'user', 'baseUrl']],
  'SoracomEngine.triggerConsumptionSync': [0, ['settings_uuid', 'resource_uuid', 'dry_run']],
  'SoracomEngine.triggerReconciliation': [0, ['settings_uuid', 'force', 'dry_run']],
  'SoracomEngine.dailyCheck': [0, ['settings_uuid']],
  'SoracomEngine.listConsumptionRecords': [0, ['billing_period', 'resource_uuid', 'subscriber', 'is_finalized', 'is_reconciled', 'page', 'page_size']],
  'ConsumptionAggregator.constructor': [0, ['currency']],
  'MemoryStore.scan': [1, ['where', 'after']],
};
// Fresh options for each call: an engine's store is written by the calls that are no dry run.
const FRESH = { ArrowEngine: () => [engineOptions()], SoracomEngine: () => [soracomOptions()], MemoryStore: () => [tables()] };

/** What a call answers, comparably: its value, or the code and fields of its error. */
async function outcome(call) {
  try {
    let value = await call();
    // An instance is compared by what it holds (a store by its snapshot), not by its wasm pointer.
    if (value && typeof value.snapshot === 'function') value = value.snapshot();
    const plain = (k, v) => (typeof v === 'bigint' ? String(v) : k === '__wbg_ptr' ? 'instance' : v);
    return { value: value === undefined ? 'undefined' : JSON.parse(JSON.stringify(value, plain)) };
  } catch (e) {
    return { error: e.code, fields: e.fields, message: e.message };
  }
}

test('every optional field given as undefined answers as the field left out', async () => {
  let cases = 0;
  for (const [entry, [position, fields]] of Object.entries(OPTIONAL_FIELDS)) {
    const [name, member] = entry.split('.');
    for (const field of fields) {
      const run = async (patch) => {
        if (!member) {
          const args = structuredCloneArgs(FUNCTIONS[name]);
          args[position] = patch(args[position]);
          return outcome(() => billsync[name](...args));
        }
        const { constructor, methods } = CLASSES[name];
        const fresh = FRESH[name] ? FRESH[name]() : [...constructor];
        if (member === 'constructor') {
          fresh[position] = patch(fresh[position]);
          return outcome(() => { new billsync[name](...fresh); return 'constructed'; });
        }
        const args = [...methods[member]].map((a) => (a && typeof a === 'object' && !Array.isArray(a) ? { ...a } : a));
        args[position] = patch(args[position]);
        const instance = new billsync[name](...fresh);
        return outcome(() => instance[member](...args));
      };
      const left = await run((arg) => { const copy = { ...arg }; delete copy[field]; return copy; });
      const undef = await run((arg) => ({ ...arg, [field]: undefined }));
      assert.deepEqual(undef, left, `${entry}: ${field}: undefined answers as ${field} left out`);
      assert.ok(!('error' in undef) || undef.error !== 'invalid_argument', `${entry}: ${field}: ${undef.message}`);
      cases += 1;
    }
  }
  assert.ok(cases >= 80, `${cases} cases`);
});

/** Top-level copies of the arguments (objects shallow-copied), so that a patch never changes the table. */
function structuredCloneArgs(args) {
  return args.map((a) => (a && typeof a === 'object' && !Array.isArray(a) && !(a instanceof Uint8Array) ? { ...a } : a));
}

test('the issue\'s examples are invalid_argument errors naming the argument', () => {
  for (const bad of [202501, {}, true, null, undefined]) {
    assert.throws(() => billsync.parsePeriod(bad), (e) => e.code === 'invalid_argument' && e.status === 400
      && e.details.argument === 'period' && /expected a string/.test(e.message));
  }
  assert.throws(() => billsync.validateRequest(42, {}), (e) => e.code === 'invalid_argument' && e.details.argument === 'operationId'
    && e.details.got === 'the number 42');
  assert.throws(() => billsync.parsePeriod('x'.repeat(10 << 20)), (e) => e.code === 'payload_too_large' && e.status === 413);
});

test('a finished aggregator refuses further use with a code, and merge leaves the other as it was', () => {
  const a = new billsync.ConsumptionAggregator({ currency: 'EUR' });
  const b = new billsync.ConsumptionAggregator({ currency: 'EUR' });
  a.push(tag, consumption);
  b.push(tag, consumption);
  a.merge(b);
  a.merge(a);
  assert.equal(a.finish()[0].consumed_sell, '4.40');
  assert.equal(b.finish()[0].consumed_sell, '1.10');
  assert.throws(() => a.push(tag, consumption), (e) => e.code === 'invalid_argument' && e.details.argument === 'this');
  assert.throws(() => a.finish(), (e) => e.code === 'invalid_argument');
  assert.throws(() => new billsync.ConsumptionAggregator().merge(a), (e) => e.code === 'invalid_argument');
});

test('after the matrix, the instance still gives right answers', async () => {
  assert.deepEqual({ ...billsync.parsePeriod('2025-01') }, { year: 2025, month: 1 });
  assert.deepEqual(billsync.periodRange('2024-12', '2025-01'), ['2024-12', '2025-01']);
  assert.deepEqual({ ...billsync.parseMoney('€1,000.50', 'EUR') }, { amount: '1000.50', currency: 'EUR' });
  const engine = new billsync.ArrowEngine(engineOptions());
  const synced = await engine.handle({ method: 'POST', path: '/api/admin/arrow/billing-syncs/trigger_consumption_sync/',
    body: { year: 2025, month: 1 }, user: staff });
  assert.equal(synced.status, 200);
  const records = await engine.handle({ method: 'GET', path: '/api/admin/arrow/consumption-records/', user: staff });
  assert.equal(records.status, 200);
  assert.equal(records.body.length, 1);
  assert.equal(records.body[0].consumed_sell, '1.10');
});
