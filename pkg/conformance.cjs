'use strict';
// The store conformance kit: the checks every host Store must pass to be driven by the billsync engine.
// It states, as executable checks, the semantics the in-memory store has (src/store/memory.rs): keyset scans,
// `where` matching, and changesets applied in order, all or nothing, idempotently.
//
// Dependency-free (node:assert only), so a host runs it from its own test suite:
//   const { runStoreConformance } = require('billsync');
//   await runStoreConformance(async (initial) => myStoreSeededWith(initial));
//
// Matching rules of `scan({ where })`, as checked here:
// - each entry compares a TOP-LEVEL field of the row with JSON equality: a string matches only that string,
//   a number only an equal number, a boolean only that boolean (so "2" does not match 2, and 1 not true);
// - an array value means "any of" its elements; an empty array matches nothing;
// - null matches a field that is null OR absent from the row; any other value never matches an absent field;
// - every entry must match (AND).

const assert = require('node:assert');

const TABLES = [
  'settings',
  'customers',
  'projects',
  'resources',
  'customer_mappings',
  'consumption_records',
  'billing_syncs',
  'invoice_items',
];

// ---------------------------------------------------------------------------------------------------------
// Fixtures: rows in exactly the shapes the engine writes (copied from its changesets), with valid uuids,
// decimal strings, periods and timestamps, so that typed stores accept them too.

const T0 = '2025-01-20T10:00:00Z';
const T1 = '2025-02-03T10:00:00Z';
const T2 = '2025-02-04T09:30:00Z';

const SETTINGS = '00000000-0000-4000-8000-000000000001';
const SETTINGS_OFF = '00000000-0000-4000-8000-0000000000f1';
const CONTOSO = '00000000-0000-4000-8000-000000000002';
const FABRIKAM = '00000000-0000-4000-8000-000000000005';
const PROJECT = '00000000-0000-4000-8000-000000000003';
const PROJECT_2 = '00000000-0000-4000-8000-000000000006';
const MAPPING = '00000000-0000-4000-8000-000000000004';
const RESOURCE_0 = '00000000-0000-4000-8000-000000000100';
const RESOURCE_1 = '00000000-0000-4000-8000-000000000101';
const SYNC = '7eddc89d-6f5d-565a-bc90-6c0033a5ceaa';
const SYNC_2 = '3c1f0a52-9d4e-5b7a-8e21-5f6a7b8c9d01';

function settingsRow(uuid, over = {}) {
  return {
    uuid,
    name: 'Arrow',
    api_url: '',
    export_type_reference: 'EXPORT',
    classification_filter: 'IAAS',
    is_active: true,
    sync_enabled: true,
    invoice_price_source: 'sell',
    invoice_item_prefix: 'Arrow consumption',
    currency: 'EUR',
    reconciliation_tolerance: '0.01',
    validation_rule: { rule: 'export_state_only' },
    ...over,
  };
}

function resourceRow(uuid, n, over = {}) {
  return {
    uuid,
    name: `subscription-${n}`,
    project_uuid: PROJECT,
    offering_uuid: null,
    backend_id: `vendor-sub-${n}`,
    state: 'OK',
    attributes: { arrow_license_reference: `XSP1000${n}` },
    ...over,
  };
}

// Seven records, listed out of uuid order on purpose: a store must sort, not keep insertion order.
const RECORD_UUIDS = [
  'f0c08436-6b72-56db-bcab-2197f95bf98c',
  '0a1b2c3d-4e5f-5a6b-8c7d-0e1f2a3b4c5d',
  '9e8d7c6b-5a49-5837-a625-140f1e2d3c4b',
  '5b5b5b5b-0000-5000-8000-000000000001',
  '5b5b5b5b-0000-5000-8000-000000000000',
  'c4c4c4c4-1111-5111-9111-111111111111',
  '2d2d2d2d-2222-5222-a222-222222222222',
];

function recordRow(uuid, i, over = {}) {
  const resource = i % 2 === 0 ? RESOURCE_0 : RESOURCE_1;
  const period = i < 4 ? '2025-01' : '2025-02';
  const finalized = i % 3 === 0;
  return {
    uuid,
    resource_uuid: resource,
    license_reference: i % 2 === 0 ? 'XSP10000' : 'XSP10001',
    billing_period: period,
    currency: 'EUR',
    consumed_sell: `${100 + i}.00`,
    consumed_buy: `${80 + i}.00`,
    final_sell: finalized ? `${95 + i}.00` : null,
    final_buy: finalized ? `${76 + i}.00` : null,
    invoice_item_uuid: null,
    compensation_item_uuid: null,
    last_sync_at: T0,
    finalized_at: finalized ? T1 : null,
    reconciled_at: finalized ? T1 : null,
    raw_data: null,
    created: T0,
    modified: finalized ? T1 : T0,
    ...over,
  };
}

