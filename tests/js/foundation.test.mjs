// The foundation's JS surface, against the built package, from both module systems.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import * as esm from '../../pkg/index.mjs';

const require = createRequire(import.meta.url);
const cjs = require('../../pkg/index.cjs');
const pkgJson = JSON.parse(readFileSync(new URL('../../pkg/package.json', import.meta.url)));

test('ESM and CommonJS entries expose the same API, from one instance', () => {
  const fromCjs = Object.keys(cjs).sort();
  const fromEsm = Object.keys(esm).filter((k) => k !== 'default').sort();
  assert.deepEqual(fromEsm, fromCjs);
  assert.equal(esm.BillsyncError, cjs.BillsyncError);
});

test('version() is the package version', () => {
  assert.equal(cjs.version(), pkgJson.version);
});

test('parsePeriod', () => {
  assert.deepEqual({ ...cjs.parsePeriod('2025-01') }, { year: 2025, month: 1 });
  for (const bad of ['2025-13', '2025-1', '1999-12', '', 'abc']) {
    assert.throws(() => cjs.parsePeriod(bad), (e) => {
      assert.ok(e instanceof Error, 'an Error');
      assert.ok(e instanceof cjs.BillsyncError, 'a BillsyncError');
      assert.ok(cjs.isBillsyncError(e));
      assert.equal(e.name, 'BillsyncError');
      assert.equal(e.code, 'invalid_period');
      assert.equal(e.status, 400);
      assert.match(e.message, /period/);
      return true;
    }, bad);
  }
});

test('periodRange is inclusive and refuses a reversed range', () => {
  assert.deepEqual(cjs.periodRange('2024-11', '2025-02'), ['2024-11', '2024-12', '2025-01', '2025-02']);
  assert.throws(() => cjs.periodRange('2025-02', '2024-11'), (e) => e.code === 'validation_failed' && 'period_from' in e.fields);
});

test('parseMoney is exact and strict', () => {
  assert.deepEqual({ ...cjs.parseMoney('€1,000.50', 'EUR') }, { amount: '1000.50', currency: 'EUR' });
  assert.deepEqual({ ...cjs.parseMoney(0.1, 'USD') }, { amount: '0.10', currency: 'USD' });
  assert.deepEqual({ ...cjs.parseMoney('(5.00)', 'EUR') }, { amount: '-5.00', currency: 'EUR' });
  assert.throws(() => cjs.parseMoney('abc'), (e) => e.code === 'invalid_amount' && e.details.value === 'abc');
  assert.throws(() => cjs.parseMoney('$5', 'EUR'), (e) => e.code === 'currency_mismatch');
  assert.throws(() => cjs.parseMoney('5'), (e) => e.code === 'invalid_amount', 'no currency at all');
});

test('validateRequest reports every bad field at once', () => {
  assert.throws(
    () => cjs.validateRequest('admin_arrow_billing_syncs_trigger_sync', { year: 1999, month: 13 }),
    (e) => {
      assert.equal(e.code, 'validation_failed');
      assert.equal(e.status, 400);
      assert.ok(Array.isArray(e.fields.month) && e.fields.month.length > 0);
      assert.ok(Array.isArray(e.fields.year) && e.fields.year.length > 0);
      return true;
    },
  );
  const ok = cjs.validateRequest('admin_arrow_billing_syncs_trigger_sync', { year: 2025, month: 1 });
  assert.equal(ok.year, 2025);
  assert.equal(ok.month, 1);
  const cleanup = cjs.validateRequest('admin_arrow_billing_syncs_cleanup_consumption', {});
  assert.equal(cleanup.dry_run, true);
  assert.throws(
    () => cjs.validateRequest('admin_arrow_billing_syncs_cleanup_consumption', { only_finalized: true, only_unfinalized: true }),
    (e) => e.code === 'validation_failed' && Array.isArray(e.fields.non_field_errors),
  );
});
