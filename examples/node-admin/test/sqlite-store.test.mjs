// The SQLite store against the package's conformance kit, on a real database file per check.
import { test, after } from 'node:test';
import assert from 'node:assert';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import billsync from 'billsync';
import { openSqliteStore } from '../sqlite-store.mjs';

const { runStoreConformance, conformanceChecks, conformanceFixtures } = billsync;

const dir = mkdtempSync(join(tmpdir(), 'billsync-sqlite-'));
after(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
const makeStore = (initial) => openSqliteStore(join(dir, `conformance-${(n += 1)}.sqlite`), { initial });

test('the SQLite store passes the store conformance kit', async () => {
  const { passed } = await runStoreConformance(makeStore);
  assert.deepStrictEqual(passed, conformanceChecks());
});

test('a refused commit leaves the database file as it was, across a reopen', async () => {
  const path = join(dir, 'reopen.sqlite');
  const fixtures = conformanceFixtures();
  const store = openSqliteStore(path, { initial: fixtures.initial });
  await store.commit(fixtures.steps[0].changeset);
  const before = store.snapshot();
  await assert.rejects(store.commit(fixtures.stale.changeset), (e) => e.code === 'conflict');
  store.close();
  const reopened = openSqliteStore(path);
  assert.deepStrictEqual(reopened.snapshot(), before);
  reopened.close();
});

test('scan uses the expression indexes for the fields the engine filters by', () => {
  const store = openSqliteStore(':memory:');
  // With rows and statistics (a store in use), the planner prefers the index to the primary key.
  const rows = Array.from({ length: 3000 }, (_, i) => ({ uuid: `r${String(i).padStart(6, '0')}`, billing_period: `2025-${String(1 + (i % 12)).padStart(2, '0')}` }));
  store.seed({ consumption_records: rows, invoice_items: rows.map((r) => ({ ...r, uuid: `i${r.uuid}` })) });
  store.db.exec('ANALYZE');
  const plan = store.db
    .prepare("EXPLAIN QUERY PLAN SELECT id, version, data FROM rows WHERE tbl = ? AND id > ? AND (json_extract(data, '$.billing_period') = ? AND json_type(data, '$.billing_period') = 'text') ORDER BY id LIMIT ?")
    .all('consumption_records', '', '2025-01', 10)
    .map((r) => r.detail)
    .join('\n');
  assert.match(plan, /rows_billing_period/);
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
  const name = conformanceChecks().find((c) => c.startsWith('scan: keyset pages'));
  await assert.rejects(runStoreConformance(broken, { only: (c) => c === name }), (e) => {
    assert.strictEqual(e.name, 'AssertionError');
    assert.ok(e.message.startsWith(`store conformance check "${name}"`), e.message);
    assert.strictEqual(e.check, name);
    return true;
  });
});