function syncRow(uuid, over = {}) {
  return {
    uuid,
    settings_uuid: SETTINGS,
    customer_mapping_uuid: MAPPING,
    statement_reference: 'ST-2025-01',
    report_period: '2025-01',
    arrow_state: 'pending',
    state: 2,
    buy_total: '30.00',
    sell_total: '30.00',
    currency: 'EUR',
    invoice_uuid: '7f604f94-b380-51bc-80a7-3b38f51554e5',
    error_message: '',
    synced_at: T1,
    validated_at: null,
    reconciled_at: null,
    items: [
      {
        uuid: '06800495-b9b1-51d2-bc28-dc65e5a99eac',
        arrow_line_reference: 'L1',
        invoice_item_uuid: '53b781bc-b2a2-51bb-a0ed-d0ebdd1d440e',
        original_price: '30.00',
        current_price: '30.00',
        compensation_item_uuid: null,
        vendor_name: 'Microsoft',
        subscription_reference: 'vs-LIC-L1',
        classification: 'IAAS',
        description: 'Azure plan LIC-L1',
        quantity: '3.00',
        created: T1,
      },
    ],
    created: T1,
    modified: T1,
    ...over,
  };
}

function itemRow(uuid, over = {}) {
  return {
    uuid,
    invoice_uuid: '7f604f94-b380-51bc-80a7-3b38f51554e5',
    customer_uuid: CONTOSO,
    project_uuid: PROJECT,
    resource_uuid: RESOURCE_0,
    billing_period: '2025-01',
    kind: 'provisional',
    source_key: `${RESOURCE_0}|2025-01|XSP10000`,
    name: 'Arrow consumption: subscription-0',
    unit_price: '100.00',
    quantity: '1.00',
    currency: 'EUR',
    details: { license_reference: 'XSP10000', consumption_lines: 1, price_source: 'sell' },
    created: T0,
    modified: T0,
    ...over,
  };
}

const PROVISIONAL = '9db178be-664b-5fc8-ae4c-69215d5bb37e';
const STATEMENT_LINE = '53b781bc-b2a2-51bb-a0ed-d0ebdd1d440e';
const COMPENSATION = '010b8bac-4f0b-5091-9735-9f3b3e601363';

/** A fresh copy of the initial tables every check starts from. */
function fixture() {
  return {
    global_sync_enabled: true,
    settings: [settingsRow(SETTINGS), settingsRow(SETTINGS_OFF, { name: 'Arrow (old)', is_active: false, sync_enabled: false })],
    customers: [
      { uuid: FABRIKAM, name: 'Fabrikam' },
      { uuid: CONTOSO, name: 'Contoso' },
    ],
    projects: [
      { uuid: PROJECT_2, name: 'Fabrikam Azure', customer_uuid: FABRIKAM },
      { uuid: PROJECT, name: 'Azure', customer_uuid: CONTOSO },
    ],
    resources: [resourceRow(RESOURCE_1, 1), resourceRow(RESOURCE_0, 0)],
    customer_mappings: [{ uuid: MAPPING, settings_uuid: SETTINGS, arrow_reference: 'XSP661245', customer_uuid: CONTOSO }],
    consumption_records: RECORD_UUIDS.map((u, i) => recordRow(u, i)),
    billing_syncs: [syncRow(SYNC), syncRow(SYNC_2, { statement_reference: 'ST-2025-02', report_period: '2025-02', state: 3 })],
    invoice_items: [
      itemRow(STATEMENT_LINE, {
        project_uuid: null,
        resource_uuid: null,
        kind: 'statement_line',
        source_key: 'ST-2025-01|L1',
        name: 'Microsoft: Azure plan LIC-L1',
        unit_price: '30.00',
        details: { statement_reference: 'ST-2025-01', arrow_line_reference: 'L1', arrow_quantity: '3', vendor_subscription_id: 'vs-LIC-L1' },
        created: T1,
        modified: T1,
      }),
      itemRow(PROVISIONAL),
    ],
  };
}

const copy = (value) => JSON.parse(JSON.stringify(value));
const byUuid = (a, b) => (a.uuid < b.uuid ? -1 : a.uuid > b.uuid ? 1 : 0);
const sorted = (rows) => copy(rows).sort(byUuid);
const uuids = (rows) => rows.map((r) => r.uuid);

// ---------------------------------------------------------------------------------------------------------
// Reading through the port only: a check never assumes anything the port does not offer.

async function scanAll(store, table, where, pageSize = 3) {
  const rows = [];
  let after = null;
  for (let guard = 0; guard < 10000; guard += 1) {
    const page = await store.scan(table, where ? { where, after, limit: pageSize } : { after, limit: pageSize });
    assert.ok(Array.isArray(page), `scan(${table}) must return an array`);
    assert.ok(page.length <= pageSize, `scan(${table}) returned ${page.length} rows for limit ${pageSize}`);
    rows.push(...page);
    if (page.length < pageSize) return rows;
    after = page[page.length - 1].uuid;
  }
  assert.fail(`scan(${table}) never ended`);
}

