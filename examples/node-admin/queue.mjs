// The backend's job queue on PostgreSQL: pg-boss 10 (the newest line that runs on Node 20; 11 and 12 need
// Node 22). A job is one (vendor, settings, period, operation): its singleton key. Triggers and cron
// schedules send jobs; every worker process works them, one at a time each.
//
// - One job per key queued: the queue's policy is pg-boss's `short` (a second send of a key while one is
//   queued is refused, and the trigger answers with the queued job). One job per key running: the worker
//   holds a PostgreSQL session advisory lock on the key while the job runs. pg-boss 10's own `singleton` and
//   `stately` policies would also do that, but a job whose key is running blocks every worker's fetch of
//   the whole queue until it ends (the fetch's unique violation is swallowed), so they are not used.
// - The lease: a job is active for at most `expireInSeconds`; pg-boss fails it after that and retries it
//   with backoff. A worker process that dies loses its advisory lock with its connection at once, and its
//   supervisor (server.mjs --workers) fails its active jobs at once, so they are retried elsewhere without
//   waiting for the expiry; the expiry covers a machine that dies whole.
// - Retries: `retryLimit` attempts after the first, `retryDelay` seconds doubled each time (pg-boss's
//   retryBackoff).
// - Cron: one pg-boss schedule per settings row and operation (pg-boss 10 keys schedules by queue name, so
//   each has its own small queue `billsync-cron-<vendor>-<operation>-<settings uuid>`), whose tick reads the
//   settings' pause switches and, unless paused, sends the real job for the right month.
import PgBoss from 'pg-boss';
import pg from 'pg';

export const JOBS = 'billsync-jobs';
export const CRON_PREFIX = 'billsync-cron-';

/** The operations a job can run, per vendor, and the engine method that runs each. */
export const OPERATIONS = {
  arrow: {
    trigger_consumption_sync: 'triggerConsumptionSync',
    trigger_reconciliation: 'triggerReconciliation',
    trigger_sync: 'triggerSync',
    reconcile: 'reconcile',
  },
  soracom: {
    trigger_consumption_sync: 'triggerConsumptionSync',
    trigger_reconciliation: 'triggerReconciliation',
  },
};

/** Where each vendor keeps its settings rows. */
export const SETTINGS_TABLES = { arrow: 'settings', soracom: 'soracom_settings' };

/** What the cron runs: the open month's consumption sync daily, the closed month's reconciliation. */
export const SCHEDULED = {
  sync: { operation: 'trigger_consumption_sync', month: 'open' },
  reconcile: { operation: 'trigger_reconciliation', month: 'previous' },
};

/**
 * A job's singleton key: (vendor, settings, period, operation), plus what narrows or changes the run (one
 * resource, a forced re-run), so that a trigger joins only a queued job that does what it asks.
 */
export function jobKey({ vendor, settings_uuid: settings, period, operation, body = {} }) {
  const narrower = [body.resource_uuid ? `resource=${body.resource_uuid}` : null, body.force === true || body.force === 'true' ? 'force' : null].filter(Boolean);
  return [vendor, settings ?? 'active', period, operation, ...narrower].join('/');
}

const pad = (n) => String(n).padStart(2, '0');

/** "YYYY-MM" of an instant in a zone given as "UTC" or a fixed offset ("+02:00"), as the engine reads it. */
export function monthOf(instant, timezone = 'UTC', shift = 0) {
  const match = /^([+-])(\d{2}):?(\d{2})$/.exec(timezone);
  const offset = match ? (match[1] === '-' ? -1 : 1) * (Number(match[2]) * 60 + Number(match[3])) : 0;
  const local = new Date(new Date(instant).getTime() + offset * 60_000);
  const month = new Date(Date.UTC(local.getUTCFullYear(), local.getUTCMonth() + shift, 1));
  return `${month.getUTCFullYear()}-${pad(month.getUTCMonth() + 1)}`;
}

/**
 * Connects to the queue (creating pg-boss's schema and our queues if needed).
 * @param {object} options
 * @param {string} options.databaseUrl
 * @param {boolean} [options.maintenance=true] run pg-boss's maintenance (expiry, archive) and its cron clock
 * @param {number} [options.expireInSeconds=900] the lease of an active job
 * @param {number} [options.retryLimit=3]
 * @param {number} [options.retryDelay=5] seconds before the first retry, doubled after each
 * @param {number} [options.pollingIntervalSeconds=1]
 * @param {(event: object) => void} [options.log] structured events
 */
