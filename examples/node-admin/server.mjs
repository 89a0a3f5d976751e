// The billsync admin backend: the ArrowEngine and the SoracomEngine (wasm) behind real HTTP, on embedded
// SQLite or on PostgreSQL, talking to Arrow's and Soracom's APIs over real HTTP (the loopback simulators
// unless ARROW_API_URL / SORACOM_API_URL are set).
//
//   node examples/node-admin/server.mjs                 (or `make run`): one process, SQLite
//   BILLSYNC_DATABASE_URL=postgres://… node examples/node-admin/server.mjs --workers 4
//                                                       4 worker processes on one PostgreSQL and its job queue
//
// Environment: PORT (8080), BILLSYNC_DB (examples/node-admin/data/billsync.sqlite), BILLSYNC_DATABASE_URL
// (PostgreSQL; SQLite when unset), BILLSYNC_TRIGGERS ("queue" on PostgreSQL, "request" on SQLite),
// BILLSYNC_SYNC_CRON, BILLSYNC_RECONCILE_CRON, BILLSYNC_CRON_TZ, ADMIN_TOKEN (registered, hashed, as a token
// of the demo staff user), ARROW_API_URL and ARROW_API_KEY (a real Arrow; default: the simulator),
// SORACOM_API_URL, SORACOM_API_KEY and SORACOM_TOKEN (a real Soracom; default: the simulator),
// BILLSYNC_TIMEZONE ("UTC"), BILLSYNC_NOW (an RFC 3339 instant: "today" for the demo, the clock running on from
// it; default: the system clock). Every listener binds 127.0.0.1 only. README.md has the table.
import { createServer } from 'node:http';
import { existsSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { startArrowSimulator } from './arrow-simulator.mjs';
import { createArrowClient, ArrowApiError } from './arrow-client.mjs';
import { createArrowHost } from './arrow-host.mjs';
import { ARROW_API_KEY, DEMO_SETTINGS_UUID, demoHostData } from './demo-data.mjs';
import { startSoracomSimulator } from './soracom-simulator.mjs';
import { createSoracomClient, SoracomApiError } from './soracom-client.mjs';
import { SORACOM_API_KEY, SORACOM_TOKEN, SORACOM_SETTINGS_UUID, soracomDemoHostData } from './soracom-demo-data.mjs';
import { DEFAULT_DB, describeDatabase, openStore } from './open-store.mjs';
import { authenticate, ensureDemoUser } from './auth.mjs';
import { openJobQueue } from './queue.mjs';
import { createJobs, jobOfTrigger } from './jobs.mjs';
import { HttpError, decodePath, readBody, sendJson, serveFile } from './http-util.mjs';
import { FOCUS_EXPORT_PATH, serveFocusExport } from './focus-export.mjs';

const HERE = dirname(fileURLToPath(import.meta.url));
const REPO = normalize(join(HERE, '..', '..'));
export { DEFAULT_DB };
const API_PREFIX = '/api/admin/arrow/';
const SORACOM_PREFIX = '/api/admin/soracom/';
const BILLSYNC_PREFIX = '/api/admin/billsync/';
const TRIGGER = /^\/api\/admin\/(arrow|soracom)\/billing-syncs\/([a-z_]+)\/?$/;
const STATUS = /^\/api\/admin\/(arrow|soracom)\/billing-syncs\/consumption_status\/?$/;
const JOB_PATH = /^\/api\/admin\/billsync\/jobs\/([0-9a-f-]{36})\/?$/;
/** The cron of scheduled runs: the open month's sync daily at 02:00; the previous month's reconciliation at
 * 06:00 on days 1 to 10 (until the vendor closes the month the engine changes nothing; after, a run finds
 * nothing left to bill). */
export const DEFAULT_CRON = { sync: '0 2 * * *', reconcile: '0 6 1-10 * *' };

/** The package: through the "billsync" dependency (file:../../pkg), or straight from pkg/ without npm ci. */
async function loadBillsync() {
  // Checked first: importing the facade without its wasm build fails in a way Node also reports as an
  // unhandled rejection, which would take the whole server down.
  if (!existsSync(join(REPO, 'pkg', 'dist', 'node', 'billsync.js'))) throw new Error('pkg/dist is not built');
  let mod;
  try {
    mod = await import('billsync');
  } catch (error) {
    if (error?.code !== 'ERR_MODULE_NOT_FOUND' || !/'billsync'/.test(error.message)) throw error;
    mod = await import(pathToFileURL(join(REPO, 'pkg', 'index.mjs')).href);
  }
  return mod.default ?? mod;
}

const PLACEHOLDER = (url) => `<!doctype html><meta charset="utf-8"><title>billsync admin</title>
<h1>billsync admin backend</h1>
<p>The browser preview (www/) is not in this checkout yet. The API is live:</p>
<ul>
<li><a href="${url}/api/admin/arrow/consumption-records/">${url}/api/admin/arrow/consumption-records/</a></li>
<li><a href="${url}/api/admin/arrow/billing-syncs/">${url}/api/admin/arrow/billing-syncs/</a></li>
<li><a href="${url}/api/admin/soracom/">${url}/api/admin/soracom/</a> (when the package has the SoracomEngine)</li>
<li><a href="${url}/healthz">${url}/healthz</a></li>
</ul><p>Send <code>Authorization: Token &lt;ADMIN_TOKEN&gt;</code>.</p>`;

const portTaken = (port) => Object.assign(new Error(`port ${port} on 127.0.0.1 is taken: set PORT to a free port (e.g. PORT=8081), or PORT=0 for any free one`), { code: 'EADDRINUSE' });

export function portIsFree(port) {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', (error) => reject(error.code === 'EADDRINUSE' ? portTaken(port) : error));
    probe.listen(port, '127.0.0.1', () => probe.close(resolve));
  });
}

