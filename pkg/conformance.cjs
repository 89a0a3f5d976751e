'use strict';
// The store conformance kit: the checks every host Store must pass to be driven by the billsync engine.
//
// A store keeps versioned rows in named tables and knows no row type. Its contract:
// - get(table, id) → { version, row } or null; scan(table, { where, after, limit }) → [{ id, version, row }],
//   in id order, rows after `after`, at most `limit`, matching every `where` entry (JSON equality on a
//   top-level field; an array means any of; null matches null or absent);
// - commit(changeset) applies it all or nothing, by the one rule `resolveCommit` (exported by the package)
//   run inside the store's transaction, and throws its `conflict` error when a row moved since its plan read.
//   A write may be a `check` (no row, no effect): the store fetches what it holds for its row as for any
//   other write, and resolveCommit refuses the changeset when that row moved (the plan's read set).
//
// What is checked against (the changesets, the reports, the tables they leave, the scans' answers) comes from
// the engine itself: `conformanceFixtures()` runs the real planners on a small world and applies their
// changesets with the memory store. Nothing here is a hand copy of how a changeset is applied.
//
//   const { runStoreConformance } = require('billsync');
//   await runStoreConformance(async (initial) => myStoreSeededWith(initial));

const assert = require('node:assert');
const wasm = require('./dist/node/billsync.js');

const copy = (value) => JSON.parse(JSON.stringify(value));
const parsed = (row) => (typeof row === 'string' ? JSON.parse(row) : row);

/** Every row of `table` through keyset pages of `pageSize`, checking the port's promises on the way. */
async function scanAll(store, table, where, pageSize = 3) {
  const rows = [];
  let after = null;
  for (let guard = 0; guard < 100000; guard += 1) {
    const query = where ? { where: copy(where), after, limit: pageSize } : { after, limit: pageSize };
    const page = await store.scan(table, query);
    assert.ok(Array.isArray(page), `scan(${table}) must return an array`);
    assert.ok(page.length <= pageSize, `scan(${table}) returned ${page.length} rows for limit ${pageSize}`);
    for (const r of page) {
      assert.strictEqual(typeof r.id, 'string', `scan(${table}) rows need their id`);
      assert.ok(Number.isSafeInteger(r.version) && r.version >= 1, `scan(${table}) row ${r.id} needs a version >= 1, got ${r.version}`);
      if (after !== null) assert.ok(r.id > after, `scan(${table}) after ${after} returned ${r.id}`);
      if (rows.length) assert.ok(r.id > rows[rows.length - 1].id, `scan(${table}) must be in id order`);
      rows.push({ id: r.id, version: r.version, row: parsed(r.row) });
    }
    if (page.length < pageSize) return rows;
    after = page[page.length - 1].id;
  }
  throw new Error(`scan(${table}) never ended`);
}

/** Every table the fixtures name, as the store holds them. */
async function contents(store, tables) {
  const out = {};
  for (const table of tables) out[table] = await scanAll(store, table);
  return out;
}

function report(value) {
  assert.ok(value && typeof value === 'object', 'commit must return a report');
  const { created, updated, deleted, unchanged } = value;
  return { created, updated, deleted, unchanged };
}

async function refusesAsConflict(commit, what) {
  await assert.rejects(async () => commit(), (e) => {
    assert.strictEqual(e && e.code, 'conflict', `${what}: the store must throw the conflict error (code "conflict"), got ${e && (e.code || e.message)}`);
    return true;
  }, `${what}: the commit must be refused`);
}

/** Exact decimal strings as scaled BigInts (12 places), for sums without floats. */
function decimal(text) {
  const m = /^(-?)(\d+)(?:\.(\d{0,12}))?$/.exec(String(text));
  assert.ok(m, `not a decimal: ${text}`);
  const value = BigInt(m[2] + (m[3] || '').padEnd(12, '0'));
  return m[1] ? -value : value;
}

const CHECKS = [];
const check = (name, fn) => CHECKS.push({ name, fn });

check('get: every seeded row at a version of at least 1; a missing id gives null', async (store, f) => {
  for (const [table, rows] of Object.entries(f.initial)) {
    if (!Array.isArray(rows)) continue;
    for (const row of rows) {
      const got = await store.get(table, row.uuid);
      assert.ok(got, `get(${table}, ${row.uuid}) found nothing`);
      assert.ok(Number.isSafeInteger(got.version) && got.version >= 1, `get(${table}) version ${got.version}`);
      assert.deepStrictEqual(parsed(got.row), row);
    }
  }
  assert.ok((await store.get('consumption_records', '00000000-0000-4000-8000-0000000000ff')) == null);
  assert.ok((await store.get('a_table_nobody_wrote', 'x')) == null, 'an unknown table is empty, not an error');
});

check('scan: keyset pages in id order cover every row once, whatever the page size', async (store, f) => {
  for (const [table, rows] of Object.entries(f.initial)) {
    if (!Array.isArray(rows)) continue;
    const ids = rows.map((r) => r.uuid).sort();
    for (const size of [1, 2, 1000]) {
      assert.deepStrictEqual((await scanAll(store, table, null, size)).map((r) => r.id), ids, `${table} in pages of ${size}`);
    }
  }
});

