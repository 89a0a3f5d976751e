// The schedules on PostgreSQL: one pg-boss cron schedule per settings row and operation, for both vendors;
// a tick queues the open month's sync (or the closed month's reconciliation) as a job, which a worker runs;
// while pause_sync holds a tick queues nothing, and a manual trigger still runs; resume_sync lets the next
// tick queue again. consumption_status shows the queue. In one process (no --workers), on a throwaway cluster.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startCluster } from '../support/pg-cluster.mjs';
import { startServer, DEFAULT_CRON } from '../server.mjs';
import { DEMO_SETTINGS_UUID } from '../demo-data.mjs';
import { SORACOM_SETTINGS_UUID } from '../soracom-demo-data.mjs';
import { CRON_PREFIX, monthOf } from '../queue.mjs';

let cluster;
let app;
const logs = [];
before(async () => {
  cluster = await startCluster();
  const databaseUrl = await cluster.createDatabase('cron');
  app = await startServer({ port: 0, databaseUrl, adminToken: 'cron-test-token', queue: { retryDelay: 1 }, log: (line) => logs.push(line) });
});
after(async () => {
  await app?.close();
  cluster?.stop();
});

const headers = { authorization: 'Token cron-test-token', 'content-type': 'application/json' };
const post = async (path, body) => {
  const res = await fetch(`${app.url}/api/admin/${path}`, { method: 'POST', headers, body: JSON.stringify(body) });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null };
};
const status = async (vendor) => (await (await fetch(`${app.url}/api/admin/${vendor}/billing-syncs/consumption_status/`, { headers })).json());
const cronEvents = () => logs.filter((l) => l.startsWith('{') && l.includes('"msg":"cron"')).map((l) => JSON.parse(l));

async function until(check, timeoutMs = 30_000) {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** Fires a schedule now: the job its cron would send, into its queue. */
const fire = (vendor, kind, settings) => app.queue.boss.send(`${CRON_PREFIX}${vendor}-${kind}-${settings}`, { vendor, kind, settings_uuid: settings });

test('a schedule per settings row and operation, for both vendors, with the configured cron', async () => {
  const arrow = await status('arrow');
  assert.equal(arrow.triggers, 'queue');
  assert.deepEqual(arrow.queue.schedules.map((s) => [s.operation, s.cron, s.settings_uuid]).sort(), [
    ['trigger_consumption_sync', DEFAULT_CRON.sync, DEMO_SETTINGS_UUID],
    ['trigger_reconciliation', DEFAULT_CRON.reconcile, DEMO_SETTINGS_UUID],
  ]);
  const soracom = await status('soracom');
  assert.deepEqual(soracom.queue.schedules.map((s) => s.settings_uuid), [SORACOM_SETTINGS_UUID, SORACOM_SETTINGS_UUID]);
  const health = await (await fetch(`${app.url}/healthz`)).json();
  assert.deepEqual([health.status, health.database, health.queue], ['ok', 'ok', 'ok']);
});

test('a tick queues the month as a job; paused, it queues nothing but a manual trigger runs; resumed, it queues', { timeout: 90_000 }, async () => {
  const open = monthOf(new Date().toISOString());
  const cronJobs = async () => (await status('arrow')).queue.jobs.filter((j) => j.source === 'cron');
  await fire('arrow', 'sync', DEMO_SETTINGS_UUID);
  const [job] = await until(async () => {
    const jobs = await cronJobs();
    return jobs.length && jobs[0].state === 'completed' ? jobs : null;
  });
  assert.equal(job.period, open);
  assert.equal(job.operation, 'trigger_consumption_sync');
  assert.ok(job.output.counters.synced > 0, JSON.stringify(job.output));
  await fire('soracom', 'reconcile', SORACOM_SETTINGS_UUID);
  const previous = monthOf(new Date().toISOString(), 'UTC', -1);
  await until(() => cronEvents().find((e) => e.vendor === 'soracom' && e.state === 'queued' && e.period === previous));

  assert.equal((await post('arrow/billing-syncs/pause_sync/', { settings_uuid: DEMO_SETTINGS_UUID })).status, 200);
  const before = cronEvents().length;
  await fire('arrow', 'sync', DEMO_SETTINGS_UUID);
  const skipped = await until(() => cronEvents().slice(before).find((e) => e.state === 'skipped'));
  assert.equal(skipped.reason, 'paused for these settings');
  assert.equal((await cronJobs()).length, 1, 'a paused schedule queues nothing');
  // A manual trigger still runs while paused.
  const manual = await post('arrow/billing-syncs/trigger_consumption_sync/', { year: 2025, month: 6 });
  assert.equal(manual.status, 202);
  await until(async () => (await (await fetch(manual.body.job.url, { headers })).json()).state === 'completed');

  assert.equal((await post('arrow/billing-syncs/resume_sync/', { settings_uuid: DEMO_SETTINGS_UUID })).status, 200);
  await fire('arrow', 'sync', DEMO_SETTINGS_UUID);
  await until(async () => (await cronJobs()).length === 2);
  // A dry run and a bad body are answered in the request, as without a queue.
  assert.equal((await post('arrow/billing-syncs/trigger_consumption_sync/', { year: 2025, month: 6, dry_run: true })).status, 200);
  const bad = await post('arrow/billing-syncs/trigger_consumption_sync/', { year: 2025, month: 13 });
  assert.equal(bad.status, 400);
  assert.ok(bad.body.month, JSON.stringify(bad.body));
});