/**
 * Starts the backend.
 * @param {object} [options]
 * @param {number} [options.port=8080] 0 picks a free port
 * @param {string} [options.dbPath] SQLite file (":memory:" works too)
 * @param {string} [options.arrowUrl] a real Arrow API root; without it the simulator is started
 * @param {string} [options.arrowApiKey]
 * @param {string} [options.soracomUrl] a real Soracom API root (e.g. https://api.soracom.io/v1); without it the
 *   Soracom simulator is started
 * @param {string} [options.soracomApiKey] sent as X-Soracom-API-Key
 * @param {string} [options.soracomToken] sent as X-Soracom-Token
 * @param {object} [options.soracomSimulator] options for the Soracom simulator (e.g. lateCloseDays, failExport)
 * @param {boolean} [options.demoHistory=false] with the Soracom simulator, sync the newest month Soracom has closed
 *   (last month, or the month before during the first days of a month) as it stood on its 20th, unless it has
 *   records already, so that reconciling it shows compensations on any day (what `make run` does)
 * @param {string} [options.databaseUrl] PostgreSQL (postgres://…); without it, SQLite at dbPath
 * @param {boolean} [options.seed=true] seed the demo data and the demo user on a first start (worker processes
 *   of `--workers` leave that to their supervisor)
 * @param {string} [options.adminToken] registered (hashed) as a token of the demo staff user
 * @param {object|false} [options.queue] on PostgreSQL: the job queue (`{work, maintenance, expireInSeconds,
 *   retryLimit, retryDelay, pollingIntervalSeconds, maintenanceIntervalSeconds, onJobStart, onJobEnd}`);
 *   false for none. Default: work and maintain.
 * @param {"request"|"queue"} [options.triggers] where a REST trigger runs: "queue" (default with a queue) answers
 *   202 naming its job; "request" runs it in the request, as on SQLite
 * @param {{sync: string, reconcile: string}} [options.cron] the schedules' cron expressions
 * @param {string} [options.cronTimezone="UTC"] the IANA zone the cron expressions are read in
 * @param {boolean} [options.listen=true] false: no HTTP server (the supervisor of `--workers`)
 * @param {string} [options.timezone="UTC"]
 * @param {() => string} [options.now] the clock (RFC 3339); default: the system clock
 * @param {(line: string) => void | false} [options.log] default console.log; false for silence
 * @param {object} [options.billsync] the package's exports (default: loaded from pkg/)
 * @returns {Promise<{url: string, arrowUrl: string, soracomUrl: string, store: object, engine: object|null,
 *   soracomEngine: object|null, simulator: object|null, soracomSimulator: object|null, queue: object|null,
 *   jobs: object|null, demoToken: string|null,
 *   demoMonths: {soracomClosed: {year: number, month: number}, current: {year: number, month: number}}|null,
 *   close: () => Promise<void>}>} demoToken: the demo user's token when this start issued it (shown once)
 */
