// The PostgreSQL store against the package's conformance kit, on a throwaway cluster (support/pg-cluster.mjs:
// initdb into a temporary folder, a unix socket only, stopped at the end even when a check fails).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import billsync from 'billsync';
import pg from 'pg';
import { startCluster } from '../support/pg-cluster.mjs';
import { openPgStore, MIGRATIONS } from '../pg-store.mjs';

const { runStoreConformance, conformanceChecks, conformanceFixtures } = billsync;

let cluster;
before(async () => {
  cluster = await startCluster();
});
after(() => cluster?.stop());

let n = 0;
const freshDatabase = () => cluster.createDatabase(`conformance_${(n += 1)}`);

test('the PostgreSQL store passes the store conformance kit', async () => {
  const { passed } = await runStoreConformance(async (initial) => openPgStore(await freshDatabase(), { initial }));
  assert.deepStrictEqual(passed, conformanceChecks());
});

test('migrations are versioned, applied once at open, and concurrent opens apply them once', async () => {
  const url = await freshDatabase();
  const stores = await Promise.all([1, 2, 3].map(() => openPgStore(url)));
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const { rows } = await client.query('SELECT version, name FROM billsync_migrations ORDER BY version');
  await client.end();
  assert.deepStrictEqual(rows, MIGRATIONS.map(({ version, name }) => ({ version, name })));
  for (const store of stores) await store.close();
});

test('a refused commit leaves the database as it was, across a reopen', async () => {
  const url = await freshDatabase();
  const fixtures = conformanceFixtures();
  const store = await openPgStore(url, { initial: fixtures.initial });
  await store.commit(fixtures.steps[0].changeset);
  const before = await store.snapshot();
  await assert.rejects(store.commit(fixtures.stale.changeset), (e) => e.code === 'conflict');
  await store.close();
  const reopened = await openPgStore(url);
  assert.deepStrictEqual(await reopened.snapshot(), before);
  await reopened.close();
});

test('concurrent commits of the same changeset: one applies it, the others find it applied; none is lost', async () => {
  const url = await freshDatabase();
  const fixtures = conformanceFixtures();
  const stores = await Promise.all([1, 2, 3, 4].map(() => openPgStore(url, { max: 2 })));
  await stores[0].seed(fixtures.initial);
  for (const step of fixtures.steps) {
    const reports = await Promise.all(stores.map((s) => s.commit(structuredClone(step.changeset))));
    // Exactly what one commit would do happened once: the others changed nothing.
    const unchanged = reports.filter((r) => r.unchanged === step.changeset.writes.length).length;
    assert.ok(unchanged >= stores.length - 1, `${step.name}: ${JSON.stringify(reports)}`);
  }
  const snapshot = await stores[0].snapshot();
  const reference = billsync.createMemoryStore(fixtures.initial);
  for (const step of fixtures.steps) await reference.commit(structuredClone(step.changeset));
  for (const [table, rows] of Object.entries(reference.snapshot())) {
    if (Array.isArray(rows)) assert.deepStrictEqual(snapshot[table] ?? [], rows, table);
  }
  for (const store of stores) await store.close();
});

test('scans filter by jsonb type as the other stores do, and use the expression indexes', async () => {
  const store = await openPgStore(await freshDatabase());
  await store.seed({ things: [{ uuid: 'a', k: '1' }, { uuid: 'b', k: 1 }, { uuid: 'c', k: null }, { uuid: 'd' }, { uuid: 'e', k: true }] });
  const ids = async (where) => (await store.scan('things', { where, limit: 10 })).map((r) => r.id);
  assert.deepStrictEqual(await ids({ k: '1' }), ['a']);
  assert.deepStrictEqual(await ids({ k: 1 }), ['b']);
  assert.deepStrictEqual(await ids({ k: null }), ['c', 'd']);
  assert.deepStrictEqual(await ids({ k: ['1', true] }), ['a', 'e']);
  assert.deepStrictEqual(await ids({ k: [] }), []);
  await store.seed({ consumption_records: Array.from({ length: 3000 }, (_, i) => ({ uuid: `r${String(i).padStart(6, '0')}`, billing_period: `2025-${String(1 + (i % 12)).padStart(2, '0')}` })) });
  await store.pool.query('ANALYZE rows');
  const { rows } = await store.pool.query(`EXPLAIN SELECT id FROM rows WHERE tbl = 'consumption_records' AND id > '' AND doc -> 'billing_period' = '"2025-01"'::jsonb ORDER BY id LIMIT 10`);
  assert.match(rows.map((r) => r['QUERY PLAN']).join('\n'), /rows_billing_period/);
  await store.close();
});
