'use strict';
// Node entry point (CommonJS). The wasm module is compiled synchronously on first require.
const wasm = require('./dist/node/billsync.js');
const { runStoreConformance, conformanceChecks, conformanceFixture } = require('./conformance.cjs');

const BillsyncError = wasm.billsyncErrorClass();

/** True when `value` is an error thrown by billsync. */
function isBillsyncError(value) {
  return value instanceof BillsyncError;
}

const api = { ...wasm, BillsyncError, isBillsyncError, runStoreConformance, conformanceChecks, conformanceFixture };
delete api.billsyncErrorClass;
module.exports = api;
