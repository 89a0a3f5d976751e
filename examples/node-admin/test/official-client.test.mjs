// The official Waldur client (Python, waldur-api-client 8.1.3) against this backend over loopback: every one
// of the 51 admin Arrow operations and the 11 HEAD counts, each response parsed by the client's models
// (test/official_client.py), against the backend as a platform replacing Waldur deploys it: on PostgreSQL (a
// throwaway cluster) with its triggers queued, so that they answer 202 naming their job (what 8.1.3 expects),
// and the script waits for each job. Then, on SQLite with the triggers run in the request, the four triggers
// answer 200 with their counters, which 8.1.3 reports as UnexpectedStatus(200) (test/official_client_triggers_200.py).
// `make test-official-client` makes the virtual environment (target/official-client-venv, reused when it is
// there) and runs this file with OFFICIAL_CLIENT_PYTHON set; without a venv it is skipped.
import { test, before, after } from 'node:test';
import assert from 'node:assert';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer } from '../server.mjs';
import { startCluster } from '../support/pg-cluster.mjs';
import { ARROW_API_KEY, LICENSES, demoHostData } from '../demo-data.mjs';

const TOKEN = 'official-client-token';
const HERE = fileURLToPath(new URL('.', import.meta.url));
const PYTHON = process.env.OFFICIAL_CLIENT_PYTHON ?? join(HERE, '..', '..', '..', 'target', 'official-client-venv', 'bin', 'python');
const NOT_BUILT = !existsSync(new URL('../../../pkg/dist/node/billsync.js', import.meta.url)) && 'pkg/dist is not built (make build)';
const NO_CLIENT = process.env.OFFICIAL_CLIENT_SKIP
  ? 'run by `make test-official-client`'
  : !existsSync(PYTHON) && `no official client at ${PYTHON} (make test-official-client)`;
// The host's catalog, which the vendor mappings and import_license name.
const OFFERING = '0000000a-0000-4000-8000-000000000001';
const PLAN = '0000000b-0000-4000-8000-000000000001';
const OTHER_PLAN = '0000000b-0000-4000-8000-000000000002';
const UNLICENSED = '0000000c-0000-4000-8000-000000000001';

let app;
let requestApp;
let cluster;
let dir;

/** The host's catalog rows the fixtures name, committed into the app's store. */
async function commitFixtures(store) {
  const host = demoHostData();
  const row = (table, r) => ({ op: 'create', table, id: r.uuid, expect: 0, key: `fixture:${r.uuid}`, row: JSON.stringify(r) });
  await store.commit({
    operation: 'official_client_fixtures',
    as_of: new Date().toISOString(),
    writes: [
      row('offerings', { uuid: OFFERING, name: 'Azure subscriptions', type: 'Marketplace.Basic' }),
      row('plans', { uuid: PLAN, name: 'Pay as you go', offering_uuid: OFFERING }),
      row('plans', { uuid: OTHER_PLAN, name: 'Reserved', offering_uuid: OFFERING }),
      row('resources', { uuid: UNLICENSED, name: 'contoso-new-vm', project_uuid: host.projects[0].uuid, backend_id: '', state: 'OK', attributes: {} }),
    ],
  });
}

before(async () => {
  if (NOT_BUILT || NO_CLIENT) return;
  dir = mkdtempSync(join(tmpdir(), 'billsync-official-'));
  cluster = await startCluster();
  const databaseUrl = await cluster.createDatabase('official_client');
  app = await startServer({ port: 0, databaseUrl, triggers: 'queue', adminToken: TOKEN, log: false });
  await commitFixtures(app.store);
  requestApp = await startServer({ port: 0, dbPath: join(dir, 'billsync.sqlite'), triggers: 'request', adminToken: TOKEN, log: false });
  await commitFixtures(requestApp.store);
});

after(async () => {
  await app?.close();
  await requestApp?.close();
  cluster?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

function fixturesOf(server) {
  const host = demoHostData();
  const now = new Date();
  const last = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1, 1));
  return {
    arrow_url: server.arrowUrl,
    arrow_key: ARROW_API_KEY,
    offering: OFFERING,
    plan: PLAN,
    other_plan: OTHER_PLAN,
    customers: host.customers.map((c) => c.uuid),
    projects: host.projects.map((p) => p.uuid),
    resource: UNLICENSED,
    license: `${LICENSES[0].reference}-UNLINKED`,
    period: { year: last.getUTCFullYear(), month: last.getUTCMonth() + 1 },
  };
}

/** Runs a script of the official client against `server`: its exit code, its output and its last line's JSON. */
async function runClient(script, server) {
  const child = spawn(PYTHON, [join(HERE, script)], {
    env: { ...process.env, BILLSYNC_URL: server.url, BILLSYNC_TOKEN: TOKEN, BILLSYNC_FIXTURES: JSON.stringify(fixturesOf(server)) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (d) => { out += d; });
  child.stderr.on('data', (d) => { err += d; });
  const code = await new Promise((resolve) => child.on('close', resolve));
  const lines = out.trim().split('\n');
  return { code, out, err, summary: JSON.parse(lines.at(-1) || '{}') };
}

test('the official client drives all 51 operations and 11 counts on the queued backend, and parses every response', { skip: NOT_BUILT || NO_CLIENT, timeout: 300_000 }, async () => {
  assert.strictEqual(app.triggers, 'queue');
  const { code, out, err, summary } = await runClient('official_client.py', app);
  assert.strictEqual(code, 0, `${out}\n${err}`);
  assert.strictEqual(summary.modules, 62);
  assert.strictEqual(summary.called, 62);
  assert.deepStrictEqual(summary.failures, []);
  // The four triggers answered 202, each naming a job the script waited for until it completed.
  const jobs = out.split('\n').filter((l) => / completed: /.test(l));
  assert.strictEqual(jobs.length, 5, out);
});

test('in request mode the four triggers answer 200 with counters, which 8.1.3 reports as UnexpectedStatus(200)', { skip: NOT_BUILT || NO_CLIENT, timeout: 120_000 }, async () => {
  assert.strictEqual(requestApp.triggers, 'request');
  const { code, out, err, summary } = await runClient('official_client_triggers_200.py', requestApp);
  assert.strictEqual(code, 0, `${out}\n${err}`);
  assert.deepStrictEqual(summary.failures, []);
  assert.deepStrictEqual(Object.keys(summary.answers).sort(), [
    'admin_arrow_billing_syncs_reconcile',
    'admin_arrow_billing_syncs_trigger_consumption_sync',
    'admin_arrow_billing_syncs_trigger_reconciliation',
    'admin_arrow_billing_syncs_trigger_sync',
  ]);
  for (const answer of Object.values(summary.answers)) {
    assert.strictEqual(answer.status, 200);
    assert.ok(Object.keys(answer.counters).length > 0, JSON.stringify(answer));
  }
});
