// The limits of src/limits.rs through engine.handle: a request over one is answered with a coded error,
// and the vendor adapter is never called.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import billsync from '../../pkg/index.mjs';

const staff = { is_staff: true };

function countingArrow(calls) {
  const record = (name) => async (args) => {
    calls.push([name, args]);
    return { data: { license: { reference: args && args.licenseReference } } };
  };
  return { billingExport: record('billingExport'), consumption: record('consumption'), license: record('license'), licenses: record('licenses') };
}

function engineWith(calls) {
  return new billsync.ArrowEngine({
    arrow: countingArrow(calls),
    store: billsync.createMemoryStore({}),
    clock: { now: () => '2025-01-20T10:00:00Z' },
  });
}

const fetchLicense = (engine, reference) => engine.handle({
  method: 'POST', path: '/api/admin/arrow/billing-syncs/fetch_license_info/', body: { license_reference: reference }, user: staff,
});

test('a 5 MB licence reference is a 413 and never reaches the adapter', async () => {
  const calls = [];
  const response = await fetchLicense(engineWith(calls), 'X'.repeat(5 << 20));
  assert.equal(response.status, 413);
  assert.equal(response.body.code, 'payload_too_large');
  assert.deepEqual(calls, []);
});

test('a licence reference over the string limit is a 400 field error and never reaches the adapter', async () => {
  const calls = [];
  const response = await fetchLicense(engineWith(calls), 'X'.repeat(1025));
  assert.equal(response.status, 400);
  assert.deepEqual(response.body, { license_reference: ['Ensure this field has no more than 1024 characters.'] });
  assert.deepEqual(calls, []);
  // At the limit it goes through.
  const ok = await fetchLicense(engineWith(calls), 'X'.repeat(1024));
  assert.equal(ok.status, 200);
  assert.equal(calls.length, 1);
});

test('an oversized query is a 413 too', async () => {
  const calls = [];
  const response = await engineWith(calls).handle({
    method: 'GET', path: '/api/admin/arrow/consumption-records/', query: { license_reference: 'y'.repeat(2 << 20) }, user: staff,
  });
  assert.equal(response.status, 413);
  assert.deepEqual(calls, []);
});

test('the per-operation methods reject an oversized body with the same code', async () => {
  const calls = [];
  await assert.rejects(engineWith(calls).fetchLicenseInfo({ license_reference: 'X'.repeat(5 << 20) }),
    (e) => e instanceof billsync.BillsyncError && e.code === 'payload_too_large' && e.status === 413 && e.details.limit === 1 << 20);
  assert.deepEqual(calls, []);
});

// Issue 18: the limits hold for every handler, from one place (src/rest/http.rs run_operation): both
// engines' handle and their per-operation methods refuse the same oversized inputs the same way, before
// validation and before any adapter call.
function countingSoracom(calls) {
  const record = (name) => async (args) => { calls.push([name, args]); return '{}'; };
  return Object.fromEntries(['getBilling', 'getLatestBilling', 'getBillingHistory', 'getBillingPerDay', 'exportBilling',
    'exportLatestBilling', 'getExportedFile', 'download'].map((name) => [name, record(name)]));
}

const engines = (calls) => ({
  arrow: engineWith(calls),
  soracom: new billsync.SoracomEngine({
    soracom: countingSoracom(calls),
    store: billsync.createMemoryStore({ soracom_settings: [{ uuid: '50ac0000-0000-4000-8000-000000000001', currency: 'JPY' }] }),
    clock: { now: () => '2025-01-20T10:00:00Z' },
  }),
});

test('both engines refuse the same oversized body and query with the same 413, before any adapter call', async () => {
  const calls = [];
  const big = 'X'.repeat(2 << 20);
  const answers = [];
  for (const [vendor, engine] of Object.entries(engines(calls))) {
    const post = await engine.handle({ method: 'POST', path: `/api/admin/${vendor}/billing-syncs/trigger_consumption_sync/`,
      body: { year: 2025, month: 1, padding: big }, user: staff });
    const get = await engine.handle({ method: 'GET', path: `/api/admin/${vendor}/consumption-records/`,
      query: { billing_period: big }, user: staff });
    answers.push([post.status, post.body.code, get.status, get.body.code]);
    await assert.rejects(engine.triggerConsumptionSync({ year: 2025, month: 1, padding: big }),
      (e) => e instanceof billsync.BillsyncError && e.code === 'payload_too_large' && e.status === 413, vendor);
    await assert.rejects(engine.listConsumptionRecords({ billing_period: big }),
      (e) => e instanceof billsync.BillsyncError && e.code === 'payload_too_large', vendor);
  }
  assert.deepEqual(answers, [[413, 'payload_too_large', 413, 'payload_too_large'], [413, 'payload_too_large', 413, 'payload_too_large']]);
  assert.deepEqual(calls, [], 'no adapter was called');
});
