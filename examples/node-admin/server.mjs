// The billsync admin backend: the ArrowEngine and the SoracomEngine (wasm) behind real HTTP, on embedded SQLite,
// talking to Arrow's and Soracom's APIs over real HTTP (the loopback simulators unless ARROW_API_URL /
// SORACOM_API_URL are set).
//
//   node examples/node-admin/server.mjs          (or `make run` from the repository root)
//
// Environment: PORT (8080), BILLSYNC_DB (examples/node-admin/data/billsync.sqlite), ADMIN_TOKEN
// ("demo-admin-token"), ARROW_API_URL and ARROW_API_KEY (a real Arrow; default: the simulator),
// SORACOM_API_URL, SORACOM_API_KEY and SORACOM_TOKEN (a real Soracom; default: the simulator),
// BILLSYNC_TIMEZONE ("UTC"). Every listener binds 127.0.0.1 only.
import { createServer } from 'node:http';
import { mkdirSync, existsSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { dirname, extname, join, normalize, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { openSqliteStore } from './sqlite-store.mjs';
import { startArrowSimulator } from './arrow-simulator.mjs';
import { createArrowClient, ArrowApiError } from './arrow-client.mjs';
import { createArrowHost } from './arrow-host.mjs';
import { ARROW_API_KEY, DEMO_SETTINGS_UUID, demoHostData } from './demo-data.mjs';
import { startSoracomSimulator } from './soracom-simulator.mjs';
import { createSoracomClient, SoracomApiError } from './soracom-client.mjs';
import { SORACOM_API_KEY, SORACOM_TOKEN, SORACOM_SETTINGS_UUID, soracomDemoHostData } from './soracom-demo-data.mjs';

const HERE = dirname(fileURLToPath(import.meta.url));
const REPO = normalize(join(HERE, '..', '..'));
export const DEFAULT_DB = join(HERE, 'data', 'billsync.sqlite');
export const DEFAULT_ADMIN_TOKEN = 'demo-admin-token';
const API_PREFIX = '/api/admin/arrow/';
const SORACOM_PREFIX = '/api/admin/soracom/';
const MAX_BODY = 1 << 20;

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.cjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.map': 'application/json',
  '.wasm': 'application/wasm',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ts': 'text/plain; charset=utf-8',
};

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

class HttpError extends Error {
  constructor(status, detail) {
    super(detail);
    this.status = status;
  }
}

/** A URL path segment decoded, or a 400 for a malformed escape (decodeURIComponent throws a URIError). */
function decodePath(text) {
  try {
    return decodeURIComponent(text);
  } catch {
    throw new HttpError(400, 'Malformed URL.');
  }
}

async function readBody(req) {
  const chunks = [];
  let size = 0;
  for await (const chunk of req) {
    size += chunk.length;
    if (size > MAX_BODY) throw new HttpError(413, 'Request body too large.');
    chunks.push(chunk);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (text.trim() === '') return null;
  const type = String(req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
  if (type === 'application/x-www-form-urlencoded') return Object.fromEntries(new URLSearchParams(text));
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new HttpError(400, `JSON parse error - ${error.message}`);
  }
}

/** `Authorization: Token <token>`: staff when it is the admin token, otherwise an ordinary user. */
function userOf(req, adminToken) {
  const match = /^Token\s+(\S+)\s*$/i.exec(String(req.headers.authorization ?? ''));
  return { is_staff: Boolean(match) && match[1] === adminToken, is_authenticated: Boolean(match) };
}

function sendJson(res, status, body, headers = {}, head = false) {
  const text = body === null || body === undefined ? '' : JSON.stringify(body);
  const all = { ...headers };
  if (text) {
    all['content-type'] ??= 'application/json';
    all['content-length'] = Buffer.byteLength(text);
  }
  res.writeHead(status, all);
  res.end(head ? undefined : text || undefined);
}

async function serveFile(res, root, relative, head) {
  let file = normalize(join(root, relative));
  const base = root.endsWith(sep) ? root : root + sep;
  if (file !== root && !file.startsWith(base)) return sendJson(res, 403, { detail: 'Forbidden.' });
  try {
    if ((await stat(file)).isDirectory()) file = join(file, 'index.html');
    const body = await readFile(file);
    res.writeHead(200, {
      'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
      'content-length': body.length,
      'cache-control': 'no-cache',
    });
    res.end(head ? undefined : body);
  } catch {
    sendJson(res, 404, { detail: 'Not found.' }, {}, head);
  }
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
 * @param {boolean} [options.demoHistory=false] on a first start with the Soracom simulator, sync last month as it
 *   stood on its 20th, so that reconciling it shows compensations (what `make run` does)
 * @param {string} [options.adminToken]
 * @param {string} [options.timezone="UTC"]
 * @param {() => string} [options.now] the clock (RFC 3339); default: the system clock
 * @param {(line: string) => void | false} [options.log] default console.log; false for silence
 * @param {object} [options.billsync] the package's exports (default: loaded from pkg/)
 * @returns {Promise<{url: string, arrowUrl: string, soracomUrl: string, store: object, engine: object|null,
 *   soracomEngine: object|null, simulator: object|null, soracomSimulator: object|null, close: () => Promise<void>}>}
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
  adminToken = DEFAULT_ADMIN_TOKEN,
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

    if (dbPath !== ':memory:') mkdirSync(dirname(dbPath), { recursive: true });
    const store = openSqliteStore(dbPath);
    closers.push(() => store.close());
    if (store.isEmpty()) {
      store.seed(demoHostData({ apiUrl: arrowUrl }));
      say(`seeded demo host data into ${dbPath}`);
    } else {
      // The simulator gets a new port each start: keep the demo settings pointing at the live one.
      const held = await store.get('settings', DEMO_SETTINGS_UUID);
      const settings = held && JSON.parse(held.row);
      if (settings && settings.api_url !== arrowUrl) store.seed({ settings: [{ ...settings, api_url: arrowUrl }] });
    }
    // The Soracom demo rows, on a first start and on a database made before Soracom was added.
    let soracomSeeded = false;
    if (!(await store.get('soracom_settings', SORACOM_SETTINGS_UUID))) {
      store.seed(soracomDemoHostData());
      soracomSeeded = true;
      say(`seeded Soracom demo host data into ${dbPath}`);
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
    // The demo's history: last month synced as it stood on its 20th, while it was open, so that reconciling
    // it now (Soracom has closed it) shows the cycle: compensations for the SIMs whose figures moved.
    if (demoHistory && soracomSeeded && soracomSimulator && soracomEngine) {
      const today = new Date(now());
      const lastMonth = new Date(Date.UTC(today.getUTCFullYear(), today.getUTCMonth() - 1, 20, 10));
      const replay = new api.SoracomEngine({ soracom, store, clock: { now: () => lastMonth.toISOString() }, timezone });
      replayAt = lastMonth;
      try {
        const body = { year: lastMonth.getUTCFullYear(), month: lastMonth.getUTCMonth() + 1 };
        const synced = await replay.triggerConsumptionSync(body);
        say(`demo: Soracom's ${body.year}-${String(body.month).padStart(2, '0')} synced as it stood on the 20th (${synced.synced} SIMs and devices); reconcile it to see the compensations`);
      } catch (error) {
        say(`demo: could not replay last month's Soracom sync (${error.message})`);
      } finally {
        replayAt = null;
      }
    }

    const routes = [
      { prefix: API_PREFIX, name: 'engine', engine: engine, error: engineError },
      { prefix: SORACOM_PREFIX, name: 'Soracom engine', engine: soracomEngine, error: soracomEngineError },
    ];

    let baseUrl = '';
    const server = createServer(async (req, res) => {
      const started = process.hrtime.bigint();
      const head = req.method === 'HEAD';
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
          return sendJson(res, 200, {
            status: 'ok',
            engine: engine ? 'ready' : `unavailable: ${engineError?.message}`,
            soracom_engine: soracomEngine ? 'ready' : `unavailable: ${soracomEngineError?.message}`,
            arrow_api_url: arrowUrl,
            soracom_api_url: soracomUrl,
            db: dbPath,
          }, {}, head);
        }
        const route = routes.find((r) => path.startsWith(r.prefix) || path === r.prefix.slice(0, -1));
        if (route) {
          if (!route.engine) return sendJson(res, 503, { detail: `The billsync ${route.name} is unavailable: ${route.error?.message}` }, {}, head);
          const query = {};
          for (const [k, v] of url.searchParams) query[k] = v;
          const body = head || req.method === 'GET' ? null : await readBody(req);
          const headers = {};
          for (const [k, v] of Object.entries(req.headers)) headers[k] = Array.isArray(v) ? v.join(', ') : String(v);
          const result = await route.engine.handle({ method: req.method, path, query, body, headers, user: userOf(req, adminToken), baseUrl });
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
      server.once('error', reject);
      server.listen(port, '127.0.0.1', resolve);
    });
    closers.push(
      () =>
        new Promise((resolve) => {
          server.close(() => resolve());
          server.closeIdleConnections();
          setTimeout(() => server.closeAllConnections(), 2000).unref();
        }),
    );
    baseUrl = `http://127.0.0.1:${server.address().port}`;
    return { url: baseUrl, arrowUrl, soracomUrl, store, engine, soracomEngine, simulator, soracomSimulator, close: closeAll };
  } catch (error) {
    await closeAll();
    throw error;
  }
}

function banner({ url, arrowUrl, soracomUrl, dbPath, adminToken, engine, soracomEngine }) {
  const line = '─'.repeat(72);
  return [
    line,
    ' billsync admin backend',
    line,
    ` API        ${url}/api/admin/arrow/billing-syncs/`,
    `            ${url}/api/admin/arrow/consumption-records/`,
    `            ${url}/api/admin/soracom/   (${soracomEngine ? 'ready' : 'no SoracomEngine in this build: 503'})`,
    ` Preview    ${url}/            (www/, importing ${url}/pkg/web.js)`,
    ` Health     ${url}/healthz`,
    ` Arrow API  ${arrowUrl}`,
    ` Soracom    ${soracomUrl}`,
    ` Database   ${dbPath}`,
    ` Engine     ${engine ? 'ready' : 'UNAVAILABLE: run `make build`'}`,
    ` Token      Authorization: Token ${adminToken}`,
    line,
    ' Try:',
    `   curl -i -X POST ${url}/api/admin/arrow/billing-syncs/trigger_consumption_sync/ \\`,
    `        -H 'Authorization: Token ${adminToken}' -H 'Content-Type: application/json' \\`,
    `        -d '{"year": 2025, "month": 6}'`,
    `   curl -s ${url}/api/admin/arrow/consumption-records/ -H 'Authorization: Token ${adminToken}'`,
    `   curl -s -X POST ${url}/api/admin/soracom/billing-syncs/trigger_reconciliation/ \\`,
    `        -H 'Authorization: Token ${adminToken}' -H 'Content-Type: application/json' \\`,
    `        -d '{"year": <last month's year>, "month": <last month>}'`,
    line,
  ].join('\n');
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const options = {
    demoHistory: true,
    port: Number(process.env.PORT ?? 8080),
    dbPath: process.env.BILLSYNC_DB ?? DEFAULT_DB,
    arrowUrl: process.env.ARROW_API_URL || undefined,
    arrowApiKey: process.env.ARROW_API_KEY || undefined,
    soracomUrl: process.env.SORACOM_API_URL || undefined,
    soracomApiKey: process.env.SORACOM_API_KEY || undefined,
    soracomToken: process.env.SORACOM_TOKEN || undefined,
    adminToken: process.env.ADMIN_TOKEN || DEFAULT_ADMIN_TOKEN,
    timezone: process.env.BILLSYNC_TIMEZONE || 'UTC',
  };
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