export async function startServer({
  port = 8080,
  dbPath = DEFAULT_DB,
  arrowUrl,
  arrowApiKey,
  soracomUrl,
  soracomApiKey,
  soracomToken,
  soracomSimulator: soracomSimulatorOptions = {},
  demoHistory = false,
  databaseUrl,
  seed = true,
  adminToken,
  queue: queueOptions = {},
  triggers,
  cron = DEFAULT_CRON,
  cronTimezone = 'UTC',
  listen = true,
  timezone = 'UTC',
  now = () => new Date().toISOString(),
  log = (line) => console.log(line),
  billsync,
} = {}) {
  const say = log || (() => {});
  const closers = [];
  const closeAll = async () => {
    for (const close of closers.splice(0).reverse()) {
      try {
        await close();
      } catch (error) {
        say(`shutdown: ${error.message}`);
      }
    }
  };

  try {
    // A taken port is found before anything is seeded or a token issued (and shown to no one).
    if (listen && port !== 0) await portIsFree(port);
    let simulator = null;
    if (!arrowUrl) {
      simulator = await startArrowSimulator({ onRequest: (r) => say(`  arrow-sim ${r.method} ${r.path} → ${r.status}`) });
      closers.push(() => simulator.close());
      arrowUrl = simulator.url;
      arrowApiKey ??= ARROW_API_KEY;
    }
    if (!arrowApiKey) throw new Error('ARROW_API_KEY is required with ARROW_API_URL');

    // The demo replays last month's preliminary sync at a day of last month (see below): while it does, the
    // Soracom simulator reads this clock instead of the server's.
    let replayAt = null;
    let soracomSimulator = null;
    if (!soracomUrl) {
      soracomSimulator = await startSoracomSimulator({
        now: () => replayAt ?? now(),
        timezone,
        ...soracomSimulatorOptions,
        onRequest: (r) => say(`  soracom-sim ${r.method} ${r.path} → ${r.status}`),
      });
      closers.push(() => soracomSimulator.close());
      soracomUrl = soracomSimulator.url;
      soracomApiKey ??= SORACOM_API_KEY;
      soracomToken ??= SORACOM_TOKEN;
    }
    if (!soracomApiKey || !soracomToken) throw new Error('SORACOM_API_KEY and SORACOM_TOKEN are required with SORACOM_API_URL');

    const database = describeDatabase({ databaseUrl, dbPath });
    const { store } = await openStore({ databaseUrl, dbPath });
    closers.push(() => store.close());
    let soracomSeeded = false;
    let demoToken = null;
    if (seed) {
      if (await store.isEmpty()) {
        await store.seed(demoHostData({ apiUrl: arrowUrl }));
        say(`seeded demo host data into ${database}`);
      } else {
        // The simulator gets a new port each start: keep the demo settings pointing at the live one.
        const held = await store.get('settings', DEMO_SETTINGS_UUID);
        const settings = held && JSON.parse(held.row);
        if (settings && settings.api_url !== arrowUrl) await store.seed({ settings: [{ ...settings, api_url: arrowUrl }] });
      }
      // The Soracom demo rows, on a first start and on a database made before Soracom was added.
      if (!(await store.get('soracom_settings', SORACOM_SETTINGS_UUID))) {
        await store.seed(soracomDemoHostData());
        soracomSeeded = true;
        say(`seeded Soracom demo host data into ${database}`);
      }
      demoToken = await ensureDemoUser(store, { token: adminToken });
    }

    // The Arrow API keys of settings made through the admin API are the host's (arrow-host.mjs), never billsync's.
    const arrowHost = createArrowHost({ store, now });
    const arrow = createArrowClient({
      baseUrl: arrowUrl,
      apiKey: arrowApiKey,
      keyFor: arrowHost.keyFor,
      onRetry: ({ url, attempt, status, delayMs }) => say(`  arrow retry #${attempt} ${url} (${status ?? 'network error'}) in ${delayMs} ms`),
    });

    const soracom = createSoracomClient({
      baseUrl: soracomUrl,
      apiKey: soracomApiKey,
      token: soracomToken,
      onRetry: ({ url, attempt, status, delayMs }) => say(`  soracom retry #${attempt} ${url} (${status ?? 'network error'}) in ${delayMs} ms`),
    });

    let api = null;
    let engine = null;
    let engineError = null;
    try {
      api = billsync ?? (await loadBillsync());
      if (typeof api.ArrowEngine !== 'function') throw new Error('this build of the billsync package has no ArrowEngine');
      engine = new api.ArrowEngine({
        arrow,
        host: arrowHost,
        store,
        clock: { now },
        timezone,
        onProgress: (event) => say(`  progress ${JSON.stringify(event)}`),
      });
    } catch (error) {
      engineError = error;
      say(`WARNING: the engine is unavailable (${error.message}); run \`make build\`. /api answers 503 until then.`);
    }

    // The SoracomEngine serves /api/admin/soracom/ with the same request and response shapes as the
    // ArrowEngine's handle. Builds of the package without it leave those routes at 503.
    let soracomEngine = null;
    let soracomEngineError = engineError;
    if (api && typeof api.SoracomEngine === 'function') {
      try {
        soracomEngine = new api.SoracomEngine({
          soracom,
          store,
          clock: { now },
          timezone,
          onProgress: (event) => say(`  soracom progress ${JSON.stringify(event)}`),
        });
        soracomEngineError = null;
      } catch (error) {
        soracomEngineError = error;
        say(`WARNING: the Soracom engine is unavailable (${error.message}). /api/admin/soracom/ answers 503.`);
      }
    } else if (api) {
      soracomEngineError = new Error('this build of the billsync package has no SoracomEngine');
    }
    // The demo's history, relative to today: "last month" is the newest month Soracom has closed (the month
    // before last during the first days of a month, while last month closes late). Unless it has records
    // already, it is synced as it stood on its 20th, while it was open, so that reconciling it now shows the
    // cycle: compensations for the SIMs whose figures moved. On any day, on a new or an old database.
    let demoMonths = null;
    const closed = soracomSimulator?.lastClosedMonth();
    if (demoHistory && soracomSimulator && soracomEngine && closed) {
      const month = { year: Number(closed.slice(0, 4)), month: Number(closed.slice(4, 6)) };
      const current = soracomSimulator.currentMonth();
      demoMonths = { soracomClosed: month, current: { year: Number(current.slice(0, 4)), month: Number(current.slice(4, 6)) } };
      const period = `${closed.slice(0, 4)}-${closed.slice(4, 6)}`;
      try {
        const held = await soracomEngine.listConsumptionRecords({ billing_period: period, page_size: 1 });
        if (held.length === 0) {
          const asOf = new Date(Date.UTC(month.year, month.month - 1, 20, 10));
          const replay = new api.SoracomEngine({ soracom, store, clock: { now: () => asOf.toISOString() }, timezone });
          replayAt = asOf;
          try {
            const synced = await replay.triggerConsumptionSync(month);
            say(`demo: Soracom's ${period} synced as it stood on the 20th (${synced.synced} SIMs and devices); Soracom has closed it: reconcile it to see the compensations`);
          } finally {
            replayAt = null;
          }
        }
      } catch (error) {
        say(`demo: could not replay Soracom's ${period} as it stood on the 20th (${error.message})`);
      }
    }

    // The job queue, on PostgreSQL: this process works jobs and (unless a supervisor does) runs the
    // maintenance and the cron clock.
    let queue = null;
    let jobs = null;
    if (databaseUrl && queueOptions !== false) {
      const { work = true, maintenance = true, onJobStart, onJobEnd, ...limits } = queueOptions ?? {};
      queue = await openJobQueue({ databaseUrl, maintenance, log: (event) => say(JSON.stringify(event)), ...limits });
      closers.push(() => queue.stop());
      jobs = createJobs({ queue, store, engines: { arrow: engine, soracom: soracomEngine }, timezone, now, log: say });
      const crons = await queue.cronQueues(await jobs.settingsRows());
      if (maintenance) await queue.schedule(crons, { cron, tz: cronTimezone });
      if (work) {
        await queue.work(jobs.run, { onStart: onJobStart, onEnd: onJobEnd });
        await queue.workCron(crons, jobs.tick);
      }
    }
    const queued = (triggers ?? (queue ? 'queue' : 'request')) === 'queue' && queue !== null;

    const routes = [
      { prefix: API_PREFIX, name: 'engine', engine: engine, error: engineError },
      { prefix: SORACOM_PREFIX, name: 'Soracom engine', engine: soracomEngine, error: soracomEngineError },
      // Our extension that every engine serves (the invoice-item listing): either engine will do.
      { prefix: BILLSYNC_PREFIX, name: 'engine', engine: engine ?? soracomEngine, error: engineError },
    ];

    /** The database and the queue answer. */
    async function health() {
      const check = async (what) => {
        try {
          await what();
          return 'ok';
        } catch (error) {
          return `error: ${error.message}`;
        }
      };
      const databaseState = await check(() => (store.health ? store.health() : store.get('sync_switches', 'global')));
      const queueState = queue ? await check(() => queue.health()) : 'off';
      return { databaseState, queueState, ok: databaseState === 'ok' && (queueState === 'ok' || queueState === 'off') };
    }

    let inFlight = 0;
    let draining = null;

    let baseUrl = '';
    const common = { arrowUrl, soracomUrl, database, store, engine, soracomEngine, simulator, soracomSimulator, queue, jobs, demoToken, demoMonths, triggers: queued ? 'queue' : 'request', close: closeAll };
    if (!listen) return { url: null, ...common };
    const server = createServer(async (req, res) => {
      const started = process.hrtime.bigint();
      const head = req.method === 'HEAD';
      inFlight += 1;
      res.on('close', () => {
        inFlight -= 1;
        if (inFlight === 0) draining?.();
      });
      res.setHeader('x-content-type-options', 'nosniff');
      res.on('finish', () => {
        if (req.url.startsWith('/api/')) {
          const ms = Number((process.hrtime.bigint() - started) / 1_000_000n);
          say(`${req.method} ${req.url} → ${res.statusCode} (${ms} ms)`);
        }
      });
      try {
        const url = new URL(req.url, baseUrl);
        const path = url.pathname;
        if (path === '/healthz') {
          const { databaseState, queueState, ok } = await health();
          return sendJson(res, ok ? 200 : 503, {
            status: ok ? 'ok' : 'unavailable',
            database: databaseState,
            queue: queueState,
            engine: engine ? 'ready' : `unavailable: ${engineError?.message}`,
            soracom_engine: soracomEngine ? 'ready' : `unavailable: ${soracomEngineError?.message}`,
            arrow_api_url: arrowUrl,
            soracom_api_url: soracomUrl,
            db: database,
            triggers: queued ? 'queue' : 'request',
            pid: process.pid,
          }, {}, head);
        }
        const route = routes.find((r) => path.startsWith(r.prefix) || path === r.prefix.slice(0, -1));
        if (route) {
          // DRF's TokenAuthentication: 401 without a live token; the engine answers 403 to non-staff.
          const caller = await authenticate(store, req.headers.authorization);
          if (!caller.user) return sendJson(res, caller.status, { detail: caller.detail }, { 'www-authenticate': 'Token' }, head);
          const user = caller.user;
          const job = JOB_PATH.exec(path);
          if (job && queue) {
            if (!user.is_staff) return sendJson(res, 403, { detail: 'You do not have permission to perform this action.' }, {}, head);
            const found = await queue.job(job[1]);
            if (!found) return sendJson(res, 404, { detail: 'Not found.' }, {}, head);
            const { id, state, data, output, retryCount, createdOn, startedOn, completedOn } = found;
            return sendJson(res, 200, { id, state, key: data.key, vendor: data.vendor, operation: data.operation, period: data.period, settings_uuid: data.settings_uuid, source: data.source, retry_count: retryCount, created_on: createdOn, started_on: startedOn, completed_on: completedOn, output }, {}, head);
          }
          if (!route.engine) return sendJson(res, 503, { detail: `The billsync ${route.name} is unavailable: ${route.error?.message}` }, {}, head);
          const query = {};
          for (const [k, v] of url.searchParams) query[k] = v;
          if (FOCUS_EXPORT_PATH.test(path)) return serveFocusExport(req, res, route.engine, { user, query, head });
          const body = head || req.method === 'GET' ? null : await readBody(req);
          const trigger = req.method === 'POST' && queued && user.is_staff ? TRIGGER.exec(path) : null;
          const job2 = trigger && jobOfTrigger(trigger[1], trigger[2], body);
          if (job2) {
            const answer = await jobs.trigger(job2, baseUrl);
            return sendJson(res, answer.status, answer.body, {}, head);
          }
          const headers = {};
          for (const [k, v] of Object.entries(req.headers)) headers[k] = Array.isArray(v) ? v.join(', ') : String(v);
          const result = await route.engine.handle({ method: req.method, path, query, body, headers, user, baseUrl });
          const status = STATUS.exec(path);
          if (status && result.status === 200 && result.body && typeof result.body === 'object') {
            // The host's part of the status: where the triggers run, and the queue's state.
            result.body = { ...result.body, triggers: queued ? 'queue' : 'request', queue: queue ? await queue.state({ vendor: status[1] }) : null };
          }
          return sendJson(res, result.status, result.body ?? null, result.headers ?? {}, head);
        }
        if (path.startsWith('/api/')) return sendJson(res, 404, { detail: 'Not found.' }, {}, head);
        if (req.method !== 'GET' && !head) return sendJson(res, 405, { detail: `Method "${req.method}" not allowed.` });
        if (path.startsWith('/pkg/')) return serveFile(res, join(REPO, 'pkg'), decodePath(path.slice('/pkg/'.length)), head);
        const www = join(REPO, 'www');
        if (path === '/' && !existsSync(join(www, 'index.html'))) {
          res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
          return res.end(head ? undefined : PLACEHOLDER(baseUrl));
        }
        return serveFile(res, www, decodePath(path), head);
      } catch (error) {
        if (error instanceof HttpError) return sendJson(res, error.status, { detail: error.message }, {}, head);
        if (error instanceof ArrowApiError) {
          say(`arrow error: ${error.message}`);
          return sendJson(res, 502, { detail: `Arrow API error: ${error.message}` }, {}, head);
        }
        if (error instanceof SoracomApiError) {
          say(`soracom error: ${error.message}`);
          return sendJson(res, 502, { detail: `Soracom API error: ${error.message}` }, {}, head);
        }
        say(`error on ${req.method} ${req.url}: ${error?.stack ?? error}`);
        if (!res.headersSent) return sendJson(res, 500, { detail: error?.code ? `${error.code}: ${error.message}` : 'Internal server error.' }, {}, head);
        res.destroy();
      }
    });
    await new Promise((resolve, reject) => {
      server.once('error', (error) => {
        reject(error.code === 'EADDRINUSE' ? portTaken(port) : error);
      });
      server.listen(port, '127.0.0.1', resolve);
    });
    // Shutdown: stop accepting, let the requests in flight finish (10 s at most), then the queue (its
    // running jobs finish or are released for a retry), then the store.
    closers.push(
      () =>
        new Promise((resolve) => {
          server.close();
          server.closeIdleConnections();
          const done = () => {
            clearTimeout(timer);
            resolve();
          };
          const timer = setTimeout(() => {
            server.closeAllConnections();
            resolve();
          }, 10_000);
          timer.unref();
          if (inFlight === 0) done();
          else draining = done;
        }),
    );
    baseUrl = `http://127.0.0.1:${server.address().port}`;
    return { url: baseUrl, ...common };
  } catch (error) {
    await closeAll();
    throw error;
  }
}