check("commit: each step's report, and the rows and versions it leaves", async (store, f) => {
  for (const step of f.steps) {
    assert.deepStrictEqual(report(await store.commit(copy(step.changeset))), step.report, step.name);
    assert.deepStrictEqual(await contents(store, Object.keys(step.after)), step.after, step.name);
  }
});

check('commit: committing the same changeset twice is committing it once', async (store, f) => {
  for (const step of f.steps) {
    await store.commit(copy(step.changeset));
    const again = report(await store.commit(copy(step.changeset)));
    assert.deepStrictEqual(again, { created: 0, updated: 0, deleted: 0, unchanged: step.changeset.writes.length }, step.name);
    assert.deepStrictEqual(await contents(store, Object.keys(step.after)), step.after, step.name);
  }
});

check('commit: a changeset planned before another commit is refused with a conflict, changing nothing', async (store, f) => {
  for (const step of f.steps.slice(0, f.stale.after_step + 1)) await store.commit(copy(step.changeset));
  const before = await contents(store, Object.keys(f.final));
  await refusesAsConflict(() => store.commit(copy(f.stale.changeset)), 'a stale consumption sync');
  assert.deepStrictEqual(await contents(store, Object.keys(f.final)), before, 'the store is exactly as before');
});

check("commit: a changeset whose read set moved (a row it only checks) is refused, changing nothing", async (store, f) => {
  for (const step of f.steps.slice(0, f.read_set.after_step + 1)) await store.commit(copy(step.changeset));
  const before = await contents(store, Object.keys(f.final));
  await refusesAsConflict(() => store.commit(copy(f.read_set.changeset)), 'a plan that read a unit before the re-sync wrote it');
  assert.deepStrictEqual(await contents(store, Object.keys(f.final)), before, 'the store is exactly as before (its one write was not applied)');
});

check('atomicity: a changeset whose last write is stale leaves nothing behind', async (store, f) => {
  for (const step of f.steps) await store.commit(copy(step.changeset));
  await refusesAsConflict(() => store.commit(copy(f.stale_last)), 'a rename followed by a stale write');
  assert.deepStrictEqual(await contents(store, Object.keys(f.final)), f.final, 'the earlier write was not applied');
  const last = f.steps[f.steps.length - 1];
  assert.deepStrictEqual(report(await store.commit(copy(last.changeset))).unchanged, last.changeset.writes.length, 'the store still works');
});

check('scan: where entries match by JSON equality, arrays mean any of, null matches absent', async (store, f) => {
  for (const step of f.steps) await store.commit(copy(step.changeset));
  for (const { table, query, ids } of f.scans) {
    const where = query.where || null;
    const got = await scanAll(store, table, where, 1000);
    assert.deepStrictEqual(got.map((r) => r.id).slice(0, query.limit), ids, `scan(${table}, ${JSON.stringify(query)})`);
    const limited = await store.scan(table, copy(query));
    assert.deepStrictEqual(limited.map((r) => r.id), ids, `scan(${table}, ${JSON.stringify(query)}) with its limit`);
  }
});

// Two engines on one store: operation A plans first, operation B plans from the same state and commits
// first, then A commits. A store that checks versions refuses A's commit, and A re-plans.
function deferred() {
  let resolve;
  const promise = new Promise((r) => { resolve = r; });
  return { promise, resolve };
}

const PERIOD = { year: 2025, month: 1 };

function arrowAdapter(sellOf, finalOf) {
  const line = (license, sell) => ['IAAS', `vs-${license}`, 'Contoso', 'XSP661245', sell, sell, `C-${license}`, license, 'ST-1', 'Microsoft', 'Azure plan', '1', '2025-01'];
  return {
    consumption: ({ licenseReference, periodStart }) => JSON.stringify({
      data: {
        headers: ['Report Period', 'Vendor Meter Category', 'Total sell price', 'Total buy price'],
        lines: [[periodStart, 'Virtual Machines', sellOf(licenseReference), sellOf(licenseReference)]],
      },
    }),
    billingExport: () => JSON.stringify({
      data: {
        headers: ['Classification', 'Vendor Subscription ID', 'End User Company Name', 'End User Company ID', 'Customer Total Price', 'Total Wholesale Price', 'Sequence', 'ARS Subscription ID', 'Statement Reference', 'Vendor Name', 'Product Name', 'Qty', 'Report Period'],
        values: ['XSP10000', 'XSP10001', 'XSP10002'].map((l) => line(l, finalOf(l))),
      },
      pagination: { perPage: 1000 },
    }),
    license: () => '{}',
    licenses: () => '{}',
  };
}