/** Everything the port can see: every table and the flags. Two equal dumps mean two equal stores. */
async function dump(store) {
  const out = { flags: normaliseFlags(await store.flags()) };
  for (const table of TABLES) out[table] = await scanAll(store, table, undefined, 50);
  return out;
}

function normaliseFlags(flags) {
  assert.ok(flags && typeof flags === 'object', 'flags() must return an object');
  assert.strictEqual(typeof flags.global_sync_enabled, 'boolean', 'flags().global_sync_enabled must be a boolean');
  return { global_sync_enabled: flags.global_sync_enabled };
}

function report(value) {
  assert.ok(value && typeof value === 'object', 'commit() must return a report object');
  const out = {};
  for (const k of ['created', 'updated', 'deleted', 'unchanged']) {
    const n = typeof value[k] === 'bigint' ? Number(value[k]) : value[k];
    assert.ok(Number.isInteger(n) && n >= 0, `commit() report.${k} must be a non-negative integer, got ${value[k]}`);
    out[k] = n;
  }
  return out;
}

const counts = (created = 0, updated = 0, deleted = 0, unchanged = 0) => ({ created, updated, deleted, unchanged });
const changeset = (intents, operation = 'conformance') => ({ operation, as_of: T2, intents });

async function commit(store, intents) {
  return report(await store.commit(changeset(intents)));
}

async function rejects(store, intents, what) {
  await assert.rejects(async () => store.commit(changeset(intents)), undefined, `commit must fail: ${what}`);
}

// Intents of every type, each with a deterministic key as the engine writes them.
const I = {
  upsertRecord: (record) => ({ type: 'upsert_consumption_record', key: `consumption_record:${record.uuid}`, record }),
  deleteRecord: (uuid) => ({ type: 'delete_consumption_record', key: `delete:${uuid}`, uuid }),
  upsertSync: (sync) => ({ type: 'upsert_billing_sync', key: `billing_sync:${sync.uuid}`, sync }),
  transition: (uuid, from, to, at = T2) => ({ type: 'transition_billing_sync', key: `billing_sync_state:${uuid}:${to}`, uuid, from, to, at }),
  upsertItem: (item) => ({ type: 'upsert_invoice_item', key: `invoice_item:${item.uuid}`, item }),
  createItem: (item) => ({ type: 'create_invoice_item', key: `invoice_item:${item.uuid}`, item }),
  setGlobal: (enabled) => ({ type: 'set_sync_enabled', key: 'sync_enabled:global', switch: { scope: 'global' }, enabled }),
  setSettings: (settings_uuid, enabled) => ({
    type: 'set_sync_enabled',
    key: `sync_enabled:${settings_uuid}`,
    switch: { scope: 'settings', settings_uuid },
    enabled,
  }),
  upsertCustomer: (customer) => ({ type: 'upsert_customer', key: `customer:${customer.uuid}`, customer }),
  upsertProject: (project) => ({ type: 'upsert_project', key: `project:${project.uuid}`, project }),
  upsertResource: (resource) => ({ type: 'upsert_resource', key: `resource:${resource.uuid}`, resource }),
  upsertMapping: (mapping) => ({ type: 'upsert_customer_mapping', key: `customer_mapping:${mapping.uuid}`, mapping }),
};

const NEW_RECORD = '6e6e6e6e-3333-5333-b333-333333333333';
const NEW_ITEM = '7a7a7a7a-4444-5444-8444-444444444444';
const NEW_SYNC = '8b8b8b8b-5555-5555-9555-555555555555';
const NEW_CUSTOMER = '00000000-0000-4000-8000-000000000007';
const NEW_PROJECT = '00000000-0000-4000-8000-000000000008';
const NEW_RESOURCE = '00000000-0000-4000-8000-000000000102';
const NEW_MAPPING = '00000000-0000-4000-8000-000000000009';

/** One changeset with an intent of every type that succeeds on the fixture. */
function everyIntent() {
  const f = fixture();
  return [
    I.upsertCustomer({ uuid: NEW_CUSTOMER, name: 'Northwind' }),
    I.upsertProject({ uuid: NEW_PROJECT, name: 'Arrow Azure Subscriptions', customer_uuid: NEW_CUSTOMER }),
    I.upsertResource(resourceRow(NEW_RESOURCE, 2, { project_uuid: NEW_PROJECT })),
    I.upsertMapping({ uuid: NEW_MAPPING, settings_uuid: SETTINGS, arrow_reference: 'XSP777001', customer_uuid: NEW_CUSTOMER }),
    I.upsertRecord(recordRow(NEW_RECORD, 7, { resource_uuid: NEW_RESOURCE, license_reference: 'XSP10002' })),
    I.upsertRecord({ ...f.consumption_records[1], consumed_sell: '150.00', modified: T2 }),
    I.deleteRecord(RECORD_UUIDS[2]),
    I.createItem(itemRow(NEW_ITEM, { resource_uuid: NEW_RESOURCE, source_key: `${NEW_RESOURCE}|2025-02|XSP10002`, billing_period: '2025-02' })),
    I.upsertItem(itemRow(PROVISIONAL, { unit_price: '101.00', modified: T2 })),
    I.upsertSync(syncRow(NEW_SYNC, { statement_reference: 'ST-2025-03', report_period: '2025-03', state: 1 })),
    I.transition(SYNC, 2, 4),
    I.setGlobal(false),
    I.setSettings(SETTINGS_OFF, true),
  ];
}