/** The banner `make run` prints. The demo token is printed when it was issued, this once. */
export function banner({ url, arrowUrl, soracomUrl, database, demoToken, engine, soracomEngine, triggers, workers, demoMonths }) {
  const json = ({ year, month }) => `'{"year": ${year}, "month": ${month}}'`;
  const closed = demoMonths ? json(demoMonths.soracomClosed) : `'{"year": <year>, "month": <the last month Soracom has closed>}'`;
  const line = '─'.repeat(72);
  const token = demoToken ?? '<your token>';
  return [
    line,
    ' billsync admin backend',
    line,
    ` API        ${url}/api/admin/arrow/billing-syncs/`,
    `            ${url}/api/admin/arrow/consumption-records/`,
    `            ${url}/api/admin/soracom/   (${soracomEngine ? 'ready' : 'no SoracomEngine in this build: 503'})`,
    `            ${url}/api/admin/billsync/invoice-items/   (what was billed, both vendors)`,
    `            ${url}/api/admin/billsync/focus-export/?period=YYYY-MM   (FOCUS 1.4 CSV; &format=jsonl)`,
    ` Preview    ${url}/            (www/, importing ${url}/pkg/web.js)`,
    ` Health     ${url}/healthz`,
    ` Arrow API  ${arrowUrl}`,
    ` Soracom    ${soracomUrl}`,
    ` Database   ${database}`,
    ` Workers    ${workers ? `${workers} processes` : '1 process'}; triggers run ${triggers === 'queue' ? 'as jobs on the queue (202 names the job)' : 'in the request'}`,
    ` Engine     ${engine ? 'ready' : 'UNAVAILABLE: run `make build`'}`,
    demoToken
      ? ` Token      ${demoToken}   (the demo staff user's; shown only now: TOKEN=${demoToken})`
      : ' Token      the demo user exists; a new token: node examples/node-admin/cli.mjs token issue demo-admin',
    line,
    ' Try:',
    `   curl -i -X POST ${url}/api/admin/arrow/billing-syncs/trigger_consumption_sync/ \\`,
    `        -H 'Authorization: Token ${token}' -H 'Content-Type: application/json' \\`,
    `        -d '{"year": 2025, "month": 6}'`,
    `   curl -s ${url}/api/admin/arrow/consumption-records/ -H 'Authorization: Token ${token}'`,
    `   curl -s -X POST ${url}/api/admin/soracom/billing-syncs/trigger_reconciliation/ \\`,
    `        -H 'Authorization: Token ${token}' -H 'Content-Type: application/json' \\`,
    `        -d ${closed}`,
    `   curl -s ${url}/api/admin/billsync/invoice-items/ -H 'Authorization: Token ${token}'`,
    line,
  ].join('\n');
}

