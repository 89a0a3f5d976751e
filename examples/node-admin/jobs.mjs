// What the backend does with its job queue (queue.mjs): turns a REST trigger into a job, runs a job on this
// process's engines with one structured JSON log line per run, and turns a cron tick into a job unless the
// settings' sync is paused.
import { JOBS, OPERATIONS, SCHEDULED, SETTINGS_TABLES, monthOf } from './queue.mjs';

const pad = (n) => String(n).padStart(2, '0');
const parse = (held) => (held ? (typeof held.row === 'string' ? JSON.parse(held.row) : held.row) : null);

/** The counters of an engine's answer: its top-level numbers and booleans (lists stay out of the log). */
export function countersOf(result) {
  const out = {};
  if (result && typeof result === 'object') {
    for (const [k, v] of Object.entries(result)) {
      if (typeof v === 'number' || typeof v === 'boolean') out[k] = v;
      else if (Array.isArray(v)) out[k] = v.length;
    }
  }
  return out;
}

/**
 * The job a REST trigger names, or null when it must run in the request: not a trigger, not staff (the
 * engine answers 403), a dry run (its answer is the preview), or a body the engine will refuse (its 400).
 */
export function jobOfTrigger(vendor, operation, body) {
  if (!OPERATIONS[vendor]?.[operation]) return null;
  if (!body || typeof body !== 'object' || Array.isArray(body)) return null;
  if (body.dry_run === true || body.dry_run === 'true') return null;
  const year = Number(body.year);
  const month = Number(body.month);
  if (!Number.isInteger(year) || !Number.isInteger(month) || month < 1 || month > 12 || year < 1900 || year > 9999) return null;
  if (body.settings_uuid != null && typeof body.settings_uuid !== 'string') return null;
  return { vendor, operation, settings_uuid: body.settings_uuid ?? null, period: `${year}-${pad(month)}`, body };
}

/**
 * @param {object} options
 * @param {object} options.queue from openJobQueue
 * @param {object} options.store
 * @param {{arrow: object|null, soracom: object|null}} options.engines
 * @param {string} options.timezone
 * @param {() => string} options.now
 * @param {(line: string) => void} options.log one JSON text per line
 */
export function createJobs({ queue, store, engines, timezone, now, log }) {
  const emit = (event) => log(JSON.stringify({ time: new Date().toISOString(), ...event }));

  /** Runs one job on this process's engine; its output (stored by pg-boss) is its counters. */
  async function run(data, job) {
    const started = process.hrtime.bigint();
    const base = {
      level: 'info',
      msg: 'job',
      job_id: job?.id ?? null,
      vendor: data.vendor,
      operation: data.operation,
      period: data.period,
      settings_uuid: data.settings_uuid,
      source: data.source,
      attempt: (job?.retryCount ?? 0) + 1,
      pid: process.pid,
    };
    const ms = () => Number((process.hrtime.bigint() - started) / 1_000_000n);
    emit({ ...base, state: 'started' });
    try {
      const engine = engines[data.vendor];
      const method = OPERATIONS[data.vendor]?.[data.operation];
      if (!engine || !method) throw Object.assign(new Error(`no ${data.vendor} engine for ${data.operation}`), { code: 'engine_unavailable' });
      const result = await engine[method](data.body);
      const counters = countersOf(result);
      emit({ ...base, state: 'completed', duration_ms: ms(), counters, error_code: null });
      return { counters };
    } catch (error) {
      emit({ ...base, level: 'error', state: 'failed', duration_ms: ms(), counters: null, error_code: error?.code ?? 'error', error: error?.message });
      throw error;
    }
  }

  /** A cron firing: the job of the settings' month, unless the schedule is paused. */
  async function tick({ vendor, kind, settings_uuid: settingsUuid }) {
    const plan = SCHEDULED[kind];
    const base = { level: 'info', msg: 'cron', vendor, operation: plan?.operation, settings_uuid: settingsUuid };
    const settings = parse(await store.get(SETTINGS_TABLES[vendor], settingsUuid));
    const global = parse(await store.get('sync_switches', 'global'));
    const paused = !settings ? 'the settings row is gone' : global?.enabled === false ? 'paused globally' : settings.sync_enabled === false ? 'paused for these settings' : settings.is_active === false ? 'the settings are inactive' : null;
    if (!plan || paused) {
      emit({ ...base, state: 'skipped', reason: paused ?? `unknown schedule ${kind}` });
      return { skipped: paused };
    }
    const period = monthOf(now(), timezone, plan.month === 'open' ? 0 : -1);
    const [year, month] = period.split('-').map(Number);
    const queued = await queue.enqueue({ vendor, operation: plan.operation, settings_uuid: settingsUuid, period, body: { year, month, settings_uuid: settingsUuid } }, { source: 'cron' });
    emit({ ...base, state: 'queued', period, job_id: queued.id, joined: queued.joined });
    return queued;
  }

  /** Queues a trigger: the 202's body names the job that runs it. */
  async function trigger(job, baseUrl) {
    const queued = await queue.enqueue(job);
    return {
      status: 202,
      body: {
        detail: queued.joined ? 'A job with the same key is queued already: it runs this trigger.' : 'Queued: a worker runs it.',
        job: { id: queued.id, queue: JOBS, key: queued.key, state: queued.state, url: `${baseUrl}/api/admin/billsync/jobs/${queued.id}/` },
      },
    };
  }

  /** The settings rows the cron schedules, for both vendors. */
  async function settingsRows() {
    const out = [];
    for (const [vendor, table] of Object.entries(SETTINGS_TABLES)) {
      if (!engines[vendor]) continue;
      for (let after = null; ;) {
        const page = await store.scan(table, { where: {}, after, limit: 500 });
        for (const r of page) out.push({ vendor, uuid: r.id });
        if (page.length < 500) break;
        after = page[page.length - 1].id;
      }
    }
    return out;
  }

  return { run, tick, trigger, settingsRows };
}