// ---------------------------------------------------------------------------------------------------------
// The checks. Each gets a fresh store seeded with fixture().

const CHECKS = [];
const check = (name, fn) => CHECKS.push({ name, fn });

check('get: returns the stored row of every table', async (store) => {
  const f = fixture();
  for (const table of TABLES) {
    for (const row of f[table]) {
      assert.deepStrictEqual(await store.get(table, row.uuid), row, `get(${table}, ${row.uuid})`);
    }
  }
});

check('get: a missing uuid gives null', async (store) => {
  for (const table of TABLES) {
    assert.strictEqual(await store.get(table, 'ffffffff-ffff-4fff-bfff-ffffffffffff'), null, `get(${table}, missing)`);
  }
});

check('get: returns a copy the caller may change', async (store) => {
  const first = await store.get('billing_syncs', SYNC);
  first.state = 99;
  first.items[0].original_price = '0.00';
  assert.deepStrictEqual(await store.get('billing_syncs', SYNC), syncRow(SYNC));
});

check('flags: global_sync_enabled as seeded', async (store) => {
  assert.deepStrictEqual(normaliseFlags(await store.flags()), { global_sync_enabled: true });
});

check('scan: every row ordered by uuid ascending, with or without after: null', async (store) => {
  const f = fixture();
  for (const table of TABLES) {
    const expected = sorted(f[table]);
    assert.deepStrictEqual(await store.scan(table, { limit: 100 }), expected, `scan(${table}) without after`);
    assert.deepStrictEqual(await store.scan(table, { after: null, limit: 100 }), expected, `scan(${table}) after: null`);
  }
});

check('scan: limit caps the page', async (store) => {
  const expected = uuids(sorted(fixture().consumption_records));
  assert.deepStrictEqual(uuids(await store.scan('consumption_records', { limit: 3 })), expected.slice(0, 3));
  assert.deepStrictEqual(uuids(await store.scan('consumption_records', { limit: 1 })), expected.slice(0, 1));
  assert.deepStrictEqual(uuids(await store.scan('consumption_records', { limit: 1000 })), expected);
});

check('scan: after is exclusive keyset paging that covers every row once', async (store) => {
  const expected = uuids(sorted(fixture().consumption_records));
  for (const size of [1, 2, 3, 7]) {
    const seen = uuids(await scanAll(store, 'consumption_records', undefined, size));
    assert.deepStrictEqual(seen, expected, `pages of ${size}`);
  }
  const last = expected[expected.length - 1];
  assert.deepStrictEqual(await store.scan('consumption_records', { after: last, limit: 10 }), [], 'after the last uuid');
  assert.deepStrictEqual(uuids(await store.scan('consumption_records', { after: expected[2], limit: 2 })), expected.slice(3, 5));
});

check('scan: after compares as a string, need not be a stored uuid', async (store) => {
  const expected = uuids(sorted(fixture().consumption_records));
  // '5b5b5b5b-0000-5000-8000-000000000000z' sorts between the two 5b5b… uuids.
  const got = uuids(await store.scan('consumption_records', { after: '5b5b5b5b-0000-5000-8000-000000000000z', limit: 100 }));
  assert.deepStrictEqual(got, expected.filter((u) => u > '5b5b5b5b-0000-5000-8000-000000000000z'));
  assert.deepStrictEqual(uuids(await store.scan('consumption_records', { after: '', limit: 100 })), expected, "after ''");
});

check('scan: where on a string field is equality', async (store) => {
  const f = fixture();
  const expect = (pred) => uuids(sorted(f.consumption_records.filter(pred)));
  assert.deepStrictEqual(
    uuids(await store.scan('consumption_records', { where: { billing_period: '2025-01' }, limit: 100 })),
    expect((r) => r.billing_period === '2025-01'),
  );
  assert.deepStrictEqual(
    uuids(await store.scan('invoice_items', { where: { source_key: `${RESOURCE_0}|2025-01|XSP10000` }, limit: 100 })),
    [PROVISIONAL],
  );
  assert.deepStrictEqual(await store.scan('consumption_records', { where: { billing_period: '2031-01' }, limit: 100 }), []);
  assert.deepStrictEqual(await store.scan('consumption_records', { where: { billing_period: '2025-01-01' }, limit: 100 }), [], 'no prefix matching');
});

