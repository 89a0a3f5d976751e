// The declarations against the runtime: the error codes the wasm produces are the generated union, and each
// facade declares only what it exports.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const root = new URL('../../pkg/', import.meta.url);
const read = (path) => readFileSync(new URL(path, root), 'utf8');
const api = require('../../pkg/index.cjs');

/** The string members of `export type BillsyncErrorCode = "a" | "b";` in a declaration file. */
function declaredCodes(dts) {
  const match = dts.match(/export type BillsyncErrorCode = ([^;]+);/);
  assert.ok(match, 'BillsyncErrorCode is declared');
  return [...match[1].matchAll(/"([a-z_]+)"/g)].map((m) => m[1]);
}

/** Value names a declaration file exports: functions, classes and consts. */
function declaredValues(dts) {
  return [...dts.matchAll(/^export (?:declare )?(?:function|class|const) (\w+)/gm)].map((m) => m[1]);
}

test('errorCodes() is the generated BillsyncErrorCode union, in both builds', () => {
  const codes = api.errorCodes();
  assert.deepEqual(declaredCodes(read('dist/node/billsync.d.ts')), codes);
  assert.deepEqual(declaredCodes(read('dist/web/billsync.d.ts')), codes);
  assert.equal(new Set(codes).size, codes.length);
});

test('the codes the wasm really throws are in the union', async () => {
  const codes = new Set(api.errorCodes());
  const thrown = [];
  const capture = async (f) => {
    try {
      await f();
    } catch (e) {
      assert.ok(api.isBillsyncError(e), `a BillsyncError: ${e}`);
      thrown.push(e.code);
      return;
    }
    assert.fail('expected a throw');
  };
  await capture(() => api.parsePeriod('2025-13'));
  await capture(() => api.parsePeriod(202501));
  await capture(() => api.parseMoney('1', 'EURO'));
  await capture(() => api.parseMoney('1 USD', 'EUR'));
  await capture(() => api.validateRequest('admin_arrow_billing_syncs_trigger_sync', { year: 1 }));
  await capture(() => api.parseBillingExport('{'));
  await capture(() => api.validateRequest('admin_arrow_billing_syncs_fetch_license_info', { license_reference: 'x'.repeat(5000) }));
  for (const code of thrown) assert.ok(codes.has(code), `${code} is declared`);
  assert.ok(thrown.includes('invalid_period') && thrown.includes('validation_failed') && thrown.includes('invalid_argument'));
});

test('the Node facade declares only names it exports', () => {
  const declared = [
    ...declaredValues(read('dist/node/billsync.d.ts')),
    ...declaredValues(read('errors.d.ts')),
    ...declaredValues(read('conformance.d.ts')),
  ];
  const cjs = new Set(Object.keys(api));
  for (const name of declared) assert.ok(cjs.has(name), `index.cjs exports ${name}`);
  const mjs = read('index.mjs');
  for (const name of declared) assert.match(mjs, new RegExp(`\\b${name},`), `index.mjs exports ${name}`);
});

test('the browser facade declares only names it exports', async () => {
  const glue = await import(new URL('dist/web/billsync.js', root));
  const exported = new Set([...Object.keys(glue), 'BillsyncError', 'isBillsyncError']);
  const declared = [...declaredValues(read('dist/web/billsync.d.ts')), ...declaredValues(read('errors.d.ts'))];
  for (const name of declared) assert.ok(exported.has(name), `web.js exports ${name}`);
  assert.match(read('web.d.ts'), /export \* from "\.\/dist\/web\/billsync\.js"/);
});
