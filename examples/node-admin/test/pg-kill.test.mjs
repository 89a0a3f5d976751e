// kill -9 of a worker in the middle of a large month's reconciliation: `server.mjs --workers 2` on a
// throwaway PostgreSQL; the reconciliation runs as a job; the worker running it is killed with SIGKILL
// while it runs. Its supervisor releases the job at once (it is failed and retried with its backoff) and
// forks a new worker; the retried job completes elsewhere. The ledger then equals, row for row, that of a
// run without the kill (on SQLite, in one process), and the backend still stops gracefully on SIGTERM.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startCluster } from '../support/pg-cluster.mjs';
import { BULK_SETTINGS_UUID, bulkHostData, startBulkArrow } from '../support/bulk-arrow.mjs';
import { jsonLines, spawnBackend } from '../support/spawn-backend.mjs';
import { openPgStore } from '../pg-store.mjs';
import { openSqliteStore } from '../sqlite-store.mjs';
import { startServer } from '../server.mjs';

const LICENCES = 300;
const MONTH = { year: 2025, month: 6 };
const BODY = { ...MONTH, settings_uuid: BULK_SETTINGS_UUID };

let cluster;
let arrow;
const dir = mkdtempSync(join(tmpdir(), 'billsync-kill-'));
before(async () => {
  cluster = await startCluster();
  // Three pages, each answered after 700 ms: the reconciliation runs for seconds, long enough to be killed.
  arrow = await startBulkArrow({ licences: LICENCES, perPage: 100, pageDelayMs: 700 });
});
after(async () => {
  await arrow?.close();
  cluster?.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** The ledger without its clocks: records, items and ledger rows of the bulk settings, as plain data. */
function ledgerOf(snapshot) {
  // Instants are the runs' own (the rows' and, inside an item's trace, the plan's): left out at every depth.
  const strip = (value) => (Array.isArray(value) ? value.map(strip) : value && typeof value === 'object'
    ? Object.fromEntries(Object.entries(value).filter(([k]) => !/(^created$|^modified$|_at$)/.test(k)).map(([k, v]) => [k, strip(v)]))
    : value);
  const customers = new Set(bulkHostData({ licences: 0 }).customers.map((c) => c.uuid));
  const records = (snapshot.consumption_records ?? []).filter((r) => r.vendor === 'arrow').map(strip);
  const keys = new Set(records.map((r) => `${r.resource_uuid}|${r.billing_period.slice(0, 7)}|${r.source_ref}`));
  return {
    records,
    items: (snapshot.invoice_items ?? []).filter((i) => customers.has(i.customer_uuid)).map(strip),
    sources: (snapshot.ledger_sources ?? []).filter((s) => keys.has(s.source_key)).map(strip),
  };
}

async function poll(what, check, timeoutMs = 60_000) {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await what();
    if (check(value)) return value;
    if (Date.now() > until) throw new Error(`timed out: ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

const t0 = Date.now();
const mark = (what) => process.env.BILLSYNC_TEST_TIMES && console.log(`${((Date.now() - t0) / 1000).toFixed(1)} s: ${what}`);

test('a worker killed mid-reconciliation: the job is retried elsewhere and the ledger equals a run without the kill', { timeout: 150_000 }, async () => {
  // The reference: the same month synced and reconciled in one process on SQLite, with no kill.
  const sqlitePath = join(dir, 'reference.sqlite');
  openSqliteStore(sqlitePath, { initial: bulkHostData({ licences: LICENCES, apiUrl: arrow.url }) }).close();
  const reference = await startServer({ port: 0, dbPath: sqlitePath, arrowUrl: arrow.url, arrowApiKey: arrow.apiKey, log: false });
  let expected;
  try {
    assert.equal((await reference.engine.triggerConsumptionSync(BODY)).synced, LICENCES);
    const reconciled = await reference.engine.triggerReconciliation(BODY);
    assert.ok(reconciled.compensations > 0 || reconciled.reconciled > 0, JSON.stringify(reconciled));
    expected = ledgerOf(reference.store.snapshot());
    mark('reference');
  } finally {
    await reference.close();
  }
  assert.equal(expected.records.length, LICENCES);

  const url = await cluster.createDatabase('kill');
  const seeded = await openPgStore(url, { initial: bulkHostData({ licences: LICENCES, apiUrl: arrow.url }) });
  await seeded.close();
  mark('seeded');
  const backend = await spawnBackend({
    workers: 2,
    env: { BILLSYNC_DATABASE_URL: url, ARROW_API_URL: arrow.url, ARROW_API_KEY: arrow.apiKey, BILLSYNC_JOB_RETRY_DELAY: '1' },
  });
  try {
    assert.ok(backend.token, 'the backend printed the demo token');
    const headers = { authorization: `Token ${backend.token}`, 'content-type': 'application/json' };
    const post = async (path) => {
      const res = await fetch(`${backend.url}/api/admin/arrow/billing-syncs/${path}/`, { method: 'POST', headers, body: JSON.stringify(BODY) });
      assert.equal(res.status, 202);
      return (await res.json()).job;
    };
    // A connection kept alive to the killed worker fails once: asked again, another worker answers.
    const jobState = async (id) => {
      try {
        return await (await fetch(`${backend.url}/api/admin/billsync/jobs/${id}/`, { headers })).json();
      } catch (error) {
        return { state: `unreachable (${error.cause?.code ?? error.message})` };
      }
    };

    mark('backend up');
    const sync = await post('trigger_consumption_sync');
    assert.equal((await poll(() => jobState(sync.id), (j) => j.state === 'completed')).output.counters.synced, LICENCES);

    mark('synced');
    const from = backend.lines.length;
    const job = await post('trigger_reconciliation');
    const started = JSON.parse(await backend.waitFor((l) => l.includes('"msg":"job"') && l.includes(job.id) && l.includes('"started"'), 30_000, from));
    // Well into the job: its export is being read, nothing is committed yet.
    await new Promise((resolve) => setTimeout(resolve, 900));
    assert.equal((await jobState(job.id)).state, 'active');
    process.kill(started.pid, 'SIGKILL');

    const done = await poll(() => jobState(job.id), (j) => j.state === 'completed' || j.state === 'failed', 90_000);
    mark('retried job done');
    assert.equal(done.state, 'completed', JSON.stringify(done));
    assert.ok(done.retry_count >= 1, `the job was retried (retry_count ${done.retry_count})`);
    const logs = jsonLines(backend.lines);
    const died = logs.find((e) => e.msg === 'worker died' && e.pid === started.pid);
    assert.ok(died, 'the supervisor saw the worker die');
    assert.deepEqual(died.released_jobs, [job.id]);
    const runs = logs.filter((e) => e.msg === 'job' && e.job_id === job.id);
    const completed = runs.find((e) => e.state === 'completed');
    assert.ok(completed && completed.pid !== started.pid, 'another worker completed the retried job');
    assert.equal(completed.attempt, 2);

    const store = await openPgStore(url, { max: 1 });
    const actual = ledgerOf(await store.snapshot());
    await store.close();
    assert.deepStrictEqual(actual.records, expected.records);
    assert.deepStrictEqual(actual.items, expected.items);
    assert.deepStrictEqual(actual.sources, expected.sources);
  } finally {
    const { code } = await backend.stop();
    assert.equal(code, 0, `the backend stops cleanly on SIGTERM:\n${backend.lines.slice(-10).join('\n')}`);
  }
});