check('scan: where on number and boolean fields is typed equality', async (store) => {
  assert.deepStrictEqual(uuids(await store.scan('billing_syncs', { where: { state: 2 }, limit: 100 })), [SYNC]);
  assert.deepStrictEqual(uuids(await store.scan('billing_syncs', { where: { state: 3 }, limit: 100 })), [SYNC_2]);
  assert.deepStrictEqual(await store.scan('billing_syncs', { where: { state: '2' }, limit: 100 }), [], '"2" is not 2');
  assert.deepStrictEqual(uuids(await store.scan('settings', { where: { is_active: true }, limit: 100 })), [SETTINGS]);
  assert.deepStrictEqual(uuids(await store.scan('settings', { where: { is_active: false }, limit: 100 })), [SETTINGS_OFF]);
  assert.deepStrictEqual(await store.scan('settings', { where: { is_active: 'true' }, limit: 100 }), [], '"true" is not true');
});

check('scan: an array value means any of its elements', async (store) => {
  const f = fixture();
  assert.deepStrictEqual(uuids(await store.scan('billing_syncs', { where: { state: [2, 4] }, limit: 100 })), [SYNC]);
  assert.deepStrictEqual(uuids(await store.scan('billing_syncs', { where: { state: [2, 3] }, limit: 100 })), uuids(sorted(f.billing_syncs)));
  assert.deepStrictEqual(
    uuids(await store.scan('consumption_records', { where: { billing_period: ['2025-02', '2030-01'] }, limit: 100 })),
    uuids(sorted(f.consumption_records.filter((r) => r.billing_period === '2025-02'))),
  );
  assert.deepStrictEqual(await store.scan('billing_syncs', { where: { state: [] }, limit: 100 }), [], 'an empty array matches nothing');
});

check('scan: every where entry must match, and paging works under where', async (store) => {
  const f = fixture();
  const where = { billing_period: '2025-01', resource_uuid: RESOURCE_0 };
  const expected = uuids(sorted(f.consumption_records.filter((r) => r.billing_period === '2025-01' && r.resource_uuid === RESOURCE_0)));
  assert.ok(expected.length >= 2, 'fixture has several matches');
  assert.deepStrictEqual(uuids(await store.scan('consumption_records', { where, limit: 100 })), expected);
  assert.deepStrictEqual(uuids(await scanAll(store, 'consumption_records', where, 1)), expected, 'pages of 1 under where');
  const anyOf = { resource_uuid: [RESOURCE_0, RESOURCE_1], license_reference: 'XSP10001' };
  assert.deepStrictEqual(
    uuids(await scanAll(store, 'consumption_records', anyOf, 2)),
    uuids(sorted(f.consumption_records.filter((r) => r.license_reference === 'XSP10001'))),
  );
});

check('scan: null matches null or absent fields; other values never match an absent field', async (store) => {
  const f = fixture();
  const unfinalized = uuids(sorted(f.consumption_records.filter((r) => r.final_sell === null)));
  assert.ok(unfinalized.length > 0 && unfinalized.length < f.consumption_records.length);
  assert.deepStrictEqual(uuids(await store.scan('consumption_records', { where: { final_sell: null }, limit: 100 })), unfinalized);
  assert.deepStrictEqual(await store.scan('consumption_records', { where: { no_such_field: 'x' }, limit: 100 }), []);
  assert.deepStrictEqual(await store.scan('consumption_records', { where: { no_such_field: 0 }, limit: 100 }), []);
  assert.deepStrictEqual(await store.scan('consumption_records', { where: { no_such_field: false }, limit: 100 }), []);
  assert.deepStrictEqual(
    uuids(await store.scan('consumption_records', { where: { no_such_field: null }, limit: 100 })),
    uuids(sorted(f.consumption_records)),
  );
});

check('commit: an empty changeset changes nothing', async (store) => {
  const before = await dump(store);
  assert.deepStrictEqual(await commit(store, []), counts());
  assert.deepStrictEqual(await dump(store), before);
});

check('commit: upsert_consumption_record creates, updates, or is unchanged', async (store) => {
  const f = fixture();
  const created = recordRow(NEW_RECORD, 7);
  assert.deepStrictEqual(await commit(store, [I.upsertRecord(created)]), counts(1));
  assert.deepStrictEqual(await store.get('consumption_records', NEW_RECORD), created);
  const changed = { ...f.consumption_records[0], consumed_sell: '150.00', raw_data: { lines: 2 }, modified: T2 };
  assert.deepStrictEqual(await commit(store, [I.upsertRecord(changed)]), counts(0, 1));
  assert.deepStrictEqual(await store.get('consumption_records', changed.uuid), changed);
  assert.deepStrictEqual(await commit(store, [I.upsertRecord(copy(changed))]), counts(0, 0, 0, 1), 'identical row');
});

check('commit: upsert replaces the whole row', async (store) => {
  const f = fixture();
  const row = { ...f.consumption_records[0] };
  row.raw_data = { note: 'first' };
  await commit(store, [I.upsertRecord(row)]);
  const replaced = { ...row, raw_data: null, final_sell: null, final_buy: null, finalized_at: null, reconciled_at: null };
  assert.deepStrictEqual(await commit(store, [I.upsertRecord(replaced)]), counts(0, 1));
  assert.deepStrictEqual(await store.get('consumption_records', row.uuid), replaced);
});