export async function openJobQueue({
  databaseUrl,
  maintenance = true,
  expireInSeconds = 900,
  retryLimit = 3,
  retryDelay = 5,
  pollingIntervalSeconds = 1,
  maintenanceIntervalSeconds = 30,
  log = () => {},
}) {
  const boss = new PgBoss({
    connectionString: databaseUrl,
    max: 4,
    application_name: 'billsync-queue',
    supervise: maintenance,
    schedule: maintenance,
    maintenanceIntervalSeconds,
  });
  boss.on('error', (error) => log({ level: 'error', msg: 'queue error', error: error.message }));
  await boss.start();
  await boss.createQueue(JOBS, { policy: 'short', retryLimit, retryDelay, retryBackoff: true, expireInSeconds });
  // Session locks of the running jobs' keys, one connection each while the job runs.
  const locks = new pg.Pool({ connectionString: databaseUrl, max: 4, application_name: 'billsync-job-locks' });
  locks.on('error', () => {});
  const workers = [];
  let stopped = false;

  const ENQUEUE_ROUNDS = 20;
  const queue = {
    boss,
    name: JOBS,
    /**
     * Sends a job; a queued job with the same key takes its place. Returns `{ id, key, state, joined }`.
     */
    async enqueue(job, { source = 'trigger' } = {}) {
      const key = jobKey(job);
      const data = { ...job, key, source };
      // Each round either queues the job or finds the queued one it joins. Between the two, the queued job may
      // start (the select finds none) and another trigger may queue the key again (the next send is refused):
      // the next round sees that one. Triggers of one key racing each other end in a few rounds.
      for (let round = 0; round < ENQUEUE_ROUNDS; round += 1) {
        const id = await boss.send(JOBS, data, { singletonKey: key });
        if (id) return { id, key, state: 'created', joined: false };
        const { rows } = await boss.getDb().executeSql(
          `SELECT id, state FROM pgboss.job WHERE name = $1 AND singleton_key = $2 AND state < 'active' ORDER BY created_on LIMIT 1`,
          [JOBS, key],
        );
        if (rows.length) return { id: rows[0].id, key, state: rows[0].state, joined: true };
      }
      throw new Error(`the job ${key} could neither be queued nor found queued in ${ENQUEUE_ROUNDS} rounds`);
    },
    /**
     * Works the jobs: `run(data, job)` resolves to the job's output. `onStart(job)` / `onEnd(job)` are told
     * (the supervisor of worker processes listens to them).
     */
    async work(run, { onStart = () => {}, onEnd = () => {} } = {}) {
      const id = await boss.work(JOBS, { batchSize: 1, pollingIntervalSeconds, includeMetadata: true }, async ([job]) => {
        const client = await locks.connect();
        onStart(job);
        try {
          await client.query('SELECT pg_advisory_lock(hashtextextended($1, 1))', [`billsync-job/${job.data.key}`]);
          try {
            return await run(job.data, job);
          } finally {
            await client.query('SELECT pg_advisory_unlock(hashtextextended($1, 1))', [`billsync-job/${job.data.key}`]);
          }
        } finally {
          client.release();
          onEnd(job);
        }
      });
      workers.push(id);
      return id;
    },
    /** Fails active jobs now (a dead worker's): each is retried with its backoff, or fails for good. */
    async failJobs(ids, reason) {
      if (!ids.length) return;
      await boss.fail(JOBS, ids, { message: reason });
    },
    /** One cron queue per (vendor, operation, settings row); returns their names. */
    async cronQueues(settings) {
      const names = [];
      for (const { vendor, uuid } of settings) {
        for (const kind of Object.keys(SCHEDULED)) {
          const name = `${CRON_PREFIX}${vendor}-${kind}-${uuid}`;
          await boss.createQueue(name, { policy: 'short', retryLimit: 0, expireInSeconds: 60 });
          names.push({ name, vendor, kind, settings_uuid: uuid });
        }
      }
      return names;
    },
    /** Makes pg-boss's schedules exactly these (cron per settings row); drops the ones of removed rows. */
    async schedule(crons, { cron, tz = 'UTC' }) {
      const wanted = new Set();
      for (const c of crons) {
        wanted.add(c.name);
        await boss.schedule(c.name, cron[c.kind], { vendor: c.vendor, kind: c.kind, settings_uuid: c.settings_uuid }, { tz });
      }
      for (const s of await boss.getSchedules()) {
        if (s.name.startsWith(CRON_PREFIX) && !wanted.has(s.name)) await boss.unschedule(s.name);
      }
    },
    /** Works the cron queues: `tick(data)` for each firing. */
    async workCron(crons, tick) {
      for (const c of crons) {
        workers.push(await boss.work(c.name, { batchSize: 1, pollingIntervalSeconds: 5 }, async ([job]) => tick(job.data)));
      }
    },
    /** The queue's state for consumption_status: counts by state, and the newest jobs (of one vendor). */
    async state({ vendor, limit = 10 } = {}) {
      const db = boss.getDb();
      const counts = await db.executeSql(
        `SELECT state, count(*)::int AS n FROM pgboss.job WHERE name = $1 AND ($2::text IS NULL OR data->>'vendor' = $2) GROUP BY state`,
        [JOBS, vendor ?? null],
      );
      const jobs = await db.executeSql(
        `SELECT id, state, singleton_key AS key, data->>'operation' AS operation, data->>'period' AS period,
                data->>'settings_uuid' AS settings_uuid, data->>'source' AS source, retry_count, created_on, started_on,
                completed_on, output
         FROM pgboss.job WHERE name = $1 AND ($2::text IS NULL OR data->>'vendor' = $2)
         ORDER BY created_on DESC LIMIT $3`,
        [JOBS, vendor ?? null, limit],
      );
      const schedules = (await boss.getSchedules())
        .filter((s) => s.name.startsWith(CRON_PREFIX) && (!vendor || s.data?.vendor === vendor))
        .map((s) => ({ name: s.name, cron: s.cron, timezone: s.timezone, operation: SCHEDULED[s.data?.kind]?.operation, settings_uuid: s.data?.settings_uuid }));
      const byState = Object.fromEntries(['created', 'retry', 'active', 'completed', 'failed', 'cancelled'].map((s) => [s, 0]));
      for (const { state, n } of counts.rows) byState[state] = n;
      return { backend: 'pg-boss', queue: JOBS, counts: byState, jobs: jobs.rows, schedules };
    },
    /** A job by id (the tests and the 202's link). */
    async job(id) {
      return boss.getJobById(JOBS, id);
    },
    async health() {
      await boss.getDb().executeSql('SELECT 1 FROM pgboss.version');
      return 'ok';
    },
    /** Stops fetching; waits up to `timeoutMs` for running jobs, then fails what still runs (retried). */
    async stop({ timeoutMs = 20_000 } = {}) {
      if (stopped) return;
      stopped = true;
      await boss.stop({ graceful: true, wait: true, timeout: timeoutMs });
      await locks.end().catch(() => {});
    },
  };
  return queue;
}