/** A clock that reads `instant` now and runs on from it (undefined without one: the system clock). */
export function clockFrom(instant) {
  if (!instant) return undefined;
  const start = Date.parse(instant);
  if (Number.isNaN(start)) throw new Error(`BILLSYNC_NOW is not an RFC 3339 instant: ${instant}`);
  const offset = start - Date.now();
  return () => new Date(Date.now() + offset).toISOString();
}

/** The options of the command line's environment (README: "Environment"). */
export function optionsFromEnv(env = process.env) {
  const number = (name) => (env[name] ? Number(env[name]) : undefined);
  const limits = Object.fromEntries(
    Object.entries({
      expireInSeconds: number('BILLSYNC_JOB_EXPIRE_SECONDS'),
      retryLimit: number('BILLSYNC_JOB_RETRY_LIMIT'),
      retryDelay: number('BILLSYNC_JOB_RETRY_DELAY'),
      pollingIntervalSeconds: number('BILLSYNC_JOB_POLL_SECONDS'),
      maintenanceIntervalSeconds: number('BILLSYNC_QUEUE_MAINTENANCE_SECONDS'),
    }).filter(([, v]) => v !== undefined),
  );
  return {
    demoHistory: true,
    port: Number(env.PORT ?? 8080),
    dbPath: env.BILLSYNC_DB ?? DEFAULT_DB,
    databaseUrl: env.BILLSYNC_DATABASE_URL || undefined,
    triggers: env.BILLSYNC_TRIGGERS || undefined,
    cron: { sync: env.BILLSYNC_SYNC_CRON || DEFAULT_CRON.sync, reconcile: env.BILLSYNC_RECONCILE_CRON || DEFAULT_CRON.reconcile },
    cronTimezone: env.BILLSYNC_CRON_TZ || 'UTC',
    queue: limits,
    arrowUrl: env.ARROW_API_URL || undefined,
    arrowApiKey: env.ARROW_API_KEY || undefined,
    soracomUrl: env.SORACOM_API_URL || undefined,
    soracomApiKey: env.SORACOM_API_KEY || undefined,
    soracomToken: env.SORACOM_TOKEN || undefined,
    adminToken: env.ADMIN_TOKEN || undefined,
    timezone: env.BILLSYNC_TIMEZONE || 'UTC',
    now: clockFrom(env.BILLSYNC_NOW),
  };
}