check('commit: the store keeps no reference to the committed objects', async (store) => {
  const row = recordRow(NEW_RECORD, 7);
  await commit(store, [I.upsertRecord(row)]);
  row.consumed_sell = '999.00';
  assert.deepStrictEqual(await store.get('consumption_records', NEW_RECORD), recordRow(NEW_RECORD, 7));
});

check('commit: delete_consumption_record deletes, and a missing row is unchanged', async (store) => {
  assert.deepStrictEqual(await commit(store, [I.deleteRecord(RECORD_UUIDS[0])]), counts(0, 0, 1));
  assert.strictEqual(await store.get('consumption_records', RECORD_UUIDS[0]), null);
  assert.ok(!uuids(await scanAll(store, 'consumption_records')).includes(RECORD_UUIDS[0]), 'scan no longer sees it');
  assert.deepStrictEqual(await commit(store, [I.deleteRecord(RECORD_UUIDS[0])]), counts(0, 0, 0, 1), 'deleted twice');
  assert.deepStrictEqual(await commit(store, [I.deleteRecord(NEW_RECORD)]), counts(0, 0, 0, 1), 'never existed');
});

check('commit: upsert_billing_sync stores the row with its items', async (store) => {
  const sync = syncRow(NEW_SYNC, { statement_reference: 'ST-2025-03', report_period: '2025-03', state: 1 });
  assert.deepStrictEqual(await commit(store, [I.upsertSync(sync)]), counts(1));
  assert.deepStrictEqual(await store.get('billing_syncs', NEW_SYNC), sync);
  const more = copy(sync);
  more.items.push({ ...more.items[0], uuid: '16800495-b9b1-51d2-bc28-dc65e5a99eac', arrow_line_reference: 'L2' });
  assert.deepStrictEqual(await commit(store, [I.upsertSync(more)]), counts(0, 1), 'an item added');
  assert.deepStrictEqual(await store.get('billing_syncs', NEW_SYNC), more);
  assert.deepStrictEqual(await commit(store, [I.upsertSync(copy(more))]), counts(0, 0, 0, 1));
});

check('commit: transition_billing_sync from → to sets state and modified', async (store) => {
  assert.deepStrictEqual(await commit(store, [I.transition(SYNC, 2, 4, T2)]), counts(0, 1));
  assert.deepStrictEqual(await store.get('billing_syncs', SYNC), syncRow(SYNC, { state: 4, modified: T2 }));
});

check('commit: transition_billing_sync already in the target state is unchanged', async (store) => {
  assert.deepStrictEqual(await commit(store, [I.transition(SYNC_2, 2, 3, T2)]), counts(0, 0, 0, 1));
  assert.deepStrictEqual(await store.get('billing_syncs', SYNC_2), fixture().billing_syncs[1], 'modified untouched');
});

check('commit: transition_billing_sync from another state is a conflict', async (store) => {
  const before = await dump(store);
  await rejects(store, [I.transition(SYNC_2, 2, 4)], 'the sync is 3, not 2');
  await rejects(store, [I.transition(SYNC, 1, 3)], 'the sync is 2, not 1');
  assert.deepStrictEqual(await dump(store), before);
});

check('commit: transition_billing_sync of a missing sync fails', async (store) => {
  const before = await dump(store);
  await rejects(store, [I.transition(NEW_SYNC, 2, 4)], 'no such sync');
  assert.deepStrictEqual(await dump(store), before);
});

check('commit: upsert_invoice_item creates, updates, or is unchanged', async (store) => {
  const item = itemRow(NEW_ITEM, { source_key: `${RESOURCE_1}|2025-01|XSP10001`, resource_uuid: RESOURCE_1 });
  assert.deepStrictEqual(await commit(store, [I.upsertItem(item)]), counts(1));
  assert.deepStrictEqual(await store.get('invoice_items', NEW_ITEM), item);
  const repriced = { ...item, unit_price: '104.50', modified: T2 };
  assert.deepStrictEqual(await commit(store, [I.upsertItem(repriced)]), counts(0, 1));
  assert.deepStrictEqual(await store.get('invoice_items', NEW_ITEM), repriced);
  assert.deepStrictEqual(await commit(store, [I.upsertItem(copy(repriced))]), counts(0, 0, 0, 1));
});

