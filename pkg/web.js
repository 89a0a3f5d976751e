// Browser and bundler entry point (ES modules). The wasm file is fetched next to this module and
// instantiated before the first export is used (top-level await).
import init, * as wasm from './dist/web/billsync.js';

await init({ module_or_path: new URL('./dist/web/billsync_bg.wasm', import.meta.url) });

export * from './dist/web/billsync.js';

export const BillsyncError = wasm.billsyncErrorClass();

/** True when `value` is an error thrown by billsync. */
export function isBillsyncError(value) {
  return value instanceof BillsyncError;
}