/** `--workers N` (or `--workers=N`): the number of worker processes, or null for one process. */
export function workersOf(argv) {
  const at = argv.findIndex((a) => a === '--workers' || a.startsWith('--workers='));
  if (at < 0) return null;
  const value = argv[at].includes('=') ? argv[at].split('=')[1] : argv[at + 1];
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 64) throw new Error(`--workers takes a number of processes from 1 to 64, got ${JSON.stringify(value ?? null)}`);
  return n;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { runSupervisor, runWorker, isWorker } = await import('./workers.mjs');
  try {
    const options = optionsFromEnv();
    if (isWorker()) {
      await runWorker({ options, startServer });
    } else {
      const workers = workersOf(process.argv.slice(2));
      if (workers) {
        await runSupervisor({ workers, options, startServer, banner, portIsFree });
      } else {
        const app = await startServer(options);
        console.log(banner({ ...options, ...app }));
        let stopping = false;
        for (const signal of ['SIGINT', 'SIGTERM']) {
          process.on(signal, async () => {
            if (stopping) return;
            stopping = true;
            console.log(`\n${signal}: shutting down…`);
            await app.close();
            console.log('bye');
            process.exit(0);
          });
        }
      }
    }
  } catch (error) {
    console.error(`billsync: ${error.message}`);
    process.exit(1);
  }
}