check('commit: create_invoice_item creates, and never overwrites', async (store) => {
  const compensation = itemRow(COMPENSATION, {
    invoice_uuid: '139714b1-7af9-51a6-9917-c18b436ea89b',
    project_uuid: null,
    billing_period: '2025-02',
    kind: 'consumption_compensation',
    name: 'Arrow consumption adjustment: subscription-0 (credit for 2025-01-01)',
    unit_price: '-5.00',
    details: { license_reference: 'XSP10000', billing_period: '2025-01', final: '95.00', billed_before: '100.00' },
    created: T1,
    modified: T1,
  });
  assert.deepStrictEqual(await commit(store, [I.createItem(compensation)]), counts(1));
  assert.deepStrictEqual(await store.get('invoice_items', COMPENSATION), compensation);
  const different = { ...compensation, unit_price: '-10.00', name: 'changed', modified: T2 };
  assert.deepStrictEqual(await commit(store, [I.createItem(different)]), counts(0, 0, 0, 1));
  assert.deepStrictEqual(await store.get('invoice_items', COMPENSATION), compensation, 'the first item stays');
  const provisional = await store.get('invoice_items', PROVISIONAL);
  assert.deepStrictEqual(await commit(store, [I.createItem({ ...provisional, unit_price: '0.00' })]), counts(0, 0, 0, 1));
  assert.deepStrictEqual(await store.get('invoice_items', PROVISIONAL), provisional, 'a seeded item stays');
});

check('commit: set_sync_enabled switches the global flag', async (store) => {
  assert.deepStrictEqual(await commit(store, [I.setGlobal(true)]), counts(0, 0, 0, 1), 'already on');
  assert.deepStrictEqual(await commit(store, [I.setGlobal(false)]), counts(0, 1));
  assert.deepStrictEqual(normaliseFlags(await store.flags()), { global_sync_enabled: false });
  assert.deepStrictEqual(await commit(store, [I.setGlobal(false)]), counts(0, 0, 0, 1));
  assert.deepStrictEqual(await commit(store, [I.setGlobal(true)]), counts(0, 1));
  assert.deepStrictEqual(normaliseFlags(await store.flags()), { global_sync_enabled: true });
});

check("commit: set_sync_enabled switches one settings row's sync_enabled", async (store) => {
  assert.deepStrictEqual(await commit(store, [I.setSettings(SETTINGS, false)]), counts(0, 1));
  assert.deepStrictEqual(await store.get('settings', SETTINGS), settingsRow(SETTINGS, { sync_enabled: false }), 'only sync_enabled changes');
  assert.deepStrictEqual(await commit(store, [I.setSettings(SETTINGS, false)]), counts(0, 0, 0, 1));
  assert.strictEqual((await store.get('settings', SETTINGS_OFF)).sync_enabled, false, 'the other settings untouched');
  assert.deepStrictEqual(normaliseFlags(await store.flags()), { global_sync_enabled: true }, 'the global flag untouched');
});

check('commit: set_sync_enabled on missing settings fails', async (store) => {
  const before = await dump(store);
  await rejects(store, [I.setSettings('00000000-0000-4000-8000-0000000000ff', true)], 'no such settings');
  assert.deepStrictEqual(await dump(store), before);
});

check('commit: upsert_customer, upsert_project, upsert_resource, upsert_customer_mapping', async (store) => {
  const customer = { uuid: NEW_CUSTOMER, name: 'Northwind' };
  const project = { uuid: NEW_PROJECT, name: 'Arrow Azure Subscriptions', customer_uuid: NEW_CUSTOMER };
  const resource = resourceRow(NEW_RESOURCE, 2, { project_uuid: NEW_PROJECT, current_usages: { cost: '12.50' } });
  const mapping = { uuid: NEW_MAPPING, settings_uuid: SETTINGS, arrow_reference: 'XSP777001', customer_uuid: NEW_CUSTOMER };
  const intents = [I.upsertCustomer(customer), I.upsertProject(project), I.upsertResource(resource), I.upsertMapping(mapping)];
  assert.deepStrictEqual(await commit(store, intents), counts(4));
  assert.deepStrictEqual(await store.get('customers', NEW_CUSTOMER), customer);
  assert.deepStrictEqual(await store.get('projects', NEW_PROJECT), project);
  assert.deepStrictEqual(await store.get('resources', NEW_RESOURCE), resource);
  assert.deepStrictEqual(await store.get('customer_mappings', NEW_MAPPING), mapping);
  assert.deepStrictEqual(await commit(store, copy(intents)), counts(0, 0, 0, 4));
  const renamed = { uuid: CONTOSO, name: 'Contoso Ltd' };
  assert.deepStrictEqual(await commit(store, [I.upsertCustomer(renamed)]), counts(0, 1));
  assert.deepStrictEqual(await store.get('customers', CONTOSO), renamed);
  assert.deepStrictEqual(uuids(await store.scan('resources', { where: { project_uuid: NEW_PROJECT }, limit: 10 })), [NEW_RESOURCE]);
  assert.deepStrictEqual(uuids(await store.scan('customer_mappings', { where: { settings_uuid: SETTINGS }, limit: 10 })), [MAPPING, NEW_MAPPING]);
});

check('commit: an unknown intent type fails', async (store) => {
  const before = await dump(store);
  await rejects(store, [{ type: 'drop_everything', key: 'x' }], 'unknown intent type');
  assert.deepStrictEqual(await dump(store), before);
});

