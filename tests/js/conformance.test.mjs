// The memory store the package ships passes the conformance kit it ships, and the kit fails stores that break
// the contract: one that ignores versions, one that is not atomic.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import billsync from '../../pkg/index.mjs';

const failsTheKit = (e) => e.name === 'AssertionError' || e.code === 'ERR_ASSERTION';

test('createMemoryStore passes runStoreConformance', async () => {
  const result = await billsync.runStoreConformance((initial) => billsync.createMemoryStore(initial));
  assert.equal(result.passed.length, billsync.conformanceChecks().length);
  assert.ok(result.passed.length >= 9, `ran ${result.passed.length} checks`);
});

/** A store that applies every write blindly: last writer wins, versions counted but never compared. */
function versionBlind(initial) {
  const tables = new Map();
  const table = (name) => {
    if (!tables.has(name)) tables.set(name, new Map());
    return tables.get(name);
  };
  for (const [name, rows] of Object.entries(initial)) {
    if (Array.isArray(rows)) for (const row of rows) table(name).set(row.uuid, { version: 1, row: JSON.stringify(row) });
  }
  return {
    get: (t, id) => table(t).get(id) ?? null,
    scan(t, { where = {}, after = null, limit }) {
      return [...table(t).entries()]
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .filter(([id]) => after === null || id > after)
        .filter(([, held]) => {
          const row = JSON.parse(held.row);
          return Object.entries(where).every(([f, v]) => (Array.isArray(v) ? v.includes(row[f] ?? null) : (row[f] ?? null) === v));
        })
        .slice(0, limit)
        .map(([id, held]) => ({ id, ...held }));
    },
    commit(changeset) {
      const report = { created: 0, updated: 0, deleted: 0, unchanged: 0 };
      for (const w of changeset.writes) {
        const rows = table(w.table);
        const held = rows.get(w.id);
        if (w.op === 'check') report.unchanged += 1; // a version it never compares
        else if (w.op === 'delete') {
          if (held) { rows.delete(w.id); report.deleted += 1; } else report.unchanged += 1;
        } else if (w.op === 'create' && held) report.unchanged += 1;
        else if (held && held.row === w.row) report.unchanged += 1;
        else {
          rows.set(w.id, { version: (held?.version ?? 0) + 1, row: w.row });
          if (held) report.updated += 1; else report.created += 1;
        }
      }
      return report;
    },
  };
}

test('the kit fails a store that ignores versions', async () => {
  await assert.rejects(billsync.runStoreConformance(versionBlind), (e) => failsTheKit(e) && /conflict|lost|final/.test(e.message));
  // Each concurrency check fails it on its own: the lost update shows in the money.
  for (const name of billsync.conformanceChecks().filter((n) => n.startsWith('concurrency'))) {
    await assert.rejects(billsync.runStoreConformance(versionBlind, { only: (n) => n === name }), failsTheKit, name);
  }
});

test('the kit fails a store that is not atomic', async () => {
  const leaky = (initial) => {
    const inner = billsync.createMemoryStore(initial);
    return {
      get: (t, u) => inner.get(t, u),
      scan: (t, q) => inner.scan(t, q),
      // Applies writes one by one: a conflict on the last one leaves the earlier ones behind.
      commit(changeset) {
        const report = { created: 0, updated: 0, deleted: 0, unchanged: 0 };
        for (const write of changeset.writes) {
          const one = inner.commit({ ...changeset, writes: [write] });
          for (const k of Object.keys(report)) report[k] += one[k];
        }
        return report;
      },
    };
  };
  await assert.rejects(
    billsync.runStoreConformance(leaky, { only: (n) => n.startsWith('atomicity') }),
    (e) => failsTheKit(e) && /earlier write was not applied/.test(e.message),
  );
});
