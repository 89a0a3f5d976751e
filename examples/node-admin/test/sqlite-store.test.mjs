// The SQLite store against the package's conformance kit, on a real database file per check.
import { test, after } from 'node:test';
import assert from 'node:assert';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { openSqliteStore } from '../sqlite-store.mjs';

// The kit is plain CommonJS in pkg/; it needs no wasm, so the store is testable before the package is built.
const { runStoreConformance, conformanceFixture } = createRequire(import.meta.url)('../../../pkg/conformance.cjs');

const dir = mkdtempSync(join(tmpdir(), 'billsync-sqlite-'));
after(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
const makeStore = (initial) => openSqliteStore(join(dir, `conformance-${(n += 1)}.sqlite`), { initial });

test('the SQLite store passes the store conformance kit', async () => {
  const { passed } = await runStoreConformance(makeStore);
  assert.ok(passed.length >= 30, `ran ${passed.length} checks`);
});

test('a failed commit leaves the database file as it was, across a reopen', async () => {
  const path = join(dir, 'reopen.sqlite');
  const store = openSqliteStore(path, { initial: conformanceFixture() });
  const before = store.snapshot();
  await assert.rejects(store.commit({
    operation: 'test',
    as_of: '2025-02-04T09:30:00Z',
    intents: [
      { type: 'set_sync_enabled', key: 'g', switch: { scope: 'global' }, enabled: false },
      { type: 'delete_consumption_record', key: 'd', uuid: before.consumption_records[0].uuid },
      { type: 'transition_billing_sync', key: 't', uuid: before.billing_syncs[0].uuid, from: 1, to: 4, at: '2025-02-04T09:30:00Z' },
    ],
  }), /conflict|state/);
  store.close();
  const reopened = openSqliteStore(path);
  assert.deepStrictEqual(reopened.snapshot(), before);
  reopened.close();
});

test('scan uses the expression indexes for the fields the engine filters by', () => {
  const store = openSqliteStore(':memory:');
  const plan = store.db
    .prepare("EXPLAIN QUERY PLAN SELECT data FROM consumption_records WHERE uuid > ? AND (json_extract(data, '$.billing_period') = ? AND json_type(data, '$.billing_period') = 'text') ORDER BY uuid LIMIT ?")
    .all('', '2025-01', 10)
    .map((r) => r.detail)
    .join('\n');
  assert.match(plan, /consumption_records_billing_period/);
  store.close();
});

test('a kit failure names the check', async () => {
  // A store that forgets to sort: the kit must say which check caught it.
  const broken = async (initial) => {
    const store = openSqliteStore(':memory:', { initial });
    const scan = store.scan;
    store.scan = async (table, q) => (await scan(table, q)).reverse();
    return store;
  };
  await assert.rejects(runStoreConformance(broken, { only: (name) => name.startsWith('scan: every row') }), (e) => {
    assert.strictEqual(e.name, 'AssertionError');
    assert.match(e.message, /^store conformance check "scan: every row ordered by uuid/);
    assert.strictEqual(e.check, 'scan: every row ordered by uuid ascending, with or without after: null');
    return true;
  });
});

// The reference the kit was written from: the package's own in-memory store must pass it too.
const built = existsSync(new URL('../../../pkg/dist/node/billsync.js', import.meta.url));
test("the package's memory store passes the same kit", { skip: !built && 'pkg/dist is not built (make build)' }, async () => {
  const { createMemoryStore } = createRequire(import.meta.url)('../../../pkg/index.cjs');
  assert.strictEqual(typeof createMemoryStore, 'function', 'the package exports createMemoryStore');
  const { passed } = await runStoreConformance((initial) => createMemoryStore(initial));
  assert.ok(passed.length >= 30);
});