check('commit: intents apply in order within one changeset', async (store) => {
  // The engine's statement reconciliation: move the sync, then write it with its reconciled fields.
  const reconciled = syncRow(SYNC, { state: 4, reconciled_at: T2, modified: T2 });
  assert.deepStrictEqual(await commit(store, [I.transition(SYNC, 2, 4, T2), I.upsertSync(reconciled)]), counts(0, 2));
  assert.deepStrictEqual(await store.get('billing_syncs', SYNC), reconciled);
  // A sync created and moved in the same changeset.
  const fresh = syncRow(NEW_SYNC, { state: 2, report_period: '2025-03' });
  assert.deepStrictEqual(await commit(store, [I.upsertSync(fresh), I.transition(NEW_SYNC, 2, 3, T2)]), counts(1, 1));
  assert.strictEqual((await store.get('billing_syncs', NEW_SYNC)).state, 3);
  // Create, then delete, a record.
  assert.deepStrictEqual(await commit(store, [I.upsertRecord(recordRow(NEW_RECORD, 7)), I.deleteRecord(NEW_RECORD)]), counts(1, 0, 1));
  assert.strictEqual(await store.get('consumption_records', NEW_RECORD), null);
});

check('commit: every intent type in one changeset, with its report', async (store) => {
  // 4 host upserts + 1 new record + 1 new item + 1 new sync = 7 created;
  // changed record, repriced item, transition, global off, settings on = 5 updated; 1 deleted.
  assert.deepStrictEqual(await commit(store, everyIntent()), counts(7, 5, 1, 0));
  assert.strictEqual(await store.get('consumption_records', RECORD_UUIDS[2]), null);
  assert.strictEqual((await store.get('billing_syncs', SYNC)).state, 4);
  assert.strictEqual((await store.get('settings', SETTINGS_OFF)).sync_enabled, true);
  assert.deepStrictEqual(normaliseFlags(await store.flags()), { global_sync_enabled: false });
});

check('commit: re-committing the same changeset changes nothing', async (store) => {
  const cs = changeset(everyIntent(), 'idempotency');
  const first = report(await store.commit(copy(cs)));
  const after = await dump(store);
  const second = report(await store.commit(copy(cs)));
  assert.deepStrictEqual(second, counts(0, 0, 0, cs.intents.length), `first commit reported ${JSON.stringify(first)}`);
  assert.deepStrictEqual(await dump(store), after, 'the store is as after one commit');
  assert.deepStrictEqual(report(await store.commit(copy(cs))), second, 'and again');
});

for (const [what, failing] of [
  ['a transition conflict', () => I.transition(SYNC_2, 1, 4)],
  ['a transition of a missing sync', () => I.transition(NEW_SYNC.replace('8b', '9c'), 2, 4)],
  ['an unknown intent type', () => ({ type: 'upsert_unicorn', key: 'unicorn:1', unicorn: { uuid: NEW_ITEM } })],
  ['set_sync_enabled on missing settings', () => I.setSettings('00000000-0000-4000-8000-0000000000ff', false)],
]) {
  check(`atomicity: a changeset whose last intent is ${what} leaves nothing behind`, async (store) => {
    const before = await dump(store);
    await rejects(store, [...everyIntent(), failing()], what);
    assert.deepStrictEqual(await dump(store), before, 'the store is exactly as before');
    // The store still works, and the same intents without the failing one apply in full.
    assert.deepStrictEqual(await commit(store, everyIntent()), counts(7, 5, 1, 0));
  });
}

/**
 * Runs every check, each on a fresh store from `makeStore(initial)`.
 * @param makeStore (initial) => Store | Promise<Store>; `initial` holds one array of rows per table and
 *   `global_sync_enabled`. If the store has a `close()` it is called after each check.
 * @param options.log called with (checkName, "ok") after each passing check
 * @param options.only a predicate on check names, to run a subset
 * @returns {{ passed: string[] }}
 * @throws AssertionError whose message starts with the failed check's name; `error.check` names it too.
 */
async function runStoreConformance(makeStore, { log, only } = {}) {
  if (typeof makeStore !== 'function') throw new TypeError('runStoreConformance(makeStore): makeStore must be a function');
  const passed = [];
  for (const { name, fn } of CHECKS) {
    if (only && !only(name)) continue;
    let store;
    try {
      store = await makeStore(fixture());
      assert.ok(store && typeof store === 'object', 'makeStore must return a store');
      for (const m of ['get', 'scan', 'flags', 'commit']) assert.strictEqual(typeof store[m], 'function', `the store has no ${m}()`);
      await fn(store);
    } catch (error) {
      const failure = new assert.AssertionError({
        message: `store conformance check "${name}" failed: ${error && error.message}`,
        actual: error && error.actual,
        expected: error && error.expected,
        operator: (error && error.operator) || 'conformance',
      });
      failure.check = name;
      failure.cause = error;
      throw failure;
    } finally {
      if (store && typeof store.close === 'function') await store.close();
    }
    passed.push(name);
    if (log) log(name, 'ok');
  }
  return { passed };
}

module.exports = { runStoreConformance, conformanceChecks: () => CHECKS.map((c) => c.name), conformanceFixture: fixture };