async function billedPerRecord(store) {
  const records = await scanAll(store, 'consumption_records', null, 100);
  const items = await scanAll(store, 'invoice_items', null, 100);
  return records.map(({ row }) => {
    const key = `${row.resource_uuid}|${row.billing_period}|${row.source_ref}`;
    const billed = items
      .filter((i) => i.row.source_key === key)
      .reduce((sum, i) => sum + (decimal(i.row.unit_price) * decimal(i.row.quantity)) / 10n ** 12n, 0n);
    return { key, billed, final: row.final_sell == null ? null : decimal(row.final_sell), reconciled: row.reconciled_at != null };
  });
}

for (const [first, second] of [['consumption', 'reconciliation'], ['reconciliation', 'consumption']]) {
  check(`concurrency: ${second} and ${first} plan from one state, ${second} commits first, no update is lost`, async (store) => {
    const { ArrowEngine } = wasm;
    const method = { consumption: 'triggerConsumptionSync', reconciliation: 'triggerReconciliation' };
    const sells = { XSP10000: '100.00', XSP10001: '101.00', XSP10002: '102.00' };
    const finals = { XSP10000: '95.00', XSP10001: '101.50', XSP10002: '99.00' };
    const arrow = arrowAdapter((l) => sells[l], (l) => finals[l]);
    const clock = (at) => ({ now: () => at });
    const run = (engine, which) => engine[method[which]]({ ...PERIOD });
    // The month as it stands: a first consumption sync.
    const setup = new ArrowEngine({ arrow, store, clock: clock('2025-01-20T10:00:00Z') });
    assert.strictEqual((await run(setup, 'consumption')).synced, 3);
    sells.XSP10000 = '110.00';

    const aPlanned = deferred();
    const bDone = deferred();
    let aAttempts = 0;
    let aConflicts = 0;
    const aStore = {
      get: (t, i) => store.get(t, i),
      scan: (t, q) => store.scan(t, q),
      async commit(changeset) {
        aAttempts += 1;
        if (aAttempts === 1) {
          aPlanned.resolve();
          await bDone.promise;
        }
        try {
          return await store.commit(changeset);
        } catch (error) {
          if (error && error.code === 'conflict') aConflicts += 1;
          throw error;
        }
      },
    };
    const bStore = {
      get: (t, i) => store.get(t, i),
      scan: (t, q) => store.scan(t, q),
      async commit(changeset) {
        await aPlanned.promise;
        try {
          return await store.commit(changeset);
        } finally {
          bDone.resolve();
        }
      },
    };
    const a = new ArrowEngine({ arrow, store: aStore, clock: clock('2025-02-03T10:00:00Z') });
    const b = new ArrowEngine({ arrow, store: bStore, clock: clock('2025-02-03T10:00:00Z') });
    const [ra, rb] = await Promise.all([run(a, first), run(b, second)]);
    assert.strictEqual(rb.errors, 0, JSON.stringify(rb));
    assert.strictEqual(ra.errors, 0, JSON.stringify(ra));
    assert.strictEqual(aConflicts, 1, `the ${first}'s first commit must be refused as a conflict, and the engine re-plan`);
    for (const r of await billedPerRecord(store)) {
      assert.ok(r.reconciled, `${r.key} is reconciled`);
      assert.strictEqual(r.billed, r.final, `${r.key}: the invoices bill the final amount exactly (billed ${r.billed}, final ${r.final}, scaled 1e12)`);
    }
  });
}

/**
 * Runs every check, each on a fresh store from `makeStore(initial)`.
 * @param makeStore (initial) => Store | Promise<Store>; `initial` holds one array of rows per table and
 *   `global_sync_enabled`. If the store has a `close()` it is called after each check.
 * @param options.log called with (checkName, "ok") after each passing check
 * @param options.only a predicate on check names, to run a subset
 * @returns {{ passed: string[] }}
 * @throws AssertionError whose message starts with the failed check's name; `error.check` names it too.
 */
async function runStoreConformance(makeStore, { log, only } = {}) {
  if (typeof makeStore !== 'function') throw new TypeError('runStoreConformance(makeStore): makeStore must be a function');
  const fixtures = wasm.conformanceFixtures();
  const passed = [];
  for (const { name, fn } of CHECKS) {
    if (only && !only(name)) continue;
    let store;
    try {
      store = await makeStore(copy(fixtures.initial));
      assert.ok(store && typeof store === 'object', 'makeStore must return a store');
      for (const m of ['get', 'scan', 'commit']) assert.strictEqual(typeof store[m], 'function', `the store has no ${m}()`);
      await fn(store, copy(fixtures));
    } catch (error) {
      const failure = new assert.AssertionError({
        message: `store conformance check "${name}" failed: ${error && error.message}`,
        actual: error && error.actual,
        expected: error && error.expected,
        operator: (error && error.operator) || 'conformance',
      });
      failure.check = name;
      failure.cause = error;
      throw failure;
    } finally {
      if (store && typeof store.close === 'function') await store.close();
    }
    passed.push(name);
    if (log) log(name, 'ok');
  }
  return { passed };
}

module.exports = {
  runStoreConformance,
  conformanceChecks: () => CHECKS.map((c) => c.name),
  conformanceFixture: () => wasm.conformanceFixtures().initial,
};
