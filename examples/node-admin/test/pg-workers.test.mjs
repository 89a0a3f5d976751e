// 4 workers on one PostgreSQL (`server.mjs --workers 4`, a throwaway cluster) receive the same consumption
// syncs and reconciliations concurrently over HTTP, for Arrow and Soracom and three months each: first run
// in the requests (the 4 processes' commits collide and are re-planned), then as jobs on the queue. In both,
// no answer is a 500, the conservation law holds for every customer, source and month (the invoice items of
// a record bill exactly its final, or before it its consumption; each ledger row holds its items' sum), and
// the money equals that of the same operations run one after the other in one process on SQLite: the same
// records with the same finals, the same sum billed for every source to the same customer, every item of the
// sequential run present, no row lost, none doubled (see `assertSameMoney` for what the order may change).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { get } from 'node:http';
import { startCluster } from '../support/pg-cluster.mjs';
import { jsonLines, spawnBackend } from '../support/spawn-backend.mjs';
import { Dec } from '../support/decimal.mjs';
import { openPgStore } from '../pg-store.mjs';
import { startServer } from '../server.mjs';

const dir = mkdtempSync(join(tmpdir(), 'billsync-workers-'));
let cluster;
before(async () => {
  cluster = await startCluster();
});
after(() => {
  cluster?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const today = new Date();
const monthsBack = (n) => {
  const d = new Date(Date.UTC(today.getUTCFullYear(), today.getUTCMonth() - n, 1));
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1 };
};
// Arrow's closed months (its statements are Fulfilled), and Soracom's last three (closed, closing, open).
const MONTHS = {
  arrow: [4, 5, 6].map((month) => ({ year: 2025, month })),
  soracom: [2, 1, 0].map(monthsBack),
};
const OPERATIONS = ['trigger_consumption_sync', 'trigger_reconciliation'];

/** The same triggers many times over, all at once: 3 syncs and 2 reconciliations of each vendor's months. */
function storm() {
  const calls = [];
  for (const [vendor, months] of Object.entries(MONTHS)) {
    for (const body of months) {
      for (let i = 0; i < 3; i += 1) calls.push({ vendor, operation: 'trigger_consumption_sync', body });
      for (let i = 0; i < 2; i += 1) calls.push({ vendor, operation: 'trigger_reconciliation', body });
    }
  }
  return calls;
}

/** Every sync, then every reconciliation, once each: what converges any earlier interleaving. */
function finalPass() {
  const calls = [];
  for (const operation of OPERATIONS) {
    for (const [vendor, months] of Object.entries(MONTHS)) for (const body of months) calls.push({ vendor, operation, body });
  }
  return calls;
}

const strip = (row) => Object.fromEntries(Object.entries(row).filter(([k]) => !/(^created$|^modified$|_at$|^raw_data$)/.test(k)));
const byUuid = (a, b) => (a.uuid < b.uuid ? -1 : a.uuid > b.uuid ? 1 : 0);
const ledgerOf = (snapshot) => ({
  records: (snapshot.consumption_records ?? []).map(strip).sort(byUuid),
  items: (snapshot.invoice_items ?? []).map(strip).sort(byUuid),
  sources: (snapshot.ledger_sources ?? []).map(strip).sort(byUuid),
});

/** The conservation law, per customer, source and month. */
function assertConserved(snapshot) {
  const items = snapshot.invoice_items ?? [];
  const billedBy = new Map();
  for (const item of items) {
    const sum = billedBy.get(item.source_key) ?? Dec.ZERO;
    billedBy.set(item.source_key, sum.add(Dec.parse(item.unit_price).mul(Dec.parse(item.quantity))));
  }
  const keys = new Set();
  for (const record of snapshot.consumption_records ?? []) {
    const key = `${record.resource_uuid}|${record.billing_period}|${record.source_ref}`;
    assert.ok(!keys.has(key), `one record per resource, month and source: ${key} twice`);
    keys.add(key);
    const expected = record.reconciled_at ? record.final_sell : record.consumed_sell;
    const billed = billedBy.get(key) ?? Dec.ZERO;
    assert.ok(billed.eq(Dec.parse(expected)), `${record.vendor} ${key}: billed ${billed}, ${record.reconciled_at ? 'final' : 'consumed'} ${expected}`);
    const customers = new Set(items.filter((i) => i.source_key === key).map((i) => i.customer_uuid));
    assert.ok(customers.size <= 1, `${key} is billed to one customer`);
  }
  for (const source of snapshot.ledger_sources ?? []) {
    assert.ok(Dec.parse(source.billed).eq(billedBy.get(source.source_key) ?? Dec.ZERO), `ledger row ${source.source_key} holds its items' sum`);
  }
  return keys.size;
}

/**
 * The storm's ledger against the sequential one. Which operation ran first may change how a source reached
 * its sum, never the sum: a reconciliation of a closed month that runs before that month's last sync
 * finalises the record from the provisional an earlier sync left (the demo history's), and bills the
 * difference as a compensation, where the sequential run's sync first moved the provisional to the month's
 * figure and the reconciliation found nothing to bill. The rule of money says so: the provisional follows the
 * consumption only until the record is reconciled once. So the records' consumed figures and compensation
 * item may differ, and the storm may hold one more item per source, a compensation; everything else is equal.
 */
function assertSameMoney(snapshot, expected) {
  const got = ledgerOf(snapshot);
  const path = new Set(['consumed_sell', 'consumed_buy', 'compensation_item_uuid']);
  const money = (record) => Object.fromEntries(Object.entries(record).filter(([k]) => !path.has(k)));
  assert.deepStrictEqual(got.records.map(money), expected.records.map(money), 'the same records, finals and reconciliations');
  const sums = (sources) => sources.map(({ items, ...row }) => row);
  assert.deepStrictEqual(sums(got.sources), sums(expected.sources), 'every source billed the same sum, in its currency');
  const items = new Map(got.items.map((item) => [item.uuid, item]));
  const added = new Map();
  for (const item of expected.items) {
    const mine = items.get(item.uuid);
    assert.ok(mine, `the item ${item.uuid} (${item.name}) of the sequential run is there`);
    assert.equal(mine.customer_uuid, item.customer_uuid, `${item.uuid} bills the same customer`);
    assert.equal(mine.source_key, item.source_key, `${item.uuid} bills the same source`);
    items.delete(item.uuid);
  }
  for (const item of items.values()) {
    assert.match(item.kind, /compensation$/, `an item only the storm made is a compensation: ${item.name}`);
    assert.ok(!added.has(item.source_key), `at most one compensation more per source: ${item.source_key}`);
    added.set(item.source_key, item);
  }
  for (const record of got.records) {
    if (record.compensation_item_uuid) assert.ok(got.items.some((i) => i.uuid === record.compensation_item_uuid), `${record.uuid}'s compensation is an item`);
  }
}

let reference;
async function referenceLedger() {
  if (reference) return reference;
  const app = await startServer({ port: 0, dbPath: join(dir, 'reference.sqlite'), demoHistory: true, log: false });
  try {
    for (const { vendor, operation, body } of finalPass()) {
      const engine = vendor === 'arrow' ? app.engine : app.soracomEngine;
      await (operation === 'trigger_consumption_sync' ? engine.triggerConsumptionSync(body) : engine.triggerReconciliation(body));
    }
    const snapshot = app.store.snapshot();
    assert.ok(assertConserved(snapshot) > 10);
    reference = ledgerOf(snapshot);
    return reference;
  } finally {
    await app.close();
  }
}

async function send(backend, { vendor, operation, body }) {
  const res = await fetch(`${backend.url}/api/admin/${vendor}/billing-syncs/${operation}/`, {
    method: 'POST',
    headers: { authorization: `Token ${backend.token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null, vendor, operation };
}

async function queueState(backend) {
  const res = await fetch(`${backend.url}/api/admin/arrow/billing-syncs/consumption_status/`, { headers: { authorization: `Token ${backend.token}` } });
  const all = await fetch(`${backend.url}/api/admin/soracom/billing-syncs/consumption_status/`, { headers: { authorization: `Token ${backend.token}` } });
  const [a, s] = [(await res.json()).queue, (await all.json()).queue];
  const busy = (q) => q.counts.created + q.counts.retry + q.counts.active;
  return { busy: busy(a) + busy(s), failed: a.counts.failed + s.counts.failed, arrow: a, soracom: s };
}

async function idle(backend, timeoutMs = 90_000) {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const state = await queueState(backend);
    if (state.busy === 0) return state;
    if (Date.now() > until) throw new Error(`the queue is still busy: ${JSON.stringify(state.arrow.counts)} ${JSON.stringify(state.soracom.counts)}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

function healthOnNewConnection(base) {
  return new Promise((resolve, reject) => {
    get(`${base}/healthz`, { agent: false }, (res) => {
      let text = '';
      res.setEncoding('utf8').on('data', (d) => { text += d; }).on('end', () => resolve(JSON.parse(text)));
    }).on('error', reject);
  });
}

async function ledgerIn(url) {
  const store = await openPgStore(url, { max: 1 });
  try {
    return await store.snapshot();
  } finally {
    await store.close();
  }
}

test('4 workers, the triggers run in the requests: commits collide, none is lost, the money is the sequential run\'s', { timeout: 120_000 }, async () => {
  const expected = await referenceLedger();
  const url = await cluster.createDatabase('requests');
  const backend = await spawnBackend({ workers: 4, env: { BILLSYNC_DATABASE_URL: url, BILLSYNC_TRIGGERS: 'request' } });
  try {
    const health = await (await fetch(`${backend.url}/healthz`)).json();
    assert.equal(health.database, 'ok');
    assert.equal(health.queue, 'ok');
    // Storms until the processes' commits collided (re-planned, or gave up with a 409): at least 2, at most 6.
    const answers = [];
    const collisions = () => backend.lines.filter((l) => l.includes('conflict, re-planning')).length + answers.filter((a) => a.status === 409).length;
    for (let round = 0; round < 6 && (round < 2 || collisions() === 0); round += 1) {
      answers.push(...(await Promise.all(storm().map((call) => send(backend, call)))));
    }
    for (const a of answers) assert.ok([200, 202, 409].includes(a.status), `${a.vendor} ${a.operation}: ${a.status} ${JSON.stringify(a.body)}`);
    assert.ok(answers.filter((a) => a.status < 300).length >= answers.length * 0.8, 'most triggers ran');
    // The answers came from several processes: the load was spread.
    // (Each on a new connection: the cluster hands out connections, and fetch keeps one alive.)
    const pids = new Set();
    for (let i = 0; i < 12; i += 1) pids.add((await healthOnNewConnection(backend.url)).pid);
    assert.ok(pids.size >= 2, `requests reached ${pids.size} worker process(es)`);
    // The race is real: the processes' commits collided and were re-planned (or gave up with a 409).
    if (process.env.BILLSYNC_TEST_TIMES) console.log(`collisions ${collisions()} in ${answers.length} triggers`);
    assert.ok(collisions() > 0, 'the workers never collided; the test proves nothing');
    for (const call of finalPass()) assert.ok([200, 202].includes((await send(backend, call)).status));
    const snapshot = await ledgerIn(url);
    assertConserved(snapshot);
    assertSameMoney(snapshot, expected);
  } finally {
    assert.equal((await backend.stop()).code, 0);
  }
});

test('4 workers, the triggers queued: 202 names the job, the jobs run on every worker, the money is the sequential run\'s', { timeout: 120_000 }, async () => {
  const expected = await referenceLedger();
  const url = await cluster.createDatabase('queued');
  const backend = await spawnBackend({ workers: 4, env: { BILLSYNC_DATABASE_URL: url, BILLSYNC_JOB_RETRY_DELAY: '1' } });
  try {
    const answers = await Promise.all(storm().map((call) => send(backend, call)));
    for (const a of answers) {
      assert.equal(a.status, 202, JSON.stringify(a.body));
      assert.match(a.body.job.id, /^[0-9a-f-]{36}$/);
      assert.equal(a.body.job.key, `${a.vendor}/active/${a.body.job.key.split('/')[2]}/${a.operation}`);
    }
    // One queued job per key: the same trigger while its job waits joins it.
    const keys = new Set(answers.map((a) => a.body.job.key));
    assert.equal(keys.size, 12);
    assert.ok(new Set(answers.map((a) => a.body.job.id)).size < answers.length, 'some triggers joined a queued job');
    await idle(backend);
    for (const call of finalPass()) {
      const answer = await send(backend, call);
      assert.equal(answer.status, 202);
      await idle(backend);
    }
    const state = await idle(backend);
    assert.equal(state.failed, 0, 'no job failed for good');
    const runs = jsonLines(backend.lines).filter((e) => e.msg === 'job' && e.state === 'completed');
    assert.ok(new Set(runs.map((e) => e.pid)).size >= 2, 'the jobs ran on several workers');
    for (const run of runs) {
      for (const field of ['job_id', 'vendor', 'operation', 'period', 'duration_ms', 'counters']) assert.ok(field in run, `a job's log has ${field}`);
    }
    const snapshot = await ledgerIn(url);
    assertConserved(snapshot);
    assertSameMoney(snapshot, expected);
  } finally {
    assert.equal((await backend.stop()).code, 0);
  }
});
