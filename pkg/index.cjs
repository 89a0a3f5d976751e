'use strict';
// Node entry point (CommonJS). The wasm module is compiled synchronously on first require.
const wasm = require('./dist/node/billsync.js');
const conformance = require('./conformance.cjs');

const BillsyncError = wasm.billsyncErrorClass();

/** True when `value` is an error thrown by billsync. */
function isBillsyncError(value) {
  return value instanceof BillsyncError;
}

// The one export written in JS checks its arguments as the wasm exports do: a wrong value is an
// `invalid_argument` BillsyncError, never a TypeError.
function invalidArgument(argument, expected, value) {
  const got = value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value;
  return new BillsyncError('invalid_argument', `argument ${argument}: expected ${expected}, got ${got}`, 400,
    null, { argument, expected, got });
}

function runStoreConformance(makeStore, options) {
  if (typeof makeStore !== 'function') {
    return Promise.reject(invalidArgument('makeStore', 'a function returning a store', makeStore));
  }
  const isOptions = options === undefined
    || (options !== null && typeof options === 'object' && !Array.isArray(options)
      && ['log', 'only'].every((k) => options[k] === undefined || typeof options[k] === 'function'));
  if (!isOptions) {
    return Promise.reject(invalidArgument('options', 'an object { log?, only? } of functions', options));
  }
  return conformance.runStoreConformance(makeStore, options);
}

const { conformanceChecks, conformanceFixture } = conformance;
const api = { ...wasm, BillsyncError, isBillsyncError, runStoreConformance, conformanceChecks, conformanceFixture };
delete api.billsyncErrorClass;
module.exports = api;
